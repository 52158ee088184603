//! What Prometheus' Kubernetes discovery would hand to relabelling for a v2 group's pods, built from the group
//! alone (the labels, annotations, containers and Services tidb-operator v2.0.1 guarantees), or for a v1
//! TidbCluster component's pods from the TidbCluster (tidb-operator v1.6.6, [`crate::naming::v1`]), so no Pod is
//! ever listed. Then the relabel rules prometheus-operator (v0.93 `pkg/prometheus/promcfg.go`) or the
//! VictoriaMetrics operator (v0.58 `factory/vmagent/{podscrape,servicescrape}.go`) generate for a scrape
//! object, followed by the user's, give the targets that object really scrapes.
//!
//! Meta labels follow Prometheus v3 `discovery/kubernetes/{pod,endpoints}.go`: one target per container port,
//! init containers included, one port-less target per container without ports; for Services, one target per
//! Service port and pod, plus one per container port the Service does not expose.

use serde_json::{Value, json};

use super::relabel::{Labels, RelabelError, relabel};
use crate::model::{ComponentGroup, DmCluster, ObjectMeta, ScrapeObject, TidbCluster};
use crate::naming::{v1, v2};
use crate::snapshot::Kind;

/// The pod IP of the representative pod; only its shape matters (a target on it is "the pod IP").
pub const POD_IP: &str = "10.0.0.1";

#[derive(Debug, Clone)]
pub struct PodShape {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    pub annotations: Labels,
    pub containers: Vec<PodContainer>,
    pub controller_kind: String,
    pub controller_name: String,
}

/// `(container, init, [(port name, number)])`.
pub type PodContainer = (String, bool, Vec<(String, i32)>);

#[derive(Debug, Clone)]
pub struct ServiceShape {
    pub name: String,
    pub labels: Labels,
    /// `(port name, targetPort)`: a container port name, or a number (v1 Services target numbers).
    pub ports: Vec<(String, String)>,
}

