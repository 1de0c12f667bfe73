//! The backtest report of a rotation run.
//!
//! Sections, in the order a rotation note reads:
//! 1. **概览** — headline figures and the statistics of every series (SPEC §5.4, from
//!    [`rotor_strategy::report::summary`]).
//! 2. **净值** — NAV of the strategy (net of costs; gross dashed), equal weight and the
//!    market benchmark, `NAV_t = Π_{s ≤ t}(1 + r_s)`, with the regime known at each
//!    signal date shaded over the holding period that follows it; a logarithmic axis
//!    when the NAVs span more than ×4 (equal returns, equal heights).
//! 3. **回撤** — drawdown `NAV_t / max_{s ≤ t} NAV_s − 1` of strategy and benchmark.
//! 4. **相对净值** — relative NAV `NAV^rot_t / NAV^b_t` (the `Ratio` excess convention,
//!    SPEC §0.3) against equal weight and the benchmark.
//! 5. **年度收益** — the yearly table of SPEC §5.2 (excess = difference) and its bars.
//! 6. **月度收益** — strategy return per calendar month (compounded days), heat-coloured
//!    red up / green down, with the calendar-year total.
//! 7. **持仓与换手** — which index was held at each rebalance (weight as shade), the
//!    last twelve rebalances, two-sided turnover per rebalance.
//! 8. **因子分环境** — RankIC mean of each family and the composite by regime, and the
//!    full table ([`rotor_strategy::report::factor_by_regime`]).
//! 9. **分位数收益** — see [`quantile_returns`].
//! 10. **本期推荐** — the ranked list at the last signal date with family scores.
//! 11. **宏观环境** — the latest regime rows; 12. **配置** — the resolved strategy file.

use crate::chart::{Band, BarChart, Chart, GridChart, Kind, LineChart, Series, YFmt, PALETTE};
use crate::doc::{Block, Cell, Report, Section, Table};
use chrono::{Datelike, NaiveDate};
use rotor_core::Panel;
use rotor_eval::quantile::{assign, Grouping};
use rotor_factors::Family;
use rotor_regime::Regime;
use rotor_strategy::config::StrategyConfig;
use rotor_strategy::load::Loaded;
use rotor_strategy::pipeline::RunOutput;
use rotor_strategy::report as rep;
use std::collections::BTreeMap;

/// Shade of a regime band (light, so lines stay readable).
pub fn regime_color(r: Regime) -> &'static str {
    match r {
        Regime::LL => "#fbe0dc",
        Regime::LT => "#fcefd2",
        Regime::TL => "#dcebf7",
        Regime::TT => "#e6e6e6",
        Regime::Undefined => "#ffffff",
    }
}

/// Bar colour of a regime code in grouped charts (`All` dark slate).
pub fn regime_bar_color(code: &str) -> &'static str {
    match code {
        "LL" => "#c23531",
        "LT" => "#ca8622",
        "TL" => "#3b7dbf",
        "TT" => "#6e7074",
        _ => "#2f4554",
    }
}

/// Regime bands: each signal date's regime over `[t_i, t_{i+1})`, the last one to
/// `end`; consecutive equal regimes merged; undefined regimes not shaded.
pub fn regime_bands(dates: &[NaiveDate], regimes: &[Regime], end: NaiveDate) -> Vec<Band> {
    let mut out: Vec<Band> = Vec::new();
    for (i, (d, r)) in dates.iter().zip(regimes).enumerate() {
        let to = dates.get(i + 1).copied().unwrap_or(end).max(*d);
        if *r == Regime::Undefined {
            continue;
        }
        if let Some(last) = out.last_mut() {
            if last.label == r.zh() && last.to == *d {
                last.to = to;
                continue;
            }
        }
        out.push(Band {
            from: *d,
            to,
            label: r.zh().into(),
            color: regime_color(*r).into(),
        });
    }
    out
}

/// `NAV_t = Π_{s ≤ t}(1 + r_s)` (a missing return counts as 0).
pub fn nav(r: &[f64]) -> Vec<f64> {
    rotor_metrics::stats::drawdown::nav_path(r)
}

