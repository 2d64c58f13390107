//! Giving delegations (only to registered intermediaries, on valid terms, pending with a
//! verification code) and the lists each party sees, in pages.

use inps_tests::TestApp;
use inps_tests::fixtures::{
    Parties, delegation_terms, delegations_of, domestic, item_ids, occasional, problem_type,
};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person};
use serde_json::json;

#[actix_web::test]
async fn a_delegation_to_a_registered_intermediary_is_created_pending_with_read_scope_and_a_code() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let res = app
        .post_as(&p.employer, "/v1/delegations", domestic(&intermediary()))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let id = body["id"].as_str().unwrap();
    assert_eq!(body["status"], "pending");
    assert_eq!(body["delegator_tax_code"], employer().tax_code);
    assert_eq!(body["delegate_tax_code"], intermediary().tax_code);
    assert_eq!(body["service"], "domestic_work");
    assert_eq!(body["scopes"], json!(["read", "inquiries"]));
    let code = body["verification_code"].as_str().unwrap();
    assert!(
        code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/delegations/{id}").as_str())
    );
    assert_eq!(delegations_of(&app, &employer().tax_code), 1);

    // The code is shown only in the creation answer.
    let shown = app
        .get_as(&p.employer, &format!("/v1/delegations/{id}"))
        .await;
    assert_eq!(shown.status, 200);
    assert!(shown.json().get("verification_code").is_none());
}

#[actix_web::test]
async fn a_delegation_to_an_unregistered_tax_code_is_refused_as_delegate_not_qualified() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let res = app
        .post_as(&p.employer, "/v1/delegations", domestic(&other_person()))
        .await;
    let body = res.problem(422);
    assert_eq!(body["type"], problem_type("delegate-not-qualified"));
    assert_eq!(body["errors"][0]["field"], "delegate_tax_code");
    assert_eq!(delegations_of(&app, &employer().tax_code), 0);
}

#[actix_web::test]
async fn invalid_terms_are_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let delegate = intermediary().tax_code;
    let cases = [
        (
            "valid_from in the past",
            delegation_terms(
                &delegate,
                "domestic_work",
                &["read"],
                "2026-03-01",
                "2026-12-31",
            ),
            "valid_from",
        ),
        (
            "services scope for domestic work",
            delegation_terms(
                &delegate,
                "domestic_work",
                &["read", "services"],
                "2026-03-02",
                "2026-12-31",
            ),
            "scopes",
        ),
        (
            "occasional work longer than 12 months",
            delegation_terms(
                &delegate,
                "occasional_work",
                &["read"],
                "2026-03-02",
                "2027-03-03",
            ),
            "valid_until",
        ),
        (
            "delegating yourself",
            delegation_terms(
                &employer().tax_code,
                "domestic_work",
                &["read"],
                "2026-03-02",
                "2026-12-31",
            ),
            "delegate_tax_code",
        ),
    ];
    for (case, body, field) in cases {
        let res = app.post_as(&p.employer, "/v1/delegations", body).await;
        assert_eq!(res.status, 422, "{case}");
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{case}: {problem}");
    }
    let list = app.get_as(&p.employer, "/v1/delegations").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["items"], json!([]));
    assert_eq!(delegations_of(&app, &employer().tax_code), 0);

    // Exactly 12 months of occasional work is within the limit.
    app.create_delegation(
        &p.employer,
        delegation_terms(
            &delegate,
            "occasional_work",
            &["read"],
            "2026-03-02",
            "2027-03-02",
        ),
    )
    .await;
}

#[actix_web::test]
async fn both_parties_see_the_delegation_in_their_lists_and_a_third_person_sees_none() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (older, _) = app
        .create_delegation(&p.employer, occasional(&intermediary()))
        .await;
    app.advance(time::Duration::minutes(1));
    let (newer, _) = app
        .create_delegation(&p.employer, occasional(&intermediary2()))
        .await;

    let mine = app.get_as(&p.employer, "/v1/delegations").await;
    assert_eq!(mine.status, 200);
    assert_eq!(item_ids(&mine.json()), vec![newer.clone(), older.clone()]);
    assert!(mine.json()["next_cursor"].is_null());

    let delegate = app.get_as(&p.delegate, "/v1/delegations").await;
    assert_eq!(item_ids(&delegate.json()), vec![older.clone()]);
    let delegate2 = app.get_as(&p.delegate2, "/v1/delegations").await;
    assert_eq!(item_ids(&delegate2.json()), vec![newer.clone()]);

    let other = app.get_as(&p.other, "/v1/delegations").await;
    assert_eq!(other.status, 200);
    assert_eq!(other.json()["items"], json!([]));
    // Asking for someone else's delegations does not widen a non-operator's view.
    let other = app
        .get_as(
            &p.other,
            &format!("/v1/delegations?delegator_tax_code={}", employer().tax_code),
        )
        .await;
    assert_eq!(other.json()["items"], json!([]));
}

#[actix_web::test]
async fn the_delegation_list_pages_with_a_cursor_and_refuses_a_zero_limit() {
    let app = TestApp::new();
    let p = Parties::on(&app).await;
    let (older, _) = app
        .create_delegation(&p.employer, occasional(&intermediary()))
        .await;
    app.advance(time::Duration::minutes(1));
    let (newer, _) = app
        .create_delegation(&p.employer, occasional(&intermediary2()))
        .await;

    let first = app.get_as(&p.employer, "/v1/delegations?limit=1").await;
    assert_eq!(first.status, 200);
    let first = first.json();
    assert_eq!(item_ids(&first), vec![newer]);
    let cursor = first["next_cursor"].as_str().expect("next_cursor");

    let second = app
        .get_as(
            &p.employer,
            &format!("/v1/delegations?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second.status, 200);
    let second = second.json();
    assert_eq!(item_ids(&second), vec![older]);
    assert!(second["next_cursor"].is_null(), "{second}");

    for bad in ["0", "201", "-1"] {
        let res = app
            .get_as(&p.employer, &format!("/v1/delegations?limit={bad}"))
            .await;
        let body = res.problem(422);
        assert_eq!(body["errors"][0]["field"], "limit", "limit={bad}");
    }
}
