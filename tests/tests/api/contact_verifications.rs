//! Verifying contacts through the API, with the real SMTP server and SMS gateway of the harness:
//! the code arrives on the contact, confirming it verifies the contact so the channel can be
//! chosen in the preferences; a wrong code is refused and counted, five spend it; a code lapses
//! after 15 minutes or when the contact changes; the code is never answered or audited; a new
//! code for the same contact waits for the resend interval (429 before it, nothing sent).

use inps_tests::TestApp;
use inps_tests::fixtures::{count, count_with};
use inps_tests::personas::employer;
use inps_tests::sms::SmsGateway;
use inps_tests::smtp::SmtpServer;
use serde_json::{Value, json};
use time::Duration;

const MAIL: &str = "mario.rossi@example.it";
const MOBILE: &str = "+393331234567";

/// An app sending e-mail to `smtp` and SMS to `sms` (when given), and the employer's token, with
/// an e-mail address and a mobile number on file, not verified.
async fn with_contacts(smtp: &SmtpServer, sms: Option<&SmsGateway>) -> (TestApp, String) {
    let mut env = smtp.env();
    env.extend(sms.map(|sms| ("SMS_GATEWAY_URL", sms.url())));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = TestApp::with_env(&env);
    let token = app.login(&employer()).await;
    let res = app
        .put_as(
            &token,
            "/v1/me/contacts",
            json!({"email": MAIL, "mobile": MOBILE}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    (app, token)
}

/// The 8 digits after `marker` in `text`.
fn code_after(text: &str, marker: &str) -> String {
    let (_, rest) = text
        .split_once(marker)
        .unwrap_or_else(|| panic!("{marker}: {text}"));
    rest.chars().take(8).collect()
}

/// Asks for a code by e-mail and reads it from the last message `smtp` received.
async fn mailed_code(app: &TestApp, token: &str, smtp: &SmtpServer) -> String {
    let res = app
        .post_as(
            token,
            "/v1/me/contacts/verifications",
            json!({"channel": "email"}),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text());
    let message = smtp.received().pop().expect("the code's e-mail");
    assert_eq!(message.to, vec![MAIL.to_owned()]);
    let code = code_after(&message.text(), "verification code is ");
    assert!(!res.text().contains(&code), "the code is never answered");
    code
}

async fn confirm(
    app: &TestApp,
    token: &str,
    channel: &str,
    code: &str,
) -> inps_tests::TestResponse {
    app.post_as(
        token,
        "/v1/me/contacts/verifications/confirm",
        json!({"channel": channel, "code": code}),
    )
    .await
}

fn wants_email() -> Value {
    json!({"items": [{"event_type": "inquiry_answered", "channels": ["email"], "frequency": "immediate"}]})
}

#[actix_web::test]
async fn the_mailed_code_verifies_the_address_so_e_mail_can_be_chosen() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    app.put_as(&token, "/v1/me/notification-preferences", wants_email())
        .await
        .problem(422);

    let code = mailed_code(&app, &token, &smtp).await;
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let refused = confirm(&app, &token, "email", wrong).await.problem(422);
    assert_eq!(
        refused["type"],
        "https://inps.example/problems/contact-code-wrong"
    );
    let res = confirm(&app, &token, "email", &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["email_verified"], true, "{}", res.text());
    assert_eq!(res.json()["mobile_verified"], false);
    let res = app
        .put_as(&token, "/v1/me/notification-preferences", wants_email())
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // Used: the same code again finds nothing pending.
    confirm(&app, &token, "email", &code).await.problem(422);
    // Audited, without the code; only its keyed hash is kept.
    let audited = count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE action LIKE 'contacts.verification.%'",
    );
    assert_eq!(audited, 3, "request, wrong try, confirmation");
    let leaked = count_with(
        &app,
        "SELECT count(*) AS n FROM audit_events a WHERE strpos(a::text, $1) > 0",
        &code,
    );
    assert_eq!(leaked, 0);
    // Verified already: nothing to send.
    app.post_as(
        &token,
        "/v1/me/contacts/verifications",
        json!({"channel": "email"}),
    )
    .await
    .problem(409);
}

#[actix_web::test]
async fn the_mobile_number_is_verified_with_the_code_sent_by_sms() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let res = app
        .post_as(
            &token,
            "/v1/me/contacts/verifications",
            json!({"channel": "sms"}),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text());
    let texts = sms.received();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0]["to"], MOBILE);
    let code = code_after(texts[0]["text"].as_str().expect("text"), "verifica ");
    let res = confirm(&app, &token, "sms", &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["mobile_verified"], true);
    // No PEC on file: no code to send.
    app.post_as(
        &token,
        "/v1/me/contacts/verifications",
        json!({"channel": "pec"}),
    )
    .await
    .problem(422);
}

