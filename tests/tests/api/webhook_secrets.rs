//! Webhook signing secrets at rest: the database row holds the secret only sealed (in no form
//! the secret or its key can be read from), it is shown once at creation, and deliveries still
//! sign with it (checked by a receiver with the published scheme). A secret stored in clear by
//! an earlier version still signs, and is sealed at start (`inps_api::server::migrate`) or by
//! its first delivery.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use inps_tests::TestApp;
use inps_tests::fixtures::{count, count_with, execute};
use inps_tests::personas::employer;
use inps_tests::receiver::HttpReceiver;

use crate::webhooks::{subscribed, verifies};

#[actix_web::test]
async fn the_database_row_holds_the_secret_only_sealed() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let receiver = HttpReceiver::start();
    let created = subscribed(&app, &token, &receiver, &["role_granted"]).await;
    let secret = created["secret"].as_str().expect("secret");
    let key = &secret["whsec_".len()..];
    let raw_key = hex::encode(BASE64.decode(key).expect("base64 key"));
    for shown in [secret, key, raw_key.as_str()] {
        assert_eq!(
            count_with(
                &app,
                "SELECT count(*) AS n FROM webhook_subscriptions w WHERE strpos(w::text, $1) > 0",
                shown
            ),
            0,
            "the row (bytea shown in hex) does not contain {shown}"
        );
    }
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM webhook_subscriptions \
             WHERE position(convert_to($1, 'UTF8') IN secret_sealed) > 0",
            secret
        ),
        0,
        "nor do the sealed bytes"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM webhook_subscriptions \
             WHERE secret IS NULL AND octet_length(secret_sealed) > 0"
        ),
        1
    );

    app.grant_role(&employer(), "worker").await;
    assert_eq!(app.deliver_webhooks().sent, 1);
    let got = receiver.requests();
    assert!(
        verifies(secret, &got[0]),
        "signed with the secret shown once"
    );
}

/// Stores a subscription of the employer to `role_granted` at `receiver` with `secret` in
/// clear, as a server before sealing did.
fn legacy_subscription(app: &TestApp, receiver: &HttpReceiver, secret: &str) {
    execute(
        app,
        &format!(
            "INSERT INTO webhook_subscriptions (id, owner_tax_code, url, event_types, secret, \
             status, created_at, updated_at) VALUES (gen_random_uuid(), '{}', '{}', \
             ARRAY['role_granted'], '{secret}', 'active', now(), now())",
            employer().tax_code,
            receiver.url()
        ),
    );
}

fn clear_secrets(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT count(*) AS n FROM webhook_subscriptions WHERE secret IS NOT NULL",
    )
}

#[actix_web::test]
async fn a_secret_kept_in_clear_still_signs_and_is_sealed_at_first_use_or_at_start() {
    let app = TestApp::new();
    app.login(&employer()).await;
    let secret = format!("whsec_{}", BASE64.encode([7_u8; 32]));
    let (first, second) = (HttpReceiver::start(), HttpReceiver::start());

    // Written by an older replica after this one started: its first delivery seals it.
    legacy_subscription(&app, &first, &secret);
    app.grant_role(&employer(), "worker").await;
    assert_eq!(app.deliver_webhooks().sent, 1);
    assert!(verifies(&secret, &first.requests()[0]));
    assert_eq!(clear_secrets(&app), 0, "sealed by its first delivery");

    // Present at start: sealed right after the migrations.
    legacy_subscription(&app, &second, &secret);
    assert_eq!(clear_secrets(&app), 1);
    inps_api::server::migrate(&app.state.settings).expect("migrate");
    assert_eq!(clear_secrets(&app), 0, "sealed at start");

    // Both now sign from the sealed secret.
    app.grant_role(&employer(), "client").await;
    assert_eq!(app.deliver_webhooks().sent, 2);
    assert!(verifies(&secret, &first.requests()[1]));
    assert!(verifies(&secret, &second.requests()[0]));
}
