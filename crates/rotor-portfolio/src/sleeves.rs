//! Fixed-mix sleeves: a portfolio of other strategies (core + satellite, SPEC §16).
//!
//! Each sleeve k is a strategy with its own daily net returns `r_k,d` (its NAV is what
//! the sleeve holds). The mix holds weight `w_k` of NAV in sleeve k:
//!
//! * [`SleeveRebalance::DailyReset`]: weights reset to target every day, so
//!   `r_d = Σ_k w_k r_k,d` exactly (a test mode, and what "70/30" means on paper);
//! * [`SleeveRebalance::Bands`]: weights drift with the sleeves' returns,
//!   `w_k ← w_k (1 + r_k,d) / (1 + r_d)`, and are reset to target at the close of any
//!   day on which some `|w_k − target_k|` exceeds the band (±5 pp by default); the
//!   cost `c · Σ_k |target_k − w_k|` is taken from the next day's return, as in
//!   [`crate::backtest`].
//!
//! Targets must be non-negative and sum to at most 1 (the rest is cash, earning 0). A
//! missing sleeve return (NaN: the sleeve has not started) counts as 0.

/// When the mix is brought back to target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SleeveRebalance {
    /// Every day (exact linear mix).
    DailyReset,
    /// When a weight drifts more than `band` (a fraction of NAV, 0.05 = 5 pp).
    Bands(f64),
}

/// The mixed portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct MixResult {
    /// Daily net return of the mix (`[0]` = 0).
    pub net: Vec<f64>,
    /// Weight of each sleeve at each day's close (after any rebalance).
    pub weights: Vec<Vec<f64>>,
    /// Days (indices) on which the mix was rebalanced by the band rule.
    pub rebalanced: Vec<usize>,
}

/// Mix `returns` (one daily series per sleeve, equal lengths) at `target` weights.
pub fn mix(returns: &[&[f64]], target: &[f64], rule: SleeveRebalance, cost: f64) -> MixResult {
    let days = returns.first().map_or(0, |r| r.len());
    let k = target.len();
    let mut w = target.to_vec();
    let mut net = vec![0.0; days];
    let mut weights = Vec::with_capacity(days);
    let mut rebalanced = Vec::new();
    let mut pending = 0.0;
    for d in 0..days {
        if d > 0 {
            let r: Vec<f64> = (0..k)
                .map(|i| {
                    let x = returns[i][d];
                    if x.is_finite() {
                        x
                    } else {
                        0.0
                    }
                })
                .collect();
            let rp: f64 = (0..k).map(|i| w[i] * r[i]).sum();
            net[d] = rp - pending;
            pending = 0.0;
            match rule {
                SleeveRebalance::DailyReset => {}
                SleeveRebalance::Bands(band) => {
                    for i in 0..k {
                        w[i] *= (1.0 + r[i]) / (1.0 + rp);
                    }
                    if (0..k).any(|i| (w[i] - target[i]).abs() > band) {
                        let to: f64 = (0..k).map(|i| (target[i] - w[i]).abs()).sum();
                        pending = cost * to;
                        w.copy_from_slice(target);
                        rebalanced.push(d);
                    }
                }
            }
        }
        weights.push(w.clone());
    }
    MixResult {
        net,
        weights,
        rebalanced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_reset_is_exactly_the_weighted_sum() {
        let core = [0.0, 0.01, -0.02, 0.03];
        let sat = [0.0, -0.01, 0.05, f64::NAN];
        let m = mix(
            &[&core, &sat],
            &[0.7, 0.3],
            SleeveRebalance::DailyReset,
            0.001,
        );
        for d in 1..4 {
            let s = if sat[d].is_finite() { sat[d] } else { 0.0 };
            assert_eq!(m.net[d], 0.7 * core[d] + 0.3 * s);
        }
        assert!(m
            .weights
            .iter()
            .all(|w| (w.iter().sum::<f64>() - 1.0).abs() < 1e-15));
        assert!(m.rebalanced.is_empty());
    }

    #[test]
    fn drift_past_the_band_triggers_a_rebalance_with_its_cost() {
        // the satellite doubles on day 1: 0.3·2 / (0.7 + 0.6) = 0.4615 > 0.35
        let core = [0.0, 0.0, 0.0];
        let sat = [0.0, 1.0, 0.0];
        let m = mix(
            &[&core, &sat],
            &[0.7, 0.3],
            SleeveRebalance::Bands(0.05),
            0.001,
        );
        assert_eq!(m.rebalanced, vec![1]);
        assert!((m.net[1] - 0.3).abs() < 1e-12);
        let drifted = 0.6 / 1.3;
        assert!((m.net[2] + 0.001 * 2.0 * (drifted - 0.3)).abs() < 1e-12);
        assert_eq!(m.weights[1], vec![0.7, 0.3]);
        // small moves stay inside the band and drift
        let m = mix(
            &[&core, &[0.0, 0.05, 0.0]],
            &[0.7, 0.3],
            SleeveRebalance::Bands(0.05),
            0.001,
        );
        assert!(m.rebalanced.is_empty());
        assert!(m.weights[2][1] > 0.3);
        assert!((m.weights[2].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn no_days_or_no_sleeves_is_empty() {
        assert!(mix(&[], &[], SleeveRebalance::DailyReset, 0.0)
            .net
            .is_empty());
        // no target weights: all cash
        let m = mix(&[&[0.0, 0.1]], &[], SleeveRebalance::DailyReset, 0.0);
        assert_eq!(m.net, vec![0.0, 0.0]);
    }
}
