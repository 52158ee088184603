//! Which scrape objects really scrape which v2 cluster or v1 TidbCluster/DMCluster, and which Prometheus loads them: the
//! one predicate `clusters`, `check` and `scaffold` share.
//!
//! A group's pods are never listed: their discovery labels come from the group, or for a v1 TidbCluster from
//! the TidbCluster (see [`super::discovery`]), and each scrape object's selectors, port filters and relabelings
//! are evaluated on them as Prometheus would.

use std::collections::{BTreeMap, HashMap};

use super::discovery::{self, GroupPods, POD_IP, Target};
use crate::model::{
    ComponentGroup, DmCluster, LabelSelector, ScrapeObject, TidbCluster, V2Cluster,
};
use crate::snapshot::{Kind, Snapshot};

/// The scrape objects the predicate evaluates.
pub const SCRAPE_KINDS: [Kind; 4] = [
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
];

/// What decides whether a Prometheus (or a PrometheusAgent) loads a scrape object ([`loaded_by`]).
pub const SELECTION_KINDS: [Kind; 3] = [Kind::Prometheus, Kind::PrometheusAgent, Kind::Namespace];

/// The v2 group kinds, one per component of the component table.
pub fn group_kinds() -> impl Iterator<Item = Kind> {
    crate::naming::v2::COMPONENTS.iter().map(|c| c.group_kind)
}

/// A v2 `Cluster` and every group kind: what a v2 cluster row is built from.
pub fn v2_kinds() -> impl Iterator<Item = Kind> {
    std::iter::once(Kind::Cluster).chain(group_kinds())
}

/// The groups that make up a v2 cluster: same namespace, `spec.cluster.name` = the cluster's name.
pub fn groups_of<'a>(snapshot: &'a Snapshot, cluster: &V2Cluster) -> Vec<&'a ComponentGroup> {
    let ns = cluster.metadata.namespace();
    let name = cluster.metadata.name.as_str();
    let mut groups = snapshot.group_index.lookup(&snapshot.groups, ns, name);
    groups.sort_by_key(|g| {
        (
            crate::naming::v2::COMPONENTS
                .iter()
                .position(|c| c.group_kind == g.kind)
                .unwrap_or(usize::MAX),
            g.metadata.name.clone(),
        )
    });
    groups
}

fn group_key(group: &ComponentGroup) -> (&str, &str) {
    (group.metadata.namespace(), group.cluster_name())
}

/// The groups of each `(namespace, cluster)`, built on first use: scanning every group for every cluster was
/// quadratic on a 1000-cluster estate. `Snapshot`'s own changes drop it; one built before a direct change of
/// `groups` (another length, or a hit that no longer belongs to the cluster) is rebuilt, never trusted.
#[derive(Debug, Default)]
pub struct GroupIndex(std::sync::Mutex<Option<BuiltIndex>>);

/// The length of `groups` when built, and the positions of each `(namespace, cluster)`'s groups.
type BuiltIndex = (usize, HashMap<(String, String), Vec<usize>>);

impl GroupIndex {
    pub fn forget(&mut self) {
        if let Ok(index) = self.0.get_mut() {
            *index = None;
        }
    }

    fn lookup<'a>(
        &self,
        groups: &'a [ComponentGroup],
        ns: &str,
        cluster: &str,
    ) -> Vec<&'a ComponentGroup> {
        let Ok(mut index) = self.0.lock() else {
            return groups
                .iter()
                .filter(|g| group_key(g) == (ns, cluster))
                .collect();
        };
        let hits = |built: &BuiltIndex| -> Option<Vec<&'a ComponentGroup>> {
            if built.0 != groups.len() {
                return None;
            }
            let key = (ns.to_string(), cluster.to_string());
            built
                .1
                .get(&key)
                .map(|found| {
                    found
                        .iter()
                        .map(|&i| groups.get(i).filter(|g| group_key(g) == (ns, cluster)))
                        .collect()
                })
                .unwrap_or(Some(Vec::new()))
        };
        if let Some(found) = index.as_ref().and_then(hits) {
            return found;
        }
        let mut built: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, group) in groups.iter().enumerate() {
            let (group_ns, group_cluster) = group_key(group);
            built
                .entry((group_ns.to_string(), group_cluster.to_string()))
                .or_default()
                .push(i);
        }
        let built = (groups.len(), built);
        let found = hits(&built).unwrap_or_default();
        *index = Some(built);
        found
    }
}

