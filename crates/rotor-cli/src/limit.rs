//! `rotor limit`: the long-short "theoretical limit" of an index (SPEC §12).
//!
//! For each month m: the index's members at the last trading day of m − 1 (the latest
//! weight snapshot on or before it; without weights, the membership intervals), those
//! with a close on that day; each one's return over m compounded from its daily total
//! returns ([`rotor_data::returns`]: `close / preclose` where stored, so ex-rights days
//! count as the exchange prices them; a name delisted during the month keeps the return
//! to its last close); `LS_m` = mean of the top decile − mean of the bottom decile of
//! those returns ([`rotor_eval::limit`], RankFloor groups). The year's figure is the
//! mean of its monthly spreads (or compounded / summed, `--annual`).
//!
//! Coverage — members with a return / members — is printed per month: with a stock set
//! smaller than the index (the bundle's survivorship-biased samples) the figure is the
//! limit of the covered members, and the output says so.

use crate::args::LimitArgs;
use crate::ui::Ui;
use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use rotor_core::frame::{Column, Frame};
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::days_to_date;
use rotor_eval::limit::{annual, decile_spread, AnnualAgg};
use std::collections::{BTreeMap, BTreeSet};

/// Member sets of the index: weight snapshots by date, or membership intervals.
enum Members {
    Snapshots(BTreeMap<NaiveDate, BTreeSet<String>>),
    Intervals(Vec<(String, NaiveDate, Option<NaiveDate>)>),
}

impl Members {
    fn load(store: &Store, index: &str) -> Result<Self> {
        let w = store.read(Dataset::Weights)?;
        let mut snaps: BTreeMap<NaiveDate, BTreeSet<String>> = BTreeMap::new();
        for ((ix, code), d) in w
            .str_col("index_code")
            .iter()
            .zip(w.str_col("code"))
            .zip(w.date_col("date"))
        {
            if let (Some(ix), Some(code), Some(d)) = (ix, code, d) {
                if ix.as_ref() == index {
                    snaps
                        .entry(days_to_date(*d))
                        .or_default()
                        .insert(code.to_string());
                }
            }
        }
        if !snaps.is_empty() {
            return Ok(Members::Snapshots(snaps));
        }
        let m = store.read(Dataset::Membership)?;
        let mut iv = Vec::new();
        for i in 0..m.len() {
            let (Some(ix), Some(code), Some(a)) = (
                &m.str_col("index_code")[i],
                &m.str_col("code")[i],
                m.date_col("in_date")[i],
            ) else {
                continue;
            };
            if ix.as_ref() == index {
                iv.push((
                    code.to_string(),
                    days_to_date(a),
                    m.date_col("out_date")[i].map(days_to_date),
                ));
            }
        }
        if iv.is_empty() {
            bail!(
                "index {index}: no weights and no membership in the store {}; import its constituents (docs/mapping.md)",
                store.root().display()
            );
        }
        Ok(Members::Intervals(iv))
    }

    /// The members known at `t` (the latest snapshot on or before t; intervals holding t).
    fn at(&self, t: NaiveDate) -> Option<BTreeSet<String>> {
        match self {
            Members::Snapshots(s) => s.range(..=t).next_back().map(|(_, v)| v.clone()),
            Members::Intervals(iv) => {
                let v: BTreeSet<String> = iv
                    .iter()
                    .filter(|(_, a, b)| *a <= t && b.is_none_or(|b| t < b))
                    .map(|x| x.0.clone())
                    .collect();
                (!v.is_empty()).then_some(v)
            }
        }
    }

    fn codes(&self) -> Vec<String> {
        let s: BTreeSet<String> = match self {
            Members::Snapshots(s) => s.values().flatten().cloned().collect(),
            Members::Intervals(iv) => iv.iter().map(|x| x.0.clone()).collect(),
        };
        s.into_iter().collect()
    }
}

fn month_arg(s: &Option<String>, key: &str) -> Result<Option<(i32, u32)>> {
    s.as_deref()
        .map(|x| {
            NaiveDate::parse_from_str(x, "%Y-%m-%d")
                .map(|d| (d.year(), d.month()))
                .with_context(|| format!("--{key} `{x}`: expected YYYY-MM-DD"))
        })
        .transpose()
}

/// One row per whole month: its last day, members, members with a return, spread.
struct Months {
    date: Vec<NaiveDate>,
    members: Vec<i64>,
    covered: Vec<i64>,
    spread: Vec<f64>,
}

/// The monthly spreads of the members' compounded returns (see the module docs).
fn monthly_spreads(
    close: &rotor_core::Panel,
    ret: &rotor_core::Panel,
    members: &Members,
    from: Option<(i32, u32)>,
    to: Option<(i32, u32)>,
    quantiles: usize,
) -> Months {
    let n = close.assets.len();
    let col: BTreeMap<&str, usize> = close
        .assets
        .iter()
        .enumerate()
        .map(|(j, c)| (c.as_str(), j))
        .collect();
    // month boundaries: the last trading day of each month
    let mut ends: Vec<usize> = Vec::new();
    for t in 0..close.dates.len() {
        if t + 1 == close.dates.len() || close.dates[t + 1].month() != close.dates[t].month() {
            ends.push(t);
        }
    }
    let (mut m_date, mut m_members, mut m_covered, mut m_ls) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut idx = Vec::new();
    for w in ends.windows(2) {
        let (e0, e1) = (w[0], w[1]);
        let d = close.dates[e1];
        let ym = (d.year(), d.month());
        if from.is_some_and(|f| ym < f) || to.is_some_and(|t| ym > t) {
            continue;
        }
        // the month is whole only when the data runs to its last day
        if e1 + 1 == close.dates.len()
            && close.dates[e1]
                .succ_opt()
                .is_some_and(|x| x.month() == d.month())
        {
            continue;
        }
        let Some(mem) = members.at(close.dates[e0]) else {
            continue;
        };
        let mut r = Vec::new();
        for c in &mem {
            let Some(&j) = col.get(c.as_str()) else {
                continue;
            };
            if !close.values[e0 * n + j].is_finite() {
                continue;
            }
            let mut g = 1.0;
            let mut any = false;
            for t in e0 + 1..=e1 {
                let x = ret.values[t * n + j];
                if x.is_finite() {
                    g *= 1.0 + x;
                    any = true;
                }
            }
            if any {
                r.push(g - 1.0);
            }
        }
        m_date.push(d);
        m_members.push(mem.len() as i64);
        m_covered.push(r.len() as i64);
        m_ls.push(decile_spread(&r, quantiles, &mut idx));
    }
    Months {
        date: m_date,
        members: m_members,
        covered: m_covered,
        spread: m_ls,
    }
}

