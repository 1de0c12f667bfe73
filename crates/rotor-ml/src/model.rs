//! Models behind one trait ([`AlphaModel`]: fit, predict, save; a loader per kind), so
//! walk-forward training and strategies treat a tree model, a network or a model trained
//! elsewhere alike (Qlib's `Model.fit / predict`, separate from the data that feeds it).
//!
//! * [`Gbdt`] — gradient-boosted regression trees trained in rotor ([`crate::gbdt`]: a
//!   histogram GBDT for squared loss, LightGBM's algorithm — 255 bins, leaf-wise growth
//!   to `max_leaves`, L2 penalty, time-ordered early stopping on a validation set given
//!   by the caller; the same trees whatever the thread count).
//! * [`crate::lightgbm::LightGbm`] — inference of a model trained in Python.
//!
//! Rows are column-major (`data[col · rows + row]`), NaN = missing (the trees send
//! missing values down a learnt side).

use std::path::Path;

pub use crate::gbdt::{Gbdt, GbdtConfig};

/// A model error: training, saving or loading failed (with what and where).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

/// Feature rows, column-major.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// `cols` columns of `rows` values each.
    pub data: &'a [f64],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns (features).
    pub cols: usize,
}

impl Rows<'_> {
    pub(crate) fn check(&self) -> Result<(), ModelError> {
        if self.data.len() != self.rows * self.cols {
            return Err(ModelError(format!(
                "{} values for {} rows × {} columns",
                self.data.len(),
                self.rows,
                self.cols
            )));
        }
        Ok(())
    }
}

/// A model that scores stocks from their features.
pub trait AlphaModel {
    /// Train on rows and targets; `valid` (later in time than the training rows) drives
    /// early stopping where the model supports it.
    fn fit(
        &mut self,
        x: &Rows<'_>,
        y: &[f64],
        valid: Option<(&Rows<'_>, &[f64])>,
    ) -> Result<(), ModelError>;
    /// Scores of the rows.
    fn predict(&self, x: &Rows<'_>) -> Result<Vec<f64>, ModelError>;
    /// Write the trained model to `path`.
    fn save(&self, path: &Path) -> Result<(), ModelError>;
}

impl AlphaModel for crate::lightgbm::LightGbm {
    /// A LightGBM model is trained in Python: fitting here is refused.
    fn fit(
        &mut self,
        _x: &Rows<'_>,
        _y: &[f64],
        _valid: Option<(&Rows<'_>, &[f64])>,
    ) -> Result<(), ModelError> {
        Err(ModelError(
            "a LightGBM model is trained in Python and loaded for inference; train a Gbdt in rotor"
                .into(),
        ))
    }

    fn predict(&self, x: &Rows<'_>) -> Result<Vec<f64>, ModelError> {
        x.check()?;
        let mut row = vec![0.0; x.cols];
        Ok((0..x.rows)
            .map(|i| {
                for (c, v) in row.iter_mut().enumerate() {
                    *v = x.data[c * x.rows + i];
                }
                crate::lightgbm::LightGbm::predict(self, &row)
            })
            .collect())
    }

    fn save(&self, _path: &Path) -> Result<(), ModelError> {
        Err(ModelError(
            "a LightGBM model is saved by LightGBM (Booster.save_model)".into(),
        ))
    }
}
