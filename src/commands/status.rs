//! `status NAME`: one TidbMonitor's [`MonitorStatus`], as headed sections or a versioned JSON/YAML document.
//! Exit 1 when the monitor does not exist or a section could not read a kind it needs.

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, emit, load, report_problems};
use crate::checks::{Context, operator};
use crate::cli::StatusArgs;
use crate::core::monitors::RefState;
use crate::core::status::{MonitorStatus, NotChecked, Presence, monitor_status};
use crate::model::TidbMonitor;
use crate::naming;
use crate::render::age::age;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::render::{OutputFormat, escape};
use crate::snapshot::{Kind, Scope};
use crate::source::{Query, Request};

/// What `status` reads from `-f` files: everything `check` reads (its Findings section runs every rule), plus
/// the Services. Live it reads less, narrowed to the monitor ([`load_live`]).
pub fn request() -> Request {
    let mut request = super::check::request();
    request.auxiliary.push(Kind::Service);
    request.selected = Vec::new();
    request
}

/// The JSON Schema of `status -o json`.
pub fn schema() -> schemars::Schema {
    let mut schema = crate::render::structured::schema_of::<MonitorStatus>();
    schema.insert("title".into(), "TidbMonitorStatus".into());
    schema
}

pub fn run(settings: &Settings, args: &StatusArgs) -> Result<i32, CommandError> {
    if settings.global.all_namespaces {
        return Err(CommandError::Usage(
            "status shows one monitor: name its namespace with -n, not -A".into(),
        ));
    }
    if settings.format == OutputFormat::Name {
        return Err(CommandError::Usage(
            "status prints a report: use -o json or yaml for scripts".into(),
        ));
    }
    if args.assume_complete && !settings.offline() {
        return Err(CommandError::Usage(
            "--assume-complete applies to -f files only: a live cluster shows what exists".into(),
        ));
    }
    let name = match target(&args.name)? {
        Target::Monitor(name) => name,
        Target::Cluster { kinds, name } => {
            return super::cluster_status::run(settings, &kinds, &name, args.assume_complete);
        }
    };
    let request = request();
    let mut loaded = if settings.offline() {
        load(settings, &request)?
    } else {
        load_live(settings, &name)?
    };
    if args.assume_complete {
        for kind in request.kinds() {
            loaded.snapshot.scopes.insert(kind, Scope::AllNamespaces);
        }
    }
    let skipped = report_problems(&loaded);
    let context = Context {
        operator: operator::operator_version(&loaded.snapshot, None),
        all_namespaces: false,
        offline: settings.offline(),
    };
    let finding_kinds: Vec<Kind> = super::check::request().kinds().collect();
    let namespace = loaded.default_namespace.clone();
    let Some(status) = monitor_status(
        &loaded.snapshot,
        &namespace,
        &name,
        &context,
        &finding_kinds,
    ) else {
        super::report_not_found(&[Kind::TidbMonitor], std::slice::from_ref(&name), &[]);
        return Ok(1);
    };
    let text = match settings.format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        ),
        OutputFormat::Yaml => serde_saphyr::to_string(&status).unwrap_or_default(),
        _ => render(&status, settings.now, settings.color),
    };
    emit(&text);
    Ok(if status.partial() || skipped { 1 } else { 0 })
}

/// What `status` was asked about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `NAME`, `tidbmonitor/NAME`, `tm/NAME`, `tidbmonitor.pingcap.com/NAME`.
    Monitor(String),
    /// `TYPE/NAME` for a cluster: `kinds` is what TYPE can mean.
    Cluster { kinds: Vec<Kind>, name: String },
}

