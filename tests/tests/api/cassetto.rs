//! The cassetto previdenziale of household employers: the back office recording employments,
//! the employer's data and who may see it (with the delegated reads in the accountability log),
//! and the quarterly contributions with their rates, deadlines, payments and prescription.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use inps_domain::employment::EmploymentCode;
use inps_tests::personas::{employer, intermediary, other_person, with_check_char};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const PROBLEMS: &str = "https://inps.example/problems/";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(crate) fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

pub(crate) fn employments_stored(app: &TestApp) -> i64 {
    count(app, "SELECT count(*) AS n FROM employments")
}

pub(crate) fn text(res: &TestResponse) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

/// The worker of every employment (Anna Bianchi, born 1 January 1990 in Milan).
fn worker_tax_code() -> String {
    with_check_char("BNCNNA90A41F205")
}

/// An open-ended employment with CUAF of the test employer.
pub(crate) fn employment(start: &str, weekly_hours: &str, hourly_pay: &str) -> Value {
    let boss = employer();
    json!({
        "employer": {
            "tax_code": boss.tax_code,
            "given_name": boss.given_name,
            "family_name": boss.family_name,
        },
        "employer_address": {
            "street": "Via Roma 1",
            "postal_code": "00184",
            "municipality": "Roma",
            "province": "RM",
        },
        "worker": {
            "tax_code": worker_tax_code(),
            "given_name": "Anna",
            "family_name": "Bianchi",
        },
        "employment_type": "badante",
        "start_date": start,
        "weekly_hours": weekly_hours,
        "hourly_pay": {"amount": hourly_pay, "currency": "EUR"},
        "live_in": false,
        "fixed_term": false,
        "cuaf": true,
    })
}

/// `body` with `pointer` (a JSON pointer) set to `value`, added when missing.
pub(crate) fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    body.pointer_mut(parent).expect("parent")[key] = value;
    body
}

/// Sets the app's clock (sessions expire with it: log in again afterwards).
fn set_clock(app: &TestApp, at: OffsetDateTime) {
    app.clock.set(at);
}

/// The operator's contributions list of `code` with `query` (asserting 200).
async fn contributions(app: &TestApp, token: &str, code: &str, query: &str) -> Value {
    let res = app
        .get_as(
            token,
            &format!("/v1/employments/{code}/contributions{query}"),
        )
        .await;
    assert_eq!(res.status, 200, "contributions: {}", text(&res));
    res.json()
}

/// The row of `quarter` in a contributions list.
fn row<'a>(list: &'a Value, quarter: &str) -> &'a Value {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["quarter"] == quarter)
        .unwrap_or_else(|| panic!("no {quarter} in {list}"))
}

fn quarters(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["quarter"].as_str().expect("quarter").to_owned())
        .collect()
}

fn eur(amount: &str) -> Value {
    json!({"amount": amount, "currency": "EUR"})
}

/// A decimal string with at most two decimals, in hundredths.
fn cents(decimal: &str) -> i64 {
    let (units, fraction) = decimal.split_once('.').unwrap_or((decimal, "0"));
    let fraction = format!("{fraction:0<2}");
    units.parse::<i64>().expect("units") * 100 + fraction[..2].parse::<i64>().expect("cents")
}

pub(crate) async fn pay(
    app: &TestApp,
    token: &str,
    code: &str,
    quarter: &str,
    notice: &str,
    paid_on: &str,
    amount: &str,
) -> TestResponse {
    app.post_as(
        token,
        &format!("/v1/employments/{code}/contribution-payments"),
        json!({
            "quarter": quarter,
            "pagopa_notice_number": notice,
            "paid_on": paid_on,
            "amount": eur(amount),
        }),
    )
    .await
}

// --- Recording employments --------------------------------------------------------------

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
    assert_eq!(res.status, 201, "{}", text(&res));
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
    assert_eq!(employments_stored(&app), 1);

    // The stored employment reads back the same.
    let shown = app
        .get_as(&operator, &format!("/v1/employments/{code}"))
        .await;
    assert_eq!(shown.status, 200, "{}", text(&shown));
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
    assert_eq!(employments_stored(&app), 0);
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
    assert_eq!(employments_stored(&app), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM employers"), 0);
}

