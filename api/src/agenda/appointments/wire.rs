//! The wire shapes of appointments.

use inps_domain::agenda::{AppointmentState as DAppointmentState, HistoryKind as DHistoryKind};
use inps_persistence::agenda::HistoryRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use crate::identity::preferences::wire::Channel;

crate::wire::wire_enum! {
    /// Where an appointment stands: `draft` (only its author sees it), `confirmed`
    /// (Confermato, upcoming or held), `closed_resolved` (Chiuso e Definito), `cancelled`
    /// (Cancellato).
    AppointmentState <=> DAppointmentState {
        /// Being prepared: holds no seat, expires if not confirmed.
        Draft,
        /// Confermato.
        Confirmed,
        /// Chiuso e Definito.
        ClosedResolved,
        /// Cancellato.
        Cancelled,
    }
}

crate::wire::wire_enum! {
    /// What happened to an appointment.
    HistoryKind <=> DHistoryKind {
        /// The draft was created.
        Created,
        /// Confirmed, the seat taken.
        Confirmed,
        /// Cancelled by the user.
        CancelledByUser,
        /// Cancelled by the office.
        CancelledByOffice,
        /// Closed as resolved by the office.
        ClosedResolved,
        /// Moved to another slot by the office.
        Rescheduled,
    }
}

/// A new appointment (a draft): the quesiti to discuss, where and when, a note and the
/// notification channels.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "employment_code": "1000000016",
    "inquiry_ids": ["9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35"],
    "consultation_point_id": "3f6a1c2e-7b8d-4e9f-a0b1-c2d3e4f5a6b7",
    "slot_start": "2026-03-16T08:30:00Z",
    "note": "Vorrei chiarire il calcolo dei contributi del terzo trimestre.",
    "notification_channels": ["email"]
}))]
pub struct NewAppointment {
    /// The employment (codice rapporto).
    #[schema(max_length = 10, pattern = "^[0-9]{10}$", example = "1000000016")]
    pub employment_code: String,
    /// The quesiti to discuss (1-20), each answered negatively or unanswered past its
    /// deadline, about this employment, not on another confirmed appointment.
    #[schema(min_items = 1, max_items = 20)]
    #[validate(length(max = 100))]
    pub inquiry_ids: Vec<uuid::Uuid>,
    /// The consultation point.
    pub consultation_point_id: uuid::Uuid,
    /// The start of a slot of the point (`GET /v1/consultation-points/{id}/slots`).
    #[serde(with = "time::serde::rfc3339")]
    pub slot_start: OffsetDateTime,
    /// What to discuss (required, non-blank).
    #[schema(min_length = 1, max_length = 2000)]
    #[validate(length(max = 8000))]
    pub note: String,
    /// Channels to be notified on, besides the inbox: each needs a verified contact on file.
    #[serde(default)]
    #[schema(max_items = 4)]
    #[validate(length(max = 4))]
    pub notification_channels: Vec<Channel>,
}

/// A cancellation: the reason (optional for the user, required for the office).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Impegno sopravvenuto."}))]
pub struct CancellationInput {
    /// Why.
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub reason: Option<String>,
}

/// A reschedule: the new slot of the same point.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slot_start": "2026-03-17T08:30:00Z"}))]
pub struct RescheduleInput {
    /// The start of the new slot.
    #[serde(with = "time::serde::rfc3339")]
    pub slot_start: OffsetDateTime,
}

/// An entry of an appointment's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// What happened.
    pub kind: HistoryKind,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (codice fiscale).
    pub by: String,
    /// The slot's start after it.
    #[serde(with = "time::serde::rfc3339")]
    pub slot_start: OffsetDateTime,
    /// The reason given, if any.
    pub reason: Option<String>,
}

impl TryFrom<HistoryRow> for HistoryEntry {
    type Error = crate::refusal::Refusal;

    fn try_from(r: HistoryRow) -> Result<Self, Self::Error> {
        Ok(Self {
            kind: r
                .kind
                .parse::<DHistoryKind>()
                .map_err(crate::refusal::Refusal::internal)?
                .into(),
            at: r.at,
            by: r.by_tax_code,
            slot_start: r.slot_start,
            reason: r.reason,
        })
    }
}

