//! The HTTP operations of appointments.

use actix_web::http::header;
use actix_web::{FromRequest as _, HttpRequest, HttpResponse, delete, get, post, web};
use utoipa::ToSchema;

use super::use_cases::{self, AppointmentView, Filter, NewDraft, NewMessage};
use super::wire::{
    Appointment, AppointmentList, AppointmentQuery, CancellationInput, HistoryEntry,
    NewAppointment, RescheduleInput,
};
use super::wire::{
    AppointmentAttachmentForm, AppointmentMessageForm, AppointmentMessageList, MessageInput,
};
use crate::auth::{Bearer, Caller, Operator};
use crate::cassetto::inquiries::wire::FileContent;
use crate::db;
use crate::error::ApiError;
use crate::etag;
use crate::extract::{
    IdempotencyKey, IdempotencyKeyHeader, PageQuery, ValidatedJson, page_of, time_id_cursor,
};
use crate::idempotency::{self, Created};
use crate::refusal::Refusal;
use crate::state::AppState;
use crate::upload::{FormRules, download, read_form};

/// Mounts the operations of appointments.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(create_appointment)
        .service(list_appointments)
        .service(show_appointment)
        .service(appointment_calendar)
        .service(confirm_appointment)
        .service(cancel_appointment)
        .service(close_appointment)
        .service(reschedule_appointment)
        .service(add_appointment_attachments)
        .service(download_appointment_attachment)
        .service(remove_appointment_attachment)
        .service(list_appointment_messages)
        .service(post_appointment_message)
        .service(download_appointment_message_attachment);
}

/// An iCalendar file (RFC 5545).
#[derive(Debug, ToSchema)]
#[schema(value_type = String)]
pub struct CalendarFile(pub String);

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
            attachments: v.attachments.into_iter().map(Into::into).collect(),
            messages: v.messages.into_iter().map(Into::into).collect(),
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

/// An appointment answered 201 through [`idempotency::create`] (so a retry replays it).
fn created(view: AppointmentView) -> Result<Created<Appointment>, ApiError> {
    let body = Appointment::try_from(view)?;
    Ok(Created {
        location: format!("/v1/appointments/{}", body.id),
        body,
    })
}

/// An appointment answered 200, with its version as `ETag`.
fn respond(view: AppointmentView) -> Result<HttpResponse, ApiError> {
    let version = view.row.version;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag::etag(version)))
        .json(Appointment::try_from(view)?))
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
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "The draft.", body = Appointment),
              (status = 404, description = "Unknown or not visible employment."),
              (status = 409, description = "A quesito is on another confirmed appointment.")),
    security(("bearer" = [])))]
#[post("/appointments")]
pub async fn create_appointment(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
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
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let view = use_cases::create_appointment(conn, &caller.actor(), cmd, ttl, now)?;
        created(view)
    })
    .await
}

/// Show an appointment
///
/// With its quesiti, note and history. For the employer, their delegates (any scope: following
/// is reading) and the operators whose reach covers its consultation point; a draft only for
/// its author. Anyone else gets 404.
#[utoipa::path(tag = "appointments", operation_id = "show_appointment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id.")),
    responses((status = 200, description = "The appointment.", body = Appointment,
               headers(("ETag" = String, description = "Its version: 1 at booking, one more with every change of state or slot (not with messages or files)."))),
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
    respond(view)
}

/// Confirm an appointment
///
/// By the draft's author, before it expires and before its slot starts. The draft's rules are
/// checked again, then a seat of the slot is taken atomically: two confirmations never share a
/// seat, and a quesito is on one confirmed appointment at most. A full or vanished slot is 409
/// `slot-unavailable` with `nearest_free_slots` (the 3 free slots nearest in time) in the
/// problem body.
#[utoipa::path(tag = "appointments", operation_id = "confirm_appointment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("If-Match" = Option<String>, Header, description = "The ETag read before: the action applies only to that version (412 otherwise).", max_length = 256)),
    responses((status = 200, description = "Confirmed.", body = Appointment,
               headers(("ETag" = String, description = "The new version."))),
              (status = 412, description = "Stale `If-Match`."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not a draft, expired, started, slot unavailable, or a quesito on another appointment.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/confirmation")]
pub async fn confirm_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let precondition = etag::precondition(&req, false)?;
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::confirm_appointment(
            conn,
            &caller.actor(),
            id,
            precondition,
            now,
        )?)
    })
    .await?;
    respond(view)
}

