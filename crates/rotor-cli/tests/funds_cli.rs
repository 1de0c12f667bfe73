//! `rotor funds alpha | enhanced`: on hand-made NAV files (a planted alpha recovered, an
//! enhanced fund's yearly excess equal to a direct computation, a distribution day that
//! a NAV ratio would have read as a loss) and on the real fund data (skipping with a
//! reason when `../shared/data` is absent), where the source report's two statements are
//! checked and reported.

mod common;

use common::{import_bundle, ok, p, rotor, shared_data};
use std::fs;
use std::path::Path;

/// A store with one index (000300.SH) and 600 weekdays of closes; factor file; NAVs.
fn setup(dir: &Path) -> (std::path::PathBuf, Vec<(String, f64)>) {
    let mut day = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
    let mut days = Vec::new();
    while days.len() < 600 {
        if chrono::Datelike::weekday(&day).num_days_from_monday() < 5 {
            days.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    let mut idx = String::from("date,code,close\n");
    let mut fac = String::from("date,size,value\n");
    let mut close = 4000.0;
    let mut mkt = Vec::new();
    for (t, d) in days.iter().enumerate() {
        let r = if t == 0 {
            0.0
        } else {
            ((t * 7919 % 1000) as f64 / 1000.0 - 0.5) * 0.03
        };
        close *= 1.0 + r;
        mkt.push((d.to_string(), r));
        idx.push_str(&format!("{d},000300.SH,{close:.6}\n"));
        let s = ((t * 104729 % 997) as f64 / 997.0 - 0.5) * 0.01;
        let v = ((t * 1299709 % 991) as f64 / 991.0 - 0.5) * 0.01;
        fac.push_str(&format!("{d},{s},{v}\n"));
    }
    let store = dir.join("store");
    let f = dir.join("idx.csv");
    fs::write(&f, idx).unwrap();
    ok(&rotor(&[
        "data",
        "import",
        "--dataset",
        "prices",
        "--asset-type",
        "index",
        "--store",
        p(&store),
        p(&f),
        "--quiet",
    ]));
    fs::write(dir.join("factors.csv"), fac).unwrap();
    (store, mkt)
}

#[test]
fn alpha_and_enhanced_excess_on_hand_made_funds() {
    let d = tempfile::tempdir().unwrap();
    let (store, mkt) = setup(d.path());
    let (navs, info) = (d.path().join("nav"), d.path().join("info"));
    fs::create_dir_all(&navs).unwrap();
    fs::create_dir_all(&info).unwrap();
    // fund A: 0.04 % a day of alpha plus 0.9 × market; fund E: enhanced, index + 0.01 %
    // a day with a distribution on day 300 (the unit NAV drops by 0.2)
    for (code, ty, a, b) in [
        ("000001", "股票型-普通", 0.0004, 0.9),
        ("000002", "股票型-增强指数", 0.0001, 1.0),
    ] {
        let mut nav = 1.0;
        let mut text = String::from("净值日期,单位净值,日增长率\n");
        for (t, (day, r)) in mkt.iter().enumerate() {
            let rf = if t == 0 { 0.0 } else { a + b * r };
            nav *= 1.0 + rf;
            let shown = if code == "000002" && t >= 300 {
                nav - 0.2
            } else {
                nav
            };
            text.push_str(&format!("{day},{shown:.10},{}\n", 100.0 * rf));
        }
        fs::write(navs.join(format!("{code}.csv")), text).unwrap();
        fs::write(
            info.join(format!("{code}.json")),
            format!("{{\"基金类型\": \"{ty}\", \"业绩比较基准\": \"沪深300指数收益率×95%+银行活期存款利率(税后)×5%\"}}"),
        )
        .unwrap();
    }
    let out = d.path().join("alpha");
    let o = rotor(&[
        "funds",
        "alpha",
        "--navs",
        p(&navs),
        "--info",
        p(&info),
        "--factors",
        p(&d.path().join("factors.csv")),
        "--store",
        p(&store),
        "--market",
        "000300.SH",
        "--out",
        p(&out),
    ]);
    let text = ok(&o);
    assert!(text.contains("1 funds"), "{text}");
    let med = fs::read_to_string(out.join("alpha_median.csv")).unwrap();
    let last: f64 = med
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!((last - 252.0 * 0.0004).abs() < 1e-6, "{last}");
    assert!(out.join("alpha.parquet").exists());
    assert!(out.join("report.html").exists() && out.join("charts/median_alpha.png").exists());
    let out = d.path().join("enh");
    let o = rotor(&[
        "funds",
        "enhanced",
        "--navs",
        p(&navs),
        "--info",
        p(&info),
        "--store",
        p(&store),
        "--out",
        p(&out),
    ]);
    ok(&o);
    // 2023 excess by hand: fund Π(1 + 0.0001 + r) − Π(1 + 0.95 r + 0.05·0.0035/252)
    let (mut f, mut b) = (1.0, 1.0);
    for (day, r) in mkt.iter().skip(1) {
        if day.starts_with("2023") {
            f *= 1.0 + 0.0001 + r;
            b *= 1.0 + 0.95 * r + 0.05 * 0.0035 / 252.0;
        }
    }
    let ex = fs::read_to_string(out.join("enhanced_excess.csv")).unwrap();
    let row = ex.lines().find(|l| l.contains(",2023,")).unwrap();
    let got: f64 = row.split(',').nth(5).unwrap().parse().unwrap();
    assert!((got - (f - b)).abs() < 1e-9, "{got} vs {}", f - b);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("0.35 %"), "{err}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("超额收益分布"),
        "the excess distribution table"
    );
}

#[test]
fn bad_nav_files_are_named() {
    let d = tempfile::tempdir().unwrap();
    let (store, _) = setup(d.path());
    let navs = d.path().join("nav");
    fs::create_dir_all(&navs).unwrap();
    fs::write(
        navs.join("000009.csv"),
        "净值日期,单位净值\n2024-13-01,1.0\n",
    )
    .unwrap();
    let o = rotor(&[
        "funds",
        "enhanced",
        "--navs",
        p(&navs),
        "--info",
        p(&navs),
        "--store",
        p(&store),
        "--out",
        p(&d.path().join("o")),
    ]);
    assert_ne!(o.status.code(), Some(0));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("000009.csv") && e.contains("row 2") && e.contains("净值日期"),
        "{e}"
    );
    // a value that is not a number is named, never read as missing
    fs::write(
        navs.join("000009.csv"),
        "净值日期,单位净值,日增长率\n2024-01-02,1.0,0.1\n2024-01-03,1.01,abc\n",
    )
    .unwrap();
    let o = rotor(&[
        "funds",
        "enhanced",
        "--navs",
        p(&navs),
        "--info",
        p(&navs),
        "--store",
        p(&store),
        "--out",
        p(&d.path().join("o")),
    ]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("000009.csv")
            && e.contains("row 3")
            && e.contains("日增长率")
            && e.contains("`abc`"),
        "{e}"
    );
    let ff = d.path().join("bad_factors.csv");
    fs::write(&ff, "date,size\n2022-01-03,0.001\n2022-01-04,x1\n").unwrap();
    fs::write(
        navs.join("000009.csv"),
        "净值日期,单位净值,日增长率\n2024-01-02,1.0,0.1\n",
    )
    .unwrap();
    let o = rotor(&[
        "funds",
        "alpha",
        "--navs",
        p(&navs),
        "--factors",
        p(&ff),
        "--store",
        p(&store),
        "--market",
        "000300.SH",
        "--out",
        p(&d.path().join("o")),
    ]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad_factors.csv") && e.contains("row 3") && e.contains("size"),
        "{e}"
    );
}

