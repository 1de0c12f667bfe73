//! `rotor eval`: factor evaluation on generic long files, every table written as CSV
//! (and JSON with `--json`), a summary printed at the end.

use crate::args::EvalArgs;
use crate::ui::{pct, table, Ui};
use anyhow::{bail, Context, Result};
use rotor_eval::{evaluate, summary, EvalConfig, Evaluation, Grouping};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Resolve the raw flags into an evaluation config (every error names its flag).
fn resolve(a: &EvalArgs) -> Result<EvalConfig> {
    let periods: Vec<usize> = a
        .periods
        .split(',')
        .map(|p| p.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .ok()
        .filter(|v: &Vec<usize>| !v.is_empty() && !v.contains(&0))
        .with_context(|| {
            format!(
                "--periods `{}`: expected positive integers separated by commas, e.g. 1,5,20",
                a.periods
            )
        })?;
    let grouping = match a.grouping.as_str() {
        "rank-floor" => Grouping::RankFloor,
        "remainder-last" => Grouping::RemainderLast,
        "qcut" => Grouping::Qcut,
        g => bail!("--grouping `{g}`: expected rank-floor, remainder-last or qcut"),
    };
    if !(2..=1000).contains(&a.quantiles) {
        bail!("--quantiles {}: expected 2 to 1000", a.quantiles);
    }
    Ok(EvalConfig {
        periods,
        quantiles: a.quantiles,
        grouping,
        min_ic_obs: a.min_ic_obs,
        ffill_prices: !a.no_ffill,
        filter_zscore: (a.filter_zscore > 0.0).then_some(a.filter_zscore),
    })
}

fn f(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn write_csv(dir: &Path, name: &str, header: &str, rows: &[String]) -> Result<()> {
    let mut s = String::with_capacity(rows.len() * 48);
    s.push_str(header);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    let p = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, s).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &p).with_context(|| format!("writing {}", p.display()))?;
    Ok(())
}

/// The headline numbers per horizon.
#[derive(Debug, Serialize)]
struct PeriodSummary {
    period: usize,
    rank_ic: summary::IcSummary,
    ic: summary::IcSummary,
    long_short_all: f64,
    long_all: f64,
    long_excess_all: f64,
    top_turnover_mean: f64,
    rank_autocorr_mean: f64,
    theoretical_limit_mean: f64,
}

#[derive(Debug, Serialize)]
struct Summary {
    factor: String,
    prices: String,
    config: EvalConfig,
    assets: usize,
    dates_evaluated: usize,
    dates_dropped: usize,
    /// Why the dropped dates were dropped.
    drops: rotor_eval::DropCounts,
    factor_obs: usize,
    rows_used: usize,
    periods_per_year: f64,
    first_date: Option<String>,
    last_date: Option<String>,
    by_period: Vec<PeriodSummary>,
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    x.iter().sum::<f64>() / x.len() as f64
}

