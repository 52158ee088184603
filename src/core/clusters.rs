//! `clusters`: one [`ClusterView`] per TidbCluster and DMCluster, with the monitors that really scrape it.

use serde::Serialize;

use crate::core::{VIEW_API_VERSION, ViewMeta, sort_key};
use crate::model::{ClusterStatus, ComponentSpec, ComponentStatus, ObjectMeta, TidbMonitor};
use crate::snapshot::{Kind, Scope, Snapshot};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ViewMeta,
    /// `TidbCluster` or `DMCluster`.
    pub cluster_kind: &'static str,
    pub version: Option<String>,
    pub tls: bool,
    /// Status of the `Ready` condition (`True`, `False`), absent when the operator wrote none.
    pub ready: Option<String>,
    pub ready_reason: Option<String>,
    pub components: Vec<ComponentCount>,
    /// For a heterogeneous TidbCluster: the `namespace/name` it joins.
    pub joins: Option<String>,
    /// `namespace/name` of each monitor that scrapes this cluster.
    pub monitored_by: Vec<String>,
    /// Monitors that list this cluster but cannot scrape it (another namespace without `clusterScoped`).
    pub referenced_without_targets: Vec<String>,
    /// False when some monitors could not be read (forbidden, or only one namespace read).
    pub coverage_complete: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComponentCount {
    pub name: String,
    pub replicas: i32,
    pub ready: Option<i32>,
}

pub fn cluster_views(snapshot: &Snapshot) -> Vec<ClusterView> {
    let coverage_complete = !snapshot.gaps.contains_key(&Kind::TidbMonitor)
        && snapshot.scopes.get(&Kind::TidbMonitor) == Some(&Scope::AllNamespaces);
    let mut views = Vec::new();
    for tc in &snapshot.clusters {
        let s = &tc.spec;
        let mut components = Vec::new();
        push(&mut components, "pd", s.pd.as_ref(), tc.status.pd.as_ref());
        for ms in &s.pdms {
            components.push(ComponentCount {
                name: ms.name.clone(),
                replicas: ms.replicas.unwrap_or(0),
                ready: None,
            });
        }
        push(
            &mut components,
            "tikv",
            s.tikv.as_ref(),
            tc.status.tikv.as_ref(),
        );
        push(
            &mut components,
            "tidb",
            s.tidb.as_ref(),
            tc.status.tidb.as_ref(),
        );
        push(
            &mut components,
            "tiflash",
            s.tiflash.as_ref(),
            tc.status.tiflash.as_ref(),
        );
        push(
            &mut components,
            "ticdc",
            s.ticdc.as_ref(),
            tc.status.ticdc.as_ref(),
        );
        push(
            &mut components,
            "tiproxy",
            s.tiproxy.as_ref(),
            tc.status.tiproxy.as_ref(),
        );
        push(
            &mut components,
            "pump",
            s.pump.as_ref(),
            tc.status.pump.as_ref(),
        );
        let joins = s
            .cluster
            .as_ref()
            .filter(|c| !c.name.is_empty())
            .map(|c| format!("{}/{}", c.namespace_or(tc.metadata.namespace()), c.name));
        let (monitored_by, referenced_without_targets) =
            coverage(snapshot, &tc.metadata, |m| m.spec.clusters.as_slice());
        views.push(view(
            &tc.metadata,
            "TidbCluster",
            s.version.clone(),
            tc.tls_enabled(),
            &tc.status,
            components,
            joins,
            (monitored_by, referenced_without_targets, coverage_complete),
        ));
    }
    for dc in &snapshot.dm_clusters {
        let mut components = Vec::new();
        push(
            &mut components,
            "dm-master",
            dc.spec.master.as_ref(),
            dc.status.master.as_ref(),
        );
        push(
            &mut components,
            "dm-worker",
            dc.spec.worker.as_ref(),
            dc.status.worker.as_ref(),
        );
        let (monitored_by, referenced_without_targets) =
            coverage(snapshot, &dc.metadata, |m| m.spec.dm_clusters());
        views.push(view(
            &dc.metadata,
            "DMCluster",
            dc.spec.version.clone(),
            dc.tls_enabled(),
            &dc.status,
            components,
            None,
            (monitored_by, referenced_without_targets, coverage_complete),
        ));
    }
    views.sort_by_key(|v| (sort_key(&v.metadata), v.cluster_kind));
    views
}

#[allow(clippy::too_many_arguments)]
fn view(
    meta: &ObjectMeta,
    cluster_kind: &'static str,
    version: Option<String>,
    tls: bool,
    status: &ClusterStatus,
    components: Vec<ComponentCount>,
    joins: Option<String>,
    (monitored_by, referenced_without_targets, coverage_complete): (Vec<String>, Vec<String>, bool),
) -> ClusterView {
    let ready = status.conditions.iter().find(|c| c.type_ == "Ready");
    ClusterView {
        api_version: VIEW_API_VERSION,
        kind: "TidbClusterView",
        metadata: meta.into(),
        cluster_kind,
        version: version.filter(|v| !v.is_empty()),
        tls,
        ready: ready.map(|c| c.status.clone()),
        ready_reason: ready.and_then(|c| c.reason.clone()),
        components,
        joins,
        monitored_by,
        referenced_without_targets,
        coverage_complete,
    }
}

fn push(
    out: &mut Vec<ComponentCount>,
    name: &str,
    spec: Option<&ComponentSpec>,
    status: Option<&ComponentStatus>,
) {
    if let Some(spec) = spec {
        out.push(ComponentCount {
            name: name.to_string(),
            replicas: spec.replicas.unwrap_or(0),
            ready: status
                .and_then(|s| s.stateful_set.as_ref())
                .and_then(|s| s.ready_replicas),
        });
    }
}

/// Which monitors scrape the cluster. A reference from another namespace only yields targets with
/// `clusterScoped: true`: without it the monitor's Role cannot list pods in the cluster's namespace.
fn coverage<'a>(
    snapshot: &'a Snapshot,
    cluster: &ObjectMeta,
    refs: impl Fn(&'a TidbMonitor) -> &'a [crate::model::ObjectRef],
) -> (Vec<String>, Vec<String>) {
    let (mut covering, mut dead) = (Vec::new(), Vec::new());
    for monitor in &snapshot.monitors {
        let own = monitor.metadata.namespace();
        let listed = refs(monitor)
            .iter()
            .any(|r| r.name == cluster.name && r.namespace_or(own) == cluster.namespace());
        if !listed {
            continue;
        }
        let id = format!("{own}/{}", monitor.metadata.name);
        if own == cluster.namespace() || monitor.spec.cluster_scoped {
            covering.push(id)
        } else {
            dead.push(id)
        }
    }
    covering.sort();
    dead.sort();
    (covering, dead)
}
