//! Strategies made of sleeves of other strategies (core + satellite, SPEC §16): each
//! sleeve is a whole plan, run on its own data; the mix holds fixed target weights of
//! the sleeves' net NAVs, rebalanced daily or when a weight drifts out of its band
//! ([`rotor_portfolio::sleeves`]).
//!
//! The mix's window is where every sleeve has a NAV (from the latest first day to the
//! earliest last day); its market benchmark is the first sleeve's. Each sleeve's own
//! run (decisions, holdings) is kept and reported beside the mix.

use crate::note::{Note, NoteKind};
use crate::perf::{Perf, SeriesKind};
use crate::plan::SleeveSpec;
use crate::run::{Holding, Pick, RunOutput};
use crate::strategy::Diagnostics;
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_portfolio::sleeves::mix;
use std::collections::BTreeMap;

/// Mix the sleeves' runs (`runs[k]` is the run of `spec.sleeves[k]`).
pub fn mix_runs(spec: &SleeveSpec, runs: &[RunOutput]) -> RunOutput {
    let mut notes: Vec<Note> = Vec::new();
    let perfs: Vec<&Perf> = runs.iter().filter_map(|r| r.perf.as_ref()).collect();
    for (s, r) in spec.sleeves.iter().zip(runs) {
        notes.extend(
            r.notes
                .iter()
                .map(|n| Note::new(n.kind, format!("[{}] {}", s.name, n.text))),
        );
    }
    let window = (perfs.len() == runs.len() && !perfs.is_empty())
        .then(|| {
            let from = perfs
                .iter()
                .filter_map(|p| p.days().first())
                .max()
                .copied()?;
            let to = perfs
                .iter()
                .filter_map(|p| p.days().last())
                .min()
                .copied()?;
            Some((from, to))
        })
        .flatten()
        .filter(|(a, b)| a <= b);
    let Some((from, to)) = window else {
        notes.push(Note::new(
            NoteKind::Window,
            "sleeves: not every sleeve has a NAV over a common window",
        ));
        return empty(notes);
    };
    let mut days: Vec<NaiveDate> = perfs
        .iter()
        .flat_map(|p| p.days().iter().copied().filter(|d| *d >= from && *d <= to))
        .collect();
    days.sort_unstable();
    days.dedup();
    let series: Vec<Vec<f64>> = perfs
        .iter()
        .map(|p| {
            let s = p.get(SeriesKind::Strategy).expect("net series").on(&days);
            let mut s: Vec<f64> = s
                .iter()
                .map(|x| if x.is_finite() { *x } else { 0.0 })
                .collect();
            s[0] = 0.0;
            s
        })
        .collect();
    let refs: Vec<&[f64]> = series.iter().map(|v| v.as_slice()).collect();
    let target: Vec<f64> = spec.sleeves.iter().map(|s| s.weight).collect();
    let m = mix(&refs, &target, spec.rebalance, spec.cost_bps / 1e4);
    let mut perf = Perf::new(days.clone());
    perf.push(SeriesKind::Strategy, m.net.clone());
    perf.push(SeriesKind::StrategyGross, m.net.clone());
    if let Some(b) = perfs[0].get(SeriesKind::Benchmark) {
        let mut v: Vec<f64> = b
            .on(&days)
            .iter()
            .map(|x| if x.is_finite() { *x } else { 0.0 })
            .collect();
        v[0] = 0.0;
        perf.push(SeriesKind::Benchmark, v);
    }
    let holdings = rebalances(spec, &days, &m.rebalanced, &m.weights);
    let frame = sleeve_frame(spec, &days, &series, &m.weights);
    RunOutput {
        universe: spec.sleeves.iter().map(|s| s.name.clone()).collect(),
        holdings,
        perf: Some(perf),
        last_month_whole: runs.iter().all(|r| r.last_month_whole),
        diagnostics: Diagnostics {
            frames: vec![frame],
            ..Default::default()
        },
        notes,
        ..RunOutput::empty()
    }
}

fn empty(notes: Vec<Note>) -> RunOutput {
    RunOutput {
        notes,
        ..RunOutput::empty()
    }
}

/// The mix's start and each band rebalance as a holding of the sleeves.
fn rebalances(
    spec: &SleeveSpec,
    days: &[NaiveDate],
    at: &[usize],
    weights: &[Vec<f64>],
) -> Vec<Holding> {
    std::iter::once(0)
        .chain(at.iter().copied())
        .map(|d| Holding {
            signal: days[d],
            exec: days[d],
            label: None,
            n_eligible: spec.sleeves.len(),
            picks: spec
                .sleeves
                .iter()
                .enumerate()
                .map(|(k, s)| Pick {
                    rank: k + 1,
                    asset: s.name.clone(),
                    instrument: s.name.clone(),
                    weight: weights[d][k],
                    score: f64::NAN,
                })
                .collect(),
            turnover: f64::NAN,
        })
        .collect()
}

/// `sleeves.csv`: per day, each sleeve's NAV and weight in the mix.
fn sleeve_frame(
    spec: &SleeveSpec,
    days: &[NaiveDate],
    series: &[Vec<f64>],
    weights: &[Vec<f64>],
) -> Frame {
    let mut f = Frame::new("sleeves").with("date", Column::dates(days.iter().copied()));
    for (k, s) in spec.sleeves.iter().enumerate() {
        f.push(
            format!("{}_nav", s.name),
            Column::Num(rotor_metrics::stats::drawdown::nav_path(&series[k])),
        );
        f.push(
            format!("{}_weight", s.name),
            Column::Num(weights.iter().map(|w| w[k]).collect()),
        );
    }
    f
}

/// Fingerprints of the sleeves' inputs, keyed by sleeve.
pub fn fingerprints(
    spec: &SleeveSpec,
    fps: &[BTreeMap<String, String>],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (s, fp) in spec.sleeves.iter().zip(fps) {
        for (k, v) in fp {
            out.insert(format!("{}: {k}", s.name), v.clone());
        }
    }
    out
}
