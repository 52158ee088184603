//! tidb-operator v2 (`core.pingcap.com/v1alpha1` Cluster and component groups, v2.0.1 up to v2.2 alpha): there
//! is no TidbMonitor, users write PodMonitors/ServiceMonitors (prometheus-operator) or VMPodScrapes/
//! VMServiceScrapes (VictoriaMetrics operator) themselves. These rules judge those scrape objects with the one
//! coverage predicate `core::scraping` (discovery + the operators' generated relabel rules evaluated on a
//! synthetic pod of each group); they never re-derive coverage.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Context, Emitter, ObjectId, Rule, Severity};
use crate::core::metric_storage;
use crate::core::scraping::{self, ClusterScrape, Loaded, cluster_scrapes, groups_of, loaded_by};
use crate::model::{ScrapeObject, V2Cluster};
use crate::naming;
use crate::snapshot::{Gap, Kind, Snapshot};

/// A v2 Cluster `db` in `team`; `$spec` is its spec in flow style.
macro_rules! v2_cluster {
    ($spec:literal) => {
        concat!(
            "apiVersion: core.pingcap.com/v1alpha1\nkind: Cluster\nmetadata: {name: db, namespace: team}\nspec: ",
            $spec,
            "\n"
        )
    };
}

/// A v2 group `$name` of kind `$kind` in cluster `team/db`.
macro_rules! v2_group {
    ($kind:literal, $name:literal) => {
        concat!(
            "---\napiVersion: core.pingcap.com/v1alpha1\nkind: ",
            $kind,
            "\nmetadata: {name: ",
            $name,
            ", namespace: team}\nspec: {cluster: {name: db}, replicas: 1, template: {spec: {version: v8.5.2}}}\n"
        )
    };
}

/// PD with `metric-storage` set (TM068 is silent).
macro_rules! pd_with_metric_storage {
    () => {
        "---\napiVersion: core.pingcap.com/v1alpha1\nkind: PDGroup\nmetadata: {name: pd, namespace: team}\nspec:\n  cluster: {name: db}\n  replicas: 1\n  template:\n    spec:\n      version: v8.5.2\n      config: |\n        [pd-server]\n        metric-storage = \"http://prometheus-operated.monitoring.svc:9090\"\n"
    };
}

/// The relabelings that keep the components serving metrics on container port `$port` and send the target to
/// `<pod>.<group>-<component>-peer.<ns>:<port>` (the certificates' SAN).
macro_rules! endpoint {
    ($port:literal, $components:literal, $extra:expr) => {
        concat!(
            "  - port: ",
            $port,
            "\n",
            $extra,
            "    relabelings:\n    - {sourceLabels: [__meta_kubernetes_pod_label_pingcap_com_component], regex: '",
            $components,
            "', action: keep}\n    - {sourceLabels: [__meta_kubernetes_pod_name, __meta_kubernetes_pod_label_pingcap_com_group, __meta_kubernetes_pod_label_pingcap_com_component, __meta_kubernetes_namespace, __meta_kubernetes_pod_container_port_number], regex: '(.+);(.+);(.+);(.+);(.+)', targetLabel: __address__, replacement: '${1}.${2}-${3}-peer.${4}:${5}'}\n"
        )
    };
}

/// A PodMonitor `db` in `team` that scrapes every metrics port of PD/TSO/Scheduling, TiKV, TiDB and TiFlash once,
/// at the DNS name; `$selector` in flow style, `$extra` lines added to each endpoint.
macro_rules! pod_monitor {
    ($selector:literal, $extra:expr) => {
        concat!(
            "---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: db, namespace: team}\nspec:\n  selector: {matchLabels: ",
            $selector,
            "}\n  jobLabel: pingcap.com/component\n  podMetricsEndpoints:\n",
            endpoint!("client", "pd|tso|scheduling|scheduler", $extra),
            endpoint!("status", "tikv|tidb", $extra),
            endpoint!("metrics", "tiflash", $extra),
            endpoint!("proxy-metrics", "tiflash", $extra),
        )
    };
    () => {
        pod_monitor!(
            "{pingcap.com/managed-by: tidb-operator, pingcap.com/cluster: db}",
            ""
        )
    };
}

/// The TLS part of an endpoint that presents the cluster's client certificate.
macro_rules! client_tls {
    () => {
        "    scheme: https\n    tlsConfig:\n      ca: {secret: {name: db-cluster-client-secret, key: ca.crt}}\n      cert: {secret: {name: db-cluster-client-secret, key: tls.crt}}\n      keySecret: {name: db-cluster-client-secret, key: tls.key}\n"
    };
}

