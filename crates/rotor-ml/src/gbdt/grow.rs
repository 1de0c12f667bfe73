//! Growing one tree leaf-wise on binned rows (LightGBM's algorithm for squared loss).
//!
//! * **Histograms.** Per leaf and feature, 256 slots of (Σ gradient, rows): slot 0 the
//!   missing values, slot b the value bin b. One feature's histogram is summed in row order
//!   by one thread (features in parallel), so the sums — and the trees — do not depend on
//!   the thread count. After a split only the smaller child is summed (its gradients first
//!   gathered in row order); the larger child is the parent minus it.
//! * **Split gain** (hessian = 1 per row for squared loss, L2 penalty λ):
//!   `G_L²/(N_L+λ) + G_R²/(N_R+λ) − G²/(N+λ)`, over every cut `bin ≤ t` of every feature
//!   with the missing rows sent left and right; both children need `min_leaf` rows; the
//!   first best (feature order, then cut, then missing right before left) wins ties.
//! * **Leaf-wise.** The leaf with the largest positive gain splits next, until
//!   `max_leaves` leaves or none can split (depth limit `max_depth`, too few rows, no
//!   gain). Leaf value `−lr · G/(N+λ)`.

use super::bins::BinMapper;
use super::tree::{Node, Tree};
use rayon::prelude::*;

/// Slots of a feature's histogram.
const SLOTS: usize = 256;

/// Growth settings (checked by the caller).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    pub learning_rate: f64,
    pub max_leaves: usize,
    pub max_depth: usize,
    pub l2: f64,
    pub min_leaf: f64,
}

#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: u8,
    missing_left: bool,
    /// Σ gradient and rows of the left child.
    gl: f64,
    nl: f64,
}

#[derive(Debug, Clone)]
struct Leaf {
    /// Rows `idx[start..end]`.
    start: usize,
    end: usize,
    g: f64,
    n: f64,
    depth: usize,
    /// Histogram slot in the pool.
    hist: usize,
    best: Option<Split>,
    /// Node whose child this leaf is, and on which side.
    parent: Option<(usize, bool)>,
}

/// Reusable buffers for growing trees on one binned training set.
pub(crate) struct Grower<'a> {
    bins: &'a [u8],
    rows: usize,
    cols: usize,
    value_bins: Vec<usize>,
    cuts: &'a BinMapper,
    idx: Vec<u32>,
    scratch: Vec<u32>,
    ordered: Vec<f64>,
    pool: Vec<Vec<[f64; 2]>>,
}

impl<'a> Grower<'a> {
    /// Buffers for column-major `bins` of `rows × cols`.
    pub fn new(bins: &'a [u8], rows: usize, cols: usize, cuts: &'a BinMapper) -> Self {
        Grower {
            bins,
            rows,
            cols,
            value_bins: (0..cols).map(|f| cuts.value_bins(f)).collect(),
            cuts,
            idx: Vec::with_capacity(rows),
            scratch: vec![0; rows],
            ordered: vec![0.0; rows],
            pool: Vec::new(),
        }
    }

    /// Grow one tree on the gradients `grad` (one per row) and add its leaf values to
    /// `pred` (one per training row).
    pub fn grow(&mut self, grad: &[f64], p: &Params, pred: &mut [f64]) -> Tree {
        self.idx.clear();
        self.idx.extend(0..self.rows as u32);
        let mut used = 0;
        let root_hist = self.slot(&mut used);
        build_hist(self.bins, self.rows, None, grad, &mut self.pool[root_hist]);
        let g: f64 = grad.iter().sum();
        let mut leaves = vec![Leaf {
            start: 0,
            end: self.rows,
            g,
            n: self.rows as f64,
            depth: 0,
            hist: root_hist,
            best: None,
            parent: None,
        }];
        leaves[0].best = self.best_split(&leaves[0], p);
        let mut nodes: Vec<Node> = Vec::new();
        while leaves.len() < p.max_leaves {
            let Some(l) = pick_leaf(&leaves) else { break };
            self.split(&mut leaves, &mut nodes, l, grad, p, &mut used);
        }
        let values: Vec<f64> = leaves
            .iter()
            .map(|l| -p.learning_rate * l.g / (l.n + p.l2))
            .collect();
        for (l, v) in leaves.iter().zip(&values) {
            for &i in &self.idx[l.start..l.end] {
                pred[i as usize] += v;
            }
        }
        Tree {
            nodes,
            leaves: values,
        }
    }

