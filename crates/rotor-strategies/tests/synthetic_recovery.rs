//! On the synthetic market (planted effects documented in rotor-sim), the rotation
//! recovers the planted signs by regime, beats equal weight, and the control factor
//! shows nothing.

mod common;
use common::plan_at;
use rotor_core::frame::Frame;
use rotor_core::Panel;
use rotor_data::view::Field;
use rotor_engine::artifacts;
use rotor_engine::perf::SeriesKind;
use rotor_engine::run::RunOptions;
use rotor_eval::signal::{ic_by_label, period_stats, LabelIc};
use rotor_factors::{compute_at, FactorConfig, FactorId};

/// A row of the factor-by-regime table.
fn row(f: &Frame, factor: &str, regime: &str) -> (f64, i64, f64) {
    let (fa, re) = (f.texts("factor").unwrap(), f.texts("regime").unwrap());
    let i = (0..f.n_rows())
        .find(|&i| fa[i] == factor && re[i] == regime)
        .unwrap_or_else(|| panic!("{factor} {regime}"));
    let n = match f.get("n") {
        Some(rotor_core::frame::Column::Int(v)) => v[i],
        _ => 0,
    };
    (
        f.nums("ic_mean").unwrap()[i],
        n,
        f.nums("top_minus_bottom").unwrap()[i],
    )
}

fn latent_regimes(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    truth["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].as_str().unwrap().to_string(),
                r["regime"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn planted_effects_are_recovered_and_the_control_is_flat() {
    let dir = tempfile::tempdir().unwrap();
    let sc = rotor_sim::SimConfig {
        seed: 42,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir.path(), &|| {}).unwrap();
    // the planted definitions: PE percentile from one year of history, growth of
    // implied earnings P/PE
    let text = "store = \".\"\nstart = 2012-01-01\n[factors]\npe_pct_min = 250\ngrowth_source = \"implied\"\n";
    let plan = plan_at(text, dir.path());
    let e = rotor_engine::execute(&plan, RunOptions::default()).unwrap();
    let out = &e.output;
    // the classifier against the latent states of the simulation (it sees them only
    // through lagged, noisy yields and M2/TSF, with a 12-month change: it lags)
    let latent = latent_regimes(dir.path());
    let month = |d: &chrono::NaiveDate| d.format("%Y-%m").to_string();
    let (mut agree_m, mut agree_c, mut n) = (0, 0, 0);
    for st in &out.steps {
        let (Some(l), Some(code)) = (latent.get(&month(&st.date)), st.label.as_deref()) else {
            continue;
        };
        if code == "Undefined" {
            continue;
        }
        n += 1;
        agree_m += (l[..1] == code[..1]) as usize;
        agree_c += (l[1..] == code[1..]) as usize;
    }
    assert!(n > 100);
    assert!(
        agree_m as f64 / n as f64 > 0.65,
        "money agreement {agree_m}/{n}"
    );
    assert!(
        agree_c as f64 / n as f64 > 0.65,
        "credit agreement {agree_c}/{n}"
    );
    let a = artifacts::build(&plan, &e.fingerprint, out);
    let fr = a.frame("factor_by_regime").unwrap();
    // valuation by the classified regime: PE percentile pays in LL (planted)
    let (ic, n_ll, _) = row(fr, "val.pe_pct", "LL");
    assert!(ic > 0.0 && n_ll >= 12, "pe_pct in LL: {ic} over {n_ll}");
    // slow steady momentum persists (planted AR(1) drift); institutional flow (+0.3 %/z)
    let (ic, _, tmb) = row(fr, "mom.mc", "All");
    assert!(ic > 0.08 && tmb > 0.0, "mc {ic} {tmb}");
    assert!(row(fr, "flow.inst", "All").0 > 0.02);
    // the composite ranks, and the rotation beats equal weight net of costs
    assert!(row(fr, "composite", "All").0 > 0.05);
    let cagr = |k: SeriesKind| a.summary.series.iter().find(|x| x.name == k).unwrap().cagr;
    assert!(
        cagr(SeriesKind::Strategy) > cagr(SeriesKind::EqualWeight) + 0.02,
        "{} vs {}",
        cagr(SeriesKind::Strategy),
        cagr(SeriesKind::EqualWeight)
    );
    by_latent_regime(dir.path(), out, &latent);
    // the control factor (i.i.d. noise) drives nothing
    let ctl = plan_at(
        &format!("{text}[signal]\nkind = \"file\"\nfile = \"factors/control.csv\"\n"),
        dir.path(),
    );
    let e = rotor_engine::execute(&ctl, RunOptions::default()).unwrap();
    let a = artifacts::build(&ctl, &e.fingerprint, &e.output);
    let (ic, n, _) = row(a.frame("factor_by_regime").unwrap(), "composite", "All");
    assert!(n > 100 && ic.abs() < 0.03, "control: {ic} over {n}");
}

/// By the latent regime the planted signs are sharp: PE percentile pays in LL, inverse
/// PEG elsewhere. The valuation sub-factors are recomputed at each signal date through
/// the same point-in-time view the run used.
fn by_latent_regime(
    dir: &std::path::Path,
    out: &rotor_engine::run::RunOutput,
    latent: &std::collections::BTreeMap<String, String>,
) {
    let plan = plan_at("store = \".\"\nstart = 2012-01-01\n", dir);
    let ld = rotor_engine::load::load(&plan.load_spec()).unwrap();
    let cfg = FactorConfig {
        pe_pct_min: 250,
        growth_source: rotor_factors::valuation::GrowthSource::Implied,
        ..Default::default()
    };
    let mut pe_pct = Panel::nan(out.signal_dates.clone(), out.universe.clone());
    let mut inv_peg = pe_pct.clone();
    let n = out.universe.len();
    for (i, t) in out.signal_dates.iter().enumerate() {
        let f = compute_at(&ld.view.at(*t), &out.universe, Field::CLOSE, &cfg);
        pe_pct.values[i * n..(i + 1) * n].copy_from_slice(&f.values[&FactorId::PePct]);
        inv_peg.values[i * n..(i + 1) * n].copy_from_slice(&f.values[&FactorId::InvPeg]);
    }
    let labels: Vec<Option<String>> = out
        .signal_dates
        .iter()
        .map(|d| latent.get(&d.format("%Y-%m").to_string()).cloned())
        .collect();
    let order: Vec<String> = ["LL", "LT", "TL", "TT"].map(String::from).to_vec();
    let by = |p: &Panel| ic_by_label(&period_stats(p, &out.fwd, 5), &labels, &order);
    let get = |v: &[LabelIc], r: &str| v.iter().find(|x| x.label == r).unwrap().ic_mean;
    let (pe, peg) = (by(&pe_pct), by(&inv_peg));
    assert!(
        get(&pe, "LL") > 0.08,
        "pe_pct in latent LL: {}",
        get(&pe, "LL")
    );
    for r in ["LT", "TL", "TT"] {
        assert!(get(&pe, "LL") > get(&pe, r), "pe_pct LL vs {r}");
    }
    let peg_other = ["LT", "TL", "TT"].iter().map(|r| get(&peg, r)).sum::<f64>() / 3.0;
    assert!(peg_other > 0.03, "inverse PEG outside LL: {peg_other}");
    assert!(peg_other > get(&peg, "LL"));
}
