//! Index universes at stock level (SPEC §0.5): point-in-time constituent weights that
//! drift with prices between snapshots, and the aggregation of stock values into an
//! index value.
//!
//! **Weights at t.** The latest snapshot s published by t ([`read_snapshots`], read at t
//! through `rotor_data::view::AsOf::index_weights`) drifted with each member's growth
//! since s ([`growth`]: chained daily close ratios, ex-rights days left out):
//! `w_i,t = w_i,s·G_i / Σ_j w_j,s·G_j` ([`drift`]). A member without a price at t
//! (suspended, delisted since s) keeps the growth to its last price in (s, t]; one
//! without a price at s keeps its snapshot weight (G = 1). Weights sum to 1 whenever the
//! snapshot does.
//!
//! **Aggregation** of stock values over the members (index-, cap- or equal-weighted with
//! the coverage rule) is [`rotor_core::ops::aggregate`]: feed it those weights (equal
//! weights: all 1).
//!
//! **Decomposition and coverage** (SPEC §14.3): [`decompose`] splits an index (CSI A500)
//! by membership of others (CSI 300 / 500 / 1000); [`coverage_ratio`] is the analyst
//! coverage of an index. The real bundle has no CSI A500 membership, so the
//! decomposition is tested on the seed's snapshot figures only.

use crate::schema::Dataset;
use crate::store::Store;
use crate::table::days_to_date;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A member's price growth from the snapshot to t: the product of its daily close ratios
/// `C_k / C_{k−1}` over consecutive finite closes from its last close on or before the
/// snapshot (row `base`) to its last close by t, **leaving out a day whose move exceeds
/// ±`max_move`** — beyond any A-share price limit, so a bonus issue or split (a 10-for-10
/// halves the close) rather than a market move (the same rule as
/// [`crate::returns::total_returns_adj`]'s fallback). 1 without a close on both sides.
pub fn growth(closes: &[f64], base: usize, max_move: f64) -> f64 {
    let Some(mut prev) = closes[..base.min(closes.len())]
        .iter()
        .rev()
        .find(|v| v.is_finite() && **v > 0.0)
        .copied()
    else {
        return 1.0;
    };
    let mut g = 1.0;
    for &c in closes.get(base..).unwrap_or(&[]) {
        if !(c.is_finite() && c > 0.0) {
            continue;
        }
        let r = c / prev;
        if (r - 1.0).abs() <= max_move {
            g *= r;
        }
        prev = c;
    }
    g
}

/// Snapshot weights `w_i,s` drifted by each member's growth `G_i` since the snapshot:
/// `w_i,t = w_i,s·G_i · Σ_j w_j,s / Σ_j w_j,s·G_j` — the snapshot's total is kept (1 when
/// the snapshot sums to 1). A zero drifted total returns the snapshot unchanged.
pub fn drift(snap: &[(String, f64)], growth: impl Fn(&str) -> f64) -> Vec<(String, f64)> {
    let grown: Vec<(String, f64)> = snap
        .iter()
        .map(|(c, w)| (c.clone(), w * growth(c)))
        .collect();
    let total: f64 = grown.iter().map(|x| x.1).sum();
    if total == 0.0 || !total.is_finite() {
        return snap.to_vec();
    }
    let scale: f64 = snap.iter().map(|x| x.1).sum::<f64>() / total;
    grown.into_iter().map(|(c, w)| (c, w * scale)).collect()
}

/// One published weight snapshot of an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Snapshot date.
    pub date: NaiveDate,
    /// First day it is known (the later of its date and its `available_at`).
    pub available_at: NaiveDate,
    /// (member, weight), weights as stored (fractions).
    pub members: Vec<(String, f64)>,
}

