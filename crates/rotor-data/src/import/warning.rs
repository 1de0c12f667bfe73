//! Import warnings: what an import found and handled, by kind, never silently.

use crate::schema::Dataset;
use serde::Serialize;
use std::collections::BTreeMap;

/// What an import warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Trailing rows without a date (vendor footers) skipped.
    Footer,
    /// No code column: the file name is the code.
    CodeFromFilename,
    /// Numbers written as `=123.45` parsed.
    EqPrefix,
    /// Dates in descending order, sorted.
    Descending,
    /// Percentiles given in percent, divided by 100.
    PercentScale,
    /// Repeated keys, the first kept.
    Duplicate,
    /// Weekend / 1 January rows repeating the next trading day dropped.
    HolidayRow,
    /// Non-positive prices set to missing.
    NonPositive,
    /// A persistent shift of a unit-bearing series (a change of units?).
    UnitJump,
    /// Numbers written with a `%` sign, read as percent numbers (`5%` → 5).
    PercentSign,
    /// Infinite or overflowing numbers (`inf`, `1e400`), stored as missing.
    NonFinite,
    /// A numeric column read without a single number in it.
    EmptyColumn,
    /// Two columns with the same header; the first is read.
    DuplicateHeader,
    /// A code stored under its instrument's canonical code (`399300.SZ` → `000300.SH`).
    Alias,
    /// Trailing rows carrying the previous close forward with no trade, dropped.
    CarriedForward,
    /// More of a file lost than [`crate::import::convert::MAX_LOST_SHARE`], allowed by
    /// `allow_drops`.
    Loss,
    /// An index weight snapshot that sums far from 100 % or lacks members.
    IncompleteSnapshot,
    /// A price level that looks like another unit, allowed by `allow_level_mismatch`.
    LevelMismatch,
    /// Excel serial day numbers read as dates.
    SerialDates,
    /// Stock closes falling beyond the price limit with nothing to adjust them: likely
    /// ex-rights days in unadjusted closes.
    ExRights,
    /// Fund rows with a unit NAV and no total-return NAV.
    FundNavOnly,
    /// Fund holdings whose code no exchange rule places (Hong Kong, third board), kept
    /// as written.
    UnplacedCode,
}

impl WarningKind {
    /// The label written in reports (`footer`, `unit_jump`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Footer => "footer",
            WarningKind::CodeFromFilename => "code_from_filename",
            WarningKind::EqPrefix => "eq_prefix",
            WarningKind::Descending => "descending",
            WarningKind::PercentScale => "percent_scale",
            WarningKind::Duplicate => "duplicate",
            WarningKind::HolidayRow => "holiday_row",
            WarningKind::NonPositive => "non_positive",
            WarningKind::UnitJump => "unit_jump",
            WarningKind::PercentSign => "percent_sign",
            WarningKind::NonFinite => "non_finite",
            WarningKind::EmptyColumn => "empty_column",
            WarningKind::DuplicateHeader => "duplicate_header",
            WarningKind::Alias => "alias",
            WarningKind::CarriedForward => "carried_forward",
            WarningKind::Loss => "loss",
            WarningKind::IncompleteSnapshot => "incomplete_snapshot",
            WarningKind::LevelMismatch => "level_mismatch",
            WarningKind::SerialDates => "serial_dates",
            WarningKind::ExRights => "ex_rights",
            WarningKind::UnplacedCode => "unplaced_code",
            WarningKind::FundNavOnly => "fund_nav_only",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data-quality finding of an import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// File.
    pub file: String,
    /// What it is about.
    pub kind: WarningKind,
    /// 1-based row, when one row is concerned.
    pub row: Option<usize>,
    /// Column, when one column is concerned.
    pub column: Option<String>,
    /// Human-readable text.
    pub message: String,
}

/// The drop reason of rows whose code the mapping's `exclude` names.
pub const EXCLUDED: &str = "excluded";

/// Where the rows of one file went: every row read is kept or dropped for a named
/// reason (printed by `rotor data import` and written to its report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowAccount {
    /// File.
    pub file: String,
    /// Target dataset.
    pub dataset: Dataset,
    /// Data rows in the file (header, skipped and blank rows not counted).
    pub rows: usize,
    /// Trailing rows without a date (vendor footers), skipped.
    pub footer: usize,
    /// Observations the kept rows gave: one per row of a long file, one per non-blank
    /// cell of a wide or column-per-series file.
    pub observations: usize,
    /// Observations dropped by the cleaning, by reason (`duplicate`, `holiday_row`,
    /// `carried_forward`).
    pub dropped: BTreeMap<String, usize>,
    /// Cells set to missing because they are in another unit than the rest of their
    /// series, by column (see `import::clean`).
    pub blanked: BTreeMap<String, usize>,
    /// Rows handed to the store (then merged: see the commit's counts).
    pub kept: usize,
}

impl RowAccount {
    /// Rows and observations lost: footers plus every drop (rows the mapping excludes
    /// are not lost).
    pub fn lost(&self) -> usize {
        self.footer + self.unwanted_drops()
    }

    fn unwanted_drops(&self) -> usize {
        self.dropped
            .iter()
            .filter(|(k, _)| k.as_str() != EXCLUDED)
            .map(|(_, n)| n)
            .sum()
    }

    /// The share of the file lost (footers over rows, drops over observations).
    pub fn lost_share(&self) -> f64 {
        let f = if self.rows > 0 {
            self.footer as f64 / self.rows as f64
        } else {
            0.0
        };
        let d = if self.observations > 0 {
            self.unwanted_drops() as f64 / self.observations as f64
        } else {
            0.0
        };
        f + d
    }
}
