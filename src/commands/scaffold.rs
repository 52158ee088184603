//! `scaffold servicemonitor|podmonitor|vmpodscrape|vmservicescrape|thanos`: build manifests from a snapshot, then print them (YAML with a header, or
//! JSON), write one file per object (`--output-dir`, atomic, never outside DIR, no overwrite without
//! `--force`), or server-side apply them (`--apply`, `--dry-run=client|server`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{CommandError, Settings, emit, live_options, load, report_problems, runtime};
use crate::checks::operator::{self, Version};
use crate::cli::{DryRun, MonitorKindArg, ScaffoldCommand, ScaffoldOutput};
use crate::render::OutputFormat;
use crate::scaffold::versions::Target;
use crate::scaffold::{self, Scaffold, ScaffoldError, identity, servicemonitor, thanos, v2};
use crate::snapshot::{Kind, Snapshot};
use crate::source::{OPERATOR, Request, live};

impl From<ScaffoldError> for CommandError {
    fn from(e: ScaffoldError) -> Self {
        CommandError::Usage(e.to_string())
    }
}

/// Output flags that cannot act together are refused before anything is read, never silently dropped.
pub(super) fn check_output_flags(output: &ScaffoldOutput) -> Result<(), CommandError> {
    let refuse = |text: &str| Err(CommandError::Usage(text.into()));
    // `--dry-run=none` is kubectl's default, so it asks for nothing.
    let dry_run = output
        .dry_run
        .filter(|d| !matches!(d, crate::cli::DryRun::None));
    if dry_run.is_some() && !output.apply {
        return refuse(
            "--dry-run only applies to --apply (without --apply nothing is sent: the YAML is printed)",
        );
    }
    if output.apply && output.output_dir.is_some() {
        return refuse(
            "--apply and --output-dir exclude each other: apply the objects, or write files",
        );
    }
    if output.force && output.output_dir.is_none() {
        return refuse("--force only applies to --output-dir (it overwrites existing files)");
    }
    Ok(())
}

