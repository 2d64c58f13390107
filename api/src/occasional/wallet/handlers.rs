//! The HTTP operations of the wallet.

use actix_web::{HttpResponse, get, post, web};

use super::use_cases;
use super::wire::{Funding, NewFunding, Wallet};
use crate::auth::{Bearer, Caller, Operator};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// Pay funds into a client's wallet
///
/// Creates the payment notice (avviso di pagamento) of a funding: more than zero and, for the
/// Libretto Famiglia, a multiple of 10 EUR (one title). The wallet is credited when the back
/// office settles it. The client, its legal representative, a delegate with the `payments`
/// scope, or an operator. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "clients", operation_id = "request_funding",
    request_body = NewFunding,
    params(("id" = uuid::Uuid, Path, description = "The client's id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "The payment notice.", body = Funding),
              (status = 404, description = "Unknown or not visible."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/clients/{id}/fundings")]
pub async fn request_funding(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    key: IdempotencyKey,
    body: ValidatedJson<NewFunding>,
) -> Result<HttpResponse, ApiError> {
    let client = id_in_path(&path.into_inner())?;
    let (amount, now) = (body.value.amount, state.clock.now());
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let row = use_cases::request_funding(conn, &caller.actor(), client, amount, now)?;
        Ok(Created {
            location: format!("/v1/fundings/{}", row.id),
            body: Funding::try_from(row)?,
        })
    })
    .await
}

/// Settle a funding
///
/// Operators only (the back office, once the payment is received): credits the client's
/// wallet with the amount. A funding is settled once (409).
#[utoipa::path(tag = "clients", operation_id = "settle_funding",
    params(("id" = uuid::Uuid, Path, description = "The funding's id.")),
    responses((status = 200, description = "Settled.", body = Funding),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown funding."),
              (status = 409, description = "Already settled.")),
    security(("bearer" = [])))]
#[post("/fundings/{id}/settlement")]
pub async fn settle_funding(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let row = db::transaction(&state, move |conn| {
        Ok(use_cases::settle_funding(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Funding::try_from(row)?))
}

/// Show a client's wallet
///
/// Funds paid in, committed by services and available. Same visibility as the client.
#[utoipa::path(tag = "clients", operation_id = "show_wallet",
    params(("id" = uuid::Uuid, Path, description = "The client's id.")),
    responses((status = 200, description = "The wallet.", body = Wallet),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/clients/{id}/wallet")]
pub async fn show_wallet(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let wallet = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_wallet(conn, &caller.actor(), client, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Wallet::from(wallet)))
}
