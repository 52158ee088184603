//! TidbMonitor pitfalls the operator accepts without a word: a Prometheus configuration that is never reloaded,
//! dashboards of another TiDB version or with the cluster selector hidden, an init container that wipes the
//! other's dashboards, objects the sync needs that do not exist, alert rules replaced wholesale.

use super::util::monitor_id;
use super::{Context, Emitter, ObjectId, Rule, Severity, Version};
use crate::model::{ContainerSpec, TidbCluster, TidbMonitor, TidbMonitorSpec};
use crate::snapshot::{Kind, Snapshot};

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
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: no_prometheus_reloader,
    },
    // tidb-operator v1.6.6 util.go: buildExternalLabels (replica label = "$(NAMESPACE)_$(POD_NAME)"),
    // getMonitorPrometheusContainer (`sed -e '5s/[()]//g'`); template.go newPrometheusConfig (global: evaluation_
    // interval, scrape_interval, external_labels); gopkg.in/yaml.v2 v2.4.0 sorter.go (map key order).
    Rule {
        id: "TM055",
        severity: Severity::Warning,
        title: "Replica label left as the literal $(NAMESPACE)_$(POD_NAME)",
        explanation: "The replica external label (`replicaExternalLabelName`, default `prometheus_replica`) gets the \
            value `$(NAMESPACE)_$(POD_NAME)` (`buildExternalLabels`, pkg/monitor/monitor/util.go). Without \
            `prometheusReloader` only the `prometheus` container's start-up `sed` fills it in, and that `sed` strips \
            the parentheses on line 5 of prometheus.yml alone (`5s/[()]//g`; `$NAMESPACE`/`$POD_NAME` without \
            parentheses are then replaced everywhere). Line 5 is the first external label: the file starts \
            `global:`, `evaluation_interval`, `scrape_interval`, `external_labels:` (`newPrometheusConfig`, \
            template.go, v1.4.0 through v1.6.6) and gopkg.in/yaml.v2 writes the labels sorted (letters by code point, \
            any other character before a letter, digit runs by value). So an `externalLabels` key that sorts before \
            the replica label (`cluster`, `env`, `k8s_cluster` all sort before `prometheus_replica`) leaves the \
            replica label at the literal `$(NAMESPACE)_$(POD_NAME)` on every replica: Thanos Query and remote-write \
            receivers cannot tell the replicas apart. `prometheusReloader` expands every `$(VAR)` (envsubst) and \
            avoids it. A monitor with `configMapRef` uses its own file and is not checked.",
        bad: monitor!(
            "  clusters: [{name: db}]\n  replicas: 2\n  externalLabels: {cluster: eu-west-1}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n"
        ),
        good: monitor!(concat!(
            "  clusters: [{name: db}]\n  replicas: 2\n  externalLabels: {cluster: eu-west-1}\n  thanos: {baseImage: quay.io/thanos/thanos, version: v0.36.1}\n",
            prometheus_reloader!()
        )),
        fix: "Add `spec.prometheusReloader`, or rename the external labels so they sort after the replica label.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: replica_label_literal,
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
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster],
        check: initializer_version_mismatch,
    },
    // pingcap/monitoring daed92c (#109, merged 2021-06-24): init.sh sets `"hide": 0`; tidb-operator docs
    // (docs-tidb-operator release-1.6 en/monitor-a-tidb-cluster.md, "Monitor multiple clusters using Grafana").
    Rule {
        id: "TM057",
        severity: Severity::Warning,
        title: "Several clusters in one monitor with an initializer that hides the cluster selector",
        explanation: "The TiDB dashboards select one cluster through the `tidb_cluster` variable, which they ship \
            hidden (`\"hide\": 2`). pingcap/monitoring's operator init.sh rewrites it to `\"hide\": 0` since #109 \
            (June 2021, for tidb-operator #4022), first in tidb-monitor-initializer v4.0.14 and v5.0.3: with an \
            older initializer Grafana shows one cluster and offers no way to pick another. tidb-operator's docs \
            (\"Monitor multiple clusters using Grafana\") tell users of initializers older than v4.0.14 or v5.0.3 to \
            unhide the variable by hand in every dashboard.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: team}\nspec:\n  clusters: [{name: a}, {name: b}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v5.0.1}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: team}\nspec:\n  clusters: [{name: a}, {name: b}]\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v5.0.6}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        fix: "Use tidb-monitor-initializer v4.0.14+ (4.0 series) or v5.0.3+ (ideally the clusters' TiDB version).",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: hidden_cluster_selector,
    },
    // tidb-operator v1.6.6 util.go getMonitorStatefulSet (init containers monitor-initializer, then dm-initializer,
    // both mounting grafana-dashboard); pingcap/monitoring init.sh DM branch (983c44a, dm_branch_wipes_dashboards);
    // monitor_manager.go SyncMonitor (a monitor without spec.clusters: stopped in v1.2.x, accepted from v1.3.0).
    Rule {
        id: "TM058",
        severity: Severity::Warning,
        title: "TiDB and DM clusters in one monitor with Grafana: the DM initializer wipes the TiDB dashboards",
        explanation: "A monitor with both `spec.clusters` and `spec.dm.clusters` runs two init containers on the same \
            Grafana dashboards volume, `monitor-initializer` then `dm-initializer` (`getMonitorStatefulSet`, \
            pkg/monitor/monitor/util.go, v1.2.0 through v1.6.6). pingcap/monitoring's operator init.sh gained a DM \
            branch on 2022-03-30 (983c44a) that starts with `rm -rf $GF_PROVISIONING_PATH/dashboards/*` before \
            copying the DM dashboards, so the TiDB dashboards the first container installed are gone: Grafana shows \
            DM only. The initializer image contexts (monitor-snapshot/<version>/operator/init.sh) carry it for \
            tidb-monitor-initializer v6.0.0 and later, v5.4.1 and v5.2.4 (later patches of those two lines, built \
            after them, are taken to carry it too: the wipe was never removed), and not for v5.4.0, v5.3.0, v5.3.1, \
            v5.2.3 or any older snapshot. Other 5.x patches without a snapshot (v5.1.5, v5.3.2 and later) are not \
            reported. Moving `spec.dm` to a TidbMonitor of its own needs tidb-operator v1.3.0+: v1.2.x stops a \
            monitor without `spec.clusters` (`SyncMonitor`, monitor_manager.go), and the hint says so when the \
            operator's version is known to be older.",
        bad: monitor!(concat!(
            "  clusters: [{name: db}]\n  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n",
            "  dm: {clusters: [{name: dm}], initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n"
        )),
        good: concat!(
            monitor!(
                "  clusters: [{name: db}]\n  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n"
            ),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: dm, namespace: monitoring}\nspec:\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
            "  dm: {clusters: [{name: dm}], initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n"
        ),
        fix: "Monitor the DM clusters with a TidbMonitor of their own (as examples/dm does; tidb-operator v1.3.0+), or \
            drop Grafana from one of the two and load its dashboards elsewhere.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::Deployment],
        check: dm_wipes_tidb_dashboards,
    },
    // tidb-operator v1.6.6 template.go (tidb_cluster = <namespace>-<instance>); pingcap/monitoring init.sh
    // (`tidb_cluster=~"$tidb_cluster.*"`, see rewrites_cluster_selector_to_prefix); docs-tidb-operator
    // release-1.6 en/deploy-heterogeneous-tidb-cluster.md.
    Rule {
        id: "TM059",
        severity: Severity::Warning,
        title: "Heterogeneous cluster not named with its origin cluster's name as prefix",
        explanation: "Every series of a monitored cluster carries `tidb_cluster=<namespace>-<cluster>` (relabel rules \
            in pkg/monitor/monitor/template.go, v1.2.0 through v1.6.6), and the initializer's init.sh rewrites the \
            dashboards' `tidb_cluster=\"$tidb_cluster\"` to the prefix match `tidb_cluster=~\"$tidb_cluster.*\"` \
            (pingcap/monitoring, operator/init.sh) precisely so that picking the origin cluster also shows the \
            heterogeneous clusters joined to it (`spec.cluster`). That only works when the heterogeneous cluster's \
            `<namespace>-<name>` starts with the origin's: tidb-operator's docs (\"Deploy a heterogeneous cluster\") \
            require the origin's name as prefix. Otherwise its TiKV/TiDB/TiFlash appear under a separate \
            `tidb_cluster` value, which the dashboards whose selector lists \
            `label_values(pd_cluster_status, tidb_cluster)` do not even offer for a cluster without PD. The rewrite \
            entered init.sh in October 2021 (3a9e9f9, f74bb77): tidb-monitor-initializer v4.0.16, v5.0.5+, v5.1.3+, \
            v5.2.2+ and v5.3.0 onwards carry it (monitor-snapshot/<version>/operator/init.sh), v4.0.15, v5.0.4, \
            v5.1.2, v5.2.1 and older match the cluster exactly, where the prefix changes nothing. Reported only for \
            clusters a TidbMonitor with such an initializer scrapes; other images, tags that are not releases and \
            dashboards from elsewhere (ServiceMonitor setups) are not judged. tidb-operator's own \
            examples/heterogeneous-tls names its cluster `heterogeneous` (origin `basic`) and is reported.",
        bad: concat!(
            monitor!(
                "  clusters: [{name: db, namespace: team}, {name: olap, namespace: team}]\n  clusterScoped: true\n"
            ),
            tidb_cluster!("db", "v8.5.7", "pd: {replicas: 1}, "),
            tidb_cluster!("olap", "v8.5.7", "cluster: {name: db}, ")
        ),
        good: concat!(
            monitor!(
                "  clusters: [{name: db, namespace: team}, {name: db-olap, namespace: team}]\n  clusterScoped: true\n"
            ),
            tidb_cluster!("db", "v8.5.7", "pd: {replicas: 1}, "),
            tidb_cluster!("db-olap", "v8.5.7", "cluster: {name: db}, ")
        ),
        fix: "Name the heterogeneous cluster `<origin>-<suffix>` (a new TidbCluster: the name cannot change in place).",
        example_operator: None,
        subjects: &[Kind::TidbCluster],
        reads: &[Kind::TidbCluster, Kind::TidbMonitor],
        check: heterogeneous_prefix,
    },
    // tidb-operator v1.6.6 monitor_manager.go: SyncMonitor → syncBasicAuth (store.go Store.AddBasicAuth: both
    // Secrets and their keys) and syncTidbMonitorStatefulset → syncTidbMonitorConfig (ConfigMapControl.GetConfigMap
    // of configMapRef); util.go getMonitorVolumes (ruleConfigRef as the non-optional external-rules volume).
    Rule {
        id: "TM069",
        severity: Severity::Error,
        title: "ConfigMap or Secret the monitor names does not exist",
        explanation: "`prometheus.config.configMapRef`: `syncTidbMonitorConfig` (pkg/monitor/monitor/monitor_manager.go \
            v1.6.6; the same code since v1.1.1) gets the ConfigMap from the API server (namespace defaulting to the monitor's) and \
            returns the error, so every sync ends there with a `FailedSync` event: the Prometheus configuration, RBAC \
            and StatefulSet are never written or updated. `prometheus.remoteWrite[].basicAuth` (v1.4.0+): \
            `syncBasicAuth` → `Store.AddBasicAuth` (store.go) reads the username and password Secrets from the \
            monitor's namespace and fails when one is missing, unnamed or lacks its key; the sync stops before the \
            Services and the StatefulSet, and the error is only logged. `prometheus.config.ruleConfigRef` (v1.2.4+) is \
            not read by the operator but mounted as the `external-rules` ConfigMap volume, not optional, from the \
            monitor's namespace (`getMonitorVolumes`, util.go): kubelet cannot start the monitor pods. ConfigMaps and \
            Secrets are read as metadata only; one that could not be read (offline files, RBAC) is reported as \
            unresolved, and a Secret's keys are checked only when they are known (files). Each part is checked only \
            on the operators that act on it: `basicAuth` from v1.4.0 (`syncBasicAuth` first in v1.4.0-alpha.1; v1.2 \
            and v1.3 neither read nor render it), ruleConfigRef from v1.2.4, configMapRef from v1.1.1. When the \
            operator's version is unknown a current one is assumed and the finding says so.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus:\n    baseImage: prom/prometheus\n    version: v2.53.2\n    config: {configMapRef: {name: my-prometheus}}\n",
            "    remoteWrite: [{url: 'http://receiver:19291/api/v1/receive', basicAuth: {username: {name: rw-auth, key: user}, password: {name: rw-auth, key: password}}}]\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  prometheus:\n    baseImage: prom/prometheus\n    version: v2.53.2\n    config: {configMapRef: {name: my-prometheus}}\n",
            "    remoteWrite: [{url: 'http://receiver:19291/api/v1/receive', basicAuth: {username: {name: rw-auth, key: user}, password: {name: rw-auth, key: password}}}]\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n",
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: my-prometheus, namespace: monitoring}\ndata: {prometheus-config: ''}\n",
            "---\napiVersion: v1\nkind: Secret\nmetadata: {name: rw-auth, namespace: monitoring}\nstringData: {user: tidb, password: secret}\n"
        ),
        fix: "Create the ConfigMap/Secret (Secrets and the ruleConfigRef ConfigMap in the monitor's namespace) or fix \
            the reference.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::Secret,
            Kind::ConfigMap,
            Kind::Deployment,
        ],
        check: missing_needed_object,
    },
    // tidb-operator v1.6.6 template.go RenderPrometheusConfig: rule_files is /prometheus-rules/rules/*.rules.yml
    // with alertmanagerURL or enableAlertRules, replaced by /prometheus-external-rules/*.rules.yml with ruleConfigRef.
    Rule {
        id: "TM070",
        severity: Severity::Warning,
        title: "ruleConfigRef replaces the built-in alert rules",
        explanation: "`alertmanagerURL` or `enableAlertRules` make the generated prometheus.yml load the initializer's \
            alert rules (`rule_files: [/prometheus-rules/rules/*.rules.yml]`). `prometheus.config.ruleConfigRef` does \
            not add to them: `RenderPrometheusConfig` (pkg/monitor/monitor/template.go, v1.2.4 through v1.6.6) \
            replaces the list with `/prometheus-external-rules/*.rules.yml`, so the built-in TiDB, TiKV and PD alerts \
            are no longer evaluated and nothing says so. Without either field the built-in rules were never loaded and \
            ruleConfigRef only adds rules: not reported. Nor is a monitor with `prometheus.config.configMapRef`: the \
            `prometheus-config` key of that ConfigMap replaces the whole generated prometheus.yml \
            (`syncTidbMonitorConfig`, monitor_manager.go, v1.1.1 through v1.6.6), `rule_files` included, so the \
            rules it loads are the user's own choice.",
        bad: concat!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n  clusters: [{name: db}]\n",
            "  alertmanagerURL: alertmanager.monitoring:9093\n",
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2, config: {ruleConfigRef: {name: my-rules}}}\n",
            "  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n"
        ),
        good: monitor!(
            "  clusters: [{name: db}]\n  alertmanagerURL: alertmanager.monitoring:9093\n"
        ),
        fix: "Copy the built-in rules you rely on (the initializer image's /tmp/*.rules.yml, i.e. pingcap/monitoring \
            monitor-snapshot/<release>/operator/rules) into the ruleConfigRef ConfigMap beside your own, or drop \
            ruleConfigRef.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor],
        check: rules_replaced,
    },
    // tidb-operator v1.6.6 template.go scrapeJob (job_name <ns>-<cluster>-<component>), monitor_manager.go
    // syncDashboardMetricStorage (/topology/prometheus); pingcap/tidb-dashboard release-6.5..release-8.5
    // ui/packages/tidb-dashboard-for-op/src/apps/{Overview,Monitoring}/metricsQueries.ts (job="tidb" ...).
    Rule {
        id: "TM071",
        severity: Severity::Info,
        title: "TiDB Dashboard panels that select job=\"tidb\" stay empty on a TidbMonitor's Prometheus",
        explanation: "For every referenced TidbCluster with PD, tidb-operator v1.2.0 through v1.6.6 registers the \
            monitor's Prometheus in PD (`/topology/prometheus`, `syncDashboardMetricStorage`, \
            pkg/monitor/monitor/monitor_manager.go; v1.1.8 to v1.1.15 for the monitor's first cluster only, \
            tidbcluster_status_manager.go), and TiDB Dashboard reads its metrics there unless PD's \
            `pd-server.metric-storage` is set (`resolveFinalPromAddress`, tidb-dashboard \
            pkg/apiserver/metrics/prom_resolve.go). But the monitor names its scrape jobs `<namespace>-<cluster>-<component>` \
            (`scrapeJob`, template.go, from v1.1.8; #3606), while TiDB Dashboard (pingcap/tidb-dashboard release-6.5 through \
            release-8.5, i.e. TiDB v6.5 to v8.5: apps/Overview and apps/Monitoring metricsQueries.ts) selects \
            `job=\"tidb\"`, `job=\"tikv\"`, `job=\"tiflash\"`, `job=\"tiproxy\"`: the Overview page's TiDB CPU and \
            memory charts and the Monitoring page's uptime, CPU and memory panels stay empty (tidb-operator #5548, \
            open). The Grafana dashboards are not affected: the initializer rewrites their `job=` to `component=`. \
            Checked for clusters whose PD runs v6.5 or later (earlier TiDB Dashboards were not verified) and whose \
            `spec.pd.config` does not set `metric-storage`; an address set at runtime (TiDB Dashboard's settings, \
            pd-ctl) is not visible here: silence the rule with the ignore annotation then.",
        bad: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            tidb_cluster!("db", "v8.5.7", "pd: {replicas: 1}, ")
        ),
        good: concat!(
            monitor!("  clusterScoped: true\n  clusters: [{name: db, namespace: team}]\n"),
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec:\n  version: v8.5.7\n",
            "  pd:\n    replicas: 1\n    config: |\n      [pd-server]\n      metric-storage = \"http://prometheus-k8s.monitoring.svc:9090\"\n  tikv: {replicas: 1}\n"
        ),
        fix: "Read those metrics in Grafana, or scrape the cluster with ServiceMonitors that set `job` to the component \
            (`kubectl tidbmonitor scaffold servicemonitor`) and point PD's `pd-server.metric-storage` at that \
            Prometheus.",
        example_operator: None,
        subjects: &[Kind::TidbMonitor],
        reads: &[Kind::TidbMonitor, Kind::TidbCluster, Kind::Deployment],
        check: dashboard_job_queries,
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

