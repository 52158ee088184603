//! The Deployment → StatefulSet migration of v1.2.0 (`smoothMigrationToStatefulSet`): stalls, data loss,
//! both workloads running, volumes that will not fit.

use super::util::monitor_id;
use super::{Context, Emitter, Rule, Severity};
use crate::model::TidbMonitor;
use crate::naming;
use crate::snapshot::{Kind, Lookup, Snapshot};

/// A persistent monitor `mon` in `db` over cluster `db`, then the given extra documents.
macro_rules! with_legacy {
    ($rest:expr) => {
        concat!("apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: db}]\n  persistent: true\n  storageClassName: standard\n  storage: 10Gi\n  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v5.4.0}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: db}\nspec: {pd: {replicas: 1}}\n", $rest)
    };
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "TM020",
        severity: Severity::Warning,
        title: "Legacy monitor Deployment not migrated yet",
        explanation: "tidb-operator v1.1 ran the monitor as Deployment `<monitor>-monitor`. From v1.2.0 the operator deletes \
            it and creates StatefulSet `<monitor>-monitor`, moving the PVC's volume over. A Deployment still there with no \
            StatefulSet means an operator older than v1.2.0 or a migration that has not run or is stuck.",
        bad: with_legacy!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n"
        ),
        fix: "Upgrade tidb-operator to v1.2.0+ and check the other migration findings (TM021–TM026) first.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment, Kind::StatefulSet],
        check: legacy_deployment,
    },
    Rule {
        id: "TM021",
        severity: Severity::Error,
        title: "Legacy monitor volume will be Delete when migrated: the migration stalls",
        explanation: "The migration (`smoothMigrationToStatefulSet`, pkg/monitor/monitor/monitor_manager.go, tidb-operator \
            v1.2.0–v1.6.6) refuses a PV whose reclaim policy is `Delete`: it only logs, the Deployment is already gone \
            and no StatefulSet is created, so monitoring is down. The common case heals itself: the refusing pass (and \
            the pass deleting the Deployment) returns without error, so the same sync runs the PV step \
            (`pvManager.SyncMonitor`, pkg/manager/meta/reclaim_policy_manager.go), which sets the PV of every PVC \
            labelled `app.kubernetes.io/name=tidb-cluster, managed-by=tidb-operator, instance=<monitor>, component=monitor` \
            to `spec.pvReclaimPolicy` (default Retain), and the next pass migrates. This rule fires only when it cannot \
            heal: `spec.pvReclaimPolicy` is itself `Delete` (any labelled PV is set to Delete and refused for ever), or \
            the PV is `Delete` and the old PVC lacks those labels (the reclaim sync never touches it).",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Delete, storageClassName: standard, capacity: {storage: 10Gi}, claimRef: {name: mon-monitor, namespace: db}}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mon-monitor\n  namespace: db\n  labels: {app.kubernetes.io/name: tidb-cluster, app.kubernetes.io/managed-by: tidb-operator, app.kubernetes.io/instance: mon, app.kubernetes.io/component: monitor}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Delete, storageClassName: standard, capacity: {storage: 10Gi}, claimRef: {name: mon-monitor, namespace: db}}\n"
        ),
        fix: "Unlabelled PVC: `kubectl patch pv <pv> -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'` before (or during) the upgrade. `spec.pvReclaimPolicy: Delete`: set it to Retain first, then patch the PV.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
            Kind::Deployment,
        ],
        check: reclaim_delete,
    },
    Rule {
        id: "TM022",
        severity: Severity::Error,
        title: "Legacy monitor volume will be Recycle when migrated: the migration wipes it",
        explanation: "The migration deletes the old PVC `<monitor>-monitor` before re-binding its PV to the StatefulSet's \
            claim (`smoothMigrationToStatefulSet`, pkg/monitor/monitor/monitor_manager.go, tidb-operator v1.2.0–v1.6.6). \
            It refuses `Delete` but not `Recycle`: a Recycle volume is scrubbed and the migrated Prometheus starts empty. \
            The common case heals itself: the pass that deletes the legacy Deployment returns without error, so the same \
            sync runs the PV step (`pvManager.SyncMonitor`, pkg/manager/meta/reclaim_policy_manager.go), which sets the PV \
            of every PVC labelled `app.kubernetes.io/name=tidb-cluster, managed-by=tidb-operator, instance=<monitor>, \
            component=monitor` to `spec.pvReclaimPolicy` (default Retain) two passes before the PVC is deleted. This rule \
            fires only when it cannot heal: `spec.pvReclaimPolicy` is itself `Recycle`; the PV is Recycle and the old PVC \
            lacks those labels; or the PV is Recycle and the Deployment is already gone (the pass recording \
            status.deploymentStorageStatus returns a requeue error before the PV step, the next deletes the PVC).",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Recycle, storageClassName: standard, capacity: {storage: 10Gi}}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mon-monitor\n  namespace: db\n  labels: {app.kubernetes.io/name: tidb-cluster, app.kubernetes.io/managed-by: tidb-operator, app.kubernetes.io/instance: mon, app.kubernetes.io/component: monitor}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Recycle, storageClassName: standard, capacity: {storage: 10Gi}}\n"
        ),
        fix: "Set the PV's reclaim policy to Retain before upgrading tidb-operator (and spec.pvReclaimPolicy to Retain if it is Recycle).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
            Kind::Deployment,
        ],
        check: reclaim_recycle,
    },
    Rule {
        id: "TM023",
        severity: Severity::Error,
        title: "Migration status points at a PersistentVolume that does not exist",
        explanation: "During migration the operator records the old volume in `status.deploymentStorageStatus.pvName`. \
            If that PV is gone, every sync fails getting it and no StatefulSet is ever created.",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: db}]\n  persistent: true\n  storage: 10Gi\n  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v5.4.0}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\nstatus: {deploymentStorageStatus: {pvName: pv-gone}}\n",
        good: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: db}]\n  persistent: true\n  storage: 10Gi\n  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v5.4.0}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\nstatus: {deploymentStorageStatus: {pvName: pv-old}}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-old}\nspec: {persistentVolumeReclaimPolicy: Retain, capacity: {storage: 10Gi}}\n",
        fix: "Clear the stale status (edit the TidbMonitor and remove status.deploymentStorageStatus); the operator then creates the StatefulSet with a new volume.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::PersistentVolume],
        check: status_pv_missing,
    },
    Rule {
        id: "TM024",
        severity: Severity::Error,
        title: "Legacy Deployment and StatefulSet both exist",
        explanation: "A namespace-scoped operator without `--cluster-permission-pv` cannot read PVs, so it skips the \
            migration: the old Deployment keeps running beside the new StatefulSet with its own new volume — two \
            Prometheus instances, two Grafanas, history split between them.",
        bad: with_legacy!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n"
        ),
        fix: "Give the operator PV permission (chart value `controllerManager.clusterPermissions.persistentvolumes: true`, the default in charts/tidb-operator/values.yaml v1.2.0–v1.6.6; it sets `-cluster-permission-pv`) so it migrates, or delete the old Deployment once its data is no longer needed.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment, Kind::StatefulSet],
        check: both_workloads,
    },
    Rule {
        id: "TM025",
        severity: Severity::Warning,
        title: "Legacy volume does not fit the new claim (storage class or size)",
        explanation: "The migrated PV is pre-bound to the StatefulSet's claim `tidbmonitor-<monitor>-monitor-0`, which asks \
            for `spec.storageClassName` and `spec.storage`. A different class, or more storage than the old volume has, \
            leaves the claim Pending or gives Prometheus a fresh empty volume while the old PV stays Available.",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: slow, resources: {requests: {storage: 5Gi}}}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, resources: {requests: {storage: 10Gi}}}\n"
        ),
        fix: "Set spec.storageClassName to the old PVC's class and spec.storage to at most the old volume's size before upgrading.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
        ],
        check: storage_mismatch,
    },
    Rule {
        id: "TM026",
        severity: Severity::Warning,
        title: "Legacy monitor PVC is not bound: nothing will be migrated",
        explanation: "The migration skips an unbound old PVC `<monitor>-monitor`: the StatefulSet starts on a new, empty \
            volume and the old claim is left behind.",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Pending}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n"
        ),
        fix: "Find out why the claim is unbound (`kubectl describe pvc`); delete it if its data is not needed.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
        ],
        check: legacy_pvc_unbound,
    },
];

