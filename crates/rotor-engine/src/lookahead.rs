//! The store-mutation look-ahead harness (SPEC §19.10).
//!
//! For a date t, [`mutate_store`] copies a store and changes **every row published
//! after t** (`available_at > t`) of every dataset: each non-key number is scaled and
//! shifted (`v → 1.7·v + 0.3`, every third row negated); optionally a new code that
//! exists only after t is added to the prices (a copy of an existing code's later rows),
//! which catches a universe built from the future. The trading calendar (dates, known in
//! advance) and all text stay as they were. Then [`check`] runs the plan on the store and
//! on both mutations, and [`compare`] asserts that every decision at a signal date ≤ t —
//! labels, scores and tie-breaks to the bit, eligibility, the instruments and weights
//! targeted, and the numbers the decision rests on (its trace, when the universes are
//! the same) — is identical. A strategy that reads anything published after t through
//! any path fails it.

use crate::error::Result;
use crate::plan::Plan;
use crate::run::{RunOptions, RunOutput};
use crate::strategy::Decision;
use chrono::NaiveDate;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::{date_to_days, Column, Table};
use std::path::Path;

/// Code of the asset added after t by [`mutate_store`].
pub const LATE_CODE: &str = "ZZLATE.SH";

/// Copy the store at `src` to `dst` with every row published after `t` changed, and
/// with [`LATE_CODE`] added when `late_code` (see the module docs). Returns the number of
/// rows changed or added.
pub fn mutate_store(src: &Path, dst: &Path, t: NaiveDate, late_code: bool) -> Result<usize> {
    let from = Store::open(src)?;
    let to = Store::open(dst)?;
    let mut changed = 0;
    let mut tables = Vec::new();
    for ds in Dataset::ALL {
        if !from.has(ds) {
            continue;
        }
        let mut table = from.read(ds)?;
        changed += perturb_after(&mut table, t);
        if ds == Dataset::Prices && late_code {
            changed += add_late_code(&mut table, t);
        }
        tables.push(table);
    }
    to.replace(tables)?;
    Ok(changed)
}

/// Change the non-key numbers of rows with `available_at > t`.
fn perturb_after(table: &mut Table, t: NaiveDate) -> usize {
    let td = date_to_days(t);
    let late: Vec<usize> = table
        .date_col("available_at")
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_some_and(|a| a > td))
        .map(|(i, _)| i)
        .collect();
    let specs = table.dataset.columns();
    for (k, spec) in specs.iter().enumerate() {
        if spec.key {
            continue;
        }
        if let Column::F64(v) = &mut table.columns[k] {
            for &i in &late {
                if v[i].is_finite() {
                    v[i] = if i % 3 == 0 { -v[i] } else { v[i] * 1.7 + 0.3 };
                }
            }
        }
    }
    late.len()
}

