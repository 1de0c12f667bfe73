//! Inputs, configuration and the computation of every sub-factor at a signal date.
//!
//! [`compute_at`] reads everything through the point-in-time view at t
//! ([`rotor_data::view::AsOf`]): it cannot see data published after t. A run
//! accumulates the per-date values in a [`FactorHistory`], which becomes a [`FactorSet`]
//! (panels, availability, notes) for evaluation and reports.

use crate::flow::FlowTransform;
use crate::momentum::McVariant;
use crate::valuation::GrowthSource;
use crate::{analyst, flow, fundamental, momentum, valuation};
use chrono::NaiveDate;
use rotor_core::Panel;
use rotor_data::view::{AsOf, Field};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

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
    /// Parse a family name (`valuation`, …).
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
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

/// A fundamental sub-factor: which quantity and which change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundItem {
    /// Net profit YoY.
    NpYoy,
    /// Net profit QoQ.
    NpQoq,
    /// Operating profit YoY.
    OpYoy,
    /// Operating profit QoQ.
    OpQoq,
    /// ROE YoY change.
    RoeYoy,
    /// ROE QoQ change.
    RoeQoq,
}

impl FundItem {
    /// In output order (the index is the `id` of [`fundamental::raw`]).
    pub const ALL: [FundItem; 6] = [
        FundItem::NpYoy,
        FundItem::NpQoq,
        FundItem::OpYoy,
        FundItem::OpQoq,
        FundItem::RoeYoy,
        FundItem::RoeQoq,
    ];
}

/// An analyst metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnaMetric {
    /// Forecast net profit.
    Np,
    /// Forecast ROE.
    Roe,
    /// Forecast revenue.
    Rev,
    /// Forecast EPS.
    Eps,
}

impl AnaMetric {
    /// In the order of [`analyst::changes`].
    pub const ALL: [AnaMetric; 4] = [
        AnaMetric::Np,
        AnaMetric::Roe,
        AnaMetric::Rev,
        AnaMetric::Eps,
    ];
    fn name(self) -> &'static str {
        match self {
            AnaMetric::Np => "np",
            AnaMetric::Roe => "roe",
            AnaMetric::Rev => "rev",
            AnaMetric::Eps => "eps",
        }
    }
}

/// A sub-factor id. Written as the strings of earlier versions (`val.pe_pct`,
/// `fund.np_yoy`, `ana.np_3m`, `flow.nb`, `mom.mc`); ordered by that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactorId {
    /// PE percentile (`val.pe_pct`).
    PePct,
    /// Inverse PEG (`val.inv_peg`).
    InvPeg,
    /// Fundamental improvement (`fund.*`).
    Fund(FundItem),
    /// Analyst expectation over `months` (`ana.<metric>_<months>m`).
    Analyst(AnaMetric, u32),
    /// Northbound flow (`flow.nb`).
    FlowNb,
    /// Institutional flow (`flow.inst`).
    FlowInst,
    /// Large-order flow (`flow.large`).
    FlowLarge,
    /// Momentum continuation (`mom.mc`).
    Mc,
}

impl FactorId {
    /// Its family.
    pub fn family(self) -> Family {
        match self {
            FactorId::PePct | FactorId::InvPeg => Family::Valuation,
            FactorId::Fund(_) => Family::Fundamental,
            FactorId::Analyst(..) => Family::Analyst,
            FactorId::FlowNb | FactorId::FlowInst | FactorId::FlowLarge => Family::Flow,
            FactorId::Mc => Family::Momentum,
        }
    }

    /// The analyst window in months, when it is one.
    pub fn months(self) -> Option<u32> {
        match self {
            FactorId::Analyst(_, h) => Some(h),
            _ => None,
        }
    }
}

