//! `rotor demo`: synthesize the default market and run the whole job on it — the data
//! check, the money + credit regime, the multi-factor rotation backtest with costs
//! against equal weight and CSI 300, and this month's ranked list. The strategy is
//! `examples/demo/strategy.toml` (embedded), pointed at the demo store. It ends by
//! writing the HTML report and the Excel workbook (and PNG charts) of the run and of
//! the regime, and printing their paths. Then the second report's market calls on the
//! same store (`examples/demo/{timing,size,composite}.toml`, embedded): macro equity
//! timing, the size rotation and the dividend + micro-cap composite rotation, each with
//! its run folder and report and a short summary. Last, a stock-level market (800 stocks,
//! 5 years, `<out>/stocks`), the risk model on it (`<out>/risk`), CSI 300's long-short
//! theoretical limit (`<out>/limit`) and an industry rotation on the Shenwan indices the
//! market builds from its stocks (`examples/demo/industries.toml` → `<out>/industries`);
//! then the funds, and last a walk-forward GBDT on the stocks' features (`<out>/ml`).

use crate::args::{CheckArgs, DemoArgs, SimArgs};
use crate::ui::Ui;
use anyhow::Result;
use rotor_engine::config::StrategyFile;
use rotor_engine::plan::Plan;
use rotor_engine::run::RunOptions;
use std::path::Path;

pub fn run(ui: &Ui, a: DemoArgs) -> Result<i32> {
    let store = a.out.join("store");
    ui.note(format!(
        "1/8 synthesizing the default market (seed {}) into {}",
        a.seed,
        store.display()
    ));
    crate::sim::run(
        ui,
        SimArgs {
            seed: a.seed,
            out: store.clone(),
            years: 15,
            indices: 40,
            constituents: false,
            stocks: 0,
            funds: 0,
            enhanced_funds: 0,
        },
    )?;
    ui.note("\n2/8 data check");
    let code = crate::data::check(
        ui,
        CheckArgs {
            store: store.clone(),
            calendar: "000300.SH".into(),
            csv: Some(a.out.join("data_check.csv")),
        },
    )?;
    ui.note("\n3/8 money + credit regime (SPEC §1)");
    let path = Path::new("examples/demo/strategy.toml");
    let mut file = StrategyFile::parse_at(
        include_str!("../../../examples/demo/strategy.toml"),
        path,
        Path::new("."),
    )?;
    file.engine.store = Some(store.clone());
    file.engine.out = a.out.clone();
    let plan = Plan::new(file, rotor_strategies::registry())?;
    let art = crate::strategy::run_plan(ui, &plan, RunOptions::default())?;
    if !ui.json {
        let c: Vec<String> = art
            .summary
            .label_counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out!("months per regime: {}", c.join(", "));
    }
    ui.note("\n4/8 rotation backtest (SPEC §2–§5) and this month's list");
    let dir = a.out.join("run");
    rotor_engine::write::write_run(&dir, &art)?;
    let written = crate::strategy::write_reports(ui, &art, &dir)?;
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&art.summary)?);
    } else {
        crate::strategy::print_run(ui, &art, &dir);
    }
    crate::ui::print_written(ui, &written);
    ui.note("\n5/8 macro timing, size rotation, dividend + micro-cap composite (SPEC §8–§10)");
    for (name, text) in MARKET_CALLS {
        run_market_call(ui, &a.out, &store, name, text)?;
    }
    ui.note("\n6/8 stock level: 800 stocks over 5 years (rotor_sim::stocks) with statements, the risk model (growth and leverage included), CSI 300's theoretical limit, and an industry rotation on the Shenwan indices built from the stocks");
    stock_level(ui, &a.out, a.seed)?;
    ui.note("\n7/8 funds: rolling alpha (SPEC §13), the style-rotating basket and core + satellite (SPEC §16): an index and the basket as the core, the rotation as the satellite");
    funds(ui, &a.out)?;
    ui.note("\n8/8 AI stock selection (SPEC §15): price-volume features of the stock market, weekly labels, a walk-forward GBDT and GRU retrained yearly and their ensemble (examples/demo/ml.toml has the full settings); the ensemble's predictions aggregated into index scores for the weekly AI rotation (SPEC §7, examples/demo/ai_rotation.toml)");
    ai_selection(ui, &a.out)?;
    ai_rotation(ui, &a.out)?;
    ui.note(format!("\ndemo outputs in {}", a.out.display()));
    Ok(code)
}