macro_rules! client_secret {
    () => {
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: db-cluster-client-secret, namespace: team}\ntype: kubernetes.io/tls\ndata: {ca.crt: '', tls.crt: '', tls.key: ''}\n"
    };
}

/// A VMPodScrape that keeps the metrics port of PD and TiKV and builds the address from the pod label `$label`.
macro_rules! vm_pod_scrape {
    ($api:literal, $label:literal) => {
        concat!(
            "---\napiVersion: ",
            $api,
            "\nkind: VMPodScrape\nmetadata: {name: db, namespace: team}\nspec:\n  selector: {matchLabels: {pingcap.com/cluster: db}}\n  podMetricsEndpoints:\n  - port: client\n    relabelConfigs:\n    - {source_labels: [__meta_kubernetes_pod_label_pingcap_com_component], regex: pd, action: keep}\n    - {source_labels: [__meta_kubernetes_pod_name, __meta_kubernetes_pod_label_",
            $label,
            ", __meta_kubernetes_pod_label_pingcap_com_component, __meta_kubernetes_namespace, __meta_kubernetes_pod_container_port_number], regex: '(.+);(.+);(.+);(.+);(.+)', target_label: __address__, replacement: '${1}.${2}-${3}-peer.${4}:${5}'}\n"
        )
    };
}

