//! Core + satellite (SPEC §16) end to end on the synthetic markets, as
//! `examples/demo/core_satellite.toml` writes it: an index and the style-rotating fund
//! basket of `rotor funds rotation` (fund NAVs brought in by `rotor funds import`) as the
//! core, the money + credit rotation as the satellite. Checked: the sleeve weights sum
//! to 1 every day; the basket sleeve holds cash until its first basket is published and
//! funds after; in daily-reset mode the mix's daily return is exactly the targets'
//! weighted sum of the sleeves'; the satellite sleeve's NAV is the standalone strategy's.

mod common;

use common::{ok, p, rotor};
use std::fs;
use std::path::Path;

fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn column(path: &Path, name: &str) -> (Vec<String>, Vec<f64>) {
    let (h, rows) = table(path);
    let j = h
        .iter()
        .position(|x| x == name)
        .unwrap_or_else(|| panic!("{name} not in {h:?}"));
    (
        rows.iter().map(|r| r[0].clone()).collect(),
        rows.iter()
            .map(|r| r[j].parse().unwrap_or(f64::NAN))
            .collect(),
    )
}

/// The demo's inputs under `d` (the example's relative paths resolve there).
fn inputs(d: &Path) {
    let out = |x: &str| d.join(x);
    ok(&rotor(&[
        "-q",
        "sim",
        "--stocks",
        "300",
        "--funds",
        "30",
        "--years",
        "5",
        "--out",
        p(&out("rotor-out/demo/stocks")),
    ]));
    ok(&rotor(&[
        "-q",
        "sim",
        "--out",
        p(&out("rotor-out/demo/store")),
    ]));
    let stocks = out("rotor-out/demo/stocks");
    ok(&rotor(&[
        "-q",
        "funds",
        "rotation",
        "--holdings",
        p(&stocks.join("funds/holdings")),
        "--store",
        p(&stocks),
        "--industries",
        p(&stocks.join("industries.csv")),
        "--out",
        p(&out("rotor-out/demo/fund_rotation")),
    ]));
    let text = ok(&rotor(&[
        "funds",
        "import",
        "--navs",
        p(&stocks.join("funds/nav")),
        "--store",
        p(&stocks),
    ]));
    assert!(text.contains("30 funds"), "{text}");
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    fs::create_dir_all(out("examples/demo")).unwrap();
    for f in ["strategy.toml", "core_satellite.toml"] {
        fs::copy(ex.join(f), out("examples/demo").join(f)).unwrap();
    }
}

#[test]
fn core_and_satellite_on_the_synthetic_markets() {
    let d = tempfile::tempdir().unwrap();
    inputs(d.path());
    let cfg = d.path().join("examples/demo/core_satellite.toml");
    let run = d.path().join("run");
    ok(&rotor(&[
        "-q",
        "backtest",
        "--config",
        p(&cfg),
        "--out",
        p(&run),
        "--no-report",
    ]));
    let sl = run.join("sleeves.csv");
    let names = ["core_index", "core_funds", "satellite"];
    let weights: Vec<Vec<f64>> = names
        .iter()
        .map(|n| column(&sl, &format!("{n}_weight")).1)
        .collect();
    for t in 0..weights[0].len() {
        let s: f64 = weights.iter().map(|w| w[t]).sum();
        assert!((s - 1.0).abs() < 1e-12, "day {t}: weights sum to {s}");
    }
    // the basket sleeve: cash until the first basket is published, then funds
    let (days, funds) = column(&sl, "core_funds_nav");
    let first =
        fs::read_to_string(d.path().join("rotor-out/demo/fund_rotation/basket.csv")).unwrap();
    let avail = first
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let k = days.iter().position(|x| *x > avail).unwrap();
    assert!(funds[..k].iter().all(|v| *v == 1.0), "cash before {avail}");
    assert!(
        funds[k + 5..].iter().any(|v| (*v - 1.0).abs() > 1e-3),
        "funds held after {avail}"
    );
    // the satellite sleeve is the standalone rotation, rebased at the mix's first day
    let sat = d.path().join("sat");
    ok(&rotor(&[
        "-q",
        "backtest",
        "--config",
        p(&d.path().join("examples/demo/strategy.toml")),
        "--out",
        p(&sat),
        "--no-report",
    ]));
    let (sdays, snav) = column(&sat.join("nav.csv"), "strategy");
    let (_, sleeve) = column(&sl, "satellite_nav");
    let k0 = sdays.iter().position(|x| *x == days[0]).unwrap();
    for (t, day) in days.iter().enumerate() {
        let k = sdays.iter().position(|x| x == day).unwrap();
        let want = snav[k] / snav[k0];
        assert!(
            (sleeve[t] - want).abs() < 1e-12,
            "{day}: sleeve {} vs standalone {want}",
            sleeve[t]
        );
    }
}

#[test]
fn daily_reset_is_exactly_the_weighted_sum_of_the_sleeves() {
    let d = tempfile::tempdir().unwrap();
    inputs(d.path());
    let cfg = d.path().join("examples/demo/core_satellite.toml");
    let text = fs::read_to_string(&cfg)
        .unwrap()
        .replace("rebalance = \"bands\"", "rebalance = \"daily\"")
        .replace("cost_bps = 10.0", "cost_bps = 0.0");
    fs::write(&cfg, text).unwrap();
    let run = d.path().join("run");
    ok(&rotor(&[
        "-q",
        "backtest",
        "--config",
        p(&cfg),
        "--out",
        p(&run),
        "--no-report",
    ]));
    let sl = run.join("sleeves.csv");
    let (_, mix) = column(&run.join("nav.csv"), "strategy");
    let navs: Vec<Vec<f64>> = ["core_index", "core_funds", "satellite"]
        .iter()
        .map(|n| column(&sl, &format!("{n}_nav")).1)
        .collect();
    let w = [0.35, 0.35, 0.30];
    for t in 1..mix.len() {
        let want: f64 = (0..3)
            .map(|k| w[k] * (navs[k][t] / navs[k][t - 1] - 1.0))
            .sum();
        let got = mix[t] / mix[t - 1] - 1.0;
        assert!(
            (got - want).abs() < 1e-12,
            "day {t}: mix {got} vs 0.35·r_index + 0.35·r_funds + 0.30·r_sat {want}"
        );
    }
    let weights = column(&sl, "satellite_weight").1;
    assert!(
        weights.iter().all(|x| (*x - 0.3).abs() < 1e-12),
        "daily reset holds the targets"
    );
}
