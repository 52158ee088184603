//! Scrape objects for tidb-operator v2 `Cluster`s: one PodMonitor, ServiceMonitor, VMPodScrape or
//! VMServiceScrape per (cluster, component), selecting the pods by the `pingcap.com/*` labels the operator
//! guarantees (TSO, Scheduling and Scheduler pods lack the deprecated `app.kubernetes.io/*` ones), filtering by
//! the metrics container/Service port (else Prometheus makes a target per container port and init container),
//! and relabelling to the labels the upstream dashboards use, at `<pod>.<group>-<comp>-peer.<ns>:<port>`: the
//! name the certificates carry.

use serde_json::{Value, json};

use super::servicemonitor::{MonitorKind, Options, SCRAPE_INTERVAL};
use super::{Scaffold, labels};
use crate::core::metric_storage;
use crate::core::scraping::groups_of;
use crate::model::{ComponentGroup, V2Cluster};
use crate::naming::v2::{self, Component, MetricsPort};
use crate::snapshot::{Kind, Lookup, Snapshot};

const POD_NAME: &str = "__meta_kubernetes_pod_name";
const NAMESPACE: &str = "__meta_kubernetes_namespace";
const GROUP: &str = "__meta_kubernetes_pod_label_pingcap_com_group";
const COMPONENT: &str = "__meta_kubernetes_pod_label_pingcap_com_component";
const CLUSTER: &str = "__meta_kubernetes_pod_label_pingcap_com_cluster";
const PORT_NUMBER: &str = "__meta_kubernetes_pod_container_port_number";
const PATH_ANNOTATION: &str = "__meta_kubernetes_pod_annotation_prometheus_io_path";

/// The relabel rules of one metrics port. Service-based kinds first keep only the headless peer Service: PD,
/// TiDB and TiProxy groups have a second Service with the same labels, which would scrape every target twice.
/// Under v2.1's `ClusterSubdomain` gate every pod's DNS name is `<pod>.<cluster>-cluster.<ns>`.
pub fn relabelings(kind: MonitorKind, metric: &MetricsPort, cluster_subdomain: bool) -> Vec<Value> {
    let copy = |source: &str, target: &str| json!({"sourceLabels": [source], "targetLabel": target, "action": "replace"});
    let mut rules = Vec::new();
    if !kind.selects_pods() {
        rules.push(json!({"sourceLabels": ["__meta_kubernetes_service_name"], "regex": ".*-peer", "action": "keep"}));
    }
    rules.push(if cluster_subdomain {
        json!({
            "sourceLabels": [POD_NAME, CLUSTER, NAMESPACE, PORT_NUMBER],
            "regex": "(.+);(.+);(.+);(.+)",
            "targetLabel": "__address__",
            "replacement": "${1}.${2}-cluster.${3}:${4}",
            "action": "replace",
        })
    } else {
        json!({
            "sourceLabels": [POD_NAME, GROUP, COMPONENT, NAMESPACE, PORT_NUMBER],
            "regex": "(.+);(.+);(.+);(.+);(.+)",
            "targetLabel": "__address__",
            "replacement": "${1}.${2}-${3}-peer.${4}:${5}",
            "action": "replace",
        })
    });
    rules.extend([
        json!({"sourceLabels": [PATH_ANNOTATION], "regex": "(.+)", "targetLabel": "__metrics_path__", "replacement": "${1}", "action": "replace"}),
        copy(POD_NAME, "instance"),
        copy(COMPONENT, "component"),
        copy(CLUSTER, "cluster"),
        json!({"sourceLabels": [NAMESPACE, CLUSTER], "separator": "-", "targetLabel": "tidb_cluster", "action": "replace"}),
        copy(NAMESPACE, "kubernetes_namespace"),
        json!({"targetLabel": "job", "replacement": metric.job, "action": "replace"}),
    ]);
    rules
}

fn object(
    cluster: &V2Cluster,
    component: &Component,
    options: &Options,
    tls_secret: Option<&str>,
) -> Value {
    let ns = cluster.metadata.namespace();
    let name = &cluster.metadata.name;
    let mut metadata_labels = labels("tidb-cluster", name, component.name, "tidb-cluster");
    for (k, v) in &options.prometheus_labels {
        metadata_labels[k] = json!(v);
    }
    let kind = options.kind;
    let endpoints: Vec<Value> = component
        .metrics
        .iter()
        .map(|metric| {
            // The Service port names equal the container port names in v2.
            let mut endpoint = json!({
                "port": metric.name,
                "path": "/metrics",
                "interval": SCRAPE_INTERVAL,
                "scrapeTimeout": "10s",
                "honorLabels": true,
                "scheme": "http",
            });
            endpoint[kind.relabelings_key()] = json!(relabelings(
                kind,
                metric,
                cluster.feature_gate(v2::CLUSTER_SUBDOMAIN),
            ));
            if let Some(secret) = tls_secret {
                endpoint["scheme"] = json!("https");
                // No serverName: the address is the pod's DNS name, which the certificates' SANs carry.
                endpoint["tlsConfig"] = json!({
                    "ca": {"secret": {"name": secret, "key": "ca.crt"}},
                    "cert": {"secret": {"name": secret, "key": "tls.crt"}},
                    "keySecret": {"name": secret, "key": "tls.key"},
                });
            }
            endpoint
        })
        .collect();
    json!({
        "apiVersion": kind.api_version(),
        "kind": kind.kind_name(),
        "metadata": {
            "name": format!("{name}-{}", component.name),
            "namespace": ns,
            "labels": metadata_labels,
        },
        "spec": {
            "selector": {"matchLabels": {
                v2::MANAGED_BY: v2::OPERATOR,
                v2::CLUSTER: name,
                v2::COMPONENT: component.name,
            }},
            "namespaceSelector": {"matchNames": [ns]},
            kind.endpoints_key(): endpoints,
        },
    })
}

