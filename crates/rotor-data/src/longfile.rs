//! Generic long files `date, asset, value` (CSV or Parquet) → a dense [`Panel`], the
//! input format of `rotor eval` and of user factor files (the alphalens / Qlib
//! convention).
//!
//! * Columns are found by name: date (`date`, `trade_date`, `datetime`, `日期`), asset
//!   (`asset`, `code`, `ts_code`, `symbol`, `ticker`, `代码`) and value (`value_col` when
//!   given, else the only other column, else `value` / `factor` / `close`).
//! * [`read_long_where`] keeps only the rows whose text column equals a value (the
//!   `model` column of `rotor ml train`'s `predictions.parquet`); that column is never
//!   taken for the value.
//! * Parquet: dates may be `Date32`, timestamps of any unit (the UTC day is taken) or
//!   text; the asset column is read dictionary-encoded, so a 7.5M-row file costs one
//!   lookup per distinct asset, not per row.
//! * Errors name file, row (1-based, header = row 1 for CSV; data row for Parquet),
//!   column and the expected form. A repeated (date, asset) is an error; a missing value
//!   (blank, NaN) is NaN.

use crate::error::{DataError, Result};
use crate::import::cells::{parse_date, parse_number};
use crate::import::reader::LineCounter;
use crate::table::date_to_days;
use chrono::NaiveDate;
use rotor_core::Panel;
use std::collections::HashMap;
use std::path::Path;

const DATE_NAMES: &[&str] = &["date", "trade_date", "datetime", "日期", "交易日期"];
const ASSET_NAMES: &[&str] = &[
    "asset",
    "code",
    "ts_code",
    "symbol",
    "ticker",
    "代码",
    "instrument",
];
const VALUE_NAMES: &[&str] = &["value", "factor", "close"];

fn lay(path: &Path, m: String) -> DataError {
    DataError::Layout {
        file: path.to_path_buf(),
        message: m,
    }
}

/// Index of the first header (trimmed, lower-cased) among `names`.
fn find_col(headers: &[String], names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.contains(&h.trim().to_lowercase().as_str()))
}

fn no_col(path: &Path, what: &str, names: &[&str], headers: &[String]) -> DataError {
    lay(
        path,
        format!(
            "no {what} column; expected one of {} (headers: {})",
            names.join(", "),
            headers.join(", ")
        ),
    )
}

/// Pick (date, asset, value) column indices from headers.
fn pick(
    path: &Path,
    headers: &[String],
    value_col: Option<&str>,
    skip: Option<usize>,
) -> Result<(usize, usize, usize)> {
    let find = |names: &[&str]| find_col(headers, names);
    let d = find(DATE_NAMES).ok_or_else(|| no_col(path, "date", DATE_NAMES, headers))?;
    let a = find(ASSET_NAMES).ok_or_else(|| no_col(path, "asset", ASSET_NAMES, headers))?;
    let v = match value_col {
        Some(name) => headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                lay(
                    path,
                    format!("no column `{name}` (headers: {})", headers.join(", ")),
                )
            })?,
        None => {
            let rest: Vec<usize> = (0..headers.len())
                .filter(|&j| j != d && j != a && Some(j) != skip)
                .collect();
            match rest.as_slice() {
                [only] => *only,
                [] => {
                    return Err(lay(
                        path,
                        format!(
                            "no value column: besides the date (`{}`) and asset (`{}`) columns \
                             the file has none (headers: {})",
                            headers[d],
                            headers[a],
                            headers.join(", ")
                        ),
                    ))
                }
                several => find(VALUE_NAMES).ok_or_else(|| {
                    let names: Vec<String> = several
                        .iter()
                        .map(|&j| format!("`{}`", headers[j]))
                        .collect();
                    lay(
                        path,
                        format!(
                            "{} candidate value columns ({}); name the one to read (in \
                             `rotor eval`: --factor-col for the factor file, --price-col for \
                             the price file)",
                            several.len(),
                            names.join(", ")
                        ),
                    )
                })?,
            }
        }
    };
    Ok((d, a, v))
}

