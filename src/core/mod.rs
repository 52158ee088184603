//! The pure core: Snapshot in, views out. No I/O, no clocks (ages are rendered later).

pub mod cluster_status;
pub mod clusters;
pub mod discovery;
pub mod health;
pub mod metric_storage;
pub mod monitor_jobs;
pub mod monitors;
pub mod relabel;
pub mod scraping;
pub mod status;

use serde::Serialize;

use crate::model::ObjectMeta;

/// apiVersion of the plugin's own view objects in `-o json|yaml`.
pub const VIEW_API_VERSION: &str = "kubectl-tidbmonitor/v1alpha1";

/// The raw object's identity, carried on every view.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewMeta {
    pub name: String,
    pub namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
}

impl From<&ObjectMeta> for ViewMeta {
    fn from(m: &ObjectMeta) -> Self {
        ViewMeta {
            name: m.name.clone(),
            namespace: m.namespace().to_string(),
            uid: m.uid.clone(),
            creation_timestamp: m.creation_timestamp.clone(),
        }
    }
}

/// `baseImage:version` as tidb-operator builds it; empty parts are kept visible rather than guessed.
pub fn image(base: Option<&str>, version: Option<&str>) -> Option<String> {
    match (
        base.filter(|b| !b.is_empty()),
        version.filter(|v| !v.is_empty()),
    ) {
        (None, None) => None,
        (base, version) => Some(format!("{}:{}", base.unwrap_or(""), version.unwrap_or(""))),
    }
}

/// Stable output: namespace, then name.
pub fn sort_key(meta: &ViewMeta) -> (String, String) {
    (meta.namespace.clone(), meta.name.clone())
}
