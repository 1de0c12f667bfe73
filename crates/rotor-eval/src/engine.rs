//! The evaluation pass: align factor and prices, compute forward returns on the fly,
//! and produce one [`DateStats`] per usable signal date (in parallel over dates).
//!
//! **Alignment (alphalens-compatible).**
//! * Signal dates = factor dates that are also price dates; assets = factor assets that
//!   have prices.
//! * Prices are forward-filled per asset before returns (alphalens `prices.ffill()`;
//!   `ffill_prices = false` turns it off, then a suspended day gives no return).
//! * Forward return for horizon `h` at price row `k`: `P[k+h] / P[k] − 1` — `h` rows of
//!   the *price* calendar (trading days for daily prices, months for month-end prices).
//! * Outlier filter (alphalens `filter_zscore`, default 20): per asset and horizon,
//!   a forward return with `|r − mean| > z · std(ddof=1)` over the signal dates is
//!   dropped. `None` disables it.
//! * A (date, asset) row is used only when the factor and **every** horizon's forward
//!   return are present (alphalens drops rows with any missing column), so all horizons
//!   are evaluated on the same sample and the last `max(h)` dates have no row.
//! * Quantiles per date with [`Grouping`]; a date that cannot be cut is dropped (alphalens
//!   with `max_loss > 0`).

use crate::quantile::{assign_sorted, Grouping};
use chrono::NaiveDate;
use rayon::prelude::*;
use rotor_core::ops::cross::{pearson, rank_avg_into};
use rotor_core::Panel;
use serde::{Deserialize, Serialize};

/// Evaluation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvalConfig {
    /// Forward-return horizons in rows of the price calendar.
    pub periods: Vec<usize>,
    /// Number of quantile groups.
    pub quantiles: usize,
    /// How groups are cut.
    pub grouping: Grouping,
    /// Minimum pairs for an IC (SPEC §6.1: 5).
    pub min_ic_obs: usize,
    /// Forward-fill prices before computing returns.
    pub ffill_prices: bool,
    /// Drop forward returns beyond this many standard deviations (per asset).
    pub filter_zscore: Option<f64>,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            periods: vec![1],
            quantiles: 5,
            grouping: Grouping::RankFloor,
            min_ic_obs: 5,
            ffill_prices: true,
            filter_zscore: Some(20.0),
        }
    }
}

/// Errors of an evaluation.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EvalError {
    /// Nothing to evaluate.
    #[error("{0}")]
    Empty(String),
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Config(String),
}

/// Everything computed on one signal date.
#[derive(Debug, Clone, PartialEq)]
pub struct DateStats {
    /// Signal date.
    pub date: NaiveDate,
    /// Rows used.
    pub n: usize,
    /// Pearson IC per horizon.
    pub ic: Vec<f64>,
    /// Spearman RankIC per horizon.
    pub rank_ic: Vec<f64>,
    /// Mean forward return of each group per horizon: `group_mean[h][g-1]`.
    pub group_mean: Vec<Vec<f64>>,
    /// Group sizes.
    pub group_count: Vec<usize>,
    /// Equal-weight mean of all used rows per horizon (the universe benchmark `EW_t`).
    pub ew: Vec<f64>,
    /// Members of each group (asset indices), for turnover.
    pub members: Vec<Vec<u32>>,
    /// Average factor rank per asset (NaN when the asset is not used), for rank
    /// autocorrelation. `f32` holds half-integer ranks exactly.
    pub ranks: Vec<f32>,
    /// Top-decile minus bottom-decile mean of the realised forward returns per horizon
    /// (the "theoretical limit" of SPEC §12 on this universe).
    pub limit: Vec<f64>,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Settings used.
    pub config: EvalConfig,
    /// Assets evaluated (column order of `ranks`).
    pub assets: Vec<String>,
    /// Per-date statistics, date order.
    pub dates: Vec<DateStats>,
    /// Signal dates without a usable cross-section (no forward return yet, or no cut).
    pub dropped_dates: usize,
    /// Why those dates were dropped.
    pub drops: DropCounts,
    /// Factor observations (finite) on signal dates.
    pub factor_obs: usize,
}

