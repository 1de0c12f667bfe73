//! Maximum drawdown with its dates (SPEC §0.3).
//!
//! `NAV_t = Π_{s≤t}(1 + r_s)` starting from NAV = 1 before the first return;
//! `MDD = max_t (1 − NAV_t / max_{s≤t} NAV_s)` ≥ 0 (empyrical returns `−MDD`).
//! The peak is the index of the running maximum (−1 = the start, before any return),
//! the trough the index where the drawdown is deepest, the recovery the first index
//! after the trough where NAV regains the peak (`None` if never).

/// A drawdown and where it happened (indices into the return series).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Drawdown {
    /// Depth as a positive fraction.
    pub depth: f64,
    /// Index of the peak (−1 = the starting NAV).
    pub peak: isize,
    /// Index of the trough.
    pub trough: usize,
    /// Index of recovery to the peak NAV.
    pub recovery: Option<usize>,
}

/// Maximum drawdown of the NAV built from `r` (missing returns count as 0).
pub fn max_drawdown(r: &[f64]) -> Drawdown {
    let nav = nav_path(r);
    max_drawdown_nav(&nav)
}

/// Maximum drawdown of a NAV path that starts at `1` before index 0.
pub fn max_drawdown_nav(nav: &[f64]) -> Drawdown {
    let (mut peak_v, mut peak_i) = (1.0f64, -1isize);
    let mut best = Drawdown {
        depth: 0.0,
        peak: -1,
        trough: 0,
        recovery: None,
    };
    for (i, &v) in nav.iter().enumerate() {
        if v > peak_v {
            peak_v = v;
            peak_i = i as isize;
        }
        let dd = 1.0 - v / peak_v;
        if dd > best.depth {
            best = Drawdown {
                depth: dd,
                peak: peak_i,
                trough: i,
                recovery: None,
            };
        }
    }
    if best.depth > 0.0 {
        let pv = if best.peak < 0 {
            1.0
        } else {
            nav[best.peak as usize]
        };
        best.recovery = (best.trough + 1..nav.len()).find(|&i| nav[i] >= pv);
    }
    best
}

/// The drawdown path `DD_t = NAV_t / max(1, max_{s≤t} NAV_s) − 1` (≤ 0) of a NAV that
/// starts at 1 before index 0: the running peak starts at the initial NAV, so a
/// first-day loss is a drawdown, and `−min_t DD_t` equals [`max_drawdown_nav`]'s depth.
pub fn drawdown_path(nav: &[f64]) -> Vec<f64> {
    let mut peak = 1.0f64;
    nav.iter()
        .map(|v| {
            peak = peak.max(*v);
            v / peak - 1.0
        })
        .collect()
}

/// `NAV_t = Π_{s≤t}(1 + r_s)` (missing returns count as 0).
pub fn nav_path(r: &[f64]) -> Vec<f64> {
    let mut acc = 1.0;
    r.iter()
        .map(|x| {
            if x.is_finite() {
                acc *= 1.0 + x;
            }
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drawdown_path_starts_from_the_initial_nav_and_matches_the_maximum() {
        assert!((drawdown_path(&nav_path(&[-0.1]))[0] + 0.1).abs() < 1e-12);
        let r = [0.0, 0.1, -0.5, 0.2];
        let dd = drawdown_path(&nav_path(&r));
        assert_eq!(dd[1], 0.0);
        assert!((dd[2] + 0.5).abs() < 1e-12);
        let deepest = dd.iter().copied().fold(0.0f64, f64::min);
        assert!((deepest + max_drawdown(&r).depth).abs() < 1e-15);
        assert!(drawdown_path(&[]).is_empty());
    }
}
