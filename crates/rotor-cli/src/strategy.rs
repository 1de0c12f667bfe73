//! `rotor regime`, `rotor backtest`, `rotor recommend`, `rotor sweep`: thin shells over
//! the engine that print a compact terminal summary (or JSON with `--json`).

use crate::args::{RecommendArgs, RegimeArgs, RunArgs, SweepArgs};
use crate::ui::{f2, pct, print_written, sparkline, table, Ui};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rotor_engine::artifacts::{self, RunArtifacts};
use rotor_engine::config::StrategyFile;
use rotor_engine::note::Note;
use rotor_engine::perf::SeriesKind;
use rotor_engine::plan::Plan;
use rotor_engine::run::RunOptions;
use rotor_engine::write::{recommendation_frame, write_file, write_run};
use rotor_strategies::registry;
use std::path::{Path, PathBuf};

/// Read and resolve a strategy file.
pub fn load_plan(path: &Path) -> Result<Plan> {
    Plan::load(path, registry())
        .with_context(|| format!("reading strategy file {}", path.display()))
}

/// Print the notes (families excluded, proxies) — visible in every output.
fn print_notes(ui: &Ui, notes: &[Note]) {
    if notes.is_empty() {
        return;
    }
    ui.note("\nnotes:");
    for n in notes {
        ui.note(format!("  · {}", n.text));
    }
}

pub fn regime(ui: &Ui, a: RegimeArgs) -> Result<()> {
    let (file, name) = match (&a.config, &a.store) {
        (Some(c), _) => {
            let f = StrategyFile::load(c)
                .with_context(|| format!("reading strategy file {}", c.display()))?;
            let n = f.engine.name.clone();
            (f, n)
        }
        (None, Some(s)) => {
            let text = format!("store = {:?}\n", s.display().to_string());
            (
                StrategyFile::parse_at(&text, Path::new("--store"), Path::new("."))?,
                "regime".to_string(),
            )
        }
        (None, None) => bail!("give --config FILE or --store DIR"),
    };
    let (rows, p) = rotor_strategies::rotation::regime_of(&file)?;
    let frame = rotor_strategies::rotation::regime_frame(&rows);
    if let Some(path) = &a.csv {
        std::fs::write(path, frame.to_csv())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let written = match &a.report {
        Some(dir) => vec![rotor_report::write(
            dir,
            "regime",
            &rotor_report::regime::report(&name, &frame, &p.regime.rules_zh()),
            true,
        )?],
        None => Vec::new(),
    };
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&rows)?);
        print_written(ui, &written);
        return Ok(());
    }
    print_regime(&rows, a.last, p.regime.k_m);
    print_written(ui, &written);
    Ok(())
}

fn print_regime(rows: &[rotor_regime::RegimeRow], last: usize, k_m: usize) {
    let o = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into());
    let month = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
    let body: Vec<Vec<String>> = rows
        .iter()
        .rev()
        .take(last)
        .rev()
        .map(|r| {
            vec![
                r.date.to_string(),
                r.regime.code().into(),
                r.regime.zh().into(),
                o(r.ybar),
                o(r.dy),
                month(r.q_used),
                o(r.m2),
                o(r.tsf),
                o(r.dc),
                r.credit_basis.to_string(),
            ]
        })
        .collect();
    let h = [
        "date",
        "regime",
        "环境",
        "10Y avg",
        "Δy",
        "credit month",
        "M2 YoY",
        "TSF",
        "Δc",
        "credit basis",
    ];
    out!("{}", table(&h, &body));
    let mut counts = std::collections::BTreeMap::new();
    for r in rows {
        *counts.entry(r.regime).or_insert(0usize) += 1;
    }
    let c: Vec<Vec<String>> = counts
        .iter()
        .map(|(r, n)| vec![r.code().into(), r.zh().into(), n.to_string()])
        .collect();
    out!(
        "\nmonths per regime ({} month-ends)\n{}",
        rows.len(),
        table(&["regime", "环境", "months"], &c)
    );
    if let Some(r) = rows.last() {
        out!(
            "\ncurrent ({}): {} {} — money {:?} (10Y avg {} , Δy {} pp over {k_m} months), credit {:?} (month {}, c {} , Δc {} pp, {}), inputs published by {}",
            r.date,
            r.regime.code(),
            r.regime.zh(),
            r.money,
            o(r.ybar),
            o(r.dy),
            r.credit,
            month(r.q_used),
            o(r.c),
            o(r.dc),
            r.credit_basis,
            r.inputs_available_at.map(|d| d.to_string()).unwrap_or_default()
        );
    }
}

