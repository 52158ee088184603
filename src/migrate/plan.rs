//! The order in which nothing is lost, printed before the objects: run both stacks side by side until the new
//! one holds a retention's worth of data (or, for prometheus-operator, a Thanos Query reads both), move to the new
//! Grafana (or switch your own) and TiDB Dashboard, then delete the TidbMonitor, with the exact commands, and the
//! facts of the monitor's volumes that decide whether one can be reused. The plugin runs none of these commands.

use super::To;
use crate::core::metric_storage;
use crate::core::scraping::groups_of;
use crate::model::{PersistentVolumeClaim, TidbMonitor};
use crate::naming;
use crate::naming::v2::METRIC_STORAGE;
use crate::snapshot::{Kind, Lookup, Snapshot};

/// The plan for one monitor migrated `to` a stack, as header lines (without `# `).
pub fn plan(snapshot: &Snapshot, monitor: &TidbMonitor, to: To) -> Vec<String> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let url = to.query_url(ns, name);
    let retention = crate::core::monitors::retention(monitor);
    let shards = monitor.spec.shards();
    let mut lines = vec![format!(
        "Plan for TidbMonitor {ns}/{name} (the plugin deletes nothing; run these yourself, in order):"
    )];
    let flag = match to {
        To::PrometheusOperator => String::new(),
        to => format!(" --to {}", to.name()),
    };
    lines.push(format!(
        "  1. Create the new stack beside the TidbMonitor (check first with --dry-run=server): kubectl tidbmonitor migrate -n {ns} {name}{flag} --apply"
    ));
    lines.push(match to {
        To::PrometheusOperator => format!(
            "  2. Wait until it scrapes: kubectl -n {ns} rollout status statefulset/prometheus-{name}"
        ),
        // Both report `status.updateStatus: operational` once their Deployments are ready (vmextra_types.go:34).
        To::Victoriametrics => format!(
            "  2. Wait until it scrapes: kubectl -n {ns} wait vmsingle/{name} vmagent/{name} --for=jsonpath='{{.status.updateStatus}}'=operational --timeout=10m"
        ),
    });
    let store = match to {
        To::PrometheusOperator => "the new Prometheus",
        To::Victoriametrics => "the VMSingle",
    };
    let side_by_side = format!(
        "  3. Keep both running until {store} holds a retention's worth of data ({retention}); both scrape the same targets meanwhile"
    );
    lines.push(match (to, monitor.spec.thanos.is_some()) {
        (To::PrometheusOperator, true) => format!(
            "{side_by_side}, or at once add the new sidecars to your Thanos Query (--endpoint=dnssrv+_grpc._tcp.prometheus-operated.{ns}.svc) so it reads both; the job labels differ (<ns>-<cluster>-<component> before, <component> after), so it cannot deduplicate the two and sums count twice until the TidbMonitor is deleted"
        ),
        (To::Victoriametrics, true) => format!(
            "{side_by_side}. The blocks the Thanos sidecar uploaded stay in its bucket: keep a Thanos Store and Query over them for the history before the switch, since VictoriaMetrics neither reads nor writes them"
        ),
        (_, false) => side_by_side,
    });
    let api = match to {
        To::PrometheusOperator => "",
        To::Victoriametrics => " (VictoriaMetrics answers the Prometheus query API)",
    };
    // Prometheus shards each hold part of the series; every VMAgent shard writes to the one VMSingle.
    let sharded = shards > 1 && to == To::PrometheusOperator;
    if monitor.spec.grafana.is_some() {
        // The migration builds the monitor's Grafana beside it (`migrate::monitor_grafana`), reading `url`.
        let datasource = if sharded {
            format!(
                "; with {shards} shards point its datasource at a Thanos Query over every shard, since {url} alone answers with one shard's series"
            )
        } else {
            format!(", its datasource already reading {url}{api}")
        };
        lines.push(format!(
            "  4. Move your users to the new Grafana, Service grafana-{name} port 3000 (kubectl -n {ns} port-forward service/grafana-{name} 3000){datasource}; the TidbMonitor's own Grafana ({name}-grafana) goes with it in step 6"
        ));
    } else if sharded {
        lines.push(format!(
            "  4. Switch Grafana's Prometheus datasource to a Thanos Query over every shard: {shards} shards each hold part of the series, so {url} alone answers with one shard's"
        ));
    } else {
        lines.push(format!(
            "  4. Switch Grafana's Prometheus datasource to {url}{api}"
        ));
    }
    lines.extend(dashboard_lines(snapshot, monitor, &url, to));
    // `--to victoriametrics` carries no alerting over (`fields`: no VMAlert): the monitor's alerts end with it.
    let alerts_end = if to == To::Victoriametrics && super::alerts::alerts(monitor) {
        "; its alerts stop with it, and VictoriaMetrics evaluates none of them until you run a VMAlert (the header's \"not carried over\" lines say how)"
    } else {
        ""
    };
    lines.push(format!(
        "  6. Then delete the TidbMonitor: kubectl -n {ns} delete tidbmonitor {name}{alerts_end}"
    ));
    lines.extend(storage_lines(snapshot, monitor, to));
    lines
}

