//! The risk model on a rotor store: the stock panels it reads ([`load_stocks`]: closes,
//! total returns that survive ex-rights days, caps, turnover, PB, PE, industries from a
//! file) and the files it writes ([`write_outputs`]) — what `rotor risk` and the Python
//! package's `rotor.risk_model` run, and what `rotor eval --neutralize`, `rotor funds`
//! and `rotor limit` read stocks through.
//!
//! Caps: valuation `float_cap`, else `total_cap`, else the float cap implied by
//! `amount / turnover_rate`, carried over at most 20 days of suspension. Outputs:
//!
//! * `exposures.parquet` (date, asset, factor, value) — the standardised styles;
//! * `factor_returns.parquet` / `.csv` (date, factor, value) — country, industries, styles;
//! * `specific_returns.parquet` (date, asset, value), `weights.parquet` (date, asset,
//!   weight = √cap of the previous close, the stocks in each day's regression);
//! * `r2.csv` (date, r2, n_used), `covariance.csv` (the EWMA factor covariance at the last
//!   date, annualised), `summary.json`.

use crate::model::{RiskInputs, RiskModel};
use crate::statements::{statement_panels, StatementConfig, StatementPanels};
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_core::Panel;
use rotor_data::import::codes::{normalize, CodeKind};
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What can go wrong reading the store or writing the outputs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be read.
    #[error(transparent)]
    Data(#[from] rotor_data::DataError),
    /// An input is missing or malformed (the message names it).
    #[error("{0}")]
    Input(String),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl StoreError {
    fn input(m: String) -> Self {
        StoreError::Input(m)
    }
}

/// Result of this module.
pub type Result<T> = std::result::Result<T, StoreError>;

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// A CSV reader and its header names (trimmed, without a UTF-8 BOM).
fn csv_with_headers(path: &Path) -> Result<(csv::Reader<std::fs::File>, Vec<String>)> {
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| StoreError::input(format!("{}: {e}", path.display())))?;
    let h = r
        .headers()
        .map_err(|e| StoreError::input(format!("{}: no header row ({e})", path.display())))?
        .iter()
        .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    Ok((r, h))
}

/// Days a cap is carried over a gap (suspension) before the stock drops out.
const CAP_CARRY_DAYS: usize = 20;

/// The stocks of the store (asset_type = stock), or the `--universe` codes.
fn stock_codes(store: &Store, universe: &[String]) -> Result<Vec<String>> {
    if !universe.is_empty() {
        return Ok(universe.to_vec());
    }
    Ok(rotor_data::panel::stock_codes(store)?)
}

/// A store field on the close panel's grid (NaN where absent).
fn field(store: &Store, ds: Dataset, name: &str, grid: &Panel) -> Result<Option<Panel>> {
    Ok(rotor_data::panel::field_on_grid(store, ds, name, grid)?)
}

/// Caps by the first available rule per cell, carried over short gaps; and the count of
/// cells from each rule.
fn caps(
    float: Option<&Panel>,
    total: Option<&Panel>,
    amount: Option<&Panel>,
    turnover: Option<&Panel>,
    grid: &Panel,
) -> (Vec<f64>, BTreeMap<&'static str, usize>) {
    let (t_len, n) = (grid.dates.len(), grid.assets.len());
    let mut out = vec![f64::NAN; t_len * n];
    let mut used: BTreeMap<&'static str, usize> = BTreeMap::new();
    let at = |p: Option<&Panel>, k: usize| p.map_or(f64::NAN, |p| p.values[k]);
    for j in 0..n {
        let mut last = f64::NAN;
        let mut age = usize::MAX;
        for t in 0..t_len {
            let k = t * n + j;
            let (f, c, a, r) = (at(float, k), at(total, k), at(amount, k), at(turnover, k));
            let v = if f > 0.0 {
                *used.entry("float_cap").or_default() += 1;
                f
            } else if c > 0.0 {
                *used.entry("total_cap").or_default() += 1;
                c
            } else if a > 0.0 && r > 0.0 {
                *used.entry("amount / turnover_rate").or_default() += 1;
                a / r
            } else {
                f64::NAN
            };
            if v.is_finite() {
                last = v;
                age = 0;
                out[k] = v;
            } else if age < CAP_CARRY_DAYS && grid.values[k].is_finite() {
                age += 1;
                out[k] = last;
            } else {
                age = age.saturating_add(1);
            }
        }
    }
    (out, used)
}

