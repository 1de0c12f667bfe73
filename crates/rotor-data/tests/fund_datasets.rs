//! The fund datasets (`fund_info`, `fund_holdings`) from the layouts researchers hold:
//! Tushare `fund_basic` and `fund_portfolio`, AKShare fund profiles (one JSON object per
//! fund) and `fund_portfolio_hold_em` holdings, the enhanced-fund pool's Parquet. The
//! real files come from `../shared/data` (each test skips, saying so, when it is
//! absent); the Tushare `fund_portfolio` layout is a hand-made file with its fields.

mod common;

use common::{raw, try_import};
use rotor_data::import::{FileSpec, Preset};
use rotor_data::schema::Dataset;
use rotor_data::table::{days_to_date, Table};

fn spec(path: &str, ds: Dataset, preset: Preset) -> FileSpec {
    let mut s = FileSpec::new(path, ds);
    s.preset = preset;
    s
}

/// Rows of `t` whose `code` is `code`.
fn rows_of(t: &Table, code: &str) -> Vec<usize> {
    let c = t.str_col("code");
    (0..t.len())
        .filter(|&i| c[i].as_deref() == Some(code))
        .collect()
}

fn text(t: &Table, col: &str, i: usize) -> String {
    t.str_col(col)[i].as_deref().unwrap_or("").to_string()
}

fn date(t: &Table, col: &str, i: usize) -> String {
    t.date_col(col)[i]
        .map(|d| days_to_date(d).to_string())
        .unwrap_or_default()
}

/// Tushare `fund_basic` (3,807 funds): once imported into `etf_info` as 3,807 rows of
/// nothing (issue case 7); into `fund_info` every row keeps its code, company, type,
/// inception and benchmark text.
#[test]
fn tushare_fund_basic_fills_fund_info() {
    let Some(root) = raw() else { return };
    let (_d, store, rep) = try_import(
        &root,
        vec![spec(
            "index_valuation_tushare/fund_name_list.csv",
            Dataset::FundInfo,
            Preset::Tushare,
        )],
    );
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].rows, 3807);
    assert_eq!(rep.accounts[0].kept, 3807);
    let t = store.read(Dataset::FundInfo).unwrap();
    let i = rows_of(&t, "015345.OF")[0];
    assert_eq!(text(&t, "name", i), "嘉实养老目标日期2055五年持有");
    assert_eq!(text(&t, "company", i), "嘉实基金");
    assert_eq!(text(&t, "fund_type", i), "混合型");
    assert_eq!(date(&t, "inception", i), "2022-11-21");
    assert_eq!(date(&t, "available_at", i), "2022-11-21");
    assert_eq!(
        text(&t, "benchmark", i),
        "中证800指数收益率*64.60%+中债总财富指数收益率*35.40%"
    );
    let filled = t
        .str_col("benchmark")
        .iter()
        .filter(|b| b.is_some())
        .count();
    assert!(filled > 3700, "{filled} benchmarks of 3807");
}

/// AKShare fund profiles: one JSON object per fund (no records array) is one row.
#[test]
fn akshare_profiles_one_object_per_file() {
    let Some(root) = raw() else { return };
    let (_d, store, rep) = try_import(
        &root,
        vec![spec(
            "fund_nav_em/funds/*.json",
            Dataset::FundInfo,
            Preset::Akshare,
        )],
    );
    let rep = rep.unwrap();
    assert_eq!(rep.files, 206);
    assert_eq!(rep.rows, 206);
    let t = store.read(Dataset::FundInfo).unwrap();
    let i = rows_of(&t, "000001.OF")[0];
    assert_eq!(text(&t, "fund_type", i), "混合型-偏股");
    assert_eq!(text(&t, "company", i), "华夏基金管理有限公司");
    assert_eq!(date(&t, "inception", i), "2001-12-18");
    assert_eq!(text(&t, "benchmark", i), "本基金暂不设业绩比较基准");
}

/// The enhanced-fund pool's Parquet (227 funds): `fund_code`, `fund_company`,
/// `launch_date`, `benchmark_raw` are fund_info's columns by their names.
#[test]
fn enhanced_pool_parquet_fills_fund_info() {
    let Some(root) = raw() else { return };
    let (_d, store, rep) = try_import(
        &root,
        vec![spec(
            "enhanced_fund_pool/fund_master.parquet",
            Dataset::FundInfo,
            Preset::Generic,
        )],
    );
    rep.unwrap();
    let t = store.read(Dataset::FundInfo).unwrap();
    assert_eq!(t.len(), 227);
    let i = rows_of(&t, "000176.OF")[0];
    assert_eq!(text(&t, "fund_type", i), "股票型-增强指数");
    assert_eq!(date(&t, "inception", i), "2014-12-26");
    assert!(text(&t, "benchmark", i).starts_with("沪深300指数收益率×95%"));
}

