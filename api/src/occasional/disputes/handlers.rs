//! The HTTP operations of disputes.

use actix_web::{HttpResponse, get, post, web};

use super::use_cases::{self, OpenDispute, Reply};
use super::wire::{DisputeBody, DisputeList, NewDisputeBody, ReplyBody};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// Dispute a service
///
/// The worker asks the client for a clarification (contestazione) with a `reason` code
/// (`wrong_hours`, `wrong_amount`, `not_performed`, `other`) and a `text`. Only on a `recorded`
/// or `rectified` service with no open dispute (409 otherwise); the service becomes `disputed`.
/// Both parties are notified (`service_disputed`). The worker side: the worker or a delegate
/// with the `services` scope; the client side and operators get 403.
#[utoipa::path(tag = "services", operation_id = "open_dispute",
    request_body = NewDisputeBody,
    params(("id" = uuid::Uuid, Path, description = "The service's id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Opened.", body = DisputeBody),
              (status = 403, description = "Only the worker opens a dispute."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The service cannot be disputed now."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/services/{id}/disputes")]
pub async fn open_dispute(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    path: web::Path<String>,
    body: ValidatedJson<NewDisputeBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let cmd = OpenDispute::from(body.value);
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let dispute = use_cases::open_dispute(conn, &caller.actor(), id, cmd, now)?;
        Ok(Created {
            location: format!("/v1/disputes/{}", dispute.id),
            body: DisputeBody::from(dispute),
        })
    })
    .await
}

/// Reply to a dispute
///
/// The client answers with a `text` (the dispute is `answered`, the service stays `disputed`)
/// or also rectifies the service with a `rectification` (a rettifica judged like
/// `PATCH /v1/services/{id}`: every rule and limit, the wallet, the kept version; the dispute
/// and the service are `rectified`). Only while the dispute is `opened` (answer) or `opened` or
/// `answered` (rectification), 409 otherwise. Both parties are notified (`dispute_answered`).
/// The client side, with the `services` scope; the worker and operators get 403.
#[utoipa::path(tag = "services", operation_id = "reply_to_dispute",
    request_body = ReplyBody,
    params(("id" = uuid::Uuid, Path, description = "The dispute's id.")),
    responses((status = 200, description = "Answered or rectified.", body = DisputeBody),
              (status = 403, description = "Only the client side replies."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The dispute is not waiting for this reply, or the service is revoked or paid."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "The rettifica breaks a rule or a limit, or the funds are insufficient.")),
    security(("bearer" = [])))]
#[post("/disputes/{id}/reply")]
pub async fn reply_to_dispute(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: ValidatedJson<ReplyBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let reply = Reply::try_from(body.value)?;
    let now = state.clock.now();
    let dispute = db::transaction(&state, move |conn| {
        Ok(use_cases::reply_to_dispute(
            conn,
            &caller.actor(),
            id,
            reply,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DisputeBody::from(dispute)))
}

/// Show a dispute
///
/// With the time of each step. Visible to both parties of the service, their delegates and
/// operators; 404 to anyone else.
#[utoipa::path(tag = "services", operation_id = "show_dispute",
    params(("id" = uuid::Uuid, Path, description = "The dispute's id.")),
    responses((status = 200, description = "The dispute.", body = DisputeBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/disputes/{id}")]
pub async fn show_dispute(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let dispute = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_dispute(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DisputeBody::from(dispute)))
}

/// A service's disputes
///
/// Every dispute of the service, oldest first, with the time of each step. Same visibility as
/// the service.
#[utoipa::path(tag = "services", operation_id = "list_service_disputes",
    params(("id" = uuid::Uuid, Path, description = "The service's id.")),
    responses((status = 200, description = "The disputes.", body = DisputeList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/services/{id}/disputes")]
pub async fn list_service_disputes(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let disputes = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::service_disputes(conn, &caller.actor(), id, now)?)
    })
    .await?;
    let items = disputes.into_iter().map(DisputeBody::from).collect();
    Ok(HttpResponse::Ok().json(DisputeList { items }))
}

/// Close a dispute
///
/// The worker closes the dispute once satisfied (from `opened`, `answered` or `rectified`); an
/// operator may close any open dispute. The service returns to its status before the dispute
/// (`rectified` if the client rectified it). `closed` is final. Both parties are notified
/// (`dispute_closed`). The worker side, with the `services` scope, or an operator; the client
/// side gets 403 (a dispute is never settled by the side it is about).
#[utoipa::path(tag = "services", operation_id = "close_dispute",
    params(("id" = uuid::Uuid, Path, description = "The dispute's id.")),
    responses((status = 200, description = "Closed.", body = DisputeBody),
              (status = 403, description = "Only the worker side or an operator closes a dispute."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The dispute is already closed.")),
    security(("bearer" = [])))]
#[post("/disputes/{id}/closure")]
pub async fn close_dispute(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let dispute = db::transaction(&state, move |conn| {
        Ok(use_cases::close_dispute(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DisputeBody::from(dispute)))
}

/// Reopen a dispute
///
/// The worker finds the client's answer unsatisfying: an `answered` dispute is `opened` again
/// (409 in any other state) and waits for the client; `reopened_at` is stamped. Both parties
/// are notified (`dispute_reopened`). The worker side, with the `services` scope; the client
/// side and operators get 403.
#[utoipa::path(tag = "services", operation_id = "reopen_dispute",
    params(("id" = uuid::Uuid, Path, description = "The dispute's id.")),
    responses((status = 200, description = "Reopened.", body = DisputeBody),
              (status = 403, description = "Only the worker side reopens a dispute."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The dispute is not answered.")),
    security(("bearer" = [])))]
#[post("/disputes/{id}/reopening")]
pub async fn reopen_dispute(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let dispute = db::transaction(&state, move |conn| {
        Ok(use_cases::reopen_dispute(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DisputeBody::from(dispute)))
}
