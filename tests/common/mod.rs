#![allow(dead_code)]
//! Helpers shared by the integration tests.

pub mod e2e;

use std::path::PathBuf;

use kubectl_tidbmonitor::snapshot::Snapshot;
use kubectl_tidbmonitor::source::files;

/// `../shared/fixtures` beside the checkout (CI puts it there); `SHARED_DIR` overrides.
pub fn fixtures() -> PathBuf {
    let shared = std::env::var_os("SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let fixtures = shared.join("fixtures");
    assert!(
        fixtures.is_dir(),
        "{} is missing: the tests read tidb-operator fixtures from ../shared",
        fixtures.display()
    );
    fixtures
}

pub fn example(name: &str) -> String {
    fixtures().join("examples").join(name).display().to_string()
}

pub fn project_examples() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .display()
        .to_string()
}

pub fn load(paths: &[String]) -> Snapshot {
    let mut snapshot = Snapshot::default();
    files::load(paths, "default", &mut snapshot).expect("fixtures load");
    snapshot
}
