//! `check`: run the rule registry over a snapshot; a table grouped by object, or JSON/YAML; CI exit codes.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{CommandError, Settings, emit, load, report_problems};
use crate::checks::{self, Context, Finding, OperatorVersion, Severity, Version, operator};
use crate::cli::CheckArgs;
use crate::core::{VIEW_API_VERSION, scraping};
use crate::render::OutputFormat;
use crate::render::style::{Tone, paint};
use crate::snapshot::Kind;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    api_version: &'static str,
    kind: &'static str,
    operator: &'a OperatorVersion,
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize, Default)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    objects: usize,
    monitors: usize,
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
        emit(&list_rules(settings.format));
        return Ok(0);
    }
    let flag = args
        .operator_version
        .as_deref()
        .map(|v| {
            v.parse::<Version>()
                .map_err(|e| CommandError::Usage(format!("--operator-version: {e}")))
        })
        .transpose()?;
    let loaded = load(settings, &request())?;
    let skipped = report_problems(&loaded);
    let context = Context {
        operator: operator::operator_version(&loaded.snapshot, flag),
        all_namespaces: loaded.row_namespace.is_none(),
        offline: settings.offline(),
    };
    let selected = |id: &str| {
        (args.rules.is_empty() || args.rules.iter().any(|r| r == id))
            && !args.skip.iter().any(|s| s == id)
    };
    let mut findings = checks::run(&loaded.snapshot, &context, selected);
    if let Some(ns) = &loaded.row_namespace {
        findings.retain(|f| &f.object.namespace == ns);
    }
    let monitors = loaded
        .snapshot
        .monitors
        .iter()
        .filter(|m| {
            loaded
                .row_namespace
                .as_ref()
                .is_none_or(|ns| m.metadata.namespace() == ns)
        })
        .count();
    let summary = summarize(&findings, monitors);
    let text = match settings.format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let report = Report {
                api_version: VIEW_API_VERSION,
                kind: "CheckReport",
                operator: &context.operator,
                summary,
                findings: &findings,
            };
            if settings.format == OutputFormat::Json {
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                )
            } else {
                serde_saphyr::to_string(&report).unwrap_or_default()
            }
        }
        OutputFormat::Name => findings
            .iter()
            .map(|f| {
                format!(
                    "{}/{}/{}/{}\n",
                    f.rule,
                    f.object.kind.to_lowercase(),
                    f.object.namespace,
                    f.object.name
                )
            })
            .collect(),
        OutputFormat::Table | OutputFormat::Wide => {
            let mut text = render_table(
                &findings,
                settings.format == OutputFormat::Wide,
                settings.color,
            );
            text.push_str(&summary_line(&findings, monitors, &context));
            text
        }
    };
    emit(&text);
    let failing = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning));
    Ok(if failing || skipped { 1 } else { 0 })
}

fn summarize(findings: &[Finding], monitors: usize) -> Summary {
    let mut s = Summary {
        monitors,
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
    s.objects = findings
        .iter()
        .map(|f| &f.object)
        .collect::<BTreeSet<_>>()
        .len();
    s
}

fn summary_line(findings: &[Finding], monitors: usize, context: &Context) -> String {
    let s = summarize(findings, monitors);
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
        context.operator.describe()
    );
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if findings.is_empty() {
        line = format!(
            "No findings ({} checked; {})",
            plural(s.monitors, "monitor"),
            context.operator.describe()
        );
    }
    line.push('\n');
    line
}

/// Grouped by object: a heading line, then one line per finding with its hint below.
fn render_table(findings: &[Finding], wide: bool, color: bool) -> String {
    use crate::render::escape;
    let mut out = String::new();
    let mut current = None;
    for f in findings {
        if current != Some(&f.object) {
            if current.is_some() {
                out.push('\n');
            }
            let ns = if f.object.namespace.is_empty() {
                String::new()
            } else {
                format!("{}/", f.object.namespace)
            };
            out.push_str(&format!(
                "{} {}\n",
                f.object.kind,
                escape(&format!("{ns}{}", f.object.name))
            ));
            current = Some(&f.object);
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

fn list_rules(format: OutputFormat) -> String {
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
            let mut out = format!("{:<6} {:<8} {}\n", "ID", "SEVERITY", "TITLE");
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