pub fn run(settings: &Settings, command: &ScaffoldCommand) -> Result<i32, CommandError> {
    let output = match command {
        ScaffoldCommand::Servicemonitor(args) => &args.output,
        ScaffoldCommand::Podmonitor(args)
        | ScaffoldCommand::Vmpodscrape(args)
        | ScaffoldCommand::Vmservicescrape(args) => &args.output,
        ScaffoldCommand::Thanos(args) => &args.output,
    };
    check_output_flags(output)?;
    match command {
        ScaffoldCommand::Servicemonitor(args) => {
            let kind = match args.kind {
                MonitorKindArg::Servicemonitor => servicemonitor::MonitorKind::ServiceMonitor,
                MonitorKindArg::Podmonitor => servicemonitor::MonitorKind::PodMonitor,
            };
            let command = ScrapeCommand {
                name: "scaffold servicemonitor",
                kind,
                names: &args.names,
                prometheus_labels: &args.prometheus_labels,
                operator_version: args.operator_version.as_deref(),
                output: &args.output,
            };
            scrape(settings, &command)
        }
        ScaffoldCommand::Podmonitor(args)
        | ScaffoldCommand::Vmpodscrape(args)
        | ScaffoldCommand::Vmservicescrape(args) => {
            let (name, kind) = match command {
                ScaffoldCommand::Podmonitor(_) => (
                    "scaffold podmonitor",
                    servicemonitor::MonitorKind::PodMonitor,
                ),
                ScaffoldCommand::Vmpodscrape(_) => (
                    "scaffold vmpodscrape",
                    servicemonitor::MonitorKind::VmPodScrape,
                ),
                _ => (
                    "scaffold vmservicescrape",
                    servicemonitor::MonitorKind::VmServiceScrape,
                ),
            };
            let command = ScrapeCommand {
                name,
                kind,
                names: &args.names,
                prometheus_labels: &args.prometheus_labels,
                operator_version: args.operator_version.as_deref(),
                output: &args.output,
            };
            scrape(settings, &command)
        }
        ScaffoldCommand::Thanos(args) => {
            if let Some(provider) = &args.objstore_skeleton {
                let skeleton = thanos::objstore_skeleton(provider).ok_or_else(|| {
                    CommandError::Usage(format!(
                        "--objstore-skeleton {provider:?}: use s3, gcs or azure"
                    ))
                })?;
                eprintln!(
                    "# object storage config skeleton ({provider}); store it in the Secret named by --objstore-secret\n{skeleton}"
                );
            }
            let objstore = args
                .objstore_secret
                .as_deref()
                .map(|text| {
                    let (name, key) = text.split_once(':').unwrap_or((text, "objstore.yml"));
                    scaffold::validate_name("--objstore-secret", name)?;
                    if key.is_empty()
                        || !key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    {
                        return Err(ScaffoldError::Refused(format!(
                            "--objstore-secret key {key:?} is not a valid Secret key"
                        )));
                    }
                    Ok((name.to_string(), key.to_string()))
                })
                .transpose()?;
            let flag = operator_flag(args.operator_version.as_deref())?;
            let request = thanos_request(args.grafana);
            if let Some(contexts) = settings.contexts()? {
                let grpc_tls = args.grpc_tls_secret.clone().map(|secret| thanos::GrpcTls {
                    secret,
                    server_name: args.grpc_tls_server_name.clone(),
                });
                return thanos_in_contexts(settings, args, &contexts, objstore, grpc_tls, flag);
            }
            if !args.endpoints.is_empty() || args.query_context.is_some() {
                return Err(CommandError::Usage(
                    "--endpoint and --query-context join the sidecars of several contexts: use them with --context a,b or --all-contexts".into(),
                ));
            }
            let mut loaded = load(settings, &request)?;
            let skipped = report_problems(&loaded);
            // Only the monitors are restricted by -n and NAME (as in migrate): the clusters --grafana reads are
            // wherever the monitors' references put them.
            if !keep_named_monitors(&mut loaded, &args.names) {
                return Ok(1);
            }
            // --query-namespace, else -n, else the context's namespace: with -A (which -n cannot join) the
            // flag is the only way to put the querier somewhere other than the context's namespace.
            let query_namespace = args
                .query_namespace
                .clone()
                .unwrap_or_else(|| loaded.default_namespace.clone());
            let what = if args.query_namespace.is_some() {
                "--query-namespace"
            } else {
                "querier namespace"
            };
            scaffold::validate_name(what, &query_namespace)?;
            let grpc_tls = match &args.grpc_tls_secret {
                Some(secret) => {
                    scaffold::validate_name("--grpc-tls-secret", secret)?;
                    if let Some(name) = &args.grpc_tls_server_name {
                        scaffold::validate_name("--grpc-tls-server-name", name)?;
                    }
                    Some(thanos::GrpcTls {
                        secret: secret.clone(),
                        server_name: args.grpc_tls_server_name.clone(),
                    })
                }
                None => None,
            };
            let options = thanos::Options {
                namespace: query_namespace,
                objstore,
                grpc_tls,
                target: target(&loaded.snapshot, flag),
                grafana: args.grafana,
                ..Default::default()
            };
            let result = thanos::thanos(&loaded.snapshot, &options)?;
            let inputs: Vec<String> = loaded
                .snapshot
                .monitors
                .iter()
                .map(|m| format!("TidbMonitor {}/{}", m.metadata.namespace(), m.metadata.name))
                .collect();
            let mut described = format!("querier-namespace={}", options.namespace);
            if let Some(version) = flag {
                described.push_str(&format!(" operator-version={version}"));
            }
            if let Some((name, key)) = &options.objstore {
                described.push_str(&format!(" objstore-secret={name}:{key}"));
            }
            if let Some(tls) = &options.grpc_tls {
                described.push_str(&format!(" grpc-tls-secret={}", tls.secret));
            }
            if options.grafana {
                described.push_str(" grafana");
            }
            let notes = result.notes.clone();
            finish(
                settings,
                &Header {
                    command: "scaffold thanos",
                    inputs: &inputs,
                    options: &described,
                    notes: &notes,
                },
                result,
                &args.output,
                skipped,
            )
        }
    }
}

