//! TidbMonitor pitfalls the operator accepts without a word: a Prometheus configuration that is never reloaded,
//! dashboards of another TiDB version or with the cluster selector hidden, an init container that wipes the
//! other's dashboards, objects the sync needs that do not exist, alert rules replaced wholesale.

use super::util::monitor_id;
use super::{Context, Emitter, Rule, Severity, Version};
use crate::model::{ContainerSpec, TidbCluster};
use crate::snapshot::Snapshot;

/// The `prometheusReloader` block of tidb-operator's examples (v1.6.6 examples/basic/tidb-monitor.yaml).
macro_rules! prometheus_reloader {
    () => {
        "  prometheusReloader: {baseImage: quay.io/prometheus-operator/prometheus-config-reloader, version: v0.49.0}\n"
    };
}

/// A TidbCluster `$name` in `team` running `$version`, with `$extra` spec fields (flow style, may be empty).
macro_rules! tidb_cluster {
    ($name:literal, $version:literal, $extra:literal) => {
        concat!(
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: ",
            $name,
            ", namespace: team}\nspec: {version: ",
            $version,
            ", ",
            $extra,
            "tikv: {replicas: 1}}\n"
        )
    };
}

pub const RULES: &[Rule] = &[
    // tidb-operator v1.6.6 pkg/monitor/monitor/util.go: getMonitorPrometheusContainer (sed into config_out at
    // start), getMonitorPrometheusReloaderContainer (envsubst + /-/reload on change), getMonitorStatefulSet
    // (no checksum of the configuration in the pod template).
    Rule {
        id: "TM054",
        severity: Severity::Warning,
        title: "Monitor without prometheusReloader: configuration changes need a Prometheus restart",
        explanation: "tidb-operator renders the Prometheus configuration into the ConfigMap `<monitor>-monitor` on \
            every sync, but the `prometheus` container (`getMonitorPrometheusContainer`, pkg/monitor/monitor/util.go, \
            v1.2.2 through v1.6.6) copies it with `sed` to `/etc/prometheus/config_out/prometheus.yml` once, when the \
            container starts, and Prometheus reads only that copy. Nothing in the pod template follows the \
            configuration (`getMonitorStatefulSet` adds no checksum), so no rollout happens either. Only the \
            `prometheus-config-reloader` container that `spec.prometheusReloader` adds (#4158: v1.2.2 on release-1.2, \
            v1.3.0) re-renders the copy when the ConfigMap changes and calls `/-/reload`; the `reloader` container \
            watches the alert rules only. Without it, a cluster added to `spec.clusters`, a `remoteWrite`, \
            `externalLabels` or `alertmanagerURL` change nothing until the Prometheus pod restarts. Every upstream \
            example (examples/basic and the others, v1.6.6) sets `prometheusReloader`.",
        bad: monitor!("  clusters: [{name: db}]\n"),
        good: monitor!(concat!(
            "  clusters: [{name: db}]\n",
            prometheus_reloader!()
        )),
        fix: "Add `spec.prometheusReloader: {baseImage: quay.io/prometheus-operator/prometheus-config-reloader, \
            version: v0.49.0}` (tidb-operator v1.2.2+), or restart the Prometheus pods after every change.",
        example_operator: None,
        check: no_prometheus_reloader,
    },
    // tidb-operator v1.6.6 util.go getMonitorInitContainer: image initializer.baseImage:version, whose init.sh
    // (pingcap/monitoring monitor-snapshot/<release>/operator) copies that release's dashboards and rules.
    Rule {
        id: "TM056",
        severity: Severity::Warning,
        title: "Initializer version differs from the monitored cluster's TiDB version",
        explanation: "The Grafana dashboards and alert rules a TidbMonitor installs are those baked into its \
            initializer image (`spec.initializer`, the `monitor-initializer` init container of \
            `getMonitorInitContainer`, pkg/monitor/monitor/util.go, v1.2.0 through v1.6.6; pingcap/monitoring \
            builds one `pingcap/tidb-monitor-initializer` per TiDB release). Dashboards change from one TiDB \
            minor release to the next (metrics are added, renamed and dropped), so an initializer of another \
            major.minor than a cluster's `spec.version` shows empty or wrong panels for it. One monitor has one \
            initializer: clusters of different TiDB versions need separate monitors.",
        bad: concat!(
            monitor!("  clusters: [{name: db, namespace: team}]\n  clusterScoped: true\n"),
            tidb_cluster!("db", "v7.5.6", "pd: {replicas: 1}, ")
        ),
        good: concat!(
            monitor!("  clusters: [{name: db, namespace: team}]\n  clusterScoped: true\n"),
            tidb_cluster!("db", "v8.5.7", "pd: {replicas: 1}, ")
        ),
        fix: "Set `spec.initializer.version` to the clusters' TiDB version (the same tag of \
            pingcap/tidb-monitor-initializer), and keep it in step when upgrading TiDB.",
        example_operator: None,
        check: initializer_version_mismatch,
    },
];

