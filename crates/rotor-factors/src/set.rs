//! Inputs, configuration and the computation of every sub-factor at every signal date.

pub use crate::analyst::ConsensusObs;
use crate::flow::FlowTransform;
pub use crate::fundamental::QuarterObs;
use crate::momentum::McVariant;
use crate::valuation::GrowthSource;
use crate::{analyst, flow, fundamental, momentum, valuation};
use chrono::NaiveDate;
use rotor_core::Panel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The five families of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// 估值
    Valuation,
    /// 基本面景气改善
    Fundamental,
    /// 分析师预期景气改善
    Analyst,
    /// 资金流
    Flow,
    /// 动量延续性
    Momentum,
}

impl Family {
    /// All families in report order.
    pub const ALL: [Family; 5] = [
        Family::Valuation,
        Family::Fundamental,
        Family::Analyst,
        Family::Flow,
        Family::Momentum,
    ];
    /// Snake-case name (`valuation`, …).
    pub fn name(self) -> &'static str {
        match self {
            Family::Valuation => "valuation",
            Family::Fundamental => "fundamental",
            Family::Analyst => "analyst",
            Family::Flow => "flow",
            Family::Momentum => "momentum",
        }
    }
    /// Chinese name as in the source report.
    pub fn zh(self) -> &'static str {
        match self {
            Family::Valuation => "估值",
            Family::Fundamental => "基本面景气改善",
            Family::Analyst => "分析师预期",
            Family::Flow => "资金流",
            Family::Momentum => "动量延续性",
        }
    }
    /// The family of a sub-factor id (`val.pe_pct` → Valuation).
    pub fn of(sub: &str) -> Option<Family> {
        Some(match sub.split('.').next()? {
            "val" => Family::Valuation,
            "fund" => Family::Fundamental,
            "ana" => Family::Analyst,
            "flow" => Family::Flow,
            "mom" => Family::Momentum,
            _ => return None,
        })
    }
}

/// Every factor parameter of SPEC §18 with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FactorConfig {
    /// PE percentile window, trading days (1250).
    pub pe_pct_window: usize,
    /// Minimum observations of the PE percentile (750).
    pub pe_pct_min: usize,
    /// Orientation of the PE percentile (+1 = high percentile preferred).
    pub pe_pct_sign: f64,
    /// Growth of the inverse PEG (auto).
    pub growth_source: GrowthSource,
    /// Lag of implied-earnings growth, trading days (250).
    pub implied_growth_days: usize,
    /// Fundamental ts_z window, quarters (8).
    pub fund_window: usize,
    /// Fundamental ts_z minimum history (4).
    pub fund_min_obs: usize,
    /// QoQ against the same quarter of earlier years only (false).
    pub qoq_seasonal: bool,
    /// Growth clip of the denominator guard (5.0 = ±500 %).
    pub growth_clip: f64,
    /// Analyst change windows in months ([1, 3]).
    pub analyst_windows: Vec<u32>,
    /// A consensus snapshot older than this (days) is stale (45).
    pub consensus_max_age_days: i64,
    /// Flow window L, trading days (20).
    pub flow_window: usize,
    /// Northbound flows unusable from this date (2024-08-16).
    #[serde(deserialize_with = "rotor_core::date_serde::date")]
    pub nb_cutoff: NaiveDate,
    /// Flow transform (raw).
    pub flow_transform: FlowTransform,
    /// Momentum-continuation window L (120).
    pub mc_window: usize,
    /// Share of largest returns stripped, p (0.05).
    pub mc_strip: f64,
    /// Sharpe (default) or frog-in-the-pan.
    pub mc_variant: McVariant,
}

