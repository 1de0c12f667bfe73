//! The backtest report of a run, built from its artifacts only
//! ([`rotor_engine::artifacts::RunArtifacts`]) — it works for every registered strategy
//! and never calls the code that made the run.
//!
//! Sections, in the order a rotation note reads:
//! 1. **概览** — headline figures and the statistics of every series (SPEC §5.4);
//! 2. **净值** — NAV of the strategy (net of costs; gross dashed), equal weight and the
//!    market benchmark, `NAV_t = Π_{s ≤ t}(1 + r_s)`, with the strategy's label at each
//!    signal date (the regime) shaded over the holding period that follows it; a
//!    logarithmic axis when the NAVs span more than ×4;
//! 3. **回撤** — drawdown `NAV_t / max(1, max_{s ≤ t} NAV_s) − 1` of strategy and benchmark;
//! 4. **相对净值** — relative NAV `NAV^rot_t / NAV^b_t` (the `Ratio` convention, SPEC §0.3);
//! 5. **年度收益** — the yearly table of SPEC §5.2 (excess = difference; partial years
//!    labelled with their months) and its bars;
//! 6. **月度收益** — strategy return per calendar month, red up / green down;
//! 7. **持仓与换手** — what was held at each rebalance, recent rebalances, turnover;
//! 8. **因子分环境** — RankIC by label of every factor (`factor_by_regime` table);
//! 9. **分位数收益** — quintile returns of the score by label (`quantiles_by_regime`);
//! 10. **仓位 / 风格净值 / 持有时间线** — the sections of the market-call strategies
//!     (timing, style, composite rotation: [`crate::market_calls`]);
//! 10. **本期推荐** — the ranked list (or target weights) at the last signal date;
//! 11. **宏观环境** — the latest regime rows (`regime` table); any other strategy table;
//! 12. **配置** — the resolved strategy file.

use crate::chart::{Band, BarChart, Chart, GridChart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use crate::labels::{bands, bar_color};
use chrono::{Datelike, NaiveDate};
use rotor_core::frame::{Column, Frame};
use rotor_engine::artifacts::{strategy_label, RunArtifacts};
use rotor_engine::perf::SeriesKind;
use rotor_metrics::stats::drawdown::{drawdown_path, nav_path};
use std::collections::BTreeMap;

/// Strategy tables the report shows in sections of their own (the rest get a generic
/// table section, except the ones listed as tables only).
const OWN_SECTIONS: [&str; 4] = [
    "factor_by_regime",
    "score_quantiles_by_label",
    "regime",
    "score_by_label",
];
const TABLES_ONLY: [&str; 1] = ["factor_availability"];

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.2}%", 100.0 * x)
    } else {
        "—".into()
    }
}

/// Chinese name of a factor row: a family (`family:valuation` → 估值), the composite
/// (综合得分), or the sub-factor id as given.
fn factor_zh(name: &str) -> String {
    const FAMILIES: [(&str, &str); 5] = [
        ("valuation", "估值"),
        ("fundamental", "基本面景气改善"),
        ("analyst", "分析师预期"),
        ("flow", "资金流"),
        ("momentum", "动量延续性"),
    ];
    let n = name.strip_prefix("family:").unwrap_or(name);
    match FAMILIES.iter().find(|(k, _)| *k == n) {
        Some((_, zh)) => zh.to_string(),
        None if n == "composite" => "综合得分".into(),
        None => n.into(),
    }
}

