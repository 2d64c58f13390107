//! The HTTP operations of recurring rules.

use actix_web::{HttpResponse, get, post, web};

use super::use_cases;
use super::wire::{NewRecurringBody, RecurringBody, RecurringList};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// Record a weekly recurring service
///
/// A rule of the same work (`start_time`, `duration_minutes`, `activity`, `place`, and for
/// PrestO `pay`) on some `weekdays` from `first_date` (today or later) to `last_date` (at most
/// 365 days later). The channel is the client's. Occurrences are generated ahead of time, 14
/// days ahead (the first window now, then a daily job), as real services judged like
/// `POST /v1/services` by every rule and limit in force on their date (the PrestO 1-hour notice
/// included), each on its own: one that would break a rule is not created and is reported in
/// `occurrences` with the refusal's `problem_type`, `rule` and `residual` amounts, and the client
/// is notified (`recurring_occurrence_refused`). Both parties are reminded the day before each
/// generated service (`occasional_service_reminder`). The client side with the `services`
/// scope: the person, the legal representative, a delegate, an operator. Accepts
/// `Idempotency-Key`: the rule and its first window are one transaction, so a retry replays
/// the first answer and generates nothing twice.
#[utoipa::path(tag = "services", operation_id = "record_recurring_service",
    request_body = NewRecurringBody,
    params(("id" = uuid::Uuid, Path, description = "The client's id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Recorded, with the first window generated.", body = RecurringBody,
               headers(("Location" = String, description = "The rule."))),
              (status = 404, description = "The client is unknown or not the caller's."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Invalid weekdays, days, time, pay or worker.")),
    security(("bearer" = [])))]
#[post("/clients/{id}/recurring-services")]
pub async fn record_recurring_service(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    path: web::Path<String>,
    body: ValidatedJson<NewRecurringBody>,
) -> Result<HttpResponse, ApiError> {
    let client_id = id_in_path(&path.into_inner())?;
    let cmd = body.value.command(client_id)?;
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let actor = caller.actor();
        let id = use_cases::create_rule(conn, &actor, cmd, now)?.id;
        // Each occurrence in a savepoint of its own: a refused one rolls back only itself.
        use_cases::generate_window(conn, &actor, id, now)?;
        let view = use_cases::show_rule(conn, &actor, id, now)?;
        Ok(Created {
            location: format!("/v1/recurring-services/{id}"),
            body: RecurringBody::try_from(view)?,
        })
    })
    .await
}

/// List a client's recurring services
///
/// Every weekly rule of the client, newest first, each with its occurrences. The client side,
/// its delegates and operators.
#[utoipa::path(tag = "services", operation_id = "list_recurring_services",
    params(("id" = uuid::Uuid, Path, description = "The client's id.")),
    responses((status = 200, description = "The rules.", body = RecurringList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/clients/{id}/recurring-services")]
pub async fn list_recurring_services(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let views = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::list_rules(conn, &caller.actor(), id, now)?)
    })
    .await?;
    let items = views
        .into_iter()
        .map(RecurringBody::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(RecurringList { items }))
}

/// Show a recurring service
///
/// The rule, what it generated (`service_id`) and what it refused (the `problem_type`, the
/// `rule` named and the `residual` amounts), per occurrence in date order. The client side, its
/// delegates and operators; 404 to anyone else.
#[utoipa::path(tag = "services", operation_id = "show_recurring_service",
    params(("id" = uuid::Uuid, Path, description = "The rule's id.")),
    responses((status = 200, description = "The rule.", body = RecurringBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/recurring-services/{id}")]
pub async fn show_recurring_service(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_rule(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecurringBody::try_from(view)?))
}

/// Stop a recurring service
///
/// The rule generates nothing more (`stopped`); the services already generated stay and are
/// revoked one by one. 409 when already stopped. The client side with the `services` scope.
#[utoipa::path(tag = "services", operation_id = "stop_recurring_service",
    params(("id" = uuid::Uuid, Path, description = "The rule's id.")),
    responses((status = 200, description = "Stopped.", body = RecurringBody),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Already stopped.")),
    security(("bearer" = [])))]
#[post("/recurring-services/{id}/stop")]
pub async fn stop_recurring_service(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::stop_rule(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecurringBody::try_from(view)?))
}
