//! Prometheus relabelling, evaluated here so the plugin can tell what a scrape object really scrapes.
//!
//! Semantics of prometheus `model/relabel/relabel.go` (v3.14): defaults action `replace`, separator `;`, regex
//! `(.*)` anchored as `^(?s:…)$`, replacement `$1`; missing labels read as ""; an empty `replace` result
//! deletes the target label; action names are case-insensitive. VictoriaMetrics' field spellings
//! (`source_labels`, `target_label`) and its `keep_if_equal`/`drop_if_equal` are accepted too
//! (VictoriaMetrics `lib/promrelabel/config.go`). `hashmod` (sharding) and VictoriaMetrics' `if` filters are
//! reported as unsupported rather than guessed.

use std::collections::BTreeMap;

use serde_json::Value;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RelabelError {
    #[error("relabel rule {index}: unsupported action {action:?}")]
    Unsupported { index: usize, action: String },
    #[error("relabel rule {index}: invalid regex {regex:?}")]
    BadRegex { index: usize, regex: String },
}

/// Applies `rules` to `labels`. Returns `Ok(false)` when a rule drops the target.
pub fn relabel(labels: &mut Labels, rules: &[Value]) -> Result<bool, RelabelError> {
    for (index, rule) in rules.iter().enumerate() {
        if !apply(labels, rule, index)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Regexes compiled once per process: an estate's scrape objects repeat the same few rules thousands of times,
/// and compiling dominates evaluating. Shared through `Rc`, not cloned: a cloned `Regex` starts with an empty
/// matching cache, and rebuilding that cache on every rule was most of a 1000-cluster `clusters -A`.
fn compiled(text: &str) -> Option<std::rc::Rc<regex::Regex>> {
    type Cache = std::collections::HashMap<String, Option<std::rc::Rc<regex::Regex>>>;
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = Default::default();
    }
    CACHE.with(|cache| {
        if let Some(found) = cache.borrow().get(text) {
            return found.clone();
        }
        let regex = regex::Regex::new(&format!("^(?s:{text})$"))
            .ok()
            .map(std::rc::Rc::new);
        cache.borrow_mut().insert(text.to_string(), regex.clone());
        regex
    })
}

fn field<'a>(rule: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    rule.get(camel).or_else(|| rule.get(snake))
}

fn text<'a>(rule: &'a Value, camel: &str, snake: &str) -> Option<&'a str> {
    field(rule, camel, snake).and_then(Value::as_str)
}

fn apply(labels: &mut Labels, rule: &Value, index: usize) -> Result<bool, RelabelError> {
    let action = text(rule, "action", "action")
        .unwrap_or("replace")
        .to_ascii_lowercase();
    if rule.get("if").is_some() {
        return Err(RelabelError::Unsupported {
            index,
            action: format!("{action} with an `if` filter"),
        });
    }
    let sources: Vec<String> = field(rule, "sourceLabels", "source_labels")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| {
                    s.as_str()
                        .and_then(|s| labels.get(s))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let separator = text(rule, "separator", "separator").unwrap_or(";");
    let value = sources.join(separator);
    let regex_text = match field(rule, "regex", "regex") {
        Some(Value::String(s)) => s.clone(),
        // VictoriaMetrics accepts a list of alternatives.
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("|"),
        _ => "(.*)".to_string(),
    };
    let regex = compiled(&regex_text).ok_or_else(|| RelabelError::BadRegex {
        index,
        regex: regex_text.clone(),
    })?;
    let target = text(rule, "targetLabel", "target_label").unwrap_or("");
    let replacement = text(rule, "replacement", "replacement").unwrap_or("$1");
    match action.as_str() {
        "replace" => {
            let Some(captures) = regex.captures(&value) else {
                return Ok(true);
            };
            let mut name = String::new();
            captures.expand(target, &mut name);
            let mut result = String::new();
            captures.expand(replacement, &mut result);
            if name.is_empty() {
                return Ok(true);
            }
            if result.is_empty() {
                labels.remove(&name);
            } else {
                labels.insert(name, result);
            }
        }
        "keep" => return Ok(regex.is_match(&value)),
        "drop" => return Ok(!regex.is_match(&value)),
        "keepequal" => return Ok(labels.get(target).map(String::as_str).unwrap_or("") == value),
        "dropequal" => return Ok(labels.get(target).map(String::as_str).unwrap_or("") != value),
        "keep_if_equal" => return Ok(sources.windows(2).all(|w| w[0] == w[1])),
        "drop_if_equal" => return Ok(!sources.windows(2).all(|w| w[0] == w[1])),
        "lowercase" => {
            labels.insert(target.to_string(), value.to_lowercase());
        }
        "uppercase" => {
            labels.insert(target.to_string(), value.to_uppercase());
        }
        "labelmap" => {
            let renamed: Vec<(String, String)> = labels
                .iter()
                .filter(|(k, _)| regex.is_match(k))
                .map(|(k, v)| (regex.replace_all(k, replacement).into_owned(), v.clone()))
                .collect();
            labels.extend(renamed);
        }
        "labeldrop" => labels.retain(|k, _| !regex.is_match(k)),
        "labelkeep" => labels.retain(|k, _| regex.is_match(k)),
        other => {
            return Err(RelabelError::Unsupported {
                index,
                action: other.to_string(),
            });
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn replace_is_anchored_and_empty_results_delete() {
        let mut l = labels(&[("a", "xyz"), ("b", "1")]);
        relabel(
            &mut l,
            &[
                json!({"sourceLabels": ["a"], "regex": "y", "targetLabel": "c"}),
                json!({"sourceLabels": ["a", "b"], "regex": "(.+);(.+)", "targetLabel": "d", "replacement": "${1}-${2}"}),
                json!({"sourceLabels": ["missing"], "targetLabel": "b"}),
            ],
        )
        .unwrap();
        assert_eq!(l, labels(&[("a", "xyz"), ("d", "xyz-1")]));
    }

    #[test]
    fn keep_drop_labelmap_and_snake_case() {
        let mut l = labels(&[("__meta_x_label_app", "pd"), ("p", "true")]);
        assert!(
            relabel(
                &mut l,
                &[json!({"source_labels": ["p"], "regex": "true", "action": "Keep"})]
            )
            .unwrap()
        );
        assert!(
            !relabel(
                &mut l,
                &[json!({"sourceLabels": ["p"], "regex": "true", "action": "drop"})]
            )
            .unwrap()
        );
        relabel(
            &mut l,
            &[json!({"regex": "__meta_x_label_(.+)", "action": "labelmap"})],
        )
        .unwrap();
        assert_eq!(l.get("app").map(String::as_str), Some("pd"));
        assert!(matches!(
            relabel(&mut l, &[json!({"action": "hashmod", "modulus": 2})]),
            Err(RelabelError::Unsupported { .. })
        ));
    }
}
