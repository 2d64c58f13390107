//! Benchmarks that need the real database. Run with `cargo run --release -p inps-bench`.
//!
//! `audit-append`: use cases append accountability-log events unchained, and a sealer chains
//! them in batches. This measures how many events per second 1, 2, 4 and 8 concurrent writers
//! append (each event in its own transaction, as a use case appends it) while the sealer runs
//! beside them as in `serve`, against the same inserts into a copy of the table without the log's
//! indexes and triggers; it reports the worst sealing lag seen (age of the oldest unsealed
//! event) and verifies the whole chain at the end.
//!
//! `load`: the API under load against pgbench on the same work (`load.rs`). `outbox`: the
//! notification outbox's write and delivery rates beside the API's write rate (`outbox.rs`).
//! `agenda`: the appointment agenda on a generated dataset of 100k employers and 1M
//! appointments: search, slot listing, draft + confirm under contention (`agenda.rs`).
//! `occasional`: recording an occasional-work service with every limit check over a year of
//! data, against pgbench on the same transaction, with a check that no limit is overshot
//! (`occasional.rs`).

mod agenda;
mod load;
mod occasional;
mod outbox;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use inps_persistence::audit::{NewAuditEvent, append};
use inps_tests::TestDb;

const EVENTS_PER_WRITER: usize = 400;

fn event(writer: usize, i: usize) -> NewAuditEvent {
    NewAuditEvent {
        actor_tax_code: Some("RSSMRA85T10A562S".into()),
        subject_tax_code: Some("RSSMRA85T10A562S".into()),
        delegation_id: None,
        action: "bench.append".into(),
        resource: format!("/v1/bench/{writer}/{i}"),
        outcome: "success".into(),
        request_id: Some(uuid::Uuid::new_v4().to_string()),
    }
}

