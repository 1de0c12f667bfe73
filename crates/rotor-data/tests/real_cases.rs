//! The silent wrong numbers once seen on the real China bundle, each now a clear error
//! or a correct import with a warning, and the layouts that needed a pre-processing
//! script. Each test reads files of `../shared/data` and skips, saying so, when the
//! bundle is absent.

mod common;

use common::{raw, try_import};
use rotor_data::import::{self, FileSpec, Preset};
use rotor_data::schema::{AssetType, Dataset};
use rotor_data::table::days_to_date;

fn spec(path: &str, ds: Dataset, preset: Preset, asset: Option<AssetType>) -> FileSpec {
    let mut s = FileSpec::new(path, ds);
    s.preset = preset;
    s.asset_type = asset;
    s
}

fn has_warning(rep: &import::ImportReport, kind: &str, text: &str) -> bool {
    rep.warnings
        .iter()
        .any(|w| w.kind.as_str() == kind && w.message.contains(text))
}

/// Row `i` of a column as f64 / text / date string.
fn row_where(t: &rotor_data::table::Table, code: &str, date: &str) -> usize {
    let (c, d) = (t.str_col("code"), t.date_col("date"));
    (0..t.len())
        .find(|&i| {
            c[i].as_deref() == Some(code)
                && d[i].map(days_to_date).map(|x| x.to_string()).as_deref() == Some(date)
        })
        .unwrap_or_else(|| panic!("no row {code} {date}"))
}

/// Cases 1 and 2: Tushare index_weight kept 359 of 107,400 rows under one code, in
/// percent. Now every row is kept with its member code, the index is canonical and the
/// weights are fractions; truncated snapshots are named.
#[test]
fn tushare_index_weights_keep_every_member_in_fractions() {
    let Some(root) = raw() else { return };
    let s = spec(
        "scutquant_weights/index_weight.csv",
        Dataset::Weights,
        Preset::Tushare,
        None,
    );
    let (_d, store, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].rows, 107_400);
    assert_eq!(rep.accounts[0].kept, 107_400, "{:?}", rep.accounts[0]);
    assert!(has_warning(&rep, "percent_scale", "divided by 100"));
    assert!(has_warning(
        &rep,
        "alias",
        "`399300.SZ` is stored as `000300.SH`"
    ));
    assert!(has_warning(
        &rep,
        "incomplete_snapshot",
        "000300.SH 2009-12-03 (6 members, sum 16.42 %)"
    ));
    let t = store.read(Dataset::Weights).unwrap();
    let i = row_where(&t, "600519.SH", "2024-10-08");
    assert!((t.f64_col("weight")[i] - 0.049565).abs() < 1e-12);
    assert_eq!(t.str_col("index_code")[i].as_deref(), Some("000300.SH"));
    assert!(t
        .str_col("code")
        .iter()
        .all(|c| !c.as_deref().unwrap().contains("INDEX")));
    // a snapshot of three rows summing to 5.59 % in another Tushare export is named
    let s = spec(
        "index_valuation_tushare/index_components.xlsx",
        Dataset::Weights,
        Preset::Tushare,
        None,
    );
    let (_d, _, rep) = try_import(&root, vec![s]);
    assert!(has_warning(
        &rep.unwrap(),
        "incomplete_snapshot",
        "000126.SH 2015-03-31 (3 members, sum 5.59 %)"
    ));
}

/// Case 3: AKShare's csindex history (成交金额 亿元, 成交量 万手) with the csindex preset
/// stored CSI 300's amount on 2024-11-28 as 2864.33 CNY.
#[test]
fn csindex_history_units_are_yi_and_wan_shou() {
    let Some(root) = raw() else { return };
    let s = spec(
        "quant_display_wind/hist_of_000300.csv",
        Dataset::Prices,
        Preset::Csindex,
        Some(AssetType::Index),
    );
    let (_d, store, rep) = try_import(&root, vec![s]);
    rep.unwrap();
    let t = store.read(Dataset::Prices).unwrap();
    let i = row_where(&t, "000300.SH", "2024-11-28");
    assert!((t.f64_col("amount")[i] - 2864.33e8).abs() < 1.0);
    assert!((t.f64_col("volume")[i] - 15011.73e6).abs() < 1.0);
    // without the preset the units are wrong, and the level check says so
    let s = spec(
        "quant_display_wind/hist_of_000300.csv",
        Dataset::Prices,
        Preset::Generic,
        Some(AssetType::Index),
    );
    let (_d, store, rep) = try_import(&root, vec![s]);
    let e = rep.unwrap_err().to_string();
    assert!(
        e.contains("hist_of_000300.csv")
            && e.contains("amount / volume")
            && e.contains("亿元")
            && e.contains("万手"),
        "{e}"
    );
    assert!(!store.has(Dataset::Prices), "nothing written");
}

