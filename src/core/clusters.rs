//! `clusters`: one [`ClusterView`] per TidbCluster, DMCluster (tidb-operator v1) and Cluster (v2), with what
//! really scrapes it: TidbMonitors for v1, and for every kind the PodMonitors,
//! ServiceMonitors, VMPodScrapes and VMServiceScrapes whose selectors and relabelings reach the cluster's pods
//! (`core::scraping`).

use serde::Serialize;

use crate::core::{VIEW_API_VERSION, ViewMeta, scraping, sort_key};
use crate::model::{
    ClusterStatus, ComponentSpec, ComponentStatus, ObjectMeta, TidbMonitor, V2Cluster,
};
use crate::snapshot::{Kind, Scope, Snapshot};

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterView {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The kubeconfig context it was read in, with `--context a,b` or `--all-contexts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub metadata: ViewMeta,
    /// `TidbCluster`, `DMCluster` or `Cluster` (tidb-operator v2).
    pub cluster_kind: &'static str,
    pub version: Option<String>,
    pub tls: bool,
    /// Status of the `Ready` condition (`True`, `False`), absent when the operator wrote none.
    pub ready: Option<String>,
    pub ready_reason: Option<String>,
    pub components: Vec<ComponentCount>,
    /// For a heterogeneous TidbCluster: the `namespace/name` it joins.
    pub joins: Option<String>,
    /// Each monitor that scrapes this cluster: `namespace/name` for TidbMonitors, `kind/namespace/name`
    /// (e.g. `podmonitor/monitoring/basic-pd`) for scrape objects.
    pub monitored_by: Vec<String>,
    /// Each scrape object that reaches the cluster's pods, and what it scrapes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scraped_by: Vec<ScrapedBy>,
    /// Monitors that list this cluster but cannot scrape it (another namespace without `clusterScoped`).
    pub referenced_without_targets: Vec<String>,
    /// False when some monitors could not be read (forbidden, or only one namespace read).
    pub coverage_complete: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ComponentCount {
    pub name: String,
    pub replicas: i32,
    pub ready: Option<i32>,
    /// v2: the groups of this component, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct GroupCount {
    pub name: String,
    pub replicas: i32,
    pub ready: Option<i32>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScrapedBy {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    /// Components with at least one metrics port scraped at the right address.
    pub components: Vec<String>,
    /// `component:port` metrics ports of selected groups that no target reaches.
    pub missed_ports: Vec<String>,
    /// prometheus-operator objects: `namespace/name` of each Prometheus that loads it.
    pub loaded_by: Vec<String>,
    /// `yes`, `no` (no Prometheus selects it), `unknown` (Prometheus objects not readable) or `n/a`
    /// (VictoriaMetrics: VMAgent selection is not evaluated).
    pub loaded: &'static str,
}

impl ScrapedBy {
    /// `podmonitor/monitoring/basic-pd`: how MONITORED-BY names a scrape object.
    pub fn label(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.to_ascii_lowercase(),
            self.namespace,
            self.name
        )
    }
}

pub fn cluster_views(snapshot: &Snapshot) -> Vec<ClusterView> {
    // A TidbMonitor CRD that is not installed (a v2-only estate) means no TidbMonitor exists: complete.
    let coverage_complete = matches!(
        snapshot.gaps.get(&Kind::TidbMonitor),
        Some(crate::snapshot::Gap::NotInstalled)
    ) || (!snapshot.gaps.contains_key(&Kind::TidbMonitor)
        && snapshot.scopes.get(&Kind::TidbMonitor) == Some(&Scope::AllNamespaces));
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
                groups: Vec::new(),
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
        let (mut monitored_by, referenced_without_targets) =
            monitor_coverage(snapshot, &tc.metadata, |m| m.spec.clusters.as_slice());
        let scraped_by = scraped_by(snapshot, scraping::tidb_cluster_scrapes(snapshot, tc));
        monitored_by.extend(scraped_by.iter().map(ScrapedBy::label));
        let mut tc_view = view(
            &tc.metadata,
            "TidbCluster",
            s.version.clone(),
            tc.tls_enabled(),
            &tc.status,
            components,
            joins,
            (
                monitored_by,
                referenced_without_targets,
                coverage_complete && scrapers_complete(snapshot),
            ),
        );
        tc_view.scraped_by = scraped_by;
        views.push(tc_view);
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
        let (mut monitored_by, referenced_without_targets) =
            monitor_coverage(snapshot, &dc.metadata, |m| m.spec.dm_clusters());
        let scraped_by = scraped_by(snapshot, scraping::dm_cluster_scrapes(snapshot, dc));
        monitored_by.extend(scraped_by.iter().map(ScrapedBy::label));
        let mut dc_view = view(
            &dc.metadata,
            "DMCluster",
            dc.spec.version.clone(),
            dc.tls_enabled(),
            &dc.status,
            components,
            None,
            (
                monitored_by,
                referenced_without_targets,
                coverage_complete && scrapers_complete(snapshot),
            ),
        );
        dc_view.scraped_by = scraped_by;
        views.push(dc_view);
    }
    for cluster in &snapshot.v2_clusters {
        views.push(v2_view(
            snapshot,
            cluster,
            coverage_complete && scrapers_complete(snapshot),
        ));
    }
    views.sort_by_key(|v| (sort_key(&v.metadata), v.cluster_kind));
    views
}

/// Every scrape kind was read in every namespace: "nothing scrapes this cluster" can be said.
fn scrapers_complete(snapshot: &Snapshot) -> bool {
    scraping::SCRAPE_KINDS.into_iter().all(|k| {
        matches!(
            snapshot.gaps.get(&k),
            Some(crate::snapshot::Gap::NotInstalled)
        ) || (!snapshot.gaps.contains_key(&k)
            && snapshot.scopes.get(&k) == Some(&Scope::AllNamespaces))
    })
}

fn v2_view(snapshot: &Snapshot, cluster: &V2Cluster, coverage_complete: bool) -> ClusterView {
    let groups = scraping::groups_of(snapshot, cluster);
    let mut components: Vec<ComponentCount> = Vec::new();
    let mut versions: Vec<String> = Vec::new();
    let mut not_ready: Vec<String> = Vec::new();
    let mut any_status = false;
    for g in &groups {
        let component = crate::naming::v2::component_of(g.kind)
            .map(|c| c.name)
            .unwrap_or("unknown");
        let replicas = g.spec.replicas.unwrap_or(1);
        let ready = g.status.ready_replicas.or(g.status.replicas.map(|_| 0));
        if g.status.replicas.is_some() || !g.status.conditions.is_empty() {
            any_status = true;
        }
        let ready_condition = g
            .status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready")
            .map(|c| c.status == "True");
        if ready.unwrap_or(0) < replicas || ready_condition == Some(false) {
            not_ready.push(format!(
                "{} {}/{} ready",
                g.metadata.name,
                ready.unwrap_or(0),
                replicas
            ));
        }
        // TiProxy is versioned on its own (v1.x); the cluster's version is TiDB's.
        if let Some(v) = g.version().filter(|_| g.kind != Kind::TiproxyGroup)
            && !versions.iter().any(|known| known == v)
        {
            versions.push(v.to_string());
        }
        let count = GroupCount {
            name: g.metadata.name.clone(),
            replicas,
            ready,
        };
        match components.iter_mut().find(|c| c.name == component) {
            Some(existing) => {
                existing.replicas += replicas;
                existing.ready = match (existing.ready, ready) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                };
                existing.groups.push(count);
            }
            None => components.push(ComponentCount {
                name: component.to_string(),
                replicas,
                ready,
                groups: vec![count],
            }),
        }
    }
    for c in &mut components {
        if c.groups.len() < 2 {
            c.groups.clear();
        }
    }
    let scraped_by = scraped_by(snapshot, scraping::cluster_scrapes(snapshot, cluster));
    let (ready, ready_reason) = if groups.is_empty() {
        (None, Some("no component groups".to_string()))
    } else if !any_status {
        (None, None)
    } else if not_ready.is_empty() {
        (Some("True".to_string()), None)
    } else {
        (Some("False".to_string()), Some(not_ready.join(", ")))
    };
    ClusterView {
        api_version: VIEW_API_VERSION,
        context: None,
        kind: "TidbClusterView",
        metadata: (&cluster.metadata).into(),
        cluster_kind: "Cluster",
        version: (!versions.is_empty()).then(|| versions.join(",")),
        tls: cluster.tls_enabled(),
        ready,
        ready_reason,
        components,
        joins: None,
        monitored_by: scraped_by.iter().map(ScrapedBy::label).collect(),
        scraped_by,
        referenced_without_targets: Vec::new(),
        coverage_complete,
    }
}

/// What each scrape object that selects some component of a cluster does to it, and whether a Prometheus loads it.
fn scraped_by(snapshot: &Snapshot, scrapes: Vec<scraping::ClusterScrape<'_>>) -> Vec<ScrapedBy> {
    scrapes
        .into_iter()
        .map(|s| {
            let mut covered: Vec<String> = s
                .groups
                .iter()
                .filter(|g| !g.scraped_ports.is_empty())
                .map(|g| g.component.to_string())
                .collect();
            covered.dedup();
            let missed = s
                .groups
                .iter()
                .flat_map(|g| {
                    g.missed_ports
                        .iter()
                        .map(move |p| format!("{}:{p}", g.component))
                })
                .collect();
            let (loaded_by, loaded) = match scraping::loaded_by(snapshot, s.scraper) {
                scraping::Loaded::By(by) => (by, "yes"),
                scraping::Loaded::Nobody => (Vec::new(), "no"),
                scraping::Loaded::Unknown => (Vec::new(), "unknown"),
                scraping::Loaded::NotApplicable => (Vec::new(), "n/a"),
            };
            ScrapedBy {
                kind: s.scraper.kind.kind_name(),
                namespace: s.scraper.metadata.namespace().to_string(),
                name: s.scraper.metadata.name.clone(),
                components: covered,
                missed_ports: missed,
                loaded_by,
                loaded,
            }
        })
        .collect()
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
        context: None,
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
        scraped_by: Vec::new(),
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
            groups: Vec::new(),
        });
    }
}

/// Whether `refs` (a monitor's `clusters` or `dm.clusters`) names `cluster`; an empty ref namespace is the
/// monitor's own (tidb-operator v1.6.6 `defaultTidbMonitor`, pkg/monitor/monitor/util.go:1207-1221).
pub fn lists(
    monitor: &TidbMonitor,
    refs: &[crate::model::ObjectRef],
    cluster: &ObjectMeta,
) -> bool {
    let own = monitor.metadata.namespace();
    refs.iter()
        .any(|r| r.name == cluster.name && r.namespace_or(own) == cluster.namespace())
}

/// Whether a monitor that lists `cluster` gets targets from it, and why: a reference from another namespace only
/// does with `clusterScoped: true`, since without it the monitor's Role cannot list pods in the cluster's
/// namespace.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Reach {
    /// The monitor lives in the cluster's namespace.
    SameNamespace,
    /// Another namespace, with `clusterScoped: true` (a ClusterRole lets it discover the pods).
    ClusterScoped,
    /// Another namespace without `clusterScoped: true`: no targets at all (TM011).
    NoTargets,
}

/// [`Reach`] of a monitor that lists `cluster`.
pub fn reach(monitor: &TidbMonitor, cluster: &ObjectMeta) -> Reach {
    if monitor.metadata.namespace() == cluster.namespace() {
        Reach::SameNamespace
    } else if monitor.spec.cluster_scoped {
        Reach::ClusterScoped
    } else {
        Reach::NoTargets
    }
}

/// Whether a monitor that lists `cluster` gets targets from it ([`reach`]).
pub fn reaches(monitor: &TidbMonitor, cluster: &ObjectMeta) -> bool {
    reach(monitor, cluster) != Reach::NoTargets
}

/// Every TidbMonitor that lists `cluster` in `refs` (its `clusters` or `dm.clusters`), with how far it reaches
/// it, sorted by namespace and name.
pub fn listing_monitors<'a>(
    snapshot: &'a Snapshot,
    cluster: &ObjectMeta,
    refs: impl Fn(&'a TidbMonitor) -> &'a [crate::model::ObjectRef],
) -> Vec<(&'a TidbMonitor, Reach)> {
    let mut listing: Vec<(&TidbMonitor, Reach)> = snapshot
        .monitors
        .iter()
        .filter(|m| lists(m, refs(m), cluster))
        .map(|m| (m, reach(m, cluster)))
        .collect();
    listing.sort_by(|(a, _), (b, _)| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    listing
}

/// The one predicate for "which TidbMonitors scrape this cluster" (`clusters`, `check`, `status`): `(covering,
/// dead)`, each `namespace/name`, from [`listing_monitors`]. A reference from another namespace only yields
/// targets with `clusterScoped: true`: without it the monitor's Role cannot list pods in the cluster's namespace.
pub fn monitor_coverage<'a>(
    snapshot: &'a Snapshot,
    cluster: &ObjectMeta,
    refs: impl Fn(&'a TidbMonitor) -> &'a [crate::model::ObjectRef],
) -> (Vec<String>, Vec<String>) {
    let (mut covering, mut dead) = (Vec::new(), Vec::new());
    for (monitor, reach) in listing_monitors(snapshot, cluster, refs) {
        let id = format!("{}/{}", monitor.metadata.namespace(), monitor.metadata.name);
        if reach == Reach::NoTargets {
            dead.push(id)
        } else {
            covering.push(id)
        }
    }
    covering.sort();
    dead.sort();
    (covering, dead)
}
