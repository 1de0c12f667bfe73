//! Sweeps vary run parameters only, and a sweep row equals the direct run of the same
//! value — checked for every key of the resolved strategy file: each run-parameter key
//! with an alternative value, each load key refused by name.

mod common;
use common::{plan_at, sim};
use rotor_engine::load::load;
use rotor_engine::plan::Plan;
use rotor_engine::sweep::{
    apply, csv_header, csv_line, parse_grid, run_sweep, sweep_frame, variant_row, VariantRow,
};
use rotor_strategies::registry;
use std::path::Path;

/// Keys whose change alters what is loaded: a sweep must refuse them.
const LOAD_KEYS: [&str; 12] = [
    "store",
    "universe.codes",
    "universe.asset_type",
    "universe.exclude",
    "universe.exclude_names",
    "universe.sources",
    "benchmark.code",
    "macro.yield_10y",
    "macro.m2_yoy",
    "macro.tsf_stock_yoy",
    "macro.tsf_flow",
    "strategy.kind",
];

/// Keys that are not parameters of a run.
const NOT_SWEPT: [&str; 2] = ["name", "out"];

/// An alternative value for a run-parameter key (None = no alternative known: the test
/// fails so that a new key gets one).
fn alternative(key: &str, v: &toml::Value) -> Option<toml::Value> {
    use toml::Value as V;
    let s = |x: &str| Some(V::String(x.into()));
    match key {
        "signal.kind" => s("momentum"),
        "portfolio.rebalance" => s("weekly"),
        "portfolio.mode" => s("etf"),
        "portfolio.return_basis" => s("total_return"),
        "portfolio.allocator" => s("score_weighted"),
        "regime.money_level" => s("month_end"),
        "regime.money_rule" => s("ma_cross"),
        "regime.credit_rule" => s("both"),
        "regime.tsf_proxy" => s("flow12_yoy"),
        "factors.growth_source" => s("implied"),
        "factors.flow_transform" => s("ts_pct"),
        "factors.mc_variant" => s("frog_in_pan"),
        "factors.nb_cutoff" => s("2014-06-30"),
        "selection.mode" => s("adaptive"),
        "selection.disabled_families" => Some(V::Array(vec![V::String("flow".into())])),
        "selection.family_weights" => Some(toml::toml! { momentum = 2.0 }.into()),
        "factors.analyst_windows" => {
            Some(V::Array(vec![V::Integer(1), V::Integer(3), V::Integer(6)]))
        }
        "start" => s("2014-01-01"),
        "end" => s("2017-06-30"),
        "benchmark.equal_weight" => Some(V::Boolean(false)),
        "portfolio.defensive" => s("000300.SH"),
        _ => match v {
            V::Integer(i) => Some(V::Integer(if *i > 2 { i - 1 } else { i + 1 })),
            V::Float(f) => Some(V::Float(if *f == 0.0 { 0.05 } else { f * 0.8 })),
            V::Boolean(b) => Some(V::Boolean(!b)),
            _ => None,
        },
    }
}

/// Every leaf key of a table, dotted.
fn leaves(t: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(inner) if key != "selection.family_weights" => {
                leaves(inner, &key, out)
            }
            _ => out.push((key, v.clone())),
        }
    }
}

fn same(a: &VariantRow, b: &VariantRow) -> bool {
    let f = |r: &VariantRow| {
        [
            r.total_return,
            r.cagr,
            r.volatility,
            r.sharpe,
            r.max_drawdown,
            r.excess_vs_equal_weight,
            r.excess_vs_benchmark,
            r.avg_turnover,
        ]
        .map(f64::to_bits)
    };
    f(a) == f(b)
}

/// The direct run of `plan` with `key = value`, through a strategy file's text.
fn direct(plan: &Plan, key: &str, value: &toml::Value, base: &Path) -> VariantRow {
    let mut t = plan.to_table();
    let parts: Vec<&str> = key.split('.').collect();
    let mut cur = &mut t;
    for p in &parts[..parts.len() - 1] {
        cur = cur.get_mut(*p).and_then(|v| v.as_table_mut()).unwrap();
    }
    cur.insert(parts[parts.len() - 1].into(), value.clone());
    let text = toml::to_string(&t).unwrap();
    let p = plan_at(&text, base);
    let ld = load(&p.load_spec()).unwrap();
    variant_row(&p, &ld, &[]).unwrap()
}

