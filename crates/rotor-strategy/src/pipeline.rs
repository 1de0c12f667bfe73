//! regime → factors → selection → portfolio → backtest, on loaded data.

use crate::config::{Mode, Rebalance, SignalKind, StrategyConfig};
use crate::load::Loaded;
use chrono::{Datelike, NaiveDate};
use rotor_core::Panel;
use rotor_factors::{price, FactorSet};
use rotor_portfolio::backtest::{returns_from_closes, run, Trade};
use rotor_portfolio::etf::EtfRules;
use rotor_portfolio::rank::ranked;
use rotor_regime::{classify, Regime, RegimeRow};
use rotor_selection::{composite, Composite};
use serde::Serialize;

/// One held position after a rebalance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    /// Rank (1 = best).
    pub rank: usize,
    /// Index code.
    pub index: String,
    /// Traded instrument (the index itself in index mode, the mapped ETF in ETF mode).
    pub instrument: String,
    /// Target weight.
    pub weight: f64,
    /// Score at the signal date.
    pub score: f64,
}

/// A rebalance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holding {
    /// Signal date t.
    pub signal: NaiveDate,
    /// Execution date (t + exec_lag trading days).
    pub exec: NaiveDate,
    /// Regime at t.
    pub regime: Regime,
    /// Eligible universe members at t.
    pub n_eligible: usize,
    /// Positions.
    pub picks: Vec<Pick>,
    /// Two-sided turnover of the trade.
    pub turnover: f64,
}

/// Daily performance over the backtest window.
#[derive(Debug, Clone, PartialEq)]
pub struct Perf {
    /// Days of the window; the first is the first execution day (NAV = 1).
    pub days: Vec<NaiveDate>,
    /// Strategy gross daily returns (`[0]` = 0).
    pub gross: Vec<f64>,
    /// Strategy net daily returns.
    pub net: Vec<f64>,
    /// Equal-weight benchmark, net of the same costs.
    pub ew: Option<Vec<f64>>,
    /// Market benchmark (price index, no costs).
    pub bench: Option<Vec<f64>>,
}

impl Perf {
    /// Month-end sampled returns `(month-end, [strategy net, EW, bench, strategy gross])`
    /// compounding the days of each calendar month; the first month starts at the
    /// first execution day.
    pub fn monthly(&self) -> (Vec<NaiveDate>, Vec<Vec<f64>>) {
        let mut series: Vec<&[f64]> = vec![&self.net];
        series.push(self.ew.as_deref().unwrap_or(&[]));
        series.push(self.bench.as_deref().unwrap_or(&[]));
        series.push(&self.gross);
        let mut dates = Vec::new();
        let mut out: Vec<Vec<f64>> = vec![Vec::new(); series.len()];
        let mut acc = vec![1.0; series.len()];
        for (i, d) in self.days.iter().enumerate().skip(1) {
            for (k, s) in series.iter().enumerate() {
                if let Some(x) = s.get(i) {
                    acc[k] *= 1.0 + x;
                }
            }
            let last_of_month = self
                .days
                .get(i + 1)
                .is_none_or(|n| n.month() != d.month() || n.year() != d.year());
            if last_of_month {
                dates.push(*d);
                for (k, s) in series.iter().enumerate() {
                    out[k].push(if s.is_empty() { f64::NAN } else { acc[k] - 1.0 });
                    acc[k] = 1.0;
                }
            }
        }
        (dates, out)
    }
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Signal dates.
    pub signal_dates: Vec<NaiveDate>,
    /// Regime rows at the signal dates (empty without macro data).
    pub regimes: Vec<RegimeRow>,
    /// Regime per signal date.
    pub regime_of: Vec<Regime>,
    /// Factor set (composite signal only).
    pub factor_set: Option<FactorSet>,
    /// Composite (composite signal only).
    pub composite: Option<Composite>,
    /// The score that ranks (signal dates × universe).
    pub score: Panel,
    /// Forward index return from each signal date to the next (NaN for the last).
    pub fwd: Panel,
    /// The tie-break of the ranking (momentum continuation; NaN for other signals).
    pub tiebreak: Panel,
    /// Eligibility per signal date and asset (history, finite score; SPEC §4.1).
    pub eligible: Vec<Vec<bool>>,
    /// Rebalances.
    pub holdings: Vec<Holding>,
    /// Equal-weight turnover per rebalance.
    pub ew_turnover: Vec<f64>,
    /// Daily performance (None when no trade could be made).
    pub perf: Option<Perf>,
    /// Notes (data, proxies, skipped trades).
    pub notes: Vec<String>,
}

