//! `status cluster/NAME`: one TidbCluster, DMCluster (tidb-operator v1) or Cluster (v2) — overview, what scrapes
//! it, TLS, findings — as one [`TidbClusterStatus`]. Every fact comes from the predicates `clusters` and `check`
//! use (`clusters::cluster_views` with `core::scraping`, `clusters::listing_monitors`, `checks::run`), so
//! `status` can never disagree with them. A section whose kinds could not be read says so instead of guessing.

use serde::Serialize;

use crate::checks::{self, Context, Finding};
use crate::core::clusters::{ClusterView, Reach, ScrapedBy, cluster_views, listing_monitors};
use crate::core::scraping::SCRAPE_KINDS;
use crate::core::status::{ClientSecret, NotChecked, Section, gaps};
use crate::core::{VIEW_API_VERSION, ViewMeta};
use crate::model::{DmCluster, ObjectMeta, TidbCluster, V2Cluster};
use crate::naming;
use crate::snapshot::{Kind, Scope, Snapshot};

/// One cluster of any of the three kinds `clusters` lists.
#[derive(Debug, Clone, Copy)]
pub enum AnyCluster<'a> {
    Tidb(&'a TidbCluster),
    Dm(&'a DmCluster),
    V2(&'a V2Cluster),
}

impl<'a> AnyCluster<'a> {
    pub fn kind(&self) -> Kind {
        match self {
            AnyCluster::Tidb(_) => Kind::TidbCluster,
            AnyCluster::Dm(_) => Kind::DmCluster,
            AnyCluster::V2(_) => Kind::Cluster,
        }
    }

    pub fn metadata(&self) -> &'a ObjectMeta {
        match self {
            AnyCluster::Tidb(c) => &c.metadata,
            AnyCluster::Dm(c) => &c.metadata,
            AnyCluster::V2(c) => &c.metadata,
        }
    }

    fn tls_enabled(&self) -> bool {
        match self {
            AnyCluster::Tidb(c) => c.tls_enabled(),
            AnyCluster::Dm(c) => c.tls_enabled(),
            AnyCluster::V2(c) => c.tls_enabled(),
        }
    }

    /// The client certificate Secret a scraper presents to the cluster's components: the one a TidbMonitor
    /// mounts for a v1 cluster, the one the v2 Cluster names (or its default).
    pub fn client_secret(&self) -> String {
        match self {
            AnyCluster::Tidb(c) => naming::cluster_client_secret(&c.metadata.name),
            AnyCluster::Dm(c) => naming::dm_client_secret(&c.metadata.name),
            AnyCluster::V2(c) => c.client_secret(),
        }
    }
}

/// The clusters of `kinds` named `name` in `namespace`, in the order of `kinds`.
pub fn find<'a>(
    snapshot: &'a Snapshot,
    kinds: &[Kind],
    namespace: &str,
    name: &str,
) -> Vec<AnyCluster<'a>> {
    let here = |m: &ObjectMeta| m.namespace() == namespace && m.name == name;
    kinds
        .iter()
        .flat_map(|kind| -> Vec<AnyCluster<'a>> {
            match kind {
                Kind::TidbCluster => snapshot
                    .clusters
                    .iter()
                    .filter(|c| here(&c.metadata))
                    .map(AnyCluster::Tidb)
                    .collect(),
                Kind::DmCluster => snapshot
                    .dm_clusters
                    .iter()
                    .filter(|c| here(&c.metadata))
                    .map(AnyCluster::Dm)
                    .collect(),
                Kind::Cluster => snapshot
                    .v2_clusters
                    .iter()
                    .filter(|c| here(&c.metadata))
                    .map(AnyCluster::V2)
                    .collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TidbClusterStatus {
    #[schemars(extend("const" = VIEW_API_VERSION))]
    pub api_version: &'static str,
    #[schemars(extend("const" = "TidbClusterStatus"))]
    pub kind: &'static str,
    pub metadata: ViewMeta,
    /// `TidbCluster`, `DMCluster` or `Cluster` (tidb-operator v2).
    pub cluster_kind: &'static str,
    pub overview: Overview,
    pub scrapers: Scrapers,
    pub tls: TlsStatus,
    pub findings: Section<Finding>,
}

/// What `clusters` shows for the cluster (version, readiness, components with ready/desired, MONITORED-BY),
/// and the kinds that could not be read for it.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    #[serde(flatten)]
    pub view: ClusterView,
    pub not_checked: Vec<NotChecked>,
}

/// What scrapes the cluster: the TidbMonitors that list it and the scrape objects that reach its pods.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scrapers {
    /// Every TidbMonitor that lists the cluster (v1 only: tidb-operator v2 has no TidbMonitor).
    pub monitors: Vec<ListingMonitor>,
    /// Every PodMonitor, ServiceMonitor, VMPodScrape and VMServiceScrape that reaches the cluster's pods, as
    /// `clusters` shows it.
    pub scrape_objects: Vec<ScrapedBy>,
    /// False when some TidbMonitors or scrape objects could not be read or were read in one namespace only:
    /// the lists may be short (`monitorsReadIn`, `scrapeObjectsReadIn` and `notChecked` say why).
    pub coverage_complete: bool,
    /// The only namespace TidbMonitors were read in (live, when listing them cluster-wide was refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitors_read_in: Option<String>,
    /// The only namespace scrape objects were read in (live: the cluster's); ones elsewhere that select it are
    /// not listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_objects_read_in: Option<String>,
    pub not_checked: Vec<NotChecked>,
}

