//! Properties of the operators (proptest) and the SPEC §14.2 orthogonality tests.

use proptest::prelude::*;
use rotor_core::ops::{cross, resid, series};

fn with_nans() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(
        prop_oneof![4 => -1e3f64..1e3, 1 => Just(f64::NAN), 1 => (-3i32..3).prop_map(|v| v as f64)],
        0..60,
    )
}

proptest! {
    #[test]
    fn argsort_matches_a_stable_total_cmp_sort(
        x in prop::collection::vec(
            prop_oneof![
                Just(f64::NAN), Just(0.0), Just(-0.0), Just(f64::INFINITY),
                Just(f64::NEG_INFINITY), Just(1.5), Just(-1.5), -1e6..1e6f64
            ],
            0..700,
        )
    ) {
        let mut want: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
        want.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
        let mut got = Vec::new();
        cross::argsort_into(&x, &mut got);
        prop_assert_eq!(got, want);
    }

    #[test]
    fn rank_pct_is_bounded_and_nan_preserving(x in with_nans()) {
        let p = cross::cs_rank_pct(&x);
        for (a, b) in x.iter().zip(&p) {
            prop_assert_eq!(a.is_nan(), b.is_nan());
            if !b.is_nan() { prop_assert!((0.0..=1.0).contains(b)); }
        }
        // average ranks sum to n(n+1)/2
        let r = cross::rank_avg(&x);
        let n = x.iter().filter(|v| !v.is_nan()).count() as f64;
        let s: f64 = r.iter().filter(|v| !v.is_nan()).sum();
        prop_assert!((s - n * (n + 1.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn cross_section_ops_commute_with_permutation(x in with_nans(), seed in 0u64..1000) {
        let n = x.len();
        let mut perm: Vec<usize> = (0..n).collect();
        // deterministic shuffle
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let px: Vec<f64> = perm.iter().map(|&i| x[i]).collect();
        let (a, b) = (cross::cs_rank_pct(&x), cross::cs_rank_pct(&px));
        let (mut za, mut zb) = (x.clone(), px.clone());
        cross::standardize(&mut za, 3.0);
        cross::standardize(&mut zb, 3.0);
        for (k, &i) in perm.iter().enumerate() {
            prop_assert!(a[i].to_bits() == b[k].to_bits() || (a[i].is_nan() && b[k].is_nan()));
            prop_assert!((za[i] - zb[k]).abs() < 1e-9 || (za[i].is_nan() && zb[k].is_nan()));
        }
    }

    #[test]
    fn z_scores_have_zero_mean_unit_sd_or_are_all_nan(x in with_nans()) {
        let mut z = x.clone();
        cross::cs_z(&mut z);
        let v: Vec<f64> = z.iter().copied().filter(|v| !v.is_nan()).collect();
        if !v.is_empty() {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let sd = (v.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt();
            prop_assert!(m.abs() < 1e-9 && (sd - 1.0).abs() < 1e-9);
        }
        for (a, b) in x.iter().zip(&z) { if a.is_nan() { prop_assert!(b.is_nan()); } }
    }

    #[test]
    fn ts_pct_is_bounded(x in with_nans(), w in 2usize..20) {
        for (a, p) in x.iter().zip(series::ts_pct(&x, w, 2)) {
            if a.is_nan() { prop_assert!(p.is_nan()); }
            if !p.is_nan() { prop_assert!((0.0..=1.0).contains(&p)); }
        }
    }

    #[test]
    fn residual_is_orthogonal_and_idempotent(
        rows in proptest::collection::vec((-5.0f64..5.0, -5.0f64..5.0, -5.0f64..5.0, 0u32..4), 12..80)
    ) {
        let x: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let e1: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let e2: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let ind: Vec<Option<u32>> = rows.iter().map(|r| Some(r.3)).collect();
        let e = resid::residualize(&x, &[&e1, &e2], Some(&ind));
        // Xᵀe = 0 for the constant, each exposure and each dummy (SPEC §14.2: 1e-10)
        let dot = |a: &[f64]| a.iter().zip(&e).map(|(p, q)| p * q).sum::<f64>();
        prop_assert!(dot(&vec![1.0; x.len()]).abs() < 1e-10);
        prop_assert!(dot(&e1).abs() < 1e-10 && dot(&e2).abs() < 1e-10);
        for g in 0..4 {
            let d: Vec<f64> = ind.iter().map(|i| if *i == Some(g) { 1.0 } else { 0.0 }).collect();
            prop_assert!(dot(&d).abs() < 1e-10);
        }
        // residualising twice equals once
        let ee = resid::residualize(&e, &[&e1, &e2], Some(&ind));
        for (a, b) in e.iter().zip(&ee) { prop_assert!((a - b).abs() < 1e-10); }
        // a linear combination of the exposures leaves nothing
        let lin: Vec<f64> = (0..x.len()).map(|i| 0.3 + 2.0 * e1[i] - 0.5 * e2[i]).collect();
        for v in resid::residualize(&lin, &[&e1, &e2], Some(&ind)) { prop_assert!(v.abs() < 1e-10); }
    }
}

#[test]
fn neutralise_twice_equals_once_and_missing_rows_stay_missing() {
    let x = [1.0, 4.0, 2.0, 8.0, 5.0, f64::NAN, 3.0];
    let s = [0.5, 1.0, -0.2, 2.0, 0.1, 1.0, f64::NAN];
    let n1 = resid::neutralize(&x, &[&s], None);
    let n2 = resid::neutralize(&n1, &[&s], None);
    assert!(n1[5].is_nan() && n1[6].is_nan());
    for (a, b) in n1.iter().zip(&n2) {
        assert!((a - b).abs() < 1e-10 || (a.is_nan() && b.is_nan()));
    }
}
