//! Inquiries (quesiti): topics and their operator-edited deadlines, sending an inquiry as a
//! multipart form with attachments recognised from their bytes (and the refusals that store
//! nothing), reading them back, the office's answer, and the eligibility for an appointment at
//! the deadline's Italian-day boundaries.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use inps_tests::personas::{employer, intermediary, other_person, with_check_char};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::macros::datetime;

const PROBLEMS: &str = "https://inps.example/problems/";
const MIB3: usize = 3_145_728;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.as_ref().expect("database").connect();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .expect("count")
        .n
}

/// `(inquiries, attachments)` rows stored.
fn stored(app: &TestApp) -> (i64, i64) {
    (
        count(app, "SELECT count(*) AS n FROM inquiries"),
        count(app, "SELECT count(*) AS n FROM attachments"),
    )
}

fn text(res: &TestResponse) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

/// A minimal PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A PNG signature and an IHDR chunk.
fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89]);
    bytes
}

/// A JFIF header and an end-of-image marker.
fn jpeg() -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    bytes.extend_from_slice(&[0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// A little-endian TIFF header with an empty directory.
fn tiff() -> Vec<u8> {
    vec![
        b'I', b'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]
}

/// A PDF of exactly `len` bytes.
fn pdf_of(len: usize) -> Vec<u8> {
    let mut bytes = pdf();
    bytes.resize(len, b' ');
    bytes
}

/// The people of an inquiry test and the employment they talk about.
struct Setup {
    app: TestApp,
    operator: String,
    employer: String,
    code: String,
}

fn employment_body() -> Value {
    let boss = employer();
    json!({
        "employer": {"tax_code": boss.tax_code, "given_name": boss.given_name, "family_name": boss.family_name},
        "worker": {"tax_code": with_check_char("BNCNNA90A41F205"), "given_name": "Anna", "family_name": "Bianchi"},
        "employment_type": "colf",
        "start_date": "2026-01-05",
        "weekly_hours": "20.00",
        "hourly_pay": {"amount": "9.00", "currency": "EUR"},
        "live_in": false,
        "fixed_term": false,
        "cuaf": true,
    })
}

async fn setup() -> Setup {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let code = app.record_employment(&operator, employment_body()).await;
    let employer = app.login(&employer()).await;
    Setup {
        app,
        operator,
        employer,
        code,
    }
}

fn inquiries_path(code: &str) -> String {
    format!("/v1/employments/{code}/inquiries")
}

async fn send(
    app: &TestApp,
    token: &str,
    code: &str,
    topic: &str,
    question: &str,
    files: &[(&str, &[u8])],
) -> TestResponse {
    let files: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("attachments", *name, *bytes))
        .collect();
    app.post_multipart(
        token,
        &inquiries_path(code),
        &[("topic", topic), ("text", question)],
        &files,
    )
    .await
}

/// Sends a plain inquiry (asserting 201) and returns its body.
async fn sent(app: &TestApp, token: &str, code: &str, topic: &str) -> Value {
    let res = send(
        app,
        token,
        code,
        topic,
        "Il MAV di aprile non è arrivato.",
        &[],
    )
    .await;
    assert_eq!(res.status, 201, "send: {}", text(&res));
    res.json()
}

async fn answer(app: &TestApp, token: &str, id: &str, outcome: &str) -> TestResponse {
    app.post_as(
        token,
        &format!("/v1/inquiries/{id}/answer"),
        json!({"outcome": outcome, "text": "Risposta dell'ufficio."}),
    )
    .await
}

async fn show(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app.get_as(token, &format!("/v1/inquiries/{id}")).await;
    assert_eq!(res.status, 200, "show: {}", text(&res));
    res.json()
}

fn id_of(inquiry: &Value) -> String {
    inquiry["id"].as_str().expect("id").to_owned()
}

// --- Topics ---------------------------------------------------------------------------------

#[actix_web::test]
async fn the_five_topics_start_at_30_days_and_only_an_operator_changes_one_with_if_match() {
    let s = setup().await;
    let app = &s.app;
    let res = app.get_as(&s.employer, "/v1/inquiry-topics").await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let topics = res.json()["items"].as_array().expect("items").clone();
    let mut codes: Vec<&str> = topics
        .iter()
        .map(|t| t["code"].as_str().expect("code"))
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "contributions",
            "employment_status",
            "mav",
            "notices",
            "registry_data"
        ]
    );
    assert!(
        topics.iter().all(|t| t["answer_deadline_days"] == 30),
        "{topics:?}"
    );
    assert!(
        topics
            .iter()
            .all(|t| t["title_it"].as_str().is_some_and(|x| !x.is_empty())
                && t["title_en"].as_str().is_some_and(|x| !x.is_empty()))
    );

    // A non-operator may not change it.
    app.put_as(
        &s.employer,
        "/v1/inquiry-topics/contributions",
        json!({"answer_deadline_days": 45}),
    )
    .await
    .problem(403);

    let res = app
        .put_as(
            &s.operator,
            "/v1/inquiry-topics/contributions",
            json!({"answer_deadline_days": 45}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", text(&res));
    assert_eq!(res.json()["answer_deadline_days"], 45);
    let etag = res.header("etag").expect("ETag").to_owned();
    assert_eq!(etag, "\"v2\"");

    let listed = app.get_as(&s.employer, "/v1/inquiry-topics").await.json();
    for t in listed["items"].as_array().expect("items") {
        let days = if t["code"] == "contributions" { 45 } else { 30 };
        assert_eq!(t["answer_deadline_days"], days, "{t}");
    }

    // A stale If-Match is refused and changes nothing; the current one is accepted.
    let put = |tag: &str, days: i32| {
        TestRequest::put()
            .uri("/v1/inquiry-topics/contributions")
            .insert_header(("Authorization", format!("Bearer {}", s.operator)))
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(json!({"answer_deadline_days": days}))
    };
    app.send(put("\"v1\"", 60)).await.problem(412);
    let listed = app.get_as(&s.employer, "/v1/inquiry-topics").await.json();
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|t| t["code"] == "contributions" && t["answer_deadline_days"] == 45)
    );
    let res = app.send(put(&etag, 60)).await;
    assert_eq!(res.status, 200, "{}", text(&res));
    assert_eq!(res.header("etag"), Some("\"v3\""));
    assert_eq!(res.json()["answer_deadline_days"], 60);

    // A new inquiry on the topic gets the new deadline: 2 March + 60 days.
    let inquiry = sent(app, &s.employer, &s.code, "contributions").await;
    assert_eq!(inquiry["answer_deadline"], "2026-05-01");
    let other = sent(app, &s.employer, &s.code, "mav").await;
    assert_eq!(other["answer_deadline"], "2026-04-01");
}

