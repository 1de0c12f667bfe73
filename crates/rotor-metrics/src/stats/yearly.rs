//! The yearly table of SPEC §5.2 (年度表现) and the monthly return matrix.
//!
//! * `R(Y) = Π_{periods in Y}(1 + r) − 1` — a partial first or last year covers only
//!   its available periods (the seed's last row is "2025 YTD through September");
//! * excess columns are **differences** `R_first(Y) − R_other(Y)` (SPEC §5.3 proves the
//!   seeds use differences, not ratios);
//! * the last row (年化) holds the CAGR of each series over the whole sample with
//!   `A` periods per year, and excess = difference of CAGRs;
//! * **partial years are labelled** with what they cover ([`Coverage`]): `2013 (2–12月)`
//!   (`2013 (Feb–Dec)`) when the run starts at the end of January 2013, `2020 (6月16日–12月)`
//!   when it starts mid-month, `2025 (1–9月)` when it ends in September. A year is whole
//!   when the NAV base lies in an earlier year and the run reaches the year's last
//!   trading month whole.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of the yearly table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRow {
    /// `"2013"`, `"2013 (2–12月)"` for a partial year, … or `"年化"` for the annualised row.
    pub label: String,
    /// The same in English: `"2013"`, `"2013 (Feb–Dec)"`, … or `"annualised"`.
    pub label_en: String,
    /// Does the row cover less than its calendar year?
    pub partial: bool,
    /// Periods in the row (12 for a full monthly year).
    pub periods: usize,
    /// Return of each series.
    pub returns: Vec<f64>,
    /// `returns[0] − returns[k]` for k = 1.. (same order as the other series).
    pub excess: Vec<f64>,
}

/// What a run's returns cover: the first and last day with a return, and whether the
/// first and last months are covered whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// First day with a return (the day after the NAV base).
    pub first: NaiveDate,
    /// Does coverage start at the month's beginning (the NAV base is in an earlier month)?
    pub first_month_whole: bool,
    /// Last day with a return.
    pub last: NaiveDate,
    /// Does coverage reach the last trading day of `last`'s month?
    pub last_month_whole: bool,
}

impl Coverage {
    /// Coverage of daily returns on `days` where `days[0]` is the NAV base (its return is
    /// not counted); `last_month_whole` comes from the trading calendar, which alone knows
    /// whether trading days follow in the last month.
    pub fn of_days(days: &[NaiveDate], last_month_whole: bool) -> Option<Coverage> {
        let (base, first, last) = (*days.first()?, *days.get(1)?, *days.last()?);
        Some(Coverage {
            first,
            first_month_whole: (base.year(), base.month()) != (first.year(), first.month()),
            last,
            last_month_whole,
        })
    }

    /// The Chinese and English labels of year `y` and whether it is partial.
    pub fn label(&self, y: i32) -> (String, String, bool) {
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let starts_here = self.first.year() == y;
        let ends_here = self.last.year() == y;
        let (m1, d1) = if starts_here {
            (
                self.first.month(),
                (!self.first_month_whole).then_some(self.first.day()),
            )
        } else {
            (1, None)
        };
        let (m2, d2) = if ends_here {
            (
                self.last.month(),
                (!self.last_month_whole).then_some(self.last.day()),
            )
        } else {
            (12, None)
        };
        if m1 == 1 && m2 == 12 && d1.is_none() && d2.is_none() {
            return (y.to_string(), y.to_string(), false);
        }
        let zh = match (d1, d2) {
            (None, None) if m1 == m2 => format!("{y} ({m1}月)"),
            (None, None) => format!("{y} ({m1}–{m2}月)"),
            (Some(a), None) => format!("{y} ({m1}月{a}日–{m2}月)"),
            (None, Some(b)) => format!("{y} ({m1}月–{m2}月{b}日)"),
            (Some(a), Some(b)) => format!("{y} ({m1}月{a}日–{m2}月{b}日)"),
        };
        let part = |m: u32, d: Option<u32>| match d {
            Some(d) => format!("{} {d}", EN[(m - 1) as usize]),
            None => EN[(m - 1) as usize].to_string(),
        };
        let en = if m1 == m2 && d1.is_none() && d2.is_none() {
            format!("{y} ({})", part(m1, None))
        } else {
            format!("{y} ({}–{})", part(m1, d1), part(m2, d2))
        };
        (zh, en, true)
    }
}

/// Yearly table of aligned period returns: `dates[i]` is the end of period `i`,
/// `series[k][i]` its return for series `k` (the first series is the strategy). Year
/// labels are plain years; see [`yearly_table_covered`] for labelled partial years.
pub fn yearly_table(dates: &[NaiveDate], series: &[&[f64]], a: f64) -> Vec<YearRow> {
    yearly_table_covered(dates, series, a, None)
}

