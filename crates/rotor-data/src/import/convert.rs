//! Turning a [`RawTable`] into dataset rows, per a [`FileSpec`].
//!
//! Defects met while converting are reported as [`Warning`]s, never silently:
//! * trailing rows whose date does not parse (vendor footers such as
//!   `数据来源：Wind` / `数据来源于：理杏仁网站`) are skipped — a non-date row *inside* the
//!   data is an error naming file, row and column;
//! * `=`-prefixed numbers are parsed, `%` signs and infinite values reported;
//! * descending files are noted.
//!
//! The converted table is then cleaned by [`super::clean`].

use super::cells::{clean, parse_date_unbounded, parse_number};
use super::clean::clean_table;
use super::codes::{implied_asset_type, normalize, Aliases, CodeKind};
use super::reader::{CellRef, RawRow, RawTable};
use super::spec::{
    aliases_of, norm_header, norm_header_cow, spellings, FileSpec, Layout, Period, Preset,
};
pub use super::warning::{RowAccount, Warning, WarningKind};
use crate::error::{DataError, Result};
use crate::pit::LagRule;
use crate::schema::{AdjKind, AssetType, ColumnKind, Dataset};
use crate::table::{date_in_range, Column, Table, Text, Value, DATE_RANGE};
use chrono::{Datelike, NaiveDate};
use rotor_core::dates::last_day_of_month;
use std::collections::BTreeMap;

/// Resolved codes of one kind: cell text → (stored code, implied asset type).
type CodeCache = std::collections::HashMap<String, (Text, Option<AssetType>)>;

/// One output row of an input row: a series/code label and the cell feeding its value.
type OutUnit = (Option<String>, Option<(usize, f64)>);

/// The outcome of one cell: the error boxed, so the `Ok` value moved through every
/// cell of a file is a word or three, not the 120 bytes of [`DataError::Cell`].
type CellResult<T> = std::result::Result<T, Box<DataError>>;

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
    /// A text column holding codes of `kind` (an index code, a tracked index).
    CodeText(Option<(usize, f64)>, CodeKind),
    /// A fund's holding: a stock code, or kept as written when no exchange rule places
    /// it (Hong Kong, old third-board codes) — counted and said.
    Holding(Option<(usize, f64)>),
    /// The asset type: the spec's, else implied by the row's code (else index).
    AssetType(Option<Text>),
    /// A constant of the mapping's `set`.
    Fixed(Value),
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
        Dataset::FundHoldings => Some("period_end"),
        Dataset::EtfInfo | Dataset::FundInfo => None,
        _ => Some("date"),
    }
}

struct Ctx<'a> {
    raw: &'a RawTable,
    spec: &'a FileSpec,
    aliases: &'a Aliases,
    /// Codes rewritten to their canonical code: (alias, canonical) → distinct cells.
    rewrites: BTreeMap<(String, String), usize>,
    /// Resolved codes by kind, then cell text.
    codes: Vec<(CodeKind, CodeCache)>,
    /// Code cells written without their leading zeros (`300` → `000300`).
    padded: usize,
    /// Holdings codes no exchange rule places, kept as written: code → rows.
    unplaced: BTreeMap<String, usize>,
    /// The mapping's `date` for a file without dates.
    fixed_date: Option<NaiveDate>,
    /// Codes of the mapping's `exclude`, as written and as stored.
    exclude: std::collections::HashSet<String>,
    /// Rows left out by `exclude`.
    excluded: usize,
    /// Number cells of a spreadsheet's date column read as Excel serial days.
    serial_dates: std::cell::Cell<usize>,
    file: String,
    warnings: Vec<Warning>,
    eq_cells: usize,
    /// Per source column: what its number cells held.
    numbers: Vec<NumberStats>,
    /// The headers and `ignore` list, normalised once.
    names: HeaderNames,
}

/// What the cells of one column held (numbers, texts or dates read from it).
#[derive(Debug, Clone, Copy, Default)]
struct NumberStats {
    /// Cells read (blank ones included).
    cells: usize,
    /// Cells with a value (a finite number, a text, a date).
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

    fn number(&mut self, row: &RawRow, j: usize) -> CellResult<f64> {
        let x = self.parse_number_cell(row, j)?;
        self.note_cell(j, x.is_finite());
        Ok(x)
    }

    /// Count a read cell of column `j` (`value`: it held one).
    fn note_cell(&mut self, j: usize, value: bool) {
        if self.numbers.len() <= j {
            self.numbers.resize(j + 1, NumberStats::default());
        }
        let st = &mut self.numbers[j];
        st.cells += 1;
        st.finite += value as usize;
    }