/// `DD_t = NAV_t / max(1, max_{s ≤ t} NAV_s) − 1` (≤ 0): the running peak starts at the
/// initial NAV of 1, as in `rotor_metrics::stats::drawdown` (its maximum depth is the
/// summary's max drawdown).
pub fn drawdown(nav: &[f64]) -> Vec<f64> {
    let mut peak = 1.0f64;
    nav.iter()
        .map(|v| {
            peak = peak.max(*v);
            v / peak - 1.0
        })
        .collect()
}

/// Mean forward return of each score quintile, overall and by regime.
///
/// At every signal date t with at least 5 assets having both a score and a forward
/// return (index return from t to the next signal date), assets are split into 5
/// groups by score (`RankFloor`, SPEC §6.2: group = ⌊rank·5/n⌋ + 1, 5 = highest
/// score); the group mean return is taken per date and then averaged over the dates
/// of each regime (known at t). Returns `(label, [Q1..Q5], dates)` rows, `All` first.
pub fn quantile_returns(
    score: &Panel,
    fwd: &Panel,
    regimes: &[Regime],
) -> Vec<(String, [f64; 5], usize)> {
    let mut per_date: Vec<Option<[f64; 5]>> = Vec::with_capacity(score.n_dates());
    let mut idx = Vec::new();
    for i in 0..score.n_dates() {
        let pairs: Vec<(f64, f64)> = score
            .row(i)
            .iter()
            .zip(fwd.row(i))
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| (*a, *b))
            .collect();
        if pairs.len() < 5 {
            per_date.push(None);
            continue;
        }
        let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let Some(g) = assign(&xs, 5, Grouping::RankFloor, &mut idx) else {
            per_date.push(None);
            continue;
        };
        let mut sum = [0.0; 5];
        let mut n = [0usize; 5];
        for (p, q) in pairs.iter().zip(&g) {
            let q = (*q as usize).clamp(1, 5) - 1;
            sum[q] += p.1;
            n[q] += 1;
        }
        let mut m = [f64::NAN; 5];
        for q in 0..5 {
            if n[q] > 0 {
                m[q] = sum[q] / n[q] as f64;
            }
        }
        per_date.push(Some(m));
    }
    let mut out = Vec::new();
    let mut groups: Vec<(String, Option<Regime>)> = vec![("All".into(), None)];
    groups.extend(Regime::ALL.iter().map(|r| (r.code().to_string(), Some(*r))));
    for (label, reg) in groups {
        let mut acc = [0.0; 5];
        let mut cnt = [0usize; 5];
        let mut dates = 0;
        for (i, m) in per_date.iter().enumerate() {
            let Some(m) = m else { continue };
            if reg.is_some() && regimes.get(i) != reg.as_ref() {
                continue;
            }
            dates += 1;
            for q in 0..5 {
                if m[q].is_finite() {
                    acc[q] += m[q];
                    cnt[q] += 1;
                }
            }
        }
        if dates == 0 {
            continue;
        }
        let mut v = [f64::NAN; 5];
        for q in 0..5 {
            if cnt[q] > 0 {
                v[q] = acc[q] / cnt[q] as f64;
            }
        }
        out.push((label, v, dates));
    }
    out
}

/// Chinese name of a family (`valuation` → 估值, from [`Family::zh`]), `composite` →
/// 综合得分, anything else as given.
fn family_zh(name: &str) -> String {
    match Family::ALL.iter().find(|f| f.name() == name) {
        Some(f) => f.zh().to_string(),
        None if name == "composite" => "综合得分".into(),
        None => name.into(),
    }
}

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

