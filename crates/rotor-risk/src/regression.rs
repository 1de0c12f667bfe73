//! Daily factor returns by constrained weighted least squares (CNE5 practice).
//!
//! On date t, stock i's return is explained by its exposures known at the previous
//! close:
//!
//! `r_i = f_c + f_{k(i)} + Σ_s x_{i,s} f_s + u_i`
//!
//! with a country factor `f_c` (every stock exposed 1), one industry factor per industry
//! (the stock's industry `k(i)` exposed 1) and the standardised styles `x_{i,s}`. Country
//! and industries are collinear, so the industry returns are constrained to sum to zero,
//! `Σ_k c_k f_k = 0`, with `c_k` the industry's share of cap (`CapWeighted`, Barra) or
//! `1` (`Equal`, toraniko): the country factor is then the return of the cap-weighted
//! market (with `CapWeighted`), and each industry factor its return over the market. The
//! fit minimises `Σ_i w_i u_i²` with `w_i = √cap_i` (a proxy of the inverse specific
//! variance). The constraint is imposed by a change of variables `f = R g` that eliminates
//! the industry with the largest `c_k`; `(Rᵀ XᵀWX R) g = Rᵀ XᵀW r` is solved by Cholesky.
//!
//! * `Method::Joint` (default): one regression on country, industries and styles.
//! * `Method::TwoStep` (toraniko's `estimate_factor_returns`, `residualize_styles = true`):
//!   country + industries first, then the styles on the residuals of that fit, so style
//!   returns are orthogonal to the market and industries.
//!
//! A stock enters when its return, weight, industry and every style are known. An
//! industry without stocks on the date, or a style without dispersion, gets a NaN return
//! and is left out of the fit. Specific returns are `u_i` (NaN for stocks left out);
//! `r2 = 1 − Σ w u² / Σ w r²` (weighted, uncentred — the R² Barra reports).

use crate::linalg::{congruence, solve_spd, times, transpose_times};

/// How the industry returns are tied to the country factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndustryConstraint {
    /// `Σ_k cap_k f_k = 0` (cap shares of the stocks in the regression; Barra).
    #[default]
    CapWeighted,
    /// `Σ_k f_k = 0` (toraniko).
    Equal,
}

/// One regression or two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Country, industries and styles together.
    #[default]
    Joint,
    /// Country + industries, then styles on the residuals (toraniko).
    TwoStep,
}

impl IndustryConstraint {
    /// `cap` or `equal`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "cap" => Some(IndustryConstraint::CapWeighted),
            "equal" => Some(IndustryConstraint::Equal),
            _ => None,
        }
    }
}

impl Method {
    /// `joint` or `two_step`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "joint" => Some(Method::Joint),
            "two_step" => Some(Method::TwoStep),
            _ => None,
        }
    }
}

/// Settings of the cross-sectional regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegressionConfig {
    /// Industry constraint.
    pub constraint: IndustryConstraint,
    /// Joint or two-step.
    pub method: Method,
}

/// One date's cross-section. Slices are per stock; `styles` is row-major n × n_styles.
#[derive(Debug, Clone, Copy)]
pub struct CrossSection<'a> {
    /// Returns of the date.
    pub returns: &'a [f64],
    /// Regression weights (`√cap`).
    pub weights: &'a [f64],
    /// Caps (for the cap-weighted constraint).
    pub caps: &'a [f64],
    /// Industry index of each stock (< `n_industries`), None when unknown.
    pub industry: &'a [Option<usize>],
    /// Number of industries.
    pub n_industries: usize,
    /// Style exposures, row-major.
    pub styles: &'a [f64],
    /// Number of styles.
    pub n_styles: usize,
}

/// The fit of one date.
#[derive(Debug, Clone, PartialEq)]
pub struct CsFit {
    /// `[country, industry_0 .. industry_{K−1}, style_0 .. style_{S−1}]`; NaN when the
    /// factor could not be estimated.
    pub factor_returns: Vec<f64>,
    /// Specific returns per stock (NaN when the stock was not in the regression).
    pub specific: Vec<f64>,
    /// Weighted uncentred R².
    pub r2: f64,
    /// Stocks in the regression.
    pub n_used: usize,
}

