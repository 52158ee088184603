//! A TidbMonitor's alerting in the form prometheus-operator accepts: `alertmanagerURL` as an
//! `additionalAlertManagerConfigs` Secret the migration writes (it reads none), and the rule files the monitor's
//! Prometheus loaded as one PrometheusRule each, with the same groups, selected by the new Prometheus'
//! `ruleSelector`/`ruleNamespaceSelector` and by nothing else.
//!
//! Which rule files TidbMonitor loads (tidb-operator v1.6.6 `pkg/monitor/monitor/template.go:475-502`): with
//! `alertmanagerURL` or `enableAlertRules`, `/prometheus-rules/rules/*.rules.yml`, the built-in rules the
//! initializer image copies there (pingcap/monitoring `monitor-snapshot/master/operator/init.sh:138-159`, rewriting
//! `job=` to `component=`); with `prometheus.config.ruleConfigRef` instead (it wins),
//! `/prometheus-external-rules/*.rules.yml`, the keys of that ConfigMap (mounted by name from the monitor's
//! namespace, util.go:921-931). The built-in rules live in the image, which the plugin cannot read: they come
//! from `--rules-dir`, copied out of the running pod, or are named as not carried over.

use serde_json::{Map, Value, json};

use super::{MIGRATED_FROM, NAMESPACE_NAME};
use crate::model::TidbMonitor;
use crate::naming;
use crate::scaffold::{ScaffoldError, labels, validate_name};
use crate::snapshot::{Kind, Lookup, Snapshot};

/// One Prometheus rule file: its file (or ConfigMap key) name and text.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
}

/// `--rules-dir DIR`: the built-in rule files copied out of a monitor's pod.
#[derive(Debug, Clone, Default)]
pub struct RulesDir {
    /// As the user gave it, for messages.
    pub path: String,
    pub files: Vec<RuleFile>,
}

/// The suffix of the rule files TidbMonitor's Prometheus loads (template.go:481, 487, 492).
pub const RULE_FILE_SUFFIX: &str = ".rules.yml";

/// Where TidbMonitor's pods hold the built-in rules (template.go:481; util.go:536-540 mounts the volume into the
/// `prometheus` container, init.sh:139-147 fills it).
pub const BUILT_IN_RULES: &str = "/prometheus-rules/rules";

/// The key of the Secret that carries `alertmanagerURL`.
pub const ALERTMANAGERS_KEY: &str = "alertmanagers.yaml";

