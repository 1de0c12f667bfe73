//! Hand-made broken files: every error names file, row, column and the expected form;
//! a failing import leaves the store byte-for-byte as it was; parsers never panic.

use proptest::prelude::*;
use rotor_data::import::{self, reader, FileSpec};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;
use std::path::Path;

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

fn run(dir: &Path, specs: Vec<FileSpec>) -> Result<import::ImportReport, rotor_data::DataError> {
    let store = Store::open(dir.join("store")).unwrap();
    let files = import::plan(&specs, dir)?;
    import::run(&store, &files, ConflictPolicy::Keep, &|| {})
}

#[test]
fn non_numeric_cell_names_file_row_column_and_expectation() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "a.csv",
        "date,close\n2024-01-02,10\n2024-01-03,ten\n2024-01-04,11\n",
    );
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("a.csv")
            && e.contains("row 3")
            && e.contains("`close`")
            && e.contains("expected a number")
            && e.contains("`ten`"),
        "{e}"
    );
}

#[test]
fn bad_date_inside_the_data_is_an_error_but_a_trailing_footer_is_skipped() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "a.csv",
        "date,close\n2024-01-02,10\n2024-13-45,10\n2024-01-04,11\n",
    );
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row 3") && e.contains("`date`") && e.contains("expected a date"),
        "{e}"
    );
    let g = write(
        d.path(),
        "b.csv",
        "date,close\n2024-01-02,10\n2024-01-03,11\n数据来源：Wind,\n",
    );
    let r = run(d.path(), vec![FileSpec::new(g, Dataset::Prices)]).unwrap();
    assert_eq!(r.rows, 2);
    assert!(r
        .warnings
        .iter()
        .any(|w| w.kind == import::WarningKind::Footer && w.row == Some(4)));
}

#[test]
fn missing_required_column_lists_the_accepted_headers() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "a.csv", "date,price\n2024-01-02,10\n");
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`close`") && e.contains("收盘") && e.contains("headers: date, price"),
        "{e}"
    );
}

#[test]
fn empty_malformed_and_unsupported_files() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "empty.csv", "\n\n");
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty.csv") && e.contains("header"), "{e}");
    let f = write(d.path(), "x.docx", "hello");
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("unsupported file type"), "{e}");
    let f = write(d.path(), "bad.xlsx", "not a zip");
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.xlsx"), "{e}");
    let e = run(
        d.path(),
        vec![FileSpec::new("nothing/*.csv", Dataset::Prices)],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("matches no file"), "{e}");
}

#[test]
fn a_failing_batch_leaves_the_store_unchanged() {
    let d = tempfile::tempdir().unwrap();
    let good = write(
        d.path(),
        "good.csv",
        "date,close\n2024-01-02,10\n2024-01-03,11\n",
    );
    run(d.path(), vec![FileSpec::new(good.clone(), Dataset::Prices)]).unwrap();
    let store = Store::open(d.path().join("store")).unwrap();
    let before = std::fs::read(store.path(Dataset::Prices)).unwrap();
    let manifest = std::fs::read(d.path().join("store/manifest.json")).unwrap();
    let more = write(d.path(), "more.csv", "date,close\n2024-01-04,12\n");
    let bad = write(d.path(), "bad.csv", "date,close\n2024-01-05,x\n");
    assert!(run(
        d.path(),
        vec![
            FileSpec::new(more, Dataset::Prices),
            FileSpec::new(bad, Dataset::Prices)
        ]
    )
    .is_err());
    assert_eq!(std::fs::read(store.path(Dataset::Prices)).unwrap(), before);
    assert_eq!(
        std::fs::read(d.path().join("store/manifest.json")).unwrap(),
        manifest
    );
}

