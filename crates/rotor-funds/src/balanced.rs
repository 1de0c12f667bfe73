//! The balanced-fund filter of SPEC §13: which funds count in the fund-alpha median on a
//! date.
//!
//! A fund is balanced on date `t` when its latest **full** holdings report public by `t`
//! (semi-annual or annual, dated by its publication) has
//!
//! * equity position `Σ w_i ≥ min_equity` (stock weights as fractions of net assets;
//!   default 60 %),
//! * largest industry share `max_j Σ_{i∈j} w_i / Σ w_i ≤ max_industry` (of the stock
//!   holdings; default 25 %; a stock without an industry is its own group, so missing
//!   classifications never merge into one large "industry"),
//!
//! and the fund is at least `min_age_days` old on `t` (default 365; unknown inception
//! passes). Before its first full report is public a fund is not balanced: nothing says
//! it is, and nothing later may be read.

use chrono::NaiveDate;
use std::collections::HashMap;

/// Thresholds of the filter (SPEC §13 defaults in [`Default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BalancedRule {
    /// Largest industry share of the stock holdings.
    pub max_industry: f64,
    /// Smallest equity position (stock weight of net assets).
    pub min_equity: f64,
    /// Smallest fund age in calendar days.
    pub min_age_days: i64,
}

impl Default for BalancedRule {
    fn default() -> Self {
        BalancedRule {
            max_industry: 0.25,
            min_equity: 0.60,
            min_age_days: 365,
        }
    }
}

/// What the filter reads of one full report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FullReport {
    /// First day the report is public.
    pub available: NaiveDate,
    /// `Σ w_i`, stock weight of net assets.
    pub equity: f64,
    /// Largest industry share of the stock holdings.
    pub max_industry: f64,
}

/// Summarise one report's holdings `(stock, weight)` with `industry_of` (see the module
/// docs).
pub fn summarise(
    available: NaiveDate,
    holdings: &[(String, f64)],
    industry_of: &dyn Fn(&str) -> Option<String>,
) -> FullReport {
    let mut by: HashMap<String, f64> = HashMap::new();
    let mut equity = 0.0;
    for (code, w) in holdings {
        if !(w.is_finite() && *w > 0.0) {
            continue;
        }
        equity += w;
        let group = industry_of(code).unwrap_or_else(|| format!("\u{0}{code}"));
        *by.entry(group).or_default() += w;
    }
    let top = by.values().cloned().fold(0.0, f64::max);
    FullReport {
        available,
        equity,
        max_industry: if equity > 0.0 { top / equity } else { f64::NAN },
    }
}

/// Is the fund balanced on each of `dates` (see the module docs)? `reports` in any order.
pub fn balanced_on(
    dates: &[NaiveDate],
    reports: &[FullReport],
    inception: Option<NaiveDate>,
    rule: &BalancedRule,
) -> Vec<bool> {
    let mut reps = reports.to_vec();
    reps.sort_by_key(|r| r.available);
    dates
        .iter()
        .map(|d| {
            let k = reps.partition_point(|r| r.available <= *d);
            let Some(r) = k.checked_sub(1).map(|k| &reps[k]) else {
                return false;
            };
            let old = inception.is_none_or(|i| (*d - i).num_days() >= rule.min_age_days);
            old && r.equity >= rule.min_equity && r.max_industry <= rule.max_industry
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn holdings(ws: &[(&str, f64)]) -> Vec<(String, f64)> {
        ws.iter().map(|(c, w)| (c.to_string(), *w)).collect()
    }

    #[test]
    fn industry_share_is_of_the_stock_holdings_and_unclassified_stocks_stay_apart() {
        let ind = |c: &str| match c {
            "A" | "B" => Some("bank".to_string()),
            "C" => Some("tech".to_string()),
            _ => None,
        };
        let r = summarise(
            d("2024-08-31"),
            &holdings(&[("A", 0.2), ("B", 0.2), ("C", 0.2), ("X", 0.1), ("Y", 0.1)]),
            &ind,
        );
        assert!((r.equity - 0.8).abs() < 1e-12);
        assert!((r.max_industry - 0.5).abs() < 1e-12, "{}", r.max_industry);
        // empty: no equity, no industry share
        let e = summarise(d("2024-08-31"), &[], &ind);
        assert_eq!(e.equity, 0.0);
        assert!(e.max_industry.is_nan());
    }

    #[test]
    fn a_fund_is_balanced_only_from_a_public_full_report_that_passes() {
        let rule = BalancedRule::default();
        let reports = [
            FullReport {
                available: d("2024-03-31"),
                equity: 0.9,
                max_industry: 0.2,
            },
            // a concentrated report from 2024-08-31 on
            FullReport {
                available: d("2024-08-31"),
                equity: 0.9,
                max_industry: 0.4,
            },
        ];
        let dates = [
            d("2024-02-29"),
            d("2024-03-31"),
            d("2024-08-30"),
            d("2024-08-31"),
        ];
        assert_eq!(
            balanced_on(&dates, &reports, Some(d("2020-01-01")), &rule),
            [false, true, true, false]
        );
        // too young on 2024-03-31 (inception 2023-06-01), old enough by 2024-08-30
        assert_eq!(
            balanced_on(&dates[..3], &reports, Some(d("2023-06-01")), &rule),
            [false, false, true]
        );
        // an equity position under 60 % fails
        let low = [FullReport {
            available: d("2024-03-31"),
            equity: 0.55,
            max_industry: 0.1,
        }];
        assert_eq!(balanced_on(&dates[1..2], &low, None, &rule), [false]);
        assert!(balanced_on(&[], &reports, None, &rule).is_empty());
        assert_eq!(balanced_on(&dates[..1], &[], None, &rule), [false]);
    }
}
