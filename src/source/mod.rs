//! Sources fill a [`Snapshot`](crate::snapshot::Snapshot): from the live API server or from manifest files.
//! They are the only code that does I/O besides the final print.

pub mod files;
pub mod live;
pub mod watch;

use crate::snapshot::Kind;

/// What a command needs read: the kinds and which of them is primary (the rows of its output).
#[derive(Debug, Clone)]
pub struct Request {
    pub primary: Kind,
    /// Kinds whose objects may sit in other namespaces than the primary rows (cluster refs, covering
    /// monitors): read cluster-wide when possible even under `-n`.
    pub related: Vec<Kind>,
    /// Kinds that only decorate rows; when unreadable the cells say `<unknown>`.
    pub auxiliary: Vec<Kind>,
    /// Kinds `-l` applies to (the rows).
    pub selected: Vec<Kind>,
    /// Kinds whose whole objects are kept in `Snapshot::raw` (scaffold writes them back).
    pub keep_raw: Vec<Kind>,
    /// Label selectors sent to the server for auxiliary kinds of which only tidb-operator's monitor objects
    /// matter: on a real estate most StatefulSets are PD/TiKV/TiDB ones with large pod templates.
    pub narrow: Vec<(Kind, &'static str)>,
}

/// The labels tidb-operator puts on every monitor object (and on the legacy v1.1 Deployment and PVC).
pub const MONITOR_OBJECTS: &str = "app.kubernetes.io/component=monitor";
/// Monitor objects plus tidb-operator's own controller Deployment (its image tells the version).
pub const MONITOR_OBJECTS_AND_OPERATOR: &str =
    "app.kubernetes.io/component in (monitor,controller-manager)";
/// tidb-operator's controller Deployment, as its Helm chart labels it.
pub const OPERATOR: &str = "app.kubernetes.io/component=controller-manager";

/// One LIST narrowed on the server: a kind in one scope, with a label selector and a field selector
/// (`metadata.name=NAME`, which the API server supports for every kind). `status` reads one monitor's objects
/// as rounds of these instead of a [`Request`]'s whole kinds, so its cost does not grow with the estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub kind: Kind,
    pub scope: crate::snapshot::Scope,
    pub labels: Option<String>,
    pub fields: Option<String>,
}

impl Query {
    /// The object `name` of `kind` in `scope`, by a field selector.
    pub fn by_name(kind: Kind, scope: crate::snapshot::Scope, name: &str) -> Query {
        Query {
            kind,
            scope,
            labels: None,
            fields: Some(format!("metadata.name={name}")),
        }
    }
}

impl Request {
    /// This request narrowed to `kinds` (the primary kind stays): a command that needs part of another's
    /// reads keeps its scopes and selectors, so the two cannot drift.
    pub fn only(mut self, kinds: &std::collections::BTreeSet<Kind>) -> Request {
        self.related.retain(|k| kinds.contains(k));
        self.auxiliary.retain(|k| kinds.contains(k));
        self.selected
            .retain(|k| *k == self.primary || kinds.contains(k));
        self.keep_raw.retain(|k| kinds.contains(k));
        self.narrow.retain(|(k, _)| kinds.contains(k));
        self
    }

    pub fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        std::iter::once(self.primary)
            .chain(self.related.iter().copied())
            .chain(self.auxiliary.iter().copied())
    }
}