/// Build the backtest report of a run.
pub fn report(a: &RunArtifacts) -> Report {
    let last_day = a
        .perf
        .as_ref()
        .and_then(|p| p.days().last().copied())
        .or_else(|| a.labels.last().map(|x| x.0));
    let bands = last_day
        .map(|e| bands(&a.labels, &a.label_names, e))
        .unwrap_or_default();
    let mut sections = vec![overview(a)];
    if let Some(p) = &a.perf {
        sections.push(nav_section(a, p, &bands));
        sections.push(drawdown_section(a, p));
        sections.extend(relative_section(a, p, &bands));
        sections.extend(yearly_section(a));
        sections.push(monthly_section(p));
    }
    sections.extend(holdings_section(a, last_day));
    sections.extend(
        a.frame("factor_by_regime")
            .and_then(|f| factor_section(a, f)),
    );
    if a.frame("factor_by_regime").is_none() {
        sections.extend(a.frame("score_by_label").and_then(|f| score_section(a, f)));
    }
    sections.extend(
        a.frame("score_quantiles_by_label")
            .and_then(|f| quantile_section(a, f)),
    );
    sections.extend(market_call_sections(a));
    sections.push(recommendation_section(a));
    if let Some(f) = a.frame("regime") {
        let mut s = Section::new(
            "regime",
            a.label_title.clone().unwrap_or_else(|| "宏观环境".into()),
        );
        s.blocks
            .push(Block::Table(crate::regime::regime_table(f, Some(24))));
        sections.push(s);
    }
    for f in a.frames.iter().filter(|f| {
        !OWN_SECTIONS.contains(&f.name.as_str())
            && !TABLES_ONLY.contains(&f.name.as_str())
            && !crate::market_calls::OWN.contains(&f.name.as_str())
    }) {
        sections.push(frame_section(f));
    }
    let mut s = Section::new("config", "配置");
    s.blocks.push(Block::Pre(a.config_toml.clone()));
    sections.push(s);
    let sm = &a.summary;
    Report {
        title: format!("{} · 回测报告", a.name),
        subtitle: format!(
            "{} → {} · {} 个月 · 策略 {} · 前 {} 名 · 单边费率 {} bp · 基准 {}",
            sm.start
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            sm.end.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            sm.months,
            a.kind,
            a.top_n,
            a.cost_bps,
            a.benchmark.1
        ),
        sections,
    }
}

/// 1. Headline figures, series and excess statistics, notes.
fn overview(a: &RunArtifacts) -> Section {
    let sm = &a.summary;
    let mut s = Section::new("overview", "概览");
    let find = |k: SeriesKind| sm.series.iter().find(|x| x.name == k);
    let ex = |k: SeriesKind| sm.excess.iter().find(|x| x.benchmark == k);
    let mut figs = Vec::new();
    if let Some(x) = find(SeriesKind::Strategy) {
        figs.push(("年化收益（扣费）".to_string(), pct(x.cagr), sign(x.cagr)));
        figs.push(("累计收益".into(), pct(x.total_return), sign(x.total_return)));
        figs.push(("最大回撤".into(), pct(x.max_drawdown), -1));
        figs.push(("夏普比率".into(), format!("{:.2}", x.sharpe), 0));
    }
    if let Some(e) = ex(SeriesKind::EqualWeight) {
        figs.push((
            "年化超额（vs 等权）".into(),
            pct(e.annualised_excess),
            sign(e.annualised_excess),
        ));
    }
    if let Some(e) = ex(SeriesKind::Benchmark) {
        figs.push((
            format!("年化超额（vs {}）", a.benchmark.1),
            pct(e.annualised_excess),
            sign(e.annualised_excess),
        ));
        figs.push(("月度胜率（vs 基准）".into(), pct(e.monthly_win_rate), 0));
        figs.push(("信息比率".into(), format!("{:.2}", e.information_ratio), 0));
    }
    figs.push(("平均双边换手（每次调仓）".into(), pct(sm.avg_turnover), 0));
    figs.push(("调仓次数".into(), sm.rebalances.to_string(), 0));
    if let Some(Some(l)) = a.labels.last().map(|x| &x.1) {
        figs.push((
            format!(
                "当前{}",
                a.label_title.clone().unwrap_or_else(|| "标签".into())
            ),
            a.label_name(l),
            0,
        ));
    }
    s.blocks.push(Block::Figures(figs));
    let mut t = Table::new(
        "各序列统计（月度收益，年化 A = 12；回撤取日度净值）",
        "统计",
        &[
            "序列",
            "累计收益",
            "年化收益",
            "年化波动",
            "夏普",
            "最大回撤",
        ],
    );
    for x in &sm.series {
        t.rows.push(vec![
            Cell::text(a.series_name(x.name)),
            Cell::Pct(x.total_return),
            Cell::Pct(x.cagr),
            Cell::PctPlain(x.volatility),
            Cell::Num(x.sharpe, 2),
            Cell::PctPlain(x.max_drawdown),
        ]);
    }
    s.blocks.push(Block::Table(t));
    let mut t = Table::new(
        "超额统计（超额 = 年化收益之差；超额回撤取相对净值）",
        "超额统计",
        &[
            "相对于",
            "年化超额",
            "超额最大回撤",
            "跟踪误差",
            "信息比率",
            "月度胜率",
        ],
    );
    for e in &sm.excess {
        t.rows.push(vec![
            Cell::text(a.series_name(e.benchmark)),
            Cell::Pct(e.annualised_excess),
            Cell::PctPlain(e.excess_max_drawdown),
            Cell::PctPlain(e.tracking_error),
            Cell::Num(e.information_ratio, 2),
            Cell::PctPlain(e.monthly_win_rate),
        ]);
    }
    s.blocks.push(Block::Table(t));
    for n in &a.notes {
        s.blocks.push(Block::Text(format!("注：{}", n.text)));
    }
    s
}

