//! Scaffolds: snapshots of every shape, relabelings evaluated as Prometheus would, and the file writer.

mod common;

use std::collections::BTreeMap;

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

#[test]
fn servicemonitor_plain_cluster() {
    insta::assert_snapshot!(
        "sm_plain",
        stdout(&["scaffold", "servicemonitor", "-f", &example("basic")])
    );
}

#[test]
fn servicemonitor_tls_cluster() {
    insta::assert_snapshot!(
        "sm_tls",
        stdout(&["scaffold", "servicemonitor", "-f", &example("basic-tls")])
    );
}

#[test]
fn servicemonitor_dm_cluster_and_podmonitor() {
    insta::assert_snapshot!(
        "sm_dm",
        stdout(&["scaffold", "servicemonitor", "-f", &example("dm")])
    );
    insta::assert_snapshot!(
        "pm_plain",
        stdout(&[
            "scaffold",
            "servicemonitor",
            "--kind",
            "podmonitor",
            "--prometheus-label",
            "release=kps",
            "-f",
            &example("basic")
        ])
    );
}

#[test]
fn thanos_sharded_monitor_with_replicas() {
    insta::assert_snapshot!(
        "thanos_sharded",
        stdout(&[
            "scaffold",
            "thanos",
            "-n",
            "metrics",
            "--objstore-secret",
            "thanos-objstore",
            "--operator-version",
            "v1.6.6",
            "-f",
            &(project_examples() + "/thanos")
        ])
    );
}

/// `--grafana`: one Grafana beside Thanos Query, reading it, built from the monitor with the newest initializer
/// (shop's v8.5.7 over billing's v4.0.16), which the header says.
#[test]
fn thanos_with_grafana() {
    let examples = project_examples();
    let yaml = stdout(&[
        "scaffold",
        "thanos",
        "-A",
        "--query-namespace",
        "observability",
        "--grafana",
        "--operator-version",
        "v1.6.6",
        "-f",
        &(examples.clone() + "/single"),
        "-f",
        &(examples + "/legacy"),
    ]);
    assert!(
        yaml.contains("# Grafana observability/tidb-grafana follows TidbMonitor shop/shop: its initializer v8.5.7 is the newest of the monitors' (legacy/billing v4.0.16, shop/shop v8.5.7)"),
        "{yaml}"
    );
    assert!(
        yaml.contains("value: http://thanos-query.observability.svc:9090"),
        "{yaml}"
    );
    insta::assert_snapshot!("thanos_grafana", yaml);
}

