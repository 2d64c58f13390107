//! The use cases of support tickets.

use diesel::PgConnection;
use inps_domain::assistance::{
    Estimate, TicketAction, TicketCategory, TicketState, estimate, ticket_scope, transition,
};
use inps_domain::delegation::Service;
use inps_domain::notification::EventType;
use inps_domain::tax_code::TaxCode;
use inps_domain::text::clean_text;
use inps_persistence::assistance::{self as repo, TicketMessageRow, TicketQuery, TicketRow};
use inps_persistence::inquiries::{self as files, AttachmentMeta};
use time::OffsetDateTime;

use crate::access::{AccessRequest, Audited};
use crate::auth::Actor;
use crate::error::Text;
use crate::notifications::outbox::{Event, notify};
use crate::problems::Problem;
use crate::refusal::Refusal;
use crate::upload::{UploadedFile, store_file};

/// Owner kind of a ticket's files among the attachments.
const OWNER: &str = "support_ticket";
/// The longest subject.
const MAX_SUBJECT_CHARS: usize = 200;
/// The longest request or message.
const MAX_TEXT_CHARS: usize = 4000;
/// The longest related resource.
const MAX_RESOURCE_CHARS: usize = 200;

/// A ticket read once into its rules' types.
#[derive(Debug)]
pub struct Ticket {
    /// The stored row.
    pub row: TicketRow,
    /// Who asked.
    pub requester: TaxCode,
    /// The service.
    pub service: Service,
    /// The category.
    pub category: TicketCategory,
    /// Where it stands.
    pub state: TicketState,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = Refusal;

    fn try_from(row: TicketRow) -> Result<Self, Refusal> {
        let corrupt = |column: &'static str| {
            let id = row.id;
            move |e: inps_domain::identity::ParseError| {
                Refusal::internal(format!("corrupt support_tickets row {id}: {column}: {e}"))
            }
        };
        Ok(Self {
            requester: TaxCode::parse(&row.requester)
                .map_err(|e| Refusal::internal(format!("ticket {}: {e}", row.id)))?,
            service: row.service.parse().map_err(corrupt("service"))?,
            category: row.category.parse().map_err(corrupt("category"))?,
            state: row.state.parse().map_err(corrupt("state"))?,
            row,
        })
    }
}

/// A ticket as shown: the record, the estimate while it is open, its thread and files.
#[derive(Debug)]
pub struct TicketView {
    /// The ticket.
    pub ticket: Ticket,
    /// Time to be taken in charge, while open.
    pub estimate: Option<Estimate>,
    /// The thread, oldest first.
    pub messages: Vec<TicketMessageRow>,
    /// Its files.
    pub attachments: Vec<AttachmentMeta>,
}

/// A new ticket: the command of [`open_ticket`].
#[derive(Debug)]
pub struct OpenTicket {
    /// The service it is about.
    pub service: Service,
    /// Its category.
    pub category: TicketCategory,
    /// Subject line.
    pub subject: String,
    /// The request.
    pub text: String,
    /// A path under `/v1` it is about, if any.
    pub related_resource: Option<String>,
    /// Up to 3 files, already recognised.
    pub files: Vec<UploadedFile>,
}

fn text_refusal(
    field: &'static str,
    max: usize,
) -> impl FnOnce(inps_domain::text::TextError) -> Refusal {
    move |e| {
        Refusal::invalid_field(
            field,
            Text::new(
                format!("testo obbligatorio, al massimo {max} caratteri ({e})"),
                format!("required text, at most {max} characters ({e})"),
            ),
        )
    }
}

/// A related resource: a path under `/v1/`, printable ASCII without spaces (taken as sent:
/// nothing is trimmed).
fn related_resource(value: Option<String>) -> Result<Option<String>, Refusal> {
    let Some(value) = value else {
        return Ok(None);
    };
    if value.starts_with("/v1/")
        && value.len() <= MAX_RESOURCE_CHARS
        && value.bytes().all(|b| b.is_ascii_graphic())
    {
        Ok(Some(value))
    } else {
        Err(Refusal::invalid_field(
            "related_resource",
            Text::new(
                "un percorso che inizia con /v1/, al massimo 200 caratteri",
                "a path starting with /v1/, at most 200 characters",
            ),
        ))
    }
}

/// `tickets` with their estimate at `now` while open (the queues counted in one query), without
/// their threads and files (as listed).
fn summaries(
    conn: &mut PgConnection,
    tickets: Vec<Ticket>,
    now: OffsetDateTime,
) -> Result<Vec<TicketView>, Refusal> {
    let ids: Vec<uuid::Uuid> = tickets.iter().map(|t| t.row.id).collect();
    let ahead = repo::open_ahead(conn, &ids)?;
    Ok(tickets
        .into_iter()
        .map(|ticket| TicketView {
            estimate: ahead
                .get(&ticket.row.id)
                .map(|n| estimate(ticket.category, u32::try_from(*n).unwrap_or(u32::MAX), now)),
            messages: Vec::new(),
            attachments: Vec::new(),
            ticket,
        })
        .collect())
}

