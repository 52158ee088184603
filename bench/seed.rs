//! Seeds a real API server with a large, realistic tidb-operator estate for the benchmark:
//! NAMESPACES namespaces × (10 TidbClusters, 5 TidbMonitors over 1–4 clusters, some TLS, some legacy
//! Deployments) plus the StatefulSets, Services, PVCs and PVs tidb-operator would have made.
//! With `--v2-clusters N`, also N tidb-operator v2 Clusters spread over the same namespaces, each with the
//! groups of the v2 `examples/basic` (PD, TiKV, TiDB, TiFlash, TiProxy, TiCDC) and the status a running
//! operator writes (through the status subresource, as the v2 CRDs require); one in ten has a PodMonitor, which one
//! Prometheus loads.
//!
//!   cargo run --release --example seed -- --kubeconfig K [--namespaces 200] [--fixture FILE]
//!       [--v2-clusters 0] [--v2-fixture DIR]
//!
//! Objects are created concurrently (64 requests in flight) through plain POSTs: minutes, not hours.

use std::time::Instant;

use futures::StreamExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{Value, json};

const CLUSTERS_PER_NAMESPACE: usize = 10;
const MONITORS_PER_NAMESPACE: usize = 5;
/// One v2 Cluster in this many has a PodMonitor.
const V2_MONITORED_EVERY: usize = 10;
/// The groups of the v2 `examples/basic`, in file order: (file, plural, kind in `Cluster.status.components`).
const V2_GROUPS: [(&str, &str, &str); 6] = [
    ("01-pd.yaml", "pdgroups", "PD"),
    ("02-tikv.yaml", "tikvgroups", "TiKV"),
    ("03-tidb.yaml", "tidbgroups", "TiDB"),
    ("04-tiflash.yaml", "tiflashgroups", "TiFlash"),
    ("05-tiproxy.yaml", "tiproxygroups", "TiProxy"),
    ("06-ticdc.yaml", "ticdcgroups", "TiCDC"),
];
const V2_API: &str = "/apis/core.pingcap.com/v1alpha1";

