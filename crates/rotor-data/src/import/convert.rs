//! Turning a [`RawTable`] into dataset rows, per a [`FileSpec`].
//!
//! Defects are handled here and reported as [`Warning`]s, never silently:
//! * trailing rows whose date does not parse (vendor footers such as
//!   `数据来源：Wind` / `数据来源于：理杏仁网站`) are skipped — a non-date row *inside* the
//!   data is an error naming file, row and column;
//! * `=`-prefixed numbers are parsed;
//! * descending files are sorted (the store is always sorted by key);
//! * a row dated on a weekend or 1 January whose values repeat the next row's (a fake
//!   holiday row) is dropped;
//! * a repeated (code, date) keeps the first row;
//! * non-positive prices become missing;
//! * jumps of ×100 or more in volume/amount against the previous 20 rows' median (a
//!   change of units) are flagged;
//! * percentiles given in percent (max > 1) are divided by 100.

use super::cells::{clean, parse_date_unbounded, parse_number};
use super::reader::{CellRef, RawRow, RawTable};
use super::spec::{
    aliases_of, norm_header, normalize_code, FileSpec, Layout, Period, Preset, ALIASES,
};
use crate::error::{DataError, Result};
use crate::pit::LagRule;
use crate::schema::{AdjKind, AssetType, ColumnKind, Dataset};
use crate::table::{date_in_range, days_to_date, Column, Table, Text, Value, DATE_RANGE};
use chrono::{Datelike, NaiveDate, Weekday};
use rotor_core::dates::last_day_of_month;
use serde::Serialize;
use std::collections::BTreeMap;

/// What an import warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Trailing rows without a date (vendor footers) skipped.
    Footer,
    /// No code column: the file name is the code.
    CodeFromFilename,
    /// Numbers written as `=123.45` parsed.
    EqPrefix,
    /// Dates in descending order, sorted.
    Descending,
    /// Percentiles given in percent, divided by 100.
    PercentScale,
    /// Repeated keys, the first kept.
    Duplicate,
    /// Weekend / 1 January rows repeating the next trading day dropped.
    HolidayRow,
    /// Non-positive prices set to missing.
    NonPositive,
    /// A persistent shift of a unit-bearing series (a change of units?).
    UnitJump,
    /// Numbers written with a `%` sign, read as percent numbers (`5%` → 5).
    PercentSign,
    /// Infinite or overflowing numbers (`inf`, `1e400`), stored as missing.
    NonFinite,
    /// A numeric column read without a single number in it.
    EmptyColumn,
    /// Two columns with the same header; the first is read.
    DuplicateHeader,
}

impl WarningKind {
    /// The label written in reports (`footer`, `unit_jump`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Footer => "footer",
            WarningKind::CodeFromFilename => "code_from_filename",
            WarningKind::EqPrefix => "eq_prefix",
            WarningKind::Descending => "descending",
            WarningKind::PercentScale => "percent_scale",
            WarningKind::Duplicate => "duplicate",
            WarningKind::HolidayRow => "holiday_row",
            WarningKind::NonPositive => "non_positive",
            WarningKind::UnitJump => "unit_jump",
            WarningKind::PercentSign => "percent_sign",
            WarningKind::NonFinite => "non_finite",
            WarningKind::EmptyColumn => "empty_column",
            WarningKind::DuplicateHeader => "duplicate_header",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data-quality finding of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// File.
    pub file: String,
    /// What it is about.
    pub kind: WarningKind,
    /// 1-based row, when one row is concerned.
    pub row: Option<usize>,
    /// Column, when one column is concerned.
    pub column: Option<String>,
    /// Human-readable text.
    pub message: String,
}

/// One output row of an input row: a series/code label and the cell feeding its value.
type OutUnit = (Option<String>, Option<(usize, f64)>);

/// The one output unit of a long file's row.
const SINGLE_UNIT: [OutUnit; 1] = [(None, None)];

/// How a plain output column is filled: its kind and source cell (`wide_hit`: the
/// value column of a wide file, whose cell depends on the unit).
#[derive(Clone, Copy)]
struct General {
    kind: ColumnKind,
    src: Option<(usize, f64)>,
    wide_hit: bool,
}

/// What feeds one output column, decided once per file.
enum Plan {
    /// A per-file constant text (source, asset type, adjustment).
    Const(Text),
    /// The lag rule (a cell when the file has one, else the file's rule, given).
    LagRule(Text),
    /// The series label of a wide macro file, else a plain column.
    SeriesId(General),
    /// A macro series cell of a wide macro file, else a plain column.
    MacroValue(General),
    /// The security code (cell, wide header or file name).
    Code,
    /// The dataset's primary date (period end for macro).
    PeriodDate,
    /// Release / announcement date: a cell, or the lag rule applied to the period.
    AvailableAt(Option<(usize, f64)>),
    /// Any other column.
    General(General),
}

/// Columns the importer fills itself rather than from headers.
const META: &[&str] = &["source", "asset_type", "adj_kind", "lag_rule"];

/// The dataset column that holds a row's own date.
fn primary_date(ds: Dataset) -> Option<&'static str> {
    match ds {
        Dataset::Macro => Some("period"),
        Dataset::Fundamentals => Some("period_end"),
        Dataset::Consensus => Some("as_of"),
        Dataset::Membership => Some("in_date"),
        Dataset::EtfInfo => None,
        _ => Some("date"),
    }
}

struct Ctx<'a> {
    raw: &'a RawTable,
    spec: &'a FileSpec,
    file: String,
    warnings: Vec<Warning>,
    eq_cells: usize,
    /// Per source column: what its number cells held.
    numbers: Vec<NumberStats>,
}

/// What the cells of one column read as numbers held.
#[derive(Debug, Clone, Copy, Default)]
struct NumberStats {
    /// Cells read as numbers (blank ones included).
    cells: usize,
    /// Finite numbers found.
    finite: usize,
    /// Texts with a `%` sign.
    percent: usize,
    /// Infinite or overflowing numbers (`inf`, `1e400`).
    non_finite: usize,
    /// First row of each of percent / non-finite, for the message.
    first_percent: Option<usize>,
    first_non_finite: Option<usize>,
}

