//! Distribution: completions, the kubectl completion hook, and the committed krew manifest.

use std::path::Path;
use std::process::Command;

fn bin_dir() -> String {
    Path::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .parent()
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn bash_completion_registers() {
    let out = Command::new("bash")
        .args([
            "-c",
            "source <(kubectl-tidbmonitor completion bash); complete -p kubectl-tidbmonitor",
        ])
        .env(
            "PATH",
            format!("{}:{}", bin_dir(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("complete ") && text.trim_end().ends_with("kubectl-tidbmonitor"),
        "{text}"
    );
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Command::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(out.status.success() && out.stdout.len() > 200, "{shell}");
    }
}

#[test]
fn kubectl_completion_hook_answers_in_cobra_format() {
    let hook = Path::new(env!("CARGO_MANIFEST_DIR")).join("kubectl_complete-tidbmonitor");
    let out = Command::new(&hook)
        .args(["scaffold", "th"])
        .env(
            "PATH",
            format!("{}:{}", bin_dir(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "thanos\n:4\n");
    let names = Command::new(&hook)
        .args([
            "get",
            "-f",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .to_str()
                .unwrap(),
            "s",
        ])
        .env(
            "PATH",
            format!("{}:{}", bin_dir(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(names.stdout).unwrap(), "shop\n:4\n");
}

#[test]
fn committed_krew_manifest_is_the_rendered_template() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("scripts/release.sh"))
        .arg("--print-manifest")
        .output()
        .unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(root.join("krew-manifest.yaml")).unwrap();
    assert!(
        committed == String::from_utf8(out.stdout).unwrap(),
        "krew-manifest.yaml is stale: run scripts/release.sh --print-manifest > krew-manifest.yaml"
    );
    assert!(committed.contains(&format!("version: v{}", env!("CARGO_PKG_VERSION"))));
    for platform in [
        "linux_amd64",
        "linux_arm64",
        "darwin_amd64",
        "darwin_arm64",
        "windows_amd64",
    ] {
        assert!(
            committed.contains(&format!("kubectl-tidbmonitor_{platform}.")),
            "{platform}"
        );
    }
}

/// The kubectl completion hook's answer for `kubectl tidbmonitor WORDS…`.
fn hook(words: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .arg("__complete")
        .args(words)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn kubectl_completion_hook_completes_flag_values() {
    // Files after -f and --kubeconfig (cobra directive 0), directories after --output-dir (16).
    assert_eq!(hook(&["get", "-f", ""]), ":0\n");
    assert_eq!(hook(&["get", "--kubeconfig", ""]), ":0\n");
    assert_eq!(hook(&["scaffold", "thanos", "--output-dir", ""]), ":16\n");
    // Declared values: --color, --rule (the registry's IDs, also after a comma), --dry-run.
    assert_eq!(hook(&["get", "--color", ""]), "auto\nalways\nnever\n:4\n");
    assert_eq!(hook(&["get", "--color=al"]), "--color=always\n:4\n");
    let rules = hook(&["check", "--rule", "TM03"]);
    assert!(
        rules.starts_with("TM030\nTM031\n") && rules.ends_with(":4\n"),
        "{rules}"
    );
    let listed = hook(&["check", "--rule", "TM030,TM06"]);
    assert!(listed.starts_with("TM030,TM060\n"), "{listed}");
    assert_eq!(
        hook(&["scaffold", "podmonitor", "--apply", "--dry-run", "s"]),
        "server\n:4\n"
    );
    // Global flags before any subcommand: their values, not the subcommands (the hook is not parsed by clap).
    assert_eq!(hook(&["-o", ""]), "table\nwide\njson\nyaml\nname\n:4\n");
    assert_eq!(hook(&["--output=n"]), "--output=name\n:4\n");
    assert_eq!(hook(&["--color=a"]), "--color=auto\n--color=always\n:4\n");
    assert!(
        !hook(&["-n", ""]).contains("get"),
        "namespaces, not subcommands"
    );
    // `-n check`: check is the namespace, so no rule IDs or check names are offered after it.
    assert!(!hook(&["-n", "check", "--rule", ""]).contains("TM0"));
    // Contexts from the kubeconfig the line names, without a cluster.
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: prod, context: {cluster: c, user: u}}, {name: dev, context: {cluster: c, user: u}}]\ncurrent-context: prod\n",
    )
    .unwrap();
    let path = kubeconfig.to_str().unwrap();
    assert_eq!(
        hook(&["get", "--kubeconfig", path, "--context", ""]),
        "dev\nprod\n:4\n"
    );
    // check takes monitor and cluster names.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    assert_eq!(
        hook(&["check", "-f", examples.to_str().unwrap(), "le"]),
        "ledger\n:4\n"
    );
    // status takes a NAME it requires: not typed yet, the monitors are the candidates.
    assert_eq!(
        hook(&["status", "-f", examples.to_str().unwrap(), "sh"]),
        "shop\n:4\n"
    );
}

#[test]
fn shell_scripts_complete_files_and_declared_values() {
    let bash = Command::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .args(["completion", "bash"])
        .output()
        .unwrap();
    let bash = String::from_utf8(bash.stdout).unwrap();
    // Each option's case, as clap_complete writes it: from `--rule)` to its `return 0`.
    let values_of = |flag: &str| {
        let at = bash
            .find(&format!("{flag})"))
            .unwrap_or_else(|| panic!("{flag} missing"));
        let case = &bash[at..];
        case[..case.find("return 0").unwrap_or(case.len())].to_string()
    };
    assert!(
        values_of("--color").contains("\"auto always never\""),
        "{}",
        values_of("--color")
    );
    let rules = values_of("--rule");
    assert!(
        rules.contains("TM001") && rules.contains("TM068"),
        "{rules}"
    );
    assert!(
        values_of("--filename").contains("compgen -f"),
        "{}",
        values_of("--filename")
    );
    assert!(
        values_of("--kubeconfig").contains("compgen -f"),
        "{}",
        values_of("--kubeconfig")
    );
    let zsh = Command::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .args(["completion", "zsh"])
        .output()
        .unwrap();
    let zsh = String::from_utf8(zsh.stdout).unwrap();
    assert!(
        zsh.contains("--output-dir=[") && zsh.contains(":_files -/"),
        "directories after --output-dir"
    );
    assert!(
        zsh.contains("--kubeconfig=[") && zsh.contains(":_files"),
        "files after --kubeconfig"
    );
}

#[test]
fn bash_and_fish_scripts_ask_the_plugin_for_contexts_and_namespaces() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: prod, context: {cluster: c, user: u}}, {name: dev, context: {cluster: c, user: u}}]\ncurrent-context: prod\n",
    )
    .unwrap();
    // What bash does on `kubectl-tidbmonitor get --kubeconfig CFG --context d<TAB>`, and on an option's value
    // after a subcommand (clap_complete's own script never reached those cases).
    let script = format!(
        "source <(kubectl-tidbmonitor completion bash)\n\
         COMP_WORDS=(kubectl-tidbmonitor get --kubeconfig {} --context d); COMP_CWORD=5\n\
         _kubectl__tidbmonitor kubectl-tidbmonitor d --context\n\
         echo \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(kubectl-tidbmonitor check --rule TM031); COMP_CWORD=3\n\
         _kubectl__tidbmonitor kubectl-tidbmonitor TM031 --rule\n\
         echo \"${{COMPREPLY[@]}}\"",
        kubeconfig.display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env(
            "PATH",
            format!("{}:{}", bin_dir(), std::env::var("PATH").unwrap()),
        )
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "dev\nTM031\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fish = Command::new(env!("CARGO_BIN_EXE_kubectl-tidbmonitor"))
        .args(["completion", "fish"])
        .output()
        .unwrap();
    let fish = String::from_utf8(fish.stdout).unwrap();
    let namespace = fish.lines().find(|l| l.contains(" -l namespace ")).unwrap();
    assert!(
        namespace.contains("kubectl-tidbmonitor __complete"),
        "{namespace}"
    );
}
