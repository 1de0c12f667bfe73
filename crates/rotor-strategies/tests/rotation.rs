//! The rotation on the engine: schedules, execution lag, price files, strategy-file
//! parsing, and the regression tests of the bugs fixed with the engine.

mod common;
use chrono::Datelike;
use common::{d, plan_at, sim, try_plan};
use rotor_engine::artifacts;
use rotor_engine::perf::SeriesKind;
use rotor_engine::run::RunOptions;
use rotor_engine::{execute, Execution};
use std::path::Path;

fn run(text: &str, base: &Path) -> Execution {
    execute(&plan_at(text, base), RunOptions::default()).unwrap()
}

#[test]
fn weekly_rebalancing_and_execution_lag() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 4, 8, 3);
    let text = "store = \".\"\nstart = 2013-01-01\n[signal]\nkind = \"momentum\"\nlookback = 20\n[portfolio]\nrebalance = \"weekly\"\ntop_n = 2\n";
    let out = run(text, dir.path()).output;
    // every signal date is the last trading day of its ISO week
    for w in out.signal_dates.windows(2) {
        assert_ne!(w[0].iso_week(), w[1].iso_week());
    }
    let per_year = out.holdings.len() as f64 / 2.0;
    assert!(
        (45.0..=53.0).contains(&per_year),
        "{per_year} rebalances a year"
    );
    assert!(out.holdings.iter().all(|h| h.exec == h.signal));
    // lag 1: the same picks, executed on the next trading day
    let lag = run(&format!("{text}exec_lag_days = 1\n"), dir.path()).output;
    let days = out.perf.as_ref().unwrap().days().to_vec();
    for (a, b) in out.holdings.iter().zip(&lag.holdings) {
        assert_eq!(a.picks, b.picks);
        let k = days.iter().position(|x| *x == a.exec).unwrap();
        assert_eq!(b.exec, days[k + 1]);
    }
    assert_eq!(lag.perf.unwrap().days()[0], lag.holdings[0].exec);
}

#[test]
fn toml_dates_as_literals_or_strings_and_errors_with_line_and_column() {
    let base = Path::new(".");
    let a = rotor_engine::config::StrategyFile::parse_at(
        "store = \"s\"\nstart = 2013-01-01\n[factors]\nnb_cutoff = 2024-08-16\n",
        Path::new("a.toml"),
        base,
    )
    .unwrap();
    let b = rotor_engine::config::StrategyFile::parse_at(
        "store = \"s\"\nstart = \"2013-01-01\"\n[factors]\nnb_cutoff = \"2024-08-16\"\n",
        Path::new("b.toml"),
        base,
    )
    .unwrap();
    assert_eq!(a.engine, b.engine);
    let (pa, pb) = (
        rotor_strategies::rotation::params_of(&a).unwrap(),
        rotor_strategies::rotation::params_of(&b).unwrap(),
    );
    assert_eq!(pa, pb);
    let e = try_plan("store = \"s\"\nstart = 2013-13-01\n", base)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("month"), "{e}");
    let e = try_plan("store = \"s\"\nend = \"2013/01/01\"\n", base)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("expected a date YYYY-MM-DD, found `2013/01/01`"),
        "{e}"
    );
    let e = try_plan("stor = \"s\"\nstart = 2013-01-01\n", base)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown field `stor`") && e.contains("line 1"),
        "{e}"
    );
    let e = try_plan("store = \"s\"\n[strategy]\nkind = \"nope\"\n", base)
        .unwrap_err()
        .to_string();
    assert!(e.contains("rotation, buy_hold, sleeves"), "{e}");
}

