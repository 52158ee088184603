//! `docs/schemas/`: the JSON Schema of each `-o json` document, generated from the types that serialise it,
//! and real output of every command validated against it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kubectl_tidbmonitor::commands::document_schemas;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema_path(file: &str) -> PathBuf {
    repo().join("docs/schemas").join(file)
}

#[test]
fn docs_schemas_are_generated_from_the_view_types() {
    let mut stale = Vec::new();
    for (file, schema) in document_schemas() {
        let text = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
        let path = schema_path(file);
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/schemas is stale ({stale:?}): run `UPDATE_DOCS=1 cargo test --test schemas`"
    );
}

fn output(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("kubectl-tidbmonitor")
        .unwrap()
        .env("KUBECONFIG", "/nonexistent")
        .current_dir(repo())
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn validator(file: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path(file)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn assert_valid(file: &str, document: &serde_json::Value) {
    let errors: Vec<String> = validator(file)
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:#?}");
}

#[test]
fn every_json_document_matches_its_schema() {
    let get = output(&["get", "-A", "-f", "examples", "-o", "json"]);
    assert!(!get["items"].as_array().unwrap().is_empty());
    assert_valid("get.schema.json", &get);
    let clusters = output(&["clusters", "-A", "-f", "examples", "-o", "json"]);
    assert!(!clusters["items"].as_array().unwrap().is_empty());
    assert_valid("clusters.schema.json", &clusters);
    let check = output(&["check", "-A", "-f", "examples", "-o", "json"]);
    assert!(!check["findings"].as_array().unwrap().is_empty());
    assert_valid("check.schema.json", &check);
}

#[test]
fn the_schemas_reject_what_the_plugin_never_prints() {
    let mut get = output(&["get", "-A", "-f", "examples", "-o", "json"]);
    get["items"][0].as_object_mut().unwrap().remove("metadata");
    assert!(!validator("get.schema.json").is_valid(&get));
    let mut check = output(&["check", "-A", "-f", "examples", "-o", "json"]);
    check["findings"][0]["severity"] = "fatal".into();
    assert!(!validator("check.schema.json").is_valid(&check));
    check["kind"] = "TidbMonitorViewList".into();
    assert!(!validator("check.schema.json").is_valid(&check));
}
