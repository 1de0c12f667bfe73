//! Growth and leverage descriptors from quarterly statements (CNE5, adapted to what
//! A-share statement exports carry).
//!
//! **Point in time.** At the close of day t a stock's statements are, per quarter, the
//! latest vintage announced strictly before t ([`rotor_data::view::statements_as_of`],
//! the view's rule), so a report published on t or later never enters an exposure of t.
//! The descriptors are recomputed only when a new report becomes known; MLEV also moves
//! with the day's market cap.
//!
//! | descriptor | definition here | CNE5 |
//! |---|---|---|
//! | `sgro` | slope of the trailing-twelve-month revenue at the latest known quarter q and at q − 4, q − 8, … (up to `years` points, at least `min_years`), regressed on time in years, divided by the mean of their absolute values | 5-year sales-per-share growth |
//! | `egro` | the same with TTM net profit attributable to the parent | 5-year EPS growth |
//! | `mlev` | `(ME + TL) / ME`, ME the market cap of the day, TL total liabilities of the latest known balance sheet | `(ME + PE + LD) / ME` |
//! | `dtoa` | `TL / TA` | total debt / total assets |
//! | `blev` | `(BE + TL) / BE`, BE the parent's equity (NaN when BE ≤ 0) | `(BE + PE + LD) / BE` |
//!
//! Totals replace per-share values (a bonus issue changes the share count, not the
//! growth of the company), and total liabilities stand in for long-term and total debt,
//! which statement exports rarely split out (preferred equity is taken as 0). Growth is
//! NaN when the mean absolute level is 0; a TTM value needs all four single quarters.
//!
//! The styles ([`crate::model`]): Growth = `0.47 sgro + 0.24 egro` and Leverage =
//! `0.38 mlev + 0.35 dtoa + 0.27 blev` of standardised descriptors, weights renormalised
//! over those a stock has (the CNE5 analyst-forecast growth terms are left out), then
//! standardised again.

use chrono::NaiveDate;
use rotor_data::view::{statements_as_of, QuarterObs};
use std::collections::BTreeMap;

/// Windows of the growth descriptors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementConfig {
    /// Yearly points in a growth regression (CNE5: 5 fiscal years).
    pub years: usize,
    /// Fewest points a growth regression needs.
    pub min_years: usize,
}

impl Default for StatementConfig {
    fn default() -> Self {
        StatementConfig {
            years: 5,
            min_years: 3,
        }
    }
}

/// The statement descriptors as `t × n` row-major panels (NaN = unknown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementPanels {
    /// Revenue growth.
    pub sgro: Vec<f64>,
    /// Earnings growth.
    pub egro: Vec<f64>,
    /// Market leverage.
    pub mlev: Vec<f64>,
    /// Debt (liabilities) to assets.
    pub dtoa: Vec<f64>,
    /// Book leverage.
    pub blev: Vec<f64>,
}

/// `slope / mean |v|` of the OLS line of `v` on `x` (years): the growth rate per year
/// relative to the level. NaN with fewer than two points, no spread in `x`, or a zero
/// mean level.
pub fn growth_rate(x: &[f64], v: &[f64]) -> f64 {
    let n = x.len().min(v.len());
    if n < 2 {
        return f64::NAN;
    }
    let nf = n as f64;
    let mx = x[..n].iter().sum::<f64>() / nf;
    let mv = v[..n].iter().sum::<f64>() / nf;
    let sxx: f64 = x[..n].iter().map(|a| (a - mx) * (a - mx)).sum();
    let sxv: f64 = x[..n]
        .iter()
        .zip(&v[..n])
        .map(|(a, b)| (a - mx) * (b - mv))
        .sum();
    let level = v[..n].iter().map(|b| b.abs()).sum::<f64>() / nf;
    if sxx <= 0.0 || level <= 0.0 || !level.is_finite() {
        return f64::NAN;
    }
    sxv / sxx / level
}

/// Trailing-twelve-month sum of a single-quarter field at quarter key `q` (NaN unless
/// all four quarters are known and finite).
pub fn ttm(m: &BTreeMap<i32, QuarterObs>, q: i32, field: fn(&QuarterObs) -> f64) -> f64 {
    (0..4)
        .map(|i| m.get(&(q - i)).map(field).filter(|x| x.is_finite()))
        .sum::<Option<f64>>()
        .unwrap_or(f64::NAN)
}

