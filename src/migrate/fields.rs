//! Every field of the TidbMonitor spec (tidb-operator v1.6.6 CRD, `prometheus`, `prometheus.config`,
//! `prometheus.remoteWrite[]` and its `queueConfig`, `thanos`, `grafana`, `initializer` and `dm` one level deeper)
//! and what `migrate` makes of it for each `--to` target: the field it becomes, or why it is not carried over and
//! what to do instead. The Grafana (`grafana.*`, `initializer.*`) is the same on both targets but for its
//! datasource; alerting is carried to prometheus-operator only.
//! `docs/migrate.md` holds [`markdown_table`] verbatim, and a test walks the CRD so that a field the operator
//! adds cannot be silently dropped.
//!
//! prometheus-operator texts follow v0.93 `pkg/apis/monitoring/v1/prometheus_types.go`; VictoriaMetrics texts
//! follow the VM operator v0.74.1 (`api/operator/v1beta1/{vmsingle,vmagent}_types.go`,
//! `common_scrapeparams.go`, `internal/controller/operator/factory/{vmsingle,vmagent}/`), the version of the CRDs
//! in `../shared/fixtures/crds`.

use serde_json::Value;

use super::To;

/// What happens to one TidbMonitor field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// Carried over: what it becomes.
    Carried(&'static str),
    /// Not carried over: why, and what to do instead.
    Dropped {
        why: &'static str,
        instead: &'static str,
    },
}

use Mapping::{Carried, Dropped};

/// One TidbMonitor field (a path under `spec`, array items included without an index) and its fate per target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub path: &'static str,
    pub prometheus_operator: Mapping,
    pub victoriametrics: Mapping,
}

impl Field {
    pub fn mapping(&self, to: To) -> Mapping {
        match to {
            To::PrometheusOperator => self.prometheus_operator,
            To::Victoriametrics => self.victoriametrics,
        }
    }
}

const fn row(path: &'static str, prometheus_operator: Mapping, victoriametrics: Mapping) -> Field {
    Field {
        path,
        prometheus_operator,
        victoriametrics,
    }
}

/// A field both targets carry under the same description.
const fn same(path: &'static str, what: &'static str) -> Field {
    row(path, Carried(what), Carried(what))
}

const fn dropped(why: &'static str, instead: &'static str) -> Mapping {
    Dropped { why, instead }
}

/// Why `--to victoriametrics` carries no rules over: they would be VMRules, which only a VMAlert evaluates.
const VM_NO_VMALERT: &str = "VMSingle and VMAgent evaluate no rules: a VMAlert does, and migrate emits none, because the VMAlert CRD is not among the VM operator v0.74.1 CRDs its objects are checked against; VMRules without a VMAlert would look migrated and never fire";
/// The `groups` of a Prometheus rule file fit a VMRule's `spec.groups` as they are (name, interval, limit, labels;
/// rules' alert, record, expr, for, keep_firing_for, labels, annotations: operator.victoriametrics.com_vmrules.yaml).
const VM_RULES_INSTEAD: &str = "keep the TidbMonitor until a VMAlert runs: put the `groups` of each rule file in a VMRule's `spec.groups` (the same group and rule fields), and run a VMAlert whose `ruleSelector` selects those VMRules and whose `datasource.url` is the VMSingle, `http://vmsingle-NAME.NS.svc:8428` (vmalert_types.go:81)";
/// Every `thanos.*` field, for VictoriaMetrics: the header lists them on one line.
const VM_THANOS: Mapping = dropped(
    "VictoriaMetrics has no Thanos sidecar: the VMSingle neither uploads blocks to object storage nor serves the Thanos StoreAPI",
    "keep a Thanos Store and Query over the bucket for the history the sidecar uploaded; for long retention give the VMSingle a longer `retentionPeriod`",
);
/// The queue knobs vmagent has no per-URL counterpart for.
const VM_QUEUE: Mapping = dropped(
    "vmagent has no such per-URL queue setting: it buffers to disk (`-remoteWrite.tmpDataPath`) instead of a sample capacity, and retries until the data is sent",
    "nothing; the VMAgent's `remoteWriteSettings` holds its global knobs (`maxBlockSize`, `flushInterval`, `maxDiskUsagePerURL`)",
);

