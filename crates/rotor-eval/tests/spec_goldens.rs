//! SPEC §6.1, §6.3 and §12 goldens and invariants.

use rotor_core::Panel;
use rotor_eval::{evaluate, limit, summary, EvalConfig};

#[test]
fn ic_summary_golden() {
    // SPEC §6.1: [0.05, 0.10, −0.02, 0.07] → mean 0.05, std 0.05099, ICIR 0.9806, ×√12 3.3968
    let s = summary::IcSummary::of(&[0.05, 0.10, -0.02, 0.07], 12.0);
    assert!((s.mean - 0.05).abs() < 1e-12);
    assert!((s.std - 0.05099).abs() < 5e-6);
    assert!((s.icir - 0.9806).abs() < 5e-5);
    assert!((s.icir_ann - 3.3968).abs() < 5e-4);
    assert_eq!(s.win_rate, 0.75);
    assert!((s.t_stat - s.icir * 2.0).abs() < 1e-12);
}

#[test]
fn common_benchmark_invariant_seed_g_table_48() {
    // long return − long excess = the universe's cumulative return, the same for all factors
    let long = [4.2, 1.7, -2.7, 8.1, 8.8, -3.6];
    let excess = [-0.3, -2.9, -7.2, 3.6, 4.3, -8.2];
    let bench: Vec<f64> = long.iter().zip(&excess).map(|(l, x)| l - x).collect();
    for b in &bench {
        assert!((b - 4.5).abs() <= 0.1 + 1e-12, "{bench:?}");
    }
}

