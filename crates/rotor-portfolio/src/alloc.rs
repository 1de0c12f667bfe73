//! Allocators: from a strategy's decision at t to target weights.
//!
//! * **Top N, equal weight** ([`Allocator::TopN`], default, SPEC §4.2): walk the ranked
//!   eligible assets, map each to a tradable instrument (itself, or its ETF in ETF
//!   mode), skip those without one, hold the first N at `1/N'` (N' = how many were
//!   found, ≤ N).
//! * **Score weighted** ([`Allocator::ScoreWeighted`]): the same N names, weighted by
//!   their positive score, `w_i = max(s_i, 0) / Σ_j max(s_j, 0)`; equal weights when no
//!   selected score is positive. (Composite scores are cross-sectional z-scores, so
//!   "positive" means "above the universe average".)
//! * **Position** ([`position`]): a timing strategy's weight `p ∈ [0, 1]` in one risky
//!   asset, `1 − p` in a defensive asset or in cash (earning 0).
//!
//! Weights are fractions of NAV summing to at most 1; the remainder is cash.

use serde::{Deserialize, Serialize};

/// How scores become weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Allocator {
    /// The first N at equal weight (default).
    #[default]
    TopN,
    /// The first N weighted by positive score.
    ScoreWeighted,
}

/// One selected name: the asset (its index in the universe), the instrument traded
/// (a column chosen by the caller's map) and its target weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected<C> {
    /// Universe position of the asset.
    pub asset: usize,
    /// Instrument (what the caller's map returned).
    pub instrument: C,
    /// Target weight.
    pub weight: f64,
}

/// Select up to `n` names from `order` (ranked eligible asset positions, best first),
/// mapping each through `map` (None = not tradable at t: skipped, counted). Returns the
/// selection and the number of names skipped before the N-th was found.
pub fn allocate<C>(
    allocator: Allocator,
    order: &[usize],
    score: &[f64],
    n: usize,
    mut map: impl FnMut(usize) -> Option<C>,
) -> (Vec<Selected<C>>, usize) {
    let mut picked: Vec<(usize, C)> = Vec::with_capacity(n);
    let mut skipped = 0;
    for &j in order {
        if picked.len() == n {
            break;
        }
        match map(j) {
            Some(c) => picked.push((j, c)),
            None => skipped += 1,
        }
    }
    let w = weights(
        allocator,
        &picked.iter().map(|(j, _)| score[*j]).collect::<Vec<_>>(),
    );
    let sel = picked
        .into_iter()
        .zip(w)
        .map(|((asset, instrument), weight)| Selected {
            asset,
            instrument,
            weight,
        })
        .collect();
    (sel, skipped)
}

/// Weights of the selected names by the allocator's rule (see the module docs).
pub fn weights(allocator: Allocator, scores: &[f64]) -> Vec<f64> {
    let k = scores.len();
    if k == 0 {
        return Vec::new();
    }
    let equal = vec![1.0 / k as f64; k];
    match allocator {
        Allocator::TopN => equal,
        Allocator::ScoreWeighted => {
            let pos: Vec<f64> = scores
                .iter()
                .map(|s| if s.is_finite() { s.max(0.0) } else { 0.0 })
                .collect();
            let total: f64 = pos.iter().sum();
            if total > 0.0 {
                pos.iter().map(|p| p / total).collect()
            } else {
                equal
            }
        }
    }
}

/// A position `p` in `risky` and the rest in `defensive` (None = cash). `p` is clipped
/// to `[0, 1]`; zero weights are left out.
pub fn position<C: Clone>(p: f64, risky: C, defensive: Option<C>) -> Vec<(C, f64)> {
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut v = Vec::new();
    if p > 0.0 {
        v.push((risky, p));
    }
    if let (Some(d), true) = (defensive, p < 1.0) {
        v.push((d, 1.0 - p));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_n_skips_untradable_names_and_weights_equally() {
        let score = [3.0, 2.0, 1.0, 0.5];
        let (sel, skipped) = allocate(Allocator::TopN, &[0, 1, 2, 3], &score, 2, |j| {
            (j != 0).then_some(j * 10)
        });
        assert_eq!(skipped, 1);
        assert_eq!(sel.iter().map(|s| s.asset).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(sel[1].instrument, 20);
        assert!(sel.iter().all(|s| s.weight == 0.5));
        let (sel, _) = allocate(Allocator::TopN, &[], &score, 5, Some);
        assert!(sel.is_empty());
    }

    #[test]
    fn score_weights_are_proportional_to_positive_scores_and_sum_to_one() {
        let w = weights(Allocator::ScoreWeighted, &[3.0, 1.0, -2.0]);
        assert_eq!(w, vec![0.75, 0.25, 0.0]);
        assert_eq!(
            weights(Allocator::ScoreWeighted, &[-1.0, -2.0]),
            vec![0.5, 0.5]
        );
        assert!(weights(Allocator::ScoreWeighted, &[]).is_empty());
        let w = weights(Allocator::ScoreWeighted, &[0.3, 0.2, 0.9, 1e-9]);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_position_splits_between_risky_and_defensive_or_cash() {
        assert_eq!(
            position(0.75, 'E', Some('B')),
            vec![('E', 0.75), ('B', 0.25)]
        );
        assert_eq!(position(0.75, 'E', None), vec![('E', 0.75)]);
        assert_eq!(position(1.5, 'E', Some('B')), vec![('E', 1.0)]);
        assert_eq!(position(0.0, 'E', Some('B')), vec![('B', 1.0)]);
        assert_eq!(position(f64::NAN, 'E', None), vec![]);
    }
}
