//! Every name and label tidb-operator gives the objects of a monitor or cluster, in one place
//! (`pkg/monitor/monitor/util.go`, `pkg/util/util.go` on release-1.6). Views, checks and scaffolds ask here.

/// `X-monitor`: shard-0 StatefulSet, ConfigMap, ServiceAccount, and the legacy (v1.1) Deployment and PVC.
pub fn monitor_object(monitor: &str) -> String {
    format!("{monitor}-monitor")
}

/// The StatefulSet of shard `shard`: `X-monitor`, then `X-monitor-shard-<s>`.
pub fn shard_statefulset(monitor: &str, shard: i32) -> String {
    if shard == 0 {
        monitor_object(monitor)
    } else {
        format!("{monitor}-monitor-shard-{shard}")
    }
}

/// The legacy v1.1 Deployment, still present until migration deletes it.
pub fn legacy_deployment(monitor: &str) -> String {
    monitor_object(monitor)
}

/// The legacy v1.1 PVC that migration hands over to the StatefulSet.
pub fn legacy_pvc(monitor: &str) -> String {
    monitor_object(monitor)
}

/// The PVC of replica 0 of shard 0, which receives the migrated volume: `tidbmonitor-X-monitor-0`.
pub fn first_pvc(monitor: &str) -> String {
    format!("tidbmonitor-{}-0", monitor_object(monitor))
}

/// The `app.kubernetes.io/instance` label of a shard's pods: `X`, then `X-shard-<s>`.
pub fn shard_instance(monitor: &str, shard: i32) -> String {
    with_shard(monitor.to_string(), shard)
}

/// The headless Service `scaffold thanos` adds per shard so a querier reaches every replica.
pub fn thanos_sidecar_service(monitor: &str, shard: i32) -> String {
    format!("{}-thanos-sidecar", shard_instance(monitor, shard))
}

/// `X-prometheus` (+ `-shard-<s>`): carries the Thanos gRPC port when the sidecar runs.
pub fn prometheus_service(monitor: &str, shard: i32) -> String {
    with_shard(format!("{monitor}-prometheus"), shard)
}

fn with_shard(base: String, shard: i32) -> String {
    if shard == 0 {
        base
    } else {
        format!("{base}-shard-{shard}")
    }
}

/// The client certificate Secret the monitor reads for a TLS TidbCluster, in the cluster's namespace.
pub fn cluster_client_secret(cluster: &str) -> String {
    format!("{cluster}-cluster-client-secret")
}

/// The client certificate Secret for a TLS DMCluster.
pub fn dm_client_secret(dm_cluster: &str) -> String {
    format!("{dm_cluster}-dm-client-secret")
}

/// The operator's controller Deployment, whose image tag tells the operator version.
pub const OPERATOR_DEPLOYMENT: &str = "tidb-controller-manager";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_operator() {
        assert_eq!(shard_statefulset("basic", 0), "basic-monitor");
        assert_eq!(shard_statefulset("basic", 2), "basic-monitor-shard-2");
        assert_eq!(first_pvc("basic"), "tidbmonitor-basic-monitor-0");
        assert_eq!(prometheus_service("basic", 1), "basic-prometheus-shard-1");
        assert_eq!(cluster_client_secret("ns1"), "ns1-cluster-client-secret");
    }
}
