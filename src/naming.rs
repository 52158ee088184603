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

/// A shell expression naming one pod of shard 0 of the monitor (its labels, util.go:1300-1302 `buildTidbMonitorLabel`
/// of instance `X`), whether a StatefulSet (`X-monitor-0`) or the v1.1 Deployment runs it: where its Grafana's
/// database and its built-in rules (`/prometheus-rules/rules`) can be copied from.
pub fn monitor_pod_expression(namespace: &str, monitor: &str) -> String {
    format!(
        "\"$(kubectl -n {namespace} get pod -l app.kubernetes.io/instance={monitor},app.kubernetes.io/component=monitor -o jsonpath='{{.items[0].metadata.name}}')\""
    )
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
    monitor_pvc(monitor, 0, 0)
}

/// The PVC of a replica of a shard: volumeClaimTemplate `tidbmonitor` (util.go:1343-1361) on the shard's
/// StatefulSet, so `tidbmonitor-X-monitor[-shard-S]-<ordinal>`.
pub fn monitor_pvc(monitor: &str, shard: i32, ordinal: i32) -> String {
    format!(
        "tidbmonitor-{}-{ordinal}",
        shard_statefulset(monitor, shard)
    )
}

/// The PVC of replica `replica` of shard `shard`: the StatefulSet's claim template `tidbmonitor`, then the pod.
pub fn shard_pvc(monitor: &str, shard: i32, replica: i32) -> String {
    format!(
        "tidbmonitor-{}-{replica}",
        shard_statefulset(monitor, shard)
    )
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

/// The names the VictoriaMetrics operator (v0.74.1) gives the objects of its custom resources: `<kind>-<name>`
/// unless `useLegacyNaming` (`api/operator/v1beta1/vmsingle_types.go:340-345`, `vmagent_types.go:567-572`
/// `PrefixedName`), used for the Deployment, Service, ServiceAccount and the VMSingle's claim
/// (`factory/vmsingle/vmsingle.go:59-75`). Migrations to VictoriaMetrics ask here.
pub mod vm {
    /// `vmsingle-<name>`.
    pub fn vmsingle(name: &str) -> String {
        format!("vmsingle-{name}")
    }

    /// `vmagent-<name>` (a shard's Deployment adds `-<shard>`, `factory/build/shard.go` `ShardName`).
    pub fn vmagent(name: &str) -> String {
        format!("vmagent-{name}")
    }
}

/// What v1 and v2 share: the operator's `managed-by` value, the Prometheus port annotations every pod carries
/// (v1 pkg/controller/controller_utils.go:432-465; v2 pkg/utils/k8s/pod.go:46-52 and
/// controllers/tiflash/tasks/pod.go:143-144), and the shape of a pod's container.
pub const OPERATOR: &str = "tidb-operator";
pub const PORT_ANNOTATION: &str = "prometheus.io/port";
pub const TIFLASH_PROXY_PORT_ANNOTATION: &str = "tiflash.proxy.prometheus.io/port";

/// A container of a pod and its declared ports `(name, default number)`, as the operator builds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerShape {
    pub name: &'static str,
    pub ports: &'static [(&'static str, i32)],
    /// Listed under `initContainers` (sidecars with restartPolicy Always, or one-shot helpers).
    pub init: bool,
}

/// tidb-operator v2 (`core.pingcap.com`): the components, their groups and the pods the operator builds for
/// them, as of v2.0.1 (pingcap/tidb-operator@v2.0.1; paths below are under `pkg/controllers`, `api/core/v1alpha1`
/// and `pkg/apiutil/core/v1alpha1`). One row per component; every command reads this table.
pub mod v2 {
    pub use super::{ContainerShape, OPERATOR, PORT_ANNOTATION, TIFLASH_PROXY_PORT_ANNOTATION};
    use crate::snapshot::Kind;

