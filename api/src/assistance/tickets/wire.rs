//! The wire shapes of support tickets.

use inps_domain::assistance::{
    Estimate as DEstimate, TicketCategory as DTicketCategory, TicketState as DTicketState,
};
use inps_persistence::assistance::TicketMessageRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::use_cases::TicketView;
use crate::cassetto::inquiries::wire::Attachment;
use crate::wire::Service;

crate::wire::wire_enum! {
    /// What a ticket is about; each category has its service level (working hours to be taken
    /// in charge with no queue ahead).
    TicketCategory <=> DTicketCategory {
        /// Logging in, SPID/CIE, sessions (4 h).
        Access,
        /// The application does not work as documented (8 h).
        Technical,
        /// Contributions and the cassetto (16 h).
        Contributions,
        /// Payments and occasional-work services (16 h).
        Payments,
        /// Anything else (24 h).
        Other,
    }
}

crate::wire::wire_enum! {
    /// Where a ticket stands: `open` (aperto), `taken` (preso in carico), `closed` (chiuso).
    TicketState <=> DTicketState {
        /// Waiting to be taken in charge.
        Open,
        /// Taken in charge by an operator.
        Taken,
        /// Closed.
        Closed,
    }
}

/// The estimated time before an open ticket is taken in charge: the category's service level
/// × (1 + open tickets of the category ahead / 5, the desk's capacity), in the desk's working
/// hours (Monday to Friday, 08:00 to 18:00 Italian time, not on national holidays).
#[derive(Debug, Serialize, ToSchema)]
pub struct Estimate {
    /// Open tickets of the same category ahead of this one.
    #[schema(format = Int32, minimum = 0)]
    pub queue_ahead: i32,
    /// Working minutes of the desk until it is taken in charge.
    #[schema(format = Int32, minimum = 0)]
    pub working_minutes: i32,
    /// When that is expected.
    #[serde(with = "time::serde::rfc3339")]
    pub taken_in_charge_by: OffsetDateTime,
}

impl From<DEstimate> for Estimate {
    fn from(e: DEstimate) -> Self {
        Self {
            queue_ahead: i32::try_from(e.queue_ahead).unwrap_or(i32::MAX),
            working_minutes: i32::try_from(e.working_minutes).unwrap_or(i32::MAX),
            taken_in_charge_by: e.by,
        }
    }
}

/// A message of a ticket's thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketMessage {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Who wrote it.
    #[schema(max_length = 16)]
    pub author: String,
    /// Whether the office (an operator) wrote it.
    pub by_office: bool,
    /// The text.
    #[schema(max_length = 4000)]
    pub text: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
}

impl From<TicketMessageRow> for TicketMessage {
    fn from(m: TicketMessageRow) -> Self {
        Self {
            id: m.id,
            author: m.author,
            by_office: m.by_office,
            text: m.text,
            sent_at: m.sent_at,
        }
    }
}

/// A support ticket.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b7e51c2-8a4d-4f3e-9c21-6d5a4b3c2e10", "requester": "RSSMRA85T10A562S",
    "service": "domestic_work", "category": "contributions",
    "subject": "Versamento del 4° trimestre non visibile",
    "text": "Ho pagato il 4° trimestre 2025 ma nel cassetto risulta da pagare.",
    "related_resource": "/v1/employments/1000000016/contributions", "state": "open",
    "created_at": "2026-03-02T09:00:00Z", "taken_by": null, "taken_at": null, "closed_at": null,
    "estimate": {"queue_ahead": 2, "working_minutes": 1344, "taken_in_charge_by": "2026-03-04T13:24:00Z"},
    "messages": [], "attachments": []
}))]
pub struct SupportTicket {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Who asked.
    #[schema(max_length = 16)]
    pub requester: String,
    /// The service it is about.
    pub service: Service,
    /// Category.
    pub category: TicketCategory,
    /// Subject line.
    #[schema(max_length = 200)]
    pub subject: String,
    /// The request.
    #[schema(max_length = 4000)]
    pub text: String,
    /// The resource it is about (a path under `/v1`).
    #[schema(max_length = 200)]
    pub related_resource: Option<String>,
    /// Where it stands.
    pub state: TicketState,
    /// When it was opened.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The operator who took it in charge.
    #[schema(max_length = 16)]
    pub taken_by: Option<String>,
    /// When it was taken in charge.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub taken_at: Option<OffsetDateTime>,
    /// When it was closed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// The estimated time to be taken in charge, computed now (null once taken or closed).
    pub estimate: Option<Estimate>,
    /// The thread, oldest first (empty in lists).
    pub messages: Vec<TicketMessage>,
    /// Its files (empty in lists).
    pub attachments: Vec<Attachment>,
}

impl From<TicketView> for SupportTicket {
    fn from(v: TicketView) -> Self {
        let t = v.ticket;
        Self {
            id: t.row.id,
            requester: t.row.requester,
            service: t.service.into(),
            category: t.category.into(),
            subject: t.row.subject,
            text: t.row.text,
            related_resource: t.row.related_resource,
            state: t.state.into(),
            created_at: t.row.created_at,
            taken_by: t.row.taken_by,
            taken_at: t.row.taken_at,
            closed_at: t.row.closed_at,
            estimate: v.estimate.map(Estimate::from),
            messages: v.messages.into_iter().map(TicketMessage::from).collect(),
            attachments: v.attachments.into_iter().map(Attachment::from).collect(),
        }
    }
}

/// A list of tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportTicketList {
    /// Tickets, newest first.
    pub items: Vec<SupportTicket>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// Filters of the ticket list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    /// Only tickets in this state (`open`: the desk's queue, for operators).
    pub state: Option<TicketState>,
    /// Only this requester's tickets (codice fiscale): for a delegate, the tickets of a person
    /// they act for, of the services their delegations in force cover; for an operator, one
    /// person's tickets.
    #[param(max_length = 16, min_length = 16)]
    pub requester: Option<String>,
}

/// The multipart form of a new ticket (no other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
#[schema(example = json!({
    "service": "domestic_work", "category": "contributions",
    "subject": "Versamento del 4° trimestre non visibile",
    "text": "Ho pagato il 4° trimestre 2025 ma nel cassetto risulta da pagare.",
    "related_resource": "/v1/employments/1000000016/contributions"
}))]
pub struct NewTicketForm {
    /// The service it is about.
    service: Service,
    /// Category.
    category: TicketCategory,
    /// Subject line (1 to 200 characters once trimmed).
    #[schema(min_length = 1, max_length = 200)]
    subject: String,
    /// The request (1 to 4000 characters once trimmed).
    #[schema(min_length = 1, max_length = 4000)]
    text: String,
    /// The resource it is about: a path under `/v1/` (optional).
    #[schema(max_length = 200, pattern = "^/v1/[!-~]*$")]
    related_resource: Option<String>,
    /// Up to 3 files, PDF, JPEG, PNG or TIFF (recognised from their content), 3 MiB in total.
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary, max_items = 3)]
    attachments: Vec<Vec<u8>>,
}

/// A message in a ticket's thread.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Allego la ricevuta del versamento."}))]
pub struct MessageInput {
    /// The text (1 to 4000 characters once trimmed; not blank).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}
