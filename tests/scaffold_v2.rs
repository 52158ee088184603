//! Scaffolds for tidb-operator v2 Clusters: snapshots of every kind, the targets each object really scrapes
//! (its rules evaluated by the plugin's own Prometheus emulation on the pods the operator makes), and the
//! synthetic pods pinned to the operator's real output.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::Command;
use kubectl_tidbmonitor::core::discovery::{GroupPods, group_pods, scrape_targets};
use kubectl_tidbmonitor::scaffold::servicemonitor::{MonitorKind, Options};
use kubectl_tidbmonitor::scaffold::v2;
use kubectl_tidbmonitor::snapshot::{Kind, Scope, Snapshot};
use kubectl_tidbmonitor::source::files::load_text_into;
use serde_json::Value;

const KINDS: [&str; 4] = [
    "podmonitor",
    "servicemonitor",
    "vmpodscrape",
    "vmservicescrape",
];

fn shared(rel: &str) -> PathBuf {
    common::fixtures().join("v2").join(rel)
}

/// The fixture's manifest files, sorted; `tls` only its cluster and groups (00-04).
fn fixture_files(name: &str) -> Vec<PathBuf> {
    let dir = match name {
        "tls" => shared("tls"),
        other => shared(&format!("examples-v2.0.1/examples/{other}")),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let file = p.file_name().unwrap().to_string_lossy().to_string();
            file.ends_with(".yaml") && file.as_bytes()[0].is_ascii_digit()
        })
        .collect();
    files.sort();
    files
}

fn file_args(name: &str) -> Vec<String> {
    match name {
        // -f DIR, as users pass the examples.
        "basic" | "pdms" => vec![
            "-f".into(),
            shared(&format!("examples-v2.0.1/examples/{name}"))
                .display()
                .to_string(),
        ],
        _ => fixture_files(name)
            .iter()
            .flat_map(|p| ["-f".to_string(), p.display().to_string()])
            .collect(),
    }
}

fn scaffold(kind: &str, fixture: &str) -> (String, String) {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    let mut args = vec!["scaffold".to_string(), kind.to_string()];
    args.extend(file_args(fixture));
    let out = cmd.args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn cluster_snapshot(fixture: &str) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for file in fixture_files(fixture) {
        let text = std::fs::read_to_string(&file).unwrap();
        load_text_into(
            &file.display().to_string(),
            &text,
            "default",
            &[],
            &mut snapshot,
        );
    }
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    snapshot
}

#[test]
fn snapshots_of_every_kind() {
    for fixture in ["basic", "tls", "pdms"] {
        for kind in KINDS {
            let (out, _) = scaffold(kind, fixture);
            insta::assert_snapshot!(format!("{fixture}_{kind}"), out);
        }
    }
}

/// Live reads know every Secret of the namespace: a missing client Secret is a warning (offline it is unknown).
#[test]
fn tls_cluster_without_its_client_secret_warns() {
    let mut snapshot = cluster_snapshot("tls");
    let options = |kind| Options {
        kind,
        prometheus_labels: BTreeMap::new(),
        ..Default::default()
    };
    let unknown = v2::scrape_objects(&snapshot, &options(MonitorKind::PodMonitor));
    assert!(unknown.warnings.is_empty(), "{:?}", unknown.warnings);
    snapshot.scopes.insert(Kind::Secret, Scope::AllNamespaces);
    for kind in [
        MonitorKind::PodMonitor,
        MonitorKind::ServiceMonitor,
        MonitorKind::VmPodScrape,
        MonitorKind::VmServiceScrape,
    ] {
        let result = v2::scrape_objects(&snapshot, &options(kind));
        assert_eq!(
            result.warnings,
            vec!["Secret default/tls-cluster-client-secret does not exist: Prometheus cannot scrape default/tls over TLS until it does".to_string()]
        );
        assert_eq!(result.objects.len(), 4);
    }
}

