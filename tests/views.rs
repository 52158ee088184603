//! Views over tidb-operator's own example manifests and the project's examples.

mod common;

use common::{example, load, project_examples};
use k8s_openapi::jiff::Timestamp;
use kubectl_tidbmonitor::checks::{Context, operator::operator_version};
use kubectl_tidbmonitor::commands::{clusters, get};
use kubectl_tidbmonitor::core::clusters::cluster_views;
use kubectl_tidbmonitor::core::health::{HealthStatus, assessed_monitor_views};
use kubectl_tidbmonitor::core::monitors::{
    MonitorView, RefState, TlsState, Workload, monitor_views,
};
use kubectl_tidbmonitor::snapshot::{Gap, Kind, Scope, Snapshot};

/// The views `get` prints: each with `check`'s verdict (HEALTH), as from files.
fn assessed(snapshot: &Snapshot) -> Vec<MonitorView> {
    let context = Context {
        operator: operator_version(snapshot, None),
        all_namespaces: true,
        offline: true,
    };
    assessed_monitor_views(snapshot, &context)
}

fn now() -> Timestamp {
    "2026-11-25T12:00:00Z".parse().unwrap()
}

#[test]
fn basic_example_has_one_monitor_over_its_cluster() {
    let snapshot = load(&[example("basic")]);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let views = monitor_views(&snapshot);
    assert_eq!(views.len(), 1);
    let v = &views[0];
    assert_eq!(v.metadata.name, "basic");
    assert_eq!(v.clusters.len(), 1);
    assert_eq!(
        (v.clusters[0].namespace.as_str(), v.clusters[0].state),
        ("default", RefState::Found)
    );
    assert_eq!(v.prometheus.as_ref().unwrap().version, "v2.27.1");
    assert_eq!(v.grafana.as_ref().unwrap().version, "7.5.11");
    assert!(v.thanos.is_none());
    assert_eq!(v.tls, TlsState::Off);
    assert_eq!(v.retention, "15d");
    // Offline, the StatefulSet is not in the files: the view must not pretend it is missing.
    assert_eq!(v.workload, Workload::Unknown);
    assert_eq!(v.replicas.ready, None);
}

#[test]
fn multi_namespace_tls_monitor_is_tls_on_and_covers_both_clusters() {
    let snapshot = load(&[example("monitor-multiple-cluster-tls")]);
    let v = &monitor_views(&snapshot)[0];
    assert_eq!(v.tls, TlsState::On);
    assert!(v.cluster_scoped);
    let refs: Vec<String> = v
        .clusters
        .iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect();
    assert_eq!(refs, ["ns1/ns1", "ns2/ns2"]);
    let clusters = cluster_views(&snapshot);
    assert_eq!(clusters.len(), 2);
    assert!(
        clusters
            .iter()
            .all(|c| c.monitored_by == ["default/monitor"] && c.tls)
    );
}

#[test]
fn heterogeneous_tls_example_mixes_nothing_but_joins() {
    let snapshot = load(&[example("heterogeneous-tls")]);
    let v = &monitor_views(&snapshot)[0];
    assert_eq!(v.tls, TlsState::On);
    let clusters = cluster_views(&snapshot);
    let joined = clusters
        .iter()
        .find(|c| c.metadata.name == "heterogeneous")
        .unwrap();
    assert_eq!(joined.joins.as_deref(), Some("default/basic"));
}

#[test]
fn dm_example_marks_dm_references() {
    let snapshot = load(&[example("dm")]);
    let v = &monitor_views(&snapshot)[0];
    assert_eq!(v.clusters.len(), 1);
    assert_eq!(v.clusters[0].kind, "DMCluster");
    let dm = &cluster_views(&snapshot)[0];
    assert_eq!(dm.cluster_kind, "DMCluster");
    assert_eq!(dm.monitored_by, ["default/basic"]);
    assert_eq!(
        dm.components
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["dm-master", "dm-worker"]
    );
}

#[test]
fn shards_thanos_and_remote_write_examples() {
    let shards = &monitor_views(&load(&[example("monitor-shards")]))[0];
    assert_eq!((shards.shards, shards.replicas.desired), (2, 2));
    assert!(shards.grafana.is_none());
    let thanos = &monitor_views(&load(&[
        example("monitor-with-thanos") + "/tidb-monitor.yaml"
    ]))[0];
    assert_eq!(thanos.thanos.as_ref().unwrap().version, "v0.17.2");
    let remote = &monitor_views(&load(&[example("monitor-prom-remotewrite")]))[0];
    assert_eq!(remote.remote_write.len(), 1);
}

