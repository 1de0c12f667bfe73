//! The `rotor` binary end to end: exit codes, messages and outputs.

use std::process::Command;

fn rotor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
}

#[test]
fn sim_then_check_then_show() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("s");
    let out = rotor()
        .args(["-q", "sim", "--years", "2", "--indices", "5", "--out"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rotor()
        .args(["data", "check", "--json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["coverage"].as_array().unwrap().len(),
        8,
        "every dataset of the sim without constituents"
    );
    let out = rotor()
        .args(["data", "show", "000300.SH", "--last", "3", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && s.contains("000300.SH close") && s.lines().count() >= 7,
        "{s}"
    );
}

#[test]
fn import_errors_exit_2_with_file_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("bad.csv");
    std::fs::write(&f, "date,close\n2024-01-02,1\n2024-01-03,oops\n").unwrap();
    let out = rotor()
        .args(["data", "import", "--dataset", "prices", "--store"])
        .arg(d.path().join("s"))
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("bad.csv") && e.contains("row 3") && e.contains("`close`"),
        "{e}"
    );
    let out = rotor()
        .args(["data", "import", "--dataset", "price", "x.csv"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(2) && e.contains("--dataset") && e.contains("prices"),
        "{e}"
    );
}

#[test]
fn import_then_reimport_is_idempotent_and_json_reports_counts() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("510300.csv");
    std::fs::write(
        &f,
        "日期,开盘,收盘,最高,最低,成交量,成交额\n2024-01-02,3.5,3.6,3.7,3.4,1000,360000\n",
    )
    .unwrap();
    let run = || {
        let out = rotor()
            .args([
                "--json",
                "data",
                "import",
                "--dataset",
                "prices",
                "--preset",
                "akshare",
                "--asset-type",
                "etf",
                "--code-from-filename",
                "--store",
            ])
            .arg(d.path().join("s"))
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(run()["commit"]["stats"]["prices"]["added"], 1);
    assert_eq!(run()["commit"]["stats"]["prices"]["unchanged"], 1);
}

#[test]
fn check_flags_lookahead_as_an_error_with_nonzero_exit() {
    // a macro file whose release date precedes its own period cannot be right
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("m.csv");
    std::fs::write(&f, "period,release_date,value\n2024-01-31,2024-01-15,8.7\n").unwrap();
    let store = d.path().join("s");
    let out = rotor()
        .args(["-q", "data", "import", "--dataset", "macro", "--store"])
        .arg(&store)
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rotor()
        .args(["data", "check", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("lookahead"));
}
