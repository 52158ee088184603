//! The Snapshot: every object a command asked for, plus what could not be read.
//!
//! Sources (live API or files) fill it; the core only reads it. It knows nothing of where objects came from,
//! except the scope they were read in, which decides whether a missing object is really missing.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::*;

/// One row per resource kind: the shape of kube's `ApiResource` (group, version, kind, plural, namespaced) plus
/// the Snapshot field its objects land in. Every property of a kind is read from this table, so adding a kind
/// is one line and no `match` elsewhere can forget it. Kinds under `write_only` are never read; scaffolds emit
/// them and `--apply` needs their REST paths.
macro_rules! catalogue {
    (
        read { $( $variant:ident : $ty:ty => $field:ident, $group:literal, $version:literal, $kind:literal, $plural:literal, $namespaced:literal; )* }
        write_only { $( $wvariant:ident => $wgroup:literal, $wversion:literal, $wkind:literal, $wplural:literal, $wnamespaced:literal; )* }
    ) => {
        /// A resource kind the plugin reads or writes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $( $variant, )* $( $wvariant, )* }

        impl Kind {
            /// Every kind the plugin can read into a Snapshot.
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant, )* ];
            /// Every kind of the catalogue, read or written.
            pub const CATALOGUE: &'static [Kind] = &[ $( Kind::$variant, )* $( Kind::$wvariant, )* ];

            pub fn row(self) -> &'static KindRow {
                match self {
                    $( Kind::$variant => &KindRow { group: $group, version: $version, kind: $kind, plural: $plural, namespaced: $namespaced }, )*
                    $( Kind::$wvariant => &KindRow { group: $wgroup, version: $wversion, kind: $wkind, plural: $wplural, namespaced: $wnamespaced }, )*
                }
            }
        }

        impl Snapshot {
            /// Decodes one object of `kind` and adds it. `default_namespace` fills an empty namespace, as kubectl
            /// does for manifests without one.
            pub fn add<'de, D>(&mut self, kind: Kind, de: D, default_namespace: Option<&str>) -> Result<(), AddError>
            where
                D: serde::Deserializer<'de>,
                D::Error: std::fmt::Display,
            {
                self.group_index.forget();
                self.lookup_index.forget();
                match kind {
                    $( Kind::$variant => {
                        let object: $ty = decode(kind, de, default_namespace)?;
                        self.$field.push(object);
                    } )*
                    $( Kind::$wvariant => return Err(AddError::NotRead(kind)), )*
                }
                Ok(())
            }

            /// Drops objects of `kind` that the label selector does not match (offline mode applies `-l` itself).
            pub fn retain_matching(&mut self, kind: Kind, selector: &crate::selector::Selector) {
                self.group_index.forget();
                self.lookup_index.forget();
                $( self.$field.retain(|o| o.kind() != kind || selector.matches(&o.meta().labels)); )*
            }

            /// Forgets every object of `kind` and that it was ever read or refused: as if no command had asked for it.
            pub fn forget(&mut self, kind: Kind) {
                self.group_index.forget();
                self.lookup_index.forget();
                self.scrape_cache.forget();
                $( self.$field.retain(|o| o.kind() != kind); )*
                self.scopes.remove(&kind);
                self.gaps.remove(&kind);
                self.raw.retain(|(k, _, _), _| *k != kind);
                self.origins.retain(|(k, _, _), _| *k != kind);
            }

            /// Moves every object of `other` into `self` (live lists decode kind by kind, in parallel).
            pub fn merge(&mut self, mut other: Snapshot) {
                self.group_index.forget();
                self.lookup_index.forget();
                $( self.$field.append(&mut other.$field); )*
                self.scopes.extend(other.scopes);
                self.gaps.extend(other.gaps);
                self.problems.extend(other.problems);
                self.raw.extend(other.raw);
                self.origins.extend(other.origins);
            }

            /// Keeps only the last object of each kind/namespace/name; returns a description of each one dropped.
            pub fn keep_last_definitions(&mut self) -> Vec<String> {
                self.group_index.forget();
                self.lookup_index.forget();
                let mut dropped = Vec::new();
                $( dedupe(&mut self.$field, &mut dropped); )*
                dropped.sort();
                dropped.dedup();
                dropped
            }
        }
    };
}

