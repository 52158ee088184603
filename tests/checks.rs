//! Every rule fires on its documented bad example and stays silent on its good one; the docs match the
//! registry; `check` on files behaves as CI needs.

mod common;

use assert_cmd::Command;
use common::{example, load, project_examples};
use kubectl_tidbmonitor::checks::{self, Context, OperatorVersion, Severity};
use kubectl_tidbmonitor::snapshot::{Kind, Scope, Snapshot};
use kubectl_tidbmonitor::source::files;

/// Parses an example as if it were the whole live cluster: every kind read everywhere, so absence means absent.
fn as_live(yaml: &str) -> Snapshot {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.yaml");
    std::fs::write(&path, yaml).unwrap();
    let mut snapshot = Snapshot::default();
    files::load(&[path.display().to_string()], "default", &mut snapshot).unwrap();
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    for kind in Kind::ALL {
        snapshot.scopes.insert(*kind, Scope::AllNamespaces);
    }
    snapshot
}

fn context(operator: Option<&str>) -> Context {
    let operator = match operator {
        Some(v) => OperatorVersion::Flag {
            version: v.parse().unwrap(),
        },
        None => OperatorVersion::Unknown,
    };
    Context {
        operator,
        all_namespaces: true,
        offline: false,
    }
}

#[test]
fn every_rule_fires_on_its_bad_example_and_not_on_its_good_one() {
    let rules = checks::registry();
    assert!(rules.len() >= 25, "only {} rules", rules.len());
    for rule in rules {
        let ctx = context(rule.example_operator);
        let only = |id: &str| id == rule.id;
        if checks::fleet::is_fleet(rule.id) {
            fleet_examples(rule);
            continue;
        }
        let bad = checks::run(&as_live(rule.bad), &ctx, only);
        assert!(
            bad.iter()
                .any(|f| f.rule == rule.id && f.severity == rule.severity && !f.unresolved),
            "{} did not fire on its bad example: {bad:#?}",
            rule.id
        );
        let good = checks::run(&as_live(rule.good), &ctx, only);
        assert!(
            good.is_empty(),
            "{} fired on its good example: {good:#?}",
            rule.id
        );
    }
}

/// A rule across Kubernetes clusters: each `# context:` part of its examples is one cluster's snapshot.
fn fleet_examples(rule: &checks::Rule) {
    let run = |yaml: &str| {
        let parts = checks::fleet::split_contexts(yaml);
        assert!(
            parts.len() >= 2,
            "{}: an example needs two contexts",
            rule.id
        );
        let snapshots: Vec<(String, Snapshot)> = parts
            .into_iter()
            .map(|(context, text)| (context, as_live(&text)))
            .collect();
        let members: Vec<checks::fleet::Member> = snapshots
            .iter()
            .map(|(context, snapshot)| checks::fleet::Member { context, snapshot })
            .collect();
        checks::fleet::run(&members, |id| id == rule.id)
    };
    let bad = run(rule.bad);
    assert!(
        bad.iter()
            .any(|f| f.rule == rule.id && f.severity == rule.severity && f.context.is_some()),
        "{} did not fire on its bad example: {bad:#?}",
        rule.id
    );
    let good = run(rule.good);
    assert!(
        good.is_empty(),
        "{} fired on its good example: {good:#?}",
        rule.id
    );
}

#[test]
fn rule_ids_are_unique_and_documented() {
    let rules = checks::registry();
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), rules.len());
    for r in rules {
        assert!(r.id.starts_with("TM") && r.id.len() == 5);
        assert!(
            !r.title.is_empty() && r.explanation.len() > 60 && !r.fix.is_empty(),
            "{}",
            r.id
        );
    }
}

#[test]
fn docs_are_generated_from_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let generated = checks::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is stale: run `UPDATE_DOCS=1 cargo test --test checks`"
    );
}

#[test]
fn operator_version_changes_tls_verdict() {
    let snapshot = as_live(
        &std::fs::read_to_string(example("monitor-multiple-cluster-tls") + "/tidb-monitor.yaml")
            .unwrap(),
    );
    let mut snapshot = snapshot;
    let clusters = load(&[example("monitor-multiple-cluster-tls")]);
    snapshot.clusters = clusters.clusters;
    let tm001 = |id: &str| id == "TM001";
    let old = checks::run(&snapshot, &context(Some("v1.1.12")), tm001);
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].severity, Severity::Error);
    assert!(checks::run(&snapshot, &context(Some("v1.2.0")), tm001).is_empty());
    let unknown = checks::run(&snapshot, &context(None), tm001);
    assert_eq!(unknown[0].severity, Severity::Info);
    assert!(unknown[0].message.contains("assumed"));
    // v1.2.0+: both client Secrets are missing from this estate.
    let tm002 = checks::run(&snapshot, &context(Some("v1.6.1")), |id| id == "TM002");
    assert_eq!(tm002.len(), 2);
    assert!(
        tm002
            .iter()
            .all(|f| f.severity == Severity::Error && f.message.contains("-cluster-client-secret"))
    );
}

#[test]
fn operator_version_is_read_from_the_controller_image() {
    let snapshot = as_live(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tidb-controller-manager, namespace: tidb-admin}\nspec:\n  template: {spec: {containers: [{name: tidb-operator, image: 'registry.cn-beijing.aliyuncs.com/tidb/tidb-operator:v1.5.3'}]}}\n",
    );
    let version = checks::operator::operator_version(&snapshot, None);
    assert_eq!(version.version(), Some(checks::Version::new(1, 5, 3)));
    let flagged =
        checks::operator::operator_version(&snapshot, Some(checks::Version::new(1, 6, 6)));
    assert_eq!(flagged.version(), Some(checks::Version::new(1, 6, 6)));
}

#[test]
fn offline_references_are_unresolved_not_missing() {
    let snapshot = load(&[example("basic") + "/tidb-monitor.yaml"]);
    let ctx = Context {
        operator: OperatorVersion::Unknown,
        all_namespaces: true,
        offline: true,
    };
    let findings = checks::run(&snapshot, &ctx, |id| id == "TM010");
    assert_eq!(findings.len(), 1);
    assert!(findings[0].unresolved && findings[0].severity == Severity::Info);
    assert!(findings[0].message.contains("unresolved (offline)"));
}