impl Ctx<'_> {
    fn warn(
        &mut self,
        kind: WarningKind,
        row: Option<usize>,
        column: Option<&str>,
        message: String,
    ) {
        self.warnings.push(Warning {
            file: self.file.clone(),
            kind,
            row,
            column: column.map(String::from),
            message,
        });
    }

    fn cell_err(&self, row: &RawRow, j: usize, expected: &str) -> DataError {
        let found = match row.cell(j) {
            CellRef::Text(s) => s.chars().take(40).collect(),
            CellRef::Num(x) => x.to_string(),
            CellRef::Date(d) if d == NaiveDate::MIN || d == NaiveDate::MAX => {
                "a date beyond any calendar".into()
            }
            CellRef::Date(d) => d.to_string(),
            CellRef::Empty => String::new(),
        };
        DataError::Cell {
            file: self.raw.path.clone(),
            cell: self.raw.cell_ref(row.line, j).map(String::into_boxed_str),
            row: row.line,
            column: self
                .raw
                .headers
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("#{}", j + 1)),
            expected: expected.into(),
            found,
        }
    }

    fn number(&mut self, row: &RawRow, j: usize) -> Result<f64> {
        let x = self.parse_number_cell(row, j)?;
        if self.numbers.len() <= j {
            self.numbers.resize(j + 1, NumberStats::default());
        }
        let st = &mut self.numbers[j];
        st.cells += 1;
        st.finite += x.is_finite() as usize;
        Ok(x)
    }

    /// A cell as a number (NaN for blank), counting `%` signs and non-finite values.
    fn parse_number_cell(&mut self, row: &RawRow, j: usize) -> Result<f64> {
        match row.cell(j) {
            CellRef::Empty => Ok(f64::NAN),
            CellRef::Num(x) if x.is_finite() => Ok(x),
            CellRef::Num(_) => {
                self.note_non_finite(row, j);
                Ok(f64::NAN)
            }
            CellRef::Date(_) => Err(self.cell_err(row, j, "a number")),
            CellRef::Text(s) => {
                let (t, eq) = clean(s);
                if eq {
                    self.eq_cells += 1;
                }
                let v = parse_number(s).map_err(|_| {
                    self.cell_err(
                        row,
                        j,
                        "a number (e.g. 3641.54, =5772.65, 1,234.5; blank for missing)",
                    )
                })?;
                if v.is_none() && !super::cells::is_blank(t) {
                    self.note_non_finite(row, j);
                }
                if v.is_some() && t.ends_with('%') {
                    if self.numbers.len() <= j {
                        self.numbers.resize(j + 1, NumberStats::default());
                    }
                    let st = &mut self.numbers[j];
                    st.percent += 1;
                    st.first_percent.get_or_insert(row.line);
                }
                Ok(v.unwrap_or(f64::NAN))
            }
        }
    }

    fn note_non_finite(&mut self, row: &RawRow, j: usize) {
        if self.numbers.len() <= j {
            self.numbers.resize(j + 1, NumberStats::default());
        }
        let st = &mut self.numbers[j];
        st.non_finite += 1;
        st.first_non_finite.get_or_insert(row.line);
    }

    /// Warnings from the number counts: `%` signs, non-finite values, numeric columns
    /// without a number.
    fn warn_number_stats(&mut self, rows: usize) {
        let stats = std::mem::take(&mut self.numbers);
        for (j, st) in stats.iter().enumerate() {
            let col = self
                .raw
                .headers
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("#{}", j + 1));
            if st.percent > 0 {
                self.warn(
                    WarningKind::PercentSign,
                    st.first_percent,
                    Some(&col),
                    format!(
                        "{} cell(s) of `{col}` carry a % sign and were read as percent numbers \
                         (5% → 5); if the column means fractions, scale it (scale.{col} = 0.01)",
                        st.percent
                    ),
                );
            }
            if st.non_finite > 0 {
                self.warn(
                    WarningKind::NonFinite,
                    st.first_non_finite,
                    Some(&col),
                    format!(
                        "{} cell(s) of `{col}` hold infinite or overflowing numbers (inf, \
                         1e400); stored as missing",
                        st.non_finite
                    ),
                );
            }
            if st.cells > 0 && st.finite == 0 && rows > 0 {
                self.warn(
                    WarningKind::EmptyColumn,
                    None,
                    Some(&col),
                    format!(
                        "column `{col}` has no number in any of its {} row(s): every value is \
                         stored as missing",
                        st.cells
                    ),
                );
            }
        }
    }

    /// The date in a cell, within 1900–2200 (see [`crate::table::day_in_range`]).
    fn date(&self, row: &RawRow, j: usize) -> Option<NaiveDate> {
        self.date_unbounded(row, j).filter(|d| date_in_range(*d))
    }

    /// The date in a cell, whatever its year (to tell "out of range" from "not a date").
    fn date_unbounded(&self, row: &RawRow, j: usize) -> Option<NaiveDate> {
        match row.cell(j) {
            CellRef::Date(d) => Some(d),
            CellRef::Text(s) => parse_date_unbounded(s, self.spec.date_format.as_deref()),
            CellRef::Num(x) => {
                let s = format!("{x:.0}");
                if (x - x.round()).abs() < 1e-9 && s.len() == 8 {
                    parse_date_unbounded(&s, None)
                } else {
                    None
                }
            }
            CellRef::Empty => None,
        }
    }

    /// The error for a cell that should hold a date: out of range when it holds one
    /// outside 1900–2200, else "expected `what`".
    fn date_err(&self, row: &RawRow, j: usize, what: &str) -> DataError {
        match self.date_unbounded(row, j) {
            Some(d) if !date_in_range(d) => self.cell_err(row, j, &format!("a date {DATE_RANGE}")),
            _ => self.cell_err(row, j, what),
        }
    }

    fn text(&self, row: &RawRow, j: usize) -> Option<String> {
        match row.cell(j) {
            CellRef::Empty => None,
            CellRef::Text(s) => Some(clean(s).0.to_string()).filter(|t| !t.is_empty()),
            CellRef::Num(x) => Some(if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                x.to_string()
            }),
            CellRef::Date(d) => Some(d.to_string()),
        }
    }
}

