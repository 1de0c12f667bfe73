//! The factor evaluation report of `rotor eval` (the charts of an alphalens tear
//! sheet, computed by rotor-eval):
//!
//! * **IC summary** per horizon: mean, std, ICIR, annualised ICIR `ICIR·√P` (P = IC
//!   observations per year), t = `ICIR·√n`, win rate — RankIC and Pearson IC.
//! * **IC over time**: per-date RankIC of the shortest horizon with its trailing moving
//!   average over `m` dates (`m` = 21 for daily signals, 13 weekly, 12 monthly, 4
//!   quarterly; the average needs `m` finite values) and the moving average of the IC.
//! * **IC histogram**: counts of the per-date RankIC in 0.05-wide bins, per horizon.
//! * **Cumulative return by quantile**: `Π(1 + r̄_{g,t})` of each group's mean forward
//!   return over the shortest horizon h, compounded over non-overlapping dates
//!   (0, h, 2h, …) as in [`rotor_eval::summary::windows`], with the equal-weight
//!   universe for reference.
//! * **Mean return by quantile** per horizon (raw; the alphalens demeaned value, group
//!   mean − universe mean, is in the table).
//! * **Turnover** of the top and bottom groups per date (alphalens `quantile_turnover`
//!   with lag = horizon).
//! * **Long-short by window** (years, YTD, All; SPEC §6.3), and by label (regime) when
//!   labels are given.

use crate::chart::{BarChart, Chart, Kind, LineChart, Series, YFmt, DOWN, PALETTE, UP};
use crate::doc::{Block, Cell, Report, Section, Table};
use chrono::NaiveDate;
use rotor_eval::summary::{self, IcSummary};
use rotor_eval::Evaluation;
use std::collections::BTreeMap;

/// Trailing moving average over `m` values (NaN until `m` finite values are in the
/// window; NaNs inside the window are skipped).
pub fn moving_average(v: &[f64], m: usize) -> Vec<f64> {
    let m = m.max(1);
    (0..v.len())
        .map(|i| {
            if i + 1 < m {
                return f64::NAN;
            }
            let w: Vec<f64> = v[i + 1 - m..=i]
                .iter()
                .copied()
                .filter(|x| x.is_finite())
                .collect();
            if w.len() < m {
                f64::NAN
            } else {
                w.iter().sum::<f64>() / m as f64
            }
        })
        .collect()
}

/// Moving-average window for a sampling frequency (periods per year).
pub fn ma_window(ppy: f64) -> usize {
    match ppy as u32 {
        252 => 21,
        52 => 13,
        12 => 12,
        _ => 4,
    }
}

fn mean(v: &[f64]) -> f64 {
    let x: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    x.iter().sum::<f64>() / x.len() as f64
}

/// Build the evaluation report. `labels` = the label (regime) of each evaluated date.
pub fn report(
    factor_name: &str,
    e: &Evaluation,
    ppy: f64,
    labels: Option<&BTreeMap<NaiveDate, String>>,
) -> Report {
    let periods = &e.config.periods;
    let q = e.config.quantiles;
    let dates: Vec<NaiveDate> = e.dates.iter().map(|d| d.date).collect();
    let mut sections = vec![summary_section(e, ppy), ic_section(e, ppy, &dates)];
    sections.extend(quantile_sections(e, ppy, &dates));
    sections.push(long_short_section(e, ppy, labels));
    Report {
        title: format!("{factor_name} · 因子评估报告"),
        subtitle: format!(
            "{} → {} · {} 个资产 · {} 个评估日 · 持有期 {} · {} 分组",
            dates.first().map(|d| d.to_string()).unwrap_or_default(),
            dates.last().map(|d| d.to_string()).unwrap_or_default(),
            e.assets.len(),
            e.dates.len(),
            periods
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("/"),
            q
        ),
        sections,
    }
}

