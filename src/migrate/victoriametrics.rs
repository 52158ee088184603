//! `migrate --to victoriametrics`: for each TidbMonitor a VMSingle, the storage Grafana and TiDB Dashboard query in
//! place of its Prometheus, and a VMAgent, which scrapes the migrated VMPodScrapes and writes to the VMSingle and
//! to the monitor's own remote-write receivers. Field names are the VictoriaMetrics operator's v0.74.1 CRDs
//! (`operator.victoriametrics.com/v1beta1`, `../shared/fixtures/crds`); the citations below are files of
//! VictoriaMetrics/operator at that tag, under `api/operator/v1beta1/` unless a `factory/` path
//! (`internal/controller/operator/factory/`) is named.
//!
//! No ServiceAccount or RBAC is emitted: the operator creates `vmsingle-NAME` and `vmagent-NAME` and grants the
//! VMAgent discovery itself (`factory/vmagent/vmagent.go:144-157`, `factory/vmagent/rbac.go`), which is what a
//! user applying these by hand would rely on.

use serde_json::{Map, Value, json};

use super::{carry, claim_spec, containers, fields, get, resources};
use crate::model::TidbMonitor;
use crate::scaffold::labels;
use crate::scaffold::servicemonitor::SCRAPE_INTERVAL;

pub const API_VERSION: &str = "operator.victoriametrics.com/v1beta1";

/// Where the VMAgent writes: the VMSingle's query URL (`To::query_url`) plus the insert path
/// (vmsingle_types.go:383-385 `GetRemoteWriteURL`).
pub fn remote_write_url(namespace: &str, name: &str) -> String {
    format!(
        "{}/api/v1/write",
        crate::core::metric_storage::vmsingle(namespace, name)
    )
}

/// The VMSingle that stores what the monitor's Prometheus stored.
pub(super) fn vmsingle(monitor: &TidbMonitor, raw: &Value, notes: &mut Vec<String>) -> Value {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let mut spec = Map::new();
    // retentionTime, else `<reserveDays>d` (util.go:476-481), else Prometheus' 15d: the predicate `get` shows.
    // Unset, VictoriaMetrics would keep a month (vmsingle_types.go:56-63).
    let retention = crate::core::monitors::retention(monitor);
    match retention_period(&retention) {
        Some((period, raised)) => {
            if raised {
                notes.push(format!(
                    "TidbMonitor {ns}/{name}: retention {retention} is below VictoriaMetrics' minimum of a day (vmsingle_types.go:56-58): the VMSingle keeps {period}"
                ));
            }
            spec.insert("retentionPeriod".into(), json!(period));
        }
        None => notes.push(format!(
            "TidbMonitor {ns}/{name}: retention {retention:?} is no duration VictoriaMetrics' retentionPeriod can hold, so the VMSingle keeps its default (one month): set retentionPeriod yourself"
        )),
    }
    // A PersistentVolumeClaimSpec of its own (vmsingle_types.go:43), from which the operator makes the claim
    // `vmsingle-NAME` (factory/vmsingle/vmsingle.go:59-75); without it, an emptyDir as TidbMonitor had.
    if let Some(claim) = claim_spec(monitor) {
        spec.insert("storage".into(), claim);
    }
    if let Some(resources) = resources(raw, "prometheus") {
        spec.insert("resources".into(), resources);
    }
    // `additionalContainers` and the Prometheus container's securityContext, which the operator merges into its
    // container `vmsingle` (factory/vmsingle/vmsingle.go:400,490).
    if let Some(containers) = containers(
        raw,
        true,
        &[("/spec/prometheus/securityContext", "vmsingle")],
    ) {
        spec.insert("containers".into(), containers);
    }
    carry(&mut spec, raw, "/spec/additionalVolumes", "volumes");
    carry(
        &mut spec,
        raw,
        "/spec/prometheus/additionalVolumeMounts",
        "volumeMounts",
    );
    // Replicas of the VMAgent each scrape every target and write the same series: the VMSingle keeps one sample
    // per series and interval (`-dedup.minScrapeInterval`, which `extraArgs` passes as a flag).
    if monitor.spec.replicas() > 1 {
        spec.insert(
            "extraArgs".into(),
            json!({"dedup.minScrapeInterval": SCRAPE_INTERVAL}),
        );
    }
    pod_settings(&mut spec, raw);
    if let Some(level) = get(raw, "/spec/prometheus/logLevel").and_then(Value::as_str)
        && log_level(level).is_none()
    {
        notes.push(format!(
            "TidbMonitor {ns}/{name}: prometheus.logLevel {level:?} has no VictoriaMetrics level (INFO, WARN, ERROR, FATAL, PANIC): the default INFO applies"
        ));
    }
    object("VMSingle", monitor, "vmsingle", spec)
}

