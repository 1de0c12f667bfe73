//! Reports end to end: the backtest, regime and evaluation reports are written as a
//! self-contained HTML page, an Excel workbook (tables with real numbers, native line
//! charts) and PNG charts; their numbers are the run's own tables; and — checked as a
//! person would — the pages render in headless Chromium without a console message and
//! with data drawn in every chart (skipped with a printed reason when Chromium is
//! absent).

use calamine::{open_workbook_auto, Data, Reader};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{ok, p, rotor};

const FIX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../rotor-eval/tests/fixtures/alphalens/"
);

/// A synthetic store, a backtest run, a regime report and an eval report under `d`.
/// Returns (run folder, regime folder, eval folder).
fn make_reports(d: &Path) -> (PathBuf, PathBuf, PathBuf) {
    ok(&rotor(&[
        "sim",
        "--seed",
        "11",
        "--years",
        "6",
        "--indices",
        "12",
        "--out",
        p(&d.join("store")),
        "--quiet",
    ]));
    let cfg = d.join("strategy.toml");
    fs::write(
        &cfg,
        "name = \"rpt\"\nstore = \"store\"\nstart = \"2013-01-01\"\n[portfolio]\ntop_n = 3\nmode = \"etf\"\n",
    )
    .unwrap();
    let run = d.join("run");
    let out = ok(&rotor(&["backtest", "--config", p(&cfg), "--out", p(&run)]));
    assert!(
        out.contains(&format!("report   {}", run.join("report.html").display())),
        "{out}"
    );
    assert!(out.contains(&format!("workbook {}", run.join("report.xlsx").display())));
    let reg = d.join("regime");
    ok(&rotor(&[
        "regime",
        "--config",
        p(&cfg),
        "--report",
        p(&reg),
        "--quiet",
    ]));
    let ev = d.join("eval");
    let labels = d.join("labels.csv");
    fs::write(&labels, "date,label\n2021-01-01,LL\n2021-03-01,TT\n").unwrap();
    ok(&rotor(&[
        "eval",
        "--by",
        p(&labels),
        "--factor",
        &format!("{FIX}factor.csv"),
        "--prices",
        &format!("{FIX}prices.csv"),
        "--periods",
        "1,3,5",
        "--out",
        p(&ev),
        "--quiet",
    ]));
    (run, reg, ev)
}

