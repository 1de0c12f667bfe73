//! Style rotation (`[strategy] kind = "style_rotation"`, SPEC §9): size (small vs large)
//! or growth vs value, called each month from money and rate signals.
//!
//! **Pairs.** `pair = "size"`: A = small caps — the first of `style.small` with prices at
//! t (CSI 2000 932000, CSI 1000 000852 before CSI 2000's history) — against B = large
//! caps (CSI 300). `pair = "growth_value"`: A = CNI Growth 399370, B = CNI Value 399371.
//!
//! **Signals** (monthly, on the series as known at t; q = the last month known; 3-month
//! windows, `style.window`):
//!
//! | pair | signal | +1 (A) when |
//! |---|---|---|
//! | size | `sig_M1` | M1 YoY rose: `M1_q − M1_{q−3} > 0` (never across the January 2025 change of the M1 definition, `style.m1_break`) |
//! | size | `sig_RE` | real-estate investment YoY fell: `RE_q − RE_{q−3} ≤ 0` (it rising favours large caps) |
//! | growth / value | `sig_scissor` | the M1 − M2 scissors rose |
//! | growth / value | `sig_US` | the US 10Y monthly mean fell: `ȳ_m − ȳ_{m−3} < 0` |
//!
//! `score` = the mean of the signals available (a signal whose data is missing — real-
//! estate investment is not in the real data — is left out with a note, never zero-
//! filled), ∈ {−1, 0, +1}. The weights are `A = (1 + score) / 2`, `B = (1 − score) / 2`:
//! +1 all A, −1 all B, 0 half each. No signal at all → no trade that month.
//!
//! **Spread.** `spread.csv`: per trading day the returns of A and B, the spread NAV
//! `D_t = Π (1 + r_A − r_B)` (`ArithCompound`), the relative NAV `P_A / P_B` (1 at the
//! start) and the score in force. The hit rate of `sign(score_t)` against the sign of
//! the next month's spread return is in the notes and the recommendation.

use crate::timing::events::{month_of, Monthly};
use crate::timing::series::{indicator_known, Expr};
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};
use rotor_data::view::{AsOf, Field};
use rotor_engine::config::{EngineConfig, StrategyFile};
use rotor_engine::note::{Note, NoteKind};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Step, Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which style pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Pair {
    /// Small vs large caps.
    #[default]
    Size,
    /// Growth vs value.
    GrowthValue,
}

/// `[style]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StyleConfig {
    /// The pair.
    pub pair: Pair,
    /// Size: small-cap indices, the first with prices at t is A.
    pub small: Vec<String>,
    /// Size: the large-cap index (B).
    pub large: String,
    /// Growth / value: the growth index (A).
    pub growth: String,
    /// Growth / value: the value index (B).
    pub value: String,
    /// M1 YoY series.
    pub m1: String,
    /// M2 YoY series.
    pub m2: String,
    /// Real-estate development investment YoY series.
    pub real_estate: String,
    /// US 10Y yield series.
    pub us10y: String,
    /// Months of the changes.
    pub window: i32,
    /// First month of M1's new definition: no change is taken across it.
    pub m1_break: Option<NaiveDate>,
}

impl Default for StyleConfig {
    fn default() -> Self {
        StyleConfig {
            pair: Pair::Size,
            small: vec!["932000.CSI".into(), "000852.SH".into()],
            large: "000300.SH".into(),
            growth: "399370.SZ".into(),
            value: "399371.SZ".into(),
            m1: "cn.m1_yoy".into(),
            m2: "cn.m2_yoy".into(),
            real_estate: "cn.re_invest_yoy".into(),
            us10y: "us.dgs10".into(),
            window: 3,
            m1_break: NaiveDate::from_ymd_opt(2025, 1, 31),
        }
    }
}

/// The strategy's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct StyleParams {
    /// `[style]`.
    pub style: StyleConfig,
}

/// Registry parser.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let p: StyleParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    Ok(Box::new(p))
}