/// gopkg.in/yaml.v2 v2.4.0 `keyList.Less` (sorter.go) on two string keys: the order tidb-operator's prometheus.yml
/// lists the external labels in. Label names are ASCII (`[a-zA-Z_][a-zA-Z0-9_]*`), where Go's `unicode.IsLetter`
/// and `IsDigit` are `is_ascii_alphabetic` and `is_ascii_digit`; digit runs overflow as Go's int64 does.
fn yaml_v2_key_less(a: &str, b: &str) -> bool {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_ascii_alphabetic(), br[i].is_ascii_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            for j in (0..i).rev() {
                if !ar[j].is_ascii_digit() {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digits = |run: &[char], n: &mut i64| -> usize {
            let mut end = i;
            while end < run.len() && run[end].is_ascii_digit() {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(run[end] as u8 - b'0'));
                end += 1;
            }
            end
        };
        let ai = digits(&ar, &mut an);
        let bi = digits(&br, &mut bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// `(replica label, external label written before it)` when the start-up `sed` leaves the replica label at
/// `$(NAMESPACE)_$(POD_NAME)`: only line 5, the first external label, loses its parentheses.
fn replica_label_left_literal(spec: &TidbMonitorSpec) -> Option<(&str, &str)> {
    let replica = match spec.replica_external_label_name.as_deref() {
        None => "prometheus_replica",
        Some("") => return None,
        Some(name) => name,
    };
    // buildExternalLabels writes externalLabels after the replica label: the same key replaces its value.
    if spec.external_labels.contains_key(replica) {
        return None;
    }
    let first = spec
        .external_labels
        .keys()
        .map(String::as_str)
        .reduce(|a, b| if yaml_v2_key_less(b, a) { b } else { a })?;
    yaml_v2_key_less(first, replica).then_some((replica, first))
}

fn replica_label_literal(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let spec = &monitor.spec;
        let own_file = spec
            .prometheus
            .as_ref()
            .and_then(|p| p.config.as_ref())
            .and_then(|c| c.config_map_ref.as_ref())
            .is_some_and(|r| !r.name.is_empty());
        if spec.prometheus_reloader.is_some() || own_file {
            continue;
        }
        let Some((replica, first)) = replica_label_left_literal(spec) else {
            continue;
        };
        let message = format!(
            "external label {first} is written before {replica} and prometheusReloader is not set: {replica} keeps the literal value $(NAMESPACE)_$(POD_NAME), the same on every replica"
        );
        let hint = "add spec.prometheusReloader";
        // The replica label only matters to whoever tells replicas apart: several replicas, Thanos, remote write.
        let consumed = spec.replicas() > 1
            || spec.thanos.is_some()
            || spec
                .prometheus
                .as_ref()
                .is_some_and(|p| !p.remote_write.is_empty());
        if consumed {
            e.report(monitor_id(monitor), message, hint);
        } else {
            e.report_as(Severity::Info, monitor_id(monitor), message, hint);
        }
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

/// pingcap/monitoring #109 reached the v4.0 and v5.0 release lines in v4.0.14 and v5.0.3.
fn hides_cluster_selector(version: Version) -> bool {
    version < Version::new(4, 0, 14)
        || (Version::new(5, 0, 0) <= version && version < Version::new(5, 0, 3))
}

fn hidden_cluster_selector(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in snapshot
        .monitors
        .iter()
        .filter(|m| m.spec.grafana.is_some() && m.spec.clusters.len() > 1)
    {
        let Some((tag, version)) = pingcap_initializer(monitor.spec.initializer.as_ref()) else {
            continue;
        };
        if hides_cluster_selector(version) {
            e.report(
                monitor_id(monitor),
                format!(
                    "{} clusters, but initializer {tag} keeps the dashboards' tidb_cluster selector hidden: Grafana shows one cluster and cannot switch",
                    monitor.spec.clusters.len()
                ),
                "use tidb-monitor-initializer v4.0.14+/v5.0.3+ (the clusters' TiDB version)",
            );
        }
    }
}

/// Whether the initializer's init.sh empties the dashboards directory when run for DM. The DM branch with
/// `rm -rf $GF_PROVISIONING_PATH/dashboards/*` entered pingcap/monitoring's platform-monitoring/operator/init.sh on
/// 2022-03-30 (f0ab46c, 983c44a) and was never taken out; the image contexts under
/// monitor-snapshot/<tag>/operator/init.sh carry it for v5.2.4 (b784cd6), v5.4.1 (68c922b) and v6.0.0 (a0be58b),
/// those from the release-6.1 branch on as well, and not for any older snapshot (v4.0.16, v5.0.6, v5.1.4, v5.2.3,
/// v5.3.1, v5.4.0 and before). Later 5.x patch lines without a snapshot (v5.1.5+, v5.3.2+) are not claimed.
fn dm_branch_wipes_dashboards(version: Version) -> bool {
    let since_in_line = match (version.major, version.minor) {
        (5, 2) => Version::new(5, 2, 4),
        (5, 4) => Version::new(5, 4, 1),
        _ => Version::new(6, 0, 0),
    };
    version >= since_in_line
}

/// tidb-operator v1.2.x `SyncMonitor` (monitor_manager.go:71 at v1.2.7) stops a monitor with no `spec.clusters`;
/// v1.3.0-beta.1 (read as v1.3.0: pre-release suffixes are ignored) first accepts one with only `spec.dm.clusters`.
const DM_ONLY_MONITOR_SINCE: Version = Version::new(1, 3, 0);

fn dm_wipes_tidb_dashboards(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    for monitor in snapshot.monitors.iter().filter(|m| {
        m.spec.grafana.is_some() && !m.spec.clusters.is_empty() && !m.spec.dm_clusters().is_empty()
    }) {
        let dm_initializer = monitor
            .spec
            .dm
            .as_ref()
            .and_then(|dm| dm.initializer.as_ref());
        let Some((tag, version)) = pingcap_initializer(dm_initializer) else {
            continue;
        };
        if !dm_branch_wipes_dashboards(version) {
            continue;
        }
        let hint = match context.operator.version() {
            Some(v) if v < DM_ONLY_MONITOR_SINCE => format!(
                "tidb-operator {v} stops a TidbMonitor without spec.clusters, so spec.dm cannot move to a monitor of its own: upgrade to v1.3.0+ first, or drop spec.grafana from this monitor and load the dashboards elsewhere"
            ),
            _ => "move spec.dm to a TidbMonitor of its own (tidb-operator v1.3.0+)".to_string(),
        };
        e.report(
            monitor_id(monitor),
            format!(
                "monitors TiDB and DM clusters with Grafana: the dm-initializer ({tag}) runs second and empties the dashboards directory, so only the DM dashboards remain"
            ),
            hint,
        );
    }
}

/// Whether the initializer's init.sh rewrites the dashboards' `tidb_cluster="$tidb_cluster"` to the prefix match
/// `tidb_cluster=~"$tidb_cluster.*"`: pingcap/monitoring 3a9e9f9/f74bb77 (2021-10-07/09), never removed since. Every
/// image context under monitor-snapshot/<tag>/operator/init.sh built after them carries it (v4.0.16, v5.0.5, v5.0.6,
/// v5.1.3, v5.1.4, v5.2.2 to v5.2.4, v5.3.0 on, release-6.1 on); every older one does not (v4.0.15, v5.0.4, v5.1.2
/// d28c68d, v5.2.1 and before).
fn rewrites_cluster_selector_to_prefix(version: Version) -> bool {
    let since_in_line = match (version.major, version.minor) {
        (4, 0) => Version::new(4, 0, 16),
        (5, 0) => Version::new(5, 0, 5),
        (5, 1) => Version::new(5, 1, 3),
        (5, 2) => Version::new(5, 2, 2),
        _ => Version::new(5, 3, 0),
    };
    version >= since_in_line
}

/// The initializer tag of a TidbMonitor that scrapes the cluster and installs dashboards with the prefix match:
/// only those make the cluster's name matter. Dashboards from elsewhere (ServiceMonitor setups, other images,
/// tags that are not releases) may select the cluster any way: nothing to say.
fn prefix_matching_monitor<'a>(snapshot: &'a Snapshot, tc: &TidbCluster) -> Option<&'a str> {
    let (covering, _) = crate::core::clusters::monitor_coverage(snapshot, &tc.metadata, |m| {
        m.spec.clusters.as_slice()
    });
    snapshot
        .monitors
        .iter()
        .filter(|m| covering.contains(&format!("{}/{}", m.metadata.namespace(), m.metadata.name)))
        .filter_map(|m| pingcap_initializer(m.spec.initializer.as_ref()))
        .find(|(_, version)| rewrites_cluster_selector_to_prefix(*version))
        .map(|(tag, _)| tag)
}

fn heterogeneous_prefix(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for tc in &snapshot.clusters {
        let Some(origin) = tc.spec.cluster.as_ref().filter(|c| !c.name.is_empty()) else {
            continue;
        };
        let ns = tc.metadata.namespace();
        let origin_ns = origin.namespace_or(ns);
        let key = format!("{ns}-{}", tc.metadata.name);
        let origin_key = format!("{origin_ns}-{}", origin.name);
        if key.starts_with(&origin_key) {
            continue;
        }
        let Some(initializer) = prefix_matching_monitor(snapshot, tc) else {
            continue;
        };
        e.report(
            ObjectId::of("TidbCluster", &tc.metadata),
            format!(
                "joins TidbCluster {origin_ns}/{} but its series carry tidb_cluster={key}, which the dashboards' tidb_cluster=~\"{origin_key}.*\" (initializer {initializer}) does not match: its components are missing from the origin's dashboards",
                origin.name
            ),
            if ns == origin_ns {
                format!("name it {}-<suffix>", origin.name)
            } else {
                format!("create it in namespace {origin_ns} as {}-<suffix>", origin.name)
            },
        );
    }
}

/// `prometheus.config.configMapRef` is read by `syncTidbMonitorConfig` from tidb-operator v1.1.1.
const CONFIG_MAP_REF_SINCE: Version = Version::new(1, 1, 1);
/// `prometheus.config.ruleConfigRef` is mounted from v1.2.4 (release-1.2) and v1.3.0-beta.1.
const RULE_CONFIG_REF_SINCE: Version = Version::new(1, 2, 4);
/// `syncBasicAuth` first appears in v1.4.0-alpha.1; v1.2 and v1.3 accept `basicAuth` but neither read nor render it.
const BASIC_AUTH_SYNCED_SINCE: Version = Version::new(1, 4, 0);
/// What rules assume of an operator whose version is unknown (`Context::operator_or_assumed`).
const ASSUMED_OPERATOR_AT_LEAST: Version = Version::new(1, 2, 0);

/// The referenced objects one monitor's sync or pods need, with what their absence does.
struct Needed {
    kind: &'static str,
    namespace: String,
    name: String,
    field: String,
    consequence: &'static str,
    /// The first tidb-operator release that reads or mounts the reference.
    since: Version,
}

/// Every ConfigMap the rules look up (TM069), as `(namespace, name)`: the ones the monitors' specs name. No other
/// rule reads ConfigMaps, so a command may read these by name instead of listing every ConfigMap (`get`).
pub fn config_maps_looked_up(snapshot: &Snapshot) -> std::collections::BTreeSet<(String, String)> {
    snapshot
        .monitors
        .iter()
        .flat_map(needed)
        .filter(|n| n.kind == "ConfigMap" && !n.name.is_empty())
        .map(|n| (n.namespace, n.name))
        .collect()
}

fn needed(monitor: &TidbMonitor) -> Vec<Needed> {
    let own = monitor.metadata.namespace();
    let mut out = Vec::new();
    let Some(prometheus) = monitor.spec.prometheus.as_ref() else {
        return out;
    };
    let config = prometheus.config.as_ref();
    if let Some(r) = config
        .and_then(|c| c.config_map_ref.as_ref())
        .filter(|r| !r.name.is_empty())
    {
        out.push(Needed {
            kind: "ConfigMap",
            namespace: r.namespace_or(own).to_string(),
            name: r.name.clone(),
            field: "spec.prometheus.config.configMapRef".into(),
            consequence: "the operator's sync stops there (syncTidbMonitorConfig): no configuration or StatefulSet update reaches the monitor",
            since: CONFIG_MAP_REF_SINCE,
        });
    }
    if let Some(r) = config
        .and_then(|c| c.rule_config_ref.as_ref())
        .filter(|r| !r.name.is_empty())
    {
        // Mounted by name from the monitor's namespace (TM015): its own namespace field is ignored.
        out.push(Needed {
            kind: "ConfigMap",
            namespace: own.to_string(),
            name: r.name.clone(),
            field: "spec.prometheus.config.ruleConfigRef".into(),
            consequence: "the external-rules volume cannot be mounted, so the monitor pods stay in ContainerCreating",
            since: RULE_CONFIG_REF_SINCE,
        });
    }
    for (i, rw) in prometheus.remote_write.iter().enumerate() {
        let Some(auth) = rw.basic_auth.as_ref() else {
            continue;
        };
        for (part, selector) in [("username", &auth.username), ("password", &auth.password)] {
            out.push(Needed {
                kind: "Secret",
                namespace: own.to_string(),
                name: selector.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
                field: format!("spec.prometheus.remoteWrite[{i}].basicAuth.{part}"),
                consequence: "the operator's sync stops there (syncBasicAuth): no configuration or StatefulSet update reaches the monitor",
                since: BASIC_AUTH_SYNCED_SINCE,
            });
        }
    }
    out
}

/// Whether the operator acts on a reference it reads from `since`, and the note a finding carries when that is
/// assumed: an unknown operator is taken to be current, as the other version-dependent rules do.
fn operator_reads(context: &Context, since: Version) -> (bool, String) {
    match context.operator.version() {
        Some(v) => (v >= since, String::new()),
        None if since > ASSUMED_OPERATOR_AT_LEAST => (
            true,
            format!(
                " (tidb-operator {since}+; its version was not detected, pass --operator-version)"
            ),
        ),
        None => (true, String::new()),
    }
}

fn missing_needed_object(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let id = monitor_id(monitor);
        for need in needed(monitor) {
            let (read, note) = operator_reads(context, need.since);
            if !read {
                continue;
            }
            if need.name.is_empty() {
                e.report(
                    id.clone(),
                    format!(
                        "{} names no {}: {}{note}",
                        need.field, need.kind, need.consequence
                    ),
                    format!("set the {} name in {}", need.kind, need.field),
                );
                continue;
            }
            let lookup = match need.kind {
                "Secret" => snapshot.secret(&need.namespace, &need.name).map(|_| ()),
                _ => snapshot.config_map(&need.namespace, &need.name).map(|_| ()),
            };
            let what = format!("{} {}/{}", need.kind, need.namespace, need.name);
            if let Some(None) = e.found(lookup, &id, what.clone()) {
                e.report(
                    id.clone(),
                    format!(
                        "{} names {what}, which does not exist: {}{note}",
                        need.field, need.consequence
                    ),
                    format!("create {what}, or fix {}", need.field),
                );
            }
        }
        let (read, note) = operator_reads(context, BASIC_AUTH_SYNCED_SINCE);
        if read {
            basic_auth_keys(snapshot, monitor, &id, &note, e);
        }
    }
}

/// `Store.AddBasicAuth` also fails when the Secret lacks the key. Keys are known only from files: live, Secrets
/// are read as metadata and list none, so a Secret without any key listed is not judged.
fn basic_auth_keys(
    snapshot: &Snapshot,
    monitor: &TidbMonitor,
    id: &ObjectId,
    note: &str,
    e: &mut Emitter,
) {
    let own = monitor.metadata.namespace();
    let Some(prometheus) = monitor.spec.prometheus.as_ref() else {
        return;
    };
    for (i, rw) in prometheus.remote_write.iter().enumerate() {
        let Some(auth) = rw.basic_auth.as_ref() else {
            continue;
        };
        for (part, selector) in [("username", &auth.username), ("password", &auth.password)] {
            let Some(selector) = selector.as_ref().filter(|s| !s.name.is_empty()) else {
                continue;
            };
            let Some(secret) = snapshot.secret(own, &selector.name).found() else {
                continue;
            };
            let keys: Vec<&String> = secret.data.iter().chain(&secret.string_data).collect();
            if !keys.is_empty() && !keys.iter().any(|k| **k == selector.key) {
                e.report(
                    id.clone(),
                    format!(
                        "spec.prometheus.remoteWrite[{i}].basicAuth.{part} wants key {:?} of Secret {own}/{}, which has only {}: the operator's sync stops there (syncBasicAuth){note}",
                        selector.key,
                        selector.name,
                        keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    format!("add key {} to Secret {own}/{}", selector.key, selector.name),
                );
            }
        }
    }
}

fn rules_replaced(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for monitor in &snapshot.monitors {
        let spec = &monitor.spec;
        let config = spec.prometheus.as_ref().and_then(|p| p.config.as_ref());
        // With configMapRef the user's prometheus.yml replaces the generated one (syncTidbMonitorConfig), and with
        // it the rule_files list: which rules load is the user's choice, not the operator's.
        if config
            .and_then(|c| c.config_map_ref.as_ref())
            .is_some_and(|r| !r.name.is_empty())
        {
            continue;
        }
        let Some(r) = config
            .and_then(|c| c.rule_config_ref.as_ref())
            .filter(|r| !r.name.is_empty())
        else {
            continue;
        };
        let asked = match (
            spec.alertmanager_url.as_deref().filter(|u| !u.is_empty()),
            spec.enable_alert_rules,
        ) {
            (_, true) => "enableAlertRules",
            (Some(_), false) => "alertmanagerURL",
            (None, false) => continue,
        };
        e.report(
            monitor_id(monitor),
            format!(
                "{asked} loads the initializer's built-in alert rules, but ruleConfigRef {} replaces them: Prometheus evaluates only the rules in that ConfigMap",
                r.name
            ),
            format!("copy the built-in rules you want into ConfigMap {}", r.name),
        );
    }
}

/// pingcap/tidb-dashboard release-6.5 is the oldest branch verified to select `job="tidb"`.
const DASHBOARD_JOB_QUERIES_SINCE: Version = Version::new(6, 5, 0);
/// Scrape jobs are named `<ns>-<cluster>-<component>` from tidb-operator v1.1.8 (template.go `scrapeJob`); before,
/// the job was the component itself, which is what TiDB Dashboard queries.
const JOBS_PREFIXED_SINCE: Version = Version::new(1, 1, 8);
/// `syncDashboardMetricStorage` (#3924) registers the monitor in PD for every cluster it lists from tidb-operator
/// v1.2.0; v1.1.x (tidbcluster_status_manager.go `syncTidbMonitorRef` at v1.1.15) only for its first cluster.
const REGISTERS_EVERY_CLUSTER_SINCE: Version = Version::new(1, 2, 0);

fn dashboard_job_queries(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let operator = context.operator.version();
    if operator.is_some_and(|v| v < JOBS_PREFIXED_SINCE) {
        return;
    }
    let first_cluster_only = operator.is_some_and(|v| v < REGISTERS_EVERY_CLUSTER_SINCE);
    for monitor in &snapshot.monitors {
        let own = monitor.metadata.namespace();
        let registered = if first_cluster_only { 1 } else { usize::MAX };
        for r in monitor.spec.clusters.iter().take(registered) {
            let ns = r.namespace_or(own);
            // Without clusterScoped a foreign cluster yields no targets at all (TM011).
            if ns != own && !monitor.spec.cluster_scoped {
                continue;
            }
            let Some(tc) = snapshot.cluster(ns, &r.name).found() else {
                continue;
            };
            let Some(pd) = tc.spec.pd.as_ref() else {
                continue;
            };
            if pd.config_sets_metric_storage {
                continue;
            }
            let Some(text) = [&pd.version, &tc.spec.version]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .find(|v| !v.is_empty())
            else {
                continue;
            };
            if !text
                .parse::<Version>()
                .is_ok_and(|v| v >= DASHBOARD_JOB_QUERIES_SINCE)
            {
                continue;
            }
            e.report(
                monitor_id(monitor),
                format!(
                    "TiDB Dashboard of TidbCluster {ns}/{} ({text}) reads this monitor's Prometheus, whose TiDB job is {ns}-{}-tidb: its panels that select job=\"tidb\" (Overview CPU and memory, Monitoring uptime/CPU/memory; likewise tikv, tiflash, tiproxy) stay empty",
                    r.name, r.name
                ),
                "use Grafana for these metrics, or scrape with ServiceMonitors whose job is the component and set PD's pd-server.metric-storage to that Prometheus",
            );
        }
    }
}
