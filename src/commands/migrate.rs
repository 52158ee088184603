//! `migrate NAME… [--to prometheus-operator|victoriametrics]`: reads the TidbMonitors and the clusters they scrape,
//! builds the replacing stack (`crate::migrate`), and prints, writes or applies it exactly as `scaffold` does.

use std::path::Path;

use super::scaffold::{Header, check_output_flags, finish, operator_flag, target};
use super::{CommandError, Settings, load, report_problems};
use crate::cli::{MigrateArgs, MigrateTo};
use crate::migrate;
use crate::migrate::alerts::{RULE_FILE_SUFFIX, RuleFile, RulesDir};
use crate::render::OutputFormat;
use crate::snapshot::{Kind, Scope};
use crate::source::{OPERATOR, Query, Request};

pub fn run(settings: &Settings, args: &MigrateArgs) -> Result<i32, CommandError> {
    if args.verify {
        return verify(settings, args);
    }
    let to = match args.to {
        MigrateTo::PrometheusOperator => migrate::To::PrometheusOperator,
        MigrateTo::Victoriametrics => migrate::To::Victoriametrics,
    };
    check_output_flags(&args.output)?;
    let flag = operator_flag(args.operator_version.as_deref())?;
    if to == migrate::To::Victoriametrics && args.rules_dir.is_some() {
        return Err(CommandError::Usage(
            "--rules-dir makes PrometheusRules, which only --to prometheus-operator emits: --to victoriametrics carries no alert rules over (the header says what to do instead)".into(),
        ));
    }
    let rules_dir = args.rules_dir.as_deref().map(read_rules_dir).transpose()?;
    // The clusters a monitor names may sit in other namespaces (clusterScoped): read them cluster-wide. The
    // operator's Deployment (usually in tidb-admin) tells which Service port names the v1 objects need.
    let mut related = vec![
        Kind::TidbCluster,
        Kind::DmCluster,
        Kind::Cluster,
        Kind::Deployment,
        // The PodMonitors (VMPodScrapes) already in the clusters' namespaces: one of the same name that is not
        // this migration's is left alone rather than taken over (`migrate::foreign_owner`).
        match to {
            migrate::To::PrometheusOperator => Kind::PodMonitor,
            migrate::To::Victoriametrics => Kind::VmPodScrape,
        },
    ];
    related.extend(crate::core::scraping::group_kinds());
    // Only where the monitors are (all namespaces with -A): the monitors' claims and volumes for the plan; the
    // TLS client Secrets and drainer Services of their clusters, never listed cluster-wide for a named monitor.
    let auxiliary = vec![
        Kind::PersistentVolumeClaim,
        Kind::PersistentVolume,
        Kind::Secret,
        Kind::Service,
    ];
    let request = Request {
        primary: Kind::TidbMonitor,
        related,
        auxiliary,
        selected: vec![Kind::TidbMonitor],
        // Offline, the rule ConfigMaps come from the files; live, [`read_rule_config_maps`] reads them by name.
        keep_raw: vec![Kind::TidbMonitor, Kind::ConfigMap],
        narrow: vec![(Kind::Deployment, OPERATOR)],
    };
    let mut loaded = load(settings, &request)?;
    let skipped = report_problems(&loaded);
    // Only the monitors are restricted by -n and NAME: their clusters are wherever they are.
    if !super::scaffold::keep_named_monitors(&mut loaded, &args.names) {
        return Ok(1);
    }
    // Only prometheus-operator carries rules over; --to victoriametrics names them as not carried over unread.
    if !settings.offline() && to == migrate::To::PrometheusOperator {
        for warning in read_rule_config_maps(settings, &mut loaded)? {
            eprintln!("Warning: {}", crate::render::escape(&warning));
        }
    }
    let options = migrate::Options {
        target: target(&loaded.snapshot, flag),
        to,
        rules_dir,
    };
    let migration = migrate::build(&loaded.snapshot, &options)?;
    let result = migration.stack;
    // Applied, written to files, or printed as JSON or names, the objects carry no header: the plan goes to
    // stderr, where it does not mix with what scripts read.
    let headerless = args.output.apply
        || args.output.output_dir.is_some()
        || matches!(settings.format, OutputFormat::Json | OutputFormat::Name);
    if headerless {
        for line in &migration.plan {
            eprintln!("{}", crate::render::escape(line));
        }
    }
    // In the order the plans and objects follow.
    let mut monitors: Vec<(&str, &str)> = loaded
        .snapshot
        .monitors
        .iter()
        .map(|m| (m.metadata.namespace(), m.metadata.name.as_str()))
        .collect();
    monitors.sort();
    let inputs: Vec<String> = monitors
        .iter()
        .map(|(ns, name)| format!("TidbMonitor {ns}/{name}"))
        .collect();
    let mut described = format!("to={}", to.name());
    if let Some(version) = flag {
        described.push_str(&format!(" operator-version={version}"));
    }
    let mut notes = migration.plan.clone();
    notes.extend(result.notes.iter().cloned());
    finish(
        settings,
        &Header {
            command: "migrate",
            inputs: &inputs,
            options: &described,
            notes: &notes,
        },
        result,
        &args.output,
        skipped,
    )
}

