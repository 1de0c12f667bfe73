//! The strategy interface and the registry entry type.
//!
//! A strategy is two things: its **parameters** (`StrategyParams`, parsed from the
//! strategy file's keys, cloned per sweep variant), which say what data it needs and
//! build a fresh **instance** ([`Strategy`]) for each run. The engine steps the instance
//! through the signal dates, handing it the point-in-time view at each date
//! ([`rotor_data::view::AsOf`]); the instance answers with a [`Decision`] — scores over
//! the universe (an allocator turns them into weights), target weights, or a timing
//! position — and at the end gives its [`Diagnostics`] (tables, notes, labels) for the
//! run folder and the report.
//!
//! A registry ([`crate::plan::Entry`] list, in `rotor-strategies`) maps
//! `[strategy] kind = "…"` to a parser of [`crate::plan::StrategyParams`]. Adding a
//! strategy = one module implementing those two traits + one entry.

use crate::config::EngineConfig;
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
    /// score, a model's predictions; each value known at its date).
    pub files: Vec<LongInput>,
    /// Index weight snapshots of the universe codes, and the closes of every member
    /// (to drift them to t): [`rotor_data::view::AsOf::index_weights`].
    pub index_weights: bool,
    /// Codes read besides the universe (a timing target, a defensive asset).
    pub extra_codes: Vec<String>,
}

/// A long file a strategy reads as a daily field.
#[derive(Debug, Clone, PartialEq)]
pub struct LongInput {
    /// The field it becomes in the view.
    pub field: Field,
    /// The file (CSV or Parquet; `date`, `asset`, a value column).
    pub path: PathBuf,
    /// Keep only rows whose column (first) equals the value (second) — the `model` of a
    /// predictions file.
    pub select: Option<(String, String)>,
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
