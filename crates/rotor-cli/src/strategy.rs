//! `rotor regime`, `rotor backtest`, `rotor recommend`, `rotor sweep`: thin shells over
//! rotor-strategy that print a compact terminal summary (or JSON with `--json`).

use crate::args::{RecommendArgs, RegimeArgs, RunArgs, SweepArgs};
use crate::ui::{f2, pct, print_written, sparkline, table, Ui};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rotor_strategy::config::StrategyConfig;
use rotor_strategy::load::{load, Loaded};
use rotor_strategy::pipeline::{run_pipeline, RunOutput};
use rotor_strategy::report;
use std::path::{Path, PathBuf};

fn load_cfg(path: &Path) -> Result<StrategyConfig> {
    StrategyConfig::load(path).with_context(|| format!("reading strategy file {}", path.display()))
}

fn run_dir(cfg: &StrategyConfig, out: Option<PathBuf>, suffix: &str) -> PathBuf {
    out.unwrap_or_else(|| cfg.out.join(format!("{}{suffix}", cfg.name)))
}

/// Print the notes (families excluded, proxies) — visible in every output.
fn print_notes(ui: &Ui, notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    ui.note("\nnotes:");
    for n in notes {
        ui.note(format!("  · {n}"));
    }
}

pub fn regime(ui: &Ui, a: RegimeArgs) -> Result<()> {
    let cfg = match (&a.config, &a.store) {
        (Some(c), _) => load_cfg(c)?,
        (None, Some(s)) => StrategyConfig {
            store: Some(s.clone()),
            ..Default::default()
        },
        (None, None) => bail!("give --config FILE or --store DIR"),
    };
    let ld = load(&cfg)?;
    let Some(ri) = &ld.regime else {
        bail!("the store has no macro dataset: import the 10Y yield and M2 YoY first (see examples/china_bundle.toml)");
    };
    let dates = rotor_strategy::pipeline::signal_dates(&ld.days, &cfg, ld.days.last().copied());
    let rows = rotor_regime::classify(ri, &dates, &cfg.regime);
    if let Some(p) = &a.csv {
        std::fs::write(p, report::regime_csv(&rows))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    let written = match &a.report {
        Some(dir) => vec![rotor_report::write(
            dir,
            "regime",
            &rotor_report::regime::report(&cfg.name, &rows, &cfg.regime),
            true,
        )?],
        None => Vec::new(),
    };
    if ui.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        print_written(ui, &written);
        return Ok(());
    }
    let mut counts = std::collections::BTreeMap::new();
    for r in &rows {
        *counts.entry(r.regime).or_insert(0usize) += 1;
    }
    let o = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into());
    let body: Vec<Vec<String>> = rows
        .iter()
        .rev()
        .take(a.last)
        .rev()
        .map(|r| {
            vec![
                r.date.to_string(),
                r.regime.code().into(),
                r.regime.zh().into(),
                o(r.ybar),
                o(r.dy),
                r.q_used
                    .map(|d| d.format("%Y-%m").to_string())
                    .unwrap_or_default(),
                o(r.m2),
                o(r.tsf),
                o(r.dc),
                r.credit_basis.into(),
            ]
        })
        .collect();
    println!(
        "{}",
        table(
            &[
                "date",
                "regime",
                "环境",
                "10Y avg",
                "Δy",
                "credit month",
                "M2 YoY",
                "TSF",
                "Δc",
                "credit basis"
            ],
            &body
        )
    );
    let c: Vec<Vec<String>> = counts
        .iter()
        .map(|(r, n)| vec![r.code().into(), r.zh().into(), n.to_string()])
        .collect();
    println!(
        "\nmonths per regime ({} month-ends)\n{}",
        rows.len(),
        table(&["regime", "环境", "months"], &c)
    );
    if let Some(r) = rows.last() {
        println!(
            "\ncurrent ({}): {} {} — money {:?} (10Y avg {} , Δy {} pp over {} months), credit {:?} (month {}, c {} , Δc {} pp, {}), inputs published by {}",
            r.date,
            r.regime.code(),
            r.regime.zh(),
            r.money,
            o(r.ybar),
            o(r.dy),
            cfg.regime.k_m,
            r.credit,
            r.q_used.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default(),
            o(r.c),
            o(r.dc),
            r.credit_basis,
            r.inputs_available_at.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    print_notes(ui, &ld.notes);
    print_written(ui, &written);
    Ok(())
}

/// Print the yearly table, summary and top of the recommendation.
pub fn print_run(ui: &Ui, cfg: &StrategyConfig, ld: &Loaded, out: &RunOutput, dir: &Path) {
    let (zh, _, rows) = report::yearly(cfg, out);
    if !rows.is_empty() {
        let body: Vec<Vec<String>> = rows
            .iter()
            .map(|(l, v)| {
                std::iter::once(l.clone())
                    .chain(v.iter().map(|x| pct(*x)))
                    .collect()
            })
            .collect();
        println!(
            "年度表现 / yearly performance\n{}",
            table(&zh.iter().map(String::as_str).collect::<Vec<_>>(), &body)
        );
    }
    let s = report::summary(cfg, out);
    let body: Vec<Vec<String>> = s
        .series
        .iter()
        .map(|x| {
            vec![
                x.name.clone(),
                pct(x.total_return),
                pct(x.cagr),
                pct(x.volatility),
                f2(x.sharpe),
                pct(x.max_drawdown),
            ]
        })
        .collect();
    println!(
        "\n{} → {} ({} months, {} rebalances, avg turnover {})\n{}",
        s.start.map(|d| d.to_string()).unwrap_or_default(),
        s.end.map(|d| d.to_string()).unwrap_or_default(),
        s.months,
        s.rebalances,
        f2(s.avg_turnover),
        table(
            &["series", "total", "CAGR", "vol", "Sharpe", "max DD"],
            &body
        )
    );
    let body: Vec<Vec<String>> = s
        .excess
        .iter()
        .map(|x| {
            vec![
                x.benchmark.clone(),
                pct(x.annualised_excess),
                pct(x.excess_max_drawdown),
                pct(x.tracking_error),
                f2(x.information_ratio),
                pct(x.monthly_win_rate),
            ]
        })
        .collect();
    if !body.is_empty() {
        println!(
            "{}",
            table(
                &[
                    "excess vs",
                    "ann. excess",
                    "excess max DD",
                    "TE",
                    "IR",
                    "monthly win"
                ],
                &body
            )
        );
    }
    if let Some(p) = &out.perf {
        let mut a = 1.0;
        let nav: Vec<f64> = p
            .net
            .iter()
            .map(|x| {
                a *= 1.0 + x;
                a
            })
            .collect();
        println!("NAV {}", sparkline(&nav, 60));
    }
    let reco = report::recommendation(cfg, ld, out);
    print_reco(&reco, cfg.portfolio.top_n.max(8));
    print_notes(ui, &out.notes);
    ui.note(format!("\nrun folder: {}", dir.display()));
}

fn print_reco(reco: &report::Recommendation, n: usize) {
    let Some(d) = reco.date else { return };
    let fams: Vec<String> = reco
        .rows
        .first()
        .map(|r| r.families.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers = vec![
        "rank".to_string(),
        "index".into(),
        "pick".into(),
        "score".into(),
    ];
    headers.extend(fams.iter().cloned());
    headers.push("ETF".into());
    let body: Vec<Vec<String>> = reco
        .rows
        .iter()
        .take(n)
        .map(|r| {
            let mut v = vec![
                r.rank.to_string(),
                r.index.clone(),
                if r.selected {
                    "★".into()
                } else {
                    String::new()
                },
                f2(r.score),
            ];
            v.extend(fams.iter().map(|f| f2(r.families[f])));
            v.push(r.etf.clone().unwrap_or_default());
            v
        })
        .collect();
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    println!(
        "\nrecommendation as of {d} — regime {} {}\n{}",
        reco.regime,
        reco.regime_zh,
        table(&h, &body)
    );
    for (f, subs) in &reco.chosen {
        println!(
            "  {f}: {}",
            if subs.is_empty() {
                "off".into()
            } else {
                subs.join(", ")
            }
        );
    }
}

pub fn backtest(ui: &Ui, a: RunArgs) -> Result<()> {
    let cfg = load_cfg(&a.config)?;
    let dir = run_dir(&cfg, a.out, "");
    let (ld, out) = run_cfg(ui, &cfg)?;
    report::write_run(&dir, &cfg, &ld, &out)?;
    let written = if a.no_report {
        Vec::new()
    } else {
        write_reports(ui, &cfg, &ld, &out, &dir)?
    };
    if ui.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report::summary(&cfg, &out))?
        );
    } else {
        print_run(ui, &cfg, &ld, &out, &dir);
    }
    print_written(ui, &written);
    Ok(())
}

