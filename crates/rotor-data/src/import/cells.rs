//! Parsing of individual cells as vendors write them.
//!
//! Numbers accept: plain decimals and exponents, thousands separators (`1,234.5`),
//! a leading `=` and surrounding quotes (lixinger writes `=5772.6500`), a trailing `%`
//! (kept as the number: `3.5%` → 3.5), and the blanks `""`, `--`, `-`, `NaN`, `nan`,
//! `None`, `null`, `N/A`, `#N/A` (→ missing).
//!
//! Dates accept `YYYY-MM-DD`, `YYYY/M/D`, `YYYYMMDD`, `YYYY-MM` (first of month), each
//! optionally followed by a time (`2024-01-02 00:00:00`, `2024-01-02T00:00:00`), or an
//! explicit chrono format from the mapping.

use chrono::NaiveDate;

/// Strip lixinger-style `=` prefixes, quotes and whitespace. Returns the cleaned text
/// and whether an `=` prefix was present.
pub fn clean(s: &str) -> (&str, bool) {
    // fast path (nearly every cell): starts like a number or date, ends in a digit or
    // letter — nothing to strip
    if let (Some(&f), Some(&l)) = (s.as_bytes().first(), s.as_bytes().last()) {
        if (f.is_ascii_digit() || f == b'-' || f == b'.')
            && (l.is_ascii_alphanumeric() || l == b'.')
        {
            return (s, false);
        }
    }
    clean_full(s)
}

/// [`clean`] without the fast path.
fn clean_full(s: &str) -> (&str, bool) {
    let mut t = s.trim();
    let mut eq = false;
    if let Some(r) = t.strip_prefix('=') {
        t = r.trim();
        eq = true;
    }
    let t = t.trim_matches('"').trim_matches('\'').trim();
    (t, eq)
}

/// Is the text one of the vendor spellings of "no value"? (None starts with a digit,
/// so a number is answered by its first byte, without comparing against each spelling.)
pub fn is_blank(t: &str) -> bool {
    if t.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    matches!(
        t,
        "" | "--"
            | "-"
            | "NaN"
            | "nan"
            | "NAN"
            | "None"
            | "none"
            | "null"
            | "NULL"
            | "N/A"
            | "#N/A"
            | "NA"
    )
}

/// Parse a number. `Ok(None)` = blank, `Err(())` = not a number.
#[allow(clippy::result_unit_err)]
pub fn parse_number(s: &str) -> Result<Option<f64>, ()> {
    let (t, _) = clean(s);
    if is_blank(t) {
        return Ok(None);
    }
    if let Ok(v) = t.parse::<f64>() {
        return if v.is_finite() { Ok(Some(v)) } else { Ok(None) };
    }
    let t2: String = t
        .trim_end_matches('%')
        .chars()
        .filter(|&c| c != ',' && c != '_')
        .collect();
    match t2.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Ok(None),
        Err(_) => Err(()),
    }
}

/// Parse a date in one of the accepted forms (or with `fmt` when given), within
/// 1900-01-01..=2200-12-31 (see [`crate::table::date_in_range`]); a date outside that
/// range is `None` here and named by [`parse_date_unbounded`] in error messages.
pub fn parse_date(s: &str, fmt: Option<&str>) -> Option<NaiveDate> {
    parse_date_unbounded(s, fmt).filter(|d| crate::table::date_in_range(*d))
}

/// [`parse_date`] without the range check (to say "out of range" instead of "not a date").
pub fn parse_date_unbounded(s: &str, fmt: Option<&str>) -> Option<NaiveDate> {
    let (t, _) = clean(s);
    if t.is_empty() {
        return None;
    }
    if let Some(f) = fmt {
        return NaiveDate::parse_from_str(t, f).ok().or_else(|| {
            chrono::NaiveDateTime::parse_from_str(t, f)
                .ok()
                .map(|x| x.date())
        });
    }
    if let Some(d) = iso_date(t.as_bytes()) {
        return d;
    }
    parse_date_general(t)
}

/// `YYYY-MM-DD` exactly (nearly every date cell of a vendor file): `Some(parsed)`, or
/// `None` when the text has another shape and takes the general path. The answer is
/// the one [`parse_date_general`] gives (checked by a proptest).
#[inline]
fn iso_date(b: &[u8]) -> Option<Option<NaiveDate>> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some(NaiveDate::from_ymd_opt(y as i32, m, d))
}

