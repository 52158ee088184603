//! The Grafana a TidbMonitor ran, as a Deployment of its own: the same `grafana` container, the same
//! `monitor-initializer` (and `dm-initializer`) init containers from the monitor's `tidb-monitor-initializer` image,
//! which write the dashboards and the datasources exactly as they did inside the monitor's pod, the dashboards
//! provider ConfigMap, and a Service. The one difference is the URL the `tidb-cluster` (and `dm-cluster`)
//! datasource reads: the monitor's Prometheus was `127.0.0.1:9090` in the same pod; here it is the caller's
//! (`migrate`: the new Prometheus; `scaffold thanos --grafana`: the Thanos Query). Admin credentials are referenced
//! by Secret name; no Secret is ever read.
//!
//! Everything follows tidb-operator v1.6.6 `pkg/monitor/monitor/util.go` (line numbers below, "util.go:N") and
//! pingcap/monitoring `monitor-snapshot/master/operator/init.sh` (44dd90e, "init.sh:N"), the script the
//! initializer image runs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::labels;
use crate::model::{DmCluster, TidbCluster, TidbMonitor};
use crate::snapshot::Snapshot;

/// Where the initializer writes the dashboards and Grafana's file provider reads them (util.go:120-123, 129-134;
/// init.sh:46-50 puts them under `dashboards/`, which the provider finds by walking the directory).
const DASHBOARDS_DIR: &str = "/grafana-dashboard-definitions/tidb";
/// Where the initializer writes `tidb-cluster-datasource.yaml` and `k8s-datasource.yaml` (util.go:116-119,
/// 135-138; init.sh:161-172) and Grafana provisions datasources from.
const DATASOURCES_DIR: &str = "/etc/grafana/provisioning/datasources";
/// Grafana's dashboard-provider directory, holding the ConfigMap's `dashboards.yaml` (util.go:670-674).
const PROVIDERS_DIR: &str = "/etc/grafana/provisioning/dashboards";
/// `PROM_CONFIG_PATH`: init.sh writes the built-in rules into `rules/` below it (util.go:316-319, 334-337;
/// init.sh:138-152). Nothing here reads them; the directory only lets the script run as it does in TidbMonitor.
const RULES_DIR: &str = "/prometheus-rules";
/// `PROM_PERSISTENT_DIR` and the data volume's mount (util.go:320-323, 338-342); Grafana's database lives in
/// `grafana/` below it (`GF_PATHS_DATA`, util.go:644-647).
const DATA_DIR: &str = "/data";
/// Grafana's port, container port name and Service port (util.go:636-642, 941, 1054-1060).
const PORT: u16 = 3000;

/// The dashboards provider TidbMonitor mounts at [`PROVIDERS_DIR`] (template.go:59-73 `dashBoardConfig`, in the
/// ConfigMap `<monitor>-monitor-grafana` under `dashboards.yaml`, util.go:196-210): one file provider for
/// [`DASHBOARDS_DIR`], editable in the UI.
fn provider_config() -> String {
    let config = json!({
        "apiVersion": 1,
        "providers": [{
            "folder": "",
            "name": "0",
            "options": {"path": DASHBOARDS_DIR},
            "allowUiUpdates": true,
            "orgId": 1,
            "type": "file",
        }],
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&config).unwrap_or_default()
    )
}

/// What the caller decides: where the Grafana goes, and which Prometheus-compatible URL it reads.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Deployment's and Service's name; the ConfigMap is `<name>-provisioning`, the admin Secret (when one
    /// is needed) `<name>-admin`.
    pub name: String,
    pub namespace: String,
    /// What the `tidb-cluster` datasource (and `dm-cluster`) reads instead of TidbMonitor's `127.0.0.1:9090`.
    pub datasource_url: String,
    /// `app.kubernetes.io/part-of` on every object.
    pub part_of: &'static str,
}

/// The objects, and what to tell the user.
#[derive(Debug, Default)]
pub struct Grafana {
    pub objects: Vec<Value>,
    /// Header lines.
    pub notes: Vec<String>,
    /// stderr (and header) lines: what must be done by hand for the objects to work.
    pub warnings: Vec<String>,
}

fn get<'a>(raw: &'a Value, pointer: &str) -> Option<&'a Value> {
    raw.pointer(pointer).filter(|v| !v.is_null())
}

