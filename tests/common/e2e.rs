//! Helpers for the end-to-end tests: kubectl as admin, the plugin through kubectl's plugin discovery.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run through tests/e2e/cluster-up.sh"))
}

/// A directory holding only the freshly built plugin, first on PATH, so discovery finds exactly it.
pub fn plugin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-plugin-path");
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("kubectl-tidbmonitor");
        let _ = std::fs::remove_file(&target);
        std::fs::copy(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"), &target).unwrap();
        dir
    })
}

pub fn path() -> String {
    format!(
        "{}:{}:{}",
        plugin_dir().display(),
        env("E2E_BIN"),
        std::env::var("PATH").unwrap_or_default()
    )
}

pub fn kubectl_with(kubeconfig: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(format!("{}/kubectl", env("E2E_BIN")))
        // After the arguments: kubectl refuses flags before a plugin name, and passes them on to it.
        .args(args)
        .arg(format!("--kubeconfig={kubeconfig}"))
        .env("PATH", path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Admin kubectl; panics with kubectl's stderr when it fails.
pub fn admin(args: &[&str], stdin: Option<&str>) -> String {
    let out = kubectl_with(&env("E2E_KUBECONFIG"), args, stdin);
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `kubectl tidbmonitor ARGS` with the given kubeconfig, through plugin discovery.
pub fn plugin_with(kubeconfig: &str, args: &[&str]) -> Run {
    let mut full = vec!["tidbmonitor"];
    full.extend_from_slice(args);
    let out = kubectl_with(kubeconfig, &full, None);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn plugin(args: &[&str]) -> Run {
    plugin_with(&env("E2E_KUBECONFIG"), args)
}

/// Cells of the row whose NAME column (index `name_col`) is `name`.
pub fn row<'a>(table: &'a str, name_col: usize, name: &str) -> Vec<&'a str> {
    table
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.get(name_col) == Some(&name))
        .unwrap_or_else(|| panic!("no row {name} in\n{table}"))
}

pub fn namespace(name: &str) {
    admin(&["create", "namespace", name], None);
}

/// A TidbCluster, a TidbMonitor over it, and the monitor StatefulSet tidb-operator would create, with status.
pub fn seed_monitor(ns: &str, name: &str, tls: bool, ready: i32) {
    let cluster = format!(
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  version: v8.5.7\n  tlsCluster: {{enabled: {tls}}}\n  pd: {{baseImage: pingcap/pd, replicas: 3, requests: {{storage: 1Gi}}}}\n  tikv: {{baseImage: pingcap/tikv, replicas: 3, requests: {{storage: 1Gi}}}}\n  tidb: {{baseImage: pingcap/tidb, replicas: 2}}\n"
    );
    admin(&["create", "-f", "-"], Some(&cluster));
    let monitor = format!(
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  clusters: [{{name: {name}}}]\n  persistent: true\n  storage: 5Gi\n  prometheus: {{baseImage: prom/prometheus, version: v2.53.2}}\n  grafana: {{baseImage: grafana/grafana, version: 10.4.5}}\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
    );
    admin(&["create", "-f", "-"], Some(&monitor));
    let sts = format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}-monitor, namespace: {ns}, labels: {{app.kubernetes.io/instance: {name}, app.kubernetes.io/component: monitor}}}}\nspec:\n  replicas: 1\n  serviceName: {name}-monitor\n  selector: {{matchLabels: {{app.kubernetes.io/instance: {name}, app.kubernetes.io/component: monitor}}}}\n  template:\n    metadata: {{labels: {{app.kubernetes.io/instance: {name}, app.kubernetes.io/component: monitor}}}}\n    spec: {{containers: [{{name: prometheus, image: prom/prometheus:v2.53.2}}]}}\n"
    );
    admin(&["create", "-f", "-"], Some(&sts));
    let status = format!(
        "{{\"status\":{{\"replicas\":1,\"readyReplicas\":{ready},\"availableReplicas\":{ready}}}}}"
    );
    admin(
        &[
            "-n",
            ns,
            "patch",
            "statefulset",
            &format!("{name}-monitor"),
            "--subresource=status",
            "--type=merge",
            "-p",
            &status,
        ],
        None,
    );
}
