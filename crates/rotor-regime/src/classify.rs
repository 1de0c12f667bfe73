//! The classifier itself; see the crate docs for the rules.

use chrono::NaiveDate;
use rotor_core::dates::{month_key, month_key_end};
use rotor_data::view::{macro_as_of, AsOf, MacroObs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One observation of a series (see [`rotor_data::view::MacroObs`]).
pub type Obs = MacroObs;

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

impl RegimeInputs {
    /// The inputs as known at `t`, by the point-in-time rule of
    /// [`rotor_data::view::macro_as_of`] (per period the latest vintage published by t).
    pub fn as_of(&self, t: NaiveDate) -> RegimeInputs {
        RegimeInputs {
            yield_daily: macro_as_of(&self.yield_daily, t),
            m2_yoy: macro_as_of(&self.m2_yoy, t),
            tsf_stock_yoy: macro_as_of(&self.tsf_stock_yoy, t),
            tsf_flow: macro_as_of(&self.tsf_flow, t),
        }
    }

    /// The inputs read through a point-in-time view.
    pub fn from_view(at: &AsOf<'_>, ids: &RegimeSeries) -> RegimeInputs {
        RegimeInputs {
            yield_daily: at.macro_series(&ids.yield_10y),
            m2_yoy: at.macro_series(&ids.m2_yoy),
            tsf_stock_yoy: at.macro_series(&ids.tsf_stock_yoy),
            tsf_flow: at.macro_series(&ids.tsf_flow),
        }
    }
}

/// Series ids of the regime inputs in the `macro` dataset (the `[macro]` section of a
/// strategy file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegimeSeries {
    /// Daily 10Y government bond yield.
    pub yield_10y: String,
    /// M2 YoY.
    pub m2_yoy: String,
    /// TSF-stock YoY (may be absent from the store).
    pub tsf_stock_yoy: String,
    /// Monthly TSF flows (for the proxy).
    pub tsf_flow: String,
}

impl Default for RegimeSeries {
    fn default() -> Self {
        RegimeSeries {
            yield_10y: "cn.cgb_10y".into(),
            m2_yoy: "cn.m2_yoy".into(),
            tsf_stock_yoy: "cn.tsf_stock_yoy".into(),
            tsf_flow: "cn.tsf_flow".into(),
        }
    }
}

impl RegimeSeries {
    /// The four ids.
    pub fn ids(&self) -> Vec<String> {
        vec![
            self.yield_10y.clone(),
            self.m2_yoy.clone(),
            self.tsf_stock_yoy.clone(),
            self.tsf_flow.clone(),
        ]
    }
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
    /// What the TSF side of credit was: the published stock YoY or a proxy.
    pub credit_basis: CreditBasis,
    /// Latest `available_at` among the observations used.
    pub inputs_available_at: Option<NaiveDate>,
}

/// What the TSF side of the credit composite was at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CreditBasis {
    /// The published TSF-stock YoY.
    #[serde(rename = "tsf_stock_yoy")]
    TsfStockYoy,
    /// The YoY of the 12-month sum of TSF flows ([`TsfProxy::Flow12Yoy`]).
    #[serde(rename = "flow12_yoy proxy")]
    Flow12Proxy,
    /// M2 alone ([`TsfProxy::M2Only`]).
    #[serde(rename = "m2 only")]
    M2Only,
}

impl CreditBasis {
    /// Label written in tables.
    pub fn label(self) -> &'static str {
        match self {
            CreditBasis::TsfStockYoy => "tsf_stock_yoy",
            CreditBasis::Flow12Proxy => "flow12_yoy proxy",
            CreditBasis::M2Only => "m2 only",
        }
    }
}

impl fmt::Display for CreditBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Calendar month-end of (y, m).
pub fn month_end(y: i32, m: u32) -> NaiveDate {
    rotor_core::dates::last_day_of_month(y, m)
}

