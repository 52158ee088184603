//! `completion SHELL`: clap's completion script for `kubectl-tidbmonitor`; and the hidden `__complete`, which
//! answers `kubectl tidbmonitor <TAB>` (kubectl >= 1.26 runs `kubectl_complete-tidbmonitor`) with
//! subcommands, flags and their values (files, directories, formats, rule IDs, contexts from the kubeconfig,
//! namespaces from the cluster) and monitor and cluster names.
//!
//! clap_complete's scripts are static: they complete files (ValueHint) and declared values, but cannot ask the
//! cluster. For `-n` and `--context` the bash and fish scripts call `__complete` (the same answers kubectl's
//! hook gets) instead of clap_complete's `unstable-dynamic` engine, whose protocol and API are not stable yet
//! and which would change how every user registers completion; zsh and PowerShell keep the static script.

use clap::CommandFactory;

use super::{CommandError, Settings, load};
use crate::cli::{Cli, CompletionArgs};
use crate::snapshot::Kind;
use crate::source::Request;

pub fn run(args: &CompletionArgs) -> Result<i32, CommandError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kubectl-tidbmonitor", &mut out);
    let script = String::from_utf8_lossy(&out);
    let script = match args.shell {
        clap_complete::Shell::Bash => live_values_in_bash(&script),
        clap_complete::Shell::Fish => live_values_in_fish(&script),
        _ => script.into_owned(),
    };
    super::emit(&script);
    Ok(0)
}

/// Flags whose values only the cluster or the kubeconfig know.
const LIVE_FLAGS: [&str; 3] = ["-n", "--namespace", "--context"];

/// In clap_complete's bash script, a value flag without declared values echoes the word typed
/// (`COMPREPLY=("${cur}")` under `--context)`); for `LIVE_FLAGS` that line asks `__complete` instead, with the
/// words typed so far (so `--kubeconfig`/`--context` before `-n` are honoured).
fn live_values_in_bash(script: &str) -> String {
    // clap_complete 4.6 names the state of a subcommand `kubectl__tidbmonitor__subcmd__get` but its case
    // `kubectl__subcmd__tidbmonitor__subcmd__get)` (it turns the binary's `-` into the subcommand separator
    // there), so no option after a subcommand ever completed: give the cases the state's name.
    let script = script.replace("kubectl__subcmd__tidbmonitor", "kubectl__tidbmonitor");
    let mut out = String::with_capacity(script.len() + 1024);
    let mut in_live_case = false;
    for line in script.split_inclusive('\n') {
        // A case label of an option: `--context)`, `-n)`.
        let label = line
            .trim()
            .strip_suffix(')')
            .filter(|l| l.starts_with('-') && !l.contains(['(', ' ', '"']));
        if let Some(label) = label {
            in_live_case = LIVE_FLAGS.contains(&label);
        }
        if in_live_case && line.trim() == "COMPREPLY=(\"${cur}\")" {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str(
                "COMPREPLY=($(compgen -W \"$(kubectl-tidbmonitor __complete \"${COMP_WORDS[@]:1:COMP_CWORD-1}\" \"\" 2>/dev/null | grep -v '^:')\" -- \"${cur}\"))\n",
            );
            continue;
        }
        if in_live_case && line.trim() == "compopt -o nospace" {
            // A completed namespace or context is a whole word: the next one starts after a space.
            out.push_str(&line.replace("compopt -o nospace", "compopt +o nospace"));
            continue;
        }
        if line.trim() == ";;" {
            in_live_case = false;
        }
        out.push_str(line);
    }
    out
}

