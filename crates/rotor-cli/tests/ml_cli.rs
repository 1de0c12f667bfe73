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
    predict_scores_the_features_file(d.path(), &out.join("features.parquet"));
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

/// A one-split model on `roc_5` (≤ 0 → 1, else −1; missing → right) scores every row of
/// the features file by its own rule; a model needing a column the file lacks is refused.
fn predict_scores_the_features_file(dir: &std::path::Path, features: &std::path::Path) {
    let model = "tree\nversion=v4\nnum_class=1\nmax_feature_idx=1\nobjective=regression\n\
                 feature_names=ma_5 roc_5\n\nTree=0\nnum_leaves=2\nsplit_feature=1\n\
                 threshold=0\ndecision_type=8\nleft_child=-1\nright_child=-2\n\
                 leaf_value=1 -1\n\nend of trees\n";
    let m = dir.join("model.txt");
    fs::write(&m, model).unwrap();
    let out = dir.join("pred/predictions.parquet");
    ok(&rotor(&[
        "ml",
        "predict",
        "--model",
        p(&m),
        "--features",
        p(features),
        "--out",
        p(&out),
    ]));
    let roc = rotor_data::longfile::read_long(features, Some("roc_5")).unwrap();
    let pred = rotor_data::longfile::read_long(&out, Some("value"))
        .unwrap()
        .reindex(&roc.dates, &roc.assets);
    let mut checked = 0;
    for (r, v) in roc.values.iter().zip(&pred.values) {
        if r.is_finite() {
            assert_eq!(*v, if *r <= 0.0 { 1.0 } else { -1.0 });
            checked += 1;
        }
    }
    assert!(checked > 5000, "{checked} predictions checked");
    fs::write(&m, model.replace("ma_5 roc_5", "ma_5 nope")).unwrap();
    let o = rotor(&[
        "ml",
        "predict",
        "--model",
        p(&m),
        "--features",
        p(features),
        "--out",
        p(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`nope`") && err.contains("features.parquet"),
        "{err}"
    );
}

#[test]
fn ml_train_walks_forward_and_resumes_from_its_models() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("stocks");
    ok(&rotor(&[
        "-q",
        "sim",
        "--stocks",
        "80",
        "--years",
        "2",
        "--out",
        p(&store),
    ]));
    let job = d.path().join("ml.toml");
    fs::write(
        &job,
        "store = \"stocks\"\nhorizon = 5\nwindows = [5, 20]\nretrain_months = 3\niterations = 20\ngru_hidden = 4\ngru_epochs = 1\nseq_len = 10\ngbdt_train_pool = \"000300.SH\"\n",
    )
    .unwrap();
    let out = d.path().join("train");
    let o = rotor(&["ml", "train", "--config", p(&job), "--out", p(&out)]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("walk-forward gbdt:")
            && err.contains("walk-forward gru:")
            && err.contains("walk-forward ensemble:")
            && err.contains("(0 read from the cache)")
            && err.contains("the GBDT trains on 000300.SH's point-in-time members"),
        "{err}"
    );
    for f in ["predictions.parquet", "windows.csv", "summary.json"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let windows = fs::read_to_string(out.join("windows.csv")).unwrap();
    let n = windows.lines().count() - 1;
    let per_model = windows.lines().filter(|l| l.starts_with("gru,")).count();
    assert!(per_model >= 2 && n == 2 * per_model, "{windows}");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["windows"], n);
    for m in ["gbdt", "gru", "ensemble"] {
        assert!(
            summary["rank_ic"][m]["rank_ic_mean"]
                .as_f64()
                .unwrap()
                .abs()
                < 0.5
        );
        let select = rotor_data::longfile::RowFilter {
            column: "model",
            equals: m,
        };
        let pred = rotor_data::longfile::read_long_where(
            &out.join("predictions.parquet"),
            Some("value"),
            Some(select),
        )
        .unwrap();
        assert!(
            pred.values.iter().filter(|v| v.is_finite()).count() > 1000,
            "{m}"
        );
    }
    // the RankIC within CSI 300 (the 80-stock market's whole index) per model
    let pools = fs::read_to_string(out.join("pools.csv")).unwrap();
    for m in ["gbdt", "gru", "ensemble"] {
        let row = pools
            .lines()
            .find(|l| l.starts_with(&format!("000300.SH,{m},")))
            .unwrap_or_else(|| panic!("{pools}"));
        let ic: f64 = row.split(',').nth(4).unwrap().parse().unwrap();
        assert!(ic.is_finite() && ic.abs() < 0.5, "{row}");
    }
    // the ensemble evaluated like any factor within CSI 300 (`rotor eval --pool --select`)
    eval_within_pool(&store, &out, d.path());
    // the second run reads every window's model
    let o = rotor(&["ml", "train", "--config", p(&job), "--out", p(&out)]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains(&format!("({per_model} read from the cache)")),
        "{err}"
    );
    assert!(!err.contains("(0 read from the cache)"), "{err}");
    // an unknown model is refused with the choices
    fs::write(&job, "store = \"stocks\"\nmodels = [\"lstm\"]\n").unwrap();
    let o = rotor(&["ml", "train", "--config", p(&job), "--out", p(&out)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\"lstm\"") && err.contains("\"gbdt\" or \"gru\""),
        "{err}"
    );
    // too little history is refused with the reason
    fs::write(&job, "store = \"stocks\"\nend = \"2015-06-30\"\n").unwrap();
    let o = rotor(&["ml", "train", "--config", p(&job), "--out", p(&out)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("too few for a first window"), "{err}");
}

/// `rotor eval --select model=ensemble --pool 000300.SH`: only the index's point-in-time
/// members are kept (counted here independently from the weights table), the config
/// records the pool; a pool without weights is refused.
fn eval_within_pool(store: &std::path::Path, train: &std::path::Path, dir: &std::path::Path) {
    use rotor_data::schema::Dataset;
    let st = rotor_data::store::Store::open(store).unwrap();
    let prices = st.read(Dataset::Prices).unwrap();
    let mut csv = String::from("date,asset,close\n");
    let (c, d, v) = (
        prices.str_col("code"),
        prices.date_col("date"),
        prices.f64_col("close"),
    );
    for i in 0..prices.len() {
        if v[i].is_finite() {
            let day = rotor_data::table::days_to_date(d[i].unwrap());
            csv.push_str(&format!("{day},{},{}\n", c[i].as_deref().unwrap(), v[i]));
        }
    }
    let pf = dir.join("closes.csv");
    fs::write(&pf, csv).unwrap();
    // members by snapshot date, from the weights table
    let w = st.read(Dataset::Weights).unwrap();
    let mut snaps: std::collections::BTreeMap<
        chrono::NaiveDate,
        std::collections::HashSet<String>,
    > = Default::default();
    for i in 0..w.len() {
        if w.str_col("index_code")[i].as_deref() == Some("000300.SH") {
            let day = rotor_data::table::days_to_date(w.date_col("date")[i].unwrap());
            snaps
                .entry(day)
                .or_default()
                .insert(w.str_col("code")[i].as_deref().unwrap().to_string());
        }
    }
    let select = rotor_data::longfile::RowFilter {
        column: "model",
        equals: "ensemble",
    };
    let pred = rotor_data::longfile::read_long_where(
        &train.join("predictions.parquet"),
        Some("value"),
        Some(select),
    )
    .unwrap();
    let n = pred.assets.len();
    let mut want = 0;
    for (t, day) in pred.dates.iter().enumerate() {
        if let Some((_, m)) = snaps.range(..=*day).next_back() {
            want += (0..n)
                .filter(|&j| pred.values[t * n + j].is_finite() && m.contains(&pred.assets[j]))
                .count();
        }
    }
    let out = dir.join("eval300");
    let args = |pool: &str| {
        vec![
            "eval".to_string(),
            "--factor".into(),
            p(&train.join("predictions.parquet")).into(),
            "--select".into(),
            "model=ensemble".into(),
            "--prices".into(),
            p(&pf).into(),
            "--periods".into(),
            "5".into(),
            "--quantiles".into(),
            "10".into(),
            "--pool".into(),
            pool.into(),
            "--store".into(),
            p(store).into(),
            "--out".into(),
            p(&out).into(),
            "--no-report".into(),
        ]
    };
    let a: Vec<String> = args("000300.SH");
    let o = rotor(&a.iter().map(String::as_str).collect::<Vec<_>>());
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("within 000300.SH: {want} factor values")) && want > 1000,
        "{want}: {err}"
    );
    let cfg = fs::read_to_string(out.join("config.toml")).unwrap();
    assert!(
        cfg.contains("pool = \"000300.SH\"") && cfg.contains("model=ensemble"),
        "{cfg}"
    );
    let a: Vec<String> = args("000905.SH");
    let o = rotor(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0));
    assert!(err.contains("no weights of 000905.SH"), "{err}");
}
