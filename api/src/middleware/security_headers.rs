//! The usual API hardening headers on every response, errors and downloads included:
//! `X-Content-Type-Options: nosniff` (a downloaded attachment is never sniffed into HTML),
//! `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, a `Content-Security-Policy` that allows
//! nothing for API responses and only Swagger UI's own files under `/swagger-ui/`, and
//! `Strict-Transport-Security` in production.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::settings::AppEnv;
use crate::state::AppState;

/// CSP of API responses (JSON, problem documents, attachments): nothing may load or frame them.
pub const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// CSP of Swagger UI: its own scripts, styles (and the inline styles it sets), images and the
/// calls "Try it out" makes to this origin; nothing else, and it may not be framed.
pub const SWAGGER_UI_CSP: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// `Strict-Transport-Security` in production: two years, subdomains included.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The middleware function.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let swagger_ui = req.path() == "/swagger-ui" || req.path().starts_with("/swagger-ui/");
    let production = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.app_env == AppEnv::Production);
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let csp = if swagger_ui { SWAGGER_UI_CSP } else { API_CSP };
    let set: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, csp),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if production {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    Ok(res)
}
