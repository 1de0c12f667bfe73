//! The run loop: one strategy instance stepped through the signal dates on the
//! point-in-time view, its decisions allocated and traded, the daily backtest with
//! costs, the benchmarks, and the strategy's diagnostics.
//!
//! **Timing** (SPEC §0.1): a signal at the last trading day t of each period (month,
//! ISO week or day) reads the view at t; trades happen at the close of
//! t + `exec_lag_days`; weights drift between trades; cost `cost_bps × two-sided
//! turnover` is taken from the next day's return ([`rotor_portfolio::backtest`]).
//!
//! **Window**: from the first execution day to the earliest of `end`, a recommendation
//! date, and the last day on which the universe has prices — a universe whose data stop
//! never holds a frozen NAV while the benchmark runs on (the cut is noted). Every series
//! is cut on the same dates.
//!
//! **Eligibility** of an asset at t (SPEC §4.1): the strategy's own rule, a finite
//! score, and at least `min_history_days` closes published by t.

use crate::config::{Mode, Rebalance, ReturnBasis};
use crate::error::{EngineError, Result};
use crate::instruments::EtfMap;
use crate::load::Loaded;
use crate::note::{Note, NoteKind};
use crate::perf::{Perf, SeriesKind};
use crate::plan::Plan;
use crate::strategy::{BuildCtx, Decision, Diagnostics, RunRecord, Scores, Step, Strategy};
use chrono::{Datelike, NaiveDate};
use rotor_core::dates::week_key;
use rotor_core::Panel;
use rotor_data::view::{AsOf, Field};
use rotor_portfolio::alloc::{allocate, position};
use rotor_portfolio::backtest::{returns_from_closes, Trade};
use rotor_portfolio::etf::EtfRules;
use rotor_portfolio::rank::ranked;
use serde::Serialize;
use std::collections::HashMap;

/// Options of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// A recommendation date: a last signal date at the last trading day on or before
    /// it, and the window ends there.
    pub until: Option<NaiveDate>,
}

/// One held position after a rebalance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    /// Rank among the selected (1 = best).
    pub rank: usize,
    /// Universe asset (for a position decision: the asset named).
    pub asset: String,
    /// Instrument traded (the asset itself, or its ETF in ETF mode).
    pub instrument: String,
    /// Target weight.
    pub weight: f64,
    /// Score at the signal date (NaN for weight decisions).
    pub score: f64,
}

/// A rebalance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holding {
    /// Signal date t.
    pub signal: NaiveDate,
    /// Execution date (t + exec_lag trading days).
    pub exec: NaiveDate,
    /// The strategy's label at t.
    pub label: Option<String>,
    /// Eligible universe members at t.
    pub n_eligible: usize,
    /// Positions.
    pub picks: Vec<Pick>,
    /// Two-sided turnover of the trade.
    pub turnover: f64,
}

/// The decision at one signal date, as the engine saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// Signal date.
    pub date: NaiveDate,
    /// Label.
    pub label: Option<String>,
    /// The strategy's decision.
    pub decision: Decision,
    /// Eligibility (scores decisions; empty otherwise).
    pub eligible: Vec<bool>,
    /// Target weights by instrument (empty = no trade).
    pub targets: Vec<(String, f64)>,
    /// What the decision rests on (see [`crate::strategy::Step::trace`]).
    pub trace: Vec<f64>,
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Universe codes.
    pub universe: Vec<String>,
    /// Signal dates.
    pub signal_dates: Vec<NaiveDate>,
    /// One record per signal date.
    pub steps: Vec<StepRecord>,
    /// Rebalances made.
    pub holdings: Vec<Holding>,
    /// Equal-weight turnover per rebalance.
    pub ew_turnover: Vec<f64>,
    /// Daily performance (None when no trade could be made).
    pub perf: Option<Perf>,
    /// Realised universe return from each signal date to the next.
    pub fwd: Panel,
    /// The scores of scores decisions (signal dates × universe; NaN elsewhere).
    pub score: Panel,
    /// The tie-break of scores decisions.
    pub tiebreak: Panel,
    /// The ETF each universe asset maps to at the last signal date (when ETF data exist).
    pub last_etf: Vec<Option<String>>,
    /// Whether the last month of the window is whole (calendar days follow in the next
    /// month, or the window ends on the month's last weekday).
    pub last_month_whole: bool,
    /// The strategy's tables and remarks.
    pub diagnostics: Diagnostics,
    /// Notes of the load, the run and the strategy.
    pub notes: Vec<Note>,
}

