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

/// tidb-operator v2 (`core.pingcap.com`): the components, their groups and the pods the operator builds for
/// them, as of v2.0.1 (pingcap/tidb-operator@v2.0.1; paths below are under `pkg/controllers`, `api/core/v1alpha1`
/// and `pkg/apiutil/core/v1alpha1`). One row per component; every command reads this table.
pub mod v2 {
    use crate::snapshot::Kind;

    /// The labels every v2 pod carries (apiutil instance.go:161-177); a group's Services carry the first four.
    pub const MANAGED_BY: &str = "pingcap.com/managed-by";
    pub const COMPONENT: &str = "pingcap.com/component";
    pub const CLUSTER: &str = "pingcap.com/cluster";
    pub const GROUP: &str = "pingcap.com/group";
    /// Per pod (value differs between pods of one group).
    pub const INSTANCE: &str = "pingcap.com/instance";
    pub const REVISION: &str = "pingcap.com/instance-revision-hash";
    pub const OPERATOR: &str = "tidb-operator";

    /// The annotation holding the metrics port of every v2 pod (pkg/utils/k8s/pod.go:46-52), and TiFlash's
    /// second one for its proxy (controllers/tiflash/tasks/pod.go:143-144).
    pub const PORT_ANNOTATION: &str = "prometheus.io/port";
    pub const TIFLASH_PROXY_PORT_ANNOTATION: &str = "tiflash.proxy.prometheus.io/port";

