//! The one error type at the edge: [`ApiError`] renders RFC 9457 `application/problem+json` from
//! one table of codes ([`ErrorCode::spec`]).
//!
//! Rendering needs the request (language, path), which `ResponseError` does not see, so
//! `error_response` only sets status and headers; the problem middleware
//! ([`crate::middleware::problem`]) finds the `ApiError` on the response and writes the body in
//! the caller's language. 5xx bodies are generic: the cause goes to the log with the request id.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Base of every problem `type` URI; `GET /v1/help/problems/{slug}` documents each.
pub const PROBLEM_TYPE_BASE: &str = "https://inps.example/problems/";

/// A text in the two languages the API speaks (Italian by default, English on request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Italian.
    pub it: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Text {
    /// A text from its two translations.
    pub fn new(it: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            it: it.into(),
            en: en.into(),
        }
    }

    /// The translation for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

/// Response language, negotiated from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Italian (default).
    It,
    /// English.
    En,
}

impl Lang {
    /// Picks the preferred supported language of an `Accept-Language` value (RFC 9110 q-values).
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let Some(value) = accept_language else {
            return Self::It;
        };
        let mut best: Option<(Self, f32)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Self::En
            } else if tag == "it" || tag.starts_with("it-") || tag == "*" {
                Self::It
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map_or(Self::It, |(lang, _)| lang)
    }
}

/// Every kind of error the API answers, each with one status, type URI and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: the request cannot be parsed (malformed JSON, bad query string).
    MalformedRequest,
    /// 401: no session, or an expired or revoked one.
    Unauthenticated,
    /// 403: authenticated but not allowed.
    Forbidden,
    /// 404: unknown, or not visible to the caller.
    NotFound,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 406: the response media type asked for cannot be produced.
    NotAcceptable,
    /// 408: the request body did not arrive in time.
    RequestTimeout,
    /// 409: the resource's state does not allow the action.
    Conflict,
    /// 412: `If-Match` does not match the current version.
    PreconditionFailed,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 415: the body's media type is not accepted.
    UnsupportedMediaType,
    /// 422: well-formed input that breaks a validation rule.
    ValidationFailed,
    /// 428: the action requires `If-Match`.
    PreconditionRequired,
    /// 429: too many requests.
    RateLimited,
    /// 500: a bug; details only in the log.
    Internal,
    /// 503: a dependency (the database) is unavailable.
    ServiceUnavailable,
}

/// The row of the error table for one [`ErrorCode`].
#[derive(Debug, Clone, Copy)]
pub struct ErrorSpec {
    /// HTTP status.
    pub status: StatusCode,
    /// Last segment of the `type` URI.
    pub slug: &'static str,
    /// Italian title.
    pub title_it: &'static str,
    /// English title.
    pub title_en: &'static str,
}

