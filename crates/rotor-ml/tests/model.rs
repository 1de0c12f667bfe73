//! The GBDT behind `AlphaModel`: a planted signal is recovered out of sample, a model
//! trained on shuffled labels has no RankIC (SPEC §15's test), the same rows give the same
//! trees, a saved model predicts what it predicted, and bad inputs are refused.

use rotor_core::ops::cross::spearman;
use rotor_ml::model::{AlphaModel, Gbdt, GbdtConfig, Rows};

const N: usize = 200; // stocks per day
const P: usize = 8; // features

/// A deterministic uniform stream.
fn stream(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64) / (1u64 << 53) as f64
    }
}

/// `days × N` rows (day-major) of P features, and the target `0.3·x0 − 0.25·x1·x2 +
/// 0.1·x3 + noise` (noise sd 1): a daily RankIC near 0.3 is there to find.
fn panel(days: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut u = stream(seed);
    let mut g = move || {
        // Box–Muller
        let (a, b) = (u().max(1e-300), u());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    };
    let rows = days * N;
    let mut cols = vec![vec![0.0; rows]; P];
    let mut y = vec![0.0; rows];
    for r in 0..rows {
        for c in cols.iter_mut() {
            c[r] = g();
        }
        if r % 17 == 3 {
            cols[5][r] = f64::NAN;
        }
        y[r] = 0.3 * cols[0][r] - 0.25 * cols[1][r] * cols[2][r] + 0.1 * cols[3][r] + g();
    }
    (cols, y)
}

/// Column-major data of rows `a..b`.
fn slice(cols: &[Vec<f64>], a: usize, b: usize) -> Vec<f64> {
    cols.iter().flat_map(|c| c[a..b].iter().copied()).collect()
}

/// Mean over days of the cross-sectional Spearman correlation.
fn mean_rank_ic(pred: &[f64], y: &[f64]) -> f64 {
    let days = y.len() / N;
    (0..days)
        .map(|d| spearman(&pred[d * N..(d + 1) * N], &y[d * N..(d + 1) * N], 10))
        .sum::<f64>()
        / days as f64
}

fn small() -> GbdtConfig {
    GbdtConfig {
        iterations: 150,
        ..Default::default()
    }
}

#[test]
fn a_planted_signal_is_found_and_shuffled_labels_find_nothing() {
    let (cols, y) = panel(760, 7);
    let (train, valid, test) = (200 * N, 260 * N, 760 * N);
    let (xt, xv, xs) = (
        slice(&cols, 0, train),
        slice(&cols, train, valid),
        slice(&cols, valid, test),
    );
    fn rows(d: &[f64]) -> Rows<'_> {
        Rows {
            data: d,
            rows: d.len() / P,
            cols: P,
        }
    }
    let (rt, rv, rs) = (rows(&xt), rows(&xv), rows(&xs));
    let mut m = Gbdt::new(small());
    m.fit(&rt, &y[..train], Some((&rv, &y[train..valid])))
        .unwrap();
    let ic = mean_rank_ic(&m.predict(&rs).unwrap(), &y[valid..test]);
    eprintln!(
        "planted: out-of-sample mean RankIC {ic:.4}, rounds {:?}",
        m.rounds()
    );
    assert!(ic > 0.2, "{ic}");
    // every label shuffled across the whole panel (one fixed permutation): no feature
    // says anything about any label, so a model trained on them can score no RankIC
    // against them out of sample — unless something leaks
    let mut u = stream(99);
    let mut ys = y.clone();
    for i in (1..ys.len()).rev() {
        let j = (u() * (i + 1) as f64) as usize;
        ys.swap(i, j.min(i));
    }
    let mut s = Gbdt::new(small());
    s.fit(&rt, &ys[..train], Some((&rv, &ys[train..valid])))
        .unwrap();
    let ic = mean_rank_ic(&s.predict(&rs).unwrap(), &ys[valid..test]);
    eprintln!(
        "shuffled: out-of-sample mean RankIC {ic:.4}, rounds {:?}",
        s.rounds()
    );
    assert!(ic.abs() < 0.01, "{ic}");
}