/// The ticket with its estimate, thread and files.
fn view(
    conn: &mut PgConnection,
    ticket: Ticket,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    let id = ticket.row.id;
    let summary = summaries(conn, vec![ticket], now)?
        .pop()
        .ok_or_else(|| Refusal::internal("a ticket without its view"))?;
    Ok(TicketView {
        messages: repo::messages(conn, id)?,
        attachments: files::attachments_of(conn, OWNER, id)?,
        ..summary
    })
}

/// Opens a ticket for the acting person (the endpoint, the demo seeder) with its files, and
/// answers the estimated time to be taken in charge.
pub fn open_ticket(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: OpenTicket,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    let requester = actor.person().cloned().ok_or_else(|| {
        Refusal::new(Problem::Forbidden).with_detail(
            "Una richiesta di assistenza la apre una persona.",
            "A support ticket is opened by a person.",
        )
    })?;
    let row = TicketRow {
        id: uuid::Uuid::new_v4(),
        requester: requester.as_str().to_owned(),
        service: cmd.service.as_str().to_owned(),
        category: cmd.category.as_str().to_owned(),
        subject: clean_text(&cmd.subject, MAX_SUBJECT_CHARS)
            .map_err(text_refusal("subject", MAX_SUBJECT_CHARS))?,
        text: clean_text(&cmd.text, MAX_TEXT_CHARS)
            .map_err(text_refusal("text", MAX_TEXT_CHARS))?,
        related_resource: related_resource(cmd.related_resource)?,
        state: TicketState::Open.as_str().to_owned(),
        created_at: now,
        taken_by: None,
        taken_at: None,
        closed_by: None,
        closed_at: None,
    };
    repo::insert_ticket(conn, &row)?;
    for file in &cmd.files {
        store_file(conn, OWNER, row.id, file, now)?;
    }
    let resource = format!("/v1/support-tickets/{}", row.id);
    let event = actor.audit("support_ticket.create", &resource, Some(requester.as_str()));
    inps_persistence::audit::append(conn, event, now)?;
    view(conn, Ticket::try_from(row)?, now)
}

/// Ticket `id` if `actor` may follow it (`writing`: also write in it): its requester, an
/// operator, or a delegate of the requester for the ticket's service with the scope
/// [`ticket_scope`] names. Anyone else gets 404; a delegate without the scope to write, 403.
fn visible_ticket(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    writing: bool,
    action: &str,
    lock: bool,
    now: OffsetDateTime,
) -> Result<Ticket, Refusal> {
    let ticket = Ticket::try_from(repo::ticket(conn, id, lock)?.ok_or_else(Refusal::not_found)?)?;
    let resource = format!("/v1/support-tickets/{id}");
    let audit = Audited {
        action,
        resource: &resource,
    };
    let scope = ticket_scope(ticket.service, writing);
    actor.authorize(
        conn,
        &AccessRequest::act(&ticket.requester, ticket.service, scope, audit),
        now,
    )?;
    Ok(ticket)
}

/// Which tickets a list shows.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Only tickets in this state.
    pub state: Option<TicketState>,
    /// Only this requester's (none: the actor's own, or every ticket for an operator).
    pub requester: Option<TaxCode>,
}

/// The services of `requester`'s tickets `actor` may follow: every one for the requester and
/// operators; for anyone else, those a delegation in force lets them read (each delegated read
/// audited), 404 when none does.
fn followed_services(
    conn: &mut PgConnection,
    actor: &Actor,
    requester: &TaxCode,
    now: OffsetDateTime,
) -> Result<Option<Vec<&'static str>>, Refusal> {
    if actor.is_operator() || actor.tax_code.as_deref() == Some(requester.as_str()) {
        return Ok(None);
    }
    let audit = Audited {
        action: "support_ticket.list",
        resource: "/v1/support-tickets",
    };
    let mut services = Vec::new();
    let mut refused = None;
    for service in Service::ALL {
        match actor.authorize(conn, &AccessRequest::read(requester, service, audit), now) {
            Ok(_) => services.push(service.as_str()),
            Err(refusal) => refused = Some(refusal),
        }
    }
    match refused {
        Some(refusal) if services.is_empty() => Err(refusal),
        _ => Ok(Some(services)),
    }
}

