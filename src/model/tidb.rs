//! pingcap.com/v1alpha1 kinds: TidbMonitor, TidbCluster, DMCluster.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ObjectMeta, ObjectRef};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TidbMonitor {
    pub metadata: ObjectMeta,
    pub spec: TidbMonitorSpec,
    pub status: TidbMonitorStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TidbMonitorSpec {
    pub clusters: Vec<ObjectRef>,
    pub dm: Option<DmMonitorSpec>,
    pub prometheus: Option<PrometheusSpec>,
    pub grafana: Option<ContainerSpec>,
    pub reloader: Option<ContainerSpec>,
    pub initializer: Option<ContainerSpec>,
    pub prometheus_reloader: Option<ContainerSpec>,
    pub thanos: Option<ThanosSpec>,
    pub persistent: bool,
    pub storage_class_name: Option<String>,
    pub storage: Option<String>,
    pub pv_reclaim_policy: Option<String>,
    pub replicas: Option<i32>,
    pub shards: Option<i32>,
    pub cluster_scoped: bool,
    pub external_labels: BTreeMap<String, String>,
    pub replica_external_label_name: Option<String>,
    #[serde(rename = "alertmanagerURL")]
    pub alertmanager_url: Option<String>,
    pub enable_alert_rules: bool,
}

impl TidbMonitorSpec {
    /// `spec.pvReclaimPolicy`, which the operator's PV pass sets on the monitor's volumes; unset means Retain
    /// (pkg/monitor/monitor/util.go, v1.2.0-v1.6.6).
    pub fn pv_reclaim_policy(&self) -> &str {
        self.pv_reclaim_policy
            .as_deref()
            .filter(|p| !p.is_empty())
            .unwrap_or("Retain")
    }

    /// tidb-operator defaults replicas to 1.
    pub fn replicas(&self) -> i32 {
        self.replicas.unwrap_or(1).max(0)
    }

    /// tidb-operator treats shards ≤ 1 (or unset) as one shard.
    pub fn shards(&self) -> i32 {
        self.shards.unwrap_or(1).max(1)
    }

