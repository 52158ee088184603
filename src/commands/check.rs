//! `check`: run the rule registry over a snapshot; a table grouped by object, or JSON/YAML; CI exit codes.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{CommandError, Settings, emit, load, report_problems};
use crate::checks::{self, Context, Finding, OperatorVersion, Severity, Version, operator};
use crate::cli::CheckArgs;
use crate::core::{VIEW_API_VERSION, scraping};
use crate::render::style::{Tone, paint};
use crate::render::{OutputFormat, escape};
use crate::snapshot::{Gap, Kind, Scope};
use crate::source::{MONITOR_OBJECTS, MONITOR_OBJECTS_AND_OPERATOR, Request};

pub fn request() -> Request {
    Request {
        primary: Kind::TidbMonitor,
        // Clusters, their Secrets and the operator's Deployment live in other namespaces than the monitors, and
        // so may a monitor's configMapRef.
        related: vec![
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Secret,
            Kind::ConfigMap,
            Kind::Deployment,
        ],
        auxiliary: [
            Kind::StatefulSet,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
        ]
        .into_iter()
        // tidb-operator v2 and the scrape objects that cover it; a missing CRD is a gap (v1-only estates).
        .chain(scraping::v2_kinds())
        .chain(scraping::SCRAPE_KINDS)
        .chain(scraping::SELECTION_KINDS)
        .collect(),
        selected: vec![Kind::TidbMonitor],
        keep_raw: Vec::new(),
        narrow: vec![
            (Kind::StatefulSet, MONITOR_OBJECTS),
            (Kind::Deployment, MONITOR_OBJECTS_AND_OPERATOR),
        ],
    }
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    #[schemars(extend("const" = VIEW_API_VERSION))]
    api_version: &'static str,
    #[schemars(extend("const" = "CheckReport"))]
    kind: &'static str,
    operator: &'a OperatorVersion,
    /// With `--context a,b` or `--all-contexts`: each context read (its tidb-operator), or why it could not be.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    contexts: &'a [crate::render::structured::ContextOutcome],
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    objects: usize,
    monitors: usize,
    /// Findings whose rule could not decide (something it needs was not readable or not in the files).
    unresolved: usize,
    /// Kinds the rules needed that could not be read, and why.
    not_checked: Vec<NotChecked>,
}

#[derive(Serialize, Clone, schemars::JsonSchema)]
struct NotChecked {
    resource: String,
    reason: String,
}

/// The kinds of `check`'s request that were refused or failed: what the rules could not look at.
/// A kind whose CRD is not installed holds no objects, so nothing about it went unchecked.
fn not_checked(loaded: &super::Loaded) -> Vec<NotChecked> {
    request()
        .kinds()
        .filter_map(|kind| {
            let reason = match loaded.snapshot.gaps.get(&kind)? {
                Gap::Forbidden(_) => "forbidden".to_string(),
                Gap::Failed(message) => message.clone(),
                Gap::NotInstalled => return None,
            };
            Some(NotChecked {
                resource: kind.resource(),
                reason,
            })
        })
        .collect()
}

/// The file and line that define the object a finding is about, when it was read from a file.
fn origin(snapshot: &crate::snapshot::Snapshot, finding: &Finding) -> Option<(String, usize)> {
    let kind = finding.object.catalogue_kind()?;
    snapshot
        .origins
        .get(&(
            kind,
            finding.object.namespace.clone(),
            finding.object.name.clone(),
        ))
        .cloned()
}

/// The JSON Schema of `check -o json`.
pub fn report_schema() -> schemars::Schema {
    let mut schema = crate::render::structured::schema_of::<Report<'static>>();
    schema.insert("title".into(), "CheckReport".into());
    schema
}

