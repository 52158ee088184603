//! `get`'s HEALTH: `check`'s verdict on each TidbMonitor, from one run of the rules about TidbMonitors
//! (`Rule::subjects`). Nothing here judges a monitor itself: it counts what the registry found, and says
//! `unknown` where the rules could not look at everything they need.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::checks::{self, Context, Finding, Severity};
use crate::core::ViewMeta;
use crate::core::status::{NotChecked, gaps};
use crate::snapshot::{Kind, Snapshot};

/// `check`'s verdict on one monitor: its active (not suppressed) errors and warnings; infos do not count.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthView {
    pub status: HealthStatus,
    pub errors: usize,
    pub warnings: usize,
    /// IDs of the rules with an active error or warning on the monitor, sorted (listed even when the status is
    /// `unknown`: these were found, others may not have been).
    pub rules: Vec<&'static str>,
    /// Findings on the monitor whose rule could not decide (something it needs was not readable or not in the
    /// files): the status is `unknown`.
    pub unresolved: usize,
    /// Kinds the rules about TidbMonitors read that could not be read: the status of every monitor is `unknown`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<NotChecked>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum HealthStatus {
    Ok,
    Warning,
    Error,
    /// A kind the rules need could not be read, or a rule could not decide for this monitor.
    Unknown,
}

/// The kinds the rules about TidbMonitors read: what `get` lists to compute HEALTH.
pub fn kinds() -> BTreeSet<Kind> {
    checks::reads_of(Kind::TidbMonitor)
}

/// The health of every monitor of the snapshot, by `(namespace, name)`, from one run of the rules about
/// TidbMonitors over the whole snapshot.
pub fn monitor_health(
    snapshot: &Snapshot,
    context: &Context,
) -> BTreeMap<(String, String), HealthView> {
    let findings = checks::run(snapshot, context, |id| {
        checks::is_about(id, Kind::TidbMonitor)
    });
    let needed: Vec<(Kind, Vec<String>)> = kinds().into_iter().map(|k| (k, Vec::new())).collect();
    let not_checked = gaps(snapshot, &needed);
    // Findings by monitor, so each monitor looks at its own (1,000 monitors × their findings).
    let mut by_monitor: BTreeMap<(&str, &str), Vec<Finding>> = BTreeMap::new();
    for f in &findings {
        by_monitor
            .entry((f.object.namespace.as_str(), f.object.name.as_str()))
            .or_default()
            .push(f.clone());
    }
    snapshot
        .monitors
        .iter()
        .map(|m| {
            let meta: ViewMeta = (&m.metadata).into();
            let own = by_monitor
                .get(&(meta.namespace.as_str(), meta.name.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let health = health(&meta, own, &not_checked);
            ((meta.namespace, meta.name), health)
        })
        .collect()
}

/// Every monitor's view ([`monitor_views`](crate::core::monitors::monitor_views)) with its health: what `get`
/// prints.
pub fn assessed_monitor_views(
    snapshot: &Snapshot,
    context: &Context,
) -> Vec<crate::core::monitors::MonitorView> {
    let mut health = monitor_health(snapshot, context);
    crate::core::monitors::monitor_views(snapshot)
        .into_iter()
        .map(|mut v| {
            v.health = health.remove(&(v.metadata.namespace.clone(), v.metadata.name.clone()));
            v
        })
        .collect()
}

/// The health of the monitor `metadata` from `findings` (of the rules about TidbMonitors, on the whole
/// snapshot) and the kinds those rules could not read.
pub fn health(metadata: &ViewMeta, findings: &[Finding], not_checked: &[NotChecked]) -> HealthView {
    let own: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.suppressed.is_none()
                && f.object.kind == Kind::TidbMonitor.kind_name()
                && f.object.namespace == metadata.namespace
                && f.object.name == metadata.name
        })
        .collect();
    let count = |severity| own.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let unresolved = own.iter().filter(|f| f.unresolved).count();
    let rules: BTreeSet<&'static str> = own
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.rule)
        .collect();
    let status = if !not_checked.is_empty() || unresolved > 0 {
        HealthStatus::Unknown
    } else if errors > 0 {
        HealthStatus::Error
    } else if warnings > 0 {
        HealthStatus::Warning
    } else {
        HealthStatus::Ok
    };
    HealthView {
        status,
        errors,
        warnings,
        rules: rules.into_iter().collect(),
        unresolved,
        not_checked: not_checked.to_vec(),
    }
}

impl HealthView {
    /// `ok`, `warning(N)`, `error(N)` (the worst severity with its count) or `<unknown>`: the HEALTH cell.
    pub fn label(&self) -> String {
        match self.status {
            HealthStatus::Ok => "ok".into(),
            HealthStatus::Warning => format!("warning({})", self.warnings),
            HealthStatus::Error => format!("error({})", self.errors),
            HealthStatus::Unknown => "<unknown>".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ObjectId;

    fn finding(rule: &'static str, severity: Severity, unresolved: bool) -> Finding {
        Finding {
            rule,
            severity,
            title: "",
            object: ObjectId {
                kind: "TidbMonitor",
                namespace: "ns".into(),
                name: "mon".into(),
            },
            message: String::new(),
            hint: String::new(),
            unresolved,
            suppressed: None,
            context: None,
        }
    }

    fn meta() -> ViewMeta {
        ViewMeta {
            name: "mon".into(),
            namespace: "ns".into(),
            uid: None,
            creation_timestamp: None,
        }
    }

    #[test]
    fn the_worst_active_finding_with_its_count() {
        let mut findings = vec![
            finding("TM040", Severity::Warning, false),
            finding("TM010", Severity::Error, false),
            finding("TM014", Severity::Error, false),
            finding("TM012", Severity::Info, false),
        ];
        let h = health(&meta(), &findings, &[]);
        assert_eq!(
            (h.status, h.errors, h.warnings),
            (HealthStatus::Error, 2, 1)
        );
        assert_eq!(h.label(), "error(2)");
        assert_eq!(h.rules, ["TM010", "TM014", "TM040"]);
        // Suppressed findings and infos do not count; another monitor's findings neither.
        findings[1].suppressed = Some("known".into());
        findings[2].object.name = "other".into();
        let h = health(&meta(), &findings, &[]);
        assert_eq!(h.label(), "warning(1)");
        assert_eq!(health(&meta(), &findings[3..], &[]).label(), "ok");
    }

    #[test]
    fn unknown_when_a_rule_could_not_decide_or_a_kind_was_not_read() {
        let findings = vec![
            finding("TM010", Severity::Error, false),
            finding("TM002", Severity::Info, true),
        ];
        let h = health(&meta(), &findings, &[]);
        assert_eq!((h.status, h.unresolved), (HealthStatus::Unknown, 1));
        assert_eq!(h.label(), "<unknown>");
        // What was found is still listed.
        assert_eq!((h.errors, h.rules.as_slice()), (1, &["TM010"][..]));
        let forbidden = NotChecked {
            resource: "persistentvolumes".into(),
            namespaces: Vec::new(),
            reason: "forbidden".into(),
        };
        let h = health(&meta(), &findings[..1], std::slice::from_ref(&forbidden));
        assert_eq!(h.status, HealthStatus::Unknown);
        assert_eq!(h.not_checked, [forbidden]);
    }
}
