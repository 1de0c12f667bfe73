//! The rotation's tables and notes after a run.
//!
//! * `regime.csv`: one row per signal date with the states, the inputs that decided
//!   them, the credit basis and when the inputs were published;
//! * `factor_by_regime.csv`: per sub-factor, family score and composite, the RankIC of
//!   each signal date against the index return to the next signal date, grouped by the
//!   regime known at the signal date, with the mean top-minus-bottom quintile return
//!   ([`rotor_eval::signal`]);
//! * `factor_availability.csv`: per date and family, how many indices have a value.
//!
//! (The engine adds the evaluation of the composite itself by regime for every scores
//! strategy: `score_by_label.csv`, `score_quantiles_by_label.csv`.)

use super::{RotationParams, SignalKind};
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_core::Panel;
use rotor_engine::note::{Note, NoteKind};
use rotor_engine::strategy::{Diagnostics, RecoExtras, RunRecord};
use rotor_eval::signal::{ic_by_label, period_stats};
use rotor_factors::{FactorHistory, Presence};
use rotor_factors::{FactorSet, Family};
use rotor_regime::RegimeRow;
use rotor_regime::{Regime, State};
use rotor_selection::CompositeAt;
use std::collections::BTreeMap;

/// What a rotation run recorded, for its diagnostics.
pub(super) struct Record<'a> {
    pub p: &'a RotationParams,
    pub universe: &'a [String],
    pub presence: Option<Presence>,
    /// Whether the yield, M2 and TSF-stock series were loaded.
    pub macro_present: (bool, bool, bool),
    pub history: &'a FactorHistory,
    pub composites: &'a [CompositeAt],
    pub regimes: &'a [RegimeRow],
    pub scores: &'a [Vec<f64>],
    pub dates: &'a [NaiveDate],
    pub file_matched: usize,
}

/// Everything [`Diagnostics`] holds for a rotation run.
pub(super) fn diagnostics(r: &Record<'_>, run: &RunRecord<'_>) -> Diagnostics {
    let mut d = Diagnostics {
        label_title: Some("宏观环境".into()),
        label_names: Regime::ALL
            .iter()
            .map(|g| (g.code().to_string(), g.zh().to_string()))
            .collect(),
        ..Default::default()
    };
    d.notes.extend(regime_notes(r));
    d.texts.insert("regime_rules".into(), r.p.regime.rules_zh());
    let fs = (r.p.signal.kind == SignalKind::Composite)
        .then(|| {
            r.presence
                .map(|p| r.history.finish(r.universe, &p, &r.p.factors))
        })
        .flatten();
    if let Some(fs) = &fs {
        d.notes.extend(
            fs.notes
                .iter()
                .map(|n| Note::new(NoteKind::Strategy, n.clone())),
        );
        let fams = fs
            .families()
            .into_iter()
            .filter(|f| {
                !r.p.selection
                    .disabled_families
                    .iter()
                    .any(|x| x == f.name())
            })
            .count();
        if fams < r.p.selection.min_families {
            d.notes.push(Note::new(
                NoteKind::Strategy,
                format!(
                    "composite: only {fams} family(ies) have data but min_families = {} — no index is eligible; lower selection.min_families or add data",
                    r.p.selection.min_families
                ),
            ));
        }
        d.frames.push(availability_frame(fs));
    }
    if r.p.signal.kind == SignalKind::File && r.file_matched == 0 {
        d.notes.push(Note::new(
            NoteKind::Data,
            "signal file: no value matches a universe code at a signal date",
        ));
    }
    if !r.regimes.is_empty() {
        d.frames.push(regime_frame(r.regimes));
    }
    let score = panel(r.dates, r.universe, r.scores);
    d.frames
        .push(factor_by_regime_frame(r, fs.as_ref(), &score, run));
    d.reco = reco(r);
    d
}

/// Notes on the regime inputs.
fn regime_notes(r: &Record<'_>) -> Vec<Note> {
    let ids = &r.p.macro_series;
    let (y, m2, tsf) = r.macro_present;
    let mut v = Vec::new();
    if !(y && m2) {
        v.push(Note::new(
            NoteKind::Data,
            format!(
                "regime: macro series {} or {} missing — every month is Undefined",
                ids.yield_10y, ids.m2_yoy
            ),
        ));
    } else if !tsf {
        v.push(Note::new(
            NoteKind::Proxy,
            format!(
                "regime: no TSF-stock YoY ({}) — credit uses the {:?} proxy",
                ids.tsf_stock_yoy, r.p.regime.tsf_proxy
            ),
        ));
    }
    v
}

fn panel(dates: &[chrono::NaiveDate], assets: &[String], rows: &[Vec<f64>]) -> Panel {
    let mut p = Panel::nan(dates.to_vec(), assets.to_vec());
    let n = assets.len();
    for (i, r) in rows.iter().enumerate() {
        p.values[i * n..(i + 1) * n].copy_from_slice(r);
    }
    p
}

