//! `migrate`: from a TidbMonitor to prometheus-operator or to the VictoriaMetrics operator. Pure: a snapshot in,
//! for each TidbMonitor the objects that take over its scraping and storage, and the scrape objects of the
//! clusters the monitor scraped (built by `scaffold`'s builders), labelled so that the new stack, and no other
//! object, selects them. Rendering, writing and applying live in `commands`.
//!
//! `--to prometheus-operator`: a `monitoring.coreos.com/v1` Prometheus carrying the monitor's settings, the
//! ServiceAccount and Roles it needs, and PodMonitors. `--to victoriametrics`: a VMSingle and a VMAgent
//! ([`victoriametrics`]) and VMPodScrapes. What the two share — which clusters were covered, which existing
//! scrape objects are someone else's, the selector label, the header and the plan — is written once here.
//!
//! Field mappings follow tidb-operator v1.6.6 (`pkg/apis/pingcap/v1alpha1/tidbmonitor_types.go`,
//! `pkg/monitor/monitor/util.go`), prometheus-operator v0.93 (`pkg/apis/monitoring/v1/prometheus_types.go`) and
//! the VictoriaMetrics operator v0.74.1; `docs/migrate.md` holds the table ([`fields`]).

pub mod alerts;
pub mod fields;
pub mod plan;
pub mod verify;
pub mod victoriametrics;

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::core::clusters::{lists, reaches};
use crate::core::metric_storage;
use crate::model::{ObjectMeta, TidbMonitor};
use crate::scaffold::grafana;
use crate::scaffold::servicemonitor::{self, MonitorKind};
use crate::scaffold::versions::Target;
use crate::scaffold::{Scaffold, ScaffoldError, labels, parse_label, v2};
use crate::snapshot::{Kind, Snapshot};

/// The label on every scrape object a migration emits, valued `<monitor namespace>.<monitor name>`: the new
/// Prometheus or VMAgent selects exactly these, never a scrape object someone else made.
pub const MIGRATED_FROM: &str = "tidbmonitor.kubectl-tidbmonitor/migrated-from";

/// The label Kubernetes (1.22+) puts on every Namespace: the namespace selector names the clusters' namespaces.
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// The stack a migration builds (`--to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum To {
    #[default]
    PrometheusOperator,
    Victoriametrics,
}

impl To {
    /// As `--to` spells it.
    pub fn name(self) -> &'static str {
        match self {
            To::PrometheusOperator => "prometheus-operator",
            To::Victoriametrics => "victoriametrics",
        }
    }

    /// The Prometheus-API base URL of the stack that replaces TidbMonitor `namespace/name`: what Grafana's
    /// datasource and PD's `metric-storage` point at (a shared Grafana builder asks here).
    pub fn query_url(self, namespace: &str, name: &str) -> String {
        match self {
            To::PrometheusOperator => metric_storage::prometheus_operated(namespace),
            To::Victoriametrics => metric_storage::vmsingle(namespace, name),
        }
    }

    /// The scrape objects this stack selects: PodMonitors, or VMPodScrapes (TidbMonitor discovers pods, `role:
    /// pod` in template.go, and so do both).
    fn scrape_kind(self) -> MonitorKind {
        match self {
            To::PrometheusOperator => MonitorKind::PodMonitor,
            To::Victoriametrics => MonitorKind::VmPodScrape,
        }
    }

    /// What selects the scrape objects, for messages.
    fn scraper(self) -> &'static str {
        match self {
            To::PrometheusOperator => "Prometheus",
            To::Victoriametrics => "VMAgent",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The tidb-operator the v1 scrape objects are for (Service port names, TiProxy's scheme).
    pub target: Target,
    /// The stack to build.
    pub to: To,
    /// `--rules-dir`: the built-in rule files copied out of a monitor's pod (prometheus-operator only).
    pub rules_dir: Option<alerts::RulesDir>,
}

/// The stack that replaces the monitors, and the plan to switch over without losing data.
#[derive(Debug, Default)]
pub struct Migration {
    /// The objects, warnings, and per-monitor header notes (what was not carried over, references not followed).
    pub stack: Scaffold,
    /// The plan for every monitor: printed first in the header, and on stderr when nothing else shows it.
    pub plan: Vec<String>,
}

/// The new stack for every TidbMonitor in the snapshot, monitor by monitor in (namespace, name) order.
pub fn build(snapshot: &Snapshot, options: &Options) -> Result<Migration, ScaffoldError> {
    let mut monitors: Vec<&TidbMonitor> = snapshot.monitors.iter().collect();
    monitors.sort_by(|a, b| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    if monitors.is_empty() {
        return Err(ScaffoldError::Refused(
            "no TidbMonitor selected: nothing to migrate".into(),
        ));
    }
    // A cluster several monitors scraped gets scrape objects for each; the plain names (`<cluster>-<component>`)
    // go first to monitors that only scrape their own namespace (the cluster's own monitor), then in order.
    let mut claiming: Vec<usize> = (0..monitors.len()).collect();
    claiming.sort_by_key(|&i| monitors[i].spec.cluster_scoped);
    let mut emitted: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut stacks: Vec<Scaffold> = (0..monitors.len()).map(|_| Scaffold::default()).collect();
    for i in claiming {
        migrate_one(snapshot, monitors[i], options, &mut emitted, &mut stacks[i])?;
    }
    let mut scaffold = Scaffold::default();
    let mut plan = Vec::new();
    for (monitor, stack) in monitors.iter().zip(stacks) {
        scaffold.objects.extend(stack.objects);
        scaffold.warnings.extend(stack.warnings);
        scaffold.notes.extend(stack.notes);
        plan.extend(plan::plan(snapshot, monitor, options.to));
    }
    Ok(Migration {
        stack: scaffold,
        plan,
    })
}

/// `<namespace>.<name>`, the value of [`MIGRATED_FROM`] for a monitor, refused when it is no valid label value.
pub fn selector_value(monitor: &TidbMonitor) -> Result<String, ScaffoldError> {
    let value = format!("{}.{}", monitor.metadata.namespace(), monitor.metadata.name);
    parse_label(&format!("{MIGRATED_FROM}={value}")).map_err(|_| {
        ScaffoldError::Refused(format!(
            "TidbMonitor {}/{}: \"{value}\" is longer than a label value may be (63): migrate it with a shorter name",
            monitor.metadata.namespace(),
            monitor.metadata.name
        ))
    })?;
    Ok(value)
}

/// The clusters a monitor really scraped: listed in `clusters` (TidbCluster, or a v2 Cluster whose pods carry
/// the same instance label, reference §9) or `dm.clusters`, and reachable (`core::clusters::reaches`).
pub(crate) struct Covered<'a> {
    monitor: &'a TidbMonitor,
}

impl Covered<'_> {
    pub(crate) fn v1(&self, kind: Kind, meta: &ObjectMeta) -> bool {
        let refs = match kind {
            Kind::DmCluster => self.monitor.spec.dm_clusters(),
            _ => &self.monitor.spec.clusters,
        };
        lists(self.monitor, refs, meta) && reaches(self.monitor, meta)
    }

    pub(crate) fn v2(&self, meta: &ObjectMeta) -> bool {
        lists(self.monitor, &self.monitor.spec.clusters, meta) && reaches(self.monitor, meta)
    }
}