/// List appointments
///
/// Latest slot first, keyset pages of `limit`, every filter applied in the query before paging.
/// An operator sees the appointments of the points within reach (every point for a central
/// operator). With `employment_code`, that employment's appointments, for whoever may read it
/// (the employer, a delegate, 404 otherwise). Otherwise the caller's own as employer (also
/// those an intermediary manages unless `include_intermediary_managed=false`) and those they
/// manage as intermediary. Drafts are listed to their author only.
#[utoipa::path(tag = "appointments", operation_id = "list_appointments",
    params(AppointmentQuery, PageQuery),
    responses((status = 200, description = "The appointments.", body = AppointmentList),
              (status = 404, description = "An `employment_code` the caller may not read.")),
    security(("bearer" = [])))]
#[get("/appointments")]
pub async fn list_appointments(
    state: web::Data<AppState>,
    caller: Bearer,
    query: web::Query<AppointmentQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let after = page.cursor()?.map(|c| time_id_cursor(&c)).transpose()?;
    let q = query.into_inner();
    let filter = Filter {
        employment_code: q.employment_code,
        state: q.state.map(Into::into),
        from: q.from,
        to: q.to,
        include_intermediary_managed: q.include_intermediary_managed,
    };
    let now = state.clock.now();
    let views = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::appointments(
            conn,
            &caller.actor(),
            &filter,
            after,
            limit + 1,
            now,
        )?)
    })
    .await?;
    let (views, next_cursor) = page_of(views, limit, |v| {
        format!("{}/{}", v.row.slot_start.unix_timestamp_nanos(), v.row.id)
    });
    let items = views
        .into_iter()
        .map(Appointment::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(AppointmentList { items, next_cursor }))
}

/// An appointment's calendar file
///
/// The appointment as an iCalendar event (RFC 5545, times in UTC): the UID never changes and
/// SEQUENCE grows with every change, so a calendar that imported it updates its copy; a
/// cancelled appointment has `STATUS:CANCELLED`. For whoever may see the appointment; a draft
/// has no calendar (409).
#[utoipa::path(tag = "appointments", operation_id = "download_appointment_calendar",
    params(("id" = uuid::Uuid, Path, description = "Appointment id.")),
    responses((status = 200, description = "The calendar file.", content((CalendarFile = "text/calendar"))),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "A draft.")),
    security(("bearer" = [])))]
#[get("/appointments/{id}/calendar.ics")]
pub async fn appointment_calendar(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let base = &state.settings.notification_link_base;
    let host = base
        .split_once("://")
        .map_or(base.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("inps.example")
        .to_owned();
    let file = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::calendar(conn, &caller.actor(), id, &host, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"appuntamento.ics\"",
        ))
        .body(file))
}

/// Cancel an appointment
///
/// The employer or a delegate with the `appointments` scope cancels a `confirmed` appointment
/// before it starts (`cancelled_by` `user`, the reason optional). An operator whose reach covers
/// the point cancels a `confirmed` one, also once started, with a required `reason`
/// (`cancelled_by` `office`); the employer and the managing intermediary are notified
/// (`appointment_cancelled_by_office`). The seat is given back.
#[utoipa::path(tag = "appointments", operation_id = "cancel_appointment",
    request_body = CancellationInput,
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("If-Match" = Option<String>, Header, description = "The ETag read before: the action applies only to that version (412 otherwise).", max_length = 256)),
    responses((status = 200, description = "Cancelled.", body = Appointment,
               headers(("ETag" = String, description = "The new version."))),
              (status = 412, description = "Stale `If-Match`."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not confirmed, or already started (user).")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/cancellation")]
pub async fn cancel_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<CancellationInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, now, reason) = (id.into_inner(), state.clock.now(), body.value.reason);
    let precondition = etag::precondition(&req, false)?;
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::cancel_appointment(
            conn,
            &caller.actor(),
            id,
            reason.as_deref(),
            precondition,
            now,
        )?)
    })
    .await?;
    respond(view)
}

/// Close an appointment as resolved
///
/// Operators only (whose reach covers the point). A `confirmed` appointment becomes
/// `closed_resolved` (Chiuso e Definito); the employer and the managing intermediary are
/// notified (`appointment_closed`).
#[utoipa::path(tag = "appointments", operation_id = "close_appointment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("If-Match" = Option<String>, Header, description = "The ETag read before: the action applies only to that version (412 otherwise).", max_length = 256)),
    responses((status = 200, description = "Closed.", body = Appointment,
               headers(("ETag" = String, description = "The new version."))),
              (status = 412, description = "Stale `If-Match`."),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown, a draft, or out of the operator's reach."),
              (status = 409, description = "Not confirmed.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/closure")]
pub async fn close_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let precondition = etag::precondition(&req, false)?;
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::close_appointment(
            conn,
            &caller.actor(),
            id,
            precondition,
            now,
        )?)
    })
    .await?;
    respond(view)
}

