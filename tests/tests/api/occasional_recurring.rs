//! Weekly recurring services: a rule generates real services 14 days ahead through the
//! recording use case (every rule and limit), reports the occurrences it refuses, extends its
//! window daily through the scheduler, reminds both parties the day before each generated
//! service, and generates each occurrence once even with two generators at once. Libretto
//! Famiglia clients are reminded on the 1st that last month's services are due by the 3rd.
//!
//! The test clock starts on Monday 2 March 2026, 09:00 UTC (10:00 in Rome).

use inps_api::auth::Actor;
use inps_api::clock::Clock as _;
use inps_api::occasional::recurring::use_cases::{Generated, generate_window};
use inps_tests::TestApp;
use inps_tests::fixtures::{
    LapsingAgents, LibrettoParties, PrestoParties, count, eur, id_of, libretto_service,
    presto_service, problem_type, rows,
};
use inps_tests::personas::{employer, intermediary, other_person};
use serde_json::{Value, json};
use time::Duration;

fn rule_path(client_id: &str) -> String {
    format!("/v1/clients/{client_id}/recurring-services")
}

/// A PrestO rule of the parties: Mondays and Thursdays at `start`, 4 hours, 40 EUR.
fn presto_rule(p: &PrestoParties, start: &str, (first, last): (&str, &str)) -> Value {
    json!({
        "worker_tax_code": p.worker_tax_code, "weekdays": ["monday", "thursday"],
        "start_time": start, "duration_minutes": 240, "activity": "other",
        "place": "Via Roma 1, Roma", "pay": eur("40.00"),
        "first_date": first, "last_date": last,
    })
}

/// A Libretto Famiglia rule of the parties: 2 hours on `weekday` at 15:00, from `first` to the
/// end of March.
fn libretto_rule(p: &LibrettoParties, weekday: &str, first: &str) -> Value {
    json!({
        "worker_tax_code": p.worker_tax_code, "weekdays": [weekday], "start_time": "15:00",
        "duration_minutes": 120, "activity": "small_domestic_jobs",
        "first_date": first, "last_date": "2026-03-31",
    })
}

