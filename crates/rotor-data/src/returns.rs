//! Daily total returns of stocks from what the store holds, never letting an ex-rights
//! day (a bonus issue, a split) enter as a crash.
//!
//! For each stock and day t, the first rule that applies:
//!
//! 1. `preclose` known (baostock, Tushare `pre_close`: the previous close adjusted for the
//!    day's ex-rights by the exchange): `r_t = close_t / preclose_t − 1`;
//! 2. a total-return close on t and on the stock's previous trading day:
//!    `r_t = tr_t / tr_prev − 1`; else the vendor's adjustment factors on both days
//!    (Tushare `adj_factor`, the back-adjusted close being `close · adj_factor`):
//!    `r_t = close_t·adj_t / (close_prev·adj_prev) − 1`;
//! 3. the price close: `r_t = close_t / close_prev − 1`, where `prev` is the stock's last
//!    day with a close (a suspension spans its days). Unadjusted closes show ex-rights
//!    days as moves no daily limit allows: a move beyond `±max_move` (default 0.35,
//!    above the ±20 % limit of the STAR / ChiNext boards and the +44 % first-day cap of
//!    the main board), or a drop beyond the stock's board limit plus one point
//!    ([`board_limit`]: a 10-for-3 bonus issue is −23 %, inside 0.35 but no main-board
//!    close can fall that far), is blanked (NaN) and listed in [`ReturnReport::blanked`].
//!
//! A day without a close has no return (NaN). Rule counts are in the report.

use chrono::NaiveDate;
use rotor_core::Panel;

/// ChiNext moved from ±10 % to ±20 % on this day.
const CHINEXT_REFORM: (i32, u32, u32) = (2020, 8, 24);

/// The daily price limit of a stock's board on `date` (no ST rule: the name is not
/// known here, and ST's ±5 % is narrower, so a drop beyond the board limit is beyond
/// it too): STAR (688…) ±20 %; ChiNext (300…, 301…) ±20 % from 2020-08-24, ±10 % before;
/// Beijing (4…, 8…, 92…) ±30 %; the main boards ±10 %.
pub fn board_limit(code: &str, date: chrono::NaiveDate) -> f64 {
    let c = code.as_bytes();
    let (y, m, d) = CHINEXT_REFORM;
    let reform = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    if code.starts_with("688") {
        0.20
    } else if code.starts_with("300") || code.starts_with("301") {
        if date >= reform {
            0.20
        } else {
            0.10
        }
    } else if matches!(c.first(), Some(b'4' | b'8')) || code.starts_with("92") {
        0.30
    } else {
        0.10
    }
}

/// What [`total_returns`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReturnReport {
    /// Returns from `close / preclose`.
    pub from_preclose: usize,
    /// Returns from the total-return close.
    pub from_tr_close: usize,
    /// Returns from closes times adjustment factors.
    pub from_adj_factor: usize,
    /// Returns from the price close.
    pub from_close: usize,
    /// Close-to-close moves beyond the limit, blanked: (date, code, move).
    pub blanked: Vec<(NaiveDate, String, f64)>,
}

/// Daily total returns on `close`'s dates and assets; `preclose` and `tr_close`, when
/// given, must have the same shape.
pub fn total_returns(
    close: &Panel,
    preclose: Option<&Panel>,
    tr_close: Option<&Panel>,
    max_move: f64,
) -> (Panel, ReturnReport) {
    total_returns_adj(close, preclose, tr_close, None, max_move)
}

