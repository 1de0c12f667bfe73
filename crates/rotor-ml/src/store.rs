//! The bridge to a rotor store: the stocks' bars read on the close grid, features and
//! labels computed, and written as long Parquet tables other tools read as they are —
//! `features.parquet` (date, asset, one float column per feature) and `labels.parquet`
//! (date, asset, label) — through a temporary file renamed into place.

use crate::features::{compute, Bars, FeatureConfig, Features};
use crate::labels::forward_rank_labels;
use chrono::NaiveDate;
use rayon::prelude::*;
use rotor_core::frame::{Column, Frame};
use rotor_core::Panel;
use rotor_data::panel::read_panel;
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use std::path::Path;

/// Errors of the store bridge.
#[derive(Debug, thiserror::Error)]
pub enum MlError {
    /// Reading the store or writing a file failed.
    #[error(transparent)]
    Data(#[from] rotor_data::DataError),
    /// The store lacks what the step needs.
    #[error("{0}")]
    Input(String),
}

/// Settings of `rotor ml features`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureJob {
    /// Stocks (empty = every `asset_type = stock` code of the store).
    pub universe: Vec<String>,
    /// First and last day written (the features of the first days still read the
    /// history before `start`).
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Label horizon in trading days (SPEC §15: 5 weekly, 20 monthly).
    pub horizon: usize,
    /// Feature windows.
    pub features: FeatureConfig,
}

impl Default for FeatureJob {
    fn default() -> Self {
        FeatureJob {
            universe: Vec::new(),
            start: None,
            end: None,
            horizon: 5,
            features: FeatureConfig::default(),
        }
    }
}

/// What a job produced: the grid, features, labels, and what it could not do.
pub struct FeatureSet {
    /// Days.
    pub dates: Vec<NaiveDate>,
    /// Stocks.
    pub assets: Vec<String>,
    /// Closes (where a stock has a row).
    pub close: Vec<f64>,
    /// Features.
    pub features: Features,
    /// Labels `t × n`.
    pub labels: Vec<f64>,
    /// Daily total returns `t × n` (what the labels compound; NaN on a day left out).
    pub returns: Vec<f64>,
    /// Notes for the user.
    pub notes: Vec<String>,
}

/// A field of `ds` on the close grid, None when the store has no value of it.
fn field(store: &Store, ds: Dataset, name: &str, grid: &Panel) -> Result<Option<Panel>, MlError> {
    Ok(rotor_data::panel::field_on_grid(store, ds, name, grid)?)
}

/// Read the bars, compute the features and labels of `job`.
pub fn build(store: &Store, job: &FeatureJob) -> Result<FeatureSet, MlError> {
    let codes = if job.universe.is_empty() {
        rotor_data::panel::stock_codes(store)?
    } else {
        job.universe.clone()
    };
    let close = read_panel(store, Dataset::Prices, "close", Some(&codes), &[])?;
    let k = job.end.map_or(close.dates.len(), |e| {
        close.dates.partition_point(|d| *d <= e)
    });
    let dates = close.dates[..k].to_vec();
    let close = close.reindex(&dates, &close.assets);
    if close.dates.is_empty() || close.assets.is_empty() {
        return Err(MlError::Input("no stock closes in the window".into()));
    }
    let pre = field(store, Dataset::Prices, "preclose", &close)?;
    let tr = field(store, Dataset::Prices, "tr_close", &close)?;
    let adj = field(store, Dataset::Prices, "adj_factor", &close)?;
    let (returns, rep) = rotor_data::returns::total_returns_adj(
        &close,
        pre.as_ref(),
        tr.as_ref(),
        adj.as_ref(),
        0.35,
    );
    let [open, high, low, volume, amount] = ["open", "high", "low", "volume", "amount"]
        .map(|f| field(store, Dataset::Prices, f, &close));
    let (open, high, low, volume, amount) = (open?, high?, low?, volume?, amount?);
    let turnover = field(store, Dataset::Valuation, "turnover_rate", &close)?;
    let ohlc = match (&open, &high, &low) {
        (Some(o), Some(h), Some(l)) => Some([&o.values[..], &h.values[..], &l.values[..]]),
        _ => None,
    };
    let bars = Bars {
        n: close.assets.len(),
        close: &close.values,
        returns: &returns.values,
        ohlc,
        volume: volume.as_ref().map(|p| &p.values[..]),
        amount: amount.as_ref().map(|p| &p.values[..]),
        turnover: turnover.as_ref().map(|p| &p.values[..]),
    };
    let features = compute(&bars, &job.features);
    let labels = forward_rank_labels(&returns.values, &close.values, bars.n, job.horizon);
    let mut notes = vec![format!(
        "returns: {} from close / preclose, {} from the total-return close, {} from adjustment factors, {} from the price close ({} moves beyond ±35 % left out as likely ex-rights days)",
        rep.from_preclose, rep.from_tr_close, rep.from_adj_factor, rep.from_close, rep.blanked.len()
    )];
    for (what, has) in [
        ("k-line features (open / high / low)", ohlc.is_some()),
        ("volume features", volume.is_some()),
        (
            "vwap0 (amount and volume)",
            amount.is_some() && volume.is_some(),
        ),
        (
            "turnover features (valuation turnover_rate)",
            turnover.is_some(),
        ),
    ] {
        if !has {
            notes.push(format!("{what}: not in the store, not built"));
        }
    }
    Ok(FeatureSet {
        dates,
        assets: close.assets.clone(),
        close: close.values,
        features,
        labels,
        returns: returns.values,
        notes,
    })
}

