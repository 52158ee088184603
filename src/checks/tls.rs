//! TLS: one monitor over several clusters where any uses TLS (the 2020 refactor scoped multi-cluster to
//! non-TLS; v1.2.0 added per-cluster certificates), client Secrets, heterogeneous clusters' certificates.

use super::util::{monitor_id, refs};
use super::{Context, Emitter, ObjectId, Rule, Severity, Version};
use crate::naming;
use crate::snapshot::{Kind, Lookup, Snapshot};

pub const RULES: &[Rule] = &[
    Rule {
        id: "TM001",
        severity: Severity::Error,
        title: "Several clusters with TLS on an operator older than v1.2.0",
        explanation: "Before tidb-operator v1.2.0 the monitor took the TLS flag and the client certificate of its \
            first cluster for every scrape job, so a monitor over several clusters where any has \
            `spec.tlsCluster.enabled` scrapes some of them with the wrong scheme or certificate. The monitoring \
            refactor proposal and the docs scoped multi-cluster monitoring to clusters without TLS.",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: a}, {name: b}]\n  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v4.0.16}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: a, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: b, namespace: db}\nspec: {pd: {replicas: 1}}\n",
        good: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon-a, namespace: db}\nspec:\n  clusters: [{name: a}]\n  prometheus: {baseImage: prom/prometheus, version: v2.27.1}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v4.0.16}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: a, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}}\n",
        fix: "Upgrade tidb-operator to v1.2.0 or later, or use one TidbMonitor per TLS cluster (joined by Thanos).",
        example_operator: Some("v1.1.12"),
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Deployment,
        ],
        check: multi_cluster_tls_before_v1_2,
    },
    Rule {
        id: "TM002",
        severity: Severity::Error,
        title: "TLS cluster without its client certificate Secret",
        explanation: "Since v1.2.0 the monitor reads `<cluster>-cluster-client-secret` (DM: `<dmcluster>-dm-client-secret`) \
            in the cluster's namespace for every TLS cluster it references and copies it into \
            `tidbmonitor-<monitor>-tls-assets`. If one Secret is missing the whole monitor stops syncing, not just that \
            cluster's scrape jobs.",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: secure}]\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: secure, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}}\n",
        good: "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: db}\nspec:\n  clusters: [{name: secure}]\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: secure, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: secure-cluster-client-secret, namespace: db}\ntype: kubernetes.io/tls\ndata: {ca.crt: '', tls.crt: '', tls.key: ''}\n",
        fix: "Issue the client certificate (cert-manager Certificate or `kubectl create secret generic <cluster>-cluster-client-secret --from-file=ca.crt --from-file=tls.crt --from-file=tls.key`) in the cluster's namespace.",
        example_operator: Some("v1.6.1"),
        subjects: &[Kind::TidbMonitor],
        reads: &[
            Kind::TidbMonitor,
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Secret,
            Kind::Deployment,
        ],
        check: client_secret_missing,
    },
    Rule {
        id: "TM003",
        severity: Severity::Error,
        title: "Heterogeneous cluster with a TLS setting or certificates that do not match its main cluster",
        explanation: "A heterogeneous TidbCluster (`spec.cluster` set) joins another cluster's PD and must speak the same \
            protocol: with TLS on the main cluster it needs `tlsCluster.enabled` and its own `<cluster>-<component>-cluster-secret` \
            for every component, issued by the same CA. Otherwise its pods never join and the monitor shows them down.",
        bad: "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: main, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}, tikv: {replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: extra, namespace: db}\nspec: {cluster: {name: main}, tikv: {replicas: 1}}\n",
        good: "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: main, namespace: db}\nspec: {tlsCluster: {enabled: true}, pd: {replicas: 1}, tikv: {replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: extra, namespace: db}\nspec: {cluster: {name: main}, tlsCluster: {enabled: true}, tikv: {replicas: 1}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: extra-tikv-cluster-secret, namespace: db}\ndata: {ca.crt: '', tls.crt: '', tls.key: ''}\n",
        fix: "Set `spec.tlsCluster.enabled: true` on the heterogeneous cluster and issue `<cluster>-<component>-cluster-secret` for each of its components from the main cluster's CA.",
        example_operator: None,
        subjects: &[Kind::TidbCluster],
        reads: &[Kind::TidbCluster, Kind::Secret],
        check: heterogeneous_tls,
    },
];

