//! Store integrity under concurrent writers and crashes (issue: a store that is never
//! corrupted). Every test runs the real binary:
//!
//! - two imports into one store at once both land (the writer's lock), and a reader
//!   polling the store meanwhile only ever sees a finished commit;
//! - `--no-wait` fails clearly while another writer holds the lock;
//! - a commit killed at each of its steps leaves the old store or the new one, never a
//!   mix, readable by `pd.read_parquet` (scripts/read_store_pandas.py) and passing
//!   `data check`; the next import cleans the remains;
//! - a store of the earlier layout (with a stale `data.parquet.tmp` left by a kill) is
//!   reported by `data check` and migrated by the next import.

mod common;

use common::{ok, p};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rotor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
}

/// A long price file: `codes` codes × `days` weekdays from 2015-01-05.
fn write_prices(path: &Path, prefix: &str, codes: usize, days: usize) -> usize {
    let mut s = String::from("code,date,open,high,low,close,volume,amount\n");
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 5).unwrap();
    for c in 0..codes {
        let code = format!("{prefix}{c:03}.SH");
        let mut d = start;
        let mut px = 1.0 + c as f64 * 0.01;
        for k in 0..days {
            px *= 1.0 + ((k * 7 + c) % 11) as f64 * 1e-3 - 5e-3;
            writeln!(
                s,
                "{code},{d},{px:.4},{:.4},{:.4},{px:.4},{},{:.2}",
                px * 1.01,
                px * 0.99,
                1000 + k,
                (1000 + k) as f64 * px
            )
            .unwrap();
            d = d.succ_opt().unwrap();
            while chrono::Datelike::weekday(&d).number_from_monday() > 5 {
                d = d.succ_opt().unwrap();
            }
        }
    }
    std::fs::write(path, s).unwrap();
    codes * days
}

/// Valuation rows for the same codes and days.
fn write_valuation(path: &Path, prefix: &str, codes: usize, days: usize) -> usize {
    let mut s = String::from("code,date,pe_ttm,pb\n");
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 5).unwrap();
    for c in 0..codes {
        let mut d = start;
        for k in 0..days {
            writeln!(
                s,
                "{prefix}{c:03}.SH,{d},{:.2},{:.3}",
                10.0 + (k % 30) as f64 * 0.1,
                1.0 + (k % 9) as f64 * 0.05
            )
            .unwrap();
            d = d.succ_opt().unwrap();
        }
    }
    std::fs::write(path, s).unwrap();
    codes * days
}

/// A monthly macro series with release dates.
fn write_macro(path: &Path, series: &str, months: usize) -> usize {
    let mut s = format!("period,release_date,{series}\n");
    for m in 0..months {
        let (y, mo) = (2015 + (m / 12) as i32, (m % 12) as u32 + 1);
        let end = if mo == 12 {
            chrono::NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            chrono::NaiveDate::from_ymd_opt(y, mo + 1, 1)
        }
        .unwrap()
        .pred_opt()
        .unwrap();
        let rel = end + chrono::Days::new(12);
        writeln!(s, "{end},{rel},{:.1}", 8.0 + (m % 5) as f64 * 0.3).unwrap();
    }
    std::fs::write(path, s).unwrap();
    months
}

/// Files and a mapping for one multi-dataset import; returns (mapping, rows per dataset).
fn bundle(dir: &Path, tag: &str, prefix: &str, series: &str) -> (PathBuf, [usize; 3]) {
    std::fs::create_dir_all(dir).unwrap();
    let n_p = write_prices(&dir.join(format!("p_{tag}.csv")), prefix, 4, 300);
    let n_v = write_valuation(&dir.join(format!("v_{tag}.csv")), prefix, 4, 300);
    let n_m = write_macro(&dir.join(format!("m_{tag}.csv")), series, 24);
    let mapping = dir.join(format!("{tag}.toml"));
    std::fs::write(
        &mapping,
        format!(
            r#"
[[import]]
path = "p_{tag}.csv"
dataset = "prices"
asset_type = "etf"
source = "test"

[[import]]
path = "v_{tag}.csv"
dataset = "valuation"
source = "test"

[[import]]
path = "m_{tag}.csv"
dataset = "macro"
period = "month"
source = "test"
"#
        ),
    )
    .unwrap();
    (mapping, [n_p, n_v, n_m])
}

