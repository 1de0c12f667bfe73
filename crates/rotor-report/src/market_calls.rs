//! Report sections of the strategies that call the market rather than rank assets —
//! macro timing (SPEC §8), style rotation (§9) and the composite rotation (§10) — built
//! from the tables they leave in the run (`positions` / `signals`, `spread` /
//! `style_calls`, `composite`), like every other section: from the artifacts only.
//!
//! - **仓位** (`positions`): the position held over the next month, with the growth and
//!   liquidity strengths behind it, and the indicator table at the latest signal date
//!   (each indicator's chosen transformation, rule and polarity, its months on, win
//!   rate, volatility-adjusted return and signal — SPEC §8.1);
//! - **风格净值** (`spread`): the spread NAV `Π(1 + r_A − r_B)` and the relative NAV
//!   `(P_A/P_A,0) / (P_B/P_B,0)` of the pair, the score, and the latest monthly calls;
//! - **持有时间线** (`composite`): composite NAV against the large-cap index
//!   (both from 1), and the holding periods: each run of equal decisions with the
//!   return of the asset held over the days it was held (the day after each decision,
//!   before costs).

use crate::chart::{Chart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Section, Table};
use chrono::NaiveDate;
use rotor_core::frame::Frame;

/// Tables this module shows in sections of their own.
pub const OWN: [&str; 5] = ["positions", "signals", "spread", "style_calls", "composite"];

/// The dates of a frame's `date` column (missing dates dropped with their rows by the
/// callers' zips; the strategies write none).
fn dates(f: &Frame) -> Vec<NaiveDate> {
    f.dates("date")
        .map(|d| d.iter().map(|x| x.unwrap_or_default()).collect())
        .unwrap_or_default()
}

/// A strategy table, latest row first, under `title` (`page_rows`: see [`Table`]).
fn whole_table(f: &Frame, title: &str, page_rows: Option<usize>) -> Table {
    let mut t = crate::doc::table_of_frame(f, &f.name, page_rows);
    t.rows.reverse();
    t.title = title.into();
    t
}

/// **仓位**: the position chart and the indicator table at the latest date.
pub fn timing_section(positions: &Frame, signals: Option<&Frame>) -> Option<Section> {
    let x = dates(positions);
    if x.is_empty() {
        return None;
    }
    let mut series = Vec::new();
    for (col, name, color) in [
        ("position", "仓位", PALETTE[0]),
        ("growth", "增长维度强度", PALETTE[1]),
        ("liquidity", "流动性维度强度", PALETTE[2]),
    ] {
        if let Some(v) = positions.nums(col) {
            let s = Series::new(name, v.to_vec()).color(color);
            series.push(if col == "position" { s } else { s.dashed() });
        }
    }
    let mut lc = LineChart::new(x.clone(), series, YFmt::Pct);
    lc.height = 260.0;
    let mut s = Section::new("positions", "仓位");
    s.blocks.push(Block::Chart(
        Chart::new(
            "position",
            "择时仓位与维度强度（信号日，次月执行）",
            Kind::Line(lc),
        )
        .png()
        .excel(),
    ));
    if let Some(eq) = positions.texts("equity").and_then(|e| e.last()) {
        s.blocks
            .push(Block::Text(format!("权益资产：{eq}（仓位以外为现金）")));
    }
    if let Some(t) = signals.and_then(latest_indicator_table) {
        s.blocks.push(Block::Table(t));
    }
    s.blocks.push(Block::Table(whole_table(
        positions,
        "仓位（全部信号日）",
        Some(0),
    )));
    if let Some(f) = signals {
        s.blocks.push(Block::Table(whole_table(
            f,
            "指标信号（全部信号日与指标）",
            Some(0),
        )));
    }
    Some(s)
}

/// The signals rows of the latest date, one per indicator.
fn latest_indicator_table(f: &Frame) -> Option<Table> {
    let x = dates(f);
    let last = *x.iter().max()?;
    let text = |c: &str, i: usize| {
        f.texts(c)
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_default()
    };
    let num = |c: &str, i: usize| {
        f.nums(c)
            .and_then(|v| v.get(i).copied())
            .unwrap_or(f64::NAN)
    };
    let mut t = Table::new(
        format!("指标信号（{last}）"),
        "indicators_latest",
        &[
            "指标",
            "维度",
            "变换",
            "规则",
            "方向",
            "看多月数",
            "胜率",
            "波动调整收益",
            "信号",
        ],
    );
    for i in (0..x.len()).filter(|i| x[*i] == last) {
        let polarity = match text("polarity", i).as_str() {
            "+" => "正向",
            "-" => "反向",
            _ => "—",
        };
        t.rows.push(vec![
            Cell::text(text("indicator", i)),
            Cell::text(match text("dimension", i).as_str() {
                "growth" => "增长",
                "liquidity" => "流动性",
                other => other,
            }),
            Cell::text(text("transform", i)),
            Cell::text(text("rule", i)),
            Cell::text(polarity),
            Cell::Num(num("n_on", i), 0),
            Cell::PctPlain(num("win", i)),
            Cell::Num(num("var", i), 3),
            Cell::Num(num("signal", i), 0),
        ]);
    }
    Some(t)
}

