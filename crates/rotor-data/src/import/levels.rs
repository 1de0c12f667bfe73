//! Level checks of price rows: a unit off by a power of ten is the most common silent
//! error of vendor files (amounts in 亿元 or 千元, volumes in 手 or 万手).
//!
//! * **Within a file** ([`file_levels`]), per code, on the median over rows:
//!   the implied trade price `p̄ = amount / volume` (CNY per share).
//!   - an unadjusted ETF or stock: `p̄ / close` must lie within [0.3, 3.3] (the day's
//!     average price is near its close);
//!   - an index, or an adjusted series: `p̄` must lie within the prices its kind trades
//!     at — an index 1–3000 CNY (its members' average price), an ETF 0.05–1000, a stock
//!     0.3–5000.
//!
//!   A ×10 error of an index's amount stays inside the band: only another source finds
//!   it.
//! * **Across sources** ([`cross_source`]), per code and column (`close` of unadjusted
//!   rows, `amount`, `volume`), on the median over common dates of `new / other`: a
//!   ratio beyond ×3.16 (half a power of ten) is a different unit.
//!
//! Each finding names the code, the column, the factor found and the units that would
//! explain it ([`unit_hint`]). Imports refuse files with findings unless the mapping
//! says `allow_level_mismatch = true`; `rotor data check` reports them for the store.

use crate::table::Table;
use std::collections::{BTreeMap, HashMap};

/// One level finding.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelIssue {
    /// Code.
    pub code: String,
    /// Column (`amount/volume` for the implied price).
    pub column: String,
    /// For a cross-source finding: the other source (empty within a file).
    pub other: String,
    /// The factor found (`p̄ / close`, `p̄`, or `new / other`).
    pub factor: f64,
    /// Text, with the likely unit.
    pub message: String,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let m = v.len() / 2;
    *v.select_nth_unstable_by(m, f64::total_cmp).1
}

/// The vendor units a factor of (roughly) a power of ten suggests for a column.
pub fn unit_hint(column: &str, factor: f64) -> String {
    let k = factor.log10().round() as i32;
    let amount = |k: i32| match k {
        -8 => Some("amount in 亿元 (100 million CNY): scale = { amount = 1e8 }"),
        -4 => Some("amount in 万元 (10 thousand CNY): scale = { amount = 1e4 }"),
        -3 => Some("amount in 千元 (thousand CNY): scale = { amount = 1000 }"),
        3 => Some("amount already in CNY but scaled as 千元: scale = { amount = 1 }"),
        _ => None,
    };
    let volume = |k: i32| match k {
        2 => Some("volume in 手 (lots of 100 shares): scale = { volume = 100 }"),
        4 => Some("volume in 万股 (10 thousand shares): scale = { volume = 1e4 }"),
        6 => Some("volume in 万手 (a million shares): scale = { volume = 1e6 }"),
        -2 => Some("volume already in shares but scaled as 手: scale = { volume = 1 }"),
        _ => None,
    };
    // new / other (or p̄ against a plausible level): an amount in 亿元 makes it 1e-8, a
    // volume in 手 makes it 1e2 (the volume is too small)
    let hints: Vec<&str> = match column {
        "amount" => amount(k).into_iter().collect(),
        "volume" => volume(-k).into_iter().collect(),
        _ => amount(k).into_iter().chain(volume(k)).collect(),
    };
    if !hints.is_empty() {
        hints.join(", or ")
    } else if column == "amount/volume" {
        "amount or volume is in another unit (amount in 亿元 ×1e8, 万元 ×1e4, 千元 ×1e3; \
         volume in 手 ×100, 万股 ×1e4, 万手 ×1e6): set scale = { amount = …, volume = … }"
            .into()
    } else {
        format!("a factor of 10^{k} between units")
    }
}

/// The plausible trade prices (CNY per share) of an asset type: an index's members
/// trade at 1 CNY or more; funds from a few fen; stocks up to a few thousand.
fn band(kind: &str) -> (f64, f64) {
    match kind {
        "etf" => (0.05, 1000.0),
        "stock" => (0.3, 5000.0),
        _ => (1.0, 3000.0),
    }
}