fn multi_cluster_tls_before_v1_2(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let version = context.operator.version();
    if version.is_some_and(|v| v >= Version::new(1, 2, 0)) {
        return;
    }
    for monitor in &snapshot.monitors {
        let refs = refs(monitor);
        if refs.len() < 2 {
            continue;
        }
        let tls: Vec<String> = refs
            .iter()
            .filter(|(kind, ns, name)| match *kind {
                "DMCluster" => snapshot
                    .dm_cluster(ns, name)
                    .found()
                    .is_some_and(|c| c.tls_enabled()),
                _ => snapshot
                    .cluster(ns, name)
                    .found()
                    .is_some_and(|c| c.tls_enabled()),
            })
            .map(|(_, ns, name)| format!("{ns}/{name}"))
            .collect();
        if tls.is_empty() {
            continue;
        }
        let message = format!(
            "monitors {} clusters and {} use TLS",
            refs.len(),
            tls.join(", ")
        );
        match version {
            Some(v) => e.report(
                monitor_id(monitor),
                format!("{message}; tidb-operator {v} uses the first cluster's TLS setting and certificate for all"),
                "upgrade tidb-operator to v1.2.0+ or split into one TidbMonitor per TLS cluster",
            ),
            None => e.report_as(
                Severity::Info,
                monitor_id(monitor),
                format!("{message}; supported only from tidb-operator v1.2.0, whose version was not detected (assumed v1.2.0+)"),
                "pass --operator-version to check this for real",
            ),
        }
    }
}

fn client_secret_missing(snapshot: &Snapshot, context: &Context, e: &mut Emitter) {
    let (_, assumption) = context.operator_or_assumed();
    for monitor in &snapshot.monitors {
        let id = monitor_id(monitor);
        for (kind, ns, name) in refs(monitor) {
            let (tls, secret) = match kind {
                "DMCluster" => (
                    snapshot.dm_cluster(&ns, &name).map(|c| c.tls_enabled()),
                    naming::dm_client_secret(&name),
                ),
                _ => (
                    snapshot.cluster(&ns, &name).map(|c| c.tls_enabled()),
                    naming::cluster_client_secret(&name),
                ),
            };
            if tls != Lookup::Found(true) {
                continue;
            }
            let Some(found) = e.found(
                snapshot.secret(&ns, &secret),
                &id,
                format!("Secret {ns}/{secret}"),
            ) else {
                continue;
            };
            if found.is_none() {
                let mut message = format!(
                    "{kind} {ns}/{name} has TLS enabled but Secret {ns}/{secret} does not exist: the whole monitor stops syncing"
                );
                if let Some(note) = &assumption {
                    message.push_str(&format!(" ({note})"));
                }
                e.report(
                    id.clone(),
                    message,
                    format!(
                        "create Secret {secret} (keys ca.crt, tls.crt, tls.key) in namespace {ns}"
                    ),
                );
            }
        }
    }
}

fn heterogeneous_tls(snapshot: &Snapshot, _context: &Context, e: &mut Emitter) {
    for tc in &snapshot.clusters {
        let Some(main_ref) = tc.spec.cluster.as_ref().filter(|c| !c.name.is_empty()) else {
            continue;
        };
        let ns = tc.metadata.namespace();
        let main_ns = main_ref.namespace_or(ns);
        let id = ObjectId::of("TidbCluster", &tc.metadata);
        let Some(main) = e.found(
            snapshot.cluster(main_ns, &main_ref.name),
            &id,
            format!("TidbCluster {main_ns}/{}", main_ref.name),
        ) else {
            continue;
        };
        let Some(main) = main else { continue };
        if main.tls_enabled() != tc.tls_enabled() {
            e.report(
                id.clone(),
                format!(
                    "joins TidbCluster {main_ns}/{} whose TLS is {} but its own TLS is {}",
                    main_ref.name,
                    if main.tls_enabled() { "on" } else { "off" },
                    if tc.tls_enabled() { "on" } else { "off" }
                ),
                "set spec.tlsCluster.enabled the same on both clusters",
            );
            continue;
        }
        if !tc.tls_enabled() {
            continue;
        }
        let s = &tc.spec;
        let components = [
            ("pd", s.pd.is_some()),
            ("tikv", s.tikv.is_some()),
            ("tidb", s.tidb.is_some()),
            ("tiflash", s.tiflash.is_some()),
            ("ticdc", s.ticdc.is_some()),
            ("pump", s.pump.is_some()),
        ];
        for (component, present) in components {
            if !present {
                continue;
            }
            let secret = format!("{}-{component}-cluster-secret", tc.metadata.name);
            if let Some(None) = e.found(
                snapshot.secret(ns, &secret),
                &id,
                format!("Secret {ns}/{secret}"),
            ) {
                e.report(
                    id.clone(),
                    format!("heterogeneous TLS cluster lacks Secret {ns}/{secret}: its {component} pods cannot start"),
                    format!("issue {secret} from the CA of TidbCluster {main_ns}/{}", main_ref.name),
                );
            }
        }
    }
}