#[test]
fn every_sweepable_key_equals_a_direct_run_and_load_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 5, 8, 11);
    let base = plan_at(
        "store = \".\"\nstart = 2013-01-01\n[selection]\nn_min = 6\n[portfolio]\ntop_n = 3\n",
        dir.path(),
    );
    let ld = load(&base.load_spec()).unwrap();
    let mut keys = Vec::new();
    leaves(&base.to_table(), "", &mut keys);
    assert!(keys.len() > 40, "{} keys", keys.len());
    let mut checked = 0;
    for (key, v) in keys {
        if NOT_SWEPT.contains(&key.as_str()) {
            assert!(
                parse_grid(&format!("{key}=x"), &base, 10).is_err(),
                "{key} must be refused"
            );
            continue;
        }
        let alt = if LOAD_KEYS.contains(&key.as_str()) {
            match &v {
                toml::Value::String(_) => toml::Value::String("000905.SH".into()),
                toml::Value::Array(_) => {
                    toml::Value::Array(vec![toml::Value::String("000905.SH".into())])
                }
                other => panic!("{key} = {other}"),
            }
        } else {
            alternative(&key, &v).unwrap_or_else(|| {
                panic!("no alternative value for `{key}` = {v}: add one to the test")
            })
        };
        let sets = vec![(key.clone(), alt.clone())];
        let swept = apply(&base, &sets, registry());
        if LOAD_KEYS.contains(&key.as_str()) {
            let e = swept
                .expect_err(&format!("{key} must be refused"))
                .to_string();
            assert!(e.contains(&key), "the refusal names {key}: {e}");
            continue;
        }
        let p = swept.unwrap_or_else(|e| panic!("{key} = {alt}: {e}"));
        let row = variant_row(&p, &ld, &sets).unwrap();
        let want = direct(&base, &key, &alt, dir.path());
        assert!(
            same(&row, &want),
            "{key} = {alt}: sweep {row:?} vs direct {want:?}"
        );
        checked += 1;
    }
    assert!(checked > 35, "{checked} keys checked");
}

/// Bug: `signal.ascending` was consumed by the loader, so a sweep over it reported the
/// same result for both values.
#[test]
fn a_sweep_over_ascending_gives_what_direct_runs_give() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 5, 8, 11);
    // the control factor of the sim as a user's score file
    let text = "store = \".\"\nstart = 2013-01-01\n[signal]\nkind = \"file\"\nfile = \"factors/control.csv\"\n";
    let plan = plan_at(text, dir.path());
    let ld = load(&plan.load_spec()).unwrap();
    let axes = parse_grid("signal.ascending=false,true", &plan, 100).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let rows = run_sweep(&plan, &ld, &axes, registry(), &|r| {
        seen.lock().unwrap().push(csv_line(&axes, r))
    })
    .unwrap();
    // the partial results are the lines of sweep.csv, in completion order
    let mut partial = seen.into_inner().unwrap();
    partial.sort();
    let full = sweep_frame(&axes, &rows).to_csv();
    let mut lines: Vec<String> = full.lines().skip(1).map(String::from).collect();
    lines.sort();
    assert_eq!(partial, lines);
    assert_eq!(full.lines().next().unwrap(), csv_header(&axes));
    assert_ne!(
        rows[0].cagr, rows[1].cagr,
        "both values gave {}",
        rows[0].cagr
    );
    for (r, asc) in rows.iter().zip(["false", "true"]) {
        let p = plan_at(&format!("{text}ascending = {asc}\n"), dir.path());
        let want = variant_row(&p, &load(&p.load_spec()).unwrap(), &[]).unwrap();
        assert!(same(r, &want), "ascending = {asc}");
    }
}

#[test]
fn grids_beyond_the_limit_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 3, 4, 1);
    let plan = plan_at("store = \".\"\n", dir.path());
    let e = parse_grid("top_n=1..9223372036854775807", &plan, 10_000)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--max-variants"), "{e}");
    let e = parse_grid(
        "portfolio.top_n=1..1000 factors.mc_window=1..1000",
        &plan,
        10_000,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("1000000 variants"), "{e}");
    assert!(
        parse_grid("top_n=1..3 top_n=4", &plan, 100).is_err(),
        "a key twice"
    );
}
