//! The use cases of appointments: book a draft, confirm it (taking a seat), cancel, close,
//! reschedule, read.

use diesel::PgConnection;
use inps_domain::agenda::slots::NEAREST_SLOTS;
use inps_domain::agenda::{
    AppointmentFacts, AppointmentState, Change, DraftError, DraftRequest, FreeSlot, InquiryOnDraft,
    Schedule, Slot, Transition, TransitionRefusal, draft_expires_at, nearest_free, reminder_at,
    slot_at, transition, validate_draft,
};
use inps_domain::delegation::{Scope, Service};
use inps_domain::employment::EmploymentCode;
use inps_domain::identity::Role;
use inps_domain::inquiry::Inquiry;
use inps_domain::notification::{Channel, EventType};
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::agenda::{
    self as repo, AppointmentChange, AppointmentRow, HistoryRow, PointRow,
};
use time::{Duration, OffsetDateTime};

use crate::access::{AccessRequest, Audited};
use crate::agenda::consultation_points::use_cases::{reach, schedule_of, slots_with_seats};
use crate::auth::Actor;
use crate::cassetto::employments::use_cases::visible_employment;
use crate::error::Text;
use crate::notifications::outbox::{Event, notify_on_chosen_channels};
use crate::problems::Problem;
use crate::refusal::{Offer, Refusal};
use crate::upload::{UploadedFile, store_file};
use inps_domain::agenda::{AttachmentRefusal, check_attachment_upload, check_attachments_editable};
use inps_domain::attachment::AttachmentError;
use inps_persistence::inquiries::AttachmentMeta;

/// An appointment as shown: its row, quesiti and history.
#[derive(Debug)]
pub struct AppointmentView {
    /// The row.
    pub row: AppointmentRow,
    /// Its quesiti, in order.
    pub inquiries: Vec<uuid::Uuid>,
    /// Its history (empty in lists).
    pub history: Vec<HistoryRow>,
    /// Its files (empty in lists).
    pub attachments: Vec<AttachmentMeta>,
    /// Its messages, oldest first (empty in lists).
    pub messages: Vec<MessageView>,
}

/// A message about an appointment, with its files.
#[derive(Debug)]
pub struct MessageView {
    /// The row.
    pub row: repo::MessageRow,
    /// Its files, oldest first.
    pub attachments: Vec<AttachmentMeta>,
}

/// A message to write: the command of [`post_message`].
#[derive(Debug)]
pub struct NewMessage {
    /// The text.
    pub text: String,
    /// Its files (at most 3, 3 MiB in total), already recognised from their bytes.
    pub files: Vec<UploadedFile>,
}

