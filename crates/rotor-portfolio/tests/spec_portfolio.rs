//! SPEC §4 goldens, cost accounting (§19.11) and engine properties.

use chrono::NaiveDate;
use proptest::prelude::*;
use rotor_portfolio::backtest::{returns_from_closes, run, Trade};
use rotor_portfolio::etf::{map_etf, EtfCandidate, EtfRules};
use rotor_portfolio::rank::{ranked, top_n};

fn codes(n: usize) -> Vec<String> {
    (0..n).map(|j| format!("{j:06}.SH")).collect()
}

#[test]
fn zero_turnover_means_gross_equals_net() {
    let r: Vec<f64> = (0..40)
        .map(|i| ((i * 7 % 11) as f64 - 5.0) / 500.0)
        .collect(); // 20 days × 2
    let eq = vec![(0, 0.5), (1, 0.5)];
    let trades = vec![Trade {
        day: 0,
        target: eq.clone(),
    }];
    let bt = run(&r, 2, &trades, 0.0);
    assert_eq!(bt.gross, bt.net, "no cost");
    // holding without trading after the first buy: from day 2 on gross = net
    let bt = run(&r, 2, &trades, 0.001);
    assert_eq!(bt.turnover, vec![1.0]);
    assert!((bt.net[1] - (bt.gross[1] - 0.001)).abs() < 1e-15);
    assert_eq!(&bt.gross[2..], &bt.net[2..]);
}

#[test]
fn full_switch_of_n_names_is_turnover_two() {
    let n = 10;
    let r = vec![0.0; 5 * n];
    let a: Vec<(usize, f64)> = (0..5).map(|j| (j, 0.2)).collect();
    let b: Vec<(usize, f64)> = (5..10).map(|j| (j, 0.2)).collect();
    let trades = vec![
        Trade {
            day: 0,
            target: a.clone(),
        },
        Trade { day: 2, target: b },
        Trade {
            day: 3,
            target: a.clone(),
        },
        Trade { day: 4, target: a },
    ];
    let bt = run(&r, n, &trades, 0.001);
    assert!((bt.turnover[1] - 2.0).abs() < 1e-12);
    assert!((bt.turnover[2] - 2.0).abs() < 1e-12);
    assert!(bt.turnover[3].abs() < 1e-12, "same target, no drift → 0");
    assert!((bt.cost[1] - 0.002).abs() < 1e-15);
    assert!(
        (bt.net[3] + 0.002).abs() < 1e-15,
        "cost hits the first day after the trade"
    );
}

