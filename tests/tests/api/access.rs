//! The one access rule as seen from outside: a delegate acts only while they hold the
//! `intermediary` role and an active register entry; revoking either ends delegated access at
//! once, in sessions already open. Refused attempts are on record.

use diesel::RunQueryDsl as _;
use inps_tests::TestApp;
use inps_tests::personas::{employer, intermediary};
use serde_json::{Value, json};

fn employment() -> Value {
    let boss = employer();
    json!({
        "employer": {"tax_code": boss.tax_code, "given_name": boss.given_name, "family_name": boss.family_name},
        "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
        "employment_type": "colf", "start_date": "2026-01-05", "weekly_hours": "20.00",
        "hourly_pay": {"amount": "9.50", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
    })
}

/// An employer, an employment and an intermediary reading it under a delegation.
async fn delegated_reader(app: &TestApp) -> (String, String, String) {
    app.register_intermediary(&intermediary()).await;
    let operator = app.login_operator().await;
    let code = app.record_employment(&operator, employment()).await;
    let boss = app.login(&employer()).await;
    let agent = app.login(&intermediary()).await;
    app.delegate_domestic_work(&boss, &agent, &["read", "inquiries"])
        .await;
    let path = format!("/v1/employments/{code}");
    let res = app.get_as(&agent, &path).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    (operator, agent, path)
}

#[actix_web::test]
async fn revoking_the_intermediary_role_ends_delegated_access_in_open_sessions() {
    let app = TestApp::new();
    let (operator, agent, path) = delegated_reader(&app).await;
    let res = app
        .call(
            "DELETE",
            &format!("/v1/persons/{}/roles/intermediary", intermediary().tax_code),
            Some(&operator),
            None,
        )
        .await;
    assert!(
        res.status.is_success(),
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    // The same session, still open: the delegation no longer works.
    app.get_as(&agent, &path).await.problem(404);
    let employer_path = format!("/v1/employers/{}", employer().tax_code);
    app.get_as(&agent, &employer_path).await.problem(404);
}

#[actix_web::test]
async fn deactivating_the_register_entry_ends_delegated_access_in_open_sessions() {
    let app = TestApp::new();
    let (_, agent, path) = delegated_reader(&app).await;
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query("UPDATE intermediaries SET active = false WHERE tax_code = $1")
        .bind::<diesel::sql_types::Text, _>(intermediary().tax_code)
        .execute(&mut conn)
        .expect("deactivate");
    app.get_as(&agent, &path).await.problem(404);
    // Not even the lack of a scope is revealed to a delegate who is no longer qualified.
    let res = app
        .post_multipart(
            &agent,
            &format!("{path}/inquiries"),
            &[("topic", "mav"), ("text", "Domanda")],
            &[],
        )
        .await;
    res.problem(404);
}

#[actix_web::test]
async fn a_refused_read_is_on_record_as_denied() {
    let app = TestApp::new();
    let (operator, _, path) = delegated_reader(&app).await;
    let stranger = app.login(&inps_tests::personas::other_person()).await;
    app.get_as(&stranger, &path).await.problem(404);
    let res = app
        .get_as(
            &operator,
            &format!(
                "/v1/audit-events?limit=200&actor_tax_code={}",
                inps_tests::personas::other_person().tax_code
            ),
        )
        .await;
    assert_eq!(res.status, 200);
    let items: Vec<Value> = res.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["outcome"] == "denied")
        .cloned()
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["action"], "employment.read");
    assert_eq!(items[0]["resource"], path);
    assert_eq!(items[0]["subject_tax_code"], employer().tax_code);
}

#[actix_web::test]
async fn an_operator_only_operation_refused_is_on_record() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    let operator = app.login_operator().await;
    app.post_as(&boss, "/v1/employments", employment())
        .await
        .problem(403);
    let res = app
        .get_as(
            &operator,
            &format!(
                "/v1/audit-events?limit=200&actor_tax_code={}",
                employer().tax_code
            ),
        )
        .await;
    let items: Vec<Value> = res.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["outcome"] == "denied")
        .cloned()
        .collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["resource"], "/v1/employments");
}