/// In clap_complete's fish script, `-l context`/`-l namespace` get their candidates from `__complete`.
fn live_values_in_fish(script: &str) -> String {
    script
        .lines()
        .map(|line| {
            let live = line.starts_with("complete ")
                && (line.contains(" -l context ") || line.contains(" -l namespace "));
            if live {
                format!(
                    "{line} -a \"(kubectl-tidbmonitor __complete (commandline -opc)[2..-1] '' 2>/dev/null | string match -v ':*')\"\n"
                )
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// cobra's ShellCompDirectiveDefault: the shell completes file names when no candidate fits.
const FILE_COMPLETION: u8 = 0;
/// cobra's ShellCompDirectiveNoFileComp: do not fall back to file names.
const NO_FILE_COMPLETION: u8 = 4;
/// cobra's ShellCompDirectiveFilterDirs: complete directory names only.
const DIRECTORY_COMPLETION: u8 = 16;

pub fn complete(words: &[String]) -> Result<i32, CommandError> {
    let (done, partial) = match words.split_last() {
        Some((last, rest)) => (rest, last.as_str()),
        None => (&[][..], ""),
    };
    let (mut candidates, directive) = match partial.split_once('=') {
        // `--color=al<TAB>`: the flag's values, each with the flag in front, as cobra completes them.
        Some((flag, value)) if flag.starts_with("--") => {
            let mut with_flag = done.to_vec();
            with_flag.push(flag.to_string());
            let (values, directive) = candidates(&with_flag, value);
            let values = values.into_iter().map(|v| format!("{flag}={v}")).collect();
            (values, directive)
        }
        _ => candidates(done, partial),
    };
    candidates.retain(|c| c.starts_with(partial));
    let mut text = candidates.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&format!(":{directive}\n"));
    super::emit(&text);
    Ok(0)
}

/// The argument of `command` (or of the root: global flags) that `flag` (`-n`, `--context`) names.
fn find_flag<'a>(
    command: &'a clap::Command,
    root: &'a clap::Command,
    flag: &str,
) -> Option<&'a clap::Arg> {
    let matches = |a: &&clap::Arg| match flag.strip_prefix("--") {
        Some(long) => a.get_long() == Some(long),
        None => {
            let mut chars = flag.strip_prefix('-').unwrap_or("").chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if a.get_short() == Some(c))
        }
    };
    command
        .get_arguments()
        .find(matches)
        .or_else(|| root.get_arguments().find(matches))
}

/// Candidates for the word being typed, and how the shell treats it when none fits.
fn candidates(done: &[String], partial: &str) -> (Vec<String>, u8) {
    let mut root = Cli::command();
    // Built, so that arguments answer how many values they take.
    root.build();
    let root = root;
    // Walk down the subcommands named so far.
    let mut command = &root;
    let mut path = Vec::new();
    let mut words = done.iter();
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            // `-n check`: the value of a flag is not a subcommand.
            let takes_value = !word.contains('=')
                && find_flag(command, &root, word)
                    .is_some_and(|a| a.get_num_args().is_some_and(|n| n.takes_values()));
            if takes_value {
                words.next();
            }
        } else if let Some(sub) = command.find_subcommand(word) {
            command = sub;
            path.push(word.clone());
        }
    }
    let values_of = |values: Vec<String>| (values, NO_FILE_COMPLETION);
    // The value of the flag just typed: from what the CLI declares, live names for -n and --context.
    if let Some(flag) = done
        .last()
        .filter(|w| w.starts_with('-') && !w.contains('='))
        && let Some(arg) = find_flag(command, &root, flag)
        && arg.get_num_args().is_some_and(|n| n.takes_values())
    {
        return match arg.get_id().as_str() {
            "namespace" => values_of(live_namespaces(done).unwrap_or_default()),
            "context" => values_of(kubeconfig_contexts(done)),
            _ => match arg.get_value_hint() {
                clap::ValueHint::FilePath | clap::ValueHint::AnyPath => {
                    (Vec::new(), FILE_COMPLETION)
                }
                clap::ValueHint::DirPath => (Vec::new(), DIRECTORY_COMPLETION),
                _ => {
                    let values: Vec<String> = arg
                        .get_possible_values()
                        .iter()
                        .filter(|v| !v.is_hide_set())
                        .map(|v| v.get_name().to_string())
                        .collect();
                    // `--rule TM030,TM0<TAB>`: complete the last item of a comma list.
                    match partial.rsplit_once(',') {
                        Some((head, _)) if arg.get_value_delimiter().is_some() => {
                            values_of(values.iter().map(|v| format!("{head},{v}")).collect())
                        }
                        _ => values_of(values),
                    }
                }
            },
        };
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
        return values_of(flags);
    }
    if command.has_subcommands() {
        return values_of(
            command
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name().to_string())
                .collect(),
        );
    }
    // `status cluster/<TAB>`, `status tc/<TAB>`: the names of what TYPE means, behind the TYPE typed.
    if path == ["status"]
        && let Some((kind, _)) = partial.split_once('/')
    {
        let kinds = match super::status::target(&format!("{kind}/x")) {
            Ok(super::status::Target::Cluster { kinds, .. }) => kinds,
            Ok(super::status::Target::Monitor(_)) => vec![Kind::TidbMonitor],
            Err(_) => return values_of(Vec::new()),
        };
        let names = live_names(done, &kinds).unwrap_or_default();
        return values_of(names.into_iter().map(|n| format!("{kind}/{n}")).collect());
    }
    let clusters = [Kind::TidbCluster, Kind::DmCluster, Kind::Cluster];
    let kinds: &[Kind] = match path
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["get"] | ["status"] | ["migrate"] | ["scaffold", "thanos"] => &[Kind::TidbMonitor],
        ["clusters"]
        | [
            "scaffold",
            "servicemonitor" | "podmonitor" | "vmpodscrape" | "vmservicescrape",
        ] => &clusters,
        ["check"] => &[
            Kind::TidbMonitor,
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Cluster,
        ],
        ["completion"] => {
            return values_of(
                command
                    .get_positionals()
                    .flat_map(|a| a.get_possible_values())
                    .map(|v| v.get_name().to_string())
                    .collect(),
            );
        }
        _ => return values_of(Vec::new()),
    };
    values_of(live_names(done, kinds).unwrap_or_default())
}

