//! A run's artifacts: everything the run folder, the terminal, the report and the
//! Python API show, built once from the run's output. Reports read these, never the
//! code that made them.
//!
//! * **Yearly table** (SPEC §5.2): `R(Y) = Π_{months in Y}(1 + r_m) − 1` over the months
//!   available — partial years labelled with what they cover (`2013 (2–12月)`) —,
//!   excess columns are **differences** `R_rot − R_EW` and `R_rot − R_bench`; the last
//!   row 年化 is the CAGR over the whole sample with A = 12 and excess = difference of
//!   CAGRs. `yearly.csv` has the Chinese headers of the source report and percentages
//!   with two decimals; `yearly_en.csv` the English headers and raw fractions.
//! * **Summary** (SPEC §5.4): from the month-end series (A = 12) — CAGR, volatility
//!   `std(ddof=1)·√12`, Sharpe `CAGR/vol` (rf = 0), annualised excess (difference of
//!   CAGRs), tracking error, IR `mean(r_p − r_b)/std·√12`, monthly win rate; from the
//!   daily NAV — max drawdown and the excess max drawdown of the relative NAV
//!   (`Ratio` convention); average two-sided turnover per rebalance, the first (cash →
//!   invested, turnover 1) included.
//! * **Recommendation**: the ranked list (or the target weights) at the last signal date.

use crate::note::Note;
use crate::perf::{Perf, SeriesKind};
use crate::plan::Plan;
use crate::run::{Holding, RunOutput};
use crate::strategy::Decision;
use chrono::NaiveDate;
use rotor_core::frame::Frame;
use rotor_metrics::stats::{
    cagr::{cagr, total_return},
    drawdown::max_drawdown,
    excess::excess_max_drawdown,
    information_ratio::information_ratio,
    tracking_error::tracking_error,
    volatility::volatility,
    win_rate::win_rate,
    yearly::{monthly_returns, yearly_table_covered, Coverage, YearRow},
};
use serde::Serialize;
use std::collections::BTreeMap;

/// Statistics of one series.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesStats {
    /// Series.
    pub name: SeriesKind,
    /// Total return over the window.
    pub total_return: f64,
    /// CAGR (monthly, A = 12).
    pub cagr: f64,
    /// Annualised volatility of monthly returns.
    pub volatility: f64,
    /// CAGR / volatility.
    pub sharpe: f64,
    /// Max drawdown of the daily NAV.
    pub max_drawdown: f64,
}

/// Excess statistics of the strategy over one benchmark.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExcessStats {
    /// Benchmark series.
    pub benchmark: SeriesKind,
    /// CAGR difference.
    pub annualised_excess: f64,
    /// Max drawdown of the relative NAV (daily).
    pub excess_max_drawdown: f64,
    /// Tracking error (monthly, √12).
    pub tracking_error: f64,
    /// Information ratio (monthly, √12).
    pub information_ratio: f64,
    /// Share of months beating the benchmark.
    pub monthly_win_rate: f64,
}

/// The headline numbers of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// Run name.
    pub name: String,
    /// Strategy kind.
    pub kind: String,
    /// First day of the backtest (the NAV base).
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Months in the sample.
    pub months: usize,
    /// Rebalances made.
    pub rebalances: usize,
    /// Strategy (net), EW, market, strategy gross.
    pub series: Vec<SeriesStats>,
    /// Excess over EW and market.
    pub excess: Vec<ExcessStats>,
    /// Mean two-sided turnover per rebalance.
    pub avg_turnover: f64,
    /// Signal dates per label (months per regime).
    pub label_counts: BTreeMap<String, usize>,
    /// Notes.
    pub notes: Vec<Note>,
}

/// One line of the recommendation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecoRow {
    /// Rank (1 = best).
    pub rank: usize,
    /// Asset code.
    pub asset: String,
    /// Selected this period.
    pub selected: bool,
    /// The driving score (NaN for weight decisions).
    pub score: f64,
    /// Target weight when selected.
    pub weight: f64,
    /// The strategy's extra columns (family scores …).
    pub extra: BTreeMap<String, f64>,
    /// The largest ETF tracking the asset at t (when ETF data exist).
    pub etf: Option<String>,
}