/// The VMAgent that scrapes exactly the VMPodScrapes this migration labels (`selector`) in exactly the clusters'
/// namespaces (`namespace_selector`), and writes to the VMSingle and the monitor's own receivers.
pub(super) fn vmagent(
    monitor: &TidbMonitor,
    raw: &Value,
    selector: &Value,
    namespace_selector: &Value,
    notes: &mut Vec<String>,
) -> Value {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let mut spec = Map::new();
    // common_scrapeparams.go:518-531. With `selectAllByDefault` unset (false) every other selector stays nil,
    // so no VMServiceScrape, VMProbe, VMNodeScrape, VMStaticScrape or VMScrapeConfig is selected (:716-782).
    spec.insert("podScrapeSelector".into(), selector.clone());
    spec.insert(
        "podScrapeNamespaceSelector".into(),
        namespace_selector.clone(),
    );
    // The VMSingle first (vmagent_types.go:43-47 `remoteWrite`, required), then each of the monitor's own.
    let mut remote_write = vec![json!({"url": remote_write_url(ns, name)})];
    if let Some(entries) = get(raw, "/spec/prometheus/remoteWrite").and_then(Value::as_array) {
        remote_write.extend(entries.iter().map(remote_write_entry));
    }
    spec.insert("remoteWrite".into(), Value::Array(remote_write));
    carry(&mut spec, raw, "/spec/externalLabels", "externalLabels");
    // Without it the VMAgent adds `prometheus: <ns>/<name>` to every series (common_scrapeparams.go:669-694),
    // a label TidbMonitor never had.
    spec.insert("externalLabelName".into(), json!(""));
    replica_label_note(monitor, raw, notes);
    // vmagent_types.go:64-69 `shardCount`: one Deployment per shard, each told its member number
    // (factory/vmagent/vmagent.go:819-838); tidb-operator treats shards ≤ 1 as one (tidbmonitor_types.go:564-570).
    if monitor.spec.shards() > 1 {
        spec.insert("shardCount".into(), json!(monitor.spec.shards()));
    }
    if let Some(replicas) = monitor.spec.replicas {
        spec.insert("replicaCount".into(), json!(replicas));
    }
    if let Some(containers) = containers(
        raw,
        false,
        &[("/spec/prometheus/securityContext", "vmagent")],
    ) {
        // The operator's container `vmagent` (factory/vmagent/vmagent.go:722,797).
        spec.insert("containers".into(), containers);
    }
    pod_settings(&mut spec, raw);
    object("VMAgent", monitor, "vmagent", spec)
}

fn object(kind: &str, monitor: &TidbMonitor, component: &str, spec: Map<String, Value>) -> Value {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    json!({
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels(component, name, component, "tidbmonitor-migration"),
        },
        "spec": spec,
    })
}

/// What both pods take from the monitor's pod: scheduling, pull settings, pod metadata and security context, log
/// level, the service account token, and no resource defaults the monitor did not have (all CommonAppsParams,
/// vmextra_types.go).
fn pod_settings(spec: &mut Map<String, Value>, raw: &Value) {
    for (from, to) in [
        ("/spec/nodeSelector", "nodeSelector"),
        ("/spec/tolerations", "tolerations"),
        ("/spec/imagePullSecrets", "imagePullSecrets"),
        // The VM type inlines corev1.PodSecurityContext (vmextra_types.go `SecurityContext`).
        ("/spec/podSecurityContext", "securityContext"),
    ] {
        carry(spec, raw, from, to);
    }
    // `image.pullPolicy` alone: the operator fills in its own repository and tag (factory/build/defaults.go:566-598).
    let policy = get(raw, "/spec/prometheus/imagePullPolicy")
        .or_else(|| get(raw, "/spec/imagePullPolicy"))
        .filter(|p| p.as_str().is_some_and(|p| !p.is_empty()));
    if let Some(policy) = policy {
        spec.insert("image".into(), json!({"pullPolicy": policy}));
    }
    let mut pod_metadata = Map::new();
    carry(&mut pod_metadata, raw, "/spec/labels", "labels");
    carry(&mut pod_metadata, raw, "/spec/annotations", "annotations");
    if !pod_metadata.is_empty() {
        spec.insert("podMetadata".into(), Value::Object(pod_metadata));
    }
    // vmextra_types.go:1558-1565: the operator still mounts the token into the containers that need the API
    // server (vmagent's discovery, the config-reloader).
    if get(raw, "/spec/automountServiceAccountToken") == Some(&json!(false)) {
        spec.insert("disableAutomountServiceAccountToken".into(), json!(true));
    }
    if let Some(level) = get(raw, "/spec/prometheus/logLevel")
        .and_then(Value::as_str)
        .and_then(log_level)
    {
        spec.insert("logLevel".into(), json!(level));
    }
    // Unless told otherwise the operator gives every container it runs default requests and limits
    // (factory/build/container.go:97-147; VMSingle 1500Mi/1200m, VMAgent 500Mi/200m, internal/config/config.go):
    // TidbMonitor limited nothing it was not told to.
    spec.insert("useDefaultResources".into(), json!(false));
}