/// Run `rotor eval`: read both files (concurrently), evaluate, write the tables, the
/// summary, the resolved config and the report, print the headline table.
pub fn run(ui: &Ui, a: EvalArgs) -> Result<()> {
    let t0 = std::time::Instant::now();
    let cfg = resolve(&a)?;
    let select = match a.select.as_deref().map(|s| s.split_once('=')) {
        None => None,
        Some(Some((c, v))) if !c.trim().is_empty() => Some(rotor_data::longfile::RowFilter {
            column: c.trim(),
            equals: v.trim(),
        }),
        Some(_) => bail!(
            "--select `{}`: expected COLUMN=VALUE, e.g. model=ensemble",
            a.select.as_deref().unwrap_or("")
        ),
    };
    let (factor, prices) = join_both(
        || rotor_data::longfile::read_long_where(&a.factor, a.factor_col.as_deref(), select),
        || rotor_data::longfile::read_long(&a.prices, a.price_col.as_deref()),
    );
    let factor = factor.with_context(|| format!("reading --factor {}", a.factor.display()))?;
    let factor = match &a.pool {
        Some(pool) => {
            let (f, note) = within_pool(factor, pool, &a)?;
            ui.note(note);
            f
        }
        None => factor,
    };
    let factor = if a.neutralize.is_empty() {
        factor
    } else {
        let (f, note) = neutralized(&factor, &a)?;
        ui.note(note);
        // what was evaluated, for the record: date, asset, value
        std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
        rotor_data::parquet_io::write_panels_long(
            &a.out.join("factor_neutralized.parquet"),
            &f.dates,
            &f.assets,
            None,
            "value",
            &[("factor", &f.values)],
        )?;
        f
    };
    let prices = prices.with_context(|| format!("reading --prices {}", a.prices.display()))?;
    let labels = match &a.by {
        Some(p) => Some(
            rotor_data::longfile::read_labels(p)
                .with_context(|| format!("reading --by {}", p.display()))?,
        ),
        None => None,
    };
    let e = evaluate(&factor, &prices, &cfg).context("evaluating the factor")?;
    drop((factor, prices));
    if e.dates.is_empty() {
        bail!(
            "no signal date could be evaluated: of {} signal date(s), {}",
            e.dropped_dates,
            e.drops
                .describe(cfg.quantiles, *cfg.periods.iter().max().unwrap_or(&1))
        );
    }
    if e.dropped_dates > 0 {
        ui.note(format!(
            "note: {} of {} signal date(s) not evaluated: {}",
            e.dropped_dates,
            e.dropped_dates + e.dates.len(),
            e.drops
                .describe(cfg.quantiles, *cfg.periods.iter().max().unwrap_or(&1))
        ));
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let (summary, json) = write_outputs(&a, &cfg, &e, labels.as_ref())?;
    let written = if a.no_report {
        Vec::new()
    } else {
        let name = a
            .factor
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "factor".into());
        let r = rotor_report::eval::report(&name, &e, summary.periods_per_year, labels.as_ref());
        vec![rotor_report::write(&a.out, "report", &r, true)?]
    };
    if ui.json {
        out!("{json}");
    } else if !ui.quiet {
        print_summary(&summary, &a.out, t0.elapsed().as_secs_f64());
    }
    crate::ui::print_written(ui, &written);
    Ok(())
}

/// The factor kept only where the asset is a member of `pool` on the date: the latest
/// weight snapshot with `date ≤ d` and `available_at ≤ d` ([`rotor_data::universe`]);
/// dates before the first snapshot keep nothing. Returns a note on what was kept.
fn within_pool(
    mut factor: rotor_core::Panel,
    pool: &str,
    a: &EvalArgs,
) -> Result<(rotor_core::Panel, String)> {
    let Some(store) = &a.store else {
        bail!("--pool needs --store (the store holding {pool}'s constituent weights)");
    };
    let store = rotor_data::store::Store::open(store)?;
    let snaps = rotor_data::universe::read_snapshots(&store, &[pool.to_string()], &[])?;
    let Some(snaps) = snaps.get(pool).filter(|s| !s.is_empty()) else {
        bail!(
            "--pool {pool}: the store {} has no weights of {pool} (import an index_weight file)",
            a.store.as_deref().unwrap_or(Path::new("")).display()
        );
    };
    let n = factor.assets.len();
    let (mut kept, mut dropped) = (0usize, 0usize);
    for (t, d) in factor.dates.iter().enumerate() {
        let members: std::collections::HashSet<&str> = snaps
            .iter()
            .rev()
            .find(|s| s.date <= *d && s.available_at <= *d)
            .map(|s| s.members.iter().map(|m| m.0.as_str()).collect())
            .unwrap_or_default();
        for j in 0..n {
            let v = &mut factor.values[t * n + j];
            if !v.is_finite() {
                continue;
            }
            if members.contains(factor.assets[j].as_str()) {
                kept += 1;
            } else {
                dropped += 1;
                *v = f64::NAN;
            }
        }
    }
    Ok((
        factor,
        format!(
            "within {pool}: {kept} factor values of its point-in-time members kept, {dropped} of other assets (or before its first weight snapshot) left out"
        ),
    ))
}

