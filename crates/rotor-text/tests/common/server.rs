//! A scripted HTTP/1.1 server on 127.0.0.1 for the chat-endpoint tests: each request
//! gets the next scripted reply (or, in replay mode, the fixture whose text the user
//! message contains); every request is recorded. One thread per connection, so a
//! slow reply does not hold up the next.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
    pub retry_after: Option<&'static str>,
}

impl Reply {
    pub fn ok(content: &str) -> Reply {
        Reply {
            status: 200,
            body: chat_reply(content),
            delay: Duration::ZERO,
            retry_after: None,
        }
    }
    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.into(),
            delay: Duration::ZERO,
            retry_after: None,
        }
    }
}

/// A chat-completion reply around `content`, as OpenAI-compatible servers send it.
pub fn chat_reply(content: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1764547200,
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
    })
    .to_string()
}

/// A recorded request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn user_message(&self) -> String {
        self.body["messages"][1]["content"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

enum Mode {
    Script(Mutex<VecDeque<Reply>>),
    /// (system-message phrase, text fragment, answer content): the first whose phrase
    /// the system message and whose fragment the user message contain answers; none → 404.
    Replay(Vec<(String, String, String)>),
}

pub struct Server {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub live_peak: Arc<AtomicUsize>,
}

impl Server {
    pub fn script(replies: Vec<Reply>) -> Server {
        start(Mode::Script(Mutex::new(replies.into())))
    }
    pub fn replay(fixtures: Vec<(String, String, String)>) -> Server {
        start(Mode::Replay(fixtures))
    }
    pub fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn start(mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let live = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mode = Arc::new(mode);
    let (s2, p2) = (seen.clone(), peak.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (mode, seen, live, peak) = (mode.clone(), s2.clone(), live.clone(), p2.clone());
            std::thread::spawn(move || {
                let n = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                handle(stream, &mode, &seen);
                live.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Server {
        url,
        seen,
        live_peak: peak,
    }
}

fn handle(stream: TcpStream, mode: &Mode, seen: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let req = Seen {
        path,
        headers,
        body,
    };
    let reply = match mode {
        Mode::Script(q) => q
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Reply::status(599, "script exhausted")),
        Mode::Replay(fx) => {
            let user = req.user_message();
            let system = req.body["messages"][0]["content"]
                .as_str()
                .unwrap_or("")
                .to_string();
            match fx.iter().find(|(task, frag, _)| {
                system.contains(task.as_str()) && user.contains(frag.as_str())
            }) {
                Some((_, _, content)) => Reply::ok(content),
                None => Reply::status(404, "no fixture for this request"),
            }
        }
    };
    seen.lock().unwrap().push(req);
    std::thread::sleep(reply.delay);
    let mut out = stream;
    let extra = reply
        .retry_after
        .map(|r| format!("Retry-After: {r}\r\n"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
    let _ = out.flush();
}

/// The replay fixtures of `tests/fixtures/chat_replay.json`.
pub fn replay_fixtures() -> Vec<(String, String, String)> {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rotor-text/tests/fixtures/chat_replay.json"
    );
    let d: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    d["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let task = a["task"].as_str().unwrap();
            let marker = d["tasks"][task].as_str().unwrap().to_string();
            (
                marker,
                a["fragment"].as_str().unwrap().to_string(),
                a["content"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
