//! `outbox`: how fast the notification outbox fills and empties, beside the API's write rate.
//!
//! 1. **Written**: the release server (its own worker off) answers `wrk` with a write that
//!    notifies: `PUT /v1/me/contacts` from distinct people, each request a new mobile number, so
//!    each one commits the contacts, an accountability event and a `contacts_changed` event with
//!    its notification and two deliveries queued: an e-mail (every person has a verified e-mail
//!    and chose e-mail, immediately, for that event type) and the security notice by SMS to the
//!    new mobile number. Events written per second = the API's write rate of this use case.
//! 2. **Delivered**: two `inps-api notification-worker --once` processes drain the backlog the
//!    API wrote, through a real SMTP server (`inps_tests::smtp`) and a real HTTP SMS gateway
//!    (`inps_tests::receiver`) on loopback. Delivered per second = deliveries sent / wall time
//!    until both exit. The run checks that nothing is left queued and that each receiver got
//!    exactly as many messages as were recorded sent on its channel (two workers, each once).
//! 3. **PostgreSQL**: `pgbench` runs the minimal SQL of the same write (session, roles,
//!    preferences, contacts, their upsert, the audit insert, the event, the notification and the
//!    delivery), the yardstick of step 1.

use std::process::{Command, Stdio};
use std::time::Instant;

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use inps_tests::TestDb;
use inps_tests::personas::with_check_char;
use inps_tests::receiver::HttpReceiver;
use inps_tests::smtp::SmtpServer;
use sha2::{Digest as _, Sha256};

use crate::load::{Shape, free_port, run_pgbench, run_wrk, start_server};

/// The person behind session `i`: a valid tax code of their own, so writes never queue on one
/// person's row.
fn person(i: usize) -> String {
    let month = ['A', 'B', 'C', 'D'][i / 28 % 4];
    with_check_char(&format!("BNCLRA80{month}{:02}H501", i % 28 + 1))
}

fn email(i: usize) -> String {
    format!("persona{i}@example.it")
}

/// People with a verified e-mail who chose immediate e-mail for `contacts_changed`, one session
/// each; returns the session tokens.
fn seed(db: &TestDb, people: usize) -> Result<Vec<String>, String> {
    let mut conn = db.connect();
    // pgbench's client n plays person n (`:client_id`), as each wrk connection mostly does.
    let mut sql = String::from(
        "CREATE TABLE bench_people (n integer PRIMARY KEY, tax_code text NOT NULL, email text NOT NULL, token_hash text NOT NULL);\n",
    );
    let mut tokens = Vec::new();
    for i in 0..people {
        let tax_code = person(i);
        let token = format!("bench-{i}-{}", uuid::Uuid::new_v4().simple());
        let hash = hex::encode(Sha256::digest(token.as_bytes()));
        sql.push_str(&format!(
            "INSERT INTO persons (tax_code, given_name, family_name, created_at) \
               VALUES ('{tax_code}', 'Laura', 'Bianchi {i}', now());\n\
             INSERT INTO person_roles (tax_code, role, granted_at) VALUES ('{tax_code}', 'employer', now());\n\
             INSERT INTO contacts (tax_code, email, email_verified, updated_at) \
               VALUES ('{tax_code}', '{}', true, now());\n\
             INSERT INTO notification_preferences (tax_code, event_type, channels, frequency, updated_at) \
               VALUES ('{tax_code}', 'contacts_changed', ARRAY['inbox', 'email'], 'immediate', now());\n\
             INSERT INTO sessions (id, token_hash, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at) \
               VALUES (gen_random_uuid(), '\\x{hash}'::bytea, '{tax_code}', 'L2', 'spid', now(), now(), now() + interval '8 hours');\n\
             INSERT INTO bench_people VALUES ({i}, '{tax_code}', '{}', '{hash}');\n",
            email(i),
            email(i)
        ));
        tokens.push(token);
    }
    conn.batch_execute(&sql)
        .map_err(|e| format!("seeding people: {e}"))?;
    Ok(tokens)
}

