//! # rotor-py
//!
//! The extension module `rotor._rotor` behind the `rotor` Python package
//! (`python/rotor`). It is a thin shell, like the command line: every function calls
//! the same library code as the matching `rotor` command, so a run from Python writes
//! the same run folder as `rotor backtest`.
//!
//! * tables cross to Python as **Arrow IPC streams** (one buffer; `pyarrow` maps it
//!   without another copy; the Python layer turns it into pandas or polars);
//! * numeric inputs from Python (a factor panel, a price panel) arrive as little-endian
//!   `float64` bytes with their date and asset axes;
//! * long calls release the GIL; errors become `rotor.RotorError` carrying the same
//!   message as the command line (file, row, column).
//!
//! **Where to extend.** A new capability is one more `#[pyfunction]` here calling the
//! library, registered in [`_rotor`], plus its wrapper and stub in `python/rotor`.
#![allow(missing_docs)] // the Python-facing docs are the docstrings and python/rotor/_rotor.pyi

mod convert;
mod eval;
mod runs;
mod store;
mod text;

use pyo3::prelude::*;

pyo3::create_exception!(
    _rotor,
    RotorError,
    pyo3::exceptions::PyException,
    "An error of the rotor engine; the message names the file, row, column or setting."
);

/// A rotor error as a Python `RotorError` with the full message chain.
pub(crate) fn err(e: impl std::fmt::Display) -> PyErr {
    RotorError::new_err(e.to_string())
}

#[pymodule]
fn _rotor(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("RotorError", m.py().get_type::<RotorError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<store::Store>()?;
    m.add_function(wrap_pyfunction!(eval::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(runs::run, m)?)?;
    m.add_function(wrap_pyfunction!(runs::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(runs::sweep_size, m)?)?;
    m.add_function(wrap_pyfunction!(runs::sweep_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(runs::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(runs::regime, m)?)?;
    m.add_function(wrap_pyfunction!(runs::risk_model, m)?)?;
    m.add_function(wrap_pyfunction!(text::text_run, m)?)?;
    m.add_function(wrap_pyfunction!(runs::toml_from_json, m)?)?;
    Ok(())
}