/// The real fund data, one import of the bundle for the three analyses.
#[test]
fn real_fund_data() {
    let Some(root) = shared_data("the real fund-data test") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let store = import_bundle(d.path());
    let raw = root.join("raw");
    alpha_falls_after_2021_and_enhanced_excess_is_reported(&raw, &store, d.path());
    holdings_rotation_says_what_the_data_supports(&raw, &store, d.path());
    core_satellite_runs_on_the_real_funds(&raw, &store, d.path());
    store_analyses_equal_the_files(&raw, &store, d.path());
}

/// The real fund profiles and holdings imported into the store (`fund_info`,
/// `fund_holdings`; the NAVs are there from the core + satellite test): rows accounted
/// for, Hong Kong holdings kept as written rather than read as Shenzhen codes, and the
/// analyses read from the store give what they gave on the files.
fn store_analyses_equal_the_files(raw: &Path, store: &Path, dir: &Path) {
    let o = rotor(&[
        "funds",
        "import",
        "--info",
        p(&raw.join("fund_nav_em/funds")),
        "--holdings",
        p(&raw.join("fund_holdings_em/holdings")),
        "--store",
        p(store),
    ]);
    let text = ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("{text}{err}");
    let row = |ds: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(ds))
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    // dataset, files, rows read, footers, excluded, dropped, kept
    assert_eq!(row("fund_info")[1..], ["206", "206", "0", "0", "0", "206"]);
    let h = row("fund_holdings");
    assert_eq!(h[1], "216");
    let (read, dropped, kept): (usize, usize, usize) = (
        h[2].parse().unwrap(),
        h[5].parse().unwrap(),
        h[6].parse().unwrap(),
    );
    assert_eq!(read, dropped + kept);
    assert!(dropped <= 2, "only the two repeated rows: {text}");
    // 00700 (Tencent, Hong Kong) is not 000700.SZ
    assert!(
        text.contains("unplaced_code") && text.contains("00700"),
        "{text}"
    );
    assert!(err.contains("benchmarks of 206 funds"), "{err}");
    rotation_from_store_equals(
        store,
        &raw.join("gat_quant/stock_industry.csv"),
        &dir.join("rot"),
        &dir.join("rot_store"),
    );
    let alpha = dir.join("alpha_store");
    ok(&rotor(&[
        "funds",
        "alpha",
        "--factors",
        p(&raw.join("quant_display_wind/cne5.csv")),
        "--store",
        p(store),
        "--out",
        p(&alpha),
    ]));
    same_numbers(
        &alpha.join("alpha_median.csv"),
        &dir.join("alpha").join("alpha_median.csv"),
    );
    // the balanced filter (SPEC §13) needs full holdings: on the bundle the first are
    // public on 2024-08-31, so the median starts there
    let bal = dir.join("alpha_balanced");
    let o = rotor(&[
        "funds",
        "alpha",
        "--factors",
        p(&raw.join("quant_display_wind/cne5.csv")),
        "--store",
        p(store),
        "--balanced",
        "--industries",
        p(&raw.join("gat_quant/stock_industry.csv")),
        "--out",
        p(&bal),
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("{err}");
    assert!(err.contains("balanced filter"), "{err}");
    let med = fs::read_to_string(bal.join("alpha_median.csv")).unwrap();
    let counted: Vec<&str> = med.lines().skip(1).filter(|l| !l.ends_with(",0")).collect();
    assert!(!counted.is_empty(), "{med}");
    for l in &counted {
        assert!(&l[..10] >= "2024-08-31", "{l}");
    }
}

/// `examples/core_satellite` on the bundle: the fund NAVs imported, the real basket
/// (published 2025-08-31 and 2025-10-31) held from its publication on, total returns
/// for every fund, the report written.
fn core_satellite_runs_on_the_real_funds(raw: &Path, store: &Path, dir: &Path) {
    let text = ok(&rotor(&[
        "funds",
        "import",
        "--navs",
        p(&raw.join("fund_nav_em/nav")),
        "--store",
        p(store),
    ]));
    assert!(text.contains("206 funds"), "{text}");
    let ex =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/core_satellite/strategy.toml");
    let cfg = fs::read_to_string(ex)
        .unwrap()
        .replace("../../rotor-out/china", p(store))
        .replace(
            "../../rotor-out/fund_rotation/basket.csv",
            p(&dir.join("rot/basket.csv")),
        )
        .replace("../../rotor-out/runs", p(&dir.join("runs")));
    let path = dir.join("core_satellite.toml");
    fs::write(&path, cfg).unwrap();
    let out = dir.join("cs");
    let o = rotor(&["backtest", "--config", p(&path), "--out", p(&out)]);
    let text = ok(&o);
    eprintln!("{text}");
    let notes = fs::read_to_string(out.join("notes.txt")).unwrap();
    assert!(
        notes.contains("206 of 206 assets"),
        "total returns for the funds: {notes}"
    );
    let sl = fs::read_to_string(out.join("sleeves.csv")).unwrap();
    let head: Vec<&str> = sl.lines().next().unwrap().split(',').collect();
    let j = head.iter().position(|h| *h == "core_funds_nav").unwrap();
    for l in sl.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let v: f64 = c[j].parse().unwrap();
        if c[0] <= "2025-08-31" {
            assert_eq!(v, 1.0, "cash before the first basket is published: {l}");
        }
    }
    let last: f64 = sl
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(j)
        .unwrap()
        .parse()
        .unwrap();
    assert!((last - 1.0).abs() > 1e-4, "funds held after publication");
    assert!(out.join("report.html").exists());
}