fn import_mapping(store: &Path, mapping: &Path, crash_at: Option<&str>) -> Output {
    let mut c = rotor();
    c.args([
        "-q",
        "data",
        "import",
        "--store",
        p(store),
        "--mapping",
        p(mapping),
    ]);
    if let Some(step) = crash_at {
        c.env("ROTOR_CRASH_AT", step);
    }
    c.output().unwrap()
}

/// Rows per dataset as rotor reads them (a fresh handle: the current generation).
fn rows(store: &Path) -> [usize; 3] {
    let s = Store::open(store).unwrap();
    [Dataset::Prices, Dataset::Valuation, Dataset::Macro].map(|d| s.read(d).unwrap().len())
}

fn manifest_files(store: &Path) -> usize {
    Store::open(store).unwrap().manifest().unwrap().files.len()
}

/// Rows per dataset folder as pandas reads them, or None (with the reason printed) when
/// pandas / pyarrow are not installed. The interpreter is `$ROTOR_PYTHON` (CI points it
/// at a venv with pandas and pyarrow) or `python3`.
fn pandas_rows(store: &Path) -> Option<BTreeMap<String, usize>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/read_store_pandas.py");
    let python = std::env::var("ROTOR_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = match Command::new(&python).arg(&script).arg(store).output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipping the pandas read: {python} not runnable ({e})");
            return None;
        }
    };
    if out.status.code() == Some(3) {
        eprintln!(
            "skipping the pandas read: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    let stdout = ok(&out);
    Some(serde_json::from_str(stdout.trim()).unwrap())
}

fn data_check(store: &Path) -> serde_json::Value {
    let out = rotor()
        .args(["--json", "data", "check", "--store", p(store)])
        .output()
        .unwrap();
    serde_json::from_str(&ok(&out)).unwrap()
}

/// The layout findings of `data check` that are errors or warnings (a crashed writer's
/// remains are information only).
fn layout_problems(check: &serde_json::Value) -> Vec<serde_json::Value> {
    check["layout"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .cloned()
        .collect()
}

fn add(a: [usize; 3], b: [usize; 3]) -> [usize; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// Names under `.gen` (generations and staging folders).
fn generations(store: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(store.join(".gen"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The steps of a commit at which `ROTOR_CRASH_AT` aborts the process.
const CRASH_POINTS: [&str; 7] = [
    "staged:prices",
    "staged:valuation",
    "staged:macro",
    "staged:manifest",
    "renamed",
    "switched",
    "linked",
];

#[test]
fn a_commit_killed_at_any_step_leaves_the_old_or_the_new_store() {
    let d = tempfile::tempdir().unwrap();
    let (m1, n1) = bundle(&d.path().join("in"), "a", "510", "M1");
    let (m2, n2) = bundle(&d.path().join("in"), "b", "520", "M2");
    let both = add(n1, n2);
    for (i, step) in CRASH_POINTS.iter().enumerate() {
        let store = d.path().join(format!("s{i}"));
        ok(&import_mapping(&store, &m1, None));
        assert_eq!(rows(&store), n1);
        let out = import_mapping(&store, &m2, Some(step));
        assert!(
            !out.status.success() && out.status.code().is_none(),
            "{step}: the crash hook did not fire: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        // old or new, never a mix: every dataset and the manifest agree
        let after = rows(&store);
        let switched = matches!(*step, "switched" | "linked");
        let expect = if switched { both } else { n1 };
        assert_eq!(after, expect, "{step}: rows after the crash");
        assert_eq!(
            manifest_files(&store),
            if switched { 6 } else { 3 },
            "{step}"
        );
        if let Some(pd) = pandas_rows(&store) {
            let want: BTreeMap<String, usize> = [
                ("macro".to_string(), expect[2]),
                ("prices".to_string(), expect[0]),
                ("valuation".to_string(), expect[1]),
            ]
            .into();
            assert_eq!(pd, want, "{step}: pandas read after the crash");
        }
        let check = data_check(&store);
        assert!(layout_problems(&check).is_empty(), "{step}: {check}");
        // the next writer cleans the remains and lands the import
        ok(&import_mapping(&store, &m2, None));
        assert_eq!(rows(&store), both, "{step}: after the retried import");
        let gens = generations(&store);
        assert!(
            gens.iter().all(|g| !g.starts_with('.')) && gens.len() <= 3,
            "{step}: left {gens:?}"
        );
        if let Some(pd) = pandas_rows(&store) {
            assert_eq!(pd["prices"], both[0], "{step}");
        }
    }
}

#[test]
fn a_first_import_killed_before_the_switch_leaves_an_empty_store() {
    let d = tempfile::tempdir().unwrap();
    let (m1, n1) = bundle(&d.path().join("in"), "a", "510", "M1");
    let store = d.path().join("s");
    let out = import_mapping(&store, &m1, Some("renamed"));
    assert!(out.status.code().is_none(), "{:?}", out.status);
    assert_eq!(rows(&store), [0, 0, 0]);
    if let Some(pd) = pandas_rows(&store) {
        assert!(pd.is_empty(), "no dataset folder may be visible: {pd:?}");
    }
    ok(&import_mapping(&store, &m1, None));
    assert_eq!(rows(&store), n1);
    assert_eq!(generations(&store), ["000001"]);
}

/// Hold the store's writer lock from the test process.
fn hold_lock(store: &Path) -> std::fs::File {
    std::fs::create_dir_all(store).unwrap();
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(store.join(".lock"))
        .unwrap();
    f.lock().unwrap();
    f
}

#[test]
fn concurrent_imports_both_land_and_readers_only_see_finished_commits() {
    let d = tempfile::tempdir().unwrap();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).unwrap();
    let store = d.path().join("s");
    let (m0, n0) = bundle(&inp, "base", "500", "M0");
    ok(&import_mapping(&store, &m0, None));
    let fa = inp.join("pa.csv");
    let fb = inp.join("pb.csv");
    let na = write_prices(&fa, "510", 30, 2000);
    let nb = write_prices(&fb, "520", 30, 2000);
    let lock = hold_lock(&store);
    let spawn = |f: &Path| {
        rotor()
            .args([
                "data",
                "import",
                "--dataset",
                "prices",
                "--asset-type",
                "etf",
                "--store",
                p(&store),
                p(f),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn(&fa);
    let b = spawn(&fb);
    // a reader polling the store while the writers run sees whole commits only
    let allowed = [n0[0], n0[0] + na, n0[0] + nb, n0[0] + na + nb];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let store = store.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let s = Store::open(&store).unwrap();
                let n = s.read(Dataset::Prices).unwrap().len();
                assert!(allowed.contains(&n), "a reader saw {n} price rows");
                seen.push(n);
            }
            seen
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(600));
    drop(lock);
    let oa = a.wait_with_output().unwrap();
    let ob = b.wait_with_output().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = reader.join().unwrap();
    ok(&oa);
    ok(&ob);
    for o in [&oa, &ob] {
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("waiting"), "a blocked writer says so: {e}");
    }
    assert_eq!(
        rows(&store),
        [n0[0] + na + nb, n0[1], n0[2]],
        "no import's rows may vanish"
    );
    assert!(!seen.is_empty());
    if let Some(pd) = pandas_rows(&store) {
        assert_eq!(pd["prices"], n0[0] + na + nb);
    }
}

#[test]
fn no_wait_fails_clearly_while_another_writer_holds_the_lock() {
    let d = tempfile::tempdir().unwrap();
    let (m1, n1) = bundle(&d.path().join("in"), "a", "510", "M1");
    let store = d.path().join("s");
    let lock = hold_lock(&store);
    let out = rotor()
        .args([
            "data",
            "import",
            "--no-wait",
            "--store",
            p(&store),
            "--mapping",
            p(&m1),
        ])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{e}");
    assert!(
        e.contains("being written") && e.contains(p(&store)),
        "the error names the store and the reason: {e}"
    );
    drop(lock);
    assert_eq!(rows(&store), [0, 0, 0], "nothing was written");
    ok(&import_mapping(&store, &m1, None));
    assert_eq!(rows(&store), n1);
}

/// Copy a folder tree (files only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

#[test]
fn an_earlier_layout_with_a_stale_tmp_is_reported_then_migrated() {
    let d = tempfile::tempdir().unwrap();
    let (m1, n1) = bundle(&d.path().join("in"), "a", "510", "M1");
    let (m2, n2) = bundle(&d.path().join("in"), "b", "520", "M2");
    let new = d.path().join("new");
    ok(&import_mapping(&new, &m1, None));
    // the earlier layout: real dataset folders and manifest at the root, plus the
    // 0-byte temp file a killed writer of that version left behind
    let old = d.path().join("old");
    copy_tree(&new.join(".gen/000001"), &old);
    std::fs::write(old.join("prices/data.parquet.tmp"), b"").unwrap();
    assert_eq!(rows(&old), n1, "the earlier layout reads as it is");
    let check = rotor()
        .args(["--json", "data", "check", "--store", p(&old)])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "a stray file in a dataset folder is an error"
    );
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let layout = v["layout"].as_array().unwrap();
    assert_eq!(layout.len(), 1, "{v}");
    assert_eq!(layout[0]["path"], "prices/data.parquet.tmp");
    assert_eq!(layout[0]["severity"], "error");
    ok(&import_mapping(&old, &m2, None));
    assert_eq!(rows(&old), add(n1, n2));
    assert!(std::fs::symlink_metadata(old.join("prices"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(data_check(&old)["layout"], serde_json::json!([]));
    if let Some(pd) = pandas_rows(&old) {
        assert_eq!(pd["prices"], n1[0] + n2[0]);
        assert_eq!(pd["valuation"], n1[1] + n2[1]);
    }
}

#[test]
fn foreign_files_at_the_root_are_warnings() {
    let d = tempfile::tempdir().unwrap();
    let (m1, _) = bundle(&d.path().join("in"), "a", "510", "M1");
    let store = d.path().join("s");
    ok(&import_mapping(&store, &m1, None));
    std::fs::write(store.join("notes.txt"), "mine").unwrap();
    let v = data_check(&store);
    let layout = v["layout"].as_array().unwrap();
    assert_eq!(layout.len(), 1, "{v}");
    assert_eq!(layout[0]["severity"], "warning");
    assert_eq!(layout[0]["path"], "notes.txt");
}

/// Is `strace` usable here (installed, and ptrace allowed)?
fn strace_usable() -> bool {
    Command::new("strace")
        .args(["-f", "-e", "trace=none", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The issue's own reproduction, independent of rotor's crash hook: `strace` kills the
/// import with SIGKILL at its k-th rename, for every k until the import gets through.
#[test]
fn a_sigkill_at_every_rename_leaves_the_old_or_the_new_store() {
    if !strace_usable() {
        eprintln!("skipping: strace is not installed or ptrace is not permitted");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let (m1, n1) = bundle(&d.path().join("in"), "a", "510", "M1");
    let (m2, n2) = bundle(&d.path().join("in"), "b", "520", "M2");
    let both = add(n1, n2);
    for k in 1..=40 {
        let store = d.path().join(format!("s{k}"));
        ok(&import_mapping(&store, &m1, None));
        let out = Command::new("strace")
            .args([
                "-f",
                "-o",
                "/dev/null",
                "-e",
                "trace=rename,renameat,renameat2",
                "-e",
                &format!("inject=rename,renameat,renameat2:signal=SIGKILL:when={k}"),
                env!("CARGO_BIN_EXE_rotor"),
                "-q",
                "data",
                "import",
                "--store",
                p(&store),
                "--mapping",
                p(&m2),
            ])
            .output()
            .unwrap();
        let after = rows(&store);
        assert!(
            after == n1 || after == both,
            "rename {k}: a mix of old and new: {after:?}"
        );
        let files = manifest_files(&store);
        assert_eq!(files, if after == both { 6 } else { 3 }, "rename {k}");
        if let Some(pd) = pandas_rows(&store) {
            assert_eq!(pd["prices"], after[0], "rename {k}");
            assert_eq!(pd["valuation"], after[1], "rename {k}");
            assert_eq!(pd["macro"], after[2], "rename {k}");
        }
        assert!(
            layout_problems(&data_check(&store)).is_empty(),
            "rename {k}"
        );
        ok(&import_mapping(&store, &m2, None));
        assert_eq!(rows(&store), both, "rename {k}: the retried import");
        if out.status.success() {
            assert!(k > 1, "strace never killed the import");
            return;
        }
    }
    panic!("the import still did renames after 40 kills");
}