/// The discovery view of every group of `cluster`, with the pods' subdomain as the Cluster's gates make it.
pub fn cluster_pods(snapshot: &Snapshot, cluster: &V2Cluster) -> Vec<GroupPods> {
    let gate = cluster.feature_gate(crate::naming::v2::CLUSTER_SUBDOMAIN);
    groups_of(snapshot, cluster)
        .into_iter()
        .filter_map(discovery::group_pods)
        .map(|mut pods| {
            if gate {
                pods.subdomain = crate::naming::v2::cluster_subdomain(&cluster.metadata.name);
            }
            pods
        })
        .collect()
}

/// `<pod>.<subdomain>.<ns>` written as the resolver and the certificates accept it: bare, `.svc`, or fully
/// qualified under any cluster domain (the v2 docs issue `*.<group>-<comp>-peer.<ns>.svc` certificates; v1
/// components advertise `<pod>.<service>.<ns>.svc`).
fn same_host(host: &str, base: &str) -> bool {
    // A trailing dot makes the name absolute: only the fully qualified form resolves then.
    let (host, absolute) = match host.strip_suffix('.') {
        Some(h) => (h, true),
        None => (host, false),
    };
    match host.strip_prefix(base) {
        Some("") | Some(".svc") => !absolute,
        Some(rest) => rest.starts_with(".svc.") && rest.len() > ".svc.".len(),
        None => false,
    }
}

/// What one scrape object does to one group.
#[derive(Debug, Clone)]
pub struct GroupScrape {
    pub group: String,
    pub group_kind: Kind,
    pub component: &'static str,
    pub targets: Vec<Target>,
    /// Metrics ports (name) reached at the right host.
    pub scraped_ports: Vec<&'static str>,
    /// Metrics ports no target reaches.
    pub missed_ports: Vec<&'static str>,
    /// Addresses of targets whose host is neither the pod's DNS name nor its IP (e.g. built from a label that
    /// does not name the group): they scrape nothing.
    pub wrong_hosts: Vec<String>,
    /// Targets on the pod IP: they work without TLS, but the certificates carry DNS names only.
    pub ip_targets: usize,
    /// More targets than distinct addresses: the same series scraped twice.
    pub duplicates: usize,
    pub http_targets: usize,
    /// The scrape object's rules could not be evaluated here.
    pub error: Option<String>,
}

impl GroupScrape {
    pub fn selects(&self) -> bool {
        !self.targets.is_empty() || self.error.is_some()
    }
}

/// One scrape object that selects at least one group of the cluster.
#[derive(Debug, Clone)]
pub struct ClusterScrape<'a> {
    pub scraper: &'a ScrapeObject,
    pub groups: Vec<GroupScrape>,
}

impl ClusterScrape<'_> {
    /// It selects the cluster and at least one of its targets is a metrics port at a host that exists: what
    /// "monitored" means for `--unmonitored` and TM031 (selecting pods and scraping nothing does not count).
    pub fn reaches_metrics(&self) -> bool {
        self.groups.iter().any(|g| !g.scraped_ports.is_empty())
    }
}

