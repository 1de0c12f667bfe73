//! GRU training beside PyTorch on identical sequences (issue 16: "one epoch on CPU within
//! 1.5× of PyTorch's, RankIC comparable"). Generates a daily panel (`days × 500` stocks,
//! D features, a planted signal in the last days of two features, noise), writes it to
//! `DIR/gru_panel.parquet` (day, stock, f0.., y) for `bench/ml/peer_gru.py`, trains
//! rotor's GRU (hidden 32, 40 days, batch 512, Adam 1e-3, a fixed number of epochs) on
//! the sequences ending on the first 70 % of days, validates on the next 10 %, and prints
//! the seconds per epoch and the test days' mean RankIC.
//! `cargo run --release -p rotor-ml --example bench_gru -- DIR [days] [features] [epochs]`
#![allow(clippy::disallowed_macros)]

use rotor_core::frame::{Column, Frame};
use rotor_core::ops::cross::spearman;
use rotor_ml::gru::{Gru, GruConfig, SeqSource};
use std::time::Instant;

const N: usize = 500;
const T: usize = 40;

/// Sequences of the panel ending on the listed (day, stock) cells.
struct Panel<'a> {
    x: &'a [f32], // [stock][day][feature]
    days: usize,
    d: usize,
    cells: Vec<(usize, usize)>,
}

impl SeqSource for Panel<'_> {
    fn len(&self) -> usize {
        self.cells.len()
    }
    fn n_feat(&self) -> usize {
        self.d
    }
    fn fill(&self, i: usize, out: &mut [f32]) {
        let (t, j) = self.cells[i];
        let start = (j * self.days + t + 1 - T) * self.d;
        out.copy_from_slice(&self.x[start..start + T * self.d]);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("output folder"));
    let days: usize = args.next().map_or(300, |a| a.parse().expect("days"));
    let d: usize = args.next().map_or(8, |a| a.parse().expect("features"));
    let epochs: usize = args.next().map_or(3, |a| a.parse().expect("epochs"));
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
    let x: Vec<f32> = (0..N * days * d).map(|_| g() as f32).collect();
    let at = |j: usize, t: usize, f: usize| x[(j * days + t) * d + f] as f64;
    // y on day t: the mean of f0 over the last 5 days, minus f1 ten days ago, plus noise
    let mut y = vec![f64::NAN; days * N];
    for t in T - 1..days {
        for j in 0..N {
            let m5 = (0..5).map(|k| at(j, t - k, 0)).sum::<f64>() / 5.0;
            y[t * N + j] = 0.3 * m5 - 0.15 * at(j, t - 10, 1) + g();
        }
    }
    std::fs::create_dir_all(&dir).expect("folder");
    let mut f = Frame::new("panel")
        .with(
            "day",
            Column::Int((0..days * N).map(|r| (r / N) as i64).collect()),
        )
        .with(
            "stock",
            Column::Int((0..days * N).map(|r| (r % N) as i64).collect()),
        );
    for k in 0..d {
        f.push(
            format!("f{k}"),
            Column::Num((0..days * N).map(|r| at(r % N, r / N, k)).collect()),
        );
    }
    f.push("y", Column::Num(y.clone()));
    rotor_data::parquet_io::write_frame(&f, &dir.join("gru_panel.parquet")).expect("write");
    let (tr, va) = (days * 7 / 10, days * 8 / 10);
    let cells = |a: usize, b: usize| -> Vec<(usize, usize)> {
        (a.max(T - 1)..b)
            .flat_map(|t| (0..N).map(move |j| (t, j)))
            .collect()
    };
    let src = |c: Vec<(usize, usize)>| Panel {
        x: &x,
        days,
        d,
        cells: c,
    };
    let (st, sv, ss) = (src(cells(0, tr)), src(cells(tr, va)), src(cells(va, days)));
    let target =
        |p: &Panel<'_>| -> Vec<f64> { p.cells.iter().map(|&(t, j)| y[t * N + j]).collect() };
    let (yt, yv) = (target(&st), target(&sv));
    let cfg = GruConfig {
        hidden: 32,
        seq_len: T,
        epochs,
        batch: 512,
        patience: epochs + 1,
        ..Default::default()
    };
    let t0 = Instant::now();
    let mut m = Gru::new(cfg, d);
    m.fit_seq(&st, &yt, Some((&sv, &yv)), &|e, a, b| {
        eprintln!("rotor epoch {e}: train {a:.4} valid {b:.4}")
    })
    .expect("fit");
    let secs = t0.elapsed().as_secs_f64();
    let pred = m.predict_seq(&ss);
    let test_days = days - va;
    let ic = (0..test_days)
        .map(|k| {
            let t = va + k;
            spearman(&pred[k * N..(k + 1) * N], &y[t * N..(t + 1) * N], 10)
        })
        .sum::<f64>()
        / test_days as f64;
    println!(
        "{{\"tool\": \"rotor\", \"train_sequences\": {}, \"features\": {d}, \"epochs\": {epochs}, \"seconds_per_epoch\": {:.3}, \"test_rank_ic\": {ic:.5}}}",
        st.len(),
        secs / epochs as f64
    );
}