    /// The labels every v2 pod carries (apiutil instance.go:161-177); a group's Services carry the first four.
    pub const MANAGED_BY: &str = "pingcap.com/managed-by";
    pub const COMPONENT: &str = "pingcap.com/component";
    pub const CLUSTER: &str = "pingcap.com/cluster";
    pub const GROUP: &str = "pingcap.com/group";
    /// Per pod (value differs between pods of one group).
    pub const INSTANCE: &str = "pingcap.com/instance";
    pub const REVISION: &str = "pingcap.com/instance-revision-hash";

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

/// tidb-operator v1 (`pingcap.com/v1alpha1` TidbCluster and DMCluster): the pods, annotations and Services the
/// operator builds for each component, as of v1.6.6 (pingcap/tidb-operator@v1.6.6; `pkg/manager/member/<comp>_member_manager.go`
/// unless said otherwise, `pd_ms_member_manager.go` for TSO and Scheduling). One row per component; `clusters`,
/// `check` (through `core::discovery`) and `scaffold servicemonitor` read this table.
pub mod v1 {
    pub use super::{ContainerShape, OPERATOR, PORT_ANNOTATION, TIFLASH_PROXY_PORT_ANNOTATION};
    /// Every pod and Service of a TidbCluster carries `name=tidb-cluster`, `managed-by=tidb-operator`,
    /// `instance=<instance>` and `component=<comp>` (pkg/apis/label/label.go:250-255 `New()`, `.Instance()`,
    /// `.Component()`); the instance is the TidbCluster's own `app.kubernetes.io/instance` label if it has one,
    /// else its name (pkg/apis/pingcap/v1alpha1/tidbcluster.go:1248-1257 `GetInstanceName`).
    pub const NAME: &str = "app.kubernetes.io/name";
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    pub const COMPONENT: &str = "app.kubernetes.io/component";
    pub const INSTANCE: &str = "app.kubernetes.io/instance";
    /// `peer` on the headless Services of PD, TSO, Scheduling, TiKV, TiDB and TiProxy, `end-user` on their
    /// ClusterIP Services (label.go:345-355); TiFlash, TiCDC and Pump Services carry none.
    pub const USED_BY: &str = "app.kubernetes.io/used-by";
    pub const TIDB_CLUSTER: &str = "tidb-cluster";
    /// DMCluster objects carry `name=dm-cluster` instead (label.go:258-263 `NewDM()`).
    pub const DM_CLUSTER: &str = "dm-cluster";

    /// `AnnProm(port, path)` on every component's pod template (pkg/controller/controller_utils.go:432-439), and
    /// TiFlash's `AnnAdditionalProm("tiflash.proxy", 20292)` (controller_utils.go:458-465,
    /// tiflash_member_manager.go:526-527).
    pub const SCRAPE_ANNOTATION: &str = "prometheus.io/scrape";
    pub const PATH_ANNOTATION: &str = "prometheus.io/path";

    /// One port a component serves metrics on (the number its annotation announces).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct MetricsPort {
        /// How reports name it (`component:name`).
        pub name: &'static str,
        pub number: i32,
        /// The pod annotation that announces it.
        pub annotation: &'static str,
        /// The port of the governing Service a ServiceMonitor keeps for it (the address is then rebuilt from
        /// the annotation: TiKV's 20180 is behind no Service port).
        pub service_port: &'static str,
        /// The declared container port a PodMonitor keeps for it (TiKV's 20180 and TiFlash's 20292 are
        /// undeclared by default, so the main port stands in).
        pub container_port: &'static str,
    }