impl RunOutput {
    /// An output with no signal date and no trade (a starting point for tests and for
    /// mixes that fill in their own fields).
    pub fn empty() -> Self {
        RunOutput {
            universe: Vec::new(),
            signal_dates: Vec::new(),
            steps: Vec::new(),
            holdings: Vec::new(),
            ew_turnover: Vec::new(),
            perf: None,
            fwd: Panel::nan(Vec::new(), Vec::new()),
            score: Panel::nan(Vec::new(), Vec::new()),
            tiebreak: Panel::nan(Vec::new(), Vec::new()),
            last_etf: Vec::new(),
            last_month_whole: false,
            diagnostics: Diagnostics::default(),
            notes: Vec::new(),
        }
    }
}

/// Last trading days of each period of `days` (all days for daily).
pub fn period_ends(days: &[NaiveDate], rebalance: Rebalance) -> Vec<NaiveDate> {
    let key = |d: &NaiveDate| match rebalance {
        Rebalance::Monthly => (d.year(), d.month()),
        Rebalance::Weekly => week_key(*d),
        Rebalance::Daily => (d.year(), d.ordinal()),
    };
    days.iter()
        .enumerate()
        .filter(|(i, d)| days.get(i + 1).is_none_or(|n| key(n) != key(d)))
        .map(|(_, d)| *d)
        .collect()
}

/// The signal dates of a run: period ends of the calendar within `[start, stop]`, plus
/// the recommendation day when it is later than the last of them.
pub fn schedule(
    days: &[NaiveDate],
    rebalance: Rebalance,
    start: Option<NaiveDate>,
    stop: NaiveDate,
    until: Option<NaiveDate>,
) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = period_ends(days, rebalance)
        .into_iter()
        .filter(|d| start.is_none_or(|s| *d >= s) && *d <= stop)
        .collect();
    if until.is_some() {
        if let Some(last) = days.iter().rev().find(|d| **d <= stop) {
            if out.last().is_none_or(|l| l < last) {
                out.push(*last);
            }
        }
    }
    out
}

/// The last day of the window and notes on why it ends there.
fn window_end(
    plan: &Plan,
    ld: &Loaded,
    until: Option<NaiveDate>,
    notes: &mut Vec<Note>,
) -> Option<NaiveDate> {
    let days = ld.view.calendar().days();
    let cal_last = *days.last()?;
    let asked = until.or(plan.engine.end);
    let data_end = ld.data_end.unwrap_or(cal_last);
    let stop = asked.map_or(data_end, |a| a.min(data_end)).min(cal_last);
    if data_end < cal_last && asked.is_none_or(|a| a > data_end) {
        notes.push(Note::new(
            NoteKind::Window,
            format!(
                "the universe's prices end on {data_end}: the run ends there (the calendar of {} goes on to {cal_last})",
                plan.engine.calendar_code()
            ),
        ));
    }
    Some(stop)
}

/// Column layout of the backtest: universe codes first, then other instruments as they
/// are first traded.
struct Columns {
    codes: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    fn new(universe: &[String]) -> Self {
        Columns {
            codes: universe.to_vec(),
            index: universe
                .iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), i))
                .collect(),
        }
    }
    fn col(&mut self, code: &str) -> usize {
        if let Some(&i) = self.index.get(code) {
            return i;
        }
        self.codes.push(code.to_string());
        self.index.insert(code.to_string(), self.codes.len() - 1);
        self.codes.len() - 1
    }
}

/// The loop's state.
struct Book {
    cols: Columns,
    trades: Vec<Trade>,
    ew_trades: Vec<Trade>,
    holdings: Vec<Holding>,
    steps: Vec<StepRecord>,
    skipped_etf: usize,
    unmapped: usize,
}

