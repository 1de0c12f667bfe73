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

/// Style exposures of a fund's excess return per calendar year (SPEC §14.1): OLS of
/// `r_fund − r_bench` on the style factor returns over the year's days (up to `to`) with
/// a constant, the days where all are known; at least `min_obs` days, else no row.
/// Returns year → (exposures per style, days used).
pub fn yearly_exposures(
    dates: &[NaiveDate],
    fund: &[f64],
    bench: &[f64],
    factors: &dyn Fn(NaiveDate) -> Option<Vec<f64>>,
    p: usize,
    to: Option<NaiveDate>,
    min_obs: usize,
) -> BTreeMap<i32, (Vec<f64>, usize)> {
    let mut by_year: BTreeMap<i32, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (t, d) in dates.iter().enumerate() {
        if to.is_some_and(|x| *d > x) {
            continue;
        }
        let e = fund[t] - bench[t];
        let Some(f) = factors(*d) else { continue };
        if !e.is_finite() || f.len() != p || f.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let entry = by_year.entry(d.year()).or_default();
        entry.0.push(e);
        entry.1.extend(f);
    }
    by_year
        .into_iter()
        .filter_map(|(y, (ys, xs))| {
            let n = ys.len();
            if n < min_obs.max(p + 2) {
                return None;
            }
            let r = crate::rolling::rolling_ols(&ys, &xs, p, n, n, true);
            let last = &r.coef[(n - 1) * r.k..n * r.k];
            last[0].is_finite().then(|| (y, (last[1..].to_vec(), n)))
        })
        .collect()
}

#[cfg(test)]
mod exposure_tests {
    use super::*;

    #[test]
    fn a_planted_style_tilt_is_measured_per_year() {
        let start = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
        let dates: Vec<NaiveDate> = (0..500)
            .map(|i| start + chrono::Duration::days(i))
            .collect();
        let f1: Vec<f64> = (0..500)
            .map(|t| ((t * 7919 % 1000) as f64 / 1000.0 - 0.5) * 0.01)
            .collect();
        let f2: Vec<f64> = (0..500)
            .map(|t| ((t * 104729 % 997) as f64 / 997.0 - 0.5) * 0.01)
            .collect();
        let bench = vec![0.001; 500];
        // a size tilt of −0.3 in 2023 and +0.2 in 2024, value 0.1 throughout
        let fund: Vec<f64> = (0..500)
            .map(|t| {
                let s = if dates[t].year() == 2023 { -0.3 } else { 0.2 };
                0.001 + 0.0001 + s * f1[t] + 0.1 * f2[t]
            })
            .collect();
        let fac = |d: NaiveDate| {
            let t = (d - start).num_days() as usize;
            Some(vec![f1[t], f2[t]])
        };
        let e = yearly_exposures(&dates, &fund, &bench, &fac, 2, None, 60);
        assert!((e[&2023].0[0] + 0.3).abs() < 1e-9 && (e[&2023].0[1] - 0.1).abs() < 1e-9);
        assert!((e[&2024].0[0] - 0.2).abs() < 1e-9);
        assert_eq!(e[&2023].1, 364);
        // too few days: no row
        let cut = NaiveDate::from_ymd_opt(2023, 2, 1).unwrap();
        assert!(yearly_exposures(&dates, &fund, &bench, &fac, 2, Some(cut), 60).is_empty());
    }
}