/// The messages of appointment `id`, oldest first, each with its files (one query for all).
fn messages_with_files(
    conn: &mut PgConnection,
    id: uuid::Uuid,
) -> Result<Vec<MessageView>, Refusal> {
    let rows = repo::messages_of(conn, id)?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|m| m.id).collect();
    let mut files = if ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        inps_persistence::inquiries::attachments_of_owners(conn, MESSAGE_OWNER, &ids)?
    };
    Ok(rows
        .into_iter()
        .map(|row| MessageView {
            attachments: files.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// A new draft: the command of [`create_appointment`].
#[derive(Debug)]
pub struct NewDraft {
    /// The employment.
    pub employment_code: String,
    /// The quesiti.
    pub inquiry_ids: Vec<uuid::Uuid>,
    /// The point.
    pub point_id: uuid::Uuid,
    /// The slot's start.
    pub slot_start: OffsetDateTime,
    /// The note.
    pub note: String,
    /// The channels asked for.
    pub channels: Vec<Channel>,
}

fn view(conn: &mut PgConnection, row: AppointmentRow) -> Result<AppointmentView, Refusal> {
    Ok(AppointmentView {
        inquiries: repo::inquiries_of(conn, row.id)?,
        history: repo::history_of(conn, row.id)?,
        attachments: inps_persistence::inquiries::attachments_of(conn, OWNER, row.id)?,
        messages: messages_with_files(conn, row.id)?,
        row,
    })
}

/// Owner kind of an appointment's files among the attachments.
const OWNER: &str = "appointment";
/// Owner kind of the files of an appointment's messages (reserved for them since the
/// domestic-work migration).
const MESSAGE_OWNER: &str = "message";

fn state_of(row: &AppointmentRow) -> Result<AppointmentState, Refusal> {
    row.state
        .parse()
        .map_err(|e| Refusal::internal(format!("appointment {}: state: {e}", row.id)))
}

fn employer_of(row: &AppointmentRow) -> Result<TaxCode, Refusal> {
    TaxCode::parse(&row.employer_tax_code)
        .map_err(|e| Refusal::internal(format!("appointment {}: employer: {e}", row.id)))
}

/// Who acts, as history and audit name them.
fn by(actor: &Actor) -> String {
    actor.tax_code.clone().unwrap_or_else(|| "cli".to_owned())
}

/// The quesiti named, as the draft rules see them: those of the employer of the employment
/// (others are unknown to the caller), with whether a confirmed appointment other than
/// `except` lists them; locked when `lock` (a confirmation).
fn inquiries_on_draft(
    conn: &mut PgConnection,
    employer: &TaxCode,
    ids: &[uuid::Uuid],
    except: Option<uuid::Uuid>,
    lock: bool,
) -> Result<Vec<InquiryOnDraft<uuid::Uuid>>, Refusal> {
    let mut inquiries = repo::inquiries_by_ids(conn, ids, lock)?
        .into_iter()
        .map(Inquiry::try_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(Refusal::internal)?;
    inquiries.retain(|i| i.employer == *employer);
    let on = repo::on_confirmed_appointment(conn, ids, except)?;
    Ok(inquiries
        .into_iter()
        .map(|mut i| {
            i.on_active_appointment = on.contains(&i.id);
            InquiryOnDraft {
                id: i.id,
                employment_code: i.employment_code.clone(),
                facts: i.facts(),
                answer_deadline: i.answer_deadline,
            }
        })
        .collect())
}

/// The refusal of broken draft rules: 409 when a quesito is on another confirmed appointment
/// (a state of other data, not of the input), 422 naming each field otherwise.
fn draft_refusal(errors: Vec<DraftError<uuid::Uuid>>) -> Refusal {
    if let Some(DraftError::OnAnotherAppointment { ids }) = errors
        .iter()
        .find(|e| matches!(e, DraftError::OnAnotherAppointment { .. }))
    {
        return Refusal::new(Problem::InquiryOnAnotherAppointment)
            .with_extension("inquiry_ids", serde_json::json!(ids));
    }
    let mut refusal = Refusal::new(Problem::ValidationFailed);
    for error in errors {
        let field = match &error {
            DraftError::NoInquiries
            | DraftError::TooManyInquiries { .. }
            | DraftError::UnknownInquiries { .. }
            | DraftError::OtherEmployment { .. }
            | DraftError::NotEligible { .. }
            | DraftError::OnAnotherAppointment { .. } => "inquiry_ids",
            DraftError::Note(_) => "note",
            DraftError::UnreachableChannels { .. } => "notification_channels",
            DraftError::SlotInPast { .. } => "slot_start",
        };
        let reason = error.to_string();
        refusal = refusal.with_field(field, Text::new(reason.clone(), reason));
    }
    refusal
}

/// The slot of `point` starting at `start`, or a 422 on `slot_start` (a draft names a slot the
/// point offers).
fn offered_slot(schedule: &Schedule, start: OffsetDateTime) -> Result<Slot, Refusal> {
    slot_at(schedule, start).ok_or_else(|| {
        Refusal::invalid_field(
            "slot_start",
            Text::new(
                "il punto di consulenza non offre una fascia che inizi a quest'ora",
                "the consultation point offers no slot starting then",
            ),
        )
    })
}

/// Books a draft (the employer, or an intermediary with an active delegation carrying the
/// `appointments` scope, who is recorded as managing it). The draft holds no seat and expires
/// after `ttl`.
pub fn create_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: NewDraft,
    ttl: Duration,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    if actor.roles().contains(&Role::Operator) {
        return Err(Refusal::new(Problem::Forbidden).with_detail(
            "Gli appuntamenti li prenotano i datori di lavoro e i loro intermediari.",
            "Appointments are booked by employers and their intermediaries.",
        ));
    }
    let code = EmploymentCode::parse(&cmd.employment_code).map_err(|_| {
        Refusal::invalid_field(
            "employment_code",
            Text::new("codice non valido", "invalid code"),
        )
    })?;
    let id = uuid::Uuid::new_v4();
    let resource = format!("/v1/appointments/{id}");
    let audited = Audited {
        action: "appointment.create",
        resource: &resource,
    };
    let (employment, access) =
        visible_employment(conn, actor, &code, Scope::Appointments, audited, now)?;
    let point = repo::point(conn, cmd.point_id, false)?.ok_or_else(|| {
        Refusal::invalid_field(
            "consultation_point_id",
            Text::new(
                "punto di consulenza sconosciuto",
                "unknown consultation point",
            ),
        )
    })?;
    let schedule = schedule_of(conn, &point)?;
    let slot = offered_slot(&schedule, cmd.slot_start)?;
    let found = inquiries_on_draft(conn, &employment.employer, &cmd.inquiry_ids, None, false)?;
    let me = by(actor);
    let contacts = inps_persistence::profile::contacts_of(conn, &me)?.into();
    let valid = validate_draft(
        &DraftRequest {
            employment_code: &employment.code,
            requested: &cmd.inquiry_ids,
            found: &found,
            note: &cmd.note,
            channels: &cmd.channels,
            contacts: &contacts,
            slot_start: slot.start,
        },
        now,
    )
    .map_err(draft_refusal)?;
    let delegation = access
        .delegation_id()
        .map(uuid::Uuid::parse_str)
        .transpose()
        .map_err(Refusal::internal)?;
    let row = AppointmentRow {
        id,
        employer_tax_code: employment.employer.as_str().to_owned(),
        employment_code: employment.code.as_str().to_owned(),
        point_id: point.id,
        slot_start: slot.start,
        slot_end: slot.end,
        state: AppointmentState::Draft.as_str().to_owned(),
        note: valid.note,
        channels: valid
            .channels
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        booked_by: me.clone(),
        managed_by: delegation.map(|_| me.clone()),
        delegation_id: delegation,
        cancelled_by: None,
        cancel_reason: None,
        created_at: now,
        draft_expires_at: draft_expires_at(now, ttl),
        updated_at: now,
        version: 1,
    };
    repo::insert_appointment(conn, &row, &valid.inquiries)?;
    history(
        conn,
        &row,
        inps_domain::agenda::HistoryKind::Created,
        &me,
        None,
        now,
    )?;
    let mut event = actor.audit(
        "appointment.create",
        &resource,
        Some(employment.employer.as_str()),
    );
    event.delegation_id = delegation;
    inps_persistence::audit::append(conn, event, now)?;
    view(conn, row)
}

fn history(
    conn: &mut PgConnection,
    row: &AppointmentRow,
    kind: inps_domain::agenda::HistoryKind,
    by: &str,
    reason: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    repo::insert_history(
        conn,
        &HistoryRow {
            id: uuid::Uuid::new_v4(),
            appointment_id: row.id,
            kind: kind.as_str().to_owned(),
            at: now,
            by_tax_code: by.to_owned(),
            slot_start: row.slot_start,
            reason: reason.map(str::to_owned),
        },
    )?;
    Ok(())
}

/// Appointment `id` if `actor` may see it (`scope` `read`) or act on it (`appointments`): the
/// employer or their delegate with the scope; an operator whose reach covers its point. A draft
/// is its author's only. Anyone else gets 404; a delegate without the scope to act, 403.
fn visible_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    scope: Scope,
    action: &str,
    now: OffsetDateTime,
) -> Result<AppointmentRow, Refusal> {
    let lock = scope != Scope::Read;
    let row = repo::appointment(conn, id, lock)?.ok_or_else(Refusal::not_found)?;
    let draft = state_of(&row)? == AppointmentState::Draft;
    if draft && actor.tax_code.as_deref() != Some(row.booked_by.as_str()) {
        return Err(Refusal::not_found());
    }
    if actor.is_operator()
        && actor.person().map(TaxCode::as_str) != Some(row.employer_tax_code.as_str())
    {
        if !reach(conn, actor)?.covers(row.point_id) {
            return Err(Refusal::not_found());
        }
        return Ok(row);
    }
    let employer = employer_of(&row)?;
    let resource = format!("/v1/appointments/{id}");
    let audit = Audited {
        action,
        resource: &resource,
    };
    actor.authorize(
        conn,
        &AccessRequest::act(&employer, Service::DomesticWork, scope, audit),
        now,
    )?;
    Ok(row)
}

/// Appointment `id`, for an actor who may see it, with its quesiti and history.
pub fn show_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let row = visible_appointment(conn, actor, id, Scope::Read, "appointment.read", now)?;
    view(conn, row)
}

/// A refused change, as the registry row that says it.
fn transition_refusal(e: &TransitionRefusal) -> Refusal {
    let reason = e.to_string();
    match e {
        TransitionRefusal::Reason(_) => {
            Refusal::invalid_field("reason", Text::new(reason.clone(), reason))
        }
        _ => Refusal::new(Problem::StateConflict).with_detail(reason.clone(), reason),
    }
}

/// The 409 of a slot full or gone, offering the nearest free slots of the point (within a
/// week before and two weeks after the one asked for).
fn slot_unavailable(
    conn: &mut PgConnection,
    point: uuid::Uuid,
    schedule: &Schedule,
    requested: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Refusal, Refusal> {
    let day = rome_date(requested);
    let around = |days: i64| day.checked_add(Duration::days(days)).unwrap_or(day);
    let candidates: Vec<FreeSlot> =
        slots_with_seats(conn, point, schedule, around(-7), around(14))?;
    let nearest = nearest_free(requested, &candidates, now, NEAREST_SLOTS);
    Ok(Refusal::new(Problem::SlotUnavailable).with_offer(Offer::NearestFreeSlots(nearest)))
}

/// Takes a seat in the slot of `point` starting at `start`, or refuses with the nearest free
/// slots (the slot is full, or the plan no longer offers it).
fn take_seat(
    conn: &mut PgConnection,
    point: &PointRow,
    start: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Slot, Refusal> {
    let schedule = schedule_of(conn, point)?;
    if let Some(slot) = slot_at(&schedule, start)
        && repo::take_seat(conn, point.id, start, i32::from(slot.seats))?
    {
        return Ok(slot);
    }
    Err(slot_unavailable(conn, point.id, &schedule, start, now)?)
}

fn facts(row: &AppointmentRow) -> Result<AppointmentFacts, Refusal> {
    Ok(AppointmentFacts {
        state: state_of(row)?,
        start: row.slot_start,
        draft_expires_at: row.draft_expires_at,
    })
}

/// Writes `change` (already allowed) to `row`, its history and the accountability log.
fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    row: &AppointmentRow,
    t: &Transition,
    slot_end: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<AppointmentRow, Refusal> {
    let changed = repo::change_appointment(
        conn,
        row.id,
        &AppointmentChange {
            state: t.state.as_str(),
            slot_start: t.start,
            slot_end,
            cancelled_by: t.cancelled_by.map(|c| c.as_str()),
            cancel_reason: t.reason.as_deref(),
            updated_at: now,
        },
    )?;
    let who = by(actor);
    history(conn, &changed, t.history, &who, t.reason.as_deref(), now)?;
    let resource = format!("/v1/appointments/{}", row.id);
    let mut event = actor.audit(
        &format!("appointment.{}", t.history.as_str()),
        &resource,
        Some(&row.employer_tax_code),
    );
    event.delegation_id = row
        .delegation_id
        .filter(|_| row.managed_by.as_deref() == Some(who.as_str()));
    inps_persistence::audit::append(conn, event, now)?;
    Ok(changed)
}

/// Confirms draft `id` (its author, before it expires and before the slot starts): checks the
/// draft's rules again, then takes a seat atomically. A full or vanished slot is 409
/// `slot-unavailable` with the nearest free slots; a quesito confirmed meanwhile on another
/// appointment, 409 `inquiry-on-another-appointment`.
pub fn confirm_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let row = visible_appointment(
        conn,
        actor,
        id,
        Scope::Appointments,
        "appointment.confirm",
        now,
    )?;
    precondition(row.version)?;
    let t = transition(&facts(&row)?, Change::Confirm, now).map_err(|e| transition_refusal(&e))?;
    let employer = employer_of(&row)?;
    let requested = repo::inquiries_of(conn, id)?;
    // Locked in id order: confirmations sharing quesiti are serialised here.
    let found = inquiries_on_draft(conn, &employer, &requested, Some(id), true)?;
    let code = EmploymentCode::parse(&row.employment_code).map_err(Refusal::internal)?;
    let contacts = inps_persistence::profile::contacts_of(conn, &row.booked_by)?.into();
    let channels: Vec<Channel> = row
        .channels
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()
        .map_err(Refusal::internal)?;
    validate_draft(
        &DraftRequest {
            employment_code: &code,
            requested: &requested,
            found: &found,
            note: &row.note,
            channels: &channels,
            contacts: &contacts,
            slot_start: row.slot_start,
        },
        now,
    )
    .map_err(draft_refusal)?;
    let point = repo::point(conn, row.point_id, false)?.ok_or_else(Refusal::not_found)?;
    let slot = take_seat(conn, &point, row.slot_start, now)?;
    let changed = record(conn, actor, &row, &t, slot.end, now)?;
    schedule_reminder(conn, &changed, now)?;
    view(conn, changed)
}

/// The job kind of the 24-hour reminder of an appointment.
pub const APPOINTMENT_REMINDER: &str = "appointment_reminder";

/// Schedules the reminder of confirmed appointment `row` 24 hours before its start (none when
/// that is already past: the appointment was booked less than a day ahead).
fn schedule_reminder(
    conn: &mut PgConnection,
    row: &AppointmentRow,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let at = reminder_at(row.slot_start);
    if at > now {
        inps_persistence::scheduled_jobs::schedule_at(
            conn,
            APPOINTMENT_REMINDER,
            row.id,
            rome_date(at),
            at,
            now,
        )?;
    }
    Ok(())
}

/// The people an appointment's events go to: the employer and the managing intermediary.
/// Whoever booked it gets them on the channels chosen at booking.
fn notify_people(
    conn: &mut PgConnection,
    row: &AppointmentRow,
    event_type: EventType,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let employer = employer_of(row)?;
    let mut recipients = vec![employer.clone()];
    if let Some(manager) = row.managed_by.as_deref() {
        recipients.push(TaxCode::parse(manager).map_err(Refusal::internal)?);
    }
    let booker = TaxCode::parse(&row.booked_by).map_err(Refusal::internal)?;
    let channels: Vec<Channel> = row
        .channels
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()
        .map_err(Refusal::internal)?;
    let event = Event {
        event_type,
        subject: employer,
        recipients,
        payload: serde_json::json!({
            "appointment_id": row.id,
            "employment_code": row.employment_code,
            "consultation_point_id": row.point_id,
            "slot_start": row.slot_start.format(&time::format_description::well_known::Rfc3339).map_err(Refusal::internal)?,
            "state": row.state,
        }),
        link: format!("/v1/appointments/{}", row.id),
    };
    notify_on_chosen_channels(conn, event, &booker, &channels, now)
}

/// Writes the reminder of appointment `id` when it is still confirmed and starts within 24
/// hours (the worker, for a job of kind [`APPOINTMENT_REMINDER`]); whether it was written.
pub fn remind(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<bool, Refusal> {
    let Some(row) = repo::appointment(conn, id, false)? else {
        return Ok(false);
    };
    let due = state_of(&row)? == AppointmentState::Confirmed
        && reminder_at(row.slot_start) <= now
        && now < row.slot_start;
    if due {
        notify_people(conn, &row, EventType::AppointmentReminder, now)?;
    }
    Ok(due)
}

/// Appointment `id` for an operator who may act on it (its point within their reach; 403 for a
/// user, 404 for an appointment out of reach or a draft), locked.
fn office_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<AppointmentRow, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let row = repo::appointment(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    if state_of(&row)? == AppointmentState::Draft || !reach(conn, actor)?.covers(row.point_id) {
        return Err(Refusal::not_found());
    }
    Ok(row)
}

/// Cancels appointment `id`: the user (the employer or a delegate with the `appointments`
/// scope) a confirmed one before it starts, the reason optional; an operator a confirmed one
/// with a reason, notifying the employer and the managing intermediary. The seat is given back.
pub fn cancel_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    reason: Option<&str>,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let by_office = actor.is_operator() && !is_own(actor, conn, id)?;
    let (row, change) = if by_office {
        let row = office_appointment(conn, actor, id)?;
        (
            row,
            Change::CancelByOffice {
                reason: reason.unwrap_or(""),
            },
        )
    } else {
        let row = visible_appointment(
            conn,
            actor,
            id,
            Scope::Appointments,
            "appointment.cancel",
            now,
        )?;
        (row, Change::CancelByUser { reason })
    };
    precondition(row.version)?;
    let t = transition(&facts(&row)?, change, now).map_err(|e| transition_refusal(&e))?;
    repo::release_seat(conn, row.point_id, row.slot_start)?;
    let changed = record(conn, actor, &row, &t, row.slot_end, now)?;
    if by_office {
        notify_people(conn, &changed, EventType::AppointmentCancelledByOffice, now)?;
    }
    view(conn, changed)
}

/// Whether the acting operator is the appointment's employer (an operator booking for
/// themselves cancels as a user).
fn is_own(actor: &Actor, conn: &mut PgConnection, id: uuid::Uuid) -> Result<bool, Refusal> {
    let Some(me) = actor.person() else {
        return Ok(false);
    };
    Ok(repo::appointment(conn, id, false)?.is_some_and(|r| r.employer_tax_code == me.as_str()))
}

/// An operator closes appointment `id` as resolved (Chiuso e Definito), notifying the employer
/// and the managing intermediary.
pub fn close_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let row = office_appointment(conn, actor, id)?;
    precondition(row.version)?;
    let t = transition(&facts(&row)?, Change::Close, now).map_err(|e| transition_refusal(&e))?;
    let changed = record(conn, actor, &row, &t, row.slot_end, now)?;
    notify_people(conn, &changed, EventType::AppointmentClosed, now)?;
    view(conn, changed)
}

/// An operator moves appointment `id` to the slot of the same point starting at `start`: the
/// old seat is given back and a new one taken atomically (409 `slot-unavailable` with the
/// nearest free slots when full or not offered); the employer and the managing intermediary are
/// notified and the reminder moves.
pub fn reschedule_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    start: OffsetDateTime,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let row = office_appointment(conn, actor, id)?;
    precondition(row.version)?;
    let t = transition(&facts(&row)?, Change::Reschedule { start }, now)
        .map_err(|e| transition_refusal(&e))?;
    let point = repo::point(conn, row.point_id, false)?.ok_or_else(Refusal::not_found)?;
    // The two seat rows are locked in start order, so that two reschedules crossing each other
    // (one from A to B, the other from B to A) wait for each other instead of deadlocking.
    let slot = if start < row.slot_start {
        let slot = take_seat(conn, &point, start, now)?;
        repo::release_seat(conn, row.point_id, row.slot_start)?;
        slot
    } else {
        repo::release_seat(conn, row.point_id, row.slot_start)?;
        take_seat(conn, &point, start, now)?
    };
    let changed = record(conn, actor, &row, &t, slot.end, now)?;
    schedule_reminder(conn, &changed, now)?;
    notify_people(conn, &changed, EventType::AppointmentRescheduled, now)?;
    view(conn, changed)
}

