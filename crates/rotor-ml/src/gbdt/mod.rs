//! Gradient-boosted regression trees trained in rotor: a histogram GBDT for squared loss
//! in the manner of LightGBM (binned features, leaf-wise growth, histogram subtraction),
//! written for the daily stock panels of SPEC §15 and checked beside LightGBM on the same
//! rows (`bench/run.sh ml`).
//!
//! **Training** ([`Gbdt`] as an [`AlphaModel`]):
//! 1. `bins` — each feature cut into ≤ 255 equal-count bins from a row sample
//!    ([`GbdtConfig::bin_sample`] rows), NaN in its own bin;
//! 2. the start score is the mean target (LightGBM's `boost_from_average`);
//! 3. each round: gradients `g_i = ŷ_i − y_i` (squared loss, hessian 1), one tree
//!    grown leaf-wise (`grow`) on them, its leaf values (shrunk by the learning rate) added;
//! 4. with validation rows (later in time than the training rows), their mean squared
//!    error after each round; training stops `early_stopping_rounds` rounds after the
//!    best and keeps the trees up to the best round (ties keep the earlier round).
//!
//! Same rows → same trees on any thread count (see `grow`); nothing is sampled, so
//! there is no seed. **Saved** as text (`tree`'s lines between a
//! header and an `end` line, so a file cut short is refused), read back bit for bit.
//!
//! **Extending.** Another loss needs its gradient and hessian in the round loop and the
//! hessian summed in the histograms (today the row count stands for it); row or feature
//! sampling would add a seed to [`GbdtConfig`].

mod bins;
mod grow;
mod tree;

use crate::model::{AlphaModel, ModelError, Rows};
use bins::BinMapper;
use grow::{Grower, Params};
use rayon::prelude::*;
use std::path::Path;
use tree::Tree;

/// Settings of [`Gbdt`] (defaults after common LightGBM settings for daily stock panels).
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtConfig {
    /// Boosting rounds at most.
    pub iterations: usize,
    /// Shrinkage per tree.
    pub learning_rate: f32,
    /// Leaves per tree (leaf-wise growth).
    pub max_leaves: usize,
    /// Depth limit (the root is depth 0).
    pub max_depth: usize,
    /// L2 penalty λ on leaf values.
    pub l2: f32,
    /// Minimum rows (the hessian, for squared loss) in a leaf.
    pub min_leaf_weight: f32,
    /// Rounds without improvement of the validation error before stopping.
    pub early_stopping_rounds: usize,
    /// Rows read per feature to place the bin cuts (LightGBM's `bin_construct_sample_cnt`).
    pub bin_sample: usize,
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
            bin_sample: 100_000,
        }
    }
}

/// Gradient-boosted trees (see the module docs).
#[derive(Debug, Clone)]
pub struct Gbdt {
    cfg: GbdtConfig,
    trained: Option<Trained>,
}

#[derive(Debug, Clone, PartialEq)]
struct Trained {
    features: usize,
    base: f64,
    trees: Vec<Tree>,
    grown: usize,
    kept: Option<usize>,
}

/// First line of a saved model.
const MAGIC: &str = "rotor-gbdt 1";

impl Gbdt {
    /// An untrained model.
    pub fn new(cfg: GbdtConfig) -> Self {
        Gbdt { cfg, trained: None }
    }

    /// Trees grown, and the rounds early stopping kept (None without validation rows).
    pub fn rounds(&self) -> (usize, Option<usize>) {
        self.trained
            .as_ref()
            .map_or((0, None), |t| (t.grown, t.kept))
    }

