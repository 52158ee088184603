//! The Snapshot: every object a command asked for, plus what could not be read.
//!
//! Sources (live API or files) fill it; the core only reads it. It knows nothing of where objects came from,
//! except the scope they were read in, which decides whether a missing object is really missing.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::*;

/// The resource kinds the plugin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    TidbMonitor,
    TidbCluster,
    DmCluster,
    StatefulSet,
    Deployment,
    PersistentVolumeClaim,
    PersistentVolume,
    Service,
    Secret,
    /// prometheus-operator's Prometheus: which ServiceMonitor labels it selects.
    Prometheus,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::TidbMonitor,
        Kind::TidbCluster,
        Kind::DmCluster,
        Kind::StatefulSet,
        Kind::Deployment,
        Kind::PersistentVolumeClaim,
        Kind::PersistentVolume,
        Kind::Service,
        Kind::Secret,
        Kind::Prometheus,
    ];

    /// The `kind:` field as written in manifests.
    pub fn kind_name(self) -> &'static str {
        match self {
            Kind::TidbMonitor => "TidbMonitor",
            Kind::TidbCluster => "TidbCluster",
            Kind::DmCluster => "DMCluster",
            Kind::StatefulSet => "StatefulSet",
            Kind::Deployment => "Deployment",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::Service => "Service",
            Kind::Secret => "Secret",
            Kind::Prometheus => "Prometheus",
        }
    }

    pub fn from_kind_name(group: &str, kind: &str) -> Option<Kind> {
        let found = Kind::ALL.into_iter().find(|k| k.kind_name() == kind)?;
        (found.group() == group).then_some(found)
    }

    pub fn group(self) -> &'static str {
        match self {
            Kind::TidbMonitor | Kind::TidbCluster | Kind::DmCluster => "pingcap.com",
            Kind::StatefulSet | Kind::Deployment => "apps",
            Kind::Prometheus => "monitoring.coreos.com",
            _ => "",
        }
    }

    pub fn version(self) -> &'static str {
        match self.group() {
            "pingcap.com" => "v1alpha1",
            "monitoring.coreos.com" => "v1",
            _ => "v1",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::TidbMonitor => "tidbmonitors",
            Kind::TidbCluster => "tidbclusters",
            Kind::DmCluster => "dmclusters",
            Kind::StatefulSet => "statefulsets",
            Kind::Deployment => "deployments",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::PersistentVolume => "persistentvolumes",
            Kind::Service => "services",
            Kind::Secret => "secrets",
            Kind::Prometheus => "prometheuses",
        }
    }

    pub fn namespaced(self) -> bool {
        self != Kind::PersistentVolume
    }

    /// `tidbmonitors.pingcap.com`, `statefulsets.apps`, `secrets`: how kubectl names a resource in messages.
    pub fn resource(self) -> String {
        match self.group() {
            "" => self.plural().to_string(),
            group => format!("{}.{}", self.plural(), group),
        }
    }

    /// The prefix of `-o name` output, e.g. `tidbmonitor.pingcap.com`.
    pub fn name_prefix(self) -> String {
        let singular = self.kind_name().to_ascii_lowercase();
        match self.group() {
            "" => singular,
            group => format!("{singular}.{group}"),
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
    pub prometheuses: Vec<Prometheus>,
    /// The namespace scope each kind was read in. A kind absent here was not read at all.
    pub scopes: BTreeMap<Kind, Scope>,
    pub gaps: BTreeMap<Kind, Gap>,
    pub problems: Vec<Problem>,
    /// Whole objects, for the kinds a command re-emits (scaffold): `(kind, namespace, name)` → JSON.
    pub raw: BTreeMap<(Kind, String, String), serde_json::Value>,
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

    fn lookup<'a, T>(
        &self,
        kind: Kind,
        items: &'a [T],
        meta: impl Fn(&T) -> &ObjectMeta,
        namespace: &str,
        name: &str,
    ) -> Lookup<&'a T> {
        let found = items.iter().find(|item| {
            let m = meta(item);
            m.name == name && (!kind.namespaced() || m.namespace() == namespace)
        });
        match found {
            Some(item) => Lookup::Found(item),
            None if self.knows(kind, namespace) => Lookup::Missing,
            None => Lookup::Unknown,
        }
    }

    pub fn cluster(&self, namespace: &str, name: &str) -> Lookup<&TidbCluster> {
        self.lookup(
            Kind::TidbCluster,
            &self.clusters,
            |o| &o.metadata,
            namespace,
            name,
        )
    }

    pub fn dm_cluster(&self, namespace: &str, name: &str) -> Lookup<&DmCluster> {
        self.lookup(
            Kind::DmCluster,
            &self.dm_clusters,
            |o| &o.metadata,
            namespace,
            name,
        )
    }

    pub fn statefulset(&self, namespace: &str, name: &str) -> Lookup<&StatefulSet> {
        self.lookup(
            Kind::StatefulSet,
            &self.statefulsets,
            |o| &o.metadata,
            namespace,
            name,
        )
    }

    pub fn deployment(&self, namespace: &str, name: &str) -> Lookup<&Deployment> {
        self.lookup(
            Kind::Deployment,
            &self.deployments,
            |o| &o.metadata,
            namespace,
            name,
        )
    }

    pub fn pvc(&self, namespace: &str, name: &str) -> Lookup<&PersistentVolumeClaim> {
        self.lookup(
            Kind::PersistentVolumeClaim,
            &self.pvcs,
            |o| &o.metadata,
            namespace,
            name,
        )
    }

    pub fn pv(&self, name: &str) -> Lookup<&PersistentVolume> {
        self.lookup(Kind::PersistentVolume, &self.pvs, |o| &o.metadata, "", name)
    }

    pub fn secret(&self, namespace: &str, name: &str) -> Lookup<&Secret> {
        self.lookup(
            Kind::Secret,
            &self.secrets,
            |o| &o.metadata,
            namespace,
            name,
        )
    }
}

