//! The cassetto's input rules at the edge, each a fix with its test: dates within a plausible
//! range, names and texts trimmed and never blank, patterned decimal strings accepted exactly as
//! documented, the duplicate pagoPA notice answered through the problem registry, and the
//! eligibility filter of inquiries applied before paging.

use diesel::prelude::*;
use diesel::sql_types::Text;
use inps_api::clock::Clock as _;
use inps_api::problems::Problem;
use inps_api::refusal::on_constraint;
use inps_tests::TestApp;
use inps_tests::personas::{employer, with_check_char};
use serde_json::{Value, json};
use time::macros::datetime;

use inps_tests::fixtures::{count, employment, rows, with};

const PROBLEMS: &str = "https://inps.example/problems/";

/// The fields a 422 names.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"))
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect()
}

async fn refused_fields(app: &TestApp, token: &str, body: Value) -> Vec<String> {
    let res = app.post_as(token, "/v1/employments", body).await;
    fields(&res.problem(422))
}

// --- Dates ------------------------------------------------------------------------------

#[actix_web::test]
async fn employment_dates_before_1900_or_more_than_a_year_ahead_are_refused_naming_the_field() {
    let app = TestApp::new();
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let base = employment("2026-01-05", "25.00", "10.00");
    for (start, end, field) in [
        ("-0001-01-01", None, "start_date"),
        ("1899-12-31", None, "start_date"),
        ("2027-05-05", None, "start_date"),
        ("2026-01-05", Some("9999-12-31"), "end_date"),
        ("2026-01-05", Some("2027-05-05"), "end_date"),
    ] {
        let mut body = with(base.clone(), "/start_date", json!(start));
        if let Some(end) = end {
            body = with(body, "/end_date", json!(end));
        }
        assert_eq!(
            refused_fields(&app, &operator, body).await,
            [field],
            "{start} {end:?}"
        );
    }
    assert_eq!(rows(&app, "employments"), 0);
    // The bounds themselves are plausible.
    let body = with(
        with(base, "/start_date", json!("1900-01-01")),
        "/end_date",
        json!("2027-05-04"),
    );
    app.record_employment(&operator, body).await;
}

#[actix_web::test]
async fn contribution_filters_outside_the_plausible_range_are_refused_naming_the_field() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    for (query, field) in [
        ("?from=0001-Q1", "from"),
        ("?from=1899-Q4", "from"),
        ("?to=9999-Q4", "to"),
        ("?from=2026-Q1&to=2028-Q1", "to"),
    ] {
        let res = app
            .get_as(
                &operator,
                &format!("/v1/employments/{code}/contributions{query}"),
            )
            .await;
        assert_eq!(fields(&res.problem(422)), [field], "{query}");
    }
    let res = app
        .get_as(
            &operator,
            &format!("/v1/employments/{code}/contributions?from=1900-Q1&to=2027-Q1"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn payment_dates_outside_the_quarter_or_after_today_are_refused_naming_paid_on() {
    let app = TestApp::new();
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "20.00", "10.00"))
        .await;
    for paid_on in ["0001-01-01", "2025-12-31", "2026-05-05", "9999-12-31"] {
        let res = app
            .pay(
                &operator,
                &code,
                "2026-Q1",
                "301000000000000011",
                paid_on,
                "10.00",
            )
            .await;
        assert_eq!(fields(&res.problem(422)), ["paid_on"], "{paid_on}");
    }
}

// --- Texts ------------------------------------------------------------------------------

