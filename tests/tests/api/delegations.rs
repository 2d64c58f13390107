//! Delegations: creation and its refusals, acceptance with the verification code, the domestic
//! work "one active delegation" rule (also under concurrent acceptances), expiry by date, reject
//! and revoke with `If-Match`, and the lists each party sees.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use futures_util::future::join_all;
use inps_tests::personas::{employer, intermediary, intermediary2, other_person};
use inps_tests::{Persona, TestApp, TestResponse};
use serde_json::{Value, json};

const PROBLEMS: &str = "https://inps.example/problems/";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `SELECT count(*) ...` with one text parameter, on the test's own database.
fn count(app: &TestApp, sql: &str, arg: &str) -> i64 {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query(sql)
        .bind::<Text, _>(arg)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

fn active_domestic_of(app: &TestApp, delegator: &str) -> i64 {
    count(
        app,
        "SELECT count(*) AS n FROM delegations WHERE delegator_tax_code = $1 \
         AND service = 'domestic_work' AND status = 'active'",
        delegator,
    )
}

fn delegations_of(app: &TestApp, delegator: &str) -> i64 {
    count(
        app,
        "SELECT count(*) AS n FROM delegations WHERE delegator_tax_code = $1",
        delegator,
    )
}

/// Tokens of the people of a delegation test; both intermediaries are registered.
struct Parties {
    employer: String,
    delegate: String,
    delegate2: String,
    other: String,
}

async fn setup() -> (TestApp, Parties) {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    app.register_intermediary(&intermediary2()).await;
    let parties = Parties {
        employer: app.login(&employer()).await,
        delegate: app.login(&intermediary()).await,
        delegate2: app.login(&intermediary2()).await,
        other: app.login(&other_person()).await,
    };
    // Only a position holder delegates: the employer delegates domestic work as `employer`
    // and occasional work as a `client` of Libretto Famiglia.
    app.grant_role(&employer(), "employer").await;
    app.grant_role(&employer(), "client").await;
    (app, parties)
}

fn terms(delegate: &str, service: &str, scopes: &[&str], from: &str, until: &str) -> Value {
    json!({
        "delegate_tax_code": delegate,
        "service": service,
        "scopes": scopes,
        "valid_from": from,
        "valid_until": until,
    })
}

fn domestic(delegate: &Persona) -> Value {
    terms(
        &delegate.tax_code,
        "domestic_work",
        &["inquiries"],
        "2026-03-02",
        "2027-03-01",
    )
}

fn occasional(delegate: &Persona) -> Value {
    terms(
        &delegate.tax_code,
        "occasional_work",
        &["services", "payments"],
        "2026-03-02",
        "2027-03-01",
    )
}

/// Creates a delegation (asserting 201) and returns `(id, verification_code)`.
async fn create(app: &TestApp, token: &str, body: Value) -> (String, String) {
    let res = app.post_as(token, "/v1/delegations", body).await;
    assert_eq!(
        res.status,
        201,
        "create: {}",
        String::from_utf8_lossy(&res.body)
    );
    let json = res.json();
    (
        json["id"].as_str().expect("id").to_owned(),
        json["verification_code"]
            .as_str()
            .expect("verification_code")
            .to_owned(),
    )
}

async fn accept(app: &TestApp, token: &str, id: &str, code: &str) -> TestResponse {
    app.post_as(
        token,
        &format!("/v1/delegations/{id}/accept"),
        json!({ "verification_code": code }),
    )
    .await
}

/// Creates and accepts a delegation; returns its id.
async fn create_active(app: &TestApp, delegator: &str, delegate: &str, body: Value) -> String {
    let (id, code) = create(app, delegator, body).await;
    let res = accept(app, delegate, &id, &code).await;
    assert_eq!(
        res.status,
        200,
        "accept: {}",
        String::from_utf8_lossy(&res.body)
    );
    id
}

/// `POST /v1/delegations/{id}/{action}` without a body, with an optional `If-Match`.
async fn act(
    app: &TestApp,
    token: &str,
    id: &str,
    action: &str,
    if_match: Option<&str>,
) -> TestResponse {
    let mut req = TestRequest::post()
        .uri(&format!("/v1/delegations/{id}/{action}"))
        .insert_header(("Authorization", format!("Bearer {token}")));
    if let Some(tag) = if_match {
        req = req.insert_header(("If-Match", tag));
    }
    app.send(req).await
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> String {
    let res = app.get_as(token, &format!("/v1/delegations/{id}")).await;
    assert_eq!(
        res.status,
        200,
        "show: {}",
        String::from_utf8_lossy(&res.body)
    );
    res.json()["status"].as_str().expect("status").to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A valid-looking 8-digit code that differs from `code`.
fn wrong(code: &str) -> String {
    let mut digits: Vec<u8> = code.bytes().collect();
    digits[0] = b'0' + (digits[0] - b'0' + 1) % 10;
    String::from_utf8(digits).expect("digits")
}

#[actix_web::test]
async fn a_delegation_to_a_registered_intermediary_is_created_pending_with_read_scope_and_a_code() {
    let (app, p) = setup().await;
    let res = app
        .post_as(&p.employer, "/v1/delegations", domestic(&intermediary()))
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
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
    let (app, p) = setup().await;
    let res = app
        .post_as(&p.employer, "/v1/delegations", domestic(&other_person()))
        .await;
    let body = res.problem(422);
    assert_eq!(body["type"], format!("{PROBLEMS}delegate-not-qualified"));
    assert_eq!(body["errors"][0]["field"], "delegate_tax_code");
    assert_eq!(delegations_of(&app, &employer().tax_code), 0);
}

#[actix_web::test]
async fn invalid_terms_are_refused_naming_the_field_and_nothing_is_stored() {
    let (app, p) = setup().await;
    let delegate = intermediary().tax_code;
    let cases = [
        (
            "valid_from in the past",
            terms(
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
            terms(
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
            terms(
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
            terms(
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
    create(
        &app,
        &p.employer,
        terms(
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
async fn the_delegate_accepts_with_the_right_code_and_the_delegation_becomes_active() {
    let (app, p) = setup().await;
    let (id, code) = create(&app, &p.employer, domestic(&intermediary())).await;
    let res = accept(&app, &p.delegate, &id, &code).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "active");
    assert!(res.json()["activated_at"].is_string());
    assert_eq!(res.header("etag"), Some("\"v2\""));
    assert_eq!(status_of(&app, &p.employer, &id).await, "active");
    assert_eq!(active_domestic_of(&app, &employer().tax_code), 1);
}

#[actix_web::test]
async fn a_wrong_verification_code_is_refused_and_the_delegation_stays_pending() {
    let (app, p) = setup().await;
    let (id, code) = create(&app, &p.employer, domestic(&intermediary())).await;
    let res = accept(&app, &p.delegate, &id, &wrong(&code)).await;
    let body = res.problem(422);
    assert_eq!(body["type"], format!("{PROBLEMS}wrong-verification-code"));
    assert_eq!(body["errors"][0]["field"], "verification_code");
    assert_eq!(status_of(&app, &p.employer, &id).await, "pending");
    assert_eq!(
        count(
            &app,
            "SELECT failed_attempts::bigint AS n FROM delegations WHERE id = $1::uuid",
            &id
        ),
        1
    );
}

#[actix_web::test]
async fn after_five_wrong_codes_the_right_code_is_refused_with_conflict() {
    let (app, p) = setup().await;
    let (id, code) = create(&app, &p.employer, domestic(&intermediary())).await;
    for attempt in 1..=5 {
        let res = accept(&app, &p.delegate, &id, &wrong(&code)).await;
        assert_eq!(res.status, 422, "attempt {attempt}");
    }
    accept(&app, &p.delegate, &id, &code).await.problem(409);
    assert_eq!(status_of(&app, &p.employer, &id).await, "pending");
    assert_eq!(active_domestic_of(&app, &employer().tax_code), 0);

    // Four wrong codes still leave the right one usable.
    let (id, code) = create(&app, &p.employer, domestic(&intermediary2())).await;
    for _ in 0..4 {
        assert_eq!(
            accept(&app, &p.delegate2, &id, &wrong(&code)).await.status,
            422
        );
    }
    let res = accept(&app, &p.delegate2, &id, &code).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "active");
}

#[actix_web::test]
async fn only_the_delegate_accepts_and_a_third_person_cannot_even_see_the_delegation() {
    let (app, p) = setup().await;
    let (id, code) = create(&app, &p.employer, domestic(&intermediary())).await;

    accept(&app, &p.employer, &id, &code).await.problem(403);
    app.get_as(&p.other, &format!("/v1/delegations/{id}"))
        .await
        .problem(404);
    accept(&app, &p.other, &id, &code).await.problem(404);
    // The other intermediary is a stranger to this delegation too.
    accept(&app, &p.delegate2, &id, &code).await.problem(404);

    assert_eq!(status_of(&app, &p.employer, &id).await, "pending");
    assert_eq!(status_of(&app, &p.delegate, &id).await, "pending");
    assert_eq!(
        count(
            &app,
            "SELECT failed_attempts::bigint AS n FROM delegations WHERE id = $1::uuid",
            &id
        ),
        0
    );
}

#[actix_web::test]
async fn accepting_a_second_domestic_work_delegation_revokes_the_first_in_the_same_transaction() {
    let (app, p) = setup().await;
    let first = create_active(&app, &p.employer, &p.delegate, domestic(&intermediary())).await;
    // A new one may be created while the first is active: only activation supersedes.
    let (second, code) = create(&app, &p.employer, domestic(&intermediary2())).await;
    assert_eq!(status_of(&app, &p.employer, &first).await, "active");

    let res = accept(&app, &p.delegate2, &second, &code).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "active");

    assert_eq!(status_of(&app, &p.employer, &first).await, "revoked");
    assert_eq!(status_of(&app, &p.employer, &second).await, "active");
    assert_eq!(active_domestic_of(&app, &employer().tax_code), 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM delegations WHERE id = $1::uuid AND status = 'active'",
            &second
        ),
        1
    );
    assert_eq!(
        count(
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
    let (app, p) = setup().await;
    let first = create_active(&app, &p.employer, &p.delegate, occasional(&intermediary())).await;
    let second = create_active(
        &app,
        &p.employer,
        &p.delegate2,
        occasional(&intermediary2()),
    )
    .await;
    assert_eq!(status_of(&app, &p.employer, &first).await, "active");
    assert_eq!(status_of(&app, &p.employer, &second).await, "active");
    assert_eq!(
        count(
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
    let mut listed = ids(&active.json());
    listed.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(listed, expected);
}

#[actix_web::test]
async fn a_delegation_expires_the_day_after_valid_until_and_then_cannot_be_accepted() {
    let (app, p) = setup().await;
    let body = |delegate: &Persona| {
        terms(
            &delegate.tax_code,
            "occasional_work",
            &["read"],
            "2026-03-02",
            "2026-03-12",
        )
    };
    let active = create_active(&app, &p.employer, &p.delegate, body(&intermediary())).await;
    let (pending, code) = create(&app, &p.employer, body(&intermediary2())).await;
    let listed = app
        .get_as(&p.employer, "/v1/delegations?status=active")
        .await;
    assert_eq!(ids(&listed.json()), vec![active.clone()]);

    // valid_until is the last day in force.
    app.advance(time::Duration::days(10));
    let employer_token = app.login(&employer()).await;
    assert_eq!(status_of(&app, &employer_token, &active).await, "active");

    app.advance(time::Duration::days(1));
    let employer_token = app.login(&employer()).await;
    let delegate2 = app.login(&intermediary2()).await;
    assert_eq!(status_of(&app, &employer_token, &active).await, "expired");
    assert_eq!(status_of(&app, &employer_token, &pending).await, "expired");

    let expired = app
        .get_as(&employer_token, "/v1/delegations?status=expired")
        .await;
    assert_eq!(expired.status, 200);
    let expired = ids(&expired.json());
    assert!(expired.contains(&active), "{expired:?}");
    assert!(expired.contains(&pending), "{expired:?}");
    let still_active = app
        .get_as(&employer_token, "/v1/delegations?status=active")
        .await;
    assert_eq!(still_active.status, 200);
    assert_eq!(still_active.json()["items"], json!([]));

    accept(&app, &delegate2, &pending, &code).await.problem(409);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM delegations WHERE id = $1::uuid AND status = 'pending'",
            &pending
        ),
        1
    );
}

#[actix_web::test]
async fn the_delegate_rejects_a_pending_delegation_and_then_it_is_final() {
    let (app, p) = setup().await;
    let (id, code) = create(&app, &p.employer, occasional(&intermediary())).await;
    act(&app, &p.employer, &id, "reject", None)
        .await
        .problem(403);
    let res = act(&app, &p.delegate, &id, "reject", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "rejected");
    assert!(res.json()["closed_at"].is_string());
    assert_eq!(status_of(&app, &p.employer, &id).await, "rejected");
    accept(&app, &p.delegate, &id, &code).await.problem(409);
    act(&app, &p.employer, &id, "revoke", None)
        .await
        .problem(409);
}

#[actix_web::test]
async fn the_delegator_and_the_delegate_can_each_revoke_an_active_delegation_once() {
    let (app, p) = setup().await;
    let by_delegator =
        create_active(&app, &p.employer, &p.delegate, occasional(&intermediary())).await;
    let by_delegate = create_active(
        &app,
        &p.employer,
        &p.delegate2,
        occasional(&intermediary2()),
    )
    .await;

    let res = act(&app, &p.employer, &by_delegator, "revoke", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "revoked");
    let res = act(&app, &p.delegate2, &by_delegate, "revoke", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "revoked");

    assert_eq!(status_of(&app, &p.delegate, &by_delegator).await, "revoked");
    assert_eq!(status_of(&app, &p.employer, &by_delegate).await, "revoked");
    act(&app, &p.employer, &by_delegator, "revoke", None)
        .await
        .problem(409);
    act(&app, &p.delegate2, &by_delegate, "revoke", None)
        .await
        .problem(409);
    // A stranger cannot revoke.
    let third = create_active(&app, &p.employer, &p.delegate, occasional(&intermediary())).await;
    act(&app, &p.other, &third, "revoke", None)
        .await
        .problem(404);
    assert_eq!(status_of(&app, &p.employer, &third).await, "active");
}

#[actix_web::test]
async fn revoking_with_a_stale_if_match_is_412_and_with_the_current_etag_succeeds() {
    let (app, p) = setup().await;
    let id = create_active(&app, &p.employer, &p.delegate, occasional(&intermediary())).await;
    let shown = app
        .get_as(&p.employer, &format!("/v1/delegations/{id}"))
        .await;
    let etag = shown.header("etag").expect("etag").to_owned();
    assert_eq!(etag, "\"v2\"");

    act(&app, &p.employer, &id, "revoke", Some("\"v1\""))
        .await
        .problem(412);
    assert_eq!(status_of(&app, &p.employer, &id).await, "active");

    let res = act(&app, &p.employer, &id, "revoke", Some(&etag)).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["status"], "revoked");
    assert_eq!(res.header("etag"), Some("\"v3\""));
}

#[actix_web::test]
async fn both_parties_see_the_delegation_in_their_lists_and_a_third_person_sees_none() {
    let (app, p) = setup().await;
    let (older, _) = create(&app, &p.employer, occasional(&intermediary())).await;
    app.advance(time::Duration::minutes(1));
    let (newer, _) = create(&app, &p.employer, occasional(&intermediary2())).await;

    let mine = app.get_as(&p.employer, "/v1/delegations").await;
    assert_eq!(mine.status, 200);
    assert_eq!(ids(&mine.json()), vec![newer.clone(), older.clone()]);
    assert!(mine.json()["next_cursor"].is_null());

    let delegate = app.get_as(&p.delegate, "/v1/delegations").await;
    assert_eq!(ids(&delegate.json()), vec![older.clone()]);
    let delegate2 = app.get_as(&p.delegate2, "/v1/delegations").await;
    assert_eq!(ids(&delegate2.json()), vec![newer.clone()]);

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
    let (app, p) = setup().await;
    let (older, _) = create(&app, &p.employer, occasional(&intermediary())).await;
    app.advance(time::Duration::minutes(1));
    let (newer, _) = create(&app, &p.employer, occasional(&intermediary2())).await;

    let first = app.get_as(&p.employer, "/v1/delegations?limit=1").await;
    assert_eq!(first.status, 200);
    let first = first.json();
    assert_eq!(ids(&first), vec![newer]);
    let cursor = first["next_cursor"].as_str().expect("next_cursor");

    let second = app
        .get_as(
            &p.employer,
            &format!("/v1/delegations?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second.status, 200);
    let second = second.json();
    assert_eq!(ids(&second), vec![older]);
    assert!(second["next_cursor"].is_null(), "{second}");

    for bad in ["0", "201", "-1"] {
        let res = app
            .get_as(&p.employer, &format!("/v1/delegations?limit={bad}"))
            .await;
        let body = res.problem(422);
        assert_eq!(body["errors"][0]["field"], "limit", "limit={bad}");
    }
}

#[actix_web::test]
async fn concurrent_acceptances_never_leave_two_active_domestic_work_delegations() {
    let (app, p) = setup().await;
    let delegator = employer().tax_code;
    for round in 0..10 {
        let (a, code_a) = create(&app, &p.employer, domestic(&intermediary())).await;
        let (b, code_b) = create(&app, &p.employer, domestic(&intermediary2())).await;
        let responses = join_all([
            accept(&app, &p.delegate, &a, &code_a),
            accept(&app, &p.delegate2, &b, &code_b),
        ])
        .await;
        for res in &responses {
            assert!(
                res.status == 200 || res.status == 409,
                "round {round}: {} {}",
                res.status,
                String::from_utf8_lossy(&res.body)
            );
        }
        assert!(
            responses.iter().any(|r| r.status == 200),
            "round {round}: one acceptance wins"
        );
        assert_eq!(
            active_domestic_of(&app, &delegator),
            1,
            "round {round}: exactly one active domestic-work delegation"
        );
        // The survivor is one of this round's pair: the previous round's was superseded.
        let a_active = status_of(&app, &p.employer, &a).await == "active";
        let b_active = status_of(&app, &p.employer, &b).await == "active";
        assert!(a_active ^ b_active, "round {round}");
    }
    assert_eq!(delegations_of(&app, &delegator), 20);
}

#[actix_web::test]
async fn a_delegation_expires_at_midnight_in_italy_not_at_midnight_utc() {
    let (app, p) = setup().await;
    let id = create_active(
        &app,
        &p.employer,
        &p.delegate,
        terms(
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
    assert_eq!(status_of(&app, &token, &id).await, "expired");
}
