//! Evaluation of a strategy's signal at its own signal dates: each date's score against
//! the return realised to the next signal date, overall and by a label known at the
//! signal date (the regime). One home for what the run tables and the report show.
//!
//! Per signal date t (scores `x`, forward returns `y` of the assets with both):
//!
//! * `RankIC_t = Spearman(x, y)` (average ranks for ties), NaN with fewer than 3 pairs;
//! * quantile group means: with at least `q` pairs, groups by `RankFloor` (SPEC §6.2,
//!   group q = highest score) and the equal-weight mean return of each group.
//!
//! Over a set of dates (all, or one label's): mean, std (ddof = 1), `ICIR = mean / std`,
//! win rate `#{IC > 0} / n` over the dates with an IC, and the mean top-minus-bottom
//! spread `mean_t(G_q − G_1)`; for quantiles the per-group mean over the dates that
//! have groups.

use crate::quantile::{assign, Grouping};
use rotor_core::ops::cross::spearman;
use rotor_core::Panel;
use serde::Serialize;

/// One signal date.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodStats {
    /// Spearman RankIC of score vs forward return.
    pub rank_ic: f64,
    /// Group means (1 = lowest score), when there were enough pairs.
    pub groups: Option<Vec<f64>>,
}

/// Per-date RankIC and `q`-group means of `score` against `fwd` (same dates × assets).
pub fn period_stats(score: &Panel, fwd: &Panel, q: usize) -> Vec<PeriodStats> {
    let mut idx = Vec::new();
    (0..score.n_dates())
        .map(|i| {
            let (x, y) = (score.row(i), fwd.row(i));
            let pairs: Vec<(f64, f64)> = x
                .iter()
                .zip(y)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .map(|(a, b)| (*a, *b))
                .collect();
            let groups = (pairs.len() >= q.max(1)).then(|| {
                let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
                let g = assign(&xs, q, Grouping::RankFloor, &mut idx)?;
                let mut sum = vec![0.0; q];
                let mut n = vec![0usize; q];
                for (p, k) in pairs.iter().zip(&g) {
                    let k = (*k as usize).clamp(1, q) - 1;
                    sum[k] += p.1;
                    n[k] += 1;
                }
                Some(
                    sum.iter()
                        .zip(&n)
                        .map(|(s, n)| if *n > 0 { s / *n as f64 } else { f64::NAN })
                        .collect(),
                )
            });
            PeriodStats {
                rank_ic: spearman(x, y, 3),
                groups: groups.flatten(),
            }
        })
        .collect()
}

/// RankIC statistics over a set of dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelIc {
    /// Label, or `All`.
    pub label: String,
    /// Dates with an IC.
    pub n: usize,
    /// Mean RankIC.
    pub ic_mean: f64,
    /// Std of RankIC.
    pub ic_std: f64,
    /// Mean / std.
    pub icir: f64,
    /// Share of positive ICs.
    pub win_rate: f64,
    /// Mean top-minus-bottom group return per period.
    pub top_minus_bottom: f64,
}

/// Mean group returns over a set of dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelQuantiles {
    /// Label, or `All`.
    pub label: String,
    /// Mean return of each group (1 = lowest score).
    pub means: Vec<f64>,
    /// Dates that had groups.
    pub dates: usize,
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|v| v.is_finite()).collect();
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// The date sets: `All`, then each label of `order` that occurs (in that order).
fn groups(labels: &[Option<String>], n: usize, order: &[String]) -> Vec<(String, Vec<usize>)> {
    let mut out = vec![("All".to_string(), (0..n).collect())];
    for l in order {
        let v: Vec<usize> = (0..n)
            .filter(|&i| labels.get(i).and_then(|x| x.as_deref()) == Some(l.as_str()))
            .collect();
        if !v.is_empty() {
            out.push((l.clone(), v));
        }
    }
    out
}

