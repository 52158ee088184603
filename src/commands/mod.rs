//! One module per command. Each parses its options, asks a source for a snapshot, calls the core, renders.

pub mod check;
pub mod clusters;
pub mod completion;
pub mod get;
pub mod scaffold;
pub mod version;

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

use crate::cli::{Cli, Command, Global};
use crate::render::OutputFormat;
use crate::render::style::use_color;
use crate::selector::Selector;
use crate::snapshot::{Kind, Scope, Snapshot};
use crate::source::{self, Request, live};

/// An error that ends the command: one line on stderr and an exit code.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Live(#[from] live::LiveError),
    #[error(transparent)]
    Files(#[from] source::files::FilesError),
    #[error(transparent)]
    Selector(#[from] crate::selector::SelectorError),
}

impl CommandError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CommandError::Usage(_) | CommandError::Selector(_) => 2,
            CommandError::Live(e) => e.exit_code(),
            CommandError::Files(_) => 1,
        }
    }
}

/// Settings every command shares, parsed once from the global flags.
pub struct Settings {
    pub global: Global,
    pub format: OutputFormat,
    pub color: bool,
    pub selector: Option<Selector>,
    pub request_timeout: Option<Duration>,
    pub now: Timestamp,
    /// `--no-headers` of the commands that print tables.
    pub no_headers: bool,
}

impl Settings {
    pub fn from_global(global: &Global) -> Result<Settings, CommandError> {
        let format = global
            .output
            .parse::<OutputFormat>()
            .map_err(CommandError::Usage)?;
        let selector = global
            .selector
            .as_deref()
            .map(Selector::parse)
            .transpose()?;
        let request_timeout = parse_timeout(&global.request_timeout)?;
        if global.all_namespaces && global.namespace.is_some() && global.filenames.is_empty() {
            // kubectl lets -A win silently; say so instead of guessing.
            return Err(CommandError::Usage("use either -A or -n, not both".into()));
        }
        let color = use_color(
            global.color,
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        );
        Ok(Settings {
            global: global.clone(),
            format,
            color,
            selector,
            request_timeout,
            now: Timestamp::now(),
            no_headers: false,
        })
    }

    pub fn offline(&self) -> bool {
        !self.global.filenames.is_empty()
    }

    /// kubectl's rule for the NAMESPACE column: shown with `-A`, hidden without, whatever the rows hold (so a
    /// script's column numbers do not depend on the data; `-f` files from several namespaces stay unlabelled,
    /// as with `kubectl get -f`).
    pub fn namespace_column(&self) -> bool {
        self.global.all_namespaces
    }
}

/// kubectl's `--request-timeout` (client-go `ParseTimeout`): a bare integer is seconds, else a Go duration
/// (`time.ParseDuration`: `1m30s`, `1.5h`, `500ms`, `2us`; units ns, us/µs, ms, s, m, h); 0 means none;
/// a negative timeout is refused.
pub fn parse_timeout(text: &str) -> Result<Option<Duration>, CommandError> {
    let bad = || {
        CommandError::Usage(format!(
            "invalid --request-timeout {text:?}: use e.g. 30s, 1m30s, 500ms or 0"
        ))
    };
    // strconv.ParseInt first: digits with an optional `+`; past int64 nanoseconds is refused, not wrapped.
    let integer = text.strip_prefix('+').unwrap_or(text);
    if !integer.is_empty() && integer.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = integer.parse().map_err(|_| bad())?;
        if seconds > i64::MAX as u64 / 1_000_000_000 {
            return Err(bad());
        }
        return Ok((seconds > 0).then(|| Duration::from_secs(seconds)));
    }
    let (negative, nanos) = parse_go_duration(text).ok_or_else(bad)?;
    if negative && nanos > 0 {
        return Err(CommandError::Usage(format!(
            "invalid --request-timeout {text:?}: must not be negative"
        )));
    }
    Ok((nanos > 0).then(|| Duration::from_nanos(nanos)))
}

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers (optionally fractional)
/// each with a unit; `0` alone needs none. Returns the sign and the magnitude in nanoseconds, or `None`
/// where Go returns an error (including overflowing an `int64` of nanoseconds).
fn parse_go_duration(text: &str) -> Option<(bool, u64)> {
    const LIMIT: u128 = i64::MAX as u128;
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some((negative, 0));
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int_len = digits(rest);
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => f.split_at(digits(f)),
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "\u{00b5}s" | "\u{03bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let mut value: u128 = 0;
        for b in int_part.bytes() {
            value = value * 10 + u128::from(b - b'0');
            if value > LIMIT {
                return None;
            }
        }
        value *= scale;
        // Like Go, digits past what can matter are dropped; the fraction is truncated to whole nanoseconds.
        let (mut fraction, mut denominator): (u128, u128) = (0, 1);
        for b in frac_part.bytes().take(25) {
            fraction = fraction * 10 + u128::from(b - b'0');
            denominator *= 10;
        }
        value += fraction * scale / denominator;
        total += value;
        if total > LIMIT {
            return None;
        }
        rest = after;
    }
    Some((negative, total as u64))
}