/// Total-return levels `t × n` from the set's daily returns: 1 on a stock's first row,
/// then `L_k = L_{k−1} (1 + r_k)`; a day without a return carries the level (as the
/// features do); NaN where the stock has no close. The prices `rotor eval` needs to
/// judge predictions on the returns the labels were made of.
pub fn total_return_levels(set: &FeatureSet) -> Vec<f64> {
    let n = set.assets.len();
    let mut out = vec![f64::NAN; set.close.len()];
    for j in 0..n {
        let mut level = f64::NAN;
        for t in 0..set.dates.len() {
            let k = t * n + j;
            if !set.close[k].is_finite() {
                continue;
            }
            level = if level.is_nan() {
                1.0
            } else if set.returns[k].is_finite() {
                level * (1.0 + set.returns[k])
            } else {
                level
            };
            out[k] = level;
        }
    }
    out
}

/// The first row index on or after `start`.
fn first_row(dates: &[NaiveDate], start: Option<NaiveDate>) -> usize {
    start.map_or(0, |s| dates.partition_point(|d| *d < s))
}

/// Write `features.parquet` and `labels.parquet` into `dir`: one row per day and stock
/// with a close from `start` on (features null where a window is not yet full; `float32`
/// columns, the precision they are computed to) and one label row per finite label.
pub fn write(
    set: &FeatureSet,
    start: Option<NaiveDate>,
    dir: &Path,
) -> Result<(usize, usize), MlError> {
    std::fs::create_dir_all(dir).map_err(|e| rotor_data::DataError::io(dir, e))?;
    let (n, t_len) = (set.assets.len(), set.dates.len());
    let t0 = first_row(&set.dates, start);
    let rows: Vec<(usize, usize)> = (t0..t_len)
        .flat_map(|t| (0..n).map(move |j| (t, j)))
        .filter(|&(t, j)| set.close[t * n + j].is_finite())
        .collect();
    write_features(set, &rows, &dir.join("features.parquet"))?;
    let lrows: Vec<(usize, usize)> = (t0..t_len)
        .flat_map(|t| (0..n).map(move |j| (t, j)))
        .filter(|&(t, j)| set.labels[t * n + j].is_finite())
        .collect();
    let labels = Frame::new("labels")
        .with(
            "date",
            Column::Date(lrows.iter().map(|&(t, _)| Some(set.dates[t])).collect()),
        )
        .with(
            "asset",
            Column::Text(lrows.iter().map(|&(_, j)| set.assets[j].clone()).collect()),
        )
        .with(
            "label",
            Column::Num(lrows.iter().map(|&(t, j)| set.labels[t * n + j]).collect()),
        );
    rotor_data::parquet_io::write_frame(&labels, &dir.join("labels.parquet"))?;
    Ok((rows.len(), lrows.len()))
}