/// Month-ends or week-ends of the calendar within [start, end], plus `extra` when
/// it is later than the last of them (a recommendation date).
pub fn signal_dates(
    days: &[NaiveDate],
    cfg: &StrategyConfig,
    extra: Option<NaiveDate>,
) -> Vec<NaiveDate> {
    let key = |d: &NaiveDate| match cfg.portfolio.rebalance {
        Rebalance::Monthly => (d.year(), d.month()),
        Rebalance::Weekly => {
            let w = d.iso_week();
            (w.year(), w.week())
        }
    };
    let end = match (cfg.end, extra) {
        (_, Some(x)) => Some(x),
        (e, None) => e,
    };
    let mut out: Vec<NaiveDate> = days
        .iter()
        .enumerate()
        .filter(|(i, d)| days.get(i + 1).is_none_or(|n| key(n) != key(d)))
        .map(|(_, d)| *d)
        .filter(|d| cfg.start.is_none_or(|s| *d >= s) && end.is_none_or(|e| *d <= e))
        .collect();
    if let Some(x) = extra {
        if let Some(last) = days.iter().rev().find(|d| **d <= x) {
            if out.last().is_none_or(|l| l < last) {
                out.push(*last);
            }
        }
    }
    out
}

/// Run the pipeline on loaded data. `extra` adds a final signal date (recommend).
pub fn run_pipeline(ld: &Loaded, cfg: &StrategyConfig, extra: Option<NaiveDate>) -> RunOutput {
    let mut notes = ld.notes.clone();
    let days = &ld.days;
    let dates = signal_dates(days, cfg, extra);
    let n = ld.close.n_assets();
    let codes = &ld.close.assets;
    let day_ix: Vec<usize> = dates
        .iter()
        .map(|d| days.partition_point(|x| x <= d) - 1)
        .collect();
    // ---- regime
    let regimes = match &ld.regime {
        Some(ri) => classify(ri, &dates, &cfg.regime),
        None => Vec::new(),
    };
    let regime_of: Vec<Regime> = if regimes.is_empty() {
        vec![Regime::Undefined; dates.len()]
    } else {
        regimes.iter().map(|r| r.regime).collect()
    };
    // ---- forward returns between signal dates (index closes)
    let mut fwd = Panel::nan(dates.clone(), codes.clone());
    for i in 0..dates.len().saturating_sub(1) {
        let (a, b) = (day_ix[i], day_ix[i + 1]);
        for j in 0..n {
            let (pa, pb) = (ld.close.get(a, j), ld.close.get(b, j));
            if pa > 0.0 && pb.is_finite() {
                fwd.set(i, j, pb / pa - 1.0);
            }
        }
    }
    // ---- score
    let closes: Vec<Vec<f64>> = (0..n).map(|j| ld.close.column(j)).collect();
    let mut score = Panel::nan(dates.clone(), codes.clone());
    let mut tiebreak = Panel::nan(dates.clone(), codes.clone());
    let (mut factor_set, mut comp) = (None, None);
    match cfg.signal.kind {
        SignalKind::Composite => {
            let fs = rotor_factors::compute(&ld.factors, &dates, &cfg.factors);
            notes.extend(fs.notes.iter().cloned());
            let c = composite(&fs, &regime_of, Some(&fwd), &cfg.selection);
            score = c.score.clone();
            if let Some(mc) = fs.subs.get("mom.mc") {
                tiebreak = mc.clone();
            }
            let fams = c.families.len();
            if fams < cfg.selection.min_families {
                notes.push(format!(
                    "composite: only {fams} family(ies) have data but min_families = {} — no index is eligible; lower selection.min_families or add data",
                    cfg.selection.min_families
                ));
            }
            factor_set = Some(fs);
            comp = Some(c);
        }
        SignalKind::Momentum | SignalKind::LowVolatility => {
            for (i, &t) in day_ix.iter().enumerate() {
                for (j, c) in closes.iter().enumerate() {
                    let v = if cfg.signal.kind == SignalKind::Momentum {
                        price::momentum_at(c, t, cfg.signal.lookback)
                    } else {
                        price::low_volatility_at(c, t, cfg.signal.lookback)
                    };
                    score.set(i, j, v);
                }
            }
        }
        SignalKind::File => {
            let u = ld.user_score.as_ref().expect("loaded");
            let cols: Vec<Option<usize>> = codes
                .iter()
                .map(|c| u.assets.iter().position(|a| a == c))
                .collect();
            let mut matched = 0;
            for (i, d) in dates.iter().enumerate() {
                // the file's latest row dated ≤ t
                let Some(r) = u.dates.partition_point(|x| x <= d).checked_sub(1) else {
                    continue;
                };
                for (j, c) in cols.iter().enumerate() {
                    if let Some(c) = c {
                        let v = u.get(r, *c);
                        if v.is_finite() {
                            matched += 1;
                        }
                        score.set(i, j, v);
                    }
                }
            }
            if matched == 0 {
                notes.push("signal file: no value matches a universe code at a signal date".into());
            }
        }
    }
    // ---- eligibility, picks, trades
    let mut valid_count = vec![vec![0u32; days.len()]; n];
    for (j, c) in closes.iter().enumerate() {
        let mut k = 0;
        for (t, v) in c.iter().enumerate() {
            if v.is_finite() {
                k += 1;
            }
            valid_count[j][t] = k;
        }
    }
    let etf_cols = match (&cfg.portfolio.mode, &ld.etfs) {
        (Mode::Etf, Some(e)) => e.candidates.len(),
        _ => 0,
    };
    let ncol = n + etf_cols;
    let mut rets = vec![f64::NAN; days.len() * ncol];
    for (j, c) in closes.iter().enumerate() {
        for (t, r) in returns_from_closes(c).into_iter().enumerate() {
            rets[t * ncol + j] = r;
        }
    }
    if let (Mode::Etf, Some(e)) = (&cfg.portfolio.mode, &ld.etfs) {
        for k in 0..etf_cols {
            for (t, r) in returns_from_closes(&e.close.column(k))
                .into_iter()
                .enumerate()
            {
                rets[t * ncol + n + k] = r;
            }
        }
    }
    let rules = EtfRules {
        min_listing_days: cfg.portfolio.etf_min_listing_days,
        min_aum: cfg.portfolio.etf_min_aum,
    };
    let map_at = |j: usize, t: usize| ld.etfs.as_ref()?.choose(&codes[j], t, days, rules);
    let eligible: Vec<Vec<bool>> = day_ix
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            (0..n)
                .map(|j| {
                    valid_count[j][t] as usize >= cfg.portfolio.min_history_days
                        && score.get(i, j).is_finite()
                })
                .collect()
        })
        .collect();
    let mut trades = Vec::new();
    let mut ew_trades = Vec::new();
    let mut holdings = Vec::new();
    let mut skipped_etf = 0usize;
    for (i, &t) in day_ix.iter().enumerate() {
        let exec = t + cfg.portfolio.exec_lag_days;
        if exec >= days.len() {
            continue;
        }
        let eligible = &eligible[i];
        let n_eligible = eligible.iter().filter(|e| **e).count();
        let order = ranked(score.row(i), tiebreak.row(i), codes, eligible);
        let mut picks = Vec::new();
        for &j in &order {
            if picks.len() == cfg.portfolio.top_n {
                break;
            }
            let instrument = match cfg.portfolio.mode {
                Mode::Index => Some((j, codes[j].clone())),
                Mode::Etf => match map_at(j, t) {
                    Some(k) => Some((n + k, ld.etfs.as_ref().unwrap().candidates[k].code.clone())),
                    None => {
                        skipped_etf += 1;
                        None
                    }
                },
            };
            if let Some((col, code)) = instrument {
                picks.push((j, col, code));
            }
        }
        if picks.is_empty() {
            continue;
        }
        let w = 1.0 / picks.len() as f64;
        trades.push(Trade {
            day: exec,
            target: picks.iter().map(|(_, col, _)| (*col, w)).collect(),
        });
        let ew_members: Vec<usize> = (0..n).filter(|&j| eligible[j]).collect();
        ew_trades.push(Trade {
            day: exec,
            target: ew_members
                .iter()
                .map(|&j| (j, 1.0 / ew_members.len() as f64))
                .collect(),
        });
        holdings.push(Holding {
            signal: dates[i],
            exec: days[exec],
            regime: regime_of[i],
            n_eligible,
            picks: picks
                .iter()
                .enumerate()
                .map(|(r, (j, _, code))| Pick {
                    rank: r + 1,
                    index: codes[*j].clone(),
                    instrument: code.clone(),
                    weight: w,
                    score: score.get(i, *j),
                })
                .collect(),
            turnover: f64::NAN,
        });
    }
    if skipped_etf > 0 {
        notes.push(format!(
            "etf mode: {skipped_etf} selections had no eligible ETF (listing ≥ {} days, size floor) and were passed to the next-ranked index",
            cfg.portfolio.etf_min_listing_days
        ));
    }
    let c = cfg.portfolio.cost_bps / 1e4;
    let mut ew_turnover = Vec::new();
    // the window ends at `end` (or the recommendation date), never later
    let stop = match (extra, cfg.end) {
        (Some(x), _) | (None, Some(x)) => days.partition_point(|d| *d <= x),
        _ => days.len(),
    };
    let perf = trades.first().filter(|f| f.day < stop).map(|first| {
        let d0 = first.day;
        let bt = run(&rets, ncol, &trades, c);
        for (h, to) in holdings.iter_mut().zip(&bt.turnover) {
            h.turnover = *to;
        }
        let ew = cfg.benchmark.equal_weight.then(|| {
            let e = run(&rets, ncol, &ew_trades, c);
            ew_turnover = e.turnover.clone();
            e.net[d0..stop].to_vec()
        });
        let bench = ld.bench.as_ref().map(|b| {
            let r = returns_from_closes(b);
            let mut v: Vec<f64> = r[d0..]
                .iter()
                .map(|x| if x.is_finite() { *x } else { 0.0 })
                .collect();
            v[0] = 0.0;
            v
        });
        let mut gross = bt.gross[d0..stop].to_vec();
        let mut net = bt.net[d0..stop].to_vec();
        gross[0] = 0.0;
        net[0] = 0.0;
        let mut ew = ew;
        if let Some(e) = ew.as_mut() {
            e[0] = 0.0;
        }
        Perf {
            days: days[d0..stop].to_vec(),
            gross,
            net,
            ew,
            bench,
        }
    });
    if perf.is_none() {
        notes.push("no rebalance could be made: no index was eligible at any signal date".into());
    }
    RunOutput {
        signal_dates: dates,
        regimes,
        regime_of,
        factor_set,
        composite: comp,
        score,
        fwd,
        tiebreak,
        eligible,
        holdings,
        ew_turnover,
        perf,
        notes,
    }
}
