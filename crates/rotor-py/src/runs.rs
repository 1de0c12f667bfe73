//! `rotor.run`, `rotor.sweep` (and the chunks `rotor.ray.sweep` fans out),
//! `rotor.simulate`: the engine calls of `rotor backtest`, `rotor sweep` and `rotor sim`.

use crate::convert::frame;
use crate::err;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rotor_engine::plan::Plan;
use rotor_engine::run::RunOptions;
use rotor_strategies::registry;
use std::path::PathBuf;

fn load_plan(config: &std::path::Path) -> PyResult<Plan> {
    Plan::load(config, registry())
        .map_err(|e| err(format!("reading strategy file {}: {e}", config.display())))
}

/// Run a strategy file as `rotor backtest --config FILE [--out DIR]` does: the run
/// folder (tables, resolved config, fingerprints) and, unless `report` is false, its
/// reports. Returns {"run_dir", "reports": [html paths]}.
#[pyfunction]
#[pyo3(signature = (config, out=None, report=true))]
pub fn run<'py>(
    py: Python<'py>,
    config: PathBuf,
    out: Option<PathBuf>,
    report: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let plan = load_plan(&config)?;
    let dir = out.unwrap_or_else(|| plan.engine.run_dir(""));
    let reports = py.detach(|| -> Result<Vec<String>, String> {
        let e = rotor_engine::execute(&plan, RunOptions::default()).map_err(|e| e.to_string())?;
        let a = rotor_engine::artifacts::build(&plan, &e.fingerprint, &e.output);
        rotor_engine::write::write_run(&dir, &a).map_err(|e| e.to_string())?;
        if !report {
            return Ok(Vec::new());
        }
        let w = rotor_report::write_run_reports(&a, &dir, &|| {}).map_err(|e| e.to_string())?;
        Ok(w.iter().map(|x| x.html.display().to_string()).collect())
    });
    let reports = reports.map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("run_dir", dir.display().to_string())?;
    d.set_item("reports", reports)?;
    Ok(d)
}

fn axes(plan: &Plan, grid: &str, max_variants: usize) -> PyResult<Vec<rotor_engine::sweep::Axis>> {
    if plan.params.sleeves().is_some() {
        return Err(err("a sleeves strategy cannot be swept on data loaded once: sweep each sleeve's strategy file"));
    }
    rotor_engine::sweep::parse_grid(grid, plan, max_variants).map_err(err)
}

/// Number of variants of `grid` (the product of the axes' lengths).
#[pyfunction]
#[pyo3(signature = (config, grid, max_variants=100_000))]
pub fn sweep_size(config: PathBuf, grid: &str, max_variants: usize) -> PyResult<usize> {
    let plan = load_plan(&config)?;
    Ok(rotor_engine::sweep::combinations(&axes(&plan, grid, max_variants)?).len())
}

/// The variants `start..end` of a sweep (in `rotor sweep`'s order) as an Arrow IPC
/// stream of `sweep.csv`'s columns, computed on a pool of `threads` threads (1 in a Ray
/// task: the cluster provides the parallelism).
#[pyfunction]
#[pyo3(signature = (config, grid, start, end, threads=1, max_variants=100_000))]
pub fn sweep_chunk<'py>(
    py: Python<'py>,
    config: PathBuf,
    grid: &str,
    start: usize,
    end: usize,
    threads: usize,
    max_variants: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan = load_plan(&config)?;
    let ax = axes(&plan, grid, max_variants)?;
    let rows = py.detach(|| -> Result<_, String> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|e| e.to_string())?;
        pool.install(|| {
            let ld = rotor_engine::load::load(&plan.load_spec()).map_err(|e| e.to_string())?;
            rotor_engine::sweep::run_variants(&plan, &ld, &ax, registry(), start..end, &|_| {})
                .map_err(|e| e.to_string())
        })
    });
    let rows = rows.map_err(err)?;
    frame(py, &rotor_engine::sweep::sweep_frame(&ax, &rows))
}

/// A whole sweep as `rotor sweep --config FILE --grid GRID [--out DIR]`: every variant
/// on the data loaded once, all cores. Returns the sweep table (Arrow IPC); with `out`,
/// also writes `sweep.csv` / `sweep.parquet` and the resolved config there.
#[pyfunction]
#[pyo3(signature = (config, grid, out=None, max_variants=100_000))]
pub fn sweep<'py>(
    py: Python<'py>,
    config: PathBuf,
    grid: &str,
    out: Option<PathBuf>,
    max_variants: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan = load_plan(&config)?;
    let ax = axes(&plan, grid, max_variants)?;
    let rows = py.detach(|| -> Result<_, String> {
        let ld = rotor_engine::load::load(&plan.load_spec()).map_err(|e| e.to_string())?;
        let rows = rotor_engine::sweep::run_sweep(&plan, &ld, &ax, registry(), &|_| {})
            .map_err(|e| e.to_string())?;
        if let Some(dir) = &out {
            rotor_engine::sweep::write_sweep(dir, &ax, &rows).map_err(|e| e.to_string())?;
            rotor_engine::write::write_file(dir, "config.toml", &plan.to_toml_at(dir))
                .map_err(|e| e.to_string())?;
        }
        Ok(rows)
    });
    let rows = rows.map_err(err)?;
    frame(py, &rotor_engine::sweep::sweep_frame(&ax, &rows))
}

/// Write the synthetic market (`rotor sim`) into `out`: index level by default, a
/// stock-level market with `stocks > 0` (and synthetic funds with `funds > 0`). Returns
/// the summary as JSON.
#[pyfunction]
#[pyo3(signature = (out, seed=42, years=15, indices=40, stocks=0, funds=0))]
pub fn simulate(
    py: Python<'_>,
    out: PathBuf,
    seed: u64,
    years: u32,
    indices: usize,
    stocks: usize,
    funds: usize,
) -> PyResult<String> {
    let s = py.detach(|| {
        if stocks > 0 {
            let sc = rotor_sim::StockSimConfig {
                seed,
                years,
                n_stocks: stocks,
                n_funds: funds,
                ..Default::default()
            };
            rotor_sim::write_stock_market(&sc, &out)
        } else {
            let cfg = rotor_sim::SimConfig {
                seed,
                years,
                n_indices: indices,
                ..Default::default()
            };
            rotor_sim::write_market(&cfg, &out, &|| {})
        }
    });
    serde_json::to_string(&s.map_err(err)?).map_err(err)
}

/// A JSON object (a strategy given as a Python dict) as TOML text.
#[pyfunction]
pub fn toml_from_json(json: &str) -> PyResult<String> {
    let v: toml::Value = serde_json::from_str(json).map_err(|e| {
        err(format!(
            "strategy dict: {e} (TOML has no null: leave the key out)"
        ))
    })?;
    toml::to_string(&v).map_err(|e| err(format!("strategy dict: {e}")))
}
