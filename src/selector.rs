//! Kubernetes label selectors (`-l`): parsed once, sent to the API server verbatim, and evaluated here for
//! manifest files, with the same grammar: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selector {
    text: String,
    requirements: Vec<Requirement>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid label selector {selector:?}: {reason}")]
pub struct SelectorError {
    selector: String,
    reason: String,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let error = |reason: &str| SelectorError {
            selector: text.to_string(),
            reason: reason.to_string(),
        };
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let requirement = if let Some(key) = part.strip_prefix('!') {
                Requirement::NotExists(
                    valid_key(key.trim()).ok_or_else(|| error("bad key after '!'"))?,
                )
            } else if let Some((key, values)) = split_set(part, " notin ") {
                Requirement::NotIn(
                    valid_key(key).ok_or_else(|| error("bad key before 'notin'"))?,
                    values,
                )
            } else if let Some((key, values)) = split_set(part, " in ") {
                Requirement::In(
                    valid_key(key).ok_or_else(|| error("bad key before 'in'"))?,
                    values,
                )
            } else if let Some((key, value)) = part.split_once("!=") {
                Requirement::NotEquals(
                    valid_key(key).ok_or_else(|| error("bad key"))?,
                    value.trim().to_string(),
                )
            } else if let Some((key, value)) =
                part.split_once("==").or_else(|| part.split_once('='))
            {
                Requirement::Equals(
                    valid_key(key).ok_or_else(|| error("bad key"))?,
                    value.trim().to_string(),
                )
            } else {
                Requirement::Exists(
                    valid_key(part).ok_or_else(|| error("expected key, key=value, key in (…)"))?,
                )
            };
            requirements.push(requirement);
        }
        Ok(Selector {
            text: text.trim().to_string(),
            requirements,
        })
    }

    /// The selector as the API server's `labelSelector` parameter.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
        })
    }
}

/// Splits on commas outside parentheses: `a in (x,y),b` is two requirements.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn split_set<'a>(part: &'a str, operator: &str) -> Option<(&'a str, Vec<String>)> {
    let (key, rest) = part.split_once(operator)?;
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((
        key,
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    ))
}

fn valid_key(key: &str) -> Option<String> {
    let key = key.trim();
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    ok.then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn evaluates_every_operator() {
        let l = labels(&[("app", "tidb"), ("tier", "db")]);
        for (sel, want) in [
            ("app=tidb", true),
            ("app==tidb", true),
            ("app!=tidb", false),
            ("app in (x, tidb)", true),
            ("app notin (tidb)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing,app=tidb", true),
            ("app in (a,b),tier=db", false),
            ("", true),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(&l), want, "{sel}");
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(Selector::parse("a b c").is_err());
        assert!(Selector::parse("=x").is_err());
    }
}
