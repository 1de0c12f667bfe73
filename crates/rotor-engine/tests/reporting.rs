//! SPEC §5.1 (monthly excess as differences), month-end sampling, the summary wiring and
//! the yearly table's headers and partial-year labels.

use chrono::NaiveDate;
use rotor_engine::artifacts::{monthly, summary, yearly};
use rotor_engine::perf::{Perf, SeriesKind};
use rotor_engine::run::RunOutput;
use rotor_metrics::stats::cagr::cagr;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn perf(days: &[&str], series: &[(SeriesKind, Vec<f64>)]) -> Perf {
    let mut p = Perf::new(days.iter().map(|x| d(x)).collect());
    for (k, v) in series {
        p.push(*k, v.clone());
    }
    p
}

#[test]
fn spec_5_1_september_2025_row() {
    // two days in September 2025 whose compounded returns are the seed's month:
    // rotation 6.75 %, EW 3.72 %, CSI 300 3.20 % → excess 3.03 % and 3.55 %
    let split = |m: f64| {
        let a: f64 = 0.01;
        vec![0.0, a, (1.0 + m) / (1.0 + a) - 1.0]
    };
    let p = perf(
        &["2025-08-29", "2025-09-15", "2025-09-30"],
        &[
            (SeriesKind::Strategy, split(0.0675)),
            (SeriesKind::EqualWeight, split(0.0372)),
            (SeriesKind::Benchmark, split(0.0320)),
        ],
    );
    let (dates, m) = monthly(&p);
    assert_eq!(dates, vec![d("2025-09-30")]);
    let s = m[&SeriesKind::Strategy][0];
    assert!((s - 0.0675).abs() < 1e-12);
    assert!((s - m[&SeriesKind::EqualWeight][0] - 0.0303).abs() < 1e-12);
    assert!((s - m[&SeriesKind::Benchmark][0] - 0.0355).abs() < 1e-12);
}

#[test]
fn summary_wiring_and_yearly_headers() {
    // three months: net, EW and benchmark on the last day of each month
    let (net, ew, bench) = (
        vec![0.0, 0.02, -0.01, 0.03],
        vec![0.0, 0.01, 0.0, 0.01],
        vec![0.0, -0.02, 0.01, 0.02],
    );
    let p = perf(
        &["2020-01-31", "2020-02-28", "2020-03-31", "2020-04-30"],
        &[
            (SeriesKind::Strategy, net.clone()),
            (
                SeriesKind::StrategyGross,
                net.iter().map(|x| x + 0.001).collect(),
            ),
            (SeriesKind::EqualWeight, ew.clone()),
            (SeriesKind::Benchmark, bench.clone()),
        ],
    );
    let out = RunOutput {
        perf: Some(p.clone()),
        ..RunOutput::empty()
    };
    let s = summary("t", "rotation", &out);
    assert_eq!(s.months, 3);
    let st = |k: SeriesKind| s.series.iter().find(|x| x.name == k).unwrap().clone();
    assert!((st(SeriesKind::Strategy).cagr - cagr(&net[1..], 12.0)).abs() < 1e-15);
    assert!(
        (st(SeriesKind::StrategyGross).cagr - cagr(&[0.021, -0.009, 0.031], 12.0)).abs() < 1e-12
    );
    assert!((st(SeriesKind::Strategy).max_drawdown - 0.01).abs() < 1e-12);
    let ex = |k: SeriesKind| s.excess.iter().find(|x| x.benchmark == k).unwrap().clone();
    assert!(
        (ex(SeriesKind::EqualWeight).annualised_excess
            - (cagr(&net[1..], 12.0) - cagr(&ew[1..], 12.0)))
        .abs()
            < 1e-15
    );
    assert!((ex(SeriesKind::Benchmark).monthly_win_rate - 2.0 / 3.0).abs() < 1e-12);
    // the yearly headers name the benchmark (沪深300 for the CSI 300 codes)
    let y = yearly(&p, true, "沪深300", "轮动组合");
    assert_eq!(y.zh[3], "沪深300收益率");
    assert_eq!(y.zh[5], "轮动超沪深300收益率");
    assert_eq!(y.en[3], "benchmark");
    assert_eq!(
        y.rows[0].returns.len() + y.rows[0].excess.len(),
        y.zh.len() - 1
    );
    // a window from end-January to end-April is a partial year
    assert_eq!(y.rows[0].label, "2020 (2–4月)");
    assert_eq!(y.rows[0].label_en, "2020 (Feb–Apr)");
    assert!(y.rows[0].partial);
    let y = yearly(&p, true, "000905.SH", "策略组合");
    assert_eq!(y.zh[1], "策略组合收益率");
    assert_eq!(y.zh[4], "策略超等权收益率");
    assert_eq!(y.zh[3], "000905.SH收益率");
}
