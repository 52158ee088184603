//! `status` on a real kube-apiserver (tests/e2e/cluster-up.sh), through kubectl's plugin discovery: `--watch`
//! redraws on a change the watches report, and ends cleanly on SIGINT.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::e2e::*;

/// Everything the child printed so far, collected by a thread.
fn collect(mut stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    text
}

fn wait_for(text: &Arc<Mutex<String>>, within: Duration, found: impl Fn(&str) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if found(&text.lock().unwrap()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn ready_status(ready: i32) -> String {
    format!(
        "{{\"status\":{{\"replicas\":1,\"readyReplicas\":{ready},\"availableReplicas\":{ready}}}}}"
    )
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn watch_redraws_when_the_statefulset_becomes_ready_and_ends_on_sigint() {
    let ns = "e2e-status-watch";
    namespace(ns);
    seed_monitor(ns, "watched", false, 0);
    let mut child = Command::new(format!("{}/kubectl", env("E2E_BIN")))
        .args(["tidbmonitor", "status", "watched", "-n", ns, "--watch"])
        .arg(format!("--kubeconfig={}", env("E2E_KUBECONFIG")))
        .env("PATH", path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let first = wait_for(&stdout, Duration::from_secs(20), |t| {
        t.contains("Workloads")
    });
    assert!(
        first,
        "no first report: {}{}",
        stdout.lock().unwrap(),
        stderr.lock().unwrap()
    );
    // Let the watches open (their first events describe what exists and change nothing printed).
    std::thread::sleep(Duration::from_millis(1500));
    let reports = |t: &str| t.matches("Workloads").count();
    let before = reports(&stdout.lock().unwrap());
    assert_eq!(
        before,
        1,
        "a report printed twice without a change:\n{}",
        stdout.lock().unwrap()
    );
    assert!(
        stdout.lock().unwrap().contains("0/1"),
        "{}",
        stdout.lock().unwrap()
    );

    // readyReplicas 0 → 1 through the status subresource, as the StatefulSet controller writes it.
    let changed = Instant::now();
    admin(
        &[
            "-n",
            ns,
            "patch",
            "statefulset",
            "watched-monitor",
            "--subresource=status",
            "--type=merge",
            "-p",
            &ready_status(1),
        ],
        None,
    );
    let redrawn = wait_for(&stdout, Duration::from_secs(2), |t| {
        reports(t) == 2
            && t.rsplit("Workloads")
                .next()
                .is_some_and(|last| last.contains("1/1"))
    });
    let took = changed.elapsed();
    assert!(
        redrawn,
        "no new block with 1/1 within 2 s of the change:\n{}\n{}",
        stdout.lock().unwrap(),
        stderr.lock().unwrap()
    );
    eprintln!(
        "--watch redrew {} ms after the status write",
        took.as_millis()
    );

    // kubectl execs the plugin (syscall.Exec), so the child is the plugin itself.
    let interrupted = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        assert!(
            interrupted.elapsed() < Duration::from_secs(2),
            "--watch did not end within 2 s of SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "stderr: {}", stderr.lock().unwrap());
    std::thread::sleep(Duration::from_millis(100));
    let errors = stderr.lock().unwrap().clone();
    assert!(!errors.contains("panicked"), "{errors}");
}

/// A viewer who may list monitors, clusters and StatefulSets in team-a but not Pods (cluster-up.sh): the Pods
/// section says so with the verb and namespace, the others still print, and the exit code says partial.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn a_viewer_without_list_pods_gets_the_forbidden_section() {
    seed_monitor("team-a", "viewer-status", false, 1);
    let run = plugin_with(
        &env("E2E_VIEWER_KUBECONFIG"),
        &["status", "viewer-status", "-n", "team-a"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let pods = run
        .stdout
        .split("\nPods\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no Pods section: {}", run.stdout));
    assert!(
        pods.contains("not checked: forbidden (list pods in team-a)"),
        "{}",
        run.stdout
    );
    // What the viewer may read still shows: the StatefulSet's readiness.
    let workloads = run.stdout.split("\nWorkloads\n").nth(1).unwrap();
    assert!(
        workloads.contains("viewer-status-monitor"),
        "{}",
        run.stdout
    );
    assert!(workloads.contains("1/1"), "{}", run.stdout);
    for heading in [
        "Overview",
        "Clusters",
        "Storage",
        "Endpoints",
        "Events",
        "Findings",
    ] {
        assert!(
            run.stdout.contains(&format!("\n{heading}\n")),
            "{}",
            run.stdout
        );
    }
    // The admin sees the same sections with nothing forbidden (exit 0 or findings-only).
    let admin_run = plugin(&["status", "viewer-status", "-n", "team-a"]);
    assert!(
        !admin_run.stdout.contains("forbidden"),
        "{}",
        admin_run.stdout
    );
}
