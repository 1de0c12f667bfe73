//! The OpenAI-compatible chat backend: DeepSeek, Qwen (DashScope compatible mode), a
//! local vLLM or Ollama server — anything serving `POST {base_url}/chat/completions`.
//!
//! One request per (task, text): the system message is the task's system text with the
//! answer's JSON schema, the user message the rendered prompt; `temperature` 0 by
//! default and `response_format: {"type": "json_object"}` unless `json_mode = false`
//! (for servers without JSON mode). The reply's `choices[0].message.content` must be one
//! JSON object (a Markdown code fence around it is removed) that satisfies the task
//! schema; otherwise the item fails with [`TextError::Malformed`] or
//! [`TextError::Schema`] quoting the start of the answer, and is not cached.
//!
//! **Retries.** HTTP 429, 5xx, timeouts and failed connections are retried up to
//! `max_retries` times, waiting `backoff_ms · 2^(attempt−1)` (capped at
//! `max_backoff_ms`), or the server's `Retry-After` seconds when it sends one (same
//! cap). Other statuses (400, 401, 404 …) fail at once. The number of requests in flight
//! is the caller's worker count ([`crate::pipeline`], `concurrency`).
//!
//! **The key** is read from the environment variable named by `api_key_env` when the
//! backend is made, sent only in the `Authorization` header, and never written to an
//! output, a cache key, a log or an error (the `Debug` output shows `<set>`).

use crate::backend::{check_schema, Backend, Identity};
use crate::error::{excerpt, Result, TextError};
use crate::task::Task;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Endpoint settings (the `[llm]` table of a config file; environment variables
/// `ROTOR_LLM_BASE_URL` and `ROTOR_LLM_MODEL` override it, see [`EndpointConfig::resolve`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointConfig {
    /// Base URL up to and including the version path (`https://api.deepseek.com/v1`).
    pub base_url: String,
    /// Model name (`deepseek-chat`, `qwen-plus`, `qwen2.5:7b` …).
    pub model: String,
    /// Name of the environment variable holding the API key (not the key).
    pub api_key_env: String,
    /// Whole-request timeout, seconds.
    pub timeout_secs: f64,
    /// Retries after the first attempt (429, 5xx, timeouts, connection errors).
    pub max_retries: u32,
    /// First back-off, milliseconds.
    pub backoff_ms: u64,
    /// Longest back-off, milliseconds.
    pub max_backoff_ms: u64,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Sampling temperature.
    pub temperature: f64,
    /// Ask for `response_format: json_object`.
    pub json_mode: bool,
    /// `max_tokens` of the answer, when set.
    pub max_tokens: Option<u32>,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        EndpointConfig {
            base_url: String::new(),
            model: String::new(),
            api_key_env: "ROTOR_LLM_API_KEY".into(),
            timeout_secs: 60.0,
            max_retries: 4,
            backoff_ms: 1000,
            max_backoff_ms: 30_000,
            concurrency: 4,
            temperature: 0.0,
            json_mode: true,
            max_tokens: None,
        }
    }
}

impl EndpointConfig {
    /// `self` with `ROTOR_LLM_BASE_URL` / `ROTOR_LLM_MODEL` applied when set, checked:
    /// a base URL starting `http://` or `https://`, a model, concurrency ≥ 1, a positive
    /// timeout.
    pub fn resolve(mut self, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        if let Some(u) = env("ROTOR_LLM_BASE_URL").filter(|s| !s.is_empty()) {
            self.base_url = u;
        }
        if let Some(m) = env("ROTOR_LLM_MODEL").filter(|s| !s.is_empty()) {
            self.model = m;
        }
        self.base_url = self.base_url.trim_end_matches('/').to_string();
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(TextError::Config(format!(
                "the openai backend needs base_url (http:// or https://…, e.g. https://api.deepseek.com/v1) in [llm] of the config or ROTOR_LLM_BASE_URL; got {:?}",
                self.base_url
            )));
        }
        if self.model.is_empty() {
            return Err(TextError::Config(
                "the openai backend needs a model in [llm] of the config or ROTOR_LLM_MODEL".into(),
            ));
        }
        if self.concurrency == 0 || self.timeout_secs.is_nan() || self.timeout_secs <= 0.0 {
            return Err(TextError::Config(
                "[llm] needs concurrency >= 1 and timeout_secs > 0".into(),
            ));
        }
        Ok(self)
    }
}