/// The run's signal dates (see [`schedule`]) and the window's end; no signal date at all
/// is an error naming the window, except for a run cut at a recommendation date
/// (`until`), where it is a note.
fn signal_dates(
    plan: &Plan,
    ld: &Loaded,
    opts: RunOptions,
    notes: &mut Vec<Note>,
) -> Result<(Vec<NaiveDate>, Option<NaiveDate>)> {
    let e = &plan.engine;
    let days = ld.view.calendar().days();
    let stop = window_end(plan, ld, opts.until, notes);
    let dates = match stop {
        Some(s) => schedule(days, e.portfolio.rebalance, e.start, s, opts.until),
        None => Vec::new(),
    };
    if dates.is_empty() {
        let msg = format!(
            "no signal date: the data run {} → {}, the run asks for {} → {} with rebalance = \"{}\"",
            days.first().map_or("—".into(), |d| d.to_string()),
            days.last().map_or("—".into(), |d| d.to_string()),
            e.start.map_or("the start".into(), |d| d.to_string()),
            e.end.map_or("the end".into(), |d| d.to_string()),
            e.portfolio.rebalance.as_str(),
        );
        if opts.until.is_none() {
            // a window outside the data is a mistake in the file, not a result
            return Err(plan.file.error(format!(
                "start / end: {msg}; move start or end inside the data"
            )));
        }
        notes.push(Note::new(NoteKind::Window, msg));
    }
    Ok((dates, stop))
}

/// Run a plan on loaded data.
pub fn run(plan: &Plan, ld: &Loaded, opts: RunOptions) -> Result<RunOutput> {
    let e = &plan.engine;
    let mut notes = ld.notes.clone();
    let total_return = e.portfolio.return_basis == ReturnBasis::TotalReturn;
    let price = ld.price_field(total_return);
    if total_return {
        notes.push(Note::new(
            NoteKind::Data,
            format!(
                "return basis: total return for {} of {} assets, price for the rest",
                ld.total_return_codes,
                ld.universe.len()
            ),
        ));
    }
    let days = ld.view.calendar().days();
    let (dates, stop) = signal_dates(plan, ld, opts, &mut notes)?;
    let universe = &ld.universe;
    let ctx = BuildCtx {
        universe,
        price,
        engine: e,
    };
    let mut strategy = plan.params.build(&ctx);
    let etf_map = EtfMap::new(
        &ld.etfs,
        EtfRules {
            min_listing_days: e.portfolio.etf_min_listing_days,
            min_aum: e.portfolio.etf_min_aum,
        },
        ld.etf_size_is_aum,
    );
    let mut book = Book {
        cols: Columns::new(universe),
        trades: Vec::new(),
        ew_trades: Vec::new(),
        holdings: Vec::new(),
        steps: Vec::new(),
        skipped_etf: 0,
        unmapped: 0,
    };
    let sc = StepCtx {
        plan,
        days,
        universe,
        price,
        etf_map: &etf_map,
    };
    let n = universe.len();
    let mut score = Panel::nan(dates.clone(), universe.clone());
    let mut tiebreak = Panel::nan(dates.clone(), universe.clone());
    for (i, &t) in dates.iter().enumerate() {
        let at = ld.view.at(t);
        let step = strategy.decide(&at)?;
        if let Decision::Scores(s) = &step.decision {
            if s.score.len() != n || s.tiebreak.len() != n || s.eligible.len() != n {
                return Err(EngineError::Decide {
                    date: t,
                    msg: format!(
                        "strategy returned {} scores for {n} universe assets",
                        s.score.len()
                    ),
                });
            }
            score.values[i * n..(i + 1) * n].copy_from_slice(&s.score);
            tiebreak.values[i * n..(i + 1) * n].copy_from_slice(&s.tiebreak);
        }
        sc.execute(&at, &mut book, step);
    }
    finish_run(
        plan,
        ld,
        price,
        dates,
        stop,
        score,
        tiebreak,
        book,
        strategy.as_mut(),
        &etf_map,
        notes,
    )
}

