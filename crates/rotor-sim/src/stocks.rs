//! A stock-level synthetic A-share market ([`write_stock_market`]): stocks in Shenwan
//! level-1 industries with listings, delistings, suspensions, ST episodes, dividends and
//! bonus issues, daily price limits; cap-weighted indices built **from the stocks** (so
//! the index and stock levels agree), with point-in-time constituent weights; planted
//! style factor returns and a planted stock alpha of documented size (`truth.json`).
//!
//! **Returns** of stock i on day t (exposures of the previous close):
//!
//! `r_i,t = β_i m_t + f_k(i),t + z_size,i,t−1 f_size,t + z_value,i,t−1 f_value,t + a·z_sig,i,t−1 + ε_i,t`
//!
//! m ~ N(0.03 %, 1.2 %), β_i ~ U(0.7, 1.3), industry returns f_k ~ N(0, 0.7 %), size
//! `f_size ~ N(−0.03 %, 0.4 %)` on `z_size` = standardised ln float cap, value
//! `f_value ~ N(+0.02 %, 0.3 %)` on `z_value` = standardised 1 / PB (both standardised by
//! [`rotor_risk::standardize::standardize`], as the risk model does, so `rotor risk`
//! recovers them), `ε ~ N(0, 1.8 %)`. The alpha: a hidden signal `sig` (AR(1) per stock,
//! persistence 0.98) pays `a = 0.04 %` a day per z (≈ 0.8 % a month), published at each
//! month-end in `factors/alpha_signal.csv`; a monthly RankIC near 0.08.
//!
//! **Trading.** A return is clipped to the board's limit ([`rotor_portfolio::tradable`]:
//! ±10 %, ±5 % while ST, ±20 % ChiNext / STAR) except in a listing's first five days;
//! suspensions (1–20 days, no row), ST windows of 250 days (1.5 % of stocks), delistings
//! (2 %, second half), listings spread over the period (25 %). Each year a stock pays a
//! dividend with probability 0.6 (1 % of the price; `preclose = close − dps`) and makes
//! a 10-for-10 bonus issue with probability 0.05 (`preclose = close / 2`, shares double):
//! `close / preclose − 1` is the day's total return.
//!
//! **Statements.** At every quarter's last trading day each listed stock reports the
//! quarter (`fundamentals`): single-quarter net profit = EPS·shares / 4 (EPS drifts
//! +0.02 % a day with 0.3 % noise), revenue a per-stock multiple (5–20×) of |profit|,
//! equity = BVPS·shares, total assets a per-stock multiple of equity (about 2.2×, banks
//! 10–14×), liabilities the difference; announced 10 days to the statutory deadline
//! later (only reports published by the last day are written). Stocks listed on the
//! first day also get four years of earlier quarters. Growth and leverage carry no
//! planted return: the risk model's estimates of them are noise around 0. The
//! statements draw from their own random stream, so the market is the same with or
//! without them.
//!
//! **Indices.** At the first day and at every June and December month-end, listed stocks
//! not ST are ranked by float cap: the top 300 form `000300.SH`, the next 500 `000905.SH`,
//! the next 1000 `000852.SH` (fewer when the market is smaller); `881001.WI` holds every
//! listed stock. Each is cap-weighted: `I_t = I_t−1 (1 + Σ w_i,t−1 r_i,t)` with
//! `w` the float-cap shares at t − 1 of its members. Weight snapshots are written at every
//! month-end (`weights`, known that day) and membership intervals (`membership`).
//!
//! Deterministic per seed; the written store's rows and `truth.json` (the planted daily
//! size and value factor returns, the ST windows) are the same bytes for the same seed.

