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
