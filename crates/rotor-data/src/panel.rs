//! Reading dense panels and the trading calendar from the store.
//!
//! **One source per code.** The store may hold a code from several vendors. A panel
//! takes, per code, the first source in the caller's preference list that has the code;
//! otherwise the source with the most rows (ties: alphabetical). Sources are never mixed
//! within one code's series, so adjustment levels cannot splice.

use crate::calendar::TradingCalendar;
use crate::error::{DataError, Result};
use crate::schema::Dataset;
use crate::store::Store;
use crate::table::{days_to_date, Table};
use rotor_core::Panel;
use std::collections::{BTreeMap, HashMap};

/// Which source each code uses, per the rule in the module docs.
pub fn choose_sources(table: &Table, preference: &[String]) -> BTreeMap<String, String> {
    let codes = table.str_col("code");
    let sources = table.str_col("source");
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (c, s) in codes.iter().zip(sources) {
        if let (Some(c), Some(s)) = (c, s) {
            *counts.entry(c).or_default().entry(s).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(code, by_src)| {
            let pick = preference
                .iter()
                .find(|p| by_src.contains_key(p.as_str()))
                .map(|p| p.to_string())
                .unwrap_or_else(|| {
                    let mut v: Vec<_> = by_src.iter().collect();
                    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    v[0].0.to_string()
                });
            (code.to_string(), pick)
        })
        .collect()
}

/// A date × code panel of `field` from a dated dataset (`prices`, `valuation`, `flows`,
/// `etf_size`), optionally restricted to `codes`, with the source rule above.
///
/// Streams the four needed columns (`code`, `date`, `source`, `field`) batch by batch
/// from the store file, relying on its key order (code, date, source): each code's rows
/// are contiguous, so the source choice is made per code run and no string is hashed
/// per row. The result equals [`panel_from_table`] on the same rows (tested).
pub fn read_panel(
    store: &Store,
    dataset: Dataset,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
) -> Result<Panel> {
    Ok(read_panel_impl(store, dataset, field, codes, preference, false)?.0)
}

/// A cell published after its own date: `(row, column, available_at)` of a panel, with
/// `available_at` in days since the epoch (see [`crate::table::days_to_date`]).
pub type LateCell = (usize, usize, i32);

/// [`read_panel`] plus the cells whose `available_at` is later than their `date` (ETF
/// size published the next day, a vendor's late rows), in row-major order — what a
/// point-in-time reader must hide until they are published.
pub fn read_panel_pit(
    store: &Store,
    dataset: Dataset,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
) -> Result<(Panel, Vec<LateCell>)> {
    read_panel_impl(store, dataset, field, codes, preference, true)
}

fn read_panel_impl(
    store: &Store,
    dataset: Dataset,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
    with_avail: bool,
) -> Result<(Panel, Vec<LateCell>)> {
    if dataset.column_index(field).is_none() || !dataset.has_date() {
        return Err(DataError::Missing(format!(
            "dataset {dataset} has no dated column `{field}`"
        )));
    }
    if dataset.key_indices()[..2] != [0, 1] || dataset.columns()[1].name != "date" {
        // not keyed (code, date, …): take the general path
        return general_path(store, dataset, field, codes, preference, with_avail);
    }
    let path = store.path(dataset);
    let mut runs = CodeRuns {
        wanted: codes.map(|c| c.iter().map(String::as_str).collect()),
        preference,
        series: BTreeMap::new(),
        late: BTreeMap::new(),
        cur: None,
        cur_keep: false,
        unsorted: false,
        srcs: Vec::new(),
        rows: Vec::new(),
        avails: Vec::new(),
    };
    if store.has(dataset) {
        let mut cols = vec!["code", "date", "source", field];
        if with_avail {
            cols.push("available_at");
        }
        crate::parquet_io::for_each_batch(&path, &cols, |a| runs.batch(&path, field, a))?;
    }
    runs.finish_code();
    if runs.unsorted {
        // a file not in key order (written by another tool): take the general path
        return general_path(store, dataset, field, codes, preference, with_avail);
    }
    Ok(runs.into_panel())
}

/// The streaming state of [`read_panel_impl`]: rows arrive in key order (code, date,
/// source), so each code's rows form one run; the source is chosen per run.
struct CodeRuns<'a> {
    wanted: Option<std::collections::HashSet<&'a str>>,
    preference: &'a [String],
    /// per kept code: its (date, value) observations from the chosen source
    series: BTreeMap<String, Vec<(i32, f64)>>,
    /// per kept code: (date, available_at) of its chosen rows published after their date
    late: BTreeMap<String, Vec<(i32, i32)>>,
    /// the current run: code, kept?, distinct sources, rows (date, source id, value)
    cur: Option<String>,
    cur_keep: bool,
    unsorted: bool,
    srcs: Vec<String>,
    rows: Vec<(i32, u32, f64)>,
    avails: Vec<i32>,
}