/// The filters of [`appointments`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only about this employment (the caller must be able to read it).
    pub employment_code: Option<String>,
    /// Only in this state.
    pub state: Option<AppointmentState>,
    /// Starting at or after.
    pub from: Option<OffsetDateTime>,
    /// Starting before.
    pub to: Option<OffsetDateTime>,
    /// For an employer: also those an intermediary manages (default true).
    pub include_intermediary_managed: Option<bool>,
}

/// Up to `limit` appointments after `after` (slot start, id), latest first, filtered in the
/// query: an operator's are those of the points within reach; with `employment_code`, that
/// employment's (for whoever may read it); otherwise the caller's own as employer (with or
/// without those an intermediary manages) and those they manage as intermediary. Drafts are
/// listed to their author only.
pub fn appointments(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: &Filter,
    after: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<AppointmentView>, Refusal> {
    let me = by(actor);
    let code = filter
        .employment_code
        .as_deref()
        .map(EmploymentCode::parse)
        .transpose()
        .map_err(|_| {
            Refusal::invalid_field(
                "employment_code",
                Text::new("codice non valido", "invalid code"),
            )
        })?;
    let office = if actor.is_operator() {
        Some(reach(conn, actor)?)
    } else {
        None
    };
    let employer = match (&code, &office) {
        (Some(code), None) => {
            let resource = format!("/v1/employments/{code}");
            let audited = Audited {
                action: "appointment.search",
                resource: &resource,
            };
            let (employment, _) = visible_employment(conn, actor, code, Scope::Read, audited, now)?;
            Some(employment.employer.as_str().to_owned())
        }
        (None, None) => Some(me.clone()),
        (_, Some(_)) => None,
    };
    let own = code.is_none() && office.is_none();
    let query = repo::AppointmentQuery {
        employer: employer.as_deref(),
        managed_by: own.then_some(me.as_str()),
        include_intermediary_managed: filter.include_intermediary_managed.unwrap_or(true),
        points: office.as_ref().and_then(|o| o.points()),
        employment_code: code.as_ref().map(EmploymentCode::as_str),
        state: filter.state.map(AppointmentState::as_str),
        drafts_of: Some(me.as_str()),
        from: filter.from,
        to: filter.to,
        after,
        limit,
    };
    repo::search(conn, &query)?
        .into_iter()
        .map(|row| {
            Ok(AppointmentView {
                inquiries: Vec::new(),
                history: Vec::new(),
                attachments: Vec::new(),
                messages: Vec::new(),
                row,
            })
        })
        .collect()
}

/// The calendar file (RFC 5545) of appointment `id`, for an actor who may see it: a stable UID
/// and a SEQUENCE that grows with every change. A draft has none (409).
pub fn calendar(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    host: &str,
    now: OffsetDateTime,
) -> Result<String, Refusal> {
    use inps_domain::agenda::ics;
    let view = show_appointment(conn, actor, id, now)?;
    let row = &view.row;
    let status = ics::EventStatus::of(state_of(row)?).ok_or_else(|| {
        Refusal::new(Problem::StateConflict).with_detail(
            "Una bozza non ha calendario: va prima confermata.",
            "A draft has no calendar: confirm it first.",
        )
    })?;
    let point = repo::point(conn, row.point_id, false)?.ok_or_else(Refusal::not_found)?;
    let location = format!("{}, {}", point.name, point.address);
    let id_text = row.id.to_string();
    Ok(ics::render(&ics::CalendarEvent {
        appointment_id: &id_text,
        host,
        sequence: ics::sequence(view.history.len()),
        stamp: now,
        start: row.slot_start,
        end: row.slot_end,
        summary: "Appuntamento INPS - lavoro domestico",
        description: Some(&row.note),
        location: Some(&location),
        status,
    }))
}

/// A refused attachment change, as its registry row.
fn attachment_refusal(e: &AttachmentRefusal) -> Refusal {
    let reason = e.to_string();
    let problem = match e {
        AttachmentRefusal::NotDraft { .. } => Problem::StateConflict,
        AttachmentRefusal::Attachment(AttachmentError::TooLarge { .. }) => {
            Problem::AttachmentsTooLarge
        }
        AttachmentRefusal::Attachment(AttachmentError::TooMany { .. }) => {
            Problem::TooManyAttachments
        }
        AttachmentRefusal::Attachment(_) => Problem::ValidationFailed,
    };
    Refusal::new(problem).with_detail(reason.clone(), reason)
}

/// Draft `id`, for its author who may act on it, with the files it has (`lock`: to change them).
fn editable_draft(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    lock: bool,
    now: OffsetDateTime,
) -> Result<(AppointmentRow, Vec<AttachmentMeta>), Refusal> {
    let row = if lock {
        visible_appointment(
            conn,
            actor,
            id,
            Scope::Appointments,
            "appointment_attachment.create",
            now,
        )?
    } else {
        visible_appointment(
            conn,
            actor,
            id,
            Scope::Read,
            "appointment_attachment.create",
            now,
        )?
    };
    check_attachments_editable(state_of(&row)?).map_err(|e| attachment_refusal(&e))?;
    let files = inps_persistence::inquiries::attachments_of(conn, OWNER, id)?;
    Ok((row, files))
}

fn total_bytes(files: &[AttachmentMeta]) -> u64 {
    files
        .iter()
        .map(|f| u64::try_from(f.size_bytes).unwrap_or(0))
        .sum()
}

/// How many files, and bytes, draft `id` already has: read before its upload is, so that the
/// upload is refused as soon as a limit is passed (409 when it is not a draft of the caller).
pub fn attachment_room(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(usize, u64), Refusal> {
    let (_, files) = editable_draft(conn, actor, id, false, now)?;
    Ok((files.len(), total_bytes(&files)))
}

/// Stores `files` on draft `id` (its author; at most 3 files and 3 MiB in total, checked again
/// with the draft locked), audited.
pub fn add_attachments(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    files: &[UploadedFile],
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let (row, existing) = editable_draft(conn, actor, id, true, now)?;
    if files.is_empty() {
        return Err(Refusal::invalid_field(
            "attachments",
            Text::new("almeno un file", "at least one file"),
        ));
    }
    let (mut count, mut bytes) = (existing.len(), total_bytes(&existing));
    for file in files {
        let adding = u64::try_from(file.bytes.len()).unwrap_or(u64::MAX);
        check_attachment_upload(AppointmentState::Draft, count, bytes, adding)
            .map_err(|e| attachment_refusal(&e))?;
        store_file(conn, OWNER, id, file, now)?;
        count += 1;
        bytes = bytes.saturating_add(adding);
    }
    let resource = format!("/v1/appointments/{id}/attachments");
    let event = actor.audit(
        "appointment_attachment.create",
        &resource,
        Some(&row.employer_tax_code),
    );
    inps_persistence::audit::append(conn, event, now)?;
    view(conn, row)
}

/// File `attachment_id` of appointment `id` with its bytes, for an actor who may see it.
pub fn attachment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    attachment_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(AttachmentMeta, Vec<u8>), Refusal> {
    visible_appointment(
        conn,
        actor,
        id,
        Scope::Read,
        "appointment_attachment.read",
        now,
    )?;
    inps_persistence::inquiries::attachment_content(conn, OWNER, id, attachment_id)?
        .ok_or_else(Refusal::not_found)
}

/// Removes file `attachment_id` from draft `id` (its author), audited: 404 for a file it does
/// not have, 409 once it is no longer a draft.
pub fn remove_attachment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    attachment_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let action = "appointment_attachment.delete";
    let row = visible_appointment(conn, actor, id, Scope::Appointments, action, now)?;
    let files = inps_persistence::inquiries::attachments_of(conn, OWNER, id)?;
    if !files.iter().any(|f| f.id == attachment_id) {
        return Err(Refusal::not_found());
    }
    check_attachments_editable(state_of(&row)?).map_err(|e| attachment_refusal(&e))?;
    repo::delete_attachment(conn, OWNER, id, attachment_id)?;
    let resource = format!("/v1/appointments/{id}/attachments/{attachment_id}");
    let event = actor.audit(action, &resource, Some(&row.employer_tax_code));
    inps_persistence::audit::append(conn, event, now)?;
    view(conn, row)
}

/// The longest message, in characters (trimmed).
const MAX_MESSAGE_CHARS: usize = 4000;

/// Appointment `id` for a message by `actor`, and whether the message is the office's: the
/// user (the employer, or a delegate with the `appointments` scope) or an operator whose reach
/// covers the point; 409 on a draft.
fn thread_of(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(AppointmentRow, bool), Refusal> {
    let by_office = actor.is_operator() && !is_own(actor, conn, id)?;
    let row = if by_office {
        office_appointment(conn, actor, id)?
    } else {
        visible_appointment(
            conn,
            actor,
            id,
            Scope::Appointments,
            "appointment.message",
            now,
        )?
    };
    if state_of(&row)? == AppointmentState::Draft {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Si scrive alla sede su un appuntamento confermato.",
            "Messages are about a confirmed appointment, not a draft.",
        ));
    }
    Ok((row, by_office))
}

