//! Scaffolds: ready-to-apply manifests built from a snapshot. Pure: objects in, `serde_json::Value`s out,
//! in a stable order, with warnings for stderr. Rendering and writing live in `commands::scaffold`.

pub mod grafana;
pub mod servicemonitor;
pub mod thanos;
pub mod v2;
pub mod versions;

use serde_json::{Value, json};

/// `app.kubernetes.io/managed-by` on everything the plugin makes.
pub const MANAGED_BY: &str = "kubectl-tidbmonitor";

/// Manifests plus what the user should be told about them.
#[derive(Debug, Default)]
pub struct Scaffold {
    pub objects: Vec<Value>,
    pub warnings: Vec<String>,
    /// Lines for the YAML header comment: what the output was made for and what was assumed or found.
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{0}")]
    Refused(String),
}

/// The recommended labels (kubernetes.io common labels) for an object of ours.
pub fn labels(name: &str, instance: &str, component: &str, part_of: &str) -> Value {
    json!({
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": part_of,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    })
}

/// Validates a Kubernetes object name (DNS-1123 subdomain) given on the command line.
pub fn validate_name(what: &str, name: &str) -> Result<(), ScaffoldError> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(ScaffoldError::Refused(format!(
            "{what} {name:?} is not a valid Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending alphanumeric)"
        )))
    }
}

/// Validates a label `key=value` given on the command line.
pub fn parse_label(text: &str) -> Result<(String, String), ScaffoldError> {
    let bad = || {
        ScaffoldError::Refused(format!(
            "label {text:?} must be key=value with a valid label key and value"
        ))
    };
    let (key, value) = text.split_once('=').ok_or_else(bad)?;
    let key_ok = {
        let (prefix, name) = key
            .rsplit_once('/')
            .map(|(p, n)| (Some(p), n))
            .unwrap_or((None, key));
        let name_ok = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && name
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        name_ok && prefix.is_none_or(|p| validate_name("label prefix", p).is_ok())
    };
    let value_ok = value.len() <= 63
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && (value.is_empty()
            || (value
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && value
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric())));
    if key_ok && value_ok {
        Ok((key.to_string(), value.to_string()))
    } else {
        Err(bad())
    }
}

/// `kind/namespace/name` of a manifest, for messages, file names and apply reports.
pub fn identity(object: &Value) -> (String, String, String) {
    let text = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (
        text("/kind"),
        text("/metadata/namespace"),
        text("/metadata/name"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels_are_validated() {
        assert!(validate_name("secret", "thanos-objstore").is_ok());
        assert!(validate_name("secret", "Thanos_Objstore").is_err());
        assert!(validate_name("secret", "-x").is_err());
        assert_eq!(
            parse_label("release=kube-prometheus-stack").unwrap().1,
            "kube-prometheus-stack"
        );
        assert!(parse_label("example.com/team=db").is_ok());
        assert!(parse_label("release").is_err());
        assert!(parse_label("bad key=x").is_err());
    }
}
