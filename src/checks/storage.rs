//! Storage and configuration of the monitor itself: persistence, retention, Prometheus version, Thanos,
//! images, labels, and operator-version bugs.

use super::util::{monitor_id, refs};
use super::{Context, Emitter, Rule, Severity, Version};
use crate::naming;
use crate::snapshot::{Kind, Scope, Snapshot};

pub const RULES: &[Rule] = &[
    Rule {
        id: "TM040",
        severity: Severity::Warning,
        title: "Monitor without persistent storage",
        explanation: "With `persistent: false` (the default) Prometheus keeps its data in an emptyDir: every pod restart, \
            upgrade or eviction loses the whole history.",
        bad: monitor!("  clusters: [{name: db}]\n"),
        good: monitor!("  clusters: [{name: db}]\n  persistent: true\n  storage: 50Gi\n"),
        fix: "Set `persistent: true`, `storage` and (optionally) `storageClassName`.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: not_persistent,
    },
    Rule {
        id: "TM041",
        severity: Severity::Error,
        title: "Persistent monitor without a valid storage size",
        explanation: "With `persistent: true` the operator needs `spec.storage` as a Kubernetes quantity for the claim \
            template; without it validation fails (`FailedValidation` event) and nothing is synced.",
        bad: monitor!("  clusters: [{name: db}]\n  persistent: true\n"),
        good: monitor!("  clusters: [{name: db}]\n  persistent: true\n  storage: 50Gi\n"),
        fix: "Set spec.storage, e.g. `storage: 50Gi`.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: persistent_without_storage,
    },
    Rule {
        id: "TM042",
        severity: Severity::Error,
        title: "Prometheus version the operator cannot parse as semver",
        explanation: "tidb-operator v1.4.0 and later parse `prometheus.version` with Masterminds/semver \
            (`semver.NewVersion` in `generateRemoteWrite`, pkg/monitor/monitor/util.go; library v1.4.2 up to operator \
            v1.6.0, v1.5.0 from v1.6.1, both with the grammar `v?N[.N][.N][-pre][+meta]`), so `v2.27` or `2` are accepted but `latest` or a commit hash \
            are not, and the error fails the reconcile: the Prometheus ConfigMap and StatefulSet are never synced. \
            v1.4.0–v1.6.5 parse it for every monitor, with or without `remoteWrite` (v1.6.5 util.go:1482); v1.6.6 \
            parses it only when `remoteWrite` is set (#7007/#7009); v1.3.x and older do not parse it at all. An empty \
            version is left to TM047.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: latest}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.27}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        fix: "Use a version tag such as v2.53.2 (pin a digest in baseImage if you need an exact build), or upgrade \
            tidb-operator to v1.6.6 when remoteWrite is not used.",
        example_operator: Some("v1.6.5"),
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: remote_write_version,
    },
    Rule {
        id: "TM043",
        severity: Severity::Error,
        title: "retentionTime is not a Prometheus duration",
        explanation: "`prometheus.retentionTime` is passed to `--storage.tsdb.retention.time` and validated by \
            tidb-operator with prometheus/common's `model.ParseDuration` (`validatePromDurationStr`, \
            pkg/apis/pingcap/v1alpha1/validation/validation.go, v1.2.0 through v1.6.6); a failure is a \
            `FailedValidation` and nothing is synced. An empty string always fails (`retentionTime: \"\"`). v1.2.x \
            vendors prometheus/common v0.7.0, whose grammar is a single `<number><unit>` (`15d`, `12h`; no `0`, no \
            compound `1y2w`); v1.3.0 and later (v0.26.0 and newer) also accept `0` and compound durations in the order \
            y w d h m s ms, such as `1y2w` or `12h30m`.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, retentionTime: 30 days}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, retentionTime: 30d}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        fix: "Write it as <number><unit> with units ms, s, m, h, d, w, y (e.g. 30d); on tidb-operator v1.2.x a single \
            unit only; or remove an empty retentionTime.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: retention_time,
    },
    Rule {
        id: "TM044",
        severity: Severity::Warning,
        title: "Thanos sidecar listens on localhost only",
        explanation: "`thanos.listenLocal: true` binds the sidecar's gRPC and HTTP ports to 127.0.0.1, so the \
            `thanos-grpc` port of `<monitor>-prometheus` leads nowhere and no Thanos Query can reach the data.",
        bad: monitor!(
            "  clusters: [{name: db}]\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1, listenLocal: true}\n"
        ),
        good: monitor!(
            "  clusters: [{name: db}]\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n"
        ),
        fix: "Remove listenLocal (or set it to false).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: thanos_listen_local,
    },
    Rule {
        id: "TM045",
        severity: Severity::Warning,
        title: "Replicated monitor with Thanos but no replica label",
        explanation: "With `replicas` > 1 every replica scrapes the same targets. Thanos Query deduplicates them by the \
            external replica label (`replicaExternalLabelName`, default `prometheus_replica`); setting it to \"\" removes \
            the label, so every series appears once per replica.",
        bad: monitor!(
            "  clusters: [{name: db}]\n  replicas: 2\n  replicaExternalLabelName: \"\"\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n"
        ),
        good: monitor!(
            "  clusters: [{name: db}]\n  replicas: 2\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n"
        ),
        fix: "Leave replicaExternalLabelName unset (prometheus_replica) and pass --query.replica-label=prometheus_replica to Thanos Query.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: thanos_replica_label,
    },
    Rule {
        id: "TM046",
        severity: Severity::Warning,
        title: "clusterScoped monitor on tidb-operator v1.3.0–v1.6.0",
        explanation: "From v1.3.0 to v1.6.0 the ClusterRole of a `clusterScoped` monitor got a namespaced owner; every sync \
            after the first fails at RBAC (\"cluster-scoped resource must not have a namespace-scoped owner\", #5296), so \
            later spec changes never reach the StatefulSet. Fixed in v1.6.1.",
        bad: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: monitor!("  clusters: [{name: db}]\n"),
        fix: "Upgrade tidb-operator to v1.6.1 or later.",
        example_operator: Some("v1.5.3"),
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: cluster_scoped_broken,
    },
    Rule {
        id: "TM047",
        severity: Severity::Error,
        title: "Container image without baseImage or version",
        explanation: "tidb-operator never defaults images: the image is `baseImage:version`, so an empty part gives an \
            image like `:` or `prom/prometheus:` and the pod cannot start. prometheus, reloader and initializer are always \
            deployed; grafana, thanos and prometheusReloader when present; `dm.initializer` whenever `spec.dm.clusters` \
            is not empty (the `dm-initializer` init container, image \
            `fmt.Sprintf(\"%s:%s\", Spec.DM.Initializer.BaseImage, Spec.DM.Initializer.Version)` in \
            `getMonitorDMInitContainer`, pkg/monitor/monitor/util.go, tidb-operator v1.2.0 through v1.6.6).",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {}\n"
        ),
        good: monitor!("  clusters: [{name: db}]\n"),
        fix: "Set both baseImage and version on every component.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: image_unset,
    },
    Rule {
        id: "TM048",
        severity: Severity::Error,
        title: "alertmanagerURL is not host:port",
        explanation: "tidb-operator (v1.2.0 through v1.6.6, `addAlertManagerUrl` in pkg/monitor/monitor/template.go) puts \
            `alertmanagerURL` verbatim into `alerting.alertmanagers[0].static_configs[0].targets`, without relabel \
            configs. Prometheus (v2.0.0 through v3.x, `CheckTargetAddress`, called from `AlertmanagerConfig.UnmarshalYAML` \
            in config/config.go) refuses any target containing `/` with `\"http://am:9093/\" is not a valid \
            hostname`, so the whole configuration is rejected: Prometheus exits at start (\"Error loading config\", \
            cmd/prometheus/main.go) and the monitor is down, not just its alerts.",
        bad: monitor!(
            "  clusters: [{name: db}]\n  alertmanagerURL: http://alertmanager.monitoring:9093/\n"
        ),
        good: monitor!(
            "  clusters: [{name: db}]\n  alertmanagerURL: alertmanager.monitoring:9093\n"
        ),
        fix: "Write it as host:port.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: alertmanager_url,
    },
    Rule {
        id: "TM049",
        severity: Severity::Warning,
        title: "Sharded monitor with Grafana",
        explanation: "With `shards` > 1 each shard holds part of the series, and every shard gets its own Grafana: \
            tidb-operator v1.3.0 (sharding, #4198) through v1.6.6 add the grafana container to each shard's StatefulSet \
            (`getMonitorStatefulSet`, pkg/monitor/monitor/util.go), with the datasource `GF_TIDB_PROMETHEUS_URL=\
            http://127.0.0.1:9090` (that shard's own Prometheus) and a Service per shard (`GrafanaName`: \
            `<monitor>-grafana`, `<monitor>-grafana-shard-<n>`). No Grafana sees all shards; each shows a fraction of \
            the data.",
        bad: monitor!(
            "  clusters: [{name: db}]\n  shards: 2\n  grafana: {baseImage: grafana/grafana, version: 10.4.5}\n"
        ),
        good: monitor!(
            "  clusters: [{name: db}]\n  shards: 2\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n"
        ),
        fix: "Drop grafana from sharded monitors and point a Grafana at Thanos Query over all shards.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: shards_with_grafana,
    },
    Rule {
        id: "TM050",
        severity: Severity::Info,
        title: "Deprecated prometheus.reserveDays",
        explanation: "`reserveDays` is deprecated in favour of `retentionTime`, which wins when both are set.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, reserveDays: 12}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, retentionTime: 12d}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        fix: "Replace reserveDays: N with retentionTime: Nd.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: reserve_days,
    },
    Rule {
        id: "TM051",
        severity: Severity::Info,
        title: "Monitor named like the cluster it watches",
        explanation: "The monitor's StatefulSet selects `app.kubernetes.io/instance=<monitor>` \
            for shard 0 (`getMonitorStatefulSetSkeleton`: `buildTidbMonitorLabel` of the monitor's name, \
            pkg/monitor/monitor/util.go, tidb-operator v1.2.0 through v1.6.6), and the StatefulSet controller copies those selector labels onto the claims it \
            creates (`getPersistentVolumeClaims`, kubernetes pkg/controller/statefulset). A TidbCluster's pods and PVCs \
            carry `app.kubernetes.io/instance=<cluster>`. So when a persistent monitor (`persistent: true` with a \
            `storage` size: `getMonitorVolumeClaims` adds a claim template only then) has the name of a TidbCluster in \
            its namespace, a cleanup such as `kubectl delete pvc -l app.kubernetes.io/instance=<name>` also deletes the \
            monitor's volume `tidbmonitor-<name>-monitor-0`. A monitor without persistence has no PVC to lose, so the \
            upstream examples' same-name monitors (`basic`) are not reported.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: db, namespace: team}\nspec:\n  clusters: [{name: db}]\n  persistent: true\n  storage: 50Gi\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: db-monitor, namespace: team}\nspec:\n  clusters: [{name: db}]\n  persistent: true\n  storage: 50Gi\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}}\n"
        ),
        fix: "Select on app.kubernetes.io/component too when deleting by label; name new monitors differently from their clusters.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: same_name,
    },
    Rule {
        id: "TM052",
        severity: Severity::Warning,
        title: "externalLabels reuse a label TiDB metrics carry",
        explanation: "The scrape jobs tidb-operator generates (v1.2.0 through v1.6.6, relabel configs in \
            pkg/monitor/monitor/template.go) set `cluster` (the TidbCluster's name), `instance`, `component`, \
            `tidb_cluster` and `kubernetes_namespace` on every series; `externalLabels` become Prometheus' global \
            external labels (`buildExternalLabels`, util.go). Prometheus itself keeps a series' own label where both \
            exist (federation: web/federate.go; remote write: `MergeLabels`, storage/remote/codec.go), but the Thanos \
            sidecar overwrites series labels with the external ones (`labelpb.ExtendSortedLabels`, called from \
            pkg/store/prometheus.go, Thanos v0.36.1): through Thanos Query every cluster's `cluster` (or `instance`, \
            `component`, ...) label collapses to the one external value and the clusters' series merge. Multi-Kubernetes \
            setups should use their own name (e.g. `k8s_cluster`).",
        bad: monitor!("  clusters: [{name: db}]\n  externalLabels: {cluster: eu-west-1}\n"),
        good: monitor!("  clusters: [{name: db}]\n  externalLabels: {k8s_cluster: eu-west-1}\n"),
        fix: "Rename the external label (e.g. k8s_cluster).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: external_label_clash,
    },
    Rule {
        id: "TM053",
        severity: Severity::Warning,
        title: "Monitor being deleted while tidb-operator is not running",
        explanation: "Since v1.6.1 every TidbMonitor carries the finalizer `tidb.pingcap.com/monitor-protection`, removed \
            by the operator after it deletes the monitor's ClusterRole. Without a running operator the deletion hangs.",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [tidb.pingcap.com/monitor-protection]}\nspec:\n  clusters: [{name: db}]\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
        good: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [tidb.pingcap.com/monitor-protection]}\nspec:\n  clusters: [{name: db}]\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tidb-controller-manager, namespace: tidb-admin}\nspec:\n  replicas: 1\n  template: {spec: {containers: [{name: tidb-operator, image: 'pingcap/tidb-operator:v1.6.6'}]}}\n",
        fix: "Start tidb-operator again, or remove the finalizer by hand (then delete `<ns>-<monitor>-monitor` ClusterRole/Binding yourself).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: deletion_hangs,
    },
];