#[test]
fn suppression_annotation_keeps_the_finding_but_not_the_failure() {
    let mut snapshot = as_live(
        checks::registry()
            .iter()
            .find(|r| r.id == "TM014")
            .unwrap()
            .bad,
    );
    snapshot.monitors[0].metadata.annotations.insert(
        checks::IGNORE_ANNOTATION.into(),
        "TM014: being set up".into(),
    );
    let findings = checks::run(&snapshot, &context(None), |id| id == "TM014");
    assert_eq!(findings[0].suppressed.as_deref(), Some("being set up"));
}

/// `-f` arguments for the project examples: an estate that has warnings, never errors.
fn estate_examples() -> Vec<String> {
    vec!["-f".to_string(), project_examples()]
}

/// `testdata/v2-docs`: the v2 docs' monitoring manifests re-created with their defects (kept out of
/// `examples/`, which must apply cleanly to a real API server).
fn v2_docs() -> String {
    format!("{}/testdata/v2-docs", env!("CARGO_MANIFEST_DIR"))
}

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    cmd
}

#[test]
fn check_exit_codes_follow_severity() {
    // Project examples: warnings only.
    plugin()
        .arg("check")
        .args(estate_examples())
        .assert()
        .code(0);
    plugin()
        .args(["check", "--strict"])
        .args(estate_examples())
        .assert()
        .code(1);
    // Upstream multi-cluster TLS example on an old operator: error.
    plugin()
        .args([
            "check",
            "--operator-version",
            "v1.1.12",
            "-f",
            &example("monitor-multiple-cluster-tls"),
        ])
        .assert()
        .code(1);
    plugin()
        .args([
            "check",
            "--operator-version",
            "v1.1.12",
            "--skip",
            "TM001",
            "-f",
            &example("monitor-multiple-cluster-tls"),
        ])
        .assert()
        .code(0);
    plugin()
        .args(["check", "--rule", "TM999", "-f", &project_examples()])
        .assert()
        .code(2);
    plugin()
        .args([
            "check",
            "--operator-version",
            "soon",
            "-f",
            &project_examples(),
        ])
        .assert()
        .code(2);
}

#[test]
fn check_json_shape() {
    let out = plugin()
        .args([
            "check",
            "-o",
            "json",
            "--rule",
            "TM030",
            "-f",
            &project_examples(),
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "CheckReport");
    assert_eq!(json["summary"]["warnings"], 1);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "TM030");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["object"]["kind"], "TidbCluster");
    assert_eq!(finding["object"]["namespace"], "shop");
    assert_eq!(json["operator"]["from"], "unknown");
}

#[test]
fn check_table_groups_by_object_with_a_summary() {
    let out = plugin()
        .arg("check")
        .args(estate_examples())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("check_project_examples", text);
}

/// The findings of one rule over manifest text, as `check -f` sees it (offline: nothing outside the files is known).
fn offline(yaml: &str, rule: &str) -> Vec<checks::Finding> {
    let mut snapshot = Snapshot::default();
    files::load_text_into("example.yaml", yaml, "default", &[], &mut snapshot);
    let ctx = Context {
        operator: OperatorVersion::Unknown,
        all_namespaces: true,
        offline: true,
    };
    checks::run(&snapshot, &ctx, |id| id == rule)
}

fn bad_of(rule: &str) -> &'static str {
    checks::registry()
        .iter()
        .find(|r| r.id == rule)
        .unwrap()
        .bad
}

