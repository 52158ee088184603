//! The krew path users take: validate the rendered manifest with krew's validator, install the archive
//! offline into a throw-away KREW_ROOT with the real krew, run the plugin through it, uninstall; and a
//! tampered archive is refused. krew and validate-krew-manifest come from tests/e2e/install-tools.sh.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::e2e::env;

fn run(program: &Path, args: &[&str], krew_root: &Path) -> Output {
    Command::new(program)
        .args(args)
        .env("KREW_ROOT", krew_root)
        .env("KREW_NO_UPGRADE_CHECK", "1")
        .env(
            "PATH",
            format!(
                "{}:{}:/usr/bin:/bin",
                krew_root.join("bin").display(),
                env("E2E_BIN")
            ),
        )
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

/// Runs the release script on the test binary, as a release would on the optimised one; returns the archive.
fn release_into(dist: &Path) -> PathBuf {
    let release = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh"))
        .args([
            "--binary",
            env!("CARGO_BIN_EXE_kubectl-tidbmonitor"),
            "--out",
            dist.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(release.status.success(), "{}", text(&release));
    std::fs::read_dir(dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .expect("the release script wrote a .tar.gz")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
#[ignore = "needs krew from tests/e2e/install-tools.sh (run via tests/e2e/cluster-up.sh)"]
fn krew_installs_runs_and_uninstalls_the_plugin() {
    let work = tempfile::tempdir().unwrap();
    let dist = work.path().join("dist");
    let archive = release_into(&dist);
    let manifest = dist.join("tidbmonitor.yaml");
    let bin = PathBuf::from(env("E2E_BIN"));
    let root = work.path().join("krew");

    let validated = run(
        &bin.join("validate-krew-manifest"),
        &["-manifest", manifest.to_str().unwrap(), "-skip-install"],
        &root,
    );
    assert!(validated.status.success(), "{}", text(&validated));

    let kubectl = bin.join("kubectl");
    let installed = run(
        &kubectl,
        &[
            "krew",
            "install",
            &format!("--manifest={}", manifest.display()),
            &format!("--archive={}", archive.display()),
        ],
        &root,
    );
    assert!(installed.status.success(), "{}", text(&installed));
    assert!(
        text(&installed).contains("Installed plugin: tidbmonitor"),
        "{}",
        text(&installed)
    );
    assert!(root.join("receipts/tidbmonitor.yaml").exists());
    let store = root.join("store/tidbmonitor");
    let version_dir = std::fs::read_dir(&store)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        version_dir.join("LICENSE").exists(),
        "the archive must carry LICENSE"
    );

    let version = run(&kubectl, &["tidbmonitor", "version", "-o", "json"], &root);
    assert!(version.status.success(), "{}", text(&version));
    let json: serde_json::Value = serde_json::from_slice(&version.stdout).unwrap();
    assert_eq!(json["plugin"]["version"], env!("CARGO_PKG_VERSION"));
    let list = run(&kubectl, &["plugin", "list"], &root);
    assert!(
        text(&list).contains(&root.join("bin/kubectl-tidbmonitor").display().to_string()),
        "{}",
        text(&list)
    );

    // krew's uninstall insists on an initialised index (a git checkout) although it never reads it; an
    // empty local one stands in for the network clone `krew update` would make.
    let index = root.join("index/default");
    std::fs::create_dir_all(&index).unwrap();
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(&index)
            .status()
            .unwrap()
            .success()
    );
    let removed = run(&kubectl, &["krew", "uninstall", "tidbmonitor"], &root);
    assert!(removed.status.success(), "{}", text(&removed));
    assert!(!root.join("bin/kubectl-tidbmonitor").exists());
    assert!(!root.join("receipts/tidbmonitor.yaml").exists());
    assert!(!store.exists() || std::fs::read_dir(&store).unwrap().next().is_none());
}

#[test]
#[ignore = "needs krew from tests/e2e/install-tools.sh (run via tests/e2e/cluster-up.sh)"]
fn krew_refuses_a_tampered_archive() {
    let work = tempfile::tempdir().unwrap();
    let dist = work.path().join("dist");
    let archive = release_into(&dist);
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let root = work.path().join("krew");
    let kubectl = PathBuf::from(env("E2E_BIN")).join("kubectl");
    let out = run(
        &kubectl,
        &[
            "krew",
            "install",
            &format!("--manifest={}", dist.join("tidbmonitor.yaml").display()),
            &format!("--archive={}", archive.display()),
        ],
        &root,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).to_lowercase().contains("checksum")
            || text(&out).to_lowercase().contains("sha256"),
        "{}",
        text(&out)
    );
    assert!(!root.join("bin/kubectl-tidbmonitor").exists());
}
