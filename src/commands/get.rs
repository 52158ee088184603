//! `get [NAME...]`: one row per TidbMonitor (the columns `kubectl get tm` lacks).

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, load, load_then, report_problems};
use crate::checks::{self, Context, operator};
use crate::cli::GetArgs;
use crate::core::health::{self, HealthStatus};
use crate::core::monitors::{MonitorView, RefState, TlsState, Workload};
use crate::render::age::age;
use crate::render::kind_object_name;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::snapshot::{Kind, Scope, Snapshot};
use crate::source::{Query, Request};

/// The kinds the rules about TidbMonitors read (HEALTH), as `check` reads them: TidbMonitors, their clusters,
/// the monitors' workloads and claims, and Secrets (metadata only), with `check`'s scopes and server-side
/// selectors. No v2 or scrape kinds: no rule about a TidbMonitor reads them. Volumes and ConfigMaps are read
/// afterwards, the ones the rules look up, by name ([`named_objects`]).
pub fn request() -> Request {
    let mut kinds = health::kinds();
    kinds.remove(&Kind::PersistentVolume);
    kinds.remove(&Kind::ConfigMap);
    super::check::request().only(&kinds)
}

/// Above this many of a kind, its objects are listed in one request rather than read one by one.
const BY_NAME: usize = 20;

/// The second round of a live `get`: the PersistentVolumes the rules look up (the volumes of old v1.1 claims
/// and the ones a migration recorded) and the ConfigMaps the monitors name — usually none — by name, rather than
/// every volume (one per TiKV and PD replica, and listing them needs cluster-wide rights) and every ConfigMap.
fn named_objects(snapshot: &Snapshot) -> Vec<Query> {
    let list = |kind| Query {
        kind,
        scope: Scope::AllNamespaces,
        labels: None,
        fields: None,
    };
    let mut queries = Vec::new();
    let volumes = checks::migration::volumes_looked_up(snapshot);
    if volumes.len() > BY_NAME {
        queries.push(list(Kind::PersistentVolume));
    } else {
        queries.extend(
            volumes
                .iter()
                .map(|name| Query::by_name(Kind::PersistentVolume, Scope::AllNamespaces, name)),
        );
    }
    let config_maps = checks::config_maps_looked_up(snapshot);
    if config_maps.len() > BY_NAME {
        queries.push(list(Kind::ConfigMap));
    } else {
        queries.extend(config_maps.iter().map(|(namespace, name)| {
            Query::by_name(Kind::ConfigMap, Scope::Namespace(namespace.clone()), name)
        }));
    }
    queries
}

pub fn run(settings: &Settings, args: &GetArgs) -> Result<i32, CommandError> {
    if let Some(contexts) = settings.contexts()? {
        return super::run_in_contexts(
            settings,
            &contexts,
            &request(),
            named_objects,
            "TidbMonitorViewList",
            |loaded| views_of(settings, loaded, args),
            |v, context| v.context = Some(context.to_string()),
            |views, wide| table(views, wide, settings.namespace_column(), settings.now),
            |v| kind_object_name(Kind::TidbMonitor, &v.metadata.name),
        );
    }
    let loaded = match load_then(settings, &request(), named_objects) {
        Ok(loaded) => loaded,
        // tidb-operator v2 installs no TidbMonitor CRD: say where its clusters' monitoring is seen.
        Err(e @ CommandError::Live(crate::source::live::LiveError::NotInstalled { .. })) => {
            eprintln!("error: {e}");
            let empty = super::Loaded {
                snapshot: Default::default(),
                warnings: Vec::new(),
                row_namespace: (!settings.global.all_namespaces)
                    .then(|| settings.global.namespace.clone())
                    .flatten(),
                default_namespace: String::new(),
            };
            point_to_v2_clusters(settings, &empty);
            return Ok(e.exit_code());
        }
        Err(e) => return Err(e),
    };
    let skipped = report_problems(&loaded);
    let views = views_of(settings, &loaded, args);
    super::print_views(
        settings,
        &views,
        "TidbMonitorViewList",
        |wide, namespace_column| table(&views, wide, namespace_column, settings.now),
        |v| kind_object_name(Kind::TidbMonitor, &v.metadata.name),
        args.names.is_empty().then_some(&loaded),
    );
    if views.is_empty()
        && args.names.is_empty()
        && matches!(
            settings.format,
            crate::render::OutputFormat::Table | crate::render::OutputFormat::Wide
        )
    {
        point_to_v2_clusters(settings, &loaded);
    }
    let found: Vec<&str> = views.iter().map(|v| v.metadata.name.as_str()).collect();
    let missing = super::report_not_found(&[Kind::TidbMonitor], &args.names, &found);
    Ok(if skipped || !missing.is_empty() { 1 } else { 0 })
}

