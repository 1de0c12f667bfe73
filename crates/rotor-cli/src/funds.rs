//! `rotor funds alpha | enhanced | rotation | import`: fund analytics ([`rotor_funds`]).
//!
//! Funds come from the store — `fund` assets of `prices` (unit NAV as close, the
//! total-return index as tr_close), `fund_info` and `fund_holdings`, written by
//! `rotor funds import` — or, when `--navs` / `--info` / `--holdings` name folders, from
//! AKShare's layouts directly: NAV files `<code>.csv` (净值日期, 单位净值, 日增长率,
//! optionally 累计净值; English `date, unit_nav, daily_growth, acc_nav` too), profiles
//! `<code>.json` (基金类型, 业绩比较基准), holdings `<code>_<year>.csv` (read by the same
//! importer rules as the store's). Both paths give the same results (tested). Index
//! prices always come from the store.

use crate::args::{FundAlphaArgs, FundEnhancedArgs};
use crate::ui::Ui;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
use rotor_core::frame::{Column, Frame};
use rotor_data::import::FileSpec;
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_funds::nav::{nav_returns, NavRow};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One fund: code, daily returns by date, distribution days found.
struct Fund {
    code: String,
    returns: HashMap<NaiveDate, f64>,
    distributions: usize,
}

/// A number cell: empty, `--`, `nan` → NaN (no value); anything else that is not a number
/// (a trailing `%` allowed) is an error naming the file, row and column.
fn cell(path: &Path, row: usize, column: &str, raw: Option<&str>) -> Result<f64> {
    let v = raw.unwrap_or("").trim();
    if v.is_empty() || v == "--" || v.eq_ignore_ascii_case("nan") || v == "<NA>" {
        return Ok(f64::NAN);
    }
    v.trim_end_matches('%').parse::<f64>().map_err(|_| {
        anyhow::anyhow!(
            "{}: row {row}, column {column}: `{v}` is not a number",
            path.display()
        )
    })
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y%m%d"))
        .ok()
}

/// The rows of one NAV file, sorted by date, repeated dates dropped (see the module docs).
fn read_nav_rows(path: &Path) -> Result<Vec<NavRow>> {
    let (mut r, h) = crate::ui::csv_with_headers(path)?;
    let find = |names: &[&str]| h.iter().position(|x| names.contains(&x.as_str()));
    let Some(di) = find(&["净值日期", "date"]) else {
        bail!(
            "{}: no date column (净值日期 / date); headers: {}",
            path.display(),
            h.join(", ")
        );
    };
    let Some(ui) = find(&["单位净值", "unit_nav"]) else {
        bail!(
            "{}: no unit NAV column (单位净值 / unit_nav); headers: {}",
            path.display(),
            h.join(", ")
        );
    };
    let gi = find(&["日增长率", "daily_growth"]);
    let ai = find(&["累计净值", "acc_nav"]);
    let mut rows = Vec::new();
    for (k, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), k + 2))?;
        let num = |i: Option<usize>| -> Result<f64> {
            match i {
                Some(i) => cell(path, k + 2, &h[i], rec.get(i)),
                None => Ok(f64::NAN),
            }
        };
        let Some(date) = rec.get(di).and_then(parse_date) else {
            bail!(
                "{}: row {}, column {}: `{}` is not a date (YYYY-MM-DD)",
                path.display(),
                k + 2,
                h[di],
                rec.get(di).unwrap_or("")
            );
        };
        rows.push(NavRow {
            date,
            unit_nav: num(Some(ui))?,
            acc_nav: num(ai)?,
            growth_pct: num(gi)?,
        });
    }
    rows.sort_by_key(|r| r.date);
    rows.dedup_by_key(|r| r.date);
    Ok(rows)
}