/// One row of an industry file: (stock, industry, effective from — None for a
/// classification without dates).
type IndustryRow = (String, String, Option<NaiveDate>);

/// The rows of an industry file: a code column (code / ts_code / 证券代码 / 股票代码 /
/// symbol), an industry column (industry / 行业 / industry_name / 所属行业) and, for a
/// dated history, a start column (start / start_date / in_date / 纳入日期 / 起始日期 /
/// 生效日期, YYYY-MM-DD or YYYYMMDD): the day the stock entered that industry.
fn industry_rows(path: &Path) -> Result<Vec<IndustryRow>> {
    let (mut r, h) = csv_with_headers(path)?;
    let h: Vec<String> = h.iter().map(|s| s.to_lowercase()).collect();
    let find = |names: &[&str]| h.iter().position(|x| names.contains(&x.as_str()));
    let missing = |what: &str, names: &str| {
        StoreError::input(format!(
            "{}: no {what} column ({names}); headers: {}",
            path.display(),
            h.join(", ")
        ))
    };
    let ci = find(&["code", "ts_code", "证券代码", "股票代码", "symbol"])
        .ok_or_else(|| missing("code", "code / ts_code / 证券代码 / 股票代码 / symbol"))?;
    let ii = find(&["industry", "行业", "industry_name", "所属行业"])
        .ok_or_else(|| missing("industry", "industry / 行业 / industry_name / 所属行业"))?;
    let si = find(&[
        "start",
        "start_date",
        "in_date",
        "纳入日期",
        "起始日期",
        "生效日期",
    ]);
    let mut out = Vec::new();
    for (row, rec) in r.records().enumerate() {
        let at = |col: usize, e: &dyn std::fmt::Display| {
            StoreError::input(format!(
                "{}: row {}, column {}: {e}",
                path.display(),
                row + 2,
                h[col]
            ))
        };
        let rec = rec
            .map_err(|e| StoreError::input(format!("{}: row {}: {e}", path.display(), row + 2)))?;
        let (c, i) = (
            rec.get(ci).unwrap_or("").trim(),
            rec.get(ii).unwrap_or("").trim(),
        );
        if c.is_empty() || i.is_empty() {
            continue;
        }
        let code = normalize(c, CodeKind::Stock).map_err(|e| at(ci, &e))?;
        let start = match si.map(|j| rec.get(j).unwrap_or("").trim()) {
            None => None,
            Some(x) => Some(
                NaiveDate::parse_from_str(x, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(x, "%Y%m%d"))
                    .map_err(|_| {
                        at(
                            si.unwrap_or(0),
                            &format!("`{x}`: expected a date (YYYY-MM-DD or YYYYMMDD)"),
                        )
                    })?,
            ),
        };
        out.push((code, i.to_string(), start));
    }
    Ok(out)
}

/// Industries from a CSV ([`industry_rows`]) for `codes`: one per stock (`n` entries) for
/// a file without dates, or a dated history on `dates` (`t × n`, row-major: on each day
/// the industry of the stock's latest entry starting on or before it; none before its
/// first). Returns (industries, names, stocks never classified).
fn industries(
    path: &Path,
    codes: &[String],
    dates: &[NaiveDate],
) -> Result<(Vec<Option<usize>>, Vec<String>, usize)> {
    let rows = industry_rows(path)?;
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let idx: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k))
        .collect();
    let mut by_code: BTreeMap<&str, Vec<(Option<NaiveDate>, usize)>> = BTreeMap::new();
    for (c, i, s) in &rows {
        by_code
            .entry(c.as_str())
            .or_default()
            .push((*s, idx[i.as_str()]));
    }
    by_code.values_mut().for_each(|v| v.sort());
    let missing = codes
        .iter()
        .filter(|c| !by_code.contains_key(c.as_str()))
        .count();
    if rows.iter().all(|r| r.2.is_none()) {
        let ind = codes
            .iter()
            .map(|c| by_code.get(c.as_str()).and_then(|v| v.last()).map(|x| x.1))
            .collect();
        return Ok((ind, names, missing));
    }
    let n = codes.len();
    let mut ind = vec![None; dates.len() * n];
    for (j, c) in codes.iter().enumerate() {
        let Some(v) = by_code.get(c.as_str()) else {
            continue;
        };
        for (t, d) in dates.iter().enumerate() {
            let k = v.partition_point(|(s, _)| s.is_none_or(|s| s <= *d));
            ind[t * n + j] = k.checked_sub(1).map(|k| v[k].1);
        }
    }
    Ok((ind, names, missing))
}

