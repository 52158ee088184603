//! Offline source: `-f FILE|DIR|-`, multi-document YAML or JSON, `List` kinds, directories walked recursively.
//!
//! Lookups against a file snapshot never claim an object is missing: the files are not the cluster, so the
//! kinds are recorded as read in no scope and the core reports such references as unresolved.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::snapshot::{Kind, Problem, Snapshot};

#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{path}: no such file or directory (check the -f path)")]
    NotFound { path: String },
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
}

/// Objects of kinds the plugin does not use, counted so `-v` can say what was skipped.
#[derive(Debug, Default)]
pub struct FileLoad {
    pub keep_raw: Vec<Kind>,
    pub ignored_kinds: std::collections::BTreeMap<String, usize>,
    /// Objects defined more than once; the later definition is kept, as `kubectl apply` would leave it.
    pub redefined: Vec<String>,
    /// Files found in a directory and skipped (a symbolic link to nothing): the rest of the run goes on.
    pub skipped_files: Vec<String>,
}

/// Reads every path into one snapshot. Unreadable paths are errors (the user named them); bad documents are
/// problems in the snapshot and the rest still loads.
pub fn load(
    paths: &[String],
    default_namespace: &str,
    snapshot: &mut Snapshot,
) -> Result<FileLoad, FilesError> {
    load_keeping(paths, default_namespace, &[], snapshot)
}

/// Like [`load`], also keeping whole objects of `keep_raw` kinds in `Snapshot::raw`.
pub fn load_keeping(
    paths: &[String],
    default_namespace: &str,
    keep_raw: &[Kind],
    snapshot: &mut Snapshot,
) -> Result<FileLoad, FilesError> {
    let mut load = FileLoad {
        keep_raw: keep_raw.to_vec(),
        ..FileLoad::default()
    };
    for path in paths {
        if path == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| FilesError::Unreadable {
                    path: "<stdin>".into(),
                    reason: e.to_string(),
                })?;
            load_text("<stdin>", &text, default_namespace, snapshot, &mut load);
            continue;
        }
        let root = Path::new(path);
        let metadata = std::fs::metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FilesError::NotFound { path: path.clone() },
            _ => FilesError::Unreadable {
                path: path.clone(),
                reason: e.to_string(),
            },
        })?;
        let files = if metadata.is_dir() {
            manifest_files(root, &mut load.skipped_files)?
        } else {
            vec![root.to_path_buf()]
        };
        for file in files {
            let display = file.display().to_string();
            let bytes = std::fs::read(&file).map_err(|e| FilesError::Unreadable {
                path: display.clone(),
                reason: e.to_string(),
            })?;
            match String::from_utf8(bytes) {
                Ok(text) => load_text(&display, &text, default_namespace, snapshot, &mut load),
                Err(_) => snapshot.problems.push(Problem {
                    location: display,
                    message: "not a text manifest (binary data); skipped".into(),
                }),
            }
        }
    }
    load.redefined = snapshot.keep_last_definitions();
    Ok(load)
}

