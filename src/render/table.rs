//! kubectl-style tables: upper-case headers, columns three spaces apart, no borders, `<none>` for empty.

use tabled::builder::Builder;
use tabled::settings::{Padding, Style, object::Columns};

use super::style::{Tone, paint};

/// One cell: text plus an optional tone, painted only when colour is on.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub tone: Option<Tone>,
}

impl Cell {
    pub fn tone(text: impl Into<String>, tone: Option<Tone>) -> Cell {
        Cell {
            text: text.into(),
            tone,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, tone: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            tone: None,
        }
    }
}

pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn render(&self, no_headers: bool, color: bool) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        let mut builder = Builder::default();
        if !no_headers {
            builder.push_record(self.headers.iter().map(|h| h.to_string()));
        }
        for row in &self.rows {
            builder.push_record(row.iter().map(|c| {
                let text = if c.text.is_empty() {
                    "<none>"
                } else {
                    c.text.as_str()
                };
                paint(&super::escape(text), c.tone, color)
            }));
        }
        let mut table = builder.build();
        let last = self.headers.len().saturating_sub(1);
        table.with(Style::empty()).with(Padding::new(0, 3, 0, 0));
        table.modify(Columns::new(last..), Padding::zero());
        let mut out = String::new();
        for line in table.to_string().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `a, b` lists as one cell: kubectl joins with commas.
pub fn join(items: &[String]) -> String {
    items.join(",")
}
