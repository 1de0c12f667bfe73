//! Reports of the fund analyses (`rotor funds`), from their tables:
//!
//! * alpha — the month-end median of the funds' rolling annualised alpha (a line, with
//!   the number of funds), and the yearly means;
//! * enhanced — per benchmark index and year, the distribution of the funds' excess
//!   returns (`fund − benchmark`): minimum, lower quartile, median, upper quartile,
//!   maximum (quartiles by linear interpolation, as NumPy's default), and the medians as
//!   lines over years.

use crate::chart::{Chart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use chrono::{Datelike, NaiveDate};
use rotor_core::frame::Frame;
use std::collections::BTreeMap;

/// Quantile `q` of sorted values by linear interpolation (NaN when empty).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The alpha report from `alpha_median` (month, median_alpha_ann, funds).
pub fn alpha_report(median: &Frame, title: &str, notes: &[String]) -> Report {
    let dates: Vec<NaiveDate> = median
        .dates("month")
        .map(|d| d.iter().map(|x| x.unwrap_or_default()).collect())
        .unwrap_or_default();
    let v = median.nums("median_alpha_ann").unwrap_or(&[]).to_vec();
    let mut lc = LineChart::new(
        dates.clone(),
        vec![Series::new("年化 alpha 中位数", v.clone()).color(PALETTE[0])],
        YFmt::Pct,
    );
    lc.reference = Some(0.0);
    lc.height = 300.0;
    let mut s = Section::new("alpha", "主动基金滚动 alpha");
    s.blocks.push(Block::Chart(
        Chart::new(
            "median_alpha",
            "滚动 250 日年化 alpha 的截面中位数（月末）",
            Kind::Line(lc),
        )
        .png()
        .excel(),
    ));
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for (d, x) in dates.iter().zip(&v) {
        if x.is_finite() {
            by_year.entry(d.year()).or_default().push(*x);
        }
    }
    let mut t = Table::new(
        "年度均值（月末中位数的平均）",
        "alpha_by_year",
        &["年份", "alpha 中位数", "月数"],
    );
    for (y, x) in &by_year {
        t.rows.push(vec![
            Cell::Int(*y as i64),
            Cell::Pct(x.iter().sum::<f64>() / x.len() as f64),
            Cell::Int(x.len() as i64),
        ]);
    }
    s.blocks.push(Block::Table(t));
    for n in notes {
        s.blocks.push(Block::Text(n.clone()));
    }
    Report {
        title: title.into(),
        subtitle: format!("{} 个月末", dates.len()),
        sections: vec![s],
    }
}

/// The enhanced-fund report from `enhanced_excess` (fund, benchmark, year, …, excess).
pub fn enhanced_report(
    excess: &Frame,
    exposures: Option<&Frame>,
    title: &str,
    notes: &[String],
) -> Report {
    let (Some(b), Some(y), Some(e)) = (
        excess.texts("benchmark"),
        excess.get("year"),
        excess.nums("excess"),
    ) else {
        return Report {
            title: title.into(),
            subtitle: "没有数据".into(),
            sections: Vec::new(),
        };
    };
    let years: Vec<i64> = match y {
        rotor_core::frame::Column::Int(v) => v.clone(),
        _ => Vec::new(),
    };
    let mut groups: BTreeMap<(String, i64), Vec<f64>> = BTreeMap::new();
    for ((b, y), e) in b.iter().zip(&years).zip(e) {
        if e.is_finite() {
            groups.entry((b.clone(), *y)).or_default().push(*e);
        }
    }
    let mut t = Table::new(
        "超额收益分布（基金 − 基准）",
        "excess_distribution",
        &[
            "基准",
            "年份",
            "基金数",
            "最小",
            "25%",
            "中位数",
            "75%",
            "最大",
        ],
    );
    let mut lines: BTreeMap<String, BTreeMap<i64, f64>> = BTreeMap::new();
    for ((bm, yr), v) in &mut groups {
        v.sort_by(f64::total_cmp);
        let med = quantile(v, 0.5);
        lines.entry(bm.clone()).or_default().insert(*yr, med);
        t.rows.push(vec![
            Cell::text(bm.clone()),
            Cell::Int(*yr),
            Cell::Int(v.len() as i64),
            Cell::Pct(v[0]),
            Cell::Pct(quantile(v, 0.25)),
            Cell::Pct(med),
            Cell::Pct(quantile(v, 0.75)),
            Cell::Pct(v[v.len() - 1]),
        ]);
    }
    let all_years: Vec<i64> = lines
        .values()
        .flat_map(|m| m.keys().copied())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let x: Vec<NaiveDate> = all_years
        .iter()
        .map(|y| NaiveDate::from_ymd_opt(*y as i32, 12, 31).expect("date"))
        .collect();
    let series = lines
        .iter()
        .enumerate()
        .map(|(k, (bm, m))| {
            Series::new(
                bm.clone(),
                all_years
                    .iter()
                    .map(|y| m.get(y).copied().unwrap_or(f64::NAN))
                    .collect(),
            )
            .color(PALETTE[k % PALETTE.len()])
        })
        .collect();
    let mut lc = LineChart::new(x, series, YFmt::Pct);
    lc.reference = Some(0.0);
    lc.height = 280.0;
    let mut s = Section::new("enhanced", "指数增强基金超额收益");
    s.blocks.push(Block::Chart(
        Chart::new(
            "median_excess",
            "各基准指增基金年度超额收益中位数",
            Kind::Line(lc),
        )
        .png()
        .excel(),
    ));
    s.blocks.push(Block::Table(t));
    for n in notes {
        s.blocks.push(Block::Text(n.clone()));
    }
    let mut sections = vec![s];
    sections.extend(exposures.and_then(exposure_section));
    Report {
        title: title.into(),
        subtitle: format!("{} 组（基准 × 年份）", groups.len()),
        sections,
    }
}

/// Box-plot statistics of the funds' yearly style exposures per benchmark, factor and
/// year, with the cross-fund mean.
fn exposure_section(f: &Frame) -> Option<Section> {
    let (b, fa, x) = (
        f.texts("benchmark")?,
        f.texts("factor")?,
        f.nums("exposure")?,
    );
    let years: Vec<i64> = match f.get("year")? {
        rotor_core::frame::Column::Int(v) => v.clone(),
        _ => return None,
    };
    let mut groups: BTreeMap<(String, String, i64), Vec<f64>> = BTreeMap::new();
    for i in 0..x.len() {
        if x[i].is_finite() {
            groups
                .entry((b[i].clone(), fa[i].clone(), years[i]))
                .or_default()
                .push(x[i]);
        }
    }
    let mut t = Table::new(
        "风格暴露分布（超额收益对风格因子收益回归，按年）",
        "style_exposures",
        &[
            "基准",
            "因子",
            "年份",
            "基金数",
            "均值",
            "最小",
            "25%",
            "中位数",
            "75%",
            "最大",
        ],
    );
    for ((bm, fac, yr), v) in &mut groups {
        v.sort_by(f64::total_cmp);
        t.rows.push(vec![
            Cell::text(bm.clone()),
            Cell::text(fac.clone()),
            Cell::Int(*yr),
            Cell::Int(v.len() as i64),
            Cell::Num(v.iter().sum::<f64>() / v.len() as f64, 3),
            Cell::Num(v[0], 3),
            Cell::Num(quantile(v, 0.25), 3),
            Cell::Num(quantile(v, 0.5), 3),
            Cell::Num(quantile(v, 0.75), 3),
            Cell::Num(v[v.len() - 1], 3),
        ]);
    }
    t.page_rows = Some(60);
    let mut s = Section::new("exposures", "指增基金风格暴露");
    s.blocks.push(Block::Table(t));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rotor_core::frame::Column;

    #[test]
    fn quartiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&[5.0], 0.75), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn the_enhanced_report_groups_by_benchmark_and_year() {
        let f = Frame::new("enhanced_excess")
            .with(
                "benchmark",
                Column::Text(vec!["A".into(), "A".into(), "B".into()]),
            )
            .with("year", Column::Int(vec![2024, 2024, 2024]))
            .with("excess", Column::Num(vec![0.01, -0.03, 0.02]));
        let r = enhanced_report(&f, None, "t", &[]);
        let Block::Table(t) = &r.sections[0].blocks[1] else {
            panic!("table")
        };
        assert_eq!(t.rows.len(), 2);
        assert!((t.rows[0][5].value() + 0.01).abs() < 1e-15);
        assert_eq!(t.rows[0][2], Cell::Int(2));
    }
}
