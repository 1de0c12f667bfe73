//! Importers on the real China bundle in `../shared/data`. Every test skips with a
//! printed reason when the bundle is absent, so a fresh clone still passes.

mod common;

use common::raw;
use rotor_data::import::{self, FileSpec, Preset};
use rotor_data::panel::read_panel;
use rotor_data::schema::{AssetType, Dataset};
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;
use std::path::PathBuf;

fn import(
    root: &std::path::Path,
    specs: Vec<FileSpec>,
) -> (tempfile::TempDir, Store, import::ImportReport) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store")).unwrap();
    let files = import::plan(&specs, root).unwrap();
    let rep = import::run(&store, &files, ConflictPolicy::Keep, &|| {}).unwrap();
    (dir, store, rep)
}

fn spec(
    path: &str,
    ds: Dataset,
    preset: Preset,
    asset: Option<AssetType>,
    source: &str,
) -> FileSpec {
    let mut s = FileSpec::new(path, ds);
    s.preset = preset;
    s.asset_type = asset;
    s.source = Some(source.into());
    s
}

fn kinds(rep: &import::ImportReport) -> Vec<String> {
    let mut k: Vec<String> = rep.warnings.iter().map(|w| w.kind.to_string()).collect();
    k.sort();
    k.dedup();
    k
}

fn close_on(store: &Store, code: &str, source: &str, date: &str) -> f64 {
    let p = read_panel(
        store,
        Dataset::Prices,
        "close",
        Some(&[code.to_string()]),
        &[source.to_string()],
    )
    .unwrap();
    let d: chrono::NaiveDate = date.parse().unwrap();
    let t = p
        .dates
        .iter()
        .position(|x| *x == d)
        .unwrap_or_else(|| panic!("{code} has no {date}"));
    p.get(t, 0)
}

#[test]
fn csi300_closes_from_three_sources_agree() {
    let Some(root) = raw() else { return };
    let mut a = spec(
        "quantsplaybook/alligator_index_rotation/daily.parquet",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Index),
        "tushare",
    );
    a.code = None;
    // the re-export's amounts are ×10 (found by the level check against csindex)
    a.scale.insert("amount".into(), 0.1);
    let mut b = spec(
        "ai_theme_monitor/000300.csv",
        Dataset::Prices,
        Preset::Csindex,
        Some(AssetType::Index),
        "csindex",
    );
    b.code_from_filename = true;
    let mut c = spec(
        "all_weather_portfolio/hs300_idx.csv",
        Dataset::Prices,
        Preset::Akshare,
        Some(AssetType::Index),
        "akshare",
    );
    c.code = Some("000300".into());
    let (_d, store, _) = import(&root, vec![a, b, c]);
    let t = store.read(Dataset::Prices).unwrap();
    let codes = t.str_col("code");
    let srcs = t.str_col("source");
    let dates = t.date_col("date");
    let close = t.f64_col("close");
    let mut by: std::collections::BTreeMap<i32, Vec<(String, f64)>> = Default::default();
    for i in 0..t.len() {
        if codes[i].as_deref() == Some("000300.SH") {
            by.entry(dates[i].unwrap())
                .or_default()
                .push((srcs[i].clone().unwrap().to_string(), close[i]));
        }
    }
    let overlap: Vec<_> = by.values().filter(|v| v.len() == 3).collect();
    assert!(
        overlap.len() > 2000,
        "overlap of the three sources: {} days",
        overlap.len()
    );
    let mut worst = 0f64;
    for v in overlap {
        for x in v {
            for y in v {
                worst = worst.max((x.1 / y.1 - 1.0).abs());
            }
        }
    }
    assert!(worst < 1e-5, "largest relative disagreement {worst:e}");
}

