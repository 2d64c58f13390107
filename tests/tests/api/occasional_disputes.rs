//! Disputes (contestazioni): the worker asks, the client answers or rectifies; each step is
//! stamped, both parties are notified, and a party who may not take a step is refused.

use futures_util::future::join_all;
use inps_tests::TestApp;
use inps_tests::fixtures::{PrestoParties, count, occasional, problem_type, rows};
use inps_tests::personas::intermediary;
use serde_json::{Value, json};
use time::Duration;

/// A PrestO service of the parties on the day after the test clock's first day.
async fn service(app: &TestApp, p: &PrestoParties) -> String {
    let res = p.record(app, ("2026-03-03", "09:00", 240), "40.00").await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["service"]["id"].as_str().expect("id").to_owned()
}

fn wrong_hours() -> Value {
    json!({"reason": "wrong_hours", "text": "Ho lavorato 5 ore, non 4."})
}

/// The worker opens a dispute on `service_id`: the dispute.
async fn opened(app: &TestApp, p: &PrestoParties, service_id: &str) -> Value {
    let path = format!("/v1/services/{service_id}/disputes");
    let res = app.post_as(&p.worker, &path, wrong_hours()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

fn reply_path(dispute: &Value) -> String {
    format!("/v1/disputes/{}/reply", dispute["id"].as_str().expect("id"))
}

async fn service_status(app: &TestApp, token: &str, service_id: &str) -> Value {
    app.get_as(token, &format!("/v1/services/{service_id}"))
        .await
        .json()["status"]
        .clone()
}

#[actix_web::test]
async fn the_worker_asks_the_client_answers_and_both_are_notified_with_the_times() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    assert_eq!(dispute["state"], "opened");
    assert_eq!(dispute["reason"], "wrong_hours");
    assert_eq!(dispute["opened_at"], "2026-03-02T09:00:00Z");
    assert_eq!(dispute["answered_at"], Value::Null);
    assert_eq!(
        service_status(&app, &p.client, &service_id).await,
        "disputed"
    );
    for token in [&p.client, &p.worker] {
        let notices = app
            .items(token, "/v1/notifications?type=service_disputed")
            .await;
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0]["payload"]["dispute_id"], dispute["id"]);
    }

    app.advance(Duration::minutes(20));
    let res = app
        .post_as(
            &p.client,
            &reply_path(&dispute),
            json!({"text": "Il foglio presenze dice 4 ore."}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let answered = res.json();
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["answer"], "Il foglio presenze dice 4 ore.");
    assert_eq!(answered["opened_at"], "2026-03-02T09:00:00Z");
    assert_eq!(answered["answered_at"], "2026-03-02T09:20:00Z");
    assert_eq!(
        service_status(&app, &p.worker, &service_id).await,
        "disputed"
    );
    for token in [&p.client, &p.worker] {
        let notices = app
            .items(token, "/v1/notifications?type=dispute_answered")
            .await;
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0]["payload"]["state"], "answered");
        let shown = app
            .get_as(
                token,
                &format!("/v1/disputes/{}", dispute["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(shown.status, 200);
        assert_eq!(shown.json(), answered);
        let listed = app
            .items(token, &format!("/v1/services/{service_id}/disputes"))
            .await;
        assert_eq!(listed, vec![answered.clone()]);
    }
}

#[actix_web::test]
async fn the_client_rectifies_through_the_reply_and_the_service_is_rectified() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    app.advance(Duration::minutes(30));
    let pay = json!({"amount": "50.00", "currency": "EUR"});
    let changes = json!({"duration_minutes": 300, "pay": pay});
    let body = json!({"text": "Corretto: 5 ore.", "rectification": changes});
    let res = app.post_as(&p.client, &reply_path(&dispute), body).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let rectified = res.json();
    assert_eq!(rectified["state"], "rectified");
    assert_eq!(rectified["rectified_at"], "2026-03-02T09:30:00Z");
    let shown = app
        .get_as(&p.worker, &format!("/v1/services/{service_id}"))
        .await
        .json();
    assert_eq!(shown["status"], "rectified");
    assert_eq!(shown["duration_minutes"], 300);
    let versions = app
        .items(&p.worker, &format!("/v1/services/{service_id}/versions"))
        .await;
    assert!(versions.len() >= 2, "{versions:?}");
    // Rectified, the service may be disputed again.
    opened(&app, &p, &service_id).await;
}

