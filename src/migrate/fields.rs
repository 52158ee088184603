//! Every field of the TidbMonitor spec (tidb-operator v1.6.6 CRD, `prometheus`, `prometheus.config`, `thanos` and
//! `dm` one level deeper) and what `migrate` makes of it: the prometheus-operator field it becomes, or why it is
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

const NOT_YET_GRAFANA: &str = "keep the TidbMonitor's Grafana until migrate builds one, and point its datasource at the new Prometheus (Service prometheus-operated, port 9090)";
const NOT_YET_RULES: &str = "keep the TidbMonitor's alerts until migrate emits PrometheusRules; or write PrometheusRules and set the Prometheus' ruleSelector";

/// `(path under spec, mapping)`, in the CRD's order.
pub const FIELDS: &[(&str, Mapping)] = &[
    ("additionalContainers", Carried("`containers`")),
    ("additionalVolumes", Carried("`volumes`")),
    (
        "alertManagerRulesVersion",
        Dropped {
            why: "it picks the initializer's alert rules, and alert rules are not migrated yet",
            instead: NOT_YET_RULES,
        },
    ),
    (
        "alertmanagerURL",
        Dropped {
            why: "prometheus-operator addresses Alertmanagers by Service (`alerting.alertmanagers`), not by URL",
            instead: "set `alerting.alertmanagers` on the Prometheus, or put the URL in an `additionalAlertManagerConfigs` Secret",
        },
    ),
    ("annotations", Carried("`podMetadata.annotations`")),
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
        Dropped {
            why: "it loads DM's dashboards and rules, which are not migrated yet",
            instead: NOT_YET_GRAFANA,
        },
    ),
    (
        "enableAlertRules",
        Dropped {
            why: "alert rules are not migrated yet",
            instead: NOT_YET_RULES,
        },
    ),
    ("externalLabels", Carried("`externalLabels`")),
    (
        "grafana",
        Dropped {
            why: "prometheus-operator has no Grafana, and migrate does not build one yet",
            instead: NOT_YET_GRAFANA,
        },
    ),
    ("imagePullPolicy", Carried("`imagePullPolicy`")),
    ("imagePullSecrets", Carried("`imagePullSecrets`")),
    (
        "initializer",
        Dropped {
            why: "it copies dashboards and rules into Grafana and Prometheus, which are not migrated yet",
            instead: NOT_YET_GRAFANA,
        },
    ),
    (
        "kubePrometheusURL",
        Dropped {
            why: "it is a Grafana datasource (GF_K8S_PROMETHEUS_URL, util.go:381-385), and Grafana is not migrated yet",
            instead: NOT_YET_GRAFANA,
        },
    ),
    ("labels", Carried("`podMetadata.labels`")),
    ("nodeSelector", Carried("`nodeSelector`")),
    (
        "persistent",
        Carried("`storage.volumeClaimTemplate` (with `storage`)"),
    ),
    ("podSecurityContext", Carried("`securityContext`")),
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
        Dropped {
            why: "its rules are not migrated yet",
            instead: NOT_YET_RULES,
        },
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
        Dropped {
            why: "it sets TZ in TidbMonitor's containers; prometheus-operator has no such field (Prometheus stores UTC either way)",
            instead: "nothing for the data; Grafana's timezone setting decides what users see",
        },
    ),
    ("tolerations", Carried("`tolerations`")),
];

/// The objects whose fields the table lists one by one rather than as a whole.
pub const EXPANDED: &[&str] = &["prometheus", "prometheus.config", "thanos", "dm"];

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
            "grafana": {"baseImage": "grafana/grafana"},
            "preferIPv6": false,
            "timezone": "",
            "prometheus": {"ingress": {"hosts": ["p.example.com"]}, "service": null},
        }});
        let notes = dropped_notes(&raw);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("not carried over: grafana — "));
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