pub const RULES: &[Rule] = &[
    // v2.0.1–v2.2: nothing in the operator scrapes a Cluster (no TidbMonitor in core.pingcap.com); coverage is
    // core::scraping::cluster_scrapes.
    Rule {
        id: "TM060",
        severity: Severity::Warning,
        title: "v2 Cluster that no scrape object covers",
        explanation: "tidb-operator v2 (v2.0.1 up to v2.2) has no TidbMonitor: a `core.pingcap.com` Cluster is \
            monitored only if some PodMonitor, ServiceMonitor, VMPodScrape or VMServiceScrape selects its groups' pods \
            or Services (the pods carry `pingcap.com/{managed-by,component,cluster,group}`, \
            pkg/apiutil/core/v1alpha1/instance.go). None does, as prometheus-operator v0.93 (pkg/prometheus/promcfg.go) \
            or the VictoriaMetrics operator v0.58 would evaluate their selectors. A warning, not an error: a \
            Prometheus' `additionalScrapeConfigs`, a VMAgent's inline scrape configs or a Prometheus outside the \
            cluster are invisible here. Reported only when every namespace was read (`-A` or files).",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv")
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!()
        ),
        fix: "Create a PodMonitor (or VMPodScrape) selecting `pingcap.com/managed-by: tidb-operator` and \
            `pingcap.com/cluster: <cluster>` with one endpoint per metrics port (`kubectl tidbmonitor scaffold` writes one), \
            or ignore this for clusters scraped by configuration the plugin cannot see.",
        example_operator: None,
        subjects: &[Kind::Cluster],
        reads: super::V2_SCRAPING,
        check: uncovered,
    },
    // v2.0.1–v2.2: metrics ports per component (api/core/v1alpha1/<comp>_types.go), TiFlash's second port
    // `tiflash.proxy.prometheus.io/port` (pkg/controllers/tiflash/tasks/pod.go); TSO/Scheduling/Scheduler pods lack
    // the deprecated app.kubernetes.io labels (pkg/controllers/tso/tasks/pod.go).
    Rule {
        id: "TM061",
        severity: Severity::Warning,
        title: "v2 Cluster partly scraped: a component group or a metrics port is missed",
        explanation: "Some scrape object covers the Cluster, but a group of it is selected by none (typically TSO, \
            Scheduling and Scheduler pods, which tidb-operator v2.0.1–v2.2 does not label with the deprecated \
            `app.kubernetes.io/*` labels, pkg/controllers/tso/tasks/pod.go), or a metrics port is reached by no target: \
            TiFlash serves a second one, `proxy-metrics` (20292, annotation `tiflash.proxy.prometheus.io/port`, \
            pkg/controllers/tiflash/tasks/pod.go), which a scrape of `prometheus.io/port` alone never reaches, so the \
            TiFlash-Proxy dashboards stay empty. Judged over all scrape objects together (core::scraping).",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            v2_group!("TSOGroup", "tso"),
            pod_monitor!(
                "{app.kubernetes.io/managed-by: tidb-operator, app.kubernetes.io/instance: db}",
                ""
            )
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            v2_group!("TSOGroup", "tso"),
            pod_monitor!()
        ),
        fix: "Select pods by `pingcap.com/managed-by`/`pingcap.com/cluster` (present on every v2 pod) and add an \
            endpoint per metrics port, e.g. `port: proxy-metrics` for TiFlash.",
        example_operator: None,
        subjects: &[Kind::Cluster],
        reads: super::V2_SCRAPING,
        check: partly_scraped,
    },
    // v2.0.1–v2.2: with `spec.tlsCluster.enabled` every component serves its status/metrics port over TLS only
    // (pkg/apiutil/core/v1alpha1/instance.go, TLS volumes).
    Rule {
        id: "TM062",
        severity: Severity::Error,
        title: "Scrape object scrapes a TLS v2 Cluster over http",
        explanation: "The Cluster has `spec.tlsCluster.enabled` (immutable, api/core/v1alpha1/cluster_types.go, \
            v2.0.1–v2.2), so its components serve metrics over https only; targets the scrape object sends with the \
            default `scheme: http` are down (`server gave HTTP response to HTTPS client`).",
        bad: concat!(
            v2_cluster!("{tlsCluster: {enabled: true}}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!()
        ),
        good: concat!(
            v2_cluster!("{tlsCluster: {enabled: true}}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!(
                "{pingcap.com/managed-by: tidb-operator, pingcap.com/cluster: db}",
                client_tls!()
            ),
            client_secret!()
        ),
        fix: "Set `scheme: https` (and the client certificate, TM063) on every endpoint that reaches the cluster.",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: http_on_tls,
    },
    // v2.0.1: client Secret fixed to `<cluster>-cluster-client-secret` (api/core/v1alpha1/names.go); v2.1+:
    // `Cluster.spec.security.tls.client.name` (V2Cluster::client_secret).
    Rule {
        id: "TM063",
        severity: Severity::Error,
        title: "TLS v2 Cluster scraped without a client certificate, or with a missing Secret",
        explanation: "Components of a TLS Cluster verify client certificates, so the scrape endpoint needs \
            `tlsConfig` with `cert` and `keySecret` (or `certFile`/`keyFile`). tidb-operator v2.0.1 issues the client \
            certificate as `<cluster>-cluster-client-secret` (api/core/v1alpha1/names.go); v2.1 names it in \
            `Cluster.spec.security.tls.client.name` (api/core/v1alpha1/cluster_types.go). prometheus-operator and \
            VictoriaMetrics read the Secrets of `tlsConfig` from the scrape object's namespace: a missing one \
            makes the operator skip the object entirely.",
        bad: concat!(
            v2_cluster!("{tlsCluster: {enabled: true}}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!(
                "{pingcap.com/managed-by: tidb-operator, pingcap.com/cluster: db}",
                "    scheme: https\n    tlsConfig: {insecureSkipVerify: true}\n"
            )
        ),
        good: concat!(
            v2_cluster!("{tlsCluster: {enabled: true}}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!(
                "{pingcap.com/managed-by: tidb-operator, pingcap.com/cluster: db}",
                client_tls!()
            ),
            client_secret!()
        ),
        fix: "Point `tlsConfig.ca`, `tlsConfig.cert` and `tlsConfig.keySecret` at the cluster's client Secret \
            (`<cluster>-cluster-client-secret` in v2.0; `spec.security.tls.client.name` in v2.1+), copied into the \
            scrape object's namespace if it lives elsewhere.",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: tls_client_cert,
    },
    // v2.0.1–v2.2: pod hostname `<pod>`, subdomain `<group>-<component>-peer` (pkg/controllers/pd/tasks/pod.go,
    // pdgroup/tasks/updater.go); the deprecated `app.kubernetes.io/instance` is the *cluster* name.
    Rule {
        id: "TM064",
        severity: Severity::Error,
        title: "Scrape address built from a deprecated or absent label",
        explanation: "tidb-operator v2.0.1–v2.2 pods are reachable (and their certificates valid) at \
            `<pod>.<group>-<component>-peer.<ns>` (pkg/controllers/pdgroup/tasks/updater.go, svc.go). An `__address__` \
            relabeling that takes the middle part from `app.kubernetes.io/instance` — the deprecated v1 label, \
            holding the *cluster* name (pkg/utils/k8s/pod.go, \"TODO: remove it\") — or from a label the pods lack \
            produces hosts like `<pod>.<cluster>-pd-peer` that do not resolve: every target is down. The v2 docs' \
            VMPodScrape (docs-tidb-operator release-2.0, monitor-a-tidb-cluster.md) does exactly this.",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            vm_pod_scrape!(
                "operator.victoriametrics.com/v1beta1",
                "app_kubernetes_io_instance"
            )
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            vm_pod_scrape!("operator.victoriametrics.com/v1beta1", "pingcap_com_group")
        ),
        fix: "Build the host from `__meta_kubernetes_pod_label_pingcap_com_group` (the group), not the cluster: \
            `<pod>.<pingcap.com/group>-<pingcap.com/component>-peer.<namespace>:<port>`.",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: wrong_hosts,
    },
    // Prometheus v3 discovery/kubernetes/pod.go: one target per container port and init container; v2.0.1 TiKV
    // has the `ti-prestop-checker` init container, TiFlash its log sidecars (pkg/controllers/{tikv,tiflash}/tasks/pod.go).
    Rule {
        id: "TM065",
        severity: Severity::Warning,
        title: "Same v2 pod scraped several times by one endpoint",
        explanation: "Prometheus' pod discovery yields one target per container port and per (init) container \
            without ports. An endpoint with no `port`/`portNumber` gets no port filter from prometheus-operator v0.93 \
            (pkg/prometheus/promcfg.go) or VictoriaMetrics, and an `__address__` rewrite to the annotated metrics \
            port sends all of them to the same address: tidb-operator v2.0.1–v2.2 TiKV pods (container ports `client`, \
            `status` plus the `ti-prestop-checker` init container) and TiFlash pods are scraped several times, \
            the series differing only in `container` — or colliding once that label is dropped.",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            "---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: db, namespace: team}\nspec:\n  selector: {matchLabels: {pingcap.com/cluster: db}}\n  podMetricsEndpoints:\n  - relabelings:\n    - {sourceLabels: [__meta_kubernetes_pod_name, __meta_kubernetes_pod_label_pingcap_com_group, __meta_kubernetes_pod_label_pingcap_com_component, __meta_kubernetes_namespace, __meta_kubernetes_pod_annotation_prometheus_io_port], regex: '(.+);(.+);(.+);(.+);(.+)', targetLabel: __address__, replacement: '${1}.${2}-${3}-peer.${4}:${5}'}\n"
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!()
        ),
        fix: "Give every endpoint a `port` (container port name: `client` for PD/TSO/Scheduling, `status` for \
            TiKV/TiDB, `metrics` and `proxy-metrics` for TiFlash) and keep the matching components.",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: duplicates,
    },
    // prometheus-operator v0.93 prometheus_types.go: nil podMonitorSelector selects none, nil namespace selector
    // = own namespace (core::scraping::loaded_by); v1alpha1/prometheusagent_types.go inlines the same
    // CommonPrometheusFields, so a PrometheusAgent loads by the same selectors. The one v2 rule that also judges v1 clusters' scrape objects
    // (core::scraping::tidb_cluster_scrapes/dm_cluster_scrapes): the question is the same.
    Rule {
        id: "TM066",
        severity: Severity::Warning,
        title: "PodMonitor/ServiceMonitor for a cluster that no Prometheus or PrometheusAgent loads",
        explanation: "A PodMonitor or ServiceMonitor that covers a tidb-operator v2 Cluster (any v2 release: v2.0.1 \
            to v2.2 leave scraping to the user) or a v1 TidbCluster/DMCluster (scraped with ServiceMonitors instead \
            of, or beside, a TidbMonitor) is used only by a \
            Prometheus or PrometheusAgent whose `podMonitorSelector`/`serviceMonitorSelector` matches its labels and \
            whose namespace selector matches its namespace (prometheus-operator v0.93, \
            pkg/apis/monitoring/v1/prometheus_types.go: an unset selector selects nothing, an unset namespace \
            selector means the object's own namespace; a PrometheusAgent, `monitoring.coreos.com/v1alpha1`, carries \
            the same fields, v1alpha1/prometheusagent_types.go). No Prometheus or PrometheusAgent read does, so \
            nothing is scraped. Offline files without Prometheus or PrometheusAgent objects say nothing.",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            pod_monitor!(),
            "---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec:\n  podMonitorSelector: {matchLabels: {release: kube-prometheus}}\n  podMonitorNamespaceSelector: {}\n"
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            pod_monitor!(),
            "---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec:\n  podMonitorSelector: {}\n  podMonitorNamespaceSelector: {}\n"
        ),
        fix: "Label the object so a Prometheus' or PrometheusAgent's `podMonitorSelector`/`serviceMonitorSelector` \
            matches it (and its namespace its namespace selector), or widen that object's selectors.",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: not_loaded,
    },
    // VictoriaMetrics operator v0.58 api/operator/v1beta1/groupversion_info.go: group operator.victoriametrics.com.
    Rule {
        id: "TM067",
        severity: Severity::Error,
        title: "Scrape object under an apiVersion its operator does not serve",
        explanation: "The VictoriaMetrics operator (v0.58, api/operator/v1beta1/groupversion_info.go) serves \
            `operator.victoriametrics.com/v1beta1`, prometheus-operator `monitoring.coreos.com/v1`. The v2 docs \
            (docs-tidb-operator release-2.0, monitor-a-tidb-cluster.md, for tidb-operator v2.0) write \
            `victoriametrics.com/v1beta1`: the API server answers `no matches for kind`, the object is never \
            created and the cluster stays unscraped. Only manifests (`-f`) can carry this.",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            vm_pod_scrape!("victoriametrics.com/v1beta1", "pingcap_com_group")
        ),
        good: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            vm_pod_scrape!("operator.victoriametrics.com/v1beta1", "pingcap_com_group")
        ),
        fix: "Use `apiVersion: operator.victoriametrics.com/v1beta1` (VMPodScrape, VMServiceScrape, VMAgent, \
            VMSingle) or `monitoring.coreos.com/v1` (PodMonitor, ServiceMonitor).",
        example_operator: None,
        subjects: super::SCRAPE_OBJECTS,
        reads: super::SCRAPE_OBJECT_READS,
        check: wrong_api_version,
    },
    // v2.0.1–v2.2 never set `metric-storage` (pkg/configs/pd/config.go manages only name, data-dir, urls, join,
    // security); v1 TidbMonitor wrote PD's /topology/prometheus (release-1.x pkg/monitor/monitor/monitor_manager.go).
    Rule {
        id: "TM068",
        severity: Severity::Warning,
        title: "Scraped v2 Cluster without PD `metric-storage`",
        explanation: "TiDB Dashboard and `metrics_schema` query Prometheus through PD. With tidb-operator v1 the \
            TidbMonitor registered its Prometheus in PD (`/topology/prometheus`, release-1.x \
            pkg/monitor/monitor/monitor_manager.go); tidb-operator v2.0.1–v2.2 never does and manages no \
            `metric-storage` key (pkg/configs/pd/config.go). The Cluster is scraped, but no PDGroup sets \
            `[pd-server] metric-storage` in `spec.template.spec.config`, so the Dashboard's metrics pages stay empty.",
        bad: concat!(
            v2_cluster!("{}"),
            v2_group!("PDGroup", "pd"),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!()
        ),
        good: concat!(
            v2_cluster!("{}"),
            pd_with_metric_storage!(),
            v2_group!("TiKVGroup", "tikv"),
            pod_monitor!()
        ),
        fix: "Add `[pd-server]` `metric-storage = \"http://<prometheus>:9090\"` to every PDGroup's \
            `spec.template.spec.config` (the finding prints the exact `kubectl patch`); PD rolls to apply it.",
        example_operator: None,
        subjects: &[Kind::Cluster],
        reads: super::V2_SCRAPING,
        check: no_metric_storage,
    },
];