/// Add [`LATE_CODE`]: a copy of the rows after t of the first code that has some.
fn add_late_code(table: &mut Table, t: NaiveDate) -> usize {
    let td = date_to_days(t);
    let codes = table.str_col("code");
    let dates = table.date_col("date");
    let Some(first) = (0..table.len()).find(|&i| dates[i].is_some_and(|d| d > td)) else {
        return 0;
    };
    let code = codes[first].clone();
    let rows: Vec<usize> = (0..table.len())
        .filter(|&i| codes[i] == code && dates[i].is_some_and(|d| d > td))
        .collect();
    let mut extra = table.take(&rows);
    let ci = Dataset::Prices.column_index("code").expect("code column");
    if let Column::Str(v) = &mut extra.columns[ci] {
        for x in v.iter_mut() {
            *x = Some(LATE_CODE.into());
        }
    }
    let n = extra.len();
    table.append(extra);
    n
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Every decision at a signal date ≤ t must be identical (see the module docs).
/// Assets are matched by code, so an asset that only exists after t may appear in the
/// mutated run as long as it is never eligible or held at t.
pub fn compare(
    base: &RunOutput,
    mutated: &RunOutput,
    t: NaiveDate,
) -> std::result::Result<usize, String> {
    let k = base.signal_dates.partition_point(|d| *d <= t);
    if mutated.signal_dates.get(..k) != base.signal_dates.get(..k) {
        return Err(format!("signal dates up to {t} differ"));
    }
    let pos = |code: &str| mutated.universe.iter().position(|c| c == code);
    for (a, b) in base.steps[..k].iter().zip(&mutated.steps[..k]) {
        let at = a.date;
        if a.label != b.label {
            return Err(format!("{at}: label {:?} vs {:?}", a.label, b.label));
        }
        if base.universe == mutated.universe && !same_bits(&a.trace, &b.trace) {
            let k = a
                .trace
                .iter()
                .zip(&b.trace)
                .position(|(x, y)| x.to_bits() != y.to_bits());
            let (x, y) = k.map_or((f64::NAN, f64::NAN), |k| (a.trace[k], b.trace[k]));
            return Err(format!(
                "{at}: the decision's inputs differ (trace item {k:?} of {}: {x} vs {y})",
                a.trace.len()
            ));
        }
        if a.targets != b.targets {
            return Err(format!("{at}: targets {:?} vs {:?}", a.targets, b.targets));
        }
        match (&a.decision, &b.decision) {
            (Decision::Scores(x), Decision::Scores(y)) => {
                for (j, code) in base.universe.iter().enumerate() {
                    let Some(m) = pos(code) else {
                        return Err(format!("{at}: {code} missing from the mutated universe"));
                    };
                    if !same_bits(&[x.score[j], x.tiebreak[j]], &[y.score[m], y.tiebreak[m]]) {
                        return Err(format!(
                            "{at}: {code} score {} / {} vs {} / {}",
                            x.score[j], x.tiebreak[j], y.score[m], y.tiebreak[m]
                        ));
                    }
                    if a.eligible.get(j) != b.eligible.get(m) {
                        return Err(format!("{at}: {code} eligibility differs"));
                    }
                }
                // an asset only in the mutated run must have no opinion at t
                for (m, code) in mutated.universe.iter().enumerate() {
                    if !base.universe.contains(code) && (y.score[m].is_finite() || b.eligible[m]) {
                        return Err(format!(
                            "{at}: {code}, which exists only after {t}, has a score"
                        ));
                    }
                }
            }
            (x, y) if x == y => {}
            (x, y) => return Err(format!("{at}: decision {x:?} vs {y:?}")),
        }
    }
    Ok(k)
}

/// Run `plan` on its store and on two copies mutated after `t` (in `scratch`: values
/// only, then values and a late asset); Ok(number of signal dates compared) when every
/// decision up to t is identical — for a sleeve strategy, every sleeve's.
pub fn check(
    plan: &Plan,
    t: NaiveDate,
    scratch: &Path,
) -> Result<std::result::Result<usize, String>> {
    let Some(src) = plan.engine.store.clone() else {
        return Ok(Err("the look-ahead check needs a store".into()));
    };
    let base = crate::execute(plan, RunOptions::default())?;
    let mut n = 0;
    for late in [false, true] {
        let dst = scratch.join(if late { "late" } else { "values" });
        mutate_store(&src, &dst, t, late)?;
        let other = crate::execute(&redirect(plan, &src, &dst), RunOptions::default())?;
        let pairs = std::iter::once((&base.output, &other.output)).chain(
            base.sleeves
                .iter()
                .map(|x| &x.1)
                .zip(other.sleeves.iter().map(|x| &x.1)),
        );
        for (a, b) in pairs {
            match compare(a, b, t) {
                Ok(k) => n += k,
                Err(e) => {
                    return Ok(Err(format!(
                        "{}: {e}",
                        if late { "with a late asset" } else { "values" }
                    )))
                }
            }
        }
    }
    Ok(Ok(n))
}

/// The plan with every use of store `from` (its own, its sleeves') pointed at `to`.
fn redirect(plan: &Plan, from: &Path, to: &Path) -> Plan {
    let mut engine = plan.engine.clone();
    if engine.store.as_deref() == Some(from) {
        engine.store = Some(to.to_path_buf());
    }
    let mut p = plan.with_engine(engine);
    if let Some(spec) = plan.params.sleeves() {
        let mut spec = spec.clone();
        for s in spec.sleeves.iter_mut() {
            s.plan = redirect(&s.plan, from, to);
        }
        p.params = std::sync::Arc::new(Redirected {
            inner: plan.params.clone(),
            spec,
        });
    }
    p
}

/// A sleeve strategy's parameters with its sleeves pointed at another store.
#[derive(Debug)]
struct Redirected {
    inner: std::sync::Arc<dyn crate::plan::StrategyParams>,
    spec: crate::plan::SleeveSpec,
}

impl crate::plan::StrategyParams for Redirected {
    fn to_toml(&self) -> toml::Table {
        self.inner.to_toml()
    }
    fn needs(&self) -> crate::strategy::DataNeeds {
        self.inner.needs()
    }
    fn build(&self, ctx: &crate::strategy::BuildCtx<'_>) -> Box<dyn crate::strategy::Strategy> {
        self.inner.build(ctx)
    }
    fn sleeves(&self) -> Option<&crate::plan::SleeveSpec> {
        Some(&self.spec)
    }
}
