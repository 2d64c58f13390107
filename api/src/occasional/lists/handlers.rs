//! The HTTP operations of the lists and exports.

use actix_web::{HttpResponse, get, web};
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional_services::Service;

use super::use_cases::{self, PortfolioQuery};
use super::wire::{
    ClientServiceFilter, FormatQuery, PortfolioFilter, Rendering, ServicesCsv, WorkerServiceFilter,
    attachment,
};
use crate::auth::Bearer;
use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::{PageQuery, page_of};
use crate::occasional::id_in_path;
use crate::occasional::services::use_cases::ServiceQuery;
use crate::occasional::services::wire::{ServiceBody, ServicePage};
use crate::state::AppState;

fn service_cursor(text: &str) -> Result<(time::Date, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (date, id) = text.split_once('/').ok_or_else(bad)?;
    let date = time::Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| bad())?;
    Ok((date, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

fn page(rows: Vec<Service>, limit: i64) -> HttpResponse {
    let (rows, next_cursor) = page_of(rows, limit, |s| format!("{}/{}", s.draft.date, s.id));
    let items = rows.into_iter().map(ServiceBody::from).collect();
    HttpResponse::Ok().json(ServicePage { items, next_cursor })
}

fn file(bytes: Vec<u8>, content_type: &str, disposition: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", disposition))
        .body(bytes)
}

/// A worker's services
///
/// The services of the worker, with the filters of `GET /v1/services` (`client_id`, `from`,
/// `to`, `status`, `activity`), latest date first, with keyset pagination. For the worker, their
/// delegates and operators; the client side sees them by naming its `client_id`. 404 to anyone
/// else and for a tax code that is not a registered worker.
#[utoipa::path(tag = "workers", operation_id = "list_worker_services",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22),
           WorkerServiceFilter, PageQuery),
    responses((status = 200, description = "A page of services.", body = ServicePage),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}/services")]
pub async fn list_worker_services(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    filter: web::Query<WorkerServiceFilter>,
    page_query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let worker = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let query = ServiceQuery::from(filter.into_inner());
    let limit = page_query.limit()?;
    let cursor = page_query
        .cursor()?
        .map(|c| service_cursor(&c))
        .transpose()?;
    let now = state.clock.now();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::worker_services(
            conn,
            &caller.actor(),
            &worker,
            query,
            cursor,
            limit + 1,
            now,
        )?)
    })
    .await?;
    Ok(page(rows, limit))
}

/// Export a worker's services
///
/// Every service of the worker matching the filters, latest date first, as a file
/// (`Content-Disposition: attachment`): `format=csv` (default; RFC 4180, UTF-8, a header row,
/// the columns of a list item with the amounts flattened, cells that a spreadsheet would run as
/// a formula prefixed with `'`) or `format=json` (an array of list items). The period is
/// `from`..`to`, at most 366 days: a missing end is a year from the other, and with neither
/// the current calendar year. At most 10,000 services (422: shorten the period). Same
/// visibility as the list.
#[utoipa::path(tag = "workers", operation_id = "export_worker_services",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22),
           WorkerServiceFilter, FormatQuery),
    responses((status = 200, description = "The file.",
               content((ServicesCsv = "text/csv"), (Vec<ServiceBody> = "application/json")),
               headers(("Content-Disposition" = String, description = "`attachment` with a file name."))),
              (status = 404, description = "Unknown or not visible."),
              (status = 422, description = "Unknown format, a period longer than 366 days, or too many services.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}/services/export")]
pub async fn export_worker_services(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    filter: web::Query<WorkerServiceFilter>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let worker = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let format = format.format()?;
    let query = ServiceQuery::from(filter.into_inner());
    let now = state.clock.now();
    let period = use_cases::export_period(query.from, query.to, now)?;
    let stem = format!("services_{}", worker.as_str());
    let (bytes, content_type) = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        let filter = use_cases::worker_filter(conn, &actor, &worker, query, now)?;
        let mut out = Rendering::new(format)?;
        use_cases::export(conn, filter, period, |s| out.push(s))?;
        Ok(out.finish()?)
    })
    .await?;
    Ok(file(bytes, content_type, attachment(&stem, period, format)))
}

