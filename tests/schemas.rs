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
    // Unapplied: one difference per monitor, so the arrays are not empty.
    let verify = output(&["migrate", "-A", "-f", "examples", "--verify", "-o", "json"]);
    assert!(!verify["items"].as_array().unwrap().is_empty());
    assert_valid("migrate-verify.schema.json", &verify);
    let status = output(&[
        "status", "-n", "shop", "shop", "-f", "examples", "-o", "json",
    ]);
    assert_eq!(status["kind"], "TidbMonitorStatus");
    assert_valid("status.schema.json", &status);
    for (namespace, target) in [
        ("shop", "cluster/shop"),
        ("team-b", "dc/sync"),
        ("shop-v2", "cluster.core.pingcap.com/orders"),
    ] {
        let status = output(&[
            "status", "-n", namespace, target, "-f", "examples", "-o", "json",
        ]);
        assert_eq!(status["kind"], "TidbClusterStatus", "{target}");
        assert_valid("status-cluster.schema.json", &status);
    }
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
    let mut get = output(&["get", "-A", "-f", "examples", "-o", "json"]);
    get["items"][0]["health"]["status"] = "fine".into();
    assert!(!validator("get.schema.json").is_valid(&get));
    let mut status = output(&[
        "status",
        "-n",
        "shop",
        "cluster/shop",
        "-f",
        "examples",
        "-o",
        "json",
    ]);
    status["kind"] = "TidbMonitorStatus".into();
    assert!(!validator("status-cluster.schema.json").is_valid(&status));
}

/// The OASIS SARIF 2.1.0 schema, as the `serde-sarif` dev-dependency ships it: cargo unpacked its sources
/// under `$CARGO_HOME/registry/src/<index>/serde-sarif-<version>/` to build this test, so no copy lives here.
fn sarif_schema() -> serde_json::Value {
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"serde-sarif\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("serde-sarif is a dev-dependency in Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let schema = std::fs::read_dir(cargo_home.join("registry/src"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|index| {
            index
                .path()
                .join(format!("serde-sarif-{version}/src/schema.json"))
        })
        .find(|path| path.exists())
        .expect("serde-sarif's sources are unpacked in the cargo registry");
    serde_json::from_str(&std::fs::read_to_string(&schema).unwrap()).unwrap()
}

#[test]
fn check_sarif_is_valid_sarif_2_1_0_and_points_at_files() {
    let schema = sarif_schema();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // The OASIS file's own `language` pattern (run, toolComponent) has a stray `]` and fails its meta-schema's
    // "regex" format: that pattern, on a property the plugin never writes, is left out; the rest applies as is.
    let mut schema = schema;
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]
            .as_object_mut()
            .unwrap()
            .remove("pattern");
    }
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif = output(&["check", "-A", "-f", "examples", "-o", "sarif"]);
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        // Each result names a rule of the driver by id and index, with its help page.
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(rule["helpUri"].as_str().unwrap().ends_with(&format!(
            "docs/checks.md#{}",
            rule["id"].as_str().unwrap().to_lowercase()
        )));
        // Every finding of the examples is on an object read from a file: file and line are given.
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("examples/") && uri.ends_with(".yaml"),
            "{uri}"
        );
        let line = physical["region"]["startLine"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(repo().join(uri)).unwrap();
        let name = result["locations"][0]["logicalLocations"][0]["name"]
            .as_str()
            .unwrap();
        let document: String = text
            .lines()
            .skip(line - 1)
            .take(12)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            document.contains(name),
            "{uri}:{line} does not start {name}'s document"
        );
    }
    // A broken log is refused: the validation is not vacuous.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}
