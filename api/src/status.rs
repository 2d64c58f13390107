//! `GET /v1/status`: health as the Italian guidelines want it (RAC_REST_NAME_011).

use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;

use crate::db;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::middleware::problem::PROBLEM_JSON;
use crate::state::AppState;

/// Health of the service, as an `application/problem+json` document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": 200, "title": "OK"}))]
pub struct ServiceStatus {
    /// HTTP status of the service.
    #[schema(format = Int32, minimum = 100, maximum = 599)]
    pub status: i32,
    /// `OK` when healthy.
    #[schema(max_length = 64)]
    pub title: String,
}

/// Health of the service
///
/// Answers `200` with `{"status":200,"title":"OK"}` when the service and its database answer, and
/// `503` with `Retry-After` when the database is unreachable. Open to everyone, no session needed.
#[utoipa::path(
    tag = "status",
    operation_id = "show_status",
    responses(
        (status = 200, description = "The service and its database answer.", body = ServiceStatus,
            content_type = "application/problem+json",
            example = json!({"status": 200, "title": "OK"})),
        (status = 503, description = "The database is unreachable: retry after `Retry-After` seconds."),
    ),
    security(()),
)]
#[get("/status")]
pub async fn show_status(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    db::with_conn(&state, |conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map_err(ApiError::unavailable)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(PROBLEM_JSON)
        .json(ServiceStatus {
            status: 200,
            title: "OK".to_owned(),
        }))
}
