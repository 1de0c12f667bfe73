//! # rotor-selection
//!
//! Which sub-factors count in which regime, and the composite score (SPEC §3).
//!
//! **Static map** (`SelectionMode::Static`, default; SPEC §3.1):
//!
//! | family | LL | LT / TL / TT / Undefined |
//! |---|---|---|
//! | valuation | `val.pe_pct` (high percentile preferred) | `val.inv_peg` |
//! | fundamental improvement | off | all six |
//! | analyst expectation | the four 3-month changes | the same |
//! | fund flow | all | all |
//! | momentum continuation | `mom.mc` | `mom.mc` |
//!
//! **Adaptive map** (SPEC §3.2): at signal date t with regime ρ, for each sub-factor
//! the per-date RankIC against the return to the next signal date is averaged over
//! `S = {s < t : regime_s = ρ, the period after s has ended by t}` (walk-forward,
//! expanding); with fewer than `n_min` = 12 ICs in S the statistics of all earlier
//! dates are used, and with fewer than that still the family keeps its static choice
//! (documented fallback so that the start of a sample is not empty). A sub-factor
//! survives with `ICbar > 0` and `ICIR = ICbar / std(IC) > icir_min` (0); a family keeps
//! its `k_max` = 3 best by ICIR; a family with no survivor gets weight 0. Valuation
//! always follows the static map unless `valuation_adaptive`.
//!
//! **Composite** (SPEC §3.3): `Z_k = cs_z(winsor_mad(x_k))` per sub-factor over the
//! universe at t; family score `F_f = cs_z(mean_{k∈sel(f)} Z_k)` (mean over the
//! sub-factors the asset has); `S_j = Σ_f w_f F_f,j / Σ_{f valid for j} w_f` with equal
//! weights by default; an asset needs `min_families` = 2 valid family scores, else NaN.
//!
//! ```
//! // SPEC §3.3: family z-scores (1, 0, −1), (0, 0, 0), (−1, 1, 1) → S = (0, 0, 1/3)
//! let fam = [vec![1.0, 0.0, -1.0], vec![0.0, 0.0, 1.0], vec![-1.0, 0.0, 1.0]];
//! let refs: Vec<&[f64]> = fam.iter().map(|v| v.as_slice()).collect();
//! let s = rotor_selection::combine(&refs, &[1.0, 1.0, 1.0], 2);
//! assert_eq!(&s[..2], &[0.0, 0.0]);
//! assert!((s[2] - 1.0 / 3.0).abs() < 1e-12);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod composite;
pub use composite::{combine, static_map, CompositeAt, SelectionConfig, SelectionMode, Selector};