/// The weight snapshots of `indices` in the store, sorted by date — one source per index
/// (the first of `preference` that has it, else the one with most rows; vendors never
/// splice). Indices without weights are absent.
pub fn read_snapshots(
    store: &Store,
    indices: &[String],
    preference: &[String],
) -> crate::error::Result<BTreeMap<String, Vec<Snapshot>>> {
    if !store.has(Dataset::Weights) {
        return Ok(BTreeMap::new());
    }
    let t = store.read(Dataset::Weights)?;
    let w = t.f64_col("weight");
    let (ix, code, date) = (
        t.str_col("index_code"),
        t.str_col("code"),
        t.date_col("date"),
    );
    let (avail, source) = (t.date_col("available_at"), t.str_col("source"));
    let wanted: std::collections::HashSet<&str> = indices.iter().map(String::as_str).collect();
    // rows per (index, source)
    let mut rows: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for i in 0..t.len() {
        if let (Some(x), Some(_), Some(_)) = (&ix[i], &code[i], date[i]) {
            if wanted.contains(x.as_ref()) && w[i].is_finite() {
                let src = source[i].as_deref().unwrap_or("");
                rows.entry((x.as_ref(), src)).or_default().push(i);
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Snapshot>> = BTreeMap::new();
    for index in indices {
        let options: Vec<(&str, &Vec<usize>)> = rows
            .iter()
            .filter(|((x, _), _)| *x == index.as_str())
            .map(|((_, s), r)| (*s, r))
            .collect();
        let pick = preference
            .iter()
            .find_map(|p| options.iter().find(|(s, _)| *s == p.as_str()))
            .or_else(|| {
                options
                    .iter()
                    .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))
            });
        let Some((_, picked)) = pick else { continue };
        let mut by_date: BTreeMap<NaiveDate, Snapshot> = BTreeMap::new();
        for &i in picked.iter() {
            let d = days_to_date(date[i].expect("dated row"));
            let a = avail[i].map_or(d, |a| days_to_date(a).max(d));
            let snap = by_date.entry(d).or_insert_with(|| Snapshot {
                date: d,
                available_at: a,
                members: Vec::new(),
            });
            snap.available_at = snap.available_at.max(a);
            let c = code[i].as_deref().expect("coded row").to_string();
            snap.members.push((c, w[i]));
        }
        out.insert(index.clone(), by_date.into_values().collect());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_drift_with_growth_and_keep_their_total() {
        // A doubles, B flat: 0.6·2 : 0.4 → 0.75 : 0.25
        let snap = vec![("A".to_string(), 0.6), ("B".to_string(), 0.4)];
        let at = drift(&snap, |c| if c == "A" { 2.0 } else { 1.0 });
        assert!((at[0].1 - 0.75).abs() < 1e-15 && (at[1].1 - 0.25).abs() < 1e-15);
        // no growth: the snapshot; a zero total: the snapshot unchanged
        assert_eq!(drift(&snap, |_| 1.0), snap);
        assert_eq!(drift(&snap, |_| 0.0), snap);
        assert!(drift(&[], |_| 1.0).is_empty());
    }

    #[test]
    fn growth_chains_daily_moves_and_leaves_out_a_bonus_issue() {
        // base row 1 (close 10); +10 %, then a 10-for-10 bonus halves the close, +10 %
        let c = [9.0, 10.0, 11.0, 5.5, 6.05];
        assert!((growth(&c, 2, 0.35) - 1.1 * 1.1).abs() < 1e-12);
        // the raw price ratio would say 0.605
        assert!((c[4] / c[1] - 0.605).abs() < 1e-12);
        // suspended days (NaN) are skipped; nothing before the base: 1
        let s = [10.0, f64::NAN, f64::NAN, 12.0];
        assert!((growth(&s, 1, 0.35) - 1.2).abs() < 1e-12);
        assert_eq!(growth(&[f64::NAN, 5.0], 1, 0.35), 1.0);
        assert_eq!(growth(&[5.0], 1, 0.35), 1.0);
    }
}

/// One row of an index decomposition by membership of other indices.
#[derive(Debug, Clone, PartialEq)]
pub struct DecompositionRow {
    /// The other index (or `other` for members of none).
    pub index: String,
    /// Members of the decomposed index that belong to it.
    pub count: usize,
    /// Their share of the decomposed index's weight.
    pub weight: f64,
}

/// Decompose `members` (code, weight) of an index by membership of `others` (name,
/// member codes), taken in order — a member counts for the first other index holding
/// it — and `other` for the rest (SPEC §14.3: CSI A500 by CSI 300 / 500 / 1000).
/// Invariants (tested): counts add up to the member count, weights to the total weight.
pub fn decompose(
    members: &[(String, f64)],
    others: &[(&str, &std::collections::BTreeSet<String>)],
) -> Vec<DecompositionRow> {
    let total: f64 = members.iter().map(|m| m.1).sum();
    let mut rows: Vec<DecompositionRow> = others
        .iter()
        .map(|(n, _)| DecompositionRow {
            index: n.to_string(),
            count: 0,
            weight: 0.0,
        })
        .chain(std::iter::once(DecompositionRow {
            index: "other".into(),
            count: 0,
            weight: 0.0,
        }))
        .collect();
    for (code, w) in members {
        let k = others
            .iter()
            .position(|(_, set)| set.contains(code))
            .unwrap_or(others.len());
        rows[k].count += 1;
        rows[k].weight += w / total;
    }
    rows
}

/// Analyst coverage of an index (SPEC §14.3): the share of `members` with at least one
/// forecast dated in the 12 months up to `t` (`forecasts`: code → forecast dates).
pub fn coverage_ratio(
    members: &[String],
    forecasts: &std::collections::HashMap<String, Vec<NaiveDate>>,
    t: NaiveDate,
) -> f64 {
    if members.is_empty() {
        return f64::NAN;
    }
    let from = t - chrono::Months::new(12);
    let covered = members
        .iter()
        .filter(|c| {
            forecasts
                .get(*c)
                .is_some_and(|ds| ds.iter().any(|d| *d > from && *d <= t))
        })
        .count();
    covered as f64 / members.len() as f64
}

#[cfg(test)]
mod decomposition_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The seed's CSI A500 snapshot: CSI 300 78.41 % / 234, CSI 500 17.22 % / 207,
    /// CSI 1000 2.63 % / 43, other 1.74 % / 16.
    #[test]
    fn a500_decomposition_invariants() {
        let groups = [
            (234usize, 0.7841),
            (207, 0.1722),
            (43, 0.0263),
            (16, 0.0174),
        ];
        let mut members = Vec::new();
        let mut sets: Vec<BTreeSet<String>> = vec![BTreeSet::new(); 3];
        let mut k = 0;
        for (g, (n, w)) in groups.iter().enumerate() {
            for _ in 0..*n {
                let code = format!("{:06}.SH", 600000 + k);
                members.push((code.clone(), w / *n as f64));
                if g < 3 {
                    sets[g].insert(code);
                }
                k += 1;
            }
        }
        // other indices also hold stocks outside the A500
        sets[1].insert("000001.SZ".into());
        let others = [
            ("000300.SH", &sets[0]),
            ("000905.SH", &sets[1]),
            ("000852.SH", &sets[2]),
        ];
        let rows = decompose(&members, &others);
        assert_eq!(rows.iter().map(|r| r.count).sum::<usize>(), 500);
        assert!((rows.iter().map(|r| r.weight).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(rows[0].count, 234);
        assert!((rows[0].weight - 0.7841).abs() < 1e-12);
        // "A500 ex-CSI 300" = 266 names, 21.59 %
        let ex: Vec<&DecompositionRow> = rows.iter().skip(1).collect();
        assert_eq!(ex.iter().map(|r| r.count).sum::<usize>(), 266);
        assert!((ex.iter().map(|r| r.weight).sum::<f64>() - 0.2159).abs() < 1e-12);
        assert_eq!(rows[3].index, "other");
        assert_eq!(rows[3].count, 16);
    }

    #[test]
    fn coverage_counts_forecasts_of_the_last_twelve_months() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let members: Vec<String> = ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect();
        let mut f = std::collections::HashMap::new();
        f.insert("A".to_string(), vec![d("2024-06-30")]);
        f.insert("B".to_string(), vec![d("2023-06-30")]); // more than 12 months before
        f.insert("C".to_string(), vec![d("2025-01-31")]); // after t: not known
        let c = coverage_ratio(&members, &f, d("2024-12-31"));
        assert!((c - 0.25).abs() < 1e-15);
        assert!(coverage_ratio(&[], &f, d("2024-12-31")).is_nan());
    }
}
