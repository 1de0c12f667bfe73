//! Benchmark of the feature library (issue 16's target: 3,000 stocks × 2,500 days in
//! ≤ 10 s and ≤ 4 GB): synthetic bars with OHLC, volume, amount and turnover (a fixed
//! linear congruential stream, so every run computes the same numbers), then
//! `features::compute` timed alone. `cargo run --release -p rotor-ml --example
//! bench_features [stocks] [days]`.

// a benchmark prints one JSON line to a terminal or a pipe that reads it whole
#![allow(clippy::disallowed_macros)]

use rotor_ml::features::{compute, Bars, FeatureConfig};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(3000, |a| a.parse().expect("stocks"));
    let t_len: usize = args.next().map_or(2500, |a| a.parse().expect("days"));
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut u = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((state >> 11) as f64) / (1u64 << 53) as f64
    };
    let len = n * t_len;
    let (mut close, mut ret) = (vec![0.0; len], vec![f64::NAN; len]);
    let (mut open, mut high, mut low) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    let (mut vol, mut amt, mut turn) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    for j in 0..n {
        let mut c = 10.0 + 40.0 * u();
        for t in 0..t_len {
            let k = t * n + j;
            if u() < 0.01 {
                close[k] = f64::NAN; // a suspended day
                for p in [
                    &mut open, &mut high, &mut low, &mut vol, &mut amt, &mut turn,
                ] {
                    p[k] = f64::NAN;
                }
                continue;
            }
            let r = 0.02 * (u() - 0.5) * 2.0;
            let o = c * (1.0 + 0.005 * (u() - 0.5));
            c *= 1.0 + r;
            if t > 0 {
                ret[k] = r;
            }
            close[k] = c;
            open[k] = o;
            high[k] = c.max(o) * (1.0 + 0.01 * u());
            low[k] = c.min(o) * (1.0 - 0.01 * u());
            vol[k] = 1e6 * (1.0 + 4.0 * u());
            amt[k] = vol[k] * (c + o) / 2.0;
            turn[k] = 0.01 * (0.2 + u());
        }
    }
    let bars = Bars {
        n,
        close: &close,
        returns: &ret,
        ohlc: Some([&open, &high, &low]),
        volume: Some(&vol),
        amount: Some(&amt),
        turnover: Some(&turn),
    };
    let t = Instant::now();
    let f = compute(&bars, &FeatureConfig::default());
    let secs = t.elapsed().as_secs_f64();
    let finite = f.values.iter().filter(|x| x.is_finite()).count();
    // a fingerprint of every value (bits, in order): a faster version must print the same
    let fingerprint = f.values.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, v| {
        (h ^ u64::from(v.to_bits())).wrapping_mul(0x0100_0000_01b3)
    });
    println!(
        "{{\"tool\": \"rotor\", \"stocks\": {n}, \"days\": {t_len}, \"features\": {}, \"finite\": {finite}, \"fingerprint\": \"{fingerprint:016x}\", \"seconds\": {secs:.3}}}",
        f.names.len()
    );
}