#[test]
fn strategy_values_are_checked_with_the_key_and_the_choices() {
    let base = Path::new(".");
    let e = try_plan(
        "store = \"s\"\n[selection]\ndisabled_families = [\"momentun\"]\n",
        base,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("momentun") && e.contains("momentum"), "{e}");
    let e = try_plan(
        "store = \"s\"\n[selection.family_weights]\nnope = 1.0\n",
        base,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("family_weights.nope"), "{e}");
    // every family disabled used to panic in the composite
    let e = try_plan(
        "store = \"s\"\n[selection]\ndisabled_families = [\"valuation\", \"fundamental\", \"analyst\", \"flow\", \"momentum\"]\n",
        base,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("selection.disabled_families") && e.contains("leaves 0 of the 5"),
        "{e}"
    );
    let e = try_plan(
        "store = \"s\"\n[selection]\nmin_families = 2\ndisabled_families = [\"valuation\", \"fundamental\", \"analyst\", \"flow\"]\n",
        base,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("min_families = 2"), "{e}");
    let e = try_plan(
        "store = \"s\"\n[selection]\nmin_families = 1\ndisabled_families = [\"valuation\", \"fundamental\", \"analyst\", \"flow\"]\n[selection.family_weights]\nmomentum = 0.0\n",
        base,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("weight 0"), "{e}");
    let e = try_plan("store = \"s\"\n[factors]\nmc_strip = nan\n", base)
        .unwrap_err()
        .to_string();
    assert!(e.contains("factors.mc_strip"), "{e}");
}

/// A price path: day number → close.
type ClosePath = dyn Fn(u64) -> f64;

/// A long price file: `(code, close by day, days)` from 2020-01-01, one row per day.
fn price_file(path: &Path, series: &[(&str, &ClosePath, u64)]) {
    let mut s = String::from("date,asset,value\n");
    let start = d("2020-01-01");
    for (code, f, n) in series {
        for k in 0..*n {
            s += &format!("{},{code},{}\n", start + chrono::Days::new(k), f(k));
        }
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn a_price_file_benchmark_need_not_be_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let g = |r: f64| move |k: u64| 100.0 * f64::powi(r, k as i32);
    let (a, b, c) = (g(1.001), g(1.0005), g(1.0002));
    price_file(
        &dir.path().join("px.csv"),
        &[("A", &a, 300), ("B", &b, 300), ("BENCH", &c, 300)],
    );
    let text = "prices_file = \"px.csv\"\n[universe]\ncodes = [\"A\", \"B\"]\n[benchmark]\ncode = \"BENCH\"\n[signal]\nkind = \"momentum\"\nlookback = 20\n[portfolio]\nmin_history_days = 21\ntop_n = 1\n";
    let out = run(text, dir.path()).output;
    assert_eq!(out.universe, vec!["A", "B"]);
    assert!(out.holdings.iter().all(|h| h.picks[0].asset == "A"));
    assert!(out.perf.unwrap().get(SeriesKind::Benchmark).is_some());
}

/// Bug: with `end` set, the benchmark series ran past `end`, so its max drawdown in the
/// summary counted days after `end`.
#[test]
fn every_series_is_cut_at_end_and_the_benchmark_drawdown_ignores_later_days() {
    let dir = tempfile::tempdir().unwrap();
    let up = |k: u64| 100.0 * f64::powi(1.001, k as i32);
    // the benchmark halves on day 400, after `end`
    let bench = |k: u64| if k < 400 { 100.0 } else { 50.0 };
    price_file(
        &dir.path().join("px.csv"),
        &[("A", &up, 500), ("BENCH", &bench, 500)],
    );
    let text = "prices_file = \"px.csv\"\nend = 2020-12-31\n[universe]\ncodes = [\"A\"]\n[benchmark]\ncode = \"BENCH\"\n[signal]\nkind = \"momentum\"\nlookback = 20\n[portfolio]\nmin_history_days = 21\ntop_n = 1\n";
    let p = plan_at(text, dir.path());
    let e = execute(&p, RunOptions::default()).unwrap();
    let perf = e.output.perf.as_ref().unwrap();
    for k in perf.kinds() {
        let s = perf.get(k).unwrap();
        assert_eq!(s.last_date(), Some(d("2020-12-31")), "{k} runs past end");
    }
    let a = artifacts::build(&p, &e.fingerprint, &e.output);
    let b = a
        .summary
        .series
        .iter()
        .find(|x| x.name == SeriesKind::Benchmark)
        .unwrap();
    assert_eq!(b.max_drawdown, 0.0, "the benchmark fell only after end");
}

/// Bug: a universe whose prices stop kept a frozen NAV while the benchmark ran on, with
/// no note (0.00 % years and a diluted CAGR).
#[test]
fn the_run_ends_where_the_universe_prices_end_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let up = |k: u64| 100.0 * f64::powi(1.001, k as i32);
    let flat = |_k: u64| 100.0;
    // the universe stops on day 400 (2021-02-04), the benchmark goes on to day 900
    price_file(
        &dir.path().join("px.csv"),
        &[("A", &up, 401), ("B", &up, 401), ("BENCH", &flat, 900)],
    );
    let text = "prices_file = \"px.csv\"\n[universe]\ncodes = [\"A\", \"B\"]\n[benchmark]\ncode = \"BENCH\"\n[signal]\nkind = \"momentum\"\nlookback = 20\n[portfolio]\nmin_history_days = 21\ntop_n = 1\n";
    let out = run(text, dir.path()).output;
    let last = d("2020-01-01") + chrono::Days::new(400);
    assert_eq!(out.perf.as_ref().unwrap().days().last(), Some(&last));
    assert!(out.signal_dates.iter().all(|x| *x <= last));
    assert!(
        out.notes
            .iter()
            .any(|n| n.text.contains(&format!("prices end on {last}"))),
        "{:?}",
        out.notes
    );
}