/// Bytes of a Kubernetes quantity (`10Gi`, `500M`, `1e3`); None when it does not parse.
pub fn quantity_bytes(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        _ => return None,
    };
    (value >= 0.0).then_some(value * factor)
}

/// Prometheus' duration syntax (`model.ParseDuration`): unit groups in order y w d h m s ms, or `0`.
pub fn is_prometheus_duration(text: &str) -> bool {
    if text == "0" {
        return true;
    }
    let units = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut next_unit = 0;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = if rest.starts_with("ms") {
            "ms"
        } else {
            &rest[..rest.chars().next().map_or(0, char::len_utf8)]
        };
        let Some(position) = units.iter().position(|u| *u == unit) else {
            return false;
        };
        if position < next_unit {
            return false;
        }
        next_unit = position + 1;
        rest = &rest[unit.len()..];
    }
    true
}

fn not_persistent(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot.monitors.iter().filter(|m| !m.spec.persistent) {
        e.report(
            monitor_id(monitor),
            "persistent is false: Prometheus data is lost on every pod restart",
            "set persistent: true and storage",
        );
    }
}

fn persistent_without_storage(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot.monitors.iter().filter(|m| m.spec.persistent) {
        match monitor.spec.storage.as_deref().filter(|s| !s.is_empty()) {
            None => e.report(monitor_id(monitor), "persistent is true but spec.storage is not set: validation fails and nothing is synced", "set spec.storage, e.g. 50Gi"),
            Some(size) if quantity_bytes(size).is_none() => {
                e.report(monitor_id(monitor), format!("spec.storage {size:?} is not a Kubernetes quantity"), "write it like 50Gi")
            }
            Some(_) => {}
        }
    }
}

