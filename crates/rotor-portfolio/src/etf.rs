//! Index → ETF mapping (SPEC §4.4).

use chrono::NaiveDate;

/// An ETF that may stand in for an index.
#[derive(Debug, Clone, PartialEq)]
pub struct EtfCandidate {
    /// ETF code.
    pub code: String,
    /// Tracked index code.
    pub tracking_index: String,
    /// Listing date (None = unknown: treated as listed from its first price).
    pub listing_date: Option<NaiveDate>,
}

/// Mapping rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EtfRules {
    /// Listed at least this many trading days before t (20).
    pub min_listing_days: usize,
    /// Minimum AUM at t−1 in CNY (1e8); not applied to the turnover proxy.
    pub min_aum: f64,
}

impl Default for EtfRules {
    fn default() -> Self {
        EtfRules {
            min_listing_days: 20,
            min_aum: 1e8,
        }
    }
}

/// The chosen ETF for `index` at `t`: among `candidates` tracking it that have been
/// listed for `min_listing_days` trading days (`listed_days(code)` counts the trading
/// days from listing to t, exclusive), the one with the largest `size(code)` — AUM at
/// t−1 when `is_aum` (then ≥ `min_aum` required), else the turnover proxy. Ties →
/// earlier listing date, then lower code.
pub fn map_etf<'a>(
    index: &str,
    candidates: &'a [EtfCandidate],
    rules: EtfRules,
    is_aum: bool,
    listed_days: impl Fn(&EtfCandidate) -> usize,
    size: impl Fn(&str) -> Option<f64>,
) -> Option<&'a EtfCandidate> {
    let mut best: Option<(&EtfCandidate, f64)> = None;
    for c in candidates.iter().filter(|c| c.tracking_index == index) {
        if listed_days(c) < rules.min_listing_days {
            continue;
        }
        let Some(s) = size(&c.code).filter(|s| s.is_finite()) else {
            continue;
        };
        if is_aum && s < rules.min_aum {
            continue;
        }
        let better = match best {
            None => true,
            Some((b, bs)) => {
                s > bs || (s == bs && (c.listing_date, &c.code) < (b.listing_date, &b.code))
            }
        };
        if better {
            best = Some((c, s));
        }
    }
    best.map(|(c, _)| c)
}
