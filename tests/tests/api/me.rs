//! `/v1/me`: profile, onboarding, contacts, consents, notification preferences; and the JSON
//! error paths every body-taking endpoint shares (malformed, wrong media type, too large,
//! schema mismatch, NUL characters), proven on a real endpoint.

use actix_web::test::TestRequest;
use inps_tests::TestApp;
use inps_tests::fixtures::{execute, problem_type};
use inps_tests::personas::employer;
use serde_json::json;

#[actix_web::test]
async fn a_new_person_has_consents_and_contacts_to_give() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(
        me["onboarding"],
        json!({"consents_given": false, "contacts_given": false})
    );
    let kinds: Vec<&str> = me["pending_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["give_consents", "add_contact"]);
}

#[actix_web::test]
async fn contacts_are_validated_and_lose_verification_when_changed() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let res = app
        .put_as(&token, "/v1/me/contacts", json!({"email": "not-an-email"}))
        .await;
    let body = res.problem(422);
    assert_eq!(body["errors"][0]["field"], "email");

    let res = app
        .put_as(&token, "/v1/me/contacts", json!({"mobile": "12ab"}))
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "mobile");

    let res = app
        .put_as(
            &token,
            "/v1/me/contacts",
            json!({"email": "Mario.Rossi@Example.it", "pec": "mario@pec.example.it", "mobile": "+393331234567"}),
        )
        .await;
    assert_eq!(res.status, 200);
    let body = res.json();
    assert_eq!(body["email"], "mario.rossi@example.it");
    assert_eq!(body["email_verified"], false);

    // Mark the e-mail verified, then change only the mobile: the e-mail keeps its flag.
    let mut conn = app.db.as_ref().unwrap().connect();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "UPDATE contacts SET email_verified = true, mobile_verified = true",
    )
    .unwrap();
    let body = app
        .put_as(
            &token,
            "/v1/me/contacts",
            json!({"email": "mario.rossi@example.it", "pec": "mario@pec.example.it", "mobile": "+393339999999"}),
        )
        .await
        .json();
    assert_eq!(body["email_verified"], true);
    assert_eq!(body["mobile_verified"], false);
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["contacts"]["mobile"], "+393339999999");
    assert_eq!(me["onboarding"]["contacts_given"], true);
}

#[actix_web::test]
async fn consents_must_name_the_current_version() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let res = app
        .put_as(
            &token,
            "/v1/me/consents",
            json!({"consents": [{"document": "privacy_notice", "version": "2019-01"}]}),
        )
        .await;
    assert_eq!(
        res.problem(422)["errors"][0]["field"],
        "consents[0].version"
    );

    let res = app
        .put_as(
            &token,
            "/v1/me/consents",
            json!({"consents": [
                {"document": "privacy_notice", "version": "2026-01"},
                {"document": "terms_of_use", "version": "2026-01"}
            ]}),
        )
        .await;
    assert_eq!(res.status, 200);
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|c| c["current"] == true && c["given_at"] == "2026-03-02T09:00:00Z")
    );
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["onboarding"]["consents_given"], true);
}

#[actix_web::test]
async fn a_new_terms_version_asks_for_consent_again() {
    let app = TestApp::with_env(&[("TERMS_OF_USE_VERSION", "2026-07")]);
    let token = app.login(&employer()).await;
    app.put_as(
        &token,
        "/v1/me/consents",
        json!({"consents": [{"document": "privacy_notice", "version": "2026-01"}]}),
    )
    .await;
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["onboarding"]["consents_given"], false);
}

#[actix_web::test]
async fn notification_channels_need_a_verified_contact_on_file() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let prefs = json!({"items": [{"event_type": "inquiry_answered", "channels": ["email"], "frequency": "immediate"}]});
    let res = app
        .put_as(&token, "/v1/me/notification-preferences", prefs.clone())
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "items[0].channels");

    app.put_as(
        &token,
        "/v1/me/contacts",
        json!({"email": "mario@example.it"}),
    )
    .await;
    // On file but not verified: still refused.
    let res = app
        .put_as(&token, "/v1/me/notification-preferences", prefs.clone())
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "items[0].channels");

    execute(&app, "UPDATE contacts SET email_verified = true");
    let res = app
        .put_as(&token, "/v1/me/notification-preferences", prefs)
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json()["items"],
        json!([{"event_type": "inquiry_answered", "channels": ["inbox", "email"], "frequency": "immediate"}])
    );
    let stored = app
        .get_as(&token, "/v1/me/notification-preferences")
        .await
        .json();
    assert_eq!(stored["items"][0]["channels"], json!(["inbox", "email"]));

    let twice = json!({"items": [
        {"event_type": "inquiry_answered", "channels": [], "frequency": "daily"},
        {"event_type": "inquiry_answered", "channels": [], "frequency": "weekly"}
    ]});
    let res = app
        .put_as(&token, "/v1/me/notification-preferences", twice)
        .await;
    assert_eq!(
        res.problem(422)["errors"][0]["field"],
        "items[1].event_type"
    );
}

async fn put_raw(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: &[u8],
) -> inps_tests::TestResponse {
    app.send(
        TestRequest::put()
            .uri("/v1/me/contacts")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .set_payload(body.to_vec()),
    )
    .await
}

async fn contacts(app: &TestApp, token: &str) -> serde_json::Value {
    app.get_as(token, "/v1/me").await.json()["contacts"].clone()
}

#[actix_web::test]
async fn bad_bodies_get_precise_problems_and_change_nothing() {
    let app = TestApp::with_env(&[("MAX_JSON_BODY_BYTES", "2000")]);
    let token = app.login(&employer()).await;
    app.put_as(
        &token,
        "/v1/me/contacts",
        json!({"email": "mario@example.it"}),
    )
    .await;
    let before = contacts(&app, &token).await;

    let res = put_raw(&app, &token, "application/json", br#"{"email": "#).await;
    let body = res.problem(400);
    assert_eq!(body["type"], problem_type("malformed-request"));

    let res = put_raw(&app, &token, "text/plain", br#"{"email": "a@b.it"}"#).await;
    res.problem(415);
    let res = put_raw(&app, &token, "application/xml", b"<email/>").await;
    res.problem(415);

    let big = format!(r#"{{"email": "{}@example.it"}}"#, "a".repeat(3000));
    let res = put_raw(&app, &token, "application/json", big.as_bytes()).await;
    assert_eq!(res.problem(413)["type"], problem_type("payload-too-large"));

    let res = put_raw(&app, &token, "application/json", br#"{"email": 5}"#).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "email");

    let res = put_raw(&app, &token, "application/json", br#"{"emial": "a@b.it"}"#).await;
    res.problem(422);

    let res = put_raw(
        &app,
        &token,
        "application/json",
        br#"{"pec": "a\u0000@b.it"}"#,
    )
    .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "pec");

    let res = put_raw(&app, &token, "application/json", b"[]").await;
    res.problem(422);

    assert_eq!(contacts(&app, &token).await, before, "nothing changed");
}

#[actix_web::test]
async fn problems_for_bad_bodies_speak_english_on_request() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let res = app
        .send(
            TestRequest::put()
                .uri("/v1/me/contacts")
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Accept-Language", "en"))
                .set_json(json!({"email": "nope"})),
        )
        .await;
    let body = res.problem(422);
    assert_eq!(body["title"], "Validation failed");
    assert_eq!(body["errors"][0]["reason"], "must be an e-mail address");
}
