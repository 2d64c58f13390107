//! The contract. Operations come from the handlers' `#[utoipa::path]` (registered by the same call
//! that mounts the route); [`finalize`] then applies the conventions every operation shares, so
//! they are written once: paths relative to the `/v1` server, rate-limit and request-id headers
//! on every response, `429`/`503` on every operation, problem+json on every error response, and
//! the problem types each operation can answer ([`crate::contract_problems`]);
//! the one `Idempotency-Key` schema. [`as_served`] adapts it to the server that serves it.

use serde_json::{Map, Value, json};
use utoipa::OpenApi;

use crate::error::{ProblemDocument, ProblemFieldError};

/// The base document: info, tags and shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "INPS Lavoro domestico e Prestazioni occasionali API",
        description = "Open REST backend of two INPS services: the *Cassetto previdenziale lavoro domestico* \
(household employers and their intermediaries: employments, contributions, inquiries, appointment agenda) \
and *Prestazioni occasionali* (Libretto Famiglia and PrestO: workers, clients, services, limits, payments).\n\n\
Errors are RFC 9457 `application/problem+json`, in Italian by default and in English with `Accept-Language: en`. \
Every response carries `X-Request-Id` and the `X-RateLimit-*` headers.",
        contact(name = "INPS API team", email = "api@inps.example", url = "https://inps.example/api"),
        license(name = "EUPL-1.2", url = "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12"),
    ),
    components(schemas(ProblemDocument, ProblemFieldError)),
    tags(
        (name = "status", description = "Service health (RAC_REST_NAME_011)."),
        (name = "sessions", description = "Login with an identity assertion (SPID, CIE, CNS, eIDAS) and logout."),
        (name = "sandbox", description = "The sandbox identity provider (sandbox mode only)."),
        (name = "me", description = "The caller: roles, onboarding, contacts, consents, notification preferences."),
        (name = "intermediaries", description = "Qualified intermediaries (circ. INPS 49/2011) and role grants."),
        (name = "delegations", description = "Delegations (deleghe) from subjects to qualified intermediaries."),
        (name = "audit", description = "The accountability log (append-only, hash-chained)."),
        (name = "employers", description = "Cassetto previdenziale: the household employer's data."),
        (name = "employments", description = "Rapporti di lavoro domestico."),
        (name = "contributions", description = "Quarterly contributions: paid in the last 5 years and due, with deadlines."),
        (name = "inquiries", description = "Quesiti (comunicazione bidirezionale) and their topics."),
        (name = "notifications", description = "The caller's notifications: one event type per change, unread first."),
        (name = "webhooks", description = "Webhooks for integrators: signed deliveries (Standard Webhooks) of the caller's events to their HTTPS endpoint."),
        (name = "help", description = "Assistenza: manuals per profile (Manuali e funzioni di utilità, msg. INPS 2651/2019), the FAQ with Italian full-text search, and the help page of every problem type."),
        (name = "appointments", description = "Agenda Appuntamenti: consultation points (punti di consulenza) with their opening hours and free slots, and appointments to discuss quesiti answered negatively or not in time."),
        (name = "support-tickets", description = "Assistenza: support tickets (richieste di assistenza) with the estimated time to be taken in charge."),
        (name = "workers", description = "Prestazioni occasionali: workers (prestatori), their self-declaration and payment method."),
        (name = "clients", description = "Prestazioni occasionali: clients (utilizzatori) of the Libretto Famiglia and PrestO."),
        (name = "services", description = "Prestazioni occasionali: services under every legal limit."),
        (name = "payments", description = "Prestazioni occasionali: INPS payouts to workers (monthly payment runs, payment states, PDF receipts)."),
        (name = "portfolio", description = "Prestazioni occasionali: an intermediary's portfolio, the services of every subject who delegated them."),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// Version of the contract (semver, RAC_GEN_002).
pub const CONTRACT_VERSION: &str = "1.0.0";

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

fn problem_content() -> Value {
    json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}})
}

