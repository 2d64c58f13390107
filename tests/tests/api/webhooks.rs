//! Webhooks for integrators: a receiver on loopback verifies the Standard Webhooks signature
//! with the published scheme (checked here with hmac, sha2 and base64, not the application's
//! code); a receiver that fails once gets the event exactly once more; loopback, private and
//! link-local addresses, and names resolving to them, are refused at creation and again at
//! delivery; someone else's subscription is 404; a delivery is withheld once the owner may no
//! longer see the subject; two workers deliver each webhook once; manual retry and replay; a
//! subscription that keeps failing is disabled and its owner notified; an `https://` URL goes
//! over TLS.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac as _};
use inps_api::notifications::webhooks::delivery::deliver_due;
use inps_api::notifications::webhooks::use_cases::HostResolver;
use inps_api::notifications::worker::Senders;
use inps_tests::fixtures::{Cassetto, count, domestic, execute, id_of};
use inps_tests::personas::{employer, intermediary, other_person};
use inps_tests::receiver::{HttpReceiver, Received};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};

pub(crate) const SUBSCRIPTIONS: &str = "/v1/webhook-subscriptions";

async fn subscribe(app: &TestApp, token: &str, url: &str, types: &[&str]) -> TestResponse {
    app.post_as(
        token,
        SUBSCRIPTIONS,
        json!({"url": url, "event_types": types}),
    )
    .await
}

/// Subscribes `token`'s owner to `types` at `receiver`; returns the created body.
pub(crate) async fn subscribed(
    app: &TestApp,
    token: &str,
    receiver: &HttpReceiver,
    types: &[&str],
) -> Value {
    let res = subscribe(app, token, &receiver.url(), types).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn deliveries(app: &TestApp, token: &str, subscription: &str) -> Vec<Value> {
    app.items(token, &format!("{SUBSCRIPTIONS}/{subscription}/deliveries"))
        .await
}

/// Standard Webhooks verification, written from the spec: the key is the base64 after
/// `whsec_`, the signature `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
pub(crate) fn verifies(secret: &str, request: &Received) -> bool {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 key");
    let (Some(id), Some(timestamp), Some(signature)) = (
        request.header("webhook-id"),
        request.header("webhook-timestamp"),
        request.header("webhook-signature"),
    ) else {
        return false;
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    signature.split(' ').any(|s| s == expected)
}

/// The employer on a fresh app, subscribed to `role_granted` at a new receiver.
async fn employer_subscribed(app: &TestApp) -> (String, HttpReceiver, Value) {
    let token = app.login(&employer()).await;
    let receiver = HttpReceiver::start();
    let created = subscribed(app, &token, &receiver, &["role_granted"]).await;
    (token, receiver, created)
}

#[actix_web::test]
async fn a_receiver_verifies_the_signature_with_the_published_scheme() {
    let app = TestApp::new();
    let (token, receiver, created) = employer_subscribed(&app).await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(
        secret.starts_with("whsec_") && BASE64.decode(&secret[6..]).is_ok_and(|k| k.len() == 32)
    );
    let id = id_of(&created);
    // The secret is shown once: never in a later read, nor in the accountability log.
    let shown = app.get_as(&token, &format!("{SUBSCRIPTIONS}/{id}")).await;
    assert_eq!(shown.status, 200);
    assert!(shown.json().get("secret").is_none());
    assert!(
        !app.get_as(&token, SUBSCRIPTIONS)
            .await
            .text()
            .contains(&secret)
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM audit_events WHERE row_to_json(audit_events)::text LIKE '%{}%'",
                &secret[6..16]
            )
        ),
        0
    );

    app.grant_role(&employer(), "worker").await;
    assert_eq!(app.deliver_webhooks().sent, 1);
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert!(
        verifies(&secret, &got[0]),
        "signature of {:?}",
        got[0].headers
    );
    let mut tampered = got[0].clone();
    tampered.body.push(b' ');
    assert!(
        !verifies(&secret, &tampered),
        "a changed body does not verify"
    );
    assert_eq!(
        got[0].header("webhook-timestamp"),
        Some(
            inps_tests::app::TEST_START
                .unix_timestamp()
                .to_string()
                .as_str()
        )
    );
    let body: Value = serde_json::from_slice(&got[0].body).expect("JSON body");
    assert_eq!(body["type"], "role_granted");
    assert_eq!(body["data"]["subject_tax_code"], employer().tax_code);
    assert_eq!(
        got[0].header("webhook-id"),
        body["data"]["event_id"].as_str()
    );
    let log = deliveries(&app, &token, &id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            &log[0]["status"],
            &log[0]["attempts"],
            &log[0]["response_status"]
        ),
        (&json!("sent"), &json!(1), &json!(200))
    );
    assert_eq!(log[0]["event_id"], body["data"]["event_id"]);
    // Another person's event is not delivered.
    app.login(&other_person()).await;
    app.grant_role(&other_person(), "worker").await;
    assert_eq!(app.deliver_webhooks().total(), 0);
}

