//! Request extractors shared by every handler: a JSON body parsed and validated in one step
//! ([`ValidatedJson`]), keyset pagination ([`PageQuery`]) and the `Idempotency-Key` header.
//!
//! Every refusal is an [`ApiError`]: a body that is not JSON is 400, one that does not fit the
//! schema or breaks a `validator` rule is 422 naming each field (`errors[].field` is the JSON
//! path), a body over the limit is 413 (refused from `Content-Length` before reading), a wrong
//! media type 415, a body that does not arrive within `BODY_READ_TIMEOUT_SECONDS` 408.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt as _;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, Problem, Text};
use crate::state::AppState;

/// A JSON body of type `T`, validated, with the SHA-256 of its bytes (the idempotency
/// fingerprint).
#[derive(Debug)]
pub struct ValidatedJson<T> {
    /// The parsed body.
    pub value: T,
    /// SHA-256 of the raw body.
    pub fingerprint: [u8; 32],
}

fn media_type_ok(req: &HttpRequest, merge_patch: bool) -> bool {
    let Some(ct) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if merge_patch {
        essence == "application/merge-patch+json"
    } else {
        essence == "application/json"
    }
}

fn too_large() -> ApiError {
    ApiError::new(Problem::PayloadTooLarge).with_detail(
        "Il corpo della richiesta supera la dimensione massima.",
        "The request body exceeds the maximum size.",
    )
}

/// How long reading a request body may take (`BODY_READ_TIMEOUT_SECONDS`).
pub fn body_read_timeout(req: &HttpRequest) -> std::time::Duration {
    req.app_data::<web::Data<AppState>>()
        .map_or(std::time::Duration::from_secs(30), |s| {
            s.settings.body_read_timeout
        })
}

/// 408: the body did not arrive in time. Answering frees the worker; actix closes the
/// connection after a response to a body it has not read to the end.
pub fn body_timed_out() -> ApiError {
    ApiError::new(Problem::RequestTimeout).with_detail(
        "Il corpo della richiesta non è arrivato in tempo.",
        "The request body did not arrive in time.",
    )
}

/// Runs `read` (a body read) under the request's body read timeout: 408 when it takes longer.
pub async fn within_body_timeout<T>(
    req: &HttpRequest,
    read: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    actix_web::rt::time::timeout(body_read_timeout(req), read)
        .await
        .unwrap_or_else(|_| Err(body_timed_out()))
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes, or when it does not
/// arrive within the body read timeout (408).
pub async fn read_body_limited(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    within_body_timeout(req, read_all_limited(req, payload, limit)).await
}

async fn read_all_limited(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(Problem::MalformedRequest)
                .with_detail(
                    "Corpo della richiesta illeggibile.",
                    "Unreadable request body.",
                )
                .with_cause(e)
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn find_nul(value: &Value, path: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\0') => Some(path.join(".")),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            path.push(i.to_string());
            let found = find_nul(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(path.join("."));
            }
            path.push(k.clone());
            let found = find_nul(v, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

fn collect_validation(errors: &ValidationErrors, prefix: &str, out: &mut ApiError) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let en = e.message.as_ref().map_or_else(
                        || format!("fails the `{}` rule", e.code),
                        ToString::to_string,
                    );
                    let it = e.params.get("it").and_then(Value::as_str).map_or_else(
                        || format!("non rispetta la regola `{}`", e.code),
                        str::to_owned,
                    );
                    let mut taken = ApiError::new(Problem::ValidationFailed);
                    std::mem::swap(out, &mut taken);
                    *out = taken.with_field(path.clone(), Text::new(it, en));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_validation(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

/// Parses and validates a JSON body already read.
pub fn parse_json<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(Problem::MalformedRequest).with_detail(
            format!("Il corpo non è JSON valido: {e}"),
            format!("The body is not valid JSON: {e}"),
        )
    })?;
    // Every body of the contract is an object: serde would also read a struct from an array
    // (`[null, null]` as a patch with every field absent).
    if !value.is_object() {
        return Err(ApiError::invalid_field(
            "body",
            Text::new("è atteso un oggetto JSON", "a JSON object is expected"),
        ));
    }
    // `6.0` is an integer for the contract (JSON Schema); serde's integer types would refuse it.
    crate::wire::integral::normalize(&mut value);
    if let Some(path) = find_nul(&value, &mut Vec::new()) {
        return Err(ApiError::invalid_field(
            path,
            Text::new(
                "il carattere NUL non è ammesso",
                "the NUL character is not allowed",
            ),
        ));
    }
    let parsed: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        ApiError::invalid_field(
            if path == "." { "body".to_owned() } else { path },
            Text::new(
                format!("valore non valido: {inner}"),
                format!("invalid value: {inner}"),
            ),
        )
    })?;
    if let Err(errors) = parsed.validate() {
        let mut error = ApiError::new(Problem::ValidationFailed);
        collect_validation(&errors, "", &mut error);
        return Err(error);
    }
    Ok(parsed)
}