impl Default for FactorConfig {
    fn default() -> Self {
        FactorConfig {
            pe_pct_window: 1250,
            pe_pct_min: 750,
            pe_pct_sign: 1.0,
            growth_source: GrowthSource::Auto,
            implied_growth_days: 250,
            fund_window: 8,
            fund_min_obs: 4,
            qoq_seasonal: false,
            growth_clip: 5.0,
            analyst_windows: vec![1, 3],
            consensus_max_age_days: 45,
            flow_window: 20,
            nb_cutoff: NaiveDate::from_ymd_opt(2024, 8, 16).unwrap(),
            flow_transform: FlowTransform::Raw,
            mc_window: 120,
            mc_strip: 0.05,
            mc_variant: McVariant::Sharpe,
        }
    }
}

/// Daily flow panels (days × assets, aligned with [`FactorInputs::close`]).
#[derive(Debug, Clone)]
pub struct FlowPanels {
    /// Northbound net buy.
    pub northbound: Option<Panel>,
    /// Extra-large / institutional net inflow.
    pub institutional: Option<Panel>,
    /// Large-order net inflow.
    pub large: Option<Panel>,
    /// Turnover (the scale).
    pub turnover: Panel,
}

/// Everything the families read; absent inputs are `None` (the family is then
/// excluded with a note).
#[derive(Debug, Clone)]
pub struct FactorInputs {
    /// Daily closes (days × assets); its dates are the daily calendar.
    pub close: Panel,
    /// Daily PE-TTM aligned with `close`.
    pub pe: Option<Panel>,
    /// Quarterly statements per asset (same order as `close.assets`).
    pub quarters: Option<Vec<Vec<QuarterObs>>>,
    /// Consensus snapshots per asset, sorted by `as_of`.
    pub consensus: Option<Vec<Vec<ConsensusObs>>>,
    /// Daily flows.
    pub flows: Option<FlowPanels>,
}

/// Number of assets with a value of a family at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    /// Signal date.
    pub date: NaiveDate,
    /// Family.
    pub family: Family,
    /// Assets with at least one sub-factor value.
    pub n_valid: usize,
    /// Universe size.
    pub n_assets: usize,
}

/// Every sub-factor at every signal date.
#[derive(Debug, Clone)]
pub struct FactorSet {
    /// Signal dates.
    pub dates: Vec<NaiveDate>,
    /// Assets.
    pub assets: Vec<String>,
    /// Sub-factor id → raw oriented values (signal dates × assets).
    pub subs: BTreeMap<String, Panel>,
    /// Per date and family, how many assets have a value.
    pub availability: Vec<Availability>,
    /// Human-readable notes (families excluded, proxies used, cut-offs).
    pub notes: Vec<String>,
}

impl FactorSet {
    /// Sub-factor ids of a family.
    pub fn subs_of(&self, f: Family) -> Vec<&str> {
        self.subs
            .keys()
            .filter(|k| Family::of(k) == Some(f))
            .map(String::as_str)
            .collect()
    }
    /// Families with at least one sub-factor.
    pub fn families(&self) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| !self.subs_of(*f).is_empty())
            .collect()
    }
}