/// IC statistics per horizon and headline figures.
fn summary_section(e: &Evaluation, ppy: f64) -> Section {
    let periods = &e.config.periods;
    let mut s = Section::new("summary", "IC 概览");
    let mut figs = Vec::new();
    let mut t = Table::new(
        "IC 统计（ICIR 年化 = ICIR·√每年期数；t = ICIR·√n）",
        "IC统计",
        &[
            "持有期",
            "类型",
            "期数",
            "均值",
            "标准差",
            "ICIR",
            "年化 ICIR",
            "t 值",
            "胜率",
        ],
    );
    for (hi, h) in periods.iter().enumerate() {
        let ric = IcSummary::of(
            &e.dates.iter().map(|d| d.rank_ic[hi]).collect::<Vec<_>>(),
            ppy,
        );
        let ic = IcSummary::of(&e.dates.iter().map(|d| d.ic[hi]).collect::<Vec<_>>(), ppy);
        figs.push((
            format!("RankIC 均值（{h} 期）"),
            format!("{:.4}", ric.mean),
            if ric.mean > 0.0 { 1 } else { -1 },
        ));
        for (kind, x) in [("RankIC", &ric), ("IC", &ic)] {
            t.rows.push(vec![
                Cell::Int(*h as i64),
                Cell::text(kind),
                Cell::Int(x.n as i64),
                Cell::Num(x.mean, 4),
                Cell::Num(x.std, 4),
                Cell::Num(x.icir, 3),
                Cell::Num(x.icir_ann, 3),
                Cell::Num(x.t_stat, 2),
                Cell::PctPlain(x.win_rate),
            ]);
        }
    }
    figs.push(("资产数".into(), e.assets.len().to_string(), 0));
    figs.push(("评估日数".into(), e.dates.len().to_string(), 0));
    s.blocks.push(Block::Figures(figs));
    s.blocks.push(Block::Table(t));
    s
}

/// RankIC over time with moving averages, and its histogram.
fn ic_section(e: &Evaluation, ppy: f64, dates: &[NaiveDate]) -> Section {
    let periods = &e.config.periods;
    let mut s = Section::new("ic", "IC 时间序列");
    let m = ma_window(ppy);
    for (hi, h) in periods.iter().enumerate().take(1) {
        let ric: Vec<f64> = e.dates.iter().map(|d| d.rank_ic[hi]).collect();
        let ic: Vec<f64> = e.dates.iter().map(|d| d.ic[hi]).collect();
        let mut raw = Series::new(format!("RankIC（{h} 期）"), ric.clone()).color("#9fb7c9");
        raw.width = 0.8;
        let lc = LineChart {
            reference: Some(0.0),
            ..LineChart::new(
                dates.to_vec(),
                vec![
                    raw,
                    Series::new(format!("RankIC {m} 期均线"), moving_average(&ric, m))
                        .color(PALETTE[0]),
                    Series::new(format!("IC {m} 期均线"), moving_average(&ic, m))
                        .color(PALETTE[1])
                        .dashed(),
                ],
                YFmt::Num(2),
            )
        };
        s.blocks.push(Block::Chart(
            Chart::new(
                &format!("ic_{h}"),
                format!("RankIC 与均线（{h} 期）"),
                Kind::Line(lc),
            )
            .png(),
        ));
    }
    s.blocks.extend(ic_histogram(e));
    s
}

/// The RankIC histogram: 0.05 bins over the observed range, one series per horizon.
fn ic_histogram(e: &Evaluation) -> Option<Block> {
    let periods = &e.config.periods;
    let (lo, hi_v) = e
        .dates
        .iter()
        .flat_map(|d| d.rank_ic.iter())
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    if lo.is_finite() {
        let w = 0.05;
        let b0 = (lo / w).floor() as i64;
        let b1 = (hi_v / w).floor() as i64;
        let nb = (b1 - b0 + 1).max(1) as usize;
        let cats: Vec<String> = (0..nb)
            .map(|k| format!("{:.2}", (b0 + k as i64) as f64 * w + w / 2.0))
            .collect();
        let series = periods
            .iter()
            .enumerate()
            .map(|(hi, h)| {
                let mut c = vec![0.0; nb];
                for d in &e.dates {
                    let x = d.rank_ic[hi];
                    if x.is_finite() {
                        let k = ((x / w).floor() as i64 - b0).clamp(0, nb as i64 - 1) as usize;
                        c[k] += 1.0;
                    }
                }
                Series::new(format!("{h} 期"), c)
            })
            .collect();
        let bc = BarChart::new(cats, series, YFmt::Num(0));
        return Some(Block::Chart(
            Chart::new("ic_hist", "RankIC 分布（区间中点，宽 0.05）", Kind::Bar(bc)).png(),
        ));
    }
    None
}