#[actix_web::test]
async fn a_receiver_that_fails_once_gets_the_event_exactly_once_more() {
    let app = TestApp::new();
    let (token, receiver, created) = employer_subscribed(&app).await;
    receiver.answer_next(&[500]);
    app.grant_role(&employer(), "worker").await;
    assert_eq!(app.deliver_webhooks().retrying, 1);
    let log = deliveries(&app, &token, &id_of(&created)).await;
    assert_eq!(
        (
            &log[0]["status"],
            &log[0]["last_error"],
            &log[0]["response_status"]
        ),
        (&json!("queued"), &json!("HTTP 500"), &json!(500))
    );
    // Not before the backoff.
    assert_eq!(app.deliver_webhooks().total(), 0);
    app.advance(time::Duration::minutes(2));
    assert_eq!(app.deliver_webhooks().sent, 1);
    app.advance(time::Duration::days(4));
    assert_eq!(app.deliver_webhooks().total(), 0);
    let token = app.login(&employer()).await;
    let got = receiver.requests();
    assert_eq!(got.len(), 2, "the failed attempt and exactly one more");
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(got[0].body, got[1].body);
    let log = deliveries(&app, &token, &id_of(&created)).await;
    assert_eq!(
        (&log[0]["status"], &log[0]["attempts"]),
        (&json!("sent"), &json!(2))
    );
}

#[actix_web::test]
async fn loopback_private_and_link_local_addresses_are_refused_also_behind_a_name() {
    let app = TestApp::with_env(&[("WEBHOOK_ALLOW_LOOPBACK", "off")]);
    let token = app.login(&employer()).await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
        "http://10.0.0.5/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://localhost:8080/hook",
        "ftp://hooks.example.com/x",
        "https://user:pw@hooks.example.com/x",
    ] {
        let res = subscribe(&app, &token, url, &["role_granted"]).await;
        let problem = res.problem(422);
        assert!(
            problem["type"]
                .as_str()
                .unwrap()
                .ends_with("/webhook-url-refused"),
            "{url}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
    }
    let localhost = subscribe(&app, &token, "http://localhost/x", &["role_granted"]).await;
    assert!(
        localhost.problem(422)["detail"]
            .as_str()
            .unwrap()
            .contains("loopback"),
        "a name is refused for what it resolves to"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM webhook_subscriptions"),
        0
    );
    assert!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events \
             WHERE action = 'webhook_subscription.create' AND outcome = 'denied'"
        ) >= 16,
        "each refused attempt is on record"
    );
}

#[actix_web::test]
async fn a_host_name_is_resolved_before_the_transaction_holding_no_connection() {
    // The resolver records how many pooled connections were in use while it ran: a lookup
    // inside the creating transaction (or while the session lookup's connection is held) shows
    // one.
    let mut app = TestApp::with_env(&[("WEBHOOK_ALLOW_LOOPBACK", "off")]);
    let pool = app.state.pool.clone();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&seen);
    app.state.resolver = HostResolver::new(move |host, _port| {
        let state = pool.state();
        let in_use = state.connections - state.idle_connections;
        record.lock().unwrap().push((host.to_owned(), in_use));
        Ok(vec![match host {
            "hooks.example.com" => "93.184.215.14".parse().unwrap(),
            _ => "10.1.2.3".parse().unwrap(),
        }])
    });
    let token = app.login(&employer()).await;
    let public = subscribe(
        &app,
        &token,
        "http://hooks.example.com/x",
        &["role_granted"],
    )
    .await;
    assert_eq!(public.status, 201, "{}", public.text());
    let private = subscribe(&app, &token, "http://intranet.example/x", &["role_granted"]).await;
    assert!(
        private.problem(422)["detail"]
            .as_str()
            .unwrap()
            .contains("10.1.2.3"),
        "a name is refused for the private address it resolves to"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("hooks.example.com".to_owned(), 0),
            ("intranet.example".to_owned(), 0)
        ],
        "each name resolved once, with no connection checked out"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events \
             WHERE action = 'webhook_subscription.create' AND outcome = 'denied'"
        ),
        1,
        "the refusal is on record"
    );
}

