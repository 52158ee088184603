//! `status cluster/NAME` (also `tidbcluster/`, `tc/`, `dmcluster/`, `dc/`, `cluster.core.pingcap.com/`…): one
//! cluster's [`TidbClusterStatus`], as headed sections or a versioned JSON/YAML document. Exit 1 when the
//! cluster does not exist or a section could not read a kind it needs.

use k8s_openapi::jiff::Timestamp;

use super::{CommandError, Settings, emit, load, report_problems};
use crate::checks::{Context, operator};
use crate::core::cluster_status::{AnyCluster, TidbClusterStatus, cluster_status, find};
use crate::core::clusters::Reach;
use crate::core::scraping::{SCRAPE_KINDS, group_kinds};
use crate::render::age::age;
use crate::render::style::Tone;
use crate::render::table::{Cell, Table, join};
use crate::render::{OutputFormat, escape, kind_object_name};
use crate::snapshot::{Gap, Kind, Scope, Snapshot};
use crate::source::Query;

/// The JSON Schema of `status cluster/NAME -o json`.
pub fn schema() -> schemars::Schema {
    let mut schema = crate::render::structured::schema_of::<TidbClusterStatus>();
    schema.insert("title".into(), "TidbClusterStatus".into());
    schema
}

/// `kinds`: what the user's `TYPE/` can mean (one kind, or all three for `cluster/`).
pub fn run(
    settings: &Settings,
    kinds: &[Kind],
    name: &str,
    assume_complete: bool,
) -> Result<i32, CommandError> {
    let request = super::status::request();
    let mut loaded = if settings.offline() {
        load(settings, &request)?
    } else {
        load_live(settings, kinds, name)?
    };
    if assume_complete {
        for kind in request.kinds() {
            loaded.snapshot.scopes.insert(kind, Scope::AllNamespaces);
        }
    }
    let skipped = report_problems(&loaded);
    let namespace = loaded.default_namespace.clone();
    let snapshot = &loaded.snapshot;
    let cluster = match find(snapshot, kinds, &namespace, name).as_slice() {
        [] => {
            super::report_not_found(kinds, &[name.to_string()], &[]);
            return Ok(1);
        }
        [one] => *one,
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|c| kind_object_name(c.kind(), name))
                .collect();
            return Err(CommandError::Usage(format!(
                "{} clusters are named {name:?} in namespace {namespace}: name one as {}",
                several.len(),
                names.join(" or ")
            )));
        }
    };
    // Offline the files are all there is, in every namespace they hold; live only this cluster's namespace was
    // read for scrape objects, so the rules that need every namespace (nothing scrapes it) stay silent.
    let context = Context {
        operator: operator::operator_version(snapshot, None),
        all_namespaces: settings.offline(),
        offline: settings.offline(),
    };
    let status = cluster_status(snapshot, cluster, kinds, &context);
    let text = match settings.format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        ),
        OutputFormat::Yaml => serde_saphyr::to_string(&status).unwrap_or_default(),
        _ => render(&status, &context, settings.now, settings.color),
    };
    emit(&text);
    Ok(if status.partial() || skipped { 1 } else { 0 })
}

