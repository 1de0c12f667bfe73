//! A run plan: a strategy file resolved once into what to load ([`LoadSpec`]) and how
//! to run (the engine's run keys + the strategy's parameters).
//!
//! The split is what makes sweeps honest: a sweep may vary run parameters only. A key
//! whose change alters the [`LoadSpec`] (the store, the universe, the benchmark, a
//! series id, a strategy's input file, …) is refused with an error naming it, because
//! the data loaded once for the sweep would not be the data that value needs.

//!
//! The strategy parameters trait, the registry entry and the sleeves of a composite
//! strategy live here too: a plan holds parameters, and a sleeve strategy's parameters
//! hold plans.

use crate::config::{EngineConfig, StrategyFile, UniverseConfig};
use crate::error::{EngineError, Result};
use crate::strategy::{BuildCtx, DataNeeds, Strategy};
use rotor_portfolio::sleeves::SleeveRebalance;
use std::path::{Path, PathBuf};
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

    /// The whole resolved file as a TOML table (engine keys + strategy keys), paths as
    /// resolved (relative to the current folder, or absolute).
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
    ///
    /// Paths are written relative to the run folder (`store = "../../store"`; see
    /// [`crate::config::relative_to`]): every absolute path among the values — the
    /// engine's `store`, `prices_file`, `out` and a strategy's own files — so the file
    /// re-runs from the run folder and carries no machine-specific path.
    pub fn to_toml(&self) -> String {
        self.to_toml_at(&self.engine.run_dir(""))
    }

    /// [`Self::to_toml`] for a file written in `dir` (a sweep's folder, say).
    pub fn to_toml_at(&self, dir: &Path) -> String {
        let mut t = self.to_table();
        relativize(&mut t, dir);
        toml::to_string(&t).unwrap_or_else(|e| format!("# could not serialise: {e}\n"))
    }

    /// The same plan with a changed engine (the strategy's parameters kept).
    pub fn with_engine(&self, engine: EngineConfig) -> Plan {
        Plan {
            engine,
            ..self.clone()
        }
    }
}

/// Rewrite the path values of a table relative to `run_dir`: the values of path keys
/// (`store`, `prices_file`, `out`, `file`), which parsing resolved against the strategy
/// file's folder, and any other absolute path.
fn relativize(t: &mut toml::Table, run_dir: &Path) {
    for (k, v) in t.iter_mut() {
        match v {
            toml::Value::String(s) => {
                let p = Path::new(s.as_str());
                let path_key = matches!(k.as_str(), "store" | "prices_file" | "out" | "file");
                if p.is_absolute() || (path_key && !s.is_empty()) {
                    *s = crate::config::relative_to(p, run_dir)
                        .to_string_lossy()
                        .into_owned();
                }
            }
            toml::Value::Table(sub) => relativize(sub, run_dir),
            toml::Value::Array(a) => {
                for x in a.iter_mut() {
                    if let toml::Value::Table(sub) = x {
                        relativize(sub, run_dir);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A strategy's parameters (its keys of the strategy file, with defaults).
pub trait StrategyParams: Send + Sync + std::fmt::Debug {
    /// The resolved keys as TOML (written into every run folder).
    fn to_toml(&self) -> toml::Table;
    /// What to load besides the universe's closes.
    fn needs(&self) -> DataNeeds;
    /// Check values against each other and the engine's keys; the message names the key.
    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        Ok(())
    }
    /// A fresh instance for one run.
    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy>;
    /// A strategy made of sleeves of other strategies returns their plan; the engine
    /// then runs the sleeves and mixes them instead of stepping an instance.
    fn sleeves(&self) -> Option<&SleeveSpec> {
        None
    }
}

/// A registry entry: `[strategy] kind = "<kind>"` → this parser.
#[derive(Clone, Copy)]
pub struct Entry {
    /// Registry name.
    pub kind: &'static str,
    /// One line on what it does.
    pub about: &'static str,
    /// Parse the strategy's keys of a file.
    pub parse: fn(&StrategyFile) -> Result<Box<dyn StrategyParams>>,
    /// The strategy's keys of a small example on the synthetic market (used by the
    /// store-mutation look-ahead test of every registered strategy and in docs).
    pub example: &'static str,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("kind", &self.kind).finish()
    }
}

/// Find `kind` in a registry; the error lists the choices.
pub fn find<'a>(registry: &'a [Entry], kind: &str) -> std::result::Result<&'a Entry, String> {
    registry.iter().find(|e| e.kind == kind).ok_or_else(|| {
        format!(
            "strategy.kind = \"{kind}\" is not registered; choose one of: {}",
            registry
                .iter()
                .map(|e| e.kind)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// One sleeve of a composite strategy.
#[derive(Debug, Clone)]
pub struct Sleeve {
    /// Name (a column of the tables).
    pub name: String,
    /// Target weight (fraction of NAV).
    pub weight: f64,
    /// The sleeve's own plan.
    pub plan: Plan,
}

/// The sleeves of a mix and its rebalance rule (run by [`crate::sleeves`]).
#[derive(Debug, Clone)]
pub struct SleeveSpec {
    /// Sleeves in order.
    pub sleeves: Vec<Sleeve>,
    /// Daily reset or drift bands.
    pub rebalance: SleeveRebalance,
    /// Cost of a band rebalance per unit traded, bp.
    pub cost_bps: f64,
}
