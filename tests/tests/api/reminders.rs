//! Scheduled reminders through the outbox: the parties of a delegation hear a week before its
//! last day that it ends, once, and not at all when it ended or was replaced before; two
//! workers at once write each due reminder once.

use inps_tests::Persona;
use inps_tests::TestApp;
use inps_tests::fixtures::{Parties, count, delegation_terms};
use inps_tests::personas::{employer, intermediary, intermediary2};
use serde_json::Value;
use time::Duration;

/// The expiry reminders in `persona`'s inbox (logging in anew: days have passed).
async fn reminders_of(app: &TestApp, persona: &Persona) -> Vec<Value> {
    let token = app.login(persona).await;
    let res = app
        .get_as(&token, "/v1/notifications?type=delegation_expiring")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().expect("items").clone()
}

fn terms_until(until: &str) -> Value {
    delegation_terms(
        &intermediary().tax_code,
        "domestic_work",
        &["read"],
        "2026-03-02",
        until,
    )
}

#[actix_web::test]
async fn both_parties_hear_a_week_before_the_last_day_once() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let id = app
        .active_delegation(&p.employer, &p.delegate, terms_until("2026-03-20"))
        .await;
    // Not yet: the reminder is due on 13 March (the test starts on 2 March).
    app.advance(Duration::days(10));
    assert_eq!(app.run_reminders(), 0);
    assert!(reminders_of(&app, &employer()).await.is_empty());
    app.advance(Duration::days(1));
    assert_eq!(app.run_reminders(), 1);
    assert_eq!(app.run_reminders(), 0, "once");
    for persona in [employer(), intermediary()] {
        let items = reminders_of(&app, &persona).await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0]["link"], format!("/v1/delegations/{id}"));
    }
}

#[actix_web::test]
async fn a_delegation_revoked_before_its_reminder_gets_none() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let id = app
        .active_delegation(&p.employer, &p.delegate, terms_until("2026-03-20"))
        .await;
    let res = app
        .delegation_action(&p.employer, &id, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.advance(Duration::days(12));
    assert_eq!(app.run_reminders(), 0);
    assert!(reminders_of(&app, &intermediary()).await.is_empty());
}

#[actix_web::test]
async fn a_delegation_of_a_week_or_less_needs_no_reminder() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    app.active_delegation(&p.employer, &p.delegate, terms_until("2026-03-09"))
        .await;
    app.advance(Duration::days(6));
    assert_eq!(app.run_reminders(), 0);
    assert!(reminders_of(&app, &employer()).await.is_empty());
}

#[actix_web::test]
async fn two_workers_at_once_write_each_reminder_once() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    for (delegate, token, service) in [
        (intermediary(), &p.delegate, "domestic_work"),
        (intermediary2(), &p.delegate2, "occasional_work"),
    ] {
        let terms = delegation_terms(
            &delegate.tax_code,
            service,
            &["read"],
            "2026-03-02",
            "2026-03-20",
        );
        app.active_delegation(&p.employer, token, terms).await;
    }
    app.advance(Duration::days(11));
    // One job per claim, so the two interleave.
    let written: usize = app
        .race(2, |conn| {
            inps_api::notifications::reminders::run_due(conn, &app.clock, 1).expect("reminders")
        })
        .into_iter()
        .sum();
    assert_eq!(written, 2, "each job once");
    assert_eq!(app.run_reminders(), 0);
    assert_eq!(reminders_of(&app, &employer()).await.len(), 2);
    for delegate in [intermediary(), intermediary2()] {
        assert_eq!(reminders_of(&app, &delegate).await.len(), 1);
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM notifications WHERE event_type = 'delegation_expiring'"
        ),
        4
    );
}