/// Case 4: the tushare preset scaled a weekly file's CNY amounts ×1000 and its shares
/// ×100. Now a non-daily file needs its units named; named, it imports.
#[test]
fn tushare_weekly_files_need_their_units_named() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "index_valuation_tushare/index_weekly_metric.csv",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Index),
    );
    s.ignore = vec!["index_code".into()];
    let (_d, _, rep) = try_import(&root, vec![s.clone()]);
    let e = rep.unwrap_err().to_string();
    assert!(
        e.contains("7 days apart") && e.contains("scale = { volume = 1, amount = 1 }"),
        "{e}"
    );
    s.scale.insert("volume".into(), 1.0);
    s.scale.insert("amount".into(), 1.0);
    let (_d, store, rep) = try_import(&root, vec![s]);
    rep.unwrap();
    let t = store.read(Dataset::Prices).unwrap();
    let i = row_where(&t, "000015.SH", "2020-05-15");
    assert!((t.f64_col("amount")[i] - 48_591_962_994.0).abs() < 1.0);
}

/// Case 5: member codes of a constituent list got `.SH` (000001.SH is the SSE
/// Composite); a bare fund code was guessed; mirrors were different assets.
#[test]
fn member_codes_follow_exchange_rules_and_aliases_name_one_asset() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "quant_display_wind/cons_of_000300.csv",
        Dataset::Membership,
        Preset::Generic,
        None,
    );
    s.columns.insert("in_date".into(), "update_time".into());
    let (_d, store, rep) = try_import(&root, vec![s]);
    rep.unwrap();
    let t = store.read(Dataset::Membership).unwrap();
    let codes: Vec<&str> = t
        .str_col("code")
        .iter()
        .map(|c| c.as_deref().unwrap())
        .collect();
    for want in ["000001.SZ", "300750.SZ", "002594.SZ", "600519.SH"] {
        assert!(codes.contains(&want), "{want} missing");
    }
    assert!(!codes.contains(&"000001.SH"));
    assert!(t
        .str_col("index_code")
        .iter()
        .all(|c| c.as_deref() == Some("000300.SH")));
    // daily.parquet's 000985.CSI is the store's 000985.SH
    let mut d = spec(
        "quantsplaybook/alligator_index_rotation/daily.parquet",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Index),
    );
    d.scale.insert("amount".into(), 0.1);
    let (_d, store, rep) = try_import(&root, vec![d]);
    let rep = rep.unwrap();
    assert!(has_warning(
        &rep,
        "alias",
        "`000985.CSI` is stored as `000985.SH`"
    ));
    let t = store.read(Dataset::Prices).unwrap();
    assert!(t
        .str_col("code")
        .iter()
        .any(|c| c.as_deref() == Some("000985.SH")));
    // a bare code no rule reads as the column's kind is refused with the choices
    let mut e = spec(
        "multifactor_etf/etf.csv",
        Dataset::EtfInfo,
        Preset::Akshare,
        None,
    );
    e.columns.insert("code".into(), "名称".into());
    let (_d, _, rep) = try_import(&root, vec![e]);
    assert!(rep.is_err());
}

