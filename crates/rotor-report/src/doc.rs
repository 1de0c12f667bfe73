//! The report model: one [`Report`] of [`Section`]s of [`Block`]s (charts, tables,
//! key figures, text, preformatted config). Every renderer — HTML, Excel, PNG — walks
//! the same model, so a table shown in the page is the table written to the workbook.

use crate::chart::Chart;
use chrono::NaiveDate;

/// One table cell. Numbers keep their value (the workbook writes real numbers with a
/// number format; the page formats them).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number shown with this many decimals.
    Num(f64, u8),
    /// A fraction shown as a percentage with two decimals (`0.1234` → `12.34%`), the
    /// convention of the source reports.
    Pct(f64),
    /// A percentage with two decimals that is not a gain or loss (volatility,
    /// drawdown depth, weight, turnover, win rate): never coloured by sign.
    PctPlain(f64),
    /// An integer.
    Int(i64),
    /// A date (`YYYY-MM-DD`).
    Date(NaiveDate),
    /// Empty.
    Empty,
}

impl Cell {
    /// Text cell.
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// The numeric value of a number cell (NaN otherwise).
    pub fn value(&self) -> f64 {
        match self {
            Cell::Num(v, _) | Cell::Pct(v) | Cell::PctPlain(v) => *v,
            Cell::Int(i) => *i as f64,
            _ => f64::NAN,
        }
    }

    /// The cell as the page shows it (NaN → empty).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Num(v, d) if v.is_finite() => format!("{:.*}", *d as usize, v),
            Cell::Pct(v) | Cell::PctPlain(v) if v.is_finite() => format!("{:.2}%", 100.0 * v),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            _ => String::new(),
        }
    }
}

/// A table: shown in the page, written as one worksheet of the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Title shown above it.
    pub title: String,
    /// Worksheet name (at most 31 characters; made unique by the writer).
    pub sheet: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Colour the numeric cells by sign and size (red up, green down — the A-share
    /// convention).
    pub heat: bool,
    /// Show at most this many rows in the page (the workbook gets all of them);
    /// `Some(0)` = workbook only (the page says so in one line).
    pub page_rows: Option<usize>,
}

impl Table {
    /// A table with headers and no rows.
    pub fn new(title: impl Into<String>, sheet: impl Into<String>, headers: &[&str]) -> Self {
        Table {
            title: title.into(),
            sheet: sheet.into(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            heat: false,
            page_rows: None,
        }
    }
}

/// One block of a section.
#[derive(Debug, Clone)]
pub enum Block {
    /// A chart (inline SVG in the page, a PNG, a native chart in the workbook for line
    /// charts marked so).
    Chart(Chart),
    /// A table.
    Table(Table),
    /// Headline figures: (label, value, sign for colouring: +1 / −1 / 0).
    Figures(Vec<(String, String, i8)>),
    /// A paragraph of text.
    Text(String),
    /// Preformatted text (the resolved config).
    Pre(String),
}

/// A titled section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

impl Section {
    /// An empty section.
    pub fn new(id: &str, title: impl Into<String>) -> Self {
        Section {
            id: id.into(),
            title: title.into(),
            blocks: Vec::new(),
        }
    }
}

/// A whole report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Page title.
    pub title: String,
    /// Line under the title (window, data, regime).
    pub subtitle: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl Report {
    /// Every chart of the report, in order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
        })
    }

    /// Every table of the report, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
        })
    }
}

/// A typed frame as a report table: dates as dates, numbers with 4 decimals, integers,
/// text; `page_rows` as in [`Table`].
pub fn table_of_frame(
    f: &rotor_core::frame::Frame,
    sheet: &str,
    page_rows: Option<usize>,
) -> Table {
    use rotor_core::frame::Column;
    let names: Vec<&str> = f.names();
    let mut t = Table::new(f.name.clone(), sheet, &names);
    t.page_rows = page_rows;
    for i in 0..f.n_rows() {
        t.rows.push(
            f.columns
                .iter()
                .map(|(_, c)| match c {
                    Column::Date(v) => v[i].map(Cell::Date).unwrap_or(Cell::Empty),
                    Column::Num(v) => Cell::Num(v[i], 4),
                    Column::Int(v) => Cell::Int(v[i]),
                    Column::Text(v) => Cell::text(v[i].clone()),
                    Column::Bool(v) => Cell::text(if v[i] { "是" } else { "" }),
                })
                .collect(),
        );
    }
    t
}
