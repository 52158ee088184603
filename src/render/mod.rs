//! Renderers: views in, text out. Tables the kubectl way, JSON/YAML of the documented view objects, names.

pub mod age;
pub mod sarif;
pub mod structured;
pub mod style;
pub mod table;

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    /// SARIF 2.1.0, `check` only.
    Sarif,
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "" | "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "name" => OutputFormat::Name,
            "sarif" => OutputFormat::Sarif,
            other => {
                return Err(format!(
                    "unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,table,wide,yaml (and sarif for check)"
                ));
            }
        })
    }
}

/// kubectl's `-o name`: `kind.group/name`, the group taken from the apiVersion (`pingcap.com/v1alpha1`); core
/// kinds (`v1`) have none: `tidbmonitor.pingcap.com/basic`, `cluster.core.pingcap.com/x`, `service/x`.
pub fn object_name(kind: &str, api_version: &str, name: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    match api_version.rsplit_once('/') {
        Some((group, _)) if !group.is_empty() => format!("{kind}.{group}/{name}"),
        _ => format!("{kind}/{name}"),
    }
}

/// [`object_name`] of a kind the plugin reads.
pub fn kind_object_name(kind: crate::snapshot::Kind, name: &str) -> String {
    object_name(kind.kind_name(), &kind.api_version(), name)
}

/// Text from manifests on its way to a terminal: control characters (ANSI/OSC escapes, carriage returns, tabs
/// that would break columns) become visible `\u{…}` escapes, so a manifest cannot drive the user's terminal.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_kind_dot_group_slash_name() {
        assert_eq!(
            super::object_name("TidbMonitor", "pingcap.com/v1alpha1", "basic"),
            "tidbmonitor.pingcap.com/basic"
        );
        assert_eq!(
            super::object_name("PodMonitor", "monitoring.coreos.com/v1", "x"),
            "podmonitor.monitoring.coreos.com/x"
        );
        assert_eq!(super::object_name("Service", "v1", "x"), "service/x");
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(super::escape("db-1"), "db-1");
        assert_eq!(super::escape("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
    }
}
