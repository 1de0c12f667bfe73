//! Neutralisation of a stock factor against styles and industries (SPEC §14.2, 剥离
//! Barra): on each date, OLS
//!
//! `x_i = a + Σ_k b_k X_{i,k} + Σ_j c_j D_{i,j} + e_i`
//!
//! over the stocks with a factor value, every style and (when industries are used) an
//! industry; the neutralised factor is the residual `e` (and, as the SPEC writes it,
//! `cs_z(e)`, see [`neutralize_z`]). The constant and a full set of industry dummies are
//! collinear: the constant is dropped when industries are in (the residuals are the
//! same). Empty industries and styles without dispersion are dropped. OLS residuals
//! satisfy `Xᵀe = 0` for every regressor column; neutralising twice equals once, and a
//! factor that is a linear combination of the regressors neutralises to zero (tested).
//! Stocks without a value, a style or an industry get NaN.

use crate::linalg::solve_spd;

/// Regressors of one date: styles (row-major n × n_styles) and optional industries.
#[derive(Debug, Clone, Copy)]
pub struct Regressors<'a> {
    /// Style exposures, row-major.
    pub styles: &'a [f64],
    /// Number of styles.
    pub n_styles: usize,
    /// Industry of each stock (None = unknown), or None to leave industries out.
    pub industry: Option<&'a [Option<usize>]>,
    /// Number of industries.
    pub n_industries: usize,
}

/// The OLS residuals of `x` on the regressors (see the module docs).
pub fn neutralize(x: &[f64], reg: &Regressors<'_>) -> Vec<f64> {
    let n = x.len();
    let s = reg.n_styles;
    let style = |i: usize, j: usize| reg.styles[i * s + j];
    let used: Vec<bool> = (0..n)
        .map(|i| {
            x[i].is_finite()
                && (0..s).all(|j| style(i, j).is_finite())
                && reg
                    .industry
                    .is_none_or(|ind| ind[i].is_some_and(|k| k < reg.n_industries))
        })
        .collect();
    // columns: [const or industries..., styles...]
    let ind_cols: Vec<usize> = match reg.industry {
        Some(ind) => {
            let mut present = vec![false; reg.n_industries];
            for i in (0..n).filter(|&i| used[i]) {
                present[ind[i].unwrap_or(0)] = true;
            }
            (0..reg.n_industries).filter(|&k| present[k]).collect()
        }
        None => Vec::new(),
    };
    let n_lead = if reg.industry.is_some() {
        ind_cols.len()
    } else {
        1
    };
    let lead_of = |i: usize| -> usize {
        match reg.industry {
            Some(ind) => ind_cols
                .iter()
                .position(|&k| Some(k) == ind[i])
                .unwrap_or(0),
            None => 0,
        }
    };
    let mut styles: Vec<usize> = (0..s).collect();
    loop {
        let p = n_lead + styles.len();
        let row = |i: usize| -> Vec<f64> {
            let mut v = vec![0.0; p];
            v[lead_of(i)] = 1.0;
            for (q, &j) in styles.iter().enumerate() {
                v[n_lead + q] = style(i, j);
            }
            v
        };
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p];
        let mut m = 0usize;
        for i in (0..n).filter(|&i| used[i]) {
            let v = row(i);
            m += 1;
            for r in 0..p {
                b[r] += v[r] * x[i];
                for c in 0..p {
                    a[r * p + c] += v[r] * v[c];
                }
            }
        }
        if m == 0 {
            return vec![f64::NAN; n];
        }
        match solve_spd(&mut a, &mut b, p) {
            Ok(()) => {
                return (0..n)
                    .map(|i| {
                        if used[i] {
                            let v = row(i);
                            x[i] - v.iter().zip(&b).map(|(a, c)| a * c).sum::<f64>()
                        } else {
                            f64::NAN
                        }
                    })
                    .collect();
            }
            // a pivot among the styles: drop that style (no information beyond the rest)
            Err(k) if k >= n_lead && !styles.is_empty() => {
                styles.remove(k - n_lead);
            }
            Err(_) => return vec![f64::NAN; n],
        }
    }
}

