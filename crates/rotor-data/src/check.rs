//! `rotor data check`: a data-quality report over the whole store.
//!
//! Per dataset: rows, series, first/last date. Findings have a severity:
//!
//! | kind | severity | rule |
//! |---|---|---|
//! | `unreadable` | error | a dataset file cannot be read |
//! | `missing_available_at` | error | a row has no `available_at` |
//! | `lookahead` | error | `available_at` earlier than the row's own date/period |
//! | `high_below_low` | error | a bar with high < low |
//! | `gaps` | warning | trading days (of the calendar) missing inside a price series' span |
//! | `outlier_return` | warning | a daily close-to-close move beyond ±25 % |
//! | `unit_jump` | warning | `amount/(volume·close)` shifts ×10, or volume/amount levels shift ×1000, persistently (see `import::clean::unit_series`) |
//! | `stale` | warning | the same close on ≥ 10 consecutive rows |
//! | `outlier_value` | warning | a daily macro value more than 10 robust deviations (MAD·1.4826) from the median of its 21-day neighbourhood |
//! | `source_disagreement` | warning | two sources of one unadjusted code differ by more than 0.1 % on a common date |
//! | `ends_early` | info | a price series ends > 60 trading days before the calendar |
//! | `level_mismatch` | error | a price level that looks like another unit: amount / volume no trade price, or a source ×3.16 or more from another on common dates (`import::levels`) |
//! | `weight_unit` | error | index weights not in fractions (`import::weights`) |
//! | `incomplete_snapshot` | warning | a weight snapshot summing outside 100 % ± 5 % or short of members |
//!
//! Besides the datasets, the store's layout is checked ([`LayoutFinding`]): a file inside
//! a dataset folder other than `data.parquet` is an error (it breaks
//! `pd.read_parquet("store/<dataset>")`), anything else at the root that rotor did not
//! write is a warning, and what an import that did not finish left behind (never seen by
//! readers, removed by the next import) is information.
//!
//! `data check` exits non-zero only when an error is found.

use crate::calendar::TradingCalendar;
use crate::error::Result;
use crate::schema::Dataset;
use crate::store::Store;
use crate::table::{days_to_date, Table};
use serde::Serialize;
use std::collections::BTreeMap;

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed: results would be wrong.
    Error,
    /// Suspicious; look at it.
    Warning,
    /// For information.
    Info,
}

/// What a finding is about (the labels of the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A dataset file cannot be read.
    Unreadable,
    /// A row has no `available_at`.
    MissingAvailableAt,
    /// `available_at` earlier than the row's own date.
    Lookahead,
    /// A bar with high < low.
    HighBelowLow,
    /// Trading days missing inside a series.
    Gaps,
    /// A daily move beyond ±25 %.
    OutlierReturn,
    /// A persistent shift of a unit-bearing series.
    UnitJump,
    /// The same close on ≥ 10 consecutive rows.
    Stale,
    /// A macro value far from its neighbourhood.
    OutlierValue,
    /// Two sources of one code disagree.
    SourceDisagreement,
    /// A series ends well before the calendar.
    EndsEarly,
    /// A price level that looks like another unit (within a source or across sources).
    LevelMismatch,
    /// Index weights not in fractions.
    WeightUnit,
    /// An index weight snapshot that sums far from 100 % or lacks members.
    IncompleteSnapshot,
}

impl FindingKind {
    /// The label written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Unreadable => "unreadable",
            FindingKind::MissingAvailableAt => "missing_available_at",
            FindingKind::Lookahead => "lookahead",
            FindingKind::HighBelowLow => "high_below_low",
            FindingKind::Gaps => "gaps",
            FindingKind::OutlierReturn => "outlier_return",
            FindingKind::UnitJump => "unit_jump",
            FindingKind::Stale => "stale",
            FindingKind::OutlierValue => "outlier_value",
            FindingKind::SourceDisagreement => "source_disagreement",
            FindingKind::EndsEarly => "ends_early",
            FindingKind::LevelMismatch => "level_mismatch",
            FindingKind::WeightUnit => "weight_unit",
            FindingKind::IncompleteSnapshot => "incomplete_snapshot",
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Dataset.
    pub dataset: Dataset,
    /// Code / series (empty for dataset-wide findings).
    pub series: String,
    /// What it is about (see the module table).
    pub kind: FindingKind,
    /// Text.
    pub message: String,
}

