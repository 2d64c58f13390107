//! Guards derived from the contract, so an operation added later is covered without touching
//! this file: every operation behind `bearer` refuses a missing, a forged and a logged-out token
//! with 401; every operation on someone's data refuses an unrelated person (404, or 403 where
//! the contract says "Operators only" / "Not an operator") and never answers them 2xx, also when
//! the path mixes the caller's own data with someone else's. Path parameters are filled from
//! real, seeded data by their name (`parameter`); one these tests cannot fill fails them, with
//! the place to teach it. Each test collects every offence and prints them as one table.

use std::fmt::Write as _;

use actix_web::test::TestRequest;
use inps_domain::employment::EmploymentCode;
use inps_tests::fixtures::{delegation_terms, domestic, id_of, pdf, rows};
use inps_tests::personas::{employer, intermediary, intermediary2, other_person, with_check_char};
use inps_tests::{Persona, TestApp, TestResponse};
use serde_json::{Value, json};

/// Operations on someone's data that any authenticated person may use by design:
/// `(method, contract path, why)`.
const OPEN_TO_ANY_SESSION: &[(&str, &str, &str)] = &[(
    "get",
    "/intermediaries/{tax_code}",
    "the register of qualified intermediaries: anyone checks a delegate before delegating",
)];

/// One operation of the contract.
struct Operation {
    /// Lower case, as in the contract.
    method: String,
    /// The contract's path (under `/v1`).
    path: String,
    /// The operation object.
    op: &'static Value,
}

impl Operation {
    fn method_upper(&self) -> String {
        self.method.to_ascii_uppercase()
    }

    /// Whether the contract puts the operation behind the `bearer` scheme.
    fn needs_bearer(&self) -> bool {
        let security = self
            .op
            .get("security")
            .or_else(|| inps_tests::contract().get("security"));
        security
            .and_then(Value::as_array)
            .is_some_and(|alternatives| alternatives.iter().any(|s| s.get("bearer").is_some()))
    }

    /// Whether the contract reserves the operation to operators.
    fn operators_only(&self) -> bool {
        let said = format!(
            "{} {}",
            self.op["description"].as_str().unwrap_or(""),
            self.op["responses"]["403"]["description"]
                .as_str()
                .unwrap_or("")
        );
        said.contains("Operators only") || said.contains("Not an operator")
    }

    fn open_to_any_session(&self) -> Option<&'static str> {
        OPEN_TO_ANY_SESSION
            .iter()
            .find(|(method, path, _)| *method == self.method && *path == self.path)
            .map(|(_, _, why)| *why)
    }
}

/// Every operation of the contract, in its order.
fn operations() -> Vec<Operation> {
    let paths = inps_tests::contract()["paths"].as_object().expect("paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            if matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                out.push(Operation {
                    method: method.clone(),
                    path: path.clone(),
                    op,
                });
            }
        }
    }
    assert!(!out.is_empty(), "the contract has no operations");
    out
}

/// The data path parameters point at: plausible values nobody has, or someone's real data.
struct Data {
    employer_tax_code: String,
    intermediary_tax_code: String,
    employment_code: String,
    inquiry_id: String,
    attachment_id: String,
    delegation_id: String,
}

impl Data {
    /// Well-formed values (a valid tax code, an employment code with its Luhn digit, uuids).
    fn plausible() -> Self {
        Self {
            employer_tax_code: employer().tax_code,
            intermediary_tax_code: intermediary().tax_code,
            employment_code: EmploymentCode::from_sequence(123_456_789)
                .expect("code")
                .as_str()
                .to_owned(),
            inquiry_id: uuid::Uuid::new_v4().to_string(),
            attachment_id: uuid::Uuid::new_v4().to_string(),
            delegation_id: uuid::Uuid::new_v4().to_string(),
        }
    }
}

/// A path parameter's value, and whether it names someone's data (a subject) or only picks
/// from a fixed list (a topic, a role).
struct Param {
    value: String,
    subject: bool,
}

/// **Teach new path parameters here**: the value of parameter `name` after the path segment
/// `collection`, taken from `data`.
fn parameter(collection: &str, name: &str, data: &Data) -> Option<Param> {
    let subject = |value: &str| Param {
        value: value.to_owned(),
        subject: true,
    };
    let reference = |value: &str| Param {
        value: value.to_owned(),
        subject: false,
    };
    Some(match (collection, name) {
        ("intermediaries", "tax_code") => subject(&data.intermediary_tax_code),
        (_, "tax_code") => subject(&data.employer_tax_code),
        (_, "employment_code") => subject(&data.employment_code),
        ("inquiries", "id") => subject(&data.inquiry_id),
        ("delegations", "id") => subject(&data.delegation_id),
        ("attachments", "attachment_id") => subject(&data.attachment_id),
        ("inquiry-topics", "code") => reference("mav"),
        ("roles", "role") => reference("employer"),
        _ => return None,
    })
}

