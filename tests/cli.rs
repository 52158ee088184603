//! The binary on manifest files (`-f`): output, exit codes and the messages users see.

mod common;

use assert_cmd::Command;
use common::{example, project_examples};

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env_remove("NO_COLOR")
        .env("KUBECONFIG", "/nonexistent/kubeconfig");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn get_all_namespaces_on_project_examples() {
    let out = plugin()
        .args(["get", "-A", "-f", &project_examples()])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "CLUSTERS",
            "PROMETHEUS",
            "GRAFANA",
            "THANOS",
            "REPLICAS",
            "WORKLOAD",
            "STORAGE",
            "RETENTION",
            "TLS",
            "AGE"
        ]
    );
    assert!(text.contains("Deployment (legacy)"));
    assert!(text.contains("dm:team-b/sync"));
    assert!(!text.contains('\u{1b}'), "a pipe must get no escape codes");
}

#[test]
fn clusters_unmonitored_shows_only_uncovered() {
    let text =
        stdout_of(plugin().args(["clusters", "-A", "--unmonitored", "-f", &project_examples()]));
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // A v1 cluster no TidbMonitor lists, and a v2 Cluster no scrape object reaches.
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().any(|r| r.contains("analytics")));
    assert!(
        rows.iter()
            .any(|r| r.contains("ledger") && r.contains("Cluster"))
    );
}

#[test]
fn namespace_flag_filters_rows_and_drops_the_namespace_column() {
    let text = stdout_of(plugin().args(["get", "-n", "shop", "-f", &project_examples()]));
    assert!(text.starts_with("NAME "), "{text}");
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn name_and_json_outputs() {
    let text = stdout_of(plugin().args(["get", "-A", "-o", "name", "-f", &project_examples()]));
    assert!(
        text.lines()
            .all(|l| l.starts_with("tidbmonitor.pingcap.com/")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5);
    let json: serde_json::Value = serde_json::from_str(&stdout_of(plugin().args([
        "clusters",
        "-A",
        "-o",
        "json",
        "-f",
        &project_examples(),
    ])))
    .unwrap();
    assert_eq!(json["kind"], "TidbClusterViewList");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(
        items
            .iter()
            .filter(|i| i["clusterKind"] == "Cluster")
            .count(),
        2
    );
    let yaml = stdout_of(plugin().args(["get", "-A", "-o", "yaml", "-f", &project_examples()]));
    assert!(yaml.contains("kind: TidbMonitorViewList"));
}

#[test]
fn selector_applies_offline() {
    let text = stdout_of(plugin().args([
        "get",
        "-A",
        "-l",
        "app.kubernetes.io/instance=none",
        "-f",
        &project_examples(),
    ]));
    assert!(text.is_empty());
}

#[test]
fn no_headers() {
    let text = stdout_of(plugin().args(["get", "-A", "--no-headers", "-f", &project_examples()]));
    assert!(!text.contains("NAMESPACE"));
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn colour_only_when_asked_or_on_a_tty_and_never_with_no_color() {
    let forced =
        stdout_of(plugin().args(["get", "-A", "--color", "always", "-f", &project_examples()]));
    assert!(forced.contains('\u{1b}'));
    let piped =
        stdout_of(
            plugin()
                .env("NO_COLOR", "1")
                .args(["get", "-A", "-f", &project_examples()]),
        );
    assert!(!piped.contains('\u{1b}'));
}

#[test]
fn malformed_document_is_reported_and_the_rest_prints() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.yaml");
    std::fs::write(
        &file,
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: good, namespace: a}\nspec: {clusters: [{name: x}]}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: bad, namespace: a}\nspec: {replicas: lots}\n---\n  key: [broken\n",
    )
    .unwrap();
    let out = plugin()
        .args(["get", "-A", "-f", file.to_str().unwrap()])
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stdout.contains("good"));
    assert!(!stdout.contains("bad"));
    let errors: Vec<&str> = stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].contains("mixed.yaml:6") && errors[0].contains("TidbMonitor bad"),
        "{stderr}"
    );
    assert!(
        errors[1].contains("mixed.yaml:11") && errors[1].contains("invalid YAML"),
        "{stderr}"
    );
}

#[test]
fn missing_file_is_one_clear_line() {
    let out = plugin()
        .args(["get", "-f", "/no/such/dir"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr.trim(),
        "error: /no/such/dir: no such file or directory (check the -f path)"
    );
}

#[test]
fn usage_errors_exit_2() {
    plugin()
        .args(["get", "-o", "xml", "-f", &example("basic")])
        .assert()
        .code(2);
    plugin()
        .args(["get", "--request-timeout", "soon", "-f", &example("basic")])
        .assert()
        .code(2);
    plugin()
        .args(["get", "-l", "a b c", "-f", &example("basic")])
        .assert()
        .code(2);
    let out = plugin().args(["--help"]).assert().success();
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout).contains("Usage: kubectl tidbmonitor")
    );
}

#[test]
fn named_monitor_not_found() {
    let out = plugin()
        .args(["get", "basic", "nope", "-f", &example("basic")])
        .assert()
        .code(1);
    let o = out.get_output();
    assert!(String::from_utf8_lossy(&o.stdout).contains("basic"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"nope\" not found"));
}

#[test]
fn no_kubeconfig_is_a_clear_connection_error() {
    let out = plugin()
        .args(["get"])
        .env("KUBECONFIG", "/nonexistent")
        .env("HOME", "/nonexistent")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn stdin_is_a_source() {
    let manifest = std::fs::read_to_string(example("basic") + "/tidb-monitor.yaml").unwrap();
    let text = stdout_of(plugin().args(["get", "-f", "-"]).write_stdin(manifest));
    assert!(text.contains("basic"));
}

#[test]
fn version_and_completion() {
    let text = stdout_of(plugin().args(["version", "-o", "json"]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["plugin"]["version"], env!("CARGO_PKG_VERSION"));
    let bash = stdout_of(plugin().args(["completion", "bash"]));
    assert!(bash.contains("kubectl-tidbmonitor"));
}
