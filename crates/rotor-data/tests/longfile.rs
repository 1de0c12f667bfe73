//! Long `date, asset, value` files (the `rotor eval` inputs): encodings, row numbers in
//! errors, label files.

use rotor_data::longfile::{read_labels, read_long};

#[test]
fn gbk_csv_with_chinese_headers_and_blank_lines() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("f.csv");
    let text = "日期,代码,因子\n2024-01-31,A,1.5\n\n2024-01-31,B,x\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(&p, &bytes).unwrap();
    let e = read_long(&p, None).unwrap_err().to_string();
    // the blank line counts: the bad cell is on file line 4
    assert!(
        e.contains("f.csv")
            && e.contains("row 4")
            && e.contains("`因子`")
            && e.contains("a number"),
        "{e}"
    );
    let good = "日期,代码,因子\n2024-01-31,A,1.5\n\n2024-01-31,B,2\n";
    std::fs::write(&p, encoding_rs::GBK.encode(good).0.as_ref()).unwrap();
    let panel = read_long(&p, None).unwrap();
    assert_eq!(panel.assets, ["A", "B"]);
    assert_eq!(panel.values, [1.5, 2.0]);
}

#[test]
fn label_files_refuse_a_date_given_twice() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("regime.csv");
    std::fs::write(&p, "date,regime\n2024-01-31,LL\n2024-02-29,TT\n").unwrap();
    assert_eq!(read_labels(&p).unwrap().len(), 2);
    std::fs::write(&p, "date,regime\n2024-01-31,LL\n2024-01-31,TT\n").unwrap();
    let e = read_labels(&p).unwrap_err().to_string();
    assert!(
        e.contains("regime.csv") && e.contains("row 3") && e.contains("one label per date"),
        "{e}"
    );
}

#[test]
fn a_row_filter_picks_one_model_of_a_predictions_file() {
    use rotor_data::longfile::{read_long_where, RowFilter};
    let d = tempfile::tempdir().unwrap();
    let dates: Vec<chrono::NaiveDate> = vec!["2024-01-31".parse().unwrap()];
    let assets = vec!["A".to_string(), "B".to_string()];
    let pq = d.path().join("predictions.parquet");
    rotor_data::parquet_io::write_panels_long(
        &pq,
        &dates,
        &assets,
        Some("model"),
        "value",
        &[("gbdt", &[1.0, 2.0][..]), ("gru", &[-1.0, -2.0][..])],
    )
    .unwrap();
    let csv = d.path().join("predictions.csv");
    std::fs::write(
        &csv,
        "date,asset,model,value\n2024-01-31,A,gbdt,1\n2024-01-31,A,gru,-1\n2024-01-31,B,gbdt,2\n2024-01-31,B,gru,-2\n",
    )
    .unwrap();
    for p in [&pq, &csv] {
        let gru = RowFilter {
            column: "model",
            equals: "gru",
        };
        let panel = read_long_where(p, None, Some(gru)).unwrap();
        assert_eq!(panel.assets, ["A", "B"]);
        assert_eq!(panel.values, [-1.0, -2.0], "{}", p.display());
        // without the filter the two models collide on (date, asset)
        let e = read_long(p, Some("value")).unwrap_err().to_string();
        assert!(e.contains("a second row"), "{e}");
        let none = RowFilter {
            column: "model",
            equals: "lstm",
        };
        let e = read_long_where(p, None, Some(none))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no row has model = `lstm`") && e.contains("gbdt, gru"),
            "{e}"
        );
        let wrong = RowFilter {
            column: "kind",
            equals: "gru",
        };
        let e = read_long_where(p, None, Some(wrong))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column `kind`"), "{e}");
    }
}