    /// Read a model written by [`AlphaModel::save`].
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ModelError(format!("{}: cannot read ({e})", path.display())))?;
        let trained = Self::from_text(&text).map_err(|e| {
            ModelError(format!(
                "{}: not a rotor GBDT model file ({e})",
                path.display()
            ))
        })?;
        Ok(Gbdt {
            cfg: GbdtConfig::default(),
            trained: Some(trained),
        })
    }

    fn params(&self) -> Result<Params, ModelError> {
        let c = &self.cfg;
        if c.iterations == 0
            || !(c.learning_rate > 0.0 && c.learning_rate <= 1.0)
            || c.max_leaves < 2
            || c.max_depth == 0
            || c.l2 < 0.0
            || c.min_leaf_weight.is_nan()
            || c.min_leaf_weight < 1.0
        {
            return Err(ModelError(format!(
                "GBDT settings: at least 1 round, learning rate in (0, 1], at least 2 leaves, depth ≥ 1, L2 ≥ 0 and at least 1 row a leaf expected, got {c:?}"
            )));
        }
        Ok(Params {
            learning_rate: f64::from(c.learning_rate),
            max_leaves: c.max_leaves,
            max_depth: c.max_depth,
            l2: f64::from(c.l2),
            min_leaf: f64::from(c.min_leaf_weight),
        })
    }

    fn to_text(t: &Trained) -> String {
        let mut s = format!(
            "{MAGIC}\nfeatures {}\nbase {:?}\nrounds {} {}\ntrees {}\n",
            t.features,
            t.base,
            t.grown,
            t.kept.map_or("-".to_string(), |k| k.to_string()),
            t.trees.len()
        );
        for tree in &t.trees {
            tree.write(&mut s);
        }
        s.push_str("end\n");
        s
    }

    fn from_text(text: &str) -> Result<Trained, String> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        if lines.next().map(|(_, l)| l) != Some(MAGIC) {
            return Err(format!("line 1: expected `{MAGIC}`"));
        }
        let mut field = |key: &str| -> Result<Vec<String>, String> {
            let (ln, l) = lines
                .next()
                .ok_or(format!("the file ends before `{key}`"))?;
            let mut p = l.split_whitespace();
            if p.next() != Some(key) {
                return Err(format!("line {ln}: expected `{key} …`"));
            }
            Ok(p.map(str::to_string).collect())
        };
        let one = |v: Vec<String>, key: &str| -> Result<String, String> {
            v.into_iter().next().ok_or(format!("`{key}` has no value"))
        };
        let features: usize = one(field("features")?, "features")?
            .parse()
            .map_err(|_| "`features`: not a count")?;
        let base: f64 = one(field("base")?, "base")?
            .parse()
            .map_err(|_| "`base`: not a number")?;
        let r = field("rounds")?;
        let grown: usize = r.first().and_then(|v| v.parse().ok()).ok_or("`rounds`")?;
        let kept = r.get(1).and_then(|v| v.parse().ok());
        let n: usize = one(field("trees")?, "trees")?
            .parse()
            .map_err(|_| "`trees`: not a count")?;
        let trees = (0..n)
            .map(|_| Tree::read(&mut lines, features))
            .collect::<Result<Vec<_>, _>>()?;
        // a file cut short inside the last leaf line would still parse: the end line says
        // the file is whole
        match lines.next() {
            Some((_, "end")) => {}
            Some((ln, _)) => return Err(format!("line {ln}: expected `end` after {n} trees")),
            None => return Err("the file ends before its `end` line (cut short?)".into()),
        }
        Ok(Trained {
            features,
            base,
            trees,
            grown,
            kept,
        })
    }
}

/// Checks shared by fit: shapes and finite targets.
fn check_fit(
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
    if let Some((vx, vy)) = valid {
        vx.check()?;
        if vy.len() != vx.rows || vx.cols != x.cols {
            return Err(ModelError(
                "validation rows do not match the training columns".into(),
            ));
        }
        if let Some(i) = vy.iter().position(|v| !v.is_finite()) {
            return Err(ModelError(format!(
                "validation target of row {i} is not a number"
            )));
        }
    }
    Ok(())
}

/// The validation rows' running predictions and early-stopping state.
struct Stopper {
    bins: Vec<u8>,
    rows: usize,
    y: Vec<f64>,
    pred: Vec<f64>,
    best: (usize, f64),
}

impl Stopper {
    /// Add a tree; the mean squared error after it.
    fn add(&mut self, tree: &Tree) -> f64 {
        let (bins, rows) = (&self.bins, self.rows);
        self.pred
            .par_chunks_mut(4096)
            .enumerate()
            .for_each(|(c, p)| {
                for (k, v) in p.iter_mut().enumerate() {
                    *v += tree.predict_binned(bins, rows, c * 4096 + k);
                }
            });
        self.pred
            .iter()
            .zip(&self.y)
            .map(|(p, y)| (p - y) * (p - y))
            .sum::<f64>()
            / self.rows.max(1) as f64
    }
}

