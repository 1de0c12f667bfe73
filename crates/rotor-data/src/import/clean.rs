//! Post-parse defect handling on a converted table, each reported as a [`Warning`]:
//! * the table is sorted by key (descending files are reported by the converter);
//! * percentiles given in percent (max > 1) are divided by 100;
//! * a row dated on a weekend or 1 January whose values repeat the next row's (a fake
//!   holiday row) is dropped;
//! * a repeated key keeps the first row;
//! * non-positive prices become missing;
//! * persistent shifts of volume / amount / implied price (a change of units) are flagged;
//! * stock drops beyond the board's price limit on rows with no previous close,
//!   total-return close or adjustment factor — ex-rights days in unadjusted closes — are
//!   flagged (the closes are kept: they are right; a return read from them is not).

use super::warning::{Warning, WarningKind};
use crate::schema::{ColumnKind, Dataset};
use crate::table::{days_to_date, Column, Table};
use chrono::{Datelike, Weekday};
use std::collections::BTreeMap;

/// A warning sink for one file's table-level findings.
struct Findings<'a> {
    file: &'a str,
    out: &'a mut Vec<Warning>,
    /// Rows dropped, by reason.
    dropped: BTreeMap<String, usize>,
    /// Cells set to missing, by column.
    blanked: BTreeMap<String, usize>,
}

impl Findings<'_> {
    fn drop(&mut self, reason: &str, n: usize) {
        if n > 0 {
            *self.dropped.entry(reason.to_string()).or_default() += n;
        }
    }

    fn warn(&mut self, kind: WarningKind, column: Option<&str>, message: String) {
        self.out.push(Warning {
            file: self.file.into(),
            kind,
            row: None,
            column: column.map(String::from),
            message,
        });
    }
}

/// Post-parse defect handling on a converted table (see the module docs): sorted by
/// key, percentiles in percent rescaled, repeated keys and fake holiday rows dropped,
/// non-positive prices made missing, unit changes flagged.
/// Returns the table, the rows dropped by reason and the cells blanked by column.
pub(crate) fn clean_table(
    table: Table,
    file: &str,
    warnings: &mut Vec<Warning>,
) -> (Table, BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let ds = table.dataset;
    let mut f = Findings {
        file,
        out: warnings,
        dropped: BTreeMap::new(),
        blanked: BTreeMap::new(),
    };
    let mut t = table.into_sorted();
    rescale_percentiles(&mut t, &mut f);
    check_turnover_rates(&t, &mut f);
    if !matches!(ds, Dataset::Prices | Dataset::Valuation | Dataset::Flows) {
        let t = drop_repeated_keys(t, &mut f);
        return (t, f.dropped, f.blanked);
    }
    let mut t = drop_repeats_and_holiday_rows(t, &mut f);
    if ds == Dataset::Prices {
        t = drop_carried_forward_tails(t, &mut f);
        blank_non_positive_prices(&mut t, &mut f);
        blank_unit_jumps(&mut t, &mut f);
        warn_ex_rights_gaps(&t, &mut f);
        warn_fund_nav_without_total_return(&t, &mut f);
    }
    (t, f.dropped, f.blanked)
}

/// Fund rows (asset type `fund`) with a unit NAV but no `tr_close`: a unit NAV drops by
/// each distribution, so returns read from it count payouts as losses. Said once per
/// file; `rotor funds import` builds the total-return index from the daily growth, and
/// Tushare's `adj_nav` maps to `tr_close` by itself.
fn warn_fund_nav_without_total_return(t: &Table, f: &mut Findings<'_>) {
    let kinds = t.str_col("asset_type");
    let tr = t.f64_col("tr_close");
    let close = t.f64_col("close");
    let bare = (0..t.len())
        .filter(|&i| {
            kinds[i].as_deref() == Some("fund") && close[i].is_finite() && !tr[i].is_finite()
        })
        .count();
    if bare > 0 {
        f.warn(
            WarningKind::FundNavOnly,
            Some("tr_close"),
            format!(
                "{bare} fund row(s) with a unit NAV and no total-return NAV: a distribution would read as a loss; \
                 import NAV folders with `rotor funds import` (total returns from the daily growth) or map the \
                 vendor's adjusted NAV to tr_close"
            ),
        );
    }
}

