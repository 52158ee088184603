//! Coverage: clusters scraped by several monitors (PD's dashboard address flaps) or by none (neither a
//! TidbMonitor nor a scrape object).

use super::{Context, Emitter, ObjectId, Rule, Severity};
use crate::core::scraping;
use crate::model::{ObjectMeta, ObjectRef, TidbMonitor};
use crate::snapshot::{Kind, Snapshot};

pub const RULES: &[Rule] = &[
    Rule {
        id: "TM030",
        severity: Severity::Warning,
        title: "Cluster watched by several monitors",
        explanation: "Every monitor writes its Prometheus and Grafana address into the PD of each cluster it watches \
            (`/topology/prometheus`, TTL 10 min) on every sync, so with two monitors the last writer wins every ~30 s: \
            TiDB Dashboard and metrics_schema flap between them, and every target is scraped twice.",
        bad: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: other, namespace: team}\nspec:\n  clusters: [{name: db}]\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Keep one TidbMonitor per cluster; aggregate several Prometheus with Thanos or remoteWrite instead.",
        example_operator: None,
        subjects: &[Kind::TidbCluster, Kind::DmCluster],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster, Kind::DmCluster],
        check: several_monitors,
    },
    Rule {
        id: "TM031",
        severity: Severity::Info,
        title: "Cluster watched by no monitor",
        explanation: "No TidbMonitor lists this cluster (a reference from another namespace counts only with \
            `clusterScoped: true`), and no PodMonitor, ServiceMonitor, VMPodScrape or VMServiceScrape \
            reaches its pods (one no Prometheus loads does not count). Reported only when every \
            namespace was read (`-A` or files).",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n",
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Add the cluster to a TidbMonitor (or create one), scrape it with `kubectl tidbmonitor scaffold servicemonitor`, \
            or ignore this for clusters monitored another way.",
        example_operator: None,
        subjects: &[Kind::TidbCluster, Kind::DmCluster],
        reads: super::V1_SCRAPING,
        check: unmonitored,
    },
];

/// The TidbMonitors that really scrape the cluster: the same predicate as `clusters`' MONITORED-BY.
fn watchers<'a>(
    snapshot: &'a Snapshot,
    cluster: &ObjectMeta,
    refs: impl Fn(&'a TidbMonitor) -> &'a [ObjectRef],
) -> Vec<String> {
    crate::core::clusters::monitor_coverage(snapshot, cluster, refs).0
}

fn each_cluster(snapshot: &Snapshot, mut f: impl FnMut(ObjectId, Vec<String>)) {
    for tc in &snapshot.clusters {
        f(
            ObjectId::of("TidbCluster", &tc.metadata),
            watchers(snapshot, &tc.metadata, |m| m.spec.clusters.as_slice()),
        );
    }
    for dc in &snapshot.dm_clusters {
        f(
            ObjectId::of("DMCluster", &dc.metadata),
            watchers(snapshot, &dc.metadata, |m| m.spec.dm_clusters()),
        );
    }
}

fn several_monitors(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    each_cluster(snapshot, |id, watchers| {
        if watchers.len() > 1 {
            e.report(
                id,
                format!("watched by {} monitors ({}): TiDB Dashboard's Prometheus address flaps and targets are scraped twice", watchers.len(), watchers.join(", ")),
                "keep one TidbMonitor per cluster",
            );
        }
    });
}

/// Whether one of the scrape objects that reach a cluster's pods may be loaded by some Prometheus (anything but
/// "nobody loads it").
fn reached(snapshot: &Snapshot, scrapes: Vec<scraping::ClusterScrape<'_>>) -> bool {
    scrapes.iter().any(|s| {
        s.reaches_metrics() && scraping::loaded_by(snapshot, s.scraper) != scraping::Loaded::Nobody
    })
}

fn unmonitored(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    if !context.all_namespaces {
        return;
    }
    for tc in &snapshot.clusters {
        if watchers(snapshot, &tc.metadata, |m| m.spec.clusters.as_slice()).is_empty()
            && !reached(snapshot, scraping::tidb_cluster_scrapes(snapshot, tc))
        {
            e.report(
                ObjectId::of("TidbCluster", &tc.metadata),
                "no TidbMonitor or scrape object watches this cluster",
                "add it to a TidbMonitor's spec.clusters, or scrape it with `kubectl tidbmonitor scaffold servicemonitor`",
            );
        }
    }
    for dc in &snapshot.dm_clusters {
        if watchers(snapshot, &dc.metadata, |m| m.spec.dm_clusters()).is_empty()
            && !reached(snapshot, scraping::dm_cluster_scrapes(snapshot, dc))
        {
            e.report(
                ObjectId::of("DMCluster", &dc.metadata),
                "no TidbMonitor or scrape object watches this cluster",
                "add it to a TidbMonitor's spec.dmClusters, or scrape it with `kubectl tidbmonitor scaffold servicemonitor`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Context, OperatorVersion, run};
    use crate::scaffold::servicemonitor::{Options, service_monitors};
    use crate::snapshot::Snapshot;
    use crate::source::files::load_text_into;

    const CLUSTER: &str = "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}, tikv: {replicas: 1}}\n";

    fn tm031(extra: &str) -> Vec<String> {
        let mut snapshot = Snapshot::default();
        load_text_into("c.yaml", CLUSTER, "default", &[], &mut snapshot);
        let monitors: Vec<String> = service_monitors(&snapshot, &Options::default())
            .objects
            .iter()
            .map(|o| serde_saphyr::to_string(o).unwrap())
            .collect();
        let text = format!("{}\n---\n{extra}", monitors.join("\n---\n"));
        load_text_into("m.yaml", &text, "default", &[], &mut snapshot);
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        assert_eq!(snapshot.scrapers.len(), 2);
        let context = Context {
            operator: OperatorVersion::Unknown,
            all_namespaces: true,
            offline: true,
        };
        run(&snapshot, &context, |id| id == "TM031")
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn a_scrape_object_that_reaches_the_cluster_counts_unless_no_prometheus_loads_it() {
        // No Prometheus known: the ServiceMonitors count.
        assert!(tm031("").is_empty());
        let prometheus = |selector: &str| {
            format!(
                "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {{name: p, namespace: monitoring}}\nspec:\n  serviceMonitorSelector: {selector}\n  serviceMonitorNamespaceSelector: {{}}\n"
            )
        };
        assert!(tm031(&prometheus("{}")).is_empty());
        assert_eq!(
            tm031(&prometheus("{matchLabels: {team: other}}")),
            ["no TidbMonitor or scrape object watches this cluster"]
        );
    }
}