fn cluster_id(cluster: &V2Cluster) -> ObjectId {
    ObjectId::of("Cluster", &cluster.metadata)
}

fn scraper_id(scraper: &ScrapeObject) -> ObjectId {
    ObjectId::of(scraper.kind.kind_name(), &scraper.metadata)
}

fn cluster_name(cluster: &V2Cluster) -> String {
    format!("{}/{}", cluster.metadata.namespace(), cluster.metadata.name)
}

fn scraper_name(scraper: &ScrapeObject) -> String {
    format!(
        "{} {}/{}",
        scraper.kind.kind_name(),
        scraper.metadata.namespace(),
        scraper.metadata.name
    )
}

/// Every scrape object of every namespace was read (or its CRD is not installed, so none exists): "nothing
/// selects this" can be said. Forbidden or failed lists, or `-n`, leave it open.
fn all_scrapers_read(snapshot: &Snapshot, context: &Context) -> bool {
    context.all_namespaces
        && scraping::SCRAPE_KINDS
            .iter()
            .all(|k| matches!(snapshot.gaps.get(k), None | Some(Gap::NotInstalled)))
}

/// v2 Clusters with at least one group the plugin models, and the scrape objects covering each.
fn clusters(snapshot: &Snapshot) -> Vec<(&V2Cluster, Vec<ClusterScrape<'_>>)> {
    snapshot
        .v2_clusters
        .iter()
        .filter(|c| {
            groups_of(snapshot, c)
                .iter()
                .any(|g| naming::v2::component_of(g.kind).is_some())
        })
        .map(|c| (c, cluster_scrapes(snapshot, c)))
        .collect()
}

