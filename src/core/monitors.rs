//! `get`: one [`MonitorView`] per TidbMonitor — clusters, versions, Thanos, workload and migration state,
//! storage, retention, TLS (and `check`'s verdict on it, from `core::health`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::{VIEW_API_VERSION, ViewMeta, image, sort_key};
use crate::model::TidbMonitor;
use crate::naming;
use crate::snapshot::{Lookup, Snapshot};

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitorView {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The kubeconfig context it was read in, with `--context a,b` or `--all-contexts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub metadata: ViewMeta,
    pub clusters: Vec<ClusterRefView>,
    pub prometheus: Option<ComponentView>,
    pub grafana: Option<ComponentView>,
    pub thanos: Option<ThanosView>,
    pub replicas: ReplicasView,
    pub shards: i32,
    pub workload: Workload,
    pub storage: StorageView,
    pub retention: String,
    pub tls: TlsState,
    pub cluster_scoped: bool,
    pub external_labels: BTreeMap<String, String>,
    pub remote_write: Vec<String>,
    pub service_types: BTreeMap<String, String>,
    /// `check`'s verdict on the monitor (`get`'s HEALTH); absent where the findings themselves are shown
    /// (`status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<crate::core::health::HealthView>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRefView {
    /// `TidbCluster` or `DMCluster`.
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub state: RefState,
    /// `spec.tlsCluster.enabled` of the referenced cluster, when it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RefState {
    Found,
    Missing,
    /// Not readable here: outside the namespaces read, forbidden, or offline.
    Unresolved,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ComponentView {
    pub image: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThanosView {
    pub image: String,
    pub version: String,
    pub listen_local: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ReplicasView {
    /// Ready pods across all shards; absent when the workload could not be read.
    pub ready: Option<i32>,
    pub desired: i32,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub enum Workload {
    StatefulSet,
    /// The v1.1 layout: a Deployment `X-monitor`, not yet migrated.
    DeploymentLegacy,
    /// Deployment and StatefulSet both present, or a migration recorded in status.
    Migrating,
    None,
    Unknown,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    pub persistent: bool,
    pub size: Option<String>,
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum TlsState {
    Off,
    On,
    /// Some referenced clusters use TLS and some do not.
    Mixed,
    /// At least one referenced cluster could not be read.
    Unknown,
    /// The monitor references no cluster that exists.
    None,
}

pub fn monitor_views(snapshot: &Snapshot) -> Vec<MonitorView> {
    let mut views: Vec<MonitorView> = snapshot
        .monitors
        .iter()
        .map(|m| monitor_view(snapshot, m))
        .collect();
    views.sort_by_key(|v| sort_key(&v.metadata));
    views
}

pub fn monitor_view(snapshot: &Snapshot, monitor: &TidbMonitor) -> MonitorView {
    let spec = &monitor.spec;
    let clusters = cluster_refs(snapshot, monitor);
    let (workload, replicas) = workload_state(snapshot, monitor);
    let prometheus = spec.prometheus.as_ref();
    let component = |base: Option<&String>, version: Option<&String>| {
        image(base.map(String::as_str), version.map(String::as_str)).map(|image| ComponentView {
            image,
            version: version.cloned().unwrap_or_default(),
        })
    };
    let mut service_types = BTreeMap::new();
    let type_of = |s: Option<&crate::model::MonitorServiceSpec>| {
        s.and_then(|s| s.type_.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "ClusterIP".into())
    };
    service_types.insert(
        "prometheus".to_string(),
        type_of(prometheus.and_then(|p| p.service.as_ref())),
    );
    if let Some(grafana) = &spec.grafana {
        service_types.insert("grafana".to_string(), type_of(grafana.service.as_ref()));
    }
    if let Some(reloader) = &spec.reloader {
        service_types.insert("reloader".to_string(), type_of(reloader.service.as_ref()));
    }
    MonitorView {
        api_version: VIEW_API_VERSION,
        context: None,
        kind: "TidbMonitorView",
        metadata: (&monitor.metadata).into(),
        tls: tls_state(&clusters),
        clusters,
        prometheus: prometheus.and_then(|p| component(p.base_image.as_ref(), p.version.as_ref())),
        grafana: spec
            .grafana
            .as_ref()
            .and_then(|g| component(g.base_image.as_ref(), g.version.as_ref())),
        thanos: spec.thanos.as_ref().map(|t| ThanosView {
            image: image(t.base_image.as_deref(), t.version.as_deref()).unwrap_or_default(),
            version: t.version.clone().unwrap_or_default(),
            listen_local: t.listen_local,
        }),
        replicas,
        shards: spec.shards(),
        workload,
        storage: StorageView {
            persistent: spec.persistent,
            size: spec.storage.clone().filter(|s| !s.is_empty()),
            storage_class: spec.storage_class_name.clone().filter(|s| !s.is_empty()),
        },
        retention: retention(monitor),
        cluster_scoped: spec.cluster_scoped,
        external_labels: spec.external_labels.clone(),
        remote_write: prometheus
            .map(|p| p.remote_write.iter().map(|r| r.url.clone()).collect())
            .unwrap_or_default(),
        service_types,
        health: None,
    }
}

fn cluster_refs(snapshot: &Snapshot, monitor: &TidbMonitor) -> Vec<ClusterRefView> {
    let own = monitor.metadata.namespace();
    let tidb = monitor.spec.clusters.iter().map(|r| {
        let ns = r.namespace_or(own).to_string();
        let (state, tls) = resolve(snapshot.cluster(&ns, &r.name).map(|c| c.tls_enabled()));
        ClusterRefView {
            kind: "TidbCluster",
            namespace: ns,
            name: r.name.clone(),
            state,
            tls,
        }
    });
    let dm = monitor.spec.dm_clusters().iter().map(|r| {
        let ns = r.namespace_or(own).to_string();
        let (state, tls) = resolve(snapshot.dm_cluster(&ns, &r.name).map(|c| c.tls_enabled()));
        ClusterRefView {
            kind: "DMCluster",
            namespace: ns,
            name: r.name.clone(),
            state,
            tls,
        }
    });
    tidb.chain(dm).collect()
}

fn resolve(lookup: Lookup<bool>) -> (RefState, Option<bool>) {
    match lookup {
        Lookup::Found(tls) => (RefState::Found, Some(tls)),
        Lookup::Missing => (RefState::Missing, None),
        Lookup::Unknown => (RefState::Unresolved, None),
    }
}

fn tls_state(refs: &[ClusterRefView]) -> TlsState {
    if refs.iter().any(|r| r.state == RefState::Unresolved) {
        return TlsState::Unknown;
    }
    let flags: Vec<bool> = refs.iter().filter_map(|r| r.tls).collect();
    match (flags.iter().any(|t| *t), flags.iter().any(|t| !*t)) {
        (true, true) => TlsState::Mixed,
        (true, false) => TlsState::On,
        (false, true) => TlsState::Off,
        (false, false) => TlsState::None,
    }
}

/// The Prometheus retention flag the operator passes: `retentionTime`, else `<reserveDays>d`, else
/// Prometheus's own default of 15d.
pub fn retention(monitor: &TidbMonitor) -> String {
    let prometheus = monitor.spec.prometheus.as_ref();
    if let Some(time) = prometheus
        .and_then(|p| p.retention_time.as_deref())
        .filter(|t| !t.is_empty())
    {
        return time.to_string();
    }
    match prometheus.and_then(|p| p.reserve_days) {
        Some(days) if days > 0 => format!("{days}d"),
        _ => "15d".to_string(),
    }
}

fn workload_state(snapshot: &Snapshot, monitor: &TidbMonitor) -> (Workload, ReplicasView) {
    let ns = monitor.metadata.namespace();
    let name = &monitor.metadata.name;
    let spec = &monitor.spec;
    let desired = spec.replicas() * spec.shards();
    let deployment = snapshot.deployment(ns, &naming::legacy_deployment(name));
    let first = snapshot.statefulset(ns, &naming::shard_statefulset(name, 0));
    let migration_recorded = monitor
        .status
        .deployment_storage_status
        .as_ref()
        .and_then(|s| s.pv_name.as_deref())
        .is_some_and(|pv| !pv.is_empty());

    let workload = match (&deployment, &first) {
        (Lookup::Found(_), Lookup::Found(_)) => Workload::Migrating,
        _ if migration_recorded => Workload::Migrating,
        (Lookup::Found(_), _) => Workload::DeploymentLegacy,
        (_, Lookup::Found(_)) => Workload::StatefulSet,
        (Lookup::Missing, Lookup::Missing) => Workload::None,
        _ => Workload::Unknown,
    };

    if let (Workload::DeploymentLegacy, Lookup::Found(d)) = (workload, &deployment) {
        let desired = d.spec.replicas.unwrap_or(1);
        return (
            workload,
            ReplicasView {
                ready: Some(d.status.ready_replicas.unwrap_or(0)),
                desired,
            },
        );
    }
    let mut ready = Some(0);
    for shard in 0..spec.shards() {
        ready = match snapshot.statefulset(ns, &naming::shard_statefulset(name, shard)) {
            Lookup::Found(sts) => ready.map(|r| r + sts.status.ready_replicas.unwrap_or(0)),
            Lookup::Missing => ready,
            Lookup::Unknown => None,
        };
    }
    (workload, ReplicasView { ready, desired })
}
