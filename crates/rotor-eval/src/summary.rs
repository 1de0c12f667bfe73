//! Summaries of an [`Evaluation`]: IC statistics, turnover, rank autocorrelation,
//! long-short windows and statistics grouped by a label (the regime).

use crate::engine::{DateStats, Evaluation};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Summary of an IC series (SPEC §6.1), NaN entries skipped:
/// `mean`, `std` (ddof = 1), `icir = mean / std`, `icir_ann = icir · √A`,
/// `t = mean / std · √T`, `win_rate = #{IC > 0} / T`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IcSummary {
    /// Number of dates with an IC.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation, ddof = 1.
    pub std: f64,
    /// mean / std.
    pub icir: f64,
    /// ICIR · √(periods per year).
    pub icir_ann: f64,
    /// mean / std · √n.
    pub t_stat: f64,
    /// Share of positive ICs.
    pub win_rate: f64,
}

impl IcSummary {
    /// Summarise `ic` with `periods_per_year` for the annualised ICIR.
    pub fn of(ic: &[f64], periods_per_year: f64) -> Self {
        let v: Vec<f64> = ic.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let std = if n > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
        } else {
            f64::NAN
        };
        let icir = mean / std;
        IcSummary {
            n,
            mean,
            std,
            icir,
            icir_ann: icir * periods_per_year.sqrt(),
            t_stat: icir * (n as f64).sqrt(),
            win_rate: v.iter().filter(|x| **x > 0.0).count() as f64 / n as f64,
        }
    }
}

/// Periods per year from the spacing of signal dates: median gap ≤ 4 days → 252
/// (daily), ≤ 10 → 52 (weekly), ≤ 40 → 12 (monthly), else 4 (quarterly).
///
/// This is the number of IC observations per year, whatever the horizon: a 20-day
/// horizon evaluated daily still has 252 (overlapping) ICs a year, so its `icir_ann`
/// and `t_stat` overstate significance the way any overlapping-sample statistic does;
/// read them for horizons equal to the sampling step.
pub fn periods_per_year(dates: &[NaiveDate]) -> f64 {
    let mut gaps: Vec<i64> = dates.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
    if gaps.is_empty() {
        return 12.0;
    }
    gaps.sort_unstable();
    match gaps[gaps.len() / 2] {
        ..=4 => 252.0,
        5..=10 => 52.0,
        11..=40 => 12.0,
        _ => 4.0,
    }
}

/// alphalens `quantile_turnover`: share of group `g`'s names at date `t` that were not
/// in the group `lag` evaluated dates earlier: `|S_t \ S_{t−lag}| / |S_t|` (NaN for the
/// first `lag` dates).
pub fn turnover(e: &Evaluation, g: usize, lag: usize) -> Vec<f64> {
    let mut before = vec![false; e.assets.len()];
    (0..e.dates.len())
        .map(|t| {
            if t < lag {
                return f64::NAN;
            }
            let now = &e.dates[t].members[g - 1];
            if now.is_empty() {
                return f64::NAN;
            }
            let prev = &e.dates[t - lag].members[g - 1];
            for &a in prev {
                before[a as usize] = true;
            }
            let new = now.iter().filter(|&&a| !before[a as usize]).count();
            for &a in prev {
                before[a as usize] = false;
            }
            new as f64 / now.len() as f64
        })
        .collect()
}

/// [`turnover`] of every group `1..=q` (computed in parallel), indexed by group − 1.
pub fn turnover_by_group(e: &Evaluation, lag: usize) -> Vec<Vec<f64>> {
    (1..=e.config.quantiles)
        .into_par_iter()
        .map(|g| turnover(e, g, lag))
        .collect()
}

/// alphalens `factor_rank_autocorrelation`: Pearson correlation, across the assets
/// present at both dates, of the factor's average ranks at `t` and `lag` evaluated
/// dates earlier (NaN for the first `lag` dates). Dates are computed in parallel.
pub fn rank_autocorr(e: &Evaluation, lag: usize) -> Vec<f64> {
    (0..e.dates.len())
        .into_par_iter()
        .map(|t| {
            if t < lag {
                return f64::NAN;
            }
            let a: Vec<f64> = e.dates[t].ranks.iter().map(|&v| v as f64).collect();
            let b: Vec<f64> = e.dates[t - lag].ranks.iter().map(|&v| v as f64).collect();
            rotor_core::ops::cross::pearson(&a, &b, 2)
        })
        .collect()
}

/// One row of the long-short table (SPEC §6.3) for a window and horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowRow {
    /// `"2024"`, `"YTD"`, `"All"`, or a label for by-label rows.
    pub window: String,
    /// Horizon.
    pub period: usize,
    /// Non-overlapping periods in the window.
    pub n: usize,
    /// Mean RankIC over the window (IC均值).
    pub rank_ic_mean: f64,
    /// Mean Pearson IC.
    pub ic_mean: f64,
    /// 多空收益 `Π(1 + long − short) − 1`.
    pub long_short: f64,
    /// 多头收益 `Π(1 + long) − 1`.
    pub long: f64,
    /// 多头超额收益 `Π(1 + long) − Π(1 + EW)` (difference of cumulative returns).
    pub long_excess: f64,
    /// The universe benchmark `Π(1 + EW) − 1`.
    pub universe: f64,
}

