//! Walk-forward training (SPEC §15): a model is retrained every `retrain_months` on the
//! last `train_years` of labelled days and predicts until the next retraining.
//!
//! **No leakage.** For a retraining on day r (its features are those of the close of r),
//! a training day d needs its label known by then: the label covers (d, d + H], so
//! `d + H ≤ r − 1` — a gap of H days between the last training label and the first
//! prediction. The last `valid_frac` of the training days (time-ordered) are the early-
//! stopping validation set. Training days are taken every `train_step` days (default H:
//! non-overlapping labels, a fifth of the rows for weekly labels). Predictions of day t
//! therefore read features of t and labels ending before the window's start ≤ t only
//! (tested by the store-mutation test).
//!
//! **Models** (`cfg.model`): the GBDT on the day's tabular features, or the GRU
//! ([`crate::gru`]) on the last `seq_len` days of the daily features named by
//! [`gru_inputs`] (k-line shape, OHLC and VWAP ratios, short returns, volume and turnover
//! — each already z-scored across stocks per day; a day before the stock's history or
//! without a row reads 0). SPEC §15: the GRU trains on every stock of the set (the whole
//! market); the GBDT too unless `gbdt_train_members` restricts its rows (CSI 300's
//! point-in-time members for the CSI 300 tree).
//!
//! **Resuming.** With a cache folder each window's model is written there
//! (`<kind>_<first prediction day>.json` / `.txt`) and read back instead of retrained
//! when present, so an interrupted run resumes where it stopped.

use crate::gru::{Gru, GruConfig, SeqSource};
use crate::model::{AlphaModel, Gbdt, GbdtConfig, ModelError, Rows};
use crate::store::FeatureSet;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// The model a walk-forward trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelKind {
    /// Gradient-boosted trees on the day's features.
    #[default]
    Gbdt,
    /// A GRU on sequences of daily features.
    Gru,
}

impl ModelKind {
    /// The name in files (`gbdt`, `gru`).
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Gbdt => "gbdt",
            ModelKind::Gru => "gru",
        }
    }
}

/// The GRU's daily inputs among `names`: every feature without a window (k-line shape,
/// `open0 high0 low0 vwap0`) and the shortest window's `roc`, `std`, `vma` and `turn`
/// (SPEC §15: OHLC-based returns, turnover, volume, VWAP ratios). Column indices.
pub fn gru_inputs(names: &[String]) -> Vec<usize> {
    let windowed = |n: &str| {
        n.rsplit_once('_')
            .and_then(|(_, w)| w.parse::<usize>().ok())
    };
    let shortest = names.iter().filter_map(|n| windowed(n)).min();
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| match (windowed(n), shortest) {
            (None, _) => true,
            (Some(w), Some(s)) if w == s => {
                let stem = n.rsplit_once('_').map_or("", |x| x.0);
                matches!(stem, "roc" | "std" | "vma" | "turn")
            }
            _ => false,
        })
        .map(|(k, _)| k)
        .collect()
}

/// Settings of the walk-forward.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkConfig {
    /// Months between retrainings.
    pub retrain_months: u32,
    /// Years of training history.
    pub train_years: u32,
    /// Share of the training days (the latest) used for early stopping.
    pub valid_frac: f64,
    /// Label horizon H in days (the gap).
    pub horizon: usize,
    /// Days between training days (0 = H).
    pub train_step: usize,
    /// Fewest training days before the first window.
    pub min_train_days: usize,
    /// No window starts before this day (the job's `start`): earlier days only train.
    pub first_prediction: Option<NaiveDate>,
    /// The model trained.
    pub model: ModelKind,
    /// The tree model's settings.
    pub gbdt: GbdtConfig,
    /// The GRU's settings.
    pub gru: GruConfig,
    /// The stock-days a GBDT trains and validates on (`t × n`, e.g. CSI 300's point-in-
    /// time members: SPEC §15 trains the CSI 300 tree in-universe); None = every stock.
    /// Predictions still cover every stock; the GRU always trains on every stock.
    pub gbdt_train_members: Option<Vec<bool>>,
}

impl Default for WalkConfig {
    fn default() -> Self {
        WalkConfig {
            retrain_months: 6,
            train_years: 4,
            valid_frac: 0.2,
            horizon: 5,
            train_step: 0,
            min_train_days: 250,
            first_prediction: None,
            model: ModelKind::Gbdt,
            gbdt: GbdtConfig::default(),
            gru: GruConfig::default(),
            gbdt_train_members: None,
        }
    }
}

