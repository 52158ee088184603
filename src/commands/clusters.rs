//! `clusters`: every TidbCluster and DMCluster and the monitors that cover it.

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, load, report_problems};
use crate::cli::ClustersArgs;
use crate::core::clusters::{ClusterView, cluster_views};
use crate::render::age::age;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::snapshot::Kind;
use crate::source::Request;

pub fn request() -> Request {
    // DMClusters are rows too, but tidbclusters decide forbidden/not-installed for the command.
    Request {
        primary: Kind::TidbCluster,
        related: vec![Kind::TidbMonitor],
        auxiliary: vec![Kind::DmCluster],
        selected: vec![Kind::TidbCluster, Kind::DmCluster],
        keep_raw: Vec::new(),
        narrow: Vec::new(),
    }
}

pub fn run(settings: &Settings, args: &ClustersArgs) -> Result<i32, CommandError> {
    let loaded = load(settings, &request())?;
    let skipped = report_problems(&loaded);
    let mut views: Vec<ClusterView> = cluster_views(&loaded.snapshot)
        .into_iter()
        .filter(|v| {
            loaded
                .row_namespace
                .as_ref()
                .is_none_or(|ns| &v.metadata.namespace == ns)
        })
        .collect();
    if args.unmonitored {
        views.retain(|v| v.monitored_by.is_empty());
    }
    if !settings.offline() && views.iter().any(|v| !v.coverage_complete) {
        eprintln!(
            "Warning: TidbMonitors of other namespaces could not be read; MONITORED-BY may be incomplete"
        );
    }
    super::print_views(
        settings,
        &views,
        "TidbClusterViewList",
        |v| &v.metadata.namespace,
        |wide, namespace_column| table(&views, wide, namespace_column, settings.now),
        |v| {
            let kind = if v.cluster_kind == "DMCluster" {
                Kind::DmCluster
            } else {
                Kind::TidbCluster
            };
            format!("{}/{}", kind.name_prefix(), v.metadata.name)
        },
        Some(&loaded),
    );
    Ok(if skipped { 1 } else { 0 })
}

pub fn table(views: &[ClusterView], wide: bool, namespace_column: bool, now: Timestamp) -> Table {
    let mut headers = Vec::new();
    if namespace_column {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "KIND",
        "NAME",
        "VERSION",
        "TLS",
        "READY",
        "COMPONENTS",
        "MONITORED-BY",
        "AGE",
    ]);
    if wide {
        headers.extend(["READY-REASON", "JOINS", "UNSCRAPED-REFS"]);
    }
    let rows = views
        .iter()
        .map(|v| {
            let mut row: Vec<Cell> = Vec::new();
            if namespace_column {
                row.push(v.metadata.namespace.as_str().into());
            }
            row.push(v.cluster_kind.into());
            row.push(v.metadata.name.as_str().into());
            row.push(v.version.clone().unwrap_or_default().into());
            row.push(if v.tls {
                Cell::tone("on", Some(Tone::Good))
            } else {
                "off".into()
            });
            row.push(match v.ready.as_deref() {
                Some("True") => Cell::tone("True", Some(Tone::Good)),
                Some(other) => Cell::tone(other, Some(Tone::Bad)),
                None => Cell::tone("<unknown>", Some(Tone::Dim)),
            });
            let components: Vec<String> = v
                .components
                .iter()
                .map(|c| format!("{}:{}", c.name, c.replicas))
                .collect();
            row.push(components.join(" ").into());
            row.push(if v.monitored_by.is_empty() {
                Cell::tone("<none>", Some(Tone::Warn))
            } else {
                join(&v.monitored_by).into()
            });
            row.push(age(v.metadata.creation_timestamp.as_deref(), now).into());
            if wide {
                row.push(v.ready_reason.clone().unwrap_or_default().into());
                row.push(v.joins.clone().unwrap_or_default().into());
                row.push(join(&v.referenced_without_targets).into());
            }
            row
        })
        .collect();
    Table { headers, rows }
}