/// Reads the cluster by name (each kind `TYPE/` can mean), then what its sections need, in one more round:
/// TidbMonitors across the cluster (a monitor elsewhere may list it with `clusterScoped`; in the cluster's
/// namespace only when that is refused), the scrape objects, Secrets (metadata) and v2 groups of its
/// namespace, the Prometheus objects that may load them, its Namespace's labels, and the cluster a
/// heterogeneous TidbCluster joins. No other list is cluster-wide.
fn load_live(
    settings: &Settings,
    kinds: &[Kind],
    name: &str,
) -> Result<super::Loaded, CommandError> {
    let options = super::live_options(settings);
    super::runtime()?.block_on(async {
        let connection = crate::source::live::connect(&options).await?;
        let namespace = connection.namespace.clone();
        let primary = match kinds {
            [only] => Some(*only),
            _ => None,
        };
        let (mut snapshot, mut warnings) = connection
            .read(&cluster_round(kinds, &namespace, name), primary)
            .await?;
        let found = find(&snapshot, kinds, &namespace, name);
        if let [cluster] = found.as_slice() {
            let (part, more) = connection.read(&covering_round(*cluster), None).await?;
            warnings.extend(more);
            merge_round(&mut snapshot, part);
            if matches!(
                snapshot.gaps.get(&Kind::TidbMonitor),
                Some(Gap::Forbidden(_))
            ) {
                let own = Query {
                    kind: Kind::TidbMonitor,
                    scope: Scope::Namespace(namespace.clone()),
                    labels: None,
                    fields: None,
                };
                // The refusal stays a gap (the view is partial, exit 1); the namespace's monitors are listed.
                let (part, more) = connection.read(&[own], None).await?;
                warnings.extend(more);
                merge_round(&mut snapshot, part);
            }
        }
        Ok(super::Loaded {
            snapshot,
            warnings,
            row_namespace: Some(namespace.clone()),
            default_namespace: namespace,
        })
    })
}

/// Round 1: the cluster, by name, in each kind `TYPE/` can mean.
pub fn cluster_round(kinds: &[Kind], namespace: &str, name: &str) -> Vec<Query> {
    kinds
        .iter()
        .map(|k| Query::by_name(*k, Scope::Namespace(namespace.into()), name))
        .collect()
}

/// Round 2: what scrapes the cluster and what its rules read (see [`load_live`]).
pub fn covering_round(cluster: AnyCluster<'_>) -> Vec<Query> {
    let meta = cluster.metadata();
    let ns = Scope::Namespace(meta.namespace().to_string());
    let whole = |kind| Query {
        kind,
        scope: ns.clone(),
        labels: None,
        fields: None,
    };
    let everywhere = |kind| Query {
        kind,
        scope: Scope::AllNamespaces,
        labels: None,
        fields: None,
    };
    let mut queries: Vec<Query> = SCRAPE_KINDS.into_iter().map(whole).collect();
    queries.push(whole(Kind::Secret));
    queries.push(everywhere(Kind::Prometheus));
    queries.push(everywhere(Kind::PrometheusAgent));
    queries.push(Query::by_name(
        Kind::Namespace,
        Scope::AllNamespaces,
        meta.namespace(),
    ));
    match cluster {
        AnyCluster::V2(_) => queries.extend(group_kinds().map(whole)),
        AnyCluster::Tidb(tc) => {
            queries.push(everywhere(Kind::TidbMonitor));
            if let Some(joins) = tc.spec.cluster.as_ref().filter(|c| !c.name.is_empty()) {
                queries.push(Query::by_name(
                    Kind::TidbCluster,
                    Scope::Namespace(joins.namespace_or(meta.namespace()).to_string()),
                    &joins.name,
                ));
            }
        }
        AnyCluster::Dm(_) => queries.push(everywhere(Kind::TidbMonitor)),
    }
    queries
}

/// Merges a later round: a kind read in two scopes counts as read wherever it was asked for (the lookups that
/// follow ask only for objects the queries named), as [`Connection::read`](crate::source::live::Connection::read)
/// records it within one round.
fn merge_round(snapshot: &mut Snapshot, part: Snapshot) {
    let widened: Vec<Kind> = part
        .scopes
        .iter()
        .filter(|(kind, scope)| snapshot.scopes.get(kind).is_some_and(|seen| seen != *scope))
        .map(|(kind, _)| *kind)
        .collect();
    snapshot.merge(part);
    for kind in widened {
        snapshot.scopes.insert(kind, Scope::AllNamespaces);
    }
}