/// Coverage of one dataset.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coverage {
    /// Dataset.
    pub dataset: Dataset,
    /// Rows.
    pub rows: usize,
    /// Distinct codes / series.
    pub series: usize,
    /// Distinct sources.
    pub sources: Vec<String>,
    /// First date.
    pub first: Option<String>,
    /// Last date.
    pub last: Option<String>,
}

/// The report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CheckReport {
    /// Calendar used (reference code, days).
    pub calendar: Option<(String, usize)>,
    /// Coverage per dataset.
    pub coverage: Vec<Coverage>,
    /// Findings, errors first.
    pub findings: Vec<Finding>,
    /// Files and folders in the store that rotor did not write.
    pub layout: Vec<LayoutFinding>,
}

/// A foreign file or folder in the store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayoutFinding {
    /// Error inside a dataset folder (pandas would read it), warning elsewhere.
    pub severity: Severity,
    /// Path relative to the store root.
    pub path: String,
    /// Text.
    pub message: String,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
            + self
                .layout
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count()
    }
    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
            + self
                .layout
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count()
    }
}

fn series_key(t: &Table) -> Vec<String> {
    let name = if t.dataset.column_index("code").is_some() {
        "code"
    } else {
        "series_id"
    };
    t.str_col(name)
        .iter()
        .zip(t.str_col("source"))
        .map(|(c, s)| {
            format!(
                "{}@{}",
                c.as_deref().unwrap_or(""),
                s.as_deref().unwrap_or("")
            )
        })
        .collect()
}

fn row_date_name(ds: Dataset) -> Option<&'static str> {
    match ds {
        Dataset::Macro => Some("period"),
        Dataset::Fundamentals => Some("period_end"),
        Dataset::Consensus => Some("as_of"),
        Dataset::Membership => Some("in_date"),
        Dataset::FundHoldings => Some("period_end"),
        Dataset::EtfInfo | Dataset::FundInfo => None,
        _ => Some("date"),
    }
}

/// Run every check. `calendar` (if given) is used for gaps and `ends_early`.
pub fn check(store: &Store, calendar: Option<(&str, &TradingCalendar)>) -> Result<CheckReport> {
    let mut rep = CheckReport {
        calendar: calendar.map(|(c, cal)| (c.to_string(), cal.len())),
        ..Default::default()
    };
    for ds in Dataset::ALL {
        if !store.has(ds) {
            continue;
        }
        let t = match store.read(ds) {
            Ok(t) => t,
            Err(e) => {
                rep.findings.push(Finding {
                    severity: Severity::Error,
                    dataset: ds,
                    series: String::new(),
                    kind: FindingKind::Unreadable,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let keys = series_key(&t);
        rep.coverage.push(coverage(&t, &keys));
        pit_findings(&t, &keys, &mut rep.findings);
        match ds {
            Dataset::Prices => check_prices(&t, &keys, calendar.map(|c| c.1), &mut rep.findings),
            Dataset::Macro => check_macro(&t, &keys, &mut rep.findings),
            Dataset::Weights => check_weights(&t, &mut rep.findings),
            _ => {}
        }
    }
    rep.findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.dataset.cmp(&b.dataset))
            .then(a.series.cmp(&b.series))
            .then(a.kind.cmp(&b.kind))
    });
    rep.layout = layout_findings(store);
    Ok(rep)
}

/// Rows, series, sources and date range of one dataset.
fn coverage(t: &Table, keys: &[String]) -> Coverage {
    let ds = t.dataset;
    let mut sources: Vec<String> = t
        .str_col("source")
        .iter()
        .flatten()
        .map(|s| s.to_string())
        .collect();
    sources.sort();
    sources.dedup();
    let mut ser = keys.to_vec();
    ser.sort();
    ser.dedup();
    let (first, last) = row_date_name(ds)
        .map(|n| {
            let v: Vec<i32> = t.date_col(n).iter().flatten().copied().collect();
            (
                v.iter().min().map(|d| days_to_date(*d).to_string()),
                v.iter().max().map(|d| days_to_date(*d).to_string()),
            )
        })
        .unwrap_or((None, None));
    Coverage {
        dataset: ds,
        rows: t.len(),
        series: ser.len(),
        sources,
        first,
        last,
    }
}

/// Point-in-time integrity: every row has `available_at`, none before its own date.
fn pit_findings(t: &Table, keys: &[String], out: &mut Vec<Finding>) {
    let ds = t.dataset;
    let avail = t.date_col("available_at");
    let missing = avail.iter().filter(|a| a.is_none()).count();
    if missing > 0 && !matches!(ds, Dataset::EtfInfo | Dataset::FundInfo) {
        out.push(Finding {
            severity: Severity::Error,
            dataset: ds,
            series: String::new(),
            kind: FindingKind::MissingAvailableAt,
            message: format!("{missing} row(s) without available_at"),
        });
    }
    let Some(n) = row_date_name(ds) else { return };
    let own = t.date_col(n);
    let mut first_bad = None;
    let bad = (0..t.len())
        .filter(|&i| matches!((own[i], avail[i]), (Some(d), Some(a)) if a < d))
        .inspect(|&i| {
            first_bad.get_or_insert(i);
        })
        .count();
    if bad > 0 {
        let i = first_bad.unwrap_or(0);
        out.push(Finding {
            severity: Severity::Error,
            dataset: ds,
            series: keys[i].clone(),
            kind: FindingKind::Lookahead,
            message: format!(
                "{bad} row(s) known before their own {n} (first: {})",
                t.key_string(i)
            ),
        });
    }
}

/// Foreign entries of the store and a crashed writer's remains (see the module docs).
fn layout_findings(store: &Store) -> Vec<LayoutFinding> {
    let remains = store.remains().into_iter().map(|p| {
        let path = p
            .strip_prefix(store.root())
            .unwrap_or(&p)
            .display()
            .to_string();
        LayoutFinding {
            severity: Severity::Info,
            message: format!(
                "`{path}` was left by an import that did not finish; readers do not see it \
                 and the next import removes it"
            ),
            path,
        }
    });
    let foreign = store.foreign_entries().into_iter().map(|p| {
        let rel = p.strip_prefix(store.root()).unwrap_or(&p);
        let in_dataset = rel.components().count() > 1;
        let path = rel.display().to_string();
        if in_dataset {
            LayoutFinding {
                severity: Severity::Error,
                message: format!(
                    "`{path}` is not rotor's: it sits in a dataset folder, where pandas / \
                         pyarrow readers of the folder would read it; remove it"
                ),
                path,
            }
        } else {
            LayoutFinding {
                severity: Severity::Warning,
                message: format!("`{path}` is not part of the store (rotor did not write it)"),
                path,
            }
        }
    });
    foreign.chain(remains).collect()
}

fn groups(keys: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i] != keys[s] {
            out.push((s, i));
            s = i;
        }
    }
    out
}