fn uncovered(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    if !all_scrapers_read(snapshot, context) {
        return;
    }
    for (cluster, scrapes) in clusters(snapshot) {
        if scrapes.is_empty() {
            e.report(
                cluster_id(cluster),
                format!(
                    "no PodMonitor, ServiceMonitor, VMPodScrape or VMServiceScrape selects a pod or Service of Cluster {}: it has no metrics",
                    cluster_name(cluster)
                ),
                "create a PodMonitor/VMPodScrape for it (`kubectl tidbmonitor scaffold`), or ignore this if another config scrapes it",
            );
        }
    }
}

fn partly_scraped(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        if scrapes.is_empty() {
            continue;
        }
        let id = cluster_id(cluster);
        let covering: Vec<String> = scrapes.iter().map(|s| scraper_name(s.scraper)).collect();
        let mut unselected = Vec::new();
        for group in groups_of(snapshot, cluster) {
            let Some(component) = naming::v2::component_of(group.kind) else {
                continue;
            };
            let name = &group.metadata.name;
            let per_object: Vec<_> = scrapes
                .iter()
                .filter_map(|s| {
                    s.groups
                        .iter()
                        .find(|g| &g.group == name && g.group_kind == group.kind)
                        .map(|g| (s.scraper, g))
                })
                .collect();
            if per_object.is_empty() {
                unselected.push(format!("{} {name}", group.kind.kind_name()));
                continue;
            }
            if let Some((scraper, g)) = per_object.iter().find(|(_, g)| g.error.is_some()) {
                e.report_as(
                    Severity::Info,
                    id.clone(),
                    format!(
                        "cannot tell which ports of {} {name} are scraped: {} cannot be evaluated ({})",
                        group.kind.kind_name(),
                        scraper_name(scraper),
                        g.error.as_deref().unwrap_or_default()
                    ),
                    "check the relabelings of that object",
                );
                continue;
            }
            let scraped: BTreeSet<&str> = per_object
                .iter()
                .flat_map(|(_, g)| g.scraped_ports.iter().copied())
                .collect();
            let missed: Vec<String> = component
                .metrics
                .iter()
                .filter(|m| !scraped.contains(m.name))
                .map(|m| {
                    let number = group.port(m.name).unwrap_or(m.default);
                    format!("{} ({number}, annotation {})", m.name, m.annotation)
                })
                .collect();
            if missed.is_empty() {
                continue;
            }
            let wrong_host = per_object.iter().any(|(_, g)| !g.wrong_hosts.is_empty());
            e.report(
                id.clone(),
                format!(
                    "{} {name} is selected by {} but no target reaches its metrics port {}{}",
                    group.kind.kind_name(),
                    per_object
                        .iter()
                        .map(|(s, _)| scraper_name(s))
                        .collect::<Vec<_>>()
                        .join(", "),
                    missed.join(", "),
                    if wrong_host {
                        " (some targets use a wrong host, see TM064)"
                    } else {
                        ""
                    }
                ),
                format!(
                    "add an endpoint with `port: {}` that keeps component {}",
                    component
                        .metrics
                        .iter()
                        .filter(|m| !scraped.contains(m.name))
                        .map(|m| m.name)
                        .collect::<Vec<_>>()
                        .join("`/`port: "),
                    component.name
                ),
            );
        }
        // A group selected by nothing can only be claimed when every scrape object was read.
        if !unselected.is_empty() && all_scrapers_read(snapshot, context) {
            e.report(
                id.clone(),
                format!(
                    "{} selected by no scrape object, while {} cover{} the rest of Cluster {}",
                    unselected.join(", "),
                    covering.join(", "),
                    if covering.len() == 1 { "s" } else { "" },
                    cluster_name(cluster)
                ),
                "select by `pingcap.com/cluster` (every v2 pod has it; TSO/Scheduling/Scheduler pods lack `app.kubernetes.io/*`)",
            );
        }
    }
}

