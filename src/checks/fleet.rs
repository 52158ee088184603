//! Rules across Kubernetes clusters (`check --context a,b` / `--all-contexts`): what no single-cluster read can
//! see — monitors of different Kubernetes clusters whose series meet in one place (a Thanos Query over their
//! sidecars, or one remote-write receiver) without labels that keep them apart.
//!
//! The facts they follow: TidbMonitor's `externalLabels`, `remoteWrite` and `thanos` (tidb-operator v1.2.0
//! through v1.6.6, `pkg/apis/pingcap/v1alpha1/tidbmonitor_types.go`: Thanos :62, ExternalLabels :107,
//! RemoteWrite :149 at v1.2.0) are the only labels a monitor adds to every series it ships; the series' own labels
//! are `<ns>-<cluster>` and pod names (`template.go` scrapeJob), identical for same-named clusters. Thanos requires
//! "unique labels in the overall Thanos system" per Prometheus (thanos v0.42.4 docs/components/sidecar.md:17);
//! the upstream TiDB dashboards select a Kubernetes cluster with a `k8s_cluster` variable (pingcap/monitoring
//! monitor-snapshot/master/operator/dashboards).
//!
//! The bad and good examples hold several clusters: a line `# context: NAME` starts each one's manifests.

use std::collections::{BTreeMap, BTreeSet};

/// A TidbMonitor `mon` in `monitoring` over `basic` that remote-writes to one receiver, with the given labels.
macro_rules! writing_monitor {
    ($labels:expr) => {
        writing_monitor!($labels, "http://receive.example.com/api/v1/receive")
    };
    ($labels:expr, $url:expr) => {
        concat!("apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: basic}]\n", $labels,
            "  prometheus:\n    baseImage: prom/prometheus\n    version: v2.53.2\n    remoteWrite: [{url: '", $url, "'}]\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n")
    };
}

use super::{Emitter, ObjectId, Rule, Severity};
use crate::core::clusters::monitor_coverage;
use crate::model::TidbMonitor;
use crate::snapshot::{Kind, Snapshot};

/// One Kubernetes cluster of a multi-context check.
pub struct Member<'a> {
    pub context: &'a str,
    pub snapshot: &'a Snapshot,
}

/// Fleet rules see every member at once; their single-snapshot check does nothing.
fn single(_: &Snapshot, _: &super::Context, _: &mut Emitter) {}