/// Export a client's services
///
/// Like the worker's export, for the client: filters `worker_tax_code`, `worker_name`, `from`,
/// `to`, `status`, `activity`. For the client side (the person, the legal representative),
/// their delegates and operators; 404 to anyone else.
#[utoipa::path(tag = "clients", operation_id = "export_client_services",
    params(("id" = uuid::Uuid, Path, description = "The client's id."),
           ClientServiceFilter, FormatQuery),
    responses((status = 200, description = "The file.",
               content((ServicesCsv = "text/csv"), (Vec<ServiceBody> = "application/json")),
               headers(("Content-Disposition" = String, description = "`attachment` with a file name."))),
              (status = 404, description = "Unknown or not visible."),
              (status = 422, description = "Unknown format, a period longer than 366 days, or too many services.")),
    security(("bearer" = [])))]
#[get("/clients/{id}/services/export")]
pub async fn export_client_services(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    filter: web::Query<ClientServiceFilter>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let client = id_in_path(&path.into_inner())?;
    let format = format.format()?;
    let query = ServiceQuery::try_from(filter.into_inner())?;
    let now = state.clock.now();
    let period = use_cases::export_period(query.from, query.to, now)?;
    let stem = format!("services_{client}");
    let (bytes, content_type) = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        let filter = use_cases::client_filter(conn, &actor, client, query, now)?;
        let mut out = Rendering::new(format)?;
        use_cases::export(conn, filter, period, |s| out.push(s))?;
        Ok(out.finish()?)
    })
    .await?;
    Ok(file(bytes, content_type, attachment(&stem, period, format)))
}

/// An intermediary's portfolio of services
///
/// The services of every subject (worker or client) whose occasional-work delegation to the
/// caller is in force today and grants the `services` scope, filtered by `tax_code` (one
/// subject), `from`, `to`, `status`, the worker's `payment_method` and `activity`, latest date
/// first, with keyset pagination. A delegation revoked or expired drops its subject at once.
/// A `tax_code` who has not delegated the caller gives an empty page (as one without
/// services: nothing is revealed). For intermediaries only (403 otherwise). Each subject whose
/// data the page shows is written to the accountability log with the delegation used.
#[utoipa::path(tag = "portfolio", operation_id = "list_portfolio_services",
    params(PortfolioFilter, PageQuery),
    responses((status = 200, description = "A page of services.", body = ServicePage),
              (status = 403, description = "The caller is not an intermediary.")),
    security(("bearer" = [])))]
#[get("/portfolio/services")]
pub async fn list_portfolio_services(
    state: web::Data<AppState>,
    caller: Bearer,
    filter: web::Query<PortfolioFilter>,
    page_query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = PortfolioQuery::try_from(filter.into_inner())?;
    let limit = page_query.limit()?;
    let cursor = page_query
        .cursor()?
        .map(|c| service_cursor(&c))
        .transpose()?;
    let now = state.clock.now();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::portfolio_services(
            conn,
            &caller.actor(),
            query,
            cursor,
            limit + 1,
            now,
        )?)
    })
    .await?;
    Ok(page(rows, limit))
}

/// Export an intermediary's portfolio
///
/// Every service of the portfolio matching the filters, as a file, like the worker's export
/// (`format=csv|json`, at most 366 days, at most 10,000 services). For intermediaries only
/// (403 otherwise); each subject exported is written to the accountability log.
#[utoipa::path(tag = "portfolio", operation_id = "export_portfolio_services",
    params(PortfolioFilter, FormatQuery),
    responses((status = 200, description = "The file.",
               content((ServicesCsv = "text/csv"), (Vec<ServiceBody> = "application/json")),
               headers(("Content-Disposition" = String, description = "`attachment` with a file name."))),
              (status = 403, description = "The caller is not an intermediary."),
              (status = 422, description = "Unknown format, a period longer than 366 days, or too many services.")),
    security(("bearer" = [])))]
#[get("/portfolio/services/export")]
pub async fn export_portfolio_services(
    state: web::Data<AppState>,
    caller: Bearer,
    filter: web::Query<PortfolioFilter>,
    format: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = format.format()?;
    let query = PortfolioQuery::try_from(filter.into_inner())?;
    let now = state.clock.now();
    let period = use_cases::export_period(query.from, query.to, now)?;
    let (bytes, content_type) = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        let mut out = Rendering::new(format)?;
        use_cases::export_portfolio(conn, &actor, query, period, |s| out.push(s), now)?;
        Ok(out.finish()?)
    })
    .await?;
    Ok(file(
        bytes,
        content_type,
        attachment("portfolio_services", period, format),
    ))
}
