//! `status NAME`: one TidbMonitor's whole story — overview, clusters, workloads, storage, endpoints, findings —
//! as one [`MonitorStatus`]. Every fact comes from the predicates `get`, `clusters` and `check` already use
//! (`monitors::monitor_view`, `clusters::cluster_views`, `checks::run`, the migration rules' volume fate), so
//! `status` can never disagree with them. A section whose kinds could not be read says so instead of guessing.

use serde::Serialize;

use crate::checks::{self, Context, Finding};
use crate::core::clusters::cluster_views;
use crate::core::monitors::{ClusterRefView, MonitorView, monitor_view};
use crate::core::{VIEW_API_VERSION, ViewMeta};
use crate::model::TidbMonitor;
use crate::naming;
use crate::snapshot::{Gap, Kind, Lookup, Scope, Snapshot};

/// The labels tidb-operator (v1.2.0 through v1.6.6, `label.NewMonitor().Instance(name).Monitor()` in
/// pkg/monitor/monitor/util.go) puts on a monitor's StatefulSets, Services and claims: instance and component.
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// The Thanos sidecar's gRPC port, which the operator adds to `X-prometheus` as `thanos-grpc`
/// (getMonitorService in pkg/monitor/monitor/util.go, v1.6.6).
const THANOS_GRPC_PORT: i32 = 10901;

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MonitorStatus {
    #[schemars(extend("const" = VIEW_API_VERSION))]
    pub api_version: &'static str,
    #[schemars(extend("const" = "TidbMonitorStatus"))]
    pub kind: &'static str,
    /// The kubeconfig context it was read in, with `--context a,b` or `--all-contexts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub metadata: ViewMeta,
    /// What `get` shows for the monitor: versions, shards × replicas, retention, labels, remote write.
    pub overview: MonitorView,
    pub clusters: Section<ClusterStatus>,
    pub workloads: Section<WorkloadStatus>,
    /// The workloads' Pods, read by the monitor's labels.
    pub pods: Section<PodStatus>,
    pub storage: Section<ClaimStatus>,
    pub endpoints: Section<ServiceStatus>,
    /// The Ingresses tidb-operator made for `prometheus.ingress` / `grafana.ingress` (shard 0).
    pub ingresses: Section<IngressStatus>,
    /// Events about the monitor, its workloads and Pods: warnings first, one row per (object, type, reason,
    /// message) with the times summed.
    pub events: Section<EventStatus>,
    pub findings: Section<Finding>,
}

/// One section: its rows and the kinds it needed but could not read (then the rows are incomplete).
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Section<T> {
    pub items: Vec<T>,
    pub not_checked: Vec<NotChecked>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotChecked {
    /// `secrets`, `statefulsets.apps`, …
    pub resource: String,
    /// The namespaces it was needed in; empty for cluster-scoped kinds.
    pub namespaces: Vec<String>,
    /// `forbidden`, or the failure.
    pub reason: String,
}

impl NotChecked {
    /// `forbidden (list secrets in tidb)`, as a section prints it.
    pub fn describe(&self) -> String {
        let scope = if self.namespaces.is_empty() {
            String::new()
        } else {
            format!(" in {}", self.namespaces.join(","))
        };
        match self.reason.as_str() {
            "forbidden" => format!("forbidden (list {}{scope})", self.resource),
            failure => format!("{failure} (list {}{scope})", self.resource),
        }
    }
}

/// Whether an object the section looked for exists.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Presence {
    Present,
    Missing,
    /// Not readable (forbidden, outside what was read, or offline files).
    Unknown,
}

