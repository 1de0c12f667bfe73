//! Tasks: what to ask of a backend, written in TOML so a user can edit the prompt,
//! the label set, the offline cues and the answer schema without touching code.
//!
//! ```toml
//! name = "fund_style"
//! kind = "classify"              # classify | summarise | extract
//! description = "…"
//! labels = ["growth", "value", "balanced", "industry_theme", "index_enhanced"]
//! default_label = "balanced"     # the offline cue rule's answer when no cue matches
//! with_reason = false            # ask for a quoted reason (classify)
//! system = "…"                   # the system message
//! prompt = "…{label_guide}…{text}"
//! [label_guide]                  # one line per label, shown to the model
//! growth = "…"
//! [cues]                         # offline: phrases that vote for a label
//! growth = ["成长"]
//! [summary]                      # summarise: the extractive summariser's budget
//! max_sentences = 3
//! max_chars = 200
//! [extract]                      # extract: output columns and lexicons
//! columns = ["concept", "industry", "stock_code", "evidence"]
//! concepts = ["人工智能"]
//! industries = []                # empty: the 31 Shenwan level-1 names
//! [schema]                       # optional: overrides the schema made from the kind
//! ```
//!
//! Placeholders in `prompt` and `system`: `{text}`, `{labels}`, `{label_guide}`,
//! `{max_sentences}`, `{max_chars}`, `{columns}`, `{concepts}`; any other `{name}` is an
//! error when the task is read (a literal brace is written `{{` / `}}`). The built-in
//! tasks are the files of `crates/rotor-text/tasks/`, compiled in; `rotor text tasks
//! --dump DIR` writes them out for editing.

use crate::error::{Result, TextError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// What a task asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// One label from a fixed set per text (optionally with a quoted reason).
    Classify,
    /// A short summary per text.
    Summarise,
    /// Rows of a table per text (concept chains).
    Extract,
}

impl TaskKind {
    /// The kind's name as written in task files.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Classify => "classify",
            TaskKind::Summarise => "summarise",
            TaskKind::Extract => "extract",
        }
    }
}

/// Budget of the extractive summariser.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarySpec {
    /// Sentences kept at most.
    #[serde(default = "default_sentences")]
    pub max_sentences: usize,
    /// Characters kept at most (whole sentences only; the first sentence always).
    #[serde(default = "default_chars")]
    pub max_chars: usize,
}

fn default_sentences() -> usize {
    3
}
fn default_chars() -> usize {
    200
}

impl Default for SummarySpec {
    fn default() -> Self {
        SummarySpec {
            max_sentences: default_sentences(),
            max_chars: default_chars(),
        }
    }
}

/// Output columns and lexicons of an extraction task.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractSpec {
    /// Output columns, in order (every answer item must carry them as strings).
    #[serde(default)]
    pub columns: Vec<String>,
    /// Concept names looked for by the offline extractor.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// Industry names looked for by the offline extractor (empty: Shenwan level 1).
    #[serde(default)]
    pub industries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    name: String,
    kind: TaskKind,
    #[serde(default)]
    description: String,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    default_label: Option<String>,
    #[serde(default)]
    with_reason: bool,
    system: String,
    prompt: String,
    #[serde(default)]
    label_guide: BTreeMap<String, String>,
    #[serde(default)]
    cues: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    summary: Option<SummarySpec>,
    #[serde(default)]
    extract: Option<ExtractSpec>,
    #[serde(default)]
    schema: Option<toml::Table>,
}

/// A validated task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Name (used in run folders and cache keys).
    pub name: String,
    /// What it asks for.
    pub kind: TaskKind,
    /// One line for listings.
    pub description: String,
    /// Label set (classify).
    pub labels: Vec<String>,
    /// The cue rule's answer when no cue matches (classify, offline).
    pub default_label: Option<String>,
    /// Whether a quoted reason is asked for.
    pub with_reason: bool,
    /// System message template.
    pub system: String,
    /// User message template.
    pub prompt: String,
    /// Label → description shown to the model.
    pub label_guide: BTreeMap<String, String>,
    /// Label → phrases voting for it (offline cue rule).
    pub cues: BTreeMap<String, Vec<String>>,
    /// Summariser budget.
    pub summary: SummarySpec,
    /// Extraction columns and lexicons.
    pub extract: ExtractSpec,
    /// JSON schema every answer must satisfy.
    pub schema: Value,
    /// The task file's text (part of the cache key).
    pub source: String,
}