/// The operation's path filled from `data` (under `/v1`), and the number of parameters that
/// name a subject; `Err` names the parameter nobody taught these tests.
fn fill(operation: &Operation, data: &Data) -> Result<(String, usize), String> {
    fill_with(operation, |_| data)
}

/// As [`fill`], taking the `n`th subject parameter from `data_for(n)`.
fn fill_with<'a>(
    operation: &Operation,
    data_for: impl Fn(usize) -> &'a Data,
) -> Result<(String, usize), String> {
    let mut uri = String::from("/v1");
    let mut subjects = 0;
    let mut collection = "";
    for segment in operation.path.split('/').filter(|s| !s.is_empty()) {
        uri.push('/');
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            uri.push_str(segment);
            collection = segment;
            continue;
        };
        let param = parameter(collection, name, data_for(subjects)).ok_or_else(|| {
            format!(
                "the guard tests cannot fill the path parameter `{name}` (after \
                 `/{collection}`) of {} {}: teach `parameter` in tests/tests/api/guards.rs \
                 a plausible value and someone's real data for it",
                operation.method_upper(),
                operation.path
            )
        })?;
        subjects += usize::from(param.subject);
        uri.push_str(&param.value);
        collection = "";
    }
    Ok((uri, subjects))
}

fn has_path_parameters(operation: &Operation) -> bool {
    operation.path.contains('{')
}

/// `$ref`s resolved against the contract's components.
fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            inps_tests::contract()
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} is not in the contract"))
        }
        None => schema,
    }
}