/// One window: where it trained and predicted, and what training found.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// First and last training day.
    pub train: (NaiveDate, NaiveDate),
    /// First and last validation day (the last labelled day the window learnt from).
    pub valid: (NaiveDate, NaiveDate),
    /// First and last prediction day.
    pub predict: (NaiveDate, NaiveDate),
    /// Training and validation rows.
    pub rows: (usize, usize),
    /// What prediction uses: trees (GBDT: the early-stopping round when validation rows
    /// stopped the growth, else every tree grown) or the epoch whose weights are kept (GRU).
    pub rounds: usize,
    /// Read from the cache instead of trained.
    pub cached: bool,
}

/// The first day of each window: the first day with `min_train_days` of labelled history
/// before it (the gap included) and not before `first_prediction`, then the first trading
/// day `retrain_months` later, and so on.
pub fn window_starts(dates: &[NaiveDate], cfg: &WalkConfig) -> Vec<usize> {
    let mut out = Vec::new();
    let from = cfg
        .first_prediction
        .map_or(0, |s| dates.partition_point(|d| *d < s));
    let first = (cfg.min_train_days + cfg.horizon + 1).max(from);
    if first >= dates.len() {
        return out;
    }
    let mut r = first;
    while r < dates.len() {
        out.push(r);
        let next = add_months(dates[r], cfg.retrain_months.max(1));
        r = dates.partition_point(|d| *d < next);
    }
    out
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    let months = d.year() * 12 + d.month0() as i32 + m as i32;
    NaiveDate::from_ymd_opt(months / 12, months as u32 % 12 + 1, 1).expect("a date")
}

/// Column-major rows of the days `days` (the stocks with a finite label, among
/// `members` when given), and labels.
fn gather(
    set: &FeatureSet,
    days: &[usize],
    members: Option<&[bool]>,
) -> (Vec<f64>, Vec<f64>, usize) {
    let (n, t_len) = (set.assets.len(), set.dates.len());
    let f = &set.features;
    let nf = f.names.len();
    let cells: Vec<(usize, usize)> = days
        .iter()
        .flat_map(|&t| (0..n).map(move |j| (t, j)))
        .filter(|&(t, j)| set.labels[t * n + j].is_finite() && set.close[t * n + j].is_finite())
        .filter(|&(t, j)| members.is_none_or(|m| m[t * n + j]))
        .collect();
    let rows = cells.len();
    let mut x = vec![f64::NAN; rows * nf];
    for k in 0..nf {
        for (i, &(t, j)) in cells.iter().enumerate() {
            x[k * rows + i] = f.values[(j * nf + k) * t_len + t] as f64;
        }
    }
    let y = cells.iter().map(|&(t, j)| set.labels[t * n + j]).collect();
    (x, y, rows)
}

/// The days of one window.
struct Span {
    /// First prediction day (the retraining day) and one past the last.
    r: usize,
    end: usize,
    /// The last day whose label is known at r.
    last: usize,
    train: Vec<usize>,
    valid: Vec<usize>,
}

/// The windows of `set`: training days within `train_years` before each start whose
/// labels end by its eve, every `train_step`-th day counting back from the last, the
/// latest `valid_frac` of them for validation.
fn spans(set: &FeatureSet, cfg: &WalkConfig) -> Vec<Span> {
    let t_len = set.dates.len();
    let starts = window_starts(&set.dates, cfg);
    let step = if cfg.train_step == 0 {
        cfg.horizon.max(1)
    } else {
        cfg.train_step
    };
    let mut out = Vec::new();
    for (w, &r) in starts.iter().enumerate() {
        let end = starts.get(w + 1).copied().unwrap_or(t_len);
        let last = r - cfg.horizon - 1;
        let from = add_months(set.dates[r], 0)
            .with_year(set.dates[r].year() - cfg.train_years as i32)
            .unwrap_or(set.dates[0]);
        let first = set.dates.partition_point(|d| *d < from);
        let mut days: Vec<usize> = (first..last + 1).rev().step_by(step).collect();
        days.reverse();
        if days.len() < 2 {
            continue;
        }
        let n_valid = ((days.len() as f64) * cfg.valid_frac).round() as usize;
        let (train, valid) = days.split_at(days.len() - n_valid.min(days.len() - 1));
        out.push(Span {
            r,
            end,
            last,
            train: train.to_vec(),
            valid: valid.to_vec(),
        });
    }
    out
}