/// Per-code medians of a price table: (p̄ / close for unadjusted ETF and stock rows,
/// else p̄; whether the ratio form applies; the asset type).
fn implied_prices(t: &Table) -> BTreeMap<String, (f64, bool, String)> {
    let (codes, amt, vol, close) = (
        t.str_col("code"),
        t.f64_col("amount"),
        t.f64_col("volume"),
        t.f64_col("close"),
    );
    let (asset, adj) = (t.str_col("asset_type"), t.str_col("adj_kind"));
    let mut by: BTreeMap<String, (Vec<f64>, bool, String)> = BTreeMap::new();
    for i in 0..t.len() {
        let (a, v) = (amt[i], vol[i]);
        if !(a > 0.0 && v > 0.0 && a.is_finite() && v.is_finite()) {
            continue;
        }
        let traded_asset = matches!(asset[i].as_deref(), Some("etf" | "stock"));
        let unadjusted = matches!(adj[i].as_deref(), None | Some("none"));
        let ratio_form = traded_asset && unadjusted && close[i] > 0.0;
        let p = a / v;
        let x = if ratio_form { p / close[i] } else { p };
        let e = by
            .entry(codes[i].as_deref().unwrap_or("").to_string())
            .or_insert_with(|| {
                (
                    Vec::new(),
                    ratio_form,
                    asset[i].as_deref().unwrap_or("index").to_string(),
                )
            });
        if e.1 == ratio_form {
            e.0.push(x);
        }
    }
    by.into_iter()
        .map(|(c, (mut v, r, k))| (c, (median(&mut v), r, k)))
        .collect()
}

/// Within-file checks (see the module docs).
pub fn file_levels(t: &Table) -> Vec<LevelIssue> {
    let mut out = Vec::new();
    for (code, (m, ratio_form, kind)) in implied_prices(t) {
        if m.is_nan() {
            continue;
        }
        let (lo, hi) = if ratio_form { (0.3, 3.3) } else { band(&kind) };
        if (lo..=hi).contains(&m) {
            continue;
        }
        let what = if ratio_form {
            "times its close"
        } else {
            "CNY per share"
        };
        // against the nearest end of the plausible range
        let factor = if ratio_form {
            m
        } else if m < lo {
            m / lo
        } else {
            m / hi
        };
        out.push(LevelIssue {
            code: code.clone(),
            column: "amount/volume".into(),
            other: String::new(),
            factor,
            message: format!(
                "{code}: amount / volume = {m:.4} {what} (median), no trade price; {}",
                unit_hint("amount/volume", factor)
            ),
        });
    }
    out
}

/// Rows of one (code, source): date → (close if unadjusted, amount, volume).
type Series = HashMap<i32, [f64; 3]>;

fn series(
    t: &Table,
    only: Option<&std::collections::HashSet<String>>,
) -> BTreeMap<(String, String), Series> {
    let (codes, src, dates) = (t.str_col("code"), t.str_col("source"), t.date_col("date"));
    let (close, amt, vol, adj) = (
        t.f64_col("close"),
        t.f64_col("amount"),
        t.f64_col("volume"),
        t.str_col("adj_kind"),
    );
    let mut out: BTreeMap<(String, String), Series> = BTreeMap::new();
    for i in 0..t.len() {
        let Some(d) = dates[i] else { continue };
        if let Some(set) = only {
            if !set.contains(codes[i].as_deref().unwrap_or("")) {
                continue;
            }
        }
        let unadjusted = matches!(adj[i].as_deref(), None | Some("none"));
        out.entry((
            codes[i].as_deref().unwrap_or("").to_string(),
            src[i].as_deref().unwrap_or("").to_string(),
        ))
        .or_default()
        .insert(
            d,
            [if unadjusted { close[i] } else { f64::NAN }, amt[i], vol[i]],
        );
    }
    out
}

