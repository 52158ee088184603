//! Faults from the API server's side, injected by a small HTTP server in the test: retries on 429/500,
//! a connection cut mid-page, an expired continue token. (Refused and silent servers, bad credentials and
//! TLS failures run against the real API server in e2e_live.rs.)

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::fake_api::{self, Reply};

fn ok(body: String) -> Reply {
    Reply {
        status: 200,
        body,
        cut: false,
    }
}

fn status(code: u16, reason: &str) -> Reply {
    let body = format!(
        r#"{{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected {code}","reason":"{reason}","code":{code}}}"#
    );
    Reply {
        status: code,
        body,
        cut: false,
    }
}

fn list(kind: &str, items: &[String], next: Option<&str>) -> String {
    let cont = next
        .map(|c| format!(r#","continue":"{c}""#))
        .unwrap_or_default();
    format!(
        r#"{{"kind":"{kind}List","apiVersion":"v1","metadata":{{"resourceVersion":"1"{cont}}},"items":[{}]}}"#,
        items.join(",")
    )
}

fn monitor(name: &str) -> String {
    format!(
        r#"{{"apiVersion":"pingcap.com/v1alpha1","kind":"TidbMonitor","metadata":{{"name":"{name}","namespace":"default"}},"spec":{{"clusters":[{{"name":"db"}}],"prometheus":{{"baseImage":"prom/prometheus","version":"v2.53.2"}}}}}}"#
    )
}

/// Serves until the test ends; `answer(path_and_query, nth request to tidbmonitors)` decides TidbMonitor
/// replies, every other list is empty. Returns the kubeconfig path and the request log.
fn fake_server(
    answer: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
) -> (tempfile::TempDir, Arc<Mutex<Vec<String>>>) {
    let monitor_requests = Mutex::new(0usize);
    fake_api::serve("default", move |path| {
        if path.contains("/tidbmonitors") {
            let n = {
                let mut count = monitor_requests.lock().unwrap();
                *count += 1;
                *count
            };
            answer(path, n)
        } else {
            ok(list("Empty", &[], None))
        }
    })
}

fn plugin(dir: &tempfile::TempDir, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .args(args)
        .arg(format!(
            "--kubeconfig={}",
            dir.path().join("config").display()
        ))
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn monitor_calls(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .filter(|p| p.contains("/tidbmonitors"))
        .cloned()
        .collect()
}

#[test]
fn throttling_is_retried_with_backoff() {
    let (dir, log) = fake_server(|_, n| {
        if n <= 2 {
            status(429, "TooManyRequests")
        } else {
            ok(list("TidbMonitor", &[monitor("a")], None))
        }
    });
    let started = Instant::now();
    let (code, stdout, stderr) = plugin(&dir, &["get"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\na "), "{stdout}");
    assert_eq!(monitor_calls(&log).len(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "backoff 200 ms + 400 ms, took {:?}",
        started.elapsed()
    );
}

#[test]
fn persistent_server_errors_give_up_after_three_attempts() {
    let (dir, log) = fake_server(|_, _| status(500, "InternalError"));
    let (code, stdout, stderr) = plugin(&dir, &["get"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("tidbmonitors.pingcap.com") && stderr.contains("500"),
        "{stderr}"
    );
    assert_eq!(monitor_calls(&log).len(), 3);
}

#[test]
fn forbidden_is_not_retried() {
    let (dir, log) = fake_server(|_, _| status(403, "Forbidden"));
    let (code, _, stderr) = plugin(&dir, &["get"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(monitor_calls(&log).len(), 1);
}

#[test]
fn a_connection_cut_mid_page_prints_no_partial_table() {
    let (dir, _) = fake_server(|path, _| {
        if path.contains("continue=") {
            Reply {
                status: 200,
                body: list("TidbMonitor", &[monitor("b")], None),
                cut: true,
            }
        } else {
            ok(list("TidbMonitor", &[monitor("a")], Some("page2")))
        }
    });
    let (code, stdout, stderr) = plugin(&dir, &["get"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stdout.is_empty(),
        "a partial list must not print as if complete: {stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:"), "{stderr}");
}

#[test]
fn an_expired_continue_token_restarts_the_list_once() {
    let (dir, log) = fake_server(|path, n| match (n, path.contains("continue=")) {
        (2, true) => status(410, "Expired"),
        (_, false) => ok(list("TidbMonitor", &[monitor("a")], Some("page2"))),
        (_, true) => ok(list("TidbMonitor", &[monitor("b")], None)),
    });
    let (code, stdout, stderr) = plugin(&dir, &["get", "-o", "name"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "tidbmonitor.pingcap.com/a\ntidbmonitor.pingcap.com/b\n"
    );
    assert_eq!(
        monitor_calls(&log).len(),
        4,
        "first page, 410, first page again, second page"
    );
}

#[test]
fn pages_follow_continue_tokens_with_limit_500() {
    let (dir, log) = fake_server(|path, _| {
        if path.contains("continue=p2") {
            ok(list("TidbMonitor", &[monitor("c")], None))
        } else {
            ok(list(
                "TidbMonitor",
                &[monitor("a"), monitor("b")],
                Some("p2"),
            ))
        }
    });
    let (code, stdout, _) = plugin(&dir, &["get", "-o", "name"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 3);
    let calls = monitor_calls(&log);
    assert!(calls.iter().all(|c| c.contains("limit=500")), "{calls:?}");
    // The first page is read from the watch cache; a continued page carries its token's version instead.
    assert!(calls[0].contains("resourceVersion=0"), "{calls:?}");
    assert!(
        calls[1..]
            .iter()
            .all(|c| c.contains("continue=p2") && !c.contains("resourceVersion")),
        "{calls:?}"
    );
    // One LIST per kind: every kind of `get` asked exactly once (plus the continued page).
    let all = log.lock().unwrap().clone();
    for kind in ["tidbclusters", "dmclusters", "statefulsets", "deployments"] {
        assert_eq!(
            all.iter()
                .filter(|p| p.contains(&format!("/{kind}")))
                .count(),
            1,
            "{kind}: {all:?}"
        );
    }
}

/// `migrate` live, for a named monitor: the stack is built from what the server returned, and Secrets (TLS client
/// certificates) are only listed in the monitor's namespace, never cluster-wide.
#[test]
fn migrate_reads_live_and_lists_secrets_only_where_the_monitor_is() {
    let (dir, log) = fake_server(|_, _| ok(list("TidbMonitor", &[monitor("basic")], None)));
    let (code, stdout, stderr) = plugin(&dir, &["migrate", "-n", "default", "basic"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("kind: Prometheus"), "{stdout}");
    assert!(
        stdout.contains("# Plan for TidbMonitor default/basic"),
        "{stdout}"
    );
    let secrets: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.contains("/secrets"))
        .cloned()
        .collect();
    assert!(!secrets.is_empty());
    assert!(
        secrets
            .iter()
            .all(|p| p.starts_with("/api/v1/namespaces/default/secrets")),
        "{secrets:?}"
    );
}

/// `get` live reads the kinds the rules about TidbMonitors read (its HEALTH), one LIST each, with check's scopes
/// and selectors, never a v2 or scrape kind; then only the volumes and ConfigMaps those rules look up, by name:
/// here the volume an old v1.1 claim is bound to, and no ConfigMap (the monitor names none).
#[test]
fn get_lists_only_what_the_rules_about_monitors_read() {
    let persistent = monitor("a").replace(
        r#""prometheus":"#,
        r#""persistent":true,"storage":"5Gi","prometheus":"#,
    );
    let claim = r#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"a-monitor","namespace":"default"},"spec":{"volumeName":"pv-old"},"status":{"phase":"Bound"}}"#.to_string();
    let (dir, log) = fake_api::serve("default", move |path| {
        if path.contains("/tidbmonitors") {
            ok(list("TidbMonitor", std::slice::from_ref(&persistent), None))
        } else if path.contains("/persistentvolumeclaims") {
            ok(list(
                "PersistentVolumeClaim",
                std::slice::from_ref(&claim),
                None,
            ))
        } else {
            ok(list("Empty", &[], None))
        }
    });
    let (code, stdout, stderr) = plugin(&dir, &["get", "-A"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("HEALTH"), "{stdout}");
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
    let expected = [
        "/api/v1/persistentvolumeclaims",
        "/api/v1/persistentvolumes?fieldSelector=metadata.name%3Dpv-old",
        "/api/v1/secrets",
        "/apis/apps/v1/deployments?labelSelector=app.kubernetes.io%2Fcomponent%20in%20%28controller-manager%2Cmonitor%29",
        "/apis/apps/v1/statefulsets?labelSelector=app.kubernetes.io%2Fcomponent%3Dmonitor",
        "/apis/pingcap.com/v1alpha1/dmclusters",
        "/apis/pingcap.com/v1alpha1/tidbclusters",
        "/apis/pingcap.com/v1alpha1/tidbmonitors",
    ];
    assert_eq!(paths, expected);
}

/// HEALTH says `<unknown>` rather than a verdict the rules could not reach: with PersistentVolumeClaims refused
/// the row still prints, with one warning and exit 0 as for any kind that only decorates rows; the monitor's
/// dangling reference `db` is an error once every kind was read.
#[test]
fn health_is_unknown_when_a_kind_the_rules_need_is_forbidden() {
    // Every image block present: no finding but the dangling reference (TM010).
    let complete = monitor("a").replace(
        r#""prometheus":"#,
        r#""persistent":true,"storage":"5Gi","initializer":{"baseImage":"pingcap/tidb-monitor-initializer","version":"v8.5.7"},"reloader":{"baseImage":"pingcap/tidb-monitor-reloader","version":"v1.0.1"},"prometheusReloader":{"baseImage":"quay.io/prometheus-operator/prometheus-config-reloader","version":"v0.49.0"},"prometheus":"#,
    );
    let get = |forbid: Option<&'static str>| {
        let complete = complete.clone();
        let (dir, _) = fake_api::serve("default", move |path| {
            if path.contains("/tidbmonitors") {
                ok(list("TidbMonitor", std::slice::from_ref(&complete), None))
            } else if forbid.is_some_and(|kind| path.contains(kind)) {
                status(403, "Forbidden")
            } else {
                ok(list("Empty", &[], None))
            }
        });
        let (code, stdout, stderr) = plugin(&dir, &["get", "-o", "wide"]);
        let row: Vec<String> = stdout
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect();
        (code, row, stderr)
    };
    let (code, readable, stderr) = get(None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (readable[2].as_str(), readable[7].as_str()),
        ("error(1)", "TM010"),
        "{readable:?}"
    );
    let (code, forbidden, stderr) = get(Some("/persistentvolumeclaims"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(forbidden[0], "a", "{forbidden:?}");
    // What was found is still listed under -o wide.
    assert_eq!(
        (forbidden[2].as_str(), forbidden[7].as_str()),
        ("<unknown>", "TM010"),
        "{forbidden:?}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("Warning:")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("persistentvolumeclaims"), "{stderr}");
}
