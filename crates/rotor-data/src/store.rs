//! The on-disk store: one dataset per folder, each a single sorted `data.parquet`, plus
//! `manifest.json` listing every imported file with its fingerprint — readable by pandas,
//! polars or DuckDB as it is (`pd.read_parquet("store/prices")`).
//!
//! ```text
//! store/
//!   prices        -> .current/prices           fixed links: what readers open
//!   macro         -> .current/macro
//!   manifest.json -> .current/manifest.json
//!   .current      -> .gen/000007               the one pointer a commit switches
//!   .gen/000007/prices/data.parquet            generation 7 (unchanged files hard-linked)
//!   .gen/000006/...                            kept for readers still on it
//!   .lock                                      held by the writer
//! ```
//!
//! **Atomic commits.** A commit takes the store's exclusive lock (a second writer waits,
//! saying so, or fails clearly with [`Store::set_wait`] off), reads the *current*
//! generation, merges, writes every changed dataset and the manifest into a new
//! generation staged under `.gen/.tmp-…` (unchanged datasets hard-linked), renames it into
//! place, and then switches `.current` with one atomic rename. A crash at any instant
//! leaves either the old store or the new one, never a mix; work files never sit where
//! readers look (`.gen` and `.tmp-` names start with a dot, which pyarrow ignores, and
//! the dataset links resolve to a finished generation). The next writer removes crashed
//! staging and orphaned generations. Readers pin the generation current when they open
//! the store, so a load of several datasets is one consistent snapshot; the two
//! generations before the current one are kept for readers still on them.
//!
//! **Idempotence.** Rows are merged by the dataset key ([`crate::schema`]); re-importing
//! a file adds nothing and rewrites nothing (no new generation).
//!
//! A store written by an earlier rotor (real `prices/data.parquet` folders) is moved into
//! generation 1 by its first commit; until then it is read as it is.

use crate::error::{DataError, Result};
use crate::parquet_io::{read_table, write_chunks};
use crate::schema::Dataset;
use crate::table::{Conflict, ConflictPolicy, MergeStats, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Fingerprint of bytes: their XXH3-64 hash (seed 0) as 16 hex digits — the value
/// `xxhsum -H3` and Python's `xxhash.xxh3_64_hexdigest` print, so a user can check a
/// run's inputs with standard tools. Not cryptographic. (Stores written before
/// 2026-12 hold FNV-1a fingerprints; a file imported again gets its XXH3 one.)
/// XXH3 reads 32 bytes a step where FNV-1a multiplied once per byte: the 37 MB of the
/// ETF set hash in milliseconds instead of ~50 ms of CPU.
pub fn fingerprint(bytes: &[u8]) -> String {
    format!("{:016x}", twox_hash::XxHash3_64::oneshot(bytes))
}

/// One imported file as recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    /// File path as given.
    pub file: String,
    /// Dataset it went to.
    pub dataset: Dataset,
    /// Source label.
    pub source: String,
    /// Fingerprint of the file bytes (see [`fingerprint`]).
    pub fingerprint: String,
    /// Rows parsed.
    pub rows: usize,
}

/// The store manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Imported files keyed by path then dataset (sorted, deterministic).
    pub files: BTreeMap<String, Vec<ManifestEntry>>,
}

/// Per-dataset outcome of [`Store::commit`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct CommitReport {
    /// Merge counts per dataset.
    pub stats: BTreeMap<Dataset, MergeStats>,
    /// Conflicts per dataset (all of them; the CLI prints the first few).
    pub conflicts: BTreeMap<Dataset, Vec<Conflict>>,
}

/// The pointer to the current generation.
const CURRENT: &str = ".current";
/// Generations.
const GENS: &str = ".gen";
/// The writer's lock.
const LOCK: &str = ".lock";
/// The code aliases of a generation (beside its manifest).
const ALIASES_FILE: &str = "aliases.json";
/// Prefix of a link being replaced (`.tmp-link-prices`), renamed over the link.
const LINK_TMP: &str = ".tmp-link-";
/// Prefix of a generation being staged (`.gen/.tmp-000007-<pid>`).
const STAGE_TMP: &str = ".tmp-";
/// Generations kept besides the current one (for readers still on them).
const KEEP_PREVIOUS: u64 = 2;

