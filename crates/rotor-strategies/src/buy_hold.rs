//! Buy and hold (`[strategy] kind = "buy_hold"`): the worked example of
//! `docs/architecture.md#adding-a-strategy` — one file and one registry line.
//!
//! `[hold] weights = { "000300.SH" = 1.0 }` names the assets and their weights
//! (fractions of NAV; the rest is cash). The portfolio is bought at the first signal
//! date and then held (weights drift with prices); with `rebalance = true` it is reset
//! to the weights at every signal date (a fixed mix).
//!
//! ```toml
//! name = "csi300"
//! store = "../../rotor-out/demo/store"
//! [strategy]
//! kind = "buy_hold"
//! [hold]
//! weights = { "000300.SH" = 1.0 }
//! ```

use rotor_data::view::AsOf;
use rotor_engine::config::{EngineConfig, StrategyFile};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Step, Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[hold]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct HoldConfig {
    /// Asset code → weight.
    pub weights: BTreeMap<String, f64>,
    /// Reset to the weights at every signal date (false: buy once, then hold).
    pub rebalance: bool,
}

/// The strategy's keys of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BuyHoldParams {
    /// What to hold.
    pub hold: HoldConfig,
}

/// Registry parser.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let p: BuyHoldParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    Ok(Box::new(p))
}

/// The example on the synthetic market.
pub const EXAMPLE: &str =
    "[hold]\nweights = { \"000300.SH\" = 0.6, \"000905.SH\" = 0.4 }\nrebalance = true\n";

impl StrategyParams for BuyHoldParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        DataNeeds {
            extra_codes: self.hold.weights.keys().cloned().collect(),
            ..Default::default()
        }
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        if self.hold.weights.is_empty() {
            return Err("hold.weights is empty: name at least one asset, e.g. weights = { \"000300.SH\" = 1.0 }".into());
        }
        let total: f64 = self.hold.weights.values().sum();
        if self
            .hold
            .weights
            .values()
            .any(|w| !(w.is_finite() && *w >= 0.0))
            || total > 1.0 + 1e-9
        {
            return Err(format!(
                "hold.weights must be ≥ 0 and sum to at most 1 (they sum to {total})"
            ));
        }
        Ok(())
    }

    fn build(&self, _ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(BuyHold {
            p: self.clone(),
            bought: false,
        })
    }
}

struct BuyHold {
    p: BuyHoldParams,
    bought: bool,
}

impl Strategy for BuyHold {
    fn decide(&mut self, _at: &AsOf<'_>) -> Result<Step> {
        let decision = if self.bought && !self.p.hold.rebalance {
            Decision::Hold
        } else {
            self.bought = true;
            Decision::Weights(
                self.p
                    .hold
                    .weights
                    .iter()
                    .map(|(k, v)| (k.clone(), *v))
                    .collect(),
            )
        };
        Ok(Step {
            decision,
            ..Default::default()
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        Diagnostics::default()
    }
}
