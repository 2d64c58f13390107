//! The HTTP operations of support tickets.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use time::OffsetDateTime;

use super::use_cases::{self, OpenTicket};
use super::wire::{MessageInput, NewTicketForm, SupportTicket, SupportTicketList, TicketListQuery};
use crate::assistance::{form_field, required_form_field};
use crate::auth::{Bearer, Caller, Operator};
use crate::cassetto::inquiries::wire::FileContent;
use crate::db;
use crate::delegations::intermediaries::wire::tax_code_field;
use crate::error::ApiError;
use crate::extract::{
    IdempotencyKey, IdempotencyKeyFormHeader, IdempotencyKeyHeader, PageQuery, ValidatedJson,
    page_of, time_id_cursor,
};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::upload::{FormRules, download, read_form};

/// Open a support ticket
///
/// A request for assistance about a service: `service`, `category`, `subject`, `text`, an
/// optional `related_resource` (a path under `/v1/`) and up to 3 `attachments` (PDF, JPEG, PNG
/// or TIFF recognised from their bytes, 3 MiB in total). The answer carries the estimated time
/// to be taken in charge: the category's service level × (1 + open tickets of the category
/// ahead / 5), in the desk's working hours. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "support-tickets", operation_id = "open_support_ticket",
    request_body(content = NewTicketForm, content_type = "multipart/form-data"),
    params(IdempotencyKeyFormHeader),
    responses((status = 201, description = "Opened, with the estimate.", body = SupportTicket),
              (status = 413, description = "Attachments over 3 MiB in total."),
              (status = 415, description = "Not multipart, or an attachment that is not PDF, JPEG, PNG or TIFF.")),
    security(("bearer" = [])))]
#[post("/support-tickets")]
pub async fn open_support_ticket(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let rules = FormRules {
        text_fields: &["service", "category", "subject", "text", "related_resource"],
        file_field: "attachments",
        existing_files: 0,
        existing_bytes: 0,
    };
    let mut form = read_form(&req, payload, rules).await?;
    let fingerprint = form.fingerprint();
    let fields = &mut form.fields;
    let cmd = OpenTicket {
        service: required_form_field(fields, "service")?,
        category: required_form_field(fields, "category")?,
        subject: fields.remove("subject").unwrap_or_default(),
        text: fields.remove("text").unwrap_or_default(),
        related_resource: form_field(fields, "related_resource")?,
        files: std::mem::take(&mut form.files),
    };
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, fingerprint, move |conn| {
        let view = use_cases::open_ticket(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/support-tickets/{}", view.ticket.row.id),
            body: SupportTicket::from(view),
        })
    })
    .await
}

/// List support tickets
///
/// The caller's own tickets, newest first, each with its estimate while open; for an operator,
/// every ticket (`?state=open` is the desk's queue). With `requester`, that person's tickets: a
/// delegate sees those of the services their delegations in force let them read (404 when
/// none does). Keyset pages of `limit`, the state filter
/// applied before paging. The thread and files are on each ticket.
#[utoipa::path(tag = "support-tickets", operation_id = "list_support_tickets",
    params(TicketListQuery, PageQuery),
    responses((status = 200, description = "The tickets.", body = SupportTicketList)),
    security(("bearer" = [])))]
#[get("/support-tickets")]
pub async fn list_support_tickets(
    state: web::Data<AppState>,
    caller: Bearer,
    query: web::Query<TicketListQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let after = page.cursor()?.map(|c| time_id_cursor(&c)).transpose()?;
    let query = query.into_inner();
    let filter = use_cases::TicketFilter {
        state: query.state.map(Into::into),
        requester: query
            .requester
            .as_deref()
            .map(|raw| tax_code_field("requester", raw))
            .transpose()?,
    };
    let now = state.clock.now();
    let views = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::tickets(
            conn,
            &caller.actor(),
            filter,
            after,
            limit + 1,
            now,
        )?)
    })
    .await?;
    let (views, next_cursor) = page_of(views, limit, |v| {
        format!(
            "{}/{}",
            v.ticket.row.created_at.unix_timestamp_nanos(),
            v.ticket.row.id
        )
    });
    let items = views.into_iter().map(SupportTicket::from).collect();
    Ok(HttpResponse::Ok().json(SupportTicketList { items, next_cursor }))
}

