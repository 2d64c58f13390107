//! The end of a delegation: expiry the day after `valid_until` (in Italian civil time),
//! rejection by the delegate, revocation by either side (with `If-Match`).

use inps_tests::fixtures::{Parties, count_with, delegation_terms, item_ids, occasional};
use inps_tests::personas::{employer, intermediary, intermediary2};
use inps_tests::{Persona, TestApp};
use serde_json::json;

#[actix_web::test]
async fn a_delegation_expires_the_day_after_valid_until_and_then_cannot_be_accepted() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let body = |delegate: &Persona| {
        delegation_terms(
            &delegate.tax_code,
            "occasional_work",
            &["read"],
            "2026-03-02",
            "2026-03-12",
        )
    };
    let active = app
        .active_delegation(&p.employer, &p.delegate, body(&intermediary()))
        .await;
    let (pending, code) = app
        .create_delegation(&p.employer, body(&intermediary2()))
        .await;
    let listed = app
        .get_as(&p.employer, "/v1/delegations?status=active")
        .await;
    assert_eq!(item_ids(&listed.json()), vec![active.clone()]);

    // valid_until is the last day in force.
    app.advance(time::Duration::days(10));
    let employer_token = app.login(&employer()).await;
    assert_eq!(
        app.delegation_status(&employer_token, &active).await,
        "active"
    );

    app.advance(time::Duration::days(1));
    let employer_token = app.login(&employer()).await;
    let delegate2 = app.login(&intermediary2()).await;
    assert_eq!(
        app.delegation_status(&employer_token, &active).await,
        "expired"
    );
    assert_eq!(
        app.delegation_status(&employer_token, &pending).await,
        "expired"
    );

    let expired = app
        .get_as(&employer_token, "/v1/delegations?status=expired")
        .await;
    assert_eq!(expired.status, 200);
    // Both were created at the same instant: their order is the ids'.
    let mut expired = item_ids(&expired.json());
    expired.sort();
    let mut both = [pending.clone(), active.clone()];
    both.sort();
    assert_eq!(expired, both);
    let still_active = app
        .get_as(&employer_token, "/v1/delegations?status=active")
        .await;
    assert_eq!(still_active.status, 200);
    assert_eq!(still_active.json()["items"], json!([]));

    app.accept_delegation(&delegate2, &pending, &code)
        .await
        .problem(409);
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM delegations WHERE id = $1::uuid AND status = 'pending'",
            &pending
        ),
        1
    );
}

#[actix_web::test]
async fn a_delegation_expires_at_midnight_in_italy_not_at_midnight_utc() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let id = app
        .active_delegation(
            &p.employer,
            &p.delegate,
            delegation_terms(
                &intermediary().tax_code,
                "occasional_work",
                &["read"],
                "2026-03-02",
                "2026-03-12",
            ),
        )
        .await;
    // 2026-03-12 23:30 UTC is 2026-03-13 00:30 in Rome (CET, UTC+1): the last day is over.
    app.advance(time::Duration::days(10) + time::Duration::minutes(14 * 60 + 30));
    let token = app.login(&employer()).await;
    assert_eq!(app.delegation_status(&token, &id).await, "expired");
}

#[actix_web::test]
async fn the_delegate_rejects_a_pending_delegation_and_then_it_is_final() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, occasional(&intermediary()))
        .await;
    app.delegation_action(&p.employer, &id, "reject", None)
        .await
        .problem(403);
    let res = app
        .delegation_action(&p.delegate, &id, "reject", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "rejected");
    assert_eq!(res.json()["closed_at"], "2026-03-02T09:00:00Z");
    assert_eq!(app.delegation_status(&p.employer, &id).await, "rejected");
    app.accept_delegation(&p.delegate, &id, &code)
        .await
        .problem(409);
    app.delegation_action(&p.employer, &id, "revoke", None)
        .await
        .problem(409);
}

#[actix_web::test]
async fn the_delegator_and_the_delegate_can_each_revoke_an_active_delegation_once() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let by_delegator = app
        .active_delegation(&p.employer, &p.delegate, occasional(&intermediary()))
        .await;
    let by_delegate = app
        .active_delegation(&p.employer, &p.delegate2, occasional(&intermediary2()))
        .await;

    let res = app
        .delegation_action(&p.employer, &by_delegator, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "revoked");
    let res = app
        .delegation_action(&p.delegate2, &by_delegate, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "revoked");

    assert_eq!(
        app.delegation_status(&p.delegate, &by_delegator).await,
        "revoked"
    );
    assert_eq!(
        app.delegation_status(&p.employer, &by_delegate).await,
        "revoked"
    );
    app.delegation_action(&p.employer, &by_delegator, "revoke", None)
        .await
        .problem(409);
    app.delegation_action(&p.delegate2, &by_delegate, "revoke", None)
        .await
        .problem(409);
    // A stranger cannot revoke.
    let third = app
        .active_delegation(&p.employer, &p.delegate, occasional(&intermediary()))
        .await;
    app.delegation_action(&p.other, &third, "revoke", None)
        .await
        .problem(404);
    assert_eq!(app.delegation_status(&p.employer, &third).await, "active");
}

#[actix_web::test]
async fn revoking_with_a_stale_if_match_is_412_and_with_the_current_etag_succeeds() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let id = app
        .active_delegation(&p.employer, &p.delegate, occasional(&intermediary()))
        .await;
    let shown = app
        .get_as(&p.employer, &format!("/v1/delegations/{id}"))
        .await;
    let etag = shown.header("etag").expect("etag").to_owned();
    assert_eq!(etag, "\"v2\"");

    app.delegation_action(&p.employer, &id, "revoke", Some("\"v1\""))
        .await
        .problem(412);
    assert_eq!(app.delegation_status(&p.employer, &id).await, "active");

    let res = app
        .delegation_action(&p.employer, &id, "revoke", Some(&etag))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "revoked");
    assert_eq!(res.header("etag"), Some("\"v3\""));
}