#[test]
fn check_flags_what_the_v2_docs_tell_users_to_write() {
    let out = plugin()
        .args(["check", "-o", "json", "-f", &v2_docs()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fired: Vec<(String, String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["object"]["kind"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap().to_string(),
                format!("{} {}", f["message"], f["hint"]),
            )
        })
        .collect();
    let has = |rule: &str, kind: &str, text: &str| {
        fired
            .iter()
            .any(|(r, k, _, m)| r == rule && k == kind && m.contains(text))
    };
    assert!(
        has("TM067", "VMPodScrape", "victoriametrics.com/v1beta1"),
        "{fired:#?}"
    );
    assert!(has("TM065", "PodMonitor", "TiKVGroup tikv"), "{fired:#?}");
    assert!(has("TM061", "Cluster", "proxy-metrics"), "{fired:#?}");
    assert!(has("TM068", "Cluster", "patch pdgroup pd"), "{fired:#?}");
    // The Prometheus selects the PodMonitor and the Cluster is covered.
    assert!(
        !fired.iter().any(|(r, ..)| r == "TM060" || r == "TM066"),
        "{fired:#?}"
    );
}

#[test]
fn the_v2_docs_vmpodscrape_with_its_group_fixed_still_builds_a_wrong_host() {
    let dir = v2_docs();
    let text = std::fs::read_to_string(format!("{dir}/cluster.yaml")).unwrap()
        + "---\n"
        + &std::fs::read_to_string(format!("{dir}/monitoring.yaml"))
            .unwrap()
            .replace(
                "apiVersion: victoriametrics.com/",
                "apiVersion: operator.victoriametrics.com/",
            );
    assert!(offline(&text, "TM067").is_empty());
    let tm064 = offline(&text, "TM064");
    assert_eq!(tm064.len(), 1, "{tm064:#?}");
    assert_eq!(tm064[0].object.kind, "VMPodScrape");
    assert!(
        tm064[0].message.contains("app_kubernetes_io_instance"),
        "{}",
        tm064[0].message
    );
    assert!(
        tm064[0].message.contains(".basic-pd-peer.db:2379"),
        "{}",
        tm064[0].message
    );
}

#[test]
fn v2_rules_are_suppressed_on_clusters_and_scrape_objects() {
    let mut snapshot = as_live(bad_of("TM068"));
    snapshot.v2_clusters[0].metadata.annotations.insert(
        checks::IGNORE_ANNOTATION.into(),
        "TM068: Dashboard unused".into(),
    );
    let findings = checks::run(&snapshot, &context(None), |id| id == "TM068");
    assert_eq!(findings[0].suppressed.as_deref(), Some("Dashboard unused"));
    let mut snapshot = as_live(bad_of("TM065"));
    let monitor = snapshot
        .scrapers
        .iter_mut()
        .find(|s| s.kind == Kind::PodMonitor)
        .unwrap();
    monitor
        .metadata
        .annotations
        .insert(checks::IGNORE_ANNOTATION.into(), "TM065".into());
    let findings = checks::run(&snapshot, &context(None), |id| id == "TM065");
    assert_eq!(findings[0].object.kind, "PodMonitor");
    assert_eq!(findings[0].suppressed.as_deref(), Some("no reason given"));
}

#[test]
fn v2_rules_do_not_fire_on_gaps_or_unread_objects() {
    use kubectl_tidbmonitor::snapshot::Gap;
    // PodMonitors forbidden: "no scrape object covers it" and "no scrape object selects TSO" cannot be said.
    for rule in ["TM060", "TM061"] {
        let mut snapshot = as_live(bad_of(rule));
        snapshot
            .gaps
            .insert(Kind::PodMonitor, Gap::Forbidden("forbidden".into()));
        assert!(
            checks::run(&snapshot, &context(None), |id| id == rule).is_empty(),
            "{rule}"
        );
    }
    // CRDs not installed (a v1-only estate, or VictoriaMetrics only): nothing exists, so TM060 still holds.
    let mut snapshot = as_live(bad_of("TM060"));
    for kind in [
        Kind::VmPodScrape,
        Kind::VmServiceScrape,
        Kind::PodMonitor,
        Kind::ServiceMonitor,
    ] {
        snapshot.gaps.insert(kind, Gap::NotInstalled);
    }
    assert_eq!(
        checks::run(&snapshot, &context(None), |id| id == "TM060").len(),
        1
    );
    // A v1-only estate: no v2 rule says anything.
    let v1 = as_live(bad_of("TM031"));
    let v2_ids = |id: &str| ("TM060"..="TM069").contains(&id);
    assert!(checks::run(&v1, &context(None), v2_ids).is_empty());
    // Offline, the client Secret and the Prometheus are unknown: TM063 is unresolved info, TM066 silent.
    let good63 = checks::registry()
        .iter()
        .find(|r| r.id == "TM063")
        .unwrap()
        .good;
    let without_secret = good63
        .split("---\napiVersion: v1\nkind: Secret")
        .next()
        .unwrap();
    let tm063 = offline(without_secret, "TM063");
    assert!(
        !tm063.is_empty()
            && tm063
                .iter()
                .all(|f| f.unresolved && f.severity == Severity::Info),
        "{tm063:#?}"
    );
    // Live, a Secret that is missing is an error naming the one the cluster issues.
    let tm063 = checks::run(&as_live(without_secret), &context(None), |id| id == "TM063");
    assert!(
        tm063.iter().any(
            |f| f.severity == Severity::Error && f.message.contains("db-cluster-client-secret")
        ),
        "{tm063:#?}"
    );
    let good66 = checks::registry()
        .iter()
        .find(|r| r.id == "TM066")
        .unwrap()
        .good;
    let without_prometheus = good66
        .split("---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus")
        .next()
        .unwrap();
    assert!(offline(without_prometheus, "TM066").is_empty());
}

#[test]
fn check_reads_the_v2_and_scrape_kinds_as_auxiliary() {
    let request = kubectl_tidbmonitor::commands::check::request();
    for kind in [
        Kind::Cluster,
        Kind::PdGroup,
        Kind::TsoGroup,
        Kind::PodMonitor,
        Kind::ServiceMonitor,
        Kind::VmPodScrape,
        Kind::VmServiceScrape,
        Kind::Namespace,
        Kind::Prometheus,
    ] {
        assert!(request.auxiliary.contains(&kind), "{kind:?}");
    }
}

/// Every upstream example, one set of manifests at a time (the two monitor-with-thanos monitors share a name).
fn upstream_example_sets() -> Vec<Vec<String>> {
    let dir = common::fixtures().join("examples");
    let mut dirs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut sets = Vec::new();
    for path in dirs {
        if path.ends_with("monitor-with-thanos") {
            for file in [
                "tidb-monitor.yaml",
                "tidb-monitor-with-additional-volumes.yaml",
            ] {
                sets.push(vec![path.join(file).display().to_string()]);
            }
        } else {
            sets.push(vec![path.display().to_string()]);
        }
    }
    assert!(sets.len() >= 12, "{sets:?}");
    sets
}

/// One rule over manifest files, as `check -f` runs it.
fn run_on_files(paths: &[String], rule: &str, operator: Option<&str>) -> Vec<checks::Finding> {
    let snapshot = load(paths);
    let ctx = Context {
        all_namespaces: true,
        offline: true,
        ..context(operator)
    };
    checks::run(&snapshot, &ctx, |id| id == rule)
}

/// One rule over manifest text taken as the whole live cluster.
fn run_live(yaml: &str, rule: &str) -> Vec<checks::Finding> {
    checks::run(&as_live(yaml), &context(None), |id| id == rule)
}

/// A TidbMonitor `mon` in `monitoring` with `spec` lines plus prometheus and reloader images.
fn monitor_with(spec: &str) -> String {
    format!(
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: mon, namespace: monitoring}}\nspec:\n{spec}  prometheus: {{baseImage: prom/prometheus, version: v2.53.2}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
    )
}

#[test]
fn tm054_every_upstream_example_sets_prometheus_reloader_the_project_examples_mostly_do_not() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM054", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let mut monitors: Vec<String> = run_on_files(&[project_examples()], "TM054", None)
        .into_iter()
        .map(|f| format!("{}/{}", f.object.namespace, f.object.name))
        .collect();
    monitors.sort();
    assert_eq!(
        monitors,
        [
            "legacy/billing",
            "monitoring/central",
            "secure/vault",
            "shop/shop"
        ]
    );
    // On an operator older than the field the hint says to upgrade first.
    let old = checks::run(
        &as_live(&monitor_with("  clusters: [{name: db}]\n")),
        &context(Some("v1.2.1")),
        |id| id == "TM054",
    );
    assert_eq!(old.len(), 1);
    assert!(
        old[0].hint.contains("upgrade to v1.2.2+"),
        "{}",
        old[0].hint
    );
    let current = checks::run(
        &as_live(&monitor_with("  clusters: [{name: db}]\n")),
        &context(Some("v1.2.2")),
        |id| id == "TM054",
    );
    assert!(!current[0].hint.contains("upgrade"), "{}", current[0].hint);
}

