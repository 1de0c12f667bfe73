//! Style-rotating funds from successive holdings (SPEC §16).
//!
//! For a fund with holdings `w_p` (weights of its stocks) at report dates `p_0 < p_1 < …`
//! and stock style exposures `x_i,p` (size, value, …):
//!
//! * holdings exposure `E(w, p) = Σ w_i x_i,p / Σ w_i` over the stocks with an exposure;
//! * passive holdings at `p_k`: the previous holdings drifted with each stock's total
//!   return over `(p_{k−1}, p_k]`, `w_i (1 + R_i)`; the **active** change of exposure is
//!   `Δa_k = E(w_{p_k}, p_k) − E(passive, p_k)` — what trading changed, net of what prices
//!   and the stocks' own exposures did; the passive part is the rest of the total change
//!   `E(w_{p_k}, p_k) − E(w_{p_{k−1}}, p_{k−1})`;
//! * **absolute active rotation** `AR_k = Σ_styles |Δa_k|`;
//! * **active rotation return** of change k: `Δa_k · F(p_k, p_{k+1})`, F the style factor
//!   returns summed over the next period — known only at `p_{k+1}`.
//!
//! **The basket** at report date `p_K` (used from its publication on): the funds whose
//! `AR_K` is above the cross-sectional median, ranked by the mean of their last three
//! known active rotation returns (changes `K−3 … K−1`; one or two when fewer exist), the
//! top `n` (20) equally weighted. Nothing after `p_K` is read.

use chrono::NaiveDate;

/// One report of one fund: date and (stock, weight).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Report period end.
    pub date: NaiveDate,
    /// Holdings: stock and weight (any scale; normalised over the stocks with exposures).
    pub holdings: Vec<(String, f64)>,
}

/// One change between two reports of a fund.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The later report's date.
    pub date: NaiveDate,
    /// Active change of each style exposure.
    pub active: Vec<f64>,
    /// Total change of each style exposure.
    pub total: Vec<f64>,
    /// `Σ |active|`.
    pub abs_active: f64,
    /// `active · F(next period)`; NaN until the next report.
    pub active_return: f64,
}

/// Exposure-weighted average of `holdings` (NaN per style when no stock has one).
fn exposure(
    holdings: &[(String, f64)],
    x: &dyn Fn(&str) -> Option<Vec<f64>>,
    s: usize,
) -> Vec<f64> {
    let mut sum = vec![0.0; s];
    let mut w = 0.0;
    for (code, wi) in holdings {
        if let Some(v) = x(code) {
            if v.len() == s && v.iter().all(|e| e.is_finite()) && *wi > 0.0 {
                for (a, b) in sum.iter_mut().zip(&v) {
                    *a += wi * b;
                }
                w += wi;
            }
        }
    }
    sum.into_iter()
        .map(|v| if w > 0.0 { v / w } else { f64::NAN })
        .collect()
}

/// The changes of one fund's successive reports (sorted by date): `x(code, date)` the
/// exposures, `growth(code, from, to)` a stock's `1 + R` over the period, `f(from, to)`
/// the style factor returns summed over a period.
pub fn changes(
    reports: &[Report],
    n_styles: usize,
    x: &dyn Fn(&str, NaiveDate) -> Option<Vec<f64>>,
    growth: &dyn Fn(&str, NaiveDate, NaiveDate) -> Option<f64>,
    f: &dyn Fn(NaiveDate, NaiveDate) -> Vec<f64>,
) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for k in 1..reports.len() {
        let (r0, r1) = (&reports[k - 1], &reports[k]);
        let passive: Vec<(String, f64)> = r0
            .holdings
            .iter()
            .filter_map(|(c, w)| growth(c, r0.date, r1.date).map(|g| (c.clone(), w * g)))
            .collect();
        let at1 = |c: &str| x(c, r1.date);
        let e_new = exposure(&r1.holdings, &at1, n_styles);
        let e_pass = exposure(&passive, &at1, n_styles);
        let e_old = exposure(&r0.holdings, &|c| x(c, r0.date), n_styles);
        let active: Vec<f64> = e_new.iter().zip(&e_pass).map(|(a, b)| a - b).collect();
        let total: Vec<f64> = e_new.iter().zip(&e_old).map(|(a, b)| a - b).collect();
        let abs_active = active.iter().map(|v| v.abs()).sum();
        if let Some(prev) = out.last_mut() {
            let fr = f(r0.date, r1.date);
            prev.active_return = prev.active.iter().zip(&fr).map(|(a, b)| a * b).sum();
        }
        out.push(Change {
            date: r1.date,
            active,
            total,
            abs_active,
            active_return: f64::NAN,
        });
    }
    out
}