/// `--grafana` with no monitor that has a Grafana is refused: there is nothing to follow.
#[test]
fn thanos_grafana_needs_a_monitor_with_grafana() {
    let out = plugin()
        .args([
            "scaffold",
            "thanos",
            "-A",
            "--grafana",
            "-f",
            &(project_examples() + "/thanos"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--grafana: none of the monitors has spec.grafana"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn thanos_across_namespaces() {
    insta::assert_snapshot!(
        "thanos_multi_namespace",
        stdout(&[
            "scaffold",
            "thanos",
            "-A",
            "-n",
            "observability",
            "-f",
            &project_examples()
        ])
    );
}

/// `-A` cannot be combined with `-n` live, so the querier has its own flag: `-A --query-namespace NS` puts Thanos
/// Query (its ServiceAccount, ConfigMap, Deployment, Service) in NS and leaves the sidecars with their monitors.
#[test]
fn thanos_query_namespace_with_all_namespaces() {
    let examples = project_examples();
    let yaml = stdout(&[
        "scaffold",
        "thanos",
        "-A",
        "--query-namespace",
        "observability",
        "-f",
        &examples,
    ]);
    assert!(yaml.contains("querier-namespace=observability"), "{yaml}");
    // The same objects as the offline `-A -n observability` form.
    assert_eq!(
        yaml,
        stdout(&[
            "scaffold",
            "thanos",
            "-A",
            "-n",
            "observability",
            "-f",
            &examples
        ])
    );
    let list: Value = serde_json::from_str(&stdout(&[
        "scaffold",
        "thanos",
        "-A",
        "--query-namespace",
        "observability",
        "-o",
        "json",
        "-f",
        &examples,
    ]))
    .unwrap();
    let items = list["items"].as_array().unwrap();
    let in_namespace = |kind: &str, ns: &str| {
        items
            .iter()
            .filter(|o| o["kind"] == kind)
            .all(|o| o["metadata"]["namespace"] == ns)
    };
    let deployments: Vec<&Value> = items.iter().filter(|o| o["kind"] == "Deployment").collect();
    assert!(!deployments.is_empty(), "no Thanos Query Deployment");
    for kind in ["ServiceAccount", "ConfigMap", "Deployment"] {
        assert!(
            in_namespace(kind, "observability"),
            "{kind} outside observability"
        );
    }
    assert!(
        items
            .iter()
            .filter(|o| o["kind"] == "TidbMonitor")
            .all(|o| o["metadata"]["namespace"] != "observability"),
        "the sidecars must stay with their monitors"
    );
    // -n is still the default, and the flag wins over it.
    let yaml = stdout(&[
        "scaffold",
        "thanos",
        "-n",
        "metrics",
        "--query-namespace",
        "observability",
        "-f",
        &(examples.clone() + "/thanos"),
    ]);
    assert!(yaml.contains("querier-namespace=observability"), "{yaml}");
}

#[test]
fn thanos_refuses_listen_local_and_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.yaml");
    std::fs::write(&file, "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: m, namespace: x}\nspec:\n  clusters: [{name: a}]\n  thanos: {baseImage: thanos, version: v1, listenLocal: true}\n").unwrap();
    let out = plugin()
        .args([
            "scaffold",
            "thanos",
            "-n",
            "x",
            "-f",
            file.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("listenLocal"));
    plugin()
        .args([
            "scaffold",
            "thanos",
            "--objstore-secret",
            "Bad_Name",
            "-f",
            &project_examples(),
        ])
        .assert()
        .code(2);
    plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "--prometheus-label",
            "no-equals",
            "-f",
            &project_examples(),
        ])
        .assert()
        .code(2);
    plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "nope",
            "-f",
            &project_examples(),
        ])
        .assert()
        // A name that does not exist is kubectl's NotFound, exit 1, in every command.
        .code(1);
}

#[test]
fn never_emits_secret_values() {
    let text = stdout(&[
        "scaffold",
        "thanos",
        "-A",
        "--objstore-secret",
        "thanos-objstore:objstore.yml",
        "-f",
        &example("monitor-with-thanos"),
    ]);
    assert!(!text.contains("access_key") && !text.contains("kind: Secret"));
}

#[test]
fn output_dir_writes_atomically_and_refuses_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let t = target.to_str().unwrap();
    plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "--output-dir",
            t,
            "-f",
            &example("basic"),
        ])
        .assert()
        .success();
    let mut files: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "01-servicemonitor-default-basic-pd.yaml",
            "02-servicemonitor-default-basic-tidb.yaml",
            "03-servicemonitor-default-basic-tikv.yaml"
        ]
    );
    let out = plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "--output-dir",
            t,
            "-f",
            &example("basic"),
        ])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("--force"));
    plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "--output-dir",
            t,
            "--force",
            "-f",
            &example("basic"),
        ])
        .assert()
        .success();
    assert!(
        std::fs::read_dir(&target).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("tmp"))
    );
}