/// 2. NAVs with label shading.
fn nav_section(a: &RunArtifacts, p: &rotor_engine::perf::Perf, bands: &[Band]) -> Section {
    let nav = |k: SeriesKind| p.returns(k).map(nav_path);
    let mut series = Vec::new();
    if let Some(v) = nav(SeriesKind::Strategy) {
        series.push(Series::new(strategy_label(&a.kind), v).color(PALETTE[0]));
    }
    if let Some(v) = nav(SeriesKind::StrategyGross) {
        series.push(
            Series::new(format!("{}（费前）", strategy_label(&a.kind)), v)
                .color("#e08c8a")
                .dashed(),
        );
    }
    if let Some(v) = nav(SeriesKind::EqualWeight) {
        series.push(Series::new("等权组合", v).color(PALETTE[1]));
    }
    if let Some(v) = nav(SeriesKind::Benchmark) {
        series.push(Series::new(a.benchmark.1.clone(), v).color(PALETTE[2]));
    }
    let mut lc = LineChart::new(p.days().to_vec(), series, YFmt::Num(2));
    lc.bands = bands.to_vec();
    lc.reference = Some(1.0);
    lc.height = 340.0;
    lc.log = true; // only when the NAVs span more than ×4
    let title = match &a.label_title {
        Some(t) => format!("策略净值与{t}"),
        None => "策略净值".into(),
    };
    let mut s = Section::new("nav", "净值");
    s.blocks.push(Block::Chart(
        Chart::new("nav", title, Kind::Line(lc)).png().excel(),
    ));
    s
}

/// 3. Drawdown of strategy and benchmark.
fn drawdown_section(a: &RunArtifacts, p: &rotor_engine::perf::Perf) -> Section {
    let dd = |k: SeriesKind| p.returns(k).map(|r| drawdown_path(&nav_path(r)));
    let mut series = Vec::new();
    if let Some(v) = dd(SeriesKind::Strategy) {
        series.push(Series::new(strategy_label(&a.kind), v).color(PALETTE[0]));
    }
    if let Some(v) = dd(SeriesKind::Benchmark) {
        series.push(Series::new(a.benchmark.1.clone(), v).color(PALETTE[2]));
    }
    let mut lc = LineChart::new(p.days().to_vec(), series, YFmt::Pct);
    lc.fill = true;
    lc.height = 240.0;
    let mut s = Section::new("drawdown", "回撤");
    s.blocks.push(Block::Chart(
        Chart::new("drawdown", "回撤", Kind::Line(lc)).png().excel(),
    ));
    s
}