pub fn run(settings: &Settings, args: &CheckArgs) -> Result<i32, CommandError> {
    let known: BTreeSet<&str> = checks::registry().iter().map(|r| r.id).collect();
    for id in args.rules.iter().chain(&args.skip) {
        if !known.contains(id.as_str()) {
            return Err(CommandError::Usage(format!(
                "unknown rule {id:?}; see `kubectl tidbmonitor check --list-rules`"
            )));
        }
    }
    if args.list_rules {
        emit(&list_rules(settings.format, settings.no_headers));
        return Ok(0);
    }
    if settings.no_headers && matches!(settings.format, OutputFormat::Table | OutputFormat::Wide) {
        return Err(CommandError::Usage(
            "--no-headers: the findings report has no header row (it is grouped by object); use -o name, json or yaml for scripts, or --list-rules".into(),
        ));
    }
    let flag = args
        .operator_version
        .as_deref()
        .map(|v| {
            v.parse::<Version>()
                .map_err(|e| CommandError::Usage(format!("--operator-version: {e}")))
        })
        .transpose()?;
    if args.assume_complete && !settings.offline() {
        return Err(CommandError::Usage(
            "--assume-complete applies to -f files only: a live cluster shows what exists".into(),
        ));
    }
    if let Some(contexts) = settings.contexts()? {
        if settings.format == OutputFormat::Sarif {
            return Err(CommandError::Usage(
                "-o sarif reports one cluster's findings (its files and lines): run it per context"
                    .into(),
            ));
        }
        return run_in_contexts(settings, args, flag, &contexts);
    }
    if let Some(id) = args.rules.iter().find(|id| checks::fleet::is_fleet(id)) {
        return Err(CommandError::Usage(format!(
            "{id} compares Kubernetes clusters: add --context a,b or --all-contexts"
        )));
    }
    let mut loaded = load(settings, &request())?;
    let skipped = report_problems(&loaded);
    let evaluated = evaluate(settings, args, flag, &mut loaded);
    let Evaluated {
        findings,
        monitors,
        found,
        context,
    } = evaluated;
    let not_checked = not_checked(&loaded);
    let sarif = || {
        let rules = checks::registry();
        let located: Vec<crate::render::sarif::Located> = findings
            .iter()
            .map(|finding| crate::render::sarif::Located {
                finding,
                file: origin(&loaded.snapshot, finding),
            })
            .collect();
        format!(
            "{}\n",
            serde_json::to_string_pretty(&crate::render::sarif::report(&rules, &located))
                .unwrap_or_default()
        )
    };
    let text = match settings.format {
        OutputFormat::Sarif => sarif(),
        _ => render_report(
            settings,
            &Outcome {
                findings: &findings,
                monitors,
                not_checked: &not_checked,
                operator: &context.operator,
                operator_text: context.operator.describe(),
                contexts: &[],
            },
        ),
    };
    emit(&text);
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    let missing = super::report_not_found(&NAMED_KINDS, &args.names, &found);
    let failing = failing(&findings, args.strict, &not_checked);
    Ok(if failing || skipped || !missing.is_empty() {
        1
    } else {
        0
    })
}

/// What the rules found in one read, restricted to the namespace and NAMEs asked for.
struct Evaluated {
    findings: Vec<Finding>,
    /// Monitors checked.
    monitors: usize,
    /// Names of the monitors and clusters in scope (for NAMEs not found).
    found: Vec<String>,
    context: Context,
}

fn evaluate(
    settings: &Settings,
    args: &CheckArgs,
    flag: Option<Version>,
    loaded: &mut super::Loaded,
) -> Evaluated {
    if args.assume_complete {
        // Every kind counts as read everywhere: a lookup that finds nothing is a missing object.
        for kind in request().kinds() {
            loaded.snapshot.scopes.insert(kind, Scope::AllNamespaces);
        }
    }
    let context = Context {
        operator: operator::operator_version(&loaded.snapshot, flag),
        all_namespaces: loaded.row_namespace.is_none(),
        offline: settings.offline(),
    };
    let selected = |id: &str| {
        (args.rules.is_empty() || args.rules.iter().any(|r| r == id))
            && !args.skip.iter().any(|s| s == id)
    };
    // Rules always see the whole snapshot (coverage and duplicates are about several objects); NAMEs and the
    // namespace only pick which findings are shown.
    let mut findings = checks::run(&loaded.snapshot, &context, selected);
    let in_scope = |namespace: &str| {
        loaded
            .row_namespace
            .as_ref()
            .is_none_or(|ns| namespace == ns)
    };
    let named = |name: &str| args.names.is_empty() || args.names.iter().any(|n| n == name);
    let watching = watchers_of_named_clusters(&loaded.snapshot, &args.names, &in_scope);
    findings.retain(|f| {
        let object = (
            f.object.kind,
            f.object.namespace.as_str(),
            f.object.name.as_str(),
        );
        if args.names.is_empty() {
            return in_scope(object.1);
        }
        let is_named = NAMED_KINDS.iter().any(|k| k.kind_name() == object.0) && named(object.2);
        (is_named && in_scope(object.1))
            || watching
                .iter()
                .any(|(kind, ns, name)| (*kind, ns.as_str(), name.as_str()) == object)
    });
    let snapshot = &loaded.snapshot;
    let monitors = snapshot
        .monitors
        .iter()
        .filter(|m| {
            let (ns, name) = (m.metadata.namespace(), m.metadata.name.as_str());
            (in_scope(ns) && named(name))
                || watching.iter().any(|(kind, wns, wname)| {
                    *kind == Kind::TidbMonitor.kind_name() && wns == ns && wname == name
                })
        })
        .count();
    let found: Vec<String> = snapshot
        .monitors
        .iter()
        .map(|m| &m.metadata)
        .chain(snapshot.clusters.iter().map(|c| &c.metadata))
        .chain(snapshot.dm_clusters.iter().map(|c| &c.metadata))
        .chain(snapshot.v2_clusters.iter().map(|c| &c.metadata))
        .filter(|m| in_scope(m.namespace()))
        .map(|m| m.name.clone())
        .collect();
    Evaluated {
        findings,
        monitors,
        found,
        context,
    }
}

