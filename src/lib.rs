//! kubectl-tidbmonitor: a kubectl plugin for tidb-operator v1's TidbMonitor.
//!
//! Flow: `cli` parses → `commands::*` ask a `source` for a `Snapshot` → `core` builds views → `render` prints.

pub mod checks;
pub mod cli;
pub mod commands;
pub mod core;
pub mod migrate;
pub mod model;
pub mod naming;
pub mod render;
pub mod scaffold;
pub mod selector;
pub mod snapshot;
pub mod source;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = match option_env!("KUBECTL_TIDBMONITOR_COMMIT") {
    Some(c) => c,
    None => "unknown",
};
