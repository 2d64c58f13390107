//! Occasional work: INPS's monthly payment runs pay each worker's payable services once (also
//! under concurrent runs), the back office moves payments through their states, a failed
//! payment's services are paid again later, a credited payment has a PDF receipt, and the
//! dashboards add the year up.

use futures_util::future::join_all;
use inps_tests::TestApp;
use inps_tests::fixtures::{LapsingAgents, PrestoParties, count, eur, problem_type, rows};
use inps_tests::personas::{employer, intermediary, other_person};
use serde_json::{Value, json};
use time::macros::datetime;

/// Records a PrestO service of `pay` net, 4 hours from 09:00 on `date`; its id.
async fn service(app: &TestApp, p: &PrestoParties, date: &str, pay: &str) -> String {
    let res = p.record(app, (date, "09:00", 240), pay).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["service"]["id"].as_str().unwrap().to_owned()
}

/// The clock moved to `at`: sessions lapse, so everyone logs in again; `(parties, operator)`.
async fn at(app: &TestApp, p: &PrestoParties, at: time::OffsetDateTime) -> (PrestoParties, String) {
    app.clock.set(at);
    let parties = PrestoParties {
        client: app.login(&employer()).await,
        client_id: p.client_id.clone(),
        worker: app.login(&other_person()).await,
        worker_tax_code: p.worker_tax_code.clone(),
    };
    (parties, app.login_operator().await)
}

async fn run(app: &TestApp, token: &str, month: &str) -> (u16, Value) {
    let res = app
        .post_as(token, "/v1/payment-runs", json!({"month": month}))
        .await;
    let status = res.status.as_u16();
    (status, res.json())
}

async fn outcome(app: &TestApp, token: &str, id: &str, body: Value) -> inps_tests::TestResponse {
    app.post_as(token, &format!("/v1/payments/{id}/outcome"), body)
        .await
}

