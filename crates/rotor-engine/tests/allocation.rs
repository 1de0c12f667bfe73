//! The allocators through the whole engine, with strategies defined in the test: a timing
//! position (risky asset + defensive asset), score weighting, and a scores decision on a
//! long price file.

use rotor_data::view::AsOf;
use rotor_engine::config::StrategyFile;
use rotor_engine::perf::SeriesKind;
use rotor_engine::plan::{Entry, Plan, StrategyParams};
use rotor_engine::run::RunOptions;
use rotor_engine::strategy::{
    BuildCtx, DataNeeds, Decision, Diagnostics, RunRecord, Scores, Step, Strategy,
};
use std::path::Path;

#[derive(Debug, Clone)]
struct Fixed(Decision);

impl StrategyParams for Fixed {
    fn to_toml(&self) -> toml::Table {
        toml::Table::new()
    }
    fn needs(&self) -> DataNeeds {
        DataNeeds::default()
    }
    fn build(&self, _ctx: &BuildCtx<'_>) -> Box<dyn Strategy> {
        Box::new(self.clone())
    }
}

impl Strategy for Fixed {
    fn decide(&mut self, _at: &AsOf<'_>) -> rotor_engine::Result<Step> {
        Ok(Step {
            decision: self.0.clone(),
            ..Default::default()
        })
    }
    fn finish(&mut self, _run: &RunRecord<'_>) -> Diagnostics {
        Diagnostics::default()
    }
}

fn position(_: &StrategyFile) -> rotor_engine::Result<Box<dyn StrategyParams>> {
    Ok(Box::new(Fixed(Decision::Position {
        asset: "A".into(),
        weight: 0.25,
    })))
}

fn scores(_: &StrategyFile) -> rotor_engine::Result<Box<dyn StrategyParams>> {
    // A and B selected (top 2), weighted 3 : 1 by positive score; C never
    Ok(Box::new(Fixed(Decision::Scores(Scores::plain(vec![
        3.0, 1.0, -1.0,
    ])))))
}

static REGISTRY: [Entry; 2] = [
    Entry {
        kind: "position",
        about: "a fixed timing position",
        parse: position,
        example: "",
    },
    Entry {
        kind: "scores",
        about: "fixed scores",
        parse: scores,
        example: "",
    },
];

/// Three assets with constant daily returns: A +1 %, B +0.1 %, C −1 %.
fn prices(dir: &Path) {
    let mut s = String::from("date,asset,value\n");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for k in 0..120u64 {
        let day = start + chrono::Days::new(k);
        for (a, g) in [("A", 1.01f64), ("B", 1.001), ("C", 0.99)] {
            s += &format!("{day},{a},{}\n", 100.0 * g.powi(k as i32));
        }
    }
    std::fs::write(dir.join("px.csv"), s).unwrap();
}

fn run(dir: &Path, text: &str) -> rotor_engine::run::RunOutput {
    let f = StrategyFile::parse_at(text, &dir.join("t.toml"), dir).unwrap();
    let plan = Plan::new(f, &REGISTRY).unwrap();
    rotor_engine::execute(&plan, RunOptions::default())
        .unwrap()
        .output
}

#[test]
fn a_timing_position_holds_its_weight_in_the_asset_and_the_rest_in_the_defensive_asset() {
    let dir = tempfile::tempdir().unwrap();
    prices(dir.path());
    let base = "prices_file = \"px.csv\"\n[benchmark]\ncode = \"\"\n[strategy]\nkind = \"position\"\n[portfolio]\nmin_history_days = 1\ncost_bps = 0.0\n";
    let out = run(dir.path(), &format!("{base}defensive = \"B\"\n"));
    let h = &out.holdings[0];
    assert_eq!(h.picks.len(), 2);
    assert_eq!(
        (h.picks[0].instrument.as_str(), h.picks[0].weight),
        ("A", 0.25)
    );
    assert_eq!(
        (h.picks[1].instrument.as_str(), h.picks[1].weight),
        ("B", 0.75)
    );
    // the first day after the trade earns 0.25·1 % + 0.75·0.1 %
    let r = out
        .perf
        .as_ref()
        .unwrap()
        .returns(SeriesKind::Strategy)
        .unwrap();
    assert!(
        (r[1] - (0.25 * 0.01 + 0.75 * 0.001)).abs() < 1e-12,
        "{}",
        r[1]
    );
    // without a defensive asset the rest is cash
    let out = run(dir.path(), base);
    let r = out
        .perf
        .as_ref()
        .unwrap()
        .returns(SeriesKind::Strategy)
        .unwrap();
    assert!((r[1] - 0.25 * 0.01).abs() < 1e-12);
    assert!(
        out.perf.unwrap().get(SeriesKind::EqualWeight).is_none(),
        "no EW for a position"
    );
}

#[test]
fn score_weighting_splits_by_positive_score() {
    let dir = tempfile::tempdir().unwrap();
    prices(dir.path());
    let text = "prices_file = \"px.csv\"\n[benchmark]\ncode = \"\"\n[strategy]\nkind = \"scores\"\n[portfolio]\nmin_history_days = 1\ntop_n = 2\nallocator = \"score_weighted\"\n";
    let out = run(dir.path(), text);
    let w: Vec<(String, f64)> = out.holdings[0]
        .picks
        .iter()
        .map(|p| (p.asset.clone(), p.weight))
        .collect();
    assert_eq!(w, vec![("A".to_string(), 0.75), ("B".to_string(), 0.25)]);
    let eq = run(dir.path(), &text.replace("score_weighted", "top_n"));
    assert!(eq.holdings[0].picks.iter().all(|p| p.weight == 0.5));
}
