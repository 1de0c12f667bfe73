//! The AI rotation (SPEC §7) on a synthetic market whose indices have constituents and
//! month-end weights: a planted stock alpha makes known indices win; an index whose
//! covered weight falls under 80 % is not eligible; the `model` key picks one model of a
//! predictions file; before the first prediction cash is held, and said.

mod common;
use common::{d, plan_at};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::days_to_date;
use rotor_engine::run::{RunOptions, RunOutput};
use rotor_engine::strategy::Decision;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn market(dir: &Path) {
    let sc = rotor_sim::SimConfig {
        years: 5,
        n_indices: 8,
        seed: 11,
        constituents: true,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir, &|| {}).unwrap();
}

/// Stock → its index (each synthetic stock belongs to one index), and the trading days.
fn stocks_and_days(dir: &Path) -> (BTreeMap<String, String>, Vec<chrono::NaiveDate>) {
    let s = Store::open(dir).unwrap();
    let w = s.read(Dataset::Weights).unwrap();
    let mut of = BTreeMap::new();
    for (ix, c) in w.str_col("index_code").iter().zip(w.str_col("code")) {
        of.insert(
            c.as_deref().unwrap().to_string(),
            ix.as_deref().unwrap().to_string(),
        );
    }
    let p = s.read(Dataset::Prices).unwrap();
    let mut days: Vec<_> = p
        .date_col("date")
        .iter()
        .filter_map(|x| x.map(days_to_date))
        .collect();
    days.sort();
    days.dedup();
    (of, days)
}

/// A predictions file from `from` on: per stock `alpha(index of the stock, stock)`,
/// models `gbdt` and `gru` (the latter the negative).
fn predictions(
    path: &Path,
    of: &BTreeMap<String, String>,
    days: &[chrono::NaiveDate],
    from: chrono::NaiveDate,
    alpha: impl Fn(&str, &str) -> Option<f64>,
) {
    let mut text = String::from("date,asset,model,value\n");
    for day in days.iter().filter(|x| **x >= from) {
        for (stock, ix) in of {
            if let Some(a) = alpha(ix, stock) {
                writeln!(text, "{day},{stock},gbdt,{a}").unwrap();
                writeln!(text, "{day},{stock},gru,{}", -a).unwrap();
            }
        }
    }
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, model: &str) -> RunOutput {
    let text = format!(
        "store = \"store\"\nstart = \"2013-01-01\"\n[strategy]\nkind = \"ai_rotation\"\n[portfolio]\nrebalance = \"weekly\"\ntop_n = 2\n[alpha]\nfile = \"pred.csv\"\nmodel = \"{model}\"\n"
    );
    rotor_engine::execute(&plan_at(&text, dir), RunOptions::default())
        .unwrap()
        .output
}

/// The indices held at each rebalance after `from`.
fn held_after(out: &RunOutput, from: chrono::NaiveDate) -> Vec<Vec<String>> {
    out.steps
        .iter()
        .filter(|s| s.date >= from && !s.targets.is_empty())
        .map(|s| {
            let mut v: Vec<String> = s.targets.iter().map(|t| t.0.clone()).collect();
            v.sort();
            v
        })
        .collect()
}

#[test]
fn planted_alpha_picks_its_indices_coverage_and_model_rules_hold() {
    let dir = tempfile::tempdir().unwrap();
    market(&dir.path().join("store"));
    let (of, days) = stocks_and_days(&dir.path().join("store"));
    let indices: Vec<String> = {
        let mut v: Vec<String> = of.values().cloned().collect();
        v.sort();
        v.dedup();
        v
    };
    assert!(indices.len() >= 6, "{indices:?}");
    // alpha = the index's rank (its stocks all carry it); the best index (last) loses
    // the predictions of most of its stocks from 2015 on
    let rank: BTreeMap<&str, f64> = indices
        .iter()
        .enumerate()
        .map(|(k, c)| (c.as_str(), k as f64))
        .collect();
    let best = indices.last().unwrap().clone();
    let from = d("2014-01-01");
    predictions(
        &dir.path().join("pred.csv"),
        &of,
        &days,
        from,
        |ix, stock| {
            let thinned = ix == best && stock.bytes().last().unwrap() % 4 != 0;
            (!thinned).then(|| rank[ix])
        },
    );
    let out = run(dir.path(), "gbdt");
    // before the predictions: cash, and a note says so
    let before: Vec<_> = out.steps.iter().filter(|s| s.date < from).collect();
    assert!(before.len() > 20);
    assert!(before
        .iter()
        .all(|s| matches!(&s.decision, Decision::Weights(w) if w.is_empty())));
    assert!(
        out.notes
            .iter()
            .any(|n| n.text.contains("had no index with alpha coverage")),
        "{:?}",
        out.notes
    );
    // the thinned best index is never eligible; the next two are always held
    let want = vec![
        indices[indices.len() - 3].clone(),
        indices[indices.len() - 2].clone(),
    ];
    let held = held_after(&out, d("2014-02-01"));
    assert!(held.len() > 80, "{} rebalances", held.len());
    assert!(held.iter().all(|h| *h == want), "{:?}", &held[..3]);
    assert!(
        out.notes
            .iter()
            .any(|n| n.text.contains(&best) && n.text.contains("less than 80 %")),
        "{:?}",
        out.notes
    );
    // the index score is the weighted mean of its members' alpha: here its rank
    let f = out
        .diagnostics
        .frames
        .iter()
        .find(|f| f.name == "index_scores")
        .unwrap();
    let (ix, sc, cov) = (
        f.texts("index").unwrap(),
        f.nums("score").unwrap(),
        f.nums("coverage").unwrap(),
    );
    let dates = f.dates("date").unwrap();
    for i in (0..ix.len()).filter(|&i| dates[i].unwrap() >= d("2014-02-01")) {
        if ix[i] == best {
            assert!(sc[i].is_nan() && cov[i] < 0.8, "{} {}", sc[i], cov[i]);
        } else {
            assert!((sc[i] - rank[ix[i].as_str()]).abs() < 1e-12 && cov[i] == 1.0);
        }
    }
    // the gru column holds the negative alpha: the two lowest ranks win
    let gru = run(dir.path(), "gru");
    let held = held_after(&gru, d("2014-02-01"));
    assert!(held
        .iter()
        .all(|h| *h == vec![indices[0].clone(), indices[1].clone()]));
}

#[test]
fn a_missing_file_or_a_bad_model_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let e = common::try_plan(
        "store = \"store\"\n[strategy]\nkind = \"ai_rotation\"\n[alpha]\nmin_coverage = 1.5\nsource = \"momentum\"\n",
        dir.path(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("alpha.min_coverage = 1.5"), "{e}");
    let e = common::try_plan(
        "store = \"store\"\n[strategy]\nkind = \"ai_rotation\"\n",
        dir.path(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("needs alpha.file"), "{e}");
    market(&dir.path().join("store"));
    std::fs::write(
        dir.path().join("pred.csv"),
        "date,asset,model,value\n2016-01-04,000001.SZ,gbdt,1\n",
    )
    .unwrap();
    let p = plan_at(
        "store = \"store\"\n[strategy]\nkind = \"ai_rotation\"\n[alpha]\nfile = \"pred.csv\"\nmodel = \"ensemble\"\n",
        dir.path(),
    );
    let e = rotor_engine::execute(&p, RunOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("pred.csv") && e.contains("no row has model = `ensemble`") && e.contains("gbdt"),
        "{e}"
    );
}
