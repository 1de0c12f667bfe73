//! # rotor-portfolio
//!
//! From scores to a NAV (SPEC §4, §0.1, §0.3):
//!
//! * [`rank::ranked`]: rank eligible assets by score (descending); ties → higher
//!   tie-break value (the momentum-continuation score), then lower code.
//! * [`alloc`]: scores → weights (top N at equal weight, score-weighted) and a timing
//!   position (risky / defensive or cash); [`sleeves`]: a fixed mix of strategies.
//! * [`tradable`]: A-share trading rules for stock portfolios — price limits by board and
//!   date, limit-up / limit-down / suspended flags, what a target becomes when some
//!   orders cannot fill, 100-share lots.
//! * [`etf::map_etf`]: index → ETF by the largest AUM(t−1) among ETFs tracking the index,
//!   listed ≥ 20 trading days before t and with AUM ≥ 1e8 CNY; ties → earlier listing,
//!   lower code. Without a size history the size proxy is the ETF's average daily
//!   turnover over the last 20 trading days up to t−1 (documented fallback).
//! * [`backtest::run`]: the daily engine. Trades happen at the close of the execution
//!   day (signal day + `exec_lag` trading days); between trades the weights **drift**
//!   with prices (buy-and-hold, the rest is cash at 0 %). On day d:
//!   `r_gross,d = Σ_i w_i,d−1 · r_i,d`, then `w_i ← w_i (1 + r_i,d) / (1 + r_gross,d)`.
//!   At a trade: turnover `TO = Σ_i |w_i^target − w_i^drifted|` (two-sided; a full
//!   switch of an N-name portfolio is 2) and cost `c · TO` (c = 10 bp per unit traded
//!   for ETFs) is **deducted from the first day after the trade**:
//!   `r_net,d+1 = r_gross,d+1 − c · TO`. Zero turnover ⇒ gross = net.
//!   A missing price is a zero return for that day (the last price carries); an asset
//!   that stops trading earns its return up to its last price and then nothing (cash),
//!   SPEC §0.2.
//!
//! ```
//! use rotor_portfolio::backtest::{run, Trade};
//! // two assets, 3 days; buy A at the close of day 0, switch to B at day 1
//! let r = vec![0.0, 0.0, 0.10, -0.10, 0.0, 0.05]; // rows = days, cols = [A, B]
//! let trades = vec![Trade { day: 0, target: vec![(0, 1.0)] }, Trade { day: 1, target: vec![(1, 1.0)] }];
//! let bt = run(&r, 2, &trades, 0.001);
//! assert!((bt.gross[1] - 0.10).abs() < 1e-12);
//! assert_eq!(bt.turnover, vec![1.0, 2.0]); // cash → A is 1, A → B is 2
//! assert!((bt.net[2] - (0.05 - 0.002)).abs() < 1e-12);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod alloc;
pub mod backtest;
pub mod etf;
pub mod rank;
pub mod sleeves;
pub mod tradable;
