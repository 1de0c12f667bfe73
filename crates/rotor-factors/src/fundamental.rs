//! Fundamental improvement (基本面景气改善, SPEC §2.2).
//!
//! From index-level single-quarter statements, as known at t — each period's latest
//! vintage **announced strictly before t** (SPEC §0.6) — with q* the latest quarter:
//!
//! | id | raw value of quarter q |
//! |---|---|
//! | `fund.np_yoy` | `(NP_q − NP_{q−4}) / |NP_{q−4}|` |
//! | `fund.np_qoq` | `(NP_q − NP_{q−1}) / |NP_{q−1}|` |
//! | `fund.op_yoy`, `fund.op_qoq` | the same with operating profit |
//! | `fund.roe_yoy` | `ROE_q − ROE_{q−4}`, `ROE_q = NP_q / mean(Equity_q, Equity_{q−1})` |
//! | `fund.roe_qoq` | `ROE_q − ROE_{q−1}` |
//!
//! *Denominator guard*: when `|base| < 1e−6·|value|` or the base is ≤ 0 (a loss, so
//! the sign of the ratio is meaningless), the growth is clipped to ±`clip` (5 = ±500 %).
//!
//! The sub-factor is the **SUE-style** `ts_z(x; W = 8 quarters, include_current =
//! false, min_obs = 4)` of the raw value of q* against the raw values of the previous
//! quarters (SPEC §0.4); with `qoq_seasonal` the QoQ values are compared only with the
//! same fiscal quarter of the previous 3 years. A constant history (std ≤ 1e−12·max(|mean|, 1), i.e. zero up to rounding) → NaN
//! (the index drops out of that sub-factor). The value is carried to every signal date
//! until the next quarter is announced (it is recomputed from the as-of view at t).

use std::collections::BTreeMap;

/// One quarterly observation (defined with the point-in-time view).
pub use rotor_data::view::QuarterObs;

/// Quarter key: `year·4 + quarter0`.
pub use rotor_data::view::quarter_key as qkey;

/// Growth `(a − b)/|b|` with the denominator guard of the module docs.
pub fn guarded_growth(a: f64, b: f64, clip: f64) -> f64 {
    if !(a.is_finite() && b.is_finite()) {
        return f64::NAN;
    }
    if b <= 0.0 || b.abs() < 1e-6 * a.abs() {
        if a == b {
            return 0.0;
        }
        return if a > b { clip } else { -clip };
    }
    ((a - b) / b.abs()).clamp(-clip, clip)
}

/// Raw value of sub-factor `id` (the index in [`crate::FundItem::ALL`]) for quarter `q`.
pub fn raw(m: &BTreeMap<i32, QuarterObs>, q: i32, id: usize, clip: f64) -> f64 {
    let get = |k: i32| m.get(&k);
    let roe = |k: i32| -> f64 {
        match (get(k), get(k - 1)) {
            (Some(a), Some(b)) => {
                let eq = 0.5 * (a.equity + b.equity);
                if eq > 0.0 {
                    a.np / eq
                } else {
                    f64::NAN
                }
            }
            _ => f64::NAN,
        }
    };
    let lag = if id.is_multiple_of(2) { 4 } else { 1 };
    match id {
        0 | 1 => match (get(q), get(q - lag)) {
            (Some(a), Some(b)) => guarded_growth(a.np, b.np, clip),
            _ => f64::NAN,
        },
        2 | 3 => match (get(q), get(q - lag)) {
            (Some(a), Some(b)) => guarded_growth(a.op, b.op, clip),
            _ => f64::NAN,
        },
        _ => roe(q) - roe(q - lag),
    }
}

/// Parameters of the family.
#[derive(Debug, Clone, Copy)]
pub struct FundParams {
    /// ts_z window in quarters (8).
    pub window: usize,
    /// Minimum history (4).
    pub min_obs: usize,
    /// QoQ against the same fiscal quarter of earlier years only.
    pub qoq_seasonal: bool,
    /// Growth clip (5.0 = ±500 %).
    pub clip: f64,
}

/// The six sub-factors of one index from its statements as known at t (per quarter the
/// latest vintage announced strictly before t, as the point-in-time view returns them;
/// NaN where undefined).
pub fn at(m: &BTreeMap<i32, QuarterObs>, p: FundParams) -> [f64; 6] {
    let mut out = [f64::NAN; 6];
    let Some(&qs) = m.keys().next_back() else {
        return out;
    };
    for (id, slot) in out.iter_mut().enumerate() {
        let cur = raw(m, qs, id, p.clip);
        if !cur.is_finite() {
            continue;
        }
        let seasonal = p.qoq_seasonal && id % 2 == 1;
        let hist: Vec<f64> = if seasonal {
            (1..=3)
                .map(|y| raw(m, qs - 4 * y, id, p.clip))
                .filter(|v| v.is_finite())
                .collect()
        } else {
            // the previous `window` quarters that have a value
            let first = *m.keys().next().unwrap();
            let mut h = Vec::new();
            let mut k = qs - 1;
            while k >= first && h.len() < p.window {
                let v = raw(m, k, id, p.clip);
                if v.is_finite() {
                    h.push(v);
                }
                k -= 1;
            }
            h
        };
        let need = if seasonal {
            p.min_obs.min(3)
        } else {
            p.min_obs
        };
        if hist.len() < need.max(2) {
            continue;
        }
        let n = hist.len() as f64;
        let mean = hist.iter().sum::<f64>() / n;
        let sd = (hist.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        // a history constant up to rounding (|sd| ≤ 1e−12·max(|mean|, 1)) has no spread
        if sd > 1e-12 * mean.abs().max(1.0) {
            *slot = (cur - mean) / sd;
        }
    }
    out
}

/// Trailing-twelve-month net profit at quarter `q` (sum of 4 single quarters).
pub fn np_ttm(m: &BTreeMap<i32, QuarterObs>, q: i32) -> f64 {
    (0..4)
        .map(|i| m.get(&(q - i)).map(|o| o.np))
        .sum::<Option<f64>>()
        .unwrap_or(f64::NAN)
}