const PLACEHOLDERS: [&str; 7] = [
    "text",
    "labels",
    "label_guide",
    "max_sentences",
    "max_chars",
    "columns",
    "concepts",
];

/// The built-in tasks: (name, TOML).
pub const BUILTIN: [(&str, &str); 5] = [
    ("fund_style", include_str!("../tasks/fund_style.toml")),
    ("manager_view", include_str!("../tasks/manager_view.toml")),
    (
        "rotation_confirm",
        include_str!("../tasks/rotation_confirm.toml"),
    ),
    (
        "report_summary",
        include_str!("../tasks/report_summary.toml"),
    ),
    ("concept_chain", include_str!("../tasks/concept_chain.toml")),
];

/// A built-in task by name, or a task file when `name_or_path` is a path to a `.toml`.
pub fn load(name_or_path: &str) -> Result<Task> {
    if let Some((_, src)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        return parse(name_or_path, src);
    }
    let p = Path::new(name_or_path);
    if p.extension().is_some_and(|e| e == "toml") || p.exists() {
        let src = std::fs::read_to_string(p).map_err(|e| TextError::io(p, e))?;
        return parse(name_or_path, &src);
    }
    let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    Err(TextError::Task {
        task: name_or_path.into(),
        message: format!(
            "no built-in task of that name ({}) and no such .toml file",
            names.join(", ")
        ),
    })
}

/// Parse and validate a task file's text; `origin` names it in errors.
pub fn parse(origin: &str, src: &str) -> Result<Task> {
    let bad = |m: String| TextError::Task {
        task: origin.to_string(),
        message: m,
    };
    let raw: RawTask = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
    for t in [&raw.system, &raw.prompt] {
        check_placeholders(t).map_err(&bad)?;
    }
    if !raw.prompt.contains("{text}") {
        return Err(bad("the prompt must contain {text}".into()));
    }
    let extract = raw.extract.clone().unwrap_or_default();
    validate_kind(&raw, &extract).map_err(&bad)?;
    let schema = match raw.schema {
        Some(t) => serde_json::to_value(t).map_err(|e| bad(e.to_string()))?,
        None => default_schema(raw.kind, &raw.labels, raw.with_reason, &extract.columns),
    };
    Ok(Task {
        name: raw.name,
        kind: raw.kind,
        description: raw.description,
        labels: raw.labels,
        default_label: raw.default_label,
        with_reason: raw.with_reason,
        system: raw.system,
        prompt: raw.prompt,
        label_guide: raw.label_guide,
        cues: raw.cues,
        summary: raw.summary.unwrap_or_default(),
        extract,
        schema,
        source: src.to_string(),
    })
}

fn validate_kind(raw: &RawTask, extract: &ExtractSpec) -> std::result::Result<(), String> {
    match raw.kind {
        TaskKind::Classify => {
            if raw.labels.len() < 2 {
                return Err("a classify task needs `labels` with at least two entries".into());
            }
            let unknown = |l: &String| !raw.labels.contains(l);
            if let Some(l) = raw.default_label.iter().find(|l| unknown(l)) {
                return Err(format!("default_label \"{l}\" is not one of the labels"));
            }
            if let Some(l) = raw
                .cues
                .keys()
                .chain(raw.label_guide.keys())
                .find(|l| unknown(l))
            {
                return Err(format!(
                    "cues / label_guide name \"{l}\", which is not one of the labels"
                ));
            }
        }
        TaskKind::Extract if extract.columns.is_empty() => {
            return Err("an extract task needs [extract] columns".into())
        }
        _ => {}
    }
    Ok(())
}

fn check_placeholders(t: &str) -> std::result::Result<(), String> {
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let Some(j) = after.find('}') else {
            return Err("an unclosed `{` in a template (write `{{` for a literal brace)".into());
        };
        let name = &after[..j];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}} (known: {})",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[j + 1..];
    }
    Ok(())
}