impl fmt::Display for FactorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactorId::PePct => f.write_str("val.pe_pct"),
            FactorId::InvPeg => f.write_str("val.inv_peg"),
            FactorId::Fund(i) => f.write_str(match i {
                FundItem::NpYoy => "fund.np_yoy",
                FundItem::NpQoq => "fund.np_qoq",
                FundItem::OpYoy => "fund.op_yoy",
                FundItem::OpQoq => "fund.op_qoq",
                FundItem::RoeYoy => "fund.roe_yoy",
                FundItem::RoeQoq => "fund.roe_qoq",
            }),
            FactorId::Analyst(m, h) => write!(f, "ana.{}_{h}m", m.name()),
            FactorId::FlowNb => f.write_str("flow.nb"),
            FactorId::FlowInst => f.write_str("flow.inst"),
            FactorId::FlowLarge => f.write_str("flow.large"),
            FactorId::Mc => f.write_str("mom.mc"),
        }
    }
}

impl FromStr for FactorId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let simple = [
            FactorId::PePct,
            FactorId::InvPeg,
            FactorId::FlowNb,
            FactorId::FlowInst,
            FactorId::FlowLarge,
            FactorId::Mc,
        ];
        if let Some(x) = simple
            .into_iter()
            .chain(FundItem::ALL.map(FactorId::Fund))
            .find(|x| x.to_string() == s)
        {
            return Ok(x);
        }
        let ana = s.strip_prefix("ana.").and_then(|r| {
            let (m, h) = r.rsplit_once('_')?;
            let h: u32 = h.strip_suffix('m')?.parse().ok()?;
            AnaMetric::ALL
                .into_iter()
                .find(|x| x.name() == m)
                .map(|m| FactorId::Analyst(m, h))
        });
        ana.ok_or_else(|| format!("unknown sub-factor `{s}`"))
    }
}

impl PartialOrd for FactorId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FactorId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl Serialize for FactorId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Which inputs a view holds (decided when the run loads, so the same at every date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// Daily PE-TTM.
    pub pe: bool,
    /// Quarterly statements.
    pub statements: bool,
    /// Consensus snapshots.
    pub consensus: bool,
    /// Flow turnover and each flow.
    pub flows: [bool; 4],
}

impl Presence {
    /// Read off a view.
    pub fn of(at: &AsOf<'_>) -> Presence {
        Presence {
            pe: at.has(Field::PE_TTM),
            statements: at.has_statements(),
            consensus: at.has_consensus(),
            flows: [
                at.has(Field::FLOW_TURNOVER),
                at.has(Field::NORTHBOUND),
                at.has(Field::INSTITUTIONAL),
                at.has(Field::LARGE_ORDER),
            ],
        }
    }

    fn flows(&self) -> bool {
        self.flows[0] && self.flows[1..].iter().any(|x| *x)
    }

    /// The sub-factors these inputs support, in id order.
    pub fn supported(&self, cfg: &FactorConfig) -> Vec<FactorId> {
        let mut v = vec![FactorId::Mc];
        if self.pe {
            v.extend([FactorId::PePct, FactorId::InvPeg]);
        }
        if self.statements {
            v.extend(FundItem::ALL.map(FactorId::Fund));
        }
        if self.consensus {
            for &h in &cfg.analyst_windows {
                v.extend(AnaMetric::ALL.map(|m| FactorId::Analyst(m, h)));
            }
        }
        if self.flows() {
            for (k, id) in [
                (1, FactorId::FlowNb),
                (2, FactorId::FlowInst),
                (3, FactorId::FlowLarge),
            ] {
                if self.flows[k] {
                    v.push(id);
                }
            }
        }
        v.sort();
        v
    }

    /// Notes for the families the inputs cannot support.
    pub fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if !self.pe {
            n.push("valuation: excluded — no PE-TTM in the store (valuation dataset)".into());
        }
        if !self.statements {
            n.push("fundamental: excluded — no quarterly statements in the store (fundamentals dataset)".into());
        }
        if !self.consensus {
            n.push("analyst: excluded — no consensus snapshots in the store".into());
        }
        if !self.flows() {
            n.push("flow: excluded — no per-index fund flows with turnover in the store (flows dataset)".into());
        }
        n
    }
}

