//! Rolling fund alpha (SPEC §13): each day t, OLS over the last `window` days (at least
//! `min_obs`) of the fund's daily excess return on factor returns,
//!
//! `r_f,d − rf_d = a + Σ_k b_k f_k,d + e_d`,
//!
//! from the first full window on (statsmodels' `RollingOLS`), Model A: the market and
//! style factor returns; Model B: plus sector returns. The
//! annualised alpha is `252 · a` (arithmetic, the convention of the source report's
//! charts); `n_obs` the days in the fit. The cross-sectional summary is the median of
//! the funds' annualised alphas at each month-end ([`monthly_median`]).

use crate::rolling::rolling_ols;
use chrono::{Datelike, NaiveDate};

/// One fund's rolling fit: annualised alpha, betas (`t × p`) and days used per date.
#[derive(Debug, Clone, PartialEq)]
pub struct FundAlpha {
    /// `252 · a` per date (NaN before `min_obs` days).
    pub alpha_ann: Vec<f64>,
    /// Factor loadings, row-major `t × p`.
    pub betas: Vec<f64>,
    /// Days in each fit.
    pub n_obs: Vec<usize>,
}

/// The rolling alpha of `fund` (daily returns on the factor dates) on `factors`
/// (`t × p`), minus a daily risk-free rate `rf`.
pub fn rolling_alpha(
    fund: &[f64],
    factors: &[f64],
    p: usize,
    rf: f64,
    window: usize,
    min_obs: usize,
) -> FundAlpha {
    let y: Vec<f64> = fund.iter().map(|r| r - rf).collect();
    let r = rolling_ols(&y, factors, p, window, min_obs, true);
    let k = r.k;
    let t_len = fund.len();
    FundAlpha {
        alpha_ann: (0..t_len).map(|t| 252.0 * r.coef[t * k]).collect(),
        betas: (0..t_len)
            .flat_map(|t| r.coef[t * k + 1..(t + 1) * k].to_vec())
            .collect(),
        n_obs: r.n_obs,
    }
}

/// Median of the finite values (NaN when none): rotor-core's.
pub use rotor_core::ops::cross::median;

/// At each month-end of `dates`: (date, median annualised alpha over the funds with
/// one, number of funds).
pub fn monthly_median(dates: &[NaiveDate], alphas: &[Vec<f64>]) -> Vec<(NaiveDate, f64, usize)> {
    let mut out = Vec::new();
    for t in 0..dates.len() {
        let last = t + 1 == dates.len() || dates[t + 1].month() != dates[t].month();
        if !last {
            continue;
        }
        let v: Vec<f64> = alphas
            .iter()
            .map(|a| a[t])
            .filter(|x| x.is_finite())
            .collect();
        out.push((dates[t], median(&v), v.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_alpha_and_beta_are_recovered() {
        let t_len = 400;
        let m: Vec<f64> = (0..t_len)
            .map(|t| ((t * 7919 % 1000) as f64 / 1000.0 - 0.5) * 0.04)
            .collect();
        let fund: Vec<f64> = (0..t_len).map(|t| 0.0004 + 0.9 * m[t]).collect();
        let a = rolling_alpha(&fund, &m, 1, 0.0, 250, 200);
        // nothing before the first full window (statsmodels' RollingOLS)
        assert!(a.alpha_ann[248].is_nan() && a.n_obs[248] == 249);
        assert!(a.alpha_ann[249].is_finite());
        assert!((a.alpha_ann[399] - 252.0 * 0.0004).abs() < 1e-9);
        assert!((a.betas[399] - 0.9).abs() < 1e-9);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, f64::NAN, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0]), 1.5);
        assert!(median(&[]).is_nan());
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let dates = [d("2024-01-30"), d("2024-01-31"), d("2024-02-01")];
        let m = monthly_median(&dates, &[vec![0.0, 0.1, 0.2], vec![0.0, 0.3, f64::NAN]]);
        assert_eq!(m.len(), 2);
        assert!((m[0].1 - 0.2).abs() < 1e-15 && m[0].2 == 2);
        assert_eq!((m[1].1, m[1].2), (0.2, 1));
    }
}
