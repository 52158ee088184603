#![allow(dead_code)]
//! Helpers shared by the integration tests.

pub mod e2e;
pub mod fake_api;

use std::path::PathBuf;

use kubectl_tidbmonitor::snapshot::Snapshot;
use kubectl_tidbmonitor::source::files;
use serde_json::Value;

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

/// The fields of `value` that `schema` (a CRD's openAPIV3Schema) does not declare: what a strict server-side
/// apply refuses ("unknown field") and a lenient one prunes. Required fields missing are reported too.
pub fn schema_violations(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    if schema["x-kubernetes-preserve-unknown-fields"] == true {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(required) = schema["required"].as_array() {
                for field in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(field) {
                        out.push(format!("{path}.{field}: required"));
                    }
                }
            }
            for (key, child) in map {
                let child_path = format!("{path}.{key}");
                if let Some(property) = schema["properties"].get(key) {
                    schema_violations(property, child, &child_path, out);
                } else if schema["additionalProperties"].is_object() {
                    schema_violations(&schema["additionalProperties"], child, &child_path, out);
                } else if schema["additionalProperties"] != true {
                    out.push(format!("{child_path}: unknown field"));
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                schema_violations(&schema["items"], item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The `spec` schema of the CRD in `../shared/fixtures/<file>`.
pub fn crd_spec_schema(file: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(file)).unwrap();
    let crd: Value = serde_saphyr::from_str(&text).unwrap();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"].clone()
}

pub fn spec_violations(crd_file: &str, objects: &[Value]) -> Vec<String> {
    let schema = crd_spec_schema(crd_file);
    let mut out = Vec::new();
    for object in objects {
        let name = format!(
            "{}/{}",
            object["kind"].as_str().unwrap(),
            object["metadata"]["name"].as_str().unwrap()
        );
        schema_violations(&schema, &object["spec"], &format!("{name} spec"), &mut out);
    }
    out
}