#[test]
fn clusters_without_a_monitor_or_cross_namespace_without_cluster_scoped() {
    let snapshot = load(&[example("monitor-multiple-cluster-non-tls")]);
    let mut snapshot = snapshot;
    snapshot.monitors[0].spec.cluster_scoped = false;
    let clusters = cluster_views(&snapshot);
    assert!(clusters.iter().all(|c| c.monitored_by.is_empty()));
    assert!(
        clusters
            .iter()
            .all(|c| c.referenced_without_targets == ["default/monitor"])
    );
}

#[test]
fn pd_micro_service_components_are_listed() {
    let clusters = cluster_views(&load(&[example("basic-pd-micro-service")]));
    let components: Vec<String> = clusters[0]
        .components
        .iter()
        .map(|c| format!("{}:{}", c.name, c.replicas))
        .collect();
    assert_eq!(
        components,
        ["pd:1", "tso:2", "scheduling:2", "tikv:1", "tidb:1"]
    );
}

#[test]
fn project_examples_tables() {
    let snapshot = load(&[project_examples()]);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let monitors = assessed(&snapshot);
    let legacy = monitors
        .iter()
        .find(|m| m.metadata.name == "billing")
        .unwrap();
    assert_eq!(legacy.workload, Workload::DeploymentLegacy);
    let sharded = monitors
        .iter()
        .find(|m| m.metadata.name == "events")
        .unwrap();
    assert_eq!(
        (sharded.replicas.ready, sharded.replicas.desired),
        (Some(3), 4)
    );
    insta::assert_snapshot!(
        "get_table",
        get::table(&monitors, false, true, now()).render(false, false)
    );
    insta::assert_snapshot!(
        "get_wide",
        get::table(&monitors, true, true, now()).render(false, false)
    );
    insta::assert_json_snapshot!("get_json", monitors);
    let clusters = cluster_views(&snapshot);
    insta::assert_snapshot!(
        "clusters_table",
        clusters::table(&clusters, false, true, now()).render(false, false)
    );
    insta::assert_snapshot!(
        "clusters_wide",
        clusters::table(&clusters, true, true, now()).render(false, false)
    );
    insta::assert_json_snapshot!("clusters_json", clusters);
}

#[test]
fn fixture_tables() {
    for name in [
        "basic",
        "monitor-multiple-cluster-tls",
        "dm",
        "heterogeneous",
        "monitor-shards",
    ] {
        let snapshot = load(&[example(name)]);
        let monitors = assessed(&snapshot);
        let clusters = cluster_views(&snapshot);
        let text = format!(
            "{}\n{}",
            get::table(&monitors, true, true, now()).render(false, false),
            clusters::table(&clusters, true, true, now()).render(false, false)
        );
        insta::assert_snapshot!(format!("fixture_{name}"), text);
    }
}

#[test]
fn ages_render_like_kubectl() {
    let mut snapshot = load(&[example("basic")]);
    snapshot.monitors[0].metadata.creation_timestamp = Some("2026-11-20T09:00:00Z".into());
    let table = get::table(&monitor_views(&snapshot), false, false, now()).render(true, false);
    assert!(table.trim_end().ends_with("5d3h"), "{table}");
}