/// Print the yearly table, the summary and the top of the recommendation.
pub fn print_run(ui: &Ui, a: &RunArtifacts, dir: &Path) {
    if !a.yearly.rows.is_empty() {
        let body: Vec<Vec<String>> = a
            .yearly
            .rows
            .iter()
            .map(|r| {
                std::iter::once(r.label.clone())
                    .chain(r.returns.iter().chain(&r.excess).map(|x| pct(*x)))
                    .collect()
            })
            .collect();
        let h: Vec<&str> = a.yearly.zh.iter().map(String::as_str).collect();
        out!("年度表现 / yearly performance\n{}", table(&h, &body));
    }
    let s = &a.summary;
    let body: Vec<Vec<String>> = s
        .series
        .iter()
        .map(|x| {
            vec![
                x.name.to_string(),
                pct(x.total_return),
                pct(x.cagr),
                pct(x.volatility),
                f2(x.sharpe),
                pct(x.max_drawdown),
            ]
        })
        .collect();
    out!(
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
                x.benchmark.to_string(),
                pct(x.annualised_excess),
                pct(x.excess_max_drawdown),
                pct(x.tracking_error),
                f2(x.information_ratio),
                pct(x.monthly_win_rate),
            ]
        })
        .collect();
    if !body.is_empty() {
        let h = [
            "excess vs",
            "ann. excess",
            "excess max DD",
            "TE",
            "IR",
            "monthly win",
        ];
        out!("{}", table(&h, &body));
    }
    if let Some(r) = a
        .perf
        .as_ref()
        .and_then(|p| p.returns(SeriesKind::Strategy))
    {
        out!(
            "NAV {}",
            sparkline(&rotor_metrics::stats::drawdown::nav_path(r), 60)
        );
    }
    print_reco(a, a.top_n.max(8));
    print_notes(ui, &a.notes);
    ui.note(format!("\nrun folder: {}", dir.display()));
}

/// A run in a few lines: its series, the call at the last date (the strategy's own
/// words) and its notes — for runs printed one after another (`rotor demo`).
pub fn print_brief(ui: &Ui, a: &RunArtifacts, dir: &Path) {
    let s = &a.summary;
    out!(
        "\n{} ({}): {} → {}",
        a.name,
        a.kind,
        s.start.map(|d| d.to_string()).unwrap_or_default(),
        s.end.map(|d| d.to_string()).unwrap_or_default()
    );
    let body: Vec<Vec<String>> = s
        .series
        .iter()
        .map(|x| {
            vec![
                x.name.to_string(),
                pct(x.total_return),
                pct(x.cagr),
                pct(x.volatility),
                f2(x.sharpe),
                pct(x.max_drawdown),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            &["series", "total", "CAGR", "vol", "Sharpe", "max DD"],
            &body
        )
    );
    if let Some(d) = a.recommendation.date {
        out!("call as of {d}:");
    }
    for line in &a.recommendation.text {
        out!("  {line}");
    }
    print_notes(ui, &a.notes);
    ui.note(format!("run folder: {}", dir.display()));
}

fn print_reco(a: &RunArtifacts, n: usize) {
    let reco = &a.recommendation;
    let Some(d) = reco.date else { return };
    let extras: Vec<String> = reco
        .rows
        .first()
        .map(|r| r.extra.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers = vec![
        "rank".to_string(),
        "asset".into(),
        "pick".into(),
        "score".into(),
        "weight".into(),
    ];
    headers.extend(extras.iter().cloned());
    headers.push("ETF".into());
    let body: Vec<Vec<String>> = reco
        .rows
        .iter()
        .take(n)
        .map(|r| {
            let mut v = vec![
                r.rank.to_string(),
                r.asset.clone(),
                if r.selected {
                    "★".into()
                } else {
                    String::new()
                },
                f2(r.score),
                pct(r.weight),
            ];
            v.extend(extras.iter().map(|f| f2(r.extra[f])));
            v.push(r.etf.clone().unwrap_or_default());
            v
        })
        .collect();
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let label = match (&reco.label, &reco.label_name) {
        (Some(c), Some(n)) => format!(
            " — {} {c} {n}",
            a.label_title.clone().unwrap_or_else(|| "label".into())
        ),
        _ => String::new(),
    };
    out!("\nrecommendation as of {d}{label}\n{}", table(&h, &body));
    for line in &reco.text {
        out!("  {line}");
    }
}

/// Run a plan and build its artifacts, with stage notes.
pub fn run_plan(ui: &Ui, plan: &Plan, opts: RunOptions) -> Result<RunArtifacts> {
    let pb = ui.bar(2, "backtest");
    pb.set_message("loading and running");
    let e = rotor_engine::execute(plan, opts)?;
    pb.inc(1);
    pb.set_message("tables");
    let a = artifacts::build(plan, &e.fingerprint, &e.output);
    pb.inc(1);
    pb.finish_and_clear();
    Ok(a)
}

pub fn backtest(ui: &Ui, a: RunArgs) -> Result<()> {
    let plan = load_plan(&a.config)?;
    let dir = a.out.unwrap_or_else(|| plan.engine.run_dir(""));
    let art = run_plan(ui, &plan, RunOptions::default())?;
    write_run(&dir, &art)?;
    let written = if a.no_report {
        Vec::new()
    } else {
        write_reports(ui, &art, &dir)?
    };
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&art.summary)?);
    } else {
        print_run(ui, &art, &dir);
    }
    print_written(ui, &written);
    Ok(())
}