/// A test hook: the process aborts at the named commit step when `ROTOR_CRASH_AT` names
/// it (`staged:<dataset>`, `staged:manifest`, `renamed`, `switched`, `linked`), so tests
/// can kill a commit at every step.
fn crash_point(step: &str) {
    if std::env::var("ROTOR_CRASH_AT").is_ok_and(|v| v == step) {
        std::process::abort();
    }
}

/// Something to tell the user while waiting for another writer's lock.
pub type WaitNotice = Arc<dyn Fn(&str) + Send + Sync>;

/// A store rooted at a folder.
#[derive(Clone)]
pub struct Store {
    root: PathBuf,
    /// The generation this handle reads (None: a store of the earlier layout, or empty).
    gen: Arc<Mutex<Option<PathBuf>>>,
    wait: bool,
    notice: Option<WaitNotice>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("root", &self.root).finish()
    }
}

/// The held writer's lock (released when dropped).
struct WriterLock {
    file: fs::File,
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // the holder's pid is only for a waiting writer's message: a store at rest has an
        // empty lock file (byte-identical stores wherever they are made)
        let _ = self.file.set_len(0);
    }
}

/// Free `tables` on a helper thread: a store-sized table is millions of shared text
/// cells and column buffers, and giving them back takes tens of milliseconds the
/// caller need not wait for (a CLI import exits meanwhile). Freed here when no thread
/// can be started.
fn free_off_thread(tables: BTreeMap<Dataset, Vec<Table>>) {
    let cells: usize = tables
        .values()
        .flatten()
        .map(|t| t.len() * t.columns.len())
        .sum();
    if cells < 1_000_000 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("rotor-free".into())
        .spawn(move || drop(tables));
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |e| DataError::io(path, e)
}

/// fsync a file or folder (so a crash after the rename cannot lose the data renamed).
fn sync(path: &Path) -> Result<()> {
    fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

/// The generation number of a `.gen/000007` path.
fn gen_number(p: &Path) -> Option<u64> {
    p.file_name()?.to_str()?.parse().ok()
}

/// Point `link` at `target`, atomically (a symlink renamed over the old one).
fn relink(root: &Path, link: &str, target: &Path) -> Result<()> {
    let tmp = root.join(format!("{LINK_TMP}{link}"));
    let _ = fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, &tmp).map_err(io(&tmp))?;
    #[cfg(not(unix))]
    fs::write(&tmp, target.to_string_lossy().as_bytes()).map_err(io(&tmp))?;
    let dst = root.join(link);
    fs::rename(&tmp, &dst).map_err(io(&dst))
}

/// Where a link points (a symlink, or on other systems a pointer file).
fn read_link(p: &Path) -> Option<PathBuf> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => fs::read_link(p).ok(),
        Ok(m) if m.is_file() => fs::read_to_string(p).ok().map(|s| PathBuf::from(s.trim())),
        _ => None,
    }
}