#[actix_web::test]
async fn the_address_is_checked_again_when_delivering() {
    // A subscription whose host pointed elsewhere when it was created and now reaches this
    // machine (stored directly: the API refuses it) gets nothing sent.
    let app = TestApp::with_env(&[("WEBHOOK_ALLOW_LOOPBACK", "off")]);
    let token = app.login(&employer()).await;
    let receiver = HttpReceiver::start();
    execute(
        &app,
        &format!(
            "INSERT INTO webhook_subscriptions (id, owner_tax_code, url, event_types, secret, \
             status, created_at, updated_at) VALUES (gen_random_uuid(), '{}', '{}', \
             ARRAY['role_granted'], 'whsec_AAAA', 'active', now(), now())",
            employer().tax_code,
            receiver.url()
        ),
    );
    app.grant_role(&employer(), "worker").await;
    assert_eq!(
        app.deliver_webhooks().failed,
        1,
        "refused at once, no retry"
    );
    assert!(receiver.requests().is_empty());
    let subscription = &app.items(&token, SUBSCRIPTIONS).await[0];
    let log = deliveries(&app, &token, &id_of(subscription)).await;
    assert_eq!(log[0]["status"], "failed");
    assert!(
        log[0]["last_error"].as_str().unwrap().contains("loopback"),
        "{}",
        log[0]
    );
}