impl ErrorCode {
    /// The table: one row per code.
    pub const fn spec(self) -> ErrorSpec {
        use ErrorCode as C;
        let (status, slug, title_it, title_en) = match self {
            C::MalformedRequest => (
                StatusCode::BAD_REQUEST,
                "malformed-request",
                "Richiesta non valida",
                "Malformed request",
            ),
            C::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Autenticazione richiesta",
                "Authentication required",
            ),
            C::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Operazione non consentita",
                "Operation not allowed",
            ),
            C::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Risorsa non trovata",
                "Resource not found",
            ),
            C::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Metodo non consentito",
                "Method not allowed",
            ),
            C::NotAcceptable => (
                StatusCode::NOT_ACCEPTABLE,
                "not-acceptable",
                "Formato di risposta non disponibile",
                "Response format not available",
            ),
            C::RequestTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request-timeout",
                "Richiesta non ricevuta in tempo",
                "Request not received in time",
            ),
            C::Conflict => (
                StatusCode::CONFLICT,
                "state-conflict",
                "Stato della risorsa incompatibile",
                "Resource state conflict",
            ),
            C::PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                "La risorsa è stata modificata",
                "The resource has changed",
            ),
            C::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Contenuto troppo grande",
                "Payload too large",
            ),
            C::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Formato del contenuto non supportato",
                "Unsupported media type",
            ),
            C::ValidationFailed => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation-failed",
                "Dati non validi",
                "Validation failed",
            ),
            C::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "precondition-required",
                "Intestazione If-Match obbligatoria",
                "If-Match header required",
            ),
            C::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Troppe richieste",
                "Too many requests",
            ),
            C::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal-error",
                "Errore interno",
                "Internal error",
            ),
            C::ServiceUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "service-unavailable",
                "Servizio temporaneamente non disponibile",
                "Service temporarily unavailable",
            ),
        };
        ErrorSpec {
            status,
            slug,
            title_it,
            title_en,
        }
    }

    /// The code whose status is `status`, for errors raised outside our handlers.
    pub fn for_status(status: StatusCode) -> Self {
        use ErrorCode as C;
        const ALL: [ErrorCode; 16] = [
            C::MalformedRequest,
            C::Unauthenticated,
            C::Forbidden,
            C::NotFound,
            C::MethodNotAllowed,
            C::NotAcceptable,
            C::RequestTimeout,
            C::Conflict,
            C::PreconditionFailed,
            C::PayloadTooLarge,
            C::UnsupportedMediaType,
            C::ValidationFailed,
            C::PreconditionRequired,
            C::RateLimited,
            C::Internal,
            C::ServiceUnavailable,
        ];
        ALL.into_iter()
            .find(|c| c.spec().status == status)
            .unwrap_or(if status.is_client_error() {
                C::MalformedRequest
            } else {
                C::Internal
            })
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field (`note`, `inquiry_ids[1]`), or the parameter name.
    pub field: String,
    /// Why it was refused.
    pub reason: Text,
}

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    /// Which row of the table.
    pub code: ErrorCode,
    /// Everything else, boxed so that `Result<T, ApiError>` stays small.
    pub details: Box<ErrorDetails>,
}

/// The optional parts of an [`ApiError`].
#[derive(Debug, Default)]
pub struct ErrorDetails {
    /// A specific problem type slug overriding the code's generic one (e.g. `limit-exceeded`).
    pub type_slug: Option<&'static str>,
    /// A specific title overriding the table's.
    pub title: Option<Text>,
    /// Explanation for this occurrence.
    pub detail: Option<Text>,
    /// Invalid fields, for validation errors.
    pub errors: Vec<FieldError>,
    /// Extension members of the problem (e.g. the nearest free slots).
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// Extra response headers (`Allow`, `Retry-After`, ...).
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
    /// Internal cause, logged and never sent.
    pub cause: Option<String>,
}

