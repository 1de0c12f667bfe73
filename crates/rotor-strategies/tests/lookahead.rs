//! SPEC §19.10 over the whole engine, for every registered strategy: for several dates
//! t, every row of every dataset published after t is changed in a copy of the store
//! (and an asset that exists only after t is added); each strategy is re-run on the copy
//! and its labels, scores, eligibility and target weights at every signal date ≤ t must
//! be bit-identical ([`rotor_engine::lookahead`]).

use chrono::NaiveDate;
use rotor_engine::lookahead::{check, mutate_store};
use rotor_engine::plan::Plan;
use rotor_engine::{execute, run::RunOptions};
use std::path::Path;

fn sim_store(dir: &Path) {
    // 25 indices: the first 20 sectors and broad indices, Wind All A, CSI 2000, the Wind
    // micro-cap and CNI growth / value (the timing, style and composite strategies)
    let sc = rotor_sim::SimConfig {
        years: 7,
        n_indices: 25,
        seed: 7,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir, &|| {}).unwrap();
}

/// A smaller market whose indices have stocks, membership and month-end weights (the
/// strategies that aggregate stocks into indices).
fn sim_store_with_constituents(dir: &Path) {
    let sc = rotor_sim::SimConfig {
        years: 7,
        n_indices: 10,
        seed: 7,
        constituents: true,
        ..Default::default()
    };
    rotor_sim::write_market(&sc, dir, &|| {}).unwrap();
}

/// Strategies that read index constituents.
const NEEDS_CONSTITUENTS: &[&str] = &["ai_rotation"];

/// A plan of `kind` on the store with the entry's example keys and `extra` keys.
fn plan(store: &Path, kind: &str, example: &str, extra: &str) -> Plan {
    let text = format!(
        "name = \"la\"\nstore = \"{}\"\nstart = \"2013-01-01\"\n{extra}\n[strategy]\nkind = \"{kind}\"\n{example}",
        store.display()
    );
    let f =
        rotor_engine::config::StrategyFile::parse_at(&text, Path::new("la.toml"), Path::new("."))
            .unwrap();
    Plan::new(f, rotor_strategies::registry()).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Days before publications: the day before an M2 release (monthly) and before a
/// statement announcement (quarterly), in mid-sample — a one-day leak at such a t reads
/// a value the mutation changed.
fn eves_of_publications(store: &Path) -> Vec<NaiveDate> {
    use rotor_data::{schema::Dataset, store::Store, table::days_to_date};
    let s = Store::open(store).unwrap();
    let mut out = Vec::new();
    for (ds, key, want) in [
        (Dataset::Macro, "series_id", "cn.m2_yoy"),
        (Dataset::Fundamentals, "code", ""),
    ] {
        let t = s.read(ds).unwrap();
        let mut days: Vec<NaiveDate> = t
            .date_col("available_at")
            .iter()
            .zip(t.str_col(key))
            .filter(|(_, k)| want.is_empty() || k.as_deref() == Some(want))
            .filter_map(|(a, _)| a.map(days_to_date))
            .filter(|a| *a > d("2015-01-01") && *a < d("2017-06-01"))
            .collect();
        days.sort();
        days.dedup();
        // a publication on a Tuesday..Friday: the eve is a trading day
        let eve = days
            .iter()
            .map(|a| *a - chrono::Duration::days(1))
            .find(|e| chrono::Datelike::weekday(e).num_days_from_monday() < 4)
            .expect("a publication mid-sample");
        out.push(eve);
    }
    out
}

#[test]
fn no_registered_strategy_reads_anything_published_after_t() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("store");
    sim_store(&plain);
    let with_constituents = dir.path().join("store-constituents");
    sim_store_with_constituents(&with_constituents);
    let dates = ["2015-06-30", "2016-11-30", "2017-03-15"];
    for e in rotor_strategies::registry() {
        let store = if NEEDS_CONSTITUENTS.contains(&e.kind) {
            &with_constituents
        } else {
            &plain
        };
        let mut variants = vec![String::new()];
        if e.kind == "rotation" {
            variants = vec![
                String::new(),
                "[selection]\nmode = \"adaptive\"\nn_min = 6\n".into(),
                "[portfolio]\nmode = \"etf\"\nexec_lag_days = 1\n".into(),
                "[signal]\nkind = \"low_volatility\"\nlookback = 60\n".into(),
                // every trading day is a signal date, so some fall the day before a
                // macro release or a statement announcement
                "[portfolio]\nrebalance = \"daily\"\n".into(),
            ];
        }
        for (k, extra) in variants.iter().enumerate() {
            // the portfolio / selection sections go after the example's keys
            let p = plan(store, e.kind, &format!("{}\n{extra}", e.example), "");
            let mut ts: Vec<NaiveDate> = dates.iter().map(|x| d(x)).collect();
            if extra.contains("daily") {
                ts.extend(eves_of_publications(store));
            }
            for (i, t) in ts.iter().enumerate() {
                let scratch = dir.path().join(format!("m-{}-{k}-{i}", e.kind));
                let n = check(&p, *t, &scratch).unwrap();
                let n = n.unwrap_or_else(|err| panic!("{} variant {k} at {t}: {err}", e.kind));
                assert!(
                    n >= 24,
                    "{} variant {k}: only {n} decisions compared before {t}",
                    e.kind
                );
            }
        }
    }
}

#[test]
fn the_mutation_is_real_and_a_leak_would_be_seen() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    sim_store(&store);
    let t = d("2016-11-30");
    let scratch = dir.path().join("m");
    let changed = mutate_store(&store, &scratch, t, true).unwrap();
    assert!(changed > 10_000, "{changed} rows changed");
    // the runs differ after t: the check compares decisions, not identical inputs
    let p = plan(&store, "rotation", "", "");
    let mut engine = p.engine.clone();
    engine.store = Some(scratch.clone());
    let q = p.with_engine(engine);
    let a = execute(&p, RunOptions::default()).unwrap().output;
    let b = execute(&q, RunOptions::default()).unwrap().output;
    let k = a.signal_dates.partition_point(|x| *x <= t);
    assert!(rotor_engine::lookahead::compare(&a, &b, t).is_ok());
    assert_ne!(a.steps[k..], b.steps[k..], "decisions after t must change");
    // comparing at a later date sees the difference
    assert!(rotor_engine::lookahead::compare(&a, &b, a.signal_dates[k + 2]).is_err());
}
