//! Features and labels from a stock store: the store-mutation look-ahead test (changing
//! every price after day T leaves every feature up to T and every label whose horizon
//! ends by T unchanged), standardisation bounds, and the written files.

use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::Column;
use rotor_ml::store::{build, write, FeatureJob};
use std::path::Path;

fn market(dir: &Path) {
    let cfg = rotor_sim::StockSimConfig {
        seed: 11,
        years: 1,
        n_stocks: 120,
        ..Default::default()
    };
    rotor_sim::write_stock_market(&cfg, dir).unwrap();
}

#[test]
fn features_up_to_t_ignore_every_price_after_t() {
    let a = tempfile::tempdir().unwrap();
    market(a.path());
    let store = Store::open(a.path()).unwrap();
    let job = FeatureJob::default();
    let base = build(&store, &job).unwrap();
    let cut = base.dates[150];
    // every close, volume and amount after `cut` scaled by a factor varying by row (the
    // preclose left alone, so the day's returns change too)
    let mut prices = store.read(Dataset::Prices).unwrap();
    let date: Vec<Option<i32>> = prices.date_col("date").to_vec();
    let cut_days = rotor_data::table::date_to_days(cut);
    let specs = Dataset::Prices.columns();
    for (spec, col) in specs.iter().zip(prices.columns.iter_mut()) {
        if !["close", "volume", "amount"].contains(&spec.name) {
            continue;
        }
        if let Column::F64(v) = col {
            for (i, x) in v.iter_mut().enumerate() {
                if date[i].is_some_and(|d| d > cut_days) {
                    *x *= 1.0 + 0.1 * ((i % 7) as f64 - 3.0) / 3.0;
                }
            }
        }
    }
    let b = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(b.path()).unwrap();
    let changed = Store::open(b.path()).unwrap();
    changed
        .replace(vec![prices, store.read(Dataset::Valuation).unwrap()])
        .unwrap();
    let other = build(&changed, &job).unwrap();
    assert_eq!(base.assets, other.assets);
    let (n, t_len, nf) = (
        base.assets.len(),
        base.dates.len(),
        base.features.names.len(),
    );
    let mut compared = 0;
    for j in 0..n {
        for f in 0..nf {
            for t in 0..=150 {
                let (x, y) = (base.features.get(j, f, t), other.features.get(j, f, t));
                assert!(
                    x == y || (x.is_nan() && y.is_nan()),
                    "{} {} day {t}: {x} vs {y}",
                    base.assets[j],
                    base.features.names[f]
                );
                compared += x.is_finite() as usize;
            }
        }
    }
    assert!(compared > 100_000, "{compared} finite features compared");
    // labels whose horizon ends by the cut are unchanged; later ones moved
    let h = job.horizon;
    for t in 0..=150 - h {
        for j in 0..n {
            let (x, y) = (base.labels[t * n + j], other.labels[t * n + j]);
            assert!(x == y || (x.is_nan() && y.is_nan()));
        }
    }
    let moved = (151..t_len - h)
        .flat_map(|t| (0..n).map(move |j| t * n + j))
        .filter(|&k| base.labels[k] != other.labels[k] && base.labels[k].is_finite())
        .count();
    assert!(moved > 1000, "the mutation reached {moved} later labels");
    // the test can fail: the features after the cut did change
    let later = (0..n)
        .filter(|&j| base.features.get(j, 0, 200) != other.features.get(j, 0, 200))
        .count();
    assert!(later > 0);
}

#[test]
fn standardised_features_lie_within_three_and_files_hold_every_row() {
    let a = tempfile::tempdir().unwrap();
    market(a.path());
    let store = Store::open(a.path()).unwrap();
    let set = build(&store, &FeatureJob::default()).unwrap();
    assert!(set
        .features
        .values
        .iter()
        .filter(|x| x.is_finite())
        .all(|x| x.abs() <= 3.0));
    // volume and turnover features exist (the sim stores both); k-line ones do not
    assert!(set.features.names.iter().any(|x| x == "vma_20"));
    assert!(set.features.names.iter().any(|x| x == "turn_60"));
    assert!(set.notes.iter().any(|x| x.starts_with("k-line")));
    // each day's labels are uniform on (−0.5, 0.5): mean 0
    let n = set.assets.len();
    for t in 0..set.dates.len() {
        let row: Vec<f64> = set.labels[t * n..(t + 1) * n]
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        if !row.is_empty() {
            let m = row.iter().sum::<f64>() / row.len() as f64;
            assert!(m.abs() < 1e-12 && row.iter().all(|x| x.abs() < 0.5));
        }
    }
    let out = tempfile::tempdir().unwrap();
    let (rows, labels) = write(&set, None, out.path()).unwrap();
    let closes = set.close.iter().filter(|x| x.is_finite()).count();
    assert_eq!(rows, closes);
    assert_eq!(labels, set.labels.iter().filter(|x| x.is_finite()).count());
    assert!(out.path().join("features.parquet").exists());
    assert!(out.path().join("labels.parquet").exists());
}
