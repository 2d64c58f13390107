//! The notification outbox (`notification_events`), each recipient's notification with its read
//! state and the delivery chosen when it was written, and the deliveries queued per channel.

use std::str::FromStr;

use diesel::pg::Pg;
use diesel::prelude::*;
use inps_domain::notification::{Channel, EventType, Frequency, delivery_schedule};
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
/// `frequency`; every channel but the inbox is queued for the delivery worker, due at once
/// (`immediate`) or when its digest is due (`inps_domain::notification::delivery_schedule`).
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
    let (due, expires_at) = delivery_schedule(event.event_type, frequency, event.now);
    let queued: Vec<_> = channels
        .iter()
        .filter(|c| **c != Channel::Inbox)
        .map(|c| {
            (
                notification_deliveries::notification_id.eq(id),
                notification_deliveries::channel.eq(c.as_str()),
                notification_deliveries::status.eq("queued"),
                notification_deliveries::created_at.eq(event.now),
                notification_deliveries::next_attempt_at.eq(due),
                notification_deliveries::expires_at.eq(Some(expires_at)),
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

/// Queues deliveries of notification `id` of `event` to explicit `addresses` (a channel and an
/// address each, e.g. a security notice to an address no longer on file), due at once.
pub fn queue_to_addresses(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    event: &NewEvent<'_>,
    addresses: &[(Channel, String)],
) -> QueryResult<()> {
    let (_, expires_at) = delivery_schedule(event.event_type, Frequency::Immediate, event.now);
    let queued: Vec<_> = addresses
        .iter()
        .filter(|(c, _)| *c != Channel::Inbox)
        .map(|(c, address)| {
            (
                notification_deliveries::notification_id.eq(id),
                notification_deliveries::channel.eq(c.as_str()),
                notification_deliveries::address.eq(Some(address.as_str())),
                notification_deliveries::status.eq("queued"),
                notification_deliveries::created_at.eq(event.now),
                notification_deliveries::expires_at.eq(Some(expires_at)),
            )
        })
        .collect();
    diesel::insert_into(notification_deliveries::table)
        .values(queued)
        .on_conflict_do_nothing()
        .execute(conn)
        .map(drop)
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

/// A delivery of a notification on one channel, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_deliveries)]
pub struct DeliveryRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The notification.
    pub notification_id: uuid::Uuid,
    /// `email`, `pec` or `sms`.
    pub channel: String,
    /// `queued`, `sent`, `failed` or `expired`.
    pub status: String,
    /// When it was queued.
    pub created_at: OffsetDateTime,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (`None`: at once).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// When it was sent.
    pub sent_at: Option<OffsetDateTime>,
    /// Past this it is not sent late.
    pub expires_at: Option<OffsetDateTime>,
    /// When its status last changed.
    pub updated_at: Option<OffsetDateTime>,
    /// The address it goes to (`None`: the recipient's contact on file when sent).
    pub address: Option<String>,
}

/// The deliveries of notification `id` of `recipient` (by channel); `None` when `recipient`
/// has no such notification.
pub fn deliveries_of(
    conn: &mut PgConnection,
    recipient: &TaxCode,
    id: uuid::Uuid,
) -> QueryResult<Option<Vec<DeliveryRow>>> {
    let mine: Option<uuid::Uuid> = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::recipient_tax_code.eq(recipient.as_str()))
        .select(notifications::id)
        .first(conn)
        .optional()?;
    if mine.is_none() {
        return Ok(None);
    }
    notification_deliveries::table
        .filter(notification_deliveries::notification_id.eq(id))
        .order((
            notification_deliveries::channel.asc(),
            notification_deliveries::created_at.asc(),
            notification_deliveries::id.asc(),
        ))
        .select(DeliveryRow::as_select())
        .load(conn)
        .map(Some)
}

/// A due delivery claimed by the worker, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub delivery: DeliveryRow,
    /// Whom to.
    pub recipient_tax_code: String,
    /// The event type.
    pub event_type: String,
    /// The resource.
    pub link: String,
    /// The notification's frequency.
    pub frequency: String,
}

/// Locks up to `limit` queued deliveries on `channels` of `immediate` notifications (digests
/// are not sent one by one, see `crate::digests::claim_digest`) that are due at `now`, oldest first,
/// skipping those another worker holds (`FOR UPDATE SKIP LOCKED`): run it in a transaction and
/// record each outcome there, so every delivery is attempted by one worker at a time.
pub fn claim_due(
    conn: &mut PgConnection,
    channels: &[&str],
    now: OffsetDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimedDelivery>> {
    let due: Vec<DeliveryRow> = notification_deliveries::table
        .filter(notification_deliveries::status.eq("queued"))
        .filter(notification_deliveries::channel.eq_any(channels.to_vec()))
        .filter(
            notification_deliveries::notification_id.eq_any(
                notifications::table
                    .filter(notifications::frequency.eq(Frequency::Immediate.as_str()))
                    .select(notifications::id),
            ),
        )
        .filter(
            notification_deliveries::next_attempt_at
                .is_null()
                .or(notification_deliveries::next_attempt_at.le(now)),
        )
        .order(notification_deliveries::created_at.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    about_notifications(conn, due)
}

/// The claimed `due` deliveries with what their notifications say (recipient, type, link).
pub(crate) fn about_notifications(
    conn: &mut PgConnection,
    due: Vec<DeliveryRow>,
) -> QueryResult<Vec<ClaimedDelivery>> {
    let ids: Vec<uuid::Uuid> = due.iter().map(|d| d.notification_id).collect();
    let about: Vec<(uuid::Uuid, String, String, String, String)> = notifications::table
        .filter(notifications::id.eq_any(ids))
        .select((
            notifications::id,
            notifications::recipient_tax_code,
            notifications::event_type,
            notifications::link,
            notifications::frequency,
        ))
        .load(conn)?;
    Ok(due
        .into_iter()
        .filter_map(|delivery| {
            let (_, recipient_tax_code, event_type, link, frequency) = about
                .iter()
                .find(|a| a.0 == delivery.notification_id)?
                .clone();
            Some(ClaimedDelivery {
                delivery,
                recipient_tax_code,
                event_type,
                link,
                frequency,
            })
        })
        .collect())
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Sent.
    Sent,
    /// Failed; tried again at `retry_at`, or failed for good when `None`.
    Failed {
        /// The error.
        error: String,
        /// When to try again.
        retry_at: Option<OffsetDateTime>,
    },
    /// Past its time-to-live: not sent (not an attempt).
    Expired,
}

/// Records `attempt` on delivery `id`.
pub fn record_attempt(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    attempt: &Attempt,
    now: OffsetDateTime,
) -> QueryResult<()> {
    let target = notification_deliveries::table.filter(notification_deliveries::id.eq(id));
    let updated = notification_deliveries::updated_at.eq(Some(now));
    match attempt {
        Attempt::Sent => diesel::update(target)
            .set((
                notification_deliveries::status.eq("sent"),
                notification_deliveries::attempts.eq(notification_deliveries::attempts + 1),
                notification_deliveries::sent_at.eq(Some(now)),
                notification_deliveries::next_attempt_at.eq(None::<OffsetDateTime>),
                updated,
            ))
            .execute(conn),
        Attempt::Failed { error, retry_at } => diesel::update(target)
            .set((
                notification_deliveries::status.eq(if retry_at.is_some() {
                    "queued"
                } else {
                    "failed"
                }),
                notification_deliveries::attempts.eq(notification_deliveries::attempts + 1),
                notification_deliveries::last_error.eq(Some(error.as_str())),
                notification_deliveries::next_attempt_at.eq(*retry_at),
                updated,
            ))
            .execute(conn),
        Attempt::Expired => diesel::update(target)
            .set((notification_deliveries::status.eq("expired"), updated))
            .execute(conn),
    }
    .map(drop)
}
