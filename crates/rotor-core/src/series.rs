//! Dated series: values that carry their dates, so windows are cut by date and two
//! series are aligned by date — never by position.
//!
//! ```
//! use rotor_core::series::Dated;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//! let s = Dated::new(vec![d("2024-01-02"), d("2024-01-03"), d("2024-01-04")], vec![0.0, 0.01, -0.02]).unwrap();
//! let w = s.window(Some(d("2024-01-03")), None);
//! assert_eq!(w.values(), &[0.01, -0.02]);
//! ```

use chrono::NaiveDate;

/// Why a dated series could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeriesError {
    /// Dates and values differ in length.
    #[error("{dates} dates but {values} values")]
    Length {
        /// Number of dates.
        dates: usize,
        /// Number of values.
        values: usize,
    },
    /// Dates not strictly increasing.
    #[error("dates not strictly increasing at {0}")]
    Order(NaiveDate),
}

/// A series of `f64` on strictly increasing dates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dated {
    dates: Vec<NaiveDate>,
    values: Vec<f64>,
}

impl Dated {
    /// Build, checking lengths and date order.
    pub fn new(dates: Vec<NaiveDate>, values: Vec<f64>) -> Result<Self, SeriesError> {
        if dates.len() != values.len() {
            return Err(SeriesError::Length {
                dates: dates.len(),
                values: values.len(),
            });
        }
        if let Some(w) = dates.windows(2).find(|w| w[1] <= w[0]) {
            return Err(SeriesError::Order(w[1]));
        }
        Ok(Dated { dates, values })
    }

    /// Dates.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// No points?
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// First date.
    pub fn first_date(&self) -> Option<NaiveDate> {
        self.dates.first().copied()
    }

    /// Last date.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.dates.last().copied()
    }

    /// The value at `d` (None when `d` is not a date of the series).
    pub fn at(&self, d: NaiveDate) -> Option<f64> {
        self.dates.binary_search(&d).ok().map(|i| self.values[i])
    }

    /// The points with `from ≤ date ≤ to` (either bound open when None).
    pub fn window(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Dated {
        let lo = from.map_or(0, |f| self.dates.partition_point(|d| *d < f));
        let hi = to.map_or(self.dates.len(), |t| {
            self.dates.partition_point(|d| *d <= t)
        });
        let hi = hi.max(lo);
        Dated {
            dates: self.dates[lo..hi].to_vec(),
            values: self.values[lo..hi].to_vec(),
        }
    }

    /// The series on `dates` (NaN where it has no point).
    pub fn on(&self, dates: &[NaiveDate]) -> Vec<f64> {
        dates
            .iter()
            .map(|d| self.at(*d).unwrap_or(f64::NAN))
            .collect()
    }

    /// Map the values, keeping the dates.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Dated {
        Dated {
            dates: self.dates.clone(),
            values: self.values.iter().map(|v| f(*v)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_are_cut_by_date_and_misaligned_series_align_by_date() {
        let s = Dated::new(
            vec![d("2024-01-02"), d("2024-01-04"), d("2024-01-08")],
            vec![1.0, 2.0, 3.0],
        )
        .unwrap();
        assert_eq!(s.window(None, Some(d("2024-01-05"))).values(), &[1.0, 2.0]);
        assert_eq!(
            s.window(Some(d("2024-01-03")), Some(d("2024-01-07")))
                .values(),
            &[2.0]
        );
        assert!(s.window(Some(d("2024-02-01")), None).is_empty());
        assert!(s
            .window(Some(d("2024-02-01")), Some(d("2024-01-01")))
            .is_empty());
        let on = s.on(&[d("2024-01-04"), d("2024-01-05")]);
        assert_eq!(on[0], 2.0);
        assert!(on[1].is_nan());
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert!(matches!(
            Dated::new(vec![d("2024-01-02")], vec![]),
            Err(SeriesError::Length { .. })
        ));
        assert_eq!(
            Dated::new(vec![d("2024-01-02"), d("2024-01-02")], vec![1.0, 2.0]),
            Err(SeriesError::Order(d("2024-01-02")))
        );
        assert!(Dated::new(vec![], vec![]).unwrap().is_empty());
    }
}