    pub fn dm_clusters(&self) -> &[ObjectRef] {
        self.dm
            .as_ref()
            .map(|dm| dm.clusters.as_slice())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DmMonitorSpec {
    pub clusters: Vec<ObjectRef>,
    pub initializer: Option<ContainerSpec>,
}

/// The container block shared by grafana, reloader, initializer and prometheusReloader.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerSpec {
    pub base_image: Option<String>,
    pub version: Option<String>,
    pub service: Option<MonitorServiceSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MonitorServiceSpec {
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusSpec {
    pub base_image: Option<String>,
    pub version: Option<String>,
    pub service: Option<MonitorServiceSpec>,
    pub reserve_days: Option<i64>,
    pub retention_time: Option<String>,
    pub config: Option<PrometheusConfig>,
    pub remote_write: Vec<RemoteWriteSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PrometheusConfig {
    pub config_map_ref: Option<ObjectRef>,
    pub rule_config_ref: Option<ObjectRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RemoteWriteSpec {
    pub url: String,
    pub basic_auth: Option<BasicAuth>,
}

/// `remoteWrite[].basicAuth`: two `SecretKeySelector`s, read from the monitor's namespace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BasicAuth {
    pub username: Option<SecretKeyRef>,
    pub password: Option<SecretKeyRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ThanosSpec {
    pub base_image: Option<String>,
    pub version: Option<String>,
    pub listen_local: bool,
    pub object_storage_config: Option<SecretKeyRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SecretKeyRef {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TidbMonitorStatus {
    pub deployment_storage_status: Option<DeploymentStorageStatus>,
    pub stateful_set: Option<StatefulSetStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeploymentStorageStatus {
    pub pv_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatefulSetStatus {
    pub replicas: Option<i32>,
    pub ready_replicas: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TlsCluster {
    pub enabled: bool,
}

/// A component block of a TidbCluster or DMCluster: it exists iff its key is present.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ComponentSpec {
    pub replicas: Option<i32>,
    pub base_image: Option<String>,
    pub version: Option<String>,
    /// `spec.tidb.tlsClient` (TiDB only): TLS for MySQL clients, whose certificate TiProxy serves too.
    pub tls_client: Option<TlsCluster>,
    /// `spec.tiproxy.certLayout` (TiProxy only, v1.6.1+): "" (legacy) or "v1".
    pub cert_layout: Option<String>,
    /// `spec.tidb.binlogEnabled` (TiDB only): with `pump`, what `IsTiDBBinlogEnabled` decides
    /// (tidb-operator v1.6.6 tidbcluster.go:1081-1092).
    pub binlog_enabled: Option<bool>,
    /// Whether `config` sets PD's `pd-server.metric-storage` (meaningful on `pd` only). The config itself is not
    /// kept: TiKV's and TiDB's can be large and nothing else reads them.
    #[serde(rename = "config", deserialize_with = "sets_metric_storage")]
    pub config_sets_metric_storage: bool,
}

/// A v1 component `config` is TOML text or, in older manifests, the same keys as a map; anything else (odd keys,
/// other types) is skipped rather than failing the whole object.
fn sets_metric_storage<'de, D: serde::Deserializer<'de>>(de: D) -> Result<bool, D::Error> {
    use serde_json::Value;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Config {
        Toml(String),
        Keys(BTreeMap<String, Value>),
        Other(serde::de::IgnoredAny),
    }
    let non_empty = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    Ok(match Option::<Config>::deserialize(de)? {
        Some(Config::Toml(toml)) => crate::core::metric_storage::sets_metric_storage(&toml),
        Some(Config::Keys(map)) => {
            non_empty(map.get("pd-server").and_then(|s| s.get("metric-storage")))
                || non_empty(map.get("pd-server.metric-storage"))
        }
        Some(Config::Other(_)) | None => false,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PdMsSpec {
    pub name: String,
    pub replicas: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TidbCluster {
    pub metadata: ObjectMeta,
    pub spec: TidbClusterSpec,
    pub status: ClusterStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TidbClusterSpec {
    pub version: Option<String>,
    /// `spec.timezone` (tidb-operator defaults it to UTC, tidbcluster.go:1057-1063): the TZ of a TidbMonitor's
    /// initializer when this is its first cluster with a PD.
    pub timezone: Option<String>,
    pub tls_cluster: Option<TlsCluster>,
    /// Set on heterogeneous clusters: the cluster they join.
    pub cluster: Option<ObjectRef>,
    pub pd: Option<ComponentSpec>,
    pub pdms: Vec<PdMsSpec>,
    pub tidb: Option<ComponentSpec>,
    pub tikv: Option<ComponentSpec>,
    pub tiflash: Option<ComponentSpec>,
    pub ticdc: Option<ComponentSpec>,
    pub tiproxy: Option<ComponentSpec>,
    pub pump: Option<ComponentSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DmCluster {
    pub metadata: ObjectMeta,
    pub spec: DmClusterSpec,
    pub status: ClusterStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DmClusterSpec {
    pub version: Option<String>,
    pub tls_cluster: Option<TlsCluster>,
    pub master: Option<ComponentSpec>,
    pub worker: Option<ComponentSpec>,
}

/// Conditions plus per-component phase; shared by TidbCluster and DMCluster status.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClusterStatus {
    pub conditions: Vec<Condition>,
    pub pd: Option<ComponentStatus>,
    pub tikv: Option<ComponentStatus>,
    pub tidb: Option<ComponentStatus>,
    pub tiflash: Option<ComponentStatus>,
    pub ticdc: Option<ComponentStatus>,
    pub tiproxy: Option<ComponentStatus>,
    pub pump: Option<ComponentStatus>,
    pub master: Option<ComponentStatus>,
    pub worker: Option<ComponentStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ComponentStatus {
    pub phase: Option<String>,
    pub stateful_set: Option<StatefulSetStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
}

impl TidbCluster {
    pub fn tls_enabled(&self) -> bool {
        self.spec.tls_cluster.as_ref().is_some_and(|t| t.enabled)
    }

    /// `spec.timezone`, UTC when empty (tidb-operator v1.6.6 tidbcluster.go:1057-1063, `defaultTimeZone` :34).
    pub fn timezone(&self) -> &str {
        self.spec
            .timezone
            .as_deref()
            .filter(|tz| !tz.is_empty())
            .unwrap_or("UTC")
    }

    /// `spec.tidb.binlogEnabled`, else whether the cluster has a `pump` (tidbcluster.go:1081-1092).
    pub fn binlog_enabled(&self) -> bool {
        self.spec
            .tidb
            .as_ref()
            .and_then(|tidb| tidb.binlog_enabled)
            .unwrap_or(self.spec.pump.is_some())
    }
}

impl DmCluster {
    pub fn tls_enabled(&self) -> bool {
        self.spec.tls_cluster.as_ref().is_some_and(|t| t.enabled)
    }
}
