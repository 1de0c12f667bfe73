//! Strategy files: raw TOML → the engine's keys ([`EngineConfig`]) + the strategy's own
//! keys (a TOML table its registry entry parses, unknown keys refused).
//!
//! A strategy file is one TOML document. The engine owns the top-level keys `name`,
//! `store`, `prices_file`, `start`, `end`, `out` and the sections `[strategy]` (`kind`,
//! default `rotation`), `[universe]`, `[benchmark]` and `[portfolio]`; every other key
//! belongs to the strategy named by `kind` (for the rotation: `[regime]`, `[factors]`,
//! `[selection]`, `[signal]`, `[macro]`). **Paths are relative to the file** (`store`,
//! `prices_file`, `out` and a strategy's own files).

use crate::error::{EngineError, Result};
use chrono::NaiveDate;
use rotor_portfolio::alloc::Allocator;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The top-level keys the engine owns; the rest of a file is the strategy's.
pub const ENGINE_KEYS: [&str; 10] = [
    "name",
    "store",
    "prices_file",
    "start",
    "end",
    "out",
    "strategy",
    "universe",
    "benchmark",
    "portfolio",
];

/// The engine's part of a strategy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Run name (the run folder is `<out>/<name>`); letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Store folder.
    pub store: Option<PathBuf>,
    /// Alternative to a store: a long price file `date, asset, value` (closes).
    pub prices_file: Option<PathBuf>,
    /// First signal date considered (inclusive).
    #[serde(
        deserialize_with = "rotor_core::date_serde::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<NaiveDate>,
    /// Last date of the backtest (inclusive).
    #[serde(
        deserialize_with = "rotor_core::date_serde::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<NaiveDate>,
    /// Parent folder of run folders.
    pub out: PathBuf,
    /// Which registered strategy.
    pub strategy: StrategySection,
    /// Universe.
    pub universe: UniverseConfig,
    /// Benchmark and calendar.
    pub benchmark: BenchmarkConfig,
    /// Portfolio and backtest (SPEC §4).
    pub portfolio: PortfolioConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            name: "run".into(),
            store: None,
            prices_file: None,
            start: None,
            end: None,
            out: PathBuf::from("rotor-out/runs"),
            strategy: StrategySection::default(),
            universe: UniverseConfig::default(),
            benchmark: BenchmarkConfig::default(),
            portfolio: PortfolioConfig::default(),
        }
    }
}

/// `[strategy]`: which registered strategy runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategySection {
    /// Registry name (`rotation`, `buy_hold`, `sleeves`, …).
    pub kind: String,
}

impl Default for StrategySection {
    fn default() -> Self {
        StrategySection {
            kind: "rotation".into(),
        }
    }
}

/// The universe of assets a strategy scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UniverseConfig {
    /// Explicit codes; empty = every code of `asset_type` in the store.
    pub codes: Vec<String>,
    /// Asset type taken when `codes` is empty (`index`).
    pub asset_type: String,
    /// Codes to leave out.
    pub exclude: Vec<String>,
    /// Leave out codes whose `etf_info` name contains any of these (e.g. 货币, 债).
    pub exclude_names: Vec<String>,
    /// Source preference per code (first match wins; otherwise the source with most rows).
    pub sources: Vec<String>,
}

impl Default for UniverseConfig {
    fn default() -> Self {
        UniverseConfig {
            codes: Vec::new(),
            asset_type: "index".into(),
            exclude: Vec::new(),
            exclude_names: Vec::new(),
            sources: Vec::new(),
        }
    }
}

/// Benchmark and calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BenchmarkConfig {
    /// Price index used as the market benchmark (CSI 300 price index, SPEC §4.5); an
    /// empty string = no market benchmark.
    pub code: String,
    /// Reference series of the trading calendar (default: the benchmark).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Also report the equal-weight portfolio of eligible members (true).
    pub equal_weight: bool,
}

impl Default for BenchmarkConfig {
    fn default() -> Self {
        BenchmarkConfig {
            code: "000300.SH".into(),
            calendar: None,
            equal_weight: true,
        }
    }
}

/// Rebalance frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rebalance {
    /// Last trading day of each month (default).
    #[default]
    Monthly,
    /// Last trading day of each ISO week.
    Weekly,
    /// Every trading day.
    Daily,
}

impl Rebalance {
    /// The spelling in strategy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rebalance::Monthly => "monthly",
            Rebalance::Weekly => "weekly",
            Rebalance::Daily => "daily",
        }
    }
}

/// Index mode (index returns) or ETF mode (the mapped ETF's returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Hold the assets themselves (default for long backtests).
    #[default]
    Index,
    /// Hold the largest ETF tracking each selected index (SPEC §4.4).
    Etf,
}

/// Return basis of universe members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReturnBasis {
    /// Price index (replicates seed F).
    #[default]
    Price,
    /// Total-return close where the store has one, else price.
    TotalReturn,
}

