//! `rotor.evaluate`: factor evaluation from alphalens-style inputs (SPEC §6; alphalens
//! definitions, parity tested in crates/rotor-eval and python/tests).

use crate::convert::{days, f64s, frame};
use crate::err;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rotor_core::frame::{Column, Frame};
use rotor_core::Panel;
use rotor_eval::{evaluate as eval_panels, summary, EvalConfig, Evaluation, Grouping};

fn grouping(s: &str) -> PyResult<Grouping> {
    match s {
        "qcut" => Ok(Grouping::Qcut),
        "rank_floor" => Ok(Grouping::RankFloor),
        "remainder_last" => Ok(Grouping::RemainderLast),
        _ => Err(err(format!(
            "grouping {s:?}: one of qcut (alphalens), rank_floor (SPEC), remainder_last"
        ))),
    }
}

fn panel(dates: &[i64], assets: Vec<String>, values: &[u8], what: &str) -> PyResult<Panel> {
    let dates = days(dates, what)?;
    if dates.windows(2).any(|w| w[0] >= w[1]) {
        return Err(err(format!("{what}: dates must be strictly increasing")));
    }
    let values = f64s(values, dates.len() * assets.len(), what)?;
    Ok(Panel {
        dates,
        assets,
        values,
    })
}

/// Per date and horizon: IC and RankIC.
fn mk(name: &str, columns: Vec<(String, Column)>) -> Frame {
    Frame {
        name: name.into(),
        columns,
    }
}

fn ic_frame(e: &Evaluation) -> Frame {
    let (mut d, mut p, mut ic, mut ric) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in &e.dates {
        for (h, &per) in e.config.periods.iter().enumerate() {
            d.push(Some(s.date));
            p.push(per as i64);
            ic.push(s.ic[h]);
            ric.push(s.rank_ic[h]);
        }
    }
    mk(
        "ic",
        vec![
            ("date".into(), Column::Date(d)),
            ("period".into(), Column::Int(p)),
            ("ic".into(), Column::Num(ic)),
            ("rank_ic".into(), Column::Num(ric)),
        ],
    )
}

/// Per date, horizon and quantile: the mean forward return and it less the equal-weight
/// mean (alphalens `mean_return_by_quantile(by_date=True)`, raw and demeaned).
fn quantile_frame(e: &Evaluation) -> Frame {
    let (mut d, mut p, mut q, mut m, mut dm) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in &e.dates {
        for (h, &per) in e.config.periods.iter().enumerate() {
            for g in 0..e.config.quantiles {
                d.push(Some(s.date));
                p.push(per as i64);
                q.push(g as i64 + 1);
                m.push(s.group_mean[h][g]);
                dm.push(s.group_mean[h][g] - s.ew[h]);
            }
        }
    }
    mk(
        "quantile_returns",
        vec![
            ("date".into(), Column::Date(d)),
            ("period".into(), Column::Int(p)),
            ("quantile".into(), Column::Int(q)),
            ("mean_return".into(), Column::Num(m)),
            ("demeaned_return".into(), Column::Num(dm)),
        ],
    )
}

/// Per quantile and lag-1 date: the share of names new to the quantile (alphalens
/// `quantile_turnover`), and the factor rank autocorrelation.
fn turnover_frame(e: &Evaluation) -> Frame {
    let by_q: Vec<Vec<f64>> = (1..=e.config.quantiles)
        .map(|g| summary::turnover(e, g, 1))
        .collect();
    let ac = summary::rank_autocorr(e, 1);
    let mut cols = vec![(
        "date".into(),
        Column::Date(e.dates.iter().map(|s| Some(s.date)).collect()),
    )];
    for (g, v) in by_q.into_iter().enumerate() {
        cols.push((format!("q{}", g + 1), Column::Num(v)));
    }
    cols.push(("rank_autocorr".into(), Column::Num(ac)));
    mk("turnover", cols)
}

