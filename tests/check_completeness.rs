//! `check` says what it could not see: unresolved references and unreadable kinds are on the summary line and
//! fail `--strict`; `--assume-complete` turns "not in the files" into "missing" for repositories that hold
//! every object.

use assert_cmd::Command;

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    cmd
}

/// A monitor whose only problem is a reference the files do not hold.
const DANGLING: &str = "apiVersion: pingcap.com/v1alpha1
kind: TidbMonitor
metadata: {name: mon, namespace: db}
spec:
  clusters: [{name: gone, namespace: db}]
  persistent: true
  storage: 10Gi
  prometheus: {baseImage: prom/prometheus, version: v2.53.2, retentionTime: 15d}
  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}
  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}
  prometheusReloader: {baseImage: quay.io/prometheus-operator/prometheus-config-reloader, version: v0.49.0}
";

fn run(args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("monitor.yaml");
    std::fs::write(&file, DANGLING).unwrap();
    let out = plugin()
        .args(["check", "-f", file.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn summary(stdout: &str) -> &str {
    stdout.lines().last().unwrap_or_default()
}

#[test]
fn unresolved_references_are_counted_and_fail_strict() {
    let (code, stdout) = run(&[]);
    assert!(summary(&stdout).ends_with("; 1 unresolved"), "{stdout}");
    assert_eq!(
        code, 0,
        "an unresolved reference alone is not an error: {stdout}"
    );
    let (code, stdout) = run(&["--strict"]);
    assert_eq!(
        code, 1,
        "--strict never passes on what it did not see: {stdout}"
    );
}

#[test]
fn assume_complete_makes_a_reference_outside_the_files_missing() {
    let (code, stdout) = run(&["--assume-complete"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("TM010") && stdout.contains("does not exist"),
        "{stdout}"
    );
    assert!(!stdout.contains("unresolved"), "{stdout}");
    let (_, json) = run(&["--assume-complete", "-o", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["summary"]["unresolved"], 0, "{json}");
    assert_eq!(report["summary"]["errors"], 1, "{json}");
}

#[test]
fn assume_complete_is_refused_live() {
    let out = plugin()
        .args(["check", "--assume-complete"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--assume-complete applies to -f"),
        "{stderr}"
    );
}
