//! CNE5-type style descriptors from daily stock panels (row-major `t × asset`).
//!
//! Every descriptor at date t reads data up to and including t only. Windows are in
//! trading days; exponential weights `λ^j` with `λ = 0.5^(1/half_life)`, truncated at the
//! window (`S_t = λ S_{t−1} + z_t − λ^W z_{t−W}`, so each is O(1) per day). A missing
//! return (suspension, before listing) contributes nothing; a descriptor needs at least
//! `min_obs` returns in its window, else NaN.
//!
//! | descriptor | definition (USE4/CNE5) |
//! |---|---|
//! | `size` (LNCAP) | `ln(cap_t)` |
//! | `beta` (BETA) | EW (half-life 63, window 252) regression slope of `r_i` on the cap-weighted market return `r_m` (caps of the previous day) |
//! | `hsigma` | EW std of that regression's residuals |
//! | `rstr` (momentum) | `Σ_{j=21}^{21+503} λ^{j−21} ln(1 + r_{t−j})`, half-life 126 |
//! | `dastd` | EW std (half-life 42, window 252) of daily returns |
//! | `cmra` | `ln(1 + max_T Z(T)) − ln(1 + min_T Z(T))`, `Z(T)` the cumulative log return over the last T·21 days, T = 1..12 |
//! | `stom`, `stoq`, `stoa` | `ln Σ turnover` over 21 days, `ln(Σ/3)` over 63, `ln(Σ/12)` over 252 (turnover = traded shares / float shares) |
//! | `btop`, `etop` | `1 / PB`, `1 / PE_TTM` (negative earnings give a negative yield) |
//!
//! The style factors ([`crate::model`]) combine and standardise these: Residual
//! Volatility = `0.74 dastd + 0.16 cmra + 0.10 hsigma` orthogonalised to beta and size,
//! Non-linear Size = `size³` orthogonalised to size, Liquidity = `0.35 stom + 0.35 stoq +
//! 0.30 stoa` orthogonalised to size.

use rayon::prelude::*;

/// Window settings of the descriptors (CNE5 defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DescriptorConfig {
    /// Beta / hsigma window and half-life.
    pub beta_window: usize,
    /// Half-life of the beta regression weights.
    pub beta_half_life: f64,
    /// Momentum window, lag and half-life.
    pub rstr_window: usize,
    /// Days skipped before the momentum window (the short-term reversal month).
    pub rstr_lag: usize,
    /// Half-life of the momentum weights.
    pub rstr_half_life: f64,
    /// DASTD window and half-life.
    pub dastd_window: usize,
    /// Half-life of the DASTD weights.
    pub dastd_half_life: f64,
    /// Minimum returns in a window.
    pub min_obs: usize,
}

impl Default for DescriptorConfig {
    fn default() -> Self {
        DescriptorConfig {
            beta_window: 252,
            beta_half_life: 63.0,
            rstr_window: 504,
            rstr_lag: 21,
            rstr_half_life: 126.0,
            dastd_window: 252,
            dastd_half_life: 42.0,
            min_obs: 63,
        }
    }
}

