//! The binary on manifest files (`-f`): output, exit codes and the messages users see.

mod common;

use assert_cmd::Command;
use common::{example, project_examples};

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env_remove("NO_COLOR")
        .env("KUBECONFIG", "/nonexistent/kubeconfig");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn get_all_namespaces_on_project_examples() {
    let out = plugin()
        .args(["get", "-A", "-f", &project_examples()])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "READY",
            "HEALTH",
            "WORKLOAD",
            "TLS",
            "RETENTION",
            "AGE"
        ]
    );
    assert!(text.contains("Deployment (legacy)"));
    assert!(text.contains("warning(3)"), "{text}");
    // Lists and versions are detail: `-o wide` has them, with the rule IDs behind HEALTH.
    let wide = stdout_of(plugin().args(["get", "-A", "-o", "wide", "-f", &project_examples()]));
    assert!(wide.contains("dm:team-b/sync"), "{wide}");
    assert!(wide.contains("TM020,TM026,TM054"), "{wide}");
    assert!(!text.contains('\u{1b}'), "a pipe must get no escape codes");
}

#[test]
fn clusters_unmonitored_shows_only_uncovered() {
    let text =
        stdout_of(plugin().args(["clusters", "-A", "--unmonitored", "-f", &project_examples()]));
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // A v1 cluster no TidbMonitor lists, and a v2 Cluster no scrape object reaches.
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows.iter().any(|r| r.contains("analytics")));
    assert!(
        rows.iter()
            .any(|r| r.contains("ledger") && r.contains("Cluster"))
    );
}

#[test]
fn namespace_flag_filters_rows_and_drops_the_namespace_column() {
    let text = stdout_of(plugin().args(["get", "-n", "shop", "-f", &project_examples()]));
    assert!(text.starts_with("NAME "), "{text}");
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn name_and_json_outputs() {
    let text = stdout_of(plugin().args(["get", "-A", "-o", "name", "-f", &project_examples()]));
    assert!(
        text.lines()
            .all(|l| l.starts_with("tidbmonitor.pingcap.com/")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5);
    let json: serde_json::Value = serde_json::from_str(&stdout_of(plugin().args([
        "clusters",
        "-A",
        "-o",
        "json",
        "-f",
        &project_examples(),
    ])))
    .unwrap();
    assert_eq!(json["kind"], "TidbClusterViewList");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(
        items
            .iter()
            .filter(|i| i["clusterKind"] == "Cluster")
            .count(),
        2
    );
    let yaml = stdout_of(plugin().args(["get", "-A", "-o", "yaml", "-f", &project_examples()]));
    assert!(yaml.contains("kind: TidbMonitorViewList"));
}

#[test]
fn selector_applies_offline() {
    let text = stdout_of(plugin().args([
        "get",
        "-A",
        "-l",
        "app.kubernetes.io/instance=none",
        "-f",
        &project_examples(),
    ]));
    assert!(text.is_empty());
}

#[test]
fn no_headers() {
    let text = stdout_of(plugin().args(["get", "-A", "--no-headers", "-f", &project_examples()]));
    assert!(!text.contains("NAMESPACE"));
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn colour_only_when_asked_or_on_a_tty_and_never_with_no_color() {
    let forced =
        stdout_of(plugin().args(["get", "-A", "--color", "always", "-f", &project_examples()]));
    assert!(forced.contains('\u{1b}'));
    let piped =
        stdout_of(
            plugin()
                .env("NO_COLOR", "1")
                .args(["get", "-A", "-f", &project_examples()]),
        );
    assert!(!piped.contains('\u{1b}'));
}

#[test]
fn malformed_document_is_reported_and_the_rest_prints() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.yaml");
    std::fs::write(
        &file,
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: good, namespace: a}\nspec: {clusters: [{name: x}]}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: bad, namespace: a}\nspec: {replicas: lots}\n---\n  key: [broken\n",
    )
    .unwrap();
    let out = plugin()
        .args(["get", "-A", "-f", file.to_str().unwrap()])
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stdout.contains("good"));
    assert!(!stdout.contains("bad"));
    let errors: Vec<&str> = stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].contains("mixed.yaml:6") && errors[0].contains("TidbMonitor bad"),
        "{stderr}"
    );
    assert!(
        errors[1].contains("mixed.yaml:11") && errors[1].contains("invalid YAML"),
        "{stderr}"
    );
}