/// Prometheus relabeling (`model/relabel`), for `replace` — the only action the scaffolds use:
/// join source values with the separator, match the regex anchored at both ends, expand `${n}`.
fn relabel(labels: &mut BTreeMap<String, String>, rules: &[Value]) {
    for rule in rules {
        assert_eq!(rule["action"], "replace");
        let sources: Vec<String> = rule["sourceLabels"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| labels.get(s.as_str().unwrap()).cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        let value = sources.join(rule["separator"].as_str().unwrap_or(";"));
        let regex = regex::Regex::new(&format!(
            "^(?:{})$",
            rule["regex"].as_str().unwrap_or("(.*)")
        ))
        .unwrap();
        let Some(captures) = regex.captures(&value) else {
            continue;
        };
        let mut replaced = String::new();
        captures.expand(rule["replacement"].as_str().unwrap_or("$1"), &mut replaced);
        let target = rule["targetLabel"].as_str().unwrap();
        if replaced.is_empty() {
            labels.remove(target);
        } else {
            labels.insert(target.to_string(), replaced);
        }
    }
}

fn scaffold_json(args: &[&str]) -> Vec<Value> {
    let mut full = vec!["scaffold", "servicemonitor", "-o", "json"];
    full.extend_from_slice(args);
    let list: Value = serde_json::from_str(&stdout(&full)).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn target(pod: &str, service: &str, component: &str, port: &str) -> BTreeMap<String, String> {
    [
        ("__address__", "10.0.3.7:20160"),
        ("__metrics_path__", "/metrics"),
        ("job", "serviceMonitor/db/basic-tikv/0"),
        ("__meta_kubernetes_pod_name", pod),
        ("__meta_kubernetes_service_name", service),
        ("__meta_kubernetes_namespace", "db"),
        ("__meta_kubernetes_pod_annotation_prometheus_io_port", port),
        (
            "__meta_kubernetes_pod_annotation_prometheus_io_path",
            "/metrics",
        ),
        (
            "__meta_kubernetes_pod_annotation_tiflash_proxy_prometheus_io_port",
            "20292",
        ),
        (
            "__meta_kubernetes_pod_label_app_kubernetes_io_component",
            component,
        ),
        (
            "__meta_kubernetes_pod_label_app_kubernetes_io_instance",
            "basic",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn relabelings_give_tidb_monitor_labels() {
    let monitors = scaffold_json(&["-n", "db", "-f", &example("basic")]);
    let tikv = monitors
        .iter()
        .find(|m| m["metadata"]["name"] == "basic-tikv")
        .unwrap();
    let endpoint = &tikv["spec"]["endpoints"][0];
    assert_eq!(endpoint["port"], "peer");
    let mut labels = target("basic-tikv-0", "basic-tikv-peer", "tikv", "20180");
    relabel(&mut labels, endpoint["relabelings"].as_array().unwrap());
    // The address moves from the peer port to the status port on the per-pod DNS name.
    assert_eq!(
        labels["__address__"],
        "basic-tikv-0.basic-tikv-peer.db:20180"
    );
    assert_eq!(labels["instance"], "basic-tikv-0");
    assert_eq!(labels["component"], "tikv");
    assert_eq!(labels["cluster"], "basic");
    assert_eq!(labels["tidb_cluster"], "db-basic");
    assert_eq!(labels["kubernetes_namespace"], "db");
    assert_eq!(labels["job"], "tikv");
    assert_eq!(labels["__metrics_path__"], "/metrics");
}

#[test]
fn relabelings_keep_the_default_path_without_annotation_and_use_the_tiflash_proxy_port() {
    let mut doc =
        std::fs::read_to_string(example("heterogeneous") + "/heterogeneous-cluster.yaml").unwrap();
    doc = doc.replace("namespace: default", "namespace: db");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.yaml");
    std::fs::write(&file, doc).unwrap();
    let monitors = scaffold_json(&["-n", "db", "-f", file.to_str().unwrap()]);
    let tiflash = monitors
        .iter()
        .find(|m| {
            m["metadata"]["name"]
                .as_str()
                .unwrap()
                .ends_with("-tiflash")
        })
        .unwrap();
    let endpoints = tiflash["spec"]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2);
    let mut proxy = target("h-tiflash-0", "h-tiflash-peer", "tiflash", "8234");
    proxy.remove("__meta_kubernetes_pod_annotation_prometheus_io_path");
    relabel(&mut proxy, endpoints[1]["relabelings"].as_array().unwrap());
    assert_eq!(proxy["__address__"], "h-tiflash-0.h-tiflash-peer.db:20292");
    assert_eq!(
        proxy["__metrics_path__"], "/metrics",
        "an absent path annotation keeps the endpoint's path"
    );
    assert_eq!(proxy["job"], "tiflash");
}

#[test]
fn thanos_with_grpc_tls() {
    insta::assert_snapshot!(
        "thanos_grpc_tls",
        stdout(&[
            "scaffold",
            "thanos",
            "-A",
            "-n",
            "metrics",
            "--objstore-secret",
            "thanos-objstore",
            "--grpc-tls-secret",
            "thanos-grpc",
            "--grpc-tls-server-name",
            "thanos.metrics.svc",
            "-f",
            &(project_examples() + "/single"),
        ])
    );
}

fn thanos_json(extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["scaffold", "thanos", "-n", "default", "-o", "json"];
    args.extend_from_slice(extra);
    let list: Value = serde_json::from_str(&stdout(&args)).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn monitors_of(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|o| o["kind"] == "TidbMonitor")
        .cloned()
        .collect()
}

const V166_MONITOR_CRD: &str = "crds/pingcap.com_tidbmonitors.yaml";
const V165_MONITOR_CRD: &str = "crds-v1.6.5/pingcap.com_tidbmonitors.yaml";

/// spec.thanos.securityContext exists only in the v1.6.6 TidbMonitor CRD: an older operator's API server refuses
/// the whole monitor under a strict apply. Without a known version only the fields of every CRD are emitted.
#[test]
fn thanos_sidecar_fields_follow_the_operator_version() {
    let basic = example("basic");
    for flags in [
        vec!["--operator-version", "v1.6.5", "-f", &basic],
        vec!["--operator-version", "v1.3.0", "-f", &basic],
        vec!["-f", &basic],
    ] {
        let monitors = monitors_of(&thanos_json(&flags));
        assert_eq!(monitors.len(), 1);
        assert!(monitors[0]["spec"]["thanos"]["securityContext"].is_null());
        let violations = spec_violations(V165_MONITOR_CRD, &monitors);
        assert!(violations.is_empty(), "{flags:?}: {violations:?}");
    }
    let current = monitors_of(&thanos_json(&[
        "--operator-version",
        "v1.6.6",
        "-f",
        &basic,
    ]));
    assert_eq!(
        current[0]["spec"]["thanos"]["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert!(spec_violations(V166_MONITOR_CRD, &current).is_empty());
    // The check itself sees the difference the release made.
    assert_eq!(
        spec_violations(V165_MONITOR_CRD, &current),
        ["TidbMonitor/basic spec.thanos.securityContext: unknown field"]
    );
    // With the gRPC TLS wiring the extra volume fields exist since v1.2.0 too.
    let tls = monitors_of(&thanos_json(&[
        "--operator-version",
        "v1.6.5",
        "--grpc-tls-secret",
        "thanos-grpc",
        "-f",
        &basic,
    ]));
    assert!(spec_violations(V165_MONITOR_CRD, &tls).is_empty());
}

#[test]
fn thanos_header_says_which_operator_the_sidecar_is_for() {
    let basic = example("basic");
    let unknown = stdout(&["scaffold", "thanos", "-n", "default", "-f", &basic]);
    assert!(
        unknown.contains("# spec.thanos made for an unknown tidb-operator version: only the fields every operator since v1.2.0 accepts, so no securityContext (pass --operator-version v1.6.6 or newer to add it)\n"),
        "{unknown}"
    );
    let old = stdout(&[
        "scaffold",
        "thanos",
        "-n",
        "default",
        "--operator-version",
        "1.5.2",
        "-f",
        &basic,
    ]);
    assert!(old.contains("# Options: querier-namespace=default operator-version=v1.5.2"));
    assert!(
        old.contains(
            "without securityContext, which its TidbMonitor CRD does not have before v1.6.6"
        ),
        "{old}"
    );
    // Below v1.2.0 there is no spec.thanos at all.
    let out = plugin()
        .args([
            "scaffold",
            "thanos",
            "-n",
            "default",
            "--operator-version",
            "v1.1.15",
            "-f",
            &basic,
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("has no TidbMonitor spec.thanos (added in v1.2.0)"),
        "{stderr}"
    );
    plugin()
        .args([
            "scaffold",
            "thanos",
            "--operator-version",
            "latest",
            "-f",
            &basic,
        ])
        .assert()
        .code(2);
}

/// Live, the version comes from the controller Deployment's image as `check` reads it; `-f` takes it from a
/// Deployment among the files the same way.
#[test]
fn thanos_reads_the_operator_version_from_its_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let operator = dir.path().join("operator.yaml");
    std::fs::write(
        &operator,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tidb-controller-manager\n  namespace: tidb-admin\n  labels: {app.kubernetes.io/name: tidb-operator, app.kubernetes.io/component: controller-manager}\nspec:\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers:\n      - name: tidb-operator\n        image: pingcap/tidb-operator:v1.6.6\n",
    )
    .unwrap();
    let basic = example("basic");
    let text = stdout(&[
        "scaffold",
        "thanos",
        "-A",
        "-n",
        "default",
        "-f",
        &basic,
        "-f",
        operator.to_str().unwrap(),
    ]);
    assert!(
        text.contains("made for tidb-operator v1.6.6 (from tidb-admin/tidb-controller-manager)"),
        "{text}"
    );
    assert!(text.contains("securityContext:"), "{text}");
}

fn endpoint_ports(monitors: &[Value], name: &str) -> Vec<String> {
    monitors
        .iter()
        .find(|m| m["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))["spec"]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["port"].as_str().unwrap().to_string())
        .collect()
}

/// Through v1.3.1 the PD peer Service has only `peer` (2380); `tcp-peer-2379` came with v1.3.2. TiFlash's peer
/// Service got `metrics`/`proxy-metrics` in v1.4.0. The address is rebuilt from the pod annotation either way.
#[test]
fn service_ports_follow_the_operator_version() {
    let heterogeneous = example("heterogeneous") + "/heterogeneous-cluster.yaml";
    let basic = example("basic");
    let at = |version: &str| {
        scaffold_json(&[
            "-A",
            "--operator-version",
            version,
            "-f",
            &basic,
            "-f",
            &heterogeneous,
        ])
    };
    let old = at("v1.3.1");
    assert_eq!(endpoint_ports(&old, "basic-pd"), ["peer"]);
    let tiflash = old
        .iter()
        .find(|m| {
            m["metadata"]["name"]
                .as_str()
                .unwrap()
                .ends_with("-tiflash")
        })
        .unwrap()["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(endpoint_ports(&old, &tiflash), ["tiflash", "proxy"]);
    let mut labels = target("basic-pd-0", "basic-pd-peer", "pd", "2379");
    let pd = old
        .iter()
        .find(|m| m["metadata"]["name"] == "basic-pd")
        .unwrap();
    relabel(
        &mut labels,
        pd["spec"]["endpoints"][0]["relabelings"]
            .as_array()
            .unwrap(),
    );
    assert_eq!(labels["__address__"], "basic-pd-0.basic-pd-peer.db:2379");
    let v132 = at("v1.3.2");
    assert_eq!(endpoint_ports(&v132, "basic-pd"), ["tcp-peer-2379"]);
    assert_eq!(endpoint_ports(&v132, &tiflash), ["tiflash", "proxy"]);
    for current in [
        at("v1.4.0"),
        scaffold_json(&["-A", "-f", &basic, "-f", &heterogeneous]),
    ] {
        assert_eq!(endpoint_ports(&current, "basic-pd"), ["tcp-peer-2379"]);
        assert_eq!(
            endpoint_ports(&current, &tiflash),
            ["metrics", "proxy-metrics"]
        );
    }
    // PodMonitors name container ports, which did not change.
    let pods = scaffold_json(&[
        "--kind",
        "podmonitor",
        "--operator-version",
        "v1.3.1",
        "-f",
        &basic,
    ]);
    let pd = pods
        .iter()
        .find(|m| m["metadata"]["name"] == "basic-pd")
        .unwrap();
    assert_eq!(pd["spec"]["podMetricsEndpoints"][0]["port"], "client");
}

/// Every ServiceMonitor and PodMonitor the scaffold makes is accepted field by field by prometheus-operator's CRDs.
#[test]
fn monitors_match_the_prometheus_operator_crds() {
    let tls = example("basic-tls");
    let dm = example("dm");
    for (kind, crd) in [
        (
            "servicemonitor",
            "crds/monitoring.coreos.com_servicemonitors.yaml",
        ),
        ("podmonitor", "crds/monitoring.coreos.com_podmonitors.yaml"),
    ] {
        for version in ["v1.3.1", "v1.6.6"] {
            let objects = scaffold_json(&[
                "-A",
                "--kind",
                kind,
                "--operator-version",
                version,
                "-f",
                &tls,
                "-f",
                &dm,
                "-f",
                &tiproxy_cluster(true, false),
            ]);
            assert!(objects.len() > 5);
            let violations = spec_violations(crd, &objects);
            assert!(violations.is_empty(), "{kind} {version}: {violations:?}");
        }
    }
}

/// A TidbCluster `db/proxied` with TiDB and TiProxy, written to a temporary file kept for the test run (one
/// file per call: tests run in parallel and must not rewrite a file another test's plugin is reading).
fn tiproxy_cluster(tls_client: bool, tls_cluster: bool) -> String {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!(
        "tiproxy-{tls_client}-{tls_cluster}-{}-{call}.yaml",
        std::process::id()
    ));
    std::fs::write(
        &path,
        format!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: proxied, namespace: db}}\nspec:\n  version: v8.5.2\n  tlsCluster: {{enabled: {tls_cluster}}}\n  pd: {{baseImage: pingcap/pd, replicas: 1}}\n  tikv: {{baseImage: pingcap/tikv, replicas: 1}}\n  tidb:\n    baseImage: pingcap/tidb\n    replicas: 1\n    tlsClient: {{enabled: {tls_client}}}\n  tiproxy: {{baseImage: pingcap/tiproxy, version: v1.3.0, replicas: 1}}\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn endpoint_of(monitors: &[Value], name: &str) -> Value {
    monitors
        .iter()
        .find(|m| m["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))["spec"]["endpoints"][0]
        .clone()
}

/// TiProxy serves its API with the TiDB server certificate whenever `spec.tidb.tlsClient.enabled` (operator
/// v1.6: server-http-tls when tlsCluster or tlsClient), so it is scraped over HTTPS without cluster TLS too.
#[test]
fn tiproxy_scheme_follows_tidb_client_tls() {
    let client_only = scaffold_json(&["-f", &tiproxy_cluster(true, false)]);
    let tiproxy = endpoint_of(&client_only, "proxied-tiproxy");
    assert_eq!(tiproxy["scheme"], "https");
    assert_eq!(
        tiproxy["tlsConfig"],
        serde_json::json!({"insecureSkipVerify": true})
    );
    // The other components still speak plain HTTP: tlsClient is about the MySQL port only.
    let tidb = endpoint_of(&client_only, "proxied-tidb");
    assert_eq!(tidb["scheme"], "http");
    assert!(tidb["tlsConfig"].is_null());
    // Without any TLS, and on v1.5 (which configures no server-http-tls, read by TiProxy v0.2.0+), plain HTTP.
    let plain = scaffold_json(&["-f", &tiproxy_cluster(false, false)]);
    assert_eq!(endpoint_of(&plain, "proxied-tiproxy")["scheme"], "http");
    let v15 = scaffold_json(&[
        "--operator-version",
        "v1.5.5",
        "-f",
        &tiproxy_cluster(true, true),
    ]);
    let tiproxy = endpoint_of(&v15, "proxied-tiproxy");
    assert_eq!(tiproxy["scheme"], "http");
    assert!(tiproxy["tlsConfig"].is_null());
    // Cluster TLS: TiProxy https without client certificate, the rest mTLS with the client Secret.
    let both = scaffold_json(&["-f", &tiproxy_cluster(false, true)]);
    assert_eq!(
        endpoint_of(&both, "proxied-tiproxy")["tlsConfig"],
        serde_json::json!({"insecureSkipVerify": true})
    );
    assert_eq!(
        endpoint_of(&both, "proxied-pd")["tlsConfig"]["keySecret"]["name"],
        "proxied-cluster-client-secret"
    );
}

fn prometheus_file(dir: &std::path::Path, spec: &str) -> String {
    let path = dir.join("prometheus.yaml");
    std::fs::write(
        &path,
        format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {{name: kps, namespace: monitoring}}\nspec:\n{spec}"
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn run(args: &[&str]) -> (String, String) {
    let out = plugin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The namespace selector counts: a null one is the Prometheus' own namespace, so the right label alone does not
/// get a monitor in another namespace loaded.
#[test]
fn warns_when_no_prometheus_would_load_the_monitors() {
    let dir = tempfile::tempdir().unwrap();
    let basic = example("basic");
    let own_namespace = prometheus_file(
        dir.path(),
        "  serviceMonitorSelector: {matchLabels: {release: kps}}\n",
    );
    let (yaml, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "--prometheus-label",
        "release=kps",
        "-f",
        &basic,
        "-f",
        &own_namespace,
    ]);
    let expected = "no Prometheus would load 3 ServiceMonitor(s) (default/basic-pd, default/basic-tidb, default/basic-tikv): Prometheus monitoring/kps has no serviceMonitorNamespaceSelector, so it watches only its own namespace, not default";
    assert_eq!(stderr, format!("Warning: {expected}\n"));
    assert!(yaml.contains(&format!("# WARNING: {expected}\n")), "{yaml}");
    // PodMonitors: a null podMonitorSelector selects none.
    let (yaml, stderr) = run(&[
        "scaffold",
        "podmonitor",
        "-A",
        "-f",
        &basic,
        "-f",
        &own_namespace,
    ]);
    assert!(
        stderr.contains("Prometheus monitoring/kps has no podMonitorSelector, so it loads none"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(yaml.contains("# WARNING: no Prometheus would load 3 PodMonitor(s)"));
}

#[test]
fn names_the_label_that_gets_the_monitors_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let basic = example("basic");
    let all_namespaces = prometheus_file(
        dir.path(),
        "  serviceMonitorSelector: {matchLabels: {release: kps}}\n  serviceMonitorNamespaceSelector: {}\n",
    );
    let (yaml, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "-f",
        &basic,
        "-f",
        &all_namespaces,
    ]);
    assert!(
        stderr.contains("Prometheus monitoring/kps selects serviceMonitorSelector release=kps (add --prometheus-label release=kps)\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(yaml.contains("# WARNING: no Prometheus would load"));
    let (yaml, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "--prometheus-label",
        "release=kps",
        "-f",
        &basic,
        "-f",
        &all_namespaces,
    ]);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        yaml.contains("# ServiceMonitors loaded by Prometheus monitoring/kps\n"),
        "{yaml}"
    );
    assert!(yaml.contains("release: kps"));
}

/// Without any Prometheus object to read nothing can be said: no warning, and the header says it was not checked.
#[test]
fn says_not_checked_when_no_prometheus_was_read() {
    let (yaml, stderr) = run(&["scaffold", "servicemonitor", "-f", &example("basic")]);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        yaml.contains("# Prometheus selection not checked: the Prometheus objects (or the Namespaces their selectors need) could not be read\n"),
        "{yaml}"
    );
    // VictoriaMetrics kinds are picked up by VMAgents, which are not evaluated: no line at all.
    let (yaml, _) = run(&["scaffold", "vmservicescrape", "-f", &example("basic")]);
    assert!(!yaml.contains("Prometheus selection"), "{yaml}");
}

/// Monitors in the Prometheus' namespace are loaded, the others named in the one warning line.
#[test]
fn a_partly_loaded_run_names_only_the_monitors_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prometheus.yaml");
    std::fs::write(
        &path,
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: local, namespace: db}\nspec:\n  serviceMonitorSelector: {}\n",
    )
    .unwrap();
    let (yaml, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "-f",
        &example("basic"),
        "-f",
        &tiproxy_cluster(false, false),
        "-f",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        stderr,
        "Warning: no Prometheus would load 3 ServiceMonitor(s) (default/basic-pd, default/basic-tidb, default/basic-tikv): Prometheus db/local has no serviceMonitorNamespaceSelector, so it watches only its own namespace, not default\n"
    );
    assert!(
        yaml.contains("; 4 ServiceMonitor(s) loaded by Prometheus db/local\n"),
        "{yaml}"
    );
}

/// A selector written with matchExpressions is met by labels too: the warning names the flag (not "no label
/// added here can meet"), and the flag gets the objects loaded.
#[test]
fn names_the_label_an_in_expression_wants() {
    let dir = tempfile::tempdir().unwrap();
    let basic = example("basic");
    let expressions = prometheus_file(
        dir.path(),
        "  serviceMonitorSelector: {matchExpressions: [{key: release, operator: In, values: [kps, other]}, {key: team, operator: Exists}]}\n  serviceMonitorNamespaceSelector: {}\n",
    );
    let (_, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "-f",
        &basic,
        "-f",
        &expressions,
    ]);
    assert!(
        stderr.contains("(add --prometheus-label release=kps --prometheus-label team=true)"),
        "{stderr}"
    );
    let (yaml, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "--prometheus-label",
        "release=kps",
        "--prometheus-label",
        "team=true",
        "-f",
        &basic,
        "-f",
        &expressions,
    ]);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        yaml.contains("# ServiceMonitors loaded by Prometheus monitoring/kps\n"),
        "{yaml}"
    );
}