pub const RULES: &[&Rule] = &[
    &Rule {
        id: "TM080",
        severity: Severity::Warning,
        title: "Monitors in different Kubernetes clusters ship series with the same external labels",
        explanation: "Two TidbMonitors in different Kubernetes clusters (kubeconfig contexts) send their series to the \
            same place — both run a Thanos sidecar (a Thanos Query reads them together) or both remote-write to the \
            same URL — and carry the same `externalLabels`. The external labels are the only labels a monitor adds to \
            every series it ships (tidb-operator v1.2.0 through v1.6.6), so nothing tells the two Kubernetes clusters \
            apart: the dashboards' `k8s_cluster` variable has nothing to select, Thanos requires unique external \
            labels per Prometheus (docs/components/sidecar.md), and clusters with the same namespace and name merge \
            into one (TM082). Runs with `check --context a,b` or `--all-contexts`.",
        bad: concat!(
            "# context: east\n",
            monitor!(
                "  clusters: [{name: basic}]\n  externalLabels: {region: eu}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.39.2}\n"
            ),
            "---\n# context: west\n",
            monitor!(
                "  clusters: [{name: basic}]\n  externalLabels: {region: eu}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.39.2}\n"
            ),
        ),
        good: concat!(
            "# context: east\n",
            monitor!(
                "  clusters: [{name: basic}]\n  externalLabels: {region: eu, k8s_cluster: east}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.39.2}\n"
            ),
            "---\n# context: west\n",
            monitor!(
                "  clusters: [{name: basic}]\n  externalLabels: {region: eu, k8s_cluster: west}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.39.2}\n"
            ),
        ),
        fix: "Give each monitor an external label naming its Kubernetes cluster, e.g. `externalLabels: {k8s_cluster: east}`.",
        example_operator: Some("v1.6.6"),
        subjects: &[Kind::TidbMonitor, Kind::TidbCluster],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster],
        check: single,
    },
    &Rule {
        id: "TM081",
        severity: Severity::Warning,
        title: "A Kubernetes cluster's monitors send their series nowhere the others' go",
        explanation: "Monitors in some contexts remote-write to a receiver or run Thanos sidecars, which is how a \
            multi-cluster view (one Grafana over Thanos Query or the receiver) is built; the monitors of another \
            context ship elsewhere — a receiver every other shipping context writes to, or the Thanos sidecars they all \
            run, is missing from it — so that Kubernetes cluster is missing from the combined view while each \
            Kubernetes cluster on its own looks fine. A receiver addressed by a cluster-local name (`*.svc`) is another \
            receiver in each cluster and never counts; a context that ships nowhere is reported as info (it may be \
            meant), and a context writing to a receiver is not held to the others' sidecars or the reverse. Runs with `check --context a,b` or \
            `--all-contexts`.",
        bad: concat!(
            "# context: east\n",
            writing_monitor!("  externalLabels: {k8s_cluster: east}\n"),
            "---\n# context: west\n",
            writing_monitor!(
                "  externalLabels: {k8s_cluster: west}\n",
                "http://receive.west.example.com/api/v1/receive"
            ),
        ),
        good: concat!(
            "# context: east\n",
            writing_monitor!("  externalLabels: {k8s_cluster: east}\n"),
            "---\n# context: west\n",
            writing_monitor!("  externalLabels: {k8s_cluster: west}\n"),
        ),
        fix: "Add the same `remoteWrite` entry (or a `thanos` sidecar, then add its gRPC endpoint to the Thanos Query) to the monitors of the missing context — `kubectl tidbmonitor scaffold thanos --context a,b` builds the Query for all.",
        example_operator: Some("v1.6.6"),
        subjects: &[Kind::TidbMonitor, Kind::TidbCluster],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster],
        check: single,
    },
    &Rule {
        id: "TM082",
        severity: Severity::Error,
        title: "Same-named TiDB clusters in different Kubernetes clusters become one in the shared view",
        explanation: "A TidbCluster with the same namespace and name exists in two contexts, and the monitors that \
            scrape them ship to the same place with the same external labels. TidbMonitor labels every series with \
            `tidb_cluster=<namespace>-<name>`, `cluster=<name>` and `instance=<pod>` (template.go scrapeJob) — all \
            equal for the two clusters — so their series become one: a Thanos Query deduplicates one away as a \
            replica of the other, a remote-write receiver sees out-of-order samples, and the dashboards mix both. An \
            error when they remote-write to one receiver; a warning when both only run Thanos sidecars (they meet only \
            if one Thanos Query reads both, which no context shows). Contexts naming the same Kubernetes cluster (same \
            object uids) are not compared. Runs with `check --context a,b` or `--all-contexts`.",
        bad: concat!(
            "# context: east\n",
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: basic, namespace: monitoring}\nspec: {version: v8.5.7, pd: {replicas: 3}, tikv: {replicas: 3}, tidb: {replicas: 2}}\n---\n",
            writing_monitor!(""),
            "---\n# context: west\n",
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: basic, namespace: monitoring}\nspec: {version: v8.5.7, pd: {replicas: 3}, tikv: {replicas: 3}, tidb: {replicas: 2}}\n---\n",
            writing_monitor!(""),
        ),
        good: concat!(
            "# context: east\n",
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: basic, namespace: monitoring}\nspec: {version: v8.5.7, pd: {replicas: 3}, tikv: {replicas: 3}, tidb: {replicas: 2}}\n---\n",
            writing_monitor!("  externalLabels: {k8s_cluster: east}\n"),
            "---\n# context: west\n",
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: basic, namespace: monitoring}\nspec: {version: v8.5.7, pd: {replicas: 3}, tikv: {replicas: 3}, tidb: {replicas: 2}}\n---\n",
            writing_monitor!("  externalLabels: {k8s_cluster: west}\n"),
        ),
        fix: "Give each monitor an external label naming its Kubernetes cluster (`externalLabels: {k8s_cluster: east}`), and select it in the dashboards' `k8s_cluster` variable.",
        example_operator: Some("v1.6.6"),
        subjects: &[Kind::TidbMonitor, Kind::TidbCluster],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster],
        check: single,
    },
];