fn alpha_falls_after_2021_and_enhanced_excess_is_reported(raw: &Path, store: &Path, dir: &Path) {
    let d = dir;
    let out = d.join("alpha");
    let text = ok(&rotor(&[
        "funds",
        "alpha",
        "--navs",
        p(&raw.join("fund_nav_em/nav")),
        "--info",
        p(&raw.join("fund_nav_em/funds")),
        "--factors",
        p(&raw.join("quant_display_wind/cne5.csv")),
        "--store",
        p(store),
        "--out",
        p(&out),
    ]));
    let year = |y: &str| -> f64 {
        let l = text
            .lines()
            .find(|l| l.starts_with(y))
            .unwrap_or_else(|| panic!("{y}: {text}"));
        l.split_whitespace()
            .nth(1)
            .unwrap()
            .trim_end_matches('%')
            .parse()
            .unwrap()
    };
    eprintln!("active-fund median alpha by year:\n{text}");
    // the source report: alpha high in 2019–2021, falling from 2022 — the data agrees
    // the CSI All Share from the source that runs to the present: every month of 2024
    // (tushare's stops in 2023, which left 2 months)
    assert!(
        text.lines()
            .any(|l| l.starts_with("2024") && l.contains("(12 months)")),
        "{text}"
    );
    let high = (year("2020") + year("2021")) / 2.0;
    let low = (year("2023") + year("2024")) / 2.0;
    assert!(high > low + 5.0, "2020–21 {high} vs 2023–24 {low}");
    let out = d.join("enh");
    let text = ok(&rotor(&[
        "funds",
        "enhanced",
        "--navs",
        p(&raw.join("fund_nav_em/nav")),
        "--info",
        p(&raw.join("fund_nav_em/funds")),
        "--store",
        p(store),
        "--until",
        "2024-11-07",
        "--out",
        p(&out),
    ]));
    eprintln!("enhanced-index funds, median excess:\n{text}");
    // the source report says the 2024 median (to 7 November) was below zero for CSI 300
    // and CSI 500 enhanced funds; on these NAVs it is slightly positive for both — said
    // in the docs, not tuned
    let med = fs::read_to_string(out.join("enhanced_median.csv")).unwrap();
    for idx in ["000300.SH", "000905.SH"] {
        let l = med
            .lines()
            .find(|l| l.starts_with(&format!("{idx},2024,")))
            .unwrap();
        let n: i64 = l.split(',').nth(3).unwrap().parse().unwrap();
        let v: f64 = l.split(',').nth(2).unwrap().parse().unwrap();
        assert!(n >= 15 && v.abs() < 0.05, "{l}");
    }
}

