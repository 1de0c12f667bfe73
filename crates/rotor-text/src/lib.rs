//! # rotor-text
//!
//! Research text tools (seed G's LLM section, SPEC §17): classify, summarise and
//! extract from fund documents, manager commentary, research reports and news, with an
//! OpenAI-compatible chat endpoint or fully offline, every answer cached on disk so a
//! rerun is free and byte-identical. No backtest depends on this crate; its outputs
//! feed fund analytics as qualitative confirmation and descriptive share tables.
//!
//! * [`task`] — tasks in TOML (prompt templates, label sets, offline cues, answer
//!   schema); five built in: `fund_style`, `manager_view`, `rotation_confirm`,
//!   `report_summary`, `concept_chain`;
//! * [`backend`] — the one [`Backend`](backend::Backend) trait (`classify`,
//!   `summarise`, `extract`, all through a schema-checked JSON answer);
//! * [`openai`] — the chat-endpoint backend (timeouts, retries with back-off on 429 /
//!   5xx, JSON mode, the key kept out of every output);
//! * [`offline`] — the offline backend: [`ngram`] classifier, [`summary`] extractive
//!   summariser, [`extract`] lexicon extractor, the cue rule;
//! * [`cache`] — answers on disk keyed by SHA-256 of (backend, model, endpoint,
//!   prompt, schema, text);
//! * [`pipeline`] — a task over many texts on a bounded number of threads, results in
//!   input order;
//! * [`agreement`], [`split`], [`corpus`] — scoring labels against reference labels,
//!   a leakage-free train / test split, fund texts from the data bundle;
//! * [`schema`], [`textops`] — the JSON Schema subset and text primitives.
//!
//! **Where to extend.** A new task is a TOML file (or one more entry of
//! [`task::BUILTIN`]); a new backend is one `impl Backend` (its `identity` must change
//! whenever its answers can, so the cache stays right); a new offline method is a
//! branch of [`offline::Offline::answer`](backend::Backend::answer).
#![forbid(unsafe_code)]

pub mod agreement;
pub mod backend;
pub mod cache;
pub mod corpus;
pub mod error;
pub mod extract;
pub mod ngram;
pub mod offline;
pub mod openai;
pub mod pipeline;
pub mod schema;
pub mod split;
pub mod summary;
pub mod task;
pub mod textops;

pub use backend::{Backend, Classification, Identity};
pub use error::{Result, TextError};
pub use task::{Task, TaskKind};