use crate::rng::Rng;
use chrono::{Datelike, Duration, NaiveDate};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::{Table, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Settings of the stock-level market.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StockSimConfig {
    /// Random seed.
    pub seed: u64,
    /// First calendar day.
    pub start: NaiveDate,
    /// Years of daily history.
    pub years: u32,
    /// Number of stocks.
    pub n_stocks: usize,
    /// Number of funds holding them (0 = none; see [`crate::funds`]).
    pub n_funds: usize,
    /// Number of enhanced-index funds tracking CSI 300 / CSI 500 with a planted excess
    /// (see [`crate::funds`]).
    pub n_enhanced: usize,
}

impl Default for StockSimConfig {
    fn default() -> Self {
        StockSimConfig {
            seed: 42,
            start: NaiveDate::from_ymd_opt(2015, 1, 5).expect("date"),
            years: 10,
            n_stocks: 3000,
            n_funds: 0,
            n_enhanced: 0,
        }
    }
}

/// Planted sizes (per day).
pub const SIZE_MEAN: f64 = -0.0003;
/// Planted daily sd of the size factor return.
pub const SIZE_SD: f64 = 0.004;
/// Planted mean of the value factor return.
pub const VALUE_MEAN: f64 = 0.0002;
/// Planted daily sd of the value factor return.
pub const VALUE_SD: f64 = 0.003;
/// Daily alpha per z of the hidden signal.
pub const ALPHA: f64 = 0.0004;

/// Shenwan level-1 industry names (2021 classification).
const INDUSTRIES: [&str; 31] = [
    "农林牧渔",
    "基础化工",
    "钢铁",
    "有色金属",
    "电子",
    "汽车",
    "家用电器",
    "食品饮料",
    "纺织服饰",
    "轻工制造",
    "医药生物",
    "公用事业",
    "交通运输",
    "房地产",
    "商贸零售",
    "社会服务",
    "银行",
    "非银金融",
    "综合",
    "建筑材料",
    "建筑装饰",
    "电力设备",
    "机械设备",
    "国防军工",
    "计算机",
    "传媒",
    "通信",
    "煤炭",
    "石油石化",
    "环保",
    "美容护理",
];

/// The Shenwan level-1 index code of each of [`INDUSTRIES`] (`801xxx.SI`).
const INDUSTRY_CODES: [&str; 31] = [
    "801010.SI",
    "801030.SI",
    "801040.SI",
    "801050.SI",
    "801080.SI",
    "801880.SI",
    "801110.SI",
    "801120.SI",
    "801130.SI",
    "801140.SI",
    "801150.SI",
    "801160.SI",
    "801170.SI",
    "801180.SI",
    "801200.SI",
    "801210.SI",
    "801780.SI",
    "801790.SI",
    "801230.SI",
    "801710.SI",
    "801720.SI",
    "801730.SI",
    "801890.SI",
    "801740.SI",
    "801750.SI",
    "801760.SI",
    "801770.SI",
    "801950.SI",
    "801960.SI",
    "801970.SI",
    "801980.SI",
];

/// The code of stock j: Shanghai main board, Shenzhen main board, ChiNext, STAR.
fn code_of(j: usize) -> String {
    match j % 10 {
        0..=3 => format!("60{:04}.SH", j / 10 * 4 + j % 10),
        4..=6 => format!("00{:04}.SZ", j / 10 * 3 + j % 10 - 4),
        7 | 8 => format!("30{:04}.SZ", j / 10 * 2 + j % 10 - 7),
        _ => format!("688{:03}.SH", j / 10 % 1000),
    }
}

/// Static draws of one stock.
struct Stock {
    code: String,
    industry: usize,
    beta: f64,
    list_day: usize,
    delist_day: usize,
    st: Option<(usize, usize)>,
}

/// Mutable state of one stock.
#[derive(Clone, Copy)]
struct State {
    close: f64,
    shares: f64,
    bvps: f64,
    eps: f64,
    sig: f64,
    suspended_until: usize,
}

fn trading_days(cfg: &StockSimConfig) -> Vec<NaiveDate> {
    let end = NaiveDate::from_ymd_opt(cfg.start.year() + cfg.years as i32, cfg.start.month(), 1)
        .expect("date")
        - Duration::days(1);
    let mut days = Vec::new();
    let mut x = cfg.start;
    while x <= end {
        if !crate::world::is_holiday(x) {
            days.push(x);
        }
        x += Duration::days(1);
    }
    days
}

fn draw_stocks(rng: &mut Rng, n: usize, t_len: usize) -> Vec<Stock> {
    (0..n)
        .map(|j| {
            let listed_late = rng.uniform() < 0.25;
            let list_day = if listed_late { rng.below(t_len) } else { 0 };
            let delist_day = if rng.uniform() < 0.02 {
                t_len / 2 + rng.below(t_len / 2)
            } else {
                usize::MAX
            };
            let st = (rng.uniform() < 0.015).then(|| {
                let a = rng.below(t_len);
                (a, a + 250)
            });
            Stock {
                code: code_of(j),
                industry: rng.below(INDUSTRIES.len()),
                beta: rng.range(0.7, 1.3),
                list_day,
                delist_day,
                st,
            }
        })
        .collect()
}

/// The tables being written.
struct Out {
    prices: Table,
    valuation: Table,
    fundamentals: Table,
    weights: Table,
    membership: Table,
    signal: String,
    truth_rows: Vec<(NaiveDate, f64, f64)>,
}

fn s(x: &str) -> Value {
    Value::Str(Some(x.into()))
}
fn dv(x: NaiveDate) -> Value {
    Value::Date(Some(x))
}
fn f(x: f64) -> Value {
    Value::F64(x)
}
fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Index membership: members by index, the current sets.
struct Indices {
    codes: [&'static str; 4],
    members: [Vec<usize>; 4],
    level: [f64; 4],
    since: BTreeMap<(usize, usize), NaiveDate>,
}

impl Indices {
    /// Re-rank on `day` with the caps of that close: top 300 / next 500 / next 1000 of
    /// the listed stocks not ST; every listed stock for the all-share index. Members
    /// leaving get their membership interval written to `out`.
    fn rebalance(
        &mut self,
        day: NaiveDate,
        eligible: &[(bool, bool)],
        cap: &[f64],
        out: &mut Out,
        stocks: &[Stock],
    ) {
        let mut order: Vec<usize> = (0..cap.len())
            .filter(|&i| eligible[i].0 && !eligible[i].1)
            .collect();
        order.sort_by(|a, b| cap[*b].total_cmp(&cap[*a]).then(a.cmp(b)));
        let mut new: [Vec<usize>; 4] = Default::default();
        let mut at = 0;
        for (slot, size) in new.iter_mut().zip([300usize, 500, 1000]) {
            let end = (at + size).min(order.len());
            *slot = order[at..end].to_vec();
            slot.sort_unstable();
            at = end;
        }
        new[3] = (0..cap.len()).filter(|&i| eligible[i].0).collect();
        for (k, (old, now)) in self.members.iter().zip(&new).enumerate().take(3) {
            for &i in old {
                if now.binary_search(&i).is_err() {
                    let from = self.since.remove(&(k, i)).expect("member since");
                    out.membership.push_row(vec![
                        s(self.codes[k]),
                        s(&stocks[i].code),
                        dv(from),
                        s("sim"),
                        dv(day),
                        dv(from),
                    ]);
                }
            }
            for &i in now {
                self.since.entry((k, i)).or_insert(day);
            }
        }
        self.members = new;
    }
}

/// The market being simulated: static draws, state, what the last close left for the
/// next day (caps, PB, signal), and the tables written.
struct Market {
    days: Vec<NaiveDate>,
    stocks: Vec<Stock>,
    st: Vec<State>,
    rng: Rng,
    out: Out,
    ix: Indices,
    prev_cap: Vec<f64>,
    prev_pb: Vec<f64>,
    prev_sig: Vec<f64>,
    traded_prev: Vec<bool>,
    /// Every day's stock returns (NaN: no trade) and standardised size at each close —
    /// what the simulated funds hold and are judged on.
    history: Vec<Vec<f64>>,
    size_z: Vec<Vec<f64>>,
    /// Every day's levels of the four indices (the enhanced funds' benchmarks).
    index_levels: Vec<[f64; 4]>,
    /// Levels of the Shenwan level-1 industry indices, built from their stocks.
    industry_level: Vec<f64>,
    /// Quarterly statements: their own random stream (so the market's draws do not
    /// depend on them) and each stock's revenue / profit multiple and assets / equity.
    books: Books,
}

/// What the quarterly statements of the stocks are drawn from.
struct Books {
    rng: Rng,
    /// Revenue as a multiple of |net profit|.
    margin: Vec<f64>,
    /// Total assets as a multiple of equity (banks about 12).
    leverage: Vec<f64>,
}

/// Common draws of a day.
struct DayDraws {
    m: f64,
    f_ind: Vec<f64>,
    f_size: f64,
    f_value: f64,
}

impl Market {
    fn new(cfg: &StockSimConfig) -> Self {
        let days = trading_days(cfg);
        let n = cfg.n_stocks;
        let mut rng = Rng::new(cfg.seed ^ 0x5700_C4ED_0000_0001);
        let stocks = draw_stocks(&mut rng, n, days.len());
        let mut brng = Rng::new(cfg.seed ^ 0xB00C_5000_0000_0002);
        let margin = (0..n).map(|_| brng.range(5.0, 20.0)).collect();
        let leverage = stocks
            .iter()
            .map(|s| {
                if INDUSTRIES[s.industry] == "银行" {
                    brng.range(10.0, 14.0)
                } else {
                    (2.2f64.ln() + 0.4 * brng.normal()).exp().clamp(1.1, 8.0)
                }
            })
            .collect();
        let books = Books {
            rng: brng,
            margin,
            leverage,
        };
        let st = (0..n).map(|_| initial_state(&mut rng)).collect();
        Market {
            days,
            stocks,
            st,
            rng,
            out: Out {
                prices: Table::new(Dataset::Prices),
                valuation: Table::new(Dataset::Valuation),
                fundamentals: Table::new(Dataset::Fundamentals),
                weights: Table::new(Dataset::Weights),
                membership: Table::new(Dataset::Membership),
                signal: String::from("date,asset,value\n"),
                truth_rows: Vec::new(),
            },
            ix: Indices {
                codes: ["000300.SH", "000905.SH", "000852.SH", "881001.WI"],
                members: Default::default(),
                level: [1000.0; 4],
                since: BTreeMap::new(),
            },
            prev_cap: vec![f64::NAN; n],
            prev_pb: vec![f64::NAN; n],
            prev_sig: vec![f64::NAN; n],
            traded_prev: vec![false; n],
            history: Vec::new(),
            size_z: Vec::new(),
            index_levels: Vec::new(),
            industry_level: vec![1000.0; INDUSTRIES.len()],
            books,
        }
    }

    fn live(&self, i: usize, t: usize) -> bool {
        self.stocks[i].list_day <= t && t < self.stocks[i].delist_day
    }

    fn is_st(&self, i: usize, t: usize) -> bool {
        self.stocks[i].st.is_some_and(|(a, b)| a <= t && t < b)
    }

    /// Standardised exposures of the previous close: size, value, the hidden signal.
    fn exposures(&self) -> [Vec<f64>; 3] {
        let std = |mut v: Vec<f64>, clip: f64| {
            rotor_risk::standardize::standardize(&mut v, &self.prev_cap, clip);
            v
        };
        let size = self
            .prev_cap
            .iter()
            .map(|c| if c.is_finite() { c.ln() } else { f64::NAN })
            .collect();
        let value = self
            .prev_pb
            .iter()
            .map(|p| {
                if p.is_finite() && *p > 0.0 {
                    1.0 / p
                } else {
                    f64::NAN
                }
            })
            .collect();
        [
            std(size, 3.0),
            std(value, 3.0),
            std(self.prev_sig.clone(), f64::INFINITY),
        ]
    }

    fn draws(&mut self) -> DayDraws {
        let m = 0.0003 + 0.012 * self.rng.normal();
        let f_ind = (0..INDUSTRIES.len())
            .map(|_| 0.007 * self.rng.normal())
            .collect();
        let f_size = SIZE_MEAN + SIZE_SD * self.rng.normal();
        let f_value = VALUE_MEAN + VALUE_SD * self.rng.normal();
        DayDraws {
            m,
            f_ind,
            f_size,
            f_value,
        }
    }

    /// Stock i on day t: its return, corporate actions, limit, rows. NaN when it did
    /// not trade.
    fn step_stock(&mut self, i: usize, t: usize, dd: &DayDraws, z: &[Vec<f64>; 3]) -> f64 {
        let day = self.days[t];
        let eps_i = 0.018 * self.rng.normal();
        let div = self.rng.uniform() < 0.6 / 250.0;
        let bonus = self.rng.uniform() < 0.05 / 250.0;
        let suspend_len = if self.rng.uniform() < 0.002 {
            1 + self.rng.below(20)
        } else {
            0
        };
        self.st[i].sig = 0.98 * self.st[i].sig + 0.2 * self.rng.normal();
        if !self.live(i, t) {
            self.traded_prev[i] = false;
            return f64::NAN;
        }
        let stock = &self.stocks[i];
        let first = t < stock.list_day + 5 && stock.list_day > 0;
        let listing_day = t == stock.list_day && t > 0;
        if t < self.st[i].suspended_until || (suspend_len > 0 && !first && self.traded_prev[i]) {
            if self.st[i].suspended_until <= t {
                self.st[i].suspended_until = t + suspend_len;
            }
            self.traded_prev[i] = false;
            return f64::NAN;
        }
        let zz = |k: usize| if z[k][i].is_finite() { z[k][i] } else { 0.0 };
        let mut r = stock.beta * dd.m
            + dd.f_ind[stock.industry]
            + zz(0) * dd.f_size
            + zz(1) * dd.f_value
            + ALPHA * zz(2)
            + eps_i;
        if listing_day {
            r = 0.2 + 0.1 * self.rng.normal().abs();
        }
        let st = &mut self.st[i];
        let mut pre = st.close;
        if bonus {
            pre = r2(pre / 2.0);
            st.shares *= 2.0;
            st.bvps /= 2.0;
            st.eps /= 2.0;
        } else if div {
            pre = r2(pre * 0.99);
            st.bvps *= 0.99;
        }
        if !first {
            let is_st = stock.st.is_some_and(|(a, b)| a <= t && t < b);
            if let Some(l) = rotor_portfolio::tradable::limit_pct(&stock.code, day, is_st) {
                let c = r2(pre * (1.0 + r)).clamp(r2(pre * (1.0 - l)), r2(pre * (1.0 + l)));
                r = c / pre - 1.0;
            }
        }
        let close = r2(pre * (1.0 + r)).max(0.01);
        st.close = close;
        st.bvps *= 1.0 + 0.0003 + 0.002 * self.rng.normal();
        st.eps *= 1.0 + 0.0002 + 0.003 * self.rng.normal();
        let turnover = (0.015f64.ln() + 0.5 * self.rng.normal()).exp().min(0.5);
        let (shares, bvps, eps) = (st.shares, st.bvps, st.eps);
        let fcap = close * shares;
        let volume = (turnover * shares).round();
        let code = &self.stocks[i].code;
        self.out.prices.push_row(vec![
            s(code),
            dv(day),
            s("sim"),
            s("stock"),
            f(f64::NAN),
            f(f64::NAN),
            f(f64::NAN),
            f(close),
            f(volume),
            f((volume * close).round()),
            s("none"),
            f(f64::NAN),
            f(f64::NAN),
            dv(day),
            f(if listing_day { f64::NAN } else { pre }),
        ]);
        self.out.valuation.push_row(vec![
            s(code),
            dv(day),
            s("sim"),
            f(close / eps),
            f(close / bvps),
            f(f64::NAN),
            f(f64::NAN),
            f(f64::NAN),
            dv(day),
            f(fcap * 1.3),
            f(fcap),
            f(turnover),
        ]);
        self.traded_prev[i] = true;
        close / pre - 1.0
    }

    /// Index levels on the previous close's member caps (a suspended member earns 0).
    fn step_indices(&mut self, t: usize, r_today: &[f64]) {
        if t == 0 {
            return;
        }
        for k in 0..4 {
            let (mut sw, mut swr) = (0.0, 0.0);
            for &i in &self.ix.members[k] {
                if self.prev_cap[i].is_finite() {
                    let ri = if r_today[i].is_finite() {
                        r_today[i]
                    } else {
                        0.0
                    };
                    sw += self.prev_cap[i];
                    swr += self.prev_cap[i] * ri;
                }
            }
            if sw > 0.0 {
                self.ix.level[k] *= 1.0 + swr / sw;
            }
        }
        // each industry index: every stock of the industry with a cap at t − 1
        let k_len = INDUSTRIES.len();
        let (mut sw, mut swr) = (vec![0.0; k_len], vec![0.0; k_len]);
        for (i, stock) in self.stocks.iter().enumerate() {
            let c = self.prev_cap[i];
            if c.is_finite() {
                let ri = if r_today[i].is_finite() {
                    r_today[i]
                } else {
                    0.0
                };
                sw[stock.industry] += c;
                swr[stock.industry] += c * ri;
            }
        }
        for k in 0..k_len {
            if sw[k] > 0.0 {
                self.industry_level[k] *= 1.0 + swr[k] / sw[k];
            }
        }
    }

    /// What this close leaves for tomorrow (a suspended stock keeps its last).
    fn close_of_day(&mut self, t: usize, r_today: &[f64]) {
        for (i, r) in r_today.iter().enumerate() {
            if !self.live(i, t) {
                self.prev_cap[i] = f64::NAN;
                self.prev_pb[i] = f64::NAN;
                self.prev_sig[i] = f64::NAN;
            } else if r.is_finite() || t == 0 || self.prev_cap[i].is_finite() {
                self.prev_cap[i] = self.st[i].close * self.st[i].shares;
                self.prev_pb[i] = self.st[i].close / self.st[i].bvps;
                self.prev_sig[i] = self.st[i].sig;
            }
        }
    }

    /// Index rows of the day, the half-yearly rebalance, and the month-end snapshots.
    fn write_indices(&mut self, t: usize) {
        let day = self.days[t];
        let month_end = t + 1 == self.days.len() || self.days[t + 1].month() != day.month();
        if t == 0 || (month_end && matches!(day.month(), 6 | 12)) {
            let eligible: Vec<(bool, bool)> = (0..self.stocks.len())
                .map(|i| (self.live(i, t), self.is_st(i, t)))
                .collect();
            self.ix
                .rebalance(day, &eligible, &self.prev_cap, &mut self.out, &self.stocks);
        }
        let levels = self.ix.codes.iter().zip(self.ix.level).chain(
            INDUSTRY_CODES
                .iter()
                .zip(self.industry_level.iter().copied()),
        );
        for (code, level) in levels {
            self.out.prices.push_row(vec![
                s(code),
                dv(day),
                s("sim"),
                s("index"),
                f(f64::NAN),
                f(f64::NAN),
                f(f64::NAN),
                f((level * 10000.0).round() / 10000.0),
                f(f64::NAN),
                f(f64::NAN),
                s("none"),
                f(f64::NAN),
                f(f64::NAN),
                dv(day),
            ]);
        }
        if !month_end {
            return;
        }
        for k in 0..3 {
            let tot: f64 = self.ix.members[k]
                .iter()
                .map(|&i| self.prev_cap[i])
                .filter(|c| c.is_finite())
                .sum();
            for &i in &self.ix.members[k] {
                if self.prev_cap[i].is_finite() && tot > 0.0 {
                    self.out.weights.push_row(vec![
                        s(self.ix.codes[k]),
                        s(&self.stocks[i].code),
                        dv(day),
                        s("sim"),
                        f(self.prev_cap[i] / tot),
                        dv(day),
                    ]);
                }
            }
        }
        self.write_industry_weights(t);
        for i in 0..self.stocks.len() {
            if self.prev_sig[i].is_finite() && self.live(i, t) {
                self.out.signal.push_str(&format!(
                    "{day},{},{:.6}\n",
                    self.stocks[i].code, self.prev_sig[i]
                ));
            }
        }
    }

    /// Month-end weights of the Shenwan industry indices: every listed stock of the
    /// industry by its cap at the close (the rule their levels follow).
    fn write_industry_weights(&mut self, t: usize) {
        let day = self.days[t];
        let k_len = INDUSTRIES.len();
        let mut tot = vec![0.0; k_len];
        for (i, stock) in self.stocks.iter().enumerate() {
            if self.prev_cap[i].is_finite() && self.live(i, t) {
                tot[stock.industry] += self.prev_cap[i];
            }
        }
        for (i, stock) in self.stocks.iter().enumerate() {
            let k = stock.industry;
            if self.prev_cap[i].is_finite() && self.live(i, t) && tot[k] > 0.0 {
                self.out.weights.push_row(vec![
                    s(INDUSTRY_CODES[k]),
                    s(&stock.code),
                    dv(day),
                    s("sim"),
                    f(self.prev_cap[i] / tot[k]),
                    dv(day),
                ]);
            }
        }
    }

    /// The statement of stock i for the quarter ending `period_end`, from its state at
    /// that close scaled by `scale` (earlier quarters of the pre-history), announced
    /// `lag` days later: single-quarter profit = EPS·shares / 4, revenue = margin ×
    /// |profit|, equity = BVPS·shares, assets = leverage × equity.
    fn push_statement(&mut self, i: usize, period_end: NaiveDate, lag: i64, scale: f64) {
        let st = self.st[i];
        let b = &mut self.books;
        let np = st.eps * st.shares / 4.0 * scale * (1.0 + 0.05 * b.rng.normal());
        let revenue = b.margin[i] * np.abs() * (1.0 + 0.03 * b.rng.normal());
        let equity = st.bvps * st.shares * scale.sqrt();
        let assets = equity * b.leverage[i] * (1.0 + 0.02 * b.rng.normal());
        let round = |x: f64| x.round();
        self.out.fundamentals.push_row(vec![
            s(&self.stocks[i].code),
            dv(period_end),
            dv(period_end + Duration::days(lag)),
            s("sim"),
            f(round(np)),
            f(round(np * 1.25)),
            f(round(revenue)),
            f(round(equity)),
            s("reported"),
            f(round(assets)),
            f(round(assets - equity)),
        ]);
    }

    /// Days from a quarter's end to its report: within the statutory deadlines (Q1 and
    /// Q3 by the end of the next month, H1 by 31 August, the annual by 30 April).
    fn report_lag(&mut self, month: u32) -> i64 {
        let window = match month {
            3 | 9 => 30,
            6 => 62,
            _ => 120,
        };
        (10 + self.books.rng.below(window - 10)) as i64
    }

    /// Statements of the quarter that ends with day t's month (every listed stock),
    /// those published by the last day of the data; on day 0 also four years of
    /// history for the stocks listed then, each quarter 1.2 % smaller than the next.
    fn write_statements(&mut self, t: usize) {
        let day = self.days[t];
        let last = *self.days.last().expect("days");
        if t == 0 {
            // the last quarter end before the first day
            let m = (day.month() - 1) / 3 * 3;
            let mut pe = if m == 0 {
                rotor_core::dates::last_day_of_month(day.year() - 1, 12)
            } else {
                rotor_core::dates::last_day_of_month(day.year(), m)
            };
            for k in 0..16 {
                for i in 0..self.stocks.len() {
                    if self.stocks[i].list_day == 0 {
                        let lag = self.report_lag(pe.month());
                        self.push_statement(i, pe, lag, 0.988f64.powi(k + 1));
                    }
                }
                let back = pe.checked_sub_months(chrono::Months::new(3)).expect("date");
                pe = rotor_core::dates::last_day_of_month(back.year(), back.month());
            }
        }
        let quarter_end = matches!(day.month(), 3 | 6 | 9 | 12)
            && (t + 1 == self.days.len() || self.days[t + 1].month() != day.month());
        if !quarter_end {
            return;
        }
        let pe = rotor_core::dates::last_day_of_month(day.year(), day.month());
        for i in 0..self.stocks.len() {
            if !self.live(i, t) {
                continue;
            }
            let lag = self.report_lag(day.month());
            if pe + Duration::days(lag) <= last {
                self.push_statement(i, pe, lag, 1.0);
            }
        }
    }

    fn run(&mut self) {
        for t in 0..self.days.len() {
            let dd = self.draws();
            let z = self.exposures();
            if t > 0 {
                self.out
                    .truth_rows
                    .push((self.days[t], dd.f_size, dd.f_value));
            }
            let r_today: Vec<f64> = (0..self.stocks.len())
                .map(|i| self.step_stock(i, t, &dd, &z))
                .collect();
            self.step_indices(t, &r_today);
            self.close_of_day(t, &r_today);
            self.write_indices(t);
            self.write_statements(t);
            self.history.push(r_today);
            self.size_z.push(self.exposures()[0].clone());
            self.index_levels.push(self.ix.level);
        }
        // open memberships end with the data
        for ((k, i), from) in std::mem::take(&mut self.ix.since) {
            self.out.membership.push_row(vec![
                s(self.ix.codes[k]),
                s(&self.stocks[i].code),
                dv(from),
                s("sim"),
                Value::Date(None),
                dv(from),
            ]);
        }
    }
}

fn initial_state(rng: &mut Rng) -> State {
    let close = r2((2.5 + 0.6 * rng.normal()).exp().clamp(2.0, 300.0));
    State {
        close,
        shares: (19.5 + 1.0 * rng.normal()).exp(),
        bvps: close / (0.6 + 0.5 * rng.normal()).exp().clamp(0.3, 20.0),
        eps: close / (2.8 + 0.5 * rng.normal()).exp()
            * if rng.uniform() < 0.05 { -1.0 } else { 1.0 },
        sig: rng.normal(),
        suspended_until: 0,
    }
}

/// Write the stock-level market into the store at `out_dir` (see the module docs).
pub fn write_stock_market(
    cfg: &StockSimConfig,
    out_dir: &Path,
) -> Result<crate::SimSummary, crate::SimError> {
    if cfg.n_stocks < 10 || cfg.years == 0 || cfg.years > 40 {
        return Err(crate::SimError::Config(format!(
            "need at least 10 stocks and 1 ≤ years ≤ 40 (got {} stocks, {} years)",
            cfg.n_stocks, cfg.years
        )));
    }
    let mut m = Market::new(cfg);
    m.run();
    let t_len = m.days.len();
    let codes: Vec<String> = m.stocks.iter().map(|s| s.code.clone()).collect();
    let f_size: Vec<f64> = m.out.truth_rows.iter().map(|r| r.1).collect();
    let (days, history, size_z) = (
        std::mem::take(&mut m.days),
        std::mem::take(&mut m.history),
        std::mem::take(&mut m.size_z),
    );
    let mut summary = write_out(cfg, out_dir, m.out, &m.stocks, t_len)?;
    if cfg.n_funds > 0 || cfg.n_enhanced > 0 {
        let levels = std::mem::take(&mut m.index_levels);
        let rows = crate::funds::write_funds(
            out_dir,
            &crate::funds::FundSim {
                n_funds: cfg.n_funds,
                n_enhanced: cfg.n_enhanced,
                seed: cfg.seed,
                days: &days,
                codes: &codes,
                returns: &history,
                size_z: &size_z,
                f_size: &f_size,
                index_levels: &levels,
            },
        )?;
        summary.rows.extend(rows);
    }
    Ok(summary)
}

fn write_out(
    cfg: &StockSimConfig,
    dir: &Path,
    out: Out,
    stocks: &[Stock],
    t_len: usize,
) -> Result<crate::SimSummary, crate::SimError> {
    let io = |p: &Path, e| crate::SimError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let store = Store::open(dir)?;
    let mut rows = BTreeMap::new();
    let mut tables = Vec::new();
    for t in [
        out.prices,
        out.valuation,
        out.fundamentals,
        out.weights,
        out.membership,
    ] {
        rows.insert(t.dataset.name().to_string(), t.len());
        tables.push(t);
    }
    store.replace(tables)?;
    let fdir = dir.join("factors");
    std::fs::create_dir_all(&fdir).map_err(|e| io(&fdir, e))?;
    let p = fdir.join("alpha_signal.csv");
    rows.insert(
        "factors/alpha_signal.csv".into(),
        out.signal.lines().count() - 1,
    );
    std::fs::write(&p, out.signal).map_err(|e| io(&p, e))?;
    let mut ind = String::from("code,industry\n");
    for s in stocks {
        ind.push_str(&format!("{},{}\n", s.code, INDUSTRIES[s.industry]));
    }
    let p = dir.join("industries.csv");
    std::fs::write(&p, ind).map_err(|e| io(&p, e))?;
    let mut fr = String::from("date,size,value\n");
    for (d, a, b) in &out.truth_rows {
        fr.push_str(&format!("{d},{a},{b}\n"));
    }
    let p = dir.join("truth_factor_returns.csv");
    std::fs::write(&p, fr).map_err(|e| io(&p, e))?;
    let truth = serde_json::json!({
        "config": cfg,
        "model": "r = beta·m + industry + z_size·f_size + z_value·f_value + alpha·z_signal + e (exposures of the previous close)",
        "effects": {
            "size_mean_per_day": SIZE_MEAN, "size_sd_per_day": SIZE_SD,
            "value_mean_per_day": VALUE_MEAN, "value_sd_per_day": VALUE_SD,
            "alpha_per_z_per_day": ALPHA, "signal_persistence": 0.98,
            "idiosyncratic_sd_per_day": 0.018, "industry_sd_per_day": 0.007,
        },
        "st_windows": stocks.iter().filter_map(|s| s.st.map(|(a, b)| serde_json::json!({"code": s.code, "from_day": a, "to_day": b}))).collect::<Vec<_>>(),
        "files": {"factor_returns": "truth_factor_returns.csv", "industries": "industries.csv", "signal": "factors/alpha_signal.csv"},
    });
    let p = dir.join("truth.json");
    std::fs::write(&p, serde_json::to_string_pretty(&truth).expect("json"))
        .map_err(|e| io(&p, e))?;
    Ok(crate::SimSummary {
        seed: cfg.seed,
        rows,
        days: t_len,
    })
}
