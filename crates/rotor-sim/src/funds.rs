//! Funds on the stock-level market ([`crate::stocks`], `rotor sim --stocks N --funds M`):
//! NAV histories and half-yearly full holdings in AKShare's layouts, with planted style
//! rotators, so the style-rotation analysis (SPEC §16) runs end to end on data that
//! supports it.
//!
//! At every June and December month-end each fund holds 40 stocks at equal weight,
//! chosen by a size tilt: +1 from the largest 30 % by standardised size, −1 from the
//! smallest 30 %, 0 from all. **Rotators** (the first 30 % of the funds, `truth.json`)
//! set their tilt to the sign of the size factor's return over the coming half-year
//! (perfect foresight, right with probability 0.8) — their active rotation pays. The
//! others keep one tilt for ever and replace a tenth of their stocks at random. Between
//! reports the weights drift with prices; the daily NAV return is the holdings' return
//! plus 0.02 % noise (a stock without a trade earns 0). Files: `funds/nav/<code>.csv`
//! (净值日期, 单位净值, 日增长率), `funds/holdings/<code>_<year>.csv` (股票代码, 占净值比例,
//! 季度), `funds/rotators.csv`.
//!
//! **Enhanced-index funds** (`n_enhanced`, codes 950001…) track CSI 300 (even) or CSI 500
//! (odd) built from the stocks: daily return `0.95 · r_index + α / 252 + 0.1 % noise` (the
//! other 5 % in cash at 0), the planted yearly excess `α ~ N(4 %, 2 %)` per fund, written
//! to `funds/enhanced.csv` (fund, benchmark, alpha). They publish no holdings. Every fund
//! gets a profile `funds/info/<code>.json` (基金代码, 基金名称, 基金类型, 业绩比较基准) in
//! the fund-profile layout of the bundle.

use crate::rng::Rng;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;

/// Inputs of the fund simulation: the market's days, stock codes, daily returns (`t × n`
/// rows), standardised size at each close, the planted daily size factor returns (from
/// day 1).
pub struct FundSim<'a> {
    /// Number of funds.
    pub n_funds: usize,
    /// Number of enhanced-index funds.
    pub n_enhanced: usize,
    /// Seed.
    pub seed: u64,
    /// Trading days.
    pub days: &'a [NaiveDate],
    /// Stock codes.
    pub codes: &'a [String],
    /// Daily returns per day (NaN: no trade).
    pub returns: &'a [Vec<f64>],
    /// Standardised size per day.
    pub size_z: &'a [Vec<f64>],
    /// Planted size factor return of days 1.. (index t − 1).
    pub f_size: &'a [f64],
    /// Levels of `000300.SH`, `000905.SH`, `000852.SH`, `881001.WI` per day.
    pub index_levels: &'a [[f64; 4]],
}

/// A fund profile in the bundle's layout.
fn profile(code: &str, name: &str, kind: &str, benchmark: &str) -> String {
    format!(
        "{{\"基金代码\": \"{code}\", \"基金名称\": \"{name}\", \"基金类型\": \"{kind}\", \"业绩比较基准\": \"{benchmark}\"}}\n"
    )
}

