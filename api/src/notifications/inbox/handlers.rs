//! The HTTP operations of `/v1/notifications`: extract, run one use case, map to the wire type.

use actix_web::{HttpResponse, get, post, web};
use inps_persistence::notifications::InboxCursor;
use time::OffsetDateTime;

use super::use_cases::{self, ListNotifications, MarkMany};
use super::wire::{
    Delivery, DeliveryList, DeliveryStatus, MarkRead, MarkedRead, Notification, NotificationFilter,
    NotificationPage,
};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::{PageQuery, ValidatedJson, page_of};
use crate::state::AppState;

fn parse_cursor(text: &str) -> Result<InboxCursor, ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let mut parts = text.splitn(3, '/');
    let unread = match parts.next() {
        Some("u") => true,
        Some("r") => false,
        _ => return Err(bad()),
    };
    let nanos: i128 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let id = parts.next().ok_or_else(bad)?;
    Ok(InboxCursor {
        unread,
        created_at: OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?,
        id: uuid::Uuid::parse_str(id).map_err(|_| bad())?,
    })
}

fn cursor_of(n: &inps_persistence::notifications::Notification) -> String {
    let group = if n.read_at.is_none() { "u" } else { "r" };
    format!("{group}/{}/{}", n.created_at.unix_timestamp_nanos(), n.id)
}

/// My notifications
///
/// The caller's inbox, unread first, then newest; `type` and `read` filter it. A delegate also
/// finds here the events about the subjects they act for that their delegation's scope covers
/// (addressed to them when the event happened).
#[utoipa::path(tag = "notifications", operation_id = "list_notifications",
    params(NotificationFilter, PageQuery),
    responses((status = 200, description = "A page of notifications.", body = NotificationPage),
              (status = 400, description = "Malformed query."),
              (status = 401, description = "No valid session."),
              (status = 422, description = "Invalid filter, limit or cursor.")),
    security(("bearer" = [])))]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Bearer,
    filter: web::Query<NotificationFilter>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let cmd = ListNotifications {
        event_type: filter.event_type.map(Into::into),
        read: filter.read,
        after: page.cursor()?.map(|c| parse_cursor(&c)).transpose()?,
        limit: limit + 1,
    };
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::inbox(conn, &caller.actor(), cmd)?)
    })
    .await?;
    let (found, next_cursor) = page_of(found, limit, cursor_of);
    let items = found.into_iter().map(Notification::from).collect();
    Ok(HttpResponse::Ok().json(NotificationPage { items, next_cursor }))
}

/// Mark a notification read
///
/// Marks one of the caller's notifications read (a read one keeps its first time); someone
/// else's is 404.
#[utoipa::path(tag = "notifications", operation_id = "mark_notification_read",
    params(("id" = uuid::Uuid, Path, description = "Notification id.")),
    responses((status = 200, description = "The notification, read.", body = Notification),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's.")),
    security(("bearer" = [])))]
#[post("/notifications/{id}/read")]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let read = db::transaction(&state, move |conn| {
        Ok(use_cases::mark_read(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Notification::from(read)))
}

/// Mark notifications read
///
/// Marks the caller's unread notifications read: those listed in `ids` (others' ids are
/// ignored), or every one that happened `up_to` a time. Exactly one of the two (422 otherwise).
#[utoipa::path(tag = "notifications", operation_id = "mark_notifications_read",
    request_body = MarkRead,
    responses((status = 200, description = "How many were marked.", body = MarkedRead),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Neither or both of `ids` and `up_to`.")),
    security(("bearer" = [])))]
#[post("/notifications/read")]
pub async fn mark_notifications_read(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<MarkRead>,
) -> Result<HttpResponse, ApiError> {
    let which = match (body.value.ids, body.value.up_to) {
        (Some(ids), None) => MarkMany::Ids(ids),
        (None, Some(at)) => MarkMany::UpTo(at),
        _ => {
            return Err(ApiError::invalid_field(
                "ids",
                Text::new(
                    "indicare `ids` oppure `up_to` (uno solo)",
                    "give either `ids` or `up_to` (exactly one)",
                ),
            ));
        }
    };
    let now = state.clock.now();
    let marked = db::transaction(&state, move |conn| {
        Ok(use_cases::mark_many_read(
            conn,
            &caller.actor(),
            which,
            now,
        )?)
    })
    .await?;
    let marked = i64::try_from(marked).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}

fn delivery(row: inps_persistence::notifications::DeliveryRow) -> Result<Delivery, ApiError> {
    let corrupt = |what: &str| {
        ApiError::from(crate::refusal::Refusal::internal(format!(
            "notification_deliveries {}: bad {what}",
            row.notification_id
        )))
    };
    let channel: inps_domain::notification::Channel =
        row.channel.parse().map_err(|_| corrupt("channel"))?;
    let status = DeliveryStatus::from_stored(&row.status).ok_or_else(|| corrupt("status"))?;
    Ok(Delivery {
        channel: channel.into(),
        status,
        attempts: row.attempts,
        last_error: row.last_error,
        queued_at: row.created_at,
        next_attempt_at: row.next_attempt_at,
        sent_at: row.sent_at,
        expires_at: row.expires_at,
        updated_at: row.updated_at,
    })
}

/// A notification's deliveries
///
/// Where each channel of one of the caller's notifications stands (e-mail, PEC, SMS; the inbox
/// is not listed): queued, sent, failed for good or expired, with the attempts and the last
/// error. A `daily` or `weekly` notification's deliveries wait, queued, until their digest is
/// due (08:00 Rome time the next day, or the Monday after the week), then share its outcome. A
/// `contacts_changed` security notice lists one more delivery per address it went to (the
/// previous and the new one; the addresses are not shown). Someone else's notification is 404.
#[utoipa::path(tag = "notifications", operation_id = "list_notification_deliveries",
    params(("id" = uuid::Uuid, Path, description = "Notification id.")),
    responses((status = 200, description = "The deliveries, by channel.", body = DeliveryList),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's.")),
    security(("bearer" = [])))]
#[get("/notifications/{id}/deliveries")]
pub async fn list_notification_deliveries(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::deliveries(conn, &caller.actor(), id)?)
    })
    .await?;
    let items = rows.into_iter().map(delivery).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(DeliveryList { items }))
}
