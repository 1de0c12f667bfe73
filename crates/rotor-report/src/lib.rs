//! # rotor-report
//!
//! Reports people would rather look at than read. One [`doc::Report`] model — sections
//! of charts, tables, headline figures and text — rendered three ways:
//!
//! * [`html::render`]: one self-contained HTML page (inline CSS and SVG, no network,
//!   opens from disk), Chinese labels, percentages with two decimals, red for gains
//!   and green for losses as in A-share research;
//! * [`xlsx::workbook`]: an Excel workbook with the same tables on separate sheets
//!   (number formats, frozen headers) and native Excel line charts for the NAVs;
//! * [`png::chart_png`]: PNG charts rasterised with a bundled open-licence CJK font
//!   (no system fontconfig), for pasting into notes.
//!
//! The builders turn rotor's results into reports, reading **artifacts only** (a run's
//! [`rotor_engine::artifacts::RunArtifacts`], a factor [`rotor_eval::Evaluation`], a
//! regime table), never the strategy code: [`backtest::report`] (any registered
//! strategy: NAVs with label shading, drawdown, relative NAV, yearly table, monthly heat
//! map, holdings, turnover, RankIC by regime, quantile returns, recommendation, the
//! strategy's other tables, config), [`eval::report`] (a factor evaluation: IC over
//! time, IC histogram, cumulative and mean returns by quantile, turnover) and
//! [`regime::report`] (the money + credit timeline with its inputs). [`write::write`]
//! writes the page, the workbook and the PNGs atomically.
//!
//! ```
//! use rotor_report::chart::{Chart, Kind, LineChart, Series, YFmt};
//! use rotor_report::doc::{Block, Cell, Report, Section, Table};
//! let d = |m| chrono::NaiveDate::from_ymd_opt(2024, m, 28).unwrap();
//! let nav = LineChart::new(vec![d(1), d(2), d(3)],
//!     vec![Series::new("轮动组合", vec![1.0, 1.04, 1.02])], YFmt::Num(2));
//! let mut yearly = Table::new("年度收益", "年度收益", &["年份", "收益率"]);
//! yearly.rows.push(vec![Cell::text("2024"), Cell::Pct(0.0213)]);
//! let mut s = Section::new("nav", "净值");
//! s.blocks.push(Block::Chart(Chart::new("nav", "策略净值", Kind::Line(nav))));
//! s.blocks.push(Block::Table(yearly));
//! let report = Report { title: "示例".into(), subtitle: String::new(), sections: vec![s] };
//! let page = rotor_report::html::render(&report);
//! assert!(page.contains("<svg") && page.contains("2.13%"));
//! let book = rotor_report::xlsx::workbook(&report).unwrap();
//! assert_eq!(&book[..2], b"PK");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod backtest;
pub mod chart;
pub mod doc;
pub mod eval;
pub mod funds;
pub mod html;
pub mod labels;
pub mod market_calls;
pub mod png;
pub mod regime;
pub mod risk;
pub mod write;
pub mod xlsx;

pub use doc::Report;
pub use write::{write, write_run_reports, ReportError, Written};
