//! The hot paths: an authenticated read writes nothing (session activity is recorded at most
//! once a minute), the idle timeout still holds to the minute, a logout is honoured at once, and
//! a connection that breaks under a request is answered 503 and never handed out again.

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamptz};
use inps_tests::TestApp;
use inps_tests::personas::employer;
use time::{Duration, OffsetDateTime};

#[derive(QueryableByName)]
struct Seen {
    #[diesel(sql_type = Timestamptz)]
    last_seen_at: OffsetDateTime,
}

fn last_seen(app: &TestApp) -> OffsetDateTime {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query("SELECT last_seen_at FROM sessions WHERE tax_code = $1")
        .bind::<Text, _>(employer().tax_code)
        .get_result::<Seen>(&mut conn)
        .expect("session")
        .last_seen_at
}

#[actix_web::test]
async fn a_read_within_a_minute_of_the_recorded_activity_writes_nothing() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let login = last_seen(&app);
    app.advance(Duration::seconds(59));
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    assert_eq!(last_seen(&app), login, "a read within the minute wrote");
    app.advance(Duration::seconds(2));
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    assert_eq!(last_seen(&app), login + Duration::seconds(61));
}

#[actix_web::test]
async fn the_idle_timeout_holds_to_the_minute() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    // Used 59 s after login: not recorded, so the session idles from the login.
    app.advance(Duration::seconds(59));
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    app.advance(Duration::minutes(29) + Duration::seconds(2));
    app.get_as(&token, "/v1/me").await.problem(401);
}

#[actix_web::test]
async fn a_logged_out_token_is_refused_at_once() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    let res = app
        .call("DELETE", "/v1/sessions/current", Some(&token), None)
        .await;
    assert_eq!(res.status, 204);
    app.get_as(&token, "/v1/me").await.problem(401);
}

#[actix_web::test]
async fn a_connection_broken_under_a_request_is_answered_503_and_discarded() {
    // One pooled connection, so the next request could only get the broken one back.
    let app = TestApp::with_env(&[("DB_POOL_MAX_SIZE", "1")]);
    let token = app.login(&employer()).await;
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    let db = app.db.as_ref().expect("database");
    let name = db.url.rsplit('/').next().expect("database name").to_owned();
    let mut admin = db.connect();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .expect("terminate the pool's connection");
    let res = app.get_as(&token, "/v1/me").await;
    res.problem(503);
    assert!(res.header("retry-after").is_some());
    // The broken connection was discarded: the next request gets a fresh one.
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    synchronous_commit: String,
}

fn synchronous_commit(conn: &mut PgConnection) -> String {
    diesel::sql_query("SHOW synchronous_commit")
        .get_result::<Setting>(conn)
        .expect("show")
        .synchronous_commit
}

#[actix_web::test]
async fn recording_activity_relaxes_the_flush_of_that_write_only() {
    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        token_hash: Vec<u8>,
    }
    let app = TestApp::new();
    app.login(&employer()).await;
    let mut conn = app.db.as_ref().expect("database").connect();
    let hash = diesel::sql_query("SELECT token_hash FROM sessions WHERE tax_code = $1")
        .bind::<Text, _>(employer().tax_code)
        .get_result::<Hash>(&mut conn)
        .expect("session")
        .token_hash;
    let idle = Duration::minutes(30);
    // A request resolving its session: the record is written and nothing else is relaxed.
    let later = last_seen(&app) + Duration::minutes(2);
    let found = inps_persistence::sessions::authenticate(&mut conn, &hash, later, idle)
        .expect("authenticate");
    assert!(found.is_some());
    assert_eq!(last_seen(&app), later);
    assert_eq!(synchronous_commit(&mut conn), "on");
    // Inside a caller's transaction the record joins it, which keeps its durability.
    let again = later + Duration::minutes(2);
    conn.transaction(|conn| {
        inps_persistence::sessions::authenticate(conn, &hash, again, idle)?;
        assert_eq!(synchronous_commit(conn), "on");
        diesel::QueryResult::Ok(())
    })
    .expect("transaction");
    assert_eq!(last_seen(&app), again);
}
