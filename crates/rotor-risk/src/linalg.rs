//! The change of variables of a constrained regression (`Rᵀ A R`, `Rᵀ b`, `R g`); the
//! Cholesky solve is rotor-core's ([`rotor_core::linalg::solve_spd`]).

pub use rotor_core::linalg::solve_spd;

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