/// The sections, in their fixed order, each under its heading.
pub fn render(
    status: &TidbClusterStatus,
    context: &Context,
    now: Timestamp,
    color: bool,
) -> String {
    let mut out = format!(
        "{} {}\n",
        status.cluster_kind,
        escape(&format!(
            "{}/{}",
            status.metadata.namespace, status.metadata.name
        ))
    );
    super::status::section(
        &mut out,
        "Overview",
        &overview(status, now, color),
        &status.overview.not_checked,
    );
    super::status::section(
        &mut out,
        "Scrapers",
        &scrapers(status, color),
        &status.scrapers.not_checked,
    );
    super::status::section(
        &mut out,
        "TLS",
        &tls(status, color),
        &status.tls.not_checked,
    );
    let mut findings = if status.findings.items.is_empty() {
        "No findings\n".to_string()
    } else {
        let mut text = super::check::render_table(&status.findings.items, false, color);
        while text.ends_with("\n\n") {
            text.pop();
        }
        text
    };
    if !context.all_namespaces {
        findings.push_str(
            "note: TM031/TM060 (nothing scrapes this cluster) need every namespace read: `kubectl tidbmonitor check -A`\n",
        );
    }
    if !status.scrapers.monitors.is_empty() {
        let commands: Vec<String> = status
            .scrapers
            .monitors
            .iter()
            .take(3)
            .map(|m| format!("`kubectl tidbmonitor status -n {} {}`", m.namespace, m.name))
            .collect();
        let more = if status.scrapers.monitors.len() > 3 {
            ", …"
        } else {
            ""
        };
        findings.push_str(&format!(
            "note: the TidbMonitors listing it have findings of their own: {}{more}\n",
            escape(&commands.join(", "))
        ));
    }
    super::status::section(
        &mut out,
        "Findings",
        &findings,
        &status.findings.not_checked,
    );
    out
}

fn overview(status: &TidbClusterStatus, now: Timestamp, color: bool) -> String {
    let v = &status.overview.view;
    let ready = match (v.ready.as_deref(), v.ready_reason.as_deref()) {
        (Some(ready), Some(reason)) => format!("{ready} ({reason})"),
        (Some(ready), None) => ready.to_string(),
        (None, Some(reason)) => format!("<unknown> ({reason})"),
        (None, None) => "<unknown>".to_string(),
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("Namespace", v.metadata.namespace.clone()),
        ("Age", age(v.metadata.creation_timestamp.as_deref(), now)),
        ("Version", v.version.clone().unwrap_or("<unknown>".into())),
        ("Ready", ready),
    ];
    if let Some(joins) = &v.joins {
        rows.push(("Joins", joins.clone()));
    }
    let mut text: String = rows
        .iter()
        .map(|(key, value)| format!("{:<11}{}\n", format!("{key}:"), escape(value)))
        .collect();
    let groups = v.components.iter().any(|c| !c.groups.is_empty());
    let mut headers = vec!["COMPONENT", "READY"];
    if groups {
        headers.push("GROUPS");
    }
    let ratio = |ready: Option<i32>, desired: i32| match ready {
        Some(r) => Cell::tone(
            format!("{r}/{desired}"),
            Some(if r >= desired { Tone::Good } else { Tone::Bad }),
        ),
        None => Cell::tone(format!("<unknown>/{desired}"), Some(Tone::Dim)),
    };
    text.push('\n');
    let rows = v
        .components
        .iter()
        .map(|c| {
            let mut row = vec![c.name.as_str().into(), ratio(c.ready, c.replicas)];
            if groups {
                let names: Vec<String> = c
                    .groups
                    .iter()
                    .map(|g| {
                        let ready = g.ready.map(|r| r.to_string()).unwrap_or("<unknown>".into());
                        format!("{} {ready}/{}", g.name, g.replicas)
                    })
                    .collect();
                row.push(if names.is_empty() {
                    "-".into()
                } else {
                    join(&names).into()
                });
            }
            row
        })
        .collect();
    let table = Table { headers, rows };
    if table.rows.is_empty() {
        text.push_str("no components\n");
    } else {
        text.push_str(&table.render(false, color));
    }
    text
}

fn reach_cells(reach: Reach) -> (Cell, &'static str) {
    match reach {
        Reach::SameNamespace => (Cell::tone("yes", Some(Tone::Good)), "same namespace"),
        Reach::ClusterScoped => (
            Cell::tone("yes", Some(Tone::Good)),
            "another namespace, clusterScoped: true",
        ),
        Reach::NoTargets => (
            Cell::tone("no", Some(Tone::Bad)),
            "another namespace without clusterScoped: true: no targets (TM011)",
        ),
    }
}