/// [`total_returns`] with the vendor's adjustment factors as a further rule.
pub fn total_returns_adj(
    close: &Panel,
    preclose: Option<&Panel>,
    tr_close: Option<&Panel>,
    adj_factor: Option<&Panel>,
    max_move: f64,
) -> (Panel, ReturnReport) {
    let (t_len, n) = (close.dates.len(), close.assets.len());
    let mut out = vec![f64::NAN; t_len * n];
    let mut rep = ReturnReport::default();
    let good = |x: f64| x.is_finite() && x > 0.0;
    for j in 0..n {
        let mut prev: Option<usize> = None;
        for t in 0..t_len {
            let c = close.values[t * n + j];
            if !good(c) {
                continue;
            }
            let pc = preclose.map_or(f64::NAN, |p| p.values[t * n + j]);
            if good(pc) {
                out[t * n + j] = c / pc - 1.0;
                rep.from_preclose += 1;
            } else if let Some(p) = prev {
                let tr = tr_close.map(|x| (x.values[p * n + j], x.values[t * n + j]));
                let adj = adj_factor.map(|x| (x.values[p * n + j], x.values[t * n + j]));
                match (tr, adj) {
                    (Some((a, b)), _) if good(a) && good(b) => {
                        out[t * n + j] = b / a - 1.0;
                        rep.from_tr_close += 1;
                    }
                    (_, Some((a, b))) if good(a) && good(b) => {
                        out[t * n + j] = c * b / (close.values[p * n + j] * a) - 1.0;
                        rep.from_adj_factor += 1;
                    }
                    _ => {
                        let r = c / close.values[p * n + j] - 1.0;
                        let floor = -(board_limit(&close.assets[j], close.dates[t]) + 0.01);
                        if r.abs() > max_move || r < floor {
                            rep.blanked
                                .push((close.dates[t], close.assets[j].clone(), r));
                        } else {
                            out[t * n + j] = r;
                            rep.from_close += 1;
                        }
                    }
                }
            }
            prev = Some(t);
        }
    }
    (
        Panel {
            dates: close.dates.clone(),
            assets: close.assets.clone(),
            values: out,
        },
        rep,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(v: Vec<f64>, n: usize) -> Panel {
        let t = v.len() / n;
        Panel {
            dates: (0..t)
                .map(|i| NaiveDate::from_ymd_opt(2024, 1, 2 + i as u32).unwrap())
                .collect(),
            assets: (0..n).map(|j| format!("S{j}")).collect(),
            values: v,
        }
    }

    #[test]
    fn a_drop_beyond_the_board_limit_is_blanked_inside_the_max_move_too() {
        // a 10-for-3 bonus issue: −23 %, inside ±35 % but beyond any main-board close
        let mut close = panel(vec![10.0, 7.7, 7.8, 7.0], 1);
        close.assets = vec!["600000.SH".into()];
        let (r, rep) = total_returns(&close, None, None, 0.35);
        assert!(r.values[1].is_nan());
        assert_eq!(rep.blanked.len(), 1);
        // −10.26 %: a limit-down day (within the limit plus a point of rounding), kept
        assert!((r.values[3] - (7.0 / 7.8 - 1.0)).abs() < 1e-15);
        // ChiNext: ±10 % before 2020-08-24, ±20 % after
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(board_limit("300750.SZ", d(2019, 6, 3)), 0.10);
        assert_eq!(board_limit("300750.SZ", d(2020, 8, 24)), 0.20);
        assert_eq!(board_limit("688981.SH", d(2019, 7, 22)), 0.20);
        assert_eq!(board_limit("830799.BJ", d(2022, 1, 4)), 0.30);
        assert_eq!(board_limit("920045.BJ", d(2025, 1, 4)), 0.30);
        assert_eq!(board_limit("000001.SZ", d(2025, 1, 4)), 0.10);
        let mut close = panel(vec![10.0, 8.5], 1);
        close.assets = vec!["300750.SZ".into()];
        close.dates = vec![d(2021, 3, 1), d(2021, 3, 2)];
        let (r, _) = total_returns(&close, None, None, 0.35);
        assert!(
            (r.values[1] + 0.15).abs() < 1e-12,
            "−15 % is inside ChiNext's ±20 % after the reform"
        );
        close.dates = vec![d(2019, 3, 1), d(2019, 3, 4)];
        let (r, _) = total_returns(&close, None, None, 0.35);
        assert!(
            r.values[1].is_nan(),
            "−15 % is beyond ChiNext's ±10 % before the reform"
        );
    }

    #[test]
    fn a_ten_for_ten_bonus_is_not_a_crash() {
        // day 2: ex-rights 10-for-10 (close halves), the exchange's preclose says 5.0
        let close = panel(vec![10.0, 10.5, 5.4, 5.5], 1);
        let pre = panel(vec![f64::NAN, 10.0, 5.25, 5.4], 1);
        let (r, rep) = total_returns(&close, Some(&pre), None, 0.35);
        assert!((r.values[2] - (5.4 / 5.25 - 1.0)).abs() < 1e-15);
        assert!(r.values[0].is_nan());
        assert_eq!(rep.from_preclose, 3);
        // without preclose: the −48.6 % day is blanked and said, the rest kept
        let (r, rep) = total_returns(&close, None, None, 0.35);
        assert!(r.values[2].is_nan());
        assert_eq!(rep.blanked.len(), 1);
        assert!((rep.blanked[0].2 - (5.4 / 10.5 - 1.0)).abs() < 1e-15);
        assert!((r.values[3] - (5.5 / 5.4 - 1.0)).abs() < 1e-15);
        assert_eq!(rep.from_close, 2);
    }

    #[test]
    fn adjustment_factors_undo_a_split() {
        // a 1-for-2 split on day 2: the factor doubles
        let close = panel(vec![10.0, 10.2, 5.1], 1);
        let adj = panel(vec![1.0, 1.0, 2.0], 1);
        let (r, rep) = total_returns_adj(&close, None, None, Some(&adj), 0.35);
        assert!(r.values[2].abs() < 1e-15, "{}", r.values[2]);
        assert_eq!((rep.from_adj_factor, rep.blanked.len()), (2, 0));
    }

    #[test]
    fn suspensions_span_and_total_return_closes_win_over_closes() {
        let close = panel(vec![10.0, f64::NAN, 11.0, 12.0], 1);
        let (r, _) = total_returns(&close, None, None, 0.35);
        assert!((r.values[2] - 0.1).abs() < 1e-15 && r.values[1].is_nan());
        let tr = panel(vec![100.0, f64::NAN, 115.0, 120.0], 1);
        let (r, rep) = total_returns(&close, None, Some(&tr), 0.35);
        assert!((r.values[2] - 0.15).abs() < 1e-15);
        assert_eq!(rep.from_tr_close, 2);
    }
}