/// What a monitor's alerting becomes.
#[derive(Debug, Default)]
pub struct Alerting {
    /// Fields for the Prometheus `spec`.
    pub prometheus: Map<String, Value>,
    /// The Secret and PrometheusRules.
    pub objects: Vec<Value>,
    /// Header lines.
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

/// Whether the monitor's Prometheus evaluated rules or sent alerts: `alertmanagerURL` or `enableAlertRules` load
/// the built-in rules, `prometheus.config.ruleConfigRef` its own (template.go:475-502).
pub fn alerts(monitor: &TidbMonitor) -> bool {
    monitor
        .spec
        .alertmanager_url
        .as_deref()
        .is_some_and(|u| !u.is_empty())
        || monitor.spec.enable_alert_rules
        || monitor
            .spec
            .prometheus
            .as_ref()
            .and_then(|p| p.config.as_ref())
            .and_then(|c| c.rule_config_ref.as_ref())
            .is_some_and(|r| !r.name.is_empty())
}

/// The name of the Secret holding a monitor's Alertmanager configuration.
pub fn alertmanagers_secret(monitor: &str) -> String {
    format!("{monitor}-prometheus-alertmanagers")
}

/// `alertmanagerURL` as tidb-operator renders it (template.go:449-471: `alerting.alertmanagers[0]
/// .static_configs[0].targets: [URL]`, nothing else, so scheme http, path prefix `/` and Prometheus' default API
/// version), as the one entry of an `additionalAlertManagerConfigs` file, which prometheus-operator appends
/// verbatim to `alerting.alertmanagers` (v0.93 pkg/prometheus/promcfg.go:1180-1184, read from the Prometheus'
/// namespace, pkg/prometheus/server/operator.go:1609-1621). `alerting.alertmanagers` would not be the same:
/// it discovers the pods behind a Service's Endpoints (promcfg.go:2591-2687) and cannot name a host outside
/// the cluster.
pub fn alertmanager_config(url: &str) -> String {
    let config = json!([{"static_configs": [{"targets": [url]}]}]);
    serde_saphyr::to_string(&config).unwrap_or_default()
}

/// The PrometheusRules for `files`, one per file with the file's groups unchanged, named
/// `<monitor>-<file without .rules.yml>` and labelled so that only this migration's Prometheus selects them.
/// A file that is no rule file (no `groups` list) is skipped with a warning.
pub fn prometheus_rules(
    monitor: &TidbMonitor,
    selector_value: &str,
    source: &str,
    files: &[RuleFile],
) -> (Vec<Value>, Vec<String>) {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let mut object_labels = labels("prometheus", name, "alert-rules", "tidbmonitor-migration");
    object_labels[MIGRATED_FROM] = json!(selector_value);
    let mut objects: Vec<Value> = Vec::new();
    let mut warnings = Vec::new();
    for file in files {
        let skip = |why: String| {
            format!(
                "TidbMonitor {ns}/{name}: {source} {}: {why}; not carried over",
                file.name
            )
        };
        let parsed: Value = match serde_saphyr::from_str(&file.text) {
            Ok(value) => value,
            Err(e) => {
                warnings.push(skip(format!("not YAML ({e})")));
                continue;
            }
        };
        let Some(groups) = parsed.get("groups").filter(|g| g.is_array()) else {
            warnings.push(skip("no `groups` list, so no rule file".into()));
            continue;
        };
        let groups = with_string_labels(groups.clone());
        let stem = file
            .name
            .strip_suffix(RULE_FILE_SUFFIX)
            .unwrap_or(&file.name);
        let rule_name = format!("{name}-{}", dns_name(stem));
        if validate_name("PrometheusRule", &rule_name).is_err()
            || objects.iter().any(|o| o["metadata"]["name"] == rule_name)
        {
            warnings.push(skip(format!(
                "its PrometheusRule name {rule_name} is not valid or taken by another file"
            )));
            continue;
        }
        if mentions_job(&file.text) {
            warnings.push(format!(
                "TidbMonitor {ns}/{name}: PrometheusRule {ns}/{rule_name} ({source} {}) selects on `job`: the migrated series' job is tiup's component name (pd, tidb, tikv…), not TidbMonitor's <namespace>-<cluster>-<component>; check those selectors",
                file.name
            ));
        }
        objects.push(json!({
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {
                "name": rule_name,
                "namespace": ns,
                "labels": object_labels,
                "annotations": {"tidbmonitor.kubectl-tidbmonitor/rule-file": format!("{source} {}", file.name)},
            },
            // Prometheus' rule file format and PrometheusRule's `spec.groups` share their field names
            // (prometheus-operator v0.93 pkg/apis/monitoring/v1/prometheusrule_types.go:80-151 `RuleGroup`, `Rule`).
            "spec": {"groups": groups},
        }));
    }
    (objects, warnings)
}

/// Label and annotation values as strings: Prometheus reads `severity: 1` in a rule file as the string "1"
/// (rulefmt's maps are `map[string]string`), PrometheusRule's CRD types them as strings too
/// (prometheusrule_types.go:92, 146, 151), but YAML gives a number.
fn with_string_labels(mut groups: Value) -> Value {
    fn stringify(map: Option<&mut Value>) {
        if let Some(Value::Object(map)) = map {
            for value in map.values_mut() {
                match value {
                    Value::Number(n) => *value = Value::String(n.to_string()),
                    Value::Bool(b) => *value = Value::String(b.to_string()),
                    _ => {}
                }
            }
        }
    }
    for group in groups.as_array_mut().into_iter().flatten() {
        stringify(group.get_mut("labels"));
        for rule in group
            .get_mut("rules")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            stringify(rule.get_mut("labels"));
            stringify(rule.get_mut("annotations"));
        }
    }
    groups
}

