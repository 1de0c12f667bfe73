//! Macro equity timing (`[strategy] kind = "macro_timing"`, SPEC §8): dynamic macro
//! event factors decide each month how much of the equity index to hold.
//!
//! Each indicator (a point-in-time monthly macro series, or the difference of two) is
//! turned into 90 candidate event factors ([`events`]); at each month-end the candidate
//! with the best volatility-adjusted equity return while bullish over the last `window`
//! months (at least `min_window` months of returns, `n_on ≥ min_on`, win rate ≥
//! `min_win`) is chosen and its state today is the indicator's signal (1 bullish, 0
//! otherwise; no admissible candidate → 0). The growth and liquidity dimensions are the
//! shares of their bullish indicators, `G` and `L`, and the position is
//!
//! * `rule = "revised"` (default; seed G's 2025 outlook): 1 when `max(G, L) > threshold`
//!   (0.30, strict), else 0;
//! * `rule = "mean"` (the original model): `(G + L) / 2`.
//!
//! A dimension without a ready indicator is left out (the other alone decides); with
//! neither, the position is 0 (warm-up). The position is decided at the month-end close
//! and applied from the next day (the engine's execution rule); the rest of the portfolio
//! is cash (0 %) or `portfolio.defensive` (a money-market proxy).
//!
//! **Point in time.** An indicator's state at a past month-end s is computed from the
//! observations known at s (`available_at ≤ s`), once, and kept; the equity returns of
//! the window are those realised by t.
//!
//! **Equity.** The first of `timing.equity` with prices at t: Wind All A (881001.WI),
//! else CSI All Share (000985.SH); the run's notes say which.
//!
//! Outputs: `positions.csv` (date, equity, growth, liquidity, position) and
//! `signals.csv` (date, indicator, dimension, chosen candidate, its window statistics,
//! signal) — every choice per indicator and month.
//!
//! ```toml
//! [strategy]
//! kind = "macro_timing"
//! [timing]
//! rule = "revised"
//! [[timing.indicator]]
//! name = "M1 YoY"
//! series = "cn.m1_yoy"
//! dimension = "growth"
//! ```

pub mod events;
pub mod series;

use chrono::NaiveDate;
use events::{candidates, choose, month_of, states_at_last, ChoiceRules};
use rotor_core::frame::{Column, Frame};
use rotor_data::view::{AsOf, Field, MacroObs};
use rotor_engine::config::{EngineConfig, StrategyFile};
use rotor_engine::note::{Note, NoteKind};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Step, Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};
use series::{indicator_known, Expr};
use std::collections::BTreeMap;

/// Which dimension an indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Economic growth (economy, inflation, credit).
    Growth,
    /// Monetary liquidity.
    Liquidity,
}

/// The position rule (SPEC §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PositionRule {
    /// 1 when max(G, L) > threshold (strict), else 0.
    #[default]
    Revised,
    /// (G + L) / 2.
    Mean,
}

/// One indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    /// Display name.
    pub name: String,
    /// A series id or `a - b`.
    pub series: String,
    /// Its dimension.
    pub dimension: Dimension,
}

fn ind(name: &str, series: &str, dimension: Dimension) -> IndicatorConfig {
    IndicatorConfig {
        name: name.into(),
        series: series.into(),
        dimension,
    }
}

/// The default indicators: those of SPEC §8 the real bundle holds.
pub fn default_indicators() -> Vec<IndicatorConfig> {
    use Dimension::{Growth, Liquidity};
    vec![
        ind("M1 YoY", "cn.m1_yoy", Growth),
        ind("PPI YoY", "cn.ppi_yoy", Growth),
        ind("PPI − CPI", "cn.ppi_yoy - cn.cpi_yoy", Growth),
        ind("industrial production YoY", "CN_IP_YOY", Growth),
        // 10Y − 1M in SPEC §8; no 1M rate runs past 2022-06 in the data: 30Y − 10Y
        ind(
            "CGB term spread 30Y − 10Y",
            "cn.cgb_30y - cn.cgb_10y",
            Growth,
        ),
        ind("M1 − M2", "cn.m1_yoy - cn.m2_yoy", Liquidity),
        ind("China − US 10Y", "cn.cgb_10y - us.dgs10", Liquidity),
        ind("US 10Y", "us.dgs10", Liquidity),
    ]
}

