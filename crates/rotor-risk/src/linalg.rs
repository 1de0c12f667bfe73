//! Small dense linear algebra for cross-sectional regressions: the normal equations of
//! a weighted least-squares fit with few regressors (tens), solved by Cholesky. A
//! regressor with no information on a date (an industry without stocks, a style that
//! is constant zero) makes the system singular; [`solve_spd`] reports the pivot so the
//! caller can drop the column instead of returning garbage.

/// Solve `A x = b` for a symmetric positive definite `A` (row-major, n × n) in place:
/// on success `b` holds `x`. `Err(k)` when the k-th pivot is not positive relative to
/// the diagonal (rank deficiency).
pub fn solve_spd(a: &mut [f64], b: &mut [f64], n: usize) -> Result<(), usize> {
    debug_assert_eq!(a.len(), n * n);
    debug_assert_eq!(b.len(), n);
    let scale = (0..n).map(|i| a[i * n + i].abs()).fold(0.0, f64::max);
    let tol = scale * 1e-13;
    // A = L Lᵀ, L stored in the lower triangle
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d.is_nan() || d <= tol {
            return Err(j);
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    // L y = b
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    // Lᵀ x = y
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    Ok(())
}

/// `Rᵀ A R` for a symmetric `A` (p × p) and `R` (p × q), row-major.
pub fn congruence(a: &[f64], r: &[f64], p: usize, q: usize) -> Vec<f64> {
    // AR (p × q)
    let mut ar = vec![0.0; p * q];
    for i in 0..p {
        for k in 0..p {
            let v = a[i * p + k];
            if v == 0.0 {
                continue;
            }
            for j in 0..q {
                ar[i * q + j] += v * r[k * q + j];
            }
        }
    }
    let mut out = vec![0.0; q * q];
    for k in 0..p {
        for i in 0..q {
            let rki = r[k * q + i];
            if rki == 0.0 {
                continue;
            }
            for j in 0..q {
                out[i * q + j] += rki * ar[k * q + j];
            }
        }
    }
    out
}

/// `Rᵀ b` for `R` (p × q).
pub fn transpose_times(r: &[f64], b: &[f64], p: usize, q: usize) -> Vec<f64> {
    let mut out = vec![0.0; q];
    for k in 0..p {
        if b[k] == 0.0 {
            continue;
        }
        for j in 0..q {
            out[j] += r[k * q + j] * b[k];
        }
    }
    out
}

/// `R g` for `R` (p × q).
pub fn times(r: &[f64], g: &[f64], p: usize, q: usize) -> Vec<f64> {
    (0..p)
        .map(|k| (0..q).map(|j| r[k * q + j] * g[j]).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        // A = [[4, 2], [2, 3]], b = [2, 1] → x = [0.5, 0]
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![2.0, 1.0];
        solve_spd(&mut a, &mut b, 2).unwrap();
        assert!((b[0] - 0.5).abs() < 1e-15 && b[1].abs() < 1e-15, "{b:?}");
    }

    #[test]
    fn a_singular_system_names_its_pivot() {
        let mut a = vec![1.0, 1.0, 1.0, 1.0];
        let mut b = vec![1.0, 1.0];
        assert_eq!(solve_spd(&mut a, &mut b, 2), Err(1));
        let mut a = vec![0.0; 4];
        assert_eq!(solve_spd(&mut a, &mut [0.0, 0.0], 2), Err(0));
    }

    #[test]
    fn congruence_matches_the_product() {
        let a = [2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0];
        // R drops the last coordinate into −(first + second)
        let r = [1.0, 0.0, 0.0, 1.0, -1.0, -1.0];
        let c = congruence(&a, &r, 3, 2);
        // by hand: Rᵀ A R
        assert_eq!(c, vec![6.0, 4.0, 4.0, 5.0]);
        assert_eq!(
            transpose_times(&r, &[1.0, 2.0, 3.0], 3, 2),
            vec![-2.0, -1.0]
        );
        assert_eq!(times(&r, &[1.0, 2.0], 3, 2), vec![1.0, 2.0, -3.0]);
    }
}
