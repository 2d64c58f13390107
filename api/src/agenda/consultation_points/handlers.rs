//! The HTTP operations of consultation points.

use actix_web::{HttpResponse, delete, get, post, put, web};
use inps_domain::tax_code::TaxCode;

use super::use_cases::{self, PointView};
use super::wire::{
    ConsultationPoint, ConsultationPointList, FreeSlot, FreeSlotList, NewClosure,
    NewConsultationPoint, OpeningHours, SlotQuery,
};
use crate::auth::{Bearer, Operator};
use crate::db;
use crate::error::ApiError;
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::state::AppState;

impl From<PointView> for ConsultationPoint {
    fn from(v: PointView) -> Self {
        Self {
            id: v.row.id,
            name: v.row.name,
            address: v.row.address,
            opening_hours: v.hours.into(),
            closures: v.closures.into_iter().map(Into::into).collect(),
            operators: v.operators,
        }
    }
}

/// List consultation points
///
/// Every consultation point (punto di consulenza) with its opening hours and closures; an
/// operator also sees the office operators assigned to each.
#[utoipa::path(tag = "appointments", operation_id = "list_consultation_points",
    responses((status = 200, description = "The points.", body = ConsultationPointList)),
    security(("bearer" = [])))]
#[get("/consultation-points")]
pub async fn list_consultation_points(
    state: web::Data<AppState>,
    caller: Bearer,
) -> Result<HttpResponse, ApiError> {
    let views = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::points(conn, &caller.actor())?)
    })
    .await?;
    let items = views.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(ConsultationPointList { items }))
}

/// Create a consultation point
///
/// Operators only (central operators: an operator assigned to no point). The point has no
/// opening hours until `PUT .../opening-hours`.
#[utoipa::path(tag = "appointments", operation_id = "create_consultation_point",
    request_body = NewConsultationPoint,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Created.", body = ConsultationPoint),
              (status = 403, description = "Not an operator, or an office operator.")),
    security(("bearer" = [])))]
#[post("/consultation-points")]
pub async fn create_consultation_point(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    body: ValidatedJson<NewConsultationPoint>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let cmd = inps_domain::agenda::NewConsultationPoint::from(body.value);
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let view = use_cases::create_point(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/consultation-points/{}", view.row.id),
            body: ConsultationPoint::from(view),
        })
    })
    .await
}

/// Set a point's opening hours
///
/// Operators only (a central operator, or an office operator assigned to the point). Replaces
/// the weekly plan and the dated exceptions. Rules: per weekday 1-6 non-overlapping openings,
/// a slot of 5-240 minutes that divides each opening exactly, 1-100 seats per slot; one
/// exception per date, not overlapping the weekly openings. National holidays are closed unless
/// an exception opens them. Appointments already confirmed keep their seats.
#[utoipa::path(tag = "appointments", operation_id = "set_consultation_point_opening_hours",
    request_body = OpeningHours,
    params(("id" = uuid::Uuid, Path, description = "Consultation point id.")),
    responses((status = 200, description = "Saved.", body = ConsultationPoint),
              (status = 403, description = "Not an operator, or an office operator of another point."),
              (status = 404, description = "Unknown point.")),
    security(("bearer" = [])))]
#[put("/consultation-points/{id}/opening-hours")]
pub async fn set_consultation_point_opening_hours(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<OpeningHours>,
) -> Result<HttpResponse, ApiError> {
    let hours = inps_domain::agenda::OpeningHours::from(body.value);
    let (id, now) = (id.into_inner(), state.clock.now());
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::set_opening_hours(
            conn,
            &caller.actor(),
            id,
            hours,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConsultationPoint::from(view)))
}

/// Add a closure to a point
///
/// Operators only (a central operator, or an office operator assigned to the point). A whole
/// date, or only some `hours` of it: a slot sharing any time with them is no longer offered.
/// Appointments already confirmed in those hours are not moved (the office reschedules them).
#[utoipa::path(tag = "appointments", operation_id = "add_consultation_point_closure",
    request_body = NewClosure,
    params(("id" = uuid::Uuid, Path, description = "Consultation point id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Added; the point.", body = ConsultationPoint),
              (status = 403, description = "Not an operator, or an office operator of another point."),
              (status = 404, description = "Unknown point.")),
    security(("bearer" = [])))]
