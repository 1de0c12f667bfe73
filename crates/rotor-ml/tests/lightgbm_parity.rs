//! A LightGBM model trained and saved in Python (`tools/parity/gen_lightgbm.py`,
//! LightGBM 4.7) predicts in rotor what it predicts in LightGBM, on 300 rows with
//! missing values: the regression model (60 trees) and the binary one (20 trees,
//! through the sigmoid).

use rotor_ml::lightgbm::LightGbm;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn rotor_predicts_what_lightgbm_predicts() {
    let reg = LightGbm::load(&fixture("lgb_regression.txt")).unwrap();
    let bin = LightGbm::load(&fixture("lgb_binary.txt")).unwrap();
    assert_eq!((reg.n_trees(), bin.n_trees()), (60, 20));
    assert_eq!(reg.feature_names.len(), 8);
    let text = std::fs::read_to_string(fixture("lgb_rows.csv")).unwrap();
    let (mut rows, mut missing) = (0, 0);
    let (mut worst_r, mut worst_b) = (0.0f64, 0.0f64);
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line
            .split(',')
            .map(|c| {
                if c.is_empty() {
                    f64::NAN
                } else {
                    c.parse().unwrap()
                }
            })
            .collect();
        let (x, want_r, want_b) = (&v[..8], v[8], v[9]);
        missing += x.iter().filter(|c| c.is_nan()).count();
        worst_r = worst_r.max((reg.predict(x) - want_r).abs());
        worst_b = worst_b.max((bin.predict(x) - want_b).abs());
        rows += 1;
    }
    assert_eq!(rows, 300);
    assert!(missing > 20, "{missing} missing cells exercised");
    eprintln!("max |rotor − LightGBM|: regression {worst_r:.1e}, binary {worst_b:.1e}");
    assert!(worst_r < 1e-12 && worst_b < 1e-12, "{worst_r} {worst_b}");
}
