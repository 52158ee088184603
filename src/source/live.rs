//! Live source: one paged LIST per kind, all kinds at once, against the API server kubectl would talk to.
//!
//! RBAC refusals and missing CRDs on kinds that only decorate the output become gaps in the snapshot; on the
//! primary kind they are errors the user must act on.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures::future::join_all;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde::Deserialize;

use crate::selector::Selector;
use crate::snapshot::{Gap, Kind, Problem, Scope, Snapshot};

use super::Request;

/// kubectl's chunk size: the largest page asked for. The server may send more (see [`list`](Connection::list)).
const PAGE_SIZE: usize = 500;
const RETRIES: u32 = 3;

#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub selector: Option<Selector>,
    pub request_timeout: Option<Duration>,
    pub insecure_skip_tls_verify: bool,
    pub verbose: u8,
}

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot load kubeconfig: {0}")]
    Kubeconfig(String),
    #[error("context {0:?} does not exist in the kubeconfig (see `kubectl config get-contexts`)")]
    NoSuchContext(String),
    #[error("Unable to connect to the server at {server}: {reason}")]
    Unreachable { server: String, reason: String },
    #[error(
        "{resource} is not installed in context {context:?} (the tidb-operator CRDs are missing; install them first)"
    )]
    NotInstalled { resource: String, context: String },
    #[error("{message} (context {context:?})")]
    Forbidden { message: String, context: String },
    #[error(
        "Unauthorized: the server rejected the credentials of user {user:?} in context {context:?}; refresh them (e.g. log in again)"
    )]
    Unauthorized { context: String, user: String },
    #[error("listing {resource} failed: {message}")]
    Api { resource: String, message: String },
}

impl LiveError {
    /// 2 for "could not talk to the cluster", 1 for "the cluster said no".
    pub fn exit_code(&self) -> i32 {
        match self {
            LiveError::Unreachable { .. }
            | LiveError::Kubeconfig(_)
            | LiveError::NoSuchContext(_) => 2,
            _ => 1,
        }
    }
}

/// A connected client plus what error messages need to name.
pub struct Connection {
    pub client: kube::Client,
    fetcher: std::sync::Arc<Fetcher>,
    pub server: String,
    pub context: String,
    pub user: String,
    pub namespace: String,
    options: LiveOptions,
}

/// The contexts `--all-contexts` reads: every context of the kubeconfig (`--kubeconfig`, else `$KUBECONFIG`'s
/// files merged, else `~/.kube/config`), in its order.
pub fn kubeconfig_contexts(path: Option<&std::path::Path>) -> Result<Vec<String>, LiveError> {
    let kubeconfig = match path {
        Some(path) => Kubeconfig::read_from(path).map_err(|e| {
            LiveError::Kubeconfig(format!(
                "{}: {}",
                path.display(),
                first_line(&e.to_string())
            ))
        })?,
        None => Kubeconfig::read()
            .map_err(|e| LiveError::Kubeconfig(first_line(&e.to_string()).to_string()))?,
    };
    let names: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    if names.is_empty() {
        return Err(LiveError::Kubeconfig(
            "the kubeconfig has no contexts (--all-contexts reads each of them)".into(),
        ));
    }
    Ok(names)
}

/// kube's client stack (kube-client 5.0 `ClientBuilder::try_from`: base URI, auth, impersonation headers, the
/// connect/read/write timeouts, the kubeconfig's TLS server name), but with HTTP/2 offered by ALPN as kubectl does:
/// every concurrent LIST shares one TLS connection instead of opening its own (kube's connector enables HTTP/1.1
/// only). A server that answers HTTP/1.1 is spoken to in HTTP/1.1.
fn http2_client(config: kube::Config) -> Result<kube::Client, kube::Error> {
    use kube::client::ConfigExt;
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.enforce_http(false);
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config.rustls_client_config()?)
        .https_or_http();
    let builder = match &config.tls_server_name {
        Some(name) => {
            let name = rustls_pki_types::ServerName::try_from(name.clone()).map_err(|e| {
                kube::Error::Service(format!("tls-server-name {name:?}: {e}").into())
            })?;
            builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
        }
        None => builder,
    };
    let mut connector =
        hyper_timeout::TimeoutConnector::new(builder.enable_all_versions().wrap_connector(http));
    connector.set_connect_timeout(config.connect_timeout);
    connector.set_read_timeout(config.read_timeout);
    connector.set_write_timeout(config.write_timeout);
    connector.set_reset_reader_on_write(config.reset_reader_on_write);
    let client: hyper_util::client::legacy::Client<_, kube::client::Body> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let service = tower::ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(
            |e: hyper_util::client::legacy::Error| -> Box<dyn std::error::Error + Send + Sync> {
                Box::new(e)
            },
        )
        .service(client);
    Ok(kube::Client::new(service, config.default_namespace))
}

