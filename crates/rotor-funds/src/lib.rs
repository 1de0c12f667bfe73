//! # rotor-funds
//!
//! Fund analytics of the second source report (SPEC §13, §14.1), on plain series — the
//! caller (`rotor funds`) reads NAV files, benchmark texts, index prices and factor
//! returns:
//!
//! * [`nav`] — daily fund returns from the daily growth (NAV ratios break on
//!   distributions), distribution days found and counted;
//! * [`benchmark`] — benchmark texts into index codes and weights, unknown terms kept;
//! * [`rolling`] — rolling OLS updated incrementally (statsmodels `RollingOLS`
//!   semantics, parity tested on a committed fixture);
//! * [`alpha`] — rolling 250-day fund alpha on market + style (+ sector) factor returns,
//!   the monthly cross-sectional median;
//! * [`excess`] — yearly excess of enhanced-index funds over their benchmarks and
//!   their yearly style exposures (SPEC §14.1);
//! * [`rotation`] — style-rotating funds from successive holdings and the basket
//!   (SPEC §16).
//!
//! The Cholesky solve and the median are rotor-core's.
//!
//! **Where to extend.** A new regression model is a set of factor columns handed to
//! [`alpha::rolling_alpha`]; a new rotation style is one more exposure column for
//! [`rotation::changes`]; another eligibility rule for the alpha median sits beside
//! [`balanced::balanced_on`]. Fund data reaches these functions from the store's
//! `prices` (fund assets), `fund_info` and `fund_holdings`, or from vendor folders.
#![forbid(unsafe_code)]

pub mod alpha;
pub mod balanced;
pub mod benchmark;
pub mod excess;
pub mod nav;
pub mod rolling;
pub mod rotation;
