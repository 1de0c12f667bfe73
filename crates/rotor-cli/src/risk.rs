//! `rotor risk`: the Barra-style risk model of the store's stocks ([`rotor_risk`]).
//!
//! Reads and writes through [`rotor_risk::store`] (inputs, cap rules, output files);
//! adds the report (`risk.html/.xlsx`) and the terminal summary.

use crate::args::RiskArgs;
use crate::ui::Ui;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use rotor_data::store::Store;
use rotor_risk::model::{RiskConfig, RiskModel};
use rotor_risk::regression::{IndustryConstraint, Method};
use rotor_risk::store::{estimate_to, mean, report_frames, EstimateRequest};
pub use rotor_risk::store::{load_stocks, stock_returns};
use std::path::Path;

fn date_arg(s: &Option<String>, key: &str) -> Result<Option<NaiveDate>> {
    s.as_deref()
        .map(|x| {
            NaiveDate::parse_from_str(x, "%Y-%m-%d")
                .with_context(|| format!("--{key} `{x}`: expected YYYY-MM-DD"))
        })
        .transpose()
}

/// Raw arguments → validated settings.
fn config(a: &RiskArgs) -> Result<RiskConfig> {
    let mut cfg = RiskConfig::default();
    cfg.regression.constraint = IndustryConstraint::from_name(&a.constraint)
        .with_context(|| format!("--constraint `{}`: expected cap or equal", a.constraint))?;
    cfg.regression.method = Method::from_name(&a.method)
        .with_context(|| format!("--method `{}`: expected joint or two_step", a.method))?;
    Ok(cfg)
}

pub fn run(ui: &Ui, a: RiskArgs) -> Result<()> {
    let (start, end) = (date_arg(&a.start, "start")?, date_arg(&a.end, "end")?);
    let req = EstimateRequest {
        universe: &a.universe,
        industries: a.industries.as_deref(),
        start,
        end,
        config: config(&a)?,
        cov_half_life: a.cov_half_life,
    };
    let store = Store::open(&a.store)?;
    let pb = ui.bar(4, "risk");
    pb.set_message("reading prices");
    let est = estimate_to(&store, &req, &a.out, &|m| {
        pb.inc(1);
        pb.set_message(m.to_string());
    })?;
    let (t0, t1) = est.rows;
    let written = if a.no_report {
        None
    } else {
        pb.set_message("report");
        let (fr, r2, ex) = report_frames(&est.dates, &est.model, t0, t1);
        let rep = rotor_report::risk::report(&fr, &r2, &ex, &est.notes);
        Some(rotor_report::write(&a.out, "risk", &rep, true)?)
    };
    pb.finish_and_clear();
    print_summary(
        ui,
        &est.model,
        &est.dates,
        est.codes.len(),
        t0,
        t1,
        &est.notes,
        &a.out,
    );
    if let Some(w) = written {
        crate::ui::print_written(ui, &[w]);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn print_summary(
    ui: &Ui,
    m: &RiskModel,
    dates: &[NaiveDate],
    n: usize,
    t0: usize,
    t1: usize,
    notes: &[String],
    out: &Path,
) {
    if ui.json {
        return;
    }
    let q = m.factor_names.len();
    out!(
        "risk model: {n} stocks, {} → {} ({} days), mean R² {:.3}",
        dates[0],
        dates[dates.len() - 1],
        dates.len(),
        mean(&m.r2[t0..t1])
    );
    out!(
        "{:<22} {:>10} {:>10} {:>8}",
        "factor",
        "ann. ret",
        "ann. vol",
        "t"
    );
    for (k, name) in m.factor_names.iter().enumerate() {
        if name.starts_with("industry:") {
            continue;
        }
        let x: Vec<f64> = (t0..t1)
            .map(|t| m.factor_returns[t * q + k])
            .filter(|x| x.is_finite())
            .collect();
        if x.len() < 2 {
            continue;
        }
        let mu = x.iter().sum::<f64>() / x.len() as f64;
        let sd = (x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt();
        out!(
            "{:<22} {:>9.2}% {:>9.2}% {:>8.2}",
            name,
            100.0 * 252.0 * mu,
            100.0 * sd * 252f64.sqrt(),
            mu / sd * (x.len() as f64).sqrt()
        );
    }
    for line in notes {
        ui.note(format!("  · {line}"));
    }
    ui.note(format!("outputs in {}", out.display()));
}