/// `check` in every context: each context's rules as `check` runs them alone, then the rules across Kubernetes
/// clusters (`checks::fleet`) over every context read. A context that could not be read is one warning line and
/// a `not checked` entry (so `--strict` fails on it); the exit code is the worst of the findings' and the
/// contexts' (2 when one could not be reached).
fn run_in_contexts(
    settings: &Settings,
    args: &CheckArgs,
    flag: Option<Version>,
    contexts: &[String],
) -> Result<i32, CommandError> {
    use crate::render::structured::ContextOutcome;
    let mut code = 0;
    let mut findings = Vec::new();
    let mut monitors = 0;
    let mut found: Vec<String> = Vec::new();
    let mut not_checked_all = Vec::new();
    let mut outcomes = Vec::new();
    let mut read: Vec<(String, super::Loaded)> = Vec::new();
    for load in super::load_contexts(settings, contexts, &request(), |_| Vec::new())? {
        let context = load.context;
        match load.outcome {
            Ok(mut loaded) => {
                if super::report_problems_in(&context, &mut loaded) {
                    code = code.max(1);
                }
                let evaluated = evaluate(settings, args, flag, &mut loaded);
                findings.extend(evaluated.findings.into_iter().map(|mut f| {
                    f.context = Some(context.clone());
                    f
                }));
                monitors += evaluated.monitors;
                found.extend(evaluated.found);
                not_checked_all.extend(not_checked(&loaded).into_iter().map(|n| NotChecked {
                    resource: format!("{} in context {context}", n.resource),
                    reason: n.reason,
                }));
                outcomes.push(ContextOutcome {
                    name: context.clone(),
                    error: None,
                    operator: Some(evaluated.context.operator.describe()),
                });
                read.push((context, loaded));
            }
            Err(error) => {
                code = code.max(error.exit_code());
                super::context_failure(&context, &error);
                not_checked_all.push(NotChecked {
                    resource: format!("context {context}"),
                    reason: error.to_string(),
                });
                outcomes.push(ContextOutcome {
                    name: context,
                    error: Some(error.to_string()),
                    operator: None,
                });
            }
        }
    }
    let selected = |id: &str| {
        (args.rules.is_empty() || args.rules.iter().any(|r| r == id))
            && !args.skip.iter().any(|s| s == id)
    };
    let members: Vec<checks::fleet::Member> = read
        .iter()
        .map(|(context, loaded)| checks::fleet::Member {
            context,
            snapshot: &loaded.snapshot,
        })
        .collect();
    let across = checks::fleet::run(&members, selected);
    // The namespace and NAMEs pick the findings shown, as they do within one context.
    findings.extend(across.into_iter().filter(|f| {
        let loaded = read
            .iter()
            .find(|(c, _)| Some(c) == f.context.as_ref())
            .map(|(_, l)| l);
        let in_scope = loaded
            .and_then(|l| l.row_namespace.as_ref())
            .is_none_or(|ns| *ns == f.object.namespace);
        in_scope && (args.names.is_empty() || args.names.contains(&f.object.name))
    }));
    findings.sort_by(|a, b| {
        (&a.context, &a.object, std::cmp::Reverse(a.severity), a.rule).cmp(&(
            &b.context,
            &b.object,
            std::cmp::Reverse(b.severity),
            b.rule,
        ))
    });
    let operators: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.operator.as_ref().map(|op| format!("{}: {op}", o.name)))
        .collect();
    if settings.format == OutputFormat::Sarif {
        return Err(CommandError::Usage(
            "-o sarif reports one cluster's findings (its files and lines): run it per context"
                .into(),
        ));
    }
    let text = render_report(
        settings,
        &Outcome {
            findings: &findings,
            monitors,
            not_checked: &not_checked_all,
            operator: &OperatorVersion::Unknown,
            operator_text: operators.join("; "),
            contexts: &outcomes,
        },
    );
    emit(&text);
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    let missing = super::report_not_found(&NAMED_KINDS, &args.names, &found);
    if failing(&findings, args.strict, &not_checked_all) || !missing.is_empty() {
        code = code.max(1);
    }
    Ok(code)
}