/// The component a [`GroupPods`] runs, with the operator's facts about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupComponent {
    pub name: &'static str,
    pub facts: ComponentFacts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentFacts {
    V1(&'static v1::Component),
    V2(&'static v2::Component),
}

/// One v2 group (or one component of a v1 TidbCluster/DMCluster, `group_kind` TidbCluster/DMCluster and `group`
/// its StatefulSet)
/// as discovery sees it: a representative pod and the group's Services.
#[derive(Debug, Clone)]
pub struct GroupPods {
    pub cluster: String,
    pub group: String,
    pub group_kind: Kind,
    pub component: GroupComponent,
    pub pod: PodShape,
    pub services: Vec<ServiceShape>,
    /// `(port name, number)` of every metrics port of the component.
    pub metrics_ports: Vec<(&'static str, i32)>,
    /// The pods' DNS subdomain: the group's peer Service, or `<cluster>-cluster` under v2.1's
    /// `ClusterSubdomain` gate (set by whoever knows the Cluster); v1: the StatefulSet's governing Service.
    pub subdomain: String,
}

impl GroupPods {
    /// The host a scraper must use: the pod's DNS name under its peer Service (the certificates' SAN).
    pub fn scrape_host(&self) -> String {
        match self.component.facts {
            ComponentFacts::V1(_) => {
                v1::scrape_host(&self.pod.name, &self.subdomain, &self.pod.namespace)
            }
            ComponentFacts::V2(_) => {
                v2::scrape_host(&self.pod.name, &self.subdomain, &self.pod.namespace)
            }
        }
    }
}

pub fn group_pods(group: &ComponentGroup) -> Option<GroupPods> {
    let component = v2::component_of(group.kind)?;
    let ns = group.metadata.namespace().to_string();
    let name = group.metadata.name.clone();
    let cluster = group.cluster_name().to_string();
    let c = component.name;
    let port_of = |port: &str, default: i32| group.port(port).unwrap_or(default);
    let mut labels: Labels = group
        .spec
        .template
        .metadata
        .labels
        .iter()
        .filter(|(k, _)| !k.starts_with("pingcap.com/"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let instance = format!("{name}-x7k2m9");
    for (k, v) in [
        (v2::MANAGED_BY, v2::OPERATOR.to_string()),
        (v2::COMPONENT, c.to_string()),
        (v2::CLUSTER, cluster.clone()),
        (v2::GROUP, name.clone()),
        (v2::INSTANCE, instance.clone()),
        (v2::REVISION, format!("{name}-{c}-0000000000")),
    ] {
        labels.insert(k.to_string(), v);
    }
    if component.deprecated_labels {
        for (k, v) in [
            ("app.kubernetes.io/component", c.to_string()),
            ("app.kubernetes.io/instance", cluster.clone()),
            ("app.kubernetes.io/managed-by", v2::OPERATOR.to_string()),
            ("app.kubernetes.io/name", "tidb-cluster".to_string()),
        ] {
            labels.insert(k.to_string(), v);
        }
    }
    let metrics_ports: Vec<(&'static str, i32)> = component
        .metrics
        .iter()
        .map(|m| (m.name, port_of(m.name, m.default)))
        .collect();
    let mut annotations = Labels::new();
    annotations.insert("prometheus.io/scrape".into(), "true".into());
    annotations.insert("prometheus.io/path".into(), "/metrics".into());
    for (metric, (_, number)) in component.metrics.iter().zip(&metrics_ports) {
        annotations.insert(metric.annotation.to_string(), number.to_string());
    }
    let containers = component
        .containers
        .iter()
        .map(|shape| {
            let ports = shape
                .ports
                .iter()
                .map(|(port, default)| (port.to_string(), port_of(port, *default)))
                .collect();
            (shape.name.to_string(), shape.init, ports)
        })
        .collect();
    let service_labels: Labels = [
        (v2::MANAGED_BY, v2::OPERATOR.to_string()),
        (v2::COMPONENT, c.to_string()),
        (v2::CLUSTER, cluster.clone()),
        (v2::GROUP, name.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let service = |service: String, ports: &[&str]| ServiceShape {
        name: service,
        labels: service_labels.clone(),
        ports: ports
            .iter()
            .map(|p| (p.to_string(), p.to_string()))
            .collect(),
    };
    let mut services = vec![service(
        v2::peer_service(&name, c),
        component.peer_service_ports,
    )];
    if !component.client_service_ports.is_empty() {
        services.push(service(
            v2::client_service(&name, c),
            component.client_service_ports,
        ));
    }
    Some(GroupPods {
        subdomain: v2::peer_service(&name, c),
        pod: PodShape {
            namespace: ns,
            name: v2::example_pod(&name, c),
            labels,
            annotations,
            containers,
            controller_kind: group
                .kind
                .kind_name()
                .strip_suffix("Group")
                .unwrap_or("")
                .to_string(),
            controller_name: instance,
        },
        cluster,
        group: name,
        group_kind: group.kind,
        component: GroupComponent {
            name: component.name,
            facts: ComponentFacts::V2(component),
        },
        services,
        metrics_ports,
    })
}

/// The components a v1 TidbCluster runs, in [`v1::COMPONENTS`] order (PD microservices by name).
pub fn tidb_cluster_components(tc: &TidbCluster) -> Vec<&'static v1::Component> {
    let s = &tc.spec;
    v1::COMPONENTS
        .iter()
        .filter(|c| c.app == v1::TIDB_CLUSTER)
        .filter(|c| match c.name {
            "pd" => s.pd.is_some(),
            "tso" | "scheduling" => s.pdms.iter().any(|ms| ms.name == c.name),
            "tikv" => s.tikv.is_some(),
            "tidb" => s.tidb.is_some(),
            "tiflash" => s.tiflash.is_some(),
            "ticdc" => s.ticdc.is_some(),
            "tiproxy" => s.tiproxy.is_some(),
            "pump" => s.pump.is_some(),
            _ => false,
        })
        .collect()
}

/// The components a DMCluster runs.
pub fn dm_cluster_components(dc: &DmCluster) -> Vec<&'static v1::Component> {
    v1::COMPONENTS
        .iter()
        .filter(|c| match c.name {
            "dm-master" => dc.spec.master.is_some(),
            "dm-worker" => dc.spec.worker.is_some(),
            _ => false,
        })
        .collect()
}

/// Every component of a v1 TidbCluster as discovery sees it: the first pod of its StatefulSet and its Services,
/// as tidb-operator v1.6.6 builds them ([`v1::COMPONENTS`]).
pub fn tidb_cluster_pods(tc: &TidbCluster) -> Vec<GroupPods> {
    v1_pods(
        &tc.metadata,
        &v1::instance(&tc.metadata),
        tidb_cluster_components(tc),
        Kind::TidbCluster,
    )
}

/// [`tidb_cluster_pods`] for a DMCluster, whose instance label is always its name.
pub fn dm_cluster_pods(dc: &DmCluster) -> Vec<GroupPods> {
    v1_pods(
        &dc.metadata,
        &dc.metadata.name,
        dm_cluster_components(dc),
        Kind::DmCluster,
    )
}

fn v1_pods(
    meta: &ObjectMeta,
    instance: &str,
    components: Vec<&'static v1::Component>,
    kind: Kind,
) -> Vec<GroupPods> {
    let ns = meta.namespace().to_string();
    let cluster = meta.name.clone();
    components
        .into_iter()
        .map(|component| {
            let c = component.name;
            let common: Labels = [
                (v1::NAME, component.app),
                (v1::MANAGED_BY, v1::OPERATOR),
                (v1::INSTANCE, instance),
                (v1::COMPONENT, c),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            let mut annotations = Labels::new();
            annotations.insert(v1::SCRAPE_ANNOTATION.into(), "true".into());
            annotations.insert(v1::PATH_ANNOTATION.into(), component.path.into());
            for m in component.metrics {
                annotations.insert(m.annotation.into(), m.number.to_string());
            }
            let containers = component
                .containers
                .iter()
                .map(|shape| {
                    let ports = shape
                        .ports
                        .iter()
                        .map(|(name, number)| (name.to_string(), *number))
                        .collect();
                    (shape.name.to_string(), shape.init, ports)
                })
                .collect();
            let services = component
                .services
                .iter()
                .map(|svc| {
                    let mut labels = common.clone();
                    if let Some(used_by) = svc.used_by {
                        labels.insert(v1::USED_BY.into(), used_by.into());
                    }
                    ServiceShape {
                        name: format!("{}{}", v1::member(&cluster, c), svc.suffix),
                        labels,
                        ports: svc
                            .ports
                            .iter()
                            .map(|(name, target)| (name.to_string(), target.to_string()))
                            .collect(),
                    }
                })
                .collect();
            let member = v1::member(&cluster, c);
            GroupPods {
                subdomain: component.governing_service(&cluster),
                pod: PodShape {
                    namespace: ns.clone(),
                    name: v1::example_pod(&cluster, c),
                    labels: common,
                    annotations,
                    containers,
                    controller_kind: "StatefulSet".into(),
                    controller_name: member.clone(),
                },
                cluster: cluster.clone(),
                group: member,
                group_kind: kind,
                component: GroupComponent {
                    name: c,
                    facts: ComponentFacts::V1(component),
                },
                services,
                metrics_ports: component
                    .metrics
                    .iter()
                    .map(|m| (m.name, m.number))
                    .collect(),
            }
        })
        .collect()
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn pod_meta(pod: &PodShape, labels: &mut Labels) {
    let mut set = |k: &str, v: &str| {
        labels.insert(k.to_string(), v.to_string());
    };
    set("__meta_kubernetes_namespace", &pod.namespace);
    set("__meta_kubernetes_pod_name", &pod.name);
    set("__meta_kubernetes_pod_ip", POD_IP);
    set("__meta_kubernetes_pod_ready", "true");
    set("__meta_kubernetes_pod_phase", "Running");
    set("__meta_kubernetes_pod_node_name", "node-1");
    set("__meta_kubernetes_pod_host_ip", "10.1.0.1");
    set(
        "__meta_kubernetes_pod_controller_kind",
        &pod.controller_kind,
    );
    set(
        "__meta_kubernetes_pod_controller_name",
        &pod.controller_name,
    );
    object_meta(labels, "pod_label", &pod.labels);
    object_meta(labels, "pod_annotation", &pod.annotations);
}

/// `__meta_kubernetes_<what>_<name>` and `…<what>present_<name>` for every entry, as Prometheus'
/// `addObjectMetaLabels` does for labels and annotations of pods and Services.
fn object_meta(labels: &mut Labels, what: &str, entries: &Labels) {
    for (k, v) in entries {
        let name = sanitize(k);
        labels.insert(format!("__meta_kubernetes_{what}_{name}"), v.clone());
        labels.insert(
            format!("__meta_kubernetes_{what}present_{name}"),
            "true".into(),
        );
    }
}

fn container_meta(labels: &mut Labels, container: &str, init: bool, port: Option<&(String, i32)>) {
    labels.insert(
        "__meta_kubernetes_pod_container_name".into(),
        container.into(),
    );
    labels.insert(
        "__meta_kubernetes_pod_container_init".into(),
        init.to_string(),
    );
    match port {
        Some((name, number)) => {
            labels.insert("__address__".into(), format!("{POD_IP}:{number}"));
            labels.insert(
                "__meta_kubernetes_pod_container_port_name".into(),
                name.clone(),
            );
            labels.insert(
                "__meta_kubernetes_pod_container_port_number".into(),
                number.to_string(),
            );
            labels.insert(
                "__meta_kubernetes_pod_container_port_protocol".into(),
                "TCP".into(),
            );
        }
        None => {
            labels.insert("__address__".into(), POD_IP.into());
        }
    }
}

/// Prometheus' pod role: one target per container port (init containers too), one per port-less container.
pub fn pod_targets(pod: &PodShape) -> Vec<Labels> {
    let mut base = Labels::new();
    pod_meta(pod, &mut base);
    let mut out = Vec::new();
    for (container, init, ports) in &pod.containers {
        if ports.is_empty() {
            let mut t = base.clone();
            container_meta(&mut t, container, *init, None);
            out.push(t);
        }
        for port in ports {
            let mut t = base.clone();
            container_meta(&mut t, container, *init, Some(port));
            out.push(t);
        }
    }
    out
}

/// Prometheus' endpoints role for one Service over the pod: a target per Service port, plus one per container
/// port the Service does not expose (those carry no `__meta_kubernetes_endpoint_port_name`).
pub fn endpoint_targets(service: &ServiceShape, pod: &PodShape) -> Vec<Labels> {
    let mut base = Labels::new();
    pod_meta(pod, &mut base);
    base.insert(
        "__meta_kubernetes_service_name".into(),
        service.name.clone(),
    );
    base.insert(
        "__meta_kubernetes_endpoints_name".into(),
        service.name.clone(),
    );
    object_meta(&mut base, "service_label", &service.labels);
    let mut out = Vec::new();
    let mut exposed = Vec::new();
    let endpoint_meta = |t: &mut Labels, port_name: &str| {
        for (k, v) in [
            ("__meta_kubernetes_endpoint_port_name", port_name),
            ("__meta_kubernetes_endpoint_port_protocol", "TCP"),
            ("__meta_kubernetes_endpoint_ready", "true"),
            ("__meta_kubernetes_endpoint_address_target_kind", "Pod"),
            (
                "__meta_kubernetes_endpoint_address_target_name",
                pod.name.as_str(),
            ),
        ] {
            t.insert(k.into(), v.into());
        }
    };
    for (port_name, target) in &service.ports {
        let number: Option<i32> = target.parse().ok();
        let mut matched = false;
        for (container, init, ports) in &pod.containers {
            let found = ports.iter().find(|(name, n)| match number {
                Some(number) => *n == number,
                None => name == target,
            });
            if let Some(port) = found {
                let mut t = base.clone();
                container_meta(&mut t, container, *init, Some(port));
                endpoint_meta(&mut t, port_name);
                out.push(t);
                exposed.push((container.clone(), port.0.clone()));
                matched = true;
            }
        }
        // A numeric targetPort no container declares (v1 TiFlash's 20292) is still an endpoint: Prometheus
        // gives it the pod's labels but no container ones.
        if let (false, Some(number)) = (matched, number) {
            let mut t = base.clone();
            t.insert("__address__".into(), format!("{POD_IP}:{number}"));
            endpoint_meta(&mut t, port_name);
            out.push(t);
        }
    }
    for (container, init, ports) in &pod.containers {
        for port in ports {
            if !exposed.contains(&(container.clone(), port.0.clone())) {
                let mut t = base.clone();
                container_meta(&mut t, container, *init, Some(port));
                out.push(t);
            }
        }
    }
    out
}

/// A target that survived relabelling: what Prometheus would scrape and the labels its series get.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub endpoint: usize,
    pub address: String,
    pub scheme: String,
    pub path: String,
    /// The series labels (no `__` labels).
    pub labels: Labels,
}

impl Target {
    pub fn host_port(&self) -> (&str, Option<i32>) {
        match self.address.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().ok()),
            None => (self.address.as_str(), None),
        }
    }
}

fn keep(sources: Vec<String>, regex: String) -> Value {
    json!({"sourceLabels": sources, "regex": regex, "action": "keep"})
}

/// The rules the operator puts before the user's (selector, port filter, namespace/pod/container/job/endpoint).
fn generated_rules(scraper: &ScrapeObject, endpoint: usize) -> Vec<Value> {
    let spec = &scraper.spec;
    let ep = &scraper.endpoints()[endpoint];
    let pods = scraper.selects_pods();
    let vm = scraper.is_victoria_metrics();
    let role = if pods { "pod" } else { "service" };
    let mut rules = Vec::new();
    if pods || !vm {
        rules.push(json!({"sourceLabels": ["__meta_kubernetes_pod_phase"], "regex": "(Failed|Succeeded)", "action": "drop"}));
    }
    let label = |k: &str| format!("__meta_kubernetes_{role}_label_{}", sanitize(k));
    let present = |k: &str| format!("__meta_kubernetes_{role}_labelpresent_{}", sanitize(k));
    for (k, v) in &spec.selector.match_labels {
        rules.push(if vm {
            keep(vec![label(k)], regex::escape(v))
        } else {
            keep(
                vec![label(k), present(k)],
                format!("({});true", regex::escape(v)),
            )
        });
    }
    for r in &spec.selector.match_expressions {
        let values = r
            .values
            .iter()
            .map(|v| regex::escape(v))
            .collect::<Vec<_>>()
            .join("|");
        let (sources, regex) = if vm {
            (vec![label(&r.key)], values)
        } else {
            (
                vec![label(&r.key), present(&r.key)],
                format!("({values});true"),
            )
        };
        rules.push(match r.operator.as_str() {
            "In" => keep(sources, regex),
            "NotIn" => json!({"sourceLabels": sources, "regex": regex, "action": "drop"}),
            "Exists" => keep(vec![present(&r.key)], "true".into()),
            "DoesNotExist" => {
                json!({"sourceLabels": [present(&r.key)], "regex": "true", "action": "drop"})
            }
            // The API server refuses other operators; such an object selects nothing.
            _ => keep(vec!["__never__".into()], "x".into()),
        });
    }
    let target_port = ep.target_port.as_ref().map(|t| match t {
        Value::Number(n) => (true, n.to_string()),
        other => (false, other.as_str().unwrap_or("").to_string()),
    });
    match (&ep.port, ep.port_number, &target_port) {
        (Some(port), _, _) if pods => rules.push(keep(
            vec!["__meta_kubernetes_pod_container_port_name".into()],
            port.clone(),
        )),
        (Some(port), _, _) => rules.push(keep(
            vec!["__meta_kubernetes_endpoint_port_name".into()],
            port.clone(),
        )),
        (None, Some(number), _) if pods => rules.push(keep(
            vec!["__meta_kubernetes_pod_container_port_number".into()],
            number.to_string(),
        )),
        (None, _, Some((true, number))) => rules.push(keep(
            vec!["__meta_kubernetes_pod_container_port_number".into()],
            number.clone(),
        )),
        (None, _, Some((false, name))) => rules.push(keep(
            vec!["__meta_kubernetes_pod_container_port_name".into()],
            name.clone(),
        )),
        _ => {}
    }
    let copy =
        |source: &str, target: &str| json!({"sourceLabels": [source], "targetLabel": target});
    if !pods {
        rules.push(json!({"sourceLabels": ["__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name"], "regex": "Pod;(.*)", "targetLabel": "pod", "replacement": "${1}"}));
        rules.push(copy("__meta_kubernetes_service_name", "service"));
    }
    rules.push(copy("__meta_kubernetes_namespace", "namespace"));
    rules.push(copy("__meta_kubernetes_pod_container_name", "container"));
    rules.push(copy("__meta_kubernetes_pod_name", "pod"));
    let ns = scraper.metadata.namespace();
    if pods {
        rules.push(
            json!({"targetLabel": "job", "replacement": format!("{ns}/{}", scraper.metadata.name)}),
        );
    } else {
        rules.push(json!({"sourceLabels": ["__meta_kubernetes_service_name"], "targetLabel": "job", "replacement": "${1}"}));
    }
    if let Some(job_label) = spec.job_label.as_deref().filter(|j| !j.is_empty()) {
        rules.push(json!({"sourceLabels": [label(job_label)], "regex": "(.+)", "targetLabel": "job", "replacement": "${1}"}));
    }
    let endpoint_name = ep.port.clone().or_else(|| match &target_port {
        Some((false, name)) => Some(name.clone()),
        _ => None,
    });
    if let Some(name) = endpoint_name {
        rules.push(json!({"targetLabel": "endpoint", "replacement": name}));
    }
    rules
}

/// Every target `scraper` would scrape from the group's pods. Err when a rule cannot be evaluated here.
pub fn scrape_targets(
    scraper: &ScrapeObject,
    pods: &GroupPods,
) -> Result<Vec<Target>, RelabelError> {
    let discovered: Vec<Labels> = if scraper.selects_pods() {
        if !scraper.spec.selector.matches(&pods.pod.labels) {
            return Ok(Vec::new());
        }
        pod_targets(&pods.pod)
    } else {
        pods.services
            .iter()
            .filter(|s| scraper.spec.selector.matches(&s.labels))
            .flat_map(|s| endpoint_targets(s, &pods.pod))
            .collect()
    };
    if discovered.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (index, ep) in scraper.endpoints().iter().enumerate() {
        let mut rules = generated_rules(scraper, index);
        rules.extend(ep.target_relabelings().iter().cloned());
        let prefix = match scraper.kind {
            Kind::PodMonitor => "podMonitor",
            Kind::ServiceMonitor => "serviceMonitor",
            Kind::VmPodScrape => "podScrape",
            _ => "serviceScrape",
        };
        let job = format!(
            "{prefix}/{}/{}/{index}",
            scraper.metadata.namespace(),
            scraper.metadata.name
        );
        for meta in &discovered {
            let mut labels = meta.clone();
            labels.insert("job".into(), job.clone());
            labels.insert(
                "__metrics_path__".into(),
                ep.path
                    .clone()
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "/metrics".into()),
            );
            labels.insert(
                "__scheme__".into(),
                ep.scheme
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "http".into())
                    .to_lowercase(),
            );
            if !relabel(&mut labels, &rules)? {
                continue;
            }
            let Some(address) = labels.get("__address__").filter(|a| !a.is_empty()).cloned() else {
                continue;
            };
            labels
                .entry("instance".into())
                .or_insert_with(|| address.clone());
            let scheme = labels.get("__scheme__").cloned().unwrap_or_default();
            let path = labels.get("__metrics_path__").cloned().unwrap_or_default();
            labels.retain(|k, _| !k.starts_with("__"));
            out.push(Target {
                endpoint: index,
                address,
                scheme,
                path,
                labels,
            });
        }
    }
    Ok(out)
}
