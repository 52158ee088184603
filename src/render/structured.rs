//! `-o json|yaml`: a `List` of view objects, the shape kubectl prints for several objects.

use serde::Serialize;

use crate::core::VIEW_API_VERSION;

#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct List<'a, T> {
    #[schemars(extend("const" = VIEW_API_VERSION))]
    api_version: &'static str,
    kind: &'static str,
    /// With `--context a,b` or `--all-contexts`: each context read, and why not when it could not be.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    contexts: &'a [ContextOutcome],
    items: &'a [T],
}

/// One context of a multi-context run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ContextOutcome {
    pub name: String,
    /// Why it could not be read; absent when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The tidb-operator found there (`check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
}

/// The schema of what `T` serialises to (a field skipped when empty is then not required).
pub fn schema_of<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The JSON Schema of a `-o json` list of `T` views whose `kind` is `list_kind`.
pub fn list_schema<T: schemars::JsonSchema + 'static>(list_kind: &str) -> schemars::Schema {
    let mut schema = schema_of::<List<'static, T>>();
    if let Some(kind) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("kind"))
        .and_then(|k| k.as_object_mut())
    {
        kind.insert("const".into(), list_kind.into());
    }
    schema.insert("title".into(), list_kind.into());
    schema
}

pub fn json<T: Serialize>(list_kind: &'static str, items: &[T]) -> String {
    json_in_contexts(list_kind, &[], items)
}

pub fn json_in_contexts<T: Serialize>(
    list_kind: &'static str,
    contexts: &[ContextOutcome],
    items: &[T],
) -> String {
    let list = List {
        api_version: VIEW_API_VERSION,
        kind: list_kind,
        contexts,
        items,
    };
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

pub fn yaml<T: Serialize>(list_kind: &'static str, items: &[T]) -> String {
    yaml_in_contexts(list_kind, &[], items)
}

pub fn yaml_in_contexts<T: Serialize>(
    list_kind: &'static str,
    contexts: &[ContextOutcome],
    items: &[T],
) -> String {
    let list = List {
        api_version: VIEW_API_VERSION,
        kind: list_kind,
        contexts,
        items,
    };
    serde_saphyr::to_string(&list).unwrap_or_default()
}