/// Find the header index for dataset column `field`: explicit mapping first, then the
/// aliases in priority order. Returns the index and the unit multiplier of the alias.
fn find_column(raw: &RawTable, spec: &FileSpec, field: &str) -> Result<Option<(usize, f64)>> {
    let normed: Vec<String> = raw.headers.iter().map(|h| norm_header(h)).collect();
    let ignored: Vec<String> = spec.ignore.iter().map(|h| norm_header(h)).collect();
    if let Some(h) = spec.columns.get(field) {
        let want = norm_header(h);
        return match normed.iter().position(|n| *n == want) {
            Some(j) => Ok(Some((j, 1.0))),
            None => Err(DataError::Layout {
                file: raw.path.clone(),
                message: format!(
                    "mapping says column `{field}` is header `{h}`, but the file has no such header (headers: {})",
                    raw.headers.join(", ")
                ),
            }),
        };
    }
    for (f, alias, scale) in ALIASES {
        if *f != field {
            continue;
        }
        let a = norm_header(alias);
        if let Some(j) = normed.iter().position(|n| *n == a && !ignored.contains(n)) {
            return Ok(Some((j, *scale)));
        }
    }
    Ok(None)
}

fn preset_scale(
    spec: &FileSpec,
    raw: &RawTable,
    field: &str,
    header: &str,
    asset: AssetType,
) -> f64 {
    let h = norm_header(header);
    let has_vol = raw.headers.iter().any(|x| norm_header(x) == "vol");
    match (spec.preset, field) {
        (Preset::Tushare, "volume") if h == "vol" => 100.0,
        (Preset::Tushare, "amount") if has_vol && h == "amount" => 1000.0,
        (Preset::Akshare, "volume") if asset != AssetType::Index => 100.0,
        _ => 1.0,
    }
}

/// What a file's headers decide once, before its rows are converted.
struct Decisions {
    /// Name of the dataset's own date column.
    pd: Option<&'static str>,
    /// Header index of the row date.
    date_j: Option<usize>,
    /// Header index of the code.
    code_j: Option<usize>,
    /// The code of every row when the file has no code column.
    fixed_code: Option<Text>,
    /// Macro in column-per-series form: (header index, series id).
    macro_series: Vec<(usize, String)>,
    /// Wide files: the header indices that are codes.
    wide_codes: Vec<usize>,
    /// Wide files: the field the cells fill, and its column.
    wide_field: String,
    wide_col: Option<usize>,
    /// Macro periodicity and the publication-lag rule.
    period: Period,
    lag: LagRule,
    /// A `lag_rule` header, when the file has one.
    rule_j: Option<usize>,
    /// What feeds each output column.
    plans: Vec<Plan>,
    asset: AssetType,
}

/// Convert a raw file into rows of the spec's dataset: the file's layout is decided
/// once ([`decide`]), every row is converted ([`convert_rows`]), then the table is
/// checked ([`check_single_code`]) and cleaned ([`clean_table`]).
pub fn convert(raw: &RawTable, spec: &FileSpec) -> Result<(Table, Vec<Warning>)> {
    let mut cx = Ctx {
        raw,
        spec,
        file: raw.path.display().to_string(),
        warnings: Vec::new(),
        eq_cells: 0,
        numbers: Vec::new(),
    };
    warn_duplicate_headers(&mut cx);
    let date_j = date_column(&cx)?;
    let n_rows = drop_footers(&mut cx, date_j)?;
    let rows = &raw.rows[..n_rows];
    let dec = decide(&mut cx, rows, date_j)?;
    let (out, order) = convert_rows(&mut cx, &dec, rows)?;
    cx.warn_number_stats(rows.len());
    if cx.eq_cells > 0 {
        let n = cx.eq_cells;
        cx.warn(
            WarningKind::EqPrefix,
            None,
            None,
            format!("{n} numbers written as `=123.45` (spreadsheet formula style) were parsed"),
        );
    }
    if order.0 > order.1 {
        cx.warn(
            WarningKind::Descending,
            None,
            None,
            "dates are in descending order; sorted ascending".into(),
        );
    }
    check_single_code(&cx, &dec, &out)?;
    let mut warnings = std::mem::take(&mut cx.warnings);
    let table = clean_table(out, &cx.file, &mut warnings);
    Ok((table, warnings))
}

/// Headers that appear twice (after trimming and case folding): the first is read.
fn warn_duplicate_headers(cx: &mut Ctx<'_>) {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let mut dups = Vec::new();
    for (j, h) in cx.raw.headers.iter().enumerate() {
        let key = norm_header(h);
        if key.is_empty() {
            continue;
        }
        match seen.get(&key) {
            Some(&first) => dups.push((h.clone(), first, j)),
            None => {
                seen.insert(key, j);
            }
        }
    }
    for (h, first, j) in dups {
        cx.warn(
            WarningKind::DuplicateHeader,
            None,
            Some(&h),
            format!(
                "header `{h}` appears in columns {} and {}; only the first is read",
                first + 1,
                j + 1
            ),
        );
    }
}

fn layout_err(raw: &RawTable, m: String) -> DataError {
    DataError::Layout {
        file: raw.path.clone(),
        message: m,
    }
}

/// The header of the row date (by mapping, alias, or pandas' blank index header).
fn date_column(cx: &Ctx<'_>) -> Result<Option<usize>> {
    let (raw, spec) = (cx.raw, cx.spec);
    let Some(pd_name) = primary_date(spec.dataset) else {
        return Ok(None);
    };
    let by_name = match find_column(raw, spec, pd_name)? {
        Some(x) => Some(x.0),
        None => find_column(raw, spec, "date")?.map(|x| x.0),
    };
    match by_name {
        Some(j) => Ok(Some(j)),
        // pandas writes its index with a blank header
        None if raw.headers.first().is_some_and(|h| h.trim().is_empty())
            && raw.rows.first().is_some_and(|r| cx.date(r, 0).is_some()) =>
        {
            Ok(Some(0))
        }
        None => Err(layout_err(
            raw,
            format!(
                "no date column for `{pd_name}` (expected a header such as {}; headers: {})",
                aliases_of("date").join(", "),
                raw.headers.join(", ")
            ),
        )),
    }
}