/// HEALTH is check's worst active finding on the monitor, by the rules that report on TidbMonitors; unknown
/// where those rules could not see everything they need.
#[test]
fn health_is_the_worst_active_finding_of_the_rules_about_monitors() {
    let health = |snapshot: &Snapshot| {
        assessed(snapshot)[0]
            .health
            .clone()
            .expect("get assesses every monitor")
    };
    // basic: TM040 (a warning) and TM054; nothing unresolved on the monitor itself.
    let basic = load(&[example("basic")]);
    let h = health(&basic);
    assert_eq!(h.status, HealthStatus::Warning, "{h:?}");
    assert_eq!(h.label(), format!("warning({})", h.warnings));
    assert!(h.rules.contains(&"TM040"), "{h:?}");
    // From files, the client Secrets of the TLS clusters are not in them: TM002 cannot decide.
    let tls = load(&[example("monitor-multiple-cluster-tls")]);
    let h = health(&tls);
    assert_eq!(
        (h.status, h.unresolved),
        (HealthStatus::Unknown, 2),
        "{h:?}"
    );
    // Read as live, with every kind the rules need: a dangling reference is an error.
    let mut dangling = load(&[example("basic")]);
    dangling.clusters.clear();
    for kind in kubectl_tidbmonitor::core::health::kinds() {
        dangling.scopes.insert(kind, Scope::AllNamespaces);
    }
    let h = health(&dangling);
    assert_eq!(h.status, HealthStatus::Error, "{h:?}");
    let table = get::table(&assessed(&dangling), true, false, now()).render(false, false);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[2], format!("error({})", h.errors), "{table}");
    assert_eq!(row[7], h.rules.join(","), "{table}");
    // One kind those rules read was refused: every verdict is unknown, and the JSON says which kind.
    dangling
        .gaps
        .insert(Kind::PersistentVolume, Gap::Forbidden("forbidden".into()));
    let h = health(&dangling);
    assert_eq!(h.status, HealthStatus::Unknown, "{h:?}");
    assert_eq!(
        h.not_checked[0].describe(),
        "forbidden (list persistentvolumes)"
    );
    // A kind only other rules read (v2, scrape objects) changes nothing.
    dangling.gaps.remove(&Kind::PersistentVolume);
    dangling
        .gaps
        .insert(Kind::PodMonitor, Gap::Forbidden("forbidden".into()));
    assert_eq!(health(&dangling).status, HealthStatus::Error);
}

/// kubectl's habit: a concise default that fits a 120-column terminal, detail under `-o wide`. On the
/// project's examples the default table was 177 columns wide before HEALTH moved lists and versions to wide.
#[test]
fn get_fits_120_columns_on_the_project_examples() {
    let out = assert_cmd::Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .args(["get", "-A", "-f", &project_examples()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 5, "{text}");
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 120, "{widest} columns:\n{text}");
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert!(header.contains(&"HEALTH"), "{header:?}");
}

fn v2_fixture(path: &str) -> String {
    common::fixtures()
        .join("v2")
        .join(path)
        .display()
        .to_string()
}

#[test]
fn v2_clusters_from_groups_without_pods() {
    // The upstream basic example: components come from the groups, never from Pods.
    let snapshot = load(&[v2_fixture("examples-v2.0.1/examples/basic")]);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let views = cluster_views(&snapshot);
    let basic = views.iter().find(|v| v.cluster_kind == "Cluster").unwrap();
    let components: Vec<String> = basic
        .components
        .iter()
        .map(|c| format!("{}:{}", c.name, c.replicas))
        .collect();
    assert_eq!(
        components,
        [
            "pd:1",
            "tikv:3",
            "tidb:2",
            "tiflash:1",
            "ticdc:2",
            "tiproxy:3"
        ]
    );
    // TiProxy has its own version line; the cluster's is TiDB's.
    assert_eq!(basic.version.as_deref(), Some("v8.5.2"));
    assert!(basic.monitored_by.is_empty());
    // No status written: readiness is unknown, not false.
    assert_eq!(basic.ready, None);

    let pdms = cluster_views(&load(&[v2_fixture("examples-v2.0.1/examples/pdms")]));
    let names: Vec<&str> = pdms[0].components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["pd", "tso", "scheduling", "tikv"]);
    let tls = cluster_views(&load(&[
        v2_fixture("tls/00-cluster.yaml"),
        v2_fixture("tls/01-pd.yaml"),
    ]));
    assert!(tls[0].tls);
}

#[test]
fn v2_project_example_readiness_groups_and_scrapers() {
    let snapshot = load(&[project_examples() + "/v2"]);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let views = cluster_views(&snapshot);
    let orders = views.iter().find(|v| v.metadata.name == "orders").unwrap();
    assert_eq!(orders.ready.as_deref(), Some("False"));
    assert_eq!(orders.ready_reason.as_deref(), Some("tiflash 1/2 ready"));
    let tidb = orders.components.iter().find(|c| c.name == "tidb").unwrap();
    assert_eq!(tidb.replicas, 3);
    assert_eq!(tidb.groups.len(), 2);
    // The scaffolded PodMonitors reach every component and the Prometheus selects them.
    assert_eq!(orders.scraped_by.len(), 4);
    assert!(orders.scraped_by.iter().all(|s| s.loaded == "yes"
        && s.missed_ports.is_empty()
        && s.loaded_by == ["monitoring/kube-prometheus-stack-prometheus"]));
    let ledger = views.iter().find(|v| v.metadata.name == "ledger").unwrap();
    assert!(ledger.monitored_by.is_empty());
    insta::assert_snapshot!(
        "v2_clusters_wide",
        clusters::table(&views, true, true, now()).render(false, false)
    );
    insta::assert_json_snapshot!("v2_clusters_json", views);
}