/// Masterminds/semver `NewVersion` (v1.4.2 and v1.5.0 alike):
/// `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$`.
pub fn is_masterminds_semver(text: &str) -> bool {
    let identifiers = |t: &str| {
        t.split('.')
            .all(|i| !i.is_empty() && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let core = text.strip_prefix('v').unwrap_or(text);
    let (core, meta) = match core.split_once('+') {
        Some((c, m)) => (c, Some(m)),
        None => (core, None),
    };
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() <= 3
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_digit()) && p.parse::<i64>().is_ok())
        && pre.is_none_or(identifiers)
        && meta.is_none_or(identifiers)
}

fn remote_write_version(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let (operator, assumption) = context.operator_or_assumed();
    if operator < Version::new(1, 4, 0) {
        return;
    }
    let always_parsed = operator <= Version::new(1, 6, 5);
    for monitor in &snapshot.monitors {
        let Some(prometheus) = monitor.spec.prometheus.as_ref() else {
            continue;
        };
        let version = prometheus.version.as_deref().unwrap_or("");
        if version.is_empty() || is_masterminds_semver(version) {
            continue;
        }
        let remote_write = !prometheus.remote_write.is_empty();
        if remote_write || (always_parsed && assumption.is_none()) {
            let why = if remote_write {
                "remoteWrite is set"
            } else {
                "tidb-operator v1.4.0–v1.6.5 parse it even without remoteWrite"
            };
            let mut message = format!(
                "prometheus.version {version:?} is not semver and {why}: the operator fails to reconcile the monitor (\"Invalid Semantic Version\")"
            );
            if let Some(note) = &assumption {
                message.push_str(&format!(" ({note})"));
            }
            e.report(
                monitor_id(monitor),
                message,
                "use a version tag such as v2.53.2",
            );
        } else if let Some(note) = &assumption {
            e.report_as(
                Severity::Info,
                monitor_id(monitor),
                format!("prometheus.version {version:?} is not semver: tidb-operator v1.4.0–v1.6.5 fail to reconcile the monitor even without remoteWrite ({note})"),
                "use a version tag such as v2.53.2, or make sure tidb-operator is v1.6.6+ or older than v1.4.0",
            );
        }
    }
}

