//! Tolerant serde types for the fields the plugin reads.
//!
//! Every field has a default and unknown fields are ignored, so objects from any operator version decode;
//! only a field of the wrong type makes an object malformed. We decode just what we use: TidbClusters carry
//! large specs and a huge estate must stay cheap to read.

mod meta;
mod scrape;
mod tidb;
mod v2;
mod workload;

pub use meta::{ObjectMeta, ObjectRef};
pub use scrape::*;
pub use tidb::*;
pub use v2::*;
pub use workload::*;