/// **风格净值**: spread and relative NAVs, the score, the latest calls.
pub fn spread_section(spread: &Frame, calls: Option<&Frame>) -> Option<Section> {
    let x = dates(spread);
    if x.is_empty() {
        return None;
    }
    let mut series = Vec::new();
    for (col, name, color) in [
        ("spread_nav", "价差净值（逐日 r_A − r_B 累乘）", PALETTE[0]),
        ("relative_nav", "相对净值 (P_A/P_B)", PALETTE[1]),
    ] {
        if let Some(v) = spread.nums(col) {
            series.push(Series::new(name, v.to_vec()).color(color));
        }
    }
    let mut lc = LineChart::new(x.clone(), series, YFmt::Num(2));
    lc.reference = Some(1.0);
    lc.height = 300.0;
    let mut s = Section::new("spread", "风格净值");
    s.blocks.push(Block::Chart(
        Chart::new(
            "spread_nav",
            "风格价差净值与相对净值（A 相对 B）",
            Kind::Line(lc),
        )
        .png()
        .excel(),
    ));
    if let Some(v) = spread.nums("score") {
        let mut lc = LineChart::new(
            x,
            vec![Series::new("风格得分（+1 偏 A，−1 偏 B）", v.to_vec()).color(PALETTE[3])],
            YFmt::Num(1),
        );
        lc.reference = Some(0.0);
        lc.height = 180.0;
        s.blocks.push(Block::Chart(Chart::new(
            "style_score",
            "风格得分",
            Kind::Line(lc),
        )));
    }
    if let Some(c) = calls {
        s.blocks.push(Block::Table(whole_table(
            c,
            "月度风格判断（最近在前）",
            Some(24),
        )));
    }
    Some(s)
}

/// One holding period of the composite rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    /// First decision date of the run.
    pub from: NaiveDate,
    /// Last decision date of the run.
    pub to: NaiveDate,
    /// What was held (`composite`, `large`, `cash`).
    pub held: String,
    /// Days held (the days after each decision of the run).
    pub days: usize,
    /// `Π(1 + r) − 1` of the asset held over those days (before costs).
    pub ret: f64,
}

/// The holding periods of the `composite` table: a decision at the close of day i is
/// held over day i + 1, whose return is the composite's, the large-cap index's
/// (`close_{i+1} / close_i − 1`) or 0 in cash. The last decision's day is not yet in the
/// data: its run counts the days that are.
pub fn holding_periods(f: &Frame) -> Vec<Holding> {
    let x = dates(f);
    let (Some(held), Some(rc), Some(large)) = (
        f.texts("held"),
        f.nums("composite_return"),
        f.nums("large_close"),
    ) else {
        return Vec::new();
    };
    let next_return = |i: usize| -> Option<f64> {
        let j = i + 1;
        if j >= x.len() {
            return None;
        }
        Some(match held[i].as_str() {
            "composite" => rc[j],
            "large" => large[j] / large[i] - 1.0,
            _ => 0.0,
        })
    };
    let mut out: Vec<Holding> = Vec::new();
    for i in 0..x.len() {
        let r = next_return(i);
        match out.last_mut() {
            Some(h) if h.held == held[i] => {
                h.to = x[i];
                if let Some(r) = r.filter(|r| r.is_finite()) {
                    h.days += 1;
                    h.ret = (1.0 + h.ret) * (1.0 + r) - 1.0;
                }
            }
            _ => out.push(Holding {
                from: x[i],
                to: x[i],
                held: held[i].clone(),
                days: r.is_some_and(f64::is_finite) as usize,
                ret: r.filter(|r| r.is_finite()).unwrap_or(0.0),
            }),
        }
    }
    out
}

