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
    /// Only the plugin's own annotations (`kubectl-tidbmonitor/…`): others, such as kubectl's
    /// last-applied-configuration (a copy of the whole object), would cost memory for nothing.
    #[serde(deserialize_with = "plugin_annotations")]
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
}

/// The annotation prefix the plugin reads.
pub const ANNOTATION_PREFIX: &str = "kubectl-tidbmonitor/";

fn plugin_annotations<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of annotations")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
            de.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut kept = BTreeMap::new();
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key.starts_with(ANNOTATION_PREFIX) {
                    kept.insert(key.into_owned(), map.next_value::<String>()?);
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(kept)
        }
    }
    de.deserialize_option(Visitor)
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