/// Every supported sub-factor at one date: raw oriented values per asset.
#[derive(Debug, Clone, Default)]
pub struct FactorsAt {
    /// Sub-factor → values (same order as the assets).
    pub values: BTreeMap<FactorId, Vec<f64>>,
    /// Inverse-PEG growth basis used (asset count per basis).
    pub basis: BTreeMap<&'static str, usize>,
}

/// Compute every sub-factor the view supports for `assets` at its date t. `price` is the
/// close series the price factors read (the run's return basis).
pub fn compute_at(at: &AsOf<'_>, assets: &[String], price: Field, cfg: &FactorConfig) -> FactorsAt {
    let pres = Presence::of(at);
    let closes: Vec<Cow<'_, [f64]>> = assets
        .iter()
        .map(|a| at.column(price, a).unwrap_or(Cow::Borrowed(&[])))
        .collect();
    let mut out = FactorsAt::default();
    out.values.insert(FactorId::Mc, momentum_row(&closes, cfg));
    if pres.pe {
        valuation_rows(at, assets, &closes, cfg, &mut out);
    }
    if pres.statements {
        fundamental_rows(at, assets, cfg, &mut out.values);
    }
    if pres.consensus {
        analyst_rows(at, assets, cfg, &mut out.values);
    }
    if pres.flows() {
        flow_rows(at, assets, cfg, &pres, &mut out.values);
    }
    out
}

/// The last index of a series cut at t (None when empty).
fn last(c: &[f64]) -> Option<usize> {
    c.len().checked_sub(1)
}