/// Prometheus' log levels (debug, info, warn, error) as the VM CRDs' enum (INFO, WARN, ERROR, FATAL, PANIC):
/// VictoriaMetrics has no debug level, INFO is its lowest.
fn log_level(level: &str) -> Option<&'static str> {
    match level.to_ascii_lowercase().as_str() {
        "debug" | "info" => Some("INFO"),
        "warn" => Some("WARN"),
        "error" => Some("ERROR"),
        _ => None,
    }
}

/// TidbMonitor added the replica label `<replicaExternalLabelName or prometheus_replica>=<ns>_<pod>` unless the
/// name is "" (util.go:43,1483-1500), an external label that only data leaving Prometheus carried (remote write,
/// the Thanos sidecar). A name set explicitly is listed by `fields::dropped_notes`; the default one here, with
/// the same reason, when the monitor sent data anywhere the label was seen.
fn replica_label_note(monitor: &TidbMonitor, raw: &Value, notes: &mut Vec<String>) {
    let seen = get(raw, "/spec/prometheus/remoteWrite")
        .and_then(Value::as_array)
        .is_some_and(|entries| !entries.is_empty())
        || get(raw, "/spec/thanos").is_some();
    if !seen || get(raw, "/spec/replicaExternalLabelName").is_some() {
        return;
    }
    notes.push(format!(
        "not carried over: replicaExternalLabelName (unset: TidbMonitor {}/{} labelled its data prometheus_replica=<namespace>_<pod>) — {}; instead: {}",
        monitor.metadata.namespace(),
        monitor.metadata.name,
        fields::REPLICA_LABEL_WHY,
        fields::REPLICA_LABEL_INSTEAD
    ));
}

/// One of the monitor's `prometheus.remoteWrite` entries (tidbmonitor_types.go:451-490) as a VMAgent
/// `remoteWrite` entry (vmagent_types.go `VMAgentRemoteWriteSpec`). What it cannot hold is listed by
/// `fields::dropped_notes` (`prometheus.remoteWrite.*` rows).
fn remote_write_entry(entry: &Value) -> Value {
    let mut out = Map::new();
    for (from, to) in [
        ("/url", "url"),
        ("/basicAuth", "basicAuth"),
        ("/tlsConfig", "tlsConfig"),
        ("/proxyUrl", "proxyURL"),
        // The same rule fields (RelabelConfig, common_scrapeparams.go), applied to this URL only.
        ("/writeRelabelConfigs", "inlineUrlRelabelConfig"),
        // vmagent's concurrent senders for the URL, its counterpart of Prometheus' shards.
        ("/queueConfig/maxShards", "queues"),
    ] {
        carry(&mut out, entry, from, to);
    }
    // `Name: value` strings (vmagent_types.go `headers`); serde_json's map keeps them sorted.
    if let Some(headers) = get(entry, "/headers").and_then(Value::as_object) {
        let lines: Vec<Value> = headers
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| json!(format!("{k}: {v}"))))
            .collect();
        if !lines.is_empty() {
            out.insert("headers".into(), Value::Array(lines));
        }
    }
    // TidbMonitor's `^\d+[smhd]$`; the VM CRD's `[0-9]+(ms|s|m|h)` has no days.
    if let Some(timeout) = get(entry, "/remoteTimeout").and_then(Value::as_str) {
        let timeout = match timeout
            .strip_suffix('d')
            .and_then(|d| d.parse::<u64>().ok())
        {
            Some(days) => format!("{}h", days * 24),
            None => timeout.to_string(),
        };
        out.insert("sendTimeout".into(), json!(timeout));
    }
    Value::Object(out)
}

