//! `rotor eval` end to end on the alphalens parity fixtures, and its bad-input errors.

use std::process::Command;

const FIX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../rotor-eval/tests/fixtures/alphalens/"
);

fn rotor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
}

#[test]
fn eval_writes_every_table_and_matches_alphalens_rank_ic_mean() {
    let d = tempfile::tempdir().unwrap();
    let out = rotor()
        .args([
            "eval",
            "--json",
            "--periods",
            "1,3,5",
            "--quantiles",
            "5",
            "--grouping",
            "qcut",
            "--min-ic-obs",
            "2",
        ])
        .arg("--factor")
        .arg(format!("{FIX}factor.csv"))
        .arg("--prices")
        .arg(format!("{FIX}prices.csv"))
        .arg("--out")
        .arg(d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // alphalens' per-date RankIC (fixture) averaged
    let mut r = csv::Reader::from_path(format!("{FIX}rank_ic.csv")).unwrap();
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
    // by label: two regimes
    let labels = d.path().join("regime.csv");
    std::fs::write(&labels, "date,regime\n2021-01-01,LL\n2021-03-01,TT\n").unwrap();
    let out = rotor()
        .args(["-q", "eval", "--periods", "1"])
        .arg("--factor")
        .arg(format!("{FIX}factor.csv"))
        .arg("--prices")
        .arg(format!("{FIX}prices.csv"))
        .arg("--by")
        .arg(&labels)
        .arg("--out")
        .arg(d.path().join("by"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = std::fs::read_to_string(d.path().join("by/by_label.csv")).unwrap();
    assert!(
        t.lines().any(|l| l.starts_with("LL,1,")) && t.lines().any(|l| l.starts_with("TT,1,")),
        "{t}"
    );
}

#[test]
fn eval_bad_inputs_name_file_row_and_expectation() {
    let d = tempfile::tempdir().unwrap();
    let dup = d.path().join("dup.csv");
    std::fs::write(&dup, "date,asset,value\n2024-01-02,A,1\n2024-01-02,A,2\n").unwrap();
    let out = rotor()
        .args(["-q", "eval", "--factor"])
        .arg(&dup)
        .arg("--prices")
        .arg(format!("{FIX}prices.csv"))
        .arg("--out")
        .arg(d.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("dup.csv") && e.contains("row 3") && e.contains("one row per (date, asset)"),
        "{e}"
    );
    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "date,asset,value\n2024-01-02,A,x1\n").unwrap();
    let out = rotor()
        .args(["-q", "eval", "--factor"])
        .arg(&bad)
        .arg("--prices")
        .arg(format!("{FIX}prices.csv"))
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("bad.csv")
            && e.contains("row 2")
            && e.contains("`value`")
            && e.contains("a number"),
        "{e}"
    );
    let out = rotor()
        .args(["-q", "eval", "--periods", "1,x", "--factor"])
        .arg(&bad)
        .arg("--prices")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--periods"));
    let nocol = d.path().join("nocol.csv");
    std::fs::write(&nocol, "day,asset,value\n2024-01-02,A,1\n").unwrap();
    let out = rotor()
        .args(["-q", "eval", "--factor"])
        .arg(&nocol)
        .arg("--prices")
        .arg(format!("{FIX}prices.csv"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no date column"));
}