/// Step 5: TiDB Dashboard reads metrics from PD's `metric-storage`, else from the `/topology/prometheus` key the
/// TidbMonitor refreshes every reconcile with a 600 s TTL (v1.6.6 monitor_manager.go:764-800, reference §9):
/// once the monitor is gone the key expires, so `metric-storage` must name the new Prometheus before.
fn dashboard_lines(snapshot: &Snapshot, monitor: &TidbMonitor, url: &str, to: To) -> Vec<String> {
    let shards = monitor.spec.shards();
    let mut lines = vec![format!(
        "  5. Point TiDB Dashboard at the new {} before the TidbMonitor goes (its /topology/prometheus key expires 10 min after): set PD's [pd-server] {METRIC_STORAGE} = \"{url}\"{}",
        match to {
            To::PrometheusOperator => "Prometheus",
            To::Victoriametrics => "VMSingle",
        },
        if shards > 1 && to == To::PrometheusOperator {
            format!(" (with {shards} shards: your Thanos Query's URL instead)")
        } else {
            String::new()
        }
    )];
    for tc in snapshot.clusters.iter().filter(|tc| {
        tc.spec.pd.is_some()
            && crate::core::clusters::lists(monitor, &monitor.spec.clusters, &tc.metadata)
    }) {
        let (cns, cname) = (tc.metadata.namespace(), tc.metadata.name.as_str());
        let already = tc
            .spec
            .pd
            .as_ref()
            .is_some_and(|pd| pd.config_sets_metric_storage);
        lines.push(if already {
            format!(
                "     TidbCluster {cns}/{cname} already sets {METRIC_STORAGE} in spec.pd.config: change it to this URL (kubectl -n {cns} edit tidbcluster {cname})"
            )
        } else {
            format!(
                "     TidbCluster {cns}/{cname}: add it under [pd-server] in spec.pd.config: kubectl -n {cns} edit tidbcluster {cname}"
            )
        });
    }
    for cluster in snapshot
        .v2_clusters
        .iter()
        .filter(|c| crate::core::clusters::lists(monitor, &monitor.spec.clusters, &c.metadata))
    {
        for group in groups_of(snapshot, cluster)
            .into_iter()
            .filter(|g| g.kind == Kind::PdGroup)
        {
            let config = group.spec.template.spec.config.as_deref().unwrap_or("");
            // A second metric-storage key would make the TOML invalid: an existing one is changed by hand.
            lines.push(if metric_storage::sets_metric_storage(config) {
                format!(
                    "     PDGroup {}/{} already sets {METRIC_STORAGE} in spec.template.spec.config: change it to this URL (kubectl -n {} edit pdgroup {})",
                    group.metadata.namespace(),
                    group.metadata.name,
                    group.metadata.namespace(),
                    group.metadata.name
                )
            } else {
                format!("     {}", metric_storage::patch_command(group, url))
            });
        }
    }
    lines
}