/// Price findings: per series (bars, moves, stale closes, gaps, early ends), unit
/// changes, and disagreements between sources of one code.
fn check_prices(t: &Table, keys: &[String], cal: Option<&TradingCalendar>, out: &mut Vec<Finding>) {
    // rows are sorted by (code, date, source): re-sort by (code, source, date)
    let mut idx: Vec<usize> = (0..t.len()).collect();
    let dates = t.date_col("date");
    idx.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(dates[a].cmp(&dates[b])));
    let t = t.take(&idx);
    let keys: Vec<String> = idx.iter().map(|&i| keys[i].clone()).collect();
    let mut f = |sev, s: &str, kind, message: String| {
        out.push(Finding {
            severity: sev,
            dataset: Dataset::Prices,
            series: s.to_string(),
            kind,
            message,
        })
    };
    for (a, b) in groups(&keys) {
        series_findings(&t, a..b, &keys[a], cal, &mut f);
    }
    unit_jump_findings(&t, &keys, &mut f);
    source_disagreements(&t, &mut f);
    level_findings(&t, &mut f);
}

/// Price levels per source (implied trade price) and across sources (close of
/// unadjusted rows, amount, volume): see [`crate::import::levels`].
fn level_findings(t: &Table, f: &mut Sink<'_>) {
    use crate::import::levels;
    let src = t.str_col("source");
    let mut sources: Vec<&str> = src.iter().flatten().map(|s| &**s).collect();
    sources.sort_unstable();
    sources.dedup();
    let parts: Vec<Table> = sources
        .iter()
        .map(|s| t.filter(|i| src[i].as_deref() == Some(*s)))
        .collect();
    let index = levels::SourceIndex::build(&parts.iter().collect::<Vec<_>>());
    for (k, part) in parts.iter().enumerate() {
        let mut issues = levels::file_levels(part);
        // each pair once: against the sources after this one
        issues.extend(
            index
                .check(part)
                .into_iter()
                .filter(|i| sources[k] < i.other.as_str()),
        );
        for i in issues {
            f(
                Severity::Error,
                &format!("{}@{}", i.code, sources[k]),
                FindingKind::LevelMismatch,
                i.message,
            );
        }
    }
}