/// `(id, data-points)` of every chart in a page.
fn charts(html: &str) -> Vec<(String, usize)> {
    html.split("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"")
        .skip(1)
        .map(|s| {
            let id = s.split('"').next().unwrap().to_string();
            let n = s
                .split("data-points=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (id, n)
        })
        .collect()
}

fn has_chart(html: &str, id: &str) -> bool {
    charts(html).iter().any(|(i, n)| i == id && *n > 0)
}

#[test]
fn backtest_report_has_every_section_the_run_tables_and_a_workbook_with_charts() {
    let d = tempfile::tempdir().unwrap();
    let (run, reg, ev) = make_reports(d.path());
    page_has_every_section(&run);
    workbook_has_the_run_tables(&run);
    pngs_and_other_reports(&run, &reg, &ev);
}

/// The page: every section and chart, shaded regimes, the run's yearly table and config.
fn page_has_every_section(run: &Path) {
    let html = fs::read_to_string(run.join("report.html")).unwrap();
    for id in [
        "overview",
        "nav",
        "drawdown",
        "excess",
        "yearly",
        "monthly",
        "holdings",
        "factors",
        "quantiles",
        "recommendation",
        "regime",
        "config",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    for id in [
        "nav",
        "drawdown",
        "relative_nav",
        "yearly",
        "holdings",
        "turnover",
        "rank_ic_by_regime",
        "quantile_returns",
    ] {
        assert!(has_chart(&html, id), "chart {id} missing or empty");
    }
    // regimes shaded behind the NAV, Chinese labels, two-decimal percentages
    let nav_svg = html.split("class=\"chart\" id=\"nav\"").nth(1).unwrap();
    assert!(nav_svg
        .split("</svg>")
        .next()
        .unwrap()
        .contains("class=\"bands\""));
    // the yearly table of the page is the run's yearly.csv (zh, two decimals)
    let yearly = fs::read_to_string(run.join("yearly.csv")).unwrap();
    for line in yearly.lines().skip(1) {
        for cell in line.split(',').skip(1) {
            assert!(html.contains(&format!(">{cell}</td>")), "{cell} of {line}");
        }
    }
    // the config as run
    let cfg = fs::read_to_string(run.join("config.toml")).unwrap();
    let first_key = cfg.lines().find(|l| l.contains('=')).unwrap();
    assert!(html.contains(&first_key.replace('"', "&quot;")));
}

/// The workbook: real numbers equal to the run's CSVs, native charts, the drawdown and
/// heat map consistent with the summary and the yearly table.
fn workbook_has_the_run_tables(run: &Path) {
    let mut wb = open_workbook_auto(run.join("report.xlsx")).unwrap();
    let names = wb.sheet_names().to_vec();
    for want in [
        "概览",
        "年度收益",
        "月度收益",
        "调仓",
        "持仓",
        "本期推荐",
        "配置",
    ] {
        assert!(names.iter().any(|n| n == want), "sheet {want} in {names:?}");
    }
    let y = wb.worksheet_range("年度收益").unwrap();
    let en = fs::read_to_string(run.join("yearly_en.csv")).unwrap();
    for (r, line) in en.lines().skip(1).enumerate() {
        for (c, v) in line.split(',').skip(1).enumerate() {
            let want: f64 = v.parse().unwrap();
            match y.get_value((r as u32 + 1, c as u32 + 1)) {
                Some(Data::Float(got)) => assert!((got - want).abs() < 1e-12, "{line}"),
                other => panic!("row {r} col {c}: {other:?}"),
            }
        }
    }
    let nav_sheet = names
        .iter()
        .find(|n| n.contains("策略净值"))
        .unwrap()
        .clone();
    let nav = wb.worksheet_range(&nav_sheet).unwrap();
    let nav_csv = fs::read_to_string(run.join("nav.csv")).unwrap();
    let last: Vec<&str> = nav_csv.lines().last().unwrap().split(',').collect();
    let want: f64 = last[1].parse().unwrap();
    match nav.get_value((nav.height() as u32 - 1, 1)) {
        Some(Data::Float(got)) => assert!((got - want).abs() < 1e-9 * want),
        other => panic!("{other:?}"),
    }
    // the drawdown chart's deepest point is the summary's max drawdown
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let mdd = summary["series"][0]["max_drawdown"].as_f64().unwrap();
    assert_eq!(summary["series"][0]["name"], "strategy");
    let dd = wb.worksheet_range("回撤").unwrap();
    let deepest = dd
        .rows()
        .skip(1)
        .filter_map(|r| match r.get(1) {
            Some(Data::Float(x)) => Some(*x),
            _ => None,
        })
        .fold(0.0f64, f64::min);
    assert!((deepest + mdd).abs() < 1e-12, "{deepest} vs {mdd}");
    // each year of the monthly heat map compounds to the yearly table's return
    let mm = wb.worksheet_range("月度收益").unwrap();
    for line in en.lines().skip(1).filter(|l| !l.starts_with("annualised")) {
        // a partial year is labelled `2013 (Feb–Dec)`: the heat map's row is the year
        let year = &line.split(',').next().unwrap()[..4];
        let want: f64 = line.split(',').nth(1).unwrap().parse().unwrap();
        let row = mm
            .rows()
            .find(|r| r.first().map(|c| c.to_string()) == Some(year.to_string()))
            .unwrap_or_else(|| panic!("{year} missing from the heat map"));
        match row.get(13) {
            Some(Data::Float(got)) => {
                assert!((got - want).abs() < 1e-12, "{year}: {got} vs {want}")
            }
            other => panic!("{year}: {other:?}"),
        }
    }
    let bytes = fs::read(run.join("report.xlsx")).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(
        has("xl/charts/chart1.xml") && has("xl/charts/chart3.xml"),
        "native charts"
    );
}

/// PNG charts decode; the eval and regime reports are complete.
fn pngs_and_other_reports(run: &Path, reg: &Path, ev: &Path) {
    // PNG charts decode to a non-trivial picture
    for name in [
        "nav",
        "drawdown",
        "yearly",
        "rank_ic_by_regime",
        "yield",
        "credit",
    ] {
        let f = run.join("charts").join(format!("{name}.png"));
        let b = fs::read(&f).unwrap_or_else(|_| panic!("{} missing", f.display()));
        assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
        assert!(b.len() > 10_000, "{name}.png is {} bytes", b.len());
    }

    // regime report: the timeline charts and table
    let rh = fs::read_to_string(reg.join("regime.html")).unwrap();
    assert!(has_chart(&rh, "yield") && has_chart(&rh, "credit"));
    assert!(rh.contains("宏观环境时间线"));
    assert!(reg.join("regime.xlsx").exists());

    // eval report: IC series with its average, histogram, quantile returns, turnover
    let eh = fs::read_to_string(ev.join("report.html")).unwrap();
    for id in [
        "ic_1",
        "ic_hist",
        "cumulative_by_quantile",
        "mean_by_quantile",
        "turnover",
    ] {
        assert!(has_chart(&eh, id), "eval chart {id} missing or empty");
    }
    // grouped by the label (regime) known at each date, as by_label.csv
    let bl = fs::read_to_string(ev.join("by_label.csv")).unwrap();
    let tt = bl.lines().find(|l| l.starts_with("TT,1,")).unwrap();
    let rank_ic: f64 = tt.split(',').nth(3).unwrap().parse().unwrap();
    assert!(eh.contains("按标签") && eh.contains(&format!(">{rank_ic:.4}<")));
    let mut ewb = open_workbook_auto(ev.join("report.xlsx")).unwrap();
    assert!(ewb.sheet_names().iter().any(|n| n == "IC统计"));
    let s = ewb.worksheet_range("IC统计").unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(ev.join("summary.json")).unwrap()).unwrap();
    let want = summary["by_period"][0]["rank_ic"]["mean"].as_f64().unwrap();
    match s.get_value((1, 3)) {
        Some(Data::Float(got)) => assert!((got - want).abs() < 1e-12),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_report_flag_writes_tables_only() {
    let d = tempfile::tempdir().unwrap();
    ok(&rotor(&[
        "eval",
        "--factor",
        &format!("{FIX}factor.csv"),
        "--prices",
        &format!("{FIX}prices.csv"),
        "--out",
        p(d.path()),
        "--no-report",
        "--quiet",
    ]));
    assert!(d.path().join("ic.csv").exists());
    assert!(!d.path().join("report.html").exists());
    assert!(!d.path().join("report.xlsx").exists());
}

fn chromium() -> Option<PathBuf> {
    if let Ok(c) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(c));
    }
    for c in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(c).exists() {
            return Some(PathBuf::from(c));
        }
    }
    None
}

fn headless(chrome: &Path, profile: &Path, extra: &[&str], page: &Path) -> Output {
    Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

#[test]
fn reports_render_in_headless_chromium_with_every_chart_drawn() {
    let Some(chrome) = chromium() else {
        eprintln!("skipped: Chromium not found (apt-get install chromium, or set CHROMIUM)");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let (run, reg, ev) = make_reports(d.path());
    for page in [
        run.join("report.html"),
        reg.join("regime.html"),
        ev.join("report.html"),
    ] {
        let html = fs::read_to_string(&page).unwrap();
        let n = charts(&html).len();
        assert!(n > 0);
        let profile = tempfile::tempdir().unwrap();
        let o = headless(&chrome, profile.path(), &["--dump-dom"], &page);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let dom = String::from_utf8_lossy(&o.stdout);
        let body = dom
            .split("<body")
            .nth(1)
            .and_then(|b| b.split('>').next())
            .unwrap_or("");
        // the page's own check ran: every chart laid out with a non-empty data box
        assert!(
            body.contains(&format!("data-charts=\"{n}/{n}\"")),
            "{}: body {body}",
            page.display()
        );
        assert!(
            body.contains("data-errors=\"\""),
            "{}: {body}",
            page.display()
        );
        assert_eq!(dom.matches("data-drawn=\"1\"").count(), n);
        // nothing logged to the console (errors, warnings or otherwise)
        let log = String::from_utf8_lossy(&o.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{}: {console:?}", page.display());
        // and a screenshot as a person would see it
        let shot = d.path().join(format!(
            "{}.png",
            page.file_stem().unwrap().to_string_lossy()
        ));
        let profile = tempfile::tempdir().unwrap();
        let o = headless(
            &chrome,
            profile.path(),
            &[
                "--hide-scrollbars",
                "--window-size=1280,2000",
                &format!("--screenshot={}", shot.display()),
            ],
            &page,
        );
        assert!(o.status.success());
        let b = fs::read(&shot).unwrap();
        assert!(
            b.len() > 50_000,
            "screenshot of {} is {} bytes",
            page.display(),
            b.len()
        );
    }
}
