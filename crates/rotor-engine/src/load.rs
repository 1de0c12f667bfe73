//! Loading what a plan needs into a point-in-time view, once (sweeps reuse it), with a
//! fingerprint of every file read. What is missing becomes a note, not an error, unless
//! the run cannot proceed without it (the universe's prices, the calendar).
//!
//! Steps: [`resolve_universe`] (codes, asset type, exclusions) → the trading calendar
//! from the reference series → closes of the universe, benchmark, extra codes and ETF
//! candidates → the total-return basis where it exists → the strategy's fields, macro
//! series, statements, consensus, ETF sizes and files.

use crate::error::{EngineError, Result};
use crate::note::{Note, NoteKind};
use crate::plan::LoadSpec;
use chrono::NaiveDate;
use rotor_core::calendar::TradingCalendar;
use rotor_core::Panel;
use rotor_data::panel::read_panel_pit;
use rotor_data::schema::Dataset;
use rotor_data::store::{fingerprint, Store};
use rotor_data::view::{EtfInfo, Field, PitView};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Everything a plan loaded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The point-in-time view (the only read path for signals).
    pub view: PitView,
    /// Universe codes that have prices.
    pub universe: Vec<String>,
    /// Whether [`Field::BASIS_CLOSE`] exists (some universe code has a total-return close).
    pub has_total_return: bool,
    /// Universe codes on the total-return basis.
    pub total_return_codes: usize,
    /// The market benchmark code when it has prices.
    pub benchmark: Option<String>,
    /// ETFs tracking universe codes.
    pub etfs: Vec<EtfInfo>,
    /// Whether ETF size is fund AUM (else average turnover stands in).
    pub etf_size_is_aum: bool,
    /// The last date on which some universe member has a close.
    pub data_end: Option<NaiveDate>,
    /// File → fingerprint of every file read.
    pub fingerprint: BTreeMap<String, String>,
    /// What was missing or substituted.
    pub notes: Vec<Note>,
}

impl Loaded {
    /// The close field of a return basis ([`Field::BASIS_CLOSE`] for total return when
    /// some member has one).
    pub fn price_field(&self, total_return: bool) -> Field {
        if total_return && self.has_total_return {
            Field::BASIS_CLOSE
        } else {
            Field::CLOSE
        }
    }
}

/// Record a file's fingerprint under `key` (never a machine-specific path: the run
/// folder must be byte-identical wherever it is made).
fn file_fp(path: &Path, key: String, fp: &mut BTreeMap<String, String>) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| EngineError::io(path, e))?;
    fp.insert(key, fingerprint(&bytes));
    Ok(())
}

/// The fingerprint key of an input file: `file:<name>`.
fn file_key(path: &Path) -> String {
    format!(
        "file:{}",
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned()
        )
    )
}

/// Load per the spec.
pub fn load(spec: &LoadSpec) -> Result<Loaded> {
    let mut ld = match (&spec.prices_file, &spec.store) {
        (Some(pf), _) => load_price_file(spec, pf)?,
        (None, Some(root)) => load_store(spec, root)?,
        (None, None) => {
            return Err(EngineError::Missing(
                "one of `store` or `prices_file` is required".into(),
            ))
        }
    };
    for f in &spec.needs.files {
        file_fp(&f.path, file_key(&f.path), &mut ld.fingerprint)?;
        let select = f
            .select
            .as_ref()
            .map(|(column, equals)| rotor_data::longfile::RowFilter { column, equals });
        let p = rotor_data::longfile::read_long_where(&f.path, None, select)?;
        ld.view.insert_daily(f.field, &p, &[]);
    }
    ld.data_end = data_end(&ld.view, &ld.universe);
    Ok(ld)
}

/// The last calendar date with a close of some universe member.
fn data_end(view: &PitView, universe: &[String]) -> Option<NaiveDate> {
    universe
        .iter()
        .filter_map(|c| {
            let (d, v) = view.realised(Field::CLOSE, c)?;
            v.iter().rposition(|x| x.is_finite()).map(|i| d[i])
        })
        .max()
}

