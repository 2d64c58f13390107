//! Occasional work: services are judged by every rule and limit at their edges, in one
//! transaction that concurrent requests cannot overshoot; revocation within the window.

use futures_util::future::join_all;
use inps_tests::TestApp;
use inps_tests::fixtures::{PrestoParties, eur, libretto_service, problem_type, worker_body};
use inps_tests::personas::{employer, intermediary};
use serde_json::json;
use time::Duration;

/// The first day of work of these tests (the test clock starts on 2 March 2026, 10:00 in Rome).
const DAY: &str = "2026-03-03";

#[actix_web::test]
async fn a_presto_service_is_recorded_with_its_charges_and_commits_the_funds() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let res = p.record(&app, (DAY, "09:00", 240), "40.00").await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let service = &body["service"];
    assert_eq!(service["status"], "recorded");
    assert_eq!(
        service["amounts"],
        json!({"gross": eur("55.00"), "net": eur("40.00"), "pension": eur("13.20"),
               "inail": eur("1.40"), "management": eur("0.40")})
    );
    assert_eq!(service["revocable_until"], "2026-03-07T00:00:00+01:00");
    assert_eq!(body["residual"]["pair"], eur("2460.00"));
    let wallet = app
        .get_as(&p.client, &format!("/v1/clients/{}/wallet", p.client_id))
        .await
        .json();
    assert_eq!(wallet["committed"], eur("55.00"));
    assert_eq!(wallet["available"], eur("9945.00"));

    let path = format!("/v1/services/{}", service["id"].as_str().unwrap());
    let shown = app.get_as(&p.worker, &path).await;
    assert_eq!(shown.status, 200, "the worker sees it");
    assert_eq!(shown.header("etag"), Some("\"v1\""));
    let stranger = app.login(&intermediary()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);
    let listed = app.items(&p.worker, "/v1/services").await;
    assert_eq!(listed.len(), 1);
    let filtered = app
        .items(
            &p.client,
            &format!("/v1/services?client_id={}&status=revoked", p.client_id),
        )
        .await;
    assert!(filtered.is_empty());
}

#[actix_web::test]
async fn one_cent_over_the_pair_limit_is_refused_with_the_residuals() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let res = p.record(&app, (DAY, "09:00", 480), "2464.01").await;
    assert_eq!(res.status, 201, "{}", res.text());
    // 2,464.01 + 36.00 = 2,500.01.
    let over = p.record(&app, ("2026-03-04", "09:00", 240), "36.00").await;
    let problem = over.problem(422);
    assert_eq!(problem["type"], problem_type("occasional-limit-exceeded"));
    assert_eq!(problem["rule"], "pair_limit");
    assert_eq!(problem["broken"], json!(["pair_limit"]));
    assert_eq!(problem["residual"]["pair"], eur("35.99"));
    assert_eq!(problem["residual"]["worker"], eur("2535.99"));
    let limits = app
        .get_as(
            &p.worker,
            &format!("/v1/workers/{}/limits?year=2026", p.worker_tax_code),
        )
        .await
        .json();
    assert_eq!(limits["total"]["used"], eur("2464.01"));
    assert_eq!(limits["pairs"][0]["pair"]["residual"], eur("35.99"));
    let far = p.record(&app, ("2030-01-01", "09:00", 240), "36.00").await;
    assert_eq!(far.problem(422)["errors"][0]["field"], "date");
}