/// The example on the synthetic market.
pub const EXAMPLE: &str =
    "[universe]\ncodes = [\"000300.SH\", \"000852.SH\"]\n[style]\npair = \"size\"\n";

/// The weights of A and B for a score (SPEC §9: 0 → half each).
pub fn weights(score: f64) -> (f64, f64) {
    ((1.0 + score) / 2.0, (1.0 - score) / 2.0)
}

/// The change `x_q − x_{q−k}` of the last known month q (None when a value is missing,
/// or when the change would cross the month `brk` of a definition change).
pub fn change(x: &Monthly, k: i32, brk: Option<i32>) -> Option<f64> {
    let q = x.last_month()?;
    if brk.is_some_and(|b| q - k < b && b <= q) {
        return None;
    }
    let (a, b) = (x.at(q), x.at(q - k));
    (a.is_finite() && b.is_finite()).then_some(a - b)
}

/// `+1` when the series rose over `k` months (`> 0`), else `−1` (see [`change`]).
pub fn rose(x: &Monthly, k: i32, brk: Option<i32>) -> Option<f64> {
    change(x, k, brk).map(|c| if c > 0.0 { 1.0 } else { -1.0 })
}

/// `+1` when the series fell over `k` months (`< 0`), else `−1`.
pub fn fell(x: &Monthly, k: i32) -> Option<f64> {
    change(x, k, None).map(|c| if c < 0.0 { 1.0 } else { -1.0 })
}

/// `D_t = Π (1 + r_A − r_B)` over the given daily returns (`ArithCompound`).
pub fn spread_nav(ra: &[f64], rb: &[f64]) -> Vec<f64> {
    let mut d = 1.0;
    ra.iter()
        .zip(rb)
        .map(|(a, b)| {
            if a.is_finite() && b.is_finite() {
                d *= 1.0 + a - b;
            }
            d
        })
        .collect()
}

impl StrategyParams for StyleParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        let s = &self.style;
        let (codes, series) = match s.pair {
            Pair::Size => {
                let mut c = s.small.clone();
                c.push(s.large.clone());
                (c, vec![s.m1.clone(), s.real_estate.clone()])
            }
            Pair::GrowthValue => (
                vec![s.growth.clone(), s.value.clone()],
                vec![s.m1.clone(), s.m2.clone(), s.us10y.clone()],
            ),
        };
        DataNeeds {
            macro_series: series,
            extra_codes: codes,
            ..Default::default()
        }
    }

    fn validate(&self, _engine: &EngineConfig) -> std::result::Result<(), String> {
        let s = &self.style;
        if s.pair == Pair::Size && s.small.is_empty() {
            return Err("style.small is empty: name the small-cap index, e.g. [\"932000.CSI\", \"000852.SH\"]".into());
        }
        if !(1..=24).contains(&s.window) {
            return Err(format!(
                "style.window = {}: expected 1 to 24 months",
                s.window
            ));
        }
        Ok(())
    }

    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(Style {
            p: self.style.clone(),
            price: ctx.price,
            months: Vec::new(),
            days: Vec::new(),
            last_day: None,
            missing: BTreeMap::new(),
            across_break: BTreeMap::new(),
        })
    }
}

/// One month's call.
struct MonthRow {
    date: NaiveDate,
    a: String,
    b: String,
    signals: Vec<(&'static str, Option<f64>)>,
    score: Option<f64>,
}

/// One trading day of the spread.
struct DayRow {
    date: NaiveDate,
    ra: f64,
    rb: f64,
    pa: f64,
    pb: f64,
    score: f64,
}

struct Style {
    p: StyleConfig,
    price: Field,
    months: Vec<MonthRow>,
    days: Vec<DayRow>,
    last_day: Option<NaiveDate>,
    missing: BTreeMap<&'static str, usize>,
    /// Months a signal was left out because its change would cross the M1 definition
    /// change (`style.m1_break`).
    across_break: BTreeMap<&'static str, usize>,
}

impl Style {
    /// A and B at t.
    fn pair(&self, at: &AsOf<'_>) -> Option<(String, String)> {
        match self.p.pair {
            Pair::Size => {
                let a = self
                    .p
                    .small
                    .iter()
                    .find(|c| at.latest(self.price, c, Some(5)).is_some())?;
                Some((a.clone(), self.p.large.clone()))
            }
            Pair::GrowthValue => Some((self.p.growth.clone(), self.p.value.clone())),
        }
    }