/// What `scaffold thanos` reads: the monitors, and the operator's Deployment (usually in tidb-admin), which tells
/// which TidbMonitor CRD applies.
/// What `scaffold thanos` reads: the monitors, and the operator's Deployment (usually in tidb-admin), which tells
/// which TidbMonitor CRD applies. With `--grafana`, the clusters too: the Grafana's initializer takes its cluster
/// name, namespace and timezone from the first listed TidbCluster (and its DM dashboards from the first
/// DMCluster), wherever they are.
fn thanos_request(grafana: bool) -> Request {
    let mut related = vec![Kind::Deployment];
    if grafana {
        related.extend([Kind::TidbCluster, Kind::DmCluster]);
    }
    Request {
        primary: Kind::TidbMonitor,
        related,
        auxiliary: vec![],
        selected: vec![Kind::TidbMonitor],
        keep_raw: vec![Kind::TidbMonitor],
        narrow: vec![(Kind::Deployment, OPERATOR)],
    }
}

/// `scaffold thanos --context a,b,c`: one Thanos Query, in the query context, reading its own context's sidecars
/// through their headless Services and every other context's at the `--endpoint CONTEXT=HOST:PORT` the user
/// names (nothing in one Kubernetes cluster can resolve another's Services); each context gets its monitors'
/// sidecars and sidecar Services. Refused, before anything is written, when a context cannot be read, lacks an
/// endpoint, or two contexts' monitors carry the same external labels (Thanos requires them unique, and the
/// series would merge: TM080). Each context's part is printed under its own header, applied to that context, or
/// written to `--output-dir DIR/CONTEXT`.
fn thanos_in_contexts(
    settings: &Settings,
    args: &crate::cli::ThanosArgs,
    contexts: &[String],
    objstore: Option<(String, String)>,
    grpc_tls: Option<thanos::GrpcTls>,
    flag: Option<crate::checks::Version>,
) -> Result<i32, CommandError> {
    let query_context = args
        .query_context
        .clone()
        .unwrap_or_else(|| contexts[0].clone());
    if !contexts.contains(&query_context) {
        return Err(CommandError::Usage(format!(
            "--query-context {query_context:?} is not one of the contexts read ({})",
            contexts.join(", ")
        )));
    }
    let mut endpoints: std::collections::BTreeMap<String, String> = Default::default();
    for entry in &args.endpoints {
        let Some((context, address)) = entry.split_once('=') else {
            return Err(CommandError::Usage(format!(
                "--endpoint {entry:?}: use CONTEXT=HOST:PORT"
            )));
        };
        let valid = address
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !contexts.iter().any(|c| c == context) || !valid {
            return Err(CommandError::Usage(format!(
                "--endpoint {entry:?}: CONTEXT must be one of {} and the address HOST:PORT",
                contexts.join(", ")
            )));
        }
        endpoints.insert(context.to_string(), address.to_string());
    }
    let mut parts = Vec::new();
    let mut skipped = false;
    for load in super::load_contexts(settings, contexts, &thanos_request(args.grafana), |_| {
        Vec::new()
    })? {
        let context = load.context;
        let mut loaded = load.outcome.map_err(|e| {
            CommandError::Usage(format!(
                "context {context}: {e}; every context's part of one Thanos is needed, so nothing was generated"
            ))
        })?;
        skipped |= report_problems(&loaded);
        // Only the monitors are restricted by -n and NAME (a NAME may exist in some contexts only); the clusters
        // --grafana reads are wherever the monitors' references put them.
        let ns = loaded.row_namespace.clone();
        loaded.snapshot.monitors.retain(|m| {
            ns.as_ref().is_none_or(|n| m.metadata.namespace() == n)
                && (args.names.is_empty() || args.names.contains(&m.metadata.name))
        });
        parts.push((context, loaded));
    }
    // Distinct external labels first: the fleet rule's predicate (TM080), on every pair across contexts.
    for (i, (a_context, a)) in parts.iter().enumerate() {
        for (b_context, b) in &parts[i + 1..] {
            for ma in &a.snapshot.monitors {
                if let Some(mb) = b
                    .snapshot
                    .monitors
                    .iter()
                    .find(|mb| crate::checks::fleet::indistinguishable(ma, mb))
                {
                    return Err(CommandError::Usage(format!(
                        "TidbMonitor {}/{} (context {a_context}) and {}/{} (context {b_context}) carry the same external labels, so one Thanos Query would merge their series (TM080): give each an external label naming its Kubernetes cluster, e.g. externalLabels: {{k8s_cluster: {a_context}}}, then scaffold again",
                        ma.metadata.namespace(),
                        ma.metadata.name,
                        mb.metadata.namespace(),
                        mb.metadata.name
                    )));
                }
            }
        }
    }
    let mut remote_endpoints = Vec::new();
    let mut remote_replica_labels = std::collections::BTreeSet::new();
    for (context, loaded) in &parts {
        if *context == query_context || loaded.snapshot.monitors.is_empty() {
            continue;
        }
        let Some(address) = endpoints.get(context) else {
            return Err(CommandError::Usage(format!(
                "context {context}: name where the Thanos Query in {query_context} reaches its sidecars: --endpoint {context}=HOST:PORT (a LoadBalancer or gRPC Ingress over its sidecar Services)"
            )));
        };
        remote_endpoints.push(address.clone());
        remote_replica_labels.extend(
            loaded
                .snapshot
                .monitors
                .iter()
                .filter_map(thanos::replica_label),
        );
    }
    if parts
        .iter()
        .any(|(context, loaded)| *context == query_context && loaded.snapshot.monitors.is_empty())
    {
        return Err(CommandError::Usage(format!(
            "context {query_context} (the query context) has no TidbMonitor selected, so no Thanos Query would run: choose another with --query-context"
        )));
    }
    // Every context's part is built before any is printed, written or applied: one that is refused leaves
    // nothing half-done.
    let mut built = Vec::new();
    for (context, loaded) in &parts {
        if loaded.snapshot.monitors.is_empty() {
            eprintln!("Warning: context {context}: no TidbMonitor selected; nothing for it");
            continue;
        }
        let is_query = *context == query_context;
        let query_namespace = args
            .query_namespace
            .clone()
            .unwrap_or_else(|| loaded.default_namespace.clone());
        scaffold::validate_name("querier namespace", &query_namespace)?;
        let options = thanos::Options {
            namespace: query_namespace,
            objstore: objstore.clone().filter(|_| is_query),
            grpc_tls: grpc_tls.clone(),
            target: target(&loaded.snapshot, flag),
            remote_endpoints: if is_query {
                remote_endpoints.clone()
            } else {
                Vec::new()
            },
            remote_replica_labels: if is_query {
                remote_replica_labels.clone()
            } else {
                Default::default()
            },
            sidecars_only: !is_query,
            // One Grafana, beside the one Thanos Query, following this context's monitors (their clusters are
            // the ones its initializer can name).
            grafana: args.grafana && is_query,
        };
        let mut result = thanos::thanos(&loaded.snapshot, &options)?;
        result.notes.insert(
            0,
            if is_query {
                format!(
                    "context {context}: the Thanos Query, reading this context's sidecars and {}",
                    if remote_endpoints.is_empty() {
                        "no other".to_string()
                    } else {
                        remote_endpoints.join(", ")
                    }
                )
            } else {
                format!(
                    "context {context}: sidecars only; the Thanos Query in context {query_context} dials them at {}: expose the sidecar Services there",
                    endpoints.get(context).cloned().unwrap_or_default()
                )
            },
        );
        let inputs: Vec<String> = loaded
            .snapshot
            .monitors
            .iter()
            .map(|m| format!("TidbMonitor {}/{}", m.metadata.namespace(), m.metadata.name))
            .collect();
        built.push((context, inputs, result));
    }
    let mut code = 0;
    for (context, inputs, result) in built {
        let described = format!("context={context} query-context={query_context}");
        let notes = result.notes.clone();
        let mut local = settings.clone();
        local.global.context = Some(context.clone());
        local.global.all_contexts = false;
        let mut output = args.output.clone();
        // A context name may be an ARN with slashes, or `.`: one directory of its own all the same.
        let directory = match context.replace(['/', '\\'], "_") {
            dots if dots.chars().all(|c| c == '.') => dots.replace('.', "_"),
            name => name,
        };
        output.output_dir = output.output_dir.map(|dir| dir.join(directory));
        let part = finish(
            &local,
            &Header {
                command: "scaffold thanos",
                inputs: &inputs,
                options: &described,
                notes: &notes,
            },
            result,
            &output,
            skipped,
        )?;
        code = code.max(part);
    }
    Ok(code)
}