/// A request for the operation at `uri`, with the contract's example body in the declared media
/// type (so a refusal is about who asks, not a 415 or a 422 about the body).
fn request(operation: &Operation, uri: &str, token: Option<&str>) -> TestRequest {
    let mut req = TestRequest::default()
        .method(operation.method_upper().parse().expect("method"))
        .uri(uri);
    if let Some(token) = token {
        req = req.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let Some((media_type, content)) = operation.op["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.iter().next())
    else {
        return req;
    };
    let example = content
        .get("example")
        .or_else(|| resolve(&content["schema"]).get("example"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    match media_type.as_str() {
        "multipart/form-data" => {
            let fields: Vec<(String, String)> = example
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default();
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let (content_type, body) = TestApp::multipart_body(&fields, &[]);
            req.insert_header(("Content-Type", content_type))
                .set_payload(body)
        }
        "application/json" => req.set_json(example),
        other => req
            .insert_header(("Content-Type", other.to_owned()))
            .set_payload(example.to_string()),
    }
}

/// One answer that differs from the guard's expectation.
struct Offence {
    method: String,
    path: String,
    who: String,
    expected: String,
    got: String,
}

/// Fails listing every offence at once.
fn assert_none(what: &str, offences: &[Offence]) {
    if offences.is_empty() {
        return;
    }
    let mut table = format!(
        "{what}: {} offence(s)\n{:<7} {:<50} {:<34} {:<28} got\n",
        offences.len(),
        "method",
        "path",
        "who",
        "expected"
    );
    for o in offences {
        let _ = writeln!(
            table,
            "{:<7} {:<50} {:<34} {:<28} {}",
            o.method, o.path, o.who, o.expected, o.got
        );
    }
    panic!("{table}");
}

fn status_and_type(res: &TestResponse) -> String {
    let problem_type = serde_json::from_slice::<Value>(&res.body)
        .ok()
        .and_then(|b| b["type"].as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{} {problem_type}", res.status.as_u16())
}

/// Why `res` is not a proper 401 (problem+json, `WWW-Authenticate: Bearer`), if it is not.
fn not_a_401(res: &TestResponse) -> Option<String> {
    if res.status != 401 {
        return Some(status_and_type(res));
    }
    if res.header("content-type") != Some("application/problem+json") {
        return Some(format!("401 as {:?}", res.header("content-type")));
    }
    if res.header("www-authenticate") != Some("Bearer") {
        return Some(format!(
            "401 with WWW-Authenticate {:?}",
            res.header("www-authenticate")
        ));
    }
    None
}

#[test]
fn the_guards_can_fill_every_path_parameter_of_the_contract() {
    let data = Data::plausible();
    let unknown: Vec<String> = operations()
        .iter()
        .filter_map(|o| fill(o, &data).err())
        .collect();
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
    for (method, path, why) in OPEN_TO_ANY_SESSION {
        assert!(
            operations()
                .iter()
                .any(|o| o.method == *method && o.path == *path),
            "{method} {path} is listed as open to any session ({why}) but is not in the contract"
        );
    }
}

#[actix_web::test]
async fn every_bearer_operation_refuses_a_missing_a_forged_and_a_logged_out_token_with_401() {
    let app = TestApp::new();
    let logged_out = app.login(&other_person()).await;
    let res = app
        .call("DELETE", "/v1/sessions/current", Some(&logged_out), None)
        .await;
    assert_eq!(res.status, 204, "log out: {}", res.text());
    let forged = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let tokens = [
        ("no token", None),
        ("a forged token", Some(forged.as_str())),
        ("a logged-out token", Some(logged_out.as_str())),
    ];

    let data = Data::plausible();
    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| o.needs_bearer()) {
        let uri = match fill(operation, &data) {
            Ok((uri, _)) => uri,
            Err(teach) => {
                offences.push(Offence {
                    method: operation.method_upper(),
                    path: operation.path.clone(),
                    who: "-".into(),
                    expected: "a known path parameter".into(),
                    got: teach,
                });
                continue;
            }
        };
        for (who, token) in tokens {
            let res = app.send(request(operation, &uri, token)).await;
            if let Some(got) = not_a_401(&res) {
                offences.push(Offence {
                    method: operation.method_upper(),
                    path: operation.path.clone(),
                    who: who.into(),
                    expected: "401 Bearer".into(),
                    got,
                });
            }
            checked += 1;
        }
    }
    assert_none(
        "operations behind bearer without a valid session",
        &offences,
    );
    assert!(checked >= 3, "no bearer operation in the contract");
}

/// `owner`'s cassetto on `app`: an employment recorded by the operator, an inquiry with a PDF,
/// and an active domestic-work delegation to `delegate` (registered here).
async fn cassetto_of(app: &TestApp, owner: &Persona, delegate: &Persona) -> Data {
    let employment_code = app.employment_for(owner).await;
    let token = app.login(owner).await;
    app.register_intermediary(delegate).await;
    let agent = app.login(delegate).await;
    let delegation_id = app
        .active_delegation(&token, &agent, domestic(delegate))
        .await;
    let pdf = pdf();
    let res = app
        .send_inquiry(
            &token,
            &employment_code,
            "mav",
            "Il MAV non è arrivato.",
            &[("ricevuta.pdf", &pdf)],
        )
        .await;
    assert_eq!(res.status, 201, "send inquiry: {}", res.text());
    let inquiry = res.json();
    Data {
        employer_tax_code: owner.tax_code.clone(),
        intermediary_tax_code: delegate.tax_code.clone(),
        employment_code,
        inquiry_id: id_of(&inquiry),
        attachment_id: id_of(&inquiry["attachments"][0]),
        delegation_id,
    }
}

/// What a stranger's writes must leave as it was.
async fn state_of(app: &TestApp, owner: &str, data: &Data) -> Value {
    json!({
        "delegation": app.delegation_status(owner, &data.delegation_id).await,
        "inquiry": app.show_inquiry(owner, &data.inquiry_id).await["state"],
        "roles": app.get_as(owner, "/v1/me").await.json()["roles"],
        "topics": app.get_as(owner, "/v1/inquiry-topics").await.json()["items"],
        "rows": [
            rows(app, "employments"),
            rows(app, "contribution_payments"),
            rows(app, "inquiries"),
            rows(app, "attachments"),
            rows(app, "delegations"),
            rows(app, "intermediaries"),
        ],
    })
}

/// The answer an unrelated caller must get from `operation`, and why.
fn expected_for_a_stranger(operation: &Operation) -> (u16, &'static str) {
    match operation.open_to_any_session() {
        Some(why) => (200, why),
        None if operation.operators_only() => (403, "operators only"),
        None => (404, "someone else's data"),
    }
}

/// Whether `res` is `expected` (errors as problem+json).
fn is(res: &TestResponse, expected: u16) -> bool {
    res.status == expected
        && (res.status.is_success()
            || res.header("content-type") == Some("application/problem+json"))
}

#[actix_web::test]
async fn every_operation_on_someone_elses_data_refuses_an_unrelated_person() {
    let app = TestApp::new();
    let data = cassetto_of(&app, &employer(), &intermediary()).await;
    let operator = app.login_operator().await;
    let owner = app.login(&employer()).await;
    // Intermediaries the owner delegated for another service only, or not yet.
    let occasional_agent = Persona {
        tax_code: with_check_char("GLLMRC70A01H501"),
        given_name: "Marco",
        family_name: "Galli",
    };
    let pending_agent = Persona {
        tax_code: with_check_char("FRRSRA75B41F205"),
        given_name: "Sara",
        family_name: "Ferri",
    };
    for agent in [&intermediary2(), &occasional_agent, &pending_agent] {
        app.register_intermediary(agent).await;
    }
    let occasional_token = app.login(&occasional_agent).await;
    let terms = delegation_terms(
        &occasional_agent.tax_code,
        "occasional_work",
        &["read", "services", "payments"],
        "2026-03-02",
        "2027-03-01",
    );
    app.active_delegation(&owner, &occasional_token, terms)
        .await;
    app.create_delegation(&owner, domestic(&pending_agent))
        .await;
    let strangers = [
        ("a person with no role", app.login(&other_person()).await),
        (
            "an intermediary not delegated",
            app.login(&intermediary2()).await,
        ),
        ("an occasional-work delegate", occasional_token),
        (
            "a pending domestic-work delegate",
            app.login(&pending_agent).await,
        ),
    ];
    let before = state_of(&app, &owner, &data).await;

    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| has_path_parameters(o)) {
        let offence = |who: &str, expected: &str, got: String| Offence {
            method: operation.method_upper(),
            path: operation.path.clone(),
            who: who.to_owned(),
            expected: expected.to_owned(),
            got,
        };
        let (uri, subjects) = match fill(operation, &data) {
            Ok(filled) => filled,
            Err(teach) => {
                offences.push(offence("-", "a known path parameter", teach));
                continue;
            }
        };
        let operators_only = operation.operators_only();
        if subjects == 0 && !operators_only {
            continue;
        }
        // The path points at real data: whoever may read it does (the owner, or an operator).
        if operation.method == "get" {
            let (who, token) = if operators_only {
                ("the operator (control)", &operator)
            } else {
                ("the owner (control)", &owner)
            };
            let res = app.send(request(operation, &uri, Some(token))).await;
            if res.status != 200 {
                offences.push(offence(who, "200", status_and_type(&res)));
            }
        }
        let (expected, why) = expected_for_a_stranger(operation);
        for (who, token) in &strangers {
            let res = app.send(request(operation, &uri, Some(token))).await;
            if !is(&res, expected) {
                offences.push(offence(
                    who,
                    &format!("{expected} ({why})"),
                    status_and_type(&res),
                ));
            }
            checked += 1;
        }
    }
    assert_none(
        "operations on someone else's data, asked by an unrelated person",
        &offences,
    );
    assert!(
        checked >= 2,
        "no operation on someone's data in the contract"
    );
    let owner = app.login(&employer()).await;
    assert_eq!(
        state_of(&app, &owner, &data).await,
        before,
        "the strangers' requests changed someone else's data"
    );
}

#[actix_web::test]
async fn a_path_mixing_the_callers_own_data_with_someone_elses_is_refused() {
    let app = TestApp::new();
    let victim = cassetto_of(&app, &employer(), &intermediary()).await;
    let own = cassetto_of(&app, &other_person(), &intermediary2()).await;
    let caller = app.login(&other_person()).await;

    let mut offences = Vec::new();
    let mut checked = 0;
    for operation in operations().iter().filter(|o| has_path_parameters(o)) {
        let offence = |who: String, expected: &str, got: String| Offence {
            method: operation.method_upper(),
            path: operation.path.clone(),
            who,
            expected: expected.to_owned(),
            got,
        };
        let subjects = match fill(operation, &own) {
            Ok((_, subjects)) => subjects,
            Err(teach) => {
                offences.push(offence("-".into(), "a known path parameter", teach));
                continue;
            }
        };
        if subjects < 2 {
            continue;
        }
        // Each subject parameter in turn is someone else's; the others are the caller's own.
        for foreign in 0..subjects {
            let (uri, _) = fill_with(operation, |n| if n == foreign { &victim } else { &own })
                .expect("filled above");
            let (expected, why) = expected_for_a_stranger(operation);
            let res = app.send(request(operation, &uri, Some(&caller))).await;
            if !is(&res, expected) {
                offences.push(offence(
                    format!("the caller, parameter {foreign} foreign"),
                    &format!("{expected} ({why})"),
                    status_and_type(&res),
                ));
            }
            checked += 1;
        }
    }
    assert_none(
        "paths mixing the caller's own data with someone else's",
        &offences,
    );
    assert!(checked >= 2, "no operation with two subjects in its path");
}
