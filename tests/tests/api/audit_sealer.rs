//! The accountability log without a global lock: use cases append unchained events, a sealer
//! chains what is committed, one sealer at a time, never skipping an event committed while it
//! works, and never forking the chain.

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use inps_api::clock::ManualClock;
use inps_persistence::audit::{NewAuditEvent, Sealing, append, seal_batch, verify_chain};
use inps_tests::TestApp;
use inps_tests::personas::employer;
use time::macros::datetime;

fn event(action: &str) -> NewAuditEvent {
    NewAuditEvent {
        actor_tax_code: Some(employer().tax_code),
        action: action.to_owned(),
        resource: "/v1/me".to_owned(),
        outcome: "success".to_owned(),
        ..NewAuditEvent::default()
    }
}

const NOW: time::OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = Nullable<BigInt>)]
    seq: Option<i64>,
}

fn seq_of(conn: &mut PgConnection, action: &str) -> Option<i64> {
    diesel::sql_query("SELECT seq FROM audit_events WHERE action = $1")
        .bind::<diesel::sql_types::Text, _>(action)
        .get_result::<Seq>(conn)
        .expect("event")
        .seq
}

#[actix_web::test]
async fn events_wait_unsealed_until_the_sealer_chains_them_and_verification_says_so() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let login = app.get_as(&operator, "/v1/audit-events").await.json();
    let first = &login["items"][0];
    assert_eq!(first["action"], "session.create");
    assert!(first["seq"].is_null() && first["hash"].is_null(), "{first}");

    app.advance(time::Duration::seconds(5));
    let report = app
        .get_as(&operator, "/v1/audit-events/verification")
        .await
        .json();
    assert_eq!(report["pending_events"], 1, "{report}");
    assert_eq!(report["sealed_up_to"], 0);
    assert_eq!(report["sealing_lag_seconds"], 5);
    assert_eq!(report["valid"], true);

    assert_eq!(app.seal_audit(), 1);
    let report = app
        .get_as(&operator, "/v1/audit-events/verification")
        .await
        .json();
    assert_eq!(report["pending_events"], 0, "{report}");
    assert_eq!(report["sealed_up_to"], 1);
    assert_eq!(report["sealing_lag_seconds"], 0);
    let listed = app.get_as(&operator, "/v1/audit-events").await.json();
    let sealed = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "session.create")
        .expect("login")
        .clone();
    assert_eq!(sealed["seq"], 1);
    assert_eq!(sealed["hash"].as_str().map(str::len), Some(64));
}

#[test]
fn an_event_committed_while_a_batch_is_sealed_is_sealed_by_the_next_one() {
    let db = inps_tests::TestDb::new();
    let mut slow = db.connect();
    let mut fast = db.connect();
    let mut sealer = db.connect();
    // `slow` takes the first position but commits late.
    slow.batch_execute("BEGIN").expect("begin");
    append(&mut slow, event("slow"), NOW).expect("slow append");
    append(&mut fast, event("fast"), NOW).expect("fast append");
    let sealed = sealer
        .transaction(|c| seal_batch(c, 100, NOW))
        .expect("seal");
    assert_eq!(sealed, Sealing::Sealed(1));
    assert_eq!(seq_of(&mut sealer, "fast"), Some(1));
    slow.batch_execute("COMMIT").expect("commit");
    assert_eq!(seq_of(&mut sealer, "slow"), None);
    let sealed = sealer
        .transaction(|c| seal_batch(c, 100, NOW))
        .expect("seal");
    assert_eq!(sealed, Sealing::Sealed(1));
    assert_eq!(seq_of(&mut sealer, "slow"), Some(2));
    let report = verify_chain(&mut sealer, 10).expect("verify");
    assert_eq!(report.first_broken, None);
    assert_eq!(
        (report.checked, report.sealed_up_to, report.pending),
        (2, 2, 0)
    );
}