/// The fund code of a NAV file (its name).
fn nav_code(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Read one NAV file (see the module docs).
fn read_nav(path: &Path) -> Result<Fund> {
    let rows = read_nav_rows(path)?;
    Ok(fund_of(&nav_code(path), &rows))
}

/// A fund from its sorted NAV rows (returns of [`nav_returns`]).
fn fund_of(code: &str, rows: &[NavRow]) -> Fund {
    let nr = nav_returns(rows);
    Fund {
        code: code.to_string(),
        returns: nr
            .dates
            .iter()
            .zip(&nr.returns)
            .filter(|(_, r)| r.is_finite())
            .map(|(d, r)| (*d, *r))
            .collect(),
        distributions: nr.distribution_days.len(),
    }
}

/// Fund profile fields: (基金类型, 业绩比较基准).
fn read_info(dir: &Path, code: &str) -> Option<(String, String)> {
    let p = dir.join(format!("{code}.json"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    Some((s("基金类型"), s("业绩比较基准")))
}

/// Every NAV file of the folder.
fn read_navs(dir: &Path) -> Result<Vec<Fund>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("--navs {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("--navs {}: no <code>.csv NAV file", dir.display());
    }
    paths.par_iter().map(|p| read_nav(p)).collect()
}

/// A fund code as the analyses write it: the vendor's six digits for an open-end fund
/// (`000001.OF` → `000001`, as NAV files name it), exchange-listed funds with their
/// exchange (`510300.SH`).
fn bare_fund_code(code: &str) -> &str {
    code.strip_suffix(".OF").unwrap_or(code)
}

/// The funds of the store: every `fund` asset of the prices, its NAV rows rebuilt from
/// `close` (unit NAV) and the daily return of `tr_close` against the previous known
/// value — the rows `rotor funds import` wrote, so [`nav_returns`] gives the returns
/// and distribution days it gave on the files. One source per fund: the one with most
/// rows (ties: the first by name).
fn store_funds(ui: &Ui, store: &Store) -> Result<Vec<Fund>> {
    let t = store.read_columns(
        Dataset::Prices,
        Some(&["code", "date", "source", "asset_type", "close", "tr_close"]),
    )?;
    let (code, date, src, kind) = (
        t.str_col("code"),
        t.date_col("date"),
        t.str_col("source"),
        t.str_col("asset_type"),
    );
    let (close, tr) = (t.f64_col("close"), t.f64_col("tr_close"));
    let mut by: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for i in 0..t.len() {
        if kind[i].as_deref() != Some("fund") {
            continue;
        }
        if let (Some(c), Some(s), Some(_)) = (&code[i], &src[i], date[i]) {
            by.entry((c, s)).or_default().push(i);
        }
    }
    let mut best: BTreeMap<&str, &Vec<usize>> = BTreeMap::new();
    for ((c, _), rows) in &by {
        let e = best.entry(c).or_insert(rows);
        if rows.len() > e.len() {
            *e = rows;
        }
    }
    let funds = best
        .iter()
        .map(|(c, rows)| {
            let mut rows = (*rows).clone();
            rows.sort_by_key(|&i| date[i]);
            let mut prev = f64::NAN;
            let nav: Vec<NavRow> = rows
                .iter()
                .map(|&i| {
                    let g = 100.0 * (tr[i] / prev - 1.0);
                    if tr[i].is_finite() {
                        prev = tr[i];
                    }
                    NavRow {
                        date: rotor_data::table::days_to_date(date[i].expect("dated")),
                        unit_nav: close[i],
                        acc_nav: f64::NAN,
                        growth_pct: g,
                    }
                })
                .collect();
            fund_of(bare_fund_code(c), &nav)
        })
        .collect::<Vec<_>>();
    // a fund stored without a total-return NAV (unit NAV only) reads a distribution as
    // a loss: said, never silent
    let unit_only: Vec<&str> = best
        .iter()
        .filter(|(_, rows)| rows.iter().all(|&i| !tr[i].is_finite()))
        .map(|(c, _)| *c)
        .collect();
    if !unit_only.is_empty() {
        ui.note(format!(
            "{} fund(s) have no total-return NAV (tr_close) in the store, so their returns are \
             unit-NAV ratios and a distribution reads as a loss: {}{} — import them with \
             `rotor funds import --navs` (daily growth) or with an adj_nav column",
            unit_only.len(),
            unit_only
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            if unit_only.len() > 5 { ", …" } else { "" }
        ));
    }
    if funds.is_empty() {
        bail!(
            "{}: no fund NAVs in the store (import them with `rotor funds import --navs DIR`) \
             and no --navs folder given",
            store.root().display()
        );
    }
    Ok(funds)
}

/// Fund profiles from the store's `fund_info`: bare code → (type, benchmark text); the
/// first source by name that gives a type when several do.
fn store_info(store: &Store) -> Result<HashMap<String, (String, String)>> {
    let t = store.read(Dataset::FundInfo)?;
    let mut out: HashMap<String, (String, String)> = HashMap::new();
    let s = |v: &Option<rotor_data::table::Text>| v.as_deref().unwrap_or("").to_string();
    for i in t.sorted_order() {
        let Some(c) = t.str_col("code")[i].as_deref() else {
            continue;
        };
        let entry = (s(&t.str_col("fund_type")[i]), s(&t.str_col("benchmark")[i]));
        match out.get(bare_fund_code(c)) {
            Some(old) if !old.0.is_empty() => {}
            _ => {
                out.insert(bare_fund_code(c).to_string(), entry);
            }
        }
    }
    Ok(out)
}

/// Where fund profiles are read: a folder of `<code>.json`, or the store.
enum Profiles {
    Folder(std::path::PathBuf),
    Store(HashMap<String, (String, String)>),
}

impl Profiles {
    /// `--info` when given, else the store's `fund_info` when it has one.
    fn open(store: &Store, folder: Option<&Path>) -> Result<Option<Profiles>> {
        Ok(match folder {
            Some(f) => Some(Profiles::Folder(f.to_path_buf())),
            None if store.has(Dataset::FundInfo) => Some(Profiles::Store(store_info(store)?)),
            None => None,
        })
    }

    /// (type, benchmark text) of a fund.
    fn get(&self, code: &str) -> Option<(String, String)> {
        match self {
            Profiles::Folder(dir) => read_info(dir, code),
            Profiles::Store(m) => m.get(code).cloned(),
        }
    }
}

/// The funds of `--navs` when given, else those of the store.
fn load_funds(ui: &Ui, store: &Store, navs: Option<&Path>) -> Result<Vec<Fund>> {
    match navs {
        Some(dir) => read_navs(dir),
        None => store_funds(ui, store),
    }
}

/// Stock → industry from a CSV (code: ts_code / code / 股票代码 / symbol; industry:
/// industry / 行业 / industry_name), codes normalised as the store's.
fn read_stock_industries(path: &Path) -> Result<HashMap<String, String>> {
    use rotor_data::import::codes::{normalize, CodeKind};
    let (mut r, h) = crate::ui::csv_with_headers(path)?;
    let find = |names: &[&str]| h.iter().position(|x| names.contains(&x.as_str()));
    let (Some(ci), Some(ii)) = (
        find(&["ts_code", "code", "股票代码", "symbol"]),
        find(&["industry", "行业", "industry_name"]),
    ) else {
        bail!(
            "{}: expected a stock code column (ts_code, code, 股票代码) and an industry column (industry, 行业); headers: {}",
            path.display(),
            h.join(", ")
        );
    };
    let mut out = HashMap::new();
    for (k, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), k + 2))?;
        let (c, i) = (
            rec.get(ci).unwrap_or("").trim(),
            rec.get(ii).unwrap_or("").trim(),
        );
        if let (Ok(code), false) = (normalize(c, CodeKind::Stock), i.is_empty()) {
            out.insert(code, i.to_string());
        }
    }
    Ok(out)
}

/// Blank each fund's alpha on the dates it is not balanced (SPEC §13, see
/// [`rotor_funds::balanced`]): full holdings from the store's `fund_holdings`, inception
/// from `fund_info`. Returns the note saying what the filter kept.
fn keep_balanced(
    store: &Store,
    industries: &Path,
    dates: &[NaiveDate],
    funds: &[Fund],
    alphas: &mut [Vec<f64>],
) -> Result<String> {
    use rotor_data::table::days_to_date;
    use rotor_funds::balanced::{balanced_on, summarise, BalancedRule, FullReport};
    if !store.has(Dataset::FundHoldings) {
        bail!(
            "--balanced reads full holdings from the store's fund_holdings: import them with \
             `rotor funds import --holdings …`"
        );
    }
    let ind = read_stock_industries(industries)?;
    let t = store.read(Dataset::FundHoldings)?;
    let mut reports: BTreeMap<(String, i32, i32), Vec<(String, f64)>> = BTreeMap::new();
    for i in 0..t.len() {
        if t.str_col("disclosure")[i].as_deref() != Some("full") {
            continue;
        }
        let (Some(c), Some(p), Some(av), Some(st)) = (
            t.str_col("code")[i].as_deref(),
            t.date_col("period_end")[i],
            t.date_col("available_at")[i],
            t.str_col("stock")[i].as_deref(),
        ) else {
            continue;
        };
        reports
            .entry((bare_fund_code(c).to_string(), p, av))
            .or_default()
            .push((st.to_string(), t.f64_col("weight")[i]));
    }
    let mut full: HashMap<String, Vec<FullReport>> = HashMap::new();
    let industry_of = |c: &str| ind.get(c).cloned();
    for ((f, _, av), h) in &reports {
        full.entry(f.clone())
            .or_default()
            .push(summarise(days_to_date(*av), h, &industry_of));
    }
    let inception: HashMap<String, NaiveDate> = if store.has(Dataset::FundInfo) {
        let t = store.read(Dataset::FundInfo)?;
        (0..t.len())
            .filter_map(|i| {
                let c = t.str_col("code")[i].as_deref()?;
                let d = t.date_col("inception")[i]?;
                Some((bare_fund_code(c).to_string(), days_to_date(d)))
            })
            .collect()
    } else {
        HashMap::new()
    };
    let rule = BalancedRule::default();
    let mut ever = 0usize;
    let mut first: Option<NaiveDate> = None;
    for (f, al) in funds.iter().zip(alphas.iter_mut()) {
        let reps = full.get(&f.code).map(Vec::as_slice).unwrap_or(&[]);
        let ok = balanced_on(dates, reps, inception.get(&f.code).copied(), &rule);
        if let Some(k) = ok.iter().position(|x| *x) {
            ever += 1;
            first = Some(first.map_or(dates[k], |d: NaiveDate| d.min(dates[k])));
        }
        for (v, keep) in al.iter_mut().zip(&ok) {
            if !keep {
                *v = f64::NAN;
            }
        }
    }
    Ok(format!(
        "balanced filter (SPEC §13: latest public full holdings ≥ {:.0} % stocks, no industry above {:.0} % of them, ≥ {} days old): {ever} of {} funds count on some date, from {}; {} funds have full holdings in the store — the median covers only the dates they reach",
        100.0 * rule.min_equity,
        100.0 * rule.max_industry,
        rule.min_age_days,
        funds.len(),
        first.map_or("never".to_string(), |d| d.to_string()),
        full.len()
    ))
}