pub async fn connect(options: &LiveOptions) -> Result<Connection, LiveError> {
    let kubeconfig = match &options.kubeconfig {
        Some(path) => Some(Kubeconfig::read_from(path).map_err(|e| {
            LiveError::Kubeconfig(format!(
                "{}: {}",
                path.display(),
                first_line(&e.to_string())
            ))
        })?),
        None => Kubeconfig::read().ok(),
    };
    let (mut config, context, user) = match kubeconfig {
        Some(kubeconfig) => {
            let context = options
                .context
                .clone()
                .or_else(|| kubeconfig.current_context.clone())
                .unwrap_or_default();
            let named = kubeconfig.contexts.iter().find(|c| c.name == context);
            if named.is_none() {
                return Err(match &options.context {
                    Some(c) => LiveError::NoSuchContext(c.clone()),
                    None => {
                        LiveError::Kubeconfig("no current context is set (use --context)".into())
                    }
                });
            }
            let user = named
                .and_then(|c| c.context.as_ref())
                .and_then(|c| c.user.clone())
                .unwrap_or_default();
            let kube_options = KubeConfigOptions {
                context: Some(context.clone()),
                cluster: None,
                user: None,
            };
            let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
                .await
                .map_err(|e| LiveError::Kubeconfig(first_line(&e.to_string()).to_string()))?;
            (config, context, user)
        }
        None => {
            let config = kube::Config::incluster().map_err(|_| {
                LiveError::Kubeconfig(
                    "no kubeconfig found (set KUBECONFIG or --kubeconfig) and not running in a cluster".into(),
                )
            })?;
            (
                config,
                "in-cluster".to_string(),
                "service account".to_string(),
            )
        }
    };
    if options.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    // Our own policy retries LISTs only (429/5xx, three attempts, backoff); kube's would also retry writes
    // and multiply with ours.
    config.default_retry = false;
    config.connect_timeout = options.request_timeout;
    config.read_timeout = options.request_timeout;
    config.write_timeout = options.request_timeout;
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let namespace = options
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let client = http2_client(config).map_err(|e| LiveError::Unreachable {
        server: server.clone(),
        reason: e.to_string(),
    })?;
    let fetcher = std::sync::Arc::new(Fetcher {
        client: client.clone(),
        server: server.clone(),
        context: context.clone(),
        user: user.clone(),
        verbose: options.verbose,
    });
    Ok(Connection {
        client,
        fetcher,
        server,
        context,
        user,
        namespace,
        options: options.clone(),
    })
}

/// Warnings for kinds that could not be read but whose absence only blanks some cells.
pub type Warnings = Vec<String>;

impl Connection {
    /// Reads every kind of `request` concurrently into one snapshot.
    pub async fn snapshot(&self, request: &Request) -> Result<(Snapshot, Warnings), LiveError> {
        let scope = if self.options.all_namespaces {
            Scope::AllNamespaces
        } else {
            Scope::Namespace(self.namespace.clone())
        };
        let lists = request.kinds().map(|kind| {
            let scope = scope.clone();
            let related = request.related.contains(&kind);
            let keep_raw = request.keep_raw.contains(&kind);
            async move {
                let narrowed = request
                    .narrow
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .and_then(|(_, s)| Selector::parse(s).ok());
                let selector = match request.selected.contains(&kind) {
                    true => self.options.selector.clone(),
                    false => narrowed,
                };
                let selector = selector.as_ref();
                let wide = if related {
                    Scope::AllNamespaces
                } else {
                    scope.clone()
                };
                let mut outcome = self
                    .list(kind, &wide, selector, None, keep_raw)
                    .await
                    .map(|s| (s, wide.clone()));
                // A user allowed only their namespace still gets an answer: refs elsewhere become unknown.
                if related && wide != scope && matches!(outcome, Err(ListFailure::Forbidden(_))) {
                    outcome = self
                        .list(kind, &scope, selector, None, keep_raw)
                        .await
                        .map(|s| (s, scope.clone()));
                }
                (kind, outcome)
            }
        });
        let results = self.within_request_timeout(join_all(lists)).await?;
        let mut snapshot = Snapshot::default();
        let mut warnings = Vec::new();
        // An estate may run only tidb-operator v1 or only v2: the primary's CRD missing (or refused) is then no
        // error as long as the other operator's cluster kind of the request was read.
        // v1 kinds live in pingcap.com, v2 kinds in core.pingcap.com.
        let other_operator_read = results.iter().any(|(kind, outcome)| {
            outcome.is_ok()
                && kind.group() != request.primary.group()
                && matches!(kind, Kind::TidbCluster | Kind::Cluster)
        });
        for (kind, outcome) in results {
            let outcome = match outcome {
                Err(ListFailure::NotInstalled)
                    if kind == request.primary && other_operator_read =>
                {
                    snapshot.gaps.insert(kind, Gap::NotInstalled);
                    continue;
                }
                // A viewer granted only the other operator's kinds still gets those rows.
                Err(ListFailure::Forbidden(message))
                    if kind == request.primary && other_operator_read =>
                {
                    warnings.push(format!(
                        "cannot list {} ({}); affected cells show <unknown>",
                        kind.resource(),
                        first_clause(&message)
                    ));
                    snapshot.gaps.insert(kind, Gap::Forbidden(message));
                    continue;
                }
                other => other,
            };
            match outcome {
                Ok((part, read_scope)) => {
                    snapshot.merge(part);
                    snapshot.scopes.insert(
                        kind,
                        if kind.namespaced() {
                            read_scope
                        } else {
                            Scope::AllNamespaces
                        },
                    );
                }
                Err(failure) => self.record_failure(
                    kind,
                    kind == request.primary,
                    failure,
                    &scope,
                    &mut snapshot,
                    &mut warnings,
                )?,
            }
        }
        Ok((snapshot, merge_forbidden(warnings)))
    }

