//! The notification outbox (`notification_events`), each recipient's notification with its read
//! state and the delivery chosen when it was written, and the deliveries queued per channel.

use std::str::FromStr;

use diesel::pg::Pg;
use diesel::prelude::*;
use inps_domain::notification::{Channel, EventType, Frequency};
use inps_domain::tax_code::TaxCode;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
use crate::schema::{notification_deliveries, notification_events, notifications};

/// An event, as the use case decided it: its type, whom it is about, who receives it, what
/// happened and where to look.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The event type.
    pub event_type: EventType,
    /// The person the change concerns.
    pub subject: &'a TaxCode,
    /// Everyone who receives it (the delegates covered included).
    pub recipients: &'a [TaxCode],
    /// What happened (a JSON object).
    pub payload: &'a serde_json::Value,
    /// The resource it is about (a path under `/v1`).
    pub link: &'a str,
    /// When.
    pub now: OffsetDateTime,
}

/// Writes `event` to the outbox.
pub fn insert_event(conn: &mut PgConnection, event: &NewEvent<'_>) -> QueryResult<()> {
    let recipients: Vec<&str> = event.recipients.iter().map(TaxCode::as_str).collect();
    diesel::insert_into(notification_events::table)
        .values((
            notification_events::id.eq(event.id),
            notification_events::event_type.eq(event.event_type.as_str()),
            notification_events::subject_tax_code.eq(event.subject.as_str()),
            notification_events::recipients.eq(recipients),
            notification_events::payload.eq(event.payload),
            notification_events::link.eq(event.link),
            notification_events::created_at.eq(event.now),
        ))
        .execute(conn)
        .map(drop)
}

/// Writes the notification of `event` for `recipient`, delivered on `channels` with
/// `frequency`; every channel but the inbox is queued for the delivery worker.
pub fn insert_notification(
    conn: &mut PgConnection,
    event: &NewEvent<'_>,
    recipient: &TaxCode,
    channels: &[Channel],
    frequency: Frequency,
) -> QueryResult<uuid::Uuid> {
    let id = uuid::Uuid::new_v4();
    let names: Vec<&str> = channels.iter().map(|c| c.as_str()).collect();
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(id),
            notifications::event_id.eq(event.id),
            notifications::recipient_tax_code.eq(recipient.as_str()),
            notifications::event_type.eq(event.event_type.as_str()),
            notifications::subject_tax_code.eq(event.subject.as_str()),
            notifications::payload.eq(event.payload),
            notifications::link.eq(event.link),
            notifications::created_at.eq(event.now),
            notifications::channels.eq(names),
            notifications::frequency.eq(frequency.as_str()),
        ))
        .execute(conn)?;
    let queued: Vec<_> = channels
        .iter()
        .filter(|c| **c != Channel::Inbox)
        .map(|c| {
            (
                notification_deliveries::notification_id.eq(id),
                notification_deliveries::channel.eq(c.as_str()),
                notification_deliveries::status.eq("queued"),
                notification_deliveries::created_at.eq(event.now),
            )
        })
        .collect();
    if !queued.is_empty() {
        diesel::insert_into(notification_deliveries::table)
            .values(queued)
            .execute(conn)?;
    }
    Ok(id)
}

/// A stored notification.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The event type.
    pub event_type: String,
    /// Whom the event is about.
    pub subject_tax_code: String,
    /// What happened.
    pub payload: serde_json::Value,
    /// The resource.
    pub link: String,
    /// When the event happened.
    pub created_at: OffsetDateTime,
    /// When the recipient read it.
    pub read_at: Option<OffsetDateTime>,
    /// Channels chosen when it was written.
    pub channels: Vec<String>,
    /// Frequency chosen when it was written.
    pub frequency: String,
}

/// A notification, its columns read once into domain types.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The event type.
    pub event_type: EventType,
    /// Whom the event is about.
    pub subject: TaxCode,
    /// What happened.
    pub payload: serde_json::Value,
    /// The resource.
    pub link: String,
    /// When the event happened.
    pub created_at: OffsetDateTime,
    /// When the recipient read it.
    pub read_at: Option<OffsetDateTime>,
    /// Channels chosen when it was written.
    pub channels: Vec<Channel>,
    /// Frequency chosen when it was written.
    pub frequency: Frequency,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = CorruptRow;

    fn try_from(row: NotificationRow) -> Result<Self, CorruptRow> {
        let key = row.id;
        let table = "notifications";
        Ok(Self {
            id: row.id,
            event_type: parse_column(
                table,
                &key,
                "event_type",
                &row.event_type,
                EventType::from_str,
            )?,
            subject: parse_column(
                table,
                &key,
                "subject_tax_code",
                &row.subject_tax_code,
                TaxCode::parse,
            )?,
            payload: row.payload,
            link: row.link,
            created_at: row.created_at,
            read_at: row.read_at,
            channels: row
                .channels
                .iter()
                .map(|c| parse_column(table, &key, "channels", c, Channel::from_str))
                .collect::<Result<_, _>>()?,
            frequency: parse_column(
                table,
                &key,
                "frequency",
                &row.frequency,
                Frequency::from_str,
            )?,
        })
    }
}

