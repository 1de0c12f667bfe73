//! Parameter sweeps: a grid over strategy keys, every variant run in parallel on data
//! loaded once.
//!
//! Grid syntax (space-separated): `key=a..b` (integers, inclusive), `key=a..b:step`,
//! or `key=v1,v2,…` (numbers or words). Keys are dotted config paths
//! (`portfolio.top_n`) or a bare field name that is unique across sections
//! (`top_n`, `lookback`, `mc_window`, `cost_bps`, …). Keys that would need other data
//! (`store`, `prices_file`, `universe.*`, `benchmark.*`, `macro.*`) are refused.

use crate::config::StrategyConfig;
use crate::error::{Result, StrategyError};
use crate::load::Loaded;
use crate::pipeline::run_pipeline;
use crate::report::{num, summary};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One axis of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted key (resolved).
    pub key: String,
    /// Values.
    pub values: Vec<toml::Value>,
}

fn grid_err(msg: String) -> StrategyError {
    StrategyError::Config {
        path: PathBuf::from("--grid"),
        msg,
    }
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

/// Resolve a bare key to its dotted path using the serialised default config.
fn resolve_key(key: &str, base: &toml::Value) -> Result<String> {
    let refuse = [
        "store",
        "prices_file",
        "universe",
        "benchmark",
        "macro",
        "out",
        "name",
    ];
    if refuse
        .iter()
        .any(|r| key == *r || key.starts_with(&format!("{r}.")))
    {
        return Err(grid_err(format!(
            "`{key}` cannot be swept (it changes the data read); make one strategy file per value"
        )));
    }
    if key.contains('.') {
        let mut v = base;
        for part in key.split('.') {
            v = v
                .get(part)
                .ok_or_else(|| grid_err(format!("unknown key `{key}`")))?;
        }
        return Ok(key.to_string());
    }
    let mut hits = Vec::new();
    if let Some(t) = base.as_table() {
        for (sec, v) in t {
            if refuse.contains(&sec.as_str()) {
                continue;
            }
            if let Some(inner) = v.as_table() {
                if inner.contains_key(key) {
                    hits.push(format!("{sec}.{key}"));
                }
            } else if sec == key {
                hits.push(key.to_string());
            }
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

/// Parse a grid string.
pub fn parse_grid(grid: &str, cfg: &StrategyConfig) -> Result<Vec<Axis>> {
    let base = toml::Value::try_from(cfg).map_err(|e| grid_err(e.to_string()))?;
    let mut axes = Vec::new();
    for item in grid.split_whitespace() {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| grid_err(format!("`{item}`: expected key=values")))?;
        let key = resolve_key(k, &base)?;
        let values: Vec<toml::Value> = if let Some((a, rest)) = v.split_once("..") {
            let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
            let p = |s: &str| {
                s.parse::<i64>()
                    .map_err(|_| grid_err(format!("`{item}`: `{s}` is not an integer")))
            };
            let (a, b, step) = (p(a)?, p(b)?, p(step)?);
            if step <= 0 || b < a {
                return Err(grid_err(format!("`{item}`: empty range")));
            }
            (a..=b)
                .step_by(step as usize)
                .map(toml::Value::Integer)
                .collect()
        } else {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(parse_value)
                .collect()
        };
        if values.is_empty() {
            return Err(grid_err(format!("`{item}`: no values")));
        }
        axes.push(Axis { key, values });
    }
    if axes.is_empty() {
        return Err(grid_err("empty grid".into()));
    }
    Ok(axes)
}

/// Apply `key = value` to a config (through its TOML form, so every key works).
pub fn apply(cfg: &StrategyConfig, sets: &[(String, toml::Value)]) -> Result<StrategyConfig> {
    let mut v = toml::Value::try_from(cfg).map_err(|e| grid_err(e.to_string()))?;
    for (key, val) in sets {
        let parts: Vec<&str> = key.split('.').collect();
        let mut cur = &mut v;
        for p in &parts[..parts.len() - 1] {
            cur = cur
                .get_mut(*p)
                .ok_or_else(|| grid_err(format!("unknown key `{key}`")))?;
        }
        let t = cur
            .as_table_mut()
            .ok_or_else(|| grid_err(format!("`{key}` is not a table key")))?;
        let last = parts[parts.len() - 1];
        // an integer given for a float field
        let val = match (t.get(last), val) {
            (Some(toml::Value::Float(_)), toml::Value::Integer(i)) => toml::Value::Float(*i as f64),
            _ => val.clone(),
        };
        t.insert(last.to_string(), val);
    }
    let out: StrategyConfig = v
        .try_into()
        .map_err(|e: toml::de::Error| grid_err(format!("{e}")))?;
    out.validate(Path::new("--grid"))?;
    Ok(out)
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

/// Run every combination of the axes in parallel.
pub fn run_sweep(ld: &Loaded, cfg: &StrategyConfig, axes: &[Axis]) -> Result<Vec<VariantRow>> {
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
    let cfgs: Vec<(Vec<(String, toml::Value)>, StrategyConfig)> = combos
        .into_iter()
        .map(|c| apply(cfg, &c).map(|x| (c, x)))
        .collect::<Result<_>>()?;
    Ok(cfgs
        .par_iter()
        .map(|(sets, c)| {
            let out = run_pipeline(ld, c, None);
            let s = summary(c, &out);
            let get = |name: &str| s.series.iter().find(|x| x.name == name);
            let ex = |name: &str| {
                s.excess
                    .iter()
                    .find(|x| x.benchmark == name)
                    .map_or(f64::NAN, |x| x.annualised_excess)
            };
            let st = get("strategy");
            VariantRow {
                params: sets
                    .iter()
                    .map(|(k, v)| (k.clone(), value_str(v)))
                    .collect(),
                total_return: st.map_or(f64::NAN, |x| x.total_return),
                cagr: st.map_or(f64::NAN, |x| x.cagr),
                volatility: st.map_or(f64::NAN, |x| x.volatility),
                sharpe: st.map_or(f64::NAN, |x| x.sharpe),
                max_drawdown: st.map_or(f64::NAN, |x| x.max_drawdown),
                excess_vs_equal_weight: ex("equal_weight"),
                excess_vs_benchmark: ex("benchmark"),
                avg_turnover: s.avg_turnover,
            }
        })
        .collect())
}

fn value_str(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Write `sweep.csv` (one row per variant) and, for the first two axes, pivoted
/// `heatmap_<metric>.csv` files (rows = first axis, columns = second; with more axes
/// each cell holds the best value over the others).
pub fn write_sweep(dir: &Path, axes: &[Axis], rows: &[VariantRow]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| StrategyError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut files = Vec::new();
    let mut s = axes
        .iter()
        .map(|a| a.key.clone())
        .collect::<Vec<_>>()
        .join(",");
    s += ",total_return,cagr,volatility,sharpe,max_drawdown,excess_vs_equal_weight,excess_vs_benchmark,avg_turnover\n";
    for r in rows {
        let p: Vec<String> = r.params.iter().map(|(_, v)| v.clone()).collect();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            p.join(","),
            num(r.total_return),
            num(r.cagr),
            num(r.volatility),
            num(r.sharpe),
            num(r.max_drawdown),
            num(r.excess_vs_equal_weight),
            num(r.excess_vs_benchmark),
            num(r.avg_turnover)
        );
    }
    let path = dir.join("sweep.csv");
    std::fs::write(&path, s).map_err(|e| StrategyError::Io {
        path: path.clone(),
        source: e,
    })?;
    files.push(path);
    if axes.len() >= 2 {
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
                let _ = writeln!(s, "{x},{}", cells.join(","));
            }
            let path = dir.join(format!("heatmap_{name}.csv"));
            std::fs::write(&path, s).map_err(|e| StrategyError::Io {
                path: path.clone(),
                source: e,
            })?;
            files.push(path);
        }
    }
    Ok(files)
}
