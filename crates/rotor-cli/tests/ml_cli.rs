//! `rotor ml features`: a job file on a simulated stock store writes features.parquet
//! (date, asset, one column per feature) and labels.parquet; bad job files are refused
//! naming the file and the expected form.

mod common;

use common::{ok, p, rotor};
use std::fs;

#[test]
fn ml_features_writes_both_tables_and_refuses_bad_job_files() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("stocks");
    ok(&rotor(&[
        "-q",
        "sim",
        "--stocks",
        "60",
        "--years",
        "1",
        "--out",
        p(&store),
    ]));
    let job = d.path().join("ml.toml");
    fs::write(
        &job,
        "store = \"stocks\"\nstart = \"2015-03-02\"\nhorizon = 20\nwindows = [5, 20]\n",
    )
    .unwrap();
    let out = d.path().join("ml");
    let o = rotor(&["ml", "features", "--config", p(&job), "--out", p(&out)]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    // vwap0 and 2 windows × (13 price + 5 volume + 1 turnover) features
    assert!(err.contains("39 features of 60 stocks"), "{err}");
    assert!(err.contains("horizon 20 days"), "{err}");
    assert!(
        err.contains("k-line features (open / high / low): not in the store"),
        "{err}"
    );
    let f = rotor_data::import::reader::read_file(&out.join("features.parquet"), None).unwrap();
    assert_eq!(
        &f.headers[..4],
        ["date", "asset", "vwap0", "roc_5"],
        "{:?}",
        f.headers
    );
    assert_eq!(f.headers.len(), 2 + 39);
    assert!(f.headers.iter().any(|h| h == "turn_20"));
    assert!(!f.rows.is_empty());
    assert!(out.join("labels.parquet").exists());
    for (text, want) in [
        (
            "store = \"stocks\"\nwindow = [5]\n",
            "expected keys store, start",
        ),
        (
            "store = \"stocks\"\nwindows = [1]\n",
            "windows must be a non-empty list",
        ),
        (
            "store = \"stocks\"\nstart = \"2015/03/02\"\n",
            "expected YYYY-MM-DD",
        ),
        ("horizon = 5\n", "no store"),
    ] {
        fs::write(&job, text).unwrap();
        let o = rotor(&["ml", "features", "--config", p(&job), "--out", p(&out)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains(want) && err.contains("ml.toml"),
            "{text}: {err}"
        );
    }
}