fn legacy_deployment(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
        let deployment = naming::legacy_deployment(name);
        if let Lookup::Found(_) = snapshot.deployment(ns, &deployment) {
            let sts = snapshot.statefulset(ns, &naming::shard_statefulset(name, 0));
            if !matches!(sts, Lookup::Found(_)) {
                e.report(
                    monitor_id(monitor),
                    format!(
                        "still runs as legacy Deployment {ns}/{deployment}; no StatefulSet yet"
                    ),
                    "upgrade tidb-operator to v1.2.0+ after checking the volume (TM021–TM026)",
                );
            }
        }
    }
}

/// The old PVC `X-monitor` of a persistent monitor (`None` for an ephemeral one), and the volume it is bound to.
fn legacy_claim<'a>(
    snapshot: &'a Snapshot,
    monitor: &TidbMonitor,
) -> Option<(
    Lookup<&'a crate::model::PersistentVolumeClaim>,
    Option<&'a str>,
)> {
    if !monitor.spec.persistent {
        return None;
    }
    let lookup = snapshot.pvc(
        monitor.metadata.namespace(),
        &naming::legacy_pvc(&monitor.metadata.name),
    );
    let volume = lookup
        .found()
        .and_then(|pvc| pvc.spec.volume_name.as_deref())
        .filter(|v| !v.is_empty());
    Some((lookup, volume))
}

