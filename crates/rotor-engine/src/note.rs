//! Notes: what a run could not do, substituted or assumed — printed in the terminal,
//! written to `notes.txt` and `summary.json`, shown in the report. Typed by kind so a
//! reader (or a test) can filter them.

use serde::Serialize;
use std::fmt;

/// What a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Data absent, late or cut.
    Data,
    /// A proxy or fallback stands in for missing data.
    Proxy,
    /// Universe members left out or added.
    Universe,
    /// The backtest window (cut at the data's end, at `end`).
    Window,
    /// Trades that could not be made as asked.
    Execution,
    /// The strategy's own remarks (families excluded, parameters).
    Strategy,
}

/// One note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Kind.
    pub kind: NoteKind,
    /// Text (one line).
    pub text: String,
}

impl Note {
    /// A note of `kind`.
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Self {
        Note {
            kind,
            text: text.into(),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
