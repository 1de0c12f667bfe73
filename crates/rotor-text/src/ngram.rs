//! The offline classifier: character n-grams and a multinomial logistic regression.
//!
//! **Features.** The text is [normalised](crate::textops::normalise); its character
//! n-grams for n in `min_n..=max_n` (1–3 by default — Chinese needs no segmenter)
//! are counted; the vocabulary is every gram in at least `min_df` training texts, the
//! `max_features` most frequent kept (ties by gram, so the vocabulary is deterministic).
//! A text's vector is `(1 + ln tf) · idf`, `idf = ln((1 + N) / (1 + df)) + 1` (scikit-learn's
//! smooth idf), scaled to unit L2 norm.
//!
//! **Model.** Softmax regression `p(k|x) = exp(w_k·x + b_k) / Σ_j exp(w_j·x + b_j)`
//! fitted by stochastic gradient descent on the cross-entropy plus `l2/2 · ‖W‖²`
//! (bias not penalised), step `η_t = η₀ / (1 + η₀ · l2 · t)`, `epochs` passes over the
//! texts in an order shuffled by `seed` (SplitMix64), with an optional class weight
//! `N / (K · N_k)` ("balanced"). Same texts, labels and seed → the same bytes of the
//! saved model.
//!
//! **Reason.** The quoted reason of a prediction is the sentence of the text whose own
//! vector scores highest for the predicted label against the mean of the others.

use crate::error::{Result, TextError};
use crate::textops::{char_ngrams, normalise, sentences};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NgramConfig {
    /// Shortest gram.
    pub min_n: usize,
    /// Longest gram.
    pub max_n: usize,
    /// Minimum number of training texts a gram must appear in.
    pub min_df: usize,
    /// Vocabulary size cap.
    pub max_features: usize,
    /// Passes over the training texts.
    pub epochs: usize,
    /// L2 penalty.
    pub l2: f64,
    /// Initial step η₀.
    pub learning_rate: f64,
    /// Weight classes by `N / (K · N_k)`.
    pub balanced: bool,
    /// Shuffle seed.
    pub seed: u64,
}

impl Default for NgramConfig {
    fn default() -> Self {
        NgramConfig {
            min_n: 1,
            max_n: 3,
            min_df: 2,
            max_features: 20_000,
            epochs: 40,
            l2: 1e-4,
            learning_rate: 0.5,
            balanced: false,
            seed: 7,
        }
    }
}

/// A trained classifier (saved as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NgramModel {
    /// Settings it was trained with.
    pub config: NgramConfig,
    /// The task it was trained for.
    pub task: String,
    /// Labels, in the task's order.
    pub labels: Vec<String>,
    /// Vocabulary (grams), index = feature.
    pub vocab: Vec<String>,
    /// idf per feature.
    pub idf: Vec<f64>,
    /// Weights per label: one per feature, then the bias.
    pub weights: Vec<Vec<f64>>,
    /// Training texts per label.
    pub counts: Vec<usize>,
    /// [`text_hash`](crate::split::text_hash) of every training text, sorted: which
    /// texts the model has seen, so a score on them is never reported as held-out.
    #[serde(default)]
    pub text_hashes: Vec<String>,
    /// Gram → feature, built on first use.
    #[serde(skip)]
    index: std::sync::OnceLock<HashMap<String, usize>>,
}

type Sparse = Vec<(usize, f64)>;

struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn shuffled(n: usize, rng: &mut SplitMix) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

fn build_vocab(grams: &[Vec<String>], cfg: &NgramConfig) -> (Vec<String>, Vec<f64>) {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for g in grams {
        let mut seen: Vec<&str> = g.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for s in seen {
            *df.entry(s).or_default() += 1;
        }
    }
    let mut kept: Vec<(&str, usize)> = df.into_iter().filter(|(_, d)| *d >= cfg.min_df).collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kept.truncate(cfg.max_features);
    kept.sort_by(|a, b| a.0.cmp(b.0));
    let n = grams.len() as f64;
    let idf = kept
        .iter()
        .map(|(_, d)| ((1.0 + n) / (1.0 + *d as f64)).ln() + 1.0)
        .collect();
    (kept.into_iter().map(|(s, _)| s.to_string()).collect(), idf)
}

