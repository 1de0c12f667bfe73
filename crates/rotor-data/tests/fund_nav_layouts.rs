//! Fund NAV files as vendors write them: Tushare `fund_nav` imports with the preset
//! alone (nav_date → date, unit_nav → close, adj_nav → tr_close, ann_date →
//! available_at: a NAV is known when it is published), and an AKShare unit-NAV file
//! without a total-return column is imported with a warning that distributions would
//! read as losses.

use rotor_data::import::{self, FileSpec, Preset};
use rotor_data::schema::{AssetType, Dataset};
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;

fn import_one(
    name: &str,
    body: &str,
    preset: Preset,
) -> (tempfile::TempDir, Store, import::ImportReport) {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join(name);
    std::fs::write(&path, body).unwrap();
    let mut spec = FileSpec::new(path.display().to_string(), Dataset::Prices);
    spec.preset = preset;
    spec.asset_type = Some(AssetType::Fund);
    if name.ends_with("000001.csv") {
        spec.code_from_filename = true;
    }
    let store = Store::open(d.path().join("store")).unwrap();
    let files = import::plan(&[spec], d.path()).unwrap();
    let rep = import::run_with(
        &store,
        &files,
        ConflictPolicy::Keep,
        &Default::default(),
        &|| {},
    )
    .unwrap();
    (d, store, rep)
}

#[test]
fn tushare_fund_nav_imports_with_the_preset_alone() {
    let body =
        "ts_code,ann_date,nav_date,unit_nav,accum_nav,accum_div,net_asset,total_netasset,adj_nav
000001.OF,20240105,20240104,1.1000,3.5000,,1e9,1e9,7.1000
000001.OF,20240104,20240103,1.0900,3.4900,0.12,1e9,1e9,7.0355
000001.OF,20240103,20240102,1.2000,3.4800,,1e9,1e9,7.0000
";
    let (_d, store, rep) = import_one("fund_nav.csv", body, Preset::Tushare);
    assert_eq!(rep.accounts[0].kept, 3);
    assert!(!rep
        .warnings
        .iter()
        .any(|w| w.kind.as_str() == "fund_nav_only"));
    let t = store.read(Dataset::Prices).unwrap();
    assert_eq!(t.str_col("asset_type")[0].as_deref(), Some("fund"));
    assert_eq!(t.str_col("code")[0].as_deref(), Some("000001.OF"));
    let (close, tr) = (t.f64_col("close"), t.f64_col("tr_close"));
    // the distribution day: the unit NAV falls 9.2 %, the total return is +0.5 %
    assert!((close[1] / close[0] - 1.0) < -0.09);
    assert_eq!((tr[0], tr[1]), (7.0, 7.0355), "adj_nav stored as tr_close");
    assert!(tr[1] / tr[0] - 1.0 > 0.005);
    let avail = t.date_col("available_at");
    let date = t.date_col("date");
    assert!(
        (0..3).all(|i| avail[i].unwrap() == date[i].unwrap() + 1),
        "published the next day"
    );
}

#[test]
fn a_unit_nav_file_without_total_return_is_said() {
    let body = "净值日期,单位净值,日增长率\n2024-01-02,1.2,0.0\n2024-01-03,1.09,0.5\n";
    let (_d, _store, rep) = import_one("000001.csv", body, Preset::Akshare);
    let w: Vec<_> = rep
        .warnings
        .iter()
        .filter(|w| w.kind.as_str() == "fund_nav_only")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", rep.warnings);
    assert!(
        w[0].message.contains("rotor funds import"),
        "{}",
        w[0].message
    );
}
