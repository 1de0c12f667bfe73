//! The rotation's instance: regime, score and decision at each signal date, from the
//! point-in-time view only.

use super::{RotationParams, SignalKind};
use chrono::NaiveDate;
use rotor_core::ops::cross::spearman;
use rotor_data::view::{AsOf, Field};
use rotor_engine::strategy::{BuildCtx, Decision, Diagnostics, RunRecord, Scores, Step, Strategy};
use rotor_engine::{EngineError, Result};
use rotor_factors::{compute_at, price, FactorHistory, FactorId, FactorsAt, Presence};
use rotor_regime::{Classifier, Regime, RegimeInputs, RegimeRow};
use rotor_selection::{CompositeAt, Selector};
use std::collections::BTreeMap;

/// The sub-factors and closes of the previous signal date, for the RankIC realised by
/// the next one.
struct Previous {
    regime: Regime,
    subs: BTreeMap<FactorId, Vec<f64>>,
    day: usize,
}

/// A running rotation.
pub struct Rotation {
    p: RotationParams,
    universe: Vec<String>,
    price: Field,
    classifier: Classifier,
    /// Set at the first date (presence is a property of the loaded view).
    selector: Option<Selector>,
    presence: Option<Presence>,
    macro_present: (bool, bool, bool),
    history: FactorHistory,
    composites: Vec<CompositeAt>,
    regimes: Vec<RegimeRow>,
    scores: Vec<Vec<f64>>,
    dates: Vec<NaiveDate>,
    file_matched: usize,
    prev: Option<Previous>,
}

impl Rotation {
    /// A fresh instance for one run.
    pub fn new(p: RotationParams, ctx: &BuildCtx<'_>) -> Self {
        Rotation {
            classifier: Classifier::new(p.regime.clone()),
            p,
            universe: ctx.universe.to_vec(),
            price: ctx.price,
            selector: None,
            presence: None,
            macro_present: (false, false, false),
            history: FactorHistory::default(),
            composites: Vec::new(),
            regimes: Vec::new(),
            scores: Vec::new(),
            dates: Vec::new(),
            file_matched: 0,
            prev: None,
        }
    }

    /// The regime at t (Undefined without the yield or M2 series), and its inputs for
    /// the trace.
    fn regime(&mut self, at: &AsOf<'_>, trace: &mut Vec<f64>) -> Regime {
        let ids = &self.p.macro_series;
        self.macro_present = (
            at.has_macro(&ids.yield_10y),
            at.has_macro(&ids.m2_yoy),
            at.has_macro(&ids.tsf_stock_yoy),
        );
        if !(self.macro_present.0 || self.macro_present.1) {
            return Regime::Undefined;
        }
        let row = self
            .classifier
            .step(at.date(), &RegimeInputs::from_view(at, ids));
        let r = row.regime;
        let day = |d: Option<NaiveDate>| {
            d.map_or(f64::NAN, |d| rotor_data::table::date_to_days(d) as f64)
        };
        for x in [row.ybar, row.dy, row.c, row.dc, row.m2, row.tsf] {
            trace.push(x.unwrap_or(f64::NAN));
        }
        trace.push(day(row.q_used));
        trace.push(day(row.inputs_available_at));
        self.regimes.push(row);
        r
    }

