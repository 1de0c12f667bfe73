//! Feature binning: each feature's values cut into at most 255 value bins (equal-count
//! quantiles of a row sample, cuts midway between neighbouring distinct values, LightGBM's
//! scheme), bin 0 reserved for missing values (NaN).
//!
//! With cuts `c₁ < … < c_m` a value `v` falls in bin `1 + #{k : c_k < v}`, so "bin ≤ t"
//! is exactly "`v ≤ c_t`": a split found on bins is applied to raw values through the cut.

use rayon::prelude::*;

/// Value bins per feature at most (bin 0 is the missing bin, so a bin fits a `u8`).
pub(crate) const MAX_VALUE_BINS: usize = 255;

/// The cuts of every feature.
#[derive(Debug, Clone)]
pub(crate) struct BinMapper {
    /// Per feature, ascending cuts (`value bins − 1` of them).
    pub cuts: Vec<Vec<f64>>,
}

impl BinMapper {
    /// Cuts from column-major `data` (`cols × rows`), reading at most `sample` rows
    /// (evenly spaced, the first included) per feature.
    pub fn fit(data: &[f64], rows: usize, cols: usize, sample: usize) -> Self {
        let take = sample.clamp(1, rows.max(1));
        let cuts = (0..cols)
            .into_par_iter()
            .map(|f| {
                let col = &data[f * rows..(f + 1) * rows];
                let mut v: Vec<f64> = (0..take)
                    .map(|k| col[k * rows / take])
                    .filter(|x| !x.is_nan())
                    .collect();
                v.sort_unstable_by(f64::total_cmp);
                cuts_of_sorted(&v, MAX_VALUE_BINS)
            })
            .collect();
        BinMapper { cuts }
    }

    /// Value bins of feature `f` (bins `1..=n`).
    pub fn value_bins(&self, f: usize) -> usize {
        self.cuts[f].len() + 1
    }

    /// Bin of one value of feature `f`.
    #[inline]
    pub fn bin(&self, f: usize, v: f64) -> u8 {
        if v.is_nan() {
            0
        } else {
            // at most 254 cuts: the bin is at most 255
            (1 + self.cuts[f].partition_point(|&c| c < v)) as u8
        }
    }

    /// Column-major bins of column-major `data`.
    pub fn transform(&self, data: &[f64], rows: usize) -> Vec<u8> {
        let mut out = vec![0u8; data.len()];
        if rows == 0 {
            return out;
        }
        out.par_chunks_mut(rows)
            .zip(data.par_chunks(rows))
            .enumerate()
            .for_each(|(f, (o, col))| {
                for (b, &v) in o.iter_mut().zip(col) {
                    *b = self.bin(f, v);
                }
            });
        out
    }
}

/// Cuts of ascending values into at most `bins` equal-count bins: every distinct value
/// its own bin when there are few enough, else a cut at the first change of value at or
/// after each `k · n / bins`; each cut lies midway between two neighbouring distinct
/// values (never at the upper one).
fn cuts_of_sorted(v: &[f64], bins: usize) -> Vec<f64> {
    let mid = |a: f64, b: f64| {
        let m = a + (b - a) * 0.5;
        if m >= b {
            a
        } else {
            m
        }
    };
    let mut cuts: Vec<f64> = Vec::new();
    let distinct = 1 + v.windows(2).filter(|w| w[0] < w[1]).count();
    if v.is_empty() || distinct == 1 {
        return cuts;
    }
    if distinct <= bins {
        for w in v.windows(2).filter(|w| w[0] < w[1]) {
            cuts.push(mid(w[0], w[1]));
        }
        return cuts;
    }
    let n = v.len();
    for k in 1..bins {
        let mut j = (k * n / bins).max(1);
        while j < n && v[j - 1] >= v[j] {
            j += 1;
        }
        if j >= n {
            break;
        }
        let c = mid(v[j - 1], v[j]);
        if cuts.last().is_none_or(|&l| c > l) {
            cuts.push(c);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_a_bin_each_and_bins_match_cuts() {
        let data = [3.0, 1.0, 2.0, 1.0, f64::NAN, 3.0];
        let m = BinMapper::fit(&data, 6, 1, 1000);
        assert_eq!(m.cuts[0], vec![1.5, 2.5]);
        assert_eq!(m.transform(&data, 6), vec![3, 1, 2, 1, 0, 3]);
        // "bin ≤ t" ⟺ "v ≤ cut t"
        for v in [0.0, 1.0, 1.5, 1.6, 2.5, 9.0] {
            let b = m.bin(0, v) as usize;
            for t in 1..m.value_bins(0) {
                assert_eq!(b <= t, v <= m.cuts[0][t - 1], "{v} {t}");
            }
        }
    }

    #[test]
    fn many_values_get_equal_count_bins_and_empty_or_constant_columns_one() {
        let v: Vec<f64> = (0..10_000).map(|i| f64::from(i) * 0.5).collect();
        let c = cuts_of_sorted(&v, 255);
        assert_eq!(c.len(), 254);
        assert!(c.windows(2).all(|w| w[0] < w[1]));
        let m = BinMapper { cuts: vec![c] };
        let mut count = [0usize; 256];
        for &x in &v {
            count[m.bin(0, x) as usize] += 1;
        }
        assert_eq!(count[0], 0);
        assert!(
            count[1..].iter().all(|&n| (39..=40).contains(&n)),
            "{count:?}"
        );
        assert!(cuts_of_sorted(&[], 255).is_empty());
        assert!(cuts_of_sorted(&[2.0; 50], 255).is_empty());
        let m = BinMapper::fit(&[f64::NAN; 4], 4, 1, 10);
        assert_eq!(m.value_bins(0), 1);
    }

    #[test]
    fn heavy_ties_do_not_make_empty_or_repeated_cuts() {
        let mut v = vec![0.0; 9000];
        v.extend((0..1000).map(f64::from));
        v.sort_unstable_by(f64::total_cmp);
        let c = cuts_of_sorted(&v, 255);
        assert!(c.windows(2).all(|w| w[0] < w[1]));
        assert!(c[0] > 0.0 && c[0] < 1.0);
    }
}