// --- Sending ---------------------------------------------------------------------------------

#[actix_web::test]
async fn the_employer_sends_an_inquiry_with_attachments_that_read_back_byte_for_byte() {
    let s = setup().await;
    let app = &s.app;
    let (pdf, png, jpeg, tiff) = (pdf(), png(), jpeg(), tiff());
    let res = send(
        app,
        &s.employer,
        &s.code,
        "contributions",
        "  Ho versato il primo trimestre ma non risulta.  ",
        &[
            ("ricevuta.pdf", &pdf),
            ("scansione.png", &png),
            ("foto.jpg", &jpeg),
        ],
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let body = res.json();
    let id = id_of(&body);
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/inquiries/{id}").as_str())
    );
    let protocol = body["protocol_number"].as_str().expect("protocol");
    let sequence = protocol
        .strip_prefix("INPS.DL.2026.")
        .unwrap_or_else(|| panic!("{protocol}"));
    assert!(
        sequence.len() == 7 && sequence.bytes().all(|b| b.is_ascii_digit()),
        "{protocol}"
    );
    assert_eq!(body["employment_code"], s.code);
    assert_eq!(body["topic"], "contributions");
    assert_eq!(
        body["text"],
        "Ho versato il primo trimestre ma non risulta."
    );
    assert_eq!(body["sent_by"], employer().tax_code);
    assert_eq!(body["sent_at"], "2026-03-02T09:00:00Z");
    assert_eq!(body["state"], "awaiting_answer");
    assert_eq!(body["answer_deadline"], "2026-04-01");
    assert_eq!(body["outcome"], Value::Null);
    assert_eq!(body["eligible_for_appointment"], false);
    assert_eq!(body["eligibility_reason"], "awaiting_answer");

    let attachments = body["attachments"].as_array().expect("attachments").clone();
    assert_eq!(attachments.len(), 3);
    let expected = [
        ("ricevuta.pdf", "application/pdf", &pdf),
        ("scansione.png", "image/png", &png),
        ("foto.jpg", "image/jpeg", &jpeg),
    ];
    for (file_name, media_type, bytes) in expected {
        let meta = attachments
            .iter()
            .find(|a| a["file_name"] == file_name)
            .unwrap_or_else(|| panic!("{file_name} in {attachments:?}"));
        assert_eq!(meta["media_type"], media_type);
        assert_eq!(meta["size_bytes"], bytes.len());
        let res = app
            .get_as(
                &s.employer,
                &format!(
                    "/v1/inquiries/{id}/attachments/{}",
                    meta["id"].as_str().expect("id")
                ),
            )
            .await;
        assert_eq!(res.status, 200, "{}", text(&res));
        assert_eq!(res.header("content-type"), Some(media_type));
        assert_eq!(res.body.as_ref(), bytes.as_slice(), "{file_name}");
    }
    assert_eq!(stored(app), (1, 3));

    // A second inquiry (with a TIFF) gets another protocol number.
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Il MAV non è stampabile.",
        &[("mav.tif", &tiff)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let second = res.json();
    assert!(
        second["protocol_number"]
            .as_str()
            .is_some_and(|p| p.starts_with("INPS.DL.2026.") && p != protocol),
        "{second}"
    );
    let meta = &second["attachments"][0];
    assert_eq!(meta["media_type"], "image/tiff");
    let res = app
        .get_as(
            &s.employer,
            &format!(
                "/v1/inquiries/{}/attachments/{}",
                id_of(&second),
                meta["id"].as_str().expect("id")
            ),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("image/tiff"));
    assert_eq!(res.body.as_ref(), tiff.as_slice());
    // An attachment is reachable only under its own inquiry.
    app.get_as(
        &s.employer,
        &format!(
            "/v1/inquiries/{id}/attachments/{}",
            meta["id"].as_str().expect("id")
        ),
    )
    .await
    .problem(404);
    assert_eq!(stored(app), (2, 4));
}

#[actix_web::test]
async fn a_file_whose_bytes_are_not_pdf_is_refused_whatever_its_name_and_nothing_is_stored() {
    let s = setup().await;
    let app = &s.app;
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Domanda",
        &[
            ("ok.pdf", &pdf()),
            ("x.pdf", b"just some text, not a PDF at all"),
        ],
    )
    .await;
    let problem = res.problem(415);
    assert_eq!(
        problem["type"],
        format!("{PROBLEMS}unsupported-attachment-type")
    );
    assert_eq!(stored(app), (0, 0));
}