/// A long price file: its dates are the calendar.
fn load_price_file(spec: &LoadSpec, pf: &Path) -> Result<Loaded> {
    let mut notes = Vec::new();
    let mut fp = BTreeMap::new();
    file_fp(pf, file_key(pf), &mut fp)?;
    let p = rotor_data::longfile::read_long(pf, None)?;
    let u = &spec.universe;
    let universe: Vec<String> = p
        .assets
        .iter()
        .filter(|a| u.codes.is_empty() || u.codes.contains(a))
        .filter(|a| !u.exclude.contains(a))
        .cloned()
        .collect();
    let benchmark = p.assets.iter().find(|a| **a == spec.benchmark).cloned();
    if benchmark.is_none() && !spec.benchmark.is_empty() {
        notes.push(Note::new(
            NoteKind::Data,
            format!(
                "benchmark {} is not in {}: no market benchmark column",
                spec.benchmark,
                pf.display()
            ),
        ));
    }
    if universe.is_empty() {
        return Err(EngineError::Missing(format!(
            "no universe code has prices in {}",
            pf.display()
        )));
    }
    let mut view = PitView::new(TradingCalendar::new(p.dates.clone()));
    view.insert_daily(Field::CLOSE, &p, &[]);
    Ok(Loaded {
        view,
        universe,
        has_total_return: false,
        total_return_codes: 0,
        benchmark,
        etfs: Vec::new(),
        etf_size_is_aum: false,
        data_end: None,
        fingerprint: fp,
        notes,
    })
}

/// The universe codes: explicit, or every code of the asset type; minus exclusions
/// (by code, and by ETF name).
pub fn resolve_universe(
    store: &Store,
    spec: &LoadSpec,
    notes: &mut Vec<Note>,
) -> Result<Vec<String>> {
    let u = &spec.universe;
    let mut universe: Vec<String> = if u.codes.is_empty() {
        let prices = store.read_columns(Dataset::Prices, Some(&["code", "asset_type"]))?;
        let set: BTreeSet<&str> = prices
            .str_col("code")
            .iter()
            .zip(prices.str_col("asset_type"))
            .filter(|(_, t)| t.as_deref() == Some(u.asset_type.as_str()))
            .filter_map(|(c, _)| c.as_deref())
            .collect();
        set.into_iter().map(str::to_string).collect()
    } else {
        u.codes.clone()
    };
    universe.retain(|c| !u.exclude.contains(c));
    if !u.exclude_names.is_empty() {
        if !store.has(Dataset::EtfInfo) {
            return Err(EngineError::Missing(
                "universe.exclude_names needs names in the etf_info dataset".into(),
            ));
        }
        let info = store.read_columns(Dataset::EtfInfo, Some(&["code", "name"]))?;
        let drop: BTreeSet<&str> = info
            .str_col("code")
            .iter()
            .zip(info.str_col("name"))
            .filter(|(_, n)| {
                n.as_deref()
                    .is_some_and(|n| u.exclude_names.iter().any(|x| n.contains(x.as_str())))
            })
            .filter_map(|(c, _)| c.as_deref())
            .collect();
        let before = universe.len();
        universe.retain(|c| !drop.contains(c.as_str()));
        notes.push(Note::new(
            NoteKind::Universe,
            format!(
                "universe: {} codes left out by name ({})",
                before - universe.len(),
                u.exclude_names.join(", ")
            ),
        ));
    }
    Ok(universe)
}

/// ETFs of etf_info tracking a universe code (first row per code).
fn etf_candidates(
    store: &Store,
    universe: &[String],
    notes: &mut Vec<Note>,
) -> Result<Vec<EtfInfo>> {
    let mut v = PitView::new(TradingCalendar::new(Vec::new()));
    v.load_etf_info(store)?;
    let set: BTreeSet<&str> = universe.iter().map(String::as_str).collect();
    let c: Vec<EtfInfo> = v
        .etf_static()
        .iter()
        .filter(|e| set.contains(e.tracking_index.as_str()))
        .cloned()
        .collect();
    if c.is_empty() {
        notes.push(Note::new(
            NoteKind::Data,
            "etf: no ETF in etf_info tracks a universe index",
        ));
    }
    Ok(c)
}

