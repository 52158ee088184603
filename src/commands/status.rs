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
    request
        .auxiliary
        .extend([Kind::Service, Kind::Pod, Kind::Event, Kind::Ingress]);
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
            if args.watch || settings.contexts()?.is_some() {
                return Err(CommandError::Usage(
                    "--watch and several contexts are for a TidbMonitor's status; cluster/NAME reads one context once"
                        .into(),
                ));
            }
            return super::cluster_status::run(settings, &kinds, &name, args.assume_complete);
        }
    };
    if let Some(contexts) = settings.contexts()? {
        return status_in_contexts(settings, args, &name, &contexts);
    }
    if args.watch {
        if settings.offline() {
            return Err(CommandError::Usage(
                "--watch follows a live cluster; files do not change under it (drop -f)".into(),
            ));
        }
        return watch(settings, &name);
    }
    let request = request();
    let mut loaded = if settings.offline() {
        load(settings, &request)?
    } else {
        let options = super::live_options(settings);
        super::runtime()?.block_on(async {
            let connection = crate::source::live::connect(&options).await?;
            let (loaded, _) = read_live(&connection, settings, &name).await?;
            Ok::<_, CommandError>(loaded)
        })?
    };
    if args.assume_complete {
        for kind in request.kinds() {
            loaded.snapshot.scopes.insert(kind, Scope::AllNamespaces);
        }
    }
    let skipped = report_problems(&loaded);
    let (text, code) = report(settings, &name, &loaded);
    if let Some(text) = text {
        emit(&text);
    }
    Ok(if skipped { code.max(1) } else { code })
}

/// The report on what was read, and its exit code; `None` (exit 1) when the monitor is not there.
fn report(settings: &Settings, name: &str, loaded: &super::Loaded) -> (Option<String>, i32) {
    let Some(status) = status_of(settings, name, loaded) else {
        super::report_not_found(&[Kind::TidbMonitor], &[name.to_string()], &[]);
        return (None, 1);
    };
    (
        Some(render_status(settings, &status)),
        if status.partial() { 1 } else { 0 },
    )
}

fn status_of(settings: &Settings, name: &str, loaded: &super::Loaded) -> Option<MonitorStatus> {
    let context = Context {
        operator: operator::operator_version(&loaded.snapshot, None),
        all_namespaces: false,
        offline: settings.offline(),
    };
    let finding_kinds: Vec<Kind> = super::check::request().kinds().collect();
    monitor_status(
        &loaded.snapshot,
        &loaded.default_namespace,
        name,
        &context,
        &finding_kinds,
    )
}

fn render_status(settings: &Settings, status: &MonitorStatus) -> String {
    match settings.format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(status).unwrap_or_default()
        ),
        OutputFormat::Yaml => serde_saphyr::to_string(status).unwrap_or_default(),
        _ => render(status, settings.now, settings.color),
    }
}

