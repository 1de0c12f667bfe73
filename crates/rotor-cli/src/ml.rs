//! `rotor ml features | predict`: the AI stock selection's inputs ([`rotor_ml`]) — the feature
//! library and the labels of the store's stocks — written as `features.parquet` and
//! `labels.parquet` so models in rotor and in other tools (LightGBM, PyTorch) train on
//! identical rows.
//!
//! The job file is TOML (paths relative to its folder):
//!
//! ```toml
//! store = "../../rotor-out/demo/stocks"
//! start = "2016-01-01"      # first day written / predicted (earlier history still feeds
//!                           # windows and training)
//! end = "2019-12-31"        # optional
//! horizon = 5               # label horizon in trading days (5 weekly, 20 monthly)
//! windows = [5, 10, 20, 30, 60]
//! universe = []             # stock codes; empty = every stock of the store
//! # rotor ml train
//! models = ["gbdt", "gru"]  # each trained walk-forward; with two, also their ensemble
//! retrain_months = 6
//! train_years = 4
//! iterations = 300          # GBDT rounds at most
//! gru_hidden = 32           # GRU hidden units
//! gru_epochs = 20           # GRU epochs at most
//! seq_len = 40              # GRU days per sequence
//! gbdt_train_pool = "000300.SH"  # optional: the GBDT trains on this index's point-in-time
//!                                # members only (SPEC §15's in-universe CSI 300 tree)
//! ```

use crate::args::{MlFeaturesArgs, MlPredictArgs};
use crate::ui::Ui;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rotor_data::store::Store;
use rotor_ml::features::FeatureConfig;
use rotor_ml::store::{build, write, FeatureJob};
use rotor_ml::walk::{walk_forward_with, ModelKind, WalkConfig, Window};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The job file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJob {
    store: Option<PathBuf>,
    start: Option<String>,
    end: Option<String>,
    horizon: Option<usize>,
    windows: Option<Vec<usize>>,
    #[serde(default)]
    universe: Vec<String>,
    retrain_months: Option<u32>,
    train_years: Option<u32>,
    iterations: Option<usize>,
    learning_rate: Option<f32>,
    max_leaves: Option<usize>,
    models: Option<Vec<String>>,
    gru_hidden: Option<usize>,
    gru_epochs: Option<usize>,
    seq_len: Option<usize>,
    gbdt_train_pool: Option<String>,
}

/// The validated training settings: the models in order and the walk-forward's keys.
struct Training {
    models: Vec<ModelKind>,
    walk: WalkConfig,
    /// The index whose point-in-time members the GBDT trains on (SPEC §15).
    gbdt_train_pool: Option<String>,
}

fn date(file: &Path, key: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|x| {
        NaiveDate::parse_from_str(x, "%Y-%m-%d")
            .with_context(|| format!("{}: `{key} = \"{x}\"`: expected YYYY-MM-DD", file.display()))
    })
    .transpose()
}