fn vectorise(grams: &[String], index: impl Fn(&str) -> Option<usize>, idf: &[f64]) -> Sparse {
    let mut tf: HashMap<usize, f64> = HashMap::new();
    for g in grams {
        if let Some(j) = index(g.as_str()) {
            *tf.entry(j).or_default() += 1.0;
        }
    }
    let mut v: Sparse = tf
        .into_iter()
        .map(|(j, c)| (j, (1.0 + c.ln()) * idf[j]))
        .collect();
    v.sort_unstable_by_key(|x| x.0);
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| x.1 /= norm);
    }
    v
}

fn softmax(z: &mut [f64]) {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for x in z.iter_mut() {
        *x = (*x - m).exp();
        s += *x;
    }
    z.iter_mut().for_each(|x| *x /= s);
}

/// What training saw.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Texts per label.
    pub counts: Vec<usize>,
    /// Vocabulary size.
    pub features: usize,
    /// Accuracy on the training texts themselves.
    pub train_accuracy: f64,
}

impl NgramModel {
    /// Train on `(text, label)` pairs; every label must be one of `labels`, and at least
    /// two labels must occur.
    pub fn train(
        task: &str,
        labels: &[String],
        examples: &[(&str, &str)],
        cfg: &NgramConfig,
    ) -> Result<(NgramModel, TrainReport)> {
        validate_config(cfg)?;
        let mut y = Vec::with_capacity(examples.len());
        let mut counts = vec![0usize; labels.len()];
        for (i, (_, l)) in examples.iter().enumerate() {
            let k = labels.iter().position(|x| x == l).ok_or_else(|| {
                TextError::Model(format!(
                    "training example {} has label \"{l}\", not one of the task's labels ({})",
                    i + 1,
                    labels.join(", ")
                ))
            })?;
            counts[k] += 1;
            y.push(k);
        }
        if counts.iter().filter(|&&c| c > 0).count() < 2 {
            return Err(TextError::Model(format!(
                "training needs examples of at least two labels; got {} example(s) of {} label(s)",
                examples.len(),
                counts.iter().filter(|&&c| c > 0).count()
            )));
        }
        let grams: Vec<Vec<String>> = examples
            .iter()
            .map(|(t, _)| char_ngrams(&normalise(t), cfg.min_n, cfg.max_n))
            .collect();
        let (vocab, idf) = build_vocab(&grams, cfg);
        let index: HashMap<&str, usize> = vocab
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let xs: Vec<Sparse> = grams
            .iter()
            .map(|g| vectorise(g, |s| index.get(s).copied(), &idf))
            .collect();
        let weights = fit_softmax(&xs, &y, &counts, vocab.len(), cfg);
        let model = NgramModel {
            config: cfg.clone(),
            task: task.to_string(),
            labels: labels.to_vec(),
            vocab,
            idf,
            weights,
            counts: counts.clone(),
            text_hashes: {
                let mut h: Vec<String> = examples
                    .iter()
                    .map(|(t, _)| crate::split::text_hash(t))
                    .collect();
                h.sort_unstable();
                h.dedup();
                h
            },
            index: std::sync::OnceLock::new(),
        };
        let hits = xs
            .iter()
            .zip(&y)
            .filter(|(x, &k)| argmax(&model.scores(x)) == k)
            .count();
        let report = TrainReport {
            counts,
            features: model.vocab.len(),
            train_accuracy: hits as f64 / y.len() as f64,
        };
        Ok((model, report))
    }

    fn scores(&self, x: &Sparse) -> Vec<f64> {
        let d = self.vocab.len();
        let mut z: Vec<f64> = self
            .weights
            .iter()
            .map(|w| w[d] + x.iter().map(|&(j, v)| w[j] * v).sum::<f64>())
            .collect();
        softmax(&mut z);
        z
    }