#[actix_web::test]
async fn another_persons_subscription_answers_404() {
    let app = TestApp::new();
    let (owner, _receiver, created) = employer_subscribed(&app).await;
    let id = id_of(&created);
    app.grant_role(&employer(), "worker").await;
    let delivery = id_of(&deliveries(&app, &owner, &id).await[0]);
    let stranger = app.login(&other_person()).await;
    for (method, path, body) in [
        ("GET", format!("{SUBSCRIPTIONS}/{id}"), None),
        ("GET", format!("{SUBSCRIPTIONS}/{id}/deliveries"), None),
        ("DELETE", format!("{SUBSCRIPTIONS}/{id}"), None),
        (
            "POST",
            format!("{SUBSCRIPTIONS}/{id}/deliveries/{delivery}/retry"),
            None,
        ),
        (
            "POST",
            format!("{SUBSCRIPTIONS}/{id}/replay"),
            Some(json!({"since": "2026-03-01T00:00:00Z"})),
        ),
    ] {
        let res = app.call(method, &path, Some(&stranger), body).await;
        res.problem(404);
    }
    assert!(app.items(&stranger, SUBSCRIPTIONS).await.is_empty());
    // The stranger's own subscription cannot reach the owner's delivery either.
    let theirs = subscribe(&app, &stranger, "http://127.0.0.1:9/x", &["role_granted"]).await;
    let theirs = id_of(&theirs.json());
    app.call(
        "POST",
        &format!("{SUBSCRIPTIONS}/{theirs}/deliveries/{delivery}/retry"),
        Some(&stranger),
        None,
    )
    .await
    .problem(404);
    assert_eq!(
        app.items(&owner, SUBSCRIPTIONS).await.len(),
        1,
        "still there"
    );
    let res = app
        .call(
            "DELETE",
            &format!("{SUBSCRIPTIONS}/{id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    assert!(app.items(&owner, SUBSCRIPTIONS).await.is_empty());
}

#[actix_web::test]
async fn a_delivery_is_withheld_once_the_owner_may_no_longer_see_the_subject() {
    let s = Cassetto::new().await;
    let app = &s.app;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    let receiver = HttpReceiver::start();
    let created = subscribed(app, &agent, &receiver, &["inquiry_answered"]).await;
    let delegation = app
        .active_delegation(&s.employer, &agent, domestic(&intermediary()))
        .await;
    // While the delegation is in force, the delegate's receiver gets the answer.
    let first = id_of(&app.sent_inquiry(&s.employer, &s.code, "mav").await);
    assert_eq!(
        app.answer_inquiry(&s.operator, &first, "negative")
            .await
            .status,
        200
    );
    assert_eq!(app.deliver_webhooks().sent, 1);
    // Answered while in force, delivered after the revocation: withheld.
    app.advance(time::Duration::minutes(1));
    let second = id_of(&app.sent_inquiry(&s.employer, &s.code, "notices").await);
    assert_eq!(
        app.answer_inquiry(&s.operator, &second, "negative")
            .await
            .status,
        200
    );
    let res = app
        .post_as(
            &s.employer,
            &format!("/v1/delegations/{delegation}/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(app.deliver_webhooks().failed, 1);
    assert_eq!(receiver.requests().len(), 1, "nothing more left");
    let log = deliveries(app, &agent, &id_of(&created)).await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["last_error"], "withheld: subject no longer visible");
    assert!(log[0]["response_status"].is_null());
    // A withheld delivery is no failure of the receiver.
    let shown = app
        .get_as(&agent, &format!("{SUBSCRIPTIONS}/{}", id_of(&created)))
        .await;
    assert_eq!(shown.json()["consecutive_failures"], 0);
}

#[actix_web::test]
async fn two_workers_at_once_deliver_each_webhook_once() {
    let app = TestApp::new();
    let (token, receiver, created) = employer_subscribed(&app).await;
    let events = 12;
    execute(
        &app,
        &format!(
            "INSERT INTO notification_events (id, event_type, subject_tax_code, recipients, \
             payload, link, created_at) SELECT gen_random_uuid(), 'role_granted', '{tc}', \
             ARRAY['{tc}'], '{{}}'::jsonb, '/v1/me', '2026-03-01T00:00:00Z' \
             FROM generate_series(1, {events})",
            tc = employer().tax_code
        ),
    );
    let res = app
        .post_as(
            &token,
            &format!("{SUBSCRIPTIONS}/{}/replay", id_of(&created)),
            json!({"since": "2026-02-28T00:00:00Z"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["queued"], events);
    let senders = Senders::from_settings(&app.state.settings).expect("senders");
    let barrier = std::sync::Barrier::new(2);
    let db = app.db.as_ref().expect("database");
    let sent: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (senders, barrier, clock) = (&senders, &barrier, &app.clock);
                scope.spawn(move || {
                    let mut conn = db.connect();
                    barrier.wait();
                    // One delivery per claim, so the two interleave.
                    deliver_due(&mut conn, senders.webhooks(), clock, 1)
                        .expect("deliver")
                        .sent
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).sum()
    });
    assert_eq!(sent, 12);
    let mut ids: Vec<String> = receiver
        .requests()
        .iter()
        .filter_map(|r| r.header("webhook-id").map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 12, "each webhook once");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "twelve different events");
}

#[actix_web::test]
async fn a_failed_delivery_can_be_retried_and_events_replayed() {
    let app = TestApp::new();
    let (_, receiver, created) = employer_subscribed(&app).await;
    let id = id_of(&created);
    receiver.answer_next(&[500, 500, 500, 500, 500]);
    app.grant_role(&employer(), "worker").await;
    for _ in 0..5 {
        app.deliver_webhooks();
        app.advance(time::Duration::hours(1));
    }
    let token = app.login(&employer()).await;
    let failed = &deliveries(&app, &token, &id).await[0];
    assert_eq!(
        (&failed["status"], &failed["attempts"]),
        (&json!("failed"), &json!(5))
    );
    let retry = format!("{SUBSCRIPTIONS}/{id}/deliveries/{}/retry", id_of(failed));
    let res = app.call("POST", &retry, Some(&token), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        (&res.json()["status"], &res.json()["attempts"]),
        (&json!("queued"), &json!(0))
    );
    // Queued again: a second retry is a conflict until it is sent, and after.
    app.call("POST", &retry, Some(&token), None)
        .await
        .problem(409);
    assert_eq!(app.deliver_webhooks().sent, 1);
    app.call("POST", &retry, Some(&token), None)
        .await
        .problem(409);
    assert_eq!(receiver.requests().len(), 6);

    // Replay: the events since a time that the subscription takes, delivered again.
    let replay = format!("{SUBSCRIPTIONS}/{id}/replay");
    let res = app
        .post_as(&token, &replay, json!({"since": "2026-03-01T00:00:00Z"}))
        .await;
    assert_eq!(res.json()["queued"], 1);
    assert_eq!(app.deliver_webhooks().sent, 1);
    let got = receiver.requests();
    assert_eq!(got.len(), 7);
    assert_eq!(
        got[6].header("webhook-id"),
        got[0].header("webhook-id"),
        "the same event"
    );
    let future = app
        .post_as(&token, &replay, json!({"since": "2030-01-01T00:00:00Z"}))
        .await;
    assert_eq!(future.problem(422)["errors"][0]["field"], "since");
    assert!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events WHERE action IN \
             ('webhook_subscription.create', 'webhook_delivery.retry', \
              'webhook_subscription.replay') AND outcome = 'success'"
        ) == 3
    );
}

#[actix_web::test]
async fn a_subscription_that_keeps_failing_is_disabled_and_its_owner_notified() {
    let app = TestApp::new();
    let (token, receiver, created) = employer_subscribed(&app).await;
    let id = id_of(&created);
    receiver.answer_always(503);
    // Five events, each failing for good after its attempts.
    for role in ["worker", "client", "intermediary"] {
        app.grant_role(&employer(), role).await;
    }
    let operator = app.login_operator().await;
    for role in ["worker", "client"] {
        let res = app
            .call(
                "DELETE",
                &format!("/v1/persons/{}/roles/{role}", employer().tax_code),
                Some(&operator),
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    execute(
        &app,
        "UPDATE webhook_subscriptions SET event_types = ARRAY['role_granted', 'role_revoked']",
    );
    let res = app
        .post_as(
            &token,
            &format!("{SUBSCRIPTIONS}/{id}/replay"),
            json!({"since": "2026-03-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(res.json()["queued"], 5);
    let mut token = token;
    for _ in 0..6 {
        app.deliver_webhooks();
        token = app.login(&employer()).await;
        let shown = app
            .get_as(&token, &format!("{SUBSCRIPTIONS}/{id}"))
            .await
            .json();
        if shown["status"] == "disabled" {
            break;
        }
        assert_eq!(shown["status"], "active");
        app.advance(time::Duration::hours(1));
    }
    let shown = app
        .get_as(&token, &format!("{SUBSCRIPTIONS}/{id}"))
        .await
        .json();
    assert_eq!(
        (&shown["status"], &shown["consecutive_failures"]),
        (&json!("disabled"), &json!(5))
    );
    assert!(shown["disabled_at"].is_string());
    let notices = app
        .items(
            &token,
            "/v1/notifications?type=webhook_subscription_disabled",
        )
        .await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["payload"]["subscription_id"], id);
    // Disabled: nothing more is queued or sent; replay and retry are conflicts.
    let sent_before = receiver.requests().len();
    app.grant_role(&employer(), "client").await;
    app.advance(time::Duration::hours(1));
    assert_eq!(app.deliver_webhooks().total(), 0);
    let token = app.login(&employer()).await;
    assert_eq!(receiver.requests().len(), sent_before);
    app.post_as(
        &token,
        &format!("{SUBSCRIPTIONS}/{id}/replay"),
        json!({"since": "2026-03-01T00:00:00Z"}),
    )
    .await
    .problem(409);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events WHERE action = 'webhook_subscription.disable'"
        ),
        1
    );
}

#[actix_web::test]
async fn an_https_url_is_sent_over_tls() {
    // A plain-HTTP receiver behind an `https://` URL: the client starts a TLS handshake (the
    // system's OpenSSL), which the receiver cannot answer, so the attempt fails and is retried.
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    let receiver = HttpReceiver::start();
    let url = format!("https://127.0.0.1:{}/receive", receiver.port);
    let res = subscribe(&app, &token, &url, &["role_granted"]).await;
    assert_eq!(res.status, 201, "{}", res.text());
    app.grant_role(&employer(), "worker").await;
    assert_eq!(app.deliver_webhooks().retrying, 1);
    let log = deliveries(&app, &token, &id_of(&res.json())).await;
    assert_eq!(log[0]["status"], "queued");
    assert!(log[0]["response_status"].is_null(), "{}", log[0]);
    assert!(
        receiver
            .requests()
            .iter()
            .all(|r| r.header("webhook-id").is_none()),
        "nothing readable reached the receiver"
    );
}
