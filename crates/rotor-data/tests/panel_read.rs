//! Panels read by streaming the store equal panels built from the whole table, for
//! several sources per code, source preferences and code subsets.

use proptest::prelude::*;
use rotor_data::panel::{panel_from_table, read_panel};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::{ConflictPolicy, Table, Value};

fn prices(rows: &[(u8, u16, u8, f64)]) -> Table {
    let mut t = Table::new(Dataset::Prices);
    let base = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for &(code, day, src, close) in rows {
        let d = base + chrono::Duration::days(day as i64);
        let vals = Dataset::Prices
            .columns()
            .iter()
            .map(|c| match c.name {
                "code" => Value::Str(Some(format!("C{code}").into())),
                "source" => Value::Str(Some(format!("s{src}").into())),
                "asset_type" => Value::Str(Some("index".into())),
                "adj_kind" => Value::Str(Some("none".into())),
                "date" | "available_at" => Value::Date(Some(d)),
                "close" => Value::F64(close),
                _ => match c.kind {
                    rotor_data::schema::ColumnKind::F64 => Value::F64(f64::NAN),
                    rotor_data::schema::ColumnKind::Str => Value::Str(None),
                    rotor_data::schema::ColumnKind::Date => Value::Date(None),
                },
            })
            .collect();
        t.push_row(vals);
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn streaming_read_equals_table_path(
        rows in proptest::collection::vec((0u8..6, 0u16..40, 0u8..3, 1.0f64..100.0), 0..200),
        pref in proptest::option::of(0u8..3),
        subset in proptest::option::of(proptest::collection::vec(0u8..8, 0..5)),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.commit(vec![prices(&rows)], vec![], ConflictPolicy::Keep).unwrap();
        let table = store.read(Dataset::Prices).unwrap();
        let preference: Vec<String> = pref.iter().map(|p| format!("s{p}")).collect();
        let codes: Option<Vec<String>> = subset.map(|s| s.iter().map(|c| format!("C{c}")).collect());
        let a = read_panel(&store, Dataset::Prices, "close", codes.as_deref(), &preference).unwrap();
        let b = panel_from_table(&table, "close", codes.as_deref(), &preference);
        prop_assert_eq!(&a.dates, &b.dates);
        prop_assert_eq!(&a.assets, &b.assets);
        prop_assert_eq!(a.values.len(), b.values.len());
        for (x, y) in a.values.iter().zip(&b.values) {
            prop_assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        }
    }
}

#[test]
fn a_store_file_out_of_key_order_is_still_read_correctly() {
    // a file written by another tool, codes interleaved: C1, C0, C1
    let rows = [
        (1, 0, 0, 10.0),
        (0, 0, 0, 20.0),
        (1, 1, 0, 11.0),
        (1, 2, 1, 99.0),
    ];
    let t = prices(&rows);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let p = store.path(Dataset::Prices);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    rotor_data::parquet_io::write_table(&t, std::fs::File::create(&p).unwrap(), &p).unwrap();
    let a = read_panel(&store, Dataset::Prices, "close", None, &[]).unwrap();
    let b = panel_from_table(&t, "close", None, &[]);
    assert_eq!(
        (&a.dates, &a.assets, a.to_long()),
        (&b.dates, &b.assets, b.to_long())
    );
    assert_eq!(a.assets, ["C0", "C1"]);
    assert_eq!(a.column(1)[..2], [10.0, 11.0]);
}