/// The PersistentVolume a migration recorded in the monitor's status (TM023).
fn recorded_volume(monitor: &TidbMonitor) -> Option<&str> {
    monitor
        .status
        .deployment_storage_status
        .as_ref()
        .and_then(|s| s.pv_name.as_deref())
        .filter(|p| !p.is_empty())
}

/// Every PersistentVolume the rules look up (TM021–TM023, TM025, TM026), given the claims read: the volume of each
/// persistent monitor's old claim and the one a migration recorded. No other rule reads volumes, so a command
/// may read these by name instead of listing every volume of the cluster (`get`).
pub fn volumes_looked_up(snapshot: &Snapshot) -> std::collections::BTreeSet<String> {
    snapshot
        .monitors
        .iter()
        .flat_map(|m| {
            let claimed = legacy_claim(snapshot, m).and_then(|(_, volume)| volume);
            claimed.into_iter().chain(recorded_volume(m))
        })
        .map(String::from)
        .collect()
}

/// The old PVC `X-monitor` and its PV, for persistent monitors; unresolved lookups are reported.
/// Only TM021 says what it could not read, so one gap is reported once, not by four rules.
fn legacy_volume<'a>(
    snapshot: &'a Snapshot,
    monitor: &TidbMonitor,
    e: Option<&mut Emitter>,
    report_unresolved: bool,
) -> Option<(
    &'a crate::model::PersistentVolumeClaim,
    Option<&'a crate::model::PersistentVolume>,
)> {
    let (lookup, volume) = legacy_claim(snapshot, monitor)?;
    let ns = monitor.metadata.namespace();
    let pvc_name = naming::legacy_pvc(&monitor.metadata.name);
    let id = monitor_id(monitor);
    let pvc = match lookup {
        Lookup::Found(pvc) => pvc,
        Lookup::Missing => return None,
        // Only worth saying when a legacy Deployment suggests a migration is due.
        Lookup::Unknown => {
            if let Some(e) = e.filter(|_| report_unresolved)
                && matches!(
                    snapshot.deployment(ns, &naming::legacy_deployment(&monitor.metadata.name)),
                    Lookup::Found(_)
                )
            {
                e.unresolved(id, format!("PersistentVolumeClaim {ns}/{pvc_name}"));
            }
            return None;
        }
    };
    let pv = match volume {
        None => None,
        Some(pv_name) => match snapshot.pv(pv_name) {
            Lookup::Found(pv) => Some(pv),
            Lookup::Missing => None,
            Lookup::Unknown => {
                if let Some(e) = e.filter(|_| report_unresolved) {
                    e.unresolved(id, format!("PersistentVolume {pv_name}"));
                }
                return None;
            }
        },
    };
    Some((pvc, pv))
}

