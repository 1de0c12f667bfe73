//! The regime report (SPEC §1): the money + credit regime at each evaluation date
//! shaded behind its inputs — the monthly 10-year government bond yield and the M2 /
//! social-financing stock YoY — with the months spent in each regime and the full
//! timeline table, every row showing the inputs that decided it and when they were
//! published. The rules are stated in the page as configured ([`rules_zh`]), not as a
//! fixed text.

use crate::backtest::regime_bands;
use crate::chart::{Chart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use rotor_regime::{
    CreditRule, MoneyLevel, MoneyRule, Regime, RegimeConfig, RegimeRow, State, TsfProxy,
};
use std::collections::BTreeMap;

fn state(s: Option<State>) -> &'static str {
    match s {
        Some(State::Loose) => "宽",
        Some(State::Tight) => "紧",
        None => "",
    }
}

fn opt(x: Option<f64>, d: u8) -> Cell {
    x.map(|v| Cell::Num(v, d)).unwrap_or(Cell::Empty)
}

/// The regime timeline as a table, newest first (`page_rows` shown in the page).
pub fn regime_table(rows: &[RegimeRow], page_rows: Option<usize>) -> Table {
    let mut t = Table::new(
        "宏观环境时间线（最新在前；所用数据均在信号日前已公布）",
        "宏观环境",
        &[
            "日期",
            "环境",
            "代码",
            "货币",
            "信用",
            "10Y 月均",
            "Δy (pp)",
            "信用月份",
            "M2 同比",
            "社融存量同比",
            "信用指标 c",
            "Δc (pp)",
            "信用口径",
            "数据公布于",
        ],
    );
    t.page_rows = page_rows;
    for r in rows.iter().rev() {
        t.rows.push(vec![
            Cell::Date(r.date),
            Cell::text(r.regime.zh()),
            Cell::text(r.regime.code()),
            Cell::text(state(r.money)),
            Cell::text(state(r.credit)),
            opt(r.ybar, 3),
            opt(r.dy, 3),
            r.q_used
                .map(|d| Cell::text(d.format("%Y-%m").to_string()))
                .unwrap_or(Cell::Empty),
            opt(r.m2, 2),
            opt(r.tsf, 2),
            opt(r.c, 2),
            opt(r.dc, 2),
            Cell::text(r.credit_basis),
            r.inputs_available_at.map(Cell::Date).unwrap_or(Cell::Empty),
        ]);
    }
    t
}

/// The classification rules in force, in Chinese, read off the config (see the
/// rotor-regime crate docs for the formulas).
pub fn rules_zh(c: &RegimeConfig) -> String {
    let level = match c.money_level {
        MoneyLevel::MonthAvg => "月均值",
        MoneyLevel::MonthEnd => "月末值",
    };
    let money = match c.money_rule {
        MoneyRule::Delta => format!(
            "货币：10 年期国债收益率{level}较 {} 个月前下行超过 {} bp 为宽、上行超过 {} bp 为紧，其间维持前一状态",
            c.k_m, c.tau_m_bp, c.tau_m_bp
        ),
        MoneyRule::MaCross => format!(
            "货币：10 年期国债收益率{level}低于其 {} 个月均线为宽，否则为紧",
            c.ma_n
        ),
    };
    let tau = c.tau_c_pp;
    let credit = match c.credit_rule {
        CreditRule::Composite => format!(
            "信用：M2 同比与社融存量同比的均值较 {} 个月前上行超过 {tau} pp 为宽、下行超过 {tau} pp 为紧，其间维持",
            c.k_c
        ),
        CreditRule::Both => format!(
            "信用：M2 同比与社融存量同比较 {} 个月前均上行超过 {tau} pp 为宽、均下行超过 {tau} pp 为紧，其间维持",
            c.k_c
        ),
        CreditRule::Either => format!(
            "信用：M2 同比与社融存量同比较 {} 个月前变化的较大者超过 {tau} pp 为宽、低于 −{tau} pp 为紧，其间维持",
            c.k_c
        ),
    };
    let proxy = match c.tsf_proxy {
        TsfProxy::M2Only => "社融存量同比缺失时仅用 M2 同比",
        TsfProxy::Flow12Yoy => "社融存量同比缺失时以社融 12 个月滚动和的同比代替",
    };
    format!(
        "{money}；{credit}（{proxy}，见“信用口径”列）。阴影为每个信号日判定的环境，覆盖至下一信号日。"
    )
}