/// The list at the last signal date.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    /// Signal date.
    pub date: Option<NaiveDate>,
    /// The strategy's label at that date (e.g. the regime code).
    pub label: Option<String>,
    /// Its display name.
    pub label_name: Option<String>,
    /// Ranked eligible assets (scores), or the target weights.
    pub rows: Vec<RecoRow>,
    /// The strategy's lines (sub-factors used …).
    pub text: Vec<String>,
    /// Notes of the run.
    pub notes: Vec<Note>,
}

/// One row of the yearly table.
pub type YearlyRow = YearRow;

/// The yearly table with its headers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Yearly {
    /// Chinese headers (年份, 轮动组合收益率, …).
    pub zh: Vec<String>,
    /// English headers.
    pub en: Vec<String>,
    /// Rows, the annualised row last.
    pub rows: Vec<YearRow>,
}

/// Everything about a run that is shown or written.
#[derive(Debug, Clone)]
pub struct RunArtifacts {
    /// Run name.
    pub name: String,
    /// Strategy kind.
    pub kind: String,
    /// Benchmark code ("" = none) and its display label (沪深300 for the CSI 300 codes).
    pub benchmark: (String, String),
    /// N held, cost per unit traded.
    pub top_n: usize,
    /// Cost in bp.
    pub cost_bps: f64,
    /// The resolved strategy file.
    pub config_toml: String,
    /// File → fingerprint of the inputs.
    pub fingerprint: BTreeMap<String, String>,
    /// Daily performance.
    pub perf: Option<Perf>,
    /// Month-end sampled returns of each series.
    pub monthly: Option<Monthly>,
    /// Rebalances.
    pub holdings: Vec<Holding>,
    /// Signal dates and the label at each.
    pub labels: Vec<(NaiveDate, Option<String>)>,
    /// Label code → display name.
    pub label_names: BTreeMap<String, String>,
    /// What the labels are (e.g. 宏观环境).
    pub label_title: Option<String>,
    /// Summary statistics.
    pub summary: Summary,
    /// Yearly table.
    pub yearly: Yearly,
    /// The recommendation at the last signal date.
    pub recommendation: Recommendation,
    /// The strategy's tables.
    pub frames: Vec<Frame>,
    /// The strategy's named texts (e.g. `regime_rules`).
    pub texts: BTreeMap<String, String>,
    /// Notes.
    pub notes: Vec<Note>,
}

impl RunArtifacts {
    /// A strategy table by name.
    pub fn frame(&self, name: &str) -> Option<&Frame> {
        self.frames.iter().find(|f| f.name == name)
    }

    /// The display name of a label code.
    pub fn label_name(&self, code: &str) -> String {
        self.label_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The display name of a series (Chinese, as in the source report).
    pub fn series_name(&self, k: SeriesKind) -> String {
        let s = strategy_label(&self.kind);
        match k {
            SeriesKind::Strategy => format!("{s}（扣费）"),
            SeriesKind::StrategyGross => format!("{s}（费前）"),
            SeriesKind::EqualWeight => "等权组合".into(),
            SeriesKind::Benchmark => self.benchmark.1.clone(),
        }
    }
}

/// The strategy's name in Chinese headers: 轮动组合 (the source report's) for the rotation,
/// 策略组合 for any other kind.
pub fn strategy_label(kind: &str) -> &'static str {
    if kind == "rotation" {
        "轮动组合"
    } else {
        "策略组合"
    }
}

/// The market benchmark's name in Chinese headers: 沪深300 for the CSI 300 codes,
/// otherwise the configured code.
pub fn benchmark_label(code: &str) -> String {
    match code {
        "000300.SH" | "000300.XSHG" | "399300.SZ" => "沪深300".into(),
        c => c.to_string(),
    }
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|v| v.is_finite()).collect();
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Month ends and the month's return of each series.
pub type Monthly = (Vec<NaiveDate>, BTreeMap<SeriesKind, Vec<f64>>);