/// Long-short windows for horizon index `hi`: every calendar year of the signal dates,
/// `YTD` (the last year), and `All`. Returns compound over **non-overlapping** periods:
/// evaluated dates 0, h, 2h, … (for h = 1 every date), so a 20-day horizon on daily data
/// is not compounded twenty times over. ICs are averaged over the same dates.
pub fn windows(e: &Evaluation, hi: usize) -> Vec<WindowRow> {
    let h = e.config.periods[hi];
    let picked: Vec<&DateStats> = e.dates.iter().step_by(h).collect();
    let mut by_year: BTreeMap<i32, Vec<&DateStats>> = BTreeMap::new();
    for d in &picked {
        by_year.entry(d.date.year()).or_default().push(d);
    }
    let mut out: Vec<WindowRow> = by_year
        .iter()
        .map(|(y, v)| window_row(y.to_string(), hi, h, v))
        .collect();
    if let Some((_, v)) = by_year.iter().next_back() {
        out.push(window_row("YTD".into(), hi, h, v));
    }
    out.push(window_row("All".into(), hi, h, &picked));
    out
}

/// A [`WindowRow`] over the given dates.
pub fn window_row(name: String, hi: usize, h: usize, v: &[&DateStats]) -> WindowRow {
    let q = v.first().map_or(0, |d| d.group_mean[hi].len());
    let (mut ls, mut lo, mut ew) = (1.0, 1.0, 1.0);
    for d in v {
        let top = d.group_mean[hi][q - 1];
        let bot = d.group_mean[hi][0];
        ls *= 1.0 + top - bot;
        lo *= 1.0 + top;
        ew *= 1.0 + d.ew[hi];
    }
    let mean = |f: &dyn Fn(&DateStats) -> f64| {
        let x: Vec<f64> = v.iter().map(|d| f(d)).filter(|x| x.is_finite()).collect();
        x.iter().sum::<f64>() / x.len() as f64
    };
    WindowRow {
        window: name,
        period: h,
        n: v.len(),
        rank_ic_mean: mean(&|d| d.rank_ic[hi]),
        ic_mean: mean(&|d| d.ic[hi]),
        long_short: ls - 1.0,
        long: lo - 1.0,
        long_excess: lo - ew,
        universe: ew - 1.0,
    }
}

/// The label in force at each evaluated date: the latest `labels` entry dated on or
/// before the signal date (a regime known at t), `None` before the first.
pub fn label_at(e: &Evaluation, labels: &BTreeMap<NaiveDate, String>) -> Vec<Option<String>> {
    e.dates
        .iter()
        .map(|d| labels.range(..=d.date).next_back().map(|(_, l)| l.clone()))
        .collect()
}

/// One row of the by-label table: a label (regime) and horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRow {
    /// The label.
    pub label: String,
    /// Horizon.
    pub period: usize,
    /// RankIC statistics over the label's non-overlapping dates.
    pub rank_ic: IcSummary,
    /// Long-short, long, long excess and universe over the same dates.
    pub window: WindowRow,
}

/// Every statistic grouped by the label in force at each signal date ([`label_at`]):
/// per horizon h and label, the label's evaluated dates taken every h-th (non-overlapping
/// periods, as in [`windows`]), their RankIC summary and their [`window_row`]. Labels in
/// sorted order.
pub fn by_label(
    e: &Evaluation,
    labels: &BTreeMap<NaiveDate, String>,
    periods_per_year: f64,
) -> Vec<LabelRow> {
    let at = label_at(e, labels);
    let mut names: Vec<String> = at.iter().flatten().cloned().collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for (hi, &h) in e.config.periods.iter().enumerate() {
        for name in &names {
            let sel: Vec<&DateStats> = e
                .dates
                .iter()
                .zip(&at)
                .filter(|(_, l)| l.as_deref() == Some(name.as_str()))
                .map(|(d, _)| d)
                .step_by(h)
                .collect();
            out.push(LabelRow {
                label: name.clone(),
                period: h,
                rank_ic: IcSummary::of(
                    &sel.iter().map(|d| d.rank_ic[hi]).collect::<Vec<_>>(),
                    periods_per_year,
                ),
                window: window_row(name.clone(), hi, h, &sel),
            });
        }
    }
    out
}

/// Mean statistics of one quantile group for one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantileRow {
    /// Group, 1 = lowest factor values.
    pub quantile: usize,
    /// Mean over dates of the group's mean forward return.
    pub mean_return: f64,
    /// The same, demeaned by the universe mean each date (alphalens' default).
    pub mean_return_demeaned: f64,
    /// Mean of the group's turnover ([`turnover`]).
    pub turnover: f64,
}

/// Per-group means for horizon index `hi`, given the groups' turnover series (from
/// [`turnover_by_group`]); NaNs are skipped in every mean.
pub fn quantile_summary(e: &Evaluation, hi: usize, turnover: &[Vec<f64>]) -> Vec<QuantileRow> {
    let mean = |v: &mut dyn Iterator<Item = f64>| {
        let (mut s, mut n) = (0.0, 0usize);
        for x in v.filter(|x| x.is_finite()) {
            s += x;
            n += 1;
        }
        s / n as f64
    };
    turnover
        .iter()
        .enumerate()
        .map(|(g, to)| QuantileRow {
            quantile: g + 1,
            mean_return: mean(&mut e.dates.iter().map(|d| d.group_mean[hi][g])),
            mean_return_demeaned: mean(&mut e.dates.iter().map(|d| d.group_mean[hi][g] - d.ew[hi])),
            turnover: mean(&mut to.iter().copied()),
        })
        .collect()
}