/// Build the regime report.
pub fn report(name: &str, rows: &[RegimeRow], rules: &RegimeConfig) -> Report {
    let mut sections = Vec::new();
    let mut s = Section::new("overview", "概览");
    let mut counts: BTreeMap<Regime, usize> = BTreeMap::new();
    for r in rows {
        *counts.entry(r.regime).or_default() += 1;
    }
    let mut figs = Vec::new();
    if let Some(r) = rows.last() {
        figs.push((
            format!("当前环境（{}）", r.date),
            r.regime.zh().to_string(),
            0,
        ));
    }
    for r in Regime::ALL {
        if let Some(n) = counts.get(&r) {
            figs.push((format!("{} 月数", r.zh()), n.to_string(), 0));
        }
    }
    s.blocks.push(Block::Figures(figs));
    s.blocks.push(Block::Text(rules_zh(rules)));
    sections.push(s);
    let dates: Vec<_> = rows.iter().map(|r| r.date).collect();
    let regs: Vec<Regime> = rows.iter().map(|r| r.regime).collect();
    let bands = dates
        .last()
        .map(|e| regime_bands(&dates, &regs, *e))
        .unwrap_or_default();
    let mut s = Section::new("inputs", "环境与输入");
    let get = |f: fn(&RegimeRow) -> Option<f64>| -> Vec<f64> {
        rows.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect()
    };
    let mut lc = LineChart::new(
        dates.clone(),
        vec![Series::new("10 年期国债收益率（月均，%）", get(|r| r.ybar)).color(PALETTE[1])],
        YFmt::Num(1),
    );
    lc.bands = bands.clone();
    lc.height = 280.0;
    s.blocks.push(Block::Chart(
        Chart::new("yield", "货币：10 年期国债收益率", Kind::Line(lc))
            .png()
            .excel(),
    ));
    let mut lc = LineChart::new(
        dates.clone(),
        vec![
            Series::new("M2 同比（%）", get(|r| r.m2)).color(PALETTE[2]),
            Series::new("社融存量同比（%）", get(|r| r.tsf)).color(PALETTE[0]),
        ],
        YFmt::Num(1),
    );
    lc.bands = bands;
    lc.height = 280.0;
    s.blocks.push(Block::Chart(
        Chart::new("credit", "信用：M2 与社融存量同比", Kind::Line(lc))
            .png()
            .excel(),
    ));
    sections.push(s);
    let mut s = Section::new("timeline", "时间线");
    let mut t = Table::new("各环境月数", "环境统计", &["环境", "代码", "月数", "占比"]);
    let total = rows.len().max(1) as f64;
    for (r, n) in &counts {
        t.rows.push(vec![
            Cell::text(r.zh()),
            Cell::text(r.code()),
            Cell::Int(*n as i64),
            Cell::PctPlain(*n as f64 / total),
        ]);
    }
    s.blocks.push(Block::Table(t));
    s.blocks.push(Block::Table(regime_table(rows, Some(36))));
    sections.push(s);
    Report {
        title: format!("{name} · 货币信用环境报告"),
        subtitle: format!(
            "{} → {} · {} 个信号日",
            dates.first().map(|d| d.to_string()).unwrap_or_default(),
            dates.last().map(|d| d.to_string()).unwrap_or_default(),
            rows.len()
        ),
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_rules_follow_the_config() {
        let d = rules_zh(&RegimeConfig::default());
        assert!(d.contains("月均值较 12 个月前下行超过 5 bp"), "{d}");
        assert!(d.contains("均值较 3 个月前上行超过 0.1 pp"), "{d}");
        assert!(d.contains("仅用 M2 同比"), "{d}");
        let c = RegimeConfig {
            money_rule: MoneyRule::MaCross,
            ma_n: 6,
            money_level: MoneyLevel::MonthEnd,
            credit_rule: CreditRule::Both,
            tsf_proxy: TsfProxy::Flow12Yoy,
            ..Default::default()
        };
        let d = rules_zh(&c);
        assert!(d.contains("月末值低于其 6 个月均线"), "{d}");
        assert!(d.contains("均上行超过"), "{d}");
        assert!(d.contains("12 个月滚动和"), "{d}");
    }
}
