//! Scaffolds: snapshots of every shape, relabelings evaluated as Prometheus would, and the file writer.

mod common;

use std::collections::BTreeMap;

use assert_cmd::Command;
use common::{example, project_examples};
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
            "-f",
            &(project_examples() + "/thanos")
        ])
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
        .code(2);
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
fn suggests_the_labels_a_prometheus_selects_on() {
    let dir = tempfile::tempdir().unwrap();
    let prometheus = dir.path().join("prometheus.yaml");
    std::fs::write(
        &prometheus,
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: kps, namespace: monitoring}\nspec:\n  serviceMonitorSelector: {matchLabels: {release: kps}}\n",
    )
    .unwrap();
    let basic = example("basic");
    let out = plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "-A",
            "-f",
            &basic,
            "-f",
            prometheus.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Prometheus monitoring/kps selects monitors by labels; add --prometheus-label release=kps"), "{stderr}");
    let labelled = plugin()
        .args([
            "scaffold",
            "servicemonitor",
            "-A",
            "--prometheus-label",
            "release=kps",
            "-f",
            &basic,
            "-f",
            prometheus.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        labelled.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&labelled.stderr)
    );
    assert!(String::from_utf8_lossy(&labelled.stdout).contains("release: kps"));
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
