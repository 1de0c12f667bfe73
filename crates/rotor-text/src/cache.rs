//! The answer cache: one JSON file per answer under a folder, named by the SHA-256 of
//! (backend, model, scope, the task file's text, task kind, system message with the
//! schema, prompt rendered with the text). A rerun with the same inputs reads every
//! answer from disk — no request, the same bytes — and any edit of the task file
//! (prompt, labels, offline cues, schema), another model or another endpoint misses.
//! Errors are never cached, so a rerun retries only what failed. Files are written to
//! a temporary name and renamed.

use crate::backend::{check_schema, Backend, Identity};
use crate::error::{Result, TextError};
use crate::task::Task;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// SHA-256 of `bytes` as 64 hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| TextError::io(dir, e))?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // unique per process and call: two threads writing the same answer must not share
    // a temporary file
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}.{seq}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| TextError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| TextError::io(path, e))
}

/// The cache key of an answer.
pub fn key(id: &Identity, task: &Task, text: &str) -> String {
    let parts = serde_json::json!([
        id.backend,
        id.model,
        id.scope,
        task.source,
        task.kind.as_str(),
        task.system_message(),
        task.render(&task.prompt, text)
    ]);
    sha256_hex(parts.to_string().as_bytes())
}

/// A backend whose answers are kept on disk.
pub struct Cached<'a, B: Backend + ?Sized> {
    inner: &'a B,
    dir: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
    read: bool,
}

impl<'a, B: Backend + ?Sized> Cached<'a, B> {
    /// Cache `inner`'s answers under `dir`.
    pub fn new(inner: &'a B, dir: impl Into<PathBuf>) -> Self {
        Cached {
            inner,
            dir: dir.into(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            read: true,
        }
    }

    /// With `false`, every answer is asked of the backend again (and still written to
    /// the cache, replacing the old one).
    pub fn reading(mut self, read: bool) -> Self {
        self.read = read;
        self
    }

    /// (answers read from the cache, answers asked of the backend).
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }
}

impl<B: Backend + ?Sized> Backend for Cached<'_, B> {
    fn identity(&self) -> Identity {
        self.inner.identity()
    }

    fn answer(&self, task: &Task, text: &str) -> Result<Value> {
        let k = key(&self.inner.identity(), task, text);
        let p = self.path(&k);
        if let Some(bytes) = self.read.then(|| std::fs::read(&p).ok()).flatten() {
            if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                if check_schema(task, &v).is_ok() {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(v);
                }
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let v = self.inner.answer(task, text)?;
        let bytes = serde_json::to_vec(&v).map_err(|e| TextError::Model(e.to_string()))?;
        write_atomic(&p, &bytes)?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

    struct Counting {
        calls: Mutex<usize>,
        model: String,
    }
    impl Backend for Counting {
        fn identity(&self) -> Identity {
            Identity {
                backend: "test".into(),
                model: self.model.clone(),
                scope: String::new(),
            }
        }
        fn answer(&self, _task: &Task, text: &str) -> Result<Value> {
            *self.calls.lock().unwrap() += 1;
            if text == "fail" {
                return Err(TextError::Model("no".into()));
            }
            Ok(json!({"label": if text.contains("成长") { "growth" } else { "value" }}))
        }
    }

    #[test]
    fn second_ask_is_read_from_disk_and_keys_separate_models_and_prompts() {
        let dir = tempfile::tempdir().unwrap();
        let task = crate::task::load("fund_style").unwrap();
        let b = Counting {
            calls: Mutex::new(0),
            model: "m1".into(),
        };
        let c = Cached::new(&b, dir.path());
        let first = c.classify(&task, "成长股").unwrap();
        let again = c.classify(&task, "成长股").unwrap();
        assert_eq!(first, again);
        assert_eq!((*b.calls.lock().unwrap(), c.stats()), (1, (1, 1)));
        assert!(c.answer(&task, "fail").is_err());
        assert!(c.answer(&task, "fail").is_err());
        assert_eq!(*b.calls.lock().unwrap(), 3, "errors are not cached");
        let b2 = Counting {
            calls: Mutex::new(0),
            model: "m2".into(),
        };
        Cached::new(&b2, dir.path())
            .classify(&task, "成长股")
            .unwrap();
        assert_eq!(*b2.calls.lock().unwrap(), 1, "another model misses");
        let mut edited = task.clone();
        edited.prompt = format!("{} 请认真。", task.prompt);
        c.classify(&edited, "成长股").unwrap();
        assert_eq!(*b.calls.lock().unwrap(), 4, "another prompt misses");
        let mut recued = task.clone();
        recued.source.push_str("\n# growth cue added\n");
        c.classify(&recued, "成长股").unwrap();
        assert_eq!(
            *b.calls.lock().unwrap(),
            5,
            "an edited task file (cues) misses"
        );
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
