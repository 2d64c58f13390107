//! Hardening of the shared plumbing, one section per fix:
//! 1. idempotency keys scoped to the caller, the method and the path;
//! 2. bodies that never complete (a multipart form without its closing boundary, a stalled upload);
//! 3. hardening headers and closed metrics;
//! 4. no sandbox identity provider in production;
//! 5. the served contract points at the server serving it;
//! 6. schema-valid input accepted (integral floats, the `Idempotency-Key` schema).

use std::time::Duration;

use actix_web::test::TestRequest;
use actix_web::web::Bytes;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use futures_util::StreamExt as _;
use futures_util::stream;
use inps_tests::personas::{employer, other_person, with_check_char};
use inps_tests::{TestApp, TestResponse};
use serde_json::{Value, json};
use time::macros::datetime;

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

fn text(res: &TestResponse) -> String {
    String::from_utf8_lossy(&res.body).into_owned()
}

/// A colf employment of `boss` (a persona) since 5 January 2026.
fn employment_of(boss: &inps_tests::Persona) -> Value {
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

/// A minimal PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

// --- 1. Idempotency keys are scoped to the caller, the method and the path ------------------
// (API.md: the same key with another body or another path is 422.)

async fn pay_with_key(
    app: &TestApp,
    token: &str,
    code: &str,
    key: &str,
    notice: &str,
) -> TestResponse {
    app.send(
        TestRequest::post()
            .uri(&format!("/v1/employments/{code}/contribution-payments"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .set_json(json!({
                "quarter": "2026-Q1",
                "pagopa_notice_number": notice,
                "paid_on": "2026-04-09",
                "amount": {"amount": "100.00", "currency": "EUR"},
            })),
    )
    .await
}

#[actix_web::test]
async fn the_same_idempotency_key_on_another_employments_payments_is_refused_not_replayed() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let first = app
        .record_employment(&operator, employment_of(&employer()))
        .await;
    let second = app
        .record_employment(&operator, employment_of(&other_person()))
        .await;
    app.clock.set(datetime!(2026-04-15 09:00 UTC));
    let operator = app.login_operator().await;
    let payments = |code: &str| {
        format!("SELECT count(*) AS n FROM contribution_payments WHERE employment_code = '{code}'")
    };

    let res = pay_with_key(&app, &operator, &first, "slip-1", "301000000000000011").await;
    assert_eq!(res.status, 201, "{}", text(&res));
    // The same key on another employment's payments is never the first answer replayed (the
    // second payment silently not recorded): it is refused, and nothing is stored.
    // (The very same body hits the payment's own rule first: its notice is already recorded.)
    for (notice, status, problem) in [
        ("301000000000000011", 409, "payment-already-recorded"),
        ("301000000000000012", 422, "idempotency-key-reused"),
    ] {
        let res = pay_with_key(&app, &operator, &second, "slip-1", notice).await;
        assert_eq!(res.header("idempotent-replayed"), None, "{}", text(&res));
        assert_eq!(
            res.problem(status)["type"],
            format!("https://inps.example/problems/{problem}")
        );
    }
    assert_eq!(count(&app, &payments(&first)), 1);
    assert_eq!(count(&app, &payments(&second)), 0);

    // A retry on the first employment still replays its own answer; a fresh key on the
    // second records the payment.
    let retry = pay_with_key(&app, &operator, &first, "slip-1", "301000000000000011").await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    let res = pay_with_key(&app, &operator, &second, "slip-2", "301000000000000012").await;
    assert_eq!(res.status, 201, "{}", text(&res));
    assert_eq!(count(&app, &payments(&second)), 1);
}

#[actix_web::test]
async fn the_same_idempotency_key_on_an_employment_the_caller_cannot_see_is_404() {
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let mine = app
        .record_employment(&operator, employment_of(&employer()))
        .await;
    let theirs = app
        .record_employment(&operator, employment_of(&other_person()))
        .await;
    let token = app.login(&employer()).await;
    let send = |code: String| {
        let (content_type, body) = TestApp::multipart_body(
            &[("topic", "mav"), ("text", "Il MAV non è arrivato.")],
            &[("attachments", "ricevuta.pdf", &pdf())],
        );
        app.send(
            TestRequest::post()
                .uri(&format!("/v1/employments/{code}/inquiries"))
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Idempotency-Key", "inquiry-1"))
                .insert_header(("Content-Type", content_type))
                .set_payload(body),
        )
    };
    let res = send(mine.clone()).await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let res = send(theirs).await;
    assert_eq!(res.header("idempotent-replayed"), None, "{}", text(&res));
    res.problem(404);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM inquiries"), 1);
    // On its own path the key still replays.
    let res = send(mine).await;
    assert_eq!(res.status, 201);
    assert_eq!(res.header("idempotent-replayed"), Some("true"));
}

// --- 2. Bodies that never complete ----------------------------------------------------------

/// Fails the test (instead of hanging it) when `fut` takes longer than `secs` seconds.
async fn promptly<T>(secs: u64, fut: impl std::future::Future<Output = T>) -> T {
    actix_web::rt::time::timeout(Duration::from_secs(secs), fut)
        .await
        .unwrap_or_else(|_| panic!("no answer within {secs} s: the request hangs"))
}

/// The employer's session token and an employment of theirs.
async fn inquiry_setup(app: &TestApp) -> (String, String) {
    let operator = app.login_operator().await;
    let code = app
        .record_employment(&operator, employment_of(&employer()))
        .await;
    (app.login(&employer()).await, code)
}

#[actix_web::test]
async fn a_multipart_body_without_its_closing_boundary_is_refused_at_once() {
    let app = TestApp::new();
    let (token, code) = inquiry_setup(&app).await;
    let (content_type, body) = TestApp::multipart_body(
        &[("topic", "mav"), ("text", "Domanda")],
        &[("attachments", "ricevuta.pdf", &pdf())],
    );
    let closing = body
        .windows(4)
        .rposition(|w| w == b"\r\n--")
        .expect("closing boundary");
    for truncated in [&body[..closing + 2], &body[..body.len() / 2]] {
        // Complete by its Content-Length (the payload ends), but the form never closes.
        let res = promptly(
            5,
            app.send(
                TestRequest::post()
                    .uri(&format!("/v1/employments/{code}/inquiries"))
                    .insert_header(("Authorization", format!("Bearer {token}")))
                    .insert_header(("Content-Type", content_type.clone()))
                    .set_payload(truncated.to_vec()),
            ),
        )
        .await;
        res.problem(400);
    }
    assert_eq!(count(&app, "SELECT count(*) AS n FROM inquiries"), 0);
}

/// A body that sends `first` and then stalls forever.
fn stalled(first: Vec<u8>) -> actix_web::dev::Payload {
    let chunks = stream::iter([Ok::<_, actix_web::error::PayloadError>(Bytes::from(first))])
        .chain(stream::pending());
    actix_web::dev::Payload::Stream {
        payload: Box::pin(chunks),
    }
}

#[actix_web::test]
async fn a_stalled_body_is_answered_408_after_the_body_read_timeout() {
    let app = TestApp::with_env(&[("BODY_READ_TIMEOUT_SECONDS", "1")]);
    let (token, code) = inquiry_setup(&app).await;

    // A multipart form that stops halfway through its first file.
    let (content_type, body) = TestApp::multipart_body(
        &[("topic", "mav"), ("text", "Domanda")],
        &[("attachments", "ricevuta.pdf", &pdf())],
    );
    let form = app.send_with_payload(
        TestRequest::post()
            .uri(&format!("/v1/employments/{code}/inquiries"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .insert_header(("Content-Length", body.len().to_string())),
        stalled(body[..body.len() - 40].to_vec()),
    );
    // A JSON body that stops after its first bytes.
    let json_body = app.send_with_payload(
        TestRequest::post()
            .uri("/v1/sessions")
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("Content-Length", "200")),
        stalled(b"{\"assertion\": \"eyJ".to_vec()),
    );
    let (form, json_body) = promptly(5, futures_util::future::join(form, json_body)).await;
    for res in [form, json_body] {
        let problem = res.problem(408);
        assert_eq!(
            problem["type"],
            "https://inps.example/problems/request-timeout"
        );
    }
    assert_eq!(count(&app, "SELECT count(*) AS n FROM inquiries"), 0);
}

// --- 3. Hardening headers and closed metrics ------------------------------------------------

/// An app in production mode (trusting a freshly generated key) with `extra` settings.
fn production_app(extra: &[(&str, &str)]) -> TestApp {
    let idp = inps_api::identity::SandboxIdp::generate().expect("key");
    let jwks = json!({ "keys": [idp.public_jwk()] });
    let path = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, jwks.to_string()).expect("jwks file");
    let path = path.to_str().expect("path").to_owned();
    let mut env = vec![
        ("APP_ENV", "production"),
        ("IDENTITY_JWKS_FILE", path.as_str()),
        (
            "DELEGATION_CODE_SECRET",
            "a-production-secret-of-enough-length-0123456789",
        ),
        (
            "WEBHOOK_SECRET_KEY",
            "a-production-webhook-key-of-enough-length-0123",
        ),
    ];
    env.extend_from_slice(extra);
    let app = TestApp::with_env(&env);
    // The keys are read when the state is built: the file is no longer needed.
    std::fs::remove_file(&path).expect("remove jwks file");
    app
}

fn assert_hardened(res: &TestResponse, what: &str) {
    assert_eq!(
        res.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(res.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(res.header("referrer-policy"), Some("no-referrer"), "{what}");
    assert!(res.header("content-security-policy").is_some(), "{what}");
}

#[actix_web::test]
async fn every_response_carries_the_hardening_headers_and_api_responses_load_nothing() {
    let app = TestApp::new();
    let (token, code) = inquiry_setup(&app).await;
    let res = app
        .post_multipart(
            &token,
            &format!("/v1/employments/{code}/inquiries"),
            &[("topic", "mav"), ("text", "Domanda")],
            &[("attachments", "ricevuta.pdf", &pdf())],
        )
        .await;
    assert_eq!(res.status, 201, "{}", text(&res));
    let inquiry = res.json();
    let download = app
        .get_as(
            &token,
            &format!(
                "/v1/inquiries/{}/attachments/{}",
                inquiry["id"].as_str().expect("id"),
                inquiry["attachments"][0]["id"].as_str().expect("id")
            ),
        )
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_ref(), pdf().as_slice());

    let status = app.get("/v1/status").await;
    let missing = app.get("/v1/no-such-thing").await;
    let refused = app.get("/v1/me").await;
    for (res, what) in [
        (&download, "attachment download"),
        (&res, "created"),
        (&status, "status"),
        (&missing, "404"),
        (&refused, "401"),
    ] {
        assert_hardened(res, what);
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(res.header("strict-transport-security"), None, "sandbox");
    }
}

#[actix_web::test]
async fn swagger_ui_may_load_its_own_files_and_production_adds_hsts() {
    let app = TestApp::new();
    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status, 200);
    assert_hardened(&ui, "swagger ui");
    let csp = ui.header("content-security-policy").unwrap_or_default();
    for directive in [
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    let page = text(&ui);
    assert!(
        !page.contains("<script>") && !page.contains("https://"),
        "Swagger UI loads only its own files: {page}"
    );
    for file in [
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
        "swagger-ui.css",
    ] {
        let res = app.get(&format!("/swagger-ui/{file}")).await;
        assert_eq!(res.status, 200, "{file}");
    }

    let app = production_app(&[]);
    for path in ["/v1/status", "/v1/nothing", "/swagger-ui/"] {
        let res = app.get(path).await;
        assert_hardened(&res, path);
        let hsts = res.header("strict-transport-security").unwrap_or_default();
        assert!(hsts.starts_with("max-age="), "{path}: {hsts}");
    }
}

#[actix_web::test]
async fn metrics_are_closed_in_production_without_a_token() {
    let app = production_app(&[]);
    let res = app.get("/metrics").await;
    res.problem(404);
    assert!(!text(&res).contains("http_requests_total"));
    let res = app
        .send(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "Bearer anything")),
        )
        .await;
    res.problem(404);

    // With a token they are open to its holder only.
    let app = production_app(&[("METRICS_TOKEN", "m-secret")]);
    app.get("/metrics").await.problem(401);
    let res = app
        .send(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "Bearer m-secret")),
        )
        .await;
    assert_eq!(res.status, 200);
}