/// Write the backtest report and, when the run has a regime table, the regime report
/// into its folder (`report.html/.xlsx`, `regime.html/.xlsx`, `charts/*.png`).
pub fn write_reports(ui: &Ui, a: &RunArtifacts, dir: &Path) -> Result<Vec<rotor_report::Written>> {
    let pb = ui.bar(2, "report");
    pb.set_message("report");
    let w = rotor_report::write_run_reports(a, dir, &|| pb.inc(1))?;
    pb.finish_and_clear();
    Ok(w)
}

pub fn recommend(ui: &Ui, a: RecommendArgs) -> Result<()> {
    let plan = load_plan(&a.config)?;
    let date = match &a.date {
        Some(s) => Some(
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .with_context(|| format!("--date `{s}`: expected YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let until = date.unwrap_or(NaiveDate::MAX);
    let art = run_plan(ui, &plan, RunOptions { until: Some(until) })?;
    if let (Some(d), None) = (date, art.recommendation.date) {
        bail!("--date {d} is before the first trading day of the data (or the strategy's start)");
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir)?;
        write_file(
            dir,
            "recommendation.csv",
            &recommendation_frame(&art).to_csv(),
        )?;
        write_file(
            dir,
            "recommendation.json",
            &serde_json::to_string_pretty(&art.recommendation)?,
        )?;
    }
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&art.recommendation)?);
    } else {
        print_reco(&art, art.recommendation.rows.len());
        print_notes(ui, &art.recommendation.notes);
    }
    Ok(())
}

/// `sweep.partial.csv`: each variant's row appended as it finishes (completion order),
/// so a long sweep shows results before it ends; removed once `sweep.csv` is written.
struct PartialResults {
    path: PathBuf,
    file: std::sync::Mutex<std::fs::File>,
}

impl PartialResults {
    fn create(dir: &Path, axes: &[rotor_engine::sweep::Axis]) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("sweep.partial.csv");
        let mut f =
            std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        use std::io::Write;
        writeln!(f, "{}", rotor_engine::sweep::csv_header(axes))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(PartialResults {
            path,
            file: std::sync::Mutex::new(f),
        })
    }

    /// Append one finished variant (a failed write only loses the partial view).
    fn push(&self, axes: &[rotor_engine::sweep::Axis], r: &rotor_engine::sweep::VariantRow) {
        use std::io::Write;
        if let Ok(mut f) = self.file.lock() {
            let _ = writeln!(f, "{}", rotor_engine::sweep::csv_line(axes, r));
        }
    }

    fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub fn sweep(ui: &Ui, a: SweepArgs) -> Result<()> {
    let plan = load_plan(&a.config)?;
    if plan.params.sleeves().is_some() {
        bail!("a sleeves strategy cannot be swept on data loaded once: sweep each sleeve's strategy file");
    }
    let axes = rotor_engine::sweep::parse_grid(&a.grid, &plan, a.max_variants)?;
    let n: usize = axes.iter().map(|x| x.values.len()).product();
    ui.note(format!(
        "{n} variants over {}",
        axes.iter()
            .map(|x| x.key.as_str())
            .collect::<Vec<_>>()
            .join(" × ")
    ));
    let ld = rotor_engine::load::load(&plan.load_spec())?;
    let t0 = std::time::Instant::now();
    let pb = ui.bar(n as u64, "sweep");
    let dir: PathBuf = a.out.unwrap_or_else(|| plan.engine.run_dir("-sweep"));
    let partial = PartialResults::create(&dir, &axes)?;
    let rows = rotor_engine::sweep::run_sweep(&plan, &ld, &axes, registry(), &|r| {
        partial.push(&axes, r);
        pb.inc(1);
    })?;
    pb.finish_and_clear();
    let files = rotor_engine::sweep::write_sweep(&dir, &axes, &rows)?;
    partial.remove();
    write_file(&dir, "config.toml", &plan.to_toml_at(&dir))?;
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let mut best: Vec<&rotor_engine::sweep::VariantRow> = rows.iter().collect();
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
    out!(
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