/// Predictions of a model over a `features.parquet` (or any long file with `date`,
/// `asset` and one column per model feature) as a panel over its dates × assets, NaN
/// where a stock has no feature on a day. A feature the model needs and the file lacks
/// is an error naming both.
pub fn predict_file(model: &crate::lightgbm::LightGbm, features: &Path) -> Result<Panel, MlError> {
    if model.feature_names.is_empty() {
        return Err(MlError::Input(
            "the model file names no features (`feature_names=`): cannot match columns".into(),
        ));
    }
    let mut panels: Vec<Panel> = Vec::with_capacity(model.feature_names.len());
    for name in &model.feature_names {
        let p = rotor_data::longfile::read_long(features, Some(name)).map_err(|e| {
            MlError::Input(format!(
                "{}: the model's feature `{name}`: {e}",
                features.display()
            ))
        })?;
        panels.push(p);
    }
    let (dates, assets) = (panels[0].dates.clone(), panels[0].assets.clone());
    let panels: Vec<Panel> = panels
        .into_iter()
        .map(|p| p.reindex(&dates, &assets))
        .collect();
    let cells = dates.len() * assets.len();
    let out: Vec<f64> = (0..cells)
        .into_par_iter()
        .map_init(
            || vec![f64::NAN; panels.len()],
            |x, k| {
                for (v, p) in x.iter_mut().zip(&panels) {
                    *v = p.values[k];
                }
                if x.iter().any(|v| v.is_finite()) {
                    model.predict(x)
                } else {
                    f64::NAN
                }
            },
        )
        .collect();
    Ok(Panel {
        dates,
        assets,
        values: out,
    })
}

/// `features.parquet`: `date` (date32), `asset` (utf8), one nullable `float32` column per
/// feature, written in batches of 65,536 rows through a temporary file renamed into
/// place.
fn write_features(set: &FeatureSet, rows: &[(usize, usize)], path: &Path) -> Result<(), MlError> {
    use arrow_array::{ArrayRef, Date32Array, Float32Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;
    let f = &set.features;
    let (nf, t_len) = (f.names.len(), set.dates.len());
    let mut fields = vec![
        Field::new("date", DataType::Date32, false),
        Field::new("asset", DataType::Utf8, false),
    ];
    fields.extend(
        f.names
            .iter()
            .map(|n| Field::new(n.as_str(), DataType::Float32, true)),
    );
    let schema = Arc::new(Schema::new(fields));
    let pq = |e: &dyn std::fmt::Display| {
        MlError::Data(rotor_data::DataError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    };
    let tmp = path.with_extension("parquet.tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| rotor_data::DataError::io(&tmp, e))?;
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props))
        .map_err(|e| pq(&e))?;
    for chunk in rows.chunks(65_536) {
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(Date32Array::from_iter_values(
                chunk
                    .iter()
                    .map(|&(t, _)| rotor_data::table::date_to_days(set.dates[t])),
            )),
            Arc::new(StringArray::from_iter_values(
                chunk.iter().map(|&(_, j)| set.assets[j].as_str()),
            )),
        ];
        for k in 0..nf {
            cols.push(Arc::new(Float32Array::from_iter(chunk.iter().map(
                |&(t, j)| {
                    let v = f.values[(j * nf + k) * t_len + t];
                    v.is_finite().then_some(v)
                },
            ))));
        }
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| pq(&e))?;
        w.write(&batch).map_err(|e| pq(&e))?;
    }
    w.close().map_err(|e| pq(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| rotor_data::DataError::io(path, e))?;
    Ok(())
}

#[cfg(test)]
mod level_tests {
    use super::*;

    #[test]
    fn levels_compound_returns_carry_gaps_and_start_at_one() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // one stock: no close on day 0, then returns −, +10 %, (missing), −50 %
        let set = FeatureSet {
            dates: vec![
                d("2024-01-02"),
                d("2024-01-03"),
                d("2024-01-04"),
                d("2024-01-05"),
                d("2024-01-08"),
            ],
            assets: vec!["A".into()],
            close: vec![f64::NAN, 10.0, 11.0, 22.0, 11.0],
            features: Features::default(),
            labels: vec![f64::NAN; 5],
            returns: vec![f64::NAN, f64::NAN, 0.1, f64::NAN, -0.5],
            notes: Vec::new(),
        };
        let l = total_return_levels(&set);
        assert!(l[0].is_nan());
        assert_eq!(&l[1..], &[1.0, 1.1, 1.1, 0.55]);
    }
}