fn shared_headers() -> Value {
    json!({
        "X-RateLimit-Limit": {
            "description": "Requests allowed to this caller in the current window.",
            "schema": {"type": "integer", "format": "int32", "minimum": 0}
        },
        "X-RateLimit-Remaining": {
            "description": "Requests left to this caller in the current window.",
            "schema": {"type": "integer", "format": "int32", "minimum": 0}
        },
        "X-RateLimit-Reset": {
            "description": "Seconds until the current window resets.",
            "schema": {"type": "integer", "format": "int32", "minimum": 0}
        },
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "format": "int32", "minimum": 0}
        },
        "Cache-Control": {
            "description": "`no-store` unless the operation documents otherwise: responses carry personal data.",
            "schema": {"type": "string", "maxLength": 256}
        },
        "X-Request-Id": {
            "description": "Identifier of this request (the caller's, when it sent a valid one).",
            "schema": {"type": "string", "maxLength": 128, "pattern": "^[A-Za-z0-9._-]{1,128}$"}
        }
    })
}

fn standard_response(status: u16) -> Value {
    let description = match status {
        400 => "Malformed request: unparsable body, query or header.",
        401 => "No session, or an expired or revoked one.",
        403 => "Authenticated, but the caller's role does not allow this operation.",
        404 => "Unknown, or not visible to the caller.",
        408 => "The request body did not arrive in time.",
        409 => "The resource's state does not allow the operation.",
        412 => "`If-Match` does not match the current version.",
        413 => "The request body is too large.",
        415 => "The body's media type is not accepted.",
        422 => "Well-formed input that breaks a rule (`errors` names each field).",
        429 => "Too many requests: retry after `Retry-After` seconds.",
        _ => "A dependency is unavailable: retry after `Retry-After` seconds.",
    };
    json!({ "description": description })
}

fn is_protected(op: &Value) -> bool {
    op.get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearer").is_some()))
}

/// The error statuses an operation may answer besides those its handler lists.
fn implied_statuses(op: &Value, path: &str) -> Vec<u16> {
    let mut statuses = vec![429, 503];
    let has_input = op.get("requestBody").is_some()
        || op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
    if is_protected(op) {
        statuses.extend([401, 403]);
        if path.contains('{') {
            statuses.push(404);
        }
    }
    if has_input {
        statuses.extend([400, 422]);
    }
    statuses
}

/// HTTP parameters are absent or text, never JSON `null`: utoipa renders `Option<T>` as
/// nullable, which would tell clients (and fuzzers) that the string `null` is acceptable.
fn strip_null_from_parameters(op: &mut Value) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for param in params {
        let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
            continue;
        };
        if let Some(Value::Array(types)) = schema.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                schema.insert("type".into(), only);
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(variants)) = schema.get_mut(key) else {
                continue;
            };
            variants.retain(|v| v.get("type").and_then(Value::as_str) != Some("null"));
            if variants.len() == 1 {
                let only = variants.remove(0);
                schema.remove(key);
                if let Value::Object(inner) = only {
                    schema.extend(inner);
                }
            }
        }
    }
}

/// The `Idempotency-Key` header the server accepts (`extract::IdempotencyKey`): 1 to 128
/// visible ASCII characters.
fn idempotency_key_schema() -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "maxLength": crate::extract::IDEMPOTENCY_KEY_MAX_LEN,
        "pattern": "^[\\x21-\\x7E]+$"
    })
}

/// States every `Idempotency-Key` parameter as exactly what the extractor accepts, so a client (or
/// a fuzzer) reading the contract never sends a key the server refuses.
fn describe_idempotency_key(op: &mut Value) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for param in params {
        let is_key = param.get("in").and_then(Value::as_str) == Some("header")
            && param
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"));
        if let (true, Some(param)) = (is_key, param.as_object_mut()) {
            param.insert("schema".into(), idempotency_key_schema());
        }
    }
}