#[test]
fn weights_drift_between_trades() {
    // A doubles on day 1; a 50/50 portfolio becomes 2/3 A, so the rebalance back to
    // 50/50 trades |0.5 − 2/3| + |0.5 − 1/3| = 1/3
    let r = vec![0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
    let t = vec![(0, 0.5), (1, 0.5)];
    let trades = vec![
        Trade {
            day: 0,
            target: t.clone(),
        },
        Trade { day: 1, target: t },
    ];
    let bt = run(&r, 2, &trades, 0.0);
    assert!((bt.gross[1] - 0.5).abs() < 1e-12);
    assert!((bt.turnover[1] - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn missing_prices_carry_and_delisting_becomes_cash() {
    let c = [10.0, f64::NAN, 11.0, 12.0, f64::NAN, f64::NAN];
    let r = returns_from_closes(&c);
    assert!(r[0].is_nan() && r[1].is_nan());
    assert!((r[2] - 0.1).abs() < 1e-12, "return over the gap");
    assert!(
        r[4].is_nan() && r[5].is_nan(),
        "after the last price: nothing (cash)"
    );
    let bt = run(
        &r,
        1,
        &[Trade {
            day: 0,
            target: vec![(0, 1.0)],
        }],
        0.0,
    );
    let nav: f64 = bt.gross.iter().map(|x| 1.0 + x).product();
    assert!(
        (nav - 1.2).abs() < 1e-12,
        "earns up to the last price: {nav}"
    );
}

#[test]
fn spec_3_3_ranking_with_tie_breaks() {
    // S = (0, 0, 1/3): the third first; the tie between the first two goes to the
    // higher momentum-continuation score, then the lower code
    let s = [0.0, 0.0, 1.0 / 3.0];
    let c = codes(3);
    let all = [true; 3];
    assert_eq!(ranked(&s, &[1.0, 2.0, 0.0], &c, &all), vec![2, 1, 0]);
    assert_eq!(ranked(&s, &[1.0, 1.0, 0.0], &c, &all), vec![2, 0, 1]);
    assert_eq!(ranked(&s, &[f64::NAN, 1.0, 0.0], &c, &all), vec![2, 1, 0]);
    assert_eq!(
        top_n(&s, &[0.0; 3], &c, &[true, true, false], 5),
        vec![0, 1]
    );
    assert_eq!(
        top_n(&[f64::NAN, 1.0, 2.0], &[0.0; 3], &c, &all, 5),
        vec![2, 1]
    );
}

fn etf(code: &str, idx: &str, listed: (i32, u32, u32)) -> EtfCandidate {
    EtfCandidate {
        code: code.into(),
        tracking_index: idx.into(),
        listing_date: NaiveDate::from_ymd_opt(listed.0, listed.1, listed.2),
    }
}

#[test]
fn spec_4_4_etf_mapping() {
    let c = vec![
        etf("510300.SH", "000300.SH", (2012, 5, 28)),
        etf("159919.SZ", "000300.SH", (2012, 5, 28)),
        etf("510310.SH", "000300.SH", (2013, 3, 25)),
        etf("510500.SH", "000905.SH", (2013, 3, 15)),
    ];
    let rules = EtfRules::default();
    let size = |code: &str| match code {
        "510300.SH" => Some(5e9),
        "159919.SZ" => Some(8e9),
        "510310.SH" => Some(9e9),
        _ => Some(1e9),
    };
    // 510310 is only 10 trading days old → ignored; of the two others the 8e9 one wins
    let listed = |e: &EtfCandidate| if e.code == "510310.SH" { 10 } else { 500 };
    let m = map_etf("000300.SH", &c, rules, true, listed, size).unwrap();
    assert_eq!(m.code, "159919.SZ");
    // below the AUM floor → no candidate
    let small = |_: &str| Some(5e7);
    assert!(map_etf("000300.SH", &c, rules, true, |_| 500, small).is_none());
    // the turnover proxy has no floor
    assert_eq!(
        map_etf("000905.SH", &c, rules, false, |_| 500, small)
            .unwrap()
            .code,
        "510500.SH"
    );
    // ties: earlier listing, then lower code
    let same = |_: &str| Some(1e9);
    assert_eq!(
        map_etf("000300.SH", &c, rules, true, |_| 500, same)
            .unwrap()
            .code,
        "159919.SZ"
    );
}

proptest! {
    /// Buy-and-hold with drifting weights equals the weighted sum of the assets' growth.
    #[test]
    fn drift_equals_buy_and_hold(
        r in proptest::collection::vec(-0.09f64..0.09, 3 * 30),
        w0 in 0.0f64..1.0, w1 in 0.0f64..1.0,
    ) {
        let n = 3;
        let tot = w0 + w1 + 1.0;
        let w = [w0 / tot, w1 / tot, 1.0 / tot];
        let trades = vec![Trade { day: 0, target: vec![(0, w[0]), (1, w[1]), (2, w[2])] }];
        let bt = run(&r, n, &trades, 0.0);
        let nav: f64 = bt.gross.iter().map(|x| 1.0 + x).product();
        let mut expect = 0.0;
        for (j, wj) in w.iter().enumerate() {
            let g: f64 = (1..30).map(|d| 1.0 + r[d * n + j]).product();
            expect += wj * g;
        }
        prop_assert!((nav - expect).abs() < 1e-9 * expect.max(1.0));
    }

    /// Turnover is within [0, 2] for fully invested portfolios and costs never raise returns.
    #[test]
    fn turnover_bounds(
        r in proptest::collection::vec(-0.09f64..0.09, 4 * 12),
        picks in proptest::collection::vec(0usize..4, 6),
    ) {
        let trades: Vec<Trade> = picks.iter().enumerate()
            .map(|(k, &j)| Trade { day: 2 * k, target: vec![(j, 0.5), ((j + 1) % 4, 0.5)] })
            .collect();
        let bt = run(&r, 4, &trades, 0.001);
        for to in &bt.turnover {
            prop_assert!(*to >= -1e-12 && *to <= 2.0 + 1e-12);
        }
        for (g, n) in bt.gross.iter().zip(&bt.net) {
            prop_assert!(n <= g);
        }
    }
}
