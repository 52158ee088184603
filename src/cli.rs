//! Command-line types. Global flags carry kubectl's names and meanings; usage says `kubectl tidbmonitor`.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueHint};

use crate::render::style::ColorChoice;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-tidbmonitor",
    bin_name = "kubectl tidbmonitor",
    version = crate::VERSION,
    about = "See and check how TiDB clusters on Kubernetes are monitored: tidb-operator v1 TidbMonitors, and v2 Clusters scraped by PodMonitors, ServiceMonitors or VictoriaMetrics scrapes.",
    long_about = "See and check how TiDB clusters on Kubernetes are monitored: tidb-operator v1 TidbMonitors, and v2 Clusters \
        (core.pingcap.com) scraped by prometheus-operator PodMonitors/ServiceMonitors or VictoriaMetrics VMPodScrapes/VMServiceScrapes.\n\n\
        Works on the live cluster (kubeconfig, like kubectl) or offline on manifest files (-f FILE|DIR|-).",
    after_help = "Examples:\n  kubectl tidbmonitor get -A\n  kubectl tidbmonitor clusters -A --unmonitored\n  kubectl tidbmonitor get -A -f manifests/"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// kubectl's flags, shared by every command; help lists them after the command's own.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub kubeconfig: Option<PathBuf>,
    /// The name of the kubeconfig context to use; several as a comma list (a,b), read concurrently with a
    /// CONTEXT column first.
    #[arg(long, global = true, value_hint = ValueHint::Other)]
    pub context: Option<String>,
    /// Read every context of the kubeconfig, concurrently, with a CONTEXT column first.
    #[arg(long, global = true, conflicts_with = "context")]
    pub all_contexts: bool,
    /// How many contexts are read at once with --context a,b or --all-contexts.
    #[arg(long, global = true, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrency: u16,
    /// If present, the namespace scope for this CLI request (default: the context's namespace, else `default`).
    #[arg(short = 'n', long, global = true, value_hint = ValueHint::Other)]
    pub namespace: Option<String>,
    /// List the requested objects across all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Label selector, as kubectl takes it: -l 'app.kubernetes.io/instance=basic', 'env in (prod,dev)', 'env notin (dev)',
    /// 'tier', '!tier', 'a!=b', comma-separated (all must hold).
    #[arg(short = 'l', long, global = true, value_hint = ValueHint::Other)]
    pub selector: Option<String>,
    /// Time to wait for the API server before giving up: a Go duration (5s, 1m30s, 500ms) or seconds; 0 waits forever.
    #[arg(
        long,
        global = true,
        default_value = "30s",
        value_name = "DURATION",
        value_hint = ValueHint::Other
    )]
    pub request_timeout: String,
    /// Output format: table, wide, json, yaml, name.
    #[arg(
        short = 'o',
        long,
        global = true,
        default_value = "table",
        value_name = "FORMAT",
        value_parser = Suggested(&["table", "wide", "json", "yaml", "name"]),
        hide_possible_values = true
    )]
    pub output: String,
    /// When to colour output: auto (a TTY without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Read objects from manifest files instead of the cluster (FILE, DIR walked recursively, or - for stdin).
    #[arg(
        short = 'f',
        long = "filename",
        global = true,
        value_name = "FILE|DIR|-",
        value_hint = ValueHint::AnyPath
    )]
    pub filenames: Vec<String>,
    /// Skip verification of the server's certificate (insecure; only when you must).
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,
    /// Log each API request to stderr (repeat for more).
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show TidbMonitors: readiness, health, workload and migration state; -o wide adds clusters, versions, storage.
    ///
    /// HEALTH is the worst active finding of `check`'s rules about TidbMonitors on the monitor: `ok`, `warning(N)`
    /// or `error(N)` (infos and suppressed findings do not count), `<unknown>` when a kind those rules read could
    /// not be read or a rule could not decide. `-o wide` lists the rule IDs; `check NAME` explains them.
    #[command(after_help = "Examples:\n  \
        # every TidbMonitor, with its readiness, health and workload state\n  \
        kubectl tidbmonitor get -A\n  \
        # two monitors of one namespace, with the rules behind HEALTH, clusters, versions, storage and images\n  \
        kubectl tidbmonitor get -n tidb basic thanos -o wide\n  \
        # offline, on manifests\n  \
        kubectl tidbmonitor get -A -f manifests/")]
    Get(GetArgs),
    /// Show TidbClusters, DMClusters (v1) and Clusters (v2) across namespaces and what really scrapes them.
    #[command(after_help = "Examples:\n  \
        # every cluster, v1 and v2, and what scrapes it\n  \
        kubectl tidbmonitor clusters -A\n  \
        # only those nothing scrapes (no TidbMonitor, no PodMonitor/ServiceMonitor a Prometheus loads, no VM scrape)\n  \
        kubectl tidbmonitor clusters -A --unmonitored\n  \
        # which metrics ports each scrape object misses, as JSON\n  \
        kubectl tidbmonitor clusters -n shop -o json\n  \
        # offline, on manifests\n  \
        kubectl tidbmonitor clusters -A -f manifests/")]
    Clusters(ClustersArgs),
    /// Find TLS, reference, migration, coverage and configuration pitfalls (exit 1 on errors).
    #[command(after_help = "Examples:\n  \
        # every rule on every namespace; exit 1 on errors (with --strict on warnings too)\n  \
        kubectl tidbmonitor check -A --strict\n  \
        # two rules, on one monitor and one cluster\n  \
        kubectl tidbmonitor check -n tidb --rule TM030,TM031 basic orders\n  \
        # the rules, their severities and titles\n  \
        kubectl tidbmonitor check --list-rules")]
    Check(CheckArgs),
    /// One TidbMonitor's whole story (overview, clusters, workloads, pods, storage, endpoints, events, findings), or one
    /// cluster's (overview, scrapers, TLS, findings) with `cluster/NAME`.
    ///
    /// TYPE/NAME names a cluster as kubectl users type it: `cluster/NAME` is a TidbCluster, DMCluster or v2
    /// Cluster of that name (whichever exists; name the kind when several do), `tidbcluster/NAME` (`tc/`),
    /// `dmcluster/NAME` (`dc/`), `cluster.core.pingcap.com/NAME` (v2), and whatever `clusters -o name` prints.
    /// Live, a cluster's scrape objects are read in its namespace only and TidbMonitors in every namespace.
    #[command(after_help = "Examples:\n  \
        # everything about monitor basic in namespace tidb; exit 1 when a section could not be read\n  \
        kubectl tidbmonitor status -n tidb basic\n  \
        # the same as a versioned document (kind: TidbMonitorStatus)\n  \
        kubectl tidbmonitor status -n tidb basic -o json\n  \
        # a cluster: which TidbMonitors and scrape objects cover it, its client Secret, its findings\n  \
        kubectl tidbmonitor status -n tidb cluster/basic\n  \
        # a v2 Cluster as a versioned document (kind: TidbClusterStatus)\n  \
        kubectl tidbmonitor status -n tidb cluster.core.pingcap.com/basic -o yaml\n  \
        # every cluster of a namespace, one after the other\n  \
        kubectl tidbmonitor clusters -n tidb -o name | xargs -n1 kubectl tidbmonitor status -n tidb")]
    Status(StatusArgs),
    /// Generate ready-to-apply YAML: ServiceMonitors/PodMonitors for clusters, or Thanos for monitors.
    #[command(
        subcommand,
        after_help = "Examples:\n  \
        # a PodMonitor per component of one cluster, for kube-prometheus-stack\n  \
        kubectl tidbmonitor scaffold podmonitor -n tidb basic --prometheus-label release=kube-prometheus-stack\n  \
        # Thanos sidecars for every monitor and a Thanos Query in observability, validated by the server\n  \
        kubectl tidbmonitor scaffold thanos -A --query-namespace observability --apply --dry-run=server"
    )]
    Scaffold(ScaffoldCommand),
    /// Build the stack that replaces a TidbMonitor: a prometheus-operator Prometheus with its settings, its RBAC
    /// and PodMonitors for its clusters, or with --to victoriametrics a VMSingle, a VMAgent and VMPodScrapes.
    /// Never deletes anything.
    #[command(after_help = "Examples:\n  \
        # the Prometheus, RBAC and PodMonitors replacing TidbMonitor tidb/basic, as YAML\n  \
        kubectl tidbmonitor migrate -n tidb basic\n  \
        # the VMSingle, VMAgent and VMPodScrapes instead\n  \
        kubectl tidbmonitor migrate -n tidb basic --to victoriametrics\n  \
        # validated by the API server, nothing persisted\n  \
        kubectl tidbmonitor migrate -n tidb basic --apply --dry-run=server\n  \
        # offline, one file per object\n  \
        kubectl tidbmonitor migrate -A -f manifests/ --output-dir migrated/")]
    Migrate(MigrateArgs),
    /// Print the plugin version, and the server's and tidb-operator's when the cluster is reachable.
    #[command(after_help = "Examples:\n  \
        # plugin, server and tidb-operator versions\n  \
        kubectl tidbmonitor version\n  \
        # the same as JSON, for scripts\n  \
        kubectl tidbmonitor version -o json")]
    Version,
    /// Print a shell completion script (bash, zsh, fish, powershell).
    #[command(after_help = "Examples:\n  \
        # complete kubectl-tidbmonitor in this bash session\n  \
        source <(kubectl tidbmonitor completion bash)\n  \
        # install for zsh\n  \
        kubectl tidbmonitor completion zsh > \"${fpath[1]}/_kubectl-tidbmonitor\"")]
    Completion(CompletionArgs),
    /// Completion candidates for `kubectl tidbmonitor <TAB>` (kubectl >= 1.26 calls it through
    /// kubectl_complete-tidbmonitor), in cobra's `__complete` format.
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