    /// A histogram buffer from the pool (grown on first use).
    fn slot(&mut self, used: &mut usize) -> usize {
        if *used == self.pool.len() {
            self.pool.push(vec![[0.0; 2]; self.cols * SLOTS]);
        }
        *used += 1;
        *used - 1
    }

    /// Split leaf `l` at its best split: partition its rows, sum the smaller child's
    /// histogram, subtract it from the parent's for the larger, find both children's
    /// best splits.
    fn split(
        &mut self,
        leaves: &mut Vec<Leaf>,
        nodes: &mut Vec<Node>,
        l: usize,
        grad: &[f64],
        p: &Params,
        used: &mut usize,
    ) {
        let leaf = leaves[l].clone();
        let s = leaf.best.expect("a picked leaf has a split");
        let mid = self.partition(&leaf, &s);
        let k = nodes.len();
        let r = leaves.len();
        nodes.push(Node {
            feature: s.feature,
            threshold: self.cuts.cuts[s.feature]
                .get(usize::from(s.bin) - 1)
                .copied()
                .unwrap_or(f64::INFINITY),
            bin: s.bin,
            missing_left: s.missing_left,
            left: -(l as i32) - 1,
            right: -(r as i32) - 1,
        });
        if let Some((pn, is_left)) = leaf.parent {
            if is_left {
                nodes[pn].left = k as i32;
            } else {
                nodes[pn].right = k as i32;
            }
        }
        let mut left = Leaf {
            start: leaf.start,
            end: mid,
            g: s.gl,
            n: s.nl,
            depth: leaf.depth + 1,
            hist: leaf.hist,
            best: None,
            parent: Some((k, true)),
        };
        let mut right = Leaf {
            start: mid,
            end: leaf.end,
            g: leaf.g - s.gl,
            n: leaf.n - s.nl,
            depth: leaf.depth + 1,
            hist: leaf.hist,
            best: None,
            parent: Some((k, false)),
        };
        let fresh = self.slot(used);
        let (small, large) = if mid - leaf.start <= leaf.end - mid {
            (&mut left, &mut right)
        } else {
            (&mut right, &mut left)
        };
        small.hist = fresh;
        let rows = &self.idx[small.start..small.end];
        let og = &mut self.ordered[..rows.len()];
        for (o, &i) in og.iter_mut().zip(rows) {
            *o = grad[i as usize];
        }
        build_hist(self.bins, self.rows, Some(rows), og, &mut self.pool[fresh]);
        let (a, b) = pair_mut(&mut self.pool, large.hist, fresh);
        for (x, y) in a.iter_mut().zip(b.iter()) {
            x[0] -= y[0];
            x[1] -= y[1];
        }
        left.best = self.best_split(&left, p);
        right.best = self.best_split(&right, p);
        leaves[l] = left;
        leaves.push(right);
    }

    /// Stable partition of the leaf's rows: those going left first; returns where the
    /// right child starts.
    fn partition(&mut self, leaf: &Leaf, s: &Split) -> usize {
        let col = &self.bins[s.feature * self.rows..(s.feature + 1) * self.rows];
        let (mut w, mut nr) = (leaf.start, 0);
        for r in leaf.start..leaf.end {
            let i = self.idx[r];
            let b = col[i as usize];
            let go_left = if b == 0 { s.missing_left } else { b <= s.bin };
            if go_left {
                self.idx[w] = i;
                w += 1;
            } else {
                self.scratch[nr] = i;
                nr += 1;
            }
        }
        self.idx[w..leaf.end].copy_from_slice(&self.scratch[..nr]);
        w
    }

