//! On the synthetic market, the market-call strategies find the effects the sim plants
//! (rotor-sim's crate docs, `truth.json` `effects`): equity drifts up after M1 YoY rose
//! over three months (timing), small caps after the same (size), growth after the
//! M1 − M2 scissors rose (growth / value). And the composite of SPEC §10.1 is the 2 : 1
//! mix of its legs on every day.
//!
//! One 15-year draw is a small sample for a monthly effect: the spread's noise is
//! persistent (the sim's AR(1) drifts) and so is the sign of a 3-month change, so a
//! single seed can show little (seed 42 with 25 indices: a size hit rate of 53 %).
//! The checks pool three seeds (per seed the hit rate of sig_M1 runs 55–63 %).

mod common;
use common::{plan_at, sim};
use rotor_core::frame::Frame;
use rotor_engine::run::RunOptions;

/// Run a strategy file's text on the store in `dir`; the strategy's tables.
fn frames(dir: &std::path::Path, text: &str) -> Vec<Frame> {
    let plan = plan_at(&format!("store = \".\"\nstart = 2012-01-01\n{text}"), dir);
    let e = rotor_engine::execute(&plan, RunOptions::default()).unwrap();
    e.output.diagnostics.frames.clone()
}

fn frame<'a>(fs: &'a [Frame], name: &str) -> &'a Frame {
    fs.iter().find(|f| f.name == name).unwrap()
}

/// For each monthly row (date, signal) of `calls`, the sum of `a − b` daily returns of
/// `spread` after the date up to the next row's date: (signal, next-period spread).
fn next_spreads(calls: &Frame, signal: &str, spread: &Frame) -> Vec<(f64, f64)> {
    let t = calls.dates("date").unwrap();
    let s = calls.nums(signal).unwrap();
    let days = spread.dates("date").unwrap();
    let (ra, rb) = (
        spread.nums("return_a").unwrap(),
        spread.nums("return_b").unwrap(),
    );
    let mut out = Vec::new();
    for i in 0..t.len().saturating_sub(1) {
        let sum: f64 = (0..days.len())
            .filter(|&k| days[k] > t[i] && days[k] <= t[i + 1])
            .map(|k| ra[k] - rb[k])
            .filter(|x| x.is_finite())
            .sum();
        if s[i].is_finite() {
            out.push((s[i], sum));
        }
    }
    out
}

fn hit_rate(v: &[(f64, f64)]) -> f64 {
    v.iter().filter(|(s, r)| s * r > 0.0).count() as f64 / v.len() as f64
}

const SEEDS: [u64; 3] = [1, 2, 3];

#[test]
fn style_signals_call_the_planted_size_and_growth_cycles() {
    let (mut size, mut gv) = (Vec::new(), Vec::new());
    for seed in SEEDS {
        let dir = tempfile::tempdir().unwrap();
        sim(dir.path(), 15, 25, seed);
        let fs = frames(
            dir.path(),
            "[strategy]\nkind = \"style_rotation\"\n[universe]\ncodes = [\"000300.SH\", \"932000.CSI\"]\n[style]\npair = \"size\"\n",
        );
        size.extend(next_spreads(
            frame(&fs, "style_calls"),
            "sig_M1",
            frame(&fs, "spread"),
        ));
        let fs = frames(
            dir.path(),
            "[strategy]\nkind = \"style_rotation\"\n[universe]\ncodes = [\"399370.SZ\", \"399371.SZ\"]\n[style]\npair = \"growth_value\"\n",
        );
        gv.extend(next_spreads(
            frame(&fs, "style_calls"),
            "sig_scissor",
            frame(&fs, "spread"),
        ));
    }
    assert!(size.len() > 400, "{} months", size.len());
    assert!(
        hit_rate(&size) > 0.56,
        "sig_M1 hit rate {}",
        hit_rate(&size)
    );
    assert!(
        hit_rate(&gv) > 0.55,
        "sig_scissor hit rate {}",
        hit_rate(&gv)
    );
}