/// A stock-level market (planted size and value factor returns, indices built from the
/// stocks), `rotor risk` on it with its industries, and `rotor limit` of its CSI 300.
fn stock_level(ui: &Ui, out: &Path, seed: u64) -> Result<()> {
    let store = out.join("stocks");
    crate::sim::run(
        ui,
        SimArgs {
            seed,
            out: store.clone(),
            years: 5,
            indices: 0,
            constituents: false,
            stocks: 800,
            funds: 60,
            enhanced_funds: 12,
        },
    )?;
    crate::risk::run(
        ui,
        crate::args::RiskArgs {
            store: store.clone(),
            out: out.join("risk"),
            start: None,
            end: None,
            universe: Vec::new(),
            industries: Some(store.join("industries.csv")),
            constraint: "cap".into(),
            method: "joint".into(),
            cov_half_life: 90.0,
            no_report: false,
        },
    )?;
    crate::limit::run(
        ui,
        crate::args::LimitArgs {
            index: "000300.SH".into(),
            store: store.clone(),
            start: None,
            end: None,
            quantiles: 10,
            annual: "mean".into(),
            out: Some(out.join("limit")),
        },
    )?;
    // the index level of this market comes from its stocks: an industry rotation on
    // the Shenwan indices built from them
    run_market_call(
        ui,
        out,
        &store,
        "industries",
        include_str!("../../../examples/demo/industries.toml"),
    )
}

/// The funds of the stock-level market imported into the stock store (NAVs, profiles,
/// holdings), their rolling alpha (`<out>/fund_alpha`), the style-rotating basket of
/// `rotor funds rotation` (`<out>/fund_rotation`) and the enhanced-index funds' excess
/// (`<out>/fund_enhanced`) read from it, then core + satellite
/// (`examples/demo/core_satellite.toml`) run into `<out>/core_satellite` with its report.
fn funds(ui: &Ui, out: &Path) -> Result<()> {
    let stocks = out.join("stocks");
    let rot = out.join("fund_rotation");
    // the funds' NAVs, profiles and holdings into the stock store; the analyses read
    // them from there
    crate::funds::import(
        ui,
        crate::args::FundImportArgs {
            navs: Some(stocks.join("funds/nav")),
            info: Some(stocks.join("funds/info")),
            holdings: Some(stocks.join("funds/holdings")),
            store: stocks.clone(),
            source: "eastmoney".into(),
        },
    )?;
    // the active funds' rolling alpha on the market and the risk model's style factor
    // returns (SPEC §13), the enhanced-index funds' yearly excess (SPEC §14.1)
    crate::funds::alpha(
        ui,
        crate::args::FundAlphaArgs {
            navs: None,
            info: None,
            types: Vec::new(),
            factors: out.join("risk/factor_returns.csv"),
            store: stocks.clone(),
            market: "881001.WI".into(),
            sectors: Vec::new(),
            window: 250,
            min_obs: 200,
            balanced: false,
            industries: None,
            out: out.join("fund_alpha"),
        },
    )?;
    crate::funds::rotation(
        ui,
        crate::args::FundRotationArgs {
            holdings: None,
            store: stocks.clone(),
            industries: Some(stocks.join("industries.csv")),
            top: 20,
            out: rot,
        },
    )?;
    crate::funds::enhanced(
        ui,
        crate::args::FundEnhancedArgs {
            navs: None,
            info: None,
            store: stocks.clone(),
            factors: Some(out.join("risk/factor_returns.csv")),
            until: None,
            deposit_rate: 0.0035,
            out: out.join("fund_enhanced"),
        },
    )?;
    // the example's paths point at rotor-out/demo: written beside the outputs with `out`
    let abs = std::fs::canonicalize(out)?;
    let here = |t: &str| t.replace("../../rotor-out/demo", &abs.display().to_string());
    let cfg = out.join("core_satellite.toml");
    std::fs::write(
        &cfg,
        here(include_str!("../../../examples/demo/core_satellite.toml")),
    )?;
    std::fs::write(
        out.join("strategy.toml"),
        here(include_str!("../../../examples/demo/strategy.toml")),
    )?;
    let plan = crate::strategy::load_plan(&cfg)?;
    let art = crate::strategy::run_plan(ui, &plan, RunOptions::default())?;
    let dir = out.join("core_satellite");
    rotor_engine::write::write_run(&dir, &art)?;
    let written = crate::strategy::write_reports(ui, &art, &dir)?;
    if !ui.json {
        crate::strategy::print_brief(ui, &art, &dir);
    }
    crate::ui::print_written(ui, &written);
    Ok(())
}

