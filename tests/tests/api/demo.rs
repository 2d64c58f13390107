//! `inps-api import employments` and `inps-api seed-demo`: the bulk import is all or nothing and
//! names every bad line; the demo dataset is complete, idempotent, and its printed assertions
//! log in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use inps_api::clock::Clock as _;
use inps_api::demo::{DemoPersona, DemoReport, seed_demo};
use inps_api::import::{import_employments, parse_employments_csv};
use inps_api::settings::{AppEnv, Settings};
use inps_tests::TestApp;
use inps_tests::fixtures::{inquiry_attachments, rows};
use serde_json::{Value, json};

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/employments.csv")
}

fn sample() -> String {
    std::fs::read_to_string(sample_path()).expect("sample CSV")
}

fn settings(app: &TestApp) -> Settings {
    (*app.state.settings).clone()
}

/// Writes `content` to a file of its own and returns the path.
fn temp_csv(content: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("inps-import-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&path, content).expect("write temp CSV");
    path
}

#[derive(Debug, PartialEq, Eq)]
struct Counts {
    employments: i64,
    payments: i64,
    inquiries: i64,
    attachments: i64,
    delegations: i64,
    intermediaries: i64,
}

fn counts(app: &TestApp) -> Counts {
    Counts {
        employments: rows(app, "employments"),
        payments: rows(app, "contribution_payments"),
        inquiries: rows(app, "inquiries"),
        attachments: inquiry_attachments(app),
        delegations: rows(app, "delegations"),
        intermediaries: rows(app, "intermediaries"),
    }
}

fn employment_count(app: &TestApp) -> i64 {
    rows(app, "employments")
}

fn persona(report: &DemoReport, pick: impl Fn(&DemoPersona) -> bool) -> &DemoPersona {
    report.personas.iter().find(|p| pick(p)).expect("persona")
}

#[actix_web::test]
async fn importing_the_sample_csv_records_five_employments() {
    let app = TestApp::new();
    let parsed = parse_employments_csv(sample().as_bytes()).expect("the sample is valid");
    assert_eq!(parsed.len(), 5);

    let codes = import_employments(&settings(&app), &sample_path(), app.clock.now()).unwrap();
    assert_eq!(codes.len(), 5);
    assert_eq!(employment_count(&app), 5);

    let operator = app.login_operator().await;
    let mut seen = BTreeSet::new();
    for input in &parsed {
        let tax_code = &input.employer.tax_code;
        let path = format!("/v1/employers/{tax_code}/employments");
        for item in app.items(&operator, &path).await {
            assert_eq!(item["employer_tax_code"], tax_code.as_str());
            seen.insert(item["employment_code"].as_str().expect("code").to_owned());
        }
    }
    assert_eq!(seen, codes.iter().cloned().collect::<BTreeSet<_>>());

    let rossi = app
        .items(&operator, "/v1/employers/RSSMRA85T10A562S/employments")
        .await;
    assert_eq!(rossi.len(), 1);
    assert_eq!(rossi[0]["employment_type"], "colf");
    assert_eq!(rossi[0]["worker"]["family_name"], "Ferri");
    assert_eq!(rossi[0]["weekly_hours"], "12.00");
    assert_eq!(rossi[0]["end_date"], Value::Null);
    let employer = app
        .get_as(&operator, "/v1/employers/BRNLCU70E50L219N")
        .await
        .json();
    assert_eq!(employer["address"]["street"], "Via Po 18, scala B");
}

#[actix_web::test]
async fn a_file_with_bad_lines_names_every_one_and_stores_nothing() {
    let app = TestApp::new();
    let mut lines: Vec<String> = sample().lines().map(str::to_owned).collect();
    lines[2] = lines[2].replacen("RSSMRA45D25F205N", "RSSMRA45D25F205X", 1);
    lines[4] = lines[4].replacen(",20.00,", ",99,", 1);
    let path = temp_csv(&(lines.join("\n") + "\n"));

    let err = import_employments(&settings(&app), &path, app.clock.now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3: employer_tax_code:"), "{err}");
    assert!(err.contains("line 5: weekly_hours:"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");
    for good in ["line 2", "line 4", "line 6"] {
        assert!(!err.contains(good), "{good} is valid: {err}");
    }
    assert_eq!(employment_count(&app), 0, "all or nothing");

    let errors = parse_employments_csv(lines.join("\n").as_bytes()).unwrap_err();
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect::<Vec<_>>(),
        [(3, "employer_tax_code"), (5, "weekly_hours")]
    );
    let _ = std::fs::remove_file(path);
}

#[actix_web::test]
async fn an_empty_file_or_a_missing_column_is_refused() {
    let app = TestApp::new();
    let empty = parse_employments_csv(&b""[..]).unwrap_err();
    assert_eq!((empty[0].line, empty[0].field.as_str()), (1, "header"));

    let text = sample();
    let header_only = text.lines().next().expect("header").to_owned() + "\n";
    let none = parse_employments_csv(header_only.as_bytes()).unwrap_err();
    assert_eq!(none[0].field, "file", "{none:?}");

    let without_cuaf: String = text
        .lines()
        .map(|l| l.rsplit_once(',').expect("columns").0.to_owned() + "\n")
        .collect();
    let missing = parse_employments_csv(without_cuaf.as_bytes()).unwrap_err();
    assert_eq!(missing[0].to_string(), "line 1: cuaf: missing column");

    let short = text.replacen(",9.80,false,false,true", ",9.80,false,false", 1);
    let errors = parse_employments_csv(short.as_bytes()).unwrap_err();
    assert_eq!(errors[0].line, 2, "{errors:?}");

    for content in ["", header_only.as_str(), without_cuaf.as_str()] {
        let path = temp_csv(content);
        let err = import_employments(&settings(&app), &path, app.clock.now()).unwrap_err();
        assert!(err.to_string().contains("line "), "{err}");
        let _ = std::fs::remove_file(path);
    }
    assert!(
        import_employments(
            &settings(&app),
            Path::new("/nonexistent.csv"),
            app.clock.now()
        )
        .is_err()
    );
    assert_eq!(employment_count(&app), 0);
}

#[actix_web::test]
async fn the_demo_employer_logs_in_and_sees_a_lived_in_cassetto() {
    let app = TestApp::new();
    let report = seed_demo(&settings(&app), app.clock.now()).unwrap();
    assert!(report.created);
    assert_eq!(report.personas.len(), 7);
    let rendered = report.render();
    for p in &report.personas {
        assert!(!p.roles.is_empty(), "{p:?}");
        assert!(rendered.contains(&p.tax_code) && rendered.contains(&p.assertion));
    }

    let employer = persona(&report, |p| p.tax_code == "RSSMRA85T10A562S");
    assert_eq!(employer.roles, ["employer"]);
    let token = app.login_with(&employer.assertion).await;
    let me = app.get_as(&token, "/v1/me").await.json();
    assert_eq!(me["person"]["family_name"], "Rossi");

    let path = format!("/v1/employers/{}/employments", employer.tax_code);
    let employments = app.items(&token, &path).await;
    assert_eq!(employments.len(), 2);
    let mut statuses = BTreeSet::new();
    let mut eligible = Vec::new();
    let mut attachments = Vec::new();
    for e in &employments {
        let code = e["employment_code"].as_str().expect("code");
        let contributions = app
            .items(&token, &format!("/v1/employments/{code}/contributions"))
            .await;
        statuses.extend(
            contributions
                .iter()
                .map(|c| c["status"].as_str().expect("status").to_owned()),
        );
        for i in app
            .items(&token, &format!("/v1/employments/{code}/inquiries"))
            .await
        {
            if i["eligible_for_appointment"] == true {
                eligible.push(i["eligibility_reason"].clone());
            }
            for a in i["attachments"].as_array().expect("attachments") {
                attachments.push((i["id"].clone(), a.clone()));
            }
        }
    }
    assert!(statuses.contains("paid"), "{statuses:?}");
    assert!(statuses.contains("overdue"), "{statuses:?}");
    assert!(statuses.contains("partial"), "{statuses:?}");
    assert_eq!(eligible, [json!("no_answer_in_time")]);

    let (inquiry, attachment) = attachments.first().expect("a PDF receipt");
    assert_eq!(attachment["media_type"], "application/pdf");
    let pdf = app
        .get_as(
            &token,
            &format!(
                "/v1/inquiries/{}/attachments/{}",
                inquiry.as_str().unwrap(),
                attachment["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF-1.4") && pdf.body.ends_with(b"%%EOF\n"));
}

#[actix_web::test]
async fn the_demo_covers_every_type_and_inquiry_state() {
    let app = TestApp::new();
    let report = seed_demo(&settings(&app), app.clock.now()).unwrap();
    let operator = persona(&report, |p| p.kind == "operator");
    assert_eq!(operator.roles, ["operator"]);
    let token = app.login_with(&operator.assertion).await;
    let (mut types, mut states, mut reasons) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let (mut ended, mut fixed_term, mut no_cuaf, mut over_24, mut old) = (0, 0, 0, 0, 0);
    for employer in report.personas.iter().filter(|p| p.kind == "employer") {
        let path = format!("/v1/employers/{}/employments", employer.tax_code);
        for e in app.items(&token, &path).await {
            types.insert(e["employment_type"].as_str().unwrap().to_owned());
            ended += i32::from(!e["end_date"].is_null());
            fixed_term += i32::from(e["fixed_term"] == true);
            no_cuaf += i32::from(e["cuaf"] == false);
            over_24 +=
                i32::from(e["weekly_hours"].as_str().unwrap().parse::<f64>().unwrap() > 24.0);
            old += i32::from(e["start_date"].as_str().unwrap() < "2021-03-02");
            let code = e["employment_code"].as_str().unwrap();
            for i in app
                .items(&token, &format!("/v1/employments/{code}/inquiries"))
                .await
            {
                states.insert(i["state"].as_str().unwrap().to_owned());
                reasons.insert(i["eligibility_reason"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(types.len(), 3, "{types:?}");
    assert_eq!(
        (ended, fixed_term, no_cuaf, over_24, old),
        (1, 1, 1, 1, 1),
        "(ended, fixed_term, no_cuaf, over_24, old)"
    );
    assert_eq!(states.len(), 3, "{states:?}");
    assert_eq!(
        reasons,
        [
            "already_on_appointment",
            "awaiting_answer",
            "negative_answer",
            "no_answer_in_time",
            "positive_answer"
        ]
        .map(str::to_owned)
        .into_iter()
        .collect()
    );
}

#[actix_web::test]
async fn seeding_twice_changes_nothing_and_prints_the_personas_again() {
    let app = TestApp::new();
    let first = seed_demo(&settings(&app), app.clock.now()).unwrap();
    let before = counts(&app);
    assert_eq!(
        (before.payments, before.inquiries, before.attachments),
        (55, 6, 1),
        "{before:?}"
    );
    assert_eq!(
        (
            before.employments,
            before.delegations,
            before.intermediaries
        ),
        (5, 2, 2),
        "the domestic-work delegation and the worker's occasional-work one"
    );

    let second = seed_demo(&settings(&app), app.clock.now()).unwrap();
    assert!(!second.created);
    assert_eq!(counts(&app), before);
    let codes = |r: &DemoReport| {
        r.personas
            .iter()
            .map(|p| p.tax_code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&first), codes(&second));
    assert!(second.render().contains("already present"));
    let employer = persona(&second, |p| p.kind == "employer");
    app.login_with(&employer.assertion).await;
}

#[actix_web::test]
async fn the_delegated_consultant_reads_only_the_delegating_employer() {
    let app = TestApp::new();
    let report = seed_demo(&settings(&app), app.clock.now()).unwrap();
    let consultant = persona(&report, |p| !p.acts_for.is_empty());
    assert_eq!(consultant.roles, ["intermediary"]);
    let token = app.login_with(&consultant.assertion).await;
    // The domestic-work delegator (the demo worker delegated occasional work too).
    let worker = persona(&report, |p| p.roles.iter().any(|r| r == "worker"));
    let delegator = consultant
        .acts_for
        .iter()
        .find(|d| **d != worker.tax_code)
        .expect("a domestic-work delegator");
    let res = app
        .get_as(&token, &format!("/v1/employers/{delegator}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json()["active_delegation"]["delegate_tax_code"],
        consultant.tax_code.as_str()
    );

    let other = persona(&report, |p| {
        p.kind == "employer" && &p.tax_code != delegator
    });
    app.get_as(&token, &format!("/v1/employers/{}", other.tax_code))
        .await
        .problem(404);
    let patronato = persona(&report, |p| p.kind.contains("patronato"));
    assert!(patronato.acts_for.is_empty());
}

#[actix_web::test]
async fn seed_demo_is_refused_in_production() {
    let app = TestApp::new();
    let mut production = settings(&app);
    production.app_env = AppEnv::Production;
    let err = seed_demo(&production, app.clock.now()).unwrap_err();
    assert!(err.to_string().contains("sandbox"), "{err}");
    assert_eq!(employment_count(&app), 0);
}

#[actix_web::test]
async fn the_demo_worker_sees_services_recorded_and_revoked_for_both_instruments() {
    let app = TestApp::new();
    let report = seed_demo(&settings(&app), app.clock.now()).unwrap();
    let worker = persona(&report, |p| p.kind == "occasional worker");
    assert_eq!(worker.roles, ["worker"]);
    let token = app.login_with(&worker.assertion).await;
    let services = app.items(&token, "/v1/services").await;
    let seen: BTreeSet<(String, String)> = services
        .iter()
        .map(|s| {
            (
                s["channel"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("libretto_famiglia", "paid"),
            ("libretto_famiglia", "recorded"),
            ("presto", "recorded"),
            ("presto", "revoked")
        ]
        .map(|(c, s)| (c.to_owned(), s.to_owned()))
        .into_iter()
        .collect()
    );
    let path = format!("/v1/workers/{}/limits", worker.tax_code);
    let limits = app.get_as(&token, &path).await.json();
    // 80.00 of this month's single services, 16.00 of January's, whose payment failed
    // (December's was paid, in 2025), and four 600 EUR occurrences of the trattoria's weekly rule.
    assert_eq!(limits["total"]["used"]["amount"], "2496.00");
    assert_eq!(limits["pairs"].as_array().unwrap().len(), 2);
    let path = format!("/v1/workers/{}/payments", worker.tax_code);
    let payments = app.items(&token, &path).await;
    let states: Vec<&str> = payments
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["failed", "credited"], "latest month first");
    let credited = payments[1]["id"].as_str().unwrap();
    let receipt = app
        .get_as(&token, &format!("/v1/payments/{credited}/receipt"))
        .await;
    assert_eq!(receipt.status, 200, "{}", receipt.text());
}

#[actix_web::test]
async fn the_demo_has_consultation_points_and_an_appointment_in_every_state() {
    let app = TestApp::new();
    let report = seed_demo(&settings(&app), app.clock.now()).unwrap();
    let operator = app
        .login_with(&persona(&report, |p| p.kind == "operator").assertion)
        .await;
    let points = app.items(&operator, "/v1/consultation-points").await;
    assert_eq!(points.len(), 2);
    let rome = points
        .iter()
        .find(|p| p["name"].as_str().is_some_and(|n| n.contains("Roma")))
        .expect("the Rome point");
    let free = app
        .items(
            &operator,
            &format!(
                "/v1/consultation-points/{}/slots",
                rome["id"].as_str().unwrap()
            ),
        )
        .await;
    assert!(!free.is_empty());
    let states: BTreeSet<String> = app
        .items(&operator, "/v1/appointments")
        .await
        .iter()
        .map(|a| a["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        states,
        ["cancelled", "closed_resolved", "confirmed"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
    // The employer also sees their draft, and the one the consultant manages.
    let employer = app
        .login_with(&persona(&report, |p| p.tax_code == "RSSMRA85T10A562S").assertion)
        .await;
    let own = app.items(&employer, "/v1/appointments").await;
    assert_eq!(own.len(), 4, "{own:?}");
    assert!(own.iter().any(|a| a["state"] == "draft"));
    assert!(own.iter().any(|a| !a["managed_by"].is_null()));
}
