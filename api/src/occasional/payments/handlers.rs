//! The HTTP operations of payments.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use inps_domain::tax_code::TaxCode;
use time::Date;
use utoipa::ToSchema;

use super::receipt;
use super::use_cases;
use super::wire::{
    NewPaymentRun, OutcomeBody, PaymentBody, PaymentPage, PaymentRunBody, PaymentSummary,
};
use crate::auth::{Bearer, Operator};
use crate::db;
use crate::error::{ApiError, Text};
use crate::etag::{IfMatch, etag};
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// A PDF document.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

/// Run a month's payouts
///
/// Operators only. INPS's monthly payouts (art. 54-bis c.19): one payment per worker, by the
/// payment method on file now, for the services of `month` (a month that is over, else 422)
/// that are `recorded` or `rectified`, past their revocation window and not already held by a
/// payment that is not `failed`. The amount is the sum of their net pay; the fee of the method
/// is deducted from what is credited. Idempotent per month: a second run pays only what no
/// payment holds yet (a failed payment's services, services whose window or dispute has closed
/// since), possibly nothing; concurrent runs never pay a service twice. Each payment is
/// `scheduled`, audited and notified to the worker. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "payments", operation_id = "create_payment_run",
    request_body = NewPaymentRun,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "The run and its payments.", body = PaymentRunBody,
               headers(("Location" = String, description = "The run."))),
              (status = 403, description = "Not an operator."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Not a month, or a month that is not over.")),
    security(("bearer" = [])))]
#[post("/payment-runs")]
pub async fn create_payment_run(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    body: ValidatedJson<NewPaymentRun>,
) -> Result<HttpResponse, ApiError> {
    let month = body.value.month()?;
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let run = use_cases::run_payments(conn, &caller.actor(), month, now)?;
        Ok(Created {
            location: format!("/v1/payment-runs/{}", run.run.id),
            body: PaymentRunBody::try_from(&run)?,
        })
    })
    .await
}

/// Show a payment run
///
/// Operators only: the run with the payments it made.
#[utoipa::path(tag = "payments", operation_id = "show_payment_run",
    params(("id" = uuid::Uuid, Path, description = "The run's id.")),
    responses((status = 200, description = "The run.", body = PaymentRunBody),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown run.")),
    security(("bearer" = [])))]
#[get("/payment-runs/{id}")]
pub async fn show_payment_run(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let run = db::read(&state, move |conn| {
        Ok(use_cases::show_run(conn, &caller.actor(), id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PaymentRunBody::try_from(&run)?))
}

/// Show a payment
///
/// With its services and its `ETag`. For the worker, a delegate of theirs with the `services`
/// scope (the read is audited), and operators; 404 for anyone else.
#[utoipa::path(tag = "payments", operation_id = "show_payment",
    params(("id" = uuid::Uuid, Path, description = "The payment's id.")),
    responses((status = 200, description = "The payment.", body = PaymentBody,
               headers(("ETag" = String, description = "The version."))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/payments/{id}")]
pub async fn show_payment(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let payment = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_payment(
            conn,
            &caller.actor(),
            id,
            "payment.read",
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(payment.payment.version)))
        .json(PaymentBody::try_from(&payment)?))
}

/// Record a payment's outcome
///
/// Operators only (the back office). The state machine: `scheduled -> in_payment ->
/// credited`, and `failed` (with a `reason`) from `scheduled` or `in_payment`; anything else is
/// 409. `credited` marks the services `paid` and takes their cost out of the clients' wallets;
/// `failed` releases the services, which a later run of the same month pays again. Audited;
/// the worker is notified. Takes `If-Match` (optional; 412 on a stale version).
#[utoipa::path(tag = "payments", operation_id = "record_payment_outcome",
    request_body = OutcomeBody,
    params(("id" = uuid::Uuid, Path, description = "The payment's id."),
           ("If-Match" = Option<String>, Header, description = "The ETag read.", max_length = 256)),
    responses((status = 200, description = "The payment in its new state.", body = PaymentBody,
               headers(("ETag" = String, description = "The version."))),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown payment."),
              (status = 409, description = "The state machine does not allow it."),
              (status = 412, description = "The payment changed since it was read."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A failure without a reason.")),
    security(("bearer" = [])))]
#[post("/payments/{id}/outcome")]
pub async fn record_payment_outcome(
    state: web::Data<AppState>,
    req: HttpRequest,
    Operator(caller): Operator,
    path: web::Path<String>,
    body: ValidatedJson<OutcomeBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let if_match = IfMatch::from_request(&req)?;
    let outcome = body.value.outcome();
    let now = state.clock.now();
    let precondition = move |version| match if_match {
        Some(m) => m.check(version).map_err(|e| e.refusal),
        None => Ok(()),
    };
    let payment = db::transaction(&state, move |conn| {
        Ok(use_cases::record_outcome(
            conn,
            &caller.actor(),
            id,
            outcome,
            precondition,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(payment.payment.version)))
        .json(PaymentBody::try_from(&payment)?))
}

/// A payment's receipt
///
/// The PDF receipt (quietanza) of a `credited` payment: the worker, the month, each service,
/// the amount, the fee and what was credited, the payment method (IBAN masked but the last 4
/// characters) and the status. 409 before the payment is credited. Same visibility as the
/// payment.
#[utoipa::path(tag = "payments", operation_id = "download_payment_receipt",
    params(("id" = uuid::Uuid, Path, description = "The payment's id.")),
    responses((status = 200, description = "The receipt.", content((PdfFile = "application/pdf")),
               headers(("Content-Disposition" = String, description = "attachment; filename=\"ricevuta-<id>.pdf\""))),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The payment is not credited.")),
    security(("bearer" = [])))]
#[get("/payments/{id}/receipt")]
pub async fn download_payment_receipt(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let payment = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::receipt(conn, &caller.actor(), id, now)?)
    })
    .await?;
    let file = receipt::pdf(&PaymentBody::try_from(&payment)?)?;
    // The file name is built from the uuid only: nothing a user typed reaches the header.
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"ricevuta-{id}.pdf\""),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(file))
}

fn payment_cursor(text: &str) -> Result<(Date, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (date, id) = text.split_once('/').ok_or_else(bad)?;
    let date = Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| bad())?;
    Ok((date, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// A worker's payments
///
/// Latest month first, keyset-paginated. Same visibility as a payment.
#[utoipa::path(tag = "workers", operation_id = "list_worker_payments",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22), PageQuery),
    responses((status = 200, description = "A page of payments.", body = PaymentPage),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}/payments")]
pub async fn list_worker_payments(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let worker = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| payment_cursor(&c)).transpose()?;
    let now = state.clock.now();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::worker_payments(
            conn,
            &caller.actor(),
            &worker,
            cursor,
            limit + 1,
            now,
        )?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |p| format!("{}/{}", p.month, p.id));
    let items = rows
        .iter()
        .map(PaymentSummary::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(PaymentPage { items, next_cursor }))
}