/// Build the backtest report of a run.
pub fn report(cfg: &StrategyConfig, ld: &Loaded, out: &RunOutput) -> Report {
    let sm = rep::summary(cfg, out);
    let bl = rep::benchmark_label(cfg);
    let mut sections = Vec::new();
    let last_day = out
        .perf
        .as_ref()
        .and_then(|p| p.days.last().copied())
        .or_else(|| out.signal_dates.last().copied());
    let bands = last_day
        .map(|e| regime_bands(&out.signal_dates, &out.regime_of, e))
        .unwrap_or_default();
    let reco = rep::recommendation(cfg, ld, out);

    // 1. overview
    let mut s = Section::new("overview", "概览");
    let find = |n: &str| sm.series.iter().find(|x| x.name == n);
    let ex = |n: &str| sm.excess.iter().find(|x| x.benchmark == n);
    let mut figs = Vec::new();
    if let Some(x) = find("strategy") {
        figs.push(("年化收益（扣费）".to_string(), pct(x.cagr), sign(x.cagr)));
        figs.push(("累计收益".into(), pct(x.total_return), sign(x.total_return)));
        figs.push(("最大回撤".into(), pct(x.max_drawdown), -1));
        figs.push(("夏普比率".into(), format!("{:.2}", x.sharpe), 0));
    }
    if let Some(e) = ex("equal_weight") {
        figs.push((
            "年化超额（vs 等权）".into(),
            pct(e.annualised_excess),
            sign(e.annualised_excess),
        ));
    }
    if let Some(e) = ex("benchmark") {
        figs.push((
            format!("年化超额（vs {bl}）"),
            pct(e.annualised_excess),
            sign(e.annualised_excess),
        ));
        figs.push(("月度胜率（vs 基准）".into(), pct(e.monthly_win_rate), 0));
        figs.push(("信息比率".into(), format!("{:.2}", e.information_ratio), 0));
    }
    figs.push(("平均双边换手（每次调仓）".into(), pct(sm.avg_turnover), 0));
    figs.push(("调仓次数".into(), sm.rebalances.to_string(), 0));
    if let Some(r) = out.regime_of.last() {
        figs.push(("当前宏观环境".into(), r.zh().to_string(), 0));
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
    let zh_name = |n: &str| match n {
        "strategy" => "轮动组合（扣费）".to_string(),
        "strategy_gross" => "轮动组合（费前）".to_string(),
        "equal_weight" => "等权组合".to_string(),
        "benchmark" => bl.clone(),
        o => o.to_string(),
    };
    for x in &sm.series {
        t.rows.push(vec![
            Cell::text(zh_name(&x.name)),
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
            Cell::text(zh_name(&e.benchmark)),
            Cell::Pct(e.annualised_excess),
            Cell::PctPlain(e.excess_max_drawdown),
            Cell::PctPlain(e.tracking_error),
            Cell::Num(e.information_ratio, 2),
            Cell::PctPlain(e.monthly_win_rate),
        ]);
    }
    s.blocks.push(Block::Table(t));
    for n in &out.notes {
        s.blocks.push(Block::Text(format!("注：{n}")));
    }
    sections.push(s);

    if let Some(p) = &out.perf {
        // 2. NAV
        let mut s = Section::new("nav", "净值");
        let mut series = vec![
            Series::new("轮动组合", nav(&p.net)).color(PALETTE[0]),
            Series::new("轮动组合（费前）", nav(&p.gross))
                .color("#e08c8a")
                .dashed(),
        ];
        if let Some(ew) = &p.ew {
            series.push(Series::new("等权组合", nav(ew)).color(PALETTE[1]));
        }
        if let Some(b) = &p.bench {
            series.push(Series::new(bl.clone(), nav(b)).color(PALETTE[2]));
        }
        let mut lc = LineChart::new(p.days.clone(), series, YFmt::Num(2));
        lc.bands = bands.clone();
        lc.reference = Some(1.0);
        lc.height = 340.0;
        lc.log = true; // only when the NAVs span more than ×4

        s.blocks.push(Block::Chart(
            Chart::new("nav", "策略净值与宏观环境", Kind::Line(lc))
                .png()
                .excel(),
        ));
        sections.push(s);

        // 3. drawdown
        let mut s = Section::new("drawdown", "回撤");
        let mut series = vec![Series::new("轮动组合", drawdown(&nav(&p.net))).color(PALETTE[0])];
        if let Some(b) = &p.bench {
            series.push(Series::new(bl.clone(), drawdown(&nav(b))).color(PALETTE[2]));
        }
        let mut lc = LineChart::new(p.days.clone(), series, YFmt::Pct);
        lc.fill = true;
        lc.height = 240.0;
        s.blocks.push(Block::Chart(
            Chart::new("drawdown", "回撤", Kind::Line(lc)).png().excel(),
        ));
        sections.push(s);

        // 4. relative NAV
        let mut s = Section::new("excess", "相对净值");
        let a = nav(&p.net);
        let mut series = Vec::new();
        if let Some(ew) = &p.ew {
            let b = nav(ew);
            series.push(
                Series::new(
                    "轮动 / 等权",
                    a.iter().zip(&b).map(|(x, y)| x / y).collect(),
                )
                .color(PALETTE[1]),
            );
        }
        if let Some(bb) = &p.bench {
            let b = nav(bb);
            series.push(
                Series::new(
                    format!("轮动 / {bl}"),
                    a.iter().zip(&b).map(|(x, y)| x / y).collect(),
                )
                .color(PALETTE[2]),
            );
        }
        if !series.is_empty() {
            let mut lc = LineChart::new(p.days.clone(), series, YFmt::Num(2));
            lc.reference = Some(1.0);
            lc.bands = bands.clone();
            lc.height = 280.0;
            s.blocks.push(Block::Chart(
                Chart::new("relative_nav", "相对净值（超额）", Kind::Line(lc))
                    .png()
                    .excel(),
            ));
            sections.push(s);
        }

        // 5. yearly
        let (zh, _en, rows) = rep::yearly(cfg, out);
        if !rows.is_empty() {
            let mut s = Section::new("yearly", "年度收益");
            let mut t = Table::new(
                "分年度收益（首末年为不完整年份；年化行 = 全样本年化，超额为收益率之差）",
                "年度收益",
                &zh.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            for (label, v) in &rows {
                let mut r = vec![Cell::text(label.clone())];
                r.extend(v.iter().map(|x| Cell::Pct(*x)));
                t.rows.push(r);
            }
            let years: Vec<&(String, Vec<f64>)> = rows.iter().filter(|r| r.0 != "年化").collect();
            // headers: 年份, n return columns, n − 1 excess columns
            let n_series = zh.len() / 2;
            let names = &zh[1..1 + n_series];
            let series = names
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    Series::new(
                        n.trim_end_matches("收益率"),
                        years.iter().map(|r| r.1[k]).collect(),
                    )
                })
                .collect();
            let bc = BarChart::new(
                years.iter().map(|r| r.0.clone()).collect(),
                series,
                YFmt::Pct,
            );
            s.blocks.push(Block::Chart(
                Chart::new("yearly", "分年度收益", Kind::Bar(bc)).png(),
            ));
            s.blocks.push(Block::Table(t));
            sections.push(s);
        }

        // 6. monthly heatmap
        let mut s = Section::new("monthly", "月度收益");
        let mm = rotor_metrics::stats::yearly::monthly_matrix(&p.days[1..], &p.net[1..]);
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
            let mut r = vec![Cell::text(y.to_string())];
            r.extend(months.iter().map(|x| Cell::Pct(*x)));
            let total = months
                .iter()
                .filter(|x| x.is_finite())
                .fold(1.0, |a, x| a * (1.0 + x))
                - 1.0;
            r.push(Cell::Pct(total));
            t.rows.push(r);
        }
        s.blocks.push(Block::Table(t));
        sections.push(s);
    }

    // 7. holdings and turnover
    if !out.holdings.is_empty() {
        let mut s = Section::new("holdings", "持仓与换手");
        let mut held: BTreeMap<String, usize> = BTreeMap::new();
        for h in &out.holdings {
            for p in &h.picks {
                held.entry(p.index.clone()).or_default();
            }
        }
        for (k, v) in held.values_mut().enumerate() {
            *v = k;
        }
        let x: Vec<NaiveDate> = out.holdings.iter().map(|h| h.exec).collect();
        let mut cells = Vec::new();
        for (c, h) in out.holdings.iter().enumerate() {
            for p in &h.picks {
                cells.push((held[&p.index], c, p.weight));
            }
        }
        let end = last_day.unwrap_or_else(|| *x.last().unwrap_or(&NaiveDate::MIN));
        let exec_regimes: Vec<Regime> = out.holdings.iter().map(|h| h.regime).collect();
        let g = GridChart {
            x: x.clone(),
            rows: held.keys().cloned().collect(),
            cells,
            bands: regime_bands(&x, &exec_regimes, end),
            color: PALETTE[0].into(),
        };
        s.blocks.push(Block::Chart(
            Chart::new(
                "holdings",
                "持仓指数（深色 = 权重高；顶部色条 = 宏观环境）",
                Kind::Grid(g),
            )
            .png(),
        ));
        let bc = BarChart::new(
            x.iter()
                .map(|d| format!("{}-{:02}", d.year(), d.month()))
                .collect(),
            vec![Series::new(
                "双边换手",
                out.holdings.iter().map(|h| h.turnover).collect(),
            )
            .color(PALETTE[3])],
            YFmt::Pct,
        );
        s.blocks.push(Block::Chart(
            Chart::new("turnover", "每次调仓双边换手率", Kind::Bar(bc)).png(),
        ));
        let mut t = Table::new(
            "最近调仓（信号日 t 收盘计算，执行日收盘成交；最新在前）",
            "调仓",
            &[
                "信号日",
                "执行日",
                "宏观环境",
                "可选数",
                "持仓（指数 → 交易标的）",
                "双边换手",
            ],
        );
        for h in out.holdings.iter().rev() {
            let picks: Vec<String> = h
                .picks
                .iter()
                .map(|p| {
                    if p.instrument == p.index {
                        p.index.clone()
                    } else {
                        format!("{} → {}", p.index, p.instrument)
                    }
                })
                .collect();
            t.rows.push(vec![
                Cell::Date(h.signal),
                Cell::Date(h.exec),
                Cell::text(h.regime.zh()),
                Cell::Int(h.n_eligible as i64),
                Cell::text(picks.join("、")),
                Cell::PctPlain(h.turnover),
            ]);
        }
        t.page_rows = Some(12);
        s.blocks.push(Block::Table(t));
        let mut t = Table::new(
            "持仓明细（每个调仓日每个持仓一行）",
            "持仓",
            &[
                "信号日",
                "执行日",
                "宏观环境",
                "可选数",
                "排名",
                "指数",
                "交易标的",
                "权重",
                "得分",
                "双边换手",
            ],
        );
        for h in out.holdings.iter().rev() {
            for p in &h.picks {
                t.rows.push(vec![
                    Cell::Date(h.signal),
                    Cell::Date(h.exec),
                    Cell::text(h.regime.zh()),
                    Cell::Int(h.n_eligible as i64),
                    Cell::Int(p.rank as i64),
                    Cell::text(p.index.clone()),
                    Cell::text(p.instrument.clone()),
                    Cell::PctPlain(p.weight),
                    Cell::Num(p.score, 3),
                    Cell::PctPlain(h.turnover),
                ]);
            }
        }
        t.page_rows = Some(0);
        s.blocks.push(Block::Table(t));
        sections.push(s);
    }

    // 8. factor by regime
    let fr = rep::factor_by_regime(out);
    if !fr.is_empty() {
        let mut s = Section::new("factors", "因子分环境");
        let fams: Vec<String> = {
            let mut v: Vec<String> = fr
                .iter()
                .filter(|r| r.factor.starts_with("family:") || r.factor == "composite")
                .map(|r| r.factor.clone())
                .collect();
            v.dedup();
            v
        };
        let regimes: Vec<String> = {
            let mut v = vec!["All".to_string()];
            for r in Regime::ALL {
                if fr.iter().any(|x| x.regime == r.code()) {
                    v.push(r.code().into());
                }
            }
            v
        };
        let series = regimes
            .iter()
            .map(|rg| {
                let name = Regime::ALL
                    .iter()
                    .find(|r| r.code() == rg)
                    .map(|r| r.zh().to_string())
                    .unwrap_or_else(|| "全样本".into());
                let mut se = Series::new(
                    name,
                    fams.iter()
                        .map(|f| {
                            fr.iter()
                                .find(|x| &x.factor == f && &x.regime == rg)
                                .map(|x| x.ic_mean)
                                .unwrap_or(f64::NAN)
                        })
                        .collect(),
                );
                se = se.color(regime_bar_color(rg));
                se
            })
            .collect();
        let bc = BarChart::new(
            fams.iter()
                .map(|f| family_zh(f.trim_start_matches("family:")))
                .collect(),
            series,
            YFmt::Num(2),
        );
        s.blocks.push(Block::Chart(
            Chart::new(
                "rank_ic_by_regime",
                "各因子大类 RankIC 均值（分宏观环境）",
                Kind::Bar(bc),
            )
            .png(),
        ));
        // page: one row per factor, RankIC mean by regime side by side
        let mut headers: Vec<String> = vec!["因子".into()];
        headers.extend(regimes.iter().map(|r| format!("RankIC {r}")));
        headers.extend(["ICIR All".into(), "IC 胜率 All".into(), "Q5−Q1 All".into()]);
        let mut pv = Table {
            title: "RankIC 均值分环境（每个信号日对下一信号日的指数收益；环境为信号日已知）".into(),
            sheet: "因子分环境_汇总".into(),
            headers,
            rows: Vec::new(),
            heat: false,
            page_rows: None,
        };
        let mut names: Vec<String> = Vec::new();
        for r in &fr {
            if !names.contains(&r.factor) {
                names.push(r.factor.clone());
            }
        }
        // families and the composite first, then the sub-factors
        names.sort_by_key(|n| {
            (
                !(n.starts_with("family:") || n == "composite"),
                n == "composite",
            )
        });
        for n in &names {
            let label = n
                .strip_prefix("family:")
                .map(family_zh)
                .unwrap_or_else(|| family_zh(n));
            let mut row = vec![Cell::text(label)];
            for rg in &regimes {
                row.push(
                    fr.iter()
                        .find(|x| &x.factor == n && &x.regime == rg)
                        .map(|x| Cell::Num(x.ic_mean, 4))
                        .unwrap_or(Cell::Empty),
                );
            }
            let all = fr.iter().find(|x| &x.factor == n && x.regime == "All");
            row.push(all.map(|x| Cell::Num(x.icir, 3)).unwrap_or(Cell::Empty));
            row.push(
                all.map(|x| Cell::PctPlain(x.win_rate))
                    .unwrap_or(Cell::Empty),
            );
            row.push(
                all.map(|x| Cell::Pct(x.top_minus_bottom))
                    .unwrap_or(Cell::Empty),
            );
            pv.rows.push(row);
        }
        s.blocks.push(Block::Table(pv));
        let mut t = Table::new(
            "RankIC 与五分位多空（每个信号日对下一信号日的指数收益；按信号日已知的宏观环境分组）",
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
        for r in &fr {
            let f = r
                .factor
                .strip_prefix("family:")
                .map(family_zh)
                .unwrap_or_else(|| family_zh(&r.factor));
            t.rows.push(vec![
                Cell::text(f),
                Cell::text(r.regime.clone()),
                Cell::Int(r.n as i64),
                Cell::Num(r.ic_mean, 4),
                Cell::Num(r.ic_std, 4),
                Cell::Num(r.icir, 3),
                Cell::PctPlain(r.win_rate),
                Cell::Pct(r.top_minus_bottom),
            ]);
        }
        t.page_rows = Some(0);
        s.blocks.push(Block::Table(t));
        sections.push(s);
    }

    // 9. quantile returns of the composite
    let qr = quantile_returns(&out.score, &out.fwd, &out.regime_of);
    if !qr.is_empty() {
        let mut s = Section::new("quantiles", "分位数收益");
        let cats: Vec<String> = (1..=5).map(|q| format!("Q{q}")).collect();
        let series = qr
            .iter()
            .map(|(l, v, _)| {
                let name = Regime::ALL
                    .iter()
                    .find(|r| r.code() == l)
                    .map(|r| r.zh().to_string())
                    .unwrap_or_else(|| "全样本".into());
                Series::new(name, v.to_vec()).color(regime_bar_color(l))
            })
            .collect();
        let bc = BarChart::new(cats, series, YFmt::Pct);
        s.blocks.push(Block::Chart(
            Chart::new(
                "quantile_returns",
                "综合得分五分位组下期平均收益（Q5 = 得分最高）",
                Kind::Bar(bc),
            )
            .png(),
        ));
        let mut t = Table::new(
            "综合得分五分位组下期平均收益",
            "分位数收益",
            &["环境", "期数", "Q1", "Q2", "Q3", "Q4", "Q5", "Q5−Q1"],
        );
        for (l, v, n) in &qr {
            let mut r = vec![Cell::text(l.clone()), Cell::Int(*n as i64)];
            r.extend(v.iter().map(|x| Cell::Pct(*x)));
            r.push(Cell::Pct(v[4] - v[0]));
            t.rows.push(r);
        }
        s.blocks.push(Block::Table(t));
        sections.push(s);
    }

    // 10. recommendation
    let mut s = Section::new("recommendation", "本期推荐");
    s.blocks.push(Block::Text(format!(
        "信号日 {}，宏观环境：{}（{}）。入选 = 前 {} 名。",
        reco.date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into()),
        reco.regime_zh,
        reco.regime,
        cfg.portfolio.top_n
    )));
    let fams: Vec<String> = reco
        .rows
        .first()
        .map(|r| r.families.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers: Vec<String> = vec![
        "排名".into(),
        "指数".into(),
        "入选".into(),
        "综合得分".into(),
    ];
    headers.extend(fams.iter().map(|f| family_zh(f)));
    headers.push("对应 ETF".into());
    let mut t = Table {
        title: "排序列表（得分相同时 MC 较高者、代码较小者在前）".into(),
        sheet: "本期推荐".into(),
        headers,
        rows: Vec::new(),
        heat: false,
        page_rows: Some(30),
    };
    for r in &reco.rows {
        let mut row = vec![
            Cell::Int(r.rank as i64),
            Cell::text(r.index.clone()),
            Cell::text(if r.selected { "★" } else { "" }),
            Cell::Num(r.score, 3),
        ];
        row.extend(fams.iter().map(|f| Cell::Num(r.families[f], 3)));
        row.push(Cell::text(r.etf.clone().unwrap_or_default()));
        t.rows.push(row);
    }
    s.blocks.push(Block::Table(t));
    for (f, subs) in &reco.chosen {
        s.blocks.push(Block::Text(format!(
            "{} 使用的子因子：{}",
            family_zh(f),
            if subs.is_empty() {
                "（本期权重为 0）".to_string()
            } else {
                subs.join("、")
            }
        )));
    }
    sections.push(s);

    // 11. regime
    if !out.regimes.is_empty() {
        let mut s = Section::new("regime", "宏观环境");
        s.blocks.push(Block::Table(crate::regime::regime_table(
            &out.regimes,
            Some(24),
        )));
        sections.push(s);
    }

    // 12. config
    let mut s = Section::new("config", "配置");
    s.blocks.push(Block::Pre(cfg.to_toml()));
    sections.push(s);

    Report {
        title: format!("{} · 指数/ETF 轮动回测报告", cfg.name),
        subtitle: format!(
            "{} → {} · {} 个月 · 前 {} 名等权 · 单边费率 {} bp · 基准 {}",
            sm.start
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            sm.end.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            sm.months,
            cfg.portfolio.top_n,
            cfg.portfolio.cost_bps,
            bl
        ),
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn drawdown_is_relative_to_the_running_peak() {
        // a loss on the first day is a drawdown from the starting NAV of 1
        assert!((drawdown(&nav(&[-0.1]))[0] + 0.1).abs() < 1e-12);
        let n = nav(&[0.0, 0.1, -0.5, 0.2]);
        let dd = drawdown(&n);
        assert_eq!(dd[1], 0.0);
        assert!((dd[2] + 0.5).abs() < 1e-12);
        assert!((dd[3] - (1.1 * 0.5 * 1.2 / 1.1 - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn bands_merge_equal_consecutive_regimes_and_skip_undefined() {
        let dates = [
            d(2020, 1, 31),
            d(2020, 2, 28),
            d(2020, 3, 31),
            d(2020, 4, 30),
        ];
        let r = [Regime::Undefined, Regime::LL, Regime::LL, Regime::TT];
        let b = regime_bands(&dates, &r, d(2020, 5, 29));
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].from, b[0].to), (d(2020, 2, 28), d(2020, 4, 30)));
        assert_eq!((b[1].from, b[1].to), (d(2020, 4, 30), d(2020, 5, 29)));
        assert_eq!(b[1].label, "紧货币紧信用");
    }

    #[test]
    fn quantile_returns_by_hand() {
        // one date, 5 assets: score order = return order → Q1..Q5 = the returns sorted
        let dates = vec![d(2020, 1, 31)];
        let assets: Vec<String> = (0..5).map(|i| format!("A{i}")).collect();
        let mut score = Panel::nan(dates.clone(), assets.clone());
        let mut fwd = Panel::nan(dates, assets);
        for (j, (s, r)) in [5.0, 1.0, 3.0, 2.0, 4.0]
            .iter()
            .zip([0.05, 0.01, 0.03, 0.02, 0.04])
            .enumerate()
        {
            score.set(0, j, *s);
            fwd.set(0, j, r);
        }
        let q = quantile_returns(&score, &fwd, &[Regime::LT]);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].0, "All");
        assert_eq!(q[1].0, "LT");
        for k in 0..5 {
            assert!((q[0].1[k] - 0.01 * (k + 1) as f64).abs() < 1e-12);
        }
        assert_eq!(q[0].2, 1);
    }
}