/// Up to `limit` tickets after `after` (created_at, id), newest first, as `filter` says: without
/// a requester, an operator's are every ticket (the desk's queue), anyone else's their own; with
/// one, that person's tickets the actor may follow ([`followed_services`]).
pub fn tickets(
    conn: &mut PgConnection,
    actor: &Actor,
    filter: TicketFilter,
    after: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<TicketView>, Refusal> {
    let (requester, services) = match &filter.requester {
        Some(requester) => (
            Some(requester.as_str().to_owned()),
            followed_services(conn, actor, requester, now)?,
        ),
        None if actor.is_operator() => (None, None),
        None => (
            Some(actor.tax_code.clone().ok_or_else(Refusal::not_found)?),
            None,
        ),
    };
    let query = TicketQuery {
        requester: requester.as_deref(),
        state: filter.state.map(TicketState::as_str),
        services: services.as_deref(),
        after,
        limit,
    };
    let tickets = repo::tickets(conn, &query)?
        .into_iter()
        .map(Ticket::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    summaries(conn, tickets, now)
}

/// Ticket `id`, for an actor who may follow it, with its estimate now.
pub fn show_ticket(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    let ticket = visible_ticket(conn, actor, id, false, "support_ticket.read", false, now)?;
    view(conn, ticket, now)
}

/// File `attachment_id` of ticket `id` with its bytes, for an actor who may follow it.
pub fn attachment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    attachment_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(AttachmentMeta, Vec<u8>), Refusal> {
    visible_ticket(
        conn,
        actor,
        id,
        false,
        "support_ticket_attachment.read",
        false,
        now,
    )?;
    files::attachment_content(conn, OWNER, id, attachment_id)?.ok_or_else(Refusal::not_found)
}

/// A conflict with the ticket's state, as a 409.
fn conflict(state: TicketState) -> Refusal {
    Refusal::new(Problem::StateConflict).with_detail(
        format!("La richiesta è nello stato «{}».", state.as_str()),
        format!("The ticket is `{}`.", state.as_str()),
    )
}

/// Writes the event of an office change to the requester.
fn notify_requester(
    conn: &mut PgConnection,
    ticket: &Ticket,
    event_type: EventType,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    notify(
        conn,
        Event {
            event_type,
            subject: ticket.requester.clone(),
            recipients: vec![ticket.requester.clone()],
            payload: serde_json::json!({
                "ticket_id": ticket.row.id,
                "subject": ticket.row.subject,
                "state": ticket.state.as_str(),
            }),
            link: format!("/v1/support-tickets/{}", ticket.row.id),
        },
        now,
    )
}

/// Writes `text` in ticket `id`'s thread (the requester, their delegate with the writing scope,
/// or an operator: the office's answer, notified to the requester). A closed ticket is 409.
pub fn post_message(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    text: &str,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    let ticket = visible_ticket(conn, actor, id, true, "support_ticket.message", true, now)?;
    transition(ticket.state, TicketAction::Message).map_err(|e| conflict(e.0))?;
    let by_office = actor.is_operator() && actor.person() != Some(&ticket.requester);
    let message = TicketMessageRow {
        id: uuid::Uuid::new_v4(),
        ticket_id: id,
        author: actor.tax_code.clone().unwrap_or_else(|| "cli".to_owned()),
        by_office,
        text: clean_text(text, MAX_TEXT_CHARS).map_err(text_refusal("text", MAX_TEXT_CHARS))?,
        sent_at: now,
    };
    repo::insert_message(conn, &message)?;
    let resource = format!("/v1/support-tickets/{id}/messages/{}", message.id);
    let event = actor.audit(
        "support_ticket.message",
        &resource,
        Some(ticket.requester.as_str()),
    );
    inps_persistence::audit::append(conn, event, now)?;
    if by_office {
        notify_requester(conn, &ticket, EventType::SupportTicketAnswered, now)?;
    }
    view(conn, ticket, now)
}

/// An operator's change of ticket `id` by `action` (take or close), notified as `event_type`.
fn office_change(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    action: TicketAction,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let current = Ticket::try_from(repo::ticket(conn, id, true)?.ok_or_else(Refusal::not_found)?)?;
    transition(current.state, action).map_err(|e| conflict(e.0))?;
    let operator = actor.tax_code.as_deref().unwrap_or("cli");
    let closing = action == TicketAction::Close;
    let (audit_action, event_type) = if closing {
        ("support_ticket.close", EventType::SupportTicketClosed)
    } else {
        ("support_ticket.take", EventType::SupportTicketTaken)
    };
    let changed = Ticket::try_from(repo::record_office_change(
        conn, id, closing, operator, now,
    )?)?;
    let resource = format!("/v1/support-tickets/{id}");
    let event = actor.audit(audit_action, &resource, Some(changed.requester.as_str()));
    inps_persistence::audit::append(conn, event, now)?;
    notify_requester(conn, &changed, event_type, now)?;
    view(conn, changed, now)
}

/// An operator takes ticket `id` in charge (once: 409 when it is not open).
pub fn take_ticket(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    office_change(conn, actor, id, TicketAction::Take, now)
}

/// An operator closes ticket `id` (409 when already closed).
pub fn close_ticket(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<TicketView, Refusal> {
    office_change(conn, actor, id, TicketAction::Close, now)
}
