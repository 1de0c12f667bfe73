//! `rotor risk`: the Barra-style risk model of the store's stocks ([`rotor_risk`]).
//!
//! Reads the stocks' closes (with `preclose` / `tr_close` when stored: total returns
//! that survive ex-rights days, [`rotor_data::returns`]), caps (valuation `float_cap`,
//! else `total_cap`, else the float cap implied by `amount / turnover_rate`, carried over
//! at most 20 days of suspension), turnover rates, PB and PE, and the industries of a
//! `--industries` file. Writes into `--out`:
//!
//! * `exposures.parquet` (date, asset, factor, value) — the standardised styles;
//! * `factor_returns.parquet` / `.csv` (date, factor, value) — country, industries, styles;
//! * `specific_returns.parquet` (date, asset, value), `weights.parquet` (date, asset,
//!   weight = √cap of the previous close, the stocks in each day's regression);
//! * `r2.csv` (date, r2, n_used), `covariance.csv` (the EWMA factor covariance at the last
//!   date, annualised), `summary.json`, `notes.txt`, and the report (`risk.html/.xlsx`).

use crate::args::RiskArgs;
use crate::ui::Ui;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_core::Panel;
use rotor_data::import::codes::{normalize, CodeKind};
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_risk::model::{estimate, RiskConfig, RiskInputs, RiskModel};
use rotor_risk::regression::{IndustryConstraint, Method};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Days a cap is carried over a gap (suspension) before the stock drops out.
const CAP_CARRY_DAYS: usize = 20;

fn date_arg(s: &Option<String>, key: &str) -> Result<Option<NaiveDate>> {
    s.as_deref()
        .map(|x| {
            NaiveDate::parse_from_str(x, "%Y-%m-%d")
                .with_context(|| format!("--{key} `{x}`: expected YYYY-MM-DD"))
        })
        .transpose()
}

/// Raw arguments → validated settings.
fn config(a: &RiskArgs) -> Result<RiskConfig> {
    let mut cfg = RiskConfig::default();
    cfg.regression.constraint = match a.constraint.as_str() {
        "cap" => IndustryConstraint::CapWeighted,
        "equal" => IndustryConstraint::Equal,
        x => bail!("--constraint `{x}`: expected cap or equal"),
    };
    cfg.regression.method = match a.method.as_str() {
        "joint" => Method::Joint,
        "two_step" => Method::TwoStep,
        x => bail!("--method `{x}`: expected joint or two_step"),
    };
    if a.cov_half_life.is_nan() || a.cov_half_life <= 0.0 {
        bail!(
            "--cov-half-life {}: expected a positive number of days",
            a.cov_half_life
        );
    }
    Ok(cfg)
}

/// The stocks of the store (asset_type = stock), or the `--universe` codes.
fn stock_codes(store: &Store, universe: &[String]) -> Result<Vec<String>> {
    if !universe.is_empty() {
        return Ok(universe.to_vec());
    }
    let t = store.read_columns(Dataset::Prices, Some(&["code", "asset_type"]))?;
    let codes: BTreeSet<String> = t
        .str_col("code")
        .iter()
        .zip(t.str_col("asset_type"))
        .filter(|(_, k)| k.as_deref() == Some("stock"))
        .filter_map(|(c, _)| c.as_deref().map(str::to_string))
        .collect();
    if codes.is_empty() {
        bail!(
            "{}: no stock prices (asset_type = stock) in the store; import stock bars first",
            store.root().display()
        );
    }
    Ok(codes.into_iter().collect())
}