impl Scrapers {
    /// TidbMonitors that get targets from the cluster: with more than one, each writes its address into the
    /// cluster's PD and TiDB Dashboard's Prometheus flaps between them (TM030).
    pub fn covering_monitors(&self) -> usize {
        self.monitors
            .iter()
            .filter(|m| m.reach != Reach::NoTargets)
            .count()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListingMonitor {
    pub namespace: String,
    pub name: String,
    /// Whether it gets targets from the cluster, and why.
    pub reach: Reach,
}

#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsStatus {
    /// `spec.tlsCluster.enabled`.
    pub enabled: bool,
    /// For a TLS cluster: the client certificate Secret scrapers present, and whether it exists (only its
    /// existence: Secrets are read as metadata, their data never).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ClientSecret>,
    pub not_checked: Vec<NotChecked>,
}

impl TidbClusterStatus {
    /// Some section could not read a kind it needs: the view is partial (exit 1).
    pub fn partial(&self) -> bool {
        !(self.overview.not_checked.is_empty()
            && self.scrapers.not_checked.is_empty()
            && self.tls.not_checked.is_empty()
            && self.findings.not_checked.is_empty())
    }
}

/// The namespace `kind` was read in, when it was read in one namespace only.
fn read_in(snapshot: &Snapshot, kind: Kind) -> Option<String> {
    match snapshot.scopes.get(&kind) {
        Some(Scope::Namespace(ns)) => Some(ns.clone()),
        _ => None,
    }
}

/// Kinds a section needs, with where: the cluster's own namespace for the clusters of that name and what scrapes
/// or secures it there (scrape objects, Secrets, v2 groups), every namespace for the rest (TidbMonitors, Prometheus objects, which may list
/// or load it from anywhere). Namespaces are left out: their labels only refine namespace selectors, most users
/// may not list them, and a refusal is quiet everywhere.
fn needed(kinds: impl IntoIterator<Item = Kind>, namespace: &str) -> Vec<(Kind, Vec<String>)> {
    let here: Vec<Kind> = SCRAPE_KINDS
        .into_iter()
        .chain(crate::core::scraping::group_kinds())
        .chain([
            Kind::Secret,
            Kind::TidbCluster,
            Kind::DmCluster,
            Kind::Cluster,
        ])
        .collect();
    kinds
        .into_iter()
        .filter(|k| *k != Kind::Namespace)
        .map(|k| {
            let namespaces = if here.contains(&k) {
                vec![namespace.to_string()]
            } else {
                Vec::new()
            };
            (k, namespaces)
        })
        .collect()
}

/// The status of `cluster` in `snapshot`. `candidates` are the kinds the user's `TYPE/NAME` could mean: one of
/// them that could not be read may hold another cluster of that name (the Overview says so).
pub fn cluster_status(
    snapshot: &Snapshot,
    cluster: AnyCluster<'_>,
    candidates: &[Kind],
    context: &Context,
) -> TidbClusterStatus {
    let kind = cluster.kind();
    let meta = cluster.metadata();
    let view = cluster_views(snapshot)
        .into_iter()
        .find(|v| {
            v.cluster_kind == kind.kind_name()
                && v.metadata.namespace == meta.namespace()
                && v.metadata.name == meta.name
        })
        .expect("cluster_views has a row for every cluster of the snapshot");
    let monitors: Vec<ListingMonitor> = match cluster {
        AnyCluster::Tidb(_) => listing_monitors(snapshot, meta, |m| m.spec.clusters.as_slice()),
        AnyCluster::Dm(_) => listing_monitors(snapshot, meta, |m| m.spec.dm_clusters()),
        AnyCluster::V2(_) => Vec::new(),
    }
    .into_iter()
    .map(|(m, reach)| ListingMonitor {
        namespace: m.metadata.namespace().to_string(),
        name: m.metadata.name.clone(),
        reach,
    })
    .collect();

    // A v2 cluster's components are its groups; a v1 cluster carries them in its own spec and status.
    let overview_kinds: Vec<Kind> = match cluster {
        AnyCluster::V2(_) => crate::core::scraping::group_kinds().collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .chain(candidates.iter().copied().filter(|k| *k != kind))
    .collect();
    let scraper_kinds: Vec<Kind> = match cluster {
        AnyCluster::V2(_) => Vec::new(),
        _ => vec![Kind::TidbMonitor],
    }
    .into_iter()
    .chain(SCRAPE_KINDS)
    .chain([Kind::Prometheus, Kind::PrometheusAgent])
    .collect();
    let scrapers = Scrapers {
        monitors,
        scrape_objects: view.scraped_by.clone(),
        coverage_complete: view.coverage_complete,
        monitors_read_in: match cluster {
            AnyCluster::V2(_) => None,
            _ => read_in(snapshot, Kind::TidbMonitor),
        },
        scrape_objects_read_in: SCRAPE_KINDS.into_iter().find_map(|k| read_in(snapshot, k)),
        not_checked: gaps(snapshot, &needed(scraper_kinds, meta.namespace())),
    };

    let tls_enabled = cluster.tls_enabled();
    let tls = TlsStatus {
        enabled: tls_enabled,
        client_secret: tls_enabled.then(|| {
            let name = cluster.client_secret();
            ClientSecret {
                presence: (&snapshot.secret(meta.namespace(), &name)).into(),
                name,
            }
        }),
        not_checked: if tls_enabled {
            gaps(
                snapshot,
                &[(Kind::Secret, vec![meta.namespace().to_string()])],
            )
        } else {
            Vec::new()
        },
    };

    // The findings `check NAME` shows for the cluster: about the cluster itself, and about the scrape objects
    // that reach it. The TidbMonitors that list it have `status MONITOR` for theirs.
    let scrape_objects: Vec<(&str, &str, &str)> = view
        .scraped_by
        .iter()
        .map(|s| (s.kind, s.namespace.as_str(), s.name.as_str()))
        .collect();
    let subjects: Vec<Kind> = std::iter::once(kind).chain(SCRAPE_KINDS).collect();
    let items = checks::run(snapshot, context, |id| {
        subjects.iter().any(|k| checks::is_about(id, *k))
    })
    .into_iter()
    .filter(|f| {
        let o = &f.object;
        (o.kind == kind.kind_name() && o.namespace == meta.namespace() && o.name == meta.name)
            || scrape_objects.contains(&(o.kind, o.namespace.as_str(), o.name.as_str()))
    })
    .collect();
    let mut finding_kinds: Vec<Kind> = subjects.iter().flat_map(|k| checks::reads_of(*k)).collect();
    finding_kinds.sort();
    finding_kinds.dedup();
    let findings = Section {
        items,
        not_checked: gaps(snapshot, &needed(finding_kinds, meta.namespace())),
    };

    TidbClusterStatus {
        api_version: VIEW_API_VERSION,
        kind: "TidbClusterStatus",
        metadata: meta.into(),
        cluster_kind: kind.kind_name(),
        overview: Overview {
            view,
            not_checked: gaps(snapshot, &needed(overview_kinds, meta.namespace())),
        },
        scrapers,
        tls,
        findings,
    }
}
