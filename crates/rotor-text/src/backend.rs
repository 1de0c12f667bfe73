//! The one trait every backend implements, and the typed answers.
//!
//! A backend turns (task, text) into a JSON answer that satisfies the task's schema;
//! [`Backend::classify`], [`Backend::summarise`] and [`Backend::extract`] read that
//! answer into typed values. The answer, not the typed value, is what the cache keeps,
//! so a cached run reproduces the same bytes.

use crate::error::{Result, TextError};
use crate::task::{Task, TaskKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which backend and model produced an answer (written beside every label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `openai` or `offline`.
    pub backend: String,
    /// The model: the endpoint's model name, or the offline method and model
    /// fingerprint (`ngram:3f2a…`, `cues`, `textrank`, `lexicon`).
    pub model: String,
    /// What else separates answers of the same model (the endpoint URL); part of the
    /// cache key, never a secret.
    pub scope: String,
}

/// A classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// One of the task's labels.
    pub label: String,
    /// Confidence in [0, 1] when the backend gives one.
    pub score: Option<f64>,
    /// A quoted reason when the task asks for one (or the backend gives one).
    pub reason: Option<String>,
}

/// The backend interface: one JSON answer per (task, text).
pub trait Backend: Sync {
    /// Who answers.
    fn identity(&self) -> Identity;

    /// The answer to `task` for `text`, already checked against `task.schema`.
    fn answer(&self, task: &Task, text: &str) -> Result<Value>;

    /// A classify task's answer.
    fn classify(&self, task: &Task, text: &str) -> Result<Classification> {
        expect_kind(task, TaskKind::Classify)?;
        read_classification(&self.answer(task, text)?)
    }

    /// A summarise task's answer.
    fn summarise(&self, task: &Task, text: &str) -> Result<String> {
        expect_kind(task, TaskKind::Summarise)?;
        read_summary(&self.answer(task, text)?)
    }

    /// An extract task's answer: one row per item, the task's columns in order.
    fn extract(&self, task: &Task, text: &str) -> Result<Vec<Vec<String>>> {
        expect_kind(task, TaskKind::Extract)?;
        Ok(read_rows(task, &self.answer(task, text)?))
    }
}

fn expect_kind(task: &Task, kind: TaskKind) -> Result<()> {
    if task.kind == kind {
        Ok(())
    } else {
        Err(TextError::Task {
            task: task.name.clone(),
            message: format!(
                "is a {} task, used for {}",
                task.kind.as_str(),
                kind.as_str()
            ),
        })
    }
}

/// A classify answer (`{label, score?, reason?}`) read.
pub fn read_classification(v: &Value) -> Result<Classification> {
    let label = v
        .get("label")
        .and_then(Value::as_str)
        .ok_or_else(|| TextError::Malformed {
            reason: "no string field \"label\"".into(),
            excerpt: crate::error::excerpt(&v.to_string(), 200),
        })?;
    Ok(Classification {
        label: label.to_string(),
        score: v.get("score").and_then(Value::as_f64),
        reason: v.get("reason").and_then(Value::as_str).map(str::to_string),
    })
}

/// A summarise answer (`{summary}`) read.
pub fn read_summary(v: &Value) -> Result<String> {
    v.get("summary")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| TextError::Malformed {
            reason: "no string field \"summary\"".into(),
            excerpt: crate::error::excerpt(&v.to_string(), 200),
        })
}

/// An extract answer's items as rows of the task's columns (missing or non-string
/// cells written as text / empty; the schema check has already run).
pub fn read_rows(task: &Task, v: &Value) -> Vec<Vec<String>> {
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .map(|it| {
            task.extract
                .columns
                .iter()
                .map(|c| match it.get(c) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(x) => x.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Check an answer against the task's schema, as a [`TextError::Schema`].
pub fn check_schema(task: &Task, v: &Value) -> Result<()> {
    match crate::schema::violation(&task.schema, v) {
        None => Ok(()),
        Some((path, message)) => Err(TextError::Schema {
            path: if path.is_empty() { "/".into() } else { path },
            message,
            excerpt: crate::error::excerpt(&v.to_string(), 200),
        }),
    }
}