/// In the CRD's order (sorted by path).
pub const FIELDS: &[Field] = &[
    row(
        "additionalContainers",
        Carried("`containers`"),
        Carried(
            "the VMSingle's `containers` (one named `vmsingle` is merged into the VM operator's own container, k8stools/client_utils.go:33-63)",
        ),
    ),
    row(
        "additionalVolumes",
        Carried(
            "`volumes`; the Grafana Deployment gets those `grafana.additionalVolumeMounts` names",
        ),
        Carried(
            "the VMSingle's `volumes`; the Grafana Deployment gets those `grafana.additionalVolumeMounts` names",
        ),
    ),
    same(
        "alertManagerRulesVersion",
        "`TIDB_VERSION` (`tidb:<version>`) of the Grafana's `monitor-initializer`, as util.go:142-148 sets it (init.sh uses it only to pick rules persisted under `/data/latest-rules/`)",
    ),
    row(
        "alertmanagerURL",
        Carried(
            "a Secret `<name>-prometheus-alertmanagers` (key `alertmanagers.yaml`) holding one static target, as tidb-operator's config has it (template.go:449-471), named by the Prometheus' `additionalAlertManagerConfigs`; a URL with a scheme or path, which Prometheus refuses, is named in the header instead. It turns the built-in rules on: see `enableAlertRules`",
        ),
        dropped(
            "VMSingle and VMAgent send no alerts: a VMAlert sends them to its `notifiers`, and migrate emits none, because the VMAlert CRD is not among the VM operator v0.74.1 CRDs its objects are checked against",
            "keep the TidbMonitor until a VMAlert runs with `notifiers: [{url: http://<this host:port>}]`, `datasource.url` the VMSingle (vmalert_types.go:81,115) and the rules the monitor loaded as VMRules (see `enableAlertRules` and `prometheus.config.ruleConfigRef`)",
        ),
    ),
    row(
        "annotations",
        Carried("`podMetadata.annotations`, and the Grafana pod's and Service's"),
        Carried(
            "`podMetadata.annotations` of the VMSingle and the VMAgent, and the Grafana pod's and Service's",
        ),
    ),
    row(
        "automountServiceAccountToken",
        Carried("`automountServiceAccountToken`"),
        Carried(
            "`false` becomes `disableAutomountServiceAccountToken: true` on both; the VM operator then mounts the token only into the containers that call the API server, vmagent's among them (vmextra_types.go:1558-1565)",
        ),
    ),
    row(
        "clusterScoped",
        Carried(
            "a Role and RoleBinding in each scraped namespace (the namespaces are known, so no ClusterRole)",
        ),
        Carried(
            "nothing to emit: the VM operator creates the VMAgent's ServiceAccount `vmagent-NAME` and grants it discovery itself, by a ClusterRole or, when it watches only some namespaces, Roles there (vmagent/vmagent.go:144-157, vmagent/rbac.go); `podScrapeNamespaceSelector` names the scraped namespaces",
        ),
    ),
    row(
        "clusters",
        Carried(
            "one PodMonitor per component of each cluster it reached (the `scaffold podmonitor` objects, labelled `tidbmonitor.kubectl-tidbmonitor/migrated-from`), `podMonitorSelector`/`podMonitorNamespaceSelector`; `clusterDomain` is ignored, as tidb-operator v1.6.6 ignores it when scraping (template.go never reads it)",
        ),
        Carried(
            "one VMPodScrape per component of each cluster it reached (the `scaffold vmpodscrape` objects, labelled `tidbmonitor.kubectl-tidbmonitor/migrated-from`), the VMAgent's `podScrapeSelector`/`podScrapeNamespaceSelector`; `clusterDomain` is ignored, as tidb-operator v1.6.6 ignores it when scraping",
        ),
    ),
    row(
        "dm.clusters",
        Carried("one PodMonitor per DM component, as for `clusters`"),
        Carried("one VMPodScrape per DM component, as for `clusters`"),
    ),
    same(
        "dm.initializer",
        "with `grafana`: the Grafana Deployment's `dm-initializer` init container (DM's dashboards and the `dm-cluster` datasource, util.go:403-473), from the same fields as `initializer`",
    ),
    row(
        "enableAlertRules",
        Carried(
            "the built-in rules it turns on (files of the initializer image, `/prometheus-rules/rules` in the monitor's pod): one PrometheusRule per file of `--rules-dir DIR`, selected by `ruleSelector`/`ruleNamespaceSelector`; without `--rules-dir` the header names them as not carried over, with the `kubectl cp` that copies them out of the pod",
        ),
        dropped(
            VM_NO_VMALERT,
            "copy the built-in rules out of the monitor's pod (`kubectl cp -c prometheus POD:/prometheus-rules/rules DIR`, which the header of `--to prometheus-operator` spells out), then keep the TidbMonitor until a VMAlert runs: put the `groups` of each file in a VMRule's `spec.groups` (the same group and rule fields), and run a VMAlert whose `ruleSelector` selects those VMRules and whose `datasource.url` is the VMSingle, `http://vmsingle-NAME.NS.svc:8428` (vmalert_types.go:81)",
        ),
    ),
    row(
        "externalLabels",
        Carried("`externalLabels`"),
        Carried(
            "the VMAgent's `externalLabels`, with `externalLabelName: \"\"` (else it adds `prometheus: NS/NAME`, common_scrapeparams.go:669-694); VMAgent puts them on every series it scrapes, so the VMSingle stores them too, where Prometheus added them only to data leaving it",
        ),
    ),
    same(
        "grafana.additionalVolumeMounts",
        "the `grafana` container's `volumeMounts` (Deployment `grafana-<name>`), with the `additionalVolumes` they name",
    ),
    row(
        "grafana.baseImage",
        Carried(
            "the image (`baseImage:version`) of the `grafana` container of Deployment `grafana-<name>`, with the `monitor-initializer` init container, the dashboards provider ConfigMap `grafana-<name>-provisioning` and Service `grafana-<name>` that TidbMonitor's Grafana had; its datasource reads the new Prometheus (`http://prometheus-operated.NS.svc:9090`). Without `grafana`, no Grafana",
        ),
        Carried(
            "the image (`baseImage:version`) of the `grafana` container of Deployment `grafana-<name>`, with the `monitor-initializer` init container, the dashboards provider ConfigMap `grafana-<name>-provisioning` and Service `grafana-<name>` that TidbMonitor's Grafana had; its datasource reads the VMSingle (`http://vmsingle-NAME.NS.svc:8428`, which answers the Prometheus query API). Without `grafana`, no Grafana",
        ),
    ),
    same("grafana.claims", "its `resources.claims`"),
    same(
        "grafana.envs",
        "its `env`, over the built-in variables, sorted by name (util.go:717-725)",
    ),
    same("grafana.imagePullPolicy", "its `imagePullPolicy`"),
    row(
        "grafana.ingress",
        dropped(
            "migrate makes no Ingress",
            "create an Ingress to Service grafana-<name>, port 3000",
        ),
        dropped(
            "migrate makes no Ingress",
            "create an Ingress to Service grafana-<name>, port 3000",
        ),
    ),
    same(
        "grafana.limits",
        "its `resources.limits` (without `storage`, as util.go:634 trims it)",
    ),
    row(
        "grafana.logLevel",
        dropped(
            "tidb-operator v1.6.6 never reads it (nothing in pkg/monitor uses it), so the monitor's Grafana logged at Grafana's default level",
            "set `GF_LOG_LEVEL` in `grafana.envs`, which is carried",
        ),
        dropped(
            "tidb-operator v1.6.6 never reads it (nothing in pkg/monitor uses it), so the monitor's Grafana logged at Grafana's default level",
            "set `GF_LOG_LEVEL` in `grafana.envs`, which is carried",
        ),
    ),
    same(
        "grafana.password",
        "`GF_SECURITY_ADMIN_PASSWORD` from a Secret `grafana-<name>-admin` written from it, as tidb-operator writes `<name>-monitor` (util.go:212-225); empty: no variable, which is Grafana's default, as before",
    ),
    same(
        "grafana.passwordSecret",
        "`GF_SECURITY_ADMIN_PASSWORD` from that Secret key, referenced by name (never read)",
    ),
    same(
        "grafana.requests",
        "its `resources.requests` (without `storage`)",
    ),
    same("grafana.securityContext", "its `securityContext`"),
    same(
        "grafana.service",
        "Service `grafana-<name>`: `type`, `portName` (default `http-grafana`), `labels`, `annotations`, and for LoadBalancer `loadBalancerIP`/`loadBalancerSourceRanges` (util.go:1044-1077); tidb-operator reads no `clusterIP`, `port` or `loadBalancerClass`, and neither does migrate",
    ),
    same(
        "grafana.username",
        "`GF_SECURITY_ADMIN_USER`, as `grafana.password`",
    ),
    same(
        "grafana.usernameSecret",
        "`GF_SECURITY_ADMIN_USER` from that Secret key, referenced by name (never read)",
    ),
    same("grafana.version", "the tag of the `grafana` image"),
    row(
        "imagePullPolicy",
        Carried("`imagePullPolicy`"),
        Carried("`image.pullPolicy` of the VMSingle and the VMAgent"),
    ),
    row(
        "imagePullSecrets",
        Carried("`imagePullSecrets`, and the Grafana pod's"),
        Carried("`imagePullSecrets` of both, and the Grafana pod's"),
    ),
    row(
        "initializer.baseImage",
        Carried(
            "with `grafana`: the image (`baseImage:version`) of the Grafana's `monitor-initializer` init container, which writes the dashboards and datasources from the image as in the monitor's pod (util.go:310-401), its `GF_TIDB_PROMETHEUS_URL` the new Prometheus. Without `grafana`, its dashboards have no Grafana; its built-in rules: see `enableAlertRules`",
        ),
        Carried(
            "with `grafana`: the image (`baseImage:version`) of the Grafana's `monitor-initializer` init container, which writes the dashboards and datasources from the image as in the monitor's pod (util.go:310-401), its `GF_TIDB_PROMETHEUS_URL` the VMSingle. Without `grafana`, its dashboards have no Grafana; its built-in rules: see `enableAlertRules`",
        ),
    ),
    same("initializer.claims", "its `resources.claims`"),
    same(
        "initializer.envs",
        "its `env`, replacing same-named built-in variables (util.go:392-399)",
    ),
    same("initializer.imagePullPolicy", "its `imagePullPolicy`"),
    same(
        "initializer.limits",
        "its `resources.limits` (without `storage`)",
    ),
    same(
        "initializer.requests",
        "its `resources.requests` (without `storage`)",
    ),
    same("initializer.securityContext", "its `securityContext`"),
    same(
        "initializer.version",
        "the tag of its image, and `TIDB_VERSION` unless `alertManagerRulesVersion` is set",
    ),
    same(
        "kubePrometheusURL",
        "`GF_K8S_PROMETHEUS_URL` of the Grafana's initializer: the `k8s-cluster` datasource (util.go:380-385)",
    ),
    row(
        "labels",
        Carried("`podMetadata.labels`, and the Grafana pod's and Service's"),
        Carried("`podMetadata.labels` of both, and the Grafana pod's and Service's"),
    ),
    row(
        "nodeSelector",
        Carried("`nodeSelector`, and the Grafana pod's"),
        Carried("`nodeSelector` of both, and the Grafana pod's"),
    ),
    row(
        "persistent",
        Carried("`storage.volumeClaimTemplate` (with `storage`)"),
        Carried(
            "the VMSingle's `storage`, from which the VM operator makes the claim `vmsingle-NAME` (with `storage`; vmsingle/vmsingle.go:59-75)",
        ),
    ),
    row(
        "podSecurityContext",
        Carried("`securityContext`, and the Grafana pod's"),
        Carried(
            "`securityContext` of both (the VM type inlines the pod's security context), and the Grafana pod's",
        ),
    ),
    row(
        "preferIPv6",
        dropped(
            "it makes TidbMonitor's Services prefer IPv6 (util.go:1081-1082); prometheus-operator's Service follows the cluster's default family",
            "nothing on single-stack clusters; on dual-stack ones give your own Service `ipFamilyPolicy`/`ipFamilies`",
        ),
        dropped(
            "it makes TidbMonitor's Services prefer IPv6 (util.go:1081-1082); the VM operator's Services follow the cluster's default family",
            "nothing on single-stack clusters; on dual-stack ones set the VMSingle's `serviceSpec` with `ipFamilyPolicy`/`ipFamilies`",
        ),
    ),
    row(
        "prometheus.additionalVolumeMounts",
        Carried("`volumeMounts`"),
        Carried("the VMSingle's `volumeMounts`"),
    ),
    row(
        "prometheus.baseImage",
        Carried("`image` (`baseImage:version`)"),
        dropped(
            "it is Prometheus' image; the VMSingle and VMAgent run the VM operator's default VictoriaMetrics images (victoriametrics/victoria-metrics, victoriametrics/vmagent, internal/config/config.go)",
            "nothing; mirror those images where you mirrored Prometheus', and set `image.repository` if you must",
        ),
    ),
    row(
        "prometheus.claims",
        Carried("`resources.claims`"),
        Carried("the VMSingle's `resources.claims`"),
    ),
    row(
        "prometheus.config.commandOptions",
        Carried(
            "`additionalArgs` (`--name=value` → `{name, value}`); a flag prometheus-operator sets itself, such as `storage.tsdb.retention.time`, makes its reconciliation fail (prometheus_types.go:856-858)",
        ),
        dropped(
            "they are Prometheus flags",
            "give VictoriaMetrics flags in the `extraArgs` of the VMSingle or the VMAgent",
        ),
    ),
    row(
        "prometheus.config.configMapRef",
        dropped(
            "it replaces the whole generated prometheus.yml, which prometheus-operator builds itself",
            "move extra scrape jobs into an `additionalScrapeConfigs` Secret, or into ScrapeConfig objects",
        ),
        dropped(
            "it replaces the whole generated prometheus.yml, which the VM operator builds itself",
            "move extra scrape jobs into the VMAgent's `inlineScrapeConfig` or an `additionalScrapeConfigs` Secret, or into VMScrapeConfig objects",
        ),
    ),
    row(
        "prometheus.config.ruleConfigRef",
        Carried(
            "one PrometheusRule per `*.rules.yml` key of that ConfigMap, with the same groups, read from the monitor's namespace (its `namespace` is ignored, as tidb-operator mounts it by name, util.go:921-931), selected by `ruleSelector`/`ruleNamespaceSelector`; it replaces the built-in rules, as in TidbMonitor (template.go:490-494)",
        ),
        dropped(VM_NO_VMALERT, VM_RULES_INSTEAD),
    ),
    row(
        "prometheus.disableCompaction",
        Carried("`disableCompaction`"),
        dropped(
            "VictoriaMetrics has no TSDB compaction to turn off (TidbMonitor offered it for the Thanos sidecar's uploads)",
            "nothing",
        ),
    ),
    row(
        "prometheus.imagePullPolicy",
        Carried("`imagePullPolicy` (over the spec-wide one)"),
        Carried("`image.pullPolicy` of both (over the spec-wide one)"),
    ),
    row(
        "prometheus.ingress",
        dropped(
            "prometheus-operator makes no Ingress",
            "create an Ingress to Service prometheus-operated, port web (9090)",
        ),
        dropped(
            "the VM operator makes no Ingress",
            "create an Ingress to Service vmsingle-NAME, port 8428",
        ),
    ),
    row(
        "prometheus.limits",
        Carried("`resources.limits`"),
        Carried("the VMSingle's `resources.limits`"),
    ),
    row(
        "prometheus.logLevel",
        Carried("`logLevel`"),
        Carried(
            "`logLevel` of both, upper-cased (`debug` becomes `INFO`, the lowest level the VM CRDs accept)",
        ),
    ),
    row(
        "prometheus.remoteWrite.basicAuth",
        Carried("`remoteWrite[].basicAuth` (the Secrets as they are)"),
        Carried("the VMAgent's `remoteWrite[].basicAuth` (the Secrets as they are)"),
    ),
    row(
        "prometheus.remoteWrite.bearerToken",
        Carried("`remoteWrite[].bearerToken` (deprecated there: prefer `authorization`)"),
        dropped(
            "VMAgent takes a remote-write bearer token only from a Secret (`bearerTokenSecret`), never as text",
            "put the token in a Secret in the monitor's namespace and set `remoteWrite[].bearerTokenSecret` on the VMAgent",
        ),
    ),
    row(
        "prometheus.remoteWrite.bearerTokenFile",
        Carried("`remoteWrite[].bearerTokenFile`"),
        dropped(
            "VMAgent's remoteWrite has no token file (VMAgentRemoteWriteSpec, vmagent_types.go)",
            "put the token in a Secret in the monitor's namespace and set `remoteWrite[].bearerTokenSecret` on the VMAgent",
        ),
    ),
    row(
        "prometheus.remoteWrite.headers",
        Carried("`remoteWrite[].headers`"),
        Carried("the VMAgent's `remoteWrite[].headers` (`Name: value` strings)"),
    ),
    row(
        "prometheus.remoteWrite.metadataConfig",
        Carried("`remoteWrite[].metadataConfig`"),
        dropped(
            "VMAgent's remoteWrite has no metadata setting (VMAgentRemoteWriteSpec)",
            "nothing for the VMSingle, whose queries need no metadata; a receiver of your own that needs it gets none",
        ),
    ),
    row(
        "prometheus.remoteWrite.name",
        Carried("`remoteWrite[].name`"),
        dropped(
            "VMAgent does not name its remote-write queues",
            "nothing; vmagent's own metrics tell the URLs apart",
        ),
    ),
    row(
        "prometheus.remoteWrite.proxyUrl",
        Carried("`remoteWrite[].proxyUrl`"),
        Carried("the VMAgent's `remoteWrite[].proxyURL`"),
    ),
    row(
        "prometheus.remoteWrite.queueConfig.batchSendDeadline",
        Carried(
            "`remoteWrite[].queueConfig.batchSendDeadline` (TidbMonitor's nanoseconds become a duration such as `5s`)",
        ),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.capacity",
        Carried("`remoteWrite[].queueConfig.capacity`"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.maxBackoff",
        Carried("`remoteWrite[].queueConfig.maxBackoff` (nanoseconds become a duration)"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.maxRetries",
        Carried("`remoteWrite[].queueConfig.maxRetries`"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.maxSamplesPerSend",
        Carried("`remoteWrite[].queueConfig.maxSamplesPerSend`"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.maxShards",
        Carried("`remoteWrite[].queueConfig.maxShards`"),
        Carried(
            "the VMAgent's `remoteWrite[].queues` (vmagent's concurrent senders per URL, its counterpart of shards)",
        ),
    ),
    row(
        "prometheus.remoteWrite.queueConfig.minBackoff",
        Carried("`remoteWrite[].queueConfig.minBackoff` (nanoseconds become a duration)"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.queueConfig.minShards",
        Carried("`remoteWrite[].queueConfig.minShards`"),
        VM_QUEUE,
    ),
    row(
        "prometheus.remoteWrite.remoteTimeout",
        Carried("`remoteWrite[].remoteTimeout`"),
        Carried(
            "the VMAgent's `remoteWrite[].sendTimeout` (days become hours: it accepts ms, s, m and h)",
        ),
    ),
    row(
        "prometheus.remoteWrite.tlsConfig",
        Carried("`remoteWrite[].tlsConfig` (same fields)"),
        Carried("the VMAgent's `remoteWrite[].tlsConfig` (same fields)"),
    ),
    row(
        "prometheus.remoteWrite.url",
        Carried("`remoteWrite[].url`"),
        Carried(
            "the VMAgent's `remoteWrite[].url`, after the VMSingle's own `http://vmsingle-NAME.NS.svc:8428/api/v1/write`",
        ),
    ),
    row(
        "prometheus.remoteWrite.writeRelabelConfigs",
        Carried("`remoteWrite[].writeRelabelConfigs`"),
        Carried(
            "the VMAgent's `remoteWrite[].inlineUrlRelabelConfig` (same rule fields, for that URL only)",
        ),
    ),
    row(
        "prometheus.requests",
        Carried("`resources.requests`"),
        Carried("the VMSingle's `resources.requests`"),
    ),
    row(
        "prometheus.reserveDays",
        Carried("`retention` `<n>d` when `retentionTime` is unset (util.go:476-481)"),
        Carried("the VMSingle's `retentionPeriod` `<n>d` when `retentionTime` is unset"),
    ),
    row(
        "prometheus.retentionTime",
        Carried("`retention`"),
        Carried(
            "the VMSingle's `retentionPeriod`, whose pattern is `^[0-9]+(h|d|w|y)?$` with a minimum of 24h: other units become whole hours (vmsingle_types.go:56-63)",
        ),
    ),
    row(
        "prometheus.securityContext",
        Carried(
            "a `containers` entry named `prometheus` with that securityContext, which prometheus-operator merges into its container",
        ),
        Carried(
            "`containers` entries named `vmsingle` and `vmagent` with that securityContext, which the VM operator merges into its containers",
        ),
    ),
    row(
        "prometheus.service",
        dropped(
            "prometheus-operator makes its own headless Service prometheus-operated",
            "create a Service of the type you need selecting `app.kubernetes.io/name: prometheus` and `operator.prometheus.io/name: <name>`",
        ),
        dropped(
            "the VM operator makes its own Service vmsingle-NAME",
            "set the VMSingle's `serviceSpec` (`useAsDefault: true`, `spec.type`) for another type",
        ),
    ),
    row(
        "prometheus.version",
        Carried("`version` and the tag of `image`"),
        dropped(
            "it is Prometheus' version",
            "nothing; the VM operator's default VictoriaMetrics version, or `componentVersion` on the VMSingle and VMAgent",
        ),
    ),
    row(
        "prometheusReloader",
        dropped(
            "prometheus-operator runs its own config-reloader sidecar",
            "nothing; its image is prometheus-operator's `--prometheus-config-reloader` flag",
        ),
        dropped(
            "the VM operator runs its own config-reloader sidecar",
            "nothing",
        ),
    ),
    row(
        "pvReclaimPolicy",
        dropped(
            "it is the PV's reclaim policy; prometheus-operator's `persistentVolumeClaimRetentionPolicy` decides about PVCs, not PVs",
            "set `reclaimPolicy` on the StorageClass, or patch the new PVs' `persistentVolumeReclaimPolicy`",
        ),
        dropped(
            "it is the PV's reclaim policy; the VMSingle's `removePvcAfterDelete` decides about its PVC, not the PV",
            "set `reclaimPolicy` on the StorageClass, or patch the new PV's `persistentVolumeReclaimPolicy`",
        ),
    ),
    row(
        "reloader",
        dropped(
            "it reloads TidbMonitor's Prometheus and Grafana configs; prometheus-operator reloads its own",
            "nothing",
        ),
        dropped(
            "it reloads TidbMonitor's Prometheus and Grafana configs; the VM operator reloads its own",
            "nothing",
        ),
    ),
    row(
        "replicaExternalLabelName",
        Carried(
            "`replicaExternalLabelName` (the value becomes the pod name, `prometheus-<name>-<n>`, instead of `<namespace>_<pod>`)",
        ),
        Dropped {
            why: REPLICA_LABEL_WHY,
            instead: REPLICA_LABEL_INSTEAD,
        },
    ),
    row(
        "replicas",
        Carried("`replicas`"),
        Carried(
            "the VMAgent's `replicaCount` (each replica scrapes every target) and, above 1, the VMSingle's `extraArgs` `dedup.minScrapeInterval: 15s` so that it keeps one copy",
        ),
    ),
    row(
        "shards",
        Carried("`shards`"),
        Carried(
            "the VMAgent's `shardCount` (`-promscrape.cluster.membersCount`/`memberNum`, vmagent/vmagent.go:819-838); every shard writes to the one VMSingle",
        ),
    ),
    row(
        "storage",
        Carried("`storage.volumeClaimTemplate` request (with `persistent`)"),
        Carried("the VMSingle's `storage.resources.requests.storage` (with `persistent`)"),
    ),
    row(
        "storageClassName",
        Carried("`storage.volumeClaimTemplate.spec.storageClassName`"),
        Carried("the VMSingle's `storage.storageClassName`"),
    ),
    row(
        "thanos.additionalVolumeMounts",
        Carried("`thanos.volumeMounts`"),
        VM_THANOS,
    ),
    row(
        "thanos.baseImage",
        Carried("`thanos.image` (`baseImage:version`)"),
        VM_THANOS,
    ),
    row(
        "thanos.claims",
        Carried("`thanos.resources.claims`"),
        VM_THANOS,
    ),
    row(
        "thanos.grpcServerTlsConfig",
        Carried("`thanos.grpcServerTlsConfig`"),
        VM_THANOS,
    ),
    row(
        "thanos.imagePullPolicy",
        dropped(
            "prometheus-operator's sidecar follows the Prometheus' `imagePullPolicy`",
            "set the spec-wide `imagePullPolicy`",
        ),
        VM_THANOS,
    ),
    row(
        "thanos.limits",
        Carried("`thanos.resources.limits`"),
        VM_THANOS,
    ),
    row(
        "thanos.listenLocal",
        Carried("`thanos.grpcListenLocal` and `thanos.httpListenLocal`"),
        VM_THANOS,
    ),
    row("thanos.logFormat", Carried("`thanos.logFormat`"), VM_THANOS),
    row("thanos.logLevel", Carried("`thanos.logLevel`"), VM_THANOS),
    row("thanos.minTime", Carried("`thanos.minTime`"), VM_THANOS),
    row(
        "thanos.objectStorageConfig",
        Carried("`thanos.objectStorageConfig` (the Secret as it is)"),
        VM_THANOS,
    ),
    row(
        "thanos.objectStorageConfigFile",
        Carried("`thanos.objectStorageConfigFile`"),
        VM_THANOS,
    ),
    row(
        "thanos.requests",
        Carried("`thanos.resources.requests`"),
        VM_THANOS,
    ),
    row(
        "thanos.routePrefix",
        dropped(
            "prometheus-operator's sidecar has no route prefix of its own; it follows the Prometheus' `routePrefix`",
            "set `routePrefix` on the Prometheus if Prometheus itself must serve under the prefix",
        ),
        VM_THANOS,
    ),
    row(
        "thanos.securityContext",
        Carried(
            "a `containers` entry named `thanos-sidecar` with that securityContext, merged likewise",
        ),
        VM_THANOS,
    ),
    row(
        "thanos.tracingConfig",
        Carried("`thanos.tracingConfig`"),
        VM_THANOS,
    ),
    row(
        "thanos.tracingConfigFile",
        Carried("`thanos.tracingConfigFile`"),
        VM_THANOS,
    ),
    row(
        "thanos.version",
        Carried("`thanos.version` and the tag of `thanos.image`"),
        VM_THANOS,
    ),
    row(
        "timezone",
        Carried(
            "`TZ` of the Grafana container (and of its initializer when no listed cluster has a PD), util.go:367-374, 656-659; the Prometheus has no such field and stores UTC either way",
        ),
        Carried(
            "`TZ` of the Grafana container (and of its initializer when no listed cluster has a PD), util.go:367-374, 656-659; the VM CRDs have no such field and VictoriaMetrics stores UTC either way",
        ),
    ),
    same("tolerations", "`tolerations`, and the Grafana pod's"),
];

/// Why TidbMonitor's replica label does not become a VMAgent external label: Prometheus adds external labels only
/// to data leaving it (remote write, Thanos), VMAgent to every series it writes, the VMSingle's included.
pub const REPLICA_LABEL_WHY: &str = "VMAgent puts external labels on every series it writes, the VMSingle's included, so a per-pod label would keep each replica's copy of a series apart where the VMSingle deduplicates identical ones (`dedup.minScrapeInterval`, set when `replicas` > 1), and start new series whenever a pod is replaced";
pub const REPLICA_LABEL_INSTEAD: &str = "nothing for the VMSingle; a remote-write receiver of your own that deduplicated by this label receives each replica's identical series instead";

/// The objects whose fields the table lists one by one rather than as a whole (arrays: their items' fields).
pub const EXPANDED: &[&str] = &[
    "prometheus",
    "prometheus.config",
    "prometheus.remoteWrite",
    "prometheus.remoteWrite.queueConfig",
    "thanos",
    "grafana",
    "initializer",
    "dm",
];

/// Whether a manifest value says anything: `false`, `""`, `[]`, `{}` and null are what an unset field reads as.
fn is_set(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// Whether `path` (dot-separated under `value`) is set anywhere, looking into every item of the arrays on the way
/// (`prometheus.remoteWrite.name` is set when one remote write has a name).
fn set_at(value: &Value, path: &[&str]) -> bool {
    match (value, path) {
        (Value::Array(items), _) => items.iter().any(|item| set_at(item, path)),
        (_, []) => is_set(value),
        (Value::Object(map), [first, rest @ ..]) => {
            map.get(*first).is_some_and(|v| set_at(v, rest))
        }
        _ => false,
    }
}

/// The header lines for the fields `raw` (a TidbMonitor manifest) sets and the migration to `to` does not carry
/// over. Neighbouring fields dropped for the same reason share one line (`thanos.baseImage, thanos.version — …`).
pub fn dropped_notes(raw: &Value, to: To) -> Vec<String> {
    let spec = &raw["spec"];
    let mut groups: Vec<(Vec<&str>, &str, &str)> = Vec::new();
    for field in FIELDS {
        let Dropped { why, instead } = field.mapping(to) else {
            continue;
        };
        if !set_at(spec, &field.path.split('.').collect::<Vec<_>>()) {
            continue;
        }
        match groups.last_mut() {
            Some((paths, w, i)) if *w == why && *i == instead => paths.push(field.path),
            _ => groups.push((vec![field.path], why, instead)),
        }
    }
    groups
        .into_iter()
        .map(|(paths, why, instead)| {
            format!(
                "not carried over: {} — {why}; instead: {instead}",
                paths.join(", ")
            )
        })
        .collect()
}

/// A table cell: a `|` (in a pattern) is escaped; the same text as the row above is "as above".
fn cell(mapping: Mapping, above: Option<Mapping>) -> String {
    if above == Some(mapping) {
        return "as above".into();
    }
    let text = match mapping {
        Carried(what) => what.to_string(),
        Dropped { why, instead } => format!("not carried over: {why}. Instead: {instead}"),
    };
    text.replace('|', "\\|")
}

/// The mapping table of `docs/migrate.md`: one row per field, one column per `--to` target.
pub fn markdown_table() -> String {
    let mut text = String::from(
        "| TidbMonitor `spec.` | `--to prometheus-operator` | `--to victoriametrics` |\n|---|---|---|\n",
    );
    let mut above: Option<&Field> = None;
    for field in FIELDS {
        text.push_str(&format!(
            "| `{}` | {} | {} |\n",
            field.path,
            cell(
                field.prometheus_operator,
                above.map(|f| f.prometheus_operator)
            ),
            cell(field.victoriametrics, above.map(|f| f.victoriametrics))
        ));
        above = Some(field);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_the_monitor_sets_are_listed() {
        let raw = json!({"spec": {
            "grafana": {"baseImage": "grafana/grafana", "logLevel": "debug", "ingress": null},
            "preferIPv6": false,
            "prometheusReloader": {},
            "prometheus": {"ingress": {"hosts": ["p.example.com"]}, "service": null},
        }});
        let notes = dropped_notes(&raw, To::PrometheusOperator);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("not carried over: grafana.logLevel — "));
        assert!(notes[1].starts_with("not carried over: prometheus.ingress — "));
    }

    /// A field of an array item is listed once when any item sets it; the same reason shares a line.
    #[test]
    fn array_items_and_shared_reasons() {
        let raw = json!({"spec": {
            "prometheus": {"remoteWrite": [
                {"url": "http://a"},
                {"url": "http://b", "bearerToken": "t", "queueConfig": {"capacity": 10, "maxShards": 5, "minShards": 1}},
            ]},
            "thanos": {"baseImage": "quay.io/thanos/thanos", "version": "v0.36.1"},
        }});
        let notes = dropped_notes(&raw, To::Victoriametrics);
        assert_eq!(notes.len(), 3, "{notes:#?}");
        assert!(notes[0].starts_with("not carried over: prometheus.remoteWrite.bearerToken — "));
        assert!(notes[1].starts_with(
            "not carried over: prometheus.remoteWrite.queueConfig.capacity, prometheus.remoteWrite.queueConfig.minShards — "
        ));
        assert!(notes[2].starts_with("not carried over: thanos.baseImage, thanos.version — "));
        assert!(dropped_notes(&raw, To::PrometheusOperator).is_empty());
    }

    #[test]
    fn paths_are_unique_and_sorted_as_the_crd_lists_them() {
        let paths: Vec<&str> = FIELDS.iter().map(|f| f.path).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted);
    }
}