fn migrate_one(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    options: &Options,
    emitted: &mut BTreeSet<(String, String, String)>,
    scaffold: &mut Scaffold,
) -> Result<(), ScaffoldError> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let raw = snapshot
        .raw
        .get(&(Kind::TidbMonitor, ns.to_string(), name.to_string()))
        .ok_or_else(|| {
            ScaffoldError::Refused(format!(
                "TidbMonitor {ns}/{name}: its manifest was not kept, so its fields cannot be carried over"
            ))
        })?;
    let value = selector_value(monitor)?;
    let covered = Covered { monitor };
    let to = options.to;
    let scraper = to.scraper();
    let scrape_options = servicemonitor::Options {
        kind: to.scrape_kind(),
        prometheus_labels: [(MIGRATED_FROM.to_string(), value.clone())].into(),
        target: options.target.clone(),
    };
    let mut scrapes =
        servicemonitor::service_monitors_of(snapshot, &scrape_options, &|kind, meta| {
            covered.v1(kind, meta)
        });
    let v2_scrapes = v2::scrape_objects_of(snapshot, &scrape_options, &|c| covered.v2(&c.metadata));
    scrapes.objects.extend(v2_scrapes.objects);
    scrapes.warnings.extend(v2_scrapes.warnings);
    scaffold.warnings.extend(scrapes.warnings);
    scaffold.notes.push(match to {
        To::PrometheusOperator => format!("TidbMonitor {ns}/{name} → Prometheus {ns}/{name}:"),
        To::Victoriametrics => {
            format!("TidbMonitor {ns}/{name} → VMSingle {ns}/{name} and VMAgent {ns}/{name}:")
        }
    });
    unreached_notes(snapshot, monitor, &mut scaffold.notes);
    scaffold.notes.extend(fields::dropped_notes(raw, to));

    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    let mut objects = Vec::new();
    for mut object in scrapes.objects {
        let (kind, object_ns, mut object_name) = crate::scaffold::identity(&object);
        namespaces.insert(object_ns.clone());
        // The name `scaffold` gives (`<cluster>-<component>`) may already be another's: someone's own object
        // (applying ours would rewrite its labels and take its targets from the Prometheus that selects it), or
        // the migration of another monitor over the same cluster, in this run or an earlier one. This monitor
        // then gets its own copy under `<name>-<monitor namespace>-<monitor name>`: a label holds one value, so
        // one object cannot serve two scrapers. `--apply` only creates or updates objects of this migration,
        // and a re-run finds the same names.
        let taken =
            foreign_owner(snapshot, &kind, &object_ns, &object_name, &value).or_else(|| {
                emitted
                    .contains(&(kind.clone(), object_ns.clone(), object_name.clone()))
                    .then(|| "emitted for a monitor migrated before this one".to_string())
            });
        if let Some(owner) = taken {
            let own_name = format!("{object_name}-{ns}-{name}");
            scaffold.notes.push(format!(
                "TidbMonitor {ns}/{name}: {kind} {object_ns}/{object_name} is another's ({owner}): this {scraper} gets its own copy, {object_ns}/{own_name}"
            ));
            object["metadata"]["name"] = Value::String(own_name.clone());
            object_name = own_name;
            if let Some(owner) = foreign_owner(snapshot, &kind, &object_ns, &object_name, &value) {
                scaffold.warnings.push(format!(
                    "TidbMonitor {ns}/{name}: {kind} {object_ns}/{object_name} already exists ({owner}) and is left as it is, so this {scraper} does not scrape those targets: give it the label {MIGRATED_FROM}={value}, or delete it and migrate again"
                ));
                continue;
            }
        }
        emitted.insert((kind.clone(), object_ns.clone(), object_name.clone()));
        objects.push(object);
    }
    if namespaces.is_empty() {
        scaffold.warnings.push(format!(
            "TidbMonitor {ns}/{name}: none of its clusters was found, so its {scraper} selects no scrape object yet"
        ));
    }
    let (selector, namespace_selector) = scrape_selectors(&value, &namespaces);
    match to {
        To::PrometheusOperator => {
            let account = format!("{name}-prometheus");
            let alerting =
                alerts::alerting(snapshot, monitor, raw, &value, options.rules_dir.as_ref())?;
            let mut prometheus = prometheus(monitor, raw, &selector, &namespace_selector, &account);
            if let Some(spec) = prometheus["spec"].as_object_mut() {
                spec.extend(alerting.prometheus);
            }
            scaffold.notes.extend(alerting.notes);
            scaffold.warnings.extend(alerting.warnings);
            scaffold.objects.push(prometheus);
            scaffold.objects.extend(alerting.objects);
            scaffold
                .objects
                .extend(rbac(monitor, &account, &namespaces));
        }
        To::Victoriametrics => {
            // No VMRule or VMAlert: the header names the monitor's alerting as not carried over (`fields`).
            scaffold
                .objects
                .push(victoriametrics::vmsingle(monitor, raw, &mut scaffold.notes));
            scaffold.objects.push(victoriametrics::vmagent(
                monitor,
                raw,
                &selector,
                &namespace_selector,
                &mut scaffold.notes,
            ));
        }
    }
    scaffold.objects.extend(objects);
    if let Some(built) = monitor_grafana(snapshot, monitor, raw, to) {
        scaffold.notes.extend(built.notes);
        scaffold.warnings.extend(built.warnings);
        scaffold.objects.extend(built.objects);
    }
    Ok(())
}

