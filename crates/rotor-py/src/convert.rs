//! Crossing the boundary: Arrow IPC streams out, little-endian `float64` bytes and day
//! numbers in.

use crate::err;
use arrow_array::RecordBatch;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// A record batch as one Arrow IPC stream (schema + one batch), as Python bytes.
pub fn ipc<'py>(py: Python<'py>, batch: &RecordBatch) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = ipc_bytes(batch)?;
    Ok(PyBytes::new(py, &bytes))
}

/// The IPC stream bytes of a batch.
pub fn ipc_bytes(batch: &RecordBatch) -> PyResult<Vec<u8>> {
    let mut buf = Vec::with_capacity(batch.get_array_memory_size() + 1024);
    {
        let mut w =
            arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema()).map_err(err)?;
        w.write(batch).map_err(err)?;
        w.finish().map_err(err)?;
    }
    Ok(buf)
}

/// A frame (engine tables) as IPC bytes.
pub fn frame<'py>(py: Python<'py>, f: &rotor_core::frame::Frame) -> PyResult<Bound<'py, PyBytes>> {
    let b = rotor_data::parquet_io::frame_batch(f).map_err(err)?;
    ipc(py, &b)
}

/// `n` float64 values from little-endian bytes.
pub fn f64s(bytes: &[u8], n: usize, what: &str) -> PyResult<Vec<f64>> {
    if bytes.len() != n * 8 {
        return Err(err(format!(
            "{what}: {} bytes for {n} float64 values (expected {})",
            bytes.len(),
            n * 8
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

/// Days since 1970-01-01 as dates.
pub fn days(v: &[i64], what: &str) -> PyResult<Vec<NaiveDate>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    v.iter()
        .map(|&d| {
            epoch
                .checked_add_signed(chrono::Duration::days(d))
                .ok_or_else(|| err(format!("{what}: day number {d} is not a date")))
        })
        .collect()
}

/// An ISO date (`2024-01-31`; a longer timestamp is cut to its date).
pub fn date(s: &str, what: &str) -> PyResult<NaiveDate> {
    s.get(..10)
        .and_then(|x| x.parse().ok())
        .ok_or_else(|| err(format!("{what}: {s:?} is not a date (expected YYYY-MM-DD)")))
}
