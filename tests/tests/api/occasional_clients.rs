//! Occasional work: clients are persons (Libretto Famiglia) or businesses acting through their
//! legal representative (PrestO, refused by rule); the representative acts for the business.

use inps_tests::TestApp;
use inps_tests::fixtures::{business_body, problem_type};
use inps_tests::personas::{employer, other_person};
use serde_json::json;

/// A company's numeric tax code (partita IVA) with its check digit.
const COMPANY: &str = "12345678903";

#[actix_web::test]
async fn a_person_is_a_libretto_famiglia_client_visible_to_them_only() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let id = app.person_client(&token, &me).await;
    let path = format!("/v1/clients/{id}");
    let res = app.get_as(&token, &path).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["channel"], "libretto_famiglia");
    assert_eq!(res.json()["kind"], "person");
    let roles = app.get_as(&token, "/v1/me").await.json()["roles"].clone();
    assert!(
        roles.as_array().unwrap().contains(&json!("client")),
        "{roles}"
    );

    let stranger = app.login(&other_person()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);
    let again = json!({"kind": "person", "tax_code": me.tax_code});
    let res = app.record_client(&token, again).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
}

#[actix_web::test]
async fn the_legal_representative_acts_for_the_business() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let body = business_body(COMPANY, &me.tax_code, "56.10.11", "4");
    let res = app.record_client(&token, body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let client = res.json();
    assert_eq!(client["channel"], "presto");
    assert_eq!(client["tax_code"], COMPANY);
    assert_eq!(client["ateco"], "56.10.11");
    assert_eq!(client["employees"], "4");
    let path = format!("/v1/clients/{}", client["id"].as_str().unwrap());
    // The business's data is not the representative's own: only the representation grants it.
    assert_eq!(app.get_as(&token, &path).await.status, 200);
    let stranger = app.login(&other_person()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);
}

#[actix_web::test]
async fn nobody_registers_a_business_for_another_representative() {
    let app = TestApp::new();
    let me = employer();
    app.login(&me).await;
    let stranger = app.login(&other_person()).await;
    let body = business_body(COMPANY, &me.tax_code, "56.10.11", "4");
    assert_eq!(app.record_client(&stranger, body).await.status, 404);
}

#[actix_web::test]
async fn presto_is_refused_naming_the_rule() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let cases = [
        ("56.10.11", "10.5", "presto_employee_threshold"),
        (
            "82.30.00",
            "25.01",
            "presto_listed_sector_employee_threshold",
        ),
        ("41.20.00", "1", "presto_banned_sector"),
        ("01.11.10", "0", "presto_banned_sector"),
    ];
    for (ateco, employees, rule) in cases {
        let res = app
            .record_client(
                &token,
                business_body(COMPANY, &me.tax_code, ateco, employees),
            )
            .await;
        let problem = res.problem(422);
        assert_eq!(
            problem["type"],
            problem_type("presto-not-allowed"),
            "{ateco}"
        );
        assert_eq!(problem["rule"], rule, "{ateco} {employees}");
    }
    // At the thresholds: 10 employees, 25 in a listed sector.
    let res = app
        .record_client(
            &token,
            business_body(COMPANY, &me.tax_code, "82.30.00", "25"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .record_client(
            &token,
            business_body("01234567897", &me.tax_code, "56.10.11", "10"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn a_clients_details_are_checked() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let cases = [
        (
            json!({"kind": "person", "tax_code": me.tax_code, "ateco": "56.10"}),
            "ateco",
        ),
        (
            json!({"kind": "business", "tax_code": COMPANY, "ateco": "56.10", "employees": "1"}),
            "legal_representative",
        ),
        (business_body(COMPANY, &me.tax_code, "5", "1"), "ateco"),
        (
            business_body(COMPANY, &me.tax_code, "56.10", "1e1"),
            "employees",
        ),
        (
            business_body("12345678904", &me.tax_code, "56.10", "1"),
            "tax_code",
        ),
    ];
    for (body, field) in cases {
        let res = app.record_client(&token, body).await;
        assert_eq!(res.problem(422)["errors"][0]["field"], field);
    }
}