/// `[timing]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimingConfig {
    /// Equity indices, the first with prices at t is held.
    pub equity: Vec<String>,
    /// Position rule.
    pub rule: PositionRule,
    /// Revised rule's threshold on max(G, L) (strict).
    pub threshold: f64,
    /// Evaluation window in months.
    pub window: usize,
    /// Fewest months of returns in the window.
    pub min_window: usize,
    /// Fewest bullish months of a candidate.
    pub min_on: usize,
    /// Lowest win rate of a candidate.
    pub min_win: f64,
    /// The indicators.
    #[serde(rename = "indicator")]
    pub indicators: Vec<IndicatorConfig>,
}

impl Default for TimingConfig {
    fn default() -> Self {
        TimingConfig {
            equity: vec!["881001.WI".into(), "000985.SH".into()],
            rule: PositionRule::Revised,
            threshold: 0.30,
            window: 120,
            min_window: 60,
            min_on: 12,
            min_win: 0.5,
            indicators: default_indicators(),
        }
    }
}

/// The strategy's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TimingParams {
    /// `[timing]`.
    pub timing: TimingConfig,
}

/// Registry parser.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let p: TimingParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    Ok(Box::new(p))
}

/// The example on the synthetic market (the sim holds every default indicator).
pub const EXAMPLE: &str =
    "[universe]\ncodes = [\"881001.WI\"]\n[timing]\nwindow = 48\nmin_window = 24\nmin_on = 6\n";

/// The position of SPEC §8.2 from the dimension strengths (None = no ready indicator).
pub fn position(g: Option<f64>, l: Option<f64>, rule: PositionRule, threshold: f64) -> Option<f64> {
    let present: Vec<f64> = [g, l].into_iter().flatten().collect();
    if present.is_empty() {
        return None;
    }
    Some(match rule {
        PositionRule::Revised => {
            if present.iter().any(|x| *x > threshold) {
                1.0
            } else {
                0.0
            }
        }
        PositionRule::Mean => present.iter().sum::<f64>() / present.len() as f64,
    })
}

impl StrategyParams for TimingParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        let mut ids: Vec<String> = self
            .timing
            .indicators
            .iter()
            .filter_map(|i| Expr::parse(&i.series).ok())
            .flat_map(|e| e.ids())
            .collect();
        ids.sort();
        ids.dedup();
        DataNeeds {
            macro_series: ids,
            extra_codes: self.timing.equity.clone(),
            ..Default::default()
        }
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        let t = &self.timing;
        if t.equity.is_empty() {
            return Err("timing.equity is empty: name the equity index, e.g. [\"881001.WI\", \"000985.SH\"]".into());
        }
        if t.indicators.is_empty() {
            return Err("timing.indicator: none; add [[timing.indicator]] tables".into());
        }
        for i in &t.indicators {
            Expr::parse(&i.series)
                .map_err(|e| format!("timing.indicator `{}`: series {e}", i.name))?;
        }
        if !(t.threshold.is_finite() && (0.0..1.0).contains(&t.threshold)) {
            return Err(format!(
                "timing.threshold = {}: expected a share in [0, 1)",
                t.threshold
            ));
        }
        if t.window < 12 || t.min_window > t.window || t.min_window < 12 {
            return Err(format!(
                "timing.window = {}, min_window = {}: expected 12 ≤ min_window ≤ window",
                t.window, t.min_window
            ));
        }
        if t.min_on < 2 || !(t.min_win.is_finite() && (0.0..=1.0).contains(&t.min_win)) {
            return Err(format!(
                "timing.min_on = {}, min_win = {}: expected min_on ≥ 2 and min_win in [0, 1]",
                t.min_on, t.min_win
            ));
        }
        Ok(())
    }

    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        let exprs = self
            .timing
            .indicators
            .iter()
            .map(|i| Expr::parse(&i.series).expect("validated"))
            .collect();
        Box::new(Timing {
            p: self.timing.clone(),
            price: ctx.price,
            exprs,
            cache: vec![BTreeMap::new(); self.timing.indicators.len()],
            positions: Vec::new(),
            signals: Vec::new(),
            equities: BTreeMap::new(),
            missing: BTreeMap::new(),
        })
    }
}

