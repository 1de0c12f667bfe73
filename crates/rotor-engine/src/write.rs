//! The run folder: every table of a run's artifacts as CSV (one writer, [`Frame`]),
//! the recommendation and summary as JSON, the resolved config and the input
//! fingerprints. Each file is written to a hidden temporary name and renamed.

use crate::artifacts::RunArtifacts;
use crate::error::{EngineError, Result};
use crate::perf::SeriesKind;
use rotor_core::frame::{Column, Frame};
use rotor_metrics::stats::drawdown::nav_path;
use std::path::{Path, PathBuf};

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        String::new()
    }
}

/// Write `text` to `dir/name` through a hidden temporary file.
pub fn write_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| EngineError::io(&path, e))?;
    Ok(path)
}

/// The yearly tables: Chinese headers with percentages, English headers with fractions.
pub fn yearly_frames(a: &RunArtifacts) -> Option<(Frame, Frame)> {
    let y = &a.yearly;
    if y.rows.is_empty() {
        return None;
    }
    let mut zh = Frame::new("yearly").with(
        y.zh[0].clone(),
        Column::Text(y.rows.iter().map(|r| r.label.clone()).collect()),
    );
    let mut en = Frame::new("yearly_en").with(
        y.en[0].clone(),
        Column::Text(y.rows.iter().map(|r| r.label_en.clone()).collect()),
    );
    for k in 1..y.zh.len() {
        let v: Vec<f64> = y
            .rows
            .iter()
            .map(|r| {
                let i = k - 1;
                if i < r.returns.len() {
                    r.returns[i]
                } else {
                    r.excess[i - r.returns.len()]
                }
            })
            .collect();
        zh.push(
            y.zh[k].clone(),
            Column::Text(v.iter().map(|x| pct(*x)).collect()),
        );
        en.push(y.en[k].clone(), Column::Num(v));
    }
    Some((zh, en))
}

/// Month-end returns of every series and the strategy's excess over each benchmark.
pub fn monthly_frame(a: &RunArtifacts) -> Option<Frame> {
    let (md, m) = a.monthly.as_ref()?;
    let nan = vec![f64::NAN; md.len()];
    let get = |k: SeriesKind| m.get(&k).unwrap_or(&nan).clone();
    let s = get(SeriesKind::Strategy);
    let ex = |k: SeriesKind| -> Vec<f64> { s.iter().zip(get(k)).map(|(a, b)| a - b).collect() };
    Some(
        Frame::new("monthly")
            .with("month_end", Column::dates(md.iter().copied()))
            .with("strategy", Column::Num(s.clone()))
            .with(
                "strategy_gross",
                Column::Num(get(SeriesKind::StrategyGross)),
            )
            .with("equal_weight", Column::Num(get(SeriesKind::EqualWeight)))
            .with("benchmark", Column::Num(get(SeriesKind::Benchmark)))
            .with(
                "excess_vs_equal_weight",
                Column::Num(ex(SeriesKind::EqualWeight)),
            )
            .with(
                "excess_vs_benchmark",
                Column::Num(ex(SeriesKind::Benchmark)),
            ),
    )
}

/// Daily NAVs (`Π(1 + r)` from 1 on the first execution day).
pub fn nav_frame(a: &RunArtifacts) -> Option<Frame> {
    let p = a.perf.as_ref()?;
    let nav = |k: SeriesKind| match p.returns(k) {
        Some(r) => nav_path(r),
        None => vec![f64::NAN; p.days().len()],
    };
    Some(
        Frame::new("nav")
            .with("date", Column::dates(p.days().iter().copied()))
            .with("strategy", Column::Num(nav(SeriesKind::Strategy)))
            .with(
                "strategy_gross",
                Column::Num(nav(SeriesKind::StrategyGross)),
            )
            .with("equal_weight", Column::Num(nav(SeriesKind::EqualWeight)))
            .with("benchmark", Column::Num(nav(SeriesKind::Benchmark))),
    )
}