/// Reschedule an appointment
///
/// Operators only (whose reach covers the point). A `confirmed` appointment moves to another
/// slot of the same point, in the future: the seat moves atomically (409 `slot-unavailable`
/// with `nearest_free_slots` when the new slot is full or not offered), it stays `confirmed`,
/// the 24-hour reminder moves, and the employer and the managing intermediary are notified
/// (`appointment_rescheduled`).
#[utoipa::path(tag = "appointments", operation_id = "reschedule_appointment",
    request_body = RescheduleInput,
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("If-Match" = Option<String>, Header, description = "The ETag read before: the action applies only to that version (412 otherwise).", max_length = 256)),
    responses((status = 200, description = "Rescheduled.", body = Appointment,
               headers(("ETag" = String, description = "The new version."))),
              (status = 412, description = "Stale `If-Match`."),
              (status = 403, description = "Not an operator."),
              (status = 404, description = "Unknown, a draft, or out of the operator's reach."),
              (status = 409, description = "Not confirmed, a slot in the past, or the slot unavailable.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/reschedule")]
pub async fn reschedule_appointment(
    req: HttpRequest,
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<RescheduleInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, now, start) = (id.into_inner(), state.clock.now(), body.value.slot_start);
    let precondition = etag::precondition(&req, false)?;
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::reschedule_appointment(
            conn,
            &caller.actor(),
            id,
            start,
            precondition,
            now,
        )?)
    })
    .await?;
    respond(view)
}

/// Attach files to a draft
///
/// The draft's author (the employer, or the delegate with the `appointments` scope who booked
/// it). A multipart form with up to 3 `attachments` per appointment, PDF, JPEG, PNG or TIFF
/// recognised from their bytes (415 otherwise), 3 MiB in total (413 as soon as the limit is
/// passed, before the rest is read; 422 `too-many-attachments` past 3 files); nothing is stored
/// when one is refused. Files change only while the appointment is a draft (409 afterwards).
#[utoipa::path(tag = "appointments", operation_id = "add_appointment_attachments",
    request_body(content = AppointmentAttachmentForm, content_type = "multipart/form-data"),
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Attached; the appointment.", body = Appointment),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not a draft."),
              (status = 413, description = "Attachments over 3 MiB in total."),
              (status = 415, description = "Not multipart, or a file that is not PDF, JPEG, PNG or TIFF.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/attachments")]
pub async fn add_appointment_attachments(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let actor = caller.actor();
    let who = caller.tax_code.as_str().to_owned();
    let retry_key = key.0.clone();
    let (existing_files, existing_bytes) = db::transaction(&state, move |conn| {
        // A retry of an answered upload is measured against the limits alone: its first answer
        // is replayed (the files it stored took the room it would otherwise be refused for).
        if idempotency::is_retry(conn, &who, retry_key.as_ref(), now)? {
            return Ok((0, 0));
        }
        Ok(use_cases::attachment_room(conn, &actor, id, now)?)
    })
    .await?;
    let rules = FormRules {
        text_fields: &[],
        file_field: "attachments",
        existing_files,
        existing_bytes,
    };
    let form = read_form(&req, payload, rules).await?;
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, form.fingerprint(), move |conn| {
        let view = use_cases::add_attachments(conn, &caller.actor(), id, &form.files, now)?;
        created(view)
    })
    .await
}

/// Download an appointment's file
///
/// The file as stored, byte for byte, with its media type and a safe `Content-Disposition`; for
/// whoever may see the appointment.
#[utoipa::path(tag = "appointments", operation_id = "download_appointment_attachment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("appointment_attachment_id" = uuid::Uuid, Path, description = "Attachment id.")),
    responses((status = 200, description = "The file.", content(
                  (FileContent = "application/pdf"), (FileContent = "image/jpeg"), (FileContent = "image/png"), (FileContent = "image/tiff"))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/appointments/{id}/attachments/{appointment_attachment_id}")]
pub async fn download_appointment_attachment(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, attachment_id), now) = (path.into_inner(), state.clock.now());
    let (meta, content) = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::attachment(
            conn,
            &caller.actor(),
            id,
            attachment_id,
            now,
        )?)
    })
    .await?;
    Ok(download(&meta.file_name, &meta.media_type, content))
}

/// Remove a file from a draft
///
/// The draft's author, while it is a draft (409 afterwards).
#[utoipa::path(tag = "appointments", operation_id = "remove_appointment_attachment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("appointment_attachment_id" = uuid::Uuid, Path, description = "Attachment id.")),
    responses((status = 200, description = "Removed; the appointment.", body = Appointment),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not a draft.")),
    security(("bearer" = [])))]
#[delete("/appointments/{id}/attachments/{appointment_attachment_id}")]
pub async fn remove_appointment_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, attachment_id), now) = (path.into_inner(), state.clock.now());
    let view = db::transaction(&state, move |conn| {
        Ok(use_cases::remove_attachment(
            conn,
            &caller.actor(),
            id,
            attachment_id,
            now,
        )?)
    })
    .await?;
    respond(view)
}

