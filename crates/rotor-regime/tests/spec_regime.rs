//! SPEC §1.4: the synthetic goldens, the k_m = 3 option, hysteresis and the PIT rules.

use chrono::{Days, NaiveDate};
use rotor_regime::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Month-end of the i-th month after Jan 2020.
fn me(i: usize) -> NaiveDate {
    month_end(2020 + (i / 12) as i32, (i % 12) as u32 + 1)
}

/// One yield observation per month (so the monthly average is that value).
fn yields(v: &[f64]) -> Vec<Obs> {
    v.iter()
        .enumerate()
        .map(|(i, &x)| Obs {
            period: me(i),
            available_at: me(i),
            value: x,
        })
        .collect()
}

/// Monthly series released on the 12th of the next month.
fn monthly(v: &[f64]) -> Vec<Obs> {
    v.iter()
        .enumerate()
        .map(|(i, &x)| Obs {
            period: me(i),
            available_at: me(i) + Days::new(12),
            value: x,
        })
        .collect()
}

#[test]
fn spec_1_4_synthetic_is_ll() {
    // 13 monthly averages falling linearly 2.30 → 1.80
    let y: Vec<f64> = (0..13).map(|i| 2.30 - 0.50 * i as f64 / 12.0).collect();
    // credit composite c = [8.0, 8.1, 8.3, 8.5] for months 8..11 (k_c = 3): Δc = +0.5
    let mut c = vec![f64::NAN; 8];
    c.extend([8.0, 8.1, 8.3, 8.5]);
    let inputs = RegimeInputs {
        yield_daily: yields(&y),
        m2_yoy: monthly(&c),
        tsf_stock_yoy: monthly(&c),
        tsf_flow: vec![],
    };
    let t = me(12); // end-Jan 2021: Dec 2020 (month 11) released 12 Jan
    let r = &classify(&inputs, &[t], &RegimeConfig::default())[0];
    assert!((r.dy.unwrap() + 0.50).abs() < 1e-12, "{:?}", r.dy);
    assert!((r.dc.unwrap() - 0.5).abs() < 1e-12, "{:?}", r.dc);
    assert_eq!(r.q_used, Some(me(11)));
    assert_eq!(r.money, Some(State::Loose));
    assert_eq!(r.credit, Some(State::Loose));
    assert_eq!(r.regime, Regime::LL);
    assert_eq!(r.credit_basis, CreditBasis::TsfStockYoy);
}

#[test]
fn spec_1_4_k3_option() {
    let cfg = RegimeConfig {
        k_m: 3,
        ..Default::default()
    };
    let inputs = RegimeInputs {
        yield_daily: yields(&[3.00, 2.95, 2.90, 2.80]),
        ..Default::default()
    };
    let r = &classify(&inputs, &[me(3)], &cfg)[0];
    assert!((r.dy.unwrap() + 0.20).abs() < 1e-12);
    assert_eq!(r.money, Some(State::Loose));
    assert_eq!(r.regime, Regime::Undefined, "no credit data → Undefined");
}

#[test]
fn spec_1_4_hysteresis_keeps_tight() {
    // k_m = 1 for a short path: +0.20 (tight), then −0.03 (inside the 5 bp band) → tight
    let cfg = RegimeConfig {
        k_m: 1,
        ..Default::default()
    };
    let inputs = RegimeInputs {
        yield_daily: yields(&[2.50, 2.70, 2.67]),
        ..Default::default()
    };
    let rows = classify(&inputs, &[me(1), me(2)], &cfg);
    assert_eq!(rows[0].money, Some(State::Tight));
    assert!((rows[1].dy.unwrap() + 0.03).abs() < 1e-12);
    assert_eq!(rows[1].money, Some(State::Tight));
    // and −0.06 would flip it
    let inputs = RegimeInputs {
        yield_daily: yields(&[2.50, 2.70, 2.64]),
        ..Default::default()
    };
    let rows = classify(&inputs, &[me(1), me(2)], &cfg);
    assert_eq!(rows[1].money, Some(State::Loose));
}

#[test]
fn month_avg_and_month_end_levels() {
    // two daily values in one month: avg 2.5, end 3.0
    let obs = vec![
        Obs {
            period: d(2020, 1, 2),
            available_at: d(2020, 1, 2),
            value: 2.0,
        },
        Obs {
            period: d(2020, 1, 30),
            available_at: d(2020, 1, 30),
            value: 3.0,
        },
    ];
    let inputs = RegimeInputs {
        yield_daily: obs,
        ..Default::default()
    };
    let t = d(2020, 1, 31);
    let avg = &classify(&inputs, &[t], &RegimeConfig::default())[0];
    assert_eq!(avg.ybar, Some(2.5));
    let cfg = RegimeConfig {
        money_level: MoneyLevel::MonthEnd,
        ..Default::default()
    };
    assert_eq!(classify(&inputs, &[t], &cfg)[0].ybar, Some(3.0));
    // a day after t is invisible
    let t = d(2020, 1, 15);
    assert_eq!(
        classify(&inputs, &[t], &RegimeConfig::default())[0].ybar,
        Some(2.0)
    );
}

