//! The HTTP operations of workers.

use actix_web::{HttpResponse, get, post, put, web};
use inps_domain::tax_code::TaxCode;

use super::use_cases::{self, RegisterWorker};
use super::wire::{NewWorker, PaymentMethodBody, SelfDeclarationBody, Worker};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::identity::me::handlers::current_versions;
use crate::state::AppState;

fn worker_in_path(raw: &str) -> Result<TaxCode, ApiError> {
    TaxCode::parse(raw).map_err(|_| ApiError::not_found())
}

/// Register an occasional worker
///
/// Registers a prestatore after the onboarding consents (409 `onboarding-incomplete` before):
/// the self-declaration (autodichiarazione: `pensioner`, `student_under_25`, `unemployed`,
/// `income_support` or `other`, with its details) and the payment method (`iban_transfer` with a
/// valid IBAN, `bonifico_domiciliato` or `post_office_mandate`). Grants the `worker` role. The
/// formal checks of the declaration come back as `alerts`; a `student_under_25` whose tax code
/// says 25 or older is a pending action that blocks new services until the declaration is
/// updated. The person themselves, a delegate with the `registration` scope, or an operator.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "workers", operation_id = "register_worker",
    request_body = NewWorker,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Registered.", body = Worker),
              (status = 404, description = "The person is unknown or not the caller's to register."),
              (status = 409, description = "Already registered, or the consents are missing."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/workers")]
pub async fn register_worker(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewWorker>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let cmd = RegisterWorker::try_from(body.value)?;
    let settings = state.settings.clone();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let current = current_versions(&settings);
        let view = use_cases::register_worker(conn, &caller.actor(), cmd, &current, now)?;
        Ok(Created {
            location: format!("/v1/workers/{}", view.worker.tax_code.as_str()),
            body: Worker::from(view),
        })
    })
    .await
}

/// Show an occasional worker
///
/// The self-declaration, the payment method and the formal checks of the declaration against
/// today. The worker, a delegate with an occasional-work delegation (the read is recorded in the
/// accountability log), or an operator; 404 to anyone else.
#[utoipa::path(tag = "workers", operation_id = "show_worker",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22)),
    responses((status = 200, description = "The worker.", body = Worker),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}")]
pub async fn show_worker(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let worker = worker_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_worker(conn, &caller.actor(), &worker, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Worker::from(view)))
}

/// Replace the self-declaration
///
/// The new autodichiarazione is checked again: updating it clears the pending action of an
/// inconsistent declaration, or opens one. Audited. The worker, a delegate whose
/// occasional-work delegation grants `registration`, or an operator; 404 to anyone else, 403
/// `scope-not-granted` to a delegate without the scope.
#[utoipa::path(tag = "workers", operation_id = "replace_self_declaration",
    request_body = SelfDeclarationBody,
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22)),
    responses((status = 200, description = "The worker.", body = Worker),
              (status = 404, description = "Unknown or not visible."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[put("/workers/{tax_code}/self-declaration")]
pub async fn replace_self_declaration(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: ValidatedJson<SelfDeclarationBody>,
) -> Result<HttpResponse, ApiError> {
    let worker = worker_in_path(&path.into_inner())?;
    let declaration = body.value.try_into()?;
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::replace_declaration(
            conn,
            &actor,
            &worker,
            declaration,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Worker::from(view)))
}

/// Replace the payment method
///
/// `iban_transfer` (a valid IBAN), `bonifico_domiciliato` or `post_office_mandate`. Audited;
/// the worker gets a security notice (`payment_method_changed`) and every client with open
/// services a notice (`worker_payment_method_changed`); the IBAN is in neither. Same callers
/// as the self-declaration.
#[utoipa::path(tag = "workers", operation_id = "replace_payment_method",
    request_body = PaymentMethodBody,
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22)),
    responses((status = 200, description = "The worker.", body = Worker),
              (status = 404, description = "Unknown or not visible."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[put("/workers/{tax_code}/payment-method")]
pub async fn replace_payment_method(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: ValidatedJson<PaymentMethodBody>,
) -> Result<HttpResponse, ApiError> {
    let worker = worker_in_path(&path.into_inner())?;
    let method = body.value.try_into()?;
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::replace_payment_method(
            conn, &actor, &worker, method, now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Worker::from(view)))
}
