//! The risk model over a panel of stocks: descriptors → standardised style exposures →
//! daily factor returns, specific returns and regression weights.
//!
//! **Timing.** The factor returns of day t regress the stocks' returns of day t on the
//! exposures and caps of the close of t − 1 (known before the day's returns), weights
//! `√cap_{t−1}`; row 0 is NaN. Exposures at t use data up to t only.
//!
//! **Styles** (CNE5 names; each standardised per date with cap-weighted mean 0,
//! equal-weighted std 1, clipped at ±`clip` and re-standardised, [`crate::standardize`]):
//! `size`, `beta`, `momentum`, `residual_volatility` (0.74 DASTD + 0.16 CMRA + 0.10
//! HSIGMA of standardised descriptors, weights renormalised over those a stock has,
//! orthogonalised to beta and size), `non_linear_size` (size³ orthogonalised to size),
//! `liquidity` (0.35 STOM + 0.35 STOQ + 0.30 STOA, orthogonalised to size; needs
//! turnover), `book_to_price` (needs PB), `earnings_yield` (needs PE), `growth` (0.47
//! SGRO + 0.24 EGRO) and `leverage` (0.38 MLEV + 0.35 DTOA + 0.27 BLEV) from quarterly
//! statements ([`crate::statements`]; weights renormalised over the descriptors a stock
//! has, then standardised). A stock with a cap but no statement-based value (a new
//! listing, a company whose reports were not imported) takes exposure 0 — the
//! cap-weighted mean — for growth and leverage, so it stays in the regression; on a date
//! when no stock has one the style has no dispersion and is left out of that day's fit.
//!
//! **Industries** are one per stock for the whole panel (a dated classification is not
//! modelled yet).

use crate::descriptors::{descriptors, DescriptorConfig, Descriptors};
use crate::error::{Result, RiskError};
use crate::regression::{fit_cross_section, CrossSection, RegressionConfig};
use crate::standardize::standardize;
use crate::statements::StatementPanels;
use rayon::prelude::*;

/// The inputs: `t × n` row-major panels over `dates` × `assets`.
#[derive(Debug, Clone, Copy)]
pub struct RiskInputs<'a> {
    /// Number of stocks (columns).
    pub n: usize,
    /// Daily total returns (NaN = none: suspended, not listed).
    pub returns: &'a [f64],
    /// Float (or total) market cap at each close.
    pub caps: &'a [f64],
    /// Daily share turnover (fraction of float shares), when known.
    pub turnover: Option<&'a [f64]>,
    /// PB, when known.
    pub pb: Option<&'a [f64]>,
    /// PE TTM, when known.
    pub pe: Option<&'a [f64]>,
    /// Growth and leverage descriptors from statements, when known (`t × n` each).
    pub statements: Option<&'a StatementPanels>,
    /// Industry index of each stock: `n` entries (one classification for the whole
    /// history) or `t × n`, row-major (a dated history: the industry each stock belonged
    /// to on each day; a day's regression uses the industries of its exposure date, the
    /// previous close, known then).
    pub industry: &'a [Option<usize>],
    /// Industry names.
    pub industry_names: &'a [String],
}

/// The industries of the stocks on day `u` (the whole slice for a static
/// classification).
fn industries_at<'a>(inputs: &RiskInputs<'a>, u: usize) -> &'a [Option<usize>] {
    let n = inputs.n;
    if inputs.industry.len() == n {
        inputs.industry
    } else {
        &inputs.industry[u * n..(u + 1) * n]
    }
}

/// Settings of the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskConfig {
    /// Descriptor windows.
    pub descriptors: DescriptorConfig,
    /// Cross-sectional regression.
    pub regression: RegressionConfig,
    /// Clip of standardised exposures (CNE5: 3).
    pub clip: f64,
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig {
            descriptors: DescriptorConfig::default(),
            regression: RegressionConfig::default(),
            clip: 3.0,
        }
    }
}

