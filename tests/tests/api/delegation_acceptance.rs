//! Accepting a delegation: only the delegate, with the right verification code (five wrong
//! ones lock it); for domestic work one active delegation per employer, also under concurrent
//! acceptances; occasional work allows several.

use futures_util::future::join_all;
use inps_tests::TestApp;
use inps_tests::fixtures::{
    Parties, active_domestic_delegations, count_with, delegations_of, domestic, item_ids,
    occasional, problem_type, wrong_code,
};
use inps_tests::personas::{employer, intermediary, intermediary2};

/// The wrong codes tried on delegation `id`.
fn failed_attempts(app: &TestApp, id: &str) -> i64 {
    count_with(
        app,
        "SELECT failed_attempts::bigint AS n FROM delegations WHERE id = $1::uuid",
        id,
    )
}

#[actix_web::test]
async fn the_delegate_accepts_with_the_right_code_and_the_delegation_becomes_active() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;
    let res = app.accept_delegation(&p.delegate, &id, &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    assert_eq!(res.json()["activated_at"], "2026-03-02T09:00:00Z");
    assert_eq!(res.header("etag"), Some("\"v2\""));
    assert_eq!(app.delegation_status(&p.employer, &id).await, "active");
    assert_eq!(active_domestic_delegations(&app, &employer().tax_code), 1);
}

#[actix_web::test]
async fn a_wrong_verification_code_is_refused_and_the_delegation_stays_pending() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;
    let res = app
        .accept_delegation(&p.delegate, &id, &wrong_code(&code))
        .await;
    let body = res.problem(422);
    assert_eq!(body["type"], problem_type("wrong-verification-code"));
    assert_eq!(body["errors"][0]["field"], "verification_code");
    assert_eq!(app.delegation_status(&p.employer, &id).await, "pending");
    assert_eq!(failed_attempts(&app, &id), 1);
}

#[actix_web::test]
async fn after_five_wrong_codes_the_right_code_is_refused_with_conflict() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;
    for attempt in 1..=5 {
        let res = app
            .accept_delegation(&p.delegate, &id, &wrong_code(&code))
            .await;
        assert_eq!(res.status, 422, "attempt {attempt}");
    }
    app.accept_delegation(&p.delegate, &id, &code)
        .await
        .problem(409);
    assert_eq!(app.delegation_status(&p.employer, &id).await, "pending");
    assert_eq!(active_domestic_delegations(&app, &employer().tax_code), 0);

    // Four wrong codes still leave the right one usable.
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary2()))
        .await;
    for _ in 0..4 {
        assert_eq!(
            app.accept_delegation(&p.delegate2, &id, &wrong_code(&code))
                .await
                .status,
            422
        );
    }
    let res = app.accept_delegation(&p.delegate2, &id, &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
}

#[actix_web::test]
async fn only_the_delegate_accepts_and_a_third_person_cannot_even_see_the_delegation() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (id, code) = app
        .create_delegation(&p.employer, domestic(&intermediary()))
        .await;

    app.accept_delegation(&p.employer, &id, &code)
        .await
        .problem(403);
    app.get_as(&p.other, &format!("/v1/delegations/{id}"))
        .await
        .problem(404);
    app.accept_delegation(&p.other, &id, &code)
        .await
        .problem(404);
    // The other intermediary is a stranger to this delegation too.
    app.accept_delegation(&p.delegate2, &id, &code)
        .await
        .problem(404);

    assert_eq!(app.delegation_status(&p.employer, &id).await, "pending");
    assert_eq!(app.delegation_status(&p.delegate, &id).await, "pending");
    assert_eq!(failed_attempts(&app, &id), 0);
}

#[actix_web::test]
async fn accepting_a_second_domestic_work_delegation_revokes_the_first_in_the_same_transaction() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let first = app
        .active_delegation(&p.employer, &p.delegate, domestic(&intermediary()))
        .await;
    // A new one may be created while the first is active: only activation supersedes.
    let (second, code) = app
        .create_delegation(&p.employer, domestic(&intermediary2()))
        .await;
    assert_eq!(app.delegation_status(&p.employer, &first).await, "active");

    let res = app.accept_delegation(&p.delegate2, &second, &code).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");

    assert_eq!(app.delegation_status(&p.employer, &first).await, "revoked");
    assert_eq!(app.delegation_status(&p.employer, &second).await, "active");
    assert_eq!(active_domestic_delegations(&app, &employer().tax_code), 1);
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM delegations WHERE id = $1::uuid AND status = 'active'",
            &second
        ),
        1
    );
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM audit_events WHERE action = 'delegation.revoke' \
             AND outcome = 'success:superseded' AND resource = $1",
            &format!("/v1/delegations/{first}")
        ),
        1
    );
}

#[actix_web::test]
async fn occasional_work_allows_two_active_delegations_at_once() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let first = app
        .active_delegation(&p.employer, &p.delegate, occasional(&intermediary()))
        .await;
    let second = app
        .active_delegation(&p.employer, &p.delegate2, occasional(&intermediary2()))
        .await;
    assert_eq!(app.delegation_status(&p.employer, &first).await, "active");
    assert_eq!(app.delegation_status(&p.employer, &second).await, "active");
    assert_eq!(
        count_with(
            &app,
            "SELECT count(*) AS n FROM delegations WHERE delegator_tax_code = $1 \
             AND service = 'occasional_work' AND status = 'active'",
            &employer().tax_code
        ),
        2
    );
    let active = app
        .get_as(&p.employer, "/v1/delegations?status=active")
        .await;
    assert_eq!(active.status, 200);
    let mut listed = item_ids(&active.json());
    listed.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(listed, expected);
}

#[actix_web::test]
async fn concurrent_acceptances_never_leave_two_active_domestic_work_delegations() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let delegator = employer().tax_code;
    for round in 0..10 {
        let (a, code_a) = app
            .create_delegation(&p.employer, domestic(&intermediary()))
            .await;
        let (b, code_b) = app
            .create_delegation(&p.employer, domestic(&intermediary2()))
            .await;
        let responses = join_all([
            app.accept_delegation(&p.delegate, &a, &code_a),
            app.accept_delegation(&p.delegate2, &b, &code_b),
        ])
        .await;
        assert_eq!(
            active_domestic_delegations(&app, &delegator),
            1,
            "round {round}: exactly one active domestic-work delegation"
        );
        // Each acceptance's answer matches what became of its delegation: the survivor (one of
        // this round's pair: the previous round's was superseded) was accepted; the other was
        // accepted and then superseded (200, revoked) or lost the race (409, still pending).
        let mut survivors = 0;
        for (id, res) in [&a, &b].into_iter().zip(&responses) {
            let status = app.delegation_status(&p.employer, id).await;
            let outcome = (res.status.as_u16(), status.as_str());
            assert!(
                matches!(outcome, (200, "active" | "revoked") | (409, "pending")),
                "round {round}: answered {} and now {status}: {}",
                res.status,
                res.text()
            );
            survivors += usize::from(status == "active");
        }
        assert_eq!(survivors, 1, "round {round}");
    }
    assert_eq!(delegations_of(&app, &delegator), 20);
}
