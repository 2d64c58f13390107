//! The HTTP operations of the register and of role grants: extract, run one use case in one
//! transaction, map to the wire type.

use actix_web::{HttpResponse, delete, get, post, put, web};
use inps_domain::tax_code::TaxCode;

use super::use_cases::{self, SetRole};
use super::wire::{Intermediary, NewIntermediary, PersonRoles, RolePath, tax_code_field};
use crate::auth::{Bearer, Operator};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::wire::Role;

/// Register an intermediary
///
/// Operators only. Adds a qualified intermediary (circ. INPS 49/2011) to the registry and gives
/// the person the `intermediary` role; only registered intermediaries can be delegates.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "intermediaries", operation_id = "register_intermediary",
    request_body = NewIntermediary,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Registered.", body = Intermediary),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Not an operator."),
              (status = 409, description = "Already registered."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Invalid fields, or the key was used with another body.")),
    security(("bearer" = [])))]
#[post("/intermediaries")]
pub async fn register_intermediary(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    body: ValidatedJson<NewIntermediary>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body
        .value
        .command(tax_code_field("tax_code", &body.value.tax_code)?);
    let now = state.clock.now();
    let person = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, person, key.0, body.fingerprint, move |conn| {
        let registered = use_cases::register_intermediary(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/intermediaries/{}", registered.tax_code),
            body: Intermediary::from(registered),
        })
    })
    .await
}

/// Show an intermediary
///
/// Anyone authenticated can check whether a tax code belongs to a registered intermediary
/// before delegating it.
#[utoipa::path(tag = "intermediaries", operation_id = "show_intermediary",
    params(("tax_code" = String, Path, description = "Codice fiscale.", max_length = 22)),
    responses((status = 200, description = "The intermediary.", body = Intermediary),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Not a registered intermediary.")),
    security(("bearer" = [])))]
#[get("/intermediaries/{tax_code}")]
pub async fn show_intermediary(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tax_code = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let found = db::read_as(&state, caller, move |conn, _caller| {
        Ok(use_cases::show_intermediary(conn, &tax_code)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Intermediary::from(found)))
}

async fn change_role(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<RolePath>,
    grant: bool,
) -> Result<HttpResponse, ApiError> {
    let RolePath { tax_code, role } = path.into_inner();
    let cmd = SetRole {
        person: tax_code_field("tax_code", &tax_code)?,
        role: role.into(),
        grant,
    };
    let (now, person) = (state.clock.now(), cmd.person.clone());
    let roles = db::transaction(&state, move |conn| {
        Ok(use_cases::set_role(conn, &caller.actor(), cmd, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PersonRoles::of(&person, roles)))
}

/// Grant a role
///
/// Operators only; idempotent. The person must have logged in once.
#[utoipa::path(tag = "intermediaries", operation_id = "grant_role",
    params(("tax_code" = String, Path, description = "Codice fiscale.", max_length = 22),
           ("role" = Role, Path, description = "The role.")),
    responses((status = 200, description = "The roles now held.", body = PersonRoles),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown person."),
              (status = 422, description = "Invalid tax code.")),
    security(("bearer" = [])))]
#[put("/persons/{tax_code}/roles/{role}")]
pub async fn grant_role(
    state: web::Data<AppState>,
    caller: Operator,
    path: web::Path<RolePath>,
) -> Result<HttpResponse, ApiError> {
    change_role(state, caller, path, true).await
}

/// Revoke a role
///
/// Operators only; idempotent.
#[utoipa::path(tag = "intermediaries", operation_id = "revoke_role",
    params(("tax_code" = String, Path, description = "Codice fiscale.", max_length = 22),
           ("role" = Role, Path, description = "The role.")),
    responses((status = 200, description = "The roles now held.", body = PersonRoles),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown person."),
              (status = 422, description = "Invalid tax code.")),
    security(("bearer" = [])))]
#[delete("/persons/{tax_code}/roles/{role}")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    caller: Operator,
    path: web::Path<RolePath>,
) -> Result<HttpResponse, ApiError> {
    change_role(state, caller, path, false).await
}