#[test]
fn conflicts_are_reported_and_kept_replaced_or_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.csv", "date,close\n2024-01-02,10\n");
    let b = write(
        d.path(),
        "b.csv",
        "date,close\n2024-01-02,10.5\n2024-01-03,11\n",
    );
    let mut sa = FileSpec::new(a, Dataset::Prices);
    sa.code = Some("000300.SH".into());
    let mut sb = FileSpec::new(b, Dataset::Prices);
    sb.code = Some("000300.SH".into());
    run(d.path(), vec![sa]).unwrap();
    let store = Store::open(d.path().join("store")).unwrap();
    let files = import::plan(&[sb], d.path()).unwrap();
    let e = import::run(&store, &files, ConflictPolicy::Error, &|| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("conflicting") && e.contains("close") && e.contains("10.5"),
        "{e}"
    );
    assert_eq!(
        store.read(Dataset::Prices).unwrap().len(),
        1,
        "refused import writes nothing"
    );
    let r = import::run(&store, &files, ConflictPolicy::Keep, &|| {}).unwrap();
    assert_eq!(r.commit.stats[&Dataset::Prices].conflicts, 1);
    assert_eq!(
        store.read(Dataset::Prices).unwrap().f64_col("close"),
        &[10.0, 11.0]
    );
    import::run(&store, &files, ConflictPolicy::Replace, &|| {}).unwrap();
    assert_eq!(
        store.read(Dataset::Prices).unwrap().f64_col("close"),
        &[10.5, 11.0]
    );
}

#[test]
fn gbk_encoded_csv_with_chinese_headers_imports() {
    let d = tempfile::tempdir().unwrap();
    let text = "日期,收盘,成交量\n2024-01-02,3.5,100\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let p = d.path().join("gbk.csv");
    std::fs::write(&p, &bytes).unwrap();
    let mut s = FileSpec::new(p.display().to_string(), Dataset::Prices);
    s.code = Some("510300".into());
    s.asset_type = Some(rotor_data::schema::AssetType::Etf);
    let r = run(d.path(), vec![s]).unwrap();
    assert_eq!(r.rows, 1);
}

fn convert_any(bytes: &[u8], ds: Dataset) {
    let p = Path::new("fuzz.csv");
    if let Ok(raw) = reader::parse_csv_bytes(p, bytes) {
        let mut s = FileSpec::new("fuzz.csv", ds);
        s.code = Some("X".into());
        let _ = import::convert(&raw, &s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        convert_any(&bytes, Dataset::Prices);
        convert_any(&bytes, Dataset::Macro);
    }

    #[test]
    fn mutated_vendor_rows_never_panic(
        cells in proptest::collection::vec(prop_oneof![
            Just("=5772.65".to_string()), Just("".to_string()), Just("--".to_string()),
            Just("2021/6/22".to_string()), Just("数据来源：Wind".to_string()), Just("1e400".to_string()),
            Just("\"1,234\"".to_string()), "[ -~]{0,8}".prop_map(|s| s), Just("20240131".to_string()),
        ], 0..40),
        width in 1usize..6,
    ) {
        let mut body = String::from("日期,收盘,成交量,open,pe_ttm,amount_yi\n");
        for row in cells.chunks(width) {
            body.push_str(&row.join(","));
            body.push('\n');
        }
        convert_any(body.as_bytes(), Dataset::Prices);
        convert_any(body.as_bytes(), Dataset::Valuation);
        convert_any(body.as_bytes(), Dataset::Macro);
    }

    #[test]
    fn numbers_round_trip_through_vendor_spellings(x in -1e12f64..1e12) {
        let s = format!("={x}");
        prop_assert_eq!(rotor_data::import::cells::parse_number(&s), Ok(Some(x)));
    }
}

#[test]
fn long_file_without_a_recognised_code_column_is_refused_not_collapsed() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "panel.csv",
        "date,sec,close\n2024-01-02,A,10\n2024-01-02,B,20\n2024-01-03,A,11\n2024-01-03,B,21\n",
    );
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("panel.csv") && e.contains("single code `PANEL`") && e.contains("sec"),
        "{e}"
    );
    assert!(!d.path().join("store/prices/data.parquet").exists());
    // `asset` (the long-format convention of alphalens and the bench files) is a code
    let g = write(
        d.path(),
        "long.csv",
        "date,asset,value\n2024-01-02,A,10\n2024-01-02,B,20\n",
    );
    let mut spec = FileSpec::new(g, Dataset::Prices);
    spec.columns.insert("close".into(), "value".into());
    let r = run(d.path(), vec![spec]).unwrap();
    assert_eq!(r.rows, 2);
}