/// A TidbCluster in `monitoring` running `version`, with extra spec fields in flow style.
fn tidb_cluster(name: &str, version: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: {name}, namespace: monitoring}}\nspec: {{version: {version}, {extra}tikv: {{replicas: 1}}}}\n"
    )
}

#[test]
fn tm056_compares_the_initializer_with_each_cluster_by_major_minor() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM056", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let estate = |image: &str, tag: &str| {
        monitor_with(&format!(
            "  clusters: [{{name: db}}, {{name: old}}]\n  initializer: {{baseImage: {image}, version: {tag}}}\n"
        )) + &tidb_cluster("db", "v8.5.7", "pd: {replicas: 1}, ")
            + &tidb_cluster("old", "v7.5.6", "pd: {replicas: 1}, ")
    };
    let found = run_live(
        &estate("pingcap/tidb-monitor-initializer", "v8.5.2"),
        "TM056",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("TidbCluster monitoring/old runs v7.5.6")
            && found[0].message.contains("TiDB 8.5"),
        "{}",
        found[0].message
    );
    // A mirror keeps the image name; the comparison holds.
    let mirrored = run_live(
        &estate(
            "registry.example.com/pingcap/tidb-monitor-initializer",
            "v7.5.1",
        ),
        "TM056",
    );
    assert_eq!(mirrored.len(), 1, "{mirrored:#?}");
    assert!(mirrored[0].message.contains("monitoring/db runs v8.5.7"));
    // A floating tag or another image says nothing about the dashboards inside.
    assert!(
        run_live(
            &estate("pingcap/tidb-monitor-initializer", "latest"),
            "TM056"
        )
        .is_empty()
    );
    assert!(run_live(&estate("example/custom-initializer", "v7.5.1"), "TM056").is_empty());
}

#[test]
fn tm055_replays_the_label_order_of_the_start_up_sed() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM055", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let fired = |spec: &str| -> Vec<(Severity, String)> {
        run_live(
            &monitor_with(&format!("  clusters: [{{name: db}}]\n{spec}")),
            "TM055",
        )
        .into_iter()
        .map(|f| (f.severity, f.message))
        .collect()
    };
    let replicated = "  replicas: 2\n";
    // yaml.v2 order: letters by code point, `_` before any letter, a shorter prefix first.
    for labels in [
        "{cluster: a}",
        "{Zone: a}",
        "{_tenant: a}",
        "{prometheus: a}",
        "{region: a, env: b}",
    ] {
        let found = fired(&format!("{replicated}  externalLabels: {labels}\n"));
        assert_eq!(found.len(), 1, "{labels}: {found:?}");
        assert_eq!(found[0].0, Severity::Warning, "{labels}");
        assert!(
            found[0]
                .1
                .contains("prometheus_replica keeps the literal value $(NAMESPACE)_$(POD_NAME)"),
            "{}",
            found[0].1
        );
    }
    assert!(
        fired(&format!(
            "{replicated}  externalLabels: {{region: a, zone: b}}\n"
        ))
        .is_empty()
    );
    assert!(
        fired(&format!(
            "{replicated}  externalLabels: {{prometheus_replicas: a}}\n"
        ))
        .is_empty()
    );
    // The first label named by the multi-label case is the one written on line 5.
    let both = fired(&format!(
        "{replicated}  externalLabels: {{region: a, env: b}}\n"
    ));
    assert!(
        both[0].1.starts_with("external label env "),
        "{}",
        both[0].1
    );
    // A renamed replica label that sorts first, no replica label, or the same key set by the user: nothing left.
    assert!(
        fired(&format!(
            "{replicated}  replicaExternalLabelName: a_replica\n  externalLabels: {{cluster: a}}\n"
        ))
        .is_empty()
    );
    assert!(
        fired(&format!(
            "{replicated}  replicaExternalLabelName: ''\n  externalLabels: {{cluster: a}}\n"
        ))
        .is_empty()
    );
    assert!(
        fired(&format!(
            "{replicated}  externalLabels: {{cluster: a, prometheus_replica: r1}}\n"
        ))
        .is_empty()
    );
    // One replica without Thanos or remote write: nobody tells replicas apart, so it is only info.
    let single = fired("  externalLabels: {cluster: a}\n");
    assert_eq!(single.len(), 1);
    assert_eq!(single[0].0, Severity::Info);
    // A configMapRef file is the user's own: the generated external labels are not in it.
    let own_file =
        monitor_with("  clusters: [{name: db}]\n  replicas: 2\n  externalLabels: {cluster: a}\n")
            .replace(
                "version: v2.53.2}",
                "version: v2.53.2, config: {configMapRef: {name: mine}}}",
            );
    assert!(run_live(&own_file, "TM055").is_empty());
    // prometheusReloader's envsubst expands every $(VAR).
    assert!(
        fired(&format!(
            "{replicated}  externalLabels: {{cluster: a}}\n  prometheusReloader: {{baseImage: quay.io/prometheus-operator/prometheus-config-reloader, version: v0.49.0}}\n"
        ))
        .is_empty()
    );
}