async fn extract_json<T: DeserializeOwned + Validate>(
    req: HttpRequest,
    mut payload: Payload,
    merge_patch: bool,
) -> Result<ValidatedJson<T>, ApiError> {
    if !media_type_ok(&req, merge_patch) {
        let (it, en) = if merge_patch {
            (
                "Il corpo deve essere application/merge-patch+json.",
                "The body must be application/merge-patch+json.",
            )
        } else {
            (
                "Il corpo deve essere application/json.",
                "The body must be application/json.",
            )
        };
        return Err(ApiError::new(Problem::UnsupportedMediaType).with_detail(it, en));
    }
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map_or(64 * 1024, |s| s.settings.max_json_body_bytes);
    let body = read_body_limited(&req, &mut payload, limit).await?;
    let value = parse_json(&body)?;
    Ok(ValidatedJson {
        value,
        fingerprint: Sha256::digest(&body).into(),
    })
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Box::pin(extract_json(req.clone(), payload.take(), false))
    }
}

/// A JSON Merge Patch body (`application/merge-patch+json`), validated.
#[derive(Debug)]
pub struct MergePatch<T>(pub ValidatedJson<T>);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for MergePatch<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = extract_json(req.clone(), payload.take(), true);
        Box::pin(async move { fut.await.map(MergePatch) })
    }
}

/// `?limit=&cursor=` of every collection.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200, format = Int32)]
    #[serde(default, deserialize_with = "crate::wire::integral::option_i32")]
    pub limit: Option<i32>,
    /// Opaque cursor from a previous page's `next_cursor`.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, validated.
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n) if (1..=200).contains(&n) => Ok(i64::from(n)),
            Some(_) => Err(ApiError::invalid_field(
                "limit",
                Text::new("deve essere tra 1 e 200", "must be between 1 and 200"),
            )),
        }
    }

    /// The decoded cursor text, if any.
    pub fn cursor(&self) -> Result<Option<String>, ApiError> {
        use base64::Engine as _;
        let Some(raw) = &self.cursor else {
            return Ok(None);
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"))
            })
    }
}

/// Cuts `rows`, fetched with `limit + 1`, to a page of `limit` and the `next_cursor` of the
/// page after it (from the last row kept), or `None` on the last page.
pub fn page_of<T>(
    mut rows: Vec<T>,
    limit: i64,
    cursor_of: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if has_more {
        rows.last().map(|r| encode_cursor(&cursor_of(r)))
    } else {
        None
    };
    (rows, next)
}

/// The keyset cursor `<unix nanoseconds>/<uuid>` of lists ordered by a time and an id (422
/// `cursor` when it is not one).
pub fn time_id_cursor(text: &str) -> Result<(time::OffsetDateTime, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (nanos, id) = text.split_once('/').ok_or_else(bad)?;
    let at = nanos
        .parse::<i128>()
        .ok()
        .and_then(|n| time::OffsetDateTime::from_unix_timestamp_nanos(n).ok())
        .ok_or_else(bad)?;
    Ok((at, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Encodes a cursor for `next_cursor`.
pub fn encode_cursor(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

/// The cursor text of a page ordered by time then id, newest first: `<unix nanos>/<id>`.
pub fn time_cursor(at: time::OffsetDateTime, id: uuid::Uuid) -> String {
    format!("{}/{id}", at.unix_timestamp_nanos())
}

/// Reads a [`time_cursor`] text (422 `cursor` when it is not one).
pub fn parse_time_cursor(text: &str) -> Result<(time::OffsetDateTime, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (nanos, id) = text.split_once('/').ok_or_else(bad)?;
    let nanos: i128 = nanos.parse().map_err(|_| bad())?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?;
    Ok((at, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Longest `Idempotency-Key` accepted (the contract says the same).
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 128;

/// What an `Idempotency-Key` value may be: 1..=128 visible ASCII characters (`!` to `~`). The
/// contract's parameter schema states the same (`openapi::finalize`).
pub fn idempotency_key_ok(key: &str) -> bool {
    (1..=IDEMPOTENCY_KEY_MAX_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// An `Idempotency-Key` with the request it scopes (the caller is added by
/// [`crate::idempotency::create`]); the same key under another method or path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedKey {
    /// The HTTP method (`POST`).
    pub method: String,
    /// The request path, without the query (`/v1/employments/123/inquiries`).
    pub path: String,
    /// The key the client sent.
    pub key: String,
}

/// The `Idempotency-Key` header of a creating `POST` with a JSON body, as the contract states
/// it: `params(IdempotencyKeyHeader)` (the schema is completed by `openapi::as_served`).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// Makes retries safe: the same key and body replay the first answer; the same key with another body or on another path is 422.
    #[param(rename = "Idempotency-Key", max_length = 128)]
    pub key: Option<String>,
}

/// [`IdempotencyKeyHeader`] for a creating `POST` with a multipart form.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyFormHeader {
    /// Makes retries safe: the same key and form replay the first answer; the same key with another form or on another path is 422.
    #[param(rename = "Idempotency-Key", max_length = 128)]
    pub key: Option<String>,
}

/// The `Idempotency-Key` header, if sent (1..=128 visible ASCII characters), scoped to the
/// request's method and path.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<ScopedKey>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get("idempotency-key") {
            None => Ok(Self(None)),
            Some(v) => match v.to_str() {
                Ok(s) if idempotency_key_ok(s) => Ok(Self(Some(ScopedKey {
                    method: req.method().as_str().to_owned(),
                    path: req.path().to_owned(),
                    key: s.to_owned(),
                }))),
                _ => Err(ApiError::invalid_field(
                    "Idempotency-Key",
                    Text::new(
                        "da 1 a 128 caratteri ASCII visibili",
                        "1 to 128 visible ASCII characters",
                    ),
                )),
            },
        };
        std::future::ready(result)
    }
}
