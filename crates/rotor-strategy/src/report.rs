//! Tables of a run and the run folder.
//!
//! * **Yearly table** (SPEC §5.2): `R(Y) = Π_{months in Y}(1 + r_m) − 1` over the
//!   months available (partial first/last year), excess columns are **differences**
//!   `R_rot − R_EW` and `R_rot − R_300`; the last row 年化 is the CAGR over the whole
//!   sample with A = 12 and excess = difference of CAGRs. `yearly.csv` has the Chinese
//!   headers of the source report and percentages with two decimals; `yearly_en.csv`
//!   the English headers and raw fractions.
//! * **Summary** (SPEC §5.4): from the month-end series (A = 12) — CAGR, volatility
//!   `std(ddof=1)·√12`, Sharpe `CAGR/vol` (rf = 0), annualised excess (difference of
//!   CAGRs), tracking error, IR `mean(r_p − r_b)/std·√12`, monthly win rate; from the
//!   daily NAV — max drawdown and the excess max drawdown of the relative NAV
//!   (`Ratio` convention); average two-sided turnover per rebalance, the first (cash →
//!   invested, turnover 1) included.
//! * **Factor evaluation by regime**: per sub-factor, family score and composite, the
//!   RankIC of each signal date against the index return to the next signal date,
//!   grouped by the regime known at the signal date: mean, std, ICIR = mean/std, win
//!   rate, n, and the mean top-minus-bottom quintile return (RankFloor groups, SPEC §6.2).

use crate::config::StrategyConfig;
use crate::error::{Result, StrategyError};
use crate::load::Loaded;
use crate::pipeline::RunOutput;
use chrono::NaiveDate;
use rotor_core::ops::cross::spearman;
use rotor_core::Panel;
use rotor_eval::quantile::{assign, Grouping};
use rotor_metrics::stats::{
    cagr::{cagr, total_return},
    drawdown::max_drawdown,
    excess::excess_max_drawdown,
    information_ratio::information_ratio,
    tracking_error::tracking_error,
    volatility::volatility,
    win_rate::win_rate,
    yearly::yearly_table,
};
use rotor_regime::Regime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Statistics of one series.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesStats {
    /// Series name.
    pub name: String,
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
    /// Benchmark name.
    pub benchmark: String,
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
    /// First and last day of the backtest.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Months in the sample.
    pub months: usize,
    /// Rebalances made.
    pub rebalances: usize,
    /// Strategy (net), strategy gross, EW, market.
    pub series: Vec<SeriesStats>,
    /// Excess over EW and market.
    pub excess: Vec<ExcessStats>,
    /// Mean two-sided turnover per rebalance.
    pub avg_turnover: f64,
    /// Months per regime over the signal dates.
    pub regime_months: BTreeMap<String, usize>,
    /// Notes.
    pub notes: Vec<String>,
}

