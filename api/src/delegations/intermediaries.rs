//! The registry of qualified intermediaries and role grants (operators).

use actix_web::{HttpResponse, delete, get, post, put, web};
use inps_domain::identity::Role as DRole;
use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use inps_persistence::intermediaries::{self, IntermediaryRow};
use inps_persistence::persons;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Actor, Caller, Operator};
use crate::db;
use crate::error::{ApiError, Problem, Text};
use crate::extract::{IdempotencyKey, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::wire::{Qualification, Role};

/// Parses a tax code from a path or body field (422 naming `field` when invalid).
pub fn tax_code_field(field: &str, raw: &str) -> Result<TaxCode, ApiError> {
    TaxCode::parse(raw).map_err(|_| {
        ApiError::invalid_field(
            field,
            Text::new("codice fiscale non valido", "invalid tax code"),
        )
    })
}

/// A qualified intermediary.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "given_name": "Laura", "family_name": "Bianchi", "qualification": "labour_consultant", "registration_number": "RM-1234", "active": true, "registered_at": "2026-02-16T10:30:00Z"}))]
pub struct Intermediary {
    /// Codice fiscale.
    #[schema(max_length = 16, example = "BNCLRA80A41H501D")]
    pub tax_code: String,
    /// Given name (or name of the body).
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Family name (or legal form).
    #[schema(max_length = 100)]
    pub family_name: String,
    /// Qualification under circ. INPS 49/2011.
    pub qualification: Qualification,
    /// Number in the professional register.
    #[schema(max_length = 64)]
    pub registration_number: Option<String>,
    /// Whether it may act as a delegate.
    pub active: bool,
    /// When it was registered.
    #[serde(with = "time::serde::rfc3339")]
    pub registered_at: OffsetDateTime,
}

fn view(row: IntermediaryRow) -> Result<Intermediary, ApiError> {
    Ok(Intermediary {
        qualification: row
            .qualification
            .parse::<inps_domain::identity::IntermediaryQualification>()
            .map_err(ApiError::internal)?
            .into(),
        tax_code: row.tax_code,
        given_name: row.given_name,
        family_name: row.family_name,
        registration_number: row.registration_number,
        active: row.active,
        registered_at: row.registered_at,
    })
}

/// A new intermediary.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "given_name": "Laura", "family_name": "Bianchi", "qualification": "labour_consultant", "registration_number": "RM-1234"}))]
pub struct NewIntermediary {
    /// Codice fiscale (16-character personal or 11-digit numeric).
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub tax_code: String,
    /// Given name (or name of the body).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    /// Family name (or legal form).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
    /// Qualification.
    pub qualification: Qualification,
    /// Number in the professional register.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub registration_number: Option<String>,
}

/// Registers a qualified intermediary and gives the person the `intermediary` role (the use
/// case behind `POST /v1/intermediaries` and `inps-api register-intermediary`).
pub fn register(
    conn: &mut diesel::PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    input: &NewIntermediary,
    now: OffsetDateTime,
) -> Result<IntermediaryRow, ApiError> {
    let row = IntermediaryRow {
        tax_code: tax_code.as_str().to_owned(),
        given_name: input.given_name.trim().to_owned(),
        family_name: input.family_name.trim().to_owned(),
        qualification: inps_domain::identity::IntermediaryQualification::from(input.qualification)
            .as_str()
            .to_owned(),
        registration_number: input.registration_number.clone(),
        active: true,
        registered_at: now,
        registered_by: actor.tax_code.clone(),
    };
    if !intermediaries::insert(conn, &row)? {
        return Err(ApiError::new(Problem::StateConflict).with_detail(
            "Intermediario già registrato.",
            "Intermediary already registered.",
        ));
    }
    if tax_code.kind() == TaxCodeKind::Personal {
        persons::ensure_exists(conn, &row.tax_code, &row.given_name, &row.family_name, now)?;
        persons::grant_role(
            conn,
            &row.tax_code,
            DRole::Intermediary.as_str(),
            actor.tax_code.as_deref(),
            now,
        )?;
    }
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "intermediary.register",
            &format!("/v1/intermediaries/{}", row.tax_code),
            Some(&row.tax_code),
        ),
        now,
    )?;
    Ok(row)
}

/// Register an intermediary
///
/// Operators only. Adds a qualified intermediary (circ. INPS 49/2011) to the registry and gives
/// the person the `intermediary` role; only registered intermediaries can be delegates.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "intermediaries", operation_id = "register_intermediary",
    request_body = NewIntermediary,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body replay the first answer.", max_length = 128)),
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
    let input = body.value;
    let tax_code = tax_code_field("tax_code", &input.tax_code)?;
    let now = state.clock.now();
    idempotency::create(
        &state,
        caller.tax_code.as_str().to_owned(),
        key.0,
        body.fingerprint,
        move |conn| {
            let row = register(conn, &caller.actor(), &tax_code, &input, now)?;
            Ok(Created {
                location: format!("/v1/intermediaries/{}", row.tax_code),
                body: view(row)?,
            })
        },
    )
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
    _caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tax_code = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let row = db::with_conn(&state, move |conn| {
        intermediaries::find(conn, tax_code.as_str())?.ok_or_else(ApiError::not_found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Roles held by a person.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "roles": ["intermediary"]}))]
pub struct PersonRoles {
    /// Codice fiscale.
    #[schema(max_length = 16)]
    pub tax_code: String,
    /// Roles.
    pub roles: Vec<Role>,
}

#[derive(Debug, Deserialize)]
struct RolePath {
    tax_code: String,
    role: Role,
}

/// Grants or revokes `role` (the use case behind the role endpoints and `inps-api grant-role`);
/// returns the roles now held.
pub fn set_role(
    conn: &mut diesel::PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    role: DRole,
    grant: bool,
    now: OffsetDateTime,
) -> Result<Vec<String>, ApiError> {
    let code = tax_code.as_str();
    if grant {
        persons::grant_role(conn, code, role.as_str(), actor.tax_code.as_deref(), now)?;
    } else {
        persons::revoke_role(conn, code, role.as_str())?;
    }
    let action = if grant { "role.grant" } else { "role.revoke" };
    inps_persistence::audit::append(
        conn,
        actor.audit(
            action,
            &format!("/v1/persons/{code}/roles/{}", role.as_str()),
            Some(code),
        ),
        now,
    )?;
    Ok(persons::roles_of(conn, code)?)
}

async fn change_role(
    state: web::Data<AppState>,
    caller: Operator,
    path: web::Path<RolePath>,
    grant: bool,
) -> Result<HttpResponse, ApiError> {
    let Operator(caller) = caller;
    let RolePath { tax_code, role } = path.into_inner();
    let tax_code = tax_code_field("tax_code", &tax_code)?;
    let now = state.clock.now();
    let code_text = tax_code.as_str().to_owned();
    let roles = db::transaction(&state, move |conn| {
        if persons::find(conn, tax_code.as_str())?.is_none() {
            return Err(ApiError::not_found().with_detail(
                "Persona mai autenticata: i ruoli si assegnano dopo il primo accesso.",
                "This person never logged in: roles are granted after the first login.",
            ));
        }
        set_role(conn, &caller.actor(), &tax_code, role.into(), grant, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PersonRoles {
        tax_code: code_text,
        roles: roles
            .iter()
            .filter_map(|r| r.parse::<DRole>().ok().map(Role::from))
            .collect(),
    }))
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
