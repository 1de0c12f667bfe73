//! Helpers of the real-data importer tests: where the shared bundle is, and one import
//! into a fresh store.
#![allow(dead_code)]

use rotor_data::import::{self, FileSpec};
use rotor_data::store::Store;
use rotor_data::table::ConflictPolicy;
use std::path::{Path, PathBuf};

/// `../shared/data/raw`, or None with a printed reason when the bundle is absent.
pub fn raw() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/raw");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "SKIP: {} not found (the shared real-data bundle is absent)",
            p.display()
        );
        None
    }
}

/// Import `specs` (paths relative to `root`) into a new store (policy keep): the
/// store's folder, the store and the import's outcome.
pub fn try_import(
    root: &Path,
    specs: Vec<FileSpec>,
) -> (
    tempfile::TempDir,
    Store,
    rotor_data::Result<import::ImportReport>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store")).unwrap();
    let files = import::plan(&specs, root).unwrap();
    let rep = import::run(&store, &files, ConflictPolicy::Keep, &|| {});
    (dir, store, rep)
}
