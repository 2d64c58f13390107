//! The real application factory over a test database, called in-process.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::dev::Service as _;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use inps_api::clock::ManualClock;
use inps_api::settings::Settings;
use inps_api::{AppState, build_app};
use serde_json::Value;
use time::macros::datetime;

use crate::db::TestDb;
use crate::personas::Persona;

/// Serves one request through an initialised application and reads the whole response.
type Handler = Rc<dyn Fn(TestRequest) -> Pin<Box<dyn Future<Output = TestResponse>>>>;

/// One test's application: its own database, a manual clock and the real app factory.
pub struct TestApp {
    /// The test's database (`None` for apps built against an unreachable server).
    pub db: Option<TestDb>,
    /// The state every request is served with.
    pub state: AppState,
    /// The clock the app reads; move it with `advance`.
    pub clock: ManualClock,
    /// The application, built (with its contract and route table) at the first request and
    /// reused by every later one.
    service: OnceCell<Handler>,
}

impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestApp")
            .field("db", &self.db)
            .field("state", &self.state)
            .field("clock", &self.clock)
            .field("service_built", &self.service.get().is_some())
            .finish()
    }
}

/// A response, fully read.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: actix_web::web::Bytes,
}

impl TestResponse {
    /// The body parsed as JSON (panics with the body text when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text (for assertion messages).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an RFC 9457 problem of `status` and returns it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "error responses are problem+json"
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with(inps_api::error::PROBLEM_TYPE_BASE)),
            "problem type URI: {body}"
        );
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        body
    }
}

/// The instant test clocks start at.
pub const TEST_START: time::OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

impl TestApp {
    /// An app on a fresh database with default settings.
    pub fn new() -> Self {
        Self::with_env(&[])
    }

    /// An app on a fresh database, with settings overridden as environment variables would.
    pub fn with_env(vars: &[(&str, &str)]) -> Self {
        let db = TestDb::new();
        let mut env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        env.insert("DATABASE_URL".into(), db.url.clone());
        env.entry("BOOTSTRAP_OPERATOR_TAX_CODE".into())
            .or_insert_with(|| crate::personas::operator().tax_code);
        Self::build(Some(db), &env)
    }

    /// An app whose database server does not answer.
    pub fn without_database() -> Self {
        let env = HashMap::from([
            (
                "DATABASE_URL".to_owned(),
                "postgres://postgres@127.0.0.1:1/inps".to_owned(),
            ),
            ("DB_CONNECT_TIMEOUT_MS".to_owned(), "300".to_owned()),
        ]);
        Self::build(None, &env)
    }

    fn build(db: Option<TestDb>, env: &HashMap<String, String>) -> Self {
        let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("test settings");
        // `TEST_LOG=1` shows the application's logs (5xx causes included) in a failing test.
        if std::env::var_os("TEST_LOG").is_some() {
            let mut log_settings = settings.clone();
            log_settings.log_format = inps_api::settings::LogFormat::Text;
            log_settings.log_level = "info".into();
            inps_api::telemetry::init(&log_settings).expect("log settings");
        }
        let clock = ManualClock::new(TEST_START);
        let state = AppState::new(settings, Arc::new(clock.clone())).expect("state");
        Self {
            db,
            state,
            clock,
            service: OnceCell::new(),
        }
    }