/// Skip trailing rows whose date does not parse (vendor footers); the rows kept.
fn drop_footers(cx: &mut Ctx<'_>, date_j: Option<usize>) -> Result<usize> {
    let raw = cx.raw;
    let mut n = raw.rows.len();
    let Some(j) = date_j else { return Ok(n) };
    // a footer holds no date at all; a date outside 1900–2200 is data, refused later
    while n > 0 && cx.date_unbounded(&raw.rows[n - 1], j).is_none() {
        let r = &raw.rows[n - 1];
        cx.warn(
            WarningKind::Footer,
            Some(r.line),
            None,
            format!("skipped footer row: `{}`", r.describe()),
        );
        n -= 1;
    }
    if n == 0 {
        return Err(no_valid_dates(cx, j));
    }
    Ok(n)
}

/// The error for a file none of whose rows has a date the importer reads: names the
/// column, shows the first values found and suggests `date_format` for the form seen.
fn no_valid_dates(cx: &Ctx<'_>, j: usize) -> DataError {
    let raw = cx.raw;
    let col = raw
        .headers
        .get(j)
        .cloned()
        .unwrap_or_else(|| format!("#{}", j + 1));
    let found: Vec<String> = raw
        .rows
        .iter()
        .filter_map(|r| match r.cell(j) {
            CellRef::Text(s) => Some(s.chars().take(30).collect::<String>()),
            CellRef::Num(x) => Some(x.to_string()),
            CellRef::Date(d) => Some(d.to_string()),
            CellRef::Empty => None,
        })
        .take(3)
        .collect();
    let hint = date_format_hint(&found);
    layout_err(
        raw,
        format!(
            "no row has a date rotor reads in column `{col}` (found {}); expected dates such \
             as 2024-01-31, 2024/1/31 or 20240131 {DATE_RANGE}{hint}",
            if found.is_empty() {
                "only empty cells".to_string()
            } else {
                found
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
    )
}

/// A `date_format` suggestion for values of a recognisable other form.
fn date_format_hint(found: &[String]) -> String {
    let Some(v) = found.first().map(|s| s.trim()) else {
        return String::new();
    };
    let fmt = if v.contains('年') {
        Some("%Y年%m月%d日")
    } else if v.split('/').count() == 3 && v.split('/').next_back().is_some_and(|y| y.len() == 4) {
        Some("%d/%m/%Y (or %m/%d/%Y)")
    } else if v.split('.').count() == 3 && v.split('.').next_back().is_some_and(|y| y.len() == 4) {
        Some("%d.%m.%Y")
    } else if v
        .parse::<f64>()
        .is_ok_and(|x| (1.0..2_958_466.0).contains(&x))
    {
        return "; numbers like these may be Excel serial days: save the column as dates in \
                Excel, or convert them before import"
            .into();
    } else {
        None
    };
    fmt.map(|f| format!("; set `date_format = \"{f}\"` in the mapping"))
        .unwrap_or_default()
}

/// Decide the layout of a file: code, series, fields, periodicity, lag, plans.
fn decide(cx: &mut Ctx<'_>, rows: &[RawRow], date_j: Option<usize>) -> Result<Decisions> {
    let (raw, spec) = (cx.raw, cx.spec);
    let ds = spec.dataset;
    let asset = spec.asset_type.unwrap_or(AssetType::Index);
    let stem = raw
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let (code_j, fixed_code) = code_source(cx, asset, &stem)?;
    let mut macro_series = macro_series_columns(raw, spec, rows, date_j, &stem)?;
    let pd = primary_date(ds);
    let fields = field_columns(raw, spec, pd, asset, &mut macro_series)?;
    let (period, lag) = period_and_lag(cx, rows, date_j);
    let wide_codes: Vec<usize> = if spec.layout == Layout::Wide && ds != Dataset::Macro {
        (0..raw.headers.len())
            .filter(|&j| Some(j) != date_j && !raw.headers[j].trim().is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let wide_field = spec.wide_value.clone().unwrap_or_else(|| "close".into());
    if !wide_codes.is_empty() && ds.column_index(&wide_field).is_none() {
        return Err(layout_err(
            raw,
            format!("wide_value `{wide_field}` is not a column of dataset {ds}"),
        ));
    }
    let lag_t: Text = Text::from(
        if fields.contains_key("available_at") {
            LagRule::Reported
        } else {
            lag
        }
        .as_str(),
    );
    let plans = plans(spec, &fields, &wide_codes, &wide_field, pd, asset, lag_t);
    Ok(Decisions {
        pd,
        date_j,
        code_j,
        fixed_code: fixed_code
            .or_else(|| Some(stem.clone()))
            .map(|c| Text::from(normalize_code(&c, Some(asset)))),
        macro_series,
        wide_col: ds.column_index(&wide_field),
        wide_codes,
        wide_field,
        period,
        lag,
        rule_j: raw
            .headers
            .iter()
            .position(|h| norm_header(h) == "lag_rule"),
        plans,
        asset,
    })
}

/// Where codes come from: a column, the mapping's fixed code, or the file name (noted).
fn code_source(
    cx: &mut Ctx<'_>,
    asset: AssetType,
    stem: &str,
) -> Result<(Option<usize>, Option<String>)> {
    let (raw, spec) = (cx.raw, cx.spec);
    let ds = spec.dataset;
    let has_code = ds.column_index("code").is_some();
    let code_j = if has_code && spec.code.is_none() && !spec.code_from_filename {
        find_column(raw, spec, "code")?.map(|x| x.0)
    } else {
        None
    };
    let long = spec.layout == Layout::Long;
    let fixed = spec
        .code
        .clone()
        .or_else(|| (has_code && code_j.is_none() && long).then(|| stem.to_string()));
    if code_j.is_none() && spec.code.is_none() && !spec.code_from_filename && has_code && long {
        cx.warn(
            WarningKind::CodeFromFilename,
            None,
            None,
            format!(
                "no code column; using the file name: {}",
                normalize_code(stem, Some(asset))
            ),
        );
    }
    Ok((code_j, fixed))
}

/// A macro file in column-per-series form: its series columns (unless it has a long
/// `series_id` column).
fn macro_series_columns(
    raw: &RawTable,
    spec: &FileSpec,
    rows: &[RawRow],
    date_j: Option<usize>,
    stem: &str,
) -> Result<Vec<(usize, String)>> {
    if spec.dataset != Dataset::Macro || find_column(raw, spec, "series_id")?.is_some() {
        return Ok(Vec::new());
    }
    let prefix = spec.series_prefix.clone().unwrap_or_default();
    if spec.series.is_empty() {
        let ignored: Vec<String> = spec.ignore.iter().map(|h| norm_header(h)).collect();
        let numeric = |j: usize| {
            rows.iter().any(|r| {
                matches!(r.cell(j), CellRef::Num(_))
                    || matches!(r.cell(j), CellRef::Text(s) if parse_number(s).ok().flatten().is_some())
            })
        };
        return Ok((0..raw.headers.len())
            .filter(|&j| Some(j) != date_j && !ignored.contains(&norm_header(&raw.headers[j])))
            .filter(|&j| numeric(j))
            .map(|j| (j, format!("{prefix}{}", raw.headers[j].trim())))
            .collect());
    }
    let mut v = Vec::new();
    for (h, id) in &spec.series {
        let want = norm_header(h);
        let j = raw
            .headers
            .iter()
            .position(|x| norm_header(x) == want)
            .ok_or_else(|| {
                layout_err(
                    raw,
                    format!(
                        "mapping names series column `{h}`, not in headers: {}",
                        raw.headers.join(", ")
                    ),
                )
            })?;
        v.push((j, id.replace("{stem}", &stem.to_ascii_lowercase())));
    }
    Ok(v)
}

/// Field → (header index, unit multiplier), checking required fields.
fn field_columns(
    raw: &RawTable,
    spec: &FileSpec,
    pd: Option<&str>,
    asset: AssetType,
    macro_series: &mut Vec<(usize, String)>,
) -> Result<BTreeMap<&'static str, (usize, f64)>> {
    let mut fields: BTreeMap<&'static str, (usize, f64)> = BTreeMap::new();
    // macro in column-per-series form: a release-date column gives `available_at`
    if !macro_series.is_empty() {
        if let Some((j, _)) = find_column(raw, spec, "available_at")? {
            macro_series.retain(|(k, _)| *k != j);
            fields.insert("available_at", (j, 1.0));
        }
    }
    if spec.layout != Layout::Long || !macro_series.is_empty() {
        return Ok(fields);
    }
    for c in spec.dataset.columns() {
        if META.contains(&c.name) || Some(c.name) == pd || c.name == "code" {
            continue;
        }
        if let Some((j, s)) = find_column(raw, spec, c.name)? {
            let mult = s
                * preset_scale(spec, raw, c.name, &raw.headers[j], asset)
                * spec.scale.get(c.name).copied().unwrap_or(1.0);
            fields.insert(c.name, (j, mult));
        } else if c.required && c.name != "available_at" {
            return Err(layout_err(
                raw,
                format!(
                    "no column for required field `{}` ({}) — expected a header such as {}, or map it with `columns = {{ {} = \"<header>\" }}` (headers: {})",
                    c.name,
                    c.doc,
                    aliases_of(c.name).join(", "),
                    c.name,
                    raw.headers.join(", ")
                ),
            ));
        }
    }
    Ok(fields)
}

/// Macro periodicity (monthly when every date is the 1st) and the publication-lag rule.
fn period_and_lag(cx: &Ctx<'_>, rows: &[RawRow], date_j: Option<usize>) -> (Period, LagRule) {
    let ds = cx.spec.dataset;
    let period = cx.spec.period.unwrap_or_else(|| {
        if ds != Dataset::Macro {
            return Period::Day;
        }
        let j = date_j.unwrap_or(0);
        let dates: Vec<NaiveDate> = rows.iter().filter_map(|r| cx.date(r, j)).collect();
        if !dates.is_empty() && dates.iter().all(|d| d.day() == 1) {
            Period::Month
        } else {
            Period::Day
        }
    });
    let lag = cx.spec.lag.unwrap_or(match (ds, period) {
        (Dataset::Macro, Period::Day) => LagRule::SameDay,
        (Dataset::Macro, _) => LagRule::NextMonthEnd,
        (Dataset::Fundamentals, _) => LagRule::StatutoryDeadline,
        (Dataset::EtfSize, _) => LagRule::NextDay,
        _ => LagRule::SameDay,
    });
    (period, lag)
}

/// What feeds each output column, decided once per file (the row loop then matches an
/// enum instead of comparing column names and looking up fields per cell).
fn plans(
    spec: &FileSpec,
    fields: &BTreeMap<&'static str, (usize, f64)>,
    wide_codes: &[usize],
    wide_field: &str,
    pd: Option<&str>,
    asset: AssetType,
    lag_t: Text,
) -> Vec<Plan> {
    let ds = spec.dataset;
    // per-file constant text cells, shared by every row (no per-row allocation)
    let source_t: Text = Text::from(spec.source_label().as_str());
    let asset_t: Text = Text::from(asset.as_str());
    let adj_t: Text = Text::from(spec.adjust.unwrap_or(AdjKind::None).as_str());
    ds.columns()
        .iter()
        .map(|c| {
            let general = General {
                kind: c.kind,
                src: fields.get(c.name).copied(),
                wide_hit: !wide_codes.is_empty() && c.name == wide_field,
            };
            match c.name {
                "source" => Plan::Const(source_t.clone()),
                "asset_type" => Plan::Const(asset_t.clone()),
                "adj_kind" => Plan::Const(adj_t.clone()),
                "lag_rule" => Plan::LagRule(lag_t.clone()),
                "series_id" => Plan::SeriesId(general),
                "value" if ds == Dataset::Macro => Plan::MacroValue(general),
                "code" => Plan::Code,
                n if Some(n) == pd => Plan::PeriodDate,
                "available_at" => Plan::AvailableAt(fields.get("available_at").copied()),
                _ => Plan::General(general),
            }
        })
        .collect()
}

/// The row date of a row (an error naming the cell when it does not parse).
fn row_date(cx: &Ctx<'_>, row: &RawRow, date_j: Option<usize>) -> Result<Option<NaiveDate>> {
    let Some(j) = date_j else { return Ok(None) };
    match cx.date(row, j) {
        Some(d) => Ok(Some(d)),
        None => Err(cx.date_err(
            row,
            j,
            "a date such as 2024-01-31, 2024/1/31 or 20240131 (other forms: set `date_format`)",
        )),
    }
}

/// The output units of a row: one per series (macro), per code (wide) or the row.
fn units(dec: &Decisions, spec: &FileSpec, raw: &RawTable) -> Vec<OutUnit> {
    if !dec.macro_series.is_empty() {
        let m = spec.scale.get("value").copied().unwrap_or(1.0);
        dec.macro_series
            .iter()
            .map(|(j, id)| (Some(id.clone()), Some((*j, m))))
            .collect()
    } else if !dec.wide_codes.is_empty() {
        let m = spec
            .scale
            .get(dec.wide_field.as_str())
            .copied()
            .unwrap_or(1.0);
        dec.wide_codes
            .iter()
            .map(|&j| (Some(raw.headers[j].clone()), Some((j, m))))
            .collect()
    } else {
        SINGLE_UNIT.to_vec()
    }
}

/// Convert every row; returns the table and (descending, ascending) date steps.
fn convert_rows(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    rows: &[RawRow],
) -> Result<(Table, (usize, usize))> {
    let ds = cx.spec.dataset;
    let mut out = Table::new(ds);
    out.reserve(rows.len());
    let units = units(dec, cx.spec, cx.raw);
    let mut vals: Vec<Value> = Vec::with_capacity(dec.plans.len());
    let mut code_cells: std::collections::HashMap<String, Text> = Default::default();
    let (mut desc, mut asc) = (0usize, 0usize);
    let mut prev: Option<NaiveDate> = None;
    for row in rows {
        let d = row_date(cx, row, dec.date_j)?;
        if let (Some(d), Some(p)) = (d, prev) {
            desc += (d < p) as usize;
            asc += (d > p) as usize;
        }
        prev = d.or(prev);
        let pdate = d.map(|d| match (ds, dec.period) {
            (Dataset::Macro, Period::Month | Period::Quarter) => {
                last_day_of_month(d.year(), d.month())
            }
            _ => d,
        });
        for unit in &units {
            vals.clear();
            let mut skip = false;
            for plan in &dec.plans {
                let v = cell_value(cx, dec, plan, row, unit, pdate, &mut code_cells, &mut skip)?;
                vals.push(v);
            }
            // wide: a blank cell is no observation
            if !dec.wide_codes.is_empty() {
                if let Some(Value::F64(x)) = dec.wide_col.map(|i| &vals[i]) {
                    skip |= x.is_nan();
                }
            }
            if !skip {
                out.push_row_drain(&mut vals);
            }
        }
    }
    Ok((out, (desc, asc)))
}

/// The value of one output column for one unit of a row.
#[allow(clippy::too_many_arguments)]
fn cell_value(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    plan: &Plan,
    row: &RawRow,
    (label, cellsrc): &OutUnit,
    pdate: Option<NaiveDate>,
    code_cells: &mut std::collections::HashMap<String, Text>,
    skip: &mut bool,
) -> Result<Value> {
    let cellsrc = *cellsrc;
    Ok(match plan {
        Plan::Const(t) => Value::Str(Some(t.clone())),
        Plan::LagRule(default) => match dec.rule_j.and_then(|j| cx.text(row, j)) {
            Some(r) => Value::Str(Some(r.into())),
            None => Value::Str(Some(default.clone())),
        },
        Plan::SeriesId(_) if label.is_some() => Value::Str(label.as_deref().map(Text::from)),
        Plan::MacroValue(_) if label.is_some() => {
            let (j, m) = cellsrc.expect("series cell");
            let x = cx.number(row, j)? * m;
            *skip |= x.is_nan();
            Value::F64(x)
        }
        Plan::Code => code_value(cx, dec, row, label, code_cells)?,
        Plan::PeriodDate => Value::Date(pdate),
        Plan::AvailableAt(Some((j, _))) => match cx.date(row, *j) {
            Some(a) => Value::Date(Some(a)),
            None => return Err(cx.date_err(row, *j, "a release/announcement date")),
        },
        Plan::AvailableAt(None) => match (cx.spec.dataset, pdate) {
            (Dataset::EtfInfo, _) | (_, None) => Value::Date(None),
            (_, Some(p)) => Value::Date(Some(dec.lag.available_at(p))),
        },
        Plan::SeriesId(g) | Plan::MacroValue(g) | Plan::General(g) => {
            let src = if g.wide_hit { cellsrc } else { g.src };
            general_value(cx, row, g.kind, src)?
        }
    })
}

/// A security code: the wide header, the code cell, or the file's fixed code; one
/// shared text per distinct code (a date-major file of 3000 stocks allocates 3000
/// strings, not one per row).
fn code_value(
    cx: &Ctx<'_>,
    dec: &Decisions,
    row: &RawRow,
    label: &Option<String>,
    code_cells: &mut std::collections::HashMap<String, Text>,
) -> Result<Value> {
    let rawc = if let Some(l) = label.as_ref().filter(|_| !dec.wide_codes.is_empty()) {
        Some(l.clone())
    } else if let Some(j) = dec.code_j {
        match cx.text(row, j) {
            Some(t) => Some(t),
            None => return Err(cx.cell_err(row, j, "a security code")),
        }
    } else {
        None
    };
    Ok(match rawc {
        Some(c) => match code_cells.get(&c) {
            Some(t) => Value::Str(Some(t.clone())),
            None => {
                let t = Text::from(normalize_code(&c, Some(dec.asset)));
                code_cells.insert(c, t.clone());
                Value::Str(Some(t))
            }
        },
        None => Value::Str(dec.fixed_code.clone()),
    })
}

/// A plain column's value from its source cell.
fn general_value(
    cx: &mut Ctx<'_>,
    row: &RawRow,
    kind: ColumnKind,
    src: Option<(usize, f64)>,
) -> Result<Value> {
    Ok(match (kind, src) {
        (ColumnKind::F64, Some((j, m))) => Value::F64(cx.number(row, j)? * m),
        (ColumnKind::F64, None) => Value::F64(f64::NAN),
        (ColumnKind::Str, Some((j, _))) => Value::Str(cx.text(row, j).map(Text::from)),
        (ColumnKind::Str, None) => Value::Str(None),
        (ColumnKind::Date, Some((j, _))) => match row.cell(j) {
            CellRef::Empty => Value::Date(None),
            _ => match cx.date(row, j) {
                Some(x) => Value::Date(Some(x)),
                None => return Err(cx.date_err(row, j, "a date")),
            },
        },
        (ColumnKind::Date, None) => Value::Date(None),
    })
}

/// One code for the whole file but many rows per date: the code column was missed.
/// Only for datasets keyed (code, date, source) — consensus (fiscal year) and
/// membership / weights (index code) legitimately repeat a date under one code.
fn check_single_code(cx: &Ctx<'_>, dec: &Decisions, out: &Table) -> Result<()> {
    let (raw, spec) = (cx.raw, cx.spec);
    let ds = spec.dataset;
    let key_names: Vec<&str> = ds
        .key_indices()
        .iter()
        .map(|&i| ds.columns()[i].name)
        .collect();
    let keyed_by_code_date = dec.pd.is_some_and(|p| key_names == ["code", p, "source"]);
    if dec.code_j.is_some() || !dec.wide_codes.is_empty() || !keyed_by_code_date {
        return Ok(());
    }
    let pi = ds
        .column_index(dec.pd.expect("primary date"))
        .expect("date column");
    let Column::Date(dv) = &out.columns[pi] else {
        return Ok(());
    };
    let mut distinct: Vec<i32> = dv.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if out.len() < 4 || distinct.len() * 2 > out.len() {
        return Ok(());
    }
    let origin = if spec.code.is_some() {
        "--code / `code =`"
    } else {
        "the file name"
    };
    Err(layout_err(
        raw,
        format!(
            "{} rows share only {} distinct dates, but every row gets the single code `{}` (from {origin}), so most would be dropped as duplicates; expected a code column such as {} (or map it with `columns = {{ code = \"<header>\" }}`; headers: {})",
            out.len(),
            distinct.len(),
            dec.fixed_code.as_deref().unwrap_or(""),
            aliases_of("code").join(", "),
            raw.headers.join(", ")
        ),
    ))
}

/// A warning sink for one file's table-level findings.
struct Findings<'a> {
    file: &'a str,
    out: &'a mut Vec<Warning>,
}

impl Findings<'_> {
    fn warn(&mut self, kind: WarningKind, column: Option<&str>, message: String) {
        self.out.push(Warning {
            file: self.file.into(),
            kind,
            row: None,
            column: column.map(String::from),
            message,
        });
    }
}

/// Post-parse defect handling on a converted table (see the module docs): sorted by
/// key, percentiles in percent rescaled, repeated keys and fake holiday rows dropped,
/// non-positive prices made missing, unit changes flagged.
fn clean_table(table: Table, file: &str, warnings: &mut Vec<Warning>) -> Table {
    let ds = table.dataset;
    let mut f = Findings {
        file,
        out: warnings,
    };
    let mut t = table.sorted();
    rescale_percentiles(&mut t, &mut f);
    if !matches!(ds, Dataset::Prices | Dataset::Valuation | Dataset::Flows) {
        return drop_repeated_keys(t, &mut f);
    }
    let mut t = drop_repeats_and_holiday_rows(t, &mut f);
    if ds == Dataset::Prices {
        blank_non_positive_prices(&mut t, &mut f);
        flag_unit_jumps(&t, &mut f);
    }
    t
}

/// Percentiles given in percent (max > 1) are divided by 100.
fn rescale_percentiles(t: &mut Table, f: &mut Findings<'_>) {
    for name in ["pe_pct", "pb_pct"] {
        let Some(i) = t.dataset.column_index(name) else {
            continue;
        };
        let Column::F64(v) = &mut t.columns[i] else {
            continue;
        };
        let mx = v
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .fold(f64::NEG_INFINITY, f64::max);
        if mx > 1.0 {
            v.iter_mut().for_each(|x| *x /= 100.0);
            f.warn(
                WarningKind::PercentScale,
                Some(name),
                format!("{name} given in percent (max {mx:.2}); divided by 100"),
            );
        }
    }
}

/// Repeated keys of a non-daily dataset: the first row is kept.
fn drop_repeated_keys(t: Table, f: &mut Findings<'_>) -> Table {
    let dups = t.duplicate_keys();
    if dups.is_empty() {
        return t;
    }
    f.warn(
        WarningKind::Duplicate,
        None,
        format!(
            "{} repeated key(s), first kept; first: {}",
            dups.len(),
            t.key_string(dups[0].1)
        ),
    );
    let drop: std::collections::HashSet<usize> = dups.iter().map(|d| d.1).collect();
    t.filter(|i| !drop.contains(&i))
}

/// Daily datasets: a repeated (code, date) keeps its first row; a row dated on a
/// weekend or 1 January whose values repeat the next trading day's is dropped.
fn drop_repeats_and_holiday_rows(t: Table, f: &mut Findings<'_>) -> Table {
    let codes = t.str_col("code").to_vec();
    let dates = t.date_col("date").to_vec();
    let num_cols: Vec<usize> = t
        .dataset
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::F64)
        .map(|(i, _)| i)
        .collect();
    let same_values = |a: usize, b: usize| {
        num_cols.iter().all(|&c| match &t.columns[c] {
            Column::F64(v) => (v[a].is_nan() && v[b].is_nan()) || v[a] == v[b],
            _ => true,
        })
    };
    let mut drop = vec![false; t.len()];
    let (mut n_holiday, mut n_dup) = (0, 0);
    let mut first_holiday = None;
    for i in 0..t.len() {
        if !(i + 1 < t.len() && same_code(&codes[i + 1], &codes[i])) {
            continue;
        }
        if dates[i] == dates[i + 1] {
            drop[i + 1] = true;
            n_dup += 1;
            continue;
        }
        let d = days_to_date(dates[i].expect("date"));
        let holiday =
            matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || (d.month() == 1 && d.day() == 1);
        // the next kept row of the same code
        let mut k = i + 1;
        while k < t.len() && codes[k] == codes[i] && dates[k] == dates[i] {
            k += 1;
        }
        if holiday && k < t.len() && codes[k] == codes[i] && same_values(i, k) {
            drop[i] = true;
            n_holiday += 1;
            first_holiday.get_or_insert(format!("{} {}", codes[i].clone().unwrap_or_default(), d));
        }
    }
    if n_dup > 0 {
        f.warn(
            WarningKind::Duplicate,
            None,
            format!("{n_dup} repeated (code, date) row(s); the first was kept"),
        );
    }
    if n_holiday > 0 {
        f.warn(
            WarningKind::HolidayRow,
            None,
            format!(
                "dropped {n_holiday} row(s) dated on a weekend/1 January that repeat the next trading day's values (first: {})",
                first_holiday.unwrap_or_default()
            ),
        );
    }
    if drop.iter().any(|&d| d) {
        t.filter(|i| !drop[i])
    } else {
        t
    }
}