catalogue! {
    read {
        TidbMonitor: TidbMonitor => monitors, "pingcap.com", "v1alpha1", "TidbMonitor", "tidbmonitors", true;
        TidbCluster: TidbCluster => clusters, "pingcap.com", "v1alpha1", "TidbCluster", "tidbclusters", true;
        DmCluster: DmCluster => dm_clusters, "pingcap.com", "v1alpha1", "DMCluster", "dmclusters", true;
        Cluster: V2Cluster => v2_clusters, "core.pingcap.com", "v1alpha1", "Cluster", "clusters", true;
        PdGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "PDGroup", "pdgroups", true;
        TikvGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TiKVGroup", "tikvgroups", true;
        TidbGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TiDBGroup", "tidbgroups", true;
        TiflashGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TiFlashGroup", "tiflashgroups", true;
        TicdcGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TiCDCGroup", "ticdcgroups", true;
        TiproxyGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TiProxyGroup", "tiproxygroups", true;
        TsoGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "TSOGroup", "tsogroups", true;
        SchedulingGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "SchedulingGroup", "schedulinggroups", true;
        SchedulerGroup: ComponentGroup => groups, "core.pingcap.com", "v1alpha1", "SchedulerGroup", "schedulergroups", true;
        StatefulSet: StatefulSet => statefulsets, "apps", "v1", "StatefulSet", "statefulsets", true;
        Deployment: Deployment => deployments, "apps", "v1", "Deployment", "deployments", true;
        PersistentVolumeClaim: PersistentVolumeClaim => pvcs, "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true;
        PersistentVolume: PersistentVolume => pvs, "", "v1", "PersistentVolume", "persistentvolumes", false;
        Service: Service => services, "", "v1", "Service", "services", true;
        Secret: Secret => secrets, "", "v1", "Secret", "secrets", true;
        ConfigMap: ConfigMap => config_maps, "", "v1", "ConfigMap", "configmaps", true;
        Namespace: Namespace => namespaces, "", "v1", "Namespace", "namespaces", false;
        Pod: Pod => pods, "", "v1", "Pod", "pods", true;
        Event: Event => events, "", "v1", "Event", "events", true;
        Ingress: Ingress => ingresses, "networking.k8s.io", "v1", "Ingress", "ingresses", true;
        VmAgent: VmStack => vm_stacks, "operator.victoriametrics.com", "v1beta1", "VMAgent", "vmagents", true;
        VmSingle: VmStack => vm_stacks, "operator.victoriametrics.com", "v1beta1", "VMSingle", "vmsingles", true;
        Prometheus: Prometheus => prometheuses, "monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true;
        PrometheusAgent: Prometheus => prometheuses, "monitoring.coreos.com", "v1alpha1", "PrometheusAgent", "prometheusagents", true;
        PodMonitor: ScrapeObject => scrapers, "monitoring.coreos.com", "v1", "PodMonitor", "podmonitors", true;
        ServiceMonitor: ScrapeObject => scrapers, "monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", true;
        VmPodScrape: ScrapeObject => scrapers, "operator.victoriametrics.com", "v1beta1", "VMPodScrape", "vmpodscrapes", true;
        VmServiceScrape: ScrapeObject => scrapers, "operator.victoriametrics.com", "v1beta1", "VMServiceScrape", "vmservicescrapes", true;
    }
    write_only {
        ServiceAccount => "", "v1", "ServiceAccount", "serviceaccounts", true;
        Role => "rbac.authorization.k8s.io", "v1", "Role", "roles", true;
        RoleBinding => "rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true;
        PrometheusRule => "monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules", true;
    }
}

/// What the API server calls a kind: the fields of kube's `ApiResource` the plugin uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRow {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

