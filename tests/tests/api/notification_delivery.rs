//! The delivery worker (immediate frequency): an answered inquiry's e-mail reaches a real SMTP
//! server on loopback and its delivery shows `sent`; a refused attempt is retried after the
//! backoff and the message arrives exactly once; past the time-to-live nothing is sent; two
//! workers at once send each message once; PEC goes through its relay and SMS through the HTTP
//! gateway; an address no longer verified, a digest preference or a channel with no
//! configuration gets nothing sent.

use inps_domain::notification::{EventType, max_retry_delay};
use inps_tests::TestApp;
use inps_tests::fixtures::{Cassetto, execute, id_of};
use inps_tests::personas::{employer, other_person};
use inps_tests::sms::SmsGateway;
use inps_tests::smtp::SmtpServer;
use serde_json::{Value, json};

pub(crate) const MAIL: &str = "mario.rossi@example.it";
pub(crate) const PEC: &str = "mario.rossi@pec.example.it";
pub(crate) const MOBILE: &str = "+393331234567";

/// The employer of [`Cassetto`] on an app sending e-mail to `smtp` (when given), with a
/// verified e-mail address and a preference for e-mail on answered inquiries.
async fn employer_wanting_email(smtp: Option<&SmtpServer>) -> Cassetto {
    employer_wanting_email_every(smtp, "immediate").await
}

/// As [`employer_wanting_email`], with the preference's `frequency`.
async fn employer_wanting_email_every(smtp: Option<&SmtpServer>, frequency: &str) -> Cassetto {
    let env = smtp.map(SmtpServer::env).unwrap_or_default();
    employer_wanting(&env, json!(["email"]), frequency).await
}

