//! `status NAME`: the sections of one monitor, offline on testdata/status (table and JSON snapshots), a
//! forbidden kind's "not checked" line and exit 1, and what the live command asks the API server for.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use kubectl_tidbmonitor::checks::{Context, OperatorVersion};
use kubectl_tidbmonitor::core::status::monitor_status;
use kubectl_tidbmonitor::snapshot::{Gap, Kind, Scope, Snapshot};
use kubectl_tidbmonitor::source::files;

fn status(file: &str, name: &str, extra: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .args(["status", "-n", "tidb", name, "--assume-complete", "-f"])
        .arg(format!("testdata/status/{file}"))
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn snapshots(case: &str, file: &str, name: &str) {
    let (code, table, stderr) = status(file, name, &[]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(format!("{case}_table"), table);
    let (code, json, stderr) = status(file, name, &["-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["apiVersion"], "kubectl-tidbmonitor/v1alpha1");
    assert_eq!(value["kind"], "TidbMonitorStatus");
    insta::assert_snapshot!(format!("{case}_json"), json);
}

#[test]
fn healthy_monitor() {
    snapshots("healthy", "healthy.yaml", "basic");
}

#[test]
fn migrating_monitor() {
    snapshots("migrating", "migrating.yaml", "legacy");
}

#[test]
fn tls_broken_monitor() {
    snapshots("tls_broken", "tls-broken.yaml", "secure");
}

#[test]
fn dangling_reference_monitor() {
    snapshots("dangling", "dangling.yaml", "orphan");
}

#[test]
fn a_missing_monitor_is_not_found_with_exit_1() {
    let (code, stdout, stderr) = status("healthy.yaml", "nope", &[]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("\"nope\" not found"), "{stderr}");
}

/// The core over a snapshot read as if live, with the Secrets list forbidden: the Clusters section says it
/// could not look, the client Secret is unknown (not missing), and the view is partial.
#[test]
fn a_forbidden_kind_is_named_in_its_section() {
    let mut snapshot = Snapshot::default();
    files::load(
        &["testdata/status/tls-broken.yaml".to_string()],
        "default",
        &mut snapshot,
    )
    .unwrap();
    for kind in Kind::ALL {
        snapshot
            .scopes
            .insert(*kind, Scope::Namespace("tidb".into()));
    }
    snapshot
        .gaps
        .insert(Kind::Secret, Gap::Forbidden("secrets is forbidden".into()));
    let context = Context {
        operator: OperatorVersion::Unknown,
        all_namespaces: false,
        offline: false,
    };
    let status = monitor_status(&snapshot, "tidb", "secure", &context, &[Kind::Secret]).unwrap();
    assert!(status.partial());
    let gap = &status.clusters.not_checked[0];
    assert_eq!(gap.describe(), "forbidden (list secrets in tidb)");
    let secret = status.clusters.items[0].client_secret.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(secret.presence).unwrap(),
        serde_json::json!("unknown")
    );
    assert!(status.workloads.not_checked.is_empty());
    assert_eq!(status.findings.not_checked.len(), 1);
}

/// A fake API server answering every list from `answer(path)`; returns the kubeconfig dir and the request log.
fn fake_server(
    answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static,
) -> (tempfile::TempDir, Arc<Mutex<Vec<String>>>) {
    common::fake_api::serve("tidb", move |path| {
        let (status, body) = answer(path);
        common::fake_api::Reply::new(status, body)
    })
}

fn list(items: &[&str]) -> String {
    format!(
        r#"{{"kind":"List","apiVersion":"v1","metadata":{{"resourceVersion":"1"}},"items":[{}]}}"#,
        items.join(",")
    )
}

const MONITOR: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbMonitor","metadata":{"name":"secure","namespace":"tidb"},"spec":{"clusters":[{"name":"secure"}],"prometheus":{"baseImage":"prom/prometheus","version":"v2.53.2"}}}"#;
const CLUSTER: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbCluster","metadata":{"name":"secure","namespace":"tidb"},"spec":{"version":"v8.5.0","tlsCluster":{"enabled":true}}}"#;

fn live_status(
    answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static,
) -> (i32, String, String, Vec<String>) {
    let (dir, log) = fake_server(answer);
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .args(["status", "secure"])
        .arg(format!(
            "--kubeconfig={}",
            dir.path().join("config").display()
        ))
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let paths = log.lock().unwrap().clone();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        paths,
    )
}

fn forbidden(path: &str) -> (u16, String) {
    (
        403,
        format!(
            r#"{{"kind":"Status","apiVersion":"v1","status":"Failure","message":"forbidden: {path}","reason":"Forbidden","code":403}}"#
        ),
    )
}

#[test]
fn live_a_forbidden_secret_list_prints_not_checked_and_exits_1() {
    let (code, stdout, stderr, _) = live_status(|path| {
        if path.contains("/tidbmonitors") {
            (200, list(&[MONITOR]))
        } else if path.contains("/tidbclusters") {
            (200, list(&[CLUSTER]))
        } else if path.contains("/secrets") {
            forbidden(path)
        } else {
            (200, list(&[]))
        }
    });
    assert_eq!(code, 1, "{stderr}");
    let clusters = stdout
        .split("\nClusters\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no Clusters section: {stdout}"));
    assert!(
        clusters.contains("not checked: forbidden (list secrets in tidb)"),
        "{stdout}"
    );
    assert!(
        clusters.contains("secure-cluster-client-secret (<unknown>)"),
        "{stdout}"
    );
    // The other sections still print.
    for heading in [
        "Workloads",
        "Pods",
        "Storage",
        "Endpoints",
        "Events",
        "Findings",
    ] {
        assert!(stdout.contains(&format!("\n{heading}\n")), "{stdout}");
    }
}

const PERSISTENT_MONITOR: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbMonitor","metadata":{"name":"secure","namespace":"tidb"},"spec":{"persistent":true,"storage":"5Gi","clusters":[{"name":"secure"},{"name":"orders","namespace":"shop"}],"prometheus":{"baseImage":"prom/prometheus","version":"v2.53.2"}}}"#;
const CLAIM: &str = r#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"tidbmonitor-secure-monitor-0","namespace":"tidb"},"spec":{"volumeName":"pv-1","resources":{"requests":{"storage":"5Gi"}}},"status":{"phase":"Bound"}}"#;
const VOLUME: &str = r#"{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-1"},"spec":{"persistentVolumeReclaimPolicy":"Retain","capacity":{"storage":"5Gi"}}}"#;

/// The issue's cost bound: status reads the monitor by name, then what it names (per namespace it or its
/// references live in, or by its labels, or by name), then the claims' volumes by name — never a list of a
/// kind across the cluster.
#[test]
fn live_status_reads_only_what_the_monitor_names() {
    let (code, stdout, stderr, paths) = live_status(|path| {
        if path.contains("/tidbmonitors") {
            (200, list(&[PERSISTENT_MONITOR]))
        } else if path.contains("/tidbclusters") && path.contains("/namespaces/tidb/") {
            (200, list(&[CLUSTER]))
        } else if path.contains("/persistentvolumeclaims") && path.contains("labelSelector") {
            (200, list(&[CLAIM]))
        } else if path.contains("/persistentvolumes?") {
            (200, list(&[VOLUME]))
        } else {
            (200, list(&[]))
        }
    });
    assert!(stdout.contains("pv-1"), "{stdout}\n{stderr}");
    assert_eq!(code, 0, "{stderr}");
    let mut paths: Vec<String> = paths
        .into_iter()
        .map(|p| {
            p.replace("limit=500&", "")
                .replace("&resourceVersion=0", "")
        })
        .collect();
    paths.sort();
    let shards = "labelSelector=app.kubernetes.io%2Fcomponent%3Dmonitor%2Capp.kubernetes.io%2Finstance%20in%20%28secure%29";
    let mut expected = vec![
        "/apis/pingcap.com/v1alpha1/namespaces/tidb/tidbmonitors?fieldSelector=metadata.name%3Dsecure".to_string(),
        format!("/apis/apps/v1/namespaces/tidb/statefulsets?{shards}"),
        format!("/api/v1/namespaces/tidb/persistentvolumeclaims?{shards}"),
        "/api/v1/namespaces/tidb/persistentvolumeclaims?fieldSelector=metadata.name%3Dsecure-monitor".to_string(),
        "/apis/apps/v1/namespaces/tidb/deployments?fieldSelector=metadata.name%3Dsecure-monitor".to_string(),
        "/api/v1/namespaces/tidb/services?labelSelector=app.kubernetes.io%2Fcomponent%3Dmonitor%2Capp.kubernetes.io%2Finstance%3Dsecure".to_string(),
        "/apis/networking.k8s.io/v1/namespaces/tidb/ingresses?labelSelector=app.kubernetes.io%2Fcomponent%3Dmonitor%2Capp.kubernetes.io%2Finstance%3Dsecure".to_string(),
        "/api/v1/persistentvolumes?fieldSelector=metadata.name%3Dpv-1".to_string(),
        format!("/api/v1/namespaces/tidb/pods?{shards}"),
    ];
    for (kind, name) in [
        ("TidbMonitor", "secure"),
        ("StatefulSet", "secure-monitor"),
        ("Deployment", "secure-monitor"),
    ] {
        expected.push(format!("/api/v1/namespaces/tidb/events?fieldSelector=involvedObject.kind%3D{kind}%2CinvolvedObject.name%3D{name}"));
    }
    for ns in ["shop", "tidb"] {
        for path in [
            "/apis/pingcap.com/v1alpha1/namespaces/NS/tidbclusters",
            "/apis/pingcap.com/v1alpha1/namespaces/NS/dmclusters",
            "/api/v1/namespaces/NS/secrets",
            "/api/v1/namespaces/NS/configmaps",
        ] {
            expected.push(format!("{}?", path.replace("NS", ns)));
        }
    }
    expected.sort();
    // A path ending in `?` had no selector: those are the per-namespace lists, never cluster-wide.
    let paths: Vec<String> = paths
        .into_iter()
        .map(|p| {
            if p.contains("Selector=") {
                p
            } else {
                format!("{}?", p.split('?').next().unwrap())
            }
        })
        .collect();
    assert_eq!(paths, expected);
    for path in &paths {
        assert!(
            path.contains("/namespaces/") || path.contains("fieldSelector=metadata.name"),
            "cluster-wide list: {path}"
        );
    }
}

/// A viewer who may not list pods: the Pods section says so, the rest prints, exit 1.
#[test]
fn live_a_forbidden_pod_list_is_named_in_the_pods_section() {
    let (code, stdout, stderr, paths) = live_status(|path| {
        if path.contains("/tidbmonitors") {
            (200, list(&[MONITOR]))
        } else if path.contains("/pods") {
            forbidden(path)
        } else {
            (200, list(&[]))
        }
    });
    assert_eq!(code, 1, "{stderr}");
    let pods = stdout
        .split("\nPods\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no Pods section: {stdout}"));
    assert!(
        pods.contains("not checked: forbidden (list pods in tidb)"),
        "{stdout}"
    );
    assert!(stdout.contains("\nEvents\n  No events\n"), "{stdout}");
    // Pods were asked for by the monitor's labels only.
    for path in paths.iter().filter(|p| p.contains("/pods")) {
        assert!(
            path.contains("labelSelector="),
            "unnarrowed pod list: {path}"
        );
    }
}

#[test]
fn one_monitor_in_one_namespace_or_a_usage_error() {
    for extra in [&["-A"][..], &["-o", "name"][..]] {
        let (code, stdout, stderr) = status("healthy.yaml", "basic", extra);
        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// The Storage section says what TM021 says: an unlabelled old claim on a Delete PV stalls the migration.
#[test]
fn storage_says_what_the_migration_will_do() {
    let manifests = std::fs::read_to_string("testdata/status/migrating.yaml")
        .unwrap()
        .replace("    app.kubernetes.io/name: tidb-cluster\n", "");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unlabelled.yaml");
    std::fs::write(&path, manifests).unwrap();
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .args(["status", "-n", "tidb", "legacy", "--assume-complete", "-f"])
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout
            .contains("legacy-monitor: migration stalls (TM021): the PVC lacks the monitor labels"),
        "{stdout}"
    );
    assert!(stdout.contains("TM021"), "{stdout}");
}
