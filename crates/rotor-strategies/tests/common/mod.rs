//! Shared helpers of the strategy tests: a synthetic store and plans from text.
#![allow(dead_code)]

use rotor_engine::config::StrategyFile;
use rotor_engine::plan::Plan;
use std::path::Path;

/// A synthetic market of `years` and `n` indices with `seed` in `dir`.
pub fn sim(dir: &Path, years: u32, n: usize, seed: u64) {
    let sc = rotor_sim::SimConfig {
        years,
        n_indices: n,
        seed,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir, &|| {}).unwrap();
}

/// A plan from strategy text; relative paths resolve against `base`.
pub fn plan_at(text: &str, base: &Path) -> Plan {
    let f = StrategyFile::parse_at(text, &base.join("test.toml"), base).unwrap();
    Plan::new(f, rotor_strategies::registry()).unwrap()
}

/// The same, as a result.
pub fn try_plan(text: &str, base: &Path) -> rotor_engine::Result<Plan> {
    let f = StrategyFile::parse_at(text, &base.join("test.toml"), base)?;
    Plan::new(f, rotor_strategies::registry())
}

pub fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}