/// (API path, JSON body) pairs: objects to POST, or status patches.
type Requests = Vec<(String, Value)>;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let kubeconfig = arg(&args, "--kubeconfig").ok_or("--kubeconfig is required")?;
    let namespaces: usize = arg(&args, "--namespaces")
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200);
    let fixture = arg(&args, "--fixture").unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/examples/basic/tidb-cluster.yaml"
        )
        .to_string()
    });
    let tc_template: Value = serde_saphyr::from_str(&std::fs::read_to_string(&fixture)?)?;
    let v2_clusters: usize = arg(&args, "--v2-clusters")
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(0);
    let v2_fixture = arg(&args, "--v2-fixture").unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/v2/examples-v2.0.1/examples/basic"
        )
        .to_string()
    });
    let v2_templates: Vec<Value> = if v2_clusters == 0 {
        Vec::new()
    } else {
        V2_GROUPS
            .iter()
            .map(|(file, _, _)| {
                let path = format!("{v2_fixture}/{file}");
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                serde_saphyr::from_str(&text).map_err(|e| format!("{path}: {e}"))
            })
            .collect::<Result<_, String>>()?
    };

    let config = kube::Config::from_custom_kubeconfig(
        Kubeconfig::read_from(&kubeconfig)?,
        &KubeConfigOptions::default(),
    )
    .await?;
    let client = kube::Client::try_from(config)?;
    let started = Instant::now();

    let mut objects: Vec<(String, Value)> = Vec::new();
    for n in 0..namespaces {
        let ns = format!("bench-{n:03}");
        objects.push((
            "/api/v1/namespaces".into(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        ));
    }
    // Namespaces first: everything else lives in them.
    create_all(&client, std::mem::take(&mut objects)).await?;

    // `--v2-only`: a tidb-operator v2 estate (no v1 CRDs needed), the estate the v2 benchmark row describes.
    let v1 = !args.iter().any(|a| a == "--v2-only");
    for n in (0..namespaces).filter(|_| v1) {
        let ns = format!("bench-{n:03}");
        for c in 0..CLUSTERS_PER_NAMESPACE {
            let name = format!("db-{c}");
            let tls = (n + c).is_multiple_of(5);
            objects.push((
                format!("/apis/pingcap.com/v1alpha1/namespaces/{ns}/tidbclusters"),
                tidb_cluster(&tc_template, &ns, &name, tls),
            ));
            if tls {
                objects.push((
                    format!("/api/v1/namespaces/{ns}/secrets"),
                    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": format!("{name}-cluster-client-secret"), "namespace": ns},
                           "data": {"ca.crt": "Y2E=", "tls.crt": "Y2VydA==", "tls.key": "a2V5"}}),
                ));
            }
        }
        for m in 0..MONITORS_PER_NAMESPACE {
            let name = format!("mon-{m}");
            let count = 1 + (n + m) % 4;
            let mut refs: Vec<Value> = (0..count)
                .map(|k| json!({"name": format!("db-{}", (m * 2 + k) % CLUSTERS_PER_NAMESPACE)}))
                .collect();
            let cross = m == 4;
            if cross {
                refs.push(json!({"name": "db-0", "namespace": format!("bench-{:03}", (n + 1) % namespaces)}));
            }
            let legacy = (n * MONITORS_PER_NAMESPACE + m).is_multiple_of(10);
            let shards = if m == 3 { 2 } else { 1 };
            objects.push((
                format!("/apis/pingcap.com/v1alpha1/namespaces/{ns}/tidbmonitors"),
                tidb_monitor(&ns, &name, refs, cross, shards),
            ));
            let labels = json!({"app.kubernetes.io/name": "tidb-cluster", "app.kubernetes.io/managed-by": "tidb-operator", "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "monitor"});
            if legacy {
                objects.push((
                    format!("/apis/apps/v1/namespaces/{ns}/deployments"),
                    workload("Deployment", &ns, &format!("{name}-monitor"), &labels),
                ));
                objects.push((
                    format!("/api/v1/namespaces/{ns}/persistentvolumeclaims"),
                    pvc(&ns, &format!("{name}-monitor"), &labels),
                ));
            } else {
                for s in 0..shards {
                    let sts = if s == 0 {
                        format!("{name}-monitor")
                    } else {
                        format!("{name}-monitor-shard-{s}")
                    };
                    objects.push((
                        format!("/apis/apps/v1/namespaces/{ns}/statefulsets"),
                        workload("StatefulSet", &ns, &sts, &labels),
                    ));
                }
                let claim = format!("tidbmonitor-{name}-monitor-0");
                objects.push((
                    format!("/api/v1/namespaces/{ns}/persistentvolumeclaims"),
                    pvc(&ns, &claim, &labels),
                ));
                objects.push((
                    "/api/v1/persistentvolumes".into(),
                    json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": format!("pv-{ns}-{name}"), "labels": labels},
                           "spec": {"capacity": {"storage": "100Gi"}, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                                    "storageClassName": "standard", "hostPath": {"path": format!("/data/{ns}/{name}")},
                                    "claimRef": {"name": claim, "namespace": ns}}}),
                ));
            }
            objects.push((
                format!("/api/v1/namespaces/{ns}/services"),
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("{name}-prometheus"), "namespace": ns, "labels": labels},
                       "spec": {"selector": labels, "ports": [{"name": "http-prometheus", "port": 9090}]}}),
            ));
        }
    }
    let total = objects.len() + namespaces;
    create_all(&client, objects).await?;
    eprintln!(
        "seed: {total} objects in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    if v2_clusters > 0 {
        let started = Instant::now();
        let (objects, statuses) = v2_estate(&v2_templates, v2_clusters, namespaces);
        let (created, patched) = (objects.len(), statuses.len());
        create_all(&client, objects).await?;
        patch_status_all(&client, statuses).await?;
        eprintln!(
            "seed: {v2_clusters} v2 Clusters: {created} objects and {patched} statuses in {:.1}s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Clusters `v2-NNNN` round-robin over the namespaces; group names `<cluster>-<example group>` keep them unique in a
/// namespace. Returns the objects to create and the status subresource patches to write after them.
fn v2_estate(templates: &[Value], clusters: usize, namespaces: usize) -> (Requests, Requests) {
    // The estate's Prometheus (kube-prometheus-stack's selectors): loads every PodMonitor below.
    let mut objects = vec![(
        "/apis/monitoring.coreos.com/v1/namespaces/bench-000/prometheuses".to_string(),
        json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
               "metadata": {"name": "kube-prometheus-stack-prometheus", "namespace": "bench-000"},
               "spec": {"podMonitorSelector": {"matchLabels": {"release": "kube-prometheus-stack"}}, "podMonitorNamespaceSelector": {},
                        "serviceMonitorSelector": {"matchLabels": {"release": "kube-prometheus-stack"}}, "serviceMonitorNamespaceSelector": {},
                        "replicas": 1, "retention": "15d", "externalLabels": {"k8s_cluster": "bench"}}}),
    )];
    let mut statuses = Vec::new();
    for i in 0..clusters {
        let ns = format!("bench-{:03}", i % namespaces);
        let cluster = format!("v2-{i:04}");
        let tls = i % 5 == 1;
        objects.push((
            format!("{V2_API}/namespaces/{ns}/clusters"),
            json!({"apiVersion": "core.pingcap.com/v1alpha1", "kind": "Cluster", "metadata": {"name": cluster, "namespace": ns},
                   "spec": if tls { json!({"tlsCluster": {"enabled": true}}) } else { json!({}) }}),
        ));
        if tls {
            // cert-manager's client certificate for the cluster (v2.0.1 names it `<cluster>-cluster-client-secret`).
            objects.push((
                format!("/api/v1/namespaces/{ns}/secrets"),
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": format!("{cluster}-cluster-client-secret"), "namespace": ns},
                       "type": "kubernetes.io/tls", "data": {"ca.crt": "Y2E=", "tls.crt": "Y2VydA==", "tls.key": "a2V5"}}),
            ));
        }
        let mut components = Vec::new();
        for (template, (_, plural, kind)) in templates.iter().zip(V2_GROUPS) {
            let (group, replicas, status) = v2_group(template, &ns, &cluster);
            components.push(json!({"kind": kind, "replicas": replicas}));
            let path = format!("{V2_API}/namespaces/{ns}/{plural}");
            statuses.push((
                format!(
                    "{path}/{}/status",
                    group["metadata"]["name"].as_str().unwrap()
                ),
                status,
            ));
            objects.push((path, group));
        }
        statuses.push((
            format!("{V2_API}/namespaces/{ns}/clusters/{cluster}/status"),
            json!({"status": {
                "id": format!("{}", 7_400_000_000_000_000_000u64 + i as u64),
                "observedGeneration": 1,
                "pd": format!("{}://{cluster}-pd-pd.{ns}:2379", if tls { "https" } else { "http" }),
                "components": components,
                "conditions": [condition("Available", "Available", "the cluster is available")],
            }}),
        ));
        // (namespace + rank in it): spreads the PodMonitors over namespaces rather than stacking them in every tenth.
        if (i % namespaces + i / namespaces).is_multiple_of(V2_MONITORED_EVERY) {
            objects.push((
                format!("/apis/monitoring.coreos.com/v1/namespaces/{ns}/podmonitors"),
                pod_monitor(&ns, &cluster, tls),
            ));
        }
    }
    (objects, statuses)
}