/// The rows of one read, with their HEALTH: the monitors of the namespace read (all with -A), those named when
/// NAMEs are given.
fn views_of(settings: &Settings, loaded: &super::Loaded, args: &GetArgs) -> Vec<MonitorView> {
    let context = Context {
        operator: operator::operator_version(&loaded.snapshot, None),
        all_namespaces: loaded.row_namespace.is_none(),
        offline: settings.offline(),
    };
    super::rows(
        loaded,
        health::assessed_monitor_views(&loaded.snapshot, &context),
        &args.names,
        |v| &v.metadata,
    )
}

/// kubectl's habit: the default columns are what an operator scans first (is it up, is it healthy, is it
/// migrating) and fit 120 columns; lists (clusters, labels, images) and versions are detail under `-o wide`.
pub fn table(views: &[MonitorView], wide: bool, namespace_column: bool, now: Timestamp) -> Table {
    let mut headers = Vec::new();
    if namespace_column {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "NAME",
        "READY",
        "HEALTH",
        "WORKLOAD",
        "TLS",
        "RETENTION",
        "AGE",
    ]);
    if wide {
        headers.extend([
            "RULES",
            "CLUSTERS",
            "PROMETHEUS",
            "GRAFANA",
            "THANOS",
            "SHARDS",
            "STORAGE",
            "EXTERNAL-LABELS",
            "REMOTE-WRITE",
            "SERVICES",
            "IMAGES",
            "CLUSTER-SCOPED",
        ]);
    }
    let rows = views
        .iter()
        .map(|v| {
            let mut row: Vec<Cell> = Vec::new();
            if namespace_column {
                row.push(v.metadata.namespace.as_str().into());
            }
            row.push(v.metadata.name.as_str().into());
            row.push(replicas_cell(v));
            row.push(health_cell(v));
            row.push(workload_cell(v.workload));
            row.push(tls_cell(v.tls));
            row.push(v.retention.as_str().into());
            row.push(age(v.metadata.creation_timestamp.as_deref(), now).into());
            if wide {
                let rules: Vec<String> = v
                    .health
                    .iter()
                    .flat_map(|h| h.rules.iter().map(|r| r.to_string()))
                    .collect();
                row.push(join(&rules).into());
                row.push(clusters_cell(v));
                let version =
                    |version: Option<&String>| version.cloned().unwrap_or_default().into();
                row.push(version(v.prometheus.as_ref().map(|p| &p.version)));
                row.push(version(v.grafana.as_ref().map(|g| &g.version)));
                row.push(version(v.thanos.as_ref().map(|t| &t.version)));
                row.push(v.shards.to_string().into());
                row.push(storage_cell(v).into());
                let labels: Vec<String> = v
                    .external_labels
                    .iter()
                    .map(|(k, val)| format!("{k}={val}"))
                    .collect();
                row.push(join(&labels).into());
                row.push(join(&v.remote_write).into());
                let services: Vec<String> = v
                    .service_types
                    .iter()
                    .map(|(k, t)| format!("{k}={t}"))
                    .collect();
                row.push(join(&services).into());
                let images: Vec<String> = [
                    v.prometheus.as_ref().map(|p| &p.image),
                    v.grafana.as_ref().map(|g| &g.image),
                    v.thanos.as_ref().map(|t| &t.image),
                ]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
                row.push(join(&images).into());
                row.push(v.cluster_scoped.to_string().into());
            }
            row
        })
        .collect();
    Table { headers, rows }
}

/// `ok`, `warning(N)`, `error(N)` or `<unknown>` ([`health::HealthView::label`]).
fn health_cell(v: &MonitorView) -> Cell {
    let Some(health) = &v.health else {
        return Cell::tone("<unknown>", Some(Tone::Dim));
    };
    let tone = match health.status {
        HealthStatus::Ok => Tone::Good,
        HealthStatus::Warning => Tone::Warn,
        HealthStatus::Error => Tone::Bad,
        HealthStatus::Unknown => Tone::Dim,
    };
    Cell::tone(health.label(), Some(tone))
}

/// `ns/name` per reference; DM clusters prefixed `dm:`, references that do not exist suffixed `(missing)`.
fn clusters_cell(v: &MonitorView) -> Cell {
    let mut tone = None;
    let items: Vec<String> = v
        .clusters
        .iter()
        .map(|r| {
            let prefix = if r.kind == "DMCluster" { "dm:" } else { "" };
            let suffix = match r.state {
                RefState::Missing => {
                    tone = Some(Tone::Bad);
                    "(missing)"
                }
                _ => "",
            };
            format!("{prefix}{}/{}{suffix}", r.namespace, r.name)
        })
        .collect();
    Cell::tone(join(&items), tone)
}