#[actix_web::test]
async fn a_refused_rectification_leaves_the_dispute_and_the_service_unchanged() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    // 35.99 EUR is under the PrestO daily minimum.
    let pay = json!({"amount": "35.99", "currency": "EUR"});
    let body = json!({"text": "Corretto.", "rectification": {"pay": pay}});
    let res = app.post_as(&p.client, &reply_path(&dispute), body).await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("occasional-rule-broken")
    );
    let shown = app
        .get_as(
            &p.worker,
            &format!("/v1/disputes/{}", dispute["id"].as_str().unwrap()),
        )
        .await
        .json();
    assert_eq!(shown["state"], "opened");
    assert_eq!(
        service_status(&app, &p.worker, &service_id).await,
        "disputed"
    );
}

#[actix_web::test]
async fn only_the_worker_opens_and_only_the_client_replies() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let path = format!("/v1/services/{service_id}/disputes");
    let res = app.post_as(&p.client, &path, wrong_hours()).await;
    assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
    let operator = app.login_operator().await;
    let res = app.post_as(&operator, &path, wrong_hours()).await;
    assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
    let dispute = opened(&app, &p, &service_id).await;
    let answer = json!({"text": "Risposta."});
    let res = app
        .post_as(&p.worker, &reply_path(&dispute), answer.clone())
        .await;
    assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
    let res = app.post_as(&operator, &reply_path(&dispute), answer).await;
    assert_eq!(res.problem(403)["type"], problem_type("forbidden"));
    let shown = app
        .get_as(
            &operator,
            &format!("/v1/disputes/{}", dispute["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(shown.status, 200, "operators read disputes");
    assert_eq!(shown.json()["state"], "opened");
}

#[actix_web::test]
async fn a_step_out_of_turn_is_a_conflict() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    let path = format!("/v1/services/{service_id}/disputes");
    let again = app.post_as(&p.worker, &path, wrong_hours()).await;
    assert_eq!(again.problem(409)["type"], problem_type("state-conflict"));
    let answer = json!({"text": "Risposta."});
    let res = app
        .post_as(&p.client, &reply_path(&dispute), answer.clone())
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let twice = app.post_as(&p.client, &reply_path(&dispute), answer).await;
    assert_eq!(twice.problem(409)["type"], problem_type("state-conflict"));
}

#[actix_web::test]
async fn a_revoked_service_cannot_be_disputed() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let revoke = format!("/v1/services/{service_id}/revocation");
    let res = app.post_as(&p.client, &revoke, json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let path = format!("/v1/services/{service_id}/disputes");
    let res = app.post_as(&p.worker, &path, wrong_hours()).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
}

#[actix_web::test]
async fn a_blank_text_is_refused() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let path = format!("/v1/services/{service_id}/disputes");
    let blank = json!({"reason": "other", "text": "   "});
    let res = app.post_as(&p.worker, &path, blank).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "text");
    assert_eq!(
        service_status(&app, &p.worker, &service_id).await,
        "recorded"
    );
}

#[actix_web::test]
async fn a_stranger_sees_nothing() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let stranger = app.login(&intermediary()).await;
    let path = format!("/v1/services/{service_id}/disputes");
    let res = app.post_as(&stranger, &path, wrong_hours()).await;
    assert_eq!(res.problem(404)["type"], problem_type("not-found"));
    let dispute = opened(&app, &p, &service_id).await;
    let id = dispute["id"].as_str().unwrap();
    let res = app.get_as(&stranger, &format!("/v1/disputes/{id}")).await;
    assert_eq!(res.problem(404)["type"], problem_type("not-found"));
    let res = app
        .post_as(&stranger, &reply_path(&dispute), json!({"text": "x"}))
        .await;
    assert_eq!(res.problem(404)["type"], problem_type("not-found"));
}

#[actix_web::test]
async fn of_twenty_concurrent_disputes_of_one_service_exactly_one_opens() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let path = format!("/v1/services/{service_id}/disputes");
    let (app_ref, worker, path_ref) = (&app, &p.worker, &path);
    let requests =
        (0..20).map(|_| async move { app_ref.post_as(worker, path_ref, wrong_hours()).await });
    let responses = join_all(requests).await;
    let opened = responses.iter().filter(|r| r.status == 201).count();
    for res in responses.iter().filter(|r| r.status != 201) {
        assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    }
    assert_eq!(opened, 1);
}