/// (day, stock) cells of `days` with a row and a finite label.
fn labelled(set: &FeatureSet, days: &[usize]) -> Vec<(usize, usize)> {
    let n = set.assets.len();
    days.iter()
        .flat_map(|&t| (0..n).map(move |j| (t, j)))
        .filter(|&(t, j)| set.labels[t * n + j].is_finite() && set.close[t * n + j].is_finite())
        .collect()
}

/// Sequences of the GRU's inputs ending on each cell's day.
struct PanelSeq<'a> {
    set: &'a FeatureSet,
    feats: &'a [usize],
    cells: &'a [(usize, usize)],
    seq_len: usize,
}

impl SeqSource for PanelSeq<'_> {
    fn len(&self) -> usize {
        self.cells.len()
    }
    fn n_feat(&self) -> usize {
        self.feats.len()
    }
    fn fill(&self, i: usize, out: &mut [f32]) {
        let (t, j) = self.cells[i];
        let f = &self.set.features;
        let (nf, t_all, d) = (f.names.len(), f.t, self.feats.len());
        for s in 0..self.seq_len {
            let day = (t + 1 + s).checked_sub(self.seq_len);
            for (k, &c) in self.feats.iter().enumerate() {
                out[s * d + k] = day.map_or(0.0, |day| f.values[(j * nf + c) * t_all + day]);
            }
        }
    }
}

/// A window's fitted model.
enum Fitted {
    Gbdt(Box<Gbdt>),
    Gru(Gru),
}

/// What a window's training reports per epoch: (window, epoch, train loss, validation loss).
pub type EpochReport<'a> = &'a (dyn Fn(usize, usize, f64, f64) + Sync);

/// Fit (or read from the cache) the window's model; (model, rows, cached, rounds).
fn fit_window(
    set: &FeatureSet,
    cfg: &WalkConfig,
    sp: &Span,
    path: Option<PathBuf>,
    epoch: &dyn Fn(usize, f64, f64),
) -> Result<(Fitted, (usize, usize), bool), ModelError> {
    let nf = set.features.names.len();
    match cfg.model {
        ModelKind::Gbdt => {
            let members = cfg.gbdt_train_members.as_deref();
            let (xt, yt, rt) = gather(set, &sp.train, members);
            let (xv, yv, rv) = gather(set, &sp.valid, members);
            if let Some(p) = path.as_ref().filter(|p| p.exists()) {
                return Ok((Fitted::Gbdt(Box::new(Gbdt::load(p)?)), (rt, rv), true));
            }
            let mut m = Gbdt::new(cfg.gbdt.clone());
            let tr = Rows {
                data: &xt,
                rows: rt,
                cols: nf,
            };
            let va = Rows {
                data: &xv,
                rows: rv,
                cols: nf,
            };
            m.fit(&tr, &yt, (rv > 0).then_some((&va, &yv[..])))?;
            if let Some(p) = &path {
                m.save(p)?;
            }
            Ok((Fitted::Gbdt(Box::new(m)), (rt, rv), false))
        }
        ModelKind::Gru => {
            let feats = gru_inputs(&set.features.names);
            let (ct, cv) = (labelled(set, &sp.train), labelled(set, &sp.valid));
            if let Some(p) = path.as_ref().filter(|p| p.exists()) {
                return Ok((Fitted::Gru(Gru::load(p)?), (ct.len(), cv.len()), true));
            }
            let n = set.assets.len();
            let label = |c: &[(usize, usize)]| -> Vec<f64> {
                c.iter().map(|&(t, j)| set.labels[t * n + j]).collect()
            };
            let (yt, yv) = (label(&ct), label(&cv));
            let seq = |cells| PanelSeq {
                set,
                feats: &feats,
                cells,
                seq_len: cfg.gru.seq_len,
            };
            let (st, sv) = (seq(&ct), seq(&cv));
            let mut m = Gru::new(cfg.gru.clone(), feats.len());
            let valid = (!cv.is_empty()).then_some((&sv as &dyn SeqSource, &yv[..]));
            m.fit_seq(&st, &yt, valid, epoch)?;
            if let Some(p) = &path {
                m.save(p)?;
            }
            Ok((Fitted::Gru(m), (ct.len(), cv.len()), false))
        }
    }
}

