//! Point-in-time access (SPEC §0.2, §0.6).
//!
//! Every stored row carries `available_at`, the first date on which it was known.
//! [`as_of`] is the single path by which signal code reads data: it keeps rows with
//! `available_at ≤ t` and, for datasets that hold several vintages of one observation
//! (macro, fundamentals), only the latest vintage known at `t`.
//!
//! When a source gives no release date the importer sets `available_at` by a
//! [`LagRule`] and records the rule's name in `lag_rule`, so every fallback is visible.

use crate::schema::Dataset;
use crate::table::{date_to_days, Table};
use chrono::{Datelike, Duration, NaiveDate};
use rotor_core::dates::{add_months, last_day_of_month, last_weekday_of_month};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::str::FromStr;

/// How `available_at` is derived from a period when the source gives no release date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LagRule {
    /// The source gave the release date.
    Reported,
    /// Known at the close of the observation day (end-of-day market data, CGB yields).
    SameDay,
    /// Known the next calendar day (US yields at China's close; ETF AUM, SPEC §0.6).
    NextDay,
    /// Known on the last calendar day of the period's own month (NBS PMI is released
    /// that day at 09:30): when that day is a weekend or holiday, the first rebalance
    /// that sees it is in the next month, as SPEC §0.6 requires.
    MonthEnd,
    /// Known on the last weekday of the month after the period (PBoC money and credit,
    /// CPI/PPI, IP, FAI fallback "month_end(m+1)" of SPEC §0.6).
    ///
    /// The last *weekday* stands in for the last *trading* day so that the rule needs no
    /// calendar at import. It is never earlier than the true trading month-end is late:
    /// when a holiday closes the market before the last weekday (e.g. late January),
    /// the observation becomes visible one rebalance later — conservative, never
    /// look-ahead. [`resolve_with_calendar`] tightens it to the trading month-end.
    NextMonthEnd,
    /// Statutory filing deadline fallback for quarterly statements (SPEC §0.6):
    /// Q1 → end-May, H1 → end-Sep, Q3 → end-Nov, annual → end-May of next year.
    StatutoryDeadline,
    /// A fund's quarterly report (its top-ten holdings): due within 15 working days of
    /// the quarter end, taken as the last day of the next month (never early).
    FundQuarterly,
    /// A fund's semi-annual report (due within two months of 30 June → 31 August) or
    /// annual report (within three months of 31 December → 31 March), with the full
    /// holdings. Any other period end is read as a quarterly report's.
    FundPeriodic,
}

impl LagRule {
    /// Stored label.
    pub fn as_str(self) -> &'static str {
        match self {
            LagRule::Reported => "reported",
            LagRule::SameDay => "same_day",
            LagRule::NextDay => "next_day",
            LagRule::MonthEnd => "month_end",
            LagRule::NextMonthEnd => "next_month_end",
            LagRule::StatutoryDeadline => "statutory_deadline",
            LagRule::FundQuarterly => "fund_quarterly",
            LagRule::FundPeriodic => "fund_periodic",
        }
    }

    /// `available_at` for an observation whose period ends on `period_end`.
    pub fn available_at(self, period_end: NaiveDate) -> NaiveDate {
        match self {
            LagRule::Reported | LagRule::SameDay => period_end,
            LagRule::NextDay => period_end + Duration::days(1),
            LagRule::MonthEnd => last_day_of_month(period_end.year(), period_end.month()),
            LagRule::NextMonthEnd => {
                let (y, m) = add_months(period_end.year(), period_end.month(), 1);
                last_weekday_of_month(y, m)
            }
            LagRule::StatutoryDeadline => {
                let (y, m) = match period_end.month() {
                    3 => (period_end.year(), 5),
                    6 => (period_end.year(), 9),
                    9 => (period_end.year(), 11),
                    _ => (period_end.year() + 1, 5),
                };
                last_day_of_month(y, m)
            }
            LagRule::FundQuarterly => {
                let (y, m) = add_months(period_end.year(), period_end.month(), 1);
                last_day_of_month(y, m)
            }
            LagRule::FundPeriodic => {
                let months = match period_end.month() {
                    6 => 2,
                    12 => 3,
                    _ => 1,
                };
                let (y, m) = add_months(period_end.year(), period_end.month(), months);
                last_day_of_month(y, m)
            }
        }
    }
}

impl FromStr for LagRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "reported" => LagRule::Reported,
            "same_day" => LagRule::SameDay,
            "next_day" => LagRule::NextDay,
            "month_end" => LagRule::MonthEnd,
            "next_month_end" => LagRule::NextMonthEnd,
            "statutory_deadline" => LagRule::StatutoryDeadline,
            "fund_quarterly" => LagRule::FundQuarterly,
            "fund_periodic" => LagRule::FundPeriodic,
            _ => {
                return Err(format!(
                    "unknown lag rule `{s}` (expected reported, same_day, next_day, month_end, next_month_end, statutory_deadline, fund_quarterly or fund_periodic)"
                ))
            }
        })
    }
}