/// Weights stored in a unit other than fractions, and incomplete snapshots.
fn check_weights(t: &Table, out: &mut Vec<Finding>) {
    use crate::import::weights;
    let snaps = weights::snapshots(t);
    match weights::unit(&snaps) {
        Ok(1.0) => {}
        Ok(_) => out.push(Finding {
            severity: Severity::Error,
            dataset: Dataset::Weights,
            series: String::new(),
            kind: FindingKind::WeightUnit,
            message: "weights are stored in percent (snapshots sum to about 100); the data \
                      model's unit is fractions — re-import the file"
                .into(),
        }),
        Err(m) => out.push(Finding {
            severity: Severity::Error,
            dataset: Dataset::Weights,
            series: String::new(),
            kind: FindingKind::WeightUnit,
            message: m,
        }),
    }
    for s in weights::incomplete(&snaps) {
        out.push(Finding {
            severity: Severity::Warning,
            dataset: Dataset::Weights,
            series: format!("{}@{}", s.index, s.source),
            kind: FindingKind::IncompleteSnapshot,
            message: weights::describe(&[s], 1),
        });
    }
}

/// A finding sink: severity, series, kind, message.
type Sink<'a> = dyn FnMut(Severity, &str, FindingKind, String) + 'a;

/// Checks of one price series (rows `r` of one code and source, by date).
fn series_findings(
    t: &Table,
    r: std::ops::Range<usize>,
    s: &str,
    cal: Option<&TradingCalendar>,
    f: &mut Sink<'_>,
) {
    let (dates, close, high, low) = (
        t.date_col("date"),
        t.f64_col("close"),
        t.f64_col("high"),
        t.f64_col("low"),
    );
    let (a, b) = (r.start, r.end);
    let hl = (a..b).filter(|&i| high[i] < low[i]).count();
    if hl > 0 {
        f(
            Severity::Error,
            s,
            FindingKind::HighBelowLow,
            format!("{hl} bar(s) with high < low"),
        );
    }
    let (mut out_n, mut first_out) = (0, String::new());
    let (mut run, mut max_run, mut run_end) = (1, 1, a);
    for i in a + 1..b {
        let ret = close[i] / close[i - 1] - 1.0;
        if ret.abs() > 0.25 {
            out_n += 1;
            if first_out.is_empty() {
                first_out = format!(
                    "{} ({:+.1}%)",
                    days_to_date(dates[i].unwrap_or(0)),
                    100.0 * ret
                );
            }
        }
        if close[i] == close[i - 1] && !close[i].is_nan() {
            run += 1;
            if run > max_run {
                max_run = run;
                run_end = i;
            }
        } else {
            run = 1;
        }
    }
    if out_n > 0 {
        f(
            Severity::Warning,
            s,
            FindingKind::OutlierReturn,
            format!("{out_n} daily move(s) beyond ±25% (first: {first_out})"),
        );
    }
    if max_run >= 10 {
        f(
            Severity::Warning,
            s,
            FindingKind::Stale,
            format!(
                "close unchanged for {max_run} rows (until {})",
                days_to_date(dates[run_end].unwrap_or(0))
            ),
        );
    }
    if let Some(cal) = cal {
        let ds: Vec<_> = (a..b).filter_map(|i| dates[i].map(days_to_date)).collect();
        calendar_findings(&ds, s, cal, f);
    }
}

/// Gaps against the trading calendar and series that end early.
fn calendar_findings(ds: &[chrono::NaiveDate], s: &str, cal: &TradingCalendar, f: &mut Sink<'_>) {
    let (Some(&d0), Some(&d1)) = (ds.first(), ds.last()) else {
        return;
    };
    let lo = d0.max(*cal.days().first().expect("non-empty calendar"));
    let miss = cal.missing_in(ds, lo, d1);
    if !miss.is_empty() {
        f(
            Severity::Warning,
            s,
            FindingKind::Gaps,
            format!(
                "{} calendar trading day(s) missing between {} and {} (first: {})",
                miss.len(),
                lo,
                d1,
                miss[0]
            ),
        );
    }
    let Some(&end) = cal.days().last() else {
        return;
    };
    let behind = cal
        .days()
        .len()
        .saturating_sub(cal.index_at_or_before(d1).map_or(0, |x| x + 1));
    if behind > 60 {
        f(
            Severity::Info,
            s,
            FindingKind::EndsEarly,
            format!("ends {d1}, {behind} trading days before the calendar's end {end}"),
        );
    }
}

