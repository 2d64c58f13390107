//! The HTTP operations of contributions.

use actix_web::{HttpResponse, get, post, web};
use inps_domain::contribution::payment::RecordPayment;

use super::use_cases::{self, StatementQuery};
use super::wire::{ContributionList, ContributionQuery, NewPayment, Payment, quarter};
use crate::auth::{Bearer, Operator};
use crate::cassetto::employments::handlers::code_in_path;
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::state::AppState;

/// List contributions
///
/// Per quarter: weeks, hours, the hourly rate of the year's table (by pay band, over 24 hours a
/// week, fixed term, CUAF), the amount, the deadline, what was paid and the state; with totals.
/// By default the quarters of the last five years (payable or paid) and everything due.
#[utoipa::path(tag = "contributions", operation_id = "list_contributions",
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10), ContributionQuery),
    responses((status = 200, description = "The quarters.", body = ContributionList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employments/{employment_code}/contributions")]
pub async fn list_contributions(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<ContributionQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let asked = StatementQuery {
        from: query.from.map(|q| quarter("from", &q)).transpose()?,
        to: query.to.map(|q| quarter("to", &q)).transpose()?,
        status: query.status.map(Into::into),
    };
    let code = code_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let statement = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::statement(
            conn,
            &caller.actor(),
            &code,
            asked,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ContributionList::from(statement)))
}

/// Record a contribution payment
///
/// Operators only (or imports): a pagoPA payment against a quarter. A quarter prescribed on the
/// day of payment is refused (422 `contribution-prescribed`); a notice number recorded before is
/// 409. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "contributions", operation_id = "record_contribution_payment",
    request_body = NewPayment,
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Recorded.", body = Payment),
              (status = 409, description = "Notice number already recorded."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/employments/{employment_code}/contribution-payments")]
pub async fn record_contribution_payment(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<String>,
    key: IdempotencyKey,
    body: ValidatedJson<NewPayment>,
) -> Result<HttpResponse, ApiError> {
    let code = code_in_path(&path.into_inner())?;
    let cmd = RecordPayment::try_from(body.value)?;
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let payment = use_cases::record_payment(conn, &caller.actor(), &code, cmd, now)?;
        Ok(Created {
            location: format!("/v1/employments/{code}/contributions"),
            body: Payment::from(payment),
        })
    })
    .await
}
