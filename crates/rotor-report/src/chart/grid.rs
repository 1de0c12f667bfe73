//! Filled cells over dates × rows: which index (row) was held at which rebalance
//! (column), shaded by weight, over the regime bands.

use super::axis::{date_axis, day, Scale};
use super::{esc, open, title, Band, WIDTH};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// Cells over dates × rows.
#[derive(Debug, Clone)]
pub struct GridChart {
    /// Column dates (rebalances), ascending.
    pub x: Vec<NaiveDate>,
    /// Row labels.
    pub rows: Vec<String>,
    /// Filled cells: (row, column, weight in (0, 1]).
    pub cells: Vec<(usize, usize, f64)>,
    /// Background bands (regimes), drawn in a strip above the cells.
    pub bands: Vec<Band>,
    /// Cell colour.
    pub color: String,
}

impl GridChart {
    /// Cells drawn.
    pub fn points(&self) -> usize {
        self.cells.len()
    }

    pub(crate) fn svg(&self, id: &str, t: &str) -> String {
        let row_h = 13.0;
        let (ml, mr, mt) = (96.0, 18.0, 52.0);
        let h = mt + row_h * self.rows.len().max(1) as f64 + 30.0;
        let (px0, px1) = (ml, WIDTH - mr);
        let py0 = mt + row_h * self.rows.len() as f64;
        let mut s = open(id, h, self.points());
        s.push_str(&title(t));
        let (Some(&a), Some(&b)) = (self.x.first(), self.x.last()) else {
            s.push_str("<g class=\"data\"></g></svg>");
            return s;
        };
        // one column per rebalance: the last one extends by the median spacing
        let step = if self.x.len() > 1 {
            (day(b) - day(a)) / (self.x.len() - 1) as f64
        } else {
            30.0
        };
        let xs = Scale {
            d0: day(a),
            d1: day(b) + step,
            p0: px0,
            p1: px1,
            log: false,
        };
        for bd in &self.bands {
            let (u, v) = (xs.at(day(bd.from).max(xs.d0)), xs.at(day(bd.to).min(xs.d1)));
            if v > u {
                let _ = write!(
                    s,
                    "<rect x=\"{u:.1}\" y=\"{:.1}\" width=\"{:.2}\" height=\"6\" fill=\"{}\"><title>{}</title></rect>",
                    mt - 10.0,
                    v - u,
                    bd.color,
                    esc(&bd.label)
                );
            }
        }
        for (r, label) in self.rows.iter().enumerate() {
            let y = mt + r as f64 * row_h;
            if r % 2 == 1 {
                let _ = write!(
                    s,
                    "<rect x=\"{px0}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{row_h}\" fill=\"#f7f7f7\"/>",
                    px1 - px0
                );
            }
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" fill=\"#444\">{}</text>",
                px0 - 6.0,
                y + row_h - 3.0,
                esc(label)
            );
        }
        s.push_str(&date_axis(a, b, &xs, mt, py0, "#ddd"));
        s.push_str("<g class=\"data\">");
        for &(r, c, w) in &self.cells {
            let (Some(d), Some(label)) = (self.x.get(c), self.rows.get(r)) else {
                continue;
            };
            let x0 = xs.at(day(*d));
            let x1 = self.x.get(c + 1).map(|n| xs.at(day(*n))).unwrap_or(px1);
            let y = mt + r as f64 * row_h + 1.0;
            let _ = write!(
                s,
                "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{:.2}\"><title>{} {d} {:.1}%</title></rect>",
                (x1 - x0).max(0.8),
                row_h - 2.0,
                self.color,
                (0.35 + 0.65 * w.clamp(0.0, 1.0)).min(1.0),
                esc(label),
                100.0 * w
            );
        }
        s.push_str("</g></svg>");
        s
    }
}