/// Compute the summary.
pub fn summary(cfg: &StrategyConfig, out: &RunOutput) -> Summary {
    let mut s = Summary {
        name: cfg.name.clone(),
        start: None,
        end: None,
        months: 0,
        rebalances: out.holdings.len(),
        series: Vec::new(),
        excess: Vec::new(),
        avg_turnover: mean(&out.holdings.iter().map(|h| h.turnover).collect::<Vec<_>>()),
        regime_months: BTreeMap::new(),
        notes: out.notes.clone(),
    };
    for r in &out.regime_of {
        *s.regime_months.entry(r.code().to_string()).or_default() += 1;
    }
    let Some(p) = &out.perf else { return s };
    s.start = p.days.first().copied();
    s.end = p.days.last().copied();
    let (mdates, m) = p.monthly();
    s.months = mdates.len();
    let daily: [(&str, Option<&Vec<f64>>); 4] = [
        ("strategy", Some(&p.net)),
        ("equal_weight", p.ew.as_ref()),
        ("benchmark", p.bench.as_ref()),
        ("strategy_gross", Some(&p.gross)),
    ];
    for (k, (name, d)) in daily.iter().enumerate() {
        let Some(d) = d else { continue };
        let r = &m[k];
        let c = cagr(r, 12.0);
        let v = volatility(r, 12.0);
        s.series.push(SeriesStats {
            name: name.to_string(),
            total_return: total_return(r),
            cagr: c,
            volatility: v,
            sharpe: c / v,
            max_drawdown: max_drawdown(&d[1..]).depth,
        });
    }
    for (k, name) in [(1usize, "equal_weight"), (2, "benchmark")] {
        let Some(d) = daily[k].1 else { continue };
        let (rp, rb) = (&m[0], &m[k]);
        s.excess.push(ExcessStats {
            benchmark: name.into(),
            annualised_excess: cagr(rp, 12.0) - cagr(rb, 12.0),
            excess_max_drawdown: excess_max_drawdown(&p.net[1..], &d[1..]).depth,
            tracking_error: tracking_error(rp, rb, 12.0),
            information_ratio: information_ratio(rp, rb, 12.0),
            monthly_win_rate: win_rate(rp, rb),
        });
    }
    s
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|v| v.is_finite()).collect();
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// One row of the factor-by-regime table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FactorRegimeRow {
    /// Sub-factor id, `family:<name>` or `composite`.
    pub factor: String,
    /// Regime code or `All`.
    pub regime: String,
    /// Dates with an IC.
    pub n: usize,
    /// Mean RankIC.
    pub ic_mean: f64,
    /// Std of RankIC.
    pub ic_std: f64,
    /// Mean / std.
    pub icir: f64,
    /// Share of positive ICs.
    pub win_rate: f64,
    /// Mean top-minus-bottom quintile return per period.
    pub top_minus_bottom: f64,
}

/// RankIC and quintile spread of each factor by regime (see the module docs).
pub fn factor_by_regime(out: &RunOutput) -> Vec<FactorRegimeRow> {
    let mut factors: Vec<(String, &Panel)> = Vec::new();
    if let Some(fs) = &out.factor_set {
        for (k, p) in &fs.subs {
            factors.push((k.clone(), p));
        }
    }
    if let Some(c) = &out.composite {
        for (f, p) in &c.families {
            factors.push((format!("family:{}", f.name()), p));
        }
    }
    factors.push(("composite".into(), &out.score));
    let mut rows = Vec::new();
    let mut idx = Vec::new();
    for (name, p) in factors {
        let nd = p.n_dates();
        let mut ic = vec![f64::NAN; nd];
        let mut spread = vec![f64::NAN; nd];
        for i in 0..nd {
            let (x, y) = (p.row(i), out.fwd.row(i));
            ic[i] = spearman(x, y, 3);
            let pairs: Vec<(f64, f64)> = x
                .iter()
                .zip(y)
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .map(|(a, b)| (*a, *b))
                .collect();
            if pairs.len() >= 5 {
                let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
                if let Some(g) = assign(&xs, 5, Grouping::RankFloor, &mut idx) {
                    let grp = |q: u16| {
                        let v: Vec<f64> = pairs
                            .iter()
                            .zip(&g)
                            .filter(|(_, gg)| **gg == q)
                            .map(|(p, _)| p.1)
                            .collect();
                        v.iter().sum::<f64>() / v.len() as f64
                    };
                    spread[i] = grp(5) - grp(1);
                }
            }
        }
        let mut groups: Vec<(String, Vec<usize>)> = vec![("All".into(), (0..nd).collect())];
        for r in Regime::ALL {
            let v: Vec<usize> = (0..nd)
                .filter(|&i| out.regime_of.get(i) == Some(&r))
                .collect();
            if !v.is_empty() {
                groups.push((r.code().into(), v));
            }
        }
        for (label, ix) in groups {
            let v: Vec<f64> = ix
                .iter()
                .map(|&i| ic[i])
                .filter(|x| x.is_finite())
                .collect();
            let sp: Vec<f64> = ix.iter().map(|&i| spread[i]).collect();
            let n = v.len();
            let m = mean(&v);
            let sd = if n > 1 {
                (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
            } else {
                f64::NAN
            };
            rows.push(FactorRegimeRow {
                factor: name.clone(),
                regime: label,
                n,
                ic_mean: m,
                ic_std: sd,
                icir: m / sd,
                win_rate: if n > 0 {
                    v.iter().filter(|x| **x > 0.0).count() as f64 / n as f64
                } else {
                    f64::NAN
                },
                top_minus_bottom: mean(&sp),
            });
        }
    }
    rows
}

/// One line of the recommendation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecoRow {
    /// Rank among eligible indices (1 = best).
    pub rank: usize,
    /// Index code.
    pub index: String,
    /// Selected (top N) this period.
    pub selected: bool,
    /// Composite (or the driving score).
    pub score: f64,
    /// Family scores F_f (composite signal only).
    pub families: BTreeMap<String, f64>,
    /// The largest ETF tracking the index at t (when ETF data exist).
    pub etf: Option<String>,
}