/// `rotor funds rotation` on the real 2024–2025 holdings: it runs, says how much of the
/// reported weight the bundle's stocks cover and that value cannot be measured (no PB),
/// and writes the per-fund changes and the baskets; a malformed 季度 is named.
fn holdings_rotation_says_what_the_data_supports(raw: &Path, store: &Path, dir: &Path) {
    let d = dir;
    let out = d.join("rot");
    let o = rotor(&[
        "funds",
        "rotation",
        "--holdings",
        p(&raw.join("fund_holdings_em/holdings")),
        "--store",
        p(store),
        "--industries",
        p(&raw.join("gat_quant/stock_industry.csv")),
        "--out",
        p(&out),
    ]);
    let text = ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("{text}{err}");
    assert!(text.contains("203 funds on size"), "{text}");
    assert!(
        err.contains("holdings weight on stocks of the store")
            && err.contains("value is not measured"),
        "{err}"
    );
    let rot = fs::read_to_string(out.join("rotation.csv")).unwrap();
    assert!(rot.starts_with("fund,date,active_size,total_size,abs_active,active_return\n"));
    assert!(out.join("basket.csv").exists());
    let bad = d.join("bad");
    fs::create_dir_all(&bad).unwrap();
    fs::write(
        bad.join("000001_2025.csv"),
        "股票代码,占净值比例,季度\n600519,5.0,第一季度\n600036,4.0,2025年1季度\n",
    )
    .unwrap();
    let o = rotor(&[
        "funds",
        "rotation",
        "--holdings",
        p(&bad),
        "--store",
        p(store),
        "--out",
        p(&out),
    ]);
    assert_ne!(o.status.code(), Some(0));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("000001_2025.csv") && e.contains("row 2") && e.contains("季度"),
        "{e}"
    );
}

