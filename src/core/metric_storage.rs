//! PD's `[pd-server] metric-storage`: where TiDB Dashboard reads metrics. tidb-operator v2 never sets it (v2.0.1
//! pkg/configs/pd/config.go manages only name, data-dir, urls, initial-cluster, join and security keys), so it
//! goes into `PDGroup.spec.template.spec.config` by hand (key: v1 pkg/apis/pingcap/v1alpha1/pd_config.go:79).
//! One place decides whether a config sets it and writes the patch; `check` and `scaffold` both ask here.

use crate::model::ComponentGroup;
use crate::naming::v2::METRIC_STORAGE;

/// A TOML line without its comment, trimmed.
fn code(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// `[pd-server]` however it is spaced or commented.
fn is_pd_server_header(line: &str) -> bool {
    let line = code(line);
    line.starts_with('[')
        && !line.starts_with("[[")
        && line.ends_with(']')
        && line[1..line.len() - 1].trim().trim_matches('"') == "pd-server"
}

/// Whether a PD TOML config sets a non-empty `metric-storage` (in `[pd-server]` or dotted), ignoring comments.
pub fn sets_metric_storage(config: &str) -> bool {
    config.lines().any(|line| {
        code(line).split_once('=').is_some_and(|(key, value)| {
            let key = key.trim().trim_matches('"');
            let named = key == METRIC_STORAGE
                || key.ends_with(&format!(".{METRIC_STORAGE}"))
                || key.ends_with(&format!("\"{METRIC_STORAGE}"));
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            named && !value.is_empty()
        })
    })
}

/// `config` with `metric-storage = "<url>"` added where TOML allows it: right after an existing `[pd-server]`
/// header (a second one is an error), as a top-level dotted key when `pd-server.` keys are already dotted there,
/// else as a new table at the end.
pub fn with_metric_storage(config: &str, url: &str) -> String {
    let line = format!("{METRIC_STORAGE} = \"{url}\"");
    let mut lines: Vec<String> = config.lines().map(str::to_string).collect();
    let top_level_end = lines
        .iter()
        .position(|l| code(l).starts_with('['))
        .unwrap_or(lines.len());
    let dotted = lines[..top_level_end]
        .iter()
        .any(|l| code(l).trim_start_matches('"').starts_with("pd-server"));
    if let Some(at) = lines.iter().position(|l| is_pd_server_header(l)) {
        lines.insert(at + 1, line);
    } else if dotted {
        lines.insert(0, format!("pd-server.{line}"));
    } else {
        lines.push("[pd-server]".into());
        lines.push(line);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The address of a prometheus-operator Prometheus in `namespace`: the `prometheus-operated` Service the operator
/// creates for every Prometheus (prometheus-operator pkg/prometheus/statefulset.go governing Service).
pub fn prometheus_operated(namespace: &str) -> String {
    format!("http://prometheus-operated.{namespace}.svc:9090")
}

/// The address of the VictoriaMetrics operator's VMSingle `name` in `namespace`, which answers the Prometheus query
/// API: its Service `vmsingle-<name>` (VM operator v0.74.1 `api/operator/v1beta1/vmsingle_types.go:340-345`
/// `PrefixedName`) on port 8428. The Service's `http` port is the VMSingle's `spec.port`, defaulted to 8429
/// (`internal/config/config.go:362-368`, docs/env.md `VM_VMSINGLEDEFAULT_PORT`), and the operator adds an
/// `http-alias` port 8428 to the same target whenever that port is not 8428 (`factory/vmsingle/vmsingle.go:522-533`,
/// present since v0.58): 8428 answers whatever the port is.
pub fn vmsingle(namespace: &str, name: &str) -> String {
    format!(
        "http://{}.{namespace}.svc:8428",
        crate::naming::vm::vmsingle(name)
    )
}

/// The exact command that sets `metric-storage` on a PDGroup, keeping the rest of its config.
pub fn patch_command(group: &ComponentGroup, url: &str) -> String {
    let config = group.spec.template.spec.config.as_deref().unwrap_or("");
    let patch = serde_json::json!({"spec": {"template": {"spec": {"config": with_metric_storage(config, url)}}}});
    format!(
        "kubectl -n {} patch pdgroup {} --type merge -p '{}'",
        group.metadata.namespace(),
        group.metadata.name,
        patch.to_string().replace('\'', r"'\''")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_adds_metric_storage() {
        assert!(sets_metric_storage(
            "[pd-server]\nmetric-storage = \"http://p:9090\"\n"
        ));
        assert!(sets_metric_storage("pd-server.metric-storage = \"x\"\n"));
        assert!(!sets_metric_storage(
            "# metric-storage = \"x\"\n[log]\nlevel = \"info\"\n"
        ));
        assert_eq!(
            with_metric_storage("[log]\nlevel = \"debug\"\n", "http://p.m:9090"),
            "[log]\nlevel = \"debug\"\n[pd-server]\nmetric-storage = \"http://p.m:9090\"\n"
        );
        assert_eq!(
            with_metric_storage("[pd-server]\nx = 1\n", "http://p.m:9090"),
            "[pd-server]\nmetric-storage = \"http://p.m:9090\"\nx = 1\n"
        );
        assert_eq!(
            with_metric_storage("[ pd-server ] # tuned\nx = 1\n", "u"),
            "[ pd-server ] # tuned\nmetric-storage = \"u\"\nx = 1\n"
        );
        assert_eq!(
            with_metric_storage("pd-server.x = 1\n[log]\nlevel = 1\n", "u"),
            "pd-server.metric-storage = \"u\"\npd-server.x = 1\n[log]\nlevel = 1\n"
        );
        assert!(!sets_metric_storage("[pd-server]\nmetric-storage = \"\"\n"));
    }
}
