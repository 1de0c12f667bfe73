//! # rotor-factors
//!
//! The five factor families of the Founder rotation (SPEC §2), computed at index level
//! at each signal date `t` from data usable at the close of `t`:
//!
//! | family | sub-factors (ids) | input | module |
//! |---|---|---|---|
//! | valuation 估值 | `val.pe_pct`, `val.inv_peg` | daily PE-TTM, price; growth from consensus, statements or implied earnings | [`valuation`] |
//! | fundamental improvement 基本面景气改善 | `fund.{np,op,roe}_{yoy,qoq}` | quarterly statements (announced strictly before t) | [`fundamental`] |
//! | analyst expectation 分析师预期 | `ana.{np,roe,rev,eps}_{1m,3m}` | consensus snapshots (as of t and as of t−h) | [`analyst`] |
//! | fund flow 资金流 | `flow.nb`, `flow.inst`, `flow.large` | daily flows and turnover (NB off from `nb_cutoff`) | [`flow`] |
//! | momentum continuation 动量延续性 | `mom.mc` | daily closes | [`momentum`] |
//!
//! [`compute_at`] reads every input through the point-in-time view at the signal date
//! ([`rotor_data::view::AsOf`]), so nothing published after t can enter; the kernels in
//! the modules take plain slices and are tested on hand-made inputs. Sub-factor ids are
//! typed ([`FactorId`]) and written as the strings above.
//!
//! Every sub-factor is **oriented so that higher = more attractive** (SPEC §0.4) and
//! returned raw (before `winsor_mad` / `cs_z`, which the selection stage applies).
//! A family whose input is absent is **excluded with a note** ([`FactorSet::notes`]);
//! per date, [`FactorSet::availability`] counts the assets with a value, so a family
//! that has no data at `t` shows 0 rather than a silent zero score.
//!
//! **Index-level inputs.** The store holds index-level statements, consensus and flows
//! (already aggregated from constituents, e.g. by [`rotor_core::ops::aggregate`] with
//! the coverage and same-sample rules of SPEC §0.5, or supplied by a vendor). Where
//! the SPEC scales by free-float market cap at index level (NB flows) rotor scales by
//! the index turnover of the same window, documented in [`flow`].
//!
//! ```
//! use rotor_factors::momentum::{mc, McVariant};
//! let a = [0.010, 0.012, 0.008, 0.011, 0.009, 0.010, 0.012, 0.008, 0.011, 0.009];
//! let b = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.06];
//! let (ma, mb) = (mc(&a, 1, McVariant::Sharpe), mc(&b, 1, McVariant::Sharpe));
//! assert!((ma - 111.31).abs() < 0.01 && (mb - 5.29).abs() < 0.01); // SPEC §2.5 golden
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod analyst;
pub mod flow;
pub mod fundamental;
pub mod momentum;
pub mod price;
pub mod valuation;

mod set;
pub use rotor_data::view::{ConsensusObs, QuarterObs};
pub use set::{
    compute_at, AnaMetric, Availability, FactorConfig, FactorHistory, FactorId, FactorSet,
    FactorsAt, Family, FundItem, Presence,
};