impl Store {
    /// Open (and create if needed) a store at `root`, pinned to its current generation.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(io(&root))?;
        let s = Store {
            gen: Arc::new(Mutex::new(None)),
            root,
            wait: true,
            notice: None,
        };
        s.refresh();
        Ok(s)
    }

    /// Wait for another writer's lock (true, the default) or fail at once.
    pub fn set_wait(&mut self, wait: bool) {
        self.wait = wait;
    }

    /// Called with a message when a commit has to wait for another writer.
    pub fn on_wait(&mut self, f: WaitNotice) {
        self.notice = Some(f);
    }

    /// Re-pin this handle to the store's current generation.
    pub fn refresh(&self) {
        let g = read_link(&self.root.join(CURRENT)).map(|t| self.root.join(t));
        *self.gen.lock().expect("store pin") = g;
    }

    /// The generation this handle reads (None before the first commit of this layout).
    pub fn generation(&self) -> Option<u64> {
        self.gen
            .lock()
            .expect("store pin")
            .as_deref()
            .and_then(gen_number)
    }

    /// Root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Path of a dataset's Parquet file in the pinned generation.
    pub fn path(&self, dataset: Dataset) -> PathBuf {
        match self.gen.lock().expect("store pin").as_ref() {
            Some(g) => g.join(dataset.name()).join("data.parquet"),
            None => self.root.join(dataset.name()).join("data.parquet"),
        }
    }

    /// Does the dataset hold any file?
    pub fn has(&self, dataset: Dataset) -> bool {
        self.path(dataset).exists()
    }

    /// Read a whole dataset (empty table when absent).
    pub fn read(&self, dataset: Dataset) -> Result<Table> {
        self.read_columns(dataset, None)
    }

    /// Read selected columns of a dataset (others are NaN/null).
    pub fn read_columns(&self, dataset: Dataset, only: Option<&[&str]>) -> Result<Table> {
        let p = self.path(dataset);
        if !p.exists() {
            return Ok(Table::new(dataset));
        }
        read_table(dataset, &p, only)
    }

    /// The manifest (empty when absent).
    pub fn manifest(&self) -> Result<Manifest> {
        let p = match self.gen.lock().expect("store pin").as_ref() {
            Some(g) => g.join("manifest.json"),
            None => self.root.join("manifest.json"),
        };
        if !p.exists() {
            return Ok(Manifest::default());
        }
        let s = fs::read_to_string(&p).map_err(io(&p))?;
        serde_json::from_str(&s).map_err(|e| DataError::Layout {
            file: p,
            message: format!("corrupt manifest: {e}"),
        })
    }

    /// Take the writer's lock, waiting (with a notice) or failing per [`Self::set_wait`].
    fn lock(&self) -> Result<WriterLock> {
        let path = self.root.join(LOCK);
        let mut f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match f.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let who = if holder.trim().is_empty() {
                    "another rotor process".to_string()
                } else {
                    format!("rotor process {}", holder.trim())
                };
                if !self.wait {
                    return Err(DataError::Locked {
                        store: self.root.clone(),
                        holder: who,
                    });
                }
                if let Some(n) = &self.notice {
                    n(&format!(
                        "store {} is being written by {who}; waiting…",
                        self.root.display()
                    ));
                }
                f.lock().map_err(io(&path))?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(DataError::io(&path, e)),
        }
        f.set_len(0).map_err(io(&path))?;
        write!(f, "{}", std::process::id()).map_err(io(&path))?;
        Ok(WriterLock { file: f })
    }

    /// The code aliases the store records (`aliases.json`; empty when absent).
    pub fn aliases(&self) -> Result<crate::import::Aliases> {
        let p = match self.gen.lock().expect("store pin").as_ref() {
            Some(g) => g.join(ALIASES_FILE),
            None => self.root.join(ALIASES_FILE),
        };
        if !p.exists() {
            return Ok(Default::default());
        }
        let s = fs::read_to_string(&p).map_err(io(&p))?;
        serde_json::from_str(&s).map_err(|e| DataError::Layout {
            file: p,
            message: format!("corrupt aliases: {e}"),
        })
    }

    /// Merge `incoming` tables into the store and record `entries` in the manifest,
    /// atomically (see the module docs).
    pub fn commit(
        &self,
        incoming: Vec<Table>,
        entries: Vec<ManifestEntry>,
        policy: ConflictPolicy,
    ) -> Result<CommitReport> {
        self.commit_with(incoming, entries, policy, None)
    }

    /// [`Self::commit`], also recording new code `aliases` in the same generation.
    pub fn commit_with(
        &self,
        incoming: Vec<Table>,
        entries: Vec<ManifestEntry>,
        policy: ConflictPolicy,
        aliases: Option<&crate::import::Aliases>,
    ) -> Result<CommitReport> {
        let _lock = self.lock()?;
        self.recover()?;
        self.refresh();
        let mut parts: BTreeMap<Dataset, Vec<Table>> = BTreeMap::new();
        for t in incoming {
            parts.entry(t.dataset).or_default().push(t);
        }
        let mut report = CommitReport::default();
        let mut changed: BTreeMap<Dataset, Vec<Table>> = BTreeMap::new();
        for (ds, chunks) in parts {
            // merged as a list of tables written in turn: a first import in key order
            // is its per-file tables as they are (see `Table::merge_chunks`)
            let (merged, stats, conflicts) = self.read(ds)?.merge_chunks(chunks, policy);
            let Some(merged) = merged else {
                return Err(DataError::Conflicts {
                    dataset: ds.name().into(),
                    count: conflicts.len(),
                    first: conflicts
                        .first()
                        .map(|c| {
                            format!(
                                "{} `{}`: stored {} vs incoming {}",
                                c.key, c.column, c.stored, c.incoming
                            )
                        })
                        .unwrap_or_default(),
                });
            };
            if stats.added > 0 || stats.replaced > 0 || stats.filled > 0 {
                changed.insert(ds, merged);
            }
            report.stats.insert(ds, stats);
            if !conflicts.is_empty() {
                report.conflicts.insert(ds, conflicts);
            }
        }
        let mut manifest = self.manifest()?;
        let new_entries = !entries.is_empty();
        for e in entries {
            let v = manifest.files.entry(e.file.clone()).or_default();
            v.retain(|x| x.dataset != e.dataset);
            v.push(e);
            v.sort_by_key(|x| x.dataset);
        }
        let aliases = match aliases {
            Some(a) if *a != self.aliases()? => Some(a),
            _ => None,
        };
        if !changed.is_empty()
            || aliases.is_some()
            || (new_entries && manifest != self.manifest()?)
        {
            self.publish(&changed, &manifest, aliases)?;
        }
        free_off_thread(changed);
        Ok(report)
    }

    /// Replace the given datasets wholesale (each table sorted by key), in one commit.
    pub fn replace(&self, tables: Vec<Table>) -> Result<()> {
        let _lock = self.lock()?;
        self.recover()?;
        self.refresh();
        let manifest = self.manifest()?;
        let changed: BTreeMap<Dataset, Vec<Table>> = tables
            .into_iter()
            .map(|t| (t.dataset, vec![t.sorted()]))
            .collect();
        self.publish(&changed, &manifest, None)
    }

    /// Replace one dataset wholesale (see [`Self::replace`]).
    pub fn write(&self, table: &Table) -> Result<()> {
        self.replace(vec![table.clone()])
    }

    /// Under the lock: stage a new generation with `changed` datasets written and the rest
    /// linked from the current one, then switch to it.
    fn publish(
        &self,
        changed: &BTreeMap<Dataset, Vec<Table>>,
        manifest: &Manifest,
        aliases: Option<&crate::import::Aliases>,
    ) -> Result<()> {
        let gens = self.root.join(GENS);
        fs::create_dir_all(&gens).map_err(io(&gens))?;
        let n = self.generation().unwrap_or(0) + 1;
        let stage = gens.join(format!("{STAGE_TMP}{n:06}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&stage);
        fs::create_dir_all(&stage).map_err(io(&stage))?;
        let res = self
            .stage(&stage, changed, manifest, aliases)
            .and_then(|()| {
                let dst = gens.join(format!("{n:06}"));
                fs::rename(&stage, &dst).map_err(io(&dst))?;
                sync(&gens)?;
                crash_point("renamed");
                relink(
                    &self.root,
                    CURRENT,
                    &Path::new(GENS).join(format!("{n:06}")),
                )?;
                sync(&self.root)?;
                crash_point("switched");
                Ok(())
            });
        if res.is_err() {
            let _ = fs::remove_dir_all(&stage);
        }
        res?;
        self.refresh();
        self.link_datasets()?;
        crash_point("linked");
        self.collect_garbage(n)
    }

    /// Write or link every dataset and the manifest into the staging folder.
    fn stage(
        &self,
        stage: &Path,
        changed: &BTreeMap<Dataset, Vec<Table>>,
        manifest: &Manifest,
        aliases: Option<&crate::import::Aliases>,
    ) -> Result<()> {
        for ds in Dataset::ALL {
            let dir = stage.join(ds.name());
            let target = dir.join("data.parquet");
            if let Some(chunks) = changed.get(&ds) {
                fs::create_dir_all(&dir).map_err(io(&dir))?;
                let f = fs::File::create(&target).map_err(io(&target))?;
                let mut w = BufWriter::new(f);
                write_chunks(ds, chunks, &mut w, &target)?;
                let f = w
                    .into_inner()
                    .map_err(|e| DataError::io(&target, e.into_error()))?;
                f.sync_all().map_err(io(&target))?;
                crash_point(&format!("staged:{}", ds.name()));
            } else if self.has(ds) {
                fs::create_dir_all(&dir).map_err(io(&dir))?;
                let old = self.path(ds);
                if fs::hard_link(&old, &target).is_err() {
                    fs::copy(&old, &target).map_err(io(&target))?;
                }
            }
        }
        let apath = stage.join(ALIASES_FILE);
        let aliases = match aliases {
            Some(a) => Some(a.clone()),
            None => Some(self.aliases()?).filter(|a| *a != Default::default()),
        };
        if let Some(a) = aliases {
            let json = serde_json::to_string_pretty(&a).expect("aliases serialise");
            fs::write(&apath, json).map_err(io(&apath))?;
            sync(&apath)?;
        }
        let mpath = stage.join("manifest.json");
        let json = serde_json::to_string_pretty(manifest).expect("manifest serialises");
        fs::write(&mpath, json).map_err(io(&mpath))?;
        sync(&mpath)?;
        crash_point("staged:manifest");
        sync(stage)
    }

    /// The fixed links readers open (`prices -> .current/prices`, …), created once for
    /// each dataset the current generation holds (no dangling link for absent ones).
    fn link_datasets(&self) -> Result<()> {
        let names = Dataset::ALL
            .iter()
            .filter(|d| self.has(**d))
            .map(|d| d.name())
            .chain(["manifest.json"]);
        for name in names {
            let p = self.root.join(name);
            if fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
                continue;
            }
            if p.exists() {
                // an earlier layout's real folder or file: its content is in generation 1
                let old = self.root.join(format!(".old-{name}"));
                let _ = fs::remove_dir_all(&old);
                let _ = fs::remove_file(&old);
                fs::rename(&p, &old).map_err(io(&p))?;
                relink(&self.root, name, &Path::new(CURRENT).join(name))?;
                if old.is_dir() {
                    fs::remove_dir_all(&old).map_err(io(&old))?;
                } else {
                    fs::remove_file(&old).map_err(io(&old))?;
                }
            } else {
                relink(&self.root, name, &Path::new(CURRENT).join(name))?;
            }
        }
        Ok(())
    }

    /// Under the lock: the remains of a writer that crashed — staging folders, a
    /// generation it renamed but never switched to, an earlier layout half linked, old
    /// `.tmp` files — are cleaned, and an earlier layout is moved into generation 1.
    fn recover(&self) -> Result<()> {
        let gens = self.root.join(GENS);
        let current = read_link(&self.root.join(CURRENT)).and_then(|p| gen_number(&p));
        if let Ok(rd) = fs::read_dir(&gens) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let orphan = name
                    .parse::<u64>()
                    .is_ok_and(|k| current.is_none_or(|c| k > c));
                if name.starts_with(STAGE_TMP) || orphan {
                    fs::remove_dir_all(e.path()).map_err(io(&e.path()))?;
                }
            }
        }
        if let Ok(rd) = fs::read_dir(&self.root) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().starts_with(LINK_TMP) {
                    fs::remove_file(e.path()).map_err(io(&e.path()))?;
                }
            }
        }
        for ds in Dataset::ALL {
            let _ = fs::remove_file(self.root.join(ds.name()).join("data.parquet.tmp"));
        }
        let _ = fs::remove_file(self.root.join("manifest.json.tmp"));
        if current.is_none() && self.earlier_layout() {
            // generation 1 = the earlier layout's files, linked
            self.refresh();
            let manifest = self.manifest()?;
            self.publish(&BTreeMap::new(), &manifest, None)?;
        } else if current.is_some() {
            self.link_datasets()?;
        }
        Ok(())
    }

    /// Does the root hold real dataset folders of the earlier layout?
    fn earlier_layout(&self) -> bool {
        Dataset::ALL.iter().any(|d| {
            let p = self.root.join(d.name());
            fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) && p.join("data.parquet").exists()
        })
    }

    /// Remove generations older than the current minus [`KEEP_PREVIOUS`].
    fn collect_garbage(&self, current: u64) -> Result<()> {
        let gens = self.root.join(GENS);
        let Ok(rd) = fs::read_dir(&gens) else {
            return Ok(());
        };
        for e in rd.flatten() {
            let old = e
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|k| k + KEEP_PREVIOUS < current);
            if old {
                fs::remove_dir_all(e.path()).map_err(io(&e.path()))?;
            }
        }
        Ok(())
    }

    /// What a writer that crashed left behind — a staging folder, a generation never
    /// switched to, a half-replaced link — which readers never see and the next writer
    /// removes (for `data check`).
    pub fn remains(&self) -> Vec<PathBuf> {
        let current = read_link(&self.root.join(CURRENT)).and_then(|p| gen_number(&p));
        let mut out = Vec::new();
        if let Ok(rd) = fs::read_dir(self.root.join(GENS)) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let orphan = name
                    .parse::<u64>()
                    .is_ok_and(|k| current.is_none_or(|c| k > c));
                if name.starts_with(STAGE_TMP) || orphan {
                    out.push(e.path());
                }
            }
        }
        if let Ok(rd) = fs::read_dir(&self.root) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().starts_with(LINK_TMP) {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }

    /// Files and folders in the store that rotor did not write (for `data check`).
    pub fn foreign_entries(&self) -> Vec<PathBuf> {
        let known: Vec<String> = Dataset::ALL
            .iter()
            .map(|d| d.name().to_string())
            .chain([CURRENT, GENS, LOCK, "manifest.json"].map(String::from))
            .collect();
        let mut out = Vec::new();
        if let Ok(rd) = fs::read_dir(&self.root) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !known.contains(&name)
                    && !name.starts_with(".old-")
                    && !name.starts_with(LINK_TMP)
                {
                    out.push(e.path());
                }
            }
        }
        let pinned = self.gen.lock().expect("store pin").clone();
        let dirs: Vec<PathBuf> = match &pinned {
            Some(g) => Dataset::ALL.iter().map(|d| g.join(d.name())).collect(),
            None => Dataset::ALL
                .iter()
                .map(|d| self.root.join(d.name()))
                .collect(),
        };
        for d in dirs {
            if let Ok(rd) = fs::read_dir(&d) {
                for e in rd.flatten() {
                    if e.file_name() != "data.parquet" {
                        out.push(e.path());
                    }
                }
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Value;

    fn yield_table(v: f64) -> Table {
        let mut t = Table::new(Dataset::Macro);
        let d = |s: &str| Value::Date(Some(s.parse().unwrap()));
        t.push_row(vec![
            Value::Str(Some("cn.y10".into())),
            d("2020-01-02"),
            d("2020-01-02"),
            Value::Str(Some("x".into())),
            Value::F64(v),
            Value::Str(Some("same_day".into())),
        ]);
        t
    }

    #[test]
    fn commit_is_idempotent_and_error_policy_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let r = s
            .commit(vec![yield_table(3.1)], vec![], ConflictPolicy::Keep)
            .unwrap();
        assert_eq!(r.stats[&Dataset::Macro].added, 1);
        let bytes = fs::read(s.path(Dataset::Macro)).unwrap();
        let r = s
            .commit(vec![yield_table(3.1)], vec![], ConflictPolicy::Keep)
            .unwrap();
        assert_eq!(r.stats[&Dataset::Macro].unchanged, 1);
        assert_eq!(fs::read(s.path(Dataset::Macro)).unwrap(), bytes);
        let e = s
            .commit(vec![yield_table(3.2)], vec![], ConflictPolicy::Error)
            .unwrap_err();
        assert!(e.to_string().contains("conflicting"), "{e}");
        assert_eq!(fs::read(s.path(Dataset::Macro)).unwrap(), bytes);
        assert!(!s
            .path(Dataset::Macro)
            .with_extension("parquet.tmp")
            .exists());
        let t = s.read(Dataset::Macro).unwrap();
        assert_eq!(t.f64_col("value"), &[3.1]);
    }

    fn series(id: &str, days: std::ops::Range<u32>) -> Table {
        let mut t = Table::new(Dataset::Macro);
        for day in days {
            let d = Value::Date(Some(chrono::NaiveDate::from_ymd_opt(2020, 1, day).unwrap()));
            t.push_row(vec![
                Value::Str(Some(id.into())),
                d.clone(),
                d,
                Value::Str(Some("x".into())),
                Value::F64(f64::from(day) / 4.0),
                Value::Str(Some("same_day".into())),
            ]);
        }
        t
    }

    #[test]
    fn a_first_import_in_key_order_stores_what_the_merge_of_any_order_stores() {
        let chunks = || {
            vec![
                series("a", 1..9),
                Table::new(Dataset::Macro),
                series("b", 3..30),
            ]
        };
        let stored = |chunks: Vec<Table>| {
            let dir = tempfile::tempdir().unwrap();
            let s = Store::open(dir.path()).unwrap();
            let r = s.commit(chunks, vec![], ConflictPolicy::Keep).unwrap();
            (
                fs::read(s.path(Dataset::Macro)).unwrap(),
                r.stats[&Dataset::Macro].clone(),
            )
        };
        // in key order: written straight from the chunks
        let (in_order, stats) = stored(chunks());
        assert_eq!(stats.added, 35);
        assert_eq!((stats.unchanged, stats.conflicts, stats.filled), (0, 0, 0));
        // out of order, and with a repeated key: joined, sorted and merged
        let (reversed, _) = stored(chunks().into_iter().rev().collect());
        assert_eq!(in_order, reversed);
        let (repeated, stats) = stored(vec![
            series("a", 1..9),
            series("a", 8..9),
            series("b", 3..30),
        ]);
        assert_eq!(stats.added, 35);
        assert_eq!(in_order, repeated);
        // nothing at all: no dataset written
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let r = s
            .commit(
                vec![Table::new(Dataset::Macro)],
                vec![],
                ConflictPolicy::Keep,
            )
            .unwrap();
        assert_eq!(r.stats[&Dataset::Macro].added, 0);
        assert!(!s.has(Dataset::Macro));
    }

    #[test]
    fn fingerprint_is_xxh3_64() {
        // reference values from Python's `xxhash` 3.x (`xxh3_64_hexdigest`), covering
        // the empty, short (1–16), mid (17–128) and long (> 240 bytes) code paths
        let long: Vec<u8> = (0..=255u8).cycle().take(1280).collect();
        assert_eq!(fingerprint(b""), "2d06800538d394c2");
        assert_eq!(fingerprint(b"a"), "e6c632b61e964e1f");
        assert_eq!(
            fingerprint(b"date,close\n2024-01-02,3.5\n"),
            "9dd3a4e686154b77"
        );
        assert_eq!(fingerprint(&long), "4844b009e164352e");
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
    }
}