#[test]
fn one_code_many_rows_per_date_is_fine_where_the_key_has_more_than_code_and_date() {
    // consensus: FY1 and FY2 forecasts of one index on the same as-of date
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "cons.csv",
        "as_of,fiscal_year,np\n2024-01-31,2024,10\n2024-01-31,2025,12\n2024-02-29,2024,10.5\n2024-02-29,2025,12.5\n",
    );
    let mut spec = FileSpec::new(f, Dataset::Consensus);
    spec.code = Some("000300.SH".into());
    let r = run(d.path(), vec![spec]);
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn error_rows_count_blank_lines_like_an_editor() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "gap.csv",
        "date,close\n2024-01-02,10\n\n\n2024-01-05,ten\n",
    );
    let e = run(d.path(), vec![FileSpec::new(f, Dataset::Prices)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("gap.csv") && e.contains("row 5") && e.contains("`close`"),
        "{e}"
    );
}

/// Write `date` (Date32 day numbers), `code`, `close` to a Parquet file.
fn parquet_with_days(path: &Path, days: &[i32]) {
    use arrow_array::{ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let n = days.len();
    let batch = RecordBatch::try_from_iter([
        (
            "date",
            Arc::new(Date32Array::from(days.to_vec())) as ArrayRef,
        ),
        (
            "code",
            Arc::new(StringArray::from(vec!["510300.SH"; n])) as ArrayRef,
        ),
        (
            "close",
            Arc::new(Float64Array::from(vec![1.0; n])) as ArrayRef,
        ),
    ])
    .unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn dates_outside_1900_to_2200_are_refused_by_every_reader() {
    let d = tempfile::tempdir().unwrap();
    let range = "between 1900-01-01 and 2200-12-31";
    // text dates, in the 8-digit and the dashed form
    for (name, bad) in [("a.csv", "00530101"), ("b.csv", "2201-01-01")] {
        let f = write(
            d.path(),
            name,
            &format!("date,close\n2024-01-02,10\n{bad},10\n2024-01-04,11\n"),
        );
        let mut s = FileSpec::new(f, Dataset::Prices);
        s.code = Some("510300.SH".into());
        let e = run(d.path(), vec![s]).unwrap_err().to_string();
        assert!(
            e.contains("row 3") && e.contains("`date`") && e.contains(range),
            "{e}"
        );
    }
    // Parquet Date32: year 262071 and the largest day number (chrono overflows there)
    for (name, day) in [
        ("c.parquet", (262_071 - 1970) * 365),
        ("d.parquet", i32::MAX),
    ] {
        let p = d.path().join(name);
        parquet_with_days(&p, &[19_000, 19_001, day]);
        let e = run(
            d.path(),
            vec![FileSpec::new(p.display().to_string(), Dataset::Prices)],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(name) && e.contains("row 4") && e.contains(range),
            "{e}"
        );
        // the long-file reader of `rotor eval`
        let e = rotor_data::longfile::read_long(&p, Some("close"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(name) && e.contains("row 3") && e.contains(range),
            "{e}"
        );
    }
    assert!(!Store::open(d.path().join("store"))
        .unwrap()
        .has(Dataset::Prices));
}

#[test]
fn a_store_file_with_an_impossible_date_is_an_error_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(d.path().join("store")).unwrap();
    let f = write(d.path(), "a.csv", "date,close\n2024-01-02,10\n");
    let mut s = FileSpec::new(f, Dataset::Prices);
    s.code = Some("510300.SH".into());
    let files = import::plan(&[s], d.path()).unwrap();
    import::run(&store, &files, ConflictPolicy::Keep, &|| {}).unwrap();
    // a file changed outside rotor: same schema, a day number no calendar has
    let path = store.path(Dataset::Prices);
    let mut t = store.read(Dataset::Prices).unwrap();
    let j = Dataset::Prices.column_index("date").unwrap();
    let rotor_data::table::Column::Date(v) = &mut t.columns[j] else {
        panic!("date column")
    };
    v[0] = Some(i32::MAX);
    std::fs::remove_file(&path).unwrap();
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    rotor_data::parquet_io::write_table(&t, &mut w, &path).unwrap();
    drop(w);
    let e = store.read(Dataset::Prices).unwrap_err().to_string();
    assert!(
        e.contains("row 1") && e.contains("between 1900-01-01 and 2200-12-31"),
        "{e}"
    );
}

#[test]
fn a_date_column_in_another_form_names_the_column_the_values_and_date_format() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        ("dmy.csv", "01/07/2019", "%d/%m/%Y"),
        ("serial.csv", "43647", "Excel serial"),
    ];
    for (name, v, hint) in cases {
        let f = write(d.path(), name, &format!("日期,close\n{v},1\n{v},2\n"));
        let mut s = FileSpec::new(f, Dataset::Prices);
        s.code = Some("510300.SH".into());
        let e = run(d.path(), vec![s]).unwrap_err().to_string();
        assert!(
            e.contains(name) && e.contains("`日期`") && e.contains(v) && e.contains(hint),
            "{e}"
        );
    }
    // Chinese dates are read as they are
    let f = write(
        d.path(),
        "cn.csv",
        "日期,close\n2019年7月1日,1\n2019年7月2日,2\n",
    );
    let mut s = FileSpec::new(f, Dataset::Prices);
    s.code = Some("510300.SH".into());
    run(d.path(), vec![s]).unwrap();
    // and with the suggested format it imports
    let f = write(
        d.path(),
        "dmy2.csv",
        "date,close\n01/07/2019,1\n02/07/2019,2\n",
    );
    let mut s = FileSpec::new(f, Dataset::Prices);
    s.code = Some("510300.SH".into());
    s.date_format = Some("%d/%m/%Y".into());
    assert_eq!(run(d.path(), vec![s]).unwrap().rows, 2);
}