/// The kinds `TYPE/NAME` can name, with kubectl's spellings of TYPE: the singular, the plural or the CRD's short
/// name (`tm`, `tc`, `dc`; tidb-operator's CRDs), alone or with the group or version.group
/// (`tidbcluster.pingcap.com`, `clusters.v1alpha1.core.pingcap.com`), in any case, and what `-o name` prints.
/// `cluster/` and `clusters/` alone mean a cluster of any kind `clusters` lists (in kubectl, `cluster` is the v2
/// CRD's singular; here it is the plugin's word for all three): `cluster.core.pingcap.com/` picks the v2 one.
pub fn target(arg: &str) -> Result<Target, CommandError> {
    let Some((kind, name)) = arg.split_once('/') else {
        return Ok(Target::Monitor(arg.to_string()));
    };
    let usage = |why: String| {
        CommandError::Usage(format!(
            "{why}; status takes NAME (a TidbMonitor) or TYPE/NAME with TYPE cluster (any of the three), \
             tidbcluster (tc), dmcluster (dc) or cluster.core.pingcap.com (v2)"
        ))
    };
    if name.is_empty() || name.contains('/') {
        return Err(usage(format!("{arg:?} is not TYPE/NAME")));
    }
    let kind = kind.to_ascii_lowercase();
    let clusters = vec![Kind::TidbCluster, Kind::DmCluster, Kind::Cluster];
    if kind == "cluster" || kind == "clusters" {
        return Ok(Target::Cluster {
            kinds: clusters,
            name: name.to_string(),
        });
    }
    let (resource, group) = match kind.split_once('.') {
        Some((resource, group)) => (resource, Some(group)),
        None => (kind.as_str(), None),
    };
    let short_names = |k: Kind| -> &'static [&'static str] {
        match k {
            Kind::TidbMonitor => &["tm"],
            Kind::TidbCluster => &["tc"],
            Kind::DmCluster => &["dc"],
            _ => &[],
        }
    };
    let matching = std::iter::once(Kind::TidbMonitor)
        .chain(clusters)
        .find(|k| {
            let named = resource == k.kind_name().to_ascii_lowercase()
                || resource == k.plural()
                || short_names(*k).contains(&resource);
            let grouped = group
                .is_none_or(|g| g == k.group() || g == format!("{}.{}", k.version(), k.group()));
            named && grouped
        });
    match matching {
        Some(Kind::TidbMonitor) => Ok(Target::Monitor(name.to_string())),
        Some(kind) => Ok(Target::Cluster {
            kinds: vec![kind],
            name: name.to_string(),
        }),
        None => Err(usage(format!("unknown TYPE {kind:?}"))),
    }
}

/// Reads only what the monitor names, in three rounds of narrowed LISTs (never a cluster-wide list, so the
/// cost does not grow with the estate): the monitor; then its clusters, Secrets, workloads, claims and
/// Services; then the claims' volumes.
fn load_live(settings: &Settings, name: &str) -> Result<super::Loaded, CommandError> {
    let options = super::live_options(settings);
    super::runtime()?.block_on(async {
        let connection = crate::source::live::connect(&options).await?;
        let namespace = connection.namespace.clone();
        let (mut snapshot, mut warnings) = connection
            .read(&monitor_round(&namespace, name), Some(Kind::TidbMonitor))
            .await?;
        let monitor = snapshot
            .monitors
            .iter()
            .find(|m| m.metadata.name == name)
            .cloned();
        if let Some(monitor) = monitor {
            let (part, more) = connection.read(&object_round(&monitor), None).await?;
            snapshot.merge(part);
            warnings.extend(more);
            let (part, more) = connection
                .read(&volume_round(&snapshot, &monitor), None)
                .await?;
            snapshot.merge(part);
            warnings.extend(more);
        }
        // Other monitors and scrape objects are not read: the rules that compare them stay silent here.
        if settings.global.verbose > 0 {
            eprintln!(
                "note: status reads only this monitor's objects; rules across monitors and scrape objects need `kubectl tidbmonitor check`"
            );
        }
        Ok(super::Loaded {
            snapshot,
            warnings,
            row_namespace: Some(namespace.clone()),
            default_namespace: namespace,
        })
    })
}

/// Round 1: the monitor itself, by name.
pub fn monitor_round(namespace: &str, name: &str) -> Vec<Query> {
    vec![Query::by_name(
        Kind::TidbMonitor,
        Scope::Namespace(namespace.into()),
        name,
    )]
}