fn complete_response(status: &str, response: &mut Value) {
    let Some(obj) = response.as_object_mut() else {
        return;
    };
    let headers = obj
        .entry("headers")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(headers) = headers.as_object_mut() {
        for name in [
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-Request-Id",
            "Cache-Control",
        ] {
            headers.entry(name).or_insert_with(|| header_ref(name));
        }
        if status == "429" || status == "503" {
            headers
                .entry("Retry-After")
                .or_insert_with(|| header_ref("Retry-After"));
        }
    }
    let is_error = status.starts_with('4') || status.starts_with('5');
    if is_error && !obj.contains_key("content") {
        obj.insert("content".into(), problem_content());
    }
}

/// Applies the shared conventions to the document generated from the handlers.
pub fn finalize(doc: utoipa::openapi::OpenApi) -> Value {
    let mut value = serde_json::to_value(doc).unwrap_or(Value::Null);
    let Some(root) = value.as_object_mut() else {
        return value;
    };
    root.insert("openapi".into(), json!("3.1.0"));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("version".into(), json!(CONTRACT_VERSION));
        info.insert(
            "x-summary".into(),
            json!("Cassetto previdenziale lavoro domestico and Prestazioni occasionali (Libretto Famiglia, PrestO)"),
        );
        info.insert(
            "termsOfService".into(),
            json!("https://inps.example/api/terms"),
        );
        info.insert(
            "x-api-id".into(),
            json!("inps-lavoro-domestico-prestazioni-occasionali"),
        );
    }
    root.insert(
        "servers".into(),
        json!([
            {"url": "https://api.inps.example/v1", "description": "Production"},
            {"url": "http://127.0.0.1:8080/v1", "description": "Local sandbox (inps-api serve)", "x-sandbox": true}
        ]),
    );
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        let taken = std::mem::take(paths);
        for (path, mut item) in taken {
            let relative = path.strip_prefix("/v1").map_or(path.clone(), str::to_owned);
            if let Some(ops) = item.as_object_mut() {
                for (_, op) in ops.iter_mut() {
                    strip_null_from_parameters(op);
                    describe_idempotency_key(op);
                    let implied = implied_statuses(op, &relative);
                    crate::contract_problems::document(op, &relative, standard_response);
                    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    for status in implied {
                        responses
                            .entry(status.to_string())
                            .or_insert_with(|| standard_response(status));
                    }
                    for (status, response) in responses.iter_mut() {
                        complete_response(status, response);
                    }
                }
            }
            paths.insert(relative, item);
        }
    }
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        components.insert("headers".into(), shared_headers());
        components.insert(
            "securitySchemes".into(),
            json!({"bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Session token from `POST /v1/sessions` (an identity assertion exchanged for a session). Sessions expire after inactivity and at an absolute time."
            }}),
        );
    }
    value
}

/// The contract as a running server serves it at `/openapi.json`: the same document, with this
/// server first as the relative `/v1` (so Swagger UI's "Try it out" calls the host and port it was
/// loaded from) and the production server after it. The checked-in contract ([`finalize`]) keeps
/// its fixed list. `sandbox` marks the relative entry as a sandbox (`x-sandbox`, which is also what
/// lets the Italian guidelines' https rule accept a relative URL).
pub fn as_served(mut contract: Value, sandbox: bool) -> Value {
    let mut this_server =
        json!({"url": "/v1", "description": "This server (the one serving this contract)"});
    if sandbox {
        this_server["x-sandbox"] = json!(true);
    }
    let mut servers = vec![this_server];
    if let Some(listed) = contract.get("servers").and_then(Value::as_array) {
        // The fixed local entry (`x-sandbox`) is this server's relative entry now.
        servers.extend(
            listed
                .iter()
                .filter(|s| s.get("x-sandbox") != Some(&json!(true)))
                .cloned(),
        );
    }
    if let Some(root) = contract.as_object_mut() {
        root.insert("servers".into(), Value::Array(servers));
    }
    contract
}
