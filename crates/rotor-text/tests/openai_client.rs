//! The chat-endpoint backend against a local server started by the test: good answers,
//! 429 then success, 500, a timeout, malformed JSON, a schema violation, a 401, the
//! request's shape and the key kept out of everything but the header.

mod common;
use common::server::{chat_reply, Reply, Server};
use rotor_text::openai::{EndpointConfig, OpenAi};
use rotor_text::{Backend, TextError};
use std::time::Duration;

fn backend(url: &str, retries: u32, timeout: f64) -> OpenAi {
    let cfg = EndpointConfig {
        base_url: url.into(),
        model: "deepseek-chat".into(),
        max_retries: retries,
        backoff_ms: 10,
        max_backoff_ms: 50,
        timeout_secs: timeout,
        ..Default::default()
    };
    OpenAi::new(cfg, |k| {
        (k == "ROTOR_LLM_API_KEY").then(|| "sk-test-SECRET-42".to_string())
    })
}

fn task() -> rotor_text::Task {
    rotor_text::task::load("fund_style").unwrap()
}

#[test]
fn a_good_answer_is_read_and_the_request_has_the_expected_shape() {
    let s = Server::script(vec![Reply::ok(
        r#"{"label": "growth", "score": 0.8, "reason": "精选成长股"}"#,
    )]);
    let b = backend(&s.url, 0, 5.0);
    let c = b.classify(&task(), "本基金精选成长股。").unwrap();
    assert_eq!(
        (c.label.as_str(), c.score, c.reason.as_deref()),
        ("growth", Some(0.8), Some("精选成长股"))
    );
    let seen = s.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer sk-test-SECRET-42")
    );
    assert_eq!(seen.body["model"], "deepseek-chat");
    assert_eq!(seen.body["temperature"], 0.0);
    assert_eq!(seen.body["response_format"]["type"], "json_object");
    assert!(seen.user_message().contains("本基金精选成长股。"));
    let system = seen.body["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains(
            "\"enum\":[\"growth\",\"value\",\"balanced\",\"industry_theme\",\"index_enhanced\"]"
        ),
        "{system}"
    );
    assert!(
        !seen.body.to_string().contains("SECRET"),
        "the key is only in the header"
    );
}

