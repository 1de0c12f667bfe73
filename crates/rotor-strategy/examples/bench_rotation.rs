//! Stage timings of the rotation workload (bench/run.sh rotation):
//! `cargo run --release -p rotor-strategy --example bench_rotation -- STRATEGY.toml`
use rotor_strategy::{config::StrategyConfig, load::load, pipeline::run_pipeline, report, sweep};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("strategy file");
    let t0 = Instant::now();
    let cfg = StrategyConfig::load(std::path::Path::new(&path)).unwrap();
    let ld = load(&cfg).unwrap();
    let t1 = Instant::now();
    let out = run_pipeline(&ld, &cfg, None);
    let t2 = Instant::now();
    let s = report::summary(&cfg, &out);
    let t3 = Instant::now();
    let dir = std::env::temp_dir().join("rotor-bench-run");
    report::write_run(&dir, &cfg, &ld, &out).unwrap();
    let tw = Instant::now();
    eprintln!("write_run {:.4} s", (tw - t3).as_secs_f64());
    let t3 = Instant::now();
    let axes = sweep::parse_grid("signal.lookback=20..200:20 portfolio.top_n=1..10", &cfg).unwrap();
    let rows = sweep::run_sweep(&ld, &cfg, &axes).unwrap();
    let t4 = Instant::now();
    let tr = s
        .series
        .iter()
        .find(|x| x.name == "strategy")
        .map(|x| x.total_return);
    println!(
        "{{\"load_s\": {:.4}, \"backtest_s\": {:.4}, \"summary_s\": {:.4}, \"one_run_s\": {:.4}, \"total_return\": {:?}, \"sweep_variants\": {}, \"sweep_s\": {:.4}}}",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t3 - t0).as_secs_f64(),
        tr.unwrap_or(f64::NAN),
        rows.len(),
        (t4 - t3).as_secs_f64()
    );
}