/// The source of `code` whose rows run latest (ties: more rows): an index held by
/// several vendors is read from the one that reaches the present.
fn latest_source(store: &Store, code: &str) -> Result<Vec<String>> {
    let t = store.read_columns(Dataset::Prices, Some(&["code", "date", "source"]))?;
    let mut best: BTreeMap<String, (i32, usize)> = BTreeMap::new();
    for ((c, d), s) in t
        .str_col("code")
        .iter()
        .zip(t.date_col("date"))
        .zip(t.str_col("source"))
    {
        if let (Some(c), Some(d), Some(s)) = (c, d, s) {
            if c.as_ref() == code {
                let e = best.entry(s.to_string()).or_insert((i32::MIN, 0));
                e.0 = e.0.max(*d);
                e.1 += 1;
            }
        }
    }
    Ok(best
        .into_iter()
        .max_by_key(|(_, v)| *v)
        .map(|(s, _)| vec![s])
        .unwrap_or_default())
}

/// Daily returns of an index from the store's closes, by date (from the source whose
/// rows run latest).
fn index_returns(store: &Store, code: &str) -> Result<BTreeMap<NaiveDate, f64>> {
    let pref = latest_source(store, code)?;
    let p = read_panel(
        store,
        Dataset::Prices,
        "close",
        Some(&[code.to_string()]),
        &pref,
    )?;
    if p.assets.is_empty() {
        bail!("{code}: no prices in the store {}", store.root().display());
    }
    let mut out = BTreeMap::new();
    let mut prev = f64::NAN;
    for (d, c) in p.dates.iter().zip(&p.values) {
        if c.is_finite() && *c > 0.0 {
            if prev.is_finite() {
                out.insert(*d, c / prev - 1.0);
            }
            prev = *c;
        }
    }
    Ok(out)
}

/// Factor returns: (dates, names, `t × p` values) from a wide or long CSV.
fn read_factors(path: &Path) -> Result<(Vec<NaiveDate>, Vec<String>, Vec<f64>)> {
    let (mut r, h) = crate::ui::csv_with_headers(path)
        .with_context(|| format!("--factors {}", path.display()))?;
    let recs: Vec<csv::StringRecord> = r.records().collect::<std::result::Result<_, _>>()?;
    let long = h.len() == 3 && h[1] == "factor" && h[2] == "value";
    let mut table: BTreeMap<NaiveDate, BTreeMap<String, f64>> = BTreeMap::new();
    let date_col = h
        .iter()
        .position(|x| x == "date" || x == "日期" || x == "trade_date")
        .with_context(|| format!("{}: no date column (date / 日期)", path.display()))?;
    for (k, rec) in recs.iter().enumerate() {
        let d = rec.get(date_col).and_then(parse_date).with_context(|| {
            format!(
                "{}: row {}: `{}` is not a date",
                path.display(),
                k + 2,
                rec.get(date_col).unwrap_or("")
            )
        })?;
        if long {
            let v = cell(path, k + 2, &h[2], rec.get(2))?;
            table.entry(d).or_default().insert(rec[1].to_string(), v);
        } else {
            for (j, name) in h.iter().enumerate().filter(|(j, _)| *j != date_col) {
                let v = cell(path, k + 2, name, rec.get(j))?;
                table.entry(d).or_default().insert(name.clone(), v);
            }
        }
    }
    let mut names: Vec<String> = table.values().flat_map(|m| m.keys().cloned()).collect();
    names.sort();
    names.dedup();
    // a risk model's country and industries are not styles
    names.retain(|n| n != "country" && !n.starts_with("industry:"));
    let dates: Vec<NaiveDate> = table.keys().copied().collect();
    let vals = table
        .values()
        .flat_map(|m| {
            names
                .iter()
                .map(|n| m.get(n).copied().unwrap_or(f64::NAN))
                .collect::<Vec<_>>()
        })
        .collect();
    Ok((dates, names, vals))
}

/// The regressors of each date: the market's return, the styles, the sectors' returns.
fn factor_matrix(
    store: &Store,
    a: &FundAlphaArgs,
    dates: &[NaiveDate],
    styles: &[String],
    sv: &[f64],
) -> Result<(Vec<String>, Vec<f64>)> {
    let market = index_returns(store, &a.market)?;
    let sectors: Vec<BTreeMap<NaiveDate, f64>> = a
        .sectors
        .iter()
        .map(|c| index_returns(store, c))
        .collect::<Result<_>>()?;
    let names: Vec<String> = std::iter::once(format!("market:{}", a.market))
        .chain(styles.iter().cloned())
        .chain(a.sectors.iter().map(|c| format!("sector:{c}")))
        .collect();
    let s = styles.len();
    let x: Vec<f64> = (0..dates.len())
        .flat_map(|t| {
            let d = dates[t];
            std::iter::once(market.get(&d).copied().unwrap_or(f64::NAN))
                .chain(sv[t * s..(t + 1) * s].iter().copied())
                .chain(
                    sectors
                        .iter()
                        .map(move |m| m.get(&d).copied().unwrap_or(f64::NAN)),
                )
                .collect::<Vec<_>>()
        })
        .collect();
    Ok((names, x))
}

