//! Every field of the TidbMonitor spec (tidb-operator v1.6.6 CRD, `prometheus`, `prometheus.config`, `thanos`,
//! `grafana`, `initializer` and `dm` one level deeper) and what `migrate` makes of it: the prometheus-operator field it becomes, or why it is
//! not carried over and what to do instead. `docs/migrate.md` holds [`markdown_table`] verbatim, and a test
//! walks the CRD so that a field the operator adds cannot be silently dropped.

use serde_json::Value;

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

/// `(path under spec, mapping)`, in the CRD's order.
pub const FIELDS: &[(&str, Mapping)] = &[
    ("additionalContainers", Carried("`containers`")),
    (
        "additionalVolumes",
        Carried(
            "`volumes`; the Grafana Deployment gets those `grafana.additionalVolumeMounts` names",
        ),
    ),
    (
        "alertManagerRulesVersion",
        Carried(
            "`TIDB_VERSION` (`tidb:<version>`) of the Grafana's `monitor-initializer`, as util.go:142-148 sets it (init.sh uses it only to pick rules persisted under `/data/latest-rules/`)",
        ),
    ),
    (
        "alertmanagerURL",
        Carried(
            "a Secret `<name>-prometheus-alertmanagers` (key `alertmanagers.yaml`) holding one static target, as tidb-operator's config has it (template.go:449-471), named by the Prometheus' `additionalAlertManagerConfigs`; a URL with a scheme or path, which Prometheus refuses, is named in the header instead. It turns the built-in rules on: see `enableAlertRules`",
        ),
    ),
    (
        "annotations",
        Carried("`podMetadata.annotations`, and the Grafana pod's and Service's"),
    ),
    (
        "automountServiceAccountToken",
        Carried("`automountServiceAccountToken`"),
    ),
    (
        "clusterScoped",
        Carried(
            "a Role and RoleBinding in each scraped namespace (the namespaces are known, so no ClusterRole)",
        ),
    ),
    (
        "clusters",
        Carried(
            "one PodMonitor per component of each cluster it reached (the `scaffold podmonitor` objects, labelled `tidbmonitor.kubectl-tidbmonitor/migrated-from`), `podMonitorSelector`/`podMonitorNamespaceSelector`; `clusterDomain` is ignored, as tidb-operator v1.6.6 ignores it when scraping (template.go never reads it)",
        ),
    ),
    (
        "dm.clusters",
        Carried("one PodMonitor per DM component, as for `clusters`"),
    ),
    (
        "dm.initializer",
        Carried(
            "with `grafana`: the Grafana Deployment's `dm-initializer` init container (DM's dashboards and the `dm-cluster` datasource, util.go:403-473), from the same fields as `initializer`",
        ),
    ),
    (
        "enableAlertRules",
        Carried(
            "the built-in rules it turns on (files of the initializer image, `/prometheus-rules/rules` in the monitor's pod): one PrometheusRule per file of `--rules-dir DIR`, selected by `ruleSelector`/`ruleNamespaceSelector`; without `--rules-dir` the header names them as not carried over, with the `kubectl cp` that copies them out of the pod",
        ),
    ),
    ("externalLabels", Carried("`externalLabels`")),
    (
        "grafana.additionalVolumeMounts",
        Carried(
            "the `grafana` container's `volumeMounts` (Deployment `grafana-<name>`), with the `additionalVolumes` they name",
        ),
    ),
    (
        "grafana.baseImage",
        Carried(
            "the image (`baseImage:version`) of the `grafana` container of Deployment `grafana-<name>`, with the `monitor-initializer` init container, the dashboards provider ConfigMap `grafana-<name>-provisioning` and Service `grafana-<name>` that TidbMonitor's Grafana had; its datasource reads the new Prometheus. Without `grafana`, no Grafana",
        ),
    ),
    ("grafana.claims", Carried("its `resources.claims`")),
    (
        "grafana.envs",
        Carried("its `env`, over the built-in variables, sorted by name (util.go:717-725)"),
    ),
    ("grafana.imagePullPolicy", Carried("its `imagePullPolicy`")),
    (
        "grafana.ingress",
        Dropped {
            why: "migrate makes no Ingress",
            instead: "create an Ingress to Service grafana-<name>, port 3000",
        },
    ),
    (
        "grafana.limits",
        Carried("its `resources.limits` (without `storage`, as util.go:634 trims it)"),
    ),
    (
        "grafana.logLevel",
        Dropped {
            why: "tidb-operator v1.6.6 never reads it (nothing in pkg/monitor uses it), so the monitor's Grafana logged at Grafana's default level",
            instead: "set `GF_LOG_LEVEL` in `grafana.envs`, which is carried",
        },
    ),
    (
        "grafana.password",
        Carried(
            "`GF_SECURITY_ADMIN_PASSWORD` from a Secret `grafana-<name>-admin` written from it, as tidb-operator writes `<name>-monitor` (util.go:212-225); empty: no variable, which is Grafana's default, as before",
        ),
    ),
    (
        "grafana.passwordSecret",
        Carried(
            "`GF_SECURITY_ADMIN_PASSWORD` from that Secret key, referenced by name (never read)",
        ),
    ),
    (
        "grafana.requests",
        Carried("its `resources.requests` (without `storage`)"),
    ),
    ("grafana.securityContext", Carried("its `securityContext`")),
    (
        "grafana.service",
        Carried(
            "Service `grafana-<name>`: `type`, `portName` (default `http-grafana`), `labels`, `annotations`, and for LoadBalancer `loadBalancerIP`/`loadBalancerSourceRanges` (util.go:1044-1077); tidb-operator reads no `clusterIP`, `port` or `loadBalancerClass`, and neither does migrate",
        ),
    ),
    (
        "grafana.username",
        Carried("`GF_SECURITY_ADMIN_USER`, as `grafana.password`"),
    ),
    (
        "grafana.usernameSecret",
        Carried("`GF_SECURITY_ADMIN_USER` from that Secret key, referenced by name (never read)"),
    ),
    ("grafana.version", Carried("the tag of the `grafana` image")),
    ("imagePullPolicy", Carried("`imagePullPolicy`")),
    (
        "imagePullSecrets",
        Carried("`imagePullSecrets`, and the Grafana pod's"),
    ),
    (
        "initializer.baseImage",
        Carried(
            "with `grafana`: the image (`baseImage:version`) of the Grafana's `monitor-initializer` init container, which writes the dashboards and datasources from the image as in the monitor's pod (util.go:310-401), its `GF_TIDB_PROMETHEUS_URL` the new Prometheus. Without `grafana`, its dashboards have no Grafana; its built-in rules: see `enableAlertRules`",
        ),
    ),
    ("initializer.claims", Carried("its `resources.claims`")),
    (
        "initializer.envs",
        Carried("its `env`, replacing same-named built-in variables (util.go:392-399)"),
    ),
    (
        "initializer.imagePullPolicy",
        Carried("its `imagePullPolicy`"),
    ),
    (
        "initializer.limits",
        Carried("its `resources.limits` (without `storage`)"),
    ),
    (
        "initializer.requests",
        Carried("its `resources.requests` (without `storage`)"),
    ),
    (
        "initializer.securityContext",
        Carried("its `securityContext`"),
    ),
    (
        "initializer.version",
        Carried(
            "the tag of its image, and `TIDB_VERSION` unless `alertManagerRulesVersion` is set",
        ),
    ),
    (
        "kubePrometheusURL",
        Carried(
            "`GF_K8S_PROMETHEUS_URL` of the Grafana's initializer: the `k8s-cluster` datasource (util.go:380-385)",
        ),
    ),
    (
        "labels",
        Carried("`podMetadata.labels`, and the Grafana pod's and Service's"),
    ),
    (
        "nodeSelector",
        Carried("`nodeSelector`, and the Grafana pod's"),
    ),
    (
        "persistent",
        Carried("`storage.volumeClaimTemplate` (with `storage`)"),
    ),
    (
        "podSecurityContext",
        Carried("`securityContext`, and the Grafana pod's"),
    ),
    (
        "preferIPv6",
        Dropped {
            why: "it makes TidbMonitor's Services prefer IPv6 (util.go:1081-1082); prometheus-operator's Service follows the cluster's default family",
            instead: "nothing on single-stack clusters; on dual-stack ones give your own Service `ipFamilyPolicy`/`ipFamilies`",
        },
    ),
    (
        "prometheus.additionalVolumeMounts",
        Carried("`volumeMounts`"),
    ),
    (
        "prometheus.baseImage",
        Carried("`image` (`baseImage:version`)"),
    ),
    ("prometheus.claims", Carried("`resources.claims`")),
    (
        "prometheus.config.commandOptions",
        Carried(
            "`additionalArgs` (`--name=value` → `{name, value}`); a flag prometheus-operator sets itself, such as `storage.tsdb.retention.time`, makes its reconciliation fail (prometheus_types.go:856-858)",
        ),
    ),
    (
        "prometheus.config.configMapRef",
        Dropped {
            why: "it replaces the whole generated prometheus.yml, which prometheus-operator builds itself",
            instead: "move extra scrape jobs into an `additionalScrapeConfigs` Secret, or into ScrapeConfig objects",
        },
    ),
    (
        "prometheus.config.ruleConfigRef",
        Carried(
            "one PrometheusRule per `*.rules.yml` key of that ConfigMap, with the same groups, read from the monitor's namespace (its `namespace` is ignored, as tidb-operator mounts it by name, util.go:921-931), selected by `ruleSelector`/`ruleNamespaceSelector`; it replaces the built-in rules, as in TidbMonitor (template.go:490-494)",
        ),
    ),
    (
        "prometheus.disableCompaction",
        Carried("`disableCompaction`"),
    ),
    (
        "prometheus.imagePullPolicy",
        Carried("`imagePullPolicy` (over the spec-wide one)"),
    ),
    (
        "prometheus.ingress",
        Dropped {
            why: "prometheus-operator makes no Ingress",
            instead: "create an Ingress to Service prometheus-operated, port web (9090)",
        },
    ),
    ("prometheus.limits", Carried("`resources.limits`")),
    ("prometheus.logLevel", Carried("`logLevel`")),
    (
        "prometheus.remoteWrite",
        Carried("`remoteWrite` (same fields; Secrets referenced as they are)"),
    ),
    ("prometheus.requests", Carried("`resources.requests`")),
    (
        "prometheus.reserveDays",
        Carried("`retention` `<n>d` when `retentionTime` is unset (util.go:476-481)"),
    ),
    ("prometheus.retentionTime", Carried("`retention`")),
    (
        "prometheus.securityContext",
        Carried(
            "a `containers` entry named `prometheus` with that securityContext, which prometheus-operator merges into its container",
        ),
    ),
    (
        "prometheus.service",
        Dropped {
            why: "prometheus-operator makes its own headless Service prometheus-operated",
            instead: "create a Service of the type you need selecting `app.kubernetes.io/name: prometheus` and `operator.prometheus.io/name: <name>`",
        },
    ),
    (
        "prometheus.version",
        Carried("`version` and the tag of `image`"),
    ),
    (
        "prometheusReloader",
        Dropped {
            why: "prometheus-operator runs its own config-reloader sidecar",
            instead: "nothing; its image is prometheus-operator's `--prometheus-config-reloader` flag",
        },
    ),
    (
        "pvReclaimPolicy",
        Dropped {
            why: "it is the PV's reclaim policy; prometheus-operator's `persistentVolumeClaimRetentionPolicy` decides about PVCs, not PVs",
            instead: "set `reclaimPolicy` on the StorageClass, or patch the new PVs' `persistentVolumeReclaimPolicy`",
        },
    ),
    (
        "reloader",
        Dropped {
            why: "it reloads TidbMonitor's Prometheus and Grafana configs; prometheus-operator reloads its own",
            instead: "nothing",
        },
    ),
    (
        "replicaExternalLabelName",
        Carried(
            "`replicaExternalLabelName` (the value becomes the pod name, `prometheus-<name>-<n>`, instead of `<namespace>_<pod>`)",
        ),
    ),
    ("replicas", Carried("`replicas`")),
    ("shards", Carried("`shards`")),
    (
        "storage",
        Carried("`storage.volumeClaimTemplate` request (with `persistent`)"),
    ),
    (
        "storageClassName",
        Carried("`storage.volumeClaimTemplate.spec.storageClassName`"),
    ),
    (
        "thanos.additionalVolumeMounts",
        Carried("`thanos.volumeMounts`"),
    ),
    (
        "thanos.baseImage",
        Carried("`thanos.image` (`baseImage:version`)"),
    ),
    ("thanos.claims", Carried("`thanos.resources.claims`")),
    (
        "thanos.grpcServerTlsConfig",
        Carried("`thanos.grpcServerTlsConfig`"),
    ),
    (
        "thanos.imagePullPolicy",
        Dropped {
            why: "prometheus-operator's sidecar follows the Prometheus' `imagePullPolicy`",
            instead: "set the spec-wide `imagePullPolicy`",
        },
    ),
    ("thanos.limits", Carried("`thanos.resources.limits`")),
    (
        "thanos.listenLocal",
        Carried("`thanos.grpcListenLocal` and `thanos.httpListenLocal`"),
    ),
    ("thanos.logFormat", Carried("`thanos.logFormat`")),
    ("thanos.logLevel", Carried("`thanos.logLevel`")),
    ("thanos.minTime", Carried("`thanos.minTime`")),
    (
        "thanos.objectStorageConfig",
        Carried("`thanos.objectStorageConfig` (the Secret as it is)"),
    ),
    (
        "thanos.objectStorageConfigFile",
        Carried("`thanos.objectStorageConfigFile`"),
    ),
    ("thanos.requests", Carried("`thanos.resources.requests`")),
    (
        "thanos.routePrefix",
        Dropped {
            why: "prometheus-operator's sidecar has no route prefix of its own; it follows the Prometheus' `routePrefix`",
            instead: "set `routePrefix` on the Prometheus if Prometheus itself must serve under the prefix",
        },
    ),
    (
        "thanos.securityContext",
        Carried(
            "a `containers` entry named `thanos-sidecar` with that securityContext, merged likewise",
        ),
    ),
    ("thanos.tracingConfig", Carried("`thanos.tracingConfig`")),
    (
        "thanos.tracingConfigFile",
        Carried("`thanos.tracingConfigFile`"),
    ),
    (
        "thanos.version",
        Carried("`thanos.version` and the tag of `thanos.image`"),
    ),
    (
        "timezone",
        Carried(
            "`TZ` of the Grafana container (and of its initializer when no listed cluster has a PD), util.go:367-374, 656-659; the Prometheus has no such field and stores UTC either way",
        ),
    ),
    (
        "tolerations",
        Carried("`tolerations`, and the Grafana pod's"),
    ),
];