/// AKShare `fund_portfolio_hold_em` (216 files, 2024–2025): the fund code from the file
/// name, the period from `2024年1季度股票投资明细`, weights from percent, shares and value
/// from 万; quarterly top-ten reports public a month after the quarter, full semi-annual
/// and annual ones two and three months after; Hong Kong holdings kept as written.
#[test]
fn akshare_holdings_fill_fund_holdings() {
    let Some(root) = raw() else { return };
    let (_d, store, rep) = try_import(
        &root,
        vec![spec(
            "fund_holdings_em/holdings/*.csv",
            Dataset::FundHoldings,
            Preset::Akshare,
        )],
    );
    let rep = rep.unwrap();
    let (read, kept): (usize, usize) = rep
        .accounts
        .iter()
        .fold((0, 0), |a, x| (a.0 + x.rows, a.1 + x.kept));
    let dropped: usize = rep
        .accounts
        .iter()
        .map(|a| a.dropped.values().sum::<usize>())
        .sum();
    assert_eq!(read, 38674);
    assert_eq!(read, kept + dropped);
    assert_eq!(dropped, 2, "two rows repeating a stock of the same report");
    let t = store.read(Dataset::FundHoldings).unwrap();
    let rows = rows_of(&t, "000001.OF");
    let find = |period: &str, stock: &str| {
        *rows
            .iter()
            .find(|&&i| date(&t, "period_end", i) == period && text(&t, "stock", i) == stock)
            .unwrap_or_else(|| panic!("{period} {stock}"))
    };
    // 1,002025,航天电器,3.46,209.92,7947.67,2024年1季度股票投资明细
    let i = find("2024-03-31", "002025.SZ");
    assert!((t.f64_col("weight")[i] - 0.0346).abs() < 1e-12);
    assert!((t.f64_col("shares")[i] - 2_099_200.0).abs() < 1e-6);
    assert!((t.f64_col("market_value")[i] - 79_476_700.0).abs() < 1e-3);
    assert_eq!(text(&t, "disclosure", i), "top10");
    assert_eq!(date(&t, "available_at", i), "2024-04-30");
    assert_eq!(text(&t, "lag_rule", i), "fund_quarterly");
    let june: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| date(&t, "period_end", i) == "2024-06-30")
        .collect();
    assert_eq!(june.len(), 174);
    for &i in &june {
        assert_eq!(text(&t, "disclosure", i), "full");
        assert_eq!(date(&t, "available_at", i), "2024-08-31");
        assert_eq!(text(&t, "lag_rule", i), "fund_periodic");
    }
    let dec = rows
        .iter()
        .find(|&&i| date(&t, "period_end", i) == "2024-12-31")
        .unwrap();
    assert_eq!(date(&t, "available_at", *dec), "2025-03-31");
    // fund 000551 holds Tencent, 00700 (Hong Kong), not 000700.SZ (模塑科技, which
    // other funds hold)
    let held: Vec<String> = rows_of(&t, "000551.OF")
        .into_iter()
        .map(|i| text(&t, "stock", i))
        .collect();
    assert!(held.iter().any(|s| s == "00700"));
    assert!(!held.iter().any(|s| s == "000700.SZ"));
    assert!(rep
        .warnings
        .iter()
        .any(|w| w.kind.as_str() == "unplaced_code" && w.message.contains("00700")));
}