pub fn alpha(ui: &Ui, a: FundAlphaArgs) -> Result<()> {
    if a.window < 2 || a.min_obs > a.window {
        bail!(
            "--window {} / --min-obs {}: expected 2 ≤ min-obs ≤ window",
            a.window,
            a.min_obs
        );
    }
    let store = Store::open(&a.store)?;
    let (dates, styles, sv) = read_factors(&a.factors)?;
    let (names, x) = factor_matrix(&store, &a, &dates, &styles, &sv)?;
    let p = names.len();
    let mut funds = load_funds(ui, &store, a.navs.as_deref())?;
    let total = funds.len();
    if let Some(profiles) = Profiles::open(&store, a.info.as_deref())? {
        funds.retain(|f| {
            let ty = profiles.get(&f.code).map(|i| i.0).unwrap_or_default();
            if a.types.is_empty() {
                ty != "股票型-增强指数"
            } else {
                a.types.contains(&ty)
            }
        });
    }
    if funds.is_empty() {
        bail!("no fund of the {total} read matches the types asked");
    }
    let model = if a.sectors.is_empty() { "A" } else { "B" };
    let fits: Vec<rotor_funds::alpha::FundAlpha> = funds
        .par_iter()
        .map(|f| {
            let y: Vec<f64> = dates
                .iter()
                .map(|d| f.returns.get(d).copied().unwrap_or(f64::NAN))
                .collect();
            rotor_funds::alpha::rolling_alpha(&y, &x, p, 0.0, a.window, a.min_obs)
        })
        .collect();
    std::fs::create_dir_all(&a.out)?;
    write_alpha(&a.out, &dates, &funds, &fits, &names, model)?;
    let mut alphas: Vec<Vec<f64>> = fits.iter().map(|f| f.alpha_ann.clone()).collect();
    let balanced_note = match (&a.industries, a.balanced) {
        (Some(ind), true) => Some(keep_balanced(&store, ind, &dates, &funds, &mut alphas)?),
        _ => None,
    };
    let med = rotor_funds::alpha::monthly_median(&dates, &alphas);
    let mf = Frame::new("alpha_median")
        .with("month", Column::dates(med.iter().map(|m| m.0)))
        .with(
            "median_alpha_ann",
            Column::Num(med.iter().map(|m| m.1).collect()),
        )
        .with(
            "funds",
            Column::Int(med.iter().map(|m| m.2 as i64).collect()),
        );
    std::fs::write(a.out.join("alpha_median.csv"), mf.to_csv())?;
    let dist: usize = funds.iter().map(|f| f.distributions).sum();
    let notes = vec![
        format!("{} funds, Model {model}: {}", funds.len(), names.join(", ")),
        format!("returns from the daily growth (日增长率); {dist} distribution / split days where the unit-NAV ratio would have been wrong"),
    ];
    let r = rotor_report::funds::alpha_report(&mf, "基金 alpha · 滚动回归", &notes);
    let written = rotor_report::write(&a.out, "report", &r, true)?;
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for (d, v, _) in &med {
        if v.is_finite() {
            by_year
                .entry(chrono::Datelike::year(d))
                .or_default()
                .push(*v);
        }
    }
    out!(
        "rolling {}-day alpha (Model {model}: {}), {} funds; median annualised alpha, mean of month-ends",
        a.window,
        names.join(", "),
        funds.len()
    );
    for (y, v) in &by_year {
        out!(
            "{y}  {:>7.2}%  ({} months)",
            100.0 * v.iter().sum::<f64>() / v.len() as f64,
            v.len()
        );
    }
    ui.note(&notes[1]);
    if let Some(n) = &balanced_note {
        ui.note(n);
    }
    ui.note(format!("outputs in {}", a.out.display()));
    crate::ui::print_written(ui, &[written]);
    Ok(())
}

fn write_alpha(
    out: &Path,
    dates: &[NaiveDate],
    funds: &[Fund],
    fits: &[rotor_funds::alpha::FundAlpha],
    names: &[String],
    model: &str,
) -> Result<()> {
    let p = names.len();
    let (mut d, mut code, mut al, mut n) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut betas: Vec<Vec<f64>> = vec![Vec::new(); p];
    for (f, fit) in funds.iter().zip(fits) {
        for (t, day) in dates.iter().enumerate() {
            if fit.alpha_ann[t].is_finite() {
                d.push(Some(*day));
                code.push(f.code.clone());
                al.push(fit.alpha_ann[t]);
                n.push(fit.n_obs[t] as i64);
                for (k, b) in betas.iter_mut().enumerate() {
                    b.push(fit.betas[t * p + k]);
                }
            }
        }
    }
    let rows = d.len();
    let mut frame = Frame::new("alpha")
        .with("date", Column::Date(d))
        .with("fund", Column::Text(code))
        .with("model", Column::Text(vec![model.to_string(); rows]))
        .with("alpha_ann", Column::Num(al));
    for (name, b) in names.iter().zip(betas) {
        frame.push(format!("beta_{name}"), Column::Num(b));
    }
    frame.push("n_obs", Column::Int(n));
    rotor_data::parquet_io::write_frame(&frame, &out.join("alpha.parquet"))?;
    Ok(())
}

/// One fund-year: (fund, benchmark index, year, fund return, benchmark return, days).
type ExcessRow = (String, String, i32, f64, f64, usize);

/// `enhanced_excess.csv`, `enhanced_median.csv` and the table on the terminal.
fn write_enhanced(out: &Path, rows: &[ExcessRow], until: Option<NaiveDate>) -> Result<Frame> {
    std::fs::create_dir_all(out)?;
    let fr = Frame::new("enhanced_excess")
        .with(
            "fund",
            Column::Text(rows.iter().map(|r| r.0.clone()).collect()),
        )
        .with(
            "benchmark",
            Column::Text(rows.iter().map(|r| r.1.clone()).collect()),
        )
        .with(
            "year",
            Column::Int(rows.iter().map(|r| r.2 as i64).collect()),
        )
        .with(
            "fund_return",
            Column::Num(rows.iter().map(|r| r.3).collect()),
        )
        .with(
            "benchmark_return",
            Column::Num(rows.iter().map(|r| r.4).collect()),
        )
        .with(
            "excess",
            Column::Num(rows.iter().map(|r| r.3 - r.4).collect()),
        )
        .with(
            "days",
            Column::Int(rows.iter().map(|r| r.5 as i64).collect()),
        );
    std::fs::write(out.join("enhanced_excess.csv"), fr.to_csv())?;
    let mut groups: BTreeMap<(String, i32), Vec<f64>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.1.clone(), r.2))
            .or_default()
            .push(r.3 - r.4);
    }
    let med = Frame::new("enhanced_median")
        .with(
            "benchmark",
            Column::Text(groups.keys().map(|k| k.0.clone()).collect()),
        )
        .with(
            "year",
            Column::Int(groups.keys().map(|k| k.1 as i64).collect()),
        )
        .with(
            "median_excess",
            Column::Num(
                groups
                    .values()
                    .map(|v| rotor_funds::alpha::median(v))
                    .collect(),
            ),
        )
        .with(
            "funds",
            Column::Int(groups.values().map(|v| v.len() as i64).collect()),
        );
    std::fs::write(out.join("enhanced_median.csv"), med.to_csv())?;
    out!(
        "median yearly excess of enhanced-index funds over their benchmarks (fund − benchmark){}",
        until.map(|d| format!(", to {d}")).unwrap_or_default()
    );
    out!(
        "{:<11} {:>6} {:>10} {:>6}",
        "benchmark",
        "year",
        "median",
        "funds"
    );
    for ((b, y), v) in &groups {
        out!(
            "{b:<11} {y:>6} {:>9.2}% {:>6}",
            100.0 * rotor_funds::alpha::median(v),
            v.len()
        );
    }
    Ok(fr)
}

