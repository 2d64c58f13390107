//! The accountability log: a hash chain the operator can verify, that the database keeps
//! append-only, and that each person sees only as far as their own data and actions.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use inps_tests::TestApp;
use inps_tests::fixtures::{count, rows};
use inps_tests::personas::{employer, intermediary, operator, other_person};
use serde_json::{Value, json};

#[derive(QueryableByName)]
struct Event {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    outcome: String,
}

fn events_in_db(app: &TestApp) -> i64 {
    rows(app, "audit_events")
}

fn event(conn: &mut PgConnection, seq: i64) -> Event {
    diesel::sql_query("SELECT id::text AS id, outcome FROM audit_events WHERE seq = $1")
        .bind::<BigInt, _>(seq)
        .get_result(conn)
        .expect("event")
}

/// Tokens of a scenario: the intermediary registered, everybody logged in, the employer's
/// domestic-work delegation created and accepted.
struct Scenario {
    operator: String,
    employer: String,
    other: String,
    delegate: String,
    delegation: String,
}

async fn scenario(app: &TestApp) -> Scenario {
    app.register_intermediary(&intermediary()).await;
    let operator = app.login_operator().await;
    let employer_token = app.login(&employer()).await;
    let other = app.login(&other_person()).await;
    let delegate = app.login(&intermediary()).await;
    app.grant_role(&employer(), "employer").await;
    let delegation = app
        .delegate_domestic_work(&employer_token, &delegate, &["inquiries"])
        .await;
    assert_eq!(app.seal_audit(), SCENARIO_EVENTS.len());
    Scenario {
        operator,
        employer: employer_token,
        other,
        delegate,
        delegation,
    }
}

/// The actions the scenario logs, oldest first.
const SCENARIO_EVENTS: [&str; 10] = [
    "session.create",
    "intermediary.register",
    "session.create",
    "session.create",
    "session.create",
    "session.create",
    "session.create",
    "role.grant",
    "delegation.create",
    "delegation.accept",
];

async fn verification(app: &TestApp, operator: &str) -> Value {
    let res = app.get_as(operator, "/v1/audit-events/verification").await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn has(events: &[Value], action: &str, field: &str, tax_code: &str) -> bool {
    events
        .iter()
        .any(|e| e["action"] == action && e[field] == tax_code)
}

fn mentions(event: &Value, tax_code: &str) -> bool {
    event["actor_tax_code"] == tax_code || event["subject_tax_code"] == tax_code
}

#[actix_web::test]
async fn the_chain_verifies_and_counts_every_event() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let report = verification(&app, &s.operator).await;
    let rows = events_in_db(&app);
    assert_eq!(rows, SCENARIO_EVENTS.len() as i64);
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["events_checked"], rows);
    assert!(report["first_broken"].is_null(), "{report}");
}

#[actix_web::test]
async fn an_altered_event_breaks_the_chain_at_its_seq() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let mut conn = app.db.as_ref().unwrap().connect();
    let before = event(&mut conn, 2);
    conn.batch_execute(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
         UPDATE audit_events SET outcome = 'success:forged' WHERE seq = 2;
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;",
    )
    .expect("tamper");
    assert_eq!(event(&mut conn, 2).outcome, "success:forged");

    let report = verification(&app, &s.operator).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["first_broken"]["seq"], 2, "{report}");
    assert_eq!(report["first_broken"]["id"], before.id);
    assert_eq!(report["first_broken"]["reason"], "HashMismatch");
    assert_eq!(report["events_checked"], 2);
}

#[actix_web::test]
async fn an_altered_resource_is_caught_too() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let mut conn = app.db.as_ref().unwrap().connect();
    conn.batch_execute(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
         UPDATE audit_events SET resource = '/v1/elsewhere' WHERE seq = 2;
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;",
    )
    .expect("tamper");
    let report = verification(&app, &s.operator).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["first_broken"]["seq"], 2, "{report}");
}

