//! Command-line types. Global flags carry kubectl's names and meanings; usage says `kubectl tidbmonitor`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The name of the kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// If present, the namespace scope for this CLI request (default: the context's namespace, else `default`).
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// List the requested objects across all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Label selector to filter on, e.g. -l 'app.kubernetes.io/instance=basic' (=, ==, !=, in, notin, exists).
    #[arg(short = 'l', long, global = true)]
    pub selector: Option<String>,
    /// Time to wait for the API server before giving up: a Go duration (5s, 1m30s, 500ms) or seconds; 0 waits forever.
    #[arg(long, global = true, default_value = "30s", value_name = "DURATION")]
    pub request_timeout: String,
    /// Output format: table, wide, json, yaml, name.
    #[arg(
        short = 'o',
        long,
        global = true,
        default_value = "table",
        value_name = "FORMAT"
    )]
    pub output: String,
    /// Don't print headers in table output.
    #[arg(long, global = true)]
    pub no_headers: bool,
    /// When to colour output: auto (a TTY without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Read objects from manifest files instead of the cluster (FILE, DIR walked recursively, or - for stdin).
    #[arg(
        short = 'f',
        long = "filename",
        global = true,
        value_name = "FILE|DIR|-"
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
    /// Show TidbMonitors: clusters, versions, Thanos, workload and migration state, storage, readiness.
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
    Check(CheckArgs),
    /// Generate ready-to-apply YAML: ServiceMonitors/PodMonitors for clusters, or Thanos for monitors.
    #[command(subcommand)]
    Scaffold(ScaffoldCommand),
    /// Print the plugin version.
    Version,
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(CompletionArgs),
    /// Completion candidates for `kubectl tidbmonitor <TAB>` (kubectl >= 1.26 calls it through
    /// kubectl_complete-tidbmonitor), in cobra's `__complete` format.
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Only these monitors.
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ClustersArgs {
    /// Only clusters nothing scrapes (no TidbMonitor, and no scrape object that a Prometheus loads).
    #[arg(long)]
    pub unmonitored: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Only these rules (repeatable, e.g. --rule TM002).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Skip these rules (repeatable).
    #[arg(long = "skip", value_name = "ID")]
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
        kubectl tidbmonitor scaffold thanos -A --query-namespace observability --apply --dry-run=server"
    )]
    Thanos(ThanosArgs),
}

#[derive(Debug, Args)]
pub struct ServiceMonitorArgs {
    /// Only these clusters (TidbCluster or DMCluster names).
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
    pub names: Vec<String>,
    /// Object storage config Secret for the sidecars and a Store Gateway: NAME[:KEY] (key default objstore.yml).
    #[arg(long, value_name = "NAME[:KEY]")]
    pub objstore_secret: Option<String>,
    /// Print the object storage config skeleton for a provider on stderr.
    #[arg(long, value_name = "s3|gcs|azure")]
    pub objstore_skeleton: Option<String>,
    /// Secret with ca.crt, tls.crt, tls.key for TLS between Thanos Query, the sidecars and the store.
    #[arg(long, value_name = "NAME")]
    pub grpc_tls_secret: Option<String>,
    /// The name Thanos Query checks the sidecars' certificates against (with --grpc-tls-secret).
    #[arg(long, value_name = "NAME", requires = "grpc_tls_secret")]
    pub grpc_tls_server_name: Option<String>,
    /// Namespace of Thanos Query (and the Store Gateway); default: -n, else the context's namespace.
    /// Works with -A, which cannot be combined with -n.
    #[arg(long, value_name = "NS")]
    pub query_namespace: Option<String>,
    /// The tidb-operator version the objects are for (default: the image tag of its controller Deployment).
    #[arg(long, value_name = "VERSION")]
    pub operator_version: Option<String>,
    #[command(flatten)]
    pub output: ScaffoldOutput,
}

#[derive(Debug, Args)]
pub struct ScaffoldOutput {
    /// Write one file per object into DIR instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Overwrite existing files in --output-dir.
    #[arg(long)]
    pub force: bool,
    /// Server-side apply the objects (field manager kubectl-tidbmonitor).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: none, client (print only) or server (validated by the API server, not persisted).
    #[arg(long, value_enum, default_value_t = DryRun::None, require_equals = true, num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: DryRun,
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
