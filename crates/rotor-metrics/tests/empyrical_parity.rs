//! Parity with empyrical-reloaded on committed fixtures (tools/parity/gen_fixtures.py),
//! and the SPEC §5.1 / §5.3 goldens.

use rotor_metrics::stats::*;
use serde_json::Value;

fn fixtures() -> Value {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/empyrical.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: rotor {a} vs empyrical {b}"
    );
}

#[test]
fn matches_empyrical_on_daily_and_monthly_series() {
    let f = fixtures();
    for (name, c) in f["cases"].as_object().unwrap() {
        let r: Vec<f64> = c["returns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let a = rotor_metrics::periods_per_year(c["period"].as_str().unwrap()).unwrap();
        let g = |k: &str| c[k].as_f64().unwrap();
        close(
            cagr::cagr(&r, a),
            g("annual_return"),
            &format!("{name} annual_return"),
        );
        close(
            cagr::total_return(&r),
            g("cum_returns_final"),
            &format!("{name} cum_returns_final"),
        );
        close(
            volatility::volatility(&r, a),
            g("annual_volatility"),
            &format!("{name} vol"),
        );
        close(
            sharpe::sharpe_arith(&r, a),
            g("sharpe_ratio"),
            &format!("{name} sharpe"),
        );
        close(
            sortino::sortino(&r, a),
            g("sortino_ratio"),
            &format!("{name} sortino"),
        );
        close(
            sortino::downside_risk(&r, a),
            g("downside_risk"),
            &format!("{name} downside"),
        );
        close(
            -drawdown::max_drawdown(&r).depth,
            g("max_drawdown"),
            &format!("{name} mdd"),
        );
        close(
            calmar::calmar(&r, a),
            g("calmar_ratio"),
            &format!("{name} calmar"),
        );
        if let Some(b) = c.get("benchmark").and_then(|b| b.as_array()) {
            let b: Vec<f64> = b.iter().map(|v| v.as_f64().unwrap()).collect();
            close(
                information_ratio::information_ratio(&r, &b, 1.0),
                g("excess_sharpe"),
                "excess_sharpe",
            );
            close(
                tracking_error::tracking_error(&r, &b, a),
                g("tracking_error_ann"),
                "tracking error",
            );
        }
    }
}

#[test]
fn spec_yearly_table_goldens() {
    // SPEC §5.3: excess columns are differences; ±0.01 pp from rounded inputs
    let rows = [
        (22.64, 14.02, -7.65, 8.62, 30.29),
        (55.77, 42.88, 51.66, 12.89, 4.11),
        (26.26, 25.81, 17.94, 0.44, 8.32),
    ];
    for (rot, ew, hs, x_ew, x_hs) in rows {
        // one-period series per year reproduce R(Y) exactly
        let d = [chrono::NaiveDate::from_ymd_opt(2013, 12, 31).unwrap()];
        let t = yearly::yearly_table(&d, &[&[rot / 100.0], &[ew / 100.0], &[hs / 100.0]], 12.0);
        assert!((t[0].excess[0] * 100.0 - x_ew).abs() <= 0.011, "{rot} {ew}");
        assert!((t[0].excess[1] * 100.0 - x_hs).abs() <= 0.011, "{rot} {hs}");
    }
    // SPEC §5.1: September 2025: 6.75 − 3.72 = 3.03, 6.75 − 3.20 = 3.55
    assert!(((0.0675 - 0.0372) * 100.0 - 3.03f64).abs() < 1e-9);
    // 年化 row: difference of CAGRs (15.53 − 10.14 = 5.39, 15.53 − 4.90 = 10.63)
    assert!(((15.53f64 - 10.14) - 5.39).abs() < 0.011 && ((15.53f64 - 4.90) - 10.64).abs() < 0.011);
}

#[test]
fn yearly_table_compounds_months_and_annualises_the_whole_sample() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let dates = [d("2024-11-29"), d("2024-12-31"), d("2025-01-31")];
    let p = [0.1, 0.1, -0.1];
    let b = [0.0, 0.0, 0.0];
    let t = yearly::yearly_table(&dates, &[&p, &b], 12.0);
    assert_eq!(t.len(), 3);
    assert_eq!((t[0].label.as_str(), t[0].periods), ("2024", 2));
    assert!((t[0].returns[0] - 0.21).abs() < 1e-12);
    assert!((t[1].returns[0] + 0.1).abs() < 1e-12);
    assert_eq!(t[2].label, "年化");
    assert!((t[2].returns[0] - (1.1f64 * 1.1 * 0.9).powf(4.0) + 1.0).abs() < 1e-12);
    let m = yearly::monthly_matrix(&dates, &p);
    assert!((m[&2024][10] - 0.1).abs() < 1e-12 && m[&2024][0].is_nan());
}

#[test]
fn cost_accounting_turnover() {
    // SPEC §19.11: full switch of an N-name portfolio → 2; no trade → 0
    let old = [0.2, 0.2, 0.2, 0.2, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0];
    let new = [0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.2, 0.2, 0.2, 0.2];
    assert!((turnover::turnover(&old, &new) - 2.0).abs() < 1e-12);
    assert_eq!(turnover::turnover(&old, &old), 0.0);
}

#[test]
fn excess_conventions_and_excess_drawdown() {
    let p = [0.10, -0.05];
    let b = [0.05, 0.00];
    let tp = 1.1 * 0.95 - 1.0;
    let tb = 0.05;
    use excess::{excess, ExcessMode};
    assert!((excess(&p, &b, ExcessMode::Difference) - (tp - tb)).abs() < 1e-15);
    assert!((excess(&p, &b, ExcessMode::Ratio) - ((1.0 + tp) / (1.0 + tb) - 1.0)).abs() < 1e-15);
    assert!((excess(&p, &b, ExcessMode::ArithCompound) - (1.05 * 0.95 - 1.0)).abs() < 1e-15);
    let dd = excess::excess_max_drawdown(&p, &b);
    // relative NAV 1.1/1.05 then 1.045/1.05: drawdown 5 %
    assert!((dd.depth - 0.05).abs() < 1e-12);
    assert!((win_rate::win_rate(&p, &b) - 0.5).abs() < 1e-15);
}
