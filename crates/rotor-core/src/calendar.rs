//! The trading calendar, derived from data: the trading days are the dates on which a
//! reference series (by default CSI 300, `000300.SH`) has a close. No holiday table is
//! hard-coded anywhere in rotor.
//!
//! `month_end(m)` = last trading day of calendar month m; `week_end(w)` = last trading
//! day of ISO week w (SPEC §0.1).

use chrono::{Datelike, NaiveDate};

/// Sorted, de-duplicated trading days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradingCalendar {
    days: Vec<NaiveDate>,
}

impl TradingCalendar {
    /// Build from any collection of dates (sorted and de-duplicated here).
    pub fn new(mut days: Vec<NaiveDate>) -> Self {
        days.sort_unstable();
        days.dedup();
        TradingCalendar { days }
    }

    /// All trading days.
    pub fn days(&self) -> &[NaiveDate] {
        &self.days
    }

    /// Number of trading days.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// Is `d` a trading day?
    pub fn is_trading_day(&self, d: NaiveDate) -> bool {
        self.days.binary_search(&d).is_ok()
    }

    /// Position of the last trading day `≤ d`.
    pub fn index_at_or_before(&self, d: NaiveDate) -> Option<usize> {
        match self.days.binary_search(&d) {
            Ok(i) => Some(i),
            Err(0) => None,
            Err(i) => Some(i - 1),
        }
    }

    /// Last trading day `≤ d`.
    pub fn at_or_before(&self, d: NaiveDate) -> Option<NaiveDate> {
        self.index_at_or_before(d).map(|i| self.days[i])
    }

    /// Trading day `n` days after `d`'s position (n may be negative).
    pub fn shift(&self, d: NaiveDate, n: i64) -> Option<NaiveDate> {
        let i = self.index_at_or_before(d)? as i64 + n;
        (0..self.days.len() as i64)
            .contains(&i)
            .then(|| self.days[i as usize])
    }

    /// Last trading day of each calendar month, in order.
    pub fn month_ends(&self) -> Vec<NaiveDate> {
        self.period_ends(|d| (d.year(), d.month()))
    }

    /// Last trading day of each ISO week, in order.
    pub fn week_ends(&self) -> Vec<NaiveDate> {
        self.period_ends(|d| {
            let w = d.iso_week();
            (w.year(), w.week())
        })
    }

    /// Last trading day of month `(y, m)`, if the calendar covers it.
    pub fn month_end_of(&self, y: i32, m: u32) -> Option<NaiveDate> {
        let next = crate::dates::add_months(y, m, 1);
        let first_next = NaiveDate::from_ymd_opt(next.0, next.1, 1)?;
        let i = self.days.partition_point(|&d| d < first_next);
        (i > 0 && (self.days[i - 1].year(), self.days[i - 1].month()) == (y, m))
            .then(|| self.days[i - 1])
    }

    fn period_ends<K: PartialEq>(&self, key: impl Fn(NaiveDate) -> K) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for (i, &d) in self.days.iter().enumerate() {
            if self.days.get(i + 1).is_none_or(|&n| key(n) != key(d)) {
                out.push(d);
            }
        }
        out
    }

    /// Trading days in `[from, to]` missing from `dates` (sorted input): gaps of a
    /// series against the calendar, for `data check`.
    pub fn missing_in(
        &self,
        dates: &[NaiveDate],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<NaiveDate> {
        let lo = self.days.partition_point(|&d| d < from);
        let hi = self.days.partition_point(|&d| d <= to);
        self.days[lo..hi]
            .iter()
            .copied()
            .filter(|d| dates.binary_search(d).is_err())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn month_and_week_ends() {
        let cal = TradingCalendar::new(vec![
            d("2024-01-29"),
            d("2024-01-31"),
            d("2024-01-30"),
            d("2024-02-01"),
            d("2024-02-02"),
            d("2024-02-05"),
            d("2024-02-08"),
        ]);
        assert_eq!(cal.month_ends(), vec![d("2024-01-31"), d("2024-02-08")]);
        assert_eq!(cal.week_ends(), vec![d("2024-02-02"), d("2024-02-08")]);
        assert_eq!(cal.month_end_of(2024, 2), Some(d("2024-02-08")));
        assert_eq!(cal.month_end_of(2024, 3), None);
        assert_eq!(cal.at_or_before(d("2024-02-04")), Some(d("2024-02-02")));
        assert_eq!(cal.shift(d("2024-02-04"), 1), Some(d("2024-02-05")));
        assert_eq!(
            cal.missing_in(
                &[d("2024-01-29"), d("2024-02-08")],
                d("2024-01-29"),
                d("2024-02-02")
            )
            .len(),
            4
        );
    }
}