async fn status_of_service(app: &TestApp, token: &str, id: &str) -> String {
    let body = app
        .get_as(token, &format!("/v1/services/{id}"))
        .await
        .json();
    body["status"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_run_pays_each_payable_service_once_and_a_credited_payment_has_a_pdf_receipt() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let paid = service(&app, &p, "2026-03-03", "40.00").await;
    let also = service(&app, &p, "2026-03-10", "36.00").await;
    let revoked = service(&app, &p, "2026-03-20", "36.00").await;
    let disputed = service(&app, &p, "2026-03-25", "36.00").await;
    let res = app
        .call(
            "POST",
            &format!("/v1/services/{revoked}/revocation"),
            Some(&p.client),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_as(
            &p.worker,
            &format!("/v1/services/{disputed}/disputes"),
            json!({"reason": "wrong_hours", "text": "Ho lavorato 5 ore."}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());

    // March is not over on 20 March; a month is YYYY-MM.
    let (p, operator) = at(&app, &p, datetime!(2026-03-20 10:00 UTC)).await;
    let (status, body) = run(&app, &operator, "2026-03").await;
    assert_eq!(
        (status, body["errors"][0]["field"].clone()),
        (422, json!("month"))
    );
    for bad in ["2026-13", "2026-3", "march"] {
        let (status, body) = run(&app, &operator, bad).await;
        assert_eq!(
            (status, body["errors"][0]["field"].clone()),
            (422, json!("month")),
            "{bad}"
        );
    }

    let (p, operator) = at(&app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let (status, body) = run(&app, &p.worker, "2026-03").await;
    assert_eq!(
        (status, body["type"].clone()),
        (403, json!(problem_type("forbidden")))
    );
    let (status, body) = run(&app, &operator, "2026-03").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["services_count"], 2);
    assert_eq!(body["total"], eur("76.00"));
    let payments = body["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1);
    let payment = &payments[0];
    assert_eq!(payment["worker_tax_code"], p.worker_tax_code.as_str());
    assert_eq!(payment["month"], "2026-03");
    assert_eq!(payment["status"], "scheduled");
    assert_eq!(payment["amount"], eur("76.00"));
    assert_eq!(payment["fee"], eur("1.75"));
    assert_eq!(payment["credited_amount"], eur("74.25"));
    assert_eq!(
        payment["payment_method"],
        json!({"kind": "iban_transfer", "iban_masked": "***********************3456"})
    );
    let id = payment["id"].as_str().unwrap().to_owned();
    let shown = app
        .get_as(
            &operator,
            &format!("/v1/payment-runs/{}", body["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(shown.json()["payments"][0]["id"], id.as_str());

    // Idempotent per month: nothing is left to pay.
    let (status, again) = run(&app, &operator, "2026-03").await;
    assert_eq!(status, 201);
    assert_eq!(again["payments"], json!([]));
    assert_eq!(again["total"], eur("0.00"));

    // The worker sees the payment; the client side and strangers do not.
    let path = format!("/v1/payments/{id}");
    let shown = app.get_as(&p.worker, &path).await;
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(shown.header("etag"), Some("\"v1\""));
    let listed: Vec<Value> = shown.json()["services"].as_array().unwrap().clone();
    let ids: Vec<&str> = listed
        .iter()
        .map(|s| s["service_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [paid.as_str(), also.as_str()]);
    assert_eq!(app.get_as(&p.client, &path).await.status, 404);
    let stranger = app.login(&intermediary()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);

    // A service in a payment can no longer be rectified or disputed.
    let res = app
        .post_as(
            &p.worker,
            &format!("/v1/services/{paid}/disputes"),
            json!({"reason": "other", "text": "Controllo."}),
        )
        .await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    let res = app
        .merge_patch(
            &p.client,
            &format!("/v1/services/{paid}"),
            json!({"place": "Roma"}),
            Some("\"v1\""),
        )
        .await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));

    // No receipt before credit; scheduled cannot jump to credited; a stale If-Match is 412.
    let receipt = format!("/v1/payments/{id}/receipt");
    assert_eq!(
        app.get_as(&p.worker, &receipt).await.problem(409)["type"],
        problem_type("state-conflict")
    );
    let res = outcome(&app, &operator, &id, json!({"outcome": "credited"})).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    let res = outcome(&app, &p.worker, &id, json!({"outcome": "in_payment"})).await;
    assert_eq!(res.status, 403);
    let res = outcome(&app, &operator, &id, json!({"outcome": "in_payment"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["payment"]["status"], "in_payment");
    let req = actix_web::test::TestRequest::post()
        .uri(&format!("/v1/payments/{id}/outcome"))
        .insert_header(("Authorization", format!("Bearer {operator}")))
        .insert_header(("If-Match", "\"v1\""))
        .set_json(json!({"outcome": "credited"}));
    assert_eq!(app.send(req).await.status, 412);
    let res = outcome(&app, &operator, &id, json!({"outcome": "credited"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["payment"]["status"], "credited");
    let res = outcome(
        &app,
        &operator,
        &id,
        json!({"outcome": "failed", "reason": "x"}),
    )
    .await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));

    // Credited: the services are paid and their cost left the wallet.
    assert_eq!(status_of_service(&app, &p.worker, &paid).await, "paid");
    assert_eq!(status_of_service(&app, &p.worker, &also).await, "paid");
    assert_eq!(
        status_of_service(&app, &p.worker, &disputed).await,
        "disputed"
    );
    let wallet = app
        .get_as(&p.client, &format!("/v1/clients/{}/wallet", p.client_id))
        .await
        .json();
    // 10,000 - 55.00 - 49.50 paid out; the disputed service's 49.50 stays committed.
    assert_eq!(
        wallet,
        json!({"paid_in": eur("9895.50"), "committed": eur("49.50"), "available": eur("9846.00")})
    );

    // The receipt: a real PDF with the amounts, the masked IBAN and the worker.
    let res = app.get_as(&p.worker, &receipt).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/pdf"));
    assert_eq!(
        res.header("content-disposition"),
        Some(format!("attachment; filename=\"ricevuta-{id}.pdf\"").as_str())
    );
    let pdf = lopdf::Document::load_mem(&res.body).expect("a PDF");
    let text = pdf.extract_text(&[1]).expect("text");
    for expected in [
        "76.00 EUR",
        "74.25 EUR",
        "1.75 EUR",
        "***3456",
        "2026-03",
        "credited",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(text.contains(&p.worker_tax_code));
    assert!(!text.contains("IT60X0542811101000000123456"));

    // The worker was told of each step; each step is in the accountability log.
    let told = app
        .items(
            &p.worker,
            "/v1/notifications?type=occasional_payment_updated",
        )
        .await;
    assert_eq!(told.len(), 3, "scheduled, in payment, credited");
    let logged = count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE action IN \
         ('payment.schedule', 'payment.in_payment', 'payment.credited', 'payment_run.create')",
    );
    assert_eq!(logged, 5, "one schedule, two outcomes, two runs");
}

#[actix_web::test]
async fn a_failed_payment_releases_its_services_to_a_later_run() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let first = service(&app, &p, "2026-03-03", "40.00").await;
    let (p, operator) = at(&app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let (_, body) = run(&app, &operator, "2026-03").await;
    let failed = body["payments"][0]["id"].as_str().unwrap().to_owned();
    for reason in [json!(null), json!("  "), json!("x".repeat(501))] {
        let res = outcome(
            &app,
            &operator,
            &failed,
            json!({"outcome": "failed", "reason": reason}),
        )
        .await;
        assert_eq!(res.problem(422)["errors"][0]["field"], "reason");
    }
    let res = outcome(
        &app,
        &operator,
        &failed,
        json!({"outcome": "failed", "reason": "conto estinto"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["payment"]["failure_reason"], "conto estinto");
    assert_eq!(status_of_service(&app, &p.worker, &first).await, "recorded");
    let res = outcome(&app, &operator, &failed, json!({"outcome": "in_payment"})).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));

    // The next run pays it again, in a new payment; the failed one stays failed.
    let (status, body) = run(&app, &operator, "2026-03").await;
    assert_eq!(status, 201);
    let second = body["payments"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(second, failed);
    assert_eq!(body["payments"][0]["amount"], eur("40.00"));
    let old = app
        .get_as(&p.worker, &format!("/v1/payments/{failed}"))
        .await
        .json();
    assert_eq!(old["payment"]["status"], "failed");

    // The worker's payments, one per page.
    let path = format!("/v1/workers/{}/payments?limit=1", p.worker_tax_code);
    let page = app.get_as(&p.worker, &path).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let next = app
        .get_as(&p.worker, &format!("{path}&cursor={cursor}"))
        .await
        .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["next_cursor"], Value::Null);
    let mut both = vec![
        page["items"][0]["id"].as_str().unwrap().to_owned(),
        next["items"][0]["id"].as_str().unwrap().to_owned(),
    ];
    both.sort();
    let mut expected = vec![failed, second];
    expected.sort();
    assert_eq!(both, expected);
    let bad = app
        .get_as(&p.worker, &format!("{path}&cursor=nonsense"))
        .await;
    assert!(bad.status == 400 || bad.status == 422, "{}", bad.text());
    let stranger = app.login(&intermediary()).await;
    assert_eq!(app.get_as(&stranger, &path).await.status, 404);
}

#[actix_web::test]
async fn a_presto_service_is_paid_only_after_its_revocation_window_closes_at_midnight_in_rome() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    // Tuesday 31 March: revocable until the end of Friday 3 April, 24:00 in Rome (22:00 UTC).
    service(&app, &p, "2026-03-31", "36.00").await;
    let (p, operator) = at(&app, &p, datetime!(2026-04-03 21:59:59 UTC)).await;
    let (status, body) = run(&app, &operator, "2026-03").await;
    assert_eq!(status, 201);
    assert_eq!(body["payments"], json!([]), "still revocable");
    let (_, operator) = at(&app, &p, datetime!(2026-04-03 22:00 UTC)).await;
    let (_, body) = run(&app, &operator, "2026-03").await;
    assert_eq!(body["payments"][0]["amount"], eur("36.00"));
}

#[actix_web::test]
async fn concurrent_runs_never_pay_a_service_twice() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    for day in 3..=10 {
        service(&app, &p, &format!("2026-03-{day:02}"), "36.00").await;
    }
    let (_, operator) = at(&app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let app_ref = &app;
    let token = &operator;
    let responses =
        join_all((0..24).map(|_| async move { run(app_ref, token, "2026-03").await })).await;
    let mut payments = 0;
    for (status, body) in &responses {
        assert_eq!(*status, 201, "{body}");
        payments += body["payments"].as_array().unwrap().len();
    }
    assert_eq!(
        payments, 1,
        "one payment for the worker, made by exactly one run"
    );
    let held = count(
        &app,
        "SELECT count(*) AS n FROM occasional_payment_services WHERE NOT released",
    );
    let distinct = count(
        &app,
        "SELECT count(DISTINCT service_id) AS n FROM occasional_payment_services",
    );
    let recorded = count(&app, "SELECT count(*) AS n FROM occasional_services");
    assert_eq!((held, distinct), (recorded, recorded));
    let runs = count(&app, "SELECT count(*) AS n FROM occasional_payment_runs");
    assert_eq!(runs, 24);
}

#[actix_web::test]
async fn the_dashboards_add_up_the_year_from_real_services() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let paid = service(&app, &p, "2026-03-03", "40.00").await;
    let in_payment = service(&app, &p, "2026-04-01", "36.00").await;
    let revoked = service(&app, &p, "2026-04-02", "50.00").await;
    let disputed = service(&app, &p, "2026-04-03", "36.00").await;
    let open = service(&app, &p, "2026-05-04", "100.00").await;
    app.call(
        "POST",
        &format!("/v1/services/{revoked}/revocation"),
        Some(&p.client),
        None,
    )
    .await;
    let res = app
        .post_as(
            &p.worker,
            &format!("/v1/services/{disputed}/disputes"),
            json!({"reason": "wrong_amount", "text": "Erano 40 euro."}),
        )
        .await;
    assert_eq!(res.status, 201);
    let (p, operator) = at(&app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let (_, march) = run(&app, &operator, "2026-03").await;
    let march_id = march["payments"][0]["id"].as_str().unwrap().to_owned();
    for step in ["in_payment", "credited"] {
        let res = outcome(&app, &operator, &march_id, json!({"outcome": step})).await;
        assert_eq!(res.status, 200);
    }
    let (p, operator) = at(&app, &p, datetime!(2026-05-10 08:00 UTC)).await;
    let (_, april) = run(&app, &operator, "2026-04").await;
    assert_eq!(april["payments"][0]["amount"], eur("36.00"));
    assert_eq!(status_of_service(&app, &p.worker, &paid).await, "paid");
    assert_eq!(
        status_of_service(&app, &p.worker, &in_payment).await,
        "recorded"
    );
    assert_eq!(status_of_service(&app, &p.worker, &open).await, "recorded");

    let worker_path = format!("/v1/workers/{}/dashboard?year=2026", p.worker_tax_code);
    let dashboard = app.get_as(&p.worker, &worker_path).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text());
    let d = dashboard.json();
    // Not revoked: 40 + 36 + 36 + 100 = 212; paid 40; not yet paid 36 + 100, of which 36 in
    // a payment; disputed 36.
    assert_eq!(d["earned"], eur("212.00"));
    assert_eq!(d["paid_by_inps"], eur("40.00"));
    assert_eq!(d["not_yet_paid"], eur("136.00"));
    assert_eq!(d["in_payment"], eur("36.00"));
    assert_eq!(d["disputed"], eur("36.00"));
    assert_eq!(d["limits"]["total"]["used"], eur("212.00"));
    assert_eq!(d["limits"]["total"]["residual"], eur("4788.00"));
    let empty = app
        .get_as(
            &p.worker,
            &format!("/v1/workers/{}/dashboard?year=2025", p.worker_tax_code),
        )
        .await
        .json();
    assert_eq!(empty["earned"], eur("0.00"));
    let res = app
        .get_as(
            &p.worker,
            &format!("/v1/workers/{}/dashboard?year=1999", p.worker_tax_code),
        )
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "year");

    let client_path = format!("/v1/clients/{}/dashboard?year=2026", p.client_id);
    let c = app.get_as(&p.client, &client_path).await.json();
    // Gross: 55.00 + 49.50 + 49.50 + 137.50 = 291.50 (the revoked 68.75 is not spent).
    assert_eq!(c["spent"], eur("291.50"));
    assert_eq!(c["net_pay"], eur("212.00"));
    assert_eq!(
        c["services_by_status"],
        json!({"recorded": 2, "disputed": 1, "rectified": 0, "revoked": 1, "paid": 1})
    );
    // 10,000 paid in, 55.00 paid out; committed 49.50 + 49.50 + 137.50.
    assert_eq!(
        c["wallet"],
        json!({"paid_in": eur("9945.00"), "committed": eur("236.50"), "available": eur("9708.50")})
    );
    assert_eq!(c["limits"]["total"]["limit"], eur("10000.00"));
    assert_eq!(c["limits"]["total"]["used"], eur("212.00"));

    // Strangers see neither; a delegate of the worker does, and the read is logged.
    let stranger = app.login(&intermediary()).await;
    assert_eq!(app.get_as(&stranger, &worker_path).await.status, 404);
    assert_eq!(app.get_as(&stranger, &client_path).await.status, 404);
    let scopes = ["read", "services"];
    let (agent_token, _) = app
        .occasional_agent(
            &p.worker,
            &intermediary(),
            &scopes,
            ("2026-05-10", "2027-05-09"),
        )
        .await;
    assert_eq!(app.get_as(&agent_token, &worker_path).await.status, 200);
    let payment = format!("/v1/payments/{march_id}");
    assert_eq!(app.get_as(&agent_token, &payment).await.status, 200);
    let logged = count(
        &app,
        "SELECT count(*) AS n FROM audit_events \
         WHERE action IN ('worker.dashboard.read', 'payment.read') AND delegation_id IS NOT NULL",
    );
    assert_eq!(
        logged, 2,
        "both delegated reads are in the accountability log"
    );
}

/// A credited payment of one March service, seen on 10 April; `(parties, operator, payment id)`.
async fn credited(app: &TestApp) -> (PrestoParties, String, String) {
    let p = PrestoParties::on(app).await;
    service(app, &p, "2026-03-03", "40.00").await;
    let (p, operator) = at(app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let (status, body) = run(app, &operator, "2026-03").await;
    assert_eq!(status, 201, "{body}");
    let id = body["payments"][0]["id"].as_str().unwrap().to_owned();
    for step in ["in_payment", "credited"] {
        let res = outcome(app, &operator, &id, json!({"outcome": step})).await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    (p, operator, id)
}

#[actix_web::test]
async fn a_revoked_or_expired_delegate_of_the_worker_sees_no_payment_receipt_or_dashboard() {
    let app = TestApp::new();
    let (p, _, id) = credited(&app).await;
    let worker = &p.worker_tax_code;
    let reads = [
        format!("/v1/workers/{worker}/payments"),
        format!("/v1/payments/{id}"),
        format!("/v1/payments/{id}/receipt"),
        format!("/v1/workers/{worker}/dashboard?year=2026"),
    ];
    // Two delegates with the scopes these reads need: one to be revoked, one whose last day
    // is today.
    let agents = LapsingAgents::on(
        &app,
        &p.worker,
        &["read", "services"],
        ("2026-04-10", "2027-04-09"),
    )
    .await;
    for token in &agents.tokens {
        for path in &reads {
            let res = app.get_as(token, path).await;
            assert_eq!(res.status, 200, "in force, {path}: {}", res.text());
        }
    }
    // 11 April: one revoked, the other over.
    for token in &agents.lapse(&app, &p.worker).await {
        for path in &reads {
            let res = app.get_as(token, path).await;
            assert_eq!(
                res.problem(404)["type"],
                problem_type("not-found"),
                "{path}"
            );
        }
    }
    let mut expected = vec![
        (
            "payment.list".to_owned(),
            format!("/v1/workers/{worker}/payments"),
        ),
        ("payment.read".to_owned(), format!("/v1/payments/{id}")),
        (
            "payment.receipt.read".to_owned(),
            format!("/v1/payments/{id}"),
        ),
        (
            "worker.dashboard.read".to_owned(),
            format!("/v1/workers/{worker}/dashboard"),
        ),
    ];
    expected.sort();
    for agent in LapsingAgents::personas() {
        let denied = app.denied_attempts(&agent.tax_code).await;
        assert_eq!(denied, expected, "each refused read is on record");
    }
    // The worker still reads all of it.
    let token = app.login(&other_person()).await;
    for path in &reads {
        assert_eq!(app.get_as(&token, path).await.status, 200, "{path}");
    }
}

#[actix_web::test]
async fn a_payment_run_retried_with_its_key_is_replayed_and_its_key_elsewhere_is_refused() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    service(&app, &p, "2026-03-03", "40.00").await;
    let (_, operator) = at(&app, &p, datetime!(2026-04-10 08:00 UTC)).await;
    let march = json!({"month": "2026-03"});
    let first = app
        .post_keyed(&operator, "/v1/payment-runs", "run-1", march.clone())
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["payments"].as_array().unwrap().len(), 1);
    // The retry is the first answer (a second run would be a new run paying nothing).
    let again = app
        .post_keyed(&operator, "/v1/payment-runs", "run-1", march.clone())
        .await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.json(), first.json());
    // The key with another body, the key on another path, another path's key here: 422.
    let res = app
        .post_keyed(
            &operator,
            "/v1/payment-runs",
            "run-1",
            json!({"month": "2026-02"}),
        )
        .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    let agent = json!({
        "tax_code": intermediary().tax_code, "given_name": "Laura", "family_name": "Bianchi",
        "qualification": "labour_consultant",
    });
    let res = app
        .post_keyed(&operator, "/v1/intermediaries", "run-1", agent.clone())
        .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    let res = app
        .post_keyed(&operator, "/v1/intermediaries", "agent-1", agent)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .post_keyed(&operator, "/v1/payment-runs", "agent-1", march)
        .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    // One run, one payment, one intermediary: nothing else was made.
    assert_eq!(rows(&app, "occasional_payment_runs"), 1);
    assert_eq!(rows(&app, "occasional_payments"), 1);
    assert_eq!(rows(&app, "intermediaries"), 1);
    let logged = count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE action = 'payment_run.create'",
    );
    assert_eq!(logged, 1, "the run ran once");
}
