//! Digests and the security notice through the real SMTP server and SMS gateway of the harness:
//! a `daily` person's events of one Italian day arrive as one e-mail at 08:00 Rome time the
//! next morning, a `weekly` person's of one week on the Monday after, an immediate type in
//! between goes at once; a digest that cannot be sent is retried after the backoff as one
//! message, and expires unsent past its time-to-live; two workers at once send each digest
//! once. A change of contacts warns the previous and the new address at once.

use inps_domain::notification::{EventType, max_retry_delay};
use inps_tests::fixtures::{Cassetto, execute};
use inps_tests::personas::employer;
use inps_tests::sms::SmsGateway;
use inps_tests::smtp::{Received, SmtpServer};
use serde_json::{Value, json};
use time::Duration;

use crate::notification_delivery::{MAIL, MOBILE, answered, deliveries, employer_wanting};

/// The test starts on Monday 2 March 2026 at 09:00 UTC (10:00 in Rome, winter time); the
/// daily digest of that day is due at 08:00 Rome time on Tuesday 3 March, 07:00 UTC.
const UNTIL_TUESDAY_MORNING: Duration = Duration::minutes(22 * 60);

/// The employer of [`Cassetto`] mailing to `smtp`, wanting answered inquiries by e-mail at
/// `frequency`.
async fn employer_every(smtp: &SmtpServer, frequency: &str) -> Cassetto {
    employer_wanting(&smtp.env(), json!(["email"]), frequency).await
}

/// `s` with its tokens renewed (the tests move the clock past a session's life).
async fn renewed(s: Cassetto) -> Cassetto {
    Cassetto {
        operator: s.app.login_operator().await,
        employer: s.app.login(&employer()).await,
        ..s
    }
}

/// Answers an inquiry on each of `topics`; returns their links.
async fn answer_each(s: &Cassetto, topics: &[&str]) -> Vec<String> {
    let mut links = Vec::new();
    for topic in topics {
        links.push(format!("/v1/inquiries/{}", answered(s, topic).await.0));
    }
    links
}

fn lists_each(message: &Received, links: &[String]) {
    let text = message.text();
    for link in links {
        assert_eq!(text.matches(link.as_str()).count(), 1, "{link}: {text}");
    }
}

#[actix_web::test]
async fn a_daily_persons_events_of_a_day_arrive_as_one_e_mail_the_next_morning() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "daily").await;
    let links = answer_each(&s, &["mav", "registry_data", "contributions"]).await;

    s.app.advance(UNTIL_TUESDAY_MORNING - Duration::minutes(1));
    assert_eq!(s.app.deliver_notifications().total(), 0, "not before 08:00");
    assert!(smtp.received().is_empty());

    s.app.advance(Duration::minutes(1));
    let run = s.app.deliver_notifications();
    assert_eq!(run.sent, 3, "{run:?}");
    let received = smtp.received();
    assert_eq!(received.len(), 1, "one e-mail for the three");
    assert_eq!(received[0].to, vec![MAIL.to_owned()]);
    assert!(
        received[0].text().contains("Daily digest (3)"),
        "{}",
        received[0].data
    );
    lists_each(&received[0], &links);
    assert_eq!(s.app.deliver_notifications().total(), 0, "sent once");
    assert_eq!(smtp.received().len(), 1);
    let s = renewed(s).await;
    let (_, later) = answered(&s, "notices").await;
    assert_eq!(deliveries(&s, &later).await[0]["status"], "queued");
}

#[actix_web::test]
async fn a_weekly_digest_groups_a_monday_to_sunday_week() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "weekly").await;
    let mut links = answer_each(&s, &["mav"]).await;
    // Thursday, then Sunday 8 March at 23:30 Rome time (22:30 UTC): still the same week.
    s.app.advance(Duration::days(3));
    let s = renewed(s).await;
    links.extend(answer_each(&s, &["registry_data"]).await);
    s.app
        .advance(Duration::days(3) + Duration::minutes(13 * 60 + 30));
    let s = renewed(s).await;
    links.extend(answer_each(&s, &["contributions"]).await);
    // Daily would have gone out by now; weekly waits for Monday 9 March, 08:00 in Rome.
    s.app.advance(Duration::minutes(8 * 60 + 29));
    assert_eq!(s.app.deliver_notifications().total(), 0);
    assert!(smtp.received().is_empty());
    s.app.advance(Duration::minutes(1));
    assert_eq!(s.app.deliver_notifications().sent, 3);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].text().contains("Weekly digest (3)"),
        "{}",
        received[0].data
    );
    lists_each(&received[0], &links);
}

