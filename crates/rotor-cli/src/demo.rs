//! `rotor demo`: synthesize the default market and run the whole job on it — the data
//! check, the money + credit regime, the multi-factor rotation backtest with costs
//! against equal weight and CSI 300, and this month's ranked list. The strategy is
//! `examples/demo/strategy.toml` (embedded), pointed at the demo store. It ends by
//! writing the HTML report and the Excel workbook (and PNG charts) of the run and of
//! the regime, and printing their paths.

use crate::args::{CheckArgs, DemoArgs, SimArgs};
use crate::ui::Ui;
use anyhow::Result;

pub fn run(ui: &Ui, a: DemoArgs) -> Result<i32> {
    let store = a.out.join("store");
    ui.note(format!(
        "1/4 synthesizing the default market (seed {}) into {}",
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
        },
    )?;
    ui.note("\n2/4 data check");
    let code = crate::data::check(
        ui,
        CheckArgs {
            store: store.clone(),
            calendar: "000300.SH".into(),
            csv: Some(a.out.join("data_check.csv")),
        },
    )?;
    ui.note("\n3/4 money + credit regime (SPEC §1)");
    let mut cfg =
        rotor_strategy::config::parse(include_str!("../../../examples/demo/strategy.toml"))
            .map_err(|e| anyhow::anyhow!("embedded demo strategy: {e}"))?;
    cfg.store = Some(store.clone());
    cfg.out = a.out.clone();
    cfg.validate(std::path::Path::new("examples/demo/strategy.toml"))?;
    let (ld, out) = crate::strategy::run_cfg(ui, &cfg)?;
    if !ui.json {
        let mut counts = std::collections::BTreeMap::new();
        for r in &out.regime_of {
            *counts.entry(r.code()).or_insert(0usize) += 1;
        }
        let c: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("months per regime: {}", c.join(", "));
    }
    ui.note("\n4/4 rotation backtest (SPEC §2–§5) and this month's list");
    let dir = a.out.join("run");
    rotor_strategy::report::write_run(&dir, &cfg, &ld, &out)?;
    let written = crate::strategy::write_reports(ui, &cfg, &ld, &out, &dir)?;
    if ui.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rotor_strategy::report::summary(&cfg, &out))?
        );
    } else {
        crate::strategy::print_run(ui, &cfg, &ld, &out, &dir);
    }
    ui.note(format!("\ndemo outputs in {}", a.out.display()));
    crate::ui::print_written(ui, &written);
    Ok(code)
}