/// 4. Relative NAV against equal weight and the benchmark.
fn relative_section(
    a: &RunArtifacts,
    p: &rotor_engine::perf::Perf,
    bands: &[Band],
) -> Option<Section> {
    let strat = nav_path(p.returns(SeriesKind::Strategy)?);
    let mut series = Vec::new();
    for (k, name, color) in [
        (
            SeriesKind::EqualWeight,
            format!("{} / 等权", strategy_label(&a.kind)),
            PALETTE[1],
        ),
        (
            SeriesKind::Benchmark,
            format!("{} / {}", strategy_label(&a.kind), a.benchmark.1),
            PALETTE[2],
        ),
    ] {
        if let Some(r) = p.returns(k) {
            let b = nav_path(r);
            series.push(
                Series::new(name, strat.iter().zip(&b).map(|(x, y)| x / y).collect()).color(color),
            );
        }
    }
    if series.is_empty() {
        return None;
    }
    let mut lc = LineChart::new(p.days().to_vec(), series, YFmt::Num(2));
    lc.reference = Some(1.0);
    lc.bands = bands.to_vec();
    lc.height = 280.0;
    let mut s = Section::new("excess", "相对净值");
    s.blocks.push(Block::Chart(
        Chart::new("relative_nav", "相对净值（超额）", Kind::Line(lc))
            .png()
            .excel(),
    ));
    Some(s)
}

