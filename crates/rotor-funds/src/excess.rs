//! Yearly excess returns of enhanced-index funds (SPEC §14.1, the source report's
//! table 55): per calendar year, the fund's compounded return minus its benchmark's,
//! `Π(1 + r_f) − Π(1 + r_b)` (difference, not ratio), over the days both have a return;
//! the median per benchmark index. The benchmark's daily return is its text's weighted
//! sum ([`crate::benchmark`]): `Σ w_k r_k`, deposit terms at a fixed annual rate / 252.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

/// Compounded return per calendar year over the days where both series have a value,
/// within `[from, to]`: year → (fund, benchmark, days).
pub fn yearly_pair(
    dates: &[NaiveDate],
    fund: &[f64],
    bench: &[f64],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> BTreeMap<i32, (f64, f64, usize)> {
    let mut out: BTreeMap<i32, (f64, f64, usize)> = BTreeMap::new();
    for (t, d) in dates.iter().enumerate() {
        if from.is_some_and(|f| *d < f) || to.is_some_and(|x| *d > x) {
            continue;
        }
        let (a, b) = (fund[t], bench[t]);
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        let e = out.entry(d.year()).or_insert((1.0, 1.0, 0));
        e.0 *= 1.0 + a;
        e.1 *= 1.0 + b;
        e.2 += 1;
    }
    out.values_mut().for_each(|v| {
        v.0 -= 1.0;
        v.1 -= 1.0;
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excess_is_a_difference_of_compounded_returns() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let dates = [
            d("2023-12-29"),
            d("2024-01-02"),
            d("2024-01-03"),
            d("2024-01-04"),
        ];
        let fund = [0.01, 0.10, -0.05, f64::NAN];
        let bench = [0.0, 0.05, -0.05, 0.02];
        let y = yearly_pair(&dates, &fund, &bench, None, None);
        let (f, b, n) = y[&2024];
        assert_eq!(n, 2);
        assert!((f - (1.1 * 0.95 - 1.0)).abs() < 1e-15 && (b - (1.05 * 0.95 - 1.0)).abs() < 1e-15);
        assert!(((f - b) - (1.045 - 0.9975)).abs() < 1e-12);
        // a window cuts the year
        let y = yearly_pair(&dates, &fund, &bench, Some(d("2024-01-03")), None);
        assert_eq!(y[&2024].2, 1);
        assert!(!y.contains_key(&2023));
    }
}
