//! Daily performance of a run as dated series: the strategy (net and gross of costs),
//! the equal-weight portfolio of eligible members and the market benchmark, all on one
//! window of dates — cut by date, never by position.

use chrono::NaiveDate;
use rotor_core::series::Dated;
use serde::Serialize;
use std::fmt;

/// Which series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// The strategy, net of costs.
    Strategy,
    /// The equal-weight portfolio of eligible universe members, net of the same costs.
    EqualWeight,
    /// The market benchmark (a price index, no costs).
    Benchmark,
    /// The strategy before costs.
    StrategyGross,
}

impl SeriesKind {
    /// All, in table order.
    pub const ALL: [SeriesKind; 4] = [
        SeriesKind::Strategy,
        SeriesKind::EqualWeight,
        SeriesKind::Benchmark,
        SeriesKind::StrategyGross,
    ];

    /// Column name in the run tables.
    pub fn name(self) -> &'static str {
        match self {
            SeriesKind::Strategy => "strategy",
            SeriesKind::EqualWeight => "equal_weight",
            SeriesKind::Benchmark => "benchmark",
            SeriesKind::StrategyGross => "strategy_gross",
        }
    }
}

impl fmt::Display for SeriesKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Daily returns over the backtest window. The first day is the first execution day
/// (NAV base = 1, its return is 0); every series has a value on every day.
#[derive(Debug, Clone, PartialEq)]
pub struct Perf {
    series: Vec<(SeriesKind, Dated)>,
    days: Vec<NaiveDate>,
}

impl Perf {
    /// An empty window over `days`.
    pub fn new(days: Vec<NaiveDate>) -> Self {
        Perf {
            series: Vec::new(),
            days,
        }
    }

    /// Add a series; its values must cover the window's days.
    pub fn push(&mut self, kind: SeriesKind, values: Vec<f64>) {
        assert_eq!(values.len(), self.days.len(), "{kind} off the window");
        let d = Dated::new(self.days.clone(), values).expect("window dates are increasing");
        self.series.push((kind, d));
        self.series.sort_by_key(|(k, _)| *k);
    }

    /// The window's days.
    pub fn days(&self) -> &[NaiveDate] {
        &self.days
    }

    /// A series by kind.
    pub fn get(&self, kind: SeriesKind) -> Option<&Dated> {
        self.series.iter().find(|(k, _)| *k == kind).map(|(_, d)| d)
    }

    /// Daily returns of a series by kind.
    pub fn returns(&self, kind: SeriesKind) -> Option<&[f64]> {
        self.get(kind).map(|d| d.values())
    }

    /// The series present, in table order.
    pub fn kinds(&self) -> Vec<SeriesKind> {
        self.series.iter().map(|(k, _)| *k).collect()
    }
}
