//! Parameter sweeps: a grid over run parameters, every variant run in parallel on data
//! loaded once.
//!
//! Grid syntax (space-separated): `key=a..b` (integers, inclusive), `key=a..b:step`,
//! or `key=v1,v2,…` (numbers, booleans or words). Keys are dotted paths of the
//! resolved strategy file (`portfolio.top_n`, `signal.ascending`) or a bare field name
//! that is unique across sections (`top_n`, `lookback`, `mc_window`, `cost_bps`, …).
//!
//! **Only run parameters can vary.** Each variant is re-resolved from the whole file
//! with the key set, exactly as a strategy file with that value would be; a key whose
//! change alters what is loaded ([`crate::plan::LoadSpec`]: the store, the universe,
//! the benchmark, a series id, an input file, …) is refused with an error naming it.
//! So a sweep row equals the direct run of that value (tested key by key).
//!
//! Grids larger than `max_variants` (10,000 by default) are refused before anything is
//! allocated; the CLI raises the limit with `--max-variants`.

use crate::artifacts::summary;
use crate::config::StrategyFile;
use crate::error::{EngineError, Result};
use crate::load::Loaded;
use crate::perf::SeriesKind;
use crate::plan::Entry;
use crate::plan::Plan;
use crate::run::{run, RunOptions};
use rayon::prelude::*;
use rotor_core::frame::{num, Column, Frame};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Default ceiling on the number of variants.
pub const MAX_VARIANTS: usize = 10_000;

/// One axis of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted key (resolved).
    pub key: String,
    /// Values.
    pub values: Vec<toml::Value>,
}

fn grid_err(msg: String) -> EngineError {
    EngineError::config("--grid", msg)
}

fn parse_value(s: &str) -> toml::Value {
    if let Ok(i) = s.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(f) = s.parse::<f64>() {
        toml::Value::Float(f)
    } else if s == "true" || s == "false" {
        toml::Value::Boolean(s == "true")
    } else {
        toml::Value::String(s.to_string())
    }
}

/// Resolve a bare or dotted key against the resolved file.
fn resolve_key(key: &str, base: &toml::Table) -> Result<String> {
    if ["name", "out"].contains(&key) {
        return Err(grid_err(format!(
            "`{key}` names the run folder and cannot be swept"
        )));
    }
    if key.contains('.') {
        let mut v: Option<&toml::Value> = None;
        let mut t = Some(base);
        for part in key.split('.') {
            v = t.and_then(|t| t.get(part));
            t = v.and_then(|x| x.as_table());
        }
        return match v {
            Some(_) => Ok(key.to_string()),
            None => Err(grid_err(format!("unknown key `{key}`"))),
        };
    }
    let mut hits = Vec::new();
    for (sec, v) in base {
        match v.as_table() {
            Some(inner) if inner.contains_key(key) => hits.push(format!("{sec}.{key}")),
            None if sec == key => hits.push(key.to_string()),
            _ => {}
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(grid_err(format!(
            "unknown key `{key}` (use section.key, e.g. portfolio.top_n)"
        ))),
        _ => Err(grid_err(format!(
            "`{key}` is ambiguous: {}",
            hits.join(", ")
        ))),
    }
}

/// The values of one `key=…` item, refusing ranges of more than `max` values before
/// any is allocated.
fn axis_values(item: &str, v: &str, max: usize) -> Result<Vec<toml::Value>> {
    let Some((a, rest)) = v.split_once("..") else {
        return Ok(v
            .split(',')
            .filter(|s| !s.is_empty())
            .map(parse_value)
            .collect());
    };
    let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
    let p = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| grid_err(format!("`{item}`: `{s}` is not an integer")))
    };
    let (a, b, step) = (p(a)?, p(b)?, p(step)?);
    if step <= 0 || b < a {
        return Err(grid_err(format!("`{item}`: empty range")));
    }
    let count = (b as i128 - a as i128) / step as i128 + 1;
    if count > max as i128 {
        return Err(grid_err(format!(
            "`{item}` has {count} values, more than the limit of {max} variants (raise it with --max-variants N)"
        )));
    }
    Ok((0..count as i64)
        .map(|k| toml::Value::Integer(a + k * step))
        .collect())
}

