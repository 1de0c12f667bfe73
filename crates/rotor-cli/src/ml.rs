//! `rotor ml features | predict`: the AI stock selection's inputs ([`rotor_ml`]) — the feature
//! library and the labels of the store's stocks — written as `features.parquet` and
//! `labels.parquet` so models in rotor and in other tools (LightGBM, PyTorch) train on
//! identical rows.
//!
//! The job file is TOML (paths relative to its folder):
//!
//! ```toml
//! store = "../../rotor-out/demo/stocks"
//! start = "2016-01-01"      # first day written (earlier history still feeds windows)
//! end = "2019-12-31"        # optional
//! horizon = 5               # label horizon in trading days (5 weekly, 20 monthly)
//! windows = [5, 10, 20, 30, 60]
//! universe = []             # stock codes; empty = every stock of the store
//! ```

use crate::args::{MlFeaturesArgs, MlPredictArgs};
use crate::ui::Ui;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rotor_data::store::Store;
use rotor_ml::features::FeatureConfig;
use rotor_ml::store::{build, write, FeatureJob};
use serde::Deserialize;
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
}

fn date(file: &Path, key: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|x| {
        NaiveDate::parse_from_str(x, "%Y-%m-%d")
            .with_context(|| format!("{}: `{key} = \"{x}\"`: expected YYYY-MM-DD", file.display()))
    })
    .transpose()
}

/// The job file and the command line → the store and a validated job.
fn resolve(a: &MlFeaturesArgs) -> Result<(PathBuf, FeatureJob)> {
    let text = std::fs::read_to_string(&a.config)
        .with_context(|| format!("{}: cannot read the job file", a.config.display()))?;
    let raw: RawJob = toml::from_str(&text).with_context(|| {
        format!(
            "{}: expected keys store, start, end, horizon, windows, universe",
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
    Ok((
        store,
        FeatureJob {
            universe: raw.universe,
            start: date(&a.config, "start", raw.start.as_deref())?,
            end: date(&a.config, "end", raw.end.as_deref())?,
            horizon,
            features: FeatureConfig { windows },
        },
    ))
}

pub fn features(ui: &Ui, a: MlFeaturesArgs) -> Result<()> {
    let (store_dir, job) = resolve(&a)?;
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
