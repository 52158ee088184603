//! Bad input in `-f` mode and every error path: one clear line on stderr and the documented exit code,
//! never a panic, never a partial write.

mod common;

use std::fmt::Write as _;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use common::project_examples;

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("KUBECONFIG", "/nonexistent/config")
        .env("HOME", "/nonexistent");
    cmd
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = plugin().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn every_error_is_one_line_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage-kubeconfig");
    std::fs::write(&garbage, "this: [is not a kubeconfig").unwrap();
    let good = dir.path().join("kubeconfig");
    std::fs::write(&good, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n").unwrap();
    let examples = project_examples();
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (
            vec!["get".into(), "-o".into(), "xml".into()],
            2,
            "output format",
        ),
        (
            vec!["get".into(), "--request-timeout".into(), "soon".into()],
            2,
            "--request-timeout",
        ),
        (
            vec!["get".into(), "-l".into(), "a b".into()],
            2,
            "label selector",
        ),
        (
            vec!["get".into(), "-l".into(), "a=b=c".into()],
            2,
            "invalid label selector \"a=b=c\": found '='",
        ),
        (
            vec!["get".into(), "-l".into(), "x/y/z=1".into()],
            2,
            "\"x/y/z\" has more than one '/'",
        ),
        (
            vec![
                "scaffold".into(),
                "podmonitor".into(),
                "--dry-run=server".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "--dry-run only applies to --apply",
        ),
        (
            vec![
                "scaffold".into(),
                "thanos".into(),
                "--apply".into(),
                "--output-dir".into(),
                dir.path().join("out").display().to_string(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "--apply and --output-dir",
        ),
        (
            vec!["get".into(), "-A".into(), "-n".into(), "x".into()],
            2,
            "either -A or -n",
        ),
        (
            vec![
                "check".into(),
                "--rule".into(),
                "TM000".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "unknown rule",
        ),
        (
            vec![
                "check".into(),
                "--operator-version".into(),
                "new".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "--operator-version",
        ),
        (
            vec!["get".into(), "-f".into(), "/no/such/file.yaml".into()],
            1,
            "no such file",
        ),
        (vec!["get".into()], 2, "kubeconfig"),
        (
            vec!["get".into(), format!("--kubeconfig={}", garbage.display())],
            2,
            "kubeconfig",
        ),
        (
            vec![
                "get".into(),
                format!("--kubeconfig={}", good.display()),
                "--context".into(),
                "nope".into(),
            ],
            2,
            "context \"nope\"",
        ),
        (
            vec![
                "get".into(),
                format!("--kubeconfig={}", good.display()),
                "--request-timeout=2s".into(),
            ],
            2,
            "https://127.0.0.1:1",
        ),
        (
            vec![
                "scaffold".into(),
                "thanos".into(),
                "--objstore-secret".into(),
                "UPPER".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "not a valid Kubernetes name",
        ),
        (
            vec![
                "scaffold".into(),
                "servicemonitor".into(),
                "--prometheus-label".into(),
                "=x".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "key=value",
        ),
        (
            vec![
                "scaffold".into(),
                "thanos".into(),
                "--objstore-skeleton".into(),
                "ftp".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "s3, gcs or azure",
        ),
        (
            vec![
                "scaffold".into(),
                "thanos".into(),
                "--apply".into(),
                "-f".into(),
                examples.clone(),
            ],
            2,
            "--apply",
        ),
    ];
    for (args, code, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (got, stdout, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?} printed {stdout}");
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("Warning:"))
            .collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(lines[0].starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr} lacks {needle:?}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn invalid_json_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "{\n  \"apiVersion\": \"pingcap.com/v1alpha1\",\n  \"kind\": \"TidbMonitor\",\n  \"metadata\": {\"name\": \"x\"\n").unwrap();
    let (code, _, stderr) = run(&["get", "-f", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("bad.json:5") && stderr.contains("invalid JSON"),
        "{stderr}"
    );
}

#[test]
fn wrong_kinds_empty_files_and_binary_data() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    std::fs::write(
        dir.path().join("comments.yaml"),
        "# nothing here\n---\n---\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ingress.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("v2.yaml"),
        "apiVersion: pingcap.com/v1\nkind: TidbMonitor\nmetadata: {name: wrong}\nspec: {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("blob.yaml"),
        [0u8, 159, 146, 150, 255, 0, 1, 2],
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["get", "-f", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("blob.yaml: not a text manifest"),
        "{stderr}"
    );
    assert!(
        stderr.contains("v2.yaml:1: TidbMonitor: apiVersion pingcap.com/v1 is not tidb-operator's"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("NetworkPolicy"),
        "unrelated kinds are skipped quietly: {stderr}"
    );
    let (_, _, verbose) = run(&["get", "-v", "-f", dir.path().to_str().unwrap()]);
    assert!(
        verbose.contains("ignored 1 object(s) of kind NetworkPolicy"),
        "{verbose}"
    );
}

#[test]
fn a_directory_with_thousands_of_files() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let text = format!(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: db-{i}, namespace: ns-{}}}\nspec: {{pd: {{replicas: 3}}}}\n",
            i % 50
        );
        std::fs::write(dir.path().join(format!("tc-{i:04}.yaml")), text).unwrap();
    }
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run(&[
        "clusters",
        "-A",
        "--no-headers",
        "-f",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3000);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

/// Peak RSS in KiB of one run, from GNU time.
fn peak_rss(args: &[&str]) -> u64 {
    let out = StdCommand::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .args(args)
        .env("KUBECONFIG", "/nonexistent")
        .output()
        .expect("GNU time (/usr/bin/time, Debian package time)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"))
}

#[test]
fn a_50_mb_manifest_is_read_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.yaml");
    let mut text = String::with_capacity(52 << 20);
    let filler = "x".repeat(900);
    let mut i = 0;
    while text.len() < 50 << 20 {
        let _ = write!(
            text,
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata:\n  name: db-{i}\n  namespace: big\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: {filler}\nspec:\n  pd: {{replicas: 3}}\n  tikv:\n    replicas: 3\n    config: |\n      {filler}\n"
        );
        i += 1;
    }
    std::fs::write(&file, &text).unwrap();
    drop(text);
    let rss = peak_rss(&["clusters", "-A", "-o", "name", "-f", file.to_str().unwrap()]);
    // The file itself (50 MiB) plus decoded objects; a whole-file value tree would be several times more.
    assert!(
        rss < 160 * 1024,
        "peak RSS {} MiB for a 50 MiB manifest",
        rss / 1024
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..20000 {
        let _ = write!(
            text,
            "---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {{name: db-{i}, namespace: ns}}\nspec: {{pd: {{replicas: 1}}}}\n"
        );
    }
    let file = dir.path().join("many.yaml");
    std::fs::write(&file, text).unwrap();
    let out = StdCommand::new("bash")
        .args([
            "-c",
            &format!(
                "set -o pipefail; '{}' clusters -A -f '{}' | head -1",
                env!("CARGO_BIN_EXE_kubectl-tidbmonitor"),
                file.display()
            ),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn output_dir_never_writes_outside_or_partially() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.yaml");
    // A name no API server would accept, but a file can contain anything.
    std::fs::write(&file, "apiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: ../../escape, namespace: ns}\nspec: {pd: {replicas: 1}}\n").unwrap();
    let out_dir = dir.path().join("out");
    let (code, _, stderr) = run(&[
        "scaffold",
        "servicemonitor",
        "-A",
        "--output-dir",
        out_dir.to_str().unwrap(),
        "-f",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("refusing to write"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&out_dir).map(|d| d.count()).unwrap_or(0),
        0
    );
    assert!(!dir.path().join("escape").exists());
}

#[test]
fn a_kubectl_list_of_thousands_of_objects_is_one_document_and_still_reads() {
    // `kubectl get tc -A -o yaml` is a single List document: far more nodes than a YAML parser's default
    // budget for one document.
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..2500 {
        let _ = write!(
            text,
            "- apiVersion: pingcap.com/v1alpha1\n  kind: TidbCluster\n  metadata:\n    name: db-{i}\n    namespace: ns\n  spec:\n    pd:\n      replicas: 3\n      config:\n"
        );
        for k in 0..100 {
            let _ = writeln!(text, "        key{k}: {k}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.yaml");
    std::fs::write(&file, text).unwrap();
    let (code, stdout, stderr) =
        run(&["clusters", "-A", "-o", "name", "-f", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 2500);
}

#[test]
fn request_timeout_takes_go_durations_like_kubectl() {
    // Offline there is no kubeconfig: a good duration gets past the flag and fails on the kubeconfig instead.
    for good in ["1m30s", "1h2m3.5s", "500ms", "2us", "90", "0"] {
        let flag = format!("--request-timeout={good}");
        let (code, _, stderr) = run(&["get", &flag]);
        assert_eq!(code, 2, "{good}: {stderr}");
        assert!(stderr.contains("kubeconfig"), "{good}: {stderr}");
        assert!(!stderr.contains("--request-timeout"), "{good}: {stderr}");
    }
    for bad in ["1x", "1m30", "1.5", "-5s"] {
        let flag = format!("--request-timeout={bad}");
        let (code, stdout, stderr) = run(&["get", &flag]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stdout.is_empty(), "{bad}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{bad}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: invalid --request-timeout {bad:?}")),
            "{bad}: {stderr}"
        );
    }
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_for_pipefail() {
    // testdata/v2-docs has an error finding (exit 1); a hundred renamed copies make the report far larger
    // than a pipe's buffer, so the reader really goes away while the report is still being written.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/v2-docs");
    let cluster = std::fs::read_to_string(root.join("cluster.yaml")).unwrap();
    let monitoring = std::fs::read_to_string(root.join("monitoring.yaml")).unwrap();
    let mut text = String::new();
    for i in 0..100 {
        let rename = |doc: &str| {
            doc.replace(
                "namespace: monitoring",
                &format!("namespace: monitoring{i}"),
            )
            .replace("name: db\n", &format!("name: db{i}\n"))
            .replace("namespace: db\n", &format!("namespace: db{i}\n"))
            .replace(".db:", &format!(".db{i}:"))
            .replace("matchNames: [db]", &format!("matchNames: [db{i}]"))
        };
        let _ = write!(
            text,
            "{}\n---\n{}\n---\n",
            rename(&cluster),
            rename(&monitoring)
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.yaml");
    std::fs::write(&file, text).unwrap();
    let bin = env!("CARGO_BIN_EXE_kubectl-tidbmonitor");
    let whole = StdCommand::new(bin)
        .args(["check", "-f", file.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(whole.status.code(), Some(1));
    assert!(whole.stdout.len() > 128 * 1024, "{}", whole.stdout.len());
    for reader in ["head -c1 >/dev/null", "head -1"] {
        let out = StdCommand::new("bash")
            .args([
                "-o",
                "pipefail",
                "-c",
                &format!("'{bin}' check -f '{}' | {reader}", file.display()),
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{reader}: {stderr}");
        assert!(!stderr.contains("cannot write"), "{reader}: {stderr}");
        assert!(!stderr.contains("panicked"), "{reader}: {stderr}");
        assert_eq!(whole.stderr, out.stderr, "{reader}: {stderr}");
    }
}