/// The factor neutralised against the styles (and industries) of the risk model on the
/// store's stocks: at each factor date, the exposures of the latest stock trading day on
/// or before it (known then), OLS residuals with a constant, z-scored
/// ([`rotor_core::ops::resid::neutralize`], SPEC §14.2).
fn neutralized(factor: &rotor_core::Panel, a: &EvalArgs) -> Result<(rotor_core::Panel, String)> {
    let (mut styles, mut industry) = (false, false);
    for w in &a.neutralize {
        match w.as_str() {
            "styles" => styles = true,
            "industry" => industry = true,
            x => bail!("--neutralize `{x}`: expected styles, industry or both (styles,industry)"),
        }
    }
    let Some(store) = &a.store else {
        bail!("--neutralize needs --store (the stocks whose exposures the factor is neutralised against)");
    };
    if industry && a.industries.is_none() {
        bail!("--neutralize industry needs --industries FILE (a code and an industry column)");
    }
    let store = rotor_data::store::Store::open(store)?;
    let end = factor.dates.last().copied();
    let data = crate::risk::load_stocks(&store, &[], end, a.industries.as_deref())?;
    let cfg = rotor_risk::model::RiskConfig::default();
    let ex = rotor_risk::model::style_exposures(&data.inputs(), &cfg)?;
    let n = data.close.assets.len();
    let col: std::collections::HashMap<&str, usize> = data
        .close
        .assets
        .iter()
        .enumerate()
        .map(|(j, c)| (c.as_str(), j))
        .collect();
    let fa = factor.assets.len();
    let s = if styles { ex.names.len() } else { 0 };
    let mut out = factor.clone();
    let (mut kept, mut lost) = (0usize, 0usize);
    for (i, d) in factor.dates.iter().enumerate() {
        let t = data.close.dates.partition_point(|x| x <= d);
        let row = &mut out.values[i * fa..(i + 1) * fa];
        if t == 0 {
            lost += row.iter().filter(|v| v.is_finite()).count();
            row.iter_mut().for_each(|v| *v = f64::NAN);
            continue;
        }
        let t = t - 1;
        // exposures per style over the factor's assets (NaN for assets without one)
        let mut x = vec![vec![f64::NAN; fa]; s];
        let mut ind: Vec<Option<u32>> = vec![None; fa];
        for (j, asset) in factor.assets.iter().enumerate() {
            if let Some(&k) = col.get(asset.as_str()) {
                for (q, xq) in x.iter_mut().enumerate() {
                    xq[j] = ex.values[q][t * n + k];
                }
                ind[j] = data.industry_at(t, k).map(|v| v as u32);
            }
        }
        let cols: Vec<&[f64]> = x.iter().map(|v| v.as_slice()).collect();
        let before = row.iter().filter(|v| v.is_finite()).count();
        let e = rotor_core::ops::resid::neutralize(row, &cols, industry.then_some(&ind[..]));
        let after = e.iter().filter(|v| v.is_finite()).count();
        kept += after;
        lost += before - after;
        row.copy_from_slice(&e);
    }
    Ok((
        out,
        format!(
            "neutralised against {}{}{}: {kept} factor values kept, {lost} without exposures (not a stock of the store, too little history, no industry) dropped",
            if styles { ex.names.join(", ") } else { String::new() },
            if styles && industry { " + " } else { "" },
            if industry { "industries" } else { "" },
        ),
    ))
}