/// The rows of `dates` within [start, end].
pub fn window(
    dates: &[NaiveDate],
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> (usize, usize) {
    let a = start.map_or(0, |s| dates.partition_point(|d| *d < s));
    let b = end.map_or(dates.len(), |e| dates.partition_point(|d| *d <= e));
    (a, b.max(a))
}

/// The stock panels a risk model reads, on the grid of the stocks' closes.
pub struct StockData {
    /// Closes (dates × stocks).
    pub close: Panel,
    /// Daily total returns.
    pub returns: Panel,
    /// Caps.
    pub caps: Vec<f64>,
    /// Turnover rates when stored.
    pub turnover: Option<Panel>,
    /// PB.
    pub pb: Option<Panel>,
    /// PE TTM.
    pub pe: Option<Panel>,
    /// Growth and leverage descriptors from the store's `fundamentals`, when any of
    /// these stocks has statements.
    pub statements: Option<StatementPanels>,
    /// Industry of each stock (`n`), or of each stock on each day (`t × n`, a dated
    /// history): read it with [`StockData::industry_at`].
    pub industry: Vec<Option<usize>>,
    /// Industry names.
    pub industry_names: Vec<String>,
    /// What the loader did and could not do.
    pub notes: Vec<String>,
}

impl StockData {
    /// The industry of stock `k` on day `t` (of `close`'s dates), for a static
    /// classification or a dated history alike.
    pub fn industry_at(&self, t: usize, k: usize) -> Option<usize> {
        let n = self.close.assets.len();
        if self.industry.len() == n {
            self.industry[k]
        } else {
            self.industry.get(t * n + k).copied().flatten()
        }
    }

    /// The model's inputs.
    pub fn inputs(&self) -> RiskInputs<'_> {
        RiskInputs {
            n: self.close.assets.len(),
            returns: &self.returns.values,
            caps: &self.caps,
            turnover: self.turnover.as_ref().map(|p| &p.values[..]),
            pb: self.pb.as_ref().map(|p| &p.values[..]),
            pe: self.pe.as_ref().map(|p| &p.values[..]),
            statements: self.statements.as_ref(),
            industry: &self.industry,
            industry_names: &self.industry_names,
        }
    }
}

/// Daily total returns of the stocks of `close` from the store's `preclose`, `tr_close`
/// and `adj_factor` ([`rotor_data::returns::total_returns_adj`]).
pub fn stock_returns(
    store: &Store,
    close: &Panel,
) -> Result<(Panel, rotor_data::returns::ReturnReport)> {
    let preclose = field(store, Dataset::Prices, "preclose", close)?;
    let tr = field(store, Dataset::Prices, "tr_close", close)?;
    let adj = field(store, Dataset::Prices, "adj_factor", close)?;
    Ok(rotor_data::returns::total_returns_adj(
        close,
        preclose.as_ref(),
        tr.as_ref(),
        adj.as_ref(),
        0.35,
    ))
}

