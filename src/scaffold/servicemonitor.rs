//! `scaffold servicemonitor`: prometheus-operator ServiceMonitors (or PodMonitors) for TidbClusters and
//! DMClusters that give the same labels as TidbMonitor's own scrape config, so the upstream dashboards work.
//!
//! Unlike tidb-operator's examples, every `__meta_*` rule sits in `relabelings` (where pod metadata still
//! exists) and targets are addressed as `<pod>.<governing-service>.<ns>:<annotated port>`, which reaches TiKV's
//! undeclared 20180 and matches the TLS certificates' SANs.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::versions::{Fact, Target};
use super::{Scaffold, labels};
use crate::checks::operator::Version;
use crate::core::scraping::{Loaded, loaded_by};
use crate::model::{LabelSelector, ObjectMeta, ScrapeObject};
use crate::naming;
use crate::snapshot::{Kind, Lookup, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MonitorKind {
    #[default]
    ServiceMonitor,
    PodMonitor,
    /// VictoriaMetrics operator kinds: same selectors, `relabelConfigs` instead of `relabelings`.
    VmServiceScrape,
    VmPodScrape,
}

impl MonitorKind {
    /// Selects pods (PodMonitor, VMPodScrape) rather than Services.
    pub fn selects_pods(self) -> bool {
        matches!(self, MonitorKind::PodMonitor | MonitorKind::VmPodScrape)
    }

    pub fn is_victoria_metrics(self) -> bool {
        matches!(
            self,
            MonitorKind::VmServiceScrape | MonitorKind::VmPodScrape
        )
    }

    pub fn api_version(self) -> &'static str {
        if self.is_victoria_metrics() {
            "operator.victoriametrics.com/v1beta1"
        } else {
            "monitoring.coreos.com/v1"
        }
    }

    pub fn kind_name(self) -> &'static str {
        match self {
            MonitorKind::ServiceMonitor => "ServiceMonitor",
            MonitorKind::PodMonitor => "PodMonitor",
            MonitorKind::VmServiceScrape => "VMServiceScrape",
            MonitorKind::VmPodScrape => "VMPodScrape",
        }
    }

    /// The spec field holding the endpoints.
    pub fn endpoints_key(self) -> &'static str {
        if self.selects_pods() {
            "podMetricsEndpoints"
        } else {
            "endpoints"
        }
    }

    /// The endpoint field holding target relabel rules.
    pub fn relabelings_key(self) -> &'static str {
        if self.is_victoria_metrics() {
            "relabelConfigs"
        } else {
            "relabelings"
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub kind: MonitorKind,
    pub prometheus_labels: BTreeMap<String, String>,
    /// The tidb-operator the v1 objects are for: some Service port names and TiProxy's scheme changed.
    pub target: Target,
}

/// One scrape endpoint of a component.
struct Endpoint {
    /// Port name on the governing Service (ServiceMonitor).
    service_port: &'static str,
    /// Container port name (PodMonitor).
    container_port: &'static str,
    /// The pod annotation holding the metrics port, as a Prometheus meta label.
    port_annotation: &'static str,
}

/// Every scrape endpoint's interval: TidbMonitor's own `scrape_interval` (tidb-operator v1.6.6
/// pkg/monitor/monitor/template.go:298-299), so the series keep their resolution.
pub const SCRAPE_INTERVAL: &str = "15s";

const PORT: &str = "__meta_kubernetes_pod_annotation_prometheus_io_port";
const PROXY_PORT: &str = "__meta_kubernetes_pod_annotation_tiflash_proxy_prometheus_io_port";

struct Component {
    /// `app.kubernetes.io/component` of the pods.
    component: String,
    /// tiup's job name, which the upstream dashboards filter on.
    job: &'static str,
    /// The headless Service that governs the StatefulSet (per-pod DNS, certificate SANs).
    service: String,
    /// pd, tidb, tikv, tiproxy, tso, scheduling, dm-master have a second Service: select the peer one only.
    peer_only: bool,
    path: &'static str,
    endpoints: Vec<Endpoint>,
    /// Serves metrics over HTTPS with a certificate no client CA verifies (TiProxy); `None`: follows the
    /// cluster's `tlsCluster`.
    https_unverified: Option<bool>,
}

fn single(service_port: &'static str, container_port: &'static str) -> Vec<Endpoint> {
    vec![Endpoint {
        service_port,
        container_port,
        port_annotation: PORT,
    }]
}