/// 5. The yearly table and its bars.
fn yearly_section(a: &RunArtifacts) -> Option<Section> {
    let y = &a.yearly;
    if y.rows.is_empty() {
        return None;
    }
    let mut t = Table::new(
        "分年度收益（不完整年份注明所含月份；年化行 = 全样本年化，超额为收益率之差）",
        "年度收益",
        &y.zh.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for r in &y.rows {
        let mut row = vec![Cell::text(r.label.clone())];
        row.extend(r.returns.iter().chain(&r.excess).map(|x| Cell::Pct(*x)));
        t.rows.push(row);
    }
    let years: Vec<_> = y.rows.iter().filter(|r| r.label != "年化").collect();
    let n_series = years.first().map_or(0, |r| r.returns.len());
    let series = (0..n_series)
        .map(|k| {
            Series::new(
                y.zh[1 + k].trim_end_matches("收益率"),
                years.iter().map(|r| r.returns[k]).collect(),
            )
        })
        .collect();
    let bc = BarChart::new(
        years.iter().map(|r| r.label.clone()).collect(),
        series,
        YFmt::Pct,
    );
    let mut s = Section::new("yearly", "年度收益");
    s.blocks.push(Block::Chart(
        Chart::new("yearly", "分年度收益", Kind::Bar(bc)).png(),
    ));
    s.blocks.push(Block::Table(t));
    Some(s)
}

/// 6. Monthly heat map of the strategy's net returns.
fn monthly_section(p: &rotor_engine::perf::Perf) -> Section {
    let r = p.returns(SeriesKind::Strategy).unwrap_or(&[]);
    let mm =
        rotor_metrics::stats::yearly::monthly_matrix(&p.days()[1..], r.get(1..).unwrap_or(&[]));
    let mut headers = vec!["年份".to_string()];
    headers.extend((1..=12).map(|m| format!("{m}月")));
    headers.push("全年".into());
    let mut t = Table {
        title: "轮动组合月度收益（扣费）".into(),
        sheet: "月度收益".into(),
        headers,
        rows: Vec::new(),
        heat: true,
        page_rows: None,
    };
    for (y, months) in &mm {
        let mut row = vec![Cell::text(y.to_string())];
        row.extend(months.iter().map(|x| Cell::Pct(*x)));
        let total = months
            .iter()
            .filter(|x| x.is_finite())
            .fold(1.0, |a, x| a * (1.0 + x))
            - 1.0;
        row.push(Cell::Pct(total));
        t.rows.push(row);
    }
    let mut s = Section::new("monthly", "月度收益");
    s.blocks.push(Block::Table(t));
    s
}

/// 7. Holdings grid, turnover bars, recent rebalances and the full holdings table.
fn holdings_section(a: &RunArtifacts, last_day: Option<NaiveDate>) -> Option<Section> {
    if a.holdings.is_empty() {
        return None;
    }
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    for h in &a.holdings {
        for p in &h.picks {
            held.entry(p.asset.clone()).or_default();
        }
    }
    for (k, v) in held.values_mut().enumerate() {
        *v = k;
    }
    let x: Vec<NaiveDate> = a.holdings.iter().map(|h| h.exec).collect();
    let cells = a
        .holdings
        .iter()
        .enumerate()
        .flat_map(|(c, h)| h.picks.iter().map(move |p| (p, c)))
        .map(|(p, c)| (held[&p.asset], c, p.weight))
        .collect();
    let end = last_day.unwrap_or_else(|| *x.last().unwrap_or(&NaiveDate::MIN));
    let exec_labels: Vec<(NaiveDate, Option<String>)> = a
        .holdings
        .iter()
        .map(|h| (h.exec, h.label.clone()))
        .collect();
    let g = GridChart {
        x: x.clone(),
        rows: held.keys().cloned().collect(),
        cells,
        bands: bands(&exec_labels, &a.label_names, end),
        color: PALETTE[0].into(),
    };
    let mut s = Section::new("holdings", "持仓与换手");
    s.blocks.push(Block::Chart(
        Chart::new(
            "holdings",
            "持仓（深色 = 权重高；顶部色条 = 标签）",
            Kind::Grid(g),
        )
        .png(),
    ));
    let bc = BarChart::new(
        x.iter()
            .map(|d| format!("{}-{:02}", d.year(), d.month()))
            .collect(),
        vec![
            Series::new("双边换手", a.holdings.iter().map(|h| h.turnover).collect())
                .color(PALETTE[3]),
        ],
        YFmt::Pct,
    );
    s.blocks.push(Block::Chart(
        Chart::new("turnover", "每次调仓双边换手率", Kind::Bar(bc)).png(),
    ));
    s.blocks.push(Block::Table(recent_rebalances(a)));
    s.blocks.push(Block::Table(holdings_table(a)));
    Some(s)
}

fn recent_rebalances(a: &RunArtifacts) -> Table {
    let label = a.label_title.clone().unwrap_or_else(|| "标签".into());
    let mut t = Table::new(
        "最近调仓（信号日 t 收盘计算，执行日收盘成交；最新在前）",
        "调仓",
        &[
            "信号日",
            "执行日",
            &label,
            "可选数",
            "持仓（资产 → 交易标的）",
            "双边换手",
        ],
    );
    for h in a.holdings.iter().rev() {
        let picks: Vec<String> = h
            .picks
            .iter()
            .map(|p| {
                if p.instrument == p.asset {
                    p.asset.clone()
                } else {
                    format!("{} → {}", p.asset, p.instrument)
                }
            })
            .collect();
        t.rows.push(vec![
            Cell::Date(h.signal),
            Cell::Date(h.exec),
            Cell::text(
                h.label
                    .as_deref()
                    .map(|l| a.label_name(l))
                    .unwrap_or_default(),
            ),
            Cell::Int(h.n_eligible as i64),
            Cell::text(picks.join("、")),
            Cell::PctPlain(h.turnover),
        ]);
    }
    t.page_rows = Some(12);
    t
}

fn holdings_table(a: &RunArtifacts) -> Table {
    let label = a.label_title.clone().unwrap_or_else(|| "标签".into());
    let mut t = Table::new(
        "持仓明细（每个调仓日每个持仓一行）",
        "持仓",
        &[
            "信号日",
            "执行日",
            &label,
            "可选数",
            "排名",
            "资产",
            "交易标的",
            "权重",
            "得分",
            "双边换手",
        ],
    );
    for h in a.holdings.iter().rev() {
        for p in &h.picks {
            t.rows.push(vec![
                Cell::Date(h.signal),
                Cell::Date(h.exec),
                Cell::text(
                    h.label
                        .as_deref()
                        .map(|l| a.label_name(l))
                        .unwrap_or_default(),
                ),
                Cell::Int(h.n_eligible as i64),
                Cell::Int(p.rank as i64),
                Cell::text(p.asset.clone()),
                Cell::text(p.instrument.clone()),
                Cell::PctPlain(p.weight),
                Cell::Num(p.score, 3),
                Cell::PctPlain(h.turnover),
            ]);
        }
    }
    t.page_rows = Some(0);
    t
}

/// Label order of a by-label table: `All` first, then as they appear.
fn label_order(f: &Frame, col: &str) -> Vec<String> {
    let mut v: Vec<String> = vec!["All".into()];
    for l in f.texts(col).unwrap_or(&[]) {
        if !v.contains(l) {
            v.push(l.clone());
        }
    }
    v
}

/// 8. RankIC of families and the composite by label, and the full table.
fn factor_section(a: &RunArtifacts, f: &Frame) -> Option<Section> {
    let (fac, reg, n) = (f.texts("factor")?, f.texts("regime")?, f.n_rows());
    if n == 0 {
        return None;
    }
    let get = |c: &str| f.nums(c).unwrap_or(&[]).to_vec();
    let (ic, icir, win, tmb) = (
        get("ic_mean"),
        get("icir"),
        get("win_rate"),
        get("top_minus_bottom"),
    );
    let find = |factor: &str, label: &str| (0..n).find(|&i| fac[i] == factor && reg[i] == label);
    let mut names: Vec<String> = Vec::new();
    for x in fac {
        if !names.contains(x) {
            names.push(x.clone());
        }
    }
    // families and the composite first, then the sub-factors
    names.sort_by_key(|n| {
        (
            !(n.starts_with("family:") || n == "composite"),
            n == "composite",
        )
    });
    let fams: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("family:") || *n == "composite")
        .collect();
    let labels = label_order(f, "regime");
    let name_of = |l: &str| {
        if l == "All" {
            "全样本".to_string()
        } else {
            a.label_name(l)
        }
    };
    let series = labels
        .iter()
        .map(|l| {
            Series::new(
                name_of(l),
                fams.iter()
                    .map(|x| find(x, l).map_or(f64::NAN, |i| ic[i]))
                    .collect(),
            )
            .color(bar_color(l))
        })
        .collect();
    let bc = BarChart::new(
        fams.iter().map(|x| factor_zh(x)).collect(),
        series,
        YFmt::Num(2),
    );
    let mut s = Section::new("factors", "因子分环境");
    s.blocks.push(Block::Chart(
        Chart::new(
            "rank_ic_by_regime",
            "各因子大类 RankIC 均值（分环境）",
            Kind::Bar(bc),
        )
        .png(),
    ));
    let mut headers: Vec<String> = vec!["因子".into()];
    headers.extend(labels.iter().map(|r| format!("RankIC {r}")));
    headers.extend(["ICIR All".into(), "IC 胜率 All".into(), "Q5−Q1 All".into()]);
    let mut pv = Table {
        title: "RankIC 均值分环境（每个信号日对下一信号日的收益；环境为信号日已知）".into(),
        sheet: "因子分环境_汇总".into(),
        headers,
        rows: Vec::new(),
        heat: false,
        page_rows: None,
    };
    for x in &names {
        let mut row = vec![Cell::text(factor_zh(x))];
        row.extend(
            labels
                .iter()
                .map(|l| find(x, l).map_or(Cell::Empty, |i| Cell::Num(ic[i], 4))),
        );
        let all = find(x, "All");
        row.push(all.map_or(Cell::Empty, |i| Cell::Num(icir[i], 3)));
        row.push(all.map_or(Cell::Empty, |i| Cell::PctPlain(win[i])));
        row.push(all.map_or(Cell::Empty, |i| Cell::Pct(tmb[i])));
        pv.rows.push(row);
    }
    s.blocks.push(Block::Table(pv));
    s.blocks.push(Block::Table(factor_detail_table(f)));
    Some(s)
}