    /// Runs narrowed LISTs concurrently into one snapshot (`status`'s rounds). A kind read in several
    /// namespaces is recorded as read everywhere it was asked for: the lookups that follow ask only for the
    /// objects named in the queries. A refused or failed kind becomes a gap; the monitor's own kind (the
    /// request's primary) failing ends the command as `snapshot` does.
    pub async fn read(
        &self,
        queries: &[crate::source::Query],
        primary: Option<Kind>,
    ) -> Result<(Snapshot, Warnings), LiveError> {
        self.read_keeping(queries, primary, false).await
    }

    /// [`read`](Self::read), also keeping the whole objects in `Snapshot::raw` when `keep_raw` (`migrate` reads
    /// the one ConfigMap a monitor's `ruleConfigRef` names, by name, for its rule files).
    pub async fn read_keeping(
        &self,
        queries: &[crate::source::Query],
        primary: Option<Kind>,
        keep_raw: bool,
    ) -> Result<(Snapshot, Warnings), LiveError> {
        let lists = queries.iter().map(|q| async move {
            let labels = match q.labels.as_deref().map(Selector::parse).transpose() {
                Ok(labels) => labels,
                Err(e) => return (q, Err(ListFailure::Other(e.to_string()))),
            };
            let outcome = self
                .list(
                    q.kind,
                    &q.scope,
                    labels.as_ref(),
                    q.fields.as_deref(),
                    keep_raw,
                )
                .await;
            (q, outcome)
        });
        let results = self.within_request_timeout(join_all(lists)).await?;
        let mut snapshot = Snapshot::default();
        let mut warnings = Vec::new();
        for (query, outcome) in results {
            match outcome {
                Ok(part) => {
                    snapshot.merge(part);
                    let scope = match snapshot.scopes.get(&query.kind) {
                        _ if !query.kind.namespaced() => Scope::AllNamespaces,
                        Some(seen) if *seen != query.scope => Scope::AllNamespaces,
                        _ => query.scope.clone(),
                    };
                    snapshot.scopes.insert(query.kind, scope);
                }
                Err(failure) => self.record_failure(
                    query.kind,
                    Some(query.kind) == primary,
                    failure,
                    &query.scope,
                    &mut snapshot,
                    &mut warnings,
                )?,
            }
        }
        Ok((snapshot, merge_forbidden(warnings)))
    }

    /// `fut`, bounded by `--request-timeout` as a whole (the lists run concurrently, so one limit covers them all).
    async fn within_request_timeout<F: std::future::Future>(
        &self,
        fut: F,
    ) -> Result<F::Output, LiveError> {
        match self.options.request_timeout {
            Some(limit) => {
                tokio::time::timeout(limit, fut)
                    .await
                    .map_err(|_| LiveError::Unreachable {
                        server: self.server.clone(),
                        reason: format!(
                            "no answer within the request timeout of {}",
                            humantime(limit)
                        ),
                    })
            }
            None => Ok(fut.await),
        }
    }

    /// A failed LIST of `kind`: an error that ends the command when `kind` is the `primary` one (the rows), else a
    /// gap in the snapshot and a warning.
    fn record_failure(
        &self,
        kind: Kind,
        primary: bool,
        failure: ListFailure,
        scope: &Scope,
        snapshot: &mut Snapshot,
        warnings: &mut Warnings,
    ) -> Result<(), LiveError> {
        match failure {
            ListFailure::Fatal(e) => return Err(e),
            ListFailure::Expired => {
                let message =
                    "the list changed too fast to page through (410 Gone twice); retry".to_string();
                if primary {
                    return Err(LiveError::Api {
                        resource: kind.resource(),
                        message,
                    });
                }
                warnings.push(format!("cannot list {}: {message}", kind.resource()));
                snapshot.gaps.insert(kind, Gap::Failed(message));
            }
            ListFailure::NotInstalled if primary => {
                return Err(LiveError::NotInstalled {
                    resource: kind.resource(),
                    context: self.context.clone(),
                });
            }
            ListFailure::NotInstalled => {
                snapshot.gaps.insert(kind, Gap::NotInstalled);
            }
            ListFailure::Forbidden(message) if primary => {
                let where_ = match scope {
                    Scope::AllNamespaces => "at the cluster scope".to_string(),
                    Scope::Namespace(ns) => format!("in namespace {ns:?}"),
                };
                let message = if message.is_empty() {
                    format!("cannot list {} {where_}", kind.resource())
                } else {
                    message
                };
                return Err(LiveError::Forbidden {
                    message,
                    context: self.context.clone(),
                });
            }
            // Namespaces only refine namespace selectors with labels; most users may not list them.
            ListFailure::Forbidden(message) if kind == Kind::Namespace => {
                snapshot.gaps.insert(kind, Gap::Forbidden(message));
            }
            ListFailure::Forbidden(message) => {
                warnings.push(format!(
                    "cannot list {} ({}); affected cells show <unknown>",
                    kind.resource(),
                    first_clause(&message)
                ));
                snapshot.gaps.insert(kind, Gap::Forbidden(message));
            }
            ListFailure::Other(message) if primary => {
                return Err(LiveError::Api {
                    resource: kind.resource(),
                    message,
                });
            }
            ListFailure::Other(message) => {
                warnings.push(format!(
                    "cannot list {}: {message}; affected cells show <unknown>",
                    kind.resource()
                ));
                snapshot.gaps.insert(kind, Gap::Failed(message));
            }
        }
        Ok(())
    }