/// How the migration ends for the old volume, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The PV is `Delete` when the migration looks at it: it refuses, for ever (TM021).
    Stall(Cause),
    /// The PV is `Recycle` when the old PVC is deleted: the data is scrubbed (TM022).
    Wipe(Cause),
    Fine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The old PVC lacks the monitor's four labels, so the reclaim sync never touches its PV.
    Unlabeled,
    /// The reclaim sync sets the PV to `spec.pvReclaimPolicy`, which is itself the dangerous policy.
    SpecPolicy,
    /// The legacy Deployment is already gone: no pass runs the reclaim sync before the PVC is deleted.
    DeploymentGone,
}

/// The migration's passes over the old volume (tidb-operator v1.2.0 through v1.6.6 / release-1.6, identical
/// there): `smoothMigrationToStatefulSet` in pkg/monitor/monitor/monitor_manager.go, then — only when it returned
/// `(false, nil)` — the PV step `pvManager.SyncMonitor` (pkg/manager/meta/reclaim_policy_manager.go), which
/// patches the PV of every PVC labelled `app.kubernetes.io/{name: tidb-cluster, managed-by: tidb-operator,
/// instance: <monitor>, component: monitor}` to `spec.pvReclaimPolicy` (defaulted to Retain in
/// pkg/monitor/monitor/util.go). A pass returns `(false, nil)` when it deletes the Deployment and when the PV
/// is `Delete`; the pass that records `status.deploymentStorageStatus` returns a requeue error (no PV step),
/// and the next one deletes the old PVC.
fn migration_outcome(deployment: bool, labeled: bool, spec: &str, pv: &str) -> Outcome {
    // Pass 1 with the Deployment present: it is deleted, then the PV step runs.
    let first = if deployment && labeled { spec } else { pv };
    match first {
        "Delete" => {
            // Refused with (false, nil): the PV step runs and may heal it.
            match if labeled { spec } else { first } {
                "Delete" if labeled => Outcome::Stall(Cause::SpecPolicy),
                "Delete" => Outcome::Stall(Cause::Unlabeled),
                "Recycle" => Outcome::Wipe(Cause::SpecPolicy),
                _ => Outcome::Fine,
            }
        }
        "Recycle" => Outcome::Wipe(if !labeled {
            Cause::Unlabeled
        } else if deployment {
            Cause::SpecPolicy
        } else {
            Cause::DeploymentGone
        }),
        _ => Outcome::Fine,
    }
}

/// Whether the old PVC carries the four labels the reclaim sync selects on (v1.1's `getMonitorPVC` set them).
fn has_monitor_labels(pvc: &crate::model::PersistentVolumeClaim, monitor: &str) -> bool {
    let l = &pvc.metadata.labels;
    [
        ("app.kubernetes.io/name", "tidb-cluster"),
        ("app.kubernetes.io/managed-by", "tidb-operator"),
        ("app.kubernetes.io/instance", monitor),
        ("app.kubernetes.io/component", "monitor"),
    ]
    .iter()
    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
}

/// The migration's outcome for one persistent monitor's old volume; `None` when there is none to judge.
/// When the legacy Deployment could not be read and the outcome depends on it, both outcomes are returned.
fn volume_outcomes(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    e: Option<&mut Emitter>,
    report_unresolved: bool,
) -> Option<(String, String, Vec<Outcome>)> {
    let (pvc, pv) = legacy_volume(snapshot, monitor, e, report_unresolved)?;
    let pv = pv?;
    let name = &monitor.metadata.name;
    let labeled = has_monitor_labels(pvc, name);
    let spec = monitor.spec.pv_reclaim_policy();
    let current = pv
        .spec
        .persistent_volume_reclaim_policy
        .as_deref()
        .unwrap_or("Retain");
    let outcomes = match snapshot.deployment(
        monitor.metadata.namespace(),
        &naming::legacy_deployment(name),
    ) {
        Lookup::Found(_) => vec![migration_outcome(true, labeled, spec, current)],
        Lookup::Missing => vec![migration_outcome(false, labeled, spec, current)],
        Lookup::Unknown => {
            let (a, b) = (
                migration_outcome(true, labeled, spec, current),
                migration_outcome(false, labeled, spec, current),
            );
            if a == b { vec![a] } else { vec![a, b] }
        }
    };
    let volume = format!(
        "old PVC {}/{} is bound to PV {} (reclaim policy {current})",
        pvc.metadata.namespace(),
        pvc.metadata.name,
        pv.metadata.name
    );
    Some((volume, pv.metadata.name.clone(), outcomes))
}

