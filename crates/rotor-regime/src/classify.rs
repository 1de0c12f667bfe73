//! The classifier itself; see the crate docs for the rules.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One observation of a series: the period it describes, when it became known, value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    /// Period end (the day for daily series, the month-end for monthly ones).
    pub period: NaiveDate,
    /// First moment the value is usable (release date or SPEC §0.6 fallback).
    pub available_at: NaiveDate,
    /// Value (percent for yields and YoY rates).
    pub value: f64,
}

/// The inputs, each a list of observations (several vintages of a period allowed).
#[derive(Debug, Clone, Default)]
pub struct RegimeInputs {
    /// Daily 10Y government bond yield, percent.
    pub yield_daily: Vec<Obs>,
    /// Monthly M2 YoY, percent.
    pub m2_yoy: Vec<Obs>,
    /// Monthly TSF-stock YoY (published comparable basis), percent; may be empty.
    pub tsf_stock_yoy: Vec<Obs>,
    /// Monthly TSF flows (any unit), used by [`TsfProxy::Flow12Yoy`]; may be empty.
    pub tsf_flow: Vec<Obs>,
}

/// Monthly level of the yield.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MoneyLevel {
    /// Mean of the month's daily values (default).
    #[default]
    MonthAvg,
    /// Last value of the month.
    MonthEnd,
}

/// Money rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MoneyRule {
    /// k-month change with a hysteresis band (default).
    #[default]
    Delta,
    /// Level below its n-month moving average.
    MaCross,
}

/// Credit rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CreditRule {
    /// Change of the average of M2 and TSF YoY (default).
    #[default]
    Composite,
    /// Both changes beyond the band.
    Both,
    /// The larger change decides.
    Either,
}

/// What stands in for the TSF-stock YoY when it is not published at t.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TsfProxy {
    /// Credit from M2 YoY alone (default).
    #[default]
    M2Only,
    /// YoY of the 12-month rolling sum of TSF flows, percent.
    Flow12Yoy,
}

/// Every parameter of SPEC §1 with its default (§18).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegimeConfig {
    /// Monthly yield level (MonthAvg).
    pub money_level: MoneyLevel,
    /// Money rule (Delta).
    pub money_rule: MoneyRule,
    /// k_m, months (12).
    pub k_m: usize,
    /// τ_m in basis points (5).
    pub tau_m_bp: f64,
    /// n of the MaCross rule (12).
    pub ma_n: usize,
    /// Credit rule (Composite).
    pub credit_rule: CreditRule,
    /// k_c, months (3).
    pub k_c: usize,
    /// τ_c in percentage points (0.10).
    pub tau_c_pp: f64,
    /// Proxy when the TSF-stock YoY is missing (M2Only).
    pub tsf_proxy: TsfProxy,
}

impl Default for RegimeConfig {
    fn default() -> Self {
        RegimeConfig {
            money_level: MoneyLevel::MonthAvg,
            money_rule: MoneyRule::Delta,
            k_m: 12,
            tau_m_bp: 5.0,
            ma_n: 12,
            credit_rule: CreditRule::Composite,
            k_c: 3,
            tau_c_pp: 0.10,
            tsf_proxy: TsfProxy::M2Only,
        }
    }
}

/// Loose (宽) or tight (紧).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 宽
    Loose,
    /// 紧
    Tight,
}

/// The four regimes and Undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Regime {
    /// 宽货币宽信用
    LL,
    /// 宽货币紧信用
    LT,
    /// 紧货币宽信用
    TL,
    /// 紧货币紧信用
    TT,
    /// Not enough history yet.
    Undefined,
}

