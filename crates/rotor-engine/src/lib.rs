//! # rotor-engine
//!
//! One engine for every strategy: a strategy file is resolved into a [`plan::Plan`] —
//! what to load ([`plan::LoadSpec`]) apart from how to run (the engine's keys and the
//! strategy's parameters) —, the data are loaded once into a point-in-time view
//! ([`load::load`], [`rotor_data::view::PitView`]), and [`run::run`] steps a fresh
//! strategy instance through the signal dates: at each date t the strategy sees
//! **only** the view cut at t and returns a [`strategy::Decision`] (scores, weights or
//! a timing position); an allocator turns it into target weights (top N, score
//! weighted, position + defensive asset; ETF mapping at t in ETF mode), trades happen at
//! t + lag, and the daily backtest with costs, the equal-weight and market benchmarks,
//! the realised forward returns and the strategy's diagnostics follow.
//!
//! ```text
//! strategy.toml ─▶ StrategyFile ─▶ Plan ─┬─▶ LoadSpec ─▶ load ─▶ Loaded { PitView, universe, … }
//!                  (engine keys |        │                          │
//!                   strategy keys)       └─▶ params ─▶ build ─▶ Strategy
//!                                                                   │ decide(view.at(t))
//! run: for t in schedule ─────────────────────────────────────────▶ Decision ─▶ allocate ─▶ trades
//!      backtest (weights drift, costs) ─▶ Perf (dated series) ─▶ artifacts ─▶ run folder / report
//! ```
//!
//! * [`config`] — strategy files: the engine's keys, the strategy's keys;
//! * [`strategy`] — the `Strategy` / `StrategyParams` traits, `Decision`, the registry
//!   entry; [`sleeves`] — strategies made of other strategies;
//! * [`plan`], [`load`], [`run`], [`instruments`] (the ETF map), [`perf`] (dated series);
//! * [`artifacts`], [`write`] — summary, yearly table (partial years labelled),
//!   recommendation, the run folder;
//! * [`sweep`] — grids over run parameters (load keys refused), in parallel;
//! * [`lookahead`] — the store-mutation look-ahead harness every registered strategy
//!   passes.
//!
//! **Where to extend.** A new strategy is a module in `rotor-strategies` implementing
//! [`strategy::StrategyParams`] and [`strategy::Strategy`] plus one registry line; a new
//! allocator goes in `rotor_portfolio::alloc` and [`run`]; a new kind of input goes in
//! the view (`rotor_data::view`) and [`strategy::DataNeeds`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod artifacts;
pub mod config;
pub mod error;
pub mod instruments;
pub mod load;
pub mod lookahead;
pub mod note;
pub mod perf;
pub mod plan;
pub mod run;
pub mod sleeves;
pub mod strategy;
pub mod sweep;
pub mod write;

pub use error::{EngineError, Result};

use std::collections::BTreeMap;

/// A finished run: its output, the sleeves' own runs (for a sleeve strategy) and the
/// fingerprints of its inputs.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The run (for sleeves: the mix).
    pub output: run::RunOutput,
    /// Each sleeve's run, by name.
    pub sleeves: Vec<(String, run::RunOutput)>,
    /// File → fingerprint.
    pub fingerprint: BTreeMap<String, String>,
}

/// Load and run a plan (a sleeve strategy runs its sleeves and mixes them).
pub fn execute(plan: &plan::Plan, opts: run::RunOptions) -> Result<Execution> {
    if let Some(spec) = plan.params.sleeves() {
        let mut runs = Vec::new();
        let mut fps = Vec::new();
        for s in &spec.sleeves {
            let e = execute(&s.plan, opts)?;
            runs.push(e.output);
            fps.push(e.fingerprint);
        }
        let output = sleeves::mix_runs(spec, &runs);
        return Ok(Execution {
            output,
            fingerprint: sleeves::fingerprints(spec, &fps),
            sleeves: spec
                .sleeves
                .iter()
                .map(|s| s.name.clone())
                .zip(runs)
                .collect(),
        });
    }
    let ld = load::load(&plan.load_spec())?;
    let output = run::run(plan, &ld, opts)?;
    Ok(Execution {
        output,
        sleeves: Vec::new(),
        fingerprint: ld.fingerprint,
    })
}
