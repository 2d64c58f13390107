//! Database CHECK constraints seen from the API: a value that passes the edge's validation but
//! not a constraint is a 422 naming the field (never a 500, never SQL), and every constraint the
//! API names a field for exists under that name.

use inps_tests::TestApp;
use inps_tests::fixtures::{count_with, execute, problem_type, rows};
use serde_json::json;

#[actix_web::test]
async fn a_check_violation_is_a_422_naming_the_field_and_quoting_no_sql() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    // The database, stricter than the contract (as after a constraint added before the edge
    // caught up): a name of 20 characters passes the edge and meets the constraint.
    execute(
        &app,
        "ALTER TABLE consultation_points DROP CONSTRAINT consultation_points_name_check; \
         ALTER TABLE consultation_points ADD CONSTRAINT consultation_points_name_check \
         CHECK (length(name) <= 10)",
    );
    let res = app
        .post_as(
            &operator,
            "/v1/consultation-points",
            json!({"name": "INPS Roma Eur Centro", "address": "Viale Ballarin 42"}),
        )
        .await;
    let problem = res.problem(422);
    assert_eq!(
        problem["type"],
        problem_type("validation-failed"),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
    assert_eq!(
        problem["detail"], "Il valore del campo name non è ammesso.",
        "{problem}"
    );
    let text = problem.to_string();
    for leak in ["consultation_points", "constraint", "violates", "INPS Roma"] {
        assert!(!text.contains(leak), "{leak} in {problem}");
    }
    assert_eq!(rows(&app, "consultation_points"), 0);
}

#[actix_web::test]
async fn every_check_constraint_the_api_names_a_field_for_exists() {
    let app = TestApp::new();
    for (name, _) in inps_api::refusal::CHECK_FIELDS {
        let found = count_with(
            &app,
            "SELECT count(*) AS n FROM pg_constraint WHERE contype = 'c' AND conname = $1",
            name,
        );
        assert_eq!(found, 1, "CHECK constraint {name}");
    }
}
