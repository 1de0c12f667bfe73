//! Walk-forward training (SPEC §15): a model is retrained every `retrain_months` on the
//! last `train_years` of labelled days and predicts until the next retraining.
//!
//! **No leakage.** For a retraining on day r (its features are those of the close of r),
//! a training day d needs its label known by then: the label covers (d, d + H], so
//! `d + H ≤ r − 1` — a gap of H days between the last training label and the first
//! prediction. The last `valid_frac` of the training days (time-ordered) are the early-
//! stopping validation set. Training days are taken every `train_step` days (default H:
//! non-overlapping labels, a fifth of the rows for weekly labels). Predictions of day t
//! therefore read features of t and labels ending before the window's start ≤ t only
//! (tested by the store-mutation test).
//!
//! **Resuming.** With a cache folder each window's model is written there
//! (`<kind>_<first prediction day>.json`) and read back instead of retrained when present,
//! so an interrupted run resumes where it stopped.

use crate::model::{AlphaModel, Gbdt, GbdtConfig, ModelError, Rows};
use crate::store::FeatureSet;
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// Settings of the walk-forward.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkConfig {
    /// Months between retrainings.
    pub retrain_months: u32,
    /// Years of training history.
    pub train_years: u32,
    /// Share of the training days (the latest) used for early stopping.
    pub valid_frac: f64,
    /// Label horizon H in days (the gap).
    pub horizon: usize,
    /// Days between training days (0 = H).
    pub train_step: usize,
    /// Fewest training days before the first window.
    pub min_train_days: usize,
    /// The tree model's settings.
    pub gbdt: GbdtConfig,
}

impl Default for WalkConfig {
    fn default() -> Self {
        WalkConfig {
            retrain_months: 6,
            train_years: 4,
            valid_frac: 0.2,
            horizon: 5,
            train_step: 0,
            min_train_days: 250,
            gbdt: GbdtConfig::default(),
        }
    }
}

/// One window: where it trained and predicted, and what training found.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// First and last training day.
    pub train: (NaiveDate, NaiveDate),
    /// First and last validation day (the last labelled day the window learnt from).
    pub valid: (NaiveDate, NaiveDate),
    /// First and last prediction day.
    pub predict: (NaiveDate, NaiveDate),
    /// Training and validation rows.
    pub rows: (usize, usize),
    /// Trees used for prediction (the early-stopping round when validation rows stopped
    /// the growth, else every tree grown).
    pub trees: usize,
    /// Read from the cache instead of trained.
    pub cached: bool,
}

/// The first day of each window: the first day with `min_train_days` of labelled history
/// before it (the gap included), then the first trading day `retrain_months` later, and
/// so on.
pub fn window_starts(dates: &[NaiveDate], cfg: &WalkConfig) -> Vec<usize> {
    let mut out = Vec::new();
    let first = cfg.min_train_days + cfg.horizon + 1;
    if first >= dates.len() {
        return out;
    }
    let mut r = first;
    while r < dates.len() {
        out.push(r);
        let next = add_months(dates[r], cfg.retrain_months.max(1));
        r = dates.partition_point(|d| *d < next);
    }
    out
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    let months = d.year() * 12 + d.month0() as i32 + m as i32;
    NaiveDate::from_ymd_opt(months / 12, months as u32 % 12 + 1, 1).expect("a date")
}

/// Column-major rows of the days `days` (all stocks with a finite label), and labels.
fn gather(set: &FeatureSet, days: &[usize]) -> (Vec<f64>, Vec<f64>, usize) {
    let (n, t_len) = (set.assets.len(), set.dates.len());
    let f = &set.features;
    let nf = f.names.len();
    let cells: Vec<(usize, usize)> = days
        .iter()
        .flat_map(|&t| (0..n).map(move |j| (t, j)))
        .filter(|&(t, j)| set.labels[t * n + j].is_finite() && set.close[t * n + j].is_finite())
        .collect();
    let rows = cells.len();
    let mut x = vec![f64::NAN; rows * nf];
    for k in 0..nf {
        for (i, &(t, j)) in cells.iter().enumerate() {
            x[k * rows + i] = f.values[(j * nf + k) * t_len + t] as f64;
        }
    }
    let y = cells.iter().map(|&(t, j)| set.labels[t * n + j]).collect();
    (x, y, rows)
}