/// Rows of `table` known at the close of `t`: `available_at ≤ t`; when the dataset
/// keeps vintages (`available_at` is part of its key) only the latest vintage per
/// observation survives.
pub fn as_of(table: &Table, t: NaiveDate) -> Table {
    let td = date_to_days(t);
    let avail = table.date_col("available_at");
    let visible = table.filter(|i| avail[i].is_some_and(|a| a <= td));
    let ds = visible.dataset;
    let ai = ds.column_index("available_at").expect("available_at");
    if !ds.columns()[ai].key {
        return visible;
    }
    // keys without available_at; keep the max available_at per such key
    let keys: Vec<usize> = ds.key_indices().into_iter().filter(|&k| k != ai).collect();
    let order = visible.sorted_order(); // sorted by full key: available_at ascends within a group
    let same = |a: usize, b: usize| {
        keys.iter().all(|&k| {
            let c = &visible.columns[k];
            match c {
                crate::table::Column::Date(v) => v[a] == v[b],
                crate::table::Column::Str(v) => v[a] == v[b],
                crate::table::Column::F64(v) => v[a].total_cmp(&v[b]) == Ordering::Equal,
            }
        })
    };
    let mut keep = Vec::new();
    for (pos, &i) in order.iter().enumerate() {
        let next = order.get(pos + 1);
        if next.is_none_or(|&j| !same(i, j)) {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    visible.take(&keep)
}

/// Re-derive `available_at` of rows whose `lag_rule` is `next_month_end` from a trading
/// calendar: the last trading day of the month after the period, exactly SPEC §0.6's
/// `month_end(m+1)`. (`month_end` rows keep the calendar release day.)
pub fn resolve_with_calendar(table: &Table, cal: &rotor_core::calendar::TradingCalendar) -> Table {
    if table.dataset != Dataset::Macro {
        return table.clone();
    }
    let mut out = table.clone();
    let rules = table.str_col("lag_rule").to_vec();
    let periods = table.date_col("period").to_vec();
    let ai = Dataset::Macro.column_index("available_at").expect("col");
    if let crate::table::Column::Date(av) = &mut out.columns[ai] {
        for i in 0..av.len() {
            let (Some(rule), Some(p)) = (rules[i].as_deref(), periods[i]) else {
                continue;
            };
            let p = crate::table::days_to_date(p);
            let target = match rule {
                "next_month_end" => Some(add_months(p.year(), p.month(), 1)),
                _ => None,
            };
            if let Some((y, m)) = target {
                if let Some(d) = cal.month_end_of(y, m) {
                    av[i] = Some(date_to_days(d));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn lag_rules_follow_spec_0_6() {
        // M2 of Jan 2025 -> last weekday of Feb 2025 (Fri 28th)
        assert_eq!(
            LagRule::NextMonthEnd.available_at(d("2025-01-31")),
            d("2025-02-28")
        );
        // Aug 2025 ends on a Sunday: the PMI released on the 31st must not be seen at the
        // Friday 29th month-end close.
        assert_eq!(
            LagRule::MonthEnd.available_at(d("2025-08-31")),
            d("2025-08-31")
        );
        assert_eq!(
            LagRule::NextDay.available_at(d("2025-08-29")),
            d("2025-08-30")
        );
        assert_eq!(
            LagRule::StatutoryDeadline.available_at(d("2024-12-31")),
            d("2025-05-31")
        );
        assert_eq!(
            LagRule::StatutoryDeadline.available_at(d("2024-06-30")),
            d("2024-09-30")
        );
    }

    #[test]
    fn as_of_returns_latest_vintage_known_at_t() {
        let mut t = Table::new(Dataset::Macro);
        let row = |avail: &str, v: f64| {
            vec![
                Value::Str(Some("m2".into())),
                Value::Date(Some(d("2020-01-31"))),
                Value::Date(Some(d(avail))),
                Value::Str(Some("s".into())),
                Value::F64(v),
                Value::Str(Some("reported".into())),
            ]
        };
        t.push_row(row("2020-02-12", 8.4));
        t.push_row(row("2020-03-12", 8.5)); // revision
        assert!(as_of(&t, d("2020-02-11")).is_empty());
        assert_eq!(as_of(&t, d("2020-02-12")).f64_col("value"), &[8.4]);
        assert_eq!(as_of(&t, d("2020-03-31")).f64_col("value"), &[8.5]);
    }
}
