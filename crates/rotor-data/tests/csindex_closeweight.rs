//! csindex "closeweight" files — bilingual headers (`日期Date`, `指数代码 Index Code`,
//! `成分券代码Constituent Code`, `权重(%)weight`), weights in percent, six-digit member
//! codes with an exchange column — import as weight snapshots in fractions, with no
//! mapping keys.

mod common;

use common::try_import;
use rotor_data::import::FileSpec;
use rotor_data::schema::Dataset;

const FILE: &str = "日期Date,指数代码 Index Code,指数名称 Index Name,指数英文名称Index English Name,成分券代码Constituent Code,成分券名称Constituent Name,成分券英文名称Constituent English Name,交易所Exchange,交易所英文名称Exchange English Name,权重(%)weight
20241129,000300,沪深300,CSI 300,600519,贵州茅台,Kweichow Moutai,上海证券交易所,Shanghai Stock Exchange,50.0
20241129,000300,沪深300,CSI 300,000001,平安银行,Ping An Bank,深圳证券交易所,Shenzhen Stock Exchange,30.0
20241129,000300,沪深300,CSI 300,300750,宁德时代,CATL,深圳证券交易所,Shenzhen Stock Exchange,20.0
";

#[test]
fn a_closeweight_file_imports_without_mapping_keys() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("000300closeweight.csv");
    std::fs::write(&path, FILE).unwrap();
    let spec = FileSpec::new(path.display().to_string(), Dataset::Weights);
    let (_s, store, rep) = try_import(d.path(), vec![spec]);
    let rep = rep.unwrap();
    assert_eq!(rep.accounts[0].kept, 3);
    let t = store.read(Dataset::Weights).unwrap();
    let codes: Vec<String> = t
        .str_col("code")
        .iter()
        .map(|c| c.as_deref().unwrap().to_string())
        .collect();
    assert_eq!(codes, vec!["000001.SZ", "300750.SZ", "600519.SH"]);
    let idx: Vec<&str> = t
        .str_col("index_code")
        .iter()
        .map(|c| c.as_deref().unwrap())
        .collect();
    assert!(idx.iter().all(|c| *c == "000300.SH"), "{idx:?}");
    let w = t.f64_col("weight");
    assert!(
        (w.iter().sum::<f64>() - 1.0).abs() < 1e-12,
        "percent divided by 100: {w:?}"
    );
    assert!((w[2] - 0.5).abs() < 1e-12);
}