impl Kind {
    /// The `kind:` field as written in manifests.
    pub fn kind_name(self) -> &'static str {
        self.row().kind
    }

    /// The readable kind with this group and `kind:` field.
    pub fn from_kind_name(group: &str, kind: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.kind_name() == kind && k.group() == group)
    }

    /// Any kind of the catalogue (read or written) with this `apiVersion` and `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::CATALOGUE
            .iter()
            .copied()
            .find(|k| k.kind_name() == kind && k.api_version() == api_version)
    }

    pub fn group(self) -> &'static str {
        self.row().group
    }

    pub fn version(self) -> &'static str {
        self.row().version
    }

    /// `pingcap.com/v1alpha1`, `v1`.
    pub fn api_version(self) -> String {
        match self.group() {
            "" => self.version().to_string(),
            group => format!("{group}/{}", self.version()),
        }
    }

    pub fn plural(self) -> &'static str {
        self.row().plural
    }

    pub fn namespaced(self) -> bool {
        self.row().namespaced
    }

    /// `tidbmonitors.pingcap.com`, `statefulsets.apps`, `secrets`: how kubectl names a resource in messages.
    pub fn resource(self) -> String {
        match self.group() {
            "" => self.plural().to_string(),
            group => format!("{}.{}", self.plural(), group),
        }
    }

    /// The REST path of the collection (`namespace` ignored for cluster-scoped kinds), as kube's `Request` builds it.
    pub fn collection_path(self, namespace: Option<&str>) -> String {
        let base = match self.group() {
            "" => format!("/api/{}", self.version()),
            group => format!("/apis/{group}/{}", self.version()),
        };
        match namespace {
            Some(ns) if self.namespaced() => format!("{base}/namespaces/{ns}/{}", self.plural()),
            _ => format!("{base}/{}", self.plural()),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind_name())
    }
}

/// Why a kind is missing from the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum Gap {
    /// RBAC refused the list; the message is the API server's.
    Forbidden(String),
    /// The API server does not serve the resource (CRD not installed).
    NotInstalled,
    /// Any other failure to read the kind.
    Failed(String),
}

/// One object that could not be decoded and was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// `namespace/name` of the object or `file:line` of the document.
    pub location: String,
    pub message: String,
}

/// Which namespaces the snapshot covers. An object outside the scope was not looked for, so its absence says
/// nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Scope {
    #[default]
    AllNamespaces,
    Namespace(String),
}

impl Scope {
    pub fn covers(&self, namespace: &str) -> bool {
        match self {
            Scope::AllNamespaces => true,
            Scope::Namespace(ns) => ns == namespace,
        }
    }
}

