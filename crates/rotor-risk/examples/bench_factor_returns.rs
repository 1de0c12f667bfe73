//! The risk-model benchmark on the inputs of `bench/risk/gen.py`: rotor's factor
//! returns in toraniko's convention (two-step, equal-weight sector constraint, same-day
//! exposures) timed and written for the comparison, then rotor's default (joint
//! regression, cap-weighted constraint), then the whole model — descriptors, standardised
//! exposures and factor returns with the previous day's exposures — on the same returns
//! and caps.
//!
//!     cargo run --release -p rotor-risk --example bench_factor_returns -- DIR
#![allow(clippy::disallowed_macros)]

use rotor_risk::model::{estimate, regress_panel, RiskConfig, RiskInputs};
use rotor_risk::regression::{IndustryConstraint, Method, RegressionConfig};
use std::time::Instant;

fn read_f64(path: &std::path::Path) -> Vec<f64> {
    std::fs::read(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect()
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let shape = std::fs::read_to_string(dir.join("shape.txt")).expect("shape.txt");
    let v: Vec<usize> = shape
        .split_whitespace()
        .map(|x| x.parse().expect("int"))
        .collect();
    let (n, t_len, k, s) = (v[0], v[1], v[2], v[3]);
    let returns = read_f64(&dir.join("returns.bin"));
    let caps = read_f64(&dir.join("caps.bin"));
    let styles_raw = read_f64(&dir.join("styles.bin"));
    let sector: Vec<Option<usize>> = std::fs::read(dir.join("sector.bin"))
        .expect("sector.bin")
        .chunks_exact(8)
        .map(|b| Some(i64::from_le_bytes(b.try_into().expect("8 bytes")) as usize))
        .collect();
    let styles: Vec<Vec<f64>> = (0..s)
        .map(|j| (0..t_len * n).map(|i| styles_raw[i * s + j]).collect())
        .collect();
    drop(styles_raw);
    let names: Vec<String> = (0..k).map(|j| format!("sec{j:02}")).collect();
    let style_names: Vec<String> = (0..s).map(|j| format!("sty{j}")).collect();
    let inputs = RiskInputs {
        n,
        returns: &returns,
        caps: &caps,
        turnover: None,
        pb: None,
        pe: None,
        statements: None,
        industry: &sector,
        industry_names: &names,
    };
    let t0 = Instant::now();
    let m = regress_panel(
        &inputs,
        &style_names,
        &styles,
        0,
        RegressionConfig {
            constraint: IndustryConstraint::Equal,
            method: Method::TwoStep,
        },
    )
    .expect("regression");
    println!(
        "rotor factor returns, toraniko's convention: {:.3} s ({n} stocks x {t_len} days, {k} sectors, {s} styles)",
        t0.elapsed().as_secs_f64()
    );
    let bytes: Vec<u8> = m
        .factor_returns
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    std::fs::write(dir.join("rotor_fr.bin"), bytes).expect("write");
    let t0 = Instant::now();
    let _ = regress_panel(
        &inputs,
        &style_names,
        &styles,
        1,
        RegressionConfig::default(),
    )
    .expect("regression");
    println!(
        "rotor factor returns, joint cap-weighted (default): {:.3} s",
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let full = estimate(&inputs, &RiskConfig::default()).expect("model");
    println!(
        "rotor whole model (descriptors, {} standardised styles, factor and specific returns): {:.3} s",
        full.exposures.names.len(),
        t0.elapsed().as_secs_f64()
    );
}
