//! Benchmark helper: time reading one price panel from a store.
//!
//! ```text
//! cargo run --release -p rotor-data --example read_panel -- STORE [FIELD]
//! ```
//! Prints `{"dates": …, "assets": …, "seconds": …}`; `bench/run.sh` wraps it with
//! `/usr/bin/time` for peak memory.
#![allow(clippy::disallowed_macros)] // an example prints its result

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let store = args.next().ok_or("usage: read_panel STORE [FIELD]")?;
    let field = args.next().unwrap_or_else(|| "close".into());
    let store = rotor_data::store::Store::open(store)?;
    let t0 = std::time::Instant::now();
    let p = rotor_data::panel::read_panel(
        &store,
        rotor_data::schema::Dataset::Prices,
        &field,
        None,
        &[],
    )?;
    let secs = t0.elapsed().as_secs_f64();
    let non_nan = p.values.iter().filter(|x| !x.is_nan()).count();
    println!(
        "{{\"dates\": {}, \"assets\": {}, \"values\": {}, \"seconds\": {:.3}}}",
        p.dates.len(),
        p.assets.len(),
        non_nan,
        secs
    );
    Ok(())
}
