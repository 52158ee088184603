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
