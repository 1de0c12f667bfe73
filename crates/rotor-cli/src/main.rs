//! The `rotor` binary: a thin shell over the library crates. Flags are parsed by clap
//! into raw arguments ([`args`]), validated into typed settings in each command module,
//! and errors are reported with `anyhow` context.

/// `println!` that ends quietly on a closed pipe (see [`ui::write_stdout`]).
macro_rules! out {
    () => {
        $crate::ui::write_stdout(format_args!(""))
    };
    ($($t:tt)*) => {
        $crate::ui::write_stdout(format_args!($($t)*))
    };
}

mod args;
mod data;
mod demo;
mod eval;
mod funds;
mod limit;
mod ml;
mod risk;
mod sim;
mod strategy;
mod text;
mod ui;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let ui = ui::Ui {
        quiet: cli.quiet,
        json: cli.json,
    };
    let res = match cli.command {
        args::Command::Data(args::DataCmd::Import(a)) => data::import(&ui, a),
        args::Command::Data(args::DataCmd::Check(a)) => data::check(&ui, a),
        args::Command::Data(args::DataCmd::Show(a)) => data::show(&ui, a),
        args::Command::Sim(a) => sim::run(&ui, a).map(|_| 0),
        args::Command::Demo(a) => demo::run(&ui, a),
        args::Command::Eval(a) => eval::run(&ui, a).map(|_| 0),
        args::Command::Regime(a) => strategy::regime(&ui, a).map(|_| 0),
        args::Command::Backtest(a) => strategy::backtest(&ui, a).map(|_| 0),
        args::Command::Recommend(a) => strategy::recommend(&ui, a).map(|_| 0),
        args::Command::Sweep(a) => strategy::sweep(&ui, a).map(|_| 0),
        args::Command::Risk(a) => risk::run(&ui, a).map(|_| 0),
        args::Command::Limit(a) => limit::run(&ui, a).map(|_| 0),
        args::Command::Funds(args::FundsCmd::Alpha(a)) => funds::alpha(&ui, a).map(|_| 0),
        args::Command::Funds(args::FundsCmd::Enhanced(a)) => funds::enhanced(&ui, a).map(|_| 0),
        args::Command::Funds(args::FundsCmd::Rotation(a)) => funds::rotation(&ui, a).map(|_| 0),
        args::Command::Funds(args::FundsCmd::Import(a)) => funds::import(&ui, a).map(|_| 0),
        args::Command::Text(c) => text::run(&ui, c).map(|_| 0),
        args::Command::Ml(args::MlCmd::Features(a)) => ml::features(&ui, a).map(|_| 0),
        args::Command::Ml(args::MlCmd::Predict(a)) => ml::predict(&ui, a).map(|_| 0),
        args::Command::Ml(args::MlCmd::Train(a)) => ml::train(&ui, a).map(|_| 0),
    };
    match res {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
