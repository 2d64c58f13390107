//! The HTTP operations of the dashboards.

use actix_web::{HttpResponse, get, web};
use inps_domain::tax_code::TaxCode;

use super::use_cases;
use super::wire::{ClientDashboardBody, WorkerDashboardBody};
use crate::auth::Bearer;
use crate::db;
use crate::error::ApiError;
use crate::occasional::id_in_path;
use crate::occasional::services::handlers::year_of;
use crate::occasional::services::wire::YearQuery;
use crate::state::AppState;

/// A worker's dashboard
///
/// For the calendar `year` (default this year): net pay earned (services not revoked), paid by
/// INPS (`paid`), not yet paid (`recorded` or `rectified`; of which in a payment on its way),
/// disputed, and the limits used and residual. Same visibility as the worker; a delegated read
/// is audited.
#[utoipa::path(tag = "workers", operation_id = "show_worker_dashboard",
    params(("tax_code" = String, Path, description = "Codice fiscale of the worker.", max_length = 22), YearQuery),
    responses((status = 200, description = "The dashboard.", body = WorkerDashboardBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/workers/{tax_code}/dashboard")]
pub async fn show_worker_dashboard(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let worker = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let now = state.clock.now();
    let year = year_of(&query, now)?;
    let dashboard = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::worker_dashboard(
            conn,
            &caller.actor(),
            &worker,
            year,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(WorkerDashboardBody::from(dashboard)))
}

/// A client's dashboard
///
/// For the calendar `year` (default this year): what the client spent (gross cost of the
/// services not revoked) and their net pay, the services by status, the wallet (paid in,
/// committed, available) and the limits used and residual. Same visibility as the client; a
/// delegated read is audited.
#[utoipa::path(tag = "clients", operation_id = "show_client_dashboard",
    params(("id" = uuid::Uuid, Path, description = "The client's id."), YearQuery),
    responses((status = 200, description = "The dashboard.", body = ClientDashboardBody),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/clients/{id}/dashboard")]
pub async fn show_client_dashboard(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, ApiError> {
    let client = id_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let year = year_of(&query, now)?;
    let dashboard = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::client_dashboard(
            conn,
            &caller.actor(),
            client,
            year,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ClientDashboardBody::from(dashboard)))
}
