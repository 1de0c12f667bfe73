//! Parity with alphalens-reloaded 0.5.1 on committed fixtures
//! (`tools/parity/gen_fixtures.py`: 40 assets × 80 days, ties, missing factor values, a
//! suspended stock and a late listing; horizons 1/3/5, 5 quantiles).

use chrono::NaiveDate;
use rotor_core::Panel;
use rotor_eval::{evaluate, summary, EvalConfig, Grouping};
use std::collections::HashMap;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/alphalens/");

fn rows(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(format!("{DIR}{name}")).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let v = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, v)
}

fn num(s: &str) -> f64 {
    if s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

fn date(s: &str) -> NaiveDate {
    s[..10].parse().unwrap()
}

fn panel(name: &str) -> Panel {
    let (_, v) = rows(name);
    Panel::from_long(v.iter().map(|r| (date(&r[0]), r[1].as_str(), num(&r[2])))).unwrap()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 || (a.is_nan() && b.is_nan()),
        "{what}: rotor {a} vs alphalens {b}"
    );
}

fn run() -> rotor_eval::Evaluation {
    let cfg = EvalConfig {
        periods: vec![1, 3, 5],
        quantiles: 5,
        grouping: Grouping::Qcut,
        min_ic_obs: 2,
        ..EvalConfig::default()
    };
    evaluate(&panel("factor.csv"), &panel("prices.csv"), &cfg).unwrap()
}

#[test]
fn clean_rows_and_quantiles_match() {
    let e = run();
    let (_, v) = rows("clean.csv");
    let mut want: HashMap<(NaiveDate, String), u16> = HashMap::new();
    for r in &v {
        want.insert((date(&r[0]), r[1].clone()), r[6].parse().unwrap());
    }
    let mut got = HashMap::new();
    for d in &e.dates {
        for (g, m) in d.members.iter().enumerate() {
            for &a in m {
                got.insert((d.date, e.assets[a as usize].clone()), g as u16 + 1);
            }
        }
    }
    assert_eq!(got.len(), want.len(), "clean row count");
    assert_eq!(got, want);
}

#[test]
fn rank_ic_per_date_matches() {
    let e = run();
    let (_, v) = rows("rank_ic.csv");
    assert_eq!(v.len(), e.dates.len());
    for (r, d) in v.iter().zip(&e.dates) {
        assert_eq!(date(&r[0]), d.date);
        for h in 0..3 {
            close(
                d.rank_ic[h],
                num(&r[1 + h]),
                &format!("{} {}D", d.date, [1, 3, 5][h]),
            );
        }
    }
    let s = summary::IcSummary::of(
        &e.dates.iter().map(|d| d.rank_ic[0]).collect::<Vec<_>>(),
        252.0,
    );
    let mean_al: f64 = v.iter().map(|r| num(&r[1])).sum::<f64>() / v.len() as f64;
    close(s.mean, mean_al, "RankIC mean");
}

#[test]
fn mean_return_by_quantile_raw_demeaned_and_pooled_match() {
    let e = run();
    let by_date: HashMap<NaiveDate, &rotor_eval::DateStats> =
        e.dates.iter().map(|d| (d.date, d)).collect();
    for (file, demean) in [
        ("quantile_returns_raw.csv", false),
        ("quantile_returns_demeaned.csv", true),
    ] {
        let (_, v) = rows(file);
        for r in &v {
            let q: usize = r[0].parse().unwrap();
            let d = by_date[&date(&r[1])];
            for h in 0..3 {
                let ours = d.group_mean[h][q - 1] - if demean { d.ew[h] } else { 0.0 };
                close(
                    ours,
                    num(&r[2 + h]),
                    &format!("{file} q{q} {} h{h}", d.date),
                );
            }
        }
    }
    let (_, v) = rows("quantile_returns_mean.csv");
    for r in &v {
        let q: usize = r[0].parse().unwrap();
        for h in 0..3 {
            // alphalens-reloaded by_date=False: the mean of the per-date group means
            let m: Vec<f64> = e.dates.iter().map(|d| d.group_mean[h][q - 1]).collect();
            close(
                m.iter().sum::<f64>() / m.len() as f64,
                num(&r[1 + h]),
                &format!("mean q{q} h{h}"),
            );
        }
    }
}

#[test]
fn turnover_and_rank_autocorrelation_match() {
    let e = run();
    let (_, v) = rows("turnover_1.csv");
    for q in 1..=5 {
        let t = summary::turnover(&e, q, 1);
        for (r, x) in v.iter().zip(&t) {
            close(*x, num(&r[q]), &format!("turnover q{q} {}", &r[0]));
        }
    }
    let (_, v) = rows("rank_autocorr_1.csv");
    let ac = summary::rank_autocorr(&e, 1);
    assert_eq!(v.len(), ac.len());
    for (r, x) in v.iter().zip(&ac) {
        close(*x, num(&r[1]), &format!("autocorr {}", &r[0]));
    }
}