/// Write the backtest report and the regime report of a run into its folder
/// (`report.html/.xlsx`, `regime.html/.xlsx`, `charts/*.png`).
pub fn write_reports(
    ui: &Ui,
    cfg: &StrategyConfig,
    ld: &Loaded,
    out: &RunOutput,
    dir: &Path,
) -> Result<Vec<rotor_report::Written>> {
    let pb = ui.bar(2, "report");
    pb.set_message("report");
    let mut w = vec![rotor_report::write(
        dir,
        "report",
        &rotor_report::backtest::report(cfg, ld, out),
        true,
    )?];
    pb.inc(1);
    if !out.regimes.is_empty() {
        w.push(rotor_report::write(
            dir,
            "regime",
            &rotor_report::regime::report(&cfg.name, &out.regimes, &cfg.regime),
            true,
        )?);
    }
    pb.inc(1);
    pb.finish_and_clear();
    Ok(w)
}

/// Load and run with stage notes.
pub fn run_cfg(ui: &Ui, cfg: &StrategyConfig) -> Result<(Loaded, RunOutput)> {
    let pb = ui.bar(2, "backtest");
    pb.set_message("loading");
    let ld = load(cfg)?;
    pb.inc(1);
    pb.set_message("running");
    let out = run_pipeline(&ld, cfg, None);
    pb.inc(1);
    pb.finish_and_clear();
    Ok((ld, out))
}

