//! A-share trading rules for stock-level portfolios: which orders the exchange lets
//! through on a day, and what a target becomes when some cannot be filled.
//!
//! **Price limits** ([`limit_pct`]) — the daily move allowed around the previous close:
//!
//! | board | limit | from |
//! |---|---|---|
//! | Shanghai / Shenzhen main board (60xxxx, 000xxx–003xxx) | ±10 % | — |
//! | ST and *ST on the main board | ±5 % | — |
//! | ChiNext (300xxx, 301xxx .SZ) | ±20 % (ST included) | 2020-08-24 (±10 % before) |
//! | STAR (688xxx, 689xxx .SH) | ±20 % | its opening, 2019-07-22 |
//! | Beijing Stock Exchange (.BJ) | ±30 % | — |
//!
//! New listings trade without the usual limit for their first days (first day on the
//! main board; first five days on STAR / ChiNext after their reforms):
//! [`DayState::first_days`] marks them and no limit applies.
//!
//! **Flags** ([`flags`]): a day is *limit-up* when the close is at the limit
//! (`close ≥ round2(preclose · (1 + limit)) − 0.005`, prices ticking in 0.01 CNY) and
//! *limit-down* likewise; a suspended day has no trade. The usual convention for close
//! executions: a limit-up close cannot be bought, a limit-down close cannot be sold.
//!
//! **Execution** ([`executable`]): a suspended stock keeps its current weight (frozen);
//! a limit-up stock can only be reduced (`min(target, current)`); a limit-down stock can
//! only be increased (`max(target, current)`); what the blocked names hold beyond or
//! short of their targets is taken from or given to the free names in proportion to
//! their targets, never making a free weight negative; the rest is cash.
//!
//! **Lots** ([`round_lot`]): buys in 100-share lots (STAR: at least 200 shares, then
//! single shares); sells of an odd remainder are allowed.

use chrono::NaiveDate;

/// What the exchange did with one stock on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayState {
    /// Close (NaN when suspended).
    pub close: f64,
    /// Previous close as the exchange adjusts it.
    pub preclose: f64,
    /// ST / *ST on that day.
    pub st: bool,
    /// Within the first days after listing (no limit).
    pub first_days: bool,
}

/// The daily price limit of `code` on `date` (see the module docs); `None` = no limit.
pub fn limit_pct(code: &str, date: NaiveDate, st: bool) -> Option<f64> {
    let (digits, exch) = code.split_once('.').unwrap_or((code, ""));
    let reform = NaiveDate::from_ymd_opt(2020, 8, 24).expect("date");
    match exch {
        "BJ" => Some(0.30),
        "SH" if digits.starts_with("688") || digits.starts_with("689") => Some(0.20),
        "SZ" if digits.starts_with("300") || digits.starts_with("301") => Some(if date >= reform {
            0.20
        } else if st {
            0.05
        } else {
            0.10
        }),
        "SH" | "SZ" => Some(if st { 0.05 } else { 0.10 }),
        _ => None,
    }
}

/// Trading flags of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// No trade (no close).
    pub suspended: bool,
    /// Closed at the upper limit: not buyable at the close.
    pub limit_up: bool,
    /// Closed at the lower limit: not sellable at the close.
    pub limit_down: bool,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The flags of `code` on `date`.
pub fn flags(code: &str, date: NaiveDate, s: DayState) -> Flags {
    if !(s.close.is_finite() && s.close > 0.0) {
        return Flags {
            suspended: true,
            ..Flags::default()
        };
    }
    let lim = if s.first_days {
        None
    } else {
        limit_pct(code, date, s.st)
    };
    match lim {
        Some(l) if s.preclose.is_finite() && s.preclose > 0.0 => Flags {
            suspended: false,
            limit_up: s.close >= round2(s.preclose * (1.0 + l)) - 0.005,
            limit_down: s.close <= round2(s.preclose * (1.0 - l)) + 0.005,
        },
        _ => Flags::default(),
    }
}

/// The weights that can be held after trading from `current` toward `target` on a day
/// with these `flags` (all slices per asset; see the module docs).
pub fn executable(current: &[f64], target: &[f64], flags: &[Flags]) -> Vec<f64> {
    let n = current.len();
    let mut out = vec![0.0; n];
    let mut free = Vec::new();
    let mut blocked_total = 0.0;
    for i in 0..n {
        let f = flags[i];
        // frozen: suspended; a buy on a limit-up close; a sale on a limit-down close
        let blocked = f.suspended
            || (f.limit_up && target[i] > current[i])
            || (f.limit_down && target[i] < current[i]);
        let w = blocked.then_some(current[i]);
        match w {
            Some(w) => {
                out[i] = w;
                blocked_total += w;
            }
            None => free.push(i),
        }
    }
    let free_target: f64 = free.iter().map(|&i| target[i]).sum();
    let target_total: f64 = target.iter().sum();
    let room = (target_total - blocked_total).max(0.0);
    let scale = if free_target > 0.0 {
        (room / free_target).min(1.0)
    } else {
        0.0
    };
    for &i in &free {
        out[i] = target[i] * scale;
    }
    out
}

