//! SPEC §2 goldens and properties of the factor families.

use chrono::{Days, NaiveDate};
use rotor_core::ops::aggregate::{aggregate, AggMethod};
use rotor_core::Panel;
use rotor_data::view::{statements_as_of, Field, PitView};
use rotor_factors::analyst::{self, ConsensusObs};
use rotor_factors::fundamental::{self, FundParams, QuarterObs};
use rotor_factors::momentum::{mc, mc_at, strip_count, McVariant};
use rotor_factors::{flow, valuation, *};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn spec_2_5_momentum_continuation_golden() {
    let a = [
        0.010, 0.012, 0.008, 0.011, 0.009, 0.010, 0.012, 0.008, 0.011, 0.009,
    ];
    let b = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.06];
    let cum = |r: &[f64]| r.iter().fold(1.0, |n, x| n * (1.0 + x)) - 1.0;
    assert!((cum(&a) - 0.1046).abs() < 1e-4 && (cum(&b) - 0.1130).abs() < 1e-4);
    let (ma, mb) = (mc(&a, 1, McVariant::Sharpe), mc(&b, 1, McVariant::Sharpe));
    assert!((ma - 111.31).abs() < 0.005, "{ma}");
    assert!((mb - 5.29).abs() < 0.005, "{mb}");
    assert!(
        ma > mb,
        "the steadier series ranks higher although it gained less"
    );
    assert_eq!(strip_count(120, 0.05), 6);
    assert_eq!(strip_count(10, 0.05), 1);
    // through closes: L = 10, p = 0.1 → m = 1
    let mut close = vec![100.0];
    for r in a {
        close.push(close.last().unwrap() * (1.0 + r));
    }
    assert!((mc_at(&close, 10, 10, 0.1, McVariant::Sharpe) - ma).abs() < 1e-9);
    assert!(
        mc_at(&close, 9, 10, 0.1, McVariant::Sharpe).is_nan(),
        "too short"
    );
    // frog-in-the-pan: all positive days → ID = −1 → score +1
    assert_eq!(mc(&a, 1, McVariant::FrogInPan), 1.0);
}

#[test]
fn spec_2_1_valuation_goldens() {
    let peg = 20.0 / 25.0;
    assert!((peg - 0.8f64).abs() < 1e-12);
    assert!((valuation::inv_peg(20.0, 25.0) - 1.25).abs() < 1e-12);
    assert!(valuation::inv_peg(-5.0, 25.0).is_nan());
    assert!(valuation::inv_peg(20.0, -1.0).is_nan());
    let pe = [10.0, 11.0, 12.0, 13.0, 14.0];
    assert_eq!(valuation::pe_pct_at(&pe, 4, 5, 2), 1.0);
    let pe2 = [11.0, 12.0, 13.0, 14.0, 10.0];
    assert_eq!(valuation::pe_pct_at(&pe2, 4, 5, 2), 0.0);
    assert!(valuation::pe_pct_at(&pe, 4, 5, 6).is_nan(), "min history");
    // FTTM weights: end-Sep → 3/12 of FY1
    assert!((valuation::fttm(100.0, 200.0, 9) - 175.0).abs() < 1e-12);
    assert_eq!(valuation::fttm(100.0, 200.0, 12), 200.0);
}

fn q(y: i32, qn: u32, np: f64) -> QuarterObs {
    let pe = fundamental_period_end(y, qn);
    QuarterObs {
        period_end: pe,
        available_at: pe + Days::new(30),
        np,
        op: np * 1.25,
        revenue: np * 8.0,
        equity: np * 20.0,
        assets: f64::NAN,
        liabilities: f64::NAN,
    }
}

fn fundamental_period_end(y: i32, qn: u32) -> NaiveDate {
    rotor_regime_free_month_end(y, qn * 3)
}

fn rotor_regime_free_month_end(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    d(ny, nm, 1) - Days::new(1)
}