/// Cumulative NAV of each quantile group (first horizon, non-overlapping periods).
fn cumulative_chart(e: &Evaluation) -> Option<Block> {
    let (periods, q) = (&e.config.periods, e.config.quantiles);
    let &h = periods.first()?;
    {
        let picked: Vec<usize> = (0..e.dates.len()).step_by(h).collect();
        let x: Vec<NaiveDate> = picked.iter().map(|&i| e.dates[i].date).collect();
        let mut series: Vec<Series> = (0..q)
            .map(|g| {
                let mut a = 1.0;
                let v = picked
                    .iter()
                    .map(|&i| {
                        let r = e.dates[i].group_mean[0][g];
                        if r.is_finite() {
                            a *= 1.0 + r;
                        }
                        a
                    })
                    .collect();
                // bottom green, top red, middle neutral
                let colour = if g == 0 {
                    DOWN.to_string()
                } else if g + 1 == q {
                    UP.to_string()
                } else {
                    let t = g as f64 / (q - 1) as f64;
                    let c = (150.0 + 60.0 * (1.0 - (2.0 * t - 1.0).abs())) as u8;
                    format!("#{c:02x}{c:02x}{c:02x}")
                };
                Series::new(format!("Q{}", g + 1), v).color(&colour)
            })
            .collect();
        let mut a = 1.0;
        series.push(
            Series::new(
                "全市场等权",
                picked
                    .iter()
                    .map(|&i| {
                        let r = e.dates[i].ew[0];
                        if r.is_finite() {
                            a *= 1.0 + r;
                        }
                        a
                    })
                    .collect(),
            )
            .color(PALETTE[1])
            .dashed(),
        );
        let lc = LineChart {
            reference: Some(1.0),
            height: 340.0,
            ..LineChart::new(x, series, YFmt::Num(2))
        };
        Some(Block::Chart(
            Chart::new(
                "cumulative_by_quantile",
                format!("分位数组合累计净值（{h} 期持有，不重叠）"),
                Kind::Line(lc),
            )
            .png()
            .excel(),
        ))
    }
}