/// The ranked list at the last signal date.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    /// Signal date.
    pub date: Option<NaiveDate>,
    /// Regime at that date.
    pub regime: String,
    /// 中文 regime name.
    pub regime_zh: String,
    /// Sub-factors used per family.
    pub chosen: BTreeMap<String, Vec<String>>,
    /// Ranked eligible indices.
    pub rows: Vec<RecoRow>,
    /// Families excluded and other notes.
    pub notes: Vec<String>,
}

/// Build the recommendation at the last signal date.
pub fn recommendation(cfg: &StrategyConfig, ld: &Loaded, out: &RunOutput) -> Recommendation {
    let Some(i) = out.signal_dates.len().checked_sub(1) else {
        return Recommendation {
            date: None,
            regime: "Undefined".into(),
            regime_zh: Regime::Undefined.zh().into(),
            chosen: BTreeMap::new(),
            rows: Vec::new(),
            notes: out.notes.clone(),
        };
    };
    let date = out.signal_dates[i];
    let reg = out.regime_of[i];
    let t = ld.days.partition_point(|d| *d <= date) - 1;
    let order = rotor_portfolio::rank::ranked(
        out.score.row(i),
        out.tiebreak.row(i),
        &out.score.assets,
        &out.eligible[i],
    );
    let selected: Vec<String> = out
        .holdings
        .last()
        .filter(|h| h.signal == date)
        .map(|h| h.picks.iter().map(|p| p.index.clone()).collect())
        .unwrap_or_default();
    let rules = rotor_portfolio::etf::EtfRules {
        min_listing_days: cfg.portfolio.etf_min_listing_days,
        min_aum: cfg.portfolio.etf_min_aum,
    };
    // the same choice the backtest makes when trading at t
    let etf_for = |j: usize| -> Option<String> {
        let e = ld.etfs.as_ref()?;
        let k = e.choose(&out.score.assets[j], t, &ld.days, rules)?;
        Some(e.candidates[k].code.clone())
    };
    let rows = order
        .iter()
        .enumerate()
        .map(|(r, &j)| RecoRow {
            rank: r + 1,
            index: out.score.assets[j].clone(),
            selected: selected.contains(&out.score.assets[j]),
            score: out.score.get(i, j),
            families: out
                .composite
                .as_ref()
                .map(|c| {
                    c.families
                        .iter()
                        .map(|(f, p)| (f.name().to_string(), p.get(i, j)))
                        .collect()
                })
                .unwrap_or_default(),
            etf: etf_for(j),
        })
        .collect();
    let chosen = out
        .composite
        .as_ref()
        .map(|c| {
            c.chosen[i]
                .iter()
                .map(|(f, v)| (f.name().to_string(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    Recommendation {
        date: Some(date),
        regime: reg.code().into(),
        regime_zh: reg.zh().into(),
        chosen,
        rows,
        notes: out.notes.clone(),
    }
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        String::new()
    }
}

/// A number for CSV: shortest round-trip form, empty for NaN / infinite.
pub(crate) fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// Chinese headers, English headers, rows `(label, values)`.
pub type YearlyTable = (Vec<String>, Vec<&'static str>, Vec<(String, Vec<f64>)>);

/// The market benchmark's name in Chinese headers: 沪深300 for the CSI 300 codes,
/// otherwise the configured code.
pub fn benchmark_label(cfg: &StrategyConfig) -> String {
    match cfg.benchmark.code.as_str() {
        "000300.SH" | "000300.XSHG" | "399300.SZ" => "沪深300".into(),
        c => c.to_string(),
    }
}

/// Yearly table rows: (label, [rot, ew, bench], [rot−ew, rot−bench]) with absent series
/// dropped; also returns the header names (zh, with the benchmark named by
/// [`benchmark_label`]; en).
pub fn yearly(cfg: &StrategyConfig, out: &RunOutput) -> YearlyTable {
    let Some(p) = &out.perf else {
        return (vec![], vec![], vec![]);
    };
    let (md, m) = p.monthly();
    let mut series: Vec<&[f64]> = vec![&m[0]];
    let bl = benchmark_label(cfg);
    let mut zh: Vec<String> = vec!["年份".into(), "轮动组合收益率".into()];
    let mut en = vec!["year", "rotation"];
    let mut ex_zh = Vec::new();
    let mut ex_en = Vec::new();
    if p.ew.is_some() {
        series.push(&m[1]);
        zh.push("等权组合收益率".into());
        en.push("equal_weight");
        ex_zh.push("轮动超等权收益率".to_string());
        ex_en.push("excess_vs_equal_weight");
    }
    if p.bench.is_some() {
        series.push(&m[2]);
        zh.push(format!("{bl}收益率"));
        en.push("benchmark");
        ex_zh.push(format!("轮动超{bl}收益率"));
        ex_en.push("excess_vs_benchmark");
    }
    zh.extend(ex_zh);
    en.extend(ex_en);
    let rows = yearly_table(&md, &series, 12.0)
        .into_iter()
        .map(|r| {
            let mut v = r.returns.clone();
            v.extend(r.excess);
            (r.label, v)
        })
        .collect();
    (zh, en, rows)
}

/// The regime timeline as CSV (`regime.csv`): one row per evaluation date with the
/// states, the inputs that decided them and the credit basis used.
pub fn regime_csv(rows: &[rotor_regime::RegimeRow]) -> String {
    let mut s = String::from("date,regime,regime_zh,money,credit,ybar,dy,c,dc,q_used,m2_yoy,tsf,credit_basis,inputs_available_at\n");
    let o = |x: Option<f64>| x.map(num).unwrap_or_default();
    for r in rows {
        let st = |x: Option<rotor_regime::State>| match x {
            Some(rotor_regime::State::Loose) => "loose",
            Some(rotor_regime::State::Tight) => "tight",
            None => "",
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.date,
            r.regime,
            r.regime.zh(),
            st(r.money),
            st(r.credit),
            o(r.ybar),
            o(r.dy),
            o(r.c),
            o(r.dc),
            r.q_used.map(|d| d.to_string()).unwrap_or_default(),
            o(r.m2),
            o(r.tsf),
            r.credit_basis,
            r.inputs_available_at
                .map(|d| d.to_string())
                .unwrap_or_default()
        );
    }
    s
}

fn write(dir: &Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| StrategyError::Io { path, source: e })
}

/// Write every table of a run into `dir` (created); returns the written file names.
pub fn write_run(
    dir: &Path,
    cfg: &StrategyConfig,
    ld: &Loaded,
    out: &RunOutput,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| StrategyError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut files = Vec::new();
    let mut put = |name: &str, text: String| -> Result<()> {
        write(dir, name, &text)?;
        files.push(dir.join(name));
        Ok(())
    };
    put("config.toml", cfg.to_toml())?;
    put(
        "fingerprint.json",
        serde_json::to_string_pretty(&ld.fingerprint).unwrap_or_default(),
    )?;
    // yearly
    let (zh, en, rows) = yearly(cfg, out);
    if !rows.is_empty() {
        let mut a = zh.join(",") + "\n";
        let mut b = en.join(",") + "\n";
        for (label, v) in &rows {
            let _ = writeln!(
                a,
                "{label},{}",
                v.iter().map(|x| pct(*x)).collect::<Vec<_>>().join(",")
            );
            let lab = if label == "年化" {
                "annualised"
            } else {
                label
            };
            let _ = writeln!(
                b,
                "{lab},{}",
                v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(",")
            );
        }
        put("yearly.csv", a)?;
        put("yearly_en.csv", b)?;
    }
    if let Some(p) = &out.perf {
        let (md, m) = p.monthly();
        let mut s = String::from("month_end,strategy,strategy_gross,equal_weight,benchmark,excess_vs_equal_weight,excess_vs_benchmark\n");
        for (i, d) in md.iter().enumerate() {
            let _ = writeln!(
                s,
                "{d},{},{},{},{},{},{}",
                num(m[0][i]),
                num(m[3][i]),
                num(m[1][i]),
                num(m[2][i]),
                num(m[0][i] - m[1][i]),
                num(m[0][i] - m[2][i])
            );
        }
        put("monthly.csv", s)?;
        let mut s = String::from("date,strategy,strategy_gross,equal_weight,benchmark\n");
        let nav = |v: Option<&Vec<f64>>| -> Vec<f64> {
            match v {
                Some(v) => {
                    let mut a = 1.0;
                    v.iter()
                        .map(|x| {
                            a *= 1.0 + x;
                            a
                        })
                        .collect()
                }
                None => vec![f64::NAN; p.days.len()],
            }
        };
        let (a, b, c, e) = (
            nav(Some(&p.net)),
            nav(Some(&p.gross)),
            nav(p.ew.as_ref()),
            nav(p.bench.as_ref()),
        );
        for (i, d) in p.days.iter().enumerate() {
            let _ = writeln!(
                s,
                "{d},{},{},{},{}",
                num(a[i]),
                num(b[i]),
                num(c[i]),
                num(e[i])
            );
        }
        put("nav.csv", s)?;
    }
    let mut s = String::from(
        "signal_date,exec_date,regime,n_eligible,rank,index,instrument,weight,score,turnover\n",
    );
    for h in &out.holdings {
        for p in &h.picks {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{}",
                h.signal,
                h.exec,
                h.regime,
                h.n_eligible,
                p.rank,
                p.index,
                p.instrument,
                num(p.weight),
                num(p.score),
                num(h.turnover)
            );
        }
    }
    put("holdings.csv", s)?;
    if !out.regimes.is_empty() {
        put("regime.csv", regime_csv(&out.regimes))?;
    }
    let fr = factor_by_regime(out);
    let mut s = String::from("factor,regime,n,ic_mean,ic_std,icir,win_rate,top_minus_bottom\n");
    for r in &fr {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{}",
            r.factor,
            r.regime,
            r.n,
            num(r.ic_mean),
            num(r.ic_std),
            num(r.icir),
            num(r.win_rate),
            num(r.top_minus_bottom)
        );
    }
    put("factor_by_regime.csv", s)?;
    if let Some(fs) = &out.factor_set {
        let mut s = String::from("date,family,n_valid,n_assets\n");
        for a in &fs.availability {
            let _ = writeln!(
                s,
                "{},{},{},{}",
                a.date,
                a.family.name(),
                a.n_valid,
                a.n_assets
            );
        }
        put("factor_availability.csv", s)?;
    }
    let reco = recommendation(cfg, ld, out);
    let fams: Vec<String> = reco
        .rows
        .first()
        .map(|r| r.families.keys().cloned().collect())
        .unwrap_or_default();
    let mut s = format!(
        "rank,index,selected,score,{}etf\n",
        fams.iter().map(|f| format!("{f},")).collect::<String>()
    );
    for r in &reco.rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{}{}",
            r.rank,
            r.index,
            r.selected,
            num(r.score),
            fams.iter()
                .map(|f| format!("{},", num(r.families[f])))
                .collect::<String>(),
            r.etf.clone().unwrap_or_default()
        );
    }
    put("recommendation.csv", s)?;
    put(
        "recommendation.json",
        serde_json::to_string_pretty(&reco).unwrap_or_default(),
    )?;
    let sm = summary(cfg, out);
    // serde_json writes non-finite floats as null
    put(
        "summary.json",
        serde_json::to_string_pretty(&sm).unwrap_or_default(),
    )?;
    put("notes.txt", out.notes.join("\n") + "\n")?;
    Ok(files)
}