#[actix_web::test]
async fn a_deleted_event_breaks_the_chain_at_the_next_seq() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let mut conn = app.db.as_ref().unwrap().connect();
    let third = event(&mut conn, 3);
    conn.batch_execute(
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
         DELETE FROM audit_events WHERE seq = 2;
         ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;",
    )
    .expect("tamper");

    let report = verification(&app, &s.operator).await;
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["first_broken"]["seq"], 3, "{report}");
    assert_eq!(report["first_broken"]["id"], third.id);
    assert_eq!(
        report["first_broken"]["reason"], "missing_event",
        "{report}"
    );
}

#[actix_web::test]
async fn the_database_refuses_to_update_delete_or_truncate_audit_events() {
    let app = TestApp::new();
    scenario(&app).await;
    let mut conn = app.db.as_ref().unwrap().connect();
    let rows = events_in_db(&app);
    let second = event(&mut conn, 2);

    let update = diesel::sql_query("UPDATE audit_events SET outcome = 'forged' WHERE seq = 2")
        .execute(&mut conn);
    let err = update.expect_err("UPDATE must be refused");
    assert!(err.to_string().contains("append-only"), "{err}");

    let delete = diesel::sql_query("DELETE FROM audit_events WHERE seq = 2").execute(&mut conn);
    let err = delete.expect_err("DELETE must be refused");
    assert!(err.to_string().contains("append-only"), "{err}");

    let truncate = conn.batch_execute("TRUNCATE audit_events");
    let err = truncate.expect_err("TRUNCATE must be refused");
    assert!(err.to_string().contains("append-only"), "{err}");

    assert_eq!(events_in_db(&app), rows);
    let after = event(&mut conn, 2);
    assert_eq!(after.id, second.id);
    assert_eq!(after.outcome, second.outcome);
}

#[actix_web::test]
async fn each_person_sees_the_events_on_their_data_and_the_operator_sees_all() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let employer_code = employer().tax_code;
    let other_code = other_person().tax_code;
    let delegate_code = intermediary().tax_code;
    let delegation_resource = format!("/v1/delegations/{}", s.delegation);

    let seen = app.audit_events(&s.employer, "").await;
    assert!(has(
        &seen,
        "session.create",
        "actor_tax_code",
        &employer_code
    ));
    assert!(
        seen.iter()
            .any(|e| e["action"] == "delegation.create" && e["resource"] == delegation_resource)
    );
    // The intermediary's acceptance is an act on the employer's data.
    assert!(has(
        &seen,
        "delegation.accept",
        "actor_tax_code",
        &delegate_code
    ));
    assert!(seen.iter().all(|e| mentions(e, &employer_code)), "{seen:?}");
    assert!(!seen.iter().any(|e| mentions(e, &other_code)));

    let seen = app.audit_events(&s.other, "").await;
    assert!(has(&seen, "session.create", "actor_tax_code", &other_code));
    assert!(seen.iter().all(|e| mentions(e, &other_code)), "{seen:?}");
    assert!(!seen.iter().any(|e| mentions(e, &employer_code)));

    let seen = app.audit_events(&s.delegate, "").await;
    assert!(has(
        &seen,
        "delegation.accept",
        "actor_tax_code",
        &delegate_code
    ));
    assert!(seen.iter().all(|e| mentions(e, &delegate_code)), "{seen:?}");
    assert!(!seen.iter().any(|e| e["action"] == "delegation.create"));

    let all = app.audit_events(&s.operator, "").await;
    assert_eq!(all.len() as i64, events_in_db(&app));
    assert!(has(&all, "session.create", "actor_tax_code", &other_code));
    assert!(has(
        &all,
        "session.create",
        "actor_tax_code",
        &operator().tax_code
    ));

    let by_actor = app
        .audit_events(&s.operator, &format!("&actor_tax_code={delegate_code}"))
        .await;
    assert!(has(
        &by_actor,
        "delegation.accept",
        "actor_tax_code",
        &delegate_code
    ));
    assert!(
        by_actor
            .iter()
            .all(|e| e["actor_tax_code"] == delegate_code)
    );

    let by_subject = app
        .audit_events(&s.operator, &format!("&subject_tax_code={employer_code}"))
        .await;
    assert!(has(
        &by_subject,
        "delegation.accept",
        "subject_tax_code",
        &employer_code
    ));
    assert!(has(
        &by_subject,
        "delegation.create",
        "subject_tax_code",
        &employer_code
    ));
    assert!(
        by_subject
            .iter()
            .all(|e| e["subject_tax_code"] == employer_code)
    );

    for token in [&s.employer, &s.other, &s.delegate] {
        app.get_as(token, "/v1/audit-events/verification")
            .await
            .problem(403);
    }
}

