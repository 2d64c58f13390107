//! A tiny SMTP receiver on loopback for the delivery tests: it speaks enough SMTP for a client
//! (220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA until `\r\n.\r\n`, RSET, NOOP, QUIT),
//! keeps every message it accepted, and can be told to refuse the next messages with a code.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A received message: the envelope and the raw data (headers and body).
#[derive(Debug, Clone)]
pub struct Received {
    /// `MAIL FROM` address.
    pub from: String,
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The data, dot-unstuffed, without the final `.`.
    pub data: String,
}

impl Received {
    /// The data with quoted-printable soft line breaks joined (so a long link reads whole).
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=\n", "")
    }
}

#[derive(Debug, Default)]
struct Shared {
    received: Vec<Received>,
    /// Refuse the next messages (at the end of DATA) with these replies, first first.
    refusals: Vec<String>,
}

/// An SMTP server on `127.0.0.1`, serving each connection on its own thread until the test ends.
#[derive(Debug, Clone)]
pub struct SmtpServer {
    /// Its port.
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpServer {
    /// Starts one on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP");
        let port = listener.local_addr().expect("address").port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || {
                    let _ = session(stream, &state);
                });
            }
        });
        Self { port, shared }
    }

    /// The messages accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().expect("smtp state").received.clone()
    }

    /// Refuses the next message with `reply` (e.g. `451 4.3.0 try again later`).
    pub fn refuse_next(&self, reply: &str) {
        self.shared
            .lock()
            .expect("smtp state")
            .refusals
            .push(reply.to_owned());
    }

    /// The settings that send e-mail to it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SMTP_HOST", "127.0.0.1".to_owned()),
            ("SMTP_PORT", self.port.to_string()),
            ("SMTP_TLS", "none".to_owned()),
            ("MAIL_FROM", "notifiche@inps.example".to_owned()),
        ]
    }
}

fn address(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg.find('>').unwrap_or(arg.len());
    arg.get(start..end).unwrap_or_default().to_owned()
}

fn session(stream: TcpStream, state: &Mutex<Shared>) -> std::io::Result<()> {
    // One write per reply, sent at once: two small writes would wait for the client's delayed
    // acknowledgement (Nagle), tens of milliseconds per command.
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut reply = |text: &str| -> std::io::Result<()> {
        out.write_all(format!("{text}\r\n").as_bytes())?;
        out.flush()
    };
    reply("220 localhost ESMTP test")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.get(..4).unwrap_or(&command).to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => reply("250-localhost\r\n250 8BITMIME")?,
            "HELO" => reply("250 localhost")?,
            "MAIL" => {
                from = address(&command);
                to.clear();
                reply("250 OK")?;
            }
            "RCPT" => {
                to.push(address(&command));
                reply("250 OK")?;
            }
            "DATA" => {
                reply("354 end with <CRLF>.<CRLF>")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let mut shared = state.lock().expect("smtp state");
                if shared.refusals.is_empty() {
                    shared.received.push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    });
                    drop(shared);
                    reply("250 OK queued")?;
                } else {
                    let refusal = shared.refusals.remove(0);
                    drop(shared);
                    reply(&refusal)?;
                }
            }
            "RSET" | "NOOP" => reply("250 OK")?,
            "QUIT" => {
                reply("221 bye")?;
                return Ok(());
            }
            _ => reply("502 command not implemented")?,
        }
    }
}