/// Parse a grid string against a plan; at most `max_variants` combinations.
pub fn parse_grid(grid: &str, plan: &Plan, max_variants: usize) -> Result<Vec<Axis>> {
    let base = plan.to_table();
    let mut axes: Vec<Axis> = Vec::new();
    for item in grid.split_whitespace() {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| grid_err(format!("`{item}`: expected key=values")))?;
        let key = resolve_key(k, &base)?;
        if axes.iter().any(|a| a.key == key) {
            return Err(grid_err(format!("`{key}` appears twice")));
        }
        let values = axis_values(item, v, max_variants)?;
        if values.is_empty() {
            return Err(grid_err(format!("`{item}`: no values")));
        }
        axes.push(Axis { key, values });
    }
    if axes.is_empty() {
        return Err(grid_err("empty grid".into()));
    }
    let n = axes
        .iter()
        .try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()))
        .unwrap_or(usize::MAX);
    if n > max_variants {
        return Err(grid_err(format!(
            "{n} variants, more than the limit of {max_variants} (raise it with --max-variants N)"
        )));
    }
    Ok(axes)
}

/// The plan with `key = value` set, re-resolved from the whole file as a direct run
/// would be; an error when the change alters what is loaded.
pub fn apply(plan: &Plan, sets: &[(String, toml::Value)], registry: &[Entry]) -> Result<Plan> {
    let mut table = plan.to_table();
    for (key, val) in sets {
        let parts: Vec<&str> = key.split('.').collect();
        let mut cur = &mut table;
        for p in &parts[..parts.len() - 1] {
            cur = cur
                .get_mut(*p)
                .and_then(|v| v.as_table_mut())
                .ok_or_else(|| grid_err(format!("`{key}` is not a key of the strategy file")))?;
        }
        let last = parts[parts.len() - 1];
        // an integer given for a float field
        let val = match (cur.get(last), val) {
            (Some(toml::Value::Float(_)), toml::Value::Integer(i)) => toml::Value::Float(*i as f64),
            _ => val.clone(),
        };
        cur.insert(last.to_string(), val);
    }
    let describe = || {
        sets.iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file = StrategyFile::from_table(table, Path::new("--grid"), &plan.file.base)
        .map_err(|e| grid_err(format!("{}: {e}", describe())))?;
    let p = Plan::new(file, registry).map_err(|e| grid_err(format!("{}: {e}", describe())))?;
    if p.load_spec() != plan.load_spec() {
        return Err(grid_err(format!(
            "{}: this changes the data the run loads, so it cannot be swept on data loaded once; make one strategy file per value",
            describe()
        )));
    }
    Ok(p)
}

/// One variant's result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantRow {
    /// The key values of the variant.
    pub params: Vec<(String, String)>,
    /// Total return (net).
    pub total_return: f64,
    /// CAGR (monthly, A = 12).
    pub cagr: f64,
    /// Volatility (monthly, √12).
    pub volatility: f64,
    /// CAGR / vol.
    pub sharpe: f64,
    /// Max drawdown (daily).
    pub max_drawdown: f64,
    /// CAGR minus the EW CAGR.
    pub excess_vs_equal_weight: f64,
    /// CAGR minus the benchmark CAGR.
    pub excess_vs_benchmark: f64,
    /// Mean turnover per rebalance.
    pub avg_turnover: f64,
}