/// SPEC §16 end to end on the synthetic funds (`rotor sim --stocks --funds`): the planted
/// rotators (30 % of the funds, switching size tilt on foresight that is right 80 % of
/// the time) show a much larger absolute active rotation, a higher active rotation
/// return, and more than their share of the baskets.
#[test]
fn the_basket_finds_the_planted_rotators() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    ok(&rotor(&[
        "sim",
        "--stocks",
        "600",
        "--years",
        "5",
        "--funds",
        "50",
        "--out",
        p(&store),
        "--quiet",
    ]));
    let out = d.path().join("rot");
    let text = ok(&rotor(&[
        "funds",
        "rotation",
        "--holdings",
        p(&store.join("funds/holdings")),
        "--store",
        p(&store),
        "--industries",
        p(&store.join("industries.csv")),
        "--out",
        p(&out),
    ]));
    assert!(text.contains("50 funds on size + book_to_price"), "{text}");
    let rot: std::collections::HashMap<String, bool> =
        fs::read_to_string(store.join("funds/rotators.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let (f, r) = l.split_once(',').unwrap();
                (f.to_string(), r == "true")
            })
            .collect();
    let rows = fs::read_to_string(out.join("rotation.csv")).unwrap();
    let head: Vec<&str> = rows.lines().next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (mut ar, mut ret) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for l in rows.lines().skip(1) {
        let v: Vec<&str> = l.split(',').collect();
        let k = rot[v[0]] as usize;
        if let Ok(x) = v[col("abs_active")].parse::<f64>() {
            ar[k].push(x);
        }
        if let Ok(x) = v[col("active_return")].parse::<f64>() {
            ret[k].push(x);
        }
    }
    let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        mean(&ar[1]) > 5.0 * mean(&ar[0]),
        "AR {} vs {}",
        mean(&ar[1]),
        mean(&ar[0])
    );
    assert!(
        mean(&ret[1]) > mean(&ret[0]),
        "return {} vs {}",
        mean(&ret[1]),
        mean(&ret[0])
    );
    let basket = fs::read_to_string(out.join("basket.csv")).unwrap();
    // a basket is tradable from the report's publication, not its period end
    for l in basket.lines().skip(1) {
        let v: Vec<&str> = l.split(',').collect();
        let (period, public) = (v[0], v[1]);
        assert!(public > period, "{l}");
        if period.ends_with("-06-30") {
            assert!(public.ends_with("-08-31"), "{l}");
        }
    }
    let members: Vec<bool> = basket
        .lines()
        .skip(1)
        .map(|l| rot[l.split(',').nth(3).unwrap()])
        .collect();
    store_rotation_equals_files(&store, &out, d.path());
    let share = members.iter().filter(|x| **x).count() as f64 / members.len() as f64;
    assert!(
        members.len() > 100 && share > 0.35,
        "rotators are {share} of {} basket places (base rate 0.30)",
        members.len()
    );
}

/// Enhanced-index funds on the synthetic stock market (`--enhanced-funds`): each tracks
/// CSI 300 or CSI 500 built from the stocks with a planted yearly excess; `rotor funds
/// enhanced` reads their profiles' benchmark texts and recovers the excess.
#[test]
fn the_planted_enhanced_excess_is_recovered() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("stocks");
    ok(&rotor(&[
        "-q",
        "sim",
        "--stocks",
        "300",
        "--years",
        "5",
        "--enhanced-funds",
        "12",
        "--out",
        p(&store),
    ]));
    let out = d.path().join("enh");
    ok(&rotor(&[
        "funds",
        "enhanced",
        "--navs",
        p(&store.join("funds/nav")),
        "--info",
        p(&store.join("funds/info")),
        "--store",
        p(&store),
        "--out",
        p(&out),
    ]));
    let truth = fs::read_to_string(store.join("funds/enhanced.csv")).unwrap();
    let planted: Vec<(String, f64)> = truth
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[2].parse().unwrap())
        })
        .collect();
    assert_eq!(planted.len(), 12);
    let ex = fs::read_to_string(out.join("enhanced_excess.csv")).unwrap();
    let mean_excess = |fund: &str| {
        let v: Vec<f64> = ex
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[0] == fund && c[6].parse::<usize>().unwrap() > 200)
            .map(|c| c[5].parse::<f64>().unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let pairs: Vec<(f64, f64)> = planted.iter().map(|(f, a)| (*a, mean_excess(f))).collect();
    let n = pairs.len() as f64;
    let (ma, me) = (
        pairs.iter().map(|x| x.0).sum::<f64>() / n,
        pairs.iter().map(|x| x.1).sum::<f64>() / n,
    );
    let cov: f64 = pairs.iter().map(|(a, e)| (a - ma) * (e - me)).sum();
    let (va, ve): (f64, f64) = (
        pairs.iter().map(|(a, _)| (a - ma).powi(2)).sum(),
        pairs.iter().map(|(_, e)| (e - me).powi(2)).sum(),
    );
    let corr = cov / (va * ve).sqrt();
    eprintln!("planted vs recovered yearly excess: mean {ma:.4} vs {me:.4}, correlation {corr:.3}");
    assert!((me - ma).abs() < 0.015, "mean excess {me} vs planted {ma}");
    assert!(corr > 0.6, "correlation {corr}");
    // NAVs and profiles imported into the store give the same excess table
    ok(&rotor(&[
        "-q",
        "funds",
        "import",
        "--navs",
        p(&store.join("funds/nav")),
        "--info",
        p(&store.join("funds/info")),
        "--store",
        p(&store),
    ]));
    let out2 = d.path().join("enh_store");
    ok(&rotor(&[
        "funds",
        "enhanced",
        "--store",
        p(&store),
        "--out",
        p(&out2),
    ]));
    same_numbers(
        &out.join("enhanced_excess.csv"),
        &out2.join("enhanced_excess.csv"),
    );
}