/// A TidbCluster component from the v1 facts table (`naming::v1::COMPONENTS`), with the Service port names of
/// the target operator.
fn from_facts(cluster: &str, c: &naming::v1::Component, target: &Target) -> Component {
    Component {
        component: c.name.to_string(),
        job: c.job,
        service: c.governing_service(cluster),
        peer_only: c.peer_labelled(),
        path: c.path,
        endpoints: c
            .metrics
            .iter()
            .map(|m| Endpoint {
                service_port: target.service_port(c.name, m.service_port),
                container_port: m.container_port,
                port_annotation: if m.annotation == naming::v1::PORT_ANNOTATION {
                    PORT
                } else {
                    PROXY_PORT
                },
            })
            .collect(),
        https_unverified: None,
    }
}

fn tidb_components(
    snapshot: &Snapshot,
    tc: &crate::model::TidbCluster,
    instance: &str,
    target: &Target,
) -> Vec<Component> {
    let c = &tc.metadata.name;
    let s = &tc.spec;
    let mut out = Vec::new();
    let mut add = |present: bool, name: &str| {
        if present && let Some(facts) = naming::v1::component(name) {
            out.push(from_facts(c, facts, target));
        }
    };
    add(s.pd.is_some(), "pd");
    for ms in &s.pdms {
        if matches!(ms.name.as_str(), "tso" | "scheduling") {
            add(true, &ms.name);
        }
    }
    add(s.tidb.is_some(), "tidb");
    add(s.tikv.is_some(), "tikv");
    add(s.tiflash.is_some(), "tiflash");
    add(s.ticdc.is_some(), "ticdc");
    add(s.pump.is_some(), "pump");
    add(s.tiproxy.is_some(), "tiproxy");
    if let Some(tiproxy) = &s.tiproxy
        && let Some(component) = out.iter_mut().find(|c| c.component == "tiproxy")
    {
        let tidb_tls_client = s
            .tidb
            .as_ref()
            .and_then(|t| t.tls_client.as_ref())
            .is_some_and(|t| t.enabled);
        // Only a TiProxy tag below v0.2.0 changes the answer; "main" or none is taken as a current TiProxy.
        let tiproxy_version = tiproxy
            .version
            .as_deref()
            .and_then(|v| v.parse::<Version>().ok());
        component.https_unverified = Some(target.tiproxy_serves_https(
            tc.tls_enabled(),
            tidb_tls_client,
            tiproxy.cert_layout.as_deref() == Some("v1"),
            tiproxy_version,
        ));
    }
    // Drainers come from a separate Helm chart: scaffold them only when their Service is there to see.
    for svc in snapshot.services.iter().filter(|svc| {
        svc.metadata.namespace() == tc.metadata.namespace()
            && svc
                .metadata
                .labels
                .get("app.kubernetes.io/component")
                .map(String::as_str)
                == Some("drainer")
            && svc
                .metadata
                .labels
                .get("app.kubernetes.io/instance")
                .map(String::as_str)
                == Some(instance)
    }) {
        out.push(Component {
            component: "drainer".to_string(),
            job: "drainer",
            service: svc.metadata.name.clone(),
            peer_only: false,
            path: "/metrics",
            endpoints: single("drainer", "drainer"),
            https_unverified: None,
        });
    }
    out
}