/// The full factor-by-regime table, one row per factor and label.
fn factor_detail_table(f: &Frame) -> Table {
    let n = f.n_rows();
    let texts = |c: &str| {
        f.texts(c)
            .map(|v| v.to_vec())
            .unwrap_or_else(|| vec![String::new(); n])
    };
    let get = |c: &str| {
        f.nums(c)
            .map(|v| v.to_vec())
            .unwrap_or_else(|| vec![f64::NAN; n])
    };
    let (fac, reg) = (texts("factor"), texts("regime"));
    let (ic, icir, win, tmb, ic_std) = (
        get("ic_mean"),
        get("icir"),
        get("win_rate"),
        get("top_minus_bottom"),
        get("ic_std"),
    );
    let cnt: Vec<i64> = match f.get("n") {
        Some(Column::Int(v)) => v.clone(),
        _ => vec![0; n],
    };
    let mut t = Table::new(
        "RankIC 与五分位多空（每个信号日对下一信号日的收益；按信号日已知的环境分组）",
        "因子分环境",
        &[
            "因子",
            "环境",
            "期数",
            "RankIC 均值",
            "RankIC 标准差",
            "ICIR",
            "IC 胜率",
            "Q5−Q1 每期",
        ],
    );
    for i in 0..n {
        t.rows.push(vec![
            Cell::text(factor_zh(&fac[i])),
            Cell::text(reg[i].clone()),
            Cell::Int(cnt[i]),
            Cell::Num(ic[i], 4),
            Cell::Num(ic_std[i], 4),
            Cell::Num(icir[i], 3),
            Cell::PctPlain(win[i]),
            Cell::Pct(tmb[i]),
        ]);
    }
    t.page_rows = Some(0);
    t
}