/// Case 6: Wind wsd exports end with a row repeating the previous close (2024-12-13):
/// 801780.SI was stored at 3806.69 that day.
#[test]
fn wind_carried_forward_last_rows_are_dropped() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "quant_display_wind/sw1/801780.SI.csv",
        Dataset::Prices,
        Preset::Wind,
        Some(AssetType::Index),
    );
    s.code_from_filename = true;
    let (_d, store, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    assert!(has_warning(&rep, "carried_forward", "801780.SI 2024-12-13"));
    assert_eq!(rep.accounts[0].dropped.get("carried_forward"), Some(&1));
    let t = store.read(Dataset::Prices).unwrap();
    let last = days_to_date(t.date_col("date")[t.len() - 1].unwrap());
    assert_eq!(last.to_string(), "2024-12-12");
    assert!((t.f64_col("close")[t.len() - 1] - 3806.69).abs() < 1e-9);
}

/// Case 7: Tushare fund_basic into etf_info gave 3,807 rows of nothing.
#[test]
fn a_file_that_fills_no_value_is_an_error() {
    let Some(root) = raw() else { return };
    let s = spec(
        "index_valuation_tushare/fund_name_list.csv",
        Dataset::EtfInfo,
        Preset::Tushare,
        None,
    );
    let (_d, _, rep) = try_import(&root, vec![s.clone()]);
    let e = rep.unwrap_err().to_string();
    assert!(
        e.contains("`list_date` has no value") && e.contains("3807"),
        "{e}"
    );
    let mut s = s;
    s.ignore = vec!["list_date".into()];
    let (_d, store, rep) = try_import(&root, vec![s]);
    let e = rep.unwrap_err().to_string();
    assert!(e.contains("not one value for dataset etf_info"), "{e}");
    assert!(e.contains("imports as `--dataset fund_info`"), "{e}");
    assert!(!store.has(Dataset::EtfInfo));
}

/// Case 9: `data check` compared closes only; the ×10 amounts of daily.parquet pass a
/// close comparison but not the level check.
#[test]
fn data_check_finds_a_tenfold_amount_between_sources() {
    let Some(root) = raw() else { return };
    let mut a = spec(
        "quantsplaybook/alligator_index_rotation/daily.parquet",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Index),
    );
    a.allow_level_mismatch = true;
    let mut b = spec(
        "ai_theme_monitor/000300.csv",
        Dataset::Prices,
        Preset::Csindex,
        Some(AssetType::Index),
    );
    b.code_from_filename = true;
    b.source = Some("csindex".into());
    b.allow_level_mismatch = true;
    let (_d, store, rep) = try_import(&root, vec![a, b]);
    assert!(has_warning(&rep.unwrap(), "level_mismatch", "×10.0000"));
    let chk = rotor_data::check::check(&store, None).unwrap();
    let f = chk
        .findings
        .iter()
        .find(|f| f.kind.as_str() == "level_mismatch")
        .expect("a level finding");
    assert!(
        f.message.contains("amount") && f.message.contains("×"),
        "{f:?}"
    );
    assert!(chk.errors() > 0);
}

/// Layouts: a Wind workbook with instruments side by side and Excel serial dates.
#[test]
fn a_side_by_side_wind_workbook_imports_block_by_block() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "turtle_wind_indices/market_data.xlsx",
        Dataset::Prices,
        Preset::Wind,
        Some(AssetType::Index),
    );
    s.layout = import::Layout::Blocks;
    s.header_row = Some(5);
    s.code_row = Some(3);
    s.exclude = ["MSFT.O", "NVDA.O", "GOOGL.O", "AAPL.O"]
        .map(String::from)
        .to_vec();
    let (_d, store, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].dropped.get("excluded"), Some(&(4 * 5152)));
    let t = store.read(Dataset::Prices).unwrap();
    let mut codes: Vec<&str> = t
        .str_col("code")
        .iter()
        .map(|c| c.as_deref().unwrap())
        .collect();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "000300.SH",
            "000852.SH",
            "000905.SH",
            "8841431.WI",
            "932000.CSI"
        ]
    );
    // the first row: Excel day 38447 (2005-04-05), close 955.598
    let i = row_where(&t, "000300.SH", "2005-04-05");
    assert!((t.f64_col("close")[i] - 955.598).abs() < 1e-9);
    // CSI 2000 starts at its base date: the empty cells before it are no rows
    let d = t.date_col("date");
    let first = (0..t.len())
        .filter(|&i| t.str_col("code")[i].as_deref() == Some("932000.CSI"))
        .map(|i| days_to_date(d[i].unwrap()))
        .min()
        .unwrap();
    assert_eq!(first.to_string(), "2013-12-31");
}