impl AlphaModel for Gbdt {
    fn fit(
        &mut self,
        x: &Rows<'_>,
        y: &[f64],
        valid: Option<(&Rows<'_>, &[f64])>,
    ) -> Result<(), ModelError> {
        check_fit(x, y, valid)?;
        let p = self.params()?;
        let mapper = BinMapper::fit(x.data, x.rows, x.cols, self.cfg.bin_sample);
        let bins = mapper.transform(x.data, x.rows);
        let base = y.iter().sum::<f64>() / y.len() as f64;
        let mut stop = valid.map(|(vx, vy)| Stopper {
            bins: mapper.transform(vx.data, vx.rows),
            rows: vx.rows,
            y: vy.to_vec(),
            pred: vec![base; vx.rows],
            best: (0, f64::INFINITY),
        });
        let mut pred = vec![base; x.rows];
        let mut grad = vec![0.0; x.rows];
        let mut grower = Grower::new(&bins, x.rows, x.cols, &mapper);
        let mut trees = Vec::new();
        for round in 0..self.cfg.iterations {
            for ((g, p), t) in grad.iter_mut().zip(&pred).zip(y) {
                *g = p - t;
            }
            let tree = grower.grow(&grad, &p, &mut pred);
            let single = tree.nodes.is_empty();
            if let Some(s) = stop.as_mut() {
                let mse = s.add(&tree);
                if mse < s.best.1 {
                    s.best = (round, mse);
                }
            }
            trees.push(tree);
            let stalled = stop
                .as_ref()
                .is_some_and(|s| round - s.best.0 >= self.cfg.early_stopping_rounds);
            if single || stalled {
                break;
            }
        }
        let grown = trees.len();
        let kept = stop.map(|s| s.best.0 + 1);
        if let Some(k) = kept {
            trees.truncate(k);
        }
        self.trained = Some(Trained {
            features: x.cols,
            base,
            trees,
            grown,
            kept,
        });
        Ok(())
    }

    fn predict(&self, x: &Rows<'_>) -> Result<Vec<f64>, ModelError> {
        x.check()?;
        let t = self
            .trained
            .as_ref()
            .ok_or_else(|| ModelError("the model is not trained".into()))?;
        if x.cols != t.features {
            return Err(ModelError(format!(
                "{} feature columns for a model trained on {}",
                x.cols, t.features
            )));
        }
        let mut out = vec![t.base; x.rows];
        out.par_chunks_mut(1024).enumerate().for_each(|(c, o)| {
            for (k, v) in o.iter_mut().enumerate() {
                let i = c * 1024 + k;
                for tree in &t.trees {
                    *v += tree.predict_raw(x.data, x.rows, i);
                }
            }
        });
        Ok(out)
    }

    fn save(&self, path: &Path) -> Result<(), ModelError> {
        let t = self
            .trained
            .as_ref()
            .ok_or_else(|| ModelError("the model is not trained".into()))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, Self::to_text(t))
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| ModelError(format!("{}: cannot write ({e})", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column-major rows: x0 uniform, x1 uniform with every 7th missing, x2 constant;
    /// y = step in x0 + a missing-value effect in x1 + small noise.
    fn data(rows: usize) -> (Vec<f64>, Vec<f64>) {
        let mut s = 17u64;
        let mut u = move || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 11) as f64) / (1u64 << 53) as f64
        };
        let mut x = vec![0.0; rows * 3];
        let mut y = vec![0.0; rows];
        for i in 0..rows {
            x[i] = u();
            x[rows + i] = if i % 7 == 0 { f64::NAN } else { u() };
            x[2 * rows + i] = 1.0;
            y[i] = if x[i] > 0.6 { 1.0 } else { 0.0 }
                + if i % 7 == 0 { 0.5 } else { 0.0 }
                + 0.01 * u();
        }
        (x, y)
    }

