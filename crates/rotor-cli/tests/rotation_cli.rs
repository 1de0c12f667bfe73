//! `rotor backtest / recommend / regime / sweep` end to end: on a synthetic store
//! (always), and on the real China bundle (skipped with a reason when absent),
//! including the CSI 300 column of the yearly table against the source report.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{example, import_bundle, ok, p, rotor, shared_data};

/// A small synthetic store and a strategy file beside it.
fn sim(dir: &Path) -> PathBuf {
    ok(&rotor(&[
        "sim",
        "--seed",
        "5",
        "--years",
        "7",
        "--indices",
        "12",
        "--out",
        p(&dir.join("store")),
        "--quiet",
    ]));
    let cfg = dir.join("strategy.toml");
    fs::write(
        &cfg,
        "name = \"t\"\nstore = \"store\"\nstart = \"2013-01-01\"\n[portfolio]\ntop_n = 3\nmode = \"etf\"\n",
    )
    .unwrap();
    cfg
}

fn read_dir_bytes(d: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn backtest_writes_a_deterministic_run_folder() {
    let d = tempfile::tempdir().unwrap();
    let cfg = sim(d.path());
    let (a, b) = (d.path().join("run_a"), d.path().join("run_b"));
    let stdout = ok(&rotor(&["backtest", "--config", p(&cfg), "--out", p(&a)]));
    assert!(
        stdout.contains("年度表现") && stdout.contains("轮动超沪深300收益率"),
        "{stdout}"
    );
    assert!(stdout.contains("recommendation as of"));
    ok(&rotor(&[
        "backtest",
        "--config",
        p(&cfg),
        "--out",
        p(&b),
        "--quiet",
    ]));
    let (fa, fb) = (read_dir_bytes(&a), read_dir_bytes(&b));
    let names: Vec<&str> = fa.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "config.toml",
        "fingerprint.json",
        "yearly.csv",
        "yearly_en.csv",
        "monthly.csv",
        "nav.csv",
        "holdings.csv",
        "regime.csv",
        "factor_by_regime.csv",
        "factor_availability.csv",
        "recommendation.csv",
        "recommendation.json",
        "summary.json",
        "notes.txt",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert_eq!(fa, fb, "same inputs → byte-identical outputs");
    let yearly = fs::read_to_string(a.join("yearly.csv")).unwrap();
    assert!(yearly.starts_with(
        "年份,轮动组合收益率,等权组合收益率,沪深300收益率,轮动超等权收益率,轮动超沪深300收益率"
    ));
    assert!(yearly.lines().last().unwrap().starts_with("年化,"));
    let en = fs::read_to_string(a.join("yearly_en.csv")).unwrap();
    assert!(en.starts_with(
        "year,rotation,equal_weight,benchmark,excess_vs_equal_weight,excess_vs_benchmark"
    ));
    // excess columns are differences of the return columns
    for line in en.lines().skip(1) {
        let v: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(
            (v[3] - (v[0] - v[1])).abs() < 1e-12 && (v[4] - (v[0] - v[2])).abs() < 1e-12,
            "{line}"
        );
    }
    // ETF mode: instruments are ETFs; the resolved config records the mode
    let h = fs::read_to_string(a.join("holdings.csv")).unwrap();
    let row: Vec<&str> = h.lines().nth(1).unwrap().split(',').collect();
    assert!(
        row[6].starts_with("51") || row[6].starts_with("15"),
        "{row:?}"
    );
    assert!(fs::read_to_string(a.join("config.toml"))
        .unwrap()
        .contains("mode = \"etf\""));
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(a.join("summary.json")).unwrap()).unwrap();
    assert!(s["rebalances"].as_u64().unwrap() > 40);
}