    /// A cell as a number (NaN for blank), counting `%` signs and non-finite values.
    fn parse_number_cell(&mut self, row: &RawRow, j: usize) -> CellResult<f64> {
        match row.cell(j) {
            CellRef::Empty => Ok(f64::NAN),
            CellRef::Num(x) if x.is_finite() => Ok(x),
            CellRef::Num(_) => {
                self.note_non_finite(row, j);
                Ok(f64::NAN)
            }
            CellRef::Date(_) => Err(self.cell_err(row, j, "a number").into()),
            CellRef::Text(s) => {
                let (t, eq) = clean(s);
                if eq {
                    self.eq_cells += 1;
                }
                let v = parse_number(s).map_err(|_| {
                    Box::new(self.cell_err(
                        row,
                        j,
                        "a number (e.g. 3641.54, =5772.65, 1,234.5; blank for missing)",
                    ))
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

    /// A code as stored: normalised for `kind`, then canonical (alias rewrites counted),
    /// with the asset type it implies; cached per distinct (code, kind).
    fn resolve_code(
        &mut self,
        raw: &str,
        kind: CodeKind,
    ) -> std::result::Result<(Text, Option<AssetType>), super::codes::CodeError> {
        let k = match self.codes.iter().position(|c| c.0 == kind) {
            Some(k) => k,
            None => {
                self.codes.push((kind, CodeCache::default()));
                self.codes.len() - 1
            }
        };
        if let Some(hit) = self.codes[k].1.get(raw) {
            return Ok(hit.clone());
        }
        // integer codes that lost their leading zeros in Excel or pandas; a code that
        // still starts with a zero was written as text on purpose (Hong Kong's `00700`
        // is not Shenzhen's `000700`)
        let padded;
        let raw_code = if !raw.is_empty()
            && raw.len() < 6
            && !raw.starts_with('0')
            && raw.bytes().all(|b| b.is_ascii_digit())
        {
            self.padded += 1;
            padded = format!("{raw:0>6}");
            padded.as_str()
        } else {
            raw
        };
        let n = normalize(raw_code, kind)?;
        let c = self.aliases.canonical(&n).into_owned();
        if c != n {
            *self.rewrites.entry((n.clone(), c.clone())).or_default() += 1;
        }
        let out = (Text::from(c.as_str()), implied_asset_type(&c));
        self.codes[k].1.insert(raw.to_string(), out.clone());
        Ok(out)
    }

    /// A code cell's text, borrowed when it is text; integers (codes read as numbers)
    /// without a fraction.
    fn code_text<'r>(&self, row: &'r RawRow, j: usize) -> Option<std::borrow::Cow<'r, str>> {
        use std::borrow::Cow;
        match row.cell(j) {
            CellRef::Empty => None,
            CellRef::Text(s) => Some(Cow::Borrowed(clean(s).0)).filter(|t| !t.is_empty()),
            CellRef::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                Some(Cow::Owned(format!("{x:.0}")))
            }
            CellRef::Num(x) => Some(Cow::Owned(x.to_string())),
            CellRef::Date(d) => Some(Cow::Owned(d.to_string())),
        }
    }

    /// One warning per alias rewritten to its canonical code, and one for padded codes.
    fn warn_rewrites(&mut self) {
        if self.padded > 0 {
            let n = self.padded;
            self.warn(
                WarningKind::Alias,
                None,
                None,
                format!(
                    "{n} distinct code(s) written without leading zeros (a number column in \
                     Excel or pandas) were padded to six digits (300 → 000300)"
                ),
            );
        }
        if !self.unplaced.is_empty() {
            let rows: usize = self.unplaced.values().sum();
            let some: Vec<&str> = self.unplaced.keys().take(5).map(String::as_str).collect();
            let n = self.unplaced.len();
            self.warn(
                WarningKind::UnplacedCode,
                None,
                None,
                format!(
                    "{rows} holding row(s) name {n} code(s) no exchange rule places as an A-share \
                     stock ({}); kept as written — not A-shares to the analyses",
                    some.join(", ")
                ),
            );
        }
        let rw = std::mem::take(&mut self.rewrites);
        for ((a, c), _) in rw {
            self.warn(
                WarningKind::Alias,
                None,
                None,
                format!("`{a}` is stored as `{c}` (the same instrument's canonical code)"),
            );
        }
    }

    /// Warnings from the number counts: `%` signs, non-finite values, numeric columns
    /// without a number.
    fn warn_number_stats(&mut self) {
        let stats = self.numbers.clone();
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
        }
    }

    /// The date in a cell, within 1900–2200 (see [`crate::table::day_in_range`]).
    fn date(&self, row: &RawRow, j: usize) -> Option<NaiveDate> {
        self.date_unbounded(row, j).filter(|d| date_in_range(*d))
    }

    /// The date in a cell, whatever its year (to tell "out of range" from "not a date").
    fn date_unbounded(&self, row: &RawRow, j: usize) -> Option<NaiveDate> {
        let excel = self.spec.date_format.as_deref() == Some("excel");
        match row.cell(j) {
            CellRef::Date(d) => Some(d),
            CellRef::Text(s) if excel => parse_number(s)
                .ok()
                .flatten()
                .and_then(super::cells::excel_serial_to_date),
            CellRef::Text(s) => parse_date_unbounded(s, self.spec.date_format.as_deref()),
            CellRef::Num(x) => {
                let s = format!("{x:.0}");
                if (x - x.round()).abs() < 1e-9 && s.len() == 8 && !excel {
                    parse_date_unbounded(&s, None)
                } else if excel || self.raw.sheet.is_some() {
                    // a spreadsheet's number in a date column is an Excel serial day
                    self.serial_dates.set(self.serial_dates.get() + 1);
                    super::cells::excel_serial_to_date(x)
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

/// A file's headers normalised once for matching ([`norm_header`]), and the mapping's
/// `ignore` list likewise: every field's look-up reads these.
struct HeaderNames {
    normed: Vec<String>,
    ignored: Vec<String>,
}

impl HeaderNames {
    fn of(raw: &RawTable, spec: &FileSpec) -> Self {
        HeaderNames {
            normed: raw.headers.iter().map(|h| norm_header(h)).collect(),
            ignored: spec.ignore.iter().map(|h| norm_header(h)).collect(),
        }
    }
}

/// Find the header index for dataset column `field`: explicit mapping first, then the
/// aliases in priority order. Returns the index and the unit multiplier of the alias.
fn find_column(
    raw: &RawTable,
    spec: &FileSpec,
    names: &HeaderNames,
    field: &str,
) -> Result<Option<(usize, f64)>> {
    let (normed, ignored) = (&names.normed, &names.ignored);
    if let Some(h) = spec.columns.get(field) {
        let want = norm_header(h);
        return match normed.iter().position(|n| *n == want) {
            Some(j) => readable(raw, field, j).map(|()| Some((j, 1.0))),
            None => Err(DataError::Layout {
                file: raw.path.clone(),
                message: format!(
                    "mapping says column `{field}` is header `{h}`, but the file has no such header (headers: {})",
                    raw.headers.join(", ")
                ),
            }),
        };
    }
    for (alias, scale) in spellings(spec.dataset, field) {
        let a = norm_header_cow(alias);
        if let Some(j) = normed.iter().position(|n| *n == a && !ignored.contains(n)) {
            return readable(raw, field, j).map(|()| Some((j, scale)));
        }
    }
    // bilingual headers (csindex closeweight files: `日期Date`, `成分券代码Constituent
    // Code`, `权重(%)weight`): a Chinese spelling followed by its English translation
    for (alias, scale) in spellings(spec.dataset, field) {
        if alias.is_ascii() {
            continue;
        }
        let a = norm_header_cow(alias);
        let english = |rest: &str| {
            rest.chars().any(|c| c.is_ascii_alphabetic())
                && rest.chars().all(|c| c.is_ascii() && !c.is_ascii_digit())
        };
        if let Some(j) = normed
            .iter()
            .position(|n| !ignored.contains(n) && n.strip_prefix(&*a).is_some_and(english))
        {
            return readable(raw, field, j).map(|()| Some((j, scale)));
        }
    }
    Ok(None)
}

/// A mapped column must be of a type the importer reads.
fn readable(raw: &RawTable, field: &str, j: usize) -> Result<()> {
    match raw.unsupported.iter().find(|u| u.0 == j) {
        None => Ok(()),
        Some((_, ty)) => Err(DataError::Layout {
            file: raw.path.clone(),
            message: format!(
                "column `{}` (for `{field}`) has type {ty}; expected text, a number, a date or \
                 a timestamp — leave it out with `ignore = [\"{}\"]` or map another column",
                raw.headers[j], raw.headers[j]
            ),
        }),
    }
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
        (Preset::Csindex, "amount") if h == "成交金额" => 1e8,
        (Preset::Csindex, "volume") if h == "成交量" => 1e6,
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
    /// The code of every row when the file has no code column, with its implied type.
    fixed_code: Option<(Text, Option<AssetType>)>,
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
    /// What the code column holds.
    code_kind: CodeKind,
}

/// Convert a raw file into rows of the spec's dataset: the file's layout is decided
/// once ([`decide`]), every row is converted ([`convert_rows`]), then the table is
/// checked ([`check_single_code`]) and cleaned ([`clean_table`]).
pub fn convert(raw: &RawTable, spec: &FileSpec) -> Result<Converted> {
    convert_with(raw, spec, &Aliases::default())
}

/// A converted file: its rows, what was found on the way, where every row went.
#[derive(Debug, Clone)]
pub struct Converted {
    /// Rows of the spec's dataset, sorted by key.
    pub table: Table,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Row accounting.
    pub account: RowAccount,
}

impl Converted {
    /// The blocks of one file as one conversion (tables appended and sorted, warnings
    /// and row counts added up).
    pub fn merge(parts: Vec<Converted>, file: &str, dataset: Dataset) -> Converted {
        let mut table = Table::new(dataset);
        let mut warnings = Vec::new();
        let mut account = RowAccount {
            file: file.to_string(),
            dataset,
            rows: 0,
            footer: 0,
            observations: 0,
            dropped: BTreeMap::new(),
            blanked: BTreeMap::new(),
            kept: 0,
        };
        for p in parts {
            table.append(p.table);
            warnings.extend(p.warnings);
            let a = p.account;
            account.rows += a.rows;
            account.footer += a.footer;
            account.observations += a.observations;
            account.kept += a.kept;
            for (k, n) in a.dropped {
                *account.dropped.entry(k).or_default() += n;
            }
            for (k, n) in a.blanked {
                *account.blanked.entry(k).or_default() += n;
            }
        }
        Converted {
            table: table.sorted(),
            warnings,
            account,
        }
    }
}

/// [`convert`] with the store's code aliases (codes are stored canonical).
pub fn convert_with(raw: &RawTable, spec: &FileSpec, aliases: &Aliases) -> Result<Converted> {
    let mut cx = Ctx {
        raw,
        spec,
        aliases,
        rewrites: BTreeMap::new(),
        codes: Vec::new(),
        padded: 0,
        unplaced: BTreeMap::new(),
        fixed_date: fixed_date(raw, spec)?,
        exclude: Default::default(),
        excluded: 0,
        serial_dates: std::cell::Cell::new(0),
        file: raw.path.display().to_string(),
        warnings: Vec::new(),
        eq_cells: 0,
        numbers: Vec::new(),
        names: HeaderNames::of(raw, spec),
    };
    warn_duplicate_headers(&mut cx);
    let date_j = date_column(&cx)?;
    let n_rows = drop_footers(&mut cx, date_j)?;
    let rows = &raw.rows[..n_rows];
    let dec = decide(&mut cx, rows, date_j)?;
    cx.exclude = excluded_codes(&mut cx, &dec);
    let (out, order) = convert_rows(&mut cx, &dec, rows)?;
    cx.warn_number_stats();
    cx.warn_rewrites();
    if cx.serial_dates.get() > 0 && cx.spec.date_format.as_deref() != Some("excel") {
        let n = cx.serial_dates.get();
        cx.warn(
            WarningKind::SerialDates,
            None,
            None,
            format!("{n} date cell(s) hold Excel serial day numbers; read as dates (43647 → 2019-07-01)"),
        );
    }
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
    check_empty_columns(&mut cx)?;
    check_some_value(&cx, &dec, &out)?;
    let excluded = cx.excluded;
    let observations = out.len();
    let mut warnings = std::mem::take(&mut cx.warnings);
    let (mut table, mut dropped, blanked) = clean_table(out, &cx.file, &mut warnings);
    if excluded > 0 {
        dropped.insert(super::warning::EXCLUDED.into(), excluded);
    }
    if spec.dataset == Dataset::Weights {
        check_weight_snapshots(raw, &mut table, &cx.file, &mut warnings)?;
    }
    if spec.dataset == Dataset::FundHoldings {
        super::funds::finish_holdings(&mut table, &cx.file, &mut warnings)
            .map_err(|m| layout_err(raw, m))?;
    }
    if spec.dataset == Dataset::FundInfo {
        super::funds::finish_info(&mut table);
    }
    if spec.dataset == Dataset::Prices {
        let issues = super::levels::file_levels(&table);
        level_issues(raw, spec, &cx.file, &issues, &mut warnings)?;
    }
    let account = RowAccount {
        file: cx.file.clone(),
        dataset: spec.dataset,
        rows: raw.rows.len(),
        footer: raw.rows.len() - n_rows,
        observations,
        dropped,
        blanked,
        kept: table.len(),
    };
    check_losses(raw, spec, &account, &mut warnings)?;
    Ok(Converted {
        table,
        warnings,
        account,
    })
}

/// Weights in percent are divided by 100; a unit neither fraction nor percent is an
/// error; incomplete snapshots are named (see [`super::weights`]).
fn check_weight_snapshots(
    raw: &RawTable,
    t: &mut Table,
    file: &str,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    use super::weights;
    let snaps = weights::snapshots(t);
    let unit = weights::unit(&snaps).map_err(|m| layout_err(raw, m))?;
    let warn = |w: &mut Vec<Warning>, kind, message| {
        w.push(Warning {
            file: file.to_string(),
            kind,
            row: None,
            column: Some("weight".into()),
            message,
        })
    };
    if unit != 1.0 {
        weights::rescale(t, unit);
        warn(
            warnings,
            WarningKind::PercentScale,
            "weights given in percent (snapshots sum to about 100); divided by 100".into(),
        );
    }
    let snaps = weights::snapshots(t);
    let bad = weights::incomplete(&snaps);
    if !bad.is_empty() {
        warn(
            warnings,
            WarningKind::IncompleteSnapshot,
            format!(
                "{} of {} weight snapshot(s) look incomplete (sum outside 100 % ± 5 % or fewer \
                 than 90 % of the usual members): {}",
                bad.len(),
                snaps.len(),
                weights::describe(&bad, 5)
            ),
        );
    }
    Ok(())
}

/// Level findings of a file: an error naming the first (and how many), or warnings
/// when the mapping allows them (`allow_level_mismatch = true`).
pub fn level_issues(
    raw_or_path: &RawTable,
    spec: &FileSpec,
    file: &str,
    issues: &[super::levels::LevelIssue],
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    level_issues_at(&raw_or_path.path, spec, file, issues, warnings)
}

/// [`level_issues`] for a file known by path.
pub fn level_issues_at(
    path: &std::path::Path,
    spec: &FileSpec,
    file: &str,
    issues: &[super::levels::LevelIssue],
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    if issues.is_empty() {
        return Ok(());
    }
    if spec.allow_level_mismatch {
        for i in issues {
            warnings.push(Warning {
                file: file.to_string(),
                kind: WarningKind::LevelMismatch,
                row: None,
                column: Some(i.column.clone()),
                message: i.message.clone(),
            });
        }
        return Ok(());
    }
    let more = if issues.len() > 1 {
        format!(" (and {} more)", issues.len() - 1)
    } else {
        String::new()
    };
    Err(DataError::Layout {
        file: path.to_path_buf(),
        message: format!(
            "{}{more}. Fix the unit with `scale` (docs/mapping.md), or accept it with \
             `allow_level_mismatch = true`",
            issues[0].message
        ),
    })
}

/// The mapping's `exclude` codes, as written and as normalised and stored.
fn excluded_codes(cx: &mut Ctx<'_>, dec: &Decisions) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for c in cx.spec.exclude.clone() {
        if let Ok((n, _)) = cx.resolve_code(&c, dec.code_kind) {
            out.insert(n.to_string());
        }
        out.insert(c);
    }
    out
}

/// Is the row's code one the mapping excludes (checked before it is resolved, so an
/// excluded code need not be a valid one)?
fn is_excluded(cx: &Ctx<'_>, dec: &Decisions, row: &RawRow) -> bool {
    if cx.exclude.is_empty() {
        return false;
    }
    match dec.code_j.and_then(|j| cx.code_text(row, j)) {
        Some(t) => cx.exclude.contains(&*t),
        None => false,
    }
}

/// The mapping's `date` (a one-day snapshot), checked.
fn fixed_date(raw: &RawTable, spec: &FileSpec) -> Result<Option<NaiveDate>> {
    let Some(d) = spec.date.as_deref() else {
        return Ok(None);
    };
    super::cells::parse_date(d, None).map(Some).ok_or_else(|| {
        layout_err(
            raw,
            format!("date = \"{d}\": expected a date such as 2024-11-29 {DATE_RANGE}"),
        )
    })
}

/// The mapping's `set = { column = "value" }` constants, as plans: a value of the
/// column's kind (codes resolved like code cells); an unknown column is an error.
fn fixed_values(cx: &mut Ctx<'_>) -> Result<BTreeMap<String, Value>> {
    let ds = cx.spec.dataset;
    let mut out = BTreeMap::new();
    for (k, v) in &cx.spec.set {
        let Some(i) = ds.column_index(k) else {
            return Err(layout_err(
                cx.raw,
                format!(
                    "set.{k}: dataset {ds} has no column `{k}` (columns: {})",
                    ds.columns()
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let bad = |what: &str| layout_err(cx.raw, format!("set.{k} = \"{v}\": expected {what}"));
        let val = match (ds.columns()[i].kind, k.as_str()) {
            (ColumnKind::Str, "index_code" | "tracking_index") => {
                let c = cx
                    .resolve_code(v, CodeKind::Index)
                    .map_err(|e| bad(&code_expectation(&e)))?;
                Value::Str(Some(c.0))
            }
            (ColumnKind::Str, _) => Value::Str(Some(Text::from(v.as_str()))),
            (ColumnKind::F64, _) => Value::F64(
                parse_number(v)
                    .ok()
                    .flatten()
                    .ok_or_else(|| bad("a number"))?,
            ),
            (ColumnKind::Date, _) => Value::Date(Some(
                super::cells::parse_date(v, None).ok_or_else(|| bad("a date"))?,
            )),
        };
        out.insert(k.clone(), val);
    }
    Ok(out)
}

/// The share of a file's rows an import may lose (footers, repeated keys, holiday and
/// carried-forward rows) before it is an error: 1 %, and never fewer than 3 rows.
pub const MAX_LOST_SHARE: f64 = 0.01;

/// Losing more than [`MAX_LOST_SHARE`] of a file is an error (a misread column makes
/// rows collide, a changed date format turns data into "footers") unless the mapping
/// allows it (`allow_drops = true`, `--allow-drops`); then it is a warning.
fn check_losses(
    raw: &RawTable,
    spec: &FileSpec,
    a: &RowAccount,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let lost = a.lost();
    if lost < 3 || a.lost_share() <= MAX_LOST_SHARE {
        return Ok(());
    }
    let mut why: Vec<String> = Vec::new();
    if a.footer > 0 {
        why.push(format!("{} trailing row(s) without a date", a.footer));
    }
    for (k, n) in &a.dropped {
        why.push(format!("{n} {k}"));
    }
    let msg = format!(
        "{lost} of {} row(s) ({:.1} %) would be lost: {}; this usually means a misread column \
         (rows of different codes colliding, a date column in another form) — check the \
         mapping (docs/mapping.md), or accept the loss with `allow_drops = true` (--allow-drops)",
        a.rows,
        100.0 * a.lost_share(),
        why.join(", ")
    );
    if spec.allow_drops {
        warnings.push(Warning {
            file: a.file.clone(),
            kind: WarningKind::Loss,
            row: None,
            column: None,
            message: msg,
        });
        Ok(())
    } else {
        Err(layout_err(raw, msg))
    }
}

/// A mapped column without a single value is an error (its header matched, but nothing
/// in it is read) unless `allow_drops` is set: leave it out with `ignore`.
fn check_empty_columns(cx: &mut Ctx<'_>) -> Result<()> {
    let empty: Vec<(String, usize)> = cx
        .numbers
        .iter()
        .enumerate()
        .filter(|(_, st)| st.cells > 0 && st.finite == 0)
        .map(|(j, st)| {
            (
                cx.raw
                    .headers
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", j + 1)),
                st.cells,
            )
        })
        .collect();
    for (col, cells) in empty {
        let msg = format!(
            "column `{col}` has no value in any of its {cells} row(s), so nothing of it would \
             be stored; leave it out with `ignore = [\"{col}\"]`, map another column, or \
             accept it with `allow_drops = true`"
        );
        if cx.spec.allow_drops {
            cx.warn(WarningKind::EmptyColumn, None, Some(&col), msg);
        } else {
            return Err(layout_err(cx.raw, msg));
        }
    }
    Ok(())
}

/// A file whose rows carry no value at all (every value column empty) stores nothing
/// but keys: an error naming the columns looked for.
fn check_some_value(cx: &Ctx<'_>, dec: &Decisions, out: &Table) -> Result<()> {
    let ds = cx.spec.dataset;
    // a membership row is its keys (an empty out_date means "still a member")
    if out.is_empty() || ds == Dataset::Membership {
        return Ok(());
    }
    let keys = ds.key_indices();
    let value_cols: Vec<usize> = (0..ds.columns().len())
        .filter(|i| !keys.contains(i))
        .filter(|&i| {
            let n = ds.columns()[i].name;
            !META.contains(&n) && n != "available_at" && Some(n) != dec.pd
        })
        .collect();
    if value_cols.is_empty() {
        return Ok(());
    }
    let any = value_cols.iter().any(|&i| match &out.columns[i] {
        Column::F64(v) => v.iter().any(|x| !x.is_nan()),
        Column::Str(v) => v.iter().any(Option::is_some),
        Column::Date(v) => v.iter().any(Option::is_some),
    });
    if any {
        return Ok(());
    }
    let names: Vec<String> = value_cols
        .iter()
        .map(|&i| {
            let n = ds.columns()[i].name;
            format!(
                "{n} ({})",
                spellings(ds, n)
                    .iter()
                    .map(|a| a.0)
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" / ")
            )
        })
        .collect();
    Err(layout_err(
        cx.raw,
        format!(
            "{} row(s) but not one value for dataset {ds}: none of its columns was found or \
             filled — {}; map the file's headers with `columns = {{ name = \"<header>\" }}` \
             (headers: {}){}",
            out.len(),
            names.join(", "),
            cx.raw.headers.join(", "),
            fund_list_hint(cx.raw, ds)
        ),
    ))
}

/// A file of open-end funds sent to `etf_info` (Tushare `fund_basic`): the fund_info
/// columns its headers fill, said as a hint.
fn fund_list_hint(raw: &RawTable, ds: Dataset) -> String {
    if ds != Dataset::EtfInfo {
        return String::new();
    }
    let normed: Vec<String> = raw.headers.iter().map(|h| norm_header(h)).collect();
    let hits: Vec<&str> = ["fund_type", "company", "inception", "benchmark"]
        .into_iter()
        .filter(|f| {
            spellings(Dataset::FundInfo, f)
                .iter()
                .any(|(a, _)| normed.contains(&norm_header(a)))
        })
        .collect();
    if hits.len() < 2 {
        return String::new();
    }
    format!(
        ". The headers fill fund_info's {}: a list of funds imports as `--dataset fund_info`",
        hits.join(", ")
    )
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
    let by_name = match find_column(raw, spec, &cx.names, pd_name)? {
        Some(x) => Some(x.0),
        None => find_column(raw, spec, &cx.names, "date")?.map(|x| x.0),
    };
    match by_name {
        Some(j) => Ok(Some(j)),
        // a one-day snapshot: the mapping's `date`
        None if spec.date.is_some() => Ok(None),
        // pandas writes its index with a blank header
        None if raw.headers.first().is_some_and(|h| h.trim().is_empty())
            && raw.rows.first().is_some_and(|r| cx.date(r, 0).is_some()) =>
        {
            Ok(Some(0))
        }
        None => Err(layout_err(
            raw,
            format!(
                "no date column for `{pd_name}` (expected a header such as {}; a one-day \
                 snapshot without dates takes `date = \"YYYY-MM-DD\"` in the mapping; headers: {})",
                aliases_of(spec.dataset, pd_name).join(", "),
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
    let code_kind = code_kind_of(ds, spec.asset_type);
    let stem = raw
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    let (code_j, fixed_code) = code_source(cx, &stem)?;
    let fixed_code = match fixed_code {
        Some(c) => Some(cx.resolve_code(&c, code_kind).map_err(|e| {
            layout_err(
                raw,
                format!(
                    "{e} (the code of every row, from {})",
                    if spec.code.is_some() {
                        "`code =` / --code"
                    } else {
                        "the file name"
                    }
                ),
            )
        })?),
        None => None,
    };
    // the asset type the vendor's unit conventions depend on
    let asset = spec
        .asset_type
        .or_else(|| fixed_code.as_ref().and_then(|c| c.1))
        .unwrap_or(AssetType::Index);
    let mut macro_series = macro_series_columns(raw, spec, &cx.names, rows, date_j, &stem)?;
    let pd = primary_date(ds);
    let fields = field_columns(raw, spec, &cx.names, pd, asset, &mut macro_series)?;
    check_daily_units(cx, rows, date_j, &fields)?;
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
    let mut plans = plans(spec, &fields, &wide_codes, &wide_field, pd, lag_t);
    for (k, v) in fixed_values(cx)? {
        let i = ds.column_index(&k).expect("checked");
        plans[i] = Plan::Fixed(v);
    }
    Ok(Decisions {
        pd,
        date_j,
        code_j,
        fixed_code,
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
        code_kind,
    })
}

/// The Tushare preset's units are its daily endpoints': a file whose dates are more
/// than a day or two apart (weekly, monthly) with `vol` / `amount` scaled by the preset
/// is refused unless the mapping's `scale` names those units.
fn check_daily_units(
    cx: &Ctx<'_>,
    rows: &[RawRow],
    date_j: Option<usize>,
    fields: &BTreeMap<&'static str, (usize, f64)>,
) -> Result<()> {
    let spec = cx.spec;
    if spec.preset != Preset::Tushare {
        return Ok(());
    }
    let preset_scaled: Vec<&str> = ["volume", "amount"]
        .into_iter()
        .filter(|f| {
            fields.get(f).is_some_and(|(j, _)| {
                preset_scale(spec, cx.raw, f, &cx.raw.headers[*j], AssetType::Index) != 1.0
            }) && !spec.scale.contains_key(*f)
        })
        .collect();
    let Some(j) = date_j else { return Ok(()) };
    if preset_scaled.is_empty() {
        return Ok(());
    }
    let mut d: Vec<NaiveDate> = rows.iter().filter_map(|r| cx.date(r, j)).collect();
    d.sort_unstable();
    d.dedup();
    let mut gaps: Vec<i64> = d.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
    if gaps.len() < 3 {
        return Ok(());
    }
    gaps.sort_unstable();
    let g = gaps[gaps.len() / 2];
    if g <= 3 {
        return Ok(());
    }
    Err(layout_err(
        cx.raw,
        format!(
            "the tushare preset scales {} as Tushare's daily endpoints do (vol in 手 ×100, \
             amount in 千元 ×1000), but this file's dates are {g} days apart (median): \
             Tushare's weekly and monthly exports are not in those units in every version. \
             Name the units with `scale = {{ volume = 1, amount = 1 }}` (or 100 / 1000) after \
             checking one row against a daily source",
            preset_scaled.join(" and ")
        ),
    ))
}

/// What the `code` column of a dataset holds: the spec's asset type, else the
/// dataset's own kind (members of an index are stocks, `etf_info` holds funds), else
/// unknown (a bare code must then be unambiguous).
fn code_kind_of(ds: Dataset, asset: Option<AssetType>) -> CodeKind {
    match (ds, asset) {
        (_, Some(a)) => CodeKind::of(Some(a)),
        (Dataset::Membership | Dataset::Weights, None) => CodeKind::Stock,
        (Dataset::EtfInfo | Dataset::EtfSize, None) => CodeKind::Etf,
        (Dataset::FundInfo | Dataset::FundHoldings, None) => CodeKind::Fund,
        _ => CodeKind::Unknown,
    }
}

/// Where codes come from: a column, the mapping's fixed code, or the file name (noted).
fn code_source(cx: &mut Ctx<'_>, stem: &str) -> Result<(Option<usize>, Option<String>)> {
    let (raw, spec) = (cx.raw, cx.spec);
    let ds = spec.dataset;
    let has_code = ds.column_index("code").is_some();
    let code_j = if has_code && spec.code.is_none() && !spec.code_from_filename {
        find_column(raw, spec, &cx.names, "code")?.map(|x| x.0)
    } else {
        None
    };
    let long = spec.layout == Layout::Long;
    let named = code_of_stem(stem);
    let fixed = spec
        .code
        .clone()
        .or_else(|| (has_code && code_j.is_none() && long).then(|| named.to_string()));
    if code_j.is_none() && spec.code.is_none() && !spec.code_from_filename && has_code && long {
        let what = if named == stem {
            format!("the file name `{stem}`")
        } else {
            format!("`{named}` from the file name `{stem}`")
        };
        cx.warn(
            WarningKind::CodeFromFilename,
            None,
            None,
            format!("no code column; using {what} as the code"),
        );
    }
    Ok((code_j, fixed))
}

/// The code a file name gives: the whole stem, or its part before the first `_` when
/// that part is six digits (`000001_2024.csv`, one fund's holdings of a year → `000001`).
fn code_of_stem(stem: &str) -> &str {
    match stem.split_once('_') {
        Some((head, _)) if head.len() == 6 && head.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => stem,
    }
}

/// A macro file in column-per-series form: its series columns (unless it has a long
/// `series_id` column).
fn macro_series_columns(
    raw: &RawTable,
    spec: &FileSpec,
    names: &HeaderNames,
    rows: &[RawRow],
    date_j: Option<usize>,
    stem: &str,
) -> Result<Vec<(usize, String)>> {
    if spec.dataset != Dataset::Macro || find_column(raw, spec, names, "series_id")?.is_some() {
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
    names: &HeaderNames,
    pd: Option<&str>,
    asset: AssetType,
    macro_series: &mut Vec<(usize, String)>,
) -> Result<BTreeMap<&'static str, (usize, f64)>> {
    let mut fields: BTreeMap<&'static str, (usize, f64)> = BTreeMap::new();
    // macro in column-per-series form: a release-date column gives `available_at`
    if !macro_series.is_empty() {
        if let Some((j, _)) = find_column(raw, spec, names, "available_at")? {
            macro_series.retain(|(k, _)| *k != j);
            fields.insert("available_at", (j, 1.0));
        }
    }
    if spec.layout != Layout::Long || !macro_series.is_empty() {
        return Ok(fields);
    }
    for c in spec.dataset.columns() {
        if META.contains(&c.name)
            || Some(c.name) == pd
            || c.name == "code"
            || spec.set.contains_key(c.name)
        {
            continue;
        }
        if let Some((j, s)) = find_column(raw, spec, names, c.name)? {
            // an explicit scale names the file's unit outright: it replaces the unit the
            // header or the preset implies
            let mult = match spec.scale.get(c.name) {
                Some(m) => *m,
                None => s * preset_scale(spec, raw, c.name, &raw.headers[j], asset),
            };
            fields.insert(c.name, (j, mult));
        } else if c.required && c.name != "available_at" {
            return Err(layout_err(
                raw,
                format!(
                    "no column for required field `{}` ({}) — expected a header such as {}, or map it with `columns = {{ {} = \"<header>\" }}` (headers: {})",
                    c.name,
                    c.doc,
                    aliases_of(spec.dataset, c.name).join(", "),
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
        (Dataset::FundHoldings, _) => LagRule::FundQuarterly,
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
    lag_t: Text,
) -> Vec<Plan> {
    let ds = spec.dataset;
    // per-file constant text cells, shared by every row (no per-row allocation)
    let source_t: Text = Text::from(spec.source_label().as_str());
    let asset_t: Option<Text> = spec.asset_type.map(|a| Text::from(a.as_str()));
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
                "asset_type" => Plan::AssetType(asset_t.clone()),
                "index_code" | "tracking_index" => {
                    Plan::CodeText(fields.get(c.name).copied(), CodeKind::Index)
                }
                "stock" => Plan::Holding(fields.get(c.name).copied()),
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
fn row_date(cx: &Ctx<'_>, row: &RawRow, date_j: Option<usize>) -> CellResult<Option<NaiveDate>> {
    let Some(j) = date_j else {
        return Ok(cx.fixed_date);
    };
    match cx.date(row, j) {
        Some(d) => Ok(Some(d)),
        None => Err(cx
            .date_err(
                row,
                j,
                "a date such as 2024-01-31, 2024/1/31 or 20240131 (other forms: set `date_format`)",
            )
            .into()),
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

/// Convert every row; returns the table and (descending, ascending) date steps. Each
/// cell is pushed straight onto its column; a unit with no observation (a blank wide
/// or series cell) is taken back off. The first error in row order is returned.
fn convert_rows(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    rows: &[RawRow],
) -> Result<(Table, (usize, usize))> {
    let ds = cx.spec.dataset;
    let mut out = Table::new(ds);
    out.reserve(rows.len());
    let units = units(dec, cx.spec, cx.raw);
    let (mut desc, mut asc) = (0usize, 0usize);
    let mut prev: Option<NaiveDate> = None;
    let all_excluded = dec
        .fixed_code
        .as_ref()
        .is_some_and(|c| cx.exclude.contains(&*c.0));
    for row in rows {
        if all_excluded || is_excluded(cx, dec, row) {
            cx.excluded += 1;
            continue;
        }
        let d = row_date(cx, row, dec.date_j).map_err(|e| *e)?;
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
            push_unit(cx, dec, &mut out, row, unit, pdate).map_err(|e| *e)?;
        }
    }
    Ok((out, (desc, asc)))
}

/// Push one output row (one unit of an input row) onto `out`, or nothing when the unit
/// holds no observation.
fn push_unit(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    out: &mut Table,
    row: &RawRow,
    unit: &OutUnit,
    pdate: Option<NaiveDate>,
) -> CellResult<()> {
    let n = out.len();
    let mut st = RowState::default();
    for (col, plan) in out.columns.iter_mut().zip(&dec.plans) {
        col.push_value(cell_value(cx, dec, plan, row, unit, pdate, &mut st)?);
    }
    // wide: a blank cell is no observation
    if let (false, Some(Column::F64(v))) = (
        dec.wide_codes.is_empty(),
        dec.wide_col.map(|i| &out.columns[i]),
    ) {
        st.skip |= v[n].is_nan();
    }
    if st.skip {
        out.truncate(n);
    }
    Ok(())
}

/// What the columns already filled of one output row tell the later ones.
#[derive(Default)]
struct RowState {
    /// No observation (a blank series or wide cell).
    skip: bool,
    /// The asset type the row's code implies (filled by the code column, which comes
    /// before `asset_type` in every schema).
    implied: Option<AssetType>,
}

/// The value of one output column for one unit of a row.
fn cell_value(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    plan: &Plan,
    row: &RawRow,
    (label, cellsrc): &OutUnit,
    pdate: Option<NaiveDate>,
    st: &mut RowState,
) -> CellResult<Value> {
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
            st.skip |= x.is_nan();
            Value::F64(x)
        }
        Plan::Code => {
            let (v, implied) = code_value(cx, dec, row, label)?;
            st.implied = implied;
            v
        }
        Plan::CodeText(src, kind) => {
            match src.and_then(|(j, _)| cx.code_text(row, j).map(|t| (j, t.into_owned()))) {
                None => Value::Str(None),
                Some((j, t)) => match cx.resolve_code(&t, *kind) {
                    Ok((c, _)) => Value::Str(Some(c)),
                    Err(e) => return Err(cx.cell_err(row, j, &code_expectation(&e)).into()),
                },
            }
        }
        Plan::Holding(src) => {
            match src.and_then(|(j, _)| cx.code_text(row, j).map(|t| (j, t.into_owned()))) {
                None => match *src {
                    Some((j, _)) => return Err(cx.cell_err(row, j, "a security code").into()),
                    None => Value::Str(None),
                },
                Some((_, t)) => match cx.resolve_code(&t, CodeKind::Stock) {
                    Ok((c, _)) if c.contains('.') => Value::Str(Some(c)),
                    _ => {
                        *cx.unplaced.entry(t.clone()).or_default() += 1;
                        Value::Str(Some(Text::from(t.as_str())))
                    }
                },
            }
        }
        Plan::AssetType(Some(t)) => Value::Str(Some(t.clone())),
        Plan::Fixed(v) => v.clone(),
        Plan::AssetType(None) => Value::Str(Some(Text::from(
            st.implied.unwrap_or(AssetType::Index).as_str(),
        ))),
        Plan::PeriodDate => Value::Date(pdate),
        Plan::AvailableAt(Some((j, _))) => match cx.date(row, *j) {
            Some(a) => Value::Date(Some(a)),
            None => return Err(cx.date_err(row, *j, "a release/announcement date").into()),
        },
        Plan::AvailableAt(None) => match (cx.spec.dataset, pdate) {
            (Dataset::EtfInfo | Dataset::FundInfo, _) | (_, None) => Value::Date(None),
            (_, Some(p)) => Value::Date(Some(dec.lag.available_at(p))),
        },
        Plan::SeriesId(g) | Plan::MacroValue(g) | Plan::General(g) => {
            let src = if g.wide_hit { cellsrc } else { g.src };
            general_value(cx, row, g.kind, src)?
        }
    })
}

/// A security code: the wide header, the code cell, or the file's fixed code, resolved
/// once per distinct cell text (a date-major file of 3000 stocks resolves 3000 codes,
/// not one per row); with the asset type it implies.
fn code_value(
    cx: &mut Ctx<'_>,
    dec: &Decisions,
    row: &RawRow,
    label: &Option<String>,
) -> CellResult<(Value, Option<AssetType>)> {
    let (text, j) = if let Some(l) = label.as_ref().filter(|_| !dec.wide_codes.is_empty()) {
        (std::borrow::Cow::Owned(l.clone()), None)
    } else if let Some(j) = dec.code_j {
        match cx.code_text(row, j) {
            Some(t) => (t, Some(j)),
            None => return Err(cx.cell_err(row, j, "a security code").into()),
        }
    } else {
        return Ok(match &dec.fixed_code {
            Some((c, a)) => (Value::Str(Some(c.clone())), *a),
            None => (Value::Str(None), None),
        });
    };
    match cx.resolve_code(&text, dec.code_kind) {
        Ok((c, a)) => Ok((Value::Str(Some(c)), a)),
        Err(e) => Err(Box::new(match j {
            Some(j) => cx.cell_err(row, j, &code_expectation(&e)),
            None => layout_err(cx.raw, format!("header {e}")),
        })),
    }
}

/// The "expected …" of a code cell error.
fn code_expectation(e: &super::codes::CodeError) -> String {
    format!("a code that names one instrument: {}", e.message)
}

/// A plain column's value from its source cell.
fn general_value(
    cx: &mut Ctx<'_>,
    row: &RawRow,
    kind: ColumnKind,
    src: Option<(usize, f64)>,
) -> CellResult<Value> {
    Ok(match (kind, src) {
        (ColumnKind::F64, Some((j, m))) => Value::F64(cx.number(row, j)? * m),
        (ColumnKind::F64, None) => Value::F64(f64::NAN),
        (ColumnKind::Str, Some((j, _))) => {
            let t = cx.text(row, j).map(Text::from);
            cx.note_cell(j, t.is_some());
            Value::Str(t)
        }
        (ColumnKind::Str, None) => Value::Str(None),
        (ColumnKind::Date, Some((j, _))) => match row.cell(j) {
            CellRef::Empty => {
                cx.note_cell(j, false);
                Value::Date(None)
            }
            _ => match cx.date(row, j) {
                Some(x) => {
                    cx.note_cell(j, true);
                    Value::Date(Some(x))
                }
                None => return Err(cx.date_err(row, j, "a date").into()),
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
            dec.fixed_code.as_ref().map_or("", |c| &*c.0),
            aliases_of(ds, "code").join(", "),
            raw.headers.join(", ")
        ),
    ))
}