/// Read the messages of an appointment
///
/// The messages between the user and the office, oldest first, for whoever may see the
/// appointment (as `GET /appointments/{id}`); anyone else gets 404.
#[utoipa::path(tag = "appointments", operation_id = "list_appointment_messages",
    params(("id" = uuid::Uuid, Path, description = "Appointment id.")),
    responses((status = 200, description = "The messages.", body = AppointmentMessageList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/appointments/{id}/messages")]
pub async fn list_appointment_messages(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_appointment(conn, &caller.actor(), id, now)?)
    })
    .await?;
    let items = view.messages.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(AppointmentMessageList { items }))
}

/// Write about an appointment
///
/// Between the user and the office, about an appointment that is not a draft (409): the
/// employer, a delegate with the `appointments` scope (403 `scope-not-granted` otherwise), or an
/// operator whose reach covers the point, whose message is the office's and is notified to the
/// employer and the managing intermediary (`appointment_message`). The body is either JSON
/// (`{"text": ...}`, a text-only message) or a `multipart/form-data` form with a `text` field
/// and up to 3 `attachments`: PDF, JPEG, PNG or TIFF recognised from their bytes (415
/// otherwise), 3 MiB in total per message (413 as soon as the limit is passed, before the rest
/// is read; 422 `too-many-attachments` past 3 files); nothing is stored when one is refused.
/// Who may not write about the appointment is refused before any file is read. The messages
/// are on the appointment (`GET /appointments/{id}`) and at `GET /appointments/{id}/messages`.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "appointments", operation_id = "post_appointment_message",
    request_body(content(
        (MessageInput = "application/json"),
        (AppointmentMessageForm = "multipart/form-data"))),
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Written; the appointment with its messages.", body = Appointment),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "A draft."),
              (status = 413, description = "Attachments over 3 MiB in total."),
              (status = 415, description = "Neither JSON nor multipart, or a file that is not PDF, JPEG, PNG or TIFF.")),
    security(("bearer" = [])))]
#[post("/appointments/{id}/messages")]
pub async fn post_appointment_message(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let (cmd, fingerprint) = if is_multipart(&req) {
        let actor = caller.actor();
        db::transaction(&state, move |conn| {
            Ok(use_cases::check_message_allowed(conn, &actor, id, now)?)
        })
        .await?;
        let rules = FormRules {
            text_fields: &["text"],
            file_field: "attachments",
            existing_files: 0,
            existing_bytes: 0,
        };
        let mut form = read_form(&req, payload, rules).await?;
        let fingerprint = form.fingerprint();
        let cmd = NewMessage {
            text: form.fields.remove("text").unwrap_or_default(),
            files: std::mem::take(&mut form.files),
        };
        (cmd, fingerprint)
    } else {
        let body =
            ValidatedJson::<MessageInput>::from_request(&req, &mut payload.into_inner()).await?;
        let cmd = NewMessage {
            text: body.value.text,
            files: Vec::new(),
        };
        (cmd, body.fingerprint)
    };
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, fingerprint, move |conn| {
        let view = use_cases::post_message(conn, &caller.actor(), id, cmd, now)?;
        Ok(Created {
            location: format!("/v1/appointments/{id}"),
            body: Appointment::try_from(view)?,
        })
    })
    .await
}

/// Whether the body is announced as `multipart/form-data`.
fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Download a file of an appointment's message
///
/// The file as stored, byte for byte, with its media type and a safe `Content-Disposition`; for
/// whoever may see the appointment (as `GET /appointments/{id}`); anyone else gets 404.
#[utoipa::path(tag = "appointments", operation_id = "download_appointment_message_attachment",
    params(("id" = uuid::Uuid, Path, description = "Appointment id."),
           ("message_id" = uuid::Uuid, Path, description = "Message id."),
           ("message_attachment_id" = uuid::Uuid, Path, description = "Attachment id.")),
    responses((status = 200, description = "The file.", content(
                  (FileContent = "application/pdf"), (FileContent = "image/jpeg"), (FileContent = "image/png"), (FileContent = "image/tiff"))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/appointments/{id}/messages/{message_id}/attachments/{message_attachment_id}")]
pub async fn download_appointment_message_attachment(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<(uuid::Uuid, uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, message_id, attachment_id), now) = (path.into_inner(), state.clock.now());
    let (meta, content) = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::message_attachment(
            conn,
            &caller.actor(),
            id,
            message_id,
            attachment_id,
            now,
        )?)
    })
    .await?;
    Ok(download(&meta.file_name, &meta.media_type, content))
}