#[test]
fn spec_2_2_fundamental_ts_z_golden_and_constant_history() {
    // YoY growths of 8 past quarters [0.10, 0.12, 0.08, 0.10, 0.12, 0.08, 0.10, 0.10],
    // current 0.13 → ts_z = 1.984
    let g = [0.10, 0.12, 0.08, 0.10, 0.12, 0.08, 0.10, 0.10, 0.13];
    let mut np = vec![100.0, 90.0, 110.0, 95.0];
    for (i, gi) in g.iter().enumerate() {
        np.push(np[i] * (1.0 + gi));
    }
    let obs: Vec<QuarterObs> = np
        .iter()
        .enumerate()
        .map(|(i, &v)| q(2010 + (i / 4) as i32, (i % 4) as u32 + 1, v))
        .collect();
    let last = obs.last().unwrap();
    let p = FundParams {
        window: 8,
        min_obs: 4,
        qoq_seasonal: false,
        clip: 5.0,
    };
    let at = |t: NaiveDate| statements_as_of(&obs, t);
    let v = fundamental::at(&at(last.available_at + Days::new(1)), p);
    assert!((v[0] - 1.984).abs() < 5e-4, "np_yoy ts_z {}", v[0]);
    // announced on t itself is not yet usable (strictly before t)
    let v_same_day = fundamental::at(&at(last.available_at), p);
    assert!((v_same_day[0] - v[0]).abs() > 1e-6);
    // constant growth history → std 0 → NaN, no panic
    let mut np = vec![100.0, 90.0, 110.0, 95.0];
    for i in 0..9 {
        np.push(np[i] * 1.1);
    }
    let obs: Vec<QuarterObs> = np
        .iter()
        .enumerate()
        .map(|(i, &v)| q(2010 + (i / 4) as i32, (i % 4) as u32 + 1, v))
        .collect();
    let v = fundamental::at(&statements_as_of(&obs, d(2030, 1, 1)), p);
    assert!(v[0].is_nan(), "{}", v[0]);
    // loss → profit: clipped to +500 %
    assert_eq!(fundamental::guarded_growth(10.0, -5.0, 5.0), 5.0);
    assert_eq!(fundamental::guarded_growth(-10.0, -5.0, 5.0), -5.0);
    assert!((fundamental::guarded_growth(110.0, 100.0, 5.0) - 0.1).abs() < 1e-12);
}

fn snap(as_of: NaiveDate, np: f64) -> [ConsensusObs; 2] {
    let y = chrono::Datelike::year(&as_of);
    let o = |fy, np| ConsensusObs {
        as_of,
        fiscal_year: fy,
        np,
        roe: 10.0,
        revenue: np * 8.0,
        eps: np / 100.0,
    };
    [o(y, np), o(y + 1, np)]
}

#[test]
fn spec_2_3_analyst_goldens() {
    // FTTM NP 100 → 110 over 3 months contributes +0.10
    let mut rows = Vec::new();
    rows.extend(snap(d(2020, 3, 31), 100.0));
    rows.extend(snap(d(2020, 4, 30), 104.0));
    rows.extend(snap(d(2020, 5, 31), 107.0));
    rows.extend(snap(d(2020, 6, 30), 110.0));
    let c3 = analyst::changes(&rows, d(2020, 6, 30), 3, 45);
    assert!((c3[0] - 0.10).abs() < 1e-12, "{c3:?}");
    assert_eq!(c3[1], 0.0, "ROE unchanged");
    let c1 = analyst::changes(&rows, d(2020, 6, 30), 1, 45);
    assert!((c1[0] - (110.0 / 107.0 - 1.0)).abs() < 1e-12);
    // a snapshot published after t is invisible; a stale one gives NaN
    assert!(analyst::changes(&rows, d(2020, 3, 30), 1, 45)[0].is_nan());
    assert!(
        analyst::changes(&rows, d(2020, 9, 30), 1, 45)[0].is_nan(),
        "stale"
    );
    // index of two stocks, weights 3:1, changes 0.10 and −0.02 → 0.07
    let x = [0.10, -0.02];
    let agg = aggregate(
        AggMethod::CapWeighted,
        &x,
        None,
        &[3.0, 1.0],
        &[true, true],
        0.5,
    );
    assert!((agg - 0.07).abs() < 1e-12);
}

#[test]
fn spec_2_4_flow_properties() {
    let zero = vec![0.0; 30];
    let turn = vec![1e9; 30];
    assert_eq!(flow::ratio_at(&zero, &turn, 29, 20), 0.0);
    let net = vec![1e7; 30];
    let turn2: Vec<f64> = turn.iter().map(|t| t * 2.0).collect();
    let a = flow::ratio_at(&net, &turn, 29, 20);
    let b = flow::ratio_at(&net, &turn2, 29, 20);
    assert!((a / b - 2.0).abs() < 1e-12);
    let nan = vec![f64::NAN; 30];
    assert!(flow::ratio_at(&nan, &turn, 29, 20).is_nan());
}

/// Daily panels of the demo: close, PE, northbound (= institutional) flows, turnover.
fn demo_panels() -> [Panel; 4] {
    // 4 assets, 400 days, with flows and PE; NB after the cut-off must vanish
    let start = d(2024, 1, 1);
    let days: Vec<NaiveDate> = (0..400).map(|i| start + Days::new(i)).collect();
    let assets: Vec<String> = (0..4).map(|j| format!("A{j}")).collect();
    let mut close = Panel::nan(days.clone(), assets.clone());
    let mut pe = Panel::nan(days.clone(), assets.clone());
    let mut nb = Panel::nan(days.clone(), assets.clone());
    let mut turn = Panel::nan(days.clone(), assets.clone());
    for t in 0..400 {
        for j in 0..4 {
            let x = (t as f64 * 0.05 * (j + 1) as f64).sin();
            close.set(
                t,
                j,
                100.0 * (1.0 + 0.001 * (j as f64 + 1.0)).powi(t as i32) * (1.0 + 0.01 * x),
            );
            pe.set(t, j, 10.0 + j as f64 + x);
            nb.set(t, j, 1e6 * x);
            turn.set(t, j, 1e9);
        }
    }
    [close, pe, nb, turn]
}