/// Show a support ticket
///
/// The ticket with its thread, files and, while open, the estimated time to be taken in charge
/// computed now. For its requester, a delegate of the requester for the ticket's service (any
/// scope: following is reading) and operators; anyone else gets 404.
#[utoipa::path(tag = "support-tickets", operation_id = "show_support_ticket",
    params(("id" = uuid::Uuid, Path, description = "Ticket id.")),
    responses((status = 200, description = "The ticket.", body = SupportTicket),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/support-tickets/{id}")]
pub async fn show_support_ticket(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_ticket(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SupportTicket::from(view)))
}

/// Download a ticket's attachment
///
/// The file as stored, byte for byte, with its media type.
#[utoipa::path(tag = "support-tickets", operation_id = "download_support_ticket_attachment",
    params(("id" = uuid::Uuid, Path, description = "Ticket id."),
           ("ticket_attachment_id" = uuid::Uuid, Path, description = "Attachment id.")),
    responses((status = 200, description = "The file.", content(
                  (FileContent = "application/pdf"), (FileContent = "image/jpeg"), (FileContent = "image/png"), (FileContent = "image/tiff"))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/support-tickets/{id}/attachments/{ticket_attachment_id}")]
pub async fn download_support_ticket_attachment(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let now = state.clock.now();
    let (meta, content) = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        Ok(use_cases::attachment(conn, &actor, id, attachment_id, now)?)
    })
    .await?;
    Ok(download(&meta.file_name, &meta.media_type, content))
}

/// Write in a ticket's thread
///
/// The requester, a delegate of the requester with the scope that covers requests to the
/// office (`inquiries` for domestic work, `services` for occasional work; 403
/// `scope-not-granted` otherwise), or an operator, whose message is the office's answer and is
/// notified to the requester (`support_ticket_answered`). A closed ticket is 409.
#[utoipa::path(tag = "support-tickets", operation_id = "post_support_ticket_message",
    request_body = MessageInput,
    params(("id" = uuid::Uuid, Path, description = "Ticket id."),
           IdempotencyKeyHeader),
    responses((status = 201, description = "Written; the ticket with its thread.", body = SupportTicket),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "The ticket is closed."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/support-tickets/{id}/messages")]
pub async fn post_support_ticket_message(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<MessageInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let text = body.value.text;
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let view = use_cases::post_message(conn, &caller.actor(), id, &text, now)?;
        Ok(Created {
            location: format!("/v1/support-tickets/{id}"),
            body: SupportTicket::from(view),
        })
    })
    .await
}

/// Take a ticket in charge
///
/// Operators only. An open ticket becomes `taken` (presa in carico) once: 409 afterwards. The
/// requester is notified (`support_ticket_taken`).
#[utoipa::path(tag = "support-tickets", operation_id = "take_support_ticket",
    params(("id" = uuid::Uuid, Path, description = "Ticket id.")),
    responses((status = 200, description = "Taken.", body = SupportTicket),
              (status = 403, description = "Not an operator."),
              (status = 409, description = "Not open.")),
    security(("bearer" = [])))]
#[post("/support-tickets/{id}/assignment")]
pub async fn take_support_ticket(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    office_action(state, operator, id.into_inner(), use_cases::take_ticket).await
}

/// Close a ticket
///
/// Operators only. An open or taken ticket becomes `closed` for good (409 when already
/// closed). The requester is notified (`support_ticket_closed`).
#[utoipa::path(tag = "support-tickets", operation_id = "close_support_ticket",
    params(("id" = uuid::Uuid, Path, description = "Ticket id.")),
    responses((status = 200, description = "Closed.", body = SupportTicket),
              (status = 403, description = "Not an operator."),
              (status = 409, description = "Already closed.")),
    security(("bearer" = [])))]
#[post("/support-tickets/{id}/closure")]
pub async fn close_support_ticket(
    state: web::Data<AppState>,
    operator: Operator,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    office_action(state, operator, id.into_inner(), use_cases::close_ticket).await
}

/// An operator's change of ticket `id` by `change` (take or close), in one transaction.
async fn office_action(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: uuid::Uuid,
    change: fn(
        &mut diesel::PgConnection,
        &crate::auth::Actor,
        uuid::Uuid,
        OffsetDateTime,
    ) -> Result<use_cases::TicketView, crate::refusal::Refusal>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        Ok(change(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SupportTicket::from(view)))
}