impl CrossSection<'_> {
    fn n(&self) -> usize {
        self.returns.len()
    }

    fn style(&self, i: usize, s: usize) -> f64 {
        self.styles[i * self.n_styles + s]
    }

    /// Is stock i usable?
    fn used(&self, i: usize) -> bool {
        self.returns[i].is_finite()
            && self.weights[i] > 0.0
            && self.weights[i].is_finite()
            && self.industry[i].is_some_and(|k| k < self.n_industries)
            && (0..self.n_styles).all(|s| self.style(i, s).is_finite())
    }
}

/// Which blocks a regression has.
#[derive(Clone, Copy)]
struct Blocks {
    market: bool,
    styles: bool,
}

/// Normal equations `XᵀWX`, `XᵀW y` over the used stocks for the chosen blocks, in the
/// full layout `[country, industries, styles]` (absent blocks stay zero).
fn normal_equations(
    cs: &CrossSection<'_>,
    y: &[f64],
    used: &[bool],
    b: Blocks,
) -> (Vec<f64>, Vec<f64>) {
    let (k, s) = (cs.n_industries, cs.n_styles);
    let p = 1 + k + s;
    let mut a = vec![0.0; p * p];
    let mut v = vec![0.0; p];
    let mut x = vec![0.0; s];
    for i in (0..cs.n()).filter(|&i| used[i]) {
        let w = cs.weights[i];
        let wy = w * y[i];
        for (j, xj) in x.iter_mut().enumerate() {
            *xj = cs.style(i, j);
        }
        if b.market {
            let ki = 1 + cs.industry[i].unwrap_or(0);
            a[0] += w;
            a[ki] += w;
            a[ki * p + ki] += w;
            v[0] += wy;
            v[ki] += wy;
            if b.styles {
                for (j, xj) in x.iter().enumerate() {
                    let c = 1 + k + j;
                    a[c] += w * xj;
                    a[ki * p + c] += w * xj;
                }
            }
        }
        if b.styles {
            for j in 0..s {
                let c = 1 + k + j;
                v[c] += wy * x[j];
                let wx = w * x[j];
                for l in j..s {
                    a[c * p + 1 + k + l] += wx * x[l];
                }
            }
        }
    }
    // mirror the upper triangle
    for r in 0..p {
        for c in 0..r {
            a[r * p + c] = a[c * p + r];
        }
    }
    (a, v)
}

/// Solve the normal equations over the columns `active` (indices into the full layout)
/// with the industry constraint on the active industries `ind` and their constraint
/// weights `c`. Returns the full-layout coefficients (NaN outside `active`), or None.
fn constrained_solve(
    a: &[f64],
    v: &[f64],
    p: usize,
    active: &[usize],
    ind: &[usize],
    c: &[f64],
) -> Option<Vec<f64>> {
    let m = active.len();
    // reduced A and v over the active columns
    let mut ar = vec![0.0; m * m];
    let mut vr = vec![0.0; m];
    for (r, &i) in active.iter().enumerate() {
        vr[r] = v[i];
        for (q, &j) in active.iter().enumerate() {
            ar[r * m + q] = a[i * p + j];
        }
    }
    // R: m × (m − 1) when industries are constrained, identity otherwise
    let (rmat, q) = if ind.is_empty() {
        let mut r = vec![0.0; m * m];
        for i in 0..m {
            r[i * m + i] = 1.0;
        }
        (r, m)
    } else {
        // eliminate the industry with the largest constraint weight
        let (e_pos, _) = ind
            .iter()
            .enumerate()
            .max_by(|x, y| c[x.0].total_cmp(&c[y.0]))
            .expect("industries");
        let e_col = active
            .iter()
            .position(|&x| x == ind[e_pos])
            .expect("active");
        let q = m - 1;
        let mut r = vec![0.0; m * q];
        let mut col = 0;
        let mut col_of = vec![usize::MAX; m];
        for (row, slot) in col_of.iter_mut().enumerate() {
            if row != e_col {
                r[row * q + col] = 1.0;
                *slot = col;
                col += 1;
            }
        }
        for (pos, &full) in ind.iter().enumerate() {
            if pos == e_pos {
                continue;
            }
            let row = active.iter().position(|&x| x == full).expect("active");
            r[e_col * q + col_of[row]] = -c[pos] / c[e_pos];
        }
        (r, q)
    };
    let mut g_a = congruence(&ar, &rmat, m, q);
    let mut g = transpose_times(&rmat, &vr, m, q);
    solve_spd(&mut g_a, &mut g, q).ok()?;
    let f = times(&rmat, &g, m, q);
    let mut out = vec![f64::NAN; p];
    for (r, &i) in active.iter().enumerate() {
        out[i] = f[r];
    }
    Some(out)
}