/// [`neutralize`] then the cross-sectional z-score (mean 0, std 1 with ddof 0) of the
/// residuals — the neutralised factor of SPEC §14.2. All-zero residuals (a factor
/// spanned by the regressors) stay zero rather than 0/0.
pub fn neutralize_z(x: &[f64], reg: &Regressors<'_>) -> Vec<f64> {
    let mut e = neutralize(x, reg);
    let v: Vec<f64> = e.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return e;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    let scale = x
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |a, v| a.max(v.abs()))
        .max(1.0);
    for x in e.iter_mut().filter(|v| v.is_finite()) {
        *x = if sd > 1e-12 * scale {
            (*x - m) / sd
        } else {
            0.0
        };
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize) -> (Vec<f64>, Vec<f64>, Vec<Option<usize>>) {
        let st: Vec<f64> = (0..n)
            .flat_map(|i| {
                [
                    ((i * 37 % 17) as f64 - 8.0) / 5.0,
                    ((i * 13 % 11) as f64 - 5.0) / 3.0,
                ]
            })
            .collect();
        let x: Vec<f64> = (0..n).map(|i| ((i * 53 % 29) as f64).sin()).collect();
        let ind = (0..n).map(|i| Some(i % 4)).collect();
        (x, st, ind)
    }

    #[test]
    fn residuals_are_orthogonal_to_every_regressor() {
        let (x, st, ind) = data(80);
        let reg = Regressors {
            styles: &st,
            n_styles: 2,
            industry: Some(&ind),
            n_industries: 4,
        };
        let e = neutralize(&x, &reg);
        for j in 0..2 {
            let d: f64 = (0..80).map(|i| e[i] * st[i * 2 + j]).sum();
            assert!(d.abs() < 1e-10, "style {j}: {d}");
        }
        for k in 0..4 {
            let d: f64 = (0..80).filter(|i| ind[*i] == Some(k)).map(|i| e[i]).sum();
            assert!(d.abs() < 1e-10, "industry {k}: {d}");
        }
    }

    #[test]
    fn twice_equals_once_and_a_combination_of_styles_vanishes() {
        let (x, st, ind) = data(80);
        for industry in [None, Some(&ind[..])] {
            let reg = Regressors {
                styles: &st,
                n_styles: 2,
                industry,
                n_industries: 4,
            };
            let once = neutralize(&x, &reg);
            let twice = neutralize(&once, &reg);
            for (a, b) in once.iter().zip(&twice) {
                assert!((a - b).abs() < 1e-12);
            }
            let combo: Vec<f64> = (0..80)
                .map(|i| 0.5 + 2.0 * st[i * 2] - 3.0 * st[i * 2 + 1])
                .collect();
            assert!(neutralize(&combo, &reg).iter().all(|v| v.abs() < 1e-12));
            assert!(neutralize_z(&combo, &reg).iter().all(|v| *v == 0.0));
        }
    }

    #[test]
    fn missing_values_zero_input_and_empty_input() {
        let (mut x, st, ind) = data(40);
        x[3] = f64::NAN;
        let reg = Regressors {
            styles: &st,
            n_styles: 2,
            industry: Some(&ind),
            n_industries: 6, // two industries without stocks
        };
        let e = neutralize(&x, &reg);
        assert!(e[3].is_nan() && e.iter().filter(|v| v.is_finite()).count() == 39);
        assert!(neutralize(&vec![0.0; 40], &reg).iter().all(|v| *v == 0.0));
        let empty = Regressors {
            styles: &[],
            n_styles: 0,
            industry: None,
            n_industries: 0,
        };
        assert!(neutralize(&[], &empty).is_empty());
        // styles only: demeaning
        let e = neutralize(&[1.0, 2.0, 3.0], &empty);
        for (a, b) in e.iter().zip([-1.0, 0.0, 1.0]) {
            assert!((a - b).abs() < 1e-12);
        }
        let z = neutralize_z(&[1.0, 2.0, 3.0], &empty);
        assert!((z[2] - 1.224744871391589).abs() < 1e-12);
    }
}
