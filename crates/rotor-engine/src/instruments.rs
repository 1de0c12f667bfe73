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
    ///   figure of t−1, or an older one up to 10 trading days back) — the stored fund
    ///   size, else fund shares × the ETF's close of the same day — at least
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
                latest_aum(at, code, t)
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

/// The latest AUM of `code` on rows t−10 … t−1: the stored fund size, else fund shares ×
/// the close of the same row.
fn latest_aum(at: &AsOf<'_>, code: &str, t: usize) -> Option<f64> {
    let window = |len: usize| t.saturating_sub(10)..t.min(len);
    if let Some(col) = at.column(Field::FUND_SIZE, code) {
        if let Some(v) = col[window(col.len())].iter().rev().find(|v| v.is_finite()) {
            return Some(*v);
        }
    }
    let shares = at.column(Field::ETF_SHARES, code)?;
    let close = at.column(Field::CLOSE, code)?;
    window(shares.len().min(close.len()))
        .rev()
        .map(|k| shares[k] * close[k])
        .find(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rotor_core::calendar::TradingCalendar;
    use rotor_core::Panel;
    use rotor_data::view::PitView;

    #[test]
    fn shares_times_close_stand_in_for_a_missing_fund_size() {
        let days: Vec<NaiveDate> = (0..40)
            .map(|k| NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(k))
            .collect();
        let mut v = PitView::new(TradingCalendar::new(days.clone()));
        let codes = vec!["510300.SH".to_string(), "159919.SZ".to_string()];
        let fill = |x: [f64; 2]| {
            let mut p = Panel::nan(days.clone(), codes.clone());
            for t in 0..days.len() {
                p.set(t, 0, x[0]);
                p.set(t, 1, x[1]);
            }
            p
        };
        v.insert_daily(Field::CLOSE, &fill([4.0, 4.0]), &[]);
        // 510300 has a stored size of 5e8; 159919 only shares: 2e8 units × 4 = 8e8
        v.insert_daily(Field::FUND_SIZE, &fill([5e8, f64::NAN]), &[]);
        v.insert_daily(Field::ETF_SHARES, &fill([f64::NAN, 2e8]), &[]);
        let info = |c: &str| EtfInfo {
            code: c.into(),
            name: String::new(),
            tracking_index: "000300.SH".into(),
            listing_date: None,
            available_at: None,
        };
        v.insert_etf_info(vec![info("510300.SH"), info("159919.SZ")]);
        let etfs: Vec<EtfInfo> = v.etf_static().to_vec();
        let rules = EtfRules {
            min_listing_days: 5,
            min_aum: 1e8,
        };
        let map = EtfMap::new(&etfs, rules, true);
        let at = v.at(days[30]);
        assert_eq!(latest_aum(&at, "159919.SZ", 30), Some(8e8));
        assert_eq!(latest_aum(&at, "510300.SH", 30), Some(5e8));
        assert_eq!(map.choose(&at, "000300.SH").as_deref(), Some("159919.SZ"));
        // fewer shares (1e8 × 4 = 4e8 < 5e8): the stored size wins
        v.insert_daily(Field::ETF_SHARES, &fill([f64::NAN, 1e8]), &[]);
        assert_eq!(
            map.choose(&v.at(days[30]), "000300.SH").as_deref(),
            Some("510300.SH")
        );
    }
}