/// Country, industries and styles in one constrained regression; a style collinear with
/// the rest is dropped (last first) until the system solves.
fn solve_joint(cs: &CrossSection<'_>, used: &[bool], ind: &[usize], c: &[f64]) -> Option<Vec<f64>> {
    let (k, s) = (cs.n_industries, cs.n_styles);
    let p = 1 + k + s;
    let (a, v) = normal_equations(
        cs,
        cs.returns,
        used,
        Blocks {
            market: true,
            styles: true,
        },
    );
    let mut styles: Vec<usize> = (0..s)
        .map(|j| 1 + k + j)
        .filter(|&j| a[j * p + j] > 0.0)
        .collect();
    loop {
        let active: Vec<usize> = std::iter::once(0)
            .chain(ind.iter().copied())
            .chain(styles.iter().copied())
            .collect();
        if let Some(f) = constrained_solve(&a, &v, p, &active, ind, c) {
            return Some(f);
        }
        styles.pop()?;
    }
}

/// Country + industries, then the styles on that fit's residuals (toraniko).
fn solve_two_step(
    cs: &CrossSection<'_>,
    used: &[bool],
    ind: &[usize],
    c: &[f64],
) -> Option<Vec<f64>> {
    let (n, k, s) = (cs.n(), cs.n_industries, cs.n_styles);
    let p = 1 + k + s;
    let (a, v) = normal_equations(
        cs,
        cs.returns,
        used,
        Blocks {
            market: true,
            styles: false,
        },
    );
    let active: Vec<usize> = std::iter::once(0).chain(ind.iter().copied()).collect();
    let mut f = constrained_solve(&a, &v, p, &active, ind, c)?;
    let resid: Vec<f64> = (0..n)
        .map(|i| {
            if used[i] {
                cs.returns[i] - f[0] - f[1 + cs.industry[i].unwrap_or(0)]
            } else {
                f64::NAN
            }
        })
        .collect();
    let (a, v) = normal_equations(
        cs,
        &resid,
        used,
        Blocks {
            market: false,
            styles: true,
        },
    );
    let styles: Vec<usize> = (0..s)
        .map(|j| 1 + k + j)
        .filter(|&j| a[j * p + j] > 0.0)
        .collect();
    if !styles.is_empty() {
        if let Some(fs) = constrained_solve(&a, &v, p, &styles, &[], &[]) {
            for &j in &styles {
                f[j] = fs[j];
            }
        }
    }
    Some(f)
}