/// `--no-headers`, on the commands that print tables (clap refuses it elsewhere instead of ignoring it).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct TableArgs {
    /// Don't print headers in table output.
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Only these monitors.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    #[command(flatten)]
    pub table: TableArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The TidbMonitor, or a cluster as TYPE/NAME (`cluster/NAME`, `tidbcluster/NAME`, `dmcluster/NAME`,
    /// `cluster.core.pingcap.com/NAME`), in -n or the context's namespace.
    #[arg(value_name = "NAME|TYPE/NAME")]
    pub name: String,
    /// With -f: the files hold every object, so a reference or workload not in them is missing, not unknown.
    #[arg(long)]
    pub assume_complete: bool,
    /// After the report, watch the objects it was read from and print it again on every change (Ctrl-C ends).
    #[arg(short = 'w', long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct ClustersArgs {
    /// Only these clusters (TidbCluster, DMCluster or Cluster names).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Only clusters nothing scrapes (no TidbMonitor, and no scrape object that a Prometheus loads).
    #[arg(long)]
    pub unmonitored: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only the findings about these TidbMonitors and clusters (TidbCluster, DMCluster or Cluster names), and for a
    /// cluster those of the TidbMonitors and scrape objects that watch it.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Print the rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Only these rules: comma-separated or repeated, any case (--rule TM030,tm031).
    #[arg(long = "rule", value_name = "ID", value_delimiter = ',', value_parser = RuleId, hide_possible_values = true)]
    pub rules: Vec<String>,
    /// Skip these rules: comma-separated or repeated, any case.
    #[arg(long = "skip", value_name = "ID", value_delimiter = ',', value_parser = RuleId, hide_possible_values = true)]
    pub skip: Vec<String>,
    /// Exit 1 on warnings too, and whenever something could not be checked (a kind RBAC or the server refused,
    /// an unresolved reference): a CI gate never passes on what it did not see.
    #[arg(long)]
    pub strict: bool,
    /// With -f: the files hold every object (a GitOps repository), so a reference not in them is missing, not
    /// unresolved, and its rule reports with its real severity.
    #[arg(long)]
    pub assume_complete: bool,
    /// The tidb-operator version to assume when the controller Deployment cannot be read (e.g. v1.6.1).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    /// Don't print the header of --list-rules' table.
    #[arg(long)]
    pub no_headers: bool,
}

