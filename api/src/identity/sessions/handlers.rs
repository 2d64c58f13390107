//! The HTTP operations of `/v1/sessions`: extract, run one use case in one transaction, map to
//! the wire type.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, post, web};

use super::use_cases::{self, Login, LoginPolicy};
use super::wire::{CreateSessionRequest, SessionCreated};
use crate::auth::Caller;
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::middleware::request_id::RequestId;
use crate::state::AppState;

/// Log in
///
/// Exchanges a signed identity assertion (SPID level 2 or 3, CIE, CNS, eIDAS) for a session.
/// The assertion is refused (401, with a `type` per reason) when its signature, key, issuer,
/// audience, validity window, assurance level or tax code is not acceptable, or when its `jti`
/// was already used. The person is created at first login.
#[utoipa::path(
    tag = "sessions",
    operation_id = "create_session",
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "Session created.", body = SessionCreated,
            headers(("Location" = String, description = "`/v1/sessions/current`"))),
        (status = 400, description = "The body is not JSON."),
        (status = 401, description = "The assertion was refused."),
        (status = 413, description = "The body is too large."),
        (status = 415, description = "The body is not `application/json`."),
        (status = 422, description = "The body does not fit the schema."),
    ),
    security(()),
)]
#[post("/sessions")]
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let cmd = Login {
        assertion: body.value.assertion,
    };
    let (st, now) = (state.clone(), state.clock.now());
    let session = db::transaction(&state, move |conn| {
        let policy = LoginPolicy {
            trust: &st.identity,
            audience: &st.settings.identity_audience,
            bootstrap_operator: st.settings.bootstrap_operator.as_deref(),
            idle_timeout: st.settings.session_idle_timeout,
            absolute_timeout: st.settings.session_absolute_timeout,
            request_id: request_id.as_deref(),
        };
        Ok(use_cases::login(conn, &policy, cmd, now)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/sessions/current"))
        .json(SessionCreated::from(session)))
}

/// Log out
///
/// Revokes the session whose token is sent: it answers 401 from now on.
#[utoipa::path(
    tag = "sessions",
    operation_id = "end_current_session",
    responses(
        (status = 204, description = "Logged out."),
        (status = 401, description = "No valid session."),
    ),
    security(("bearer" = [])),
)]
#[delete("/sessions/current")]
pub async fn delete_current_session(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    db::transaction(&state, move |conn| {
        Ok(use_cases::logout(
            conn,
            &caller.actor(),
            caller.session_id,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
