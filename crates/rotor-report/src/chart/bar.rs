//! Grouped bars over categories (RankIC by regime, mean return by quantile, turnover,
//! histograms). Bars grow from zero; with `sign_colors` a single series is coloured red
//! above zero and green below.

use super::axis::{nice_ticks, Scale};
use super::{esc, open, series_legend, text_w, title, Series, YFmt, DOWN, UP, WIDTH};
use std::fmt::Write as _;

/// Grouped bars.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Category labels along x.
    pub categories: Vec<String>,
    /// One series per bar within a group, each as long as `categories`.
    pub series: Vec<Series>,
    /// Value-axis labels.
    pub y: YFmt,
    /// Colour bars by sign (single series).
    pub sign_colors: bool,
    /// Height in SVG units.
    pub height: f64,
}

impl BarChart {
    /// Bars of `series` over `categories`, 280 units high.
    pub fn new(categories: Vec<String>, series: Vec<Series>, y: YFmt) -> Self {
        BarChart {
            categories,
            series,
            y,
            sign_colors: false,
            height: 280.0,
        }
    }

    /// Finite values drawn.
    pub fn points(&self) -> usize {
        super::finite_points(&self.series)
    }

    pub(crate) fn svg(&self, id: &str, t: &str) -> String {
        let h = self.height;
        let nc = self.categories.len().max(1);
        let longest = self
            .categories
            .iter()
            .map(|c| text_w(c, 12.0))
            .fold(0.0, f64::max);
        let (ml, mr, mt) = (64.0, 18.0, 44.0);
        let slot = (WIDTH - ml - mr) / nc as f64;
        // labels every k-th category so they do not overlap
        let every = ((longest + 8.0) / slot).ceil().max(1.0) as usize;
        let mb = 30.0;
        let (px0, px1, py0, py1) = (ml, WIDTH - mr, h - mb, mt);
        let mut s = open(id, h, self.points());
        s.push_str(&title(t));
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in self.series.iter().flat_map(|s| s.values.iter()) {
            if v.is_finite() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
        let (ticks, step) = nice_ticks(lo, hi, 5);
        let ys = Scale {
            d0: ticks[0],
            d1: *ticks.last().unwrap_or(&1.0),
            p0: py0,
            p1: py1,
            log: false,
        };
        for &tv in &ticks {
            let y = ys.at(tv);
            let _ = write!(
                s,
                "<line x1=\"{px0}\" x2=\"{px1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>",
                if tv == 0.0 { "#999" } else { "#e6e6e6" },
                px0 - 6.0,
                y + 4.0,
                self.y.tick(tv, step)
            );
        }
        for (i, c) in self.categories.iter().enumerate() {
            if i % every == 0 {
                let x = px0 + (i as f64 + 0.5) * slot;
                let _ = write!(
                    s,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                    py0 + 17.0,
                    esc(c)
                );
            }
        }
        let ns = self.series.len().max(1);
        let bw = slot * 0.78 / ns as f64;
        let zero = ys.at(0.0);
        s.push_str("<g class=\"data\">");
        for (k, se) in self.series.iter().enumerate() {
            for (i, v) in se.values.iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let x = px0 + i as f64 * slot + slot * 0.11 + k as f64 * bw;
                let y = ys.at(*v);
                let (top, ht) = if y < zero {
                    (y, zero - y)
                } else {
                    (zero, y - zero)
                };
                let c = if self.sign_colors {
                    if *v >= 0.0 {
                        UP
                    } else {
                        DOWN
                    }
                } else {
                    se.colour(k)
                };
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{c}\"><title>{} · {}: {}</title></rect>",
                    (bw - 1.0).max(0.5),
                    ht.max(0.5),
                    esc(&se.name),
                    esc(self.categories.get(i).map(|s| s.as_str()).unwrap_or("")),
                    self.y.tick(*v, step / 100.0)
                );
            }
        }
        s.push_str("</g>");
        if self.series.len() > 1 || !self.sign_colors {
            s.push_str(&series_legend(&self.series, 20.0, WIDTH - mr));
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Chart, Kind};

    #[test]
    fn negative_bars_hang_below_zero_in_green() {
        let c = BarChart {
            sign_colors: true,
            ..BarChart::new(
                vec!["Q1".into(), "Q5".into()],
                vec![Series::new("mean", vec![-0.01, 0.02])],
                YFmt::Pct,
            )
        };
        let svg = Chart::new("q", "t", Kind::Bar(c)).svg();
        let data = svg.split("<g class=\"data\">").nth(1).unwrap();
        assert_eq!(data.matches("<rect").count(), 2);
        assert!(data.contains(DOWN) && data.contains(UP));
        assert!(svg.contains("data-points=\"2\""));
    }
}