fn text<'a>(raw: &'a Value, pointer: &str) -> Option<&'a str> {
    get(raw, pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// `baseImage:version`, as util.go:314 (initializer), 408 (DM initializer) and 633 (Grafana) join them; `None`
/// without a base image (TidbMonitor would run the image `:`, which no node can pull).
fn image(raw: &Value, block: &str) -> Option<String> {
    let base = text(raw, &format!("{block}/baseImage"))?;
    Some(match text(raw, &format!("{block}/version")) {
        Some(version) => format!("{base}:{version}"),
        None => base.to_string(),
    })
}

/// `requests`/`limits`/`claims` of a container block without `storage`, as `controller.ContainerResource` trims
/// them (pkg/controller/controller_utils.go:482-491; util.go:345, 451, 634).
fn resources(raw: &Value, block: &str) -> Option<Value> {
    let mut out = Map::new();
    for key in ["requests", "limits"] {
        if let Some(Value::Object(map)) = get(raw, &format!("{block}/{key}")) {
            let kept: Map<String, Value> = map
                .iter()
                .filter(|(name, _)| name.as_str() != "storage")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !kept.is_empty() {
                out.insert(key.into(), Value::Object(kept));
            }
        }
    }
    if let Some(claims) = get(raw, &format!("{block}/claims")) {
        out.insert("claims".into(), claims.clone());
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// The container fields a TidbMonitor block sets as they are: `imagePullPolicy` (util.go:376-378, 455-457,
/// 714-716), `securityContext` (346, 452, 635) and the trimmed resources.
fn container_settings(container: &mut Map<String, Value>, raw: &Value, block: &str) {
    if let Some(policy) = text(raw, &format!("{block}/imagePullPolicy")) {
        container.insert("imagePullPolicy".into(), json!(policy));
    }
    if let Some(context) = get(raw, &format!("{block}/securityContext")) {
        container.insert("securityContext".into(), context.clone());
    }
    if let Some(resources) = resources(raw, block) {
        container.insert("resources".into(), resources);
    }
}

fn env(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

/// `util.AppendOverwriteEnv` (pkg/util/util.go:330-346): a user variable replaces the same-named one in place,
/// or is appended. The user's `envs` is a map (Go iterates it in random order): appended in name order here.
fn overwrite_env(list: &mut Vec<Value>, raw: &Value, pointer: &str) {
    let Some(Value::Object(envs)) = get(raw, pointer) else {
        return;
    };
    let user: BTreeMap<&String, &Value> = envs.iter().collect();
    for (name, value) in user {
        let value = json!({"name": name, "value": value.as_str().unwrap_or_default()});
        let mut matched = false;
        for old in list.iter_mut().filter(|old| old["name"] == **name) {
            *old = value.clone();
            matched = true;
        }
        if !matched {
            list.push(value);
        }
    }
}

/// `getInitCommand` with Grafana (util.go:98-113): create Grafana's data directory writable for the Grafana
/// user, then run the image's script. The Prometheus data directory it also makes is left out: no Prometheus
/// runs in this pod.
fn init_command() -> Value {
    json!([
        "/bin/sh",
        "-c",
        format!("mkdir -p {DATA_DIR}/grafana\nchmod 777 {DATA_DIR}/grafana\n/usr/bin/init.sh"),
    ])
}

/// The volume mounts both initializers share (util.go:333-343 and 387-390; 439-449 and 459-462).
fn init_mounts() -> Value {
    json!([
        {"name": "prometheus-rules", "mountPath": RULES_DIR},
        {"name": "tidbmonitor", "mountPath": DATA_DIR},
        {"name": "datasource", "mountPath": DATASOURCES_DIR},
        {"name": "grafana-dashboard", "mountPath": DASHBOARDS_DIR},
    ])
}

/// `getGrafanaEnvs` (util.go:129-140), which both initializers get when the monitor has a Grafana.
fn grafana_paths_env() -> [Value; 2] {
    [
        env("GF_PROVISIONING_PATH", DASHBOARDS_DIR),
        env("GF_DATASOURCE_PATH", DATASOURCES_DIR),
    ]
}

/// `tidb:<alertManagerRulesVersion or initializer.version>` (util.go:142-148): init.sh reads only its last path
/// element, to pick persisted rules under `PROM_PERSISTENT_DIR/latest-rules/` (init.sh:154-159).
fn rules_version(raw: &Value) -> String {
    let version = text(raw, "/spec/alertManagerRulesVersion")
        .or_else(|| text(raw, "/spec/initializer/version"))
        .unwrap_or("");
    format!("tidb:{version}")
}

/// The first TidbCluster the monitor lists that has a PD and exists, as `SyncMonitor` picks the cluster for the
/// initializer's environment (pkg/monitor/monitor/monitor_manager.go:85-106, `WithoutLocalPD`
/// tidbcluster.go:1349-1351).
fn first_cluster<'a>(snapshot: &'a Snapshot, monitor: &TidbMonitor) -> Option<&'a TidbCluster> {
    let own = monitor.metadata.namespace();
    monitor.spec.clusters.iter().find_map(|r| {
        snapshot.clusters.iter().find(|tc| {
            tc.metadata.name == r.name
                && tc.metadata.namespace() == r.namespace_or(own)
                && tc.spec.pd.is_some()
        })
    })
}

/// The first DMCluster of `dm.clusters` (monitor_manager.go:114-125).
fn first_dm_cluster<'a>(snapshot: &'a Snapshot, monitor: &TidbMonitor) -> Option<&'a DmCluster> {
    let own = monitor.metadata.namespace();
    monitor.spec.dm_clusters().first().and_then(|r| {
        snapshot
            .dm_clusters
            .iter()
            .find(|dc| dc.metadata.name == r.name && dc.metadata.namespace() == r.namespace_or(own))
    })
}