#[actix_web::test]
async fn a_payment_method_change_tells_the_clients_with_open_services() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    assert_eq!(
        p.record(&app, (DAY, "09:00", 240), "36.00").await.status,
        201
    );
    let path = format!("/v1/workers/{}/payment-method", p.worker_tax_code);
    let res = app
        .put_as(&p.worker, &path, json!({"kind": "bonifico_domiciliato"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let told = app
        .items(
            &p.client,
            "/v1/notifications?type=worker_payment_method_changed",
        )
        .await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["payload"]["kind"], "bonifico_domiciliato");
}

#[actix_web::test]
async fn the_pair_limit_is_reached_exactly() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    assert_eq!(
        p.record(&app, (DAY, "09:00", 480), "2464.00").await.status,
        201
    );
    let res = p.record(&app, ("2026-03-04", "09:00", 240), "36.00").await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    assert_eq!(body["residual"]["pair"], eur("0.00"));
    assert!(
        body["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["limit"] == "pair" && w["threshold"] == 95),
        "{body}"
    );
}

#[actix_web::test]
async fn reaching_80_percent_warns_both_parties() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let res = p.record(&app, (DAY, "09:00", 480), "2000.00").await;
    assert_eq!(res.status, 201, "{}", res.text());
    let warnings = res.json()["warnings"].clone();
    assert_eq!(
        warnings,
        json!([{"limit": "pair", "threshold": 80, "newly_reached": true}])
    );
    for token in [&p.client, &p.worker] {
        let notices = app
            .items(token, "/v1/notifications?type=occasional_limit_warning")
            .await;
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0]["payload"]["threshold"], 80);
    }
}

#[actix_web::test]
async fn presto_pays_at_least_36_euro_a_day_and_9_an_hour() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let short = p.record(&app, (DAY, "09:00", 60), "35.99").await;
    assert_eq!(short.problem(422)["rule"], "presto_daily_minimum");
    let long = p.record(&app, (DAY, "09:00", 300), "44.99").await;
    assert_eq!(long.problem(422)["rule"], "presto_hourly_minimum");
    assert_eq!(
        p.record(&app, (DAY, "09:00", 60), "36.00").await.status,
        201
    );
    assert_eq!(
        p.record(&app, (DAY, "12:00", 300), "45.00").await.status,
        201
    );
}

#[actix_web::test]
async fn presto_is_declared_at_least_one_hour_before_the_start() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    // Now is 10:00 in Rome on 2 March.
    let late = p.record(&app, ("2026-03-02", "10:59", 240), "36.00").await;
    let problem = late.problem(422);
    assert_eq!(problem["type"], problem_type("occasional-rule-broken"));
    assert_eq!(problem["rule"], "presto_notice");
    let res = p.record(&app, ("2026-03-02", "11:00", 240), "36.00").await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn a_presto_service_is_revocable_until_midnight_in_rome_of_the_third_day_after() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let first = p.record(&app, (DAY, "09:00", 240), "36.00").await.json();
    let second = p.record(&app, (DAY, "14:00", 240), "36.00").await.json();
    let revoke = |body: &serde_json::Value| {
        let id = body["service"]["id"].as_str().unwrap().to_owned();
        format!("/v1/services/{id}/revocation")
    };
    // Until 6 March 23:59:59 in Rome (22:59:59 UTC); sessions do not last days: log in again.
    app.advance(Duration::days(4) + Duration::hours(13) + Duration::seconds(59 * 60 + 59));
    let client = app.login(&employer()).await;
    let res = app.call("POST", &revoke(&first), Some(&client), None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "revoked");
    let again = app.call("POST", &revoke(&first), Some(&client), None).await;
    assert_eq!(again.problem(409)["type"], problem_type("state-conflict"));
    app.advance(Duration::seconds(1));
    let res = app
        .call("POST", &revoke(&second), Some(&client), None)
        .await;
    assert_eq!(res.problem(422)["rule"], "revocation_window");
    let wallet_path = format!("/v1/clients/{}/wallet", p.client_id);
    let wallet = app.get_as(&client, &wallet_path).await.json();
    assert_eq!(
        wallet["committed"],
        eur("49.50"),
        "the first service's funds are released"
    );
    let worker = app.login(&inps_tests::personas::other_person()).await;
    let by_worker = app
        .call("POST", &revoke(&second), Some(&worker), None)
        .await;
    assert_eq!(
        by_worker.problem(403)["type"],
        problem_type("forbidden"),
        "only the client side revokes"
    );
}