/// Growth of a TTM field over the years before the latest quarter whose TTM is known.
fn ttm_growth(
    m: &BTreeMap<i32, QuarterObs>,
    field: fn(&QuarterObs) -> f64,
    cfg: StatementConfig,
) -> f64 {
    let Some(q) = m
        .keys()
        .rev()
        .copied()
        .find(|&q| ttm(m, q, field).is_finite())
    else {
        return f64::NAN;
    };
    let (mut x, mut v) = (Vec::new(), Vec::new());
    for k in 0..cfg.years {
        let y = ttm(m, q - 4 * k as i32, field);
        if y.is_finite() {
            x.push(-(k as f64));
            v.push(y);
        }
    }
    if v.len() < cfg.min_years.max(2) {
        return f64::NAN;
    }
    growth_rate(&x, &v)
}

/// What the statements known at one date give, before the day's cap: `[sgro, egro,
/// TL, dtoa, blev]` (TL for MLEV).
pub fn known_descriptors(m: &BTreeMap<i32, QuarterObs>, cfg: StatementConfig) -> [f64; 5] {
    let sgro = ttm_growth(m, |o| o.revenue, cfg);
    let egro = ttm_growth(m, |o| o.np, cfg);
    // the latest balance sheet that gives liabilities
    let sheet = m.values().rev().find(|o| o.liabilities.is_finite());
    let (tl, dtoa, blev) = match sheet {
        Some(o) => {
            let tl = o.liabilities;
            let dtoa = if o.assets > 0.0 {
                tl / o.assets
            } else {
                f64::NAN
            };
            let blev = if o.equity > 0.0 {
                (o.equity + tl) / o.equity
            } else {
                f64::NAN
            };
            (tl, dtoa, blev)
        }
        None => (f64::NAN, f64::NAN, f64::NAN),
    };
    [sgro, egro, tl, dtoa, blev]
}