/// Manifest files below a directory, sorted so output does not depend on the file system's order. A dangling
/// symbolic link (an editor's lock file, a moved target) is not a file to read: it is named in `skipped`.
fn manifest_files(dir: &Path, skipped: &mut Vec<String>) -> Result<Vec<PathBuf>, FilesError> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    // Each directory is read once, by its real path: a symbolic link back up the tree (`dir/self -> .`) would
    // otherwise be walked until the path is too long.
    let mut visited = std::collections::BTreeSet::new();
    while let Some(current) = pending.pop() {
        if let Ok(real) = std::fs::canonicalize(&current)
            && !visited.insert(real)
        {
            continue;
        }
        let entries = std::fs::read_dir(&current).map_err(|e| FilesError::Unreadable {
            path: current.display().to_string(),
            reason: e.to_string(),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                if let Err(e) = std::fs::metadata(&path)
                    && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
                {
                    let why = match e.kind() {
                        std::io::ErrorKind::NotFound => "to a file that does not exist".to_string(),
                        _ => format!("that cannot be followed ({e})"),
                    };
                    skipped.push(format!("{}: symbolic link {why}; skipped", path.display()));
                } else {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    skipped.sort();
    Ok(found)
}

/// Loads manifest text (one file's worth) into a snapshot, as `-f` would; for tests and the fuzzer.
pub fn load_text_into(
    name: &str,
    text: &str,
    default_namespace: &str,
    keep_raw: &[Kind],
    snapshot: &mut Snapshot,
) {
    let mut load = FileLoad {
        keep_raw: keep_raw.to_vec(),
        ..FileLoad::default()
    };
    load_text(name, text, default_namespace, snapshot, &mut load);
}

fn load_text(
    file: &str,
    text: &str,
    default_namespace: &str,
    snapshot: &mut Snapshot,
    load: &mut FileLoad,
) {
    // Documents are decoded and added one at a time: a 50 MB manifest never exists twice in memory.
    for_each_document(text, |line, item, parsed| {
        let location = match item {
            Some(i) => format!("{file}:{line} item {i}"),
            None => format!("{file}:{line}"),
        };
        match parsed {
            Ok(document) => add_document(
                &location,
                (file, line),
                document,
                default_namespace,
                snapshot,
                load,
            ),
            Err(message) => snapshot.problems.push(Problem { location, message }),
        }
    });
}

/// Calls `each` with every document of a file, the line it starts on and, for the items of a `List`, their
/// index. JSON goes through serde_json for exact positions; YAML through serde-saphyr. A syntax error costs
/// only the document it is in. `List` items are handed over one by one as they are parsed, so a
/// `kubectl get -A -o yaml` dump of thousands of objects never exists as one value tree.
fn for_each_document(
    text: &str,
    mut each: impl FnMut(usize, Option<usize>, Result<Value, String>),
) {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // Raw slices per document (no value tree), then each document streamed like YAML.
        let mut stream =
            serde_json::Deserializer::from_str(text).into_iter::<&serde_json::value::RawValue>();
        let mut counted = (0usize, 1usize); // (offset, line at offset): lines are counted once, not per document
        loop {
            let start = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(raw)) => {
                    let skipped = text[start..].len() - text[start..].trim_start().len();
                    let at = start + skipped;
                    counted = (at, counted.1 + text[counted.0..at].matches('\n').count());
                    let line = counted.1;
                    let mut sink = |l, i, v: Value| each(l, i, Ok(v));
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    match (StreamingDocument {
                        line,
                        each: &mut sink,
                    })
                    .deserialize(&mut de)
                    {
                        Ok(Some(document)) => each(line, None, Ok(document)),
                        Ok(None) => {}
                        Err(e) => each(
                            line + e.line().saturating_sub(1),
                            None,
                            Err(format!("invalid JSON: {e}")),
                        ),
                    }
                }
                Some(Err(e)) => {
                    each(e.line(), None, Err(format!("invalid JSON: {e}")));
                    break;
                }
            }
        }
        return;
    }
    for (start_line, chunk) in split_yaml_documents(text) {
        let mut sink = |l, i, v: Value| each(l, i, Ok(v));
        let parsed =
            serde_saphyr::with_deserializer_from_str_with_options(chunk, yaml_options(), |de| {
                StreamingDocument {
                    line: start_line,
                    each: &mut sink,
                }
                .deserialize(de)
            });
        match parsed {
            Ok(Some(Value::Null)) | Ok(None) => {}
            Ok(Some(value)) => each(start_line, None, Ok(value)),
            Err(e) => {
                let (line, message) = describe_yaml_error(&e);
                each(
                    start_line + line.saturating_sub(1),
                    None,
                    Err(format!("invalid YAML: {message}")),
                );
            }
        }
    }
}

/// The scalar (and optional) cases of a visitor that yields `Option<Value>`: the value, kept whole.
macro_rules! scalar_visits {
    () => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Some(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Some(Value::Null))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
            de.deserialize_any(self)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(Value::from(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Value::String(v.to_string())))
        }
    };
}

/// Deserializes one document. A mapping whose `items` is a sequence (a `List`) has each item handed to
/// `each` as soon as it is parsed, and yields `None`; anything else yields the whole value.
struct StreamingDocument<'a> {
    line: usize,
    each: &'a mut dyn FnMut(usize, Option<usize>, Value),
}