impl ApiError {
    /// An error of `code` with the table's title and no detail.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            details: Box::default(),
        }
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(
        mut self,
        it: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.details.detail = Some(Text::new(it, en));
        self
    }

    /// Uses a rule-specific type URI and title.
    #[must_use]
    pub fn with_type(mut self, slug: &'static str, title: Text) -> Self {
        self.details.type_slug = Some(slug);
        self.details.title = Some(title);
        self
    }

    /// Adds an invalid field.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>, reason: Text) -> Self {
        self.details.errors.push(FieldError {
            field: field.into(),
            reason,
        });
        self
    }

    /// Adds an extension member.
    #[must_use]
    pub fn with_extension(mut self, name: &str, value: serde_json::Value) -> Self {
        self.details.extensions.insert(name.to_owned(), value);
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.details.headers.push((name, value));
        self
    }

    /// Records the internal cause (logged, never sent).
    #[must_use]
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.details.cause = Some(cause.to_string());
        self
    }

    /// 404 in the standard wording: never says whether the resource exists for someone else.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound)
    }

    /// 422 for one field.
    pub fn invalid_field(field: impl Into<String>, reason: Text) -> Self {
        Self::new(ErrorCode::ValidationFailed).with_field(field, reason)
    }

    /// 500 carrying its cause to the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal).with_cause(cause)
    }

    /// 503 with `Retry-After`.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::ServiceUnavailable)
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
            .with_cause(cause)
    }

    /// The problem document in `lang` for the request at `instance`.
    pub fn to_problem(&self, lang: Lang, instance: &str) -> Problem {
        let spec = self.code.spec();
        let title = self.details.title.as_ref().map_or(
            match lang {
                Lang::It => spec.title_it,
                Lang::En => spec.title_en,
            },
            |t| t.get(lang),
        );
        // 5xx never carry a specific detail: internals stay in the log.
        let detail = if spec.status.is_server_error() && self.code != ErrorCode::ServiceUnavailable
        {
            None
        } else {
            self.details.detail.as_ref().map(|d| d.get(lang).to_owned())
        };
        Problem {
            problem_type: format!(
                "{PROBLEM_TYPE_BASE}{}",
                self.details.type_slug.unwrap_or(spec.slug)
            ),
            title: title.to_owned(),
            status: i32::from(spec.status.as_u16()),
            detail,
            instance: Some(instance.to_owned()),
            errors: self
                .details
                .errors
                .iter()
                .map(|e| ProblemFieldError {
                    field: e.field.clone(),
                    reason: e.reason.get(lang).to_owned(),
                })
                .collect(),
            extensions: self.details.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spec = self.code.spec();
        write!(f, "{} {}", spec.status.as_u16(), spec.slug)?;
        if let Some(cause) = &self.details.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.spec().status
    }

    fn error_response(&self) -> HttpResponse {
        // The body is written by the problem middleware, which knows the request.
        let mut res = HttpResponse::build(self.status_code());
        for (name, value) in &self.details.headers {
            res.insert_header((name.clone(), value.clone()));
        }
        res.finish()
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::NotFound => Self::not_found(),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => Self::unavailable(e),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::new(ErrorCode::Conflict)
                    .with_detail(
                        "Richiesta concorrente: riprovare.",
                        "Concurrent request: please retry.",
                    )
                    .with_cause(e)
            }
            Error::DatabaseError(_, info) if info.message().contains("statement timeout") => {
                Self::unavailable(e)
            }
            _ => Self::internal(e),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://inps.example/problems/validation-failed",
    "title": "Dati non validi",
    "status": 422,
    "detail": "Il campo note è obbligatorio.",
    "instance": "/v1/appointments",
    "errors": [{"field": "note", "reason": "non può essere vuoto"}]
}))]
pub struct Problem {
    /// URI identifying the problem type; its page explains the rule.
    #[serde(rename = "type")]
    #[schema(max_length = 2048)]
    pub problem_type: String,
    /// Short summary of the problem type, in the negotiated language.
    #[schema(max_length = 256)]
    pub title: String,
    /// HTTP status code.
    #[schema(format = Int32, minimum = 100, maximum = 599)]
    pub status: i32,
    /// Explanation specific to this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4096)]
    pub detail: Option<String>,
    /// The request path this occurrence refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2048)]
    pub instance: Option<String>,
    /// Invalid fields, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 100)]
    pub errors: Vec<ProblemFieldError>,
    /// Rule-specific members (e.g. `nearest_slots`, `residual`).
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// One invalid field in a [`Problem`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemFieldError {
    /// JSON path of the field or name of the parameter.
    #[schema(max_length = 256)]
    pub field: String,
    /// Why the value was refused.
    #[schema(max_length = 1024)]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_language() {
        assert_eq!(Lang::negotiate(None), Lang::It);
        assert_eq!(Lang::negotiate(Some("en")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("it-IT,en;q=0.5")), Lang::It);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.8, it;q=0.9")), Lang::It);
        assert_eq!(Lang::negotiate(Some("de")), Lang::It);
        assert_eq!(Lang::negotiate(Some("en;q=0")), Lang::It);
    }

    #[test]
    fn every_code_maps_back_from_its_status() {
        for status in [
            400u16, 401, 403, 404, 405, 406, 408, 409, 412, 413, 415, 422, 428, 429, 500, 503,
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(ErrorCode::for_status(status).spec().status, status);
        }
    }

    #[test]
    fn server_errors_hide_their_cause() {
        let problem = ApiError::internal("password authentication failed for user x")
            .with_detail("segreto", "secret")
            .to_problem(Lang::En, "/v1/x");
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("password") && !body.contains("secret"));
        assert_eq!(problem.status, 500);
    }
}