#[actix_web::test]
async fn an_immediate_type_in_between_goes_at_once() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "daily").await;
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/notification-preferences",
            json!({"items": [
                {"event_type": "inquiry_answered", "channels": ["email"], "frequency": "daily"},
                {"event_type": "role_granted", "channels": ["email"], "frequency": "immediate"},
            ]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let mut links = answer_each(&s, &["mav"]).await;
    s.app.grant_role(&employer(), "client").await;
    links.extend(answer_each(&s, &["registry_data"]).await);

    assert_eq!(s.app.deliver_notifications().sent, 1, "the role, at once");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].text().contains("granted a role"),
        "{}",
        received[0].data
    );

    s.app.advance(UNTIL_TUESDAY_MORNING);
    assert_eq!(s.app.deliver_notifications().sent, 2);
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    assert!(received[1].text().contains("Daily digest (2)"));
    lists_each(&received[1], &links);
}

#[actix_web::test]
async fn a_refused_digest_is_retried_after_the_backoff_as_one_message() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "daily").await;
    let (_, first) = answered(&s, "mav").await;
    answered(&s, "registry_data").await;
    s.app.advance(UNTIL_TUESDAY_MORNING);
    smtp.refuse_next("451 4.3.0 try again later");
    let run = s.app.deliver_notifications();
    assert_eq!(run.retrying, 2, "{run:?}");
    let waiting = &deliveries(&s, &first).await[0];
    assert_eq!(waiting["status"], "queued");
    assert_eq!(waiting["attempts"], 1);
    assert!(
        waiting["last_error"].as_str().unwrap().contains("451"),
        "{waiting}"
    );

    assert_eq!(
        s.app.deliver_notifications().total(),
        0,
        "not before the backoff"
    );
    s.app.advance(max_retry_delay(1));
    assert_eq!(s.app.deliver_notifications().sent, 2);
    let received = smtp.received();
    assert_eq!(received.len(), 1, "one message, once");
    assert!(received[0].text().contains("Daily digest (2)"));
    let sent = &deliveries(&s, &first).await[0];
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["attempts"], 2);

    // A permanent refusal fails the next digest for good.
    let s = renewed(s).await;
    let (_, next) = answered(&s, "contributions").await;
    s.app.advance(Duration::days(1));
    smtp.refuse_next("550 5.1.1 no such user");
    assert_eq!(s.app.deliver_notifications().failed, 1);
    assert_eq!(deliveries(&s, &next).await[0]["status"], "failed");
}

#[actix_web::test]
async fn a_digest_expires_unsent_past_its_time_to_live_after_it_was_due() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "daily").await;
    let (_, notification) = answered(&s, "mav").await;
    // The time-to-live counts from when the digest is due, not from the event.
    s.app.advance(EventType::InquiryAnswered.delivery_ttl());
    let not_yet = deliveries(&s, &notification).await;
    assert_eq!(not_yet[0]["status"], "queued");
    s.app.advance(UNTIL_TUESDAY_MORNING);
    let run = s.app.deliver_notifications();
    assert_eq!(run.expired, 1, "{run:?}");
    assert!(smtp.received().is_empty());
    let expired = &deliveries(&s, &notification).await[0];
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["attempts"], 0);
}