fn evaluate(scraper: &ScrapeObject, pods: &GroupPods) -> GroupScrape {
    let (targets, error) = match discovery::scrape_targets(scraper, pods) {
        Ok(t) => (t, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let host = pods.scrape_host();
    let mut scraped = Vec::new();
    let mut wrong_hosts = Vec::new();
    let mut ip_targets = 0;
    let mut addresses: Vec<&str> = Vec::new();
    for t in &targets {
        let (h, port) = t.host_port();
        addresses.push(&t.address);
        if h == POD_IP {
            ip_targets += 1;
        } else if !same_host(h, &host) {
            wrong_hosts.push(t.address.clone());
            continue;
        }
        if let Some((name, _)) = pods.metrics_ports.iter().find(|(_, n)| Some(*n) == port) {
            scraped.push(*name);
        }
    }
    let total = addresses.len();
    addresses.sort();
    addresses.dedup();
    scraped.sort();
    scraped.dedup();
    let missed = pods
        .metrics_ports
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !scraped.contains(n))
        .collect();
    GroupScrape {
        group: pods.group.clone(),
        group_kind: pods.group_kind,
        component: pods.component.name,
        http_targets: targets.iter().filter(|t| t.scheme != "https").count(),
        duplicates: total - addresses.len(),
        targets,
        scraped_ports: scraped,
        missed_ports: missed,
        wrong_hosts,
        ip_targets,
        error,
    }
}

/// Per cluster `(kind, namespace, name)`: `(scraper index, identity, groups)` of every scrape object that
/// selects it.
type CachedScrapes = Vec<(usize, (Kind, String, String), Vec<GroupScrape>)>;

/// Memo of [`cluster_scrapes`]. An entry whose scraper no longer sits at its index (the snapshot was changed
/// after the question was asked) is recomputed, never trusted.
#[derive(Debug, Default)]
pub struct ScrapeCache(std::sync::Mutex<BTreeMap<(Kind, String, String), CachedScrapes>>);

impl ScrapeCache {
    /// Drops every answer (the snapshot lost objects an answer may rest on).
    pub fn forget(&mut self) {
        if let Ok(cache) = self.0.get_mut() {
            cache.clear();
        }
    }
}

fn identity(s: &ScrapeObject) -> (Kind, String, String) {
    (
        s.kind,
        s.metadata.namespace().to_string(),
        s.metadata.name.clone(),
    )
}

/// Every scrape object that selects some group of `cluster`, with what it does to each group it selects.
/// Objects under a wrong apiVersion (refused by the API server) scrape nothing and are left out.
pub fn cluster_scrapes<'a>(snapshot: &'a Snapshot, cluster: &V2Cluster) -> Vec<ClusterScrape<'a>> {
    memoised(
        snapshot,
        (
            Kind::Cluster,
            cluster.metadata.namespace().to_string(),
            cluster.metadata.name.clone(),
        ),
        || cluster_pods(snapshot, cluster),
    )
}

/// [`cluster_scrapes`] for a v1 TidbCluster: every scrape object that selects a pod or Service of one of its
/// components, with what it does to each (`group` is the component's StatefulSet, `group_kind` TidbCluster).
pub fn tidb_cluster_scrapes<'a>(
    snapshot: &'a Snapshot,
    tc: &TidbCluster,
) -> Vec<ClusterScrape<'a>> {
    memoised(
        snapshot,
        (
            Kind::TidbCluster,
            tc.metadata.namespace().to_string(),
            tc.metadata.name.clone(),
        ),
        || discovery::tidb_cluster_pods(tc),
    )
}

/// [`tidb_cluster_scrapes`] for a DMCluster.
pub fn dm_cluster_scrapes<'a>(snapshot: &'a Snapshot, dc: &DmCluster) -> Vec<ClusterScrape<'a>> {
    memoised(
        snapshot,
        (
            Kind::DmCluster,
            dc.metadata.namespace().to_string(),
            dc.metadata.name.clone(),
        ),
        || discovery::dm_cluster_pods(dc),
    )
}

fn memoised<'a>(
    snapshot: &'a Snapshot,
    key: (Kind, String, String),
    pods: impl FnOnce() -> Vec<GroupPods>,
) -> Vec<ClusterScrape<'a>> {
    let from_cache = |cached: &CachedScrapes| -> Option<Vec<ClusterScrape<'a>>> {
        cached
            .iter()
            .map(|(index, id, groups)| {
                let scraper = snapshot.scrapers.get(*index)?;
                (identity(scraper) == *id).then(|| ClusterScrape {
                    scraper,
                    groups: groups.clone(),
                })
            })
            .collect()
    };
    if let Ok(cache) = snapshot.scrape_cache.0.lock()
        && let Some(found) = cache.get(&key).and_then(from_cache)
    {
        return found;
    }
    // Most clusters of a large estate sit in namespaces no scrape object watches: skip building their pods.
    let computed = if candidates(snapshot, &key.1).next().is_none() {
        Vec::new()
    } else {
        compute_scrapes(snapshot, &key.1, &pods())
    };
    if let Ok(mut cache) = snapshot.scrape_cache.0.lock() {
        let entry = computed
            .iter()
            .filter_map(|c| {
                let index = snapshot
                    .scrapers
                    .iter()
                    .position(|s| std::ptr::eq(s, c.scraper))?;
                Some((index, identity(c.scraper), c.groups.clone()))
            })
            .collect();
        cache.insert(key, entry);
    }
    computed
}