async fn created(app: &TestApp, token: &str, client_id: &str, body: Value) -> Value {
    let res = app.post_as(token, &rule_path(client_id), body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

fn dates(rule: &Value, outcome: &str) -> Vec<String> {
    rule["occurrences"]
        .as_array()
        .expect("occurrences")
        .iter()
        .filter(|o| o["outcome"] == outcome)
        .map(|o| o["date"].as_str().expect("date").to_owned())
        .collect()
}

async fn shown(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app
        .get_as(token, &format!("/v1/recurring-services/{id}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

#[actix_web::test]
async fn a_rule_generates_fourteen_days_ahead_and_reports_the_occurrence_inside_the_notice() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    // 10:30 in Rome today is 30 minutes away: that occurrence breaks the 1-hour notice.
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        presto_rule(&p, "10:30", ("2026-03-02", "2026-04-30")),
    )
    .await;
    assert_eq!(rule["status"], "active");
    assert_eq!(rule["channel"], "presto");
    assert_eq!(rule["weekdays"], json!(["monday", "thursday"]));
    assert_eq!(
        dates(&rule, "generated"),
        ["2026-03-05", "2026-03-09", "2026-03-12", "2026-03-16"]
    );
    assert_eq!(dates(&rule, "refused"), ["2026-03-02"]);
    assert_eq!(
        (rule["generated"].clone(), rule["refused"].clone()),
        (json!(4), json!(1))
    );
    let refused = &rule["occurrences"][0];
    assert_eq!(refused["rule"], "presto_notice");
    assert_eq!(
        refused["problem_type"],
        problem_type("occasional-rule-broken")
    );
    assert_eq!(refused["service_id"], Value::Null);
    // The generated occurrences are real services of the client.
    let services = app
        .items(
            &p.client,
            &format!("/v1/services?client_id={}", p.client_id),
        )
        .await;
    assert_eq!(services.len(), 4);
    let first = &rule["occurrences"][1];
    let service = app
        .get_as(
            &p.worker,
            &format!("/v1/services/{}", first["service_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(service.status, 200);
    assert_eq!(service.json()["date"], "2026-03-05");
    assert_eq!(service.json()["start_time"], "10:30");
    // The client hears of the refused occurrence.
    let notices = app
        .items(
            &p.client,
            "/v1/notifications?type=recurring_occurrence_refused",
        )
        .await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["payload"]["rule"], "presto_notice");
    assert_eq!(notices[0]["payload"]["date"], "2026-03-02");
    // The list shows it too, and so does an operator.
    let listed = app.items(&p.client, &rule_path(&p.client_id)).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], rule["id"]);
    let operator = app.login_operator().await;
    let id = rule["id"].as_str().unwrap();
    assert_eq!(shown(&app, &operator, id).await["generated"], 4);
}

#[actix_web::test]
async fn the_daily_job_extends_the_window_and_both_parties_hear_the_day_before() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        presto_rule(&p, "12:00", ("2026-03-02", "2026-03-26")),
    )
    .await;
    let id = rule["id"].as_str().unwrap().to_owned();
    assert_eq!(
        dates(&rule, "generated"),
        [
            "2026-03-02",
            "2026-03-05",
            "2026-03-09",
            "2026-03-12",
            "2026-03-16"
        ]
    );
    // Tuesday 3 March: the window reaches the 17th (a Tuesday, nothing new). The reminder of
    // Thursday's 12:00 is due Wednesday at 12:00 in Rome.
    app.advance(Duration::days(1));
    app.run_reminders();
    // Days pass: log in anew.
    let client = app.login(&employer()).await;
    assert_eq!(
        dates(&shown(&app, &client, &id).await, "generated").len(),
        5
    );
    // Monday's reminder was due before the rule existed: none.
    let got = app
        .items(
            &client,
            "/v1/notifications?type=occasional_service_reminder",
        )
        .await;
    assert!(got.is_empty(), "{got:?}");
    // Thursday 5 March, 09:00 UTC: the window reaches the 19th; Wednesday's reminder is out.
    app.advance(Duration::days(2));
    app.run_reminders();
    let client = app.login(&employer()).await;
    let worker = app.login(&other_person()).await;
    let rule = shown(&app, &client, &id).await;
    assert_eq!(
        dates(&rule, "generated"),
        [
            "2026-03-02",
            "2026-03-05",
            "2026-03-09",
            "2026-03-12",
            "2026-03-16",
            "2026-03-19"
        ]
    );
    for token in [&client, &worker] {
        let got = app
            .items(token, "/v1/notifications?type=occasional_service_reminder")
            .await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["payload"]["date"], "2026-03-05");
    }
    // The last window: 26 March reached on 12 March, and then the job stops.
    app.advance(Duration::days(7));
    app.run_reminders();
    let client = app.login(&employer()).await;
    let rule = shown(&app, &client, &id).await;
    assert_eq!(dates(&rule, "generated").len(), 8, "{rule}");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM scheduled_jobs \
             WHERE kind = 'recurring_services_generation' AND done_at IS NULL"
        ),
        0
    );
}

#[actix_web::test]
async fn an_occurrence_over_the_pair_limit_is_refused_with_the_residual_and_others_stay() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    // 2,450 EUR of the 2,500 EUR pair limit used: one 40 EUR occurrence fits, the next does not.
    let res = p
        .record(&app, ("2026-03-03", "09:00", 480), "2450.00")
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        presto_rule(&p, "12:00", ("2026-03-04", "2026-03-10")),
    )
    .await;
    assert_eq!(dates(&rule, "generated"), ["2026-03-05"]);
    assert_eq!(dates(&rule, "refused"), ["2026-03-09"]);
    let refused = &rule["occurrences"][1];
    assert_eq!(refused["rule"], "pair_limit");
    assert_eq!(
        refused["problem_type"],
        problem_type("occasional-limit-exceeded")
    );
    assert_eq!(refused["residual"]["pair"], eur("10.00"));
}