#[test]
fn recommend_regime_and_sweep() {
    let d = tempfile::tempdir().unwrap();
    let cfg = sim(d.path());
    let out = ok(&rotor(&[
        "recommend",
        "--config",
        p(&cfg),
        "--date",
        "2016-06-15",
        "--json",
    ]));
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["date"], "2016-06-15");
    let rows = r["rows"].as_array().unwrap();
    assert!(rows.len() >= 5);
    assert_eq!(rows.iter().filter(|x| x["selected"] == true).count(), 3);
    assert!(rows[0]["extra"]["momentum"].is_number());
    assert!(rows[0]["etf"].is_string());
    // a date before the data is refused clearly
    let o = rotor(&["recommend", "--config", p(&cfg), "--date", "1999-01-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("before the first trading day"));

    let out = ok(&rotor(&[
        "regime",
        "--store",
        p(&d.path().join("store")),
        "--last",
        "6",
    ]));
    assert!(
        out.contains("months per regime") && out.contains("current ("),
        "{out}"
    );

    let sw = d.path().join("sweep");
    ok(&rotor(&[
        "sweep",
        "--config",
        p(&cfg),
        "--grid",
        "top_n=1..3 mc_window=60,120",
        "--out",
        p(&sw),
        "--quiet",
    ]));
    let t = fs::read_to_string(sw.join("sweep.csv")).unwrap();
    assert_eq!(t.lines().count(), 1 + 6);
    assert!(
        !sw.join("sweep.partial.csv").exists(),
        "the partial results go once the sweep is written"
    );
    let cfg_rec = fs::read_to_string(sw.join("config.toml")).unwrap();
    assert!(cfg_rec.contains("store = \"../store\""), "{cfg_rec}");
    assert!(t.starts_with("portfolio.top_n,factors.mc_window,total_return"));
    let h = fs::read_to_string(sw.join("heatmap_sharpe.csv")).unwrap();
    assert_eq!(h.lines().count(), 4);
    // bad keys are named
    let o = rotor(&["sweep", "--config", p(&cfg), "--grid", "nonsense=1,2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown key `nonsense`"));
}

#[test]
fn bad_strategy_files_name_the_problem() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("s.toml");
    fs::write(&f, "store = \"x\"\n[portfolio]\ntop_n = 0\n").unwrap();
    let o = rotor(&["backtest", "--config", p(&f)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("portfolio.top_n must be ≥ 1"));
    fs::write(&f, "store = \"x\"\n[portfolio]\ntopn = 3\n").unwrap();
    let e = String::from_utf8_lossy(&rotor(&["backtest", "--config", p(&f)]).stderr).into_owned();
    assert!(
        e.contains("s.toml") && e.contains("unknown field `topn`"),
        "{e}"
    );
    fs::write(&f, "store = \"missing-store\"\n").unwrap();
    let e = String::from_utf8_lossy(&rotor(&["backtest", "--config", p(&f)]).stderr).into_owned();
    assert!(e.contains("has no prices"), "{e}");
}

#[test]
fn real_bundle_examples_and_the_csi300_column() {
    let Some(_) = shared_data("the real-data rotation test") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let store = import_bundle(d.path());
    // the CSI 300 column of the yearly table against the source report
    let f = d.path().join("csi300.toml");
    fs::write(
        &f,
        format!(
            "name = \"csi300\"\nstore = \"{}\"\nstart = \"2012-12-01\"\nend = \"2025-09-30\"\n\
             [universe]\ncodes = [\"000300.SH\", \"000905.SH\", \"000852.SH\", \"000016.SH\", \"399006.SZ\"]\nsources = [\"akshare\"]\n\
             [signal]\nkind = \"momentum\"\nlookback = 60\n[portfolio]\ntop_n = 2\n",
            p(&store)
        ),
    )
    .unwrap();
    let run = d.path().join("run_csi300");
    ok(&rotor(&[
        "backtest",
        "--config",
        p(&f),
        "--out",
        p(&run),
        "--quiet",
    ]));
    let en = fs::read_to_string(run.join("yearly_en.csv")).unwrap();
    let col = |year: &str| -> f64 {
        let line = en
            .lines()
            .find(|l| l.starts_with(year))
            .unwrap_or_else(|| panic!("{year} missing: {en}"));
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    // whole years carry their number; the last one says it stops in September
    assert!(
        en.contains("\n2013,") && en.contains("\n2014,") && en.contains("\n2025 (Jan–Sep),"),
        "{en}"
    );
    assert!((col("2013") + 0.0765).abs() < 5e-5, "2013 {}", col("2013"));
    assert!((col("2014") - 0.5166).abs() < 5e-5, "2014 {}", col("2014"));
    assert!((col("2025") - 0.1794).abs() < 5e-5, "2025 {}", col("2025"));
    // the real examples run end to end and say what their data cannot support
    for name in ["china_index", "china_sw", "china_etf"] {
        let f = example(name, &store, d.path());
        let run = d.path().join(format!("run_{name}"));
        ok(&rotor(&[
            "backtest",
            "--config",
            p(&f),
            "--out",
            p(&run),
            "--quiet",
        ]));
        let notes = fs::read_to_string(run.join("notes.txt")).unwrap();
        assert!(notes.contains("analyst: excluded"), "{name}: {notes}");
        // a real-data run writes its report and workbook too
        for f in [
            "report.html",
            "report.xlsx",
            "regime.html",
            "charts/nav.png",
        ] {
            assert!(run.join(f).exists(), "{name}: {f} missing");
        }
        assert!(
            notes.contains("credit uses the M2Only proxy"),
            "{name}: {notes}"
        );
        let s: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
        assert!(s["months"].as_u64().unwrap() > 40, "{name}");
        let reco: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(run.join("recommendation.json")).unwrap())
                .unwrap();
        assert!(reco["rows"].as_array().unwrap().len() >= 5, "{name}");
    }
    // the real regime at end-Apr 2025 and end-Sep 2025 (SPEC §1.1 replication check:
    // LL expected with the TSF-stock YoY; the bundle has M2 only, so report, not assert)
    let etf_cfg = example("china_etf", &store, d.path());
    let out = ok(&rotor(&["regime", "--config", p(&etf_cfg), "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let at = |d: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["date"] == d)
            .map(|r| r["regime"].clone())
    };
    eprintln!(
        "real regime 2025-04-30: {:?}, 2025-09-30: {:?}",
        at("2025-04-30"),
        at("2025-09-30")
    );
    assert!(at("2025-09-30").is_some());
}

/// Values the data cannot honour are errors naming the key, the value and the choices:
/// a misspelt source used to fall back to another source in silence (38.52 % → 35.05 %),
/// a window outside the data exited 0 with "0 rebalances".
#[test]
fn config_values_the_data_cannot_honour_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let cfg = sim(d.path());
    let base = fs::read_to_string(&cfg).unwrap();
    let run = |name: &str, text: &str| {
        let f = d.path().join(name);
        fs::write(&f, text).unwrap();
        let o = rotor(&[
            "-q",
            "backtest",
            "--config",
            p(&f),
            "--out",
            p(&d.path().join("o")),
        ]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let text = base.replace(
        "[portfolio]",
        "[universe]\nsources = [\"nope\"]\n[portfolio]",
    );
    let (code, e) = run("sources.toml", &text);
    assert_eq!(code, Some(2), "{e}");
    assert!(
        e.contains("universe.sources") && e.contains("`nope`") && e.contains("sim"),
        "{e}"
    );
    for (name, window, key) in [
        ("late.toml", "start = \"2040-01-01\"", "2040-01-01"),
        ("early.toml", "end = \"1990-01-01\"", "1990-01-01"),
    ] {
        let text = base.replace("start = \"2013-01-01\"", window);
        let (code, e) = run(name, &text);
        assert_eq!(code, Some(2), "{e}");
        assert!(
            e.contains(name)
                && e.contains("start / end")
                && e.contains(key)
                && e.contains("the data run"),
            "{e}"
        );
        assert!(!e.contains("min_families"), "{e}");
    }
    let text = base.replace("name = \"t\"", "name = \"../../escape_name\"");
    let (code, e) = run("escape.toml", &text);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("name"), "{e}");
    assert!(!d.path().join("../escape_name").exists());
}

/// A target weight of 0 is listed but not picked: a style call all in one side used to
/// show its 0 % leg with the pick star.
#[test]
fn a_zero_target_is_listed_not_picked() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    ok(&rotor(&[
        "sim",
        "--years",
        "2",
        "--indices",
        "6",
        "--out",
        p(&store),
        "--quiet",
    ]));
    let f = d.path().join("bh.toml");
    fs::write(
        &f,
        format!(
            "name = \"bh\"\nstore = \"{}\"\n[strategy]\nkind = \"buy_hold\"\n[hold]\nweights = {{ \"000300.SH\" = 1.0, \"000905.SH\" = 0.0 }}\nrebalance = true\n",
            p(&store)
        ),
    )
    .unwrap();
    let reco: serde_json::Value =
        serde_json::from_str(&ok(&rotor(&["recommend", "--config", p(&f), "--json"]))).unwrap();
    let rows = reco["rows"].as_array().unwrap();
    let row = |code: &str| rows.iter().find(|r| r["asset"] == code).unwrap().clone();
    assert_eq!(row("000300.SH")["selected"], true);
    assert_eq!(row("000905.SH")["selected"], false, "{reco}");
}