impl CodeRuns<'_> {
    /// Close the current run: choose its source and keep its rows.
    fn finish_code(&mut self) {
        let code = self.cur.take();
        if let (Some(code), true) = (code, self.cur_keep) {
            let (srcs, rows) = (&self.srcs, &self.rows);
            let pick = self
                .preference
                .iter()
                .find_map(|p| srcs.iter().position(|s| s == p))
                .unwrap_or_else(|| {
                    let mut n = vec![0usize; srcs.len()];
                    for r in rows.iter() {
                        n[r.1 as usize] += 1;
                    }
                    let mut order: Vec<usize> = (0..srcs.len()).collect();
                    order.sort_by(|&a, &b| n[b].cmp(&n[a]).then(srcs[a].cmp(&srcs[b])));
                    order[0]
                }) as u32;
            let obs: Vec<(i32, f64)> = rows
                .iter()
                .filter(|r| r.1 == pick)
                .map(|r| (r.0, r.2))
                .collect();
            if !self.avails.is_empty() {
                let l: Vec<(i32, i32)> = rows
                    .iter()
                    .zip(self.avails.iter())
                    .filter(|(r, a)| r.1 == pick && **a > r.0)
                    .map(|(r, a)| (r.0, *a))
                    .collect();
                if !l.is_empty() {
                    self.late.insert(code.clone(), l);
                }
            }
            self.series.insert(code, obs);
        }
        self.srcs.clear();
        self.rows.clear();
        self.avails.clear();
    }

    /// The source id of row `i` (its position among the run's distinct sources).
    fn source_id(&mut self, s: &str) -> u32 {
        match self.srcs.iter().position(|x| x == s) {
            Some(k) => k as u32,
            None => {
                self.srcs.push(s.to_string());
                (self.srcs.len() - 1) as u32
            }
        }
    }

    /// One record batch of `code, date, source, field[, available_at]`.
    fn batch(
        &mut self,
        path: &std::path::Path,
        field: &str,
        a: &[arrow_array::ArrayRef],
    ) -> Result<()> {
        use arrow_array::{Array, Date32Array, Float64Array};
        let bad = |c: &str| DataError::Parquet {
            path: path.to_path_buf(),
            message: format!("column `{c}` has an unexpected type"),
        };
        let code = Strs::of(&a[0]).ok_or_else(|| bad("code"))?;
        let date = a[1]
            .as_any()
            .downcast_ref::<Date32Array>()
            .ok_or_else(|| bad("date"))?;
        let src = Strs::of(&a[2]).ok_or_else(|| bad("source"))?;
        let val = a[3]
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| bad(field))?;
        let avail = match a.get(4) {
            Some(x) => Some(
                x.as_any()
                    .downcast_ref::<Date32Array>()
                    .ok_or_else(|| bad("available_at"))?,
            ),
            None => None,
        };
        let (mut last_src, mut last_src_key, mut last_code_key) = (u32::MAX, i64::MIN, i64::MIN);
        for i in 0..date.len() {
            let Some(c) = code.get(i) else { continue };
            if date.is_null(i) {
                continue;
            }
            let ck = code.key(i);
            if (ck != last_code_key || ck < 0) && self.cur.as_deref() != Some(c) {
                // codes must arrive in ascending runs (the store's key order)
                self.unsorted |= self.cur.as_deref().is_some_and(|p| p > c);
                self.finish_code();
                self.cur = Some(c.to_string());
                self.cur_keep = self.wanted.as_ref().is_none_or(|w| w.contains(c));
                last_src = u32::MAX;
                last_src_key = i64::MIN;
            }
            last_code_key = ck;
            if !self.cur_keep {
                continue;
            }
            let sk = src.key(i);
            let sid = if last_src != u32::MAX && sk >= 0 && sk == last_src_key {
                last_src
            } else {
                last_src_key = sk;
                let s = src.get(i).unwrap_or("");
                if last_src != u32::MAX && self.srcs[last_src as usize] == s {
                    last_src
                } else {
                    self.source_id(s)
                }
            };
            last_src = sid;
            let v = if val.is_null(i) {
                f64::NAN
            } else {
                val.value(i)
            };
            self.rows.push((date.value(i), sid, v));
            if let Some(av) = avail {
                // a missing available_at is treated as the row's own date
                self.avails.push(if av.is_null(i) {
                    date.value(i)
                } else {
                    av.value(i)
                });
            }
        }
        Ok(())
    }

    /// The dense panel (dates = every date with a kept row) and its late cells.
    fn into_panel(self) -> (Panel, Vec<LateCell>) {
        let assets: Vec<String> = self.series.keys().cloned().collect();
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for obs in self.series.values() {
            for &(d, _) in obs {
                lo = lo.min(d);
                hi = hi.max(d);
            }
        }
        if lo > hi {
            return (Panel::nan(Vec::new(), assets), Vec::new());
        }
        let span = (hi - lo + 1) as usize;
        let mut row_of = vec![usize::MAX; span];
        for obs in self.series.values() {
            for &(d, _) in obs {
                row_of[(d - lo) as usize] = 0;
            }
        }
        let mut dates = Vec::new();
        for (k, r) in row_of.iter_mut().enumerate() {
            if *r == 0 {
                *r = dates.len();
                dates.push(days_to_date(lo + k as i32));
            }
        }
        let n = assets.len();
        let mut panel = Panel::nan(dates, assets);
        for (j, obs) in self.series.values().enumerate() {
            for &(d, v) in obs {
                panel.values[row_of[(d - lo) as usize] * n + j] = v;
            }
        }
        let mut cells: Vec<LateCell> = Vec::new();
        for (j, code) in self.series.keys().enumerate() {
            for &(d, a) in self.late.get(code).map(Vec::as_slice).unwrap_or(&[]) {
                cells.push((row_of[(d - lo) as usize], j, a));
            }
        }
        cells.sort_unstable();
        (panel, cells)
    }
}