#[test]
fn missing_file_is_one_clear_line() {
    let out = plugin()
        .args(["get", "-f", "/no/such/dir"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr.trim(),
        "error: /no/such/dir: no such file or directory (check the -f path)"
    );
}

#[test]
fn usage_errors_exit_2() {
    plugin()
        .args(["get", "-o", "xml", "-f", &example("basic")])
        .assert()
        .code(2);
    plugin()
        .args(["get", "--request-timeout", "soon", "-f", &example("basic")])
        .assert()
        .code(2);
    plugin()
        .args(["get", "-l", "a b c", "-f", &example("basic")])
        .assert()
        .code(2);
    let out = plugin().args(["--help"]).assert().success();
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout).contains("Usage: kubectl tidbmonitor")
    );
}

#[test]
fn named_monitor_not_found() {
    let out = plugin()
        .args(["get", "basic", "nope", "-f", &example("basic")])
        .assert()
        .code(1);
    let o = out.get_output();
    assert!(String::from_utf8_lossy(&o.stdout).contains("basic"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"nope\" not found"));
}

#[test]
fn no_kubeconfig_is_a_clear_connection_error() {
    let out = plugin()
        .args(["get"])
        .env("KUBECONFIG", "/nonexistent")
        .env("HOME", "/nonexistent")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn stdin_is_a_source() {
    let manifest = std::fs::read_to_string(example("basic") + "/tidb-monitor.yaml").unwrap();
    let text = stdout_of(plugin().args(["get", "-f", "-"]).write_stdin(manifest));
    assert!(text.contains("basic"));
}

#[test]
fn version_and_completion() {
    let text = stdout_of(plugin().args(["version", "-o", "json"]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["plugin"]["version"], env!("CARGO_PKG_VERSION"));
    let bash = stdout_of(plugin().args(["completion", "bash"]));
    assert!(bash.contains("kubectl-tidbmonitor"));
}

/// Three monitors with labels, in two namespaces, for `-l`, NAME and column tests.
fn labelled_monitors() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let monitor = |name: &str, ns: &str, labels: &str| {
        format!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\nspec: {{clusters: [{{name: db}}]}}\n"
        )
    };
    let text = [
        monitor("prod-db", "a", "env: prod, tier: db"),
        monitor("dev", "a", "env: dev"),
        monitor("bare", "b", ""),
    ]
    .join("---\n");
    std::fs::write(dir.path().join("monitors.yaml"), text).unwrap();
    dir
}

