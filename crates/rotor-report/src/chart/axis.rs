//! Scales and ticks shared by the charts.

use chrono::{Datelike, NaiveDate};

/// A linear map from a data domain to pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub p0: f64,
    pub p1: f64,
    /// Logarithmic: positions by `ln v` (non-positive values map to NaN).
    pub log: bool,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        if self.log {
            if v <= 0.0 || self.d0 <= 0.0 {
                return f64::NAN;
            }
            let span = self.d1.ln() - self.d0.ln();
            return if span == 0.0 {
                (self.p0 + self.p1) / 2.0
            } else {
                self.p0 + (v.ln() - self.d0.ln()) / span * (self.p1 - self.p0)
            };
        }
        let span = self.d1 - self.d0;
        if span == 0.0 {
            (self.p0 + self.p1) / 2.0
        } else {
            self.p0 + (v - self.d0) / span * (self.p1 - self.p0)
        }
    }
}

/// "Nice" ticks covering `[lo, hi]`: steps of 1, 2 or 5 × 10^k, about `n` of them.
/// Returns (ticks, step); the first and last tick enclose the data.
pub(crate) fn nice_ticks(lo: f64, hi: f64, n: usize) -> (Vec<f64>, f64) {
    let (mut lo, mut hi) = (lo, hi);
    if !(lo.is_finite() && hi.is_finite()) {
        return (vec![0.0, 1.0], 1.0);
    }
    if hi - lo < 1e-12 {
        let pad = if lo.abs() > 1e-12 {
            lo.abs() * 0.05
        } else {
            1.0
        };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let step = mag
        * if f < 1.5 {
            1.0
        } else if f < 3.0 {
            2.0
        } else if f < 7.0 {
            5.0
        } else {
            10.0
        };
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let ticks = (first as i64..=last as i64)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect();
    (ticks, step)
}

/// Ticks of a logarithmic axis over `[lo, hi]` (both > 0): the values 1, 2, 5 × 10^k
/// from the largest one ≤ `lo` to the smallest one ≥ `hi`.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (k0, k1) = (lo.log10().floor() as i32 - 1, hi.log10().ceil() as i32 + 1);
    let cands: Vec<f64> = (k0..=k1)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .collect();
    let eps = 1e-9;
    let first = cands
        .iter()
        .rposition(|&t| t <= lo * (1.0 + eps))
        .unwrap_or(0);
    let last = cands
        .iter()
        .position(|&t| t >= hi * (1.0 - eps))
        .unwrap_or(cands.len() - 1)
        .max(first + 1)
        .min(cands.len() - 1);
    cands[first..=last].to_vec()
}

/// Date labels under a plot whose bottom is at `bottom`, each with a tick line from
/// `top` (a grid line when `top` is the plot's top, a short tick otherwise).
pub(crate) fn date_axis(
    a: NaiveDate,
    b: NaiveDate,
    xs: &Scale,
    top: f64,
    bottom: f64,
    stroke: &str,
) -> String {
    let mut s = String::new();
    for (d, lab) in date_ticks(a, b) {
        let x = xs.at(day(d));
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top:.1}\" y2=\"{:.1}\" stroke=\"{stroke}\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\">{lab}</text>",
            bottom + 4.0,
            bottom + 17.0
        ));
    }
    s
}

/// Day number of a date (for a calendar-time x axis).
pub(crate) fn day(d: NaiveDate) -> f64 {
    d.num_days_from_ce() as f64
}

/// Date ticks: January 1st every k years over long spans (label `YYYY`), else the
/// first of every k months (label `YYYY-MM`); at most about ten.
pub(crate) fn date_ticks(a: NaiveDate, b: NaiveDate) -> Vec<(NaiveDate, String)> {
    let span = (b - a).num_days();
    let mut out = Vec::new();
    if span > 3 * 365 {
        let years = (b.year() - a.year()).max(1);
        let k = ((years as f64) / 10.0).ceil().max(1.0) as i32;
        let mut y = a.year() + 1;
        while y <= b.year() {
            if let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) {
                if (y - a.year() - 1) % k == 0 && d >= a && d <= b {
                    out.push((d, y.to_string()));
                }
            }
            y += 1;
        }
    } else {
        let months = ((b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32).max(1);
        let k = ((months as f64) / 10.0).ceil().max(1.0) as i32;
        let (mut y, mut m) = (a.year(), a.month() as i32 + 1);
        let mut i = 0;
        loop {
            if m > 12 {
                m = 1;
                y += 1;
            }
            let Some(d) = NaiveDate::from_ymd_opt(y, m as u32, 1) else {
                break;
            };
            if d > b {
                break;
            }
            if i % k == 0 {
                out.push((d, format!("{y}-{m:02}")));
            }
            i += 1;
            m += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_enclose_the_data_with_round_steps() {
        let (t, s) = nice_ticks(0.93, 5.37, 5);
        assert_eq!(s, 1.0);
        assert_eq!(t.first(), Some(&0.0));
        assert_eq!(t.last(), Some(&6.0));
        let (t, s) = nice_ticks(-0.4213, 0.0, 5);
        assert!((s - 0.1).abs() < 1e-12);
        assert!((t[0] + 0.5).abs() < 1e-12 && *t.last().unwrap() == 0.0);
        // constant series still gets an axis
        let (t, _) = nice_ticks(2.0, 2.0, 5);
        assert!(t.len() >= 2 && t[0] <= 2.0 && *t.last().unwrap() >= 2.0);
    }

    #[test]
    fn log_ticks_enclose_the_data_with_1_2_5_steps() {
        assert_eq!(
            log_ticks(0.93, 27.4),
            vec![0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        );
        assert_eq!(log_ticks(1.0, 1.8), vec![1.0, 2.0]);
    }

    #[test]
    fn date_ticks_are_years_over_long_spans_and_months_over_short() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let t = date_ticks(d(2010, 3, 1), d(2025, 9, 30));
        assert_eq!(t.first().unwrap().1, "2011");
        assert!(t.len() <= 10, "{t:?}");
        let t = date_ticks(d(2025, 1, 2), d(2025, 9, 30));
        assert_eq!(t.first().unwrap().1, "2025-02");
        assert_eq!(t.last().unwrap().1, "2025-09");
    }
}
