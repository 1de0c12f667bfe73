//! Loading everything a run reads, once (sweeps reuse it), with a fingerprint of the
//! files read. What is missing becomes a note, not an error, unless the run cannot
//! proceed without it (prices, calendar).

use crate::config::{Mode, ReturnBasis, SignalKind, StrategyConfig};
use crate::error::{Result, StrategyError};
use chrono::NaiveDate;
use rotor_core::Panel;
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::{fingerprint, Store};
use rotor_data::table::{days_to_date, Table};
use rotor_factors::{ConsensusObs, FactorInputs, FlowPanels, QuarterObs};
use rotor_portfolio::etf::{map_etf, EtfCandidate, EtfRules};
use rotor_regime::{Obs, RegimeInputs};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// ETFs of the universe's indices.
#[derive(Debug, Clone)]
pub struct EtfData {
    /// Candidates (tracking an index of the universe).
    pub candidates: Vec<EtfCandidate>,
    /// Daily closes (calendar days × ETFs, same order as `candidates`).
    pub close: Panel,
    /// Daily size: AUM when `size_is_aum`, else turnover (amount).
    pub size: Panel,
    /// Whether `size` is fund AUM (else the turnover proxy).
    pub size_is_aum: bool,
}

impl EtfData {
    /// The ETF held for `index` when trading at day index `t` (SPEC §4.4, rules in
    /// [`rotor_portfolio::etf::map_etf`]): candidates need a close at t and
    /// `rules.min_listing_days` trading days since listing (since their first close when
    /// the listing date is unknown). Size: with AUM, the latest AUM published by t — the
    /// figure of t−1, or an older one up to 10 trading days back; without AUM, the mean
    /// daily turnover of the 20 trading days t−20 … t−1. Returns the candidate's position.
    pub fn choose(
        &self,
        index: &str,
        t: usize,
        days: &[NaiveDate],
        rules: EtfRules,
    ) -> Option<usize> {
        let pos = |code: &str| self.candidates.iter().position(|x| x.code == code);
        let listed = |c: &EtfCandidate| -> usize {
            let Some(k) = pos(&c.code) else { return 0 };
            if !self.close.get(t, k).is_finite() {
                return 0;
            }
            let first = match c.listing_date {
                Some(d) => days.partition_point(|x| *x < d),
                None => (0..=t)
                    .find(|&s| self.close.get(s, k).is_finite())
                    .unwrap_or(t),
            };
            t.saturating_sub(first)
        };
        let size = |code: &str| -> Option<f64> {
            let k = pos(code)?;
            if self.size_is_aum {
                (t.saturating_sub(10)..t)
                    .rev()
                    .map(|s| self.size.get(s, k))
                    .find(|v| v.is_finite())
            } else {
                let v: Vec<f64> = (t.saturating_sub(20)..t)
                    .map(|s| self.size.get(s, k))
                    .filter(|v| v.is_finite())
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            }
        };
        let c = map_etf(
            index,
            &self.candidates,
            rules,
            self.size_is_aum,
            listed,
            size,
        )?;
        pos(&c.code)
    }
}

/// Everything loaded for a run.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Trading days (the calendar).
    pub days: Vec<NaiveDate>,
    /// Universe closes on the calendar (price or total-return basis).
    pub close: Panel,
    /// Benchmark closes on the calendar (None when absent).
    pub bench: Option<Vec<f64>>,
    /// Factor inputs (closes repeated inside).
    pub factors: FactorInputs,
    /// Regime inputs (None when the store has no yield or M2).
    pub regime: Option<RegimeInputs>,
    /// ETF data for ETF mode and the recommendation's product column.
    pub etfs: Option<EtfData>,
    /// A user's score panel (signal.kind = file), on its own dates.
    pub user_score: Option<Panel>,
    /// File → fingerprint of every file read.
    pub fingerprint: BTreeMap<String, String>,
    /// What was missing or substituted.
    pub notes: Vec<String>,
}