#[test]
fn v2_prometheus_selection_follows_prometheus_operator() {
    use kubectl_tidbmonitor::core::scraping::{Loaded, loaded_by};
    let mut snapshot = load(&[project_examples() + "/v2"]);
    let index = snapshot
        .scrapers
        .iter()
        .position(|s| s.metadata.name == "orders-pd")
        .unwrap();
    // A Prometheus without podMonitorNamespaceSelector looks only in its own namespace.
    snapshot.prometheuses[0].spec.pod_monitor_namespace_selector = None;
    assert_eq!(
        loaded_by(&snapshot, &snapshot.scrapers[index]),
        Loaded::Nobody
    );
    // Without podMonitorSelector it selects no PodMonitor at all.
    let mut other = load(&[project_examples() + "/v2"]);
    other.prometheuses[0].spec.pod_monitor_selector = None;
    assert_eq!(loaded_by(&other, &other.scrapers[index]), Loaded::Nobody);
    // A label the object lacks.
    let mut third = load(&[project_examples() + "/v2"]);
    third.scrapers[index].metadata.labels.remove("release");
    assert_eq!(loaded_by(&third, &third.scrapers[index]), Loaded::Nobody);
}

/// Scaffolded scrape objects as one multi-document text, loaded back into `snapshot`.
fn load_scaffolded(
    snapshot: &mut kubectl_tidbmonitor::snapshot::Snapshot,
    objects: &[serde_json::Value],
) {
    let text: String = objects
        .iter()
        .map(|o| {
            let doc = serde_saphyr::to_string(o).unwrap();
            if doc.ends_with('\n') { doc } else { doc + "\n" }
        })
        .collect::<Vec<_>>()
        .join("---\n");
    kubectl_tidbmonitor::source::files::load_text_into(
        "scaffolded.yaml",
        &text,
        "default",
        &[],
        snapshot,
    );
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
}

#[test]
fn v1_clusters_are_monitored_by_the_scrape_objects_scaffold_makes_for_them() {
    use kubectl_tidbmonitor::scaffold::servicemonitor::{MonitorKind, Options, service_monitors};
    // examples/basic's TidbCluster (pd, tikv, tidb), and one running every component the v1 table knows.
    let every = "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: full, namespace: team, labels: {app.kubernetes.io/instance: shop}}\nspec:\n  pd: {replicas: 1}\n  pdms: [{name: tso, replicas: 1}, {name: scheduling, replicas: 1}]\n  tikv: {replicas: 1}\n  tidb: {replicas: 1}\n  tiflash: {replicas: 1}\n  ticdc: {replicas: 1}\n  pump: {replicas: 1}\n  tiproxy: {replicas: 1}\n";
    let clusters = |kind_of: &str| -> kubectl_tidbmonitor::snapshot::Snapshot {
        let mut snapshot = load(&[example("basic")]);
        kubectl_tidbmonitor::source::files::load_text_into(
            "full.yaml",
            every,
            "default",
            &[],
            &mut snapshot,
        );
        assert!(
            snapshot.problems.is_empty(),
            "{kind_of}: {:?}",
            snapshot.problems
        );
        snapshot
    };
    for kind in [
        MonitorKind::ServiceMonitor,
        MonitorKind::PodMonitor,
        MonitorKind::VmServiceScrape,
        MonitorKind::VmPodScrape,
    ] {
        let name = kind.kind_name();
        let mut snapshot = clusters(name);
        let options = Options {
            kind,
            ..Options::default()
        };
        let scaffold = service_monitors(&snapshot, &options);
        load_scaffolded(&mut snapshot, &scaffold.objects);
        assert_eq!(snapshot.scrapers.len(), 3 + 9, "{name}");
        let views = cluster_views(&snapshot);
        for (cluster, components) in [
            ("basic", &["pd", "tikv", "tidb"][..]),
            (
                "full",
                &[
                    "pd",
                    "tso",
                    "scheduling",
                    "tidb",
                    "tikv",
                    "tiflash",
                    "ticdc",
                    "pump",
                    "tiproxy",
                ][..],
            ),
        ] {
            let v = views
                .iter()
                .find(|v| v.metadata.name == cluster && v.cluster_kind == "TidbCluster")
                .unwrap();
            // One scrape object per component, each reaching its component and nothing else.
            assert_eq!(
                v.scraped_by.len(),
                components.len(),
                "{name} {cluster}: {v:#?}"
            );
            for component in components {
                let s = v
                    .scraped_by
                    .iter()
                    .find(|s| s.name == format!("{cluster}-{component}"))
                    .unwrap_or_else(|| panic!("{name} {cluster}-{component}: {v:#?}"));
                assert_eq!(s.kind, name);
                assert_eq!(s.components, [*component], "{name}: {s:#?}");
                assert!(s.missed_ports.is_empty(), "{name}: {s:#?}");
            }
            let labels: Vec<String> = v.scraped_by.iter().map(|s| s.label()).collect();
            assert!(
                labels.iter().all(
                    |l| v.monitored_by.contains(l) && l.starts_with(&name.to_ascii_lowercase())
                ),
                "{name}: {:?}",
                v.monitored_by
            );
        }
        // basic's TidbMonitor still counts, listed first.
        let basic = views.iter().find(|v| v.metadata.name == "basic").unwrap();
        assert_eq!(basic.monitored_by[0], "default/basic");
    }

    // A ServiceMonitor scaffolded for another instance reaches nothing of basic or full.
    let mut snapshot = clusters("negative");
    let mut other = load(&[example("basic")]);
    other.clusters[0].metadata.name = "other".into();
    let scaffold = service_monitors(&other, &Options::default());
    load_scaffolded(&mut snapshot, &scaffold.objects);
    assert!(!snapshot.scrapers.is_empty());
    for v in cluster_views(&snapshot)
        .iter()
        .filter(|v| v.cluster_kind == "TidbCluster")
    {
        assert!(v.scraped_by.is_empty(), "{v:#?}");
        assert!(
            !v.monitored_by
                .iter()
                .any(|m| m.starts_with("servicemonitor/")),
            "{:?}",
            v.monitored_by
        );
    }
}