#[test]
fn a_429_is_retried_after_the_servers_wait_then_succeeds() {
    let mut busy = Reply::status(429, r#"{"error": "rate limited"}"#);
    busy.retry_after = Some("0");
    let s = Server::script(vec![busy, Reply::ok(r#"{"label": "value"}"#)]);
    let b = backend(&s.url, 2, 5.0);
    assert_eq!(b.classify(&task(), "低估值").unwrap().label, "value");
    assert_eq!((s.requests(), b.requests()), (2, 2));
}

#[test]
fn a_500_is_retried_then_reported_with_status_and_attempts() {
    let s = Server::script(vec![Reply::status(500, "upstream down"); 3]);
    let b = backend(&s.url, 2, 5.0);
    let e = b.classify(&task(), "x").unwrap_err();
    match &e {
        TextError::Http {
            status,
            attempts,
            body,
            ..
        } => {
            assert_eq!(
                (*status, *attempts, body.as_str()),
                (500, 3, "upstream down")
            );
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert_eq!(s.requests(), 3);
    assert!(
        e.to_string().contains("HTTP 500") && e.to_string().contains("after 3 attempt(s)"),
        "{e}"
    );
}

#[test]
fn a_401_fails_at_once_without_retries() {
    let s = Server::script(vec![
        Reply::status(401, r#"{"error": "invalid key"}"#),
        Reply::ok("{}"),
    ]);
    let b = backend(&s.url, 3, 5.0);
    let e = b.classify(&task(), "x").unwrap_err().to_string();
    assert!(e.contains("HTTP 401") && e.contains("invalid key"), "{e}");
    assert!(!e.contains("SECRET"));
    assert_eq!(s.requests(), 1);
}

#[test]
fn a_slow_server_times_out_and_is_retried() {
    let mut slow = Reply::ok(r#"{"label": "value"}"#);
    slow.delay = Duration::from_millis(1500);
    let s = Server::script(vec![slow.clone(), slow]);
    let b = backend(&s.url, 1, 0.3);
    let t0 = std::time::Instant::now();
    let e = b.classify(&task(), "x").unwrap_err();
    assert!(
        matches!(e, TextError::Transport { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(
        t0.elapsed() < Duration::from_millis(1400),
        "gave up on time: {:?}",
        t0.elapsed()
    );
    assert_eq!(s.requests(), 2);
}

#[test]
fn malformed_answers_are_clear_errors() {
    let s = Server::script(vec![
        Reply::ok("I think the style is growth."),
        Reply::status(200, "not json at all"),
        Reply::ok("```json\n{\"label\": \"growth\"}\n```"),
    ]);
    let b = backend(&s.url, 0, 5.0);
    let e = b.classify(&task(), "x").unwrap_err().to_string();
    assert!(
        e.contains("malformed answer")
            && e.contains("not one JSON object")
            && e.contains("I think"),
        "{e}"
    );
    let e = b.classify(&task(), "x").unwrap_err().to_string();
    assert!(e.contains("reply is not JSON"), "{e}");
    assert_eq!(
        b.classify(&task(), "x").unwrap().label,
        "growth",
        "a fenced answer is read"
    );
}

#[test]
fn schema_violations_name_the_field() {
    let s = Server::script(vec![
        Reply::ok(r#"{"label": "momentum", "score": 0.9}"#),
        Reply::ok(r#"{"label": "growth", "score": 7}"#),
        Reply::ok(r#"{"items": [{"concept": "AI"}]}"#),
    ]);
    let b = backend(&s.url, 0, 5.0);
    let e = b.classify(&task(), "x").unwrap_err().to_string();
    assert!(
        e.contains("at /label") && e.contains("\"momentum\" is not one of"),
        "{e}"
    );
    let e = b.classify(&task(), "x").unwrap_err().to_string();
    assert!(
        e.contains("at /score") && e.contains("above the maximum"),
        "{e}"
    );
    let chain = rotor_text::task::load("concept_chain").unwrap();
    let e = b.extract(&chain, "x").unwrap_err().to_string();
    assert!(
        e.contains("at /items/0") && e.contains("\"industry\" is missing"),
        "{e}"
    );
}

#[test]
fn json_mode_can_be_switched_off_for_servers_without_it() {
    let s = Server::script(vec![Reply::ok(r#"{"summary": "要点。"}"#)]);
    let cfg = EndpointConfig {
        base_url: s.url.clone(),
        model: "qwen2.5:7b".into(),
        json_mode: false,
        max_tokens: Some(300),
        ..Default::default()
    };
    let b = OpenAi::new(cfg, |_| None);
    let t = rotor_text::task::load("report_summary").unwrap();
    assert_eq!(b.summarise(&t, "长文本。").unwrap(), "要点。");
    let seen = s.seen.lock().unwrap()[0].clone();
    assert!(seen.body.get("response_format").is_none());
    assert_eq!(seen.body["max_tokens"], 300);
    assert_eq!(seen.header("authorization"), None, "no key, no header");
    let _ = chat_reply("");
}

#[test]
fn requests_in_flight_never_exceed_the_concurrency_limit() {
    let mut slow = Reply::ok(r#"{"label": "value"}"#);
    slow.delay = Duration::from_millis(150);
    let s = Server::script(vec![slow; 8]);
    let b = backend(&s.url, 0, 5.0);
    let texts: Vec<String> = (0..8).map(|i| format!("text {i}")).collect();
    let t0 = std::time::Instant::now();
    let out = rotor_text::pipeline::run_items(&texts, 2, |t| b.classify(&task(), t), || {});
    assert!(out.iter().all(Result::is_ok));
    let peak = s.live_peak.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        (1..=2).contains(&peak),
        "peak {peak} requests in flight with a limit of 2"
    );
    assert!(
        t0.elapsed() >= Duration::from_millis(4 * 150),
        "8 slow answers on 2 workers take 4 rounds"
    );
}