fn momentum_row(closes: &[Cow<'_, [f64]>], cfg: &FactorConfig) -> Vec<f64> {
    closes
        .iter()
        .map(|c| {
            last(c).map_or(f64::NAN, |t| {
                momentum::mc_at(c, t, cfg.mc_window, cfg.mc_strip, cfg.mc_variant)
            })
        })
        .collect()
}

/// `val.pe_pct` and `val.inv_peg` (SPEC §2.1; growth basis per [`GrowthSource`]).
fn valuation_rows(
    at: &AsOf<'_>,
    assets: &[String],
    closes: &[Cow<'_, [f64]>],
    cfg: &FactorConfig,
    out: &mut FactorsAt,
) {
    let n = assets.len();
    let mut pct = vec![f64::NAN; n];
    let mut inv = vec![f64::NAN; n];
    let mut has_input = vec![false; n];
    for (j, code) in assets.iter().enumerate() {
        let Some(pe) = at.column(Field::PE_TTM, code) else {
            continue;
        };
        let Some(t) = last(&pe) else { continue };
        pct[j] = cfg.pe_pct_sign * valuation::pe_pct_at(&pe, t, cfg.pe_pct_window, cfg.pe_pct_min);
        let pe_t = pe[t];
        if !pe_t.is_finite() {
            continue;
        }
        let (g, basis) = growth(at, code, &closes[j], &pe, cfg);
        if g.is_finite() {
            *out.basis.entry(basis).or_default() += 1;
            has_input[j] = true;
            inv[j] = valuation::inv_peg(pe_t, g);
        }
    }
    // an undefined inverse PEG with inputs takes the cross-sectional minimum (SPEC §2.1)
    let min = inv
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    for j in 0..n {
        if !inv[j].is_finite() && has_input[j] && min.is_finite() {
            inv[j] = min;
        }
    }
    out.values.insert(FactorId::PePct, pct);
    out.values.insert(FactorId::InvPeg, inv);
}

/// Expected growth in % and its basis (see [`GrowthSource`]).
fn growth(
    at: &AsOf<'_>,
    code: &str,
    close: &[f64],
    pe: &[f64],
    cfg: &FactorConfig,
) -> (f64, &'static str) {
    let t = pe.len() - 1;
    let m = at.statements(code);
    let ttm = m
        .keys()
        .next_back()
        .map(|&q| (fundamental::np_ttm(&m, q), fundamental::np_ttm(&m, q - 4)));
    let consensus_g = || -> f64 {
        let rows = at.consensus(code);
        let Some(f) = analyst::fttm_at(rows, at.date(), cfg.consensus_max_age_days) else {
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
        if close.len() == pe.len() {
            valuation::implied_growth_at(close, pe, t, cfg.implied_growth_days)
        } else {
            f64::NAN
        }
    };
    match cfg.growth_source {
        GrowthSource::Consensus => (consensus_g(), "consensus"),
        GrowthSource::Trailing => (trailing_g(), "trailing"),
        GrowthSource::Implied => (implied_g(), "implied"),
        GrowthSource::Auto => {
            let c = consensus_g();
            if c.is_finite() {
                return (c, "consensus");
            }
            let tr = trailing_g();
            if tr.is_finite() {
                (tr, "trailing")
            } else {
                (implied_g(), "implied")
            }
        }
    }
}

fn fundamental_rows(
    at: &AsOf<'_>,
    assets: &[String],
    cfg: &FactorConfig,
    out: &mut BTreeMap<FactorId, Vec<f64>>,
) {
    let p = fundamental::FundParams {
        window: cfg.fund_window,
        min_obs: cfg.fund_min_obs,
        qoq_seasonal: cfg.qoq_seasonal,
        clip: cfg.growth_clip,
    };
    let rows: Vec<[f64; 6]> = assets
        .iter()
        .map(|c| fundamental::at(&at.statements(c), p))
        .collect();
    for (k, item) in FundItem::ALL.into_iter().enumerate() {
        out.insert(FactorId::Fund(item), rows.iter().map(|r| r[k]).collect());
    }
}

fn analyst_rows(
    at: &AsOf<'_>,
    assets: &[String],
    cfg: &FactorConfig,
    out: &mut BTreeMap<FactorId, Vec<f64>>,
) {
    for &h in &cfg.analyst_windows {
        let rows: Vec<[f64; 4]> = assets
            .iter()
            .map(|c| analyst::changes(at.consensus(c), at.date(), h, cfg.consensus_max_age_days))
            .collect();
        for (k, m) in AnaMetric::ALL.into_iter().enumerate() {
            out.insert(FactorId::Analyst(m, h), rows.iter().map(|r| r[k]).collect());
        }
    }
}

fn flow_rows(
    at: &AsOf<'_>,
    assets: &[String],
    cfg: &FactorConfig,
    pres: &Presence,
    out: &mut BTreeMap<FactorId, Vec<f64>>,
) {
    let turn: Vec<Cow<'_, [f64]>> = assets
        .iter()
        .map(|a| {
            at.column(Field::FLOW_TURNOVER, a)
                .unwrap_or(Cow::Borrowed(&[]))
        })
        .collect();
    for (k, id, field) in [
        (1, FactorId::FlowNb, Field::NORTHBOUND),
        (2, FactorId::FlowInst, Field::INSTITUTIONAL),
        (3, FactorId::FlowLarge, Field::LARGE_ORDER),
    ] {
        if !pres.flows[k] {
            continue;
        }
        let cut = id == FactorId::FlowNb && at.date() >= cfg.nb_cutoff;
        let row = assets
            .iter()
            .enumerate()
            .map(|(j, a)| {
                let Some(net) = at.column(field, a) else {
                    return f64::NAN;
                };
                match (last(&net), cut) {
                    (Some(t), false) if turn[j].len() == net.len() => match cfg.flow_transform {
                        FlowTransform::Raw => flow::ratio_at(&net, &turn[j], t, cfg.flow_window),
                        FlowTransform::TsPct => {
                            flow::ratio_pct_at(&net, &turn[j], t, cfg.flow_window, 250)
                        }
                    },
                    _ => f64::NAN,
                }
            })
            .collect();
        out.insert(id, row);
    }
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

/// The per-date values of a run, accumulated as it goes.
#[derive(Debug, Clone, Default)]
pub struct FactorHistory {
    dates: Vec<NaiveDate>,
    rows: Vec<FactorsAt>,
}

impl FactorHistory {
    /// Record the values at a signal date (dates ascending).
    pub fn push(&mut self, t: NaiveDate, v: FactorsAt) {
        self.dates.push(t);
        self.rows.push(v);
    }

    /// Panels, availability and notes over the run.
    pub fn finish(&self, assets: &[String], pres: &Presence, cfg: &FactorConfig) -> FactorSet {
        let n = assets.len();
        let mut subs: BTreeMap<FactorId, Panel> = BTreeMap::new();
        for (k, r) in self.rows.iter().enumerate() {
            for (id, v) in &r.values {
                let p = subs
                    .entry(*id)
                    .or_insert_with(|| Panel::nan(self.dates.clone(), assets.to_vec()));
                p.values[k * n..(k + 1) * n].copy_from_slice(v);
            }
        }
        let mut notes = pres.notes();
        let mut basis: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.rows {
            for (b, c) in &r.basis {
                *basis.entry(b).or_default() += c;
            }
        }
        if !basis.is_empty() {
            let parts: Vec<String> = basis.iter().map(|(b, c)| format!("{b} {c}")).collect();
            notes.push(format!(
                "valuation: inverse-PEG growth basis (asset-dates): {}",
                parts.join(", ")
            ));
        }
        if subs.contains_key(&FactorId::FlowNb) && self.dates.iter().any(|d| *d >= cfg.nb_cutoff) {
            notes.push(format!(
                "flow: northbound sub-factor disabled from {} (per-stock northbound data stopped)",
                cfg.nb_cutoff
            ));
        }
        let empty: Vec<FactorId> = subs
            .iter()
            .filter(|(_, p)| p.values.iter().all(|v| !v.is_finite()))
            .map(|(k, _)| *k)
            .collect();
        for k in empty {
            subs.remove(&k);
            notes.push(format!("{k}: no value at any signal date — excluded"));
        }
        let availability = availability(&self.dates, &subs, n);
        FactorSet {
            dates: self.dates.clone(),
            assets: assets.to_vec(),
            subs,
            availability,
            notes,
        }
    }
}

fn availability(
    dates: &[NaiveDate],
    subs: &BTreeMap<FactorId, Panel>,
    n: usize,
) -> Vec<Availability> {
    let mut out = Vec::new();
    for (k, d) in dates.iter().enumerate() {
        for f in Family::ALL {
            let ids: Vec<&Panel> = subs
                .iter()
                .filter(|(id, _)| id.family() == f)
                .map(|(_, p)| p)
                .collect();
            let n_valid = (0..n)
                .filter(|&j| ids.iter().any(|p| p.get(k, j).is_finite()))
                .count();
            out.push(Availability {
                date: *d,
                family: f,
                n_valid,
                n_assets: n,
            });
        }
    }
    out
}

/// Every sub-factor at every signal date of a run.
#[derive(Debug, Clone)]
pub struct FactorSet {
    /// Signal dates.
    pub dates: Vec<NaiveDate>,
    /// Assets.
    pub assets: Vec<String>,
    /// Sub-factor → raw oriented values (signal dates × assets); sub-factors that never
    /// had a value are dropped with a note.
    pub subs: BTreeMap<FactorId, Panel>,
    /// Per date and family, how many assets have a value.
    pub availability: Vec<Availability>,
    /// Human-readable notes (families excluded, proxies used, cut-offs).
    pub notes: Vec<String>,
}

impl FactorSet {
    /// Families with at least one sub-factor.
    pub fn families(&self) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| self.subs.keys().any(|k| k.family() == *f))
            .collect()
    }
}