/// The scrape objects that could select a pod in `ns`: their namespace selector covers it, and the API server
/// accepted them (an object under a wrong apiVersion scrapes nothing).
fn candidates<'a, 'n>(
    snapshot: &'a Snapshot,
    ns: &'n str,
) -> impl Iterator<Item = &'a ScrapeObject> + use<'a, 'n> {
    snapshot
        .scrapers
        .iter()
        .filter(move |s| s.wrong_api_version.is_none() && s.watches_namespace(ns))
}

fn compute_scrapes<'a>(
    snapshot: &'a Snapshot,
    ns: &str,
    pods: &[GroupPods],
) -> Vec<ClusterScrape<'a>> {
    let mut out = Vec::new();
    for scraper in candidates(snapshot, ns) {
        let groups: Vec<GroupScrape> = pods
            .iter()
            .map(|p| evaluate(scraper, p))
            .filter(GroupScrape::selects)
            .collect();
        if !groups.is_empty() {
            out.push(ClusterScrape { scraper, groups });
        }
    }
    out.sort_by_key(|c| {
        (
            c.scraper.kind,
            c.scraper.metadata.namespace().to_string(),
            c.scraper.metadata.name.clone(),
        )
    });
    out
}

/// Whether a Prometheus (prometheus-operator) loads a PodMonitor/ServiceMonitor.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// `namespace/name` of each Prometheus that selects it.
    By(Vec<String>),
    /// Every Prometheus was read and none selects it.
    Nobody,
    /// Prometheus objects (or the Namespaces their selectors need) could not be read.
    Unknown,
    /// VictoriaMetrics objects: VMAgent selection is not evaluated.
    NotApplicable,
}

/// prometheus-operator: a nil `podMonitorSelector` selects no PodMonitor, `{}` selects all; a nil namespace
/// selector means the Prometheus' own namespace, `{}` every namespace (prometheus_types.go, v0.93).
pub fn loaded_by(snapshot: &Snapshot, scraper: &ScrapeObject) -> Loaded {
    if scraper.is_victoria_metrics() {
        return Loaded::NotApplicable;
    }
    let ns = scraper.metadata.namespace();
    // Every Prometheus is known when they were listed in all namespaces; offline, the files' Prometheus objects
    // are taken as the ones that matter (without any, nothing can be said).
    // Live, both kinds must have been listed everywhere (a CRD that is not installed holds none).
    let listed_everywhere = |kind: Kind| match snapshot.gaps.get(&kind) {
        Some(crate::snapshot::Gap::NotInstalled) => true,
        Some(_) => false,
        None => snapshot.scopes.get(&kind) == Some(&crate::snapshot::Scope::AllNamespaces),
    };
    let read_live = [Kind::Prometheus, Kind::PrometheusAgent]
        .iter()
        .any(|k| snapshot.scopes.contains_key(k) || snapshot.gaps.contains_key(k));
    let all_known = if read_live {
        listed_everywhere(Kind::Prometheus) && listed_everywhere(Kind::PrometheusAgent)
    } else {
        !snapshot.prometheuses.is_empty()
    };
    let mut by = Vec::new();
    let mut unknown = false;
    for p in &snapshot.prometheuses {
        let (selector, ns_selector) = if scraper.selects_pods() {
            (
                &p.spec.pod_monitor_selector,
                &p.spec.pod_monitor_namespace_selector,
            )
        } else {
            (
                &p.spec.service_monitor_selector,
                &p.spec.service_monitor_namespace_selector,
            )
        };
        let Some(selector) = selector else { continue };
        if !selector.matches(&scraper.metadata.labels) {
            continue;
        }
        let namespace_ok = match ns_selector {
            None => p.metadata.namespace() == ns,
            Some(s) => namespace_selected(snapshot, s, ns).unwrap_or_else(|| {
                unknown = true;
                false
            }),
        };
        if namespace_ok {
            by.push(format!("{}/{}", p.metadata.namespace(), p.metadata.name));
        }
    }
    by.sort();
    if !by.is_empty() {
        Loaded::By(by)
    } else if unknown || !all_known || converted_by_victoria_metrics(snapshot, scraper) {
        Loaded::Unknown
    } else {
        Loaded::Nobody
    }
}

