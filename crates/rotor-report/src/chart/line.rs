//! Lines over a calendar-time x axis, with optional shaded date bands (regimes), an
//! optional reference line (1.0 for NAVs, 0 for excess) and optional area fill to zero
//! (drawdowns).

use super::axis::{date_axis, day, log_ticks, nice_ticks, Scale};
use super::{esc, open, series_legend, text_w, title, Series, YFmt, WIDTH};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// A shaded x range `[from, to)` with a legend label.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// First date covered.
    pub from: NaiveDate,
    /// End of the band (the next band's start).
    pub to: NaiveDate,
    /// Legend label.
    pub label: String,
    /// Fill colour.
    pub color: String,
}

/// Lines over dates.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Dates of the values (ascending).
    pub x: Vec<NaiveDate>,
    /// Series, each as long as `x`.
    pub series: Vec<Series>,
    /// Shaded bands behind the lines.
    pub bands: Vec<Band>,
    /// Value-axis labels.
    pub y: YFmt,
    /// Fill each line's area down to zero.
    pub fill: bool,
    /// Dashed horizontal reference line.
    pub reference: Option<f64>,
    /// Height in SVG units.
    pub height: f64,
    /// Logarithmic value axis (ticks 1, 2, 5 × 10^k) when every value is positive and
    /// they span more than ×4 — long NAVs, whose early years a linear axis flattens.
    pub log: bool,
}

impl LineChart {
    /// A chart of `series` over `x`, 300 units high.
    pub fn new(x: Vec<NaiveDate>, series: Vec<Series>, y: YFmt) -> Self {
        LineChart {
            x,
            series,
            bands: Vec::new(),
            y,
            fill: false,
            reference: None,
            height: 300.0,
            log: false,
        }
    }

    /// Finite values drawn.
    pub fn points(&self) -> usize {
        super::finite_points(&self.series)
    }