/// What a command works on, plus what stderr must say about how it was read.
pub struct Loaded {
    pub snapshot: Snapshot,
    pub warnings: Vec<String>,
    /// The namespace rows are restricted to; `None` shows every row read.
    pub row_namespace: Option<String>,
    /// `-n`, else the context's namespace (offline: `default`): where new objects go.
    pub default_namespace: String,
}

/// Fills a snapshot from files (`-f`) or the live cluster, as the global flags say.
pub fn load(settings: &Settings, request: &Request) -> Result<Loaded, CommandError> {
    let global = &settings.global;
    if settings.offline() {
        let default_namespace = global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let mut snapshot = Snapshot::default();
        let load = source::files::load_keeping(
            &global.filenames,
            &default_namespace,
            &request.keep_raw,
            &mut snapshot,
        )?;
        if global.verbose > 0 {
            for (kind, count) in &load.ignored_kinds {
                eprintln!(
                    "note: ignored {count} object(s) of kind {kind}: not used by this plugin"
                );
            }
        }
        if let Some(selector) = &settings.selector {
            for kind in &request.selected {
                snapshot.retain_matching(*kind, selector);
            }
        }
        let warnings = load
            .skipped_files
            .iter()
            .cloned()
            .chain(load.redefined.iter().map(|object| {
                format!(
                    "{object} is defined more than once in the files; the last definition is used"
                )
            }))
            .collect();
        let row_namespace = if global.all_namespaces {
            None
        } else {
            global.namespace.clone()
        };
        return Ok(Loaded {
            default_namespace,
            snapshot,
            warnings,
            row_namespace,
        });
    }
    let options = live_options(settings);
    runtime()?.block_on(async {
        let connection = live::connect(&options).await?;
        let (snapshot, warnings) = connection.snapshot(request).await?;
        let row_namespace = match snapshot.scopes.get(&request.primary) {
            Some(Scope::Namespace(ns)) => Some(ns.clone()),
            _ => None,
        };
        Ok(Loaded {
            default_namespace: connection.namespace.clone(),
            snapshot,
            warnings,
            row_namespace,
        })
    })
}

/// How to reach the cluster, from the global flags.
pub fn live_options(settings: &Settings) -> live::LiveOptions {
    let global = &settings.global;
    live::LiveOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: global.namespace.clone(),
        all_namespaces: global.all_namespaces,
        selector: settings.selector.clone(),
        request_timeout: settings.request_timeout,
        insecure_skip_tls_verify: global.insecure_skip_tls_verify,
        verbose: global.verbose,
    }
}

/// The async runtime, made only by commands that talk to the API server (offline runs never pay for it).
pub fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| CommandError::Usage(format!("cannot start the async runtime: {e}")))
}

/// Prints skipped objects and unreadable kinds. Returns whether anything was skipped.
pub fn report_problems(loaded: &Loaded) -> bool {
    use crate::render::escape;
    for warning in &loaded.warnings {
        eprintln!("Warning: {}", escape(warning));
    }
    for problem in &loaded.snapshot.problems {
        eprintln!(
            "error: {}: {}; skipped",
            escape(&problem.location),
            escape(&problem.message)
        );
    }
    !loaded.snapshot.problems.is_empty()
}

/// Prints rows of views as `-o` asks (table/wide, json/yaml `List`, name), then kubectl's note when a table
/// came out empty. `get` and `clusters` share it so their output conventions cannot drift apart.
pub fn print_views<T: serde::Serialize>(
    settings: &Settings,
    views: &[T],
    list_kind: &'static str,
    table: impl Fn(bool, bool) -> crate::render::table::Table,
    name: impl Fn(&T) -> String,
    // The snapshot read, when an empty table should get kubectl's "No resources found" note.
    note_when_empty: Option<&Loaded>,
) {
    use crate::render::structured;
    let namespace_column = settings.namespace_column();
    let text = match settings.format {
        OutputFormat::Table | OutputFormat::Wide => {
            table(settings.format == OutputFormat::Wide, namespace_column)
                .render(settings.no_headers, settings.color)
        }
        OutputFormat::Json => structured::json(list_kind, views),
        OutputFormat::Yaml => structured::yaml(list_kind, views),
        OutputFormat::Name => views
            .iter()
            .map(|v| format!("{}\n", crate::render::escape(&name(v))))
            .collect(),
    };
    emit(&text);
    if let Some(loaded) = note_when_empty.filter(|_| views.is_empty())
        && matches!(settings.format, OutputFormat::Table | OutputFormat::Wide)
    {
        match &loaded.row_namespace {
            Some(ns) => eprintln!("No resources found in {ns} namespace."),
            None => eprintln!("No resources found"),
        }
    }
}

