//! v2 scrape scaffolds against the real CRDs (tidb-operator v2.0.1, prometheus-operator, VictoriaMetrics):
//! accepted by `kubectl apply --dry-run=server`, applied by `--apply`, re-applied `unchanged`, and `check`
//! finds no error afterwards; what `clusters` then reports for the scraped components.

mod common;

use common::e2e::*;

fn v2(path: &str) -> String {
    common::fixtures()
        .join("v2")
        .join(path)
        .display()
        .to_string()
}

fn write_tmp(name: &str, text: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn v2_scaffolds_are_valid_applied_idempotent_and_clean() {
    let (plain, tls) = ("e2e-v2-scaffold", "e2e-v2-scaffold-tls");
    namespace(plain);
    namespace(tls);
    admin(
        &[
            "create",
            "-n",
            plain,
            "-f",
            &v2("examples-v2.0.1/examples/basic"),
        ],
        None,
    );
    for file in [
        "00-cluster.yaml",
        "01-pd.yaml",
        "02-tikv.yaml",
        "03-tidb.yaml",
        "04-tiflash.yaml",
    ] {
        admin(
            &["create", "-n", tls, "-f", &v2(&format!("tls/{file}"))],
            None,
        );
    }
    admin(
        &[
            "-n",
            tls,
            "create",
            "secret",
            "generic",
            "tls-cluster-client-secret",
            "--from-literal=ca.crt=x",
            "--from-literal=tls.crt=x",
            "--from-literal=tls.key=x",
        ],
        None,
    );

    let mut applied = 0;
    for kind in [
        "podmonitor",
        "servicemonitor",
        "vmpodscrape",
        "vmservicescrape",
    ] {
        for ns in [plain, tls] {
            let out = plugin(&[
                "scaffold",
                kind,
                "-n",
                ns,
                "--prometheus-label",
                "release=kps",
            ]);
            assert_eq!(out.code, 0, "scaffold {kind} -n {ns}: {}", out.stderr);
            let file = write_tmp(&format!("{kind}-{ns}.yaml"), &out.stdout);
            // The real CRDs' schemas accept every field.
            admin(
                &["apply", "--server-side", "--dry-run=server", "-f", &file],
                None,
            );
            let first = plugin(&["scaffold", kind, "-n", ns, "--apply"]);
            assert_eq!(first.code, 0, "{}", first.stderr);
            assert!(
                first.stdout.lines().all(|l| l.ends_with(" created")),
                "{}",
                first.stdout
            );
            applied += first.stdout.lines().count();
            let again = plugin(&["scaffold", kind, "-n", ns, "--apply"]);
            assert_eq!(again.code, 0, "{}", again.stderr);
            assert!(
                again.stdout.lines().all(|l| l.ends_with(" unchanged")),
                "re-apply must change nothing:\n{}",
                again.stdout
            );
            let dry = plugin(&["scaffold", kind, "-n", ns, "--apply", "--dry-run=server"]);
            assert_eq!(dry.code, 0, "{}", dry.stderr);
        }
    }
    // basic: pd, tikv, tidb, tiflash, ticdc, tiproxy; tls: pd, tikv, tidb, tiflash — per kind.
    assert_eq!(applied, 4 * (6 + 4));

    for ns in [plain, tls] {
        let check = plugin(&["check", "-n", ns]);
        assert!(
            !check
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with("error")),
            "check -n {ns} after the scaffolds:\n{}{}",
            check.stdout,
            check.stderr
        );
    }

    // Every component is reached by each of the four kinds, TiFlash's proxy port included.
    let json = plugin(&["clusters", "-n", plain, "-o", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let basic = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["clusterKind"] == "Cluster")
        .unwrap();
    let scraped = basic["scrapedBy"].as_array().unwrap();
    assert_eq!(scraped.len(), 4 * 6, "{basic:#}");
    assert!(
        scraped
            .iter()
            .all(|s| s["missedPorts"].as_array().unwrap().is_empty()),
        "{basic:#}"
    );
}