/// What the loop needs at each date besides the decision.
struct StepCtx<'a> {
    plan: &'a Plan,
    days: &'a [NaiveDate],
    universe: &'a [String],
    price: Field,
    etf_map: &'a EtfMap,
}

impl StepCtx<'_> {
    /// The instrument traded for `code` at t (itself, or its ETF in ETF mode).
    fn instrument(&self, at: &AsOf<'_>, code: &str) -> Option<String> {
        match self.plan.engine.portfolio.mode {
            Mode::Index => Some(code.to_string()),
            Mode::Etf => self.etf_map.choose(at, code),
        }
    }

    /// The positions a decision asks for at t, and the eligibility of a scores decision.
    fn picks(&self, at: &AsOf<'_>, decision: &Decision, book: &mut Book) -> (Vec<Pick>, Vec<bool>) {
        let p = &self.plan.engine.portfolio;
        match decision {
            Decision::Scores(s) => {
                let eligible = eligibility(s, self.universe, at, self.price, p.min_history_days);
                let order = ranked(&s.score, &s.tiebreak, self.universe, &eligible);
                let (sel, skipped) = allocate(p.allocator, &order, &s.score, p.top_n, |j| {
                    self.instrument(at, &self.universe[j])
                });
                if p.mode == Mode::Etf {
                    book.skipped_etf += skipped;
                }
                let picks = sel
                    .into_iter()
                    .enumerate()
                    .map(|(r, x)| Pick {
                        rank: r + 1,
                        asset: self.universe[x.asset].clone(),
                        instrument: x.instrument,
                        weight: x.weight,
                        score: s.score[x.asset],
                    })
                    .collect();
                (picks, eligible)
            }
            Decision::Weights(w) => {
                let mut picks = Vec::new();
                for (code, wt) in w {
                    match self.instrument(at, code) {
                        Some(inst) => picks.push(pick(picks.len(), code, inst, *wt)),
                        None => book.unmapped += 1,
                    }
                }
                (picks, Vec::new())
            }
            Decision::Position { asset, weight } => {
                let risky = self.instrument(at, asset);
                let defensive = p
                    .defensive
                    .as_ref()
                    .and_then(|d| Some((d.clone(), self.instrument(at, d)?)));
                let mut picks = Vec::new();
                for ((code, inst), w) in position(
                    *weight,
                    (asset.clone(), risky),
                    defensive.map(|(c, i)| (c, Some(i))),
                ) {
                    match inst {
                        Some(inst) => picks.push(pick(picks.len(), &code, inst, w)),
                        None => book.unmapped += 1,
                    }
                }
                (picks, Vec::new())
            }
            Decision::Hold => (Vec::new(), Vec::new()),
        }
    }

    /// Allocate one decision at t and record the step and its trade.
    fn execute(&self, at: &AsOf<'_>, book: &mut Book, step: Step) {
        let Step {
            decision,
            label,
            trace,
        } = step;
        let (picks, eligible) = self.picks(at, &decision, book);
        book.steps.push(StepRecord {
            date: at.date(),
            label: label.clone(),
            decision: decision.clone(),
            eligible: eligible.clone(),
            targets: picks
                .iter()
                .map(|p| (p.instrument.clone(), p.weight))
                .collect(),
            trace,
        });
        let Some(t) = at.days().len().checked_sub(1) else {
            return;
        };
        let exec = t + self.plan.engine.portfolio.exec_lag_days;
        // scores without a pick keep the positions; weights and positions always trade
        let trades = match decision {
            Decision::Scores(_) => !picks.is_empty(),
            Decision::Weights(_) | Decision::Position { .. } => true,
            Decision::Hold => false,
        };
        if exec >= self.days.len() || !trades {
            return;
        }
        book.trades.push(Trade {
            day: exec,
            target: picks
                .iter()
                .map(|p| (book.cols.col(&p.instrument), p.weight))
                .collect(),
        });
        let members: Vec<usize> = (0..eligible.len()).filter(|&j| eligible[j]).collect();
        if matches!(decision, Decision::Scores(_)) {
            book.ew_trades.push(Trade {
                day: exec,
                target: members
                    .iter()
                    .map(|&j| (j, 1.0 / members.len() as f64))
                    .collect(),
            });
        }
        book.holdings.push(Holding {
            signal: at.date(),
            exec: self.days[exec],
            label,
            n_eligible: members.len(),
            picks,
            turnover: f64::NAN,
        });
    }
}