    /// One port a component's pods serve metrics on.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct MetricsPort {
        /// Container port name; also the key under `template.spec.server.ports` when the user moves it.
        pub name: &'static str,
        pub default: i32,
        /// The pod annotation that announces it.
        pub annotation: &'static str,
        /// The `job` the upstream dashboards expect for series of this port.
        pub job: &'static str,
    }

    /// A container of the pod and its declared ports (`name`, default number).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ContainerShape {
        pub name: &'static str,
        pub ports: &'static [(&'static str, i32)],
        /// Listed under `initContainers` (sidecars with restartPolicy Always, or one-shot helpers).
        pub init: bool,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Component {
        /// `pingcap.com/component` of the pods and the `component` label dashboards filter on.
        pub name: &'static str,
        pub group_kind: Kind,
        pub metrics: &'static [MetricsPort],
        pub containers: &'static [ContainerShape],
        /// Whether the pods still carry the deprecated `app.kubernetes.io/{component,instance,managed-by,name}`
        /// labels (pkg/utils/k8s/pod.go:63-73); TSO, Scheduling and Scheduler pods do not.
        pub deprecated_labels: bool,
        /// The extra ClusterIP Service `<group>-<component>` besides the headless peer Service, with its ports.
        pub client_service_ports: &'static [&'static str],
        /// Ports of the headless `<group>-<component>-peer` Service.
        pub peer_service_ports: &'static [&'static str],
    }

    const fn port(name: &'static str, default: i32, job: &'static str) -> MetricsPort {
        MetricsPort {
            name,
            default,
            annotation: PORT_ANNOTATION,
            job,
        }
    }

    /// Ports: api/core/v1alpha1/<comp>_types.go; containers and init containers: controllers/<comp>/tasks/pod.go;
    /// Services: controllers/<comp>group/tasks/svc.go (v2.0.1, checked against the fixtures the v2.0.1 builders
    /// produce).
    pub const COMPONENTS: &[Component] = &[
        Component {
            name: "pd",
            group_kind: Kind::PdGroup,
            metrics: &[port("client", 2379, "pd")],
            containers: &[ContainerShape {
                name: "pd",
                ports: &[("client", 2379), ("peer", 2380)],
                init: false,
            }],
            deprecated_labels: true,
            client_service_ports: &["client", "peer"],
            peer_service_ports: &["client", "peer"],
        },
        Component {
            name: "tso",
            group_kind: Kind::TsoGroup,
            metrics: &[port("client", 3379, "tso")],
            containers: &[ContainerShape {
                name: "tso",
                ports: &[("client", 3379)],
                init: false,
            }],
            deprecated_labels: false,
            client_service_ports: &[],
            peer_service_ports: &["client"],
        },
        Component {
            name: "scheduling",
            group_kind: Kind::SchedulingGroup,
            metrics: &[port("client", 3379, "scheduling")],
            containers: &[ContainerShape {
                name: "scheduling",
                ports: &[("client", 3379)],
                init: false,
            }],
            deprecated_labels: false,
            client_service_ports: &[],
            peer_service_ports: &["client"],
        },
        Component {
            name: "scheduler",
            group_kind: Kind::SchedulerGroup,
            metrics: &[port("client", 3379, "scheduler")],
            containers: &[ContainerShape {
                name: "scheduler",
                ports: &[("client", 3379)],
                init: false,
            }],
            deprecated_labels: false,
            client_service_ports: &[],
            peer_service_ports: &["client"],
        },
        Component {
            name: "tikv",
            group_kind: Kind::TikvGroup,
            metrics: &[port("status", 20180, "tikv")],
            containers: &[
                ContainerShape {
                    name: "tikv",
                    ports: &[("client", 20160), ("status", 20180)],
                    init: false,
                },
                ContainerShape {
                    name: "ti-prestop-checker",
                    ports: &[],
                    init: true,
                },
            ],
            deprecated_labels: true,
            client_service_ports: &[],
            peer_service_ports: &["client", "status"],
        },
        Component {
            name: "tidb",
            group_kind: Kind::TidbGroup,
            metrics: &[port("status", 10080, "tidb")],
            containers: &[ContainerShape {
                name: "tidb",
                ports: &[("mysql-client", 4000), ("status", 10080)],
                init: false,
            }],
            deprecated_labels: true,
            client_service_ports: &["mysql-client", "status"],
            peer_service_ports: &["status"],
        },
        Component {
            name: "tiflash",
            group_kind: Kind::TiflashGroup,
            metrics: &[
                port("metrics", 8234, "tiflash"),
                MetricsPort {
                    name: "proxy-metrics",
                    default: 20292,
                    annotation: TIFLASH_PROXY_PORT_ANNOTATION,
                    job: "tiflash",
                },
            ],
            containers: &[
                ContainerShape {
                    name: "tiflash",
                    ports: &[
                        ("tiflash", 3930),
                        ("metrics", 8234),
                        ("proxy", 20170),
                        ("proxy-metrics", 20292),
                    ],
                    init: false,
                },
                ContainerShape {
                    name: "ti-serverlog",
                    ports: &[],
                    init: true,
                },
                ContainerShape {
                    name: "ti-errorlog",
                    ports: &[],
                    init: true,
                },
            ],
            deprecated_labels: true,
            client_service_ports: &[],
            peer_service_ports: &["tiflash", "proxy", "metrics", "proxy-metrics"],
        },
        Component {
            name: "ticdc",
            group_kind: Kind::TicdcGroup,
            metrics: &[port("ticdc", 8300, "ticdc")],
            containers: &[
                ContainerShape {
                    name: "ticdc",
                    ports: &[("ticdc", 8300)],
                    init: false,
                },
                ContainerShape {
                    name: "ti-prestop-checker",
                    ports: &[],
                    init: true,
                },
            ],
            deprecated_labels: true,
            client_service_ports: &[],
            peer_service_ports: &["ticdc"],
        },
        Component {
            name: "tiproxy",
            group_kind: Kind::TiproxyGroup,
            metrics: &[port("api", 3080, "tiproxy")],
            containers: &[ContainerShape {
                name: "tiproxy",
                ports: &[("mysql-client", 6000), ("api", 3080), ("peer", 3081)],
                init: false,
            }],
            deprecated_labels: true,
            client_service_ports: &["mysql-client", "api"],
            peer_service_ports: &["api", "peer"],
        },
    ];

    /// The component a group kind runs.
    pub fn component_of(kind: Kind) -> Option<&'static Component> {
        COMPONENTS.iter().find(|c| c.group_kind == kind)
    }

    /// The headless Service every pod of the group uses as its subdomain: `<group>-<component>-peer`
    /// (controllers/pdgroup/tasks/updater.go:155). Cert SANs and advertised addresses use it.
    pub fn peer_service(group: &str, component: &str) -> String {
        format!("{group}-{component}-peer")
    }

    /// `<group>-<component>`: the ClusterIP Service of PD, TiDB and TiProxy groups.
    pub fn client_service(group: &str, component: &str) -> String {
        format!("{group}-{component}")
    }

    /// The address Prometheus must scrape: `<pod>.<subdomain>.<ns>:<port>`, the name the certificates carry
    /// (pkg/configs/pd/config.go:173-180); the subdomain is [`peer_service`] unless [`CLUSTER_SUBDOMAIN`] is on.
    pub fn scrape_host(pod: &str, subdomain: &str, namespace: &str) -> String {
        format!("{pod}.{subdomain}.{namespace}")
    }

    /// v2.1's feature gate (`Cluster.spec.featureGates`) that puts every pod of a cluster under one headless
    /// Service `<cluster>-cluster` instead of its group's peer Service (v2.1.0 api/meta/v1alpha1/feature.go:78-80,
    /// pkg/apiutil/core/v1alpha1/cluster.go:67-71). v2.0.x has no such gate.
    pub const CLUSTER_SUBDOMAIN: &str = "ClusterSubdomain";

    /// The pods' subdomain under [`CLUSTER_SUBDOMAIN`].
    pub fn cluster_subdomain(cluster: &str) -> String {
        format!("{cluster}-cluster")
    }

    /// A pod name of the group, as the operator forms them: `<group>-<component>-<6 chars>`
    /// (apiutil instance.go:67-74). Used for the representative pod whose discovery labels the plugin evaluates.
    pub fn example_pod(group: &str, component: &str) -> String {
        format!("{group}-{component}-x7k2m9")
    }

    /// The PD config key that points TiDB Dashboard at a Prometheus (v1 pd_config.go:79,443-454).
    pub const METRIC_STORAGE: &str = "metric-storage";
}
