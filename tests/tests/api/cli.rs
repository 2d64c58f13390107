//! The administration commands run the same use cases as the API, against the same database.

use inps_api::cli::{self, SandboxAssertionArgs};
use inps_api::clock::Clock as _;
use inps_api::delegations::intermediaries::NewIntermediary;
use inps_api::wire::Qualification;
use inps_tests::TestApp;
use inps_tests::fixtures::problem_type;
use inps_tests::personas::{intermediary, other_person};
use serde_json::json;

fn args(tax_code: &str, level: &str) -> SandboxAssertionArgs {
    SandboxAssertionArgs {
        tax_code: tax_code.into(),
        level: level.into(),
        idp: "cie".into(),
        given_name: "Maria".into(),
        family_name: "Rossini".into(),
    }
}

#[actix_web::test]
async fn the_printed_sandbox_assertion_logs_in() {
    let app = TestApp::new();
    let settings = (*app.state.settings).clone();
    let assertion = cli::sandbox_assertion(
        &settings,
        &args(&other_person().tax_code, "L3"),
        app.clock.now(),
    )
    .unwrap();
    let res = app.create_session(&assertion).await;
    assert_eq!(res.status, 201, "{:?}", res.body);
    assert_eq!(res.json()["person"]["given_name"], "Maria");

    let l1 = cli::sandbox_assertion(
        &settings,
        &args(&other_person().tax_code, "L1"),
        app.clock.now(),
    )
    .unwrap();
    let res = app.create_session(&l1).await;
    assert_eq!(
        res.problem(401)["type"],
        problem_type("assertion-insufficient-level")
    );
    assert!(cli::sandbox_assertion(&settings, &args("NOTACODE", "L2"), app.clock.now()).is_err());
    assert!(
        cli::sandbox_assertion(&settings, &args("12345678903", "L2"), app.clock.now()).is_err()
    );
}

#[actix_web::test]
async fn grant_role_names_an_operator_before_their_first_login() {
    let app = TestApp::new();
    let settings = (*app.state.settings).clone();
    let person = other_person();
    let roles = cli::grant_role(
        &settings,
        &person.tax_code,
        "operator",
        false,
        app.clock.now(),
    )
    .unwrap();
    assert_eq!(roles, ["operator"]);
    let token = app.login(&person).await;
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["roles"], json!(["operator"]));
    assert_eq!(
        me["person"]["given_name"], "Maria",
        "the first login sets the names"
    );

    let roles = cli::grant_role(
        &settings,
        &person.tax_code,
        "operator",
        true,
        app.clock.now(),
    )
    .unwrap();
    assert!(roles.is_empty());
    assert!(
        cli::grant_role(
            &settings,
            &person.tax_code,
            "emperor",
            false,
            app.clock.now()
        )
        .is_err()
    );
}

#[actix_web::test]
async fn register_intermediary_is_audited_as_the_command_line() {
    let app = TestApp::new();
    let settings = (*app.state.settings).clone();
    let p = intermediary();
    let input = NewIntermediary {
        tax_code: p.tax_code.clone(),
        given_name: p.given_name.into(),
        family_name: p.family_name.into(),
        qualification: Qualification::Patronato,
        registration_number: None,
    };
    cli::register_intermediary(&settings, &p.tax_code, &input, app.clock.now()).unwrap();
    let again =
        cli::register_intermediary(&settings, &p.tax_code, &input, app.clock.now()).unwrap_err();
    assert!(again.to_string().contains("already registered"), "{again}");

    let operator = app.login_operator().await;
    let shown = app
        .get_as(&operator, &format!("/v1/intermediaries/{}", p.tax_code))
        .await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json()["qualification"], "patronato");
    let events = app
        .get_as(
            &operator,
            &format!("/v1/audit-events?subject_tax_code={}", p.tax_code),
        )
        .await
        .json();
    let register = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "intermediary.register")
        .expect("audited");
    assert_eq!(register["actor_tax_code"], serde_json::Value::Null);
    assert_eq!(register["request_id"], "cli");
}
