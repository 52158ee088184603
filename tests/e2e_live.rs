//! End-to-end tests against a real kube-apiserver + etcd started by `tests/e2e/cluster-up.sh`, running the
//! plugin as `kubectl tidbmonitor …` through kubectl's plugin discovery.
//!
//! Run with `tests/e2e/cluster-up.sh cargo test --test e2e_live -- --ignored`. They are `#[ignore]`d so a
//! bare `cargo test` stays offline; without the control plane's variables they fail, never skip.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::e2e::*;

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn get_all_namespaces_shows_live_state() {
    namespace("e2e-get-a");
    namespace("e2e-get-b");
    seed_monitor("e2e-get-a", "alpha", false, 1);
    seed_monitor("e2e-get-b", "beta", true, 0);
    let run = plugin(&["get", "-A"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let header: Vec<&str> = run
        .stdout
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .take(2)
        .collect();
    assert_eq!(header, ["NAMESPACE", "NAME"], "{}", run.stdout);
    let alpha = row(&run.stdout, 1, "alpha");
    // The admin reads every kind the rules about TidbMonitors need: a verdict, never <unknown>. alpha lacks
    // prometheusReloader (TM054, a warning); beta's TLS cluster has no client Secret (TM002, an error).
    assert_eq!(
        &alpha[..7],
        [
            "e2e-get-a",
            "alpha",
            "1/1",
            "warning(1)",
            "StatefulSet",
            "off",
            "15d"
        ],
        "{}",
        run.stdout
    );
    let beta = row(&run.stdout, 1, "beta");
    assert_eq!(
        (beta[2], beta[3], beta[5]),
        ("0/1", "error(1)", "on"),
        "{}",
        run.stdout
    );
    let wide = plugin(&["get", "-A", "-o", "wide"]);
    let alpha = row(&wide.stdout, 1, "alpha");
    assert_eq!(
        &alpha[8..=14],
        [
            "TM054",
            "e2e-get-a/alpha",
            "v2.53.2",
            "10.4.5",
            "<none>",
            "1",
            "5Gi/<default>"
        ],
        "{}",
        wide.stdout
    );
    assert_eq!(
        row(&wide.stdout, 1, "beta")[8],
        "TM002,TM054",
        "{}",
        wide.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn get_in_one_namespace_and_by_name() {
    namespace("e2e-ns-one");
    seed_monitor("e2e-ns-one", "solo", false, 1);
    let run = plugin(&["get", "-n", "e2e-ns-one"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("NAME "), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let named = plugin(&["get", "-n", "e2e-ns-one", "solo", "-o", "name"]);
    assert_eq!(named.stdout, "tidbmonitor.pingcap.com/solo\n");
    let json: serde_json::Value =
        serde_json::from_str(&plugin(&["get", "-n", "e2e-ns-one", "-o", "json"]).stdout).unwrap();
    assert_eq!(json["items"][0]["workload"], "StatefulSet");
    assert!(
        json["items"][0]["metadata"]["uid"]
            .as_str()
            .is_some_and(|u| !u.is_empty())
    );
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn clusters_all_namespaces_shows_coverage() {
    namespace("e2e-cov");
    seed_monitor("e2e-cov", "covered", false, 1);
    admin(
        &["create", "-f", "-"],
        Some(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: lonely, namespace: e2e-cov}\nspec:\n  version: v7.5.4\n  pd: {baseImage: pingcap/pd, replicas: 1}\n  tikv: {baseImage: pingcap/tikv, replicas: 1}\n",
        ),
    );
    let run = plugin(&["clusters", "-A"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let covered = row(&run.stdout, 2, "covered");
    assert_eq!(
        &covered[..],
        [
            "e2e-cov",
            "TidbCluster",
            "covered",
            "v8.5.7",
            "off",
            "<unknown>",
            "pd:3 tikv:3 tidb:2",
            "e2e-cov/covered",
            covered[8]
        ]
    );
    let lonely = row(&run.stdout, 2, "lonely");
    assert_eq!(lonely[7], "<none>");
    let unmonitored = plugin(&["clusters", "-n", "e2e-cov", "--unmonitored", "--no-headers"]);
    assert_eq!(
        unmonitored.stdout.lines().count(),
        1,
        "{}",
        unmonitored.stdout
    );
    assert!(unmonitored.stdout.contains("lonely"));
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn restricted_user_forbidden_cluster_wide_but_served_in_its_namespace() {
    seed_monitor("team-a", "viewer-visible", false, 1);
    let viewer = env("E2E_VIEWER_KUBECONFIG");
    let all = plugin_with(&viewer, &["get", "-A"]);
    assert_eq!(all.code, 1);
    assert!(all.stdout.is_empty());
    assert_eq!(all.stderr.lines().count(), 1, "{}", all.stderr);
    assert!(
        all.stderr.contains("forbidden")
            && all.stderr.contains("tidbmonitors")
            && all.stderr.contains("cluster scope")
    );
    assert!(
        all.stderr.contains("context \"e2e-viewer\""),
        "{}",
        all.stderr
    );
    let mine = plugin_with(&viewer, &["get"]);
    assert_eq!(mine.code, 0, "{}", mine.stderr);
    let cells = row(&mine.stdout, 0, "viewer-visible");
    // Deployments, Secrets and claims are not granted: one warning, the row still prints with HEALTH <unknown>
    // (the rules about monitors could not read them); StatefulSets are granted.
    assert_eq!(
        (cells[1], cells[2]),
        ("1/1", "<unknown>"),
        "{}",
        mine.stdout
    );
    assert_eq!(
        mine.stderr
            .lines()
            .filter(|l| l.starts_with("Warning:"))
            .count(),
        1,
        "{}",
        mine.stderr
    );
    for kind in ["deployments.apps", "secrets", "persistentvolumeclaims"] {
        assert!(mine.stderr.contains(kind), "{kind}: {}", mine.stderr);
    }
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn missing_crd_is_named_with_the_context() {
    let run = plugin_with(&env("E2E_BARE_KUBECONFIG"), &["get", "-A"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.trim(),
        "error: tidbmonitors.pingcap.com is not installed in context \"e2e\" (the tidb-operator CRDs are missing; install them first)"
    );
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn stopped_server_fails_fast_with_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let config = std::fs::read_to_string(env("E2E_KUBECONFIG")).unwrap();
    let server = env("E2E_SERVER");
    let dead = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dead.kubeconfig");
    std::fs::write(
        &dead,
        config.replace(&server, &format!("https://127.0.0.1:{port}")),
    )
    .unwrap();
    let started = Instant::now();
    let run = plugin_with(
        dead.to_str().unwrap(),
        &["get", "-A", "--request-timeout=5s"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("https://127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn silent_server_is_bounded_by_the_request_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and never answer, like a hung API server or a black-holing proxy.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let config = std::fs::read_to_string(env("E2E_KUBECONFIG")).unwrap();
    let dead = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("silent.kubeconfig");
    std::fs::write(
        &dead,
        config.replace(&env("E2E_SERVER"), &format!("https://127.0.0.1:{port}")),
    )
    .unwrap();
    let started = Instant::now();
    let run = plugin_with(
        dead.to_str().unwrap(),
        &["get", "-A", "--request-timeout=2s"],
    );
    let elapsed = started.elapsed();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(6),
        "{elapsed:?}"
    );
    assert!(run.stderr.contains("request timeout"), "{}", run.stderr);
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn version_reads_the_server_and_the_operator() {
    admin(&["create", "namespace", "e2e-operator"], None);
    admin(
        &["create", "-f", "-"],
        Some(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tidb-controller-manager, namespace: e2e-operator, labels: {app.kubernetes.io/name: tidb-operator, app.kubernetes.io/component: controller-manager}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: op}}\n  template:\n    metadata: {labels: {app: op}}\n    spec: {containers: [{name: tidb-operator, image: 'registry.example.com/pingcap/tidb-operator:v1.6.6'}]}\n",
        ),
    );
    let run = plugin(&["version", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["server"]["version"], "v1.35.4");
    assert_eq!(json["tidbOperator"]["version"], "v1.6.6");
    assert_eq!(
        json["tidbOperator"]["deployment"],
        "e2e-operator/tidb-controller-manager"
    );
    // The restricted user cannot list Deployments cluster-wide: the operator is <unknown>, not an error.
    let viewer = plugin_with(&env("E2E_VIEWER_KUBECONFIG"), &["version"]);
    assert_eq!(viewer.code, 0, "{}", viewer.stderr);
    assert!(
        viewer.stdout.contains("tidb-operator:  <unknown>"),
        "{}",
        viewer.stdout
    );
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn bad_credentials_name_the_context_and_user() {
    let config = std::fs::read_to_string(env("E2E_VIEWER_KUBECONFIG")).unwrap();
    let token = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .unwrap()
        .to_string();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("badtoken.kubeconfig");
    std::fs::write(
        &path,
        config.replace(&token, "0123456789abcdef0123456789abcdef"),
    )
    .unwrap();
    let run = plugin_with(path.to_str().unwrap(), &["get"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Unauthorized") && run.stderr.contains("\"e2e-viewer\""),
        "{}",
        run.stderr
    );
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn tls_verification_failure_is_named_and_skippable_only_on_request() {
    // A kubeconfig trusting another CA than the one that signed the server's certificate.
    let config = std::fs::read_to_string(env("E2E_KUBECONFIG")).unwrap();
    let ca_line = config
        .lines()
        .find(|l| l.trim().starts_with("certificate-authority-data:"))
        .unwrap()
        .to_string();
    let other_ca = {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=someone-else",
                "-days",
                "1",
            ])
            .arg("-keyout")
            .arg(dir.path().join("k"))
            .arg("-out")
            .arg(dir.path().join("c"))
            .output()
            .unwrap();
        assert!(status.status.success());
        let pem = std::fs::read(dir.path().join("c")).unwrap();
        let out = std::process::Command::new("base64")
            .arg("-w0")
            .arg(dir.path().join("c"))
            .output()
            .unwrap();
        assert!(!pem.is_empty());
        String::from_utf8(out.stdout).unwrap()
    };
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wrongca.kubeconfig");
    std::fs::write(
        &path,
        config.replace(
            &ca_line,
            &format!("    certificate-authority-data: {other_ca}"),
        ),
    )
    .unwrap();
    let run = plugin_with(path.to_str().unwrap(), &["get", "-A"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("TLS verification failed"),
        "{}",
        run.stderr
    );
    let skipped = plugin_with(
        path.to_str().unwrap(),
        &["get", "-A", "--insecure-skip-tls-verify"],
    );
    assert_eq!(skipped.code, 0, "{}", skipped.stderr);
}

/// `status cluster/NAME` live: the TidbCluster read by name, the TidbMonitors that list it from any namespace
/// (one of them without clusterScoped, so without targets), the ServiceMonitors of its namespace, its missing
/// client Secret, and check's findings on it; the forms kubectl users type and `clusters -o name` prints.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn status_of_a_cluster_shows_who_scrapes_it() {
    let ns = "e2e-st";
    namespace(ns);
    namespace("e2e-st-central");
    namespace("e2e-st-other");
    seed_monitor(ns, "alpha", true, 1);
    for (monitor_ns, name, scoped) in [
        ("e2e-st-central", "central", true),
        ("e2e-st-other", "other", false),
    ] {
        admin(
            &["create", "-f", "-"],
            Some(&format!(
                "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: {name}, namespace: {monitor_ns}}}\nspec:\n  clusterScoped: {scoped}\n  clusters: [{{name: alpha, namespace: {ns}}}]\n  prometheus: {{baseImage: prom/prometheus, version: v2.53.2}}\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
            )),
        );
    }
    let scaffold = plugin(&["scaffold", "servicemonitor", "-n", ns, "alpha", "--apply"]);
    assert_eq!(scaffold.code, 0, "{}", scaffold.stderr);

    let run = plugin(&["status", "-n", ns, "cluster/alpha"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let headings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(
        headings,
        [
            "TidbCluster e2e-st/alpha",
            "Overview",
            "Scrapers",
            "TLS",
            "Findings"
        ],
        "{}",
        run.stdout
    );
    let text = &run.stdout;
    for expected in [
        "Version:   v8.5.7",
        "2 TidbMonitors scrape it",
        "note: scrape objects read in namespace e2e-st only",
        "Client Secret: alpha-cluster-client-secret (missing;",
        "TM030",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    for (monitor, scrapes) in [
        ("e2e-st/alpha", "yes"),
        ("e2e-st-central/central", "yes"),
        ("e2e-st-other/other", "no"),
    ] {
        assert_eq!(row(text, 0, monitor)[1], scrapes, "{text}");
    }
    assert_eq!(
        row(text, 1, "e2e-st/alpha-pd")[..3],
        ["ServiceMonitor", "e2e-st/alpha-pd", "pd"],
        "{text}"
    );
    // The same cluster by every form that names a TidbCluster, as a versioned document.
    for target in [
        "tc/alpha",
        "tidbcluster/alpha",
        "tidbcluster.pingcap.com/alpha",
    ] {
        let json = plugin(&["status", "-n", ns, target, "-o", "json"]);
        assert_eq!(json.code, 0, "{target}: {}", json.stderr);
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(value["kind"], "TidbClusterStatus");
        assert_eq!(value["clusterKind"], "TidbCluster");
        let monitors: Vec<String> = value["scrapers"]["monitors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                format!(
                    "{}/{}:{}",
                    m["namespace"].as_str().unwrap(),
                    m["name"].as_str().unwrap(),
                    m["reach"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            monitors,
            [
                "e2e-st/alpha:sameNamespace",
                "e2e-st-central/central:clusterScoped",
                "e2e-st-other/other:noTargets"
            ]
        );
        assert_eq!(value["tls"]["clientSecret"]["presence"], "missing");
    }
    let names = plugin(&["clusters", "-n", ns, "-o", "name"]);
    assert_eq!(names.stdout, "tidbcluster.pingcap.com/alpha\n");
    let missing = plugin(&["status", "-n", ns, "dc/alpha"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains(r#"dmclusters.pingcap.com "alpha" not found"#),
        "{}",
        missing.stderr
    );
}

/// A user allowed only their namespace and only the pingcap.com kinds and StatefulSets: each section says what it
/// could not read, the monitors of the namespace stand in for the cluster-wide list, and the exit code is 1.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn status_of_a_cluster_names_what_a_restricted_user_cannot_read() {
    seed_monitor("team-a", "st-viewer", false, 1);
    let viewer = env("E2E_VIEWER_KUBECONFIG");
    let run = plugin_with(&viewer, &["status", "-n", "team-a", "cluster/st-viewer"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let text = &run.stdout;
    assert_eq!(
        row(text, 0, "team-a/st-viewer")[1..],
        ["yes", "same namespace"],
        "{text}"
    );
    for expected in [
        "TidbCluster team-a/st-viewer",
        "not checked: forbidden (list clusters.core.pingcap.com in team-a)",
        "note: TidbMonitors read in namespace team-a only",
        "not checked: forbidden (list podmonitors.monitoring.coreos.com in team-a)",
        "\nFindings\n",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
}