/// [`yearly_table`] with partial years labelled by their coverage.
pub fn yearly_table_covered(
    dates: &[NaiveDate],
    series: &[&[f64]],
    a: f64,
    coverage: Option<&Coverage>,
) -> Vec<YearRow> {
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, d) in dates.iter().enumerate() {
        years.entry(d.year()).or_default().push(i);
    }
    let row =
        |(label, label_en, partial): (String, String, bool), idx: &[usize], annualise: bool| {
            let returns: Vec<f64> = series
                .iter()
                .map(|s| {
                    let v: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
                    if annualise {
                        super::cagr::cagr(&v, a)
                    } else {
                        super::cagr::total_return(&v)
                    }
                })
                .collect();
            let excess = returns[1..].iter().map(|r| returns[0] - r).collect();
            YearRow {
                label,
                label_en,
                partial,
                periods: idx.len(),
                returns,
                excess,
            }
        };
    let label = |y: i32| match coverage {
        Some(c) => c.label(y),
        None => (y.to_string(), y.to_string(), false),
    };
    let mut out: Vec<YearRow> = years
        .iter()
        .map(|(y, idx)| row(label(*y), idx, false))
        .collect();
    if !series.is_empty() && !dates.is_empty() {
        let all: Vec<usize> = (0..dates.len()).collect();
        out.push(row(("年化".into(), "annualised".into(), false), &all, true));
    }
    out
}

/// Month-end sampled returns of a daily series whose first day is the NAV base:
/// `(last day of each calendar month, Π(1 + r_d) − 1 over its days)`, from `r[1]` on
/// (`r[0]` is not a return). Missing days count as 0.
pub fn monthly_returns(days: &[NaiveDate], r: &[f64]) -> (Vec<NaiveDate>, Vec<f64>) {
    let mut dates = Vec::new();
    let mut out = Vec::new();
    let mut acc = 1.0;
    for (i, d) in days.iter().enumerate().skip(1) {
        if let Some(x) = r.get(i).filter(|x| x.is_finite()) {
            acc *= 1.0 + x;
        }
        let last_of_month = days
            .get(i + 1)
            .is_none_or(|n| (n.year(), n.month()) != (d.year(), d.month()));
        if last_of_month {
            dates.push(*d);
            out.push(acc - 1.0);
            acc = 1.0;
        }
    }
    (dates, out)
}

/// Monthly return matrix: year → 12 slots (NaN where a month is absent), compounding
/// the periods of each calendar month (so daily returns can be passed too).
pub fn monthly_matrix(dates: &[NaiveDate], r: &[f64]) -> BTreeMap<i32, [f64; 12]> {
    let mut acc: BTreeMap<(i32, u32), f64> = BTreeMap::new();
    for (d, x) in dates.iter().zip(r) {
        if x.is_finite() {
            let e = acc.entry((d.year(), d.month())).or_insert(1.0);
            *e *= 1.0 + x;
        }
    }
    let mut out: BTreeMap<i32, [f64; 12]> = BTreeMap::new();
    for ((y, m), v) in acc {
        out.entry(y).or_insert([f64::NAN; 12])[(m - 1) as usize] = v - 1.0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn partial_years_say_what_they_cover() {
        // NAV base at the end of January 2013, run to mid-September 2025
        let c = Coverage {
            first: d("2013-02-01"),
            first_month_whole: true,
            last: d("2025-09-15"),
            last_month_whole: false,
        };
        assert_eq!(
            c.label(2013),
            ("2013 (2–12月)".into(), "2013 (Feb–Dec)".into(), true)
        );
        assert_eq!(c.label(2014), ("2014".into(), "2014".into(), false));
        assert_eq!(c.label(2025).0, "2025 (1月–9月15日)");
        assert_eq!(c.label(2025).1, "2025 (Jan–Sep 15)");
        // a base mid-month; a whole last month
        let c = Coverage {
            first: d("2020-06-16"),
            first_month_whole: false,
            last: d("2020-06-30"),
            last_month_whole: true,
        };
        assert_eq!(c.label(2020).0, "2020 (6月16日–6月)");
        let c = Coverage {
            first: d("2013-01-04"),
            first_month_whole: true,
            last: d("2025-09-30"),
            last_month_whole: true,
        };
        assert!(!c.label(2013).2);
        assert_eq!(
            c.label(2025),
            ("2025 (1–9月)".into(), "2025 (Jan–Sep)".into(), true)
        );
    }

    #[test]
    fn coverage_of_days_reads_the_base_and_the_first_return_day() {
        let days = [d("2012-12-31"), d("2013-01-04"), d("2013-01-07")];
        let c = Coverage::of_days(&days, true).unwrap();
        assert!(c.first_month_whole);
        assert_eq!(c.label(2013).0, "2013 (1月)");
        let days = [d("2013-01-15"), d("2013-01-16")];
        assert!(!Coverage::of_days(&days, true).unwrap().first_month_whole);
        assert!(Coverage::of_days(&days[..1], true).is_none());
    }

    #[test]
    fn monthly_returns_compound_days_after_the_base() {
        let days = [
            d("2024-01-31"),
            d("2024-02-01"),
            d("2024-02-29"),
            d("2024-03-01"),
        ];
        let (m, r) = monthly_returns(&days, &[0.5, 0.1, 0.1, f64::NAN]);
        assert_eq!(m, vec![d("2024-02-29"), d("2024-03-01")]);
        assert!((r[0] - 0.21).abs() < 1e-12);
        assert_eq!(r[1], 0.0);
        assert!(monthly_returns(&days[..1], &[0.0]).0.is_empty());
    }
}
