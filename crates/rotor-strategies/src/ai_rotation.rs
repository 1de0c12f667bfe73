//! AI ETF rotation (`[strategy] kind = "ai_rotation"`, SPEC §7): stock-level alpha —
//! the predictions of `rotor ml train` — aggregated to index level with the indices'
//! point-in-time constituent weights; the engine holds the top N indices (or their
//! largest ETFs, `portfolio.mode = "etf"`), weekly by default.
//!
//! At each signal date t, from the view at t:
//!
//! 1. **Stock alpha** `α_i,t` (`[alpha] source`):
//!    * `file` (default): a long file `date, asset[, model], value` — `predictions.parquet`
//!      of `rotor ml train`, one `model` selected — each row known at its date; a stock's
//!      latest row on or before t, dated d, counts while fewer than `max_age_days` trading
//!      days follow d up to t (5: Friday's prediction still counts on Thursday; a weekly
//!      file needs ≥ 5);
//!    * `momentum` / `reversal`: `±(P_t / P_{t−n} − 1)` over `lookback` days of the
//!      stock's closes — stand-ins that need no model (the registry's example, tests).
//! 2. **Index score** (SPEC §7, §0.5 `IndexWeighted`): with `w_ij,t` the latest weight
//!    snapshot known at t drifted with member prices to t
//!    ([`rotor_data::view::AsOf::index_weights`]),
//!    `s_j,t = Σ_{i∈C_j, α_i valid} w_ij α_i / Σ_{i∈C_j, α_i valid} w_ij` — the **raw**
//!    (not neutralised) alpha, because the industry and size tilts it carries are what
//!    moves index returns; coverage `Σ_{valid} w / Σ_{members} w` below `min_coverage`
//!    (0.8) leaves the index without a score (not eligible at t).
//! 3. **Decision**: the scores; the engine keeps the eligible, ranks, holds the top
//!    `portfolio.top_n` (5) equally weighted, maps them to ETFs in ETF mode (largest AUM,
//!    or average turnover when the store has no size history — said in the run's
//!    notes), charges costs, and reports CSI 300 and the equal weight of the eligible
//!    indices as benchmarks.
//!
//! Before any index has a score (predictions start after the first training window) the
//! strategy holds cash (`Hold` with nothing held), and says for how many dates.
//!
//! Diagnostics: `index_scores.csv` (date, index, score, coverage, snapshot date,
//! members, members with alpha) and the last date's coverage beside the recommendation.
//!
//! ```toml
//! [strategy]
//! kind = "ai_rotation"
//! [universe]
//! codes = ["000300.SH", "000905.SH", "000852.SH", "801010.SI"]
//! [portfolio]
//! rebalance = "weekly"
//! top_n = 5
//! [alpha]
//! file = "../ml_train/predictions.parquet"
//! model = "gbdt"
//! ```

use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_data::view::{AsOf, Field};
use rotor_engine::config::{resolve_path, EngineConfig, StrategyFile};
use rotor_engine::note::{Note, NoteKind};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, LongInput, RecoExtras, RunRecord, Scores, Step,
    Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where the stock alpha comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AlphaSource {
    /// A predictions file (`date, asset[, model], value`).
    #[default]
    File,
    /// n-day price momentum of each stock.
    Momentum,
    /// Minus the n-day return (short-term reversal).
    Reversal,
}

/// `[alpha]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlphaConfig {
    /// Source of the stock alpha.
    pub source: AlphaSource,
    /// The predictions file for `file` (relative to the strategy file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// The `model` column's value to read (`gbdt`, `gru`, `ensemble`); empty = the file
    /// has no model column.
    pub model: String,
    /// A prediction dated d counts at t while fewer than this many trading days follow d
    /// up to t (5; 1 = only predictions dated t).
    pub max_age_days: usize,
    /// Days of the momentum / reversal stand-ins (20).
    pub lookback: usize,
    /// Covered share of an index's weight below which it gets no score (0.8, SPEC §7).
    pub min_coverage: f64,
}

impl Default for AlphaConfig {
    fn default() -> Self {
        AlphaConfig {
            source: AlphaSource::File,
            file: None,
            model: "gbdt".into(),
            max_age_days: 5,
            lookback: 20,
            min_coverage: 0.8,
        }
    }
}

/// The strategy's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AiRotationParams {
    /// Stock alpha and aggregation.
    pub alpha: AlphaConfig,
}

/// The example on the synthetic market (its indices' constituents, `rotor sim
/// --constituents`): 20-day reversal as the stand-in alpha, weekly, top 3.
pub const EXAMPLE: &str = "[portfolio]\nrebalance = \"weekly\"\ntop_n = 3\n[alpha]\nsource = \"reversal\"\nlookback = 20\n";

/// Registry parser.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let mut p: AiRotationParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    if let Some(f) = p.alpha.file.as_mut() {
        resolve_path(f, &file.base);
    }
    Ok(Box::new(p))
}