fn view_of(p: &[Panel; 4]) -> PitView {
    let mut v = PitView::new(rotor_core::calendar::TradingCalendar::new(
        p[0].dates.clone(),
    ));
    v.insert_daily(Field::CLOSE, &p[0], &[]);
    v.insert_daily(Field::PE_TTM, &p[1], &[]);
    v.insert_daily(Field::NORTHBOUND, &p[2], &[]);
    v.insert_daily(Field::INSTITUTIONAL, &p[2], &[]);
    v.insert_daily(Field::FLOW_TURNOVER, &p[3], &[]);
    v
}

fn run(v: &PitView, dates: &[NaiveDate], cfg: &FactorConfig) -> FactorSet {
    let assets: Vec<String> = (0..4).map(|j| format!("A{j}")).collect();
    let mut h = FactorHistory::default();
    for t in dates {
        h.push(*t, compute_at(&v.at(*t), &assets, Field::CLOSE, cfg));
    }
    h.finish(&assets, &Presence::of(&v.at(dates[0])), cfg)
}

fn demo_dates() -> Vec<NaiveDate> {
    vec![d(2024, 7, 31), d(2024, 8, 30), d(2024, 12, 31)]
}

#[test]
fn set_notes_availability_and_nb_cutoff() {
    let v = view_of(&demo_panels());
    let cfg = FactorConfig {
        pe_pct_min: 100,
        implied_growth_days: 100,
        ..Default::default()
    };
    let fs = run(&v, &demo_dates(), &cfg);
    assert!(fs
        .notes
        .iter()
        .any(|n| n.starts_with("fundamental: excluded")));
    assert!(fs.notes.iter().any(|n| n.starts_with("analyst: excluded")));
    assert!(fs
        .notes
        .iter()
        .any(|n| n.contains("northbound sub-factor disabled")));
    let nb = &fs.subs[&FactorId::FlowNb];
    assert!(nb.row(0).iter().all(|v| v.is_finite()));
    assert!(nb.row(1).iter().all(|v| v.is_nan()), "2024-08-30 ≥ cut-off");
    assert!(fs.subs[&FactorId::FlowInst]
        .row(1)
        .iter()
        .all(|v| v.is_finite()));
    let fund = fs
        .availability
        .iter()
        .find(|a| a.family == Family::Fundamental)
        .unwrap();
    assert_eq!(fund.n_valid, 0);
    assert_eq!(
        fs.families(),
        vec![Family::Valuation, Family::Flow, Family::Momentum]
    );
    assert!(fs.subs.contains_key(&FactorId::InvPeg) && fs.subs.contains_key(&FactorId::PePct));
}

#[test]
fn factor_ids_round_trip_through_their_strings_and_sort_by_them() {
    let cfg = FactorConfig::default();
    let all = Presence {
        pe: true,
        statements: true,
        consensus: true,
        flows: [true; 4],
    }
    .supported(&cfg);
    assert_eq!(all.len(), 2 + 6 + 8 + 3 + 1);
    let strs: Vec<String> = all.iter().map(|x| x.to_string()).collect();
    let mut sorted = strs.clone();
    sorted.sort();
    assert_eq!(strs, sorted);
    for (id, s) in all.iter().zip(&strs) {
        assert_eq!(s.parse::<FactorId>().unwrap(), *id);
    }
    assert_eq!(
        "ana.np_12m".parse::<FactorId>().unwrap(),
        FactorId::Analyst(AnaMetric::Np, 12)
    );
    assert!("val.pe".parse::<FactorId>().is_err());
}

#[test]
fn factors_at_t_ignore_data_after_t() {
    let p = demo_panels();
    let dates = demo_dates();
    let cfg = FactorConfig {
        pe_pct_min: 100,
        implied_growth_days: 100,
        ..Default::default()
    };
    let base = run(&view_of(&p), &dates[..1], &cfg);
    let mut m = p.clone();
    let cut = m[0].dates.partition_point(|x| *x <= dates[0]);
    for v in m[0].values[cut * 4..].iter_mut() {
        *v *= 3.0;
    }
    for v in m[1].values[cut * 4..].iter_mut() {
        *v = -1.0;
    }
    let after = run(&view_of(&m), &dates[..1], &cfg);
    for (k, p) in &base.subs {
        let q = &after.subs[k];
        for (a, b) in p.values.iter().zip(&q.values) {
            assert_eq!(a.to_bits(), b.to_bits(), "{k}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn mc_is_scale_free_in_level_and_finite(r in proptest::collection::vec(-0.05f64..0.05, 20..60)) {
        let v = mc(&r, 2, McVariant::Sharpe);
        proptest::prop_assert!(v.is_finite());
        let fip = mc(&r, 2, McVariant::FrogInPan);
        proptest::prop_assert!((-1.0..=1.0).contains(&fip));
    }
}