    /// The data range (with the reference line and, for area charts, zero).
    fn range(&self) -> (f64, f64) {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in self.series.iter().flat_map(|s| s.values.iter()) {
            if v.is_finite() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
        if let Some(r) = self.reference.filter(|_| lo.is_finite()) {
            lo = lo.min(r);
            hi = hi.max(r);
        }
        if self.fill && lo.is_finite() {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        (lo, hi)
    }

    pub(crate) fn svg(&self, id: &str, t: &str) -> String {
        let h = self.height;
        let band_legend = !self.bands.is_empty();
        let (ml, mr, mt) = (64.0, 18.0, 44.0);
        let mb = if band_legend { 50.0 } else { 28.0 };
        let (px0, px1, py0, py1) = (ml, WIDTH - mr, h - mb, mt);
        let mut s = open(id, h, self.points());
        let (Some(&a), Some(&b)) = (self.x.first(), self.x.last()) else {
            s.push_str(&title(t));
            s.push_str("<g class=\"data\"></g><text x=\"480\" y=\"150\" text-anchor=\"middle\" fill=\"#999\">无数据 no data</text></svg>");
            return s;
        };
        let (lo, hi) = self.range();
        let log = self.log && !self.fill && lo > 0.0 && hi / lo > 4.0;
        s.push_str(&title(&if log {
            format!("{t}（对数坐标）")
        } else {
            t.to_string()
        }));
        let (ticks, step) = if log {
            (log_ticks(lo, hi), f64::NAN)
        } else {
            nice_ticks(lo, hi, 5)
        };
        let ys = Scale {
            d0: ticks[0],
            d1: *ticks.last().unwrap_or(&1.0),
            p0: py0,
            p1: py1,
            log,
        };
        let (x0, x1) = if a == b {
            (day(a) - 1.0, day(b) + 1.0)
        } else {
            (day(a), day(b))
        };
        let xs = Scale {
            d0: x0,
            d1: x1,
            p0: px0,
            p1: px1,
            log: false,
        };
        if band_legend {
            self.draw_bands(&mut s, &xs, (x0, x1), (py0, py1));
        }
        // grid and y labels
        for &tv in &ticks {
            let y = ys.at(tv);
            let _ = write!(
                s,
                "<line x1=\"{px0}\" x2=\"{px1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e6e6e6\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>",
                px0 - 6.0,
                y + 4.0,
                self.y.tick(tv, if log { tv } else { step })
            );
        }
        // x labels
        s.push_str(&date_axis(a, b, &xs, py0, py0, "#999"));
        let _ = write!(
            s,
            "<line x1=\"{px0}\" x2=\"{px1}\" y1=\"{py0:.1}\" y2=\"{py0:.1}\" stroke=\"#999\"/>"
        );
        if let Some(r) = self.reference {
            let y = ys.at(r);
            let _ = write!(s, "<line x1=\"{px0}\" x2=\"{px1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>");
        }
        self.draw_lines(&mut s, &xs, &ys);
        s.push_str(&series_legend(&self.series, 20.0, WIDTH - mr));
        if band_legend {
            self.band_legend(&mut s, px0, h - 12.0);
        }
        s.push_str("</svg>");
        s
    }

    /// The label bands behind the plot.
    fn draw_bands(&self, s: &mut String, xs: &Scale, (x0, x1): (f64, f64), (py0, py1): (f64, f64)) {
        s.push_str("<g class=\"bands\">");
        for bd in &self.bands {
            let (u, v) = (xs.at(day(bd.from).max(x0)), xs.at(day(bd.to).min(x1)));
            if v > u {
                let _ = write!(
                    s,
                    "<rect x=\"{u:.1}\" y=\"{py1:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"{}\"><title>{} {} → {}</title></rect>",
                    v - u,
                    py0 - py1,
                    bd.color,
                    esc(&bd.label),
                    bd.from,
                    bd.to
                );
            }
        }
        s.push_str("</g>");
    }

    /// The series as paths (areas under them for filled charts), in `g.data`.
    fn draw_lines(&self, s: &mut String, xs: &Scale, ys: &Scale) {
        s.push_str("<g class=\"data\" fill=\"none\">");
        let xp: Vec<f64> = self.x.iter().map(|d| xs.at(day(*d))).collect();
        for (k, se) in self.series.iter().enumerate() {
            let c = se.colour(k);
            let segs = segments(&xp, &se.values, ys);
            if segs.is_empty() {
                continue;
            }
            if self.fill {
                let zero = ys.at(0.0);
                let mut d = String::new();
                for seg in &segs {
                    let _ = write!(d, "M{:.1},{zero:.1}", seg[0].0);
                    for (x, y) in seg {
                        let _ = write!(d, "L{x:.1},{y:.1}");
                    }
                    let _ = write!(d, "L{:.1},{zero:.1}Z", seg[seg.len() - 1].0);
                }
                let _ = write!(
                    s,
                    "<path d=\"{d}\" fill=\"{c}\" fill-opacity=\"0.22\" stroke=\"none\"/>"
                );
            }
            let mut d = String::new();
            for seg in &segs {
                for (i, (x, y)) in seg.iter().enumerate() {
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
                }
            }
            let _ = write!(
                s,
                "<path d=\"{d}\" stroke=\"{c}\" stroke-width=\"{}\"{} stroke-linejoin=\"round\"><title>{}</title></path>",
                se.width,
                if se.dashed { " stroke-dasharray=\"5 3\"" } else { "" },
                esc(&se.name)
            );
        }
        s.push_str("</g>");
    }

    /// One legend entry per distinct band label.
    fn band_legend(&self, s: &mut String, mut x: f64, y: f64) {
        let mut seen: Vec<(String, String)> = Vec::new();
        for bd in &self.bands {
            if !seen.iter().any(|(l, _)| *l == bd.label) {
                seen.push((bd.label.clone(), bd.color.clone()));
            }
        }
        for (l, c) in seen {
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{c}\" stroke=\"#bbb\"/><text x=\"{:.1}\" y=\"{y:.1}\" fill=\"#444\">{}</text>",
                y - 9.0,
                x + 18.0,
                esc(&l)
            );
            x += 32.0 + text_w(&l, 12.0);
        }
    }
}

/// Runs of finite values as pixel points (a NaN breaks the line).
fn segments(xp: &[f64], v: &[f64], ys: &Scale) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (x, y) in xp.iter().zip(v) {
        let py = ys.at(*y);
        if y.is_finite() && py.is_finite() {
            cur.push((*x, py));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Chart, Kind};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    /// The `d` attribute of the first path in the chart's data group.
    fn first_path(svg: &str) -> String {
        let data = svg.split("<g class=\"data\"").nth(1).unwrap();
        data.split("d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_gap_splits_the_line_and_points_count_finite_values() {
        let x = vec![d(2020, 1, 2), d(2020, 1, 3), d(2020, 1, 6), d(2020, 1, 7)];
        let c = LineChart::new(
            x,
            vec![Series::new("净值", vec![1.0, f64::NAN, 1.1, 1.2])],
            YFmt::Num(2),
        );
        assert_eq!(c.points(), 3);
        let svg = Chart::new("nav", "净值", Kind::Line(c)).svg();
        assert!(svg.contains("data-points=\"3\""));
        let path = first_path(&svg);
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert_eq!(path.matches('L').count(), 1, "{path}");
    }

    #[test]
    fn bands_are_drawn_inside_the_plot_with_a_legend_entry_each() {
        let x = vec![d(2020, 1, 31), d(2020, 6, 30), d(2020, 12, 31)];
        let mut c = LineChart::new(x, vec![Series::new("a", vec![1.0, 2.0, 3.0])], YFmt::Pct);
        c.bands = vec![
            Band {
                from: d(2019, 12, 1),
                to: d(2020, 6, 30),
                label: "宽货币宽信用".into(),
                color: "#fde".into(),
            },
            Band {
                from: d(2020, 6, 30),
                to: d(2021, 3, 1),
                label: "紧货币紧信用".into(),
                color: "#eee".into(),
            },
        ];
        let svg = Chart::new("x", "t", Kind::Line(c)).svg();
        assert_eq!(svg.matches("<title>宽货币宽信用").count(), 1);
        assert_eq!(svg.matches(">紧货币紧信用</text>").count(), 1);
        // clipped to the plot: no rect starts left of the axis
        for part in svg.split("<rect x=\"").skip(1) {
            let x: f64 = part.split('"').next().unwrap().parse().unwrap();
            assert!(x >= 0.0);
        }
    }

    #[test]
    fn log_axis_puts_equal_ratios_at_equal_distances() {
        let x = vec![d(2020, 1, 31), d(2021, 1, 29), d(2022, 1, 31)];
        let mut c = LineChart::new(
            x,
            vec![Series::new("nav", vec![1.0, 4.0, 16.0])],
            YFmt::Num(2),
        );
        c.log = true;
        let svg = Chart::new("n", "t", Kind::Line(c)).svg();
        let path = first_path(&svg);
        let ys: Vec<f64> = path
            .split(['M', 'L'])
            .filter(|p| !p.is_empty())
            .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert!(((ys[0] - ys[1]) - (ys[1] - ys[2])).abs() < 0.2, "{ys:?}");
        assert!(svg.contains(">10.00</text>") && svg.contains(">20.00</text>"));
    }

    #[test]
    fn empty_chart_says_no_data() {
        let c = LineChart::new(vec![], vec![], YFmt::Pct);
        let svg = Chart::new("e", "t", Kind::Line(c)).svg();
        assert!(svg.contains("data-points=\"0\"") && svg.contains("no data"));
    }
}
