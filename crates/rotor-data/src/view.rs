//! The point-in-time view (SPEC §0.2): **the only read path for signals**.
//!
//! A [`PitView`] holds what a run loaded from the store — daily fields, macro series,
//! quarterly statements, consensus snapshots, ETF static data — and answers one question:
//! *what was known at the close of t?* [`PitView::at`] returns an [`AsOf`] handle that
//! can read nothing published after t. Strategies receive an `AsOf`, never the view or
//! raw tables; only the backtest engine reads realised data ([`PitView::realised`]) to
//! compute the returns of positions already taken.
//!
//! The rules, one per kind of data, all decided here:
//!
//! | data | visible at t when | where |
//! |---|---|---|
//! | daily fields (prices, valuation, flows, ETF size) | `date ≤ t` **and** `available_at ≤ t` (a cell published after its date — ETF size in the evening, a vendor's late row — is hidden until then) | [`AsOf::column`], [`AsOf::latest`] |
//! | macro series | `available_at ≤ t`; per period the latest such vintage | [`AsOf::macro_series`] |
//! | statements | announced **strictly before** t (an announcement dated t may come after the close, SPEC §0.6); per period the latest such vintage | [`AsOf::statements`] |
//! | consensus snapshots | from `max(as_of, available_at)` on (a snapshot published after its as-of date counts from publication) | [`AsOf::consensus`] |
//! | ETF static data | `available_at` (listing) `≤ t`, or no date | [`AsOf::etfs`] |
//! | index weight snapshots | `date ≤ t` **and** `available_at ≤ t`; the latest such snapshot, drifted with its members' closes to t | [`AsOf::index_weights`] |
//!
//! The trading calendar is treated as known in advance (exchanges publish their holiday
//! schedules a year ahead), so `t` being a month-end is not look-ahead.
//!
//! **One source per code.** Daily fields, statements and consensus take, per code, the
//! caller's first preferred source that has the code, else the source with most rows —
//! vendors never splice (see [`crate::panel`]). Macro series do the same per series id.
//!
//! **Extending.** A new dataset gets a loader (`load_*`) that turns store rows into
//! per-code records sorted by the date they become known, and an `AsOf` accessor that
//! cuts by that date. Nothing else may read the store for a signal.

use crate::error::Result;
use crate::panel::{choose_sources, read_panel_pit, LateCell};
use crate::schema::Dataset;
use crate::store::Store;
use crate::table::{date_to_days, days_to_date, Table};
use chrono::{Datelike, NaiveDate};
use rotor_core::calendar::TradingCalendar;
use rotor_core::Panel;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A daily field of a dated dataset: which dataset and which column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Field {
    /// Dataset.
    pub dataset: Dataset,
    /// Column name.
    pub name: &'static str,
}

impl Field {
    /// Closing price (index points / CNY).
    pub const CLOSE: Field = Field::of(Dataset::Prices, "close");
    /// Total-return close.
    pub const TR_CLOSE: Field = Field::of(Dataset::Prices, "tr_close");
    /// Turnover in CNY.
    pub const AMOUNT: Field = Field::of(Dataset::Prices, "amount");
    /// PE-TTM.
    pub const PE_TTM: Field = Field::of(Dataset::Valuation, "pe_ttm");
    /// Turnover of the flows dataset, CNY.
    pub const FLOW_TURNOVER: Field = Field::of(Dataset::Flows, "turnover");
    /// Northbound net buy, CNY.
    pub const NORTHBOUND: Field = Field::of(Dataset::Flows, "northbound_net");
    /// Extra-large / institutional net inflow, CNY.
    pub const INSTITUTIONAL: Field = Field::of(Dataset::Flows, "institutional_net");
    /// Large-order net inflow, CNY.
    pub const LARGE_ORDER: Field = Field::of(Dataset::Flows, "large_order_net");
    /// ETF fund size (AUM), CNY.
    pub const FUND_SIZE: Field = Field::of(Dataset::EtfSize, "fund_size");
    /// ETF fund shares (units): AUM = shares × close where no fund size is stored.
    pub const ETF_SHARES: Field = Field::of(Dataset::EtfSize, "shares");
    /// A user's score (a long `date, asset, value` file, known at its date).
    pub const USER_SCORE: Field = Field::of(Dataset::Prices, "user_score");
    /// The close on a run's return basis: the total-return close for codes that have
    /// one, the price close otherwise (built by the loader, not stored).
    pub const BASIS_CLOSE: Field = Field::of(Dataset::Prices, "basis_close");

    /// A field by dataset and column.
    pub const fn of(dataset: Dataset, name: &'static str) -> Self {
        Field { dataset, name }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.dataset, self.name)
    }
}

/// One observation of a macro series (several vintages of a period may exist).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacroObs {
    /// Period end (the day for daily series, the month-end for monthly ones).
    pub period: NaiveDate,
    /// First day the value is usable (release date or SPEC §0.6 fallback).
    pub available_at: NaiveDate,
    /// Value in the series' unit.
    pub value: f64,
}