/// Mean returns and turnover by quantile (and the turnover section).
fn quantile_sections(e: &Evaluation, ppy: f64, dates: &[NaiveDate]) -> Vec<Section> {
    let (periods, q) = (&e.config.periods, e.config.quantiles);
    let m = ma_window(ppy);
    let mut s = Section::new("quantiles", "分位数收益");
    s.blocks.extend(cumulative_chart(e));
    let cats: Vec<String> = (1..=q).map(|g| format!("Q{g}")).collect();
    let series = periods
        .iter()
        .enumerate()
        .map(|(hi, h)| {
            Series::new(
                format!("{h} 期"),
                (0..q)
                    .map(|g| {
                        mean(
                            &e.dates
                                .iter()
                                .map(|d| d.group_mean[hi][g])
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    s.blocks.push(Block::Chart(
        Chart::new(
            "mean_by_quantile",
            "各分位数组平均远期收益（每期）",
            Kind::Bar(BarChart::new(cats, series, YFmt::Pct)),
        )
        .png(),
    ));
    let mut t = Table::new(
        "分位数组统计（去均值 = 组均值 − 全市场均值，即 alphalens 口径）",
        "分位数收益",
        &["持有期", "分位数", "平均收益", "去均值收益", "平均换手"],
    );
    let mut turnover_chart = None;
    for (hi, &h) in periods.iter().enumerate() {
        let tos = summary::turnover_by_group(e, h);
        for r in summary::quantile_summary(e, hi, &tos) {
            t.rows.push(vec![
                Cell::Int(h as i64),
                Cell::text(format!("Q{}", r.quantile)),
                Cell::Pct(r.mean_return),
                Cell::Pct(r.mean_return_demeaned),
                Cell::PctPlain(r.turnover),
            ]);
        }
        if hi == 0 {
            let lc = LineChart::new(
                dates.to_vec(),
                vec![
                    Series::new(format!("Q{q}（最高组）"), moving_average(&tos[q - 1], m))
                        .color(UP),
                    Series::new("Q1（最低组）", moving_average(&tos[0], m)).color(DOWN),
                ],
                YFmt::Pct,
            );
            turnover_chart = Some(Chart::new(
                "turnover",
                format!("分位数组换手率（{h} 期滞后，{m} 期均线）"),
                Kind::Line(lc),
            ));
        }
    }
    s.blocks.push(Block::Table(t));
    let mut v = vec![s];
    if let Some(c) = turnover_chart {
        let mut s = Section::new("turnover", "换手率");
        s.blocks.push(Block::Chart(c.png()));
        v.push(s);
    }
    v
}

/// Long-short, long and long excess over windows, and by label.
fn long_short_section(
    e: &Evaluation,
    ppy: f64,
    labels: Option<&BTreeMap<NaiveDate, String>>,
) -> Section {
    let periods = &e.config.periods;
    let mut s = Section::new("long_short", "多空收益");
    let mut t = Table::new(
        "多空与多头（不重叠持有期复利；多头超额 = 多头累计 − 全市场累计）",
        "多空收益",
        &[
            "区间",
            "持有期",
            "期数",
            "RankIC 均值",
            "IC 均值",
            "多空收益",
            "多头收益",
            "多头超额",
            "全市场",
        ],
    );
    for hi in 0..periods.len() {
        for r in summary::windows(e, hi) {
            t.rows.push(vec![
                Cell::text(r.window.clone()),
                Cell::Int(r.period as i64),
                Cell::Int(r.n as i64),
                Cell::Num(r.rank_ic_mean, 4),
                Cell::Num(r.ic_mean, 4),
                Cell::Pct(r.long_short),
                Cell::Pct(r.long),
                Cell::Pct(r.long_excess),
                Cell::Pct(r.universe),
            ]);
        }
    }
    s.blocks.push(Block::Table(t));
    if let Some(labels) = labels {
        let mut t = Table::new(
            "按标签（环境）分组，标签取信号日当日或之前最近一期",
            "按标签",
            &[
                "标签",
                "持有期",
                "期数",
                "RankIC 均值",
                "RankIC ICIR",
                "RankIC 胜率",
                "多空收益",
                "多头超额",
            ],
        );
        for r in summary::by_label(e, labels, ppy) {
            t.rows.push(vec![
                Cell::text(r.label.clone()),
                Cell::Int(r.period as i64),
                Cell::Int(r.window.n as i64),
                Cell::Num(r.rank_ic.mean, 4),
                Cell::Num(r.rank_ic.icir, 3),
                Cell::PctPlain(r.rank_ic.win_rate),
                Cell::Pct(r.window.long_short),
                Cell::Pct(r.window.long_excess),
            ]);
        }
        s.blocks.push(Block::Table(t));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_waits_for_a_full_window() {
        let m = moving_average(&[1.0, 2.0, 3.0, f64::NAN, 5.0, 6.0], 2);
        assert!(m[0].is_nan());
        assert_eq!(m[1], 1.5);
        assert_eq!(m[2], 2.5);
        assert!(m[3].is_nan() && m[4].is_nan());
        assert_eq!(m[5], 5.5);
    }
}