fn http_on_tls(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        if !cluster.tls_enabled() {
            continue;
        }
        for s in &scrapes {
            let http: Vec<String> = s
                .groups
                .iter()
                .filter(|g| g.http_targets > 0)
                .map(|g| {
                    format!(
                        "{} {} ({})",
                        g.group_kind.kind_name(),
                        g.group,
                        g.http_targets
                    )
                })
                .collect();
            if !http.is_empty() {
                e.report(
                    scraper_id(s.scraper),
                    format!(
                        "scrapes TLS Cluster {} over http: {}; those targets are down",
                        cluster_name(cluster),
                        http.join(", ")
                    ),
                    "set `scheme: https` with the cluster's client certificate in `tlsConfig`",
                );
            }
        }
    }
}

/// `tlsConfig.<field>.secret.name` or `tlsConfig.keySecret.name`.
fn secret_name<'a>(tls: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(tls, |v, k| v.get(k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn has_text(tls: &Value, key: &str) -> bool {
    tls.get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
}

fn tls_client_cert(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        if !cluster.tls_enabled() {
            continue;
        }
        let expected = cluster.client_secret();
        for s in &scrapes {
            let id = scraper_id(s.scraper);
            let ns = s.scraper.metadata.namespace();
            let used: BTreeSet<usize> = s
                .groups
                .iter()
                .flat_map(|g| g.targets.iter().map(|t| t.endpoint))
                .collect();
            let mut checked = BTreeSet::new();
            for index in used {
                let Some(endpoint) = s.scraper.endpoints().get(index) else {
                    continue;
                };
                let null = Value::Null;
                let tls = endpoint.tls_config.as_ref().unwrap_or(&null);
                let cert = secret_name(tls, &["cert", "secret", "name"]).is_some()
                    || secret_name(tls, &["cert", "configMap", "name"]).is_some()
                    || has_text(tls, "certFile");
                let key =
                    secret_name(tls, &["keySecret", "name"]).is_some() || has_text(tls, "keyFile");
                if !(cert && key) {
                    e.report(
                        id.clone(),
                        format!(
                            "endpoint {index} scrapes TLS Cluster {} without a client certificate (`tlsConfig.cert` and `keySecret`): the components refuse the handshake",
                            cluster_name(cluster)
                        ),
                        format!(
                            "set tlsConfig.ca/cert/keySecret from Secret {expected} (keys ca.crt, tls.crt, tls.key) in namespace {ns}"
                        ),
                    );
                    continue;
                }
                let names: BTreeSet<&str> = [
                    secret_name(tls, &["ca", "secret", "name"]),
                    secret_name(tls, &["cert", "secret", "name"]),
                    secret_name(tls, &["keySecret", "name"]),
                ]
                .into_iter()
                .flatten()
                .collect();
                for name in names {
                    if !checked.insert(name.to_string()) {
                        continue;
                    }
                    if let Some(None) = e.found(
                        snapshot.secret(ns, name),
                        &id,
                        format!("Secret {ns}/{name}"),
                    ) {
                        e.report(
                            id.clone(),
                            format!(
                                "tlsConfig names Secret {ns}/{name}, which does not exist: the operator skips this object{}",
                                if name == expected {
                                    String::new()
                                } else {
                                    format!(" (Cluster {} issues its client certificate as {expected})", cluster_name(cluster))
                                }
                            ),
                            format!("use (or copy into namespace {ns}) Secret {expected} of namespace {}", cluster.metadata.namespace()),
                        );
                    }
                }
            }
        }
    }
}

