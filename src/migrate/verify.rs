//! `migrate --verify`: the running stack beside the TidbMonitor it replaces. Pure: for each TidbMonitor in the
//! snapshot, the Prometheus (or the VMAgent and VMSingle) of the same namespace and name, as `migrate` creates
//! them, is compared on what decides whether history, dashboards and alerts survive — every cluster the monitor
//! covered scraped by scrape objects the new stack selects, the same series labels on the same pods, retention,
//! external labels, shards and replicas, remote write, Thanos. Each difference is one sentence naming both sides.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::core::discovery::{
    GroupPods, dm_cluster_pods, pod_targets, scrape_targets, tidb_cluster_pods,
};
use crate::core::monitor_jobs;
use crate::core::relabel::relabel;
use crate::core::scraping::{Loaded, cluster_pods, loaded_by, selected_by_vmagent};
use crate::model::{ObjectMeta, ScrapeObject, TidbMonitor};
use crate::snapshot::{Kind, Snapshot};

use super::victoriametrics::{parse_duration, remote_write_url};
use super::{Covered, To};

/// prometheus-operator v0.93 `pkg/prometheus/common.go:53,79-85`: no `retention` and no `retentionSize` is 24h.
const PROMETHEUS_OPERATOR_DEFAULT_RETENTION: &str = "24h";

/// The labels the dashboards and TiDB Dashboard group by (`job` is deliberately changed, docs/migrate.md).
const SERIES_LABELS: [&str; 5] = [
    "instance",
    "component",
    "cluster",
    "tidb_cluster",
    "kubernetes_namespace",
];

/// One monitor's verification.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// `namespace/name` of the TidbMonitor.
    pub monitor: String,
    /// What is expected to replace it: `Prometheus NS/NAME`, or `VMAgent NS/NAME + VMSingle NS/NAME`.
    pub stack: String,
    /// What was compared, for the reader (clusters, components).
    pub compared: Vec<String>,
    /// Each difference, one sentence; empty when the new stack keeps everything compared.
    pub differences: Vec<String>,
    /// What could not be compared (a kind that was not read); the verification is incomplete.
    pub unverified: Vec<String>,
}

impl Verification {
    pub fn clean(&self) -> bool {
        self.differences.is_empty() && self.unverified.is_empty()
    }
}

/// Every TidbMonitor of the snapshot, in (namespace, name) order, against the stack `to` builds.
pub fn verify(snapshot: &Snapshot, to: To) -> Vec<Verification> {
    let mut monitors: Vec<&TidbMonitor> = snapshot.monitors.iter().collect();
    monitors.sort_by(|a, b| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    monitors
        .into_iter()
        .map(|m| match to {
            To::PrometheusOperator => verify_prometheus(snapshot, m),
            To::Victoriametrics => verify_victoriametrics(snapshot, m),
        })
        .collect()
}

fn raw<'a>(snapshot: &'a Snapshot, kind: Kind, ns: &str, name: &str) -> Option<&'a Value> {
    snapshot.raw.get(&(kind, ns.to_string(), name.to_string()))
}

impl Verification {
    fn new(monitor: &str, stack: String) -> Verification {
        Verification {
            monitor: monitor.to_string(),
            stack,
            compared: Vec::new(),
            differences: Vec::new(),
            unverified: Vec::new(),
        }
    }
}

/// The object of `kind` the migration of `monitor` applies (same namespace and name); when it is not there, a
/// difference naming the `migrate … --apply` that creates it (`flag`: the `--to` it needs), or, when the kind
/// could not be read, something not verified.
fn applied<'a>(
    snapshot: &'a Snapshot,
    kind: Kind,
    monitor: &TidbMonitor,
    flag: &str,
    out: &mut Verification,
) -> Option<&'a Value> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let found = raw(snapshot, kind, ns, name);
    if found.is_none() {
        if snapshot.gaps.contains_key(&kind) {
            out.unverified
                .push(format!("{} objects could not be read", kind.kind_name()));
        } else {
            out.differences.push(format!(
                "no {} {ns}/{name}: apply the migration first (kubectl tidbmonitor migrate {name} -n {ns}{flag} --apply)",
                kind.kind_name()
            ));
        }
    }
    found
}