#[derive(Debug, Default)]
pub struct Snapshot {
    pub monitors: Vec<TidbMonitor>,
    pub clusters: Vec<TidbCluster>,
    pub dm_clusters: Vec<DmCluster>,
    pub statefulsets: Vec<StatefulSet>,
    pub deployments: Vec<Deployment>,
    pub pvcs: Vec<PersistentVolumeClaim>,
    pub pvs: Vec<PersistentVolume>,
    pub services: Vec<Service>,
    pub secrets: Vec<Secret>,
    /// ConfigMaps by name only (TidbMonitor's `configMapRef`/`ruleConfigRef`): their data is never read.
    pub config_maps: Vec<ConfigMap>,
    /// prometheus-operator's Prometheus and PrometheusAgent objects.
    pub prometheuses: Vec<Prometheus>,
    /// tidb-operator v2 `Cluster`s.
    pub v2_clusters: Vec<V2Cluster>,
    /// tidb-operator v2 component groups of every kind (`PDGroup`, `TiKVGroup`, …).
    pub groups: Vec<ComponentGroup>,
    /// PodMonitors, ServiceMonitors, VMPodScrapes and VMServiceScrapes.
    pub scrapers: Vec<ScrapeObject>,
    /// Namespaces, for the labels namespace selectors match.
    pub namespaces: Vec<Namespace>,
    /// A monitor's own Pods (`status`, narrowed by its labels; never every Pod).
    pub pods: Vec<Pod>,
    /// Events about a monitor and its workloads (`status`, narrowed by field selector).
    pub events: Vec<Event>,
    /// A monitor's Ingresses (`status`, by its labels).
    pub ingresses: Vec<Ingress>,
    /// VictoriaMetrics' VMAgents and VMSingles (`migrate --verify`; their specs are read from `raw`).
    pub vm_stacks: Vec<VmStack>,
    /// The namespace scope each kind was read in. A kind absent here was not read at all.
    pub scopes: BTreeMap<Kind, Scope>,
    pub gaps: BTreeMap<Kind, Gap>,
    pub problems: Vec<Problem>,
    /// Where each object read from a file is defined, `(kind, namespace, name)` → `(file, line)`: findings
    /// point at it (`check -o sarif`).
    pub origins: BTreeMap<(Kind, String, String), (String, usize)>,
    /// Whole objects, for the kinds a command re-emits (scaffold): `(kind, namespace, name)` → JSON.
    pub raw: BTreeMap<(Kind, String, String), serde_json::Value>,
    /// What each v2 cluster's scrape objects do, computed once per cluster by `core::scraping` (several rules and
    /// views ask the same question; evaluating relabelings is the expensive part).
    pub scrape_cache: crate::core::scraping::ScrapeCache,
    /// The v2 groups of each cluster, for `core::scraping::groups_of`.
    pub group_index: crate::core::scraping::GroupIndex,
    /// Where each object of a looked-up kind sits, by namespace and name: rules look clusters, Secrets and claims
    /// up once per reference, which scanned every object of the kind (1,000 monitors × 2,000 clusters).
    pub lookup_index: LookupIndex,
}

/// The positions of the objects of each kind by `(namespace, name)` (namespace empty for cluster-scoped kinds),
/// built on first lookup. `Snapshot`'s own changes drop it; one built before a direct change of a field (another
/// length, or a hit that no longer is the object asked for) is rebuilt, never trusted.
#[derive(Debug, Default)]
pub struct LookupIndex(std::sync::Mutex<BTreeMap<Kind, BuiltLookup>>);

/// The length of the kind's field when built, and the positions of its objects.
type BuiltLookup = (usize, std::collections::HashMap<(String, String), usize>);

impl LookupIndex {
    pub fn forget(&mut self) {
        if let Ok(index) = self.0.get_mut() {
            index.clear();
        }
    }

    /// The position in `items` of the object of `kind` at `namespace`/`name`.
    fn position<T: Object>(
        &self,
        kind: Kind,
        items: &[T],
        namespace: &str,
        name: &str,
    ) -> Option<usize> {
        let key_of = |item: &T| {
            let m = item.meta();
            let ns = if kind.namespaced() { m.namespace() } else { "" };
            (ns.to_string(), m.name.clone())
        };
        let ns = if kind.namespaced() { namespace } else { "" };
        let matches = |item: &T| {
            let m = item.meta();
            item.kind() == kind && m.name == name && (!kind.namespaced() || m.namespace() == ns)
        };
        let Ok(mut index) = self.0.lock() else {
            return items.iter().position(matches);
        };
        let lookup = |built: &BuiltLookup| -> Option<Option<usize>> {
            if built.0 != items.len() {
                return None;
            }
            match built.1.get(&(ns.to_string(), name.to_string())) {
                Some(&i) => items.get(i).filter(|item| matches(item)).map(|_| Some(i)),
                None => Some(None),
            }
        };
        if let Some(found) = index.get(&kind).and_then(lookup) {
            return found;
        }
        let mut built = std::collections::HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if item.kind() == kind {
                // The first definition wins, as a scan would find it.
                built.entry(key_of(item)).or_insert(i);
            }
        }
        let built = (items.len(), built);
        let found = lookup(&built).flatten();
        index.insert(kind, built);
        found
    }
}

/// Whether the snapshot can answer "does object K ns/name exist?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<T> {
    Found(T),
    Missing,
    /// Not read, forbidden, or outside the scope that was read.
    Unknown,
}