/// RankIC statistics over all dates and per label (see the module docs).
pub fn ic_by_label(
    stats: &[PeriodStats],
    labels: &[Option<String>],
    order: &[String],
) -> Vec<LabelIc> {
    groups(labels, stats.len(), order)
        .into_iter()
        .map(|(label, ix)| {
            let v: Vec<f64> = ix
                .iter()
                .map(|&i| stats[i].rank_ic)
                .filter(|x| x.is_finite())
                .collect();
            let spread: Vec<f64> = ix
                .iter()
                .map(|&i| match &stats[i].groups {
                    Some(g) if !g.is_empty() => g[g.len() - 1] - g[0],
                    _ => f64::NAN,
                })
                .collect();
            let n = v.len();
            let m = mean(&v);
            let sd = if n > 1 {
                (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
            } else {
                f64::NAN
            };
            LabelIc {
                label,
                n,
                ic_mean: m,
                ic_std: sd,
                icir: m / sd,
                win_rate: if n > 0 {
                    v.iter().filter(|x| **x > 0.0).count() as f64 / n as f64
                } else {
                    f64::NAN
                },
                top_minus_bottom: mean(&spread),
            }
        })
        .collect()
}

/// Mean group returns over all dates and per label; sets without a grouped date are
/// left out.
pub fn quantiles_by_label(
    stats: &[PeriodStats],
    labels: &[Option<String>],
    order: &[String],
) -> Vec<LabelQuantiles> {
    groups(labels, stats.len(), order)
        .into_iter()
        .filter_map(|(label, ix)| {
            let per: Vec<&Vec<f64>> = ix
                .iter()
                .filter_map(|&i| stats[i].groups.as_ref())
                .collect();
            let q = per.first()?.len();
            let means = (0..q)
                .map(|k| mean(&per.iter().map(|g| g[k]).collect::<Vec<_>>()))
                .collect();
            Some(LabelQuantiles {
                label,
                means,
                dates: per.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quantile_means_and_ic_by_hand() {
        // one date, 5 assets: score order = return order → groups = the returns sorted
        let dates = vec![d("2020-01-31")];
        let assets: Vec<String> = (0..5).map(|i| format!("A{i}")).collect();
        let mut score = Panel::nan(dates.clone(), assets.clone());
        let mut fwd = Panel::nan(dates, assets);
        for (j, (s, r)) in [5.0, 1.0, 3.0, 2.0, 4.0]
            .iter()
            .zip([0.05, 0.01, 0.03, 0.02, 0.04])
            .enumerate()
        {
            score.set(0, j, *s);
            fwd.set(0, j, r);
        }
        let st = period_stats(&score, &fwd, 5);
        assert!((st[0].rank_ic - 1.0).abs() < 1e-12);
        let labels = vec![Some("LT".to_string())];
        let order = vec!["LL".to_string(), "LT".to_string()];
        let q = quantiles_by_label(&st, &labels, &order);
        assert_eq!(
            q.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(),
            ["All", "LT"]
        );
        for k in 0..5 {
            assert!((q[0].means[k] - 0.01 * (k + 1) as f64).abs() < 1e-12);
        }
        let ic = ic_by_label(&st, &labels, &order);
        assert_eq!((ic[0].n, ic[1].label.as_str()), (1, "LT"));
        assert!((ic[0].top_minus_bottom - 0.04).abs() < 1e-12);
        assert!(ic[0].ic_std.is_nan(), "one observation has no std");
    }

    #[test]
    fn too_few_pairs_give_no_groups_and_no_ic() {
        let dates = vec![d("2020-01-31")];
        let assets: Vec<String> = (0..2).map(|i| format!("A{i}")).collect();
        let mut score = Panel::nan(dates.clone(), assets.clone());
        let fwd = Panel::nan(dates, assets);
        score.set(0, 0, 1.0);
        let st = period_stats(&score, &fwd, 5);
        assert!(st[0].rank_ic.is_nan() && st[0].groups.is_none());
        assert!(quantiles_by_label(&st, &[None], &[]).is_empty());
        let ic = ic_by_label(&st, &[None], &[]);
        assert_eq!(ic.len(), 1);
        assert_eq!(ic[0].n, 0);
    }
}
