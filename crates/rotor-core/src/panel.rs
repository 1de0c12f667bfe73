//! Dense date × asset panels of `f64` (`NaN` = missing), stored row-major: row `t`
//! holds every asset's value on date `t`, so a cross-section is one contiguous slice.

use chrono::NaiveDate;
use std::collections::HashMap;

/// A labelled dense matrix: `dates.len()` rows × `assets.len()` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Row labels, strictly increasing.
    pub dates: Vec<NaiveDate>,
    /// Column labels, unique.
    pub assets: Vec<String>,
    /// Values, row-major (`values[t * n_assets + j]`).
    pub values: Vec<f64>,
}

/// Errors building panels.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PanelError {
    /// Two long rows share a (date, asset).
    #[error("duplicate (date, asset) row: {date}, {asset}")]
    Duplicate {
        /// Date.
        date: NaiveDate,
        /// Asset.
        asset: String,
    },
    /// Shapes do not agree.
    #[error("shape mismatch: {0}")]
    Shape(String),
}

impl Panel {
    /// A panel of NaN.
    pub fn nan(dates: Vec<NaiveDate>, assets: Vec<String>) -> Self {
        let n = dates.len() * assets.len();
        Panel {
            dates,
            assets,
            values: vec![f64::NAN; n],
        }
    }

    /// Number of dates.
    pub fn n_dates(&self) -> usize {
        self.dates.len()
    }

    /// Number of assets.
    pub fn n_assets(&self) -> usize {
        self.assets.len()
    }

    /// Value at (t, j).
    pub fn get(&self, t: usize, j: usize) -> f64 {
        self.values[t * self.assets.len() + j]
    }

    /// Set value at (t, j).
    pub fn set(&mut self, t: usize, j: usize, v: f64) {
        let n = self.assets.len();
        self.values[t * n + j] = v;
    }

    /// The cross-section of date `t`.
    pub fn row(&self, t: usize) -> &[f64] {
        let n = self.assets.len();
        &self.values[t * n..(t + 1) * n]
    }

    /// Build from long `(date, asset, value)` triples. Dates and assets are sorted;
    /// a repeated `(date, asset)` is an error, never a silent overwrite.
    pub fn from_long<'a>(
        rows: impl IntoIterator<Item = (NaiveDate, &'a str, f64)>,
    ) -> Result<Self, PanelError> {
        let rows: Vec<_> = rows.into_iter().collect();
        let mut dates: Vec<NaiveDate> = rows.iter().map(|r| r.0).collect();
        dates.sort_unstable();
        dates.dedup();
        let mut assets: Vec<&str> = rows.iter().map(|r| r.1).collect();
        assets.sort_unstable();
        assets.dedup();
        let di: HashMap<NaiveDate, usize> =
            dates.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        let ai: HashMap<&str, usize> = assets.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        let n = assets.len();
        let mut values = vec![f64::NAN; dates.len() * n];
        let mut seen = vec![false; dates.len() * n];
        for (d, a, v) in rows {
            let k = di[&d] * n + ai[a];
            if seen[k] {
                return Err(PanelError::Duplicate {
                    date: d,
                    asset: a.to_string(),
                });
            }
            seen[k] = true;
            values[k] = v;
        }
        Ok(Panel {
            dates,
            assets: assets.into_iter().map(String::from).collect(),
            values,
        })
    }

    /// Long triples of the non-NaN cells, date-major.
    pub fn to_long(&self) -> Vec<(NaiveDate, String, f64)> {
        let mut out = Vec::new();
        for (t, d) in self.dates.iter().enumerate() {
            for (j, a) in self.assets.iter().enumerate() {
                let v = self.get(t, j);
                if !v.is_nan() {
                    out.push((*d, a.clone(), v));
                }
            }
        }
        out
    }