fn replicas_cell(v: &MonitorView) -> Cell {
    match v.replicas.ready {
        Some(ready) => {
            let tone = if ready >= v.replicas.desired {
                Tone::Good
            } else {
                Tone::Bad
            };
            Cell::tone(format!("{ready}/{}", v.replicas.desired), Some(tone))
        }
        None => Cell::tone(format!("<unknown>/{}", v.replicas.desired), Some(Tone::Dim)),
    }
}

fn workload_cell(workload: Workload) -> Cell {
    match workload {
        Workload::StatefulSet => "StatefulSet".into(),
        Workload::DeploymentLegacy => Cell::tone("Deployment (legacy)", Some(Tone::Warn)),
        Workload::Migrating => Cell::tone("migrating", Some(Tone::Warn)),
        Workload::None => Cell::tone("<none>", Some(Tone::Bad)),
        Workload::Unknown => Cell::tone("<unknown>", Some(Tone::Dim)),
    }
}

fn storage_cell(v: &MonitorView) -> String {
    if !v.storage.persistent {
        return "ephemeral".into();
    }
    let size = v.storage.size.clone().unwrap_or_else(|| "<unset>".into());
    match &v.storage.storage_class {
        Some(class) => format!("{size}/{class}"),
        None => format!("{size}/<default>"),
    }
}

fn tls_cell(tls: TlsState) -> Cell {
    match tls {
        TlsState::Off => "off".into(),
        TlsState::On => Cell::tone("on", Some(Tone::Good)),
        TlsState::Mixed => Cell::tone("mixed", Some(Tone::Warn)),
        TlsState::Unknown => Cell::tone("<unknown>", Some(Tone::Dim)),
        TlsState::None => "<none>".into(),
    }
}

/// tidb-operator v2 has no TidbMonitor: where an empty answer hides v2 clusters, say where to look instead.
/// Live, the Clusters are read only in this case (one more LIST, and none at all when monitors exist).
fn point_to_v2_clusters(settings: &Settings, loaded: &super::Loaded) {
    let in_scope = |ns: &str| loaded.row_namespace.as_deref().is_none_or(|r| r == ns);
    let count = if settings.offline() {
        loaded
            .snapshot
            .v2_clusters
            .iter()
            .filter(|c| in_scope(c.metadata.namespace()))
            .count()
    } else {
        let request = Request {
            primary: Kind::Cluster,
            related: Vec::new(),
            auxiliary: Vec::new(),
            selected: Vec::new(),
            keep_raw: Vec::new(),
            narrow: Vec::new(),
        };
        match load(settings, &request) {
            Ok(v2) => v2
                .snapshot
                .v2_clusters
                .iter()
                .filter(|c| in_scope(c.metadata.namespace()))
                .count(),
            Err(_) => 0,
        }
    };
    if count > 0 {
        let scope = match &loaded.row_namespace {
            Some(ns) => format!("-n {ns}"),
            None => "-A".to_string(),
        };
        eprintln!(
            "note: {count} tidb-operator v2 Cluster(s) here have no TidbMonitor (v2 removed it); \
             see what scrapes them with `kubectl tidbmonitor clusters {scope}` and generate scrape objects with \
             `kubectl tidbmonitor scaffold podmonitor {scope}`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HEALTH is only as good as what was read: every kind the rules about TidbMonitors read, and no other
    /// (no v2 or scrape kinds: `get -A` stays a handful of LISTs).
    #[test]
    fn reads_exactly_the_kinds_the_rules_about_monitors_read() {
        let mut kinds: std::collections::BTreeSet<Kind> = request().kinds().collect();
        // Volumes and ConfigMaps come second, by name.
        for second in [Kind::PersistentVolume, Kind::ConfigMap] {
            assert!(!kinds.contains(&second));
            kinds.insert(second);
        }
        assert_eq!(kinds, health::kinds());
        assert_eq!(
            kinds,
            [
                Kind::TidbMonitor,
                Kind::TidbCluster,
                Kind::DmCluster,
                Kind::StatefulSet,
                Kind::Deployment,
                Kind::PersistentVolumeClaim,
                Kind::PersistentVolume,
                Kind::Secret,
                Kind::ConfigMap,
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(request().primary, Kind::TidbMonitor);
    }
}