/// Triples collected while reading: day number, asset id, value, source row.
struct Acc {
    days: Vec<i32>,
    ids: Vec<u32>,
    vals: Vec<f64>,
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Acc {
    /// With room for `rows` observations (no regrowth while reading a file whose row
    /// count is known, e.g. from Parquet metadata).
    fn with_capacity(rows: usize) -> Self {
        Acc {
            days: Vec::with_capacity(rows),
            ids: Vec::with_capacity(rows),
            vals: Vec::with_capacity(rows),
            names: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn new() -> Self {
        Acc {
            days: Vec::new(),
            ids: Vec::new(),
            vals: Vec::new(),
            names: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    fn into_panel(self, path: &Path, row_of: impl Fn(usize) -> usize) -> Result<Panel> {
        if self.days.is_empty() {
            return Ok(Panel::nan(Vec::new(), Vec::new()));
        }
        let lo = *self.days.iter().min().expect("rows");
        let hi = *self.days.iter().max().expect("rows");
        let span = (hi - lo + 1) as usize;
        let mut present = vec![u32::MAX; span];
        for &d in &self.days {
            present[(d - lo) as usize] = 0;
        }
        let mut dates = Vec::new();
        for (k, p) in present.iter_mut().enumerate() {
            if *p == 0 {
                *p = dates.len() as u32;
                dates.push(crate::table::days_to_date(lo + k as i32));
            }
        }
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut col = vec![0u32; self.names.len()];
        for (c, &id) in order.iter().enumerate() {
            col[id as usize] = c as u32;
        }
        let n = self.names.len();
        let mut values = vec![f64::NAN; dates.len() * n];
        let mut seen = vec![false; dates.len() * n];
        for i in 0..self.days.len() {
            let k = present[(self.days[i] - lo) as usize] as usize * n
                + col[self.ids[i] as usize] as usize;
            if seen[k] {
                return Err(DataError::Cell {
                    file: path.to_path_buf(),
                    cell: None,
                    row: row_of(i),
                    column: "date, asset".into(),
                    expected: "one row per (date, asset)".into(),
                    found: format!(
                        "a second row for {} {}",
                        crate::table::days_to_date(self.days[i]),
                        self.names[self.ids[i] as usize]
                    ),
                });
            }
            seen[k] = true;
            values[k] = self.vals[i];
        }
        let assets = order
            .iter()
            .map(|&i| self.names[i as usize].clone())
            .collect();
        Ok(Panel {
            dates,
            assets,
            values,
        })
    }
}

/// Read a long file into a panel (see the module docs).
pub fn read_long(path: &Path, value_col: Option<&str>) -> Result<Panel> {
    read_long_where(path, value_col, None)
}

/// Keep the rows whose text column `column` equals `equals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowFilter<'a> {
    /// Column name (exact).
    pub column: &'a str,
    /// Value kept.
    pub equals: &'a str,
}

/// Read a long file into a panel, keeping the rows `filter` selects (all without one).
/// A filter that keeps no row is an error naming the values the column holds.
pub fn read_long_where(
    path: &Path,
    value_col: Option<&str>,
    filter: Option<RowFilter<'_>>,
) -> Result<Panel> {
    let ext = crate::import::reader::extension(path);
    match ext.as_str() {
        "parquet" | "pq" => read_long_parquet(path, value_col, filter),
        "csv" | "txt" => read_long_csv(path, value_col, filter),
        _ => Err(lay(path, format!("unsupported file type `.{ext}`; expected .csv or .parquet with columns date, asset, value"))),
    }
}

/// The filter column's index in `headers`.
fn filter_col(path: &Path, headers: &[String], f: Option<RowFilter<'_>>) -> Result<Option<usize>> {
    let Some(f) = f else { return Ok(None) };
    headers
        .iter()
        .position(|h| h.trim() == f.column)
        .map(Some)
        .ok_or_else(|| {
            lay(
                path,
                format!(
                    "no column `{}` to select rows by (headers: {})",
                    f.column,
                    headers.join(", ")
                ),
            )
        })
}

/// The error of a filter that kept no row: the values the column holds.
fn nothing_kept(
    path: &Path,
    f: RowFilter<'_>,
    seen: &std::collections::BTreeSet<String>,
) -> DataError {
    let mut v: Vec<&str> = seen.iter().map(String::as_str).take(12).collect();
    if v.is_empty() {
        v.push("(no rows)");
    }
    lay(
        path,
        format!(
            "no row has {} = `{}`; the column holds: {}",
            f.column,
            f.equals,
            v.join(", ")
        ),
    )
}

/// A CSV file's decoded text (UTF-8 or GBK, as the importers accept).
fn csv_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    Ok(crate::import::reader::decode(&bytes).into_owned())
}

/// A flexible CSV reader over `text` and its headers (BOM removed).
fn csv_open<'a>(path: &Path, text: &'a str) -> Result<(csv::Reader<&'a [u8]>, Vec<String>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| lay(path, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((rdr, headers))
}

/// Next record with its 1-based file line.
fn next_record(
    path: &Path,
    text: &str,
    rdr: &mut csv::Reader<&[u8]>,
    rec: &mut csv::StringRecord,
    lines: &mut LineCounter,
) -> Result<Option<usize>> {
    let mut line =
        |p: Option<&csv::Position>| p.map_or(0, |p| lines.line_at(text.as_bytes(), p.byte()));
    match rdr.read_record(rec) {
        Ok(false) => Ok(None),
        Ok(true) => Ok(Some(line(rec.position()))),
        Err(e) => Err(lay(
            path,
            format!("row {}: malformed CSV ({e})", line(e.position())),
        )),
    }
}

fn read_long_csv(
    path: &Path,
    value_col: Option<&str>,
    filter: Option<RowFilter<'_>>,
) -> Result<Panel> {
    let text = csv_text(path)?;
    let (mut rdr, headers) = csv_open(path, &text)?;
    let fj = filter_col(path, &headers, filter)?;
    let (dj, aj, vj) = pick(path, &headers, value_col, fj)?;
    let mut acc = Acc::new();
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(row) = next_record(path, &text, &mut rdr, &mut rec, &mut lines)? {
        let cell = |j: usize| rec.get(j).unwrap_or("").trim();
        if let (Some(j), Some(f)) = (fj, filter) {
            if cell(j) != f.equals {
                if seen.len() < 64 {
                    seen.insert(cell(j).to_string());
                }
                continue;
            }
        }
        let err = |col: &str, expected: &str, found: &str| DataError::Cell {
            file: path.to_path_buf(),
            cell: None,
            row,
            column: col.to_string(),
            expected: expected.into(),
            found: found.into(),
        };
        let d = parse_date(cell(dj), None).ok_or_else(|| {
            err(
                &headers[dj],
                &format!("a date such as 2024-01-31 {}", crate::table::DATE_RANGE),
                cell(dj),
            )
        })?;
        let a = cell(aj);
        if a.is_empty() {
            return Err(err(&headers[aj], "an asset code", ""));
        }
        let v = parse_number(cell(vj))
            .map_err(|_| err(&headers[vj], "a number (blank for missing)", cell(vj)))?
            .unwrap_or(f64::NAN);
        let id = acc.id(a);
        acc.days.push(date_to_days(d));
        acc.ids.push(id);
        acc.vals.push(v);
        rows.push(row);
    }
    if let (true, Some(f)) = (acc.days.is_empty(), filter) {
        return Err(nothing_kept(path, f, &seen));
    }
    acc.into_panel(path, |i| rows[i])
}

fn read_long_parquet(
    path: &Path,
    value_col: Option<&str>,
    filter: Option<RowFilter<'_>>,
) -> Result<Panel> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = std::fs::File::open(path).map_err(|e| DataError::io(path, e))?;
    let probe = ParquetRecordBatchReaderBuilder::try_new(
        file.try_clone().map_err(|e| DataError::io(path, e))?,
    )
    .map_err(|e| pq(path, &e))?;
    let schema = probe.schema().clone();
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let fj = filter_col(path, &headers, filter)?;
    let (dj, aj, vj) = pick(path, &headers, value_col, fj)?;
    let mut wanted = vec![dj, aj, vj];
    wanted.extend(fj);
    let (reader, n_rows) = parquet_reader(path, file, &schema, &wanted)?;
    let mut seen = std::collections::BTreeSet::new();
    let mut acc = Acc::with_capacity(n_rows);
    let mut row0 = 0usize;
    let cols = LongCols {
        path,
        date: &headers[dj],
        asset: &headers[aj],
        value: &headers[vj],
    };
    for batch in reader {
        let batch = batch.map_err(|e| pq(path, &e))?;
        let n = batch.num_rows();
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .expect("projected column")
                .clone()
        };
        let days = cols.days(&col(cols.date), row0)?;
        if let Some(i) = days
            .iter()
            .position(|d| d.is_some_and(|d| !crate::table::day_in_range(d)))
        {
            return Err(cell_err(
                path,
                row0 + i + 1,
                cols.date,
                &format!("a date {}", crate::table::DATE_RANGE),
                format!("day {} after 1970-01-01", days[i].unwrap_or_default()),
            ));
        }
        let days: Vec<Option<i32>> = days.into_iter().map(|d| d.map(|d| d as i32)).collect();
        let vals = cols.values(&col(cols.value))?;
        let ids = cols.assets(&col(cols.asset), &mut acc)?;
        let keep = match (fj, filter) {
            (Some(j), Some(f)) => Some(kept_rows(path, &col(&headers[j]), f, &mut seen)?),
            _ => None,
        };
        for i in 0..n {
            if keep.as_ref().is_some_and(|k| !k[i]) {
                continue;
            }
            let (Some(d), Some(a)) = (days[i], ids[i]) else {
                let column = if days[i].is_none() {
                    cols.date
                } else {
                    cols.asset
                };
                return Err(cell_err(
                    path,
                    row0 + i + 1,
                    column,
                    "a value (not null)",
                    "null".into(),
                ));
            };
            acc.days.push(d);
            acc.ids.push(a);
            acc.vals.push(vals[i]);
        }
        row0 += n;
    }
    if let (true, Some(f)) = (acc.days.is_empty(), filter) {
        return Err(nothing_kept(path, f, &seen));
    }
    acc.into_panel(path, |i| i + 1)
}