/// The employer of [`Cassetto`] on an app with the settings `env`, with a verified e-mail, PEC
/// and mobile number, wanting answered inquiries on `channels` at `frequency`.
pub(crate) async fn employer_wanting(
    env: &[(&'static str, String)],
    channels: Value,
    frequency: &str,
) -> Cassetto {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let s = Cassetto::on(TestApp::with_env(&env)).await;
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/contacts",
            json!({"email": MAIL, "pec": PEC, "mobile": MOBILE}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    execute(
        &s.app,
        "UPDATE contacts SET email_verified = true, pec_verified = true, mobile_verified = true",
    );
    // The security notice to the new addresses is not what these tests look at.
    execute(&s.app, "DELETE FROM notification_deliveries");
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/notification-preferences",
            json!({"items": [{"event_type": "inquiry_answered", "channels": channels, "frequency": frequency}]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    s
}

/// Sends an inquiry on `topic` and answers it; returns the inquiry's and the employer's
/// notification's ids.
pub(crate) async fn answered(s: &Cassetto, topic: &str) -> (String, String) {
    let id = id_of(&s.app.sent_inquiry(&s.employer, &s.code, topic).await);
    let res = s.app.answer_inquiry(&s.operator, &id, "negative").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let found = s
        .app
        .items(
            &s.employer,
            "/v1/notifications?type=inquiry_answered&limit=200",
        )
        .await;
    let mine = found
        .iter()
        .find(|n| n["link"] == format!("/v1/inquiries/{id}"))
        .expect("the answer's notification");
    (id, mine["id"].as_str().expect("id").to_owned())
}

/// The deliveries of the employer's `notification` (logging in again: the tests move the clock
/// past a session's life).
pub(crate) async fn deliveries(s: &Cassetto, notification: &str) -> Vec<Value> {
    let token = s.app.login(&employer()).await;
    let res = s
        .app
        .get_as(
            &token,
            &format!("/v1/notifications/{notification}/deliveries"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().expect("items").clone()
}

#[actix_web::test]
async fn an_answered_inquiry_is_mailed_once_and_its_delivery_shows_sent() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let (inquiry, notification) = answered(&s, "mav").await;
    let queued = deliveries(&s, &notification).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["channel"], "email");
    assert_eq!(queued[0]["status"], "queued");
    assert_eq!(queued[0]["attempts"], 0);

    let run = s.app.deliver_notifications();
    assert_eq!(run.sent, 1, "{run:?}");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec![MAIL.to_owned()]);
    assert_eq!(received[0].from, "notifiche@inps.example");
    assert!(
        received[0].data.contains(" Mar 2026 "),
        "dated by the app's clock"
    );
    assert!(
        received[0]
            .text()
            .contains(&format!("/v1/inquiries/{inquiry}")),
        "{}",
        received[0].data
    );
    let sent = &deliveries(&s, &notification).await[0];
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["attempts"], 1);
    assert!(sent["sent_at"].is_string(), "{sent}");

    // Sent is sent: nothing more goes out.
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert_eq!(smtp.received().len(), 1);

    // Someone else's notification: 404.
    let other = s.app.login(&other_person()).await;
    s.app
        .get_as(
            &other,
            &format!("/v1/notifications/{notification}/deliveries"),
        )
        .await
        .problem(404);
}

#[actix_web::test]
async fn a_refused_attempt_is_retried_after_the_backoff_and_arrives_once() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let (_, notification) = answered(&s, "mav").await;
    smtp.refuse_next("451 4.3.0 try again later");

    let run = s.app.deliver_notifications();
    assert_eq!(run.retrying, 1, "{run:?}");
    assert!(smtp.received().is_empty());
    let waiting = &deliveries(&s, &notification).await[0];
    assert_eq!(waiting["status"], "queued");
    assert_eq!(waiting["attempts"], 1);
    assert!(
        waiting["last_error"].as_str().unwrap().contains("451"),
        "{waiting}"
    );
    assert!(waiting["next_attempt_at"].is_string(), "{waiting}");

    // Not before the backoff.
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert!(smtp.received().is_empty());

    s.app.advance(max_retry_delay(1));
    assert_eq!(s.app.deliver_notifications().sent, 1);
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert_eq!(smtp.received().len(), 1, "exactly once");
    let sent = &deliveries(&s, &notification).await[0];
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["attempts"], 2);
}

#[actix_web::test]
async fn a_permanent_refusal_or_the_last_attempt_fails_for_good() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let (_, first) = answered(&s, "mav").await;
    smtp.refuse_next("550 5.1.1 no such user");
    assert_eq!(s.app.deliver_notifications().failed, 1);
    assert_eq!(deliveries(&s, &first).await[0]["status"], "failed");

    let (_, second) = answered(&s, "notices").await;
    let attempts = inps_domain::notification::MAX_DELIVERY_ATTEMPTS;
    for failed in 1..=attempts {
        smtp.refuse_next("451 4.3.0 try again later");
        let run = s.app.deliver_notifications();
        assert_eq!(run.total(), 1, "attempt {failed}: {run:?}");
        s.app.advance(max_retry_delay(failed));
    }
    let gave_up = &deliveries(&s, &second).await[0];
    assert_eq!(gave_up["status"], "failed", "{gave_up}");
    assert_eq!(gave_up["attempts"], attempts);
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert!(smtp.received().is_empty());
}

#[actix_web::test]
async fn past_its_time_to_live_a_message_expires_unsent() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let (_, notification) = answered(&s, "mav").await;
    s.app.advance(EventType::InquiryAnswered.delivery_ttl());
    let run = s.app.deliver_notifications();
    assert_eq!(run.expired, 1, "{run:?}");
    assert!(smtp.received().is_empty());
    let expired = &deliveries(&s, &notification).await[0];
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["attempts"], 0);
}

#[actix_web::test]
async fn without_an_smtp_relay_e_mail_stays_queued() {
    let s = employer_wanting_email(None).await;
    let (_, notification) = answered(&s, "mav").await;
    assert_eq!(s.app.deliver_notifications().total(), 0);
    let queued = &deliveries(&s, &notification).await[0];
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["attempts"], 0);
}