/// The regime timeline (`regime.csv`).
pub fn regime_frame(rows: &[RegimeRow]) -> Frame {
    let st = |x: Option<State>| match x {
        Some(State::Loose) => "loose".to_string(),
        Some(State::Tight) => "tight".to_string(),
        None => String::new(),
    };
    let num = |f: fn(&RegimeRow) -> Option<f64>| {
        Column::Num(rows.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect())
    };
    Frame::new("regime")
        .with("date", Column::dates(rows.iter().map(|r| r.date)))
        .with(
            "regime",
            Column::Text(rows.iter().map(|r| r.regime.code().into()).collect()),
        )
        .with(
            "regime_zh",
            Column::Text(rows.iter().map(|r| r.regime.zh().into()).collect()),
        )
        .with(
            "money",
            Column::Text(rows.iter().map(|r| st(r.money)).collect()),
        )
        .with(
            "credit",
            Column::Text(rows.iter().map(|r| st(r.credit)).collect()),
        )
        .with("ybar", num(|r| r.ybar))
        .with("dy", num(|r| r.dy))
        .with("c", num(|r| r.c))
        .with("dc", num(|r| r.dc))
        .with(
            "q_used",
            Column::Date(rows.iter().map(|r| r.q_used).collect()),
        )
        .with("m2_yoy", num(|r| r.m2))
        .with("tsf", num(|r| r.tsf))
        .with(
            "credit_basis",
            Column::Text(rows.iter().map(|r| r.credit_basis.to_string()).collect()),
        )
        .with(
            "inputs_available_at",
            Column::Date(rows.iter().map(|r| r.inputs_available_at).collect()),
        )
}

fn availability_frame(fs: &FactorSet) -> Frame {
    let a = &fs.availability;
    Frame::new("factor_availability")
        .with("date", Column::dates(a.iter().map(|x| x.date)))
        .with(
            "family",
            Column::Text(a.iter().map(|x| x.family.name().into()).collect()),
        )
        .with(
            "n_valid",
            Column::Int(a.iter().map(|x| x.n_valid as i64).collect()),
        )
        .with(
            "n_assets",
            Column::Int(a.iter().map(|x| x.n_assets as i64).collect()),
        )
}

fn regime_order() -> Vec<String> {
    Regime::ALL.iter().map(|r| r.code().to_string()).collect()
}

/// RankIC and quintile spread by regime of every sub-factor, family and the composite.
fn factor_by_regime_frame(
    r: &Record<'_>,
    fs: Option<&FactorSet>,
    score: &Panel,
    run: &RunRecord<'_>,
) -> Frame {
    let mut factors: Vec<(String, Panel)> = Vec::new();
    if let Some(fs) = fs {
        for (k, p) in &fs.subs {
            factors.push((k.to_string(), p.clone()));
        }
        let fams: Vec<Family> = r
            .composites
            .first()
            .map(|c| c.families.keys().copied().collect())
            .unwrap_or_default();
        for f in fams {
            let rows: Vec<Vec<f64>> = r
                .composites
                .iter()
                .map(|c| c.families[&f].clone())
                .collect();
            factors.push((
                format!("family:{}", f.name()),
                panel(r.dates, r.universe, &rows),
            ));
        }
    }
    factors.push(("composite".into(), score.clone()));
    let order = regime_order();
    let mut rows = Vec::new();
    for (name, p) in &factors {
        for x in ic_by_label(&period_stats(p, run.fwd, 5), run.labels, &order) {
            rows.push((name.clone(), x));
        }
    }
    Frame::new("factor_by_regime")
        .with(
            "factor",
            Column::Text(rows.iter().map(|x| x.0.clone()).collect()),
        )
        .with(
            "regime",
            Column::Text(rows.iter().map(|x| x.1.label.clone()).collect()),
        )
        .with(
            "n",
            Column::Int(rows.iter().map(|x| x.1.n as i64).collect()),
        )
        .with(
            "ic_mean",
            Column::Num(rows.iter().map(|x| x.1.ic_mean).collect()),
        )
        .with(
            "ic_std",
            Column::Num(rows.iter().map(|x| x.1.ic_std).collect()),
        )
        .with("icir", Column::Num(rows.iter().map(|x| x.1.icir).collect()))
        .with(
            "win_rate",
            Column::Num(rows.iter().map(|x| x.1.win_rate).collect()),
        )
        .with(
            "top_minus_bottom",
            Column::Num(rows.iter().map(|x| x.1.top_minus_bottom).collect()),
        )
}

/// Family scores and the sub-factors used at the last signal date.
fn reco(r: &Record<'_>) -> RecoExtras {
    let Some(c) = r.composites.last() else {
        return RecoExtras::default();
    };
    let columns: BTreeMap<String, Vec<f64>> = c
        .families
        .iter()
        .map(|(f, v)| (f.name().to_string(), v.clone()))
        .collect();
    RecoExtras {
        columns: columns.into_iter().collect(),
        text: c
            .chosen
            .iter()
            .map(|(f, subs)| {
                let s = if subs.is_empty() {
                    "off".to_string()
                } else {
                    subs.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                format!("{}: {s}", f.name())
            })
            .collect(),
    }
}
