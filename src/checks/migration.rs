//! The Deployment → StatefulSet migration of v1.2.0 (`smoothMigrationToStatefulSet`): stalls, data loss,
//! both workloads running, volumes that will not fit.

use super::util::monitor_id;
use super::{Context, Emitter, Rule, Severity};
use crate::model::TidbMonitor;
use crate::naming;
use crate::snapshot::{Lookup, Snapshot};

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
        check: legacy_deployment,
    },
    Rule {
        id: "TM021",
        severity: Severity::Error,
        title: "Legacy monitor volume has reclaim policy Delete: the migration stalls",
        explanation: "The migration refuses to move a PV whose reclaim policy is `Delete` (deleting the old PVC would \
            delete the data). It only logs this and reports no error: the Deployment is already gone and no StatefulSet \
            is created, so monitoring is down. The operator's reclaim sync may flip the PV to `spec.pvReclaimPolicy` \
            (default Retain), but never if that is `Delete` or the old PVC lost the monitor labels.",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Delete, storageClassName: standard, capacity: {storage: 10Gi}, claimRef: {name: mon-monitor, namespace: db}}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Retain, storageClassName: standard, capacity: {storage: 10Gi}, claimRef: {name: mon-monitor, namespace: db}}\n"
        ),
        fix: "`kubectl patch pv <pv> -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Retain\"}}'` before (or during) the upgrade.",
        example_operator: None,
        check: reclaim_delete,
    },
    Rule {
        id: "TM022",
        severity: Severity::Error,
        title: "Legacy monitor volume has reclaim policy Recycle: the migration wipes it",
        explanation: "The migration deletes the old PVC `<monitor>-monitor` before re-binding its PV to the StatefulSet's \
            claim. It refuses `Delete` but not `Recycle`: the volume is scrubbed and the migrated Prometheus starts empty.",
        bad: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Recycle, storageClassName: standard, capacity: {storage: 10Gi}}\n"
        ),
        good: with_legacy!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mon-monitor, namespace: db}\nspec: {storageClassName: standard, volumeName: pv-mon, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Bound}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-mon}\nspec: {persistentVolumeReclaimPolicy: Retain, storageClassName: standard, capacity: {storage: 10Gi}}\n"
        ),
        fix: "Set the PV's reclaim policy to Retain before upgrading tidb-operator.",
        example_operator: None,
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
        fix: "Give the operator PV permission (`controllerManager.clusterPermissions.persistentvolume: true` in the chart) so it migrates, or delete the old Deployment once its data is no longer needed.",
        example_operator: None,
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

/// The old PVC `X-monitor` and its PV, for persistent monitors; unresolved lookups are reported.
/// Only TM021 says what it could not read, so one gap is reported once, not by four rules.
fn legacy_volume<'a>(
    snapshot: &'a Snapshot,
    monitor: &TidbMonitor,
    e: &mut Emitter,
    report_unresolved: bool,
) -> Option<(
    &'a crate::model::PersistentVolumeClaim,
    Option<&'a crate::model::PersistentVolume>,
)> {
    if !monitor.spec.persistent {
        return None;
    }
    let ns = monitor.metadata.namespace();
    let pvc_name = naming::legacy_pvc(&monitor.metadata.name);
    let id = monitor_id(monitor);
    let pvc = match snapshot.pvc(ns, &pvc_name) {
        Lookup::Found(pvc) => pvc,
        Lookup::Missing => return None,
        // Only worth saying when a legacy Deployment suggests a migration is due.
        Lookup::Unknown => {
            if report_unresolved
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
    let volume = pvc.spec.volume_name.as_deref().filter(|v| !v.is_empty());
    let pv = match volume {
        None => None,
        Some(pv_name) => match snapshot.pv(pv_name) {
            Lookup::Found(pv) => Some(pv),
            Lookup::Missing => None,
            Lookup::Unknown => {
                if report_unresolved {
                    e.unresolved(id, format!("PersistentVolume {pv_name}"));
                }
                return None;
            }
        },
    };
    Some((pvc, pv))
}

fn reclaim_delete(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((pvc, Some(pv))) = legacy_volume(snapshot, monitor, e, true) else {
            continue;
        };
        if pv.spec.persistent_volume_reclaim_policy.as_deref() == Some("Delete") {
            let permanent = monitor.spec.pv_reclaim_policy.as_deref() == Some("Delete");
            e.report(
                monitor_id(monitor),
                format!(
                    "old PVC {}/{} is bound to PV {} with reclaim policy Delete: the migration refuses it and monitoring stays down{}",
                    pvc.metadata.namespace(),
                    pvc.metadata.name,
                    pv.metadata.name,
                    if permanent { " (permanently: spec.pvReclaimPolicy is Delete too)" } else { "" }
                ),
                format!("kubectl patch pv {} -p '{{\"spec\":{{\"persistentVolumeReclaimPolicy\":\"Retain\"}}}}'", pv.metadata.name),
            );
        }
    }
}

fn reclaim_recycle(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((pvc, Some(pv))) = legacy_volume(snapshot, monitor, e, false) else {
            continue;
        };
        if pv.spec.persistent_volume_reclaim_policy.as_deref() == Some("Recycle") {
            e.report(
                monitor_id(monitor),
                format!(
                    "old PVC {}/{} is bound to PV {} with reclaim policy Recycle: the migration deletes the claim and the data is scrubbed",
                    pvc.metadata.namespace(),
                    pvc.metadata.name,
                    pv.metadata.name
                ),
                format!("kubectl patch pv {} -p '{{\"spec\":{{\"persistentVolumeReclaimPolicy\":\"Retain\"}}}}'", pv.metadata.name),
            );
        }
    }
}

fn status_pv_missing(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let pv_name = monitor
            .status
            .deployment_storage_status
            .as_ref()
            .and_then(|s| s.pv_name.as_deref())
            .filter(|p| !p.is_empty());
        let Some(pv_name) = pv_name else { continue };
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
                "grant the operator PV permission so it migrates, or delete the Deployment once its data is not needed",
            );
        }
    }
}

fn storage_mismatch(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let Some((pvc, pv)) = legacy_volume(snapshot, monitor, e, false) else {
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
        let Some((pvc, _)) = legacy_volume(snapshot, monitor, e, false) else {
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