/// The fewest common dates a cross-source comparison needs.
pub const MIN_COMMON: usize = 5;

/// The price series of every code held by two sources or more, built once from all
/// tables of an import (and the store's), to compare each file against.
pub struct SourceIndex {
    series: BTreeMap<(String, String), Series>,
}

impl SourceIndex {
    /// Index the series of codes that appear under at least two sources in `tables`.
    pub fn build(tables: &[&Table]) -> Self {
        let mut sources: HashMap<&str, std::collections::BTreeSet<&str>> = HashMap::new();
        for t in tables {
            let (c, s) = (t.str_col("code"), t.str_col("source"));
            for i in 0..t.len() {
                if let (Some(c), Some(s)) = (c[i].as_deref(), s[i].as_deref()) {
                    sources.entry(c).or_default().insert(s);
                }
            }
        }
        let shared: std::collections::HashSet<String> = sources
            .into_iter()
            .filter(|(_, s)| s.len() > 1)
            .map(|(c, _)| c.to_string())
            .collect();
        let mut all: BTreeMap<(String, String), Series> = BTreeMap::new();
        if !shared.is_empty() {
            for t in tables {
                for (k, v) in series(t, Some(&shared)) {
                    all.entry(k).or_default().extend(v);
                }
            }
        }
        SourceIndex { series: all }
    }

    /// Levels of `new` against the other sources of its codes.
    pub fn check(&self, new: &Table) -> Vec<LevelIssue> {
        let mine = series(
            new,
            Some(&self.series.keys().map(|k| k.0.clone()).collect()),
        );
        compare(&mine, |code, src| {
            self.series
                .range((code.to_string(), String::new())..)
                .take_while(|((c, _), _)| c == code)
                .filter(|((_, s), _)| s != src)
                .map(|((_, s), v)| (s.as_str(), v))
                .collect()
        })
    }
}

/// Levels of `new` against every other source of the same codes in `others` (the
/// store, other files of the import). Same-source rows are not compared.
pub fn cross_source(new: &Table, others: &[&Table]) -> Vec<LevelIssue> {
    let mut tables: Vec<&Table> = vec![new];
    tables.extend_from_slice(others);
    SourceIndex::build(&tables).check(new)
}

/// The median gap in days between a series' dates (1 for daily bars, 7 for weekly).
fn step(s: &Series) -> i32 {
    let mut d: Vec<i32> = s.keys().copied().collect();
    d.sort_unstable();
    let mut g: Vec<i32> = d.windows(2).map(|w| w[1] - w[0]).collect();
    if g.is_empty() {
        return 1;
    }
    let m = g.len() / 2;
    (*g.select_nth_unstable(m).1).max(1)
}