impl Fitted {
    /// Predictions of `cells`.
    fn predict(
        &self,
        set: &FeatureSet,
        cells: &[(usize, usize)],
        seq_len: usize,
    ) -> Result<Vec<f64>, ModelError> {
        let f = &set.features;
        let nf = f.names.len();
        match self {
            Fitted::Gbdt(m) => {
                let rows = cells.len();
                let mut x = vec![f64::NAN; rows * nf];
                for k in 0..nf {
                    for (i, &(t, j)) in cells.iter().enumerate() {
                        x[k * rows + i] = f.values[(j * nf + k) * f.t + t] as f64;
                    }
                }
                m.predict(&Rows {
                    data: &x,
                    rows,
                    cols: nf,
                })
            }
            Fitted::Gru(m) => {
                let feats = gru_inputs(&f.names);
                Ok(m.predict_seq(&PanelSeq {
                    set,
                    feats: &feats,
                    cells,
                    seq_len,
                }))
            }
        }
    }

    fn rounds(&self) -> usize {
        match self {
            Fitted::Gbdt(m) => {
                let (grown, kept) = m.rounds();
                kept.unwrap_or(grown)
            }
            Fitted::Gru(m) => m.epochs().1,
        }
    }
}

/// Walk forward over `set` with the model of `cfg` per window: predictions `t × n` (NaN
/// before the first window and where a stock has no row) and the windows.
/// `progress(done, total)` is called after each window.
pub fn walk_forward(
    set: &FeatureSet,
    cfg: &WalkConfig,
    cache: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Vec<f64>, Vec<Window>), ModelError> {
    walk_forward_with(set, cfg, cache, progress, &|_, _, _, _| {})
}

/// [`walk_forward`] that also reports each GRU epoch.
pub fn walk_forward_with(
    set: &FeatureSet,
    cfg: &WalkConfig,
    cache: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
    epoch: EpochReport<'_>,
) -> Result<(Vec<f64>, Vec<Window>), ModelError> {
    let n = set.assets.len();
    let mut pred = vec![f64::NAN; set.dates.len() * n];
    let spans = spans(set, cfg);
    let mut windows = Vec::new();
    let ext = match cfg.model {
        ModelKind::Gbdt => "gbdt",
        ModelKind::Gru => "txt",
    };
    for (w, sp) in spans.iter().enumerate() {
        let path = cache.map(|c| c.join(format!("{}_{}.{ext}", cfg.model.name(), set.dates[sp.r])));
        let (model, rows, cached) = fit_window(set, cfg, sp, path, &|e, a, b| epoch(w, e, a, b))?;
        // predict every stock with a row in [r, end)
        let cells: Vec<(usize, usize)> = (sp.r..sp.end)
            .flat_map(|t| (0..n).map(move |j| (t, j)))
            .filter(|&(t, j)| set.close[t * n + j].is_finite())
            .collect();
        let p = model.predict(set, &cells, cfg.gru.seq_len)?;
        for (&(t, j), v) in cells.iter().zip(p) {
            pred[t * n + j] = v;
        }
        let at = |d: Option<&usize>| set.dates[*d.unwrap_or(&sp.last)];
        windows.push(Window {
            train: (at(sp.train.first()), at(sp.train.last())),
            valid: (at(sp.valid.first()), at(sp.valid.last())),
            predict: (set.dates[sp.r], set.dates[sp.end - 1]),
            rows,
            rounds: model.rounds(),
            cached,
        });
        progress(w + 1, spans.len());
    }
    Ok((pred, windows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_start_after_enough_history_and_every_six_months() {
        let mut dates = Vec::new();
        let mut d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        while dates.len() < 1000 {
            if d.weekday().num_days_from_monday() < 5 {
                dates.push(d);
            }
            d = d.succ_opt().unwrap();
        }
        let cfg = WalkConfig::default();
        let s = window_starts(&dates, &cfg);
        assert_eq!(s[0], 250 + 5 + 1);
        for w in s.windows(2) {
            let (a, b) = (dates[w[0]], dates[w[1]]);
            assert!(b > a && (b - a).num_days() <= 190 && (b - a).num_days() >= 150);
        }
        assert!(window_starts(&dates[..200], &cfg).is_empty());
        // a later first prediction day moves the first window, never an earlier one
        let late = WalkConfig {
            first_prediction: Some(dates[600]),
            ..WalkConfig::default()
        };
        assert_eq!(window_starts(&dates, &late)[0], 600);
        let early = WalkConfig {
            first_prediction: Some(dates[10]),
            ..WalkConfig::default()
        };
        assert_eq!(window_starts(&dates, &early)[0], 256);
    }
}