    fn rows(x: &[f64]) -> Rows<'_> {
        Rows {
            data: x,
            rows: x.len() / 3,
            cols: 3,
        }
    }

    #[test]
    fn a_stump_finds_the_step_and_its_cut_agrees_on_bins_and_values() {
        let (x, y) = data(2000);
        let mut m = Gbdt::new(GbdtConfig {
            iterations: 1,
            max_leaves: 2,
            learning_rate: 1.0,
            l2: 0.0,
            ..Default::default()
        });
        m.fit(&rows(&x), &y, None).unwrap();
        let t = &m.trained.as_ref().unwrap().trees[0];
        assert_eq!(t.nodes.len(), 1);
        assert_eq!(t.nodes[0].feature, 0);
        assert!(
            (t.nodes[0].threshold - 0.6).abs() < 0.01,
            "{:?}",
            t.nodes[0]
        );
        // with λ = 0 and learning rate 1 a leaf is its rows' mean residual
        let base = y.iter().sum::<f64>() / 2000.0;
        let hi: Vec<f64> = (0..2000)
            .filter(|&i| x[i] > t.nodes[0].threshold)
            .map(|i| y[i])
            .collect();
        let want = hi.iter().sum::<f64>() / hi.len() as f64 - base;
        assert!((t.leaves[1] - want).abs() < 1e-9, "{} {want}", t.leaves[1]);
    }

    #[test]
    fn raw_values_and_bins_reach_the_same_leaf_and_leaves_keep_their_rows() {
        let (x, y) = data(3000);
        let cfg = GbdtConfig {
            iterations: 20,
            min_leaf_weight: 40.0,
            ..Default::default()
        };
        let mut m = Gbdt::new(cfg);
        m.fit(&rows(&x), &y, None).unwrap();
        let mapper = BinMapper::fit(&x, 3000, 3, 100_000);
        let bins = mapper.transform(&x, 3000);
        let t = m.trained.as_ref().unwrap();
        assert!(t
            .trees
            .iter()
            .any(|t| t.nodes.iter().any(|n| n.feature == 1)));
        for tree in &t.trees {
            // every split of the constant column would be empty: never chosen
            assert!(tree.nodes.iter().all(|n| n.feature != 2));
            let mut count = vec![0usize; tree.leaves.len()];
            for i in 0..3000 {
                let a = tree.predict_raw(&x, 3000, i);
                assert_eq!(a, tree.predict_binned(&bins, 3000, i));
                count[tree.leaves.iter().position(|&v| v == a).unwrap()] += 1;
            }
            assert!(count.iter().all(|&c| c >= 40), "{count:?}");
        }
    }

    #[test]
    fn one_thread_or_two_grow_the_same_trees() {
        let (x, y) = data(5000);
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut m = Gbdt::new(GbdtConfig {
                    iterations: 30,
                    ..Default::default()
                });
                let (xv, yv) = data(1000);
                m.fit(&rows(&x), &y, Some((&rows(&xv), &yv))).unwrap();
                m.trained.unwrap()
            })
        };
        assert_eq!(fit(1), fit(2));
    }

    #[test]
    fn a_constant_target_gives_one_leaf_of_zero_and_zero_inputs_predict_the_mean() {
        let (x, _) = data(500);
        let y = vec![2.5; 500];
        let mut m = Gbdt::new(GbdtConfig::default());
        m.fit(&rows(&x), &y, None).unwrap();
        assert_eq!(m.rounds(), (1, None));
        let p = m.predict(&rows(&vec![0.0; 30])).unwrap();
        assert!(p.iter().all(|&v| v == 2.5), "{p:?}");
    }

    #[test]
    fn bad_settings_and_damaged_files_are_refused() {
        let (x, y) = data(300);
        let mut m = Gbdt::new(GbdtConfig {
            max_leaves: 1,
            ..Default::default()
        });
        let e = m.fit(&rows(&x), &y, None).unwrap_err();
        assert!(e.to_string().contains("at least 2 leaves"), "{e}");
        let mut m = Gbdt::new(GbdtConfig {
            iterations: 0,
            ..Default::default()
        });
        let e = m.fit(&rows(&x), &y, None).unwrap_err();
        assert!(e.to_string().contains("at least 1 round"), "{e}");
        let mut m = Gbdt::new(GbdtConfig {
            iterations: 3,
            ..Default::default()
        });
        m.fit(&rows(&x), &y, None).unwrap();
        let e = m
            .predict(&Rows {
                data: &x[..600],
                rows: 300,
                cols: 2,
            })
            .unwrap_err();
        assert!(e.to_string().contains("trained on 3"), "{e}");
        let text = Gbdt::to_text(m.trained.as_ref().unwrap());
        assert_eq!(
            Gbdt::from_text(&text).unwrap(),
            *m.trained.as_ref().unwrap()
        );
        // a child pointing back to its parent would loop for ever: refused
        let mut cyc = m.trained.clone().unwrap();
        cyc.trees[0].nodes[1].left = 0;
        let e = Gbdt::from_text(&Gbdt::to_text(&cyc)).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        let cut = &text[..text.len() - 20];
        assert!(Gbdt::from_text(cut).is_err());
        assert!(Gbdt::from_text("{}").unwrap_err().contains("line 1"));
    }
}
