//! A GRU on sequences of daily features (SPEC §15: the last 40 days × daily features),
//! trained on the CPU in rotor — one recurrent layer and a linear read-out of the last
//! hidden state, squared loss, Adam, time-ordered early stopping.
//!
//! **Cell** (PyTorch's `nn.GRU` convention, gates in the order r, z, n):
//! `r = σ(x W_xr + b_xr + h W_hr + b_hr)`, `z = σ(x W_xz + b_xz + h W_hz + b_hz)`,
//! `n = tanh(x W_xn + b_xn + r ⊙ (h W_hn + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`, from
//! `h_0 = 0`; the prediction is `ŷ = h_T · w_o + b_o`. Initial weights are uniform on
//! `±1/√H` (PyTorch's rule) from the seed.
//!
//! **Training**: loss `mean((ŷ − y)²)` over a batch; gradients by back-propagation
//! through time, each gradient element clipped to ±`clip` (Qlib's GRU clips by value);
//! Adam (β = 0.9, 0.999, ε = 1e−8). Each epoch visits the training samples in an order
//! shuffled from the seed and the epoch; after each epoch the validation loss (samples
//! later in time, given by the caller) is measured and the best epoch's weights are
//! kept; `patience` epochs without improvement stop training.
//!
//! **Determinism**: a batch is cut into fixed chunks of `chunk` samples whose gradients
//! are computed in parallel and summed in chunk order, so the same samples, settings and
//! seed give the same weights whatever the thread count (on one machine: the matrix
//! kernels pick SIMD instructions at run time).
//!
//! **Inputs** come through [`SeqSource`]: sample `i`'s sequence as `T × d` values, time
//! major, oldest first; NaN is read as 0 (the cross-sectional mean of a z-scored
//! feature). [`Gru`] also implements [`AlphaModel`] on [`Rows`] whose `T·d` columns are a
//! flattened sequence (column `s·d + f` = feature f at step s).

use crate::model::{AlphaModel, ModelError, Rows};
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// Settings of [`Gru`].
#[derive(Debug, Clone, PartialEq)]
pub struct GruConfig {
    /// Hidden units H (32).
    pub hidden: usize,
    /// Sequence length T in days (40).
    pub seq_len: usize,
    /// Epochs at most (20).
    pub epochs: usize,
    /// Samples per batch (512).
    pub batch: usize,
    /// Samples per parallel chunk of a batch (128).
    pub chunk: usize,
    /// Adam step size (1e−3).
    pub learning_rate: f32,
    /// Gradient elements clipped to ± this (3).
    pub clip: f32,
    /// Epochs without a better validation loss before stopping (3).
    pub patience: usize,
    /// Seed of the initial weights and the shuffles.
    pub seed: u64,
}

impl Default for GruConfig {
    fn default() -> Self {
        GruConfig {
            hidden: 32,
            seq_len: 40,
            epochs: 20,
            batch: 512,
            chunk: 128,
            learning_rate: 1e-3,
            clip: 3.0,
            patience: 3,
            seed: 7,
        }
    }
}

/// Where sequences come from.
pub trait SeqSource: Sync {
    /// Number of samples.
    fn len(&self) -> usize;
    /// No samples?
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Input features per step.
    fn n_feat(&self) -> usize;
    /// Write sample `i`'s sequence into `out` (`T × d`, time-major, oldest first).
    fn fill(&self, i: usize, out: &mut [f32]);
}

/// [`Rows`] as sequences: column `s·d + f` is feature f at step s.
struct RowsSeq<'a> {
    x: &'a Rows<'a>,
    d: usize,
}

impl SeqSource for RowsSeq<'_> {
    fn len(&self) -> usize {
        self.x.rows
    }
    fn n_feat(&self) -> usize {
        self.d
    }
    fn fill(&self, i: usize, out: &mut [f32]) {
        for (c, o) in out.iter_mut().enumerate() {
            *o = self.x.data[c * self.x.rows + i] as f32;
        }
    }
}

/// Offsets of the parameters in the flat vector.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    d: usize,
    h: usize,
}

