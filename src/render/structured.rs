//! `-o json|yaml`: a `List` of view objects, the shape kubectl prints for several objects.

use serde::Serialize;

use crate::core::VIEW_API_VERSION;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct List<'a, T> {
    api_version: &'static str,
    kind: &'static str,
    items: &'a [T],
}

pub fn json<T: Serialize>(list_kind: &'static str, items: &[T]) -> String {
    let list = List {
        api_version: VIEW_API_VERSION,
        kind: list_kind,
        items,
    };
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

pub fn yaml<T: Serialize>(list_kind: &'static str, items: &[T]) -> String {
    let list = List {
        api_version: VIEW_API_VERSION,
        kind: list_kind,
        items,
    };
    serde_saphyr::to_string(&list).unwrap_or_default()
}