/// What the v1.1 → v1.2 migration will do to a persistent monitor's old volume, as TM021/TM022 judge it
/// (`status` shows it beside the claim): `None` when there is no bound legacy PVC to judge.
pub fn legacy_volume_fate(snapshot: &Snapshot, monitor: &TidbMonitor) -> Option<String> {
    let (_, _, outcomes) = volume_outcomes(snapshot, monitor, None, false)?;
    let spec = monitor.spec.pv_reclaim_policy();
    let fate = |outcome: &Outcome| match outcome {
        Outcome::Stall(cause) => format!("migration stalls (TM021): {}", why(*cause, spec)),
        Outcome::Wipe(cause) => format!("migration wipes the data (TM022): {}", why(*cause, spec)),
        Outcome::Fine => format!(
            "migration keeps the data: the PV is rebound to {}",
            naming::first_pvc(&monitor.metadata.name)
        ),
    };
    Some(match outcomes.as_slice() {
        [only] => fate(only),
        several => format!(
            "depends on the legacy Deployment (not readable): {}",
            several.iter().map(fate).collect::<Vec<_>>().join(" or ")
        ),
    })
}

fn why(cause: Cause, spec_policy: &str) -> String {
    match cause {
        Cause::Unlabeled => "the PVC lacks the monitor labels (app.kubernetes.io/name=tidb-cluster, managed-by=tidb-operator, instance, component=monitor), so the operator's reclaim sync never changes the PV's policy".to_string(),
        Cause::SpecPolicy => format!("spec.pvReclaimPolicy is {spec_policy}, and the operator's reclaim sync sets the PV to it during the migration"),
        Cause::DeploymentGone => "the legacy Deployment is already gone, so no sync runs the reclaim step (which would reset the PV to spec.pvReclaimPolicy) before the old PVC is deleted".to_string(),
    }
}

fn reclaim_fix(cause: Cause, pv: &str) -> String {
    let patch = format!(
        "kubectl patch pv {pv} -p '{{\"spec\":{{\"persistentVolumeReclaimPolicy\":\"Retain\"}}}}'"
    );
    match cause {
        Cause::SpecPolicy => {
            format!("set spec.pvReclaimPolicy: Retain on the TidbMonitor, then {patch}")
        }
        _ => patch,
    }
}

fn reclaim_delete(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    report_outcomes(snapshot, e, true, |outcome| match outcome {
        Outcome::Stall(cause) => Some((
            *cause,
            "the migration will find it Delete, refuse it and keep monitoring down",
        )),
        _ => None,
    });
}

fn reclaim_recycle(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    report_outcomes(snapshot, e, false, |outcome| match outcome {
        Outcome::Wipe(cause) => Some((
            *cause,
            "it will be Recycle when the migration deletes the old claim, so the data is scrubbed",
        )),
        _ => None,
    });
}

/// TM021 and TM022 differ only in the outcome they report: `harm` picks it, with what happens to the data.
/// When the outcome depends on a Deployment that could not be read, the finding is unresolved.
fn report_outcomes(
    snapshot: &Snapshot,
    e: &mut Emitter,
    delete: bool,
    harm: impl Fn(&Outcome) -> Option<(Cause, &'static str)>,
) {
    for monitor in &snapshot.monitors {
        let Some((volume, pv, outcomes)) =
            volume_outcomes(snapshot, monitor, Some(&mut *e), delete)
        else {
            continue;
        };
        let spec = monitor.spec.pv_reclaim_policy();
        let id = monitor_id(monitor);
        match outcomes.as_slice() {
            [only] => {
                if let Some((cause, what)) = harm(only) {
                    e.report(
                        id,
                        format!("{volume}: {what}, because {}", why(cause, spec)),
                        reclaim_fix(cause, &pv),
                    );
                }
            }
            _ if outcomes.iter().any(|o| harm(o).is_some()) => e.unresolved(
                id,
                format!(
                    "Deployment {}/{} (whether the migration's first pass heals {volume})",
                    monitor.metadata.namespace(),
                    naming::legacy_deployment(&monitor.metadata.name)
                ),
            ),
            _ => {}
        }
    }
}

fn status_pv_missing(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some(pv_name) = recorded_volume(monitor) else {
            continue;
        };
        let id = monitor_id(monitor);
        if let Some(None) = e.found(
            snapshot.pv(pv_name),
            &id,
            format!("PersistentVolume {pv_name}"),
        ) {
            e.report(
                id,
                format!("status.deploymentStorageStatus.pvName is {pv_name}, which does not exist: every sync fails and no StatefulSet is created"),
                "remove status.deploymentStorageStatus from the TidbMonitor (kubectl edit)",
            );
        }
    }
}