#[actix_web::test]
async fn the_days_the_weekdays_the_pay_and_the_worker_are_checked() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let path = rule_path(&p.client_id);
    let base = presto_rule(&p, "12:00", ("2026-03-02", "2027-03-02"));
    // Exactly 365 days is accepted.
    created(&app, &p.client, &p.client_id, base.clone()).await;
    let cases: Vec<(&str, Value)> = vec![
        ("last_date", json!({"last_date": "2027-03-03"})),
        ("first_date", json!({"first_date": "2026-03-01"})),
        (
            "last_date",
            json!({"first_date": "2026-03-10", "last_date": "2026-03-09"}),
        ),
        ("weekdays", json!({"weekdays": []})),
        ("pay", json!({"pay": null})),
        (
            "worker_tax_code",
            json!({"worker_tax_code": intermediary().tax_code}),
        ),
        ("start_time", json!({"start_time": "25:00"})),
        ("duration_minutes", json!({"duration_minutes": 0})),
    ];
    for (field, change) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post_as(&p.client, &path, body).await;
        let problem = res.problem(422);
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }
    let res = app
        .post_as(&p.client, &path, json!({"weekdays": ["someday"]}))
        .await;
    assert!(res.status.is_client_error(), "{}", res.text());
    assert_eq!(
        app.items(&p.client, &path).await.len(),
        1,
        "nothing else recorded"
    );
}

async fn report_notices(app: &TestApp) -> Vec<Value> {
    let token = app.login(&other_person()).await;
    app.items(&token, "/v1/notifications?type=libretto_report_due")
        .await
}

#[actix_web::test]
async fn a_libretto_rule_refuses_pay_and_its_client_hears_on_the_first_to_report_by_the_third() {
    let app = TestApp::new();
    let p = LibrettoParties::on(&app, "200.00").await;
    let body = libretto_rule(&p, "wednesday", "2026-03-02");
    let mut paid = body.clone();
    paid["pay"] = eur("20.00");
    let res = app.post_as(&p.client, &rule_path(&p.client_id), paid).await;
    assert!(res.problem(422).to_string().contains("pay"));
    let rule = created(&app, &p.client, &p.client_id, body).await;
    assert_eq!(rule["channel"], "libretto_famiglia");
    assert_eq!(dates(&rule, "generated"), ["2026-03-04", "2026-03-11"]);
    // The worker is not the rule's reader: the rule is the client's.
    let id = rule["id"].as_str().unwrap();
    let res = app
        .get_as(&p.worker, &format!("/v1/recurring-services/{id}"))
        .await;
    assert_eq!(res.status, 404);
    // 31 March: not yet. 1 April: the reminder of March, once.
    app.advance(Duration::days(29));
    app.run_reminders();
    assert!(report_notices(&app).await.is_empty());
    app.advance(Duration::days(1));
    app.run_reminders();
    app.run_reminders();
    let got = report_notices(&app).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["payload"]["month"], "2026-03");
    assert_eq!(got[0]["payload"]["deadline"], "2026-04-03");
}

#[actix_web::test]
async fn a_late_run_after_the_third_sends_no_report_reminder() {
    let app = TestApp::new();
    let p = LibrettoParties::on(&app, "100.00").await;
    let service = libretto_service(&p.client_id, &p.worker_tax_code, "2026-03-03", 60);
    let res = app.post_as(&p.client, "/v1/services", service).await;
    assert_eq!(res.status, 201, "{}", res.text());
    app.advance(Duration::days(33));
    app.run_reminders();
    let token = app.login(&other_person()).await;
    let got = app
        .items(&token, "/v1/notifications?type=libretto_report_due")
        .await;
    assert!(got.is_empty(), "{got:?}");
}

