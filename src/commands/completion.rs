//! `completion SHELL`: clap's completion script for `kubectl-tidbmonitor`.

use clap::CommandFactory;

use super::CommandError;
use crate::cli::{Cli, CompletionArgs};

pub fn run(args: &CompletionArgs) -> Result<i32, CommandError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "kubectl-tidbmonitor", &mut out);
    super::emit(&String::from_utf8_lossy(&out));
    Ok(0)
}