/// The factor returns of one date (see the module docs).
pub fn fit_cross_section(cs: &CrossSection<'_>, cfg: RegressionConfig) -> CsFit {
    let (n, k, s) = (cs.n(), cs.n_industries, cs.n_styles);
    let p = 1 + k + s;
    let used: Vec<bool> = (0..n).map(|i| cs.used(i)).collect();
    let n_used = used.iter().filter(|u| **u).count();
    let empty = CsFit {
        factor_returns: vec![f64::NAN; p],
        specific: vec![f64::NAN; n],
        r2: f64::NAN,
        n_used,
    };
    if n_used == 0 {
        return empty;
    }
    // active industries and their constraint weights
    let mut cap_k = vec![0.0; k];
    let mut cnt_k = vec![0usize; k];
    for i in (0..n).filter(|&i| used[i]) {
        let ki = cs.industry[i].unwrap_or(0);
        cnt_k[ki] += 1;
        cap_k[ki] += if cs.caps[i].is_finite() {
            cs.caps[i]
        } else {
            0.0
        };
    }
    let ind: Vec<usize> = (0..k).filter(|&j| cnt_k[j] > 0).map(|j| 1 + j).collect();
    let c: Vec<f64> = ind
        .iter()
        .map(|&j| match cfg.constraint {
            IndustryConstraint::CapWeighted => cap_k[j - 1],
            IndustryConstraint::Equal => 1.0,
        })
        .collect();
    if cfg.constraint == IndustryConstraint::CapWeighted
        && c.iter().any(|x| x.is_nan() || *x <= 0.0)
    {
        return empty;
    }
    let solved = match cfg.method {
        Method::Joint => solve_joint(cs, &used, &ind, &c),
        Method::TwoStep => solve_two_step(cs, &used, &ind, &c),
    };
    let Some(f) = solved else { return empty };
    let z = |x: f64| if x.is_finite() { x } else { 0.0 };
    let mut specific = vec![f64::NAN; n];
    let (mut swu, mut swr) = (0.0, 0.0);
    for i in (0..n).filter(|&i| used[i]) {
        let mut fit = z(f[0]) + z(f[1 + cs.industry[i].unwrap_or(0)]);
        for j in 0..s {
            fit += cs.style(i, j) * z(f[1 + k + j]);
        }
        let u = cs.returns[i] - fit;
        specific[i] = u;
        swu += cs.weights[i] * u * u;
        swr += cs.weights[i] * cs.returns[i] * cs.returns[i];
    }
    CsFit {
        factor_returns: f,
        specific,
        r2: if swr > 0.0 { 1.0 - swu / swr } else { f64::NAN },
        n_used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns, weights, caps, industries, styles of a test section.
    type Section = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<Option<usize>>, Vec<f64>);

    /// A small deterministic cross-section: 60 stocks, 3 industries, 2 styles.
    fn section(f: &[f64], noise: f64) -> Section {
        let n = 60;
        let mut r = Vec::new();
        let mut caps = Vec::new();
        let mut ind = Vec::new();
        let mut st = Vec::new();
        for i in 0..n {
            let k = i % 3;
            let x0 = ((i * 37 % 17) as f64 - 8.0) / 5.0;
            let x1 = ((i * 13 % 11) as f64 - 5.0) / 3.0;
            let cap = 1.0 + (i * 7 % 23) as f64;
            let e = noise * (((i * 97 % 31) as f64 - 15.0) / 15.0);
            r.push(f[0] + f[1 + k] + x0 * f[4] + x1 * f[5] + e);
            caps.push(cap);
            ind.push(Some(k));
            st.push(x0);
            st.push(x1);
        }
        let w = caps.iter().map(|c: &f64| c.sqrt()).collect();
        (r, w, caps, ind, st)
    }

    fn fit(f: &[f64], noise: f64, cfg: RegressionConfig) -> (CsFit, Vec<f64>, Vec<Option<usize>>) {
        let (r, w, caps, ind, st) = section(f, noise);
        let cs = CrossSection {
            returns: &r,
            weights: &w,
            caps: &caps,
            industry: &ind,
            n_industries: 3,
            styles: &st,
            n_styles: 2,
        };
        (fit_cross_section(&cs, cfg), caps, ind)
    }

    #[test]
    fn noiseless_returns_are_recovered_exactly_under_the_constraint() {
        // industry returns that satisfy the cap-weighted constraint are recovered
        let (_, _, caps, ind, _) = section(&[0.0; 6], 0.0);
        let mut cap_k = [0.0; 3];
        for (c, k) in caps.iter().zip(&ind) {
            cap_k[k.unwrap()] += c;
        }
        let f1 = 0.01;
        let f2 = -0.02;
        let f3 = -(cap_k[0] * f1 + cap_k[1] * f2) / cap_k[2];
        let truth = [0.003, f1, f2, f3, 0.004, -0.002];
        let (fit, _, _) = fit(&truth, 0.0, RegressionConfig::default());
        for (a, b) in fit.factor_returns.iter().zip(&truth) {
            assert!((a - b).abs() < 1e-14, "{a} vs {b}");
        }
        assert!(fit.specific.iter().all(|u| u.abs() < 1e-14));
        assert!((fit.r2 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_industry_constraint_holds_to_1e12() {
        let truth = [0.003, 0.01, -0.02, 0.005, 0.004, -0.002];
        for constraint in [IndustryConstraint::CapWeighted, IndustryConstraint::Equal] {
            for method in [Method::Joint, Method::TwoStep] {
                let cfg = RegressionConfig { constraint, method };
                let (fit, caps, ind) = fit(&truth, 0.01, cfg);
                let mut c = [0.0; 3];
                for (cap, k) in caps.iter().zip(&ind) {
                    c[k.unwrap()] += match constraint {
                        IndustryConstraint::CapWeighted => *cap,
                        IndustryConstraint::Equal => 1.0 / 20.0,
                    };
                }
                let sum: f64 = (0..3).map(|k| c[k] * fit.factor_returns[1 + k]).sum();
                assert!(sum.abs() < 1e-12, "{cfg:?}: {sum}");
            }
        }
    }

    #[test]
    fn the_weighted_residuals_are_orthogonal_to_the_exposures() {
        let (r, w, caps, ind, st) = section(&[0.003, 0.01, -0.02, 0.005, 0.004, -0.002], 0.01);
        let cs = CrossSection {
            returns: &r,
            weights: &w,
            caps: &caps,
            industry: &ind,
            n_industries: 3,
            styles: &st,
            n_styles: 2,
        };
        let fit = fit_cross_section(&cs, RegressionConfig::default());
        // styles and country: Σ w u x = 0
        for j in 0..2 {
            let s: f64 = (0..60)
                .map(|i| w[i] * fit.specific[i] * st[i * 2 + j])
                .sum();
            assert!(s.abs() < 1e-13, "style {j}: {s}");
        }
        let s: f64 = (0..60).map(|i| w[i] * fit.specific[i]).sum();
        assert!(s.abs() < 1e-13);
    }

    #[test]
    fn zero_returns_give_zero_factor_returns_and_an_empty_section_nan() {
        let (_, w, caps, ind, st) = section(&[0.0; 6], 0.0);
        let r = vec![0.0; 60];
        let cs = CrossSection {
            returns: &r,
            weights: &w,
            caps: &caps,
            industry: &ind,
            n_industries: 3,
            styles: &st,
            n_styles: 2,
        };
        let f = fit_cross_section(&cs, RegressionConfig::default());
        assert!(
            f.factor_returns.iter().all(|x| *x == 0.0),
            "{:?}",
            f.factor_returns
        );
        let nan = vec![f64::NAN; 60];
        let cs = CrossSection {
            returns: &nan,
            ..cs
        };
        let f = fit_cross_section(&cs, RegressionConfig::default());
        assert_eq!(f.n_used, 0);
        assert!(f.factor_returns.iter().all(|x| x.is_nan()));
    }

    #[test]
    fn an_industry_without_stocks_and_a_constant_style_are_left_out() {
        let (r, w, caps, mut ind, mut st) =
            section(&[0.003, 0.01, -0.02, 0.005, 0.004, -0.002], 0.01);
        // industry 3 exists in the model but has no stock; style 1 is all zero
        for i in 0..60 {
            st[i * 2 + 1] = 0.0;
        }
        ind[0] = Some(1);
        let cs = CrossSection {
            returns: &r,
            weights: &w,
            caps: &caps,
            industry: &ind,
            n_industries: 4,
            styles: &st,
            n_styles: 2,
        };
        let f = fit_cross_section(&cs, RegressionConfig::default());
        assert!(f.factor_returns[4].is_nan(), "empty industry");
        assert!(f.factor_returns[6].is_nan(), "constant style");
        assert!(f.factor_returns[..4].iter().all(|x| x.is_finite()));
        assert!(f.factor_returns[5].is_finite());
    }
}
