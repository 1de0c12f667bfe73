//! A run plan: a strategy file resolved once into what to load ([`LoadSpec`]) and how
//! to run (the engine's run keys + the strategy's parameters).
//!
//! The split is what makes sweeps honest: a sweep may vary run parameters only. A key
//! whose change alters the [`LoadSpec`] (the store, the universe, the benchmark, a
//! series id, a strategy's input file, …) is refused with an error naming it, because
//! the data loaded once for the sweep would not be the data that value needs.

use crate::config::{EngineConfig, StrategyFile, UniverseConfig};
use crate::error::{EngineError, Result};
use crate::strategy::{find, DataNeeds, Entry, StrategyParams};
use std::path::PathBuf;
use std::sync::Arc;

/// What a run loads.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSpec {
    /// Store folder.
    pub store: Option<PathBuf>,
    /// Or a long price file.
    pub prices_file: Option<PathBuf>,
    /// Universe selection.
    pub universe: UniverseConfig,
    /// Market benchmark code ("" = none).
    pub benchmark: String,
    /// Calendar reference code.
    pub calendar: String,
    /// The strategy's needs.
    pub needs: DataNeeds,
}

/// A validated strategy file: the engine's keys and the strategy's parameters.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The file it came from.
    pub file: StrategyFile,
    /// The engine's keys.
    pub engine: EngineConfig,
    /// The strategy's parameters.
    pub params: Arc<dyn StrategyParams>,
    /// Its registry entry.
    pub entry: Entry,
}

impl Plan {
    /// Resolve a parsed file against a registry; validate both parts.
    pub fn new(file: StrategyFile, registry: &[Entry]) -> Result<Plan> {
        let entry = *find(registry, &file.engine.strategy.kind)
            .map_err(|m| EngineError::config(&file.path, m))?;
        // the strategy's keys first: an unknown key says more than a missing store
        let params: Arc<dyn StrategyParams> = Arc::from((entry.parse)(&file)?);
        file.engine.validate(&file.path)?;
        params.validate(&file.engine).map_err(|m| file.error(m))?;
        Ok(Plan {
            engine: file.engine.clone(),
            file,
            params,
            entry,
        })
    }

    /// Read a strategy file and resolve it.
    pub fn load(path: &std::path::Path, registry: &[Entry]) -> Result<Plan> {
        Plan::new(StrategyFile::load(path)?, registry)
    }

    /// What this plan loads.
    pub fn load_spec(&self) -> LoadSpec {
        let e = &self.engine;
        let mut needs = self.params.needs();
        if let Some(d) = &e.portfolio.defensive {
            needs.extra_codes.push(d.clone());
        }
        LoadSpec {
            store: e.store.clone(),
            prices_file: e.prices_file.clone(),
            universe: e.universe.clone(),
            benchmark: e.benchmark.code.clone(),
            calendar: e.calendar_code().to_string(),
            needs,
        }
    }

    /// The whole resolved file as a TOML table (engine keys + strategy keys).
    pub fn to_table(&self) -> toml::Table {
        let mut t = match toml::Value::try_from(&self.engine) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        };
        for (k, v) in self.params.to_toml() {
            t.insert(k, v);
        }
        t
    }

    /// The resolved config as TOML text (written beside every run's outputs).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.to_table())
            .unwrap_or_else(|e| format!("# could not serialise: {e}\n"))
    }

    /// The same plan with a changed engine (the strategy's parameters kept).
    pub fn with_engine(&self, engine: EngineConfig) -> Plan {
        Plan {
            engine,
            ..self.clone()
        }
    }
}