    fn path(kind: Kind, scope: &Scope) -> String {
        match scope {
            Scope::Namespace(ns) => kind.collection_path(Some(ns)),
            Scope::AllNamespaces => kind.collection_path(None),
        }
    }

    /// One paged LIST. The continue token is followed to the end; an expired token (410) restarts once.
    /// The next page is requested as soon as the token is known, so decoding a page overlaps the server
    /// preparing the next one.
    ///
    /// `resourceVersion=0` ("any version, newest preferred") is how client-go's informers list: the API
    /// server answers from its watch cache, which trails etcd by the watch delay (milliseconds), and sends the
    /// whole list at once. A consistent read (kubectl's) is served page by page, and on kube-apiserver v1.35
    /// once the etcd revision has moved past the kind's last change (on a live cluster, Leases move it every
    /// few seconds) each page is read back from etcd and decoded again: on 1000 v2 Clusters with their groups
    /// that made `clusters -A` 2.6 × kubectl's one-kind list instead of 1.0 ×. A server without a watch cache
    /// pages as asked, so the continue token is still followed.
    async fn list(
        &self,
        kind: Kind,
        scope: &Scope,
        selector: Option<&Selector>,
        fields: Option<&str>,
        request_keeps_raw: bool,
    ) -> Result<Snapshot, ListFailure> {
        let path = Self::path(kind, scope);
        let url_for = |token: Option<&str>| {
            let mut query = format!("limit={PAGE_SIZE}");
            if let Some(selector) = selector.filter(|s| !s.is_empty()) {
                query.push_str("&labelSelector=");
                query.push_str(&encode(selector.as_str()));
            }
            if let Some(fields) = fields.filter(|f| !f.is_empty()) {
                query.push_str("&fieldSelector=");
                query.push_str(&encode(fields));
            }
            match token {
                Some(token) => {
                    query.push_str("&continue=");
                    query.push_str(&encode(token));
                }
                None => query.push_str("&resourceVersion=0"),
            }
            format!("{path}?{query}")
        };
        // Each page is fetched and decoded in its own task, so pages of different kinds decode in parallel
        // and a body's chunks wake only that task. The task sends the continue token as soon as it reads it.
        let fetch = |url: String| {
            let fetcher = self.fetcher.clone();
            let (token_sender, token) = tokio::sync::oneshot::channel();
            let page = tokio::spawn(async move {
                let body = fetcher.get(kind, &url, request_keeps_raw).await?;
                read_list(kind, body, request_keeps_raw, &fetcher.server, token_sender).await
            });
            (page, token)
        };
        let mut restarted = false;
        'restart: loop {
            let mut part = Snapshot::default();
            let mut pending = fetch(url_for(None));
            let mut continued = false;
            loop {
                let (page, token) = pending;
                let next = match token.await {
                    Ok(Some(token)) if !token.is_empty() => Some(fetch(url_for(Some(&token)))),
                    _ => None,
                };
                match page.await {
                    Ok(Ok(page)) => part.merge(page),
                    Ok(Err(ListFailure::Expired)) if !restarted && continued => {
                        restarted = true;
                        continue 'restart;
                    }
                    Ok(Err(e)) => return Err(e),
                    Err(e) => {
                        return Err(ListFailure::Other(format!("the request task failed: {e}")));
                    }
                }
                match next {
                    Some(handle) => {
                        pending = handle;
                        continued = true;
                    }
                    None => return Ok(part),
                }
            }
        }
    }
}

