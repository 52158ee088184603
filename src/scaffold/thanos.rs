//! `scaffold thanos`: a Thanos sidecar on each TidbMonitor, a headless Service per monitor shard so the
//! querier reaches every replica (a ClusterIP pins gRPC to one pod), and a Thanos Query (plus a Store Gateway
//! with `--objstore-secret`, and a Grafana reading the querier with `--grafana`) in the querier namespace.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::versions::{Fact, Target};
use super::{Scaffold, ScaffoldError, labels};
use crate::model::TidbMonitor;
use crate::naming;
use crate::snapshot::Kind;
use crate::snapshot::Snapshot;

pub const THANOS_IMAGE: &str = "quay.io/thanos/thanos";
pub const THANOS_VERSION: &str = "v0.42.4";

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Namespace of Thanos Query (and the Store Gateway).
    pub namespace: String,
    /// `--objstore-secret NAME[:KEY]`.
    pub objstore: Option<(String, String)>,
    /// `--grpc-tls-secret NAME`: ca.crt, tls.crt, tls.key for TLS between querier, sidecars and store.
    pub grpc_tls: Option<GrpcTls>,
    /// The tidb-operator whose TidbMonitor CRD must accept `spec.thanos`: a strict (server-side) apply refuses
    /// fields an older CRD does not know.
    pub target: Target,
    /// `--grafana`: one Grafana in the querier namespace reading Thanos Query ([`GRAFANA`]).
    pub grafana: bool,
    /// Across Kubernetes clusters: the sidecars of other contexts, as `HOST:PORT` the querier dials, and their
    /// replica label names.
    pub remote_endpoints: Vec<String>,
    pub remote_replica_labels: BTreeSet<String>,
    /// Only the sidecars and their Services (another context's part: its querier runs elsewhere).
    pub sidecars_only: bool,
}

/// The Deployment and Service of `--grafana`'s Grafana.
pub const GRAFANA: &str = "tidb-grafana";

#[derive(Debug, Clone, Default)]
pub struct GrpcTls {
    pub secret: String,
    /// The name the querier verifies sidecar certificates against (`--grpc-tls-server-name`).
    pub server_name: Option<String>,
}

/// Where the gRPC TLS Secret is mounted in sidecars, querier and store.
const GRPC_TLS_DIR: &str = "/etc/thanos/grpc-tls";
const GRPC_TLS_VOLUME: &str = "thanos-grpc-tls";

