//! The dividend + micro-cap composite and its rotation against a large-cap index
//! (`[strategy] kind = "composite_rotation"`, SPEC §10).
//!
//! **Composite** (§10.1): CSI Dividend (000922) and Wind Micro-cap (8841431) in the ratio
//! 2 : 1. `mode = "constant_mix"` (default): every day `r_c = (2/3)·r_div + (1/3)·r_micro`
//! — the portfolio is reset to 2/3, 1/3 each day it is held; `mode = "monthly_rebalance"`:
//! weights reset at month-ends and drift in between.
//!
//! **Rotation** (§10.2), a daily signal at the close of t, held from the next day:
//! `RN_t = NAV_comp,t / P_large,t` (both 1 on the composite's first day); hold the composite iff `RN_t > MA_243(RN)_t` and
//! `slope20(ln NAV_comp) > slope20(ln P_large)` (OLS slope on the day index over the
//! last 20 days), else the large-cap index. Risk overlays move the composite to the
//! large-cap index (or to cash, `overlay_to = "cash"`): the 10Y CGB yield up more than
//! 30 % on 250 trading days before (`y10_t / y10_{t−250} − 1 > 0.30`), or the micro-cap's
//! 20-day realised volatility up more than 55 % on 250 days before (volatility crowding).
//! Until 243 days of `RN` exist the large-cap index is held.
//!
//! **The "Mao" index (茅指数 8841415) is not in the data**: `large` defaults to CSI 300
//! (000300.SH) as a documented large-cap proxy, and every output says so.
//!
//! Output: `composite.csv` — per day the dividend, micro-cap and composite returns, the
//! composite NAV, `RN`, its moving average, both slopes, the overlays and the asset held.
//! The engine must rebalance daily (`portfolio.rebalance = "daily"`).

use chrono::{Datelike, NaiveDate};
use rotor_core::frame::{Column, Frame};
use rotor_data::view::{AsOf, Field};
use rotor_engine::config::{EngineConfig, Rebalance, StrategyFile};
use rotor_engine::note::{Note, NoteKind};
use rotor_engine::plan::StrategyParams;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Step, Strategy,
};
use rotor_engine::Result;
use serde::{Deserialize, Serialize};

/// How the composite is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CompositeMode {
    /// Reset to the ratio every day.
    #[default]
    ConstantMix,
    /// Reset at month-ends, drift in between.
    MonthlyRebalance,
}

/// Where the composite goes when an overlay triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OverlayTo {
    /// The large-cap index.
    #[default]
    Large,
    /// Cash.
    Cash,
}

/// `[composite]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompositeConfig {
    /// Dividend index.
    pub dividend: String,
    /// Micro-cap index.
    pub micro: String,
    /// Dividend : micro-cap.
    pub ratio: [f64; 2],
    /// How the composite is held.
    pub mode: CompositeMode,
    /// The large-cap index (the Mao index 8841415 when the data has it).
    pub large: String,
    /// Moving average of RN, in days.
    pub ma_days: usize,
    /// Days of the slopes.
    pub slope_days: usize,
    /// 10Y yield series of the first overlay ("" = off).
    pub yield_series: String,
    /// Threshold of the yield's rise.
    pub yield_rise: f64,
    /// Days of the micro-cap's realised volatility.
    pub vol_days: usize,
    /// Threshold of the volatility's rise.
    pub vol_rise: f64,
    /// The overlays' look-back in trading days.
    pub lookback: usize,
    /// Where an overlay moves the composite.
    pub overlay_to: OverlayTo,
}

impl Default for CompositeConfig {
    fn default() -> Self {
        CompositeConfig {
            dividend: "000922.SH".into(),
            micro: "8841431.WI".into(),
            ratio: [2.0, 1.0],
            mode: CompositeMode::ConstantMix,
            large: "000300.SH".into(),
            ma_days: 243,
            slope_days: 20,
            yield_series: "cn.cgb_10y".into(),
            yield_rise: 0.30,
            vol_days: 20,
            vol_rise: 0.55,
            lookback: 250,
            overlay_to: OverlayTo::Large,
        }
    }
}

