//! Conversion between [`Table`] and Parquet files (Arrow `Date32`, `Utf8`, `Float64`
//! columns, Snappy-compressed), readable by pandas, polars and DuckDB.

use crate::error::{DataError, Result};
use crate::schema::{ColumnKind, Dataset};
use crate::table::{Column, Table, Text};
use arrow_array::{Array, ArrayRef, Date32Array, Float64Array, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
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
    write_chunks(
        table.dataset,
        std::slice::from_ref(table),
        w,
        path_for_errors,
    )
}

/// Write the rows of `chunks` (tables of `dataset`, one after the other) to `w` as one
/// Parquet file — the bytes [`write_table`] writes for their concatenation, without
/// building it: each column is copied once, straight from the chunks into its Arrow
/// buffer.
pub fn write_chunks<W: Write + Send>(
    dataset: Dataset,
    chunks: &[Table],
    w: W,
    path_for_errors: &Path,
) -> Result<()> {
    write_table_groups(
        dataset,
        chunks,
        w,
        path_for_errors,
        parquet::file::properties::DEFAULT_MAX_ROW_GROUP_ROW_COUNT,
    )
}

/// [`write_chunks`] with row groups of at most `group` rows.
fn write_table_groups<W: Write + Send>(
    dataset: Dataset,
    chunks: &[Table],
    w: W,
    path_for_errors: &Path,
    group: usize,
) -> Result<()> {
    use parquet::arrow::arrow_writer::{compute_leaves, ArrowRowGroupWriterFactory};
    use parquet::arrow::{add_encoded_arrow_schema_to_metadata, ArrowSchemaConverter};
    use parquet::file::writer::SerializedFileWriter;
    use rayon::prelude::*;
    let err = |e: parquet::errors::ParquetError| pq_err(path_for_errors, e);
    assert!(chunks.iter().all(|t| t.dataset == dataset));
    let schema = Arc::new(arrow_schema(dataset));
    // Dictionary pages pay off for text (codes, sources repeat on every row) and not
    // for prices and volumes, whose values rarely repeat: hashing them only costs time.
    let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY);
    for spec in dataset.columns() {
        if spec.kind == ColumnKind::F64 {
            props = props.set_column_dictionary_enabled(spec.name.into(), false);
        }
    }
    let mut props = props.build();
    // the same key-value metadata ArrowWriter writes, so readers get the Arrow types
    add_encoded_arrow_schema_to_metadata(&schema, &mut props);
    let props = Arc::new(props);
    let parquet_schema = ArrowSchemaConverter::new()
        .with_coerce_types(props.coerce_types())
        .convert(&schema)
        .map_err(err)?;
    let mut writer = SerializedFileWriter::new(w, parquet_schema.root_schema_ptr(), props.clone())
        .map_err(err)?;
    let factory = ArrowRowGroupWriterFactory::new(&writer, schema.clone());
    // columns are built and encoded in parallel (one column chunk per thread task),
    // then appended in schema order; row groups of at most 1M rows as ArrowWriter
    let arrays: Vec<ArrayRef> = (0..schema.fields().len())
        .into_par_iter()
        .zip(dataset.columns().par_iter())
        .map(|(j, spec)| {
            let parts: Vec<&Column> = chunks.iter().map(|t| &t.columns[j]).collect();
            to_array(spec.kind, &parts)
        })
        .collect();
    let n: usize = chunks.iter().map(Table::len).sum();
    let group = group.max(1);
    let mut start = 0;
    let mut index = 0;
    while start < n || (n == 0 && index == 0) {
        let len = (n - start).min(group);
        let writers = factory.create_column_writers(index).map_err(err)?;
        let chunks = writers
            .into_par_iter()
            .zip(arrays.par_iter().zip(schema.fields().par_iter()))
            .map(|(mut cw, (arr, field))| {
                let part = arr.slice(start, len);
                for leaf in compute_leaves(field, &part)? {
                    cw.write(&leaf)?;
                }
                cw.close()
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(err)?;
        let mut rg = writer.next_row_group().map_err(err)?;
        for c in chunks {
            c.append_to_row_group(&mut rg).map_err(err)?;
        }
        rg.close().map_err(err)?;
        start += len;
        index += 1;
        if n == 0 {
            break;
        }
    }
    writer.close().map_err(err)?;
    Ok(())
}

/// A column as an Arrow array, from its pieces (`parts`, one after the other, all of
/// one kind): NaN and `None` become nulls. Values are copied once into the array's
/// buffer (no per-value `Option` in between) and the validity bitmap is built only when a
/// value is missing; text goes through one builder sized up front.
fn to_array(kind: ColumnKind, parts: &[&Column]) -> ArrayRef {
    use arrow_array::builder::{NullBufferBuilder, StringBuilder};
    let n: usize = parts.iter().map(|c| c.len()).sum();
    // the validity bitmap of a column with a missing value (None when every value is
    // there: the builder materialises nothing until a null is appended)
    let validity = |valid: &mut dyn Iterator<Item = bool>| {
        let mut b = NullBufferBuilder::new(n);
        for v in valid {
            b.append(v);
        }
        b.finish()
    };
    match kind {
        ColumnKind::Date => {
            let parts: Vec<&[Option<i32>]> = parts.iter().map(|c| c.dates()).collect();
            let mut values = Vec::with_capacity(n);
            for p in &parts {
                values.extend(p.iter().map(|d| d.unwrap_or(0)));
            }
            let nulls = validity(&mut parts.iter().flat_map(|p| p.iter().map(Option::is_some)));
            Arc::new(Date32Array::new(values.into(), nulls))
        }
        ColumnKind::Str => {
            let parts: Vec<&[Option<Text>]> = parts.iter().map(|c| c.texts()).collect();
            let bytes = parts
                .iter()
                .flat_map(|p| p.iter())
                .map(|s| s.as_deref().map_or(0, str::len))
                .sum();
            let mut b = StringBuilder::with_capacity(n, bytes);
            for p in &parts {
                for s in *p {
                    b.append_option(s.as_deref());
                }
            }
            Arc::new(b.finish())
        }
        ColumnKind::F64 => {
            let parts: Vec<&[f64]> = parts.iter().map(|c| c.numbers()).collect();
            let mut values = Vec::with_capacity(n);
            for p in &parts {
                values.extend_from_slice(p);
            }
            let nulls = if values.iter().any(|x| x.is_nan()) {
                validity(&mut values.iter().map(|x| !x.is_nan()))
            } else {
                None
            };
            Arc::new(Float64Array::new(values.into(), nulls))
        }
    }
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
                    let from = v.len();
                    v.extend((0..rows).map(|i| if a.is_null(i) { None } else { Some(a.value(i)) }));
                    if let Some(k) = v[from..]
                        .iter()
                        .position(|d| d.is_some_and(|d| !crate::table::day_in_range(d as i64)))
                    {
                        return Err(pq_err(
                            path,
                            format!(
                                "row {}: column `{}` holds day {} after 1970-01-01, not a date {} \
                                 (rotor never writes one: the file was changed outside rotor)",
                                n + k + 1,
                                spec.name,
                                v[from + k].unwrap_or_default(),
                                crate::table::DATE_RANGE
                            ),
                        ));
                    }
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
/// [`Table`]. Used by panel reads, which touch four columns of millions of rows. A value
/// column the file lacks (written before the schema gained it) comes as all nulls; a
/// missing `code`, `date` or `source` is an error.
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
        match file_schema.index_of(c) {
            Ok(i) => wanted.push(i),
            // a value column the store's schema gained after this file was written (a
            // store of an earlier rotor): read as all missing, like `read_table` does
            Err(_) if !matches!(*c, "code" | "date" | "source") => {}
            Err(_) => return Err(pq_err(path, format!("store file has no column `{c}`"))),
        }
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
                batch.column_by_name(c).cloned().unwrap_or_else(|| {
                    arrow_array::new_null_array(&DataType::Float64, batch.num_rows())
                })
            })
            .collect();
        f(&arrays)?;
    }
    Ok(())
}