fn file_fp(path: &Path, fp: &mut BTreeMap<String, String>) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| StrategyError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    fp.insert(path.display().to_string(), fingerprint(&bytes));
    Ok(())
}

fn on_days(p: &Panel, days: &[NaiveDate]) -> Panel {
    p.reindex(days, &p.assets)
}

/// Load per the config.
pub fn load(cfg: &StrategyConfig) -> Result<Loaded> {
    let mut notes = Vec::new();
    let mut fp = BTreeMap::new();
    if let Some(pf) = &cfg.prices_file {
        file_fp(pf, &mut fp)?;
        let mut p = rotor_data::longfile::read_long(pf, None)?;
        // the benchmark column before the universe filter (it need not be a member)
        let bench = p
            .assets
            .iter()
            .position(|a| *a == cfg.benchmark.code)
            .map(|j| p.column(j));
        if !cfg.universe.codes.is_empty() {
            let keep: Vec<String> = p
                .assets
                .iter()
                .filter(|a| cfg.universe.codes.contains(a))
                .cloned()
                .collect();
            p = p.reindex(&p.dates.clone(), &keep);
        }
        if bench.is_none() {
            notes.push(format!(
                "benchmark {} is not in {}: no market benchmark column",
                cfg.benchmark.code,
                pf.display()
            ));
        }
        let excl: Vec<String> = p
            .assets
            .iter()
            .filter(|a| !cfg.universe.exclude.contains(a))
            .cloned()
            .collect();
        let close = p.reindex(&p.dates.clone(), &excl);
        let user_score = load_user_score(cfg, &mut fp)?;
        return Ok(Loaded {
            days: close.dates.clone(),
            factors: FactorInputs {
                close: close.clone(),
                pe: None,
                quarters: None,
                consensus: None,
                flows: None,
            },
            close,
            bench,
            regime: None,
            etfs: None,
            user_score,
            fingerprint: fp,
            notes,
        });
    }
    let root = cfg.store.as_ref().expect("validated");
    if !root.join("prices").join("data.parquet").exists() {
        return Err(StrategyError::Missing(format!(
            "store {} has no prices (import data or run `rotor sim`)",
            root.display()
        )));
    }
    let store = Store::open(root)?;
    for d in Dataset::ALL {
        if store.has(d) {
            file_fp(&store.path(d), &mut fp)?;
        }
    }
    // universe
    let prices = store.read_columns(Dataset::Prices, Some(&["code", "asset_type"]))?;
    let mut universe: Vec<String> = if cfg.universe.codes.is_empty() {
        let mut v: Vec<String> = prices
            .str_col("code")
            .iter()
            .zip(prices.str_col("asset_type"))
            .filter(|(_, t)| t.as_deref() == Some(cfg.universe.asset_type.as_str()))
            .filter_map(|(c, _)| c.as_deref().map(str::to_string))
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        cfg.universe.codes.clone()
    };
    universe.retain(|c| !cfg.universe.exclude.contains(c));
    if !cfg.universe.exclude_names.is_empty() {
        if !store.has(Dataset::EtfInfo) {
            return Err(StrategyError::Missing(
                "universe.exclude_names needs names in the etf_info dataset".into(),
            ));
        }
        let info = store.read_columns(Dataset::EtfInfo, Some(&["code", "name"]))?;
        let drop: std::collections::BTreeSet<&str> = info
            .str_col("code")
            .iter()
            .zip(info.str_col("name"))
            .filter(|(_, n)| {
                n.as_deref().is_some_and(|n| {
                    cfg.universe
                        .exclude_names
                        .iter()
                        .any(|x| n.contains(x.as_str()))
                })
            })
            .filter_map(|(c, _)| c.as_deref())
            .collect();
        let before = universe.len();
        universe.retain(|c| !drop.contains(c.as_str()));
        notes.push(format!(
            "universe: {} codes left out by name ({})",
            before - universe.len(),
            cfg.universe.exclude_names.join(", ")
        ));
    }
    let pref = &cfg.universe.sources;
    let cal_code = cfg
        .benchmark
        .calendar
        .as_ref()
        .unwrap_or(&cfg.benchmark.code);
    let mut want = universe.clone();
    want.push(cfg.benchmark.code.clone());
    want.push(cal_code.clone());
    want.sort();
    want.dedup();
    let all_close = read_panel(&store, Dataset::Prices, "close", Some(&want), pref)?;
    let missing: Vec<&String> = universe
        .iter()
        .filter(|c| !all_close.assets.contains(c))
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "universe codes without prices, left out: {}",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        universe.retain(|c| all_close.assets.contains(c));
    }
    if universe.is_empty() {
        return Err(StrategyError::Missing(format!(
            "no universe member has prices in {} (universe.codes / universe.asset_type = {})",
            root.display(),
            cfg.universe.asset_type
        )));
    }
    let days: Vec<NaiveDate> = match all_close.assets.iter().position(|a| a == cal_code) {
        Some(j) => (0..all_close.n_dates())
            .filter(|&t| all_close.get(t, j).is_finite())
            .map(|t| all_close.dates[t])
            .collect(),
        None => {
            notes.push(format!(
                "calendar reference {cal_code} has no prices: the calendar is every date with a universe price"
            ));
            all_close.dates.clone()
        }
    };
    let all_close = on_days(&all_close, &days);
    // daily datasets are read by `date`: valuation and flows are used at that day's
    // close, ETF size the next trading day (AUM(t−1)); rows published later than that
    // would be used early, so say so in every output rather than silently
    for (ds, slack) in [
        (Dataset::Valuation, 0),
        (Dataset::Flows, 0),
        (Dataset::EtfSize, 1),
    ] {
        if let Some(note) = late_daily_rows(&store, ds, &days, slack)? {
            notes.push(note);
        }
    }
    let bench = all_close
        .assets
        .iter()
        .position(|a| *a == cfg.benchmark.code)
        .map(|j| all_close.column(j));
    if bench.is_none() {
        notes.push(format!(
            "benchmark {} has no prices in the store",
            cfg.benchmark.code
        ));
    }
    let mut close = all_close.reindex(&days, &universe);
    if cfg.portfolio.return_basis == ReturnBasis::TotalReturn {
        let tr = read_panel(&store, Dataset::Prices, "tr_close", Some(&universe), pref)?;
        let tr = tr.reindex(&days, &universe);
        let mut used = 0;
        for j in 0..universe.len() {
            if (0..days.len()).any(|t| tr.get(t, j).is_finite()) {
                used += 1;
                for t in 0..days.len() {
                    close.set(t, j, tr.get(t, j));
                }
            }
        }
        notes.push(format!(
            "return basis: total return for {used} of {} indices, price for the rest",
            universe.len()
        ));
    }
    // factor inputs
    let pe = if store.has(Dataset::Valuation) {
        let p = read_panel(&store, Dataset::Valuation, "pe_ttm", Some(&universe), pref)?;
        let p = p.reindex(&days, &universe);
        p.values.iter().any(|v| v.is_finite()).then_some(p)
    } else {
        None
    };
    let idx_of: HashMap<&str, usize> = universe
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let quarters = if store.has(Dataset::Fundamentals) {
        let t = store.read(Dataset::Fundamentals)?;
        let mut per: Vec<Vec<QuarterObs>> = vec![Vec::new(); universe.len()];
        let (code, pe_, av) = (
            t.str_col("code"),
            t.date_col("period_end"),
            t.date_col("available_at"),
        );
        let (np, op, rev, eq) = (
            t.f64_col("net_profit"),
            t.f64_col("operating_profit"),
            t.f64_col("revenue"),
            t.f64_col("equity"),
        );
        for i in 0..t.len() {
            let (Some(c), Some(p), Some(a)) = (code[i].as_deref(), pe_[i], av[i]) else {
                continue;
            };
            if let Some(&j) = idx_of.get(c) {
                per[j].push(QuarterObs {
                    period_end: days_to_date(p),
                    available_at: days_to_date(a),
                    np: np[i],
                    op: op[i],
                    revenue: rev[i],
                    equity: eq[i],
                });
            }
        }
        per.iter().any(|v| !v.is_empty()).then_some(per)
    } else {
        None
    };
    let consensus = if store.has(Dataset::Consensus) {
        let per = consensus_obs(&store.read(Dataset::Consensus)?, &idx_of, universe.len());
        per.iter().any(|v| !v.is_empty()).then_some(per)
    } else {
        None
    };
    let flows = if store.has(Dataset::Flows) {
        let get = |f: &str| -> Result<Option<Panel>> {
            let p = read_panel(&store, Dataset::Flows, f, Some(&universe), pref)?;
            let p = p.reindex(&days, &universe);
            Ok(p.values.iter().any(|v| v.is_finite()).then_some(p))
        };
        match get("turnover")? {
            Some(turnover) => Some(FlowPanels {
                northbound: get("northbound_net")?,
                institutional: get("institutional_net")?,
                large: get("large_order_net")?,
                turnover,
            }),
            None => None,
        }
        .filter(|f| f.northbound.is_some() || f.institutional.is_some() || f.large.is_some())
    } else {
        None
    };
    // regime inputs
    let regime = if store.has(Dataset::Macro) {
        let t = store.read(Dataset::Macro)?;
        let series = |id: &str| macro_obs(&t, id);
        let ri = RegimeInputs {
            yield_daily: series(&cfg.macro_series.yield_10y),
            m2_yoy: series(&cfg.macro_series.m2_yoy),
            tsf_stock_yoy: series(&cfg.macro_series.tsf_stock_yoy),
            tsf_flow: series(&cfg.macro_series.tsf_flow),
        };
        if ri.yield_daily.is_empty() || ri.m2_yoy.is_empty() {
            notes.push(format!(
                "regime: macro series {} or {} missing — every month is Undefined",
                cfg.macro_series.yield_10y, cfg.macro_series.m2_yoy
            ));
        }
        if ri.tsf_stock_yoy.is_empty() {
            notes.push(format!(
                "regime: no TSF-stock YoY ({}) — credit uses the {:?} proxy",
                cfg.macro_series.tsf_stock_yoy, cfg.regime.tsf_proxy
            ));
        }
        Some(ri)
    } else {
        notes.push("regime: the store has no macro dataset — every month is Undefined".into());
        None
    };
    let etfs = if store.has(Dataset::EtfInfo) {
        load_etfs(&store, &universe, &days, pref, &mut notes)?
    } else {
        if cfg.portfolio.mode == Mode::Etf {
            return Err(StrategyError::Missing(format!(
                "portfolio.mode = \"etf\" but store {} has no etf_info",
                root.display()
            )));
        }
        None
    };
    let user_score = load_user_score(cfg, &mut fp)?;
    Ok(Loaded {
        days,
        factors: FactorInputs {
            close: close.clone(),
            pe,
            quarters,
            consensus,
            flows,
        },
        close,
        bench,
        regime,
        etfs,
        user_score,
        fingerprint: fp,
        notes,
    })
}