/// The Mao index's code.
pub const MAO: &str = "8841415.WI";

/// The strategy's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CompositeParams {
    /// `[composite]`.
    pub composite: CompositeConfig,
}

/// Registry parser.
pub fn parse(file: &StrategyFile) -> Result<Box<dyn StrategyParams>> {
    let p: CompositeParams = toml::Value::Table(file.params.clone())
        .try_into()
        .map_err(|e: toml::de::Error| file.error(e.to_string()))?;
    Ok(Box::new(p))
}

/// The example on the synthetic market.
pub const EXAMPLE: &str = "[universe]\ncodes = [\"000922.SH\", \"8841431.WI\", \"000300.SH\"]\n[portfolio]\nrebalance = \"daily\"\n[composite]\nma_days = 60\n";

/// The composite's daily return, `w_div·r_div + w_micro·r_micro` (SPEC §10.1).
pub fn composite_return(r_div: f64, r_micro: f64, ratio: [f64; 2]) -> f64 {
    let s = ratio[0] + ratio[1];
    ratio[0] / s * r_div + ratio[1] / s * r_micro
}

/// OLS slope of `ln(p)` on the day index over the last `n` values (None when fewer or
/// not positive).
pub fn log_slope(p: &[f64], n: usize) -> Option<f64> {
    if p.len() < n || n < 2 {
        return None;
    }
    let w = &p[p.len() - n..];
    if w.iter().any(|x| !(*x > 0.0 && x.is_finite())) {
        return None;
    }
    let xm = (n - 1) as f64 / 2.0;
    let ym = w.iter().map(|x| x.ln()).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in w.iter().enumerate() {
        let dx = i as f64 - xm;
        sxy += dx * (y.ln() - ym);
        sxx += dx * dx;
    }
    Some(sxy / sxx)
}

/// The rotation rule of SPEC §10.2: composite iff RN above its average and the
/// composite's slope above the large-cap's.
pub fn hold_composite(rn: f64, rn_ma: f64, slope_comp: f64, slope_large: f64) -> bool {
    rn > rn_ma && slope_comp > slope_large
}

impl StrategyParams for CompositeParams {
    fn to_toml(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        }
    }

    fn needs(&self) -> DataNeeds {
        let c = &self.composite;
        DataNeeds {
            macro_series: if c.yield_series.is_empty() {
                Vec::new()
            } else {
                vec![c.yield_series.clone()]
            },
            extra_codes: vec![c.dividend.clone(), c.micro.clone(), c.large.clone()],
            ..Default::default()
        }
    }

    fn validate(&self, engine: &EngineConfig) -> std::result::Result<(), String> {
        let c = &self.composite;
        if engine.portfolio.rebalance != Rebalance::Daily {
            return Err(
                "composite_rotation signals daily: set portfolio.rebalance = \"daily\"".into(),
            );
        }
        if c.ratio.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || c.ratio[0] + c.ratio[1] <= 0.0 {
            return Err(format!(
                "composite.ratio = {:?}: expected two weights ≥ 0, not both 0",
                c.ratio
            ));
        }
        if c.ma_days < 2 || c.slope_days < 2 || c.vol_days < 2 || c.lookback < 1 {
            return Err(
                "composite.ma_days, slope_days, vol_days must be ≥ 2 and lookback ≥ 1".into(),
            );
        }
        Ok(())
    }

    fn build(&self, ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(Rotation {
            p: self.composite.clone(),
            price: ctx.price,
            days: Vec::new(),
            nav: 1.0,
            drift: None,
            held: Held::Large,
            large0: f64::NAN,
        })
    }
}

/// What is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Composite,
    Large,
    Cash,
}

impl Held {
    fn code(self) -> &'static str {
        match self {
            Held::Composite => "composite",
            Held::Large => "large",
            Held::Cash => "cash",
        }
    }
}

/// One day.
struct Day {
    date: NaiveDate,
    r_div: f64,
    r_micro: f64,
    r_comp: f64,
    nav: f64,
    large: f64,
    rn: f64,
    rn_ma: f64,
    slope_comp: f64,
    slope_large: f64,
    yield_up: bool,
    crowded: bool,
    held: Held,
}

