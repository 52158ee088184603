//! `get [NAME...]`: one row per TidbMonitor (the columns `kubectl get tm` lacks).

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, load, report_problems};
use crate::cli::GetArgs;
use crate::core::monitors::{MonitorView, RefState, TlsState, Workload, monitor_views};
use crate::render::age::age;
use crate::render::kind_object_name;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::snapshot::Kind;
use crate::source::{MONITOR_OBJECTS, Request};

pub fn request() -> Request {
    Request {
        primary: Kind::TidbMonitor,
        related: vec![Kind::TidbCluster, Kind::DmCluster],
        auxiliary: vec![Kind::StatefulSet, Kind::Deployment],
        selected: vec![Kind::TidbMonitor],
        keep_raw: Vec::new(),
        narrow: vec![
            (Kind::StatefulSet, MONITOR_OBJECTS),
            (Kind::Deployment, MONITOR_OBJECTS),
        ],
    }
}

pub fn run(settings: &Settings, args: &GetArgs) -> Result<i32, CommandError> {
    if let Some(contexts) = settings.contexts()? {
        return super::run_in_contexts(
            settings,
            &contexts,
            &request(),
            "TidbMonitorViewList",
            |loaded| views_of(loaded, args),
            |v, context| v.context = Some(context.to_string()),
            |views, wide| table(views, wide, settings.namespace_column(), settings.now),
            |v| kind_object_name(Kind::TidbMonitor, &v.metadata.name),
        );
    }
    let loaded = match load(settings, &request()) {
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
    let views = views_of(&loaded, args);
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

/// The rows of one read: the monitors of the namespace read (all with -A), those named when NAMEs are given.
fn views_of(loaded: &super::Loaded, args: &GetArgs) -> Vec<MonitorView> {
    super::rows(loaded, monitor_views(&loaded.snapshot), &args.names, |v| {
        &v.metadata
    })
}

pub fn table(views: &[MonitorView], wide: bool, namespace_column: bool, now: Timestamp) -> Table {
    let mut headers = Vec::new();
    if namespace_column {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "NAME",
        "CLUSTERS",
        "PROMETHEUS",
        "GRAFANA",
        "THANOS",
        "REPLICAS",
        "WORKLOAD",
        "STORAGE",
        "RETENTION",
        "TLS",
        "AGE",
    ]);
    if wide {
        headers.extend([
            "SHARDS",
            "STORAGECLASS",
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
            row.push(clusters_cell(v));
            row.push(
                v.prometheus
                    .as_ref()
                    .map(|p| p.version.clone())
                    .unwrap_or_default()
                    .into(),
            );
            row.push(
                v.grafana
                    .as_ref()
                    .map(|g| g.version.clone())
                    .unwrap_or_default()
                    .into(),
            );
            row.push(
                v.thanos
                    .as_ref()
                    .map(|t| t.version.clone())
                    .unwrap_or_default()
                    .into(),
            );
            row.push(replicas_cell(v));
            row.push(workload_cell(v.workload));
            row.push(storage_cell(v).into());
            row.push(v.retention.as_str().into());
            row.push(tls_cell(v.tls));
            row.push(age(v.metadata.creation_timestamp.as_deref(), now).into());
            if wide {
                row.push(v.shards.to_string().into());
                row.push(v.storage.storage_class.clone().unwrap_or_default().into());
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