/// The descriptor panels over `dates` × `n` stocks: `rows[j]` the statements of stock j
/// (any vintages, any order), `caps` the `t × n` market caps MLEV divides by.
pub fn statement_panels(
    rows: &[Vec<QuarterObs>],
    dates: &[NaiveDate],
    caps: &[f64],
    cfg: StatementConfig,
) -> StatementPanels {
    let n = rows.len();
    let t_len = dates.len();
    let mut p = StatementPanels {
        sgro: vec![f64::NAN; t_len * n],
        egro: vec![f64::NAN; t_len * n],
        mlev: vec![f64::NAN; t_len * n],
        dtoa: vec![f64::NAN; t_len * n],
        blev: vec![f64::NAN; t_len * n],
    };
    for (j, r) in rows.iter().enumerate() {
        if r.is_empty() {
            continue;
        }
        let mut announced: Vec<NaiveDate> = r.iter().map(|o| o.available_at).collect();
        announced.sort_unstable();
        let mut known = 0usize;
        let mut cur = [f64::NAN; 5];
        for (t, day) in dates.iter().enumerate() {
            // reports announced strictly before the day
            let k = announced.partition_point(|a| a < day);
            if k != known {
                known = k;
                cur = known_descriptors(&statements_as_of(r, *day), cfg);
            }
            if known == 0 {
                continue;
            }
            let c = t * n + j;
            p.sgro[c] = cur[0];
            p.egro[c] = cur[1];
            p.dtoa[c] = cur[3];
            p.blev[c] = cur[4];
            let me = caps.get(c).copied().unwrap_or(f64::NAN);
            if me > 0.0 && cur[2].is_finite() {
                p.mlev[c] = (me + cur[2]) / me;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use rotor_data::view::quarter_key;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Quarter `k` (0 = 2019Q1) with revenue `rev`, profit `np`, announced 30 days later.
    fn q(k: i32, rev: f64, np: f64) -> QuarterObs {
        let y = 2019 + k / 4;
        let m = 3 * (k % 4 + 1) as u32;
        let end = NaiveDate::from_ymd_opt(y, m, 1)
            .unwrap()
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
        QuarterObs {
            period_end: end,
            available_at: end + chrono::Duration::days(30),
            np,
            op: f64::NAN,
            revenue: rev,
            equity: 40.0,
            assets: 100.0,
            liabilities: 60.0,
        }
    }

    #[test]
    fn growth_rate_of_a_line_is_its_slope_over_its_mean_level() {
        // 100, 110, 120, 130, 140 over years −4..0: slope 10, mean 120
        let x = [-4.0, -3.0, -2.0, -1.0, 0.0];
        let v = [100.0, 110.0, 120.0, 130.0, 140.0];
        assert!((growth_rate(&x, &v) - 10.0 / 120.0).abs() < 1e-15);
        // a shrinking company has negative growth; the level is the mean |v|
        let v = [-10.0, -20.0, -30.0, -40.0, -50.0];
        assert!((growth_rate(&x, &v) - (-10.0 / 30.0)).abs() < 1e-15);
    }

    #[test]
    fn growth_rate_edge_cases_are_nan() {
        assert!(growth_rate(&[], &[]).is_nan());
        assert!(growth_rate(&[0.0], &[5.0]).is_nan());
        assert!(growth_rate(&[1.0, 1.0], &[5.0, 6.0]).is_nan());
        assert!(growth_rate(&[0.0, 1.0], &[0.0, 0.0]).is_nan());
        // constant level: zero growth
        assert_eq!(growth_rate(&[0.0, 1.0, 2.0], &[3.0, 3.0, 3.0]), 0.0);
    }

    #[test]
    fn ttm_needs_four_quarters() {
        let m: BTreeMap<i32, QuarterObs> = (0..4)
            .map(|k| (quarter_key(q(k, 10.0, 1.0).period_end), q(k, 10.0, 1.0)))
            .collect();
        let last = quarter_key(q(3, 0.0, 0.0).period_end);
        assert_eq!(ttm(&m, last, |o| o.revenue), 40.0);
        assert!(ttm(&m, last - 1, |o| o.revenue).is_nan());
    }

    #[test]
    fn sales_growing_ten_a_year_give_the_golden_rate() {
        // revenue per quarter grows so that TTM at each year-end is 400, 440, 480, 520, 560
        let mut rows = Vec::new();
        for year in 0..5 {
            for k in 0..4 {
                let ttm_year = 400.0 + 40.0 * year as f64;
                rows.push(q(4 * year + k, ttm_year / 4.0, 1.0 + year as f64));
            }
        }
        let m = statements_as_of(&rows, d("2024-12-31"));
        let [sgro, egro, tl, dtoa, blev] = known_descriptors(&m, StatementConfig::default());
        assert!((sgro - 40.0 / 480.0).abs() < 1e-15, "{sgro}");
        // profit 4, 8, 12, 16, 20 a year: slope 4, mean 12
        assert!((egro - 4.0 / 12.0).abs() < 1e-15, "{egro}");
        assert_eq!((tl, dtoa, blev), (60.0, 0.6, 2.5));
    }

    #[test]
    fn too_short_a_history_gives_no_growth_but_leverage() {
        let rows: Vec<QuarterObs> = (0..8).map(|k| q(k, 10.0, 1.0)).collect();
        let m = statements_as_of(&rows, d("2022-01-01"));
        let [sgro, egro, _, dtoa, _] = known_descriptors(&m, StatementConfig::default());
        assert!(sgro.is_nan() && egro.is_nan());
        assert_eq!(dtoa, 0.6);
    }

    #[test]
    fn a_report_counts_from_the_day_after_its_announcement() {
        let mut rows: Vec<QuarterObs> = (0..20).map(|k| q(k, 100.0, 1.0)).collect();
        // the last quarter (2023Q4, announced 2024-01-30) doubles the liabilities
        rows[19].liabilities = 120.0;
        rows[19].assets = 160.0;
        let dates = [d("2024-01-29"), d("2024-01-30"), d("2024-01-31")];
        let caps = vec![200.0; 3];
        let p = statement_panels(&[rows], &dates, &caps, StatementConfig::default());
        assert_eq!(p.dtoa, vec![0.6, 0.6, 0.75]);
        assert_eq!(p.mlev, vec![1.3, 1.3, 1.6]);
        assert_eq!(p.blev, vec![2.5, 2.5, 4.0]);
        // revenue flat for five years: zero growth
        assert_eq!(p.sgro[2], 0.0);
    }

    #[test]
    fn no_statements_give_all_nan_panels_and_empty_inputs_empty_panels() {
        let p = statement_panels(
            &[vec![]],
            &[d("2024-01-02")],
            &[1.0],
            StatementConfig::default(),
        );
        assert!(p.sgro[0].is_nan() && p.mlev[0].is_nan() && p.blev[0].is_nan());
        let p = statement_panels(&[], &[], &[], StatementConfig::default());
        assert!(p.sgro.is_empty());
    }

    #[test]
    fn negative_book_gives_no_book_leverage() {
        let mut r = q(0, 1.0, 1.0);
        r.equity = -5.0;
        let m = statements_as_of(&[r], d("2020-01-01"));
        let out = known_descriptors(&m, StatementConfig::default());
        assert!(out[4].is_nan());
        assert_eq!(out[3], 0.6);
    }
}