fn run_in(args: &[&str]) -> (i32, String, String) {
    let out = plugin().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn label_selectors_take_kubectl_grammar() {
    let dir = labelled_monitors();
    let path = dir.path().to_str().unwrap();
    for (selector, want) in [
        ("env in (prod)", vec!["prod-db"]),
        ("env in(prod)", vec!["prod-db"]),
        ("env in ( prod , dev )", vec!["dev", "prod-db"]),
        ("!env", vec!["bare"]),
        ("! env", vec!["bare"]),
        ("env", vec!["dev", "prod-db"]),
        ("env!=prod", vec!["bare", "dev"]),
        ("env==dev", vec!["dev"]),
        ("env notin (prod)", vec!["bare", "dev"]),
        (" env = prod , tier ", vec!["prod-db"]),
        ("in notin (x)", vec!["bare", "dev", "prod-db"]),
    ] {
        let (code, stdout, stderr) =
            run_in(&["get", "-A", "-o", "name", "-l", selector, "-f", path]);
        assert_eq!(code, 0, "{selector:?}: {stderr}");
        let mut names: Vec<&str> = stdout
            .lines()
            .map(|l| l.trim_start_matches("tidbmonitor.pingcap.com/"))
            .collect();
        names.sort();
        assert_eq!(names, want, "{selector:?}");
    }
}

#[test]
fn bad_label_selectors_are_one_line_naming_the_bad_part() {
    let dir = labelled_monitors();
    let path = dir.path().to_str().unwrap();
    for (selector, part) in [
        ("a=b=c", "found '='"),
        ("env=pr od", "found 'od'"),
        ("x/y/z=1", "\"x/y/z\" has more than one '/'"),
        ("env=-prod", "value \"-prod\""),
        ("Bad.Prefix/x", "prefix \"Bad.Prefix\""),
        ("env in (prod", "found 'end of string'"),
    ] {
        let (code, stdout, stderr) = run_in(&["get", "-A", "-l", selector, "-f", path]);
        assert_eq!(code, 2, "{selector:?}: {stderr}");
        assert!(stdout.is_empty(), "{selector:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{selector:?}: {stderr}");
        let quoted = format!("invalid label selector {selector:?}");
        assert!(
            stderr.starts_with(&format!("error: {quoted}")) && stderr.contains(part),
            "{selector:?}: {stderr} lacks {part:?}"
        );
    }
}

#[test]
fn name_output_is_kind_dot_group_slash_name_everywhere() {
    let examples = project_examples();
    let (_, clusters, _) = run_in(&["clusters", "-A", "-o", "name", "-f", &examples]);
    assert!(
        clusters.contains("cluster.core.pingcap.com/ledger\n"),
        "{clusters}"
    );
    assert!(
        clusters.contains("tidbcluster.pingcap.com/shop\n"),
        "{clusters}"
    );
    assert!(
        clusters.contains("dmcluster.pingcap.com/sync\n"),
        "{clusters}"
    );
    let (_, check, _) = run_in(&["check", "-A", "-o", "name", "-f", &examples]);
    let lines: Vec<&str> = check.lines().collect();
    assert!(
        lines.contains(&"tidbmonitor.pingcap.com/central"),
        "{check}"
    );
    assert!(
        lines.contains(&"cluster.core.pingcap.com/ledger"),
        "{check}"
    );
    let unique: std::collections::BTreeSet<&&str> = lines.iter().collect();
    assert_eq!(unique.len(), lines.len(), "one line per object: {check}");
    let (_, scaffold, _) = run_in(&[
        "scaffold",
        "podmonitor",
        "-A",
        "-o",
        "name",
        "-f",
        &examples,
    ]);
    assert!(
        scaffold.lines().count() > 3
            && scaffold
                .lines()
                .all(|l| l.starts_with("podmonitor.monitoring.coreos.com/")),
        "{scaffold}"
    );
    let (_, thanos, _) = run_in(&[
        "scaffold",
        "thanos",
        "-A",
        "--query-namespace",
        "obs",
        "-o",
        "name",
        "-f",
        &examples,
    ]);
    assert!(
        thanos.contains("tidbmonitor.pingcap.com/central\n"),
        "{thanos}"
    );
    assert!(thanos.contains("deployment.apps/"), "{thanos}");
    assert!(thanos.contains("service/"), "{thanos}");
    let (_, dry, _) = run_in(&[
        "scaffold",
        "vmpodscrape",
        "-A",
        "--apply",
        "--dry-run=client",
        "-f",
        &examples,
    ]);
    assert!(
        dry.lines()
            .all(|l| l.starts_with("vmpodscrape.operator.victoriametrics.com/")),
        "{dry}"
    );
}

#[test]
fn check_rules_take_comma_lists_in_any_case() {
    let examples = project_examples();
    let rules = |args: &[&str]| {
        let mut full = vec!["check", "-A", "-o", "json", "-f", &examples];
        full.extend_from_slice(args);
        let (code, stdout, stderr) = run_in(&full);
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let mut ids: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(rules(&["--rule", "TM030,TM031"]), ["TM030", "TM031"]);
    assert_eq!(
        rules(&["--rule", "tm030", "--rule", "Tm031"]),
        ["TM030", "TM031"]
    );
    assert!(
        !rules(&["--skip", "tm051,TM040"])
            .iter()
            .any(|r| r == "TM051" || r == "TM040")
    );
    let (code, _, stderr) = run_in(&["check", "--rule", "TM030,TM999", "-f", &examples]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule \"TM999\""), "{stderr}");
}

#[test]
fn check_names_pick_monitors_and_clusters() {
    let objects_of = |args: &[&str]| {
        let (code, stdout, stderr) = run_in(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let objects: std::collections::BTreeSet<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["object"]["kind"].as_str().unwrap(),
                    f["object"]["name"].as_str().unwrap()
                )
            })
            .collect();
        (
            objects.into_iter().collect::<Vec<_>>(),
            report["summary"]["monitors"].clone(),
        )
    };
    let examples = project_examples();
    // shop is a TidbMonitor and a TidbCluster (TM051, TM030) that central also watches (TM040, TM050);
    // ledger is a v2 Cluster nothing scrapes (TM060). Nothing else is shown.
    let (objects, monitors) = objects_of(&[
        "check", "-A", "-o", "json", "-f", &examples, "shop", "ledger",
    ]);
    assert_eq!(
        objects,
        [
            "Cluster ledger",
            "TidbCluster shop",
            "TidbMonitor central",
            "TidbMonitor shop"
        ]
    );
    assert_eq!(monitors, 2);
    // A v2 cluster's findings include those of the scrape objects that reach its pods (TM065 on the
    // PodMonitor), wherever they live.
    let v2_docs = format!("{}/testdata/v2-docs", env!("CARGO_MANIFEST_DIR"));
    let (objects, _) = objects_of(&["check", "-A", "-o", "json", "-f", &v2_docs, "basic"]);
    assert_eq!(objects, ["Cluster basic", "PodMonitor tidb-cluster"]);
}