#[actix_web::test]
async fn whitespace_only_names_and_address_fields_are_refused_not_stored_empty() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let base = employment("2026-01-05", "25.00", "10.00");
    for (pointer, field) in [
        ("/employer/given_name", "employer.given_name"),
        ("/employer/family_name", "employer.family_name"),
        ("/worker/given_name", "worker.given_name"),
        ("/worker/family_name", "worker.family_name"),
        ("/employer_address/street", "employer_address.street"),
        (
            "/employer_address/municipality",
            "employer_address.municipality",
        ),
    ] {
        let body = with(base.clone(), pointer, json!("  \t "));
        assert_eq!(
            refused_fields(&app, &operator, body).await,
            [field],
            "{pointer}"
        );
    }
    assert_eq!(rows(&app, "employments"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM employers"), 0);

    // Surrounding spaces are trimmed before storing.
    let body = with(base, "/employer_address/street", json!("  Via Roma 1  "));
    app.record_employment(&operator, body).await;
    let shown = app
        .get_as(&operator, &format!("/v1/employers/{}", employer().tax_code))
        .await
        .json();
    assert_eq!(shown["address"]["street"], "Via Roma 1");
}

#[actix_web::test]
async fn whitespace_only_inquiry_and_answer_texts_are_refused() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    let boss = app.login(&employer()).await;
    let path = format!("/v1/employments/{code}/inquiries");
    let res = app
        .post_multipart(&boss, &path, &[("topic", "mav"), ("text", "  \n ")], &[])
        .await;
    assert_eq!(fields(&res.problem(422)), ["text"]);
    let res = app
        .post_multipart(
            &boss,
            &path,
            &[("topic", "mav"), ("text", " Il MAV? ")],
            &[],
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let sent = res.json();
    assert_eq!(sent["text"], "Il MAV?");
    let id = sent["id"].as_str().expect("id");
    let answer = format!("/v1/inquiries/{id}/answer");
    let res = app
        .post_as(
            &operator,
            &answer,
            json!({"outcome": "positive", "text": "   "}),
        )
        .await;
    assert_eq!(fields(&res.problem(422)), ["text"]);
}

#[actix_web::test]
async fn an_import_line_is_checked_by_the_same_rules_as_the_api() {
    let app = TestApp::new();
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
    let boss = employer();
    let header = inps_api::import::COLUMNS.join(",");
    let line = format!(
        "{},   ,{},Via Roma 1,00184,Roma,RM,{},Anna,Bianchi,colf,1850-01-01,,25.00,10.00,false,false,true",
        boss.tax_code,
        boss.family_name,
        with_check_char("BNCNNA90A41F205")
    );
    let path = std::env::temp_dir().join(format!("rules-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&path, format!("{header}\n{line}\n")).expect("write");
    let settings = (*app.state.settings).clone();
    let err = inps_api::import::import_employments(&settings, &path, app.clock.now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2: employer_given_name: must not be blank"),
        "{err}"
    );
    assert!(
        err.contains("line 2: start_date: must not be before 1900-01-01"),
        "{err}"
    );
    assert_eq!(rows(&app, "employments"), 0);
    std::fs::remove_file(path).expect("remove");
}

// --- Patterned decimals -----------------------------------------------------------------

#[actix_web::test]
async fn decimal_strings_are_accepted_only_as_their_pattern_says() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let base = employment("2026-01-05", "25.00", "10.00");
    for hours in ["1e1", "1E1", "+10", "10.", ".5", " 10", "10.000"] {
        let body = with(base.clone(), "/weekly_hours", json!(hours));
        assert_eq!(
            refused_fields(&app, &operator, body).await,
            ["weekly_hours"],
            "{hours}"
        );
    }
    for amount in ["1e1", "+10", "10.", "10.001"] {
        let body = with(base.clone(), "/hourly_pay/amount", json!(amount));
        let refused = refused_fields(&app, &operator, body).await;
        assert!(
            refused[0].starts_with("hourly_pay"),
            "{amount}: {refused:?}"
        );
    }
    assert_eq!(rows(&app, "employments"), 0);
    let code = app
        .record_employment(&operator, with(base, "/weekly_hours", json!("9.5")))
        .await;
    let shown = app
        .get_as(&operator, &format!("/v1/employments/{code}"))
        .await
        .json();
    assert_eq!(shown["weekly_hours"], "9.50");
}

// --- The duplicate pagoPA notice --------------------------------------------------------

#[derive(QueryableByName)]
struct Constraint {
    #[diesel(sql_type = Text)]
    name: String,
}

#[actix_web::test]
async fn a_notice_recorded_twice_is_409_payment_already_recorded_from_its_named_constraint() {
    let app = TestApp::new();
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "20.00", "10.00"))
        .await;
    let notice = "301000000000000077";
    let first = app
        .pay(&operator, &code, "2026-Q1", notice, "2026-04-08", "10.00")
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = app
        .pay(&operator, &code, "2026-Q1", notice, "2026-04-09", "20.00")
        .await;
    let problem = again.problem(409);
    assert_eq!(
        problem["type"],
        format!("{PROBLEMS}payment-already-recorded")
    );

    // The registry maps the constraint PostgreSQL really names.
    let mut conn = app.db.as_ref().expect("database").connect();
    let unique: Vec<Constraint> = diesel::sql_query(
        "SELECT conname::text AS name FROM pg_constraint \
         WHERE conrelid = 'contribution_payments'::regclass AND contype = 'u'",
    )
    .load(&mut conn)
    .expect("constraints");
    let names: Vec<&str> = unique.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["contribution_payments_pagopa_notice_number_key"]);
    assert_eq!(
        on_constraint(names[0]),
        Some(Problem::PaymentAlreadyRecorded)
    );
}

// --- Inquiries: the eligibility filter before paging -------------------------------------

#[actix_web::test]
async fn the_eligibility_filter_fills_a_page_before_cutting_it() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    let boss = app.login(&employer()).await;
    let path = format!("/v1/employments/{code}/inquiries");
    let mut ids = Vec::new();
    for question in ["Il MAV di aprile?", "E quello di maggio?"] {
        let res = app
            .post_multipart(&boss, &path, &[("topic", "mav"), ("text", question)], &[])
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        ids.push(res.json()["id"].as_str().expect("id").to_owned());
        app.advance(time::Duration::minutes(5));
    }
    let operator = app.login_operator().await;
    for (id, outcome) in [(&ids[0], "negative"), (&ids[1], "positive")] {
        let res = app
            .post_as(
                &operator,
                &format!("/v1/inquiries/{id}/answer"),
                json!({"outcome": outcome, "text": "Risposta."}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let boss = app.login(&employer()).await;
    for (eligible, expected) in [("true", &ids[0]), ("false", &ids[1])] {
        let page = app
            .get_as(
                &boss,
                &format!("{path}?eligible_for_appointment={eligible}&limit=1"),
            )
            .await
            .json();
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{eligible}: {page}");
        assert_eq!(&items[0]["id"], expected.as_str(), "{eligible}: {page}");
        assert_eq!(page["next_cursor"], Value::Null, "{eligible}: {page}");
    }
}