/// Persistent shifts of unit-bearing series (see `import::clean::unit_series`).
fn unit_jump_findings(t: &Table, keys: &[String], f: &mut Sink<'_>) {
    let dates = t.date_col("date");
    let mut codes: Vec<Option<crate::table::Text>> = Vec::with_capacity(keys.len());
    for k in keys {
        crate::table::push_text(&mut codes, Some(k));
    }
    for (name, v, factor) in crate::import::clean::unit_series(t) {
        for (code, at, ratio) in crate::import::clean::unit_jumps(&codes, &v, factor) {
            f(
                Severity::Warning,
                &code,
                FindingKind::UnitJump,
                format!(
                    "{name} shifts by ×{ratio:.3e} from {} on (a change of units?)",
                    days_to_date(dates[at].unwrap_or(0))
                ),
            );
        }
    }
}

/// Unadjusted closes of one code from two sources that differ by more than 0.1 %.
fn source_disagreements(t: &Table, f: &mut Sink<'_>) {
    let (code_col, dates, close, adj, src) = (
        t.str_col("code"),
        t.date_col("date"),
        t.f64_col("close"),
        t.str_col("adj_kind"),
        t.str_col("source"),
    );
    let mut by_code_date: BTreeMap<(&str, i32), Vec<(usize, &str)>> = BTreeMap::new();
    for i in 0..t.len() {
        if adj[i].as_deref() != Some("none") || close[i].is_nan() {
            continue;
        }
        if let (Some(c), Some(d)) = (code_col[i].as_deref(), dates[i]) {
            by_code_date
                .entry((c, d))
                .or_default()
                .push((i, src[i].as_deref().unwrap_or("")));
        }
    }
    let mut dis: BTreeMap<(&str, &str, &str), (usize, f64, i32)> = BTreeMap::new();
    for ((c, d), v) in &by_code_date {
        for x in 0..v.len() {
            for y in x + 1..v.len() {
                let ((i, si), (j, sj)) = (v[x], v[y]);
                let rel = (close[i] / close[j] - 1.0).abs();
                if rel > 1e-3 {
                    let e = dis.entry((c, si, sj)).or_insert((0, 0.0, *d));
                    e.0 += 1;
                    if rel > e.1 {
                        e.1 = rel;
                        e.2 = *d;
                    }
                }
            }
        }
    }
    for ((c, a, b), (n, mx, d)) in dis {
        f(
            Severity::Warning,
            c,
            FindingKind::SourceDisagreement,
            format!(
                "sources {a} and {b} differ by > 0.1% on {n} date(s); largest {:.2}% on {}",
                100.0 * mx,
                days_to_date(d)
            ),
        );
    }
}

fn check_macro(t: &Table, keys: &[String], out: &mut Vec<Finding>) {
    let vals = t.f64_col("value");
    let rules = t.str_col("lag_rule");
    let periods = t.date_col("period");
    for (a, b) in groups(keys) {
        // rows of one series are sorted by (period, available_at); use the last vintage per period
        let idx: Vec<usize> = (a..b)
            .filter(|&i| i + 1 >= b || periods[i + 1] != periods[i])
            .collect();
        let daily = idx.len() > 2
            && rules[a]
                .as_deref()
                .is_some_and(|r| r == "same_day" || r == "next_day");
        if !daily {
            continue;
        }
        let v: Vec<f64> = idx.iter().map(|&i| vals[i]).collect();
        let mut n = 0;
        let mut first = String::new();
        for k in 0..v.len() {
            let lo = k.saturating_sub(10);
            let hi = (k + 11).min(v.len());
            let mut w: Vec<f64> = (lo..hi)
                .filter(|&q| q != k)
                .map(|q| v[q])
                .filter(|x| !x.is_nan())
                .collect();
            if w.len() < 6 {
                continue;
            }
            w.sort_by(f64::total_cmp);
            let med = w[w.len() / 2];
            let mut dev: Vec<f64> = w.iter().map(|x| (x - med).abs()).collect();
            dev.sort_by(f64::total_cmp);
            let mad = dev[dev.len() / 2] * 1.4826;
            if mad > 0.0
                && (v[k] - med).abs() > 10.0 * mad
                && (v[k] - med).abs() > 0.05 * med.abs().max(1e-12)
            {
                n += 1;
                if first.is_empty() {
                    first = format!(
                        "{} = {} vs neighbourhood median {}",
                        days_to_date(periods[idx[k]].unwrap_or(0)),
                        v[k],
                        med
                    );
                }
            }
        }
        if n > 0 {
            out.push(Finding {
                severity: Severity::Warning,
                dataset: Dataset::Macro,
                series: keys[a].clone(),
                kind: FindingKind::OutlierValue,
                message: format!("{n} value(s) far from their neighbours (first: {first})"),
            });
        }
    }
}
