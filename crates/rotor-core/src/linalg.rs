//! Small dense linear algebra shared by the regressions (the risk model's cross-sections,
//! the funds' rolling OLS): the normal equations of a least-squares fit with a few
//! regressors, solved by Cholesky. A regressor with no information (an empty industry, a
//! constant column) makes the system singular; [`solve_spd`] names the pivot so the
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
}
