//! Selection maps and the composite; see the crate docs for the rules.

use chrono::NaiveDate;
use rotor_core::ops::cross::{cs_z, spearman, standardize};
use rotor_core::Panel;
use rotor_factors::{FactorSet, Family};
use rotor_regime::Regime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Static (report-stated) or adaptive (walk-forward RankIC) selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SelectionMode {
    /// SPEC §3.1 (default).
    #[default]
    Static,
    /// SPEC §3.2.
    Adaptive,
}

/// Every selection parameter of SPEC §18.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelectionConfig {
    /// Static or adaptive.
    pub mode: SelectionMode,
    /// Minimum number of regime-conditional ICs (12).
    pub n_min: usize,
    /// ICIR threshold (0).
    pub icir_min: f64,
    /// Sub-factors kept per family (3).
    pub k_max: usize,
    /// Let the adaptive rule choose valuation too (false).
    pub valuation_adaptive: bool,
    /// Family weights by name (`valuation`, …); missing = 1.
    pub family_weights: BTreeMap<String, f64>,
    /// Valid family scores an asset needs (2).
    pub min_families: usize,
    /// MAD multiple of the winsorisation (3).
    pub winsor_k: f64,
    /// Families switched off entirely (names).
    pub disabled_families: Vec<String>,
}

impl Default for SelectionConfig {
    fn default() -> Self {
        SelectionConfig {
            mode: SelectionMode::Static,
            n_min: 12,
            icir_min: 0.0,
            k_max: 3,
            valuation_adaptive: false,
            family_weights: BTreeMap::new(),
            min_families: 2,
            winsor_k: 3.0,
            disabled_families: Vec::new(),
        }
    }
}

/// The static map: the sub-factors of `family` used in `regime` (among `available`).
pub fn static_map(family: Family, regime: Regime, available: &[&str]) -> Vec<String> {
    let keep = |f: &dyn Fn(&str) -> bool| -> Vec<String> {
        available
            .iter()
            .filter(|s| f(s))
            .map(|s| s.to_string())
            .collect()
    };
    match family {
        Family::Valuation => {
            let want = if regime == Regime::LL {
                "val.pe_pct"
            } else {
                "val.inv_peg"
            };
            keep(&|s| s == want)
        }
        Family::Fundamental => {
            if regime == Regime::LL {
                Vec::new()
            } else {
                keep(&|_| true)
            }
        }
        Family::Analyst => keep(&|s| s.ends_with("_3m")),
        Family::Flow | Family::Momentum => keep(&|_| true),
    }
}