/// One quarterly statement of a code (single-quarter flows, period-end equity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuarterObs {
    /// Fiscal quarter end.
    pub period_end: NaiveDate,
    /// Announcement date (vintage).
    pub available_at: NaiveDate,
    /// Single-quarter net profit attributable to parent.
    pub np: f64,
    /// Single-quarter operating profit.
    pub op: f64,
    /// Single-quarter revenue.
    pub revenue: f64,
    /// Equity at period end.
    pub equity: f64,
    /// Total assets at period end (NaN when the source gives none).
    pub assets: f64,
    /// Total liabilities at period end (NaN when the source gives none).
    pub liabilities: f64,
}

/// Quarter key of a period end: `year·4 + quarter0` (consecutive quarters differ by 1).
pub fn quarter_key(d: NaiveDate) -> i32 {
    d.year() * 4 + d.month0() as i32 / 3
}

/// One consensus snapshot row of a code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConsensusObs {
    /// Date from which the snapshot is usable: `max(as_of, available_at)`.
    pub as_of: NaiveDate,
    /// Forecast fiscal year.
    pub fiscal_year: i32,
    /// Net profit.
    pub np: f64,
    /// ROE, percent.
    pub roe: f64,
    /// Revenue.
    pub revenue: f64,
    /// EPS.
    pub eps: f64,
}

/// Static data of an ETF.
#[derive(Debug, Clone, PartialEq)]
pub struct EtfInfo {
    /// ETF code.
    pub code: String,
    /// Fund name (may be empty).
    pub name: String,
    /// Tracked index code.
    pub tracking_index: String,
    /// Listing date when known.
    pub listing_date: Option<NaiveDate>,
    /// First day the row is known (listing), when given.
    pub available_at: Option<NaiveDate>,
}

/// A daily field on its own dates (the trading calendar for store fields), one column
/// per code, with the cells published after their date.
#[derive(Debug, Clone)]
struct DailyField {
    dates: Vec<NaiveDate>,
    index: HashMap<String, usize>,
    cols: Vec<Vec<f64>>,
    /// Per column, `(row, available_at)` of cells published after their date, by row.
    late: Vec<Vec<(usize, NaiveDate)>>,
    /// Per column, the number of finite values before each row (`len + 1` entries).
    finite_before: Vec<Vec<u32>>,
}

impl DailyField {
    fn from_panel(p: &Panel, late_cells: &[LateCell]) -> Self {
        let n = p.n_assets();
        let cols: Vec<Vec<f64>> = (0..n).map(|j| p.column(j)).collect();
        let mut late = vec![Vec::new(); n];
        for &(r, j, a) in late_cells {
            late[j].push((r, days_to_date(a)));
        }
        for l in late.iter_mut() {
            l.sort_unstable();
        }
        let finite_before = cols
            .iter()
            .map(|c| {
                let mut v = Vec::with_capacity(c.len() + 1);
                let mut k = 0u32;
                v.push(0);
                for x in c {
                    k += x.is_finite() as u32;
                    v.push(k);
                }
                v
            })
            .collect();
        DailyField {
            dates: p.dates.clone(),
            index: p
                .assets
                .iter()
                .enumerate()
                .map(|(j, a)| (a.clone(), j))
                .collect(),
            cols,
            late,
            finite_before,
        }
    }
}

/// Everything a run loaded, cut at any date by [`PitView::at`]. See the module docs.
#[derive(Debug, Clone)]
pub struct PitView {
    calendar: TradingCalendar,
    daily: BTreeMap<Field, DailyField>,
    macros: BTreeMap<String, Vec<MacroObs>>,
    statements: Option<HashMap<String, Vec<QuarterObs>>>,
    consensus: Option<HashMap<String, Vec<ConsensusObs>>>,
    etfs: Option<Vec<EtfInfo>>,
    etf_index: HashMap<String, usize>,
    /// Weight snapshots by index code, sorted by date.
    index_weights: BTreeMap<String, Vec<crate::universe::Snapshot>>,
    /// Codes under which an instrument is also known (the store's aliases): every
    /// lookup by code goes through them.
    aliases: crate::import::Aliases,
}

impl PitView {
    /// Look codes up through the store's aliases (`399300.SZ` finds `000300.SH`).
    pub fn set_aliases(&mut self, aliases: crate::import::Aliases) {
        self.aliases = aliases;
    }

    /// The canonical code of `code`.
    pub fn canonical<'c>(&'c self, code: &'c str) -> Cow<'c, str> {
        self.aliases.canonical(code)
    }

    /// An empty view over a trading calendar.
    pub fn new(calendar: TradingCalendar) -> Self {
        PitView {
            calendar,
            daily: BTreeMap::new(),
            macros: BTreeMap::new(),
            statements: None,
            consensus: None,
            etfs: None,
            etf_index: HashMap::new(),
            index_weights: BTreeMap::new(),
            aliases: Default::default(),
        }
    }