    /// The real application over this test's state, initialised once: `build_app` finalizes
    /// the contract and derives the route table, which is work for an app, not for a request.
    async fn handler(&self) -> Handler {
        if let Some(handler) = self.service.get() {
            return Rc::clone(handler);
        }
        let service = Rc::new(test::init_service(build_app(self.state.clone())).await);
        let handler: Handler = Rc::new(move |req| {
            let service = Rc::clone(&service);
            Box::pin(async move {
                let req = req
                    .peer_addr("127.0.0.1:40000".parse().expect("addr"))
                    .to_request();
                let (method, uri) = (req.method().to_string(), req.uri().to_string());
                let res = service.call(req).await.expect("the app answers");
                let status = res.status();
                let headers = res.headers().clone();
                let body = test::read_body(res).await;
                let is_problem = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("application/problem+json"));
                if is_problem {
                    crate::problem_guard::check(&method, &uri, status.as_u16(), &body);
                }
                TestResponse {
                    status,
                    headers,
                    body,
                }
            })
        });
        // Requests started together may have built one each; the first one built is kept.
        Rc::clone(self.service.get_or_init(|| handler))
    }

    /// Sends `req` through the real application and reads the whole response.
    pub async fn send(&self, req: TestRequest) -> TestResponse {
        let handler = self.handler().await;
        handler(req).await
    }

    /// Sends `req` with its body taken from `payload` instead of a fixed one: a streamed body, or
    /// one that stalls (`Payload::Stream` over a stream that stops yielding).
    pub async fn send_with_payload(
        &self,
        req: TestRequest,
        payload: actix_web::dev::Payload,
    ) -> TestResponse {
        let service = test::init_service(build_app(self.state.clone())).await;
        let (req, _) = req
            .peer_addr("127.0.0.1:40000".parse().expect("addr"))
            .to_request()
            .replace_payload(payload);
        let res = test::call_service(&service, req).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await;
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(TestRequest::get().uri(path)).await
    }

    /// `method path` with an optional bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut req = TestRequest::default()
            .method(method.parse().expect("method"))
            .uri(path);
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        if let Some(body) = body {
            req = req.set_json(body);
        }
        self.send(req).await
    }

    /// `GET path` as the holder of `token`.
    pub async fn get_as(&self, token: &str, path: &str) -> TestResponse {
        self.call("GET", path, Some(token), None).await
    }

    /// `POST path` with a JSON body as the holder of `token`.
    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> TestResponse {
        self.call("POST", path, Some(token), Some(body)).await
    }

    /// `PUT path` with a JSON body as the holder of `token`.
    pub async fn put_as(&self, token: &str, path: &str, body: Value) -> TestResponse {
        self.call("PUT", path, Some(token), Some(body)).await
    }

    /// A sandbox assertion for `persona` at `level` (`L1`, `L2`, `L3`).
    pub async fn assertion(&self, persona: &Persona, level: &str) -> String {
        let res = self
            .call(
                "POST",
                "/v1/sandbox/assertions",
                None,
                Some(serde_json::json!({
                    "tax_code": persona.tax_code,
                    "level": level,
                    "idp": "spid",
                    "given_name": persona.given_name,
                    "family_name": persona.family_name,
                })),
            )
            .await;
        assert_eq!(res.status, 201, "sandbox assertion: {:?}", res.body);
        res.json()["assertion"]
            .as_str()
            .expect("assertion")
            .to_owned()
    }

    /// `POST /v1/sessions` with `assertion`.
    pub async fn create_session(&self, assertion: &str) -> TestResponse {
        self.call(
            "POST",
            "/v1/sessions",
            None,
            Some(serde_json::json!({ "assertion": assertion })),
        )
        .await
    }

    /// Logs in with `assertion` (asserting 201) and returns the session token.
    pub async fn login_with(&self, assertion: &str) -> String {
        let res = self.create_session(assertion).await;
        assert_eq!(res.status, 201, "login: {}", res.text());
        res.json()["token"].as_str().expect("token").to_owned()
    }

    /// Logs `persona` in (SPID level 2) and returns the session token.
    pub async fn login(&self, persona: &Persona) -> String {
        let assertion = self.assertion(persona, "L2").await;
        self.login_with(&assertion).await
    }

    /// Logs the bootstrap operator in.
    pub async fn login_operator(&self) -> String {
        self.login(&crate::personas::operator()).await
    }

    /// Registers `persona` as a qualified intermediary (as the operator).
    pub async fn register_intermediary(&self, persona: &Persona) {
        let operator = self.login_operator().await;
        let res = self
            .post_as(
                &operator,
                "/v1/intermediaries",
                serde_json::json!({
                    "tax_code": persona.tax_code,
                    "given_name": persona.given_name,
                    "family_name": persona.family_name,
                    "qualification": "labour_consultant",
                }),
            )
            .await;
        assert_eq!(res.status, 201, "register intermediary: {:?}", res.body);
    }

    /// Grants `role` to `persona` (as the operator); the persona must have logged in once.
    /// Delegating needs a position: `employer` for domestic work, `worker` or `client` for
    /// occasional work.
    pub async fn grant_role(&self, persona: &Persona, role: &str) {
        let operator = self.login_operator().await;
        let res = self
            .call(
                "PUT",
                &format!("/v1/persons/{}/roles/{role}", persona.tax_code),
                Some(&operator),
                None,
            )
            .await;
        assert_eq!(res.status, 200, "grant role: {:?}", res.body);
    }

    /// Moves the app's clock forward.
    pub fn advance(&self, by: time::Duration) {
        self.clock.advance(by);
    }

    /// Runs the accountability-log sealer once over everything committed (what `serve` does in
    /// the background) and returns how many events it chained.
    pub fn seal_audit(&self) -> usize {
        let mut conn = self.db.as_ref().expect("database").connect();
        match inps_api::sealer::seal_pending(&mut conn, 1000, &self.clock).expect("seal") {
            inps_persistence::audit::Sealing::Sealed(n) => n,
            inps_persistence::audit::Sealing::Busy => panic!("another sealer is at work"),
        }
    }

    /// Runs the scheduled reminders due by the app's clock (what the notification worker does in
    /// the background) and returns how many it wrote to the outbox.
    pub fn run_reminders(&self) -> usize {
        let mut conn = self.db.as_ref().expect("database").connect();
        inps_api::notifications::reminders::run_due(&mut conn, &self.clock, 20).expect("reminders")
    }

    /// Runs `workers` delivery workers at once, each claiming one delivery (or digest) at a time
    /// so that they interleave; returns how many deliveries they sent in all.
    pub fn deliver_racing(&self, workers: usize) -> usize {
        let senders = inps_api::notifications::worker::Senders::from_settings(&self.state.settings)
            .expect("senders");
        let clock = &self.clock;
        self.race(workers, |conn| {
            inps_api::notifications::worker::deliver_due(conn, &senders, clock, 1)
                .expect("deliver")
                .sent
        })
        .into_iter()
        .sum()
    }

    /// Runs `work` on `workers` threads at once, each on its own connection to this test's
    /// database, released together by a barrier (replicas racing for the same rows); returns
    /// what each returned.
    pub fn race<T: Send>(
        &self,
        workers: usize,
        work: impl Fn(&mut diesel::PgConnection) -> T + Sync,
    ) -> Vec<T> {
        let db = self.db.as_ref().expect("database");
        let barrier = std::sync::Barrier::new(workers);
        std::thread::scope(|scope| {
            let running: Vec<_> = (0..workers)
                .map(|_| {
                    let (barrier, work) = (&barrier, &work);
                    scope.spawn(move || {
                        let mut conn = db.connect();
                        barrier.wait();
                        work(&mut conn)
                    })
                })
                .collect();
            running
                .into_iter()
                .map(|w| w.join().expect("worker"))
                .collect()
        })
    }

    /// Runs the notification delivery worker once over everything due at the app's clock (what
    /// `serve` does in the background), with the channels the app's settings configure.
    pub fn deliver_notifications(&self) -> inps_api::notifications::worker::DeliveryRun {
        let mut conn = self.db.as_ref().expect("database").connect();
        let senders = inps_api::notifications::worker::Senders::from_settings(&self.state.settings)
            .expect("senders");
        inps_api::notifications::worker::deliver_due(&mut conn, &senders, &self.clock, 20)
            .expect("deliver")
    }

    /// Runs the webhook delivery worker once over everything due at the app's clock (what
    /// `serve` does in the background, after the notification deliveries).
    pub fn deliver_webhooks(&self) -> inps_api::notifications::worker::DeliveryRun {
        let mut conn = self.db.as_ref().expect("database").connect();
        let senders = inps_api::notifications::worker::Senders::from_settings(&self.state.settings)
            .expect("senders");
        inps_api::notifications::webhooks::delivery::deliver_due(
            &mut conn,
            senders.webhooks(),
            &self.clock,
            20,
        )
        .expect("deliver webhooks")
    }

    /// `value` as a `Content-Disposition` parameter of a form part, the way browsers write it
    /// (RFC 7578 section 2 defers to the HTML standard): `"`, CR and LF percent-encoded as
    /// `%22`, `%0D` and `%0A`, so that a name can neither end the quoted string nor the header.
    pub fn form_data_param(value: &str) -> String {
        value
            .replace('"', "%22")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }

    /// A `multipart/form-data` body with the text `fields` and the `files`
    /// (`(field name, file name, bytes)`), and the `Content-Type` that announces its boundary.
    /// Names are escaped by [`Self::form_data_param`].
    pub fn multipart_body(
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (String, Vec<u8>) {
        const BOUNDARY: &str = "----inps-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            let name = Self::form_data_param(name);
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for (name, file_name, bytes) in files {
            let (name, file_name) = (
                Self::form_data_param(name),
                Self::form_data_param(file_name),
            );
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={BOUNDARY}"), body)
    }

    /// `POST path` with a `multipart/form-data` body (see [`Self::multipart_body`]) as the
    /// holder of `token`.
    pub async fn post_multipart(
        &self,
        token: &str,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        self.post_multipart_keyed(token, path, None, fields, files)
            .await
    }

    /// [`Self::post_multipart`] with an `Idempotency-Key` when `key` is given.
    pub async fn post_multipart_keyed(
        &self,
        token: &str,
        path: &str,
        key: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        let (content_type, body) = Self::multipart_body(fields, files);
        let mut req = TestRequest::post()
            .uri(path)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type))
            .set_payload(body);
        if let Some(key) = key {
            req = req.insert_header(("Idempotency-Key", key));
        }
        self.send(req).await
    }
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}