/// Tushare `fund_portfolio` fields (ts_code, ann_date, end_date, symbol, mkv, amount,
/// stk_mkv_ratio, stk_float_ratio): the announcement date is `available_at` (rule
/// `reported`), the ratio is percent, `amount` is shares (not turnover).
#[test]
fn tushare_fund_portfolio_layout() {
    let d = tempfile::tempdir().unwrap();
    let mut csv =
        String::from("ts_code,ann_date,end_date,symbol,mkv,amount,stk_mkv_ratio,stk_float_ratio\n");
    let stocks = [
        "600519.SH",
        "000858.SZ",
        "300750.SZ",
        "601318.SH",
        "600036.SH",
        "000333.SZ",
        "002594.SZ",
        "688981.SH",
        "601012.SH",
        "600900.SH",
        "000001.SZ",
        "002415.SZ",
    ];
    for (k, s) in stocks.iter().enumerate() {
        // the semi-annual report: all twelve stocks, announced 2024-08-30
        csv.push_str(&format!(
            "161725.OF,20240830,20240630,{s},{},{},{},0.01\n",
            1e8 - 1e6 * k as f64,
            1e5,
            8.0 - 0.5 * k as f64
        ));
    }
    for s in &stocks[..10] {
        // the Q3 report: its top ten, announced 2024-10-25
        csv.push_str(&format!(
            "161725.OF,20241025,20240930,{s},5e7,5e4,4.5,0.01\n"
        ));
    }
    let f = d.path().join("fund_portfolio.csv");
    std::fs::write(&f, csv).unwrap();
    let (_d, store, rep) = try_import(
        d.path(),
        vec![spec(
            "fund_portfolio.csv",
            Dataset::FundHoldings,
            Preset::Tushare,
        )],
    );
    rep.unwrap();
    let t = store.read(Dataset::FundHoldings).unwrap();
    assert_eq!(t.len(), 22);
    for i in 0..t.len() {
        assert_eq!(text(&t, "code", i), "161725.OF");
        assert_eq!(text(&t, "lag_rule", i), "reported");
        let (p, a) = (date(&t, "period_end", i), date(&t, "available_at", i));
        match p.as_str() {
            "2024-06-30" => {
                assert_eq!(a, "2024-08-30");
                assert_eq!(text(&t, "disclosure", i), "full");
            }
            _ => {
                assert_eq!(a, "2024-10-25");
                assert_eq!(text(&t, "disclosure", i), "top10");
            }
        }
    }
    let i = (0..t.len())
        .find(|&i| text(&t, "stock", i) == "600519.SH" && date(&t, "period_end", i) == "2024-06-30")
        .unwrap();
    assert!((t.f64_col("weight")[i] - 0.08).abs() < 1e-12);
    assert!((t.f64_col("shares")[i] - 1e5).abs() < 1e-9);
    assert!((t.f64_col("market_value")[i] - 1e8).abs() < 1e-6);
    // point in time: on 2024-09-30 only the semi-annual report is known
    let seen = rotor_data::pit::as_of(&t, "2024-09-30".parse().unwrap());
    assert_eq!(seen.len(), 12);
}

/// A holdings file whose `weight` column is percent (no unit in its name) is divided by
/// 100 with a warning; a report summing to several times net assets is an error naming
/// the fund and period.
#[test]
fn holdings_weight_units_are_checked() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("fund_code,period_end,stock,weight\n");
    for k in 0..10 {
        csv.push_str(&format!(
            "000001,2024-03-31,60000{k},{}\n",
            9.0 - k as f64 * 0.5
        ));
    }
    std::fs::write(d.path().join("h.csv"), &csv).unwrap();
    let (_d, store, rep) = try_import(
        d.path(),
        vec![spec("h.csv", Dataset::FundHoldings, Preset::Generic)],
    );
    let rep = rep.unwrap();
    assert!(rep
        .warnings
        .iter()
        .any(|w| w.kind.as_str() == "percent_scale"));
    let t = store.read(Dataset::FundHoldings).unwrap();
    let max = t.f64_col("weight").iter().cloned().fold(0.0, f64::max);
    assert!((max - 0.09).abs() < 1e-12, "{max}");
    // two sane reports and one at 3× net assets
    let mut csv = String::from("fund_code,period_end,stock,weight\n");
    for (f, w) in [("000001", 0.08), ("000002", 0.3), ("000003", 0.07)] {
        for k in 0..10 {
            csv.push_str(&format!("{f},2024-03-31,60000{k},{w}\n"));
        }
    }
    std::fs::write(d.path().join("h2.csv"), &csv).unwrap();
    let (_d, store, rep) = try_import(
        d.path(),
        vec![spec("h2.csv", Dataset::FundHoldings, Preset::Generic)],
    );
    let e = rep.unwrap_err().to_string();
    assert!(
        e.contains("h2.csv") && e.contains("000002.OF") && e.contains("2024-03-31"),
        "{e}"
    );
    assert!(!store.has(Dataset::FundHoldings), "nothing written");
}
