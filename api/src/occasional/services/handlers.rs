//! The HTTP operations of services and limits.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use time::Date;

use super::use_cases::{self, NewService, ServicePatch, ServiceQuery};
use super::wire::{
    DuplicateBody, LimitsBody, NewServiceBody, RecordedService, ServiceBody, ServiceFilter,
    ServicePage, ServicePatchBody, ServiceVersions, YearQuery,
};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::{ApiError, Text};
use crate::etag::etag;
use crate::extract::{
    IdempotencyKey, IdempotencyKeyHeader, MergePatch, PageQuery, ValidatedJson, page_of,
};
use crate::idempotency::{self, Created};
use crate::occasional::id_in_path;
use crate::state::AppState;

/// Record an occasional-work service
///
/// Checks, in one transaction that concurrent requests cannot overshoot, every rule in force on
/// the service's date: the worker's self-declaration (`declaration_pending`), the client's
/// instrument (`client_channel`), PrestO eligibility, the activity (`libretto_activity`), the
/// duration, the PrestO minimum pay (`presto_hourly_minimum` 9 EUR/h, `presto_daily_minimum`
/// 36 EUR) and notice (`presto_notice`, 1 hour), and the annual limits (`worker_limit` 5,000,
/// `client_limit` 10,000 or 15,000 weighted at 75 % for the special categories, `pair_limit`
/// 2,500, `presto_pair_hours_limit` 280 h, `former_employer_limit` 6 months), then commits the
/// gross cost in the client's wallet (`insufficient-funds`). A refusal is 422 naming the `rule`
/// with the `residual` amounts. Totals reaching 80 % or 95 % of a limit add `warnings` and notify
/// both parties. The client side: the person, the legal representative, a delegate with the
/// `services` scope, or an operator. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "services", operation_id = "record_service",
    request_body = NewServiceBody,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Recorded.", body = RecordedService),
              (status = 404, description = "The client is unknown or not the caller's."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A rule or a limit is broken, or the funds are insufficient.")),
    security(("bearer" = [])))]
#[post("/services")]
pub async fn record_service(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewServiceBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let cmd = NewService::try_from(body.value)?;
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let recorded = use_cases::record_service(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/services/{}", recorded.0.id),
            body: RecordedService::from(recorded),
        })
    })
    .await
}

/// Show a service
///
/// With its `ETag`. Visible to both parties (the client side and the worker), their delegates
/// and operators; 404 to anyone else.
#[utoipa::path(tag = "services", operation_id = "show_service",
    params(("id" = uuid::Uuid, Path, description = "The service's id.")),
    responses((status = 200, description = "The service.", body = ServiceBody,
               headers(("ETag" = String, description = "The version."))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/services/{id}")]
pub async fn show_service(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let service = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_service(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(service.version)))
        .json(ServiceBody::from(service)))
}

/// Revoke a service
///
/// Within the legal window (`revocation_window`): a PrestO service until midnight (Europe/Rome)
/// at the end of the 3rd day after the work; a Libretto Famiglia one until the end of its
/// reporting deadline (the 3rd of the next month). Releases the funds and frees the amounts
/// from the limits. A revoked or paid service is 409. The client side, with the `services`
/// scope.
#[utoipa::path(tag = "services", operation_id = "revoke_service",
    params(("id" = uuid::Uuid, Path, description = "The service's id.")),
    responses((status = 200, description = "Revoked.", body = ServiceBody),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Already revoked or paid."),
              (status = 422, description = "The window is closed.")),
    security(("bearer" = [])))]
