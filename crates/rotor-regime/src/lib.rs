//! # rotor-regime
//!
//! The money + credit regime classifier of SPEC §1 (货币 + 信用 周期), evaluated at each
//! rebalance date `t` from observations whose `available_at ≤ t` only. The classifier
//! ([`Classifier`]) never filters by date itself: it is stepped through the signal dates
//! with the inputs *as known at each date*, read through the point-in-time view
//! ([`RegimeInputs::from_view`]) or cut from full histories by the same rule
//! ([`RegimeInputs::as_of`], [`classify`]) — the as-of rule lives once, in
//! `rotor_data::view`.
//!
//! **Money** (10Y CGB yield). `ybar_m` = mean of the month's daily yields
//! (`MoneyLevel::MonthAvg`, default) or the month's last value (`MonthEnd`), using only
//! days with `available_at ≤ t`. Rule `Delta` (default): `Δy = ybar_m − ybar_{m−k_m}`
//! (k_m = 12); `Δy < −τ_m` → loose, `Δy > τ_m` → tight, otherwise the previous state
//! (hysteresis, τ_m = 5 bp). The first month with a Δy takes the band's verdict; if Δy
//! is inside the band there is no previous state to keep, and it starts loose iff
//! `ybar_m < mean(ybar_{m−11..m})` (the months available of those twelve). Rule `MaCross`: loose iff `ybar_m < MA_n(ybar)`
//! (n = 12, the MA includes month m).
//!
//! **Credit** (M2 YoY and TSF-stock YoY, both in percent). `q` = the latest month whose
//! M2 **and** TSF values are both published at `t` (normally m−1). Rule `Composite`
//! (default): `c_q = (M2_q + TSF_q)/2`, `Δc = c_q − c_{q−k_c}` (k_c = 3), loose if
//! `Δc > τ_c`, tight if `Δc < −τ_c` (τ_c = 0.10 pp), else keep. `Both`: loose iff
//! ΔM2 > τ_c and ΔTSF > τ_c, tight iff both < −τ_c. `Either`: loose iff
//! max(ΔM2, ΔTSF) > τ_c, tight iff max(ΔM2, ΔTSF) < −τ_c. The first decision likewise takes the
//! band's verdict, or inside the band starts loose iff `c_q > mean(c_{q−11..q})`.
//!
//! **When the TSF-stock YoY is missing** — absent at t, or its latest published month
//! more than two months behind M2's (the series has stopped) — the credit side uses
//! [`TsfProxy`] (the public China bundle has monthly TSF *flows* only): `M2Only` (default; `c = M2 YoY`,
//! rules Both/Either degrade to M2 alone) or `Flow12Yoy` — the YoY growth in percent of
//! the 12-month rolling sum of flows, `100·(Σ_{q−11..q} F / Σ_{q−23..q−12} F − 1)`, a
//! common practitioner proxy whose scale is larger than the stock YoY (its swings
//! dominate a Composite average; documented, not hidden). Every output row says which
//! basis it used.
//!
//! **Regimes**: LL 宽货币宽信用, LT 宽货币紧信用, TL 紧货币宽信用, TT 紧货币紧信用, and
//! `Undefined` until both sides have enough history.
//!
//! ```
//! use chrono::NaiveDate;
//! use rotor_regime::{classify, Obs, RegimeConfig, RegimeInputs, Regime};
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! // 13 monthly yields falling from 2.30 to 1.80 (one observation per month-end)
//! let mut y = Vec::new();
//! for i in 0..13u32 {
//!     let day = rotor_regime::month_end(2020 + ((i) / 12) as i32, i % 12 + 1);
//!     y.push(Obs { period: day, available_at: day, value: 2.30 - 0.5 * i as f64 / 12.0 });
//! }
//! // credit composite 8.0, 8.1, 8.3, 8.5 for Oct 2020 .. Jan 2021, released a month later
//! let mut m2 = Vec::new();
//! let mut tsf = Vec::new();
//! for (k, c) in [7.9, 7.9, 7.9, 7.9, 7.9, 7.9, 7.9, 7.9, 7.9, 8.0, 8.1, 8.3, 8.5].iter().enumerate() {
//!     let p = rotor_regime::month_end(2020 + ((k as u32) / 12) as i32, (k as u32) % 12 + 1);
//!     let avail = p + chrono::Days::new(12);
//!     m2.push(Obs { period: p, available_at: avail, value: *c });
//!     tsf.push(Obs { period: p, available_at: avail, value: *c });
//! }
//! let inputs = RegimeInputs { yield_daily: y, m2_yoy: m2, tsf_stock_yoy: tsf, tsf_flow: vec![] };
//! let t = d(2021, 1, 31);
//! let rows = classify(&inputs, &[t], &RegimeConfig::default());
//! assert!((rows[0].dy.unwrap() + 0.5).abs() < 1e-12);
//! // at end-Jan 2021 the latest credit month is Dec 2020 (released 12 Jan)
//! assert_eq!(rows[0].q_used, Some(d(2020, 12, 31)));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod classify;

pub use classify::{
    classify, month_end, Classifier, CreditBasis, CreditRule, MoneyLevel, MoneyRule, Obs, Regime,
    RegimeConfig, RegimeInputs, RegimeRow, RegimeSeries, State, TsfProxy,
};