/// prometheus/common v0.7.0 `model.ParseDuration` (vendored by tidb-operator v1.2.x): `^[0-9]+(y|w|d|h|m|s|ms)$`.
pub fn is_single_unit_duration(text: &str) -> bool {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    digits > 0 && ["y", "w", "d", "h", "m", "s", "ms"].contains(&&text[digits..])
}

fn retention_time(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let (operator, _) = context.operator_or_assumed();
    let single_unit_only = operator < Version::new(1, 3, 0);
    for monitor in &snapshot.monitors {
        let Some(retention) = monitor
            .spec
            .prometheus
            .as_ref()
            .and_then(|p| p.retention_time.as_deref())
        else {
            continue;
        };
        let valid = if single_unit_only {
            is_single_unit_duration(retention)
        } else {
            is_prometheus_duration(retention)
        };
        if valid {
            continue;
        }
        let message = if retention.is_empty() {
            "retentionTime is \"\": the operator's ParseDuration rejects an empty string, validation fails and nothing is synced".to_string()
        } else if single_unit_only && is_prometheus_duration(retention) {
            format!(
                "retentionTime {retention:?} is a compound duration, which tidb-operator {operator} (prometheus/common v0.7.0) rejects: validation fails and nothing is synced"
            )
        } else {
            format!(
                "retentionTime {retention:?} is not a Prometheus duration: validation fails and nothing is synced"
            )
        };
        let hint = if retention.is_empty() {
            "remove retentionTime or write it like 30d"
        } else if single_unit_only {
            "write it as one number and unit, like 30d or 12h"
        } else {
            "write it like 30d, 12h or 1y"
        };
        e.report(monitor_id(monitor), message, hint);
    }
}