fn scrapers(status: &TidbClusterStatus, color: bool) -> String {
    let s = &status.scrapers;
    let mut text = String::new();
    if status.cluster_kind == Kind::Cluster.kind_name() {
        text.push_str("TidbMonitors: none (tidb-operator v2 has no TidbMonitor)\n");
    } else if s.monitors.is_empty() {
        text.push_str("TidbMonitors: no TidbMonitor lists it\n");
    } else {
        let rows = s
            .monitors
            .iter()
            .map(|m| {
                let (reaches, why) = reach_cells(m.reach);
                vec![
                    format!("{}/{}", m.namespace, m.name).into(),
                    reaches,
                    why.into(),
                ]
            })
            .collect();
        text.push_str(
            &Table {
                headers: vec!["TIDBMONITOR", "SCRAPES", "WHY"],
                rows,
            }
            .render(false, color),
        );
        let covering = s.covering_monitors();
        if covering > 1 {
            let times = if covering == 2 {
                "twice".to_string()
            } else {
                format!("{covering} times")
            };
            text.push_str(&format!(
                "{covering} TidbMonitors scrape it: each writes its Prometheus address into the cluster's PD, so TiDB Dashboard flaps between them, and every target is scraped {times} (TM030)\n"
            ));
        }
    }
    text.push('\n');
    if s.scrape_objects.is_empty() {
        text.push_str("Scrape objects: no PodMonitor, ServiceMonitor, VMPodScrape or VMServiceScrape reaches its pods\n");
    } else {
        let rows = s
            .scrape_objects
            .iter()
            .map(|o| {
                let loaded = match o.loaded {
                    "yes" => {
                        Cell::tone(format!("yes ({})", o.loaded_by.join(",")), Some(Tone::Good))
                    }
                    "no" => Cell::tone("no: no Prometheus selects it", Some(Tone::Bad)),
                    other => Cell::tone(other, Some(Tone::Dim)),
                };
                let missed = if o.missed_ports.is_empty() {
                    Cell::from("-")
                } else {
                    Cell::tone(join(&o.missed_ports), Some(Tone::Warn))
                };
                vec![
                    o.kind.into(),
                    format!("{}/{}", o.namespace, o.name).into(),
                    join(&o.components).into(),
                    missed,
                    loaded,
                ]
            })
            .collect();
        text.push_str(
            &Table {
                headers: vec!["KIND", "NAME", "SCRAPES", "MISSED-PORTS", "LOADED"],
                rows,
            }
            .render(false, color),
        );
    }
    if let Some(ns) = &s.monitors_read_in {
        text.push_str(&format!(
            "note: TidbMonitors read in namespace {ns} only (listing them cluster-wide was refused): one elsewhere with clusterScoped may list it too\n"
        ));
    }
    if let Some(ns) = &s.scrape_objects_read_in {
        text.push_str(&format!(
            "note: scrape objects read in namespace {ns} only: one in another namespace whose namespaceSelector takes {ns} is not listed (`kubectl tidbmonitor clusters -A` reads every namespace)\n"
        ));
    }
    text
}

fn tls(status: &TidbClusterStatus, color: bool) -> String {
    let t = &status.tls;
    if !t.enabled {
        return "off (spec.tlsCluster.enabled is not true): scrapers use http\n".into();
    }
    let mut text = "on: scrapers need the client certificate\n".to_string();
    if let Some(secret) = &t.client_secret {
        let (word, tone) = match secret.presence {
            crate::core::status::Presence::Present => ("present", Tone::Good),
            crate::core::status::Presence::Missing => ("missing", Tone::Bad),
            crate::core::status::Presence::Unknown => ("<unknown>", Tone::Dim),
        };
        let word = crate::render::style::paint(word, Some(tone), color);
        text.push_str(&format!(
            "Client Secret: {} ({word}; existence only, its data is never read)\n",
            escape(&secret.name)
        ));
    }
    text
}