    /// A Service of the component: `<cluster>-<component><suffix>`, with ports `(name, targetPort number)`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ServiceShape {
        pub suffix: &'static str,
        /// `app.kubernetes.io/used-by`, when the operator sets it.
        pub used_by: Option<&'static str>,
        pub ports: &'static [(&'static str, i32)],
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Component {
        /// `app.kubernetes.io/component` of pods and Services, the StatefulSet `<cluster>-<name>` and the main
        /// container's name.
        pub name: &'static str,
        /// `app.kubernetes.io/name`: [`TIDB_CLUSTER`] or [`DM_CLUSTER`].
        pub app: &'static str,
        /// The `job` the upstream dashboards filter on (tiup's job names).
        pub job: &'static str,
        /// `prometheus.io/path`.
        pub path: &'static str,
        pub metrics: &'static [MetricsPort],
        pub containers: &'static [ContainerShape],
        /// The first one is the StatefulSet's `serviceName` (the pods' DNS subdomain).
        pub services: &'static [ServiceShape],
    }

    impl Component {
        /// The headless Service governing the StatefulSet: `<cluster>-<component>-peer` (`<cluster>-pump`).
        pub fn governing_service(&self, cluster: &str) -> String {
            format!("{cluster}-{}{}", self.name, self.services[0].suffix)
        }

        /// Whether its governing Service is told apart from a client Service by `used-by=peer`.
        pub fn peer_labelled(&self) -> bool {
            self.services[0].used_by == Some("peer")
        }
    }

    const fn metrics(
        name: &'static str,
        number: i32,
        service_port: &'static str,
        container_port: &'static str,
    ) -> MetricsPort {
        MetricsPort {
            name,
            number,
            annotation: PORT_ANNOTATION,
            service_port,
            container_port,
        }
    }

    const fn main(name: &'static str, ports: &'static [(&'static str, i32)]) -> ContainerShape {
        ContainerShape {
            name,
            ports,
            init: false,
        }
    }

    const fn sidecar(name: &'static str, init: bool) -> ContainerShape {
        ContainerShape {
            name,
            ports: &[],
            init,
        }
    }

    const PEER: Option<&str> = Some("peer");
    const END_USER: Option<&str> = Some("end-user");

    /// Ports: pkg/apis/pingcap/v1alpha1/constants.go:30-73 (DefaultPDClientPort 2379, DefaultPDPeerPort 2380,
    /// DefaultTiKVServerPort 20160, DefaultTiKVStatusPort 20180, DefaultTiDBServerPort 4000,
    /// DefaultTiDBStatusPort 10080, TiFlash 3930/20170/9000/8123/9009/8234/20292, DefaultPumpPort 8250,
    /// DefaultTiCDCPort 8301, TiProxy 6000/3080). Sidecars: types.go:60-62. Optional parts are left out: the
    /// sysctl `init` containers (annotation `tidb.pingcap.com/sysctl-init`), TiKV's `rocksdblog`/`raftlog`
    /// (separateRocksDBLog/separateRaftLog, off by default) and `status` port (enableNamedStatusPort), user
    /// `additionalContainers`.
    pub const COMPONENTS: &[Component] = &[
        // Pod: pd_member_manager.go:733-760 (labels, AnnProm(2379, "/metrics"), container `pd` with
        // server 2380 / client 2379). Services: :523-556 `<c>-pd-peer` (peer; tcp-peer-2380, tcp-peer-2379),
        // :468-495 `<c>-pd` (end-user; client -> 2379).
        Component {
            name: "pd",
            app: TIDB_CLUSTER,
            job: "pd",
            path: "/metrics",
            metrics: &[metrics("client", 2379, "tcp-peer-2379", "client")],
            containers: &[main("pd", &[("server", 2380), ("client", 2379)])],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("tcp-peer-2380", 2380), ("tcp-peer-2379", 2379)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("client", 2379)],
                },
            ],
        },
        // PD microservices: pd_ms_member_manager.go:600-632 (labels `component=tso|scheduling`,
        // AnnProm(2379, "/metrics"), container `tso|scheduling` with server 2379), :222-258 `<c>-<ms>-peer`
        // (peer; tcp-peer-2380, tcp-peer-2379), :398-421 `<c>-<ms>` (end-user; client -> 2379).
        Component {
            name: "tso",
            app: TIDB_CLUSTER,
            job: "tso",
            path: "/metrics",
            metrics: &[metrics("server", 2379, "tcp-peer-2379", "server")],
            containers: &[main("tso", &[("server", 2379)])],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("tcp-peer-2380", 2380), ("tcp-peer-2379", 2379)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("client", 2379)],
                },
            ],
        },
        Component {
            name: "scheduling",
            app: TIDB_CLUSTER,
            job: "scheduling",
            path: "/metrics",
            metrics: &[metrics("server", 2379, "tcp-peer-2379", "server")],
            containers: &[main("scheduling", &[("server", 2379)])],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("tcp-peer-2380", 2380), ("tcp-peer-2379", 2379)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("client", 2379)],
                },
            ],
        },
        // Pod: tikv_member_manager.go:497-500 (AnnProm(20180, "/metrics")), :646-660 (container `tikv` with
        // server 20160 only; `status` 20180 is declared only with enableNamedStatusPort, :680-688). Service:
        // :131-137,333-368 `<c>-tikv-peer` (peer; peer -> 20160), no client Service.
        Component {
            name: "tikv",
            app: TIDB_CLUSTER,
            job: "tikv",
            path: "/metrics",
            metrics: &[metrics("status", 20180, "peer", "server")],
            containers: &[main("tikv", &[("server", 20160)])],
            services: &[ServiceShape {
                suffix: "-peer",
                used_by: PEER,
                ports: &[("peer", 20160)],
            }],
        },
        // Pod: tidb_member_manager.go:1096-1098 (AnnProm(10080, "/metrics")), :990-1010 (container `tidb` with
        // server 4000, status 10080), :936-940 `slowlog` sidecar (separateSlowLog, on by default). Services:
        // :719-745 `<c>-tidb-peer` (peer; status -> 10080), :648-680 `<c>-tidb` (end-user; mysql-client -> 4000,
        // status -> 10080), built only when spec.tidb.service is set, as every example does.
        Component {
            name: "tidb",
            app: TIDB_CLUSTER,
            job: "tidb",
            path: "/metrics",
            metrics: &[metrics("status", 10080, "status", "status")],
            containers: &[
                main("tidb", &[("server", 4000), ("status", 10080)]),
                sidecar("slowlog", false),
            ],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("status", 10080)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("mysql-client", 4000), ("status", 10080)],
                },
            ],
        },
        // Pod: tiflash_member_manager.go:526-527 (AnnProm(8234, "/metrics") + tiflash.proxy port 20292),
        // :578-615 (container `tiflash`: tiflash 3930, proxy 20170, tcp 9000, http 8123, internal 9009,
        // metrics 8234; 20292 is undeclared), :480-521 init container `init`, tiflash_util.go:45-80 sidecars
        // `serverlog`, `errorlog`, `clusterlog`. Service: :322-365 `<c>-tiflash-peer` (no used-by; tiflash,
        // proxy, metrics, proxy-metrics).
        Component {
            name: "tiflash",
            app: TIDB_CLUSTER,
            job: "tiflash",
            path: "/metrics",
            metrics: &[
                metrics("metrics", 8234, "metrics", "metrics"),
                MetricsPort {
                    name: "proxy-metrics",
                    number: 20292,
                    annotation: TIFLASH_PROXY_PORT_ANNOTATION,
                    service_port: "proxy-metrics",
                    container_port: "proxy",
                },
            ],
            containers: &[
                main(
                    "tiflash",
                    &[
                        ("tiflash", 3930),
                        ("proxy", 20170),
                        ("tcp", 9000),
                        ("http", 8123),
                        ("internal", 9009),
                        ("metrics", 8234),
                    ],
                ),
                sidecar("serverlog", false),
                sidecar("errorlog", false),
                sidecar("clusterlog", false),
                sidecar("init", true),
            ],
            services: &[ServiceShape {
                suffix: "-peer",
                used_by: None,
                ports: &[
                    ("tiflash", 3930),
                    ("proxy", 20170),
                    ("metrics", 8234),
                    ("proxy-metrics", 20292),
                ],
            }],
        },
        // Pod: ticdc_member_manager.go:370-378 (AnnProm(8301, "/metrics")), :456-467 (container `ticdc` with
        // ticdc 8301). Service: :333-360 `<c>-ticdc-peer` (no used-by; ticdc -> 8301).
        Component {
            name: "ticdc",
            app: TIDB_CLUSTER,
            job: "ticdc",
            path: "/metrics",
            metrics: &[metrics("ticdc", 8301, "ticdc", "ticdc")],
            containers: &[main("ticdc", &[("ticdc", 8301)])],
            services: &[ServiceShape {
                suffix: "-peer",
                used_by: None,
                ports: &[("ticdc", 8301)],
            }],
        },
        // Pod: tiproxy_member_manager.go:385-395 (AnnProm(3080, "/api/metrics")), :460-482 (container `tiproxy`
        // with tiproxy 6000, tiproxy-api 3080, tiproxy-peer 3081). Services: :303-350 `<c>-tiproxy-peer`
        // (peer; tiproxy-api, tiproxy-peer), `<c>-tiproxy` (end-user; tiproxy-api, tiproxy-sql -> 6000).
        Component {
            name: "tiproxy",
            app: TIDB_CLUSTER,
            job: "tiproxy",
            path: "/api/metrics",
            metrics: &[metrics("tiproxy-api", 3080, "tiproxy-api", "tiproxy-api")],
            containers: &[main(
                "tiproxy",
                &[
                    ("tiproxy", 6000),
                    ("tiproxy-api", 3080),
                    ("tiproxy-peer", 3081),
                ],
            )],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("tiproxy-api", 3080), ("tiproxy-peer", 3081)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("tiproxy-api", 3080), ("tiproxy-sql", 6000)],
                },
            ],
        },
        // Pod: pump_member_manager.go:365-372 (AnnProm(8250, "/metrics")), :450-465 (container `pump` with
        // pump 8250). Service: :294-312,540-550 `<c>-pump` (no used-by; pump -> 8250), which is also the
        // StatefulSet's serviceName (:532, PumpPeerMemberName = PumpMemberName, controller_utils.go:387-400).
        Component {
            name: "pump",
            app: TIDB_CLUSTER,
            job: "pump",
            path: "/metrics",
            metrics: &[metrics("pump", 8250, "pump", "pump")],
            containers: &[main("pump", &[("pump", 8250)])],
            services: &[ServiceShape {
                suffix: "",
                used_by: None,
                ports: &[("pump", 8250)],
            }],
        },
        // DMCluster: pkg/manager/member/dm_{master,worker}_member_manager.go; its instance is always the
        // DMCluster's name (pkg/apis/pingcap/v1alpha1/dmcluster.go:146-148). dm-master pod: :620-652
        // (AnnProm(8261, "/metrics"), container `dm-master` with peer 8291, client 8261); Services :394-420
        // `<c>-dm-master` (end-user; dm-master -> 8261) and :462-490 `<c>-dm-master-peer` (peer;
        // dm-master-peer -> 8291), the StatefulSet's serviceName (:749).
        Component {
            name: "dm-master",
            app: DM_CLUSTER,
            job: "dm_master",
            path: "/metrics",
            metrics: &[metrics("client", 8261, "dm-master-peer", "client")],
            containers: &[main("dm-master", &[("peer", 8291), ("client", 8261)])],
            services: &[
                ServiceShape {
                    suffix: "-peer",
                    used_by: PEER,
                    ports: &[("dm-master-peer", 8291)],
                },
                ServiceShape {
                    suffix: "",
                    used_by: END_USER,
                    ports: &[("dm-master", 8261)],
                },
            ],
        },
        // dm-worker pod: dm_worker_member_manager.go:444-460 (AnnProm(8262, "/metrics"), container `dm-worker`
        // with client 8262); Service :132-160 `<c>-dm-worker-peer` (no used-by; dm-worker -> 8262), the
        // StatefulSet's serviceName (:548).
        Component {
            name: "dm-worker",
            app: DM_CLUSTER,
            job: "dm_worker",
            path: "/metrics",
            metrics: &[metrics("client", 8262, "dm-worker", "client")],
            containers: &[main("dm-worker", &[("client", 8262)])],
            services: &[ServiceShape {
                suffix: "-peer",
                used_by: None,
                ports: &[("dm-worker", 8262)],
            }],
        },
    ];

    /// The instance label of a TidbCluster's objects: its own `app.kubernetes.io/instance` if set, else its name
    /// (`GetInstanceName`; an empty label is taken as unset here). A DMCluster's is always its name.
    pub fn instance(meta: &crate::model::ObjectMeta) -> String {
        meta.labels
            .get(INSTANCE)
            .filter(|i| !i.is_empty())
            .cloned()
            .unwrap_or_else(|| meta.name.clone())
    }

    pub fn component(name: &str) -> Option<&'static Component> {
        COMPONENTS.iter().find(|c| c.name == name)
    }

    /// `<cluster>-<component>`: the StatefulSet (controller_utils.go `<Comp>MemberName`).
    pub fn member(cluster: &str, component: &str) -> String {
        format!("{cluster}-{component}")
    }

    /// The first pod of the StatefulSet: the representative pod whose discovery labels the plugin evaluates.
    pub fn example_pod(cluster: &str, component: &str) -> String {
        format!("{}-0", member(cluster, component))
    }

    /// The address Prometheus must scrape: `<pod>.<governing Service>.<ns>`, under which every component
    /// advertises itself (`${POD_NAME}.${HEADLESS_SERVICE_NAME}.${NAMESPACE}.svc`, startscript/v1/template.go:77-82,
    /// render_script.go:42,148,227-243) and which the documented certificate SANs cover.
    pub fn scrape_host(pod: &str, governing_service: &str, namespace: &str) -> String {
        format!("{pod}.{governing_service}.{namespace}")
    }
}