    fn vector(&self, text: &str) -> Sparse {
        let index = self.index.get_or_init(|| {
            self.vocab
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i))
                .collect()
        });
        let g = char_ngrams(&normalise(text), self.config.min_n, self.config.max_n);
        vectorise(&g, |s| index.get(s).copied(), &self.idf)
    }

    /// Whether `text` (normalised) was one of the training texts.
    pub fn trained_on(&self, text: &str) -> bool {
        self.text_hashes
            .binary_search(&crate::split::text_hash(text))
            .is_ok()
    }

    /// (label index, probabilities) of a text.
    pub fn predict(&self, text: &str) -> (usize, Vec<f64>) {
        let p = self.scores(&self.vector(text));
        (argmax(&p), p)
    }

    /// The sentence of `text` that speaks most for label `k` (see the module doc).
    pub fn reason(&self, text: &str, k: usize) -> Option<String> {
        let others = self.weights.len().saturating_sub(1).max(1) as f64;
        let margin = |x: &Sparse| {
            x.iter()
                .map(|&(j, v)| {
                    let rest: f64 = self
                        .weights
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != k)
                        .map(|(_, w)| w[j])
                        .sum();
                    v * (self.weights[k][j] - rest / others)
                })
                .sum::<f64>()
        };
        sentences(text)
            .into_iter()
            .map(|s| (margin(&self.vector(s)), s))
            .fold(None, |best: Option<(f64, &str)>, (m, s)| match best {
                Some((bm, _)) if bm >= m => best,
                _ => Some((m, s)),
            })
            .map(|(_, s)| s.to_string())
    }

    /// Save as JSON (temporary file, then rename).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        let bytes = serde_json::to_vec(self).map_err(|e| TextError::Model(e.to_string()))?;
        crate::cache::write_atomic(path, &bytes)
    }

    /// Load a model saved by [`NgramModel::save`].
    pub fn load(path: &std::path::Path) -> Result<NgramModel> {
        let bytes = std::fs::read(path).map_err(|e| TextError::io(path, e))?;
        let m: NgramModel = serde_json::from_slice(&bytes).map_err(|e| {
            TextError::Model(format!(
                "{}: not an n-gram model file ({e})",
                path.display()
            ))
        })?;
        let d = m.vocab.len();
        if m.idf.len() != d
            || m.weights.len() != m.labels.len()
            || m.weights.iter().any(|w| w.len() != d + 1)
        {
            return Err(TextError::Model(format!(
                "{}: the model's vocabulary, idf and weights disagree in size",
                path.display()
            )));
        }
        Ok(m)
    }

    /// A short fingerprint of the model (SHA-256 of its JSON, 12 hex digits).
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        crate::cache::sha256_hex(&bytes)[..12].to_string()
    }
}

fn validate_config(cfg: &NgramConfig) -> Result<()> {
    let bad = |m: &str| Err(TextError::Model(format!("n-gram settings: {m}")));
    if cfg.min_n == 0 || cfg.max_n < cfg.min_n {
        return bad("need 1 <= min_n <= max_n");
    }
    if cfg.epochs == 0
        || cfg.learning_rate.is_nan()
        || cfg.learning_rate <= 0.0
        || cfg.l2.is_nan()
        || cfg.l2 < 0.0
    {
        return bad("need epochs > 0, learning_rate > 0, l2 >= 0");
    }
    Ok(())
}

fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in p.iter().enumerate() {
        if x > p[best] {
            best = i;
        }
    }
    best
}