/// The example group renamed into `cluster`, and the status the operator writes once all instances are up.
fn v2_group(template: &Value, ns: &str, cluster: &str) -> (Value, i64, Value) {
    let mut group = template.clone();
    let base = template["metadata"]["name"].as_str().unwrap_or("group");
    let component = template["metadata"]["labels"]["pingcap.com/component"]
        .as_str()
        .unwrap_or(base)
        .to_string();
    let name = format!("{cluster}-{base}");
    group["metadata"]["name"] = json!(name);
    group["metadata"]["namespace"] = json!(ns);
    group["metadata"]["labels"]["pingcap.com/group"] = json!(name);
    group["metadata"]["labels"]["pingcap.com/cluster"] = json!(cluster);
    group["spec"]["cluster"]["name"] = json!(cluster);
    let replicas = group["spec"]["replicas"].as_i64().unwrap_or(1);
    let revision = format!("{name}-7c9d8f6b54");
    let status = json!({"status": {
        "observedGeneration": 1,
        "replicas": replicas, "readyReplicas": replicas, "updatedReplicas": replicas, "currentReplicas": replicas,
        "currentRevision": revision, "updateRevision": revision, "collisionCount": 0,
        "version": group["spec"]["template"]["spec"]["version"],
        "selector": format!("pingcap.com/managed-by=tidb-operator,pingcap.com/component={component},pingcap.com/cluster={cluster},pingcap.com/group={name}"),
        "conditions": [
            condition("Ready", "Ready", "all instances are ready"),
            condition("Synced", "Synced", "all instances are synced"),
        ],
    }});
    (group, replicas, status)
}