impl<'de> serde::de::DeserializeSeed<'de> for StreamingDocument<'_> {
    type Value = Option<Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for StreamingDocument<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Kubernetes object or List")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                match map.next_value_seed(StreamingItems {
                    line: self.line,
                    each: &mut *self.each,
                })? {
                    None => streamed = true,
                    Some(items) => {
                        object.insert(key, items);
                    }
                }
            } else {
                object.insert(key, map.next_value::<Value>()?);
            }
        }
        // Only `…List` kinds have items streamed away; `add_document` reports what is left of anything else.
        let is_list = object
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"));
        Ok(if streamed && is_list {
            None
        } else {
            Some(Value::Object(object))
        })
    }

    // Documents that are not mappings are kept whole; `add_document` reports them.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Some)
    }
    scalar_visits!();
}

/// The `items` of a List: each element goes to `each` as soon as it is parsed (yields `None`); a non-sequence
/// is returned as it is.
struct StreamingItems<'a> {
    line: usize,
    each: &'a mut dyn FnMut(usize, Option<usize>, Value),
}

impl<'de> serde::de::DeserializeSeed<'de> for StreamingItems<'_> {
    type Value = Option<Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for StreamingItems<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut index = 0;
        while let Some(item) = seq.next_element::<Value>()? {
            (self.each)(self.line, Some(index), item);
            index += 1;
        }
        Ok(None)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
    }
    scalar_visits!();
}

/// Splits on `---` document markers at column 0 so one broken document does not hide the others.
/// Returns each chunk with the 1-based line its content starts on.
fn split_yaml_documents(text: &str) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut position = 0;
    for (line_number, line) in (1..).zip(text.split_inclusive('\n')) {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") || bare == "..." {
            chunks.push((start_line, &text[start..position]));
            start = position + line.len();
            start_line = line_number + 1;
        }
        position += line.len();
    }
    chunks.push((start_line, &text[start..]));
    chunks
}

/// Last key wins, as in most YAML loaders (copied manifests often repeat a key). Size budgets scale with the
/// input (a `kubectl get -o yaml` List of thousands of clusters is one document of millions of nodes); the
/// alias limits that stop YAML bombs stay at serde-saphyr's defaults.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_reader_input_bytes = Some(1 << 30);
    budget.max_events = 200_000_000;
    budget.max_nodes = 100_000_000;
    budget.max_total_scalar_bytes = 1 << 30;
    budget.max_documents = 1_000_000;
    serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
        budget: Some(budget),
    }
}

/// serde-saphyr renders errors with source snippets over several lines; a CLI error wants one line.
fn describe_yaml_error(e: &serde_saphyr::Error) -> (usize, String) {
    let line = e.location().map(|l| l.line() as usize).unwrap_or(1);
    let rendered = e.to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("syntax error")
        .trim();
    // The position is relative to the document; the caller reports the file line instead.
    let message = first.strip_prefix("error: ").unwrap_or(first);
    let message = match message.split_once(": ") {
        Some((position, rest)) if position.starts_with("line ") => rest,
        _ => message,
    };
    (line, message.to_string())
}

