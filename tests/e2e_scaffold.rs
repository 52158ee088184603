//! Scaffold output against the real CRDs: accepted by `kubectl apply --dry-run=server`, applied by
//! `--apply` (then `unchanged`), and `check` finds no error afterwards.

mod common;

use common::e2e::*;
use common::example;

fn write_tmp(name: &str, text: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn seed_file(ns: &str, path: &str) {
    admin(&["create", "-n", ns, "-f", path], None);
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn scaffolds_are_valid_applied_and_idempotent() {
    let ns = "e2e-scaffold";
    admin(&["create", "namespace", ns], None);
    seed_file(ns, &(example("basic") + "/tidb-cluster.yaml"));
    seed_file(ns, &(example("basic-tls") + "/tidb-cluster.yaml"));
    seed_file(ns, &(example("dm") + "/dm-cluster.yaml"));
    admin(
        &[
            "-n",
            ns,
            "create",
            "secret",
            "generic",
            "basic-tls-cluster-client-secret",
            "--from-literal=ca.crt=x",
            "--from-literal=tls.crt=x",
            "--from-literal=tls.key=x",
        ],
        None,
    );
    seed_file(ns, &(example("basic") + "/tidb-monitor.yaml"));
    seed_file(ns, &(example("basic-tls") + "/tidb-monitor.yaml"));

    for (file, args) in [
        (
            "sm.yaml",
            vec![
                "scaffold",
                "servicemonitor",
                "-n",
                ns,
                "--prometheus-label",
                "release=kps",
            ],
        ),
        (
            "pm.yaml",
            vec![
                "scaffold",
                "servicemonitor",
                "-n",
                ns,
                "--kind",
                "podmonitor",
            ],
        ),
        // TLS first, so that basic-tls gets the TLS wiring (a monitor that already has spec.thanos is kept).
        (
            "thanos-tls.yaml",
            vec![
                "scaffold",
                "thanos",
                "-n",
                ns,
                "basic-tls",
                "--grpc-tls-secret",
                "thanos-grpc",
                "--grpc-tls-server-name",
                "thanos.e2e-scaffold.svc",
            ],
        ),
        (
            "thanos.yaml",
            vec![
                "scaffold",
                "thanos",
                "-n",
                ns,
                "--objstore-secret",
                "thanos-objstore",
            ],
        ),
    ] {
        let out = plugin(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let path = write_tmp(file, &out.stdout);
        // kubectl's own server-side validation against the real CRDs.
        let dry = kubectl_with(
            &env("E2E_KUBECONFIG"),
            &[
                "apply",
                "--server-side",
                "--field-manager=e2e-check",
                "--force-conflicts",
                "--dry-run=server",
                "-f",
                &path,
            ],
            None,
        );
        assert!(
            dry.status.success(),
            "{file} rejected: {}",
            String::from_utf8_lossy(&dry.stderr)
        );

        let mut apply = args.clone();
        apply.push("--apply");
        let first = plugin(&apply);
        assert_eq!(first.code, 0, "{}", first.stderr);
        let objects = out.stdout.matches("\nkind: ").count();
        assert_eq!(first.stdout.lines().count(), objects, "{}", first.stdout);
        assert!(
            !first.stdout.lines().any(|l| l.ends_with(" unchanged")) || file.starts_with("thanos"),
            "{}",
            first.stdout
        );
        let second = plugin(&apply);
        assert_eq!(second.code, 0, "{}", second.stderr);
        assert!(
            second.stdout.lines().all(|l| l.ends_with(" unchanged")),
            "{file}: re-apply changed something:\n{}",
            second.stdout
        );
        let server_dry = plugin(&[apply.as_slice(), &["--dry-run=server"]].concat());
        assert!(
            server_dry
                .stdout
                .lines()
                .all(|l| l.ends_with("unchanged (server dry run)")),
            "{}",
            server_dry.stdout
        );
    }
    // The scaffolded monitors now carry a Thanos sidecar and still pass every check.
    let tm = admin(
        &[
            "-n",
            ns,
            "get",
            "tidbmonitor",
            "basic",
            "-o",
            "jsonpath={.spec.thanos.version}",
        ],
        None,
    );
    assert_eq!(tm, "v0.42.4");
    admin(
        &[
            "-n",
            ns,
            "create",
            "secret",
            "generic",
            "thanos-objstore",
            "--from-literal=objstore.yml=type: FILESYSTEM",
        ],
        None,
    );
    let check = plugin(&["check", "-n", ns, "--operator-version", "v1.6.6"]);
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    assert!(
        check.stdout.lines().last().unwrap().starts_with("0 errors"),
        "{}",
        check.stdout
    );
}

/// `scaffold thanos --grafana`: the Grafana beside Thanos Query (and the sidecars, Services, querier) is accepted by
/// the API server's validation, through kubectl and through the plugin's own `--apply --dry-run=server`.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn thanos_with_grafana_is_accepted_by_the_api_server() {
    let ns = "e2e-scaffold-grafana";
    admin(&["create", "namespace", ns], None);
    seed_file(ns, &(example("basic") + "/tidb-cluster.yaml"));
    seed_file(ns, &(example("basic") + "/tidb-monitor.yaml"));
    let args = ["scaffold", "thanos", "-n", ns, "--grafana"];
    let out = plugin(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("name: tidb-grafana"), "{}", out.stdout);
    let path = write_tmp("thanos-grafana.yaml", &out.stdout);
    let dry = kubectl_with(
        &env("E2E_KUBECONFIG"),
        &[
            "apply",
            "--server-side",
            "--field-manager=e2e-check",
            "--dry-run=server",
            "-f",
            &path,
        ],
        None,
    );
    assert!(
        dry.status.success(),
        "rejected: {}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let server = plugin(&[args.as_slice(), &["--apply", "--dry-run=server"]].concat());
    assert_eq!(server.code, 0, "{}", server.stderr);
    let objects = out.stdout.matches("\nkind: ").count();
    assert_eq!(server.stdout.lines().count(), objects, "{}", server.stdout);
    assert!(
        server
            .stdout
            .lines()
            .all(|l| l.ends_with("(server dry run)")),
        "{}",
        server.stdout
    );
    assert!(
        server
            .stdout
            .contains("deployment.apps/tidb-grafana created (server dry run)"),
        "{}",
        server.stdout
    );
}
