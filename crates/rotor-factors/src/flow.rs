//! Fund flow (资金流, SPEC §2.4), over the last `L` trading days up to t (L = 20):
//!
//! * `flow.inst = Σ institutional (extra-large order) net inflow / Σ turnover`;
//! * `flow.large = Σ large-order net inflow / Σ turnover`;
//! * `flow.nb = Σ northbound net buy / Σ turnover` — the SPEC scales NB by the
//!   index's free-float cap; index-level stores carry no cap, so rotor scales by the
//!   window's turnover (a monotone rescaling per index; documented deviation). NB is
//!   **disabled for t ≥ nb_cutoff** (2024-08-16, when per-stock northbound data
//!   stopped), and the family averages the remaining sub-factors.
//!
//! Missing days are skipped (at least `L/2` valid days needed); a window with zero
//! turnover gives NaN. Zero flows give 0; doubling turnover at constant net inflow
//! halves the value. Option `TsPct`: the value becomes `ts_pct` of the daily series of
//! rolling ratios over the last 250 days (a "stable flow" construction).

use serde::{Deserialize, Serialize};

/// Transform of the raw ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FlowTransform {
    /// The ratio itself (default).
    #[default]
    Raw,
    /// Its time-series percentile over 250 days.
    TsPct,
}

/// `Σ net / Σ turnover` over the `l` days ending at `t` (both slices are one asset's
/// daily series).
pub fn ratio_at(net: &[f64], turnover: &[f64], t: usize, l: usize) -> f64 {
    let lo = (t + 1).saturating_sub(l);
    let (mut sn, mut st, mut k) = (0.0, 0.0, 0usize);
    for i in lo..=t {
        if net[i].is_finite() && turnover[i].is_finite() {
            sn += net[i];
            st += turnover[i];
            k += 1;
        }
    }
    if k * 2 < l || st <= 0.0 {
        f64::NAN
    } else {
        sn / st
    }
}

/// `ts_pct` of the rolling ratio at `t` over the last `w` days.
pub fn ratio_pct_at(net: &[f64], turnover: &[f64], t: usize, l: usize, w: usize) -> f64 {
    let cur = ratio_at(net, turnover, t, l);
    if !cur.is_finite() {
        return f64::NAN;
    }
    let lo = (t + 1).saturating_sub(w);
    let (mut n, mut le) = (0usize, 0usize);
    for i in lo..=t {
        let v = ratio_at(net, turnover, i, l);
        if v.is_finite() {
            n += 1;
            if v <= cur {
                le += 1;
            }
        }
    }
    if n < 2 {
        f64::NAN
    } else {
        (le as f64 - 1.0) / (n as f64 - 1.0)
    }
}
