//! Scrape objects of prometheus-operator (`PodMonitor`, `ServiceMonitor`) and the VictoriaMetrics operator
//! (`VMPodScrape`, `VMServiceScrape`), decoded into one shape: they differ in field names, not in meaning.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::ObjectMeta;
use crate::snapshot::Kind;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ScrapeObject {
    #[serde(skip)]
    pub kind: Kind,
    /// Set by the file source when the object's apiVersion is not the one its operator serves (e.g.
    /// `victoriametrics.com/v1beta1`): the API server would refuse it, so it scrapes nothing.
    #[serde(skip)]
    pub wrong_api_version: Option<String>,
    pub metadata: ObjectMeta,
    pub spec: ScrapeSpec,
}

impl Default for ScrapeObject {
    fn default() -> Self {
        ScrapeObject {
            kind: Kind::PodMonitor,
            wrong_api_version: None,
            metadata: ObjectMeta::default(),
            spec: ScrapeSpec::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScrapeSpec {
    pub selector: LabelSelector,
    pub namespace_selector: NamespaceSelector,
    /// PodMonitor and VMPodScrape.
    pub pod_metrics_endpoints: Vec<ScrapeEndpoint>,
    /// ServiceMonitor and VMServiceScrape.
    pub endpoints: Vec<ScrapeEndpoint>,
    pub job_label: Option<String>,
}

/// `{any: true}` or `{matchNames: [...]}`; empty means the object's own namespace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NamespaceSelector {
    pub any: bool,
    pub match_names: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScrapeEndpoint {
    pub port: Option<String>,
    /// PodMonitor (v0.80+): the container port number.
    pub port_number: Option<i64>,
    /// A number or a name.
    pub target_port: Option<Value>,
    pub path: Option<String>,
    pub scheme: Option<String>,
    pub tls_config: Option<Value>,
    /// prometheus-operator's name.
    pub relabelings: Vec<Value>,
    /// VictoriaMetrics' name (it accepts `relabelings` too? no: `relabelConfigs`).
    pub relabel_configs: Vec<Value>,
}

impl ScrapeEndpoint {
    /// The user's target relabelings, whichever operator's field holds them.
    pub fn target_relabelings(&self) -> &[Value] {
        if self.relabelings.is_empty() {
            &self.relabel_configs
        } else {
            &self.relabelings
        }
    }
}

impl ScrapeObject {
    pub fn endpoints(&self) -> &[ScrapeEndpoint] {
        if self.selects_pods() {
            &self.spec.pod_metrics_endpoints
        } else {
            &self.spec.endpoints
        }
    }

    /// PodMonitor/VMPodScrape select pods; ServiceMonitor/VMServiceScrape select Services.
    pub fn selects_pods(&self) -> bool {
        matches!(self.kind, Kind::PodMonitor | Kind::VmPodScrape)
    }

    pub fn is_victoria_metrics(&self) -> bool {
        matches!(self.kind, Kind::VmPodScrape | Kind::VmServiceScrape)
    }

    /// The namespaces it discovers in: `any`, the listed names, or its own.
    pub fn watches_namespace(&self, namespace: &str) -> bool {
        let s = &self.spec.namespace_selector;
        s.any
            || if s.match_names.is_empty() {
                self.metadata.namespace() == namespace
            } else {
                s.match_names.iter().any(|n| n == namespace)
            }
    }
}

/// A Kubernetes `LabelSelector`: `matchLabels` and `matchExpressions`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Kubernetes semantics: every requirement holds; an empty selector matches everything.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => value.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    // An unknown operator is refused by the API server; it selects nothing.
                    _ => false,
                }
            })
    }

    /// The label keys the selector constrains.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.match_labels
            .keys()
            .map(String::as_str)
            .chain(self.match_expressions.iter().map(|r| r.key.as_str()))
    }
}

/// A Namespace: only its labels matter (namespace selectors).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Namespace {
    pub metadata: ObjectMeta,
}