/// Names the user asked for that are not in `found`, each reported as kubectl reports a missing object (one
/// line on stderr). Every command that takes NAMEs uses it, so a missing name means exit 1 everywhere (README:
/// "the cluster said no").
pub fn report_not_found<'a>(
    kinds: &[Kind],
    names: &'a [String],
    found: &[&str],
) -> Vec<&'a String> {
    let resources: Vec<String> = kinds.iter().map(|k| k.resource()).collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !found.contains(&n.as_str()))
        .collect();
    for name in &missing {
        eprintln!(
            "Error from server (NotFound): {} {:?} not found",
            resources.join(", "),
            crate::render::escape(name)
        );
    }
    missing
}

/// Set once stdout's reader has gone away (`| head`): later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout. A closed pipe (`| head`) stops further output quietly, but the command still runs to
/// its end and returns its own exit code, so `set -o pipefail` sees e.g. check's 1 for error findings.
pub fn emit(text: &str) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            return;
        }
        eprintln!("error: cannot write output: {e}");
        std::process::exit(1);
    }
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match &cli.command {
        Command::Completion(args) => completion::run(args),
        Command::Complete(args) => completion::complete(&args.words),
        command => match Settings::from_global(&cli.global) {
            Ok(mut settings) => match command {
                Command::Version => version::run(&settings),
                Command::Get(args) => {
                    settings.no_headers = args.table.no_headers;
                    get::run(&settings, args)
                }
                Command::Clusters(args) => {
                    settings.no_headers = args.table.no_headers;
                    clusters::run(&settings, args)
                }
                Command::Check(args) => {
                    settings.no_headers = args.no_headers;
                    check::run(&settings, args)
                }
                Command::Scaffold(command) => scaffold::run(&settings, command),
                _ => unreachable!("handled above"),
            },
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Option<Duration> {
        parse_timeout(text).unwrap_or_else(|_| panic!("{text:?} should parse"))
    }

    #[test]
    fn request_timeout_takes_go_durations_like_kubectl() {
        assert_eq!(ok("30"), Some(Duration::from_secs(30)));
        assert_eq!(ok("+7"), Some(Duration::from_secs(7)));
        assert_eq!(ok("0"), None);
        assert_eq!(ok("0s"), None);
        assert_eq!(ok("-0"), None);
        assert_eq!(ok("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(ok("1h2m3.5s"), Some(Duration::from_millis(3_723_500)));
        assert_eq!(ok("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(ok("2us"), Some(Duration::from_micros(2)));
        assert_eq!(ok("2\u{b5}s"), Some(Duration::from_micros(2)));
        assert_eq!(ok("2\u{3bc}s"), Some(Duration::from_micros(2)));
        assert_eq!(ok("3ns"), Some(Duration::from_nanos(3)));
        assert_eq!(ok("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(ok(".5s"), Some(Duration::from_millis(500)));
        assert_eq!(ok("1.s"), Some(Duration::from_secs(1)));
        assert_eq!(ok("+5s"), Some(Duration::from_secs(5)));
        assert_eq!(
            ok("0.3333333333333333333333333333333h"),
            Some(Duration::from_nanos(1_199_999_999_999))
        );
        assert_eq!(
            ok("9223372036854775807ns"),
            Some(Duration::from_nanos(i64::MAX as u64))
        );
    }

    #[test]
    fn request_timeout_refuses_what_go_refuses() {
        for bad in [
            "",
            "1x",
            "1.5",
            "s",
            ".",
            ".s",
            "-",
            "+",
            "+-5s",
            "5s0",
            "1e3s",
            " 5s",
            "5 s",
            "1m30",
            "soon",
            "9223372036854775808ns",
            "2562048h",
            "9223372037",
            "-5s",
            "-1",
        ] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} should be refused");
        }
        let Err(CommandError::Usage(message)) = parse_timeout("1x") else {
            panic!("1x is a usage error");
        };
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains("--request-timeout"), "{message}");
    }
}