// --- 4. No sandbox identity provider in production ------------------------------------------

#[actix_web::test]
async fn the_sandbox_identity_provider_is_not_there_in_production_whatever_the_request() {
    let app = production_app(&[]);
    let valid = json!({"tax_code": "RSSMRA85T10A562S", "level": "L2", "idp": "spid", "given_name": "Mario", "family_name": "Rossi"});
    let requests = [
        (
            "malformed JSON",
            "application/json",
            b"{\"tax_code\": ".to_vec(),
        ),
        ("empty body", "application/json", Vec::new()),
        (
            "wrong media type",
            "text/plain",
            b"tax_code=RSSMRA85T10A562S".to_vec(),
        ),
        (
            "invalid fields",
            "application/json",
            b"{\"level\": \"L9\"}".to_vec(),
        ),
        (
            "valid body",
            "application/json",
            valid.to_string().into_bytes(),
        ),
    ];
    for (what, content_type, body) in requests {
        let res = app
            .send(
                TestRequest::post()
                    .uri("/v1/sandbox/assertions")
                    .insert_header(("Content-Type", content_type))
                    .set_payload(body),
            )
            .await;
        assert_eq!(res.status, 404, "{what}: {}", text(&res));
        res.problem(404);
    }
    // Nor under another method (no 405 revealing the path).
    app.get("/v1/sandbox/assertions").await.problem(404);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM sandbox_keys"), 0);

    // The contract still documents it (it is the same contract in every mode).
    assert!(
        inps_api::contract()["paths"]
            .get("/sandbox/assertions")
            .is_some()
    );
}

