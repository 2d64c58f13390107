//! Employments recorded by the back office: a Luhn-checked employment code, operators only,
//! and every invalid field refused by name with nothing stored.

use inps_domain::employment::EmploymentCode;
use inps_tests::TestApp;
use inps_tests::fixtures::{employment, eur, rows, with, worker_tax_code};
use inps_tests::personas::employer;
use serde_json::{Value, json};

#[actix_web::test]
async fn the_operator_records_an_employment_with_a_luhn_checked_code_and_a_location() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let res = app
        .post_as(
            &operator,
            "/v1/employments",
            employment("2026-01-05", "25.00", "10.00"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let code = body["employment_code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 10, "{code}");
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    let parsed = EmploymentCode::parse(&code).expect("a valid Luhn check digit");
    assert_eq!(parsed.as_str(), code);
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/employments/{code}").as_str())
    );
    assert_eq!(body["employer_tax_code"], employer().tax_code);
    assert_eq!(
        body["worker"],
        json!({"tax_code": worker_tax_code(), "given_name": "Anna", "family_name": "Bianchi"})
    );
    assert_eq!(body["employment_type"], "badante");
    assert_eq!(body["start_date"], "2026-01-05");
    assert_eq!(body["end_date"], Value::Null);
    assert_eq!(body["weekly_hours"], "25.00");
    assert_eq!(body["hourly_pay"], eur("10.00"));
    assert_eq!(
        (&body["live_in"], &body["fixed_term"], &body["cuaf"]),
        (&json!(false), &json!(false), &json!(true))
    );
    assert_eq!(rows(&app, "employments"), 1);

    // The stored employment reads back the same.
    let shown = app
        .get_as(&operator, &format!("/v1/employments/{code}"))
        .await;
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(shown.json(), body);

    // A second one gets another valid code.
    let second = app
        .record_employment(&operator, employment("2026-02-02", "10.00", "9.00"))
        .await;
    assert_ne!(second, code);
    assert!(EmploymentCode::parse(&second).is_ok(), "{second}");
}

#[actix_web::test]
async fn only_operators_record_employments() {
    let app = TestApp::new();
    let boss = app.login(&employer()).await;
    let res = app
        .post_as(
            &boss,
            "/v1/employments",
            employment("2026-01-05", "25.00", "10.00"),
        )
        .await;
    res.problem(403);
    assert_eq!(rows(&app, "employments"), 0);
}

#[actix_web::test]
async fn invalid_employment_fields_are_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let base = employment("2026-03-02", "25.00", "10.00");
    let cases = [
        (
            "60 weekly hours",
            with(base.clone(), "/weekly_hours", json!("60")),
            "weekly_hours",
        ),
        (
            "end before start",
            with(base.clone(), "/end_date", json!("2026-03-01")),
            "end_date",
        ),
        (
            "employer tax code with a wrong check character",
            with(
                base.clone(),
                "/employer/tax_code",
                json!("RSSMRA85T10A562X"),
            ),
            "employer.tax_code",
        ),
        (
            "lower-case province",
            with(base.clone(), "/employer_address/province", json!("rm")),
            "employer_address.province",
        ),
    ];
    for (what, body, field) in cases {
        let res = app.post_as(&operator, "/v1/employments", body).await;
        let problem = res.problem(422);
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no errors in {problem}"))
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, [field], "{what}: {problem}");
    }
    assert_eq!(rows(&app, "employments"), 0);
    assert_eq!(rows(&app, "employers"), 0);
}
