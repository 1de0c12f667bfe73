//! Analyst-expectation improvement (分析师预期景气改善, SPEC §2.3).
//!
//! From index-level consensus snapshots (FY1 = the snapshot's calendar year, FY2 =
//! the next), each metric is blended to forward-12-month
//! `FTTM = w·FY1 + (1 − w)·FY2`, `w = (12 − month(as_of)) / 12`. For window
//! h ∈ {1M, 3M}:
//!
//! * `ana.np_h`, `ana.rev_h`, `ana.eps_h`: `(F_t − F_{t−h}) / |F_{t−h}|`;
//! * `ana.roe_h`: `ROE_t − ROE_{t−h}` (percentage points).
//!
//! `F_t` is the latest snapshot with `as_of ≤ t` and `F_{t−h}` the latest with
//! `as_of ≤ back(t, h)` (t − h months, month-end to month-end) — the consensus **as it was known then** (its own vintage),
//! never today's view of the past. A snapshot older than `max_age_days` at its
//! reference date is stale → NaN. (At stock level SPEC §2.3 winsorises 1 %/99 % and
//! cap-weights into the index; with index-level snapshots that step is upstream.)

use crate::valuation::fttm;
use chrono::{Datelike, Months, NaiveDate};

/// One consensus snapshot row (defined with the point-in-time view).
pub use rotor_data::view::ConsensusObs;

/// FTTM values `[np, roe, rev, eps]` of the latest snapshot with `as_of ≤ d` (rows
/// sorted by as_of), or None when there is none, it is older than `max_age` days, or
/// FY1/FY2 are missing.
pub fn fttm_at(rows: &[ConsensusObs], d: NaiveDate, max_age: i64) -> Option<[f64; 4]> {
    let end = rows.partition_point(|r| r.as_of <= d);
    let last = rows[..end].last()?;
    if (d - last.as_of).num_days() > max_age {
        return None;
    }
    let snap = last.as_of;
    let y = snap.year();
    let pick = |fy: i32| {
        rows[..end]
            .iter()
            .rev()
            .take_while(|r| r.as_of == snap)
            .find(|r| r.fiscal_year == fy)
    };
    let (a, b) = (pick(y)?, pick(y + 1)?);
    let m = snap.month();
    Some([
        fttm(a.np, b.np, m),
        fttm(a.roe, b.roe, m),
        fttm(a.revenue, b.revenue, m),
        fttm(a.eps, b.eps, m),
    ])
}

/// The reference date `h` months before `t`: the calendar month-end of month m − h
/// when `t` lies in the last 7 days of its month (a month-end signal, so that the
/// snapshot of that month-end counts), otherwise `t − h` months.
pub fn back(t: NaiveDate, h: u32) -> Option<NaiveDate> {
    let first_next = t.with_day(1)?.checked_add_months(Months::new(1))?;
    if (first_next - t).num_days() <= 7 {
        first_next.checked_sub_months(Months::new(h))?.pred_opt()
    } else {
        t.checked_sub_months(Months::new(h))
    }
}

/// The four changes `[np, roe, rev, eps]` over `h` months at `t`.
pub fn changes(rows: &[ConsensusObs], t: NaiveDate, h: u32, max_age: i64) -> [f64; 4] {
    let Some(now) = fttm_at(rows, t, max_age) else {
        return [f64::NAN; 4];
    };
    let Some(then) = back(t, h).and_then(|d| fttm_at(rows, d, max_age)) else {
        return [f64::NAN; 4];
    };
    let rel = |a: f64, b: f64| {
        if b != 0.0 && a.is_finite() && b.is_finite() {
            (a - b) / b.abs()
        } else {
            f64::NAN
        }
    };
    [
        rel(now[0], then[0]),
        now[1] - then[1],
        rel(now[2], then[2]),
        rel(now[3], then[3]),
    ]
}