#[actix_web::test]
async fn a_refused_login_is_logged_without_an_actor() {
    let app = TestApp::new();
    let res = app
        .call(
            "POST",
            "/v1/sessions",
            None,
            Some(json!({ "assertion": "garbage.not-a.jwt" })),
        )
        .await;
    res.problem(401);
    let refused = count(
        &app,
        "SELECT count(*) AS n FROM audit_events \
         WHERE action = 'session.create' AND outcome LIKE 'refused:%' AND actor_tax_code IS NULL",
    );
    assert_eq!(refused, 1);

    let operator = app.login_operator().await;
    let seen = app.audit_events(&operator, "").await;
    let event = seen
        .iter()
        .find(|e| {
            e["action"] == "session.create"
                && e["outcome"]
                    .as_str()
                    .is_some_and(|o| o.starts_with("refused:"))
        })
        .unwrap_or_else(|| panic!("no refused login in {seen:?}"));
    assert!(event["actor_tax_code"].is_null(), "{event}");
    assert_eq!(event["resource"], "/v1/sessions");
}

#[actix_web::test]
async fn events_are_newest_first_with_hex_sha256_hashes() {
    let app = TestApp::new();
    let s = scenario(&app).await;
    let all = app.audit_events(&s.operator, "").await;
    let actions: Vec<&str> = all
        .iter()
        .rev()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, SCENARIO_EVENTS);
    for e in &all {
        let hash = e["hash"].as_str().expect("hash");
        assert!(
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{hash}"
        );
    }
    let seqs: Vec<i64> = all.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert_eq!(*seqs.last().unwrap(), 1);
    assert_eq!(seqs[0], seqs.len() as i64, "no gaps: {seqs:?}");

    // Every hash chains onto the previous event's.
    let mut conn = app.db.as_ref().unwrap().connect();
    #[derive(QueryableByName)]
    struct Link {
        #[diesel(sql_type = BigInt)]
        seq: i64,
        #[diesel(sql_type = Text)]
        prev: String,
        #[diesel(sql_type = Text)]
        hash: String,
    }
    let links: Vec<Link> = diesel::sql_query(
        "SELECT seq, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash \
         FROM audit_events ORDER BY seq",
    )
    .load(&mut conn)
    .expect("links");
    for pair in links.windows(2) {
        assert_eq!(pair[1].prev, pair[0].hash, "seq {}", pair[1].seq);
    }
    let newest = &all[0];
    let stored = links.last().unwrap();
    assert_eq!(newest["seq"], stored.seq);
    assert_eq!(newest["hash"], stored.hash);

    // Pages follow the same order.
    let res = app.get_as(&s.operator, "/v1/audit-events?limit=2").await;
    let page = res.json();
    let cursor = page["next_cursor"].as_str().expect("next_cursor");
    let next = app
        .get_as(
            &s.operator,
            &format!("/v1/audit-events?limit=2&cursor={cursor}"),
        )
        .await
        .json();
    assert_eq!(next["items"][0]["seq"], seqs[2]);
}