fn verify_prometheus(snapshot: &Snapshot, monitor: &TidbMonitor) -> Verification {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let id = format!("{ns}/{name}");
    let mut out = Verification::new(&id, format!("Prometheus {id}"));
    let Some(prometheus) = applied(snapshot, Kind::Prometheus, monitor, "", &mut out) else {
        return out;
    };
    // The scrape objects this Prometheus loads, by the predicate `check` and `clusters` use.
    let mut unknown = false;
    let loaded: Vec<&ScrapeObject> = snapshot
        .scrapers
        .iter()
        .filter(|s| match loaded_by(snapshot, s) {
            Loaded::By(by) => by.contains(&id),
            Loaded::Unknown => {
                unknown = true;
                false
            }
            _ => false,
        })
        .collect();
    if unknown && loaded.is_empty() {
        out.unverified.push(
            "which scrape objects the Prometheus loads (Prometheus objects or Namespaces not read everywhere)"
                .into(),
        );
    }
    coverage(snapshot, monitor, &loaded, &out.stack.clone(), &mut out);
    settings(
        monitor,
        raw(snapshot, Kind::TidbMonitor, ns, name),
        prometheus,
        &mut out,
    );
    out
}

fn verify_victoriametrics(snapshot: &Snapshot, monitor: &TidbMonitor) -> Verification {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let id = format!("{ns}/{name}");
    let mut out = Verification::new(&id, format!("VMAgent {id} + VMSingle {id}"));
    let flag = " --to victoriametrics";
    let agent = applied(snapshot, Kind::VmAgent, monitor, flag, &mut out);
    let single = applied(snapshot, Kind::VmSingle, monitor, flag, &mut out);
    let (Some(agent), Some(single)) = (agent, single) else {
        return out;
    };
    let mut unknown = false;
    let selected: Vec<&ScrapeObject> = snapshot
        .scrapers
        .iter()
        .filter(|s| match selected_by_vmagent(snapshot, agent, s) {
            Some(selected) => selected,
            None => {
                unknown = true;
                false
            }
        })
        .collect();
    if unknown && selected.is_empty() {
        out.unverified
            .push("which scrape objects the VMAgent selects (Namespaces not read)".into());
    }
    coverage(
        snapshot,
        monitor,
        &selected,
        &format!("VMAgent {id}"),
        &mut out,
    );
    vm_settings(
        monitor,
        raw(snapshot, Kind::TidbMonitor, ns, name),
        agent,
        single,
        &mut out,
    );
    out
}

/// A target's series labels, as one comparable row.
type SeriesLabels = [String; 5];

fn series_labels(labels: &BTreeMap<String, String>) -> SeriesLabels {
    SERIES_LABELS.map(|k| labels.get(k).cloned().unwrap_or_default())
}

