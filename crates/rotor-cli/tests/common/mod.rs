//! Helpers shared by the integration tests that run the `rotor` binary (each test
//! file uses some of them).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Run `rotor` with `args`.
pub fn rotor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rotor"))
        .args(args)
        .output()
        .unwrap()
}

/// Assert success (printing both streams otherwise) and return stdout.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A path as `&str` for argument lists.
pub fn p(x: &Path) -> &str {
    x.to_str().unwrap()
}

/// `../shared/data` when present; otherwise None after printing why the calling test
/// skips (`what` names the test's need).
pub fn shared_data(what: &str) -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if root.exists() {
        Some(root)
    } else {
        eprintln!("skipped: ../shared/data is absent ({what} needs it)");
        None
    }
}

/// Import the whole real bundle (`examples/china_bundle.toml`) into `<dir>/china`.
pub fn import_bundle(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("china");
    let mapping = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/china_bundle.toml");
    ok(&rotor(&[
        "data",
        "import",
        "--mapping",
        p(&mapping),
        "--store",
        p(&store),
        "--quiet",
    ]));
    store
}

/// A copy of `examples/<name>/strategy.toml` pointed at `store`, written into `dir`.
pub fn example(name: &str, store: &Path, dir: &Path) -> std::path::PathBuf {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../examples/{name}/strategy.toml"));
    let text = std::fs::read_to_string(src)
        .unwrap()
        .replace("../../rotor-out/china", p(store));
    let f = dir.join(format!("{name}.toml"));
    std::fs::write(&f, text).unwrap();
    f
}