/// The initializer image's version when it is pingcap's `tidb-monitor-initializer` with a release tag: other
/// images (forks, mirrors renamed) or tags like `latest` say nothing about the dashboards inside.
fn pingcap_initializer(container: Option<&ContainerSpec>) -> Option<(&str, Version)> {
    let container = container?;
    let image = container.base_image.as_deref()?;
    let name = image.rsplit('/').next().unwrap_or(image);
    if name != "tidb-monitor-initializer" {
        return None;
    }
    let tag = container.version.as_deref()?;
    Some((tag, tag.parse().ok()?))
}

/// tidb-operator v1.2.2 (release-1.2) and v1.3.0 (#4158) introduced `spec.prometheusReloader`.
const PROMETHEUS_RELOADER_SINCE: Version = Version::new(1, 2, 2);

fn no_prometheus_reloader(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    for monitor in snapshot
        .monitors
        .iter()
        .filter(|m| m.spec.prometheus_reloader.is_none())
    {
        let hint = match context.operator.version() {
            Some(v) if v < PROMETHEUS_RELOADER_SINCE => format!(
                "tidb-operator {v} has no prometheusReloader: upgrade to v1.2.2+ and add spec.prometheusReloader"
            ),
            _ => "add spec.prometheusReloader (quay.io/prometheus-operator/prometheus-config-reloader)".into(),
        };
        e.report(
            monitor_id(monitor),
            "no spec.prometheusReloader: Prometheus reads its configuration only when its container starts, so new clusters, remoteWrite, externalLabels or alertmanagerURL take effect only after the pod restarts",
            hint,
        );
    }
}

/// The TiDB version a cluster runs: `spec.version`, else the first component that names one.
fn cluster_version(tc: &TidbCluster) -> Option<(&str, Version)> {
    let s = &tc.spec;
    let text = s.version.as_deref().filter(|v| !v.is_empty()).or_else(|| {
        [&s.tidb, &s.tikv, &s.pd]
            .into_iter()
            .flatten()
            .find_map(|c| c.version.as_deref().filter(|v| !v.is_empty()))
    })?;
    Some((text, text.parse().ok()?))
}

fn initializer_version_mismatch(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((tag, dashboards)) = pingcap_initializer(monitor.spec.initializer.as_ref()) else {
            continue;
        };
        let own = monitor.metadata.namespace();
        for r in &monitor.spec.clusters {
            let ns = r.namespace_or(own);
            // A reference that cannot be read is TM010's (missing) or its unresolved note: nothing to compare.
            let Some(tc) = snapshot.cluster(ns, &r.name).found() else {
                continue;
            };
            let Some((text, version)) = cluster_version(tc) else {
                continue;
            };
            if (version.major, version.minor) != (dashboards.major, dashboards.minor) {
                e.report(
                    monitor_id(monitor),
                    format!(
                        "initializer {tag} installs the dashboards and alert rules of TiDB {}.{}, but TidbCluster {ns}/{} runs {text}",
                        dashboards.major, dashboards.minor, r.name
                    ),
                    format!("set spec.initializer.version to {text}"),
                );
            }
        }
    }
}
