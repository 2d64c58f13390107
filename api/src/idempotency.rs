//! Runs a creating use case under an `Idempotency-Key`: the key claim, the use case and the
//! stored answer share one transaction, so a retry replays the first answer, the same key with
//! another body is 422, and concurrent duplicates execute once. A key is scoped to the caller,
//! the method and the path ([`ScopedKey`]): sent to another resource, it is another key, so an
//! answer is never replayed for a resource it was not given for.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use diesel::PgConnection;
use inps_persistence::idempotency::{self, Claim, KeyScope};
use serde::Serialize;

use crate::db;
use crate::error::{ApiError, Problem};
use crate::extract::ScopedKey;
use crate::state::AppState;

/// How long a key is remembered.
pub const KEY_TTL: time::Duration = time::Duration::hours(24);

/// The answer of a creating use case.
#[derive(Debug)]
pub struct Created<T> {
    /// The created resource.
    pub body: T,
    /// Its URL (`Location`).
    pub location: String,
}

fn respond(status: u16, body: Vec<u8>, location: Option<String>, replayed: bool) -> HttpResponse {
    let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED));
    res.content_type("application/json");
    if let Some(location) = location {
        res.insert_header((header::LOCATION, location));
    }
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    res.body(body)
}

/// Whether `key` (if sent) already holds `caller`'s answer on its method and path: a retry,
/// which [`create`] replays. An upload checks this before measuring the request against the
/// room its resource has left, which the first request used up.
pub fn is_retry(
    conn: &mut PgConnection,
    caller: &str,
    key: Option<&ScopedKey>,
    now: time::OffsetDateTime,
) -> Result<bool, ApiError> {
    let Some(k) = key else {
        return Ok(false);
    };
    let scope = KeyScope {
        caller,
        method: &k.method,
        path: &k.path,
        key: &k.key,
    };
    Ok(idempotency::answered(conn, &scope, now)?)
}

/// Runs `use_case` in one transaction, honouring `key` (scoped to the request's method and
/// path) for `caller` when one was sent.
pub async fn create<T, F>(
    state: &AppState,
    caller: String,
    key: Option<ScopedKey>,
    fingerprint: [u8; 32],
    use_case: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<Created<T>, ApiError> + Send + 'static,
{
    let now = state.clock.now();
    let (status, body, location, replayed) = db::transaction(state, move |conn| {
        let scope = key.as_ref().map(|k| KeyScope {
            caller: &caller,
            method: &k.method,
            path: &k.path,
            key: &k.key,
        });
        if let Some(scope) = &scope {
            idempotency::lock_key(conn, scope.caller, scope.key)?;
            match idempotency::claim(conn, scope, &fingerprint, now, KEY_TTL)? {
                Claim::Fresh => {}
                Claim::Replay {
                    status,
                    body,
                    location,
                } => return Ok((u16::try_from(status).unwrap_or(201), body, location, true)),
                Claim::Mismatch => {
                    return Err(ApiError::new(Problem::IdempotencyKeyReused).with_detail(
                        "Questa Idempotency-Key è già stata usata con una richiesta diversa.",
                        "This Idempotency-Key was already used with a different request.",
                    ));
                }
            }
        }
        let created = use_case(conn)?;
        let body = serde_json::to_vec(&created.body).map_err(ApiError::internal)?;
        if let Some(scope) = &scope {
            // Checked after the use case: its own refusals (a path the caller may not see is
            // 404) come first; then the whole request rolls back.
            if idempotency::used_elsewhere(conn, scope, now)? {
                return Err(ApiError::new(Problem::IdempotencyKeyReused).with_detail(
                    "Questa Idempotency-Key è già stata usata per un'altra operazione.",
                    "This Idempotency-Key was already used for another operation.",
                ));
            }
            idempotency::complete(conn, scope, 201, &body, Some(&created.location))?;
        }
        Ok((201, body, Some(created.location), false))
    })
    .await?;
    Ok(respond(status, body, location, replayed))
}
