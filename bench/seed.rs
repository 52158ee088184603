//! Seeds a real API server with a large, realistic tidb-operator estate for the benchmark:
//! NAMESPACES namespaces × (10 TidbClusters, 5 TidbMonitors over 1–4 clusters, some TLS, some legacy
//! Deployments) plus the StatefulSets, Services, PVCs and PVs tidb-operator would have made.
//!
//!   cargo run --release --example seed -- --kubeconfig K [--namespaces 200] [--fixture FILE]
//!
//! Objects are created concurrently (64 requests in flight) through plain POSTs: minutes, not hours.

use std::time::Instant;

use futures::StreamExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{Value, json};

const CLUSTERS_PER_NAMESPACE: usize = 10;
const MONITORS_PER_NAMESPACE: usize = 5;

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

    for n in 0..namespaces {
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