impl<T> From<&Lookup<T>> for Presence {
    fn from(lookup: &Lookup<T>) -> Presence {
        match lookup {
            Lookup::Found(_) => Presence::Present,
            Lookup::Missing => Presence::Missing,
            Lookup::Unknown => Presence::Unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// The reference as `get` resolves it (kind, namespace, name, state, tls).
    #[serde(flatten)]
    pub reference: ClusterRefView,
    /// The client certificate Secret the monitor mounts, for a TLS cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ClientSecret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The other monitors and scrape objects that cover this cluster, as `clusters` names them in MONITORED-BY.
    pub also_covered_by: Vec<String>,
    /// False when not every monitor or scrape object could be read: `alsoCoveredBy` may be short.
    pub coverage_complete: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ClientSecret {
    pub name: String,
    pub presence: Presence,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadStatus {
    /// `StatefulSet` (one per shard) or `Deployment` (the v1.1 layout).
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<i32>,
    pub presence: Presence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<i32>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Ready containers.
    pub ready: i32,
    pub containers: i32,
    /// Restarts of all its containers.
    pub restarts: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngressStatus {
    pub name: String,
    /// `host/path → service:port` of each rule.
    pub routes: Vec<String>,
    /// Hosts served over TLS.
    pub tls_hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventStatus {
    /// `Warning` or `Normal`.
    #[serde(rename = "type")]
    pub type_: String,
    pub reason: String,
    /// `Kind/name` of the object it is about.
    pub object: String,
    pub message: String,
    pub count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClaimStatus {
    pub name: String,
    /// `statefulset` (a shard replica's claim) or `legacy` (the v1.1 Deployment's claim).
    pub role: &'static str,
    pub presence: Presence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeStatus>,
    /// What the v1.1 → v1.2 migration will do to this claim's volume (legacy claims only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeStatus {
    pub name: String,
    pub presence: Presence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reclaim_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    /// `name:port` of each port.
    pub ports: Vec<String>,
    /// Carries the Thanos sidecar's gRPC port (a Thanos Query's store endpoint).
    pub thanos_grpc: bool,
}

/// The status of TidbMonitor `namespace/name`, or `None` when the snapshot holds no such monitor.
/// `finding_kinds` are the kinds `check` reads: the Findings section is partial when one of them is.
pub fn monitor_status(
    snapshot: &Snapshot,
    namespace: &str,
    name: &str,
    context: &Context,
    finding_kinds: &[Kind],
) -> Option<MonitorStatus> {
    let monitor = snapshot
        .monitors
        .iter()
        .find(|m| m.metadata.namespace() == namespace && m.metadata.name == name)?;
    let overview = monitor_view(snapshot, monitor);
    Some(MonitorStatus {
        api_version: VIEW_API_VERSION,
        kind: "TidbMonitorStatus",
        context: None,
        metadata: (&monitor.metadata).into(),
        clusters: clusters(snapshot, monitor, &overview),
        workloads: workloads(snapshot, monitor),
        pods: pods(snapshot, monitor),
        storage: storage(snapshot, monitor),
        endpoints: endpoints(snapshot, monitor),
        ingresses: ingresses(snapshot, monitor),
        events: events(snapshot, monitor),
        findings: findings(snapshot, monitor, &overview, context, finding_kinds),
        overview,
    })
}

impl MonitorStatus {
    /// Some section could not read a kind it needs: the view is partial (exit 1).
    pub fn partial(&self) -> bool {
        !(self.clusters.not_checked.is_empty()
            && self.workloads.not_checked.is_empty()
            && self.pods.not_checked.is_empty()
            && self.storage.not_checked.is_empty()
            && self.endpoints.not_checked.is_empty()
            && self.ingresses.not_checked.is_empty()
            && self.events.not_checked.is_empty()
            && self.findings.not_checked.is_empty())
    }
}

/// The kinds among `kinds` that could not be read, with the namespaces they were needed in. A CRD that is not
/// installed holds nothing, so it leaves no gap.
pub fn gaps(snapshot: &Snapshot, kinds: &[(Kind, Vec<String>)]) -> Vec<NotChecked> {
    kinds
        .iter()
        .filter_map(|(kind, namespaces)| {
            let reason = match snapshot.gaps.get(kind)? {
                Gap::Forbidden(_) => "forbidden".to_string(),
                Gap::Failed(message) => message.clone(),
                Gap::NotInstalled => return None,
            };
            let mut namespaces = if kind.namespaced() {
                namespaces.clone()
            } else {
                Vec::new()
            };
            namespaces.sort();
            namespaces.dedup();
            Some(NotChecked {
                resource: kind.resource(),
                namespaces,
                reason,
            })
        })
        .collect()
}

fn clusters(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    overview: &MonitorView,
) -> Section<ClusterStatus> {
    let own = format!("{}/{}", monitor.metadata.namespace(), monitor.metadata.name);
    let views = cluster_views(snapshot);
    let items: Vec<ClusterStatus> = overview
        .clusters
        .iter()
        .map(|r| {
            let view = views.iter().find(|v| {
                v.cluster_kind == r.kind
                    && v.metadata.namespace == r.namespace
                    && v.metadata.name == r.name
            });
            let client_secret = (r.tls == Some(true)).then(|| {
                let name = match r.kind {
                    "DMCluster" => naming::dm_client_secret(&r.name),
                    _ => naming::cluster_client_secret(&r.name),
                };
                ClientSecret {
                    presence: (&snapshot.secret(&r.namespace, &name)).into(),
                    name,
                }
            });
            ClusterStatus {
                reference: r.clone(),
                client_secret,
                version: view.and_then(|v| v.version.clone()),
                also_covered_by: view
                    .map(|v| {
                        v.monitored_by
                            .iter()
                            .filter(|m| **m != own)
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default(),
                coverage_complete: view.is_some_and(|v| v.coverage_complete),
            }
        })
        .collect();
    let namespaces: Vec<String> = items
        .iter()
        .map(|c| c.reference.namespace.clone())
        .collect();
    let mut needed = vec![
        (Kind::TidbCluster, namespaces.clone()),
        (Kind::DmCluster, namespaces.clone()),
        (Kind::Secret, namespaces.clone()),
        (Kind::TidbMonitor, Vec::new()),
    ];
    needed.extend(
        crate::core::scraping::SCRAPE_KINDS
            .into_iter()
            .map(|k| (k, Vec::new())),
    );
    Section {
        not_checked: gaps(snapshot, &needed),
        items,
    }
}

fn workloads(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<WorkloadStatus> {
    let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
    let mut items: Vec<WorkloadStatus> = (0..monitor.spec.shards())
        .map(|shard| {
            let sts_name = naming::shard_statefulset(name, shard);
            let lookup = snapshot.statefulset(ns, &sts_name);
            let found = lookup.found();
            WorkloadStatus {
                kind: "StatefulSet",
                presence: (&lookup).into(),
                name: sts_name,
                shard: Some(shard),
                ready: found.map(|s| s.status.ready_replicas.unwrap_or(0)),
                desired: Some(
                    found
                        .and_then(|s| s.spec.replicas)
                        .unwrap_or(monitor.spec.replicas()),
                ),
            }
        })
        .collect();
    let deployment_name = naming::legacy_deployment(name);
    let deployment = snapshot.deployment(ns, &deployment_name);
    // A legacy Deployment long gone is the normal state; it is listed only when it exists or cannot be told.
    if !matches!(deployment, Lookup::Missing) {
        let found = deployment.found();
        items.push(WorkloadStatus {
            kind: "Deployment",
            presence: (&deployment).into(),
            name: deployment_name,
            shard: None,
            ready: found.map(|d| d.status.ready_replicas.unwrap_or(0)),
            desired: found.map(|d| d.spec.replicas.unwrap_or(1)),
        });
    }
    let ns = vec![ns.to_string()];
    Section {
        not_checked: gaps(
            snapshot,
            &[
                (Kind::StatefulSet, ns.clone()),
                (Kind::Deployment, ns.clone()),
            ],
        ),
        items,
    }
}

/// Whether a Pod is one of the monitor's: tidb-operator labels the pods of shard s like the StatefulSet
/// (`app.kubernetes.io/component=monitor`, `app.kubernetes.io/instance=<name>[-shard-s]`; the v1.1 Deployment's
/// pods carry the shard-0 instance), pkg/monitor/monitor/util.go buildTidbMonitorLabel, v1.2.0 through v1.6.6.
pub fn monitor_pod(monitor: &TidbMonitor, pod: &crate::model::Pod) -> bool {
    let labels = &pod.metadata.labels;
    pod.metadata.namespace() == monitor.metadata.namespace()
        && labels.get(COMPONENT_LABEL).map(String::as_str) == Some("monitor")
        && labels.get(INSTANCE_LABEL).is_some_and(|instance| {
            (0..monitor.spec.shards())
                .any(|shard| *instance == naming::shard_instance(&monitor.metadata.name, shard))
        })
}

fn pods(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<PodStatus> {
    let mut items: Vec<PodStatus> = snapshot
        .pods
        .iter()
        .filter(|p| monitor_pod(monitor, p))
        .map(|p| PodStatus {
            name: p.metadata.name.clone(),
            phase: p.status.phase.clone(),
            ready: p
                .status
                .container_statuses
                .iter()
                .filter(|c| c.ready)
                .count() as i32,
            containers: p.status.container_statuses.len() as i32,
            restarts: p
                .status
                .container_statuses
                .iter()
                .map(|c| c.restart_count)
                .sum(),
            node: p.spec.node_name.clone(),
            creation_timestamp: p.metadata.creation_timestamp.clone(),
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Section {
        not_checked: gaps(
            snapshot,
            &[(Kind::Pod, vec![monitor.metadata.namespace().to_string()])],
        ),
        items,
    }
}

/// The objects whose events tell the monitor's story: itself, its StatefulSets, the legacy Deployment, its Pods.
pub fn event_subjects(snapshot: &Snapshot, monitor: &TidbMonitor) -> Vec<(&'static str, String)> {
    let name = &monitor.metadata.name;
    let mut subjects = vec![("TidbMonitor", name.clone())];
    subjects.extend(
        (0..monitor.spec.shards())
            .map(|shard| ("StatefulSet", naming::shard_statefulset(name, shard))),
    );
    subjects.push(("Deployment", naming::legacy_deployment(name)));
    subjects.extend(
        snapshot
            .pods
            .iter()
            .filter(|p| monitor_pod(monitor, p))
            .map(|p| ("Pod", p.metadata.name.clone())),
    );
    subjects
}

fn events(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<EventStatus> {
    let ns = monitor.metadata.namespace();
    let subjects = event_subjects(snapshot, monitor);
    let mut rows: Vec<EventStatus> = Vec::new();
    for event in &snapshot.events {
        let subject = &event.involved_object;
        let (Some(kind), Some(name)) = (subject.kind.as_deref(), subject.name.as_deref()) else {
            continue;
        };
        if event.metadata.namespace() != ns
            || !subjects.iter().any(|(k, n)| *k == kind && n == name)
        {
            continue;
        }
        let row = EventStatus {
            type_: event.type_.clone().unwrap_or_else(|| "Normal".into()),
            reason: event.reason.clone().unwrap_or_default(),
            object: format!("{kind}/{name}"),
            message: event.message.clone().unwrap_or_default().trim().to_string(),
            count: event.times(),
            last_seen: event.last_seen().map(str::to_string),
        };
        // The same report from several Event objects (a new one per reporter or after aggregation) is one row.
        match rows.iter_mut().find(|r| {
            (&r.type_, &r.reason, &r.object, &r.message)
                == (&row.type_, &row.reason, &row.object, &row.message)
        }) {
            Some(existing) => {
                existing.count += row.count;
                if row.last_seen > existing.last_seen {
                    existing.last_seen = row.last_seen;
                }
            }
            None => rows.push(row),
        }
    }
    // Warnings first, then the latest first (RFC 3339 times in UTC sort as text).
    rows.sort_by(|a, b| {
        (
            a.type_ != "Warning",
            std::cmp::Reverse(&a.last_seen),
            &a.object,
            &a.reason,
        )
            .cmp(&(
                b.type_ != "Warning",
                std::cmp::Reverse(&b.last_seen),
                &b.object,
                &b.reason,
            ))
    });
    Section {
        not_checked: gaps(snapshot, &[(Kind::Event, vec![ns.to_string()])]),
        items: rows,
    }
}

fn storage(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<ClaimStatus> {
    let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
    let mut items = Vec::new();
    if monitor.spec.persistent {
        for shard in 0..monitor.spec.shards() {
            for replica in 0..monitor.spec.replicas() {
                items.push(claim(
                    snapshot,
                    ns,
                    naming::shard_pvc(name, shard, replica),
                    "statefulset",
                    None,
                ));
            }
        }
        let legacy = naming::legacy_pvc(name);
        let lookup = snapshot.pvc(ns, &legacy);
        // Listed when it exists, or when a legacy Deployment says a migration is due and it cannot be told.
        let deployment_exists = matches!(
            snapshot.deployment(ns, &naming::legacy_deployment(name)),
            Lookup::Found(_)
        );
        if matches!(lookup, Lookup::Found(_))
            || (matches!(lookup, Lookup::Unknown) && deployment_exists)
        {
            let fate = crate::checks::migration::legacy_volume_fate(snapshot, monitor);
            items.push(claim(snapshot, ns, legacy, "legacy", fate));
        }
    }
    let ns = vec![ns.to_string()];
    Section {
        not_checked: gaps(
            snapshot,
            &[
                (Kind::PersistentVolumeClaim, ns.clone()),
                (Kind::PersistentVolume, Vec::new()),
            ],
        ),
        items,
    }
}

fn claim(
    snapshot: &Snapshot,
    ns: &str,
    name: String,
    role: &'static str,
    migration: Option<String>,
) -> ClaimStatus {
    let lookup = snapshot.pvc(ns, &name);
    let pvc = lookup.found();
    let volume = pvc
        .and_then(|p| p.spec.volume_name.as_deref())
        .filter(|v| !v.is_empty())
        .map(|pv_name| {
            let lookup = snapshot.pv(pv_name);
            let pv = lookup.found();
            VolumeStatus {
                name: pv_name.to_string(),
                presence: (&lookup).into(),
                reclaim_policy: pv.map(|pv| {
                    pv.spec
                        .persistent_volume_reclaim_policy
                        .clone()
                        .unwrap_or_else(|| "Retain".into())
                }),
                capacity: pv.and_then(|pv| pv.spec.capacity.get("storage").cloned()),
            }
        });
    ClaimStatus {
        presence: (&lookup).into(),
        name,
        role,
        phase: pvc.and_then(|p| p.status.phase.clone()),
        size: pvc.and_then(|p| p.spec.resources.requests.get("storage").cloned()),
        storage_class: pvc.and_then(|p| p.spec.storage_class_name.clone()),
        volume,
        migration,
    }
}

/// The monitor's Ingresses: tidb-operator labels them as its Services (`buildTidbMonitorLabel`, util.go
/// getIngress, v1.6.6).
fn ingresses(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<IngressStatus> {
    let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
    let mut items: Vec<IngressStatus> = snapshot
        .ingresses
        .iter()
        .filter(|i| {
            let labels = &i.metadata.labels;
            i.metadata.namespace() == ns
                && labels.get(INSTANCE_LABEL).map(String::as_str) == Some(name.as_str())
                && labels.get(COMPONENT_LABEL).map(String::as_str) == Some("monitor")
        })
        .map(|i| IngressStatus {
            name: i.metadata.name.clone(),
            routes: i
                .spec
                .rules
                .iter()
                .flat_map(|rule| {
                    let host = rule.host.clone().unwrap_or_else(|| "*".into());
                    rule.http
                        .iter()
                        .flat_map(|http| http.paths.iter())
                        .map(move |p| {
                            let backend = p.backend.service.as_ref().map_or("-".to_string(), |s| {
                                let port = s
                                    .port
                                    .number
                                    .map(|n| n.to_string())
                                    .or_else(|| s.port.name.clone())
                                    .unwrap_or_default();
                                format!("{}:{port}", s.name)
                            });
                            format!("{host}{} → {backend}", p.path.as_deref().unwrap_or("/"))
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
            tls_hosts: i.spec.tls.iter().flat_map(|t| t.hosts.clone()).collect(),
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Section {
        not_checked: gaps(snapshot, &[(Kind::Ingress, vec![ns.to_string()])]),
        items,
    }
}

fn endpoints(snapshot: &Snapshot, monitor: &TidbMonitor) -> Section<ServiceStatus> {
    let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
    let mut items: Vec<ServiceStatus> = snapshot
        .services
        .iter()
        .filter(|s| {
            let labels = &s.metadata.labels;
            s.metadata.namespace() == ns
                && labels.get(INSTANCE_LABEL).map(String::as_str) == Some(name.as_str())
                && labels.get(COMPONENT_LABEL).map(String::as_str) == Some("monitor")
        })
        .map(|s| ServiceStatus {
            name: s.metadata.name.clone(),
            type_: s
                .spec
                .type_
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "ClusterIP".into()),
            ports: s
                .spec
                .ports
                .iter()
                .map(|p| match &p.name {
                    Some(port_name) if !port_name.is_empty() => format!("{port_name}:{}", p.port),
                    _ => p.port.to_string(),
                })
                .collect(),
            thanos_grpc: s.spec.ports.iter().any(|p| p.port == THANOS_GRPC_PORT),
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Section {
        not_checked: gaps(snapshot, &[(Kind::Service, vec![ns.to_string()])]),
        items,
    }
}

/// Every rule's findings about the monitor itself and about the clusters it references.
fn findings(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    overview: &MonitorView,
    context: &Context,
    finding_kinds: &[Kind],
) -> Section<Finding> {
    let items = checks::run(snapshot, context, |_| true)
        .into_iter()
        .filter(|f| {
            let o = &f.object;
            (o.kind == Kind::TidbMonitor.kind_name()
                && o.namespace == monitor.metadata.namespace()
                && o.name == monitor.metadata.name)
                || overview
                    .clusters
                    .iter()
                    .any(|r| r.kind == o.kind && r.namespace == o.namespace && r.name == o.name)
        })
        .collect();
    let scope_namespaces = |kind: &Kind| match snapshot.scopes.get(kind) {
        Some(Scope::Namespace(ns)) => vec![ns.clone()],
        _ => Vec::new(),
    };
    let needed: Vec<(Kind, Vec<String>)> = finding_kinds
        .iter()
        .map(|k| (*k, scope_namespaces(k)))
        .collect();
    Section {
        not_checked: gaps(snapshot, &needed),
        items,
    }
}