/// The metadata fields that belong to the server, not to a manifest.
const SERVER_FIELDS: [&str; 8] = [
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

pub fn thanos(snapshot: &Snapshot, options: &Options) -> Result<Scaffold, ScaffoldError> {
    let mut scaffold = Scaffold::default();
    let mut monitors: Vec<&TidbMonitor> = snapshot.monitors.iter().collect();
    monitors.sort_by(|a, b| {
        (a.metadata.namespace(), &a.metadata.name).cmp(&(b.metadata.namespace(), &b.metadata.name))
    });
    if monitors.is_empty() {
        return Err(ScaffoldError::Refused(
            "no TidbMonitor selected: nothing to scaffold".into(),
        ));
    }
    if !options.target.has(Fact::ThanosSpec) {
        return Err(ScaffoldError::Refused(format!(
            "{} has no TidbMonitor spec.thanos (added in {}): upgrade tidb-operator first",
            options.target.operator.describe(),
            Target::since(Fact::ThanosSpec)
        )));
    }
    scaffold.notes.push(sidecar_fields_note(&options.target));
    let mut endpoints = Vec::new();
    let mut replica_labels = BTreeSet::new();
    for monitor in &monitors {
        let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
        if monitor.spec.thanos.as_ref().is_some_and(|t| t.listen_local) {
            return Err(ScaffoldError::Refused(format!(
                "TidbMonitor {ns}/{name} has thanos.listenLocal: true, so no querier can reach its sidecar; remove it first"
            )));
        }
        let replica_label = monitor
            .spec
            .replica_external_label_name
            .clone()
            .unwrap_or_else(|| "prometheus_replica".into());
        if replica_label.is_empty() && monitor.spec.external_labels.is_empty() {
            return Err(ScaffoldError::Refused(format!(
                "TidbMonitor {ns}/{name} has replicaExternalLabelName \"\" and no externalLabels: the Thanos sidecar refuses a Prometheus without external labels"
            )));
        }
        if !replica_label.is_empty() {
            replica_labels.insert(replica_label);
        }
        scaffold.objects.push(monitor_with_sidecar(
            snapshot,
            monitor,
            options,
            &mut scaffold.warnings,
        ));
        for shard in 0..monitor.spec.shards() {
            let service = sidecar_service(monitor, shard);
            let service_name = service["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            endpoints.push(format!("dnssrv+_grpc._tcp.{service_name}.{ns}.svc"));
            scaffold.objects.push(service);
        }
    }
    if options.sidecars_only {
        scaffold.warnings.push(
            "adding the sidecar restarts each monitor's pods; with Thanos the operator sets 2h block durations, which disables Prometheus' local compaction"
                .into(),
        );
        return Ok(scaffold);
    }
    endpoints.extend(options.remote_endpoints.iter().cloned());
    replica_labels.extend(options.remote_replica_labels.iter().cloned());
    if replica_labels.is_empty() {
        replica_labels.insert("prometheus_replica".to_string());
    }
    let qns = options.namespace.as_str();
    if options.objstore.is_some() {
        endpoints.push(format!("dnssrv+_grpc._tcp.thanos-store.{qns}.svc"));
    }
    scaffold.objects.extend(querier(
        qns,
        &endpoints,
        &replica_labels,
        options.grpc_tls.as_ref(),
    ));
    if let Some(tls) = &options.grpc_tls {
        scaffold.warnings.push(format!(
            "Secret {} (ca.crt, tls.crt, tls.key) must exist in every monitor's namespace and in {qns}; the sidecar certificates must be valid for the names the querier dials (*.<sidecar Service>.<namespace>.svc){}",
            tls.secret,
            if tls.server_name.is_some() { "" } else { " or pass --grpc-tls-server-name" }
        ));
    }
    if let Some((secret, key)) = &options.objstore {
        scaffold
            .objects
            .extend(store_gateway(qns, secret, key, options.grpc_tls.as_ref()));
        let namespaces: BTreeSet<&str> = monitors
            .iter()
            .map(|m| m.metadata.namespace())
            .chain([qns])
            .collect();
        scaffold.warnings.push(format!(
            "Secret {secret} (key {key}) must exist in namespace(s) {}; it is not generated. A compactor per bucket is still needed.",
            namespaces.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if options.grafana {
        grafana(snapshot, &monitors, qns, &mut scaffold)?;
    }
    scaffold.warnings.push(
        "adding the sidecar restarts each monitor's pods; with Thanos the operator sets 2h block durations, which disables Prometheus' local compaction"
            .into(),
    );
    Ok(scaffold)
}

/// `--grafana`: the Grafana of the monitors, one for all of them, built by `scaffold::grafana` as `migrate` builds
/// a monitor's, its datasource the Thanos Query Service above (`thanos-query`, port http 9090), which reads every
/// monitor. Its settings (images, credentials, envs, service) and dashboards come from the monitor with a
/// Grafana whose `initializer.version` is the newest (semver order; the first in (namespace, name) order on a
/// tie or when none parses): the dashboards follow the initializer's version, and one set serves every cluster.
fn grafana(
    snapshot: &Snapshot,
    monitors: &[&TidbMonitor],
    qns: &str,
    scaffold: &mut Scaffold,
) -> Result<(), ScaffoldError> {
    let raw_of = |m: &TidbMonitor| {
        snapshot.raw.get(&(
            Kind::TidbMonitor,
            m.metadata.namespace().to_string(),
            m.metadata.name.clone(),
        ))
    };
    let with_grafana: Vec<(&TidbMonitor, &serde_json::Value)> = monitors
        .iter()
        .filter_map(|m| raw_of(m).map(|raw| (*m, raw)))
        .filter(|(_, raw)| raw.pointer("/spec/grafana").is_some_and(|g| !g.is_null()))
        .collect();
    let version_of = |raw: &serde_json::Value| {
        raw.pointer("/spec/initializer/version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let parsed = |text: &str| text.parse::<crate::checks::operator::Version>().ok();
    // The newest; `max_by_key` keeps the last of equals, so search from the end to keep the first.
    let Some(&(chosen, raw)) = with_grafana
        .iter()
        .rev()
        .max_by_key(|(_, raw)| parsed(&version_of(raw)))
    else {
        return Err(ScaffoldError::Refused(
            "--grafana: none of the monitors has spec.grafana, so there is no Grafana to follow (image, credentials, dashboards' version); drop --grafana or give one monitor a grafana".into(),
        ));
    };
    let options = super::grafana::Options {
        name: GRAFANA.to_string(),
        namespace: qns.to_string(),
        datasource_url: format!("http://thanos-query.{qns}.svc:9090"),
        part_of: "tidb-monitor",
    };
    let Some(built) = super::grafana::grafana(snapshot, chosen, raw, &options) else {
        return Ok(());
    };
    let id = format!(
        "TidbMonitor {}/{}",
        chosen.metadata.namespace(),
        chosen.metadata.name
    );
    let versions: BTreeSet<String> = with_grafana.iter().map(|(_, r)| version_of(r)).collect();
    if versions.len() > 1 {
        let listed: Vec<String> = with_grafana
            .iter()
            .map(|(m, r)| {
                format!(
                    "{}/{} {}",
                    m.metadata.namespace(),
                    m.metadata.name,
                    version_of(r)
                )
            })
            .collect();
        scaffold.notes.push(format!(
            "Grafana {qns}/{GRAFANA} follows {id}: its initializer {} is the newest of the monitors' ({}), and one set of dashboards serves every cluster",
            version_of(raw),
            listed.join(", ")
        ));
    } else {
        scaffold.notes.push(format!(
            "Grafana {qns}/{GRAFANA} follows {id} (its grafana and initializer), one Grafana for every monitor's clusters"
        ));
    }
    scaffold.notes.extend(built.notes);
    scaffold.warnings.extend(built.warnings);
    scaffold.objects.extend(built.objects);
    Ok(())
}

fn monitor_with_sidecar(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    options: &Options,
    warnings: &mut Vec<String>,
) -> Value {
    let (ns, name) = (
        monitor.metadata.namespace().to_string(),
        monitor.metadata.name.clone(),
    );
    let mut object = snapshot.raw.get(&(Kind::TidbMonitor, ns.clone(), name.clone())).cloned().unwrap_or_else(|| {
        // Only reached if a source did not keep the object; say so rather than emit a partial monitor silently.
        warnings.push(format!("TidbMonitor {ns}/{name}: the original object was not kept; emitting a partial object"));
        json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbMonitor", "metadata": {"name": name, "namespace": ns}, "spec": {}})
    });
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in SERVER_FIELDS {
            meta.remove(field);
        }
        // The operator's finalizer is the operator's to manage.
        meta.remove("finalizers");
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    let has_thanos = object.pointer("/spec/thanos").is_some_and(|t| !t.is_null());
    if has_thanos {
        warnings.push(format!(
            "TidbMonitor {ns}/{name} already has spec.thanos; kept as it is"
        ));
    } else if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        let mut thanos = json!({
            "baseImage": THANOS_IMAGE,
            "version": THANOS_VERSION,
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"memory": "512Mi"},
        });
        if options.target.has(Fact::ThanosSecurityContext) {
            thanos["securityContext"] = restricted_container_security();
        }
        if let Some((secret, key)) = &options.objstore {
            thanos["objectStorageConfig"] = json!({"name": secret, "key": key});
        }
        if let Some(tls) = &options.grpc_tls {
            thanos["grpcServerTlsConfig"] = json!({
                "caFile": format!("{GRPC_TLS_DIR}/ca.crt"),
                "certFile": format!("{GRPC_TLS_DIR}/tls.crt"),
                "keyFile": format!("{GRPC_TLS_DIR}/tls.key"),
            });
            thanos["additionalVolumeMounts"] =
                json!([{"name": GRPC_TLS_VOLUME, "mountPath": GRPC_TLS_DIR, "readOnly": true}]);
            let volumes = spec.entry("additionalVolumes").or_insert_with(|| json!([]));
            if let Some(list) = volumes.as_array_mut() {
                list.push(json!({"name": GRPC_TLS_VOLUME, "secret": {"secretName": tls.secret}}));
            }
        }
        spec.insert("thanos".into(), thanos);
    }
    object
}

/// The header line saying which TidbMonitor CRD `spec.thanos` was cut for.
fn sidecar_fields_note(target: &Target) -> String {
    let since = Target::since(Fact::ThanosSecurityContext);
    match (target.version(), target.has(Fact::ThanosSecurityContext)) {
        (Some(_), true) => format!(
            "spec.thanos made {}, with the restricted securityContext (accepted since {since})",
            target.describe()
        ),
        (Some(_), false) => format!(
            "spec.thanos made {}: without securityContext, which its TidbMonitor CRD does not have before {since}",
            target.describe()
        ),
        (None, _) => format!(
            "spec.thanos made {}: only the fields every operator since {} accepts, so no securityContext (pass --operator-version {since} or newer to add it)",
            target.describe(),
            Target::since(Fact::ThanosSpec)
        ),
    }
}

/// The operator's pod labels for a shard: what its Services select on.
fn shard_selector(monitor: &str, shard: i32) -> Value {
    json!({
        "app.kubernetes.io/instance": naming::shard_instance(monitor, shard),
        "app.kubernetes.io/name": "tidb-cluster",
        "app.kubernetes.io/component": "monitor",
    })
}

fn sidecar_service(monitor: &TidbMonitor, shard: i32) -> Value {
    let name = &monitor.metadata.name;
    let service = naming::thanos_sidecar_service(name, shard);
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": service,
            "namespace": monitor.metadata.namespace(),
            "labels": labels("thanos-sidecar", name, "prometheus-sidecar", "tidb-monitor"),
        },
        "spec": {
            // Headless: SRV records list every ready replica, not one virtual IP.
            "clusterIP": "None",
            "selector": shard_selector(name, shard),
            "ports": [
                {"name": "grpc", "port": 10901, "targetPort": 10901, "protocol": "TCP"},
                {"name": "http", "port": 10902, "targetPort": 10902, "protocol": "TCP"},
            ],
        },
    })
}

fn restricted_container_security() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": {"drop": ["ALL"]},
    })
}