fn dm_components(dc: &crate::model::DmCluster, target: &Target) -> Vec<Component> {
    let c = &dc.metadata.name;
    [
        (dc.spec.master.is_some(), "dm-master"),
        (dc.spec.worker.is_some(), "dm-worker"),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .filter_map(|(_, name)| naming::v1::component(name))
    .map(|facts| from_facts(c, facts, target))
    .collect()
}

/// The relabelings that rebuild TidbMonitor's target labels. `service` is `None` for ServiceMonitors (the
/// discovered Service name is used) and the governing Service's name for PodMonitors.
pub fn relabelings(port_annotation: &str, service: Option<&str>, job: &str) -> Vec<Value> {
    let address = match service {
        None => json!({
            "sourceLabels": ["__meta_kubernetes_pod_name", "__meta_kubernetes_service_name", "__meta_kubernetes_namespace", port_annotation],
            "regex": "(.+);(.+);(.+);(.+)",
            "targetLabel": "__address__",
            "replacement": "${1}.${2}.${3}:${4}",
            "action": "replace",
        }),
        Some(service) => json!({
            "sourceLabels": ["__meta_kubernetes_pod_name", "__meta_kubernetes_namespace", port_annotation],
            "regex": "(.+);(.+);(.+)",
            "targetLabel": "__address__",
            "replacement": format!("${{1}}.{service}.${{2}}:${{3}}"),
            "action": "replace",
        }),
    };
    let copy = |source: &str, target: &str| json!({"sourceLabels": [source], "targetLabel": target, "action": "replace"});
    vec![
        address,
        json!({"sourceLabels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"], "regex": "(.+)", "targetLabel": "__metrics_path__", "replacement": "${1}", "action": "replace"}),
        copy("__meta_kubernetes_pod_name", "instance"),
        copy(
            "__meta_kubernetes_pod_label_app_kubernetes_io_component",
            "component",
        ),
        copy(
            "__meta_kubernetes_pod_label_app_kubernetes_io_instance",
            "cluster",
        ),
        json!({"sourceLabels": ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_label_app_kubernetes_io_instance"], "separator": "-", "targetLabel": "tidb_cluster", "action": "replace"}),
        copy("__meta_kubernetes_namespace", "kubernetes_namespace"),
        json!({"targetLabel": "job", "replacement": job, "action": "replace"}),
    ]
}

struct ClusterInput<'a> {
    meta: &'a ObjectMeta,
    /// `app.kubernetes.io/instance` of the cluster's pods: a TidbCluster's own instance label if set, else its
    /// name; always a DMCluster's name (`naming::v1::instance`).
    instance: String,
    app: &'static str,
    tls_secret: Option<String>,
    components: Vec<Component>,
}

pub fn service_monitors(snapshot: &Snapshot, options: &Options) -> Scaffold {
    service_monitors_of(snapshot, options, &|_, _| true)
}

/// [`service_monitors`] for the TidbClusters and DMClusters `wanted(kind, metadata)` keeps (`migrate` builds the
/// objects of one monitor's clusters).
pub fn service_monitors_of(
    snapshot: &Snapshot,
    options: &Options,
    wanted: &dyn Fn(Kind, &ObjectMeta) -> bool,
) -> Scaffold {
    let mut scaffold = Scaffold::default();
    let mut inputs = Vec::new();
    for tc in snapshot
        .clusters
        .iter()
        .filter(|tc| wanted(Kind::TidbCluster, &tc.metadata))
    {
        let instance = naming::v1::instance(&tc.metadata);
        inputs.push(ClusterInput {
            meta: &tc.metadata,
            app: "tidb-cluster",
            tls_secret: tc
                .tls_enabled()
                .then(|| naming::cluster_client_secret(&tc.metadata.name)),
            components: tidb_components(snapshot, tc, &instance, &options.target),
            instance,
        });
    }
    for dc in snapshot
        .dm_clusters
        .iter()
        .filter(|dc| wanted(Kind::DmCluster, &dc.metadata))
    {
        inputs.push(ClusterInput {
            meta: &dc.metadata,
            instance: dc.metadata.name.clone(),
            app: "dm-cluster",
            tls_secret: dc
                .tls_enabled()
                .then(|| naming::dm_client_secret(&dc.metadata.name)),
            components: dm_components(dc, &options.target),
        });
    }
    inputs.sort_by(|a, b| {
        (a.meta.namespace(), &a.meta.name, a.app).cmp(&(b.meta.namespace(), &b.meta.name, b.app))
    });
    for input in inputs {
        let ns = input.meta.namespace();
        if let Some(secret) = &input.tls_secret
            && let Lookup::Missing = snapshot.secret(ns, secret)
        {
            scaffold.warnings.push(format!(
                "Secret {ns}/{secret} does not exist: Prometheus cannot scrape {}/{} over TLS until it does",
                ns, input.meta.name
            ));
        }
        if input.components.is_empty() {
            scaffold.warnings.push(format!(
                "{ns}/{} has no components to scrape",
                input.meta.name
            ));
        }
        for component in &input.components {
            scaffold
                .objects
                .push(monitor_object(&input, component, options));
        }
    }
    if !scaffold.objects.is_empty() {
        scaffold.notes.push(operator_note(&options.target));
    }
    scaffold
}

/// What the v1 objects assume about the operator, for the header.
fn operator_note(target: &Target) -> String {
    match target.version() {
        Some(_) => format!(
            "TidbCluster/DMCluster objects made {}: Service port names and TiProxy's scheme follow it",
            target.describe()
        ),
        None => format!(
            "TidbCluster/DMCluster objects made {}: Service port names and TiProxy's scheme follow v1.6 (pass --operator-version for an older one: PD has no tcp-peer-2379 before {}, TiFlash no metrics ports before {})",
            target.describe(),
            Target::since(Fact::PdPeerServiceClientPort),
            Target::since(Fact::TiflashPeerServiceMetricsPorts),
        ),
    }
}

fn monitor_object(input: &ClusterInput, component: &Component, options: &Options) -> Value {
    let ns = input.meta.namespace();
    let instance = &input.instance;
    let mut metadata_labels = labels(input.app, instance, &component.component, input.app);
    for (k, v) in &options.prometheus_labels {
        metadata_labels[k] = json!(v);
    }
    let mut selector = json!({
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/component": component.component,
    });
    let pod_monitor = options.kind.selects_pods();
    if component.peer_only && !pod_monitor {
        selector["app.kubernetes.io/used-by"] = json!("peer");
    }
    let endpoints: Vec<Value> = component
        .endpoints
        .iter()
        .map(|e| {
            let service = pod_monitor.then_some(component.service.as_str());
            let mut endpoint = json!({
                "port": if pod_monitor { e.container_port } else { e.service_port },
                "path": component.path,
                "interval": SCRAPE_INTERVAL,
                "scrapeTimeout": "10s",
                "honorLabels": true,
                "scheme": "http",
            });
            endpoint[options.kind.relabelings_key()] =
                json!(relabelings(e.port_annotation, service, component.job));
            match (component.https_unverified, &input.tls_secret) {
                (Some(false), _) | (None, None) => {}
                (Some(true), _) => {
                    // TiProxy serves the TiDB server certificate (or one with skip-ca): no CA of ours
                    // verifies it, and it asks for no client certificate, as TidbMonitor's own job does.
                    endpoint["scheme"] = json!("https");
                    endpoint["tlsConfig"] = json!({"insecureSkipVerify": true});
                }
                (None, Some(secret)) => {
                    endpoint["scheme"] = json!("https");
                    endpoint["tlsConfig"] = json!({
                        "ca": {"secret": {"name": secret, "key": "ca.crt"}},
                        "cert": {"secret": {"name": secret, "key": "tls.crt"}},
                        "keySecret": {"name": secret, "key": "tls.key"},
                    });
                }
            }
            endpoint
        })
        .collect();
    let (kind, endpoints_key) = (options.kind.kind_name(), options.kind.endpoints_key());
    json!({
        "apiVersion": options.kind.api_version(),
        "kind": kind,
        "metadata": {
            "name": format!("{}-{}", input.meta.name, component.component),
            "namespace": ns,
            "labels": metadata_labels,
        },
        "spec": {
            "selector": {"matchLabels": selector},
            "namespaceSelector": {"matchNames": [ns]},
            endpoints_key: endpoints,
        },
    })
}

/// Whether the Prometheus objects in the snapshot would load the generated monitors, by the same predicate
/// `check` and `clusters` use (`core::scraping::loaded_by`: a null label selector selects nothing, a null
/// namespace selector only the Prometheus' own namespace).
#[derive(Debug, Default, PartialEq)]
pub struct PrometheusCheck {
    /// One line for stderr when some objects would be loaded by no Prometheus; never when nothing could be read.
    pub warning: Option<String>,
    /// The header line: who loads them, the same warning, or "not checked".
    pub note: Option<String>,
}

pub fn prometheus_check(
    snapshot: &Snapshot,
    kind: MonitorKind,
    objects: &[Value],
) -> PrometheusCheck {
    let scrape_kind = match kind {
        MonitorKind::ServiceMonitor => Kind::ServiceMonitor,
        MonitorKind::PodMonitor => Kind::PodMonitor,
        // VMAgent selection is not evaluated (`Loaded::NotApplicable`).
        MonitorKind::VmServiceScrape | MonitorKind::VmPodScrape => {
            return PrometheusCheck::default();
        }
    };
    let kind_name = kind.kind_name();
    let mut loaders: Vec<String> = Vec::new();
    let mut loaded = 0;
    let mut unloaded: Vec<(String, ScrapeObject)> = Vec::new();
    let mut unchecked = 0;
    for object in objects.iter().filter(|o| o["kind"] == kind_name) {
        let Ok(mut scraper) = serde_json::from_value::<ScrapeObject>(object.clone()) else {
            unchecked += 1;
            continue;
        };
        scraper.kind = scrape_kind;
        match loaded_by(snapshot, &scraper) {
            Loaded::By(names) => {
                loaded += 1;
                for name in names {
                    if !loaders.contains(&name) {
                        loaders.push(name);
                    }
                }
            }
            Loaded::Nobody => unloaded.push((
                format!("{}/{}", scraper.metadata.namespace(), scraper.metadata.name),
                scraper,
            )),
            Loaded::Unknown | Loaded::NotApplicable => unchecked += 1,
        }
    }
    let total = loaded + unloaded.len() + unchecked;
    if total == 0 {
        return PrometheusCheck::default();
    }
    if snapshot.prometheuses.is_empty() && !unloaded.is_empty() {
        // The kinds exist but no Prometheus does: the VictoriaMetrics operator may convert the objects into its
        // own (victoria-metrics-k8s-stack installs prometheus-operator's CRDs for that), which is not read here.
        return PrometheusCheck {
            warning: None,
            note: Some(format!(
                "no Prometheus object exists, so no Prometheus loads these {kind_name}s; a converter such as the VictoriaMetrics operator was not checked"
            )),
        };
    }
    let mut parts = Vec::new();
    let mut warning = None;
    if !unloaded.is_empty() {
        let mut reasons: Vec<String> = Vec::new();
        for (_, scraper) in &unloaded {
            for p in &snapshot.prometheuses {
                let reason = why_not_loaded(snapshot, p, scraper);
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
        let names: Vec<&str> = unloaded.iter().map(|(n, _)| n.as_str()).collect();
        let shown = if names.len() > 3 {
            format!("{}, …", names[..3].join(", "))
        } else {
            names.join(", ")
        };
        let text = format!(
            "no Prometheus would load {} {kind_name}(s) ({shown}): {}",
            unloaded.len(),
            reasons.join("; ")
        );
        parts.push(format!("WARNING: {text}"));
        warning = Some(text);
    }
    loaders.sort();
    if !loaders.is_empty() {
        let how_many = if loaded == total {
            format!("{kind_name}s")
        } else {
            format!("{loaded} {kind_name}(s)")
        };
        parts.push(format!(
            "{how_many} loaded by Prometheus {}",
            loaders.join(", ")
        ));
    }
    if unchecked > 0 {
        parts.push(format!(
            "Prometheus selection not checked{}: the Prometheus objects (or the Namespaces their selectors need) could not be read",
            if unchecked == total {
                String::new()
            } else {
                format!(" for {unchecked} object(s)")
            }
        ));
    }
    PrometheusCheck {
        warning,
        note: Some(parts.join("; ")),
    }
}

/// Labels that meet `selector`'s positive requirements: its matchLabels, the first value of each `In`, and
/// `true` for each `Exists` key the matchLabels do not already set.
fn labels_meeting(selector: &crate::model::LabelSelector) -> BTreeMap<String, String> {
    let mut labels = selector.match_labels.clone();
    for requirement in &selector.match_expressions {
        let value = match requirement.operator.as_str() {
            "In" => requirement.values.first().cloned(),
            "Exists" => Some("true".to_string()),
            _ => None,
        };
        if let Some(value) = value {
            labels.entry(requirement.key.clone()).or_insert(value);
        }
    }
    labels
}

/// Why `p` does not load `scraper`, with the `--prometheus-label` flags that would make it (checked by the same
/// predicate before they are suggested).
fn why_not_loaded(
    snapshot: &Snapshot,
    p: &crate::model::Prometheus,
    scraper: &ScrapeObject,
) -> String {
    let name = format!("{}/{}", p.metadata.namespace(), p.metadata.name);
    let (field, selector, ns_field, ns_selector) = if scraper.selects_pods() {
        (
            "podMonitorSelector",
            &p.spec.pod_monitor_selector,
            "podMonitorNamespaceSelector",
            &p.spec.pod_monitor_namespace_selector,
        )
    } else {
        (
            "serviceMonitorSelector",
            &p.spec.service_monitor_selector,
            "serviceMonitorNamespaceSelector",
            &p.spec.service_monitor_namespace_selector,
        )
    };
    let Some(selector) = selector else {
        return format!("Prometheus {name} has no {field}, so it loads none");
    };
    // The labels `--prometheus-label` would have to add: matchLabels, a value of each `In`, and some value for
    // each `Exists` (a NotIn/DoesNotExist on a label the scaffold sets itself is what no flag can meet).
    let wanted = labels_meeting(selector);
    let mut relabelled = scraper.clone();
    relabelled.metadata.labels.extend(wanted.clone());
    if !selector.matches(&relabelled.metadata.labels) {
        return format!(
            "Prometheus {name} selects {field} {}, which no label added here can meet",
            describe(selector)
        );
    }
    let mut parts = Vec::new();
    if !selector.matches(&scraper.metadata.labels) {
        let flags: Vec<String> = wanted
            .iter()
            .filter(|(k, v)| scraper.metadata.labels.get(*k) != Some(*v))
            .map(|(k, v)| format!("--prometheus-label {k}={v}"))
            .collect();
        parts.push(format!(
            "selects {field} {} (add {})",
            describe(selector),
            flags.join(" ")
        ));
    }
    // With the labels it wants, what is left is the namespace (unless the Namespaces could not be read).
    let namespace_blocks = match loaded_by(snapshot, &relabelled) {
        Loaded::By(by) => !by.contains(&name),
        Loaded::Nobody => true,
        Loaded::Unknown | Loaded::NotApplicable => false,
    };
    if namespace_blocks {
        let ns = scraper.metadata.namespace();
        parts.push(match ns_selector {
            None => format!("has no {ns_field}, so it watches only its own namespace, not {ns}"),
            Some(s) => format!("does not watch namespace {ns} ({ns_field} {})", describe(s)),
        });
    }
    if parts.is_empty() {
        // Labels fit and the namespace could not be judged (its labels were not read).
        parts.push("may not watch the namespace (its labels could not be read)".to_string());
    }
    format!("Prometheus {name} {}", parts.join(" and "))
}

fn describe(selector: &LabelSelector) -> String {
    let mut terms: Vec<String> = selector
        .match_labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    terms.extend(selector.match_expressions.iter().map(|r| {
        if r.values.is_empty() {
            format!("{} {}", r.key, r.operator)
        } else {
            format!("{} {} ({})", r.key, r.operator, r.values.join(","))
        }
    }));
    if terms.is_empty() {
        "{}".to_string()
    } else {
        terms.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Scope;

    fn monitors(options: &Options, snapshot: &Snapshot) -> Vec<Value> {
        service_monitors(snapshot, options).objects
    }

    fn cluster() -> Snapshot {
        let mut snapshot = Snapshot::default();
        snapshot
            .add(
                Kind::TidbCluster,
                json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbCluster",
                       "metadata": {"name": "basic", "namespace": "db"},
                       "spec": {"pd": {}, "tikv": {}, "tidb": {}}}),
                None,
            )
            .expect("test cluster decodes");
        snapshot
    }

    /// Read cluster-wide and none found: not an alarm, since a converter may load them; the header says so.
    #[test]
    fn no_prometheus_at_all_is_a_note_not_a_warning() {
        let mut snapshot = cluster();
        for kind in [Kind::Prometheus, Kind::PrometheusAgent] {
            snapshot.scopes.insert(kind, Scope::AllNamespaces);
        }
        let options = Options::default();
        let check = prometheus_check(
            &snapshot,
            MonitorKind::ServiceMonitor,
            &monitors(&options, &snapshot),
        );
        assert_eq!(check.warning, None);
        assert!(
            check
                .note
                .unwrap()
                .starts_with("no Prometheus object exists")
        );
    }

    /// Counted per object: three monitors of which one Prometheus loads all are "loaded", nothing unchecked.
    #[test]
    fn loaded_monitors_are_counted_per_object() {
        let mut snapshot = cluster();
        snapshot
            .add(
                Kind::Prometheus,
                json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
                       "metadata": {"name": "kps", "namespace": "monitoring"},
                       "spec": {"serviceMonitorSelector": {}, "serviceMonitorNamespaceSelector": {}}}),
                None,
            )
            .expect("test Prometheus decodes");
        snapshot
            .scopes
            .insert(Kind::Prometheus, Scope::AllNamespaces);
        let options = Options::default();
        let objects = monitors(&options, &snapshot);
        assert_eq!(objects.len(), 3);
        let check = prometheus_check(&snapshot, MonitorKind::ServiceMonitor, &objects);
        assert_eq!(check.warning, None);
        assert_eq!(
            check.note.as_deref(),
            Some("ServiceMonitors loaded by Prometheus monitoring/kps")
        );
    }
}
