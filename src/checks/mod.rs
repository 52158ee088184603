//! `check`: a registry of rules, each with a stable ID, a severity, an explanation with a bad and a good
//! example, and a function over the Snapshot. `check --list-rules` and `docs/checks.md` are generated from it.
//!
//! Rules never guess: an object the snapshot could not read (offline, forbidden, another namespace) yields an
//! `unresolved` info finding, not an error.

/// A TidbMonitor `mon` in `monitoring` with the required image blocks and the given spec lines.
macro_rules! monitor {
    ($body:expr) => {
        concat!("apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: mon, namespace: monitoring}\nspec:\n", $body,
            "  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.7}\n  reloader: {baseImage: pingcap/tidb-monitor-reloader, version: v1.0.1}\n")
    };
}

mod coverage;
pub mod fleet;
pub mod migration;
pub mod operator;
mod pitfalls;
mod references;
mod storage;
mod tls;
mod v2;

use serde::Serialize;

use crate::model::ObjectMeta;
use crate::snapshot::{Kind, Lookup, Snapshot};
pub use operator::{OperatorVersion, Version};
pub use pitfalls::config_maps_looked_up;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
pub struct ObjectId {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl ObjectId {
    /// The catalogue kind of the object (kind names are unique across the groups the plugin reads).
    pub fn catalogue_kind(&self) -> Option<crate::snapshot::Kind> {
        crate::snapshot::Kind::ALL
            .iter()
            .copied()
            .find(|k| k.kind_name() == self.kind)
    }

