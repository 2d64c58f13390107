//! Occasional work: workers register after the onboarding consents, with a self-declaration
//! checked against their tax code and a payment method; who may see and change them.

use inps_tests::TestApp;
use inps_tests::fixtures::{IBAN, count_with, problem_type, worker_body};
use inps_tests::personas::{employer, intermediary, other_person};
use serde_json::json;

#[actix_web::test]
async fn a_worker_registers_after_the_consents_and_gets_the_worker_role() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    let body = worker_body(
        &me.tax_code,
        json!({"category": "pensioner", "pension": "old_age"}),
    );

    let early = app.post_as(&token, "/v1/workers", body.clone()).await;
    assert_eq!(
        early.problem(409)["type"],
        problem_type("onboarding-incomplete")
    );

    app.give_consents(&token).await;
    let res = app.post_as(&token, "/v1/workers", body.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let worker = res.json();
    assert_eq!(
        worker["self_declaration"],
        json!({"category": "pensioner", "pension": "old_age"})
    );
    assert_eq!(
        worker["payment_method"],
        json!({"kind": "iban_transfer", "iban": IBAN})
    );
    assert_eq!(worker["pending_action"], false);
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/workers/{}", me.tax_code).as_str())
    );
    let roles = app.get_as(&token, "/v1/me").await.json()["roles"].clone();
    assert!(
        roles.as_array().unwrap().contains(&json!("worker")),
        "{roles}"
    );

    let again = app.post_as(&token, "/v1/workers", body).await;
    assert_eq!(again.problem(409)["type"], problem_type("state-conflict"));
    let shown = app
        .get_as(&token, &format!("/v1/workers/{}", me.tax_code))
        .await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json()["self_declaration"], worker["self_declaration"]);
}

#[actix_web::test]
async fn the_declaration_details_and_the_iban_are_checked() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    app.give_consents(&token).await;
    let cases = [
        (
            json!({"category": "pensioner"}),
            None,
            "self_declaration.pension",
        ),
        (
            json!({"category": "other", "scheme": "cassa integrazione"}),
            None,
            "self_declaration.scheme",
        ),
        (
            json!({"category": "income_support", "scheme": "   "}),
            None,
            "self_declaration.scheme",
        ),
        (
            json!({"category": "other"}),
            Some(json!({"kind": "iban_transfer", "iban": "IT60X0542811101000000123457"})),
            "payment_method.iban",
        ),
        (
            json!({"category": "other"}),
            Some(json!({"kind": "iban_transfer"})),
            "payment_method.iban",
        ),
        (
            json!({"category": "other"}),
            Some(json!({"kind": "post_office_mandate", "iban": IBAN})),
            "payment_method.iban",
        ),
    ];
    for (declaration, method, field) in cases {
        let mut body = worker_body(&me.tax_code, declaration);
        if let Some(method) = method {
            body["payment_method"] = method;
        }
        let res = app.post_as(&token, "/v1/workers", body).await;
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let ok = worker_body(&me.tax_code, json!({"category": "other"}));
    let mut ok = ok;
    ok["payment_method"] = json!({"kind": "bonifico_domiciliato"});
    assert_eq!(app.post_as(&token, "/v1/workers", ok).await.status, 201);
}

#[actix_web::test]
async fn a_student_aged_25_or_more_is_a_pending_action_until_the_declaration_is_updated() {
    let app = TestApp::new();
    // Born 10/12/1985: 40 on the test day.
    let me = employer();
    let token = app.login(&me).await;
    app.give_consents(&token).await;
    let student = json!({"category": "student_under_25", "institution": "Università di Bologna"});
    let res = app
        .post_as(&token, "/v1/workers", worker_body(&me.tax_code, student))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let worker = res.json();
    assert_eq!(worker["pending_action"], true);
    assert_eq!(worker["alerts"][0]["code"], "student_not_under_25");
    assert_eq!(worker["alerts"][0]["blocks_services"], true);
    assert_eq!(worker["alerts"][0]["facts"]["age"], 40);
    let open = "SELECT count(*) AS n FROM pending_actions \
                WHERE kind = 'occasional_declaration' AND tax_code = $1 AND resolved_at IS NULL";
    assert_eq!(count_with(&app, open, &me.tax_code), 1);

    let path = format!("/v1/workers/{}/self-declaration", me.tax_code);
    let res = app
        .put_as(&token, &path, json!({"category": "other"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["pending_action"], false);
    assert_eq!(count_with(&app, open, &me.tax_code), 0);
    let operator = app.login_operator().await;
    let events = app.audit_events(&operator, "").await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "worker.self_declaration.replace"),
        "{events:?}"
    );
}

#[actix_web::test]
async fn a_payment_method_change_is_audited_and_notified_without_the_iban() {
    let app = TestApp::new();
    let me = employer();
    let token = app.worker(&me).await;
    let path = format!("/v1/workers/{}/payment-method", me.tax_code);
    let res = app
        .put_as(&token, &path, json!({"kind": "post_office_mandate"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json()["payment_method"],
        json!({"kind": "post_office_mandate"})
    );

    let notices = app
        .items(&token, "/v1/notifications?type=payment_method_changed")
        .await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        notices[0]["payload"],
        json!({"previous_kind": "iban_transfer", "kind": "post_office_mandate"})
    );
    let operator = app.login_operator().await;
    let events = app.audit_events(&operator, "").await;
    let change: Vec<_> = events
        .iter()
        .filter(|e| e["action"] == "worker.payment_method.replace")
        .collect();
    assert_eq!(change.len(), 1, "{events:?}");
    assert!(!serde_json::to_string(&events).unwrap().contains(IBAN));
}

#[actix_web::test]
async fn a_worker_is_visible_to_the_worker_a_delegate_within_scope_and_operators_only() {
    let app = TestApp::new();
    let me = employer();
    let token = app.worker(&me).await;
    let path = format!("/v1/workers/{}", me.tax_code);
    let stranger = app.login(&other_person()).await;
    assert_eq!(
        app.get_as(&stranger, &path).await.problem(404)["type"],
        problem_type("not-found")
    );
    let declaration = format!("{path}/self-declaration");
    let res = app
        .put_as(&stranger, &declaration, json!({"category": "other"}))
        .await;
    assert_eq!(res.status, 404);

    let operator = app.login_operator().await;
    assert_eq!(app.get_as(&operator, &path).await.status, 200);

    let scopes = ["read", "services"];
    let (agent_token, _) = app
        .occasional_agent(
            &token,
            &intermediary(),
            &scopes,
            ("2026-03-02", "2027-03-01"),
        )
        .await;
    assert_eq!(app.get_as(&agent_token, &path).await.status, 200);
    let res = app
        .put_as(&agent_token, &declaration, json!({"category": "other"}))
        .await;
    assert_eq!(res.problem(403)["type"], problem_type("scope-not-granted"));
    assert_eq!(res.json()["missing_scope"], "registration");
}