/// What `scaffold servicemonitor|podmonitor|vmpodscrape|vmservicescrape` were asked for.
struct ScrapeCommand<'a> {
    name: &'static str,
    kind: servicemonitor::MonitorKind,
    names: &'a [String],
    prometheus_labels: &'a [String],
    operator_version: Option<&'a str>,
    output: &'a ScaffoldOutput,
}

/// `--operator-version`, parsed as `check` parses it.
pub(super) fn operator_flag(text: Option<&str>) -> Result<Option<Version>, CommandError> {
    text.map(|v| {
        v.parse::<Version>()
            .map_err(|e| CommandError::Usage(format!("--operator-version: {e}")))
    })
    .transpose()
}

/// The operator the output is for: the flag, else the controller Deployment's image, as `check` detects it.
pub(super) fn target(snapshot: &Snapshot, flag: Option<Version>) -> Target {
    Target::new(operator::operator_version(snapshot, flag))
}

/// Scrape objects for v1 TidbClusters and DMClusters (`scaffold::servicemonitor`) and v2 Clusters
/// (`scaffold::v2`). v2 kinds are auxiliary: an estate without tidb-operator v2's CRDs only shows gaps.
fn scrape(settings: &Settings, command: &ScrapeCommand) -> Result<i32, CommandError> {
    let mut prometheus_labels = BTreeMap::new();
    for text in command.prometheus_labels {
        let (k, v) = scaffold::parse_label(text)?;
        prometheus_labels.insert(k, v);
    }
    let flag = operator_flag(command.operator_version)?;
    let mut auxiliary = vec![Kind::DmCluster, Kind::Cluster];
    auxiliary.extend(crate::core::scraping::group_kinds());
    auxiliary.extend([Kind::Secret, Kind::Service]);
    let request = Request {
        primary: Kind::TidbCluster,
        // Prometheus objects usually sit in a monitoring namespace, the operator in tidb-admin: whether a
        // Prometheus loads the output, and which port names the operator gave its Services, are read there.
        related: crate::core::scraping::SELECTION_KINDS
            .into_iter()
            .chain([Kind::Deployment])
            .collect(),
        auxiliary,
        selected: vec![Kind::TidbCluster, Kind::DmCluster, Kind::Cluster],
        keep_raw: vec![],
        narrow: vec![(Kind::Deployment, OPERATOR)],
    };
    let mut loaded = load(settings, &request)?;
    let skipped = report_problems(&loaded);
    restrict(&mut loaded, command.names);
    let snapshot = &loaded.snapshot;
    let found: Vec<&str> = snapshot
        .clusters
        .iter()
        .map(|c| c.metadata.name.as_str())
        .chain(
            snapshot
                .dm_clusters
                .iter()
                .map(|c| c.metadata.name.as_str()),
        )
        .chain(
            snapshot
                .v2_clusters
                .iter()
                .map(|c| c.metadata.name.as_str()),
        )
        .collect();
    let kinds = [Kind::TidbCluster, Kind::DmCluster, Kind::Cluster];
    if !super::report_not_found(&kinds, command.names, &found).is_empty() {
        return Ok(1);
    }
    let options = servicemonitor::Options {
        kind: command.kind,
        prometheus_labels,
        target: target(snapshot, flag),
    };
    let mut result = servicemonitor::service_monitors(snapshot, &options);
    let v2_result = v2::scrape_objects(snapshot, &options);
    result.objects.extend(v2_result.objects);
    result.warnings.extend(v2_result.warnings);
    result.notes.extend(v2_result.notes);
    let loading = servicemonitor::prometheus_check(snapshot, command.kind, &result.objects);
    result.warnings.extend(loading.warning);
    result.notes.extend(loading.note);
    let mut inputs: Vec<String> = snapshot
        .clusters
        .iter()
        .map(|c| format!("TidbCluster {}/{}", c.metadata.namespace(), c.metadata.name))
        .collect();
    inputs.extend(
        snapshot
            .dm_clusters
            .iter()
            .map(|c| format!("DMCluster {}/{}", c.metadata.namespace(), c.metadata.name)),
    );
    inputs.extend(
        snapshot
            .v2_clusters
            .iter()
            .map(|c| format!("Cluster {}/{}", c.metadata.namespace(), c.metadata.name)),
    );
    let kind_name = match command.kind {
        servicemonitor::MonitorKind::ServiceMonitor => "servicemonitor",
        servicemonitor::MonitorKind::PodMonitor => "podmonitor",
        servicemonitor::MonitorKind::VmServiceScrape => "vmservicescrape",
        servicemonitor::MonitorKind::VmPodScrape => "vmpodscrape",
    };
    let mut described = format!("kind={kind_name}");
    for (k, v) in &options.prometheus_labels {
        described.push_str(&format!(" prometheus-label={k}={v}"));
    }
    if let Some(version) = flag {
        described.push_str(&format!(" operator-version={version}"));
    }
    let mut notes = v2::dashboard_notes(snapshot);
    notes.extend(result.notes.iter().cloned());
    finish(
        settings,
        &Header {
            command: command.name,
            inputs: &inputs,
            options: &described,
            notes: &notes,
        },
        result,
        command.output,
        skipped,
    )
}