/// Month-end sampled returns of every series of a window.
pub fn monthly(p: &Perf) -> Monthly {
    let mut dates = Vec::new();
    let mut out = BTreeMap::new();
    for k in p.kinds() {
        let (d, r) = monthly_returns(p.days(), p.returns(k).unwrap_or(&[]));
        dates = d;
        out.insert(k, r);
    }
    (dates, out)
}

/// The summary of a run named `name` of strategy `kind`.
pub fn summary(name: &str, kind: &str, out: &RunOutput) -> Summary {
    let mut s = Summary {
        name: name.to_string(),
        kind: kind.to_string(),
        start: None,
        end: None,
        months: 0,
        rebalances: out.holdings.len(),
        series: Vec::new(),
        excess: Vec::new(),
        avg_turnover: mean(&out.holdings.iter().map(|h| h.turnover).collect::<Vec<_>>()),
        label_counts: BTreeMap::new(),
        notes: out.notes.clone(),
    };
    for st in &out.steps {
        if let Some(l) = &st.label {
            *s.label_counts.entry(l.clone()).or_default() += 1;
        }
    }
    let Some(p) = &out.perf else { return s };
    s.start = p.days().first().copied();
    s.end = p.days().last().copied();
    let (mdates, m) = monthly(p);
    s.months = mdates.len();
    for k in SeriesKind::ALL {
        let (Some(d), Some(r)) = (p.returns(k), m.get(&k)) else {
            continue;
        };
        let c = cagr(r, 12.0);
        let v = volatility(r, 12.0);
        s.series.push(SeriesStats {
            name: k,
            total_return: total_return(r),
            cagr: c,
            volatility: v,
            sharpe: c / v,
            max_drawdown: max_drawdown(&d[1..]).depth,
        });
    }
    let (Some(net), Some(rp)) = (
        p.returns(SeriesKind::Strategy),
        m.get(&SeriesKind::Strategy),
    ) else {
        return s;
    };
    for k in [SeriesKind::EqualWeight, SeriesKind::Benchmark] {
        let (Some(d), Some(rb)) = (p.returns(k), m.get(&k)) else {
            continue;
        };
        s.excess.push(ExcessStats {
            benchmark: k,
            annualised_excess: cagr(rp, 12.0) - cagr(rb, 12.0),
            excess_max_drawdown: excess_max_drawdown(&net[1..], &d[1..]).depth,
            tracking_error: tracking_error(rp, rb, 12.0),
            information_ratio: information_ratio(rp, rb, 12.0),
            monthly_win_rate: win_rate(rp, rb),
        });
    }
    s
}

/// The yearly table (see the module docs); `strategy` names the strategy's column
/// ([`strategy_label`]).
pub fn yearly(p: &Perf, last_month_whole: bool, bench_label: &str, strategy: &str) -> Yearly {
    let (md, m) = monthly(p);
    let mut series: Vec<&[f64]> = Vec::new();
    let mut zh: Vec<String> = vec!["年份".into()];
    let mut en: Vec<String> = vec!["year".into()];
    let mut ex_zh = Vec::new();
    let mut ex_en = Vec::new();
    for (k, name_zh, name_en) in [
        (
            SeriesKind::Strategy,
            format!("{strategy}收益率"),
            "rotation",
        ),
        (
            SeriesKind::EqualWeight,
            "等权组合收益率".to_string(),
            "equal_weight",
        ),
        (
            SeriesKind::Benchmark,
            format!("{bench_label}收益率"),
            "benchmark",
        ),
    ] {
        let Some(r) = m.get(&k) else { continue };
        series.push(r);
        zh.push(name_zh);
        en.push(name_en.into());
        match k {
            SeriesKind::EqualWeight => {
                ex_zh.push(format!(
                    "{}超等权收益率",
                    &strategy[..strategy.len() - "组合".len()]
                ));
                ex_en.push("excess_vs_equal_weight".to_string());
            }
            SeriesKind::Benchmark => {
                ex_zh.push(format!(
                    "{}超{bench_label}收益率",
                    &strategy[..strategy.len() - "组合".len()]
                ));
                ex_en.push("excess_vs_benchmark".to_string());
            }
            _ => {}
        }
    }
    zh.extend(ex_zh);
    en.extend(ex_en);
    let cov = Coverage::of_days(p.days(), last_month_whole);
    Yearly {
        zh,
        en,
        rows: yearly_table_covered(&md, &series, 12.0, cov.as_ref()),
    }
}