fn load_user_score(
    cfg: &StrategyConfig,
    fp: &mut BTreeMap<String, String>,
) -> Result<Option<Panel>> {
    if cfg.signal.kind != SignalKind::File {
        return Ok(None);
    }
    let f = cfg.signal.file.as_ref().expect("validated");
    file_fp(f, fp)?;
    let mut p = rotor_data::longfile::read_long(f, None)?;
    if cfg.signal.ascending {
        p.values.iter_mut().for_each(|v| *v = -*v);
    }
    Ok(Some(p))
}

/// Observations of one macro series.
pub fn macro_obs(t: &Table, id: &str) -> Vec<Obs> {
    let (sid, per, av, val) = (
        t.str_col("series_id"),
        t.date_col("period"),
        t.date_col("available_at"),
        t.f64_col("value"),
    );
    (0..t.len())
        .filter(|&i| sid[i].as_deref() == Some(id))
        .filter_map(|i| {
            Some(Obs {
                period: days_to_date(per[i]?),
                available_at: days_to_date(av[i]?),
                value: val[i],
            })
        })
        .collect()
}

fn load_etfs(
    store: &Store,
    universe: &[String],
    days: &[NaiveDate],
    pref: &[String],
    notes: &mut Vec<String>,
) -> Result<Option<EtfData>> {
    let info = store.read(Dataset::EtfInfo)?;
    let (code, idx, listed) = (
        info.str_col("code"),
        info.str_col("tracking_index"),
        info.date_col("listing_date"),
    );
    let mut cands: BTreeMap<String, EtfCandidate> = BTreeMap::new();
    for i in 0..info.len() {
        let (Some(c), Some(ix)) = (code[i].as_deref(), idx[i].as_deref()) else {
            continue;
        };
        if universe.iter().any(|u| u == ix) {
            cands.entry(c.to_string()).or_insert(EtfCandidate {
                code: c.to_string(),
                tracking_index: ix.to_string(),
                listing_date: listed[i].map(days_to_date),
            });
        }
    }
    if cands.is_empty() {
        notes.push("etf: no ETF in etf_info tracks a universe index".into());
        return Ok(None);
    }
    let codes: Vec<String> = cands.keys().cloned().collect();
    let close =
        read_panel(store, Dataset::Prices, "close", Some(&codes), pref)?.reindex(days, &codes);
    let aum = if store.has(Dataset::EtfSize) {
        let p = read_panel(store, Dataset::EtfSize, "fund_size", Some(&codes), pref)?
            .reindex(days, &codes);
        p.values.iter().any(|v| v.is_finite()).then_some(p)
    } else {
        None
    };
    let (size, size_is_aum) = match aum {
        Some(p) => (p, true),
        None => {
            notes.push(
                "etf: no fund-size history — the largest ETF is chosen by average daily turnover (20 days to t−1) instead".into(),
            );
            let amt = read_panel(store, Dataset::Prices, "amount", Some(&codes), pref)?
                .reindex(days, &codes);
            (amt, false)
        }
    };
    Ok(Some(EtfData {
        candidates: codes.iter().map(|c| cands[c].clone()).collect(),
        close,
        size,
        size_is_aum,
    }))
}