fn describe(series: &SeriesLabels) -> String {
    SERIES_LABELS
        .iter()
        .zip(series)
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Every cluster the monitor covered (`Covered`: listed and reachable), component by component: the series
/// label sets TidbMonitor's own jobs gave its pods must all come from the scrape objects the new stack selects.
fn coverage(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    loaded: &[&ScrapeObject],
    stack: &str,
    out: &mut Verification,
) {
    let covered = Covered { monitor };
    let mut groups: Vec<(String, &ObjectMeta, Vec<GroupPods>)> = Vec::new();
    for tc in &snapshot.clusters {
        if covered.v1(Kind::TidbCluster, &tc.metadata) {
            groups.push(("TidbCluster".into(), &tc.metadata, tidb_cluster_pods(tc)));
        }
    }
    for dc in &snapshot.dm_clusters {
        if covered.v1(Kind::DmCluster, &dc.metadata) {
            groups.push(("DMCluster".into(), &dc.metadata, dm_cluster_pods(dc)));
        }
    }
    for cluster in &snapshot.v2_clusters {
        if covered.v2(&cluster.metadata) {
            groups.push((
                "Cluster".into(),
                &cluster.metadata,
                cluster_pods(snapshot, cluster),
            ));
        }
    }
    let mut components = 0;
    for (kind, meta, pods) in &groups {
        let cluster = format!("{kind} {}/{}", meta.namespace(), meta.name);
        for group in pods {
            let component = group.component.name;
            let mut before: BTreeSet<SeriesLabels> = BTreeSet::new();
            for job in monitor_jobs::jobs(component) {
                let rules =
                    monitor_jobs::relabelings(&group.cluster, meta.namespace(), component, job);
                for mut labels in pod_targets(&group.pod) {
                    if relabel(&mut labels, &rules).unwrap_or(false) {
                        before.insert(series_labels(&labels));
                    }
                }
            }
            // A component TidbMonitor had no job for (v2's TSO or Scheduling) lost nothing.
            if before.is_empty() {
                continue;
            }
            components += 1;
            let mut after: BTreeSet<SeriesLabels> = BTreeSet::new();
            let mut errors = Vec::new();
            for scraper in loaded {
                match scrape_targets(scraper, group) {
                    Ok(targets) => after.extend(targets.iter().map(|t| series_labels(&t.labels))),
                    Err(e) => errors.push(format!(
                        "{} {}/{}: {e}",
                        scraper.kind.kind_name(),
                        scraper.metadata.namespace(),
                        scraper.metadata.name
                    )),
                }
            }
            for error in errors {
                out.unverified
                    .push(format!("{cluster} {component}: {error}"));
            }
            if after.is_empty() {
                out.differences.push(format!(
                    "{cluster}: {component} is not scraped by any scrape object {stack} selects"
                ));
                continue;
            }
            let missing: Vec<&SeriesLabels> = before.difference(&after).collect();
            if let Some(first) = missing.first() {
                let got: Vec<String> = after.iter().map(describe).collect();
                out.differences.push(format!(
                    "{cluster}: {component}: {} series label set(s) TidbMonitor had are not produced, e.g. {{{}}}; {stack} gives {{{}}}",
                    missing.len(),
                    describe(first),
                    got.join("}, {")
                ));
            }
        }
    }
    out.compared.push(format!(
        "{} cluster(s), {components} component(s): series labels {}",
        groups.len(),
        SERIES_LABELS.join(", ")
    ));
}

fn pointer<'a>(raw: Option<&'a Value>, at: &str) -> Option<&'a Value> {
    raw.and_then(|r| r.pointer(at)).filter(|v| !v.is_null())
}