fn condition(kind: &str, reason: &str, message: &str) -> Value {
    json!({"type": kind, "status": "True", "observedGeneration": 1, "reason": reason, "message": message,
           "lastTransitionTime": "2026-11-20T10:00:00Z"})
}

/// A PodMonitor as the v2 docs write one, with the selector fixed to `pingcap.com/*` and the address rewritten to
/// `<pod>.<group>-<component>-peer.<ns>:<prometheus.io/port>`; over TLS with the cluster's client certificate.
fn pod_monitor(ns: &str, cluster: &str, tls: bool) -> Value {
    let mut monitor = json!({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
        "metadata": {"name": cluster, "namespace": ns, "labels": {"release": "kube-prometheus-stack"}},
        "spec": {
            "jobLabel": "pingcap.com/component",
            "namespaceSelector": {"matchNames": [ns]},
            "selector": {"matchLabels": {"pingcap.com/cluster": cluster, "pingcap.com/managed-by": "tidb-operator"}},
            "podMetricsEndpoints": [{
                "interval": "15s", "honorLabels": true,
                "relabelings": [
                    {"action": "keep", "sourceLabels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "regex": "true"},
                    {"action": "replace", "targetLabel": "__address__", "regex": "(.+);(.+);(.+);(.+);(.+)", "replacement": "$1.$2-$3-peer.$4:$5",
                     "sourceLabels": ["__meta_kubernetes_pod_name", "__meta_kubernetes_pod_label_pingcap_com_group",
                                      "__meta_kubernetes_pod_label_pingcap_com_component", "__meta_kubernetes_namespace",
                                      "__meta_kubernetes_pod_annotation_prometheus_io_port"]},
                    {"action": "replace", "targetLabel": "cluster", "sourceLabels": ["__meta_kubernetes_pod_label_pingcap_com_cluster"]},
                    {"action": "replace", "targetLabel": "component", "sourceLabels": ["__meta_kubernetes_pod_label_pingcap_com_component"]},
                    {"action": "replace", "targetLabel": "instance", "sourceLabels": ["__meta_kubernetes_pod_name"]},
                ],
            }],
        },
    });
    if tls {
        let secret = format!("{cluster}-cluster-client-secret");
        monitor["spec"]["podMetricsEndpoints"][0]["scheme"] = json!("https");
        monitor["spec"]["podMetricsEndpoints"][0]["tlsConfig"] = json!({
            "ca": {"secret": {"name": secret, "key": "ca.crt"}},
            "cert": {"secret": {"name": secret, "key": "tls.crt"}},
            "keySecret": {"name": secret, "key": "tls.key"},
        });
    }
    monitor
}

/// Merge-patches each object's status subresource (the v2 CRDs drop `status` on create).
async fn patch_status_all(
    client: &kube::Client,
    patches: Requests,
) -> Result<(), Box<dyn std::error::Error>> {
    let results: Vec<Result<(), String>> = futures::stream::iter(patches)
        .map(|(path, patch)| async move {
            let body = serde_json::to_vec(&patch).map_err(|e| e.to_string())?;
            let request = http::Request::patch(&path)
                .header("Content-Type", "application/merge-patch+json")
                .body(body)
                .map_err(|e| e.to_string())?;
            client
                .request_text(request)
                .await
                .map(|_| ())
                .map_err(|e| format!("{path}: {e}"))
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if let Some(first) = errors.first() {
        return Err(format!("{} status patches failed, first: {first}", errors.len()).into());
    }
    Ok(())
}

async fn create_all(
    client: &kube::Client,
    objects: Vec<(String, Value)>,
) -> Result<(), Box<dyn std::error::Error>> {
    let results: Vec<Result<(), String>> = futures::stream::iter(objects)
        .map(|(path, object)| async move {
            let body = serde_json::to_vec(&object).map_err(|e| e.to_string())?;
            let request = http::Request::post(&path)
                .header("Content-Type", "application/json")
                .body(body)
                .map_err(|e| e.to_string())?;
            match client.request_text(request).await {
                Ok(_) => Ok(()),
                Err(kube::Error::Api(status)) if status.code == 409 => Ok(()),
                Err(e) => Err(format!("{path}: {e}")),
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if let Some(first) = errors.first() {
        return Err(format!("{} creates failed, first: {first}", errors.len()).into());
    }
    Ok(())
}

/// The fixture's spec, renamed, with a status like a running cluster's (the CRD keeps status on create).
fn tidb_cluster(template: &Value, ns: &str, name: &str, tls: bool) -> Value {
    let mut tc = template.clone();
    tc["metadata"] = json!({"name": name, "namespace": ns});
    tc["spec"]["tlsCluster"] = json!({"enabled": tls});
    tc["spec"]["tiflash"] = json!({"baseImage": "pingcap/tiflash", "replicas": 1, "storageClaims": [{"resources": {"requests": {"storage": "100Gi"}}}]});
    let component = |replicas: i32| {
        json!({"phase": "Normal", "synced": true, "image": "pingcap/tidb:v8.5.7",
        "statefulSet": {"replicas": replicas, "readyReplicas": replicas, "updatedReplicas": replicas, "currentRevision": format!("{name}-6d5f7c9b8"), "updateRevision": format!("{name}-6d5f7c9b8")}})
    };
    let stores: serde_json::Map<String, Value> = (1..=3)
        .map(|i| (i.to_string(), json!({"id": i.to_string(), "podName": format!("{name}-tikv-{i}"), "ip": format!("{name}-tikv-{i}.{name}-tikv-peer.{ns}.svc"), "leaderCount": 1200, "state": "Up", "lastHeartbeatTime": "2026-11-25T10:00:00Z", "lastTransitionTime": "2026-11-20T10:00:00Z"})))
        .collect();
    let mut tikv = component(3);
    tikv["stores"] = Value::Object(stores);
    tc["status"] = json!({
        "clusterID": "7301234567890123456",
        "conditions": [{"type": "Ready", "status": "True", "reason": "Ready", "message": "TiDB cluster is fully up and running", "lastTransitionTime": "2026-11-20T10:00:00Z", "lastUpdateTime": "2026-11-25T10:00:00Z"}],
        "pd": component(3), "tikv": tikv, "tidb": component(2), "tiflash": component(1),
    });
    tc
}

fn tidb_monitor(
    ns: &str,
    name: &str,
    clusters: Vec<Value>,
    cluster_scoped: bool,
    shards: i32,
) -> Value {
    json!({
        "apiVersion": "pingcap.com/v1alpha1", "kind": "TidbMonitor",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "clusters": clusters, "clusterScoped": cluster_scoped, "replicas": 1, "shards": shards,
            "persistent": true, "storage": "100Gi", "storageClassName": "standard", "pvReclaimPolicy": "Retain",
            "externalLabels": {"k8s_cluster": "bench"},
            "prometheus": {"baseImage": "prom/prometheus", "version": "v2.53.2", "retentionTime": "15d",
                           "service": {"type": "ClusterIP"}, "requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "8Gi"}},
            "grafana": if shards == 1 { json!({"baseImage": "grafana/grafana", "version": "10.4.5", "service": {"type": "NodePort"}}) } else { Value::Null },
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"},
            "reloader": {"baseImage": "pingcap/tidb-monitor-reloader", "version": "v1.0.1"},
            "prometheusReloader": {"baseImage": "quay.io/prometheus-operator/prometheus-config-reloader", "version": "v0.76.0"},
            "thanos": if shards > 1 { json!({"baseImage": "quay.io/thanos/thanos", "version": "v0.42.4"}) } else { Value::Null },
        },
    })
}

fn workload(kind: &str, ns: &str, name: &str, labels: &Value) -> Value {
    let mut spec = json!({
        "replicas": 1,
        "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels}, "spec": {"containers": [
            {"name": "prometheus", "image": "prom/prometheus:v2.53.2", "args": ["--storage.tsdb.path=/data/prometheus", "--config.file=/etc/prometheus/config_out/prometheus.yml", "--storage.tsdb.retention.time=15d"],
             "ports": [{"name": "http-prometheus", "containerPort": 9090}], "resources": {"requests": {"cpu": "1", "memory": "4Gi"}}},
            {"name": "reloader", "image": "pingcap/tidb-monitor-reloader:v1.0.1"},
            {"name": "grafana", "image": "grafana/grafana:10.4.5", "ports": [{"name": "grafana", "containerPort": 3000}]},
        ]}},
    });
    if kind == "StatefulSet" {
        spec["serviceName"] = json!(name);
    }
    json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns, "labels": labels}, "spec": spec})
}

fn pvc(ns: &str, name: &str, labels: &Value) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": ns, "labels": labels},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard", "resources": {"requests": {"storage": "100Gi"}}}})
}