/// The claims tidb-operator made for the monitor: `tidbmonitor-<statefulset>-<ordinal>` per shard and replica
/// (volumeClaimTemplate `tidbmonitor`, util.go:1343-1361), or the legacy v1.1 `<name>-monitor`.
fn claims<'a>(
    snapshot: &'a Snapshot,
    monitor: &TidbMonitor,
) -> Lookup<Vec<&'a PersistentVolumeClaim>> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let mut names = vec![naming::legacy_pvc(name)];
    for shard in 0..monitor.spec.shards() {
        for ordinal in 0..monitor.spec.replicas() {
            names.push(naming::monitor_pvc(name, shard, ordinal));
        }
    }
    let mut found = Vec::new();
    let mut unknown = false;
    for claim in &names {
        match snapshot.pvc(ns, claim) {
            Lookup::Found(pvc) => found.push(pvc),
            Lookup::Missing => {}
            Lookup::Unknown => unknown = true,
        }
    }
    // Offline, a claim absent from the files is unknown rather than missing: report what was found.
    if found.is_empty() && unknown {
        Lookup::Unknown
    } else {
        Lookup::Found(found)
    }
}

fn storage_lines(snapshot: &Snapshot, monitor: &TidbMonitor, to: To) -> Vec<String> {
    let (ns, name) = (monitor.metadata.namespace(), monitor.metadata.name.as_str());
    let found = match claims(snapshot, monitor) {
        Lookup::Unknown => {
            return vec![format!(
                "  Volumes: no claim of this monitor could be read (offline: none in the files); list them with kubectl -n {ns} get pvc -l app.kubernetes.io/instance={name},app.kubernetes.io/component=monitor"
            )];
        }
        Lookup::Missing => Vec::new(),
        Lookup::Found(found) => found,
    };
    if found.is_empty() {
        return vec![if monitor.spec.persistent {
            "  Volumes: no claim of this monitor was found; nothing to keep".to_string()
        } else {
            "  Volumes: none (persistent is false: its data lives in an emptyDir and goes with its pods)".to_string()
        }];
    }
    let mut lines = vec!["  Volumes (what decides whether one can be reused):".to_string()];
    let mut deletes = false;
    for pvc in found {
        let size = pvc
            .spec
            .resources
            .requests
            .get("storage")
            .map(String::as_str)
            .unwrap_or("size unknown");
        let class = pvc
            .spec
            .storage_class_name
            .as_deref()
            .unwrap_or("no storage class");
        let pv = match pvc.spec.volume_name.as_deref().filter(|v| !v.is_empty()) {
            None => "not bound".to_string(),
            Some(volume) => match snapshot.pv(volume) {
                Lookup::Found(pv) => {
                    let policy = pv
                        .spec
                        .persistent_volume_reclaim_policy
                        .as_deref()
                        .unwrap_or("Delete");
                    deletes |= policy == "Delete";
                    format!("PV {volume}, reclaim policy {policy}")
                }
                Lookup::Missing => format!("PV {volume} (not found)"),
                Lookup::Unknown => format!("PV {volume} (reclaim policy not readable)"),
            },
        };
        lines.push(format!(
            "    PVC {ns}/{}: {size}, {class}, {pv}",
            pvc.metadata.name
        ));
    }
    if deletes {
        lines.push("    A Delete policy destroys the data with its claim: to keep it, first kubectl patch pv PV -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'".to_string());
    }
    lines.push(match to {
        To::PrometheusOperator => format!(
            "    Side by side needs no reuse: the new Prometheus gets its own claims (prometheus-{name}-db-prometheus-{name}-N). To start it on an old volume instead, keep the PV (Retain), remove its claimRef, pre-create that claim with volumeName set, and move the TSDB from prometheus/ (TidbMonitor's /data/prometheus) to prometheus-db/ (prometheus-operator's subPath)"
        ),
        // The VMSingle's claim is `vmsingle-NAME` (factory/vmsingle/vmsingle.go:59-75, v0.74.1).
        To::Victoriametrics => format!(
            "    Side by side needs no reuse: the VMSingle gets its own claim ({}). VictoriaMetrics cannot open a Prometheus TSDB: to keep the history past the overlap, import a snapshot of it with vmctl (vmctl prometheus --prom-snapshot=DIR --vm-addr={})",
            naming::vm::vmsingle(name),
            to.query_url(ns, name)
        ),
    });
    lines
}