/// Stock rows whose close fell from the previous row's by more than the board's limit
/// plus one point (`close_t / close_{t−1} − 1 < −(limit + 0.01)`) while the row has no
/// `preclose`, `tr_close` or `adj_factor`: unadjusted closes across an ex-rights day (a
/// bonus issue or split), which would read as a crash. One warning per file with the
/// count and the first cases; the closes are kept (they are the traded prices), and
/// [`crate::returns::total_returns_adj`] does not let such a move into a return (the
/// same rule).
fn warn_ex_rights_gaps(t: &Table, f: &mut Findings<'_>) {
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    let kinds = t.str_col("asset_type");
    let close = t.f64_col("close");
    let given = |name: &str, i: usize| t.col(name).is_some() && t.f64_col(name)[i].is_finite();
    let mut hits: Vec<(String, String, f64)> = Vec::new();
    for i in 1..t.len() {
        if kinds[i].as_deref() != Some("stock") || !same_code(&codes[i], &codes[i - 1]) {
            continue;
        }
        let (Some(code), Some(day)) = (codes[i].as_deref(), dates[i]) else {
            continue;
        };
        let r = close[i] / close[i - 1] - 1.0;
        let date = days_to_date(day);
        if r.is_finite()
            && r < -(crate::returns::board_limit(code, date) + 0.01)
            && !["preclose", "tr_close", "adj_factor"]
                .iter()
                .any(|c| given(c, i))
        {
            hits.push((code.to_string(), date.to_string(), r));
        }
    }
    if hits.is_empty() {
        return;
    }
    let first: Vec<String> = hits
        .iter()
        .take(3)
        .map(|(c, d, r)| format!("{c} {d} {:.1} %", 100.0 * r))
        .collect();
    f.warn(
        WarningKind::ExRights,
        Some("close"),
        format!(
            "{} stock close(s) fell beyond the board's daily limit with no preclose, tr_close or \
             adj_factor on the row — likely ex-rights days in unadjusted closes (first: {}); \
             the closes are kept, returns computed from them leave these days out; import \
             preclose or adjustment factors for exact total returns",
            hits.len(),
            first.join(", ")
        ),
    );
}

/// A turnover rate above 100 % of the float on more than 1 % of rows was most likely
/// given as a fraction under a percent header (or in percent under a fraction header):
/// said, with the share of such rows, never silently kept.
fn check_turnover_rates(t: &Table, f: &mut Findings<'_>) {
    let Some(Column::F64(v)) = t.col("turnover_rate") else {
        return;
    };
    let n = v.iter().filter(|x| x.is_finite()).count();
    let high = v.iter().filter(|x| **x > 1.0).count();
    if n > 0 && high * 100 > n {
        f.warn(
            WarningKind::LevelMismatch,
            Some("turnover_rate"),
            format!(
                "turnover_rate above 1 (100 % of the float) on {high} of {n} rows: the column \
                 is stored as a fraction, percent headers (turn, 换手率, turnover_rate) are divided \
                 by 100 — check the file's unit (scale = {{ turnover_rate = … }})"
            ),
        );
    }
}

/// Percentiles given in percent (max > 1) are divided by 100.
fn rescale_percentiles(t: &mut Table, f: &mut Findings<'_>) {
    for name in ["pe_pct", "pb_pct"] {
        let Some(i) = t.dataset.column_index(name) else {
            continue;
        };
        let Column::F64(v) = &mut t.columns[i] else {
            continue;
        };
        let mx = v
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .fold(f64::NEG_INFINITY, f64::max);
        if mx > 1.0 {
            v.iter_mut().for_each(|x| *x /= 100.0);
            f.warn(
                WarningKind::PercentScale,
                Some(name),
                format!("{name} given in percent (max {mx:.2}); divided by 100"),
            );
        }
    }
}

/// Repeated keys of a non-daily dataset: the first row is kept.
fn drop_repeated_keys(t: Table, f: &mut Findings<'_>) -> Table {
    let dups = t.duplicate_keys();
    if dups.is_empty() {
        return t;
    }
    f.warn(
        WarningKind::Duplicate,
        None,
        format!(
            "{} repeated key(s), first kept; first: {}",
            dups.len(),
            t.key_string(dups[0].1)
        ),
    );
    let drop: std::collections::HashSet<usize> = dups.iter().map(|d| d.1).collect();
    f.drop("duplicate", drop.len());
    t.filter(|i| !drop.contains(&i))
}