/// Which rows of a batch the filter keeps (text, dictionary-encoded text); the values
/// not kept are collected into `seen` for the error when nothing is kept.
fn kept_rows(
    path: &Path,
    fc: &arrow_array::ArrayRef,
    f: RowFilter<'_>,
    seen: &mut std::collections::BTreeSet<String>,
) -> Result<Vec<bool>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;
    use arrow_array::Array;
    use arrow_schema::DataType;
    let texts: Vec<Option<&str>> = match fc.data_type() {
        DataType::Utf8 => fc.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => fc.as_string::<i64>().iter().collect(),
        DataType::Utf8View => fc.as_string_view().iter().collect(),
        DataType::Dictionary(_, _) => {
            let d = fc.as_dictionary::<Int32Type>();
            let values = d.values();
            let names: Vec<&str> = (0..values.len())
                .map(|k| match values.as_string_opt::<i32>() {
                    Some(a) => a.value(k),
                    None => values.as_string::<i64>().value(k),
                })
                .collect();
            d.keys()
                .iter()
                .map(|k| k.map(|k| names[k as usize]))
                .collect()
        }
        t => {
            return Err(lay(
                path,
                format!(
                    "column `{}` has type {t}; rows are selected by text",
                    f.column
                ),
            ))
        }
    };
    Ok(texts
        .into_iter()
        .map(|s| {
            let keep = s == Some(f.equals);
            if !keep && seen.len() < 64 {
                seen.insert(s.unwrap_or("null").to_string());
            }
            keep
        })
        .collect())
}

