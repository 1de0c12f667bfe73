//! Rolling-OLS benchmark on the inputs of `bench/funds/rolling.py`: every fund's rolling
//! regression (window 250, min 200, a constant and 6 regressors), timed, and the largest
//! difference from statsmodels' coefficients when its output is present.
//!
//!     cargo run --release -p rotor-funds --example bench_rolling -- DIR
#![allow(clippy::disallowed_macros)]

use rayon::prelude::*;
use rotor_funds::rolling::rolling_ols;
use std::time::Instant;

fn read(p: &std::path::Path) -> Vec<f64> {
    std::fs::read(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect()
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let v: Vec<usize> = std::fs::read_to_string(dir.join("shape.txt"))
        .expect("shape.txt")
        .split_whitespace()
        .map(|x| x.parse().expect("int"))
        .collect();
    let (f, t, p, w, m) = (v[0], v[1], v[2], v[3], v[4]);
    let x = read(&dir.join("x.bin"));
    let y = read(&dir.join("y.bin"));
    let t0 = Instant::now();
    let fits: Vec<_> = (0..f)
        .into_par_iter()
        .map(|k| {
            let yk: Vec<f64> = (0..t).map(|s| y[s * f + k]).collect();
            rolling_ols(&yk, &x, p, w, m, true)
        })
        .collect();
    println!(
        "rotor rolling OLS: {:.3} s ({f} funds x {t} days, {p} regressors + constant)",
        t0.elapsed().as_secs_f64()
    );
    let sm = dir.join("statsmodels.bin");
    if sm.exists() {
        let s = read(&sm);
        let k = p + 1;
        let mut worst: f64 = 0.0;
        for (fi, fit) in fits.iter().enumerate() {
            for i in 0..t * k {
                let (a, b) = (fit.coef[i], s[fi * t * k + i]);
                if a.is_finite() && b.is_finite() {
                    worst = worst.max((a - b).abs());
                } else {
                    assert_eq!(a.is_nan(), b.is_nan(), "fund {fi} cell {i}");
                }
            }
        }
        println!("max |rotor - statsmodels| = {worst:.3e}");
    }
}