/// Reads one page's body, cutting it into items as it arrives and decoding each into a part of the snapshot.
async fn read_list(
    kind: Kind,
    mut body: Body,
    keep_raw: bool,
    server: &str,
    token: tokio::sync::oneshot::Sender<Option<String>>,
) -> Result<Snapshot, ListFailure> {
    let mut part = Snapshot::default();
    let mut splitter = ListSplitter::default();
    let mut token = Some(token);
    loop {
        // The body's own buffers, not a copy.
        let chunk = futures::AsyncBufReadExt::fill_buf(&mut body)
            .await
            .map_err(|e| {
                // The connection broke off mid-answer: as unreachable as a refused connection, never a
                // partial list.
                ListFailure::Fatal(LiveError::Unreachable {
                    server: server.to_string(),
                    reason: describe_transport_error(&e),
                })
            })?;
        let read = chunk.len();
        let mut metadata = None;
        splitter.feed(
            chunk,
            |item| decode_item(&mut part, kind, item, keep_raw),
            |meta| metadata = Some(meta),
        );
        futures::AsyncBufReadExt::consume_unpin(&mut body, read);
        if let (Some(meta), Some(sender)) = (metadata, token.take()) {
            let meta: ListMeta = serde_json::from_slice(&meta).unwrap_or_default();
            let _ = sender.send(meta.continue_);
        }
        if read == 0 {
            break;
        }
    }
    if let Some(sender) = token.take() {
        let _ = sender.send(None);
    }
    if !splitter.complete() {
        return Err(ListFailure::Other(
            "the server sent an unreadable list (not one complete JSON object)".into(),
        ));
    }
    Ok(part)
}

/// A LIST's answer, read as it arrives.
type Body = std::pin::Pin<Box<dyn futures::AsyncBufRead + Send>>;

/// One object of a List: decoded on its own, so a malformed object is a problem, not the end of the list.
fn decode_item(part: &mut Snapshot, kind: Kind, item: &[u8], keep_raw: bool) {
    match part.add(kind, &mut serde_json::Deserializer::from_slice(item), None) {
        Err(e) => part.problems.push(Problem {
            location: object_location(kind, &String::from_utf8_lossy(item)),
            message: e.to_string(),
        }),
        Ok(()) if keep_raw => {
            if let Ok(value) = serde_json::from_slice(item) {
                part.keep_raw(kind, value, None);
            }
        }
        Ok(()) => {}
    }
}

/// Cuts a Kubernetes List's JSON into its items as the bytes arrive, so a whole-list answer (thousands of
/// objects, tens of MB) never sits in memory at once: only the object being received is kept. Knows JSON's
/// strings and nesting, nothing else; each item is then decoded by serde from its own bytes.
#[derive(Default)]
struct ListSplitter {
    buf: Vec<u8>,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// At the top level, the next string is a key.
    expecting_key: bool,
    key_start: Option<usize>,
    last_key: Vec<u8>,
    in_items: bool,
    /// Where the item (or the list's `metadata`) being received starts in `buf`.
    value_start: Option<usize>,
    capturing_metadata: bool,
    closed: bool,
}

impl ListSplitter {
    fn feed(
        &mut self,
        chunk: &[u8],
        mut on_item: impl FnMut(&[u8]),
        mut on_metadata: impl FnMut(Vec<u8>),
    ) {
        let scanned = self.buf.len();
        self.buf.extend_from_slice(chunk);
        for i in scanned..self.buf.len() {
            let byte = self.buf[i];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                    if let Some(start) = self.key_start.take() {
                        self.last_key = self.buf[start + 1..i].to_vec();
                        self.expecting_key = false;
                    }
                }
                continue;
            }
            match byte {
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 && self.expecting_key {
                        self.key_start = Some(i);
                    }
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    match self.depth {
                        1 => self.expecting_key = true,
                        2 if byte == b'[' && self.last_key == b"items" => self.in_items = true,
                        2 if byte == b'{' && self.last_key == b"metadata" => {
                            self.value_start = Some(i);
                            self.capturing_metadata = true;
                        }
                        3 if self.in_items => self.value_start = Some(i),
                        _ => {}
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    match self.depth {
                        0 => self.closed = true,
                        1 if self.capturing_metadata => {
                            if let Some(start) = self.value_start.take() {
                                on_metadata(self.buf[start..=i].to_vec());
                            }
                            self.capturing_metadata = false;
                        }
                        1 => self.in_items = false,
                        2 if self.in_items => {
                            if let Some(start) = self.value_start.take() {
                                on_item(&self.buf[start..=i]);
                            }
                        }
                        _ => {}
                    }
                }
                b',' if self.depth == 1 => self.expecting_key = true,
                _ => {}
            }
        }
        // Keep only what is still needed: the value or key being received.
        let keep_from = self
            .value_start
            .or(self.key_start)
            .unwrap_or(self.buf.len());
        self.buf.drain(..keep_from);
        self.value_start = self.value_start.map(|s| s - keep_from);
        self.key_start = self.key_start.map(|s| s - keep_from);
    }

    /// The top-level object was closed: the whole answer arrived.
    fn complete(&self) -> bool {
        self.closed
    }
}

/// Kinds listed as metadata only: Secret values, and ConfigMap data (which may hold credentials too), never reach
/// this process; rules only ask whether they exist. One exception, asked for by keeping the objects whole: the
/// ConfigMap a TidbMonitor's `ruleConfigRef` names, which `migrate` reads by name for its rule files (a
/// ConfigMap, never a Secret).
fn metadata_only(kind: Kind) -> bool {
    matches!(kind, Kind::Secret | Kind::ConfigMap)
}

