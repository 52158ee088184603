//! `check -o sarif`: SARIF 2.1.0, the format code-scanning services (GitHub, GitLab, Azure DevOps) ingest, so
//! findings on manifests in a repository show up in review next to the lines that caused them.

use serde_json::{Value, json};

use crate::checks::{Finding, Rule, Severity};

/// Where `docs/checks.md` is published: each rule's `helpUri` is its heading there.
fn rules_page() -> String {
    format!("{}/blob/main/docs/checks.md", env!("CARGO_PKG_REPOSITORY"))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Where a finding points: the manifest file and line when the object was read from one, and always the
/// object itself as a logical location (`Kind/namespace/name`).
pub struct Located<'a> {
    pub finding: &'a Finding,
    /// `(path relative to the working directory, 1-based line)` of the object's document.
    pub file: Option<(String, usize)>,
}

/// One SARIF log with one run: every rule of the registry as the driver's rules, every finding a result.
pub fn report(rules: &[&Rule], findings: &[Located<'_>]) -> Value {
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.explanation},
                "help": {"text": format!("Fix: {}", rule.fix)},
                "helpUri": format!("{}#{}", rules_page(), rule.id.to_lowercase()),
                "defaultConfiguration": {"level": level(rule.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|located| {
            let f = located.finding;
            let object = format!("{}/{}/{}", f.object.kind, f.object.namespace, f.object.name);
            let mut location = json!({
                "logicalLocations": [{
                    "fullyQualifiedName": object,
                    "name": f.object.name,
                    "kind": "object",
                }],
            });
            if let Some((path, line)) = &located.file {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": path},
                    "region": {"startLine": line},
                });
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": rules.iter().position(|r| r.id == f.rule),
                "level": level(f.severity),
                "message": {"text": format!("{}: {} (fix: {})", object, f.message, f.hint)},
                "locations": [location],
            });
            if f.unresolved {
                // The rule could not decide; SARIF's "open" is exactly that.
                result["kind"] = "open".into();
            }
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": driver_rules,
            }},
            "results": results,
        }],
    })
}
