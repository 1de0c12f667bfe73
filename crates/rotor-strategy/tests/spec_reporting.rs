//! SPEC §5.1 (monthly excess as differences), month-end sampling of the daily series,
//! weekly rebalancing and the execution lag.

use chrono::{Datelike, NaiveDate};
use rotor_strategy::config::{Rebalance, SignalKind, StrategyConfig};
use rotor_strategy::load::load;
use rotor_strategy::pipeline::{run_pipeline, signal_dates, Perf};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn spec_5_1_september_2025_row() {
    // two days in September 2025 whose compounded returns are the seed's month:
    // rotation 6.75 %, EW 3.72 %, CSI 300 3.20 % → excess 3.03 % and 3.55 %
    let split = |m: f64| {
        let a: f64 = 0.01;
        vec![0.0, a, (1.0 + m) / (1.0 + a) - 1.0]
    };
    let p = Perf {
        days: vec![d("2025-08-29"), d("2025-09-15"), d("2025-09-30")],
        gross: split(0.0675),
        net: split(0.0675),
        ew: Some(split(0.0372)),
        bench: Some(split(0.0320)),
    };
    let (dates, m) = p.monthly();
    assert_eq!(dates, vec![d("2025-09-30")]);
    assert!((m[0][0] - 0.0675).abs() < 1e-12);
    assert!((m[0][0] - m[1][0] - 0.0303).abs() < 1e-12);
    assert!((m[0][0] - m[2][0] - 0.0355).abs() < 1e-12);
}

#[test]
fn weekly_rebalancing_and_execution_lag() {
    let dir = tempfile::tempdir().unwrap();
    let sc = rotor_sim::SimConfig {
        years: 4,
        n_indices: 8,
        seed: 3,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir.path(), &|| {}).unwrap();
    let mut cfg = StrategyConfig {
        store: Some(dir.path().to_path_buf()),
        start: Some(d("2013-01-01")),
        ..Default::default()
    };
    cfg.signal.kind = SignalKind::Momentum;
    cfg.signal.lookback = 20;
    cfg.portfolio.rebalance = Rebalance::Weekly;
    cfg.portfolio.top_n = 2;
    let ld = load(&cfg).unwrap();
    let dates = signal_dates(&ld.days, &cfg, None);
    // every signal date is the last trading day of its ISO week
    for w in dates.windows(2) {
        assert_ne!(w[0].iso_week(), w[1].iso_week());
    }
    let i = ld.days.iter().position(|x| *x == dates[3]).unwrap();
    assert!(ld.days[i + 1].iso_week() != dates[3].iso_week());
    let out = run_pipeline(&ld, &cfg, None);
    let per_year = out.holdings.len() as f64 / 2.0;
    assert!(
        (45.0..=53.0).contains(&per_year),
        "{per_year} rebalances a year"
    );
    assert!(out.holdings.iter().all(|h| h.exec == h.signal));
    // lag 1: the same picks, executed on the next trading day
    let mut lag = cfg.clone();
    lag.portfolio.exec_lag_days = 1;
    let out1 = run_pipeline(&ld, &lag, None);
    for (a, b) in out.holdings.iter().zip(&out1.holdings) {
        assert_eq!(a.picks, b.picks);
        let k = ld.days.iter().position(|x| *x == a.exec).unwrap();
        assert_eq!(b.exec, ld.days[k + 1]);
    }
    let p = out1.perf.unwrap();
    assert_eq!(p.days[0], out1.holdings[0].exec);
}

fn empty_output(dates: Vec<NaiveDate>, assets: Vec<String>) -> rotor_strategy::pipeline::RunOutput {
    use rotor_core::Panel;
    let n = dates.len();
    rotor_strategy::pipeline::RunOutput {
        signal_dates: dates.clone(),
        regimes: vec![],
        regime_of: vec![rotor_regime::Regime::Undefined; n],
        factor_set: None,
        composite: None,
        score: Panel::nan(dates.clone(), assets.clone()),
        fwd: Panel::nan(dates.clone(), assets.clone()),
        tiebreak: Panel::nan(dates, assets.clone()),
        eligible: vec![vec![true; assets.len()]; n],
        holdings: vec![],
        ew_turnover: vec![],
        perf: None,
        notes: vec![],
    }
}

#[test]
fn factor_by_regime_golden() {
    use rotor_regime::Regime;
    let dates = vec![d("2020-01-31"), d("2020-02-28"), d("2020-03-31")];
    let assets: Vec<String> = (0..5).map(|j| format!("A{j}")).collect();
    let mut out = empty_output(dates, assets);
    let fwd = [
        [0.01, 0.02, 0.03, 0.04, 0.05],
        [0.05, 0.00, -0.01, 0.02, 0.03],
        [0.0; 5],
    ];
    let score = [
        [1.0, 2.0, 3.0, 4.0, 5.0],
        [1.0, 2.0, 3.0, 4.0, 5.0],
        [1.0; 5],
    ];
    for i in 0..3 {
        for j in 0..5 {
            out.fwd.set(i, j, fwd[i][j]);
            out.score.set(i, j, score[i][j]);
        }
    }
    out.fwd.set(2, 0, f64::NAN); // the last period is not realised
    out.regime_of = vec![Regime::LL, Regime::TT, Regime::TT];
    let rows = rotor_strategy::report::factor_by_regime(&out);
    let get = |r: &str| {
        rows.iter()
            .find(|x| x.factor == "composite" && x.regime == r)
            .unwrap()
    };
    // date 1: ranks agree → IC 1, top − bottom = 0.05 − 0.01
    let ll = get("LL");
    assert_eq!(ll.n, 1);
    assert!((ll.ic_mean - 1.0).abs() < 1e-12);
    assert!((ll.top_minus_bottom - 0.04).abs() < 1e-12);
    // date 2: fwd ranks (5,2,1,3,4) vs (1..5): Spearman 1 − 6·Σd²/(n(n²−1)) = 1 − 6·22/120 = −0.1
    let tt = get("TT");
    assert_eq!(tt.n, 1, "the constant date has no IC");
    assert!((tt.ic_mean + 0.1).abs() < 1e-12, "{}", tt.ic_mean);
    assert!((tt.top_minus_bottom - (0.03 - 0.05)).abs() < 1e-12);
    let all = get("All");
    assert_eq!(all.n, 2);
    assert!((all.ic_mean - 0.45).abs() < 1e-12);
    assert!((all.win_rate - 0.5).abs() < 1e-12);
}

