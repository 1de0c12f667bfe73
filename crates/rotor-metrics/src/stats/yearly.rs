//! The yearly table of SPEC §5.2 (年度表现) and the monthly return matrix.
//!
//! * `R(Y) = Π_{periods in Y}(1 + r) − 1` — a partial first or last year covers only
//!   its available periods (the seed's last row is "2025 YTD through September");
//! * excess columns are **differences** `R_first(Y) − R_other(Y)` (SPEC §5.3 proves the
//!   seeds use differences, not ratios);
//! * the last row (年化) holds the CAGR of each series over the whole sample with
//!   `A` periods per year, and excess = difference of CAGRs.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of the yearly table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRow {
    /// `"2013"`, … or `"年化"` for the annualised row.
    pub label: String,
    /// Periods in the row (12 for a full monthly year).
    pub periods: usize,
    /// Return of each series.
    pub returns: Vec<f64>,
    /// `returns[0] − returns[k]` for k = 1.. (same order as the other series).
    pub excess: Vec<f64>,
}

/// Yearly table of aligned period returns: `dates[i]` is the end of period `i`,
/// `series[k][i]` its return for series `k` (the first series is the strategy).
pub fn yearly_table(dates: &[NaiveDate], series: &[&[f64]], a: f64) -> Vec<YearRow> {
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, d) in dates.iter().enumerate() {
        years.entry(d.year()).or_default().push(i);
    }
    let row = |label: String, idx: &[usize], annualise: bool| {
        let returns: Vec<f64> = series
            .iter()
            .map(|s| {
                let v: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
                if annualise {
                    super::cagr::cagr(&v, a)
                } else {
                    super::cagr::total_return(&v)
                }
            })
            .collect();
        let excess = returns[1..].iter().map(|r| returns[0] - r).collect();
        YearRow {
            label,
            periods: idx.len(),
            returns,
            excess,
        }
    };
    let mut out: Vec<YearRow> = years
        .iter()
        .map(|(y, idx)| row(y.to_string(), idx, false))
        .collect();
    if !series.is_empty() && !dates.is_empty() {
        let all: Vec<usize> = (0..dates.len()).collect();
        out.push(row("年化".into(), &all, true));
    }
    out
}

/// Monthly return matrix: year → 12 slots (NaN where a month is absent), compounding
/// the periods of each calendar month (so daily returns can be passed too).
pub fn monthly_matrix(dates: &[NaiveDate], r: &[f64]) -> BTreeMap<i32, [f64; 12]> {
    let mut acc: BTreeMap<(i32, u32), f64> = BTreeMap::new();
    for (d, x) in dates.iter().zip(r) {
        if x.is_finite() {
            let e = acc.entry((d.year(), d.month())).or_insert(1.0);
            *e *= 1.0 + x;
        }
    }
    let mut out: BTreeMap<i32, [f64; 12]> = BTreeMap::new();
    for ((y, m), v) in acc {
        out.entry(y).or_insert([f64::NAN; 12])[(m - 1) as usize] = v - 1.0;
    }
    out
}