fn pq(path: &Path, e: &dyn std::fmt::Display) -> DataError {
    DataError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn cell_err(path: &Path, row: usize, col: &str, expected: &str, found: String) -> DataError {
    DataError::Cell {
        file: path.to_path_buf(),
        cell: None,
        row,
        column: col.to_string(),
        expected: expected.into(),
        found,
    }
}

/// A reader of the three columns, the asset column asked dictionary-encoded; and the
/// file's row count.
fn parquet_reader(
    path: &Path,
    file: std::fs::File,
    schema: &arrow_schema::SchemaRef,
    cols: &[usize],
) -> Result<(
    parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    usize,
)> {
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(j, f)| {
            if j == cols[1] && matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8) {
                Field::new(
                    f.name(),
                    DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(f.data_type().clone()),
                    ),
                    f.is_nullable(),
                )
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    let opts = ArrowReaderOptions::new().with_schema(std::sync::Arc::new(Schema::new(fields)));
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(file, opts)
        .map_err(|e| pq(path, &e))?;
    let mask =
        parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), cols.iter().copied());
    let n_rows = builder.metadata().file_metadata().num_rows().max(0) as usize;
    let reader = builder
        .with_projection(mask)
        .with_batch_size(1 << 16)
        .build()
        .map_err(|e| pq(path, &e))?;
    Ok((reader, n_rows))
}

