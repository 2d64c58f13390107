//! Many replicas on one PostgreSQL (and one Redis): two real server processes, and a client
//! that alternates between them. A logout on one is honoured at once by the other, an
//! idempotency key replays once whichever replica answers, the rate limit is one budget across
//! both, and their two sealers build one audit chain.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use inps_tests::TestDb;
use inps_tests::personas::{Persona, employer, operator};
use serde_json::{Value, json};

struct Replica {
    child: Child,
    base: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start(db: &TestDb, redis_prefix: &str) -> Replica {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_replica"))
        .env("DATABASE_URL", &db.url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("APP_ENV", "sandbox")
        .env("LOG_LEVEL", "warn")
        .env("HTTP_WORKERS", "1")
        .env("DB_POOL_MAX_SIZE", "4")
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env("REDIS_KEY_PREFIX", redis_prefix)
        // A loaded test machine must not turn a slow round trip into a local decision.
        .env("REDIS_TIMEOUT_MS", "10000")
        .env("RATE_LIMIT_REQUESTS", "12")
        // One window for the whole test: no boundary can split the budget mid-test.
        .env("RATE_LIMIT_WINDOW_SECONDS", "1000000000")
        .env("AUDIT_SEAL_INTERVAL_MS", "20")
        .env("AUDIT_SEAL_BATCH", "7")
        .env("BOOTSTRAP_OPERATOR_TAX_CODE", operator().tax_code)
        .stdout(Stdio::null())
        .spawn()
        .expect("start a replica");
    let replica = Replica {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    // Ready when it accepts connections (no request, so no rate-limit budget is spent).
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the replica did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    replica
}

struct Client(ureq::Agent);

struct Answer {
    status: u16,
    replayed: bool,
    body: Value,
}

impl Client {
    fn new() -> Self {
        Self(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        )
    }

    fn send(
        &self,
        method: &str,
        url: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let text = body.map(Value::to_string).unwrap_or_default();
        if body.is_some() {
            request = request.header("Content-Type", "application/json");
        }
        let request = request.body(text).expect("request");
        let mut response = self.0.run(request).expect("answer");
        let status = response.status().as_u16();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let raw = response.body_mut().read_to_string().unwrap_or_default();
        Answer {
            status,
            replayed,
            body: serde_json::from_str(&raw).unwrap_or(Value::Null),
        }
    }

    fn login(&self, replica: &Replica, persona: &Persona) -> String {
        let assertion = self.send(
            "POST",
            &format!("{}/v1/sandbox/assertions", replica.base),
            None,
            &[],
            Some(
                &json!({"tax_code": persona.tax_code, "level": "L2", "idp": "spid",
                "given_name": persona.given_name, "family_name": persona.family_name}),
            ),
        );
        assert_eq!(assertion.status, 201, "{}", assertion.body);
        let session = self.send(
            "POST",
            &format!("{}/v1/sessions", replica.base),
            None,
            &[],
            Some(&json!({"assertion": assertion.body["assertion"]})),
        );
        assert_eq!(session.status, 201, "{}", session.body);
        session.body["token"].as_str().expect("token").to_owned()
    }
}

fn employment() -> Value {
    let boss = employer();
    json!({
        "employer": {"tax_code": boss.tax_code, "given_name": boss.given_name, "family_name": boss.family_name},
        "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
        "employment_type": "colf", "start_date": "2025-01-07", "weekly_hours": "20.00",
        "hourly_pay": {"amount": "9.50", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
    })
}

#[test]
fn two_replicas_share_logouts_idempotency_keys_rate_limits_and_one_audit_chain() {
    let db = TestDb::new();
    let prefix = format!("test-{}:", uuid::Uuid::new_v4().simple());
    // The first replica migrates; the second finds the schema ready.
    let a = start(&db, &prefix);
    let b = start(&db, &prefix);
    let client = Client::new();
    let on = |r: &Replica, path: &str| format!("{}{path}", r.base);

    // The rate limit is one budget across both replicas (a bearer unknown to both counts as
    // its own caller, so this budget is apart from the others below).
    let mut allowed = 0;
    for i in 0..20 {
        let replica = if i % 2 == 0 { &a } else { &b };
        let res = client.send("GET", &on(replica, "/v1/status"), Some("probe"), &[], None);
        match res.status {
            200 => allowed += 1,
            429 => {}
            other => panic!("status {other}"),
        }
    }
    assert_eq!(allowed, 12, "both replicas together allow the limit once");

    // A logout on one replica is honoured at once by the other.
    let token = client.login(&a, &employer());
    assert_eq!(
        client
            .send("GET", &on(&b, "/v1/me"), Some(&token), &[], None)
            .status,
        200
    );
    let out = client.send(
        "DELETE",
        &on(&a, "/v1/sessions/current"),
        Some(&token),
        &[],
        None,
    );
    assert_eq!(out.status, 204);
    assert_eq!(
        client
            .send("GET", &on(&b, "/v1/me"), Some(&token), &[], None)
            .status,
        401
    );

    // An idempotency key replays once, whichever replica answers.
    let office = client.login(&b, &operator());
    let key = [("Idempotency-Key", "employment-1")];
    let first = client.send(
        "POST",
        &on(&a, "/v1/employments"),
        Some(&office),
        &key,
        Some(&employment()),
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let again = client.send(
        "POST",
        &on(&b, "/v1/employments"),
        Some(&office),
        &key,
        Some(&employment()),
    );
    assert_eq!(again.status, 201, "{}", again.body);
    assert!(again.replayed && again.body == first.body);

    // Writes through both replicas while both sealers run: one chain, nothing left unsealed.
    let mario = client.login(&a, &employer());
    for i in 0..8 {
        let replica = if i % 2 == 0 { &a } else { &b };
        let res = client.send(
            "PUT",
            &on(replica, "/v1/me/contacts"),
            Some(&mario),
            &[],
            Some(&json!({"email": format!("mario{i}@example.it")})),
        );
        assert_eq!(res.status, 200, "{}", res.body);
    }
    // Waiting is watched in the database, so it spends none of the operator's request budget.
    let mut conn = db.connect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while inps_persistence::audit::oldest_unsealed_at(&mut conn)
        .expect("unsealed events")
        .is_some()
    {
        assert!(Instant::now() < deadline, "sealing never caught up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let res = client.send(
        "GET",
        &on(&a, "/v1/audit-events/verification"),
        Some(&office),
        &[],
        None,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let report = res.body;
    assert_eq!(report["pending_events"], 0, "{report}");
    assert_eq!(report["valid"], true, "{report}");
    // Three logins, a logout, the employment (its replay logs nothing), eight contact changes.
    assert_eq!(report["sealed_up_to"], 13, "{report}");
    assert_eq!(report["events_checked"], report["sealed_up_to"]);
}
