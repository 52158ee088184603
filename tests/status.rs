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

// `status TYPE/NAME`: one cluster.

fn cluster_status(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .arg("status")
        .args(args)
        .env("NO_COLOR", "1")
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The table and JSON of `status -n NS TARGET --assume-complete -f FILES`, as snapshots.
fn cluster_snapshots(case: &str, namespace: &str, target: &str, files: &str) {
    let args = ["-n", namespace, target, "--assume-complete", "-f", files];
    let (code, table, stderr) = cluster_status(&args);
    assert_eq!(code, 0, "{stderr}");
    let headings: Vec<&str> = table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .skip(1)
        .collect();
    assert_eq!(
        headings,
        ["Overview", "Scrapers", "TLS", "Findings"],
        "{table}"
    );
    // Ages count from today: the examples' creation times are fixed.
    let table: String = table
        .lines()
        .map(|l| match l.strip_prefix("  Age:") {
            Some(_) => "  Age:       <age>\n".to_string(),
            None => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!(format!("cluster_{case}_table"), table);
    let (code, json, stderr) = cluster_status(&[&args[..], &["-o", "json"]].concat());
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["apiVersion"], "kubectl-tidbmonitor/v1alpha1");
    assert_eq!(value["kind"], "TidbClusterStatus");
    insta::assert_snapshot!(format!("cluster_{case}_json"), json);
}

/// v1: shop/shop is listed by its own monitor and by central (clusterScoped) in monitoring, so TiDB
/// Dashboard's Prometheus flaps between the two (TM030).
#[test]
fn v1_cluster_covered_by_two_monitors() {
    cluster_snapshots("v1_shop", "shop", "cluster/shop", "examples");
}

/// v2: a Cluster with two TiDB groups, scraped by the PodMonitors of examples/v2.
#[test]
fn v2_cluster_scraped_by_pod_monitors() {
    cluster_snapshots(
        "v2_orders",
        "shop-v2",
        "cluster.core.pingcap.com/orders",
        "examples/v2",
    );
}

/// A TLS TidbCluster without its client Secret, listed by a monitor of another namespace without
/// clusterScoped (no targets).
#[test]
fn v1_tls_cluster_without_its_client_secret() {
    cluster_snapshots(
        "v1_ledger",
        "bank",
        "tc/ledger",
        "testdata/status-cluster/bank.yaml",
    );
}

#[test]
fn a_missing_cluster_is_not_found_with_exit_1() {
    let (code, stdout, stderr) = cluster_status(&["-n", "shop", "cluster/nope", "-f", "examples"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        stderr.trim(),
        r#"Error from server (NotFound): tidbclusters.pingcap.com, dmclusters.pingcap.com, clusters.core.pingcap.com "nope" not found"#
    );
    // A TidbCluster is not a DMCluster: the kind named is the kind looked for.
    let (code, _, stderr) = cluster_status(&["-n", "shop", "dc/shop", "-f", "examples"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(r#"dmclusters.pingcap.com "shop" not found"#),
        "{stderr}"
    );
}

#[test]
fn cluster_of_several_kinds_must_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twins.yaml");
    std::fs::write(
        &path,
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: twin, namespace: db}\nspec: {pd: {replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: DMCluster\nmetadata: {name: twin, namespace: db}\nspec: {master: {replicas: 1}}\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let (code, stdout, stderr) = cluster_status(&["-n", "db", "cluster/twin", "-f", file]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert_eq!(
        stderr.trim(),
        r#"error: 2 clusters are named "twin" in namespace db: name one as tidbcluster.pingcap.com/twin or dmcluster.pingcap.com/twin"#
    );
    let (code, stdout, stderr) = cluster_status(&["-n", "db", "dc/twin", "-f", file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("DMCluster db/twin\n"), "{stdout}");
}

#[test]
fn unknown_types_are_usage_errors() {
    let (code, stdout, stderr) = cluster_status(&["-n", "shop", "pod/shop", "-f", "examples"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("TYPE/NAME"), "{stderr}");
}

/// The core over a snapshot read as if live, with Secrets forbidden: the TLS section says it could not look,
/// the client Secret is unknown (not missing), the other sections are whole, and the view is partial.
#[test]
fn cluster_a_forbidden_kind_is_named_in_its_section() {
    use kubectl_tidbmonitor::core::cluster_status::{cluster_status, find};
    let mut snapshot = Snapshot::default();
    files::load(
        &["testdata/status-cluster/bank.yaml".to_string()],
        "default",
        &mut snapshot,
    )
    .unwrap();
    for kind in Kind::ALL {
        snapshot.scopes.insert(*kind, Scope::AllNamespaces);
    }
    snapshot
        .gaps
        .insert(Kind::Secret, Gap::Forbidden("secrets is forbidden".into()));
    snapshot
        .scopes
        .insert(Kind::Secret, Scope::Namespace("bank".into()));
    let context = Context {
        operator: OperatorVersion::Unknown,
        all_namespaces: false,
        offline: false,
    };
    let kinds = [Kind::TidbCluster];
    let cluster = find(&snapshot, &kinds, "bank", "ledger")[0];
    let status = cluster_status(&snapshot, cluster, &kinds, &context);
    assert!(status.partial());
    assert_eq!(
        status.tls.not_checked[0].describe(),
        "forbidden (list secrets in bank)"
    );
    let secret = status.tls.client_secret.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(secret.presence).unwrap(),
        serde_json::json!("unknown")
    );
    assert!(status.overview.not_checked.is_empty());
    assert!(status.scrapers.not_checked.is_empty());
    assert_eq!(status.scrapers.monitors.len(), 2);
}

const TIDB_CLUSTER: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbCluster","metadata":{"name":"shop","namespace":"shop"},"spec":{"version":"v8.5.0","tlsCluster":{"enabled":true},"pd":{"replicas":1}}}"#;
const SHOP_MONITOR: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbMonitor","metadata":{"name":"shop","namespace":"shop"},"spec":{"clusters":[{"name":"shop"}],"prometheus":{"baseImage":"prom/prometheus","version":"v2.53.2"}}}"#;
const CENTRAL_MONITOR: &str = r#"{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbMonitor","metadata":{"name":"central","namespace":"monitoring"},"spec":{"clusterScoped":true,"clusters":[{"name":"shop","namespace":"shop"}],"prometheus":{"baseImage":"prom/prometheus","version":"v2.53.2"}}}"#;

fn live_cluster_status(
    target: &str,
    answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static,
) -> (i32, String, String, Vec<String>) {
    let (dir, log) = common::fake_api::serve("shop", move |path| {
        let (status, body) = answer(path);
        common::fake_api::Reply::new(status, body)
    });
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .args(["status", target])
        .arg(format!(
            "--kubeconfig={}",
            dir.path().join("config").display()
        ))
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let mut paths: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|p| {
            p.replace("limit=500&", "")
                .replace("&resourceVersion=0", "")
                .replace("?resourceVersion=0", "")
        })
        .collect();
    paths.sort();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        paths,
    )
}

/// Live, the cluster is read by name; then TidbMonitors across the cluster, the scrape objects and Secrets of
/// its namespace, the Prometheus objects and its Namespace by name: no other cluster-wide list.
#[test]
fn live_cluster_status_reads_the_cluster_then_what_covers_it() {
    let (code, stdout, stderr, paths) = live_cluster_status("cluster/shop", |path| {
        if path.contains("/tidbclusters") {
            (200, list(&[TIDB_CLUSTER]))
        } else if path.contains("/tidbmonitors") {
            (200, list(&[SHOP_MONITOR, CENTRAL_MONITOR]))
        } else {
            (200, list(&[]))
        }
    });
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert!(stdout.starts_with("TidbCluster shop/shop\n"), "{stdout}");
    assert!(stdout.contains("2 TidbMonitors scrape it"), "{stdout}");
    assert!(
        stdout.contains("note: scrape objects read in namespace shop only"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Client Secret: shop-cluster-client-secret (missing;"),
        "{stdout}"
    );
    let mut expected = vec![
        "/apis/pingcap.com/v1alpha1/namespaces/shop/tidbclusters?fieldSelector=metadata.name%3Dshop",
        "/apis/pingcap.com/v1alpha1/namespaces/shop/dmclusters?fieldSelector=metadata.name%3Dshop",
        "/apis/core.pingcap.com/v1alpha1/namespaces/shop/clusters?fieldSelector=metadata.name%3Dshop",
        "/apis/pingcap.com/v1alpha1/tidbmonitors",
        "/apis/monitoring.coreos.com/v1/namespaces/shop/podmonitors",
        "/apis/monitoring.coreos.com/v1/namespaces/shop/servicemonitors",
        "/apis/operator.victoriametrics.com/v1beta1/namespaces/shop/vmpodscrapes",
        "/apis/operator.victoriametrics.com/v1beta1/namespaces/shop/vmservicescrapes",
        "/api/v1/namespaces/shop/secrets",
        "/apis/monitoring.coreos.com/v1/prometheuses",
        "/apis/monitoring.coreos.com/v1alpha1/prometheusagents",
        "/api/v1/namespaces?fieldSelector=metadata.name%3Dshop",
    ];
    expected.sort();
    assert_eq!(paths, expected);
}

/// A scrape kind the user may not list: the Scrapers section says so, exit 1, and every section still prints.
#[test]
fn live_cluster_status_a_forbidden_scrape_kind_is_not_checked() {
    let (code, stdout, stderr, _) = live_cluster_status("tc/shop", |path| {
        if path.contains("/tidbclusters") {
            (200, list(&[TIDB_CLUSTER]))
        } else if path.contains("/podmonitors") {
            forbidden(path)
        } else {
            (200, list(&[]))
        }
    });
    assert_eq!(code, 1, "{stderr}");
    let scrapers = stdout
        .split("\nScrapers\n")
        .nth(1)
        .and_then(|rest| rest.split("\nTLS\n").next())
        .unwrap_or_else(|| panic!("no Scrapers section: {stdout}"));
    assert!(
        scrapers
            .contains("not checked: forbidden (list podmonitors.monitoring.coreos.com in shop)"),
        "{stdout}"
    );
    for heading in ["Overview", "TLS", "Findings"] {
        assert!(stdout.contains(&format!("\n{heading}\n")), "{stdout}");
    }
    assert!(stderr.contains("podmonitors"), "{stderr}");
}

/// TidbMonitors forbidden across the cluster: read in the cluster's namespace instead, and said so; the view is
/// partial (exit 1).
#[test]
fn live_cluster_status_reads_monitors_of_its_namespace_when_refused_cluster_wide() {
    let (code, stdout, stderr, paths) = live_cluster_status("tc/shop", |path| {
        if path.contains("/tidbclusters") {
            (200, list(&[TIDB_CLUSTER]))
        } else if path.starts_with("/apis/pingcap.com/v1alpha1/tidbmonitors") {
            forbidden(path)
        } else if path.contains("/tidbmonitors") {
            (200, list(&[SHOP_MONITOR]))
        } else {
            (200, list(&[]))
        }
    });
    assert_eq!(code, 1, "{stderr}\n{stdout}");
    assert!(
        paths.contains(&"/apis/pingcap.com/v1alpha1/namespaces/shop/tidbmonitors".to_string()),
        "{paths:?}"
    );
    assert!(stdout.contains("shop/shop"), "{stdout}");
    assert!(
        stdout.contains("note: TidbMonitors read in namespace shop only"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not checked: forbidden (list tidbmonitors.pingcap.com)"),
        "{stdout}"
    );
}

/// `status cluster/<TAB>` completes cluster names behind the TYPE typed; a bare word completes monitors.
#[test]
fn status_completes_monitors_and_typed_clusters() {
    let hook = |words: &[&str]| {
        let out = Command::cargo_bin("kubectl-tidbmonitor")
            .unwrap()
            .arg("__complete")
            .args(words)
            .env("KUBECONFIG", "/nonexistent/kubeconfig")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(hook(&["status", "-f", "examples", "sh"]), "shop\n:4\n");
    assert_eq!(
        hook(&["status", "-f", "examples", "cluster/or"]),
        "cluster/orders\n:4\n"
    );
    assert_eq!(hook(&["status", "-f", "examples", "dc/"]), "dc/sync\n:4\n");
    assert_eq!(hook(&["status", "-f", "examples", "pod/"]), ":4\n");
}