fn restricted_pod_security() -> Value {
    json!({
        "runAsNonRoot": true,
        "runAsUser": 65534,
        "runAsGroup": 65532,
        "fsGroup": 65534,
        "seccompProfile": {"type": "RuntimeDefault"},
    })
}

fn probes(port: &str) -> (Value, Value) {
    (
        json!({"httpGet": {"path": "/-/healthy", "port": port}, "periodSeconds": 30, "failureThreshold": 4}),
        json!({"httpGet": {"path": "/-/ready", "port": port}, "periodSeconds": 5, "failureThreshold": 20}),
    )
}

fn tls_volume(tls: Option<&GrpcTls>) -> (Vec<Value>, Vec<Value>) {
    match tls {
        None => (Vec::new(), Vec::new()),
        Some(tls) => (
            vec![json!({"name": GRPC_TLS_VOLUME, "secret": {"secretName": tls.secret}})],
            vec![json!({"name": GRPC_TLS_VOLUME, "mountPath": GRPC_TLS_DIR, "readOnly": true})],
        ),
    }
}

/// The pod spec both Thanos workloads share: no API access, restricted security, Linux nodes.
fn pod_spec(container: Value, volumes: Vec<Value>) -> Value {
    json!({
        "serviceAccountName": "thanos-query",
        "automountServiceAccountToken": false,
        "securityContext": restricted_pod_security(),
        "terminationGracePeriodSeconds": 120,
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "containers": [container],
        "volumes": volumes,
    })
}

