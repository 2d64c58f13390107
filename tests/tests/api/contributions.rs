//! Quarterly contributions: weeks counted by Saturdays, the hourly rate of the year's pay
//! bands, deadlines moved off Sundays and holidays, the last quarter of an ended employment,
//! and the status filter.

use inps_tests::TestApp;
use inps_tests::fixtures::{cents, employment, eur, quarters, row, with};
use serde_json::json;
use time::macros::datetime;

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
        let list = app
            .contributions(&operator, &code, &format!("?from={quarter}&to={quarter}"))
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
    app.clock.set(datetime!(2027-01-11 12:00 UTC));
    let operator = app.login_operator().await;
    let list = app
        .contributions(&operator, &code, "?from=2026-Q4&to=2026-Q4")
        .await;
    assert_eq!(quarters(&list), ["2026-Q4"]);
    let q4 = row(&list, "2026-Q4");
    assert_eq!(q4["due_from"], "2027-01-01");
    assert_eq!(q4["due_by"], "2027-01-11");
    assert_eq!(q4["payable_until"], "2032-01-11");
    // On the moved deadline it is still due.
    assert_eq!(q4["status"], "due");

    app.clock.set(datetime!(2027-01-12 12:00 UTC));
    let operator = app.login_operator().await;
    let list = app
        .contributions(&operator, &code, "?from=2026-Q4&to=2026-Q4")
        .await;
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
    let list = app.contributions(&operator, &code, "").await;
    assert_eq!(quarters(&list), ["2026-Q1"]);
    let q1 = row(&list, "2026-Q1");
    assert_eq!(q1["due_from"], "2026-03-28");
    assert_eq!(q1["due_by"], "2026-04-07");
    // The week of the end counts in full: Saturdays 10 January .. 28 March.
    assert_eq!(q1["weeks"], 12);

    // After the end no later quarter appears.
    app.clock.set(datetime!(2026-07-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, "").await;
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
    app.clock.set(datetime!(2026-05-04 09:00 UTC));
    let operator = app.login_operator().await;
    let list = app.contributions(&operator, &code, "?from=2026-Q1").await;
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
    let list = app.contributions(&operator, &code, "").await;
    assert_eq!(list["items"], json!([]));

    app.clock.set(datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let list = app
        .contributions(&operator, &code, "?from=2026-Q1&to=2026-Q2")
        .await;
    assert_eq!(quarters(&list), ["2026-Q2"]);
    // Paying a quarter outside the employment is refused.
    let res = app
        .pay(
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
async fn the_status_filter_returns_only_that_status_and_bad_quarters_are_refused() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment("2026-01-05", "25.00", "10.00"))
        .await;
    app.clock.set(datetime!(2026-07-15 09:00 UTC));
    let operator = app.login_operator().await;
    // Q1 paid in full, Q2 unpaid after 10 July, Q3 current.
    let res = app
        .pay(
            &operator,
            &code,
            "2026-Q1",
            "301000000000000009",
            "2026-04-09",
            "372.00",
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let all = app.contributions(&operator, &code, "").await;
    assert_eq!(quarters(&all), ["2026-Q3", "2026-Q2", "2026-Q1"]);
    assert_eq!(row(&all, "2026-Q1")["status"], "paid");
    assert_eq!(row(&all, "2026-Q2")["status"], "overdue");
    assert_eq!(row(&all, "2026-Q3")["status"], "due");

    let overdue = app.contributions(&operator, &code, "?status=overdue").await;
    assert_eq!(quarters(&overdue), ["2026-Q2"]);
    assert_eq!(overdue["totals"]["paid"], eur("0.00"));
    assert_eq!(overdue["totals"]["outstanding"], eur("403.00"));
    let paid = app.contributions(&operator, &code, "?status=paid").await;
    assert_eq!(quarters(&paid), ["2026-Q1"]);
    let due = app.contributions(&operator, &code, "?status=due").await;
    assert_eq!(quarters(&due), ["2026-Q3"]);

    for (query, field) in [
        ("?from=bad", "from"),
        ("?to=2026-Q5", "to"),
        ("?from=26-Q1", "from"),
    ] {
        let res = app
            .get_as(
                &operator,
                &format!("/v1/employments/{code}/contributions{query}"),
            )
            .await;
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
}
