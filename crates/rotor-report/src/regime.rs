//! The regime report (SPEC §1): the money + credit regime at each evaluation date
//! shaded behind its inputs — the monthly 10-year government bond yield and the M2 /
//! social-financing stock YoY — with the months spent in each regime and the full
//! timeline table, every row showing the inputs that decided it and when they were
//! published. It reads the run's `regime` table (written as `regime.csv`) and the rules
//! as the strategy stated them for its config.

use crate::chart::{Chart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use crate::labels::bands;
use chrono::NaiveDate;
use rotor_core::frame::Frame;
use std::collections::BTreeMap;

/// The four regimes and their Chinese names, in display order.
const REGIMES: [(&str, &str); 5] = [
    ("LL", "宽货币宽信用"),
    ("LT", "宽货币紧信用"),
    ("TL", "紧货币宽信用"),
    ("TT", "紧货币紧信用"),
    ("Undefined", "未定义"),
];

fn state(s: &str) -> &'static str {
    match s {
        "loose" => "宽",
        "tight" => "紧",
        _ => "",
    }
}

/// The columns of a regime table.
struct Cols<'a> {
    date: Vec<NaiveDate>,
    regime: &'a [String],
    zh: &'a [String],
    f: &'a Frame,
}

impl<'a> Cols<'a> {
    fn of(f: &'a Frame) -> Option<Self> {
        Some(Cols {
            date: f
                .dates("date")?
                .iter()
                .map(|d| d.unwrap_or(NaiveDate::MIN))
                .collect(),
            regime: f.texts("regime")?,
            zh: f.texts("regime_zh")?,
            f,
        })
    }
    fn num(&self, c: &str) -> Vec<f64> {
        self.f
            .nums(c)
            .map(|v| v.to_vec())
            .unwrap_or_else(|| vec![f64::NAN; self.date.len()])
    }
    fn text(&self, c: &str, i: usize) -> String {
        self.f
            .texts(c)
            .and_then(|v| v.get(i).cloned())
            .unwrap_or_default()
    }
    fn date_at(&self, c: &str, i: usize) -> Option<NaiveDate> {
        self.f.dates(c).and_then(|v| v.get(i).copied().flatten())
    }
}

fn num(x: f64, d: u8) -> Cell {
    if x.is_finite() {
        Cell::Num(x, d)
    } else {
        Cell::Empty
    }
}

/// The regime timeline as a table, newest first (`page_rows` shown in the page).
pub fn regime_table(f: &Frame, page_rows: Option<usize>) -> Table {
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
    let Some(c) = Cols::of(f) else { return t };
    let (ybar, dy, m2, tsf, cc, dc) = (
        c.num("ybar"),
        c.num("dy"),
        c.num("m2_yoy"),
        c.num("tsf"),
        c.num("c"),
        c.num("dc"),
    );
    for i in (0..c.date.len()).rev() {
        t.rows.push(vec![
            Cell::Date(c.date[i]),
            Cell::text(c.zh[i].clone()),
            Cell::text(c.regime[i].clone()),
            Cell::text(state(&c.text("money", i))),
            Cell::text(state(&c.text("credit", i))),
            num(ybar[i], 3),
            num(dy[i], 3),
            c.date_at("q_used", i)
                .map(|d| Cell::text(d.format("%Y-%m").to_string()))
                .unwrap_or(Cell::Empty),
            num(m2[i], 2),
            num(tsf[i], 2),
            num(cc[i], 2),
            num(dc[i], 2),
            Cell::text(c.text("credit_basis", i)),
            c.date_at("inputs_available_at", i)
                .map(Cell::Date)
                .unwrap_or(Cell::Empty),
        ]);
    }
    t
}

/// Build the regime report from a `regime` table and the rules text.
pub fn report(name: &str, f: &Frame, rules: &str) -> Report {
    let Some(c) = Cols::of(f) else {
        return Report {
            title: format!("{name} · 货币信用环境报告"),
            subtitle: "没有宏观环境数据".into(),
            sections: Vec::new(),
        };
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in c.regime {
        *counts.entry(r.as_str()).or_default() += 1;
    }
    let zh = |code: &str| {
        REGIMES
            .iter()
            .find(|x| x.0 == code)
            .map_or(code.to_string(), |x| x.1.to_string())
    };
    let mut s = Section::new("overview", "概览");
    let mut figs = Vec::new();
    if let Some(i) = c.date.len().checked_sub(1) {
        figs.push((format!("当前环境（{}）", c.date[i]), c.zh[i].clone(), 0));
    }
    for (code, name) in REGIMES {
        if let Some(n) = counts.get(code) {
            figs.push((format!("{name} 月数"), n.to_string(), 0));
        }
    }
    s.blocks.push(Block::Figures(figs));
    s.blocks.push(Block::Text(rules.to_string()));
    let mut sections = vec![s, inputs_section(&c)];
    let mut s = Section::new("timeline", "时间线");
    let mut t = Table::new("各环境月数", "环境统计", &["环境", "代码", "月数", "占比"]);
    let total = c.date.len().max(1) as f64;
    for (code, _) in REGIMES {
        if let Some(n) = counts.get(code) {
            t.rows.push(vec![
                Cell::text(zh(code)),
                Cell::text(code),
                Cell::Int(*n as i64),
                Cell::PctPlain(*n as f64 / total),
            ]);
        }
    }
    s.blocks.push(Block::Table(t));
    s.blocks.push(Block::Table(regime_table(f, Some(36))));
    sections.push(s);
    Report {
        title: format!("{name} · 货币信用环境报告"),
        subtitle: format!(
            "{} → {} · {} 个信号日",
            c.date.first().map(|d| d.to_string()).unwrap_or_default(),
            c.date.last().map(|d| d.to_string()).unwrap_or_default(),
            c.date.len()
        ),
        sections,
    }
}

/// The yield and credit charts with the regimes shaded.
fn inputs_section(c: &Cols<'_>) -> Section {
    let labels: Vec<(NaiveDate, Option<String>)> = c
        .date
        .iter()
        .zip(c.regime)
        .map(|(d, r)| (*d, Some(r.clone())))
        .collect();
    let names: BTreeMap<String, String> = REGIMES
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let bands = c
        .date
        .last()
        .map(|e| bands(&labels, &names, *e))
        .unwrap_or_default();
    let mut s = Section::new("inputs", "环境与输入");
    let mut lc = LineChart::new(
        c.date.clone(),
        vec![Series::new("10 年期国债收益率（月均，%）", c.num("ybar")).color(PALETTE[1])],
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
        c.date.clone(),
        vec![
            Series::new("M2 同比（%）", c.num("m2_yoy")).color(PALETTE[2]),
            Series::new("社融存量同比（%）", c.num("tsf")).color(PALETTE[0]),
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
    s
}
