//! Models behind one trait ([`AlphaModel`]: fit, predict, save; a loader per kind), so
//! walk-forward training and strategies treat a tree model, a network or a model trained
//! elsewhere alike (Qlib's `Model.fit / predict`, separate from the data that feeds it).
//!
//! * [`Gbdt`] — gradient-boosted regression trees trained in rotor (the pure-Rust
//!   `forust-ml` histogram booster, LightGBM-like: squared loss, 256 bins, leaf-wise
//!   growth to `max_leaves`, L2 penalty, time-ordered early stopping on a validation set
//!   given by the caller). Histograms are built in parallel one feature per task, each
//!   summed in row order by one thread and collected in feature order, so the same rows
//!   and seed give the same trees whatever the thread count.
//! * [`crate::lightgbm::LightGbm`] — inference of a model trained in Python.
//!
//! Rows are column-major (`data[col · rows + row]`), NaN = missing (the trees send
//! missing values down a learnt side).

use forust_ml::gradientbooster::{GrowPolicy, MissingNodeTreatment};
use forust_ml::metric::Metric;
use forust_ml::objective::ObjectiveType;
use forust_ml::sampler::SampleMethod;
use forust_ml::{GradientBooster, Matrix};
use std::collections::HashSet;
use std::path::Path;

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
    fn check(&self) -> Result<(), ModelError> {
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

/// Settings of [`Gbdt`] (defaults after common LightGBM settings for daily stock panels).
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtConfig {
    /// Boosting rounds at most.
    pub iterations: usize,
    /// Shrinkage per tree.
    pub learning_rate: f32,
    /// Leaves per tree (leaf-wise growth).
    pub max_leaves: usize,
    /// Depth limit.
    pub max_depth: usize,
    /// L2 penalty on leaf values.
    pub l2: f32,
    /// Minimum hessian (rows, for squared loss) in a leaf.
    pub min_leaf_weight: f32,
    /// Rounds without improvement of the validation RMSE before stopping.
    pub early_stopping_rounds: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for GbdtConfig {
    fn default() -> Self {
        GbdtConfig {
            iterations: 300,
            learning_rate: 0.05,
            max_leaves: 31,
            max_depth: 8,
            l2: 1.0,
            min_leaf_weight: 50.0,
            early_stopping_rounds: 30,
            seed: 0,
        }
    }
}

/// Gradient-boosted trees (see the module docs).
pub struct Gbdt {
    cfg: GbdtConfig,
    booster: Option<GradientBooster>,
}

impl Gbdt {
    /// An untrained model.
    pub fn new(cfg: GbdtConfig) -> Self {
        Gbdt { cfg, booster: None }
    }

    /// Read a model written by [`AlphaModel::save`].
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ModelError(format!("{}: cannot read ({e})", path.display())))?;
        let booster = GradientBooster::from_json(&text).map_err(|e| {
            ModelError(format!(
                "{}: not a rotor GBDT model file ({e})",
                path.display()
            ))
        })?;
        Ok(Gbdt {
            cfg: GbdtConfig::default(),
            booster: Some(booster),
        })
    }

    /// Trees grown, and the round early stopping kept (None without validation rows).
    pub fn rounds(&self) -> (usize, Option<usize>) {
        self.booster
            .as_ref()
            .map_or((0, None), |b| (b.trees.len(), b.prediction_iteration))
    }

    fn booster(&self, with_valid: bool) -> Result<GradientBooster, ModelError> {
        let c = &self.cfg;
        GradientBooster::new(
            ObjectiveType::SquaredLoss,
            c.iterations,
            c.learning_rate,
            c.max_depth,
            c.max_leaves,
            0.0,
            c.l2,
            0.0,
            0.0,
            c.min_leaf_weight,
            0.5,
            256,
            true,
            true,
            None,
            1.0,
            0.1,
            0.2,
            1.0,
            c.seed,
            f64::NAN,
            false,
            SampleMethod::None,
            GrowPolicy::LossGuide,
            with_valid.then_some(Metric::RootMeanSquaredError),
            with_valid.then_some(c.early_stopping_rounds),
            true,
            HashSet::new(),
            MissingNodeTreatment::AssignToParent,
            0,
            false,
        )
        .map_err(|e| ModelError(format!("GBDT settings: {e}")))
    }
}

impl AlphaModel for Gbdt {
    fn fit(
        &mut self,
        x: &Rows<'_>,
        y: &[f64],
        valid: Option<(&Rows<'_>, &[f64])>,
    ) -> Result<(), ModelError> {
        x.check()?;
        if y.len() != x.rows || x.rows == 0 {
            return Err(ModelError(format!(
                "{} targets for {} rows",
                y.len(),
                x.rows
            )));
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(ModelError(format!("target of row {i} is not a number")));
        }
        let mut b = self.booster(valid.is_some())?;
        let m = Matrix::new(x.data, x.rows, x.cols);
        let w = vec![1.0; x.rows];
        let res = match valid {
            Some((vx, vy)) => {
                vx.check()?;
                if vy.len() != vx.rows || vx.cols != x.cols {
                    return Err(ModelError(
                        "validation rows do not match the training columns".into(),
                    ));
                }
                let vm = Matrix::new(vx.data, vx.rows, vx.cols);
                let vw = vec![1.0; vx.rows];
                b.fit(&m, y, &w, Some(vec![(vm, vy, &vw[..])]))
            }
            None => b.fit(&m, y, &w, None),
        };
        res.map_err(|e| ModelError(format!("GBDT training: {e}")))?;
        self.booster = Some(b);
        Ok(())
    }

    fn predict(&self, x: &Rows<'_>) -> Result<Vec<f64>, ModelError> {
        x.check()?;
        let b = self
            .booster
            .as_ref()
            .ok_or_else(|| ModelError("the model is not trained".into()))?;
        Ok(b.predict(&Matrix::new(x.data, x.rows, x.cols), false))
    }

    fn save(&self, path: &Path) -> Result<(), ModelError> {
        let b = self
            .booster
            .as_ref()
            .ok_or_else(|| ModelError("the model is not trained".into()))?;
        let json = b
            .json_dump()
            .map_err(|e| ModelError(format!("GBDT model: {e}")))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| ModelError(format!("{}: cannot write ({e})", path.display())))
    }
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