/// The filters of an inbox page, given as data.
#[derive(Debug, Clone)]
pub struct InboxQuery<'a> {
    /// Whose inbox.
    pub recipient: &'a TaxCode,
    /// Only this event type.
    pub event_type: Option<EventType>,
    /// Only read (`true`) or unread (`false`) ones.
    pub read: Option<bool>,
}

/// A position in the inbox order (unread first, then newest): the last item of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxCursor {
    /// Whether that item was unread.
    pub unread: bool,
    /// Its time.
    pub created_at: OffsetDateTime,
    /// Its id.
    pub id: uuid::Uuid,
}

type Condition =
    Box<dyn BoxableExpression<notifications::table, Pg, SqlType = diesel::sql_types::Bool>>;

fn newer_than_cursor(at: OffsetDateTime, id: uuid::Uuid) -> Condition {
    Box::new(
        notifications::created_at
            .lt(at)
            .or(notifications::created_at
                .eq(at)
                .and(notifications::id.lt(id))),
    )
}

/// A page of the inbox, unread first, then newest, after `cursor`, filtered in the query.
pub fn inbox(
    conn: &mut PgConnection,
    filter: &InboxQuery<'_>,
    cursor: Option<InboxCursor>,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = notifications::table
        .filter(notifications::recipient_tax_code.eq(filter.recipient.as_str()))
        .into_boxed();
    if let Some(t) = filter.event_type {
        query = query.filter(notifications::event_type.eq(t.as_str()));
    }
    match filter.read {
        Some(true) => query = query.filter(notifications::read_at.is_not_null()),
        Some(false) => query = query.filter(notifications::read_at.is_null()),
        None => {}
    }
    if let Some(c) = cursor {
        let after_in_group = newer_than_cursor(c.created_at, c.id);
        query = if c.unread {
            // The rest of the unread ones, then every read one.
            query.filter(
                notifications::read_at
                    .is_null()
                    .and(after_in_group)
                    .or(notifications::read_at.is_not_null()),
            )
        } else {
            query.filter(notifications::read_at.is_not_null().and(after_in_group))
        };
    }
    query
        .order((
            notifications::read_at.is_null().desc(),
            notifications::created_at.desc(),
            notifications::id.desc(),
        ))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Marks notification `id` of `recipient` read (a read one keeps its first time); `None` when
/// `recipient` has no such notification.
pub fn mark_read(
    conn: &mut PgConnection,
    recipient: &TaxCode,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> QueryResult<Option<NotificationRow>> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::recipient_tax_code.eq(recipient.as_str())),
    )
    .set(
        notifications::read_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(read_at, ")
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .sql(")")),
    )
    .returning(NotificationRow::as_returning())
    .get_result(conn)
    .optional()
}

/// Which unread notifications of a recipient to mark read.
#[derive(Debug, Clone)]
pub enum MarkRead<'a> {
    /// These (ids of other people's notifications are ignored).
    Ids(&'a [uuid::Uuid]),
    /// Every one written up to this time (inclusive).
    UpTo(OffsetDateTime),
}

/// Marks the unread notifications of `recipient` that `which` selects read; returns how many.
pub fn mark_many_read(
    conn: &mut PgConnection,
    recipient: &TaxCode,
    which: &MarkRead<'_>,
    now: OffsetDateTime,
) -> QueryResult<usize> {
    let mine = notifications::recipient_tax_code
        .eq(recipient.as_str())
        .and(notifications::read_at.is_null());
    let set = notifications::read_at.eq(now);
    match which {
        MarkRead::Ids(ids) => diesel::update(
            notifications::table
                .filter(mine)
                .filter(notifications::id.eq_any(ids.to_vec())),
        )
        .set(set)
        .execute(conn),
        MarkRead::UpTo(at) => diesel::update(
            notifications::table
                .filter(mine)
                .filter(notifications::created_at.le(*at)),
        )
        .set(set)
        .execute(conn),
    }
}