/// One month's position.
struct PositionRow {
    date: NaiveDate,
    equity: String,
    growth: f64,
    liquidity: f64,
    position: f64,
}

/// One indicator's choice at one month-end.
struct SignalRow {
    date: NaiveDate,
    indicator: usize,
    candidate: Option<usize>,
    n_on: f64,
    win: f64,
    var: f64,
    signal: f64,
}

struct Timing {
    p: TimingConfig,
    price: Field,
    exprs: Vec<Expr>,
    /// Per indicator: month → candidate states as known at that month's end.
    cache: Vec<BTreeMap<i32, Vec<Option<bool>>>>,
    positions: Vec<PositionRow>,
    signals: Vec<SignalRow>,
    /// Equity used → months.
    equities: BTreeMap<String, usize>,
    /// Indicator → why it was not ready, and how often.
    missing: BTreeMap<(usize, &'static str), usize>,
}

/// The last trading day of each month, by month number, up to t.
fn month_ends(days: &[NaiveDate]) -> BTreeMap<i32, NaiveDate> {
    let mut m = BTreeMap::new();
    for d in days {
        m.insert(month_of(*d), *d);
    }
    m
}

/// Month-end closes of `code` up to t, by month number.
fn monthly_closes(at: &AsOf<'_>, field: Field, code: &str) -> BTreeMap<i32, f64> {
    let mut out = BTreeMap::new();
    let (Some(col), dates) = (at.column(field, code), at.field_dates(field)) else {
        return out;
    };
    for (d, v) in dates.iter().zip(col.iter()) {
        if v.is_finite() {
            out.insert(month_of(*d), *v);
        }
    }
    out
}

impl Timing {
    /// The first equity with prices at t.
    fn equity(&self, at: &AsOf<'_>) -> Option<String> {
        self.p
            .equity
            .iter()
            .find(|c| at.latest(self.price, c, Some(5)).is_some())
            .cloned()
    }

    /// Indicator k's signal at month `mt` with the equity's monthly returns `rets`.
    fn indicator_signal(
        &mut self,
        at: &AsOf<'_>,
        k: usize,
        mt: i32,
        ends: &BTreeMap<i32, NaiveDate>,
        rets: &BTreeMap<i32, f64>,
    ) -> Option<SignalRow> {
        let ids = self.exprs[k].ids();
        let obs: BTreeMap<String, Vec<MacroObs>> = ids
            .iter()
            .map(|id| (id.clone(), at.macro_series(id)))
            .collect();
        if obs.values().any(Vec::is_empty) {
            *self.missing.entry((k, "no data")).or_default() += 1;
            return None;
        }
        let get = |id: &str| obs.get(id).cloned().unwrap_or_default();
        let lo = mt - self.p.window as i32;
        for (&m, &cut) in ends.range(lo..=mt) {
            if !self.cache[k].contains_key(&m) {
                let x = indicator_known(&self.exprs[k], &get, cut);
                self.cache[k].insert(m, states_at_last(&x));
            }
        }
        let window: Vec<i32> = (lo..mt)
            .filter(|m| rets.get(m).is_some_and(|r| r.is_finite()))
            .collect();
        if window.len() < self.p.min_window {
            *self.missing.entry((k, "window")).or_default() += 1;
            return None;
        }
        let states: Vec<&[Option<bool>]> = window
            .iter()
            .map(|m| self.cache[k].get(m).map_or(&[][..], |v| v.as_slice()))
            .collect();
        if states.iter().any(|s| s.is_empty()) {
            *self.missing.entry((k, "window")).or_default() += 1;
            return None;
        }
        let r: Vec<f64> = window.iter().map(|m| rets[m]).collect();
        let rules = ChoiceRules {
            min_on: self.p.min_on,
            min_win: self.p.min_win,
        };
        let choice = choose(&states, &r, rules);
        let now = self.cache[k].get(&mt);
        let signal = match (choice, now) {
            (Some(c), Some(s)) if s[c.index] == Some(true) => 1.0,
            _ => 0.0,
        };
        Some(SignalRow {
            date: at.date(),
            indicator: k,
            candidate: choice.map(|c| c.index),
            n_on: choice.map_or(f64::NAN, |c| c.n_on as f64),
            win: choice.map_or(f64::NAN, |c| c.win),
            var: choice.map_or(f64::NAN, |c| c.var),
            signal,
        })
    }
}

/// The label of a position.
fn label_of(pos: Option<f64>) -> &'static str {
    match pos {
        None => "warmup",
        Some(p) if p >= 1.0 => "on",
        Some(p) if p <= 0.0 => "off",
        Some(_) => "part",
    }
}

