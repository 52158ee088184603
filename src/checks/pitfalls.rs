//! TidbMonitor pitfalls the operator accepts without a word: a Prometheus configuration that is never reloaded,
//! dashboards of another TiDB version or with the cluster selector hidden, an init container that wipes the
//! other's dashboards, objects the sync needs that do not exist, alert rules replaced wholesale.

use super::util::monitor_id;
use super::{Context, Emitter, Rule, Severity, Version};
use crate::snapshot::Snapshot;

/// The `prometheusReloader` block of tidb-operator's examples (v1.6.6 examples/basic/tidb-monitor.yaml).
macro_rules! prometheus_reloader {
    () => {
        "  prometheusReloader: {baseImage: quay.io/prometheus-operator/prometheus-config-reloader, version: v0.49.0}\n"
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
];

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
