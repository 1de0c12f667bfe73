//! `rotor eval` end to end on the alphalens parity fixtures, and its bad-input errors.

use std::path::Path;
use std::process::{Command, Output};

const FIX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../rotor-eval/tests/fixtures/alphalens/"
);

/// `rotor eval --factor F --prices P --out O <extra…>`.
fn eval(factor: impl AsRef<Path>, prices: impl AsRef<Path>, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
        .arg("eval")
        .args(extra)
        .arg("--factor")
        .arg(factor.as_ref())
        .arg("--prices")
        .arg(prices.as_ref())
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn fixture(name: &str) -> String {
    format!("{FIX}{name}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn eval_writes_every_table_and_matches_alphalens_rank_ic_mean() {
    let d = tempfile::tempdir().unwrap();
    let alphalens = [
        "--periods",
        "1,3,5",
        "--quantiles",
        "5",
        "--grouping",
        "qcut",
        "--min-ic-obs",
        "2",
    ];
    let out = eval(
        fixture("factor.csv"),
        fixture("prices.csv"),
        d.path(),
        &[&["--json"][..], &alphalens].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // alphalens' per-date RankIC (fixture) averaged
    let mut r = csv::Reader::from_path(fixture("rank_ic.csv")).unwrap();
    let ics: Vec<f64> = r
        .records()
        .map(|x| x.unwrap()[1].parse().unwrap())
        .collect();
    let want = ics.iter().sum::<f64>() / ics.len() as f64;
    let got = v["by_period"][0]["rank_ic"]["mean"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    for f in [
        "ic.csv",
        "ic_summary.csv",
        "quantile_returns.csv",
        "quantile_summary.csv",
        "long_short.csv",
        "turnover.csv",
        "rank_autocorr.csv",
        "theoretical_limit.csv",
        "summary.json",
        "config.toml",
    ] {
        assert!(d.path().join(f).exists(), "{f} missing");
    }
    let cfg = std::fs::read_to_string(d.path().join("config.toml")).unwrap();
    assert!(
        cfg.contains("grouping = \"qcut\"") && cfg.contains("periods = [1, 3, 5]"),
        "{cfg}"
    );
    // by label: two regimes
    let labels = d.path().join("regime.csv");
    std::fs::write(&labels, "date,regime\n2021-01-01,LL\n2021-03-01,TT\n").unwrap();
    let by = d.path().join("by");
    let out = eval(
        fixture("factor.csv"),
        fixture("prices.csv"),
        &by,
        &["-q", "--by", labels.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let t = std::fs::read_to_string(by.join("by_label.csv")).unwrap();
    assert!(
        t.lines().any(|l| l.starts_with("LL,1,")) && t.lines().any(|l| l.starts_with("TT,1,")),
        "{t}"
    );
}

#[test]
fn eval_bad_inputs_name_file_row_and_expectation() {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("o");
    let file = |name: &str, body: &str| {
        let p = d.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let cases = [
        (
            file(
                "dup.csv",
                "date,asset,value\n2024-01-02,A,1\n2024-01-02,A,2\n",
            ),
            &[][..],
            &["dup.csv", "row 3", "one row per (date, asset)"][..],
        ),
        (
            file("bad.csv", "date,asset,value\n2024-01-02,A,x1\n"),
            &[][..],
            &["bad.csv", "row 2", "`value`", "a number"][..],
        ),
        (
            file("nocol.csv", "day,asset,value\n2024-01-02,A,1\n"),
            &[][..],
            &["nocol.csv", "no date column"][..],
        ),
        (
            file("ok.csv", "date,asset,value\n2024-01-02,A,1\n"),
            &["--periods", "1,x"][..],
            &["--periods", "positive integers"][..],
        ),
        (
            file("ok2.csv", "date,asset,value\n2024-01-02,A,1\n"),
            &["--grouping", "deciles"][..],
            &["--grouping", "qcut"][..],
        ),
    ];
    for (f, extra, want) in cases {
        let out = eval(
            &f,
            fixture("prices.csv"),
            &o,
            &[&["-q"][..], extra].concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", f.display());
        let e = stderr(&out);
        assert!(want.iter().all(|w| e.contains(w)), "{e}");
    }
}

/// Settings the data cannot support are errors that say which and why — not a wrapped
/// horizon evaluated in silence, not "forward returns" blamed for an empty factor.
#[test]
fn eval_settings_beyond_the_data_are_named() {
    let d = tempfile::tempdir().unwrap();
    let o = d.path().join("o");
    let mut px = String::from("date,asset,close\n");
    let mut ok = String::from("date,asset,value\n");
    let mut nan = String::from("date,asset,value\n");
    let mut two = String::from("date,asset,value\n");
    for day in 1..=28 {
        for (k, a) in ["A", "B", "C", "D", "E", "F"].iter().enumerate() {
            let date = format!("2024-02-{day:02}");
            px.push_str(&format!(
                "{date},{a},{}\n",
                10.0 + (day * (k + 1) % 7) as f64
            ));
            ok.push_str(&format!("{date},{a},{}\n", (day + k) % 5));
            nan.push_str(&format!("{date},{a},NaN\n"));
            if k < 2 {
                two.push_str(&format!("{date},{a},{k}\n"));
            }
        }
    }
    let file = |name: &str, body: &str| {
        let p = d.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let px = file("px.csv", &px);
    let cases: [(&str, &str, &[&str], &[&str]); 5] = [
        (
            "ok.csv",
            &ok,
            &["--periods", "18446744073709551615"],
            &["period 18446744073709551615", "shorter than", "28 dates"],
        ),
        (
            "ok.csv",
            &ok,
            &["--quantiles", "1001"],
            &["--quantiles 1001", "2 to 1000"][..],
        ),
        (
            "ok.csv",
            &ok,
            &["--quantiles", "10"],
            &["quantiles 10", "more groups than the 6 asset"],
        ),
        ("two.csv", &two, &[], &["quantiles 5", "the 2 asset"]),
        ("nan.csv", &nan, &[], &["28 without any factor value"]),
    ];
    for (name, body, extra, want) in cases {
        let f = file(name, body);
        let out = eval(&f, &px, &o, &[&["-q"][..], extra].concat());
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name} {extra:?}: {e}");
        assert!(want.iter().all(|w| e.contains(w)), "{name} {extra:?}: {e}");
        assert!(!e.contains("forward return"), "{e}");
    }
}