/// The pod labels an `__address__` relabeling of the endpoints reads, as written (`app_kubernetes_io_instance`).
fn address_labels(scraper: &ScrapeObject, endpoints: &BTreeSet<usize>) -> Vec<String> {
    let mut labels = Vec::new();
    for index in endpoints {
        let Some(endpoint) = scraper.endpoints().get(*index) else {
            continue;
        };
        for rule in endpoint.target_relabelings() {
            let target = rule
                .get("targetLabel")
                .or_else(|| rule.get("target_label"))
                .and_then(Value::as_str);
            if target != Some("__address__") {
                continue;
            }
            let sources = rule
                .get("sourceLabels")
                .or_else(|| rule.get("source_labels"))
                .and_then(Value::as_array);
            for source in sources.into_iter().flatten().filter_map(Value::as_str) {
                for prefix in [
                    "__meta_kubernetes_pod_label_",
                    "__meta_kubernetes_service_label_",
                ] {
                    if let Some(label) = source.strip_prefix(prefix) {
                        labels.push(label.to_string());
                    }
                }
            }
        }
    }
    labels.sort();
    labels.dedup();
    labels
}

fn wrong_hosts(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        for s in &scrapes {
            let bad: Vec<_> = s
                .groups
                .iter()
                .filter(|g| !g.wrong_hosts.is_empty())
                .collect();
            if bad.is_empty() {
                continue;
            }
            let endpoints: BTreeSet<usize> = bad
                .iter()
                .flat_map(|g| g.targets.iter().map(|t| t.endpoint))
                .collect();
            let labels = address_labels(s.scraper, &endpoints);
            let suspect: Vec<&String> = labels
                .iter()
                .filter(|l| l.starts_with("app_kubernetes_io_"))
                .collect();
            let reason = if !suspect.is_empty() {
                format!(
                    "; its __address__ relabeling reads the deprecated label {} (the cluster name, not the group)",
                    suspect
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else if !labels.is_empty() {
                format!("; its __address__ relabeling reads {}", labels.join(", "))
            } else {
                String::new()
            };
            let examples: Vec<String> = bad
                .iter()
                .map(|g| {
                    format!(
                        "{} {} → {}",
                        g.group_kind.kind_name(),
                        g.group,
                        g.wrong_hosts.first().cloned().unwrap_or_default()
                    )
                })
                .collect();
            e.report(
                scraper_id(s.scraper),
                format!(
                    "targets of Cluster {} go to hosts that do not exist ({}){reason}",
                    cluster_name(cluster),
                    examples.join(", ")
                ),
                "build __address__ as <pod>.<pingcap_com_group>-<pingcap_com_component>-peer.<namespace>:<port>",
            );
        }
    }
}

fn duplicates(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        for s in &scrapes {
            let dups: Vec<String> = s
                .groups
                .iter()
                .filter(|g| g.duplicates > 0)
                .map(|g| {
                    format!(
                        "{} {}: {} targets on {} address{}",
                        g.group_kind.kind_name(),
                        g.group,
                        g.targets.len(),
                        g.targets.len() - g.duplicates,
                        if g.targets.len() - g.duplicates == 1 {
                            ""
                        } else {
                            "es"
                        }
                    )
                })
                .collect();
            if !dups.is_empty() {
                e.report(
                    scraper_id(s.scraper),
                    format!(
                        "scrapes pods of Cluster {} more than once per pod ({}): duplicate series, doubled load",
                        cluster_name(cluster),
                        dups.join("; ")
                    ),
                    if s.scraper.selects_pods() {
                        "give each endpoint a `port` (container port name) so only the metrics port becomes a target"
                    } else {
                        // PD, TiDB and TiProxy groups have two Services with the same labels (svc.go).
                        "give each endpoint a `port`, and keep only the headless Service: a relabeling `sourceLabels: [__meta_kubernetes_service_name], regex: .*-peer, action: keep`"
                    },
                );
            }
        }
    }
}

