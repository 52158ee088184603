//! `completion SHELL`: clap's completion script for `kubectl-tidbmonitor`; and the hidden `__complete`, which
//! answers `kubectl tidbmonitor <TAB>` (kubectl >= 1.26 runs `kubectl_complete-tidbmonitor`) with
//! subcommands, flags, output formats and, from the live cluster, monitor and cluster names.

use clap::{CommandFactory, Parser};

use super::{CommandError, Settings, load};
use crate::cli::{Cli, CompletionArgs};
use crate::snapshot::Kind;
use crate::source::Request;

pub fn run(args: &CompletionArgs) -> Result<i32, CommandError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kubectl-tidbmonitor", &mut out);
    super::emit(&String::from_utf8_lossy(&out));
    Ok(0)
}

/// cobra's ShellCompDirectiveNoFileComp: do not fall back to file names.
const NO_FILE_COMPLETION: u8 = 4;

pub fn complete(words: &[String]) -> Result<i32, CommandError> {
    let (done, partial) = match words.split_last() {
        Some((last, rest)) => (rest, last.as_str()),
        None => (&[][..], ""),
    };
    let mut candidates = candidates(done, partial);
    candidates.retain(|c| c.starts_with(partial));
    let mut text = candidates.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&format!(":{NO_FILE_COMPLETION}\n"));
    super::emit(&text);
    Ok(0)
}

fn candidates(done: &[String], partial: &str) -> Vec<String> {
    let root = Cli::command();
    // Walk down the subcommands named so far.
    let mut command = &root;
    let mut path = Vec::new();
    for word in done.iter().filter(|w| !w.starts_with('-')) {
        if let Some(sub) = command.find_subcommand(word) {
            command = sub;
            path.push(word.clone());
        }
    }
    if matches!(done.last().map(String::as_str), Some("-o" | "--output")) {
        return ["table", "wide", "json", "yaml", "name"]
            .map(String::from)
            .to_vec();
    }
    if partial.starts_with('-') {
        let mut flags: Vec<String> = command
            .get_arguments()
            .chain(root.get_arguments())
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        flags.sort();
        flags.dedup();
        return flags;
    }
    if command.has_subcommands() {
        return command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_string())
            .collect();
    }
    let kinds: &[Kind] = match path
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["get"] | ["scaffold", "thanos"] => &[Kind::TidbMonitor],
        [
            "scaffold",
            "servicemonitor" | "podmonitor" | "vmpodscrape" | "vmservicescrape",
        ] => &[Kind::TidbCluster, Kind::DmCluster, Kind::Cluster],
        _ => return Vec::new(),
    };
    live_names(done, kinds).unwrap_or_default()
}

/// Names of `kinds` from the cluster the typed flags point at, with a short timeout: a slow or absent
/// cluster just means no suggestions.
fn live_names(done: &[String], kinds: &[Kind]) -> Option<Vec<String>> {
    let argv = std::iter::once("kubectl-tidbmonitor".to_string())
        .chain(done.iter().cloned())
        .chain(["get".to_string()]);
    let cli = Cli::try_parse_from(argv).ok()?;
    let mut global = cli.global;
    global.request_timeout = "3s".into();
    global.selector = None;
    let settings = Settings::from_global(&global).ok()?;
    let request = Request {
        primary: kinds[0],
        related: vec![],
        auxiliary: kinds[1..].to_vec(),
        selected: vec![],
        keep_raw: vec![],
        narrow: vec![],
    };
    let loaded = load(&settings, &request).ok()?;
    let s = &loaded.snapshot;
    let mut names: Vec<String> = match kinds[0] {
        Kind::TidbMonitor => s.monitors.iter().map(|m| m.metadata.name.clone()).collect(),
        _ => s
            .clusters
            .iter()
            .map(|c| c.metadata.name.clone())
            .chain(s.dm_clusters.iter().map(|c| c.metadata.name.clone()))
            .chain(s.v2_clusters.iter().map(|c| c.metadata.name.clone()))
            .collect(),
    };
    names.sort();
    names.dedup();
    Some(names)
}