/// The path for files not in key order: the whole table in memory.
fn general_path(
    store: &Store,
    dataset: Dataset,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
    with_avail: bool,
) -> Result<(Panel, Vec<LateCell>)> {
    let mut cols = vec!["code", "date", "source", field];
    if with_avail {
        cols.push("available_at");
    }
    let t = store.read_columns(dataset, Some(&cols))?;
    let panel = panel_from_table(&t, field, codes, preference);
    if !with_avail {
        return Ok((panel, Vec::new()));
    }
    let chosen = choose_sources(&t, preference);
    let (code, src, date, av) = (
        t.str_col("code"),
        t.str_col("source"),
        t.date_col("date"),
        t.date_col("available_at"),
    );
    let mut cells = Vec::new();
    for i in 0..t.len() {
        let (Some(c), Some(d), Some(a)) = (code[i].as_deref(), date[i], av[i]) else {
            continue;
        };
        if a <= d || src[i].as_deref() != chosen.get(c).map(String::as_str) {
            continue;
        }
        let (Ok(j), Ok(r)) = (
            panel.assets.binary_search_by(|x| x.as_str().cmp(c)),
            panel.dates.binary_search(&days_to_date(d)),
        ) else {
            continue;
        };
        cells.push((r, j, a));
    }
    cells.sort_unstable();
    Ok((panel, cells))
}

