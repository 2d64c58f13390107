//! `Idempotency-Key` on `POST /v1/delegations`: a retry replays the first answer, the same key
//! with another body is refused, keys are per caller and expire after 24 h, concurrent
//! duplicates execute once, malformed keys are refused.

use actix_web::test::TestRequest;
use futures_util::future::join_all;
use inps_tests::fixtures::{count, problem_type, rows};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};

fn delegation_rows(app: &TestApp) -> i64 {
    rows(app, "delegations")
}

fn body_for(delegate: &str, from: &str) -> Value {
    json!({
        "delegate_tax_code": delegate,
        "service": "occasional_work",
        "scopes": ["services"],
        "valid_from": from,
        "valid_until": "2026-12-31",
    })
}

fn body() -> Value {
    body_for(&intermediary().tax_code, "2026-03-05")
}

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: Value) -> TestResponse {
    app.send(
        TestRequest::post()
            .uri("/v1/delegations")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .set_json(body),
    )
    .await
}

fn created_id(res: &TestResponse) -> String {
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().expect("id").to_owned()
}

async fn setup() -> (TestApp, String) {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    app.register_intermediary(&intermediary2()).await;
    let token = app.login(&employer()).await;
    app.grant_role(&employer(), "client").await;
    (app, token)
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_replays_the_first_answer_and_creates_nothing_new() {
    let (app, token) = setup().await;
    let first = post_with_key(&app, &token, "retry-1", body()).await;
    let id = created_id(&first);
    assert_eq!(first.header("idempotent-replayed"), None);

    let second = post_with_key(&app, &token, "retry-1", body()).await;
    assert_eq!(created_id(&second), id);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(second.json(), first.json(), "the very same answer");

    assert_eq!(delegation_rows(&app), 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events WHERE action = 'delegation.create'"
        ),
        1,
        "the use case ran once"
    );
}

#[actix_web::test]
async fn the_same_key_with_a_different_body_is_refused_as_reused() {
    let (app, token) = setup().await;
    created_id(&post_with_key(&app, &token, "reused", body()).await);
    let other = body_for(&intermediary2().tax_code, "2026-03-05");
    let res = post_with_key(&app, &token, "reused", other).await;
    let problem = res.problem(422);
    assert_eq!(problem["type"], problem_type("idempotency-key-reused"));
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_eq!(delegation_rows(&app), 1);
    let first_delegate = format!(
        "SELECT count(*) AS n FROM delegations WHERE delegate_tax_code = '{}'",
        intermediary().tax_code
    );
    assert_eq!(count(&app, &first_delegate), 1, "the first body stands");
}

#[actix_web::test]
async fn the_same_key_from_another_caller_is_independent() {
    let (app, token) = setup().await;
    let other = app.login(&other_person()).await;
    app.grant_role(&other_person(), "client").await;
    let mine = created_id(&post_with_key(&app, &token, "shared-key", body()).await);
    let res = post_with_key(&app, &other, "shared-key", body()).await;
    let theirs = created_id(&res);
    assert_ne!(mine, theirs);
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_eq!(res.json()["delegator_tax_code"], other_person().tax_code);
    assert_eq!(delegation_rows(&app), 2);
}

#[actix_web::test]
async fn a_key_is_remembered_for_24_hours_and_then_forgotten() {
    let (app, token) = setup().await;
    let first = created_id(&post_with_key(&app, &token, "daily", body()).await);

    app.advance(time::Duration::hours(23));
    let token = app.login(&employer()).await;
    let replay = post_with_key(&app, &token, "daily", body()).await;
    assert_eq!(created_id(&replay), first);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(delegation_rows(&app), 1);

    app.advance(time::Duration::hours(2));
    let token = app.login(&employer()).await;
    let fresh = post_with_key(&app, &token, "daily", body()).await;
    let second = created_id(&fresh);
    assert_ne!(second, first);
    assert_eq!(fresh.header("idempotent-replayed"), None);
    assert_eq!(delegation_rows(&app), 2);
}

#[actix_web::test]
async fn twenty_concurrent_duplicates_create_exactly_one_delegation() {
    let (app, token) = setup().await;
    let responses = join_all((0..20).map(|_| post_with_key(&app, &token, "burst", body()))).await;
    let ids: Vec<String> = responses.iter().map(created_id).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let replayed = responses
        .iter()
        .filter(|r| r.header("idempotent-replayed") == Some("true"))
        .count();
    assert_eq!(replayed, 19);
    assert_eq!(delegation_rows(&app), 1);
}

#[actix_web::test]
async fn a_malformed_idempotency_key_is_refused_and_nothing_is_created() {
    let (app, token) = setup().await;
    let too_long = "k".repeat(129);
    for key in [too_long.as_str(), "has space", "tab\there"] {
        let res = post_with_key(&app, &token, key, body()).await;
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["field"], "Idempotency-Key", "{key:?}");
    }
    assert_eq!(delegation_rows(&app), 0);
    assert_eq!(rows(&app, "idempotency_keys"), 0);

    // 128 visible characters is the longest accepted key.
    created_id(&post_with_key(&app, &token, &"k".repeat(128), body()).await);
    assert_eq!(delegation_rows(&app), 1);
}