/// A frame as one Arrow record batch, with the types of [`write_frame`].
pub fn frame_batch(
    frame: &rotor_core::frame::Frame,
) -> std::result::Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
    use arrow_array::{BooleanArray, Int64Array, RecordBatch};
    use rotor_core::frame::Column as C;
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, col) in &frame.columns {
        let (t, a): (DataType, ArrayRef) = match col {
            C::Date(v) => (
                DataType::Date32,
                Arc::new(Date32Array::from(
                    v.iter()
                        .map(|d| d.map(crate::table::date_to_days))
                        .collect::<Vec<_>>(),
                )),
            ),
            C::Num(v) => (DataType::Float64, Arc::new(Float64Array::from(v.clone()))),
            C::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
            C::Text(v) => (
                DataType::Utf8,
                Arc::new(StringArray::from_iter_values(v.iter())),
            ),
            C::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v.clone()))),
        };
        fields.push(Field::new(name, t, true));
        arrays.push(a);
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays)
}

/// A store table as one Arrow record batch with the store's schema (dates `Date32`,
/// text `Utf8`, numbers `Float64` with NaN as null — as the Parquet files hold them).
pub fn table_batch(table: &Table) -> Result<arrow_array::RecordBatch> {
    let schema = Arc::new(arrow_schema(table.dataset));
    let arrays: Vec<ArrayRef> = table
        .columns
        .iter()
        .zip(table.dataset.columns())
        .map(|(c, spec)| to_array(spec.kind, &[c]))
        .collect();
    arrow_array::RecordBatch::try_new(schema, arrays)
        .map_err(|e| pq_err(Path::new(table.dataset.name()), e))
}