/// The chat-endpoint backend.
pub struct OpenAi {
    cfg: EndpointConfig,
    key: Option<String>,
    agent: ureq::Agent,
    requests: AtomicUsize,
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAi")
            .field("cfg", &self.cfg)
            .field("key", &self.key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl OpenAi {
    /// A backend for a resolved config; the key is read now from `cfg.api_key_env`
    /// (a local server needs none).
    pub fn new(cfg: EndpointConfig, env: impl Fn(&str) -> Option<String>) -> Self {
        let key = env(&cfg.api_key_env).filter(|k| !k.is_empty());
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs_f64(cfg.timeout_secs)))
                .http_status_as_error(false)
                .build(),
        );
        OpenAi {
            cfg,
            key,
            agent,
            requests: AtomicUsize::new(0),
        }
    }

    /// The settings.
    pub fn config(&self) -> &EndpointConfig {
        &self.cfg
    }

    /// Whether a key was found.
    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn url(&self) -> String {
        format!("{}/chat/completions", self.cfg.base_url)
    }

    /// The request body for `task` and `text`.
    pub fn request_body(&self, task: &Task, text: &str) -> Value {
        let mut body = json!({
            "model": self.cfg.model,
            "messages": [
                {"role": "system", "content": task.system_message()},
                {"role": "user", "content": task.render(&task.prompt, text)},
            ],
            "temperature": self.cfg.temperature,
        });
        if self.cfg.json_mode {
            body["response_format"] = json!({"type": "json_object"});
        }
        if let Some(n) = self.cfg.max_tokens {
            body["max_tokens"] = json!(n);
        }
        body
    }

    fn backoff(&self, attempt: u32, retry_after: Option<f64>) -> Duration {
        let cap = self.cfg.max_backoff_ms as f64 / 1000.0;
        let secs = match retry_after {
            Some(s) => s.min(cap),
            None => (self.cfg.backoff_ms as f64 / 1000.0 * 2f64.powi(attempt as i32 - 1)).min(cap),
        };
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// POST the body, retrying as the module doc says; the reply body on 200.
    fn post(&self, body: &str) -> Result<String> {
        let url = self.url();
        let attempts = self.cfg.max_retries + 1;
        let mut last = None;
        for attempt in 1..=attempts {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut req = self
                .agent
                .post(&url)
                .header("Content-Type", "application/json");
            if let Some(k) = &self.key {
                req = req.header("Authorization", &format!("Bearer {k}"));
            }
            let mut retry_after = None;
            match req.send(body) {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|h| h.to_str().ok())
                        .and_then(|s| s.trim().parse::<f64>().ok());
                    let text = resp.body_mut().read_to_string().unwrap_or_default();
                    if status == 200 {
                        return Ok(text);
                    }
                    let err = TextError::Http {
                        status,
                        url: url.clone(),
                        attempts: attempt,
                        body: excerpt(&text, 300),
                    };
                    if !(status == 429 || (500..600).contains(&status)) {
                        return Err(err);
                    }
                    last = Some(err);
                }
                Err(e) => {
                    last = Some(TextError::Transport {
                        url: url.clone(),
                        attempts: attempt,
                        message: e.to_string(),
                    });
                }
            }
            if attempt < attempts {
                std::thread::sleep(self.backoff(attempt, retry_after));
            }
        }
        Err(last.unwrap_or_else(|| TextError::Config("no attempt made".into())))
    }
}