/// Standardised style exposures: names and one `t × n` panel each.
#[derive(Debug, Clone, Default)]
pub struct Exposures {
    /// Style names.
    pub names: Vec<String>,
    /// One panel per style.
    pub values: Vec<Vec<f64>>,
}

/// The estimated model.
#[derive(Debug, Clone, Default)]
pub struct RiskModel {
    /// `country`, `industry:<name>`…, the styles.
    pub factor_names: Vec<String>,
    /// The style exposures.
    pub exposures: Exposures,
    /// Factor returns, `t × factors`.
    pub factor_returns: Vec<f64>,
    /// Specific returns, `t × n`.
    pub specific: Vec<f64>,
    /// Regression weights `√cap_{t−1}` of the stocks in each day's regression, `t × n`.
    pub weights: Vec<f64>,
    /// Weighted uncentred R² per day.
    pub r2: Vec<f64>,
    /// Stocks in each day's regression.
    pub n_used: Vec<usize>,
}

fn check(inputs: &RiskInputs<'_>) -> Result<usize> {
    let n = inputs.n;
    if n == 0 || inputs.returns.is_empty() {
        return Err(RiskError::NoData("no stocks or no dates".into()));
    }
    if !inputs.returns.len().is_multiple_of(n) {
        return Err(RiskError::Shape(format!(
            "returns hold {} values, not a multiple of {n} stocks",
            inputs.returns.len()
        )));
    }
    let len = inputs.returns.len();
    let st = inputs.statements;
    for (name, p) in [
        ("caps", Some(inputs.caps)),
        ("turnover", inputs.turnover),
        ("pb", inputs.pb),
        ("pe", inputs.pe),
        ("sgro", st.map(|p| &p.sgro[..])),
        ("egro", st.map(|p| &p.egro[..])),
        ("mlev", st.map(|p| &p.mlev[..])),
        ("dtoa", st.map(|p| &p.dtoa[..])),
        ("blev", st.map(|p| &p.blev[..])),
    ] {
        if let Some(p) = p {
            if p.len() != len {
                return Err(RiskError::Shape(format!(
                    "{name} holds {} values, returns {len}",
                    p.len()
                )));
            }
        }
    }
    if inputs.industry.len() != n && inputs.industry.len() != len {
        return Err(RiskError::Shape(format!(
            "{} industries for {n} stocks over {} days (expected {n}, or {len} for a dated history)",
            inputs.industry.len(),
            len / n.max(1)
        )));
    }
    if let Some(k) = inputs
        .industry
        .iter()
        .flatten()
        .find(|k| **k >= inputs.industry_names.len())
    {
        return Err(RiskError::Shape(format!(
            "industry index {k} ≥ {} names",
            inputs.industry_names.len()
        )));
    }
    Ok(len / n)
}

/// The standardised style exposures of every date (see the module docs).
pub fn style_exposures(inputs: &RiskInputs<'_>, cfg: &RiskConfig) -> Result<Exposures> {
    let t_len = check(inputs)?;
    let n = inputs.n;
    let d = descriptors(
        inputs.returns,
        inputs.caps,
        inputs.turnover,
        n,
        &cfg.descriptors,
    );
    let inv = |p: &[f64]| -> Vec<f64> {
        p.iter()
            .map(|v| {
                if v.is_finite() && *v != 0.0 {
                    1.0 / v
                } else {
                    f64::NAN
                }
            })
            .collect()
    };
    let btop = inputs.pb.map(inv);
    let etop = inputs.pe.map(inv);
    let mut names: Vec<&str> = vec![
        "size",
        "beta",
        "momentum",
        "residual_volatility",
        "non_linear_size",
    ];
    if d.stom.is_some() {
        names.push("liquidity");
    }
    if btop.is_some() {
        names.push("book_to_price");
    }
    if etop.is_some() {
        names.push("earnings_yield");
    }
    let any = |v: &[f64]| v.iter().any(|x| x.is_finite());
    let growth = inputs.statements.filter(|p| any(&p.sgro) || any(&p.egro));
    let leverage = inputs
        .statements
        .filter(|p| any(&p.mlev) || any(&p.dtoa) || any(&p.blev));
    if growth.is_some() {
        names.push("growth");
    }
    if leverage.is_some() {
        names.push("leverage");
    }
    let extra = Extra {
        btop: btop.as_deref(),
        etop: etop.as_deref(),
        growth,
        leverage,
    };
    let rows: Vec<Vec<Vec<f64>>> = (0..t_len)
        .into_par_iter()
        .map(|t| date_styles(&d, &extra, inputs.caps, n, t, cfg.clip))
        .collect();
    let mut values = vec![vec![f64::NAN; t_len * n]; names.len()];
    for (t, r) in rows.iter().enumerate() {
        for (k, v) in r.iter().enumerate() {
            values[k][t * n..(t + 1) * n].copy_from_slice(v);
        }
    }
    Ok(Exposures {
        names: names.iter().map(|s| s.to_string()).collect(),
        values,
    })
}