impl Regime {
    /// All values in display order.
    pub const ALL: [Regime; 5] = [
        Regime::LL,
        Regime::LT,
        Regime::TL,
        Regime::TT,
        Regime::Undefined,
    ];
    /// From the two states.
    pub fn of(money: Option<State>, credit: Option<State>) -> Regime {
        match (money, credit) {
            (Some(State::Loose), Some(State::Loose)) => Regime::LL,
            (Some(State::Loose), Some(State::Tight)) => Regime::LT,
            (Some(State::Tight), Some(State::Loose)) => Regime::TL,
            (Some(State::Tight), Some(State::Tight)) => Regime::TT,
            _ => Regime::Undefined,
        }
    }
    /// Short code: `LL`, `LT`, `TL`, `TT`, `Undefined`.
    pub fn code(self) -> &'static str {
        match self {
            Regime::LL => "LL",
            Regime::LT => "LT",
            Regime::TL => "TL",
            Regime::TT => "TT",
            Regime::Undefined => "Undefined",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Regime::LL => "宽货币宽信用",
            Regime::LT => "宽货币紧信用",
            Regime::TL => "紧货币宽信用",
            Regime::TT => "紧货币紧信用",
            Regime::Undefined => "未定义",
        }
    }
    /// Parse a code.
    pub fn parse(s: &str) -> Option<Regime> {
        Regime::ALL.iter().copied().find(|r| r.code() == s)
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The classification at one date, with the inputs that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegimeRow {
    /// Evaluation date t.
    pub date: NaiveDate,
    /// The regime.
    pub regime: Regime,
    /// Money state (None before enough history).
    pub money: Option<State>,
    /// Credit state.
    pub credit: Option<State>,
    /// Monthly yield level of t's month, percent.
    pub ybar: Option<f64>,
    /// Δy in percentage points (Delta rule), or `ybar − MA` (MaCross).
    pub dy: Option<f64>,
    /// Credit composite c_q (percent) on the basis used.
    pub c: Option<f64>,
    /// Δc in percentage points (Composite) or the deciding change (Both/Either).
    pub dc: Option<f64>,
    /// Month-end of the credit month used (q).
    pub q_used: Option<NaiveDate>,
    /// M2 YoY of q.
    pub m2: Option<f64>,
    /// TSF value of q on the basis used (stock YoY or proxy).
    pub tsf: Option<f64>,
    /// `tsf_stock_yoy`, `flow12_yoy proxy` or `m2 only`.
    pub credit_basis: &'static str,
    /// Latest `available_at` among the observations used.
    pub inputs_available_at: Option<NaiveDate>,
}

/// Calendar month-end of (y, m).
pub fn month_end(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid month") - chrono::Days::new(1)
}

fn month_key(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn key_to_month_end(k: i32) -> NaiveDate {
    month_end(k.div_euclid(12), (k.rem_euclid(12) + 1) as u32)
}

/// As-of view of a monthly series: month key → (value, available_at) of the latest
/// vintage with `available_at ≤ t`.
fn monthly_as_of(obs: &[Obs], t: NaiveDate) -> BTreeMap<i32, (f64, NaiveDate)> {
    let mut out: BTreeMap<i32, (f64, NaiveDate)> = BTreeMap::new();
    for o in obs {
        if o.available_at > t || !o.value.is_finite() {
            continue;
        }
        let k = month_key(o.period);
        match out.get(&k) {
            Some((_, a)) if *a > o.available_at => {}
            _ => {
                out.insert(k, (o.value, o.available_at));
            }
        }
    }
    out
}

/// Classify at each date of `dates` (ascending; normally month-ends). The hysteresis
/// state carries from one date to the next, each date reading only what was published
/// by then.
pub fn classify(inputs: &RegimeInputs, dates: &[NaiveDate], cfg: &RegimeConfig) -> Vec<RegimeRow> {
    let mut money: Option<State> = None;
    let mut credit: Option<State> = None;
    let mut ydaily: Vec<&Obs> = inputs
        .yield_daily
        .iter()
        .filter(|o| o.value.is_finite())
        .collect();
    ydaily.sort_by_key(|o| (o.period, o.available_at));
    let mut out = Vec::with_capacity(dates.len());
    for &t in dates {
        let mut avail: Option<NaiveDate> = None;
        let mut bump = |a: NaiveDate| avail = Some(avail.map_or(a, |b: NaiveDate| b.max(a)));
        // ---- money
        let mut months: BTreeMap<i32, (f64, usize, f64, NaiveDate)> = BTreeMap::new(); // sum, n, last, avail
        for o in ydaily
            .iter()
            .filter(|o| o.available_at <= t && o.period <= t)
        {
            let e = months
                .entry(month_key(o.period))
                .or_insert((0.0, 0, f64::NAN, o.available_at));
            e.0 += o.value;
            e.1 += 1;
            e.2 = o.value;
            e.3 = e.3.max(o.available_at);
        }
        let level = |k: i32| {
            months
                .get(&k)
                .map(|&(s, n, last, _)| match cfg.money_level {
                    MoneyLevel::MonthAvg => s / n as f64,
                    MoneyLevel::MonthEnd => last,
                })
        };
        let m = month_key(t);
        let ybar = level(m);
        let mut dy = None;
        if let Some(y) = ybar {
            bump(months[&m].3);
            match cfg.money_rule {
                MoneyRule::Delta => {
                    if let Some(y0) = level(m - cfg.k_m as i32) {
                        let d = y - y0;
                        dy = Some(d);
                        let tau = cfg.tau_m_bp / 100.0;
                        let verdict = if d < -tau {
                            Some(State::Loose)
                        } else if d > tau {
                            Some(State::Tight)
                        } else {
                            None
                        };
                        money = match (verdict, money) {
                            (Some(v), _) => Some(v),
                            (None, Some(prev)) => Some(prev),
                            (None, None) => {
                                let hist: Vec<f64> = (m - 11..=m).filter_map(level).collect();
                                let mean = hist.iter().sum::<f64>() / hist.len() as f64;
                                Some(if y < mean { State::Loose } else { State::Tight })
                            }
                        };
                    }
                }
                MoneyRule::MaCross => {
                    let n = cfg.ma_n.max(1) as i32;
                    let hist: Vec<f64> = (m - n + 1..=m).filter_map(level).collect();
                    if hist.len() == n as usize {
                        let ma = hist.iter().sum::<f64>() / n as f64;
                        dy = Some(y - ma);
                        money = Some(if y < ma { State::Loose } else { State::Tight });
                    }
                }
            }
        }
        // ---- credit
        let m2 = monthly_as_of(&inputs.m2_yoy, t);
        let tsf_stock = monthly_as_of(&inputs.tsf_stock_yoy, t);
        let flows = monthly_as_of(&inputs.tsf_flow, t);
        let flow12 = |k: i32| -> Option<f64> {
            let s = |a: i32| -> Option<f64> {
                (a - 11..=a)
                    .map(|i| flows.get(&i).map(|v| v.0))
                    .sum::<Option<f64>>()
            };
            let (now, before) = (s(k)?, s(k - 12)?);
            (before.abs() > 0.0).then(|| 100.0 * (now / before - 1.0))
        };
        // The basis: published stock YoY when it exists for the latest M2 month,
        // else the configured proxy.
        // Published stock YoY while it is still being published (its latest month no
        // more than two months behind M2's); otherwise the configured proxy.
        let last_m2 = m2.keys().next_back().copied();
        let use_stock = match (tsf_stock.keys().next_back(), last_m2) {
            (Some(&s), Some(k)) => s >= k - 2,
            (Some(_), None) => true,
            _ => false,
        };
        let basis: &'static str = if use_stock {
            "tsf_stock_yoy"
        } else {
            match cfg.tsf_proxy {
                TsfProxy::M2Only => "m2 only",
                TsfProxy::Flow12Yoy => "flow12_yoy proxy",
            }
        };
        let tsf_at = |k: i32| -> Option<f64> {
            if use_stock {
                tsf_stock.get(&k).map(|v| v.0)
            } else {
                match cfg.tsf_proxy {
                    TsfProxy::M2Only => m2.get(&k).map(|v| v.0),
                    TsfProxy::Flow12Yoy => flow12(k),
                }
            }
        };
        let c_at = |k: i32| -> Option<f64> {
            let a = m2.get(&k)?.0;
            let b = tsf_at(k)?;
            Some((a + b) / 2.0)
        };
        // q = latest month with both sides published
        let q = m2.keys().rev().copied().find(|&k| tsf_at(k).is_some());
        let (mut c, mut dc, mut m2q, mut tsfq) = (None, None, None, None);
        if let Some(q) = q {
            bump(m2[&q].1);
            if use_stock {
                bump(tsf_stock[&q].1);
            } else if cfg.tsf_proxy == TsfProxy::Flow12Yoy {
                bump(flows[&q].1);
            }
            c = c_at(q);
            m2q = m2.get(&q).map(|v| v.0);
            tsfq = tsf_at(q);
            let k = cfg.k_c as i32;
            let tau = cfg.tau_c_pp;
            let d_m2 = m2.get(&(q - k)).map(|v| m2q.unwrap() - v.0);
            let d_tsf = tsf_at(q - k).map(|v| tsfq.unwrap() - v);
            let d_c = c_at(q - k).map(|v| c.unwrap() - v);
            let decided: Option<(f64, Option<State>)> = match cfg.credit_rule {
                CreditRule::Composite => d_c.map(|d| {
                    (
                        d,
                        if d > tau {
                            Some(State::Loose)
                        } else if d < -tau {
                            Some(State::Tight)
                        } else {
                            None
                        },
                    )
                }),
                CreditRule::Both => match (d_m2, d_tsf) {
                    (Some(a), Some(b)) => Some((
                        // the change nearer zero is the one that decides
                        if a.abs() < b.abs() { a } else { b },
                        if a > tau && b > tau {
                            Some(State::Loose)
                        } else if a < -tau && b < -tau {
                            Some(State::Tight)
                        } else {
                            None
                        },
                    )),
                    _ => None,
                },
                CreditRule::Either => match (d_m2, d_tsf) {
                    (Some(a), Some(b)) => {
                        let mx = a.max(b);
                        Some((
                            mx,
                            if mx > tau {
                                Some(State::Loose)
                            } else if mx < -tau {
                                Some(State::Tight)
                            } else {
                                None
                            },
                        ))
                    }
                    _ => None,
                },
            };
            if let Some((d, verdict)) = decided {
                dc = Some(d);
                credit = match (verdict, credit) {
                    (Some(v), _) => Some(v),
                    (None, Some(prev)) => Some(prev),
                    (None, None) => {
                        let hist: Vec<f64> = (q - 11..=q).filter_map(c_at).collect();
                        let mean = hist.iter().sum::<f64>() / hist.len() as f64;
                        Some(if c.unwrap() > mean {
                            State::Loose
                        } else {
                            State::Tight
                        })
                    }
                };
            }
        }
        out.push(RegimeRow {
            date: t,
            regime: Regime::of(money, credit),
            money,
            credit,
            ybar,
            dy,
            c,
            dc,
            q_used: q.map(key_to_month_end),
            m2: m2q,
            tsf: tsfq,
            credit_basis: basis,
            inputs_available_at: avail,
        });
    }
    out
}