/// Round 2: what the monitor names. Clusters, DMClusters and Secrets are listed once per namespace the monitor
/// or its references live in (metadata only for Secrets): the rules look up Secrets and ConfigMaps the spec
/// names (client certificates, remote-write auth, rule ConfigMaps) in those namespaces, so a by-name read
/// of only the client Secrets would make the others look missing. The monitor's StatefulSets, claims and
/// Services carry `app.kubernetes.io/component=monitor` and `app.kubernetes.io/instance=` the monitor (the
/// StatefulSet of shard s, and the claims its template makes, `<name>-shard-<s>`; pkg/monitor/monitor/util.go
/// buildTidbMonitorLabel, v1.6.6). The legacy Deployment and its claim are read by name: a v1.1 claim made
/// by hand may lack the labels (TM021's unlabelled case).
pub fn object_round(monitor: &TidbMonitor) -> Vec<Query> {
    let own = monitor.metadata.namespace();
    let name = &monitor.metadata.name;
    let mut namespaces: Vec<String> = monitor
        .spec
        .clusters
        .iter()
        .chain(monitor.spec.dm_clusters())
        .map(|r| r.namespace_or(own).to_string())
        .chain(std::iter::once(own.to_string()))
        .collect();
    namespaces.sort();
    namespaces.dedup();
    let mut queries = Vec::new();
    for ns in &namespaces {
        for kind in [
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Secret,
            Kind::ConfigMap,
        ] {
            queries.push(Query {
                kind,
                scope: Scope::Namespace(ns.clone()),
                labels: None,
                fields: None,
            });
        }
    }
    let scope = Scope::Namespace(own.to_string());
    let instances: Vec<String> = (0..monitor.spec.shards())
        .map(|shard| naming::shard_instance(name, shard))
        .collect();
    let shards = format!(
        "{COMPONENT_MONITOR},app.kubernetes.io/instance in ({})",
        instances.join(",")
    );
    for kind in [Kind::StatefulSet, Kind::PersistentVolumeClaim] {
        queries.push(Query {
            kind,
            scope: scope.clone(),
            labels: Some(shards.clone()),
            fields: None,
        });
    }
    queries.push(Query {
        kind: Kind::Service,
        scope: scope.clone(),
        labels: Some(format!(
            "{COMPONENT_MONITOR},app.kubernetes.io/instance={name}"
        )),
        fields: None,
    });
    queries.push(Query::by_name(
        Kind::Deployment,
        scope.clone(),
        &naming::legacy_deployment(name),
    ));
    if monitor.spec.persistent {
        queries.push(Query::by_name(
            Kind::PersistentVolumeClaim,
            scope,
            &naming::legacy_pvc(name),
        ));
    }
    queries
}

/// Round 3: the volumes of the claims read, and the one a migration recorded in the monitor's status, by name.
pub fn volume_round(snapshot: &crate::snapshot::Snapshot, monitor: &TidbMonitor) -> Vec<Query> {
    let recorded = monitor
        .status
        .deployment_storage_status
        .as_ref()
        .and_then(|s| s.pv_name.clone());
    let mut names: Vec<String> = snapshot
        .pvcs
        .iter()
        .filter_map(|pvc| pvc.spec.volume_name.clone())
        .chain(recorded)
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|pv| Query::by_name(Kind::PersistentVolume, Scope::AllNamespaces, pv))
        .collect()
}

/// tidb-operator's component label on every monitor object (`label.NewMonitor().Monitor()`).
const COMPONENT_MONITOR: &str = "app.kubernetes.io/component=monitor";