impl StrategyParams for AiRotationParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        let a = &self.alpha;
        let files = match (a.source, &a.file) {
            (AlphaSource::File, Some(f)) => vec![LongInput {
                field: Field::USER_SCORE,
                path: f.clone(),
                select: (!a.model.is_empty()).then(|| ("model".to_string(), a.model.clone())),
            }],
            _ => Vec::new(),
        };
        DataNeeds {
            files,
            index_weights: true,
            ..Default::default()
        }
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        let a = &self.alpha;
        if a.source == AlphaSource::File && a.file.is_none() {
            return Err("alpha.source = \"file\" needs alpha.file: the predictions.parquet of `rotor ml train` (or any date, asset, value file)".into());
        }
        if !(a.min_coverage > 0.0 && a.min_coverage <= 1.0) {
            return Err(format!(
                "alpha.min_coverage = {}: expected a share in (0, 1]",
                a.min_coverage
            ));
        }
        if a.source != AlphaSource::File && a.lookback == 0 {
            return Err("alpha.lookback must be at least 1 day".into());
        }
        if a.max_age_days == 0 {
            return Err(
                "alpha.max_age_days must be at least 1 (a prediction dated t counts at t)".into(),
            );
        }
        Ok(())
    }

    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(AiRotation {
            p: self.alpha.clone(),
            universe: ctx.universe.to_vec(),
            rows: Vec::new(),
            idle: Vec::new(),
        })
    }
}

/// The index score of SPEC §7 and its coverage from (weight, alpha) pairs of the
/// members: `Σ w α / Σ w` over members with a finite alpha, coverage = their weight over
/// all members' weight. NaN score when no member has alpha (coverage 0); NaN coverage
/// when the weights sum to zero.
pub fn index_score(members: &[(f64, f64)]) -> (f64, f64) {
    let total: f64 = members.iter().map(|m| m.0).sum();
    let (mut w, mut wa) = (0.0, 0.0);
    for &(wi, ai) in members {
        if ai.is_finite() && wi.is_finite() {
            w += wi;
            wa += wi * ai;
        }
    }
    let score = if w > 0.0 { wa / w } else { f64::NAN };
    let cov = if total > 0.0 { w / total } else { f64::NAN };
    (score, cov)
}

/// One index at one date.
struct Row {
    date: NaiveDate,
    index: String,
    score: f64,
    coverage: f64,
    snapshot: Option<NaiveDate>,
    members: usize,
    covered: usize,
}

struct AiRotation {
    p: AlphaConfig,
    universe: Vec<String>,
    rows: Vec<Row>,
    /// Dates without any scored index.
    idle: Vec<NaiveDate>,
}

impl AiRotation {
    /// The alpha of stock `code` at t (NaN = none).
    fn alpha(&self, at: &AsOf<'_>, code: &str) -> f64 {
        match self.p.source {
            AlphaSource::File => {
                let Some((d, v)) = at.latest(Field::USER_SCORE, code, None) else {
                    return f64::NAN;
                };
                let days = at.days();
                let age = days.len() - days.partition_point(|x| *x <= d);
                if age < self.p.max_age_days {
                    v
                } else {
                    f64::NAN
                }
            }
            AlphaSource::Momentum | AlphaSource::Reversal => {
                let Some(col) = at.column(Field::CLOSE, code) else {
                    return f64::NAN;
                };
                let n = col.len();
                if n <= self.p.lookback {
                    return f64::NAN;
                }
                let r = col[n - 1] / col[n - 1 - self.p.lookback] - 1.0;
                match (self.p.source, r.is_finite()) {
                    (_, false) => f64::NAN,
                    (AlphaSource::Reversal, true) => -r,
                    _ => r,
                }
            }
        }
    }

    /// The score row of index `code` at t.
    fn score_index(&self, at: &AsOf<'_>, code: &str) -> Row {
        let mut row = Row {
            date: at.date(),
            index: code.to_string(),
            score: f64::NAN,
            coverage: f64::NAN,
            snapshot: None,
            members: 0,
            covered: 0,
        };
        let Some((snap, weights)) = at.index_weights(code) else {
            return row;
        };
        let pairs: Vec<(f64, f64)> = weights
            .iter()
            .map(|(c, w)| (*w, self.alpha(at, c)))
            .collect();
        let (score, coverage) = index_score(&pairs);
        row.snapshot = Some(snap);
        row.members = pairs.len();
        row.covered = pairs.iter().filter(|p| p.1.is_finite()).count();
        row.coverage = coverage;
        row.score = if coverage >= self.p.min_coverage {
            score
        } else {
            f64::NAN
        };
        row
    }
}