#[actix_web::test]
async fn two_workers_at_once_send_each_digest_once() {
    let smtp = SmtpServer::start();
    let s = employer_every(&smtp, "daily").await;
    let links = answer_each(&s, &["mav", "registry_data", "contributions"]).await;
    s.app.advance(UNTIL_TUESDAY_MORNING);
    let sent = s.app.deliver_racing(2);
    assert_eq!(sent, links.len(), "each grouped delivery recorded once");
    let received = smtp.received();
    assert_eq!(received.len(), 1, "one digest, once");
    lists_each(&received[0], &links);
}

/// The messages `smtp` received for `address`.
fn to(smtp: &SmtpServer, address: &str) -> Vec<Received> {
    smtp.received()
        .into_iter()
        .filter(|m| m.to == vec![address.to_owned()])
        .collect()
}

#[actix_web::test]
async fn a_new_e_mail_address_warns_the_old_and_the_new_one_at_once() {
    let smtp = SmtpServer::start();
    let s = employer_wanting(&smtp.env(), json!(["email"]), "daily").await;
    s.app.advance(Duration::minutes(1));
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/contacts",
            json!({"email": "nuovo@example.it", "pec": crate::notification_delivery::PEC, "mobile": MOBILE}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(s.app.deliver_notifications().sent, 2);
    for address in [MAIL, "nuovo@example.it"] {
        let got = to(&smtp, address);
        assert_eq!(got.len(), 1, "{address}: {:?}", smtp.received());
        let text = got[0].text();
        let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        assert!(body.contains("Your contacts changed"), "{text}");
        assert!(
            !body.contains("nuovo@example.it") && !body.contains(MAIL),
            "the notice names no address: {text}"
        );
    }
    let notice = notice_deliveries(&s).await;
    assert_eq!(notice.len(), 2, "{notice:?}");
    assert!(
        notice
            .iter()
            .all(|d| d["channel"] == "email" && d["status"] == "sent")
    );
    assert_eq!(s.app.deliver_notifications().total(), 0, "once");
}

/// The deliveries of the employer's latest `contacts_changed` notification.
async fn notice_deliveries(s: &Cassetto) -> Vec<Value> {
    let items = s
        .app
        .items(&s.employer, "/v1/notifications?type=contacts_changed")
        .await;
    let id = items[0]["id"].as_str().expect("id");
    deliveries(s, id).await
}

#[actix_web::test]
async fn a_new_mobile_number_warns_the_old_and_the_new_one_by_sms() {
    let (smtp, sms) = (SmtpServer::start(), SmsGateway::start());
    let mut env = smtp.env();
    env.push(("SMS_GATEWAY_URL", sms.url()));
    let s = employer_wanting(&env, json!(["email"]), "immediate").await;
    // The notice by e-mail in a daily digest: a security notice goes at once all the same.
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/notification-preferences",
            json!({"items": [
                {"event_type": "contacts_changed", "channels": ["email"], "frequency": "daily"},
            ]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    s.app.advance(Duration::minutes(1));
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/contacts",
            json!({"email": MAIL, "pec": crate::notification_delivery::PEC, "mobile": "+393339999999"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(s.app.deliver_notifications().sent, 3);
    let texts = sms.received();
    let mut numbers: Vec<_> = texts.iter().map(|t| t["to"].clone()).collect();
    numbers.sort_by_key(|n| n.to_string());
    assert_eq!(
        numbers,
        vec![json!(MOBILE), json!("+393339999999")],
        "{texts:?}"
    );
    assert_eq!(to(&smtp, MAIL).len(), 1, "the preferred e-mail, at once");
    assert_eq!(notice_deliveries(&s).await.len(), 3);
}

#[actix_web::test]
async fn an_unverified_previous_address_is_not_warned() {
    let smtp = SmtpServer::start();
    let s = employer_wanting(&smtp.env(), json!(["email"]), "immediate").await;
    execute(&s.app, "UPDATE contacts SET email_verified = false");
    let res = s
        .app
        .put_as(
            &s.employer,
            "/v1/me/contacts",
            json!({"email": "nuovo@example.it"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    s.app.deliver_notifications();
    assert!(to(&smtp, MAIL).is_empty(), "{:?}", smtp.received());
    assert_eq!(to(&smtp, "nuovo@example.it").len(), 1);
}
