//! The delegation rules of issue #7: who can delegate (a position holder only), a superseded
//! delegation already expired by date stays expired, verification codes stored as a keyed hash,
//! and the "one active domestic-work delegation" index answering 409, never 500.

use diesel::prelude::*;
use diesel::sql_types::{Bytea, Text};
use inps_api::problems::Problem;
use inps_api::refusal::Refusal;
use inps_persistence::delegations::DelegationRow;
use inps_tests::personas::{employer, intermediary, intermediary2, operator, other_person};
use inps_tests::{Persona, TestApp};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn terms(delegate: &Persona, service: &str, scopes: &[&str], from: &str, until: &str) -> Value {
    json!({
        "delegate_tax_code": delegate.tax_code,
        "service": service,
        "scopes": scopes,
        "valid_from": from,
        "valid_until": until,
    })
}

fn domestic(delegate: &Persona, from: &str, until: &str) -> Value {
    terms(delegate, "domestic_work", &["inquiries"], from, until)
}

/// Creates (asserting 201) and accepts (asserting 200) a delegation; returns its id.
async fn create_active(app: &TestApp, delegator: &str, delegate: &str, body: Value) -> String {
    let res = app.post_as(delegator, "/v1/delegations", body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let created = res.json();
    let id = created["id"].as_str().expect("id").to_owned();
    let res = app
        .post_as(
            delegate,
            &format!("/v1/delegations/{id}/accept"),
            json!({ "verification_code": created["verification_code"] }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    id
}

#[actix_web::test]
async fn only_a_person_whose_position_can_delegate_gives_a_delegation() {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    let nobody = app.login(&other_person()).await;
    let boss = app.login(&employer()).await;
    let operator = app.login(&operator()).await;
    let body = domestic(&intermediary(), "2026-03-02", "2027-03-01");
    let occasional = terms(
        &intermediary(),
        "occasional_work",
        &["services"],
        "2026-03-02",
        "2027-03-01",
    );

    // No role at all, or an operator's: nothing to delegate.
    for token in [&nobody, &operator, &boss] {
        let problem = app
            .post_as(token, "/v1/delegations", body.clone())
            .await
            .problem(403);
        assert_eq!(
            problem["type"],
            Problem::DelegatorNotEligible.spec().type_uri()
        );
    }
    // An employer delegates domestic work, not occasional work.
    app.grant_role(&employer(), "employer").await;
    app.post_as(&boss, "/v1/delegations", occasional.clone())
        .await
        .problem(403);
    let res = app.post_as(&boss, "/v1/delegations", body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    // A client of occasional work delegates it.
    app.grant_role(&other_person(), "client").await;
    let res = app.post_as(&nobody, "/v1/delegations", occasional).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

#[actix_web::test]
async fn a_previous_delegation_already_expired_stays_expired_when_a_new_one_is_activated() {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    app.register_intermediary(&intermediary2()).await;
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    let first_agent = app.login(&intermediary()).await;
    let body = domestic(&intermediary(), "2026-03-02", "2026-03-10");
    let first = create_active(&app, &boss, &first_agent, body).await;

    // Past its last day it is expired by date, though stored as active.
    app.advance(time::Duration::days(12));
    let boss = app.login(&employer()).await;
    let second_agent = app.login(&intermediary2()).await;
    let body = domestic(&intermediary2(), "2026-03-14", "2027-03-01");
    let second = create_active(&app, &boss, &second_agent, body).await;

    let show = |id: String| {
        let (app, boss) = (&app, boss.clone());
        async move {
            app.get_as(&boss, &format!("/v1/delegations/{id}"))
                .await
                .json()
        }
    };
    let first_now = show(first.clone()).await;
    assert_eq!(first_now["status"], "expired", "{first_now}");
    assert_eq!(show(second).await["status"], "active");
    let expired = app
        .get_as(&boss, "/v1/delegations?status=expired")
        .await
        .json();
    assert_eq!(expired["items"][0]["id"], first.as_str(), "{expired}");
    let revoked = app
        .get_as(&boss, "/v1/delegations?status=revoked")
        .await
        .json();
    assert_eq!(revoked["items"], json!([]), "{revoked}");
}

#[derive(QueryableByName)]
struct StoredHash {
    #[diesel(sql_type = Bytea)]
    verification_code_hash: Vec<u8>,
}

#[actix_web::test]
async fn verification_codes_are_stored_as_a_keyed_hash_and_still_verify() {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    let boss = app.login(&employer()).await;
    app.grant_role(&employer(), "employer").await;
    let agent = app.login(&intermediary()).await;
    let res = app
        .post_as(
            &boss,
            "/v1/delegations",
            domestic(&intermediary(), "2026-03-02", "2027-03-01"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let created = res.json();
    let id = created["id"].as_str().expect("id").to_owned();
    let code = created["verification_code"]
        .as_str()
        .expect("code")
        .to_owned();

    let mut conn = app.db.as_ref().expect("database").connect();
    let stored =
        diesel::sql_query("SELECT verification_code_hash FROM delegations WHERE id = $1::uuid")
            .bind::<Text, _>(&id)
            .get_result::<StoredHash>(&mut conn)
            .expect("stored hash")
            .verification_code_hash;
    // Without the server's key, a dump gives no way to test the 10^8 codes offline.
    assert_ne!(stored, Sha256::digest(format!("{id}:{code}")).to_vec());
    assert_ne!(stored, Sha256::digest(&code).to_vec());
    assert_eq!(stored.len(), 32);

    let res = app
        .post_as(
            &agent,
            &format!("/v1/delegations/{id}/accept"),
            json!({ "verification_code": code }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "active");
}

#[test]
fn production_refuses_to_start_without_a_delegation_code_secret() {
    let env = |with_secret: bool| {
        move |name: &str| match name {
            "APP_ENV" => Some("production".to_owned()),
            "IDENTITY_JWKS_FILE" => Some("/etc/inps/jwks.json".to_owned()),
            "DELEGATION_CODE_SECRET" if with_secret => Some("s".repeat(40)),
            "WEBHOOK_SECRET_KEY" => Some("w".repeat(40)),
            _ => None,
        }
    };
    let err = inps_api::settings::Settings::from_lookup(env(false)).unwrap_err();
    assert_eq!(err.variable, "DELEGATION_CODE_SECRET");
    assert!(inps_api::settings::Settings::from_lookup(env(true)).is_ok());
}

fn active_domestic(id: uuid::Uuid, delegate: &Persona) -> DelegationRow {
    DelegationRow {
        id,
        delegator_tax_code: employer().tax_code,
        delegate_tax_code: delegate.tax_code.clone(),
        service: "domestic_work".into(),
        scopes: vec!["read".into()],
        valid_from: time::macros::date!(2026 - 03 - 02),
        valid_until: time::macros::date!(2027 - 03 - 01),
        status: "active".into(),
        verification_code_hash: vec![0; 32],
        failed_attempts: 0,
        version: 2,
        created_at: inps_tests::app::TEST_START,
        created_by: employer().tax_code,
        activated_at: Some(inps_tests::app::TEST_START),
        closed_at: None,
        closed_by: None,
    }
}

#[actix_web::test]
async fn a_second_active_domestic_delegation_violates_the_index_and_is_a_409() {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    app.register_intermediary(&intermediary2()).await;
    let mut conn = app.db.as_ref().expect("database").connect();
    inps_persistence::delegations::insert(
        &mut conn,
        &active_domestic(uuid::Uuid::new_v4(), &intermediary()),
    )
    .expect("first active delegation");
    let err = inps_persistence::delegations::insert(
        &mut conn,
        &active_domestic(uuid::Uuid::new_v4(), &intermediary2()),
    )
    .unwrap_err();
    let refusal = Refusal::from(err);
    assert_eq!(refusal.problem(), Problem::DelegationAlreadyActive);
    assert_eq!(refusal.problem().spec().status, 409);
}

#[actix_web::test]
async fn a_corrupt_stored_scope_is_an_internal_error_never_a_silently_dropped_scope() {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    let boss = app.login(&employer()).await;
    let mut conn = app.db.as_ref().expect("database").connect();
    let id = uuid::Uuid::new_v4();
    let mut row = active_domestic(id, &intermediary());
    row.scopes = vec!["read".into(), "everything".into()];
    inps_persistence::delegations::insert(&mut conn, &row).expect("stored");
    app.get_as(&boss, &format!("/v1/delegations/{id}"))
        .await
        .problem(500);
    app.get_as(&boss, "/v1/delegations").await.problem(500);
}