/// Read the store's stocks (or `universe`) up to `end`, with industries from a file.
pub fn load_stocks(
    store: &Store,
    universe: &[String],
    end: Option<NaiveDate>,
    industries_file: Option<&Path>,
) -> Result<StockData> {
    let codes = stock_codes(store, universe)?;
    let close = read_panel(store, Dataset::Prices, "close", Some(&codes), &[])?;
    let close = match end {
        Some(e) => {
            let k = close.dates.partition_point(|d| *d <= e);
            let dates = close.dates[..k].to_vec();
            close.reindex(&dates, &close.assets)
        }
        None => close,
    };
    let codes = close.assets.clone();
    if close.dates.is_empty() || codes.is_empty() {
        return Err(StoreError::input(format!(
            "no stock closes to model (codes: {})",
            codes.len()
        )));
    }
    let (returns, rep) = stock_returns(store, &close)?;
    let turnover = field(store, Dataset::Valuation, "turnover_rate", &close)?;
    let amount = field(store, Dataset::Prices, "amount", &close)?;
    let float = field(store, Dataset::Valuation, "float_cap", &close)?;
    let total = field(store, Dataset::Valuation, "total_cap", &close)?;
    let pb = field(store, Dataset::Valuation, "pb", &close)?;
    let pe = field(store, Dataset::Valuation, "pe_ttm", &close)?;
    let (cap, cap_rules) = caps(
        float.as_ref(),
        total.as_ref(),
        amount.as_ref(),
        turnover.as_ref(),
        &close,
    );
    if cap.iter().all(|v| !v.is_finite()) {
        return Err(StoreError::input(
            "no caps: the store has neither valuation float_cap / total_cap nor prices amount \
             with valuation turnover_rate for these stocks"
                .into(),
        ));
    }
    let (industry, names, missing) = match industries_file {
        Some(p) => industries(p, &codes, &close.dates)?,
        None => (vec![Some(0); codes.len()], vec!["all".to_string()], 0),
    };
    let dated = industry.len() != codes.len();
    // MLEV divides by the whole company's value: total cap where stored
    // (the model's cap where a day has no total cap, so a gap is no missing MLEV)
    let me: Vec<f64> = match &total {
        Some(p) => p
            .values
            .iter()
            .zip(&cap)
            .map(|(t, c)| if *t > 0.0 { *t } else { *c })
            .collect(),
        None => cap.clone(),
    };
    let (statements, covered) = statement_panels_of(store, &close, &me)?;
    let mut notes = loader_notes(
        &rep,
        &cap_rules,
        industries_file.map(|p| (p, names.len(), missing, codes.len())),
        [turnover.is_some(), pb.is_some(), pe.is_some()],
    );
    notes.push(match &statements {
        Some(_) => format!(
            "styles growth and leverage from fundamentals: {covered} of {} stocks have statements (each read as known the day after its announcement); the others take exposure 0; liabilities stand in for debt (docs in rotor_risk::statements)",
            codes.len()
        ),
        None => "styles growth and leverage need statements (fundamentals revenue, net_profit, equity, total_assets, total_liabilities): none for these stocks, not built".into(),
    });
    if dated {
        notes.push(
            "industries: a dated history — each day's regression uses the classification in force on its exposure date (the previous close)"
                .into(),
        );
    }
    Ok(StockData {
        close,
        returns,
        caps: cap,
        turnover,
        pb,
        pe,
        statements,
        industry,
        industry_names: names,
        notes,
    })
}

/// The statement descriptors of the stocks of `close` from the store's
/// `fundamentals` (one source per stock, as the point-in-time view picks it), and how
/// many stocks have statements. None when none has.
fn statement_panels_of(
    store: &Store,
    close: &Panel,
    me: &[f64],
) -> Result<(Option<StatementPanels>, usize)> {
    let codes = &close.assets;
    let mut view = rotor_data::view::PitView::new(rotor_core::calendar::TradingCalendar::new(
        close.dates.clone(),
    ));
    view.load_statements(store, codes, &[])?;
    // every vintage: statement_panels cuts them at each date by the view's rule
    let rows: Vec<Vec<rotor_data::view::QuarterObs>> = codes
        .iter()
        .map(|c| view.statement_vintages(c).to_vec())
        .collect();
    let covered = rows.iter().filter(|r| !r.is_empty()).count();
    if covered == 0 {
        return Ok((None, 0));
    }
    let p = statement_panels(&rows, &close.dates, me, StatementConfig::default());
    Ok((Some(p), covered))
}