/// `status NAME --context a,b` / `--all-contexts`: the monitor of that name in every context, read
/// concurrently (each as `status` reads one), one report per context under a `Context NAME` heading, or one
/// `TidbMonitorStatusList` (each with its `context`, and `contexts` naming every context and why one could not
/// be read). Exit code: the worst context's (2 unreachable, 1 partial, forbidden or not found there).
fn status_in_contexts(
    settings: &Settings,
    args: &StatusArgs,
    name: &str,
    contexts: &[String],
) -> Result<i32, CommandError> {
    use crate::render::structured::{self, ContextOutcome};
    use futures::StreamExt;
    if args.watch {
        return Err(CommandError::Usage(
            "--watch follows one context; drop --context a,b / --all-contexts".into(),
        ));
    }
    let reads = super::runtime()?.block_on(
        futures::stream::iter(contexts.iter().cloned())
            .map(|context| async move {
                let mut options = super::live_options(settings);
                options.context = Some(context.clone());
                let outcome = async {
                    let connection = crate::source::live::connect(&options).await?;
                    Ok::<_, CommandError>(read_live(&connection, settings, name).await?.0)
                }
                .await;
                (context, outcome)
            })
            .buffered(usize::from(settings.global.max_concurrency))
            .collect::<Vec<_>>(),
    );
    let mut code = 0;
    let mut statuses = Vec::new();
    let mut outcomes = Vec::new();
    let mut blocks = Vec::new();
    for (context, outcome) in reads {
        match outcome {
            Ok(mut loaded) => {
                if super::report_problems_in(&context, &mut loaded) {
                    code = code.max(1);
                }
                match status_of(settings, name, &loaded) {
                    Some(mut status) => {
                        status.context = Some(context.clone());
                        if status.partial() {
                            code = code.max(1);
                        }
                        blocks.push(format!(
                            "Context {}\n{}",
                            escape(&context),
                            render(&status, settings.now, settings.color)
                        ));
                        statuses.push(status);
                        outcomes.push(ContextOutcome {
                            name: context,
                            error: None,
                            operator: None,
                        });
                    }
                    None => {
                        code = code.max(1);
                        let message = format!(
                            "tidbmonitors.pingcap.com \"{}\" not found in {}",
                            name, loaded.default_namespace
                        );
                        eprintln!(
                            "warning: context {}: {}",
                            escape(&context),
                            escape(&message)
                        );
                        blocks.push(format!(
                            "Context {}\n  {}\n",
                            escape(&context),
                            escape(&message)
                        ));
                        outcomes.push(ContextOutcome {
                            name: context,
                            error: Some(message),
                            operator: None,
                        });
                    }
                }
            }
            Err(error) => {
                code = code.max(error.exit_code());
                let class = super::context_failure(&context, &error);
                blocks.push(format!(
                    "Context {}\n  {class} {}\n",
                    escape(&context),
                    escape(&error.to_string())
                ));
                outcomes.push(ContextOutcome {
                    name: context,
                    error: Some(error.to_string()),
                    operator: None,
                });
            }
        }
    }
    let text = match settings.format {
        OutputFormat::Json => {
            structured::json_in_contexts("TidbMonitorStatusList", &outcomes, &statuses)
        }
        OutputFormat::Yaml => {
            structured::yaml_in_contexts("TidbMonitorStatusList", &outcomes, &statuses)
        }
        _ => blocks.join("\n"),
    };
    emit(&text);
    Ok(code)
}