/// The ConfigMaps the monitors' `prometheus.config.ruleConfigRef` name, data included (ConfigMaps, never
/// Secrets): one LIST per ConfigMap, narrowed by a field selector to its name in the monitor's namespace, where
/// tidb-operator mounts it from (util.go:921-931). Read only when a monitor names one.
fn read_rule_config_maps(
    settings: &Settings,
    loaded: &mut super::Loaded,
) -> Result<Vec<String>, CommandError> {
    let mut wanted: Vec<(String, String)> = loaded
        .snapshot
        .monitors
        .iter()
        .filter_map(|m| {
            let reference = m
                .spec
                .prometheus
                .as_ref()?
                .config
                .as_ref()?
                .rule_config_ref
                .as_ref()?;
            (!reference.name.is_empty())
                .then(|| (m.metadata.namespace().to_string(), reference.name.clone()))
        })
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let queries: Vec<Query> = wanted
        .iter()
        .map(|(ns, name)| Query::by_name(Kind::ConfigMap, Scope::Namespace(ns.clone()), name))
        .collect();
    let options = super::live_options(settings);
    let (part, warnings) = super::runtime()?.block_on(async {
        let connection = crate::source::live::connect(&options).await?;
        connection.read_keeping(&queries, None, true).await
    })?;
    loaded.snapshot.merge(part);
    Ok(warnings)
}

/// `--rules-dir DIR`: its `*.rules.yml` files (the names Prometheus loaded, template.go:481), by name.
fn read_rules_dir(dir: &Path) -> Result<RulesDir, CommandError> {
    let failed =
        |e: std::io::Error| CommandError::Usage(format!("--rules-dir {}: {e}", dir.display()));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(RULE_FILE_SUFFIX) || !entry.path().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| {
            CommandError::Usage(format!("--rules-dir {}: {name}: {e}", dir.display()))
        })?;
        files.push(RuleFile { name, text });
    }
    if files.is_empty() {
        return Err(CommandError::Usage(format!(
            "--rules-dir {}: no *{RULE_FILE_SUFFIX} file in it (copy the monitor's {} there first)",
            dir.display(),
            crate::migrate::alerts::BUILT_IN_RULES
        )));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(RulesDir {
        path: dir.display().to_string(),
        files,
    })
}

/// `--verify`: the monitors, the clusters they cover, and the stack that replaces them (Prometheus objects, the
/// scrape objects, the Namespaces their selectors name), each kind listed once.
fn verify(settings: &Settings, args: &MigrateArgs) -> Result<i32, CommandError> {
    if settings.format == OutputFormat::Name {
        return Err(CommandError::Usage(
            "--verify prints a report: use -o json or yaml for scripts".into(),
        ));
    }
    let to = match args.to {
        MigrateTo::PrometheusOperator => migrate::To::PrometheusOperator,
        MigrateTo::Victoriametrics => migrate::To::Victoriametrics,
    };
    let mut related = vec![
        Kind::TidbCluster,
        Kind::DmCluster,
        Kind::Cluster,
        Kind::Namespace,
    ];
    let mut keep_raw = vec![Kind::TidbMonitor];
    match to {
        migrate::To::PrometheusOperator => {
            related.extend([
                Kind::Prometheus,
                Kind::PrometheusAgent,
                Kind::PodMonitor,
                Kind::ServiceMonitor,
            ]);
            keep_raw.push(Kind::Prometheus);
        }
        migrate::To::Victoriametrics => {
            related.extend([
                Kind::VmAgent,
                Kind::VmSingle,
                Kind::VmPodScrape,
                Kind::VmServiceScrape,
            ]);
            keep_raw.extend([Kind::VmAgent, Kind::VmSingle]);
        }
    }
    related.extend(crate::core::scraping::group_kinds());
    let request = Request {
        primary: Kind::TidbMonitor,
        related,
        auxiliary: Vec::new(),
        selected: vec![Kind::TidbMonitor],
        keep_raw,
        narrow: Vec::new(),
    };
    let mut loaded = load(settings, &request)?;
    let skipped = report_problems(&loaded);
    if !super::scaffold::keep_named_monitors(&mut loaded, &args.names) {
        return Ok(1);
    }
    let verifications = migrate::verify::verify(&loaded.snapshot, to);
    let text = match settings.format {
        OutputFormat::Json => {
            crate::render::structured::json("MigrationVerificationList", &verifications)
        }
        OutputFormat::Yaml => {
            crate::render::structured::yaml("MigrationVerificationList", &verifications)
        }
        _ => render_verifications(&verifications),
    };
    super::emit(&text);
    let clean = verifications.iter().all(|v| v.clean());
    Ok(if clean && !skipped { 0 } else { 1 })
}

fn render_verifications(verifications: &[migrate::verify::Verification]) -> String {
    let mut lines = Vec::new();
    for v in verifications {
        let verdict = match (v.differences.len(), v.unverified.len()) {
            (0, 0) => "no difference".to_string(),
            (0, n) => format!("{n} thing(s) not verified"),
            (1, _) => "1 difference".to_string(),
            (n, _) => format!("{n} differences"),
        };
        lines.push(format!(
            "TidbMonitor {} → {}: {verdict}",
            v.monitor, v.stack
        ));
        lines.extend(v.differences.iter().map(|d| format!("  - {d}")));
        lines.extend(
            v.unverified
                .iter()
                .map(|u| format!("  ? not verified: {u}")),
        );
        if !v.compared.is_empty() {
            lines.push(format!("  compared: {}", v.compared.join("; ")));
        }
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(&crate::render::escape(&line));
        out.push('\n');
    }
    out
}
