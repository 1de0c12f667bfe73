//! The offline backend: no network, no model download.
//!
//! * classify — with a trained [`NgramModel`] for the task, its label and
//!   probability, the reason its best sentence; without one, the task's cue rule
//!   ([`cue_rule`]);
//! * summarise — the extractive [`summary`](crate::summary) of the text;
//! * extract — the lexicon [`extract`](crate::extract) of concept chains.
//!
//! Its identity's model names the method and, for a trained model, the model's
//! fingerprint, so cached answers of another model are not reused.

use crate::backend::{check_schema, Backend, Identity};
use crate::error::{Result, TextError};
use crate::extract::{extract, Lexicon};
use crate::ngram::NgramModel;
use crate::task::{Task, TaskKind};
use crate::textops::sentences;
use serde_json::{json, Value};

/// The offline backend.
#[derive(Debug, Default)]
pub struct Offline {
    model: Option<NgramModel>,
    stocks: Vec<(String, String)>,
}

impl Offline {
    /// An offline backend; `model` is used for classify tasks of its task name.
    pub fn new(model: Option<NgramModel>, stocks: Vec<(String, String)>) -> Self {
        Offline { model, stocks }
    }

    fn classify_answer(&self, task: &Task, text: &str) -> Result<Value> {
        if let Some(m) = self.model.as_ref().filter(|m| m.task == task.name) {
            if m.labels != task.labels {
                return Err(TextError::Model(format!(
                    "the model was trained on labels {:?}, the task has {:?}",
                    m.labels, task.labels
                )));
            }
            let (k, p) = m.predict(text);
            let mut v = json!({"label": m.labels[k], "score": round6(p[k])});
            if let Some(r) = m.reason(text, k) {
                v["reason"] = Value::String(r);
            } else if task.with_reason {
                v["reason"] = Value::String(String::new());
            }
            return Ok(v);
        }
        if task.cues.is_empty() || task.default_label.is_none() {
            return Err(TextError::Config(format!(
                "offline classify of task {} needs a model trained for it (rotor text train) or [cues] and default_label in the task file",
                task.name
            )));
        }
        let (label, score, reason) = cue_rule(task, text);
        Ok(json!({"label": label, "score": score, "reason": reason}))
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The cue rule: every occurrence of a label's cue phrase in the text is a vote (a
/// cue inside a longer listed cue votes again); the
/// label with most votes wins (ties: the task's label order); no vote → the task's
/// default label with an empty reason. Score = winner's votes / all votes. Reason =
/// the first sentence holding a cue of the winner.
pub fn cue_rule(task: &Task, text: &str) -> (String, f64, String) {
    let votes: Vec<usize> = task
        .labels
        .iter()
        .map(|l| {
            task.cues.get(l).map_or(0, |cs| {
                cs.iter().map(|c| text.matches(c.as_str()).count()).sum()
            })
        })
        .collect();
    let total: usize = votes.iter().sum();
    let default = task
        .default_label
        .clone()
        .unwrap_or_else(|| task.labels[0].clone());
    if total == 0 {
        return (default, 0.0, String::new());
    }
    let mut best = 0;
    for (i, &v) in votes.iter().enumerate() {
        if v > votes[best] {
            best = i;
        }
    }
    let label = task.labels[best].clone();
    let cues = task.cues.get(&label).cloned().unwrap_or_default();
    let reason = sentences(text)
        .into_iter()
        .find(|s| cues.iter().any(|c| s.contains(c.as_str())))
        .unwrap_or_default()
        .to_string();
    (label, round6(votes[best] as f64 / total as f64), reason)
}

/// Version of the offline methods' outputs: part of the identity, so answers cached by
/// an earlier version are not reused. Bump it whenever a change to the cue rule, the
/// summariser, the extractor or the lexicons changes what they answer.
pub const METHOD_VERSION: &str = "v2";

impl Backend for Offline {
    /// `offline` / `rules-v2` or `ngram:<task>:<fingerprint>` / the stock dictionary's
    /// fingerprint (it changes what extraction answers).
    fn identity(&self) -> Identity {
        let model = match &self.model {
            Some(m) => format!("ngram:{}:{}", m.task, m.fingerprint()),
            None => format!("rules-{METHOD_VERSION}"),
        };
        let scope = if self.stocks.is_empty() {
            METHOD_VERSION.to_string()
        } else {
            let list: Vec<String> = self
                .stocks
                .iter()
                .map(|(n, c)| format!("{n}\t{c}"))
                .collect();
            let fp = crate::cache::sha256_hex(list.join("\n").as_bytes());
            format!("{METHOD_VERSION}:stocks:{}", &fp[..12])
        };
        Identity {
            backend: "offline".into(),
            model,
            scope,
        }
    }

    fn answer(&self, task: &Task, text: &str) -> Result<Value> {
        let v = match task.kind {
            TaskKind::Classify => self.classify_answer(task, text)?,
            TaskKind::Summarise => {
                json!({"summary": crate::summary::summarise(text, &task.summary)})
            }
            TaskKind::Extract => {
                let lex = Lexicon::new(&task.extract, &self.stocks);
                let items: Vec<Value> = extract(text, &lex)
                    .into_iter()
                    .map(|[c, i, s, e]| {
                        let vals = [c, i, s, e];
                        let obj: serde_json::Map<String, Value> = task
                            .extract
                            .columns
                            .iter()
                            .zip(vals)
                            .map(|(k, x)| (k.clone(), Value::String(x)))
                            .collect();
                        Value::Object(obj)
                    })
                    .collect();
                json!({ "items": items })
            }
        };
        check_schema(task, &v)?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::load;

    #[test]
    fn cue_rule_votes_quotes_and_falls_back() {
        let t = load("rotation_confirm").unwrap();
        let (l, s, r) = cue_rule(&t, "本基金坚持价值。根据市场变化进行风格轮动和行业轮动。");
        assert_eq!(l, "yes");
        // yes: 风格轮动 1 + 行业轮动 1 = 2 votes; no: 坚持价值 1
        assert!((s - 0.666667).abs() < 1e-12, "{s}");
        assert_eq!(r, "根据市场变化进行风格轮动和行业轮动。");
        assert_eq!(
            cue_rule(&t, "本基金投资于股票。"),
            ("unclear".into(), 0.0, String::new())
        );
    }

    #[test]
    fn offline_answers_every_kind_within_the_schema() {
        let b = Offline::default();
        for name in [
            "rotation_confirm",
            "manager_view",
            "fund_style",
            "report_summary",
            "concept_chain",
        ] {
            let t = load(name).unwrap();
            let v = b
                .answer(
                    &t,
                    "人工智能带动计算机行业，科大讯飞002230大涨。基金优选是本季度重点。",
                )
                .unwrap();
            assert!(
                crate::schema::violation(&t.schema, &v).is_none(),
                "{name}: {v}"
            );
        }
        let chain = b
            .extract(
                &load("concept_chain").unwrap(),
                "人工智能带动计算机行业，科大讯飞002230大涨。",
            )
            .unwrap();
        assert_eq!(
            chain[0][..3],
            ["人工智能".to_string(), "计算机".into(), "002230.SZ".into()]
        );
    }

    #[test]
    fn a_model_for_another_label_set_is_refused() {
        let t = load("fund_style").unwrap();
        let labels = vec!["growth".to_string(), "value".to_string()];
        let cfg = crate::ngram::NgramConfig {
            min_df: 1,
            ..Default::default()
        };
        let (m, _) = NgramModel::train(
            "fund_style",
            &labels,
            &[("成长", "growth"), ("价值", "value")],
            &cfg,
        )
        .unwrap();
        let e = Offline::new(Some(m), vec![])
            .answer(&t, "成长")
            .unwrap_err();
        assert!(e.to_string().contains("trained on labels"), "{e}");
    }
}
