//! Contribution payments recorded by the operator: a quarter goes from due to overdue, partial
//! and paid; a notice number is recorded once; amounts and dates out of range are refused.

use inps_tests::TestApp;
use inps_tests::fixtures::{employment, eur, quarters, row, rows};
use inps_tests::personas::employer;
use serde_json::json;
use time::macros::datetime;

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
    app.clock.set(datetime!(2026-04-10 20:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, "").await;
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
    app.clock.set(datetime!(2026-04-10 22:30 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, "").await;
    assert_eq!(row(&list, "2026-Q1")["status"], "overdue");

    app.clock.set(datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, "").await;
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
    app.pay(
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
    let res = app
        .pay(
            &operator,
            &code,
            "2026-Q1",
            "301000000000000001",
            "2026-04-14",
            "186.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["amount"], eur("186.00"));
    let list = app.contributions(&operator, &code, "").await;
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["status"], "partial");
    assert_eq!(q1["amount_paid"], eur("186.00"));
    assert_eq!(
        list["totals"],
        json!({"paid": eur("186.00"), "outstanding": eur("589.00"), "prescribed": eur("0.00")})
    );

    // The rest: paid, and no longer outstanding.
    let res = app
        .pay(
            &operator,
            &code,
            "2026-Q1",
            "301000000000000002",
            "2026-04-15",
            "186.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let list = app.contributions(&operator, &code, "").await;
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["status"], "paid");
    assert_eq!(q1["amount_paid"], eur("372.00"));
    let notices: Vec<&str> = q1["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| p["pagopa_notice_number"].as_str().expect("notice"))
        .collect();
    assert_eq!(notices, ["301000000000000001", "301000000000000002"]);
    assert_eq!(
        list["totals"],
        json!({"paid": eur("372.00"), "outstanding": eur("403.00"), "prescribed": eur("0.00")})
    );

    // A notice number is recorded once.
    let res = app
        .pay(
            &operator,
            &code,
            "2026-Q1",
            "301000000000000002",
            "2026-04-15",
            "10.00",
        )
        .await;
    res.problem(409);
    assert_eq!(rows(&app, "contribution_payments"), 2);
}

#[actix_web::test]
async fn a_single_payment_of_the_full_amount_makes_the_quarter_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    app.clock.set(datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let res = app
        .pay(
            &operator,
            &code,
            "2026-Q1",
            "301000000000000003",
            "2026-04-09",
            "372.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let list = app
        .contributions(&operator, &code, "?from=2026-Q1&to=2026-Q1")
        .await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    assert_eq!(row(&list, "2026-Q1")["status"], "paid");
    assert_eq!(
        list["totals"],
        json!({"paid": eur("372.00"), "outstanding": eur("0.00"), "prescribed": eur("0.00")})
    );
}

#[actix_web::test]
async fn payments_out_of_range_or_dated_before_their_quarter_are_refused() {
    let app = TestApp::new();
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
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
                json!({"quarter": "2026-Q1", "pagopa_notice_number": "301000000000000011",
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