impl Strategy for Timing {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let Some(equity) = self.equity(at) else {
            return Ok(Step::default());
        };
        *self.equities.entry(equity.clone()).or_default() += 1;
        let mt = month_of(at.date());
        let ends = month_ends(at.days());
        let closes = monthly_closes(at, self.price, &equity);
        let rets: BTreeMap<i32, f64> = closes
            .iter()
            .filter_map(|(m, c)| Some((*m, closes.get(&(m + 1))? / c - 1.0)))
            .collect();
        let mut sig: Vec<(Dimension, f64)> = Vec::new();
        for k in 0..self.exprs.len() {
            if let Some(row) = self.indicator_signal(at, k, mt, &ends, &rets) {
                sig.push((self.p.indicators[k].dimension, row.signal));
                self.signals.push(row);
            }
        }
        let strength = |d: Dimension| {
            let v: Vec<f64> = sig.iter().filter(|s| s.0 == d).map(|s| s.1).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let (g, l) = (strength(Dimension::Growth), strength(Dimension::Liquidity));
        let pos = position(g, l, self.p.rule, self.p.threshold);
        self.positions.push(PositionRow {
            date: at.date(),
            equity: equity.clone(),
            growth: g.unwrap_or(f64::NAN),
            liquidity: l.unwrap_or(f64::NAN),
            position: pos.unwrap_or(0.0),
        });
        let mut trace = vec![
            g.unwrap_or(f64::NAN),
            l.unwrap_or(f64::NAN),
            pos.unwrap_or(0.0),
        ];
        trace.extend(sig.iter().map(|s| s.1));
        Ok(Step {
            decision: Decision::Position {
                asset: equity,
                weight: pos.unwrap_or(0.0),
            },
            label: Some(label_of(pos).into()),
            trace,
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        let mut d = Diagnostics {
            frames: vec![self.positions_frame(), self.signals_frame()],
            label_title: Some("仓位".into()),
            ..Default::default()
        };
        for (code, name) in [
            ("on", "满仓"),
            ("off", "空仓"),
            ("part", "部分仓位"),
            ("warmup", "预热期"),
        ] {
            d.label_names.insert(code.into(), name.into());
        }
        for (e, n) in &self.equities {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!("timing: equity {e} held in {n} month(s)"),
            ));
        }
        if self.equities.len() > 1 || self.equities.keys().next() != self.p.equity.first() {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "timing: {} has no prices for part of the run; the next of timing.equity was used",
                    self.p.equity[0]
                ),
            ));
        }
        for ((k, why), n) in &self.missing {
            let name = &self.p.indicators[*k].name;
            let text = match *why {
                "no data" => format!(
                    "timing: indicator `{name}` ({}) has no data in {n} month(s): left out of its dimension",
                    self.p.indicators[*k].series
                ),
                _ => format!(
                    "timing: indicator `{name}` not ready in {n} month(s) (fewer than {} months of history)",
                    self.p.min_window
                ),
            };
            d.notes.push(Note::new(NoteKind::Data, text));
        }
        d.notes.push(Note::new(
            NoteKind::Data,
            format!(
                "timing: rule {}; the rest of the position earns cash (0 %) unless portfolio.defensive names an asset",
                match self.p.rule {
                    PositionRule::Revised => format!("revised (1 when max(G, L) > {})", self.p.threshold),
                    PositionRule::Mean => "mean ((G + L) / 2)".to_string(),
                }
            ),
        ));
        if let Some(last) = self.positions.last() {
            d.reco.text.push(format!(
                "{}: position {:.0} % in {} (growth {}, liquidity {})",
                last.date,
                100.0 * last.position,
                last.equity,
                pct(last.growth),
                pct(last.liquidity)
            ));
            let cands = candidates();
            for s in self.signals.iter().filter(|s| s.date == last.date) {
                let i = &self.p.indicators[s.indicator];
                d.reco.text.push(format!(
                    "  {} [{}]: {} — {}",
                    i.name,
                    match i.dimension {
                        Dimension::Growth => "growth",
                        Dimension::Liquidity => "liquidity",
                    },
                    if s.signal > 0.0 { "bullish" } else { "bearish" },
                    s.candidate
                        .map_or("no admissible candidate".to_string(), |c| format!(
                            "{} (win {:.0} %, {} months on)",
                            cands[c].describe(),
                            100.0 * s.win,
                            s.n_on
                        ))
                ));
            }
        }
        d
    }
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0} %", 100.0 * x)
    } else {
        "—".into()
    }
}