/// The job file and the command line → the store, a validated job and the walk-forward
/// settings.
fn resolve(a: &MlFeaturesArgs) -> Result<(PathBuf, FeatureJob, Training)> {
    let text = std::fs::read_to_string(&a.config)
        .with_context(|| format!("{}: cannot read the job file", a.config.display()))?;
    let raw: RawJob = toml::from_str(&text).with_context(|| {
        format!(
            "{}: expected keys store, start, end, horizon, windows, universe (and for training models, retrain_months, train_years, iterations, learning_rate, max_leaves, gru_hidden, gru_epochs, seq_len)",
            a.config.display()
        )
    })?;
    let base = a.config.parent().unwrap_or(Path::new("."));
    let store = match (&a.store, &raw.store) {
        (Some(s), _) => s.clone(),
        (None, Some(s)) => base.join(s),
        (None, None) => bail!(
            "{}: no store (give `store = \"…\"` or --store)",
            a.config.display()
        ),
    };
    let def = FeatureJob::default();
    let horizon = raw.horizon.unwrap_or(def.horizon);
    if horizon == 0 {
        bail!("{}: horizon must be at least 1 day", a.config.display());
    }
    let windows = raw.windows.unwrap_or(def.features.windows);
    if windows.is_empty() || windows.iter().any(|&w| w < 2) {
        bail!(
            "{}: windows must be a non-empty list of lengths ≥ 2 (got {windows:?})",
            a.config.display()
        );
    }
    let mut walk = WalkConfig {
        horizon,
        ..Default::default()
    };
    walk.retrain_months = raw.retrain_months.unwrap_or(walk.retrain_months);
    walk.train_years = raw.train_years.unwrap_or(walk.train_years);
    walk.gbdt.iterations = raw.iterations.unwrap_or(walk.gbdt.iterations);
    walk.gbdt.learning_rate = raw.learning_rate.unwrap_or(walk.gbdt.learning_rate);
    walk.gbdt.max_leaves = raw.max_leaves.unwrap_or(walk.gbdt.max_leaves);
    if walk.retrain_months == 0 || walk.train_years == 0 || walk.gbdt.iterations == 0 {
        bail!(
            "{}: retrain_months, train_years and iterations must be at least 1",
            a.config.display()
        );
    }
    if !(walk.gbdt.learning_rate > 0.0 && walk.gbdt.learning_rate <= 1.0)
        || walk.gbdt.max_leaves < 2
    {
        bail!(
            "{}: learning_rate must be in (0, 1] and max_leaves at least 2",
            a.config.display()
        );
    }
    let models = models_of(&a.config, raw.models.as_deref())?;
    let start = date(&a.config, "start", raw.start.as_deref())?;
    walk.first_prediction = start;
    walk.gru.hidden = raw.gru_hidden.unwrap_or(walk.gru.hidden);
    walk.gru.epochs = raw.gru_epochs.unwrap_or(walk.gru.epochs);
    walk.gru.seq_len = raw.seq_len.unwrap_or(walk.gru.seq_len);
    if walk.gru.hidden == 0 || walk.gru.epochs == 0 || walk.gru.seq_len == 0 {
        bail!(
            "{}: gru_hidden, gru_epochs and seq_len must be at least 1",
            a.config.display()
        );
    }
    Ok((
        store,
        FeatureJob {
            universe: raw.universe,
            start,
            end: date(&a.config, "end", raw.end.as_deref())?,
            horizon,
            features: FeatureConfig { windows },
        },
        Training {
            models,
            walk,
            gbdt_train_pool: raw.gbdt_train_pool,
        },
    ))
}

/// `models = [...]` → model kinds (default: the GBDT and the GRU).
fn models_of(file: &Path, names: Option<&[String]>) -> Result<Vec<ModelKind>> {
    let Some(names) = names else {
        return Ok(vec![ModelKind::Gbdt, ModelKind::Gru]);
    };
    let mut out = Vec::new();
    for n in names {
        let k = match n.as_str() {
            "gbdt" => ModelKind::Gbdt,
            "gru" => ModelKind::Gru,
            other => bail!(
                "{}: models = [..., \"{other}\", ...]: expected \"gbdt\" or \"gru\" (the ensemble is added when both are trained)",
                file.display()
            ),
        };
        if !out.contains(&k) {
            out.push(k);
        }
    }
    if out.is_empty() {
        bail!(
            "{}: models is empty: name \"gbdt\", \"gru\" or both",
            file.display()
        );
    }
    Ok(out)
}

pub fn features(ui: &Ui, a: MlFeaturesArgs) -> Result<()> {
    let (store_dir, job, _) = resolve(&a)?;
    let store = Store::open(&store_dir)?;
    let t = std::time::Instant::now();
    let set = build(&store, &job)?;
    let secs = t.elapsed().as_secs_f64();
    let (rows, labels) = write(&set, job.start, &a.out)?;
    ui.note(format!(
        "{} features of {} stocks over {} days in {secs:.2} s; {rows} feature rows, {labels} labels (horizon {} days)",
        set.features.names.len(),
        set.assets.len(),
        set.dates.len(),
        job.horizon
    ));
    for n in &set.notes {
        ui.note(format!("  · {n}"));
    }
    ui.note(format!(
        "written {} and {}",
        a.out.join("features.parquet").display(),
        a.out.join("labels.parquet").display()
    ));
    Ok(())
}