/// The basket at report date `date` from every fund's changes (see the module docs):
/// (fund, mean active rotation return) of the top `n`, best first.
pub fn basket(funds: &[(String, Vec<Change>)], date: NaiveDate, n: usize) -> Vec<(String, f64)> {
    let latest: Vec<(&String, &[Change], usize)> = funds
        .iter()
        .filter_map(|(code, ch)| {
            let k = ch.iter().position(|c| c.date == date)?;
            ch[k].abs_active.is_finite().then_some((code, &ch[..], k))
        })
        .collect();
    let ar: Vec<f64> = latest.iter().map(|(_, ch, k)| ch[*k].abs_active).collect();
    let med = crate::alpha::median(&ar);
    let mut scored: Vec<(String, f64)> = latest
        .iter()
        .filter(|(_, ch, k)| ch[*k].abs_active > med)
        .filter_map(|(code, ch, k)| {
            let past: Vec<f64> = ch[k.saturating_sub(3)..*k]
                .iter()
                .map(|c| c.active_return)
                .filter(|v| v.is_finite())
                .collect();
            (!past.is_empty()).then(|| {
                (
                    (*code).clone(),
                    past.iter().sum::<f64>() / past.len() as f64,
                )
            })
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(n);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, 28).unwrap()
    }

    fn rep(m: u32, h: &[(&str, f64)]) -> Report {
        Report {
            date: d(m),
            holdings: h.iter().map(|(c, w)| (c.to_string(), *w)).collect(),
        }
    }

    /// Stock S is small (size −1), L large (+1); exposures constant.
    fn x(c: &str, _d: NaiveDate) -> Option<Vec<f64>> {
        match c {
            "S" => Some(vec![-1.0]),
            "L" => Some(vec![1.0]),
            _ => None,
        }
    }

    #[test]
    fn trading_is_active_and_price_drift_is_passive() {
        // S doubles between the reports; the fund did not trade: no active change, a
        // passive move toward small caps
        let g = |c: &str, _a: NaiveDate, _b: NaiveDate| Some(if c == "S" { 2.0 } else { 1.0 });
        let f = |_a: NaiveDate, _b: NaiveDate| vec![0.1];
        let r = [
            rep(1, &[("S", 0.5), ("L", 0.5)]),
            rep(4, &[("S", 2.0 / 3.0), ("L", 1.0 / 3.0)]),
        ];
        let ch = changes(&r, 1, &x, &g, &f);
        assert!(ch[0].active[0].abs() < 1e-15, "{:?}", ch[0]);
        assert!((ch[0].total[0] - (-1.0 / 3.0)).abs() < 1e-15);
        // the fund sold S for L instead: all of it active
        let r = [rep(1, &[("S", 0.5), ("L", 0.5)]), rep(4, &[("L", 1.0)])];
        let ch = changes(&r, 1, &x, &g, &f);
        assert!((ch[0].active[0] - (1.0 - (-1.0 / 3.0))).abs() < 1e-15);
        assert!(
            ch[0].active_return.is_nan(),
            "the next period is not known yet"
        );
    }

    #[test]
    fn active_returns_need_the_next_period_and_the_basket_ranks_them() {
        let g = |_c: &str, _a: NaiveDate, _b: NaiveDate| Some(1.0);
        // size factor paid +0.05 every period: moving to large caps earns
        let f = |_a: NaiveDate, _b: NaiveDate| vec![0.05];
        let to_large = [
            rep(1, &[("S", 1.0)]),
            rep(4, &[("L", 1.0)]),
            rep(7, &[("S", 1.0)]),
            rep(10, &[("L", 1.0)]),
        ];
        let to_small = [
            rep(1, &[("L", 1.0)]),
            rep(4, &[("S", 1.0)]),
            rep(7, &[("L", 1.0)]),
            rep(10, &[("S", 1.0)]),
        ];
        let still = [
            rep(1, &[("L", 1.0)]),
            rep(4, &[("L", 1.0)]),
            rep(7, &[("L", 1.0)]),
            rep(10, &[("L", 1.0)]),
        ];
        let half = [
            rep(1, &[("L", 1.0)]),
            rep(4, &[("S", 0.5), ("L", 0.5)]),
            rep(7, &[("L", 1.0)]),
            rep(10, &[("S", 0.5), ("L", 0.5)]),
        ];
        let a = changes(&to_large, 1, &x, &g, &f);
        assert!((a[0].active_return - 2.0 * 0.05).abs() < 1e-15);
        assert!((a[1].active_return - (-2.0 * 0.05)).abs() < 1e-15);
        assert!(a[2].active_return.is_nan());
        let funds = vec![
            ("A".to_string(), a),
            ("B".to_string(), changes(&to_small, 1, &x, &g, &f)),
            ("C".to_string(), changes(&still, 1, &x, &g, &f)),
            ("D".to_string(), changes(&half, 1, &x, &g, &f)),
        ];
        // at the last report: AR 2, 2, 0, 1 (median 1.5): A and B rotate; A's mean
        // past return (0.1, −0.1) = 0 ties B's (−0.1, 0.1) = 0 → code order
        let b = basket(&funds, d(10), 20);
        assert_eq!(
            b.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        // at the second report only one past return each: A 0.1 beats B −0.1
        let b = basket(&funds, d(7), 1);
        assert_eq!(b, vec![("A".to_string(), 0.1)]);
        assert!(basket(&funds, d(4), 5).is_empty(), "no past return yet");
    }
}
