//! The `rotor` binary end to end: exit codes, messages and outputs.

use std::path::Path;
use std::process::Command;

fn rotor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
}

#[test]
fn sim_then_check_then_show() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    let out = rotor()
        .args(["-q", "sim", "--years", "2", "--indices", "5", "--out"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rotor()
        .args(["data", "check", "--json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["coverage"].as_array().unwrap().len(),
        8,
        "every dataset of the sim without constituents"
    );
    let out = rotor()
        .args(["data", "show", "000300.SH", "--last", "3", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && s.contains("000300.SH close") && s.lines().count() >= 7,
        "{s}"
    );
}

#[test]
fn import_errors_exit_2_with_file_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("bad.csv");
    std::fs::write(&f, "date,close\n2024-01-02,1\n2024-01-03,oops\n").unwrap();
    let out = rotor()
        .args(["data", "import", "--dataset", "prices", "--store"])
        .arg(d.path().join("s"))
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("bad.csv") && e.contains("row 3") && e.contains("`close`"),
        "{e}"
    );
    let out = rotor()
        .args(["data", "import", "--dataset", "price", "x.csv"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(2) && e.contains("--dataset") && e.contains("prices"),
        "{e}"
    );
}

#[test]
fn import_then_reimport_is_idempotent_and_json_reports_counts() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("510300.csv");
    std::fs::write(
        &f,
        "日期,开盘,收盘,最高,最低,成交量,成交额\n2024-01-02,3.5,3.6,3.7,3.4,1000,360000\n",
    )
    .unwrap();
    let run = || {
        let out = rotor()
            .args([
                "--json",
                "data",
                "import",
                "--dataset",
                "prices",
                "--preset",
                "akshare",
                "--asset-type",
                "etf",
                "--code-from-filename",
                "--store",
            ])
            .arg(d.path().join("s"))
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(run()["commit"]["stats"]["prices"]["added"], 1);
    assert_eq!(run()["commit"]["stats"]["prices"]["unchanged"], 1);
}

#[test]
fn check_flags_lookahead_as_an_error_with_nonzero_exit() {
    // a macro file whose release date precedes its own period cannot be right
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("m.csv");
    std::fs::write(&f, "period,release_date,value\n2024-01-31,2024-01-15,8.7\n").unwrap();
    let store = d.path().join("s");
    let out = rotor()
        .args(["-q", "data", "import", "--dataset", "macro", "--store"])
        .arg(&store)
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rotor()
        .args(["data", "check", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("lookahead"));
}

/// `rotor … | head -1`: a reader that closes the pipe early ends the command quietly
/// with status 0 (it used to panic with status 101 on the broken pipe).
#[test]
fn a_closed_stdout_pipe_ends_commands_quietly() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    let out = rotor()
        .args(["-q", "sim", "--years", "2", "--indices", "5", "--out"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = store.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["data", "check", "--store", s],
        &["--json", "data", "check", "--store", s],
        &["data", "show", "000300.SH", "--store", s],
        &["--json", "data", "show", "000300.SH", "--store", s],
    ];
    for args in commands {
        let mut child = rotor()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // close the read end before the command writes (as `head` does after a line)
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(0) && !e.contains("panicked"),
            "{args:?}: {:?} {e}",
            out.status
        );
    }
}

/// All files under `d` (relative path → bytes), charts included.
fn tree_bytes(d: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &std::path::Path, d: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut v = Vec::new();
    walk(d, d, &mut v);
    v.sort();
    v
}

/// The second report's strategies in the demo: each prints its summary and its call,
/// leaves its own tables, report and charts, identical in both places; the timing's
/// choice per indicator and month is traced in signals.csv.
fn demo_market_calls_are_complete(a: &Path, b: &Path, stdout: &str) {
    for (run, kind, files) in [
        (
            "timing",
            "macro_timing",
            &["positions.csv", "signals.csv", "charts/position.png"][..],
        ),
        (
            "size",
            "style_rotation",
            &["spread.csv", "style_calls.csv", "charts/spread_nav.png"],
        ),
        (
            "composite",
            "composite_rotation",
            &["composite.csv", "charts/composite_nav.png"],
        ),
    ] {
        assert!(
            stdout.contains(&format!("demo_{run} ({kind})")),
            "{run}: {stdout}"
        );
        for f in files
            .iter()
            .chain(&["report.html", "report.xlsx", "nav.csv"])
        {
            assert!(a.join(run).join(f).exists(), "{run}: {f} missing");
        }
        assert_eq!(
            tree_bytes(&a.join(run)),
            tree_bytes(&b.join(run)),
            "{run} folders differ"
        );
        let html = std::fs::read_to_string(a.join(run).join("report.html")).unwrap();
        let section = match run {
            "timing" => "指标信号",
            "size" => "风格净值",
            _ => "持有区间",
        };
        assert!(html.contains(section), "{run}: report lacks {section}");
    }
    assert!(stdout.contains("call as of"), "{stdout}");
    demo_stock_level_is_complete(a, b, stdout);
    let pos = std::fs::read_to_string(a.join("timing/positions.csv")).unwrap();
    assert!(
        pos.starts_with("date,equity,growth,liquidity,position\n"),
        "{pos}"
    );
    // each month an indicator is ready it has one row in signals.csv naming the
    // candidate chosen (transformation, rule, polarity) and its 0 / 1 signal
    let sig = std::fs::read_to_string(a.join("timing/signals.csv")).unwrap();
    let mut lines = sig.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut per_date: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &rows {
        *per_date.entry(r[col("date")]).or_default() += 1;
        assert!(matches!(r[col("signal")], "0" | "1"), "{r:?}");
        if !r[col("transform")].is_empty() {
            assert!(!r[col("rule")].is_empty() && !r[col("polarity")].is_empty());
        }
    }
    assert!(per_date.len() > 100, "{} months traced", per_date.len());
    assert!(per_date.values().all(|n| *n <= 8));
    for d in per_date.keys() {
        assert!(
            pos.contains(&format!("\n{d},")),
            "{d} has signals but no position"
        );
    }
    let chosen = rows
        .iter()
        .filter(|r| !r[col("transform")].is_empty())
        .count();
    assert!(
        chosen > rows.len() / 2,
        "{chosen} of {} with a choice",
        rows.len()
    );
    let comp = std::fs::read_to_string(a.join("composite/composite.csv")).unwrap();
    assert!(
        comp.starts_with("date,dividend_return,micro_return,composite_return,composite_nav,"),
        "{comp}"
    );
    assert!(comp.lines().nth(1).unwrap().ends_with(",large"));
    let spread = std::fs::read_to_string(a.join("size/spread.csv")).unwrap();
    assert!(
        spread.starts_with("date,return_a,return_b,spread_nav,relative_nav,score\n"),
        "{spread}"
    );
}

/// The demo's stock level: the stock market, the risk model, the theoretical limit and
/// the industry rotation on its indices, identical in both places.
fn demo_stock_level_is_complete(a: &Path, b: &Path, stdout: &str) {
    // the stock level: the risk model and the theoretical limit on the stock market
    for (dir, files) in [
        (
            "risk",
            &["exposures.parquet", "factor_returns.csv", "risk.html"][..],
        ),
        ("limit", &["limit_monthly.csv", "limit_yearly.csv"]),
        ("industries", &["report.html", "nav.csv", "holdings.csv"]),
        (
            "ml",
            &["predictions.parquet", "windows.csv", "summary.json"],
        ),
        ("stocks", &["industries.csv", "truth_factor_returns.csv"]),
    ] {
        for f in files {
            assert!(a.join(dir).join(f).exists(), "{dir}/{f} missing");
        }
        if dir != "stocks" {
            assert_eq!(
                tree_bytes(&a.join(dir)),
                tree_bytes(&b.join(dir)),
                "{dir} differs"
            );
        }
    }
    assert!(stdout.contains("risk model: 799 stocks"), "{stdout}");
    // growth and leverage from the market's statements; the industry rotation on the
    // indices built from its stocks
    for style in ["growth ", "leverage ", "demo_industries (rotation)"] {
        assert!(stdout.contains(style), "{style}: {stdout}");
    }
    assert!(
        stdout.contains("theoretical limit of 000300.SH"),
        "{stdout}"
    );
}

/// The demo run into two different places gives byte-identical run folders (no
/// absolute path, no timing inside), and the recorded config.toml re-runs from the run
/// folder to the same bytes.
#[test]
fn demo_run_folders_are_identical_wherever_they_are_made_and_rerun_from_their_config() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let out_a = a.path().join("x/demo");
    let out_b = b.path().join("somewhere/else/demo");
    let mut stdout = String::new();
    for out in [&out_a, &out_b] {
        let o = rotor()
            .args(["-q", "demo", "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    }
    demo_market_calls_are_complete(&out_a, &out_b, &stdout);
    let run_a = tree_bytes(&out_a.join("run"));
    assert!(
        run_a.len() > 10,
        "{:?}",
        run_a.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    assert!(run_a.iter().any(|(n, _)| n == "report.html"));
    assert_eq!(run_a, tree_bytes(&out_b.join("run")), "run folders differ");
    for (name, bytes) in &run_a {
        let text = String::from_utf8_lossy(bytes);
        let root = a.path().to_string_lossy();
        assert!(
            !text.contains(&*root),
            "{name} holds the absolute path {root}"
        );
    }
    let cfg = std::fs::read_to_string(out_a.join("run/config.toml")).unwrap();
    assert!(cfg.contains("store = \"../store\""), "{cfg}");
    let o = rotor()
        .args(["-q", "backtest", "--config"])
        .arg(out_a.join("run/config.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(run_a, tree_bytes(&out_a.join("run")), "the re-run differs");
}

/// A stock in several indices: `data show --dataset weights` names the index it shows,
/// and asks for --index rather than picking one (it printed one index's weights
/// without saying which).
#[test]
fn data_show_weights_names_the_index() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("w.csv");
    let mut body = String::from("index_code,con_code,trade_date,weight\n");
    for (idx, w) in [("399300.SZ", 5.0), ("000016.SH", 15.0)] {
        for date in ["20240131", "20240229"] {
            body.push_str(&format!("{idx},600519.SH,{date},{w}\n"));
            body.push_str(&format!("{idx},000001.SZ,{date},{}\n", 100.0 - w));
        }
    }
    std::fs::write(&f, body).unwrap();
    let store = d.path().join("s");
    let s = store.to_str().unwrap();
    let out = rotor()
        .args([
            "-q",
            "data",
            "import",
            "--dataset",
            "weights",
            "--preset",
            "tushare",
            "--store",
            s,
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let show = |extra: &[&str]| {
        rotor()
            .args([
                "data",
                "show",
                "600519",
                "--dataset",
                "weights",
                "--store",
                s,
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let o = show(&[]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("600519.SH is in 2 indices (000016.SH, 000300.SH)") && e.contains("--index"),
        "{e}"
    );
    // the SZSE mirror code finds the same index; weights are fractions
    let o = show(&["--index", "399300.SZ"]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        t.contains("600519.SH in 000300.SH weight") && t.contains("0.05"),
        "{t}"
    );
}