// --- The employer's data and who sees it ------------------------------------------------

#[actix_web::test]
async fn the_employer_sees_names_address_birth_data_from_the_tax_code_contacts_and_the_delegation()
{
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    let operator = app.login_operator().await;
    app.record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    let boss = app.login(&employer()).await;
    let res = app
        .put_as(
            &boss,
            "/v1/me/contacts",
            json!({"email": "mario.rossi@example.it", "mobile": "+393331234567"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", text(&res));

    let path = format!("/v1/employers/{}", employer().tax_code);
    let res = app.get_as(&boss, &path).await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let body = res.json();
    assert_eq!(body["tax_code"], "RSSMRA85T10A562S");
    assert_eq!(body["given_name"], "Mario");
    assert_eq!(body["family_name"], "Rossi");
    assert_eq!(body["birth_date"], "1985-12-10");
    assert_eq!(body["birth_place_code"], "A562");
    assert_eq!(
        body["address"],
        json!({"street": "Via Roma 1", "postal_code": "00184", "municipality": "Roma", "province": "RM"})
    );
    assert_eq!(body["contacts"]["email"], "mario.rossi@example.it");
    assert_eq!(body["contacts"]["mobile"], "+393331234567");
    assert_eq!(body["contacts"]["pec"], Value::Null);
    assert_eq!(body["active_delegation"], Value::Null);

    let agent = app.login(&intermediary()).await;
    let id = app
        .delegate_domestic_work(&boss, &agent, &["inquiries"])
        .await;
    let res = app.get_as(&boss, &path).await;
    assert_eq!(res.status, 200, "{}", text(&res));
    assert_eq!(
        res.json()["active_delegation"],
        json!({
            "id": id,
            "delegate_tax_code": intermediary().tax_code,
            "scopes": ["read", "inquiries"],
            "valid_until": "2027-03-01",
        })
    );
}

#[actix_web::test]
async fn only_the_employer_and_an_intermediary_with_an_active_delegation_see_the_cassetto_and_delegated_reads_are_logged()
 {
    let app = TestApp::new();
    app.register_intermediary(&intermediary()).await;
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    let boss = app.login(&employer()).await;
    let agent = app.login(&intermediary()).await;
    let stranger = app.login(&other_person()).await;
    let tc = employer().tax_code;
    let paths = [
        ("employer.read", format!("/v1/employers/{tc}")),
        (
            "employments.read",
            format!("/v1/employers/{tc}/employments"),
        ),
        ("employment.read", format!("/v1/employments/{code}")),
        (
            "contributions.read",
            format!("/v1/employments/{code}/contributions"),
        ),
        (
            "inquiries.read",
            format!("/v1/employments/{code}/inquiries"),
        ),
    ];

    for (_, path) in &paths {
        app.get_as(&agent, path).await.problem(404);
        app.get_as(&stranger, path).await.problem(404);
        let own = app.get_as(&boss, path).await;
        assert_eq!(own.status, 200, "{path}: {}", text(&own));
    }
    // An employer nobody recorded is unknown, even to the operator.
    let unknown = format!("/v1/employers/{}", other_person().tax_code);
    app.get_as(&operator, &unknown).await.problem(404);
    app.get_as(&stranger, &unknown).await.problem(404);
    let unknown_code = EmploymentCode::from_sequence(999_999_999).expect("code");
    app.get_as(
        &operator,
        &format!("/v1/employments/{}", unknown_code.as_str()),
    )
    .await
    .problem(404);

    let delegation = app.delegate_domestic_work(&boss, &agent, &["read"]).await;
    let mut seen = Vec::new();
    for (_, path) in &paths {
        let res = app.get_as(&agent, path).await;
        assert_eq!(res.status, 200, "{path}: {}", text(&res));
        seen.push(res.json());
    }
    assert_eq!(seen[0]["tax_code"], tc);
    assert_eq!(seen[1]["items"][0]["employment_code"], code);
    assert_eq!(seen[2]["employment_code"], code);
    assert!(seen[3]["items"].is_array());
    assert_eq!(seen[4]["items"], json!([]));
    // The stranger still sees nothing.
    for (_, path) in &paths {
        app.get_as(&stranger, path).await.problem(404);
    }

    // Every delegated read is in the accountability log, on the employer, under the delegation.
    let res = app
        .get_as(
            &operator,
            &format!(
                "/v1/audit-events?limit=200&actor_tax_code={}",
                intermediary().tax_code
            ),
        )
        .await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let events = res.json()["items"].as_array().expect("items").clone();
    for (action, path) in &paths {
        let matching: Vec<&Value> = events
            .iter()
            .filter(|e| e["action"] == *action && e["outcome"] == "success")
            .collect();
        assert_eq!(matching.len(), 1, "{action} read once: {events:?}");
        // The attempt made before the delegation existed is on record as refused.
        let refused: Vec<&Value> = events
            .iter()
            .filter(|e| e["action"] == *action && e["outcome"] == "denied")
            .collect();
        assert_eq!(refused.len(), 1, "{action} refused once: {events:?}");
        assert_eq!(refused[0]["subject_tax_code"], tc);
        assert_eq!(refused[0]["resource"], *path);
        for event in matching {
            assert_eq!(event["actor_tax_code"], intermediary().tax_code);
            assert_eq!(event["subject_tax_code"], tc);
            assert_eq!(event["delegation_id"], delegation);
            assert_eq!(event["resource"], *path);
        }
    }

    // The employer's own reads are not delegated reads.
    let res = app
        .get_as(
            &operator,
            &format!("/v1/audit-events?limit=200&actor_tax_code={tc}"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let own_events = res.json()["items"].as_array().expect("items").clone();
    assert!(
        own_events
            .iter()
            .filter(|e| e["action"].as_str().is_some_and(|a| a.ends_with(".read")))
            .all(|e| e["delegation_id"].is_null()),
        "{own_events:?}"
    );

    // Once revoked, the delegation opens nothing.
    let res = app
        .send(
            actix_web::test::TestRequest::post()
                .uri(&format!("/v1/delegations/{delegation}/revoke"))
                .insert_header(("Authorization", format!("Bearer {boss}"))),
        )
        .await;
    assert_eq!(res.status, 200, "revoke: {}", text(&res));
    for (_, path) in &paths {
        app.get_as(&agent, path).await.problem(404);
    }
}

// --- Contributions ---------------------------------------------------------------------

#[actix_web::test]
async fn a_quarter_is_counted_by_saturdays_priced_over_24_hours_and_moves_from_due_to_overdue_to_paid()
 {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // Monday 5 January 2026, 25 h a week (over 24: one band, 1.24 EUR/h in 2026), with CUAF.
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;

    // Saturdays from 10 January to 28 March: 4 in January, 4 in February, 4 in March = 12
    // (the week of Sunday 29 March ends on Saturday 4 April, in Q2).
    set_clock(&app, datetime!(2026-04-10 20:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "").await;
    assert_eq!(quarters(&list), ["2026-Q2", "2026-Q1"]);
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["weeks"], 12);
    assert_eq!(q1["hours"], "300.00");
    assert_eq!(q1["hourly_rate"], eur("1.24"));
    assert_eq!(q1["amount_due"], eur("372.00"));
    assert_eq!(q1["amount_paid"], eur("0.00"));
    assert_eq!(q1["due_from"], "2026-04-01");
    assert_eq!(q1["due_by"], "2026-04-10");
    assert_eq!(q1["payable_until"], "2031-04-10");
    assert_eq!(q1["rate_missing"], false);
    assert_eq!(q1["payments"], json!([]));
    // 22:00 in Rome on the 10th: still in time.
    assert_eq!(q1["status"], "due");

    // 00:30 in Rome on the 11th (22:30 UTC on the 10th): overdue.
    set_clock(&app, datetime!(2026-04-10 22:30 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "").await;
    assert_eq!(row(&list, "2026-Q1")["status"], "overdue");

    set_clock(&app, datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "").await;
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["status"], "overdue");
    // The current quarter: Saturdays 4 April .. 27 June = 13 weeks, 325 h, 403.00 EUR.
    let q2 = row(&list, "2026-Q2");
    assert_eq!(q2["weeks"], 13);
    assert_eq!(q2["hours"], "325.00");
    assert_eq!(q2["amount_due"], eur("403.00"));
    assert_eq!(q2["due_by"], "2026-07-10");
    assert_eq!(q2["status"], "due");
    assert_eq!(
        list["totals"],
        json!({"paid": eur("0.00"), "outstanding": eur("775.00"), "prescribed": eur("0.00")})
    );

    // Only operators record payments.
    let boss = app.login(&employer()).await;
    pay(
        &app,
        &boss,
        &code,
        "2026-Q1",
        "301000000000000001",
        "2026-04-14",
        "186.00",
    )
    .await
    .problem(403);

    // Half: partial.
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000001",
        "2026-04-14",
        "186.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    assert_eq!(res.json()["amount"], eur("186.00"));
    let list = contributions(&app, &operator, &code, "").await;
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["status"], "partial");
    assert_eq!(q1["amount_paid"], eur("186.00"));
    assert_eq!(
        list["totals"],
        json!({"paid": eur("186.00"), "outstanding": eur("589.00"), "prescribed": eur("0.00")})
    );

    // The rest: paid, and no longer outstanding.
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000002",
        "2026-04-15",
        "186.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let list = contributions(&app, &operator, &code, "").await;
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["status"], "paid");
    assert_eq!(q1["amount_paid"], eur("372.00"));
    let notices: Vec<&str> = q1["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| p["pagopa_notice_number"].as_str().expect("notice"))
        .collect();
    assert_eq!(notices.len(), 2);
    assert!(notices.contains(&"301000000000000001") && notices.contains(&"301000000000000002"));
    assert_eq!(
        list["totals"],
        json!({"paid": eur("372.00"), "outstanding": eur("403.00"), "prescribed": eur("0.00")})
    );

    // A notice number is recorded once.
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000002",
        "2026-04-15",
        "10.00",
    )
    .await;
    res.problem(409);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM contribution_payments"),
        2
    );
}

#[actix_web::test]
async fn a_single_payment_of_the_full_amount_makes_the_quarter_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    set_clock(&app, datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000003",
        "2026-04-09",
        "372.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let list = contributions(&app, &operator, &code, "?from=2026-Q1&to=2026-Q1").await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    assert_eq!(row(&list, "2026-Q1")["status"], "paid");
    assert_eq!(
        list["totals"],
        json!({"paid": eur("372.00"), "outstanding": eur("0.00"), "prescribed": eur("0.00")})
    );
}

#[actix_web::test]
async fn the_hourly_rate_follows_the_pay_bands_of_the_year_each_threshold_in_the_lower_band() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // (start, weekly hours, pay, fixed term, cuaf, quarter, expected rate)
    let cases = [
        (
            "2026-01-05",
            "20.00",
            "9.61",
            false,
            true,
            "2026-Q1",
            "1.70",
        ),
        (
            "2026-01-05",
            "20.00",
            "9.62",
            false,
            true,
            "2026-Q1",
            "1.92",
        ),
        (
            "2026-01-05",
            "20.00",
            "11.70",
            false,
            true,
            "2026-Q1",
            "1.92",
        ),
        (
            "2026-01-05",
            "20.00",
            "11.71",
            false,
            true,
            "2026-Q1",
            "2.34",
        ),
        ("2026-01-05", "20.00", "9.61", true, true, "2026-Q1", "1.82"),
        (
            "2026-01-05",
            "20.00",
            "9.61",
            false,
            false,
            "2026-Q1",
            "1.71",
        ),
        // 24 hours is still banded by pay; above 24 one rate whatever the pay.
        (
            "2026-01-05",
            "24.00",
            "11.71",
            false,
            true,
            "2026-Q1",
            "2.34",
        ),
        (
            "2026-01-05",
            "24.01",
            "11.71",
            false,
            true,
            "2026-Q1",
            "1.24",
        ),
        (
            "2025-01-07",
            "20.00",
            "9.48",
            false,
            true,
            "2025-Q1",
            "1.68",
        ),
        (
            "2025-01-07",
            "20.00",
            "9.49",
            false,
            true,
            "2025-Q1",
            "1.89",
        ),
        (
            "2025-01-07",
            "20.00",
            "11.54",
            false,
            true,
            "2025-Q1",
            "1.89",
        ),
        (
            "2025-01-07",
            "20.00",
            "11.55",
            false,
            true,
            "2025-Q1",
            "2.30",
        ),
    ];
    for (start, hours, pay, fixed_term, cuaf, quarter, rate) in cases {
        let body = with(
            with(
                employment(start, hours, pay),
                "/fixed_term",
                json!(fixed_term),
            ),
            "/cuaf",
            json!(cuaf),
        );
        let code = app.record_employment(&operator, body).await;
        let list = contributions(
            &app,
            &operator,
            &code,
            &format!("?from={quarter}&to={quarter}"),
        )
        .await;
        assert_eq!(quarters(&list), [quarter], "{list}");
        let c = row(&list, quarter);
        let what = format!("{hours} h at {pay} fixed_term={fixed_term} cuaf={cuaf} in {quarter}");
        assert_eq!(c["hourly_rate"], eur(rate), "{what}: {c}");
        assert_eq!(c["rate_missing"], false, "{what}");
        // 12 Saturdays from the start to the end of March in both years.
        assert_eq!(c["weeks"], 12, "{what}");
        let hours_cents = cents(c["hours"].as_str().expect("hours"));
        assert_eq!(hours_cents, cents(hours) * 12, "{what}");
        let due = cents(c["amount_due"]["amount"].as_str().expect("amount"));
        // hours × rate, rounded half up to the cent.
        let exact = hours_cents * cents(rate);
        assert_eq!(due, (exact + 50) / 100, "{what}: {c}");
    }
}

#[actix_web::test]
async fn a_q4_deadline_on_a_sunday_moves_to_monday() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-10-05", "20.00", "9.00"))
        .await;
    // 10 January 2027 is a Sunday.
    set_clock(&app, datetime!(2027-01-11 12:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "?from=2026-Q4&to=2026-Q4").await;
    assert_eq!(quarters(&list), ["2026-Q4"]);
    let q4 = row(&list, "2026-Q4");
    assert_eq!(q4["due_from"], "2027-01-01");
    assert_eq!(q4["due_by"], "2027-01-11");
    assert_eq!(q4["payable_until"], "2032-01-11");
    // On the moved deadline it is still due.
    assert_eq!(q4["status"], "due");

    set_clock(&app, datetime!(2027-01-12 12:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "?from=2026-Q4&to=2026-Q4").await;
    assert_eq!(row(&list, "2026-Q4")["status"], "overdue");
}

#[actix_web::test]
async fn the_last_quarter_is_due_ten_days_after_the_end_moved_off_easter_monday() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // Ends Friday 27 March 2026: + 10 days = Monday 6 April 2026, Easter Monday.
    let code = app
        .record_employment(
            &operator,
            with(
                employment("2026-01-05", "20.00", "9.00"),
                "/end_date",
                json!("2026-03-27"),
            ),
        )
        .await;
    let list = contributions(&app, &operator, &code, "").await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["due_from"], "2026-03-28");
    assert_eq!(q1["due_by"], "2026-04-07");
    // The week of the end counts in full: Saturdays 10 January .. 28 March.
    assert_eq!(q1["weeks"], 12);

    // After the end no later quarter appears.
    set_clock(&app, datetime!(2026-07-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "").await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    assert_eq!(row(&list, "2026-Q1")["status"], "overdue");
}

#[actix_web::test]
async fn an_end_early_in_a_week_settles_the_whole_week_in_the_last_quarter() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // Ends Monday 30 March: its week ends Saturday 4 April, counted in Q1 (13 weeks).
    let code = app
        .record_employment(
            &operator,
            with(
                employment("2026-01-05", "20.00", "9.00"),
                "/end_date",
                json!("2026-03-30"),
            ),
        )
        .await;
    set_clock(&app, datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "?from=2026-Q1").await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["weeks"], 13);
    assert_eq!(q1["hours"], "260.00");
    assert_eq!(q1["due_by"], "2026-04-09");
}