/// Retention, external labels, replicas × shards, remote write, Thanos: each with both sides' defaults.
fn settings(
    monitor: &TidbMonitor,
    raw_monitor: Option<&Value>,
    prometheus: &Value,
    out: &mut Verification,
) {
    let spec = |at: &str| {
        prometheus
            .pointer(&format!("/spec/{at}"))
            .filter(|v| !v.is_null())
    };
    // Retention: TidbMonitor's predicate (`get` shows it) against prometheus-operator's default.
    let before = crate::core::monitors::retention(monitor);
    // prometheus-operator passes no time flag with only `retentionSize` (common.go:79-85, server/statefulset.go:
    // 436-442), and Prometheus then has no time limit (cmd/prometheus/main.go: 15d only when size is unset too).
    let after = match (spec("retention"), spec("retentionSize")) {
        (Some(r), _) => Some(r.as_str().unwrap_or_default().to_string()),
        (None, Some(size)) => {
            out.unverified.push(format!(
                "retention: the Prometheus is bounded by retentionSize {} only, no time limit; TidbMonitor kept {before}",
                size.as_str().unwrap_or_default()
            ));
            None
        }
        (None, None) => Some(PROMETHEUS_OPERATOR_DEFAULT_RETENTION.into()),
    };
    if let Some(after) = after {
        // Keeping longer loses nothing.
        match (parse_duration(&before), parse_duration(&after)) {
            (Some((kept, _)), Some((now, _))) if now >= kept => {}
            _ => out.differences.push(format!(
                "retention: TidbMonitor keeps {before}, the Prometheus {after}"
            )),
        }
    }
    out.compared.push(format!("retention {before}"));

    let labels_after: BTreeMap<String, String> = spec("externalLabels")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    if monitor.spec.external_labels != labels_after {
        out.differences.push(format!(
            "externalLabels: TidbMonitor {}, the Prometheus {}",
            show_labels(&monitor.spec.external_labels),
            show_labels(&labels_after)
        ));
    }
    // Both default the replica label to prometheus_replica and drop it for "" (tidb-operator v1.6.6 util.go:
    // 1483-1497; prometheus_types.go:307-313); the value's form differs (`<ns>_<pod>` vs `<pod>`), which Thanos'
    // deduplication by label name does not mind.
    let replica_before = monitor
        .spec
        .replica_external_label_name
        .as_deref()
        .unwrap_or("prometheus_replica");
    let replica_after = spec("replicaExternalLabelName")
        .and_then(Value::as_str)
        .unwrap_or("prometheus_replica");
    if replica_before != replica_after {
        out.differences.push(format!(
            "replica label: TidbMonitor \"{replica_before}\", the Prometheus \"{replica_after}\""
        ));
    }
    // prometheus-operator adds `prometheus=<ns>/<name>` unless it is "" (prometheus_types.go:314-320): a label
    // TidbMonitor's series never carried, so remote-write and Thanos series would split.
    let prometheus_label = spec("prometheusExternalLabelName")
        .and_then(Value::as_str)
        .unwrap_or("prometheus");
    if !prometheus_label.is_empty() {
        out.differences.push(format!(
            "the Prometheus adds the external label \"{prometheus_label}\", which TidbMonitor's series never had: set prometheusExternalLabelName: \"\""
        ));
    }
    out.compared.push("external labels".into());

    let number = |at: &str| spec(at).and_then(Value::as_i64).unwrap_or(1).max(1);
    let (shards, replicas) = (
        number("shards"),
        spec("replicas").and_then(Value::as_i64).unwrap_or(1),
    );
    if (monitor.spec.shards() as i64, monitor.spec.replicas() as i64) != (shards, replicas) {
        out.differences.push(format!(
            "shards × replicas: TidbMonitor {} × {}, the Prometheus {shards} × {replicas}",
            monitor.spec.shards(),
            monitor.spec.replicas()
        ));
    }

    let writes = |value: Option<&Value>| -> BTreeMap<String, Value> {
        value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|w| (w["url"].as_str().unwrap_or_default().to_string(), w.clone()))
            .collect()
    };
    let before = writes(pointer(raw_monitor, "/spec/prometheus/remoteWrite"));
    let after = writes(spec("remoteWrite"));
    for (url, entry) in &before {
        match after.get(url) {
            None => out.differences.push(format!(
                "remoteWrite to {url}: the Prometheus does not write there"
            )),
            Some(theirs) if theirs != entry => out.differences.push(format!(
                "remoteWrite to {url}: settings differ ({})",
                differing_keys(entry, theirs).join(", ")
            )),
            Some(_) => {}
        }
    }
    for url in after.keys().filter(|u| !before.contains_key(*u)) {
        out.differences.push(format!(
            "remoteWrite to {url}: the Prometheus writes there, TidbMonitor did not"
        ));
    }
    if raw_monitor.is_none()
        && !monitor
            .spec
            .prometheus
            .as_ref()
            .is_some_and(|p| p.remote_write.is_empty())
    {
        out.unverified
            .push("remoteWrite (the TidbMonitor's manifest was not kept)".into());
    }
    out.compared
        .push(format!("remote write ({})", before.len()));

    match (monitor.spec.thanos.is_some(), spec("thanos").is_some()) {
        (true, false) => out
            .differences
            .push("Thanos: TidbMonitor has a Thanos sidecar, the Prometheus none".into()),
        (false, true) => out
            .differences
            .push("Thanos: the Prometheus has a Thanos sidecar, TidbMonitor had none".into()),
        _ => {}
    }
}

fn differing_keys(a: &Value, b: &Value) -> Vec<String> {
    let keys = |v: &Value| -> BTreeSet<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    keys(a)
        .union(&keys(b))
        .filter(|k| a.get(k.as_str()) != b.get(k.as_str()))
        .cloned()
        .collect()
}

