//! Conversion between [`Table`] and Parquet files (Arrow `Date32`, `Utf8`, `Float64`
//! columns, Snappy-compressed), readable by pandas, polars and DuckDB.

use crate::error::{DataError, Result};
use crate::schema::{ColumnKind, Dataset};
use crate::table::{Column, Table};
use arrow_array::{Array, ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

fn arrow_schema(dataset: Dataset) -> Schema {
    Schema::new(
        dataset
            .columns()
            .iter()
            .map(|c| {
                let t = match c.kind {
                    ColumnKind::Date => DataType::Date32,
                    ColumnKind::Str => DataType::Utf8,
                    ColumnKind::F64 => DataType::Float64,
                };
                Field::new(c.name, t, true)
            })
            .collect::<Vec<_>>(),
    )
}

fn pq_err(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Write `table` to `w` as Parquet.
pub fn write_table<W: Write + Send>(table: &Table, w: W, path_for_errors: &Path) -> Result<()> {
    let schema = Arc::new(arrow_schema(table.dataset));
    let arrays: Vec<ArrayRef> = table
        .columns
        .iter()
        .map(|c| -> ArrayRef {
            match c {
                Column::Date(v) => Arc::new(Date32Array::from(v.clone())),
                Column::Str(v) => Arc::new(StringArray::from(
                    v.iter().map(|s| s.as_deref()).collect::<Vec<_>>(),
                )),
                Column::F64(v) => Arc::new(Float64Array::from(
                    v.iter()
                        .map(|x| if x.is_nan() { None } else { Some(*x) })
                        .collect::<Vec<_>>(),
                )),
            }
        })
        .collect();
    let batch =
        RecordBatch::try_new(schema.clone(), arrays).map_err(|e| pq_err(path_for_errors, e))?;
    // Dictionary pages pay off for text (codes, sources repeat on every row) and not
    // for prices and volumes, whose values rarely repeat: hashing them only costs time.
    let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY);
    for (spec, col) in table.dataset.columns().iter().zip(&table.columns) {
        if matches!(col, Column::F64(_)) {
            props = props.set_column_dictionary_enabled(spec.name.into(), false);
        }
    }
    let props = props.build();
    let mut writer =
        ArrowWriter::try_new(w, schema, Some(props)).map_err(|e| pq_err(path_for_errors, e))?;
    writer
        .write(&batch)
        .map_err(|e| pq_err(path_for_errors, e))?;
    writer.close().map_err(|e| pq_err(path_for_errors, e))?;
    Ok(())
}

/// Read a dataset's Parquet file; `only` restricts to the named columns (others come
/// back empty-filled: NaN / null), which makes panel reads cheap.
pub fn read_table(dataset: Dataset, path: &Path, only: Option<&[&str]>) -> Result<Table> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| pq_err(path, e))?;
    let file_schema = builder.schema().clone();
    let wanted: Vec<usize> = dataset
        .columns()
        .iter()
        .filter(|c| only.is_none_or(|o| o.contains(&c.name)))
        .filter_map(|c| file_schema.index_of(c.name).ok())
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted.clone());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(1 << 16)
        .build()
        .map_err(|e| pq_err(path, e))?;
    let mut table = Table::new(dataset);
    let mut n = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| pq_err(path, e))?;
        let rows = batch.num_rows();
        for (ci, spec) in dataset.columns().iter().enumerate() {
            let arr = batch.column_by_name(spec.name);
            match (&mut table.columns[ci], arr) {
                (Column::Date(v), Some(a)) => {
                    let a = a.as_any().downcast_ref::<Date32Array>().ok_or_else(|| {
                        pq_err(path, format!("column `{}` is not Date32", spec.name))
                    })?;
                    v.extend((0..rows).map(|i| if a.is_null(i) { None } else { Some(a.value(i)) }));
                }
                (Column::Str(v), Some(a)) => {
                    let a = a.as_any().downcast_ref::<StringArray>().ok_or_else(|| {
                        pq_err(path, format!("column `{}` is not Utf8", spec.name))
                    })?;
                    v.reserve(rows);
                    for i in 0..rows {
                        crate::table::push_text(v, (!a.is_null(i)).then(|| a.value(i)));
                    }
                }
                (Column::F64(v), Some(a)) => {
                    let a = a.as_any().downcast_ref::<Float64Array>().ok_or_else(|| {
                        pq_err(path, format!("column `{}` is not Float64", spec.name))
                    })?;
                    if a.null_count() == 0 {
                        v.extend_from_slice(a.values());
                    } else {
                        v.extend(
                            (0..rows).map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) }),
                        );
                    }
                }
                (Column::Date(v), None) => v.extend(std::iter::repeat_n(None, rows)),
                (Column::Str(v), None) => v.extend(std::iter::repeat_n(None, rows)),
                (Column::F64(v), None) => v.extend(std::iter::repeat_n(f64::NAN, rows)),
            }
        }
        n += rows;
    }
    debug_assert_eq!(table.len(), n);
    Ok(table)
}

/// Stream the record batches of `columns` (by name, all `Utf8`/`Date32`/`Float64` as the
/// store writes them) of a store file to `f`, one batch at a time, without building a
/// [`Table`]. Used by panel reads, which touch four columns of millions of rows.
pub fn for_each_batch(
    path: &Path,
    columns: &[&str],
    mut f: impl FnMut(&[ArrayRef]) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    // text columns come dictionary-encoded (Int32 keys): codes and sources repeat on
    // every row, and decoding them as plain strings dominates the read
    let probe = ParquetRecordBatchReaderBuilder::try_new(
        file.try_clone().map_err(|e| DataError::io(path, e))?,
    )
    .map_err(|e| pq_err(path, e))?;
    let fields: Vec<Field> = probe
        .schema()
        .fields()
        .iter()
        .map(|f| {
            if matches!(f.data_type(), DataType::Utf8) {
                Field::new(
                    f.name(),
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    f.is_nullable(),
                )
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    drop(probe);
    let opts = parquet::arrow::arrow_reader::ArrowReaderOptions::new()
        .with_schema(Arc::new(Schema::new(fields)));
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(file, opts)
        .map_err(|e| pq_err(path, e))?;
    let file_schema = builder.schema().clone();
    let mut wanted = Vec::with_capacity(columns.len());
    for c in columns {
        wanted.push(
            file_schema
                .index_of(c)
                .map_err(|_| pq_err(path, format!("store file has no column `{c}`")))?,
        );
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(1 << 16)
        .build()
        .map_err(|e| pq_err(path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| pq_err(path, e))?;
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|c| {
                batch
                    .column_by_name(c)
                    .cloned()
                    .ok_or_else(|| pq_err(path, format!("missing column `{c}`")))
            })
            .collect::<Result<_>>()?;
        f(&arrays)?;
    }
    Ok(())
}
