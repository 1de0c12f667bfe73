//! Look-ahead mutation test of the point-in-time read path (SPEC §19.10 at the data
//! layer): whatever is published after t — changed values, revised vintages, new
//! periods — `pit::as_of(t)` returns bit-identical rows.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rotor_data::calendar::TradingCalendar;
use rotor_data::pit::{as_of, resolve_with_calendar};
use rotor_data::schema::Dataset;
use rotor_data::table::{date_to_days, Column, Table, Value};

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 31).unwrap()
}

fn macro_table(rows: &[(u8, u16, u16, f64)]) -> Table {
    let mut t = Table::new(Dataset::Macro);
    for &(s, period, lag, v) in rows {
        let p = base() + Duration::days(period as i64);
        t.push_row(vec![
            Value::Str(Some(format!("s{}", s % 3).into())),
            Value::Date(Some(p)),
            Value::Date(Some(p + Duration::days(lag as i64))),
            Value::Str(Some("x".into())),
            Value::F64(v),
            Value::Str(Some("reported".into())),
        ]);
    }
    t.sorted()
}

proptest! {
    #[test]
    fn data_published_after_t_never_changes_as_of_t(
        rows in proptest::collection::vec((0u8..3, 0u16..400, 0u16..60, -10f64..10.0), 1..60),
        extra in proptest::collection::vec((0u8..3, 0u16..500, 0u16..60, -10f64..10.0), 0..20),
        t_off in 0u16..460,
    ) {
        let t = base() + Duration::days(t_off as i64);
        let td = date_to_days(t);
        // a stored table never repeats a key: build it through the store's merge
        let (orig, _, _) = Table::new(Dataset::Macro).merge(macro_table(&rows), rotor_data::table::ConflictPolicy::Keep);
        let orig = orig.unwrap();
        // mutate every row published after t, and add revisions/new rows after t
        let mut mutated = orig.clone();
        let avail = mutated.date_col("available_at").to_vec();
        if let Column::F64(v) = &mut mutated.columns[Dataset::Macro.column_index("value").unwrap()] {
            for (i, a) in avail.iter().enumerate() {
                if a.unwrap() > td {
                    v[i] = 1e9 + i as f64;
                }
            }
        }
        let late: Vec<_> = extra.iter().map(|&(s, p, lag, v)| {
            let pd = base() + Duration::days(p as i64);
            let lag = lag.max((t - pd).num_days().max(0) as u16 + 1);
            (s, p, lag, v)
        }).collect();
        let late = macro_table(&late);
        let (merged, _, _) = mutated.clone().merge(late, rotor_data::table::ConflictPolicy::Replace);
        prop_assert_eq!(as_of(&orig, t), as_of(&merged.unwrap(), t));
    }
}

#[test]
fn resolve_with_calendar_moves_next_month_end_to_the_trading_month_end() {
    // Jan 2020 data; Feb 2020's last trading day is the 27th in this calendar
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut t = Table::new(Dataset::Macro);
    t.push_row(vec![
        Value::Str(Some("cn.m2_yoy".into())),
        Value::Date(Some(d("2020-01-31"))),
        Value::Date(Some(d("2020-02-28"))),
        Value::Str(Some("x".into())),
        Value::F64(8.4),
        Value::Str(Some("next_month_end".into())),
    ]);
    let cal = TradingCalendar::new(vec![d("2020-02-26"), d("2020-02-27"), d("2020-03-02")]);
    let r = resolve_with_calendar(&t, &cal);
    assert!(
        as_of(&t, d("2020-02-27")).is_empty(),
        "weekday approximation: not yet known"
    );
    assert_eq!(
        as_of(&r, d("2020-02-27")).len(),
        1,
        "known at the trading month-end"
    );
    assert!(
        as_of(&r, d("2020-02-26")).is_empty(),
        "never earlier than month_end(m+1)"
    );
}