fn not_loaded(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let mut seen = BTreeSet::new();
    // v1 clusters are scraped the same way when users replace (or complement) TidbMonitor with
    // ServiceMonitors, e.g. `kubectl tidbmonitor scaffold servicemonitor`.
    let v2 = clusters(snapshot)
        .into_iter()
        .flat_map(|(_, scrapes)| scrapes);
    let v1 = snapshot
        .clusters
        .iter()
        .flat_map(|tc| scraping::tidb_cluster_scrapes(snapshot, tc));
    let dm = snapshot
        .dm_clusters
        .iter()
        .flat_map(|dc| scraping::dm_cluster_scrapes(snapshot, dc));
    for s in v2.chain(v1).chain(dm) {
        let id = scraper_id(s.scraper);
        if !seen.insert(id.clone()) {
            continue;
        }
        match loaded_by(snapshot, s.scraper) {
            Loaded::Nobody => e.report(
                id,
                format!(
                    "no Prometheus or PrometheusAgent selects this {}: its targets are never scraped",
                    s.scraper.kind.kind_name()
                ),
                "add the labels a Prometheus' or PrometheusAgent's podMonitorSelector/serviceMonitorSelector matches, or widen that selector",
            ),
            Loaded::Unknown if !context.offline => {
                e.unresolved(id, "the Prometheus and PrometheusAgent objects that could load it")
            }
            _ => {}
        }
    }
}

fn wrong_api_version(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for scraper in &snapshot.scrapers {
        if let Some(api_version) = &scraper.wrong_api_version {
            e.report(
                scraper_id(scraper),
                format!(
                    "apiVersion {api_version} is not served by any operator: the API server refuses this {} (no matches for kind)",
                    scraper.kind.kind_name()
                ),
                format!("use apiVersion {}", scraper.kind.api_version()),
            );
        }
    }
}

fn no_metric_storage(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for (cluster, scrapes) in clusters(snapshot) {
        if scrapes.is_empty() {
            continue;
        }
        let pds: Vec<_> = groups_of(snapshot, cluster)
            .into_iter()
            .filter(|g| g.kind == Kind::PdGroup)
            .collect();
        if pds.is_empty()
            || pds.iter().any(|g| {
                g.spec
                    .template
                    .spec
                    .config
                    .as_deref()
                    .is_some_and(metric_storage::sets_metric_storage)
            })
        {
            continue;
        }
        let url = scrapes
            .iter()
            .find_map(|s| match loaded_by(snapshot, s.scraper) {
                Loaded::By(by) => by
                    .first()
                    .and_then(|p| p.split_once('/'))
                    .map(|(ns, _)| metric_storage::prometheus_operated(ns)),
                _ => None,
            })
            .unwrap_or_else(|| "http://<prometheus>:9090".to_string());
        let patches: Vec<String> = pds
            .iter()
            .map(|g| metric_storage::patch_command(g, &url))
            .collect();
        e.report(
            cluster_id(cluster),
            format!(
                "Cluster {} is scraped by {} but no PDGroup sets `metric-storage`: TiDB Dashboard's metrics pages stay empty",
                cluster_name(cluster),
                scrapes
                    .iter()
                    .map(|s| scraper_name(s.scraper))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            patches.join("; "),
        );
    }
}