/// SGD on the penalised cross-entropy. The L2 shrinkage is exact: weights are kept as
/// `scale · v`, shrinking multiplies `scale`, so a step touches only the text's features.
fn fit_softmax(
    xs: &[Sparse],
    y: &[usize],
    counts: &[usize],
    d: usize,
    cfg: &NgramConfig,
) -> Vec<Vec<f64>> {
    let k = counts.len();
    let n = xs.len();
    let class_w: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if cfg.balanced && c > 0 {
                n as f64 / (k as f64 * c as f64)
            } else {
                1.0
            }
        })
        .collect();
    let mut v = vec![vec![0.0; d]; k];
    let mut bias = vec![0.0; k];
    let mut scale = 1.0;
    let mut rng = SplitMix(cfg.seed);
    let mut t = 0.0;
    let mut z = vec![0.0; k];
    for _ in 0..cfg.epochs {
        for i in shuffled(n, &mut rng) {
            let eta = cfg.learning_rate / (1.0 + cfg.learning_rate * cfg.l2 * t);
            t += 1.0;
            for c in 0..k {
                z[c] = bias[c] + scale * xs[i].iter().map(|&(j, x)| v[c][j] * x).sum::<f64>();
            }
            softmax(&mut z);
            scale *= 1.0 - eta * cfg.l2;
            if scale < 1e-9 {
                v.iter_mut().flatten().for_each(|w| *w *= scale);
                scale = 1.0;
            }
            for c in 0..k {
                let g = class_w[y[i]] * (z[c] - f64::from(u8::from(c == y[i])));
                bias[c] -= eta * g;
                for &(j, x) in &xs[i] {
                    v[c][j] -= eta * g * x / scale;
                }
            }
        }
    }
    v.into_iter()
        .zip(bias)
        .map(|(mut w, b)| {
            w.iter_mut().for_each(|x| *x *= scale);
            w.push(b);
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<(&'static str, &'static str)> {
        vec![
            ("本基金精选高成长股票，分享成长红利。", "growth"),
            ("重点投资成长性突出的科技公司。", "growth"),
            ("寻找高成长行业中的优质成长股。", "growth"),
            ("投资于低估值的价值股，注重安全边际。", "value"),
            ("坚持价值投资，买入被低估的公司。", "value"),
            ("关注股息率高、估值低的价值型公司。", "value"),
        ]
    }

    fn labels() -> Vec<String> {
        vec!["growth".into(), "value".into(), "balanced".into()]
    }

    #[test]
    fn learns_a_separable_toy_set_and_quotes_a_reason() {
        let cfg = NgramConfig {
            min_df: 1,
            ..NgramConfig::default()
        };
        let (m, r) = NgramModel::train("t", &labels(), &toy(), &cfg).unwrap();
        assert_eq!(r.counts, vec![3, 3, 0]);
        assert_eq!(r.train_accuracy, 1.0);
        assert!(m.trained_on(" 本基金精选高成长股票，分享成长红利。"));
        assert!(!m.trained_on("本基金精选高成长股票。"));
        let (k, p) = m.predict("一只偏好高成长公司的基金");
        assert_eq!(m.labels[k], "growth");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let (k, _) = m.predict("买入低估值、安全边际高的股票");
        assert_eq!(m.labels[k], "value");
        let why = m.reason("本基金风格稳健。主要买入低估值股票。", k).unwrap();
        assert_eq!(why, "主要买入低估值股票。");
    }

    #[test]
    fn training_is_deterministic_for_a_seed_and_changes_with_it() {
        let cfg = NgramConfig {
            min_df: 1,
            epochs: 3,
            ..NgramConfig::default()
        };
        let a = NgramModel::train("t", &labels(), &toy(), &cfg).unwrap().0;
        let b = NgramModel::train("t", &labels(), &toy(), &cfg).unwrap().0;
        assert_eq!(
            serde_json::to_vec(&a).unwrap(),
            serde_json::to_vec(&b).unwrap()
        );
        let c = NgramModel::train("t", &labels(), &toy(), &NgramConfig { seed: 8, ..cfg })
            .unwrap()
            .0;
        assert_ne!(a.weights, c.weights);
    }

    #[test]
    fn save_load_round_trip_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = NgramConfig {
            min_df: 1,
            ..NgramConfig::default()
        };
        let m = NgramModel::train("t", &labels(), &toy(), &cfg).unwrap().0;
        let p = dir.path().join("m.json");
        m.save(&p).unwrap();
        assert_eq!(NgramModel::load(&p).unwrap(), m);
        std::fs::write(&p, "{\"x\": 1}").unwrap();
        assert!(NgramModel::load(&p)
            .unwrap_err()
            .to_string()
            .contains("not an n-gram model"));
    }

    #[test]
    fn bad_training_sets_are_errors() {
        let cfg = NgramConfig::default();
        let e = NgramModel::train("t", &labels(), &[("a", "growth"), ("b", "momentum")], &cfg)
            .unwrap_err();
        assert!(
            e.to_string().contains("example 2 has label \"momentum\""),
            "{e}"
        );
        let e = NgramModel::train("t", &labels(), &[("a", "growth"), ("b", "growth")], &cfg)
            .unwrap_err();
        assert!(e.to_string().contains("at least two labels"), "{e}");
        let e = NgramModel::train("t", &labels(), &toy(), &NgramConfig { min_n: 0, ..cfg })
            .unwrap_err();
        assert!(e.to_string().contains("min_n"), "{e}");
    }

    #[test]
    fn an_empty_text_gets_the_bias_answer_not_a_panic() {
        let cfg = NgramConfig {
            min_df: 1,
            ..NgramConfig::default()
        };
        let m = NgramModel::train("t", &labels(), &toy(), &cfg).unwrap().0;
        let (_, p) = m.predict("");
        assert!(p.iter().all(|x| x.is_finite()));
        assert_eq!(m.reason("", 0), None);
    }
}