/// Write a [`rotor_core::frame::Frame`] (an analysis table: exposures, factor returns)
/// as one Parquet file at `path` — dates as `Date32`, numbers as `Float64` (NaN kept as
/// NaN, not null, as pandas writes them), integers `Int64`, text `Utf8`, booleans
/// `Boolean` — through a temporary file renamed into place, so a reader never sees half a
/// file.
pub fn write_frame(frame: &rotor_core::frame::Frame, path: &Path) -> Result<()> {
    let batch = frame_batch(frame).map_err(|e| pq_err(path, e))?;
    let schema = batch.schema();
    let tmp = path.with_extension("parquet.tmp");
    let f = File::create(&tmp).map_err(|e| DataError::io(&tmp, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, Some(props))
        .map_err(|e| pq_err(path, e))?;
    w.write(&batch).map_err(|e| pq_err(path, e))?;
    w.close().map_err(|e| pq_err(path, e))?;
    std::fs::rename(&tmp, path).map_err(|e| DataError::io(path, e))?;
    Ok(())
}

/// Write `t × n` panels over `dates` × `assets` in long form to one Parquet file:
/// columns `date, asset, <key>, <value_name>` — `key` (e.g. `factor`) naming each panel
/// — or `date, asset, <value_name>` for a single panel with `key = None`. Only finite values become
/// rows. Written a few dates per record batch (memory stays a small multiple of one
/// batch), through a temporary file renamed into place.
pub fn write_panels_long(
    path: &Path,
    dates: &[chrono::NaiveDate],
    assets: &[String],
    key: Option<&str>,
    value_name: &str,
    panels: &[(&str, &[f64])],
) -> Result<()> {
    use arrow_array::RecordBatch;
    let n = assets.len();
    let mut fields = vec![
        Field::new("date", DataType::Date32, false),
        Field::new("asset", DataType::Utf8, false),
    ];
    if let Some(k) = key {
        fields.push(Field::new(k, DataType::Utf8, false));
    }
    fields.push(Field::new(value_name, DataType::Float64, false));
    let schema = Arc::new(Schema::new(fields));
    let tmp = path.with_extension("parquet.tmp");
    let f = File::create(&tmp).map_err(|e| DataError::io(&tmp, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_column_dictionary_enabled(value_name.into(), false)
        .build();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema.clone(), Some(props))
        .map_err(|e| pq_err(path, e))?;
    const DATES_PER_BATCH: usize = 32;
    for chunk in (0..dates.len()).collect::<Vec<_>>().chunks(DATES_PER_BATCH) {
        let (mut d, mut a, mut k, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for &t in chunk {
            let day = crate::table::date_to_days(dates[t]);
            for (name, p) in panels {
                for j in 0..n {
                    let x = p[t * n + j];
                    if x.is_finite() {
                        d.push(day);
                        a.push(assets[j].as_str());
                        k.push(*name);
                        v.push(x);
                    }
                }
            }
        }
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(Date32Array::from(d)),
            Arc::new(StringArray::from_iter_values(a)),
        ];
        if key.is_some() {
            cols.push(Arc::new(StringArray::from_iter_values(k)));
        }
        cols.push(Arc::new(Float64Array::from(v)));
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| pq_err(path, e))?;
        w.write(&batch).map_err(|e| pq_err(path, e))?;
    }
    w.close().map_err(|e| pq_err(path, e))?;
    std::fs::rename(&tmp, path).map_err(|e| DataError::io(path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_value_column_missing_from_an_older_file_reads_as_nulls() {
        use rotor_core::frame::{Column as C, Frame};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.parquet");
        let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let f = Frame::new("prices")
            .with(
                "code",
                C::Text(vec!["600000.SH".into(), "600000.SH".into()]),
            )
            .with("date", C::Date(vec![Some(d), d.succ_opt()]))
            .with("source", C::Text(vec!["x".into(), "x".into()]))
            .with("close", C::Num(vec![10.0, 10.5]));
        write_frame(&f, &p).unwrap();
        let mut seen = Vec::new();
        for_each_batch(&p, &["code", "date", "source", "preclose"], |a| {
            seen.push((a[3].len(), a[3].null_count()));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec![(2, 2)], "preclose: all missing");
        let e = for_each_batch(&p, &["code", "date", "source", "close"], |_| Ok(()));
        assert!(e.is_ok());
        let e = for_each_batch(&p, &["code", "when"], |_| Ok(())).map(|_| ());
        assert!(
            e.is_ok(),
            "an unknown value column is missing, not an error"
        );
        let dir2 = tempfile::tempdir().unwrap();
        let q = dir2.path().join("nokey.parquet");
        write_frame(&Frame::new("x").with("close", C::Num(vec![1.0])), &q).unwrap();
        let e = for_each_batch(&q, &["code", "close"], |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column `code`"), "{e}");
    }

    use super::*;
    use crate::table::Value;

    fn table(n: usize) -> Table {
        let mut t = Table::new(Dataset::Prices);
        let base = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        for i in 0..n {
            let row = Dataset::Prices
                .columns()
                .iter()
                .map(|c| match c.name {
                    "code" => Value::Str(Some(format!("C{}", i % 3).into())),
                    "source" => Value::Str(Some("s".into())),
                    "date" | "available_at" => {
                        Value::Date(Some(base + chrono::Duration::days(i as i64)))
                    }
                    "close" => Value::F64(if i % 4 == 3 { f64::NAN } else { i as f64 + 0.5 }),
                    _ => match c.kind {
                        ColumnKind::F64 => Value::F64(f64::NAN),
                        ColumnKind::Str => Value::Str(None),
                        ColumnKind::Date => Value::Date(None),
                    },
                })
                .collect();
            t.push_row(row);
        }
        t
    }

    #[test]
    fn writing_chunks_writes_the_bytes_of_their_concatenation() {
        let t = table(23);
        let bytes = |chunks: &[Table]| {
            let mut v = Vec::new();
            write_chunks(Dataset::Prices, chunks, &mut v, Path::new("t.parquet")).unwrap();
            v
        };
        let rows = |r: std::ops::Range<usize>| t.take(&r.collect::<Vec<_>>());
        let whole = bytes(std::slice::from_ref(&t));
        assert_eq!(
            bytes(&[rows(0..5), rows(5..5), rows(5..17), rows(17..23)]),
            whole
        );
        assert_ne!(bytes(&[rows(0..5), rows(17..23), rows(5..17)]), whole);
        // row groups that cut across chunks
        let grouped = |chunks: &[Table]| {
            let mut v = Vec::new();
            write_table_groups(Dataset::Prices, chunks, &mut v, Path::new("t"), 7).unwrap();
            v
        };
        assert_eq!(
            grouped(&[rows(0..5), rows(5..17), rows(17..23)]),
            grouped(std::slice::from_ref(&t))
        );
        assert_eq!(bytes(&[]), bytes(&[Table::new(Dataset::Prices)]));
    }

    #[test]
    fn parallel_column_writer_round_trips_across_row_groups_and_empty_tables() {
        for (n, group) in [(0usize, 4usize), (10, 3), (10, 10), (7, 100)] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.parquet");
            let t = table(n);
            write_table_groups(
                t.dataset,
                std::slice::from_ref(&t),
                File::create(&path).unwrap(),
                &path,
                group,
            )
            .unwrap();
            let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
                .unwrap()
                .metadata()
                .clone();
            assert_eq!(meta.file_metadata().num_rows() as usize, n);
            if n > 0 {
                assert_eq!(meta.num_row_groups(), n.div_ceil(group));
            }
            // a NaN or a missing cell is stored as a null, not as a value
            let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
                .unwrap()
                .build()
                .unwrap();
            let (mut close_nulls, mut type_nulls, mut date_nulls) = (0, 0, 0);
            for b in reader {
                let b = b.unwrap();
                close_nulls += b.column_by_name("close").unwrap().null_count();
                type_nulls += b.column_by_name("asset_type").unwrap().null_count();
                date_nulls += b.column_by_name("date").unwrap().null_count();
            }
            assert_eq!(close_nulls, n / 4);
            assert_eq!((type_nulls, date_nulls), (n, 0));
            let back = read_table(Dataset::Prices, &path, None).unwrap();
            assert_eq!(back.len(), n);
            for (a, b) in t.columns.iter().zip(&back.columns) {
                match (a, b) {
                    (Column::F64(x), Column::F64(y)) => {
                        for (u, v) in x.iter().zip(y) {
                            assert!(u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan()));
                        }
                    }
                    _ => assert_eq!(a, b),
                }
            }
        }
    }
}