#[test]
fn one_sealer_at_a_time_the_other_steps_aside() {
    let db = inps_tests::TestDb::new();
    let mut a = db.connect();
    let mut b = db.connect();
    append(&mut a, event("one"), NOW).expect("append");
    a.batch_execute("BEGIN").expect("begin");
    assert_eq!(
        seal_batch(&mut a, 100, NOW).expect("a seals"),
        Sealing::Sealed(1)
    );
    // A holds the chain until it commits: B does not wait, and does not fork.
    let busy = b.transaction(|c| seal_batch(c, 100, NOW)).expect("b");
    assert_eq!(busy, Sealing::Busy);
    a.batch_execute("COMMIT").expect("commit");
    let report = verify_chain(&mut b, 10).expect("verify");
    assert_eq!((report.checked, report.sealed_up_to), (1, 1));
}

#[test]
fn sealers_running_at_once_beside_writers_produce_one_chain() {
    let db = std::sync::Arc::new(inps_tests::TestDb::new());
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = std::sync::Arc::clone(&db);
            std::thread::spawn(move || {
                let mut conn = db.connect();
                for i in 0..50 {
                    append(&mut conn, event(&format!("w{w}-{i}")), NOW).expect("append");
                }
            })
        })
        .collect();
    let sealers: Vec<_> = (0..3)
        .map(|_| {
            let db = std::sync::Arc::clone(&db);
            std::thread::spawn(move || {
                let mut conn = db.connect();
                let clock = ManualClock::new(NOW);
                for _ in 0..40 {
                    inps_api::sealer::seal_pending(&mut conn, 7, &clock).expect("seal");
                }
            })
        })
        .collect();
    for t in writers.into_iter().chain(sealers) {
        t.join().expect("thread");
    }
    let mut conn = db.connect();
    inps_api::sealer::seal_pending(&mut conn, 1000, &ManualClock::new(NOW)).expect("last seal");
    let report = verify_chain(&mut conn, 50).expect("verify");
    assert_eq!(report.first_broken, None, "{report:?}");
    assert_eq!(
        (report.checked, report.sealed_up_to, report.pending),
        (200, 200, 0)
    );
}

#[test]
fn a_sealed_event_cannot_change_and_an_unsealed_one_can_only_be_sealed() {
    let db = inps_tests::TestDb::new();
    let mut conn = db.connect();
    append(&mut conn, event("sealed"), NOW).expect("append");
    conn.transaction(|c| seal_batch(c, 100, NOW)).expect("seal");
    append(&mut conn, event("unsealed"), NOW).expect("append");
    for statement in [
        "UPDATE audit_events SET outcome = 'forged' WHERE action = 'sealed'",
        "UPDATE audit_events SET seq = 99 WHERE action = 'sealed'",
        "UPDATE audit_events SET outcome = 'forged' WHERE action = 'unsealed'",
        "UPDATE audit_events SET seq = 2, prev_hash = 'x', hash = 'y', resource = '/v1/x' WHERE action = 'unsealed'",
        "DELETE FROM audit_events WHERE action = 'unsealed'",
        "DELETE FROM audit_seals",
    ] {
        let err = diesel::sql_query(statement)
            .execute(&mut conn)
            .expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
}

#[test]
fn removing_the_last_sealed_events_is_detected_by_the_seal_record() {
    let db = inps_tests::TestDb::new();
    let mut conn = db.connect();
    for i in 0..3 {
        append(&mut conn, event(&format!("e{i}")), NOW).expect("append");
    }
    conn.transaction(|c| seal_batch(c, 100, NOW)).expect("seal");
    conn.batch_execute(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
         DELETE FROM audit_events WHERE seq = 3;
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;",
    )
    .expect("tamper");
    let report = verify_chain(&mut conn, 10).expect("verify");
    let (seq, _, reason) = report.first_broken.expect("detected");
    assert_eq!((seq, reason.as_str()), (3, "missing_event"));
}
