//! tidb-operator v2 (`core.pingcap.com/v1alpha1`) end to end on the real API server: the upstream v2 examples are
//! admitted by the v2 CRDs, and `clusters` reports the same v2 rows live as offline from the same objects.
//!
//! Run with `tests/e2e/cluster-up.sh cargo test --test e2e_v2 -- --ignored` (cluster-up installs the v2 CRDs).

mod common;

use std::path::{Path, PathBuf};

use common::e2e::*;
use common::fixtures;
use serde_json::{Value, json};

/// The condition time every status here carries, live and offline alike.
const SINCE: &str = "2026-11-20T10:00:00Z";

fn v2_fixtures() -> PathBuf {
    fixtures().join("v2")
}

/// The YAML files of a fixture directory in name order, filtered by `keep`.
fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && keep(p.file_name().unwrap().to_str().unwrap())
        })
        .collect();
    found.sort();
    found
}

fn read_object(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn condition(kind: &str, ok: bool, reason: &str, message: &str) -> Value {
    json!({"type": kind, "status": if ok { "True" } else { "False" }, "observedGeneration": 1,
           "reason": reason, "message": message, "lastTransitionTime": SINCE})
}

/// The status tidb-operator v2 writes on a component group with `ready` of its replicas up.
fn group_status(group: &Value, ready: i64) -> Value {
    let name = group["metadata"]["name"].as_str().unwrap();
    let labels = &group["metadata"]["labels"];
    let (cluster, component) = (
        group["spec"]["cluster"]["name"].as_str().unwrap(),
        labels["pingcap.com/component"].as_str().unwrap(),
    );
    let replicas = group["spec"]["replicas"].as_i64().unwrap_or(1);
    let revision = format!("{name}-7c9d8f6b54");
    let all_ready = ready == replicas;
    json!({
        "observedGeneration": 1,
        "replicas": replicas, "readyReplicas": ready, "updatedReplicas": replicas, "currentReplicas": replicas,
        "currentRevision": revision, "updateRevision": revision, "collisionCount": 0,
        "version": group["spec"]["template"]["spec"]["version"],
        "selector": format!("pingcap.com/managed-by=tidb-operator,pingcap.com/component={component},pingcap.com/cluster={cluster},pingcap.com/group={name}"),
        "conditions": [
            if all_ready {
                condition("Ready", true, "Ready", "all instances are ready")
            } else {
                condition("Ready", false, "Unready", &format!("{} of {replicas} instances are not ready", replicas - ready))
            },
            condition("Synced", true, "Synced", "all instances are synced"),
        ],
    })
}

/// `Cluster.status.components` kind of a group kind (`TiKVGroup` -> `TiKV`).
fn component_kind(group_kind: &str) -> &str {
    group_kind.strip_suffix("Group").unwrap()
}

fn cluster_status(cluster: &Value, ns: &str, groups: &[Value]) -> Value {
    let tls = cluster["spec"]["tlsCluster"]["enabled"] == true;
    let pd = groups
        .iter()
        .find(|g| g["kind"] == "PDGroup")
        .map(|g| g["metadata"]["name"].as_str().unwrap())
        .unwrap();
    let components: Vec<Value> = groups
        .iter()
        .map(|g| json!({"kind": component_kind(g["kind"].as_str().unwrap()), "replicas": g["spec"]["replicas"]}))
        .collect();
    json!({
        "id": "7401234567890123456",
        "observedGeneration": 1,
        "pd": format!("{}://{pd}-pd.{ns}:2379", if tls { "https" } else { "http" }),
        "components": components,
        "conditions": [condition("Available", true, "Available", "the cluster is available")],
    })
}

/// `Cluster` -> `clusters`, `TiKVGroup` -> `tikvgroups`: every v2 kind with a status here pluralises so.
fn plural(kind: &str) -> String {
    format!("{}s", kind.to_lowercase())
}

/// Creates the fixture objects in `ns` as a user would (`kubectl create -n NS -f FILE`, the examples carry no
/// namespace), writes their status through the status subresource, and writes each object with that same
/// status and namespace into `offline` for `-f`. `ready` lowers one group's ready replicas: (kind, ready).
fn seed_v2(ns: &str, sources: &[PathBuf], ready: Option<(&str, i64)>, offline: &Path) {
    namespace(ns);
    let objects: Vec<Value> = sources.iter().map(|p| read_object(p)).collect();
    let (clusters, groups): (Vec<Value>, Vec<Value>) =
        objects.into_iter().partition(|o| o["kind"] == "Cluster");
    let mut create = vec!["create", "-n", ns];
    for source in sources {
        create.extend(["-f", source.to_str().unwrap()]);
    }
    admin(&create, None);
    let mut with_status = Vec::new();
    for group in &groups {
        let kind = group["kind"].as_str().unwrap();
        let replicas = group["spec"]["replicas"].as_i64().unwrap_or(1);
        let up = match ready {
            Some((k, n)) if k == kind => n,
            _ => replicas,
        };
        with_status.push((group.clone(), group_status(group, up)));
    }
    for cluster in &clusters {
        with_status.push((cluster.clone(), cluster_status(cluster, ns, &groups)));
    }
    for (object, status) in with_status {
        let (kind, name) = (
            object["kind"].as_str().unwrap(),
            object["metadata"]["name"].as_str().unwrap(),
        );
        admin(
            &[
                "-n",
                ns,
                "patch",
                &format!("{}.core.pingcap.com", plural(kind)),
                name,
                "--subresource=status",
                "--type=merge",
                "-p",
                &json!({ "status": status }).to_string(),
            ],
            None,
        );
        write_offline(offline, ns, object, Some(status));
    }
}

/// The object as `kubectl get -o json` would show it after seeding: namespace, generation 1 (the API server's
/// for a fresh object; status writes do not bump it) and the status written live.
fn write_offline(dir: &Path, ns: &str, mut object: Value, status: Option<Value>) {
    object["metadata"]["namespace"] = json!(ns);
    object["metadata"]["generation"] = json!(1);
    if let Some(status) = status {
        object["status"] = status;
    }
    let file = format!(
        "{ns}-{}-{}.json",
        object["kind"].as_str().unwrap().to_lowercase(),
        object["metadata"]["name"].as_str().unwrap()
    );
    std::fs::write(
        dir.join(file),
        serde_json::to_string_pretty(&object).unwrap(),
    )
    .unwrap();
}

/// A monitoring object (Prometheus, PodMonitor, VMPodScrape) created live and written for offline use.
fn seed_monitoring(dir: &Path, ns: &str, object: Value) {
    admin(&["create", "-n", ns, "-f", "-"], Some(&object.to_string()));
    write_offline(dir, ns, object, None);
}

/// What legitimately differs between a live and an offline view of the same objects: what the API server assigns
/// (uid, creation time, hence age) and `coverageComplete`, which says whether every monitor could be read: true for
/// an admin listing all namespaces, false from files, which may hold only part of the estate.
fn normalise(row: &mut Value) {
    if let Some(metadata) = row["metadata"].as_object_mut() {
        for key in ["creationTimestamp", "uid", "resourceVersion"] {
            metadata.remove(key);
        }
    }
    if let Some(fields) = row.as_object_mut() {
        fields.remove("age");
        fields.remove("coverageComplete");
    }
}

/// The items of a `clusters -o json` List in the given namespaces, in output order.
fn rows_in(stdout: &str, namespaces: &[&str]) -> Vec<Value> {
    let list: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a List: {stdout}"))
        .iter()
        .filter(|item| {
            item["metadata"]["namespace"]
                .as_str()
                .is_some_and(|ns| namespaces.contains(&ns))
        })
        .cloned()
        .collect()
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn clusters_shows_the_same_v2_rows_live_and_offline() {
    let offline = tempfile::tempdir().unwrap();
    let (basic_ns, tls_ns) = ("v2-basic", "v2-tls");
    let basic = files(
        &v2_fixtures().join("examples-v2.0.1/examples/basic"),
        |_| true,
    );
    assert_eq!(basic.len(), 7, "{basic:?}");
    // Upstream's own TLS example is rejected by its CRDs; v2/tls holds the fixed copy (00-04; the rest is generated).
    let tls = files(&v2_fixtures().join("tls"), |name| {
        name.as_bytes()[0].is_ascii_digit()
    });
    assert_eq!(tls.len(), 5, "{tls:?}");
    // basic: one TiKV store down; tls: all up.
    seed_v2(basic_ns, &basic, Some(("TiKVGroup", 2)), offline.path());
    seed_v2(tls_ns, &tls, None, offline.path());
    // basic is scraped by a PodMonitor as the v2 docs write one (selector fixed to pingcap.com/*), loaded by a
    // Prometheus of its own: offline files without any Prometheus cannot tell whether one loads it, live can, and
    // the label is this test's so no other test's Prometheus selects it. tls: a VMPodScrape for another cluster
    // name only, so nothing covers it.
    seed_monitoring(
        offline.path(),
        basic_ns,
        json!({
            "apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
            "metadata": {"name": "v2-basic"},
            "spec": {"podMonitorSelector": {"matchLabels": {"e2e-v2": "basic"}}},
        }),
    );
    seed_monitoring(
        offline.path(),
        basic_ns,
        json!({
            "apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
            "metadata": {"name": "basic", "labels": {"e2e-v2": "basic"}},
            "spec": {
                "selector": {"matchLabels": {"pingcap.com/cluster": "basic", "pingcap.com/managed-by": "tidb-operator"}},
                "podMetricsEndpoints": [{"interval": "15s", "relabelings": [{
                    "action": "replace", "targetLabel": "__address__", "regex": "(.+);(.+);(.+);(.+);(.+)",
                    "replacement": "$1.$2-$3-peer.$4:$5",
                    "sourceLabels": ["__meta_kubernetes_pod_name", "__meta_kubernetes_pod_label_pingcap_com_group",
                                     "__meta_kubernetes_pod_label_pingcap_com_component", "__meta_kubernetes_namespace",
                                     "__meta_kubernetes_pod_annotation_prometheus_io_port"]}]}],
            },
        }),
    );
    seed_monitoring(
        offline.path(),
        tls_ns,
        json!({
            "apiVersion": "operator.victoriametrics.com/v1beta1", "kind": "VMPodScrape",
            "metadata": {"name": "other"},
            "spec": {
                "selector": {"matchLabels": {"pingcap.com/cluster": "other", "pingcap.com/managed-by": "tidb-operator"}},
                "podMetricsEndpoints": [{"port": "metrics"}],
            },
        }),
    );

    let live = plugin(&["clusters", "-A", "-o", "json"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    let dir = offline.path().to_str().unwrap();
    let from_files = plugin(&["clusters", "-A", "-o", "json", "-f", dir]);
    assert_eq!(from_files.code, 0, "{}", from_files.stderr);
    assert!(from_files.stderr.is_empty(), "{}", from_files.stderr);

    let namespaces = [basic_ns, tls_ns];
    let (live_rows, offline_rows) = (
        rows_in(&live.stdout, &namespaces),
        rows_in(&from_files.stdout, &namespaces),
    );
    let names: Vec<(&str, &str, &str)> = live_rows
        .iter()
        .map(|r| {
            (
                r["metadata"]["namespace"].as_str().unwrap_or(""),
                r["metadata"]["name"].as_str().unwrap_or(""),
                r["clusterKind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        names,
        [(basic_ns, "basic", "Cluster"), (tls_ns, "tls", "Cluster")],
        "v2 rows live: {live_rows:#?}\noffline: {offline_rows:#?}"
    );
    assert!(
        live_rows.iter().all(|r| r["coverageComplete"] == true),
        "an admin reads every monitor: {live_rows:#?}"
    );
    let (mut live_rows, mut offline_rows) = (live_rows, offline_rows);
    live_rows.iter_mut().for_each(normalise);
    offline_rows.iter_mut().for_each(normalise);
    assert_eq!(
        serde_json::to_string_pretty(&live_rows).unwrap(),
        serde_json::to_string_pretty(&offline_rows).unwrap(),
        "live (left) and offline (right) differ"
    );
    let (basic_row, tls_row) = (&live_rows[0], &live_rows[1]);
    assert_eq!(basic_row["tls"], false, "{basic_row:#}");
    assert_eq!(tls_row["tls"], true, "{tls_row:#}");
    assert!(
        basic_row["monitoredBy"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "the PodMonitor covers basic: {basic_row:#}"
    );
    assert_eq!(tls_row["monitoredBy"], json!([]), "{tls_row:#}");
}

/// The Pods and Services tidb-operator v2.0.1 makes (generated fixtures) are admitted, TiFlash's sidecar init
/// containers (`restartPolicy: Always`) included: a server-side dry run, since the plugin never reads Pods.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn operator_made_pods_and_instances_are_admitted() {
    for dir in [
        v2_fixtures(),
        v2_fixtures().join("tls"),
        v2_fixtures().join("pdms"),
    ] {
        for file in files(&dir, |name| {
            name.ends_with("-as-the-operator-makes-them.yaml")
        }) {
            let out = admin(
                &[
                    "create",
                    "--dry-run=server",
                    "-f",
                    file.to_str().unwrap(),
                    "-o",
                    "name",
                ],
                None,
            );
            assert!(!out.trim().is_empty(), "{}", file.display());
        }
    }
}