impl Strategy for AiRotation {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let rows: Vec<Row> = self
            .universe
            .iter()
            .map(|c| self.score_index(at, c))
            .collect();
        let score: Vec<f64> = rows.iter().map(|r| r.score).collect();
        let mut trace = score.clone();
        trace.extend(rows.iter().map(|r| r.coverage));
        self.rows.extend(rows);
        if score.iter().all(|s| !s.is_finite()) {
            self.idle.push(at.date());
            return Ok(Step {
                decision: Decision::Weights(Vec::new()),
                label: None,
                trace,
            });
        }
        Ok(Step {
            decision: Decision::Scores(Scores::plain(score)),
            label: None,
            trace,
        })
    }

    fn finish(&mut self, run: &RunRecord<'_>) -> Diagnostics {
        let mut d = Diagnostics::default();
        let r = &self.rows;
        d.frames.push(
            Frame::new("index_scores")
                .with("date", Column::dates(r.iter().map(|x| x.date)))
                .with(
                    "index",
                    Column::Text(r.iter().map(|x| x.index.clone()).collect()),
                )
                .with("score", Column::Num(r.iter().map(|x| x.score).collect()))
                .with(
                    "coverage",
                    Column::Num(r.iter().map(|x| x.coverage).collect()),
                )
                .with(
                    "snapshot",
                    Column::Date(r.iter().map(|x| x.snapshot).collect()),
                )
                .with(
                    "members",
                    Column::Int(r.iter().map(|x| x.members as i64).collect()),
                )
                .with(
                    "covered",
                    Column::Int(r.iter().map(|x| x.covered as i64).collect()),
                ),
        );
        d.notes.extend(self.coverage_notes(run));
        if let Some(last) = run.dates.last() {
            let at_last: Vec<&Row> = r.iter().filter(|x| x.date == *last).collect();
            if at_last.len() == self.universe.len() {
                d.reco = RecoExtras {
                    columns: vec![(
                        "coverage".into(),
                        at_last.iter().map(|x| x.coverage).collect(),
                    )],
                    text: vec![format!(
                        "index score = constituent-weighted mean of the stock alpha ({}), coverage ≥ {:.0} %",
                        self.alpha_name(),
                        self.p.min_coverage * 100.0
                    )],
                };
            }
        }
        d
    }
}

impl AiRotation {
    fn alpha_name(&self) -> String {
        match self.p.source {
            AlphaSource::File => {
                let f = self
                    .p
                    .file
                    .as_ref()
                    .and_then(|f| f.file_name())
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                if self.p.model.is_empty() {
                    f
                } else {
                    format!("{f}, model {}", self.p.model)
                }
            }
            AlphaSource::Momentum => format!("{}-day momentum", self.p.lookback),
            AlphaSource::Reversal => format!("{}-day reversal", self.p.lookback),
        }
    }

    /// What could not be scored: dates before any alpha, indices without weights or
    /// below the coverage floor.
    fn coverage_notes(&self, run: &RunRecord<'_>) -> Vec<Note> {
        let mut notes = Vec::new();
        if let (Some(first), Some(last)) = (self.idle.first(), self.idle.last()) {
            notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "{} of {} signal dates ({first} … {last}) had no index with alpha coverage ≥ {:.0} % ({}): cash was held",
                    self.idle.len(),
                    run.dates.len(),
                    self.p.min_coverage * 100.0,
                    self.alpha_name()
                ),
            ));
        }
        let low: Vec<String> = self
            .universe
            .iter()
            .filter_map(|code| {
                let n = self
                    .rows
                    .iter()
                    .filter(|r| &r.index == code && r.snapshot.is_some())
                    .filter(|r| !r.score.is_finite() && !self.idle.contains(&r.date))
                    .count();
                (n > 0).then(|| format!("{code} {n}"))
            })
            .collect();
        if !low.is_empty() {
            notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "alpha covered less than {:.0} % of the index weight on some signal dates (not eligible then), dates per index: {}",
                    self.p.min_coverage * 100.0,
                    low.join(", ")
                ),
            ));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_golden_two_stocks_and_a_missing_alpha() {
        // SPEC §7: weights 0.7 / 0.3, α 1.0 / −1.0 → 0.4
        let (s, c) = index_score(&[(0.7, 1.0), (0.3, -1.0)]);
        assert!((s - 0.4).abs() < 1e-15 && c == 1.0);
        // a stock with missing α is dropped and the weights renormalised
        let (s, c) = index_score(&[(0.5, 1.0), (0.3, -1.0), (0.2, f64::NAN)]);
        assert!((s - (0.5 - 0.3) / 0.8).abs() < 1e-15);
        assert!((c - 0.8).abs() < 1e-15);
    }

    #[test]
    fn edge_cases_empty_no_alpha_zero_weights() {
        let (s, c) = index_score(&[]);
        assert!(s.is_nan() && c.is_nan());
        let (s, c) = index_score(&[(0.6, f64::NAN), (0.4, f64::NAN)]);
        assert!(s.is_nan() && c == 0.0);
        let (s, c) = index_score(&[(0.0, 1.0)]);
        assert!(s.is_nan() && c.is_nan());
        // a constant alpha gives that constant whatever the weights
        let (s, _) = index_score(&[(0.9, 0.25), (0.1, 0.25)]);
        assert!((s - 0.25).abs() < 1e-15);
    }
}