pub fn run(ui: &Ui, a: LimitArgs) -> Result<()> {
    let how = match a.annual.as_str() {
        "mean" => AnnualAgg::MeanMonthly,
        "compounded" => AnnualAgg::Compounded,
        "sum" => AnnualAgg::SumMonthly,
        x => bail!("--annual `{x}`: expected mean, compounded or sum"),
    };
    if a.quantiles < 2 {
        bail!("--quantiles {}: expected at least 2", a.quantiles);
    }
    let (from, to) = (month_arg(&a.start, "start")?, month_arg(&a.end, "end")?);
    let store = Store::open(&a.store)?;
    let members = Members::load(&store, &a.index)?;
    let codes = members.codes();
    let close = read_panel(&store, Dataset::Prices, "close", Some(&codes), &[])?;
    if close.assets.is_empty() {
        bail!(
            "index {}: none of its {} members has prices in the store",
            a.index,
            codes.len()
        );
    }
    let (ret, rep) = crate::risk::stock_returns(&store, &close)?;
    let Months {
        date: m_date,
        members: m_members,
        covered: m_covered,
        spread: m_ls,
    } = monthly_spreads(&close, &ret, &members, from, to, a.quantiles);
    if m_date.is_empty() {
        bail!(
            "index {}: no whole month with members and prices in the window",
            a.index
        );
    }
    let mut years: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for (d, v) in m_date.iter().zip(&m_ls) {
        years.entry(d.year()).or_default().push(*v);
    }
    let coverage: Vec<f64> = m_covered
        .iter()
        .zip(&m_members)
        .map(|(c, m)| *c as f64 / *m as f64)
        .collect();
    let monthly = Frame::new("limit_monthly")
        .with("month", Column::dates(m_date.iter().copied()))
        .with("members", Column::Int(m_members))
        .with("with_returns", Column::Int(m_covered))
        .with("coverage", Column::Num(coverage.clone()))
        .with("long_short", Column::Num(m_ls.clone()));
    let yearly = Frame::new("limit_yearly")
        .with(
            "year",
            Column::Int(years.keys().map(|y| *y as i64).collect()),
        )
        .with(
            "months",
            Column::Int(years.values().map(|v| v.len() as i64).collect()),
        )
        .with(
            "limit",
            Column::Num(years.values().map(|v| annual(v, how)).collect()),
        );
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("limit_monthly.csv"), monthly.to_csv())?;
        std::fs::write(dir.join("limit_yearly.csv"), yearly.to_csv())?;
    }
    let min_cov = coverage.iter().copied().fold(f64::INFINITY, f64::min);
    if ui.json {
        out!(
            "{}",
            serde_json::json!({
                "index": a.index,
                "years": years.iter().map(|(y, v)| serde_json::json!({"year": y, "months": v.len(), "limit": annual(v, how)})).collect::<Vec<_>>(),
                "min_coverage": min_cov,
            })
        );
        return Ok(());
    }
    print_limit(ui, &a, &years, how, &m_ls, &rep, min_cov);
    Ok(())
}

/// The yearly table and the notes on the terminal.
fn print_limit(
    ui: &Ui,
    a: &LimitArgs,
    years: &BTreeMap<i32, Vec<f64>>,
    how: AnnualAgg,
    m_ls: &[f64],
    rep: &rotor_data::returns::ReturnReport,
    min_cov: f64,
) {
    out!(
        "theoretical limit of {} (top − bottom of {} groups by realised monthly return; year = {})",
        a.index,
        a.quantiles,
        a.annual
    );
    out!("{:<6} {:>6} {:>10}", "year", "months", "limit");
    for (y, v) in years {
        let x = annual(v, how);
        if x.is_finite() {
            out!("{:<6} {:>6} {:>9.2}%", y, v.len(), 100.0 * x);
        } else {
            out!("{:<6} {:>6} {:>10}", y, v.len(), "—");
        }
    }
    let thin = m_ls.iter().filter(|x| !x.is_finite()).count();
    if thin > 0 {
        ui.note(format!(
            "{thin} month(s) with fewer members with returns than groups ({}): no spread (—)",
            a.quantiles
        ));
    }
    ui.note(format!(
        "returns: {} from close / preclose, {} from total-return closes, {} from adjustment factors, {} from closes ({} ex-rights-like moves blanked)",
        rep.from_preclose, rep.from_tr_close, rep.from_adj_factor, rep.from_close, rep.blanked.len()
    ));
    if min_cov < 0.95 {
        ui.note(format!(
            "coverage: as low as {:.0} % of the members have prices in the store — this is the limit of the covered members, not of the whole index (the bundle's stock samples are survivorship-biased)",
            100.0 * min_cov
        ));
    }
}