fn show_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "none".into();
    }
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", pairs.join(","))
}

/// The VMAgent and VMSingle against the monitor: retention (VictoriaMetrics keeps at least as long), external
/// labels and no added `prometheus` label, shards × replicas, the VMAgent writing to the VMSingle and to each of
/// the monitor's own receivers.
fn vm_settings(
    monitor: &TidbMonitor,
    raw_monitor: Option<&Value>,
    agent: &Value,
    single: &Value,
    out: &mut Verification,
) {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let field = |object: &Value, at: &str| {
        object
            .pointer(&format!("/spec/{at}"))
            .filter(|v| !v.is_null())
            .cloned()
    };
    // vmsingle_types.go:56-63: a bare number is months (31 days each), unset is one month.
    const MONTH: u64 = 31 * 86_400_000;
    let before = crate::core::monitors::retention(monitor);
    let period = field(single, "retentionPeriod")
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_else(|| "1".into());
    let after = match period.parse::<u64>() {
        Ok(months) => Some(months * MONTH),
        Err(_) => parse_duration(&period).map(|(ms, _)| ms),
    };
    match (parse_duration(&before), after) {
        (Some((kept, _)), Some(vm)) if vm >= kept => {}
        _ => out.differences.push(format!(
            "retention: TidbMonitor keeps {before}, the VMSingle retentionPeriod {period}"
        )),
    }
    out.compared.push(format!("retention {before}"));

    let labels_after: BTreeMap<String, String> = field(agent, "externalLabels")
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    if monitor.spec.external_labels != labels_after {
        out.differences.push(format!(
            "externalLabels: TidbMonitor {}, the VMAgent {}",
            show_labels(&monitor.spec.external_labels),
            show_labels(&labels_after)
        ));
    }
    // common_scrapeparams.go:669-694: unless "", the VMAgent adds `prometheus: <ns>/<name>` to every series.
    // `externalLabelName`, else the deprecated `vmAgentExternalLabelName`, else "prometheus" (:669-681).
    let added = field(agent, "externalLabelName")
        .or_else(|| field(agent, "vmAgentExternalLabelName"))
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "prometheus".into());
    if !added.is_empty() {
        out.differences.push(format!(
            "the VMAgent adds the external label \"{added}\", which TidbMonitor's series never had: set externalLabelName: \"\""
        ));
    }
    out.compared.push("external labels".into());

    let count = |at: &str| {
        field(agent, at)
            .and_then(|v| v.as_i64())
            .unwrap_or(1)
            .max(1)
    };
    let (shards, replicas) = (count("shardCount"), count("replicaCount"));
    if (
        monitor.spec.shards() as i64,
        monitor.spec.replicas().max(1) as i64,
    ) != (shards, replicas)
    {
        out.differences.push(format!(
            "shards × replicas: TidbMonitor {} × {}, the VMAgent {shards} × {replicas}",
            monitor.spec.shards(),
            monitor.spec.replicas()
        ));
    }

    let urls = |value: Option<Value>| -> BTreeSet<String> {
        value
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|w| {
                w["url"]
                    .as_str()
                    .map(|u| u.trim_end_matches('/').to_string())
            })
            .collect()
    };
    let mut written = urls(field(agent, "remoteWrite"));
    let store = remote_write_url(ns, name);
    if !written.remove(store.trim_end_matches('/')) {
        out.differences.push(format!(
            "the VMAgent does not write to the VMSingle ({store}): nothing is stored"
        ));
    }
    let before = urls(
        raw_monitor
            .and_then(|r| r.pointer("/spec/prometheus/remoteWrite"))
            .cloned(),
    );
    for url in before.difference(&written) {
        out.differences.push(format!(
            "remoteWrite to {url}: the VMAgent does not write there"
        ));
    }
    for url in written.difference(&before) {
        out.differences.push(format!(
            "remoteWrite to {url}: the VMAgent writes there, TidbMonitor did not"
        ));
    }
    out.compared
        .push(format!("remote write ({})", before.len()));
}