/// The enhanced-index funds (see the module docs): NAV files, profiles and the planted
/// excess; rows written.
fn write_enhanced(dir: &Path, f: &FundSim<'_>, rng: &mut Rng) -> Result<usize, crate::SimError> {
    let io = |p: &Path, e| crate::SimError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let (nav_dir, info_dir) = (dir.join("funds/nav"), dir.join("funds/info"));
    let mut truth = String::from("fund,benchmark,alpha\n");
    let mut rows = 0;
    for j in 0..f.n_enhanced {
        let code = format!("{:06}", 950001 + j);
        let (k, index, name) = if j % 2 == 0 {
            (0, "000300.SH", "沪深300")
        } else {
            (1, "000905.SH", "中证500")
        };
        let alpha = 0.04 + 0.02 * rng.normal();
        let mut nav = 1.0;
        let mut text = String::from("净值日期,单位净值,日增长率\n");
        for t in 1..f.days.len() {
            let ri = f.index_levels[t][k] / f.index_levels[t - 1][k] - 1.0;
            let r = 0.95 * ri + alpha / 252.0 + 0.001 * rng.normal();
            nav *= 1.0 + r;
            text.push_str(&format!("{},{nav:.6},{:.6}\n", f.days[t], 100.0 * r));
            rows += 1;
        }
        let p = nav_dir.join(format!("{code}.csv"));
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
        let bench = format!("{name}指数收益率×95%+银行活期存款利率(税后)×5%");
        let p = info_dir.join(format!("{code}.json"));
        std::fs::write(
            &p,
            profile(
                &code,
                &format!("模拟{name}指数增强A"),
                "股票型-增强指数",
                &bench,
            ),
        )
        .map_err(|e| io(&p, e))?;
        truth.push_str(&format!("{code},{index},{alpha}\n"));
    }
    let p = dir.join("funds/enhanced.csv");
    std::fs::write(&p, truth).map_err(|e| io(&p, e))?;
    Ok(rows)
}

/// Report days: the June and December month-ends.
fn report_days(days: &[NaiveDate]) -> Vec<usize> {
    (0..days.len())
        .filter(|&t| {
            (t + 1 == days.len() || days[t + 1].month() != days[t].month())
                && matches!(days[t].month(), 6 | 12)
        })
        .collect()
}

