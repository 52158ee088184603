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

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    cmd
}

#[test]
fn check_exit_codes_follow_severity() {
    // Project examples: warnings only.
    plugin()
        .args(["check", "-f", &project_examples()])
        .assert()
        .code(0);
    plugin()
        .args(["check", "--strict", "-f", &project_examples()])
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
        .args(["check", "-f", &project_examples()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("check_project_examples", text);
}
