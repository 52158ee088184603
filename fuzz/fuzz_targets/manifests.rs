//! Manifest text → Snapshot → every view, every check and every scaffold (v1 and v2 scrape objects, Thanos),
//! plus the scrape predicate behind them and the label selector parser: nothing may panic.
#![no_main]

use kubectl_tidbmonitor::checks::{self, Context, OperatorVersion, Version};
use kubectl_tidbmonitor::core::{clusters::cluster_views, monitors::monitor_views};
use kubectl_tidbmonitor::scaffold::{servicemonitor, thanos, v2};
use kubectl_tidbmonitor::selector::Selector;
use kubectl_tidbmonitor::snapshot::{Kind, Scope, Snapshot};
use kubectl_tidbmonitor::source::files;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut snapshot = Snapshot::default();
    files::load_text_into("fuzz.yaml", text, "default", &[Kind::TidbMonitor], &mut snapshot);
    let _ = snapshot.keep_last_definitions();
    let _ = monitor_views(&snapshot);
    let _ = cluster_views(&snapshot);
    for (offline, operator) in [(true, OperatorVersion::Unknown), (false, OperatorVersion::Flag { version: Version::new(1, 1, 0) })] {
        if !offline {
            for kind in Kind::ALL {
                snapshot.scopes.insert(*kind, Scope::AllNamespaces);
            }
        }
        let context = Context { operator, all_namespaces: true, offline };
        let _ = checks::run(&snapshot, &context, |_| true);
    }
    for kind in [
        servicemonitor::MonitorKind::ServiceMonitor,
        servicemonitor::MonitorKind::PodMonitor,
        servicemonitor::MonitorKind::VmPodScrape,
        servicemonitor::MonitorKind::VmServiceScrape,
    ] {
        let options = servicemonitor::Options { kind, ..Default::default() };
        let _ = servicemonitor::service_monitors(&snapshot, &options);
        let _ = v2::scrape_objects(&snapshot, &options);
    }
    let _ = v2::dashboard_notes(&snapshot);
    let tls = Some(thanos::GrpcTls { secret: "t".into(), server_name: None });
    let _ = thanos::thanos(&snapshot, &thanos::Options { namespace: "q".into(), objstore: Some(("s".into(), "k".into())), grpc_tls: tls, ..Default::default() });
    // The first line doubles as a `-l` selector: kubectl's grammar, parsed and matched, never panics.
    if let Ok(selector) = Selector::parse(text.lines().next().unwrap_or_default()) {
        for monitor in &snapshot.monitors {
            let _ = selector.matches(&monitor.metadata.labels);
        }
    }
});