#[test]
fn tm057_hidden_cluster_selector_before_v4_0_14_and_v5_0_3() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM057", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let monitor = |clusters: &str, grafana: bool, tag: &str| {
        let grafana = if grafana {
            "  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n"
        } else {
            ""
        };
        monitor_with(&format!(
            "  clusters: {clusters}\n{grafana}  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: {tag}}}\n"
        ))
    };
    let two = "[{name: a}, {name: b}]";
    for (tag, hidden) in [
        ("v3.0.20", true),
        ("v4.0.13", true),
        ("v4.0.14", false),
        ("v4.0.16", false),
        ("v5.0.0", true),
        ("v5.0.2", true),
        ("v5.0.3", false),
        ("v5.1.0", false),
        ("v8.5.7", false),
    ] {
        let found = run_live(&monitor(two, true, tag), "TM057");
        assert_eq!(found.len(), usize::from(hidden), "{tag}: {found:#?}");
    }
    // One cluster needs no selector; without Grafana there are no dashboards.
    assert!(run_live(&monitor("[{name: a}]", true, "v4.0.10"), "TM057").is_empty());
    assert!(run_live(&monitor(two, false, "v4.0.10"), "TM057").is_empty());
}

#[test]
fn tm058_dm_initializer_wipes_the_tidb_dashboards_of_a_shared_monitor() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM058", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    // The project's central monitor watches TiDB and DM clusters with Grafana.
    let central = run_on_files(&[project_examples()], "TM058", None);
    assert_eq!(central.len(), 1, "{central:#?}");
    assert_eq!(central[0].object.name, "central");
    let monitor = |grafana: bool, tag: &str| {
        let grafana = if grafana {
            "  grafana: {baseImage: grafana/grafana, version: 7.5.11}\n"
        } else {
            ""
        };
        monitor_with(&format!(
            "  clusters: [{{name: db}}]\n{grafana}  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  dm: {{clusters: [{{name: dm}}], initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: {tag}}}}}\n"
        ))
    };
    // The wipe entered pingcap/monitoring's init.sh on 2022-03-30: the initializers built after it (v6.0.0, v5.4.1,
    // v5.2.4 and the later patches of their lines) carry it, the snapshots before it do not.
    for (tag, wipes) in [
        ("v8.5.7", true),
        ("v6.1.0", true),
        ("v6.0.0", true),
        ("v5.4.1", true),
        ("v5.4.3", true),
        ("v5.2.4", true),
        ("v5.4.0", false),
        ("v5.3.1", false),
        ("v5.3.2", false),
        ("v5.2.3", false),
        ("v5.1.4", false),
        ("v4.0.16", false),
    ] {
        let found = run_live(&monitor(true, tag), "TM058");
        assert_eq!(found.len(), usize::from(wipes), "{tag}: {found:#?}");
    }
    assert!(run_live(&monitor(false, "v8.5.7"), "TM058").is_empty());
    // tidb-operator v1.2.x stops a monitor without spec.clusters: a DM-only monitor needs v1.3.0 first.
    let hint = |operator: Option<&str>| {
        let found = checks::run(
            &as_live(&monitor(true, "v8.5.7")),
            &context(operator),
            |id| id == "TM058",
        );
        found[0].hint.clone()
    };
    let old = hint(Some("v1.2.7"));
    assert!(
        old.contains("upgrade to v1.3.0+") && old.contains("drop spec.grafana"),
        "{old}"
    );
    for operator in [Some("v1.3.0"), Some("v1.6.6"), None] {
        let current = hint(operator);
        assert!(
            current.starts_with("move spec.dm to a TidbMonitor of its own")
                && !current.contains("upgrade"),
            "{operator:?}: {current}"
        );
    }
}

#[test]
fn tm059_heterogeneous_cluster_names_start_with_their_origin() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM059", None);
        let expected = usize::from(set[0].ends_with("heterogeneous-tls"));
        assert_eq!(found.len(), expected, "{set:?}: {found:#?}");
    }
    // tidb-operator's examples/heterogeneous-tls: `heterogeneous` joins `basic`.
    let tls = run_on_files(&[example("heterogeneous-tls")], "TM059", None);
    assert_eq!(tls[0].object.kind, "TidbCluster");
    assert_eq!(tls[0].object.name, "heterogeneous");
    assert!(
        tls[0]
            .message
            .contains("tidb_cluster=default-heterogeneous")
            && tls[0].message.contains("tidb_cluster=~\"default-basic.*\""),
        "{}",
        tls[0].message
    );
    assert_eq!(tls[0].hint, "name it basic-<suffix>");
    // Not monitored at all: TM031's business, not a dashboard question.
    let unmonitored = tidb_cluster("db", "v8.5.7", "pd: {replicas: 1}, ")
        + &tidb_cluster("olap", "v8.5.7", "cluster: {name: db}, ");
    assert!(run_live(&unmonitored, "TM059").is_empty());
    // Only initializers built after pingcap/monitoring 3a9e9f9/f74bb77 (October 2021) match the cluster by prefix;
    // the older ones match it exactly, where the name changes nothing. Tags that are not releases say nothing.
    let joined = |image: &str, tag: &str| {
        monitor_with(&format!(
            "  clusters: [{{name: db}}, {{name: olap}}]\n  initializer: {{baseImage: {image}, version: {tag}}}\n"
        )) + &tidb_cluster("db", "v8.5.7", "pd: {replicas: 1}, ")
            + &tidb_cluster("olap", "v8.5.7", "cluster: {name: db}, ")
    };
    for (tag, prefix_match) in [
        ("v8.5.7", true),
        ("v5.3.0", true),
        ("v5.2.2", true),
        ("v5.1.3", true),
        ("v5.0.5", true),
        ("v4.0.16", true),
        ("v5.2.1", false),
        ("v5.1.2", false),
        ("v5.0.4", false),
        ("v4.0.15", false),
        ("latest", false),
    ] {
        let found = run_live(&joined("pingcap/tidb-monitor-initializer", tag), "TM059");
        assert_eq!(found.len(), usize::from(prefix_match), "{tag}: {found:#?}");
    }
    assert!(run_live(&joined("example.com/my-dashboards", "v8.5.7"), "TM059").is_empty());
    // Another namespace than the origin's: the prefix covers the namespace too.
    let elsewhere = monitor_with(
        "  clusterScoped: true\n  clusters: [{name: db}, {name: db-olap, namespace: analytics}]\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n",
    ) + &tidb_cluster("db", "v8.5.7", "pd: {replicas: 1}, ")
        + "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db-olap, namespace: analytics}\nspec: {cluster: {name: db, namespace: monitoring}, tikv: {replicas: 1}}\n";
    let found = run_live(&elsewhere, "TM059");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].hint,
        "create it in namespace monitoring as db-<suffix>"
    );
}