    pub fn of(kind: &'static str, meta: &ObjectMeta) -> ObjectId {
        ObjectId {
            kind,
            namespace: meta.namespace().to_string(),
            name: meta.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub object: ObjectId,
    pub message: String,
    pub hint: String,
    /// The rule could not decide: something it needs was not readable (offline, forbidden, out of scope).
    pub unresolved: bool,
    /// The reason given in the object's `kubectl-tidbmonitor/ignore` annotation, when it silences the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
    /// The kubeconfig context of the object, with `--context a,b` or `--all-contexts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// What rules know beyond the snapshot.
#[derive(Debug, Clone)]
pub struct Context {
    pub operator: OperatorVersion,
    /// Every namespace was read: "nobody monitors this cluster" can be said.
    pub all_namespaces: bool,
    pub offline: bool,
}

impl Context {
    /// Why a lookup came back unknown, in the words a finding uses.
    fn unresolved_reason(&self) -> &'static str {
        if self.offline {
            "unresolved (offline): not in the given files"
        } else {
            "unresolved: not readable here (forbidden or outside the namespaces read)"
        }
    }

    /// The operator version rules apply, and a note when it is an assumption.
    fn operator_or_assumed(&self) -> (Version, Option<String>) {
        match self.operator.version() {
            Some(v) => (v, None),
            None => (
                Version::new(1, 6, 6),
                Some("assuming a current tidb-operator (v1.2.0 or later); its version was not detected, pass --operator-version".into()),
            ),
        }
    }
}

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// What it checks and why it matters.
    pub explanation: &'static str,
    /// Manifests that trigger the rule (also its test).
    pub bad: &'static str,
    /// The same manifests fixed (also its test: the rule stays silent).
    pub good: &'static str,
    pub fix: &'static str,
    /// The operator version the examples assume, when the rule depends on it.
    pub example_operator: Option<&'static str>,
    /// The kinds of the objects its findings are about (`get`'s HEALTH runs the rules about TidbMonitors).
    pub subjects: &'static [Kind],
    /// Every kind it looks at; `Deployment` also where it depends on the operator version, which `Context`
    /// carries from the operator's Deployment. A command that runs only some rules reads only these kinds
    /// (`reads_of`), so a declaration that falls short is caught by the tests, which run each rule with every
    /// other kind unread.
    pub reads: &'static [Kind],
    pub check: fn(&Snapshot, &Context, &mut Emitter),
}

/// The scrape objects, the objects rules about them report on.
const SCRAPE_OBJECTS: &[Kind] = &[
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
];

/// What "which scrape objects reach a v1 cluster, and does a Prometheus load them" reads (`core::scraping`),
/// with the TidbMonitors that list the cluster.
const V1_SCRAPING: &[Kind] = &[
    Kind::TidbMonitor,
    Kind::TidbCluster,
    Kind::DmCluster,
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
    Kind::Prometheus,
    Kind::PrometheusAgent,
    Kind::Namespace,
];

/// What the rules about scrape objects read: the v2 Clusters and their groups and the v1 clusters they scrape
/// (TM066 judges every scrape object that reaches a cluster of any kind), what loads them, and the Secrets their
/// TLS settings name.
const SCRAPE_OBJECT_READS: &[Kind] = &[
    Kind::TidbCluster,
    Kind::DmCluster,
    Kind::Cluster,
    Kind::PdGroup,
    Kind::TikvGroup,
    Kind::TidbGroup,
    Kind::TiflashGroup,
    Kind::TicdcGroup,
    Kind::TiproxyGroup,
    Kind::TsoGroup,
    Kind::SchedulingGroup,
    Kind::SchedulerGroup,
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
    Kind::Prometheus,
    Kind::PrometheusAgent,
    Kind::Namespace,
    Kind::Secret,
];

/// What the rules about v2 Clusters read: the Clusters and their groups, the scrape objects and what loads
/// them, and the Secrets the scrape objects' TLS settings name.
const V2_SCRAPING: &[Kind] = &[
    Kind::Cluster,
    Kind::PdGroup,
    Kind::TikvGroup,
    Kind::TidbGroup,
    Kind::TiflashGroup,
    Kind::TicdcGroup,
    Kind::TiproxyGroup,
    Kind::TsoGroup,
    Kind::SchedulingGroup,
    Kind::SchedulerGroup,
    Kind::PodMonitor,
    Kind::ServiceMonitor,
    Kind::VmPodScrape,
    Kind::VmServiceScrape,
    Kind::Prometheus,
    Kind::PrometheusAgent,
    Kind::Namespace,
    Kind::Secret,
];

/// Every kind the rules about `subject` read (see [`Rule::reads`]).
pub fn reads_of(subject: Kind) -> std::collections::BTreeSet<Kind> {
    registry()
        .into_iter()
        .filter(|r| r.subjects.contains(&subject))
        .flat_map(|r| r.reads.iter().copied())
        .collect()
}

/// Whether rule `id` reports on objects of `subject`.
pub fn is_about(id: &str, subject: Kind) -> bool {
    registry()
        .iter()
        .any(|r| r.id == id && r.subjects.contains(&subject))
}

/// Collects one rule's findings.
pub struct Emitter<'a> {
    rule: &'a Rule,
    context: &'a Context,
    findings: Vec<Finding>,
}

impl Emitter<'_> {
    pub fn report(
        &mut self,
        object: ObjectId,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            self.rule.severity,
            object,
            message.into(),
            hint.into(),
            false,
        );
    }

    /// Like `report` but at a lower severity than the rule's default (e.g. an assumption made).
    pub fn report_as(
        &mut self,
        severity: Severity,
        object: ObjectId,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(severity, object, message.into(), hint.into(), false);
    }

    /// The rule could not decide because `what` is not readable.
    pub fn unresolved(&mut self, object: ObjectId, what: impl Into<String>) {
        let message = format!("{}: {}", what.into(), self.context.unresolved_reason());
        self.push(
            Severity::Info,
            object,
            message,
            "run the check against the live cluster with read access".into(),
            true,
        );
    }

    fn push(
        &mut self,
        severity: Severity,
        object: ObjectId,
        message: String,
        hint: String,
        unresolved: bool,
    ) {
        self.findings.push(Finding {
            rule: self.rule.id,
            severity,
            title: self.rule.title,
            object,
            message,
            hint,
            unresolved,
            suppressed: None,
            context: None,
        });
    }

    /// A finding about an object of one context (fleet rules).
    pub fn report_in(
        &mut self,
        context: &str,
        object: ObjectId,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            self.rule.severity,
            object,
            message.into(),
            hint.into(),
            false,
        );
        if let Some(last) = self.findings.last_mut() {
            last.context = Some(context.to_string());
        }
    }

    /// Reports `what` as unresolved when the lookup is unknown; returns the object when found, None otherwise.
    pub fn found<T>(
        &mut self,
        lookup: Lookup<T>,
        object: &ObjectId,
        what: impl Into<String>,
    ) -> Option<Option<T>> {
        match lookup {
            Lookup::Found(t) => Some(Some(t)),
            Lookup::Missing => Some(None),
            Lookup::Unknown => {
                self.unresolved(object.clone(), what);
                None
            }
        }
    }
}

pub fn registry() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = Vec::new();
    rules.extend(tls::RULES);
    rules.extend(references::RULES);
    rules.extend(migration::RULES);
    rules.extend(coverage::RULES);
    rules.extend(storage::RULES);
    rules.extend(pitfalls::RULES);
    rules.extend(v2::RULES);
    rules.extend(fleet::RULES);
    rules.sort_by_key(|r| r.id);
    rules
}

/// The annotation that silences rules on one object: `TM040,TM044: reason`.
pub const IGNORE_ANNOTATION: &str = "kubectl-tidbmonitor/ignore";

/// Runs the selected rules; findings sorted by object, then severity (worst first), then rule.
pub fn run(
    snapshot: &Snapshot,
    context: &Context,
    selected: impl Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in registry().into_iter().filter(|r| selected(r.id)) {
        let mut emitter = Emitter {
            rule,
            context,
            findings: Vec::new(),
        };
        (rule.check)(snapshot, context, &mut emitter);
        findings.extend(emitter.findings);
    }
    for finding in &mut findings {
        finding.suppressed = suppression(snapshot, finding);
    }
    findings.sort_by(|a, b| {
        (&a.object, std::cmp::Reverse(a.severity), a.rule).cmp(&(
            &b.object,
            std::cmp::Reverse(b.severity),
            b.rule,
        ))
    });
    findings
}