/// A Prometheus duration (`[<n>y][<n>w][<n>d][<n>h][<n>m][<n>s][<n>ms]`, at least one term) in milliseconds, with
/// its unit when it is a single term.
pub(crate) fn parse_duration(text: &str) -> Option<(u64, Option<&str>)> {
    const UNITS: [(&str, u64); 7] = [
        ("y", 365 * 86_400_000),
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("ms", 1),
        ("m", 60_000),
        ("s", 1_000),
    ];
    let mut rest = text;
    let mut total: u64 = 0;
    let mut terms = Vec::new();
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let number: u64 = rest[..digits].parse().ok()?;
        let (unit, size) = UNITS
            .iter()
            .find(|(unit, _)| rest[digits..].starts_with(unit))?;
        total = total.checked_add(number.checked_mul(*size)?)?;
        terms.push(*unit);
        rest = &rest[digits + unit.len()..];
    }
    match terms.as_slice() {
        [] => None,
        [unit] => Some((total, Some(unit))),
        _ => Some((total, None)),
    }
}

/// TidbMonitor's retention as the VMSingle's `retentionPeriod` (`^[0-9]+(h|d|w|y)?$`, a bare number meaning
/// months, at least a day: vmsingle_types.go:56-63): one h, d, w or y term as it is, anything else in whole hours
/// rounded up; `true` when raised to the minimum. `None`: not a Prometheus duration.
fn retention_period(retention: &str) -> Option<(String, bool)> {
    const DAY: u64 = 86_400_000;
    let (ms, unit) = parse_duration(retention)?;
    if ms < DAY {
        return Some(("24h".into(), true));
    }
    Some(match unit {
        Some("h" | "d" | "w" | "y") => (retention.to_string(), false),
        _ => (format!("{}h", ms.div_ceil(3_600_000)), false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_becomes_a_period_victoriametrics_accepts() {
        let period = |r: &str| retention_period(r);
        assert_eq!(period("15d"), Some(("15d".into(), false)));
        assert_eq!(period("2w"), Some(("2w".into(), false)));
        assert_eq!(period("1y"), Some(("1y".into(), false)));
        assert_eq!(period("36h"), Some(("36h".into(), false)));
        assert_eq!(period("1d12h"), Some(("36h".into(), false)));
        assert_eq!(period("2880m"), Some(("48h".into(), false)));
        assert_eq!(period("90000s"), Some(("25h".into(), false)));
        assert_eq!(period("12h"), Some(("24h".into(), true)));
        assert_eq!(period("30m"), Some(("24h".into(), true)));
        assert_eq!(
            period("15"),
            None,
            "a bare number means months to VictoriaMetrics"
        );
        assert_eq!(period("fortnight"), None);
        assert_eq!(period(""), None);
    }

    #[test]
    fn remote_write_entries_keep_what_vmagent_can_hold() {
        let entry = json!({
            "url": "https://metrics.example.com/api/v1/write",
            "name": "central",
            "remoteTimeout": "2d",
            "headers": {"X-Scope-OrgID": "shop", "A": "b"},
            "basicAuth": {"username": {"name": "rw", "key": "user"}, "password": {"name": "rw", "key": "pass"}},
            "writeRelabelConfigs": [{"sourceLabels": ["__name__"], "regex": "go_.*", "action": "drop"}],
            "queueConfig": {"capacity": 10000, "maxShards": 50},
            "metadataConfig": {"send": true},
            "proxyUrl": "http://proxy:3128",
        });
        assert_eq!(
            remote_write_entry(&entry),
            json!({
                "url": "https://metrics.example.com/api/v1/write",
                "sendTimeout": "48h",
                "headers": ["A: b", "X-Scope-OrgID: shop"],
                "basicAuth": {"username": {"name": "rw", "key": "user"}, "password": {"name": "rw", "key": "pass"}},
                "inlineUrlRelabelConfig": [{"sourceLabels": ["__name__"], "regex": "go_.*", "action": "drop"}],
                "queues": 50,
                "proxyURL": "http://proxy:3128",
            })
        );
    }

    #[test]
    fn log_levels_map_to_the_vm_enum() {
        assert_eq!(log_level("debug"), Some("INFO"));
        assert_eq!(log_level("WARN"), Some("WARN"));
        assert_eq!(log_level("error"), Some("ERROR"));
        assert_eq!(log_level("verbose"), None);
    }
}