#[test]
fn tm069_missing_config_maps_and_basic_auth_secrets_stop_the_monitor() {
    for set in upstream_example_sets() {
        let found: Vec<_> = run_on_files(&set, "TM069", None)
            .into_iter()
            .filter(|f| !f.unresolved)
            .collect();
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let bad = bad_of("TM069");
    // Live: the ConfigMap and the Secret (named by username and password) are missing.
    let live = run_live(bad, "TM069");
    let messages: Vec<&str> = live.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(live.len(), 3, "{messages:#?}");
    assert!(
        live.iter()
            .all(|f| f.severity == Severity::Error && !f.unresolved)
    );
    assert!(messages[0].starts_with("spec.prometheus.config.configMapRef names ConfigMap monitoring/my-prometheus, which does not exist"), "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.starts_with(
            "spec.prometheus.remoteWrite[0].basicAuth.password names Secret monitoring/rw-auth"
        )),
        "{messages:#?}"
    );
    // Offline the files are not the cluster: unresolved, never missing.
    let files = offline(bad, "TM069");
    assert!(
        !files.is_empty()
            && files
                .iter()
                .all(|f| f.unresolved && f.severity == Severity::Info),
        "{files:#?}"
    );
    // ruleConfigRef's ConfigMap is mounted from the monitor's namespace whatever its namespace field says.
    let rules = monitor_with("  clusters: [{name: db}]\n").replace(
        "version: v2.53.2}",
        "version: v2.53.2, config: {ruleConfigRef: {name: my-rules, namespace: shared}}}",
    ) + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: my-rules, namespace: shared}\n";
    let found = run_live(&rules, "TM069");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("ConfigMap monitoring/my-rules")
            && found[0].message.contains("ContainerCreating"),
        "{}",
        found[0].message
    );
    // A Secret whose keys are known (files) must hold the selected key; one listed as metadata only is not judged.
    let good = checks::registry()
        .iter()
        .find(|r| r.id == "TM069")
        .unwrap()
        .good;
    let wrong_key = good.replace(
        "stringData: {user: tidb, password: secret}",
        "stringData: {username: tidb, password: secret}",
    );
    let found = run_live(&wrong_key, "TM069");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains(
            "wants key \"user\" of Secret monitoring/rw-auth, which has only password, username"
        ),
        "{}",
        found[0].message
    );
    let metadata_only = good.replace("\nstringData: {user: tidb, password: secret}", "");
    assert!(run_live(&metadata_only, "TM069").is_empty());
    // Each reference counts only on the operators that read it: basicAuth from v1.4.0 (syncBasicAuth),
    // ruleConfigRef from v1.2.4, configMapRef from v1.1.1. Unknown: a current operator, said in the finding.
    let on = |yaml: &str, operator: Option<&str>| {
        checks::run(&as_live(yaml), &context(operator), |id| id == "TM069")
    };
    let fields = |found: Vec<checks::Finding>| -> Vec<String> {
        found
            .iter()
            .map(|f| f.message.split(' ').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(fields(on(bad, Some("v1.4.0"))).len(), 3);
    assert_eq!(
        fields(on(bad, Some("v1.3.10"))),
        ["spec.prometheus.config.configMapRef"]
    );
    assert!(on(bad, Some("v1.1.0")).is_empty());
    let unknown = on(bad, None);
    for f in &unknown {
        let noted = f.message.ends_with(
            "(tidb-operator v1.4.0+; its version was not detected, pass --operator-version)",
        );
        assert_eq!(noted, f.message.contains("basicAuth"), "{}", f.message);
    }
    assert!(on(&wrong_key, Some("v1.3.10")).is_empty());
    assert_eq!(on(&wrong_key, Some("v1.4.0")).len(), 1);
    assert!(on(&rules, Some("v1.2.3")).is_empty());
    assert_eq!(on(&rules, Some("v1.2.4")).len(), 1);
    assert!(
        on(&rules, None)[0]
            .message
            .contains("(tidb-operator v1.2.4+; its version was not detected"),
        "{:?}",
        on(&rules, None)
    );
    // check lists ConfigMaps (metadata only) wherever the references point.
    let request = kubectl_tidbmonitor::commands::check::request();
    assert!(request.related.contains(&Kind::ConfigMap));
}

#[test]
fn tm070_rule_config_ref_replaces_the_rules_alertmanager_or_enable_alert_rules_load() {
    for set in upstream_example_sets() {
        let found = run_on_files(&set, "TM070", None);
        assert!(found.is_empty(), "{set:?}: {found:#?}");
    }
    let with_rules = |spec: &str| {
        monitor_with(&format!("  clusters: [{{name: db}}]\n{spec}")).replace(
            "version: v2.53.2}",
            "version: v2.53.2, config: {ruleConfigRef: {name: my-rules}}}",
        )
    };
    let enabled = run_live(&with_rules("  enableAlertRules: true\n"), "TM070");
    assert_eq!(enabled.len(), 1);
    assert!(
        enabled[0].message.starts_with("enableAlertRules loads"),
        "{}",
        enabled[0].message
    );
    assert_eq!(
        run_live(
            &with_rules("  alertmanagerURL: am.monitoring:9093\n"),
            "TM070"
        )
        .len(),
        1
    );
    // Without either the built-in rules were never loaded: ruleConfigRef only adds.
    assert!(run_live(&with_rules(""), "TM070").is_empty());
    // configMapRef's prometheus.yml replaces the generated one, rule_files included: the user chose the rules.
    let own_file = monitor_with("  clusters: [{name: db}]\n  alertmanagerURL: am.monitoring:9093\n").replace(
        "version: v2.53.2}",
        "version: v2.53.2, config: {configMapRef: {name: my-prometheus}, ruleConfigRef: {name: my-rules}}}",
    );
    assert!(run_live(&own_file, "TM070").is_empty());
}

#[test]
fn tm066_covers_scrape_objects_of_v1_clusters_too() {
    use kubectl_tidbmonitor::scaffold::servicemonitor::{Options, service_monitors};
    let cluster = "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: db, namespace: team}\nspec: {pd: {replicas: 1}, tikv: {replicas: 1}}\n";
    let scaffolded = |prometheus_selector: &str| {
        let mut snapshot = Snapshot::default();
        files::load_text_into("c.yaml", cluster, "default", &[], &mut snapshot);
        let monitors: Vec<String> = service_monitors(&snapshot, &Options::default())
            .objects
            .iter()
            .map(|o| serde_json::to_string(o).unwrap())
            .collect();
        format!(
            "{cluster}---\n{}\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {{name: k8s, namespace: monitoring}}\nspec:\n  serviceMonitorSelector: {prometheus_selector}\n  serviceMonitorNamespaceSelector: {{}}\n",
            monitors.join("\n---\n")
        )
    };
    let unloaded = run_live(
        &scaffolded("{matchLabels: {release: kube-prometheus}}"),
        "TM066",
    );
    assert!(!unloaded.is_empty());
    assert!(
        unloaded
            .iter()
            .all(|f| f.object.kind == "ServiceMonitor" && f.severity == Severity::Warning),
        "{unloaded:#?}"
    );
    // prometheus-operator's PrometheusAgent loads scrape objects by the same selectors (core::scraping::loaded_by):
    // the finding names both.
    assert!(
        unloaded.iter().all(|f| f
            .message
            .starts_with("no Prometheus or PrometheusAgent selects this ServiceMonitor")
            && f.hint.contains("PrometheusAgent")),
        "{unloaded:#?}"
    );
    let rule = checks::registry()
        .into_iter()
        .find(|r| r.id == "TM066")
        .unwrap();
    assert!(
        rule.title
            .ends_with("that no Prometheus or PrometheusAgent loads")
            && rule.explanation.contains("PrometheusAgent")
            && rule.fix.contains("PrometheusAgent"),
        "{}",
        rule.title
    );
    assert!(run_live(&scaffolded("{}"), "TM066").is_empty());
    // The upstream prometheus-operator example's Prometheus selects its ServiceMonitors.
    let upstream = run_on_files(&[example("prometheus-operator")], "TM066", None);
    assert!(upstream.is_empty(), "{upstream:#?}");
}

#[test]
fn tm071_tidb_dashboard_job_queries_miss_the_monitor_s_job_names() {
    // tidb-operator's examples/basic: v8.5.7 with PD, metric-storage unset.
    let basic = run_on_files(&[example("basic")], "TM071", None);
    assert_eq!(basic.len(), 1, "{basic:#?}");
    assert_eq!(basic[0].severity, Severity::Info);
    assert!(
        basic[0]
            .message
            .contains("whose TiDB job is default-basic-tidb"),
        "{}",
        basic[0].message
    );
    // Before v1.1.8 the jobs were the components themselves, as TiDB Dashboard queries them.
    assert!(run_on_files(&[example("basic")], "TM071", Some("v1.1.7")).is_empty());
    // v1.1.8-v1.1.15 prefix the jobs and register the monitor for its first cluster only
    // (tidbcluster_status_manager.go syncTidbMonitorRef); v1.2.0 for every cluster.
    assert_eq!(
        run_on_files(&[example("basic")], "TM071", Some("v1.1.15")).len(),
        1
    );
    let two = monitor_with("  clusters: [{name: first}, {name: second}]\n")
        + &["first", "second"]
            .map(|name| format!(
                "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: {name}, namespace: monitoring}}\nspec:\n  version: v8.5.7\n  pd: {{replicas: 1}}\n"
            ))
            .concat();
    let fired = |operator: &str| -> Vec<String> {
        checks::run(&as_live(&two), &context(Some(operator)), |id| id == "TM071")
            .iter()
            .map(|f| f.message.split(' ').nth(4).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(fired("v1.1.15"), ["monitoring/first"]);
    assert_eq!(fired("v1.2.0"), ["monitoring/first", "monitoring/second"]);
    let estate = |pd: &str, version: &str| {
        monitor_with("  clusters: [{name: db}]\n")
            + &format!(
                "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: db, namespace: monitoring}}\nspec:\n  version: {version}\n  pd:\n{pd}  tikv: {{replicas: 1}}\n"
            )
    };
    assert_eq!(
        run_live(&estate("    replicas: 1\n", "v7.5.6"), "TM071").len(),
        1
    );
    // TiDB Dashboards before release-6.5 were not verified.
    assert!(run_live(&estate("    replicas: 1\n", "v6.1.7"), "TM071").is_empty());
    // PD reading another Prometheus (TOML text, a dotted key, or the older map form) is not this monitor's problem.
    for config in [
        "    config: |\n      [pd-server]\n      metric-storage = \"http://p:9090\"\n",
        "    config: |\n      pd-server.metric-storage = \"http://p:9090\"\n",
        "    config:\n      pd-server: {metric-storage: 'http://p:9090'}\n",
    ] {
        let pd = format!("    replicas: 1\n{config}");
        assert!(
            run_live(&estate(&pd, "v8.5.7"), "TM071").is_empty(),
            "{config}"
        );
    }
    // A config of another shape (here a non-string key) neither hides the cluster nor breaks its decoding.
    let odd = "    replicas: 1\n    config:\n      1: x\n";
    assert_eq!(run_live(&estate(odd, "v8.5.7"), "TM071").len(), 1);
    // A commented-out setting does not count.
    let commented = "    replicas: 1\n    config: |\n      [pd-server]\n      # metric-storage = \"http://p:9090\"\n";
    assert_eq!(run_live(&estate(commented, "v8.5.7"), "TM071").len(), 1);
}

/// Every sample a rule's declarations are tested on: each rule's bad and good example, the project's examples,
/// the status and v2 test data, and tidb-operator's own examples.
fn declaration_samples() -> Vec<(String, Option<String>)> {
    let mut samples: Vec<(String, Option<String>)> = Vec::new();
    for rule in checks::registry() {
        for text in [rule.bad, rule.good] {
            samples.push((text.to_string(), rule.example_operator.map(String::from)));
            // The operator version detected from its Deployment, as live (the example's, and an old and a
            // current one for the bad example): rules that depend on it read Deployments.
            let mut versions: Vec<&str> = rule.example_operator.into_iter().collect();
            if text == rule.bad {
                versions.extend(["v1.1.7", "v1.6.6"]);
            }
            for version in versions {
                samples.push((
                    format!(
                        "{text}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: tidb-controller-manager, namespace: tidb-admin}}\nspec:\n  template: {{spec: {{containers: [{{name: tidb-operator, image: 'pingcap/tidb-operator:{version}'}}]}}}}\n"
                    ),
                    None,
                ));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        project_examples(),
        root.join("testdata/status").display().to_string(),
        root.join("testdata/status-cluster").display().to_string(),
        v2_docs(),
    ];
    for entry in std::fs::read_dir(common::fixtures().join("examples")).unwrap() {
        dirs.push(entry.unwrap().path().display().to_string());
    }
    for dir in dirs {
        let mut text = String::new();
        let mut files: Vec<_> = walk(std::path::Path::new(&dir));
        files.sort();
        for file in files {
            text.push_str(&std::fs::read_to_string(file).unwrap());
            text.push_str("\n---\n");
        }
        samples.push((text, None));
    }
    samples
}

fn walk(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        return if yaml {
            vec![path.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    std::fs::read_dir(path)
        .unwrap()
        .flat_map(|e| walk(&e.unwrap().path()))
        .collect()
}

/// `Rule::subjects` and `Rule::reads` are what `get` and `status` trust to read less than `check`: every finding
/// is about a declared subject, and a rule run with every kind it does not declare left unread (as a narrower
/// command reads the snapshot) says exactly what it says on the whole snapshot.
#[test]
fn rules_report_on_their_subjects_and_read_only_their_declared_kinds() {
    type Said = Vec<(checks::ObjectId, Severity, String, String, bool)>;
    let load_sample = |text: &str, live: bool, keep: &dyn Fn(Kind) -> bool| {
        let mut snapshot = if live {
            as_live(text)
        } else {
            let mut snapshot = Snapshot::default();
            files::load_text_into("sample.yaml", text, "default", &[], &mut snapshot);
            snapshot
        };
        for kind in Kind::ALL.iter().copied().filter(|k| !keep(*k)) {
            snapshot.forget(kind);
        }
        snapshot
    };
    // Rules that declare the same kinds share the narrowed snapshot.
    let mut by_reads: Vec<(Vec<Kind>, Vec<&checks::Rule>)> = Vec::new();
    for rule in checks::registry() {
        let mut reads = rule.reads.to_vec();
        reads.sort();
        match by_reads.iter_mut().find(|(r, _)| *r == reads) {
            Some((_, rules)) => rules.push(rule),
            None => by_reads.push((reads, vec![rule])),
        }
    }
    let mut compared = 0;
    for (text, operator) in declaration_samples() {
        for live in [true, false] {
            let run = |keep: &dyn Fn(Kind) -> bool, selected: &dyn Fn(&str) -> bool| {
                let snapshot = load_sample(&text, live, keep);
                let flag = operator.as_deref().map(|v| v.parse().unwrap());
                let context = Context {
                    operator: checks::operator::operator_version(&snapshot, flag),
                    all_namespaces: true,
                    offline: !live,
                };
                checks::run(&snapshot, &context, selected)
            };
            let whole = run(&|_| true, &|_| true);
            let said = |findings: &[checks::Finding], rule: &str| -> Said {
                findings
                    .iter()
                    .filter(|f| f.rule == rule)
                    .map(|f| {
                        (
                            f.object.clone(),
                            f.severity,
                            f.message.clone(),
                            f.hint.clone(),
                            f.unresolved,
                        )
                    })
                    .collect()
            };
            for (reads, rules) in &by_reads {
                let narrowed = run(&|k| reads.contains(&k), &|id| {
                    rules.iter().any(|r| r.id == id)
                });
                for rule in rules {
                    let on_whole = said(&whole, rule.id);
                    for (object, ..) in &on_whole {
                        assert!(
                            object
                                .catalogue_kind()
                                .is_some_and(|k| rule.subjects.contains(&k)),
                            "{} reports on {object:?}, which its subjects {:?} do not declare",
                            rule.id,
                            rule.subjects
                        );
                    }
                    assert_eq!(
                        on_whole,
                        said(&narrowed, rule.id),
                        "{} says something else when only its declared kinds {:?} are read: it reads more",
                        rule.id,
                        rule.reads
                    );
                    compared += on_whole.len();
                }
            }
        }
    }
    assert!(compared > 200, "only {compared} findings compared");
}

/// `get` reads PersistentVolumes and ConfigMaps by name: the ones `volumes_looked_up` and
/// `config_maps_looked_up` name must be all the rules look at.
#[test]
fn the_rules_look_up_only_the_volumes_and_config_maps_they_name() {
    let mut kept = 0;
    for (text, operator) in declaration_samples() {
        let flag = operator.as_deref().map(|v| v.parse().unwrap());
        let run = |named_only: bool| {
            let mut snapshot = as_live(&text);
            if named_only {
                let volumes = checks::migration::volumes_looked_up(&snapshot);
                snapshot
                    .pvs
                    .retain(|pv| volumes.contains(&pv.metadata.name));
                let config_maps = checks::config_maps_looked_up(&snapshot);
                snapshot.config_maps.retain(|cm| {
                    let key = (
                        cm.metadata.namespace().to_string(),
                        cm.metadata.name.clone(),
                    );
                    config_maps.contains(&key)
                });
            }
            let context = Context {
                operator: checks::operator::operator_version(&snapshot, flag),
                all_namespaces: true,
                offline: false,
            };
            let kept = snapshot.pvs.len() + snapshot.config_maps.len();
            (checks::run(&snapshot, &context, |_| true), kept)
        };
        let (whole, _) = run(false);
        let (named, named_kept) = run(true);
        assert_eq!(whole, named, "{text}");
        kept += named_kept;
    }
    assert!(kept > 5, "only {kept} volumes and ConfigMaps named");
}