#[actix_web::test]
async fn attachments_over_3_mib_in_total_are_refused_and_exactly_3_mib_is_accepted() {
    let s = setup().await;
    let app = &s.app;
    let first = pdf_of(2_000_000);
    let over = pdf_of(MIB3 + 1 - 2_000_000);
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Domanda",
        &[("a.pdf", &first), ("b.pdf", &over)],
    )
    .await;
    let problem = res.problem(413);
    assert_eq!(problem["type"], format!("{PROBLEMS}attachments-too-large"));
    assert_eq!(stored(app), (0, 0));

    let exact = pdf_of(MIB3 - 2_000_000);
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Domanda",
        &[("a.pdf", &first), ("b.pdf", &exact)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let sizes: i64 = res.json()["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["size_bytes"].as_i64().expect("size"))
        .sum();
    assert_eq!(sizes, 3_145_728);
    assert_eq!(stored(app), (1, 2));
}

#[actix_web::test]
async fn a_fourth_attachment_is_refused_and_nothing_is_stored() {
    let s = setup().await;
    let app = &s.app;
    let (a, b, c, d) = (pdf(), png(), jpeg(), tiff());
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Domanda",
        &[("a.pdf", &a), ("b.png", &b), ("c.jpg", &c), ("d.tif", &d)],
    )
    .await;
    let problem = res.problem(422);
    assert_eq!(problem["type"], format!("{PROBLEMS}too-many-attachments"));
    assert_eq!(stored(app), (0, 0));
}

