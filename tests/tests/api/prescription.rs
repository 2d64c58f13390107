//! Prescription: five years after its deadline a quarter can no longer be paid, with or
//! without a rate table for its year (never a guessed zero).

use inps_tests::TestApp;
use inps_tests::fixtures::{employment, eur, problem_type, quarters, row, rows};
use serde_json::{Value, json};
use time::macros::datetime;

#[actix_web::test]
async fn an_unpaid_quarter_is_prescribed_the_day_after_payable_until_and_can_no_longer_be_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // Q1 2025 was due by Thursday 10 April 2025: payable until 10 April 2030.
    let code = app
        .record_employment(&operator, employment("2025-01-07", "20.00", "9.00"))
        .await;
    let query = "?from=2025-Q1&to=2025-Q1";

    app.clock.set(datetime!(2030-04-10 21:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, query).await;
    let q1 = row(&list, "2025-Q1");
    assert_eq!(q1["due_by"], "2025-04-10");
    assert_eq!(q1["payable_until"], "2030-04-10");
    assert_eq!(q1["status"], "overdue", "{q1}");
    // 12 weeks × 20 h × 1.68.
    assert_eq!(q1["amount_due"], eur("403.20"));
    assert_eq!(list["totals"]["outstanding"], eur("403.20"));
    assert_eq!(list["totals"]["prescribed"], eur("0.00"));

    app.clock.set(datetime!(2030-04-10 22:30 UTC)); // 11 April in Rome
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, query).await;
    let q1 = row(&list, "2025-Q1");
    assert_eq!(q1["status"], "prescribed", "{q1}");
    assert_eq!(list["totals"]["outstanding"], eur("0.00"));
    assert_eq!(list["totals"]["prescribed"], eur("403.20"));

    let res = app
        .pay(
            &operator,
            &code,
            "2025-Q1",
            "301000000000000005",
            "2030-04-11",
            "403.20",
        )
        .await;
    let problem = res.problem(422);
    assert_eq!(problem["type"], problem_type("contribution-prescribed"));
    // Q2 2025 (due by 10 July 2025) is still payable.
    let res = app
        .pay(
            &operator,
            &code,
            "2025-Q2",
            "301000000000000006",
            "2030-04-11",
            "10.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(rows(&app, "contribution_payments"), 1);
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
    app.clock.set(datetime!(2026-04-11 09:00 UTC));
    let operator = app.login_operator().await;
    let list = app
        .contributions(&operator, &code, "?from=2021-Q1&to=2021-Q1")
        .await;
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
    let all = app
        .contributions(&operator, &code, "?from=2020-Q1&to=2026-Q2")
        .await;
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

    let res = app
        .pay(
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
        problem_type("contribution-prescribed")
    );
    // Q2 2021 was due by Saturday 10 July 2021: payable until 10 July 2026.
    let res = app
        .pay(
            &operator,
            &code,
            "2021-Q2",
            "301000000000000008",
            "2026-04-11",
            "300.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn an_unpaid_quarter_without_a_rate_table_is_overdue_then_prescribed_never_paid() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = employment_without_rates(&app, &operator).await;
    let query = "?from=2021-Q1&to=2021-Q1";

    // On payable_until (10 April 2026) it is still payable: overdue.
    app.clock.set(datetime!(2026-04-10 21:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, query).await;
    let q1 = row(&list, "2021-Q1");
    assert_eq!(q1["amount_paid"], eur("0.00"));
    assert_eq!(q1["status"], "overdue", "{q1}");

    // The day after: prescribed.
    app.clock.set(datetime!(2026-04-10 22:30 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, query).await;
    assert_eq!(row(&list, "2021-Q1")["status"], "prescribed");
    let prescribed = app
        .contributions(&operator, &code, "?status=prescribed")
        .await;
    assert_eq!(quarters(&prescribed), ["2021-Q1"], "{prescribed}");
    let paid = app.contributions(&operator, &code, "?status=paid").await;
    assert_eq!(paid["items"], json!([]), "nothing was paid: {paid}");
}
