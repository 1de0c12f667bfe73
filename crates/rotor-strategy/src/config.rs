//! Strategy files (TOML): one file per run, every parameter of SPEC §18 with the
//! spec's defaults, unknown keys refused. Paths are relative to the file.

use crate::error::{Result, StrategyError};
use chrono::NaiveDate;
use rotor_factors::FactorConfig;
use rotor_regime::RegimeConfig;
use rotor_selection::SelectionConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A whole strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyConfig {
    /// Run name (the run folder is `<out>/<name>`).
    pub name: String,
    /// Store folder (relative to the strategy file).
    pub store: Option<PathBuf>,
    /// Alternative to a store: a long price file `date, asset, value` (closes).
    pub prices_file: Option<PathBuf>,
    /// First signal date considered (inclusive).
    #[serde(deserialize_with = "rotor_core::date_serde::opt_date")]
    pub start: Option<NaiveDate>,
    /// Last date of the backtest (inclusive).
    #[serde(deserialize_with = "rotor_core::date_serde::opt_date")]
    pub end: Option<NaiveDate>,
    /// Parent folder of run folders.
    pub out: PathBuf,
    /// Universe.
    pub universe: UniverseConfig,
    /// Benchmark and calendar.
    pub benchmark: BenchmarkConfig,
    /// Macro series ids.
    #[serde(rename = "macro")]
    pub macro_series: MacroConfig,
    /// Regime rules (SPEC §1).
    pub regime: RegimeConfig,
    /// Factor parameters (SPEC §2).
    pub factors: FactorConfig,
    /// Selection (SPEC §3).
    pub selection: SelectionConfig,
    /// What drives the ranking.
    pub signal: SignalConfig,
    /// Portfolio and backtest (SPEC §4).
    pub portfolio: PortfolioConfig,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        StrategyConfig {
            name: "run".into(),
            store: None,
            prices_file: None,
            start: None,
            end: None,
            out: PathBuf::from("rotor-out/runs"),
            universe: UniverseConfig::default(),
            benchmark: BenchmarkConfig::default(),
            macro_series: MacroConfig::default(),
            regime: RegimeConfig::default(),
            factors: FactorConfig::default(),
            selection: SelectionConfig::default(),
            signal: SignalConfig::default(),
            portfolio: PortfolioConfig::default(),
        }
    }
}

/// The universe of indices.
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
    /// Price index used as the market benchmark (CSI 300 price index, SPEC §4.5).
    pub code: String,
    /// Reference series of the trading calendar (default: the benchmark).
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

/// Series ids of the regime inputs in the `macro` dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MacroConfig {
    /// Daily 10Y government bond yield.
    pub yield_10y: String,
    /// M2 YoY.
    pub m2_yoy: String,
    /// TSF-stock YoY (may be absent from the store).
    pub tsf_stock_yoy: String,
    /// Monthly TSF flows (for the proxy).
    pub tsf_flow: String,
}

impl Default for MacroConfig {
    fn default() -> Self {
        MacroConfig {
            yield_10y: "cn.cgb_10y".into(),
            m2_yoy: "cn.m2_yoy".into(),
            tsf_stock_yoy: "cn.tsf_stock_yoy".into(),
            tsf_flow: "cn.tsf_flow".into(),
        }
    }
}

/// What drives the ranking: any score can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// The regime-dependent multi-factor composite (SPEC §3).
    #[default]
    Composite,
    /// n-day price momentum.
    Momentum,
    /// Low n-day volatility.
    LowVolatility,
    /// A user's factor file (`date, asset, value`), higher = better.
    File,
}

/// Signal settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalConfig {
    /// Kind.
    pub kind: SignalKind,
    /// Lookback in trading days for momentum / low_volatility (120).
    pub lookback: usize,
    /// Factor file for `file` (relative to the strategy file).
    pub file: Option<PathBuf>,
    /// Multiply the file's values by −1 (lower = better).
    pub ascending: bool,
}

impl Default for SignalConfig {
    fn default() -> Self {
        SignalConfig {
            kind: SignalKind::Composite,
            lookback: 120,
            file: None,
            ascending: false,
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
}

/// Index mode (index returns) or ETF mode (the mapped ETF's returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Hold the indices themselves (default for long backtests).
    #[default]
    Index,
    /// Hold the largest ETF tracking each selected index.
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
    /// N held at equal weight (5).
    pub top_n: usize,
    /// Monthly (default) or weekly.
    pub rebalance: Rebalance,
    /// Trade k trading days after the signal close (0).
    pub exec_lag_days: usize,
    /// Cost per unit traded in basis points (10).
    pub cost_bps: f64,
    /// Index or ETF mode.
    pub mode: Mode,
    /// Price history an index needs, trading days (250).
    pub min_history_days: usize,
    /// ETF listed at least this many trading days (20).
    pub etf_min_listing_days: usize,
    /// ETF AUM floor at t−1, CNY (1e8).
    pub etf_min_aum: f64,
    /// Price or total return.
    pub return_basis: ReturnBasis,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            top_n: 5,
            rebalance: Rebalance::Monthly,
            exec_lag_days: 0,
            cost_bps: 10.0,
            mode: Mode::Index,
            min_history_days: 250,
            etf_min_listing_days: 20,
            etf_min_aum: 1e8,
            return_basis: ReturnBasis::Price,
        }
    }
}

/// Parse strategy text (dates as TOML date literals or strings); the error carries the
/// line and column.
pub fn parse(text: &str) -> std::result::Result<StrategyConfig, String> {
    toml::from_str::<StrategyConfig>(text).map_err(|e| e.to_string())
}

impl StrategyConfig {
    /// Read a strategy file; relative paths are resolved against its folder.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| StrategyError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let mut cfg = parse(&text).map_err(|msg| StrategyError::Config {
            path: path.to_path_buf(),
            msg,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        cfg.resolve_paths(base);
        cfg.validate(path)?;
        Ok(cfg)
    }

    /// Make relative paths absolute against `base`.
    pub fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(p) = self.store.as_mut() {
            fix(p)
        }
        if let Some(p) = self.prices_file.as_mut() {
            fix(p)
        }
        if let Some(p) = self.signal.file.as_mut() {
            fix(p)
        }
    }

    /// Check ranges and combinations; the error names the key.
    pub fn validate(&self, path: &Path) -> Result<()> {
        let bad = |msg: String| {
            Err(StrategyError::Config {
                path: path.to_path_buf(),
                msg,
            })
        };
        if self.store.is_none() && self.prices_file.is_none() {
            return bad("one of `store` or `prices_file` is required".into());
        }
        if self.portfolio.top_n == 0 {
            return bad("portfolio.top_n must be ≥ 1".into());
        }
        if !(0.0..=1000.0).contains(&self.portfolio.cost_bps) {
            return bad(format!(
                "portfolio.cost_bps = {} is outside 0..1000",
                self.portfolio.cost_bps
            ));
        }
        if self.signal.kind == SignalKind::File && self.signal.file.is_none() {
            return bad("signal.kind = \"file\" needs signal.file".into());
        }
        if matches!(
            self.signal.kind,
            SignalKind::Momentum | SignalKind::LowVolatility
        ) && self.signal.lookback < 2
        {
            return bad("signal.lookback must be ≥ 2".into());
        }
        if self.signal.kind == SignalKind::Composite && self.store.is_none() {
            return bad(
                "signal.kind = \"composite\" needs a `store` (factor inputs); with `prices_file` use momentum, low_volatility or file".into(),
            );
        }
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

    /// The resolved config as TOML (written beside every run's outputs).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# could not serialise: {e}\n"))
    }
}