/// A free-text value whose usual values shells complete; the command checks it and names a bad one in one line
/// (clap's own refusal is several lines).
#[derive(Debug, Clone, Copy)]
pub struct Suggested(pub &'static [&'static str]);

impl TypedValueParser for Suggested {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|v| PossibleValue::new(*v))))
    }
}

/// A rule ID for `--rule`/`--skip`: upper-cased here, checked against the registry by `check` (one error line
/// naming the ID, instead of clap's list of every rule); the registry's IDs are what shells complete.
#[derive(Debug, Clone, Copy)]
pub struct RuleId;

impl TypedValueParser for RuleId {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().trim().to_ascii_uppercase())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            crate::checks::registry()
                .into_iter()
                .map(|rule| PossibleValue::new(rule.id).help(rule.title)),
        ))
    }
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum ScaffoldCommand {
    /// prometheus-operator ServiceMonitors (or PodMonitors) for TidbClusters, DMClusters and v2 Clusters.
    #[command(
        after_help = "Examples:\n  kubectl tidbmonitor scaffold servicemonitor -n tidb basic\n  \
        kubectl tidbmonitor scaffold servicemonitor -A --prometheus-label release=kube-prometheus-stack\n  \
        kubectl tidbmonitor scaffold servicemonitor --kind podmonitor -f cluster.yaml"
    )]
    Servicemonitor(ServiceMonitorArgs),
    /// prometheus-operator PodMonitors for TidbClusters, DMClusters and v2 Clusters (one per component).
    #[command(
        after_help = "Examples:\n  kubectl tidbmonitor scaffold podmonitor -n tidb basic\n  \
        kubectl tidbmonitor scaffold podmonitor -A --prometheus-label release=kube-prometheus-stack --apply\n  \
        kubectl tidbmonitor scaffold podmonitor -f examples/basic/"
    )]
    Podmonitor(ScrapeArgs),
    /// VictoriaMetrics VMPodScrapes for TidbClusters, DMClusters and v2 Clusters (one per component).
    #[command(
        after_help = "Examples:\n  kubectl tidbmonitor scaffold vmpodscrape -n tidb basic\n  \
        kubectl tidbmonitor scaffold vmpodscrape -A --output-dir scrapes/\n  \
        kubectl tidbmonitor scaffold vmpodscrape -f examples/basic/"
    )]
    Vmpodscrape(ScrapeArgs),
    /// VictoriaMetrics VMServiceScrapes for TidbClusters, DMClusters and v2 Clusters (one per component).
    #[command(
        after_help = "Examples:\n  kubectl tidbmonitor scaffold vmservicescrape -n tidb basic\n  \
        kubectl tidbmonitor scaffold vmservicescrape -A --apply --dry-run=server\n  \
        kubectl tidbmonitor scaffold vmservicescrape -f examples/basic/"
    )]
    Vmservicescrape(ScrapeArgs),
    /// A Thanos sidecar on each TidbMonitor, headless sidecar Services, and a Thanos Query in --query-namespace.
    #[command(
        after_help = "Examples:\n  kubectl tidbmonitor scaffold thanos -n tidb --objstore-secret thanos-objstore\n  \
        kubectl tidbmonitor scaffold thanos -A --query-namespace observability\n  \
        kubectl tidbmonitor scaffold thanos -A --query-namespace observability --apply --dry-run=server\n  \
        kubectl tidbmonitor scaffold thanos -A --query-namespace observability --grafana"
    )]
    Thanos(ThanosArgs),
}

