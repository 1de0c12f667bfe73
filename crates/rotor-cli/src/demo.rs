//! `rotor demo`: synthesize the default market and run everything that exists so far —
//! the data check, the calendar, a look at the regime inputs. Later stages (regime,
//! factors, backtest, report) are appended here as they land.

use crate::args::{CheckArgs, DemoArgs, ShowArgs, SimArgs};
use crate::ui::Ui;
use anyhow::Result;

pub fn run(ui: &Ui, a: DemoArgs) -> Result<i32> {
    let store = a.out.join("store");
    ui.note(format!(
        "1/3 synthesizing the default market (seed {}) into {}",
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
    ui.note("\n2/3 data check");
    let code = crate::data::check(
        ui,
        CheckArgs {
            store: store.clone(),
            calendar: "000300.SH".into(),
            csv: Some(a.out.join("data_check.csv")),
        },
    )?;
    ui.note("\n3/3 regime inputs: 10Y yield and M2 YoY");
    for s in ["cn.cgb_10y", "cn.m2_yoy"] {
        crate::data::show(
            ui,
            ShowArgs {
                code: s.into(),
                store: store.clone(),
                dataset: "macro".into(),
                field: None,
                source: None,
                last: 3,
            },
        )?;
    }
    ui.note(format!("\ndemo outputs in {}", a.out.display()));
    Ok(code)
}