/// Compute every sub-factor that the inputs support at each signal date (ascending).
/// A signal date reads the daily data up to the last trading day `≤ t` and the
/// quarterly / consensus data published by then (see each module's rule).
pub fn compute(inp: &FactorInputs, dates: &[NaiveDate], cfg: &FactorConfig) -> FactorSet {
    let assets = inp.close.assets.clone();
    let n = assets.len();
    let days = &inp.close.dates;
    let tix: Vec<Option<usize>> = dates
        .iter()
        .map(|d| days.partition_point(|x| x <= d).checked_sub(1))
        .collect();
    let mut subs: BTreeMap<String, Panel> = BTreeMap::new();
    let mut notes = Vec::new();
    let put = |id: &str, t: usize, j: usize, v: f64, subs: &mut BTreeMap<String, Panel>| {
        subs.entry(id.to_string())
            .or_insert_with(|| Panel::nan(dates.to_vec(), assets.clone()))
            .set(t, j, v);
    };
    let closes: Vec<Vec<f64>> = (0..n).map(|j| inp.close.column(j)).collect();

    // ---- momentum continuation (prices are always there)
    for (k, ti) in tix.iter().enumerate() {
        for (j, c) in closes.iter().enumerate() {
            let v = ti.map_or(f64::NAN, |t| {
                momentum::mc_at(c, t, cfg.mc_window, cfg.mc_strip, cfg.mc_variant)
            });
            put("mom.mc", k, j, v, &mut subs);
        }
    }

    // ---- valuation
    let quarter_maps = |t: NaiveDate| -> Option<Vec<BTreeMap<i32, QuarterObs>>> {
        inp.quarters
            .as_ref()
            .map(|q| q.iter().map(|o| fundamental::as_of(o, t)).collect())
    };
    if let Some(pe) = &inp.pe {
        let pes: Vec<Vec<f64>> = (0..n).map(|j| pe.column(j)).collect();
        let mut basis: BTreeMap<&str, usize> = BTreeMap::new();
        for (k, ti) in tix.iter().enumerate() {
            let Some(t) = *ti else { continue };
            let qm = quarter_maps(dates[k]);
            let mut inv = vec![f64::NAN; n];
            let mut has_input = vec![false; n];
            for j in 0..n {
                put(
                    "val.pe_pct",
                    k,
                    j,
                    cfg.pe_pct_sign
                        * valuation::pe_pct_at(&pes[j], t, cfg.pe_pct_window, cfg.pe_pct_min),
                    &mut subs,
                );
                let pe_t = pes[j][t];
                if !pe_t.is_finite() {
                    continue;
                }
                let ttm = qm.as_ref().and_then(|m| {
                    let m = &m[j];
                    m.keys()
                        .next_back()
                        .map(|&q| (fundamental::np_ttm(m, q), fundamental::np_ttm(m, q - 4)))
                });
                let consensus_g = || -> f64 {
                    let Some(rows) = inp.consensus.as_ref().map(|c| &c[j]) else {
                        return f64::NAN;
                    };
                    let Some(f) = analyst::fttm_at(rows, dates[k], cfg.consensus_max_age_days)
                    else {
                        return f64::NAN;
                    };
                    match ttm {
                        Some((now, _)) if now > 0.0 => 100.0 * (f[0] / now - 1.0),
                        _ => f64::NAN,
                    }
                };
                let trailing_g = || -> f64 {
                    match ttm {
                        Some((now, before)) if before > 0.0 => 100.0 * (now / before - 1.0),
                        _ => f64::NAN,
                    }
                };
                let implied_g = || {
                    valuation::implied_growth_at(&closes[j], &pes[j], t, cfg.implied_growth_days)
                };
                let (g, b) = match cfg.growth_source {
                    GrowthSource::Consensus => (consensus_g(), "consensus"),
                    GrowthSource::Trailing => (trailing_g(), "trailing"),
                    GrowthSource::Implied => (implied_g(), "implied"),
                    GrowthSource::Auto => {
                        let c = consensus_g();
                        if c.is_finite() {
                            (c, "consensus")
                        } else {
                            let tr = trailing_g();
                            if tr.is_finite() {
                                (tr, "trailing")
                            } else {
                                (implied_g(), "implied")
                            }
                        }
                    }
                };
                if g.is_finite() {
                    *basis.entry(b).or_default() += 1;
                    has_input[j] = true;
                    inv[j] = valuation::inv_peg(pe_t, g);
                }
            }
            let min = inv
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::INFINITY, f64::min);
            for j in 0..n {
                let v = if inv[j].is_finite() {
                    inv[j]
                } else if has_input[j] && min.is_finite() {
                    min
                } else {
                    f64::NAN
                };
                put("val.inv_peg", k, j, v, &mut subs);
            }
        }
        if !basis.is_empty() {
            let parts: Vec<String> = basis.iter().map(|(b, c)| format!("{b} {c}")).collect();
            notes.push(format!(
                "valuation: inverse-PEG growth basis (asset-dates): {}",
                parts.join(", ")
            ));
        }
    } else {
        notes.push("valuation: excluded — no PE-TTM in the store (valuation dataset)".into());
    }

    // ---- fundamental improvement
    if let Some(q) = &inp.quarters {
        let p = fundamental::FundParams {
            window: cfg.fund_window,
            min_obs: cfg.fund_min_obs,
            qoq_seasonal: cfg.qoq_seasonal,
            clip: cfg.growth_clip,
        };
        for (k, d) in dates.iter().enumerate() {
            for (j, obs) in q.iter().enumerate() {
                let v = fundamental::at(obs, *d, p);
                for (id, x) in fundamental::IDS.iter().zip(v) {
                    put(id, k, j, x, &mut subs);
                }
            }
        }
    } else {
        notes.push(
            "fundamental: excluded — no quarterly statements in the store (fundamentals dataset)"
                .into(),
        );
    }

    // ---- analyst expectation
    if let Some(c) = &inp.consensus {
        for &h in &cfg.analyst_windows {
            for (k, d) in dates.iter().enumerate() {
                for (j, rows) in c.iter().enumerate() {
                    let v = analyst::changes(rows, *d, h, cfg.consensus_max_age_days);
                    for (m, x) in analyst::METRICS.iter().zip(v) {
                        put(&format!("ana.{m}_{h}m"), k, j, x, &mut subs);
                    }
                }
            }
        }
    } else {
        notes.push("analyst: excluded — no consensus snapshots in the store".into());
    }

    // ---- fund flow
    if let Some(f) = &inp.flows {
        let turn: Vec<Vec<f64>> = (0..n).map(|j| f.turnover.column(j)).collect();
        let mut any_nb_cut = false;
        for (id, panel) in [
            ("flow.nb", &f.northbound),
            ("flow.inst", &f.institutional),
            ("flow.large", &f.large),
        ] {
            let Some(p) = panel else { continue };
            let nets: Vec<Vec<f64>> = (0..n).map(|j| p.column(j)).collect();
            for (k, ti) in tix.iter().enumerate() {
                let cut = id == "flow.nb" && dates[k] >= cfg.nb_cutoff;
                any_nb_cut |= cut;
                for j in 0..n {
                    let v = match (*ti, cut) {
                        (Some(t), false) => match cfg.flow_transform {
                            FlowTransform::Raw => {
                                flow::ratio_at(&nets[j], &turn[j], t, cfg.flow_window)
                            }
                            FlowTransform::TsPct => {
                                flow::ratio_pct_at(&nets[j], &turn[j], t, cfg.flow_window, 250)
                            }
                        },
                        _ => f64::NAN,
                    };
                    put(id, k, j, v, &mut subs);
                }
            }
        }
        if any_nb_cut {
            notes.push(format!(
                "flow: northbound sub-factor disabled from {} (per-stock northbound data stopped)",
                cfg.nb_cutoff
            ));
        }
    } else {
        notes.push(
            "flow: excluded — no per-index fund flows with turnover in the store (flows dataset)"
                .into(),
        );
    }

    // drop sub-factors that never have a value, with a note
    let empty: Vec<String> = subs
        .iter()
        .filter(|(_, p)| p.values.iter().all(|v| !v.is_finite()))
        .map(|(k, _)| k.clone())
        .collect();
    for k in empty {
        subs.remove(&k);
        notes.push(format!("{k}: no value at any signal date — excluded"));
    }
    let mut availability = Vec::new();
    for (k, d) in dates.iter().enumerate() {
        for f in Family::ALL {
            let ids: Vec<&Panel> = subs
                .iter()
                .filter(|(id, _)| Family::of(id) == Some(f))
                .map(|(_, p)| p)
                .collect();
            let n_valid = (0..n)
                .filter(|&j| ids.iter().any(|p| p.get(k, j).is_finite()))
                .count();
            availability.push(Availability {
                date: *d,
                family: f,
                n_valid,
                n_assets: n,
            });
        }
    }
    FactorSet {
        dates: dates.to_vec(),
        assets,
        subs,
        availability,
        notes,
    }
}
