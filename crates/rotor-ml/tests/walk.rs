//! Walk-forward GBDT and GRU on a simulated stock store: predictions of day t are
//! invariant to every price after t (the store-mutation test for the model strategies),
//! the windows keep the H-day gap, a cached run reproduces the first, and the sim's
//! planted stock alpha shows in the out-of-sample RankIC.

use rotor_core::ops::cross::spearman;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::Column;
use rotor_ml::gru::GruConfig;
use rotor_ml::model::GbdtConfig;
use rotor_ml::store::{build, FeatureJob};
use rotor_ml::walk::{walk_forward, ModelKind, WalkConfig};
use std::path::Path;

fn market(dir: &Path) {
    let cfg = rotor_sim::StockSimConfig {
        seed: 21,
        years: 2,
        n_stocks: 150,
        ..Default::default()
    };
    rotor_sim::write_stock_market(&cfg, dir).unwrap();
}

fn walk_cfg() -> WalkConfig {
    WalkConfig {
        min_train_days: 200,
        gbdt: GbdtConfig {
            iterations: 30,
            min_leaf_weight: 20.0,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A small GRU: 8 hidden units over 20 days, 2 epochs.
fn gru_cfg() -> WalkConfig {
    WalkConfig {
        model: ModelKind::Gru,
        gru: GruConfig {
            hidden: 8,
            seq_len: 20,
            epochs: 2,
            ..Default::default()
        },
        ..walk_cfg()
    }
}

#[test]
fn walk_forward_predictions_ignore_the_future_and_resume_from_the_cache() {
    let a = tempfile::tempdir().unwrap();
    market(a.path());
    let store = Store::open(a.path()).unwrap();
    for cfg in [walk_cfg(), gru_cfg()] {
        future_and_cache(&store, &cfg);
    }
}

fn future_and_cache(store: &Store, cfg: &WalkConfig) {
    let job = FeatureJob::default();
    let set = build(store, &job).unwrap();
    let cfg = cfg.clone();
    let cache = tempfile::tempdir().unwrap();
    let (pred, windows) = walk_forward(&set, &cfg, Some(cache.path()), &|_, _| {}).unwrap();
    assert!(windows.len() >= 2, "{windows:?}");
    for w in &windows {
        // the gap: the last labelled day (training or validation) is at least H + 1
        // trading days before the first prediction day
        let last = set.dates.iter().position(|d| *d == w.valid.1).unwrap();
        let first = set.dates.iter().position(|d| *d == w.predict.0).unwrap();
        assert!(first - last > cfg.horizon, "{w:?}");
        assert!(w.valid.0 > w.train.1 && w.rows.0 > 0 && w.rows.1 > 0 && !w.cached);
    }
    // the cache: a second run reads every window and predicts the same
    let (again, w2) = walk_forward(&set, &cfg, Some(cache.path()), &|_, _| {}).unwrap();
    assert!(w2.iter().all(|w| w.cached));
    assert!(pred
        .iter()
        .zip(&again)
        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan())));
    // mutate every close, volume and amount after day T of the second window
    let n = set.assets.len();
    let t_cut = set
        .dates
        .iter()
        .position(|d| *d == windows[1].predict.0)
        .unwrap()
        + 20;
    let cut = rotor_data::table::date_to_days(set.dates[t_cut]);
    let mut prices = store.read(Dataset::Prices).unwrap();
    let date: Vec<Option<i32>> = prices.date_col("date").to_vec();
    for (spec, col) in Dataset::Prices
        .columns()
        .iter()
        .zip(prices.columns.iter_mut())
    {
        if let (true, Column::F64(v)) = (["close", "volume", "amount"].contains(&spec.name), col) {
            for (i, x) in v.iter_mut().enumerate() {
                if date[i].is_some_and(|d| d > cut) {
                    *x *= 1.0 + 0.1 * ((i % 5) as f64 - 2.0) / 2.0;
                }
            }
        }
    }
    let b = tempfile::tempdir().unwrap();
    let changed = Store::open(b.path()).unwrap();
    changed
        .replace(vec![prices, store.read(Dataset::Valuation).unwrap()])
        .unwrap();
    let set2 = build(&changed, &job).unwrap();
    let (pred2, _) = walk_forward(&set2, &cfg, None, &|_, _| {}).unwrap();
    let mut same = 0;
    for t in 0..=t_cut {
        for j in 0..n {
            let (x, y) = (pred[t * n + j], pred2[t * n + j]);
            assert!(
                x == y || (x.is_nan() && y.is_nan()),
                "day {t} stock {j}: {x} vs {y}"
            );
            same += x.is_finite() as usize;
        }
    }
    assert!(same > 1000, "{same} predictions compared");
    let moved = (t_cut + 1..set.dates.len())
        .flat_map(|t| (0..n).map(move |j| t * n + j))
        .filter(|&k| pred[k] != pred2[k] && pred[k].is_finite())
        .count();
    assert!(
        moved > 0,
        "{:?}: the mutation changed no later prediction",
        cfg.model
    );
}

#[test]
fn the_planted_alpha_shows_out_of_sample() {
    // the sim pays 0.04 % a day per z of a hidden AR(1) signal; the price features carry
    // it only through past returns, so the out-of-sample RankIC is small but positive
    let a = tempfile::tempdir().unwrap();
    let cfg = rotor_sim::StockSimConfig {
        seed: 5,
        years: 3,
        n_stocks: 300,
        ..Default::default()
    };
    rotor_sim::write_stock_market(&cfg, a.path()).unwrap();
    let store = Store::open(a.path()).unwrap();
    let set = build(&store, &FeatureJob::default()).unwrap();
    let (pred, windows) = walk_forward(&set, &walk_cfg(), None, &|_, _| {}).unwrap();
    let n = set.assets.len();
    let first = set
        .dates
        .iter()
        .position(|d| *d == windows[0].predict.0)
        .unwrap();
    let ics: Vec<f64> = (first..set.dates.len())
        .map(|t| {
            spearman(
                &pred[t * n..(t + 1) * n],
                &set.labels[t * n..(t + 1) * n],
                30,
            )
        })
        .filter(|x| x.is_finite())
        .collect();
    let mean = ics.iter().sum::<f64>() / ics.len() as f64;
    eprintln!(
        "walk-forward GBDT on the sim: mean daily RankIC {mean:.4} over {} days",
        ics.len()
    );
    assert!(ics.len() > 300);
    assert!(mean > 0.0, "{mean}");
}

#[test]
fn a_gbdt_trains_only_on_the_given_members_and_still_predicts_every_stock() {
    let a = tempfile::tempdir().unwrap();
    market(a.path());
    let store = Store::open(a.path()).unwrap();
    let set = build(&store, &FeatureJob::default()).unwrap();
    let n = set.assets.len();
    // members: the even-numbered stocks
    let members: Vec<bool> = (0..set.dates.len() * n)
        .map(|k| (k % n).is_multiple_of(2))
        .collect();
    let all = walk_forward(&set, &walk_cfg(), None, &|_, _| {}).unwrap().1;
    let cfg = WalkConfig {
        gbdt_train_members: Some(members),
        ..walk_cfg()
    };
    let (pred, half) = walk_forward(&set, &cfg, None, &|_, _| {}).unwrap();
    for (w, h) in all.iter().zip(&half) {
        // the rows of the members, counted directly
        let days: Vec<usize> = (0..set.dates.len())
            .filter(|&t| set.dates[t] >= h.train.0 && set.dates[t] <= h.valid.1)
            .collect();
        assert!(h.rows.0 < w.rows.0 && h.rows.1 < w.rows.1, "{h:?} vs {w:?}");
        let labelled_even = days
            .iter()
            .flat_map(|&t| (0..n).map(move |j| (t, j)))
            .filter(|&(t, j)| {
                j % 2 == 0 && set.labels[t * n + j].is_finite() && set.close[t * n + j].is_finite()
            })
            .count();
        assert!(
            h.rows.0 + h.rows.1 <= labelled_even,
            "{h:?}: {labelled_even}"
        );
    }
    // odd stocks are still predicted
    let first = set
        .dates
        .iter()
        .position(|d| *d == half[0].predict.0)
        .unwrap();
    assert!((0..n)
        .filter(|j| !j.is_multiple_of(2))
        .any(|j| pred[first * n + j].is_finite()));
}
