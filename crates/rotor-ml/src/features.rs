//! The price-volume feature library (after Qlib's Alpha158), computed per stock on its
//! own trading rows and standardised across stocks per day.
//!
//! **Prices** are adjusted backwards-consistent from total returns: on a stock's rows
//! `k = 0, 1, …` the adjusted close is `A_0 = C_0`, `A_k = A_{k−1} (1 + r_k)` (r the
//! day's total return; a missing one — a move left out as a likely ex-rights day — carries the
//! level, never the raw close ratio), the factor `f_k =
//! A_k / C_k` scales open, high, low and VWAP, and volume is divided by it (a 10-for-10
//! bonus issue doubles the volume and halves the price; neither moves a feature). Every
//! feature at row k reads rows ≤ k only. Windows count the stock's trading rows (a
//! suspended day is no row).
//!
//! | feature | definition (`C, O, H, L, V` adjusted; `d` a window) |
//! |---|---|
//! | `kmid` `klen` `kmid2` `kup` `klow` `ksft` | `(C−O)/O`, `(H−L)/O`, `(C−O)/(H−L)`, `(H−max(O,C))/O`, `(min(O,C)−L)/O`, `(2C−H−L)/O` (need OHLC) |
//! | `open0` `high0` `low0` `vwap0` | `O/C`, `H/C`, `L/C`, `VWAP/C` (VWAP = amount / volume) |
//! | `roc_d` | `C_{k−d} / C_k` |
//! | `ma_d`, `std_d` | mean and sample std of C over d rows, over `C_k` |
//! | `beta_d`, `rsqr_d` | OLS slope of C on time over d rows over `C_k`; its R² |
//! | `max_d`, `min_d` | max of H, min of L over d rows, over `C_k` (C when no H / L) |
//! | `rank_d` | percentile of `C_k` in its d rows |
//! | `rsv_d` | `(C_k − min L) / (max H − min L)` |
//! | `imax_d`, `imin_d` | rows since the max / min, over d |
//! | `corr_d` | correlation of C and `ln(V + 1)` over d rows |
//! | `cord_d` | correlation of `C_k / C_{k−1}` and `ln(V_k / V_{k−1} + 1)` |
//! | `cntp_d`, `sump_d` | share of up days; `Σ max(ΔC, 0) / Σ |ΔC|` |
//! | `vma_d`, `vstd_d` | mean and std of V over d rows, over `V_k` |
//! | `wvma_d` | std / mean of `|C_k/C_{k−1} − 1| · V_k` over d rows |
//! | `turn_d` | mean turnover rate over d rows (when stored) |
//!
//! **Standardisation** per feature and day across the stocks with a value (Qlib's
//! `RobustZScoreNorm`): `z = (x − median) / (1.4826 · MAD)`, clipped to ±3; with MAD = 0
//! the sample std stands in; with neither, NaN. Values are stored as `f32`.

use crate::rolling;
use rayon::prelude::*;

/// Windows of the rolling features (Alpha158: 5, 10, 20, 30, 60).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Window lengths in trading rows.
    pub windows: Vec<usize>,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            windows: vec![5, 10, 20, 30, 60],
        }
    }
}

/// Daily bars of `n` stocks over `t` days, `t × n` row-major (NaN = missing).
#[derive(Debug, Clone, Copy)]
pub struct Bars<'a> {
    /// Number of stocks.
    pub n: usize,
    /// Closes (unadjusted as traded); a row exists where the close is finite.
    pub close: &'a [f64],
    /// Daily total returns (from preclose / adjusted closes), aligned with `close`.
    pub returns: &'a [f64],
    /// Open, high, low, when stored.
    pub ohlc: Option<[&'a [f64]; 3]>,
    /// Volume in shares, when stored.
    pub volume: Option<&'a [f64]>,
    /// Amount in CNY, when stored (VWAP with volume).
    pub amount: Option<&'a [f64]>,
    /// Turnover rate (fraction), when stored.
    pub turnover: Option<&'a [f64]>,
}

/// Features stock-major: `values[(j · F + f) · t + day]` (`F` = names.len()).
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Feature names in column order.
    pub names: Vec<String>,
    /// Days.
    pub t: usize,
    /// Stocks.
    pub n: usize,
    /// The values, standardised per feature and day.
    pub values: Vec<f32>,
}