/// Settings for a completion lookup: the flags typed so far (kubeconfig, context, -n, -f), a short timeout and
/// no selector. A slow or absent cluster just means no suggestions.
fn lookup_settings(done: &[String]) -> Option<Settings> {
    // The flag whose value is being completed has no value yet: leave it out. Parse the rest as typed, adding
    // `get` where no subcommand was named (the global flags are all that matters here).
    let typed = match done.last() {
        Some(last) if last.starts_with('-') && !last.contains('=') => &done[..done.len() - 1],
        _ => done,
    };
    let root = Cli::command();
    let named_command = typed
        .iter()
        .any(|w| !w.starts_with('-') && root.find_subcommand(w).is_some());
    let argv = std::iter::once("kubectl-tidbmonitor".to_string())
        .chain(typed.iter().cloned())
        .chain((!named_command).then(|| "get".to_string()));
    // Only the global flags matter: a subcommand's required NAME (`status`) not typed yet is no error here.
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(argv)
        .ok()?;
    let mut global =
        <crate::cli::Global as clap::FromArgMatches>::from_arg_matches(&matches).ok()?;
    global.request_timeout = "3s".into();
    global.selector = None;
    Settings::from_global(&global).ok()
}

/// Names of `kinds` from the cluster (or the `-f` files) the typed flags point at.
fn live_names(done: &[String], kinds: &[Kind]) -> Option<Vec<String>> {
    let settings = lookup_settings(done)?;
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
    let mut names: Vec<String> = Vec::new();
    for kind in kinds {
        let metas: Vec<&crate::model::ObjectMeta> = match kind {
            Kind::TidbMonitor => s.monitors.iter().map(|o| &o.metadata).collect(),
            Kind::TidbCluster => s.clusters.iter().map(|o| &o.metadata).collect(),
            Kind::DmCluster => s.dm_clusters.iter().map(|o| &o.metadata).collect(),
            Kind::Cluster => s.v2_clusters.iter().map(|o| &o.metadata).collect(),
            _ => Vec::new(),
        };
        names.extend(metas.into_iter().map(|m| m.name.clone()));
    }
    names.sort();
    names.dedup();
    Some(names)
}

/// Namespaces, as `kubectl get namespaces` lists them for the typed kubeconfig and context.
fn live_namespaces(done: &[String]) -> Option<Vec<String>> {
    let settings = lookup_settings(done)?;
    if settings.offline() {
        return None;
    }
    let request = Request {
        primary: Kind::Namespace,
        related: vec![],
        auxiliary: vec![],
        selected: vec![],
        keep_raw: vec![],
        narrow: vec![],
    };
    let loaded = load(&settings, &request).ok()?;
    let mut names: Vec<String> = loaded
        .snapshot
        .namespaces
        .iter()
        .map(|n| n.metadata.name.clone())
        .collect();
    names.sort();
    Some(names)
}

/// Context names of the kubeconfig the typed `--kubeconfig` (else `KUBECONFIG`, else ~/.kube/config) names:
/// read locally, no cluster needed.
fn kubeconfig_contexts(done: &[String]) -> Vec<String> {
    let path = done.iter().enumerate().find_map(|(i, w)| match w.as_str() {
        "--kubeconfig" => done.get(i + 1).cloned(),
        _ => w.strip_prefix("--kubeconfig=").map(String::from),
    });
    let config = match path {
        Some(path) => kube::config::Kubeconfig::read_from(path),
        None => kube::config::Kubeconfig::read(),
    };
    let mut names: Vec<String> = config
        .map(|c| c.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    names.sort();
    names
}
