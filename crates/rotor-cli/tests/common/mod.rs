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