/// `spec.timezone`, UTC when empty (tidbmonitor_types.go:572-578).
fn monitor_timezone(raw: &Value) -> String {
    text(raw, "/spec/timezone").unwrap_or("UTC").to_string()
}

/// `getMonitorInitContainer` (util.go:310-401).
fn initializer(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    raw: &Value,
    image: String,
    options: &Options,
) -> Value {
    let mut envs = vec![
        env("PROM_CONFIG_PATH", RULES_DIR),
        env("PROM_PERSISTENT_DIR", DATA_DIR),
        // util.go:324-327 sets http://127.0.0.1:9090, the Prometheus in the same pod; init.sh:167-169 writes it
        // into the tidb-cluster datasource.
        env("GF_TIDB_PROMETHEUS_URL", &options.datasource_url),
        env("TIDB_VERSION", &rules_version(raw)),
    ];
    // util.go:348-374: with a cluster that has a PD, its timezone, binlog and name (init.sh:175-179 fills the
    // Pods dashboard's namespace with it); else the monitor's timezone only.
    match first_cluster(snapshot, monitor) {
        Some(tc) => envs.extend([
            env("TZ", tc.timezone()),
            env("TIDB_ENABLE_BINLOG", &tc.binlog_enabled().to_string()),
            env("TIDB_CLUSTER_NAME", &tc.metadata.name),
            env("TIDB_CLUSTER_NAMESPACE", tc.metadata.namespace()),
        ]),
        None => envs.push(env("TZ", &monitor_timezone(raw))),
    }
    // util.go:380-385: the k8s-cluster datasource (init.sh:163-165).
    if let Some(url) = text(raw, "/spec/kubePrometheusURL") {
        envs.push(env("GF_K8S_PROMETHEUS_URL", url));
    }
    envs.extend(grafana_paths_env());
    overwrite_env(&mut envs, raw, "/spec/initializer/envs");
    let mut container = Map::new();
    container.insert("name".into(), json!("monitor-initializer"));
    container.insert("image".into(), json!(image));
    container.insert("command".into(), init_command());
    container.insert("env".into(), Value::Array(envs));
    container.insert("volumeMounts".into(), init_mounts());
    container_settings(&mut container, raw, "/spec/initializer");
    Value::Object(container)
}

/// `getMonitorDMInitContainer` (util.go:403-473), for a monitor with `dm.clusters`.
fn dm_initializer(raw: &Value, dc: &DmCluster, image: String, options: &Options) -> Value {
    let mut envs = vec![
        env("DM_CLUSTER_NAME", &dc.metadata.name),
        env("PROM_CONFIG_PATH", RULES_DIR),
        env("PROM_PERSISTENT_DIR", DATA_DIR),
        env("DM_VERSION", &rules_version(raw)),
        // util.go:426-429; init.sh:36-41 writes it into the dm-cluster datasource.
        env("GF_DM_PROMETHEUS_URL", &options.datasource_url),
        env("DM_CLUSTER_NAMESPACE", dc.metadata.namespace()),
        env("TZ", &monitor_timezone(raw)),
    ];
    envs.extend(grafana_paths_env());
    overwrite_env(&mut envs, raw, "/spec/dm/initializer/envs");
    let mut container = Map::new();
    container.insert("name".into(), json!("dm-initializer"));
    container.insert("image".into(), json!(image));
    container.insert("command".into(), init_command());
    container.insert("env".into(), Value::Array(envs));
    container.insert("volumeMounts".into(), init_mounts());
    container_settings(&mut container, raw, "/spec/dm/initializer");
    Value::Object(container)
}

/// The admin user and password variables (util.go:596-629, 648-655): `usernameSecret`/`passwordSecret` as they
/// are, else the plain `username`/`password` from the Secret tidb-operator writes from them (`<monitor>-monitor`,
/// util.go:212-225), which this Grafana gets as `<name>-admin`. A plain value left empty is no variable at all:
/// TidbMonitor's Secret then holds "", and Grafana ignores an empty override (grafana/grafana
/// pkg/setting/setting.go `applyEnvVariableOverrides`: `if len(envValue) > 0`), keeping its default `admin`.
fn admin_env(raw: &Value, secret: &str) -> (Vec<Value>, BTreeMap<&'static str, String>) {
    let mut envs = Vec::new();
    let mut data = BTreeMap::new();
    for (variable, selector, plain, key) in [
        (
            "GF_SECURITY_ADMIN_USER",
            "/spec/grafana/usernameSecret",
            "/spec/grafana/username",
            "username",
        ),
        (
            "GF_SECURITY_ADMIN_PASSWORD",
            "/spec/grafana/passwordSecret",
            "/spec/grafana/password",
            "password",
        ),
    ] {
        if let Some(reference) = get(raw, selector) {
            envs.push(json!({"name": variable, "valueFrom": {"secretKeyRef": reference}}));
        } else if let Some(value) = text(raw, plain) {
            data.insert(key, value.to_string());
            envs.push(
                json!({"name": variable, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}),
            );
        }
    }
    (envs, data)
}