/// The model's answer inside a chat-completion reply, as JSON.
pub fn read_reply(reply: &str) -> Result<Value> {
    let outer: Value = serde_json::from_str(reply).map_err(|e| TextError::Malformed {
        reason: format!("the endpoint's reply is not JSON ({e})"),
        excerpt: excerpt(reply, 200),
    })?;
    let choice = &outer["choices"][0];
    let content = choice["message"]["content"]
        .as_str()
        .ok_or_else(|| TextError::Malformed {
            reason: "the reply has no choices[0].message.content".into(),
            excerpt: excerpt(reply, 200),
        })?;
    let body = strip_fence(content);
    serde_json::from_str::<Value>(body).map_err(|e| {
        let cut = if choice["finish_reason"] == "length" {
            " (cut off at max_tokens)"
        } else {
            ""
        };
        TextError::Malformed {
            reason: format!("the model's answer is not one JSON object{cut} ({e})"),
            excerpt: excerpt(content, 200),
        }
    })
}

fn strip_fence(s: &str) -> &str {
    let t = s.trim();
    if let Some(rest) = t.strip_prefix("```") {
        let rest = rest.split_once('\n').map_or("", |x| x.1);
        return rest.trim_end().strip_suffix("```").unwrap_or(rest).trim();
    }
    t
}

impl Backend for OpenAi {
    fn identity(&self) -> Identity {
        Identity {
            backend: "openai".into(),
            model: self.cfg.model.clone(),
            scope: self.cfg.base_url.clone(),
        }
    }

    fn answer(&self, task: &Task, text: &str) -> Result<Value> {
        let body = self.request_body(task, text).to_string();
        let v = read_reply(&self.post(&body)?)?;
        check_schema(task, &v)?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_removed() {
        assert_eq!(strip_fence("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
        assert_eq!(strip_fence("  {\"a\": 1} "), "{\"a\": 1}");
    }

    #[test]
    fn replies_that_are_not_answers_are_malformed() {
        let e = read_reply("<html>").unwrap_err().to_string();
        assert!(e.contains("reply is not JSON"), "{e}");
        let e = read_reply(r#"{"choices": []}"#).unwrap_err().to_string();
        assert!(e.contains("choices[0].message.content"), "{e}");
        let e = read_reply(
            r#"{"choices": [{"message": {"content": "{\"label\": "}, "finish_reason": "length"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("cut off at max_tokens"), "{e}");
    }

    #[test]
    fn config_is_checked_and_env_overrides() {
        let none = |_: &str| None;
        assert!(EndpointConfig::default()
            .resolve(none)
            .unwrap_err()
            .to_string()
            .contains("base_url"));
        let env = |k: &str| match k {
            "ROTOR_LLM_BASE_URL" => Some("http://127.0.0.1:8000/v1/".to_string()),
            "ROTOR_LLM_MODEL" => Some("qwen2.5".to_string()),
            _ => None,
        };
        let c = EndpointConfig::default().resolve(env).unwrap();
        assert_eq!(
            (c.base_url.as_str(), c.model.as_str()),
            ("http://127.0.0.1:8000/v1", "qwen2.5")
        );
    }

    #[test]
    fn the_key_stays_out_of_debug_and_identity() {
        let cfg = EndpointConfig {
            base_url: "http://x/v1".into(),
            model: "m".into(),
            ..Default::default()
        };
        let b = OpenAi::new(cfg, |_| Some("sk-secret-123".into()));
        assert!(b.has_key());
        assert!(!format!("{b:?}").contains("sk-secret"));
        assert!(!format!("{:?}", b.identity()).contains("sk-secret"));
    }

    #[test]
    fn backoff_doubles_and_honours_retry_after_under_the_cap() {
        let cfg = EndpointConfig {
            backoff_ms: 100,
            max_backoff_ms: 350,
            ..Default::default()
        };
        let b = OpenAi::new(cfg, |_| None);
        let ms = |a, r| b.backoff(a, r).as_millis();
        assert_eq!((ms(1, None), ms(2, None), ms(3, None)), (100, 200, 350));
        assert_eq!((ms(1, Some(0.2)), ms(1, Some(10.0))), (200, 350));
    }
}