fn thanos_listen_local(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot
        .monitors
        .iter()
        .filter(|m| m.spec.thanos.as_ref().is_some_and(|t| t.listen_local))
    {
        let service = naming::prometheus_service(&monitor.metadata.name, 0);
        e.report(
            monitor_id(monitor),
            format!("thanos.listenLocal is true: the sidecar binds 127.0.0.1, so the thanos-grpc port of Service {service} is unreachable"),
            "remove thanos.listenLocal",
        );
    }
}

fn thanos_replica_label(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let spec = &monitor.spec;
        if spec.thanos.is_some()
            && spec.replicas() > 1
            && spec.replica_external_label_name.as_deref() == Some("")
        {
            e.report(
                monitor_id(monitor),
                format!("{} replicas with Thanos but replicaExternalLabelName is empty: Thanos Query cannot deduplicate the replicas' series", spec.replicas()),
                "remove replicaExternalLabelName (default prometheus_replica)",
            );
        }
    }
}

fn cluster_scoped_broken(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let Some(version) = context.operator.version() else {
        return;
    };
    if version < Version::new(1, 3, 0) || version > Version::new(1, 6, 0) {
        return;
    }
    for monitor in snapshot.monitors.iter().filter(|m| m.spec.cluster_scoped) {
        e.report(
            monitor_id(monitor),
            format!("clusterScoped on tidb-operator {version}: syncs after the first fail at RBAC, so spec changes never reach the StatefulSet"),
            "upgrade tidb-operator to v1.6.1+",
        );
    }
}

