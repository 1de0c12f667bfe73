//! Index universes at stock level (SPEC §0.5): point-in-time constituent weights that
//! drift with prices between snapshots, and the aggregation of stock values into an
//! index value.
//!
//! **Weights at t.** The latest snapshot s on or before t (snapshots are known at their
//! date) drifted with each member's total-return growth `G_i = P_i,t / P_i,s`:
//! `w_i,t = w_i,s·G_i / Σ_j w_j,s·G_j`. A member without a price at t (suspended,
//! delisted since s) keeps the growth to its last price in (s, t]; one without a price at
//! s keeps its snapshot weight (G = 1). Weights sum to 1 whenever the snapshot does.
//!
//! **Aggregation** of stock values over the members (index-, cap- or equal-weighted with
//! the coverage rule) is [`rotor_core::ops::aggregate`]: feed it the weights of
//! [`IndexWeights::at`] (equal weights: all 1).
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

/// Weight snapshots of one index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexWeights {
    /// Snapshot date → (member, weight), weights as stored (fractions).
    pub snapshots: BTreeMap<NaiveDate, Vec<(String, f64)>>,
}

impl IndexWeights {
    /// The snapshots of `index` in the store (empty when it has none).
    pub fn from_store(store: &Store, index: &str) -> crate::error::Result<Self> {
        let t = store.read(Dataset::Weights)?;
        let mut snapshots: BTreeMap<NaiveDate, Vec<(String, f64)>> = BTreeMap::new();
        let w = t.f64_col("weight");
        for (i, ((ix, code), d)) in t
            .str_col("index_code")
            .iter()
            .zip(t.str_col("code"))
            .zip(t.date_col("date"))
            .enumerate()
        {
            if let (Some(ix), Some(code), Some(d)) = (ix, code, d) {
                if ix.as_ref() == index && w[i].is_finite() {
                    snapshots
                        .entry(days_to_date(*d))
                        .or_default()
                        .push((code.to_string(), w[i]));
                }
            }
        }
        Ok(IndexWeights { snapshots })
    }

    /// The drifted weights at `t` (see the module docs); `price(code, date)` gives the
    /// member's total-return close on or before `date` within (s, date] — or at s for the
    /// base — as `(date of the price, price)`. None before the first snapshot.
    pub fn at(
        &self,
        t: NaiveDate,
        price: impl Fn(&str, NaiveDate) -> Option<(NaiveDate, f64)>,
    ) -> Option<(NaiveDate, Vec<(String, f64)>)> {
        let (s, snap) = self.snapshots.range(..=t).next_back()?;
        let growth = |c: &str| match (price(c, *s), price(c, t)) {
            (Some((d0, p0)), Some((d1, p1))) if d0 <= *s && d1 > *s && p0 > 0.0 => p1 / p0,
            _ => 1.0,
        };
        Some((*s, drift(snap, growth)))
    }
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn w() -> IndexWeights {
        let mut snapshots = BTreeMap::new();
        snapshots.insert(
            d("2024-01-31"),
            vec![("A".to_string(), 0.6), ("B".to_string(), 0.4)],
        );
        IndexWeights { snapshots }
    }

    #[test]
    fn weights_drift_with_prices_and_sum_to_one() {
        // A doubles, B flat: 0.6·2 : 0.4 → 0.75 : 0.25
        let price = |c: &str, t: NaiveDate| -> Option<(NaiveDate, f64)> {
            match (c, t <= d("2024-01-31")) {
                (_, true) => Some((d("2024-01-31"), 10.0)),
                ("A", false) => Some((t, 20.0)),
                _ => Some((t, 10.0)),
            }
        };
        let (s, at) = w().at(d("2024-02-29"), price).unwrap();
        assert_eq!(s, d("2024-01-31"));
        assert!((at[0].1 - 0.75).abs() < 1e-15 && (at[1].1 - 0.25).abs() < 1e-15);
        // on the snapshot day: the snapshot
        let (_, at) = w().at(d("2024-01-31"), price).unwrap();
        assert_eq!(at, vec![("A".to_string(), 0.6), ("B".to_string(), 0.4)]);
        // before any snapshot: none (nothing was known)
        assert!(w().at(d("2023-12-29"), price).is_none());
        // a member without prices keeps its snapshot weight's share
        let (_, at) = w()
            .at(d("2024-02-29"), |_c: &str, _t: NaiveDate| None)
            .unwrap();
        assert!((at[0].1 - 0.6).abs() < 1e-15);
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