struct Rotation {
    p: CompositeConfig,
    price: Field,
    days: Vec<Day>,
    nav: f64,
    /// Monthly-rebalance weights drifting since the last reset.
    drift: Option<[f64; 2]>,
    held: Held,
    /// The large-cap index's close on the composite's first day (RN starts at 1).
    large0: f64,
}

impl Rotation {
    /// The composite's return from the last day to t, and the NAV after it.
    fn composite_step(&mut self, r_div: f64, r_micro: f64, month_end: bool) -> f64 {
        let r = match self.p.mode {
            CompositeMode::ConstantMix => composite_return(r_div, r_micro, self.p.ratio),
            CompositeMode::MonthlyRebalance => {
                let s = self.p.ratio[0] + self.p.ratio[1];
                let w = self
                    .drift
                    .unwrap_or([self.p.ratio[0] / s, self.p.ratio[1] / s]);
                let r = w[0] * r_div + w[1] * r_micro;
                let grown = [w[0] * (1.0 + r_div), w[1] * (1.0 + r_micro)];
                let tot = grown[0] + grown[1];
                self.drift = if month_end {
                    None
                } else {
                    Some([grown[0] / tot, grown[1] / tot])
                };
                r
            }
        };
        if r.is_finite() {
            self.nav *= 1.0 + r;
        }
        r
    }

    /// The overlays at t: yield up > threshold, micro-cap volatility crowded.
    fn overlays(&self, at: &AsOf<'_>, micro: &[f64]) -> (bool, bool) {
        let n = self.p.lookback;
        let days = at.days();
        let yield_up = if self.p.yield_series.is_empty() || days.len() <= n {
            false
        } else {
            let obs = at.macro_series(&self.p.yield_series);
            let before = days[days.len() - 1 - n];
            let last = |cut: NaiveDate| {
                obs.iter()
                    .rev()
                    .find(|o| o.period <= cut && o.value.is_finite())
                    .map(|o| o.value)
            };
            match (last(at.date()), last(before)) {
                (Some(a), Some(b)) if b > 0.0 => a / b - 1.0 > self.p.yield_rise,
                _ => false,
            }
        };
        let vol = |end: usize| -> Option<f64> {
            let k = self.p.vol_days;
            if end < k + 1 {
                return None;
            }
            let r: Vec<f64> = (end - k..end)
                .map(|i| micro[i] / micro[i - 1] - 1.0)
                .filter(|x| x.is_finite())
                .collect();
            if r.len() < 2 {
                return None;
            }
            let m = r.iter().sum::<f64>() / r.len() as f64;
            Some((r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64).sqrt())
        };
        let crowded = micro.len() > n
            && match (vol(micro.len()), vol(micro.len() - n)) {
                (Some(a), Some(b)) if b > 0.0 => a / b - 1.0 > self.p.vol_rise,
                _ => false,
            };
        (yield_up, crowded)
    }
}

impl Rotation {
    /// What the rules hold: the composite when the rotation rule says so and no
    /// overlay fires; with an overlay, `overlay_to`; otherwise the large-cap index.
    fn held_after(&self, rule: bool, overlay: bool) -> Held {
        match (rule, overlay) {
            (false, _) => Held::Large,
            (true, false) => Held::Composite,
            (true, true) => match self.p.overlay_to {
                OverlayTo::Large => Held::Large,
                OverlayTo::Cash => Held::Cash,
            },
        }
    }

    /// The target weights of what is held: the 2 : 1 legs (in `monthly_rebalance`
    /// mode reset only on entry and at month-ends, held to drift in between), the
    /// large-cap index, or nothing (cash).
    fn decision(&self, held: Held, changed: bool, month_end: bool) -> Decision {
        let s = self.p.ratio[0] + self.p.ratio[1];
        match held {
            Held::Composite
                if self.p.mode == CompositeMode::MonthlyRebalance && !changed && !month_end =>
            {
                Decision::Hold
            }
            Held::Composite => Decision::Weights(vec![
                (self.p.dividend.clone(), self.p.ratio[0] / s),
                (self.p.micro.clone(), self.p.ratio[1] / s),
            ]),
            Held::Large => Decision::Weights(vec![(self.p.large.clone(), 1.0)]),
            Held::Cash => Decision::Weights(Vec::new()),
        }
    }
}

