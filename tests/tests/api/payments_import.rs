//! `inps-api import contribution-payments`: pagoPA payments recorded in bulk, all or nothing.

use std::path::PathBuf;

use inps_api::clock::Clock as _;
use inps_tests::TestApp;
use inps_tests::fixtures::rows;
use time::macros::datetime;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/examples")
        .join(name)
}

fn write_temp(contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("payments-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn payments(app: &TestApp) -> i64 {
    rows(app, "contribution_payments")
}

fn imported_employments(app: &TestApp) -> inps_api::settings::Settings {
    let settings = (*app.state.settings).clone();
    inps_api::import::import_employments(&settings, &sample("employments.csv"), app.clock.now())
        .unwrap();
    settings
}

#[actix_web::test]
async fn the_sample_payments_mark_their_quarters_paid_or_partial() {
    let app = TestApp::new();
    app.clock.set(datetime!(2025-09-15 10:00 UTC));
    let settings = imported_employments(&app);
    let count = inps_api::import::import_payments(
        &settings,
        &sample("contribution-payments.csv"),
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(count, 3);
    assert_eq!(payments(&app), 3);

    let operator = app.login_operator().await;
    let list = app
        .get_as(
            &operator,
            "/v1/employments/1000000016/contributions?from=2025-Q1&to=2025-Q2",
        )
        .await
        .json();
    let q1 = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["quarter"] == "2025-Q1")
        .unwrap()
        .clone();
    assert_eq!(q1["amount_paid"]["amount"], "145.86");
    assert_eq!(
        q1["payments"][0]["pagopa_notice_number"],
        "301000000000000011"
    );
    // 13 weeks of 12 h at the 2025 rate of 1.89 EUR/h are 294.84 EUR: the sample pays part.
    assert_eq!(q1["amount_due"]["amount"], "294.84", "{q1}");
    assert_eq!(q1["status"], "partial", "{q1}");
}

#[actix_web::test]
async fn a_bad_line_imports_nothing_and_names_every_problem() {
    let app = TestApp::new();
    app.clock.set(datetime!(2025-09-15 10:00 UTC));
    let settings = imported_employments(&app);
    let file = write_temp(
        "employment_code,quarter,pagopa_notice_number,paid_on,amount\n\
         1000000016,2025-Q1,301000000000000011,2025-04-08,145.86\n\
         1000000017,2025-Q5,12345,2025-13-01,-3\n",
    );
    let err = inps_api::import::import_payments(&settings, &file, app.clock.now())
        .unwrap_err()
        .to_string();
    for expected in [
        "line 3: employment_code",
        "line 3: quarter",
        "line 3: pagopa_notice_number",
        "line 3: paid_on",
        "line 3: amount",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
    assert_eq!(payments(&app), 0, "nothing stored");
    std::fs::remove_file(file).unwrap();
}

#[actix_web::test]
async fn a_refusal_by_the_rules_rolls_back_the_whole_file() {
    let app = TestApp::new();
    app.clock.set(datetime!(2025-09-15 10:00 UTC));
    let settings = imported_employments(&app);
    // The second line repeats the first notice number: recorded before → the file is refused.
    let file = write_temp(
        "employment_code,quarter,pagopa_notice_number,paid_on,amount\n\
         1000000016,2025-Q1,301000000000000011,2025-04-08,145.86\n\
         1000000024,2025-Q1,301000000000000011,2025-04-10,793.00\n\
         1000000040,2025-Q1,301000000000000045,2025-04-10,10.00\n",
    );
    let err = inps_api::import::import_payments(&settings, &file, app.clock.now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(payments(&app), 0, "the first line was rolled back too");

    let unknown = write_temp(
        "employment_code,quarter,pagopa_notice_number,paid_on,amount\n\
         9999999995,2025-Q1,301000000000000052,2025-04-10,10.00\n",
    );
    let err = inps_api::import::import_payments(&settings, &unknown, app.clock.now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2: employment_code"), "{err}");
    std::fs::remove_file(file).unwrap();
    std::fs::remove_file(unknown).unwrap();
}
