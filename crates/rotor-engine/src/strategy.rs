//! The strategy interface and the registry entry type.
//!
//! A strategy is two things: its **parameters** ([`StrategyParams`], parsed from the
//! strategy file's keys, cloned per sweep variant), which say what data it needs and
//! build a fresh **instance** ([`Strategy`]) for each run. The engine steps the instance
//! through the signal dates, handing it the point-in-time view at each date
//! ([`rotor_data::view::AsOf`]); the instance answers with a [`Decision`] — scores over
//! the universe (an allocator turns them into weights), target weights, or a timing
//! position — and at the end gives its [`Diagnostics`] (tables, notes, labels) for the
//! run folder and the report.
//!
//! A registry ([`Entry`] list, in `rotor-strategies`) maps `[strategy] kind = "…"` to a
//! parser. Adding a strategy = one module implementing these two traits + one entry.

use crate::config::{EngineConfig, StrategyFile};
use crate::error::Result;
use crate::note::Note;
use chrono::NaiveDate;
use rotor_core::frame::Frame;
use rotor_core::Panel;
use rotor_data::view::{AsOf, Field};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a strategy reads, besides the closes of its universe (always loaded).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataNeeds {
    /// Daily fields of the universe codes (valuation, flows, …).
    pub fields: Vec<Field>,
    /// Macro series ids.
    pub macro_series: Vec<String>,
    /// Quarterly statements of the universe codes.
    pub statements: bool,
    /// Consensus snapshots of the universe codes.
    pub consensus: bool,
    /// ETF data of the ETFs tracking universe codes (info, closes, size or turnover).
    pub etfs: bool,
    /// Long files `date, asset, value` loaded as a field on their own dates (a user's
    /// score; each value known at its date).
    pub files: Vec<(Field, PathBuf)>,
    /// Codes read besides the universe (a timing target, a defensive asset).
    pub extra_codes: Vec<String>,
}

/// What a strategy instance is built with.
#[derive(Debug, Clone)]
pub struct BuildCtx<'a> {
    /// Universe codes (the order of [`Scores`]).
    pub universe: &'a [String],
    /// The close field of the run's return basis.
    pub price: Field,
    /// The engine's keys.
    pub engine: &'a EngineConfig,
}

/// Scores over the universe at t (higher = better). NaN = no opinion (not eligible).
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Score per universe asset.
    pub score: Vec<f64>,
    /// Tie-break per asset (higher first; NaN = last), e.g. momentum continuation.
    pub tiebreak: Vec<f64>,
    /// The strategy's own eligibility (the engine adds the history rule).
    pub eligible: Vec<bool>,
}

impl Scores {
    /// Scores with no tie-break, eligible where finite.
    pub fn plain(score: Vec<f64>) -> Self {
        let n = score.len();
        let eligible = score.iter().map(|v| v.is_finite()).collect();
        Scores {
            score,
            tiebreak: vec![f64::NAN; n],
            eligible,
        }
    }
}

/// A strategy's decision at a signal date.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Decision {
    /// Scores over the universe; the configured allocator picks and weights.
    Scores(Scores),
    /// Target weights by asset code (fractions of NAV; the rest is cash).
    Weights(Vec<(String, f64)>),
    /// A timing position: weight `weight` ∈ [0, 1] in `asset`, the rest in the
    /// configured defensive asset (`portfolio.defensive`) or cash.
    Position {
        /// The risky asset.
        asset: String,
        /// Its weight.
        weight: f64,
    },
    /// No trade at this date (positions drift on).
    #[default]
    Hold,
}

/// A decision and a label for the date (the regime, a timing state …).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    /// The decision.
    pub decision: Decision,
    /// A label code for the date (shading in reports, grouping in evaluation).
    pub label: Option<String>,
    /// The numbers the decision rests on (a regime's inputs, raw factor values …),
    /// compared bit for bit by the look-ahead harness so that a leak is seen even when
    /// it does not flip the decision.
    pub trace: Vec<f64>,
}

/// What the engine knows after a run, for the strategy's diagnostics.
#[derive(Debug, Clone)]
pub struct RunRecord<'a> {
    /// Universe codes.
    pub universe: &'a [String],
    /// Signal dates.
    pub dates: &'a [NaiveDate],
    /// Label per signal date.
    pub labels: &'a [Option<String>],
    /// Realised universe return from each signal date to the next (NaN for the last
    /// and where a close is missing) — evaluation only, after the run.
    pub fwd: &'a Panel,
}

/// Extra columns of the recommendation at the last signal date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecoExtras {
    /// Named values per universe asset (family scores …).
    pub columns: Vec<(String, Vec<f64>)>,
    /// Lines of text (sub-factors used …).
    pub text: Vec<String>,
}

/// A strategy's tables and remarks at the end of a run.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// Tables written as `<name>.csv` (and read by the report by name).
    pub frames: Vec<Frame>,
    /// Notes.
    pub notes: Vec<Note>,
    /// Label code → display name (e.g. `LL` → 宽货币宽信用).
    pub label_names: BTreeMap<String, String>,
    /// What the labels are (e.g. 宏观环境).
    pub label_title: Option<String>,
    /// Recommendation extras.
    pub reco: RecoExtras,
    /// Named texts for reports (e.g. `regime_rules`: the regime rules as configured).
    pub texts: BTreeMap<String, String>,
}

/// A running strategy.
pub trait Strategy: Send {
    /// The decision at `at.date()`, from what was known then. Called at each signal date
    /// in order.
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step>;
    /// Tables and notes after the run.
    fn finish(&mut self, run: &RunRecord<'_>) -> Diagnostics;
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
    fn sleeves(&self) -> Option<&crate::sleeves::SleeveSpec> {
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