/// Whether `check` fails (exit 1): an active error, or with `--strict` a warning, an unresolved finding or
/// anything not checked.
fn failing(findings: &[Finding], strict: bool, not_checked: &[NotChecked]) -> bool {
    let active = || findings.iter().filter(|f| f.suppressed.is_none());
    active().any(|f| f.severity == Severity::Error)
        || (strict
            && (active().any(|f| f.severity == Severity::Warning || f.unresolved)
                || !not_checked.is_empty()))
}

/// What one `check` run found, for any `-o` but sarif.
struct Outcome<'a> {
    findings: &'a [Finding],
    monitors: usize,
    not_checked: &'a [NotChecked],
    operator: &'a OperatorVersion,
    /// The summary line's operator words (one per context across contexts).
    operator_text: String,
    contexts: &'a [crate::render::structured::ContextOutcome],
}

fn render_report(settings: &Settings, o: &Outcome) -> String {
    let summary = summarize(o.findings, o.monitors, o.not_checked);
    match settings.format {
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Sarif => {
            let report = Report {
                api_version: VIEW_API_VERSION,
                kind: "CheckReport",
                operator: o.operator,
                contexts: o.contexts,
                summary,
                findings: o.findings,
            };
            if settings.format == OutputFormat::Yaml {
                serde_saphyr::to_string(&report).unwrap_or_default()
            } else {
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                )
            }
        }
        // kubectl's `kind.group/name` of each object with an active finding, once, in report order.
        OutputFormat::Name => {
            let mut seen = BTreeSet::new();
            o.findings
                .iter()
                .filter(|f| f.suppressed.is_none() && seen.insert((&f.context, &f.object)))
                .map(|f| {
                    let name = match f.object.catalogue_kind() {
                        Some(kind) => crate::render::kind_object_name(kind, &f.object.name),
                        None => crate::render::object_name(f.object.kind, "", &f.object.name),
                    };
                    format!("{}\n", escape(&name))
                })
                .collect()
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let mut text = render_table(
                o.findings,
                settings.format == OutputFormat::Wide,
                settings.color,
            );
            text.push_str(&summary_line(
                o.findings,
                o.monitors,
                o.not_checked,
                &o.operator_text,
            ));
            text
        }
    }
}

fn summarize(findings: &[Finding], monitors: usize, not_checked: &[NotChecked]) -> Summary {
    let mut s = Summary {
        monitors,
        not_checked: not_checked.to_vec(),
        ..Summary::default()
    };
    let active = findings.iter().filter(|f| f.suppressed.is_none());
    for f in active {
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
    }
    s.suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    s.unresolved = findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.unresolved)
        .count();
    s.objects = findings
        .iter()
        .map(|f| &f.object)
        .collect::<BTreeSet<_>>()
        .len();
    s
}

fn summary_line(
    findings: &[Finding],
    monitors: usize,
    not_checked: &[NotChecked],
    operator: &str,
) -> String {
    let s = summarize(findings, monitors, not_checked);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = format!(
        "{}, {}, {} in {} ({} checked; {})",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        plural(s.objects, "object"),
        plural(s.monitors, "monitor"),
        operator
    );
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if findings.is_empty() {
        line = format!(
            "No findings ({} checked; {})",
            plural(s.monitors, "monitor"),
            operator
        );
    }
    // What the rules could not see is part of the verdict: said on the summary line, failed by --strict.
    if s.unresolved > 0 {
        line.push_str(&format!("; {} unresolved", s.unresolved));
    }
    if !s.not_checked.is_empty() {
        let kinds: Vec<String> = s
            .not_checked
            .iter()
            .map(|n| format!("{} ({})", n.resource, crate::render::escape(&n.reason)))
            .collect();
        line.push_str(&format!("; not checked: {}", kinds.join(", ")));
    }
    line.push('\n');
    line
}