/// 40 stocks of the tilt's pool (stocks with a size and a trade that day).
fn pick(rng: &mut Rng, z: &[f64], traded: &[f64], tilt: i32) -> Vec<usize> {
    let mut live: Vec<usize> = (0..z.len())
        .filter(|&i| z[i].is_finite() && traded[i].is_finite())
        .collect();
    live.sort_by(|a, b| z[*a].total_cmp(&z[*b]).then(a.cmp(b)));
    let k = live.len() * 3 / 10;
    let pool: Vec<usize> = match tilt {
        1 => live[live.len() - k..].to_vec(),
        -1 => live[..k].to_vec(),
        _ => live,
    };
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < 40.min(pool.len()) {
        let c = pool[rng.below(pool.len())];
        if !chosen.contains(&c) {
            chosen.push(c);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// A fund's size tilt for the half-year after report day `t`: a rotator's foresight of
/// the size factor (right with probability 0.8), the others' fixed tilt.
fn next_tilt(
    rng: &mut Rng,
    f: &FundSim<'_>,
    reports: &[usize],
    next: usize,
    t: usize,
    rotator: bool,
    fixed: i32,
) -> i32 {
    if !rotator {
        return fixed;
    }
    let end = reports.get(next).copied().unwrap_or(f.days.len() - 1);
    let fut: f64 = f.f_size[t.min(f.f_size.len())..end.min(f.f_size.len())]
        .iter()
        .sum();
    let right = rng.uniform() < 0.8;
    if (fut > 0.0) == right {
        1
    } else {
        -1
    }
}

/// The stocks held after report day `t`: a rotator (or a new fund) picks 40 afresh from
/// its tilt's pool; the others keep nine tenths and refill from it.
fn next_holdings(
    rng: &mut Rng,
    f: &FundSim<'_>,
    t: usize,
    tilt: i32,
    rotator: bool,
    holdings: &[(usize, f64)],
) -> Vec<usize> {
    if rotator || holdings.is_empty() {
        return pick(rng, &f.size_z[t], &f.returns[t], tilt);
    }
    let keep: Vec<usize> = holdings
        .iter()
        .map(|h| h.0)
        .filter(|_| rng.uniform() > 0.1)
        .collect();
    let mut fresh = pick(rng, &f.size_z[t], &f.returns[t], tilt);
    fresh.retain(|c| !keep.contains(c));
    let mut all = keep;
    all.extend(fresh.into_iter().take(40usize.saturating_sub(all.len())));
    all.sort_unstable();
    all
}

/// Write the funds (see the module docs); rows written per file kind.
pub fn write_funds(
    dir: &Path,
    f: &FundSim<'_>,
) -> Result<BTreeMap<String, usize>, crate::SimError> {
    let io = |p: &Path, e| crate::SimError::Io {
        path: p.display().to_string(),
        source: e,
    };
    let mut rng = Rng::new(f.seed ^ 0xF0ED_5000_0000_0001);
    let reports = report_days(f.days);
    let n_rot = f.n_funds * 3 / 10;
    let (nav_dir, hold_dir) = (dir.join("funds/nav"), dir.join("funds/holdings"));
    let info_dir = dir.join("funds/info");
    for d in [&nav_dir, &hold_dir, &info_dir] {
        std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
    }
    let (mut nav_rows, mut hold_rows) = (0, 0);
    for j in 0..f.n_funds {
        let code = format!("{:06}", 900001 + j);
        let rotator = j < n_rot;
        let fixed = [-1, 0, 1][rng.below(3)];
        let mut holdings: Vec<(usize, f64)> = Vec::new();
        let mut nav = 1.0;
        let mut text = String::from("净值日期,单位净值,日增长率\n");
        let mut by_year: BTreeMap<i32, String> = BTreeMap::new();
        let mut next_report = 0;
        for (t, day) in f.days.iter().enumerate() {
            if t > 0 && !holdings.is_empty() {
                let tot: f64 = holdings.iter().map(|h| h.1).sum();
                let mut r = 0.0;
                for h in holdings.iter_mut() {
                    let ri = f.returns[t][h.0];
                    let ri = if ri.is_finite() { ri } else { 0.0 };
                    r += h.1 / tot * ri;
                    h.1 *= 1.0 + ri;
                }
                r += 0.0002 * rng.normal();
                nav *= 1.0 + r;
                text.push_str(&format!("{day},{nav:.6},{:.6}\n", 100.0 * r));
                nav_rows += 1;
            }
            if next_report < reports.len() && reports[next_report] == t {
                next_report += 1;
                let tilt = next_tilt(&mut rng, f, &reports, next_report, t, rotator, fixed);
                let new = next_holdings(&mut rng, f, t, tilt, rotator, &holdings);
                holdings = new.iter().map(|&i| (i, 1.0)).collect();
                let q = if day.month() == 6 { 2 } else { 4 };
                let rows = by_year
                    .entry(day.year())
                    .or_insert_with(|| String::from("序号,股票代码,股票名称,占净值比例,季度\n"));
                for (k, (i, _)) in holdings.iter().enumerate() {
                    let digits = f.codes[*i].split('.').next().unwrap_or("");
                    rows.push_str(&format!(
                        "{},{digits},S{digits},{:.2},{}年{q}季度股票投资明细\n",
                        k + 1,
                        100.0 / holdings.len() as f64 * 0.95,
                        day.year()
                    ));
                    hold_rows += 1;
                }
            }
        }
        let p = nav_dir.join(format!("{code}.csv"));
        std::fs::write(&p, text).map_err(|e| io(&p, e))?;
        let p = info_dir.join(format!("{code}.json"));
        let bench = "中证800指数收益率×80%+中债综合指数收益率×20%";
        std::fs::write(
            &p,
            profile(&code, &format!("模拟主动{code}"), "股票型-普通", bench),
        )
        .map_err(|e| io(&p, e))?;
        for (y, rows) in by_year {
            let p = hold_dir.join(format!("{code}_{y}.csv"));
            std::fs::write(&p, rows).map_err(|e| io(&p, e))?;
        }
    }
    let mut rot = String::from("fund,rotator\n");
    for j in 0..f.n_funds {
        rot.push_str(&format!("{:06},{}\n", 900001 + j, j < n_rot));
    }
    let p = dir.join("funds/rotators.csv");
    std::fs::write(&p, rot).map_err(|e| io(&p, e))?;
    let mut enh_rng = Rng::new(f.seed ^ 0xE4A4_CED0_0000_0001);
    nav_rows += write_enhanced(dir, f, &mut enh_rng)?;
    let mut out = BTreeMap::new();
    out.insert("funds/nav".to_string(), nav_rows);
    out.insert("funds/holdings".to_string(), hold_rows);
    Ok(out)
}
