//! `rotor risk` end to end: on a small store built from files (stock bars with preclose,
//! turnover rates, an industry list), on the real bundle (skipping with a reason when
//! `../shared/data` is absent; its factor returns are compared with the vendor CNE5
//! factor returns of the bundle), and its errors.

mod common;

use common::{import_bundle, ok, p, rotor, shared_data};
use std::fs;
use std::path::{Path, PathBuf};

/// A deterministic store: 60 stocks in 3 industries, 400 days, one ex-rights day
/// (a 10-for-10 bonus with its preclose) and turnover rates in percent.
fn small_store(dir: &Path) -> (PathBuf, PathBuf) {
    let mut bars = String::from("date,code,open,high,low,close,preclose,volume,amount,turn\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(2020, 1, 2).unwrap();
    let mut days = Vec::new();
    while days.len() < 400 {
        if chrono::Datelike::weekday(&day).num_days_from_monday() < 5 {
            days.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    let mut ind = String::from("ts_code,industry\n");
    for j in 0..60u64 {
        let code = format!("{:06}.SZ", 1 + j);
        ind.push_str(&format!(
            "{code},{}\n",
            ["银行", "医药", "电子"][j as usize % 3]
        ));
        let mut close = 10.0 + j as f64;
        let shares = 1e8 * (1.0 + (j % 7) as f64);
        for (t, d) in days.iter().enumerate() {
            let x = ((t as u64 * 7919 + j * 104729) % 1000) as f64 / 1000.0 - 0.5;
            let mut pre = close;
            if j == 5 && t == 200 {
                pre = close / 2.0; // ex-rights: the exchange halves the reference price
            }
            close = pre * (1.0 + 0.03 * x);
            let turn = 1.0 + 2.0 * ((t + j as usize) % 5) as f64 / 5.0; // percent
            let volume = shares * turn / 100.0;
            bars.push_str(&format!(
                "{d},{code},{close:.4},{close:.4},{close:.4},{close:.4},{pre:.4},{volume:.0},{:.2},{turn:.4}\n",
                volume * close
            ));
        }
    }
    let b = dir.join("bars.csv");
    fs::write(&b, bars).unwrap();
    let i = dir.join("industries.csv");
    fs::write(&i, ind).unwrap();
    let store = dir.join("store");
    let map = format!(
        "[[import]]\npath = \"{}\"\ndataset = \"prices\"\npreset = \"baostock\"\nasset_type = \"stock\"\nsource = \"t\"\n\
         [[import]]\npath = \"{}\"\ndataset = \"valuation\"\ncolumns = {{ turnover_rate = \"turn\" }}\nscale = {{ turnover_rate = 0.01 }}\nsource = \"t\"\n",
        p(&b),
        p(&b)
    );
    let m = dir.join("map.toml");
    fs::write(&m, map).unwrap();
    ok(&rotor(&[
        "data",
        "import",
        "--mapping",
        p(&m),
        "--store",
        p(&store),
        "--quiet",
    ]));
    (store, i)
}

#[test]
fn risk_on_a_small_store_writes_every_table_and_survives_an_ex_rights_day() {
    let d = tempfile::tempdir().unwrap();
    let (store, ind) = small_store(d.path());
    let out = d.path().join("risk");
    let text = ok(&rotor(&[
        "risk",
        "--store",
        p(&store),
        "--out",
        p(&out),
        "--industries",
        p(&ind),
        "--start",
        "2020-06-01",
    ]));
    assert!(text.contains("risk model: 60 stocks"), "{text}");
    for f in [
        "exposures.parquet",
        "factor_returns.parquet",
        "factor_returns.csv",
        "specific_returns.parquet",
        "weights.parquet",
        "r2.csv",
        "covariance.csv",
        "summary.json",
        "notes.txt",
        "risk.html",
        "risk.xlsx",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let notes = fs::read_to_string(out.join("notes.txt")).unwrap();
    // every return from close / preclose: the bonus day is a normal day, nothing blanked
    assert!(
        notes.contains(
            "from close / preclose, 0 from the total-return close, 0 from adjustment factors, 0 from the price close"
        ),
        "{notes}"
    );
    assert!(!notes.contains("blanked"), "{notes}");
    assert!(notes.contains("amount / turnover_rate"), "{notes}");
    assert!(notes.contains("industries: 3"), "{notes}");
    // the specific returns read back through rotor's own long-file reader
    let spec =
        rotor_data::longfile::read_long(&out.join("specific_returns.parquet"), None).unwrap();
    assert_eq!(spec.assets.len(), 60);
    assert!(spec.dates[0] >= chrono::NaiveDate::from_ymd_opt(2020, 6, 1).unwrap());
    let big = spec.values.iter().filter(|v| v.abs() > 0.3).count();
    assert_eq!(big, 0, "an ex-rights day leaked into the returns");
    // factor returns: country, three industries, styles (turnover gives liquidity)
    let fr = fs::read_to_string(out.join("factor_returns.csv")).unwrap();
    for f in [
        "country",
        "industry:银行",
        "size",
        "beta",
        "momentum",
        "liquidity",
    ] {
        assert!(fr.contains(&format!(",{f},")), "{f} missing");
    }
    // the industry constraint on every day: Σ cap-weighted industry returns = 0 is
    // checked in rotor-risk; here the covariance is symmetric and annualised
    let cov = fs::read_to_string(out.join("covariance.csv")).unwrap();
    assert!(cov.starts_with("factor,country,"), "{cov}");
}

#[test]
fn risk_errors_name_the_problem() {
    let d = tempfile::tempdir().unwrap();
    let (store, _) = small_store(d.path());
    let out = d.path().join("risk");
    let run = |extra: &[&str]| {
        let mut a = vec!["risk", "--store", p(&store), "--out", p(&out)];
        a.extend_from_slice(extra);
        let o = rotor(&a);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, e) = run(&["--constraint", "sum"]);
    assert_ne!(code, Some(0));
    assert!(
        e.contains("--constraint `sum`") && e.contains("cap or equal"),
        "{e}"
    );
    let bad = d.path().join("bad.csv");
    fs::write(&bad, "symbol_x,sector\n000001,银行\n").unwrap();
    let (code, e) = run(&["--industries", p(&bad)]);
    assert_ne!(code, Some(0));
    assert!(
        e.contains("bad.csv") && e.contains("no code column") && e.contains("symbol_x"),
        "{e}"
    );
    let (code, e) = run(&["--start", "2031-01-01"]);
    assert_ne!(code, Some(0));
    assert!(e.contains("select no date"), "{e}");
    let empty = d.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let (code, e) = run(&["--store", p(&empty)]);
    assert_ne!(code, Some(0), "{e}");
}

#[test]
#[allow(clippy::too_many_lines)] // one import of the bundle feeds three checks
fn risk_on_the_real_bundle_tracks_the_vendor_cne5_factors() {
    let Some(root) = shared_data("the real-data risk test") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let store = import_bundle(d.path());
    let out = d.path().join("risk");
    let ind = root.join("raw/gat_quant/stock_industry.csv");
    ok(&rotor(&[
        "risk",
        "--store",
        p(&store),
        "--out",
        p(&out),
        "--industries",
        p(&ind),
        "--start",
        "2018-06-01",
        "--quiet",
    ]));
    let notes = fs::read_to_string(out.join("notes.txt")).unwrap();
    assert!(notes.contains("from close / preclose"), "{notes}");
    // turnover rates are stored as fractions (the bundle maps `turn`, in percent, with
    // scale 0.01): a median daily turnover of a large cap between 0.1 % and 20 %
    let s = rotor_data::store::Store::open(&store).unwrap();
    let t = rotor_data::panel::read_panel(
        &s,
        rotor_data::schema::Dataset::Valuation,
        "turnover_rate",
        None,
        &[],
    )
    .unwrap();
    let med = rotor_core::ops::cross::median(&t.values);
    assert!((0.001..0.2).contains(&med), "median turnover rate {med}");
    // our factor returns against the vendor's CNE5 factor returns, same days
    let ours = fs::read_to_string(out.join("factor_returns.csv")).unwrap();
    let mut mine: std::collections::HashMap<(String, String), f64> = Default::default();
    for l in ours.lines().skip(1) {
        let v: Vec<&str> = l.split(',').collect();
        mine.insert((v[0].to_string(), v[1].to_string()), v[2].parse().unwrap());
    }
    let vendor = fs::read_to_string(root.join("raw/quant_display_wind/cne5.csv")).unwrap();
    let mut lines = vendor.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(String::from)
        .collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let corr = |name: &str| -> (f64, usize) {
        let k = head.iter().position(|h| h == name).unwrap();
        let pairs: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| {
                Some((
                    r[k].parse::<f64>().ok()?,
                    *mine.get(&(r[0].to_string(), name.to_string()))?,
                ))
            })
            .collect();
        let n = pairs.len() as f64;
        let (ma, mb) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / n,
            pairs.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let cov: f64 = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum();
        let va: f64 = pairs.iter().map(|p| (p.0 - ma).powi(2)).sum();
        let vb: f64 = pairs.iter().map(|p| (p.1 - mb).powi(2)).sum();
        (cov / (va * vb).sqrt(), pairs.len())
    };
    let mut report = Vec::new();
    for f in [
        "size",
        "momentum",
        "beta",
        "residual_volatility",
        "non_linear_size",
        "liquidity",
    ] {
        let (c, n) = corr(f);
        report.push(format!("{f} {c:.2} ({n} days)"));
        // the same sign of every style's daily returns as the vendor's, on 381
        // survivorship-biased stocks against the vendor's whole market
        assert!(c > 0.15, "{f}: correlation with the vendor's CNE5 {c}");
    }
    eprintln!(
        "daily factor-return correlation with the vendor CNE5: {}",
        report.join(", ")
    );
    let (c, _) = corr("size");
    assert!(c > 0.6, "size: {c}");
    // SPEC §12 on the real CSI 300 weights: the seed puts CSI 300's limit near 30 % in
    // recent years; the bundle's stocks cover about a third of the members
    let lim = d.path().join("lim");
    let o = rotor(&[
        "limit",
        "--index",
        "000300.SH",
        "--store",
        p(&store),
        "--start",
        "2023-01-01",
        "--end",
        "2024-12-31",
        "--out",
        p(&lim),
    ]);
    let text = ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("coverage") && err.contains("survivorship"),
        "{err}"
    );
    let y = fs::read_to_string(lim.join("limit_yearly.csv")).unwrap();
    for l in y.lines().skip(1) {
        let v: f64 = l.split(',').nth(2).unwrap().parse().unwrap();
        assert!((0.15..0.50).contains(&v), "{l}");
    }
    eprintln!("CSI 300 theoretical limit on the bundle's covered members:\n{text}");
}

/// `rotor limit` on the small store with a weights file: each month's spread equals
/// the top-minus-bottom decile of the members' compounded returns computed here from
/// the stored closes and precloses.
#[test]
fn limit_of_a_small_index_matches_a_direct_computation() {
    let d = tempfile::tempdir().unwrap();
    let (store, _) = small_store(d.path());
    // 50 of the 60 stocks are members from the start; the rest join in May 2020
    let mut w = String::from("index_code,con_code,trade_date,weight\n");
    for (date, k) in [("20200102", 50), ("20200430", 60)] {
        for j in 0..k {
            w.push_str(&format!(
                "399300.SZ,{:06}.SZ,{date},{}\n",
                1 + j,
                100.0 / k as f64
            ));
        }
    }
    let wf = d.path().join("w.csv");
    fs::write(&wf, w).unwrap();
    ok(&rotor(&[
        "data",
        "import",
        "--dataset",
        "weights",
        "--preset",
        "tushare",
        "--store",
        p(&store),
        p(&wf),
        "--quiet",
    ]));
    let out = d.path().join("lim");
    let text = ok(&rotor(&[
        "limit",
        "--index",
        "000300.SH",
        "--store",
        p(&store),
        "--out",
        p(&out),
    ]));
    assert!(text.contains("theoretical limit of 000300.SH"), "{text}");
    let m = fs::read_to_string(out.join("limit_monthly.csv")).unwrap();
    let rows: Vec<Vec<String>> = m
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    // months Feb 2020 .. ; April's members are the 50, June's the 60
    let row = |month: &str| {
        rows.iter()
            .find(|r| r[0].starts_with(month))
            .unwrap()
            .clone()
    };
    assert_eq!(row("2020-04")[1], "50");
    assert_eq!(row("2020-06")[1], "60");
    assert_eq!(row("2020-06")[3], "1");
    // a direct computation for June 2020 from the stored bars
    let bars = fs::read_to_string(d.path().join("bars.csv")).unwrap();
    let mut g: std::collections::BTreeMap<String, f64> = Default::default();
    for l in bars.lines().skip(1) {
        let v: Vec<&str> = l.split(',').collect();
        if v[0].starts_with("2020-06") {
            let r = v[5].parse::<f64>().unwrap() / v[6].parse::<f64>().unwrap();
            *g.entry(v[1].to_string()).or_insert(1.0) *= r;
        }
    }
    let mut r: Vec<f64> = g.values().map(|x| x - 1.0).collect();
    r.sort_by(f64::total_cmp);
    let want = r[54..].iter().sum::<f64>() / 6.0 - r[..6].iter().sum::<f64>() / 6.0;
    let got: f64 = row("2020-06")[4].parse().unwrap();
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    let y = fs::read_to_string(out.join("limit_yearly.csv")).unwrap();
    assert!(y.starts_with("year,months,limit\n2020,"), "{y}");
    let o = rotor(&["limit", "--index", "000905.SH", "--store", p(&store)]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("000905.SH: no weights and no membership"));
}

/// `rotor eval --neutralize styles,industry`: a factor made of log cap plus noise comes
/// out uncorrelated with log cap on every date (the size style is standardised log cap),
/// the neutralised values are written, the config records it; without --store it is a
/// clear error.
#[test]
fn eval_neutralize_strips_the_size_exposure() {
    let d = tempfile::tempdir().unwrap();
    let (store, ind) = small_store(d.path());
    let bars = fs::read_to_string(d.path().join("bars.csv")).unwrap();
    // month-end factor values: ln(amount / turnover) + noise; prices as closes
    let mut month_last: std::collections::BTreeMap<(String, String), (String, f64)> =
        Default::default();
    let mut prices = String::from("date,asset,value\n");
    for l in bars.lines().skip(1) {
        let v: Vec<&str> = l.split(',').collect();
        let cap = v[8].parse::<f64>().unwrap() / (v[9].parse::<f64>().unwrap() / 100.0);
        month_last.insert(
            (v[0][..7].to_string(), v[1].to_string()),
            (v[0].to_string(), cap.ln()),
        );
        prices.push_str(&format!("{},{},{}\n", v[0], v[1], v[5]));
    }
    let mut factor = String::from("date,asset,value\n");
    let mut logcap: std::collections::HashMap<(String, String), f64> = Default::default();
    for (k, ((_, code), (date, lc))) in month_last.iter().enumerate() {
        let noise = ((k * 7919 % 1000) as f64 / 1000.0 - 0.5) * 0.5;
        factor.push_str(&format!("{date},{code},{}\n", lc + noise));
        logcap.insert((date.clone(), code.clone()), *lc);
    }
    let (ff, pf) = (d.path().join("f.csv"), d.path().join("p.csv"));
    fs::write(&ff, factor).unwrap();
    fs::write(&pf, prices).unwrap();
    let out = d.path().join("ev");
    let o = rotor(&[
        "eval",
        "--factor",
        p(&ff),
        "--prices",
        p(&pf),
        "--out",
        p(&out),
        "--no-report",
        "--quantiles",
        "3",
        "--neutralize",
        "styles,industry",
        "--store",
        p(&store),
        "--industries",
        p(&ind),
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("neutralised against size, beta"), "{err}");
    let cfg = fs::read_to_string(out.join("config.toml")).unwrap();
    assert!(
        cfg.contains("[neutralize]") && cfg.contains("styles"),
        "{cfg}"
    );
    let f = rotor_data::longfile::read_long(&out.join("factor_neutralized.parquet"), None).unwrap();
    let n = f.assets.len();
    let mut checked = 0;
    for (t, date) in f.dates.iter().enumerate() {
        let pairs: Vec<(f64, f64)> = (0..n)
            .filter_map(|j| {
                let v = f.values[t * n + j];
                let c = logcap.get(&(date.to_string(), f.assets[j].clone()))?;
                v.is_finite().then_some((v, *c))
            })
            .collect();
        if pairs.len() < 30 {
            continue;
        }
        let m = pairs.len() as f64;
        let (ma, mb) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / m,
            pairs.iter().map(|p| p.1).sum::<f64>() / m,
        );
        let cov: f64 = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum::<f64>();
        let sb: f64 = pairs.iter().map(|p| (p.1 - mb).powi(2)).sum::<f64>().sqrt();
        let sa: f64 = pairs.iter().map(|p| (p.0 - ma).powi(2)).sum::<f64>().sqrt();
        assert!(
            (cov / (sa * sb)).abs() < 1e-6,
            "{date}: corr {}",
            cov / (sa * sb)
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} dates checked");
    let o = rotor(&[
        "eval",
        "--factor",
        p(&ff),
        "--prices",
        p(&pf),
        "--out",
        p(&out),
        "--neutralize",
        "styles",
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--neutralize needs --store"));
}

/// The stock-level synthetic market end to end: `rotor sim --stocks`, `rotor risk` with its
/// industries, `rotor limit` of its CSI 300, and the planted alpha signal evaluated after
/// `--neutralize styles,industry` (the signal is independent of the styles, so its
/// RankIC survives; planted ≈ 0.08 a month).
#[test]
fn the_stock_market_feeds_risk_limit_and_a_neutralised_evaluation() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    ok(&rotor(&[
        "sim",
        "--stocks",
        "600",
        "--years",
        "3",
        "--out",
        p(&store),
        "--quiet",
    ]));
    let ind = store.join("industries.csv");
    let text = ok(&rotor(&[
        "risk",
        "--store",
        p(&store),
        "--out",
        p(&d.path().join("r")),
        "--industries",
        p(&ind),
        "--no-report",
    ]));
    assert!(text.contains("book_to_price"), "{text}");
    let text = ok(&rotor(&[
        "limit",
        "--index",
        "000300.SH",
        "--store",
        p(&store),
    ]));
    assert!(text.contains("2016"), "{text}");
    // closes as a long file for rotor eval
    let s = rotor_data::store::Store::open(&store).unwrap();
    let close =
        rotor_data::panel::read_panel(&s, rotor_data::schema::Dataset::Prices, "close", None, &[])
            .unwrap();
    let mut px = String::from("date,asset,value\n");
    let n = close.assets.len();
    for (t, day) in close.dates.iter().enumerate() {
        for j in 0..n {
            let v = close.values[t * n + j];
            if v.is_finite() {
                px.push_str(&format!("{day},{},{v}\n", close.assets[j]));
            }
        }
    }
    let pf = d.path().join("px.csv");
    fs::write(&pf, px).unwrap();
    let out = d.path().join("ev");
    let o = rotor(&[
        "eval",
        "--factor",
        p(&store.join("factors/alpha_signal.csv")),
        "--prices",
        p(&pf),
        "--periods",
        "20",
        "--quantiles",
        "10",
        "--out",
        p(&out),
        "--no-report",
        "--json",
        "--neutralize",
        "styles,industry",
        "--store",
        p(&store),
        "--industries",
        p(&ind),
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    let ic = json["by_period"][0]["rank_ic"]["mean"].as_f64().unwrap();
    assert!(ic > 0.04, "neutralised planted alpha RankIC {ic}");
}
