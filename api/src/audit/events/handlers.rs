//! The HTTP operations of `/v1/audit-events`: extract, run one use case, map to the wire type.

use actix_web::{HttpResponse, get, web};

use super::use_cases::{self, ListEvents};
use super::wire::{AuditEvent, AuditEventPage, AuditQuery, ChainVerification};
use crate::auth::{Bearer, Operator};
use crate::db;
use crate::delegations::intermediaries::tax_code_field;
use crate::error::{ApiError, Text};
use crate::extract::{PageQuery, page_of};
use crate::state::AppState;

/// Search the accountability log
///
/// Non-operators see only events on their own data or made by themselves; operators see all.
#[utoipa::path(tag = "audit", operation_id = "list_audit_events",
    params(AuditQuery, PageQuery),
    responses((status = 200, description = "A page of events.", body = AuditEventPage),
              (status = 400, description = "Malformed query."),
              (status = 401, description = "No valid session."),
              (status = 422, description = "Invalid filter, limit or cursor.")),
    security(("bearer" = [])))]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    caller: Bearer,
    query: web::Query<AuditQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, query) = (page.limit()?, query.into_inner());
    let bad_cursor =
        |_| ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let tax_code =
        |field, value: Option<String>| value.map(|t| tax_code_field(field, &t)).transpose();
    let cmd = ListEvents {
        subject: tax_code("subject_tax_code", query.subject_tax_code)?,
        by: tax_code("actor_tax_code", query.actor_tax_code)?,
        from: query.from,
        to: query.to,
        before: page
            .cursor()?
            .map(|c| c.parse::<i64>().map_err(bad_cursor))
            .transpose()?,
        limit: limit + 1,
    };
    let rows = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::list_events(conn, &caller.actor(), cmd)?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |e| e.position.to_string());
    let items = rows.into_iter().map(AuditEvent::from).collect();
    Ok(HttpResponse::Ok().json(AuditEventPage { items, next_cursor }))
}

/// Verify the accountability log
///
/// Operators only. Recomputes the sealed hash chain from the first event and names the first
/// broken link (an altered, removed or reordered event, or events removed from the end, caught
/// by the last recorded seal); reports how far the chain is sealed, how many events wait for
/// the sealer and how old the oldest of them is.
#[utoipa::path(tag = "audit", operation_id = "verify_audit_chain",
    responses((status = 200, description = "The verification result.", body = ChainVerification),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Not an operator.")),
    security(("bearer" = [])))]
#[get("/audit-events/verification")]
pub async fn verify_audit_chain(
    state: web::Data<AppState>,
    Operator(operator): Operator,
) -> Result<HttpResponse, ApiError> {
    let report = db::read(&state, move |conn| {
        Ok(use_cases::verify_chain(conn, &operator.actor())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChainVerification::at(report, state.clock.now())))
}