/// A monthly series by month key: (value, available_at). Inputs are as known at t
/// already (one vintage per period); of two periods in one month the later-published
/// one stands.
fn monthly(obs: &[Obs]) -> BTreeMap<i32, (f64, NaiveDate)> {
    let mut out: BTreeMap<i32, (f64, NaiveDate)> = BTreeMap::new();
    for o in obs.iter().filter(|o| o.value.is_finite()) {
        match out.get(&month_key(o.period)) {
            Some((_, a)) if *a > o.available_at => {}
            _ => {
                out.insert(month_key(o.period), (o.value, o.available_at));
            }
        }
    }
    out
}

/// The latest `available_at` among the observations used at a date.
#[derive(Default)]
struct Latest(Option<NaiveDate>);

impl Latest {
    fn bump(&mut self, a: NaiveDate) {
        self.0 = Some(self.0.map_or(a, |b| b.max(a)));
    }
}

/// A verdict of a band rule: loose below −τ / above τ (per `loose_when_up`), else none.
fn band(d: f64, tau: f64, loose_when_up: bool) -> Option<State> {
    let (up, down) = if loose_when_up {
        (State::Loose, State::Tight)
    } else {
        (State::Tight, State::Loose)
    };
    if d > tau {
        Some(up)
    } else if d < -tau {
        Some(down)
    } else {
        None
    }
}

/// The money side at t: `(ybar, dy)`, updating the state.
struct MoneyOut {
    ybar: Option<f64>,
    dy: Option<f64>,
}

/// The credit side at t.
#[derive(Default)]
struct CreditOut {
    c: Option<f64>,
    dc: Option<f64>,
    q: Option<i32>,
    m2: Option<f64>,
    tsf: Option<f64>,
}

/// The classifier, stepped through the signal dates in order: the hysteresis state
/// carries from one date to the next; each step reads only the inputs it is given,
/// which must be as known at that date (see [`RegimeInputs::as_of`] and
/// [`RegimeInputs::from_view`]).
#[derive(Debug, Clone)]
pub struct Classifier {
    cfg: RegimeConfig,
    money: Option<State>,
    credit: Option<State>,
}

impl Classifier {
    /// A classifier with no state yet.
    pub fn new(cfg: RegimeConfig) -> Self {
        Classifier {
            cfg,
            money: None,
            credit: None,
        }
    }

    /// Classify at `t` from `known`, the inputs as known at `t`.
    pub fn step(&mut self, t: NaiveDate, known: &RegimeInputs) -> RegimeRow {
        let mut latest = Latest::default();
        let money = self.money_step(t, &known.yield_daily, &mut latest);
        let (basis, credit) = self.credit_step(known, &mut latest);
        RegimeRow {
            date: t,
            regime: Regime::of(self.money, self.credit),
            money: self.money,
            credit: self.credit,
            ybar: money.ybar,
            dy: money.dy,
            c: credit.c,
            dc: credit.dc,
            q_used: credit.q.map(month_key_end),
            m2: credit.m2,
            tsf: credit.tsf,
            credit_basis: basis,
            inputs_available_at: latest.0,
        }
    }