/// Keeps the rows the command was asked for: the namespace scope and the named objects.
pub(super) fn restrict(loaded: &mut super::Loaded, names: &[String]) {
    let ns = loaded.row_namespace.clone();
    let keep = |meta: &crate::model::ObjectMeta| {
        ns.as_ref().is_none_or(|n| meta.namespace() == n)
            && (names.is_empty() || names.contains(&meta.name))
    };
    loaded.snapshot.clusters.retain(|c| keep(&c.metadata));
    loaded.snapshot.dm_clusters.retain(|c| keep(&c.metadata));
    loaded.snapshot.v2_clusters.retain(|c| keep(&c.metadata));
    loaded.snapshot.monitors.retain(|c| keep(&c.metadata));
}

/// Keeps the monitors of the rows' namespace and the NAMEs given, and reports each NAME not found (kubectl's
/// NotFound line). Returns false when one is missing: nothing is generated for a partial list, since applied or
/// written it would look complete.
pub(super) fn keep_named_monitors(loaded: &mut super::Loaded, names: &[String]) -> bool {
    let ns = loaded.row_namespace.clone();
    loaded.snapshot.monitors.retain(|m| {
        ns.as_ref().is_none_or(|n| m.metadata.namespace() == n)
            && (names.is_empty() || names.contains(&m.metadata.name))
    });
    let found: Vec<&str> = loaded
        .snapshot
        .monitors
        .iter()
        .map(|m| m.metadata.name.as_str())
        .collect();
    super::report_not_found(&[Kind::TidbMonitor], names, &found).is_empty()
}