/// Layouts: JSON records under a path, nested records inheriting their parent's code.
#[test]
fn json_records_by_path_with_inherited_codes() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "tdsignal_staticdata/etf_national_team-5y.json",
        Dataset::EtfSize,
        Preset::Generic,
        Some(AssetType::Etf),
    );
    s.json_path = Some("etfs[].daily[]".into());
    s.columns.insert("shares".into(), "fund_share".into());
    let (_d, store, rep) = try_import(&root, vec![s]);
    rep.unwrap();
    let t = store.read(Dataset::EtfSize).unwrap();
    let i = row_where(&t, "510050.SH", "2021-08-23");
    assert!((t.f64_col("shares")[i] - 14_649_966_800.0).abs() < 1.0);
    let mut codes: Vec<&str> = t
        .str_col("code")
        .iter()
        .map(|c| c.as_deref().unwrap())
        .collect();
    codes.dedup();
    assert_eq!(codes.len(), 12, "{codes:?}");
    // the index files: `ohlc` records, the fake 2010-01-01 row dropped
    let mut s = spec(
        "tdsignal_staticdata/index/csi_div-all.json",
        Dataset::Prices,
        Preset::Generic,
        Some(AssetType::Index),
    );
    s.json_path = Some("ohlc[]".into());
    s.code = Some("000922.SH".into());
    s.scale.insert("amount".into(), 1e8);
    let (_d, _, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    assert!(has_warning(&rep, "holiday_row", "000922.SH 2010-01-01"));
}

/// Layouts: a one-day snapshot with a date from the mapping, and codes excluded.
#[test]
fn a_snapshot_takes_its_date_from_the_mapping() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "akshare_stock_daily/raw_stock_list.csv",
        Dataset::Valuation,
        Preset::Generic,
        Some(AssetType::Stock),
    );
    s.date = Some("2025-12-31".into());
    s.columns.insert("code".into(), "代码".into());
    s.ignore = vec!["市盈率-动态".into()];
    let (_d, _, rep) = try_import(&root, vec![s.clone()]);
    let e = rep.unwrap_err().to_string();
    assert!(e.contains("`810013`") && e.contains("stock"), "{e}");
    s.exclude = vec!["810011".into(), "810013".into()];
    let (_d, store, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].kept, rep.accounts[0].rows - 2);
    let t = store.read(Dataset::Valuation).unwrap();
    let i = row_where(&t, "600519.SH", "2025-12-31");
    assert!(t.f64_col("pb")[i] > 0.0);
}

/// AKShare's unadjusted stock bars (no preclose): ex-rights days read as crashes are
/// said at import, with the first cases; the closes are stored as traded.
#[test]
fn akshare_unadjusted_stock_bars_flag_ex_rights_days() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "akshare_stock_daily/stock_data/*.csv",
        Dataset::Prices,
        Preset::Akshare,
        Some(AssetType::Stock),
    );
    s.columns.insert("code".into(), "股票代码".into());
    let (_d, store, rep) = try_import(&root, vec![s]);
    let rep = rep.unwrap();
    let w: Vec<&import::Warning> = rep
        .warnings
        .iter()
        .filter(|w| w.kind.as_str() == "ex_rights")
        .collect();
    assert!(!w.is_empty(), "no ex-rights warning");
    let n: usize = w
        .iter()
        .map(|w| {
            w.message
                .split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    eprintln!(
        "ex-rights days flagged: {n} in {} file(s); {}",
        w.len(),
        w[0].message
    );
    assert!(
        n >= 100,
        "{n}: the bundle README counts 170 days below −25 %"
    );
    assert!(w[0].message.contains("likely ex-rights") && w[0].message.contains(" %"));
    // the closes are kept as traded
    let t = store.read(Dataset::Prices).unwrap();
    assert_eq!(t.len(), rep.accounts.iter().map(|a| a.kept).sum::<usize>());
}