/// The objects whose fields the table lists one by one rather than as a whole.
pub const EXPANDED: &[&str] = &[
    "prometheus",
    "prometheus.config",
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

/// The header lines for the fields `raw` (a TidbMonitor manifest) sets and the migration does not carry over.
pub fn dropped_notes(raw: &Value) -> Vec<String> {
    FIELDS
        .iter()
        .filter_map(|(path, mapping)| match mapping {
            Dropped { why, instead } => {
                let pointer = format!("/spec/{}", path.replace('.', "/"));
                raw.pointer(&pointer)
                    .filter(|v| is_set(v))
                    .map(|_| format!("not carried over: {path} — {why}; instead: {instead}"))
            }
            Carried(_) => None,
        })
        .collect()
}

/// The mapping table of `docs/migrate.md`.
pub fn markdown_table() -> String {
    let mut text = String::from("| TidbMonitor `spec.` | migrate emits |\n|---|---|\n");
    for (path, mapping) in FIELDS {
        let cell = match mapping {
            Carried(what) => what.to_string(),
            Dropped { why, instead } => {
                format!("not carried over: {why}. Instead: {instead}")
            }
        };
        text.push_str(&format!("| `{path}` | {cell} |\n"));
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
        let notes = dropped_notes(&raw);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("not carried over: grafana.logLevel — "));
        assert!(notes[1].starts_with("not carried over: prometheus.ingress — "));
    }

    #[test]
    fn paths_are_unique_and_sorted_as_the_crd_lists_them() {
        let paths: Vec<&str> = FIELDS.iter().map(|(p, _)| *p).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted);
    }
}