/// Score a features file with a LightGBM model file.
pub fn predict(ui: &Ui, a: MlPredictArgs) -> Result<()> {
    let model = rotor_ml::lightgbm::LightGbm::load(&a.model)?;
    let rotor_core::Panel {
        dates,
        assets,
        values,
    } = rotor_ml::store::predict_file(&model, &a.features)?;
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    rotor_data::parquet_io::write_panels_long(
        &a.out,
        &dates,
        &assets,
        Some("model"),
        "value",
        &[(a.name.as_str(), &values)],
    )?;
    let n = values.iter().filter(|v| v.is_finite()).count();
    ui.note(format!(
        "{} ({} trees, objective {}): {n} predictions over {} days × {} stocks → {}",
        a.model.display(),
        model.n_trees(),
        model.objective,
        dates.len(),
        assets.len(),
        a.out.display()
    ));
    Ok(())
}

/// Walk-forward training of the job's models on its features and labels, their
/// ensemble when there are two, and the out-of-sample RankIC of each.
pub fn train(ui: &Ui, a: MlFeaturesArgs) -> Result<()> {
    let (store_dir, job, mut tr) = resolve(&a)?;
    let store = Store::open(&store_dir)?;
    let set = build(&store, &job)?;
    if let Some(pool) = &tr.gbdt_train_pool {
        let snaps = rotor_data::universe::read_snapshots(&store, std::slice::from_ref(pool), &[])?;
        let Some(s) = snaps.get(pool).filter(|s| !s.is_empty()) else {
            bail!(
                "{}: gbdt_train_pool = \"{pool}\": the store has no weights of {pool} (its point-in-time members)",
                a.config.display()
            );
        };
        let m = pool_members(s, &set);
        ui.note(format!(
            "the GBDT trains on {pool}'s point-in-time members: {} stock-days of {}",
            m.iter().filter(|x| **x).count(),
            m.len()
        ));
        tr.walk.gbdt_train_members = Some(m);
    }
    let models = a.out.join("models");
    std::fs::create_dir_all(&models)?;
    let n_windows = rotor_ml::walk::window_starts(&set.dates, &tr.walk).len();
    if n_windows == 0 {
        bail!(
            "{}: {} days are too few for a first window ({} training days + the {}-day gap)",
            a.config.display(),
            set.dates.len(),
            tr.walk.min_train_days,
            tr.walk.horizon
        );
    }
    let mut preds: Vec<(&str, Vec<f64>)> = Vec::new();
    let mut windows: Vec<(&str, Window)> = Vec::new();
    for &kind in &tr.models {
        let cfg = WalkConfig {
            model: kind,
            ..tr.walk.clone()
        };
        let bar = ui.bar(n_windows as u64, &format!("{} windows", kind.name()));
        let epoch = |w: usize, e: usize, tl: f64, vl: f64| {
            bar.set_message(format!(
                "{} window {} epoch {e} (loss {tl:.4} / {vl:.4})",
                kind.name(),
                w + 1
            ));
        };
        let (pred, ws) = walk_forward_with(&set, &cfg, Some(&models), &|_, _| bar.inc(1), &epoch)?;
        bar.finish_and_clear();
        preds.push((kind.name(), pred));
        windows.extend(ws.into_iter().map(|w| (kind.name(), w)));
    }
    if preds.len() >= 2 {
        let parts: Vec<&[f64]> = preds.iter().map(|p| &p.1[..]).collect();
        let e = rotor_ml::ensemble::ensemble(&parts, set.assets.len());
        preds.push(("ensemble", e));
    }
    let panels: Vec<(&str, &[f64])> = preds.iter().map(|(m, p)| (*m, &p[..])).collect();
    rotor_data::parquet_io::write_panels_long(
        &a.out.join("predictions.parquet"),
        &set.dates,
        &set.assets,
        Some("model"),
        "value",
        &panels,
    )?;
    std::fs::write(a.out.join("windows.csv"), windows_csv(&windows))?;
    // the total-return levels the labels compound, for `rotor eval --prices`
    rotor_data::parquet_io::write_panels_long(
        &a.out.join("prices.parquet"),
        &set.dates,
        &set.assets,
        None,
        "close",
        &[("close", &rotor_ml::store::total_return_levels(&set))],
    )?;
    let ics: Vec<(&str, BTreeMap<i32, Vec<f64>>)> = preds
        .iter()
        .map(|(m, p)| (*m, rank_ic_by_year(&set, p, None)))
        .collect();
    let pools = pool_rank_ics(&store, &set, &preds)?;
    write_train_summary(&a.out, &tr, &set, windows.len(), &ics)?;
    std::fs::write(a.out.join("pools.csv"), pools_csv(&pools))?;
    report_training(ui, &windows, &ics, tr.walk.horizon);
    report_pools(ui, &pools);
    ui.note(format!(
        "written {}, prices.parquet (total-return levels), windows.csv, pools.csv, summary.json; models in {}",
        a.out.join("predictions.parquet").display(),
        models.display()
    ));
    Ok(())
}

