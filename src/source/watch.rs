//! Watches for `--watch`: one WATCH per narrowed query (the same label and field selectors as the LISTs that
//! read the view), each in its own task, reporting that something changed. The view is then read again: the
//! watches decide when, never a polling timer.

use std::time::Duration;

use futures::AsyncBufReadExt;
use serde::Deserialize;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::Query;
use super::live::Connection;
use crate::snapshot::{Kind, Scope};

/// What a watch task reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// An object of a watched query was added, modified or deleted.
    Changed,
    /// The server refused to watch a query (`verb watch` not granted, CRD not installed): that part of the view
    /// only changes when something else does. Reported once per query.
    Refused(String),
    /// A watch keeps failing (the server went away): said once, while it retries.
    Lost(String),
}

/// The running watches; dropping it ends them.
pub struct Watches {
    pub notices: UnboundedReceiver<Notice>,
    tasks: Vec<JoinHandle<()>>,
    queries: Vec<Query>,
}

impl Watches {
    /// Whether these watches serve exactly `queries` (a changed spec may name other namespaces or shards).
    pub fn covers(&self, queries: &[Query]) -> bool {
        self.queries == queries
    }
}

impl Drop for Watches {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    object: EventObject,
}

#[derive(Deserialize, Default)]
struct EventObject {
    #[serde(default)]
    metadata: EventMeta,
}

#[derive(Deserialize, Default)]
struct EventMeta {
    #[serde(default, rename = "resourceVersion")]
    resource_version: Option<String>,
}

/// Starts one watch per query. A watch the server ends (its timeout, a dropped connection) is resumed from the
/// last resource version seen; one that is too old (410 Gone) starts again from now.
pub fn watch(connection: &Connection, queries: &[Query]) -> Watches {
    let (sender, notices) = unbounded_channel();
    let tasks = queries
        .iter()
        .map(|query| {
            let client = connection.client.clone();
            let query = query.clone();
            let sender = sender.clone();
            tokio::spawn(async move { watch_one(client, query, sender).await })
        })
        .collect();
    Watches {
        notices,
        tasks,
        queries: queries.to_vec(),
    }
}

fn url(query: &Query, resource_version: Option<&str>) -> String {
    let path = match &query.scope {
        Scope::Namespace(ns) => query.kind.collection_path(Some(ns)),
        Scope::AllNamespaces => query.kind.collection_path(None),
    };
    let mut url = format!("{path}?watch=1&allowWatchBookmarks=true");
    let encode = super::live::encode;
    if let Some(labels) = query.labels.as_deref().filter(|l| !l.is_empty()) {
        url.push_str(&format!("&labelSelector={}", encode(labels)));
    }
    if let Some(fields) = query.fields.as_deref().filter(|f| !f.is_empty()) {
        url.push_str(&format!("&fieldSelector={}", encode(fields)));
    }
    if let Some(version) = resource_version {
        url.push_str(&format!("&resourceVersion={}", encode(version)));
    }
    url
}

async fn watch_one(client: kube::Client, query: Query, sender: UnboundedSender<Notice>) {
    let mut version: Option<String> = None;
    let mut failures = 0u32;
    loop {
        let mut request = http::Request::get(url(&query, version.as_deref()));
        // Secrets and ConfigMaps as metadata only, as they are listed: their data is never read.
        if matches!(query.kind, Kind::Secret | Kind::ConfigMap) {
            request = request.header(
                "Accept",
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
            );
        }
        let Ok(request) = request.body(Vec::new()) else {
            return;
        };
        match client.request_stream(request).await {
            Ok(body) => {
                let mut events = 0;
                let mut lines = Box::pin(body).lines();
                while let Some(Ok(line)) = futures::StreamExt::next(&mut lines).await {
                    events += 1;
                    let Ok(event) = serde_json::from_str::<Event>(&line) else {
                        continue;
                    };
                    match event.kind.as_str() {
                        // 410 Gone: the version left the server's window. Any error: start again from now
                        // (the first events then describe what exists, and the view is read again).
                        "ERROR" => {
                            version = None;
                            break;
                        }
                        "BOOKMARK" => version = event.object.metadata.resource_version,
                        _ => {
                            version = event.object.metadata.resource_version;
                            if sender.send(Notice::Changed).is_err() {
                                return;
                            }
                        }
                    }
                }
                // A stream that closed without a single event is a failure, not a reason to reconnect at once.
                if events == 0 {
                    failures += 1;
                } else {
                    failures = 0;
                }
            }
            // 410 before the stream: the version is too old; start again from now.
            Err(kube::Error::Api(status)) if status.code == 410 => version = None,
            Err(kube::Error::Api(status)) if (403..=405).contains(&status.code) => {
                let scope = match &query.scope {
                    Scope::Namespace(ns) => format!(" in {ns}"),
                    Scope::AllNamespaces => String::new(),
                };
                let _ = sender.send(Notice::Refused(format!(
                    "cannot watch {}{scope} ({} {}): that part is redrawn only when something else changes",
                    query.kind.plural(),
                    status.code,
                    status.reason
                )));
                return;
            }
            Err(error) => {
                failures += 1;
                if failures == 3 {
                    let _ = sender.send(Notice::Lost(format!(
                        "the watch of {} keeps failing ({error}); still retrying",
                        query.kind.plural()
                    )));
                }
            }
        }
        // A closed or failed watch is reopened; after failures, with a growing pause (up to 5 s).
        let pause = Duration::from_millis((200 * 2u64.pow(failures.min(5))).min(5_000));
        tokio::time::sleep(if failures == 0 {
            Duration::from_millis(50)
        } else {
            pause
        })
        .await;
    }
}
