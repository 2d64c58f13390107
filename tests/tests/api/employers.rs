//! The employer's data (names, birth data from the tax code, address, contacts, delegation)
//! and who sees the cassetto: the employer, an intermediary with an active delegation (its
//! reads logged), never a stranger.

use inps_domain::employment::EmploymentCode;
use inps_tests::TestApp;
use inps_tests::fixtures::employment;
use inps_tests::personas::{employer, intermediary, other_person};
use serde_json::{Value, json};

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
    assert_eq!(res.status, 200, "{}", res.text());

    let path = format!("/v1/employers/{}", employer().tax_code);
    let res = app.get_as(&boss, &path).await;
    assert_eq!(res.status, 200, "{}", res.text());
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
    assert_eq!(res.status, 200, "{}", res.text());
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
        assert_eq!(own.status, 200, "{path}: {}", own.text());
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
        assert_eq!(res.status, 200, "{path}: {}", res.text());
        seen.push(res.json());
    }
    assert_eq!(seen[0]["tax_code"], tc);
    assert_eq!(seen[1]["items"][0]["employment_code"], code);
    assert_eq!(seen[2]["employment_code"], code);
    let quarters: Vec<&Value> = seen[3]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| &c["quarter"])
        .collect();
    assert_eq!(quarters, [&json!("2026-Q1")]);
    assert_eq!(seen[4]["items"], json!([]));
    // The stranger still sees nothing.
    for (_, path) in &paths {
        app.get_as(&stranger, path).await.problem(404);
    }

    // Every delegated read is in the accountability log, on the employer, under the delegation.
    let events = app
        .audit_events(
            &operator,
            &format!("&actor_tax_code={}", intermediary().tax_code),
        )
        .await;
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
    let own_events = app
        .audit_events(&operator, &format!("&actor_tax_code={tc}"))
        .await;
    assert!(
        own_events
            .iter()
            .filter(|e| e["action"].as_str().is_some_and(|a| a.ends_with(".read")))
            .all(|e| e["delegation_id"].is_null()),
        "{own_events:?}"
    );

    // Once revoked, the delegation opens nothing.
    let res = app
        .delegation_action(&boss, &delegation, "revoke", None)
        .await;
    assert_eq!(res.status, 200, "revoke: {}", res.text());
    for (_, path) in &paths {
        app.get_as(&agent, path).await.problem(404);
    }
}