/// The monitor's Grafana (`scaffold::grafana`, the same builder as `scaffold thanos --grafana`) as
/// `grafana-<name>` beside the new stack, its datasource (and the initializer's `GF_TIDB_PROMETHEUS_URL`)
/// [`To::query_url`]: for prometheus-operator the Service it makes for every Prometheus, `prometheus-operated`
/// (v0.93 pkg/prometheus/server/statefulset.go:38, a headless Service selecting every Prometheus pod of the
/// namespace, pkg/prometheus/common.go:494-524); for VictoriaMetrics the VMSingle's own Service `vmsingle-<name>`,
/// port 8428, which every VMAgent shard writes to. Not named like TidbMonitor's `<name>-grafana` Service, which the
/// monitor owns until it is deleted.
fn monitor_grafana(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    raw: &Value,
    to: To,
) -> Option<grafana::Grafana> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let options = grafana::Options {
        name: format!("grafana-{name}"),
        namespace: ns.to_string(),
        datasource_url: to.query_url(ns, name),
        part_of: "tidbmonitor-migration",
    };
    let mut built = grafana::grafana(snapshot, monitor, raw, &options)?;
    if !built.objects.is_empty() {
        let scrapes = to.scrape_kind().kind_name();
        built.notes.push(format!(
            "TidbMonitor {ns}/{name}: the migrated {scrapes}s keep `component`, `tidb_cluster`, `cluster` and `instance` (and set `job` to tiup's names), so Grafana grafana-{name}'s dashboards find the same series"
        ));
    }
    if to == To::Victoriametrics {
        // One VMSingle per monitor, which every VMAgent shard writes to: none of the caveats below.
        return Some(built);
    }
    let shards = monitor.spec.shards();
    if shards > 1 {
        built.warnings.push(format!(
            "TidbMonitor {ns}/{name}: with {shards} shards each Prometheus holds part of the series, and {} answers from one of them per query: point Grafana grafana-{name}'s datasource at a Thanos Query over every shard (kubectl tidbmonitor scaffold thanos --grafana builds one)",
            options.datasource_url
        ));
    }
    let neighbours = snapshot
        .monitors
        .iter()
        .filter(|m| m.metadata.namespace() == ns)
        .count();
    if neighbours > 1 {
        built.warnings.push(format!(
            "TidbMonitor {ns}/{name}: {neighbours} monitors of namespace {ns} are migrated, and prometheus-operated.{ns} reaches the pods of every Prometheus there: give each Grafana a Service selecting only its Prometheus (operator.prometheus.io/name={name}) and use it as the datasource"
        ));
    }
    Some(built)
}

/// The label selector and namespace selector that pick exactly the objects this migration labels
/// ([`MIGRATED_FROM`] = `value`), in exactly the clusters' namespaces: one pair for the Prometheus' PodMonitor and
/// ServiceMonitor selectors and for the VMAgent's VMPodScrape selectors.
fn scrape_selectors(value: &str, namespaces: &BTreeSet<String>) -> (Value, Value) {
    (
        json!({"matchLabels": {MIGRATED_FROM: value}}),
        json!({"matchExpressions": [{
            "key": NAMESPACE_NAME,
            "operator": "In",
            "values": namespaces.iter().collect::<Vec<_>>(),
        }]}),
    )
}

/// Who owns an existing scrape object of this kind and name when it is not this monitor's migration (`value`
/// is its [`MIGRATED_FROM`] value): `None` when there is none, or it is ours from an earlier run.
fn foreign_owner(
    snapshot: &Snapshot,
    kind: &str,
    ns: &str,
    name: &str,
    value: &str,
) -> Option<String> {
    let existing = snapshot.scrapers.iter().find(|s| {
        s.kind.kind_name() == kind && s.metadata.namespace() == ns && s.metadata.name == name
    })?;
    match existing.metadata.labels.get(MIGRATED_FROM) {
        Some(owner) if owner == value => None,
        Some(owner) => Some(format!(
            "migrated from TidbMonitor {}",
            owner.replacen('.', "/", 1)
        )),
        None => Some(format!("without the label {MIGRATED_FROM}")),
    }
}

/// Header lines for references the monitor had but scraped nothing from: a cluster in another namespace without
/// `clusterScoped` (its Role could not list the pods there), or a cluster that does not exist.
fn unreached_notes(snapshot: &Snapshot, monitor: &TidbMonitor, notes: &mut Vec<String>) {
    let own = monitor.metadata.namespace();
    let id = format!("{own}/{}", monitor.metadata.name);
    let refs = monitor.spec.clusters.iter().map(|r| (r, "clusters")).chain(
        monitor
            .spec
            .dm_clusters()
            .iter()
            .map(|r| (r, "dm.clusters")),
    );
    for (r, field) in refs {
        let ref_ns = r.namespace_or(own);
        let found = if field == "clusters" {
            snapshot
                .clusters
                .iter()
                .map(|c| &c.metadata)
                .chain(snapshot.v2_clusters.iter().map(|c| &c.metadata))
                .find(|m| m.name == r.name && m.namespace() == ref_ns)
        } else {
            snapshot
                .dm_clusters
                .iter()
                .map(|c| &c.metadata)
                .find(|m| m.name == r.name && m.namespace() == ref_ns)
        };
        match found {
            None => notes.push(format!(
                "TidbMonitor {id}: {field} names {ref_ns}/{}, which was not found: no scrape objects for it",
                r.name
            )),
            Some(meta) if !reaches(monitor, meta) => notes.push(format!(
                "TidbMonitor {id}: {field} names {ref_ns}/{} in another namespace without clusterScoped, so it was never scraped; not carried over (scaffold podmonitor it if it should be)",
                r.name
            )),
            Some(_) => {}
        }
    }
}

/// `field` of `raw` (a JSON pointer), when present and not null.
fn get<'a>(raw: &'a Value, pointer: &str) -> Option<&'a Value> {
    raw.pointer(pointer).filter(|v| !v.is_null())
}