/// The composite: each day's return is 2/3 dividend + 1/3 micro-cap (SPEC §10.1); the
/// base day shows no leg returns.
#[test]
fn the_composite_is_the_two_to_one_mix_every_day() {
    let dir = tempfile::tempdir().unwrap();
    sim(dir.path(), 6, 25, 42);
    let fs = frames(
        dir.path(),
        "[strategy]\nkind = \"composite_rotation\"\n[universe]\ncodes = [\"000922.SH\", \"8841431.WI\", \"000300.SH\"]\n[portfolio]\nrebalance = \"daily\"\n",
    );
    let c = frame(&fs, "composite");
    let (d, m, r) = (
        c.nums("dividend_return").unwrap(),
        c.nums("micro_return").unwrap(),
        c.nums("composite_return").unwrap(),
    );
    assert!(d.len() > 1000);
    assert!(d[0].is_nan() && r[0] == 0.0, "the base day");
    for i in 1..d.len() {
        assert!((r[i] - (2.0 * d[i] + m[i]) / 3.0).abs() < 1e-15);
    }
}

/// Timing with the indicator the sim plants (M1 YoY, ±1.2 % on the market per sign of
/// its 3-month change): the event-factor engine finds a transformation and rule for it
/// from past months alone, and months it holds equity are followed by a higher mean
/// equity return than months it stays out. The planted gap is 2.4 % a month; the
/// chosen transformations catch part of it (pooled over seeds 1–3: +0.94 % on vs
/// +0.13 % off; one seed's standard error is about 1 %, the pool's 0.6 %); an inverted
/// or misaligned signal gives a negative gap.
///
/// With the eight default indicators the same comparison is not reliably positive: the
/// seven without a planted effect are chosen by their in-sample win rates and any two
/// growth signals on put the revised rule at full position (seeds 1–3: on −0.0 %,
/// off +0.8 %). That is the method, reported in the notes, not asserted.
#[test]
fn timing_positions_are_followed_by_the_planted_equity_drift() {
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for seed in SEEDS {
        let dir = tempfile::tempdir().unwrap();
        sim(dir.path(), 15, 25, seed);
        let text = "[strategy]\nkind = \"macro_timing\"\n[universe]\ncodes = [\"881001.WI\"]\n[benchmark]\ncode = \"881001.WI\"\n\
                    [[timing.indicator]]\nname = \"M1 YoY\"\nseries = \"cn.m1_yoy\"\ndimension = \"growth\"\n";
        let plan = plan_at(
            &format!("store = \".\"\nstart = 2012-01-01\n{text}"),
            dir.path(),
        );
        let e = rotor_engine::execute(&plan, RunOptions::default()).unwrap();
        let a = rotor_engine::artifacts::build(&plan, &e.fingerprint, &e.output);
        let perf = a.perf.as_ref().unwrap();
        let (days, eq) = (
            perf.days(),
            perf.returns(rotor_engine::perf::SeriesKind::Benchmark)
                .unwrap(),
        );
        let pos = a.frame("positions").unwrap();
        let (t, p) = (pos.dates("date").unwrap(), pos.nums("position").unwrap());
        for i in 0..t.len() - 1 {
            let r: f64 = (0..days.len())
                .filter(|&k| Some(days[k]) > t[i] && Some(days[k]) <= t[i + 1])
                .map(|k| eq[k])
                .sum();
            if p[i] == 1.0 {
                on.push(r);
            } else if p[i] == 0.0 {
                off.push(r);
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        on.len() > 30 && off.len() > 20,
        "{} on, {} off",
        on.len(),
        off.len()
    );
    assert!(
        mean(&on) > mean(&off) + 0.005,
        "on {:.4} vs off {:.4}",
        mean(&on),
        mean(&off)
    );
}