#[actix_web::test]
async fn a_stopped_rule_generates_nothing_more_and_outsiders_see_nothing() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        presto_rule(&p, "12:00", ("2026-03-02", "2026-06-30")),
    )
    .await;
    let id = rule["id"].as_str().unwrap();
    let stop = format!("/v1/recurring-services/{id}/stop");
    let stranger = app.login(&intermediary()).await;
    for res in [
        app.get_as(&stranger, &format!("/v1/recurring-services/{id}"))
            .await,
        app.get_as(&stranger, &rule_path(&p.client_id)).await,
        app.post_as(&stranger, &stop, json!({})).await,
        app.post_as(
            &stranger,
            &rule_path(&p.client_id),
            presto_rule(&p, "12:00", ("2026-03-02", "2026-03-30")),
        )
        .await,
    ] {
        assert_eq!(res.status, 404, "{}", res.text());
    }
    // The worker sees the generated services but not the client's rule, and cannot stop it.
    let res = app.post_as(&p.worker, &stop, json!({})).await;
    assert_eq!(res.status, 404, "{}", res.text());
    let res = app.post_as(&p.client, &stop, json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "stopped");
    let res = app.post_as(&p.client, &stop, json!({})).await;
    assert_eq!(res.status, 409, "{}", res.text());
    app.advance(Duration::days(7));
    app.run_reminders();
    let client = app.login(&employer()).await;
    let after = shown(&app, &client, id).await;
    assert_eq!(after["generated"], rule["generated"], "nothing more");
    let operator = app.login_operator().await;
    let audit = app.audit_events(&operator, "").await;
    for action in ["recurring_service.create", "recurring_service.stop"] {
        assert!(audit.iter().any(|e| e["action"] == action), "{action}");
    }
}

#[actix_web::test]
async fn two_generators_at_once_generate_each_occurrence_once() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        json!({
            "worker_tax_code": p.worker_tax_code,
            "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
            "start_time": "12:00", "duration_minutes": 240, "activity": "other",
            "pay": eur("40.00"), "first_date": "2026-03-02", "last_date": "2026-04-30",
        }),
    )
    .await;
    let id = uuid::Uuid::parse_str(rule["id"].as_str().unwrap()).unwrap();
    assert_eq!(rule["generated"], 15);
    // Ten days later, eight generators race over the new window (17 to 26 March).
    app.advance(Duration::days(10));
    let now = app.clock.now();
    let runs = app.race(8, |conn| {
        generate_window(conn, &Actor::cli(), id, now).expect("generate")
    });
    let made: usize = runs
        .iter()
        .map(|run| run.iter().filter(|g| **g == Generated::Service).count())
        .sum();
    assert_eq!(made, 10, "each new occurrence once: {runs:?}");
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM occasional_services"),
        25
    );
    let client = app.login(&employer()).await;
    let rule = shown(&app, &client, &id.to_string()).await;
    assert_eq!(rule["generated"], 25);
}

