use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The part of `metadata` every view needs. `managedFields` and friends are skipped on purpose.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: Option<String>,
    pub uid: Option<String>,
    pub creation_timestamp: Option<String>,
    pub deletion_timestamp: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
}

impl ObjectMeta {
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }
}

/// A `{name, namespace?}` pointer as tidb-operator uses them (cluster refs, ConfigMap refs).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectRef {
    pub name: String,
    pub namespace: Option<String>,
    pub cluster_domain: Option<String>,
}

impl ObjectRef {
    /// The operator defaults an empty ref namespace to the referring object's namespace.
    pub fn namespace_or<'a>(&'a self, default: &'a str) -> &'a str {
        match self.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => ns,
            _ => default,
        }
    }
}