/// A Thanos container: pinned image, gRPC on 10901, HTTP (probes) on `http_port`, requests plus a memory limit.
fn thanos_container(
    name: &str,
    args: Vec<String>,
    http_port: u16,
    (memory, limit): (&str, &str),
    mounts: Vec<Value>,
) -> Value {
    let (liveness, readiness) = probes("http");
    json!({
        "name": name,
        "image": format!("{THANOS_IMAGE}:{THANOS_VERSION}"),
        "args": args,
        "ports": [
            {"name": "grpc", "containerPort": 10901},
            {"name": "http", "containerPort": http_port},
        ],
        "livenessProbe": liveness,
        "readinessProbe": readiness,
        "resources": {"requests": {"cpu": "100m", "memory": memory}, "limits": {"memory": limit}},
        "securityContext": restricted_container_security(),
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "volumeMounts": mounts,
    })
}

/// The replica label a monitor's sidecar exports (TidbMonitor's default `prometheus_replica`, util.go:43).
pub fn replica_label(monitor: &TidbMonitor) -> Option<String> {
    let label = monitor
        .spec
        .replica_external_label_name
        .clone()
        .unwrap_or_else(|| "prometheus_replica".into());
    (!label.is_empty()).then_some(label)
}

fn querier(
    ns: &str,
    endpoints: &[String],
    replica_labels: &BTreeSet<String>,
    tls: Option<&GrpcTls>,
) -> Vec<Value> {
    let selector = json!({
        "app.kubernetes.io/name": "thanos-query",
        "app.kubernetes.io/instance": "thanos-query",
        "app.kubernetes.io/component": "query-layer",
    });
    let object_labels = labels(
        "thanos-query",
        "thanos-query",
        "query-layer",
        "tidb-monitor",
    );
    let mut pod_labels = object_labels.clone();
    pod_labels["app.kubernetes.io/version"] = json!(THANOS_VERSION);
    let endpoints_yaml = {
        let mut text = String::new();
        if let Some(tls) = tls {
            // Thanos >= v0.42 reads client TLS from here; older queriers ignore it (the pinned image is v0.42.4).
            text.push_str(&format!(
                "default_client_config:\n  tls_config:\n    enabled: true\n    ca_file: {GRPC_TLS_DIR}/ca.crt\n    cert_file: {GRPC_TLS_DIR}/tls.crt\n    key_file: {GRPC_TLS_DIR}/tls.key\n"
            ));
            if let Some(name) = &tls.server_name {
                text.push_str(&format!("  server_name: {name}\n"));
            }
        }
        text.push_str("endpoints:\n");
        for endpoint in endpoints {
            text.push_str(&format!("- address: {endpoint}\n"));
        }
        text
    };
    let mut args = vec![
        "query".to_string(),
        "--grpc-address=0.0.0.0:10901".into(),
        "--http-address=0.0.0.0:9090".into(),
        "--log.level=info".into(),
        "--log.format=logfmt".into(),
    ];
    args.extend(
        replica_labels
            .iter()
            .map(|l| format!("--query.replica-label={l}")),
    );
    args.push("--endpoint.sd-config-file=/etc/thanos/endpoints/endpoints.yaml".into());
    let (mut volumes, mut mounts) = tls_volume(tls);
    volumes.insert(
        0,
        json!({"name": "endpoints", "configMap": {"name": "thanos-query-endpoints"}}),
    );
    mounts.insert(
        0,
        json!({"name": "endpoints", "mountPath": "/etc/thanos/endpoints", "readOnly": true}),
    );
    vec![
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "thanos-query", "namespace": ns, "labels": object_labels},
            "automountServiceAccountToken": false,
        }),
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "thanos-query-endpoints", "namespace": ns, "labels": object_labels},
            "data": {"endpoints.yaml": endpoints_yaml},
        }),
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "thanos-query", "namespace": ns, "labels": object_labels},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": pod_labels},
                    "spec": pod_spec(
                        thanos_container("thanos-query", args, 9090, ("128Mi", "1Gi"), mounts),
                        volumes,
                    ),
                },
            },
        }),
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "thanos-query", "namespace": ns, "labels": object_labels},
            "spec": {
                "selector": selector,
                "ports": [
                    {"name": "grpc", "port": 10901, "targetPort": "grpc", "protocol": "TCP"},
                    {"name": "http", "port": 9090, "targetPort": "http", "protocol": "TCP"},
                ],
            },
        }),
    ]
}

