//! The generator (model and planted effects: crate docs).

use crate::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rotor_core::dates::last_day_of_month;
use rotor_data::pit::LagRule;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::{Table, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Simulator settings.
#[derive(Debug, Clone, Serialize)]
pub struct SimConfig {
    /// Random seed.
    pub seed: u64,
    /// Years of daily history.
    pub years: u32,
    /// Number of indices (≥ 2).
    pub n_indices: usize,
    /// Generate stocks, membership and weights.
    pub constituents: bool,
    /// First calendar day.
    pub start: NaiveDate,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            years: 15,
            n_indices: 40,
            constituents: false,
            start: NaiveDate::from_ymd_opt(2011, 1, 4).expect("date"),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct SimSummary {
    /// Seed used.
    pub seed: u64,
    /// Rows per dataset (and extra files).
    pub rows: BTreeMap<String, usize>,
    /// Trading days.
    pub days: usize,
}

/// Simulator errors.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Writing the store failed.
    #[error(transparent)]
    Data(#[from] rotor_data::DataError),
    /// Writing an extra file failed.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Invalid settings.
    #[error("invalid simulator settings: {0}")]
    Config(String),
}

/// Planted effect sizes (per month per cross-sectional z; see crate docs).
pub const VAL_EFFECT: f64 = 0.008;
/// Fund-flow effect size.
pub const FLOW_EFFECT: f64 = 0.003;
/// Market timing: next month's market drift per sign of M1 YoY's 3-month change (the
/// change up to the period two months back, known at the month-end).
pub const TIMING_EFFECT: f64 = 0.012;
/// Size: next month's size-factor drift per sign of that M1 change.
pub const SIZE_EFFECT: f64 = 0.010;
/// Size: next month's size-factor drift per sign of real-estate investment's 3-month
/// change (rising favours large caps).
pub const RE_EFFECT: f64 = 0.004;
/// Growth / value: next month's growth-factor drift per sign of the M1 − M2 scissors'
/// 3-month change.
pub const SCISSOR_EFFECT: f64 = 0.008;
/// Growth / value: next month's growth-factor drift when the US 10Y monthly mean fell
/// over 3 months (minus when it rose).
pub const US_EFFECT: f64 = 0.004;
/// Persistence of the latent drift (slow steady momentum).
pub const MOM_PERSIST: f64 = 0.85;
/// Stationary sd of the latent monthly drift.
pub const MOM_SD: f64 = 0.01;

pub(crate) fn is_holiday(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || (m == 1 && day <= 3)
        || (m == 2 && (4..=10).contains(&day))
        || (m == 5 && day <= 3)
        || (m == 10 && day <= 7)
}

const INDEX_NAMES: &[(&str, &str, usize)] = &[
    ("000300.SH", "沪深300", 99),
    ("000905.SH", "中证500", 99),
    ("000852.SH", "中证1000", 99),
    ("000016.SH", "上证50", 0),
    ("399006.SZ", "创业板指", 3),
    ("000922.SH", "中证红利", 0),
    ("000932.SH", "中证消费", 1),
    ("000933.SH", "中证医药", 2),
    ("399975.SZ", "证券公司", 0),
    ("399986.SZ", "中证银行", 0),
    ("930713.CSI", "人工智能", 3),
    ("931071.CSI", "人工智能产业", 3),
    ("000993.SH", "全指信息", 3),
    ("399967.SZ", "中证军工", 4),
    ("399971.SZ", "中证传媒", 3),
    ("399998.SZ", "中证煤炭", 5),
    ("000819.SH", "有色金属", 5),
    ("399989.SZ", "中证医疗", 2),
    ("930997.CSI", "新能源车", 4),
    ("931079.CSI", "5G通信", 3),
    ("881001.WI", "万得全A", 99),
    ("932000.CSI", "中证2000", 99),
    ("8841431.WI", "万得微盘股", 99),
    ("399370.SZ", "国证成长", 99),
    ("399371.SZ", "国证价值", 99),
];

/// Loadings on the size factor (small caps > 0) and the growth-value factor (growth > 0)
/// of the indices the style and composite strategies read.
fn style_loading(code: &str) -> (f64, f64) {
    match code {
        "000016.SH" => (-0.5, -0.2),
        "000300.SH" => (-0.3, 0.0),
        "000905.SH" => (0.3, 0.0),
        "000852.SH" => (0.7, 0.1),
        "932000.CSI" => (1.0, 0.1),
        "8841431.WI" => (1.3, 0.0),
        "000922.SH" => (-0.2, -0.5),
        "399006.SZ" => (0.3, 0.6),
        "399370.SZ" => (0.0, 1.0),
        "399371.SZ" => (0.0, -1.0),
        _ => (0.0, 0.0),
    }
}

fn index_meta(j: usize) -> (String, String, usize) {
    match INDEX_NAMES.get(j) {
        Some((c, n, s)) => (c.to_string(), n.to_string(), *s),
        None => (
            format!("93{:04}.CSI", 1000 + j),
            format!("合成指数{j}"),
            j % 6,
        ),
    }
}

/// Cross-sectional z-score of the finite values (others → 0, i.e. no effect).
fn zscore(x: &[f64]) -> Vec<f64> {
    let v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if v.len() < 3 {
        return vec![0.0; x.len()];
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let s = (v.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
    x.iter()
        .map(|a| {
            if a.is_finite() && s > 0.0 {
                (a - m) / s
            } else {
                0.0
            }
        })
        .collect()
}

/// `ts_pct` of the last value within `hist` (SPEC §0.4).
fn ts_pct(hist: &[f64]) -> f64 {
    let x = *hist.last().expect("non-empty");
    let n = hist.len();
    if n < 2 {
        return f64::NAN;
    }
    let le = hist.iter().filter(|v| **v <= x).count();
    (le as f64 - 1.0) / (n as f64 - 1.0)
}

struct Rows {
    t: Table,
}

impl Rows {
    fn new(ds: Dataset) -> Self {
        Rows { t: Table::new(ds) }
    }
    fn push(&mut self, v: Vec<Value>) {
        self.t.push_row(v);
    }
}

fn s(x: &str) -> Value {
    Value::Str(Some(x.into()))
}
fn d(x: NaiveDate) -> Value {
    Value::Date(Some(x))
}
fn f(x: f64) -> Value {
    Value::F64(x)
}

/// The trading calendar of a simulation and its months.
struct Calendar {
    days: Vec<NaiveDate>,
    is_month_end: Vec<bool>,
    months: Vec<(i32, u32)>,
}

/// Weekdays from `cfg.start` for `cfg.years`, minus the simulated holidays.
fn trading_days(cfg: &SimConfig) -> Calendar {
    let end = NaiveDate::from_ymd_opt(cfg.start.year() + cfg.years as i32, cfg.start.month(), 1)
        .expect("date")
        - Duration::days(1);
    let mut days = Vec::new();
    let mut x = cfg.start;
    while x <= end {
        if !is_holiday(x) {
            days.push(x);
        }
        x += Duration::days(1);
    }
    let nd = days.len();
    let is_month_end = (0..nd)
        .map(|i| i + 1 == nd || days[i + 1].month() != days[i].month())
        .collect();
    let mut months: Vec<(i32, u32)> = Vec::new();
    for dd in &days {
        let k = (dd.year(), dd.month());
        if months.last() != Some(&k) {
            months.push(k);
        }
    }
    Calendar {
        days,
        is_month_end,
        months,
    }
}

/// The latent money and credit states by month, the monthly 10Y yield level and the
/// monthly macro series they drive.
struct MacroPath {
    money: Vec<bool>,
    credit: Vec<bool>,
    yield_level: Vec<f64>,
    series: BTreeMap<&'static str, Vec<f64>>,
}

impl MacroPath {
    fn regime(&self, mi: usize) -> &'static str {
        match (self.money[mi], self.credit[mi]) {
            (true, true) => "LL",
            (true, false) => "LT",
            (false, true) => "TL",
            (false, false) => "TT",
        }
    }
}

/// Industrial production YoY (following the credit state) and real-estate development
/// investment YoY (its own cycle), drawn from the style stream.
fn extra_macro(rng: &mut Rng, mp: &mut MacroPath) {
    let (mut ip, mut re) = (6.0, 5.0);
    for k in 0..mp.credit.len() {
        let c = if mp.credit[k] { 0.25 } else { -0.25 };
        ip += 0.8 * c + 0.4 * rng.normal() + 0.1 * (6.0 - ip);
        re += 0.6 * rng.normal() + 0.08 * (5.0 - re);
        mp.series
            .entry("CN_IP_YOY")
            .or_default()
            .push((ip * 100.0).round() / 100.0);
        mp.series
            .entry("cn.re_invest_yoy")
            .or_default()
            .push((re * 100.0).round() / 100.0);
    }
}

/// Markov switching money / credit states and mean-reverting macro series.
fn macro_path(rng: &mut Rng, nm: usize) -> MacroPath {
    let (mut money_loose, mut credit_loose) = (rng.uniform() < 0.5, rng.uniform() < 0.5);
    let mut p = MacroPath {
        money: Vec::with_capacity(nm),
        credit: Vec::with_capacity(nm),
        yield_level: Vec::with_capacity(nm),
        series: BTreeMap::new(),
    };
    let (mut y, mut m2, mut tsf, mut m1, mut pmi, mut ppi, mut cpi) =
        (3.4, 13.0, 14.0, 10.0, 50.5, 1.0, 2.5);
    for _ in 0..nm {
        if rng.uniform() > 0.93 {
            money_loose = !money_loose;
        }
        if rng.uniform() > 0.90 {
            credit_loose = !credit_loose;
        }
        p.money.push(money_loose);
        p.credit.push(credit_loose);
        y += if money_loose { -0.07 } else { 0.07 } + 0.06 * rng.normal() + 0.03 * (3.0 - y);
        y = y.clamp(1.2, 5.0);
        p.yield_level.push(y);
        let c = if credit_loose { 0.25 } else { -0.25 };
        m2 += c + 0.15 * rng.normal() + 0.04 * (10.5 - m2);
        tsf += c + 0.15 * rng.normal() + 0.04 * (11.0 - tsf);
        m1 += 1.5 * c + 0.5 * rng.normal() + 0.05 * (7.0 - m1);
        pmi += 0.4 * c + 0.4 * rng.normal() + 0.2 * (50.0 - pmi);
        ppi += 0.5 * c + 0.5 * rng.normal() + 0.05 * (0.5 - ppi);
        cpi += 0.1 * c + 0.25 * rng.normal() + 0.1 * (2.0 - cpi);
        for (k, v) in [
            ("cn.m2_yoy", m2),
            ("cn.tsf_stock_yoy", tsf),
            ("cn.m1_yoy", m1),
            ("cn.pmi_mfg", pmi),
            ("cn.ppi_yoy", ppi),
            ("cn.cpi_yoy", cpi),
        ] {
            p.series
                .entry(k)
                .or_default()
                .push((v * 100.0).round() / 100.0);
        }
        let flow =
            (20000.0 + if credit_loose { 6000.0 } else { -4000.0 } + 5000.0 * rng.normal()).round();
        p.series.entry("cn.tsf_flow").or_default().push(flow);
    }
    p
}

/// The simulated indices: static traits, the state that evolves, and the daily history
/// later steps read.
struct Indices {
    meta: Vec<(String, String, usize)>,
    beta: Vec<f64>,
    sector_load: Vec<f64>,
    level: Vec<f64>,
    earn: Vec<f64>,
    growth: Vec<f64>,
    amount_base: Vec<f64>,
    mom: Vec<f64>,
    flow_state: Vec<f64>,
    drift: Vec<f64>,
    /// Size and growth-value loadings ([`style_loading`]).
    style: Vec<(f64, f64)>,
    /// This month's planted market, size and growth-value drifts (per month).
    mkt_drift: f64,
    size_drift: f64,
    gv_drift: f64,
    pe_h: Vec<Vec<f64>>,
    earn_h: Vec<Vec<f64>>,
    inst_h: Vec<Vec<f64>>,
    amt_h: Vec<Vec<f64>>,
    ret_h: Vec<Vec<f64>>,
}

impl Indices {
    fn new(rng: &mut Rng, ni: usize, nd: usize) -> Self {
        let meta: Vec<(String, String, usize)> = (0..ni).map(index_meta).collect();
        let style = meta.iter().map(|m| style_loading(&m.0)).collect();
        let beta = (0..ni)
            .map(|j| {
                if meta[j].2 == 99 {
                    1.0
                } else {
                    rng.range(0.8, 1.2)
                }
            })
            .collect();
        let sector_load = (0..ni)
            .map(|j| if meta[j].2 == 99 { 0.0 } else { 1.0 })
            .collect();
        let level: Vec<f64> = (0..ni).map(|_| rng.range(1000.0, 6000.0)).collect();
        let earn = (0..ni).map(|j| level[j] / rng.range(10.0, 40.0)).collect();
        let growth = (0..ni).map(|_| rng.range(0.0, 0.16)).collect();
        let amount_base = (0..ni).map(|_| 10f64.powf(rng.range(9.0, 10.5))).collect();
        let mom = (0..ni).map(|_| MOM_SD * rng.normal()).collect();
        let h = || vec![Vec::with_capacity(nd); ni];
        Indices {
            meta,
            beta,
            sector_load,
            level,
            earn,
            growth,
            amount_base,
            mom,
            flow_state: vec![0.0; ni],
            drift: vec![0.0; ni],
            style,
            mkt_drift: 0.0,
            size_drift: 0.0,
            gv_drift: 0.0,
            pe_h: h(),
            earn_h: h(),
            inst_h: h(),
            amt_h: h(),
            ret_h: h(),
        }
    }
}

/// The tables a simulation writes.
struct Tables {
    prices: Rows,
    valuation: Rows,
    flows: Rows,
    macro_t: Rows,
    fund: Rows,
    cons: Rows,
    etf_info: Rows,
    etf_size: Rows,
    membership: Rows,
    weights: Rows,
    control: String,
}

/// One day of every index: returns, bars, valuation and flows.
fn index_day(
    rng: &mut Rng,
    style_rng: &mut Rng,
    ix: &mut Indices,
    t: usize,
    day: NaiveDate,
    tb: &mut Tables,
) {
    let nb_cutoff = NaiveDate::from_ymd_opt(2024, 8, 16).expect("date");
    let mkt = 0.012 * rng.normal() + 0.0002 + ix.mkt_drift / 21.0;
    let sect: Vec<f64> = (0..6).map(|_| 0.007 * rng.normal()).collect();
    // the style factors draw from their own stream: the rest of the market is unchanged
    let size_f = 0.006 * style_rng.normal() + ix.size_drift / 21.0;
    let gv_f = 0.004 * style_rng.normal() + ix.gv_drift / 21.0;
    for j in 0..ix.meta.len() {
        let r = if t == 0 {
            0.0
        } else {
            ix.beta[j] * mkt
                + ix.sector_load[j] * sect[ix.meta[j].2 % 6]
                + 0.006 * rng.normal()
                + ix.drift[j] / 21.0
                + ix.style[j].0 * size_f
                + ix.style[j].1 * gv_f
        };
        let prev = ix.level[j];
        ix.level[j] *= 1.0 + r;
        ix.earn[j] *= 1.0 + ix.growth[j] / 252.0 + 0.002 * rng.normal();
        let open = prev * (1.0 + 0.3 * r + 0.002 * rng.normal());
        let hi = open.max(ix.level[j]) * (1.0 + 0.004 * rng.normal().abs());
        let lo = open.min(ix.level[j]) * (1.0 - 0.004 * rng.normal().abs());
        ix.amount_base[j] *= (0.01 * rng.normal()).exp();
        let amount = ix.amount_base[j] * (1.0 + 20.0 * r.abs());
        ix.flow_state[j] = 0.98 * ix.flow_state[j] + 0.002 * rng.normal();
        let inst = amount * (ix.flow_state[j] + 0.02 * rng.normal());
        let large = amount * (0.5 * ix.flow_state[j] + 0.02 * rng.normal());
        let nb = if day <= nb_cutoff {
            amount * (0.3 * ix.flow_state[j] + 0.01 * rng.normal())
        } else {
            f64::NAN
        };
        let pe = ix.level[j] / ix.earn[j];
        ix.pe_h[j].push(pe);
        ix.earn_h[j].push(ix.earn[j]);
        ix.inst_h[j].push(inst);
        ix.amt_h[j].push(amount);
        ix.ret_h[j].push(r);
        let code = &ix.meta[j].0;
        let r4 = |v: f64| (v * 10000.0).round() / 10000.0;
        let lv = ix.level[j];
        tb.prices.push(vec![
            s(code),
            d(day),
            s("sim"),
            s("index"),
            f(r4(open)),
            f(r4(hi)),
            f(r4(lo)),
            f(r4(lv)),
            f((amount / lv * 10.0).round()),
            f(amount.round()),
            s("none"),
            f(f64::NAN),
            f(f64::NAN),
            d(day),
        ]);
        tb.valuation.push(vec![
            s(code),
            d(day),
            s("sim"),
            f(r4(pe)),
            f(r4(pe * 0.12)),
            f(r4(30.0 / pe)),
            f(f64::NAN),
            f(f64::NAN),
            d(day),
        ]);
        tb.flows.push(vec![
            s(code),
            d(day),
            s("sim"),
            f(nb.round()),
            f(f64::NAN),
            f(large.round()),
            f(inst.round()),
            f(amount.round()),
            f(f64::NAN),
            d(day),
        ]);
    }
}

/// At a month-end close: the planted signals visible then set next month's drift.
fn month_end_drift(
    rng: &mut Rng,
    ix: &mut Indices,
    regime: &str,
    day: NaiveDate,
    control: &mut String,
) {
    let ni = ix.meta.len();
    let pe_pct: Vec<f64> = (0..ni)
        .map(|j| {
            let h = &ix.pe_h[j];
            if h.len() < 250 {
                f64::NAN
            } else {
                ts_pct(&h[h.len().saturating_sub(1250)..])
            }
        })
        .collect();
    let inv_peg: Vec<f64> = (0..ni)
        .map(|j| {
            let h = &ix.earn_h[j];
            if h.len() <= 252 {
                return f64::NAN;
            }
            let g = 100.0 * (h[h.len() - 1] / h[h.len() - 253] - 1.0);
            let pe = *ix.pe_h[j].last().expect("pe");
            if g <= 0.0 || pe <= 0.0 {
                -1.0
            } else {
                g / pe
            }
        })
        .collect();
    let flow_sig: Vec<f64> = (0..ni)
        .map(|j| {
            let k = ix.inst_h[j].len().saturating_sub(20);
            ix.inst_h[j][k..].iter().sum::<f64>() / ix.amt_h[j][k..].iter().sum::<f64>()
        })
        .collect();
    let val = if regime == "LL" {
        zscore(&pe_pct)
    } else {
        zscore(&inv_peg)
    };
    let fz = zscore(&flow_sig);
    for j in 0..ni {
        ix.mom[j] = MOM_PERSIST * ix.mom[j]
            + (1.0 - MOM_PERSIST * MOM_PERSIST).sqrt() * MOM_SD * rng.normal();
        ix.drift[j] = ix.mom[j] + VAL_EFFECT * val[j] + FLOW_EFFECT * fz[j];
        ix.growth[j] = (0.9 * ix.growth[j] + 0.1 * 0.08 + 0.02 * rng.normal()).clamp(-0.3, 0.4);
        control.push_str(&format!("{},{},{:.6}\n", day, ix.meta[j].0, rng.normal()));
    }
}

/// The daily path of the 10Y yield and of every index, with the month-end drift updates.
fn simulate_days(
    rng: &mut Rng,
    style_rng: &mut Rng,
    cal: &Calendar,
    mp: &MacroPath,
    ix: &mut Indices,
    tb: &mut Tables,
) {
    let mut mi = 0usize;
    let mut daily_y = mp.yield_level[0];
    let (mut term, mut us) = (0.5, 2.5);
    let mut us_month: Vec<(f64, usize)> = vec![(0.0, 0); cal.months.len()];
    for (t, &day) in cal.days.iter().enumerate() {
        if t > 0 && cal.days[t - 1].month() != day.month() {
            mi += 1;
        }
        // daily 10Y yield: glide to this month's level
        daily_y += 0.25 * (mp.yield_level[mi] - daily_y) + 0.015 * rng.normal();
        let yv = (daily_y * 10000.0).round() / 10000.0;
        tb.macro_t.push(vec![
            s("cn.cgb_10y"),
            d(day),
            d(day),
            s("sim"),
            f(yv),
            s(LagRule::SameDay.as_str()),
        ]);
        // the 30Y (a mean-reverting term spread over the 10Y) and the US 10Y, known
        // the next day (the US close comes after China's)
        term += 0.05 * (0.5 - term) + 0.01 * style_rng.normal();
        us = (us + 0.02 * (2.5 - us) / 21.0 + 0.04 * style_rng.normal()).clamp(0.3, 6.0);
        us_month[mi].0 += us;
        us_month[mi].1 += 1;
        let r4 = |v: f64| (v * 10000.0).round() / 10000.0;
        tb.macro_t.push(vec![
            s("cn.cgb_30y"),
            d(day),
            d(day),
            s("sim"),
            f(r4(daily_y + term)),
            s(LagRule::SameDay.as_str()),
        ]);
        tb.macro_t.push(vec![
            s("us.dgs10"),
            d(day),
            d(LagRule::NextDay.available_at(day)),
            s("sim"),
            f(r4(us)),
            s(LagRule::NextDay.as_str()),
        ]);
        index_day(rng, style_rng, ix, t, day, tb);
        if cal.is_month_end[t] {
            month_end_drift(rng, ix, mp.regime(mi), day, &mut tb.control);
            let known = latest_known_period(cal, mi, day);
            // today's US close is published tomorrow: this month's mean so far excludes it
            let mut us_known = us_month[..=mi].to_vec();
            us_known[mi].0 -= us;
            us_known[mi].1 -= 1;
            planted_macro_drifts(ix, mp, known, mi, &us_known);
        }
    }
}

/// The sign of a 3-month change (0 when a value is missing).
fn sign3(v: &[f64], k: usize) -> f64 {
    if k < 3 || k >= v.len() {
        return 0.0;
    }
    let c = v[k] - v[k - 3];
    if c > 0.0 {
        1.0
    } else if c < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The index of the last month whose `next_month_end` release is out by the close of
/// `day` (the month-end of month `mi`): `mi − 1` when it came out that day or before,
/// else `mi − 2`.
fn latest_known_period(cal: &Calendar, mi: usize, day: NaiveDate) -> usize {
    let Some(prev) = mi.checked_sub(1) else {
        return 0;
    };
    let (yy, mm) = cal.months[prev];
    if LagRule::NextMonthEnd.available_at(last_day_of_month(yy, mm)) <= day {
        prev
    } else {
        prev.saturating_sub(1)
    }
}

/// At the close of month `mi`: next month's market, size and growth-value drifts from
/// macro data known then — the 3-month changes of monthly series up to period `k`, the
/// last released by this close (what a point-in-time reader sees), and of the US 10Y
/// monthly mean with this month's mean over the days published by this close.
fn planted_macro_drifts(
    ix: &mut Indices,
    mp: &MacroPath,
    k: usize,
    mi: usize,
    us_month: &[(f64, usize)],
) {
    let m1 = &mp.series["cn.m1_yoy"];
    let m2 = &mp.series["cn.m2_yoy"];
    let re = &mp.series["cn.re_invest_yoy"];
    let scissor: Vec<f64> = m1.iter().zip(m2).map(|(a, b)| a - b).collect();
    let us: Vec<f64> = us_month
        .iter()
        .map(|(sum, n)| if *n > 0 { sum / *n as f64 } else { f64::NAN })
        .collect();
    let m1s = sign3(m1, k);
    ix.mkt_drift = TIMING_EFFECT * m1s;
    ix.size_drift = SIZE_EFFECT * m1s - RE_EFFECT * sign3(re, k);
    ix.gv_drift = SCISSOR_EFFECT * sign3(&scissor, k) - US_EFFECT * sign3(&us, mi);
}

/// The monthly macro rows with their publication rules.
fn macro_rows(cal: &Calendar, mp: &MacroPath, tb: &mut Tables) {
    for (k, (yy, mm)) in cal.months.iter().enumerate() {
        let period = last_day_of_month(*yy, *mm);
        for (id, vals) in &mp.series {
            let rule = if *id == "cn.pmi_mfg" {
                LagRule::MonthEnd
            } else {
                LagRule::NextMonthEnd
            };
            tb.macro_t.push(vec![
                s(id),
                d(period),
                d(rule.available_at(period)),
                s("sim"),
                f(vals[k]),
                s(rule.as_str()),
            ]);
        }
    }
}

/// Index-level quarterly statements (announced within the statutory windows) and
/// month-end consensus snapshots.
fn fundamentals_and_consensus(rng: &mut Rng, cal: &Calendar, ix: &Indices, tb: &mut Tables) {
    for (t, day) in cal.days.iter().enumerate() {
        if !cal.is_month_end[t] {
            continue;
        }
        let qend = matches!(day.month(), 3 | 6 | 9 | 12);
        for j in 0..ix.meta.len() {
            let e = ix.earn_h[j][t] * 1e8;
            if qend {
                let p = last_day_of_month(day.year(), day.month());
                let window = match day.month() {
                    3 => 30,
                    6 => 62,
                    9 => 31,
                    _ => 120,
                };
                let ann = p + Duration::days(5 + rng.below(window - 5) as i64);
                let np = e / 4.0 * (1.0 + 0.05 * rng.normal());
                tb.fund.push(vec![
                    s(&ix.meta[j].0),
                    d(p),
                    d(ann),
                    s("sim"),
                    f(np.round()),
                    f((np * 1.25).round()),
                    f((np * 8.0).round()),
                    f((e * 6.0).round()),
                    s("reported"),
                ]);
            }
            for k in 0..2 {
                let fy = day.year() + k;
                let np = e * (1.0 + ix.growth[j]).powi(k + 1) * (1.0 + 0.03 * rng.normal());
                tb.cons.push(vec![
                    s(&ix.meta[j].0),
                    d(*day),
                    f(fy as f64),
                    s("sim"),
                    f(np.round()),
                    f(12.0 + 2.0 * rng.normal()),
                    f((np * 8.0).round()),
                    f(np / 1e9),
                    d(*day),
                ]);
            }
        }
    }
}

/// One to three ETFs per index, listed at random dates, tracking it with a fee and
/// noise; shares and size published the evening after.
fn etfs(rng: &mut Rng, cal: &Calendar, ix: &Indices, tb: &mut Tables) {
    let (days, nd) = (&cal.days, cal.days.len());
    let (mut sh, mut sz) = (0usize, 0usize);
    for j in 0..ix.meta.len() {
        let k = 1 + rng.below(3);
        for e in 0..k {
            let code = if rng.uniform() < 0.6 {
                sh += 1;
                format!("51{:04}.SH", 1000 + sh)
            } else {
                sz += 1;
                format!("159{:03}.SZ", 100 + sz)
            };
            let start = if e == 0 {
                rng.below(nd / 5)
            } else {
                rng.below(nd * 7 / 10)
            };
            let name = format!(
                "{}ETF{}",
                ix.meta[j].1,
                if e == 0 {
                    String::new()
                } else {
                    format!("{}", e + 1)
                }
            );
            tb.etf_info.push(vec![
                s(&code),
                s("sim"),
                s(&name),
                s(&ix.meta[j].0),
                d(days[start]),
                d(days[start]),
            ]);
            let mut nav = 1.0;
            let mut shares = 10f64.powf(rng.range(8.0, 9.7));
            for (t, &day) in days.iter().enumerate().skip(start) {
                if t > start {
                    nav *= 1.0 + ix.ret_h[j][t] - 0.005 / 252.0 + 0.0002 * rng.normal();
                    shares *= (0.01 * rng.normal()).exp();
                }
                let c = (nav * 1000.0).round() / 1000.0;
                let vol = (shares * rng.range(0.005, 0.05)).round();
                tb.prices.push(vec![
                    s(&code),
                    d(day),
                    s("sim"),
                    s("etf"),
                    f(c),
                    f(c),
                    f(c),
                    f(c),
                    f(vol),
                    f((vol * c).round()),
                    s("none"),
                    f(f64::NAN),
                    f(f64::NAN),
                    d(day),
                ]);
                tb.etf_size.push(vec![
                    s(&code),
                    d(day),
                    s("sim"),
                    f((shares * c).round()),
                    f(shares.round()),
                    d(day + Duration::days(1)),
                ]);
            }
        }
    }
}

/// Stocks of each index (one replacement a year), their prices, membership intervals
/// and month-end weights.
fn constituents(rng: &mut Rng, cfg: &SimConfig, cal: &Calendar, ix: &Indices, tb: &mut Tables) {
    let days = &cal.days;
    let mut next_code = 0usize;
    for j in 0..ix.meta.len() {
        let n_stocks = 8 + cfg.years as usize; // one replacement per year
        let mut codes = Vec::new();
        let mut shares = Vec::new();
        for _ in 0..n_stocks {
            next_code += 1;
            let code = if next_code.is_multiple_of(2) {
                format!("{:06}.SH", 600000 + next_code)
            } else {
                format!("{next_code:06}.SZ")
            };
            let mut p = rng.range(5.0, 80.0);
            for (t, day) in days.iter().enumerate() {
                if t > 0 {
                    p *= 1.0 + ix.ret_h[j][t] + 0.015 * rng.normal();
                }
                let c = (p * 100.0).round() / 100.0;
                tb.prices.push(vec![
                    s(&code),
                    d(*day),
                    s("sim"),
                    s("stock"),
                    f(c),
                    f(c),
                    f(c),
                    f(c),
                    f(f64::NAN),
                    f(f64::NAN),
                    s("none"),
                    f(f64::NAN),
                    f(f64::NAN),
                    d(*day),
                ]);
            }
            codes.push(code);
            shares.push(10f64.powf(rng.range(8.0, 10.0)));
        }
        membership_and_weights(cal, &ix.meta[j].0, &codes, &shares, n_stocks, tb);
    }
}

/// Members 0..8 at the start; each January member `y % 8` is replaced by `8 + y`.
fn membership_and_weights(
    cal: &Calendar,
    index: &str,
    codes: &[String],
    shares: &[f64],
    n_stocks: usize,
    tb: &mut Tables,
) {
    let days = &cal.days;
    let mut members: Vec<usize> = (0..8).collect();
    let mut in_date: Vec<NaiveDate> = vec![days[0]; n_stocks];
    let mut last_year = days[0].year();
    for (t, day) in days.iter().enumerate() {
        if day.year() != last_year {
            let yidx = (day.year() - days[0].year()) as usize;
            let out_slot = yidx % 8;
            let new = 7 + yidx;
            if new < n_stocks {
                let old = members[out_slot];
                tb.membership.push(vec![
                    s(index),
                    s(&codes[old]),
                    d(in_date[old]),
                    s("sim"),
                    d(*day),
                    d(in_date[old]),
                ]);
                members[out_slot] = new;
                in_date[new] = *day;
            }
            last_year = day.year();
        }
        if cal.is_month_end[t] {
            let caps: Vec<f64> = members
                .iter()
                .map(|&m| shares[m] * (1.0 + 0.1 * m as f64))
                .collect();
            let tot: f64 = caps.iter().sum();
            for (k, &m) in members.iter().enumerate() {
                tb.weights.push(vec![
                    s(index),
                    s(&codes[m]),
                    d(*day),
                    s("sim"),
                    f(caps[k] / tot),
                    d(*day),
                ]);
            }
        }
    }
    for &m in &members {
        tb.membership.push(vec![
            s(index),
            s(&codes[m]),
            d(in_date[m]),
            s("sim"),
            Value::Date(None),
            d(in_date[m]),
        ]);
    }
}

/// Write the store, the control factor and `truth.json`.
fn write_all(
    cfg: &SimConfig,
    out: &Path,
    tb: Tables,
    cal: &Calendar,
    mp: &MacroPath,
    progress: &dyn Fn(),
) -> Result<SimSummary, SimError> {
    let store = Store::open(out)?;
    let mut rows = BTreeMap::new();
    let mut tables = Vec::new();
    for r in [
        tb.prices,
        tb.valuation,
        tb.fund,
        tb.cons,
        tb.flows,
        tb.macro_t,
        tb.etf_info,
        tb.etf_size,
        tb.membership,
        tb.weights,
    ] {
        rows.insert(r.t.dataset.name().to_string(), r.t.len());
        if !r.t.is_empty() {
            tables.push(r.t);
        }
        progress();
    }
    // one commit: the whole market appears at once
    store.replace(tables)?;
    let io = |p: &Path, e| SimError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let fdir = out.join("factors");
    std::fs::create_dir_all(&fdir).map_err(|e| io(&fdir, e))?;
    let cpath = fdir.join("control.csv");
    rows.insert("factors/control.csv".into(), tb.control.lines().count() - 1);
    std::fs::write(&cpath, tb.control).map_err(|e| io(&cpath, e))?;
    let truth = serde_json::json!({
        "config": cfg,
        "effects": {
            "valuation_pe_pct_in_LL_per_z": VAL_EFFECT,
            "inverse_peg_elsewhere_per_z": VAL_EFFECT,
            "flow_per_z": FLOW_EFFECT,
            "momentum_persistence": MOM_PERSIST,
            "momentum_sd": MOM_SD,
            "control": 0.0,
            "market_per_sign_of_m1_3m_change": TIMING_EFFECT,
            "size_per_sign_of_m1_3m_change": SIZE_EFFECT,
            "size_per_sign_of_real_estate_3m_change": -RE_EFFECT,
            "growth_per_sign_of_scissor_3m_change": SCISSOR_EFFECT,
            "growth_per_sign_of_us10y_3m_change": -US_EFFECT
        },
        "regimes": cal.months.iter().enumerate().map(|(k, (yy, mm))| serde_json::json!({"month": format!("{yy}-{mm:02}"), "regime": mp.regime(k)})).collect::<Vec<_>>(),
    });
    let tpath = out.join("truth.json");
    std::fs::write(&tpath, serde_json::to_string_pretty(&truth).expect("json"))
        .map_err(|e| io(&tpath, e))?;
    Ok(SimSummary {
        seed: cfg.seed,
        rows,
        days: cal.days.len(),
    })
}

/// Generate the market and write it to a store at `out` (plus `factors/control.csv` and
/// `truth.json`). `progress` is called once per dataset written. The steps draw from one
/// random stream in a fixed order, so a seed gives the same market byte for byte.
pub fn write_market(
    cfg: &SimConfig,
    out: &Path,
    progress: &dyn Fn(),
) -> Result<SimSummary, SimError> {
    if cfg.n_indices < 2 || cfg.years == 0 || cfg.years > 60 {
        return Err(SimError::Config(format!(
            "need n_indices ≥ 2 and 1 ≤ years ≤ 60 (got {} indices, {} years)",
            cfg.n_indices, cfg.years
        )));
    }
    let mut rng = Rng::new(cfg.seed);
    // a second stream for what was added later (style factors, more macro series), so
    // the first stream — and everything it drives — is drawn as before
    let mut style_rng = Rng::new(cfg.seed ^ 0x5EED_57A1_E000_0001);
    let cal = trading_days(cfg);
    let mut mp = macro_path(&mut rng, cal.months.len());
    extra_macro(&mut style_rng, &mut mp);
    let mut ix = Indices::new(&mut rng, cfg.n_indices, cal.days.len());
    let mut tb = Tables {
        prices: Rows::new(Dataset::Prices),
        valuation: Rows::new(Dataset::Valuation),
        flows: Rows::new(Dataset::Flows),
        macro_t: Rows::new(Dataset::Macro),
        fund: Rows::new(Dataset::Fundamentals),
        cons: Rows::new(Dataset::Consensus),
        etf_info: Rows::new(Dataset::EtfInfo),
        etf_size: Rows::new(Dataset::EtfSize),
        membership: Rows::new(Dataset::Membership),
        weights: Rows::new(Dataset::Weights),
        control: String::from("date,asset,value\n"),
    };
    simulate_days(&mut rng, &mut style_rng, &cal, &mp, &mut ix, &mut tb);
    macro_rows(&cal, &mp, &mut tb);
    fundamentals_and_consensus(&mut rng, &cal, &ix, &mut tb);
    etfs(&mut rng, &cal, &ix, &mut tb);
    if cfg.constituents {
        constituents(&mut rng, cfg, &cal, &ix, &mut tb);
    }
    write_all(cfg, out, tb, &cal, &mp, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_weekday_gaps() {
        let d = |x: &str| x.parse::<NaiveDate>().unwrap();
        assert!(is_holiday(d("2024-10-03")));
        assert!(!is_holiday(d("2024-10-08")));
        assert!(is_holiday(d("2024-01-06")));
    }

    #[test]
    fn zscore_ignores_nan() {
        let z = zscore(&[1.0, 2.0, 3.0, f64::NAN]);
        assert!((z[0] + 1.0).abs() < 1e-12 && z[3] == 0.0);
    }
}
