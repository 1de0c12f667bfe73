//! Reading dense panels and the trading calendar from the store.
//!
//! **One source per code.** The store may hold a code from several vendors. A panel
//! takes, per code, the first source in the caller's preference list that has the code;
//! otherwise the source with the most rows (ties: alphabetical). Sources are never mixed
//! within one code's series, so adjustment levels cannot splice.

use crate::calendar::TradingCalendar;
use crate::error::{DataError, Result};
use crate::schema::Dataset;
use crate::store::Store;
use crate::table::{days_to_date, Table};
use rotor_core::Panel;
use std::collections::{BTreeMap, HashMap};

/// Which source each code uses, per the rule in the module docs.
pub fn choose_sources(table: &Table, preference: &[String]) -> BTreeMap<String, String> {
    let codes = table.str_col("code");
    let sources = table.str_col("source");
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (c, s) in codes.iter().zip(sources) {
        if let (Some(c), Some(s)) = (c, s) {
            *counts.entry(c).or_default().entry(s).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(code, by_src)| {
            let pick = preference
                .iter()
                .find(|p| by_src.contains_key(p.as_str()))
                .map(|p| p.to_string())
                .unwrap_or_else(|| {
                    let mut v: Vec<_> = by_src.iter().collect();
                    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    v[0].0.to_string()
                });
            (code.to_string(), pick)
        })
        .collect()
}

/// A date × code panel of `field` from a dated dataset (`prices`, `valuation`, `flows`,
/// `etf_size`), optionally restricted to `codes`, with the source rule above.
pub fn read_panel(
    store: &Store,
    dataset: Dataset,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
) -> Result<Panel> {
    if dataset.column_index(field).is_none() || !dataset.has_date() {
        return Err(DataError::Missing(format!(
            "dataset {dataset} has no dated column `{field}`"
        )));
    }
    let t = store.read_columns(dataset, Some(&["code", "date", "source", field]))?;
    Ok(panel_from_table(&t, field, codes, preference))
}

/// Build a panel from an in-memory table (see [`read_panel`]).
pub fn panel_from_table(
    t: &Table,
    field: &str,
    codes: Option<&[String]>,
    preference: &[String],
) -> Panel {
    let chosen = choose_sources(t, preference);
    let code_col = t.str_col("code");
    let src_col = t.str_col("source");
    let date_col = t.date_col("date");
    let val = t.f64_col(field);
    let mut assets: Vec<String> = match codes {
        Some(c) => c
            .iter()
            .filter(|c| chosen.contains_key(*c))
            .cloned()
            .collect(),
        None => chosen.keys().cloned().collect(),
    };
    assets.sort();
    assets.dedup();
    let aidx: HashMap<&str, usize> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    let keep = |i: usize| -> Option<usize> {
        let c = code_col[i].as_deref()?;
        let j = *aidx.get(c)?;
        (src_col[i].as_deref() == chosen.get(c).map(String::as_str)).then_some(j)
    };
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for (i, dc) in date_col.iter().enumerate() {
        if let (Some(_), Some(d)) = (keep(i), *dc) {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    }
    if lo > hi {
        return Panel::nan(Vec::new(), assets);
    }
    let span = (hi - lo + 1) as usize;
    let mut present = vec![false; span];
    for (i, dc) in date_col.iter().enumerate() {
        if let (Some(_), Some(d)) = (keep(i), *dc) {
            present[(d - lo) as usize] = true;
        }
    }
    let mut row_of = vec![usize::MAX; span];
    let mut dates = Vec::new();
    for (k, p) in present.iter().enumerate() {
        if *p {
            row_of[k] = dates.len();
            dates.push(days_to_date(lo + k as i32));
        }
    }
    let n = assets.len();
    let mut panel = Panel::nan(dates, assets.clone());
    for i in 0..t.len() {
        if let (Some(j), Some(d)) = (keep(i), date_col[i]) {
            panel.values[row_of[(d - lo) as usize] * n + j] = val[i];
        }
    }
    panel
}

/// The trading calendar: dates on which `reference` has a close in `prices`
/// (any source). No holiday table is involved.
pub fn calendar_from_store(store: &Store, reference: &str) -> Result<TradingCalendar> {
    let t = store.read_columns(Dataset::Prices, Some(&["code", "date", "close"]))?;
    let codes = t.str_col("code");
    let dates = t.date_col("date");
    let close = t.f64_col("close");
    let days: Vec<_> = (0..t.len())
        .filter(|&i| codes[i].as_deref() == Some(reference) && !close[i].is_nan())
        .filter_map(|i| dates[i].map(days_to_date))
        .collect();
    if days.is_empty() {
        return Err(DataError::Missing(format!(
            "calendar reference series {reference} has no prices in the store (import it, or choose another with --calendar CODE)"
        )));
    }
    Ok(TradingCalendar::new(days))
}