/// 8'. For a strategy without a factor table: the score's RankIC by label.
fn score_section(a: &RunArtifacts, f: &Frame) -> Option<Section> {
    let labels = f.texts("label")?;
    if labels.is_empty() {
        return None;
    }
    let get = |c: &str| f.nums(c).map(|v| v.to_vec()).unwrap_or_default();
    let (ic, icir, win, tmb) = (
        get("ic_mean"),
        get("icir"),
        get("win_rate"),
        get("top_minus_bottom"),
    );
    let n: Vec<i64> = match f.get("n") {
        Some(Column::Int(v)) => v.clone(),
        _ => vec![0; labels.len()],
    };
    let mut t = Table::new(
        "得分的 RankIC（每个信号日对下一信号日的收益，按信号日的标签分组）",
        "得分评估",
        &[
            "标签",
            "期数",
            "RankIC 均值",
            "ICIR",
            "IC 胜率",
            "Q5−Q1 每期",
        ],
    );
    for (i, l) in labels.iter().enumerate() {
        let name = if l == "All" {
            "全样本".to_string()
        } else {
            a.label_name(l)
        };
        t.rows.push(vec![
            Cell::text(name),
            Cell::Int(n[i]),
            Cell::Num(ic[i], 4),
            Cell::Num(icir[i], 3),
            Cell::PctPlain(win[i]),
            Cell::Pct(tmb[i]),
        ]);
    }
    let mut s = Section::new("factors", "得分评估");
    s.blocks.push(Block::Table(t));
    Some(s)
}