/// Per horizon: the IC and RankIC summaries (mean, std ddof 1, ICIR, t-stat …) and the
/// mean of the per-date quantile means (alphalens `by_date=False`).
fn summary_frame(e: &Evaluation, periods_per_year: f64) -> Frame {
    let q = e.config.quantiles;
    let mut cols: Vec<(String, Column)> = Vec::new();
    let per: Vec<i64> = e.config.periods.iter().map(|&p| p as i64).collect();
    let ics: Vec<summary::IcSummary> = (0..per.len())
        .map(|h| {
            summary::IcSummary::of(
                &e.dates.iter().map(|d| d.ic[h]).collect::<Vec<_>>(),
                periods_per_year,
            )
        })
        .collect();
    let rics: Vec<summary::IcSummary> = (0..per.len())
        .map(|h| {
            summary::IcSummary::of(
                &e.dates.iter().map(|d| d.rank_ic[h]).collect::<Vec<_>>(),
                periods_per_year,
            )
        })
        .collect();
    cols.push(("period".into(), Column::Int(per.clone())));
    cols.push((
        "n_dates".into(),
        Column::Int(rics.iter().map(|s| s.n as i64).collect()),
    ));
    cols.push((
        "ic_mean".into(),
        Column::Num(ics.iter().map(|s| s.mean).collect()),
    ));
    cols.push((
        "ic_std".into(),
        Column::Num(ics.iter().map(|s| s.std).collect()),
    ));
    cols.push((
        "icir".into(),
        Column::Num(ics.iter().map(|s| s.icir).collect()),
    ));
    cols.push((
        "rank_ic_mean".into(),
        Column::Num(rics.iter().map(|s| s.mean).collect()),
    ));
    cols.push((
        "rank_ic_std".into(),
        Column::Num(rics.iter().map(|s| s.std).collect()),
    ));
    cols.push((
        "rank_icir".into(),
        Column::Num(rics.iter().map(|s| s.icir).collect()),
    ));
    for g in 0..q {
        let means: Vec<f64> = (0..per.len())
            .map(|h| {
                let v: Vec<f64> = e
                    .dates
                    .iter()
                    .map(|d| d.group_mean[h][g])
                    .filter(|x| x.is_finite())
                    .collect();
                if v.is_empty() {
                    f64::NAN
                } else {
                    v.iter().sum::<f64>() / v.len() as f64
                }
            })
            .collect();
        cols.push((format!("q{}_mean_return", g + 1), Column::Num(means)));
    }
    mk("summary", cols)
}

/// Evaluate a factor panel against a price panel. Returns a dict of Arrow IPC streams:
/// `ic`, `quantile_returns`, `turnover`, `summary`; with `out`, also the HTML report
/// (`report.html/.xlsx`) written there, its path under `report`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (factor_dates, factor_assets, factor_values, price_dates, price_assets, price_values,
                    periods, quantiles=5, grouping_name="qcut", min_ic_obs=2, filter_zscore=Some(20.0),
                    periods_per_year=252.0, report_dir=None, name="factor"))]
pub fn evaluate<'py>(
    py: Python<'py>,
    factor_dates: Vec<i64>,
    factor_assets: Vec<String>,
    factor_values: &[u8],
    price_dates: Vec<i64>,
    price_assets: Vec<String>,
    price_values: &[u8],
    periods: Vec<usize>,
    quantiles: usize,
    grouping_name: &str,
    min_ic_obs: usize,
    filter_zscore: Option<f64>,
    periods_per_year: f64,
    report_dir: Option<std::path::PathBuf>,
    name: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let f = panel(&factor_dates, factor_assets, factor_values, "factor")?;
    let p = panel(&price_dates, price_assets, price_values, "prices")?;
    let cfg = EvalConfig {
        periods,
        quantiles,
        grouping: grouping(grouping_name)?,
        min_ic_obs,
        ffill_prices: true,
        filter_zscore,
    };
    let e = py.detach(|| eval_panels(&f, &p, &cfg)).map_err(err)?;
    if e.dates.is_empty() {
        return Err(err(format!(
            "no signal date could be evaluated: of {} signal date(s), {}",
            e.dropped_dates,
            e.drops.describe(
                cfg.quantiles,
                cfg.periods.iter().copied().max().unwrap_or(1)
            )
        )));
    }
    let out = PyDict::new(py);
    out.set_item("ic", frame(py, &ic_frame(&e))?)?;
    out.set_item("quantile_returns", frame(py, &quantile_frame(&e))?)?;
    out.set_item("turnover", frame(py, &turnover_frame(&e))?)?;
    out.set_item("summary", frame(py, &summary_frame(&e, periods_per_year))?)?;
    out.set_item("dropped_dates", e.dropped_dates)?;
    if let Some(dir) = report_dir {
        let r = rotor_report::eval::report(name, &e, periods_per_year, None);
        let w = py
            .detach(|| rotor_report::write(&dir, "report", &r, true))
            .map_err(err)?;
        out.set_item("report", w.html.display().to_string())?;
    }
    Ok(out)
}