/// Copies `from` (a pointer into the TidbMonitor) to `to` (a key of `spec`) when set.
fn carry(spec: &mut Map<String, Value>, raw: &Value, from: &str, to: &str) {
    if let Some(value) = get(raw, from) {
        spec.insert(to.into(), value.clone());
    }
}

/// A container's `requests`/`limits`/`claims` (tidb-operator inlines `corev1.ResourceRequirements` in
/// `MonitorContainer`, tidbmonitor_types.go:356) as one `ResourceRequirements`.
fn resources(raw: &Value, container: &str) -> Option<Value> {
    let mut out = Map::new();
    for key in ["requests", "limits", "claims"] {
        if let Some(value) = get(raw, &format!("/spec/{container}/{key}")) {
            out.insert(key.into(), value.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// `baseImage:version`, as tidb-operator joins them for the container image (util.go:485).
fn image(raw: &Value, container: &str) -> Option<String> {
    let base = get(raw, &format!("/spec/{container}/baseImage"))?.as_str()?;
    match get(raw, &format!("/spec/{container}/version")).and_then(Value::as_str) {
        Some(version) if !version.is_empty() => Some(format!("{base}:{version}")),
        _ => Some(base.to_string()),
    }
}

/// `prometheus.config.commandOptions` (`--flag=value` strings appended to Prometheus' command line) as
/// prometheus-operator `additionalArgs` (`{name, value}` without the dashes, prometheus_types.go:861).
fn additional_args(raw: &Value) -> Option<Value> {
    let options = get(raw, "/spec/prometheus/config/commandOptions")?.as_array()?;
    let args: Vec<Value> = options
        .iter()
        .filter_map(Value::as_str)
        .map(|option| {
            let flag = option.trim_start_matches('-');
            match flag.split_once('=') {
                Some((name, value)) => json!({"name": name, "value": value}),
                None => json!({"name": flag}),
            }
        })
        .collect();
    (!args.is_empty()).then_some(Value::Array(args))
}

/// `additionalContainers` (when `additional`), then an entry `{name, securityContext}` for each
/// `(pointer into the monitor, container)` the monitor sets a container securityContext at: both operators merge
/// a `containers` entry into their own container of the same name by strategic merge patch (prometheus-operator
/// prometheus_types.go:555-571; the VM operator k8stools/client_utils.go:33-63). A same-named entry the user
/// already wrote is left as it is.
fn containers(raw: &Value, additional: bool, contexts: &[(&str, &str)]) -> Option<Value> {
    let mut list: Vec<Value> = get(raw, "/spec/additionalContainers")
        .filter(|_| additional)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (pointer, container) in contexts {
        let taken = list.iter().any(|c| c["name"] == *container);
        if let Some(context) = get(raw, pointer).filter(|_| !taken) {
            list.push(json!({"name": container, "securityContext": context}));
        }
    }
    (!list.is_empty()).then_some(Value::Array(list))
}

/// The container securityContexts TidbMonitor sets on its own containers (`prometheus.securityContext`,
/// util.go:487; `thanos.securityContext`, util.go:1392), by the prometheus-operator container they become.
const PROMETHEUS_CONTEXTS: &[(&str, &str)] = &[
    ("/spec/prometheus/securityContext", "prometheus"),
    ("/spec/thanos/securityContext", "thanos-sidecar"),
];

/// TidbMonitor's `thanos` (tidbmonitor_types.go:320-351, rendered by util.go:1363-1456) as prometheus-operator's
/// `thanos` (prometheus_types.go:1319, `ThanosSpec` 1581). `listenLocal` becomes the two fields that replaced it.
fn thanos(raw: &Value) -> Option<Value> {
    get(raw, "/spec/thanos")?;
    let mut out = Map::new();
    if let Some(image) = image(raw, "thanos") {
        out.insert("image".into(), json!(image));
    }
    for key in [
        "version",
        "objectStorageConfig",
        "objectStorageConfigFile",
        "tracingConfig",
        "tracingConfigFile",
        "grpcServerTlsConfig",
        "logLevel",
        "logFormat",
        "minTime",
    ] {
        carry(&mut out, raw, &format!("/spec/thanos/{key}"), key);
    }
    if let Some(resources) = resources(raw, "thanos") {
        out.insert("resources".into(), resources);
    }
    carry(
        &mut out,
        raw,
        "/spec/thanos/additionalVolumeMounts",
        "volumeMounts",
    );
    if get(raw, "/spec/thanos/listenLocal") == Some(&json!(true)) {
        out.insert("grpcListenLocal".into(), json!(true));
        out.insert("httpListenLocal".into(), json!(true));
    }
    Some(Value::Object(out))
}

/// `persistent` + `storage` + `storageClassName` as the claim spec tidb-operator gives its StatefulSet
/// (util.go:1343-1361, `util.VolumeClaimTemplate`: ReadWriteOnce, pkg/util/util.go:449). Without them every stack
/// uses an emptyDir.
fn claim_spec(monitor: &TidbMonitor) -> Option<Value> {
    let size = monitor.spec.storage.as_deref().filter(|s| !s.is_empty())?;
    if !monitor.spec.persistent {
        return None;
    }
    let mut spec = json!({
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": size}},
    });
    if let Some(class) = &monitor.spec.storage_class_name {
        spec["storageClassName"] = json!(class);
    }
    Some(spec)
}

/// [`claim_spec`] as prometheus-operator's `storage.volumeClaimTemplate` (prometheus_types.go:1542).
fn storage(monitor: &TidbMonitor) -> Option<Value> {
    claim_spec(monitor).map(|spec| json!({"volumeClaimTemplate": {"spec": spec}}))
}

/// `prometheus.remoteWrite` as prometheus-operator's `remoteWrite` (prometheus_types.go:502): the same fields,
/// except that TidbMonitor's `queueConfig` durations are Go `time.Duration`s, integers of nanoseconds
/// (tidbmonitor_types.go:554-561), where prometheus-operator wants duration strings.
fn remote_write(raw: &Value) -> Option<Value> {
    let mut entries = get(raw, "/spec/prometheus/remoteWrite")?
        .as_array()?
        .clone();
    for entry in &mut entries {
        for key in ["batchSendDeadline", "minBackoff", "maxBackoff"] {
            let pointer = format!("/queueConfig/{key}");
            if let Some(nanos) = entry.pointer(&pointer).and_then(Value::as_i64)
                && let Some(slot) = entry.pointer_mut(&pointer)
            {
                *slot = json!(duration_of_nanos(nanos));
            }
        }
    }
    Some(Value::Array(entries))
}

/// A count of nanoseconds as the shortest exact Prometheus duration (`5s`, `1m30s`, `250ms`; `0`).
fn duration_of_nanos(nanos: i64) -> String {
    let mut ms = nanos.max(0) / 1_000_000;
    if ms == 0 {
        return "0".into();
    }
    let mut out = String::new();
    for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    out
}

fn prometheus(
    monitor: &TidbMonitor,
    raw: &Value,
    selector: &Value,
    namespace_selector: &Value,
    account: &str,
) -> Value {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let mut spec = Map::new();
    if let Some(image) = image(raw, "prometheus") {
        spec.insert("image".into(), json!(image));
    }
    carry(&mut spec, raw, "/spec/prometheus/version", "version");
    // retentionTime, else `<reserveDays>d` (util.go:476-481), else Prometheus' own 15d: one predicate with `get`.
    spec.insert(
        "retention".into(),
        json!(crate::core::monitors::retention(monitor)),
    );
    if let Some(storage) = storage(monitor) {
        spec.insert("storage".into(), storage);
    }
    if let Some(replicas) = monitor.spec.replicas {
        spec.insert("replicas".into(), json!(replicas));
    }
    if let Some(shards) = monitor.spec.shards {
        spec.insert("shards".into(), json!(shards));
    }
    carry(&mut spec, raw, "/spec/externalLabels", "externalLabels");
    // tidb-operator adds `<replicaExternalLabelName or prometheus_replica>` unless it is "" (util.go:1483-1497);
    // prometheus-operator has the same default and the same "" (prometheus_types.go:307-313). It adds a
    // `prometheus=<ns>/<name>` label too (320), which TidbMonitor never had: "" keeps the series' external
    // labels (what remote write and Thanos see) as they were.
    carry(
        &mut spec,
        raw,
        "/spec/replicaExternalLabelName",
        "replicaExternalLabelName",
    );
    spec.insert("prometheusExternalLabelName".into(), json!(""));
    if let Some(remote_write) = remote_write(raw) {
        spec.insert("remoteWrite".into(), remote_write);
    }
    if let Some(thanos) = thanos(raw) {
        spec.insert("thanos".into(), thanos);
    }
    if let Some(resources) = resources(raw, "prometheus") {
        spec.insert("resources".into(), resources);
    }
    carry(&mut spec, raw, "/spec/prometheus/logLevel", "logLevel");
    carry(
        &mut spec,
        raw,
        "/spec/prometheus/disableCompaction",
        "disableCompaction",
    );
    if let Some(args) = additional_args(raw) {
        spec.insert("additionalArgs".into(), args);
    }
    for (from, to) in [
        ("/spec/nodeSelector", "nodeSelector"),
        ("/spec/tolerations", "tolerations"),
        ("/spec/imagePullSecrets", "imagePullSecrets"),
        ("/spec/imagePullPolicy", "imagePullPolicy"),
        ("/spec/prometheus/imagePullPolicy", "imagePullPolicy"),
        ("/spec/podSecurityContext", "securityContext"),
        (
            "/spec/automountServiceAccountToken",
            "automountServiceAccountToken",
        ),
        ("/spec/additionalVolumes", "volumes"),
        ("/spec/prometheus/additionalVolumeMounts", "volumeMounts"),
    ] {
        carry(&mut spec, raw, from, to);
    }
    if let Some(containers) = containers(raw, true, PROMETHEUS_CONTEXTS) {
        spec.insert("containers".into(), containers);
    }
    let mut pod_metadata = Map::new();
    carry(&mut pod_metadata, raw, "/spec/labels", "labels");
    carry(&mut pod_metadata, raw, "/spec/annotations", "annotations");
    if !pod_metadata.is_empty() {
        spec.insert("podMetadata".into(), Value::Object(pod_metadata));
    }
    spec.insert("serviceAccountName".into(), json!(account));
    // Exactly the objects this migration labels, in exactly the clusters' namespaces (`scrape_selectors`).
    for (field, value) in [
        ("podMonitorSelector", selector),
        ("serviceMonitorSelector", selector),
        ("podMonitorNamespaceSelector", namespace_selector),
        ("serviceMonitorNamespaceSelector", namespace_selector),
    ] {
        spec.insert(field.into(), value.clone());
    }
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Prometheus",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels("prometheus", name, "prometheus", "tidbmonitor-migration"),
        },
        "spec": spec,
    })
}

/// The ServiceAccount the Prometheus runs as, and in each scraped namespace a Role and RoleBinding with the
/// discovery part of what prometheus-operator grants its Prometheus (v0.93
/// `example/rbac/prometheus/prometheus-cluster-role.yaml`: get, list, watch on services, endpoints, pods and
/// discovery.k8s.io endpointslices). Nodes, ingresses, configmaps and `/metrics` serve scrape kinds a migration
/// does not emit, and Roles per namespace replace the ClusterRole, since the namespaces are known.
fn rbac(monitor: &TidbMonitor, account: &str, namespaces: &BTreeSet<String>) -> Vec<Value> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let object_labels = labels("prometheus", name, "prometheus", "tidbmonitor-migration");
    let mut out = vec![json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": account, "namespace": ns, "labels": object_labels},
    })];
    // `<monitor ns>.<account>`: two monitors of the same name in different namespaces may scrape one namespace.
    let role_name = format!("{ns}.{account}");
    for scraped in namespaces {
        out.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": role_name, "namespace": scraped, "labels": object_labels},
            "rules": [
                {"apiGroups": [""], "resources": ["services", "endpoints", "pods"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["get", "list", "watch"]},
            ],
        }));
        out.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": role_name, "namespace": scraped, "labels": object_labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role_name},
            "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": ns}],
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scraping::{Loaded, loaded_by};
    use crate::model::ScrapeObject;

    fn snapshot(monitor: Value) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (kind, object) in [
            (
                Kind::TidbCluster,
                json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbCluster",
                       "metadata": {"name": "basic", "namespace": "db"},
                       "spec": {"pd": {}, "tikv": {}, "tidb": {}}}),
            ),
            (
                Kind::TidbCluster,
                json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbCluster",
                       "metadata": {"name": "other", "namespace": "db"},
                       "spec": {"pd": {}}}),
            ),
            (Kind::TidbMonitor, monitor.clone()),
        ] {
            snapshot
                .add(kind, object, None)
                .expect("test object decodes");
        }
        snapshot.keep_raw(Kind::TidbMonitor, monitor, None);
        snapshot
    }

    fn monitor(spec: Value) -> Value {
        json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbMonitor",
               "metadata": {"name": "basic", "namespace": "db"}, "spec": spec})
    }

    fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
        objects.iter().filter(|o| o["kind"] == kind).collect()
    }

    /// By the predicate `check` and `clusters` use, the new Prometheus loads every PodMonitor of the monitor's
    /// cluster and none of a cluster the monitor did not scrape (scaffolded for another Prometheus).
    #[test]
    fn the_prometheus_loads_exactly_the_emitted_scrape_objects() {
        let mut snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}})));
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        let monitors = of_kind(&result.objects, "PodMonitor");
        assert_eq!(monitors.len(), 3, "pd, tidb, tikv of db/basic only");
        let prometheus = of_kind(&result.objects, "Prometheus")[0].clone();
        snapshot
            .add(Kind::Prometheus, prometheus, None)
            .expect("the generated Prometheus decodes");
        snapshot
            .add(
                Kind::Namespace,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "db"}}),
                None,
            )
            .unwrap();
        let loaded = |object: &Value| {
            let mut scraper: ScrapeObject = serde_json::from_value(object.clone()).unwrap();
            scraper.kind = Kind::PodMonitor;
            loaded_by(&snapshot, &scraper)
        };
        for object in &monitors {
            assert_eq!(loaded(object), Loaded::By(vec!["db/basic".into()]));
        }
        let scaffolded = servicemonitor::service_monitors(
            &snapshot,
            &servicemonitor::Options {
                kind: MonitorKind::PodMonitor,
                ..Default::default()
            },
        );
        let other = scaffolded
            .objects
            .iter()
            .find(|o| o["metadata"]["name"] == "other-pd")
            .unwrap();
        assert_eq!(loaded(other), Loaded::Nobody);
    }

    /// A PodMonitor (VMPodScrape) of the same name that another Prometheus (VMAgent) selects (scaffolded, or
    /// migrated from another monitor) is never rewritten: this migration gets its own copy under a longer name,
    /// which a second run finds again; this monitor's own, from an earlier run, is emitted again under its name.
    /// The other target's kind of the same name is no obstacle.
    #[test]
    fn existing_scrape_objects_of_others_are_left_alone() {
        for (to, kind, api_version, other) in [
            (
                To::PrometheusOperator,
                Kind::PodMonitor,
                "monitoring.coreos.com/v1",
                Kind::VmPodScrape,
            ),
            (
                To::Victoriametrics,
                Kind::VmPodScrape,
                "operator.victoriametrics.com/v1beta1",
                Kind::PodMonitor,
            ),
        ] {
            let kind_name = kind.kind_name();
            let mut snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
                "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}})));
            for (name, labels) in [
                ("basic-pd", json!({"release": "kps"})),
                ("basic-tikv", json!({MIGRATED_FROM: "shop.central"})),
                ("basic-tidb", json!({MIGRATED_FROM: "db.basic"})),
                ("basic-tikv-db-basic", json!({MIGRATED_FROM: "db.basic"})),
            ] {
                snapshot
                    .add(
                        kind,
                        json!({"apiVersion": api_version, "kind": kind_name,
                               "metadata": {"name": name, "namespace": "db", "labels": labels},
                               "spec": {"selector": {}}}),
                        None,
                    )
                    .unwrap();
            }
            // The other target's object of the same name belongs to another stack and does not collide.
            snapshot
                .add(
                    other,
                    json!({"apiVersion": other.api_version(), "kind": other.kind_name(),
                           "metadata": {"name": "basic-tidb", "namespace": "db"},
                           "spec": {"selector": {}}}),
                    None,
                )
                .unwrap();
            let result = build(
                &snapshot,
                &Options {
                    to,
                    ..Default::default()
                },
            )
            .unwrap()
            .stack;
            let names: Vec<&str> = of_kind(&result.objects, kind_name)
                .iter()
                .map(|o| o["metadata"]["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                ["basic-pd-db-basic", "basic-tidb", "basic-tikv-db-basic"],
                "{to:?}"
            );
            assert!(result.warnings.is_empty(), "{:#?}", result.warnings);
            let copies: Vec<&String> = result
                .notes
                .iter()
                .filter(|n| n.contains("its own copy"))
                .collect();
            assert_eq!(copies.len(), 2, "{:#?}", result.notes);
            assert!(copies[0].contains(&format!(
                "{kind_name} db/basic-pd is another's (without the label"
            )));
            assert!(copies[1].contains(&format!(
                "{kind_name} db/basic-tikv is another's (migrated from TidbMonitor shop/central): this {} gets its own copy, db/basic-tikv-db-basic",
                to.scraper()
            )));
        }
    }

    /// The copy's name taken by someone else too: left alone, with a warning naming the fix.
    #[test]
    fn a_taken_copy_name_is_left_alone_with_a_warning() {
        let mut snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}})));
        for name in ["basic-pd", "basic-pd-db-basic"] {
            snapshot
                .add(
                    Kind::PodMonitor,
                    json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
                           "metadata": {"name": name, "namespace": "db"}, "spec": {"selector": {}}}),
                    None,
                )
                .unwrap();
        }
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        assert_eq!(of_kind(&result.objects, "PodMonitor").len(), 2);
        assert_eq!(result.warnings.len(), 1, "{:#?}", result.warnings);
        assert!(result.warnings[0].contains("PodMonitor db/basic-pd-db-basic already exists"));
    }

    #[test]
    fn fields_carry_over_as_prometheus_operator_names_them() {
        let snapshot = snapshot(monitor(json!({
            "clusters": [{"name": "basic"}],
            "persistent": true, "storage": "20Gi", "storageClassName": "ssd",
            "replicas": 2, "shards": 3,
            "externalLabels": {"region": "eu"}, "replicaExternalLabelName": "replica",
            "nodeSelector": {"pool": "monitoring"},
            "tolerations": [{"key": "dedicated", "operator": "Exists"}],
            "imagePullSecrets": [{"name": "registry"}],
            "prometheus": {
                "baseImage": "prom/prometheus", "version": "v2.27.1", "reserveDays": 30,
                "requests": {"cpu": "1"}, "limits": {"memory": "8Gi"},
                "config": {"commandOptions": ["--query.timeout=5m", "--web.enable-admin-api"]},
                "remoteWrite": [{"url": "http://receiver/api/v1/receive",
                                 "basicAuth": {"username": {"name": "rw", "key": "user"},
                                               "password": {"name": "rw", "key": "pass"}}}],
            },
            "thanos": {"baseImage": "quay.io/thanos/thanos", "version": "v0.28.0",
                       "objectStorageConfig": {"name": "objstore", "key": "objstore.yml"},
                       "listenLocal": true, "requests": {"cpu": "100m"}},
        })));
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        let spec = &of_kind(&result.objects, "Prometheus")[0]["spec"];
        assert_eq!(spec["image"], "prom/prometheus:v2.27.1");
        assert_eq!(spec["version"], "v2.27.1");
        assert_eq!(spec["retention"], "30d");
        assert_eq!(
            spec["storage"],
            json!({"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": "ssd"}}})
        );
        assert_eq!(
            (spec["replicas"].clone(), spec["shards"].clone()),
            (json!(2), json!(3))
        );
        assert_eq!(spec["externalLabels"], json!({"region": "eu"}));
        assert_eq!(spec["replicaExternalLabelName"], "replica");
        assert_eq!(spec["prometheusExternalLabelName"], "");
        assert_eq!(spec["nodeSelector"], json!({"pool": "monitoring"}));
        assert_eq!(spec["tolerations"][0]["key"], "dedicated");
        assert_eq!(spec["imagePullSecrets"], json!([{"name": "registry"}]));
        assert_eq!(
            spec["resources"],
            json!({"requests": {"cpu": "1"}, "limits": {"memory": "8Gi"}})
        );
        assert_eq!(
            spec["additionalArgs"],
            json!([{"name": "query.timeout", "value": "5m"}, {"name": "web.enable-admin-api"}])
        );
        assert_eq!(
            spec["remoteWrite"][0]["basicAuth"]["password"]["name"],
            "rw"
        );
        assert_eq!(
            spec["thanos"],
            json!({"image": "quay.io/thanos/thanos:v0.28.0", "version": "v0.28.0",
                   "objectStorageConfig": {"name": "objstore", "key": "objstore.yml"},
                   "resources": {"requests": {"cpu": "100m"}},
                   "grpcListenLocal": true, "httpListenLocal": true})
        );
        assert_eq!(spec["serviceAccountName"], "basic-prometheus");
        let roles = of_kind(&result.objects, "Role");
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0]["metadata"]["namespace"], "db");
    }

    #[test]
    fn fields_carry_over_as_the_vm_operator_names_them() {
        let snapshot = snapshot(monitor(json!({
            "clusters": [{"name": "basic"}],
            "persistent": true, "storage": "20Gi", "storageClassName": "ssd",
            "replicas": 2, "shards": 3,
            "externalLabels": {"region": "eu"},
            "nodeSelector": {"pool": "monitoring"},
            "tolerations": [{"key": "dedicated", "operator": "Exists"}],
            "imagePullSecrets": [{"name": "registry"}],
            "imagePullPolicy": "Always",
            "automountServiceAccountToken": false,
            "labels": {"team": "db"},
            "prometheus": {
                "baseImage": "prom/prometheus", "version": "v2.27.1", "reserveDays": 30,
                "requests": {"cpu": "1"}, "limits": {"memory": "8Gi"}, "logLevel": "debug",
                "securityContext": {"readOnlyRootFilesystem": true},
                "remoteWrite": [{"url": "http://receiver/api/v1/receive",
                                 "basicAuth": {"username": {"name": "rw", "key": "user"},
                                               "password": {"name": "rw", "key": "pass"}}}],
            },
        })));
        let result = build(
            &snapshot,
            &Options {
                to: To::Victoriametrics,
                ..Default::default()
            },
        )
        .unwrap()
        .stack;
        let kinds: Vec<&str> = result
            .objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "VMSingle",
                "VMAgent",
                "VMPodScrape",
                "VMPodScrape",
                "VMPodScrape"
            ],
            "no ServiceAccount or RBAC: the VM operator makes them"
        );
        let single = &of_kind(&result.objects, "VMSingle")[0]["spec"];
        assert_eq!(single["retentionPeriod"], "30d");
        assert_eq!(
            single["storage"],
            json!({"accessModes": ["ReadWriteOnce"],
                   "resources": {"requests": {"storage": "20Gi"}}, "storageClassName": "ssd"})
        );
        assert_eq!(
            single["resources"],
            json!({"requests": {"cpu": "1"}, "limits": {"memory": "8Gi"}})
        );
        assert_eq!(
            single["extraArgs"],
            json!({"dedup.minScrapeInterval": "15s"})
        );
        assert_eq!(
            single["containers"],
            json!([{"name": "vmsingle", "securityContext": {"readOnlyRootFilesystem": true}}])
        );
        let agent = &of_kind(&result.objects, "VMAgent")[0]["spec"];
        assert_eq!(
            (agent["replicaCount"].clone(), agent["shardCount"].clone()),
            (json!(2), json!(3))
        );
        assert_eq!(agent["externalLabels"], json!({"region": "eu"}));
        assert_eq!(agent["externalLabelName"], "");
        assert_eq!(
            agent["remoteWrite"],
            json!([{"url": "http://vmsingle-basic.db.svc:8428/api/v1/write"},
                   {"url": "http://receiver/api/v1/receive",
                    "basicAuth": {"username": {"name": "rw", "key": "user"},
                                  "password": {"name": "rw", "key": "pass"}}}])
        );
        assert!(
            agent.get("resources").is_none(),
            "Prometheus' resources size the VMSingle"
        );
        for spec in [single, agent] {
            assert_eq!(spec["nodeSelector"], json!({"pool": "monitoring"}));
            assert_eq!(spec["tolerations"][0]["key"], "dedicated");
            assert_eq!(spec["imagePullSecrets"], json!([{"name": "registry"}]));
            assert_eq!(spec["image"], json!({"pullPolicy": "Always"}));
            assert_eq!(spec["disableAutomountServiceAccountToken"], true);
            assert_eq!(spec["podMetadata"], json!({"labels": {"team": "db"}}));
            assert_eq!(spec["logLevel"], "INFO");
            assert_eq!(spec["useDefaultResources"], false);
        }
        // The replica label TidbMonitor put on remote-written data is named as not carried over.
        assert!(
            result
                .notes
                .iter()
                .any(|n| n.starts_with("not carried over: replicaExternalLabelName (unset")),
            "{:#?}",
            result.notes
        );
    }

    /// Sub-day retention is raised to VictoriaMetrics' minimum, and the header says so.
    #[test]
    fn short_retention_is_raised_with_a_note() {
        let snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1", "retentionTime": "12h"}})));
        let result = build(
            &snapshot,
            &Options {
                to: To::Victoriametrics,
                ..Default::default()
            },
        )
        .unwrap()
        .stack;
        assert_eq!(
            of_kind(&result.objects, "VMSingle")[0]["spec"]["retentionPeriod"],
            "24h"
        );
        assert!(
            result
                .notes
                .iter()
                .any(|n| n.contains("retention 12h is below VictoriaMetrics' minimum")),
            "{:#?}",
            result.notes
        );
    }

    /// TidbMonitor's `queueConfig` durations are nanoseconds; prometheus-operator wants duration strings.
    #[test]
    fn remote_write_queue_durations_become_duration_strings() {
        assert_eq!(duration_of_nanos(5_000_000_000), "5s");
        assert_eq!(duration_of_nanos(90_000_000_000), "1m30s");
        assert_eq!(duration_of_nanos(250_000_000), "250ms");
        assert_eq!(duration_of_nanos(0), "0");
        let snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1",
                "remoteWrite": [{"url": "http://r", "queueConfig": {"batchSendDeadline": 5000000000_i64,
                    "minBackoff": 30000000, "maxBackoff": 100000000000_i64, "maxShards": 10}}]}})));
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        assert_eq!(
            of_kind(&result.objects, "Prometheus")[0]["spec"]["remoteWrite"][0]["queueConfig"],
            json!({"batchSendDeadline": "5s", "minBackoff": "30ms", "maxBackoff": "1m40s", "maxShards": 10})
        );
    }

    /// Without persistent storage both stacks keep data in an emptyDir; `reserveDays` unset is Prometheus' 15d.
    #[test]
    fn no_persistence_no_claim_template() {
        let snapshot = snapshot(monitor(
            json!({"clusters": [{"name": "basic"}], "storage": "20Gi",
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}}),
        ));
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        let spec = &of_kind(&result.objects, "Prometheus")[0]["spec"];
        assert!(spec.get("storage").is_none());
        assert_eq!(spec["retention"], "15d");
    }

    /// A cluster in another namespace is only scraped with clusterScoped; without it the header says so.
    #[test]
    fn cross_namespace_reference_without_cluster_scope_is_not_carried() {
        let mut value = monitor(json!({"clusters": [{"name": "basic", "namespace": "db"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}}));
        value["metadata"]["namespace"] = json!("monitoring");
        let snapshot = snapshot(value);
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        assert!(of_kind(&result.objects, "PodMonitor").is_empty());
        assert!(
            result
                .notes
                .iter()
                .any(|n| n.contains("without clusterScoped")),
            "{:?}",
            result.notes
        );
    }

    /// Two monitors over one cluster: each Prometheus gets its own PodMonitors (a label holds one value, so a
    /// shared object would serve one of them), the second under `<name>-<ns>-<monitor>`, and each Prometheus
    /// loads exactly its own.
    #[test]
    fn a_cluster_two_monitors_scraped_gets_objects_for_each() {
        let mut snapshot = snapshot(monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}})));
        let mut second = monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}}));
        second["metadata"]["name"] = json!("second");
        snapshot
            .add(Kind::TidbMonitor, second.clone(), None)
            .unwrap();
        snapshot.keep_raw(Kind::TidbMonitor, second, None);
        let result = build(&snapshot, &Options::default()).unwrap().stack;
        let monitors = of_kind(&result.objects, "PodMonitor");
        let mut names: Vec<&str> = monitors
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "basic-pd",
                "basic-pd-db-second",
                "basic-tidb",
                "basic-tidb-db-second",
                "basic-tikv",
                "basic-tikv-db-second"
            ]
        );
        assert_eq!(of_kind(&result.objects, "Prometheus").len(), 2);
        assert!(result.warnings.is_empty(), "{:#?}", result.warnings);
        for prometheus in of_kind(&result.objects, "Prometheus") {
            snapshot
                .add(Kind::Prometheus, prometheus.clone(), None)
                .unwrap();
        }
        for object in &monitors {
            let mut scraper: ScrapeObject = serde_json::from_value((*object).clone()).unwrap();
            scraper.kind = Kind::PodMonitor;
            let owner = if scraper.metadata.name.ends_with("-db-second") {
                "db/second"
            } else {
                "db/basic"
            };
            assert_eq!(
                loaded_by(&snapshot, &scraper),
                Loaded::By(vec![owner.into()])
            );
        }
    }

    /// The selector value `<ns>.<name>` must be a label value: refused with the monitor named, never truncated
    /// (two truncated names could select each other's objects).
    #[test]
    fn a_name_too_long_for_the_label_is_refused() {
        let mut value = monitor(json!({"clusters": [{"name": "basic"}],
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.27.1"}}));
        let long = "m".repeat(62);
        value["metadata"]["name"] = json!(long);
        let snapshot = snapshot(value);
        let error = build(&snapshot, &Options::default()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("TidbMonitor db/{long}: ")),
            "{error}"
        );
    }
}
