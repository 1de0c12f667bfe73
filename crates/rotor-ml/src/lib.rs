//! # rotor-ml
//!
//! The inputs of rotor's AI stock selection (SPEC §15, the second source report's GBDT +
//! GRU models): a point-in-time price-volume feature library and training labels, as
//! plain `t × n` panels in and standardised features out, so models in rotor and in other
//! tools train on identical rows.
//!
//! Steps, one module each:
//!
//! 1. [`rolling`] — trailing-window statistics of one stock's own trading rows;
//! 2. [`features`] — the Alpha158-style library on adjusted prices (a bonus issue moves
//!    nothing), robust-z-scored across stocks per day, stored `f32`, stock-major;
//! 3. [`labels`] — the rank-normalised forward return over (t, t + H];
//! 4. [`lightgbm`] — inference of LightGBM models trained in Python (`save_model` text),
//!    equal to LightGBM's own predictions (a committed parity fixture);
//! 5. [`model`] — the [`model::AlphaModel`] trait (fit / predict / save); [`gbdt`] — the
//!    gradient-boosted tree model trained in rotor ([`gbdt::Gbdt`], LightGBM's histogram
//!    algorithm written here: binning, leaf-wise growth, text save / load);
//! 6. [`gru`] — a GRU on sequences of daily features ([`gru::Gru`], also an
//!    `AlphaModel`), back-propagation through time, Adam, thread-count-independent;
//! 7. [`ensemble`] — the mean of the models' cross-sectional z-scores;
//! 8. [`walk`] — walk-forward training of either model: retrain every 6 months on the
//!    last 4 years with an H-day gap, time-ordered early stopping, models cached per
//!    window, the GBDT optionally on an index's point-in-time members;
//! 9. [`store`] — the bridge to a rotor store: the bars read, `features.parquet` and
//!    `labels.parquet` written (`rotor ml features`), total-return levels for evaluation.
//!
//! The AI ETF rotation that turns predictions into index scores is a strategy
//! (`rotor-strategies`' `ai_rotation`), reading `predictions.parquet` through the engine.
//!
//! **Extending.** A new feature is a column pushed in `features::stock_features` and its
//! name in `features::feature_names`, in the same order, with its definition in the
//! module table. A new model implements [`model::AlphaModel`], gets a [`walk::ModelKind`]
//! and a branch in `walk::fit_window` / `Fitted::predict`, and a name `rotor ml train`
//! accepts in `models`.

pub mod ensemble;
pub mod features;
pub mod gbdt;
pub mod gru;
pub mod labels;
pub mod lightgbm;
pub mod model;
pub mod rolling;
pub mod store;
pub mod walk;
