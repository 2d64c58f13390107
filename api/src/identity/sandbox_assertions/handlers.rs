//! The HTTP operation of `/v1/sandbox/assertions`.

use actix_web::{HttpResponse, post, web};

use super::use_cases::sign_sandbox_assertion;
use super::wire::{SandboxAssertion, SandboxAssertionInput};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// Sign a sandbox assertion
///
/// Available only when the server runs in sandbox mode (never in production, where it answers
/// 404): signs an identity assertion with the sandbox identity provider's key, as an
/// authentication front end would after a SPID/CIE login.
#[utoipa::path(
    tag = "sandbox",
    operation_id = "create_sandbox_assertion",
    request_body = SandboxAssertionInput,
    responses(
        (status = 201, description = "Signed assertion.", body = SandboxAssertion),
        (status = 400, description = "The body is not JSON."),
        (status = 404, description = "Not in sandbox mode."),
        (status = 415, description = "The body is not `application/json`."),
        (status = 422, description = "Invalid tax code or names."),
    ),
    security(()),
)]
#[post("/sandbox/assertions")]
pub async fn create_sandbox_assertion(
    state: web::Data<AppState>,
    body: ValidatedJson<SandboxAssertionInput>,
) -> Result<HttpResponse, ApiError> {
    if !state.identity.sandbox_enabled() {
        return Err(ApiError::not_found());
    }
    let cmd = body.value.request()?;
    let (st, now) = (state.clone(), state.clock.now());
    let assertion = db::with_conn(&state, move |conn| {
        let audience = &st.settings.identity_audience;
        Ok(sign_sandbox_assertion(
            conn,
            &st.identity,
            audience,
            &cmd,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(SandboxAssertion { assertion }))
}