#[test]
fn servicemonitor_kind_podmonitor_is_the_podmonitor_subcommand() {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    let mut args = vec!["scaffold", "servicemonitor", "--kind", "podmonitor"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    args.extend(file_args("basic"));
    let out = cmd.args(&args).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (podmonitor, _) = scaffold("podmonitor", "basic");
    // Only the header's command name differs.
    assert_eq!(
        text.replacen("(scaffold servicemonitor)", "(scaffold podmonitor)", 1),
        podmonitor
    );
}

/// `(metrics port, number, container, job)` of each component: what every target must look like.
fn expected_ports(component: &str) -> Vec<(&'static str, i32, &'static str, &'static str)> {
    match component {
        "pd" => vec![("client", 2379, "pd", "pd")],
        "tso" => vec![("client", 3379, "tso", "tso")],
        "scheduling" => vec![("client", 3379, "scheduling", "scheduling")],
        "scheduler" => vec![("client", 3379, "scheduler", "scheduler")],
        "tikv" => vec![("status", 20180, "tikv", "tikv")],
        "tidb" => vec![("status", 10080, "tidb", "tidb")],
        "tiflash" => vec![
            ("metrics", 8234, "tiflash", "tiflash"),
            ("proxy-metrics", 20292, "tiflash", "tiflash"),
        ],
        "ticdc" => vec![("ticdc", 8300, "ticdc", "ticdc")],
        "tiproxy" => vec![("api", 3080, "tiproxy", "tiproxy")],
        other => panic!("unexpected component {other}"),
    }
}

fn check_targets(fixture: &str, kind: &str, tls: bool, components: &[&str]) {
    let (out, _) = scaffold(kind, fixture);
    let mut snapshot = cluster_snapshot(fixture);
    load_text_into("scaffold", &out, "default", &[], &mut snapshot);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let cluster = &snapshot.v2_clusters[0].metadata.name;
    assert_eq!(
        snapshot.scrapers.len(),
        components.len(),
        "{kind} {fixture}"
    );
    let mut seen = Vec::new();
    for group in &snapshot.groups {
        let pods: GroupPods = group_pods(group).unwrap();
        let comp = pods.component.name;
        seen.push(comp);
        let g = &pods.group;
        let pod = format!("{g}-{comp}-x7k2m9");
        let mut targets = Vec::new();
        for scraper in &snapshot.scrapers {
            for target in scrape_targets(scraper, &pods).unwrap() {
                assert_eq!(
                    scraper.metadata.name,
                    format!("{cluster}-{comp}"),
                    "{kind} {fixture}: only the component's own object scrapes group {g}"
                );
                targets.push(target);
            }
        }
        let expected = expected_ports(comp);
        assert_eq!(
            targets.len(),
            expected.len(),
            "{kind} {fixture} {g}: one target per metrics port: {targets:#?}"
        );
        for (port, number, container, job) in expected {
            let address = format!("{pod}.{g}-{comp}-peer.default:{number}");
            let matching: Vec<_> = targets.iter().filter(|t| t.address == address).collect();
            assert_eq!(
                matching.len(),
                1,
                "{kind} {fixture} {address}: {targets:#?}"
            );
            let target = matching[0];
            assert_eq!(
                target.scheme,
                if tls { "https" } else { "http" },
                "{kind} {address}"
            );
            assert_eq!(target.path, "/metrics");
            let mut labels: BTreeMap<String, String> = [
                ("instance", pod.as_str()),
                ("component", comp),
                ("cluster", cluster.as_str()),
                ("tidb_cluster", &format!("default-{cluster}")),
                ("kubernetes_namespace", "default"),
                ("job", job),
                ("namespace", "default"),
                ("pod", pod.as_str()),
                ("container", container),
                ("endpoint", port),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            if kind.contains("service") {
                labels.insert("service".into(), format!("{g}-{comp}-peer"));
            }
            assert_eq!(target.labels, labels, "{kind} {fixture} {address}");
        }
    }
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    let mut want: Vec<&str> = components.to_vec();
    want.sort();
    assert_eq!(seen_sorted, want);
}

#[test]
fn every_target_is_the_metrics_port_at_the_certificate_name_with_dashboard_labels() {
    for kind in KINDS {
        check_targets(
            "basic",
            kind,
            false,
            &["pd", "tikv", "tidb", "tiflash", "tiproxy", "ticdc"],
        );
        check_targets("tls", kind, true, &["pd", "tikv", "tidb", "tiflash"]);
        check_targets("pdms", kind, false, &["pd", "tso", "scheduling", "tikv"]);
    }
}

fn documents(path: &PathBuf) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n---\n")
        .filter_map(|doc| serde_saphyr::from_str::<Value>(doc).ok())
        .filter(|v| v.is_object())
        .collect()
}

fn string_map(value: Option<&Value>, keep: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| keep(k))
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The synthetic pods and Services `group_pods` builds from the basic example's groups agree with what
/// tidb-operator v2.0.1's builders made from the same groups.
#[test]
fn synthetic_pods_match_the_operators_pods() {
    let snapshot = cluster_snapshot("basic");
    let synthetic: Vec<GroupPods> = snapshot.groups.iter().filter_map(group_pods).collect();
    assert_eq!(synthetic.len(), 6);
    let real = documents(&shared("pods-as-the-operator-makes-them.yaml"));
    let mut pods_checked = 0;
    let mut services_checked = 0;
    for object in &real {
        let meta = &object["metadata"];
        let labels = string_map(meta.get("labels"), |_| true);
        let group = &labels["pingcap.com/group"];
        let component = &labels["pingcap.com/component"];
        let pods = synthetic
            .iter()
            .find(|p| &p.group == group && p.component.name == component)
            .unwrap_or_else(|| panic!("no synthetic group {group}/{component}"));
        let name = meta["name"].as_str().unwrap();
        match object["kind"].as_str().unwrap() {
            "Pod" => {
                pods_checked += 1;
                let is_pingcap = |k: &str| k.starts_with("pingcap.com/");
                let is_varying = |k: &str| {
                    k == "pingcap.com/instance" || k == "pingcap.com/instance-revision-hash"
                };
                let keep = |k: &str| {
                    (is_pingcap(k) && !is_varying(k)) || k.starts_with("app.kubernetes.io/")
                };
                assert_eq!(
                    labels
                        .iter()
                        .filter(|(k, _)| keep(k))
                        .collect::<BTreeMap<_, _>>(),
                    pods.pod
                        .labels
                        .iter()
                        .filter(|(k, _)| keep(k))
                        .collect::<BTreeMap<_, _>>(),
                    "{name}: labels"
                );
                let real_keys: Vec<&String> = labels.keys().filter(|k| is_pingcap(k)).collect();
                let synthetic_keys: Vec<&String> =
                    pods.pod.labels.keys().filter(|k| is_pingcap(k)).collect();
                assert_eq!(
                    real_keys, synthetic_keys,
                    "{name}: pingcap.com/* label keys"
                );
                // Pod `<group>-<comp>-<suffix>`, instance `<group>-<suffix>`.
                let suffix = name.strip_prefix(&format!("{group}-{component}-")).unwrap();
                assert_eq!(labels["pingcap.com/instance"], format!("{group}-{suffix}"));
                if suffix == "x7k2m9" {
                    assert_eq!(pods.pod.name, name);
                    assert_eq!(
                        pods.pod.labels["pingcap.com/instance"],
                        labels["pingcap.com/instance"]
                    );
                }
                let prometheus = |k: &str| k.contains("prometheus.io/");
                assert_eq!(
                    string_map(meta.get("annotations"), prometheus),
                    pods.pod
                        .annotations
                        .iter()
                        .filter(|(k, _)| prometheus(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<BTreeMap<_, _>>(),
                    "{name}: annotations"
                );
                let mut containers = Vec::new();
                for (field, init) in [("containers", false), ("initContainers", true)] {
                    for c in object["spec"][field].as_array().into_iter().flatten() {
                        let ports: Vec<(String, i32)> = c["ports"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|p| {
                                (
                                    p["name"].as_str().unwrap().to_string(),
                                    p["containerPort"].as_i64().unwrap() as i32,
                                )
                            })
                            .collect();
                        containers.push((c["name"].as_str().unwrap().to_string(), init, ports));
                    }
                }
                let mut synthetic_containers = pods.pod.containers.clone();
                containers.sort();
                synthetic_containers.sort();
                assert_eq!(containers, synthetic_containers, "{name}: containers");
                assert_eq!(
                    object["spec"]["subdomain"].as_str(),
                    Some(format!("{group}-{component}-peer").as_str())
                );
            }
            "Service" => {
                services_checked += 1;
                let service = pods
                    .services
                    .iter()
                    .find(|s| s.name == name)
                    .unwrap_or_else(|| panic!("no synthetic Service {name}"));
                assert_eq!(labels, service.labels, "{name}: labels");
                let ports: Vec<(String, String)> = object["spec"]["ports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        (
                            p["name"].as_str().unwrap().to_string(),
                            p["targetPort"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                assert_eq!(ports, service.ports, "{name}: ports");
            }
            _ => {}
        }
    }
    assert_eq!(pods_checked, 12);
    let synthetic_services: usize = synthetic.iter().map(|p| p.services.len()).sum();
    assert_eq!(services_checked, synthetic_services);
}

fn run_json(args: &[&str]) -> Value {
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    let out = cmd.args(args).args(["-o", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// v1 TidbClusters: the VM kinds are the v1 ServiceMonitor/PodMonitor scaffold with VictoriaMetrics' names.
#[test]
fn v1_vm_kinds_mirror_the_v1_monitors() {
    for example in ["basic", "basic-tls", "dm"] {
        let dir = common::example(example);
        for (vm, prometheus) in [
            (
                "vmservicescrape",
                ["servicemonitor", "--kind", "servicemonitor"],
            ),
            ("vmpodscrape", ["servicemonitor", "--kind", "podmonitor"]),
        ] {
            let vm_list = run_json(&["scaffold", vm, "-f", &dir]);
            let pm_list = run_json(&[
                "scaffold",
                prometheus[0],
                prometheus[1],
                prometheus[2],
                "-f",
                &dir,
            ]);
            let mut expected = pm_list["items"].as_array().unwrap().clone();
            assert!(!expected.is_empty());
            for item in &mut expected {
                item["apiVersion"] = "operator.victoriametrics.com/v1beta1".into();
                let kind = match item["kind"].as_str().unwrap() {
                    "ServiceMonitor" => "VMServiceScrape",
                    _ => "VMPodScrape",
                };
                item["kind"] = kind.into();
                let spec = item["spec"].as_object_mut().unwrap();
                for key in ["endpoints", "podMetricsEndpoints"] {
                    for ep in spec
                        .get_mut(key)
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        let ep = ep.as_object_mut().unwrap();
                        let rules = ep.remove("relabelings").unwrap();
                        ep.insert("relabelConfigs".into(), rules);
                    }
                }
            }
            assert_eq!(
                vm_list["items"].as_array().unwrap(),
                &expected,
                "{example} {vm}"
            );
        }
    }
}

/// `--prometheus-label` and the load check against Prometheus CRs work for the new subcommands; with one
/// Prometheus CR the header's PDGroup patch names its Service.
#[test]
fn prometheus_labels_and_the_dashboard_patch() {
    let dir = tempfile::tempdir().unwrap();
    let prometheus = dir.path().join("prometheus.yaml");
    std::fs::write(
        &prometheus,
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: k8s\n  namespace: monitoring\n\
         spec:\n  podMonitorSelector:\n    matchLabels:\n      release: kps\n  serviceMonitorSelector:\n    matchLabels:\n      release: kps\n",
    )
    .unwrap();
    let prometheus = prometheus.display().to_string();
    let mut args: Vec<String> = vec!["scaffold".into(), "podmonitor".into()];
    args.extend(file_args("basic"));
    args.extend(["-f".to_string(), prometheus.clone()]);
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    let out = cmd.args(&args).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Prometheus monitoring/k8s selects podMonitorSelector release=kps (add --prometheus-label release=kps) and has no podMonitorNamespaceSelector, so it watches only its own namespace, not default"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            r#"#   kubectl -n default patch pdgroup pd --type merge -p '{"spec":{"template":{"spec":{"config":"[log]\nlevel = \"debug\"\n[pd-server]\nmetric-storage = \"http://prometheus-operated.monitoring.svc:9090\"\n"}}}}'"#
        ),
        "{stdout}"
    );
    let mut cmd = Command::cargo_bin("kubectl-tidbmonitor").unwrap();
    cmd.env("NO_COLOR", "1").env("KUBECONFIG", "/nonexistent");
    args.extend(["--prometheus-label".to_string(), "release=kps".to_string()]);
    let out = cmd.args(&args).args(["-o", "json"]).output().unwrap();
    assert!(out.status.success());
    // The label is there now; the Prometheus still watches only its own namespace, and says so.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("add --prometheus-label"), "{stderr}");
    assert!(
        stderr.contains("has no podMonitorNamespaceSelector, so it watches only its own namespace"),
        "{stderr}"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["metadata"]["labels"]["release"], "kps");
    }
}

/// v2.1's `ClusterSubdomain` gate moves every pod under `<cluster>-cluster`: the scaffold follows the gate, and
/// the predicate flags the peer-Service address as a host that does not exist.
#[test]
fn cluster_subdomain_gate_moves_the_scrape_address() {
    use kubectl_tidbmonitor::core::scraping::cluster_scrapes;
    let orders = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/v2/orders.yaml"),
    )
    .unwrap();
    let gated = orders.replacen(
        "spec: {}\n",
        "spec:\n  featureGates:\n  - name: ClusterSubdomain\n",
        1,
    );
    assert_ne!(gated, orders);
    let options = Options {
        kind: MonitorKind::PodMonitor,
        prometheus_labels: BTreeMap::new(),
        ..Default::default()
    };
    for (cluster_text, scaffold_from, expect_ok) in [
        (&gated, &gated, true),
        (&gated, &orders, false),
        (&orders, &orders, true),
    ] {
        let mut source = Snapshot::default();
        load_text_into("orders.yaml", scaffold_from, "default", &[], &mut source);
        assert!(source.problems.is_empty(), "{:?}", source.problems);
        assert_eq!((source.v2_clusters.len(), source.groups.len()), (1, 5));
        let objects = v2::scrape_objects(&source, &options).objects;
        assert_eq!(objects.len(), 4);
        let mut snapshot = Snapshot::default();
        load_text_into("orders.yaml", cluster_text, "default", &[], &mut snapshot);
        let yaml: String = objects
            .iter()
            .map(|o| format!("---\n{}\n", serde_json::to_string(o).unwrap()))
            .collect();
        load_text_into("scaffold.yaml", &yaml, "default", &[], &mut snapshot);
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        assert_eq!(snapshot.scrapers.len(), 4);
        let scrapes = cluster_scrapes(&snapshot, &snapshot.v2_clusters[0]);
        assert_eq!(scrapes.len(), 4);
        for group in scrapes.iter().flat_map(|s| &s.groups) {
            if expect_ok {
                assert!(group.wrong_hosts.is_empty(), "{group:?}");
                assert!(group.missed_ports.is_empty(), "{group:?}");
                let host = &group.targets[0].address;
                assert_eq!(
                    host.contains(".orders-cluster.shop-v2:"),
                    cluster_text.contains("ClusterSubdomain"),
                    "{host}"
                );
            } else {
                assert!(!group.wrong_hosts.is_empty(), "{group:?}");
            }
        }
    }
}
