//! Renderers: views in, text out. Tables the kubectl way, JSON/YAML of the documented view objects, names.

pub mod age;
pub mod structured;
pub mod style;
pub mod table;

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

impl FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "" | "table" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "json" => OutputFormat::Json,
            "yaml" => OutputFormat::Yaml,
            "name" => OutputFormat::Name,
            other => {
                return Err(format!(
                    "unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,table,wide,yaml"
                ));
            }
        })
    }
}
