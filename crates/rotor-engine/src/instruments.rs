//! What is traded for an asset at t: the asset itself (index mode) or the largest ETF
//! tracking it (ETF mode, SPEC §4.4), decided from the point-in-time view at t.

use rotor_data::view::{AsOf, EtfInfo, Field};
use rotor_portfolio::etf::{map_etf, EtfCandidate, EtfRules};

/// The index → ETF map of a run.
#[derive(Debug, Clone)]
pub struct EtfMap {
    candidates: Vec<EtfCandidate>,
    rules: EtfRules,
    size_is_aum: bool,
}

impl EtfMap {
    /// Over the ETFs tracking universe codes.
    pub fn new(etfs: &[EtfInfo], rules: EtfRules, size_is_aum: bool) -> Self {
        EtfMap {
            candidates: etfs
                .iter()
                .map(|e| EtfCandidate {
                    code: e.code.clone(),
                    tracking_index: e.tracking_index.clone(),
                    listing_date: e.listing_date,
                })
                .collect(),
            rules,
            size_is_aum,
        }
    }

    /// Any ETF at all?
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The ETF held for `index` when trading at the close of `at.date()`:
    ///
    /// * candidates track `index`, are known at t and have a close at t;
    /// * listed at least `min_listing_days` trading days before t (counted from the
    ///   listing date, or from the first close when the listing date is unknown);
    /// * size: with AUM, the latest AUM **dated before t** and published by t (the
    ///   figure of t−1, or an older one up to 10 trading days back), at least
    ///   `min_aum`; without AUM, the mean daily turnover of the 20 trading days
    ///   t−20 … t−1;
    /// * the largest wins; ties → earlier listing, lower code.
    pub fn choose(&self, at: &AsOf<'_>, index: &str) -> Option<String> {
        let days = at.days();
        let t = days.len().checked_sub(1)?;
        if days[t] != at.date() {
            return None; // not a trading day: nothing trades
        }
        let listed = |c: &EtfCandidate| -> usize {
            let Some(close) = at.column(Field::CLOSE, &c.code) else {
                return 0;
            };
            if !close.get(t).is_some_and(|v| v.is_finite()) {
                return 0;
            }
            let first = match c.listing_date {
                Some(d) => days.partition_point(|x| *x < d),
                None => close.iter().position(|v| v.is_finite()).unwrap_or(t),
            };
            t.saturating_sub(first)
        };
        let size = |code: &str| -> Option<f64> {
            if self.size_is_aum {
                let col = at.column(Field::FUND_SIZE, code)?;
                col[t.saturating_sub(10)..t.min(col.len())]
                    .iter()
                    .rev()
                    .copied()
                    .find(|v| v.is_finite())
            } else {
                let col = at.column(Field::AMOUNT, code)?;
                let v: Vec<f64> = col[t.saturating_sub(20)..t.min(col.len())]
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            }
        };
        let known: Vec<EtfCandidate> = self
            .candidates
            .iter()
            .filter(|c| c.tracking_index == index && at.etf(&c.code).is_some())
            .cloned()
            .collect();
        map_etf(index, &known, self.rules, self.size_is_aum, listed, size).map(|c| c.code.clone())
    }
}