    /// The signals of the pair at t (None where the data is missing).
    fn signals(&mut self, at: &AsOf<'_>) -> Vec<(&'static str, Option<f64>)> {
        let t = at.date();
        let get = |id: &str| at.macro_series(id);
        let k = self.p.window;
        let brk = self.p.m1_break.map(month_of);
        let series = |e: Expr| indicator_known(&e, &get, t);
        // (name, series, definition break it must not cross, the signal of its change)
        type Rule = fn(&Monthly, i32, Option<i32>) -> Option<f64>;
        let up: Rule = rose;
        let inverted: Rule = |x, k, b| rose(x, k, b).map(|s| -s);
        let down: Rule = |x, k, _| fell(x, k);
        let inputs = match self.p.pair {
            Pair::Size => [
                ("sig_M1", series(Expr::Series(self.p.m1.clone())), brk, up),
                (
                    "sig_RE",
                    series(Expr::Series(self.p.real_estate.clone())),
                    None,
                    inverted,
                ),
            ],
            Pair::GrowthValue => [
                (
                    "sig_scissor",
                    series(Expr::Minus(self.p.m1.clone(), self.p.m2.clone())),
                    brk,
                    up,
                ),
                (
                    "sig_US",
                    series(Expr::Series(self.p.us10y.clone())),
                    None,
                    down,
                ),
            ],
        };
        let mut out = Vec::with_capacity(2);
        for (name, x, b, rule) in inputs {
            let v = rule(&x, k, b);
            if v.is_none() {
                let crosses = match (b, x.last_month()) {
                    (Some(b), Some(q)) => q - k < b && b <= q,
                    _ => false,
                };
                let m = if crosses {
                    &mut self.across_break
                } else {
                    &mut self.missing
                };
                *m.entry(name).or_default() += 1;
            }
            out.push((name, v));
        }
        out
    }

