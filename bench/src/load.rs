//! `load`: the API under load against PostgreSQL itself. For each case, the release server
//! (`target/release/inps-api serve`) answers `wrk` with many distinct sessions of the demo
//! employer, and then `pgbench` runs, on the same database in the same run, the minimal SQL that
//! produces the same answer (written next to the case, below). The report gives the API's
//! throughput, p50 and p99, pgbench's tps and the API as a share of pgbench.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use inps_persistence::sessions::{NewSession, insert};
use inps_tests::TestDb;
use sha2::{Digest as _, Sha256};

/// The demo employer every session belongs to (`inps-api seed-demo`).
const EMPLOYER: &str = "RSSMRA85T10A562S";

/// How the load is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Concurrent connections (wrk and pgbench alike).
    pub connections: usize,
    /// Seconds each side runs.
    pub seconds: u64,
}

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    body: Option<&'static str>,
    /// The minimal SQL of the same work, for one session's token hash (hex).
    sql: Box<dyn Fn(&str) -> String>,
}

fn session_sql(token_hex: &str) -> String {
    format!(
        "SELECT id, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at \
         FROM sessions WHERE token_hash = '\\x{token_hex}'::bytea AND revoked_at IS NULL \
         AND last_seen_at >= now() - interval '30 minutes' AND absolute_expires_at > now();\n\
         SELECT role FROM person_roles WHERE tax_code = '{EMPLOYER}';\n"
    )
}

fn cases(code: &str) -> Vec<Case> {
    let employment = code.to_owned();
    let statement = code.to_owned();
    vec![
        Case {
            name: "authenticated read: GET /v1/employments/{code}",
            method: "GET",
            path: format!("/v1/employments/{code}"),
            body: None,
            sql: Box::new(move |token| {
                format!(
                    "{}SELECT * FROM employments WHERE code = '{employment}';\n",
                    session_sql(token)
                )
            }),
        },
        Case {
            name: "contribution statement: GET /v1/employments/{code}/contributions",
            method: "GET",
            path: format!("/v1/employments/{code}/contributions"),
            body: None,
            sql: Box::new(move |token| {
                format!(
                    "{}SELECT * FROM employments WHERE code = '{statement}';\n\
                     SELECT * FROM contribution_rates;\n\
                     SELECT * FROM contribution_payments WHERE employment_code = '{statement}';\n",
                    session_sql(token)
                )
            }),
        },
        Case {
            name: "write: PUT /v1/me/contacts",
            method: "PUT",
            path: "/v1/me/contacts".to_owned(),
            body: Some(r#"{"email": "mario.rossi@example.it", "mobile": "+393331234567"}"#),
            sql: Box::new(|token| {
                format!(
                    "BEGIN;\n{}\
                     SELECT * FROM contacts WHERE tax_code = '{EMPLOYER}';\n\
                     INSERT INTO contacts (tax_code, email, email_verified, pec, pec_verified, mobile, mobile_verified, updated_at) \
                     VALUES ('{EMPLOYER}', 'mario.rossi@example.it', false, NULL, false, '+393331234567', false, now()) \
                     ON CONFLICT (tax_code) DO UPDATE SET email = EXCLUDED.email, mobile = EXCLUDED.mobile, updated_at = EXCLUDED.updated_at;\n\
                     INSERT INTO audit_events (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome) \
                     VALUES (gen_random_uuid(), now(), '{EMPLOYER}', '{EMPLOYER}', 'contacts.replace', '/v1/me/contacts', 'success');\n\
                     COMMIT;\n",
                    session_sql(token)
                )
            }),
        },
    ]
}

/// What one side measured.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Measured {
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// pgbench's own "latency average" (0 for wrk).
    pub mean_ms: f64,
}

pub(crate) fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn get_status(port: u16) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).is_ok() && answer.starts_with("HTTP/1.1 200")
}

pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the release server on `port` with the benchmark's settings and `env` on top.
pub(crate) fn start_server(
    binary: &Path,
    database_url: &str,
    port: u16,
    env: &[(&str, &str)],
) -> Result<Server, String> {
    let child = Command::new(binary)
        .arg("serve")
        .envs(env.iter().copied())
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("APP_ENV", "sandbox")
        .env("LOG_LEVEL", "warn")
        .env("RATE_LIMIT_REQUESTS", "1000000000")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", binary.display()))?;
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if get_status(port) {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("the server did not answer /v1/status within 30 s".into())
}

fn lua(case: &Case, tokens: &[String]) -> String {
    let list = tokens
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let body = case
        .body
        .map_or_else(|| "nil".to_owned(), |b| format!("[[{b}]]"));
    format!(
        "local tokens = {{{list}}}\nlocal i = 0\n\
         request = function()\n  i = i + 1\n  local t = tokens[(i % #tokens) + 1]\n  \
         return wrk.format(\"{}\", \"{}\", {{[\"Authorization\"] = \"Bearer \" .. t, [\"Content-Type\"] = \"application/json\"}}, {body})\nend\n\
         response = function(status, headers, body)\n  if status >= 300 then\n    io.stderr:write(\"unexpected status \" .. status .. \"\\n\")\n  end\nend\n",
        case.method, case.path
    )
}

fn millis(text: &str) -> Option<f64> {
    let (number, unit) = text
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| text.split_at(i))?;
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        _ => return None,
    })
}