/// Shares that can be bought for `want` shares of `code` (100-share lots; STAR: at
/// least 200, then single shares). Sells are not rounded.
pub fn round_lot(code: &str, want: f64) -> f64 {
    if want <= 0.0 {
        return 0.0;
    }
    if code.starts_with("688") || code.starts_with("689") {
        return if want >= 200.0 { want.floor() } else { 0.0 };
    }
    (want / 100.0).floor() * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn day(close: f64, preclose: f64) -> DayState {
        DayState {
            close,
            preclose,
            st: false,
            first_days: false,
        }
    }

    #[test]
    fn limits_by_board_and_date() {
        assert_eq!(limit_pct("600519.SH", d("2024-01-02"), false), Some(0.10));
        assert_eq!(limit_pct("600519.SH", d("2024-01-02"), true), Some(0.05));
        assert_eq!(limit_pct("300750.SZ", d("2020-08-21"), false), Some(0.10));
        assert_eq!(limit_pct("300750.SZ", d("2020-08-24"), false), Some(0.20));
        assert_eq!(limit_pct("300750.SZ", d("2024-01-02"), true), Some(0.20));
        assert_eq!(limit_pct("688981.SH", d("2024-01-02"), false), Some(0.20));
        assert_eq!(limit_pct("830799.BJ", d("2024-01-02"), false), Some(0.30));
        assert_eq!(limit_pct("000300", d("2024-01-02"), false), None);
    }

    #[test]
    fn limit_days_are_flagged_at_the_tick() {
        // 10.00 → 11.00 is the +10 % limit; 10.99 is not
        assert!(flags("600000.SH", d("2024-01-02"), day(11.0, 10.0)).limit_up);
        assert!(!flags("600000.SH", d("2024-01-02"), day(10.99, 10.0)).limit_up);
        // 9.87 × 1.1 = 10.857 → limit 10.86
        assert!(flags("600000.SH", d("2024-01-02"), day(10.86, 9.87)).limit_up);
        assert!(flags("600000.SH", d("2024-01-02"), day(9.0, 10.0)).limit_down);
        // +20 % on ChiNext after the reform is the limit, +10 % is not
        assert!(!flags("300750.SZ", d("2024-01-02"), day(11.0, 10.0)).limit_up);
        assert!(flags("300750.SZ", d("2024-01-02"), day(12.0, 10.0)).limit_up);
        // first days: no limit
        let mut s = day(14.4, 10.0);
        s.first_days = true;
        assert_eq!(flags("600000.SH", d("2024-01-02"), s), Flags::default());
        assert!(flags("600000.SH", d("2024-01-02"), day(f64::NAN, 10.0)).suspended);
    }

    #[test]
    fn a_limit_up_day_blocks_a_buy_and_a_suspension_freezes_a_position() {
        let up = Flags {
            limit_up: true,
            ..Flags::default()
        };
        let down = Flags {
            limit_down: true,
            ..Flags::default()
        };
        let sus = Flags {
            suspended: true,
            ..Flags::default()
        };
        let free = Flags::default();
        // buy A (limit-up) and B from cash: A cannot be bought, B gets its target
        let w = executable(&[0.0, 0.0], &[0.5, 0.5], &[up, free]);
        assert_eq!(w, vec![0.0, 0.5]);
        // selling a limit-up name is fine
        assert_eq!(
            executable(&[0.5, 0.5], &[0.0, 1.0], &[up, free]),
            vec![0.0, 1.0]
        );
        // a suspended holding stays; the free names share what is left
        let w = executable(&[0.4, 0.6], &[0.0, 1.0], &[sus, free]);
        assert_eq!(w, vec![0.4, 0.6]);
        // a limit-down holding cannot be sold; buys shrink to fit
        let w = executable(&[0.5, 0.0, 0.5], &[0.0, 0.5, 0.5], &[down, free, free]);
        assert!(
            (w[0] - 0.5).abs() < 1e-15
                && (w[1] - 0.25).abs() < 1e-15
                && (w[2] - 0.25).abs() < 1e-15,
            "{w:?}"
        );
        assert!(w.iter().sum::<f64>() <= 1.0 + 1e-15);
        // nothing blocked: the target
        assert_eq!(
            executable(&[0.2, 0.8], &[0.7, 0.3], &[free, free]),
            vec![0.7, 0.3]
        );
        assert!(executable(&[], &[], &[]).is_empty());
    }

    #[test]
    fn lots() {
        assert_eq!(round_lot("600000.SH", 1234.0), 1200.0);
        assert_eq!(round_lot("600000.SH", 99.0), 0.0);
        assert_eq!(round_lot("688981.SH", 199.0), 0.0);
        assert_eq!(round_lot("688981.SH", 201.7), 201.0);
        assert_eq!(round_lot("600000.SH", -5.0), 0.0);
    }
}