#[test]
fn dm_clusters_are_monitored_by_the_scrape_objects_scaffold_makes_for_them() {
    use kubectl_tidbmonitor::scaffold::servicemonitor::{MonitorKind, Options, service_monitors};
    for kind in [MonitorKind::ServiceMonitor, MonitorKind::PodMonitor] {
        let name = kind.kind_name();
        let mut snapshot = load(&[example("dm")]);
        let scaffold = service_monitors(
            &snapshot,
            &Options {
                kind,
                ..Options::default()
            },
        );
        load_scaffolded(&mut snapshot, &scaffold.objects);
        let views = cluster_views(&snapshot);
        let dm = views
            .iter()
            .find(|v| v.cluster_kind == "DMCluster")
            .unwrap();
        let reached: Vec<(&str, Vec<String>, bool)> = dm
            .scraped_by
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.components.clone(),
                    s.missed_ports.is_empty(),
                )
            })
            .collect();
        assert_eq!(
            reached,
            [
                ("basic-dm-master", vec!["dm-master".to_string()], true),
                ("basic-dm-worker", vec!["dm-worker".to_string()], true),
            ],
            "{name}"
        );
        assert_eq!(dm.monitored_by[0], "default/basic");
        assert_eq!(dm.monitored_by.len(), 3, "{name}");
    }
}

#[test]
fn scrape_object_names_from_files_need_not_be_ascii() {
    // Names are not validated offline: folding MONITORED-BY must cut on char boundaries, and control
    // characters never reach the terminal.
    let mut snapshot = load(&[project_examples() + "/v2/orders.yaml"]);
    let monitor = |name: &str| {
        format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {{name: \"{name}\", namespace: shop-v2}}\nspec:\n  selector: {{matchLabels: {{pingcap.com/cluster: orders}}}}\n  podMetricsEndpoints: [{{port: status}}]\n"
        )
    };
    let text = format!("{}---\n{}", monitor("éé-1"), monitor("éé-2\\u001b[31m"));
    kubectl_tidbmonitor::source::files::load_text_into(
        "m.yaml",
        &text,
        "default",
        &[],
        &mut snapshot,
    );
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let views = cluster_views(&snapshot);
    let table = clusters::table(&views, false, true, now()).render(false, false);
    assert!(
        table.contains("podmonitor/shop-v2/éé-{1,2\\u{1b}[31m}"),
        "{table}"
    );
    assert!(!table.contains('\u{1b}'), "{table}");
}
