//! The inbox use cases: list, mark one read, mark many read. Domain values in, notifications
//! or a typed [`Refusal`] out; no HTTP.

use diesel::PgConnection;
use inps_domain::notification::EventType;
use inps_domain::tax_code::TaxCode;
use inps_persistence::notifications::{
    self as repo, InboxCursor, InboxQuery, MarkRead, Notification, NotificationRow,
};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::refusal::Refusal;

fn me(actor: &Actor) -> Result<&TaxCode, Refusal> {
    actor.person().ok_or_else(Refusal::not_found)
}

fn notification(row: NotificationRow) -> Result<Notification, Refusal> {
    Notification::try_from(row).map_err(Refusal::internal)
}

/// Which notifications of the actor to list.
#[derive(Debug, Clone)]
pub struct ListNotifications {
    /// Only this event type.
    pub event_type: Option<EventType>,
    /// Only read (`true`) or unread (`false`) ones.
    pub read: Option<bool>,
    /// After this keyset position.
    pub after: Option<InboxCursor>,
    /// At most this many.
    pub limit: i64,
}

/// The actor's notifications, unread first, then newest, filtered and paged in the query.
pub fn inbox(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: ListNotifications,
) -> Result<Vec<Notification>, Refusal> {
    let filter = InboxQuery {
        recipient: me(actor)?,
        event_type: cmd.event_type,
        read: cmd.read,
    };
    repo::inbox(conn, &filter, cmd.after, cmd.limit)?
        .into_iter()
        .map(notification)
        .collect()
}

/// Marks the actor's notification `id` read (404 when it is not the actor's).
pub fn mark_read(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Notification, Refusal> {
    let tax_code = me(actor)?;
    let row = repo::mark_read(conn, tax_code, id, now)?.ok_or_else(Refusal::not_found)?;
    let event = actor.audit(
        "notification.read",
        &format!("/v1/notifications/{id}"),
        Some(tax_code.as_str()),
    );
    inps_persistence::audit::append(conn, event, now)?;
    notification(row)
}

/// Which of the actor's notifications to mark read in bulk.
#[derive(Debug, Clone)]
pub enum MarkMany {
    /// These ids (those not the actor's are ignored).
    Ids(Vec<uuid::Uuid>),
    /// Everything written up to this time.
    UpTo(OffsetDateTime),
}

/// Marks the actor's unread notifications `which` selects read; returns how many changed.
pub fn mark_many_read(
    conn: &mut PgConnection,
    actor: &Actor,
    which: MarkMany,
    now: OffsetDateTime,
) -> Result<usize, Refusal> {
    let tax_code = me(actor)?;
    let selection = match &which {
        MarkMany::Ids(ids) => MarkRead::Ids(ids),
        MarkMany::UpTo(at) => MarkRead::UpTo(*at),
    };
    let marked = repo::mark_many_read(conn, tax_code, &selection, now)?;
    let event = actor.audit(
        "notifications.read",
        "/v1/notifications/read",
        Some(tax_code.as_str()),
    );
    inps_persistence::audit::append(conn, event, now)?;
    Ok(marked)
}

/// The deliveries of the actor's notification `id` (404 when it is not the actor's).
pub fn deliveries(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Vec<repo::DeliveryRow>, Refusal> {
    repo::deliveries_of(conn, me(actor)?, id)?.ok_or_else(Refusal::not_found)
}
