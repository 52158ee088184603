//! `clusters`: every TidbCluster and DMCluster (tidb-operator v1) and Cluster (v2), and what scrapes it.

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, load, report_problems};
use crate::cli::ClustersArgs;
use crate::core::clusters::{ClusterView, cluster_views};
use crate::render::age::age;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::snapshot::Kind;
use crate::source::Request;

/// The v2 kinds a cluster row is built from: the Cluster, its groups, and what may scrape it.
pub fn v2_kinds() -> Vec<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.group() == "core.pingcap.com")
        .collect()
}

/// Scrape objects and what decides whether a Prometheus loads them.
pub const SCRAPE_KINDS: [Kind; 6] = [
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
    Kind::Prometheus,
    Kind::Namespace,
];

pub fn request() -> Request {
    // DMClusters and v2 Clusters are rows too, but tidbclusters decide forbidden/not-installed for the command
    // (a v2-only estate without the v1 CRDs is fine: see `Connection::snapshot`).
    let mut auxiliary = vec![Kind::DmCluster];
    auxiliary.extend(v2_kinds());
    Request {
        primary: Kind::TidbCluster,
        // Scrape objects and Prometheus often live in a monitoring namespace: read them cluster-wide.
        related: [Kind::TidbMonitor]
            .into_iter()
            .chain(SCRAPE_KINDS)
            .collect(),
        auxiliary,
        selected: vec![Kind::TidbCluster, Kind::DmCluster, Kind::Cluster],
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
            "Warning: monitors or scrape objects of other namespaces could not be read; MONITORED-BY may be incomplete"
        );
    }
    super::print_views(
        settings,
        &views,
        "TidbClusterViewList",
        |v| &v.metadata.namespace,
        |wide, namespace_column| table(&views, wide, namespace_column, settings.now),
        |v| {
            let kind = match v.cluster_kind {
                "DMCluster" => Kind::DmCluster,
                "Cluster" => Kind::Cluster,
                _ => Kind::TidbCluster,
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
                .map(|c| {
                    if c.groups.is_empty() {
                        format!("{}:{}", c.name, c.replicas)
                    } else {
                        let groups: Vec<String> = c
                            .groups
                            .iter()
                            .map(|g| format!("{}:{}", g.name, g.replicas))
                            .collect();
                        format!("{}:{}({})", c.name, c.replicas, groups.join(","))
                    }
                })
                .collect();
            row.push(components.join(" ").into());
            row.push(if v.monitored_by.is_empty() {
                Cell::tone("<none>", Some(Tone::Warn))
            } else {
                // A prometheus-operator object no Prometheus loads scrapes nothing: say so in the cell.
                let named: Vec<String> = v
                    .monitored_by
                    .iter()
                    .map(|m| match v.scraped_by.iter().find(|s| &s.label() == m) {
                        Some(s) if s.loaded == "no" => format!("{m}(unloaded)"),
                        _ => m.clone(),
                    })
                    .collect();
                join(&named).into()
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