/// A note when a daily dataset holds rows published after they are used: the row of
/// `date` d is used at the close of the trading day `slack` days after d (0: d itself;
/// 1: the next trading day, the ETF-size rule), so `available_at` later than that day
/// means the pipeline would read it before it was published.
fn late_daily_rows(
    store: &Store,
    ds: Dataset,
    days: &[NaiveDate],
    slack: usize,
) -> Result<Option<String>> {
    if !store.has(ds) {
        return Ok(None);
    }
    let t = store.read_columns(ds, Some(&["date", "available_at"]))?;
    let (d, a) = (t.date_col("date"), t.date_col("available_at"));
    let mut n = 0usize;
    let mut worst = 0i32;
    for (d, a) in d.iter().zip(a) {
        let (Some(d), Some(a)) = (d, a) else { continue };
        let date = days_to_date(*d);
        // the trading day on which the row is first used
        let k = days.partition_point(|x| *x < date) + slack;
        let Some(&used) = days.get(k) else {
            continue; // never used: no trading day in the data after it
        };
        let pub_day = days_to_date(*a);
        if pub_day > used {
            n += 1;
            worst = worst.max((pub_day - used).num_days() as i32);
        }
    }
    Ok((n > 0).then(|| {
        format!(
            "{}: {n} row(s) published after the day they are used (by up to {worst} days) — daily data is read by date; shift those dates before importing if that matters",
            ds.name()
        )
    }))
}