#[actix_web::test]
async fn an_employment_starting_on_the_first_of_april_has_no_q1_row() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-04-01", "20.00", "9.00"))
        .await;
    // Before it starts nothing is listed.
    let list = contributions(&app, &operator, &code, "").await;
    assert_eq!(list["items"], json!([]));

    set_clock(&app, datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "?from=2026-Q1&to=2026-Q2").await;
    assert_eq!(quarters(&list), ["2026-Q2"]);
    // Paying a quarter outside the employment is refused.
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000004",
        "2026-04-10",
        "10.00",
    )
    .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "quarter");
}

#[actix_web::test]
async fn an_unpaid_quarter_is_prescribed_the_day_after_payable_until_and_can_no_longer_be_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // Q1 2025 was due by Thursday 10 April 2025: payable until 10 April 2030.
    let code = app
        .record_employment(&operator, employment("2025-01-07", "20.00", "9.00"))
        .await;
    let query = "?from=2025-Q1&to=2025-Q1";

    set_clock(&app, datetime!(2030-04-10 21:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, query).await;
    let q1 = row(&list, "2025-Q1");
    assert_eq!(q1["due_by"], "2025-04-10");
    assert_eq!(q1["payable_until"], "2030-04-10");
    assert_eq!(q1["status"], "overdue", "{q1}");
    // 12 weeks × 20 h × 1.68.
    assert_eq!(q1["amount_due"], eur("403.20"));
    assert_eq!(list["totals"]["outstanding"], eur("403.20"));
    assert_eq!(list["totals"]["prescribed"], eur("0.00"));

    set_clock(&app, datetime!(2030-04-10 22:30 UTC)); // 11 April in Rome
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, query).await;
    let q1 = row(&list, "2025-Q1");
    assert_eq!(q1["status"], "prescribed", "{q1}");
    assert_eq!(list["totals"]["outstanding"], eur("0.00"));
    assert_eq!(list["totals"]["prescribed"], eur("403.20"));

    let res = pay(
        &app,
        &operator,
        &code,
        "2025-Q1",
        "301000000000000005",
        "2030-04-11",
        "403.20",
    )
    .await;
    let problem = res.problem(422);
    assert_eq!(
        problem["type"],
        format!("{PROBLEMS}contribution-prescribed")
    );
    // Q2 2025 (due by 10 July 2025) is still payable.
    let res = pay(
        &app,
        &operator,
        &code,
        "2025-Q2",
        "301000000000000006",
        "2030-04-11",
        "10.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM contribution_payments"),
        1
    );
}