#[actix_web::test]
async fn of_twenty_concurrent_answers_exactly_one_is_taken() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    let path = reply_path(&dispute);
    let (app_ref, client, path_ref) = (&app, &p.client, &path);
    let requests = (0..20).map(|i| async move {
        let body = json!({"text": format!("Risposta {i}.")});
        app_ref.post_as(client, path_ref, body).await
    });
    let responses = join_all(requests).await;
    let taken = responses.iter().filter(|r| r.status == 200).count();
    for res in responses.iter().filter(|r| r.status != 200) {
        assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    }
    assert_eq!(taken, 1);
    let notices = app
        .items(&p.worker, "/v1/notifications?type=dispute_answered")
        .await;
    assert_eq!(notices.len(), 1, "one answer, one notice");
}

fn step_path(dispute: &Value, step: &str) -> String {
    format!(
        "/v1/disputes/{}/{step}",
        dispute["id"].as_str().expect("id")
    )
}

async fn answer(app: &TestApp, p: &PrestoParties, dispute: &Value) {
    let body = json!({"text": "Il foglio presenze dice 4 ore."});
    let res = app.post_as(&p.client, &reply_path(dispute), body).await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn the_worker_reopens_an_answer_then_closes_and_the_service_returns_to_recorded() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    answer(&app, &p, &dispute).await;
    app.advance(Duration::minutes(10));
    let res = app
        .post_as(&p.worker, &step_path(&dispute, "reopening"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let reopened = res.json();
    assert_eq!(reopened["state"], "opened");
    assert_eq!(reopened["reopened_at"], "2026-03-02T09:10:00Z");
    assert_eq!(
        service_status(&app, &p.client, &service_id).await,
        "disputed"
    );
    // Reopening an opened dispute is out of turn.
    let res = app
        .post_as(&p.worker, &step_path(&dispute, "reopening"), json!({}))
        .await;
    assert_eq!(res.status, 409, "{}", res.text());
    app.advance(Duration::minutes(5));
    let res = app
        .post_as(&p.worker, &step_path(&dispute, "closure"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let closed = res.json();
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["closed_at"], "2026-03-02T09:15:00Z");
    assert_eq!(closed["reopened_at"], "2026-03-02T09:10:00Z");
    assert_eq!(
        service_status(&app, &p.client, &service_id).await,
        "recorded"
    );
    for token in [&p.client, &p.worker] {
        for kind in ["dispute_reopened", "dispute_closed"] {
            let notices = app
                .items(token, &format!("/v1/notifications?type={kind}"))
                .await;
            assert_eq!(notices.len(), 1, "{kind}: {notices:?}");
            assert_eq!(notices[0]["payload"]["dispute_id"], dispute["id"]);
        }
    }
    // Closed is final.
    for step in ["closure", "reopening"] {
        let res = app
            .post_as(&p.worker, &step_path(&dispute, step), json!({}))
            .await;
        assert_eq!(res.status, 409, "{step}: {}", res.text());
    }
    // A new dispute may be opened on the service once the old one is closed.
    opened(&app, &p, &service_id).await;
    let operator = app.login_operator().await;
    let audit = app.audit_events(&operator, "").await;
    for action in ["dispute.reopen", "dispute.close"] {
        assert!(
            audit.iter().any(|e| e["action"] == action),
            "{action} is audited"
        );
    }
}

#[actix_web::test]
async fn closing_a_rectified_dispute_keeps_the_service_rectified() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    let changes = json!({"duration_minutes": 300, "pay": {"amount": "50.00", "currency": "EUR"}});
    let body = json!({"text": "Corretto.", "rectification": changes});
    let res = app.post_as(&p.client, &reply_path(&dispute), body).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // A rectified dispute cannot be reopened: the worker opens a new one on the new version.
    let res = app
        .post_as(&p.worker, &step_path(&dispute, "reopening"), json!({}))
        .await;
    assert_eq!(res.status, 409, "{}", res.text());
    let res = app
        .post_as(&p.worker, &step_path(&dispute, "closure"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        service_status(&app, &p.worker, &service_id).await,
        "rectified"
    );
}

#[actix_web::test]
async fn the_client_may_not_close_or_reopen_an_operator_closes_and_a_stranger_sees_nothing() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    answer(&app, &p, &dispute).await;
    for step in ["closure", "reopening"] {
        let res = app
            .post_as(&p.client, &step_path(&dispute, step), json!({}))
            .await;
        assert_eq!(
            res.problem(403)["type"],
            problem_type("forbidden"),
            "{step}"
        );
    }
    let stranger = app.login(&intermediary()).await;
    for step in ["closure", "reopening"] {
        let res = app
            .post_as(&stranger, &step_path(&dispute, step), json!({}))
            .await;
        assert_eq!(res.status, 404, "{step}: {}", res.text());
    }
    let operator = app.login_operator().await;
    let res = app
        .post_as(&operator, &step_path(&dispute, "reopening"), json!({}))
        .await;
    assert_eq!(res.status, 403, "operators only close: {}", res.text());
    let res = app
        .post_as(&operator, &step_path(&dispute, "closure"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["state"], "closed");
    let shown = app
        .get_as(
            &p.client,
            &format!("/v1/disputes/{}", dispute["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(shown.json()["state"], "closed");
}

#[actix_web::test]
async fn a_closure_or_a_reopening_sent_again_with_its_key_has_no_second_effect() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    let dispute = opened(&app, &p, &service_id).await;
    answer(&app, &p, &dispute).await;
    // The worker's key, first used to create something else: a delegation.
    app.register_intermediary(&intermediary()).await;
    let terms = occasional(&intermediary());
    let res = app
        .post_keyed(&p.worker, "/v1/delegations", "step-1", terms)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    // Closing and reopening change a state and create nothing, so they take no key (API.md:
    // the POSTs that create do): the key never replays the delegation's answer here, and a step
    // sent again is out of turn (409) and changes nothing.
    let reopen = step_path(&dispute, "reopening");
    let res = app
        .post_keyed(&p.worker, &reopen, "step-1", json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("idempotent-replayed"), None);
    assert_eq!(res.json()["id"], dispute["id"]);
    assert_eq!(res.json()["state"], "opened");
    app.advance(Duration::minutes(5));
    let res = app
        .post_keyed(&p.worker, &reopen, "step-1", json!({}))
        .await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    let close = step_path(&dispute, "closure");
    let res = app.post_keyed(&p.worker, &close, "step-2", json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let closed = res.json();
    assert_eq!(closed["state"], "closed");
    app.advance(Duration::minutes(5));
    let res = app.post_keyed(&p.worker, &close, "step-2", json!({})).await;
    assert_eq!(res.problem(409)["type"], problem_type("state-conflict"));
    // Each step once: the same times, one log entry and one notice each, one delegation.
    let shown = app
        .get_as(
            &p.worker,
            &format!("/v1/disputes/{}", dispute["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(shown.json(), closed);
    for action in ["dispute.reopen", "dispute.close"] {
        let sql = format!("SELECT count(*) AS n FROM audit_events WHERE action = '{action}'");
        assert_eq!(count(&app, &sql), 1, "{action}");
    }
    for kind in ["dispute_reopened", "dispute_closed"] {
        let notices = app
            .items(&p.worker, &format!("/v1/notifications?type={kind}"))
            .await;
        assert_eq!(notices.len(), 1, "{kind}: {notices:?}");
    }
    assert_eq!(rows(&app, "delegations"), 1);
}

#[actix_web::test]
async fn a_dispute_or_a_duplicate_retried_with_its_key_is_created_once() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let service_id = service(&app, &p).await;
    // The dispute: the retry replays the first answer; the key with another body is refused.
    let path = format!("/v1/services/{service_id}/disputes");
    let first = app
        .post_keyed(&p.worker, &path, "dispute-1", wrong_hours())
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = app
        .post_keyed(&p.worker, &path, "dispute-1", wrong_hours())
        .await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    let other = json!({"reason": "other", "text": "Altro."});
    let res = app.post_keyed(&p.worker, &path, "dispute-1", other).await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM occasional_disputes"),
        1
    );
    // The duplicate, sent four times at once: one new service.
    let services = count(&app, "SELECT count(*) AS n FROM occasional_services");
    let path = format!("/v1/services/{service_id}/duplicate");
    let copies = join_all(
        (0..4).map(|_| app.post_keyed(&p.client, &path, "copy-1", json!({"date": "2026-03-10"}))),
    )
    .await;
    assert!(
        copies.iter().all(|r| r.status == 201),
        "{:?}",
        copies.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    assert!(
        copies
            .iter()
            .all(|r| r.json()["service"]["id"] == copies[0].json()["service"]["id"])
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM occasional_services"),
        services + 1
    );
}