/// Consensus snapshots per universe member (`idx_of`: code → member index), sorted by
/// date. Point in time: a snapshot counts from `max(as_of, available_at)` — a vendor
/// file whose snapshots were published after their as-of date (mapped `available_at`)
/// is not used before it was published; the later date then also sets the FTTM weight.
fn consensus_obs(
    t: &rotor_data::table::Table,
    idx_of: &HashMap<&str, usize>,
    n: usize,
) -> Vec<Vec<ConsensusObs>> {
    let mut per: Vec<Vec<ConsensusObs>> = vec![Vec::new(); n];
    let (code, asof, av, fy) = (
        t.str_col("code"),
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
    for i in 0..t.len() {
        let (Some(c), Some(a)) = (code[i].as_deref(), asof[i]) else {
            continue;
        };
        if let Some(&j) = idx_of.get(c) {
            per[j].push(ConsensusObs {
                as_of: days_to_date(a.max(av[i].unwrap_or(a))),
                fiscal_year: fy[i] as i32,
                np: np[i],
                roe: roe[i],
                revenue: rev[i],
                eps: eps[i],
            });
        }
    }
    for v in per.iter_mut() {
        v.sort_by_key(|o| (o.as_of, o.fiscal_year));
    }
    per
}

#[cfg(test)]
mod tests {
    use super::*;
    use rotor_data::table::{Table, Value};

    #[test]
    fn a_snapshot_counts_from_its_publication_not_its_as_of_date() {
        let day = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
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
                    "as_of" => Value::Date(day(asof)),
                    "available_at" => Value::Date(day(avail)),
                    "fiscal_year" => Value::F64(2024.0),
                    "np" => Value::F64(np),
                    _ => Value::F64(f64::NAN),
                })
                .collect();
            t.push_row(row);
        }
        let idx: HashMap<&str, usize> = [("000300.SH", 0usize)].into_iter().collect();
        let per = consensus_obs(&t, &idx, 1);
        assert_eq!(per[0][0].as_of, day("2024-01-31").unwrap());
        assert_eq!(per[0][1].as_of, day("2024-03-15").unwrap());
        assert_eq!(per[0][1].np, 2.0);
    }

    /// A daily table of `ds` with rows `(date, available_at)` for one code.
    fn daily(ds: Dataset, rows: &[(&str, &str)]) -> Table {
        let mut t = Table::new(ds);
        for (d, a) in rows {
            let row = ds
                .columns()
                .iter()
                .map(|c| match (c.name, c.kind) {
                    ("date", _) => Value::Date(d.parse().ok()),
                    ("available_at", _) => Value::Date(a.parse().ok()),
                    ("code", _) => Value::Str(Some("X".into())),
                    ("source", _) => Value::Str(Some("v".into())),
                    (_, rotor_data::schema::ColumnKind::F64) => Value::F64(1.0),
                    (_, rotor_data::schema::ColumnKind::Str) => Value::Str(None),
                    (_, rotor_data::schema::ColumnKind::Date) => Value::Date(None),
                })
                .collect();
            t.push_row(row);
        }
        t
    }

    #[test]
    fn daily_rows_published_after_their_use_are_noted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let rows = [
            ("2024-01-02", "2024-01-02"),
            ("2024-01-03", "2024-01-04"), // one trading day late
            ("2024-01-05", "2024-01-06"), // late; as ETF size it is never used (no next day)
        ];
        store
            .commit(
                vec![
                    daily(Dataset::Valuation, &rows),
                    daily(Dataset::EtfSize, &rows),
                ],
                vec![],
                rotor_data::table::ConflictPolicy::Keep,
            )
            .unwrap();
        let days: Vec<NaiveDate> = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
            .iter()
            .map(|d| d.parse().unwrap())
            .collect();
        let v = late_daily_rows(&store, Dataset::Valuation, &days, 0)
            .unwrap()
            .unwrap();
        assert!(
            v.starts_with("valuation: 2 row(s)") && v.contains("up to 1 days"),
            "{v}"
        );
        // ETF size is used the next trading day: a one-day publication lag is fine
        assert_eq!(
            late_daily_rows(&store, Dataset::EtfSize, &days, 1).unwrap(),
            None
        );
        assert_eq!(
            late_daily_rows(&store, Dataset::Flows, &days, 0).unwrap(),
            None
        );
    }
}
