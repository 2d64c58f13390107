//! `POST /v1/sandbox/assertions`: the sandbox identity provider (never in production).

use actix_web::{HttpResponse, post, web};
use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::ValidatedJson;
use crate::identity::sandbox::SandboxAssertionRequest;
use crate::state::AppState;
use crate::wire::{AssuranceLevel, IdentityProvider};

/// What the sandbox identity provider should assert.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tax_code": "RSSMRA85T10A562S", "level": "L2", "idp": "spid", "given_name": "Mario", "family_name": "Rossi"}))]
pub struct SandboxAssertionInput {
    /// Codice fiscale of the person (16 characters).
    #[validate(length(min = 16, max = 22))]
    #[schema(
        min_length = 16,
        max_length = 22,
        pattern = "^(TINIT-)?[A-Za-z0-9]{16}$"
    )]
    pub tax_code: String,
    /// Assurance level; `L1` is signed on purpose, to test its refusal.
    pub level: AssuranceLevel,
    /// Identity scheme.
    pub idp: IdentityProvider,
    /// Given name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[^\\x00-\\x1f]+$")]
    pub given_name: String,
    /// Family name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[^\\x00-\\x1f]+$")]
    pub family_name: String,
}

/// A signed assertion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"assertion": "eyJhbGciOiJFUzI1NiIsImtpZCI6InNhbmRib3gtLi4uIn0.eyJzdWIiOiJUSU5JVC0uLi4ifQ.c2lnbmF0dXJl"}))]
pub struct SandboxAssertion {
    /// The JWT to send to `POST /v1/sessions`.
    #[schema(max_length = 16384)]
    pub assertion: String,
}

fn clean_name(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            Text::new("nome non valido", "invalid name"),
        ));
    }
    Ok(v.to_owned())
}

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
    let input = body.value;
    let tax_code = TaxCode::parse(&input.tax_code)
        .ok()
        .filter(|t| t.kind() == TaxCodeKind::Personal)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "tax_code",
                Text::new("codice fiscale non valido", "invalid tax code"),
            )
        })?;
    let request = SandboxAssertionRequest {
        tax_code,
        level: input.level.into(),
        idp: input.idp.into(),
        given_name: clean_name("given_name", &input.given_name)?,
        family_name: clean_name("family_name", &input.family_name)?,
    };
    let now = state.clock.now();
    let st = state.clone();
    let idp = db::with_conn(&state, move |conn| st.identity.sandbox(conn, now))
        .await?
        .ok_or_else(ApiError::not_found)?;
    let jti = uuid::Uuid::new_v4().to_string();
    let assertion = idp
        .sign(&request, &state.settings.identity_audience, now, &jti)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(SandboxAssertion { assertion }))
}