/// Build a panel from an in-memory table (see [`read_panel`]).
pub fn panel_from_table(
    t: &Table,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
) -> Panel {
    let chosen = choose_sources(t, preference);
    let code_col = t.str_col("code");
    let src_col = t.str_col("source");
    let date_col = t.date_col("date");
    let val = t.f64_col(field);
    let mut assets: Vec<String> = match codes {
        Some(c) => c
            .iter()
            .filter(|c| chosen.contains_key(*c))
            .cloned()
            .collect(),
        None => chosen.keys().cloned().collect(),
    };
    assets.sort();
    assets.dedup();
    let aidx: HashMap<&str, usize> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    let keep = |i: usize| -> Option<usize> {
        let c = code_col[i].as_deref()?;
        let j = *aidx.get(c)?;
        (src_col[i].as_deref() == chosen.get(c).map(String::as_str)).then_some(j)
    };
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for (i, dc) in date_col.iter().enumerate() {
        if let (Some(_), Some(d)) = (keep(i), *dc) {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    }
    if lo > hi {
        return Panel::nan(Vec::new(), assets);
    }
    let span = (hi - lo + 1) as usize;
    let mut present = vec![false; span];
    for (i, dc) in date_col.iter().enumerate() {
        if let (Some(_), Some(d)) = (keep(i), *dc) {
            present[(d - lo) as usize] = true;
        }
    }
    let mut row_of = vec![usize::MAX; span];
    let mut dates = Vec::new();
    for (k, p) in present.iter().enumerate() {
        if *p {
            row_of[k] = dates.len();
            dates.push(days_to_date(lo + k as i32));
        }
    }
    let n = assets.len();
    let mut panel = Panel::nan(dates, assets.clone());
    for i in 0..t.len() {
        if let (Some(j), Some(d)) = (keep(i), date_col[i]) {
            panel.values[row_of[(d - lo) as usize] * n + j] = val[i];
        }
    }
    panel
}

/// The trading calendar: dates on which `reference` has a close in `prices`
/// (any source). No holiday table is involved.
pub fn calendar_from_store(store: &Store, reference: &str) -> Result<TradingCalendar> {
    let aliases = store.aliases()?;
    let reference = &*aliases.canonical(reference);
    let t = store.read_columns(Dataset::Prices, Some(&["code", "date", "close"]))?;
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    let close = t.f64_col("close");
    let days: Vec<_> = (0..t.len())
        .filter(|&i| codes[i].as_deref() == Some(reference) && !close[i].is_nan())
        .filter_map(|i| dates[i].map(days_to_date))
        .collect();
    if days.is_empty() {
        return Err(DataError::Missing(format!(
            "calendar reference series {reference} has no prices in the store (import it, or choose another with --calendar CODE)"
        )));
    }
    Ok(TradingCalendar::new(days))
}

/// A text column as read from Parquet: plain or dictionary-encoded.
enum Strs<'a> {
    Plain(&'a arrow_array::StringArray),
    Dict(&'a arrow_array::Int32Array, &'a arrow_array::StringArray),
}

impl<'a> Strs<'a> {
    fn of(a: &'a arrow_array::ArrayRef) -> Option<Self> {
        use arrow_array::{types::Int32Type, Array, DictionaryArray, StringArray};
        if let Some(p) = a.as_any().downcast_ref::<StringArray>() {
            return Some(Strs::Plain(p));
        }
        let d = a.as_any().downcast_ref::<DictionaryArray<Int32Type>>()?;
        let v = d.values().as_any().downcast_ref::<StringArray>()?;
        Some(Strs::Dict(d.keys(), v))
    }

    /// The text at row `i` (`None` when null).
    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        use arrow_array::Array;
        match self {
            Strs::Plain(p) => (!p.is_null(i)).then(|| p.value(i)),
            Strs::Dict(k, v) => (!k.is_null(i)).then(|| v.value(k.value(i) as usize)),
        }
    }

    /// The dictionary key at row `i` (−1 for plain columns: no shortcut).
    #[inline]
    fn key(&self, i: usize) -> i64 {
        match self {
            Strs::Plain(_) => -1,
            Strs::Dict(k, _) => k.value(i) as i64,
        }
    }
}

/// The codes of the store's stock prices (`asset_type = stock`), sorted; an error saying
/// what to import when there are none.
pub fn stock_codes(store: &Store) -> Result<Vec<String>> {
    let t = store.read_columns(Dataset::Prices, Some(&["code", "asset_type"]))?;
    let codes: std::collections::BTreeSet<String> = t
        .str_col("code")
        .iter()
        .zip(t.str_col("asset_type"))
        .filter(|(_, k)| k.as_deref() == Some("stock"))
        .filter_map(|(c, _)| c.as_deref().map(str::to_string))
        .collect();
    if codes.is_empty() {
        return Err(crate::DataError::Layout {
            file: store.root().to_path_buf(),
            message: "no stock prices (asset_type = stock) in the store; import stock bars first"
                .into(),
        });
    }
    Ok(codes.into_iter().collect())
}

/// Field `name` of `ds` for the assets of `grid`, on `grid`'s dates and assets (NaN where
/// absent); None when the store has no finite value of it.
pub fn field_on_grid(
    store: &Store,
    ds: Dataset,
    name: &str,
    grid: &Panel,
) -> Result<Option<Panel>> {
    if !store.has(ds) {
        return Ok(None);
    }
    let p = read_panel(store, ds, name, Some(&grid.assets), &[])?;
    if p.values.iter().all(|v| !v.is_finite()) {
        return Ok(None);
    }
    Ok(Some(p.reindex(&grid.dates, &grid.assets)))
}
