//! HTTP basics every endpoint shares: status, problem+json errors, request ids, rate limits,
//! metrics, the contract and Swagger UI.

use actix_web::test::TestRequest;
use inps_tests::TestApp;
use inps_tests::fixtures::problem_type;

#[actix_web::test]
async fn status_is_ok_problem_json_when_the_database_answers() {
    let app = TestApp::new();
    let res = app.get("/v1/status").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        res.json(),
        serde_json::json!({"status": 200, "title": "OK"})
    );
}

#[actix_web::test]
async fn status_is_503_with_retry_after_when_the_database_is_down() {
    let app = TestApp::without_database();
    let res = app.get("/v1/status").await;
    let body = res.problem(503);
    assert!(
        res.header("retry-after")
            .is_some_and(|v| v.parse::<u32>().is_ok())
    );
    assert_eq!(body["type"], problem_type("service-unavailable"));
    assert!(
        !res.body.windows(8).any(|w| w == b"postgres"),
        "no internals in the body"
    );
}

#[actix_web::test]
async fn unknown_route_is_404_problem() {
    let app = TestApp::new();
    let res = app.get("/v1/no-such-thing").await;
    let body = res.problem(404);
    assert_eq!(body["instance"], "/v1/no-such-thing");
    assert_eq!(body["title"], "Risorsa non trovata");
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::new();
    for method in ["POST", "DELETE", "PUT", "PATCH"] {
        let req = TestRequest::default()
            .method(method.parse().unwrap())
            .uri("/v1/status");
        let res = app.send(req).await;
        res.problem(405);
        assert_eq!(res.header("allow"), Some("GET"), "{method}");
    }
}

#[actix_web::test]
async fn problems_speak_english_on_request() {
    let app = TestApp::new();
    let res = app
        .send(
            TestRequest::get()
                .uri("/v1/nothing")
                .insert_header(("Accept-Language", "en-GB,en;q=0.9")),
        )
        .await;
    let body = res.problem(404);
    assert_eq!(body["title"], "Resource not found");
    assert_eq!(res.header("content-language"), Some("en"));
}

#[actix_web::test]
async fn request_id_is_generated_or_kept() {
    let app = TestApp::new();
    let generated = app.get("/v1/status").await;
    let id = generated.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let kept = app
        .send(
            TestRequest::get()
                .uri("/v1/status")
                .insert_header(("X-Request-Id", "client-42.a_b")),
        )
        .await;
    assert_eq!(kept.header("x-request-id"), Some("client-42.a_b"));

    let replaced = app
        .send(
            TestRequest::get()
                .uri("/v1/status")
                .insert_header(("X-Request-Id", "bad id <script>")),
        )
        .await;
    let id = replaced.header("x-request-id").expect("x-request-id");
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "replaced by a generated id: {id}"
    );
}

#[actix_web::test]
async fn every_response_carries_rate_limit_headers_and_429_past_the_limit() {
    let app = TestApp::with_env(&[
        ("RATE_LIMIT_REQUESTS", "3"),
        ("RATE_LIMIT_WINDOW_SECONDS", "60"),
    ]);
    for remaining in ["2", "1", "0"] {
        let res = app.get("/v1/status").await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(res.header("x-ratelimit-remaining"), Some(remaining));
        // Seconds left in the window (measured on the wall clock, not the test clock).
        let reset: u64 = res
            .header("x-ratelimit-reset")
            .expect("x-ratelimit-reset")
            .parse()
            .expect("seconds");
        assert!((1..=60).contains(&reset), "{reset}");
    }
    let res = app.get("/v1/status").await;
    let body = res.problem(429);
    assert_eq!(body["type"], problem_type("rate-limited"));
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(res.header("x-ratelimit-remaining"), Some("0"));

    // Errors count and carry the headers too; another caller has its own budget.
    let other = app
        .send(
            TestRequest::get()
                .uri("/v1/unknown")
                .insert_header(("Authorization", "Bearer another-caller")),
        )
        .await;
    other.problem(404);
    assert_eq!(other.header("x-ratelimit-remaining"), Some("2"));
}

#[actix_web::test]
async fn responses_are_not_cacheable_by_default() {
    let app = TestApp::new();
    assert_eq!(
        app.get("/v1/status").await.header("cache-control"),
        Some("no-store")
    );
}

#[actix_web::test]
async fn metrics_count_requests_per_route_and_status() {
    let app = TestApp::new();
    app.get("/v1/status").await;
    app.get("/v1/missing").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status, 200);
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/v1/status",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_in_use_connections"));
    assert!(text.contains("db_pool_waiting_requests"));
}

#[actix_web::test]
async fn metrics_can_require_a_token() {
    let app = TestApp::with_env(&[("METRICS_TOKEN", "m-secret")]);
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

#[actix_web::test]
async fn contract_and_swagger_ui_are_served() {
    let app = TestApp::new();
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status, 200);
    // The generated contract, with this server (relative `/v1`) listed first.
    assert_eq!(
        res.json(),
        inps_api::openapi::as_served(inps_tests::contract().clone(), true)
    );

    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status, 200);
    assert!(String::from_utf8_lossy(&ui.body).contains("swagger"));
    let redirect = app.get("/swagger-ui").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/swagger-ui/"));
}

#[actix_web::test]
async fn the_rate_limit_counts_per_person_across_sessions() {
    let app = TestApp::with_env(&[("RATE_LIMIT_REQUESTS", "6")]);
    let person = inps_tests::personas::employer();
    let first = app.login(&person).await;
    let second = app.login(&person).await;
    // A session's first request is counted under its token: who holds it is learnt then.
    assert_eq!(app.get_as(&first, "/v1/me").await.status, 200);
    assert_eq!(app.get_as(&second, "/v1/me").await.status, 200);
    // From then on both sessions draw on the person's one budget.
    let res = app.get_as(&second, "/v1/me").await;
    assert_eq!(res.header("x-ratelimit-remaining"), Some("5"));
    let res = app.get_as(&first, "/v1/me").await;
    assert_eq!(res.header("x-ratelimit-remaining"), Some("4"));
    for _ in 0..4 {
        assert_eq!(app.get_as(&first, "/v1/me").await.status, 200);
    }
    app.get_as(&second, "/v1/me").await.problem(429);
    // Another person has a budget of their own.
    let other = app.login(&inps_tests::personas::other_person()).await;
    assert_eq!(app.get_as(&other, "/v1/me").await.status, 200);
}

#[actix_web::test]
async fn the_bearer_scheme_is_case_insensitive_everywhere() {
    let app = TestApp::with_env(&[("METRICS_TOKEN", "m-secret"), ("RATE_LIMIT_REQUESTS", "50")]);
    let res = app
        .send(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "bearer m-secret")),
        )
        .await;
    assert_eq!(res.status, 200);
    // A lower-case scheme is still the token's budget, not the IP's.
    let res = app
        .send(
            TestRequest::get()
                .uri("/v1/status")
                .insert_header(("Authorization", "BEARER some-token")),
        )
        .await;
    assert_eq!(res.header("x-ratelimit-remaining"), Some("49"));
}
