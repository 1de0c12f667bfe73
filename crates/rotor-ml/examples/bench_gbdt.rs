//! GBDT training beside LightGBM on identical rows (issue 16: "no slower than LightGBM on
//! the same rows, out-of-sample RankIC no more than 0.005 below"). Generates a daily
//! panel (`days × 500` stocks, P features, a planted non-linear signal and noise), writes
//! it to `DIR/gbdt_rows.parquet` (day, f0.., y) for `bench/ml/peer_lightgbm.py`, trains
//! rotor's GBDT on the first 70 % of days with the next 10 % for early stopping, and
//! prints its time and the test days' mean RankIC.
//! `cargo run --release -p rotor-ml --example bench_gbdt -- DIR [days] [features]`
#![allow(clippy::disallowed_macros)]

use rotor_core::frame::{Column, Frame};
use rotor_core::ops::cross::spearman;
use rotor_ml::model::{AlphaModel, Gbdt, GbdtConfig, Rows};
use std::time::Instant;

const N: usize = 500;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("output folder"));
    let days: usize = args.next().map_or(400, |a| a.parse().expect("days"));
    let p: usize = args.next().map_or(50, |a| a.parse().expect("features"));
    let rows = days * N;
    let mut s: u64 = 42;
    let mut u = move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((s >> 11) as f64) / (1u64 << 53) as f64
    };
    let mut g = move || {
        let (a, b) = (u().max(1e-300), u());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    };
    let mut cols = vec![vec![0.0; rows]; p];
    let mut y = vec![0.0; rows];
    for r in 0..rows {
        for c in cols.iter_mut() {
            c[r] = g();
        }
        y[r] = 0.1 * cols[0][r] - 0.08 * cols[1][r] * cols[2][r] + 0.05 * cols[3][r].abs() + g();
    }
    std::fs::create_dir_all(&dir).expect("folder");
    let mut f = Frame::new("rows").with(
        "day",
        Column::Int((0..rows).map(|r| (r / N) as i64).collect()),
    );
    for (k, c) in cols.iter().enumerate() {
        f.push(format!("f{k}"), Column::Num(c.clone()));
    }
    f.push("y", Column::Num(y.clone()));
    rotor_data::parquet_io::write_frame(&f, &dir.join("gbdt_rows.parquet")).expect("write");
    let (tr, va) = (days * 7 / 10 * N, days * 8 / 10 * N);
    let slice = |a: usize, b: usize| -> Vec<f64> {
        cols.iter().flat_map(|c| c[a..b].iter().copied()).collect()
    };
    let (xt, xv, xs) = (slice(0, tr), slice(tr, va), slice(va, rows));
    let t0 = Instant::now();
    let mut m = Gbdt::new(GbdtConfig::default());
    m.fit(
        &Rows {
            data: &xt,
            rows: tr,
            cols: p,
        },
        &y[..tr],
        Some((
            &Rows {
                data: &xv,
                rows: va - tr,
                cols: p,
            },
            &y[tr..va],
        )),
    )
    .expect("fit");
    let secs = t0.elapsed().as_secs_f64();
    let pred = m
        .predict(&Rows {
            data: &xs,
            rows: rows - va,
            cols: p,
        })
        .expect("predict");
    let test_days = (rows - va) / N;
    let ic = (0..test_days)
        .map(|d| {
            spearman(
                &pred[d * N..(d + 1) * N],
                &y[va + d * N..va + (d + 1) * N],
                10,
            )
        })
        .sum::<f64>()
        / test_days as f64;
    println!(
        "{{\"tool\": \"rotor\", \"train_rows\": {tr}, \"features\": {p}, \"seconds\": {secs:.3}, \"rounds\": {:?}, \"test_rank_ic\": {ic:.5}}}",
        m.rounds()
    );
}