/// wrk's script: session `n` sends its own e-mail (unchanged, so it stays verified) and a new
/// mobile number on every request.
fn lua(tokens: &[String]) -> String {
    let list = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{{\"{t}\", \"{}\"}}", email(i)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "local people = {{{list}}}\nlocal i = 0\nlocal threads = 0\nthread_id = 0\n\
         setup = function(thread)\n  thread:set(\"thread_id\", threads)\n  threads = threads + 1\nend\n\
         request = function()\n  i = i + 1\n  local p = people[(i % #people) + 1]\n  \
         local body = string.format('{{\"email\": \"%s\", \"mobile\": \"+39333%d%07d\"}}', p[2], thread_id, i)\n  \
         return wrk.format(\"PUT\", \"/v1/me/contacts\", {{[\"Authorization\"] = \"Bearer \" .. p[1], [\"Content-Type\"] = \"application/json\"}}, body)\nend\n\
         response = function(status, headers, body)\n  if status >= 300 then\n    io.stderr:write(\"unexpected status \" .. status .. \"\\n\")\n  end\nend\n"
    )
}

/// The minimal SQL of one such write, by the person pgbench's client plays (one lookup in
/// `bench_people` picks them; the rest is what the API runs).
const WRITE_SQL: &str = "\\set m random(1000000, 9999999)
SELECT tax_code, email, token_hash FROM bench_people WHERE n = :client_id \\gset
BEGIN;
SELECT id, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at FROM sessions \
  WHERE token_hash = decode(:token_hash, 'hex') AND revoked_at IS NULL \
  AND last_seen_at >= now() - interval '30 minutes' AND absolute_expires_at > now();
SELECT role FROM person_roles WHERE tax_code = :tax_code;
SELECT * FROM contacts WHERE tax_code = :tax_code;
UPDATE contacts SET email = :email, mobile = '+39333' || :m, mobile_verified = false, updated_at = now() \
  WHERE tax_code = :tax_code;
INSERT INTO audit_events (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome) \
  VALUES (gen_random_uuid(), now(), :tax_code, :tax_code, 'contacts.replace', '/v1/me/contacts', 'success');
SELECT * FROM notification_preferences WHERE tax_code = :tax_code;
WITH event AS ( \
  INSERT INTO notification_events (id, event_type, subject_tax_code, recipients, payload, link, created_at) \
  VALUES (gen_random_uuid(), 'contacts_changed', :tax_code, ARRAY[:tax_code], '{}', '/v1/me/contacts', now()) \
  RETURNING id, event_type, subject_tax_code, payload, link, created_at), \
notification AS ( \
  INSERT INTO notifications (id, event_id, recipient_tax_code, event_type, subject_tax_code, payload, link, created_at, channels, frequency) \
  SELECT gen_random_uuid(), id, :tax_code, event_type, subject_tax_code, payload, link, created_at, ARRAY['inbox', 'email'], 'immediate' \
  FROM event RETURNING id) \
INSERT INTO notification_deliveries (notification_id, channel, status, created_at, expires_at) \
  SELECT id, 'email', 'queued', now(), now() + interval '1 day' FROM notification;
COMMIT;
";

fn count(db: &TestDb, sql: &str) -> Result<i64, String> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<Count>(&mut db.connect())
        .map(|c| c.n)
        .map_err(|e| format!("{sql}: {e}"))
}

/// Runs `workers` notification workers (`--once`) until they exit; returns the wall time.
fn drain(
    binary: &std::path::Path,
    db: &TestDb,
    (smtp, sms): (&SmtpServer, &HttpReceiver),
    workers: usize,
) -> Result<f64, String> {
    let started = Instant::now();
    let children = (0..workers)
        .map(|_| {
            let mut command = Command::new(binary);
            command
                .arg("notification-worker")
                .arg("--once")
                .env("DATABASE_URL", &db.url)
                .env("APP_ENV", "sandbox")
                .env("LOG_LEVEL", "warn")
                .env("SMS_GATEWAY_URL", sms.url())
                .stdout(Stdio::null());
            for (name, value) in smtp.env() {
                command.env(name, value);
            }
            command
                .spawn()
                .map_err(|e| format!("starting a worker: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for mut child in children {
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("a worker failed: {status}"));
        }
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Runs the three steps and prints the report.
pub fn outbox(shape: Shape, workers: usize) -> Result<(), String> {
    let binary = crate::load::server_binary()?;
    let db = TestDb::new();
    let tokens = seed(&db, shape.connections)?;
    let dir = std::env::temp_dir().join(format!("inps-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!(
        "outbox: {} connections, {} s of writes, {} people, {workers} workers, release build",
        shape.connections,
        shape.seconds,
        tokens.len()
    );

    // 1. Written.
    let port = free_port().map_err(|e| e.to_string())?;
    let server = start_server(&binary, &db.url, port, &[("NOTIFICATION_WORKER", "off")])?;
    let script = dir.join("outbox.lua");
    std::fs::write(&script, lua(&tokens)).map_err(|e| e.to_string())?;
    let api = run_wrk(&script, port, shape)?;
    drop(server);
    // 2. Delivered.
    let (smtp, sms) = (SmtpServer::start(), HttpReceiver::start());
    let seconds = drain(&binary, &db, (&smtp, &sms), workers)?;
    // Counted once the workers are done: a commit in flight when the server stopped has landed.
    let events = count(&db, "SELECT count(*) AS n FROM notification_events")?;
    let queued = count(&db, "SELECT count(*) AS n FROM notification_deliveries")?;
    println!(
        "written:   API {:.0} writes/s (p50 {:.2} ms, p99 {:.2} ms), {events} events, {queued} deliveries queued (e-mail and SMS)",
        api.per_second, api.p50_ms, api.p99_ms
    );

    let sent_on = |channel: &str| {
        count(
            &db,
            &format!(
                "SELECT count(*) AS n FROM notification_deliveries WHERE status = 'sent' AND channel = '{channel}'"
            ),
        )
    };
    let (email, text) = (sent_on("email")?, sent_on("sms")?);
    let sent = email + text;
    let left = count(
        &db,
        "SELECT count(*) AS n FROM notification_deliveries WHERE status <> 'sent'",
    )?;
    let once = |received: usize, sent: i64| i64::try_from(received).is_ok_and(|r| r == sent);
    println!(
        "delivered: {sent} sent ({email} e-mail, {text} SMS) in {seconds:.1} s by {workers} workers = {:.0}/s; \
         not sent: {left}; each received once: {}",
        sent as f64 / seconds,
        once(smtp.received().len(), email) && once(sms.requests().len(), text)
    );

    // 3. PostgreSQL on the same write.
    let file = dir.join("write.sql");
    std::fs::write(&file, WRITE_SQL).map_err(|e| e.to_string())?;
    let pg = run_pgbench(&[file], &db.url, shape)?;
    println!(
        "pgbench:   {:.0} tps on the same write; API = {:.0} % of it; deliveries per second = {:.0} % of those written per second",
        pg.per_second,
        100.0 * api.per_second / pg.per_second,
        100.0 * (sent as f64 / seconds) / (api.per_second * queued as f64 / events as f64)
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
