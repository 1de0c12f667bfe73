//! Constituent → index aggregation (SPEC §0.5).
//!
//! For index `j` at date `t`, `C` = the point-in-time members with valid inputs and `w_i`
//! their weights (free-float cap, or official index weights for `IndexWeighted`):
//!
//! * `Overall` (整体法): `X = Σ num_i / Σ den_i` — e.g. PE = Σ mcap / Σ NP_TTM;
//! * `CapWeighted`: `X = Σ w_i x_i / Σ w_i` with `w` = market cap;
//! * `IndexWeighted`: the same formula with the index's own weights.
//!
//! **Coverage rule.** `Σ_{valid} w_i / Σ_{members} w_i < min_coverage` → `NaN` (default
//! 0.5; 0.8 for the AI ETF rotation). For `Overall` the coverage weights are the ones
//! passed in (market caps); members with a missing weight count as zero weight.
//!
//! **Same-sample rule.** A growth or change of an aggregated quantity between `t₀` and
//! `t₁` uses only members at `t₁` with data at both dates ([`same_sample_change`]),
//! so index reconstitution cannot create spurious growth.

/// How constituents are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AggMethod {
    /// `Σ num / Σ den`.
    Overall,
    /// Market-cap weighted mean.
    CapWeighted,
    /// Index-weight weighted mean.
    IndexWeighted,
}

/// Aggregate one date. `x` is the value per member for weighted methods and the
/// numerator for `Overall` (`den` required then); `w` the weights; `members` the PIT
/// membership mask (same length). Returns `NaN` under the coverage rule.
pub fn aggregate(
    method: AggMethod,
    x: &[f64],
    den: Option<&[f64]>,
    w: &[f64],
    members: &[bool],
    min_coverage: f64,
) -> f64 {
    let wt = |i: usize| {
        if w[i].is_finite() && w[i] > 0.0 {
            w[i]
        } else {
            0.0
        }
    };
    let total: f64 = (0..x.len()).filter(|&i| members[i]).map(wt).sum();
    if total.is_nan() || total <= 0.0 {
        return f64::NAN;
    }
    match method {
        AggMethod::Overall => {
            let Some(den) = den else {
                return f64::NAN;
            };
            let ok = |i: usize| members[i] && x[i].is_finite() && den[i].is_finite();
            let covered: f64 = (0..x.len()).filter(|&i| ok(i)).map(wt).sum();
            if covered / total < min_coverage {
                return f64::NAN;
            }
            let num: f64 = (0..x.len()).filter(|&i| ok(i)).map(|i| x[i]).sum();
            let d: f64 = (0..x.len()).filter(|&i| ok(i)).map(|i| den[i]).sum();
            if d == 0.0 {
                f64::NAN
            } else {
                num / d
            }
        }
        AggMethod::CapWeighted | AggMethod::IndexWeighted => {
            let ok = |i: usize| members[i] && x[i].is_finite() && wt(i) > 0.0;
            let covered: f64 = (0..x.len()).filter(|&i| ok(i)).map(wt).sum();
            if covered / total < min_coverage || covered == 0.0 {
                return f64::NAN;
            }
            (0..x.len())
                .filter(|&i| ok(i))
                .map(|i| wt(i) * x[i])
                .sum::<f64>()
                / covered
        }
    }
}

/// Same-sample relative change of an `Overall` aggregate between `t₀` and `t₁`:
/// with `S` = members at `t₁` having finite numerator and denominator at both dates,
/// `X₁(S) / X₀(S) − 1` where `X(S) = Σ_S num / Σ_S den`. `NaN` when `S` is empty or a
/// base is non-positive.
pub fn same_sample_change(
    num0: &[f64],
    den0: &[f64],
    num1: &[f64],
    den1: &[f64],
    members1: &[bool],
) -> f64 {
    let s: Vec<usize> = (0..num1.len())
        .filter(|&i| {
            members1[i]
                && num0[i].is_finite()
                && den0[i].is_finite()
                && num1[i].is_finite()
                && den1[i].is_finite()
        })
        .collect();
    if s.is_empty() {
        return f64::NAN;
    }
    let x = |n: &[f64], d: &[f64]| {
        let dd: f64 = s.iter().map(|&i| d[i]).sum();
        s.iter().map(|&i| n[i]).sum::<f64>() / dd
    };
    let (x0, x1) = (x(num0, den0), x(num1, den1));
    if x0 > 0.0 && x1.is_finite() {
        x1 / x0 - 1.0
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_is_ratio_of_sums_and_coverage_applies() {
        // PE = Σ mcap / Σ NP
        let mcap = [100.0, 300.0, 600.0];
        let np = [10.0, 10.0, f64::NAN];
        let all = [true; 3];
        let pe = aggregate(AggMethod::Overall, &mcap, Some(&np), &mcap, &all, 0.3);
        assert_eq!(pe, 400.0 / 20.0);
        // coverage 40 % < 50 % → NaN
        assert!(aggregate(AggMethod::Overall, &mcap, Some(&np), &mcap, &all, 0.5).is_nan());
        let x = [1.0, 2.0, f64::NAN];
        let cw = aggregate(AggMethod::CapWeighted, &x, None, &mcap, &all, 0.3);
        assert!((cw - (100.0 + 600.0) / 400.0).abs() < 1e-15);
        let not_members = [false, true, true];
        let cw2 = aggregate(AggMethod::CapWeighted, &x, None, &mcap, &not_members, 0.3);
        assert_eq!(cw2, 2.0);
    }

    #[test]
    fn same_sample_ignores_entrants() {
        // a new member with huge earnings at t1 must not create growth
        let (n0, d0) = ([100.0, f64::NAN], [10.0, f64::NAN]);
        let (n1, d1) = ([110.0, 1e6], [10.0, 1.0]);
        let g = same_sample_change(&n0, &d0, &n1, &d1, &[true, true]);
        assert!((g - 0.1).abs() < 1e-12);
    }
}