#[test]
fn suspicious_numbers_and_headers_import_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "a.csv",
        "date,close,close,pe_ttm,pb\n\
         2024-01-02,10,11,5%,\n\
         2024-01-03,inf,11,6%,\n\
         2024-01-04,1e400,11,7,\n",
    );
    let mut s = FileSpec::new(f, Dataset::Valuation);
    s.code = Some("510300.SH".into());
    // a column without a single value is an error unless allowed
    let e = run(d.path(), vec![s.clone()]).unwrap_err().to_string();
    assert!(
        e.contains("column `pb` has no value") && e.contains("ignore = [\"pb\"]"),
        "{e}"
    );
    s.allow_drops = true;
    let r = run(d.path(), vec![s]).unwrap();
    let kinds: Vec<&str> = r.warnings.iter().map(|w| w.kind.as_str()).collect();
    for k in ["duplicate_header", "percent_sign", "empty_column"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    let pct = r
        .warnings
        .iter()
        .find(|w| w.kind.as_str() == "percent_sign")
        .unwrap();
    assert!(
        pct.message.contains("2 cell(s)") && pct.row == Some(2),
        "{pct:?}"
    );
    let empty = r
        .warnings
        .iter()
        .find(|w| w.kind.as_str() == "empty_column")
        .unwrap();
    assert_eq!(empty.column.as_deref(), Some("pb"));

    let g = write(
        d.path(),
        "b.csv",
        "date,close\n2024-01-02,10\n2024-01-03,inf\n2024-01-04,1e400\n",
    );
    let mut s = FileSpec::new(g, Dataset::Prices);
    s.code = Some("510300.SH".into());
    let r = run(d.path(), vec![s]).unwrap();
    let nf = r
        .warnings
        .iter()
        .find(|w| w.kind.as_str() == "non_finite")
        .unwrap();
    assert!(
        nf.message.contains("2 cell(s)") && nf.row == Some(3),
        "{nf:?}"
    );
}