/// The comment block above YAML output.
pub(super) struct Header<'a> {
    /// The plugin's command line words, e.g. `scaffold thanos`.
    pub(super) command: &'a str,
    pub(super) inputs: &'a [String],
    pub(super) options: &'a str,
    /// Further lines, e.g. how to point TiDB Dashboard at the Prometheus.
    pub(super) notes: &'a [String],
}

fn header(h: &Header) -> String {
    let command = h.command;
    let mut text = format!(
        "# Generated by kubectl-tidbmonitor {} ({command}); review before applying.\n",
        crate::VERSION
    );
    text.push_str(&format!("# Options: {}\n", h.options));
    text.push_str(&format!(
        "# Inputs: {}\n",
        if h.inputs.is_empty() {
            "none".to_string()
        } else {
            crate::render::escape(&h.inputs.join(", ")).into_owned()
        }
    ));
    // Notes and inputs carry names from manifests: a control character must not end the comment line.
    for note in h.notes {
        text.push_str(&format!("# {}\n", crate::render::escape(note)));
    }
    text
}

/// kubectl's `-o name` for a generated manifest: `kind.group/name` (`podmonitor.monitoring.coreos.com/basic-pd`).
fn object_name(object: &Value) -> String {
    let (kind, _, name) = identity(object);
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    crate::render::object_name(&kind, api_version, &name)
}

pub fn render_yaml(objects: &[Value]) -> String {
    let mut text = String::new();
    for object in objects {
        text.push_str("---\n");
        text.push_str(&serde_saphyr::to_string(object).unwrap_or_default());
    }
    text
}

