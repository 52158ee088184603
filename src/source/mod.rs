//! Sources fill a [`Snapshot`](crate::snapshot::Snapshot): from the live API server or from manifest files.
//! They are the only code that does I/O besides the final print.

pub mod files;
pub mod live;

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
}

impl Request {
    pub fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        std::iter::once(self.primary)
            .chain(self.related.iter().copied())
            .chain(self.auxiliary.iter().copied())
    }
}
