//! `migrate`: snapshots of the stack that replaces each kind of TidbMonitor, for prometheus-operator and for the
//! VictoriaMetrics operator, checked against their CRDs, the series labels it keeps, and the refusals.

mod common;

use assert_cmd::Command;
use common::{example, project_examples, spec_violations};
use serde_json::Value;

fn plugin() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = plugin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn project(name: &str) -> String {
    format!("{}/{name}", project_examples())
}

/// The five monitor shapes the migration must handle: (snapshot name, manifests).
fn shapes() -> Vec<(&'static str, String)> {
    vec![
        ("migrate_plain", example("basic")),
        ("migrate_tls", project("tls")),
        ("migrate_sharded_thanos", project("thanos")),
        ("migrate_remote_write", example("monitor-prom-remotewrite")),
        ("migrate_legacy_deployment", project("legacy")),
        ("migrate_alerting", testdata("alerting.yaml")),
    ]
}

#[test]
fn snapshots_of_every_monitor_shape() {
    for (name, dir) in shapes() {
        insta::assert_snapshot!(
            name,
            stdout(&["migrate", "-A", "--operator-version", "v1.6.6", "-f", &dir])
        );
    }
}

/// The monitor shapes migrated to VictoriaMetrics: (snapshot name, `-f` arguments). The multi-namespace monitor
/// scrapes `shop`'s cluster too, so `single/` comes with it.
fn vm_shapes() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("migrate_vm_plain", vec![example("basic")]),
        ("migrate_vm_tls", vec![project("tls")]),
        ("migrate_vm_sharded_thanos", vec![project("thanos")]),
        (
            "migrate_vm_remote_write",
            vec![example("monitor-prom-remotewrite")],
        ),
        ("migrate_vm_legacy_deployment", vec![project("legacy")]),
        (
            "migrate_vm_multi_namespace",
            vec![project("single"), project("multi-namespace")],
        ),
        ("migrate_vm_alerting", vec![testdata("alerting.yaml")]),
    ]
}

fn with_files<'a>(args: &[&'a str], files: &'a [String]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    for file in files {
        out.extend(["-f", file.as_str()]);
    }
    out
}

#[test]
fn snapshots_of_every_monitor_shape_for_victoriametrics() {
    for (name, files) in vm_shapes() {
        let args = with_files(
            &[
                "migrate",
                "-A",
                "--to",
                "victoriametrics",
                "--operator-version",
                "v1.6.6",
            ],
            &files,
        );
        insta::assert_snapshot!(name, stdout(&args));
    }
}