/// Walk forward over `set` with a GBDT per window: predictions `t × n` (NaN before the
/// first window and where a stock has no row) and the windows. `progress(done, total)`
/// is called after each window.
pub fn walk_forward(
    set: &FeatureSet,
    cfg: &WalkConfig,
    cache: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Vec<f64>, Vec<Window>), ModelError> {
    let (n, t_len) = (set.assets.len(), set.dates.len());
    let nf = set.features.names.len();
    let mut pred = vec![f64::NAN; t_len * n];
    let starts = window_starts(&set.dates, cfg);
    let step = if cfg.train_step == 0 {
        cfg.horizon.max(1)
    } else {
        cfg.train_step
    };
    let mut windows = Vec::new();
    for (w, &r) in starts.iter().enumerate() {
        let end = starts.get(w + 1).copied().unwrap_or(t_len);
        // training days: within train_years before r, labels ending by r − 1
        let last = r - cfg.horizon - 1;
        let from = add_months(set.dates[r], 0)
            .with_year(set.dates[r].year() - cfg.train_years as i32)
            .unwrap_or(set.dates[0]);
        let first = set.dates.partition_point(|d| *d < from);
        // every step-th day counting back from the last one
        let mut days: Vec<usize> = (first..last + 1).rev().step_by(step).collect();
        days.reverse();
        if days.len() < 2 {
            continue;
        }
        let n_valid = ((days.len() as f64) * cfg.valid_frac).round() as usize;
        let (train_days, valid_days) = days.split_at(days.len() - n_valid.min(days.len() - 1));
        let path = cache.map(|c| c.join(format!("gbdt_{}.json", set.dates[r])));
        let (xt, yt, rt) = gather(set, train_days);
        let (xv, yv, rv) = gather(set, valid_days);
        let (model, cached) = match &path {
            Some(p) if p.exists() => (Gbdt::load(p)?, true),
            _ => {
                let mut m = Gbdt::new(cfg.gbdt.clone());
                let tr = Rows {
                    data: &xt,
                    rows: rt,
                    cols: nf,
                };
                let va = Rows {
                    data: &xv,
                    rows: rv,
                    cols: nf,
                };
                let valid = (rv > 0).then_some((&va, &yv[..]));
                m.fit(&tr, &yt, valid)?;
                if let Some(p) = &path {
                    m.save(p)?;
                }
                (m, false)
            }
        };
        // predict every stock with a row in [r, end)
        let cells: Vec<(usize, usize)> = (r..end)
            .flat_map(|t| (0..n).map(move |j| (t, j)))
            .filter(|&(t, j)| set.close[t * n + j].is_finite())
            .collect();
        let rows = cells.len();
        let mut x = vec![f64::NAN; rows * nf];
        for k in 0..nf {
            for (i, &(t, j)) in cells.iter().enumerate() {
                x[k * rows + i] = set.features.values[(j * nf + k) * t_len + t] as f64;
            }
        }
        let p = model.predict(&Rows {
            data: &x,
            rows,
            cols: nf,
        })?;
        for (&(t, j), v) in cells.iter().zip(p) {
            pred[t * n + j] = v;
        }
        windows.push(Window {
            train: (
                set.dates[train_days[0]],
                set.dates[*train_days.last().expect("days")],
            ),
            valid: (
                valid_days
                    .first()
                    .map_or(set.dates[last], |&d| set.dates[d]),
                valid_days.last().map_or(set.dates[last], |&d| set.dates[d]),
            ),
            predict: (set.dates[r], set.dates[end - 1]),
            rows: (rt, rv),
            trees: {
                let (grown, kept) = model.rounds();
                kept.unwrap_or(grown)
            },
            cached,
        });
        progress(w + 1, starts.len());
    }
    Ok((pred, windows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_start_after_enough_history_and_every_six_months() {
        let mut dates = Vec::new();
        let mut d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        while dates.len() < 1000 {
            if d.weekday().num_days_from_monday() < 5 {
                dates.push(d);
            }
            d = d.succ_opt().unwrap();
        }
        let cfg = WalkConfig::default();
        let s = window_starts(&dates, &cfg);
        assert_eq!(s[0], 250 + 5 + 1);
        for w in s.windows(2) {
            let (a, b) = (dates[w[0]], dates[w[1]]);
            assert!(b > a && (b - a).num_days() <= 190 && (b - a).num_days() >= 150);
        }
        assert!(window_starts(&dates[..200], &cfg).is_empty());
    }
}
