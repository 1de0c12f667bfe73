//! Selection maps and the composite; see the crate docs for the rules.

use rotor_core::ops::cross::{cs_z, standardize};
use rotor_factors::{FactorId, Family};
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
pub fn static_map(family: Family, regime: Regime, available: &[FactorId]) -> Vec<FactorId> {
    let keep = |f: &dyn Fn(FactorId) -> bool| -> Vec<FactorId> {
        available
            .iter()
            .copied()
            .filter(|s| s.family() == family && f(*s))
            .collect()
    };
    match family {
        Family::Valuation => {
            let want = if regime == Regime::LL {
                FactorId::PePct
            } else {
                FactorId::InvPeg
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
        Family::Analyst => keep(&|s| s.months() == Some(3)),
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

/// The composite at one signal date and everything that explains it.
#[derive(Debug, Clone, Default)]
pub struct CompositeAt {
    /// Composite score S per asset.
    pub score: Vec<f64>,
    /// Family scores F_f per asset, for the families in play.
    pub families: BTreeMap<Family, Vec<f64>>,
    /// The sub-factors used by each family (empty = weight 0).
    pub chosen: BTreeMap<Family, Vec<FactorId>>,
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

/// The selection stage, stepped through the signal dates in order.
///
/// At each date the caller first records the RankIC of every sub-factor at the previous
/// signal date against the index return realised from it to this date
/// ([`Selector::record_ic`]), then asks for the composite ([`Selector::step`]): the
/// adaptive map reads only the ICs recorded so far, i.e. of periods ended by t.
#[derive(Debug, Clone)]
pub struct Selector {
    cfg: SelectionConfig,
    supported: Vec<FactorId>,
    active: Vec<Family>,
    history: Vec<(Regime, BTreeMap<FactorId, f64>)>,
}

impl Selector {
    /// A selector over the sub-factors the inputs support; families named in
    /// `disabled_families` are left out.
    pub fn new(cfg: SelectionConfig, supported: &[FactorId]) -> Self {
        let active = Family::ALL
            .into_iter()
            .filter(|f| supported.iter().any(|s| s.family() == *f))
            .filter(|f| !cfg.disabled_families.iter().any(|d| d == f.name()))
            .collect();
        Selector {
            cfg,
            supported: supported.to_vec(),
            active,
            history: Vec::new(),
        }
    }

    /// Families in play.
    pub fn active(&self) -> &[Family] {
        &self.active
    }

    /// Record the RankIC of each sub-factor at an earlier signal date whose regime was
    /// `regime`, against the return of the period after it (ended by now).
    pub fn record_ic(&mut self, regime: Regime, ic: BTreeMap<FactorId, f64>) {
        self.history.push((regime, ic));
    }

    /// The composite at a date of regime `rho` from the raw sub-factors at that date.
    pub fn step(&self, rho: Regime, subs: &BTreeMap<FactorId, Vec<f64>>) -> CompositeAt {
        let na = subs.values().next().map_or(0, |v| v.len());
        let z: BTreeMap<FactorId, Vec<f64>> = subs
            .iter()
            .map(|(k, v)| {
                let mut r = v.clone();
                standardize(&mut r, self.cfg.winsor_k);
                (*k, r)
            })
            .collect();
        let mut out = CompositeAt::default();
        let mut fam_rows: Vec<Vec<f64>> = Vec::new();
        let mut weights = Vec::new();
        for &f in &self.active {
            let sel = self.pick(f, rho);
            let mut row = vec![f64::NAN; na];
            if !sel.is_empty() {
                for (j, slot) in row.iter_mut().enumerate() {
                    let vals: Vec<f64> = sel
                        .iter()
                        .filter_map(|k| z.get(k).map(|v| v[j]))
                        .filter(|v| v.is_finite())
                        .collect();
                    if !vals.is_empty() {
                        *slot = vals.iter().sum::<f64>() / vals.len() as f64;
                    }
                }
                cs_z(&mut row);
            }
            let w = self
                .cfg
                .family_weights
                .get(f.name())
                .copied()
                .unwrap_or(1.0);
            weights.push(if sel.is_empty() { 0.0 } else { w });
            out.families.insert(f, row.clone());
            out.chosen.insert(f, sel);
            fam_rows.push(row);
        }
        let refs: Vec<&[f64]> = fam_rows.iter().map(|r| r.as_slice()).collect();
        out.score = if refs.is_empty() {
            vec![f64::NAN; na]
        } else {
            combine(&refs, &weights, self.cfg.min_families)
        };
        out
    }

    /// The sub-factors of family `f` at a date of regime `rho`.
    fn pick(&self, f: Family, rho: Regime) -> Vec<FactorId> {
        let stat = static_map(f, rho, &self.supported);
        let adaptive = self.cfg.mode == SelectionMode::Adaptive
            && (f != Family::Valuation || self.cfg.valuation_adaptive);
        if !adaptive {
            return stat;
        }
        let avail: Vec<FactorId> = self
            .supported
            .iter()
            .copied()
            .filter(|s| s.family() == f)
            .collect();
        self.adaptive_pick(&avail, rho).unwrap_or(stat)
    }

    /// Adaptive choice for one family; None when even the all-regime history is
    /// shorter than `n_min` (the caller keeps the static choice).
    fn adaptive_pick(&self, avail: &[FactorId], rho: Regime) -> Option<Vec<FactorId>> {
        let cfg = &self.cfg;
        let stats = |k: FactorId, same: bool| -> (f64, f64, usize) {
            let v: Vec<f64> = self
                .history
                .iter()
                .filter(|(r, _)| !same || *r == rho)
                .map(|(_, ic)| ic.get(&k).copied().unwrap_or(f64::NAN))
                .collect();
            mean_std(&v)
        };
        let enough = |same: bool| avail.iter().any(|k| stats(*k, same).2 >= cfg.n_min);
        let same = if enough(true) {
            true
        } else if enough(false) {
            false
        } else {
            return None;
        };
        let mut ok: Vec<(f64, FactorId)> = avail
            .iter()
            .filter_map(|k| {
                let (m, s, n) = stats(*k, same);
                let icir = m / s;
                (n >= cfg.n_min && m > 0.0 && icir.is_finite() && icir > cfg.icir_min)
                    .then_some((icir, *k))
            })
            .collect();
        ok.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Some(ok.into_iter().take(cfg.k_max).map(|(_, k)| k).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subs(pairs: &[(FactorId, Vec<f64>)]) -> BTreeMap<FactorId, Vec<f64>> {
        pairs.iter().cloned().collect()
    }

    #[test]
    fn static_map_follows_spec_3_1() {
        let all = [
            FactorId::PePct,
            FactorId::InvPeg,
            FactorId::Fund(rotor_factors::FundItem::NpYoy),
            FactorId::Analyst(rotor_factors::AnaMetric::Np, 1),
            FactorId::Analyst(rotor_factors::AnaMetric::Np, 3),
        ];
        assert_eq!(
            static_map(Family::Valuation, Regime::LL, &all),
            vec![FactorId::PePct]
        );
        assert_eq!(
            static_map(Family::Valuation, Regime::TT, &all),
            vec![FactorId::InvPeg]
        );
        assert!(static_map(Family::Fundamental, Regime::LL, &all).is_empty());
        assert_eq!(static_map(Family::Fundamental, Regime::LT, &all).len(), 1);
        assert_eq!(
            static_map(Family::Analyst, Regime::LL, &all),
            vec![FactorId::Analyst(rotor_factors::AnaMetric::Np, 3)]
        );
    }

    #[test]
    fn every_family_disabled_gives_no_score_and_no_panic() {
        let cfg = SelectionConfig {
            disabled_families: Family::ALL.iter().map(|f| f.name().to_string()).collect(),
            ..Default::default()
        };
        let s = Selector::new(cfg, &[FactorId::Mc, FactorId::PePct]);
        assert!(s.active().is_empty());
        let c = s.step(Regime::LL, &subs(&[(FactorId::Mc, vec![1.0, 2.0, 3.0])]));
        assert_eq!(c.score.len(), 3);
        assert!(c.score.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn adaptive_keeps_the_static_choice_until_enough_history_then_follows_the_ic() {
        use rotor_factors::{AnaMetric::*, FactorId::Analyst};
        let ids = [Analyst(Np, 1), Analyst(Np, 3)];
        let cfg = SelectionConfig {
            mode: SelectionMode::Adaptive,
            n_min: 3,
            min_families: 1,
            ..Default::default()
        };
        let mut s = Selector::new(cfg, &ids);
        let x = subs(&[(ids[0], vec![1.0, 2.0, 3.0]), (ids[1], vec![3.0, 2.0, 1.0])]);
        assert_eq!(
            s.step(Regime::LT, &x).chosen[&Family::Analyst],
            vec![ids[1]]
        );
        // the 1-month change has predicted well, the 3-month one badly
        for k in 0..3 {
            let e = 0.01 * k as f64;
            s.record_ic(
                Regime::LT,
                BTreeMap::from([(ids[0], 0.3 + e), (ids[1], -0.2 - e)]),
            );
        }
        let c = s.step(Regime::LT, &x);
        assert_eq!(c.chosen[&Family::Analyst], vec![ids[0]]);
        // the score is the 1-month factor standardised: ascending
        assert!(c.score[0] < c.score[1] && c.score[1] < c.score[2]);
    }
}