impl<T> Lookup<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Lookup<U> {
        match self {
            Lookup::Found(t) => Lookup::Found(f(t)),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    }

    pub fn found(self) -> Option<T> {
        match self {
            Lookup::Found(t) => Some(t),
            _ => None,
        }
    }
}

impl Snapshot {
    /// Was kind `kind` read completely for `namespace`?
    pub fn knows(&self, kind: Kind, namespace: &str) -> bool {
        if self.gaps.contains_key(&kind) {
            return false;
        }
        match self.scopes.get(&kind) {
            Some(scope) => !kind.namespaced() || scope.covers(namespace),
            None => false,
        }
    }

    fn lookup<'a, T: Object>(
        &self,
        kind: Kind,
        items: &'a [T],
        namespace: &str,
        name: &str,
    ) -> Lookup<&'a T> {
        let found = self
            .lookup_index
            .position(kind, items, namespace, name)
            .and_then(|i| items.get(i));
        match found {
            Some(item) => Lookup::Found(item),
            None if self.knows(kind, namespace) => Lookup::Missing,
            None => Lookup::Unknown,
        }
    }

    pub fn cluster(&self, namespace: &str, name: &str) -> Lookup<&TidbCluster> {
        self.lookup(Kind::TidbCluster, &self.clusters, namespace, name)
    }

    pub fn dm_cluster(&self, namespace: &str, name: &str) -> Lookup<&DmCluster> {
        self.lookup(Kind::DmCluster, &self.dm_clusters, namespace, name)
    }

    pub fn statefulset(&self, namespace: &str, name: &str) -> Lookup<&StatefulSet> {
        self.lookup(Kind::StatefulSet, &self.statefulsets, namespace, name)
    }

    pub fn deployment(&self, namespace: &str, name: &str) -> Lookup<&Deployment> {
        self.lookup(Kind::Deployment, &self.deployments, namespace, name)
    }

    pub fn pvc(&self, namespace: &str, name: &str) -> Lookup<&PersistentVolumeClaim> {
        self.lookup(Kind::PersistentVolumeClaim, &self.pvcs, namespace, name)
    }

    pub fn pv(&self, name: &str) -> Lookup<&PersistentVolume> {
        self.lookup(Kind::PersistentVolume, &self.pvs, "", name)
    }

    pub fn secret(&self, namespace: &str, name: &str) -> Lookup<&Secret> {
        self.lookup(Kind::Secret, &self.secrets, namespace, name)
    }

    pub fn config_map(&self, namespace: &str, name: &str) -> Lookup<&ConfigMap> {
        self.lookup(Kind::ConfigMap, &self.config_maps, namespace, name)
    }
}

/// Why an object could not join the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0}")]
    Decode(String),
    #[error("it has no metadata.name (is metadata indented under the document?)")]
    NoName,
    #[error("{0} objects are written by the plugin, never read")]
    NotRead(Kind),
}

impl Snapshot {
    /// Keeps the whole object (as read) for commands that write it back out.
    pub fn keep_raw(
        &mut self,
        kind: Kind,
        mut object: serde_json::Value,
        default_namespace: Option<&str>,
    ) {
        let name = object
            .pointer("/metadata/name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let mut namespace = object
            .pointer("/metadata/namespace")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if namespace.is_empty() && kind.namespaced() {
            namespace = default_namespace.unwrap_or("").to_string();
            if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                meta.insert("namespace".into(), namespace.clone().into());
            }
        }
        self.raw.insert((kind, namespace, name), object);
    }
}

/// What every stored object offers the generic Snapshot code: its metadata and its kind.
pub trait Object: serde::de::DeserializeOwned {
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
    fn kind(&self) -> Kind;
    /// Types that hold several kinds (component groups, scrape objects) record which one they are.
    fn set_kind(&mut self, _kind: Kind) {}
}