/// [`parse_date_unbounded`] for every accepted form (the cleaned text, no format).
fn parse_date_general(t: &str) -> Option<NaiveDate> {
    if let Some(d) = chinese_or_quarter(t) {
        return Some(d);
    }
    // drop a time part
    let day = t.split([' ', 'T']).next().unwrap_or(t);
    let b = day.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return NaiveDate::parse_from_str(day, "%Y%m%d").ok();
    }
    let sep = if day.contains('-') {
        '-'
    } else if day.contains('/') {
        '/'
    } else if day.contains('.') {
        '.'
    } else {
        return None;
    };
    let mut it = day.split(sep);
    // the year comes first and has four digits (`07/01/19` is some other form)
    let ys = it.next()?;
    if ys.len() != 4 {
        return None;
    }
    let y: i32 = ys.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = match it.next() {
        Some(x) => x.parse().ok()?,
        None => 1,
    };
    if it.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Chinese dates and report periods: `2024年3月31日`, `2024年3月` (its first day, as
/// `2024-03`), `2024年1季度…` / `2024年一季度` / `2024Q1` (the quarter's last day — a
/// report period, as fund holdings exports name it).
fn chinese_or_quarter(t: &str) -> Option<NaiveDate> {
    let (y, rest) = match t.split_once('年') {
        Some(x) => x,
        None => {
            let (y, q) = t.split_once(['Q', 'q'])?;
            if !(q.len() == 1 && y.len() == 4) {
                return None;
            }
            return quarter_end(y.parse().ok()?, q.parse().ok()?);
        }
    };
    if y.len() != 4 {
        return None;
    }
    let y: i32 = y.trim().parse().ok()?;
    if let Some((q, _)) = rest.split_once('季') {
        let q = match q.trim() {
            "一" | "1" => 1,
            "二" | "2" => 2,
            "三" | "3" => 3,
            "四" | "4" => 4,
            _ => return None,
        };
        return quarter_end(y, q);
    }
    let (m, rest) = rest.split_once('月')?;
    let m: u32 = m.trim().parse().ok()?;
    let d: u32 = match rest.split_once('日') {
        Some((d, tail)) if tail.trim().is_empty() => d.trim().parse().ok()?,
        None if rest.trim().is_empty() => 1,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

fn quarter_end(y: i32, q: u32) -> Option<NaiveDate> {
    let (m, d) = match q {
        1 => (3, 31),
        2 => (6, 30),
        3 => (9, 30),
        4 => (12, 31),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Excel serial day number (1900 date system) to a date.
pub fn excel_serial_to_date(x: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&x) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(x.floor() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_iso_date_fast_path_agrees_with_the_general_parser(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{10}|[0-9]{4}-[0-9]{2}-[0-9]{1,2}[ T0-9:]{0,9}"
        ) {
            if let Some(fast) = iso_date(s.as_bytes()) {
                prop_assert_eq!(fast, parse_date_general(&s));
            }
            prop_assert_eq!(parse_date_unbounded(&s, None), parse_date_general(&s));
        }

        #[test]
        fn is_blank_is_exactly_the_list_of_spellings(s in "[0-9a-zA-Z#/-]{0,5}|[0-9]{1,3}") {
            let listed = ["", "--", "-", "NaN", "nan", "NAN", "None", "none", "null", "NULL",
                "N/A", "#N/A", "NA"];
            prop_assert_eq!(is_blank(&s), listed.contains(&s.as_str()));
        }

        #[test]
        fn the_fast_path_of_clean_changes_nothing(s in "[ =\"'0-9a-zA-Z.%,:/-]{0,12}") {
            prop_assert_eq!(clean(&s), clean_full(&s));
        }
    }

    #[test]
    fn numbers_as_vendors_write_them() {
        assert_eq!(parse_number("=5772.6500"), Ok(Some(5772.65)));
        assert_eq!(parse_number("\"1,234.5\""), Ok(Some(1234.5)));
        assert_eq!(parse_number("--"), Ok(None));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("3.5%"), Ok(Some(3.5)));
        assert_eq!(parse_number("1e3"), Ok(Some(1000.0)));
        assert_eq!(parse_number("abc"), Err(()));
        assert_eq!(parse_number("inf"), Ok(None));
    }

    #[test]
    fn dates_as_vendors_write_them() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(parse_date("2021/6/22", None), Some(d("2021-06-22")));
        assert_eq!(parse_date("20240102", None), Some(d("2024-01-02")));
        assert_eq!(
            parse_date("2024-01-02 00:00:00", None),
            Some(d("2024-01-02"))
        );
        assert_eq!(parse_date("2024-01", None), Some(d("2024-01-01")));
        assert_eq!(parse_date("数据来源：Wind", None), None);
        // outside 1900–2200: not a date for rotor, but recognised as one for the message
        assert_eq!(parse_date("0053-01-01", None), None);
        assert_eq!(parse_date("18991231", None), None);
        assert_eq!(
            parse_date_unbounded("0053-01-01", None),
            Some(d("0053-01-01"))
        );
        assert_eq!(parse_date("2200-12-31", None), Some(d("2200-12-31")));
        assert_eq!(parse_date("2201-01-01", None), None);
        assert_eq!(parse_date_unbounded("07/01/19", None), None);
        assert_eq!(parse_date("2024-02-30", None), None);
        assert_eq!(
            parse_date("02/01/2024", Some("%d/%m/%Y")),
            Some(d("2024-01-02"))
        );
        assert_eq!(excel_serial_to_date(45292.0), Some(d("2024-01-01")));
        // Chinese dates and report periods
        assert_eq!(parse_date("2024年3月31日", None), Some(d("2024-03-31")));
        assert_eq!(parse_date("2024年3月", None), Some(d("2024-03-01")));
        assert_eq!(
            parse_date("2024年1季度股票投资明细", None),
            Some(d("2024-03-31"))
        );
        assert_eq!(parse_date("2025年四季度", None), Some(d("2025-12-31")));
        assert_eq!(parse_date("2025Q2", None), Some(d("2025-06-30")));
        assert_eq!(parse_date("2025年5季度", None), None);
        assert_eq!(parse_date("2024年2月30日", None), None);
        assert_eq!(parse_date("季度", None), None);
    }
}