fn pick(k: usize, asset: &str, instrument: String, weight: f64) -> Pick {
    Pick {
        rank: k + 1,
        asset: asset.to_string(),
        instrument,
        weight,
        score: f64::NAN,
    }
}

/// SPEC §4.1: the strategy's eligibility, a finite score and enough published history.
fn eligibility(
    s: &Scores,
    universe: &[String],
    at: &AsOf<'_>,
    price: Field,
    min_history: usize,
) -> Vec<bool> {
    universe
        .iter()
        .enumerate()
        .map(|(j, code)| {
            s.eligible[j] && s.score[j].is_finite() && at.history_len(price, code) >= min_history
        })
        .collect()
}

/// Realised closes of an instrument on the calendar: the basis close for universe
/// members, the price close otherwise.
fn realised_close(ld: &Loaded, price: Field, code: &str) -> Vec<f64> {
    let n = ld.view.calendar().len();
    ld.view
        .realised(price, code)
        .or_else(|| ld.view.realised(Field::CLOSE, code))
        .map(|(_, v)| v.to_vec())
        .unwrap_or_else(|| vec![f64::NAN; n])
}

/// Backtest, benchmarks, forward returns and the strategy's diagnostics.
#[allow(clippy::too_many_arguments)]
fn finish_run(
    plan: &Plan,
    ld: &Loaded,
    price: Field,
    dates: Vec<NaiveDate>,
    stop: Option<NaiveDate>,
    score: Panel,
    tiebreak: Panel,
    mut book: Book,
    strategy: &mut dyn Strategy,
    etf_map: &EtfMap,
    mut notes: Vec<Note>,
) -> Result<RunOutput> {
    let e = &plan.engine;
    let days = ld.view.calendar().days();
    let universe = &ld.universe;
    if book.skipped_etf > 0 {
        notes.push(Note::new(
            NoteKind::Execution,
            format!(
                "etf mode: {} selections had no eligible ETF (listing ≥ {} days, size floor) and were passed to the next-ranked index",
                book.skipped_etf, e.portfolio.etf_min_listing_days
            ),
        ));
    }
    if book.unmapped > 0 {
        notes.push(Note::new(
            NoteKind::Execution,
            format!(
                "{} target(s) had no tradable instrument at their date and were left in cash",
                book.unmapped
            ),
        ));
    }
    let closes: Vec<Vec<f64>> = book
        .cols
        .codes
        .iter()
        .map(|c| realised_close(ld, price, c))
        .collect();
    let ncol = book.cols.codes.len();
    let mut rets = vec![f64::NAN; days.len() * ncol];
    for (j, c) in closes.iter().enumerate() {
        for (t, r) in returns_from_closes(c).into_iter().enumerate() {
            rets[t * ncol + j] = r;
        }
    }
    let stop_idx = stop.map_or(0, |s| days.partition_point(|d| *d <= s));
    let mut ew_turnover = Vec::new();
    let perf = backtest(plan, ld, &rets, ncol, stop_idx, &mut book, &mut ew_turnover);
    notes.extend(benchmark_gap(ld, stop_idx));
    if perf.is_none() {
        notes.push(Note::new(
            NoteKind::Execution,
            "no rebalance could be made: no asset was eligible at any signal date",
        ));
    }
    let fwd = forward_returns(&dates, days, &closes[..universe.len()], universe);
    let labels: Vec<Option<String>> = book.steps.iter().map(|s| s.label.clone()).collect();
    let record = RunRecord {
        universe,
        dates: &dates,
        labels: &labels,
        fwd: &fwd,
    };
    let mut diagnostics = strategy.finish(&record);
    notes.extend(diagnostics.notes.iter().cloned());
    if book
        .steps
        .iter()
        .any(|s| matches!(s.decision, Decision::Scores(_)))
    {
        diagnostics
            .frames
            .extend(score_evaluation(&score, &fwd, &labels, &diagnostics));
    }
    let last_etf = match (dates.last(), etf_map.is_empty()) {
        (Some(&t), false) => {
            let at = ld.view.at(t);
            universe.iter().map(|c| etf_map.choose(&at, c)).collect()
        }
        _ => vec![None; universe.len()],
    };
    let last_month_whole = perf
        .as_ref()
        .and_then(|p| p.days().last().copied())
        .is_some_and(|last| month_is_whole(days, last));
    Ok(RunOutput {
        universe: universe.clone(),
        signal_dates: dates,
        steps: book.steps,
        holdings: book.holdings,
        ew_turnover,
        perf,
        fwd,
        score,
        tiebreak,
        last_etf,
        last_month_whole,
        diagnostics,
        notes,
    })
}