#[test]
fn same_rows_same_trees_and_a_saved_model_predicts_the_same() {
    let (cols, y) = panel(60, 3);
    let x = slice(&cols, 0, 60 * N);
    let r = Rows {
        data: &x,
        rows: 60 * N,
        cols: P,
    };
    let cfg = GbdtConfig {
        iterations: 40,
        ..Default::default()
    };
    let (mut a, mut b) = (Gbdt::new(cfg.clone()), Gbdt::new(cfg));
    a.fit(&r, &y, None).unwrap();
    b.fit(&r, &y, None).unwrap();
    let pa = a.predict(&r).unwrap();
    assert_eq!(pa, b.predict(&r).unwrap());
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("gbdt.json");
    a.save(&path).unwrap();
    let c = Gbdt::load(&path).unwrap();
    assert_eq!(pa, c.predict(&r).unwrap());
    assert_eq!(c.rounds().0, 40);
}

#[test]
fn bad_inputs_are_refused_with_what_is_wrong() {
    let x = vec![0.0; 10];
    let r = Rows {
        data: &x,
        rows: 5,
        cols: 2,
    };
    let mut m = Gbdt::new(GbdtConfig::default());
    let e = m.predict(&r).unwrap_err();
    assert!(e.to_string().contains("not trained"));
    let e = m.fit(&r, &[0.0; 4], None).unwrap_err();
    assert!(e.to_string().contains("4 targets for 5 rows"), "{e}");
    let e = m
        .fit(&r, &[0.0, 1.0, f64::NAN, 0.0, 0.0], None)
        .unwrap_err();
    assert!(e.to_string().contains("row 2"), "{e}");
    let bad = Rows {
        data: &x,
        rows: 4,
        cols: 2,
    };
    assert!(m.fit(&bad, &[0.0; 4], None).is_err());
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("x.json"), "{}").unwrap();
    let e = Gbdt::load(&d.path().join("x.json")).err().unwrap();
    assert!(e.to_string().contains("not a rotor GBDT model"), "{e}");
}

/// The GRU behind the same trait: the eight columns read as 4 days × 2 features
/// (column `s·2 + f`), the same planted target and the same shuffle.
#[test]
fn the_gru_finds_the_planted_signal_and_nothing_in_shuffled_labels() {
    use rotor_ml::gru::{Gru, GruConfig};
    let (cols, y) = panel(760, 7);
    let (train, valid, test) = (200 * N, 260 * N, 760 * N);
    let (xt, xv, xs) = (
        slice(&cols, 0, train),
        slice(&cols, train, valid),
        slice(&cols, valid, test),
    );
    let rows = |d: &[f64]| d.len() / P;
    let cfg = GruConfig {
        hidden: 16,
        seq_len: 4,
        epochs: 8,
        learning_rate: 3e-3,
        ..Default::default()
    };
    let fit_ic = |ys: &[f64]| {
        let (rt, rv, rs) = (
            Rows {
                data: &xt,
                rows: rows(&xt),
                cols: P,
            },
            Rows {
                data: &xv,
                rows: rows(&xv),
                cols: P,
            },
            Rows {
                data: &xs,
                rows: rows(&xs),
                cols: P,
            },
        );
        let mut m = Gru::new(cfg.clone(), 2);
        m.fit(&rt, &ys[..train], Some((&rv, &ys[train..valid])))
            .unwrap();
        (
            mean_rank_ic(&m.predict(&rs).unwrap(), &ys[valid..test]),
            m.epochs(),
        )
    };
    let (ic, ep) = fit_ic(&y);
    eprintln!("GRU planted: out-of-sample mean RankIC {ic:.4}, epochs {ep:?}");
    assert!(ic > 0.15, "{ic}");
    let mut u = stream(99);
    let mut ys = y.clone();
    for i in (1..ys.len()).rev() {
        let j = (u() * (i + 1) as f64) as usize;
        ys.swap(i, j.min(i));
    }
    let (ic, ep) = fit_ic(&ys);
    eprintln!("GRU shuffled: out-of-sample mean RankIC {ic:.4}, epochs {ep:?}");
    assert!(ic.abs() < 0.01, "{ic}");
}