/// Daily datasets: a repeated (code, date) keeps its first row; a row dated on a
/// weekend or 1 January whose values repeat the next trading day's is dropped.
fn drop_repeats_and_holiday_rows(t: Table, f: &mut Findings<'_>) -> Table {
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    let num_cols: Vec<usize> = t
        .dataset
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ColumnKind::F64)
        .map(|(i, _)| i)
        .collect();
    let same_values = |a: usize, b: usize| {
        num_cols.iter().all(|&c| match &t.columns[c] {
            Column::F64(v) => (v[a].is_nan() && v[b].is_nan()) || v[a] == v[b],
            _ => true,
        })
    };
    let mut drop = vec![false; t.len()];
    let (mut n_holiday, mut n_dup) = (0, 0);
    let mut first_holiday = None;
    for i in 0..t.len() {
        if !(i + 1 < t.len() && same_code(&codes[i + 1], &codes[i])) {
            continue;
        }
        if dates[i] == dates[i + 1] {
            drop[i + 1] = true;
            n_dup += 1;
            continue;
        }
        let d = days_to_date(dates[i].expect("date"));
        let holiday =
            matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || (d.month() == 1 && d.day() == 1);
        // the next kept row of the same code
        let mut k = i + 1;
        while k < t.len() && same_code(&codes[k], &codes[i]) && dates[k] == dates[i] {
            k += 1;
        }
        if holiday && k < t.len() && same_code(&codes[k], &codes[i]) && same_values(i, k) {
            drop[i] = true;
            n_holiday += 1;
            first_holiday.get_or_insert(format!("{} {}", codes[i].clone().unwrap_or_default(), d));
        }
    }
    f.drop("duplicate", n_dup);
    f.drop("holiday_row", n_holiday);
    if n_dup > 0 {
        f.warn(
            WarningKind::Duplicate,
            None,
            format!("{n_dup} repeated (code, date) row(s); the first was kept"),
        );
    }
    if n_holiday > 0 {
        f.warn(
            WarningKind::HolidayRow,
            None,
            format!(
                "dropped {n_holiday} row(s) dated on a weekend/1 January that repeat the next trading day's values (first: {})",
                first_holiday.unwrap_or_default()
            ),
        );
    }
    if drop.iter().any(|&d| d) {
        t.filter(|i| !drop[i])
    } else {
        t
    }
}

/// Rows at the end of a code's series that carry the previous close forward with no
/// trade — open, high, low, volume and amount all missing and the close equal to the
/// previous row's (Wind `wsd` exports end with one such row, dated the export day) —
/// are dropped: the close of that day is not known.
fn drop_carried_forward_tails(t: Table, f: &mut Findings<'_>) -> Table {
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    let col = |n: &str| t.f64_col(n);
    let (o, h, l, c, v, a) = (
        col("open"),
        col("high"),
        col("low"),
        col("close"),
        col("volume"),
        col("amount"),
    );
    // the series must otherwise carry the fields the tail lacks
    let traded = |i: usize| !o[i].is_nan() || !v[i].is_nan() || !a[i].is_nan();
    let carried = |i: usize| {
        o[i].is_nan() && h[i].is_nan() && l[i].is_nan() && v[i].is_nan() && a[i].is_nan()
    };
    let mut drop = vec![false; t.len()];
    let mut first: Option<String> = None;
    let mut n = 0;
    let mut end = t.len();
    while end > 0 {
        let mut start = end - 1;
        while start > 0 && codes[start - 1] == codes[end - 1] {
            start -= 1;
        }
        let mut k = end;
        while k > start + 1 && carried(k - 1) && c[k - 1] == c[k - 2] && !c[k - 1].is_nan() {
            k -= 1;
        }
        if k < end && (start..k).any(traded) {
            for (i, d) in drop.iter_mut().enumerate().take(end).skip(k) {
                *d = true;
                n += 1;
                first.get_or_insert_with(|| {
                    format!(
                        "{} {}",
                        codes[i].as_deref().unwrap_or(""),
                        dates[i]
                            .map(days_to_date)
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    )
                });
            }
        }
        end = start;
    }
    if n == 0 {
        return t;
    }
    f.drop("carried_forward", n);
    f.warn(
        WarningKind::CarriedForward,
        Some("close"),
        format!(
            "dropped {n} trailing row(s) that repeat the previous close with no open, high, \
             low, volume or amount — not a close of that day (first: {})",
            first.unwrap_or_default()
        ),
    );
    t.filter(|i| !drop[i])
}

/// Non-positive open / high / low / close become missing.
fn blank_non_positive_prices(t: &mut Table, f: &mut Findings<'_>) {
    for name in ["open", "high", "low", "close"] {
        let i = Dataset::Prices.column_index(name).expect("price column");
        let Column::F64(v) = &mut t.columns[i] else {
            continue;
        };
        let bad = v.iter().filter(|x| **x <= 0.0).count();
        if bad > 0 {
            v.iter_mut()
                .filter(|x| **x <= 0.0)
                .for_each(|x| *x = f64::NAN);
            f.warn(
                WarningKind::NonPositive,
                Some(name),
                format!("{bad} non-positive {name} value(s) set to missing"),
            );
        }
    }
}