/// Two CSV files with the same cells, numbers equal to 1e-10 relative (returns read back
/// from a stored total-return chain differ from the files' in the last bits).
fn same_numbers(a: &Path, b: &Path) {
    let (ta, tb) = (
        fs::read_to_string(a).unwrap(),
        fs::read_to_string(b).unwrap(),
    );
    assert_eq!(ta.lines().count(), tb.lines().count(), "{a:?} vs {b:?}");
    for (la, lb) in ta.lines().zip(tb.lines()) {
        for (x, y) in la.split(',').zip(lb.split(',')) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(u), Ok(v)) => assert!(
                    (u - v).abs() <= 1e-10 * u.abs().max(1.0) || (u.is_nan() && v.is_nan()),
                    "{la} vs {lb}"
                ),
                _ => assert_eq!(x, y, "{la} vs {lb}"),
            }
        }
    }
}

/// The sim's holdings imported into the store (`fund_holdings`) give the baskets and
/// changes `rotor funds rotation --holdings DIR` gave on the files.
fn store_rotation_equals_files(store: &Path, out: &Path, dir: &Path) {
    let text = ok(&rotor(&[
        "funds",
        "import",
        "--holdings",
        p(&store.join("funds/holdings")),
        "--store",
        p(store),
    ]));
    assert!(text.contains("fund_holdings"), "{text}");
    rotation_from_store_equals(
        store,
        &store.join("industries.csv"),
        out,
        &dir.join("rot_store"),
    );
}

/// `rotor funds rotation` on the store's holdings writes the `rotation.csv` and
/// `basket.csv` it wrote into `files_out` from the holdings files.
fn rotation_from_store_equals(store: &Path, industries: &Path, files_out: &Path, out: &Path) {
    ok(&rotor(&[
        "funds",
        "rotation",
        "--store",
        p(store),
        "--industries",
        p(industries),
        "--out",
        p(out),
    ]));
    for f in ["rotation.csv", "basket.csv"] {
        assert_eq!(
            fs::read_to_string(out.join(f)).unwrap(),
            fs::read_to_string(files_out.join(f)).unwrap(),
            "{f}: store vs files"
        );
    }
}

/// A fund stored with its unit NAV only (no tr_close): the analyses read unit-NAV
/// ratios for it and say so, naming the fund, instead of treating it as total return.
#[test]
fn a_fund_without_total_return_nav_is_named() {
    let d = tempfile::tempdir().unwrap();
    let (store, mkt) = setup(d.path());
    let mut nav = String::from("date,code,close\n");
    let mut v = 1.0;
    for (day, r) in &mkt {
        v *= 1.0 + r;
        nav.push_str(&format!("{day},000009.OF,{v:.6}\n"));
    }
    let f = d.path().join("nav.csv");
    fs::write(&f, nav).unwrap();
    ok(&rotor(&[
        "-q",
        "data",
        "import",
        "--dataset",
        "prices",
        "--asset-type",
        "fund",
        "--store",
        p(&store),
        p(&f),
    ]));
    let o = rotor(&[
        "funds",
        "alpha",
        "--factors",
        p(&d.path().join("factors.csv")),
        "--store",
        p(&store),
        "--market",
        "000300.SH",
        "--out",
        p(&d.path().join("alpha")),
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no total-return NAV") && err.contains("000009.OF"),
        "{err}"
    );
}