pub(crate) fn suppression(snapshot: &Snapshot, finding: &Finding) -> Option<String> {
    let o = &finding.object;
    let meta = match o.kind {
        "TidbMonitor" => snapshot
            .monitors
            .iter()
            .map(|m| &m.metadata)
            .find(|m| m.name == o.name && m.namespace() == o.namespace),
        "TidbCluster" => snapshot
            .clusters
            .iter()
            .map(|m| &m.metadata)
            .find(|m| m.name == o.name && m.namespace() == o.namespace),
        "DMCluster" => snapshot
            .dm_clusters
            .iter()
            .map(|m| &m.metadata)
            .find(|m| m.name == o.name && m.namespace() == o.namespace),
        "Cluster" => snapshot
            .v2_clusters
            .iter()
            .map(|m| &m.metadata)
            .find(|m| m.name == o.name && m.namespace() == o.namespace),
        "PodMonitor" | "ServiceMonitor" | "VMPodScrape" | "VMServiceScrape" => snapshot
            .scrapers
            .iter()
            .filter(|s| s.kind.kind_name() == o.kind)
            .map(|s| &s.metadata)
            .find(|m| m.name == o.name && m.namespace() == o.namespace),
        _ => None,
    }?;
    let value = meta.annotations.get(IGNORE_ANNOTATION)?;
    let (ids, reason) = value.split_once(':').unwrap_or((value, ""));
    ids.split(',')
        .map(str::trim)
        .any(|id| id == finding.rule || id == "*")
        .then(|| {
            if reason.trim().is_empty() {
                "no reason given".to_string()
            } else {
                reason.trim().to_string()
            }
        })
}

/// `docs/checks.md`, generated from the registry.
pub fn docs_markdown() -> String {
    let mut out = String::from(
        "# kubectl tidbmonitor check — rules\n\n<!-- Generated from src/checks by `UPDATE_DOCS=1 cargo test --test checks`; do not edit. -->\n\n",
    );
    out.push_str(&format!(
        "Silence a rule on one object with the annotation `{IGNORE_ANNOTATION}: \"TM040,TM044: reason\"`; \
         suppressed findings are still listed and do not change the exit code.\n\n\
         Each rule names the kinds of object it reports on and every kind it reads (a Deployment among them where \
         the verdict depends on the tidb-operator version, read from its controller Deployment); `get`'s HEALTH \
         runs the rules that report on TidbMonitors and lists only the kinds they read.\n\n"
    ));
    out.push_str("| ID | severity | title |\n|---|---|---|\n");
    for rule in registry() {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            rule.id,
            rule.id.to_lowercase(),
            rule.severity.as_str(),
            rule.title
        ));
    }
    for rule in registry() {
        out.push_str(&format!(
            "\n## {}\n\n**{}** — {}\n\n{}\n\n",
            rule.id,
            rule.severity.as_str(),
            rule.title,
            rule.explanation
        ));
        let kinds = |kinds: &[Kind]| {
            kinds
                .iter()
                .map(|k| k.kind_name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "Reports on: {}. Reads: {}.\n\n",
            kinds(rule.subjects),
            kinds(rule.reads)
        ));
        if let Some(version) = rule.example_operator {
            out.push_str(&format!("Examples assume tidb-operator {version}.\n\n"));
        }
        out.push_str(&format!(
            "Bad:\n\n```yaml\n{}\n```\n\nGood:\n\n```yaml\n{}\n```\n\nFix: {}\n",
            rule.bad.trim(),
            rule.good.trim(),
            rule.fix
        ));
    }
    out
}

/// Shared helpers for the rule files.
pub(crate) mod util {
    use crate::model::TidbMonitor;

    use super::ObjectId;

    pub fn monitor_id(monitor: &TidbMonitor) -> ObjectId {
        ObjectId::of("TidbMonitor", &monitor.metadata)
    }

    /// `(kind, namespace, name)` of every cluster reference, namespaces defaulted to the monitor's.
    pub fn refs(monitor: &TidbMonitor) -> Vec<(&'static str, String, String)> {
        let own = monitor.metadata.namespace();
        let tidb = monitor.spec.clusters.iter().map(|r| {
            (
                "TidbCluster",
                r.namespace_or(own).to_string(),
                r.name.clone(),
            )
        });
        let dm = monitor
            .spec
            .dm_clusters()
            .iter()
            .map(|r| ("DMCluster", r.namespace_or(own).to_string(), r.name.clone()));
        tidb.chain(dm).collect()
    }
}