/// Persistent shifts of a unit-bearing series (see [`unit_series`]). A shift of the
/// implied price `amount / (volume · close)` of unadjusted rows is a change of units:
/// the shorter side of it — the rows before or from it on — is in another unit, and the
/// column that moved (`amount` or `volume`) is set to missing there, with a warning
/// naming the code, the date and the factor; nothing is stored in a unit it is not in.
/// A shift of the volume or amount level alone is only flagged: trading can take off.
fn blank_unit_jumps(t: &mut Table, f: &mut Findings<'_>) {
    let codes = t.str_col("code").to_vec();
    let dates = t.date_col("date").to_vec();
    let day = |i: usize| {
        dates[i]
            .map(days_to_date)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let (name, v, factor) = unit_series(t).swap_remove(0);
    for (code, at, ratio) in unit_jumps(&codes, &v, factor) {
        let (start, end) = series_bounds(&codes, at);
        let Some(k) = shift_start(&v, start, at, end, factor, ratio) else {
            continue;
        };
        let column = moved_column(t, start, k, end);
        let (a, b) = if end - k <= k - start {
            (k, end)
        } else {
            (start, k)
        };
        let i = t.dataset.column_index(column).expect("price column");
        if let Column::F64(col) = &mut t.columns[i] {
            col[a..b].iter_mut().for_each(|x| *x = f64::NAN);
        }
        *f.blanked.entry(column.to_string()).or_default() += b - a;
        f.warn(
            WarningKind::UnitJump,
            Some(column),
            format!(
                "{code}: {name} shifts by ×{ratio:.3e} on {} (a change of units): {column} \
                 set to missing on the {} row(s) {} … {}, the shorter side",
                day(k),
                b - a,
                day(a),
                day(b - 1)
            ),
        );
    }
    // a level can move for real (an ETF whose trading takes off): flagged only
    for (name, v, factor) in unit_series(t).into_iter().skip(1) {
        for (code, at, ratio) in unit_jumps(&codes, &v, factor) {
            f.warn(
                WarningKind::UnitJump,
                Some(name),
                format!(
                    "{code}: {name} shifts by ×{ratio:.3e} from {} on and stays there (a \
                     change of units, or of trading activity)",
                    day(at)
                ),
            );
        }
    }
}

/// The rows of the code at `at` (the table is sorted by code).
fn series_bounds(codes: &[Option<crate::table::Text>], at: usize) -> (usize, usize) {
    let mut s = at;
    while s > 0 && same_code(&codes[s - 1], &codes[at]) {
        s -= 1;
    }
    let mut e = at;
    while e < codes.len() && same_code(&codes[e], &codes[at]) {
        e += 1;
    }
    (s, e)
}

/// The first row from `at` on whose value is beyond `factor` of the median of the 20
/// positive values before `at`, in the direction of `ratio`.
fn shift_start(
    v: &[f64],
    start: usize,
    at: usize,
    end: usize,
    factor: f64,
    ratio: f64,
) -> Option<usize> {
    let mut before: Vec<f64> = v[start..at]
        .iter()
        .rev()
        .filter(|x| **x > 0.0 && x.is_finite())
        .take(20)
        .copied()
        .collect();
    if before.is_empty() {
        return None;
    }
    let m = before.len() / 2;
    let base = *before.select_nth_unstable_by(m, f64::total_cmp).1;
    (at..end).find(|&i| {
        let r = v[i] / base;
        r.is_finite()
            && if ratio < 1.0 {
                r < 1.0 / factor
            } else {
                r > factor
            }
    })
}

/// Which of `amount` and `volume` moved at `k`: the one whose median level after `k`
/// is further (in log) from its median before.
fn moved_column(t: &Table, start: usize, k: usize, end: usize) -> &'static str {
    let shift = |name: &str| {
        let v = t.f64_col(name);
        let med = |r: std::ops::Range<usize>| {
            let mut w: Vec<f64> = v[r].iter().copied().filter(|x| *x > 0.0).collect();
            if w.is_empty() {
                return f64::NAN;
            }
            let m = w.len() / 2;
            *w.select_nth_unstable_by(m, f64::total_cmp).1
        };
        (med(k..(k + 5).min(end)) / med(k.saturating_sub(20).max(start)..k))
            .log10()
            .abs()
    };
    if shift("volume") > shift("amount") {
        "volume"
    } else {
        "amount"
    }
}

