//! # rotor-sim
//!
//! A deterministic synthetic China index/ETF market: every dataset of the store, from a
//! seed. Same seed and config → byte-identical files. It exists so that rotor runs end
//! to end without external data and so that tests can check that the engine **recovers
//! effects planted with known sizes**.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let cfg = rotor_sim::SimConfig { years: 2, n_indices: 6, ..Default::default() };
//! let s = rotor_sim::write_market(&cfg, dir.path(), &|| {}).unwrap();
//! assert!(s.rows["prices"] > 6 * 400);
//! ```
//!
//! ## Model
//!
//! *Calendar.* Weekdays from 2011-01-04 minus simulated holidays (1–3 Jan, a spring
//! festival week in early February, 1–3 May, 1–7 October).
//!
//! *Macro (monthly latent states).* Money and credit are two independent two-state
//! Markov chains (loose/tight) with monthly stay probabilities 0.93 and 0.90 (mean
//! spells ≈ 14 and 10 months). The 10Y CGB yield drifts −7 bp/month when money is loose,
//! +7 bp when tight, with 6 bp monthly noise and mean reversion to 3.0 % (daily values add
//! 1.5 bp noise). M2 YoY and TSF-stock YoY drift +0.25 pp/month in loose credit and −0.25
//! in tight, mean-reverting to 10.5 % and 11 %, 0.15 pp noise. M1 YoY, PMI, PPI and CPI
//! follow the credit state more loosely. Release lags are those of the real bundle
//! (`next_month_end`, PMI `month_end`, yields `same_day`). The latent regime of each
//! month is written to `truth.json`.
//!
//! *Index returns (daily).* `r_j = β_j·m + s_g(j) + e_j + μ_j/21` with market factor
//! m ~ N(0, 1.2 %), six sector factors s ~ N(0, 0.7 %), idiosyncratic e ~ N(0, 0.6 %),
//! β_j ∈ [0.8, 1.2]: daily vol ≈ 1.4–1.9 % (CSI 300 ≈ 1.5 %), mean pairwise
//! correlation ≈ 0.6 (real CSI sector indices 0.5–0.8). `000300.SH` is a broad index
//! with β = 1 and no sector loading.
//!
//! *Planted effects* (all on the monthly drift μ_j of the month after month-end t,
//! computed from data visible at t; "z" = cross-sectional z-score):
//!
//! | effect | size (per month, per 1 z) | rule |
//! |---|---|---|
//! | valuation in LL | +0.8 % | z of the PE percentile (1250-day `ts_pct`) when the latent regime is LL |
//! | inverse PEG elsewhere | +0.8 % | z of `g / PE` (g = trailing 12-month growth of implied earnings E = P/PE, in %) in LT, TL, TT |
//! | slow steady momentum | persistence 0.85 | μ_j has an AR(1) component `a_j` (sd 1.0 %/month) — smooth past gains persist |
//! | fund flow | +0.3 % | z of the last 20 days' institutional net inflow / turnover |
//! | control | 0 | `factors/control.csv`: i.i.d. noise, no effect on returns |
//!
//! With monthly idiosyncratic + sector dispersion ≈ 4.5 %, a 0.8 % effect gives a
//! regime-conditional RankIC ≈ 0.15–0.2; the flow effect ≈ 0.06.
//!
//! *Market and style calls* (the timing, style and composite strategies, SPEC §8–§10).
//! The indices from position 20 (`n_indices ≥ 25`) are Wind All A (881001.WI), CSI 2000
//! (932000.CSI), the Wind micro-cap (8841431.WI) and CNI growth / value (399370.SZ /
//! 399371.SZ). Every index also loads on a size factor (small caps > 0: CSI 300 −0.3,
//! CSI 1000 +0.7, CSI 2000 +1.0, micro-cap +1.3, CSI Dividend −0.2) and a growth-value
//! factor (growth > 0: CNI growth +1, value −1, CSI Dividend −0.5, ChiNext +0.6), daily
//! sd 0.6 % and 0.4 %, drawn from a second random stream (seed `^ 0x5EED57A1E0000001`) so
//! that the first stream, and every number the rotation tests were written against, is
//! unchanged. The dividend + micro-cap pair thus correlates through the market (daily
//! correlation 0.60 at seed 42; the real pair 0.67, 2014–2026) but diverges on size; unlike
//! the real pair (vol 21 % vs 31 %) the two are about as volatile (26 % vs 25 %). Drifts of the month after month-end t, from data known at t
//! (signs of 3-month changes of the monthly series, as their release rules publish them):
//!
//! | effect | size (per month, per sign) | rule |
//! |---|---|---|
//! | market timing | ±1.2 % on the market factor | M1 YoY rose over 3 months |
//! | size (M1) | ±1.0 % on the size factor | M1 YoY rose over 3 months (small caps gain) |
//! | size (real estate) | ∓0.4 % on the size factor | real-estate investment YoY (`cn.re_invest_yoy`) rose (large caps gain) |
//! | growth / value (scissors) | ±0.8 % on the growth factor | M1 − M2 rose over 3 months |
//! | growth / value (US rates) | ∓0.4 % on the growth factor | US 10Y (`us.dgs10`, next-day release) rose over 3 months |
//!
//! The sizes are in `truth.json` (`effects`). The sim also writes the 30Y CGB yield
//! (term spread), industrial production YoY and the US 10Y the timing indicators read.
//!
//! *Valuation and fundamentals.* Implied earnings E_j grow at g_j (AR(1) around 8 %/yr);
//! PE = P/E. Quarterly index-level statements (single-quarter net profit = E/4, operating
//! profit = 1.25×, revenue = 8×, equity = 6× annual E) are announced 20–110 days after
//! quarter end. Monthly consensus snapshots forecast FY1/FY2 profit from g with noise.
//!
//! *ETFs.* 1–3 per index (codes 51xxxx.SH / 15xxxx.SZ), listed at staggered dates, NAV
//! tracking the index with 0.5 %/yr fee drag and 2 bp daily tracking noise; fund shares
//! follow a random walk with flows, fund size = shares × price.
//!
//! *Stock level* ([`stocks`], `rotor sim --stocks N`): a separate stock-level market —
//! stocks in Shenwan industries with listings, suspensions, limits, corporate actions,
//! indices built from the stocks, planted style factor returns and alpha; with funds
//! ([`funds`], `--funds M`): NAVs and half-yearly holdings with planted style rotators.
//!
//! *Constituents* (`constituents = true`): 8 stocks per index with β ≈ 1 to their index
//! plus 1.5 % idiosyncratic noise, membership intervals with one replacement per index per
//! year, monthly weight snapshots.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod funds;
mod rng;
pub mod stocks;
mod world;

pub use rng::Rng;
pub use stocks::{write_stock_market, StockSimConfig};
pub use world::{write_market, SimConfig, SimError, SimSummary};