/// A store field on the close panel's grid (NaN where absent).
fn field(store: &Store, ds: Dataset, name: &str, grid: &Panel) -> Result<Option<Panel>> {
    if !store.has(ds) {
        return Ok(None);
    }
    let p = read_panel(store, ds, name, Some(&grid.assets), &[])?;
    if p.values.iter().all(|v| !v.is_finite()) {
        return Ok(None);
    }
    Ok(Some(p.reindex(&grid.dates, &grid.assets)))
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

/// Industries from a CSV: a code column and an industry column.
fn industries(path: &Path, codes: &[String]) -> Result<(Vec<Option<usize>>, Vec<String>, usize)> {
    let (mut r, h) = crate::ui::csv_with_headers(path)?;
    let h: Vec<String> = h.iter().map(|s| s.to_lowercase()).collect();
    let find = |names: &[&str]| h.iter().position(|x| names.contains(&x.as_str()));
    let Some(ci) = find(&["code", "ts_code", "证券代码", "股票代码", "symbol"]) else {
        bail!(
            "{}: no code column (code / ts_code / 证券代码 / 股票代码 / symbol); headers: {}",
            path.display(),
            h.join(", ")
        );
    };
    let Some(ii) = find(&["industry", "行业", "industry_name", "所属行业"]) else {
        bail!(
            "{}: no industry column (industry / 行业 / industry_name / 所属行业); headers: {}",
            path.display(),
            h.join(", ")
        );
    };
    let mut by_code: BTreeMap<String, String> = BTreeMap::new();
    for (row, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), row + 2))?;
        let (Some(c), Some(i)) = (rec.get(ci), rec.get(ii)) else {
            continue;
        };
        let (c, i) = (c.trim(), i.trim());
        if c.is_empty() || i.is_empty() {
            continue;
        }
        let code = normalize(c, CodeKind::Stock).map_err(|e| {
            anyhow::anyhow!("{}: row {}, column {}: {e}", path.display(), row + 2, h[ci])
        })?;
        by_code.insert(code, i.to_string());
    }
    let names: Vec<String> = by_code
        .values()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let idx: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k))
        .collect();
    let ind: Vec<Option<usize>> = codes
        .iter()
        .map(|c| by_code.get(c).map(|n| idx[n.as_str()]))
        .collect();
    let missing = ind.iter().filter(|x| x.is_none()).count();
    Ok((ind, names, missing))
}

/// The rows of `dates` within [start, end].
fn window(dates: &[NaiveDate], start: Option<NaiveDate>, end: Option<NaiveDate>) -> (usize, usize) {
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
    /// Industry of each stock.
    pub industry: Vec<Option<usize>>,
    /// Industry names.
    pub industry_names: Vec<String>,
    /// What the loader did and could not do.
    pub notes: Vec<String>,
}

impl StockData {
    /// The model's inputs.
    pub fn inputs(&self) -> RiskInputs<'_> {
        RiskInputs {
            n: self.close.assets.len(),
            returns: &self.returns.values,
            caps: &self.caps,
            turnover: self.turnover.as_ref().map(|p| &p.values[..]),
            pb: self.pb.as_ref().map(|p| &p.values[..]),
            pe: self.pe.as_ref().map(|p| &p.values[..]),
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
        bail!("no stock closes to model (codes: {})", codes.len());
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
        bail!(
            "no caps: the store has neither valuation float_cap / total_cap nor prices amount \
             with valuation turnover_rate for these stocks"
        );
    }
    let (industry, names, missing) = match industries_file {
        Some(p) => industries(p, &codes)?,
        None => (vec![Some(0); codes.len()], vec!["all".to_string()], 0),
    };
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
    match industries_file {
        Some(p) => notes.push(format!(
            "industries: {} from {} (--industries; the file name only, so the outputs carry no machine path); {missing} of {} stocks have none and stay out of the regressions",
            names.len(),
            p.file_name().map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into_owned()),
            codes.len()
        )),
        None => notes.push("no --industries file: one industry, the country factor alone".into()),
    }
    for (what, has) in [
        (
            "liquidity (needs valuation turnover_rate)",
            turnover.is_some(),
        ),
        ("book_to_price (needs valuation pb)", pb.is_some()),
        ("earnings_yield (needs valuation pe_ttm)", pe.is_some()),
    ] {
        if !has {
            notes.push(format!("style {what}: not built"));
        }
    }
    notes.push("styles growth and leverage need statement histories: not built".into());
    Ok(StockData {
        close,
        returns,
        caps: cap,
        turnover,
        pb,
        pe,
        industry,
        industry_names: names,
        notes,
    })
}