fn image_unset(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let s = &monitor.spec;
        let p = s.prometheus.as_ref();
        let parts = |base: Option<&String>, version: Option<&String>| {
            (
                base.is_some_and(|b| !b.is_empty()),
                version.is_some_and(|v| !v.is_empty()),
            )
        };
        let components = [
            (
                "prometheus",
                true,
                p.map(|p| parts(p.base_image.as_ref(), p.version.as_ref())),
            ),
            (
                "reloader",
                true,
                s.reloader
                    .as_ref()
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
            (
                "initializer",
                true,
                s.initializer
                    .as_ref()
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
            (
                "dm.initializer",
                !s.dm_clusters().is_empty(),
                s.dm.as_ref()
                    .and_then(|dm| dm.initializer.as_ref())
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
            (
                "grafana",
                false,
                s.grafana
                    .as_ref()
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
            (
                "thanos",
                false,
                s.thanos
                    .as_ref()
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
            (
                "prometheusReloader",
                false,
                s.prometheus_reloader
                    .as_ref()
                    .map(|c| parts(c.base_image.as_ref(), c.version.as_ref())),
            ),
        ];
        let broken: Vec<String> = components
            .iter()
            .filter_map(|(name, required, state)| match state {
                Some((true, true)) => None,
                Some((false, true)) => Some(format!("{name} (no baseImage)")),
                Some((true, false)) => Some(format!("{name} (no version)")),
                Some((false, false)) => Some(format!("{name} (no baseImage, no version)")),
                None if *required => Some(format!("{name} (block missing)")),
                None => None,
            })
            .collect();
        if !broken.is_empty() {
            e.report(
                monitor_id(monitor),
                format!("images without baseImage or version: {}; the operator does not default them and the pod cannot start", broken.join(", ")),
                "set baseImage and version on each",
            );
        }
    }
}

fn alertmanager_url(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        if let Some(url) = monitor
            .spec
            .alertmanager_url
            .as_deref()
            .filter(|u| u.contains("://") || u.contains('/'))
        {
            e.report(
                monitor_id(monitor),
                format!("alertmanagerURL {url:?} is not host:port: Prometheus rejects the whole config (\"is not a valid hostname\") and does not start"),
                "write it as host:port, e.g. alertmanager.monitoring:9093",
            );
        }
    }
}

fn shards_with_grafana(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot
        .monitors
        .iter()
        .filter(|m| m.spec.shards() > 1 && m.spec.grafana.is_some())
    {
        e.report(
            monitor_id(monitor),
            format!(
                "{} shards with Grafana: each shard runs its own Grafana on its own Prometheus, so every dashboard shows only one shard's series",
                monitor.spec.shards()
            ),
            "remove grafana; point a Grafana at Thanos Query over all shards",
        );
    }
}

fn reserve_days(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some(p) = monitor.spec.prometheus.as_ref() else {
            continue;
        };
        if let Some(days) = p.reserve_days.filter(|d| *d > 0) {
            let effective = p.retention_time.as_deref().filter(|r| !r.is_empty());
            let message = match effective {
                Some(r) => format!(
                    "prometheus.reserveDays {days} is deprecated and ignored: retentionTime {r} wins"
                ),
                None => format!("prometheus.reserveDays {days} is deprecated"),
            };
            e.report(
                monitor_id(monitor),
                message,
                format!("use retentionTime: {days}d"),
            );
        }
    }
}

fn same_name(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        // getMonitorVolumeClaims: a claim template only with persistent and a storage size that parses.
        let has_pvc = monitor.spec.persistent
            && monitor
                .spec
                .storage
                .as_deref()
                .is_some_and(|s| !s.is_empty() && quantity_bytes(s).is_some());
        if !has_pvc {
            continue;
        }
        let own = monitor.metadata.namespace();
        let clash = refs(monitor).iter().any(|(kind, ns, name)| {
            *kind == "TidbCluster" && ns == own && name == &monitor.metadata.name
        });
        if clash {
            e.report(
                monitor_id(monitor),
                format!(
                    "shares app.kubernetes.io/instance={} with its TidbCluster: deleting PVCs by that label alone also deletes {}",
                    monitor.metadata.name,
                    naming::first_pvc(&monitor.metadata.name)
                ),
                "add app.kubernetes.io/component=<component> to label-selected cleanups",
            );
        }
    }
}

fn external_label_clash(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    const RESERVED: [&str; 5] = [
        "cluster",
        "instance",
        "component",
        "tidb_cluster",
        "kubernetes_namespace",
    ];
    for monitor in &snapshot.monitors {
        let clashes: Vec<&str> = monitor
            .spec
            .external_labels
            .keys()
            .map(String::as_str)
            .filter(|k| RESERVED.contains(k))
            .collect();
        if !clashes.is_empty() {
            e.report(
                monitor_id(monitor),
                format!(
                    "externalLabels {} clash with labels every TiDB series carries: through a Thanos sidecar the external value overwrites each series' own, so all clusters' series collapse into one",
                    clashes.join(", ")
                ),
                "rename them (e.g. k8s_cluster)",
            );
        }
    }
}

fn deletion_hangs(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let deleting: Vec<_> = snapshot
        .monitors
        .iter()
        .filter(|m| {
            m.metadata.deletion_timestamp.is_some()
                && m.metadata
                    .finalizers
                    .iter()
                    .any(|f| f == "tidb.pingcap.com/monitor-protection")
        })
        .collect();
    if deleting.is_empty() {
        return;
    }
    let operator_found = !matches!(context.operator, super::OperatorVersion::Unknown)
        || snapshot
            .deployments
            .iter()
            .any(|d| d.metadata.name == naming::OPERATOR_DEPLOYMENT);
    if operator_found {
        return;
    }
    let operator_known_absent = snapshot.knows(Kind::Deployment, "")
        && matches!(
            snapshot.scopes.get(&Kind::Deployment),
            Some(Scope::AllNamespaces)
        );
    for monitor in deleting {
        let id = monitor_id(monitor);
        if operator_known_absent {
            e.report(
                id,
                format!("is being deleted (since {}) but no tidb-controller-manager Deployment exists to remove its finalizer", monitor.metadata.deletion_timestamp.as_deref().unwrap_or("?")),
                "start tidb-operator, or remove the finalizer tidb.pingcap.com/monitor-protection by hand",
            );
        } else {
            e.unresolved(id, "Deployment tidb-controller-manager");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Finding, OperatorVersion, run};

    /// Runs one rule on `yaml` read as the whole live cluster, with the given operator version (None: unknown).
    fn findings(rule: &str, yaml: &str, operator: Option<&str>) -> Vec<Finding> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("example.yaml");
        std::fs::write(&path, yaml).unwrap();
        let mut snapshot = Snapshot::default();
        crate::source::files::load(&[path.display().to_string()], "default", &mut snapshot)
            .unwrap();
        for kind in Kind::ALL {
            snapshot.scopes.insert(*kind, Scope::AllNamespaces);
        }
        let context = Context {
            operator: match operator {
                Some(v) => OperatorVersion::Flag {
                    version: v.parse().unwrap(),
                },
                None => OperatorVersion::Unknown,
            },
            all_namespaces: true,
            offline: false,
        };
        run(&snapshot, &context, |id| id == rule)
    }

    fn prometheus(version: &str, remote_write: bool) -> String {
        let rw = if remote_write {
            ", remoteWrite: [{url: 'http://receive:19291/api/v1/receive'}]"
        } else {
            ""
        };
        format!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: mon, namespace: monitoring}}\nspec:\n  clusters: [{{name: db}}]\n  prometheus: {{baseImage: prom/prometheus, version: {version}{rw}}}\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
        )
    }

    #[test]
    fn tm042_follows_the_operator_version() {
        let severities = |version: &str, rw: bool, operator: Option<&str>| -> Vec<Severity> {
            findings("TM042", &prometheus(version, rw), operator)
                .iter()
                .map(|f| f.severity)
                .collect()
        };
        // v2.27 parses with Masterminds/semver: never a finding.
        assert!(severities("v2.27", true, Some("v1.6.6")).is_empty());
        assert!(severities("v2.27", false, Some("v1.5.0")).is_empty());
        // Without remoteWrite: v1.4.0–v1.6.5 fail, v1.6.6 and v1.3.x do not.
        assert_eq!(
            severities("latest", false, Some("v1.4.0")),
            [Severity::Error]
        );
        assert_eq!(
            severities("latest", false, Some("v1.6.5")),
            [Severity::Error]
        );
        assert!(severities("latest", false, Some("v1.6.6")).is_empty());
        assert!(severities("latest", false, Some("v1.3.10")).is_empty());
        // With remoteWrite: v1.4.0 and later fail, v1.3.x does not parse it.
        assert_eq!(
            severities("latest", true, Some("v1.6.6")),
            [Severity::Error]
        );
        assert!(severities("latest", true, Some("v1.3.10")).is_empty());
        // Unknown operator: remoteWrite fails anyway; without it, an info naming the affected versions.
        assert_eq!(severities("latest", true, None), [Severity::Error]);
        assert_eq!(severities("latest", false, None), [Severity::Info]);
    }

    #[test]
    fn durations_and_quantities() {
        for ok in ["15d", "1y2w", "12h30m", "500ms", "0", "90s"] {
            assert!(is_prometheus_duration(ok), "{ok}");
        }
        for bad in ["", "30 days", "1d1y", "d", "15", "1.5h", "-1d"] {
            assert!(!is_prometheus_duration(bad), "{bad}");
        }
        assert_eq!(quantity_bytes("10Gi"), Some(10.0 * 1024f64.powi(3)));
        assert_eq!(quantity_bytes("500M"), Some(5e8));
        assert_eq!(quantity_bytes("ten"), None);
    }

    #[test]
    fn tm043_empty_and_compound_durations() {
        let with = |retention: &str| {
            prometheus("v2.53.2", false).replace(
                "version: v2.53.2}",
                &format!("version: v2.53.2, retentionTime: {retention}}}"),
            )
        };
        let count = |retention: &str, operator: Option<&str>| {
            findings("TM043", &with(retention), operator).len()
        };
        assert_eq!(count("''", Some("v1.6.6")), 1);
        assert_eq!(count("''", Some("v1.2.7")), 1);
        assert_eq!(count("1y2w", Some("v1.6.6")), 0);
        assert_eq!(count("1y2w", None), 0);
        assert_eq!(count("1y2w", Some("v1.2.7")), 1);
        assert_eq!(count("30d", Some("v1.2.7")), 0);
        assert_eq!(count("'0'", Some("v1.3.0")), 0);
        assert_eq!(count("'0'", Some("v1.2.0")), 1);
        for ok in ["15d", "500ms", "90s"] {
            assert!(is_single_unit_duration(ok), "{ok}");
        }
        for bad in ["", "0", "1y2w", "d", "15", "30 days"] {
            assert!(!is_single_unit_duration(bad), "{bad}");
        }
    }

    #[test]
    fn tm047_checks_the_dm_initializer() {
        let base = prometheus("v2.53.2", false);
        let dm = |block: &str| {
            base.replace(
                "  clusters: [{name: db}]\n",
                &format!("  clusters: [{{name: db}}]\n  dm: {block}\n"),
            )
        };
        let messages = |yaml: &str| -> Vec<String> {
            findings("TM047", yaml, None)
                .into_iter()
                .map(|f| f.message)
                .collect()
        };
        assert!(messages(&base).is_empty());
        let missing = messages(&dm("{clusters: [{name: dm}]}"));
        assert!(
            missing.len() == 1 && missing[0].contains("dm.initializer (block missing)"),
            "{missing:?}"
        );
        let no_version = messages(&dm(
            "{clusters: [{name: dm}], initializer: {baseImage: pingcap/dm-monitor-initializer}}",
        ));
        assert!(
            no_version.len() == 1 && no_version[0].contains("dm.initializer (no version)"),
            "{no_version:?}"
        );
        assert!(messages(&dm("{clusters: [{name: dm}], initializer: {baseImage: pingcap/dm-monitor-initializer, version: v8.5.7}}")).is_empty());
        assert!(messages(&dm("{clusters: []}")).is_empty());
    }

    #[test]
    fn tm051_only_when_a_pvc_would_match() {
        let estate = |monitor_spec: &str| {
            format!(
                "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: basic, namespace: team}}\nspec:\n  clusters: [{{name: basic}}]\n{monitor_spec}  prometheus: {{baseImage: prom/prometheus, version: v2.53.2}}\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: basic, namespace: team}}\nspec: {{pd: {{replicas: 1}}}}\n"
            )
        };
        // The upstream basic example: same name, no persistence, no PVC.
        assert!(findings("TM051", &estate(""), None).is_empty());
        assert!(findings("TM051", &estate("  persistent: true\n"), None).is_empty());
        assert_eq!(
            findings(
                "TM051",
                &estate("  persistent: true\n  storage: 10Gi\n"),
                None
            )
            .len(),
            1
        );
        assert!(findings("TM051", &estate("  storage: 10Gi\n"), None).is_empty());
    }

    #[test]
    fn masterminds_semver_grammar() {
        for ok in [
            "v2.27",
            "2",
            "v2.53.2",
            "2.27.1-rc.0",
            "v2.0.0+build.1",
            "v3.0.0-rc-1+x",
        ] {
            assert!(is_masterminds_semver(ok), "{ok}");
        }
        for bad in [
            "",
            "latest",
            "v2.27.x",
            "v2.27.1.4",
            "sha-abc",
            "v",
            "2..1",
            "v2.1-",
            "v2.1-rc..1",
            "99999999999999999999",
        ] {
            assert!(!is_masterminds_semver(bad), "{bad}");
        }
    }
}