/// Whether `actor` may write about appointment `id`: checked before a message's files are
/// read, so that nobody else gets to upload anything (404, 403, or 409 on a draft).
pub fn check_message_allowed(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    thread_of(conn, actor, id, now).map(drop)
}

/// Writes a message about appointment `id` (not a draft), with up to 3 files (3 MiB in total,
/// checked again here): the user (the employer, or a delegate with the `appointments` scope) or
/// an operator whose reach covers the point, whose message is the office's and is notified to
/// the employer and the managing intermediary. Audited.
pub fn post_message(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    cmd: NewMessage,
    now: OffsetDateTime,
) -> Result<AppointmentView, Refusal> {
    let (row, by_office) = thread_of(conn, actor, id, now)?;
    let text = inps_domain::text::clean_text(&cmd.text, MAX_MESSAGE_CHARS).map_err(|e| {
        Refusal::invalid_field(
            "text",
            Text::new(
                format!("testo obbligatorio, al massimo {MAX_MESSAGE_CHARS} caratteri ({e})"),
                format!("required text, at most {MAX_MESSAGE_CHARS} characters ({e})"),
            ),
        )
    })?;
    let bytes = cmd
        .files
        .iter()
        .map(|f| u64::try_from(f.bytes.len()).unwrap_or(u64::MAX))
        .fold(0u64, u64::saturating_add);
    inps_domain::attachment::check_count(0, cmd.files.len())
        .and_then(|()| inps_domain::attachment::check_total(0, bytes))
        .map_err(|e| attachment_refusal(&AttachmentRefusal::Attachment(e)))?;
    let message = repo::MessageRow {
        id: uuid::Uuid::new_v4(),
        appointment_id: id,
        author: by(actor),
        by_office,
        text,
        sent_at: now,
    };
    repo::insert_message(conn, &message)?;
    for file in &cmd.files {
        store_file(conn, MESSAGE_OWNER, message.id, file, now)?;
    }
    let resource = format!("/v1/appointments/{id}/messages/{}", message.id);
    let event = actor.audit(
        "appointment.message",
        &resource,
        Some(&row.employer_tax_code),
    );
    inps_persistence::audit::append(conn, event, now)?;
    if by_office {
        notify_people(conn, &row, EventType::AppointmentMessage, now)?;
    }
    view(conn, row)
}

/// File `attachment_id` of message `message_id` of appointment `id` with its bytes, for an
/// actor who may see the appointment (404 otherwise, and for a message or file it does not
/// have).
pub fn message_attachment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    message_id: uuid::Uuid,
    attachment_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(AttachmentMeta, Vec<u8>), Refusal> {
    visible_appointment(
        conn,
        actor,
        id,
        Scope::Read,
        "appointment_message_attachment.read",
        now,
    )?;
    if !repo::messages_of(conn, id)?
        .iter()
        .any(|m| m.id == message_id)
    {
        return Err(Refusal::not_found());
    }
    inps_persistence::inquiries::attachment_content(conn, MESSAGE_OWNER, message_id, attachment_id)?
        .ok_or_else(Refusal::not_found)
}