impl Layout {
    fn wx(&self) -> std::ops::Range<usize> {
        0..self.d * 3 * self.h
    }
    fn wh(&self) -> std::ops::Range<usize> {
        let a = self.wx().end;
        a..a + self.h * 3 * self.h
    }
    fn bx(&self) -> std::ops::Range<usize> {
        let a = self.wh().end;
        a..a + 3 * self.h
    }
    fn bh(&self) -> std::ops::Range<usize> {
        let a = self.bx().end;
        a..a + 3 * self.h
    }
    fn wo(&self) -> std::ops::Range<usize> {
        let a = self.bh().end;
        a..a + self.h
    }
    fn bo(&self) -> usize {
        self.wo().end
    }
    fn len(&self) -> usize {
        self.bo() + 1
    }
}

/// `c = beta·c + op(a)·op(b)` on row-major slices; `op` transposes when asked. `a` is
/// `m × k` after `op`, `b` is `k × n`.
#[allow(clippy::too_many_arguments)]
fn matmul(
    a: &[f32],
    ta: bool,
    b: &[f32],
    tb: bool,
    c: &mut [f32],
    (m, k, n): (usize, usize, usize),
    beta: f32,
) {
    let av = if ta {
        ArrayView2::from_shape((k, m), a)
            .expect("shape")
            .reversed_axes()
    } else {
        ArrayView2::from_shape((m, k), a).expect("shape")
    };
    let bv = if tb {
        ArrayView2::from_shape((n, k), b)
            .expect("shape")
            .reversed_axes()
    } else {
        ArrayView2::from_shape((k, n), b).expect("shape")
    };
    let mut cv = ArrayViewMut2::from_shape((m, n), c).expect("shape");
    general_mat_mul(1.0, &av, &bv, beta, &mut cv);
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// What the forward pass of a chunk keeps for the backward pass.
struct Tape {
    b: usize,
    /// Inputs `[T][b][d]`.
    x: Vec<f32>,
    /// Hidden states `[T + 1][b][H]` (h_0 = 0).
    hs: Vec<f32>,
    /// Gates `[T][b][H]`.
    r: Vec<f32>,
    z: Vec<f32>,
    n: Vec<f32>,
    /// `h W_hn + b_hn` per step `[T][b][H]`.
    ghn: Vec<f32>,
    /// Predictions.
    y: Vec<f32>,
}

/// A trained (or initialised) GRU.
#[derive(Debug, Clone, PartialEq)]
pub struct Gru {
    cfg: GruConfig,
    lay: Layout,
    p: Vec<f32>,
    /// Epochs run and the best one (1-based; 0 = untrained).
    epochs: (usize, usize),
}

/// A 64-bit generator (splitmix64) for weights and shuffles.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

impl Gru {
    /// A network for `d` input features, weights drawn from the seed.
    pub fn new(cfg: GruConfig, d: usize) -> Self {
        let lay = Layout { d, h: cfg.hidden };
        let k = 1.0 / (cfg.hidden.max(1) as f64).sqrt();
        let mut rng = Mix(cfg.seed ^ 0x6752_5500);
        let p = (0..lay.len())
            .map(|_| ((2.0 * rng.unit() - 1.0) * k) as f32)
            .collect();
        Gru {
            cfg,
            lay,
            p,
            epochs: (0, 0),
        }
    }

    /// The settings.
    pub fn config(&self) -> &GruConfig {
        &self.cfg
    }

    /// Epochs run and the epoch whose weights are kept.
    pub fn epochs(&self) -> (usize, usize) {
        self.epochs
    }

    /// Gather samples `idx` into `[T][b][d]`.
    fn gather(&self, src: &dyn SeqSource, idx: &[usize]) -> Vec<f32> {
        let (t_len, d, b) = (self.cfg.seq_len, self.lay.d, idx.len());
        let mut x = vec![0.0f32; t_len * b * d];
        let mut one = vec![0.0f32; t_len * d];
        for (k, &i) in idx.iter().enumerate() {
            src.fill(i, &mut one);
            for s in 0..t_len {
                let dst = &mut x[(s * b + k) * d..(s * b + k + 1) * d];
                for (o, v) in dst.iter_mut().zip(&one[s * d..(s + 1) * d]) {
                    *o = if v.is_finite() { *v } else { 0.0 };
                }
            }
        }
        x
    }

    /// The forward pass over inputs `x` (`[T][b][d]`).
    fn forward(&self, x: Vec<f32>, b: usize) -> Tape {
        let (t_len, d, h) = (self.cfg.seq_len, self.lay.d, self.lay.h);
        let (wx, wh) = (&self.p[self.lay.wx()], &self.p[self.lay.wh()]);
        let (bx, bh) = (&self.p[self.lay.bx()], &self.p[self.lay.bh()]);
        let mut gx = vec![0.0f32; t_len * b * 3 * h];
        matmul(&x, false, wx, false, &mut gx, (t_len * b, d, 3 * h), 0.0);
        let mut tape = Tape {
            b,
            hs: vec![0.0; (t_len + 1) * b * h],
            r: vec![0.0; t_len * b * h],
            z: vec![0.0; t_len * b * h],
            n: vec![0.0; t_len * b * h],
            ghn: vec![0.0; t_len * b * h],
            y: vec![0.0; b],
            x,
        };
        let mut gh = vec![0.0f32; b * 3 * h];
        for s in 0..t_len {
            let (prev, next) = tape.hs.split_at_mut((s + 1) * b * h);
            let hp = &prev[s * b * h..];
            matmul(hp, false, wh, false, &mut gh, (b, h, 3 * h), 0.0);
            let hn = &mut next[..b * h];
            for i in 0..b {
                let gxi = &gx[(s * b + i) * 3 * h..(s * b + i + 1) * 3 * h];
                let ghi = &gh[i * 3 * h..(i + 1) * 3 * h];
                for u in 0..h {
                    let o = (s * b + i) * h + u;
                    let r = sigmoid(gxi[u] + bx[u] + ghi[u] + bh[u]);
                    let z = sigmoid(gxi[h + u] + bx[h + u] + ghi[h + u] + bh[h + u]);
                    let ghn = ghi[2 * h + u] + bh[2 * h + u];
                    let n = (gxi[2 * h + u] + bx[2 * h + u] + r * ghn).tanh();
                    tape.r[o] = r;
                    tape.z[o] = z;
                    tape.n[o] = n;
                    tape.ghn[o] = ghn;
                    hn[i * h + u] = (1.0 - z) * n + z * hp[i * h + u];
                }
            }
        }
        let (wo, bo) = (&self.p[self.lay.wo()], self.p[self.lay.bo()]);
        let last = &tape.hs[t_len * b * h..];
        for i in 0..b {
            tape.y[i] = bo + (0..h).map(|u| last[i * h + u] * wo[u]).sum::<f32>();
        }
        tape
    }

    /// Gradients of `Σ_i dy_i · ŷ_i` (dy = ∂loss/∂ŷ) by back-propagation through time.
    fn backward(&self, tape: &Tape, dy: &[f32]) -> Vec<f32> {
        let (t_len, d, h, b) = (self.cfg.seq_len, self.lay.d, self.lay.h, tape.b);
        let lay = self.lay;
        let mut g = vec![0.0f32; lay.len()];
        let wo = &self.p[lay.wo()];
        let wh = &self.p[lay.wh()];
        let last = &tape.hs[t_len * b * h..];
        let mut dh = vec![0.0f32; b * h];
        for i in 0..b {
            g[lay.bo()] += dy[i];
            for u in 0..h {
                g[lay.wo().start + u] += dy[i] * last[i * h + u];
                dh[i * h + u] = dy[i] * wo[u];
            }
        }
        let mut dgx = vec![0.0f32; t_len * b * 3 * h];
        let mut dgh = vec![0.0f32; t_len * b * 3 * h];
        for s in (0..t_len).rev() {
            let hp = &tape.hs[s * b * h..(s + 1) * b * h];
            let mut dh_prev = vec![0.0f32; b * h];
            for i in 0..b {
                for u in 0..h {
                    let o = (s * b + i) * h + u;
                    let (r, z, n) = (tape.r[o], tape.z[o], tape.n[o]);
                    let dhi = dh[i * h + u];
                    let dn = dhi * (1.0 - z);
                    let dz = dhi * (hp[i * h + u] - n);
                    dh_prev[i * h + u] = dhi * z;
                    let dan = dn * (1.0 - n * n);
                    let dr = dan * tape.ghn[o];
                    let dar = dr * r * (1.0 - r);
                    let daz = dz * z * (1.0 - z);
                    let row = (s * b + i) * 3 * h;
                    dgx[row + u] = dar;
                    dgx[row + h + u] = daz;
                    dgx[row + 2 * h + u] = dan;
                    dgh[row + u] = dar;
                    dgh[row + h + u] = daz;
                    dgh[row + 2 * h + u] = dan * r;
                }
            }
            // dh_{s−1} = z ⊙ dh + dgh · W_hᵀ
            let dghs = &dgh[s * b * 3 * h..(s + 1) * b * 3 * h];
            matmul(dghs, false, wh, true, &mut dh_prev, (b, 3 * h, h), 1.0);
            dh = dh_prev;
        }
        // weight gradients in one product each over all steps
        matmul(
            &tape.x,
            true,
            &dgx,
            false,
            &mut g[lay.wx()],
            (d, t_len * b, 3 * h),
            0.0,
        );
        matmul(
            &tape.hs[..t_len * b * h],
            true,
            &dgh,
            false,
            &mut g[lay.wh()],
            (h, t_len * b, 3 * h),
            0.0,
        );
        for row in dgx.chunks_exact(3 * h) {
            for (gb, v) in g[lay.bx()].iter_mut().zip(row) {
                *gb += v;
            }
        }
        for row in dgh.chunks_exact(3 * h) {
            for (gb, v) in g[lay.bh()].iter_mut().zip(row) {
                *gb += v;
            }
        }
        g
    }

    /// Loss and gradient of the batch `idx` (mean squared error), chunks in parallel and
    /// summed in chunk order.
    fn batch_grad(&self, src: &dyn SeqSource, y: &[f64], idx: &[usize]) -> (f64, Vec<f32>) {
        let total = idx.len() as f32;
        let parts: Vec<(f64, Vec<f32>)> = idx
            .par_chunks(self.cfg.chunk.max(1))
            .map(|ch| {
                let tape = self.forward(self.gather(src, ch), ch.len());
                let mut loss = 0.0f64;
                let dy: Vec<f32> = ch
                    .iter()
                    .zip(&tape.y)
                    .map(|(&i, &p)| {
                        let e = p - y[i] as f32;
                        loss += (e as f64) * (e as f64);
                        2.0 * e / total
                    })
                    .collect();
                (loss, self.backward(&tape, &dy))
            })
            .collect();
        let mut g = vec![0.0f32; self.lay.len()];
        let mut loss = 0.0;
        for (l, gp) in parts {
            loss += l;
            for (a, b) in g.iter_mut().zip(gp) {
                *a += b;
            }
        }
        (loss / idx.len().max(1) as f64, g)
    }

    /// Mean squared error over samples of `src` with targets `y`.
    fn loss(&self, src: &dyn SeqSource, y: &[f64]) -> f64 {
        let pred = self.predict_seq(src);
        let s: f64 = pred.iter().zip(y).map(|(p, t)| (p - t) * (p - t)).sum();
        s / y.len().max(1) as f64
    }

    /// Train on `train` with targets `y`; `valid` (later samples) chooses the epoch kept.
    /// `progress(epoch, train loss, validation loss)` is called after each epoch.
    pub fn fit_seq(
        &mut self,
        train: &dyn SeqSource,
        y: &[f64],
        valid: Option<(&dyn SeqSource, &[f64])>,
        progress: &dyn Fn(usize, f64, f64),
    ) -> Result<(), ModelError> {
        self.check(train, y)?;
        if let Some((v, vy)) = valid {
            self.check(v, vy)?;
        }
        let mut adam = Adam::new(self.lay.len());
        let mut rng = Mix(self.cfg.seed ^ 0x5348_5546);
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut best = (f64::INFINITY, self.p.clone(), 0usize);
        for epoch in 1..=self.cfg.epochs.max(1) {
            rng.shuffle(&mut order);
            let mut tl = 0.0;
            for idx in order.chunks(self.cfg.batch.max(1)) {
                let (l, mut g) = self.batch_grad(train, y, idx);
                tl += l * idx.len() as f64;
                for v in g.iter_mut() {
                    *v = v.clamp(-self.cfg.clip, self.cfg.clip);
                }
                adam.step(&mut self.p, &g, self.cfg.learning_rate);
            }
            tl /= order.len() as f64;
            let vl = match valid {
                Some((v, vy)) if !v.is_empty() => self.loss(v, vy),
                _ => tl,
            };
            progress(epoch, tl, vl);
            self.epochs.0 = epoch;
            if vl < best.0 {
                best = (vl, self.p.clone(), epoch);
            } else if epoch - best.2 >= self.cfg.patience.max(1) {
                break;
            }
        }
        self.p = best.1;
        self.epochs.1 = best.2;
        Ok(())
    }

    fn check(&self, src: &dyn SeqSource, y: &[f64]) -> Result<(), ModelError> {
        if src.n_feat() != self.lay.d {
            return Err(ModelError(format!(
                "the network reads {} features per day, the data has {}",
                self.lay.d,
                src.n_feat()
            )));
        }
        if src.len() != y.len() {
            return Err(ModelError(format!(
                "{} sequences but {} targets",
                src.len(),
                y.len()
            )));
        }
        if src.is_empty() {
            return Err(ModelError("no training sequences".into()));
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(ModelError(format!(
                "target {i} is {}: every training sequence needs a finite label",
                y[i]
            )));
        }
        Ok(())
    }

    /// Predictions of every sample of `src`.
    pub fn predict_seq(&self, src: &dyn SeqSource) -> Vec<f64> {
        let idx: Vec<usize> = (0..src.len()).collect();
        idx.par_chunks(self.cfg.chunk.max(1) * 4)
            .flat_map_iter(|ch| {
                let tape = self.forward(self.gather(src, ch), ch.len());
                tape.y.into_iter().map(f64::from)
            })
            .collect()
    }

    /// Write the network as text: a header, the settings, then the weights (shortest
    /// round-trip decimals, so a loaded network predicts bit for bit the same).
    pub fn to_text(&self) -> String {
        let c = &self.cfg;
        let mut s = format!(
            "rotor-gru 1\nd={} hidden={} seq_len={} epochs={} batch={} chunk={} learning_rate={} clip={} patience={} seed={} trained={} best={}\n",
            self.lay.d, c.hidden, c.seq_len, c.epochs, c.batch, c.chunk, c.learning_rate, c.clip, c.patience, c.seed, self.epochs.0, self.epochs.1
        );
        for (k, v) in self.p.iter().enumerate() {
            if k > 0 {
                s.push(' ');
            }
            let _ = write!(s, "{v}");
        }
        s.push('\n');
        s
    }

    /// Read a network written by [`Gru::to_text`].
    pub fn from_text(text: &str) -> Result<Self, ModelError> {
        let bad = |m: &str| ModelError(format!("not a rotor GRU file: {m}"));
        let mut lines = text.lines();
        if lines.next() != Some("rotor-gru 1") {
            return Err(bad("the first line is not `rotor-gru 1`"));
        }
        let head = lines.next().ok_or_else(|| bad("no settings line"))?;
        let mut kv = std::collections::HashMap::new();
        for item in head.split_whitespace() {
            let (k, v) = item.split_once('=').ok_or_else(|| bad(item))?;
            kv.insert(k, v);
        }
        let num = |k: &str| -> Result<f64, ModelError> {
            kv.get(k)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or_else(|| bad(&format!("setting `{k}` missing or not a number")))
        };
        let cfg = GruConfig {
            hidden: num("hidden")? as usize,
            seq_len: num("seq_len")? as usize,
            epochs: num("epochs")? as usize,
            batch: num("batch")? as usize,
            chunk: num("chunk")? as usize,
            learning_rate: num("learning_rate")? as f32,
            clip: num("clip")? as f32,
            patience: num("patience")? as usize,
            seed: kv
                .get("seed")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad("seed"))?,
        };
        let mut g = Gru::new(cfg, num("d")? as usize);
        g.epochs = (num("trained")? as usize, num("best")? as usize);
        let p: Vec<f32> = lines
            .next()
            .ok_or_else(|| bad("no weights line"))?
            .split(' ')
            .map(|v| v.parse::<f32>().map_err(|_| bad(&format!("weight `{v}`"))))
            .collect::<Result<_, _>>()?;
        if p.len() != g.p.len() {
            return Err(bad(&format!(
                "{} weights where the settings need {}",
                p.len(),
                g.p.len()
            )));
        }
        g.p = p;
        Ok(g)
    }

    /// Load a network from a file.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ModelError(format!("{}: {e}", path.display())))?;
        Self::from_text(&text).map_err(|e| ModelError(format!("{}: {}", path.display(), e.0)))
    }
}