/// What the loader says it did and could not do: the return sources, ex-rights moves
/// blanked, the cap rules used, the industries (file, count, stocks without one), the
/// styles not built for want of data (`has`: turnover, PB, PE).
fn loader_notes(
    rep: &rotor_data::returns::ReturnReport,
    cap_rules: &BTreeMap<&'static str, usize>,
    industries: Option<(&Path, usize, usize, usize)>,
    has: [bool; 3],
) -> Vec<String> {
    let mut notes = vec![format!(
        "returns: {} from close / preclose, {} from the total-return close, {} from adjustment factors, {} from the price close",
        rep.from_preclose, rep.from_tr_close, rep.from_adj_factor, rep.from_close
    )];
    if !rep.blanked.is_empty() {
        let (d, c, r) = &rep.blanked[0];
        notes.push(format!(
            "{} close-to-close moves beyond ±35 % blanked as likely ex-rights days (no preclose or adjusted close), first {c} on {d}: {:.1} %",
            rep.blanked.len(),
            100.0 * r
        ));
    }
    notes.push(format!(
        "caps: {}",
        cap_rules
            .iter()
            .map(|(k, v)| format!("{v} cells from {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if cap_rules.contains_key("amount / turnover_rate") {
        notes.push(
            "a cap from amount / turnover_rate is the float cap at the day's average price (VWAP × float shares)"
                .into(),
        );
    }
    match industries {
        Some((p, n_names, missing, n_codes)) => notes.push(format!(
            "industries: {} from {} (--industries; the file name only, so the outputs carry no machine path); {missing} of {} stocks have none and stay out of the regressions",
            n_names,
            p.file_name().map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into_owned()),
            n_codes
        )),
        None => notes.push("no --industries file: one industry, the country factor alone".into()),
    }
    let [has_turnover, has_pb, has_pe] = has;
    for (what, has) in [
        ("liquidity (needs valuation turnover_rate)", has_turnover),
        ("book_to_price (needs valuation pb)", has_pb),
        ("earnings_yield (needs valuation pe_ttm)", has_pe),
    ] {
        if !has {
            notes.push(format!("style {what}: not built"));
        }
    }
    notes
}

/// Factor returns, R² and exposure summary frames of the window.
pub fn report_frames(
    dates: &[NaiveDate],
    m: &RiskModel,
    t0: usize,
    t1: usize,
) -> (Frame, Frame, Frame) {
    let q = m.factor_names.len();
    let mut fr = Frame::new("factor_returns").with("date", Column::dates(dates.iter().copied()));
    for (k, name) in m.factor_names.iter().enumerate() {
        fr.push(
            name.clone(),
            Column::Num((t0..t1).map(|t| m.factor_returns[t * q + k]).collect()),
        );
    }
    let r2 = Frame::new("r2")
        .with("date", Column::dates(dates.iter().copied()))
        .with("r2", Column::Num(m.r2[t0..t1].to_vec()))
        .with(
            "n_used",
            Column::Int(m.n_used[t0..t1].iter().map(|x| *x as i64).collect()),
        );
    // exposure quantiles at the last date
    let n = m.specific.len() / m.r2.len().max(1);
    let t = t1 - 1;
    let mut ex = Frame::new("exposure_distribution");
    let mut names = Vec::new();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 6];
    for (name, v) in m.exposures.names.iter().zip(&m.exposures.values) {
        let mut x: Vec<f64> = v[t * n..(t + 1) * n]
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        x.sort_by(f64::total_cmp);
        let qf = |p: f64| {
            if x.is_empty() {
                f64::NAN
            } else {
                x[((x.len() - 1) as f64 * p).round() as usize]
            }
        };
        names.push(name.clone());
        for (c, p) in cols.iter_mut().zip([0.0, 0.05, 0.25, 0.5, 0.75, 0.95]) {
            c.push(if p == 0.0 { x.len() as f64 } else { qf(p) });
        }
        let _ = &mut cols;
    }
    ex.push("factor", Column::Text(names));
    for (c, name) in cols
        .into_iter()
        .zip(["n", "p5", "p25", "median", "p75", "p95"])
    {
        ex.push(name, Column::Num(c));
    }
    (fr, r2, ex)
}

/// Write the model's outputs for the rows `t0..t1` (the dates `dates`) into `out`: the
/// files listed in the module doc.
pub fn write_outputs(
    out: &Path,
    dates: &[NaiveDate],
    codes: &[String],
    m: &RiskModel,
    t0: usize,
    t1: usize,
    half_life: f64,
) -> Result<()> {
    let n = codes.len();
    let q = m.factor_names.len();
    let rows = |v: &[f64], w: usize| v[t0 * w..t1 * w].to_vec();
    let styles: Vec<(String, Vec<f64>)> = m
        .exposures
        .names
        .iter()
        .zip(&m.exposures.values)
        .map(|(name, v)| (name.clone(), rows(v, n)))
        .collect();
    let panels: Vec<(&str, &[f64])> = styles.iter().map(|(a, b)| (a.as_str(), &b[..])).collect();
    rotor_data::parquet_io::write_panels_long(
        &out.join("exposures.parquet"),
        dates,
        codes,
        Some("factor"),
        "value",
        &panels,
    )?;
    let spec = rows(&m.specific, n);
    rotor_data::parquet_io::write_panels_long(
        &out.join("specific_returns.parquet"),
        dates,
        codes,
        None,
        "value",
        &[("specific", &spec)],
    )?;
    let w = rows(&m.weights, n);
    rotor_data::parquet_io::write_panels_long(
        &out.join("weights.parquet"),
        dates,
        codes,
        None,
        "weight",
        &[("weight", &w)],
    )?;
    // factor returns, long: (date, factor, value)
    let fr = rows(&m.factor_returns, q);
    let mut d = Vec::new();
    let mut f = Vec::new();
    let mut v = Vec::new();
    for (t, day) in dates.iter().enumerate() {
        for (k, name) in m.factor_names.iter().enumerate() {
            let x = fr[t * q + k];
            if x.is_finite() {
                d.push(Some(*day));
                f.push(name.clone());
                v.push(x);
            }
        }
    }
    let long = Frame::new("factor_returns")
        .with("date", Column::Date(d))
        .with("factor", Column::Text(f))
        .with("value", Column::Num(v));
    rotor_data::parquet_io::write_frame(&long, &out.join("factor_returns.parquet"))?;
    write(&out.join("factor_returns.csv"), &long.to_csv())?;
    let r2 = Frame::new("r2")
        .with("date", Column::dates(dates.iter().copied()))
        .with("r2", Column::Num(m.r2[t0..t1].to_vec()))
        .with(
            "n_used",
            Column::Int(m.n_used[t0..t1].iter().map(|x| *x as i64).collect()),
        );
    write(&out.join("r2.csv"), &r2.to_csv())?;
    let cov = crate::covariance::ewma_covariance(&fr, q, half_life, true);
    let mut c = Frame::new("covariance").with("factor", Column::Text(m.factor_names.clone()));
    for (k, name) in m.factor_names.iter().enumerate() {
        c.push(
            name.clone(),
            Column::Num((0..q).map(|i| cov[i * q + k]).collect()),
        );
    }
    write(&out.join("covariance.csv"), &c.to_csv())?;
    let summary = serde_json::json!({
        "start": dates.first().map(|d| d.to_string()),
        "end": dates.last().map(|d| d.to_string()),
        "stocks": n,
        "factors": m.factor_names,
        "mean_r2": mean(&m.r2[t0..t1]),
        "covariance_half_life_days": half_life,
    });
    write(
        &out.join("summary.json"),
        &(serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n"),
    )?;
    Ok(())
}

/// Mean of the finite values.
pub fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// What one estimation on a store asks for.
#[derive(Debug, Clone, Default)]
pub struct EstimateRequest<'a> {
    /// Stock codes (empty: every stock of the store).
    pub universe: &'a [String],
    /// Industry file (code and industry columns).
    pub industries: Option<&'a Path>,
    /// First date written (all rows are estimated; the window selects what is written).
    pub start: Option<NaiveDate>,
    /// Last date read and written.
    pub end: Option<NaiveDate>,
    /// Model settings.
    pub config: crate::model::RiskConfig,
    /// Half-life in days of the EWMA factor covariance.
    pub cov_half_life: f64,
}

/// An estimation written to its folder.
#[derive(Debug)]
pub struct Estimated {
    /// The model over every date read.
    pub model: RiskModel,
    /// The written window's dates.
    pub dates: Vec<NaiveDate>,
    /// Stock codes.
    pub codes: Vec<String>,
    /// The window as rows of the model.
    pub rows: (usize, usize),
    /// What the loader did and could not do (also in `notes.txt`).
    pub notes: Vec<String>,
}

/// Read the stocks, estimate the model and write the window's outputs and `notes.txt`
/// into `out` — `rotor risk` and `rotor.risk_model` without their reports. `step` is
/// called after reading, estimating and writing (progress).
pub fn estimate_to(
    store: &Store,
    req: &EstimateRequest<'_>,
    out: &Path,
    step: &dyn Fn(&str),
) -> Result<Estimated> {
    if req.cov_half_life.is_nan() || req.cov_half_life <= 0.0 {
        return Err(StoreError::input(format!(
            "covariance half-life {}: expected a positive number of days",
            req.cov_half_life
        )));
    }
    let data = load_stocks(store, req.universe, req.end, req.industries)?;
    step("descriptors and factor returns");
    let model = crate::model::estimate(&data.inputs(), &req.config)
        .map_err(|e| StoreError::input(e.to_string()))?;
    step("writing");
    let dates = &data.close.dates;
    let (t0, t1) = window(dates, req.start, req.end);
    if t0 >= t1 {
        return Err(StoreError::input(format!(
            "start / end select no date: the stock closes run {} → {}",
            dates[0],
            dates[dates.len() - 1]
        )));
    }
    std::fs::create_dir_all(out).map_err(|e| StoreError::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    let codes = data.close.assets.clone();
    write_outputs(
        out,
        &dates[t0..t1],
        &codes,
        &model,
        t0,
        t1,
        req.cov_half_life,
    )?;
    write(&out.join("notes.txt"), &(data.notes.join("\n") + "\n"))?;
    step("written");
    Ok(Estimated {
        dates: dates[t0..t1].to_vec(),
        model,
        codes,
        rows: (t0, t1),
        notes: data.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn industry_files_static_and_dated() {
        let dir = tempfile::tempdir().unwrap();
        let codes = vec![
            "600000.SH".to_string(),
            "000001.SZ".to_string(),
            "300750.SZ".to_string(),
        ];
        let dates = vec![d("2020-01-02"), d("2020-06-01"), d("2021-01-04")];
        let p = dir.path().join("static.csv");
        std::fs::write(&p, "code,industry\n600000,银行\n000001.SZ,银行\n").unwrap();
        let (ind, names, missing) = industries(&p, &codes, &dates).unwrap();
        assert_eq!(
            (ind, names, missing),
            (vec![Some(0), Some(0), None], vec!["银行".to_string()], 1)
        );
        let p = dir.path().join("dated.csv");
        std::fs::write(
            &p,
            "ts_code,industry,in_date\n600000.SH,银行,20100101\n000001.SZ,银行,2010-01-01\n000001.SZ,非银金融,2020-06-01\n300750.SZ,电力设备,2020-12-31\n",
        )
        .unwrap();
        let (ind, names, missing) = industries(&p, &codes, &dates).unwrap();
        assert_eq!(names, vec!["电力设备", "银行", "非银金融"]); // byte order
        assert_eq!(missing, 0);
        // days × stocks: 000001 moves on 2020-06-01; 300750 enters on 2020-12-31
        assert_eq!(
            ind,
            // 电力设备 0, 银行 1, 非银金融 2
            [[1, 1, 9], [1, 2, 9], [1, 2, 0]]
                .concat()
                .into_iter()
                .map(|k| (k != 9).then_some(k))
                .collect::<Vec<Option<usize>>>()
        );
        std::fs::write(&p, "code,industry,start\n600000,银行,June\n").unwrap();
        let e = industries(&p, &codes, &dates).unwrap_err().to_string();
        assert!(
            e.contains("row 2, column start") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
        std::fs::write(&p, "code,sector\n600000,银行\n").unwrap();
        let e = industries(&p, &codes, &dates).unwrap_err().to_string();
        assert!(e.contains("no industry"), "{e}");
    }
}