    /// Extend the daily spread rows to t with the pair in force.
    fn extend_days(&mut self, at: &AsOf<'_>, a: &str, b: &str, score: f64) {
        let dates = at.field_dates(self.price);
        let (Some(ca), Some(cb)) = (at.column(self.price, a), at.column(self.price, b)) else {
            return;
        };
        let from = match self.last_day {
            Some(d) => dates.partition_point(|x| *x <= d),
            None => 0,
        };
        for i in from.max(1)..dates.len() {
            let ra = ca[i] / ca[i - 1] - 1.0;
            let rb = cb[i] / cb[i - 1] - 1.0;
            self.days.push(DayRow {
                date: dates[i],
                ra,
                rb,
                pa: ca[i],
                pb: cb[i],
                score,
            });
        }
        self.last_day = dates.last().copied();
    }
}

impl Strategy for Style {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let Some((a, b)) = self.pair(at) else {
            return Ok(Step::default());
        };
        let prev_score = self.months.last().and_then(|m| m.score).unwrap_or(0.0);
        self.extend_days(at, &a, &b, prev_score);
        let sig = self.signals(at);
        let have: Vec<f64> = sig.iter().filter_map(|s| s.1).collect();
        let score = (!have.is_empty()).then(|| have.iter().sum::<f64>() / have.len() as f64);
        self.months.push(MonthRow {
            date: at.date(),
            a: a.clone(),
            b: b.clone(),
            signals: sig.clone(),
            score,
        });
        let mut trace: Vec<f64> = sig.iter().map(|s| s.1.unwrap_or(f64::NAN)).collect();
        trace.push(score.unwrap_or(f64::NAN));
        let Some(score) = score else {
            return Ok(Step {
                trace,
                ..Default::default()
            });
        };
        let (wa, wb) = weights(score);
        let label = if score > 0.0 {
            "A"
        } else if score < 0.0 {
            "B"
        } else {
            "half"
        };
        Ok(Step {
            decision: Decision::Weights(vec![(a, wa), (b, wb)]),
            label: Some(label.into()),
            trace,
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        let (name_a, name_b) = match self.p.pair {
            Pair::Size => ("小盘", "大盘"),
            Pair::GrowthValue => ("成长", "价值"),
        };
        let mut d = Diagnostics {
            frames: vec![self.spread_frame(), self.calls_frame()],
            label_title: Some("风格".into()),
            ..Default::default()
        };
        d.label_names.insert("A".into(), name_a.into());
        d.label_names.insert("B".into(), name_b.into());
        d.label_names.insert("half".into(), "均衡".into());
        for (name, n) in &self.missing {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "style: {name} has no data in {n} month(s) ({}); left out of the score, never zero-filled",
                    self.series_of(name)
                ),
            ));
        }
        for (name, n) in &self.across_break {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "style: {name} left out in {n} month(s): its {}-month change would cross the M1 definition change of {} (style.m1_break)",
                    self.p.window,
                    self.p.m1_break.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default()
                ),
            ));
        }
        let mut used: Vec<&str> = self.months.iter().map(|m| m.a.as_str()).collect();
        used.dedup();
        if self.p.pair == Pair::Size && used.len() > 1 {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "style: small caps = {} (the first with prices at each month-end)",
                    used.join(" then ")
                ),
            ));
        }
        let (hits, n) = self.hit_rate();
        let hit = if n > 0 {
            format!("{:.1} % of {n} months", 100.0 * hits as f64 / n as f64)
        } else {
            "— (no month with a call and a next-month spread)".into()
        };
        d.notes.push(Note::new(
            NoteKind::Data,
            format!("style: hit rate of sign(score) against the next month's spread: {hit}"),
        ));
        if let Some(last) = self.months.last() {
            let score = last.score.map_or("—".into(), |s| format!("{s:+.1}"));
            let (wa, wb) = last.score.map_or((f64::NAN, f64::NAN), weights);
            d.reco.text.push(format!(
                "{}: score {score} → {} {:.0} % / {} {:.0} % (hit rate {hit})",
                last.date,
                last.a,
                100.0 * wa,
                last.b,
                100.0 * wb
            ));
            for (name, v) in &last.signals {
                d.reco.text.push(format!(
                    "  {name} ({}): {}",
                    self.series_of(name),
                    v.map_or("no data".into(), |v| format!("{v:+.0}"))
                ));
            }
        }
        d
    }
}

impl Style {
    fn series_of(&self, name: &str) -> String {
        match name {
            "sig_M1" => self.p.m1.clone(),
            "sig_RE" => self.p.real_estate.clone(),
            "sig_scissor" => format!("{} - {}", self.p.m1, self.p.m2),
            _ => self.p.us10y.clone(),
        }
    }

    /// Months where sign(score) matched the sign of the next month's spread return.
    fn hit_rate(&self) -> (usize, usize) {
        let (mut hits, mut n) = (0, 0);
        for w in self.months.windows(2) {
            let Some(s) = w[0].score.filter(|s| *s != 0.0) else {
                continue;
            };
            let days: Vec<&DayRow> = self
                .days
                .iter()
                .filter(|r| r.date > w[0].date && r.date <= w[1].date)
                .collect();
            if days.is_empty() {
                continue;
            }
            let (ga, gb) = days.iter().fold((1.0, 1.0), |(x, y), r| {
                (x * (1.0 + r.ra.max(-1.0)), y * (1.0 + r.rb.max(-1.0)))
            });
            let spread = ga - gb;
            if !spread.is_finite() || spread == 0.0 {
                continue;
            }
            n += 1;
            hits += (spread.signum() == s.signum()) as usize;
        }
        (hits, n)
    }