/// `S_j = Σ_f w_f F_f,j / Σ_{f valid} w_f` over families with a finite score for j;
/// NaN when fewer than `min_families` are valid or the weights sum to 0.
pub fn combine(families: &[&[f64]], weights: &[f64], min_families: usize) -> Vec<f64> {
    let n = families.first().map_or(0, |f| f.len());
    (0..n)
        .map(|j| {
            let (mut s, mut w, mut k) = (0.0, 0.0, 0usize);
            for (f, &wf) in families.iter().zip(weights) {
                if f[j].is_finite() && wf > 0.0 {
                    s += wf * f[j];
                    w += wf;
                    k += 1;
                }
            }
            if k >= min_families.max(1) && w > 0.0 {
                s / w
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// The composite and everything that explains it.
#[derive(Debug, Clone)]
pub struct Composite {
    /// Signal dates.
    pub dates: Vec<NaiveDate>,
    /// Assets.
    pub assets: Vec<String>,
    /// Composite score S (dates × assets).
    pub score: Panel,
    /// Family scores F_f (dates × assets), for the families in play.
    pub families: BTreeMap<Family, Panel>,
    /// Standardised sub-factors Z_k.
    pub z: BTreeMap<String, Panel>,
    /// Per date, the sub-factors used by each family (empty = weight 0).
    pub chosen: Vec<BTreeMap<Family, Vec<String>>>,
    /// Per-date RankIC of each sub-factor against the return to the next signal date
    /// (filled in adaptive mode and whenever forward returns are given).
    pub rank_ic: BTreeMap<String, Vec<f64>>,
}

fn mean_std(v: &[f64]) -> (f64, f64, usize) {
    let x: Vec<f64> = v.iter().copied().filter(|v| v.is_finite()).collect();
    let n = x.len();
    if n < 2 {
        return (f64::NAN, f64::NAN, n);
    }
    let m = x.iter().sum::<f64>() / n as f64;
    let s = (x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
    (m, s, n)
}

/// Compute the composite at every date of `fs`. `regimes[i]` is the regime known at
/// `fs.dates[i]`; `fwd` (dates × assets) holds the return from each signal date to the
/// next, `NaN` where not (yet) realised — only entries before `i` are read at date `i`.
pub fn composite(
    fs: &FactorSet,
    regimes: &[Regime],
    fwd: Option<&Panel>,
    cfg: &SelectionConfig,
) -> Composite {
    let (nd, na) = (fs.dates.len(), fs.assets.len());
    let mut z: BTreeMap<String, Panel> = BTreeMap::new();
    for (k, p) in &fs.subs {
        let mut q = p.clone();
        q.map_rows(|row| standardize(row, cfg.winsor_k));
        z.insert(k.clone(), q);
    }
    let mut rank_ic: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    if let Some(f) = fwd {
        for (k, p) in &fs.subs {
            let v = (0..nd).map(|i| spearman(p.row(i), f.row(i), 3)).collect();
            rank_ic.insert(k.clone(), v);
        }
    }
    let active: Vec<Family> = fs
        .families()
        .into_iter()
        .filter(|f| !cfg.disabled_families.iter().any(|d| d == f.name()))
        .collect();
    let weight = |f: Family| cfg.family_weights.get(f.name()).copied().unwrap_or(1.0);
    let mut fam_panels: BTreeMap<Family, Panel> = active
        .iter()
        .map(|f| (*f, Panel::nan(fs.dates.clone(), fs.assets.clone())))
        .collect();
    let mut score = Panel::nan(fs.dates.clone(), fs.assets.clone());
    let mut chosen = Vec::with_capacity(nd);
    for i in 0..nd {
        let rho = regimes.get(i).copied().unwrap_or(Regime::Undefined);
        let mut pick: BTreeMap<Family, Vec<String>> = BTreeMap::new();
        for &f in &active {
            let avail = fs.subs_of(f);
            let stat = static_map(f, rho, &avail);
            let adaptive = cfg.mode == SelectionMode::Adaptive
                && (f != Family::Valuation || cfg.valuation_adaptive)
                && !rank_ic.is_empty();
            let sel = if adaptive {
                adaptive_pick(&avail, &rank_ic, regimes, i, rho, cfg).unwrap_or(stat)
            } else {
                stat
            };
            pick.insert(f, sel);
        }
        let mut fam_rows: Vec<Vec<f64>> = Vec::new();
        let mut weights = Vec::new();
        for &f in &active {
            let sel = &pick[&f];
            let mut row = vec![f64::NAN; na];
            if !sel.is_empty() {
                for (j, slot) in row.iter_mut().enumerate() {
                    let (mut s, mut n) = (0.0, 0usize);
                    for k in sel {
                        let v = z[k].get(i, j);
                        if v.is_finite() {
                            s += v;
                            n += 1;
                        }
                    }
                    if n > 0 {
                        *slot = s / n as f64;
                    }
                }
                cs_z(&mut row);
            }
            let fp = fam_panels.get_mut(&f).unwrap();
            fp.values[i * na..(i + 1) * na].copy_from_slice(&row);
            weights.push(if sel.is_empty() { 0.0 } else { weight(f) });
            fam_rows.push(row);
        }
        let refs: Vec<&[f64]> = fam_rows.iter().map(|r| r.as_slice()).collect();
        let s = combine(&refs, &weights, cfg.min_families);
        score.values[i * na..(i + 1) * na].copy_from_slice(&s);
        chosen.push(pick);
    }
    Composite {
        dates: fs.dates.clone(),
        assets: fs.assets.clone(),
        score,
        families: fam_panels,
        z,
        chosen,
        rank_ic,
    }
}

/// Adaptive choice for one family at date index `i`; None when even the all-regime
/// history is shorter than `n_min` (the caller keeps the static choice).
fn adaptive_pick(
    avail: &[&str],
    rank_ic: &BTreeMap<String, Vec<f64>>,
    regimes: &[Regime],
    i: usize,
    rho: Regime,
    cfg: &SelectionConfig,
) -> Option<Vec<String>> {
    // the period after s ends at date s + 1 ≤ i
    let stats = |k: &str, same: bool| -> (f64, f64, usize) {
        let ic = &rank_ic[k];
        let v: Vec<f64> = (0..i)
            .filter(|&s| !same || regimes.get(s) == Some(&rho))
            .map(|s| ic[s])
            .collect();
        mean_std(&v)
    };
    let enough = |same: bool| avail.iter().any(|k| stats(k, same).2 >= cfg.n_min);
    let same = if enough(true) {
        true
    } else if enough(false) {
        false
    } else {
        return None;
    };
    let mut ok: Vec<(f64, &str)> = avail
        .iter()
        .filter_map(|k| {
            let (m, s, n) = stats(k, same);
            let icir = m / s;
            (n >= cfg.n_min && m > 0.0 && icir.is_finite() && icir > cfg.icir_min)
                .then_some((icir, *k))
        })
        .collect();
    ok.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    Some(
        ok.into_iter()
            .take(cfg.k_max)
            .map(|(_, k)| k.to_string())
            .collect(),
    )
}