fn migrate_json(dir: &str) -> Vec<Value> {
    let list: Value =
        serde_json::from_str(&stdout(&["migrate", "-A", "-o", "json", "-f", dir])).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn migrate_vm_json(files: &[String]) -> Vec<Value> {
    let args = with_files(
        &["migrate", "-A", "--to", "victoriametrics", "-o", "json"],
        files,
    );
    let list: Value = serde_json::from_str(&stdout(&args)).unwrap();
    list["items"].as_array().unwrap().clone()
}

fn of_kind(objects: &[Value], kind: &str) -> Vec<Value> {
    objects
        .iter()
        .filter(|o| o["kind"] == kind)
        .cloned()
        .collect()
}

/// Every Prometheus and PodMonitor a migration emits is accepted field by field by prometheus-operator's CRDs:
/// a strict server-side apply refuses unknown fields.
#[test]
fn output_matches_the_prometheus_operator_crds() {
    for (name, dir) in shapes() {
        let objects = migrate_json(&dir);
        let prometheuses = of_kind(&objects, "Prometheus");
        assert!(!prometheuses.is_empty(), "{name}");
        let violations = spec_violations(
            "crds/monitoring.coreos.com_prometheuses.yaml",
            &prometheuses,
        );
        assert!(violations.is_empty(), "{name}: {violations:?}");
        let monitors = of_kind(&objects, "PodMonitor");
        assert!(!monitors.is_empty(), "{name}");
        let violations = spec_violations("crds/monitoring.coreos.com_podmonitors.yaml", &monitors);
        assert!(violations.is_empty(), "{name}: {violations:?}");
        let rules = of_kind(&objects, "PrometheusRule");
        let violations = spec_violations("crds/monitoring.coreos.com_prometheusrules.yaml", &rules);
        assert!(violations.is_empty(), "{name}: {violations:?}");
    }
}

/// A field-rich monitor (remote write with Secrets, Thanos object storage, scheduling, resources) stays valid too.
#[test]
fn a_monitor_using_every_carried_field_matches_the_crd() {
    let objects = migrate_json(&format!(
        "{}/testdata/migrate/full.yaml",
        env!("CARGO_MANIFEST_DIR")
    ));
    let prometheuses = of_kind(&objects, "Prometheus");
    let spec = &prometheuses[0]["spec"];
    for field in [
        "remoteWrite",
        "thanos",
        "storage",
        "resources",
        "nodeSelector",
        "tolerations",
        "imagePullSecrets",
        "additionalArgs",
        "volumes",
        "volumeMounts",
        "containers",
        "podMetadata",
        "securityContext",
    ] {
        assert!(spec.get(field).is_some(), "{field} not carried: {spec}");
    }
    let names: Vec<&str> = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sidecar", "prometheus", "thanos-sidecar"]);
    assert_eq!(
        spec["containers"][1]["securityContext"]["readOnlyRootFilesystem"],
        true
    );
    let violations = spec_violations(
        "crds/monitoring.coreos.com_prometheuses.yaml",
        &prometheuses,
    );
    assert!(violations.is_empty(), "{violations:?}");
}

/// Every VMSingle, VMAgent and VMPodScrape a migration to VictoriaMetrics emits is accepted field by field by the
/// VM operator's v0.74.1 CRDs, and only those kinds and the monitor's Grafana are emitted (the operator makes the
/// ServiceAccount and RBAC; alerting is not carried over).
#[test]
fn output_matches_the_victoriametrics_crds() {
    for (name, files) in vm_shapes() {
        let objects = migrate_vm_json(&files);
        for (kind, crd) in [
            (
                "VMSingle",
                "crds/operator.victoriametrics.com_vmsingles.yaml",
            ),
            ("VMAgent", "crds/operator.victoriametrics.com_vmagents.yaml"),
            (
                "VMPodScrape",
                "crds/operator.victoriametrics.com_vmpodscrapes.yaml",
            ),
        ] {
            let of = of_kind(&objects, kind);
            assert!(!of.is_empty(), "{name}: no {kind}");
            let violations = spec_violations(crd, &of);
            assert!(violations.is_empty(), "{name}: {violations:?}");
        }
        // Besides the stack, only the monitor's Grafana (Deployment, Service, its provider ConfigMap and admin
        // Secret): no rule, Alertmanager or RBAC object.
        let kinds: std::collections::BTreeSet<&str> = objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .filter(|k| !["Deployment", "Service", "ConfigMap", "Secret"].contains(k))
            .collect();
        assert_eq!(
            kinds,
            ["VMAgent", "VMPodScrape", "VMSingle"].into(),
            "{name}"
        );
        for secret in of_kind(&objects, "Secret") {
            let secret_name = secret["metadata"]["name"].as_str().unwrap();
            assert!(
                secret_name.starts_with("grafana-") && secret_name.ends_with("-admin"),
                "{name}: {secret_name}"
            );
        }
    }
}

/// A field-rich monitor (remote write with Secrets, TLS, relabelling and queue settings; resources, scheduling,
/// security contexts, volumes) stays valid for VictoriaMetrics too, and each carried field lands where the table
/// says.
#[test]
fn a_monitor_using_every_carried_field_matches_the_victoriametrics_crds() {
    let objects = migrate_vm_json(&[testdata("full.yaml")]);
    let single = of_kind(&objects, "VMSingle");
    let agent = of_kind(&objects, "VMAgent");
    let s = &single[0]["spec"];
    for field in [
        "retentionPeriod",
        "storage",
        "resources",
        "containers",
        "volumes",
        "volumeMounts",
        "nodeSelector",
        "tolerations",
        "imagePullSecrets",
        "podMetadata",
        "securityContext",
    ] {
        assert!(s.get(field).is_some(), "VMSingle: {field} not carried: {s}");
    }
    let a = &agent[0]["spec"];
    for field in [
        "remoteWrite",
        "externalLabels",
        "podScrapeSelector",
        "podScrapeNamespaceSelector",
        "nodeSelector",
        "tolerations",
        "containers",
    ] {
        assert!(a.get(field).is_some(), "VMAgent: {field} not carried: {a}");
    }
    assert_eq!(a["externalLabelName"], "");
    let central = &a["remoteWrite"][1];
    assert_eq!(central["basicAuth"]["password"]["name"], "remote-write");
    assert_eq!(central["headers"][0], "X-Scope-OrgID: shop");
    assert_eq!(central["queues"], 50);
    assert_eq!(central["inlineUrlRelabelConfig"][0]["action"], "drop");
    let names: Vec<&str> = s["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sidecar", "vmsingle"]);
    for (kind, crd, list) in [
        (
            "VMSingle",
            "crds/operator.victoriametrics.com_vmsingles.yaml",
            &single,
        ),
        (
            "VMAgent",
            "crds/operator.victoriametrics.com_vmagents.yaml",
            &agent,
        ),
    ] {
        let violations = spec_violations(crd, list);
        assert!(violations.is_empty(), "{kind}: {violations:?}");
    }
    // The header names what the VMAgent cannot hold, once per reason.
    let yaml = stdout(&[
        "migrate",
        "-A",
        "--to",
        "victoriametrics",
        "-f",
        &testdata("full.yaml"),
    ]);
    for field in [
        "prometheus.remoteWrite.metadataConfig",
        "prometheus.remoteWrite.name",
        "prometheus.remoteWrite.queueConfig.capacity, prometheus.remoteWrite.queueConfig.maxSamplesPerSend",
        "thanos.",
    ] {
        assert!(
            yaml.lines()
                .any(|l| l.starts_with(&format!("# not carried over: {field}"))),
            "{field}: {yaml}"
        );
    }
}

