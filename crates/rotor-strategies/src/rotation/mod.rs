//! The Founder money + credit multi-factor rotation (seed F; SPEC §1–§5), the default
//! `[strategy] kind = "rotation"`.
//!
//! At each month-end t, from the point-in-time view at t:
//!
//! 1. **Regime** (SPEC §1): the money + credit classifier stepped with the macro series
//!    as known at t ([`rotor_regime::Classifier`]); the regime labels the date.
//! 2. **Score** (`[signal] kind`):
//!    * `composite` (default): the five factor families of SPEC §2 computed at t
//!      ([`rotor_factors::compute_at`]), the regime's selection map and the composite
//!      (SPEC §3, [`rotor_selection::Selector`]); the adaptive map reads the RankICs
//!      of earlier periods, recorded as their returns are realised;
//!    * `momentum`: `P_t / P_{t−n} − 1`; `low_volatility`: `−std(r)·√252` over n days;
//!    * `file`: a user's `date, asset, value` file, its latest row dated on or before t
//!      (multiplied by −1 with `ascending = true`); a row older than the previous
//!      signal date is an error naming the file and the date unless `allow_stale`.
//! 3. **Decision**: the scores, tie-broken by momentum continuation (composite); the
//!    engine keeps the eligible (≥ `min_history_days` of closes), ranks, holds the top N
//!    (or their ETFs) and backtests.
//!
//! Its diagnostics: `regime.csv`, `factor_by_regime.csv` (RankIC and quintile spread of
//! every sub-factor, family and the composite by regime), `factor_availability.csv`,
//! `quantiles_by_regime.csv`, and the family scores of the last recommendation.

mod diagnostics;
mod signal;

pub use diagnostics::regime_frame;

use rotor_data::view::Field;
use rotor_engine::config::{resolve_path, EngineConfig, StrategyFile};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{BuildCtx, DataNeeds, LongInput, Strategy};
use rotor_engine::Result;
use rotor_factors::{FactorConfig, Family};
use rotor_regime::{RegimeConfig, RegimeSeries};
use rotor_selection::SelectionConfig;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub use signal::Rotation;

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

/// `[signal]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalConfig {
    /// Kind.
    pub kind: SignalKind,
    /// Lookback in trading days for momentum / low_volatility (120).
    pub lookback: usize,
    /// Factor file for `file` (relative to the strategy file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Multiply the file's values by −1 (lower = better).
    pub ascending: bool,
    /// Reuse a file's last row when no row is dated after the previous signal date.
    pub allow_stale: bool,
}

impl Default for SignalConfig {
    fn default() -> Self {
        SignalConfig {
            kind: SignalKind::Composite,
            lookback: 120,
            file: None,
            ascending: false,
            allow_stale: false,
        }
    }
}

/// The rotation's keys of a strategy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RotationParams {
    /// Series ids of the regime inputs (`[macro]`).
    #[serde(rename = "macro")]
    pub macro_series: RegimeSeries,
    /// Regime rules (SPEC §1).
    pub regime: RegimeConfig,
    /// Factor parameters (SPEC §2).
    pub factors: FactorConfig,
    /// Selection (SPEC §3).
    pub selection: SelectionConfig,
    /// What drives the ranking.
    pub signal: SignalConfig,
}

/// Parse the rotation's keys of a file (registry entry).
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let mut p: RotationParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    if let Some(f) = p.signal.file.as_mut() {
        resolve_path(f, &file.base);
    }
    Ok(Box::new(p))
}

/// The keys of the small example on the synthetic market (defaults).
pub const EXAMPLE: &str = "";

impl StrategyParams for RotationParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        DataNeeds {
            fields: vec![
                Field::PE_TTM,
                Field::FLOW_TURNOVER,
                Field::NORTHBOUND,
                Field::INSTITUTIONAL,
                Field::LARGE_ORDER,
            ],
            macro_series: self.macro_series.ids(),
            statements: true,
            consensus: true,
            etfs: true,
            files: match (&self.signal.kind, &self.signal.file) {
                (SignalKind::File, Some(f)) => vec![LongInput {
                    field: Field::USER_SCORE,
                    path: f.clone(),
                    select: None,
                }],
                _ => Vec::new(),
            },
            extra_codes: Vec::new(),
            index_weights: false,
        }
    }

    fn validate(&self, engine: &EngineConfig) -> std::result::Result<(), String> {
        validate(self, engine)
    }

    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(Rotation::new(self.clone(), ctx))
    }
}

