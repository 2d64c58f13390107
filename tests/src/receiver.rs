//! A tiny HTTP receiver on loopback for the delivery tests (the SMS gateway, webhook
//! receivers): it keeps every request it gets (headers and body) and answers `200`, or the
//! statuses it was told to answer first (`answer_next`), or another status every time
//! (`answer_always`).

use std::collections::VecDeque;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The status it was answered.
    pub answered: u16,
}

impl Received {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct State {
    received: Vec<Received>,
    next: VecDeque<u16>,
    always: u16,
}

/// A receiver on `127.0.0.1`.
#[derive(Debug, Clone)]
pub struct HttpReceiver {
    /// Its port.
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl HttpReceiver {
    /// Starts one on a free port, answering `200`.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let port = listener.local_addr().expect("address").port();
        let state = Arc::new(Mutex::new(State {
            received: Vec::new(),
            next: VecDeque::new(),
            always: 200,
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = exchange(stream, &shared);
                });
            }
        });
        Self { port, state }
    }

    /// Answers the next requests with `statuses`, in order, then as before.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.lock().next.extend(statuses);
    }

    /// Answers every request with `status` (after those set with `answer_next`).
    pub fn answer_always(&self, status: u16) {
        self.lock().always = status;
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// The JSON bodies received so far.
    pub fn received(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .filter_map(|r| serde_json::from_slice(&r.body).ok())
            .collect()
    }

    /// A URL it answers on.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/receive", self.port)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("receiver state")
    }
}

fn exchange(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let answered = {
        let mut s = state.lock().expect("receiver state");
        let answered = s.next.pop_front().unwrap_or(s.always);
        s.received.push(Received {
            headers,
            body,
            answered,
        });
        answered
    };
    write!(
        out,
        "HTTP/1.1 {answered} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )?;
    out.flush()
}