#[actix_web::test]
async fn pec_goes_through_its_relay_and_sms_through_the_gateway() {
    let (mail, pec, sms) = (
        SmtpServer::start(),
        SmtpServer::start(),
        SmsGateway::start(),
    );
    let mut env = mail.env();
    env.extend([
        ("PEC_SMTP_HOST", "127.0.0.1".to_owned()),
        ("PEC_SMTP_PORT", pec.port.to_string()),
        ("PEC_SMTP_TLS", "none".to_owned()),
        ("PEC_FROM", "inps@pec.inps.example".to_owned()),
        ("SMS_GATEWAY_URL", sms.url()),
    ]);
    let s = employer_wanting(&env, json!(["pec", "sms"]), "immediate").await;
    let (inquiry, notification) = answered(&s, "mav").await;
    assert_eq!(s.app.deliver_notifications().sent, 2);

    assert!(mail.received().is_empty(), "e-mail was not chosen");
    let certified = pec.received();
    assert_eq!(certified.len(), 1);
    assert_eq!(certified[0].to, vec![PEC.to_owned()]);
    assert_eq!(certified[0].from, "inps@pec.inps.example");
    let texts = sms.received();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0]["to"], MOBILE);
    assert!(
        texts[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/v1/inquiries/{inquiry}"))
    );
    let shown = deliveries(&s, &notification).await;
    let states: Vec<_> = shown
        .iter()
        .map(|d| (d["channel"].clone(), d["status"].clone()))
        .collect();
    assert_eq!(
        states,
        vec![(json!("pec"), json!("sent")), (json!("sms"), json!("sent"))]
    );
}

#[actix_web::test]
async fn an_address_no_longer_verified_gets_nothing() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let (_, notification) = answered(&s, "mav").await;
    execute(&s.app, "UPDATE contacts SET email_verified = false");
    assert_eq!(s.app.deliver_notifications().failed, 1);
    assert!(smtp.received().is_empty());
    let failed = &deliveries(&s, &notification).await[0];
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["last_error"].as_str().unwrap().contains("verified"),
        "{failed}"
    );
}

#[actix_web::test]
async fn a_digest_preference_is_not_mailed_one_by_one() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email_every(Some(&smtp), "daily").await;
    let (_, notification) = answered(&s, "mav").await;
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert!(smtp.received().is_empty());
    assert_eq!(deliveries(&s, &notification).await[0]["status"], "queued");
}

#[actix_web::test]
async fn two_workers_at_once_send_each_message_once() {
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let topics = [
        "mav",
        "registry_data",
        "contributions",
        "employment_status",
        "notices",
    ];
    let mut links = Vec::new();
    for topic in topics {
        links.push(format!("/v1/inquiries/{}", answered(&s, topic).await.0));
    }
    let sent = s.app.deliver_racing(2);
    assert_eq!(sent, topics.len());
    let received = smtp.received();
    assert_eq!(received.len(), topics.len(), "each message once");
    for link in &links {
        let copies = received
            .iter()
            .filter(|m| m.text().contains(link.as_str()))
            .count();
        assert_eq!(copies, 1, "{link}");
    }
}

#[actix_web::test]
async fn a_batch_sent_at_once_records_each_outcome_on_its_own_delivery() {
    // One worker sends a claimed batch on several threads at once: the one message the relay
    // refuses (whichever thread it reached) must be the one left queued, the others sent.
    let smtp = SmtpServer::start();
    let s = employer_wanting_email(Some(&smtp)).await;
    let topics = ["mav", "registry_data", "contributions", "employment_status"];
    let mut answered_ids = Vec::new();
    for topic in topics {
        answered_ids.push(answered(&s, topic).await);
    }
    smtp.refuse_next("451 4.3.0 try again later");

    let run = s.app.deliver_notifications();
    assert_eq!((run.sent, run.retrying), (topics.len() - 1, 1), "{run:?}");
    let received = smtp.received();
    assert_eq!(received.len(), topics.len() - 1);
    for (inquiry, notification) in &answered_ids {
        let delivery = &deliveries(&s, notification).await[0];
        let arrived = received
            .iter()
            .any(|m| m.text().contains(&format!("/v1/inquiries/{inquiry}")));
        let expected = if arrived { "sent" } else { "queued" };
        assert_eq!(delivery["status"], expected, "{delivery}");
        assert_eq!(delivery["attempts"], 1, "{delivery}");
    }
}