/// An example's manifests per context: a line `# context: NAME` starts each one's.
pub fn split_contexts(yaml: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in yaml.lines() {
        if let Some(name) = line.strip_prefix("# context: ") {
            out.push((name.trim().to_string(), String::new()));
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// Whether a rule compares Kubernetes clusters (and so needs `run`, not `super::run`).
pub fn is_fleet(id: &str) -> bool {
    RULES.iter().any(|r| r.id == id)
}

/// Where a monitor's series go besides its own Prometheus: each remote-write URL, and `thanos` for a sidecar. A
/// receiver addressed by a cluster-local name (`*.svc`, `*.cluster.local`, a bare Service name) is another
/// receiver in each Kubernetes cluster, so it is keyed by the context.
fn sinks(context: &str, monitor: &TidbMonitor) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = monitor
        .spec
        .prometheus
        .iter()
        .flat_map(|p| &p.remote_write)
        .map(|w| w.url.trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
        .map(|url| {
            if cluster_local(&url) {
                format!("{url} (in context {context})")
            } else {
                url
            }
        })
        .collect();
    if monitor.spec.thanos.is_some() {
        out.insert(THANOS.to_string());
    }
    out
}

const THANOS: &str = "thanos";

/// Whether a URL's host only resolves inside its own Kubernetes cluster.
fn cluster_local(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .rsplit_once(':')
        .map_or(authority, |(h, _)| h);
    let host = host.trim_end_matches('.');
    host.ends_with(".svc")
        || host.ends_with(".cluster.local")
        || (!host.contains('.')
            && host != "localhost"
            && host.parse::<std::net::IpAddr>().is_err()
            && !host.starts_with('['))
}

fn describe_sink(sink: &str) -> String {
    if sink == THANOS {
        "Thanos (both run a sidecar, which one Thanos Query may read)".to_string()
    } else {
        format!("the remote-write receiver {sink}")
    }
}

fn labels(monitor: &TidbMonitor) -> String {
    if monitor.spec.external_labels.is_empty() {
        return "none".into();
    }
    let pairs: Vec<String> = monitor
        .spec
        .external_labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{{{}}}", pairs.join(","))
}

/// A monitor of one member.
struct Shipping<'a> {
    context: &'a str,
    monitor: &'a TidbMonitor,
    sinks: BTreeSet<String>,
}

fn shipping<'a>(members: &'a [Member<'a>]) -> Vec<Shipping<'a>> {
    members
        .iter()
        .flat_map(|m| {
            m.snapshot.monitors.iter().map(move |monitor| Shipping {
                context: m.context,
                monitor,
                sinks: sinks(m.context, monitor),
            })
        })
        .collect()
}

fn id(monitor: &TidbMonitor) -> String {
    format!("{}/{}", monitor.metadata.namespace(), monitor.metadata.name)
}

/// Runs the selected fleet rules over every member; findings carry the context of the object they are about.
pub fn run(members: &[Member], selected: impl Fn(&str) -> bool) -> Vec<super::Finding> {
    let context = super::Context {
        operator: super::OperatorVersion::Unknown,
        all_namespaces: true,
        offline: false,
    };
    let monitors = shipping(members);
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| selected(r.id)) {
        let mut emitter = Emitter {
            rule,
            context: &context,
            findings: Vec::new(),
        };
        match rule.id {
            "TM080" => same_labels(&monitors, &mut emitter),
            "TM081" => missing_context(members, &monitors, &mut emitter),
            "TM082" => same_clusters(members, &monitors, &mut emitter),
            _ => {}
        }
        findings.extend(emitter.findings);
    }
    // The object's own `kubectl-tidbmonitor/ignore` annotation silences a fleet rule as it does any other.
    for finding in &mut findings {
        if let Some(member) = members
            .iter()
            .find(|m| Some(m.context) == finding.context.as_deref())
        {
            finding.suppressed = super::suppression(member.snapshot, finding);
        }
    }
    findings.sort_by(|a, b| (&a.context, &a.object, a.rule).cmp(&(&b.context, &b.object, b.rule)));
    findings
}

/// The first place two monitors both ship to, when their external labels are the same.
/// Whether two monitors' series carry the same external labels, so that nothing but the series' own labels tells
/// them apart where they meet (the replica label is Thanos' deduplication key, not an identity).
pub fn indistinguishable(a: &TidbMonitor, b: &TidbMonitor) -> bool {
    a.spec.external_labels == b.spec.external_labels
}

/// Two contexts of one kubeconfig may name the same Kubernetes cluster (an admin and a read-only context): the
/// same object (same uid) is never compared with itself.
fn same_object(a: &TidbMonitor, b: &TidbMonitor) -> bool {
    a.metadata.uid.is_some() && a.metadata.uid == b.metadata.uid
}

fn shared_sink(a: &Shipping, b: &Shipping) -> Option<String> {
    if !indistinguishable(a.monitor, b.monitor) || same_object(a.monitor, b.monitor) {
        return None;
    }
    a.sinks.iter().find(|s| b.sinks.contains(*s)).cloned()
}

fn same_labels(monitors: &[Shipping], emitter: &mut Emitter) {
    for a in monitors {
        let partners: Vec<String> = monitors
            .iter()
            .filter(|b| b.context != a.context)
            .filter_map(|b| {
                shared_sink(a, b).map(|sink| {
                    format!(
                        "TidbMonitor {} in context {} (both to {})",
                        id(b.monitor),
                        b.context,
                        describe_sink(&sink)
                    )
                })
            })
            .collect();
        if partners.is_empty() {
            continue;
        }
        emitter.report_in(
            a.context,
            ObjectId::of("TidbMonitor", &a.monitor.metadata),
            format!(
                "its series and those of {} carry the same external labels ({}): nothing tells the Kubernetes clusters apart",
                partners.join("; "),
                labels(a.monitor)
            ),
            format!(
                "add an external label naming the Kubernetes cluster: externalLabels: {{k8s_cluster: {}}}",
                a.context
            ),
        );
    }
}

fn missing_context(members: &[Member], monitors: &[Shipping], emitter: &mut Emitter) {
    // What each context's monitors ship to, together.
    let mut by_context: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in monitors {
        by_context
            .entry(m.context)
            .or_default()
            .extend(m.sinks.iter().map(String::as_str));
    }
    for member in members {
        let own: Vec<&Shipping> = monitors
            .iter()
            .filter(|m| m.context == member.context)
            .collect();
        let Some(mine) = by_context.get(member.context) else {
            continue;
        };
        let others: Vec<(&str, &BTreeSet<&str>)> = by_context
            .iter()
            .filter(|(c, sinks)| **c != member.context && !sinks.is_empty())
            .map(|(c, sinks)| (*c, sinks))
            .collect();
        if others.is_empty() {
            continue;
        }
        let names: Vec<&str> = others.iter().map(|(c, _)| *c).collect();
        if mine.is_empty() {
            // Shipping nowhere may be meant (a development cluster): said, not failed.
            for m in &own {
                emitter.report_as(
                    Severity::Info,
                    ObjectId::of("TidbMonitor", &m.monitor.metadata),
                    format!(
                        "the monitors of context(s) {} ship their series to a Thanos Query or a receiver; this context's ship nowhere, so the combined view misses it (fine if intended)",
                        names.join(", ")
                    ),
                    "add the other contexts' remoteWrite entry or a thanos sidecar".to_string(),
                );
                if let Some(last) = emitter.findings.last_mut() {
                    last.context = Some(member.context.to_string());
                }
            }
            continue;
        }
        // A place every other shipping context reaches and this one does not: a sidecar context is not missing
        // from a receiver (a Thanos Receive may sit behind the same Query), nor a writing context from Thanos.
        let shared: BTreeSet<&str> = others
            .iter()
            .map(|(_, sinks)| (*sinks).clone())
            .reduce(|a, b| a.intersection(&b).copied().collect())
            .unwrap_or_default();
        let writes = mine.iter().any(|s| *s != THANOS);
        for sink in shared.difference(mine) {
            if (*sink == THANOS && writes) || (*sink != THANOS && mine.contains(THANOS)) {
                continue;
            }
            let (what, fix) = if *sink == THANOS {
                (
                    "run Thanos sidecars; this context's monitors run none and write nowhere, so a Thanos Query over them cannot read this Kubernetes cluster".to_string(),
                    "add spec.thanos (kubectl tidbmonitor scaffold thanos --context …) and its gRPC endpoint to the Thanos Query".to_string(),
                )
            } else {
                (
                    format!(
                        "remote-write to {sink}; this context's monitors do not, so that receiver misses this Kubernetes cluster"
                    ),
                    format!("add {{url: {sink}}} to spec.prometheus.remoteWrite"),
                )
            };
            for m in &own {
                emitter.report_in(
                    member.context,
                    ObjectId::of("TidbMonitor", &m.monitor.metadata),
                    format!("the monitors of context(s) {} {what}", names.join(", ")),
                    fix.clone(),
                );
            }
        }
    }
}

/// One context's monitors that scrape a TidbCluster of a given namespace and name.
type Covering<'a> = (&'a str, Vec<&'a Shipping<'a>>);

fn same_clusters(members: &[Member], monitors: &[Shipping], emitter: &mut Emitter) {
    let mut by_name: BTreeMap<(String, String), Vec<Covering>> = BTreeMap::new();
    for member in members {
        for tc in &member.snapshot.clusters {
            let (covering, _) = monitor_coverage(member.snapshot, &tc.metadata, |m| {
                m.spec.clusters.as_slice()
            });
            let covering: Vec<&Shipping> = monitors
                .iter()
                .filter(|s| s.context == member.context && covering.contains(&id(s.monitor)))
                .collect();
            if covering.is_empty() {
                continue;
            }
            by_name
                .entry((
                    tc.metadata.namespace().to_string(),
                    tc.metadata.name.clone(),
                ))
                .or_default()
                .push((member.context, covering));
        }
    }
    for ((ns, name), places) in by_name {
        for (context, covering) in &places {
            let clashes: Vec<(String, bool)> = places
                .iter()
                .filter(|(other, _)| other != context)
                .flat_map(|(other, theirs)| {
                    covering.iter().flat_map(move |a| {
                        theirs.iter().filter_map(move |b| {
                            shared_sink(a, b).map(|sink| {
                                (
                                    format!(
                                        "context {other} (TidbMonitor {} and {} both to {})",
                                        id(a.monitor),
                                        id(b.monitor),
                                        describe_sink(&sink)
                                    ),
                                    sink == THANOS,
                                )
                            })
                        })
                    })
                })
                .collect();
            if clashes.is_empty() {
                continue;
            }
            // One receiver is certain; two sets of sidecars meet only if one Thanos Query reads both, which the
            // plugin does not see: a warning then, not an error.
            let certain = clashes.iter().any(|(_, thanos)| !thanos);
            let texts: Vec<&str> = clashes.iter().map(|(t, _)| t.as_str()).collect();
            emitter.report_as(
                if certain { Severity::Error } else { Severity::Warning },
                ObjectId {
                    kind: "TidbCluster",
                    namespace: ns.clone(),
                    name: name.clone(),
                },
                format!(
                    "a TidbCluster {ns}/{name} exists in {} too, and their series carry the same tidb_cluster={ns}-{name}, cluster, instance and external labels: {}",
                    texts.join("; "),
                    if certain { "they become one series" } else { "a Thanos Query reading both sidecars makes them one series" }
                ),
                format!("add an external label naming the Kubernetes cluster to the monitors: externalLabels: {{k8s_cluster: {context}}}"),
            );
            if let Some(last) = emitter.findings.last_mut() {
                last.context = Some(context.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_local_receivers_are_told_from_shared_ones() {
        for url in [
            "http://thanos-receive.monitoring.svc:19291/api/v1/receive",
            "http://receiver.obs.svc.cluster.local/api/v1/receive",
            "http://receiver:8080/write",
            "https://user@vminsert.vm.svc.cluster.local.:8480/insert/0/prometheus",
        ] {
            assert!(cluster_local(url), "{url}");
        }
        for url in [
            "https://receive.example.com/api/v1/receive",
            "http://10.0.0.7:19291/api/v1/receive",
            "http://localhost:9090/api/v1/write",
            "http://[fd00::1]:19291/api/v1/receive",
        ] {
            assert!(!cluster_local(url), "{url}");
        }
    }
}
