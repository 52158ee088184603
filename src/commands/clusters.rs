//! `clusters`: every TidbCluster and DMCluster (tidb-operator v1) and Cluster (v2), and what scrapes it.

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, load, report_problems};
use crate::cli::ClustersArgs;
use crate::core::clusters::{ClusterView, cluster_views};
use crate::core::scraping;
use crate::render::age::age;
use crate::render::kind_object_name;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::snapshot::Kind;
use crate::source::Request;

pub fn request() -> Request {
    // DMClusters and v2 Clusters are rows too, but tidbclusters decide forbidden/not-installed for the command
    // (a v2-only estate without the v1 CRDs is fine: see `Connection::snapshot`).
    let mut auxiliary = vec![Kind::DmCluster];
    auxiliary.extend(scraping::v2_kinds());
    Request {
        primary: Kind::TidbCluster,
        // Scrape objects and Prometheus often live in a monitoring namespace: read them cluster-wide.
        related: [Kind::TidbMonitor]
            .into_iter()
            .chain(scraping::SCRAPE_KINDS)
            .chain(scraping::SELECTION_KINDS)
            .collect(),
        auxiliary,
        selected: vec![Kind::TidbCluster, Kind::DmCluster, Kind::Cluster],
        keep_raw: Vec::new(),
        narrow: Vec::new(),
    }
}

pub fn run(settings: &Settings, args: &ClustersArgs) -> Result<i32, CommandError> {
    if let Some(contexts) = settings.contexts()? {
        return super::run_in_contexts(
            settings,
            &contexts,
            &request(),
            |_| Vec::new(),
            "TidbClusterViewList",
            |loaded| views_of(loaded, args).0,
            |v, context| v.context = Some(context.to_string()),
            |views, wide| table(views, wide, settings.namespace_column(), settings.now),
            name_of,
        );
    }
    let loaded = load(settings, &request())?;
    let skipped = report_problems(&loaded);
    let (views, found) = views_of(&loaded, args);
    if !settings.offline() && views.iter().any(|v| !v.coverage_complete) {
        eprintln!(
            "Warning: monitors or scrape objects of other namespaces could not be read; MONITORED-BY may be incomplete"
        );
    }
    super::print_views(
        settings,
        &views,
        "TidbClusterViewList",
        |wide, namespace_column| table(&views, wide, namespace_column, settings.now),
        name_of,
        args.names.is_empty().then_some(&loaded),
    );
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    let missing = super::report_not_found(
        &[Kind::TidbCluster, Kind::DmCluster, Kind::Cluster],
        &args.names,
        &found,
    );
    Ok(if skipped || !missing.is_empty() { 1 } else { 0 })
}

fn name_of(v: &ClusterView) -> String {
    let kind = match v.cluster_kind {
        "DMCluster" => Kind::DmCluster,
        "Cluster" => Kind::Cluster,
        _ => Kind::TidbCluster,
    };
    kind_object_name(kind, &v.metadata.name)
}

/// The rows of one read, and the names found before `--unmonitored` filters.
fn views_of(loaded: &super::Loaded, args: &ClustersArgs) -> (Vec<ClusterView>, Vec<String>) {
    let mut views: Vec<ClusterView> =
        super::rows(loaded, cluster_views(&loaded.snapshot), &args.names, |v| {
            &v.metadata
        });
    // Names are looked up before --unmonitored filters: a monitored cluster exists, it is just not listed.
    let found: Vec<String> = views.iter().map(|v| v.metadata.name.clone()).collect();
    if args.unmonitored {
        // A PodMonitor/ServiceMonitor no Prometheus loads scrapes nothing: such a cluster is unmonitored too.
        // So does one whose scrape objects reach no metrics port (wrong host, wrong port).
        views.retain(|v| {
            v.monitored_by.iter().all(|m| {
                v.scraped_by
                    .iter()
                    .any(|s| &s.label() == m && (s.loaded == "no" || s.components.is_empty()))
            })
        });
    }
    (views, found)
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
        headers.extend(["READY-REASON", "JOINS", "UNSCRAPED-REFS", "SCRAPE-GAPS"]);
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
                compact_monitors(v).into()
            });
            row.push(age(v.metadata.creation_timestamp.as_deref(), now).into());
            if wide {
                row.push(v.ready_reason.clone().unwrap_or_default().into());
                row.push(v.joins.clone().unwrap_or_default().into());
                row.push(join(&v.referenced_without_targets).into());
                row.push(join(&scrape_gaps(v)).into());
            }
            row
        })
        .collect();
    Table { headers, rows }
}

/// MONITORED-BY in a table: TidbMonitors as `ns/name`; scrape objects of one kind and namespace folded into
/// `podmonitor/ns/orders-{pd,tikv}` (one object per component is the usual layout); `(unloaded)` marks a
/// prometheus-operator object no Prometheus selects, which scrapes nothing.
fn compact_monitors(v: &ClusterView) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut folded: Vec<((String, String), Vec<String>)> = Vec::new();
    for m in &v.monitored_by {
        match v.scraped_by.iter().find(|s| &s.label() == m) {
            None => parts.push(m.clone()),
            Some(s) => {
                let name = if s.loaded == "no" {
                    format!("{}(unloaded)", s.name)
                } else {
                    s.name.clone()
                };
                let key = (s.kind.to_ascii_lowercase(), s.namespace.clone());
                match folded.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, names)) => names.push(name),
                    None => folded.push((key, vec![name])),
                }
            }
        }
    }
    for ((kind, ns), names) in folded {
        if names.len() == 1 {
            parts.push(format!("{kind}/{ns}/{}", names[0]));
            continue;
        }
        let first = &names[0];
        // The common prefix in bytes, on char boundaries (names from files need not be ASCII).
        let mut prefix = first.len();
        for n in &names[1..] {
            let common = first
                .char_indices()
                .zip(n.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map(|((i, a), _)| i + a.len_utf8())
                .unwrap_or(0);
            prefix = prefix.min(common);
        }
        // Cut at a dash so `orders-` stays whole.
        let prefix = first[..prefix].rfind('-').map(|i| i + 1).unwrap_or(0);
        let rest: Vec<&str> = names.iter().map(|n| &n[prefix..]).collect();
        parts.push(format!(
            "{kind}/{ns}/{}{{{}}}",
            &first[..prefix],
            rest.join(",")
        ));
    }
    parts.join(",")
}

/// `-o wide`: metrics ports selected groups lose, and monitor objects no Prometheus loads.
fn scrape_gaps(v: &ClusterView) -> Vec<String> {
    let mut gaps = Vec::new();
    for s in &v.scraped_by {
        for port in &s.missed_ports {
            gaps.push(format!("{}:{port}", s.name));
        }
        if s.loaded == "no" {
            gaps.push(format!("{}:unloaded", s.name));
        }
    }
    gaps
}
