//! `rotor sim`.

use crate::args::SimArgs;
use crate::ui::Ui;
use anyhow::Result;

pub fn run(ui: &Ui, a: SimArgs) -> Result<rotor_sim::SimSummary> {
    let cfg = rotor_sim::SimConfig {
        seed: a.seed,
        years: a.years,
        n_indices: a.indices,
        constituents: a.constituents,
        ..Default::default()
    };
    let bar = ui.bar(rotor_data::schema::Dataset::ALL.len() as u64, "simulating");
    let s = if a.stocks > 0 {
        let sc = rotor_sim::StockSimConfig {
            seed: a.seed,
            years: a.years,
            n_stocks: a.stocks,
            n_funds: a.funds,
            n_enhanced: a.enhanced_funds,
            ..Default::default()
        };
        rotor_sim::write_stock_market(&sc, &a.out)?
    } else {
        rotor_sim::write_market(&cfg, &a.out, &|| bar.inc(1))?
    };
    bar.finish_and_clear();
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        ui.note(format!(
            "synthetic market (seed {}) written to {}",
            a.seed,
            a.out.display()
        ));
        let rows: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|(d, n)| vec![d.clone(), n.to_string()])
            .collect();
        out!("{}", crate::ui::table(&["dataset", "rows"], &rows));
    }
    Ok(s)
}