/// The sections, in their fixed order, each under its heading.
pub fn render(status: &MonitorStatus, now: Timestamp, color: bool) -> String {
    let mut out = format!(
        "TidbMonitor {}\n",
        escape(&format!(
            "{}/{}",
            status.metadata.namespace, status.metadata.name
        ))
    );
    section(&mut out, "Overview", &overview(status, now), &[]);
    section(
        &mut out,
        "Clusters",
        &clusters(status, color),
        &status.clusters.not_checked,
    );
    section(
        &mut out,
        "Workloads",
        &workloads(status, color),
        &status.workloads.not_checked,
    );
    section(
        &mut out,
        "Storage",
        &storage(status, color),
        &status.storage.not_checked,
    );
    section(
        &mut out,
        "Endpoints",
        &endpoints(status, color),
        &status.endpoints.not_checked,
    );
    let findings = if status.findings.items.is_empty() {
        "No findings\n".to_string()
    } else {
        let mut text = super::check::render_table(&status.findings.items, false, color);
        // check's report ends each group with a blank line; inside a section the heading spaces groups.
        while text.ends_with("\n\n") {
            text.pop();
        }
        text
    };
    section(
        &mut out,
        "Findings",
        &findings,
        &status.findings.not_checked,
    );
    out
}

pub(super) fn section(out: &mut String, heading: &str, body: &str, not_checked: &[NotChecked]) {
    out.push('\n');
    out.push_str(heading);
    out.push('\n');
    for line in body.lines() {
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
    for gap in not_checked {
        out.push_str(&format!("  not checked: {}\n", escape(&gap.describe())));
    }
}

fn overview(status: &MonitorStatus, now: Timestamp) -> String {
    let v = &status.overview;
    let or_none = |s: Option<String>| s.filter(|s| !s.is_empty()).unwrap_or("<none>".into());
    let labels: Vec<String> = v
        .external_labels
        .iter()
        .map(|(k, val)| format!("{k}={val}"))
        .collect();
    let ready = v
        .replicas
        .ready
        .map(|r| r.to_string())
        .unwrap_or("<unknown>".into());
    let rows: Vec<(&str, String)> = vec![
        ("Namespace", v.metadata.namespace.clone()),
        ("Age", age(v.metadata.creation_timestamp.as_deref(), now)),
        (
            "Prometheus",
            or_none(v.prometheus.as_ref().map(|p| p.image.clone())),
        ),
        (
            "Grafana",
            or_none(v.grafana.as_ref().map(|g| g.image.clone())),
        ),
        (
            "Thanos",
            or_none(v.thanos.as_ref().map(|t| t.image.clone())),
        ),
        ("Cluster scoped", v.cluster_scoped.to_string()),
        (
            "Shards × replicas",
            format!(
                "{} × {} (ready {ready}/{})",
                v.shards,
                v.replicas.desired / v.shards.max(1),
                v.replicas.desired
            ),
        ),
        ("Retention", v.retention.clone()),
        ("External labels", or_none(Some(join(&labels)))),
        ("Remote write", or_none(Some(join(&v.remote_write)))),
    ];
    rows.iter()
        .map(|(key, value)| format!("{:<19}{}\n", format!("{key}:"), escape(value)))
        .collect()
}

fn presence(p: Presence) -> Cell {
    match p {
        Presence::Present => Cell::tone("present", Some(Tone::Good)),
        Presence::Missing => Cell::tone("missing", Some(Tone::Bad)),
        Presence::Unknown => Cell::tone("<unknown>", Some(Tone::Dim)),
    }
}

fn table_or(table: Table, color: bool, empty: &str) -> String {
    if table.rows.is_empty() {
        format!("{empty}\n")
    } else {
        table.render(false, color)
    }
}

fn clusters(status: &MonitorStatus, color: bool) -> String {
    let rows = status
        .clusters
        .items
        .iter()
        .map(|c| {
            let r = &c.reference;
            let state = match r.state {
                RefState::Found => Cell::tone("found", Some(Tone::Good)),
                RefState::Missing => Cell::tone("missing", Some(Tone::Bad)),
                RefState::Unresolved => Cell::tone("<unknown>", Some(Tone::Dim)),
            };
            let tls = match r.tls {
                Some(true) => "on",
                Some(false) => "off",
                None => "<unknown>",
            };
            let secret = match &c.client_secret {
                None => Cell::from("-"),
                Some(s) => {
                    let p = presence(s.presence);
                    Cell::tone(format!("{} ({})", s.name, p.text), p.tone)
                }
            };
            let mut others = join(&c.also_covered_by);
            if !c.coverage_complete && r.state == RefState::Found {
                others = if others.is_empty() {
                    "<unknown>".into()
                } else {
                    format!("{others},<more unknown>")
                };
            }
            vec![
                r.kind.into(),
                format!("{}/{}", r.namespace, r.name).into(),
                state,
                tls.into(),
                secret,
                c.version.clone().unwrap_or("<unknown>".into()).into(),
                others.into(),
            ]
        })
        .collect();
    let table = Table {
        headers: vec![
            "KIND",
            "CLUSTER",
            "STATE",
            "TLS",
            "CLIENT-SECRET",
            "VERSION",
            "ALSO-COVERED-BY",
        ],
        rows,
    };
    table_or(
        table,
        color,
        "no cluster references (spec.clusters and spec.dm are empty)",
    )
}

fn workloads(status: &MonitorStatus, color: bool) -> String {
    let workload = match status.overview.workload {
        crate::core::monitors::Workload::StatefulSet => "StatefulSet",
        crate::core::monitors::Workload::DeploymentLegacy => {
            "legacy Deployment (tidb-operator v1.1 layout), not migrated"
        }
        crate::core::monitors::Workload::Migrating => {
            "migrating from the legacy Deployment to StatefulSets"
        }
        crate::core::monitors::Workload::None => "none: no StatefulSet and no legacy Deployment",
        crate::core::monitors::Workload::Unknown => "<unknown>",
    };
    let rows = status
        .workloads
        .items
        .iter()
        .map(|w| {
            let ready = match (w.ready, w.desired) {
                (Some(r), Some(d)) => Cell::tone(
                    format!("{r}/{d}"),
                    Some(if r >= d { Tone::Good } else { Tone::Bad }),
                ),
                (None, Some(d)) => format!("-/{d}").into(),
                _ => "-".into(),
            };
            vec![
                w.kind.into(),
                w.name.as_str().into(),
                w.shard.map(|s| s.to_string()).unwrap_or("-".into()).into(),
                presence(w.presence),
                ready,
            ]
        })
        .collect();
    let table = Table {
        headers: vec!["KIND", "NAME", "SHARD", "STATE", "READY"],
        rows,
    };
    format!("Layout: {workload}\n{}", table.render(false, color))
}

fn storage(status: &MonitorStatus, color: bool) -> String {
    if !status.overview.storage.persistent {
        return "ephemeral (spec.persistent is false): no claims\n".into();
    }
    let rows = status
        .storage
        .items
        .iter()
        .map(|c| {
            let dash = |s: Option<&String>| s.cloned().unwrap_or("-".into());
            let (volume, reclaim) = match &c.volume {
                Some(v) => {
                    let volume = match v.presence {
                        Presence::Present => v.name.clone(),
                        Presence::Missing => format!("{} (missing)", v.name),
                        Presence::Unknown => format!("{} (<unknown>)", v.name),
                    };
                    (volume, dash(v.reclaim_policy.as_ref()))
                }
                None => ("-".into(), "-".into()),
            };
            vec![
                c.name.as_str().into(),
                c.role.into(),
                presence(c.presence),
                dash(c.phase.as_ref()).into(),
                dash(c.size.as_ref()).into(),
                dash(c.storage_class.as_ref()).into(),
                volume.into(),
                reclaim.into(),
            ]
        })
        .collect();
    let mut text = Table {
        headers: vec![
            "CLAIM", "ROLE", "STATE", "PHASE", "SIZE", "CLASS", "VOLUME", "RECLAIM",
        ],
        rows,
    }
    .render(false, color);
    for c in &status.storage.items {
        if let Some(fate) = &c.migration {
            text.push_str(&format!("{}: {}\n", escape(&c.name), escape(fate)));
        }
    }
    text
}

fn endpoints(status: &MonitorStatus, color: bool) -> String {
    let rows = status
        .endpoints
        .items
        .iter()
        .map(|s| {
            vec![
                s.name.as_str().into(),
                s.type_.as_str().into(),
                join(&s.ports).into(),
            ]
        })
        .collect();
    let mut text = table_or(
        Table {
            headers: vec!["SERVICE", "TYPE", "PORTS"],
            rows,
        },
        color,
        &format!(
            "no Service labelled app.kubernetes.io/instance={},app.kubernetes.io/component=monitor",
            escape(&status.metadata.name)
        ),
    );
    let grpc: Vec<String> = status
        .endpoints
        .items
        .iter()
        .filter(|s| s.thanos_grpc)
        .map(|s| format!("{}.{}:10901", s.name, status.metadata.namespace))
        .collect();
    let line = match (&status.overview.thanos, grpc.is_empty()) {
        (None, _) => "not configured (spec.thanos is unset)".to_string(),
        (Some(_), true) => "spec.thanos is set but no Service carries port 10901".to_string(),
        (Some(_), false) => grpc.join(", "),
    };
    text.push_str(&format!("Thanos sidecar gRPC: {line}\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(kinds: &[Kind], name: &str) -> Target {
        Target::Cluster {
            kinds: kinds.to_vec(),
            name: name.into(),
        }
    }

    #[test]
    fn targets_as_kubectl_users_type_them() {
        let any = [Kind::TidbCluster, Kind::DmCluster, Kind::Cluster];
        assert_eq!(target("basic").unwrap(), Target::Monitor("basic".into()));
        for monitor in [
            "tm/basic",
            "tidbmonitor/basic",
            "TidbMonitors/basic",
            "tidbmonitor.pingcap.com/basic",
        ] {
            assert_eq!(
                target(monitor).unwrap(),
                Target::Monitor("basic".into()),
                "{monitor}"
            );
        }
        for generic in ["cluster/basic", "clusters/basic", "Cluster/basic"] {
            assert_eq!(
                target(generic).unwrap(),
                cluster(&any, "basic"),
                "{generic}"
            );
        }
        for tc in [
            "tc/basic",
            "tidbcluster/basic",
            "tidbclusters/basic",
            "TidbCluster/basic",
            "tidbcluster.pingcap.com/basic",
            "tidbclusters.v1alpha1.pingcap.com/basic",
        ] {
            assert_eq!(
                target(tc).unwrap(),
                cluster(&[Kind::TidbCluster], "basic"),
                "{tc}"
            );
        }
        for dc in ["dc/sync", "dmcluster/sync", "dmcluster.pingcap.com/sync"] {
            assert_eq!(
                target(dc).unwrap(),
                cluster(&[Kind::DmCluster], "sync"),
                "{dc}"
            );
        }
        for v2 in [
            "cluster.core.pingcap.com/basic",
            "clusters.core.pingcap.com/basic",
            "clusters.v1alpha1.core.pingcap.com/basic",
        ] {
            assert_eq!(
                target(v2).unwrap(),
                cluster(&[Kind::Cluster], "basic"),
                "{v2}"
            );
        }
        // What `clusters -o name` and `get -o name` print comes back as the same object.
        for kind in any {
            let printed = crate::render::kind_object_name(kind, "x");
            assert_eq!(
                target(&printed).unwrap(),
                cluster(&[kind], "x"),
                "{printed}"
            );
        }
        assert_eq!(
            target(&crate::render::kind_object_name(Kind::TidbMonitor, "x")).unwrap(),
            Target::Monitor("x".into())
        );
    }

    #[test]
    fn other_types_are_usage_errors() {
        for bad in [
            "pod/basic",
            "cluster.pingcap.com/basic",
            "tidbcluster.core.pingcap.com/basic",
            "tc/",
            "tc/a/b",
            "pdgroup/basic",
        ] {
            let Err(CommandError::Usage(message)) = target(bad) else {
                panic!("{bad} should be a usage error");
            };
            assert!(message.contains("TYPE/NAME"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}
