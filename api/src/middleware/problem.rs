//! Writes the RFC 9457 body of every 4xx/5xx response in the caller's language.
//!
//! An [`ApiError`] on the response is rendered with its detail and fields; any other error
//! response (one produced by actix itself or a library) becomes the generic problem of its status,
//! so no plain-text error ever escapes. 5xx causes are logged here with the request id.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::request_id::RequestId;
use crate::error::{ApiError, Lang, Problem};

/// Media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The middleware function.
pub async fn render_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let instance = req.path().to_owned();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    // Inner layers answer errors as responses (handler errors are converted by actix, ours by
    // `HttpResponse::from_error`), so `Err` here is not expected. The request cannot be cloned
    // before routing (actix needs it unique), so such an error is passed on as it is.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let fallback;
    let api_error = match res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        Some(e) => e,
        None => {
            let already_problem = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(PROBLEM_JSON));
            if already_problem {
                return Ok(res);
            }
            let mut e = ApiError::new(Problem::for_status(status.as_u16()));
            if let Some(inner) = res.response().error() {
                e = e.with_cause(inner);
            }
            fallback = e;
            &fallback
        }
    };
    if status.is_server_error() {
        tracing::error!(request_id = %request_id, status = status.as_u16(), cause = api_error.cause().unwrap_or("-"), "request failed");
    }
    let mut problem = api_error.to_problem(lang, &instance);
    // The status on the wire wins over the table when a library chose a close one (e.g. 411).
    problem.status = i32::from(status.as_u16());
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    Ok(res.map_body(|head, _| {
        head.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        head.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(match lang {
                Lang::It => "it",
                Lang::En => "en",
            }),
        );
        BoxBody::new(body)
    }))
}
