//! The wide layout (a date column and one column per code): one stored row per filled
//! cell, a blank cell no row at all, and the row accounting saying so.

use rotor_data::import::{self, FileSpec, Layout};
use rotor_data::schema::{AssetType, Dataset};
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;

#[test]
fn wide_prices_store_one_row_per_filled_cell_and_none_for_a_blank() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("closes.csv");
    std::fs::write(
        &f,
        "date,510300.SH,510500.SH\n2024-01-02,3.5,\n2024-01-03,,5.1\n2024-01-04,3.6,5.2\n",
    )
    .unwrap();
    let mut spec = FileSpec::new(f.display().to_string(), Dataset::Prices);
    spec.layout = Layout::Wide;
    spec.asset_type = Some(AssetType::Etf);
    let store = Store::open(d.path().join("store")).unwrap();
    let files = import::plan(&[spec], d.path()).unwrap();
    let rep = import::run(&store, &files, ConflictPolicy::Keep, &|| {}).unwrap();
    let t = store.read(Dataset::Prices).unwrap();
    let codes: Vec<&str> = t
        .str_col("code")
        .iter()
        .map(|c| c.as_deref().unwrap())
        .collect();
    assert_eq!(codes, ["510300.SH", "510300.SH", "510500.SH", "510500.SH"]);
    let close = t.f64_col("close");
    assert_eq!(close, &[3.5, 3.6, 5.1, 5.2]);
    let a = &rep.accounts[0];
    assert_eq!((a.rows, a.observations, a.kept), (3, 4, 4), "{a:?}");
}