/// The answer schema made from the kind: classify `{label, score?, reason}`, summarise
/// `{summary}`, extract `{items: [{column: string, …}]}`.
fn default_schema(
    kind: TaskKind,
    labels: &[String],
    with_reason: bool,
    columns: &[String],
) -> Value {
    match kind {
        TaskKind::Classify => {
            let mut required = vec!["label"];
            if with_reason {
                required.push("reason");
            }
            json!({"type": "object", "required": required, "properties": {
                "label": {"type": "string", "enum": labels},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "reason": {"type": "string"}}})
        }
        TaskKind::Summarise => json!({"type": "object", "required": ["summary"],
            "properties": {"summary": {"type": "string", "minLength": 1}}}),
        TaskKind::Extract => {
            let props: serde_json::Map<String, Value> = columns
                .iter()
                .map(|c| (c.clone(), json!({"type": "string"})))
                .collect();
            json!({"type": "object", "required": ["items"], "properties": {"items": {
                "type": "array", "items": {"type": "object", "required": columns, "properties": props}}}})
        }
    }
}

impl Task {
    /// `template` with its placeholders filled (`{text}` last, so braces in the text are
    /// left alone).
    pub fn render(&self, template: &str, text: &str) -> String {
        let guide: Vec<String> = self
            .labels
            .iter()
            .map(|l| match self.label_guide.get(l) {
                Some(d) => format!("- {l}: {d}"),
                None => format!("- {l}"),
            })
            .collect();
        let mut out = String::with_capacity(template.len() + text.len());
        let mut rest = template;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
                out.push_str(&rest[i..=i]);
                rest = &after[1..];
                continue;
            }
            if rest[i..].starts_with('}') {
                out.push('}');
                rest = after;
                continue;
            }
            let j = after.find('}').unwrap_or(after.len());
            match &after[..j] {
                "text" => out.push_str(text),
                "labels" => out.push_str(&self.labels.join(", ")),
                "label_guide" => out.push_str(&guide.join("\n")),
                "max_sentences" => out.push_str(&self.summary.max_sentences.to_string()),
                "max_chars" => out.push_str(&self.summary.max_chars.to_string()),
                "columns" => out.push_str(&self.extract.columns.join(", ")),
                "concepts" => out.push_str(&self.extract.concepts.join("、")),
                other => out.push_str(other),
            }
            rest = after.get(j + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }

    /// The system message sent to a chat endpoint: the task's system text and the
    /// answer schema.
    pub fn system_message(&self) -> String {
        format!(
            "{}\n\nAnswer with one JSON object, and nothing else, that conforms to this JSON schema:\n{}",
            self.render(&self.system, ""),
            self.schema
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_task_parses() {
        for (name, src) in BUILTIN {
            let t = parse(name, src).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.name, name);
        }
    }

    #[test]
    fn render_fills_placeholders_and_keeps_braces_of_the_text() {
        let t = load("fund_style").unwrap();
        let s = t.render("L={labels} {{x}} T={text}", "a {label} b");
        assert_eq!(
            s,
            format!("L={} {{x}} T=a {{label}} b", t.labels.join(", "))
        );
    }

    #[test]
    fn bad_tasks_are_named_errors() {
        let base = "name='x'\nkind='classify'\nsystem='s'\n";
        let cases = [
            (
                format!("{base}prompt='{{text}}'\nlabels=['a']"),
                "at least two",
            ),
            (
                format!("{base}prompt='{{txt}}'\nlabels=['a','b']"),
                "unknown placeholder {txt}",
            ),
            (
                format!("{base}prompt='no text'\nlabels=['a','b']"),
                "must contain {text}",
            ),
            (
                format!("{base}prompt='{{text}}'\nlabels=['a','b']\ndefault_label='c'"),
                "\"c\"",
            ),
            (
                format!("{base}prompt='{{text}}'\nlabels=['a','b']\n[cues]\nz=['q']"),
                "\"z\"",
            ),
            (
                format!("{base}prompt='{{text}}'\nlabels=['a','b']\ncolor=1"),
                "unknown field",
            ),
        ];
        for (src, msg) in cases {
            let e = parse("my.toml", &src).unwrap_err().to_string();
            assert!(e.starts_with("task my.toml:"), "{e}");
            assert!(e.contains(msg), "{e} lacks {msg}");
        }
        assert!(load("no_such_task")
            .unwrap_err()
            .to_string()
            .contains("fund_style"));
    }

    #[test]
    fn default_schemas_follow_the_kind() {
        let t = load("rotation_confirm").unwrap();
        assert_eq!(t.schema["required"], json!(["label", "reason"]));
        let t = load("concept_chain").unwrap();
        assert_eq!(
            t.schema["properties"]["items"]["items"]["required"],
            json!(t.extract.columns)
        );
    }
}
