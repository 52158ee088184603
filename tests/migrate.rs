//! `migrate`: snapshots of the stack that replaces each kind of TidbMonitor, checked against prometheus-operator's
//! CRDs, and the refusals.

mod common;

use assert_cmd::Command;
use common::{example, project_examples, spec_violations};
use serde_json::Value;

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = plugin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn project(name: &str) -> String {
    format!("{}/{name}", project_examples())
}

/// The five monitor shapes the migration must handle: (snapshot name, manifests).
fn shapes() -> Vec<(&'static str, String)> {
    vec![
        ("migrate_plain", example("basic")),
        ("migrate_tls", project("tls")),
        ("migrate_sharded_thanos", project("thanos")),
        ("migrate_remote_write", example("monitor-prom-remotewrite")),
        ("migrate_legacy_deployment", project("legacy")),
    ]
}

#[test]
fn snapshots_of_every_monitor_shape() {
    for (name, dir) in shapes() {
        insta::assert_snapshot!(
            name,
            stdout(&["migrate", "-A", "--operator-version", "v1.6.6", "-f", &dir])
        );
    }
}

fn migrate_json(dir: &str) -> Vec<Value> {
    let list: Value =
        serde_json::from_str(&stdout(&["migrate", "-A", "-o", "json", "-f", dir])).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn of_kind(objects: &[Value], kind: &str) -> Vec<Value> {
    objects
        .iter()
        .filter(|o| o["kind"] == kind)
        .cloned()
        .collect()
}

/// Every Prometheus and PodMonitor a migration emits is accepted field by field by prometheus-operator's CRDs:
/// a strict server-side apply refuses unknown fields.
#[test]
fn output_matches_the_prometheus_operator_crds() {
    for (name, dir) in shapes() {
        let objects = migrate_json(&dir);
        let prometheuses = of_kind(&objects, "Prometheus");
        assert!(!prometheuses.is_empty(), "{name}");
        let violations = spec_violations(
            "crds/monitoring.coreos.com_prometheuses.yaml",
            &prometheuses,
        );
        assert!(violations.is_empty(), "{name}: {violations:?}");
        let monitors = of_kind(&objects, "PodMonitor");
        assert!(!monitors.is_empty(), "{name}");
        let violations = spec_violations("crds/monitoring.coreos.com_podmonitors.yaml", &monitors);
        assert!(violations.is_empty(), "{name}: {violations:?}");
    }
}

/// A field-rich monitor (remote write with Secrets, Thanos object storage, scheduling, resources) stays valid too.
#[test]
fn a_monitor_using_every_carried_field_matches_the_crd() {
    let objects = migrate_json(&format!(
        "{}/testdata/migrate/full.yaml",
        env!("CARGO_MANIFEST_DIR")
    ));
    let prometheuses = of_kind(&objects, "Prometheus");
    let spec = &prometheuses[0]["spec"];
    for field in [
        "remoteWrite",
        "thanos",
        "storage",
        "resources",
        "nodeSelector",
        "tolerations",
        "imagePullSecrets",
        "additionalArgs",
        "volumes",
        "volumeMounts",
        "containers",
        "podMetadata",
        "securityContext",
    ] {
        assert!(spec.get(field).is_some(), "{field} not carried: {spec}");
    }
    let violations = spec_violations(
        "crds/monitoring.coreos.com_prometheuses.yaml",
        &prometheuses,
    );
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn victoriametrics_is_refused_for_now() {
    let out = plugin()
        .args([
            "migrate",
            "--to",
            "victoriametrics",
            "-A",
            "-f",
            &example("basic"),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not built yet"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unknown_monitor_name_generates_nothing() {
    let out = plugin()
        .args(["migrate", "-A", "nosuch", "-f", &example("basic")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