/// Why a signal date has no statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// No asset has a finite factor value on the date.
    NoFactor,
    /// Factor values exist but no asset has every horizon's forward return (the last
    /// `max(h)` price rows, suspended assets, filtered outliers).
    NoForwardReturn,
    /// Fewer usable assets than quantiles.
    TooFewAssets,
    /// Quantile edges tie (`qcut` on repeated values).
    TiedEdges,
}

/// Dropped signal dates by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DropCounts {
    /// No finite factor value.
    pub no_factor: usize,
    /// No forward return for any asset with a factor value.
    pub no_forward_return: usize,
    /// Fewer usable assets than quantiles.
    pub too_few_assets: usize,
    /// Tied quantile edges.
    pub tied_edges: usize,
}

impl DropCounts {
    fn add(&mut self, r: DropReason) {
        match r {
            DropReason::NoFactor => self.no_factor += 1,
            DropReason::NoForwardReturn => self.no_forward_return += 1,
            DropReason::TooFewAssets => self.too_few_assets += 1,
            DropReason::TiedEdges => self.tied_edges += 1,
        }
    }

    /// The reasons in words, largest first (`"12 without any factor value, 3 …"`).
    pub fn describe(&self, quantiles: usize, max_h: usize) -> String {
        let mut v = vec![
            (
                self.no_factor,
                "without any factor value (all NaN or missing)".to_string(),
            ),
            (
                self.no_forward_return,
                format!(
                    "without a forward return for any asset (the last {max_h} price row(s) \
                     have none)"
                ),
            ),
            (
                self.too_few_assets,
                format!("with fewer usable assets than the {quantiles} quantiles"),
            ),
            (
                self.tied_edges,
                "with tied quantile edges (qcut)".to_string(),
            ),
        ];
        v.retain(|x| x.0 > 0);
        v.sort_by_key(|x| std::cmp::Reverse(x.0));
        v.iter()
            .map(|(n, w)| format!("{n} {w}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The aligned inputs of an evaluation.
struct Aligned<'a> {
    factor: &'a Panel,
    /// Factor column of each evaluated asset.
    fcol: Vec<usize>,
    /// Prices of the evaluated assets, date-major, forward-filled when asked.
    px: Vec<f64>,
    na: usize,
    tp: usize,
    /// Signal dates: (factor row, price row).
    sig: Vec<(usize, usize)>,
}

impl Aligned<'_> {
    /// Forward return of asset `j` over `h` price rows from price row `k`.
    #[inline]
    fn fwd(&self, k: usize, j: usize, h: usize) -> f64 {
        if h >= self.tp - k {
            return f64::NAN;
        }
        self.px[(k + h) * self.na + j] / self.px[k * self.na + j] - 1.0
    }
}

/// Check the config: positive horizons, at least two quantiles.
fn check_config(cfg: &EvalConfig) -> Result<(), EvalError> {
    if cfg.periods.is_empty() || cfg.periods.contains(&0) {
        return Err(EvalError::Config(
            "periods must be positive integers, e.g. 1,5,20".into(),
        ));
    }
    if cfg.quantiles < 2 || cfg.quantiles > u16::MAX as usize {
        return Err(EvalError::Config(format!(
            "quantiles {}: expected 2 to {}",
            cfg.quantiles,
            u16::MAX
        )));
    }
    Ok(())
}

/// Check the config against the data: every horizon shorter than the price calendar,
/// no more quantiles than assets.
fn check_against_data(
    cfg: &EvalConfig,
    n_assets: usize,
    n_price_dates: usize,
) -> Result<(), EvalError> {
    if let Some(&h) = cfg.periods.iter().find(|&&h| h >= n_price_dates) {
        return Err(EvalError::Config(format!(
            "period {h}: a horizon must be shorter than the price file's {n_price_dates} dates"
        )));
    }
    if cfg.quantiles > n_assets {
        return Err(EvalError::Config(format!(
            "quantiles {}: more groups than the {n_assets} asset(s) in both files",
            cfg.quantiles
        )));
    }
    Ok(())
}

/// Assets in both files, the price matrix (forward-filled row by row when asked) and the
/// signal dates (factor dates that are price dates).
fn align<'a>(
    factor: &'a Panel,
    prices: &Panel,
    cfg: &EvalConfig,
) -> Result<(Vec<String>, Aligned<'a>), EvalError> {
    let assets: Vec<String> = factor
        .assets
        .iter()
        .filter(|a| prices.assets.binary_search(a).is_ok())
        .cloned()
        .collect();
    if assets.is_empty() {
        return Err(EvalError::Empty(
            "factor and prices share no asset; check that codes are spelled the same way".into(),
        ));
    }
    let na = assets.len();
    let fcol: Vec<usize> = assets
        .iter()
        .map(|a| factor.assets.binary_search(a).expect("factor asset"))
        .collect();
    let pcol: Vec<usize> = assets
        .iter()
        .map(|a| prices.assets.binary_search(a).expect("price asset"))
        .collect();
    let (np_, tp) = (prices.n_assets(), prices.n_dates());
    let mut px = vec![f64::NAN; tp * na];
    for t in 0..tp {
        for (j, &c) in pcol.iter().enumerate() {
            px[t * na + j] = prices.values[t * np_ + c];
        }
    }
    if cfg.ffill_prices {
        // row by row (the matrix is date-major): a missing price takes the previous
        // row's already-filled value — the same as a per-column forward fill, without
        // striding through memory
        for t in 1..tp {
            let (prev, cur) = px.split_at_mut(t * na);
            let prev = &prev[(t - 1) * na..];
            for (c, p) in cur[..na].iter_mut().zip(prev) {
                if c.is_nan() {
                    *c = *p;
                }
            }
        }
    }
    let sig: Vec<(usize, usize)> = factor
        .dates
        .iter()
        .enumerate()
        .filter_map(|(tf, d)| prices.dates.binary_search(d).ok().map(|tp| (tf, tp)))
        .collect();
    if sig.is_empty() {
        return Err(EvalError::Empty(
            "factor and prices share no date; factor dates must be trading dates of the price file"
                .into(),
        ));
    }
    Ok((
        assets,
        Aligned {
            factor,
            fcol,
            px,
            na,
            tp,
            sig,
        },
    ))
}

/// alphalens' `filter_zscore`: per horizon and asset, the band `mean ± z·std` of its
/// forward returns over the signal dates (unbounded without a z).
fn zscore_bands(a: &Aligned<'_>, cfg: &EvalConfig) -> Vec<(f64, f64)> {
    let (nh, na) = (cfg.periods.len(), a.na);
    let mut band = vec![(f64::NEG_INFINITY, f64::INFINITY); nh * na];
    let Some(z) = cfg.filter_zscore else {
        return band;
    };
    band.par_chunks_mut(na).enumerate().for_each(|(hi, b)| {
        let h = cfg.periods[hi];
        for (j, slot) in b.iter_mut().enumerate() {
            let rs: Vec<f64> = a
                .sig
                .iter()
                .map(|&(_, k)| a.fwd(k, j, h))
                .filter(|r| r.is_finite())
                .collect();
            let n = rs.len();
            if n < 2 {
                continue;
            }
            let m = rs.iter().sum::<f64>() / n as f64;
            let ss: f64 = rs.iter().map(|r| (r - m) * (r - m)).sum();
            let sd = (ss / (n as f64 - 1.0)).sqrt();
            *slot = (m - z * sd, m + z * sd);
        }
    });
    band
}

/// The statistics of one signal date, or why it has none.
fn date_stats(
    a: &Aligned<'_>,
    cfg: &EvalConfig,
    band: &[(f64, f64)],
    (tf, k): (usize, usize),
    (idx, rx, rr): &mut (Vec<usize>, Vec<f64>, Vec<f64>),
) -> Result<DateStats, DropReason> {
    let (na, nf, nh, q) = (a.na, a.factor.n_assets(), cfg.periods.len(), cfg.quantiles);
    let mut rows: Vec<u32> = Vec::with_capacity(na);
    let mut x: Vec<f64> = Vec::with_capacity(na);
    let mut r: Vec<Vec<f64>> = vec![Vec::with_capacity(na); nh];
    let mut rj = vec![0.0; nh];
    let mut with_factor = 0usize;
    'asset: for (j, &c) in a.fcol.iter().enumerate() {
        let f = a.factor.values[tf * nf + c];
        if !f.is_finite() {
            continue;
        }
        with_factor += 1;
        for (hi, &h) in cfg.periods.iter().enumerate() {
            let v = a.fwd(k, j, h);
            let (lo, up) = band[hi * na + j];
            if !v.is_finite() || v < lo || v > up {
                continue 'asset;
            }
            rj[hi] = v;
        }
        rows.push(j as u32);
        x.push(f);
        for (rh, v) in r.iter_mut().zip(&rj) {
            rh.push(*v);
        }
    }
    let n = rows.len();
    if with_factor == 0 {
        return Err(DropReason::NoFactor);
    }
    if n == 0 {
        return Err(DropReason::NoForwardReturn);
    }
    if n < q {
        return Err(DropReason::TooFewAssets);
    }
    rx.resize(n, 0.0);
    rank_avg_into(&x, rx, idx); // leaves idx = stable ascending order of x
    let groups = assign_sorted(&x, idx, q, cfg.grouping).ok_or(DropReason::TiedEdges)?;
    let mut ranks = vec![f32::NAN; na];
    for (p, &j) in rows.iter().enumerate() {
        ranks[j as usize] = rx[p] as f32;
    }
    let mut group_count = vec![0usize; q];
    let mut members = vec![Vec::new(); q];
    for (p, &g) in groups.iter().enumerate() {
        group_count[g as usize - 1] += 1;
        members[g as usize - 1].push(rows[p]);
    }
    let mut ic = Vec::with_capacity(nh);
    let mut rank_ic = Vec::with_capacity(nh);
    let mut group_mean = Vec::with_capacity(nh);
    let mut ew = Vec::with_capacity(nh);
    let mut limit = Vec::with_capacity(nh);
    for rh in &r {
        ic.push(pearson(&x, rh, cfg.min_ic_obs));
        rr.resize(n, 0.0);
        rank_avg_into(rh, rr, idx);
        rank_ic.push(pearson(rx, rr, cfg.min_ic_obs));
        limit.push(crate::limit::decile_spread_sorted(rh, idx, 10));
        let mut sum = vec![0.0; q];
        for (p, &g) in groups.iter().enumerate() {
            sum[g as usize - 1] += rh[p];
        }
        group_mean.push(
            sum.iter()
                .zip(&group_count)
                .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
                .collect(),
        );
        ew.push(rh.iter().sum::<f64>() / n as f64);
    }
    Ok(DateStats {
        date: a.factor.dates[tf],
        n,
        ic,
        rank_ic,
        group_mean,
        group_count,
        ew,
        members,
        ranks,
        limit,
    })
}

/// Run the evaluation. See the module docs for the alignment rules.
pub fn evaluate(factor: &Panel, prices: &Panel, cfg: &EvalConfig) -> Result<Evaluation, EvalError> {
    check_config(cfg)?;
    let (assets, a) = align(factor, prices, cfg)?;
    check_against_data(cfg, assets.len(), a.tp)?;
    let band = zscore_bands(&a, cfg);
    let nf = factor.n_assets();
    let factor_obs: usize = a
        .sig
        .iter()
        .map(|&(tf, _)| {
            a.fcol
                .iter()
                .filter(|&&c| factor.values[tf * nf + c].is_finite())
                .count()
        })
        .sum();
    let per_date: Vec<Result<DateStats, DropReason>> = a
        .sig
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |scratch, &sd| date_stats(&a, cfg, &band, sd, scratch),
        )
        .collect();
    let total = per_date.len();
    let mut drops = DropCounts::default();
    let mut dates = Vec::with_capacity(total);
    for r in per_date {
        match r {
            Ok(d) => dates.push(d),
            Err(why) => drops.add(why),
        }
    }
    Ok(Evaluation {
        config: cfg.clone(),
        assets,
        dropped_dates: total - dates.len(),
        drops,
        dates,
        factor_obs,
    })
}