impl Strategy for Rotation {
    fn decide(&mut self, at: &AsOf<'_>) -> Result<Step> {
        let col = |c: &str| at.column(self.price, c);
        let (Some(div), Some(micro), Some(large)) = (
            col(&self.p.dividend),
            col(&self.p.micro),
            col(&self.p.large),
        ) else {
            return Ok(Step::default());
        };
        let n = div.len();
        let ret = |v: &[f64]| {
            if n >= 2 {
                v[n - 1] / v[n - 2] - 1.0
            } else {
                f64::NAN
            }
        };
        let (r_div, r_micro) = (ret(&div), ret(&micro));
        let days = at.days();
        let month_end =
            days.len() >= 2 && days[days.len() - 1].month() != days[days.len() - 2].month();
        let started = !self.days.is_empty() || (div[n - 1].is_finite() && micro[n - 1].is_finite());
        if !started {
            return Ok(Step::default());
        }
        let r_comp = if self.days.is_empty() {
            0.0
        } else {
            self.composite_step(r_div, r_micro, month_end)
        };
        let l = large[n - 1];
        if self.days.is_empty() {
            self.large0 = l;
        }
        // both legs start at 1
        let rn = self.nav / (l / self.large0);
        let rns: Vec<f64> = self.days.iter().map(|d| d.rn).chain([rn]).collect();
        let ma = (rns.len() >= self.p.ma_days).then(|| {
            let w = &rns[rns.len() - self.p.ma_days..];
            w.iter().sum::<f64>() / w.len() as f64
        });
        let navs: Vec<f64> = self.days.iter().map(|d| d.nav).chain([self.nav]).collect();
        let sc = log_slope(&navs, self.p.slope_days);
        let sl = log_slope(&large, self.p.slope_days);
        let (yield_up, crowded) = self.overlays(at, &micro);
        let rule = match (ma, sc, sl) {
            (Some(m), Some(a), Some(b)) if rn.is_finite() => hold_composite(rn, m, a, b),
            _ => false,
        };
        let held = self.held_after(rule, yield_up || crowded);
        // the base day (NAV 1 at its close) shows no leg returns, so every row of the
        // table satisfies the identity of SPEC §10.1
        let base = self.days.is_empty();
        self.days.push(Day {
            date: at.date(),
            r_div: if base { f64::NAN } else { r_div },
            r_micro: if base { f64::NAN } else { r_micro },
            r_comp,
            nav: self.nav,
            large: l,
            rn,
            rn_ma: ma.unwrap_or(f64::NAN),
            slope_comp: sc.unwrap_or(f64::NAN),
            slope_large: sl.unwrap_or(f64::NAN),
            yield_up,
            crowded,
            held,
        });
        let changed = held != self.held;
        self.held = held;
        let decision = self.decision(held, changed, month_end);
        if changed && held == Held::Composite {
            self.drift = None;
        }
        Ok(Step {
            decision,
            label: Some(held.code().into()),
            trace: vec![
                rn,
                ma.unwrap_or(f64::NAN),
                sc.unwrap_or(f64::NAN),
                sl.unwrap_or(f64::NAN),
                yield_up as u8 as f64,
                crowded as u8 as f64,
            ],
        })
    }

    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        let mut d = Diagnostics {
            frames: vec![self.frame()],
            label_title: Some("持有".into()),
            ..Default::default()
        };
        d.label_names
            .insert("composite".into(), "红利+微盘组合".into());
        d.label_names
            .insert("large".into(), "大盘(茅指数代理)".into());
        d.label_names.insert("cash".into(), "现金".into());
        if self.p.large != MAO {
            d.notes.push(Note::new(
                NoteKind::Data,
                format!(
                    "composite: the Mao index ({MAO}) is not in the data; {} stands in for it as a large-cap proxy",
                    self.p.large
                ),
            ));
        }
        let held = |h: Held| self.days.iter().filter(|x| x.held == h).count();
        d.notes.push(Note::new(
            NoteKind::Data,
            format!(
                "composite: {} : {} {} + {} ({}); held {} days, {} {} days, cash {} days",
                self.p.ratio[0],
                self.p.ratio[1],
                self.p.dividend,
                self.p.micro,
                match self.p.mode {
                    CompositeMode::ConstantMix => "constant mix",
                    CompositeMode::MonthlyRebalance => "monthly rebalance",
                },
                held(Held::Composite),
                self.p.large,
                held(Held::Large),
                held(Held::Cash)
            ),
        ));
        if let Some(x) = self.days.last() {
            d.reco.text.push(format!(
                "{}: hold {} — RN {:.4} vs MA{} {:.4}; slope{} composite {:.5} vs {} {:.5}; yield overlay {}, crowding overlay {}",
                x.date,
                match x.held {
                    Held::Composite => format!("the composite ({} / {})", self.p.dividend, self.p.micro),
                    Held::Large => self.p.large.clone(),
                    Held::Cash => "cash".into(),
                },
                x.rn,
                self.p.ma_days,
                x.rn_ma,
                self.p.slope_days,
                x.slope_comp,
                self.p.large,
                x.slope_large,
                if x.yield_up { "on" } else { "off" },
                if x.crowded { "on" } else { "off" }
            ));
            if self.p.large != MAO {
                d.reco.text.push(format!(
                    "  ({} is a proxy of the Mao index {MAO})",
                    self.p.large
                ));
            }
        }
        d
    }
}