#[actix_web::test]
async fn a_revoked_or_expired_delegate_of_the_client_sees_no_rule_and_changes_none() {
    let app = TestApp::new();
    let p = LibrettoParties::on(&app, "200.00").await;
    let rule = created(
        &app,
        &p.client,
        &p.client_id,
        libretto_rule(&p, "wednesday", "2026-03-02"),
    )
    .await;
    let id = rule["id"].as_str().unwrap().to_owned();
    let (list, show) = (
        rule_path(&p.client_id),
        format!("/v1/recurring-services/{id}"),
    );
    let stop = format!("{show}/stop");
    let dashboard = format!("/v1/clients/{}/dashboard?year=2026", p.client_id);
    // Two delegates with the scopes these operations need: one to be revoked, one whose last
    // day is today. While in force, each reads the rules and records and stops one of its own.
    let agents = LapsingAgents::on(
        &app,
        &p.client,
        &["read", "services"],
        ("2026-03-02", "2027-03-01"),
    )
    .await;
    for (token, weekday) in agents.tokens.iter().zip(["friday", "saturday"]) {
        for path in [&list, &show, &dashboard] {
            let res = app.get_as(token, path).await;
            assert_eq!(res.status, 200, "in force, {path}: {}", res.text());
        }
        let own = created(
            &app,
            token,
            &p.client_id,
            libretto_rule(&p, weekday, "2026-03-04"),
        )
        .await;
        let own_stop = format!("/v1/recurring-services/{}/stop", id_of(&own));
        let res = app.post_as(token, &own_stop, json!({})).await;
        assert_eq!(res.status, 200, "in force, stop: {}", res.text());
    }
    // 3 March: one revoked, the other over.
    let lapsed = agents.lapse(&app, &p.client).await;
    let services = rows(&app, "occasional_services");
    for token in &lapsed {
        for path in [&list, &show, &dashboard] {
            let res = app.get_as(token, path).await;
            assert_eq!(
                res.problem(404)["type"],
                problem_type("not-found"),
                "{path}"
            );
        }
        let body = libretto_rule(&p, "thursday", "2026-03-04");
        let res = app.post_as(token, &list, body).await;
        assert_eq!(
            res.problem(404)["type"],
            problem_type("not-found"),
            "create"
        );
        let res = app.post_as(token, &stop, json!({})).await;
        assert_eq!(res.problem(404)["type"], problem_type("not-found"), "stop");
    }
    // Nothing changed: the client's rule runs, no rule or service was added.
    let client = app.login(&other_person()).await;
    assert_eq!(shown(&app, &client, &id).await["status"], "active");
    assert_eq!(app.items(&client, &list).await.len(), 3);
    assert_eq!(rows(&app, "occasional_services"), services);
    let resource = format!("/v1/clients/{}", p.client_id);
    let mut expected: Vec<(String, String)> = [
        "client.dashboard.read",
        "recurring_service.create",
        "recurring_service.list",
        "recurring_service.read",
        "recurring_service.stop",
    ]
    .iter()
    .map(|action| ((*action).to_owned(), resource.clone()))
    .collect();
    expected.sort();
    for agent in LapsingAgents::personas() {
        let denied = app.denied_attempts(&agent.tax_code).await;
        assert_eq!(denied, expected, "each refused attempt is on record");
    }
}

#[actix_web::test]
async fn a_rule_retried_with_its_key_is_recorded_once_and_its_key_elsewhere_is_refused() {
    let app = TestApp::new();
    let p = PrestoParties::on(&app).await;
    let path = rule_path(&p.client_id);
    let body = presto_rule(&p, "12:00", ("2026-03-02", "2026-03-31"));
    let first = app
        .post_keyed(&p.client, &path, "rule-1", body.clone())
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["generated"], 5);
    // The retry replays the first answer: no second rule, no second window.
    let again = app
        .post_keyed(&p.client, &path, "rule-1", body.clone())
        .await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.json(), first.json());
    // The key with another body, the key on another path, another path's key here: 422.
    let other = presto_rule(&p, "15:00", ("2026-03-02", "2026-03-31"));
    let res = app.post_keyed(&p.client, &path, "rule-1", other).await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    let one = presto_service(
        &p.client_id,
        &p.worker_tax_code,
        ("2026-03-03", "18:00", 240),
        "40.00",
    );
    let res = app
        .post_keyed(&p.client, "/v1/services", "rule-1", one.clone())
        .await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    let res = app
        .post_keyed(&p.client, "/v1/services", "service-1", one)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app.post_keyed(&p.client, &path, "service-1", body).await;
    assert_eq!(
        res.problem(422)["type"],
        problem_type("idempotency-key-reused")
    );
    // One rule with its 5 services, and the one service: nothing else was made.
    assert_eq!(app.items(&p.client, &path).await.len(), 1);
    assert_eq!(rows(&app, "occasional_services"), 6);
    let logged = count(
        &app,
        "SELECT count(*) AS n FROM audit_events WHERE action = 'recurring_service.create'",
    );
    assert_eq!(logged, 1, "the rule was recorded once");
}