/// The implied-price series of [`unit_series`].
pub const IMPLIED: &str = "amount/(volume*close)";

/// The series checked for unit changes, with their thresholds: the implied price
/// `amount / (volume · close)` of unadjusted rows (flat through real volume spikes; a
/// unit change in one column shifts it by a power of ten) at ×10, and the levels of
/// `volume` and `amount` at ×1000.
pub fn unit_series(t: &Table) -> Vec<(&'static str, Vec<f64>, f64)> {
    let (a, v, c) = (t.f64_col("amount"), t.f64_col("volume"), t.f64_col("close"));
    let adj = t.str_col("adj_kind");
    // adjusted closes move at every split and dividend: no implied price there
    let q: Vec<f64> = (0..t.len())
        .map(|i| {
            if matches!(adj[i].as_deref(), None | Some("none")) {
                a[i] / (v[i] * c[i])
            } else {
                f64::NAN
            }
        })
        .collect();
    vec![
        (IMPLIED, q, 10.0),
        ("volume", v.to_vec(), 1000.0),
        ("amount", a.to_vec(), 1000.0),
    ]
}

/// Observations at the start of a series that are not checked for unit shifts: new
/// listings (IPO limit-up runs, new ETFs) ramp their volume up by orders of magnitude.
pub const LISTING_RAMP: usize = 60;

/// Positions where a positive series shifts by `factor` or more (either way): the median
/// of the value and up to 4 following positive values, against the median of the
/// previous 20 positive values of the same code. Requiring the following values to stay
/// at the new level separates a change of units (persistent) from a one-day volume
/// spike (a block trade). The first [`LISTING_RAMP`] observations are skipped. Returns `(code, position, ratio)`; at most one per code.
pub fn unit_jumps(
    codes: &[Option<crate::table::Text>],
    v: &[f64],
    factor: f64,
) -> Vec<(String, usize, f64)> {
    // medians over small fixed windows, on the stack (this runs on every imported row)
    fn median(w: &mut [f64]) -> f64 {
        let m = w.len() / 2;
        *w.select_nth_unstable_by(m, f64::total_cmp).1
    }
    let mut out = Vec::new();
    let mut pos: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < v.len() {
        let mut end = start;
        while end < v.len() && same_code(&codes[end], &codes[start]) {
            end += 1;
        }
        pos.clear();
        pos.extend((start..end).filter(|&i| v[i] > 0.0 && v[i].is_finite()));
        // every ratio of two medians lies within [min/max, max/min] of the run: when the
        // whole run spans less than `factor`, nothing can be flagged
        let (lo, hi) = pos.iter().fold((f64::INFINITY, 0.0f64), |(l, h), &i| {
            (l.min(v[i]), h.max(v[i]))
        });
        if pos.len() <= LISTING_RAMP.max(1) || hi / lo <= factor {
            start = end;
            continue;
        }
        let (mut before, mut after) = ([0.0f64; 20], [0.0f64; 5]);
        for k in LISTING_RAMP.max(1)..pos.len() {
            let b = &pos[k.saturating_sub(20)..k];
            let a = &pos[k..(k + 5).min(pos.len())];
            // cheap bound first: median(after)/median(before) lies within
            // [min(after)/max(before), max(after)/min(before)]
            let (mut bmin, mut bmax, mut amin, mut amax) =
                (f64::INFINITY, 0.0f64, f64::INFINITY, 0.0f64);
            for &q in b {
                bmin = bmin.min(v[q]);
                bmax = bmax.max(v[q]);
            }
            for &q in a {
                amin = amin.min(v[q]);
                amax = amax.max(v[q]);
            }
            if amax / bmin <= factor && amin / bmax >= 1.0 / factor {
                continue;
            }
            for (slot, &q) in before.iter_mut().zip(b) {
                *slot = v[q];
            }
            for (slot, &q) in after.iter_mut().zip(a) {
                *slot = v[q];
            }
            let r = median(&mut after[..a.len()]) / median(&mut before[..b.len()]);
            if !(1.0 / factor..=factor).contains(&r) {
                out.push((
                    codes[start].as_deref().unwrap_or_default().to_string(),
                    pos[k],
                    r,
                ));
                break;
            }
        }
        start = end;
    }
    out
}

/// Equal codes, comparing the shared pointers first (codes of one file are interned).
#[inline]
fn same_code(a: &Option<crate::table::Text>, b: &Option<crate::table::Text>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => std::sync::Arc::ptr_eq(x, y) || x == y,
        (None, None) => true,
        _ => false,
    }
}