impl Timing {
    fn positions_frame(&self) -> Frame {
        let r = &self.positions;
        let mut f = Frame::new("positions");
        f.push(
            "date",
            Column::Date(r.iter().map(|x| Some(x.date)).collect()),
        );
        f.push(
            "equity",
            Column::Text(r.iter().map(|x| x.equity.clone()).collect()),
        );
        f.push("growth", Column::Num(r.iter().map(|x| x.growth).collect()));
        f.push(
            "liquidity",
            Column::Num(r.iter().map(|x| x.liquidity).collect()),
        );
        f.push(
            "position",
            Column::Num(r.iter().map(|x| x.position).collect()),
        );
        f
    }

    fn signals_frame(&self) -> Frame {
        let cands = candidates();
        let r = &self.signals;
        let c = |x: &SignalRow| x.candidate.map(|i| cands[i]);
        let mut f = Frame::new("signals");
        f.push(
            "date",
            Column::Date(r.iter().map(|x| Some(x.date)).collect()),
        );
        f.push(
            "indicator",
            Column::Text(
                r.iter()
                    .map(|x| self.p.indicators[x.indicator].name.clone())
                    .collect(),
            ),
        );
        f.push(
            "dimension",
            Column::Text(
                r.iter()
                    .map(|x| match self.p.indicators[x.indicator].dimension {
                        Dimension::Growth => "growth".to_string(),
                        Dimension::Liquidity => "liquidity".to_string(),
                    })
                    .collect(),
            ),
        );
        f.push(
            "transform",
            Column::Text(
                r.iter()
                    .map(|x| c(x).map_or(String::new(), |c| c.transform.name().into()))
                    .collect(),
            ),
        );
        f.push(
            "rule",
            Column::Text(
                r.iter()
                    .map(|x| c(x).map_or(String::new(), |c| c.rule.name()))
                    .collect(),
            ),
        );
        f.push(
            "polarity",
            Column::Text(
                r.iter()
                    .map(|x| {
                        c(x).map_or(String::new(), |c| {
                            if c.positive {
                                "+".into()
                            } else {
                                "-".into()
                            }
                        })
                    })
                    .collect(),
            ),
        );
        f.push("n_on", Column::Num(r.iter().map(|x| x.n_on).collect()));
        f.push("win", Column::Num(r.iter().map(|x| x.win).collect()));
        f.push("var", Column::Num(r.iter().map(|x| x.var).collect()));
        f.push("signal", Column::Num(r.iter().map(|x| x.signal).collect()));
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_8_2_position_goldens() {
        let m = PositionRule::Mean;
        assert_eq!(position(Some(1.0), Some(0.5), m, 0.3), Some(0.75));
        assert_eq!(position(Some(1.0), Some(0.0), m, 0.3), Some(0.5));
        let r = PositionRule::Revised;
        assert_eq!(
            position(Some(0.25), Some(0.30), r, 0.30),
            Some(0.0),
            "strict >"
        );
        assert_eq!(position(Some(1.0 / 3.0), Some(0.0), r, 0.30), Some(1.0));
        assert_eq!(position(Some(0.0), Some(0.0), r, 0.30), Some(0.0));
        // a dimension without a ready indicator is left out; neither: warm-up
        assert_eq!(position(None, Some(0.5), m, 0.3), Some(0.5));
        assert_eq!(position(None, None, r, 0.3), None);
    }

    #[test]
    fn month_numbers_and_default_indicators_parse() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 29).unwrap();
        assert_eq!(month_of(d), 2024 * 12 + 2);
        assert_eq!(chrono::Datelike::month(&d), 3);
        for i in default_indicators() {
            Expr::parse(&i.series).unwrap();
        }
    }
}
