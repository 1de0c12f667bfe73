//! On the synthetic market (planted effects documented in rotor-sim), the pipeline
//! recovers the planted signs by regime, the rotation beats equal weight, and the
//! control factor shows nothing.

use rotor_strategy::config::{SignalKind, StrategyConfig};
use rotor_strategy::load::load;
use rotor_strategy::pipeline::run_pipeline;
use rotor_strategy::report::{factor_by_regime, summary, FactorRegimeRow};

fn row<'a>(rows: &'a [FactorRegimeRow], f: &str, r: &str) -> &'a FactorRegimeRow {
    rows.iter()
        .find(|x| x.factor == f && x.regime == r)
        .unwrap_or_else(|| panic!("{f} {r}"))
}

#[test]
fn planted_effects_are_recovered_and_the_control_is_flat() {
    let dir = tempfile::tempdir().unwrap();
    let sc = rotor_sim::SimConfig {
        seed: 42,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir.path(), &|| {}).unwrap();
    let mut cfg = StrategyConfig {
        store: Some(dir.path().to_path_buf()),
        start: "2012-01-01".parse().ok(),
        ..Default::default()
    };
    // the planted definitions: PE percentile from one year of history, growth of
    // implied earnings P/PE
    cfg.factors.pe_pct_min = 250;
    cfg.factors.growth_source = rotor_factors::valuation::GrowthSource::Implied;
    cfg.portfolio.min_history_days = 250;
    let ld = load(&cfg).unwrap();
    let out = run_pipeline(&ld, &cfg, None);
    // the classifier against the latent states of the simulation (it sees them only
    // through lagged, noisy yields and M2/TSF, with a 12-month change: it lags)
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("truth.json")).unwrap())
            .unwrap();
    let latent: std::collections::BTreeMap<String, String> = truth["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["month"].as_str().unwrap().to_string(),
                r["regime"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let month = |d: &chrono::NaiveDate| d.format("%Y-%m").to_string();
    let (mut agree_m, mut agree_c, mut n) = (0, 0, 0);
    for (d, r) in out.signal_dates.iter().zip(&out.regime_of) {
        let (Some(l), code) = (latent.get(&month(d)), r.code()) else {
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
    let fr = factor_by_regime(&out);
    // valuation by the classified regime: PE percentile pays in LL (planted)
    let ll = row(&fr, "val.pe_pct", "LL");
    assert!(ll.ic_mean > 0.0 && ll.n >= 12, "pe_pct in LL: {ll:?}");
    // by the latent regime the planted signs are sharp: PE percentile in LL, inverse
    // PEG elsewhere
    let mut by_truth = out.clone();
    by_truth.regime_of = out
        .signal_dates
        .iter()
        .map(|d| rotor_regime::Regime::parse(&latent[&month(d)]).unwrap())
        .collect();
    let ft = factor_by_regime(&by_truth);
    let ll = row(&ft, "val.pe_pct", "LL");
    assert!(ll.ic_mean > 0.08, "pe_pct in latent LL: {ll:?}");
    for r in ["LT", "TL", "TT"] {
        assert!(
            ll.ic_mean > row(&ft, "val.pe_pct", r).ic_mean,
            "pe_pct LL vs {r}"
        );
    }
    let peg_other: f64 = ["LT", "TL", "TT"]
        .iter()
        .map(|r| row(&ft, "val.inv_peg", r).ic_mean)
        .sum::<f64>()
        / 3.0;
    assert!(peg_other > 0.03, "inverse PEG outside LL: {peg_other}");
    assert!(peg_other > row(&ft, "val.inv_peg", "LL").ic_mean);
    // slow steady momentum persists (planted AR(1) drift)
    let mc = row(&fr, "mom.mc", "All");
    assert!(mc.ic_mean > 0.08 && mc.top_minus_bottom > 0.0, "{mc:?}");
    // institutional flow (planted +0.3 %/z)
    let fl = row(&fr, "flow.inst", "All");
    assert!(fl.ic_mean > 0.02, "{fl:?}");
    // the composite ranks, and the rotation beats equal weight net of costs
    assert!(row(&fr, "composite", "All").ic_mean > 0.05);
    let s = summary(&cfg, &out);
    let cagr = |n: &str| s.series.iter().find(|x| x.name == n).unwrap().cagr;
    assert!(
        cagr("strategy") > cagr("equal_weight") + 0.02,
        "{} vs {}",
        cagr("strategy"),
        cagr("equal_weight")
    );
    // the control factor (i.i.d. noise) drives nothing
    let mut c = cfg.clone();
    c.signal.kind = SignalKind::File;
    c.signal.file = Some(dir.path().join("factors/control.csv"));
    let ld = load(&c).unwrap();
    let out = run_pipeline(&ld, &c, None);
    let fr = factor_by_regime(&out);
    let ctl = row(&fr, "composite", "All");
    assert!(ctl.n > 100 && ctl.ic_mean.abs() < 0.03, "control: {ctl:?}");
}