/// The list at the last signal date.
pub fn recommendation(out: &RunOutput, label_names: &BTreeMap<String, String>) -> Recommendation {
    let mut reco = Recommendation {
        date: None,
        label: None,
        label_name: None,
        rows: Vec::new(),
        text: out.diagnostics.reco.text.clone(),
        notes: out.notes.clone(),
    };
    let (Some(i), Some(st)) = (out.signal_dates.len().checked_sub(1), out.steps.last()) else {
        return reco;
    };
    let date = out.signal_dates[i];
    reco.date = Some(date);
    reco.label = st.label.clone();
    reco.label_name = st
        .label
        .as_ref()
        .map(|l| label_names.get(l).cloned().unwrap_or_else(|| l.clone()));
    let weight_of = |code: &str| -> f64 {
        out.holdings
            .last()
            .filter(|h| h.signal == date)
            .and_then(|h| h.picks.iter().find(|p| p.asset == code).map(|p| p.weight))
            .unwrap_or(0.0)
    };
    let extra = |j: usize| -> BTreeMap<String, f64> {
        out.diagnostics
            .reco
            .columns
            .iter()
            .map(|(n, v)| (n.clone(), v.get(j).copied().unwrap_or(f64::NAN)))
            .collect()
    };
    match &st.decision {
        Decision::Scores(s) => {
            let order =
                rotor_portfolio::rank::ranked(&s.score, &s.tiebreak, &out.universe, &st.eligible);
            reco.rows = order
                .iter()
                .enumerate()
                .map(|(r, &j)| RecoRow {
                    rank: r + 1,
                    asset: out.universe[j].clone(),
                    selected: weight_of(&out.universe[j]) > 0.0,
                    score: s.score[j],
                    weight: weight_of(&out.universe[j]),
                    extra: extra(j),
                    etf: out.last_etf.get(j).cloned().flatten(),
                })
                .collect();
        }
        _ => {
            reco.rows = st
                .targets
                .iter()
                .enumerate()
                .map(|(r, (code, w))| RecoRow {
                    rank: r + 1,
                    asset: code.clone(),
                    // a target of 0 (a style call all in the other side) is listed, not picked
                    selected: *w > 0.0,
                    score: f64::NAN,
                    weight: *w,
                    extra: BTreeMap::new(),
                    etf: None,
                })
                .collect();
        }
    }
    reco
}

/// Build the artifacts of a run.
pub fn build(plan: &Plan, fingerprint: &BTreeMap<String, String>, out: &RunOutput) -> RunArtifacts {
    let code = plan.engine.benchmark.code.clone();
    let bl = benchmark_label(&code);
    let summary = summary(&plan.engine.name, &plan.engine.strategy.kind, out);
    let yearly = out
        .perf
        .as_ref()
        .map(|p| {
            yearly(
                p,
                out.last_month_whole,
                &bl,
                strategy_label(&plan.engine.strategy.kind),
            )
        })
        .unwrap_or_default();
    let d = &out.diagnostics;
    RunArtifacts {
        name: plan.engine.name.clone(),
        kind: plan.engine.strategy.kind.clone(),
        benchmark: (code, bl),
        top_n: plan.engine.portfolio.top_n,
        cost_bps: plan.engine.portfolio.cost_bps,
        config_toml: plan.to_toml(),
        fingerprint: fingerprint.clone(),
        monthly: out.perf.as_ref().map(monthly),
        perf: out.perf.clone(),
        holdings: out.holdings.clone(),
        labels: out
            .steps
            .iter()
            .map(|s| (s.date, s.label.clone()))
            .collect(),
        label_names: d.label_names.clone(),
        label_title: d.label_title.clone(),
        recommendation: recommendation(out, &d.label_names),
        summary,
        yearly,
        frames: d.frames.clone(),
        texts: d.texts.clone(),
        notes: out.notes.clone(),
    }
}