/// Non-positive open / high / low / close become missing.
fn blank_non_positive_prices(t: &mut Table, f: &mut Findings<'_>) {
    for name in ["open", "high", "low", "close"] {
        let i = Dataset::Prices.column_index(name).expect("price column");
        let Column::F64(v) = &mut t.columns[i] else {
            continue;
        };
        let bad = v.iter().filter(|x| **x <= 0.0).count();
        if bad > 0 {
            v.iter_mut()
                .filter(|x| **x <= 0.0)
                .for_each(|x| *x = f64::NAN);
            f.warn(
                WarningKind::NonPositive,
                Some(name),
                format!("{bad} non-positive {name} value(s) set to missing"),
            );
        }
    }
}

/// Persistent shifts of a unit-bearing series (see [`unit_series`]).
fn flag_unit_jumps(t: &Table, f: &mut Findings<'_>) {
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    for (name, v, factor) in unit_series(t) {
        for (code, at, ratio) in unit_jumps(codes, &v, factor) {
            let d = dates[at]
                .map(days_to_date)
                .map(|d| d.to_string())
                .unwrap_or_default();
            f.warn(
                WarningKind::UnitJump,
                Some(name),
                format!("{code}: {name} shifts by ×{ratio:.3e} from {d} on (a change of units?)"),
            );
        }
    }
}