/// What a spawned page request needs: shared by every LIST of one invocation.
pub struct Fetcher {
    client: kube::Client,
    server: String,
    context: String,
    user: String,
    verbose: u8,
}

impl Fetcher {
    async fn get(&self, kind: Kind, url: &str, whole: bool) -> Result<Body, ListFailure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let mut request = http::Request::get(url);
            if metadata_only(kind) && !(whole && kind == Kind::ConfigMap) {
                request = request.header(
                    "Accept",
                    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
                );
            }
            let request = request
                .body(Vec::new())
                .map_err(|e| ListFailure::Other(e.to_string()))?;
            let result = self.client.request_stream(request).await;
            if self.verbose > 0 {
                let outcome = match &result {
                    Ok(_) => "200 OK".to_string(),
                    Err(kube::Error::Api(status)) => format!("{} {}", status.code, status.reason),
                    Err(e) => format!("error: {e}"),
                };
                eprintln!(
                    "GET {}{url} {outcome} in {} ms",
                    self.server,
                    started.elapsed().as_millis()
                );
            }
            match result {
                Ok(body) => return Ok(Box::pin(body)),
                Err(kube::Error::Api(status)) => {
                    let retryable = matches!(status.code, 429 | 500 | 502 | 503 | 504);
                    if retryable && attempt < RETRIES {
                        tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1)))
                            .await;
                        continue;
                    }
                    return Err(match status.code {
                        401 => ListFailure::Fatal(LiveError::Unauthorized {
                            context: self.context.clone(),
                            user: self.user.clone(),
                        }),
                        403 => ListFailure::Forbidden(status.message.clone()),
                        404 => ListFailure::NotInstalled,
                        410 => ListFailure::Expired,
                        code => ListFailure::Other(format!(
                            "{code} {}: {}",
                            status.reason, status.message
                        )),
                    });
                }
                Err(e) => {
                    return Err(ListFailure::Fatal(LiveError::Unreachable {
                        server: self.server.clone(),
                        reason: describe_transport_error(&e),
                    }));
                }
            }
        }
    }
}

enum ListFailure {
    Forbidden(String),
    NotInstalled,
    Expired,
    Other(String),
    Fatal(LiveError),
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_: Option<String>,
}