/// Whether a namespace selector (of a Prometheus or VMAgent) selects namespace `ns`; `None` when the namespace's
/// labels are needed and were not read. `{}` selects every namespace.
pub fn namespace_selected(snapshot: &Snapshot, selector: &LabelSelector, ns: &str) -> Option<bool> {
    // Kubernetes (1.22+) labels every namespace with its name.
    const NAME: &str = "kubernetes.io/metadata.name";
    if *selector == LabelSelector::default() {
        return Some(true);
    }
    if let Some(namespace) = snapshot.namespaces.iter().find(|n| n.metadata.name == ns) {
        let mut labels = namespace.metadata.labels.clone();
        labels.insert(NAME.to_string(), ns.to_string());
        return Some(selector.matches(&labels));
    }
    // A selector on the name label alone (`migrate` writes `In [namespaces]`) needs no Namespace object.
    let only_name = selector.match_labels.keys().all(|k| k == NAME)
        && selector.match_expressions.iter().all(|e| e.key == NAME);
    only_name.then(|| selector.matches(&BTreeMap::from([(NAME.to_string(), ns.to_string())])))
}

/// Whether a VMAgent (its raw manifest) selects a VMPodScrape or VMServiceScrape, as VM operator v0.74.1 selects
/// (`api/operator/v1beta1/common_scrapeparams.go:518-531`, `internal/controller/operator/factory/k8stools/
/// selectors.go:30-50`): both selectors nil — every such object when `selectAllByDefault`, none otherwise; the
/// object selector nil — any labels in the namespaces the namespace selector picks; the namespace selector nil —
/// the VMAgent's own namespace. An `ingestOnlyMode` VMAgent scrapes nothing. `None`: a namespace's labels are
/// needed and were not read.
pub fn selected_by_vmagent(
    snapshot: &Snapshot,
    vmagent: &serde_json::Value,
    scraper: &ScrapeObject,
) -> Option<bool> {
    let (selector, namespace_selector) = match scraper.kind {
        Kind::VmPodScrape => ("podScrapeSelector", "podScrapeNamespaceSelector"),
        Kind::VmServiceScrape => ("serviceScrapeSelector", "serviceScrapeNamespaceSelector"),
        _ => return Some(false),
    };
    let flag =
        |field: &str| vmagent.pointer(&format!("/spec/{field}")) == Some(&serde_json::json!(true));
    if flag("ingestOnlyMode") {
        return Some(false);
    }
    let read = |field: &str| -> Option<LabelSelector> {
        vmagent
            .pointer(&format!("/spec/{field}"))
            .filter(|v| !v.is_null())
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    };
    let (selector, namespace_selector) = (read(selector), read(namespace_selector));
    let ns = scraper.metadata.namespace();
    match (selector, namespace_selector) {
        (None, None) => Some(flag("selectAllByDefault")),
        (selector, namespace_selector) => {
            if selector.is_some_and(|s| !s.matches(&scraper.metadata.labels)) {
                return Some(false);
            }
            match namespace_selector {
                None => Some(
                    vmagent
                        .pointer("/metadata/namespace")
                        .and_then(|v| v.as_str())
                        == Some(ns),
                ),
                Some(s) => namespace_selected(snapshot, &s, ns),
            }
        }
    }
}