/// The series checked for unit changes, with their thresholds: the implied price
/// `amount / (volume · close)` (flat through real volume spikes; a unit change in one
/// column shifts it by a power of ten) at ×10, and the levels of `volume` and `amount`
/// at ×1000.
pub fn unit_series(t: &Table) -> Vec<(&'static str, Vec<f64>, f64)> {
    let (a, v, c) = (t.f64_col("amount"), t.f64_col("volume"), t.f64_col("close"));
    let q: Vec<f64> = (0..t.len()).map(|i| a[i] / (v[i] * c[i])).collect();
    vec![
        ("amount/(volume*close)", q, 10.0),
        ("volume", v.to_vec(), 1000.0),
        ("amount", a.to_vec(), 1000.0),
    ]
}

/// Observations at the start of a series that are not checked for unit shifts: new
/// listings (IPO limit-up runs, new ETFs) ramp their volume up by orders of magnitude.
pub const LISTING_RAMP: usize = 60;

/// Positions where a positive series shifts by `factor` or more (either way): the median
/// of the value and up to 4 following positive values, against the median of the
/// previous 20 positive values of the same code. Requiring the following values to stay
/// at the new level separates a change of units (persistent) from a one-day volume
/// spike (a block trade). The first [`LISTING_RAMP`] observations are skipped. Returns `(code, position, ratio)`; at most one per code.
pub fn unit_jumps(
    codes: &[Option<crate::table::Text>],
    v: &[f64],
    factor: f64,
) -> Vec<(String, usize, f64)> {
    // medians over small fixed windows, on the stack (this runs on every imported row)
    fn median(w: &mut [f64]) -> f64 {
        let m = w.len() / 2;
        *w.select_nth_unstable_by(m, f64::total_cmp).1
    }
    let mut out = Vec::new();
    let mut pos: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < v.len() {
        let mut end = start;
        while end < v.len() && same_code(&codes[end], &codes[start]) {
            end += 1;
        }
        pos.clear();
        pos.extend((start..end).filter(|&i| v[i] > 0.0 && v[i].is_finite()));
        // every ratio of two medians lies within [min/max, max/min] of the run: when the
        // whole run spans less than `factor`, nothing can be flagged
        let (lo, hi) = pos.iter().fold((f64::INFINITY, 0.0f64), |(l, h), &i| {
            (l.min(v[i]), h.max(v[i]))
        });
        if pos.len() <= LISTING_RAMP.max(1) || hi / lo <= factor {
            start = end;
            continue;
        }
        let (mut before, mut after) = ([0.0f64; 20], [0.0f64; 5]);
        for k in LISTING_RAMP.max(1)..pos.len() {
            let b = &pos[k.saturating_sub(20)..k];
            let a = &pos[k..(k + 5).min(pos.len())];
            // cheap bound first: median(after)/median(before) lies within
            // [min(after)/max(before), max(after)/min(before)]
            let (mut bmin, mut bmax, mut amin, mut amax) =
                (f64::INFINITY, 0.0f64, f64::INFINITY, 0.0f64);
            for &q in b {
                bmin = bmin.min(v[q]);
                bmax = bmax.max(v[q]);
            }
            for &q in a {
                amin = amin.min(v[q]);
                amax = amax.max(v[q]);
            }
            if amax / bmin <= factor && amin / bmax >= 1.0 / factor {
                continue;
            }
            for (slot, &q) in before.iter_mut().zip(b) {
                *slot = v[q];
            }
            for (slot, &q) in after.iter_mut().zip(a) {
                *slot = v[q];
            }
            let r = median(&mut after[..a.len()]) / median(&mut before[..b.len()]);
            if !(1.0 / factor..=factor).contains(&r) {
                out.push((
                    codes[start].as_deref().unwrap_or_default().to_string(),
                    pos[k],
                    r,
                ));
                break;
            }
        }
        start = end;
    }
    out
}

/// Equal codes, comparing the shared pointers first (codes of one file are interned).
#[inline]
fn same_code(a: &Option<crate::table::Text>, b: &Option<crate::table::Text>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => std::sync::Arc::ptr_eq(x, y) || x == y,
        (None, None) => true,
        _ => false,
    }
}