#[actix_web::test]
async fn pay_to_a_pensioner_counts_at_75_percent_against_the_client_limit_only() {
    let app = TestApp::new();
    let me = employer();
    let token = app.login(&me).await;
    app.give_consents(&token).await;
    let pensioner = json!({"category": "pensioner", "pension": "old_age"});
    let res = app
        .post_as(&token, "/v1/workers", worker_body(&me.tax_code, pensioner))
        .await;
    assert_eq!(res.status, 201);
    let other = inps_tests::personas::other_person();
    let family = app.login(&other).await;
    let client = app.person_client(&family, &other).await;
    app.fund(&family, &client, "100.00").await;
    // 3 hours: 3 titles, 24 EUR net, 18 EUR against the client limit.
    let res = app
        .post_as(
            &family,
            "/v1/services",
            libretto_service(&client, &me.tax_code, DAY, 150),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["service"]["titles"], 3);
    let limits = app
        .get_as(&family, &format!("/v1/clients/{client}/limits?year=2026"))
        .await
        .json();
    assert_eq!(limits["total"]["used"], eur("18.00"));
    assert_eq!(limits["pairs"][0]["pair"]["used"], eur("24.00"));
    let worker = app
        .get_as(&token, &format!("/v1/workers/{}/limits", me.tax_code))
        .await
        .json();
    assert_eq!(worker["total"]["used"], eur("24.00"));
    // A Libretto Famiglia pays only for the allowed activities.
    let mut other_work = libretto_service(&client, &me.tax_code, DAY, 60);
    other_work["activity"] = json!("other");
    let res = app.post_as(&family, "/v1/services", other_work).await;
    assert_eq!(res.problem(422)["rule"], "libretto_activity");
    // And only up to the funds paid in: 100 - 30 leaves 70, so 8 titles are too many.
    let res = app
        .post_as(
            &family,
            "/v1/services",
            libretto_service(&client, &me.tax_code, DAY, 480),
        )
        .await;
    assert_eq!(res.problem(422)["type"], problem_type("insufficient-funds"));
}

#[actix_web::test]
async fn an_inconsistent_student_declaration_blocks_new_services() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let path = format!("/v1/workers/{}/self-declaration", p.worker_tax_code);
    // The worker was born in 1945.
    let student = json!({"category": "student_under_25", "institution": "Liceo Tasso"});
    assert_eq!(app.put_as(&p.worker, &path, student).await.status, 200);
    let res = p.record(&app, (DAY, "09:00", 240), "36.00").await;
    assert_eq!(res.problem(422)["rule"], "declaration_pending");
    assert_eq!(
        app.put_as(&p.worker, &path, json!({"category": "other"}))
            .await
            .status,
        200
    );
    assert_eq!(
        p.record(&app, (DAY, "09:00", 240), "36.00").await.status,
        201
    );
}

#[actix_web::test]
async fn fifty_concurrent_services_never_push_the_pair_past_its_limit() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    // 50 services of 100 EUR: 5,000 EUR against a pair limit of 2,500.
    let (app_ref, parties) = (&app, &p);
    let requests = (0..50).map(|i| {
        let day = format!("2026-04-{:02}", 1 + i % 28);
        let start = format!("{:02}:00", 6 + i / 28 * 8);
        async move { parties.record(app_ref, (&day, &start, 240), "100.00").await }
    });
    let responses = join_all(requests).await;
    let accepted = responses.iter().filter(|r| r.status == 201).count();
    for res in responses.iter().filter(|r| r.status != 201) {
        assert_eq!(res.problem(422)["rule"], "pair_limit", "{}", res.text());
    }
    assert_eq!(accepted, 25, "exactly what fits in 2,500 EUR");
    let limits = app
        .get_as(
            &p.client,
            &format!("/v1/clients/{}/limits?year=2026", p.client_id),
        )
        .await
        .json();
    assert_eq!(limits["pairs"][0]["pair"]["used"], eur("2500.00"));
    let wallet = app
        .get_as(&p.client, &format!("/v1/clients/{}/wallet", p.client_id))
        .await
        .json();
    assert_eq!(
        wallet["committed"],
        eur("3437.50"),
        "25 services of 137.50 EUR"
    );
}