/// The inputs of the optional styles: value and earnings yields, the statement
/// descriptors of growth and of leverage.
struct Extra<'a> {
    btop: Option<&'a [f64]>,
    etop: Option<&'a [f64]>,
    growth: Option<&'a StatementPanels>,
    leverage: Option<&'a StatementPanels>,
}

/// The styles of date t, in the order of [`style_exposures`]' names.
fn date_styles(
    d: &Descriptors,
    extra: &Extra<'_>,
    caps: &[f64],
    n: usize,
    t: usize,
    clip: f64,
) -> Vec<Vec<f64>> {
    let cap = &caps[t * n..(t + 1) * n];
    let z = |p: &[f64]| -> Vec<f64> {
        let mut v = p[t * n..(t + 1) * n].to_vec();
        standardize(&mut v, cap, clip);
        v
    };
    let size = z(&d.size);
    let beta = z(&d.beta);
    let momentum = z(&d.rstr);
    let combine = |parts: &[(Vec<f64>, f64)]| -> Vec<f64> {
        (0..n)
            .map(|i| {
                let (mut s, mut w) = (0.0, 0.0);
                for (v, wt) in parts {
                    if v[i].is_finite() {
                        s += wt * v[i];
                        w += wt;
                    }
                }
                if w > 0.0 {
                    s / w
                } else {
                    f64::NAN
                }
            })
            .collect()
    };
    // orthogonalise to the given standardised styles, then standardise again
    let orth = |x: Vec<f64>, against: &[&Vec<f64>]| -> Vec<f64> {
        let cols: Vec<&[f64]> = against.iter().map(|v| v.as_slice()).collect();
        let mut e = rotor_core::ops::resid::residualize(&x, &cols, None);
        standardize(&mut e, cap, clip);
        e
    };
    let resvol = orth(
        combine(&[
            (z(&d.dastd), 0.74),
            (z(&d.cmra), 0.16),
            (z(&d.hsigma), 0.10),
        ]),
        &[&beta, &size],
    );
    let cube: Vec<f64> = size.iter().map(|s| s * s * s).collect();
    let nlsize = orth(cube, &[&size]);
    let mut out = vec![size.clone(), beta, momentum, resvol, nlsize];
    if let (Some(a), Some(b), Some(c)) = (&d.stom, &d.stoq, &d.stoa) {
        out.push(orth(
            combine(&[(z(a), 0.35), (z(b), 0.35), (z(c), 0.30)]),
            &[&size],
        ));
    }
    if let Some(p) = extra.btop {
        out.push(z(p));
    }
    if let Some(p) = extra.etop {
        out.push(z(p));
    }
    // statement styles: standardised again, and 0 (the cap-weighted mean) for a stock
    // with a cap but no value, so a missing report does not drop it from the fit
    let fundamental = |parts: &[(Vec<f64>, f64)]| -> Vec<f64> {
        let mut v = combine(parts);
        standardize(&mut v, cap, clip);
        for (x, c) in v.iter_mut().zip(cap) {
            if !x.is_finite() && *c > 0.0 && c.is_finite() {
                *x = 0.0;
            }
        }
        v
    };
    if let Some(p) = extra.growth {
        out.push(fundamental(&[(z(&p.sgro), 0.47), (z(&p.egro), 0.24)]));
    }
    if let Some(p) = extra.leverage {
        out.push(fundamental(&[
            (z(&p.mlev), 0.38),
            (z(&p.dtoa), 0.35),
            (z(&p.blev), 0.27),
        ]));
    }
    out
}