fn rng(seed: &mut u64) -> f64 {
    // xorshift64* → uniform (0,1)
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    ((seed.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

fn normal(seed: &mut u64) -> f64 {
    let (u, v) = (rng(seed), rng(seed));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

#[test]
fn common_benchmark_invariant_holds_for_any_factors_on_one_universe() {
    let d = |m: u32| chrono::NaiveDate::from_ymd_opt(2024, m, 28).unwrap();
    let mut seed = 42u64;
    let (n, t) = (30, 12);
    let mut px = vec![];
    let mut level = vec![100.0; n];
    for m in 1..=t {
        for (j, l) in level.iter_mut().enumerate() {
            px.push((d(m as u32), format!("I{j:02}"), *l));
            *l *= 1.0 + 0.05 * normal(&mut seed);
        }
    }
    let prices = Panel::from_long(px.iter().map(|(a, b, c)| (*a, b.as_str(), *c))).unwrap();
    let mut benches = vec![];
    for _factor in 0..4 {
        let f: Vec<_> = px
            .iter()
            .map(|(a, b, _)| (*a, b.as_str(), normal(&mut seed)))
            .collect();
        let e = evaluate(
            &Panel::from_long(f).unwrap(),
            &prices,
            &EvalConfig::default(),
        )
        .unwrap();
        for w in summary::windows(&e, 0) {
            benches.push((w.window.clone(), w.long - w.long_excess));
        }
    }
    for (w, b) in &benches {
        let first = benches.iter().find(|x| &x.0 == w).unwrap().1;
        assert!((b - first).abs() < 1e-12, "window {w}: {b} vs {first}");
    }
}

#[test]
fn theoretical_limit_monte_carlo_is_3_51_sigma_and_zero_when_constant() {
    let mut seed = 7u64;
    let sigma = 0.08;
    let mut idx = vec![];
    let spreads: Vec<f64> = (0..60)
        .map(|_| {
            let r: Vec<f64> = (0..3000).map(|_| sigma * normal(&mut seed)).collect();
            limit::decile_spread(&r, 10, &mut idx)
        })
        .collect();
    let m = limit::annual(&spreads, limit::AnnualAgg::MeanMonthly);
    let expect = 2.0 * 0.175_498_8 / 0.1 * sigma; // 2·φ(z₀.₉)/0.1·σ = 3.50998σ
    assert!((m / expect - 1.0).abs() < 0.03, "{m} vs {expect}");
    assert_eq!(limit::decile_spread(&[0.01; 100], 10, &mut idx), 0.0);
}

#[test]
fn bad_inputs_give_clear_errors() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let f = Panel::from_long(vec![(d("2024-01-31"), "A", 1.0)]).unwrap();
    let p = Panel::from_long(vec![(d("2024-01-31"), "B", 1.0)]).unwrap();
    let e = evaluate(&f, &p, &EvalConfig::default()).unwrap_err();
    assert!(e.to_string().contains("no asset"), "{e}");
    let p2 = Panel::from_long(vec![(d("2024-02-29"), "A", 1.0)]).unwrap();
    assert!(evaluate(&f, &p2, &EvalConfig::default())
        .unwrap_err()
        .to_string()
        .contains("no date"));
    let bad = EvalConfig {
        periods: vec![0],
        ..EvalConfig::default()
    };
    assert!(evaluate(&f, &f, &bad).is_err());
    // a constant factor: every date is usable for quantiles but ICs are NaN, not 0
    let mut c = vec![];
    let mut q = vec![];
    for (t, day) in ["2024-01-31", "2024-02-29", "2024-03-29"]
        .iter()
        .enumerate()
    {
        for j in 0..6 {
            c.push((d(day), format!("A{j}"), 1.0));
            q.push((d(day), format!("A{j}"), 100.0 + (t * j) as f64));
        }
    }
    let fc = Panel::from_long(c.iter().map(|(a, b, v)| (*a, b.as_str(), *v))).unwrap();
    let pc = Panel::from_long(q.iter().map(|(a, b, v)| (*a, b.as_str(), *v))).unwrap();
    let e = evaluate(&fc, &pc, &EvalConfig::default()).unwrap();
    assert!(e
        .dates
        .iter()
        .all(|d| d.ic[0].is_nan() && d.rank_ic[0].is_nan()));
}

#[test]
fn long_short_window_golden() {
    // 5 assets, one per group; factor = asset index, so long = E, short = A.
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let days = ["2024-01-31", "2024-02-29", "2024-03-29"];
    // price paths: A falls 10 % then 5 %, E rises 20 % then 10 %, others flat
    let px = [
        [100.0, 90.0, 85.5],
        [50.0, 50.0, 50.0],
        [50.0, 50.0, 50.0],
        [50.0, 50.0, 50.0],
        [10.0, 12.0, 13.2],
    ];
    let mut f = vec![];
    let mut p = vec![];
    for (t, day) in days.iter().enumerate() {
        for (j, a) in ["A", "B", "C", "D", "E"].iter().enumerate() {
            f.push((d(day), *a, j as f64));
            p.push((d(day), *a, px[j][t]));
        }
    }
    let e = evaluate(
        &Panel::from_long(f).unwrap(),
        &Panel::from_long(p).unwrap(),
        &EvalConfig::default(),
    )
    .unwrap();
    let all = summary::windows(&e, 0)
        .into_iter()
        .find(|w| w.window == "All")
        .unwrap();
    let ls = (1.0 + 0.20 + 0.10) * (1.0 + 0.10 + 0.05) - 1.0;
    let long = 1.2 * 1.1 - 1.0;
    let ew = (1.0 + (0.2 - 0.1) / 5.0) * (1.0 + (0.1 - 0.05) / 5.0);
    assert_eq!(all.n, 2);
    assert!((all.long_short - ls).abs() < 1e-12, "{}", all.long_short);
    assert!((all.long - long).abs() < 1e-12);
    assert!((all.long_excess - (1.0 + long - ew)).abs() < 1e-12);
    assert!((all.universe - (ew - 1.0)).abs() < 1e-12);
    // return ranks [1,3,3,3,5] against 1..5: 8 / √(10·8)
    assert!((all.rank_ic_mean - 8.0 / 80f64.sqrt()).abs() < 1e-12);
}