/// Portfolio and backtest settings (SPEC §4, §18).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortfolioConfig {
    /// N names held (5).
    pub top_n: usize,
    /// How scores become weights (top_n = equal weight).
    pub allocator: Allocator,
    /// Monthly (default), weekly or daily.
    pub rebalance: Rebalance,
    /// Trade k trading days after the signal close (0).
    pub exec_lag_days: usize,
    /// Cost per unit traded in basis points (10).
    pub cost_bps: f64,
    /// Index or ETF mode.
    pub mode: Mode,
    /// Price history an asset needs, trading days (250).
    pub min_history_days: usize,
    /// ETF listed at least this many trading days (20).
    pub etf_min_listing_days: usize,
    /// ETF AUM floor at t−1, CNY (1e8).
    pub etf_min_aum: f64,
    /// Price or total return.
    pub return_basis: ReturnBasis,
    /// Where a timing position's remainder goes: an asset code, or cash when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defensive: Option<String>,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            top_n: 5,
            allocator: Allocator::TopN,
            rebalance: Rebalance::Monthly,
            exec_lag_days: 0,
            cost_bps: 10.0,
            mode: Mode::Index,
            min_history_days: 250,
            etf_min_listing_days: 20,
            etf_min_aum: 1e8,
            return_basis: ReturnBasis::Price,
            defensive: None,
        }
    }
}

/// A parsed strategy file: the engine's keys, the strategy's keys, and where it lives.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyFile {
    /// The engine's keys.
    pub engine: EngineConfig,
    /// Everything else: the strategy's keys, parsed by its registry entry.
    pub params: toml::Table,
    /// The file (for error messages) — `<text>` when parsed from a string.
    pub path: PathBuf,
    /// Folder that relative paths resolve against.
    pub base: PathBuf,
    /// The source text (to locate errors), when parsed from text.
    pub text: Option<String>,
}

impl StrategyFile {
    /// Read a strategy file; relative paths resolve against its folder.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| EngineError::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Self::parse_at(&text, path, &base)
    }

    /// Parse strategy text; relative paths resolve against `base`; errors name `path`.
    pub fn parse_at(text: &str, path: &Path, base: &Path) -> Result<Self> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| EngineError::config(path, e.to_string()))?;
        let mut f = Self::from_table(table, path, base).map_err(|e| match e {
            EngineError::Config { path, msg } => EngineError::Config {
                msg: locate(text, &msg),
                path,
            },
            other => other,
        })?;
        f.text = Some(text.to_string());
        Ok(f)
    }

    /// A config error of this file: the message gets the line and column of the first
    /// `backticked` word it quotes that occurs in the source text.
    pub fn error(&self, msg: impl Into<String>) -> EngineError {
        let msg = msg.into();
        let msg = match &self.text {
            Some(t) => locate(t, &msg),
            None => msg,
        };
        EngineError::config(&self.path, msg)
    }

    /// Split a TOML table into the engine's keys and the strategy's.
    pub fn from_table(mut table: toml::Table, path: &Path, base: &Path) -> Result<Self> {
        let mut engine_t = toml::Table::new();
        for k in ENGINE_KEYS {
            if let Some(v) = table.remove(k) {
                engine_t.insert(k.to_string(), v);
            }
        }
        let mut engine: EngineConfig = toml::Value::Table(engine_t)
            .try_into()
            .map_err(|e: toml::de::Error| EngineError::config(path, e.to_string()))?;
        resolve(&mut engine, base);
        Ok(StrategyFile {
            engine,
            params: table,
            path: path.to_path_buf(),
            base: base.to_path_buf(),
            text: None,
        })
    }
}

/// Prefix `msg` with the line and column of the first word it quotes in backticks that
/// occurs in `text` (serde's messages quote the offending key or value).
fn locate(text: &str, msg: &str) -> String {
    if msg.contains("line ") {
        return msg.to_string();
    }
    let quoted = msg.split('`').skip(1).step_by(2);
    for q in quoted.filter(|q| !q.is_empty()) {
        for (i, line) in text.lines().enumerate() {
            if let Some(c) = line.find(q) {
                return format!("line {}, column {}: {msg}", i + 1, c + 1);
            }
        }
    }
    msg.to_string()
}

/// Make the engine's relative paths absolute against `base`.
fn resolve(e: &mut EngineConfig, base: &Path) {
    for p in [e.store.as_mut(), e.prices_file.as_mut(), Some(&mut e.out)]
        .into_iter()
        .flatten()
    {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
}

/// `target` as a path relative to the folder `from`, both first made absolute against
/// the current directory (lexically: `..` and `.` folded, symlinks not followed). Run
/// folders record their inputs this way, so identical runs in different places write
/// identical bytes and a run's `config.toml` re-runs from its own folder.
pub fn relative_to(target: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| -> Vec<std::ffi::OsString> {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut v: Vec<std::ffi::OsString> = Vec::new();
        for c in p.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    v.pop();
                }
                c => v.push(c.as_os_str().to_os_string()),
            }
        }
        v
    };
    let (t, f) = (abs(target), abs(from));
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Resolve a strategy's own relative path against the file's folder.
pub fn resolve_path(p: &mut PathBuf, base: &Path) {
    if p.is_relative() {
        *p = base.join(&*p);
    }
}

