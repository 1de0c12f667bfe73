//! The "theoretical limit" of long-short (多空收益"理论极限", SPEC §12): sort a
//! cross-section by its **realised** returns, and take the spread between the top and
//! bottom deciles — what a perfect-foresight factor would have earned.
//!
//! * per period: `LS = mean(top decile r) − mean(bottom decile r)`, deciles by
//!   [`Grouping::RankFloor`](crate::quantile::Grouping) on the realised returns;
//! * per year: `annual_agg` — `MeanMonthly` (default, arithmetic mean of the period
//!   spreads: for i.i.d. N(0, σ²) returns the expected decile spread is
//!   `2·φ(z₀.₉)/0.1·σ ≈ 3.51σ`), `Compounded` (`Π(1 + LS) − 1`) or `SumMonthly`.

use crate::quantile::{assign, assign_sorted, Grouping};
use serde::{Deserialize, Serialize};

/// Top-minus-bottom group mean of `r` cut into `q` RankFloor groups (`NaN` when
/// `r` has fewer than `q` values). A constant cross-section gives 0.
pub fn decile_spread(r: &[f64], q: usize, idx: &mut Vec<usize>) -> f64 {
    let Some(g) = assign(r, q, Grouping::RankFloor, idx) else {
        return f64::NAN;
    };
    spread(r, &g, q)
}

/// [`decile_spread`] given the stable ascending order of `r`.
pub fn decile_spread_sorted(r: &[f64], order: &[usize], q: usize) -> f64 {
    match assign_sorted(r, order, q, Grouping::RankFloor) {
        Some(g) => spread(r, &g, q),
        None => f64::NAN,
    }
}

fn spread(r: &[f64], g: &[u16], q: usize) -> f64 {
    let (mut top, mut nt, mut bot, mut nb) = (0.0, 0usize, 0.0, 0usize);
    for (v, &k) in r.iter().zip(g) {
        if k as usize == q {
            top += v;
            nt += 1;
        } else if k == 1 {
            bot += v;
            nb += 1;
        }
    }
    top / nt as f64 - bot / nb as f64
}

/// How period spreads add up to a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AnnualAgg {
    /// Arithmetic mean of the period spreads (SPEC default).
    #[default]
    MeanMonthly,
    /// `Π(1 + LS) − 1`.
    Compounded,
    /// Sum of the period spreads.
    SumMonthly,
}

/// Aggregate one year's period spreads (NaN entries skipped; NaN when none).
pub fn annual(spreads: &[f64], how: AnnualAgg) -> f64 {
    let v: Vec<f64> = spreads.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    match how {
        AnnualAgg::MeanMonthly => v.iter().sum::<f64>() / v.len() as f64,
        AnnualAgg::Compounded => v.iter().fold(1.0, |a, x| a * (1.0 + x)) - 1.0,
        AnnualAgg::SumMonthly => v.iter().sum(),
    }
}