/// The VictoriaMetrics operator converts PodMonitors/ServiceMonitors into VMPodScrapes/VMServiceScrapes of the
/// same name by default (victoria-metrics-k8s-stack installs prometheus-operator's CRDs for that): when that
/// twin exists, "no Prometheus selects it" does not mean nothing scrapes it.
fn converted_by_victoria_metrics(snapshot: &Snapshot, scraper: &ScrapeObject) -> bool {
    let twin = if scraper.selects_pods() {
        Kind::VmPodScrape
    } else {
        Kind::VmServiceScrape
    };
    snapshot.scrapers.iter().any(|s| {
        s.kind == twin
            && s.metadata.name == scraper.metadata.name
            && s.metadata.namespace() == scraper.metadata.namespace()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(snapshot: &mut Snapshot, kind: Kind, object: serde_json::Value) {
        snapshot
            .add(kind, object, None)
            .expect("test object decodes");
    }

    fn group(name: &str, cluster: &str) -> serde_json::Value {
        serde_json::json!({
            "apiVersion": "core.pingcap.com/v1alpha1", "kind": "PDGroup",
            "metadata": {"name": name, "namespace": "db"},
            "spec": {"cluster": {"name": cluster}, "template": {"spec": {"version": "v8.5.2"}}}
        })
    }

    #[test]
    fn the_group_index_follows_a_snapshot_changed_after_a_lookup() {
        let mut snapshot = Snapshot::default();
        add(
            &mut snapshot,
            Kind::Cluster,
            serde_json::json!({
                "apiVersion": "core.pingcap.com/v1alpha1", "kind": "Cluster",
                "metadata": {"name": "basic", "namespace": "db"}, "spec": {}
            }),
        );
        add(&mut snapshot, Kind::PdGroup, group("pd-a", "basic"));
        add(&mut snapshot, Kind::PdGroup, group("pd-x", "other"));
        let cluster = snapshot.v2_clusters[0].clone();
        let names = |s: &Snapshot| -> Vec<String> {
            groups_of(s, &cluster)
                .iter()
                .map(|g| g.metadata.name.clone())
                .collect()
        };
        assert_eq!(names(&snapshot), ["pd-a"]);
        add(&mut snapshot, Kind::PdGroup, group("pd-b", "basic"));
        assert_eq!(names(&snapshot), ["pd-a", "pd-b"]);
        // Changed behind the snapshot's back, same length, different members: the stale hit is noticed.
        snapshot.groups.remove(0);
        add(&mut snapshot, Kind::PdGroup, group("pd-c", "other"));
        assert_eq!(names(&snapshot), ["pd-b"]);
    }

    fn pod_monitor(snapshot: &mut Snapshot) {
        add(
            snapshot,
            Kind::PodMonitor,
            serde_json::json!({
                "apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
                "metadata": {"name": "tidb", "namespace": "db", "labels": {"release": "agent"}},
                "spec": {"selector": {}, "podMetricsEndpoints": [{"port": "metrics"}]}
            }),
        );
    }

    #[test]
    fn a_prometheus_agent_loads_monitor_objects_as_a_prometheus_does() {
        let mut snapshot = Snapshot::default();
        pod_monitor(&mut snapshot);
        add(
            &mut snapshot,
            Kind::PrometheusAgent,
            serde_json::json!({
                "apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "PrometheusAgent",
                "metadata": {"name": "edge", "namespace": "monitoring"},
                "spec": {"podMonitorSelector": {"matchLabels": {"release": "agent"}}, "podMonitorNamespaceSelector": {}}
            }),
        );
        for kind in [Kind::Prometheus, Kind::PrometheusAgent] {
            snapshot
                .scopes
                .insert(kind, crate::snapshot::Scope::AllNamespaces);
        }
        assert_eq!(
            loaded_by(&snapshot, &snapshot.scrapers[0]),
            Loaded::By(vec!["monitoring/edge".into()])
        );
    }

    #[test]
    fn nobody_loads_only_when_agents_were_read_too() {
        let mut snapshot = Snapshot::default();
        pod_monitor(&mut snapshot);
        add(
            &mut snapshot,
            Kind::Prometheus,
            serde_json::json!({
                "apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
                "metadata": {"name": "k8s", "namespace": "monitoring"},
                "spec": {"podMonitorSelector": {"matchLabels": {"release": "other"}}}
            }),
        );
        snapshot
            .scopes
            .insert(Kind::Prometheus, crate::snapshot::Scope::AllNamespaces);
        // Agents forbidden: an agent might load it.
        snapshot.gaps.insert(
            Kind::PrometheusAgent,
            crate::snapshot::Gap::Forbidden("no".into()),
        );
        assert_eq!(loaded_by(&snapshot, &snapshot.scrapers[0]), Loaded::Unknown);
        // The PrometheusAgent CRD is not installed: there is none, and nobody loads it.
        snapshot
            .gaps
            .insert(Kind::PrometheusAgent, crate::snapshot::Gap::NotInstalled);
        assert_eq!(loaded_by(&snapshot, &snapshot.scrapers[0]), Loaded::Nobody);
    }
}