/// The second report's strategies on the demo store: (run folder, strategy file).
const MARKET_CALLS: [(&str, &str); 3] = [
    ("timing", include_str!("../../../examples/demo/timing.toml")),
    ("size", include_str!("../../../examples/demo/size.toml")),
    (
        "composite",
        include_str!("../../../examples/demo/composite.toml"),
    ),
];

/// Run one embedded strategy file on the demo store into `<out>/<name>`, write its
/// report, print its headline figures, its call at the last date and its notes.
fn run_market_call(ui: &Ui, out: &Path, store: &Path, name: &str, text: &str) -> Result<()> {
    let path = Path::new("examples/demo").join(format!("{name}.toml"));
    let mut file = StrategyFile::parse_at(text, &path, Path::new("."))?;
    file.engine.store = Some(store.to_path_buf());
    file.engine.out = out.to_path_buf();
    run_demo_file(ui, out, name, file)
}

/// Run a strategy file into `<out>/<name>`, write its report, print its headline
/// figures, its call at the last date and its notes.
fn run_demo_file(ui: &Ui, out: &Path, name: &str, file: StrategyFile) -> Result<()> {
    let plan = Plan::new(file, rotor_strategies::registry())?;
    let art = crate::strategy::run_plan(ui, &plan, RunOptions::default())?;
    let dir = out.join(name);
    rotor_engine::write::write_run(&dir, &art)?;
    let written = crate::strategy::write_reports(ui, &art, &dir)?;
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&art.summary)?);
    } else {
        crate::strategy::print_brief(ui, &art, &dir);
    }
    crate::ui::print_written(ui, &written);
    Ok(())
}

/// The walk-forward GBDT on the stock market (`<out>/ml`): windows 5 / 20 / 60, two
/// years of training and a yearly retraining keep the demo quick (and leave three years
/// of predictions for the rotation); `examples/demo/ml.toml` has the full settings.
fn ai_selection(ui: &Ui, out: &Path) -> Result<()> {
    let job = out.join("ml.toml");
    std::fs::write(
        &job,
        "store = \"stocks\"\nhorizon = 5\nwindows = [5, 20, 60]\nretrain_months = 12\ntrain_years = 2\niterations = 200\nmodels = [\"gbdt\", \"gru\"]\ngru_hidden = 16\ngru_epochs = 4\n",
    )?;
    crate::ml::train(
        ui,
        crate::args::MlFeaturesArgs {
            config: job,
            out: out.join("ml"),
            store: None,
        },
    )
}

/// The AI rotation (`examples/demo/ai_rotation.toml`) on the GBDT's predictions, from
/// the first prediction on, into `<out>/ai_rotation` with its report.
fn ai_rotation(ui: &Ui, out: &Path) -> Result<()> {
    let abs = std::fs::canonicalize(out)?;
    let text = include_str!("../../../examples/demo/ai_rotation.toml")
        .replace("../../rotor-out/demo", &abs.display().to_string());
    let path = Path::new("examples/demo/ai_rotation.toml");
    let mut file = StrategyFile::parse_at(&text, path, Path::new("."))?;
    let select = rotor_data::longfile::RowFilter {
        column: "model",
        equals: "ensemble",
    };
    let pred = rotor_data::longfile::read_long_where(
        &out.join("ml/predictions.parquet"),
        None,
        Some(select),
    )?;
    let first = (0..pred.dates.len())
        .find(|&t| (0..pred.n_assets()).any(|j| pred.get(t, j).is_finite()))
        .map(|t| pred.dates[t]);
    file.engine.start = first;
    file.engine.out = out.to_path_buf();
    run_demo_file(ui, out, "ai_rotation", file)
}
