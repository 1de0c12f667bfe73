//! Index weight snapshots: the unit of the weights and the completeness of each
//! snapshot (one index, one date, one source).
//!
//! * **Unit.** The median snapshot sum says it: about 1 → fractions (the data model's
//!   unit), about 100 → percent (Tushare `index_weight`, csindex files), divided by 100
//!   with a warning; anything else is an error naming the sum.
//! * **Completeness.** A snapshot whose weights sum outside 1 ± 5 %, or that has fewer
//!   than 90 % of the median snapshot's members, is incomplete (a truncated export:
//!   three rows summing to 5.59 %); each is named with its index and date — a warning
//!   at import, a finding of `rotor data check`.

use crate::table::{days_to_date, Column, Table};
use std::collections::BTreeMap;

/// One snapshot's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Index code.
    pub index: String,
    /// Snapshot date.
    pub date: chrono::NaiveDate,
    /// Source label.
    pub source: String,
    /// Members with a weight.
    pub count: usize,
    /// Sum of the weights.
    pub sum: f64,
}

/// The snapshots of a weights table, in key order.
pub fn snapshots(t: &Table) -> Vec<Snapshot> {
    let (idx, dates, src, w) = (
        t.str_col("index_code"),
        t.date_col("date"),
        t.str_col("source"),
        t.f64_col("weight"),
    );
    let mut m: BTreeMap<(String, i32, String), (usize, f64)> = BTreeMap::new();
    for i in 0..t.len() {
        if w[i].is_nan() {
            continue;
        }
        let k = (
            idx[i].as_deref().unwrap_or("").to_string(),
            dates[i].unwrap_or(0),
            src[i].as_deref().unwrap_or("").to_string(),
        );
        let e = m.entry(k).or_default();
        e.0 += 1;
        e.1 += w[i];
    }
    m.into_iter()
        .map(|((index, d, source), (count, sum))| Snapshot {
            index,
            date: days_to_date(d),
            source,
            count,
            sum,
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The unit of a table's weights: 1 for fractions, 100 for percent; an error text
/// otherwise.
pub fn unit(snaps: &[Snapshot]) -> Result<f64, String> {
    let m = median(snaps.iter().map(|s| s.sum).collect());
    if m.is_nan() {
        return Ok(1.0);
    }
    if (0.8..=1.2).contains(&m) {
        Ok(1.0)
    } else if (80.0..=120.0).contains(&m) {
        Ok(100.0)
    } else {
        Err(format!(
            "index weight snapshots sum to {m:.4} (median) — neither fractions (≈ 1) nor \
             percent (≈ 100); set `scale = {{ weight = … }}` for the unit of the file"
        ))
    }
}

/// Snapshots that look incomplete (see the module docs), per index and source.
pub fn incomplete(snaps: &[Snapshot]) -> Vec<&Snapshot> {
    let mut by: BTreeMap<(&str, &str), Vec<&Snapshot>> = BTreeMap::new();
    for s in snaps {
        by.entry((&s.index, &s.source)).or_default().push(s);
    }
    let mut out = Vec::new();
    for v in by.values() {
        let m = median(v.iter().map(|s| s.count as f64).collect());
        for s in v {
            if !(0.95..=1.05).contains(&s.sum) || (s.count as f64) < 0.9 * m {
                out.push(*s);
            }
        }
    }
    out
}

/// Divide every weight by `by`.
pub fn rescale(t: &mut Table, by: f64) {
    if let Some(i) = t.dataset.column_index("weight") {
        if let Column::F64(v) = &mut t.columns[i] {
            v.iter_mut().for_each(|x| *x /= by);
        }
    }
}

/// Text for a list of incomplete snapshots (the first `n` named).
pub fn describe(bad: &[&Snapshot], n: usize) -> String {
    let mut s: Vec<String> = bad
        .iter()
        .take(n)
        .map(|x| {
            format!(
                "{} {} ({} members, sum {:.2} %)",
                x.index,
                x.date,
                x.count,
                100.0 * x.sum
            )
        })
        .collect();
    if bad.len() > n {
        s.push(format!("… {} more", bad.len() - n));
    }
    s.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Dataset;
    use crate::table::Value;

    fn table(rows: &[(&str, &str, &str, f64)]) -> Table {
        let mut t = Table::new(Dataset::Weights);
        for (idx, code, d, w) in rows {
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            let mut vals = vec![
                Value::Str(Some((*idx).into())),
                Value::Str(Some((*code).into())),
                Value::Date(Some(d)),
                Value::Str(Some("t".into())),
                Value::F64(*w),
                Value::Date(Some(d)),
            ];
            vals.truncate(Dataset::Weights.columns().len());
            t.push_row_drain(&mut vals);
        }
        t
    }

    #[test]
    fn percent_is_detected_and_truncated_snapshots_named() {
        let mut rows = Vec::new();
        for d in ["2024-01-31", "2024-02-29", "2024-03-29"] {
            for (k, c) in ["A", "B", "C", "D"].iter().enumerate() {
                rows.push(("000300.SH", *c, d, [40.0, 30.0, 20.0, 10.0][k]));
            }
        }
        // a truncated snapshot: two members, 5.59 %
        rows.push(("000300.SH", "A", "2024-04-30", 3.0));
        rows.push(("000300.SH", "B", "2024-04-30", 2.59));
        let mut t = table(&rows);
        let snaps = snapshots(&t);
        assert_eq!(unit(&snaps), Ok(100.0));
        rescale(&mut t, 100.0);
        let snaps = snapshots(&t);
        assert!((snaps[0].sum - 1.0).abs() < 1e-12);
        let bad = incomplete(&snaps);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].date.to_string(), "2024-04-30");
        assert!(describe(&bad, 5).contains("000300.SH 2024-04-30 (2 members, sum 5.59 %)"));
    }

    #[test]
    fn a_sum_of_neither_unit_is_an_error_and_empty_is_fine() {
        let t = table(&[("X", "A", "2024-01-31", 7.0), ("X", "B", "2024-01-31", 3.0)]);
        assert!(unit(&snapshots(&t)).unwrap_err().contains("10.0000"));
        assert_eq!(unit(&[]), Ok(1.0));
        assert!(incomplete(&[]).is_empty());
    }
}