impl Features {
    /// The value of feature `f` for stock `j` on day `day`.
    pub fn get(&self, j: usize, f: usize, day: usize) -> f32 {
        self.values[(j * self.names.len() + f) * self.t + day]
    }
}

/// The names the bars give, in column order.
pub fn feature_names(bars: &Bars<'_>, cfg: &FeatureConfig) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if bars.ohlc.is_some() {
        for s in [
            "kmid", "klen", "kmid2", "kup", "klow", "ksft", "open0", "high0", "low0",
        ] {
            v.push(s.into());
        }
    }
    if bars.amount.is_some() && bars.volume.is_some() {
        v.push("vwap0".into());
    }
    for &d in &cfg.windows {
        for s in [
            "roc", "ma", "std", "beta", "rsqr", "max", "min", "rank", "rsv", "imax", "imin",
            "cntp", "sump",
        ] {
            v.push(format!("{s}_{d}"));
        }
        if bars.volume.is_some() {
            for s in ["corr", "cord", "vma", "vstd", "wvma"] {
                v.push(format!("{s}_{d}"));
            }
        }
        if bars.turnover.is_some() {
            v.push(format!("turn_{d}"));
        }
    }
    v
}

/// One stock's adjusted series on its trading rows.
struct Series {
    rows: Vec<usize>,
    c: Vec<f64>,
    o: Vec<f64>,
    h: Vec<f64>,
    l: Vec<f64>,
    v: Vec<f64>,
    vwap: Vec<f64>,
    turn: Vec<f64>,
}

/// One stock's bars, each field contiguous over the days (NaN = missing).
struct StockBars<'a> {
    close: &'a [f64],
    returns: &'a [f64],
    ohlc: Option<[&'a [f64]; 3]>,
    volume: Option<&'a [f64]>,
    amount: Option<&'a [f64]>,
    turnover: Option<&'a [f64]>,
}

/// Stocks `jb..jb + w` of the bars gathered stock-major, one buffer per field present
/// (close, returns, open, high, low, volume, amount, turnover): each day's row of the
/// `t × n` panels is read once, `w` neighbouring values at a time, instead of one
/// cache line per value when a stock is read down its column.
#[derive(Default)]
struct Block {
    bufs: Vec<Vec<f64>>,
    t_len: usize,
}

impl Block {
    fn fields<'a>(bars: &Bars<'a>) -> [Option<&'a [f64]>; 8] {
        let [o, h, l] = bars
            .ohlc
            .map_or([None; 3], |[o, h, l]| [Some(o), Some(h), Some(l)]);
        [
            Some(bars.close),
            Some(bars.returns),
            o,
            h,
            l,
            bars.volume,
            bars.amount,
            bars.turnover,
        ]
    }

    fn gather(&mut self, bars: &Bars<'_>, t_len: usize, jb: usize, w: usize) {
        let n = bars.n;
        self.t_len = t_len;
        self.bufs.resize_with(8, Vec::new);
        for (buf, p) in self.bufs.iter_mut().zip(Self::fields(bars)) {
            let Some(p) = p else { continue };
            buf.clear();
            buf.resize(w * t_len, f64::NAN);
            for t in 0..t_len {
                for (jj, v) in p[t * n + jb..t * n + jb + w].iter().enumerate() {
                    buf[jj * t_len + t] = *v;
                }
            }
        }
    }

    /// Stock `jj` of the block.
    fn stock<'b>(&'b self, bars: &Bars<'_>, jj: usize) -> StockBars<'b> {
        let t = self.t_len;
        let f = Self::fields(bars);
        let get = |k: usize| f[k].map(|_| &self.bufs[k][jj * t..(jj + 1) * t]);
        StockBars {
            close: get(0).unwrap_or(&[]),
            returns: get(1).unwrap_or(&[]),
            ohlc: bars
                .ohlc
                .map(|_| [get(2), get(3), get(4)].map(|x| x.expect("gathered with the ohlc"))),
            volume: get(5),
            amount: get(6),
            turnover: get(7),
        }
    }
}

/// The adjusted series of stock j of the bars (see the module docs).
#[cfg(test)]
fn series(bars: &Bars<'_>, t_len: usize, j: usize) -> Series {
    let mut b = Block::default();
    b.gather(bars, t_len, j, 1);
    series_of(&b.stock(bars, 0))
}