impl AlphaModel for Gru {
    fn fit(
        &mut self,
        x: &Rows<'_>,
        y: &[f64],
        valid: Option<(&Rows<'_>, &[f64])>,
    ) -> Result<(), ModelError> {
        let tr = self.rows_seq(x)?;
        let va = match valid {
            Some((v, vy)) => Some((self.rows_seq(v)?, vy)),
            None => None,
        };
        let va_ref = va.as_ref().map(|(s, vy)| (s as &dyn SeqSource, *vy));
        self.fit_seq(&tr, y, va_ref, &|_, _, _| {})
    }

    fn predict(&self, x: &Rows<'_>) -> Result<Vec<f64>, ModelError> {
        Ok(self.predict_seq(&self.rows_seq(x)?))
    }

    fn save(&self, path: &Path) -> Result<(), ModelError> {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_text())
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| ModelError(format!("{}: {e}", path.display())))
    }
}

impl Gru {
    fn rows_seq<'a>(&self, x: &'a Rows<'a>) -> Result<RowsSeq<'a>, ModelError> {
        if x.cols != self.cfg.seq_len * self.lay.d || x.data.len() != x.rows * x.cols {
            return Err(ModelError(format!(
                "{} columns: a GRU over {} days × {} features reads {} (column s·d + f = feature f on day s)",
                x.cols,
                self.cfg.seq_len,
                self.lay.d,
                self.cfg.seq_len * self.lay.d
            )));
        }
        Ok(RowsSeq { x, d: self.lay.d })
    }
}

