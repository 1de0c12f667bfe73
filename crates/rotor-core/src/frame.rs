//! A small typed column table: what a run writes as its tables (CSV, JSON) and what
//! reports and the Python API read back. One writer serves every table, so every CSV
//! of rotor follows the same rules:
//!
//! * numbers in Rust's shortest round-trip decimal form (`0.1`, `0.000000001`), NaN / ±inf empty;
//! * dates `YYYY-MM-DD`, missing dates empty;
//! * text quoted only when it holds a comma, a quote or a line break (RFC 4180).
//!
//! ```
//! use rotor_core::frame::{Column, Frame};
//! let f = Frame::new("demo")
//!     .with("asset", Column::Text(vec!["A".into(), "B".into()]))
//!     .with("score", Column::Num(vec![0.5, f64::NAN]));
//! assert_eq!(f.to_csv(), "asset,score\nA,0.5\nB,\n");
//! ```

use chrono::NaiveDate;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::fmt::Write as _;

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Dates (None = missing).
    Date(Vec<Option<NaiveDate>>),
    /// Numbers (NaN = missing).
    Num(Vec<f64>),
    /// Integers.
    Int(Vec<i64>),
    /// Text.
    Text(Vec<String>),
    /// Booleans.
    Bool(Vec<bool>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Date(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Bool(v) => v.len(),
        }
    }

    /// No rows?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Dates from plain dates.
    pub fn dates(v: impl IntoIterator<Item = NaiveDate>) -> Column {
        Column::Date(v.into_iter().map(Some).collect())
    }

    fn cell(&self, i: usize, out: &mut String) {
        match self {
            Column::Date(v) => {
                if let Some(d) = v[i] {
                    let _ = write!(out, "{d}");
                }
            }
            Column::Num(v) => out.push_str(&num(v[i])),
            Column::Int(v) => {
                let _ = write!(out, "{}", v[i]);
            }
            Column::Text(v) => out.push_str(&csv_text(&v[i])),
            Column::Bool(v) => out.push_str(if v[i] { "true" } else { "false" }),
        }
    }
}

/// A number for CSV: shortest round-trip form, empty for NaN / infinite.
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A named table of equal-length columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    /// Name (the file stem when written: `<name>.csv`).
    pub name: String,
    /// Columns in order.
    pub columns: Vec<(String, Column)>,
}

impl Frame {
    /// An empty frame.
    pub fn new(name: impl Into<String>) -> Self {
        Frame {
            name: name.into(),
            columns: Vec::new(),
        }
    }

    /// Add a column. Panics when its length differs from the frame's — a programming
    /// error, never a data error.
    pub fn with(mut self, name: impl Into<String>, col: Column) -> Self {
        self.push(name, col);
        self
    }

    /// Add a column in place (see [`Frame::with`]).
    pub fn push(&mut self, name: impl Into<String>, col: Column) {
        if let Some((first, c)) = self.columns.first() {
            assert_eq!(c.len(), col.len(), "column length differs from `{first}`");
        }
        self.columns.push((name.into(), col));
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// A column by name.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// A numeric column by name.
    pub fn nums(&self, name: &str) -> Option<&[f64]> {
        match self.get(name)? {
            Column::Num(v) => Some(v),
            _ => None,
        }
    }

    /// A text column by name.
    pub fn texts(&self, name: &str) -> Option<&[String]> {
        match self.get(name)? {
            Column::Text(v) => Some(v),
            _ => None,
        }
    }

    /// A date column by name.
    pub fn dates(&self, name: &str) -> Option<&[Option<NaiveDate>]> {
        match self.get(name)? {
            Column::Date(v) => Some(v),
            _ => None,
        }
    }

    /// Column names.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The table as CSV (see the module docs for the rules).
    pub fn to_csv(&self) -> String {
        let mut s = self
            .columns
            .iter()
            .map(|(n, _)| csv_text(n))
            .collect::<Vec<_>>()
            .join(",");
        s.push('\n');
        for i in 0..self.n_rows() {
            for (k, (_, c)) in self.columns.iter().enumerate() {
                if k > 0 {
                    s.push(',');
                }
                c.cell(i, &mut s);
            }
            s.push('\n');
        }
        s
    }
}

/// JSON: an array of records (`[{"asset": "A", "score": 0.5}, …]`), NaN as null.
impl Serialize for Frame {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut seq = ser.serialize_seq(Some(self.n_rows()))?;
        for i in 0..self.n_rows() {
            seq.serialize_element(&Row(self, i))?;
        }
        seq.end()
    }
}

struct Row<'a>(&'a Frame, usize);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.0.columns.len()))?;
        for (n, c) in &self.0.columns {
            let i = self.1;
            match c {
                Column::Date(v) => m.serialize_entry(n, &v[i].map(|d| d.to_string()))?,
                Column::Num(v) => m.serialize_entry(n, &v[i].is_finite().then_some(v[i]))?,
                Column::Int(v) => m.serialize_entry(n, &v[i])?,
                Column::Text(v) => m.serialize_entry(n, &v[i])?,
                Column::Bool(v) => m.serialize_entry(n, &v[i])?,
            }
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it_and_leaves_missing_cells_empty() {
        let d = "2024-01-31".parse::<NaiveDate>().unwrap();
        let f = Frame::new("t")
            .with("date", Column::Date(vec![Some(d), None]))
            .with(
                "note",
                Column::Text(vec!["a, b".into(), "say \"x\"".into()]),
            )
            .with("n", Column::Int(vec![1, -2]))
            .with("x", Column::Num(vec![1e-9, f64::INFINITY]))
            .with("ok", Column::Bool(vec![true, false]));
        assert_eq!(
            f.to_csv(),
            "date,note,n,x,ok\n2024-01-31,\"a, b\",1,0.000000001,true\n,\"say \"\"x\"\"\",-2,,false\n"
        );
        assert_eq!(f.n_rows(), 2);
        assert_eq!(f.nums("x").unwrap()[0], 1e-9);
        assert!(f.nums("note").is_none());
    }

    #[test]
    fn an_empty_frame_writes_its_header_only() {
        let f = Frame::new("t").with("a", Column::Num(vec![]));
        assert_eq!(f.to_csv(), "a\n");
        assert_eq!(Frame::new("t").to_csv(), "\n");
    }

    #[test]
    #[should_panic(expected = "column length differs")]
    fn unequal_columns_are_a_programming_error() {
        let _ = Frame::new("t")
            .with("a", Column::Num(vec![1.0]))
            .with("b", Column::Num(vec![]));
    }
}
