//! The HTTP operations of appointments.

use actix_web::{HttpResponse, get, post, web};

use super::use_cases::{self, AppointmentView, NewDraft};
use super::wire::{Appointment, HistoryEntry, NewAppointment};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::refusal::Refusal;
use crate::state::AppState;

/// Mounts the operations of appointments.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_appointment)
        .service(show_appointment)
        .service(confirm_appointment);
}

impl TryFrom<AppointmentView> for Appointment {
    type Error = Refusal;

    fn try_from(v: AppointmentView) -> Result<Self, Refusal> {
        let row = v.row;
        let parse = |what: &str, e: inps_domain::identity::ParseError| {
            Refusal::internal(format!("appointment {}: {what}: {e}", row.id))
        };
        Ok(Self {
            state: row
                .state
                .parse::<inps_domain::agenda::AppointmentState>()
                .map_err(|e| parse("state", e))?
                .into(),
            notification_channels: row
                .channels
                .iter()
                .map(|c| {
                    c.parse::<inps_domain::notification::Channel>()
                        .map(Into::into)
                })
                .collect::<Result<_, _>>()
                .map_err(|e| parse("channels", e))?,
            history: v
                .history
                .into_iter()
                .map(HistoryEntry::try_from)
                .collect::<Result<_, _>>()?,
            id: row.id,
            employer_tax_code: row.employer_tax_code,
            employment_code: row.employment_code,
            consultation_point_id: row.point_id,
            slot_start: row.slot_start,
            slot_end: row.slot_end,
            inquiry_ids: v.inquiries,
            note: row.note,
            booked_by: row.booked_by,
            managed_by: row.managed_by,
            cancelled_by: row.cancelled_by,
            cancel_reason: row.cancel_reason,
            created_at: row.created_at,
            draft_expires_at: row.draft_expires_at,
        })
    }
}

fn respond(view: AppointmentView, created: bool) -> Result<HttpResponse, ApiError> {
    let body = Appointment::try_from(view)?;
    Ok(if created {
        HttpResponse::Created()
            .insert_header(("Location", format!("/v1/appointments/{}", body.id)))
            .json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// Book an appointment (draft)
///
/// By the employer, or by an intermediary with an active domestic-work delegation carrying the
/// `appointments` scope (403 `scope-not-granted` otherwise), who is then recorded as
/// `managed_by`. Rules: 1-20 quesiti, each about this employment, answered negatively or
/// unanswered past its deadline, not on another confirmed appointment; a note (non-blank, at
/// most 2000 characters); notification channels with a verified contact on file (the inbox
/// always on); a slot the point offers, in the future. The draft holds no seat and can be
/// confirmed until `draft_expires_at` (24 hours by default).
#[utoipa::path(tag = "appointments", operation_id = "create_appointment",
    request_body = NewAppointment,
    responses((status = 201, description = "The draft.", body = Appointment),
              (status = 404, description = "Unknown or not visible employment."),
              (status = 409, description = "A quesito is on another confirmed appointment.")),
    security(("bearer" = [])))]
#[post("/appointments")]
pub async fn create_appointment(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewAppointment>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let cmd = NewDraft {
        employment_code: b.employment_code,
        inquiry_ids: b.inquiry_ids,
        point_id: b.consultation_point_id,
        slot_start: b.slot_start,
        note: b.note,
        channels: b
            .notification_channels
            .into_iter()
            .map(Into::into)
            .collect(),
    };
    let (now, ttl) = (state.clock.now(), state.settings.appointment_draft_ttl);
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::create_appointment(
            conn,
            &caller.actor(),
            cmd,
            ttl,
            now,
        )?)
    })
    .await?;
    respond(view, true)
}

/// Show an appointment
///
/// With its quesiti, note and history. For the employer, their delegates (any scope: following
/// is reading) and the operators whose reach covers its consultation point; a draft only for
/// its author. Anyone else gets 404.
#[utoipa::path(tag = "appointments", operation_id = "show_appointment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id.")),
    responses((status = 200, description = "The appointment.", body = Appointment),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/appointments/{id}")]
pub async fn show_appointment(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_appointment(conn, &caller.actor(), id, now)?)
    })
    .await?;
    respond(view, false)
}

/// Confirm an appointment
///
/// By the draft's author, before it expires and before its slot starts. The draft's rules are
/// checked again, then a seat of the slot is taken atomically: two confirmations never share a
/// seat, and a quesito is on one confirmed appointment at most. A full or vanished slot is 409
/// `slot-unavailable` with `nearest_free_slots` (the 3 free slots nearest in time) in the
/// problem body.
#[utoipa::path(tag = "appointments", operation_id = "confirm_appointment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id.")),
    responses((status = 200, description = "Confirmed.", body = Appointment),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not a draft, expired, started, slot unavailable, or a quesito on another appointment.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/confirmation")]
pub async fn confirm_appointment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::confirm_appointment(
            conn,
            &caller.actor(),
            id,
            now,
        )?)
    })
    .await?;
    respond(view, false)
}