#[test]
fn csi300_yearly_returns_match_the_source_report() {
    let Some(root) = raw() else { return };
    let mut a = spec(
        "quantsplaybook/alligator_index_rotation/daily.parquet",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Index),
        "tushare",
    );
    a.scale.insert("amount".into(), 0.1);
    let mut b = spec(
        "ai_theme_monitor/000300.csv",
        Dataset::Prices,
        Preset::Csindex,
        Some(AssetType::Index),
        "csindex",
    );
    b.code_from_filename = true;
    let (_d, store, _) = import(&root, vec![a, b]);
    let r = |src, from, to| {
        close_on(&store, "000300.SH", src, to) / close_on(&store, "000300.SH", src, from) - 1.0
    };
    assert!((100.0 * r("tushare", "2012-12-31", "2013-12-31") - (-7.65)).abs() < 0.005);
    assert!((100.0 * r("tushare", "2013-12-31", "2014-12-31") - 51.66).abs() < 0.005);
    assert!((100.0 * r("csindex", "2024-12-31", "2025-09-30") - 17.94).abs() < 0.005);
}

#[test]
fn csindex_fake_holiday_row_is_dropped_and_amount_scaled() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "ai_theme_monitor/931071.csv",
        Dataset::Prices,
        Preset::Csindex,
        Some(AssetType::Index),
        "csindex",
    );
    s.code_from_filename = true;
    let (_d, store, rep) = import(&root, vec![s]);
    assert!(
        kinds(&rep).contains(&"holiday_row".to_string()),
        "{:?}",
        kinds(&rep)
    );
    let t = store.read(Dataset::Prices).unwrap();
    let first = rotor_data::table::days_to_date(t.date_col("date")[0].unwrap());
    assert_eq!(first.to_string(), "2015-01-05");
    assert_eq!(t.str_col("code")[0].as_deref(), Some("931071.CSI"));
    assert!(
        (t.f64_col("amount")[0] - 110.4e8).abs() < 1.0,
        "amount_yi is 1e8 CNY"
    );
}

#[test]
fn lixinger_eq_cells_descending_dates_and_footer() {
    let Some(root) = raw() else { return };
    let mut s = spec(
        "style_rotation_lixinger/*PE-TTM*.csv",
        Dataset::Valuation,
        Preset::Lixinger,
        Some(AssetType::Index),
        "lixinger",
    );
    s.code = Some("000922".into());
    let (_d, store, rep) = import(&root, vec![s]);
    let k = kinds(&rep);
    for want in ["descending", "eq_prefix", "footer"] {
        assert!(k.contains(&want.to_string()), "{want} missing from {k:?}");
    }
    let t = store.read(Dataset::Valuation).unwrap();
    assert_eq!(t.len(), 2429);
    let last = t.len() - 1;
    assert!((t.f64_col("pe_ttm")[last] - 8.7460).abs() < 1e-12);
    assert!(
        (t.f64_col("pe_pct")[last] - 0.8390).abs() < 1e-12,
        "lixinger percentiles are already in [0,1]"
    );
}

#[test]
fn akshare_etfs_tushare_back_adjusted_and_wind_xlsx() {
    let Some(root) = raw() else { return };
    let mut e = spec(
        "multifactor_etf/etf/5100*.csv",
        Dataset::Prices,
        Preset::Akshare,
        Some(AssetType::Etf),
        "akshare",
    );
    e.code_from_filename = true;
    let mut h = spec(
        "quantsplaybook/mlt_tsmom/hfq_price.csv",
        Dataset::Prices,
        Preset::Tushare,
        Some(AssetType::Etf),
        "tushare",
    );
    h.adjust = Some(rotor_data::schema::AdjKind::Back);
    let mut w = spec(
        "policy_rates_wind/R007.xlsx",
        Dataset::Macro,
        Preset::Wind,
        None,
        "wind",
    );
    w.period = Some(import::Period::Day);
    let (_d, store, _) = import(&root, vec![e, h, w]);
    let t = store.read(Dataset::Prices).unwrap();
    let codes = t.str_col("code");
    let i = (0..t.len())
        .find(|&i| {
            codes[i].as_deref() == Some("510300.SH")
                && t.str_col("source")[i].as_deref() == Some("tushare")
        })
        .unwrap();
    // tushare vol is in lots of 100, amount in thousand CNY
    assert_eq!(t.str_col("adj_kind")[i].as_deref(), Some("back"));
    let v = t.f64_col("volume")[i];
    let a = t.f64_col("amount")[i];
    let c = t.f64_col("close")[i];
    assert!(
        v > 1e6 && (a / (v * c)).abs() < 10.0,
        "volume {v}, amount {a}"
    );
    let m = store.read(Dataset::Macro).unwrap();
    let ids: std::collections::BTreeSet<_> =
        m.str_col("series_id").iter().flatten().cloned().collect();
    assert!(ids.contains("R007") && ids.contains("DR007"), "{ids:?}");
}