pub fn recommend(ui: &Ui, a: RecommendArgs) -> Result<()> {
    let cfg = load_cfg(&a.config)?;
    let date = match &a.date {
        Some(s) => Some(
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .with_context(|| format!("--date `{s}`: expected YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let ld = load(&cfg)?;
    let d = date.or(ld.days.last().copied());
    if let (Some(d), Some(first)) = (d, ld.days.first()) {
        if d < *first {
            bail!("--date {d} is before the first trading day in the data ({first})");
        }
    }
    let mut c = cfg.clone();
    c.end = d;
    let out = run_pipeline(&ld, &c, d);
    let reco = report::recommendation(&c, &ld, &out);
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir)?;
        std::fs::write(
            dir.join("recommendation.json"),
            serde_json::to_string_pretty(&reco)?,
        )?;
    }
    if ui.json {
        println!("{}", serde_json::to_string_pretty(&reco)?);
    } else {
        print_reco(&reco, reco.rows.len());
        print_notes(ui, &reco.notes);
    }
    Ok(())
}

pub fn sweep(ui: &Ui, a: SweepArgs) -> Result<()> {
    let cfg = load_cfg(&a.config)?;
    let axes = rotor_strategy::sweep::parse_grid(&a.grid, &cfg)?;
    let n: usize = axes.iter().map(|x| x.values.len()).product();
    ui.note(format!(
        "{n} variants over {}",
        axes.iter()
            .map(|x| x.key.as_str())
            .collect::<Vec<_>>()
            .join(" × ")
    ));
    let ld = load(&cfg)?;
    let t0 = std::time::Instant::now();
    let rows = rotor_strategy::sweep::run_sweep(&ld, &cfg, &axes)?;
    let dir = run_dir(&cfg, a.out, "-sweep");
    let files = rotor_strategy::sweep::write_sweep(&dir, &axes, &rows)?;
    std::fs::write(dir.join("config.toml"), cfg.to_toml())?;
    if ui.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let mut best: Vec<&rotor_strategy::sweep::VariantRow> = rows.iter().collect();
    best.sort_by(|a, b| b.sharpe.total_cmp(&a.sharpe));
    let body: Vec<Vec<String>> = best
        .iter()
        .take(10)
        .map(|r| {
            vec![
                r.params
                    .iter()
                    .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
                    .collect::<Vec<_>>()
                    .join(" "),
                pct(r.cagr),
                f2(r.sharpe),
                pct(r.max_drawdown),
                pct(r.excess_vs_benchmark),
                f2(r.avg_turnover),
            ]
        })
        .collect();
    println!(
        "best by Sharpe ({} variants in {:.2} s)\n{}",
        rows.len(),
        t0.elapsed().as_secs_f64(),
        table(
            &[
                "variant",
                "CAGR",
                "Sharpe",
                "max DD",
                "excess vs bench",
                "turnover"
            ],
            &body
        )
    );
    for f in files {
        ui.note(format!("wrote {}", f.display()));
    }
    Ok(())
}