/// The tables, `summary.json` (no timings or machine paths: the same inputs give the
/// same bytes) and the resolved `config.toml`.
fn write_outputs(
    a: &EvalArgs,
    cfg: &EvalConfig,
    e: &Evaluation,
    labels: Option<&BTreeMap<chrono::NaiveDate, String>>,
) -> Result<(Summary, String)> {
    let dates: Vec<chrono::NaiveDate> = e.dates.iter().map(|d| d.date).collect();
    let ppy = summary::periods_per_year(&dates);
    let s = write_tables(&a.out, e, ppy, labels)?;
    let name = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let summary = Summary {
        factor: name(&a.factor),
        prices: name(&a.prices),
        config: cfg.clone(),
        assets: e.assets.len(),
        dates_evaluated: e.dates.len(),
        dates_dropped: e.dropped_dates,
        drops: e.drops,
        factor_obs: e.factor_obs,
        rows_used: e.dates.iter().map(|d| d.n).sum(),
        periods_per_year: ppy,
        first_date: dates.first().map(|d| d.to_string()),
        last_date: dates.last().map(|d| d.to_string()),
        by_period: s,
    };
    let json = serde_json::to_string_pretty(&summary).expect("summary serialises");
    std::fs::write(a.out.join("summary.json"), &json)
        .with_context(|| format!("writing {}", a.out.join("summary.json").display()))?;
    let mut resolved = toml::to_string(cfg).context("serialising the resolved config")?;
    if a.pool.is_some() || a.select.is_some() {
        // the pool and the selected rows are part of what was evaluated
        resolved.push_str(&format!(
            "\n[factor_rows]\npool = {:?}\nselect = {:?}\n",
            a.pool.as_deref().unwrap_or(""),
            a.select.as_deref().unwrap_or("")
        ));
    }
    if !a.neutralize.is_empty() {
        // the neutralisation is part of what was evaluated
        resolved.push_str(&format!(
            "\n[neutralize]\nagainst = {:?}\nindustries = {:?}\n",
            a.neutralize,
            a.industries
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ));
    }
    std::fs::write(a.out.join("config.toml"), resolved)
        .with_context(|| format!("writing {}", a.out.join("config.toml").display()))?;
    Ok((summary, json))
}

/// The headline table on stderr.
fn print_summary(summary: &Summary, out: &Path, seconds: f64) {
    let rows: Vec<Vec<String>> = summary
        .by_period
        .iter()
        .map(|p| {
            vec![
                p.period.to_string(),
                format!("{:.4}", p.rank_ic.mean),
                format!("{:.3}", p.rank_ic.icir_ann),
                format!("{:.2}", p.rank_ic.t_stat),
                pct(p.rank_ic.win_rate),
                format!("{:.4}", p.ic.mean),
                pct(p.long_short_all),
                pct(p.long_excess_all),
                pct(p.top_turnover_mean),
                format!("{:.3}", p.rank_autocorr_mean),
            ]
        })
        .collect();
    let h = [
        "period",
        "RankIC",
        "ICIR(ann)",
        "t",
        "win",
        "IC",
        "多空(All)",
        "多头超额",
        "top TO",
        "rank AC",
    ];
    eprintln!("{}", table(&h, &rows));
    eprintln!(
        "{} assets, {} dates ({} → {}), {} rows; {} dates dropped. Tables in {} ({seconds:.2}s)",
        summary.assets,
        summary.dates_evaluated,
        summary.first_date.as_deref().unwrap_or("-"),
        summary.last_date.as_deref().unwrap_or("-"),
        summary.rows_used,
        summary.dates_dropped,
        out.display(),
    );
}

/// Run two closures on two threads (the two input files are read concurrently).
fn join_both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|s| {
        let hb = s.spawn(b);
        let ra = a();
        (ra, hb.join().expect("reader thread"))
    })
}