/// Factor returns by date (names, date → values), for lookups by day.
/// Factor names and their returns by date.
type FactorMap = (Vec<String>, HashMap<NaiveDate, Vec<f64>>);

fn factor_map(path: &Path) -> Result<FactorMap> {
    let (fd, names, fv) = read_factors(path)?;
    let p = names.len();
    let by = fd
        .iter()
        .enumerate()
        .map(|(t, d)| (*d, fv[t * p..(t + 1) * p].to_vec()))
        .collect();
    Ok((names, by))
}

/// The benchmark index and its weight from a fund's benchmark text, with a note when
/// some terms were not recognised; `Err` with the reason when there is no usable index.
fn resolve_benchmark(
    code: &str,
    text: &str,
) -> std::result::Result<(String, f64, Option<String>), String> {
    let b = rotor_funds::benchmark::parse(text);
    let Some((idx, w)) = b.main_index() else {
        return Err(format!("{code} ({text})"));
    };
    if !(w.is_finite() && w > 0.0 && w <= 1.0) {
        return Err(format!("{code} (no weight readable for {idx} in `{text}`)"));
    }
    let unparsed = (!b.unparsed.is_empty()).then(|| {
        format!(
            "{code} ({})",
            b.unparsed
                .iter()
                .map(|u| u.0.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    Ok((idx.to_string(), w, unparsed))
}

/// One fund-year-style exposure: (fund, benchmark, year, factor, exposure, days).
type ExposureRow = (String, String, i32, String, f64, usize);

/// The exposures as a table (None when there are none).
fn exposure_frame(rows: &[ExposureRow]) -> Option<Frame> {
    (!rows.is_empty()).then(|| {
        Frame::new("enhanced_exposures")
            .with(
                "fund",
                Column::Text(rows.iter().map(|r| r.0.clone()).collect()),
            )
            .with(
                "benchmark",
                Column::Text(rows.iter().map(|r| r.1.clone()).collect()),
            )
            .with(
                "year",
                Column::Int(rows.iter().map(|r| r.2 as i64).collect()),
            )
            .with(
                "factor",
                Column::Text(rows.iter().map(|r| r.3.clone()).collect()),
            )
            .with("exposure", Column::Num(rows.iter().map(|r| r.4).collect()))
            .with(
                "days",
                Column::Int(rows.iter().map(|r| r.5 as i64).collect()),
            )
    })
}

/// The yearly style exposures of one fund's excess return.
fn fund_exposures(
    code: &str,
    idx: &str,
    dates: &[NaiveDate],
    fund: &[f64],
    bench: &[f64],
    (names, by): &FactorMap,
    until: Option<NaiveDate>,
) -> Vec<ExposureRow> {
    let get = |d: NaiveDate| by.get(&d).cloned();
    let ex =
        rotor_funds::excess::yearly_exposures(dates, fund, bench, &get, names.len(), until, 60);
    let mut out = Vec::new();
    for (y, (x, n)) in ex {
        for (name, v) in names.iter().zip(x) {
            out.push((code.to_string(), idx.to_string(), y, name.clone(), v, n));
        }
    }
    out
}

/// What an enhanced-fund run assumed and left out.
fn enhanced_notes(deposit_rate: f64, partial: &[String], skipped: &[String]) -> Vec<String> {
    let mut notes = vec![format!(
        "benchmark = its index's weight × the index return + the rest (deposits, bonds) at {:.2} % a year",
        100.0 * deposit_rate
    )];
    if !partial.is_empty() {
        notes.push(format!(
            "{} fund(s) with benchmark terms not recognised, counted at the fixed rate: {}",
            partial.len(),
            partial.join("; ")
        ));
    }
    if !skipped.is_empty() {
        notes.push(format!(
            "{} enhanced fund(s) left out: {}",
            skipped.len(),
            skipped.join("; ")
        ));
    }
    notes
}

pub fn enhanced(ui: &Ui, a: FundEnhancedArgs) -> Result<()> {
    let until = match &a.until {
        Some(s) => {
            Some(parse_date(s).with_context(|| format!("--until `{s}`: expected YYYY-MM-DD"))?)
        }
        None => None,
    };
    let store = Store::open(&a.store)?;
    let funds = load_funds(ui, &store, a.navs.as_deref())?;
    let Some(profiles) = Profiles::open(&store, a.info.as_deref())? else {
        bail!(
            "no fund profiles: give --info DIR (<code>.json with 基金类型, 业绩比较基准) or \
             import them into the store (`rotor funds import --info …`)"
        );
    };
    let mut index_cache: HashMap<String, BTreeMap<NaiveDate, f64>> = HashMap::new();
    let (mut rows, mut skipped) = (Vec::new(), Vec::new());
    let factors = a.factors.as_deref().map(factor_map).transpose()?;
    let mut exposures: Vec<ExposureRow> = Vec::new();
    // funds whose benchmark has terms not recognised (their weight joins the fixed-rate part)
    let mut partial: Vec<String> = Vec::new();
    for f in &funds {
        let Some((ty, text)) = profiles.get(&f.code) else {
            continue;
        };
        if ty != "股票型-增强指数" {
            continue;
        }
        let (idx, w) = match resolve_benchmark(&f.code, &text) {
            Ok((idx, w, unparsed)) => {
                partial.extend(unparsed);
                (idx, w)
            }
            Err(why) => {
                skipped.push(why);
                continue;
            }
        };
        let idx = idx.as_str();
        if !index_cache.contains_key(idx) {
            match index_returns(&store, idx) {
                Ok(r) => {
                    index_cache.insert(idx.to_string(), r);
                }
                Err(_) => {
                    skipped.push(format!("{} (no prices for {idx})", f.code));
                    continue;
                }
            }
        }
        let ir = &index_cache[idx];
        let dates: Vec<NaiveDate> = ir.keys().copied().collect();
        let fund: Vec<f64> = dates
            .iter()
            .map(|d| f.returns.get(d).copied().unwrap_or(f64::NAN))
            .collect();
        // the rest of the benchmark (deposits, bonds) at the fixed rate
        let bench: Vec<f64> = dates
            .iter()
            .map(|d| w * ir[d] + (1.0 - w) * a.deposit_rate / 252.0)
            .collect();
        for (y, (fr, br, days)) in
            rotor_funds::excess::yearly_pair(&dates, &fund, &bench, None, until)
        {
            rows.push((f.code.clone(), idx.to_string(), y, fr, br, days));
        }
        if let Some(fm) = &factors {
            exposures.extend(fund_exposures(
                &f.code, idx, &dates, &fund, &bench, fm, until,
            ));
        }
    }
    if rows.is_empty() {
        bail!(
            "no enhanced-index fund (基金类型 股票型-增强指数) with a benchmark index in the store"
        );
    }
    let excess = write_enhanced(&a.out, &rows, until)?;
    let mut notes = enhanced_notes(a.deposit_rate, &partial, &skipped);
    for n in &notes {
        ui.note(n);
    }
    let ex_frame = exposure_frame(&exposures);
    if let Some(f) = &ex_frame {
        std::fs::write(a.out.join("enhanced_exposures.csv"), f.to_csv())?;
        notes.push(
            "style exposures: OLS of the fund's daily excess over its benchmark on the style factor returns, per calendar year (at least 60 days), with a constant"
                .into(),
        );
    }
    let r = rotor_report::funds::enhanced_report(
        &excess,
        ex_frame.as_ref(),
        "指数增强基金 · 超额收益",
        &notes,
    );
    let written = rotor_report::write(&a.out, "report", &r, true)?;
    crate::ui::print_written(ui, &[written]);
    Ok(())
}

/// The day a report's holdings are public: the statutory deadlines of China's fund
/// reports — quarterly within 15 working days (taken as one month), semi-annual within
/// two months, annual within three — counted from the period end. A basket formed from
/// a report can be traded from this day, not from the period end.
fn holdings_available(period_end: NaiveDate) -> NaiveDate {
    rotor_data::pit::LagRule::FundPeriodic.available_at(period_end)
}

/// Every holdings file of a folder (or one file) read as `rotor funds import
/// --holdings` would store it, without a store.
fn folder_holdings(path: &Path) -> Result<rotor_data::table::Table> {
    let spec = fund_spec(path, Dataset::FundHoldings, "csv", "files");
    let files = rotor_data::import::plan(&[spec], Path::new("."))
        .with_context(|| format!("--holdings {}", path.display()))?;
    let aliases = rotor_data::import::Aliases::default();
    let parts: Vec<rotor_data::table::Table> = files
        .par_iter()
        .map(|f| rotor_data::import::read_one(f, &aliases).map(|(c, _)| c.table))
        .collect::<std::result::Result<_, _>>()?;
    let mut t = rotor_data::table::Table::new(Dataset::FundHoldings);
    for p in parts {
        t.append(p);
    }
    Ok(t)
}

/// Every fund's reports by fund code, and the day each report date is public.
type FundReports = (
    BTreeMap<String, Vec<rotor_funds::rotation::Report>>,
    BTreeMap<NaiveDate, NaiveDate>,
);

/// Every fund's reports from a `fund_holdings` table (each stock's latest disclosure of
/// a period), with the day each report date's holdings are all public (the latest
/// `available_at` of its reports). Holdings that are not A-shares are counted in
/// `skipped`.
fn reports_of(all: &rotor_data::table::Table, skipped: &mut usize) -> Result<FundReports> {
    use rotor_data::table::days_to_date;
    let far = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");
    let t = rotor_data::pit::as_of(all, far);
    let (code, period, stock, avail, w) = (
        t.str_col("code"),
        t.date_col("period_end"),
        t.str_col("stock"),
        t.date_col("available_at"),
        t.f64_col("weight"),
    );
    let mut out: BTreeMap<String, BTreeMap<NaiveDate, Vec<(String, f64)>>> = BTreeMap::new();
    let mut public: BTreeMap<NaiveDate, NaiveDate> = BTreeMap::new();
    for i in 0..t.len() {
        let (Some(c), Some(p), Some(st), Some(av)) = (&code[i], period[i], &stock[i], avail[i])
        else {
            continue;
        };
        let a_share = [".SH", ".SZ", ".BJ"].iter().any(|x| st.ends_with(x));
        if !a_share {
            *skipped += 1;
            continue;
        }
        if !(w[i].is_finite() && w[i] > 0.0) {
            continue;
        }
        let (p, av) = (days_to_date(p), days_to_date(av));
        let e = public.entry(p).or_insert(av);
        *e = (*e).max(av);
        out.entry(bare_fund_code(c).to_string())
            .or_default()
            .entry(p)
            .or_default()
            .push((st.to_string(), w[i]));
    }
    let reports = out
        .into_iter()
        .map(|(f, by)| {
            (
                f,
                by.into_iter()
                    .map(|(date, holdings)| rotor_funds::rotation::Report { date, holdings })
                    .collect(),
            )
        })
        .collect();
    Ok((reports, public))
}

/// The holdings of `--holdings` or of the store (see [`reports_of`]).
fn load_holdings(store: &Store, folder: Option<&Path>, skipped: &mut usize) -> Result<FundReports> {
    let table = match folder {
        Some(dir) => folder_holdings(dir)?,
        None => store.read(Dataset::FundHoldings)?,
    };
    let (h, public) = reports_of(&table, skipped)?;
    if h.is_empty() {
        match folder {
            Some(dir) => bail!("--holdings {}: no holdings rows", dir.display()),
            None => bail!(
                "{}: no fund holdings in the store (import them with `rotor funds import \
                 --holdings DIR`) and no --holdings folder given",
                store.root().display()
            ),
        }
    }
    Ok((h, public))
}

pub fn rotation(ui: &Ui, a: crate::args::FundRotationArgs) -> Result<()> {
    use rotor_funds::rotation::changes;
    let mut not_a_shares = 0usize;
    let store = Store::open(&a.store)?;
    let (holdings, public) = load_holdings(&store, a.holdings.as_deref(), &mut not_a_shares)?;
    let data = crate::risk::load_stocks(&store, &[], None, a.industries.as_deref())?;
    let model =
        rotor_risk::model::estimate(&data.inputs(), &rotor_risk::model::RiskConfig::default())?;
    // the rotation styles: size and value where the model has them
    let styles: Vec<(usize, &str)> = ["size", "book_to_price"]
        .iter()
        .filter_map(|n| {
            model
                .exposures
                .names
                .iter()
                .position(|x| x == n)
                .map(|k| (k, *n))
        })
        .collect();
    let s = styles.len();
    let n = data.close.assets.len();
    let col: HashMap<&str, usize> = data
        .close
        .assets
        .iter()
        .enumerate()
        .map(|(j, c)| (c.as_str(), j))
        .collect();
    let dates = &data.close.dates;
    let row_at = |d: NaiveDate| dates.partition_point(|x| *x <= d).checked_sub(1);
    let x = |c: &str, d: NaiveDate| -> Option<Vec<f64>> {
        let (j, t) = (*col.get(c)?, row_at(d)?);
        Some(
            styles
                .iter()
                .map(|(k, _)| model.exposures.values[*k][t * n + j])
                .collect(),
        )
    };
    let growth = |c: &str, d0: NaiveDate, d1: NaiveDate| -> Option<f64> {
        let j = *col.get(c)?;
        let (t0, t1) = (row_at(d0)?, row_at(d1)?);
        let mut g = 1.0;
        for t in t0 + 1..=t1 {
            let r = data.returns.values[t * n + j];
            if r.is_finite() {
                g *= 1.0 + r;
            }
        }
        Some(g)
    };
    let q = model.factor_names.len();
    let fcol: Vec<usize> = styles
        .iter()
        .map(|(_, nm)| {
            model
                .factor_names
                .iter()
                .position(|x| x == nm)
                .expect("style factor")
        })
        .collect();
    let f = |d0: NaiveDate, d1: NaiveDate| -> Vec<f64> {
        let (Some(t0), Some(t1)) = (row_at(d0), row_at(d1)) else {
            return vec![f64::NAN; s];
        };
        fcol.iter()
            .map(|k| {
                (t0 + 1..=t1)
                    .map(|t| model.factor_returns[t * q + k])
                    .filter(|v| v.is_finite())
                    .sum()
            })
            .collect()
    };
    let funds: Vec<(String, Vec<rotor_funds::rotation::Change>)> = holdings
        .iter()
        .map(|(code, reps)| (code.clone(), changes(reps, s, &x, &growth, &f)))
        .collect();
    let style_names: Vec<&str> = styles.iter().map(|x| x.1).collect();
    let covered = coverage(&holdings, &col);
    let sizes = write_rotation(&a.out, &funds, &style_names, a.top, &public)?;
    print_rotation(ui, funds.len(), &style_names, &sizes, covered);
    if not_a_shares > 0 {
        ui.note(format!(
            "{not_a_shares} holdings rows with a code that is not an A-share stock (Hong Kong, bonds) left out of the exposures"
        ));
    }
    Ok(())
}

/// The share of all reported holdings weight on stocks in `col`.
fn coverage(
    holdings: &BTreeMap<String, Vec<rotor_funds::rotation::Report>>,
    col: &HashMap<&str, usize>,
) -> f64 {
    let (mut covered, mut total) = (0.0, 0.0);
    for reps in holdings.values() {
        for r in reps {
            for (c, w) in &r.holdings {
                total += w;
                if col.contains_key(c.as_str()) {
                    covered += w;
                }
            }
        }
    }
    covered / total.max(f64::MIN_POSITIVE)
}

/// `rotation.csv` (every fund's changes) and `basket.csv` (the basket at each report
/// date); the basket sizes.
fn write_rotation(
    out: &Path,
    funds: &[(String, Vec<rotor_funds::rotation::Change>)],
    styles: &[&str],
    top: usize,
    public: &BTreeMap<NaiveDate, NaiveDate>,
) -> Result<Vec<(NaiveDate, usize)>> {
    use rotor_core::frame::num;
    let s = styles.len();
    std::fs::create_dir_all(out)?;
    let mut rows = String::from("fund,date");
    for nm in styles {
        rows.push_str(&format!(",active_{nm},total_{nm}"));
    }
    rows.push_str(",abs_active,active_return\n");
    for (code, ch) in funds {
        for c in ch {
            rows.push_str(&format!("{code},{}", c.date));
            for k in 0..s {
                rows.push_str(&format!(",{},{}", num(c.active[k]), num(c.total[k])));
            }
            rows.push_str(&format!(
                ",{},{}\n",
                num(c.abs_active),
                num(c.active_return)
            ));
        }
    }
    std::fs::write(out.join("rotation.csv"), rows)?;
    let report_dates: std::collections::BTreeSet<NaiveDate> = funds
        .iter()
        .flat_map(|(_, ch)| ch.iter().map(|c| c.date))
        .collect();
    let mut bk = String::from("date,available_from,rank,fund,mean_active_rotation_return\n");
    let mut sizes = Vec::new();
    for d in &report_dates {
        let b = rotor_funds::rotation::basket(funds, *d, top);
        sizes.push((*d, b.len()));
        for (k, (fund, v)) in b.iter().enumerate() {
            bk.push_str(&format!(
                "{d},{},{},{fund},{}\n",
                public
                    .get(d)
                    .copied()
                    .unwrap_or_else(|| holdings_available(*d)),
                k + 1,
                num(*v)
            ));
        }
    }
    std::fs::write(out.join("basket.csv"), bk)?;
    Ok(sizes)
}

/// The rotation summary and what the data supports.
fn print_rotation(
    ui: &Ui,
    n_funds: usize,
    style_names: &[&str],
    sizes: &[(NaiveDate, usize)],
    covered: f64,
) {
    let s = style_names.len();
    out!(
        "style rotation of {} funds on {} ({} report dates); basket sizes: {}",
        n_funds,
        style_names.join(" + "),
        sizes.len(),
        sizes
            .iter()
            .map(|(d, k)| format!("{d} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    ui.note(format!(
        "holdings weight on stocks of the store: {:.1} % — exposures are over the covered part",
        100.0 * covered
    ));
    if s < 2 {
        ui.note("value is not measured: the store's stocks have no PB (valuation pb); size only");
    }
    ui.note(
        "a basket needs the active rotation return of earlier changes, known one report later: \
         with k report dates the first basket is at the third",
    );
}

/// The NAV history of one fund as store price rows: code `<code>.OF`, asset type
/// `fund`, `close` = the unit NAV, `tr_close` = the total-return index chained from the
/// daily returns of [`nav_returns`] (daily growth, else the accumulated NAV; a
/// distribution never reads as a loss) starting at the first unit NAV. A day without a
/// return has no `tr_close` and the chain resumes from the last known value — said in
/// the count returned. Returns (rows, days without a return, distribution days).
fn fund_price_rows(
    code: &str,
    rows: &[NavRow],
    source: &str,
) -> (Vec<Vec<rotor_data::table::Value>>, usize, usize) {
    use rotor_data::table::Value;
    let ds = Dataset::Prices;
    let width = ds.columns().len();
    let col = |name: &str| ds.column_index(name).expect("a prices column");
    let (ci, di, si, ai, close_i, tr_i) = (
        col("code"),
        col("date"),
        col("source"),
        col("asset_type"),
        col("close"),
        col("tr_close"),
    );
    let nr = nav_returns(rows);
    let full = format!("{code}.OF");
    let (mut out, mut gaps) = (Vec::with_capacity(rows.len()), 0usize);
    let mut tr = f64::NAN;
    for (k, (row, r)) in rows.iter().zip(&nr.returns).enumerate() {
        let here = if k == 0 {
            tr = row.unit_nav;
            tr
        } else if r.is_finite() && tr.is_finite() {
            tr *= 1.0 + r;
            tr
        } else {
            gaps += 1;
            f64::NAN
        };
        let mut v: Vec<Value> = ds.columns()[..width]
            .iter()
            .map(|c| match c.kind {
                rotor_data::schema::ColumnKind::Date => Value::Date(None),
                rotor_data::schema::ColumnKind::Str => Value::Str(None),
                rotor_data::schema::ColumnKind::F64 => Value::F64(f64::NAN),
            })
            .collect();
        v[ci] = Value::Str(Some(full.as_str().into()));
        v[di] = Value::Date(Some(row.date));
        v[si] = Value::Str(Some(source.into()));
        v[ai] = Value::Str(Some("fund".into()));
        v[close_i] = Value::F64(row.unit_nav);
        v[tr_i] = Value::F64(here);
        out.push(v);
    }
    (out, gaps, nr.distribution_days.len())
}

/// The NAV files of `--navs` as one prices table (see [`fund_price_rows`]), with their
/// manifest entries, days without a return and distribution days.
fn read_nav_table(
    ui: &Ui,
    dir: &Path,
    source: &str,
) -> Result<(
    rotor_data::table::Table,
    Vec<rotor_data::store::ManifestEntry>,
    usize,
    usize,
)> {
    use rotor_data::store::{fingerprint, ManifestEntry};
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!(
            "{}: no NAV files (*.csv with 净值日期, 单位净值, 日增长率)",
            dir.display()
        );
    }
    let mut table = rotor_data::table::Table::new(Dataset::Prices);
    let (mut entries, mut gaps, mut dist) = (Vec::new(), 0usize, 0usize);
    let bar = ui.bar(files.len() as u64, "reading");
    for p in &files {
        let rows = read_nav_rows(p)?;
        let (v, g, d) = fund_price_rows(&nav_code(p), &rows, source);
        (gaps, dist) = (gaps + g, dist + d);
        entries.push(ManifestEntry {
            file: p.display().to_string(),
            dataset: Dataset::Prices,
            source: source.to_string(),
            fingerprint: fingerprint(&std::fs::read(p).with_context(|| p.display().to_string())?),
            rows: v.len(),
        });
        for row in v {
            table.push_row(row);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((table, entries, gaps, dist))
}

/// The import spec of `--info` / `--holdings`: a folder's `*.json` / `*.csv` files or
/// one file, read with the AKShare aliases (the Tushare and vendor spellings of the
/// fund datasets are aliases too, see `rotor_data::import::spec::DATASET_ALIASES`).
fn fund_spec(path: &Path, dataset: Dataset, ext: &str, source: &str) -> FileSpec {
    let p = if path.is_dir() {
        path.join(format!("*.{ext}"))
    } else {
        path.to_path_buf()
    };
    let mut s = FileSpec::new(p.display().to_string(), dataset);
    s.preset = rotor_data::import::Preset::Akshare;
    s.source = Some(source.to_string());
    // AKShare's holdings folder names each file `<code>_<year>.csv` and has no fund
    // column: the file name is the code, as the layout says (no warning per file)
    s.code_from_filename =
        dataset == Dataset::FundHoldings && path.is_dir() && !first_file_names_funds(path, ext);
    s
}

/// Does the first `*.ext` file of `dir` have a fund code column (`ts_code`, 基金代码, …)?
fn first_file_names_funds(dir: &Path, ext: &str) -> bool {
    let first = std::fs::read_dir(dir).ok().and_then(|it| {
        it.flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .min()
    });
    let Some(f) = first else { return false };
    let head = std::fs::read_to_string(&f).unwrap_or_default();
    let line = head.lines().next().unwrap_or("");
    rotor_data::import::spec::spellings(Dataset::FundHoldings, "code")
        .iter()
        .any(|(a, _)| {
            line.split(',')
                .any(|h| rotor_data::import::spec::norm_header(h) == *a)
        })
}

/// Fund profiles and holdings through the importer (parse everything, one atomic
/// commit): the row accounts and warnings printed as `rotor data import` prints them.
fn import_info_holdings(ui: &Ui, a: &crate::args::FundImportArgs, store: &Store) -> Result<()> {
    let mut specs = Vec::new();
    if let Some(p) = &a.info {
        specs.push(fund_spec(p, Dataset::FundInfo, "json", &a.source));
    }
    if let Some(p) = &a.holdings {
        specs.push(fund_spec(p, Dataset::FundHoldings, "csv", &a.source));
    }
    if specs.is_empty() {
        return Ok(());
    }
    let files = rotor_data::import::plan(&specs, Path::new("."))?;
    let bar = ui.bar(files.len() as u64, "importing");
    let t0 = std::time::Instant::now();
    let rep = rotor_data::import::run(
        store,
        &files,
        rotor_data::table::ConflictPolicy::Replace,
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    if !ui.json {
        crate::data::print_accounts(&rep);
        crate::data::print_import(&rep, t0, store, rotor_data::table::ConflictPolicy::Replace);
    }
    if a.info.is_some() {
        benchmark_summary(ui, store)?;
    }
    Ok(())
}

/// How the stored benchmark texts parse: funds with every part known, with parts left
/// unparsed (the commonest named), without a benchmark.
fn benchmark_summary(ui: &Ui, store: &Store) -> Result<()> {
    let t = store.read(Dataset::FundInfo)?;
    let (mut full, mut partial, mut none) = (0usize, 0usize, 0usize);
    let mut left: BTreeMap<String, usize> = BTreeMap::new();
    for b in t.str_col("benchmark") {
        match b.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            None => none += 1,
            Some(text) => {
                let p = rotor_funds::benchmark::parse(text);
                if p.unparsed.is_empty() {
                    full += 1;
                } else {
                    partial += 1;
                    for (term, _) in p.unparsed {
                        *left.entry(term).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut common: Vec<(String, usize)> = left.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ui.note(format!(
        "benchmarks of {} funds: {full} parsed whole, {partial} with parts kept unparsed, {none} without a benchmark{}",
        t.len(),
        if common.is_empty() {
            String::new()
        } else {
            format!(
                "; commonest unparsed parts: {}",
                common
                    .iter()
                    .take(3)
                    .map(|(t, n)| format!("`{t}` ×{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    Ok(())
}

/// `rotor funds import`: every NAV file of `--navs` into the store's prices as a `fund`
/// asset (see [`fund_price_rows`]), one manifest entry per file, through the store's
/// atomic commit; fund profiles (`--info`) and holdings (`--holdings`) into `fund_info`
/// and `fund_holdings` through the importer. Every file is parsed before anything is
/// written.
pub fn import(ui: &Ui, a: crate::args::FundImportArgs) -> Result<()> {
    if a.navs.is_none() && a.info.is_none() && a.holdings.is_none() {
        bail!("nothing to import: give --navs DIR, --info DIR|FILE and/or --holdings DIR|FILE");
    }
    let navs = match &a.navs {
        Some(dir) => Some(read_nav_table(ui, dir, &a.source)?),
        None => None,
    };
    let store = Store::open(&a.store)?;
    import_info_holdings(ui, &a, &store)?;
    let Some((table, entries, gaps, dist)) = navs else {
        return Ok(());
    };
    let n = table.len();
    let files = entries.len();
    let rep = store.commit(
        vec![table],
        entries,
        rotor_data::table::ConflictPolicy::Replace,
    )?;
    out!(
        "{files} funds, {n} NAV rows into {} (prices, asset_type fund, codes <code>.OF)",
        a.store.display()
    );
    ui.note(format!(
        "tr_close chained from the daily returns (distributions found on {dist} days are not losses); {gaps} day(s) without a return have no tr_close; commit: {}",
        serde_json::to_string(&rep).unwrap_or_default()
    ));
    Ok(())
}
