//! TidbMonitor's own scrape jobs, as tidb-operator's config generator writes them: what a migration must keep
//! (`migrate --verify` evaluates them beside the new stack's rules on the same discovered pods).

use serde_json::{Value, json};

/// The jobs TidbMonitor writes for a component (tidb-operator v1.6.6 `pkg/monitor/monitor/template.go`,
/// `newPrometheusConfig` 94-109): one job per component, and TiFlash a second one for its proxy's metrics port.
/// Drainer and Lightning are addressed differently (`:183-207`) and discovered by no cluster here: not listed.
pub fn jobs(component: &str) -> &'static [&'static str] {
    match component {
        "tiflash" => &["tiflash", "tiflash-proxy"],
        "pd" => &["pd"],
        "tso" => &["tso"],
        "scheduling" => &["scheduling"],
        "tidb" => &["tidb"],
        "tikv" => &["tikv"],
        "ticdc" => &["ticdc"],
        "pump" => &["pump"],
        "tiproxy" => &["tiproxy"],
        "dm-master" => &["dm-master"],
        "dm-worker" => &["dm-worker"],
        _ => &[],
    }
}

/// TidbMonitor's relabelling of one scrape job, from tidb-operator v1.6.6 `pkg/monitor/monitor/template.go`
/// (`scrapeJob` 224-380, `buildAddressRelabelConfigByComponent` 124-222, label names 29-35): keep the cluster's
/// pods of the component with `prometheus.io/scrape: true`, rewrite the address to the pod's DNS name, then copy
/// the labels. The job label stays `<ns>-<cluster>-<job>` (job_name, :297).
pub fn relabelings(cluster: &str, ns: &str, component: &str, job: &str) -> Vec<Value> {
    const INSTANCE: &str = "__meta_kubernetes_pod_label_app_kubernetes_io_instance";
    const COMPONENT: &str = "__meta_kubernetes_pod_label_app_kubernetes_io_component";
    const NAMESPACE: &str = "__meta_kubernetes_namespace";
    const POD: &str = "__meta_kubernetes_pod_name";
    let (port, replacement) = match job {
        "tiflash-proxy" => (
            "__meta_kubernetes_pod_annotation_tiflash_proxy_prometheus_io_port",
            "$1.$2-tiflash-peer.$3:$4".to_string(),
        ),
        "pump" => (
            "__meta_kubernetes_pod_annotation_prometheus_io_port",
            "$1.$2-pump.$3:$4".to_string(),
        ),
        _ => (
            "__meta_kubernetes_pod_annotation_prometheus_io_port",
            format!("$1.$2-{job}-peer.$3:$4"),
        ),
    };
    vec![
        json!({"source_labels": [INSTANCE], "action": "keep", "regex": regex::escape(cluster)}),
        json!({"source_labels": [NAMESPACE], "action": "keep", "regex": regex::escape(ns)}),
        json!({"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "action": "keep", "regex": "true"}),
        json!({"source_labels": [COMPONENT], "action": "keep", "regex": regex::escape(component)}),
        json!({"action": "replace", "regex": "(.+);(.+);(.+);(.+)", "replacement": replacement, "target_label": "__address__",
         "source_labels": [POD, INSTANCE, NAMESPACE, port]}),
        json!({"source_labels": [NAMESPACE], "action": "replace", "target_label": "kubernetes_namespace"}),
        json!({"source_labels": [INSTANCE], "action": "replace", "target_label": "cluster"}),
        json!({"source_labels": [POD], "action": "replace", "target_label": "instance"}),
        json!({"source_labels": [COMPONENT], "action": "replace", "target_label": "component"}),
        json!({"source_labels": [NAMESPACE, INSTANCE], "separator": "-", "target_label": "tidb_cluster"}),
        json!({"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"], "action": "replace",
         "target_label": "__metrics_path__", "regex": "(.+)"}),
    ]
}