/// **持有时间线**: composite vs large-cap NAVs and the holding periods.
pub fn composite_section(f: &Frame) -> Option<Section> {
    let x = dates(f);
    if x.is_empty() {
        return None;
    }
    let mut series = Vec::new();
    if let Some(v) = f.nums("composite_nav") {
        series.push(Series::new("红利 + 微盘组合", v.to_vec()).color(PALETTE[0]));
    }
    if let Some(v) = f.nums("large_close") {
        let first = v.iter().copied().find(|p| p.is_finite() && *p > 0.0);
        if let Some(p0) = first {
            series.push(
                Series::new("大盘指数", v.iter().map(|p| p / p0).collect()).color(PALETTE[2]),
            );
        }
    }
    let mut lc = LineChart::new(x.clone(), series, YFmt::Num(2));
    lc.reference = Some(1.0);
    lc.log = true;
    lc.height = 300.0;
    lc.bands = holding_periods(f)
        .iter()
        .filter(|h| h.held != "large")
        .map(|h| crate::chart::Band {
            from: h.from,
            to: h.to,
            label: holding_name(&h.held).into(),
            color: crate::labels::band_color(&h.held),
        })
        .collect();
    let mut s = Section::new("composite", "持有时间线");
    s.blocks.push(Block::Chart(
        Chart::new(
            "composite_nav",
            "组合净值与大盘指数（阴影：持有组合或现金）",
            Kind::Line(lc),
        )
        .png()
        .excel(),
    ));
    if let (Some(rn), Some(ma)) = (f.nums("rn"), f.nums("rn_ma")) {
        let mut lc = LineChart::new(
            x,
            vec![
                Series::new("相对净值 RN", rn.to_vec()).color(PALETTE[0]),
                Series::new("RN 均线", ma.to_vec())
                    .color(PALETTE[1])
                    .dashed(),
            ],
            YFmt::Num(2),
        );
        lc.height = 220.0;
        s.blocks.push(Block::Chart(Chart::new(
            "composite_rn",
            "组合 / 大盘 相对净值与均线",
            Kind::Line(lc),
        )));
    }
    let periods = holding_periods(f);
    let mut t = Table::new(
        "持有区间（最近在前；区间收益为持有资产次日起的收益，未扣费）",
        "holdings_timeline",
        &["起始信号日", "结束信号日", "持有", "持有天数", "区间收益"],
    );
    for h in periods.iter().rev() {
        t.rows.push(vec![
            Cell::Date(h.from),
            Cell::Date(h.to),
            Cell::text(holding_name(&h.held)),
            Cell::Int(h.days as i64),
            Cell::Pct(h.ret),
        ]);
    }
    t.page_rows = Some(30);
    s.blocks.push(Block::Table(t));
    Some(s)
}

fn holding_name(code: &str) -> &str {
    match code {
        "composite" => "红利 + 微盘",
        "large" => "大盘",
        "cash" => "现金",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rotor_core::frame::Column;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn composite(held: &[&str], rc: &[f64], large: &[f64]) -> Frame {
        let days = [
            "2024-01-02",
            "2024-01-03",
            "2024-01-04",
            "2024-01-05",
            "2024-01-08",
        ];
        let n = held.len();
        Frame::new("composite")
            .with("date", Column::dates(days[..n].iter().map(|s| d(s))))
            .with("composite_return", Column::Num(rc.to_vec()))
            .with("large_close", Column::Num(large.to_vec()))
            .with(
                "held",
                Column::Text(held.iter().map(|s| s.to_string()).collect()),
            )
    }

    #[test]
    fn a_holding_earns_the_next_days_of_the_asset_held() {
        let f = composite(
            &["large", "large", "composite", "composite", "cash"],
            &[0.0, 0.5, 0.5, 0.10, -0.20],
            &[100.0, 110.0, 99.0, 99.0, 50.0],
        );
        let h = holding_periods(&f);
        assert_eq!(h.len(), 3);
        // large decided on 01-02 and 01-03: held on 01-03 (+10 %) and 01-04 (−10 %)
        assert_eq!(
            (h[0].from, h[0].to, h[0].days),
            (d("2024-01-02"), d("2024-01-03"), 2)
        );
        assert!((h[0].ret - (1.1 * 0.9 - 1.0)).abs() < 1e-12);
        // composite decided 01-04, 01-05: held on 01-05 (+10 %) and 01-08 (−20 %)
        assert!((h[1].ret - (1.1 * 0.8 - 1.0)).abs() < 1e-12);
        assert_eq!(h[1].held, "composite");
        // the last decision's day is not in the data yet
        assert_eq!((h[2].held.as_str(), h[2].days, h[2].ret), ("cash", 0, 0.0));
    }

    #[test]
    fn empty_and_one_row_tables() {
        let f = composite(&[], &[], &[]);
        assert!(holding_periods(&f).is_empty());
        assert!(composite_section(&f).is_none());
        let f = composite(&["large"], &[0.0], &[100.0]);
        let h = holding_periods(&f);
        assert_eq!((h.len(), h[0].days), (1, 0));
    }

    #[test]
    fn the_indicator_table_shows_only_the_latest_date() {
        let f = Frame::new("signals")
            .with(
                "date",
                Column::dates([d("2024-01-31"), d("2024-02-29"), d("2024-02-29")]),
            )
            .with(
                "indicator",
                Column::Text(vec!["m1".into(), "m1".into(), "ppi".into()]),
            )
            .with("signal", Column::Num(vec![0.0, 1.0, 0.0]));
        let t = latest_indicator_table(&f).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.title, "指标信号（2024-02-29）");
        assert_eq!(t.rows[1][0], Cell::text("ppi"));
    }
}