/// The driving score of a scores strategy evaluated at its signal dates, overall and by
/// label ([`rotor_eval::signal`]): `score_by_label` (RankIC statistics and the mean
/// top-minus-bottom quintile return) and `score_quantiles_by_label` (quintile means).
fn score_evaluation(
    score: &Panel,
    fwd: &Panel,
    labels: &[Option<String>],
    d: &Diagnostics,
) -> Vec<rotor_core::frame::Frame> {
    use rotor_core::frame::{Column, Frame};
    use rotor_eval::signal::{ic_by_label, period_stats, quantiles_by_label};
    let mut order: Vec<String> = d.label_names.keys().cloned().collect();
    for l in labels.iter().flatten() {
        if !order.contains(l) {
            order.push(l.clone());
        }
    }
    let stats = period_stats(score, fwd, 5);
    let ic = ic_by_label(&stats, labels, &order);
    let q = quantiles_by_label(&stats, labels, &order);
    let by = Frame::new("score_by_label")
        .with(
            "label",
            Column::Text(ic.iter().map(|x| x.label.clone()).collect()),
        )
        .with("n", Column::Int(ic.iter().map(|x| x.n as i64).collect()))
        .with(
            "ic_mean",
            Column::Num(ic.iter().map(|x| x.ic_mean).collect()),
        )
        .with("ic_std", Column::Num(ic.iter().map(|x| x.ic_std).collect()))
        .with("icir", Column::Num(ic.iter().map(|x| x.icir).collect()))
        .with(
            "win_rate",
            Column::Num(ic.iter().map(|x| x.win_rate).collect()),
        )
        .with(
            "top_minus_bottom",
            Column::Num(ic.iter().map(|x| x.top_minus_bottom).collect()),
        );
    let mut qf = Frame::new("score_quantiles_by_label")
        .with(
            "label",
            Column::Text(q.iter().map(|x| x.label.clone()).collect()),
        )
        .with(
            "dates",
            Column::Int(q.iter().map(|x| x.dates as i64).collect()),
        );
    for k in 0..5 {
        qf.push(
            format!("q{}", k + 1),
            Column::Num(q.iter().map(|x| x.means[k]).collect()),
        );
    }
    vec![by, qf]
}

/// Is `last` the last trading day of its month? Yes when the next calendar day is in
/// another month, or — at the calendar's end — when `last` is the month's last weekday.
fn month_is_whole(days: &[NaiveDate], last: NaiveDate) -> bool {
    let i = days.partition_point(|d| *d <= last);
    match days.get(i) {
        Some(n) => (n.year(), n.month()) != (last.year(), last.month()),
        None => last >= rotor_core::dates::last_weekday_of_month(last.year(), last.month()),
    }
}