/// `getMonitorGrafanaContainer` (util.go:596-731).
fn grafana_container(raw: &Value, image: String, admin: Vec<Value>) -> Value {
    let mut envs = vec![
        env("GF_PATHS_DATA", &format!("{DATA_DIR}/grafana")),
        env("TZ", &monitor_timezone(raw)),
    ];
    envs.extend(admin);
    overwrite_env(&mut envs, raw, "/spec/grafana/envs");
    // util.go:725: sorted by name.
    envs.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let mut mounts = vec![
        json!({"name": "tidbmonitor", "mountPath": DATA_DIR}),
        json!({"name": "datasource", "mountPath": DATASOURCES_DIR}),
        json!({"name": "dashboards-provisioning", "mountPath": PROVIDERS_DIR}),
        json!({"name": "grafana-dashboard", "mountPath": DASHBOARDS_DIR}),
    ];
    // util.go:727-729.
    if let Some(Value::Array(extra)) = get(raw, "/spec/grafana/additionalVolumeMounts") {
        mounts.extend(extra.iter().cloned());
    }
    let health = json!({"path": "/api/health", "port": PORT});
    let mut container = Map::new();
    container.insert("name".into(), json!("grafana"));
    container.insert("image".into(), json!(image));
    container.insert(
        "ports".into(),
        json!([{"name": "grafana", "containerPort": PORT, "protocol": "TCP"}]),
    );
    container.insert("env".into(), Value::Array(envs));
    container.insert("volumeMounts".into(), Value::Array(mounts));
    // util.go:684-712.
    container.insert(
        "readinessProbe".into(),
        json!({"httpGet": health, "timeoutSeconds": 5, "periodSeconds": 10, "successThreshold": 1}),
    );
    container.insert(
        "livenessProbe".into(),
        json!({"httpGet": health, "timeoutSeconds": 5, "failureThreshold": 10, "periodSeconds": 10,
               "successThreshold": 1, "initialDelaySeconds": 30}),
    );
    container_settings(&mut container, raw, "/spec/grafana");
    Value::Object(container)
}

/// The volumes of TidbMonitor's pod that Grafana and the initializers use (util.go:842-934): the data volume
/// (an emptyDir, see the note on persistence), `datasource`, `dashboards-provisioning` (the ConfigMap),
/// `grafana-dashboard`, `prometheus-rules`, and the `additionalVolumes` that `grafana.additionalVolumeMounts`
/// names (util.go:903-906 gives the pod every additional volume; the others belong to Prometheus).
fn volumes(raw: &Value, config_map: &str) -> Vec<Value> {
    let mut list = vec![
        json!({"name": "tidbmonitor", "emptyDir": {}}),
        json!({"name": "datasource", "emptyDir": {}}),
        json!({"name": "dashboards-provisioning", "configMap": {"name": config_map}}),
        json!({"name": "grafana-dashboard", "emptyDir": {}}),
        json!({"name": "prometheus-rules", "emptyDir": {}}),
    ];
    let mounted: BTreeSet<&str> = get(raw, "/spec/grafana/additionalVolumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m["name"].as_str())
        .collect();
    if let Some(Value::Array(extra)) = get(raw, "/spec/additionalVolumes") {
        list.extend(
            extra
                .iter()
                .filter(|v| v["name"].as_str().is_some_and(|n| mounted.contains(n)))
                .cloned(),
        );
    }
    list
}

/// The Service TidbMonitor makes for Grafana (`<monitor>-grafana`, util.go:1044-1077): port `http-grafana` (or
/// `grafana.service.portName`, util.go:960-962) 3000, the service type, labels and annotations (with the monitor's
/// own, util.go:1049-1051), and the load balancer's IP and source ranges for type LoadBalancer (util.go:1067-1075).
/// `clusterIP`, `port` and `loadBalancerClass` of the spec are not read by tidb-operator, so not here either.
fn service(raw: &Value, options: &Options, object_labels: &Value, selector: &Value) -> Value {
    let mut meta_labels = object_labels.clone();
    let mut annotations = Map::new();
    for pointer in ["/spec/grafana/service/labels", "/spec/labels"] {
        if let Some(Value::Object(extra)) = get(raw, pointer) {
            for (k, v) in extra {
                meta_labels[k] = v.clone();
            }
        }
    }
    for pointer in ["/spec/grafana/service/annotations", "/spec/annotations"] {
        if let Some(Value::Object(extra)) = get(raw, pointer) {
            annotations.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    let port_name = text(raw, "/spec/grafana/service/portName").unwrap_or("http-grafana");
    let mut spec = Map::new();
    spec.insert("selector".into(), selector.clone());
    spec.insert(
        "ports".into(),
        json!([{"name": port_name, "port": PORT, "protocol": "TCP", "targetPort": PORT}]),
    );
    if let Some(kind) = text(raw, "/spec/grafana/service/type") {
        spec.insert("type".into(), json!(kind));
        if kind == "LoadBalancer" {
            if let Some(ip) = text(raw, "/spec/grafana/service/loadBalancerIP") {
                spec.insert("loadBalancerIP".into(), json!(ip));
            }
            if let Some(ranges) = get(raw, "/spec/grafana/service/loadBalancerSourceRanges") {
                spec.insert("loadBalancerSourceRanges".into(), ranges.clone());
            }
        }
    }
    let mut metadata =
        json!({"name": options.name, "namespace": options.namespace, "labels": meta_labels});
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations);
    }
    json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec})
}