fn write_tables(
    out: &Path,
    e: &Evaluation,
    ppy: f64,
    labels: Option<&BTreeMap<chrono::NaiveDate, String>>,
) -> Result<Vec<PeriodSummary>> {
    let periods = &e.config.periods;
    let q = e.config.quantiles;
    // ic.csv and quantile_returns.csv (the largest tables) are formatted and written on a
    // second thread while this one computes turnover, autocorrelation and the windows
    let per_date_tables = || -> Result<()> {
        // ic.csv
        let mut rows = Vec::with_capacity(e.dates.len() * periods.len());
        for d in &e.dates {
            for (hi, h) in periods.iter().enumerate() {
                rows.push(format!(
                    "{},{h},{},{},{}",
                    d.date,
                    d.n,
                    f(d.ic[hi]),
                    f(d.rank_ic[hi])
                ));
            }
        }
        write_csv(out, "ic.csv", "date,period,n,ic,rank_ic", &rows)?;
        // quantile_returns.csv: raw and demeaned (alphalens) group means per date
        let mut rows = Vec::with_capacity(e.dates.len() * periods.len() * q);
        for d in &e.dates {
            for (hi, h) in periods.iter().enumerate() {
                for g in 0..q {
                    let m = d.group_mean[hi][g];
                    let mut s = String::new();
                    let _ = write!(
                        s,
                        "{},{h},{},{},{},{}",
                        d.date,
                        g + 1,
                        d.group_count[g],
                        f(m),
                        f(m - d.ew[hi])
                    );
                    rows.push(s);
                }
            }
        }
        write_csv(
            out,
            "quantile_returns.csv",
            "date,period,quantile,count,mean_return,mean_return_demeaned",
            &rows,
        )?;
        Ok(())
    };
    std::thread::scope(|scope| -> Result<Vec<PeriodSummary>> {
        let side = scope.spawn(per_date_tables);
        let summ = horizon_tables(out, e, ppy, labels)?;
        side.join().expect("table writer thread")?;
        Ok(summ)
    })
}

/// The rows of the per-horizon tables.
#[derive(Default)]
struct HorizonRows {
    turnover: Vec<String>,
    autocorr: Vec<String>,
    windows: Vec<String>,
    quantiles: Vec<String>,
    limit: Vec<String>,
    summary: Vec<PeriodSummary>,
}

/// turnover, rank autocorrelation, long-short windows, quantile summary, theoretical
/// limit, IC summary and by-label tables; returns the per-horizon summary.
fn horizon_tables(
    out: &Path,
    e: &Evaluation,
    ppy: f64,
    labels: Option<&BTreeMap<chrono::NaiveDate, String>>,
) -> Result<Vec<PeriodSummary>> {
    let q = e.config.quantiles;
    let mut r = HorizonRows::default();
    for hi in 0..e.config.periods.len() {
        horizon_rows(e, ppy, hi, &mut r);
    }
    let th: String = (1..=q).map(|g| format!(",q{g}")).collect();
    write_csv(
        out,
        "turnover.csv",
        &format!("date,period{th}"),
        &r.turnover,
    )?;
    write_csv(
        out,
        "rank_autocorr.csv",
        "date,period,rank_autocorr",
        &r.autocorr,
    )?;
    write_csv(
        out,
        "long_short.csv",
        "window,period,n,rank_ic_mean,ic_mean,long_short,long,long_excess,universe",
        &r.windows,
    )?;
    write_csv(
        out,
        "quantile_summary.csv",
        "period,quantile,mean_return,mean_return_demeaned,turnover",
        &r.quantiles,
    )?;
    write_csv(
        out,
        "theoretical_limit.csv",
        "year,period,n,decile_spread_mean",
        &r.limit,
    )?;
    write_csv(
        out,
        "ic_summary.csv",
        "period,kind,n,mean,std,icir,icir_ann,t_stat,win_rate",
        &ic_summary_rows(&r.summary),
    )?;
    if let Some(labels) = labels {
        write_csv(
            out,
            "by_label.csv",
            "label,period,n,rank_ic_mean,rank_icir,rank_ic_win_rate,ic_mean,long_short,long,long_excess,universe",
            &by_label_rows(e, labels, ppy),
        )?;
    }
    Ok(r.summary)
}

