//! Sleeves of strategies (`[strategy] kind = "sleeves"`): a fixed mix of other
//! strategies — core + satellite (SPEC §16) — each run on its own, their net NAVs mixed
//! at target weights ([`rotor_engine::sleeves`]).
//!
//! ```toml
//! [strategy]
//! kind = "sleeves"
//! [sleeves]
//! rebalance = "bands"        # bands (default) | daily
//! band = 0.05                # ±5 pp
//! cost_bps = 10.0
//! [[sleeves.sleeve]]
//! name = "core"
//! weight = 0.7
//! file = "core.toml"         # a strategy file, or an inline one:
//! [[sleeves.sleeve]]
//! name = "satellite"
//! weight = 0.3
//! [sleeves.sleeve.config]    # any strategy file's keys; store, dates, out and the
//! [sleeves.sleeve.config.strategy]   # benchmark default to the parent's
//! kind = "rotation"
//! ```

use rotor_data::view::AsOf;
use rotor_engine::config::{resolve_path, EngineConfig, StrategyFile};
use rotor_engine::plan::Plan;
use rotor_engine::plan::{Sleeve, SleeveSpec, StrategyParams};
use rotor_engine::strategy::{BuildCtx, DataNeeds, Diagnostics, RunRecord, Step, Strategy};
use rotor_engine::{EngineError, Result};
use rotor_portfolio::sleeves::SleeveRebalance;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// When the mix returns to its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// When a weight drifts past `band` (default).
    #[default]
    Bands,
    /// Every day.
    Daily,
}

/// One `[[sleeves.sleeve]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleeveDef {
    /// Name.
    pub name: String,
    /// Target weight.
    pub weight: f64,
    /// A strategy file (relative to this file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Or an inline strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<toml::Table>,
}

/// `[sleeves]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SleevesConfig {
    /// Rebalance rule.
    pub rebalance: Rule,
    /// Band (fraction of NAV) of the bands rule.
    pub band: f64,
    /// Cost of a rebalance per unit traded, bp.
    pub cost_bps: f64,
    /// The sleeves.
    pub sleeve: Vec<SleeveDef>,
}

impl Default for SleevesConfig {
    fn default() -> Self {
        SleevesConfig {
            rebalance: Rule::Bands,
            band: 0.05,
            cost_bps: 10.0,
            sleeve: Vec::new(),
        }
    }
}

/// The strategy's keys and the resolved sleeves.
#[derive(Debug, Clone)]
pub struct SleevesParams {
    cfg: SleevesConfig,
    spec: SleeveSpec,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Keys {
    sleeves: SleevesConfig,
}

/// The example on the synthetic market: a momentum rotation and CSI 300, 60/40.
pub const EXAMPLE: &str = r#"[sleeves]
rebalance = "bands"
band = 0.05
[[sleeves.sleeve]]
name = "rotation"
weight = 0.6
[sleeves.sleeve.config.signal]
kind = "momentum"
lookback = 60
[[sleeves.sleeve]]
name = "core"
weight = 0.4
[sleeves.sleeve.config.strategy]
kind = "buy_hold"
[sleeves.sleeve.config.hold]
weights = { "000300.SH" = 1.0 }
"#;

/// Registry parser: each sleeve becomes a plan (inline sleeves inherit the parent's
/// store, price file, dates, output folder and benchmark).
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let keys: Keys = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    let mut cfg = keys.sleeves;
    for s in &mut cfg.sleeve {
        // like every path of a strategy file: relative to the file's folder
        if let Some(f) = s.file.as_mut() {
            resolve_path(f, &file.base);
        }
    }
    let bad = |m: String| EngineError::config(&file.path, m);
    if cfg.sleeve.is_empty() {
        return Err(bad(
            "sleeves.sleeve: no sleeve; add [[sleeves.sleeve]] tables".into(),
        ));
    }
    let total: f64 = cfg.sleeve.iter().map(|s| s.weight).sum();
    if cfg
        .sleeve
        .iter()
        .any(|s| !(s.weight.is_finite() && s.weight >= 0.0))
        || total > 1.0 + 1e-9
    {
        return Err(bad(format!(
            "sleeves.sleeve weights must be ≥ 0 and sum to at most 1 (they sum to {total})"
        )));
    }
    if !(cfg.band.is_finite() && cfg.band > 0.0) {
        return Err(bad(format!(
            "sleeves.band = {}: expected a positive fraction of NAV",
            cfg.band
        )));
    }
    let mut sleeves = Vec::new();
    for s in &cfg.sleeve {
        if sleeves.iter().any(|x: &Sleeve| x.name == s.name) {
            return Err(bad(format!(
                "sleeves.sleeve: the name `{}` is used twice",
                s.name
            )));
        }
        sleeves.push(Sleeve {
            name: s.name.clone(),
            weight: s.weight,
            plan: sleeve_plan(file, s)?,
        });
    }
    let spec = SleeveSpec {
        sleeves,
        rebalance: match cfg.rebalance {
            Rule::Bands => SleeveRebalance::Bands(cfg.band),
            Rule::Daily => SleeveRebalance::DailyReset,
        },
        cost_bps: cfg.cost_bps,
    };
    Ok(Box::new(SleevesParams { cfg, spec }))
}

/// A sleeve's plan from its file or inline table.
fn sleeve_plan(parent: &StrategyFile, s: &SleeveDef) -> Result<Plan> {
    match (&s.file, &s.config) {
        (Some(f), None) => Plan::load(f, crate::registry()),
        (None, Some(inline)) => {
            // the inherited paths are already resolved: made absolute so that resolving
            // the inline table against the parent's folder leaves them as they are
            let mut engine = parent.engine.clone();
            for p in [
                engine.store.as_mut(),
                engine.prices_file.as_mut(),
                Some(&mut engine.out),
            ]
            .into_iter()
            .flatten()
            {
                *p = std::path::absolute(&*p).unwrap_or_else(|_| p.clone());
            }
            let mut t = match toml::Value::try_from(&engine) {
                Ok(toml::Value::Table(t)) => t,
                _ => toml::Table::new(),
            };
            for k in ["strategy", "universe", "portfolio"] {
                t.remove(k);
            }
            t.insert(
                "name".into(),
                toml::Value::String(format!("{}-{}", parent.engine.name, s.name)),
            );
            for (k, v) in inline {
                t.insert(k.clone(), v.clone());
            }
            let f = StrategyFile::from_table(t, &parent.path, &parent.base)?;
            Plan::new(f, crate::registry())
        }
        _ => Err(EngineError::config(
            &parent.path,
            format!(
                "sleeves.sleeve `{}`: give exactly one of `file` or `config`",
                s.name
            ),
        )),
    }
}

impl StrategyParams for SleevesParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(Keys {
            sleeves: self.cfg.clone(),
        }) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        DataNeeds::default()
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        Ok(())
    }

    fn build(&self, _ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(NotStepped)
    }

    fn sleeves(&self) -> Option<&SleeveSpec> {
        Some(&self.spec)
    }
}

/// A sleeve strategy is mixed, not stepped (the engine runs its sleeves).
struct NotStepped;

impl Strategy for NotStepped {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        Err(EngineError::Decide {
            date: at.date(),
            msg: "a sleeves strategy is run through rotor_engine::execute, which mixes its sleeves"
                .into(),
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        Diagnostics::default()
    }
}