/// The base64 form of a Secret's `data` value, as the API server stores it (k8s-openapi's `ByteString` encodes
/// it): `data` rather than `stringData`, so a re-apply compares equal.
pub fn secret_data(text: &str) -> Value {
    serde_json::to_value(k8s_openapi::ByteString(text.as_bytes().to_vec())).unwrap_or_default()
}

/// The Grafana of `monitor` (`raw` is its manifest), or `None` when it has no `spec.grafana` (tidb-operator then
/// runs none, util.go:1257-1260, 864-888, 1044).
pub fn grafana(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    raw: &Value,
    options: &Options,
) -> Option<Grafana> {
    get(raw, "/spec/grafana")?;
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let id = format!("TidbMonitor {ns}/{name}");
    let mut out = Grafana::default();
    let (Some(grafana_image), Some(init_image)) =
        (image(raw, "/spec/grafana"), image(raw, "/spec/initializer"))
    else {
        out.warnings.push(format!(
            "{id}: grafana or initializer has no baseImage, so its Grafana never ran (image \":\"); no Grafana is emitted"
        ));
        return Some(out);
    };
    // A Service name is a DNS label: at most 63 characters.
    if options.name.len() > 63 {
        out.warnings.push(format!(
            "{id}: the Grafana's name {} is longer than a Service name may be (63); no Grafana is emitted",
            options.name
        ));
        return Some(out);
    }
    let object_labels = labels("grafana", &options.name, "grafana", options.part_of);
    let selector = json!({
        "app.kubernetes.io/name": "grafana",
        "app.kubernetes.io/instance": options.name,
        "app.kubernetes.io/component": "grafana",
    });
    let config_map = format!("{}-provisioning", options.name);
    let secret = format!("{}-admin", options.name);
    let (admin, admin_data) = admin_env(raw, &secret);
    let mut init = vec![initializer(
        snapshot,
        monitor,
        raw,
        init_image.clone(),
        options,
    )];
    // util.go:1232-1236: a dm-initializer after the TiDB one when the monitor lists DMClusters.
    if !monitor.spec.dm_clusters().is_empty() {
        match (
            first_dm_cluster(snapshot, monitor),
            image(raw, "/spec/dm/initializer"),
        ) {
            (Some(dc), Some(dm_image)) => {
                init.push(dm_initializer(raw, dc, dm_image, options));
                if !monitor.spec.clusters.is_empty() {
                    out.notes.push(format!(
                        "{id}: its dm-initializer runs after monitor-initializer, as in TidbMonitor; an initializer whose init.sh empties the dashboards directory for DM (pingcap/monitoring master init.sh:5-9) leaves only DM's dashboards, as it did there"
                    ));
                }
            }
            _ => out.warnings.push(format!(
                "{id}: dm.clusters names no DMCluster that was found, or dm.initializer has no baseImage: the Grafana gets no DM dashboards"
            )),
        }
    }
    // Pod-wide settings of TidbMonitor's pod, which Grafana shared (util.go:1302-1336, 1271-1273): labels under
    // the selector's (so they cannot break it), annotations, security context, placement, pull secrets.
    let mut pod_labels = Map::new();
    if let Some(Value::Object(extra)) = get(raw, "/spec/labels") {
        pod_labels.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let Value::Object(own) = &object_labels {
        pod_labels.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut pod_meta = json!({"labels": pod_labels});
    if let Some(annotations) = get(raw, "/spec/annotations") {
        pod_meta["annotations"] = annotations.clone();
    }
    let mut pod = Map::new();
    // Grafana reads no Kubernetes API: no token (TidbMonitor's pod had the monitor's ServiceAccount for Prometheus).
    pod.insert("automountServiceAccountToken".into(), json!(false));
    for (from, to) in [
        ("/spec/podSecurityContext", "securityContext"),
        ("/spec/nodeSelector", "nodeSelector"),
        ("/spec/tolerations", "tolerations"),
        ("/spec/imagePullSecrets", "imagePullSecrets"),
    ] {
        if let Some(value) = get(raw, from) {
            pod.insert(to.into(), value.clone());
        }
    }
    pod.insert("initContainers".into(), Value::Array(init));
    pod.insert(
        "containers".into(),
        json!([grafana_container(raw, grafana_image.clone(), admin)]),
    );
    pod.insert("volumes".into(), Value::Array(volumes(raw, &config_map)));

    out.objects.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": config_map, "namespace": options.namespace, "labels": object_labels},
        "data": {"dashboards.yaml": provider_config()},
    }));
    if !admin_data.is_empty() {
        let data: Map<String, Value> = admin_data
            .iter()
            .map(|(k, v)| (k.to_string(), secret_data(v)))
            .collect();
        out.objects.push(json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": secret, "namespace": options.namespace, "labels": object_labels},
            "type": "Opaque",
            "data": data,
        }));
        out.notes.push(format!(
            "{id}: Secret {}/{secret} holds grafana.username/password as the monitor's spec has them (tidb-operator keeps them in Secret {ns}/{name}-monitor, util.go:212-225); prefer usernameSecret/passwordSecret",
            options.namespace
        ));
    }
    out.objects.push(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": options.name, "namespace": options.namespace, "labels": object_labels},
        "spec": {
            // One Grafana: with several, each keeps its own sessions in its own database.
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "template": {"metadata": pod_meta, "spec": pod},
        },
    }));
    out.objects
        .push(service(raw, options, &object_labels, &selector));

    out.notes.push(format!(
        "{id} → Grafana {}/{}: {grafana_image}, dashboards and datasources from {init_image} (its init.sh, as in the monitor's pod); datasource tidb-cluster reads {}; the dashboards select series by `component` and `tidb_cluster` (init.sh rewrote their `job=`)",
        options.namespace, options.name, options.datasource_url
    ));
    if monitor.spec.persistent {
        out.notes.push(format!(
            "{id}: Grafana's own database (users, preferences, dashboards edited in the UI) was on the monitor's volume at {DATA_DIR}/grafana; the new Grafana keeps it in an emptyDir. Copy what you need first: kubectl -n {ns} cp -c grafana {}:{DATA_DIR}/grafana/grafana.db grafana.db",
            crate::naming::monitor_pod_expression(ns, name)
        ));
    }
    if options.namespace != ns {
        let mut named: Vec<String> = [
            "/spec/grafana/usernameSecret",
            "/spec/grafana/passwordSecret",
        ]
        .iter()
        .filter_map(|p| text(raw, &format!("{p}/name")))
        .map(|s| format!("Secret {s}"))
        .collect();
        named.dedup();
        if let Some(Value::Array(extra)) = get(raw, "/spec/grafana/additionalVolumeMounts")
            && !extra.is_empty()
        {
            named.push("the volumes of grafana.additionalVolumeMounts".into());
        }
        if !named.is_empty() {
            out.warnings.push(format!(
                "{id}: the Grafana in namespace {} reads {} from its own namespace: copy them there from {ns}",
                options.namespace,
                named.join(", ")
            ));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Kind;

    fn snapshot(objects: &[Value]) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for object in objects {
            let kind = match object["kind"].as_str().unwrap() {
                "TidbMonitor" => Kind::TidbMonitor,
                "TidbCluster" => Kind::TidbCluster,
                "DMCluster" => Kind::DmCluster,
                other => panic!("{other}"),
            };
            snapshot.add(kind, object.clone(), None).unwrap();
        }
        snapshot
    }

    fn monitor(spec: Value) -> Value {
        json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbMonitor",
               "metadata": {"name": "basic", "namespace": "db"}, "spec": spec})
    }

    fn options() -> Options {
        Options {
            name: "grafana-basic".into(),
            namespace: "db".into(),
            datasource_url: "http://prometheus-operated.db.svc:9090".into(),
            part_of: "tidbmonitor-migration",
        }
    }

    fn build(objects: &[Value], raw: &Value) -> Grafana {
        let snapshot = snapshot(objects);
        let monitor = snapshot.monitors[0].clone();
        grafana(&snapshot, &monitor, raw, &options()).expect("a Grafana")
    }

    fn of_kind<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
        objects.iter().find(|o| o["kind"] == kind).unwrap()
    }

    fn env_of(container: &Value) -> Vec<(String, Value)> {
        container["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let value = e
                    .get("value")
                    .cloned()
                    .unwrap_or_else(|| e["valueFrom"].clone());
                (e["name"].as_str().unwrap().to_string(), value)
            })
            .collect()
    }

    fn cluster() -> Value {
        json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "TidbCluster",
               "metadata": {"name": "basic", "namespace": "db"},
               "spec": {"timezone": "Asia/Shanghai", "pd": {}, "tidb": {"binlogEnabled": true}}})
    }

    #[test]
    fn no_grafana_in_the_spec_no_grafana() {
        let raw = monitor(json!({"clusters": [{"name": "basic"}],
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"}}));
        let snapshot = snapshot(std::slice::from_ref(&raw));
        assert!(grafana(&snapshot, &snapshot.monitors[0], &raw, &options()).is_none());
    }

    /// The initializer runs from the monitor's image with TidbMonitor's environment, except the datasource URL.
    #[test]
    fn the_initializer_is_the_monitors_with_the_new_datasource() {
        let raw = monitor(json!({
            "clusters": [{"name": "basic"}],
            "kubePrometheusURL": "http://prometheus-k8s.monitoring.svc:9090",
            "alertManagerRulesVersion": "v8.1.0",
            "grafana": {"baseImage": "grafana/grafana", "version": "7.5.11"},
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7",
                            "imagePullPolicy": "Always", "requests": {"cpu": "50m", "storage": "1Gi"},
                            "envs": {"TZ": "Europe/Paris", "EXTRA": "1"}},
        }));
        let built = build(&[raw.clone(), cluster()], &raw);
        let deployment = of_kind(&built.objects, "Deployment");
        let init = &deployment["spec"]["template"]["spec"]["initContainers"][0];
        assert_eq!(init["name"], "monitor-initializer");
        assert_eq!(init["image"], "pingcap/tidb-monitor-initializer:v8.5.7");
        assert_eq!(init["imagePullPolicy"], "Always");
        assert_eq!(init["resources"], json!({"requests": {"cpu": "50m"}}));
        assert_eq!(
            init["command"][2],
            "mkdir -p /data/grafana\nchmod 777 /data/grafana\n/usr/bin/init.sh"
        );
        let names: Vec<(String, Value)> = env_of(init);
        assert_eq!(
            names,
            [
                ("PROM_CONFIG_PATH", json!("/prometheus-rules")),
                ("PROM_PERSISTENT_DIR", json!("/data")),
                (
                    "GF_TIDB_PROMETHEUS_URL",
                    json!("http://prometheus-operated.db.svc:9090")
                ),
                ("TIDB_VERSION", json!("tidb:v8.1.0")),
                ("TZ", json!("Europe/Paris")),
                ("TIDB_ENABLE_BINLOG", json!("true")),
                ("TIDB_CLUSTER_NAME", json!("basic")),
                ("TIDB_CLUSTER_NAMESPACE", json!("db")),
                (
                    "GF_K8S_PROMETHEUS_URL",
                    json!("http://prometheus-k8s.monitoring.svc:9090")
                ),
                (
                    "GF_PROVISIONING_PATH",
                    json!("/grafana-dashboard-definitions/tidb")
                ),
                (
                    "GF_DATASOURCE_PATH",
                    json!("/etc/grafana/provisioning/datasources")
                ),
                ("EXTRA", json!("1")),
            ]
            .map(|(k, v)| (k.to_string(), v))
        );
    }

    /// Without a cluster with a PD, the initializer gets the monitor's timezone only; TIDB_VERSION follows
    /// initializer.version.
    #[test]
    fn without_a_cluster_the_monitors_timezone() {
        let raw = monitor(
            json!({"clusters": [{"name": "gone"}], "timezone": "Asia/Tokyo",
            "grafana": {"baseImage": "grafana/grafana", "version": "7.5.11"},
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"}}),
        );
        let built = build(std::slice::from_ref(&raw), &raw);
        let init =
            &of_kind(&built.objects, "Deployment")["spec"]["template"]["spec"]["initContainers"][0];
        let env: BTreeMap<String, Value> = env_of(init).into_iter().collect();
        assert_eq!(env["TZ"], "Asia/Tokyo");
        assert_eq!(env["TIDB_VERSION"], "tidb:v8.5.7");
        assert!(!env.contains_key("TIDB_CLUSTER_NAME"));
        assert!(!env.contains_key("GF_K8S_PROMETHEUS_URL"));
    }

    /// The grafana container: image, sorted env with the user's overrides, referenced credentials (no Secret
    /// emitted or read), probes, port, and the additional volume it mounts.
    #[test]
    fn the_grafana_container_follows_the_monitor() {
        let raw = monitor(json!({
            "clusters": [{"name": "basic"}],
            "additionalVolumes": [{"name": "custom", "configMap": {"name": "my-dashboards"}},
                                  {"name": "ca", "configMap": {"name": "prometheus-only"}}],
            "grafana": {"baseImage": "grafana/grafana", "version": "10.4.5",
                        "usernameSecret": {"name": "grafana-creds", "key": "user"},
                        "passwordSecret": {"name": "grafana-creds", "key": "pass"},
                        "envs": {"GF_LOG_LEVEL": "debug", "TZ": "Europe/Berlin"},
                        "securityContext": {"runAsUser": 472},
                        "limits": {"memory": "1Gi"},
                        "additionalVolumeMounts": [{"name": "custom",
                            "mountPath": "/grafana-dashboard-definitions/tidb/dashboards/custom"}],
                        "service": {"type": "LoadBalancer", "portName": "web", "loadBalancerIP": "10.0.0.9",
                                    "labels": {"expose": "yes"}, "annotations": {"lb": "internal"}}},
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"},
        }));
        let built = build(&[raw.clone(), cluster()], &raw);
        assert!(built.objects.iter().all(|o| o["kind"] != "Secret"));
        let pod = &of_kind(&built.objects, "Deployment")["spec"]["template"]["spec"];
        let grafana = &pod["containers"][0];
        assert_eq!(grafana["image"], "grafana/grafana:10.4.5");
        assert_eq!(grafana["securityContext"]["runAsUser"], 472);
        assert_eq!(grafana["resources"], json!({"limits": {"memory": "1Gi"}}));
        assert_eq!(
            env_of(grafana),
            [
                ("GF_LOG_LEVEL", json!("debug")),
                ("GF_PATHS_DATA", json!("/data/grafana")),
                (
                    "GF_SECURITY_ADMIN_PASSWORD",
                    json!({"secretKeyRef": {"name": "grafana-creds", "key": "pass"}})
                ),
                (
                    "GF_SECURITY_ADMIN_USER",
                    json!({"secretKeyRef": {"name": "grafana-creds", "key": "user"}})
                ),
                ("TZ", json!("Europe/Berlin")),
            ]
            .map(|(k, v)| (k.to_string(), v))
        );
        assert_eq!(grafana["readinessProbe"]["httpGet"]["path"], "/api/health");
        assert_eq!(grafana["livenessProbe"]["initialDelaySeconds"], 30);
        assert_eq!(grafana["ports"][0]["containerPort"], 3000);
        let volumes: Vec<&str> = pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            volumes,
            [
                "tidbmonitor",
                "datasource",
                "dashboards-provisioning",
                "grafana-dashboard",
                "prometheus-rules",
                "custom"
            ]
        );
        assert_eq!(
            pod["volumes"][2]["configMap"]["name"],
            "grafana-basic-provisioning"
        );
        let service = of_kind(&built.objects, "Service");
        assert_eq!(service["spec"]["type"], "LoadBalancer");
        assert_eq!(service["spec"]["loadBalancerIP"], "10.0.0.9");
        assert_eq!(service["spec"]["ports"][0]["name"], "web");
        assert_eq!(service["metadata"]["labels"]["expose"], "yes");
        assert_eq!(service["metadata"]["annotations"]["lb"], "internal");
        assert_eq!(
            service["spec"]["selector"],
            of_kind(&built.objects, "Deployment")["spec"]["selector"]["matchLabels"]
        );
    }

    /// Plain username/password become a Secret of ours (from the spec, where the monitor keeps them); an empty
    /// one is no variable, as Grafana ignores an empty override.
    #[test]
    fn plain_credentials_become_a_secret_of_ours() {
        let raw = monitor(json!({"clusters": [{"name": "basic"}],
            "grafana": {"baseImage": "grafana/grafana", "version": "7.5.11", "username": "root", "password": ""},
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"}}));
        let built = build(&[raw.clone(), cluster()], &raw);
        let secret = of_kind(&built.objects, "Secret");
        assert_eq!(secret["metadata"]["name"], "grafana-basic-admin");
        assert_eq!(secret["data"], json!({"username": "cm9vdA=="}));
        let grafana =
            &of_kind(&built.objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
        let env: BTreeMap<String, Value> = env_of(grafana).into_iter().collect();
        assert_eq!(
            env["GF_SECURITY_ADMIN_USER"],
            json!({"secretKeyRef": {"name": "grafana-basic-admin", "key": "username"}})
        );
        assert!(!env.contains_key("GF_SECURITY_ADMIN_PASSWORD"));
    }

    #[test]
    fn dm_clusters_add_the_dm_initializer() {
        let raw = monitor(json!({"clusters": [], "dm": {"clusters": [{"name": "dm"}],
                "initializer": {"baseImage": "pingcap/dm-monitor-initializer", "version": "v8.5.7"}},
            "grafana": {"baseImage": "grafana/grafana", "version": "7.5.11"},
            "initializer": {"baseImage": "pingcap/tidb-monitor-initializer", "version": "v8.5.7"}}));
        let dc = json!({"apiVersion": "pingcap.com/v1alpha1", "kind": "DMCluster",
                        "metadata": {"name": "dm", "namespace": "db"}, "spec": {}});
        let built = build(&[raw.clone(), dc], &raw);
        let init =
            &of_kind(&built.objects, "Deployment")["spec"]["template"]["spec"]["initContainers"];
        assert_eq!(init[1]["name"], "dm-initializer");
        assert_eq!(init[1]["image"], "pingcap/dm-monitor-initializer:v8.5.7");
        let env: BTreeMap<String, Value> = env_of(&init[1]).into_iter().collect();
        assert_eq!(env["DM_CLUSTER_NAME"], "dm");
        assert_eq!(
            env["GF_DM_PROMETHEUS_URL"],
            "http://prometheus-operated.db.svc:9090"
        );
        assert_eq!(env["DM_VERSION"], "tidb:v8.5.7");
    }

    #[test]
    fn the_provider_reads_the_dashboards_directory() {
        let config: Value = serde_json::from_str(&provider_config()).unwrap();
        assert_eq!(
            config["providers"][0]["options"]["path"],
            "/grafana-dashboard-definitions/tidb"
        );
        assert_eq!(config["providers"][0]["allowUiUpdates"], true);
    }
}