/// The trading days: dates on which the reference has a close (every date with a price
/// when it has none, with a note).
fn calendar(close: &Panel, reference: &str, notes: &mut Vec<Note>) -> TradingCalendar {
    match close.assets.iter().position(|a| a == reference) {
        Some(j) => TradingCalendar::new(
            (0..close.n_dates())
                .filter(|&t| close.get(t, j).is_finite())
                .map(|t| close.dates[t])
                .collect(),
        ),
        None => {
            notes.push(Note::new(
                NoteKind::Data,
                format!("calendar reference {reference} has no prices: the calendar is every date with a universe price"),
            ));
            TradingCalendar::new(close.dates.clone())
        }
    }
}

/// Every source named in `universe.sources` must be a source of the store's prices (a
/// misspelt one would silently fall back to another source).
fn check_sources(store: &Store, wanted: &[String]) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let t = store.read_columns(Dataset::Prices, Some(&["source"]))?;
    let have: BTreeSet<&str> = t.str_col("source").iter().flatten().map(|s| &**s).collect();
    if let Some(bad) = wanted.iter().find(|w| !have.contains(w.as_str())) {
        return Err(EngineError::Missing(format!(
            "universe.sources: `{bad}` is not a source of the store's prices (sources: {})",
            have.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(())
}

/// The spec with every code it names in the store's canonical form (`399300.SZ` →
/// `000300.SH`), and a note per code rewritten.
fn canonical_spec(
    spec: &LoadSpec,
    aliases: &rotor_data::import::Aliases,
    notes: &mut Vec<Note>,
) -> LoadSpec {
    let mut s = spec.clone();
    let mut fix = |c: &mut String| {
        let k = aliases.canonical(c).into_owned();
        if k != *c {
            notes.push(Note::new(
                NoteKind::Universe,
                format!("{c} is {k} in the store (the same instrument)"),
            ));
            *c = k;
        }
    };
    s.universe.codes.iter_mut().for_each(&mut fix);
    s.universe.exclude.iter_mut().for_each(&mut fix);
    s.needs.extra_codes.iter_mut().for_each(&mut fix);
    fix(&mut s.benchmark);
    fix(&mut s.calendar);
    s
}

fn load_store(spec: &LoadSpec, root: &Path) -> Result<Loaded> {
    let store = Store::open(root)?;
    if !store.has(Dataset::Prices) {
        return Err(EngineError::Missing(format!(
            "store {} has no prices (import data or run `rotor sim`)",
            root.display()
        )));
    }
    check_sources(&store, &spec.universe.sources)?;
    let mut notes = Vec::new();
    let aliases = store.aliases()?;
    let spec = &canonical_spec(spec, &aliases, &mut notes);
    let fp = store_fingerprints(&store)?;
    let pref = &spec.universe.sources;
    let mut universe = resolve_universe(&store, spec, &mut notes)?;
    let etfs = if spec.needs.etfs && store.has(Dataset::EtfInfo) {
        etf_candidates(&store, &universe, &mut notes)?
    } else {
        Vec::new()
    };
    let weights = index_weights(&store, spec, &universe, &mut notes)?;
    let mut want: BTreeSet<String> = universe.iter().cloned().collect();
    want.extend(
        weights
            .values()
            .flatten()
            .flat_map(|s| s.members.iter().map(|m| m.0.clone())),
    );
    want.extend([spec.benchmark.clone(), spec.calendar.clone()]);
    want.extend(spec.needs.extra_codes.iter().cloned());
    want.extend(etfs.iter().map(|e| e.code.clone()));
    want.remove("");
    let want: Vec<String> = want.into_iter().collect();
    let (close, late) = read_panel_pit(&store, Dataset::Prices, "close", Some(&want), pref)?;
    let missing: Vec<&str> = universe
        .iter()
        .filter(|c| !close.assets.contains(c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        notes.push(Note::new(
            NoteKind::Universe,
            format!(
                "universe codes without prices, left out: {}",
                missing.join(", ")
            ),
        ));
        universe.retain(|c| close.assets.contains(c));
    }
    if universe.is_empty() {
        return Err(EngineError::Missing(format!(
            "no universe member has prices in {} (universe.codes / universe.asset_type = {})",
            root.display(),
            spec.universe.asset_type
        )));
    }
    let cal = calendar(&close, &spec.calendar, &mut notes);
    let mut view = PitView::new(cal);
    view.set_aliases(aliases);
    view.insert_index_weights(weights);
    insert_on_calendar(&mut view, Field::CLOSE, &close, &late);
    let benchmark = (!spec.benchmark.is_empty())
        .then(|| {
            view.codes(Field::CLOSE)
                .into_iter()
                .find(|c| *c == spec.benchmark)
        })
        .flatten();
    if benchmark.is_none() && !spec.benchmark.is_empty() {
        notes.push(Note::new(
            NoteKind::Data,
            format!("benchmark {} has no prices in the store", spec.benchmark),
        ));
    }
    let tr_codes = load_total_return(&store, &mut view, &universe, pref)?;
    for f in &spec.needs.fields {
        let got = view.load_daily(&store, *f, &universe, pref)?;
        note_late_cells(&store, *f, &got, pref, &mut notes)?;
    }
    view.load_macro(&store, &spec.needs.macro_series, &[])?;
    if spec.needs.statements {
        view.load_statements(&store, &universe, pref)?;
    }
    if spec.needs.consensus {
        view.load_consensus(&store, &universe, pref)?;
    }
    let etf_size_is_aum = load_etf_data(&store, &mut view, &etfs, pref, &mut notes)?;
    Ok(Loaded {
        view,
        universe,
        has_total_return: tr_codes > 0,
        total_return_codes: tr_codes,
        benchmark,
        etfs,
        etf_size_is_aum,
        data_end: None,
        fingerprint: fp,
        notes,
    })
}

/// The fingerprint of every dataset file of the store, keyed `store:<dataset>`.
fn store_fingerprints(store: &Store) -> Result<BTreeMap<String, String>> {
    let mut fp = BTreeMap::new();
    for d in Dataset::ALL {
        if store.has(d) {
            file_fp(&store.path(d), format!("store:{}", d.name()), &mut fp)?;
        }
    }
    Ok(fp)
}

/// The weight snapshots of the universe indices (SPEC §0.5), with a note naming those
/// without any.
fn index_weights(
    store: &Store,
    spec: &LoadSpec,
    universe: &[String],
    notes: &mut Vec<Note>,
) -> Result<BTreeMap<String, Vec<rotor_data::universe::Snapshot>>> {
    if !spec.needs.index_weights {
        return Ok(BTreeMap::new());
    }
    let w = rotor_data::universe::read_snapshots(store, universe, &spec.universe.sources)?;
    let without: Vec<&str> = universe
        .iter()
        .filter(|c| !w.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !without.is_empty() {
        notes.push(Note::new(
            NoteKind::Data,
            format!(
                "{} of {} universe indices have no constituent weights in the store and get no score: {}",
                without.len(),
                universe.len(),
                without.join(", ")
            ),
        ));
    }
    Ok(w)
}

/// ETF static data and sizes (fund AUM — stored, or fund shares × close, with a note —
/// or turnover when neither history exists, with a note). Returns whether the size is AUM.
fn load_etf_data(
    store: &Store,
    view: &mut PitView,
    etfs: &[EtfInfo],
    pref: &[String],
    notes: &mut Vec<Note>,
) -> Result<bool> {
    if etfs.is_empty() {
        return Ok(false);
    }
    view.load_etf_info(store)?;
    let codes: Vec<String> = etfs.iter().map(|e| e.code.clone()).collect();
    let sized = view.load_daily(store, Field::FUND_SIZE, &codes, pref)?;
    let with_shares = view.load_daily(store, Field::ETF_SHARES, &codes, pref)?;
    let by_shares: Vec<&str> = with_shares
        .iter()
        .filter(|c| !sized.contains(c))
        .map(String::as_str)
        .collect();
    if !by_shares.is_empty() {
        notes.push(Note::new(
            NoteKind::Proxy,
            format!(
                "etf: AUM = fund shares × close for the {} ETF(s) without a fund-size history: {}",
                by_shares.len(),
                by_shares.join(", ")
            ),
        ));
    }
    if view.has(Field::FUND_SIZE) || view.has(Field::ETF_SHARES) {
        return Ok(true);
    }
    notes.push(Note::new(
        NoteKind::Proxy,
        "etf: no fund-size history — the largest ETF is chosen by average daily turnover (20 days to t−1) instead",
    ));
    view.load_daily(store, Field::AMOUNT, &codes, pref)?;
    Ok(false)
}

/// Insert a panel read from the store onto the view's calendar.
fn insert_on_calendar(
    view: &mut PitView,
    field: Field,
    p: &Panel,
    late: &[rotor_data::panel::LateCell],
) {
    let days = view.calendar().days().to_vec();
    let late: Vec<_> = late
        .iter()
        .filter_map(|&(r, j, a)| days.binary_search(&p.dates[r]).ok().map(|k| (k, j, a)))
        .collect();
    view.insert_daily(field, &p.reindex(&days, &p.assets), &late);
}

/// [`Field::BASIS_CLOSE`]: each universe code's total-return close when it has one,
/// its price close otherwise. Returns how many codes are on the total-return basis.
fn load_total_return(
    store: &Store,
    view: &mut PitView,
    universe: &[String],
    pref: &[String],
) -> Result<usize> {
    let (tr0, late0) = read_panel_pit(store, Dataset::Prices, "tr_close", Some(universe), pref)?;
    let days = view.calendar().days().to_vec();
    let tr = tr0.reindex(&days, universe);
    let mut basis = Panel::nan(days.clone(), universe.to_vec());
    let mut used = BTreeSet::new();
    for (j, code) in universe.iter().enumerate() {
        let col = tr.column(j);
        let src: Vec<f64> = if col.iter().any(|v| v.is_finite()) {
            used.insert(code.as_str());
            col
        } else {
            view.realised(Field::CLOSE, code)
                .map(|(_, v)| v.to_vec())
                .unwrap_or_default()
        };
        for (t, v) in src.iter().enumerate() {
            basis.set(t, j, *v);
        }
    }
    if used.is_empty() {
        return Ok(0);
    }
    // late cells: of the total-return closes used, and of the price closes of the rest
    let mut late = Vec::new();
    for &(r, j, a) in &late0 {
        let (Ok(k), Some(u)) = (
            days.binary_search(&tr0.dates[r]),
            universe.iter().position(|c| *c == tr0.assets[j]),
        ) else {
            continue;
        };
        late.push((k, u, a));
    }
    late.sort_unstable();
    view.insert_daily(Field::BASIS_CLOSE, &basis, &late);
    Ok(used.len())
}

/// A note when a daily field holds cells published after their date (they are hidden
/// until published; ETF sizes, published in the evening by rule, are not noted).
fn note_late_cells(
    store: &Store,
    f: Field,
    codes: &[String],
    pref: &[String],
    notes: &mut Vec<Note>,
) -> Result<()> {
    if codes.is_empty() || f == Field::FUND_SIZE {
        return Ok(());
    }
    let (p, late) = read_panel_pit(store, f.dataset, f.name, Some(codes), pref)?;
    if late.is_empty() {
        return Ok(());
    }
    let worst = late
        .iter()
        .map(|&(r, _, a)| rotor_data::table::days_to_date(a) - p.dates[r])
        .max()
        .map_or(0, |d| d.num_days());
    notes.push(Note::new(
        NoteKind::Data,
        format!(
            "{f}: {} value(s) published after their date (by up to {worst} days) — each is used from its publication day",
            late.len()
        ),
    ));
    Ok(())
}