/// Whether a rule file filters or groups on `job` (`job=`, `job!=`, `job=~`, `job!~`, `by (job`).
fn mentions_job(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    ["job=", "job!", "(job,", "(job)", ",job)", ",job,"]
        .iter()
        .any(|pattern| compact.contains(pattern))
}

/// A file name as a DNS-1123 name part: lower case, anything else than letters and digits as `-`.
fn dns_name(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    mapped.trim_matches('-').to_string()
}

fn text<'a>(raw: &'a Value, pointer: &str) -> Option<&'a str> {
    raw.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The rule files of the ConfigMap `ruleConfigRef` names, or why there are none.
fn config_map_rules(
    snapshot: &Snapshot,
    ns: &str,
    config_map: &str,
) -> Result<Vec<RuleFile>, String> {
    match snapshot.config_map(ns, config_map) {
        Lookup::Missing => Err(format!("ConfigMap {ns}/{config_map} was not found")),
        Lookup::Unknown => Err(format!(
            "ConfigMap {ns}/{config_map} could not be read (live: not allowed to list it; offline: pass it with -f)"
        )),
        Lookup::Found(_) => {
            let raw = snapshot
                .raw
                .get(&(Kind::ConfigMap, ns.to_string(), config_map.to_string()));
            let data = raw
                .and_then(|r| r.get("data"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Ok(data
                .iter()
                .filter(|(key, _)| key.ends_with(RULE_FILE_SUFFIX))
                .map(|(key, value)| RuleFile {
                    name: key.clone(),
                    text: value.as_str().unwrap_or_default().to_string(),
                })
                .collect())
        }
    }
}

/// The alerting of one monitor.
pub fn alerting(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    raw: &Value,
    selector_value: &str,
    rules_dir: Option<&RulesDir>,
) -> Result<Alerting, ScaffoldError> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let id = format!("TidbMonitor {ns}/{name}");
    let mut out = Alerting::default();
    let alertmanager = text(raw, "/spec/alertmanagerURL");
    if let Some(url) = alertmanager {
        if url.contains('/') {
            // Prometheus refuses a static target containing '/' when it loads its config (config.go
            // `CheckTargetAddress`, called for `alerting.alertmanagers[].static_configs`).
            out.notes.push(format!(
                "not carried over: alertmanagerURL — {url:?} is no host:port, and Prometheus refuses a target containing '/' (config CheckTargetAddress), so the monitor's Prometheus could not load its config with it either; instead: set it as host:port and migrate again"
            ));
        } else {
            let secret = alertmanagers_secret(name);
            out.objects.push(json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {
                    "name": secret,
                    "namespace": ns,
                    "labels": labels("prometheus", name, "alertmanager-config", "tidbmonitor-migration"),
                },
                "type": "Opaque",
                "data": {ALERTMANAGERS_KEY: crate::scaffold::grafana::secret_data(&alertmanager_config(url))},
            }));
            // prometheus_types.go:1295-1310.
            out.prometheus.insert(
                "additionalAlertManagerConfigs".into(),
                json!({"name": secret, "key": ALERTMANAGERS_KEY}),
            );
            out.notes.push(format!(
                "{id}: alertmanagerURL {url} → Secret {ns}/{secret} (key {ALERTMANAGERS_KEY}: one static target, as tidb-operator's config has it), the Prometheus' additionalAlertManagerConfigs"
            ));
        }
    }
    let rule_config_ref = monitor
        .spec
        .prometheus
        .as_ref()
        .and_then(|p| p.config.as_ref())
        .and_then(|c| c.rule_config_ref.as_ref())
        .filter(|r| !r.name.is_empty());
    let built_in = alertmanager.is_some() || monitor.spec.enable_alert_rules;
    let mut rules_on = false;
    if let Some(reference) = rule_config_ref {
        rules_on = true;
        // util.go:921-931 mounts it by name in the monitor's namespace; its own namespace is never read.
        if reference
            .namespace
            .as_deref()
            .is_some_and(|n| !n.is_empty() && n != ns)
        {
            out.notes.push(format!(
                "{id}: prometheus.config.ruleConfigRef.namespace is ignored, as tidb-operator ignores it: the ConfigMap is read from {ns}"
            ));
        }
        let source = format!("ConfigMap {ns}/{}", reference.name);
        match config_map_rules(snapshot, ns, &reference.name) {
            Ok(files) => {
                let (objects, warnings) = prometheus_rules(monitor, selector_value, &source, &files);
                out.notes.push(format!(
                    "{id}: prometheus.config.ruleConfigRef → {} PrometheusRule(s) from the *{RULE_FILE_SUFFIX} keys of {source}",
                    objects.len()
                ));
                out.objects.extend(objects);
                out.warnings.extend(warnings);
            }
            Err(why) => out.notes.push(format!(
                "not carried over: prometheus.config.ruleConfigRef — {why}; instead: create it and migrate again (or write its rules as PrometheusRules labelled {MIGRATED_FROM}={selector_value})"
            )),
        }
        if built_in {
            out.notes.push(format!(
                "{id}: the built-in alert rules are off, as in TidbMonitor: ruleConfigRef replaces them (template.go:490-494)"
            ));
        }
    } else if built_in {
        rules_on = true;
        let why = if alertmanager.is_some() {
            "alertmanagerURL"
        } else {
            "enableAlertRules"
        };
        match rules_dir {
            Some(dir) => {
                let source = format!("--rules-dir {}", dir.path);
                let (objects, warnings) =
                    prometheus_rules(monitor, selector_value, &source, &dir.files);
                out.notes.push(format!(
                    "{id}: the built-in alert rules ({why} turns them on) → {} PrometheusRule(s) from {source}",
                    objects.len()
                ));
                out.objects.extend(objects);
                out.warnings.extend(warnings);
            }
            None => {
                let pod = naming::monitor_pod_expression(ns, name);
                let dir = format!("{name}-rules");
                out.notes.push(format!(
                    "not carried over: the built-in alert rules ({why} turns them on) — they are files of the initializer image, which the plugin cannot read; instead: copy them out of the running monitor and migrate again with them: kubectl -n {ns} cp -c prometheus {pod}:{BUILT_IN_RULES} {dir} && kubectl tidbmonitor migrate -n {ns} {name} --rules-dir {dir}"
                ));
            }
        }
    }
    if let Some(dir) = rules_dir.filter(|_| rule_config_ref.is_some() || !built_in) {
        out.notes.push(format!(
            "{id}: --rules-dir {} not used: {}",
            dir.path,
            if rule_config_ref.is_some() {
                "its ruleConfigRef replaces the built-in rules"
            } else {
                "neither alertmanagerURL nor enableAlertRules turns its built-in rules on"
            }
        ));
    }
    if rules_on {
        // Exactly this migration's PrometheusRules, in the monitor's namespace (prometheus_types.go:1261-1270):
        // set even when the rules are still to be copied, so that adding them selects them.
        out.prometheus.insert(
            "ruleSelector".into(),
            json!({"matchLabels": {MIGRATED_FROM: selector_value}}),
        );
        out.prometheus.insert(
            "ruleNamespaceSelector".into(),
            json!({"matchExpressions": [{"key": NAMESPACE_NAME, "operator": "In", "values": [ns]}]}),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(monitor: Value, config_map: Option<Value>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        snapshot
            .add(Kind::TidbMonitor, monitor.clone(), None)
            .unwrap();
        snapshot.keep_raw(Kind::TidbMonitor, monitor, None);
        if let Some(cm) = config_map {
            snapshot.add(Kind::ConfigMap, cm.clone(), None).unwrap();
            snapshot.keep_raw(Kind::ConfigMap, cm, None);
        }
        snapshot
            .scopes
            .insert(Kind::ConfigMap, crate::snapshot::Scope::AllNamespaces);
        snapshot
    }

    fn monitor(spec: Value) -> Value {
        json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbMonitor",
               "metadata": {"name": "basic", "namespace": "db"}, "spec": spec})
    }

    const TIDB_RULES: &str = "groups:\n- name: alert.rules\n  rules:\n  - alert: TiDB_schema_error\n    expr: increase(tidb_session_schema_lease_error_total{type=\"outdated\"}[15m]) > 0\n    for: 1m\n    labels: {level: emergency}\n    annotations: {summary: TiDB schema error}\n- name: recordings\n  interval: 30s\n  rules:\n  - record: tidb:qps\n    expr: sum(rate(tidb_server_query_total[1m])) by (component)\n";

    fn run(spec: Value, config_map: Option<Value>, dir: Option<&RulesDir>) -> Alerting {
        let raw = monitor(spec);
        let snapshot = snapshot(raw.clone(), config_map);
        alerting(&snapshot, &snapshot.monitors[0], &raw, "db.basic", dir).unwrap()
    }

    /// Each `*.rules.yml` key becomes a PrometheusRule whose groups equal the file's; other keys are not rule files
    /// TidbMonitor loaded.
    #[test]
    fn rule_config_ref_keys_become_prometheus_rules_with_the_same_groups() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "my-rules", "namespace": "db"},
                        "data": {"tidb.rules.yml": TIDB_RULES, "README.md": "not rules",
                                 "tikv.accelerate.rules.yml": "groups: []\n"}});
        let out = run(
            json!({"enableAlertRules": true,
                   "prometheus": {"config": {"ruleConfigRef": {"name": "my-rules", "namespace": "elsewhere"}}}}),
            Some(cm),
            None,
        );
        let rules: Vec<&Value> = out
            .objects
            .iter()
            .filter(|o| o["kind"] == "PrometheusRule")
            .collect();
        let names: Vec<&str> = rules
            .iter()
            .map(|r| r["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["basic-tidb", "basic-tikv-accelerate"]);
        let expected: Value = serde_saphyr::from_str(TIDB_RULES).unwrap();
        assert_eq!(rules[0]["spec"]["groups"], expected["groups"]);
        assert_eq!(rules[0]["metadata"]["labels"][MIGRATED_FROM], "db.basic");
        assert_eq!(rules[0]["metadata"]["namespace"], "db");
        assert_eq!(
            out.prometheus["ruleSelector"],
            json!({"matchLabels": {MIGRATED_FROM: "db.basic"}})
        );
        assert_eq!(
            out.prometheus["ruleNamespaceSelector"]["matchExpressions"][0]["values"],
            json!(["db"])
        );
        assert!(
            out.notes.iter().any(|n| n.contains("namespace is ignored")),
            "{:?}",
            out.notes
        );
        assert!(
            out.notes
                .iter()
                .any(|n| n.contains("ruleConfigRef replaces them")),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn a_missing_rule_config_map_is_named_not_carried() {
        let out = run(
            json!({"prometheus": {"config": {"ruleConfigRef": {"name": "gone"}}}}),
            None,
            None,
        );
        assert!(out.objects.is_empty());
        assert!(
            out.notes.iter().any(|n| n.starts_with("not carried over: prometheus.config.ruleConfigRef — ConfigMap db/gone was not found")),
            "{:?}",
            out.notes
        );
        // The selector is set anyway: the rules, once created with the label, are loaded.
        assert!(out.prometheus.contains_key("ruleSelector"));
    }

    /// alertmanagerURL: a Secret of ours with one static target, referenced as additionalAlertManagerConfigs;
    /// the built-in rules it turns on are named with the command that copies them out of the pod.
    #[test]
    fn alertmanager_url_becomes_a_static_target_secret() {
        let out = run(
            json!({"alertmanagerURL": "alertmanager.monitoring:9093"}),
            None,
            None,
        );
        let secret = out.objects.iter().find(|o| o["kind"] == "Secret").unwrap();
        assert_eq!(secret["metadata"]["name"], "basic-prometheus-alertmanagers");
        let encoded = secret["data"][ALERTMANAGERS_KEY].clone();
        let bytes: k8s_openapi::ByteString = serde_json::from_value(encoded).unwrap();
        let config: Value = serde_saphyr::from_str(std::str::from_utf8(&bytes.0).unwrap()).unwrap();
        assert_eq!(
            config,
            json!([{"static_configs": [{"targets": ["alertmanager.monitoring:9093"]}]}])
        );
        assert_eq!(
            out.prometheus["additionalAlertManagerConfigs"],
            json!({"name": "basic-prometheus-alertmanagers", "key": ALERTMANAGERS_KEY})
        );
        let built_in = out
            .notes
            .iter()
            .find(|n| n.starts_with("not carried over: the built-in alert rules (alertmanagerURL"))
            .unwrap();
        assert!(
            built_in.ends_with("kubectl -n db cp -c prometheus \"$(kubectl -n db get pod -l app.kubernetes.io/instance=basic,app.kubernetes.io/component=monitor -o jsonpath='{.items[0].metadata.name}')\":/prometheus-rules/rules basic-rules && kubectl tidbmonitor migrate -n db basic --rules-dir basic-rules"),
            "{built_in}"
        );
    }

    #[test]
    fn a_url_with_a_scheme_is_not_carried() {
        let out = run(
            json!({"alertmanagerURL": "http://alertmanager:9093"}),
            None,
            None,
        );
        assert!(out.objects.iter().all(|o| o["kind"] != "Secret"));
        assert!(!out.prometheus.contains_key("additionalAlertManagerConfigs"));
        assert!(
            out.notes[0].starts_with("not carried over: alertmanagerURL — "),
            "{:?}",
            out.notes
        );
    }

    /// enableAlertRules with --rules-dir: the copied files become PrometheusRules; a file that is not a rule file is
    /// skipped with a warning.
    #[test]
    fn rules_dir_files_become_prometheus_rules() {
        let dir = RulesDir {
            path: "basic-rules".into(),
            files: vec![
                RuleFile {
                    name: "tidb.rules.yml".into(),
                    text: TIDB_RULES.into(),
                },
                RuleFile {
                    name: "broken.rules.yml".into(),
                    text: "rules: []\n".into(),
                },
            ],
        };
        let out = run(json!({"enableAlertRules": true}), None, Some(&dir));
        let names: Vec<&str> = out
            .objects
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["basic-tidb"]);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].contains("broken.rules.yml: no `groups` list"));
        assert!(out.prometheus.contains_key("ruleSelector"));
    }

    #[test]
    fn no_rules_no_selector_and_an_unused_rules_dir_is_said() {
        let dir = RulesDir {
            path: "x".into(),
            files: vec![],
        };
        let out = run(json!({}), None, Some(&dir));
        assert!(out.prometheus.is_empty());
        assert!(
            out.notes
                .iter()
                .any(|n| n.contains("--rules-dir x not used"))
        );
    }

    /// `priority: 1` is the string "1" to Prometheus and to the CRD: kept a string.
    #[test]
    fn label_values_stay_strings() {
        let file = RuleFile {
            name: "x.rules.yml".into(),
            text: "groups:\n- name: g\n  labels: {tier: 2}\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {priority: 1, page: true}\n".into(),
        };
        let raw = monitor(json!({}));
        let snapshot = snapshot(raw, None);
        let (objects, warnings) =
            prometheus_rules(&snapshot.monitors[0], "db.basic", "test", &[file]);
        assert!(warnings.is_empty());
        let group = &objects[0]["spec"]["groups"][0];
        assert_eq!(group["labels"]["tier"], "2");
        assert_eq!(
            group["rules"][0]["labels"],
            json!({"priority": "1", "page": "true"})
        );
    }

    #[test]
    fn job_selectors_are_noticed() {
        assert!(mentions_job("expr: up{job=\"db-basic-tidb\"} == 0"));
        assert!(mentions_job("sum(x) by (job, instance)"));
        assert!(!mentions_job("expr: up{component=\"tidb\"} == 0"));
        assert_eq!(dns_name("TiKV.accelerate"), "tikv-accelerate");
    }
}