/// The daily out-of-sample RankIC of predictions against the labels, by year; with
/// `members`, only over the stocks it marks on each day (`t × n`).
fn rank_ic_by_year(
    set: &rotor_ml::store::FeatureSet,
    pred: &[f64],
    members: Option<&[bool]>,
) -> BTreeMap<i32, Vec<f64>> {
    let n = set.assets.len();
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for t in 0..set.dates.len() {
        let keep = |j: usize| members.is_none_or(|m| m[t * n + j]);
        let (p, l): (Vec<f64>, Vec<f64>) = (0..n)
            .filter(|&j| keep(j))
            .map(|j| (pred[t * n + j], set.labels[t * n + j]))
            .unzip();
        let ic = rotor_core::ops::cross::spearman(&p, &l, 10);
        if ic.is_finite() {
            by_year
                .entry(chrono::Datelike::year(&set.dates[t]))
                .or_default()
                .push(ic);
        }
    }
    by_year
}

/// Index pools whose out-of-sample RankIC is reported (SPEC §15: the AI factor per pool).
const POOLS: [(&str, &str); 3] = [
    ("000300.SH", "CSI 300"),
    ("000905.SH", "CSI 500"),
    ("000852.SH", "CSI 1000"),
];

/// One pool's RankIC of one model.
struct PoolIc {
    pool: String,
    model: String,
    /// Mean members with a prediction per day.
    members: f64,
    ic: rotor_eval::IcSummary,
}

/// Each model's daily RankIC within each index pool of [`POOLS`] whose weights the store
/// holds: on day t the members of the latest snapshot published by t (SPEC §0.5), raw
/// predictions (not neutralised).
fn pool_rank_ics(
    store: &Store,
    set: &rotor_ml::store::FeatureSet,
    preds: &[(&str, Vec<f64>)],
) -> Result<Vec<PoolIc>> {
    let codes: Vec<String> = POOLS.iter().map(|p| p.0.to_string()).collect();
    let snaps = rotor_data::universe::read_snapshots(store, &codes, &[])?;
    let n = set.assets.len();
    let mut out = Vec::new();
    for (code, snaps) in &snaps {
        let member = pool_members(snaps, set);
        for (m, p) in preds {
            let by_year = rank_ic_by_year(set, p, Some(&member));
            let all: Vec<f64> = by_year.values().flatten().copied().collect();
            let days: Vec<usize> = (0..set.dates.len())
                .filter(|&t| (0..n).any(|j| p[t * n + j].is_finite()))
                .collect();
            let covered: usize = days
                .iter()
                .map(|&t| {
                    (0..n)
                        .filter(|&j| member[t * n + j] && p[t * n + j].is_finite())
                        .count()
                })
                .sum();
            out.push(PoolIc {
                pool: code.clone(),
                model: m.to_string(),
                members: covered as f64 / days.len().max(1) as f64,
                ic: rotor_eval::IcSummary::of(&all, 252.0),
            });
        }
    }
    Ok(out)
}

/// `t × n`: is stock j a member on day t — in the latest snapshot with `date ≤ t` and
/// `available_at ≤ t` (SPEC §0.5)?
fn pool_members(
    snaps: &[rotor_data::universe::Snapshot],
    set: &rotor_ml::store::FeatureSet,
) -> Vec<bool> {
    let n = set.assets.len();
    let col: std::collections::HashMap<&str, usize> = set
        .assets
        .iter()
        .enumerate()
        .map(|(j, c)| (c.as_str(), j))
        .collect();
    let mut member = vec![false; set.dates.len() * n];
    for (t, d) in set.dates.iter().enumerate() {
        let known = snaps
            .iter()
            .rev()
            .find(|s| s.date <= *d && s.available_at <= *d);
        for (c, _) in known.map_or(&[][..], |s| &s.members[..]) {
            if let Some(&j) = col.get(c.as_str()) {
                member[t * n + j] = true;
            }
        }
    }
    member
}