    /// The composite at t (SPEC §2–§3), recording the RankIC of the previous date's
    /// sub-factors against the return realised since.
    fn composite(&mut self, at: &AsOf<'_>, regime: Regime, trace: &mut Vec<f64>) -> Scores {
        let presence = *self.presence.get_or_insert_with(|| Presence::of(at));
        let supported = presence.supported(&self.p.factors);
        let sel = self
            .selector
            .get_or_insert_with(|| Selector::new(self.p.selection.clone(), &supported));
        let f: FactorsAt = compute_at(at, &self.universe, self.price, &self.p.factors);
        let day = at.days().len().saturating_sub(1);
        if let Some(prev) = self.prev.take() {
            let fwd: Vec<f64> = self
                .universe
                .iter()
                .map(|c| {
                    let Some(col) = at.column(self.price, c) else {
                        return f64::NAN;
                    };
                    let (pa, pb) = (col.get(prev.day).copied(), col.get(day).copied());
                    match (pa, pb) {
                        (Some(a), Some(b)) if a > 0.0 && b.is_finite() => b / a - 1.0,
                        _ => f64::NAN,
                    }
                })
                .collect();
            let ic = prev
                .subs
                .iter()
                .map(|(k, v)| (*k, spearman(v, &fwd, 3)))
                .collect();
            sel.record_ic(prev.regime, ic);
        }
        for v in f.values.values() {
            trace.extend_from_slice(v);
        }
        let c = sel.step(regime, &f.values);
        let tiebreak = f
            .values
            .get(&FactorId::Mc)
            .cloned()
            .unwrap_or_else(|| vec![f64::NAN; self.universe.len()]);
        let score = c.score.clone();
        self.prev = Some(Previous {
            regime,
            subs: f.values.clone(),
            day,
        });
        self.history.push(at.date(), f);
        self.composites.push(c);
        Scores {
            eligible: vec![true; score.len()],
            score,
            tiebreak,
        }
    }

    /// `momentum` / `low_volatility` from the closes up to t.
    fn price_score(&self, at: &AsOf<'_>) -> Scores {
        let n = self.p.signal.lookback;
        let score = self
            .universe
            .iter()
            .map(|c| {
                let Some(col) = at.column(self.price, c) else {
                    return f64::NAN;
                };
                let Some(t) = col.len().checked_sub(1) else {
                    return f64::NAN;
                };
                match self.p.signal.kind {
                    SignalKind::Momentum => price::momentum_at(&col, t, n),
                    _ => price::low_volatility_at(&col, t, n),
                }
            })
            .collect();
        Scores::plain(score)
    }

    /// A user's score file: its latest row dated on or before t.
    fn file_score(&mut self, at: &AsOf<'_>) -> Result<Scores> {
        let t = at.date();
        let dates = at.field_dates(Field::USER_SCORE);
        let file = || {
            self.p
                .signal
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default()
        };
        let Some(&row_date) = dates.last() else {
            return Ok(Scores::plain(vec![f64::NAN; self.universe.len()]));
        };
        let prev = self.dates.last().copied();
        if let Some(prev) = prev.filter(|p| row_date <= *p && !self.p.signal.allow_stale) {
            return Err(EngineError::Decide {
                date: t,
                msg: format!(
                    "signal file {} has no row dated after the previous signal date {prev} (its latest row on or before {t} is dated {row_date}); add rows for every signal date, or set signal.allow_stale = true to reuse the last one",
                    file()
                ),
            });
        }
        let r = dates.len() - 1;
        let sign = if self.p.signal.ascending { -1.0 } else { 1.0 };
        let score: Vec<f64> = self
            .universe
            .iter()
            .map(|c| {
                let v = at
                    .column(Field::USER_SCORE, c)
                    .and_then(|col| col.get(r).copied());
                v.map_or(f64::NAN, |v| sign * v)
            })
            .collect();
        self.file_matched += score.iter().filter(|v| v.is_finite()).count();
        Ok(Scores::plain(score))
    }
}

impl Strategy for Rotation {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let mut trace = Vec::new();
        let regime = self.regime(at, &mut trace);
        let scores = match self.p.signal.kind {
            SignalKind::Composite => self.composite(at, regime, &mut trace),
            SignalKind::Momentum | SignalKind::LowVolatility => self.price_score(at),
            SignalKind::File => self.file_score(at)?,
        };
        self.dates.push(at.date());
        self.scores.push(scores.score.clone());
        Ok(Step {
            decision: Decision::Scores(scores),
            label: Some(regime.code().to_string()),
            trace,
        })
    }

    fn finish(&mut self, run: &RunRecord<'_>) -> Diagnostics {
        let record = super::diagnostics::Record {
            p: &self.p,
            universe: &self.universe,
            presence: self.presence,
            macro_present: self.macro_present,
            history: &self.history,
            composites: &self.composites,
            regimes: &self.regimes,
            scores: &self.scores,
            dates: &self.dates,
            file_matched: self.file_matched,
        };
        super::diagnostics::diagnostics(&record, run)
    }
}