/// Values and combinations of the rotation's keys; the message names the key, the
/// value and what is valid.
fn validate(p: &RotationParams, engine: &EngineConfig) -> std::result::Result<(), String> {
    let s = &p.signal;
    if s.kind == SignalKind::File && s.file.is_none() {
        return Err("signal.kind = \"file\" needs signal.file".into());
    }
    if matches!(s.kind, SignalKind::Momentum | SignalKind::LowVolatility) && s.lookback < 2 {
        return Err("signal.lookback must be ≥ 2".into());
    }
    if s.kind == SignalKind::Composite && engine.store.is_none() {
        return Err("signal.kind = \"composite\" needs a `store` (factor inputs); with `prices_file` use momentum, low_volatility or file".into());
    }
    let names = || {
        Family::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for d in &p.selection.disabled_families {
        if Family::parse(d).is_none() {
            return Err(format!(
                "selection.disabled_families: `{d}` is not a family; choose from {}",
                names()
            ));
        }
    }
    let enabled = Family::ALL
        .iter()
        .filter(|f| !p.selection.disabled_families.iter().any(|d| d == f.name()))
        .count();
    if s.kind == SignalKind::Composite && enabled < p.selection.min_families.max(1) {
        return Err(format!(
            "selection.disabled_families leaves {enabled} of the {} families enabled, fewer \
             than selection.min_families = {}: no asset could ever be scored",
            Family::ALL.len(),
            p.selection.min_families
        ));
    }
    for (k, w) in &p.selection.family_weights {
        if Family::parse(k).is_none() {
            return Err(format!(
                "selection.family_weights.{k}: not a family; choose from {}",
                names()
            ));
        }
        if !(w.is_finite() && *w >= 0.0) {
            return Err(format!(
                "selection.family_weights.{k} = {w}: expected a finite weight ≥ 0"
            ));
        }
    }
    let weighted = Family::ALL
        .iter()
        .filter(|f| !p.selection.disabled_families.iter().any(|d| d == f.name()))
        .filter(|f| {
            p.selection
                .family_weights
                .get(f.name())
                .is_none_or(|w| *w > 0.0)
        })
        .count();
    if s.kind == SignalKind::Composite && weighted == 0 {
        return Err(
            "selection.family_weights: every enabled family has weight 0, so no composite \
             score exists; give one a positive weight"
                .into(),
        );
    }
    finite_keys(p)
}

/// Every float key must be a finite number.
fn finite_keys(p: &RotationParams) -> std::result::Result<(), String> {
    let f = &p.factors;
    let r = &p.regime;
    let sel = &p.selection;
    let keys = [
        ("factors.pe_pct_sign", f.pe_pct_sign),
        ("factors.growth_clip", f.growth_clip),
        ("factors.mc_strip", f.mc_strip),
        ("regime.tau_m_bp", r.tau_m_bp),
        ("regime.tau_c_pp", r.tau_c_pp),
        ("selection.icir_min", sel.icir_min),
        ("selection.winsor_k", sel.winsor_k),
    ];
    for (k, v) in keys {
        if !v.is_finite() {
            return Err(format!("{k} = {v}: expected a finite number"));
        }
    }
    if !(0.0..0.5).contains(&f.mc_strip) {
        return Err(format!(
            "factors.mc_strip = {}: expected a share in [0, 0.5)",
            f.mc_strip
        ));
    }
    Ok(())
}

/// The rotation's parameters from a strategy file's keys (for commands that use its
/// regime rules alone, like `rotor regime`).
pub fn params_of(file: &StrategyFile) -> Result<RotationParams> {
    let mut p: RotationParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    if let Some(f) = p.signal.file.as_mut() {
        resolve_path(f, &file.base);
    }
    Ok(p)
}

/// The regime timeline of a strategy file's store and settings, to the latest data (a
/// backtest's `end` does not cut it) — `rotor regime` and the Python `rotor.regime`.
/// An error when the file has no store or the store none of the regime's series.
pub fn regime_of(file: &StrategyFile) -> Result<(Vec<rotor_regime::RegimeRow>, RotationParams)> {
    let p = params_of(file)?;
    let Some(store) = &file.engine.store else {
        return Err(file.error("the regime needs a store (the strategy file has none)"));
    };
    let rows = regime_timeline(
        store,
        file.engine.calendar_code(),
        file.engine.start,
        None,
        &p,
    )?;
    if rows.iter().all(|r| r.ybar.is_none() && r.m2.is_none()) {
        return Err(file.error(format!(
            "the store has no {} or {} series: import the 10Y yield and M2 YoY first (see examples/china_bundle.toml)",
            p.macro_series.yield_10y, p.macro_series.m2_yoy
        )));
    }
    Ok((rows, p))
}

/// The money + credit regime at each month-end of the store's calendar (reference
/// `calendar`) within `[start, end]`, plus the last trading day, each from the macro
/// series as known at that date — the timeline of `rotor regime`.
pub fn regime_timeline(
    store: &std::path::Path,
    calendar: &str,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
    p: &RotationParams,
) -> Result<Vec<rotor_regime::RegimeRow>> {
    let s = rotor_data::store::Store::open(store)?;
    let cal = rotor_data::panel::calendar_from_store(&s, calendar)?;
    let mut view = rotor_data::view::PitView::new(cal);
    view.load_macro(&s, &p.macro_series.ids(), &[])?;
    let days = view.calendar().days().to_vec();
    let Some(&last) = days.last() else {
        return Ok(Vec::new());
    };
    let stop = end.map_or(last, |e| e.min(last));
    let dates = rotor_engine::run::schedule(
        &days,
        rotor_engine::config::Rebalance::Monthly,
        start,
        stop,
        Some(stop),
    );
    let mut c = rotor_regime::Classifier::new(p.regime.clone());
    Ok(dates
        .iter()
        .map(|&t| {
            c.step(
                t,
                &rotor_regime::RegimeInputs::from_view(&view.at(t), &p.macro_series),
            )
        })
        .collect())
}
