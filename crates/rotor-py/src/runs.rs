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
/// reports, with a progress bar on stderr unless `progress` is false. Returns
/// {"run_dir", "reports": [html paths]}.
#[pyfunction]
#[pyo3(signature = (config, out=None, report=true, progress=true))]
pub fn run<'py>(
    py: Python<'py>,
    config: PathBuf,
    out: Option<PathBuf>,
    report: bool,
    progress: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let plan = load_plan(&config)?;
    let dir = out.unwrap_or_else(|| plan.engine.run_dir(""));
    let reports = py.detach(|| -> Result<Vec<String>, String> {
        let pb = bar(progress, if report { 4 } else { 2 }, "backtest");
        let e = rotor_engine::execute(&plan, RunOptions::default()).map_err(|e| e.to_string())?;
        pb.inc(1);
        let a = rotor_engine::artifacts::build(&plan, &e.fingerprint, &e.output);
        rotor_engine::write::write_run(&dir, &a).map_err(|e| e.to_string())?;
        pb.inc(1);
        if !report {
            pb.finish_and_clear();
            return Ok(Vec::new());
        }
        pb.set_message("report");
        let w =
            rotor_report::write_run_reports(&a, &dir, &|| pb.inc(1)).map_err(|e| e.to_string())?;
        pb.finish_and_clear();
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

/// A progress bar on stderr, as the command line draws it (hidden when `show` is false
/// or stderr is not a terminal).
pub(crate) fn bar(show: bool, n: u64, msg: &str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(n);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} {elapsed}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(msg.to_string());
    pb
}

/// A whole sweep as `rotor sweep --config FILE --grid GRID [--out DIR]`: every variant
/// on the data loaded once, all cores, a progress bar on stderr unless `progress` is
/// false. Returns the sweep table (Arrow IPC); with `out`, also writes `sweep.csv` (and
/// the heat maps) and the resolved config there.
#[pyfunction]
#[pyo3(signature = (config, grid, out=None, max_variants=100_000, progress=true))]
pub fn sweep<'py>(
    py: Python<'py>,
    config: PathBuf,
    grid: &str,
    out: Option<PathBuf>,
    max_variants: usize,
    progress: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan = load_plan(&config)?;
    let ax = axes(&plan, grid, max_variants)?;
    let n = rotor_engine::sweep::combinations(&ax).len() as u64;
    let rows = py.detach(|| -> Result<_, String> {
        let pb = bar(progress, n, "sweep");
        let ld = rotor_engine::load::load(&plan.load_spec()).map_err(|e| e.to_string())?;
        let rows = rotor_engine::sweep::run_sweep(&plan, &ld, &ax, registry(), &|_| pb.inc(1))
            .map_err(|e| e.to_string())?;
        pb.finish_and_clear();
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

/// The money + credit regime timeline (`rotor regime`) of a strategy file, or of a
/// store with the default settings: the table (Arrow IPC) and, with `report_dir`, the
/// regime report written there.
#[pyfunction]
#[pyo3(signature = (config=None, store=None, report_dir=None))]
pub fn regime<'py>(
    py: Python<'py>,
    config: Option<PathBuf>,
    store: Option<PathBuf>,
    report_dir: Option<PathBuf>,
) -> PyResult<Bound<'py, PyBytes>> {
    use rotor_engine::config::StrategyFile;
    let (file, name) = match (&config, &store) {
        (Some(c), None) => {
            let f = StrategyFile::load(c)
                .map_err(|e| err(format!("reading strategy file {}: {e}", c.display())))?;
            let n = f.engine.name.clone();
            (f, n)
        }
        (None, Some(s)) => {
            let text = format!("store = {:?}\n", s.display().to_string());
            let f = StrategyFile::parse_at(
                &text,
                std::path::Path::new("store"),
                std::path::Path::new("."),
            )
            .map_err(err)?;
            (f, "regime".to_string())
        }
        _ => return Err(err("give a strategy file or a store")),
    };
    let (rows, p) = py
        .detach(|| rotor_strategies::rotation::regime_of(&file))
        .map_err(err)?;
    let f = rotor_strategies::rotation::regime_frame(&rows);
    if let Some(dir) = report_dir {
        let r = rotor_report::regime::report(&name, &f, &p.regime.rules_zh());
        py.detach(|| rotor_report::write(&dir, "regime", &r, true))
            .map_err(err)?;
    }
    frame(py, &f)
}

/// The Barra-style risk model of a store's stocks (`rotor risk`): the files of
/// `rotor_risk::store` written into `out` and, with `report`, `risk.html/.xlsx`.
/// Returns {"out", "notes", "dates", "stocks", "report"}.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (store, out, universe=None, industries=None, start=None, end=None,
                    method="joint", constraint="cap", cov_half_life=90.0, report=true))]
pub fn risk_model<'py>(
    py: Python<'py>,
    store: PathBuf,
    out: PathBuf,
    universe: Option<Vec<String>>,
    industries: Option<PathBuf>,
    start: Option<&str>,
    end: Option<&str>,
    method: &str,
    constraint: &str,
    cov_half_life: f64,
    report: bool,
) -> PyResult<Bound<'py, PyDict>> {
    use rotor_risk::regression::{IndustryConstraint, Method};
    let mut config = rotor_risk::model::RiskConfig::default();
    config.regression.method = Method::from_name(method)
        .ok_or_else(|| err(format!("method {method:?}: joint or two_step")))?;
    config.regression.constraint = IndustryConstraint::from_name(constraint)
        .ok_or_else(|| err(format!("constraint {constraint:?}: cap or equal")))?;
    let universe = universe.unwrap_or_default();
    let req = rotor_risk::store::EstimateRequest {
        universe: &universe,
        industries: industries.as_deref(),
        start: start
            .map(|s| crate::convert::date(s, "start"))
            .transpose()?,
        end: end.map(|s| crate::convert::date(s, "end")).transpose()?,
        config,
        cov_half_life,
    };
    let res = py.detach(|| -> Result<_, String> {
        let s = rotor_data::store::Store::open(&store).map_err(|e| e.to_string())?;
        let est =
            rotor_risk::store::estimate_to(&s, &req, &out, &|_| {}).map_err(|e| e.to_string())?;
        let html = if report {
            let (t0, t1) = est.rows;
            let (fr, r2, ex) = rotor_risk::store::report_frames(&est.dates, &est.model, t0, t1);
            let rep = rotor_report::risk::report(&fr, &r2, &ex, &est.notes);
            let w = rotor_report::write(&out, "risk", &rep, true).map_err(|e| e.to_string())?;
            Some(w.html.display().to_string())
        } else {
            None
        };
        Ok((est, html))
    });
    let (est, html) = res.map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("out", out.display().to_string())?;
    d.set_item("notes", est.notes)?;
    d.set_item("dates", est.dates.len())?;
    d.set_item("stocks", est.codes.len())?;
    d.set_item("report", html)?;
    Ok(d)
}