fn pools_csv(rows: &[PoolIc]) -> String {
    let mut s = String::from(
        "pool,model,members_per_day,days,rank_ic_mean,rank_ic_std,icir,t_stat,win_rate\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},{:.1},{},{},{},{},{},{}\n",
            r.pool,
            r.model,
            r.members,
            r.ic.n,
            r.ic.mean,
            r.ic.std,
            r.ic.icir,
            r.ic.t_stat,
            r.ic.win_rate
        ));
    }
    s
}

fn report_pools(ui: &Ui, rows: &[PoolIc]) {
    if rows.is_empty() {
        ui.note("no CSI 300 / 500 / 1000 weights in the store: the RankIC per index pool is not computed");
        return;
    }
    for r in rows {
        let name = POOLS.iter().find(|p| p.0 == r.pool).map_or("", |p| p.1);
        ui.note(format!(
            "  {} ({name}, {:.0} stocks a day) {}: RankIC {:.4}, ICIR {:.2}, t {:.1}",
            r.pool, r.members, r.model, r.ic.mean, r.ic.icir, r.ic.t_stat
        ));
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// `windows.csv`: per model and window its spans, rows, rounds kept and whether cached.
fn windows_csv(windows: &[(&str, Window)]) -> String {
    let mut wcsv = String::from(
        "model,train_from,train_to,valid_from,valid_to,predict_from,predict_to,train_rows,valid_rows,rounds,cached\n",
    );
    for (m, w) in windows {
        wcsv.push_str(&format!(
            "{m},{},{},{},{},{},{},{},{},{},{}\n",
            w.train.0,
            w.train.1,
            w.valid.0,
            w.valid.1,
            w.predict.0,
            w.predict.1,
            w.rows.0,
            w.rows.1,
            w.rounds,
            w.cached
        ));
    }
    wcsv
}

fn write_train_summary(
    out: &Path,
    tr: &Training,
    set: &rotor_ml::store::FeatureSet,
    n_windows: usize,
    ics: &[(&str, BTreeMap<i32, Vec<f64>>)],
) -> Result<()> {
    let per_model: BTreeMap<&str, serde_json::Value> = ics
        .iter()
        .map(|(m, by_year)| {
            let all: Vec<f64> = by_year.values().flatten().copied().collect();
            (
                *m,
                serde_json::json!({
                    "rank_ic_mean": mean(&all),
                    "rank_ic_days": all.len(),
                    "rank_ic_by_year": by_year.iter().map(|(y, v)| (y.to_string(), mean(v))).collect::<BTreeMap<_, _>>(),
                }),
            )
        })
        .collect();
    let summary = serde_json::json!({
        "models": ics.iter().map(|x| x.0).collect::<Vec<_>>(),
        "horizon": tr.walk.horizon,
        "retrain_months": tr.walk.retrain_months,
        "train_years": tr.walk.train_years,
        "windows": n_windows,
        "features": set.features.names,
        "gru_inputs": rotor_ml::walk::gru_inputs(&set.features.names).iter().map(|&k| set.features.names[k].clone()).collect::<Vec<_>>(),
        "rank_ic": per_model,
        "notes": set.notes,
    });
    std::fs::write(
        out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?,
    )?;
    Ok(())
}

/// Print each model's windows and out-of-sample RankIC by year.
fn report_training(
    ui: &Ui,
    windows: &[(&str, Window)],
    ics: &[(&str, BTreeMap<i32, Vec<f64>>)],
    horizon: usize,
) {
    for (m, by_year) in ics {
        let all: Vec<f64> = by_year.values().flatten().copied().collect();
        let mine: Vec<&Window> = windows.iter().filter(|w| w.0 == *m).map(|w| &w.1).collect();
        let trained = if mine.is_empty() {
            "the mean of the models' cross-sectional z-scores".to_string()
        } else {
            format!(
                "{} windows ({} read from the cache)",
                mine.len(),
                mine.iter().filter(|w| w.cached).count()
            )
        };
        ui.note(format!(
            "walk-forward {m}: {trained}, out-of-sample mean daily RankIC {:.4} over {} days (label horizon {horizon})",
            mean(&all),
            all.len(),
        ));
        for (y, v) in by_year {
            ui.note(format!("  {y}: {:.4} ({} days)", mean(v), v.len()));
        }
    }
}
