//! `version`: the plugin's version and commit.

use serde_json::json;

use super::{CommandError, emit};
use crate::cli::Global;

pub fn run(global: &Global) -> Result<i32, CommandError> {
    match global.output.as_str() {
        "json" => {
            let doc = json!({"plugin": {"version": crate::VERSION, "commit": crate::COMMIT}});
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        "table" | "" => emit(&format!(
            "kubectl-tidbmonitor {} (commit {})\n",
            crate::VERSION,
            crate::COMMIT
        )),
        other => {
            return Err(CommandError::Usage(format!(
                "version supports -o json only, not {other:?}"
            )));
        }
    }
    Ok(0)
}