macro_rules! object {
    ($ty:ty, $kind:expr) => {
        impl Object for $ty {
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
            fn kind(&self) -> Kind {
                $kind
            }
        }
    };
    ($ty:ty) => {
        impl Object for $ty {
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
            fn kind(&self) -> Kind {
                self.kind
            }
            fn set_kind(&mut self, kind: Kind) {
                self.kind = kind;
            }
        }
    };
}

object!(TidbMonitor, Kind::TidbMonitor);
object!(TidbCluster, Kind::TidbCluster);
object!(DmCluster, Kind::DmCluster);
object!(V2Cluster, Kind::Cluster);
object!(ComponentGroup);
object!(StatefulSet, Kind::StatefulSet);
object!(Deployment, Kind::Deployment);
object!(PersistentVolumeClaim, Kind::PersistentVolumeClaim);
object!(PersistentVolume, Kind::PersistentVolume);
object!(Service, Kind::Service);
object!(Secret, Kind::Secret);
object!(ConfigMap, Kind::ConfigMap);
object!(Namespace, Kind::Namespace);
object!(Pod, Kind::Pod);
object!(Event, Kind::Event);
object!(Ingress, Kind::Ingress);
object!(VmStack);
object!(Prometheus);
object!(ScrapeObject);

fn decode<'de, T: Object, D>(
    kind: Kind,
    de: D,
    default_namespace: Option<&str>,
) -> Result<T, AddError>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    let mut object = T::deserialize(de).map_err(|e| AddError::Decode(e.to_string()))?;
    object.set_kind(kind);
    let m = object.meta_mut();
    if m.name.is_empty() {
        return Err(AddError::NoName);
    }
    if kind.namespaced() && m.namespace.as_deref().unwrap_or("").is_empty() {
        m.namespace = default_namespace.map(str::to_string);
    }
    Ok(object)
}

/// Keeps the last of each kind/namespace/name in `items` (kubectl apply leaves the last definition).
fn dedupe<T: Object>(items: &mut Vec<T>, dropped: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    let mut keep = vec![false; items.len()];
    for (i, item) in items.iter().enumerate().rev() {
        let m = item.meta();
        if seen.insert((item.kind(), m.namespace().to_string(), m.name.clone())) {
            keep[i] = true;
        } else {
            dropped.push(format!(
                "{} {}/{}",
                item.kind().kind_name(),
                m.namespace(),
                m.name
            ));
        }
    }
    let mut flags = keep.into_iter();
    items.retain(|_| flags.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(yaml: &str) -> Snapshot {
        let mut snapshot = Snapshot::default();
        crate::source::files::load_text_into("t.yaml", yaml, "default", &[], &mut snapshot);
        snapshot
            .scopes
            .insert(Kind::TidbCluster, Scope::AllNamespaces);
        snapshot
    }

    const TWO: &str = "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: a, namespace: x}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: b, namespace: x}\n";

    /// The index answers as a scan would, also after the fields were changed directly (as tests and the
    /// commands' narrowing do): another length or a stale hit rebuilds it.
    #[test]
    fn lookups_stay_right_when_fields_change_under_the_index() {
        let mut s = snapshot(TWO);
        assert!(matches!(s.cluster("x", "b"), Lookup::Found(c) if c.metadata.name == "b"));
        assert!(matches!(s.cluster("y", "b"), Lookup::Missing));
        s.clusters.remove(0);
        assert!(matches!(s.cluster("x", "a"), Lookup::Missing));
        assert!(matches!(s.cluster("x", "b"), Lookup::Found(c) if c.metadata.name == "b"));
        s.clusters.clear();
        assert!(matches!(s.cluster("x", "b"), Lookup::Missing));
        let more = snapshot(TWO);
        s.merge(more);
        assert!(matches!(s.cluster("x", "a"), Lookup::Found(_)));
        // Same length, another object at the position the index remembers: rebuilt, not trusted.
        s.clusters.swap(0, 1);
        assert!(matches!(s.cluster("x", "a"), Lookup::Found(c) if c.metadata.name == "a"));
        s.forget(Kind::TidbCluster);
        assert!(matches!(s.cluster("x", "a"), Lookup::Unknown));
    }
}