/// An appointment at a consultation point.
#[derive(Debug, Serialize, ToSchema)]
pub struct Appointment {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Where it stands.
    pub state: AppointmentState,
    /// The employer.
    pub employer_tax_code: String,
    /// The employment.
    pub employment_code: String,
    /// The consultation point.
    pub consultation_point_id: uuid::Uuid,
    /// Start of the slot.
    #[serde(with = "time::serde::rfc3339")]
    pub slot_start: OffsetDateTime,
    /// End of the slot.
    #[serde(with = "time::serde::rfc3339")]
    pub slot_end: OffsetDateTime,
    /// The quesiti discussed, in the order named.
    pub inquiry_ids: Vec<uuid::Uuid>,
    /// The note.
    pub note: String,
    /// The channels chosen at booking (the inbox first).
    pub notification_channels: Vec<Channel>,
    /// Who booked it.
    pub booked_by: String,
    /// The intermediary managing it (booked through a delegation), if any.
    pub managed_by: Option<String>,
    /// `user` or `office`, once cancelled.
    pub cancelled_by: Option<String>,
    /// The cancellation reason.
    pub cancel_reason: Option<String>,
    /// When the draft was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Until when a draft may be confirmed.
    #[serde(with = "time::serde::rfc3339")]
    pub draft_expires_at: OffsetDateTime,
    /// Every change, oldest first (empty in lists).
    pub history: Vec<HistoryEntry>,
    /// Its files (empty in lists).
    pub attachments: Vec<crate::cassetto::inquiries::wire::Attachment>,
    /// The messages between the user and the office, oldest first (empty in lists).
    pub messages: Vec<AppointmentMessage>,
}

/// The messages of an appointment, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentMessageList {
    /// The messages between the user and the office.
    #[schema(max_items = 10000)]
    pub items: Vec<AppointmentMessage>,
}

/// A message between the user and the office.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentMessage {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Who wrote it (codice fiscale).
    pub author: String,
    /// Whether the office wrote it.
    pub by_office: bool,
    /// The text.
    pub text: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    /// Its files (at most 3), each downloaded at
    /// `/appointments/{id}/messages/{message_id}/attachments/{message_attachment_id}`.
    #[schema(max_items = 3)]
    pub attachments: Vec<crate::cassetto::inquiries::wire::Attachment>,
}

impl From<super::use_cases::MessageView> for AppointmentMessage {
    fn from(m: super::use_cases::MessageView) -> Self {
        let row = m.row;
        Self {
            id: row.id,
            author: row.author,
            by_office: row.by_office,
            text: row.text,
            sent_at: row.sent_at,
            attachments: m.attachments.into_iter().map(Into::into).collect(),
        }
    }
}

/// A message to write.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Porterò le buste paga dell'ultimo anno."}))]
pub struct MessageInput {
    /// The text (1 to 4000 characters once trimmed).
    #[schema(min_length = 1, max_length = 4000)]
    #[validate(length(max = 16000))]
    pub text: String,
}

/// A message with files: its `text` (1 to 4000 characters once trimmed) and up to 3
/// `attachments`, PDF, JPEG, PNG or TIFF (recognised from their content), 3 MiB in total (no
/// other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
pub struct AppointmentMessageForm {
    /// The text.
    #[schema(min_length = 1, max_length = 4000)]
    text: String,
    /// The files.
    #[schema(value_type = Vec<String>, format = Binary, max_items = 3)]
    attachments: Vec<Vec<u8>>,
}

/// Files for a draft: at most 3 per appointment, PDF, JPEG, PNG or TIFF (recognised from their
/// content), 3 MiB in total (no other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
pub struct AppointmentAttachmentForm {
    /// The files.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1, max_items = 3)]
    attachments: Vec<Vec<u8>>,
}

/// A page of appointments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentList {
    /// Latest slot first.
    pub items: Vec<Appointment>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// The filters of an appointment search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentQuery {
    /// Only about this employment.
    #[param(max_length = 10, pattern = "^[0-9]{10}$")]
    pub employment_code: Option<String>,
    /// Only in this state.
    pub state: Option<AppointmentState>,
    /// Starting at or after.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<OffsetDateTime>,
    /// Starting before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<OffsetDateTime>,
    /// For an employer: also list the appointments an intermediary booked for them (default
    /// true).
    pub include_intermediary_managed: Option<bool>,
}
