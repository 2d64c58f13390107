//! Identity assertions, sessions (inactivity and absolute expiry, logout) and the sandbox
//! identity provider, over HTTP.

use diesel::prelude::*;
use inps_api::identity::{Idp, Level, SandboxAssertionRequest, SandboxIdp};
use inps_domain::tax_code::TaxCode;
use inps_tests::fixtures::problem_type;
use inps_tests::personas::{employer, other_person};
use inps_tests::{TestApp, app::TEST_START};
use serde_json::json;
use time::Duration;

fn refused(res: &inps_tests::TestResponse, slug: &str) {
    let body = res.problem(401);
    assert_eq!(body["type"], problem_type(slug), "{body}");
}

/// The sandbox key the server stored (created by its first sandbox assertion).
async fn stored_sandbox_idp(app: &TestApp) -> SandboxIdp {
    app.assertion(&employer(), "L2").await;
    let mut conn = app.db.as_ref().unwrap().connect();
    let pem: String = inps_persistence::schema::sandbox_keys::table
        .select(inps_persistence::schema::sandbox_keys::private_pem)
        .first(&mut conn)
        .unwrap();
    SandboxIdp::from_pkcs8_pem(&pem).unwrap()
}

fn request(tax_code: &str, level: Level) -> SandboxAssertionRequest {
    SandboxAssertionRequest {
        tax_code: TaxCode::parse(tax_code).unwrap(),
        level,
        idp: Idp::Spid,
        given_name: "Mario".into(),
        family_name: "Rossi".into(),
    }
}

#[actix_web::test]
async fn login_creates_the_person_and_a_session() {
    let app = TestApp::new();
    let assertion = app.assertion(&employer(), "L2").await;
    let res = app.create_session(&assertion).await;
    assert_eq!(res.status, 201);
    assert_eq!(res.header("location"), Some("/v1/sessions/current"));
    let body = res.json();
    assert_eq!(body["person"]["tax_code"], "RSSMRA85T10A562S");
    assert_eq!(body["person"]["given_name"], "Mario");
    assert_eq!(body["idle_timeout_seconds"], 1800);
    assert_eq!(body["roles"], json!([]));
    let token = body["token"].as_str().unwrap();
    assert!(
        token.len() == 43
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "256 bits in unpadded base64url: {token}"
    );
    let me = app.get_as(token, "/v1/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["person"]["family_name"], "Rossi");

    // Only the token's hash is stored.
    let mut conn = app.db.as_ref().unwrap().connect();
    let hashes: Vec<Vec<u8>> = inps_persistence::schema::sessions::table
        .select(inps_persistence::schema::sessions::token_hash)
        .load(&mut conn)
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0], token.as_bytes());
    assert_eq!(hashes[0], inps_api::auth::token_hash(token));
}

#[actix_web::test]
async fn the_bootstrap_operator_gets_the_operator_role() {
    let app = TestApp::new();
    let token = app.login_operator().await;
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["roles"], json!(["operator"]));
}

#[actix_web::test]
async fn a_tampered_signature_is_refused() {
    let app = TestApp::new();
    let assertion = app.assertion(&employer(), "L2").await;
    let (head, sig) = assertion.rsplit_once('.').unwrap();
    let mut sig: Vec<char> = sig.chars().collect();
    let mid = sig.len() / 2;
    sig[mid] = if sig[mid] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{head}.{}", sig.into_iter().collect::<String>());
    refused(
        &app.create_session(&tampered).await,
        "assertion-bad-signature",
    );
}

#[actix_web::test]
async fn a_replayed_assertion_is_refused() {
    let app = TestApp::new();
    let assertion = app.assertion(&employer(), "L2").await;
    assert_eq!(app.create_session(&assertion).await.status, 201);
    refused(&app.create_session(&assertion).await, "assertion-replayed");
}

#[actix_web::test]
async fn spid_level_1_is_refused() {
    let app = TestApp::new();
    let assertion = app.assertion(&employer(), "L1").await;
    refused(
        &app.create_session(&assertion).await,
        "assertion-insufficient-level",
    );
}

#[actix_web::test]
async fn an_expired_assertion_is_refused() {
    let app = TestApp::new();
    let assertion = app.assertion(&employer(), "L2").await;
    app.advance(Duration::minutes(10));
    refused(&app.create_session(&assertion).await, "assertion-expired");
}

#[actix_web::test]
async fn an_unknown_key_is_refused() {
    let app = TestApp::new();
    let stranger = SandboxIdp::generate().unwrap();
    let token = stranger
        .sign(
            &request("RSSMRA85T10A562S", Level::L2),
            "https://api.inps.example",
            TEST_START,
            "jti-unknown-key",
        )
        .unwrap();
    refused(&app.create_session(&token).await, "assertion-unknown-key");
}

#[actix_web::test]
async fn a_wrong_audience_is_refused() {
    let app = TestApp::new();
    let idp = stored_sandbox_idp(&app).await;
    let token = idp
        .sign(
            &request("RSSMRA85T10A562S", Level::L2),
            "https://another-service.example",
            TEST_START,
            "jti-wrong-aud",
        )
        .unwrap();
    refused(
        &app.create_session(&token).await,
        "assertion-wrong-audience",
    );
}

#[actix_web::test]
async fn a_non_personal_tax_code_is_refused() {
    let app = TestApp::new();
    let idp = stored_sandbox_idp(&app).await;
    let token = idp
        .sign(
            &request("12345678903", Level::L2),
            "https://api.inps.example",
            TEST_START,
            "jti-company",
        )
        .unwrap();
    refused(
        &app.create_session(&token).await,
        "assertion-invalid-subject",
    );
}

