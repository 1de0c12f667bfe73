//! The daily backtest engine; conventions in the crate docs.

use serde::Serialize;

/// One trade: at the close of `day`, set the weights to `target` (column, weight);
/// unlisted columns go to 0, the remainder is cash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trade {
    /// Day index of the execution close.
    pub day: usize,
    /// Target weights.
    pub target: Vec<(usize, f64)>,
}

/// Daily gross and net returns, turnover per trade and the drifted weights before
/// each trade.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestResult {
    /// Gross return of each day (0 before the first trade).
    pub gross: Vec<f64>,
    /// Net return of each day.
    pub net: Vec<f64>,
    /// Two-sided turnover of each trade (same order as the trades).
    pub turnover: Vec<f64>,
    /// Cost charged for each trade (`c · TO`).
    pub cost: Vec<f64>,
}

/// Run on `returns` (row-major days × `n` columns of simple daily returns; NaN = 0)
/// with `trades` sorted by day (several trades on one day: the last wins) and cost
/// `c` per unit traded.
pub fn run(returns: &[f64], n: usize, trades: &[Trade], c: f64) -> BacktestResult {
    let days = returns.len().checked_div(n).unwrap_or(0);
    let mut gross = vec![0.0; days];
    let mut net = vec![0.0; days];
    let mut turnover = Vec::with_capacity(trades.len());
    let mut cost = Vec::with_capacity(trades.len());
    // held positions: (column, weight), small
    let mut w: Vec<(usize, f64)> = Vec::new();
    let mut pending = 0.0;
    let mut ti = 0;
    let mut target = vec![0.0; n];
    for d in 0..days {
        if d > 0 && !w.is_empty() {
            let row = &returns[d * n..(d + 1) * n];
            let mut rp = 0.0;
            for &(j, x) in &w {
                let r = row[j];
                if r.is_finite() {
                    rp += x * r;
                }
            }
            gross[d] = rp;
            for (j, x) in w.iter_mut() {
                let r = row[*j];
                let r = if r.is_finite() { r } else { 0.0 };
                *x *= (1.0 + r) / (1.0 + rp);
            }
        }
        net[d] = gross[d] - pending;
        pending = 0.0;
        while ti < trades.len() && trades[ti].day < d {
            ti += 1; // a trade for a day before the data start is skipped
        }
        // several trades on one day: only the last one counts (the others trade 0)
        while ti < trades.len() && trades[ti].day == d {
            if ti + 1 < trades.len() && trades[ti + 1].day == d {
                turnover.push(0.0);
                cost.push(0.0);
                ti += 1;
                continue;
            }
            let tr = &trades[ti];
            // dense difference: O(n) per trade
            for &(j, x) in &tr.target {
                target[j] += x;
            }
            for &(j, x) in &w {
                target[j] -= x;
            }
            let mut to = 0.0;
            for &(j, _) in tr.target.iter().chain(w.iter()) {
                to += target[j].abs();
                target[j] = 0.0; // counted once
            }
            w = tr
                .target
                .iter()
                .copied()
                .filter(|(_, x)| *x != 0.0)
                .collect();
            turnover.push(to);
            cost.push(c * to);
            pending = c * to;
            ti += 1;
        }
    }
    BacktestResult {
        gross,
        net,
        turnover,
        cost,
    }
}

/// Simple daily returns of a close series: `P_d / P_prev − 1` where `P_prev` is the
/// last valid close before d; NaN before the first close and on days without a
/// close (the engine treats NaN as 0: the last price carries).
pub fn returns_from_closes(close: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; close.len()];
    let mut last = f64::NAN;
    for (i, &p) in close.iter().enumerate() {
        if p.is_finite() && p > 0.0 {
            if last.is_finite() {
                out[i] = p / last - 1.0;
            }
            last = p;
        }
    }
    out
}
