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
            details.detail.as_ref().map(|d| clip(d.get(lang), 4096))
        };
        ProblemDocument {
            problem_type: spec.type_uri(),
            title: title.to_owned(),
            status: i32::from(spec.status),
            detail,
            instance: Some(instance.to_owned()),
            errors: details
                .errors
                .iter()
                .map(|e| ProblemFieldError {
                    field: clip(&e.field, 256),
                    reason: clip(e.reason.get(lang), 1024),
                })
                .collect(),
            extensions: details.extensions.clone(),
        }
    }
}

/// `text` cut to at most `max` characters (an ellipsis marks the cut), so that a message
/// quoting the input (a long URL, a long value) keeps the length the contract states.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text.chars().count() > max => format!("{}…", &text[..end]),
        _ => text.to_owned(),
    }
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
    fn texts_quoting_the_input_keep_the_contracts_lengths() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("èèèè", 3).chars().count(), 3);
        let long = "x".repeat(5000);
        let problem = ApiError::invalid_field("url", Text::new(long.clone(), long))
            .to_problem(Lang::It, "/v1/webhook-subscriptions");
        assert_eq!(problem.errors[0].reason.chars().count(), 1024);
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