/// The three columns of a long Parquet file, by name, and their conversions.
struct LongCols<'a> {
    path: &'a Path,
    date: &'a str,
    asset: &'a str,
    value: &'a str,
}

impl LongCols<'_> {
    /// Dates (date32, timestamps of any unit, or text) → day numbers.
    fn days(&self, dc: &arrow_array::ArrayRef, row0: usize) -> Result<Vec<Option<i64>>> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::*;
        use arrow_array::Array;
        use arrow_schema::{DataType, TimeUnit};
        let n = dc.len();
        Ok(match dc.data_type() {
            DataType::Date32 => {
                let a = dc.as_primitive::<Date32Type>();
                (0..n)
                    .map(|i| (!a.is_null(i)).then(|| a.value(i) as i64))
                    .collect()
            }
            DataType::Timestamp(unit, _) => {
                let (raw, k): (Vec<Option<i64>>, i64) = match unit {
                    TimeUnit::Second => (
                        dc.as_primitive::<TimestampSecondType>().iter().collect(),
                        86_400,
                    ),
                    TimeUnit::Millisecond => (
                        dc.as_primitive::<TimestampMillisecondType>()
                            .iter()
                            .collect(),
                        86_400_000,
                    ),
                    TimeUnit::Microsecond => (
                        dc.as_primitive::<TimestampMicrosecondType>()
                            .iter()
                            .collect(),
                        86_400_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        dc.as_primitive::<TimestampNanosecondType>()
                            .iter()
                            .collect(),
                        86_400_000_000_000,
                    ),
                };
                raw.into_iter()
                    .map(|v| v.map(|v| v.div_euclid(k)))
                    .collect()
            }
            DataType::Utf8 | DataType::LargeUtf8 => {
                let mut days = Vec::with_capacity(n);
                for i in 0..n {
                    let s = match dc.as_string_opt::<i32>() {
                        Some(a) => a.value(i),
                        None => dc.as_string::<i64>().value(i),
                    };
                    let d = parse_date(s, None).ok_or_else(|| {
                        cell_err(
                            self.path,
                            row0 + i + 1,
                            self.date,
                            &format!("a date such as 2024-01-31 {}", crate::table::DATE_RANGE),
                            s.to_string(),
                        )
                    })?;
                    days.push(Some(date_to_days(d) as i64));
                }
                days
            }
            t => {
                return Err(lay(
                    self.path,
                    format!(
                        "date column `{}` has type {t}; expected a date, timestamp or text",
                        self.date
                    ),
                ))
            }
        })
    }

    /// Numbers of any float or integer type (null = NaN).
    fn values(&self, vc: &arrow_array::ArrayRef) -> Result<Vec<f64>> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::*;
        use arrow_schema::DataType;
        Ok(match vc.data_type() {
            DataType::Float64 => vc
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect(),
            DataType::Float32 => vc
                .as_primitive::<Float32Type>()
                .iter()
                .map(|v| v.map_or(f64::NAN, |x| x as f64))
                .collect(),
            DataType::Int64 => vc
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map_or(f64::NAN, |x| x as f64))
                .collect(),
            DataType::Int32 => vc
                .as_primitive::<Int32Type>()
                .iter()
                .map(|v| v.map_or(f64::NAN, |x| x as f64))
                .collect(),
            t => {
                return Err(lay(
                    self.path,
                    format!(
                        "value column `{}` has type {t}; expected numbers",
                        self.value
                    ),
                ))
            }
        })
    }

    /// Assets → ids, via the dictionary when there is one.
    fn assets(&self, ac: &arrow_array::ArrayRef, acc: &mut Acc) -> Result<Vec<Option<u32>>> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::*;
        use arrow_array::Array;
        use arrow_schema::DataType;
        Ok(match ac.data_type() {
            DataType::Dictionary(_, _) => {
                let d = ac.as_dictionary::<Int32Type>();
                let values = d.values();
                let names: Vec<Option<u32>> = (0..values.len())
                    .map(|k| {
                        let s = match values.as_string_opt::<i32>() {
                            Some(a) => a.value(k),
                            None => values.as_string::<i64>().value(k),
                        };
                        Some(acc.id(s))
                    })
                    .collect();
                d.keys()
                    .iter()
                    .map(|k| k.and_then(|k| names[k as usize]))
                    .collect()
            }
            DataType::Utf8 => ac
                .as_string::<i32>()
                .iter()
                .map(|s| s.map(|s| acc.id(s)))
                .collect(),
            DataType::Utf8View => ac
                .as_string_view()
                .iter()
                .map(|s| s.map(|s| acc.id(s)))
                .collect(),
            DataType::Int64 => ac
                .as_primitive::<Int64Type>()
                .iter()
                .map(|s| s.map(|s| acc.id(&s.to_string())))
                .collect(),
            t => {
                return Err(lay(
                    self.path,
                    format!("asset column `{}` has type {t}; expected text", self.asset),
                ))
            }
        })
    }
}