/// Adam's moment estimates.
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
    t: i32,
}

impl Adam {
    fn new(n: usize) -> Self {
        Adam {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    /// `m = β1 m + (1−β1) g`, `v = β2 v + (1−β2) g²`, `p −= lr · m̂ / (√v̂ + ε)`.
    fn step(&mut self, p: &mut [f32], g: &[f32], lr: f32) {
        let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        self.t += 1;
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = 1.0 - b2.powi(self.t);
        for k in 0..p.len() {
            self.m[k] = b1 * self.m[k] + (1.0 - b1) * g[k];
            self.v[k] = b2 * self.v[k] + (1.0 - b2) * g[k] * g[k];
            p[k] -= lr * (self.m[k] / c1) / ((self.v[k] / c2).sqrt() + eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sequences in a flat buffer.
    struct Buf {
        x: Vec<f32>,
        t: usize,
        d: usize,
    }

    impl SeqSource for Buf {
        fn len(&self) -> usize {
            self.x.len() / (self.t * self.d)
        }
        fn n_feat(&self) -> usize {
            self.d
        }
        fn fill(&self, i: usize, out: &mut [f32]) {
            out.copy_from_slice(&self.x[i * self.t * self.d..(i + 1) * self.t * self.d]);
        }
    }

    fn small() -> GruConfig {
        GruConfig {
            hidden: 5,
            seq_len: 4,
            chunk: 3,
            ..Default::default()
        }
    }

    fn data(n: usize, t: usize, d: usize, seed: u64) -> (Buf, Vec<f64>) {
        let mut r = Mix(seed);
        let x: Vec<f32> = (0..n * t * d)
            .map(|_| (r.unit() * 2.0 - 1.0) as f32)
            .collect();
        // target: the mean of feature 0 over the last two steps
        let y = (0..n)
            .map(|i| {
                let at = |s: usize| x[(i * t + s) * d] as f64;
                0.5 * (at(t - 1) + at(t - 2))
            })
            .collect();
        (Buf { x, t, d }, y)
    }

    #[test]
    fn gradients_match_finite_differences() {
        let g = Gru::new(small(), 3);
        let (src, y) = data(7, 4, 3, 1);
        let idx: Vec<usize> = (0..7).collect();
        let (_, grad) = g.batch_grad(&src, &y, &idx);
        let loss_at = |p: &[f32]| {
            let mut h = g.clone();
            h.p = p.to_vec();
            h.batch_grad(&src, &y, &idx).0
        };
        let lay = g.lay;
        // a few weights of every block, biases and the read-out
        let picks = [
            lay.wx().start,
            lay.wx().start + 7,
            lay.wx().end - 1,
            lay.wh().start + 3,
            lay.wh().end - 2,
            lay.bx().start + 1,
            lay.bx().start + 11,
            lay.bh().start + 6,
            lay.bh().end - 1,
            lay.wo().start + 2,
            lay.bo(),
        ];
        for k in picks {
            let eps = 1e-2f32;
            let mut p = g.p.clone();
            p[k] += eps;
            let up = loss_at(&p);
            p[k] -= 2.0 * eps;
            let dn = loss_at(&p);
            let num = (up - dn) / (2.0 * eps as f64);
            let ana = grad[k] as f64;
            assert!(
                (num - ana).abs() <= 2e-3 + 2e-2 * ana.abs(),
                "parameter {k}: numeric {num} vs analytic {ana}"
            );
        }
    }

    #[test]
    fn learns_a_sequence_rule_and_is_deterministic_across_threads() {
        let cfg = GruConfig {
            hidden: 8,
            seq_len: 6,
            epochs: 30,
            batch: 64,
            chunk: 16,
            learning_rate: 1e-2,
            patience: 30,
            ..Default::default()
        };
        let (tr, y) = data(600, 6, 2, 3);
        let (va, vy) = data(200, 6, 2, 4);
        let mut g = Gru::new(cfg.clone(), 2);
        let base = g.loss(&va, &vy);
        g.fit_seq(&tr, &y, Some((&va, &vy)), &|_, _, _| {}).unwrap();
        let after = g.loss(&va, &vy);
        assert!(after < 0.1 * base, "validation loss {base} → {after}");
        // one thread gives the same weights
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let one = pool.install(|| {
            let mut h = Gru::new(cfg.clone(), 2);
            h.fit_seq(&tr, &y, Some((&va, &vy)), &|_, _, _| {}).unwrap();
            h
        });
        assert_eq!(one.p, g.p);
        // a saved network predicts bit for bit the same
        let back = Gru::from_text(&g.to_text()).unwrap();
        assert_eq!(back.predict_seq(&va), g.predict_seq(&va));
        assert_eq!(back.epochs(), g.epochs());
    }

    #[test]
    fn bad_inputs_are_refused_with_what_is_wrong() {
        let mut g = Gru::new(small(), 3);
        let (src, mut y) = data(5, 4, 3, 2);
        let e = g.fit_seq(&src, &y[..4], None, &|_, _, _| {}).unwrap_err();
        assert!(e.0.contains("5 sequences but 4 targets"), "{}", e.0);
        y[2] = f64::NAN;
        let e = g.fit_seq(&src, &y, None, &|_, _, _| {}).unwrap_err();
        assert!(e.0.contains("target 2"), "{}", e.0);
        let mut h = Gru::new(small(), 2);
        let e = h.fit_seq(&src, &y, None, &|_, _, _| {}).unwrap_err();
        assert!(
            e.0.contains("reads 2 features per day, the data has 3"),
            "{}",
            e.0
        );
        let x = vec![0.0; 10];
        let rows = Rows {
            data: &x,
            rows: 2,
            cols: 5,
        };
        let e = g.predict(&rows).unwrap_err();
        assert!(e.0.contains("reads 12"), "{}", e.0);
        assert!(Gru::from_text("rotor-gru 1\nd=3\n").is_err());
        // zero input and zero weights give the read-out bias
        let mut z = Gru::new(small(), 3);
        z.p.iter_mut().for_each(|v| *v = 0.0);
        let k = z.lay.bo();
        z.p[k] = 0.25;
        let p = z.predict_seq(&Buf {
            x: vec![0.0; 2 * 4 * 3],
            t: 4,
            d: 3,
        });
        assert_eq!(p, vec![0.25, 0.25]);
    }
}