impl Rotation {
    fn frame(&self) -> Frame {
        let r = &self.days;
        let num = |f: fn(&Day) -> f64| Column::Num(r.iter().map(f).collect());
        let mut f = Frame::new("composite");
        f.push(
            "date",
            Column::Date(r.iter().map(|x| Some(x.date)).collect()),
        );
        f.push("dividend_return", num(|x| x.r_div));
        f.push("micro_return", num(|x| x.r_micro));
        f.push("composite_return", num(|x| x.r_comp));
        f.push("composite_nav", num(|x| x.nav));
        f.push("large_close", num(|x| x.large));
        f.push("rn", num(|x| x.rn));
        f.push("rn_ma", num(|x| x.rn_ma));
        f.push("slope_composite", num(|x| x.slope_comp));
        f.push("slope_large", num(|x| x.slope_large));
        f.push("yield_overlay", num(|x| x.yield_up as u8 as f64));
        f.push("crowding_overlay", num(|x| x.crowded as u8 as f64));
        f.push(
            "held",
            Column::Text(r.iter().map(|x| x.held.code().to_string()).collect()),
        );
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_10_1_identity() {
        let r = composite_return(0.01, -0.02, [2.0, 1.0]);
        assert!(r.abs() < 1e-15, "{r}");
        assert!((composite_return(0.03, 0.0, [2.0, 1.0]) - 0.02).abs() < 1e-15);
    }

    #[test]
    fn spec_10_2_rule_cases() {
        // RN strictly increasing and the composite's slope above the large-cap's
        let rn: Vec<f64> = (0..300).map(|i| 1.0 + 0.001 * i as f64).collect();
        let ma = rn[rn.len() - 243..].iter().sum::<f64>() / 243.0;
        let comp: Vec<f64> = (0..30).map(|i| 100.0 * 1.002f64.powi(i)).collect();
        let large: Vec<f64> = (0..30).map(|i| 100.0 * 1.001f64.powi(i)).collect();
        let (a, b) = (
            log_slope(&comp, 20).unwrap(),
            log_slope(&large, 20).unwrap(),
        );
        assert!((a - 1.002f64.ln()).abs() < 1e-12);
        assert!(hold_composite(*rn.last().unwrap(), ma, a, b));
        // below its average, or a flatter slope: the large-cap index
        assert!(!hold_composite(0.9, ma, a, b));
        assert!(!hold_composite(*rn.last().unwrap(), ma, b, a));
        assert_eq!(log_slope(&comp[..10], 20), None);
    }
}