/// Grouped by object: a heading line, then one line per finding with its hint below.
pub fn render_table(findings: &[Finding], wide: bool, color: bool) -> String {
    let mut out = String::new();
    let mut current = None;
    for f in findings {
        if current != Some((&f.context, &f.object)) {
            if current.is_some() {
                out.push('\n');
            }
            let ns = if f.object.namespace.is_empty() {
                String::new()
            } else {
                format!("{}/", f.object.namespace)
            };
            let context = f
                .context
                .as_ref()
                .map(|c| format!("[{}] ", escape(c)))
                .unwrap_or_default();
            out.push_str(&format!(
                "{context}{} {}\n",
                f.object.kind,
                escape(&format!("{ns}{}", f.object.name))
            ));
            current = Some((&f.context, &f.object));
        }
        let tone = match f.severity {
            Severity::Error => Tone::Bad,
            Severity::Warning => Tone::Warn,
            Severity::Info => Tone::Dim,
        };
        let label = if f.suppressed.is_some() {
            "suppressed"
        } else {
            f.severity.as_str()
        };
        let severity = paint(
            &format!("{label:<10}"),
            Some(tone).filter(|_| f.suppressed.is_none()),
            color,
        );
        out.push_str(&format!(
            "  {severity} {}  {}\n",
            f.rule,
            escape(&f.message)
        ));
        if let Some(reason) = &f.suppressed {
            out.push_str(&format!(
                "  {:<10} {:5}  suppressed: {}\n",
                "",
                "",
                escape(reason)
            ));
        } else if !f.hint.is_empty() {
            out.push_str(&format!(
                "  {:<10} {:5}  fix: {}\n",
                "",
                "",
                escape(&f.hint)
            ));
        }
        if wide {
            out.push_str(&format!("  {:<10} {:5}  rule: {}\n", "", "", f.title));
        }
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    out
}

/// The TidbMonitors that list a named cluster and the scrape objects that reach its pods, as `clusters` shows them
/// (MONITORED-BY), wherever they live: their findings are about how that cluster is monitored.
fn watchers_of_named_clusters(
    snapshot: &crate::snapshot::Snapshot,
    names: &[String],
    in_scope: &impl Fn(&str) -> bool,
) -> BTreeSet<(&'static str, String, String)> {
    let mut watching = BTreeSet::new();
    if names.is_empty() {
        return watching;
    }
    for view in crate::core::clusters::cluster_views(snapshot) {
        if !in_scope(&view.metadata.namespace) || !names.contains(&view.metadata.name) {
            continue;
        }
        for scraper in &view.scraped_by {
            watching.insert((
                scraper.kind,
                scraper.namespace.clone(),
                scraper.name.clone(),
            ));
        }
        // TidbMonitors are `ns/name`; scrape objects `kind/ns/name` (above).
        for monitor in &view.monitored_by {
            if let Some((namespace, name)) = monitor.split_once('/')
                && !name.contains('/')
            {
                watching.insert((Kind::TidbMonitor.kind_name(), namespace.into(), name.into()));
            }
        }
    }
    watching
}

/// The kinds `check NAME…` picks findings of: monitors and the clusters whose rules report on the cluster.
const NAMED_KINDS: [Kind; 4] = [
    Kind::TidbMonitor,
    Kind::TidbCluster,
    Kind::DmCluster,
    Kind::Cluster,
];

fn list_rules(format: OutputFormat, no_headers: bool) -> String {
    #[derive(Serialize)]
    struct RuleDoc {
        id: &'static str,
        severity: Severity,
        title: &'static str,
        explanation: &'static str,
        fix: &'static str,
    }
    let rules: Vec<RuleDoc> = checks::registry()
        .into_iter()
        .map(|r| RuleDoc {
            id: r.id,
            severity: r.severity,
            title: r.title,
            explanation: r.explanation,
            fix: r.fix,
        })
        .collect();
    match format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&rules).unwrap_or_default()
        ),
        OutputFormat::Yaml => serde_saphyr::to_string(&rules).unwrap_or_default(),
        OutputFormat::Name => rules.iter().map(|r| format!("{}\n", r.id)).collect(),
        _ => {
            let mut out = if no_headers {
                String::new()
            } else {
                format!("{:<6} {:<8} {}\n", "ID", "SEVERITY", "TITLE")
            };
            for r in &rules {
                out.push_str(&format!(
                    "{:<6} {:<8} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.title
                ));
            }
            out
        }
    }
}
