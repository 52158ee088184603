//! The Kubernetes objects tidb-operator creates for a monitor, reduced to the fields we read.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{LabelSelector, ObjectMeta, StatefulSetStatus};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatefulSet {
    pub metadata: ObjectMeta,
    pub spec: ReplicatedSpec,
    pub status: StatefulSetStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Deployment {
    pub metadata: ObjectMeta,
    pub spec: ReplicatedSpec,
    pub status: DeploymentStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReplicatedSpec {
    pub replicas: Option<i32>,
    pub template: PodTemplate,
}

/// Only container images: enough to tell the tidb-operator version from its controller Deployment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PodTemplate {
    pub spec: PodSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PodSpec {
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    pub name: String,
    pub image: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeploymentStatus {
    pub replicas: Option<i32>,
    pub ready_replicas: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersistentVolumeClaim {
    pub metadata: ObjectMeta,
    pub spec: PvcSpec,
    pub status: PvcStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PvcSpec {
    pub storage_class_name: Option<String>,
    pub volume_name: Option<String>,
    pub resources: ResourceRequirements,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResourceRequirements {
    pub requests: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PvcStatus {
    pub phase: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersistentVolume {
    pub metadata: ObjectMeta,
    pub spec: PvSpec,
    pub status: PvcStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PvSpec {
    pub persistent_volume_reclaim_policy: Option<String>,
    pub storage_class_name: Option<String>,
    pub capacity: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: ServiceSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub selector: BTreeMap<String, String>,
    pub ports: Vec<ServicePort>,
}

/// A Service port as `status` shows it (the operator names them `http-prometheus`, `thanos-grpc`, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: i32,
}

/// A Secret as the plugin may know it: its name and which keys it has. Values are never decoded.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Secret {
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "keys_only")]
    pub data: Vec<String>,
    /// Manifests may carry `stringData`; only its keys are kept, like `data`.
    #[serde(rename = "stringData", deserialize_with = "keys_only")]
    pub string_data: Vec<String>,
}

/// A ConfigMap as the plugin knows it: only that it exists. Live it is listed as metadata only; from files its
/// data is skipped unread.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfigMap {
    pub metadata: ObjectMeta,
}

fn keys_only<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    let map: Option<BTreeMap<String, serde::de::IgnoredAny>> = Option::deserialize(de)?;
    Ok(map.map(|m| m.into_keys().collect()).unwrap_or_default())
}

/// prometheus-operator's Prometheus or PrometheusAgent (`kind` says which), for the labels its
/// ServiceMonitor/PodMonitor selectors want: an agent's spec carries the same selectors
/// (`prometheusagent_types.go` inlines `CommonPrometheusFields`), and it scrapes what they select.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Prometheus {
    #[serde(skip)]
    pub kind: crate::snapshot::Kind,
    pub metadata: ObjectMeta,
    pub spec: PrometheusCrSpec,
}

impl Default for Prometheus {
    fn default() -> Self {
        Prometheus {
            kind: crate::snapshot::Kind::Prometheus,
            metadata: ObjectMeta::default(),
            spec: PrometheusCrSpec::default(),
        }
    }
}

/// The selectors that decide which monitor objects a Prometheus loads. A `None` selector selects no monitor
/// object; a `None` namespace selector means the Prometheus' own namespace only (prometheus-operator
/// `prometheus_types.go`, podMonitorSelector/podMonitorNamespaceSelector).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusCrSpec {
    pub service_monitor_selector: Option<LabelSelector>,
    pub service_monitor_namespace_selector: Option<LabelSelector>,
    pub pod_monitor_selector: Option<LabelSelector>,
    pub pod_monitor_namespace_selector: Option<LabelSelector>,
}

/// A Pod, for `status`: where it runs, its phase and restarts (core/v1).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodPlacement,
    pub status: PodState,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodPlacement {
    pub node_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodState {
    pub phase: Option<String>,
    pub container_statuses: Vec<ContainerState>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerState {
    pub name: String,
    pub ready: bool,
    pub restart_count: i32,
}

/// A core/v1 Event about one object: `count`/`lastTimestamp` as the API server's own aggregation left them
/// (events.k8s.io/v1 writers fill `series` and `eventTime` instead; core/v1 shows those too).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    pub metadata: ObjectMeta,
    pub involved_object: EventSubject,
    pub reason: Option<String>,
    pub message: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub count: Option<i32>,
    pub first_timestamp: Option<String>,
    pub last_timestamp: Option<String>,
    pub event_time: Option<String>,
    pub series: Option<EventSeries>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventSubject {
    pub kind: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventSeries {
    pub count: Option<i32>,
    pub last_observed_time: Option<String>,
}

impl Event {
    /// How many times it happened: the series' count, else `count`, else once.
    pub fn times(&self) -> i32 {
        self.series
            .as_ref()
            .and_then(|s| s.count)
            .or(self.count)
            .unwrap_or(1)
            .max(1)
    }

    /// When it last happened (RFC 3339), whichever field its writer filled.
    pub fn last_seen(&self) -> Option<&str> {
        self.series
            .as_ref()
            .and_then(|s| s.last_observed_time.as_deref())
            .or(self.last_timestamp.as_deref())
            .or(self.event_time.as_deref())
            .or(self.first_timestamp.as_deref())
            .or(self.metadata.creation_timestamp.as_deref())
    }
}

/// A networking.k8s.io/v1 Ingress: the hosts and backends TidbMonitor's `prometheus.ingress`/`grafana.ingress`
/// expose (tidb-operator v1.6.6 util.go getIngress).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ingress {
    pub metadata: ObjectMeta,
    pub spec: IngressSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressSpec {
    pub rules: Vec<IngressRule>,
    pub tls: Vec<IngressTls>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressRule {
    pub host: Option<String>,
    pub http: Option<IngressHttp>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressHttp {
    pub paths: Vec<IngressPath>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressPath {
    pub path: Option<String>,
    pub backend: IngressBackend,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressBackend {
    pub service: Option<IngressServiceBackend>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressServiceBackend {
    pub name: String,
    pub port: IngressPort,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressPort {
    pub number: Option<i32>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngressTls {
    pub hosts: Vec<String>,
}

/// A VictoriaMetrics VMAgent or VMSingle (`kind` says which): identity only, the spec is compared from the raw
/// object (`migrate --verify`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct VmStack {
    #[serde(skip)]
    pub kind: crate::snapshot::Kind,
    pub metadata: ObjectMeta,
}

impl Default for VmStack {
    fn default() -> Self {
        VmStack {
            kind: crate::snapshot::Kind::VmAgent,
            metadata: ObjectMeta::default(),
        }
    }
}