/// `--watch`: the report again whenever a watch on one of the objects it was read from reports a change
/// (the same narrowed queries as the read, each a WATCH), printed only when it reads differently. On a terminal
/// each report replaces the last; piped, each is a new block (`-o json`: one JSON document per change).
/// Ctrl-C ends it with exit 0.
fn watch(settings: &Settings, name: &str) -> Result<i32, CommandError> {
    use std::io::IsTerminal;
    let options = super::live_options(settings);
    let terminal = std::io::stdout().is_terminal();
    super::runtime()?.block_on(async {
        // Installed before anything is read, so Ctrl-C during a slow read ends the command at once.
        let interrupted = tokio::signal::ctrl_c();
        tokio::pin!(interrupted);
        let connection = tokio::select! {
            _ = &mut interrupted => return Ok(0),
            connection = crate::source::live::connect(&options) => connection?,
        };
        // The last report and the warnings that came with it: both are printed again only when they change. Ages
        // are compared as of the start, so time passing alone (the watches' first events re-read a second later)
        // prints nothing; a report that does print shows the ages of its moment.
        let started = Timestamp::now();
        let mut last: Option<(String, Vec<String>)> = None;
        let mut watches: Option<crate::source::watch::Watches> = None;
        loop {
            // Ages move on between reports.
            let now = Settings {
                now: Timestamp::now(),
                ..settings.clone()
            };
            let read = tokio::select! {
                _ = &mut interrupted => return Ok(0),
                read = read_live(&connection, &now, name) => read,
            };
            match read {
                Ok((loaded, queries)) => {
                    let mut notes: Vec<String> = loaded
                        .warnings
                        .iter()
                        .map(|w| format!("warning: {}", escape(w)))
                        .collect();
                    let as_started = Settings {
                        now: started,
                        ..now.clone()
                    };
                    let (compared, text) = match status_of(&now, name, &loaded) {
                        Some(status) => (
                            render_status(&as_started, &status),
                            render_status(&now, &status),
                        ),
                        None => {
                            notes.push(format!(
                                "Error from server (NotFound): tidbmonitors.pingcap.com \"{}\" not found; watching for it",
                                escape(name)
                            ));
                            (String::new(), String::new())
                        }
                    };
                    let current = (compared, notes);
                    if last.as_ref() != Some(&current) {
                        let notes = &current.1;
                        for note in notes {
                            eprintln!("{note}");
                        }
                        let block = if terminal {
                            // Home and clear, as watch(1) does: the report replaces the last one.
                            format!("\x1b[H\x1b[2J{text}")
                        } else if now.format == OutputFormat::Yaml {
                            // One YAML document per change: a valid stream.
                            format!("---\n{text}")
                        } else if last.is_some() && now.format != OutputFormat::Json {
                            format!("\n{text}")
                        } else {
                            text.clone()
                        };
                        emit(&block);
                        last = Some(current);
                    }
                    if !watches.as_ref().is_some_and(|w| w.covers(&queries)) {
                        watches = Some(crate::source::watch::watch(&connection, &queries));
                    }
                }
                // Nothing read yet: the command fails as `status` without --watch does.
                Err(e) if watches.is_none() => return Err(e),
                Err(e) => eprintln!("warning: {}; retrying on the next change", escape(&e.to_string())),
            }
            let Some(active) = watches.as_mut() else {
                return Ok(1);
            };
            // Wait for a change, then let a burst (a rollout touches several objects) settle before reading.
            loop {
                tokio::select! {
                    _ = &mut interrupted => return Ok(0),
                    notice = active.notices.recv() => match notice {
                        Some(crate::source::watch::Notice::Changed) => break,
                        Some(crate::source::watch::Notice::Refused(why) | crate::source::watch::Notice::Lost(why)) => {
                            eprintln!("warning: {}", escape(&why));
                        }
                        None => return Ok(1),
                    },
                }
            }
            tokio::select! {
                _ = &mut interrupted => return Ok(0),
                _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {}
            }
            while active.notices.try_recv().is_ok() {}
        }
    })
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
/// Services; then the claims' volumes. Returns the queries too: `--watch` watches exactly those.
async fn read_live(
    connection: &crate::source::live::Connection,
    settings: &Settings,
    name: &str,
) -> Result<(super::Loaded, Vec<Query>), CommandError> {
    let namespace = connection.namespace.clone();
    // The first round reads the monitor and, at the same time, what a monitor of that name owns in its own
    // namespace (shard 0, its own clusters, Secrets, ConfigMaps, events): its spec is not known yet, but most
    // monitors name only their own namespace, so the rounds after it are small or none. One round trip less
    // is most of what `status` costs beside `kubectl get tm NAME`.
    let guess = TidbMonitor {
        metadata: crate::model::ObjectMeta {
            name: name.to_string(),
            namespace: Some(namespace.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let empty = crate::snapshot::Snapshot::default();
    let mut queries = monitor_round(&namespace, name);
    queries.extend(object_round(&guess));
    queries.extend(event_round(&empty, &guess));
    let (mut snapshot, mut warnings) = connection.read(&queries, Some(Kind::TidbMonitor)).await?;
    let monitor = snapshot
        .monitors
        .iter()
        .find(|m| m.metadata.name == name)
        .cloned();
    if let Some(monitor) = monitor {
        // Then what the spec names beyond the guess (other namespaces, more shards), the volumes of the claims
        // and the events of the Pods found — until a round finds nothing new to read (two rounds at most
        // unless the guess missed shards).
        for _ in 0..3 {
            let mut round = object_round(&monitor);
            round.extend(volume_round(&snapshot, &monitor));
            round.extend(event_round(&snapshot, &monitor));
            round.retain(|q| !queries.contains(q));
            round.dedup();
            if round.is_empty() {
                break;
            }
            let (part, more) = connection.read(&round, None).await?;
            snapshot.merge(part);
            warnings.extend(more);
            queries.extend(round);
        }
        // A shard read by the guess and again by the spec's selector is one object.
        snapshot.keep_last_definitions();
    }
    // Other monitors and scrape objects are not read: the rules that compare them stay silent here.
    if settings.global.verbose > 0 {
        eprintln!(
            "note: status reads only this monitor's objects; rules across monitors and scrape objects need `kubectl tidbmonitor check`"
        );
    }
    Ok((
        super::Loaded {
            snapshot,
            warnings,
            row_namespace: Some(namespace.clone()),
            default_namespace: namespace,
        },
        queries,
    ))
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
    for kind in [Kind::StatefulSet, Kind::PersistentVolumeClaim, Kind::Pod] {
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
    queries.push(Query {
        kind: Kind::Ingress,
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

/// Round 3 too: the events about the monitor, its StatefulSets, the legacy Deployment and the Pods round 2
/// found, one field-selected LIST each (`involvedObject.kind` and `.name`, which core/v1 Events index).
pub fn event_round(snapshot: &crate::snapshot::Snapshot, monitor: &TidbMonitor) -> Vec<Query> {
    let scope = Scope::Namespace(monitor.metadata.namespace().to_string());
    crate::core::status::event_subjects(snapshot, monitor)
        .into_iter()
        .map(|(kind, name)| Query {
            kind: Kind::Event,
            scope: scope.clone(),
            labels: None,
            fields: Some(format!(
                "involvedObject.kind={kind},involvedObject.name={name}"
            )),
        })
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
        "Pods",
        &pods(status, now, color),
        &status.pods.not_checked,
    );
    section(
        &mut out,
        "Storage",
        &storage(status, color),
        &status.storage.not_checked,
    );
    let endpoint_gaps: Vec<NotChecked> = status
        .endpoints
        .not_checked
        .iter()
        .chain(&status.ingresses.not_checked)
        .cloned()
        .collect();
    section(
        &mut out,
        "Endpoints",
        &endpoints(status, color),
        &endpoint_gaps,
    );
    section(
        &mut out,
        "Events",
        &events(status, now, color),
        &status.events.not_checked,
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

fn pods(status: &MonitorStatus, now: Timestamp, color: bool) -> String {
    let rows = status
        .pods
        .items
        .iter()
        .map(|p| {
            let phase = p.phase.clone().unwrap_or_else(|| "<unknown>".into());
            let healthy = p.phase.as_deref() == Some("Running") && p.ready == p.containers;
            vec![
                p.name.as_str().into(),
                Cell::tone(phase, Some(if healthy { Tone::Good } else { Tone::Bad })),
                format!("{}/{}", p.ready, p.containers).into(),
                p.restarts.to_string().into(),
                p.node.clone().unwrap_or_else(|| "<none>".into()).into(),
                age(p.creation_timestamp.as_deref(), now).into(),
            ]
        })
        .collect();
    let table = Table {
        headers: vec!["NAME", "PHASE", "READY", "RESTARTS", "NODE", "AGE"],
        rows,
    };
    table_or(table, color, "No pods")
}

fn events(status: &MonitorStatus, now: Timestamp, color: bool) -> String {
    let rows = status
        .events
        .items
        .iter()
        .map(|e| {
            let tone = (e.type_ == "Warning").then_some(Tone::Bad);
            vec![
                Cell::tone(e.type_.clone(), tone),
                e.reason.as_str().into(),
                e.object.as_str().into(),
                e.count.to_string().into(),
                age(e.last_seen.as_deref(), now).into(),
                e.message.as_str().into(),
            ]
        })
        .collect();
    let table = Table {
        headers: vec!["TYPE", "REASON", "OBJECT", "COUNT", "LAST SEEN", "MESSAGE"],
        rows,
    };
    table_or(table, color, "No events")
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
    if status.ingresses.items.is_empty() {
        text.push_str("Ingress: none\n");
    } else {
        let rows = status
            .ingresses
            .items
            .iter()
            .map(|i| {
                vec![
                    i.name.as_str().into(),
                    join(&i.routes).into(),
                    if i.tls_hosts.is_empty() {
                        "-".into()
                    } else {
                        join(&i.tls_hosts).into()
                    },
                ]
            })
            .collect();
        let table = Table {
            headers: vec!["INGRESS", "ROUTES", "TLS"],
            rows,
        };
        text.push_str(&table.render(false, color));
    }
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