#[test]
fn summary_wiring() {
    use rotor_metrics::stats::cagr::cagr;
    // three months: net, EW and benchmark on the first day of each month, zero otherwise
    let days = vec![
        d("2020-01-31"),
        d("2020-02-28"),
        d("2020-03-31"),
        d("2020-04-30"),
    ];
    let mut out = empty_output(vec![], vec![]);
    let (net, ew, bench) = (
        [0.0, 0.02, -0.01, 0.03],
        [0.0, 0.01, 0.0, 0.01],
        [0.0, -0.02, 0.01, 0.02],
    );
    out.perf = Some(Perf {
        days,
        gross: net.iter().map(|x| x + 0.001).collect(),
        net: net.to_vec(),
        ew: Some(ew.to_vec()),
        bench: Some(bench.to_vec()),
    });
    let cfg = StrategyConfig::default();
    let s = rotor_strategy::report::summary(&cfg, &out);
    assert_eq!(s.months, 3);
    let st = |n: &str| s.series.iter().find(|x| x.name == n).unwrap().clone();
    assert!((st("strategy").cagr - cagr(&net[1..], 12.0)).abs() < 1e-15);
    assert!((st("strategy_gross").cagr - cagr(&[0.021, -0.009, 0.031], 12.0)).abs() < 1e-12);
    assert!((st("strategy").max_drawdown - 0.01).abs() < 1e-12);
    let ex = |n: &str| s.excess.iter().find(|x| x.benchmark == n).unwrap().clone();
    assert!(
        (ex("equal_weight").annualised_excess - (cagr(&net[1..], 12.0) - cagr(&ew[1..], 12.0)))
            .abs()
            < 1e-15
    );
    assert!((ex("benchmark").monthly_win_rate - 2.0 / 3.0).abs() < 1e-12);
    // the yearly headers name the configured benchmark (沪深300 for the CSI 300 codes)
    let (zh, en, rows) = rotor_strategy::report::yearly(&cfg, &out);
    assert_eq!(zh[3], "沪深300收益率");
    assert_eq!(zh[5], "轮动超沪深300收益率");
    assert_eq!(en[3], "benchmark");
    assert_eq!(rows[0].1.len(), zh.len() - 1);
    let mut csi500 = cfg.clone();
    csi500.benchmark.code = "000905.SH".into();
    let (zh, _, _) = rotor_strategy::report::yearly(&csi500, &out);
    assert_eq!(zh[3], "000905.SH收益率");
    assert_eq!(zh[5], "轮动超000905.SH收益率");
}

#[test]
fn toml_dates_as_literals_or_strings() {
    let a = rotor_strategy::config::parse(
        "store = \"s\"\nstart = 2013-01-01\n[factors]\nnb_cutoff = 2024-08-16\n",
    )
    .unwrap();
    let b = rotor_strategy::config::parse(
        "store = \"s\"\nstart = \"2013-01-01\"\n[factors]\nnb_cutoff = \"2024-08-16\"\n",
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.start, Some(d("2013-01-01")));
    let e = rotor_strategy::config::parse("store = \"s\"\nstart = 2013-13-01\n").unwrap_err();
    assert!(e.contains("line 2") && e.contains("month"), "{e}");
    let e = rotor_strategy::config::parse("store = \"s\"\nend = \"2013/01/01\"\n").unwrap_err();
    assert!(
        e.contains("line 2") && e.contains("expected a date YYYY-MM-DD, found `2013/01/01`"),
        "{e}"
    );
    let e = rotor_strategy::config::parse("stor = \"s\"\nstart = 2013-01-01\n").unwrap_err();
    assert!(
        e.contains("unknown field `stor`") && e.contains("line 1"),
        "{e}"
    );
}

#[test]
fn price_file_benchmark_need_not_be_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("px.csv");
    let mut s = String::from("date,asset,value\n");
    let start = d("2020-01-01");
    for k in 0..300u64 {
        let day = start + chrono::Days::new(k);
        for (a, g) in [("A", 1.001), ("B", 1.0005), ("BENCH", 1.0002)] {
            s += &format!("{day},{a},{}\n", 100.0 * f64::powi(g, k as i32));
        }
    }
    std::fs::write(&f, s).unwrap();
    let mut cfg = StrategyConfig {
        prices_file: Some(f),
        ..Default::default()
    };
    cfg.universe.codes = vec!["A".into(), "B".into()];
    cfg.benchmark.code = "BENCH".into();
    cfg.signal.kind = SignalKind::Momentum;
    cfg.signal.lookback = 20;
    cfg.portfolio.min_history_days = 21;
    cfg.portfolio.top_n = 1;
    let ld = load(&cfg).unwrap();
    assert_eq!(ld.close.assets, vec!["A", "B"]);
    assert!(ld.bench.is_some(), "{:?}", ld.notes);
    let out = run_pipeline(&ld, &cfg, None);
    assert!(out.holdings.iter().all(|h| h.picks[0].index == "A"));
    let p = out.perf.unwrap();
    assert!(p.bench.is_some());
}