/// Compare each (code, source) series of `mine` with the other sources `theirs` gives.
fn compare<'a>(
    mine: &BTreeMap<(String, String), Series>,
    theirs: impl Fn(&str, &str) -> Vec<(&'a str, &'a Series)>,
) -> Vec<LevelIssue> {
    let mut out = Vec::new();
    for ((code, src), s) in mine {
        for (src2, s2) in theirs(code, src) {
            // a weekly bar's amount is a week's: compare amounts and volumes only
            // between series of the same frequency
            let same_freq = {
                let (a, b) = (step(s), step(s2));
                a.max(b) <= 2 * a.min(b)
            };
            for (k, col) in ["close", "amount", "volume"].iter().enumerate() {
                if k > 0 && !same_freq {
                    continue;
                }
                let mut r: Vec<f64> = s
                    .iter()
                    .filter_map(|(d, x)| {
                        let y = s2.get(d)?;
                        let q = x[k] / y[k];
                        (q.is_finite() && q > 0.0).then_some(q)
                    })
                    .collect();
                if r.len() < MIN_COMMON {
                    continue;
                }
                let n = r.len();
                let m = median(&mut r);
                if m.log10().abs() < 0.5 {
                    continue;
                }
                out.push(LevelIssue {
                    code: code.clone(),
                    column: (*col).to_string(),
                    other: src2.to_string(),
                    factor: m,
                    message: format!(
                        "{code}: {col} of source `{src}` is ×{m:.4} that of source `{src2}` on \
                         {n} common dates (median); one of them is in another unit: {}",
                        unit_hint(col, m)
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Dataset;
    use crate::table::{Table, Value};

    /// A prices table: (code, source, asset type, close, amount, volume) on `n` days.
    fn prices(rows: &[(&str, &str, &str, f64, f64, f64)], n: i32) -> Table {
        let mut t = Table::new(Dataset::Prices);
        for (code, src, asset, c, a, v) in rows {
            for d in 0..n {
                let mut vals: Vec<Value> = Dataset::Prices
                    .columns()
                    .iter()
                    .map(|col| match col.name {
                        "code" => Value::Str(Some((*code).into())),
                        "date" | "available_at" => {
                            Value::Date(Some(crate::table::days_to_date(19_000 + d)))
                        }
                        "source" => Value::Str(Some((*src).into())),
                        "asset_type" => Value::Str(Some((*asset).into())),
                        "adj_kind" => Value::Str(Some("none".into())),
                        "close" => Value::F64(*c),
                        "amount" => Value::F64(*a),
                        "volume" => Value::F64(*v),
                        _ => match col.kind {
                            crate::schema::ColumnKind::F64 => Value::F64(f64::NAN),
                            crate::schema::ColumnKind::Str => Value::Str(None),
                            crate::schema::ColumnKind::Date => Value::Date(None),
                        },
                    })
                    .collect();
                t.push_row_drain(&mut vals);
            }
        }
        t
    }

    #[test]
    fn an_etf_volume_in_lots_is_found_with_its_unit() {
        // 1e6 lots at 4 CNY traded 4e8 CNY: p̄ = 400 = 100 × close
        let t = prices(&[("510300.SH", "a", "etf", 4.0, 4e8, 1e6)], 10);
        let f = file_levels(&t);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("volume in 手"), "{}", f[0].message);
        let ok = prices(&[("510300.SH", "a", "etf", 4.0, 4e8, 1e8)], 10);
        assert!(file_levels(&ok).is_empty());
    }

    #[test]
    fn an_index_in_yi_and_wan_shou_is_found() {
        // CSI 300 as AKShare's csindex history writes it: 亿元 and 万手 unscaled
        let t = prices(
            &[("000300.SH", "a", "index", 3900.0, 2864.33, 15011.73)],
            10,
        );
        let f = file_levels(&t);
        assert_eq!(f.len(), 1, "{f:?}");
        let right = prices(
            &[("000300.SH", "a", "index", 3900.0, 2.86433e11, 1.501173e10)],
            10,
        );
        assert!(file_levels(&right).is_empty());
    }

    #[test]
    fn a_tenfold_amount_is_found_against_another_source() {
        let a = prices(
            &[("000300.SH", "tushare", "index", 3900.0, 2.5e12, 1.2e10)],
            10,
        );
        let b = prices(
            &[("000300.SH", "csindex", "index", 3900.0, 2.5e11, 1.2e10)],
            10,
        );
        assert!(
            file_levels(&a).is_empty(),
            "a ×10 index amount passes the band"
        );
        let f = cross_source(&a, &[&b]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].column, "amount");
        assert!((f[0].factor - 10.0).abs() < 1e-9);
        // the same source is never compared with itself; few common dates are not enough
        assert!(cross_source(&a, &[&a]).is_empty());
        let short = prices(
            &[("000300.SH", "csindex", "index", 3900.0, 2.5e11, 1.2e10)],
            3,
        );
        assert!(cross_source(&a, &[&short]).is_empty());
    }

    #[test]
    fn hints_name_the_units() {
        assert!(unit_hint("amount", 1e-8).contains("亿元"));
        assert!(unit_hint("amount", 1e-3).contains("千元"));
        assert!(unit_hint("volume", 1e-6).contains("万手"));
        assert!(unit_hint("amount", 10.0).contains("10^1"));
    }
}