#[test]
fn a_missing_name_exits_1_in_every_command() {
    let examples = project_examples();
    for command in [
        vec!["get"],
        vec!["clusters"],
        vec!["check"],
        vec!["scaffold", "podmonitor"],
        vec!["scaffold", "servicemonitor"],
        vec!["scaffold", "vmpodscrape"],
        vec!["scaffold", "vmservicescrape"],
        vec!["scaffold", "thanos"],
    ] {
        let mut args = command.clone();
        args.extend(["-A", "-f", &examples, "nope"]);
        let (code, _, stderr) = run_in(&args);
        assert_eq!(code, 1, "{command:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
        assert!(
            stderr.starts_with("Error from server (NotFound): ")
                && stderr.contains("\"nope\" not found"),
            "{command:?}: {stderr}"
        );
    }
}

#[test]
fn no_headers_is_honoured_by_every_table_and_refused_elsewhere() {
    let examples = project_examples();
    for args in [
        vec!["get", "-A"],
        vec!["clusters", "-A"],
        vec!["clusters", "-A", "-o", "wide"],
        vec!["check", "--list-rules"],
    ] {
        let (_, with, _) = run_in(&[args.as_slice(), &["-f", &examples]].concat());
        let (code, without, stderr) =
            run_in(&[args.as_slice(), &["--no-headers", "-f", &examples]].concat());
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(
            without.lines().count() + 1,
            with.lines().count(),
            "{args:?}"
        );
        // Widths come from the rows alone without headers (as in kubectl): compare the cells.
        let cells = |text: &str| -> Vec<Vec<String>> {
            text.lines()
                .map(|l| l.split_whitespace().map(String::from).collect())
                .collect()
        };
        assert_eq!(cells(&with)[1..], cells(&without)[..], "{args:?}");
    }
    // Commands without a table: clap refuses the flag rather than ignoring it.
    for args in [
        vec!["version"],
        vec!["scaffold", "podmonitor"],
        vec!["scaffold", "thanos"],
    ] {
        let (code, stdout, stderr) =
            run_in(&[args.as_slice(), &["--no-headers", "-f", &examples]].concat());
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert!(
            stderr.contains("unexpected argument '--no-headers'"),
            "{args:?}: {stderr}"
        );
    }
    // check's report is grouped by object, not a table: one line says so.
    let (code, _, stderr) = run_in(&["check", "--no-headers", "-f", &examples]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: --no-headers"), "{stderr}");
}

#[test]
fn the_namespace_column_follows_all_namespaces_not_the_data() {
    let examples = project_examples();
    for command in ["get", "clusters"] {
        // The examples span many namespaces; without -A kubectl shows no NAMESPACE column.
        let (_, stdout, _) = run_in(&[command, "-f", &examples]);
        let header = stdout.lines().next().unwrap_or_default();
        assert!(
            header.starts_with("NAME ") || header.starts_with("KIND "),
            "{command}: {header}"
        );
        assert!(stdout.lines().count() > 3, "{stdout}");
        let (_, stdout, _) = run_in(&[command, "-A", "-f", &examples]);
        assert!(stdout.starts_with("NAMESPACE "), "{command}: {stdout}");
    }
}

#[test]
fn dry_run_takes_a_space_and_is_refused_without_apply() {
    let examples = project_examples();
    // `--dry-run client` (a space) is the dry run, not a cluster named "client".
    let (code, stdout, stderr) = run_in(&[
        "scaffold",
        "podmonitor",
        "-A",
        "--apply",
        "--dry-run",
        "client",
        "-f",
        &examples,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("would be applied (dry run)"), "{stdout}");
    // `--dry-run server` is the server dry run, which needs a cluster (offline: refused, naming it).
    let (code, _, stderr) = run_in(&[
        "scaffold",
        "podmonitor",
        "-A",
        "--apply",
        "--dry-run",
        "server",
        "-f",
        &examples,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--apply talks to the cluster"), "{stderr}");
    for (args, needle) in [
        (
            vec!["--dry-run=server"],
            "--dry-run only applies to --apply",
        ),
        (vec!["--dry-run"], "--dry-run only applies to --apply"),
        (
            vec!["--apply", "--output-dir", "out"],
            "--apply and --output-dir",
        ),
        (vec!["--force"], "--force only applies to --output-dir"),
    ] {
        let full = [
            &["scaffold", "thanos", "-A", "-f", &examples][..],
            args.as_slice(),
        ]
        .concat();
        let (code, stdout, stderr) = run_in(&full);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_in_a_directory_is_skipped_with_a_warning() {
    let dir = labelled_monitors();
    std::os::unix::fs::symlink(dir.path().join("gone.yaml"), dir.path().join("broken.yaml"))
        .unwrap();
    let (code, stdout, stderr) = run_in(&[
        "get",
        "-A",
        "-o",
        "name",
        "-f",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("Warning: ")
            && stderr.contains("broken.yaml")
            && stderr.contains("skipped"),
        "{stderr}"
    );
}

#[test]
fn every_command_has_usage_examples_and_its_own_flags_first() {
    use clap::CommandFactory;
    fn visit(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut sub_path = path.clone();
            sub_path.push(sub.get_name().to_string());
            out.push(sub_path.clone());
            visit(sub, sub_path, out);
        }
    }
    let mut paths = Vec::new();
    visit(
        &kubectl_tidbmonitor::cli::Cli::command(),
        Vec::new(),
        &mut paths,
    );
    assert!(paths.len() >= 11, "{paths:?}");
    for path in paths {
        let mut args = path.clone();
        args.push("--help".into());
        let help = stdout_of(plugin().args(&args));
        let invocation = format!("kubectl tidbmonitor {}", path.join(" "));
        assert!(
            help.contains(&format!("Usage: {invocation}")),
            "{path:?}: {help}"
        );
        let examples = help.split("Examples:").nth(1).unwrap_or_default();
        let count = examples.lines().filter(|l| l.contains(&invocation)).count();
        assert!(count >= 2, "{path:?} has {count} examples: {help}");
        let own = help.find("\nOptions:").unwrap_or(usize::MAX);
        let global = help.find("\nGlobal options:").unwrap_or(usize::MAX);
        assert!(own < global, "{path:?}: own flags must come first: {help}");
    }
}

#[test]
fn a_symlink_loop_in_a_directory_is_walked_once() {
    let dir = labelled_monitors();
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
    let (code, stdout, stderr) = run_in(&[
        "get",
        "-A",
        "-o",
        "name",
        "-f",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn names_are_refused_with_a_selector_or_live_all_namespaces_as_kubectl_does() {
    for command in ["get", "clusters", "check"] {
        let (code, _, stderr) = run_in(&[command, "basic", "-l", "a=b"]);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert_eq!(
            stderr,
            "error: name cannot be provided when a selector is specified\n"
        );
        let (code, _, stderr) = run_in(&[command, "basic", "-A"]);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert_eq!(
            stderr,
            "error: a resource cannot be retrieved by name across all namespaces\n"
        );
    }
}

/// Several contexts are for the commands that read; the others refuse them with one line (exit 2), and the rules
/// that compare contexts refuse to run on one.
#[test]
fn several_contexts_only_where_they_make_sense() {
    for args in [
        &["migrate", "--all-contexts"][..],
        &["migrate", "--context", "a,b"][..],
        &["scaffold", "podmonitor", "--all-contexts"][..],
        &["version", "--context", "a,b"][..],
    ] {
        let out = plugin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("run this one per context with --context NAME"),
            "{stderr}"
        );
    }
    let out = plugin()
        .args(["check", "--rule", "tm082", "-f", &project_examples()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("TM082 compares Kubernetes clusters: add --context a,b or --all-contexts")
    );
    let out = plugin()
        .args(["get", "--context", "a,b", "-f", &project_examples()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("-f files belong to no context")
    );
}