/// The cap-weighted market return of each day, caps of the previous day (the first day
/// NaN): `r_m,t = Σ cap_{i,t−1} r_{i,t} / Σ cap_{i,t−1}` over stocks with both.
pub fn market_return(returns: &[f64], caps: &[f64], n: usize) -> Vec<f64> {
    let t_len = returns.len() / n.max(1);
    (0..t_len)
        .map(|t| {
            if t == 0 {
                return f64::NAN;
            }
            let (mut s, mut w) = (0.0, 0.0);
            for j in 0..n {
                let (r, c) = (returns[t * n + j], caps[(t - 1) * n + j]);
                if r.is_finite() && c > 0.0 && c.is_finite() {
                    s += c * r;
                    w += c;
                }
            }
            if w > 0.0 {
                s / w
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Truncated exponentially weighted sums of several series at once.
struct EwSums {
    lambda: f64,
    lw: f64,
    s: Vec<f64>,
}

impl EwSums {
    fn new(k: usize, window: usize, half_life: f64) -> Self {
        let lambda = 0.5f64.powf(1.0 / half_life);
        EwSums {
            lambda,
            lw: lambda.powi(window as i32),
            s: vec![0.0; k],
        }
    }

    /// Push today's values `z` and drop the values of `window` days ago (`old`).
    fn push(&mut self, z: &[f64], old: Option<&[f64]>) {
        for (j, s) in self.s.iter_mut().enumerate() {
            *s = self.lambda * *s + z[j] - old.map_or(0.0, |o| self.lw * o[j]);
        }
    }
}

/// Per-stock time series of the descriptors (each `t × n`, row-major).
#[derive(Debug, Clone, Default)]
pub struct Descriptors {
    /// `ln(cap)`.
    pub size: Vec<f64>,
    /// Beta on the market.
    pub beta: Vec<f64>,
    /// Residual std of the beta regression.
    pub hsigma: Vec<f64>,
    /// Momentum.
    pub rstr: Vec<f64>,
    /// EW return std.
    pub dastd: Vec<f64>,
    /// Cumulative range.
    pub cmra: Vec<f64>,
    /// Share turnover (None without turnover).
    pub stom: Option<Vec<f64>>,
    /// Quarterly turnover.
    pub stoq: Option<Vec<f64>>,
    /// Annual turnover.
    pub stoa: Option<Vec<f64>>,
}

/// One stock's descriptor columns over time.
struct Column {
    beta: Vec<f64>,
    hsigma: Vec<f64>,
    rstr: Vec<f64>,
    dastd: Vec<f64>,
    cmra: Vec<f64>,
    sto: Option<[Vec<f64>; 3]>,
}

/// Push pair `p` at day t into `sums` (dropping day `t − window`) and keep the count of
/// days in the window that had a value (`p[0] > 0`).
fn slide<const K: usize>(
    sums: &mut EwSums,
    count: &mut usize,
    now: [f64; K],
    old: Option<[f64; K]>,
) {
    *count += (now[0] > 0.0) as usize;
    if let Some(o) = &old {
        *count -= (o[0] > 0.0) as usize;
    }
    sums.push(&now, old.as_ref().map(|o| &o[..]));
}

/// BETA and HSIGMA: the EW regression of `r` on the market `m`.
fn beta_hsigma(r: &[f64], m: &[f64], cfg: &DescriptorConfig) -> (Vec<f64>, Vec<f64>) {
    let t_len = r.len();
    let (mut beta, mut hsigma) = (vec![f64::NAN; t_len], vec![f64::NAN; t_len]);
    // [w, w·x, w·y, w·x², w·x·y, w·y²] with w the indicator of a pair
    let pair = |t: usize| -> [f64; 6] {
        let (x, y) = (m[t], r[t]);
        if x.is_finite() && y.is_finite() {
            [1.0, x, y, x * x, x * y, y * y]
        } else {
            [0.0; 6]
        }
    };
    let mut reg = EwSums::new(6, cfg.beta_window, cfg.beta_half_life);
    let mut count = 0usize;
    for t in 0..t_len {
        let old = (t >= cfg.beta_window).then(|| pair(t - cfg.beta_window));
        slide(&mut reg, &mut count, pair(t), old);
        if count < cfg.min_obs {
            continue;
        }
        let s = &reg.s;
        let (mx, my) = (s[1] / s[0], s[2] / s[0]);
        let sxx = s[3] / s[0] - mx * mx;
        let sxy = s[4] / s[0] - mx * my;
        let syy = s[5] / s[0] - my * my;
        if sxx > 0.0 {
            let b = sxy / sxx;
            beta[t] = b;
            hsigma[t] = (syy - b * sxy).max(0.0).sqrt();
        }
    }
    (beta, hsigma)
}

/// DASTD: the EW standard deviation of daily returns.
fn dastd(r: &[f64], cfg: &DescriptorConfig) -> Vec<f64> {
    let mut out = vec![f64::NAN; r.len()];
    let one = |t: usize| -> [f64; 3] {
        let y = r[t];
        if y.is_finite() {
            [1.0, y, y * y]
        } else {
            [0.0; 3]
        }
    };
    let mut vol = EwSums::new(3, cfg.dastd_window, cfg.dastd_half_life);
    let mut count = 0usize;
    for (t, o) in out.iter_mut().enumerate() {
        let old = (t >= cfg.dastd_window).then(|| one(t - cfg.dastd_window));
        slide(&mut vol, &mut count, one(t), old);
        if count >= cfg.min_obs {
            let s = &vol.s;
            let mu = s[1] / s[0];
            *o = (s[2] / s[0] - mu * mu).max(0.0).sqrt();
        }
    }
    out
}

/// Cumulative log returns `L_t = Σ_{s<t} ln(1 + r_s)` and counts of returns (length
/// t + 1; a missing return adds nothing).
fn cumulative(r: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut cum = vec![0.0; r.len() + 1];
    let mut cnt = vec![0usize; r.len() + 1];
    for (t, x) in r.iter().enumerate() {
        let ok = x.is_finite();
        cum[t + 1] = cum[t] + if ok { x.ln_1p() } else { 0.0 };
        cnt[t + 1] = cnt[t] + ok as usize;
    }
    (cum, cnt)
}

/// RSTR: the EW sum of log returns over the window ending `rstr_lag` days ago.
fn rstr(r: &[f64], cnt: &[usize], cfg: &DescriptorConfig) -> Vec<f64> {
    let mut out = vec![f64::NAN; r.len()];
    let logret = |t: usize| if r[t].is_finite() { r[t].ln_1p() } else { 0.0 };
    let mut mom = EwSums::new(1, cfg.rstr_window, cfg.rstr_half_life);
    for (u, o) in out.iter_mut().skip(cfg.rstr_lag).enumerate() {
        let old = (u >= cfg.rstr_window).then(|| [logret(u - cfg.rstr_window)]);
        mom.push(&[logret(u)], old.as_ref().map(|o| &o[..]));
        let n_in = cnt[u + 1] - cnt[(u + 1).saturating_sub(cfg.rstr_window)];
        if n_in >= cfg.min_obs {
            *o = mom.s[0];
        }
    }
    out
}

/// CMRA over 12 months of 21 days.
fn cmra(cum: &[f64], cnt: &[usize], min_obs: usize) -> Vec<f64> {
    let t_len = cum.len() - 1;
    (0..t_len)
        .map(|t| {
            if t + 1 < 252 || cnt[t + 1] - cnt[t + 1 - 252] < min_obs {
                return f64::NAN;
            }
            let (mut zmax, mut zmin) = (f64::MIN, f64::MAX);
            for k in 1..=12 {
                let z = cum[t + 1] - cum[t + 1 - 21 * k];
                zmax = zmax.max(z);
                zmin = zmin.min(z);
            }
            zmax.ln_1p() - zmin.ln_1p()
        })
        .collect()
}

/// STOM, STOQ, STOA from daily turnover.
fn turnover_columns(v: &[f64]) -> [Vec<f64>; 3] {
    let t_len = v.len();
    let mut c = vec![0.0; t_len + 1];
    let mut k = vec![0usize; t_len + 1];
    for t in 0..t_len {
        let ok = v[t].is_finite() && v[t] >= 0.0;
        c[t + 1] = c[t] + if ok { v[t] } else { 0.0 };
        k[t + 1] = k[t] + ok as usize;
    }
    let window = |w: usize, months: f64| -> Vec<f64> {
        (0..t_len)
            .map(|t| {
                if t + 1 < w || k[t + 1] - k[t + 1 - w] < w / 2 {
                    return f64::NAN;
                }
                let s = (c[t + 1] - c[t + 1 - w]) / months;
                if s > 0.0 {
                    s.ln()
                } else {
                    f64::NAN
                }
            })
            .collect()
    };
    [window(21, 1.0), window(63, 3.0), window(252, 12.0)]
}

fn stock_column(r: &[f64], m: &[f64], turnover: Option<&[f64]>, cfg: &DescriptorConfig) -> Column {
    let (beta, hsigma) = beta_hsigma(r, m, cfg);
    let (cum, cnt) = cumulative(r);
    Column {
        beta,
        hsigma,
        rstr: rstr(r, &cnt, cfg),
        dastd: dastd(r, cfg),
        cmra: cmra(&cum, &cnt, cfg.min_obs),
        sto: turnover.map(turnover_columns),
    }
}

/// The descriptors of every stock (`returns`, `caps`, `turnover`: `t × n`).
pub fn descriptors(
    returns: &[f64],
    caps: &[f64],
    turnover: Option<&[f64]>,
    n: usize,
    cfg: &DescriptorConfig,
) -> Descriptors {
    let t_len = returns.len() / n.max(1);
    let m = market_return(returns, caps, n);
    let col = |src: &[f64], j: usize| -> Vec<f64> { (0..t_len).map(|t| src[t * n + j]).collect() };
    let cols: Vec<Column> = (0..n)
        .into_par_iter()
        .map(|j| {
            let r = col(returns, j);
            let tv = turnover.map(|v| col(v, j));
            stock_column(&r, &m, tv.as_deref(), cfg)
        })
        .collect();
    let gather = |f: &dyn Fn(&Column) -> &Vec<f64>| -> Vec<f64> {
        let mut out = vec![f64::NAN; t_len * n];
        for (j, c) in cols.iter().enumerate() {
            for (t, v) in f(c).iter().enumerate() {
                out[t * n + j] = *v;
            }
        }
        out
    };
    let size = caps
        .iter()
        .map(|c| {
            if *c > 0.0 && c.is_finite() {
                c.ln()
            } else {
                f64::NAN
            }
        })
        .collect();
    let sto =
        |k: usize| turnover.map(|_| gather(&|c: &Column| &c.sto.as_ref().expect("turnover")[k]));
    Descriptors {
        size,
        beta: gather(&|c| &c.beta),
        hsigma: gather(&|c| &c.hsigma),
        rstr: gather(&|c| &c.rstr),
        dastd: gather(&|c| &c.dastd),
        cmra: gather(&|c| &c.cmra),
        stom: sto(0),
        stoq: sto(1),
        stoa: sto(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> DescriptorConfig {
        DescriptorConfig {
            min_obs: 20,
            ..Default::default()
        }
    }

    #[test]
    fn beta_of_a_scaled_market_is_the_scale_and_hsigma_zero() {
        // stock 0 = 2 × market, stock 1 = market (equal caps): market return = 1.5 r
        let t_len = 300;
        let n = 2;
        let mut r = vec![0.0; t_len * n];
        for t in 0..t_len {
            let x = 0.01 * ((t * 37 % 19) as f64 - 9.0) / 9.0;
            r[t * n] = 2.0 * x;
            r[t * n + 1] = x;
        }
        let caps = vec![1.0; t_len * n];
        let d = descriptors(&r, &caps, None, n, &cfg());
        let t = t_len - 1;
        assert!(
            (d.beta[t * n] - 2.0 / 1.5).abs() < 1e-9,
            "{}",
            d.beta[t * n]
        );
        assert!((d.beta[t * n + 1] - 1.0 / 1.5).abs() < 1e-9);
        assert!(d.hsigma[t * n].abs() < 1e-7);
        // the first days have too few returns
        assert!(d.beta[5 * n].is_nan() && d.dastd[5 * n].is_nan());
    }

    #[test]
    fn ew_sums_match_a_direct_sum() {
        let cfg = DescriptorConfig {
            dastd_window: 30,
            dastd_half_life: 10.0,
            min_obs: 5,
            ..Default::default()
        };
        let t_len = 100;
        let r: Vec<f64> = (0..t_len)
            .map(|t| 0.01 * ((t * 7 % 13) as f64 - 6.0))
            .collect();
        let d = descriptors(&r, &vec![1.0; t_len], None, 1, &cfg);
        let lam = 0.5f64.powf(0.1);
        let t = 80;
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for j in 0..30 {
            let w = lam.powi(j as i32);
            let y = r[t - j];
            s0 += w;
            s1 += w * y;
            s2 += w * y * y;
        }
        let want = (s2 / s0 - (s1 / s0).powi(2)).sqrt();
        assert!(
            (d.dastd[t] - want).abs() < 1e-12,
            "{} vs {want}",
            d.dastd[t]
        );
    }

    #[test]
    fn momentum_skips_the_last_month_and_cmra_of_a_flat_series_is_zero() {
        let t_len = 600;
        let mut r = vec![0.0; t_len];
        // a jump in the last 21 days does not move momentum
        r[t_len - 5] = 0.5;
        let d = descriptors(&r, &vec![1.0; t_len], None, 1, &cfg());
        assert_eq!(d.rstr[t_len - 1], 0.0);
        assert_eq!(d.cmra[t_len - 30], 0.0);
        // a jump inside the year: the cumulative returns over 1..12 months differ
        r[t_len - 100] = 0.5;
        let d = descriptors(&r, &vec![1.0; t_len], None, 1, &cfg());
        let want = (1.0 + 1.5f64.ln() + 1.5f64.ln()).ln() - (1.0 + 1.5f64.ln()).ln();
        assert!(
            (d.cmra[t_len - 1] - want).abs() < 1e-12,
            "{}",
            d.cmra[t_len - 1]
        );
        assert!(d.rstr[t_len - 1] > 0.0);
        // missing returns: nothing before min_obs
        let d = descriptors(&vec![f64::NAN; 100], &vec![1.0; 100], None, 1, &cfg());
        assert!(d
            .beta
            .iter()
            .chain(&d.rstr)
            .chain(&d.dastd)
            .all(|v| v.is_nan()));
    }

    #[test]
    fn turnover_descriptors() {
        let t_len = 300;
        let tv = vec![0.01; t_len];
        let d = descriptors(&vec![0.0; t_len], &vec![1.0; t_len], Some(&tv), 1, &cfg());
        let t = t_len - 1;
        // 21 days of 1 % = 0.21 a month, in every window
        for v in [d.stom.as_ref(), d.stoq.as_ref(), d.stoa.as_ref()] {
            assert!((v.unwrap()[t] - 0.21f64.ln()).abs() < 1e-12);
        }
    }
}