/// Bug: a strategy whose score file lacks a signal date panicked; a stale row was used
/// a month late in silence.
#[test]
fn a_score_file_missing_a_signal_date_is_a_clear_error_naming_the_file_and_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let up = |k: u64| 100.0 * f64::powi(1.001, k as i32);
    price_file(
        &dir.path().join("px.csv"),
        &[("A", &up, 200), ("B", &up, 200)],
    );
    // scores dated on the last calendar day of each month, except March
    let mut s = String::from("date,asset,value\n");
    for m in [1, 2, 4, 5, 6] {
        let e = rotor_core::dates::last_day_of_month(2020, m);
        s += &format!("{e},A,1\n{e},B,2\n");
    }
    std::fs::write(dir.path().join("score.csv"), s).unwrap();
    let text = "prices_file = \"px.csv\"\n[universe]\ncodes = [\"A\", \"B\"]\n[signal]\nkind = \"file\"\nfile = \"score.csv\"\n[portfolio]\nmin_history_days = 1\ntop_n = 1\n";
    let e = execute(&plan_at(text, dir.path()), RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("score.csv") && e.contains("2020-03-31"), "{e}");
    // allowed explicitly, the last row is reused
    let ok = run(
        &text.replace("[signal]\n", "[signal]\nallow_stale = true\n"),
        dir.path(),
    );
    assert!(!ok.output.holdings.is_empty());
}

/// Bug: `out` resolved against the working directory, not the strategy file.
#[test]
fn out_is_relative_to_the_strategy_file() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("examples/x");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(
        sub.join("s.toml"),
        "store = \"../../store\"\nout = \"../../runs\"\n",
    )
    .unwrap();
    let p =
        rotor_engine::plan::Plan::load(&sub.join("s.toml"), rotor_strategies::registry()).unwrap();
    assert_eq!(p.engine.run_dir(""), sub.join("../../runs/run"));
    assert_eq!(p.engine.store, Some(sub.join("../../store")));
}

/// Bug: the first row of the yearly table could be a partial year without saying so.
#[test]
fn a_partial_first_year_is_labelled_with_its_months() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 4, 8, 3);
    let text = "store = \".\"\nstart = 2013-01-01\n[signal]\nkind = \"momentum\"\nlookback = 20\n";
    let p = plan_at(text, dir.path());
    let e = execute(&p, RunOptions::default()).unwrap();
    let a = artifacts::build(&p, &e.fingerprint, &e.output);
    // the first signal is at the end of January: 2013 covers February to December
    assert_eq!(a.yearly.rows[0].label, "2013 (2–12月)");
    assert_eq!(a.yearly.rows[0].label_en, "2013 (Feb–Dec)");
    assert!(!a.yearly.rows[1].partial);
}
