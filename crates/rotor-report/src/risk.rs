//! The report of a risk model run (`rotor risk`), from its tables only:
//!
//! 1. **概览** — days, mean R², what the data could not support (the notes);
//! 2. **风格因子累计收益** — `Π(1 + f_t) − 1` of the country and style factor returns;
//! 3. **行业因子累计收益** — the same for the industry factors (relative to the market);
//! 4. **因子收益统计** — per factor: annualised mean `252·mean(f)`, annualised volatility
//!    `√252·std(f)` (ddof 1), t-statistic `mean / std · √n`;
//! 5. **R²** — the daily weighted R² and its 20-day mean;
//! 6. **暴露分布** — quantiles of each style's standardised exposure at the last date.

use crate::chart::{Chart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use chrono::NaiveDate;
use rotor_core::frame::{Column, Frame};

fn dates(f: &Frame) -> Vec<NaiveDate> {
    f.dates("date")
        .map(|d| d.iter().map(|x| x.unwrap_or_default()).collect())
        .unwrap_or_default()
}

/// `Π(1 + f) − 1` along the series (a missing day adds nothing).
fn cumulative(v: &[f64]) -> Vec<f64> {
    let mut nav = 1.0;
    v.iter()
        .map(|x| {
            if x.is_finite() {
                nav *= 1.0 + x;
            }
            nav - 1.0
        })
        .collect()
}

/// (annualised mean, annualised vol, t) of the finite values.
fn stats(v: &[f64]) -> (f64, f64, f64) {
    let x: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if x.len() < 2 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let n = x.len() as f64;
    let mu = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (252.0 * mu, 252f64.sqrt() * sd, mu / sd * n.sqrt())
}

fn cumulative_chart(id: &str, title: &str, x: &[NaiveDate], cols: &[(&String, &[f64])]) -> Block {
    let series = cols
        .iter()
        .enumerate()
        .map(|(k, (name, v))| {
            Series::new(name.as_str(), cumulative(v)).color(PALETTE[k % PALETTE.len()])
        })
        .collect();
    let mut lc = LineChart::new(x.to_vec(), series, YFmt::Pct);
    lc.reference = Some(0.0);
    lc.height = 320.0;
    Block::Chart(Chart::new(id, title, Kind::Line(lc)).png().excel())
}

/// 4. Annualised mean, volatility, t and cumulative return of every factor.
fn stats_section(factor_cols: &[(&String, &[f64])]) -> Section {
    let mut t = Table::new(
        "因子收益统计",
        "factor_stats",
        &["因子", "年化收益", "年化波动", "t 值", "累计收益"],
    );
    for (name, v) in factor_cols {
        let (m, sd, tv) = stats(v);
        t.rows.push(vec![
            Cell::text(name.as_str()),
            Cell::Pct(m),
            Cell::PctPlain(sd),
            Cell::Num(tv, 2),
            Cell::Pct(cumulative(v).last().copied().unwrap_or(f64::NAN)),
        ]);
    }
    let mut s = Section::new("stats", "因子收益统计");
    s.blocks.push(Block::Table(t));
    s
}

/// 5. The daily R² and its 20-day mean.
fn r2_section(r2: &Frame, r2v: &[f64]) -> Section {
    let ma: Vec<f64> = (0..r2v.len())
        .map(|i| {
            let w: Vec<f64> = r2v[i.saturating_sub(19)..=i]
                .iter()
                .copied()
                .filter(|x| x.is_finite())
                .collect();
            if w.is_empty() {
                f64::NAN
            } else {
                w.iter().sum::<f64>() / w.len() as f64
            }
        })
        .collect();
    let mut lc = LineChart::new(
        dates(r2),
        vec![
            Series::new("R²", r2v.to_vec()).color("#c9d3df"),
            Series::new("20 日均值", ma).color(PALETTE[0]),
        ],
        YFmt::Num(2),
    );
    lc.height = 220.0;
    let mut s = Section::new("r2", "R²");
    s.blocks.push(Block::Chart(
        Chart::new("r2", "截面回归 R²（加权）", Kind::Line(lc)).png(),
    ));
    s
}

/// The report (see the module docs): `fr` has a `date` column and one column per factor.
pub fn report(fr: &Frame, r2: &Frame, exposures: &Frame, notes: &[String]) -> Report {
    let x = dates(fr);
    let factor_cols: Vec<(&String, &[f64])> = fr
        .columns
        .iter()
        .filter_map(|(n, c)| match c {
            Column::Num(v) => Some((n, &v[..])),
            _ => None,
        })
        .collect();
    let (industry, style): (Vec<_>, Vec<_>) = factor_cols
        .iter()
        .partition(|(n, _)| n.starts_with("industry:"));
    let r2v = r2.nums("r2").unwrap_or(&[]);
    let mean_r2 = {
        let v: Vec<f64> = r2v.iter().copied().filter(|x| x.is_finite()).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let mut s = Section::new("overview", "概览");
    s.blocks.push(Block::Figures(vec![
        ("交易日".into(), x.len().to_string(), 0),
        ("平均 R²".into(), format!("{mean_r2:.3}"), 0),
        (
            "风格因子".into(),
            style.len().saturating_sub(1).to_string(),
            0,
        ),
        ("行业因子".into(), industry.len().to_string(), 0),
    ]));
    for n in notes {
        s.blocks.push(Block::Text(n.clone()));
    }
    let mut sections = vec![s];
    let mut s = Section::new("styles", "风格因子累计收益");
    s.blocks.push(cumulative_chart(
        "style_returns",
        "国家与风格因子累计收益",
        &x,
        &style,
    ));
    sections.push(s);
    if industry.len() > 1 {
        let mut s = Section::new("industries", "行业因子累计收益");
        s.blocks.push(cumulative_chart(
            "industry_returns",
            "行业因子累计收益（相对市场）",
            &x,
            &industry,
        ));
        sections.push(s);
    }
    sections.push(stats_section(&factor_cols));
    sections.push(r2_section(r2, r2v));
    let mut s = Section::new("exposures", "暴露分布");
    let mut t = crate::doc::table_of_frame(exposures, "exposures", None);
    t.title = match x.last() {
        Some(d) => format!("标准化风格暴露分位数（{d}）"),
        None => "标准化风格暴露分位数".into(),
    };
    s.blocks.push(Block::Table(t));
    sections.push(s);
    Report {
        title: "风险模型 · 因子收益与暴露".into(),
        subtitle: match (x.first(), x.last()) {
            (Some(a), Some(b)) => {
                format!("{a} → {b} · 加权最小二乘，权重 √流通市值，行业收益市值加权和为零")
            }
            _ => "没有数据".into(),
        },
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_and_stats() {
        let c = cumulative(&[0.1, f64::NAN, -0.1]);
        assert!((c[2] - (1.1 * 0.9 - 1.0)).abs() < 1e-15 && (c[1] - 0.1).abs() < 1e-15);
        let (m, sd, t) = stats(&[0.01, 0.03]);
        assert!((m - 252.0 * 0.02).abs() < 1e-12);
        // std (ddof 1) of [0.01, 0.03] = 0.01·√2; t = 0.02 / (0.01·√2) · √2 = 2
        assert!((sd - 252f64.sqrt() * 0.01 * 2f64.sqrt()).abs() < 1e-12);
        assert!((t - 2.0).abs() < 1e-12);
        assert!(stats(&[1.0]).0.is_nan());
    }
}