/// Read a `date, label` file (CSV) — e.g. a regime series — into a date-sorted map.
/// The label column is the first column that is not the date.
pub fn read_labels(path: &Path) -> Result<std::collections::BTreeMap<NaiveDate, String>> {
    let text = csv_text(path)?;
    let (mut rdr, headers) = csv_open(path, &text)?;
    let dj =
        find_col(&headers, DATE_NAMES).ok_or_else(|| no_col(path, "date", DATE_NAMES, &headers))?;
    let lj = (0..headers.len())
        .find(|&j| j != dj)
        .ok_or_else(|| lay(path, "expected a label column beside the date".into()))?;
    let mut out = std::collections::BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    let mut lines = LineCounter::default();
    while let Some(row) = next_record(path, &text, &mut rdr, &mut rec, &mut lines)? {
        let s = rec.get(dj).unwrap_or("").trim();
        let err = |expected: &str, found: String| DataError::Cell {
            file: path.to_path_buf(),
            cell: None,
            row,
            column: headers[dj].clone(),
            expected: expected.into(),
            found,
        };
        let d = parse_date(s, None).ok_or_else(|| err("a date", s.into()))?;
        let label = rec.get(lj).unwrap_or("").trim().to_string();
        if let Some(prev) = out.insert(d, label) {
            return Err(err(
                "one label per date",
                format!("{d} again (earlier label `{prev}`)"),
            ));
        }
    }
    Ok(out)
}