    /// Hold the weight snapshots of indices ([`crate::universe::read_snapshots`]); the
    /// members' closes are read from [`Field::CLOSE`] to drift them.
    pub fn insert_index_weights(
        &mut self,
        snapshots: BTreeMap<String, Vec<crate::universe::Snapshot>>,
    ) {
        self.index_weights = snapshots;
    }

    /// The trading calendar.
    pub fn calendar(&self) -> &TradingCalendar {
        &self.calendar
    }

    /// What was known at the close of `t`.
    pub fn at(&self, t: NaiveDate) -> AsOf<'_> {
        AsOf { view: self, t }
    }

    /// Load a daily field of `codes` from the store onto the trading calendar (values
    /// on other dates are dropped); codes without rows are simply absent. Returns the
    /// codes loaded.
    pub fn load_daily(
        &mut self,
        store: &Store,
        field: Field,
        codes: &[String],
        preference: &[String],
    ) -> Result<Vec<String>> {
        if !store.has(field.dataset) {
            return Ok(Vec::new());
        }
        let (p, late) = read_panel_pit(store, field.dataset, field.name, Some(codes), preference)?;
        let days = self.calendar.days();
        // re-home the late cells onto calendar rows
        let late: Vec<LateCell> = late
            .into_iter()
            .filter_map(|(r, j, a)| {
                let d = p.dates[r];
                days.binary_search(&d).ok().map(|k| (k, j, a))
            })
            .collect();
        let p = p.reindex(days, &p.assets);
        let assets = p.assets.clone();
        self.daily.insert(field, DailyField::from_panel(&p, &late));
        Ok(assets)
    }

    /// Insert a daily field from a panel on its own dates (a long file, a test);
    /// `late` lists cells published after their date (see [`read_panel_pit`]).
    pub fn insert_daily(&mut self, field: Field, panel: &Panel, late: &[LateCell]) {
        self.daily
            .insert(field, DailyField::from_panel(panel, late));
    }

    /// Is the field loaded (with at least one code)?
    pub fn has(&self, field: Field) -> bool {
        self.daily.get(&field).is_some_and(|f| !f.cols.is_empty())
    }

    /// Codes loaded for a field.
    pub fn codes(&self, field: Field) -> Vec<String> {
        let mut v: Vec<String> = self
            .daily
            .get(&field)
            .map(|f| f.index.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The whole realised column of a field (every date, published or not). **Not for
    /// signals**: the backtest engine uses it for the returns of positions it holds.
    pub fn realised(&self, field: Field, code: &str) -> Option<(&[NaiveDate], &[f64])> {
        let code = &*self.canonical(code);
        let f = self.daily.get(&field)?;
        let j = *f.index.get(code)?;
        Some((&f.dates, &f.cols[j]))
    }

    /// Load macro series by id (one source per id, see the module docs).
    pub fn load_macro(
        &mut self,
        store: &Store,
        ids: &[String],
        preference: &[String],
    ) -> Result<()> {
        if !store.has(Dataset::Macro) || ids.is_empty() {
            return Ok(());
        }
        let t = store.read(Dataset::Macro)?;
        self.insert_macro_table(&t, ids, preference);
        Ok(())
    }

    /// [`Self::load_macro`] from an in-memory macro table.
    pub fn insert_macro_table(&mut self, t: &Table, ids: &[String], preference: &[String]) {
        let (sid, per, av, src, val) = (
            t.str_col("series_id"),
            t.date_col("period"),
            t.date_col("available_at"),
            t.str_col("source"),
            t.f64_col("value"),
        );
        // rows per id and source
        let mut by: BTreeMap<&str, BTreeMap<&str, Vec<MacroObs>>> = BTreeMap::new();
        for i in 0..t.len() {
            let (Some(id), Some(p), Some(a)) = (sid[i].as_deref(), per[i], av[i]) else {
                continue;
            };
            if !ids.iter().any(|x| x == id) {
                continue;
            }
            by.entry(id)
                .or_default()
                .entry(src[i].as_deref().unwrap_or(""))
                .or_default()
                .push(MacroObs {
                    period: days_to_date(p),
                    available_at: days_to_date(a),
                    value: val[i],
                });
        }
        for (id, mut per_src) in by {
            let pick = pick_source(per_src.iter().map(|(s, v)| (*s, v.len())), preference);
            let mut obs = per_src.remove(pick.as_str()).unwrap_or_default();
            obs.sort_by_key(|o| (o.period, o.available_at));
            self.macros.insert(id.to_string(), obs);
        }
    }

    /// Insert a macro series from observations (any order; a test, another source).
    pub fn insert_macro(&mut self, id: &str, mut obs: Vec<MacroObs>) {
        obs.sort_by_key(|o| (o.period, o.available_at));
        self.macros.insert(id.to_string(), obs);
    }

    /// Is a macro series loaded (with at least one observation)?
    pub fn has_macro(&self, id: &str) -> bool {
        self.macros.get(id).is_some_and(|v| !v.is_empty())
    }

    /// Load the quarterly statements of `codes` (all vintages).
    pub fn load_statements(
        &mut self,
        store: &Store,
        codes: &[String],
        preference: &[String],
    ) -> Result<()> {
        if !store.has(Dataset::Fundamentals) {
            return Ok(());
        }
        let t = store.read(Dataset::Fundamentals)?;
        let chosen = choose_sources(&t, preference);
        let (code, src, pe, av) = (
            t.str_col("code"),
            t.str_col("source"),
            t.date_col("period_end"),
            t.date_col("available_at"),
        );
        let (np, op, rev, eq) = (
            t.f64_col("net_profit"),
            t.f64_col("operating_profit"),
            t.f64_col("revenue"),
            t.f64_col("equity"),
        );
        let (assets, liabilities) = (t.f64_col("total_assets"), t.f64_col("total_liabilities"));
        let mut per: HashMap<String, Vec<QuarterObs>> = HashMap::new();
        for i in 0..t.len() {
            let (Some(c), Some(p), Some(a)) = (code[i].as_deref(), pe[i], av[i]) else {
                continue;
            };
            if !codes.iter().any(|x| x == c)
                || src[i].as_deref() != chosen.get(c).map(String::as_str)
            {
                continue;
            }
            per.entry(c.to_string()).or_default().push(QuarterObs {
                period_end: days_to_date(p),
                available_at: days_to_date(a),
                np: np[i],
                op: op[i],
                revenue: rev[i],
                equity: eq[i],
                assets: assets[i],
                liabilities: liabilities[i],
            });
        }
        for v in per.values_mut() {
            v.sort_by_key(|o| (o.period_end, o.available_at));
        }
        if !per.is_empty() {
            self.statements = Some(per);
        }
        Ok(())
    }

    /// Every loaded vintage of `code`'s statements, sorted by (period end, announcement)
    /// — for a caller that cuts them at many dates itself with [`statements_as_of`], the
    /// rule of [`AsOf::statements`]. Empty when none is loaded.
    pub fn statement_vintages(&self, code: &str) -> &[QuarterObs] {
        let code = &*self.canonical(code);
        self.statements
            .as_ref()
            .and_then(|s| s.get(code))
            .map_or(&[], Vec::as_slice)
    }

    /// Insert statements of one code (any order; a test, another source).
    pub fn insert_statements(&mut self, code: &str, mut rows: Vec<QuarterObs>) {
        rows.sort_by_key(|o| (o.period_end, o.available_at));
        self.statements
            .get_or_insert_with(HashMap::new)
            .insert(code.to_string(), rows);
    }

    /// Insert consensus snapshots of one code (`as_of` = the usable date).
    pub fn insert_consensus(&mut self, code: &str, mut rows: Vec<ConsensusObs>) {
        rows.sort_by_key(|o| (o.as_of, o.fiscal_year));
        self.consensus
            .get_or_insert_with(HashMap::new)
            .insert(code.to_string(), rows);
    }

    /// Are statements loaded?
    pub fn has_statements(&self) -> bool {
        self.statements.is_some()
    }

    /// Load the consensus snapshots of `codes`.
    pub fn load_consensus(
        &mut self,
        store: &Store,
        codes: &[String],
        preference: &[String],
    ) -> Result<()> {
        if !store.has(Dataset::Consensus) {
            return Ok(());
        }
        let t = store.read(Dataset::Consensus)?;
        let per = consensus_rows(&t, codes, preference);
        if !per.is_empty() {
            self.consensus = Some(per);
        }
        Ok(())
    }

    /// Are consensus snapshots loaded?
    pub fn has_consensus(&self) -> bool {
        self.consensus.is_some()
    }

    /// Load ETF static data (first row per code in key order).
    pub fn load_etf_info(&mut self, store: &Store) -> Result<()> {
        if !store.has(Dataset::EtfInfo) {
            return Ok(());
        }
        let t = store.read(Dataset::EtfInfo)?;
        let (code, name, idx, listed, av) = (
            t.str_col("code"),
            t.str_col("name"),
            t.str_col("tracking_index"),
            t.date_col("listing_date"),
            t.date_col("available_at"),
        );
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for i in 0..t.len() {
            let Some(c) = code[i].as_deref() else {
                continue;
            };
            if !seen.insert(c.to_string()) {
                continue;
            }
            out.push(EtfInfo {
                code: c.to_string(),
                name: name[i].as_deref().unwrap_or("").to_string(),
                tracking_index: idx[i].as_deref().unwrap_or("").to_string(),
                listing_date: listed[i].map(days_to_date),
                available_at: av[i].map(days_to_date),
            });
        }
        self.insert_etf_info(out);
        Ok(())
    }

    /// Hold ETF static data (first row per code wins; a test, a caller's own list).
    pub fn insert_etf_info(&mut self, etfs: Vec<EtfInfo>) {
        self.etf_index = etfs
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        self.etfs = Some(etfs);
    }

    /// Every ETF row regardless of date (universe building by name, not signals).
    pub fn etf_static(&self) -> &[EtfInfo] {
        self.etfs.as_deref().unwrap_or(&[])
    }
}

/// Consensus rows per code, each counted from `max(as_of, available_at)`, sorted by that
/// date then fiscal year.
fn consensus_rows(
    t: &Table,
    codes: &[String],
    preference: &[String],
) -> HashMap<String, Vec<ConsensusObs>> {
    let chosen = choose_sources(t, preference);
    let (code, src, asof, av, fy) = (
        t.str_col("code"),
        t.str_col("source"),
        t.date_col("as_of"),
        t.date_col("available_at"),
        t.f64_col("fiscal_year"),
    );
    let (np, roe, rev, eps) = (
        t.f64_col("np"),
        t.f64_col("roe"),
        t.f64_col("revenue"),
        t.f64_col("eps"),
    );
    let mut per: HashMap<String, Vec<ConsensusObs>> = HashMap::new();
    for i in 0..t.len() {
        let (Some(c), Some(a)) = (code[i].as_deref(), asof[i]) else {
            continue;
        };
        if !codes.iter().any(|x| x == c) || src[i].as_deref() != chosen.get(c).map(String::as_str) {
            continue;
        }
        per.entry(c.to_string()).or_default().push(ConsensusObs {
            as_of: days_to_date(a.max(av[i].unwrap_or(a))),
            fiscal_year: fy[i] as i32,
            np: np[i],
            roe: roe[i],
            revenue: rev[i],
            eps: eps[i],
        });
    }
    for v in per.values_mut() {
        v.sort_by_key(|o| (o.as_of, o.fiscal_year));
    }
    per
}

/// The preferred source among `(source, rows)`, else the one with most rows (ties:
/// alphabetical).
fn pick_source<'a>(
    sources: impl Iterator<Item = (&'a str, usize)>,
    preference: &[String],
) -> String {
    let v: Vec<(&str, usize)> = sources.collect();
    if let Some(p) = preference.iter().find(|p| v.iter().any(|(s, _)| s == p)) {
        return p.clone();
    }
    v.iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.to_string())
        .unwrap_or_default()
}

