//! The one error type at the edge: [`ApiError`] is a [`Refusal`] (a row of the problem
//! registry, [`crate::problems`], with the occurrence's detail and fields) plus the response
//! headers it needs, rendered as RFC 9457 `application/problem+json`.
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

pub use crate::problems::{Lang, PROBLEM_TYPE_BASE, Problem, Text};
pub use crate::refusal::{FieldError, Refusal};

/// An error answered to the client: a refusal and the headers that go with it.
#[derive(Debug)]
pub struct ApiError {
    /// What was refused and why.
    pub refusal: Refusal,
    /// Extra response headers (`Allow`, `Retry-After`, `WWW-Authenticate`, ...).
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let mut headers = Vec::new();
        match refusal.problem().spec().status {
            503 => headers.push((header::RETRY_AFTER, HeaderValue::from_static("5"))),
            401 => headers.push((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))),
            _ => {}
        }
        Self { refusal, headers }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        Refusal::from(e).into()
    }
}

impl ApiError {
    /// An error of row `problem` with the registry's title and no detail.
    pub fn new(problem: Problem) -> Self {
        Refusal::new(problem).into()
    }

    /// The registry row.
    pub fn problem(&self) -> Problem {
        self.refusal.problem()
    }

    /// The HTTP status of the row.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().spec().status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(
        mut self,
        it: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.refusal = self.refusal.with_detail(it, en);
        self
    }

    /// Adds an invalid field.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>, reason: Text) -> Self {
        self.refusal = self.refusal.with_field(field, reason);
        self
    }

    /// Adds an extension member.
    #[must_use]
    pub fn with_extension(mut self, name: &str, value: serde_json::Value) -> Self {
        self.refusal = self.refusal.with_extension(name, value);
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        self
    }

    /// Records the internal cause (logged, never sent).
    #[must_use]
    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.refusal = self.refusal.with_cause(cause);
        self
    }

    /// 404 in the standard wording: never says whether the resource exists for someone else.
    pub fn not_found() -> Self {
        Refusal::not_found().into()
    }

    /// 422 for one field.
    pub fn invalid_field(field: impl Into<String>, reason: Text) -> Self {
        Refusal::invalid_field(field, reason).into()
    }

    /// 500 carrying its cause to the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Refusal::internal(cause).into()
    }

    /// 503 with `Retry-After`.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Refusal::unavailable(cause).into()
    }

    /// The internal cause, for the log.
    pub fn cause(&self) -> Option<&str> {
        self.refusal.details().cause.as_deref()
    }

    /// The problem document in `lang` for the request at `instance`.
    pub fn to_problem(&self, lang: Lang, instance: &str) -> ProblemDocument {
        let details = self.refusal.details();
        let spec = details.problem.spec();
        let title = match lang {
            Lang::It => spec.title_it,
            Lang::En => spec.title_en,
        };
        // 5xx never carry a specific detail: internals stay in the log.
        let detail = if spec.status >= 500 && details.problem != Problem::ServiceUnavailable {
            None
        } else {
            details
                .detail
                .as_ref()
                .map(|d| clipped(d.get(lang), MAX_DETAIL))
        };
        ProblemDocument {
            problem_type: spec.type_uri(),
            title: title.to_owned(),
            status: i32::from(spec.status),
            detail,
            instance: Some(clipped(instance, MAX_INSTANCE)),
            errors: details
                .errors
                .iter()
                .map(|e| ProblemFieldError {
                    field: clipped(&e.field, MAX_FIELD),
                    reason: clipped(e.reason.get(lang), MAX_REASON),
                })
                .collect(),
            extensions: with_offers(details),
        }
    }
}

/// The refusal's extension members and its offers in their wire form.
fn with_offers(details: &crate::refusal::Details) -> serde_json::Map<String, serde_json::Value> {
    use crate::refusal::Offer;
    let mut extensions = details.extensions.clone();
    for offer in &details.offers {
        let (name, value) = match offer {
            Offer::NearestFreeSlots(slots) => (
                "nearest_free_slots",
                crate::agenda::consultation_points::wire::free_slots_json(slots),
            ),
        };
        extensions.insert(name.to_owned(), value);
    }
    extensions
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.refusal.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        // The body is written by the problem middleware, which knows the request.
        let mut res = HttpResponse::build(self.status_code());
        for (name, value) in &self.headers {
            res.insert_header((name.clone(), value.clone()));
        }
        res.finish()
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
#[schema(as = Problem)]
pub struct ProblemDocument {
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

/// The longest `detail`, `instance`, `errors[].field` and `errors[].reason` the contract
/// allows (the `max_length` of their schemas): a refusal that quotes the caller's input (a
/// 2,000-character host name, say) is cut to fit, never answered against the contract.
const MAX_DETAIL: usize = 4096;
const MAX_INSTANCE: usize = 2048;
const MAX_FIELD: usize = 256;
const MAX_REASON: usize = 1024;

/// `text`, cut to at most `max` characters (the last one `…` when cut).
fn clipped(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
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
    fn members_quoting_input_are_cut_to_the_contract_lengths() {
        let long = "a".repeat(5000);
        let problem = ApiError::invalid_field(long.clone(), Text::new(long.clone(), long.clone()))
            .with_detail(long.clone(), long.clone())
            .to_problem(Lang::En, &format!("/v1/{long}"));
        let chars = |s: &str| s.chars().count();
        assert_eq!(chars(problem.detail.as_deref().unwrap()), MAX_DETAIL);
        assert_eq!(chars(problem.instance.as_deref().unwrap()), MAX_INSTANCE);
        assert_eq!(chars(&problem.errors[0].field), MAX_FIELD);
        assert_eq!(chars(&problem.errors[0].reason), MAX_REASON);
        assert!(problem.errors[0].reason.ends_with('…'));
        assert_eq!(clipped("corto", MAX_REASON), "corto");
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

    #[test]
    fn a_refusal_carries_the_headers_its_status_needs() {
        let e = ApiError::from(Refusal::unavailable("db down"));
        assert!(e.headers.iter().any(|(n, _)| *n == header::RETRY_AFTER));
        let e = ApiError::new(Problem::AssertionReplayed);
        assert!(
            e.headers
                .iter()
                .any(|(n, _)| *n == header::WWW_AUTHENTICATE)
        );
        assert_eq!(e.status(), StatusCode::UNAUTHORIZED);
    }
}