#[test]
fn pit_sentinel_and_q_used() {
    let n = 30;
    let y: Vec<f64> = (0..n).map(|i| 3.0 - 0.02 * i as f64).collect();
    let c: Vec<f64> = (0..n).map(|i| 8.0 + (i as f64 * 0.7).sin()).collect();
    let base = RegimeInputs {
        yield_daily: yields(&y),
        m2_yoy: monthly(&c),
        tsf_stock_yoy: monthly(&c),
        tsf_flow: vec![],
    };
    let dates: Vec<NaiveDate> = (0..n).map(me).collect();
    let cfg = RegimeConfig::default();
    let rows = classify(&base, &dates, &cfg);
    // month-end m, release of m−1 on the 12th of m → q_used = m−1
    for (i, r) in rows.iter().enumerate().skip(1) {
        assert_eq!(r.q_used, Some(me(i - 1)), "at {}", r.date);
    }
    // sentinel M2 for month 20: every regime before its release date is unchanged
    let mut mutated = base.clone();
    mutated.m2_yoy[20].value = 1e6;
    let release = mutated.m2_yoy[20].available_at;
    let rows2 = classify(&mutated, &dates, &cfg);
    let mut compared = 0;
    for (a, b) in rows.iter().zip(&rows2) {
        if a.date < release {
            assert_eq!(a, b);
            compared += 1;
        }
    }
    assert_eq!(compared, 21);
    // …and it does change the row at the first month-end after the release
    let after = rows.iter().position(|r| r.date >= release).unwrap();
    assert_ne!(rows[after].c, rows2[after].c);
}

#[test]
fn later_vintage_wins_only_once_published() {
    let p = d(2020, 1, 31);
    let m2 = vec![
        Obs {
            period: p,
            available_at: d(2020, 2, 12),
            value: 8.0,
        },
        Obs {
            period: p,
            available_at: d(2020, 3, 12),
            value: 9.0,
        }, // revision
    ];
    let inputs = RegimeInputs {
        m2_yoy: m2,
        ..Default::default()
    };
    let cfg = RegimeConfig::default();
    let rows = classify(&inputs, &[d(2020, 2, 29), d(2020, 3, 31)], &cfg);
    assert_eq!(rows[0].m2, Some(8.0));
    assert_eq!(rows[1].m2, Some(9.0));
    assert_eq!(rows[0].credit_basis, CreditBasis::M2Only);
}

#[test]
fn flow12_proxy_and_rules() {
    // flows growing 1 %/month → 12m-sum YoY ≈ 12.68 %
    let flows: Vec<f64> = (0..40).map(|i| 100.0 * 1.01f64.powi(i)).collect();
    let m2: Vec<f64> = (0..40).map(|i| 8.0 + 0.1 * i as f64).collect();
    let inputs = RegimeInputs {
        m2_yoy: monthly(&m2),
        tsf_flow: monthly(&flows),
        ..Default::default()
    };
    let cfg = RegimeConfig {
        tsf_proxy: TsfProxy::Flow12Yoy,
        ..Default::default()
    };
    let r = &classify(&inputs, &[me(39)], &cfg)[0];
    assert_eq!(r.credit_basis, CreditBasis::Flow12Proxy);
    assert!((r.tsf.unwrap() - 100.0 * (1.01f64.powi(12) - 1.0)).abs() < 1e-9);
    // Both: M2 rises 0.3 over 3 months, the proxy is flat → no decision inside → initial
    let both = RegimeConfig {
        credit_rule: CreditRule::Both,
        ..cfg.clone()
    };
    let r = &classify(&inputs, &[me(39)], &both)[0];
    assert!(
        r.dc.unwrap().abs() < 1e-9,
        "the flat proxy decides Both: {:?}",
        r.dc
    );
    let either = RegimeConfig {
        credit_rule: CreditRule::Either,
        ..cfg
    };
    let r = &classify(&inputs, &[me(39)], &either)[0];
    assert!((r.dc.unwrap() - 0.3).abs() < 1e-9);
    assert_eq!(r.credit, Some(State::Loose));
}

#[test]
fn ma_cross_rule() {
    let cfg = RegimeConfig {
        money_rule: MoneyRule::MaCross,
        ma_n: 3,
        ..Default::default()
    };
    let inputs = RegimeInputs {
        yield_daily: yields(&[3.0, 2.9, 2.8, 3.2]),
        ..Default::default()
    };
    let rows = classify(&inputs, &[me(2), me(3)], &cfg);
    assert_eq!(rows[0].money, Some(State::Loose)); // 2.8 < 2.9
    assert_eq!(rows[1].money, Some(State::Tight)); // 3.2 > 2.967
}