pub(crate) fn run_wrk(script: &Path, port: u16, shape: Shape) -> Result<Measured, String> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{}", shape.connections),
            &format!("-d{}s", shape.seconds),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .map_err(|e| {
            format!("running wrk ({e}); install it with scripts/install-bench-tools.sh")
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    if errors.contains("unexpected status") {
        return Err(format!("the API answered errors under load:\n{errors}"));
    }
    let mut measured = Measured::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", value] => measured.per_second = value.parse().unwrap_or(0.0),
            ["50%", value] => measured.p50_ms = millis(value).unwrap_or(0.0),
            ["99%", value] => measured.p99_ms = millis(value).unwrap_or(0.0),
            _ => {}
        }
    }
    if measured.per_second == 0.0 {
        return Err(format!("could not read wrk's output:\n{text}"));
    }
    Ok(measured)
}

/// Runs pgbench (`-M prepared`, `-j2`) on `files`; tps and mean latency from its report, p50 and
/// p99 from its per-transaction log (`--log`, one line per script run, the latency in µs third).
pub(crate) fn run_pgbench(
    files: &[PathBuf],
    database_url: &str,
    shape: Shape,
) -> Result<Measured, String> {
    let logs = std::env::temp_dir().join(format!("inps-pgbench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let mut command = Command::new("pgbench");
    command.args([
        "-n",
        "-M",
        "prepared",
        &format!("-c{}", shape.connections),
        "-j2",
        &format!("-T{}", shape.seconds),
        "-r",
        "--log",
    ]);
    command.arg(format!("--log-prefix={}", logs.join("tx").display()));
    for file in files {
        command.arg("-f").arg(file);
    }
    let output = command
        .arg(database_url)
        .output()
        .map_err(|e| format!("running pgbench: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let tps = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            format!(
                "could not read pgbench's output:\n{text}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    let latency = text
        .lines()
        .find(|l| l.starts_with("latency average = "))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let mut latencies = transaction_latencies(&logs);
    let _ = std::fs::remove_dir_all(&logs);
    latencies.sort_by(f64::total_cmp);
    Ok(Measured {
        per_second: tps,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        mean_ms: latency,
    })
}

/// Every transaction latency (ms) in the pgbench logs of `dir`.
fn transaction_latencies(dir: &Path) -> Vec<f64> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .flat_map(|log| {
            log.lines()
                .filter_map(|line| line.split_whitespace().nth(2)?.parse::<f64>().ok())
                .map(|micros| micros / 1000.0)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `q` quantile of sorted `values` (0 when empty).
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The release `inps-api` beside this binary.
pub(crate) fn server_binary() -> Result<PathBuf, String> {
    let binary = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("inps-api");
    if binary.exists() {
        Ok(binary)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p inps-api -p inps-bench",
            binary.display()
        ))
    }
}

/// Runs every case and prints the report.
pub fn load(shape: Shape) -> Result<(), String> {
    let binary = server_binary()?;
    let db = TestDb::new();
    let now = time::OffsetDateTime::now_utc();
    let settings = inps_api::settings::Settings::from_lookup(|name| {
        (name == "DATABASE_URL").then(|| db.url.clone())
    })
    .map_err(|e| e.to_string())?;
    inps_api::demo::seed_demo(&settings, now).map_err(|e| format!("seeding: {e:#}"))?;
    let mut conn = db.connect();
    let code: String = inps_persistence::schema::employments::table
        .filter(inps_persistence::schema::employments::employer_tax_code.eq(EMPLOYER))
        .order(inps_persistence::schema::employments::code)
        .select(inps_persistence::schema::employments::code)
        .first(&mut conn)
        .map_err(|e| format!("the demo employment: {e}"))?;
    let tokens: Vec<String> = (0..shape.connections)
        .map(|i| format!("bench-{i}-{}", uuid::Uuid::new_v4().simple()))
        .collect();
    for token in &tokens {
        let hash = Sha256::digest(token.as_bytes());
        insert(
            &mut conn,
            &NewSession {
                id: uuid::Uuid::new_v4(),
                token_hash: &hash,
                tax_code: EMPLOYER,
                level: "L2",
                idp: "spid",
                now,
                absolute_expires_at: now + time::Duration::hours(8),
            },
        )
        .map_err(|e| format!("sessions: {e}"))?;
    }
    let dir = std::env::temp_dir().join(format!("inps-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let port = free_port().map_err(|e| e.to_string())?;
    let server = start_server(&binary, &db.url, port, &[])?;
    println!(
        "load: {} connections, {} s per side, {} distinct sessions of {EMPLOYER}, release server",
        shape.connections,
        shape.seconds,
        tokens.len()
    );
    println!(
        "{:<66} {:>9} {:>8} {:>8} {:>11} {:>7}",
        "case", "API req/s", "p50 ms", "p99 ms", "pgbench tps", "API %"
    );
    for (n, case) in cases(&code).iter().enumerate() {
        let script = dir.join(format!("case{n}.lua"));
        std::fs::write(&script, lua(case, &tokens)).map_err(|e| e.to_string())?;
        let files: Vec<PathBuf> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let file = dir.join(format!("case{n}-{i}.sql"));
                let hex = hex::encode(Sha256::digest(token.as_bytes()));
                std::fs::write(&file, (case.sql)(&hex)).map(|()| file)
            })
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let api = run_wrk(&script, port, shape)?;
        let pg = run_pgbench(&files, &db.url, shape)?;
        println!(
            "{:<66} {:>9.0} {:>8.2} {:>8.2} {:>11.0} {:>6.0}%",
            case.name,
            api.per_second,
            api.p50_ms,
            api.p99_ms,
            pg.per_second,
            100.0 * api.per_second / pg.per_second
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