impl EngineConfig {
    /// Check values and combinations; the error names the key, the value and what is
    /// valid.
    pub fn validate(&self, path: &Path) -> Result<()> {
        let bad = |msg: String| Err(EngineError::config(path, msg));
        if self.store.is_none() && self.prices_file.is_none() {
            return bad("one of `store` or `prices_file` is required".into());
        }
        let name_ok = !self.name.is_empty()
            && self.name != "."
            && self.name != ".."
            && self
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return bad(format!(
                "name = {:?}: expected letters, digits, `-`, `_` or `.` (it names the run folder inside `out`)",
                self.name
            ));
        }
        self.portfolio.validate().or_else(bad)?;
        if self.portfolio.mode == Mode::Etf && self.store.is_none() {
            return bad("portfolio.mode = \"etf\" needs a `store` with etf_info".into());
        }
        if let (Some(s), Some(e)) = (self.start, self.end) {
            if s >= e {
                return bad(format!("start {s} is not before end {e}"));
            }
        }
        Ok(())
    }

    /// The run folder `<out>/<name><suffix>`.
    pub fn run_dir(&self, suffix: &str) -> PathBuf {
        self.out.join(format!("{}{suffix}", self.name))
    }

    /// The reference series of the calendar.
    pub fn calendar_code(&self) -> &str {
        self.benchmark
            .calendar
            .as_deref()
            .unwrap_or(&self.benchmark.code)
    }
}

impl PortfolioConfig {
    /// Ranges of the portfolio keys (the message names the key).
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.top_n == 0 {
            return Err("portfolio.top_n must be ≥ 1".into());
        }
        if !(0.0..=1000.0).contains(&self.cost_bps) {
            return Err(format!(
                "portfolio.cost_bps = {} is outside 0..1000",
                self.cost_bps
            ));
        }
        if !(self.etf_min_aum.is_finite() && self.etf_min_aum >= 0.0) {
            return Err(format!(
                "portfolio.etf_min_aum = {} must be a non-negative number (CNY)",
                self.etf_min_aum
            ));
        }
        if self.exec_lag_days > 250 {
            return Err(format!(
                "portfolio.exec_lag_days = {} is more than a year of trading days",
                self.exec_lag_days
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_folders() {
        let r = |t: &str, f: &str| relative_to(Path::new(t), Path::new(f));
        assert_eq!(r("/a/b/store", "/a/b/runs/demo"), Path::new("../../store"));
        assert_eq!(r("/a/b/runs", "/a/b/runs/demo"), Path::new(".."));
        assert_eq!(
            r("/a/b/runs/demo/x.csv", "/a/b/runs/demo"),
            Path::new("x.csv")
        );
        assert_eq!(r("/a/b", "/a/b"), Path::new("."));
        assert_eq!(r("/a/./c/../b/s", "/a/b/r"), Path::new("../s"));
    }

    #[test]
    fn a_file_splits_into_engine_and_strategy_keys_and_paths_follow_the_file() {
        let f = StrategyFile::parse_at(
            "name = \"x\"\nstore = \"s\"\nout = \"runs\"\nstart = 2013-01-01\n[regime]\nk_m = 3\n[portfolio]\ntop_n = 3\n",
            Path::new("/a/b/f.toml"),
            Path::new("/a/b"),
        )
        .unwrap();
        assert_eq!(f.engine.store, Some(PathBuf::from("/a/b/s")));
        assert_eq!(f.engine.out, PathBuf::from("/a/b/runs"));
        assert_eq!(f.engine.portfolio.top_n, 3);
        assert_eq!(f.engine.strategy.kind, "rotation");
        assert_eq!(f.engine.start, NaiveDate::from_ymd_opt(2013, 1, 1));
        assert!(f.params.contains_key("regime") && !f.params.contains_key("portfolio"));
    }

    #[test]
    fn engine_keys_are_checked_by_name_and_value() {
        let p = Path::new("f.toml");
        let e = StrategyFile::parse_at("[portfolio]\ntopn = 3\n", p, Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("topn"), "{e}");
        let f = StrategyFile::parse_at(
            "store = \"s\"\nname = \"../../escape\"\n",
            p,
            Path::new("."),
        )
        .unwrap();
        let e = f.engine.validate(p).unwrap_err().to_string();
        assert!(e.contains("name = \"../../escape\""), "{e}");
        let f =
            StrategyFile::parse_at("store = \"s\"\n[portfolio]\ntop_n = 0\n", p, Path::new("."))
                .unwrap();
        assert!(f
            .engine
            .validate(p)
            .unwrap_err()
            .to_string()
            .contains("portfolio.top_n"));
    }
}
