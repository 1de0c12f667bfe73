//! Cross-sectional OLS residualisation (SPEC §14.2, 剥离 Barra).
//!
//! For one date: `x_i = a + Σ_k b_k X_ik + Σ_j c_j D_ij + e_i` over the assets where `x`
//! and every exposure are finite and (when industries are given) the industry is known.
//! The residual `e` is returned (NaN elsewhere); the neutralised factor of SPEC §14.2 is
//! `cs_z(e)` ([`neutralize`]).
//!
//! **Method.** The design `[1, X, D]` is orthonormalised by modified Gram–Schmidt applied
//! twice ("twice is enough": Giraud et al. 2005), which keeps `Xᵀe` at rounding level
//! (~1e-15) even for correlated exposures. A column whose remaining norm is below
//! `1e-10 ×` its original norm is linearly dependent and skipped — this is how the
//! intercept + full set of industry dummies (which sum to the intercept) is handled, and
//! why the residual does not depend on which dummy is dropped. Same residuals as OLS with
//! a constant (oonauzz `resi_cal`, statsmodels `OLS(...).resid`).

/// Residual of `x` on an intercept, `exposures` (each a slice over the same assets) and
/// optional industry labels (one dummy per label).
pub fn residualize(x: &[f64], exposures: &[&[f64]], industry: Option<&[Option<u32>]>) -> Vec<f64> {
    let n = x.len();
    let rows: Vec<usize> = (0..n)
        .filter(|&i| {
            x[i].is_finite()
                && exposures.iter().all(|e| e[i].is_finite())
                && industry.is_none_or(|ind| ind[i].is_some())
        })
        .collect();
    let m = rows.len();
    let mut out = vec![f64::NAN; n];
    if m == 0 {
        return out;
    }
    // design columns restricted to the valid rows
    let mut cols: Vec<Vec<f64>> = vec![vec![1.0; m]];
    for e in exposures {
        cols.push(rows.iter().map(|&i| e[i]).collect());
    }
    if let Some(ind) = industry {
        let mut labels: Vec<u32> = rows.iter().filter_map(|&i| ind[i]).collect();
        labels.sort_unstable();
        labels.dedup();
        for l in labels {
            cols.push(
                rows.iter()
                    .map(|&i| if ind[i] == Some(l) { 1.0 } else { 0.0 })
                    .collect(),
            );
        }
    }
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for mut c in cols {
        let norm0 = dot(&c, &c).sqrt();
        if norm0 == 0.0 {
            continue;
        }
        for _ in 0..2 {
            for q in &basis {
                let p = dot(q, &c);
                for (ci, qi) in c.iter_mut().zip(q) {
                    *ci -= p * qi;
                }
            }
        }
        let norm = dot(&c, &c).sqrt();
        if norm > 1e-10 * norm0 {
            c.iter_mut().for_each(|v| *v /= norm);
            basis.push(c);
        }
    }
    let mut e: Vec<f64> = rows.iter().map(|&i| x[i]).collect();
    for _ in 0..2 {
        for q in &basis {
            let p = dot(q, &e);
            for (ei, qi) in e.iter_mut().zip(q) {
                *ei -= p * qi;
            }
        }
    }
    for (k, &i) in rows.iter().enumerate() {
        out[i] = e[k];
    }
    out
}

/// SPEC §14.2 neutralised factor: `cs_z(residualize(x, …))`.
pub fn neutralize(x: &[f64], exposures: &[&[f64]], industry: Option<&[Option<u32>]>) -> Vec<f64> {
    let mut e = residualize(x, exposures, industry);
    super::cross::cs_z(&mut e);
    e
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