/// `namespace/name` of an object that failed to decode, read from the raw JSON leniently.
fn object_location(kind: Kind, raw: &str) -> String {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Named {
        metadata: NamedMeta,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct NamedMeta {
        name: Option<serde_json::Value>,
        namespace: Option<serde_json::Value>,
    }
    let named: Named = serde_json::from_str(raw).unwrap_or_default();
    let text = |v: Option<serde_json::Value>| {
        v.and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let (ns, name) = (text(named.metadata.namespace), text(named.metadata.name));
    let id = if ns.is_empty() {
        name
    } else {
        format!("{ns}/{name}")
    };
    format!("{} {id}", kind.kind_name())
}

/// A user without rights on the v2 or monitoring kinds would get a dozen "cannot list" lines: say it once.
fn merge_forbidden(warnings: Warnings) -> Warnings {
    const TAIL: &str = "; affected cells show <unknown>";
    let mut resources = Vec::new();
    let mut reason = String::new();
    let mut rest = Vec::new();
    for w in warnings {
        let parsed = w
            .strip_prefix("cannot list ")
            .and_then(|t| t.strip_suffix(TAIL))
            .and_then(|t| t.strip_suffix(')'))
            .and_then(|t| t.split_once(" ("));
        match parsed {
            Some((resource, why)) if !resource.contains(' ') => {
                if reason.is_empty() {
                    reason = why.to_string();
                }
                resources.push(resource.to_string());
            }
            _ => rest.push(w),
        }
    }
    if !resources.is_empty() {
        rest.insert(
            0,
            format!("cannot list {} ({reason}){TAIL}", resources.join(", ")),
        );
    }
    rest
}

/// Parser errors may carry a source snippet over several lines; a CLI error is one line.
fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

fn first_clause(message: &str) -> String {
    let short = message.split(": ").last().unwrap_or(message);
    if short.is_empty() {
        "forbidden".into()
    } else {
        short.to_string()
    }
}

/// The innermost cause: "connection refused" beats "client error (Connect)".
fn describe_transport_error(e: &(dyn std::error::Error + 'static)) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut last = e.to_string();
    while let Some(err) = source {
        let text = err.to_string();
        if !text.is_empty() {
            last = text;
        }
        source = err.source();
    }
    let lower = last.to_ascii_lowercase();
    if lower.contains("certificate")
        || lower.contains("unknownissuer")
        || lower.contains("invalid peer")
    {
        format!("TLS verification failed: {last} (check certificate-authority in the kubeconfig)")
    } else if lower.contains("elapsed") || lower.contains("timed out") {
        "no answer within the request timeout".to_string()
    } else {
        last
    }
}

pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn humantime(d: Duration) -> String {
    if !d.as_millis().is_multiple_of(1000) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs())
    }
}

#[cfg(test)]
mod tests {

    /// Splits `body` fed in pieces of `step` bytes: (items, metadata, complete).
    fn split(body: &str, step: usize) -> (Vec<String>, Vec<String>, bool) {
        let mut splitter = ListSplitter::default();
        let (mut items, mut metadata) = (Vec::new(), Vec::new());
        for chunk in body.as_bytes().chunks(step) {
            splitter.feed(
                chunk,
                |item| items.push(String::from_utf8(item.to_vec()).unwrap()),
                |meta| metadata.push(String::from_utf8(meta).unwrap()),
            );
        }
        (items, metadata, splitter.complete())
    }

    #[test]
    fn lists_split_into_items_whatever_the_chunking() {
        // Strings holding quotes, braces, brackets and backslashes; metadata after the items (CRD lists sort
        // their keys) and a nested key named like the top-level ones.
        let body = r#"{"apiVersion":"v1","items":[{"a":"x\"}]\\","metadata":{"items":[1]}},{"b":[{"c":"{["}]}],"kind":"List","metadata":{"continue":"t","resourceVersion":"9"}}"#;
        let expected_items = vec![
            r#"{"a":"x\"}]\\","metadata":{"items":[1]}}"#.to_string(),
            r#"{"b":[{"c":"{["}]}"#.to_string(),
        ];
        for step in [1, 2, 3, 7, 64, body.len()] {
            let (items, metadata, complete) = split(body, step);
            assert_eq!(items, expected_items, "step {step}");
            assert_eq!(
                metadata,
                [r#"{"continue":"t","resourceVersion":"9"}"#],
                "step {step}"
            );
            assert!(complete, "step {step}");
        }
        let (items, metadata, complete) = split(r#"{"kind":"List","metadata":{},"items":null}"#, 5);
        assert!(items.is_empty());
        assert_eq!(metadata, ["{}"]);
        assert!(complete);
        let (_, _, complete) = split(&body[..body.len() - 1], 8);
        assert!(!complete, "a body cut short is never a complete list");
    }
    use super::*;

    #[test]
    fn paths_follow_the_api_layout() {
        let ns = Scope::Namespace("team-a".into());
        assert_eq!(
            Connection::path(Kind::TidbMonitor, &ns),
            "/apis/pingcap.com/v1alpha1/namespaces/team-a/tidbmonitors"
        );
        assert_eq!(
            Connection::path(Kind::PersistentVolume, &ns),
            "/api/v1/persistentvolumes"
        );
        assert_eq!(
            Connection::path(Kind::StatefulSet, &Scope::AllNamespaces),
            "/apis/apps/v1/statefulsets"
        );
    }

    #[test]
    fn secrets_and_config_maps_are_listed_as_metadata_only() {
        assert!(metadata_only(Kind::Secret) && metadata_only(Kind::ConfigMap));
        assert!(!metadata_only(Kind::TidbMonitor) && !metadata_only(Kind::Service));
    }

    #[test]
    fn forbidden_kinds_share_one_warning() {
        let merged = merge_forbidden(vec![
            "cannot list deployments.apps (forbidden); affected cells show <unknown>".into(),
            "cannot list statefulsets.apps: boom; affected cells show <unknown>".into(),
            "cannot list pdgroups.core.pingcap.com (forbidden); affected cells show <unknown>"
                .into(),
        ]);
        assert_eq!(
            merged,
            [
                "cannot list deployments.apps, pdgroups.core.pingcap.com (forbidden); affected cells show <unknown>",
                "cannot list statefulsets.apps: boom; affected cells show <unknown>",
            ]
        );
    }

    #[test]
    fn encodes_selectors_for_the_query_string() {
        assert_eq!(encode("app in (a,b)"), "app%20in%20%28a%2Cb%29");
    }
}

/// What server-side apply did to one object, in kubectl's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Created,
    Configured,
    Unchanged,
}

impl Applied {
    pub fn as_str(&self) -> &'static str {
        match self {
            Applied::Created => "created",
            Applied::Configured => "configured",
            Applied::Unchanged => "unchanged",
        }
    }
}

/// `Accept` for an object's metadata without its content (kube-apiserver's `PartialObjectMetadata` transform).
const METADATA_ONLY: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

/// The catalogue kind of a manifest.
fn object_kind(object: &serde_json::Value) -> Option<Kind> {
    let (kind, _, _) = crate::scaffold::identity(object);
    Kind::from_api_version(object.get("apiVersion")?.as_str()?, &kind)
}

/// The REST path of a manifest's object and kubectl's `kind.group/name` for it, from the kind catalogue.
fn object_path(object: &serde_json::Value) -> Option<(String, String)> {
    let (kind, ns, name) = crate::scaffold::identity(object);
    let api_version = object.get("apiVersion")?.as_str()?;
    let known = Kind::from_api_version(api_version, &kind)?;
    let label = crate::render::kind_object_name(known, &name);
    let collection = known.collection_path(Some(&ns));
    Some((format!("{collection}/{name}"), label))
}

/// Drops what the server adds or changes on every write, so two reads of an unchanged object compare equal.
fn comparable(mut object: serde_json::Value) -> serde_json::Value {
    if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("managedFields");
        meta.remove("resourceVersion");
    }
    object
}