/// The adjusted series of one stock (see the module docs).
fn series_of(bars: &StockBars<'_>) -> Series {
    let t_len = bars.close.len();
    let at = |p: &[f64], t: usize| p[t];
    let rows: Vec<usize> = (0..t_len)
        .filter(|&t| at(bars.close, t).is_finite() && at(bars.close, t) > 0.0)
        .collect();
    let mut c = Vec::with_capacity(rows.len());
    let mut fac = Vec::with_capacity(rows.len());
    for (k, &t) in rows.iter().enumerate() {
        let raw = at(bars.close, t);
        let a = if k == 0 {
            raw
        } else {
            // a missing return (a move the return rules left out as a likely ex-rights
            // day, or no previous close) carries the level: falling back to the raw
            // close ratio would let a split in as a −50 % day
            let r = at(bars.returns, t);
            c[k - 1] * if r.is_finite() { 1.0 + r } else { 1.0 }
        };
        c.push(a);
        fac.push(a / raw);
    }
    // a field on the stock's rows, times the adjustment factor to the power `e`
    let scaled = |p: Option<&[f64]>, e: i32| -> Vec<f64> {
        match p {
            Some(p) => rows
                .iter()
                .zip(&fac)
                .map(|(&t, f)| match e {
                    1 => at(p, t) * f,
                    -1 => at(p, t) / f,
                    _ => at(p, t),
                })
                .collect(),
            None => Vec::new(),
        }
    };
    let (o, h, l) = match bars.ohlc {
        Some([o, h, l]) => (scaled(Some(o), 1), scaled(Some(h), 1), scaled(Some(l), 1)),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let v = scaled(bars.volume, -1);
    let vwap = match (bars.amount, bars.volume) {
        (Some(a), Some(vol)) => rows
            .iter()
            .zip(&fac)
            .map(|(&t, f)| {
                let (a, q) = (at(a, t), at(vol, t));
                if q > 0.0 {
                    a / q * f
                } else {
                    f64::NAN
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let turn = scaled(bars.turnover, 0);
    Series {
        rows,
        c,
        o,
        h,
        l,
        v,
        vwap,
        turn,
    }
}

fn ratio(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x / y).collect()
}

/// The k-line and price-ratio features of one stock.
fn kline(s: &Series, out: &mut Vec<Vec<f64>>) {
    let m = s.c.len();
    let (c, o, h, l) = (&s.c, &s.o, &s.h, &s.l);
    fn each(m: usize, g: impl Fn(usize) -> f64) -> Vec<f64> {
        (0..m).map(g).collect()
    }
    out.push(each(m, |k| (c[k] - o[k]) / o[k]));
    out.push(each(m, |k| (h[k] - l[k]) / o[k]));
    out.push(each(m, |k| (c[k] - o[k]) / (h[k] - l[k])));
    out.push(each(m, |k| (h[k] - o[k].max(c[k])) / o[k]));
    out.push(each(m, |k| (o[k].min(c[k]) - l[k]) / o[k]));
    out.push(each(m, |k| (2.0 * c[k] - h[k] - l[k]) / o[k]));
    out.push(ratio(o, c));
    out.push(ratio(h, c));
    out.push(ratio(l, c));
}

/// The window-d features of one stock that need prices only.
fn price_window(s: &Series, d: usize, out: &mut Vec<Vec<f64>>) {
    let c = &s.c;
    let m = c.len();
    let (hi, lo) = if s.h.is_empty() { (c, c) } else { (&s.h, &s.l) };
    out.push(
        (0..m)
            .map(|k| if k >= d { c[k - d] / c[k] } else { f64::NAN })
            .collect(),
    );
    let [ma, sd, slope, rsq] = rolling::mean_std_slope_rsq(c, d);
    out.push(ratio(&ma, c));
    out.push(ratio(&sd, c));
    out.push(ratio(&slope, c));
    out.push(rsq);
    let [mx, mn, amx, amn] = rolling::max_min(hi, lo, d);
    out.push(ratio(&mx, c));
    out.push(ratio(&mn, c));
    out.push(rolling::rank(c, d));
    out.push((0..m).map(|k| (c[k] - mn[k]) / (mx[k] - mn[k])).collect());
    out.push(amx.iter().map(|a| a / d as f64).collect());
    out.push(amn.iter().map(|a| a / d as f64).collect());
    let dc: Vec<f64> = (0..m)
        .map(|k| if k > 0 { c[k] - c[k - 1] } else { f64::NAN })
        .collect();
    let up: Vec<f64> = dc
        .iter()
        .map(|x| {
            if x.is_nan() {
                f64::NAN
            } else {
                (*x > 0.0) as u8 as f64
            }
        })
        .collect();
    out.push(rolling::mean(&up, d));
    let gain: Vec<f64> = dc.iter().map(|x| x.max(0.0) + 0.0 * x).collect();
    let abs: Vec<f64> = dc.iter().map(|x| x.abs()).collect();
    out.push(ratio(&rolling::sum(&gain, d), &rolling::sum(&abs, d)));
}

/// The window-d features of one stock that need volume.
fn volume_window(s: &Series, d: usize, out: &mut Vec<Vec<f64>>) {
    let (c, v) = (&s.c, &s.v);
    let m = c.len();
    let lv: Vec<f64> = v.iter().map(|x| (x + 1.0).ln()).collect();
    out.push(rolling::corr(c, &lv, d));
    let rc: Vec<f64> = (0..m)
        .map(|k| if k > 0 { c[k] / c[k - 1] } else { f64::NAN })
        .collect();
    let rv: Vec<f64> = (0..m)
        .map(|k| {
            if k > 0 {
                (v[k] / v[k - 1] + 1.0).ln()
            } else {
                f64::NAN
            }
        })
        .collect();
    out.push(rolling::corr(&rc, &rv, d));
    let [vm, vs, _, _] = rolling::mean_std_slope_rsq(v, d);
    out.push(ratio(&vm, v));
    out.push(ratio(&vs, v));
    let wv: Vec<f64> = (0..m).map(|k| (rc[k] - 1.0).abs() * v[k]).collect();
    let [wm, ws, _, _] = rolling::mean_std_slope_rsq(&wv, d);
    out.push(ratio(&ws, &wm));
}

/// Raw (unstandardised) features of one stock on its rows, in [`feature_names`] order.
fn stock_features(bars: &Bars<'_>, s: &Series, cfg: &FeatureConfig) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    if bars.ohlc.is_some() {
        kline(s, &mut out);
    }
    if !s.vwap.is_empty() {
        out.push(ratio(&s.vwap, &s.c));
    }
    for &d in &cfg.windows {
        price_window(s, d, &mut out);
        if bars.volume.is_some() {
            volume_window(s, d, &mut out);
        }
        if bars.turnover.is_some() {
            out.push(rolling::mean(&s.turn, d));
        }
    }
    out
}

/// Compute every feature of every stock (raw), then standardise per feature and day.
pub fn compute(bars: &Bars<'_>, cfg: &FeatureConfig) -> Features {
    let n = bars.n;
    let t_len = bars.close.len().checked_div(n).unwrap_or(0);
    let names = feature_names(bars, cfg);
    let nf = names.len();
    // zeroed pages are mapped lazily: the workers fault them in (and write the NaNs)
    // in parallel, where a NaN-filled vector would be written by this thread alone
    let mut values = vec![0.0f32; n * nf * t_len];
    if t_len > 0 && nf > 0 {
        const BLOCK: usize = 16;
        values
            .par_chunks_mut(BLOCK * nf * t_len)
            .enumerate()
            .for_each_init(Block::default, |blk, (b, chunk)| {
                let w = chunk.len() / (nf * t_len);
                blk.gather(bars, t_len, b * BLOCK, w);
                for (jj, out) in chunk.chunks_mut(nf * t_len).enumerate() {
                    let s = series_of(&blk.stock(bars, jj));
                    let cols = stock_features(bars, &s, cfg);
                    // the pages start as zeros: a column the library did not produce
                    // (names and computation out of step) must read as missing, never 0
                    for (f, dst) in out.chunks_mut(t_len).enumerate() {
                        match cols.get(f) {
                            Some(col) => spread_rows(&s.rows, col, dst),
                            None => dst.fill(f32::NAN),
                        }
                    }
                }
            });
        standardise(&mut values, n, nf, t_len);
    }
    Features {
        names,
        t: t_len,
        n,
        values,
    }
}

/// Write a stock's values on its rows into its day column: NaN on the days it has no
/// row or no finite value (each cell written once, the first write of a fresh page).
fn spread_rows(rows: &[usize], col: &[f64], dst: &mut [f32]) {
    let mut next = 0;
    for (&t, x) in rows.iter().zip(col) {
        dst[next..t].fill(f32::NAN);
        dst[t] = if x.is_finite() { *x as f32 } else { f32::NAN };
        next = t + 1;
    }
    dst[next..].fill(f32::NAN);
}

/// Per feature and day: (median, 1.4826·MAD, mean, sample std) of the finite values
/// (mean and std only where MAD = 0, see [`robust_stats`]).
/// Each feature's values are first gathered day-major in tiles of 16 stocks (16
/// sequential reads, one cache line written per day) instead of one strided read per
/// value.
fn day_stats(values: &[f32], n: usize, nf: usize, t_len: usize) -> Vec<[f64; 4]> {
    const TILE: usize = 16;
    let per_feature: Vec<Vec<[f64; 4]>> = (0..nf)
        .into_par_iter()
        // one day-major buffer per thread, every cell rewritten for each feature
        .map_init(
            || vec![f32::NAN; t_len * n],
            |day_major, f| {
                for jb in (0..n).step_by(TILE) {
                    let je = (jb + TILE).min(n);
                    for t in 0..t_len {
                        for j in jb..je {
                            day_major[t * n + j] = values[(j * nf + f) * t_len + t];
                        }
                    }
                }
                let (mut buf, mut keys) = (Vec::with_capacity(n), Vec::with_capacity(n));
                (0..t_len)
                    .map(|t| {
                        buf.clear();
                        buf.extend(
                            day_major[t * n..(t + 1) * n]
                                .iter()
                                .copied()
                                .filter(|x| x.is_finite()),
                        );
                        robust_stats(&buf, &mut keys)
                    })
                    .collect::<Vec<_>>()
            },
        )
        .collect();
    per_feature.into_iter().flatten().collect()
}

/// (median, 1.4826·MAD, mean, sample std) of finite `x` (mean and std NaN when MAD > 0:
/// unused then); NaNs with < 3 values. `keys` is scratch space.
fn robust_stats(x: &[f32], keys: &mut Vec<u32>) -> [f64; 4] {
    let m = x.len();
    if m < 3 {
        return [f64::NAN; 4];
    }
    keys.clear();
    keys.extend(x.iter().map(|v| key(*v)));
    let med = median_of_keys(keys);
    keys.clear();
    keys.extend(x.iter().map(|v| key((*v as f64 - med).abs() as f32)));
    let mad = median_of_keys(keys);
    if mad > 0.0 {
        // the mean and std only stand in when MAD = 0: not summed otherwise (two
        // dependent chains of m additions were a third of this function's time)
        return [med, 1.4826 * mad, f64::NAN, f64::NAN];
    }
    let mean = x.iter().map(|v| *v as f64).sum::<f64>() / m as f64;
    let ss: f64 = x.iter().map(|v| (*v as f64 - mean).powi(2)).sum();
    let sd = (ss / (m as f64 - 1.0)).sqrt();
    [med, 1.4826 * mad, mean, sd]
}

/// An order-preserving integer key of a finite f32 (IEEE bits, sign-folded): selecting
/// on integers keeps the comparison inlined and branch-light.
fn key(v: f32) -> u32 {
    let b = v.to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | (1 << 31)
    }
}

fn unkey(k: u32) -> f32 {
    f32::from_bits(if k >> 31 == 1 { k & !(1 << 31) } else { !k })
}

/// Median of the values behind `keys` (the mean of the two middle values for an even
/// count); reorders `keys`.
fn median_of_keys(keys: &mut [u32]) -> f64 {
    let m = keys.len();
    let (lo_part, hi, _) = keys.select_nth_unstable(m / 2);
    let hi = unkey(*hi) as f64;
    if m % 2 == 1 {
        return hi;
    }
    let lo = unkey(*lo_part.iter().max().expect("m ≥ 2")) as f64;
    (lo + hi) / 2.0
}

/// Median of finite values.
#[cfg(test)]
fn median(x: &[f32]) -> f64 {
    let mut k: Vec<u32> = x.iter().map(|v| key(*v)).collect();
    median_of_keys(&mut k)
}

/// Replace every value by its robust z-score of the day, clipped to ±3.
fn standardise(values: &mut [f32], n: usize, nf: usize, t_len: usize) {
    let stats = day_stats(values, n, nf, t_len);
    values.par_chunks_mut(nf * t_len).for_each(|chunk| {
        for f in 0..nf {
            for t in 0..t_len {
                let x = &mut chunk[f * t_len + t];
                if !x.is_finite() {
                    continue;
                }
                let [med, mad, mean, sd] = stats[f * t_len + t];
                let z = if mad > 0.0 {
                    (*x as f64 - med) / mad
                } else if sd > 0.0 {
                    (*x as f64 - mean) / sd
                } else {
                    f64::NAN
                };
                *x = z.clamp(-3.0, 3.0) as f32;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two stocks over 8 days; stock 1 is suspended on day 3 and makes a 10-for-10
    /// bonus issue on day 5 (close halves, return 0 %, volume doubles).
    fn bars() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let c0 = [10.0, 10.5, 11.0, 10.8, 11.2, 11.5, 11.4, 12.0];
        let c1 = [20.0, 20.4, 20.2, f64::NAN, 20.6, 10.3, 10.5, 10.4];
        let v0 = [1e6; 8];
        let v1 = [2e6, 2e6, 2e6, f64::NAN, 2e6, 4e6, 4e6, 4e6];
        let mut close = Vec::new();
        let mut ret = Vec::new();
        let mut vol = Vec::new();
        for t in 0..8 {
            close.extend([c0[t], c1[t]]);
            vol.extend([v0[t], v1[t]]);
            let r0 = if t > 0 {
                c0[t] / c0[t - 1] - 1.0
            } else {
                f64::NAN
            };
            let r1 = match t {
                0 | 3 => f64::NAN,
                4 => 20.6 / 20.2 - 1.0,
                5 => 0.0,
                _ => c1[t] / c1[t - 1] - 1.0,
            };
            ret.extend([r0, r1]);
        }
        (close, ret, vol)
    }

    #[test]
    fn a_bonus_issue_moves_no_feature_and_a_suspension_is_no_row() {
        let (close, ret, vol) = bars();
        let b = Bars {
            n: 2,
            close: &close,
            returns: &ret,
            ohlc: None,
            volume: Some(&vol),
            amount: None,
            turnover: None,
        };
        let s = series(&b, 8, 1);
        assert_eq!(s.rows, vec![0, 1, 2, 4, 5, 6, 7]);
        // the adjusted close is continuous across the bonus issue (return 0 %)
        assert!((s.c[4] - s.c[3]).abs() < 1e-12, "{:?}", s.c);
        // adjusted volume is flat at 2e6·(20.6/…): no jump on the bonus day
        assert!((s.v[4] / s.v[3] - 1.0).abs() < 1e-12, "{:?}", s.v);
        let cfg = FeatureConfig { windows: vec![2] };
        let raw = stock_features(&b, &s, &cfg);
        let names = feature_names(&b, &cfg);
        let roc = names.iter().position(|x| x == "roc_2").unwrap();
        // row 5 (day 6): C_{k−2} / C_k on adjusted closes
        assert!((raw[roc][5] - s.c[3] / s.c[5]).abs() < 1e-12);
        assert!(raw[roc][1].is_nan());
    }

    #[test]
    fn a_split_without_a_return_carries_the_adjusted_level() {
        // day 2 halves the close with no return (no preclose: the return rules left the
        // move out as a likely ex-rights day)
        let close = [10.0, 10.2, 5.1, 5.2];
        let ret = [f64::NAN, 0.02, f64::NAN, 5.2 / 5.1 - 1.0];
        let b = Bars {
            n: 1,
            close: &close,
            returns: &ret,
            ohlc: None,
            volume: None,
            amount: None,
            turnover: None,
        };
        let s = series(&b, 4, 0);
        assert!((s.c[2] - s.c[1]).abs() < 1e-12, "{:?}", s.c);
        assert!((s.c[3] / s.c[2] - 5.2 / 5.1).abs() < 1e-12);
    }

    #[test]
    fn features_read_no_later_row() {
        let (close, ret, vol) = bars();
        let cfg = FeatureConfig {
            windows: vec![2, 3],
        };
        let b = Bars {
            n: 2,
            close: &close,
            returns: &ret,
            ohlc: None,
            volume: Some(&vol),
            amount: None,
            turnover: None,
        };
        let s = series(&b, 8, 0);
        let full = stock_features(&b, &s, &cfg);
        // cut the data after day 5: rows up to 5 are unchanged
        let (c2, r2, v2) = (&close[..12], &ret[..12], &vol[..12]);
        let b2 = Bars {
            close: c2,
            returns: r2,
            volume: Some(v2),
            ..b
        };
        let s2 = series(&b2, 6, 0);
        let cut = stock_features(&b2, &s2, &cfg);
        for (a, b) in full.iter().zip(&cut) {
            for k in 0..6 {
                assert!(a[k] == b[k] || (a[k].is_nan() && b[k].is_nan()));
            }
        }
    }

    #[test]
    fn standardised_values_are_robust_z_scores_clipped_at_three() {
        // one feature, one day, 7 stocks: median 3, MAD 1
        let mut v: Vec<f32> = vec![1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 100.0];
        standardise(&mut v, 7, 1, 1);
        let k = 1.4826f64;
        assert!((v[0] as f64 - (-2.0 / k)).abs() < 1e-6, "{v:?}");
        assert_eq!(v[6], 3.0);
        // MAD = 0 but not constant: the mean and sample std stand in
        // (values 1,1,1,1,6: mean 2, std √5)
        let mut w: Vec<f32> = vec![1.0, 1.0, 6.0, 1.0, 1.0];
        standardise(&mut w, 5, 1, 1);
        assert!((w[0] as f64 + 1.0 / 5f64.sqrt()).abs() < 1e-6, "{w:?}");
        assert!((w[2] as f64 - 4.0 / 5f64.sqrt()).abs() < 1e-6, "{w:?}");
        // a constant cross-section has no z
        let mut c: Vec<f32> = vec![2.0; 5];
        standardise(&mut c, 5, 1, 1);
        assert!(c.iter().all(|x| x.is_nan()));
    }

    #[test]
    fn medians_by_integer_keys_order_negative_and_positive_values() {
        assert_eq!(median(&[3.0, -1.0, 2.0]), 2.0);
        assert_eq!(median(&[-3.0, -1.0, -2.0, -4.0]), -2.5);
        assert_eq!(median(&[0.0, -0.5, 1e-30, -1e30, 7.0]), 0.0);
        for v in [-2.5f32, -0.0, 0.0, 1e-40, 3.0, f32::MAX] {
            assert_eq!(unkey(key(v)).to_bits(), v.to_bits());
        }
    }

    /// Every combination of optional fields: the library computes exactly the columns
    /// `feature_names` lists (the output's pages start as zeros, so a column missing
    /// from the computation would otherwise read as 0).
    #[test]
    fn names_and_computed_columns_agree_for_every_field_combination() {
        let (close, ret, vol) = bars();
        let other = vec![1.0; close.len()];
        let cfg = FeatureConfig {
            windows: vec![2, 3],
        };
        for mask in 0..16u8 {
            let b = Bars {
                n: 2,
                close: &close,
                returns: &ret,
                ohlc: (mask & 1 != 0).then_some([&other[..], &other[..], &other[..]]),
                volume: (mask & 2 != 0).then_some(&vol[..]),
                amount: (mask & 4 != 0).then_some(&other[..]),
                turnover: (mask & 8 != 0).then_some(&other[..]),
            };
            let s = series(&b, 8, 0);
            let names = feature_names(&b, &cfg);
            assert_eq!(
                stock_features(&b, &s, &cfg).len(),
                names.len(),
                "fields {mask:04b}"
            );
            let f = compute(&b, &cfg);
            assert_eq!(f.values.len(), 2 * names.len() * 8);
            assert!(f.values.iter().all(|v| v.is_nan() || v.abs() <= 3.0));
        }
    }

    #[test]
    fn empty_inputs_give_empty_features() {
        let b = Bars {
            n: 0,
            close: &[],
            returns: &[],
            ohlc: None,
            volume: None,
            amount: None,
            turnover: None,
        };
        let f = compute(&b, &FeatureConfig::default());
        assert!(f.values.is_empty());
        assert_eq!(f.names.len(), 65);
    }
}