#[post("/services/{id}/revocation")]
pub async fn revoke_service(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let service = db::transaction(&state, move |conn| {
        Ok(use_cases::revoke_service(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(service.version)))
        .json(ServiceBody::from(service)))
}

fn service_cursor(text: &str) -> Result<(Date, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (date, id) = text.split_once('/').ok_or_else(bad)?;
    let date = Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| bad())?;
    Ok((date, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// List services
///
/// By period (`from`, `to`), `status`, `client_id`, `worker_tax_code` and `activity`, latest
/// date first, with keyset pagination. Naming a client or a worker lists theirs to whoever may
/// read that party's data (404 otherwise); naming neither lists, for an operator, every service
/// and, for anyone else, those where they are the worker or act for the client.
#[utoipa::path(tag = "services", operation_id = "list_services",
    params(ServiceFilter, PageQuery),
    responses((status = 200, description = "A page of services.", body = ServicePage),
              (status = 404, description = "The client or worker named is unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/services")]
pub async fn list_services(
    state: web::Data<AppState>,
    caller: Bearer,
    filter: web::Query<ServiceFilter>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = ServiceQuery::try_from(filter.into_inner())?;
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| service_cursor(&c)).transpose()?;
    let now = state.clock.now();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        Ok(use_cases::list_services(
            conn,
            &actor,
            query,
            cursor,
            limit + 1,
            now,
        )?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |s| format!("{}/{}", s.draft.date, s.id));
    let items = rows.into_iter().map(ServiceBody::from).collect();
    Ok(HttpResponse::Ok().json(ServicePage { items, next_cursor }))
}

pub(crate) fn year_of(query: &YearQuery, now: time::OffsetDateTime) -> Result<i32, ApiError> {
    let year = query.year.unwrap_or_else(|| rome_date(now).year());
    if !(2017..=2100).contains(&year) {
        return Err(ApiError::invalid_field(
            "year",
            Text::new("anno fuori intervallo", "year out of range"),
        ));
    }
    Ok(year)
}

/// A worker's limits
///
/// For the calendar `year` (default this year): the worker limit (5,000 EUR net), used and
/// residual, and per client the pair limit (2,500 EUR) and the PrestO hours (280). Same
/// visibility as the worker.
#[utoipa::path(tag = "workers", operation_id = "show_worker_limits",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22), YearQuery),
    responses((status = 200, description = "The limits.", body = LimitsBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}/limits")]
pub async fn show_worker_limits(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let worker = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let now = state.clock.now();
    let year = year_of(&query, now)?;
    let limits = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::worker_limits(
            conn,
            &caller.actor(),
            &worker,
            year,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(LimitsBody::from(limits)))
}

/// A client's limits
///
/// For the calendar `year` (default this year): the client limit (10,000 EUR, 15,000 in the
/// listed sectors; pay to pensioners, students under 25, the unemployed and income-support
/// recipients counts at 75 %), used and residual, and per worker the pair limit. Same
/// visibility as the client.
#[utoipa::path(tag = "clients", operation_id = "show_client_limits",
    params(("id" = uuid::Uuid, Path, description = "The client's id."), YearQuery),
    responses((status = 200, description = "The limits.", body = LimitsBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/clients/{id}/limits")]
pub async fn show_client_limits(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let client = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let year = year_of(&query, now)?;
    let limits = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::client_limits(
            conn,
            &caller.actor(),
            client,
            year,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(LimitsBody::from(limits)))
}

/// Rectify a service
///
/// A rettifica as a JSON Merge Patch (`application/merge-patch+json`) of the day, start,
/// duration, place, activity or PrestO pay, with `If-Match` (the `ETag` read; 428 without it, 412
/// when stale). The new version is judged by every rule and limit with the current one released
/// (the PrestO notice only when the start moves); the wallet commits or releases the difference;
/// the old version is kept (`GET .../versions`). The answer is like a new service's, with the
/// new `ETag`. The client side, with the `services` scope.
#[utoipa::path(tag = "services", operation_id = "rectify_service",
    request_body(content = ServicePatchBody, content_type = "application/merge-patch+json"),
    params(("id" = uuid::Uuid, Path, description = "The service's id."),
           ("If-Match" = String, Header, description = "The ETag read before (428 without it).", max_length = 256)),
    responses((status = 200, description = "The new version.", body = RecordedService,
               headers(("ETag" = String, description = "The new version."))),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Revoked or paid."),
              (status = 412, description = "Stale `If-Match`."),
              (status = 415, description = "The body is not `application/merge-patch+json`."),
              (status = 422, description = "A rule or a limit is broken, or the funds are insufficient."),
              (status = 428, description = "`If-Match` missing.")),
    security(("bearer" = [])))]
#[patch("/services/{id}")]
pub async fn rectify_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: MergePatch<ServicePatchBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let precondition = crate::etag::precondition(&req, true)?;
    let patch = ServicePatch::try_from(body.0.value)?;
    let now = state.clock.now();
    let recorded = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::rectify_service(
            conn,
            &actor,
            id,
            patch,
            precondition,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(recorded.0.version)))
        .json(RecordedService::from(recorded)))
}

/// A service's versions
///
/// Every version of a rectified service, the current one first. Same visibility as the
/// service.
#[utoipa::path(tag = "services", operation_id = "list_service_versions",
    params(("id" = uuid::Uuid, Path, description = "The service's id.")),
    responses((status = 200, description = "The versions.", body = ServiceVersions),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/services/{id}/versions")]
pub async fn list_service_versions(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let versions = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::service_versions(conn, &caller.actor(), id, now)?)
    })
    .await?;
    let items = versions.into_iter().map(ServiceBody::from).collect();
    Ok(HttpResponse::Ok().json(ServiceVersions { items }))
}

/// Duplicate a service
///
/// The same work again on another `date` (and optionally another `start_time`), judged by every
/// rule and limit like a new service. The client side, with the `services` scope.
#[utoipa::path(tag = "services", operation_id = "duplicate_service",
    request_body = DuplicateBody,
    params(("id" = uuid::Uuid, Path, description = "The service to copy."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "The new service.", body = RecordedService),
              (status = 404, description = "Unknown or not visible."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A rule or a limit is broken, or the funds are insufficient.")),
    security(("bearer" = [])))]
#[post("/services/{id}/duplicate")]
pub async fn duplicate_service(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    path: web::Path<String>,
    body: ValidatedJson<DuplicateBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id_in_path(&path.into_inner())?;
    let when = body.value.when()?;
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let actor = caller.actor();
        let recorded = use_cases::duplicate_service(conn, &actor, id, when, now)?;
        Ok(Created {
            location: format!("/v1/services/{}", recorded.0.id),
            body: RecordedService::from(recorded),
        })
    })
    .await
}