#[actix_web::test]
async fn malformed_inquiries_are_refused_and_nothing_is_stored() {
    let s = setup().await;
    let app = &s.app;
    let path = inquiries_path(&s.code);

    // JSON instead of a multipart form.
    let res = app
        .post_as(
            &s.employer,
            &path,
            json!({"topic": "mav", "text": "Domanda"}),
        )
        .await;
    res.problem(415);

    let res = send(app, &s.employer, &s.code, "pensions", "Domanda", &[]).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "topic");

    for empty in ["", "   \n  "] {
        let res = send(app, &s.employer, &s.code, "mav", empty, &[]).await;
        assert_eq!(res.problem(422)["errors"][0]["field"], "text", "{empty:?}");
    }
    let long = "a".repeat(4001);
    let res = send(app, &s.employer, &s.code, "mav", &long, &[]).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "text");

    // Operators answer inquiries; they do not send them.
    let res = send(app, &s.operator, &s.code, "mav", "Domanda", &[]).await;
    res.problem(403);

    assert_eq!(stored(app), (0, 0));
    // A well-formed one passes, so the refusals above were about their defects.
    sent(app, &s.employer, &s.code, "mav").await;
    assert_eq!(stored(app), (1, 0));
}

#[actix_web::test]
async fn an_intermediary_sends_only_under_a_delegation_with_the_inquiries_scope_and_the_log_names_it()
 {
    let s = setup().await;
    let app = &s.app;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    let stranger = app.login(&other_person()).await;

    let res = send(app, &agent, &s.code, "mav", "Domanda", &[]).await;
    res.problem(404);
    let res = send(app, &stranger, &s.code, "mav", "Domanda", &[]).await;
    res.problem(404);

    app.delegate_domestic_work(&s.employer, &agent, &["read"])
        .await;
    // The delegate sees the employment but may not send: 403 naming the missing scope.
    let res = send(app, &agent, &s.code, "mav", "Domanda", &[]).await;
    let problem = res.problem(403);
    assert_eq!(
        problem["type"],
        "https://inps.example/problems/scope-not-granted"
    );
    assert_eq!(problem["missing_scope"], "inquiries");
    assert_eq!(stored(app), (0, 0));

    // A delegation with the inquiries scope replaces the first.
    let delegation = app
        .delegate_domestic_work(&s.employer, &agent, &["inquiries"])
        .await;
    let png = png();
    let res = send(
        app,
        &agent,
        &s.code,
        "mav",
        "Domanda per conto del datore di lavoro.",
        &[("mav.png", &png)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let inquiry = res.json();
    assert_eq!(inquiry["sent_by"], intermediary().tax_code);
    assert_eq!(stored(app), (1, 1));

    let res = app
        .get_as(
            &s.operator,
            &format!(
                "/v1/audit-events?limit=200&actor_tax_code={}",
                intermediary().tax_code
            ),
        )
        .await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let events = res.json()["items"].as_array().expect("items").clone();
    // The creation (and the delegated access that led to it) carry the delegation.
    let created: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "inquiry.create" && e["outcome"] == "success")
        .collect();
    assert!(!created.is_empty(), "{events:?}");
    // The two refused attempts (before any delegation, and without the scope) are on record.
    let refused = events
        .iter()
        .filter(|e| e["action"] == "inquiry.create" && e["outcome"] == "denied")
        .count();
    assert_eq!(refused, 2, "{events:?}");
    for event in &created {
        assert_eq!(event["delegation_id"], delegation, "{event}");
        assert_eq!(event["subject_tax_code"], employer().tax_code);
    }
    let resource = format!("/v1/inquiries/{}", id_of(&inquiry));
    assert_eq!(
        created.iter().filter(|e| e["resource"] == resource).count(),
        1,
        "{created:?}"
    );

    // The employer's own inquiry carries no delegation.
    let own = sent(app, &s.employer, &s.code, "notices").await;
    let res = app
        .get_as(
            &s.operator,
            &format!(
                "/v1/audit-events?limit=200&actor_tax_code={}",
                employer().tax_code
            ),
        )
        .await;
    let events = res.json()["items"].as_array().expect("items").clone();
    let event = events
        .iter()
        .find(|e| e["action"] == "inquiry.create")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(event["resource"], format!("/v1/inquiries/{}", id_of(&own)));
    assert_eq!(event["delegation_id"], Value::Null);
}

#[actix_web::test]
async fn a_declared_content_length_over_the_limit_is_refused_before_the_body_is_read() {
    let s = setup().await;
    let app = &s.app;
    // A small, valid form that announces 3 MiB + 64 KiB + 1 byte.
    let (content_type, body) =
        TestApp::multipart_body(&[("topic", "mav"), ("text", "Domanda")], &[]);
    let res = app
        .send(
            TestRequest::post()
                .uri(&inquiries_path(&s.code))
                .insert_header(("Authorization", format!("Bearer {}", s.employer)))
                .insert_header(("Content-Type", content_type.clone()))
                .set_payload(body.clone())
                .insert_header(("Content-Length", (MIB3 + 64 * 1024 + 1).to_string())),
        )
        .await;
    assert_eq!(
        res.problem(413)["type"],
        format!("{PROBLEMS}attachments-too-large")
    );
    assert_eq!(stored(app), (0, 0));

    // A single 4 MiB file is refused too.
    let big = pdf_of(4 * 1024 * 1024);
    let res = send(
        app,
        &s.employer,
        &s.code,
        "mav",
        "Domanda",
        &[("big.pdf", &big)],
    )
    .await;
    res.problem(413);
    assert_eq!(stored(app), (0, 0));

    // The same small form with its true length is accepted.
    let res = app
        .send(
            TestRequest::post()
                .uri(&inquiries_path(&s.code))
                .insert_header(("Authorization", format!("Bearer {}", s.employer)))
                .insert_header(("Content-Type", content_type))
                .set_payload(body),
        )
        .await;
    assert_eq!(res.status, 201, "{}", text(&res));
}

// --- Answers and eligibility ---------------------------------------------------------------

#[actix_web::test]
async fn the_operator_answers_once_and_only_operators_answer() {
    let s = setup().await;
    let app = &s.app;
    let negative = id_of(&sent(app, &s.employer, &s.code, "mav").await);
    let positive = id_of(&sent(app, &s.employer, &s.code, "notices").await);

    answer(app, &s.employer, &negative, "positive")
        .await
        .problem(403);
    assert_eq!(
        show(app, &s.employer, &negative).await["state"],
        "awaiting_answer"
    );

    app.advance(time::Duration::hours(2));
    let operator = app.login_operator().await;
    let res = answer(app, &operator, &negative, "negative").await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let body = res.json();
    assert_eq!(body["state"], "answered_negative");
    assert_eq!(body["outcome"], "negative");
    assert_eq!(body["answer_text"], "Risposta dell'ufficio.");
    assert_eq!(body["answered_at"], "2026-03-02T11:00:00Z");
    assert_eq!(body["eligible_for_appointment"], true);
    assert_eq!(body["eligibility_reason"], "negative_answer");

    // Answered once: a second answer, even with the other outcome, is a conflict.
    answer(app, &operator, &negative, "positive")
        .await
        .problem(409);
    let employer = app.login(&employer()).await;
    let shown = show(app, &employer, &negative).await;
    assert_eq!(shown["state"], "answered_negative");
    assert_eq!(shown["outcome"], "negative");

    let res = answer(app, &operator, &positive, "positive").await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let body = res.json();
    assert_eq!(body["state"], "answered_positive");
    assert_eq!(body["eligible_for_appointment"], false);
    assert_eq!(body["eligibility_reason"], "positive_answer");

    // An unknown inquiry.
    answer(
        app,
        &operator,
        "00000000-0000-4000-8000-000000000000",
        "negative",
    )
    .await
    .problem(404);
}

/// `(eligible_for_appointment, eligibility_reason)` of inquiry `id` at the app's clock.
async fn eligibility(app: &TestApp, id: &str) -> (bool, String) {
    let token = app.login(&employer()).await;
    let body = show(app, &token, id).await;
    (
        body["eligible_for_appointment"].as_bool().expect("bool"),
        body["eligibility_reason"]
            .as_str()
            .expect("reason")
            .to_owned(),
    )
}

#[actix_web::test]
async fn an_unanswered_inquiry_becomes_eligible_on_the_italian_day_after_its_deadline() {
    let s = setup().await;
    let app = &s.app;
    // Sent Monday 2 March 2026 at 10:00 in Rome; 30 days: deadline 1 April.
    let inquiry = sent(app, &s.employer, &s.code, "mav").await;
    assert_eq!(inquiry["answer_deadline"], "2026-04-01");
    let id = id_of(&inquiry);
    let awaiting = (false, "awaiting_answer".to_owned());
    let late = (true, "no_answer_in_time".to_owned());

    app.clock.set(datetime!(2026-03-31 12:00 UTC));
    assert_eq!(eligibility(app, &id).await, awaiting);
    app.clock.set(datetime!(2026-04-01 09:00 UTC));
    assert_eq!(eligibility(app, &id).await, awaiting);
    // 23:59 on 1 April in Rome (CEST): still the deadline day.
    app.clock.set(datetime!(2026-04-01 21:59 UTC));
    assert_eq!(eligibility(app, &id).await, awaiting);
    // 00:30 on 2 April in Rome, still 1 April in UTC.
    app.clock.set(datetime!(2026-04-01 22:30 UTC));
    assert_eq!(eligibility(app, &id).await, late);
    app.clock.set(datetime!(2026-04-02 12:00 UTC));
    assert_eq!(eligibility(app, &id).await, late);
    // The deadline shown does not move with the clock.
    let token = app.login(&employer()).await;
    assert_eq!(
        show(app, &token, &id).await["answer_deadline"],
        "2026-04-01"
    );
}

#[actix_web::test]
async fn the_eligibility_filter_lists_exactly_the_negative_and_the_late_inquiries() {
    let s = setup().await;
    let app = &s.app;
    let late = id_of(&sent(app, &s.employer, &s.code, "mav").await);
    let negative = id_of(&sent(app, &s.employer, &s.code, "notices").await);
    let positive = id_of(&sent(app, &s.employer, &s.code, "registry_data").await);
    // Sent on 20 March: deadline 19 April.
    app.clock.set(datetime!(2026-03-20 09:00 UTC));
    let employer_token = app.login(&employer()).await;
    let recent = id_of(&sent(app, &employer_token, &s.code, "contributions").await);
    let operator = app.login_operator().await;
    let res = answer(app, &operator, &negative, "negative").await;
    assert_eq!(res.status, 200, "{}", text(&res));
    let res = answer(app, &operator, &positive, "positive").await;
    assert_eq!(res.status, 200, "{}", text(&res));

    app.clock.set(datetime!(2026-04-02 09:00 UTC));
    let token = app.login(&employer()).await;
    let list = |query: &'static str| {
        let token = token.clone();
        let path = format!("{}{query}", inquiries_path(&s.code));
        async move {
            let res = app.get_as(&token, &path).await;
            assert_eq!(res.status, 200, "{}", text(&res));
            let body = res.json();
            let mut ids: Vec<String> = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(id_of)
                .collect();
            ids.sort();
            (ids, body)
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    let (all, body) = list("").await;
    assert_eq!(
        all,
        sorted(vec![
            late.clone(),
            negative.clone(),
            positive.clone(),
            recent.clone()
        ])
    );
    let reasons: Vec<(String, String)> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                id_of(i),
                i["eligibility_reason"].as_str().expect("reason").to_owned(),
            )
        })
        .collect();
    for (id, reason) in [
        (&late, "no_answer_in_time"),
        (&negative, "negative_answer"),
        (&positive, "positive_answer"),
        (&recent, "awaiting_answer"),
    ] {
        assert!(
            reasons.contains(&(id.clone(), reason.to_owned())),
            "{id} {reason}: {reasons:?}"
        );
    }
    // Newest first.
    assert_eq!(id_of(&body["items"][0]), recent);

    let (eligible, _) = list("?eligible_for_appointment=true").await;
    assert_eq!(eligible, sorted(vec![late.clone(), negative.clone()]));
    let (not_eligible, _) = list("?eligible_for_appointment=false").await;
    assert_eq!(not_eligible, sorted(vec![positive, recent]));
}