#[test]
fn xlsx_value_errors_give_the_cell_reference() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("w.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("行情").unwrap();
    // the table starts at C3, as vendor sheets with a title block do
    ws.write(2, 2, "date").unwrap();
    ws.write(2, 3, "close").unwrap();
    ws.write(3, 2, "2024-01-02").unwrap();
    ws.write(3, 3, 10.0).unwrap();
    ws.write(4, 2, "2024-01-03").unwrap();
    ws.write(4, 3, "ten").unwrap();
    wb.save(&p).unwrap();
    let mut s = FileSpec::new(p.display().to_string(), Dataset::Prices);
    s.code = Some("510300.SH".into());
    let e = run(d.path(), vec![s]).unwrap_err().to_string();
    assert!(
        e.contains("row 5") && e.contains("`close`") && e.contains("cell 行情!D5"),
        "{e}"
    );
}

#[test]
fn json_records_columns_and_keyed_objects_import_by_path() {
    let d = tempfile::tempdir().unwrap();
    // an object of arrays (pandas' "list" orient) under a member
    let f = write(
        d.path(),
        "cols.json",
        r#"{"meta": 1, "data": {"date": ["2024-01-02", "2024-01-03"], "close": [3.5, 3.6]}}"#,
    );
    let mut s = FileSpec::new(f, Dataset::Prices);
    s.code = Some("510300.SH".into());
    s.json_path = Some("data".into());
    assert_eq!(run(d.path(), vec![s]).unwrap().rows, 2);
    // objects keyed by series name: the key is `_key`
    let g = write(
        d.path(),
        "keyed.json",
        r#"{"extras": {"cn10y": [{"date": "20240102", "value": 2.5}],
                       "us10y": [{"date": "20240102", "value": 3.9}, {"date": "20240103", "value": 4.0}]}}"#,
    );
    let mut s = FileSpec::new(g, Dataset::Macro);
    s.json_path = Some("extras{}".into());
    s.columns.insert("series_id".into(), "_key".into());
    let r = run(d.path(), vec![s]).unwrap();
    assert_eq!(r.rows, 3);
    // a path that does not exist names the members there
    let mut s = FileSpec::new(
        write(d.path(), "bad.json", r#"{"ohlc": []}"#),
        Dataset::Prices,
    );
    s.json_path = Some("bars[]".into());
    s.code = Some("510300.SH".into());
    let e = run(d.path(), vec![s]).unwrap_err().to_string();
    assert!(e.contains("no member `bars`") && e.contains("ohlc"), "{e}");
}

#[test]
fn a_parquet_column_of_another_type_fails_only_when_it_is_mapped() {
    use arrow_array::{ArrayRef, BooleanArray, Date32Array, Float64Array, ListArray, RecordBatch};
    use std::sync::Arc;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("b.parquet");
    let list = ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
        Some(vec![Some(2)]),
    ]);
    let batch = RecordBatch::try_from_iter([
        (
            "date",
            Arc::new(Date32Array::from(vec![19_724, 19_725])) as ArrayRef,
        ),
        (
            "close",
            Arc::new(Float64Array::from(vec![3.5, 3.6])) as ArrayRef,
        ),
        (
            "suspended",
            Arc::new(BooleanArray::from(vec![false, true])) as ArrayRef,
        ),
        ("tags", Arc::new(list) as ArrayRef),
    ])
    .unwrap();
    let f = std::fs::File::create(&p).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let mut s = FileSpec::new(p.display().to_string(), Dataset::Prices);
    s.code = Some("510300.SH".into());
    assert_eq!(run(d.path(), vec![s.clone()]).unwrap().rows, 2);
    s.columns.insert("open".into(), "tags".into());
    let e = run(d.path(), vec![s]).unwrap_err().to_string();
    assert!(e.contains("`tags`") && e.contains("List"), "{e}");
}