/// Why an object could not join the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{0}")]
    Decode(String),
    #[error("it has no metadata.name (is metadata indented under the document?)")]
    NoName,
}

impl Snapshot {
    /// Decodes one object of `kind` and adds it. `default_namespace` fills an empty namespace, as kubectl does
    /// for manifests without one.
    pub fn add<'de, D>(
        &mut self,
        kind: Kind,
        de: D,
        default_namespace: Option<&str>,
    ) -> Result<(), AddError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        fn fill<T>(
            de_result: Result<T, impl std::fmt::Display>,
            meta: impl Fn(&mut T) -> &mut ObjectMeta,
            namespaced: bool,
            default_namespace: Option<&str>,
        ) -> Result<T, AddError> {
            let mut object = de_result.map_err(|e| AddError::Decode(e.to_string()))?;
            let m = meta(&mut object);
            if m.name.is_empty() {
                return Err(AddError::NoName);
            }
            if namespaced && m.namespace.as_deref().unwrap_or("").is_empty() {
                m.namespace = default_namespace.map(str::to_string);
            }
            Ok(object)
        }
        use serde::Deserialize;
        let ns = kind.namespaced();
        let d = default_namespace;
        match kind {
            Kind::TidbMonitor => self.monitors.push(fill(
                TidbMonitor::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::TidbCluster => self.clusters.push(fill(
                TidbCluster::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::DmCluster => self.dm_clusters.push(fill(
                DmCluster::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::StatefulSet => self.statefulsets.push(fill(
                StatefulSet::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::Deployment => self.deployments.push(fill(
                Deployment::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::PersistentVolumeClaim => self.pvcs.push(fill(
                PersistentVolumeClaim::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::PersistentVolume => self.pvs.push(fill(
                PersistentVolume::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
            Kind::Service => {
                self.services
                    .push(fill(Service::deserialize(de), |o| &mut o.metadata, ns, d)?)
            }
            Kind::Secret => {
                self.secrets
                    .push(fill(Secret::deserialize(de), |o| &mut o.metadata, ns, d)?)
            }
            Kind::Prometheus => self.prometheuses.push(fill(
                Prometheus::deserialize(de),
                |o| &mut o.metadata,
                ns,
                d,
            )?),
        }
        Ok(())
    }

    /// Drops objects of `kind` that the label selector does not match (offline mode applies `-l` itself).
    pub fn retain_matching(&mut self, kind: Kind, selector: &crate::selector::Selector) {
        let keep = |m: &ObjectMeta| selector.matches(&m.labels);
        match kind {
            Kind::TidbMonitor => self.monitors.retain(|o| keep(&o.metadata)),
            Kind::TidbCluster => self.clusters.retain(|o| keep(&o.metadata)),
            Kind::DmCluster => self.dm_clusters.retain(|o| keep(&o.metadata)),
            _ => {}
        }
    }
}

impl Snapshot {
    /// Moves every object of `other` into `self` (live lists decode kind by kind, in parallel).
    pub fn merge(&mut self, other: Snapshot) {
        self.monitors.extend(other.monitors);
        self.clusters.extend(other.clusters);
        self.dm_clusters.extend(other.dm_clusters);
        self.statefulsets.extend(other.statefulsets);
        self.deployments.extend(other.deployments);
        self.pvcs.extend(other.pvcs);
        self.pvs.extend(other.pvs);
        self.services.extend(other.services);
        self.secrets.extend(other.secrets);
        self.prometheuses.extend(other.prometheuses);
        self.scopes.extend(other.scopes);
        self.gaps.extend(other.gaps);
        self.problems.extend(other.problems);
        self.raw.extend(other.raw);
    }

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

impl Snapshot {
    /// Keeps only the last object of each kind/namespace/name; returns a description of each one dropped.
    pub fn keep_last_definitions(&mut self) -> Vec<String> {
        fn dedupe<T>(
            kind: Kind,
            items: &mut Vec<T>,
            meta: impl Fn(&T) -> &ObjectMeta,
            dropped: &mut Vec<String>,
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut keep = vec![false; items.len()];
            for (i, item) in items.iter().enumerate().rev() {
                let m = meta(item);
                if seen.insert((m.namespace().to_string(), m.name.clone())) {
                    keep[i] = true;
                } else {
                    dropped.push(format!("{} {}/{}", kind.kind_name(), m.namespace(), m.name));
                }
            }
            let mut flags = keep.into_iter();
            items.retain(|_| flags.next().unwrap_or(true));
        }
        let mut dropped = Vec::new();
        dedupe(
            Kind::TidbMonitor,
            &mut self.monitors,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::TidbCluster,
            &mut self.clusters,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::DmCluster,
            &mut self.dm_clusters,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::StatefulSet,
            &mut self.statefulsets,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::Deployment,
            &mut self.deployments,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::PersistentVolumeClaim,
            &mut self.pvcs,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::PersistentVolume,
            &mut self.pvs,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::Service,
            &mut self.services,
            |o| &o.metadata,
            &mut dropped,
        );
        dedupe(
            Kind::Secret,
            &mut self.secrets,
            |o| &o.metadata,
            &mut dropped,
        );
        dropped.sort();
        dropped.dedup();
        dropped
    }
}