/// A macro series as known at `t` (the rule of [`AsOf::macro_series`], for observation
/// lists held outside a view): per period the latest vintage with `available_at ≤ t` and
/// a finite value, sorted by period.
pub fn macro_as_of(obs: &[MacroObs], t: NaiveDate) -> Vec<MacroObs> {
    let mut known: Vec<MacroObs> = obs
        .iter()
        .filter(|o| o.available_at <= t && o.value.is_finite())
        .copied()
        .collect();
    if !known.is_sorted_by_key(|o| (o.period, o.available_at)) {
        known.sort_by_key(|o| (o.period, o.available_at));
    }
    let mut out: Vec<MacroObs> = Vec::with_capacity(known.len());
    for o in known {
        match out.last_mut() {
            // a later vintage of the same period replaces the earlier one
            Some(l) if l.period == o.period => *l = o,
            _ => out.push(o),
        }
    }
    out
}

/// Statements as known at `t` (the rule of [`AsOf::statements`], for rows held outside
/// a view): per quarter the latest vintage announced strictly before `t`.
pub fn statements_as_of(rows: &[QuarterObs], t: NaiveDate) -> BTreeMap<i32, QuarterObs> {
    let mut m: BTreeMap<i32, QuarterObs> = BTreeMap::new();
    for o in rows.iter().filter(|o| o.available_at < t) {
        let k = quarter_key(o.period_end);
        if m.get(&k).is_none_or(|p| p.available_at <= o.available_at) {
            m.insert(k, *o);
        }
    }
    m
}