    /// Column `j` (one asset's series) as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        let n = self.n_assets();
        (0..self.n_dates())
            .map(|t| self.values[t * n + j])
            .collect()
    }

    /// Reindex to `dates` × `assets` (exact label matches; anything absent is NaN).
    pub fn reindex(&self, dates: &[NaiveDate], assets: &[String]) -> Panel {
        let ai: HashMap<&str, usize> = self
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), i))
            .collect();
        let cols: Vec<Option<usize>> = assets.iter().map(|a| ai.get(a.as_str()).copied()).collect();
        let mut out = Panel::nan(dates.to_vec(), assets.to_vec());
        let n = assets.len();
        let mut t_src = 0;
        for (t, d) in dates.iter().enumerate() {
            while t_src < self.dates.len() && self.dates[t_src] < *d {
                t_src += 1;
            }
            if t_src < self.dates.len() && self.dates[t_src] == *d {
                let src = self.row(t_src);
                for (j, c) in cols.iter().enumerate() {
                    if let Some(c) = c {
                        out.values[t * n + j] = src[*c];
                    }
                }
            }
        }
        out
    }

    /// Apply `f` to every cross-section (row) in place.
    pub fn map_rows(&mut self, mut f: impl FnMut(&mut [f64])) {
        let n = self.n_assets();
        if n == 0 {
            return;
        }
        for row in self.values.chunks_mut(n) {
            f(row);
        }
    }

    /// Apply `f` to every asset's series (column) in place.
    pub fn map_cols(&mut self, mut f: impl FnMut(&mut [f64])) {
        let (n, t) = (self.n_assets(), self.n_dates());
        let mut buf = vec![0.0; t];
        for j in 0..n {
            for (k, b) in buf.iter_mut().enumerate() {
                *b = self.values[k * n + j];
            }
            f(&mut buf);
            for (k, b) in buf.iter().enumerate() {
                self.values[k * n + j] = *b;
            }
        }
    }

    /// Last date of each calendar month present in the panel's own dates
    /// (the month-ends of a trading calendar when the panel is daily).
    pub fn month_ends(&self) -> Vec<NaiveDate> {
        use chrono::Datelike;
        let mut out: Vec<NaiveDate> = Vec::new();
        for d in &self.dates {
            match out.last_mut() {
                Some(l) if (l.year(), l.month()) == (d.year(), d.month()) => *l = *d,
                _ => out.push(*d),
            }
        }
        out
    }

    /// Last date of each ISO week present in the panel's own dates.
    pub fn week_ends(&self) -> Vec<NaiveDate> {
        use chrono::Datelike;
        let mut out: Vec<NaiveDate> = Vec::new();
        for d in &self.dates {
            match out.last_mut() {
                Some(l) if l.iso_week() == d.iso_week() => *l = *d,
                _ => out.push(*d),
            }
        }
        out
    }

    /// Rows at the given dates using the last valid value at or before each date
    /// (per asset), e.g. resampling daily closes to month-ends.
    pub fn resample_last(&self, at: &[NaiveDate]) -> Panel {
        let n = self.n_assets();
        let mut out = Panel::nan(at.to_vec(), self.assets.clone());
        let mut last = vec![f64::NAN; n];
        let mut t = 0;
        for (k, d) in at.iter().enumerate() {
            while t < self.dates.len() && self.dates[t] <= *d {
                for (j, l) in last.iter_mut().enumerate() {
                    let v = self.get(t, j);
                    if !v.is_nan() {
                        *l = v;
                    }
                }
                t += 1;
            }
            out.values[k * n..(k + 1) * n].copy_from_slice(&last);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn long_round_trip_and_duplicates() {
        let p = Panel::from_long(vec![
            (d("2024-01-02"), "B", 2.0),
            (d("2024-01-01"), "A", 1.0),
        ])
        .unwrap();
        assert_eq!(p.assets, vec!["A", "B"]);
        assert_eq!(p.dates, vec![d("2024-01-01"), d("2024-01-02")]);
        assert!(p.get(0, 1).is_nan());
        assert_eq!(p.to_long().len(), 2);
        let e = Panel::from_long(vec![
            (d("2024-01-01"), "A", 1.0),
            (d("2024-01-01"), "A", 2.0),
        ])
        .unwrap_err();
        assert!(matches!(e, PanelError::Duplicate { .. }));
    }

    #[test]
    fn resample_takes_last_valid() {
        let p = Panel::from_long(vec![
            (d("2024-01-30"), "A", 1.0),
            (d("2024-01-31"), "A", f64::NAN),
            (d("2024-02-28"), "A", 3.0),
        ])
        .unwrap();
        let m = p.resample_last(&[d("2024-01-31"), d("2024-02-29")]);
        assert_eq!(m.values, vec![1.0, 3.0]);
    }
}