/// One row per rebalance and position.
pub fn holdings_frame(a: &RunArtifacts) -> Frame {
    let rows: Vec<_> = a
        .holdings
        .iter()
        .flat_map(|h| h.picks.iter().map(move |p| (h, p)))
        .collect();
    Frame::new("holdings")
        .with(
            "signal_date",
            Column::dates(rows.iter().map(|(h, _)| h.signal)),
        )
        .with("exec_date", Column::dates(rows.iter().map(|(h, _)| h.exec)))
        .with(
            "label",
            Column::Text(
                rows.iter()
                    .map(|(h, _)| h.label.clone().unwrap_or_default())
                    .collect(),
            ),
        )
        .with(
            "n_eligible",
            Column::Int(rows.iter().map(|(h, _)| h.n_eligible as i64).collect()),
        )
        .with(
            "rank",
            Column::Int(rows.iter().map(|(_, p)| p.rank as i64).collect()),
        )
        .with(
            "asset",
            Column::Text(rows.iter().map(|(_, p)| p.asset.clone()).collect()),
        )
        .with(
            "instrument",
            Column::Text(rows.iter().map(|(_, p)| p.instrument.clone()).collect()),
        )
        .with(
            "weight",
            Column::Num(rows.iter().map(|(_, p)| p.weight).collect()),
        )
        .with(
            "score",
            Column::Num(rows.iter().map(|(_, p)| p.score).collect()),
        )
        .with(
            "turnover",
            Column::Num(rows.iter().map(|(h, _)| h.turnover).collect()),
        )
}

/// The recommendation as a table.
pub fn recommendation_frame(a: &RunArtifacts) -> Frame {
    let r = &a.recommendation;
    let extras: Vec<String> = r
        .rows
        .first()
        .map(|x| x.extra.keys().cloned().collect())
        .unwrap_or_default();
    let mut f = Frame::new("recommendation")
        .with(
            "rank",
            Column::Int(r.rows.iter().map(|x| x.rank as i64).collect()),
        )
        .with(
            "asset",
            Column::Text(r.rows.iter().map(|x| x.asset.clone()).collect()),
        )
        .with(
            "selected",
            Column::Bool(r.rows.iter().map(|x| x.selected).collect()),
        )
        .with(
            "score",
            Column::Num(r.rows.iter().map(|x| x.score).collect()),
        )
        .with(
            "weight",
            Column::Num(r.rows.iter().map(|x| x.weight).collect()),
        );
    for e in &extras {
        f.push(
            e.clone(),
            Column::Num(
                r.rows
                    .iter()
                    .map(|x| x.extra.get(e).copied().unwrap_or(f64::NAN))
                    .collect(),
            ),
        );
    }
    f.push(
        "etf",
        Column::Text(
            r.rows
                .iter()
                .map(|x| x.etf.clone().unwrap_or_default())
                .collect(),
        ),
    );
    f
}

/// Every table of the run (what the run folder holds as CSV), strategy tables last.
pub fn tables(a: &RunArtifacts) -> Vec<Frame> {
    let mut v = Vec::new();
    if let Some((zh, en)) = yearly_frames(a) {
        v.push(zh);
        v.push(en);
    }
    v.extend(monthly_frame(a));
    v.extend(nav_frame(a));
    v.push(holdings_frame(a));
    v.push(recommendation_frame(a));
    v.extend(a.frames.iter().cloned());
    v
}

/// Write every table of a run into `dir` (created); returns the written files.
pub fn write_run(dir: &Path, a: &RunArtifacts) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| EngineError::io(dir, e))?;
    let mut files = vec![
        write_file(dir, "config.toml", &a.config_toml)?,
        write_file(
            dir,
            "fingerprint.json",
            &serde_json::to_string_pretty(&a.fingerprint).unwrap_or_default(),
        )?,
    ];
    for f in tables(a) {
        files.push(write_file(dir, &format!("{}.csv", f.name), &f.to_csv())?);
    }
    files.push(write_file(
        dir,
        "recommendation.json",
        &serde_json::to_string_pretty(&a.recommendation).unwrap_or_default(),
    )?);
    // serde_json writes non-finite floats as null
    files.push(write_file(
        dir,
        "summary.json",
        &serde_json::to_string_pretty(&a.summary).unwrap_or_default(),
    )?);
    let notes: String = a.notes.iter().map(|n| format!("{}\n", n.text)).collect();
    files.push(write_file(dir, "notes.txt", &notes)?);
    Ok(files)
}