fn both_workloads(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let (ns, name) = (monitor.metadata.namespace(), &monitor.metadata.name);
        let deployment = snapshot.deployment(ns, &naming::legacy_deployment(name));
        let sts = snapshot.statefulset(ns, &naming::shard_statefulset(name, 0));
        if let (Lookup::Found(_), Lookup::Found(_)) = (deployment, sts) {
            e.report(
                monitor_id(monitor),
                format!("legacy Deployment {ns}/{name}-monitor and StatefulSet {ns}/{name}-monitor both exist: the migration was skipped (operator without PV permission?)"),
                "set controllerManager.clusterPermissions.persistentvolumes: true in the tidb-operator chart so it migrates, or delete the Deployment once its data is not needed",
            );
        }
    }
}

fn storage_mismatch(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((pvc, pv)) = legacy_volume(snapshot, monitor, None, false) else {
            continue;
        };
        let old_class = pv
            .and_then(|pv| pv.spec.storage_class_name.clone())
            .or_else(|| pvc.spec.storage_class_name.clone());
        let new_class = monitor
            .spec
            .storage_class_name
            .clone()
            .filter(|c| !c.is_empty());
        let id = monitor_id(monitor);
        if let (Some(old), Some(new)) = (&old_class, &new_class)
            && old != new
        {
            e.report(
                id.clone(),
                format!("old volume has storage class {old} but spec.storageClassName is {new}: the new claim will not bind it"),
                format!("set spec.storageClassName: {old} before upgrading"),
            );
        }
        let old_size = pv
            .and_then(|pv| pv.spec.capacity.get("storage").cloned())
            .or_else(|| pvc.spec.resources.requests.get("storage").cloned());
        let new_size = monitor.spec.storage.clone();
        if let (Some(old), Some(new)) = (&old_size, &new_size)
            && let (Some(old_bytes), Some(new_bytes)) = (
                super::storage::quantity_bytes(old),
                super::storage::quantity_bytes(new),
            )
            && new_bytes > old_bytes
        {
            e.report(
                id,
                format!("spec.storage {new} is larger than the old volume ({old}): the migrated volume cannot satisfy the claim"),
                format!("set spec.storage to {old} for the migration; expand the volume afterwards"),
            );
        }
    }
}