/// The rows of horizon `hi` (turnover and autocorrelation at lag = horizon, alphalens'
/// tear sheet convention).
fn horizon_rows(e: &Evaluation, ppy: f64, hi: usize, r: &mut HorizonRows) {
    let (h, q) = (e.config.periods[hi], e.config.quantiles);
    let tos = summary::turnover_by_group(e, h);
    for (t, d) in e.dates.iter().enumerate() {
        let mut s = format!("{},{h}", d.date);
        for to in &tos {
            s.push(',');
            s.push_str(&f(to[t]));
        }
        r.turnover.push(s);
    }
    let ac = summary::rank_autocorr(e, h);
    for (t, d) in e.dates.iter().enumerate() {
        r.autocorr.push(format!("{},{h},{}", d.date, f(ac[t])));
    }
    let w = summary::windows(e, hi);
    for x in &w {
        r.windows.push(format!(
            "{},{h},{},{},{},{},{},{},{}",
            x.window,
            x.n,
            f(x.rank_ic_mean),
            f(x.ic_mean),
            f(x.long_short),
            f(x.long),
            f(x.long_excess),
            f(x.universe)
        ));
    }
    for x in summary::quantile_summary(e, hi, &tos) {
        r.quantiles.push(format!(
            "{h},{},{},{},{}",
            x.quantile,
            f(x.mean_return),
            f(x.mean_return_demeaned),
            f(x.turnover)
        ));
    }
    // theoretical limit per year (mean of the period spreads, non-overlapping periods)
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for d in e.dates.iter().step_by(h) {
        use chrono::Datelike;
        by_year.entry(d.date.year()).or_default().push(d.limit[hi]);
    }
    for (y, v) in &by_year {
        r.limit.push(format!(
            "{y},{h},{},{}",
            v.len(),
            f(rotor_eval::limit::annual(v, Default::default()))
        ));
    }
    let all = w.iter().find(|x| x.window == "All").expect("All window");
    r.summary.push(PeriodSummary {
        period: h,
        rank_ic: summary::IcSummary::of(
            &e.dates.iter().map(|d| d.rank_ic[hi]).collect::<Vec<_>>(),
            ppy,
        ),
        ic: summary::IcSummary::of(&e.dates.iter().map(|d| d.ic[hi]).collect::<Vec<_>>(), ppy),
        long_short_all: all.long_short,
        long_all: all.long,
        long_excess_all: all.long_excess,
        top_turnover_mean: mean(&tos[q - 1]),
        rank_autocorr_mean: mean(&ac),
        theoretical_limit_mean: mean(
            &e.dates
                .iter()
                .step_by(h)
                .map(|d| d.limit[hi])
                .collect::<Vec<_>>(),
        ),
    });
}

fn ic_summary_rows(summ: &[PeriodSummary]) -> Vec<String> {
    let mut rows = Vec::new();
    for s in summ {
        for (kind, x) in [("rank_ic", &s.rank_ic), ("ic", &s.ic)] {
            rows.push(format!(
                "{},{kind},{},{},{},{},{},{},{}",
                s.period,
                x.n,
                f(x.mean),
                f(x.std),
                f(x.icir),
                f(x.icir_ann),
                f(x.t_stat),
                f(x.win_rate)
            ));
        }
    }
    rows
}

fn by_label_rows(
    e: &Evaluation,
    labels: &BTreeMap<chrono::NaiveDate, String>,
    ppy: f64,
) -> Vec<String> {
    summary::by_label(e, labels, ppy)
        .iter()
        .map(|r| {
            let (ric, w) = (&r.rank_ic, &r.window);
            format!(
                "{},{},{},{},{},{},{},{},{},{},{}",
                r.label,
                r.period,
                w.n,
                f(ric.mean),
                f(ric.icir),
                f(ric.win_rate),
                f(w.ic_mean),
                f(w.long_short),
                f(w.long),
                f(w.long_excess),
                f(w.universe)
            )
        })
        .collect()
}
