//! Calendar arithmetic on plain dates: month shifts, month ends, month keys.
//!
//! These are *calendar* (not trading-day) helpers; trading-day logic lives in
//! [`crate::calendar::TradingCalendar`]. Every function is total for dates in chrono's
//! range and never consults a holiday table.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// `(year, month)` shifted by `k` months (`k` may be negative).
pub fn add_months(y: i32, m: u32, k: i32) -> (i32, u32) {
    let z = y * 12 + (m as i32 - 1) + k;
    (z.div_euclid(12), (z.rem_euclid(12) + 1) as u32)
}

/// Last calendar day of month `(y, m)`.
pub fn last_day_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = add_months(y, m, 1);
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid month") - Duration::days(1)
}

/// Last Monday–Friday of month `(y, m)`.
pub fn last_weekday_of_month(y: i32, m: u32) -> NaiveDate {
    let mut d = last_day_of_month(y, m);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d -= Duration::days(1);
    }
    d
}

/// A month as one integer, `year · 12 + month0`: consecutive months differ by 1, so
/// "k months earlier" is `key − k`.
pub fn month_key(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The last calendar day of the month of a [`month_key`].
pub fn month_key_end(k: i32) -> NaiveDate {
    last_day_of_month(k.div_euclid(12), (k.rem_euclid(12) + 1) as u32)
}

/// ISO week key `(iso year, week)`.
pub fn week_key(d: NaiveDate) -> (i32, u32) {
    let w = d.iso_week();
    (w.year(), w.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn month_shifts_cross_years_both_ways() {
        assert_eq!(add_months(2024, 12, 1), (2025, 1));
        assert_eq!(add_months(2024, 1, -1), (2023, 12));
        assert_eq!(add_months(2024, 3, -27), (2021, 12));
        assert_eq!(add_months(2024, 3, 0), (2024, 3));
    }

    #[test]
    fn month_ends_and_keys() {
        assert_eq!(last_day_of_month(2024, 2), d("2024-02-29"));
        assert_eq!(last_day_of_month(2023, 2), d("2023-02-28"));
        assert_eq!(last_weekday_of_month(2025, 8), d("2025-08-29"));
        let k = month_key(d("2024-01-15"));
        assert_eq!(k - month_key(d("2023-12-01")), 1);
        assert_eq!(month_key_end(k), d("2024-01-31"));
        assert_eq!(month_key_end(k - 13), d("2022-12-31"));
        assert_eq!(week_key(d("2024-12-30")), (2025, 1));
    }
}