#[test]
fn macro_csv_gets_spec_lags_and_dashboard_json_release_dates() {
    let Some(root) = raw() else { return };
    let mut m = FileSpec::new("china_econ_data/money_supply.csv", Dataset::Macro);
    m.series.insert("m2_yoy".into(), "cn.m2_yoy".into());
    m.period = Some(import::Period::Month);
    let j = FileSpec::new("china_macro_dashboard/series_data.json", Dataset::Macro);
    let (_d, store, _) = import(&root, vec![m, j]);
    let t = store.read(Dataset::Macro).unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let seen = |t: &rotor_data::table::Table, at: &str| {
        let v = rotor_data::pit::as_of(t, d(at));
        let ids = v.str_col("series_id");
        let p = v.date_col("period");
        (0..v.len())
            .filter(|&i| ids[i].as_deref() == Some("cn.m2_yoy"))
            .filter_map(|i| p[i])
            .max()
            .map(rotor_data::table::days_to_date)
    };
    // January 2025 M2 (period 2025-01-31) is known from the last weekday of February only
    assert_eq!(seen(&t, "2025-02-27"), Some(d("2024-12-31")));
    assert_eq!(seen(&t, "2025-02-28"), Some(d("2025-01-31")));
    let rules = t.str_col("lag_rule");
    assert!(
        rules.iter().any(|r| r.as_deref() == Some("reported")),
        "the dashboard's mid-month dates are release dates"
    );
}

#[test]
fn whole_bundle_imports_with_documented_warnings_and_checks_clean() {
    let Some(root) = raw() else { return };
    let mapping =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/china_bundle.toml");
    let mf = import::load_mapping(&mapping).unwrap();
    let (_d, store, rep) = import(&root, mf.imports);
    assert!(
        rep.files > 1200 && rep.rows > 1_500_000,
        "{} files {} rows",
        rep.files,
        rep.rows
    );
    let k = kinds(&rep);
    for want in [
        "descending",
        "eq_prefix",
        "footer",
        "holiday_row",
        "non_positive",
        "unit_jump",
        "percent_scale",
    ] {
        assert!(k.contains(&want.to_string()), "{want} missing from {k:?}");
    }
    let cal = rotor_data::panel::calendar_from_store(&store, "000300.SH").unwrap();
    let chk = rotor_data::check::check(&store, Some(("000300.SH", &cal))).unwrap();
    assert_eq!(
        chk.errors(),
        0,
        "{:?}",
        chk.findings
            .iter()
            .filter(|f| f.severity == rotor_data::check::Severity::Error)
            .collect::<Vec<_>>()
    );
    let has = |kind: &str, series: &str| {
        chk.findings
            .iter()
            .any(|f| f.kind.as_str() == kind && f.series.starts_with(series))
    };
    assert!(
        has("source_disagreement", "000300.SH"),
        "the intraday 2026-03-16 value of gupiao"
    );
    assert!(
        has("outlier_value", "cn.cgb_30y"),
        "the absurd 30Y values of April 2002"
    );
    // gupiao's last two amounts are in 千元: left out at import, not stored
    assert!(rep.warnings.iter().any(|w| w.kind.as_str() == "unit_jump"
        && w.file.ends_with("gupiao/000300.SH.csv")
        && w.message
            .contains("amount set to missing on the 2 row(s) 2026-03-17")));
    assert!(!has("level_mismatch", ""), "levels agree across sources");
    // re-import adds nothing
    let files = import::plan(&import::load_mapping(&mapping).unwrap().imports, &root).unwrap();
    let again = import::run(&store, &files, ConflictPolicy::Keep, &|| {}).unwrap();
    assert!(again
        .commit
        .stats
        .values()
        .all(|s| s.added == 0 && s.replaced == 0));
}
