//! `rotor.text`: the research text tools of `rotor text` (crate `rotor-text`) on texts
//! held in Python — the same tasks, backends and answer cache.

use crate::convert::frame;
use crate::err;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rotor_core::frame::{Column, Frame};
use rotor_text::backend::Backend;
use rotor_text::cache::Cached;
use rotor_text::task::TaskKind;
use std::path::PathBuf;

/// The backend by name: `offline` (an n-gram `model` file, a stock dictionary of
/// (name, code) pairs) or `openai` (the `[llm]` table of a `config` file and the
/// `ROTOR_LLM_*` variables); and its worker count.
fn backend(
    name: &str,
    model: Option<PathBuf>,
    stocks: Vec<(String, String)>,
    config: Option<PathBuf>,
) -> PyResult<(Box<dyn Backend + Send>, usize)> {
    match name {
        "offline" => {
            let m = model
                .map(|p| rotor_text::ngram::NgramModel::load(&p))
                .transpose()
                .map_err(err)?;
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            Ok((
                Box::new(rotor_text::offline::Offline::new(m, stocks)),
                workers,
            ))
        }
        "openai" => {
            let mut cfg = rotor_text::openai::EndpointConfig::default();
            if let Some(p) = config {
                let src = std::fs::read_to_string(&p)
                    .map_err(|e| err(format!("{}: {e}", p.display())))?;
                let mut doc: toml::Table =
                    toml::from_str(&src).map_err(|e| err(format!("{}: {e}", p.display())))?;
                if let Some(v) = doc.remove("llm") {
                    cfg = v
                        .try_into()
                        .map_err(|e| err(format!("{}: [llm]: {e}", p.display())))?;
                }
            }
            let cfg = cfg.resolve(|k| std::env::var(k).ok()).map_err(err)?;
            let workers = cfg.concurrency;
            Ok((
                Box::new(rotor_text::openai::OpenAi::new(cfg, |k| {
                    std::env::var(k).ok()
                })),
                workers,
            ))
        }
        x => Err(err(format!("backend {x:?}: offline or openai"))),
    }
}

/// Answers of a task for every text: one table (classify: id, label, score, reason;
/// summarise: id, summary; extract: id and the task's columns, a row per item) with the
/// backend and model of each answer, a table of failures (id, error), and the counts
/// read from the cache / asked.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (kind, ids, texts, task, backend_name="offline", model=None, stocks=None, config=None, cache=None, read_cache=true))]
pub fn text_run<'py>(
    py: Python<'py>,
    kind: &str,
    ids: Vec<String>,
    texts: Vec<String>,
    task: &str,
    backend_name: &str,
    model: Option<PathBuf>,
    stocks: Option<Vec<(String, String)>>,
    config: Option<PathBuf>,
    cache: Option<PathBuf>,
    read_cache: bool,
) -> PyResult<Bound<'py, PyDict>> {
    if ids.len() != texts.len() {
        return Err(err(format!("{} ids for {} texts", ids.len(), texts.len())));
    }
    let task = rotor_text::task::load(task).map_err(err)?;
    let want = match kind {
        "classify" => TaskKind::Classify,
        "summarise" => TaskKind::Summarise,
        "extract" => TaskKind::Extract,
        x => return Err(err(format!("{x:?}: classify, summarise or extract"))),
    };
    if task.kind != want {
        return Err(err(format!(
            "task {} is a {} task",
            task.name,
            task.kind.as_str()
        )));
    }
    let dict: Vec<(String, String)> = stocks
        .unwrap_or_default()
        .iter()
        .filter_map(|(n, c)| rotor_text::extract::stock_entry(c, n))
        .collect();
    let (b, workers) = backend(backend_name, model, dict, config)?;
    let dir = cache.unwrap_or_else(|| PathBuf::from(".rotor-cache/text"));
    let cached = Cached::new(b.as_ref(), dir).reading(read_cache);
    let id = b.identity();
    let answers = py.detach(|| {
        rotor_text::pipeline::run_items(&texts, workers, |t| cached.answer(&task, t), || {})
    });
    let (table, failed) = answer_frames(&task, &ids, &answers, &id)?;
    let (from_cache, asked) = cached.stats();
    let d = PyDict::new(py);
    d.set_item("table", frame(py, &table)?)?;
    d.set_item("failures", frame(py, &failed)?)?;
    d.set_item("from_cache", from_cache)?;
    d.set_item("asked", asked)?;
    d.set_item("backend", id.backend)?;
    d.set_item("model", id.model)?;
    Ok(d)
}

/// The answers as the task's table, and the failures.
fn answer_frames(
    task: &rotor_text::Task,
    ids: &[String],
    answers: &[rotor_text::Result<serde_json::Value>],
    who: &rotor_text::Identity,
) -> PyResult<(Frame, Frame)> {
    let mut cols: Vec<String> = vec!["id".into()];
    match task.kind {
        TaskKind::Classify => cols.extend(["label", "score", "reason"].map(String::from)),
        TaskKind::Summarise => cols.push("summary".into()),
        TaskKind::Extract => cols.extend(task.extract.columns.iter().cloned()),
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let (mut fid, mut ferr) = (Vec::new(), Vec::new());
    for (i, a) in ids.iter().zip(answers) {
        let v = match a {
            Ok(v) => v,
            Err(e) => {
                fid.push(i.clone());
                ferr.push(e.to_string());
                continue;
            }
        };
        match task.kind {
            TaskKind::Classify => {
                let c = rotor_text::backend::read_classification(v).map_err(err)?;
                let score = c.score.map(|x| format!("{x:.6}")).unwrap_or_default();
                rows.push(vec![
                    i.clone(),
                    c.label,
                    score,
                    c.reason.unwrap_or_default(),
                ]);
            }
            TaskKind::Summarise => rows.push(vec![
                i.clone(),
                rotor_text::backend::read_summary(v).map_err(err)?,
            ]),
            TaskKind::Extract => {
                for r in rotor_text::backend::read_rows(task, v) {
                    let mut row = vec![i.clone()];
                    row.extend(r);
                    rows.push(row);
                }
            }
        }
    }
    let mut columns: Vec<(String, Column)> = cols
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.clone(),
                Column::Text(rows.iter().map(|r| r[k].clone()).collect()),
            )
        })
        .collect();
    columns.push((
        "backend".into(),
        Column::Text(vec![who.backend.clone(); rows.len()]),
    ));
    columns.push((
        "model".into(),
        Column::Text(vec![who.model.clone(); rows.len()]),
    ));
    let failed = Frame {
        name: "failures".into(),
        columns: vec![
            ("id".into(), Column::Text(fid)),
            ("error".into(), Column::Text(ferr)),
        ],
    };
    Ok((
        Frame {
            name: task.name.clone(),
            columns,
        },
        failed,
    ))
}