/// Factor returns, specific returns and weights from given exposures: day t regresses
/// `returns_t` on `styles[·]_{t−lag}` with caps of `t − lag` (`lag = 1` in the model;
/// `lag = 0` when the inputs are already aligned, as toraniko takes them).
pub fn regress_panel(
    inputs: &RiskInputs<'_>,
    style_names: &[String],
    styles: &[Vec<f64>],
    lag: usize,
    cfg: RegressionConfig,
) -> Result<RiskModel> {
    let t_len = check(inputs)?;
    let n = inputs.n;
    let s = styles.len();
    if style_names.len() != s {
        return Err(RiskError::Shape(format!(
            "{} style names for {s} style panels",
            style_names.len()
        )));
    }
    if let Some(bad) = styles.iter().find(|v| v.len() != t_len * n) {
        return Err(RiskError::Shape(format!(
            "a style panel holds {} values, returns {}",
            bad.len(),
            t_len * n
        )));
    }
    let k = inputs.industry_names.len();
    let fits: Vec<Option<(crate::regression::CsFit, Vec<f64>)>> = (0..t_len)
        .into_par_iter()
        .map(|t| {
            if t < lag {
                return None;
            }
            let u = t - lag;
            let caps = &inputs.caps[u * n..(u + 1) * n];
            let w: Vec<f64> = caps
                .iter()
                .map(|c| {
                    if *c > 0.0 && c.is_finite() {
                        c.sqrt()
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            let mut x = vec![0.0; n * s];
            for i in 0..n {
                for (j, st) in styles.iter().enumerate() {
                    x[i * s + j] = st[u * n + i];
                }
            }
            let cs = CrossSection {
                returns: &inputs.returns[t * n..(t + 1) * n],
                weights: &w,
                caps,
                industry: industries_at(inputs, u),
                n_industries: k,
                styles: &x,
                n_styles: s,
            };
            Some((fit_cross_section(&cs, cfg), w))
        })
        .collect();
    let p = 1 + k + s;
    let mut m = RiskModel {
        factor_returns: vec![f64::NAN; t_len * p],
        specific: vec![f64::NAN; t_len * n],
        weights: vec![f64::NAN; t_len * n],
        r2: vec![f64::NAN; t_len],
        n_used: vec![0; t_len],
        ..Default::default()
    };
    for (t, f) in fits.into_iter().enumerate() {
        let Some((f, w)) = f else { continue };
        m.factor_returns[t * p..(t + 1) * p].copy_from_slice(&f.factor_returns);
        for (i, (u, wi)) in f.specific.iter().zip(&w).enumerate() {
            if u.is_finite() {
                m.specific[t * n + i] = *u;
                m.weights[t * n + i] = *wi;
            }
        }
        m.r2[t] = f.r2;
        m.n_used[t] = f.n_used;
    }
    m.factor_names = std::iter::once("country".to_string())
        .chain(
            inputs
                .industry_names
                .iter()
                .map(|x| format!("industry:{x}")),
        )
        .chain(style_names.iter().cloned())
        .collect();
    Ok(m)
}

/// The whole model: style exposures, then factor returns with exposures of the previous
/// close.
pub fn estimate(inputs: &RiskInputs<'_>, cfg: &RiskConfig) -> Result<RiskModel> {
    let exposures = style_exposures(inputs, cfg)?;
    let mut m = regress_panel(
        inputs,
        &exposures.names,
        &exposures.values,
        1,
        cfg.regression,
    )?;
    m.exposures = exposures;
    Ok(m)
}
