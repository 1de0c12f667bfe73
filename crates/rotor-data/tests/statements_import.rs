//! Quarterly statements as Tushare exports them (`income` / `balancesheet` fields side
//! by side, dates as YYYYMMDD) import into `fundamentals` by header aliases alone: the
//! balance-sheet totals the risk model's leverage reads land in their columns, and the
//! point-in-time view hands them out only after their announcement.

mod common;

use common::try_import;
use rotor_data::import::FileSpec;
use rotor_data::schema::Dataset;

const FILE: &str = "ts_code,ann_date,end_date,n_income_attr_p,revenue,total_hldr_eqy_exc_min_int,total_assets,total_liab
600519.SH,20240403,20231231,20000000000,50000000000,220000000000,270000000000,50000000000
600519.SH,20240426,20240331,24000000000,46000000000,230000000000,280000000000,50000000000
000001.SZ,20240315,20231231,10000000000,40000000000,450000000000,5500000000000,5050000000000
";

#[test]
fn tushare_statement_fields_fill_the_balance_sheet_columns() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("statements.csv");
    std::fs::write(&path, FILE).unwrap();
    let spec = FileSpec::new(path.display().to_string(), Dataset::Fundamentals);
    let (_s, store, rep) = try_import(d.path(), vec![spec]);
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].kept, 3, "{:?}", rep.accounts);
    let t = store.read(Dataset::Fundamentals).unwrap();
    let code = t.str_col("code");
    let bank = (0..t.len())
        .find(|&i| code[i].as_deref() == Some("000001.SZ"))
        .unwrap();
    assert_eq!(t.f64_col("total_assets")[bank], 5.5e12);
    assert_eq!(t.f64_col("total_liabilities")[bank], 5.05e12);
    assert_eq!(t.f64_col("equity")[bank], 4.5e11);
    // the view: the Q1 report of 600519 is known from the day after 2024-04-26
    let days: Vec<chrono::NaiveDate> = ["2024-04-26", "2024-04-29"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let mut view =
        rotor_data::view::PitView::new(rotor_core::calendar::TradingCalendar::new(days.clone()));
    view.load_statements(&store, &["600519.SH".to_string()], &[])
        .unwrap();
    let before = view.at(days[0]).statements("600519.SH");
    let after = view.at(days[1]).statements("600519.SH");
    assert_eq!((before.len(), after.len()), (1, 2));
    let q1 = after.values().last().unwrap();
    assert_eq!((q1.assets, q1.liabilities), (2.8e11, 5e10));
}