    /// The best split of a leaf, if it may split and one gains anything.
    fn best_split(&self, leaf: &Leaf, p: &Params) -> Option<Split> {
        if leaf.depth >= p.max_depth || leaf.n < 2.0 * p.min_leaf {
            return None;
        }
        let hist = &self.pool[leaf.hist];
        let parent = leaf.g * leaf.g / (leaf.n + p.l2);
        let mut best: Option<Split> = None;
        for f in 0..self.cols {
            let h = &hist[f * SLOTS..(f + 1) * SLOTS];
            let miss = h[0];
            let (mut gl, mut nl) = (0.0, 0.0);
            for (t, slot) in h.iter().enumerate().take(self.value_bins[f] + 1).skip(1) {
                gl += slot[0];
                nl += slot[1];
                for missing_left in [false, true] {
                    if missing_left && miss[1] == 0.0 {
                        continue;
                    }
                    let (g_l, n_l) = if missing_left {
                        (gl + miss[0], nl + miss[1])
                    } else {
                        (gl, nl)
                    };
                    let (g_r, n_r) = (leaf.g - g_l, leaf.n - n_l);
                    if n_l < p.min_leaf || n_r < p.min_leaf {
                        continue;
                    }
                    let gain = g_l * g_l / (n_l + p.l2) + g_r * g_r / (n_r + p.l2) - parent;
                    if gain > 1e-12 && best.is_none_or(|b| gain > b.gain) {
                        best = Some(Split {
                            gain,
                            feature: f,
                            bin: t as u8,
                            missing_left,
                            gl: g_l,
                            nl: n_l,
                        });
                    }
                }
            }
        }
        best
    }
}

/// The leaf to split next: the largest gain (the first on ties).
fn pick_leaf(leaves: &[Leaf]) -> Option<usize> {
    let mut pick: Option<(usize, f64)> = None;
    for (i, l) in leaves.iter().enumerate() {
        if let Some(s) = l.best {
            if pick.is_none_or(|(_, g)| s.gain > g) {
                pick = Some((i, s.gain));
            }
        }
    }
    pick.map(|(i, _)| i)
}

/// Two distinct buffers of the pool, mutably and immutably.
fn pair_mut(pool: &mut [Vec<[f64; 2]>], a: usize, b: usize) -> (&mut [[f64; 2]], &[[f64; 2]]) {
    debug_assert_ne!(a, b);
    if a < b {
        let (x, y) = pool.split_at_mut(b);
        (&mut x[a], &y[0])
    } else {
        let (x, y) = pool.split_at_mut(a);
        (&mut y[0], &x[b])
    }
}

/// Sum gradients and rows per bin, each feature in parallel: over all rows in order
/// (`rows_of = None`, `grad` per row) or over the listed rows (`grad` gathered in their
/// order).
fn build_hist(
    bins: &[u8],
    rows: usize,
    rows_of: Option<&[u32]>,
    grad: &[f64],
    out: &mut [[f64; 2]],
) {
    out.par_chunks_mut(SLOTS).enumerate().for_each(|(f, h)| {
        h.fill([0.0; 2]);
        let col = &bins[f * rows..(f + 1) * rows];
        match rows_of {
            None => {
                for (&b, &g) in col.iter().zip(grad) {
                    let s = &mut h[usize::from(b)];
                    s[0] += g;
                    s[1] += 1.0;
                }
            }
            Some(idx) => {
                for (&i, &g) in idx.iter().zip(grad) {
                    let s = &mut h[usize::from(col[i as usize])];
                    s[0] += g;
                    s[1] += 1.0;
                }
            }
        }
    });
}
