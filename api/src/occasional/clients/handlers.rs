//! The HTTP operations of clients.

use actix_web::{HttpResponse, get, post, web};
use inps_domain::occasional::client::Client as DClient;

use super::use_cases;
use super::wire::{Client, NewClient};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// Record an occasional-work client
///
/// A `person` (Libretto Famiglia) or a `business` acting through its legal representative
/// (PrestO), with its ATECO code and open-ended employees. PrestO is refused with 422
/// `presto-not-allowed` naming the `rule`: `presto_employee_threshold` (more than 10
/// employees), `presto_listed_sector_employee_threshold` (more than 25 in the listed sectors:
/// congressi, fiere, terme, parchi) or `presto_banned_sector` (edilizia, cave e miniere,
/// lavorazione della pietra, agricoltura). Recorded by the person or the legal representative
/// (who then acts for the business), a delegate of theirs with the `registration` scope, or an
/// operator; grants the `client` role. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "clients", operation_id = "record_client",
    request_body = NewClient,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Recorded.", body = Client),
              (status = 404, description = "The person is unknown or not the caller's to register."),
              (status = 409, description = "Already a client."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Invalid, or PrestO is not allowed.")),
    security(("bearer" = [])))]
#[post("/clients")]
pub async fn record_client(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewClient>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let client = DClient::try_from(body.value)?;
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let stored = use_cases::record_client(conn, &caller.actor(), client, now)?;
        Ok(Created {
            location: format!("/v1/clients/{}", stored.id),
            body: Client::from(stored),
        })
    })
    .await
}

/// Show an occasional-work client
///
/// The person or business, its channel and details. Visible to the person, the business's
/// legal representative, a delegate with an occasional-work delegation, and operators; 404 to
/// anyone else.
#[utoipa::path(tag = "clients", operation_id = "show_client",
    params(("id" = uuid::Uuid, Path, description = "The client's id.")),
    responses((status = 200, description = "The client.", body = Client),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/clients/{id}")]
pub async fn show_client(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let stored = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_client(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Client::from(stored)))
}