#[actix_web::test]
async fn five_wrong_codes_spend_it_and_a_new_one_works() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let code = mailed_code(&app, &token, &smtp).await;
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for _ in 0..5 {
        confirm(&app, &token, "email", wrong).await.problem(422);
    }
    let spent = confirm(&app, &token, "email", &code).await.problem(409);
    assert_eq!(
        spent["type"],
        "https://inps.example/problems/contact-code-exhausted"
    );
    app.advance(Duration::minutes(1));
    let fresh = mailed_code(&app, &token, &smtp).await;
    let res = confirm(&app, &token, "email", &fresh).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

async fn ask_code(app: &TestApp, token: &str, channel: &str) -> inps_tests::TestResponse {
    app.post_as(
        token,
        "/v1/me/contacts/verifications",
        json!({"channel": channel}),
    )
    .await
}

/// Asserts a `contact-code-too-soon` answer with `Retry-After: seconds`.
fn too_soon(res: &inps_tests::TestResponse, seconds: &str) {
    let problem = res.problem(429);
    assert_eq!(
        problem["type"],
        "https://inps.example/problems/contact-code-too-soon"
    );
    assert_eq!(res.header("retry-after"), Some(seconds), "{problem}");
}

#[actix_web::test]
async fn a_new_code_for_the_same_contact_waits_for_the_resend_interval() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let first = mailed_code(&app, &token, &smtp).await;
    too_soon(&ask_code(&app, &token, "email").await, "60");
    assert_eq!(smtp.received().len(), 1, "the second request sent nothing");
    app.advance(Duration::seconds(30));
    too_soon(&ask_code(&app, &token, "email").await, "30");
    assert_eq!(smtp.received().len(), 1);
    // Another contact of the same person has its own interval.
    assert_eq!(ask_code(&app, &token, "sms").await.status, 202);
    assert_eq!(sms.received().len(), 1);
    // Every refused request is on record, without a code.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_events \
             WHERE action = 'contacts.verification.request' AND outcome = 'refused:too_soon'"
        ),
        2
    );

    app.advance(Duration::seconds(30));
    let second = mailed_code(&app, &token, &smtp).await;
    assert_eq!(smtp.received().len(), 2, "exactly one more mail");
    if second != first {
        confirm(&app, &token, "email", &first).await.problem(422);
    }
    let res = confirm(&app, &token, "email", &second).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn a_refused_resend_changes_nothing_and_concurrent_requests_send_once() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let asks = (0..4).map(|_| ask_code(&app, &token, "sms"));
    let answers = futures_util::future::join_all(asks).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        1,
        "{statuses:?}"
    );
    for refused in answers.iter().filter(|r| r.status == 429) {
        too_soon(refused, "60");
    }
    let texts = sms.received();
    assert_eq!(texts.len(), 1, "one text for four requests: {texts:?}");
    // The code sent first is still the one pending.
    let code = code_after(texts[0]["text"].as_str().expect("text"), "verifica ");
    let res = confirm(&app, &token, "sms", &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn a_code_lapses_after_15_minutes_or_when_the_address_changes() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let code = mailed_code(&app, &token, &smtp).await;
    app.advance(Duration::minutes(15));
    let expired = confirm(&app, &token, "email", &code).await.problem(422);
    assert_eq!(
        expired["type"],
        "https://inps.example/problems/contact-code-expired"
    );

    let code = mailed_code(&app, &token, &smtp).await;
    let res = app
        .put_as(
            &token,
            "/v1/me/contacts",
            json!({"email": "altro@example.it", "mobile": MOBILE}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    confirm(&app, &token, "email", &code).await.problem(422);
}

#[actix_web::test]
async fn two_confirmations_at_once_count_every_wrong_code() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let (app, token) = with_contacts(&smtp, Some(&sms)).await;
    let code = mailed_code(&app, &token, &smtp).await;
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let tries = (0..8).map(|_| confirm(&app, &token, "email", wrong));
    let statuses: Vec<u16> = futures_util::future::join_all(tries)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        3,
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn a_channel_that_cannot_send_keeps_no_code() {
    let smtp = SmtpServer::start();
    let (app, token) = with_contacts(&smtp, None).await;
    // No SMS gateway configured: the channel is not offered.
    let refused = app
        .post_as(
            &token,
            "/v1/me/contacts/verifications",
            json!({"channel": "sms"}),
        )
        .await
        .problem(422);
    assert_eq!(refused["errors"][0]["field"], "channel", "{refused}");
    // The relay refuses the message: 503, and no code is pending.
    smtp.refuse_next("451 4.3.0 try again later");
    app.post_as(
        &token,
        "/v1/me/contacts/verifications",
        json!({"channel": "email"}),
    )
    .await
    .problem(503);
    let none = confirm(&app, &token, "email", "12345678")
        .await
        .problem(422);
    assert_eq!(
        none["type"],
        "https://inps.example/problems/contact-code-expired"
    );
    // Nothing was sent, so no resend interval runs: a new request sends at once.
    mailed_code(&app, &token, &smtp).await;
}