fn add_document(
    location: &str,
    // The file and the line its document starts on (a `List`'s items share the List's line).
    origin: (&str, usize),
    document: Value,
    default_namespace: &str,
    snapshot: &mut Snapshot,
    load: &mut FileLoad,
) {
    let Value::Object(ref map) = document else {
        snapshot.problems.push(Problem {
            location: location.to_string(),
            message: "not a Kubernetes object (expected a mapping with apiVersion and kind)".into(),
        });
        return;
    };
    let kind = map
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let api_version = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if kind.is_empty() || api_version.is_empty() {
        snapshot.problems.push(Problem {
            location: location.to_string(),
            message:
                "not a Kubernetes object: apiVersion or kind missing (is the document indented?)"
                    .into(),
        });
        return;
    }
    if kind.ends_with("List")
        && let Some(Value::Array(items)) = map.get("items")
    {
        for (i, item) in items.iter().enumerate() {
            add_document(
                &format!("{location} item {i}"),
                origin,
                item.clone(),
                default_namespace,
                snapshot,
                load,
            );
        }
        return;
    }
    // A tidb-operator kind under another API version is a mistake worth naming, not an unrelated object
    // (`Cluster` excepted: many projects have one). A scrape object under a wrong group (the v2 docs'
    // `victoriametrics.com/v1beta1`) is loaded and marked, so `check` can name it and coverage ignores it.
    let exact = Kind::ALL
        .iter()
        .copied()
        .find(|k| k.kind_name() == kind && k.api_version() == api_version);
    let misplaced = Kind::ALL.iter().copied().find(|k| k.kind_name() == kind);
    let mut wrong_api_version = None;
    if exact.is_none()
        && let Some(ours) = misplaced
    {
        if matches!(ours.group(), "pingcap.com" | "core.pingcap.com") && ours != Kind::Cluster {
            snapshot.problems.push(Problem {
                location: location.to_string(),
                message: format!(
                    "{kind}: apiVersion {api_version} is not tidb-operator's {}",
                    ours.api_version()
                ),
            });
            return;
        }
        if matches!(
            ours.group(),
            "monitoring.coreos.com" | "operator.victoriametrics.com"
        ) && ours != Kind::Prometheus
        {
            wrong_api_version = Some((ours, api_version.clone()));
        }
    }
    let Some(known) = exact.or(wrong_api_version.as_ref().map(|(ours, _)| *ours)) else {
        *load.ignored_kinds.entry(kind).or_default() += 1;
        return;
    };
    let name = document
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        snapshot.problems.push(Problem {
            location: location.to_string(),
            message: format!(
                "{}: {}",
                known.kind_name(),
                crate::snapshot::AddError::NoName
            ),
        });
        return;
    }
    let raw = load.keep_raw.contains(&known).then(|| document.clone());
    let namespace = match known.namespaced() {
        true => document
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(default_namespace)
            .to_string(),
        false => String::new(),
    };
    if let Err(e) = snapshot.add(known, document, Some(default_namespace)) {
        let what = if name.is_empty() {
            known.kind_name().to_string()
        } else {
            format!("{} {name}", known.kind_name())
        };
        snapshot.problems.push(Problem {
            location: location.to_string(),
            message: format!("{what}: {e}"),
        });
    } else {
        if let Some((_, api_version)) = wrong_api_version
            && let Some(scraper) = snapshot.scrapers.last_mut()
        {
            scraper.wrong_api_version = Some(api_version);
        }
        if let Some(raw) = raw {
            snapshot.keep_raw(known, raw, Some(default_namespace));
        }
        snapshot
            .origins
            .insert((known, namespace, name), (origin.0.to_string(), origin.1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Snapshot {
        let mut snapshot = Snapshot::default();
        let mut load = FileLoad::default();
        load_text("t.yaml", text, "default", &mut snapshot, &mut load);
        snapshot
    }

    #[test]
    fn keeps_good_documents_around_a_broken_one() {
        let snapshot = load_str(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: a}\nspec: {}\n---\nkind: [unclosed\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbCluster\nmetadata: {name: b, namespace: x}\n",
        );
        assert_eq!(snapshot.monitors.len(), 1);
        assert_eq!(
            snapshot.monitors[0].metadata.namespace.as_deref(),
            Some("default")
        );
        assert_eq!(snapshot.clusters.len(), 1);
        assert_eq!(snapshot.problems.len(), 1);
        assert!(
            snapshot.problems[0].location.starts_with("t.yaml:6"),
            "{:?}",
            snapshot.problems
        );
    }

    #[test]
    fn reports_wrong_field_types_and_missing_names() {
        let snapshot = load_str(
            "apiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata: {name: a}\nspec: {replicas: many}\n---\napiVersion: pingcap.com/v1alpha1\nkind: TidbMonitor\nmetadata:\nname: b\n",
        );
        assert!(snapshot.monitors.is_empty());
        assert_eq!(snapshot.problems.len(), 2, "{:?}", snapshot.problems);
        assert!(snapshot.problems[0].message.starts_with("TidbMonitor a:"));
        assert!(snapshot.problems[1].message.contains("no metadata.name"));
        assert_eq!(snapshot.problems[1].location, "t.yaml:6");
    }

    #[test]
    fn expands_lists_and_reads_json() {
        let snapshot = load_str(
            r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"m-monitor","namespace":"n"}}]}"#,
        );
        assert_eq!(snapshot.statefulsets.len(), 1);
    }
}
