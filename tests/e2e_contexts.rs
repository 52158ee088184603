//! Several Kubernetes clusters at once (`--context a,b`, `--all-contexts`) on two real API servers started by
//! tests/e2e/cluster-up.sh, plus a third context whose server refuses connections, all in one kubeconfig.

mod common;

use common::e2e::*;
use serde_json::Value;

/// kubectl against the second API server.
fn second(args: &[&str], stdin: Option<&str>) -> String {
    let out = kubectl_with(&env("E2E_SECOND_KUBECONFIG"), args, stdin);
    assert!(
        out.status.success(),
        "kubectl (second) {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn seed_second(ns: &str, name: &str) {
    second(&["create", "namespace", ns], None);
    let objects = format!(
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  version: v8.5.7\n  pd: {{baseImage: pingcap/pd, replicas: 1, requests: {{storage: 1Gi}}}}\n  tikv: {{baseImage: pingcap/tikv, replicas: 1, requests: {{storage: 1Gi}}}}\n  tidb: {{baseImage: pingcap/tidb, replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  clusters: [{{name: {name}}}]\n  prometheus: {{baseImage: prom/prometheus, version: v2.53.2}}\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
    );
    second(&["create", "-f", "-"], Some(&objects));
}

fn multi(args: &[&str]) -> Run {
    plugin_with(&env("E2E_MULTI_KUBECONFIG"), args)
}

#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn all_contexts_prints_each_cluster_and_names_the_unreachable_one() {
    let ns = "e2e-contexts";
    namespace(ns);
    seed_monitor(ns, "east", false, 1);
    seed_second(ns, "west");

    let run = multi(&["get", "-n", ns, "--all-contexts"]);
    // The unreachable context decides the exit code: 2, as for one unreachable context.
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("CONTEXT "), "{}", run.stdout);
    let first = row(&run.stdout, 1, "east");
    assert_eq!(first[0], "first");
    let second_row = row(&run.stdout, 1, "west");
    assert_eq!(second_row[0], "second");
    assert!(
        lines
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["unreachable", "<unreachable>"]),
        "{}",
        run.stdout
    );
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        warnings.len(),
        1,
        "one warning line for the failed context: {}",
        run.stderr
    );
    assert!(
        warnings[0].starts_with(
            "warning: context unreachable: Unable to connect to the server at https://127.0.0.1:"
        ),
        "{}",
        run.stderr
    );

    // Two reachable contexts by name: exit 0, each item says where it was read.
    let run = multi(&["get", "-n", ns, "--context", "first,second", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let items: Vec<(String, String)> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["context"].as_str().unwrap().to_string(),
                i["metadata"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("first".into(), "east".into()),
            ("second".into(), "west".into())
        ]
    );
    assert_eq!(
        doc["contexts"],
        serde_json::json!([{"name": "first"}, {"name": "second"}])
    );

    // clusters: the same fan-out, each cluster with what scrapes it in its own Kubernetes cluster.
    let run = multi(&["clusters", "-n", ns, "--all-contexts", "-o", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let monitored: Vec<(String, Value)> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["context"].as_str().unwrap().to_string(),
                i["monitoredBy"].clone(),
            )
        })
        .collect();
    assert_eq!(
        monitored,
        [
            ("first".into(), serde_json::json!([format!("{ns}/east")])),
            ("second".into(), serde_json::json!([format!("{ns}/west")])),
        ],
        "{}",
        run.stdout
    );
    let failed = &doc["contexts"][2];
    assert_eq!(failed["name"], "unreachable");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("Unable to connect")
    );

    // status: the monitor's report per context; where it does not exist, that context says so.
    let run = multi(&["status", "east", "-n", ns, "--all-contexts"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("Context first\nTidbMonitor {ns}/east\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "Context second\n  tidbmonitors.pingcap.com \"east\" not found in {ns}\n"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Context unreachable\n  <unreachable> Unable to connect"),
        "{}",
        run.stdout
    );
    let run = multi(&[
        "status",
        "west",
        "-n",
        ns,
        "--context",
        "second",
        "-o",
        "json",
    ]);
    assert_eq!(
        run.code, 0,
        "one context is the plain status: {}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["kind"], "TidbMonitorStatus");
    let run = multi(&[
        "status",
        "west",
        "-n",
        ns,
        "--context",
        "first,second",
        "-o",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["kind"], "TidbMonitorStatusList");
    assert_eq!(doc["items"][0]["context"], "second");
    assert_eq!(doc["items"][0]["metadata"]["name"], "west");

    // A name that is not a context: one warning, the others still print.
    let run = multi(&["get", "-n", ns, "--context", "first,nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(row(&run.stdout, 1, "east")[0] == "first", "{}", run.stdout);
    assert!(
        run.stderr.contains("context \"nope\" does not exist"),
        "{}",
        run.stderr
    );
}

fn fleet_objects(ns: &str) -> String {
    format!(
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: orders, namespace: {ns}}}\nspec:\n  version: v8.5.7\n  pd: {{baseImage: pingcap/pd, replicas: 1, requests: {{storage: 1Gi}}}}\n  tikv: {{baseImage: pingcap/tikv, replicas: 1, requests: {{storage: 1Gi}}}}\n  tidb: {{baseImage: pingcap/tidb, replicas: 1}}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: mon, namespace: {ns}}}\nspec:\n  clusters: [{{name: orders}}]\n  prometheus:\n    baseImage: prom/prometheus\n    version: v2.53.2\n    remoteWrite: [{{url: 'http://receive.example.com/api/v1/receive'}}]\n  initializer: {{baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}}\n  reloader: {{baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}}\n"
    )
}

/// Two Kubernetes clusters whose same-named TiDB clusters' monitors remote-write to one receiver without a label
/// that tells them apart: the rules across contexts name both (TM080 on the monitors, TM082 on the clusters);
/// with `k8s_cluster` external labels they are quiet.
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn check_across_contexts_finds_series_that_would_merge() {
    let ns = "e2e-contexts-fleet";
    namespace(ns);
    admin(&["create", "-f", "-"], Some(&fleet_objects(ns)));
    second(&["create", "namespace", ns], None);
    second(&["create", "-f", "-"], Some(&fleet_objects(ns)));

    let run = multi(&["check", "-n", ns, "--all-contexts", "-o", "json"]);
    assert_eq!(
        run.code, 2,
        "the unreachable context decides: {}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let across: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["TM080", "TM081", "TM082"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["context"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["object"]["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        across,
        [
            ("first".into(), "TM082".into(), "TidbCluster".into()),
            ("first".into(), "TM080".into(), "TidbMonitor".into()),
            ("second".into(), "TM082".into(), "TidbCluster".into()),
            ("second".into(), "TM080".into(), "TidbMonitor".into()),
        ],
        "{}",
        run.stdout
    );
    let unreachable = &doc["contexts"][2];
    assert_eq!(unreachable["name"], "unreachable");
    assert!(
        doc["summary"]["notChecked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["resource"] == "context unreachable")
    );

    // The table names the context of each object.
    let table = multi(&[
        "check",
        "-n",
        ns,
        "--context",
        "first,second",
        "--rule",
        "TM080,TM082",
    ]);
    assert_eq!(table.code, 1, "TM082 is an error: {}", table.stderr);
    assert!(
        table
            .stdout
            .contains("[first] TidbCluster e2e-contexts-fleet/orders\n"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("[second] TidbMonitor e2e-contexts-fleet/mon\n"),
        "{}",
        table.stdout
    );

    // Labels that tell the Kubernetes clusters apart: quiet.
    let patch = |context_name: &str| {
        format!("{{\"spec\":{{\"externalLabels\":{{\"k8s_cluster\":\"{context_name}\"}}}}}}")
    };
    admin(
        &[
            "-n",
            ns,
            "patch",
            "tidbmonitor",
            "mon",
            "--type=merge",
            "-p",
            &patch("first"),
        ],
        None,
    );
    second(
        &[
            "-n",
            ns,
            "patch",
            "tidbmonitor",
            "mon",
            "--type=merge",
            "-p",
            &patch("second"),
        ],
        None,
    );
    let quiet = multi(&[
        "check",
        "-n",
        ns,
        "--context",
        "first,second",
        "--rule",
        "TM080,TM081,TM082",
    ]);
    assert_eq!(quiet.code, 0, "{}{}", quiet.stdout, quiet.stderr);
    assert!(quiet.stdout.starts_with("No findings"), "{}", quiet.stdout);
}

/// `scaffold thanos --context first,second`: refused while the two monitors' external labels are equal; then one
/// Thanos Query in `first` reading its own sidecars and `second`'s at the named endpoint, and `second`'s sidecars,
/// each accepted by its own API server (`--apply --dry-run=server`).
#[test]
#[ignore = "needs the control plane: tests/e2e/cluster-up.sh"]
fn scaffold_thanos_joins_the_sidecars_of_several_contexts() {
    let ns = "e2e-contexts-thanos";
    namespace(ns);
    admin(&["create", "-f", "-"], Some(&fleet_objects(ns)));
    second(&["create", "namespace", ns], None);
    second(&["create", "-f", "-"], Some(&fleet_objects(ns)));
    let base = [
        "scaffold",
        "thanos",
        "-n",
        ns,
        "--context",
        "first,second",
        "--operator-version",
        "v1.6.6",
    ];
    let refused = multi(
        &[
            base.as_slice(),
            &["--endpoint", "second=sidecars.second.example.com:10901"],
        ]
        .concat(),
    );
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("carry the same external labels"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stdout.is_empty(),
        "nothing printed before the refusal: {}",
        refused.stdout
    );

    let patch =
        |name: &str| format!("{{\"spec\":{{\"externalLabels\":{{\"k8s_cluster\":\"{name}\"}}}}}}");
    admin(
        &[
            "-n",
            ns,
            "patch",
            "tidbmonitor",
            "mon",
            "--type=merge",
            "-p",
            &patch("first"),
        ],
        None,
    );
    second(
        &[
            "-n",
            ns,
            "patch",
            "tidbmonitor",
            "mon",
            "--type=merge",
            "-p",
            &patch("second"),
        ],
        None,
    );
    let missing = multi(&base);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("--endpoint second=HOST:PORT"),
        "{}",
        missing.stderr
    );

    let yaml = multi(
        &[
            base.as_slice(),
            &["--endpoint", "second=sidecars.second.example.com:10901"],
        ]
        .concat(),
    );
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    assert!(yaml.stdout.contains("# context first: the Thanos Query, reading this context's sidecars and sidecars.second.example.com:10901"), "{}", yaml.stdout);
    assert!(
        yaml.stdout
            .contains("- address: sidecars.second.example.com:10901"),
        "{}",
        yaml.stdout
    );
    assert!(
        yaml.stdout.contains(&format!(
            "- address: dnssrv+_grpc._tcp.mon-thanos-sidecar.{ns}.svc"
        )),
        "{}",
        yaml.stdout
    );
    assert!(
        yaml.stdout.contains("# context second: sidecars only"),
        "{}",
        yaml.stdout
    );
    assert_eq!(
        yaml.stdout.matches("kind: Deployment").count(),
        1,
        "one querier: {}",
        yaml.stdout
    );

    let applied = multi(
        &[
            base.as_slice(),
            &[
                "--endpoint",
                "second=sidecars.second.example.com:10901",
                "--apply",
                "--dry-run=server",
            ],
        ]
        .concat(),
    );
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied
            .stdout
            .lines()
            .all(|l| l.ends_with("(server dry run)")),
        "{}",
        applied.stdout
    );
    assert!(
        applied.stdout.contains("deployment.apps/thanos-query"),
        "{}",
        applied.stdout
    );

    // --grafana: one Grafana beside the one querier, in the query context, following that context's monitors;
    // refused while none of them has a Grafana.
    let with_grafana = [
        base.as_slice(),
        &[
            "--endpoint",
            "second=sidecars.second.example.com:10901",
            "--grafana",
        ],
    ]
    .concat();
    let refused = multi(&with_grafana);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused
            .stderr
            .contains("none of the monitors has spec.grafana"),
        "{}",
        refused.stderr
    );
    admin(
        &[
            "-n",
            ns,
            "patch",
            "tidbmonitor",
            "mon",
            "--type=merge",
            "-p",
            r#"{"spec":{"grafana":{"baseImage":"grafana/grafana","version":"10.4.5"}}}"#,
        ],
        None,
    );
    let yaml = multi(&with_grafana);
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    let (first_part, second_part) = yaml
        .stdout
        .split_once("# context second: sidecars only")
        .unwrap_or_else(|| panic!("{}", yaml.stdout));
    assert!(
        first_part.contains("name: tidb-grafana")
            && first_part.contains("value: http://thanos-query."),
        "{first_part}"
    );
    assert!(!second_part.contains("tidb-grafana"), "{second_part}");
    let applied = multi(&[with_grafana.as_slice(), &["--apply", "--dry-run=server"]].concat());
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied.stdout.contains("deployment.apps/tidb-grafana"),
        "{}",
        applied.stdout
    );
}