#[post("/consultation-points/{id}/closures")]
pub async fn add_consultation_point_closure(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: ValidatedJson<NewClosure>,
) -> Result<HttpResponse, ApiError> {
    let cmd = inps_domain::agenda::NewClosure::from(body.value);
    let (id, now) = (id.into_inner(), state.clock.now());
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let view = use_cases::add_closure(conn, &caller.actor(), id, cmd, now)?;
        Ok(Created {
            location: format!("/v1/consultation-points/{id}"),
            body: ConsultationPoint::from(view),
        })
    })
    .await
}

/// Assign an office operator to a point
///
/// Operators only (central operators). The person must hold the operator role. Once assigned to
/// at least one point, an operator is an office operator: they see and act on those points'
/// appointments only. Assigning twice changes nothing.
#[utoipa::path(tag = "appointments", operation_id = "assign_consultation_point_operator",
    params(("id" = uuid::Uuid, Path, description = "Consultation point id."),
           ("tax_code" = String, Path, description = "The operator's codice fiscale.", max_length = 16)),
    responses((status = 200, description = "Assigned; the point.", body = ConsultationPoint),
              (status = 403, description = "Not an operator, or an office operator."),
              (status = 404, description = "Unknown point.")),
    security(("bearer" = [])))]
#[put("/consultation-points/{id}/operators/{tax_code}")]
pub async fn assign_consultation_point_operator(
    state: web::Data<AppState>,
    operator: Operator,
    path: web::Path<(uuid::Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    set_operator(state, operator, path.into_inner(), true).await
}

/// Remove an office operator from a point
///
/// Operators only (central operators). An operator left with no point becomes central.
#[utoipa::path(tag = "appointments", operation_id = "remove_consultation_point_operator",
    params(("id" = uuid::Uuid, Path, description = "Consultation point id."),
           ("tax_code" = String, Path, description = "The operator's codice fiscale.", max_length = 16)),
    responses((status = 200, description = "Removed; the point.", body = ConsultationPoint),
              (status = 403, description = "Not an operator, or an office operator."),
              (status = 404, description = "Unknown point, or the operator is not assigned to it.")),
    security(("bearer" = [])))]
#[delete("/consultation-points/{id}/operators/{tax_code}")]
pub async fn remove_consultation_point_operator(
    state: web::Data<AppState>,
    operator: Operator,
    path: web::Path<(uuid::Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    set_operator(state, operator, path.into_inner(), false).await
}

async fn set_operator(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    (id, tax_code): (uuid::Uuid, String),
    assign: bool,
) -> Result<HttpResponse, ApiError> {
    let tax_code = TaxCode::parse(&tax_code).map_err(|_| ApiError::not_found())?;
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::set_operator(
            conn,
            &caller.actor(),
            id,
            &tax_code,
            assign,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ConsultationPoint::from(view)))
}

/// List a point's free slots
///
/// The slots of Italian dates `from..=to` (at most 62 days; by default the two weeks from
/// today) that start after now and have a
/// seat left, with the seats remaining. Slots are computed in Europe/Rome time from the opening
/// hours, without national holidays and closures; across a clock change they follow elapsed
/// time (the missing hour has none, the repeated hour has its own).
#[utoipa::path(tag = "appointments", operation_id = "list_consultation_point_slots",
    params(("id" = uuid::Uuid, Path, description = "Consultation point id."), SlotQuery),
    responses((status = 200, description = "The free slots.", body = FreeSlotList),
              (status = 404, description = "Unknown point.")),
    security(("bearer" = [])))]
#[get("/consultation-points/{id}/slots")]
pub async fn list_consultation_point_slots(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
    query: web::Query<SlotQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let (from, to) = query.range(now);
    let slots = db::read_as(&state, caller, move |conn, _| {
        Ok(use_cases::free_slots(conn, id, from, to, now)?)
    })
    .await?;
    let items = slots.into_iter().map(FreeSlot::from).collect();
    Ok(HttpResponse::Ok().json(FreeSlotList { items }))
}