pub(super) fn finish(
    settings: &Settings,
    header_text: &Header,
    result: Scaffold,
    output: &ScaffoldOutput,
    skipped: bool,
) -> Result<i32, CommandError> {
    for warning in &result.warnings {
        eprintln!("Warning: {}", crate::render::escape(warning));
    }
    if result.objects.is_empty() {
        return Err(CommandError::Usage(
            "nothing to scaffold: no cluster or monitor matched".into(),
        ));
    }
    if output.apply {
        let dry_run = output.dry_run.unwrap_or(DryRun::None);
        if settings.offline() && dry_run != DryRun::Client {
            return Err(CommandError::Usage(
                "--apply talks to the cluster; with -f use --dry-run=client or drop --apply".into(),
            ));
        }
        return apply(settings, &result.objects, dry_run).map(|()| if skipped { 1 } else { 0 });
    }
    if let Some(dir) = &output.output_dir {
        write_dir(dir, &result.objects, output.force, settings.format)?;
        return Ok(if skipped { 1 } else { 0 });
    }
    let text = match settings.format {
        // -o sarif is refused before any command but check runs.
        OutputFormat::Json | OutputFormat::Sarif => {
            let list =
                serde_json::json!({"apiVersion": "v1", "kind": "List", "items": result.objects});
            format!(
                "{}\n",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )
        }
        OutputFormat::Name => result
            .objects
            .iter()
            .map(|o| format!("{}\n", crate::render::escape(&object_name(o))))
            .collect(),
        _ => {
            // One object at a time: thousands of monitors never become one output string.
            emit(&header(header_text));
            for object in &result.objects {
                emit(&render_yaml(std::slice::from_ref(object)));
            }
            String::new()
        }
    };
    emit(&text);
    Ok(if skipped { 1 } else { 0 })
}

fn apply(settings: &Settings, objects: &[Value], dry_run: DryRun) -> Result<(), CommandError> {
    if dry_run == DryRun::Client {
        for object in objects {
            let (_, ns, _) = identity(object);
            emit(&format!(
                "{} (namespace {}) would be applied (dry run)\n",
                crate::render::escape(&object_name(object)),
                crate::render::escape(&ns)
            ));
        }
        return Ok(());
    }
    let options = live_options(settings);
    let report = runtime()?.block_on(async {
        let connection = live::connect(&options).await?;
        connection.apply(objects, dry_run == DryRun::Server).await
    })?;
    let suffix = if dry_run == DryRun::Server {
        " (server dry run)"
    } else {
        ""
    };
    for (label, outcome) in report {
        emit(&format!("{label} {}{suffix}\n", outcome.as_str()));
    }
    Ok(())
}

/// One file per object; nothing is written unless every file can be, and each lands by rename.
fn write_dir(
    dir: &Path,
    objects: &[Value],
    force: bool,
    format: OutputFormat,
) -> Result<(), CommandError> {
    let io =
        |path: &Path, e: std::io::Error| CommandError::Usage(format!("{}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let json = format == OutputFormat::Json;
    let mut planned: Vec<(PathBuf, String)> = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        let (kind, ns, name) = identity(object);
        let file = format!(
            "{:02}-{}-{}-{}.{}",
            index + 1,
            kind.to_lowercase(),
            ns,
            name,
            if json { "json" } else { "yaml" }
        );
        // Names come from objects (possibly from files): refuse anything that could leave DIR.
        let safe = file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            && !file.contains("..");
        if !safe {
            return Err(CommandError::Usage(format!(
                "refusing to write {file:?}: the object name is not a safe file name"
            )));
        }
        let path = dir.join(&file);
        if path.exists() && !force {
            return Err(CommandError::Usage(format!(
                "{} exists; use --force to overwrite",
                path.display()
            )));
        }
        let text = if json {
            format!(
                "{}\n",
                serde_json::to_string_pretty(object).unwrap_or_default()
            )
        } else {
            render_yaml(std::slice::from_ref(object))
        };
        planned.push((path, text));
    }
    for (path, text) in &planned {
        let temp = path.with_extension("tmp-kubectl-tidbmonitor");
        let written = std::fs::File::create(&temp)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
            .and_then(|_| std::fs::rename(&temp, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(io(path, e));
        }
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
