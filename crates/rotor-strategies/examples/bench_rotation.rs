//! Stage timings of the rotation workload (bench/run.sh rotation):
//! `cargo run --release -p rotor-strategies --example bench_rotation -- STRATEGY.toml`
#![allow(clippy::disallowed_macros)] // an example prints its result

use rotor_engine::perf::SeriesKind;
use rotor_engine::plan::Plan;
use rotor_engine::run::{run, RunOptions};
use rotor_engine::{artifacts, load::load, sweep, write};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("strategy file");
    let t0 = Instant::now();
    let plan = Plan::load(std::path::Path::new(&path), rotor_strategies::registry()).unwrap();
    let ld = load(&plan.load_spec()).unwrap();
    let t1 = Instant::now();
    let out = run(&plan, &ld, RunOptions::default()).unwrap();
    let t2 = Instant::now();
    let a = artifacts::build(&plan, &ld.fingerprint, &out);
    let t3 = Instant::now();
    let dir = std::env::temp_dir().join("rotor-bench-run");
    write::write_run(&dir, &a).unwrap();
    eprintln!("write_run {:.4} s", t3.elapsed().as_secs_f64());
    let t4 = Instant::now();
    let axes = sweep::parse_grid(
        "signal.lookback=20..200:20 portfolio.top_n=1..10",
        &plan,
        10_000,
    )
    .unwrap();
    let rows = sweep::run_sweep(&plan, &ld, &axes, rotor_strategies::registry(), &|_| {}).unwrap();
    let t5 = Instant::now();
    let tr = a
        .summary
        .series
        .iter()
        .find(|x| x.name == SeriesKind::Strategy)
        .map(|x| x.total_return);
    println!(
        "{{\"load_s\": {:.4}, \"backtest_s\": {:.4}, \"summary_s\": {:.4}, \"one_run_s\": {:.4}, \"total_return\": {:?}, \"sweep_variants\": {}, \"sweep_s\": {:.4}}}",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t3 - t0).as_secs_f64(),
        tr.unwrap_or(f64::NAN),
        rows.len(),
        (t5 - t4).as_secs_f64()
    );
}
