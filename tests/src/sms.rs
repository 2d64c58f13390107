//! A tiny HTTP SMS gateway on loopback for the delivery tests: it answers every request `200`
//! (or a status set on demand) and keeps the JSON bodies it accepted.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// A gateway on `127.0.0.1`.
#[derive(Debug, Clone)]
pub struct SmsGateway {
    /// Its port.
    pub port: u16,
    received: Arc<Mutex<Vec<Value>>>,
}

impl SmsGateway {
    /// Starts one on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind gateway");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || {
                    let _ = exchange(stream, &kept);
                });
            }
        });
        Self { port, received }
    }

    /// The JSON bodies received so far.
    pub fn received(&self) -> Vec<Value> {
        self.received.lock().expect("gateway state").clone()
    }

    /// `SMS_GATEWAY_URL` for it.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/sms", self.port)
    }
}

fn exchange(stream: TcpStream, kept: &Mutex<Vec<Value>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    if let Ok(json) = serde_json::from_slice(&body) {
        kept.lock().expect("gateway state").push(json);
    }
    out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")?;
    out.flush()
}
