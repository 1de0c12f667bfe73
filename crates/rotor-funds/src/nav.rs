//! Fund daily returns from a NAV history.
//!
//! Unit-NAV ratios break on distributions and splits (the NAV drops by the payout), so
//! the return of day t is the vendor's **daily growth** (日增长率, in percent) when given:
//! `r_t = g_t / 100`; else `NAV_t / NAV_prev − 1` on the accumulated NAV when given, else on
//! the unit NAV. A day where the unit-NAV ratio and the daily growth disagree by more than
//! `0.005` is counted as a distribution / split day ([`NavReturns::distribution_days`]) —
//! what a NAV-ratio return would have got wrong.

use chrono::NaiveDate;

/// One NAV row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NavRow {
    /// Date.
    pub date: NaiveDate,
    /// Unit NAV.
    pub unit_nav: f64,
    /// Accumulated NAV (NaN when not given).
    pub acc_nav: f64,
    /// Daily growth in percent (NaN when not given).
    pub growth_pct: f64,
}

/// Daily returns and what was found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NavReturns {
    /// Dates (the first row's return is NaN).
    pub dates: Vec<NaiveDate>,
    /// Returns.
    pub returns: Vec<f64>,
    /// Days where the unit-NAV ratio and the daily growth disagree (date, ratio − 1, growth).
    pub distribution_days: Vec<(NaiveDate, f64, f64)>,
}

/// The daily returns of sorted NAV rows (see the module docs).
pub fn nav_returns(rows: &[NavRow]) -> NavReturns {
    let mut out = NavReturns::default();
    for (i, r) in rows.iter().enumerate() {
        out.dates.push(r.date);
        let prev = i.checked_sub(1).map(|p| rows[p]);
        let ratio = |a: f64, b: f64| {
            if a > 0.0 && b > 0.0 {
                b / a - 1.0
            } else {
                f64::NAN
            }
        };
        let unit = prev.map_or(f64::NAN, |p| ratio(p.unit_nav, r.unit_nav));
        let g = r.growth_pct / 100.0;
        let ret = if g.is_finite() && prev.is_some() {
            g
        } else {
            match prev {
                Some(p) if p.acc_nav.is_finite() && r.acc_nav.is_finite() => {
                    ratio(p.acc_nav, r.acc_nav)
                }
                _ => unit,
            }
        };
        if g.is_finite() && unit.is_finite() && (unit - g).abs() > 0.005 {
            out.distribution_days.push((r.date, unit, g));
        }
        out.returns.push(ret);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(i: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1 + i).unwrap()
    }

    #[test]
    fn a_distribution_does_not_look_like_a_loss() {
        let rows = [
            NavRow {
                date: d(0),
                unit_nav: 1.5,
                acc_nav: f64::NAN,
                growth_pct: 0.0,
            },
            NavRow {
                date: d(1),
                unit_nav: 1.515,
                acc_nav: f64::NAN,
                growth_pct: 1.0,
            },
            // 0.5 paid out: the unit NAV drops 33 %, the fund earned 0.2 %
            NavRow {
                date: d(2),
                unit_nav: 1.018,
                acc_nav: f64::NAN,
                growth_pct: 0.2,
            },
        ];
        let r = nav_returns(&rows);
        assert!(r.returns[0].is_nan());
        assert!((r.returns[1] - 0.01).abs() < 1e-15 && (r.returns[2] - 0.002).abs() < 1e-15);
        assert_eq!(r.distribution_days.len(), 1);
        assert_eq!(r.distribution_days[0].0, d(2));
    }

    #[test]
    fn without_growth_the_accumulated_nav_then_the_unit_nav() {
        let rows = [
            NavRow {
                date: d(0),
                unit_nav: 1.0,
                acc_nav: 2.0,
                growth_pct: f64::NAN,
            },
            NavRow {
                date: d(1),
                unit_nav: 0.9,
                acc_nav: 2.2,
                growth_pct: f64::NAN,
            },
            NavRow {
                date: d(2),
                unit_nav: 0.99,
                acc_nav: f64::NAN,
                growth_pct: f64::NAN,
            },
        ];
        let r = nav_returns(&rows);
        assert!((r.returns[1] - 0.1).abs() < 1e-15);
        assert!((r.returns[2] - 0.1).abs() < 1e-12);
        assert!(nav_returns(&[]).returns.is_empty());
    }
}