fn legacy_pvc_unbound(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((pvc, _)) = legacy_volume(snapshot, monitor, None, false) else {
            continue;
        };
        let id = monitor_id(monitor);
        // A manifest without status says nothing about binding (dynamic provisioning binds later).
        let Some(phase) = pvc.status.phase.as_deref() else {
            e.unresolved(
                id,
                format!(
                    "binding of PersistentVolumeClaim {}/{} (no status)",
                    pvc.metadata.namespace(),
                    pvc.metadata.name
                ),
            );
            continue;
        };
        if phase != "Bound" {
            e.report(
                id,
                format!(
                    "old PVC {}/{} is not bound (phase {phase}): its data will not be migrated",
                    pvc.metadata.namespace(),
                    pvc.metadata.name
                ),
                "check it with kubectl describe pvc; delete it if the data is not needed",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_outcome_follows_the_operator_passes() {
        use Cause::*;
        use Outcome::*;
        // Labelled PVC, Deployment present: the PV ends at spec.pvReclaimPolicy whatever it is now.
        for pv in ["Delete", "Recycle", "Retain"] {
            assert_eq!(migration_outcome(true, true, "Retain", pv), Fine, "{pv}");
            assert_eq!(
                migration_outcome(true, true, "Delete", pv),
                Stall(SpecPolicy),
                "{pv}"
            );
            assert_eq!(
                migration_outcome(true, true, "Recycle", pv),
                Wipe(SpecPolicy),
                "{pv}"
            );
        }
        // Labelled PVC, Deployment gone: only the Delete refusal runs the reclaim step.
        assert_eq!(migration_outcome(false, true, "Retain", "Delete"), Fine);
        assert_eq!(
            migration_outcome(false, true, "Delete", "Delete"),
            Stall(SpecPolicy)
        );
        assert_eq!(
            migration_outcome(false, true, "Recycle", "Delete"),
            Wipe(SpecPolicy)
        );
        assert_eq!(
            migration_outcome(false, true, "Retain", "Recycle"),
            Wipe(DeploymentGone)
        );
        assert_eq!(migration_outcome(false, true, "Delete", "Retain"), Fine);
        // Unlabelled PVC: the PV's own policy decides, whatever the spec says.
        for deployment in [true, false] {
            for spec in ["Retain", "Delete", "Recycle"] {
                assert_eq!(
                    migration_outcome(deployment, false, spec, "Delete"),
                    Stall(Unlabeled)
                );
                assert_eq!(
                    migration_outcome(deployment, false, spec, "Recycle"),
                    Wipe(Unlabeled)
                );
                assert_eq!(migration_outcome(deployment, false, spec, "Retain"), Fine);
            }
        }
    }

    fn findings(yaml: &str, rule: &str) -> Vec<String> {
        use crate::snapshot::{Kind, Scope};
        let mut snapshot = Snapshot::default();
        crate::source::files::load_text_into("m.yaml", yaml, "default", &[], &mut snapshot);
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        for kind in Kind::ALL {
            snapshot.scopes.insert(*kind, Scope::AllNamespaces);
        }
        let context = Context {
            operator: super::super::OperatorVersion::Unknown,
            all_namespaces: true,
            offline: false,
        };
        super::super::run(&snapshot, &context, |id| id == rule)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    const LABELLED_PVC: &str = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mon-monitor\n  namespace: db\n  labels: {app.kubernetes.io/name: tidb-cluster, app.kubernetes.io/managed-by: tidb-operator, app.kubernetes.io/instance: mon, app.kubernetes.io/component: monitor}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n";

    fn legacy(spec_policy: Option<&str>, pv_policy: &str, deployment: bool) -> String {
        let mut yaml = with_legacy!("").to_string();
        if let Some(p) = spec_policy {
            yaml = yaml.replace(
                "  persistent: true\n",
                &format!("  persistent: true\n  pvReclaimPolicy: {p}\n"),
            );
        }
        yaml.push_str(LABELLED_PVC);
        yaml.push_str(&format!("---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: pv-mon}}\nspec: {{persistentVolumeReclaimPolicy: {pv_policy}, storageClassName: standard, capacity: {{storage: 10Gi}}}}\n"));
        if deployment {
            yaml.push_str("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mon-monitor, namespace: db}\nspec: {replicas: 1}\n");
        }
        yaml
    }

    #[test]
    fn labelled_volumes_heal_unless_the_spec_policy_is_dangerous() {
        assert!(findings(&legacy(None, "Delete", true), "TM021").is_empty());
        assert!(findings(&legacy(Some("Retain"), "Recycle", true), "TM022").is_empty());
        let stall = findings(&legacy(Some("Delete"), "Retain", true), "TM021");
        assert!(
            stall.len() == 1 && stall[0].contains("spec.pvReclaimPolicy is Delete"),
            "{stall:?}"
        );
        let wipe = findings(&legacy(Some("Recycle"), "Retain", true), "TM022");
        assert!(
            wipe.len() == 1 && wipe[0].contains("spec.pvReclaimPolicy is Recycle"),
            "{wipe:?}"
        );
        let gone = findings(&legacy(None, "Recycle", false), "TM022");
        assert!(
            gone.len() == 1 && gone[0].contains("already gone"),
            "{gone:?}"
        );
    }
}