/// An employment starting Monday 6 January 2020, when no rate table is loaded for 2020-2024.
async fn employment_without_rates(app: &TestApp, operator: &str) -> String {
    app.record_employment(operator, employment("2020-01-06", "20.00", "9.00"))
        .await
}

#[actix_web::test]
async fn a_quarter_without_a_rate_table_shows_no_amount_and_its_payments_follow_prescription() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = employment_without_rates(&app, &operator).await;
    // 10 April 2021 is a Saturday, which does not move a deadline: payable until 10 April 2026.
    set_clock(&app, datetime!(2026-04-11 09:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, "?from=2021-Q1&to=2021-Q1").await;
    assert_eq!(quarters(&list), ["2021-Q1"]);
    let q1 = row(&list, "2021-Q1");
    assert_eq!(q1["rate_missing"], true);
    assert_eq!(q1["amount_due"], Value::Null, "never a guessed zero: {q1}");
    assert_eq!(q1["hourly_rate"], Value::Null, "{q1}");
    assert_eq!(q1["due_by"], "2021-04-10");
    assert_eq!(q1["payable_until"], "2026-04-10");
    // Weeks and hours do not depend on the table: Saturdays 2 January .. 27 March 2021 = 13.
    assert_eq!(q1["weeks"], 13);
    assert_eq!(q1["hours"], "260.00");

    // The years with a table are priced; the others are not.
    let all = contributions(&app, &operator, &code, "?from=2020-Q1&to=2026-Q2").await;
    for c in all["items"].as_array().expect("items") {
        let year: i32 = c["quarter"].as_str().expect("quarter")[..4]
            .parse()
            .expect("year");
        let priced = year >= 2025;
        assert_eq!(c["rate_missing"], !priced, "{c}");
        assert_eq!(c["amount_due"].is_null(), !priced, "{c}");
        if !priced {
            assert_ne!(c["amount_due"], eur("0.00"));
        }
    }

    let res = pay(
        &app,
        &operator,
        &code,
        "2021-Q1",
        "301000000000000007",
        "2026-04-11",
        "300.00",
    )
    .await;
    assert_eq!(
        res.problem(422)["type"],
        format!("{PROBLEMS}contribution-prescribed")
    );
    // Q2 2021 was due by Saturday 10 July 2021: payable until 10 July 2026.
    let res = pay(
        &app,
        &operator,
        &code,
        "2021-Q2",
        "301000000000000008",
        "2026-04-11",
        "300.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
}

#[actix_web::test]
async fn an_unpaid_quarter_without_a_rate_table_is_overdue_then_prescribed_never_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = employment_without_rates(&app, &operator).await;
    let query = "?from=2021-Q1&to=2021-Q1";

    // On payable_until (10 April 2026) it is still payable: overdue.
    set_clock(&app, datetime!(2026-04-10 21:00 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, query).await;
    let q1 = row(&list, "2021-Q1");
    assert_eq!(q1["amount_paid"], eur("0.00"));
    assert_eq!(q1["status"], "overdue", "{q1}");

    // The day after: prescribed.
    set_clock(&app, datetime!(2026-04-10 22:30 UTC));
    let operator = app.login_operator().await;
    let list = contributions(&app, &operator, &code, query).await;
    assert_eq!(row(&list, "2021-Q1")["status"], "prescribed");
    let prescribed = contributions(&app, &operator, &code, "?status=prescribed").await;
    assert!(quarters(&prescribed).contains(&"2021-Q1".to_owned()));
    let paid = contributions(&app, &operator, &code, "?status=paid").await;
    assert_eq!(paid["items"], json!([]), "nothing was paid: {paid}");
}

#[actix_web::test]
async fn the_status_filter_returns_only_that_status_and_bad_quarters_are_refused() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    set_clock(&app, datetime!(2026-07-15 09:00 UTC));
    let operator = app.login_operator().await;
    // Q1 paid in full, Q2 unpaid after 10 July, Q3 current.
    let res = pay(
        &app,
        &operator,
        &code,
        "2026-Q1",
        "301000000000000009",
        "2026-04-09",
        "372.00",
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let all = contributions(&app, &operator, &code, "").await;
    assert_eq!(quarters(&all), ["2026-Q3", "2026-Q2", "2026-Q1"]);
    assert_eq!(row(&all, "2026-Q1")["status"], "paid");
    assert_eq!(row(&all, "2026-Q2")["status"], "overdue");
    assert_eq!(row(&all, "2026-Q3")["status"], "due");

    let overdue = contributions(&app, &operator, &code, "?status=overdue").await;
    assert_eq!(quarters(&overdue), ["2026-Q2"]);
    assert_eq!(overdue["totals"]["paid"], eur("0.00"));
    assert_eq!(overdue["totals"]["outstanding"], eur("403.00"));
    let paid = contributions(&app, &operator, &code, "?status=paid").await;
    assert_eq!(quarters(&paid), ["2026-Q1"]);
    let due = contributions(&app, &operator, &code, "?status=due").await;
    assert_eq!(quarters(&due), ["2026-Q3"]);

    for query in ["?from=bad", "?to=2026-Q5", "?from=26-Q1"] {
        let res = app
            .get_as(
                &operator,
                &format!("/v1/employments/{code}/contributions{query}"),
            )
            .await;
        let problem = res.problem(422);
        let field = &problem["errors"][0]["field"];
        assert!(field == "from" || field == "to", "{query}: {problem}");
    }
}

#[actix_web::test]
async fn payments_out_of_range_or_dated_before_their_quarter_are_refused() {
    let app = TestApp::new();
    app.clock.set(time::macros::datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "20.00", "10.00"))
        .await;
    let path = format!("/v1/employments/{code}/contribution-payments");
    for (paid_on, amount, field) in [
        ("2026-04-08", "42328470535.12", "amount"),
        ("2026-04-08", "1000000.00", "amount"),
        ("0256-06-11", "100.00", "paid_on"),
        ("2025-12-31", "100.00", "paid_on"),
    ] {
        let res = app
            .post_as(
                &operator,
                &path,
                serde_json::json!({"quarter": "2026-Q1", "pagopa_notice_number": "301000000000000011",
                    "paid_on": paid_on, "amount": {"amount": amount, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(
            res.problem(422)["errors"][0]["field"],
            field,
            "{paid_on} {amount}"
        );
    }
}