/// Runs the sealer as `serve` does (200 ms pause when idle, batches of 1,000) until `stop`, and
/// returns the worst lag it saw: how old the oldest unsealed event was after a sealing pass.
fn sealer(db: Arc<TestDb>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<f64> {
    std::thread::spawn(move || {
        let mut conn = db.connect();
        let mut worst = 0.0f64;
        let clock = inps_api::clock::SystemClock;
        while !stop.load(Ordering::Relaxed) {
            let before = Instant::now();
            inps_api::sealer::seal_pending(&mut conn, 1000, &clock).expect("seal");
            let oldest = inps_persistence::audit::oldest_unsealed_at(&mut conn).expect("lag");
            let lag = oldest.map_or(0.0, |oldest| {
                (time::OffsetDateTime::now_utc() - oldest).as_seconds_f64()
            });
            worst = worst.max(lag.max(before.elapsed().as_secs_f64()));
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        worst
    })
}

fn run(db: &Arc<TestDb>, writers: usize, chained: bool) -> f64 {
    let started = Instant::now();
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let db = Arc::clone(db);
            std::thread::spawn(move || {
                let mut conn = db.connect();
                for i in 0..EVENTS_PER_WRITER {
                    let e = event(w, i);
                    let now = time::OffsetDateTime::now_utc();
                    conn.transaction::<_, diesel::result::Error, _>(|conn| {
                        if chained {
                            append(conn, e, now).map(drop)
                        } else {
                            diesel::sql_query(
                                "INSERT INTO audit_plain (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome, request_id) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            )
                            .bind::<diesel::sql_types::Uuid, _>(uuid::Uuid::new_v4())
                            .bind::<diesel::sql_types::Timestamptz, _>(now)
                            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(e.actor_tax_code)
                            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(e.subject_tax_code)
                            .bind::<diesel::sql_types::Text, _>(e.action)
                            .bind::<diesel::sql_types::Text, _>(e.resource)
                            .bind::<diesel::sql_types::Text, _>(e.outcome)
                            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(e.request_id)
                            .execute(conn)
                            .map(drop)
                        }
                    })
                    .expect("append");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer");
    }
    (writers * EVENTS_PER_WRITER) as f64 / started.elapsed().as_secs_f64()
}

fn audit_append() {
    let db = Arc::new(TestDb::new());
    db.connect()
        .batch_execute(
            "CREATE TABLE audit_plain (id uuid PRIMARY KEY, occurred_at timestamptz NOT NULL, \
             actor_tax_code text, subject_tax_code text, action text NOT NULL, resource text NOT NULL, \
             outcome text NOT NULL, request_id text)",
        )
        .expect("plain table");
    println!(
        "audit-append: {EVENTS_PER_WRITER} events per writer, one transaction each, sealer running"
    );
    println!(
        "{:>8} {:>16} {:>16} {:>8} {:>14}",
        "writers", "log ev/s", "plain ev/s", "ratio", "worst lag (s)"
    );
    for writers in [1, 2, 4, 8] {
        let stop = Arc::new(AtomicBool::new(false));
        let sealing = sealer(Arc::clone(&db), Arc::clone(&stop));
        let chained = run(&db, writers, true);
        stop.store(true, Ordering::Relaxed);
        let lag = sealing.join().expect("sealer");
        let plain = run(&db, writers, false);
        println!(
            "{writers:>8} {chained:>16.0} {plain:>16.0} {:>8.2} {lag:>14.2}",
            chained / plain
        );
    }
    let mut conn = db.connect();
    inps_api::sealer::seal_pending(&mut conn, 1000, &inps_api::clock::SystemClock)
        .expect("final seal");
    let report = inps_persistence::audit::verify_chain(&mut conn, 1000).expect("verify");
    println!(
        "chain verified: {} events sealed, {} pending, broken link: {:?}",
        report.checked, report.pending, report.first_broken
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    match args.get(1).map(String::as_str) {
        None | Some("audit-append") => audit_append(),
        Some("load") => {
            let shape = load::Shape {
                connections: usize::try_from(number("--connections", 32)).unwrap_or(32),
                seconds: number("--seconds", 10),
            };
            if let Err(e) = load::load(shape) {
                eprintln!("load: {e}");
                std::process::exit(1);
            }
        }
        Some("outbox") => {
            let shape = load::Shape {
                connections: usize::try_from(number("--connections", 32)).unwrap_or(32),
                seconds: number("--seconds", 10),
            };
            let workers = usize::try_from(number("--workers", 2)).unwrap_or(2);
            if let Err(e) = outbox::outbox(shape, workers) {
                eprintln!("outbox: {e}");
                std::process::exit(1);
            }
        }
        Some("agenda") => {
            let size = |name: &str, default: u64| {
                usize::try_from(number(name, default)).unwrap_or(usize::MAX)
            };
            let sizes = agenda::Sizes {
                employers: size("--employers", 100_000),
                points: size("--points", 200),
                appointments: size("--appointments", 1_000_000),
                months: u16::try_from(number("--months", 6)).unwrap_or(6),
                sessions: size("--sessions", 1000),
                shape: load::Shape {
                    connections: size("--connections", 32),
                    seconds: number("--seconds", 10),
                },
                contention: size("--contention", 64),
                contention_slots: size("--contention-slots", 4).max(1),
                contention_seats: u16::try_from(number("--contention-seats", 2)).unwrap_or(2),
                latency_connections: size("--latency-connections", 4),
                keep: args.iter().any(|a| a == "--keep"),
            };
            if let Err(e) = agenda::agenda(sizes) {
                eprintln!("agenda: {e}");
                std::process::exit(1);
            }
        }
        Some("occasional") => {
            let shape = load::Shape {
                connections: usize::try_from(number("--connections", 64)).unwrap_or(64),
                seconds: number("--seconds", 10),
            };
            let size = |name, default: usize| {
                usize::try_from(number(name, default as u64)).unwrap_or(default)
            };
            let sizes = occasional::Sizes {
                workers: size("--workers", 100_000),
                clients: size("--clients", 20_000),
                services: size("--services", 1_000_000),
            };
            if let Err(e) = occasional::occasional(shape, sizes) {
                eprintln!("occasional: {e}");
                std::process::exit(1);
            }
        }
        Some(other) => {
            eprintln!(
                "unknown benchmark {other:?}; available: audit-append, load, outbox, agenda, occasional"
            );
            std::process::exit(2);
        }
    }
}