    /// SPEC §1.1 from the daily yields of periods ≤ t.
    fn money_step(&mut self, t: NaiveDate, yields: &[Obs], latest: &mut Latest) -> MoneyOut {
        let cfg = &self.cfg;
        // month key -> (sum, n, last, latest available_at)
        let mut months: BTreeMap<i32, (f64, usize, f64, NaiveDate)> = BTreeMap::new();
        for o in yields
            .iter()
            .filter(|o| o.period <= t && o.value.is_finite())
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
        let Some(y) = ybar else {
            return MoneyOut { ybar, dy };
        };
        latest.bump(months[&m].3);
        match cfg.money_rule {
            MoneyRule::Delta => {
                if let Some(y0) = level(m - cfg.k_m as i32) {
                    let d = y - y0;
                    dy = Some(d);
                    self.money = match (band(d, cfg.tau_m_bp / 100.0, false), self.money) {
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
                    self.money = Some(if y < ma { State::Loose } else { State::Tight });
                }
            }
        }
        MoneyOut { ybar, dy }
    }

    /// SPEC §1.2 from the monthly M2, TSF-stock YoY and flows known at t.
    fn credit_step(
        &mut self,
        known: &RegimeInputs,
        latest: &mut Latest,
    ) -> (CreditBasis, CreditOut) {
        let cfg = self.cfg.clone();
        let m2 = monthly(&known.m2_yoy);
        let tsf_stock = monthly(&known.tsf_stock_yoy);
        let flows = monthly(&known.tsf_flow);
        let flow12 = |k: i32| -> Option<f64> {
            let s = |a: i32| -> Option<f64> {
                (a - 11..=a)
                    .map(|i| flows.get(&i).map(|v| v.0))
                    .sum::<Option<f64>>()
            };
            let (now, before) = (s(k)?, s(k - 12)?);
            (before.abs() > 0.0).then(|| 100.0 * (now / before - 1.0))
        };
        // Published stock YoY while it is still being published (its latest month no
        // more than two months behind M2's); otherwise the configured proxy.
        let last_m2 = m2.keys().next_back().copied();
        let use_stock = match (tsf_stock.keys().next_back(), last_m2) {
            (Some(&s), Some(k)) => s >= k - 2,
            (Some(_), None) => true,
            _ => false,
        };
        let basis = match (use_stock, cfg.tsf_proxy) {
            (true, _) => CreditBasis::TsfStockYoy,
            (false, TsfProxy::M2Only) => CreditBasis::M2Only,
            (false, TsfProxy::Flow12Yoy) => CreditBasis::Flow12Proxy,
        };
        let tsf_at = |k: i32| -> Option<f64> {
            match basis {
                CreditBasis::TsfStockYoy => tsf_stock.get(&k).map(|v| v.0),
                CreditBasis::M2Only => m2.get(&k).map(|v| v.0),
                CreditBasis::Flow12Proxy => flow12(k),
            }
        };
        let c_at = |k: i32| -> Option<f64> { Some((m2.get(&k)?.0 + tsf_at(k)?) / 2.0) };
        // q = latest month with both sides published
        let Some(q) = m2.keys().rev().copied().find(|&k| tsf_at(k).is_some()) else {
            return (basis, CreditOut::default());
        };
        latest.bump(m2[&q].1);
        match basis {
            CreditBasis::TsfStockYoy => latest.bump(tsf_stock[&q].1),
            CreditBasis::Flow12Proxy => latest.bump(flows[&q].1),
            CreditBasis::M2Only => {}
        }
        let out = CreditOut {
            c: c_at(q),
            dc: None,
            q: Some(q),
            m2: m2.get(&q).map(|v| v.0),
            tsf: tsf_at(q),
        };
        let k = cfg.k_c as i32;
        let tau = cfg.tau_c_pp;
        let d_m2 = m2.get(&(q - k)).map(|v| out.m2.unwrap() - v.0);
        let d_tsf = tsf_at(q - k).map(|v| out.tsf.unwrap() - v);
        let d_c = c_at(q - k).map(|v| out.c.unwrap() - v);
        let decided: Option<(f64, Option<State>)> = match cfg.credit_rule {
            CreditRule::Composite => d_c.map(|d| (d, band(d, tau, true))),
            CreditRule::Both => match (d_m2, d_tsf) {
                (Some(a), Some(b)) => Some((
                    // the change nearer zero is the one that decides
                    if a.abs() < b.abs() { a } else { b },
                    match (band(a, tau, true), band(b, tau, true)) {
                        (Some(x), Some(y)) if x == y => Some(x),
                        _ => None,
                    },
                )),
                _ => None,
            },
            CreditRule::Either => match (d_m2, d_tsf) {
                (Some(a), Some(b)) => Some((a.max(b), band(a.max(b), tau, true))),
                _ => None,
            },
        };
        let Some((d, verdict)) = decided else {
            return (basis, out);
        };
        self.credit = match (verdict, self.credit) {
            (Some(v), _) => Some(v),
            (None, Some(prev)) => Some(prev),
            (None, None) => {
                let hist: Vec<f64> = (q - 11..=q).filter_map(c_at).collect();
                let mean = hist.iter().sum::<f64>() / hist.len() as f64;
                Some(if out.c.unwrap() > mean {
                    State::Loose
                } else {
                    State::Tight
                })
            }
        };
        (basis, CreditOut { dc: Some(d), ..out })
    }
}

/// Classify at each date of `dates` (ascending; normally month-ends) from full
/// observation histories: each date reads [`RegimeInputs::as_of`] that date.
pub fn classify(inputs: &RegimeInputs, dates: &[NaiveDate], cfg: &RegimeConfig) -> Vec<RegimeRow> {
    let mut c = Classifier::new(cfg.clone());
    dates.iter().map(|&t| c.step(t, &inputs.as_of(t))).collect()
}

impl RegimeConfig {
    /// The classification rules in force, in Chinese, read off the config (the
    /// formulas are in the crate docs) — what reports state instead of a fixed text.
    pub fn rules_zh(&self) -> String {
        let c = self;
        let level = match c.money_level {
            MoneyLevel::MonthAvg => "月均值",
            MoneyLevel::MonthEnd => "月末值",
        };
        let money = match c.money_rule {
            MoneyRule::Delta => format!(
                "货币：10 年期国债收益率{level}较 {} 个月前下行超过 {} bp 为宽、上行超过 {} bp 为紧，其间维持前一状态",
                c.k_m, c.tau_m_bp, c.tau_m_bp
            ),
            MoneyRule::MaCross => format!(
                "货币：10 年期国债收益率{level}低于其 {} 个月均线为宽，否则为紧",
                c.ma_n
            ),
        };
        let tau = c.tau_c_pp;
        let credit = match c.credit_rule {
            CreditRule::Composite => format!(
                "信用：M2 同比与社融存量同比的均值较 {} 个月前上行超过 {tau} pp 为宽、下行超过 {tau} pp 为紧，其间维持",
                c.k_c
            ),
            CreditRule::Both => format!(
                "信用：M2 同比与社融存量同比较 {} 个月前均上行超过 {tau} pp 为宽、均下行超过 {tau} pp 为紧，其间维持",
                c.k_c
            ),
            CreditRule::Either => format!(
                "信用：M2 同比与社融存量同比较 {} 个月前变化的较大者超过 {tau} pp 为宽、低于 −{tau} pp 为紧，其间维持",
                c.k_c
            ),
        };
        let proxy = match c.tsf_proxy {
            TsfProxy::M2Only => "社融存量同比缺失时仅用 M2 同比",
            TsfProxy::Flow12Yoy => "社融存量同比缺失时以社融 12 个月滚动和的同比代替",
        };
        format!("{money}；{credit}（{proxy}，见“信用口径”列）。阴影为每个信号日判定的环境，覆盖至下一信号日。")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_rules_follow_the_config() {
        let d = RegimeConfig::default().rules_zh();
        assert!(d.contains("月均值较 12 个月前下行超过 5 bp"), "{d}");
        assert!(d.contains("均值较 3 个月前上行超过 0.1 pp"), "{d}");
        assert!(d.contains("仅用 M2 同比"), "{d}");
        let c = RegimeConfig {
            money_rule: MoneyRule::MaCross,
            ma_n: 6,
            money_level: MoneyLevel::MonthEnd,
            credit_rule: CreditRule::Both,
            tsf_proxy: TsfProxy::Flow12Yoy,
            ..Default::default()
        };
        let d = c.rules_zh();
        assert!(d.contains("月末值低于其 6 个月均线"), "{d}");
        assert!(d.contains("均上行超过"), "{d}");
        assert!(d.contains("12 个月滚动和"), "{d}");
    }
}