/// The daily engine over the window `[first execution day, stop)`.
fn backtest(
    plan: &Plan,
    ld: &Loaded,
    rets: &[f64],
    ncol: usize,
    stop: usize,
    book: &mut Book,
    ew_turnover: &mut Vec<f64>,
) -> Option<Perf> {
    let e = &plan.engine;
    let days = ld.view.calendar().days();
    let d0 = book.trades.first().filter(|f| f.day < stop)?.day;
    let c = e.portfolio.cost_bps / 1e4;
    let bt = rotor_portfolio::backtest::run(rets, ncol, &book.trades, c);
    for (h, to) in book.holdings.iter_mut().zip(&bt.turnover) {
        h.turnover = *to;
    }
    let window = |v: &[f64]| -> Vec<f64> {
        let mut w: Vec<f64> = v[d0..stop]
            .iter()
            .map(|x| if x.is_finite() { *x } else { 0.0 })
            .collect();
        w[0] = 0.0;
        w
    };
    let mut perf = Perf::new(days[d0..stop].to_vec());
    perf.push(SeriesKind::Strategy, window(&bt.net));
    perf.push(SeriesKind::StrategyGross, window(&bt.gross));
    let any_ew = book.ew_trades.iter().any(|t| !t.target.is_empty());
    if e.benchmark.equal_weight && any_ew {
        let ew = rotor_portfolio::backtest::run(rets, ncol, &book.ew_trades, c);
        *ew_turnover = ew.turnover.clone();
        perf.push(SeriesKind::EqualWeight, window(&ew.net));
    }
    if let Some(b) = &ld.benchmark {
        if let Some((_, close)) = ld.view.realised(Field::CLOSE, b) {
            if benchmark_covers(close, stop) {
                perf.push(SeriesKind::Benchmark, window(&returns_from_closes(close)));
            }
        }
    }
    Some(perf)
}

/// Trading days a benchmark's prices may end before the window does (holidays of
/// another market, a vendor a few days behind) and still be shown.
const BENCHMARK_SLACK_DAYS: usize = 10;

/// Whether the benchmark's closes reach within [`BENCHMARK_SLACK_DAYS`] of the window's
/// last day (`stop` − 1). A benchmark read from a source that ends earlier would show a
/// NAV frozen at its last close (and a wrong excess): it is left out instead, with a
/// note ([`benchmark_gap`]).
fn benchmark_covers(close: &[f64], stop: usize) -> bool {
    let last = close[..stop.min(close.len())]
        .iter()
        .rposition(|x| x.is_finite());
    last.is_some_and(|k| k + 1 + BENCHMARK_SLACK_DAYS >= stop)
}

/// The note for a benchmark left out by [`benchmark_covers`], or None.
fn benchmark_gap(ld: &Loaded, stop: usize) -> Option<Note> {
    let b = ld.benchmark.as_ref()?;
    let (_, close) = ld.view.realised(Field::CLOSE, b)?;
    if stop == 0 || benchmark_covers(close, stop) {
        return None;
    }
    let days = ld.view.calendar().days();
    let end = close[..stop.min(close.len())]
        .iter()
        .rposition(|x| x.is_finite())
        .map_or_else(|| "before the window".to_string(), |k| days[k].to_string());
    Some(Note::new(
        NoteKind::Data,
        format!(
            "benchmark {b}: the prices read end on {end}, before the run's last day {}: no benchmark series (it would stay frozen at its last close); give the store a source of {b} that reaches the end (`[universe] sources` picks one)",
            days[stop - 1]
        ),
    ))
}

/// `close(t_{i+1}) / close(t_i) − 1` per universe asset (NaN for the last date, and
/// where either close is missing or not positive).
fn forward_returns(
    dates: &[NaiveDate],
    days: &[NaiveDate],
    closes: &[Vec<f64>],
    universe: &[String],
) -> Panel {
    let mut fwd = Panel::nan(dates.to_vec(), universe.to_vec());
    let ix: Vec<usize> = dates
        .iter()
        .map(|d| days.partition_point(|x| x <= d).saturating_sub(1))
        .collect();
    for i in 0..dates.len().saturating_sub(1) {
        let (a, b) = (ix[i], ix[i + 1]);
        for (j, c) in closes.iter().enumerate() {
            let (pa, pb) = (c[a], c[b]);
            if pa > 0.0 && pb.is_finite() {
                fwd.set(i, j, pb / pa - 1.0);
            }
        }
    }
    fwd
}