// --- Reading ---------------------------------------------------------------------------------

#[actix_web::test]
async fn an_inquiry_and_its_attachments_are_visible_to_the_employer_only() {
    let s = setup().await;
    let app = &s.app;
    app.register_intermediary(&intermediary()).await;
    let agent = app.login(&intermediary()).await;
    let stranger = app.login(&other_person()).await;
    let pdf = pdf();
    let jpeg = jpeg();
    let res = send(
        app,
        &s.employer,
        &s.code,
        "registry_data",
        "Il mio indirizzo è cambiato.",
        &[("../../etc/documento.pdf", &pdf), ("foto.jpeg", &jpeg)],
    )
    .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let id = id_of(&res.json());

    let body = show(app, &s.employer, &id).await;
    assert_eq!(body["id"], id);
    assert_eq!(body["text"], "Il mio indirizzo è cambiato.");
    let attachments = body["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 2);
    for (file_name, media_type, bytes) in [
        ("documento.pdf", "application/pdf", &pdf),
        ("foto.jpeg", "image/jpeg", &jpeg),
    ] {
        let meta = attachments
            .iter()
            .find(|a| a["file_name"] == file_name)
            .unwrap_or_else(|| panic!("{file_name} in {attachments:?}"));
        assert_eq!(meta["media_type"], media_type);
        assert_eq!(meta["size_bytes"], bytes.len());
        assert_eq!(meta["sha256"], hex::encode(Sha256::digest(bytes)));
        let download = format!(
            "/v1/inquiries/{id}/attachments/{}",
            meta["id"].as_str().expect("id")
        );
        app.get_as(&stranger, &download).await.problem(404);
        app.get_as(&agent, &download).await.problem(404);
    }

    for token in [&stranger, &agent] {
        app.get_as(token, &format!("/v1/inquiries/{id}"))
            .await
            .problem(404);
        app.get_as(token, &inquiries_path(&s.code))
            .await
            .problem(404);
    }
    app.get_as(
        &s.employer,
        "/v1/inquiries/00000000-0000-4000-8000-000000000000",
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn an_inquiry_keeps_the_deadline_it_was_sent_with_when_its_topic_changes() {
    let s = setup().await;
    let app = &s.app;
    let inquiry = sent(app, &s.employer, &s.code, "mav").await;
    assert_eq!(inquiry["answer_deadline"], "2026-04-01");
    let id = id_of(&inquiry);
    let res = app
        .put_as(
            &s.operator,
            "/v1/inquiry-topics/mav",
            json!({"answer_deadline_days": 90}),
        )
        .await;
    assert_eq!(res.status, 200);
    app.clock.set(datetime!(2026-04-02 12:00 UTC));
    let employer_token = app.login(&employer()).await;
    let body = show(app, &employer_token, &id).await;
    assert_eq!(
        body["answer_deadline"], "2026-04-01",
        "the deadline promised when sent"
    );
    assert_eq!(
        eligibility(app, &id).await,
        (true, "no_answer_in_time".to_owned()),
        "eligibility follows the same deadline"
    );
    // A new inquiry on the topic gets the new deadline.
    let later = sent(app, &employer_token, &s.code, "mav").await;
    assert_eq!(later["answer_deadline"], "2026-07-01");
}

#[actix_web::test]
async fn inquiries_come_in_keyset_pages_newest_first() {
    let s = setup().await;
    let app = &s.app;
    let mut sent_ids = Vec::new();
    for _ in 0..3 {
        sent_ids.push(id_of(&sent(app, &s.employer, &s.code, "mav").await));
        app.advance(time::Duration::minutes(1));
    }
    let first = app
        .get_as(&s.employer, &format!("{}?limit=2", inquiries_path(&s.code)))
        .await
        .json();
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect()
    };
    assert_eq!(ids(&first), [sent_ids[2].clone(), sent_ids[1].clone()]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = app
        .get_as(
            &s.employer,
            &format!("{}?limit=2&cursor={cursor}", inquiries_path(&s.code)),
        )
        .await
        .json();
    assert_eq!(ids(&second), [sent_ids[0].clone()]);
    assert!(second["next_cursor"].is_null());
    let bad = app
        .get_as(
            &s.employer,
            &format!("{}?cursor=bm9wZQ", inquiries_path(&s.code)),
        )
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["field"], "cursor");
}