pub fn run(ui: &Ui, a: RiskArgs) -> Result<()> {
    let cfg = config(&a)?;
    let (start, end) = (date_arg(&a.start, "start")?, date_arg(&a.end, "end")?);
    let store = Store::open(&a.store)?;
    let pb = ui.bar(4, "risk");
    pb.set_message("reading prices");
    let data = load_stocks(&store, &a.universe, end, a.industries.as_deref())?;
    let (close, codes) = (&data.close, &data.close.assets);
    pb.inc(1);
    pb.set_message("descriptors and factor returns");
    let model = estimate(&data.inputs(), &cfg)?;
    pb.inc(1);
    pb.set_message("writing");
    let (t0, t1) = window(&close.dates, start, end);
    if t0 >= t1 {
        bail!(
            "--start / --end select no date: the stock closes run {} → {}",
            close.dates[0],
            close.dates[close.dates.len() - 1]
        );
    }
    std::fs::create_dir_all(&a.out)?;
    let notes = data.notes.clone();
    write_outputs(
        &a.out,
        &close.dates[t0..t1],
        codes,
        &model,
        t0,
        t1,
        a.cov_half_life,
    )?;
    std::fs::write(a.out.join("notes.txt"), notes.join("\n") + "\n")?;
    pb.inc(1);
    let frames = report_frames(&close.dates[t0..t1], &model, t0, t1);
    let written = if a.no_report {
        None
    } else {
        pb.set_message("report");
        let rep = rotor_report::risk::report(&frames.0, &frames.1, &frames.2, &notes);
        Some(rotor_report::write(&a.out, "risk", &rep, true)?)
    };
    pb.inc(1);
    pb.finish_and_clear();
    print_summary(
        ui,
        &model,
        &close.dates[t0..t1],
        codes.len(),
        t0,
        t1,
        &notes,
        &a.out,
    );
    if let Some(w) = written {
        crate::ui::print_written(ui, &[w]);
    }
    Ok(())
}

/// Factor returns, R² and exposure summary frames of the window.
fn report_frames(
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

fn write_outputs(
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
    std::fs::write(out.join("factor_returns.csv"), long.to_csv())?;
    let r2 = Frame::new("r2")
        .with("date", Column::dates(dates.iter().copied()))
        .with("r2", Column::Num(m.r2[t0..t1].to_vec()))
        .with(
            "n_used",
            Column::Int(m.n_used[t0..t1].iter().map(|x| *x as i64).collect()),
        );
    std::fs::write(out.join("r2.csv"), r2.to_csv())?;
    let cov = rotor_risk::covariance::ewma_covariance(&fr, q, half_life, true);
    let mut c = Frame::new("covariance").with("factor", Column::Text(m.factor_names.clone()));
    for (k, name) in m.factor_names.iter().enumerate() {
        c.push(
            name.clone(),
            Column::Num((0..q).map(|i| cov[i * q + k]).collect()),
        );
    }
    std::fs::write(out.join("covariance.csv"), c.to_csv())?;
    let summary = serde_json::json!({
        "start": dates.first().map(|d| d.to_string()),
        "end": dates.last().map(|d| d.to_string()),
        "stocks": n,
        "factors": m.factor_names,
        "mean_r2": mean(&m.r2[t0..t1]),
        "covariance_half_life_days": half_life,
    });
    std::fs::write(
        out.join("summary.json"),
        serde_json::to_string_pretty(&summary)? + "\n",
    )?;
    Ok(())
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

#[allow(clippy::too_many_arguments)]
fn print_summary(
    ui: &Ui,
    m: &RiskModel,
    dates: &[NaiveDate],
    n: usize,
    t0: usize,
    t1: usize,
    notes: &[String],
    out: &Path,
) {
    if ui.json {
        return;
    }
    let q = m.factor_names.len();
    out!(
        "risk model: {n} stocks, {} → {} ({} days), mean R² {:.3}",
        dates[0],
        dates[dates.len() - 1],
        dates.len(),
        mean(&m.r2[t0..t1])
    );
    out!(
        "{:<22} {:>10} {:>10} {:>8}",
        "factor",
        "ann. ret",
        "ann. vol",
        "t"
    );
    for (k, name) in m.factor_names.iter().enumerate() {
        if name.starts_with("industry:") {
            continue;
        }
        let x: Vec<f64> = (t0..t1)
            .map(|t| m.factor_returns[t * q + k])
            .filter(|x| x.is_finite())
            .collect();
        if x.len() < 2 {
            continue;
        }
        let mu = x.iter().sum::<f64>() / x.len() as f64;
        let sd = (x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt();
        out!(
            "{:<22} {:>9.2}% {:>9.2}% {:>8.2}",
            name,
            100.0 * 252.0 * mu,
            100.0 * sd * 252f64.sqrt(),
            mu / sd * (x.len() as f64).sqrt()
        );
    }
    for line in notes {
        ui.note(format!("  · {line}"));
    }
    ui.note(format!("outputs in {}", out.display()));
}