#[actix_web::test]
async fn garbage_is_refused_without_details_that_help_an_attacker() {
    let app = TestApp::new();
    let res = app.create_session("not-a-jwt").await;
    let body = res.problem(401);
    assert_eq!(body["type"], problem_type("assertion-malformed"));
    let text = String::from_utf8_lossy(&res.body).to_lowercase();
    for leak in ["kid", "signature", "jsonwebtoken", "base64"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[actix_web::test]
async fn a_session_expires_after_30_minutes_of_inactivity() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    app.advance(Duration::minutes(29));
    assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    app.advance(Duration::minutes(29));
    assert_eq!(
        app.get_as(&token, "/v1/me").await.status,
        200,
        "each request extends"
    );
    app.advance(Duration::minutes(31));
    let res = app.get_as(&token, "/v1/me").await;
    res.problem(401);
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
}

#[actix_web::test]
async fn a_session_ends_after_8_hours_even_when_used() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    for _ in 0..19 {
        app.advance(Duration::minutes(25));
        assert_eq!(app.get_as(&token, "/v1/me").await.status, 200);
    }
    app.advance(Duration::minutes(10));
    app.get_as(&token, "/v1/me").await.problem(401);
}

#[actix_web::test]
async fn timeouts_are_configurable() {
    let app = TestApp::with_env(&[("SESSION_IDLE_TIMEOUT_SECONDS", "60")]);
    let token = app.login(&employer()).await;
    app.advance(Duration::seconds(61));
    app.get_as(&token, "/v1/me").await.problem(401);
}

#[actix_web::test]
async fn logout_revokes_only_that_session() {
    let app = TestApp::new();
    let first = app.login(&employer()).await;
    let second = app.login(&employer()).await;
    let res = app
        .call("DELETE", "/v1/sessions/current", Some(&first), None)
        .await;
    assert_eq!(res.status, 204);
    app.get_as(&first, "/v1/me").await.problem(401);
    assert_eq!(app.get_as(&second, "/v1/me").await.status, 200);
    app.call("DELETE", "/v1/sessions/current", Some(&first), None)
        .await
        .problem(401);
}

#[actix_web::test]
async fn protected_endpoints_need_a_session() {
    let app = TestApp::new();
    app.get("/v1/me").await.problem(401);
    app.get_as("made-up-token", "/v1/me").await.problem(401);
    app.get("/v1/delegations").await.problem(401);
    app.get("/v1/audit-events").await.problem(401);
}

#[actix_web::test]
async fn production_trusts_only_configured_keys_and_has_no_sandbox() {
    let idp = SandboxIdp::generate().unwrap();
    let jwks = json!({ "keys": [idp.public_jwk()] });
    let path = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, jwks.to_string()).unwrap();
    let app = TestApp::with_env(&[
        ("APP_ENV", "production"),
        ("IDENTITY_JWKS_FILE", path.to_str().unwrap()),
        ("IDENTITY_ISSUER", inps_api::identity::SANDBOX_ISSUER),
        // Production refuses to start without the delegation-code key.
        (
            "DELEGATION_CODE_SECRET",
            "a-test-secret-of-at-least-32-characters",
        ),
        (
            "WEBHOOK_SECRET_KEY",
            "a-webhook-key-of-at-least-32-characters",
        ),
    ]);
    let res = app
        .call(
            "POST",
            "/v1/sandbox/assertions",
            None,
            Some(json!({"tax_code": "RSSMRA85T10A562S", "level": "L2", "idp": "spid", "given_name": "Mario", "family_name": "Rossi"})),
        )
        .await;
    res.problem(404);

    let token = idp
        .sign(
            &request("RSSMRA85T10A562S", Level::L3),
            "https://api.inps.example",
            TEST_START,
            "jti-prod",
        )
        .unwrap();
    let res = app.create_session(&token).await;
    assert_eq!(res.status, 201, "{:?}", res.body);

    // A sandbox key (any key not configured) is not trusted in production.
    let stranger = SandboxIdp::generate().unwrap();
    let token = stranger
        .sign(
            &request("RSSMRA45D25F205N", Level::L2),
            "https://api.inps.example",
            TEST_START,
            "jti-stranger",
        )
        .unwrap();
    refused(&app.create_session(&token).await, "assertion-unknown-key");
    std::fs::remove_file(path).unwrap();
}

#[actix_web::test]
async fn a_name_mismatch_with_the_registry_becomes_an_operator_action() {
    let app = TestApp::new();
    let mut conn = app.db.as_ref().unwrap().connect();
    inps_persistence::persons::upsert_registry_record(
        &mut conn,
        &inps_persistence::persons::RegistryRecordRow {
            tax_code: "RSSMRA85T10A562S".into(),
            given_name: "Marco".into(),
            family_name: "Rossi".into(),
            source: "domestic_work_employers".into(),
        },
    )
    .unwrap();
    app.login(&employer()).await;
    app.login(&other_person()).await;

    let operator = app.login_operator().await;
    let me = app.get_as(&operator, "/v1/me").await.json();
    let reviews: Vec<&serde_json::Value> = me["pending_actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "review_name_mismatch")
        .collect();
    assert_eq!(reviews.len(), 1, "{me}");
    assert_eq!(reviews[0]["tax_code"], "RSSMRA85T10A562S");

    // The registry is never overwritten by what the identity provider says.
    let record = inps_persistence::persons::registry_record(&mut conn, "RSSMRA85T10A562S")
        .unwrap()
        .unwrap();
    assert_eq!(record.given_name, "Marco");
}