/// The VMAgent selects exactly this migration's VMPodScrapes, in exactly the clusters' namespaces, and writes
/// to the VMSingle first; the plan and the datasource point at the VMSingle's Service.
#[test]
fn the_vmagent_selects_the_migrated_vmpodscrapes_and_writes_to_the_vmsingle() {
    let files = vec![project("single"), project("multi-namespace")];
    let objects = migrate_vm_json(&files);
    for agent in of_kind(&objects, "VMAgent") {
        let (ns, name) = (
            agent["metadata"]["namespace"].as_str().unwrap(),
            agent["metadata"]["name"].as_str().unwrap(),
        );
        let value = format!("{ns}.{name}");
        let spec = &agent["spec"];
        assert_eq!(
            spec["podScrapeSelector"],
            serde_json::json!({"matchLabels": {"tidbmonitor.kubectl-tidbmonitor/migrated-from": value}})
        );
        assert_eq!(
            spec["remoteWrite"][0]["url"],
            format!("http://vmsingle-{name}.{ns}.svc:8428/api/v1/write")
        );
        // Every VMPodScrape labelled for it sits in a namespace it selects, and it selects exactly the namespaces
        // of the clusters it reached (central's `shop` objects are emitted for central, migrated first, and
        // `shop` is told to copy them: its VMAgent still watches its own namespace).
        let selected: Vec<&str> =
            spec["podScrapeNamespaceSelector"]["matchExpressions"][0]["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
        for scrape in of_kind(&objects, "VMPodScrape") {
            if scrape["metadata"]["labels"]["tidbmonitor.kubectl-tidbmonitor/migrated-from"]
                == value
            {
                let scrape_ns = scrape["metadata"]["namespace"].as_str().unwrap();
                assert!(selected.contains(&scrape_ns), "{value}: {scrape_ns}");
            }
        }
        let expected: &[&str] = match value.as_str() {
            "monitoring.central" => &["shop", "team-b"],
            _ => &["shop"],
        };
        assert_eq!(selected, expected, "{value}");
    }
    let url = kubectl_tidbmonitor::migrate::To::Victoriametrics.query_url("shop", "shop");
    assert_eq!(url, "http://vmsingle-shop.shop.svc:8428");
    let yaml = stdout(&with_files(
        &["migrate", "-A", "--to", "victoriametrics"],
        &files,
    ));
    // shop has a Grafana: the migration builds it, reading the VMSingle (`To::query_url`), as the plan says.
    assert!(
        yaml.contains(&format!(
            "#   4. Move your users to the new Grafana, Service grafana-shop port 3000 (kubectl -n shop port-forward service/grafana-shop 3000), its datasource already reading {url} (VictoriaMetrics answers the Prometheus query API)"
        )),
        "{yaml}"
    );
    let grafana = of_kind(&objects, "Deployment")
        .into_iter()
        .find(|d| d["metadata"]["name"] == "grafana-shop")
        .unwrap();
    let initializer = &grafana["spec"]["template"]["spec"]["initContainers"][0];
    let env = initializer["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "GF_TIDB_PROMETHEUS_URL")
        .unwrap();
    assert_eq!(env["value"], url);
    assert!(
        yaml.contains(&format!("metric-storage = \"{url}\"")),
        "{yaml}"
    );
    assert!(
        yaml.contains("kubectl tidbmonitor migrate -n shop shop --to victoriametrics --apply"),
        "{yaml}"
    );
}

#[test]
fn an_unknown_monitor_name_generates_nothing() {
    let out = plugin()
        .args(["migrate", "-A", "nosuch", "-f", &example("basic")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

/// Every property of the TidbMonitor CRD's spec, and of the objects (or arrays' items) the table expands
/// (`prometheus`, `prometheus.config`, `prometheus.remoteWrite` and its `queueConfig`, `thanos`, `dm`), as the
/// mapping table names them.
fn crd_spec_paths() -> Vec<String> {
    use kubectl_tidbmonitor::migrate::fields::EXPANDED;
    fn walk(schema: &Value, prefix: &str, out: &mut Vec<String>) {
        let properties = match schema["type"].as_str() {
            Some("array") => &schema["items"]["properties"],
            _ => &schema["properties"],
        };
        for (key, child) in properties.as_object().into_iter().flatten() {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if EXPANDED.contains(&path.as_str()) {
                walk(child, &path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &common::crd_spec_schema("crds/pingcap.com_tidbmonitors.yaml"),
        "",
        &mut out,
    );
    out
}

/// A field the operator adds to the CRD fails here until the table says what becomes of it; a row for a field
/// the CRD no longer has fails too.
#[test]
fn the_mapping_table_covers_every_tidbmonitor_spec_field() {
    use kubectl_tidbmonitor::migrate::fields::FIELDS;
    let crd = crd_spec_paths();
    assert!(crd.len() > 70, "{crd:?}");
    for expanded in [
        "prometheus.remoteWrite.bearerToken",
        "prometheus.remoteWrite.queueConfig.maxShards",
    ] {
        assert!(crd.iter().any(|p| p == expanded), "{expanded}: {crd:?}");
    }
    let table: Vec<&str> = FIELDS.iter().map(|f| f.path).collect();
    let missing: Vec<&String> = crd
        .iter()
        .filter(|p| !table.contains(&p.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "not in migrate::fields::FIELDS: {missing:?}"
    );
    let stale: Vec<&&str> = table
        .iter()
        .filter(|p| !crd.contains(&p.to_string()))
        .collect();
    assert!(stale.is_empty(), "not in the CRD: {stale:?}");
}

/// docs/migrate.md holds the table as generated.
#[test]
fn docs_hold_the_mapping_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/migrate.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        "<!-- mapping table: generated from src/migrate/fields.rs (UPDATE_DOCS=1 cargo test --test migrate) -->\n",
        "<!-- end of mapping table -->",
    );
    let from = text.find(start).expect("start marker") + start.len();
    let to = text.find(end).expect("end marker");
    let table = kubectl_tidbmonitor::migrate::fields::markdown_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &text[..from], &text[to..])).unwrap();
        return;
    }
    assert_eq!(
        &text[from..to],
        table,
        "docs/migrate.md is stale: run `UPDATE_DOCS=1 cargo test --test migrate`"
    );
}

/// The header names each field the monitor sets that is not carried over, in the documented form.
#[test]
fn the_header_lists_what_is_not_carried_over() {
    let yaml = stdout(&["migrate", "-A", "-f", &project("legacy")]);
    assert!(
        yaml.lines()
            .any(|l| l.starts_with("# not carried over: reloader — ")),
        "{yaml}"
    );
    // Carried fields are not listed: the Grafana and its initializer are built now.
    for field in ["storage", "grafana", "initializer"] {
        assert!(
            !yaml.contains(&format!("not carried over: {field}")),
            "{field}: {yaml}"
        );
    }
}

fn testdata(name: &str) -> String {
    format!("{}/testdata/migrate/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The plan comes first in the header, in order, with the monitor's claim, size, class and the PV's reclaim
/// policy, and the command that keeps a Delete volume.
#[test]
fn the_plan_comes_first_with_the_volume_facts() {
    let yaml = stdout(&["migrate", "-A", "-f", &testdata("volumes.yaml")]);
    let header: Vec<&str> = yaml.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        header[3].starts_with("# Plan for TidbMonitor shop/orders"),
        "{header:#?}"
    );
    let step = |n: &str| {
        header
            .iter()
            .position(|l| l.starts_with(&format!("#   {n}. ")))
            .unwrap_or_else(|| panic!("step {n}: {header:#?}"))
    };
    assert!(step("1") < step("3") && step("3") < step("5") && step("5") < step("6"));
    assert!(header[step("3")].contains("(30d)"), "{}", header[step("3")]);
    assert!(
        header[step("4")].contains("http://prometheus-operated.shop.svc:9090"),
        "{}",
        header[step("4")]
    );
    assert!(header[step("6")].ends_with("kubectl -n shop delete tidbmonitor orders"));
    assert!(
        header.contains(&"#     PVC shop/tidbmonitor-orders-monitor-0: 50Gi, gp3, PV pvc-7f3e, reclaim policy Delete"),
        "{header:#?}"
    );
    assert!(
        header
            .iter()
            .any(|l| l.contains("persistentVolumeReclaimPolicy\":\"Retain")),
        "{header:#?}"
    );
    let plan_end = step("6");
    let first_dropped = header
        .iter()
        .position(|l| l.starts_with("# not carried over: "))
        .unwrap();
    assert!(plan_end < first_dropped);
}

/// With --apply the objects carry no header, so the plan goes to stderr.
#[test]
fn apply_prints_the_plan_on_stderr() {
    let out = plugin()
        .args([
            "migrate",
            "-A",
            "--apply",
            "--dry-run=client",
            "-f",
            &testdata("volumes.yaml"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Plan for TidbMonitor shop/orders"),
        "{stderr}"
    );
    assert!(stderr.contains("delete tidbmonitor orders"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("prometheus.monitoring.coreos.com/orders (namespace shop) would be applied"),
        "{stdout}"
    );
}

/// The labels the dashboards group by, and the address: what must not change across the migration.
type Series = (String, [String; 5]);

fn series(address: &str, labels: &std::collections::BTreeMap<String, String>) -> Series {
    let get = |k: &str| labels.get(k).cloned().unwrap_or_default();
    (
        address.to_string(),
        [
            get("instance"),
            get("component"),
            get("cluster"),
            get("tidb_cluster"),
            get("kubernetes_namespace"),
        ],
    )
}

/// For every component, TidbMonitor's relabelling and the migrated PodMonitor's (with the rules
/// prometheus-operator puts before it), evaluated by the plugin's relabel evaluator on the same discovered pod
/// (`core::discovery`, one target per container port as Prometheus' pod role gives), yield the same targets with
/// the same `instance`, `component`, `cluster`, `tidb_cluster` and `kubernetes_namespace`.
#[test]
fn series_labels_survive_the_migration_for_every_component() {
    series_labels_survive(kubectl_tidbmonitor::migrate::To::PrometheusOperator);
}

/// The same for the VMPodScrapes of `--to victoriametrics`, with the rules the VM operator generates before them
/// as `core::discovery` models them (selector keeps on the label alone, no `labelpresent`; `job` from the object).
#[test]
fn series_labels_survive_the_migration_to_victoriametrics_for_every_component() {
    series_labels_survive(kubectl_tidbmonitor::migrate::To::Victoriametrics);
}

fn series_labels_survive(to: kubectl_tidbmonitor::migrate::To) {
    use kubectl_tidbmonitor::core::discovery::{
        dm_cluster_pods, pod_targets, scrape_targets, tidb_cluster_pods,
    };
    use kubectl_tidbmonitor::core::monitor_jobs;
    use kubectl_tidbmonitor::core::relabel::relabel;
    use kubectl_tidbmonitor::migrate::To;
    use kubectl_tidbmonitor::model::ScrapeObject;
    use kubectl_tidbmonitor::snapshot::Kind;
    use std::collections::BTreeSet;

    let mut snapshot = kubectl_tidbmonitor::snapshot::Snapshot::default();
    kubectl_tidbmonitor::source::files::load_keeping(
        &[testdata("components.yaml")],
        "default",
        &[Kind::TidbMonitor],
        &mut snapshot,
    )
    .unwrap();
    let migration = kubectl_tidbmonitor::migrate::build(
        &snapshot,
        &kubectl_tidbmonitor::migrate::Options {
            to,
            ..Default::default()
        },
    )
    .unwrap();
    let (kind_name, kind) = match to {
        To::PrometheusOperator => ("PodMonitor", Kind::PodMonitor),
        To::Victoriametrics => ("VMPodScrape", Kind::VmPodScrape),
    };
    let scrapers: Vec<ScrapeObject> = of_kind(&migration.stack.objects, kind_name)
        .into_iter()
        .map(|o| {
            let mut s: ScrapeObject = serde_json::from_value(o).unwrap();
            s.kind = kind;
            s
        })
        .collect();
    assert!(!scrapers.is_empty(), "{to:?}");
    let mut groups = tidb_cluster_pods(&snapshot.clusters[0]);
    groups.extend(dm_cluster_pods(&snapshot.dm_clusters[0]));
    let mut compared = BTreeSet::new();
    for group in &groups {
        let component = group.component.name;
        let mut before = BTreeSet::new();
        for job in monitor_jobs::jobs(component) {
            let rules = monitor_jobs::relabelings(&group.cluster, "shop", component, job);
            for discovered in pod_targets(&group.pod) {
                let mut labels = discovered.clone();
                if relabel(&mut labels, &rules).unwrap() {
                    before.insert(series(&labels["__address__"], &labels));
                }
            }
        }
        let mut after = BTreeSet::new();
        for scraper in &scrapers {
            for target in scrape_targets(scraper, group).unwrap() {
                after.insert(series(&target.address, &target.labels));
            }
        }
        assert!(
            !before.is_empty(),
            "{component}: TidbMonitor scrapes nothing"
        );
        assert_eq!(before, after, "{to:?} {component}");
        compared.insert(component);
    }
    let expected: BTreeSet<&str> = [
        "pd",
        "tidb",
        "tikv",
        "tiflash",
        "ticdc",
        "pump",
        "tiproxy",
        "dm-master",
        "dm-worker",
    ]
    .into();
    assert_eq!(compared, expected);
}

/// `--apply` knows the API path of every kind a migration emits (it refuses a kind it does not know).
#[test]
fn every_emitted_kind_can_be_applied() {
    use kubectl_tidbmonitor::snapshot::Kind;
    let objects = shapes()
        .into_iter()
        .map(|(name, dir)| (name, migrate_json(&dir)))
        .chain(
            vm_shapes()
                .into_iter()
                .map(|(name, files)| (name, migrate_vm_json(&files))),
        );
    for (name, objects) in objects {
        for object in objects {
            let (api_version, kind) = (
                object["apiVersion"].as_str().unwrap(),
                object["kind"].as_str().unwrap(),
            );
            assert!(
                Kind::from_api_version(api_version, kind).is_some(),
                "{name}: {api_version} {kind}"
            );
        }
    }
}

/// The YAML block under `heading` in docs/migrate.md.
fn docs_example(heading: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/migrate.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = &text[text.find(heading).unwrap_or_else(|| panic!("{heading}"))..];
    let block = &section[section.find("```yaml\n").unwrap() + 8..];
    block[..block.find("```").unwrap()].to_string()
}

/// The first `documents` YAML documents of `yaml` (the header counts as one).
fn first_documents(yaml: &str, documents: usize) -> String {
    let mut separators = 0;
    yaml.lines()
        .take_while(|l| {
            separators += usize::from(*l == "---");
            separators < documents
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The examples in docs/migrate.md are the real output: the header and Prometheus, and the header, VMSingle and
/// VMAgent.
#[test]
fn docs_example_is_real_output() {
    let yaml = stdout(&["migrate", "-n", "default", "basic", "-f", &example("basic")]);
    assert_eq!(
        docs_example("## Example\n"),
        first_documents(&yaml, 2),
        "docs/migrate.md's example is stale"
    );
    let yaml = stdout(&[
        "migrate",
        "-n",
        "default",
        "basic",
        "--to",
        "victoriametrics",
        "-f",
        &example("basic"),
    ]);
    assert_eq!(
        docs_example("## Example: `--to victoriametrics`"),
        first_documents(&yaml, 3),
        "docs/migrate.md's victoriametrics example is stale"
    );
}

/// Several monitors: inputs, plans and objects in one (namespace, name) order.
#[test]
fn several_monitors_follow_one_order() {
    let yaml = stdout(&["migrate", "-A", "-f", &project_examples()]);
    let inputs = yaml.lines().find(|l| l.starts_with("# Inputs: ")).unwrap();
    let listed: Vec<&str> = inputs["# Inputs: ".len()..].split(", ").collect();
    let plans: Vec<String> = yaml
        .lines()
        .filter_map(|l| l.strip_prefix("# Plan for "))
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    assert_eq!(listed, plans);
    assert!(listed.len() >= 4, "{listed:?}");
}

/// A v2 Cluster the monitor names gets the v2 PodMonitors (pingcap.com labels), and the plan patches each
/// PDGroup's metric-storage, except one that already sets it (a second key would make its TOML invalid).
#[test]
fn v2_clusters_get_v2_scrape_objects_and_pdgroup_patches() {
    let yaml = stdout(&["migrate", "-A", "-f", &testdata("v2.yaml")]);
    let objects = migrate_json(&testdata("v2.yaml"));
    let monitors = of_kind(&objects, "PodMonitor");
    let names: Vec<&str> = monitors
        .iter()
        .map(|m| m["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ledger-pd", "ledger-tikv"]);
    let violations = spec_violations("crds/monitoring.coreos.com_podmonitors.yaml", &monitors);
    assert!(violations.is_empty(), "{violations:?}");
    for m in &monitors {
        assert_eq!(
            m["spec"]["selector"]["matchLabels"]["pingcap.com/cluster"],
            "ledger"
        );
        assert_eq!(
            m["metadata"]["labels"]["tidbmonitor.kubectl-tidbmonitor/migrated-from"],
            "books.ledger"
        );
    }
    assert!(
        yaml.lines().any(|l| l
            .starts_with("#      kubectl -n books patch pdgroup pd --type merge")
            && l.contains(r#"metric-storage = \"http://prometheus-operated.books.svc:9090\""#)),
        "{yaml}"
    );
    assert!(
        yaml.contains("#      PDGroup books/pd-old already sets metric-storage"),
        "{yaml}"
    );
    assert!(!yaml.contains("patch pdgroup pd-old"), "{yaml}");
}

/// JSON has no header either: the plan goes to stderr, and stdout stays one parseable List.
#[test]
fn json_output_puts_the_plan_on_stderr() {
    let out = plugin()
        .args(["migrate", "-A", "-o", "json", "-f", &example("basic")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Plan for TidbMonitor default/basic"),
        "{stderr}"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
}

/// The YAML documents of a testdata file, as JSON values.
fn documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n---\n")
        .map(|doc| serde_saphyr::from_str::<Value>(doc).unwrap())
        .collect()
}

/// `ruleConfigRef`: each `*.rules.yml` key of the ConfigMap is one PrometheusRule whose groups are the key's, in
/// the monitor's namespace, labelled for this Prometheus only, and the Prometheus selects exactly those. The
/// CRD accepts them (checked with every shape above).
#[test]
fn rule_config_map_keys_become_prometheus_rules_with_the_same_groups() {
    let objects = migrate_json(&testdata("alerting.yaml"));
    let config_map = documents(&testdata("alerting.yaml"))
        .into_iter()
        .find(|d| d["kind"] == "ConfigMap")
        .unwrap();
    let rules = of_kind(&objects, "PrometheusRule");
    let names: Vec<&str> = rules
        .iter()
        .map(|r| r["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ledger-ledger-records", "ledger-ledger"]);
    for (rule, key) in rules
        .iter()
        .zip(["ledger-records.rules.yml", "ledger.rules.yml"])
    {
        let file: Value =
            serde_saphyr::from_str(config_map["data"][key].as_str().unwrap()).unwrap();
        assert_eq!(rule["spec"]["groups"], file["groups"], "{key}");
        assert_eq!(rule["metadata"]["namespace"], "payments");
        assert_eq!(
            rule["metadata"]["labels"]["tidbmonitor.kubectl-tidbmonitor/migrated-from"],
            "payments.ledger"
        );
    }
    let spec = &of_kind(&objects, "Prometheus")[0]["spec"];
    assert_eq!(
        spec["ruleSelector"],
        serde_json::json!({"matchLabels": {"tidbmonitor.kubectl-tidbmonitor/migrated-from": "payments.ledger"}})
    );
    assert_eq!(
        spec["ruleNamespaceSelector"]["matchExpressions"][0]["values"],
        serde_json::json!(["payments"])
    );
}

/// `alertmanagerURL` becomes the Secret the Prometheus' `additionalAlertManagerConfigs` names, holding exactly
/// tidb-operator's static target; `ruleConfigRef` keeps the built-in rules off, and the header says why.
#[test]
fn alertmanager_url_is_one_static_target_in_a_secret_of_ours() {
    let objects = migrate_json(&testdata("alerting.yaml"));
    let spec = &of_kind(&objects, "Prometheus")[0]["spec"];
    let reference = &spec["additionalAlertManagerConfigs"];
    let secret = of_kind(&objects, "Secret")
        .into_iter()
        .find(|s| s["metadata"]["name"] == reference["name"])
        .unwrap();
    let encoded = secret["data"][reference["key"].as_str().unwrap()]
        .as_str()
        .unwrap();
    let decoded = base64_decode(encoded);
    let config: Value = serde_saphyr::from_str(&decoded).unwrap();
    assert_eq!(
        config,
        serde_json::json!([{"static_configs": [{"targets": ["alertmanager-main.monitoring:9093"]}]}])
    );
    let yaml = stdout(&["migrate", "-A", "-f", &testdata("alerting.yaml")]);
    assert!(
        yaml.contains(
            "the built-in alert rules are off, as in TidbMonitor: ruleConfigRef replaces them"
        ),
        "{yaml}"
    );
    assert!(
        !yaml.contains("# not carried over: the built-in alert rules"),
        "{yaml}"
    );
}

fn base64_decode(text: &str) -> String {
    let bytes: k8s_openapi::ByteString =
        serde_json::from_value(Value::String(text.into())).unwrap();
    String::from_utf8(bytes.0).unwrap()
}

/// The Grafana: the monitor's images, the initializer reading the new Prometheus, the plain credentials in a
/// Secret of ours, the service settings; `grafana.*` and `initializer.*` are no longer "not carried over".
#[test]
fn the_grafana_is_the_monitors_reading_the_new_prometheus() {
    let objects = migrate_json(&testdata("alerting.yaml"));
    let deployment = &of_kind(&objects, "Deployment")[0];
    assert_eq!(deployment["metadata"]["name"], "grafana-ledger");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["image"], "grafana/grafana:10.4.5");
    assert_eq!(
        pod["initContainers"][0]["image"],
        "pingcap/tidb-monitor-initializer:v8.5.4"
    );
    let env = |container: &Value, name: &str| {
        container["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        env(&pod["initContainers"][0], "GF_TIDB_PROMETHEUS_URL")["value"],
        "http://prometheus-operated.payments.svc:9090"
    );
    assert_eq!(
        env(&pod["initContainers"][0], "TZ")["value"],
        "Europe/Berlin"
    );
    assert_eq!(
        env(&pod["containers"][0], "GF_SECURITY_ADMIN_PASSWORD")["valueFrom"]["secretKeyRef"],
        serde_json::json!({"name": "grafana-ledger-admin", "key": "password"})
    );
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["labels"]["team"],
        "payments"
    );
    let service = of_kind(&objects, "Service")
        .into_iter()
        .find(|s| s["metadata"]["name"] == "grafana-ledger")
        .unwrap();
    assert_eq!(service["spec"]["type"], "NodePort");
    assert_eq!(service["spec"]["ports"][0]["name"], "web");
    let secret = of_kind(&objects, "Secret")
        .into_iter()
        .find(|s| s["metadata"]["name"] == "grafana-ledger-admin")
        .unwrap();
    assert_eq!(
        base64_decode(secret["data"]["password"].as_str().unwrap()),
        "change-me"
    );
    let yaml = stdout(&["migrate", "-A", "-f", &testdata("alerting.yaml")]);
    assert!(!yaml.contains("# not carried over: grafana"), "{yaml}");
    assert!(
        yaml.contains(
            "#   4. Move your users to the new Grafana, Service grafana-ledger port 3000"
        ),
        "{yaml}"
    );
}

/// A monitor without `spec.grafana` gets no Grafana.
#[test]
fn no_grafana_in_the_monitor_no_grafana_migrated() {
    let objects = migrate_json(&testdata("volumes.yaml"));
    assert!(of_kind(&objects, "Deployment").is_empty());
    assert!(of_kind(&objects, "Service").is_empty());
}

/// Built-in rules (enableAlertRules) cannot be read from the image: without --rules-dir the header names them as
/// not carried over with the `kubectl cp` that copies them; with it, one PrometheusRule per copied file.
#[test]
fn built_in_rules_come_from_rules_dir_or_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let monitor = dir.path().join("monitor.yaml");
    std::fs::write(
        &monitor,
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: m, namespace: x}\nspec:\n  clusters: [{name: a}]\n  enableAlertRules: true\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n  initializer: {baseImage: pingcap/tidb-monitor-initializer, version: v8.5.4}\n",
    )
    .unwrap();
    let monitor = monitor.display().to_string();
    let yaml = stdout(&["migrate", "-A", "-f", &monitor]);
    assert!(
        yaml.contains("# not carried over: the built-in alert rules (enableAlertRules turns them on) — they are files of the initializer image, which the plugin cannot read; instead: copy them out of the running monitor and migrate again with them: kubectl -n x cp -c prometheus \"$(kubectl -n x get pod -l app.kubernetes.io/instance=m,app.kubernetes.io/component=monitor -o jsonpath='{.items[0].metadata.name}')\":/prometheus-rules/rules m-rules && kubectl tidbmonitor migrate -n x m --rules-dir m-rules"),
        "{yaml}"
    );
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let file = "groups:\n- name: tidb\n  rules:\n  - alert: TiDB_server_down\n    expr: up{component=\"tidb\"} == 0\n    for: 1m\n";
    std::fs::write(rules.join("tidb.rules.yml"), file).unwrap();
    std::fs::write(rules.join("notes.txt"), "not a rule file").unwrap();
    let rules = rules.display().to_string();
    let list: Value = serde_json::from_str(&stdout(&[
        "migrate",
        "-A",
        "-o",
        "json",
        "--rules-dir",
        &rules,
        "-f",
        &monitor,
    ]))
    .unwrap();
    let objects = list["items"].as_array().unwrap().clone();
    let prometheus_rules = of_kind(&objects, "PrometheusRule");
    assert_eq!(prometheus_rules.len(), 1);
    assert_eq!(prometheus_rules[0]["metadata"]["name"], "m-tidb");
    let expected: Value = serde_saphyr::from_str(file).unwrap();
    assert_eq!(prometheus_rules[0]["spec"]["groups"], expected["groups"]);
    let violations = spec_violations(
        "crds/monitoring.coreos.com_prometheusrules.yaml",
        &prometheus_rules,
    );
    assert!(violations.is_empty(), "{violations:?}");
    // An empty directory is refused before anything is read.
    let empty = tempfile::tempdir().unwrap();
    let out = plugin()
        .args([
            "migrate",
            "-A",
            "--rules-dir",
            &empty.path().display().to_string(),
            "-f",
            &monitor,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no *.rules.yml file"));
}

/// --to victoriametrics: the same Grafana, reading the VMSingle; the alerting (alertmanagerURL, ruleConfigRef,
/// enableAlertRules) named as not carried over in the header as the table says, no rule or Alertmanager object,
/// the plan warning that the alerts stop with the TidbMonitor; --rules-dir refused.
#[test]
fn victoriametrics_gets_the_grafana_and_names_the_alerting_as_not_carried_over() {
    let files = [testdata("alerting.yaml")];
    let objects = migrate_vm_json(&files);
    let deployment = &of_kind(&objects, "Deployment")[0];
    assert_eq!(deployment["metadata"]["name"], "grafana-ledger");
    let initializer = &deployment["spec"]["template"]["spec"]["initContainers"][0];
    let url = initializer["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "GF_TIDB_PROMETHEUS_URL")
        .unwrap()["value"]
        .clone();
    assert_eq!(
        url,
        kubectl_tidbmonitor::migrate::To::Victoriametrics.query_url("payments", "ledger")
    );
    for kind in ["PrometheusRule", "VMRule", "VMAlert"] {
        assert!(of_kind(&objects, kind).is_empty(), "{kind}");
    }
    let secrets: Vec<Value> = of_kind(&objects, "Secret");
    assert_eq!(
        secrets.len(),
        1,
        "only Grafana's admin Secret: {secrets:#?}"
    );
    assert_eq!(secrets[0]["metadata"]["name"], "grafana-ledger-admin");

    let yaml = stdout(&with_files(
        &["migrate", "-A", "--to", "victoriametrics"],
        &files,
    ));
    use kubectl_tidbmonitor::migrate::{To, fields::FIELDS, fields::Mapping};
    for path in ["alertmanagerURL", "prometheus.config.ruleConfigRef"] {
        let field = FIELDS.iter().find(|f| f.path == path).unwrap();
        let Mapping::Dropped { why, instead } = field.mapping(To::Victoriametrics) else {
            panic!("{path} is carried to VictoriaMetrics in the table");
        };
        let line = format!("# not carried over: {path} — {why}; instead: {instead}\n");
        assert!(yaml.contains(&line), "{line}\n{yaml}");
        assert!(
            matches!(field.mapping(To::PrometheusOperator), Mapping::Carried(_)),
            "{path}"
        );
    }
    assert!(!yaml.contains("# not carried over: grafana"), "{yaml}");
    assert!(
        yaml.contains("#   6. Then delete the TidbMonitor: kubectl -n payments delete tidbmonitor ledger; its alerts stop with it"),
        "{yaml}"
    );

    // enableAlertRules alone: named too; --rules-dir has nothing to make PrometheusRules for.
    let dir = tempfile::tempdir().unwrap();
    let monitor = dir.path().join("monitor.yaml");
    std::fs::write(
        &monitor,
        "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: m, namespace: x}\nspec:\n  clusters: [{name: a}]\n  enableAlertRules: true\n  prometheus: {baseImage: prom/prometheus, version: v2.53.2}\n",
    )
    .unwrap();
    let monitor = monitor.display().to_string();
    let yaml = stdout(&["migrate", "-A", "--to", "victoriametrics", "-f", &monitor]);
    assert!(
        yaml.contains(
            "# not carried over: enableAlertRules — VMSingle and VMAgent evaluate no rules"
        ),
        "{yaml}"
    );
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("tidb.rules.yml"), "groups: []\n").unwrap();
    let out = plugin()
        .args(["migrate", "-A", "--to", "victoriametrics", "--rules-dir"])
        .arg(&rules)
        .args(["-f", &monitor])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "--rules-dir makes PrometheusRules, which only --to prometheus-operator emits"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `migrate --verify` on files: every example monitor's own migration is clean (exit 0); each kind of damage a
/// user or a second migration could do to the stack is one difference naming it (exit 1).
#[test]
fn verify_is_clean_on_the_migration_and_names_each_difference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stack");
    let examples = project_examples();
    plugin()
        .args(["migrate", "-A", "-f", &examples, "--output-dir"])
        .arg(&out)
        .assert()
        .success();
    let stack = out.to_str().unwrap().to_string();
    let clean = plugin()
        .args(["migrate", "-A", "-f", &examples, "-f", &stack, "--verify"])
        .output()
        .unwrap();
    let text = String::from_utf8(clean.stdout).unwrap();
    assert_eq!(clean.status.code(), Some(0), "{text}");
    assert_eq!(text.matches(": no difference").count(), 5, "{text}");
    assert!(text.contains("TidbMonitor monitoring/central → Prometheus monitoring/central: no difference\n  compared: 3 cluster(s), 9 component(s)"), "{text}");

    // With the Grafana, the Alertmanager Secret and the PrometheusRules beside the Prometheus, as clean; and the
    // same monitor's VictoriaMetrics stack with its Grafana.
    let alerting = testdata("alerting.yaml");
    for (to, present, verdict) in [
        (
            "prometheus-operator",
            &[
                "prometheusrule-",
                "secret-payments-ledger-prometheus-alertmanagers",
                "deployment-payments-grafana-ledger",
            ][..],
            "TidbMonitor payments/ledger → Prometheus payments/ledger: no difference\n",
        ),
        (
            "victoriametrics",
            &["deployment-payments-grafana-ledger"][..],
            "TidbMonitor payments/ledger → VMAgent payments/ledger + VMSingle payments/ledger: no difference\n",
        ),
    ] {
        let alerting_out = dir.path().join(format!("alerting-{to}"));
        plugin()
            .args(["migrate", "-A", "--to", to, "-f", &alerting, "--output-dir"])
            .arg(&alerting_out)
            .assert()
            .success();
        let files: Vec<String> = std::fs::read_dir(&alerting_out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for file in present {
            assert!(
                files.iter().any(|f| f.contains(file)),
                "{to} {file}: {files:?}"
            );
        }
        let result = plugin()
            .args(["migrate", "-A", "--to", to, "-f", &alerting, "-f"])
            .arg(&alerting_out)
            .arg("--verify")
            .output()
            .unwrap();
        let text = String::from_utf8(result.stdout).unwrap();
        assert_eq!(result.status.code(), Some(0), "{to}: {text}");
        assert!(text.starts_with(verdict), "{to}: {text}");
    }

    // The damage, each in the files of monitor shop/shop.
    let file = |suffix: &str| {
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no file *{suffix}"))
    };
    let prometheus = file("prometheus-shop-shop.yaml");
    let text = std::fs::read_to_string(&prometheus).unwrap();
    let damaged = text
        .replace("retention: 30d", "retention: 720h") // the same length: no difference
        .replace(
            "prometheusExternalLabelName: ''",
            "prometheusExternalLabelName: cluster",
        )
        .replace(
            "prometheusExternalLabelName: \"\"",
            "prometheusExternalLabelName: cluster",
        );
    assert_ne!(damaged, text, "the Prometheus file changed shape:\n{text}");
    std::fs::write(&prometheus, damaged).unwrap();
    std::fs::remove_file(file("podmonitor-shop-shop-tikv.yaml")).unwrap();
    let tidb = file("podmonitor-shop-shop-tidb.yaml");
    let text = std::fs::read_to_string(&tidb).unwrap();
    let damaged = text.replacen("targetLabel: instance", "targetLabel: pod_name", 1);
    assert_ne!(damaged, text, "the PodMonitor file changed shape:\n{text}");
    std::fs::write(&tidb, damaged).unwrap();

    let result = plugin()
        .args([
            "migrate", "-n", "shop", "shop", "-f", &examples, "-f", &stack, "--verify",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(result.stdout).unwrap();
    assert_eq!(result.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("TidbMonitor shop/shop → Prometheus shop/shop: 3 differences\n"),
        "{text}"
    );
    assert!(text.contains("  - TidbCluster shop/shop: tikv is not scraped by any scrape object Prometheus shop/shop selects\n"), "{text}");
    assert!(text.contains("  - TidbCluster shop/shop: tidb: 1 series label set(s) TidbMonitor had are not produced, e.g. {instance=shop-tidb-0,"), "{text}");
    assert!(
        text.contains("  - the Prometheus adds the external label \"cluster\""),
        "{text}"
    );
    assert!(
        !text.contains("  - retention"),
        "30d and 720h are one retention: {text}"
    );

    let json: Value = serde_json::from_slice(
        &plugin()
            .args([
                "migrate", "-n", "shop", "shop", "-f", &examples, "-f", &stack, "--verify", "-o",
                "json",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["kind"], "MigrationVerificationList");
    assert_eq!(json["items"][0]["differences"].as_array().unwrap().len(), 3);

    // Nothing applied yet: the one difference says what to do.
    let result = plugin()
        .args(["migrate", "-n", "shop", "-f", &examples, "--verify"])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8(result.stdout).unwrap().contains(
        "  - no Prometheus shop/shop: apply the migration first (kubectl tidbmonitor migrate shop -n shop --apply)\n"
    ));
    // --verify reads; it writes nothing.
    plugin()
        .args([
            "migrate", "-n", "shop", "-f", &examples, "--verify", "--apply",
        ])
        .assert()
        .code(2);
}

/// `migrate --to victoriametrics --verify`: the VMAgent + VMSingle of each example's migration are clean; a
/// VMSingle that keeps less, a VMAgent that adds its `prometheus` label or stops writing to the VMSingle, and a
/// deleted VMPodScrape are each one difference.
#[test]
fn verify_checks_a_victoriametrics_stack_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stack");
    let examples = project_examples();
    plugin()
        .args([
            "migrate",
            "-A",
            "-f",
            &examples,
            "--to",
            "victoriametrics",
            "--output-dir",
        ])
        .arg(&out)
        .assert()
        .success();
    let stack = out.to_str().unwrap().to_string();
    let args = |extra: &[&str]| {
        let mut args = vec![
            "migrate",
            "-f",
            &examples,
            "-f",
            &stack,
            "--to",
            "victoriametrics",
            "--verify",
        ];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let clean = plugin().args(args(&["-A"])).output().unwrap();
    let text = String::from_utf8(clean.stdout).unwrap();
    assert_eq!(clean.status.code(), Some(0), "{text}");
    assert_eq!(text.matches(": no difference").count(), 5, "{text}");
    assert!(
        text.contains(
            "TidbMonitor shop/shop → VMAgent shop/shop + VMSingle shop/shop: no difference"
        ),
        "{text}"
    );

    let file = |suffix: &str| {
        std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no file *{suffix}"))
    };
    let edit = |suffix: &str, from: &str, to: &str| {
        let path = file(suffix);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{suffix} has no {from:?}:\n{text}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "vmsingle-shop-shop.yaml",
        "retentionPeriod: 30d",
        "retentionPeriod: 7d",
    );
    edit(
        "vmagent-shop-shop.yaml",
        "externalLabelName: \"\"",
        "externalLabelName: vmagent",
    );
    edit(
        "vmagent-shop-shop.yaml",
        "/api/v1/write",
        "/api/v1/elsewhere",
    );
    std::fs::remove_file(file("vmpodscrape-shop-shop-pd.yaml")).unwrap();
    let result = plugin()
        .args(args(&["-n", "shop", "shop"]))
        .output()
        .unwrap();
    let text = String::from_utf8(result.stdout).unwrap();
    assert_eq!(result.status.code(), Some(1), "{text}");
    for expected in [
        "TidbMonitor shop/shop → VMAgent shop/shop + VMSingle shop/shop: 5 differences\n",
        "  - TidbCluster shop/shop: pd is not scraped by any scrape object VMAgent shop/shop selects\n",
        "  - retention: TidbMonitor keeps 30d, the VMSingle retentionPeriod 7d\n",
        "  - the VMAgent adds the external label \"vmagent\"",
        "  - the VMAgent does not write to the VMSingle (http://vmsingle-shop.shop.svc:8428/api/v1/write): nothing is stored\n",
        "  - remoteWrite to http://vmsingle-shop.shop.svc:8428/api/v1/elsewhere: the VMAgent writes there, TidbMonitor did not\n",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }
}
