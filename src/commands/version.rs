//! `version`: the plugin's version and commit; with a reachable cluster also the server version and the
//! tidb-operator version (from its controller Deployment's image), `<unknown>` when not readable.

use serde_json::json;

use super::{CommandError, Settings, emit, live_options, runtime};
use crate::render::OutputFormat;
use crate::source::live::{self, ServerInfo};

pub fn run(settings: &Settings) -> Result<i32, CommandError> {
    // A version that cannot reach the cluster is still a version: failures become <unknown>.
    let info = if settings.offline() {
        ServerInfo::default()
    } else {
        let mut options = live_options(settings);
        options.request_timeout = Some(
            options
                .request_timeout
                .unwrap_or(std::time::Duration::from_secs(5))
                .min(std::time::Duration::from_secs(5)),
        );
        runtime()
            .ok()
            .and_then(|rt| {
                rt.block_on(async {
                    let connection = live::connect(&options).await.ok()?;
                    let limit = options
                        .request_timeout
                        .unwrap_or(std::time::Duration::from_secs(5));
                    tokio::time::timeout(limit, connection.server_info())
                        .await
                        .ok()
                })
            })
            .unwrap_or_default()
    };
    let unknown = || "<unknown>".to_string();
    match settings.format {
        OutputFormat::Json | OutputFormat::Yaml => {
            let doc = json!({
                "plugin": {"version": crate::VERSION, "commit": crate::COMMIT},
                "server": {"version": info.server_version.clone().unwrap_or_else(unknown)},
                "tidbOperator": match &info.operator {
                    Some((version, deployment)) => json!({"version": version, "deployment": deployment}),
                    None => json!({"version": unknown()}),
                },
            });
            let text = if settings.format == OutputFormat::Json {
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                )
            } else {
                serde_saphyr::to_string(&doc).unwrap_or_default()
            };
            emit(&text);
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let operator = match &info.operator {
                Some((version, deployment)) => format!("{version} ({deployment})"),
                None => unknown(),
            };
            emit(&format!(
                "Plugin version: {} (commit {})\nServer version: {}\ntidb-operator:  {operator}\n",
                crate::VERSION,
                crate::COMMIT,
                info.server_version.unwrap_or_else(unknown)
            ));
        }
        OutputFormat::Name | OutputFormat::Sarif => {
            return Err(CommandError::Usage(
                "version supports -o json or yaml".into(),
            ));
        }
    }
    Ok(0)
}