#[derive(Debug, Args)]
pub struct ServiceMonitorArgs {
    /// Only these clusters (TidbCluster, DMCluster or v2 Cluster names).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Generate ServiceMonitors or PodMonitors.
    #[arg(long, value_enum, default_value_t = MonitorKindArg::Servicemonitor)]
    pub kind: MonitorKindArg,
    /// A label your Prometheus selects monitors by, e.g. release=kube-prometheus-stack (repeatable).
    #[arg(long = "prometheus-label", value_name = "KEY=VALUE")]
    pub prometheus_labels: Vec<String>,
    /// The tidb-operator version the objects are for (default: the image tag of its controller Deployment).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    #[command(flatten)]
    pub output: ScaffoldOutput,
}

#[derive(Debug, Args)]
pub struct ScrapeArgs {
    /// Only these clusters (TidbCluster, DMCluster or v2 Cluster names).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// A label your Prometheus selects monitors by, e.g. release=kube-prometheus-stack (repeatable).
    #[arg(long = "prometheus-label", value_name = "KEY=VALUE")]
    pub prometheus_labels: Vec<String>,
    /// The tidb-operator version the objects are for (default: the image tag of its controller Deployment).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    #[command(flatten)]
    pub output: ScaffoldOutput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MonitorKindArg {
    Servicemonitor,
    Podmonitor,
}

#[derive(Debug, Args)]
pub struct ThanosArgs {
    /// Only these monitors.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Object storage config Secret for the sidecars and a Store Gateway: NAME[:KEY] (key default objstore.yml).
    #[arg(long, value_name = "NAME[:KEY]")]
    pub objstore_secret: Option<String>,
    /// Print the object storage config skeleton for a provider on stderr.
    #[arg(long, value_name = "s3|gcs|azure", value_parser = Suggested(&["s3", "gcs", "azure"]), hide_possible_values = true)]
    pub objstore_skeleton: Option<String>,
    /// Secret with ca.crt, tls.crt, tls.key for TLS between Thanos Query, the sidecars and the store.
    #[arg(long, value_name = "NAME")]
    pub grpc_tls_secret: Option<String>,
    /// The name Thanos Query checks the sidecars' certificates against (with --grpc-tls-secret).
    #[arg(long, value_name = "NAME", requires = "grpc_tls_secret")]
    pub grpc_tls_server_name: Option<String>,
    /// With --context a,b: the address (HOST:PORT) at which the Thanos Query reaches context CONTEXT's sidecars
    /// (a LoadBalancer or gRPC Ingress in that Kubernetes cluster); one per context but the query context.
    #[arg(long = "endpoint", value_name = "CONTEXT=HOST:PORT")]
    pub endpoints: Vec<String>,
    /// With --context a,b: the context the Thanos Query runs in (default: the first).
    #[arg(long, value_name = "CONTEXT")]
    pub query_context: Option<String>,
    /// Namespace of Thanos Query (and the Store Gateway); default: -n, else the context's namespace.
    /// Works with -A, which cannot be combined with -n.
    #[arg(long, value_name = "NS")]
    pub query_namespace: Option<String>,
    /// Also one Grafana beside Thanos Query, reading it: the monitors' Grafana with the dashboards of their
    /// tidb-monitor-initializer (the newest version when they differ), built as `migrate` builds it.
    #[arg(long)]
    pub grafana: bool,
    /// The tidb-operator version the objects are for (default: the image tag of its controller Deployment).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    #[command(flatten)]
    pub output: ScaffoldOutput,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The TidbMonitors to migrate (default: every one in scope).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// The stack to migrate to.
    #[arg(long, value_enum, default_value_t = MigrateTo::PrometheusOperator)]
    pub to: MigrateTo,
    /// The tidb-operator version the scrape objects are for (default: the image tag of its controller Deployment).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    /// The built-in alert rules (*.rules.yml) copied out of the monitor's pod, which the plugin cannot read from
    /// the initializer image: one PrometheusRule per file (--to prometheus-operator only). The header prints the
    /// `kubectl cp` that copies them.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub rules_dir: Option<PathBuf>,
    /// Compare the applied stack with the TidbMonitor it replaces (clusters covered, series labels, retention,
    /// external labels, replicas and shards, remote write, Thanos); exit 1 on any difference.
    #[arg(long, conflicts_with_all = ["output_dir", "apply", "dry_run", "force", "operator_version", "rules_dir"])]
    pub verify: bool,
    #[command(flatten)]
    pub output: ScaffoldOutput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MigrateTo {
    PrometheusOperator,
    Victoriametrics,
}

#[derive(Debug, Args, Clone)]
pub struct ScaffoldOutput {
    /// Write one file per object into DIR instead of stdout.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub output_dir: Option<PathBuf>,
    /// Overwrite existing files in --output-dir.
    #[arg(long)]
    pub force: bool,
    /// Server-side apply the objects (field manager kubectl-tidbmonitor).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: client (print only) or server (validated by the API server, not persisted); alone: client.
    /// `--dry-run server` and `--dry-run=server` are the same.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DryRun {
    None,
    Client,
    Server,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The words after `kubectl tidbmonitor`, the last one being completed.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub words: Vec<String>,
}