/// 9. Quintile returns of the score by label.
fn quantile_section(a: &RunArtifacts, f: &Frame) -> Option<Section> {
    let labels = f.texts("label")?;
    if labels.is_empty() {
        return None;
    }
    let q: Vec<&[f64]> = (1..=5).filter_map(|k| f.nums(&format!("q{k}"))).collect();
    if q.len() != 5 {
        return None;
    }
    let dates: Vec<i64> = match f.get("dates") {
        Some(Column::Int(v)) => v.clone(),
        _ => vec![0; labels.len()],
    };
    let name_of = |l: &str| {
        if l == "All" {
            "全样本".to_string()
        } else {
            a.label_name(l)
        }
    };
    let series = labels
        .iter()
        .enumerate()
        .map(|(i, l)| Series::new(name_of(l), q.iter().map(|c| c[i]).collect()).color(bar_color(l)))
        .collect();
    let bc = BarChart::new(
        (1..=5).map(|k| format!("Q{k}")).collect(),
        series,
        YFmt::Pct,
    );
    let mut s = Section::new("quantiles", "分位数收益");
    s.blocks.push(Block::Chart(
        Chart::new(
            "quantile_returns",
            "得分五分位组下期平均收益（Q5 = 得分最高）",
            Kind::Bar(bc),
        )
        .png(),
    ));
    let mut t = Table::new(
        "得分五分位组下期平均收益",
        "分位数收益",
        &["环境", "期数", "Q1", "Q2", "Q3", "Q4", "Q5", "Q5−Q1"],
    );
    for (i, l) in labels.iter().enumerate() {
        let mut row = vec![Cell::text(l.clone()), Cell::Int(dates[i])];
        row.extend(q.iter().map(|c| Cell::Pct(c[i])));
        row.push(Cell::Pct(q[4][i] - q[0][i]));
        t.rows.push(row);
    }
    s.blocks.push(Block::Table(t));
    Some(s)
}

/// 10. The ranked list or the target weights at the last signal date.
fn recommendation_section(a: &RunArtifacts) -> Section {
    let r = &a.recommendation;
    let mut s = Section::new("recommendation", "本期推荐");
    s.blocks.push(Block::Text(format!(
        "信号日 {}{}。入选 = 前 {} 名。",
        r.date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        match (&a.label_title, &r.label_name, &r.label) {
            (Some(t), Some(n), Some(c)) => format!("，{t}：{n}（{c}）"),
            _ => String::new(),
        },
        a.top_n
    )));
    let extras: Vec<String> = r
        .rows
        .first()
        .map(|x| x.extra.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers: Vec<String> = vec![
        "排名".into(),
        "资产".into(),
        "入选".into(),
        "得分".into(),
        "权重".into(),
    ];
    headers.extend(extras.iter().map(|e| factor_zh(e)));
    headers.push("对应 ETF".into());
    let mut t = Table {
        title: "排序列表（得分相同时 MC 较高者、代码较小者在前）".into(),
        sheet: "本期推荐".into(),
        headers,
        rows: Vec::new(),
        heat: false,
        page_rows: Some(30),
    };
    for x in &r.rows {
        let mut row = vec![
            Cell::Int(x.rank as i64),
            Cell::text(x.asset.clone()),
            Cell::text(if x.selected { "★" } else { "" }),
            Cell::Num(x.score, 3),
            Cell::PctPlain(x.weight),
        ];
        row.extend(
            extras
                .iter()
                .map(|e| Cell::Num(x.extra.get(e).copied().unwrap_or(f64::NAN), 3)),
        );
        row.push(Cell::text(x.etf.clone().unwrap_or_default()));
        t.rows.push(row);
    }
    s.blocks.push(Block::Table(t));
    for line in &r.text {
        s.blocks.push(Block::Text(line.clone()));
    }
    s
}

/// The sections of market-call strategies (timing positions, style spreads, the
/// composite's holding timeline: [`crate::market_calls`]).
fn market_call_sections(a: &RunArtifacts) -> Vec<Section> {
    use crate::market_calls as m;
    let mut out = Vec::new();
    out.extend(
        a.frame("positions")
            .and_then(|f| m::timing_section(f, a.frame("signals"))),
    );
    out.extend(
        a.frame("spread")
            .and_then(|f| m::spread_section(f, a.frame("style_calls"))),
    );
    out.extend(a.frame("composite").and_then(m::composite_section));
    out
}

/// A strategy table the report has no dedicated section for.
fn frame_section(f: &Frame) -> Section {
    let mut s = Section::new(&f.name, f.name.clone());
    s.blocks.push(Block::Table(crate::doc::table_of_frame(
        f,
        &f.name,
        Some(20),
    )));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_names_read_as_the_source_report_writes_them() {
        assert_eq!(factor_zh("family:valuation"), "估值");
        assert_eq!(factor_zh("composite"), "综合得分");
        assert_eq!(factor_zh("mom.mc"), "mom.mc");
    }
}