// --- 5. The served contract points at the server serving it ---------------------------------

#[actix_web::test]
async fn the_served_contract_lists_its_own_server_first_and_the_checked_in_one_is_unchanged() {
    let app = TestApp::new();
    let served = app.get("/openapi.json").await.json();
    assert_eq!(served["servers"][0]["url"], "/v1", "{}", served["servers"]);
    assert!(
        served["servers"][0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert!(
        served["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .all(|s| !s["url"].as_str().unwrap_or_default().contains("127.0.0.1")),
        "no hard-coded local address: {}",
        served["servers"]
    );

    // Apart from its servers, the served contract is the checked-in one.
    let generated = inps_api::contract();
    let mut without_servers = served.clone();
    without_servers["servers"] = Value::Null;
    let mut expected = generated.clone();
    expected["servers"] = Value::Null;
    assert_eq!(without_servers, expected);

    // The checked-in contract keeps its fixed servers (production first).
    assert_eq!(
        generated["servers"],
        json!([
            {"url": "https://api.inps.example/v1", "description": "Production"},
            {"url": "http://127.0.0.1:8080/v1", "description": "Local sandbox (inps-api serve)", "x-sandbox": true}
        ])
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("openapi.json")).expect("json");
    assert_eq!(file["servers"], generated["servers"]);
}

// --- 6. Schema-valid input is accepted ------------------------------------------------------

#[actix_web::test]
async fn integers_written_as_integral_floats_are_integers() {
    let app = TestApp::new();
    let token = app.login(&employer()).await;
    for limit in ["6.0", "6e0", "200.0"] {
        let res = app
            .get_as(&token, &format!("/v1/delegations?limit={limit}"))
            .await;
        assert_eq!(res.status, 200, "limit={limit}: {}", text(&res));
    }
    for limit in ["6.5", "0.0", "201.0", "six"] {
        let res = app
            .get_as(&token, &format!("/v1/delegations?limit={limit}"))
            .await;
        assert!(
            [400, 422].contains(&res.status.as_u16()),
            "limit={limit}: {}",
            text(&res)
        );
    }

    let operator = app.login_operator().await;
    let put = |days: &str| {
        app.send(
            TestRequest::put()
                .uri("/v1/inquiry-topics/mav")
                .insert_header(("Authorization", format!("Bearer {operator}")))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(format!("{{\"answer_deadline_days\": {days}}}")),
        )
    };
    let res = put("45.0").await;
    assert_eq!(res.status, 200, "{}", text(&res));
    assert_eq!(res.json()["answer_deadline_days"], 45);
    assert_eq!(put("4.5e1").await.status, 200);
    let problem = put("45.5").await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "answer_deadline_days");
    put("\"45\"").await.problem(422);
}

#[actix_web::test]
async fn the_contract_states_exactly_the_idempotency_keys_the_server_accepts() {
    let contract = TestApp::new().get("/openapi.json").await.json();
    let mut seen = 0;
    for (path, item) in contract["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["name"] != "Idempotency-Key" {
                    continue;
                }
                seen += 1;
                let schema = &param["schema"];
                assert_eq!(schema["minLength"], 1, "{method} {path}");
                assert_eq!(schema["maxLength"], 128, "{method} {path}");
                assert_eq!(schema["pattern"], "^[\\x21-\\x7E]+$", "{method} {path}");
            }
        }
    }
    assert!(seen >= 5, "{seen}");

    // Every visible ASCII character is accepted; anything else is refused as the contract says.
    let app = TestApp::new();
    let operator = app.login_operator().await;
    let visible: String = (0x21u8..=0x7E).map(char::from).collect();
    let post = |key: String| {
        app.send(
            TestRequest::post()
                .uri("/v1/employments")
                .insert_header(("Authorization", format!("Bearer {operator}")))
                .insert_header(("Idempotency-Key", key))
                .set_json(employment_of(&employer())),
        )
    };
    let res = post(visible.clone()).await;
    assert_eq!(res.status, 201, "{}", text(&res));
    assert_eq!(
        post(visible).await.header("idempotent-replayed"),
        Some("true")
    );
    for key in [String::new(), "a b".to_owned(), "k".repeat(129)] {
        post(key).await.problem(422);
    }
}
