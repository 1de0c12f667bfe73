//! Ranking and top-N selection (SPEC §4.2).

use std::cmp::Ordering;

/// Indices of the top `n` eligible assets by `score` (descending). Ties: higher
/// `tiebreak` (NaN last), then lower `codes`. Assets with a NaN score are never chosen.
pub fn ranked(score: &[f64], tiebreak: &[f64], codes: &[String], eligible: &[bool]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len())
        .filter(|&j| eligible[j] && score[j].is_finite())
        .collect();
    let tb = |j: usize| {
        if tiebreak[j].is_finite() {
            tiebreak[j]
        } else {
            f64::NEG_INFINITY
        }
    };
    idx.sort_by(|&a, &b| {
        score[b]
            .partial_cmp(&score[a])
            .unwrap_or(Ordering::Equal)
            .then(tb(b).partial_cmp(&tb(a)).unwrap_or(Ordering::Equal))
            .then(codes[a].cmp(&codes[b]))
    });
    idx
}

/// The first `n` of [`ranked`].
pub fn top_n(
    score: &[f64],
    tiebreak: &[f64],
    codes: &[String],
    eligible: &[bool],
    n: usize,
) -> Vec<usize> {
    let mut r = ranked(score, tiebreak, codes, eligible);
    r.truncate(n);
    r
}