/// The view cut at the close of `t`: nothing published after `t` can be read through it.
#[derive(Debug, Clone, Copy)]
pub struct AsOf<'a> {
    view: &'a PitView,
    t: NaiveDate,
}

impl<'a> AsOf<'a> {
    /// The date t.
    pub fn date(&self) -> NaiveDate {
        self.t
    }

    /// Trading days up to and including t.
    pub fn days(&self) -> &'a [NaiveDate] {
        let d = self.view.calendar.days();
        &d[..d.partition_point(|x| *x <= self.t)]
    }

    /// Is the field loaded?
    pub fn has(&self, field: Field) -> bool {
        self.view.has(field)
    }

    fn cut(&self, f: &DailyField) -> usize {
        f.dates.partition_point(|d| *d <= self.t)
    }

    /// Dates of a field up to t (the trading days for store fields).
    pub fn field_dates(&self, field: Field) -> &'a [NaiveDate] {
        match self.view.daily.get(&field) {
            Some(f) => &f.dates[..self.cut(f)],
            None => &[],
        }
    }

    /// The column of `code` on the field's dates up to t; a cell published after t
    /// reads NaN. `None` when the field or the code is not loaded.
    pub fn column(&self, field: Field, code: &str) -> Option<Cow<'a, [f64]>> {
        let code = &*self.view.canonical(code);
        let f = self.view.daily.get(&field)?;
        let j = *f.index.get(code)?;
        let cut = self.cut(f);
        let col = &f.cols[j][..cut];
        let hidden = |&&(r, a): &&(usize, NaiveDate)| r < cut && a > self.t;
        if !f.late[j].iter().any(|c| hidden(&c)) {
            return Some(Cow::Borrowed(col));
        }
        let mut v = col.to_vec();
        for &(r, _) in f.late[j].iter().filter(hidden) {
            v[r] = f64::NAN;
        }
        Some(Cow::Owned(v))
    }

    /// The last finite value of `code` published by t, with its date, looking back at
    /// most `max_rows` rows of the field (None = no limit).
    pub fn latest(
        &self,
        field: Field,
        code: &str,
        max_rows: Option<usize>,
    ) -> Option<(NaiveDate, f64)> {
        let code = &*self.view.canonical(code);
        let f = self.view.daily.get(&field)?;
        let j = *f.index.get(code)?;
        let cut = self.cut(f);
        let lo = max_rows.map_or(0, |m| cut.saturating_sub(m));
        (lo..cut).rev().find_map(|r| {
            let v = f.cols[j][r];
            let hidden = f.late[j]
                .binary_search_by_key(&r, |c| c.0)
                .is_ok_and(|k| f.late[j][k].1 > self.t);
            (v.is_finite() && !hidden).then_some((f.dates[r], v))
        })
    }

    /// Is any index weight snapshot loaded?
    pub fn has_index_weights(&self) -> bool {
        !self.view.index_weights.is_empty()
    }

    /// The weights of `index` at t (SPEC §0.5, §7): the latest snapshot with
    /// `date ≤ t` and `available_at ≤ t`, each member's weight drifted by its growth
    /// from the snapshot date to t ([`crate::universe::growth`]: chained daily ratios of
    /// its closes up to t, a move beyond ±35 % left out as ex-rights — a bonus issue does
    /// not halve a weight; cash dividends between snapshots are ignored). Returns the
    /// snapshot date and (member, weight); None before the first snapshot known at t.
    pub fn index_weights(&self, index: &str) -> Option<(NaiveDate, Vec<(String, f64)>)> {
        let snaps = self.view.index_weights.get(&*self.view.canonical(index))?;
        let snap = snaps
            .iter()
            .rev()
            .find(|s| s.date <= self.t && s.available_at <= self.t)?;
        let dates = self.field_dates(Field::CLOSE);
        let rs = dates.partition_point(|d| *d <= snap.date);
        let growth = |code: &str| {
            self.column(Field::CLOSE, code)
                .map_or(1.0, |col| crate::universe::growth(&col, rs, 0.35))
        };
        Some((snap.date, crate::universe::drift(&snap.members, growth)))
    }

    /// Number of finite values of `code` published by t (its usable history length).
    pub fn history_len(&self, field: Field, code: &str) -> usize {
        let code = &*self.view.canonical(code);
        let Some(f) = self.view.daily.get(&field) else {
            return 0;
        };
        let Some(&j) = f.index.get(code) else {
            return 0;
        };
        let cut = self.cut(f);
        let hidden = f.late[j]
            .iter()
            .filter(|&&(r, a)| r < cut && a > self.t && f.cols[j][r].is_finite())
            .count();
        f.finite_before[j][cut] as usize - hidden
    }

    /// A macro series as known at t: per period the latest vintage with
    /// `available_at ≤ t` (and a finite value), sorted by period. Empty when the series
    /// is not loaded.
    pub fn macro_series(&self, id: &str) -> Vec<MacroObs> {
        match self.view.macros.get(id) {
            Some(obs) => macro_as_of(obs, self.t),
            None => Vec::new(),
        }
    }

    /// The statements of `code` as known at t: per quarter the latest vintage announced
    /// strictly before t, keyed by [`quarter_key`].
    pub fn statements(&self, code: &str) -> BTreeMap<i32, QuarterObs> {
        let code = &*self.view.canonical(code);
        match self.view.statements.as_ref().and_then(|s| s.get(code)) {
            Some(rows) => statements_as_of(rows, self.t),
            None => BTreeMap::new(),
        }
    }

    /// Are statements loaded?
    pub fn has_statements(&self) -> bool {
        self.view.has_statements()
    }

    /// Is a macro series loaded?
    pub fn has_macro(&self, id: &str) -> bool {
        self.view.has_macro(id)
    }

    /// Are consensus snapshots loaded?
    pub fn has_consensus(&self) -> bool {
        self.view.has_consensus()
    }

    /// The consensus snapshots of `code` usable at t, sorted by their usable date.
    pub fn consensus(&self, code: &str) -> &'a [ConsensusObs] {
        let code = &*self.view.canonical(code);
        match self.view.consensus.as_ref().and_then(|c| c.get(code)) {
            Some(rows) => &rows[..rows.partition_point(|o| o.as_of <= self.t)],
            None => &[],
        }
    }

    /// ETFs known at t (listed by t, or without a date).
    pub fn etfs(&self) -> impl Iterator<Item = &'a EtfInfo> + 'a {
        let t = self.t;
        self.view
            .etfs
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .filter(move |e| e.available_at.is_none_or(|a| a <= t))
    }

    /// The static data of ETF `code` if it is known at t.
    pub fn etf(&self, code: &str) -> Option<&'a EtfInfo> {
        let code = &*self.view.canonical(code);
        let i = *self.view.etf_index.get(code)?;
        let e = &self.view.etfs.as_ref()?[i];
        e.available_at.is_none_or(|a| a <= self.t).then_some(e)
    }

    /// Day number of t (days since the epoch), for callers keyed like the store.
    pub fn day_number(&self) -> i32 {
        date_to_days(self.t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> TradingCalendar {
        TradingCalendar::new(
            ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
                .iter()
                .map(|s| d(s))
                .collect(),
        )
    }

    fn panel(vals: &[f64]) -> Panel {
        let mut p = Panel::nan(cal().days().to_vec(), vec!["A".into()]);
        for (t, v) in vals.iter().enumerate() {
            p.set(t, 0, *v);
        }
        p
    }

    #[test]
    fn a_daily_column_ends_at_t_and_hides_cells_published_later() {
        let mut v = PitView::new(cal());
        // the cell of 01-03 is published on 01-05 (two trading days late)
        v.insert_daily(
            Field::CLOSE,
            &panel(&[1.0, 2.0, 3.0, 4.0]),
            &[(1, 0, date_to_days(d("2024-01-05")))],
        );
        let at = v.at(d("2024-01-04"));
        assert_eq!(at.column(Field::CLOSE, "A").unwrap().len(), 3);
        let c = at.column(Field::CLOSE, "A").unwrap();
        assert!(c[1].is_nan() && c[2] == 3.0);
        assert_eq!(at.history_len(Field::CLOSE, "A"), 2);
        assert_eq!(
            at.latest(Field::CLOSE, "A", None),
            Some((d("2024-01-04"), 3.0))
        );
        let at = v.at(d("2024-01-05"));
        assert_eq!(
            &*at.column(Field::CLOSE, "A").unwrap(),
            &[1.0, 2.0, 3.0, 4.0]
        );
        assert_eq!(at.history_len(Field::CLOSE, "A"), 4);
        // a weekend t sees Friday's close
        assert_eq!(v.at(d("2024-01-06")).days().len(), 4);
        assert!(v
            .at(d("2024-01-01"))
            .column(Field::CLOSE, "A")
            .unwrap()
            .is_empty());
        assert!(v.at(d("2024-01-05")).column(Field::CLOSE, "B").is_none());
    }

    #[test]
    fn index_weights_are_the_latest_published_snapshot_drifted_to_t() {
        use crate::universe::Snapshot;
        let mut v = PitView::new(cal());
        // A: 10 → 12 over the week; B flat at 10
        let mut p = Panel::nan(cal().days().to_vec(), vec!["A".into(), "B".into()]);
        for (t, a) in [10.0, 10.0, 11.0, 12.0].iter().enumerate() {
            p.set(t, 0, *a);
            p.set(t, 1, 10.0);
        }
        v.insert_daily(Field::CLOSE, &p, &[]);
        let snap = |date: &str, avail: &str, wa: f64| Snapshot {
            date: d(date),
            available_at: d(avail),
            members: vec![("A".into(), wa), ("B".into(), 1.0 - wa)],
        };
        // the 01-03 snapshot; a 01-04 snapshot published only on 01-05
        let mut m = BTreeMap::new();
        m.insert(
            "IX".to_string(),
            vec![
                snap("2024-01-03", "2024-01-03", 0.5),
                snap("2024-01-04", "2024-01-05", 0.9),
            ],
        );
        v.insert_index_weights(m);
        assert!(v.at(d("2024-01-02")).index_weights("IX").is_none());
        let (s, w) = v.at(d("2024-01-03")).index_weights("IX").unwrap();
        assert_eq!((s, w[0].1, w[1].1), (d("2024-01-03"), 0.5, 0.5));
        // 01-04: still the 01-03 snapshot (the next is not yet published), A grew 1.1×
        let (s, w) = v.at(d("2024-01-04")).index_weights("IX").unwrap();
        assert_eq!(s, d("2024-01-03"));
        let a = 0.5 * 1.1;
        assert!((w[0].1 - a / (a + 0.5)).abs() < 1e-15);
        // 01-05: the 01-04 snapshot drifted by A's 12/11
        let (s, w) = v.at(d("2024-01-05")).index_weights("IX").unwrap();
        assert_eq!(s, d("2024-01-04"));
        let a = 0.9 * 12.0 / 11.0;
        assert!((w[0].1 - a / (a + 0.1)).abs() < 1e-15);
        assert!((w.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-15);
        assert!(v.at(d("2024-01-05")).index_weights("OTHER").is_none());
    }

    #[test]
    fn etf_size_published_in_the_evening_is_the_previous_days_figure() {
        let mut v = PitView::new(cal());
        let late: Vec<LateCell> = cal()
            .days()
            .iter()
            .enumerate()
            .map(|(r, day)| (r, 0, date_to_days(*day + chrono::Duration::days(1))))
            .collect();
        v.insert_daily(Field::FUND_SIZE, &panel(&[10.0, 20.0, 30.0, 40.0]), &late);
        assert_eq!(
            v.at(d("2024-01-04")).latest(Field::FUND_SIZE, "A", None),
            Some((d("2024-01-03"), 20.0))
        );
        assert_eq!(
            v.at(d("2024-01-02")).latest(Field::FUND_SIZE, "A", None),
            None
        );
    }

    fn macro_table(rows: &[(&str, &str, &str, f64)]) -> Table {
        use crate::table::Value;
        let mut t = Table::new(Dataset::Macro);
        for (id, p, a, v) in rows {
            t.push_row(vec![
                Value::Str(Some((*id).into())),
                Value::Date(Some(d(p))),
                Value::Date(Some(d(a))),
                Value::Str(Some("s".into())),
                Value::F64(*v),
                Value::Str(Some("reported".into())),
            ]);
        }
        t
    }

    #[test]
    fn macro_series_take_the_latest_vintage_published_by_t() {
        let mut v = PitView::new(cal());
        let t = macro_table(&[
            ("m2", "2023-11-30", "2023-12-12", 10.0),
            ("m2", "2023-12-31", "2024-01-03", 9.7),
            ("m2", "2023-12-31", "2024-01-05", 9.8), // revision
            ("other", "2023-12-31", "2024-01-02", 1.0),
        ]);
        v.insert_macro_table(&t, &["m2".into()], &[]);
        let s = v.at(d("2024-01-02")).macro_series("m2");
        assert_eq!(s.len(), 1);
        let s = v.at(d("2024-01-04")).macro_series("m2");
        assert_eq!((s.len(), s[1].value), (2, 9.7));
        assert_eq!(v.at(d("2024-01-05")).macro_series("m2")[1].value, 9.8);
        assert!(v.at(d("2024-01-05")).macro_series("other").is_empty());
    }

    #[test]
    fn statements_are_announced_strictly_before_t() {
        let mut v = PitView::new(cal());
        let q = |p: &str, a: &str, np: f64| QuarterObs {
            period_end: d(p),
            available_at: d(a),
            np,
            op: 0.0,
            revenue: 0.0,
            equity: 1.0,
            assets: f64::NAN,
            liabilities: f64::NAN,
        };
        v.statements = Some(HashMap::from([(
            "A".to_string(),
            vec![
                q("2023-09-30", "2023-10-30", 1.0),
                q("2023-09-30", "2024-01-03", 2.0),
            ],
        )]));
        assert_eq!(
            v.at(d("2024-01-03")).statements("A")[&quarter_key(d("2023-09-30"))].np,
            1.0
        );
        assert_eq!(
            v.at(d("2024-01-04")).statements("A")[&quarter_key(d("2023-09-30"))].np,
            2.0
        );
    }

    #[test]
    fn a_snapshot_counts_from_its_publication_not_its_as_of_date() {
        use crate::table::Value;
        let mut t = Table::new(Dataset::Consensus);
        for (asof, avail, np) in [
            ("2024-01-31", "2024-01-31", 1.0),
            ("2024-02-29", "2024-03-15", 2.0), // published two weeks late
        ] {
            let row = Dataset::Consensus
                .columns()
                .iter()
                .map(|c| match c.name {
                    "code" => Value::Str(Some("000300.SH".into())),
                    "source" => Value::Str(Some("v".into())),
                    "as_of" => Value::Date(Some(d(asof))),
                    "available_at" => Value::Date(Some(d(avail))),
                    "fiscal_year" => Value::F64(2024.0),
                    "np" => Value::F64(np),
                    _ => Value::F64(f64::NAN),
                })
                .collect();
            t.push_row(row);
        }
        let mut v = PitView::new(cal());
        v.consensus = Some(consensus_rows(&t, &["000300.SH".into()], &[]));
        assert_eq!(v.at(d("2024-03-14")).consensus("000300.SH").len(), 1);
        let rows = v.at(d("2024-03-15")).consensus("000300.SH");
        assert_eq!(
            (rows.len(), rows[1].as_of, rows[1].np),
            (2, d("2024-03-15"), 2.0)
        );
    }
}