/// The components a cluster has groups for, in the catalogue's order.
fn components_of(groups: &[&ComponentGroup]) -> Vec<&'static Component> {
    v2::COMPONENTS
        .iter()
        .filter(|c| groups.iter().any(|g| g.kind == c.group_kind))
        .collect()
}

/// One object per (cluster, component) for every v2 `Cluster` in the snapshot, in (namespace, name) order.
pub fn scrape_objects(snapshot: &Snapshot, options: &Options) -> Scaffold {
    scrape_objects_of(snapshot, options, &|_| true)
}

/// [`scrape_objects`] for the Clusters `wanted` keeps.
pub fn scrape_objects_of(
    snapshot: &Snapshot,
    options: &Options,
    wanted: &dyn Fn(&V2Cluster) -> bool,
) -> Scaffold {
    let mut scaffold = Scaffold::default();
    let mut clusters: Vec<&V2Cluster> = snapshot.v2_clusters.iter().filter(|c| wanted(c)).collect();
    clusters.sort_by(|a, b| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    for cluster in clusters {
        let ns = cluster.metadata.namespace();
        let secret = cluster.tls_enabled().then(|| cluster.client_secret());
        if let Some(secret) = &secret
            && let Lookup::Missing = snapshot.secret(ns, secret)
        {
            scaffold.warnings.push(format!(
                "Secret {ns}/{secret} does not exist: Prometheus cannot scrape {ns}/{} over TLS until it does",
                cluster.metadata.name
            ));
        }
        if snapshot
            .clusters
            .iter()
            .any(|tc| tc.metadata.namespace() == ns && tc.metadata.name == cluster.metadata.name)
        {
            // The v1 objects select app.kubernetes.io/instance=<name>, which v2 pods carry too (§9).
            scaffold.warnings.push(format!(
                "TidbCluster and Cluster {ns}/{} share a name: their scrape objects <name>-<component> collide and the TidbCluster's also select the Cluster's pods; scaffold one of them by name and rename its objects",
                cluster.metadata.name
            ));
        }
        let groups = groups_of(snapshot, cluster);
        let components = components_of(&groups);
        if components.is_empty() {
            scaffold.warnings.push(format!(
                "{ns}/{} has no component groups to scrape{}",
                cluster.metadata.name,
                if snapshot.gaps.keys().any(|k| v2::component_of(*k).is_some()) {
                    " (some group kinds could not be read)"
                } else {
                    ""
                }
            ));
        }
        for component in components {
            scaffold
                .objects
                .push(object(cluster, component, options, secret.as_deref()));
        }
    }
    scaffold
}

/// Where TiDB Dashboard should read metrics from: the prometheus-operator Service of the only Prometheus CR
/// seen, else a placeholder.
fn prometheus_url(snapshot: &Snapshot) -> (String, bool) {
    match snapshot.prometheuses.as_slice() {
        [p] => (
            metric_storage::prometheus_operated(p.metadata.namespace()),
            true,
        ),
        _ => (
            "http://<prometheus-service>.<namespace>:9090".to_string(),
            false,
        ),
    }
}

/// Header lines (without `# `) telling how to point TiDB Dashboard at the Prometheus: PD's
/// `[pd-server] metric-storage`, set through each PDGroup's config. The plugin never edits a PDGroup itself.
pub fn dashboard_notes(snapshot: &Snapshot) -> Vec<String> {
    let mut clusters: Vec<&V2Cluster> = snapshot.v2_clusters.iter().collect();
    clusters.sort_by(|a, b| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    let mut notes = Vec::new();
    let (url, known) = prometheus_url(snapshot);
    for cluster in clusters {
        let ns = cluster.metadata.namespace();
        for group in groups_of(snapshot, cluster)
            .into_iter()
            .filter(|g| g.kind == Kind::PdGroup)
        {
            let name = &group.metadata.name;
            let config = group.spec.template.spec.config.as_deref().unwrap_or("");
            if notes.is_empty() {
                notes.push(format!(
                    "TiDB Dashboard (v2 clusters): set PD's [pd-server] {} to the Prometheus in PDGroup.spec.template.spec.config{}:",
                    v2::METRIC_STORAGE,
                    if known {
                        ""
                    } else {
                        " (replace <prometheus-service>.<namespace>)"
                    }
                ));
            }
            if metric_storage::sets_metric_storage(config) {
                notes.push(format!(
                    "  PDGroup {ns}/{name} already sets {}; check it names this Prometheus.",
                    v2::METRIC_STORAGE
                ));
                continue;
            }
            notes.push(format!("  {}", metric_storage::patch_command(group, &url)));
        }
    }
    notes
}