    fn spread_frame(&self) -> Frame {
        let r = &self.days;
        let ra: Vec<f64> = r.iter().map(|x| x.ra).collect();
        let rb: Vec<f64> = r.iter().map(|x| x.rb).collect();
        let nav = spread_nav(&ra, &rb);
        let (pa0, pb0) = r.first().map_or((1.0, 1.0), |x| (x.pa, x.pb));
        let mut f = Frame::new("spread");
        f.push(
            "date",
            Column::Date(r.iter().map(|x| Some(x.date)).collect()),
        );
        f.push("return_a", Column::Num(ra));
        f.push("return_b", Column::Num(rb));
        f.push("spread_nav", Column::Num(nav));
        f.push(
            "relative_nav",
            Column::Num(r.iter().map(|x| (x.pa / pa0) / (x.pb / pb0)).collect()),
        );
        f.push("score", Column::Num(r.iter().map(|x| x.score).collect()));
        f
    }

    fn calls_frame(&self) -> Frame {
        let r = &self.months;
        let mut f = Frame::new("style_calls");
        f.push(
            "date",
            Column::Date(r.iter().map(|x| Some(x.date)).collect()),
        );
        f.push("a", Column::Text(r.iter().map(|x| x.a.clone()).collect()));
        f.push("b", Column::Text(r.iter().map(|x| x.b.clone()).collect()));
        let names: Vec<&str> = r
            .first()
            .map_or(Vec::new(), |m| m.signals.iter().map(|s| s.0).collect());
        for (k, name) in names.iter().enumerate() {
            f.push(
                *name,
                Column::Num(
                    r.iter()
                        .map(|x| x.signals.get(k).and_then(|s| s.1).unwrap_or(f64::NAN))
                        .collect(),
                ),
            );
        }
        f.push(
            "score",
            Column::Num(r.iter().map(|x| x.score.unwrap_or(f64::NAN)).collect()),
        );
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_9_3_equal_returns_keep_the_spread_at_one() {
        let r = [0.01, -0.02, 0.03, 0.0];
        assert!(spread_nav(&r, &r).iter().all(|x| (*x - 1.0).abs() < 1e-15));
        let nav = spread_nav(&[0.02, 0.01], &[0.01, 0.01]);
        assert!((nav[1] - 1.01).abs() < 1e-15);
    }

    #[test]
    fn spec_9_3_a_score_of_zero_gives_the_half_half_return() {
        let (wa, wb) = weights(0.0);
        let (ra, rb) = (0.03, -0.01);
        assert_eq!(wa * ra + wb * rb, 0.5 * ra + 0.5 * rb);
        assert_eq!(weights(1.0), (1.0, 0.0));
        assert_eq!(weights(-1.0), (0.0, 1.0));
    }

    #[test]
    fn three_month_changes_and_the_m1_break() {
        let x = Monthly {
            start: 2024 * 12,
            values: vec![1.0, 2.0, 3.0, 4.0, 3.0],
        };
        assert_eq!(rose(&x, 3, None), Some(1.0), "3.0 vs 2.0");
        let down = Monthly {
            start: 2024 * 12,
            values: vec![5.0, 2.0, 3.0, 4.0],
        };
        assert_eq!(rose(&down, 3, None), Some(-1.0));
        // a change across the January 2025 break is not taken
        let brk = Some(2025 * 12);
        let across = Monthly {
            start: 2024 * 12 + 10,
            values: vec![1.0, 2.0, 3.0, 4.0],
        };
        assert_eq!(rose(&across, 3, brk), None);
        assert_eq!(rose(&Monthly::default(), 3, None), None);
        // the US yield: +1 only when it fell (an unchanged yield is not a fall)
        let flat = Monthly {
            start: 0,
            values: vec![2.0, 2.0, 2.0, 2.0],
        };
        assert_eq!(fell(&flat, 3), Some(-1.0));
        assert_eq!(fell(&down, 3), Some(1.0));
    }
}