impl Connection {
    /// Server-side applies each object with field manager `kubectl-tidbmonitor` (one GET and one PATCH per
    /// object: apply is about objects, not lists). Stops at the first failure, naming the object.
    pub async fn apply(
        &self,
        objects: &[serde_json::Value],
        server_dry_run: bool,
    ) -> Result<Vec<(String, Applied)>, LiveError> {
        let mut report = Vec::new();
        for object in objects {
            let (kind, ns, _) = crate::scaffold::identity(object);
            let Some((path, label)) = object_path(object) else {
                return Err(LiveError::Api {
                    resource: kind,
                    message: "the plugin does not know how to apply this kind".into(),
                });
            };
            // Secrets and ConfigMaps are read back as metadata only (`PartialObjectMetadata`, which the API server
            // serves for GET and PATCH alike), as they are listed ([`metadata_only`]): the plugin writes them but
            // never reads their data back, not even its own.
            let metadata_only = object_kind(object).is_some_and(metadata_only);
            let accept = if metadata_only {
                METADATA_ONLY
            } else {
                "application/json"
            };
            let before = match self
                .client
                .request_text(
                    http::Request::get(&path)
                        .header("Accept", accept)
                        .body(Vec::new())
                        .map_err(|e| LiveError::Api {
                            resource: label.clone(),
                            message: e.to_string(),
                        })?,
                )
                .await
            {
                Ok(text) => serde_json::from_str::<serde_json::Value>(&text).ok(),
                Err(kube::Error::Api(status)) if status.code == 404 => None,
                Err(e) => return Err(self.apply_error(&label, &ns, e)),
            };
            let mut url = format!("{path}?fieldManager=kubectl-tidbmonitor&force=true");
            if server_dry_run {
                url.push_str("&dryRun=All");
            }
            let body = serde_json::to_vec(object).unwrap_or_default();
            let request = http::Request::patch(&url)
                .header("Content-Type", "application/apply-patch+yaml")
                .header("Accept", accept)
                .body(body)
                .map_err(|e| LiveError::Api {
                    resource: label.clone(),
                    message: e.to_string(),
                })?;
            let after = self
                .client
                .request_text(request)
                .await
                .map_err(|e| self.apply_error(&label, &ns, e))?;
            let after: Option<serde_json::Value> = serde_json::from_str(&after).ok();
            let outcome = match (before, after) {
                (None, _) => Applied::Created,
                // Metadata only: a change moves the resourceVersion (a real write) or this manager's
                // managedFields time (a dry run, which writes nothing), so the whole metadata is compared. A dry
                // run in the same second as the last real change would read as unchanged.
                (Some(b), Some(a)) if metadata_only && b == a => Applied::Unchanged,
                (Some(b), Some(a))
                    if !metadata_only && comparable(b.clone()) == comparable(a.clone()) =>
                {
                    Applied::Unchanged
                }
                _ => Applied::Configured,
            };
            report.push((label, outcome));
        }
        Ok(report)
    }

    fn apply_error(&self, label: &str, namespace: &str, e: kube::Error) -> LiveError {
        match e {
            kube::Error::Api(status) if status.code == 401 => LiveError::Unauthorized {
                context: self.context.clone(),
                user: self.user.clone(),
            },
            kube::Error::Api(status) => LiveError::Api {
                resource: format!("{label} in namespace {namespace}"),
                message: format!("{} {}", status.code, status.message),
            },
            other => LiveError::Unreachable {
                server: self.server.clone(),
                reason: describe_transport_error(&other),
            },
        }
    }
}

/// What `version` can learn from the cluster; each part `None` when not readable.
#[derive(Debug, Clone, Default)]
pub struct ServerInfo {
    pub server_version: Option<String>,
    /// `(version tag, namespace/name of the controller Deployment)`.
    pub operator: Option<(String, String)>,
}

impl Connection {
    /// `/version` and the tidb-operator controller Deployment (one list, by label), concurrently.
    pub async fn server_info(&self) -> ServerInfo {
        let version = async {
            let request = http::Request::get("/version").body(Vec::new()).ok()?;
            let text = self.client.request_text(request).await.ok()?;
            let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
            doc["gitVersion"].as_str().map(str::to_string)
        };
        let operator = async {
            let mut part = self
                .list(Kind::Deployment, &Scope::AllNamespaces, None, None, false)
                .await
                .ok()?;
            part.scopes.insert(Kind::Deployment, Scope::AllNamespaces);
            match crate::checks::operator::operator_version(&part, None) {
                crate::checks::OperatorVersion::Detected {
                    version,
                    deployment,
                    ..
                } => Some((version.to_string(), deployment)),
                _ => None,
            }
        };
        let (server_version, operator) = futures::join!(version, operator);
        ServerInfo {
            server_version,
            operator,
        }
    }
}
