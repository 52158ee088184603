//! References from a monitor to clusters and ConfigMaps: dangling ones stop the whole monitor; cross-namespace
//! ones need `clusterScoped`; some fields are silently ignored by the operator.

use super::util::{monitor_id, refs};
use super::{Context, Emitter, Rule, Severity};
use crate::snapshot::{Kind, Snapshot};

pub const RULES: &[Rule] = &[
    Rule {
        id: "TM010",
        severity: Severity::Error,
        title: "Reference to a cluster that does not exist",
        explanation: "For each entry of `spec.clusters` (and `spec.dm.clusters`) the operator gets the cluster, with the \
            namespace defaulting to the monitor's. If one is missing, the sync of the whole monitor fails — every other \
            cluster loses monitoring too — and the operator only logs it (no event). Common after a cluster was deleted \
            or when the namespace was left out of a cross-namespace reference.",
        bad: concat!(
            monitor!(
                "  clusterScoped: true\n  clusters: [{name: db, namespace: team}, {name: gone, namespace: team}]\n"
            ),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Remove the reference or fix its name/namespace (an omitted namespace means the monitor's own).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster, Kind::DmCluster],
        check: missing_reference,
    },
    Rule {
        id: "TM011",
        severity: Severity::Error,
        title: "Cluster in another namespace without clusterScoped: true",
        explanation: "Scrape jobs discover pods in the cluster's namespace. Without `clusterScoped: true` the monitor only \
            gets a Role in its own namespace, so a cluster elsewhere yields no targets at all — silently. tidb-operator's \
            examples/monitor-multiple-cluster-{non-tls,tls}/tidb-monitor.yaml set `clusterScoped: true` from when they \
            were added (#3308, #3867; in every release v1.2.0–v1.6.6): a copy that drops it is what breaks.",
        bad: concat!(
            monitor!("  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Set `spec.clusterScoped: true` (the operator then creates a ClusterRole `<ns>-<monitor>-monitor`), or run a monitor in the cluster's namespace.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: cross_namespace_without_cluster_scope,
    },
    Rule {
        id: "TM012",
        severity: Severity::Info,
        title: "clusterDomain on a cluster reference is ignored",
        explanation: "`spec.clusters[].clusterDomain` is accepted by the CRD but never read by the monitor controller: \
            scrape targets always use the in-cluster service names.",
        bad: concat!(
            monitor!(
                "  clusterScoped: true\n  clusters: [{name: db, namespace: team, clusterDomain: cluster-b.local}]\n"
            ),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Drop clusterDomain; to monitor clusters in other Kubernetes clusters run a monitor in each and join them with Thanos.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: cluster_domain_ignored,
    },
    Rule {
        id: "TM013",
        severity: Severity::Info,
        title: "prometheus.config.configMapRef replaces the generated scrape configuration",
        explanation: "With `configMapRef` the operator uses your `prometheus-config` key instead of the file it generates, \
            so `spec.clusters` no longer decides what is scraped. Adding a cluster to the monitor then changes nothing.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, config: {configMapRef: {name: my-prometheus}}}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: monitor!("  clusters: [{name: db}]\n"),
        fix: "Keep the ConfigMap in sync with spec.clusters yourself, or drop configMapRef and use commandOptions/ruleConfigRef for customisation.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: config_map_ref,
    },
    Rule {
        id: "TM014",
        severity: Severity::Error,
        title: "Monitor without any cluster",
        explanation: "With neither `spec.clusters` nor `spec.dm.clusters` the operator logs and stops: no StatefulSet, \
            no Services, nothing to see.",
        bad: monitor!("  clusters: []\n"),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "List the clusters to monitor in spec.clusters (or spec.dm.clusters).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: no_clusters,
    },
    Rule {
        id: "TM015",
        severity: Severity::Info,
        title: "ruleConfigRef namespace is ignored",
        explanation: "The external rules ConfigMap of `prometheus.config.ruleConfigRef` is mounted by name from the \
            monitor's namespace; its `namespace` field is ignored, so a ConfigMap elsewhere is never used.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, config: {ruleConfigRef: {name: rules, namespace: shared}}}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, config: {ruleConfigRef: {name: rules}}}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        fix: "Create the rules ConfigMap in the monitor's namespace and drop the namespace field.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: rule_config_namespace,
    },
];

fn missing_reference(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let id = monitor_id(monitor);
        for (kind, ns, name) in refs(monitor) {
            let lookup = match kind {
                "DMCluster" => snapshot.dm_cluster(&ns, &name).map(|_| ()),
                _ => snapshot.cluster(&ns, &name).map(|_| ()),
            };
            if let Some(None) = e.found(lookup, &id, format!("{kind} {ns}/{name}")) {
                e.report(
                    id.clone(),
                    format!("references {kind} {ns}/{name}, which does not exist: the whole monitor stops syncing"),
                    "remove the reference or fix its name and namespace",
                );
            }
        }
    }
}

fn cross_namespace_without_cluster_scope(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot.monitors.iter().filter(|m| !m.spec.cluster_scoped) {
        let own = monitor.metadata.namespace();
        let foreign: Vec<String> = refs(monitor)
            .into_iter()
            .filter(|(_, ns, _)| ns != own)
            .map(|(_, ns, name)| format!("{ns}/{name}"))
            .collect();
        if !foreign.is_empty() {
            e.report(
                monitor_id(monitor),
                format!("references {} in other namespaces without clusterScoped: true: they get no scrape targets", foreign.join(", ")),
                "set spec.clusterScoped: true",
            );
        }
    }
}

fn cluster_domain_ignored(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let all = monitor
            .spec
            .clusters
            .iter()
            .chain(monitor.spec.dm_clusters());
        for r in all.filter(|r| r.cluster_domain.as_deref().is_some_and(|d| !d.is_empty())) {
            e.report(
                monitor_id(monitor),
                format!(
                    "clusterDomain {:?} on reference {} is ignored by the operator",
                    r.cluster_domain.as_deref().unwrap_or(""),
                    r.name
                ),
                "remove clusterDomain",
            );
        }
    }
}

fn config_map_ref(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let reference = monitor
            .spec
            .prometheus
            .as_ref()
            .and_then(|p| p.config.as_ref())
            .and_then(|c| c.config_map_ref.as_ref());
        if let Some(r) = reference.filter(|r| !r.name.is_empty()) {
            e.report(
                monitor_id(monitor),
                format!("Prometheus configuration comes from ConfigMap {}; spec.clusters no longer decides what is scraped", r.name),
                "keep that ConfigMap in step with spec.clusters",
            );
        }
    }
}

fn no_clusters(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot.monitors.iter().filter(|m| refs(m).is_empty()) {
        e.report(
            monitor_id(monitor),
            "references no TidbCluster or DMCluster: the operator creates nothing",
            "add spec.clusters",
        );
    }
}

fn rule_config_namespace(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let own = monitor.metadata.namespace();
        let reference = monitor
            .spec
            .prometheus
            .as_ref()
            .and_then(|p| p.config.as_ref())
            .and_then(|c| c.rule_config_ref.as_ref());
        if let Some(r) = reference.filter(|r| {
            r.namespace
                .as_deref()
                .is_some_and(|ns| !ns.is_empty() && ns != own)
        }) {
            e.report(
                monitor_id(monitor),
                format!(
                    "ruleConfigRef {}/{} is read from namespace {own}, not {}",
                    r.namespace.as_deref().unwrap_or(""),
                    r.name,
                    r.namespace.as_deref().unwrap_or("")
                ),
                format!("create ConfigMap {} in namespace {own}", r.name),
            );
        }
    }
}
