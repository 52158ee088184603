//! tidb-operator v2 kinds (`core.pingcap.com/v1alpha1`): `Cluster` and the component groups.
//!
//! v2 has no TidbMonitor; a group's pods carry labels the operator guarantees, so the plugin reasons about
//! groups and never lists Pods (pkg/apiutil/core/v1alpha1/instance.go, v2.0.1).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Condition, ObjectMeta};
use crate::snapshot::Kind;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct V2Cluster {
    pub metadata: ObjectMeta,
    pub spec: V2ClusterSpec,
    pub status: V2ClusterStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct V2ClusterSpec {
    pub tls_cluster: Option<super::TlsCluster>,
    pub feature_gates: Vec<FeatureGate>,
    pub security: Option<V2Security>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FeatureGate {
    pub name: String,
}

/// v2.1: `spec.security.tls.client.name` names the client Secret (v2.0.1 fixes it to
/// `<cluster>-cluster-client-secret`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct V2Security {
    pub tls: Option<V2Tls>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct V2Tls {
    pub client: Option<NameRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NameRef {
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct V2ClusterStatus {
    pub conditions: Vec<Condition>,
    pub pd: Option<String>,
}

impl V2Cluster {
    pub fn tls_enabled(&self) -> bool {
        self.spec.tls_cluster.as_ref().is_some_and(|t| t.enabled)
    }

    pub fn feature_gate(&self, name: &str) -> bool {
        self.spec.feature_gates.iter().any(|g| g.name == name)
    }

    /// The Secret a scraper presents to the cluster's components: v2.1's `spec.security.tls.client`, else v2.0's
    /// fixed `<cluster>-cluster-client-secret` (api/core/v1alpha1/names.go).
    pub fn client_secret(&self) -> String {
        self.spec
            .security
            .as_ref()
            .and_then(|s| s.tls.as_ref())
            .and_then(|t| t.client.as_ref())
            .map(|c| c.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}-cluster-client-secret", self.metadata.name))
    }
}

/// Any v2 component group (`PDGroup`, `TiKVGroup`, …): they share the fields the plugin reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ComponentGroup {
    #[serde(skip)]
    pub kind: Kind,
    pub metadata: ObjectMeta,
    pub spec: GroupSpec,
    pub status: GroupStatus,
}

impl Default for ComponentGroup {
    fn default() -> Self {
        ComponentGroup {
            kind: Kind::PdGroup,
            metadata: ObjectMeta::default(),
            spec: GroupSpec::default(),
            status: GroupStatus::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GroupSpec {
    pub cluster: NameRef,
    pub replicas: Option<i32>,
    pub template: GroupTemplate,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GroupTemplate {
    pub metadata: TemplateMeta,
    pub spec: GroupTemplateSpec,
}

/// Template labels reach the pods (the operator may not be overridden on `pingcap.com/*`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TemplateMeta {
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GroupTemplateSpec {
    pub version: Option<String>,
    /// The component's TOML config, as written.
    pub config: Option<String>,
    pub server: Option<ServerSpec>,
}

/// `template.spec.server.ports.<name>.port`: the user may move a component's ports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ServerSpec {
    pub ports: BTreeMap<String, PortSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PortSpec {
    pub port: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GroupStatus {
    pub replicas: Option<i32>,
    pub ready_replicas: Option<i32>,
    pub updated_replicas: Option<i32>,
    pub version: Option<String>,
    pub conditions: Vec<Condition>,
}

impl ComponentGroup {
    /// `spec.cluster.name`: the only link from a group to its Cluster (no ownerReference).
    pub fn cluster_name(&self) -> &str {
        &self.spec.cluster.name
    }

    pub fn version(&self) -> Option<&str> {
        self.spec
            .template
            .spec
            .version
            .as_deref()
            .filter(|v| !v.is_empty())
    }

    /// The configured port `name`, when the user moved it from the default.
    pub fn port(&self, name: &str) -> Option<i32> {
        self.spec
            .template
            .spec
            .server
            .as_ref()
            .and_then(|s| s.ports.get(name))
            .and_then(|p| p.port)
    }
}