/// Every combination of the axes, in grid order.
pub fn combinations(axes: &[Axis]) -> Vec<Vec<(String, toml::Value)>> {
    let mut combos: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for a in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                a.values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((a.key.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    combos
}

/// The row of one plan's run.
pub fn variant_row(plan: &Plan, ld: &Loaded, sets: &[(String, toml::Value)]) -> Result<VariantRow> {
    let out = run(plan, ld, RunOptions::default())?;
    let s = summary(&plan.engine.name, &plan.engine.strategy.kind, &out);
    let st = s.series.iter().find(|x| x.name == SeriesKind::Strategy);
    let ex = |k: SeriesKind| {
        s.excess
            .iter()
            .find(|x| x.benchmark == k)
            .map_or(f64::NAN, |x| x.annualised_excess)
    };
    Ok(VariantRow {
        params: sets
            .iter()
            .map(|(k, v)| (k.clone(), value_str(v)))
            .collect(),
        total_return: st.map_or(f64::NAN, |x| x.total_return),
        cagr: st.map_or(f64::NAN, |x| x.cagr),
        volatility: st.map_or(f64::NAN, |x| x.volatility),
        sharpe: st.map_or(f64::NAN, |x| x.sharpe),
        max_drawdown: st.map_or(f64::NAN, |x| x.max_drawdown),
        excess_vs_equal_weight: ex(SeriesKind::EqualWeight),
        excess_vs_benchmark: ex(SeriesKind::Benchmark),
        avg_turnover: s.avg_turnover,
    })
}

/// Run every combination in parallel; `progress` is called once per finished variant.
pub fn run_sweep(
    plan: &Plan,
    ld: &Loaded,
    axes: &[Axis],
    registry: &[Entry],
    progress: &(dyn Fn(&VariantRow) + Sync),
) -> Result<Vec<VariantRow>> {
    let n = combinations(axes).len();
    run_variants(plan, ld, axes, registry, 0..n, progress)
}

/// The variants `range` of [`combinations`]`(axes)` (in that order), in parallel on the
/// current rayon pool: a chunk of a sweep, for scale-out (the Python package's Ray
/// sweep runs chunks as tasks, each with a one-thread pool). `run_sweep` is the whole
/// range; a range past the end is cut to it.
pub fn run_variants(
    plan: &Plan,
    ld: &Loaded,
    axes: &[Axis],
    registry: &[Entry],
    range: std::ops::Range<usize>,
    progress: &(dyn Fn(&VariantRow) + Sync),
) -> Result<Vec<VariantRow>> {
    let all = combinations(axes);
    let range = range.start.min(all.len())..range.end.min(all.len());
    let plans: Vec<(Vec<(String, toml::Value)>, Plan)> = all[range]
        .iter()
        .map(|c| apply(plan, c, registry).map(|p| (c.clone(), p)))
        .collect::<Result<_>>()?;
    plans
        .par_iter()
        .map(|(sets, p)| {
            let r = variant_row(p, ld, sets)?;
            progress(&r);
            Ok(r)
        })
        .collect()
}

type Get = fn(&VariantRow) -> f64;

/// The metric columns of `sweep.csv`, in order.
const METRICS: [(&str, Get); 8] = [
    ("total_return", |r| r.total_return),
    ("cagr", |r| r.cagr),
    ("volatility", |r| r.volatility),
    ("sharpe", |r| r.sharpe),
    ("max_drawdown", |r| r.max_drawdown),
    ("excess_vs_equal_weight", |r| r.excess_vs_equal_weight),
    ("excess_vs_benchmark", |r| r.excess_vs_benchmark),
    ("avg_turnover", |r| r.avg_turnover),
];

/// The header line of `sweep.csv` (and of the partial results written while a sweep
/// runs).
pub fn csv_header(axes: &[Axis]) -> String {
    let csv = sweep_frame(axes, &[]).to_csv();
    csv.lines().next().unwrap_or_default().to_string()
}

/// One variant as a line under [`csv_header`] (for partial results).
pub fn csv_line(axes: &[Axis], r: &VariantRow) -> String {
    let csv = sweep_frame(axes, std::slice::from_ref(r)).to_csv();
    csv.lines().nth(1).unwrap_or_default().to_string()
}

fn value_str(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `sweep.csv`: one row per variant.
pub fn sweep_frame(axes: &[Axis], rows: &[VariantRow]) -> Frame {
    let mut f = Frame::new("sweep");
    for (i, a) in axes.iter().enumerate() {
        f.push(
            a.key.clone(),
            Column::Text(rows.iter().map(|r| r.params[i].1.clone()).collect()),
        );
    }
    for (name, g) in METRICS {
        f.push(name, Column::Num(rows.iter().map(g).collect()));
    }
    f
}

/// Write `sweep.csv` and, for the first two axes, pivoted `heatmap_<metric>.csv` files
/// (rows = first axis, columns = second; with more axes each cell holds the best value
/// over the others).
pub fn write_sweep(dir: &Path, axes: &[Axis], rows: &[VariantRow]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| EngineError::io(dir, e))?;
    let mut files = vec![crate::write::write_file(
        dir,
        "sweep.csv",
        &sweep_frame(axes, rows).to_csv(),
    )?];
    if axes.len() < 2 {
        return Ok(files);
    }
    let xs: Vec<String> = axes[0].values.iter().map(value_str).collect();
    let ys: Vec<String> = axes[1].values.iter().map(value_str).collect();
    type Metric = fn(&VariantRow) -> f64;
    let metrics: [(&str, Metric); 3] = [
        ("sharpe", |r| r.sharpe),
        ("cagr", |r| r.cagr),
        ("excess_vs_benchmark", |r| r.excess_vs_benchmark),
    ];
    for (name, f) in metrics {
        let mut s = format!("{}\\{},{}\n", axes[0].key, axes[1].key, ys.join(","));
        for x in &xs {
            let cells: Vec<String> = ys
                .iter()
                .map(|y| {
                    let best = rows
                        .iter()
                        .filter(|r| &r.params[0].1 == x && &r.params[1].1 == y)
                        .map(f)
                        .filter(|v| v.is_finite())
                        .fold(f64::NAN, f64::max);
                    num(best)
                })
                .collect();
            s.push_str(&format!("{x},{}\n", cells.join(",")));
        }
        files.push(crate::write::write_file(
            dir,
            &format!("heatmap_{name}.csv"),
            &s,
        )?);
    }
    Ok(files)
}