fn store_gateway(ns: &str, secret: &str, key: &str, tls: Option<&GrpcTls>) -> Vec<Value> {
    let selector = json!({
        "app.kubernetes.io/name": "thanos-store",
        "app.kubernetes.io/instance": "thanos-store",
        "app.kubernetes.io/component": "object-store-gateway",
    });
    let object_labels = labels(
        "thanos-store",
        "thanos-store",
        "object-store-gateway",
        "tidb-monitor",
    );
    let (volumes, mut mounts) = tls_volume(tls);
    mounts.insert(0, json!({"name": "data", "mountPath": "/var/thanos/store"}));
    let mut args: Vec<String> = [
        "store",
        "--data-dir=/var/thanos/store",
        "--grpc-address=0.0.0.0:10901",
        "--http-address=0.0.0.0:10902",
        "--objstore.config=$(OBJSTORE_CONFIG)",
        "--log.level=info",
        "--log.format=logfmt",
    ]
    .map(String::from)
    .to_vec();
    if tls.is_some() {
        // The querier dials every endpoint with TLS: the store must serve it too.
        args.push(format!("--grpc-server-tls-cert={GRPC_TLS_DIR}/tls.crt"));
        args.push(format!("--grpc-server-tls-key={GRPC_TLS_DIR}/tls.key"));
        args.push(format!("--grpc-server-tls-client-ca={GRPC_TLS_DIR}/ca.crt"));
    }
    let mut store = thanos_container("thanos-store", args, 10902, ("256Mi", "2Gi"), mounts);
    store["env"] = json!([{"name": "OBJSTORE_CONFIG", "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}]);
    vec![
        json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "thanos-store", "namespace": ns, "labels": object_labels},
            "spec": {
                "replicas": 1,
                "serviceName": "thanos-store",
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": object_labels},
                    "spec": pod_spec(store, volumes),
                },
                "volumeClaimTemplates": [{
                    "metadata": {"name": "data", "labels": object_labels},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
                }],
            },
        }),
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "thanos-store", "namespace": ns, "labels": object_labels},
            "spec": {
                "clusterIP": "None",
                "selector": selector,
                "ports": [
                    {"name": "grpc", "port": 10901, "targetPort": "grpc", "protocol": "TCP"},
                    {"name": "http", "port": 10902, "targetPort": "http", "protocol": "TCP"},
                ],
            },
        }),
    ]
}

/// `--objstore-skeleton`: the object storage config for each provider, for the user to fill in.
pub fn objstore_skeleton(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "s3" => {
            "type: S3\nconfig:\n  bucket: <bucket>\n  endpoint: s3.<region>.amazonaws.com\n  region: <region>\n  # access_key/secret_key, or leave out to use the pod's IAM role\n  access_key: <access key>\n  secret_key: <secret key>\n"
        }
        "gcs" => {
            "type: GCS\nconfig:\n  bucket: <bucket>\n  # service_account: the JSON key, or leave out to use workload identity\n  service_account: |-\n    <service account JSON>\n"
        }
        "azure" => {
            "type: AZURE\nconfig:\n  storage_account: <account>\n  storage_account_key: <key>  # or user_assigned_id for a managed identity\n  container: <container>\n"
        }
        _ => return None,
    })
}
