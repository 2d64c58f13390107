//! Webhook subscriptions (an owner's URL, event types and signing secret) and the deliveries of
//! outbox events to them, claimed by the delivery worker with `FOR UPDATE SKIP LOCKED`.

use std::str::FromStr;

use diesel::prelude::*;
use inps_domain::notification::EventType;
use inps_domain::tax_code::TaxCode;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
use crate::notifications::Attempt;
use crate::schema::{notification_events, webhook_deliveries, webhook_subscriptions};

/// A subscription as stored (the secret is not selected: it is read only to sign).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Whose.
    pub owner_tax_code: String,
    /// Where deliveries go.
    pub url: String,
    /// The event types it receives.
    pub event_types: Vec<String>,
    /// `active` or `disabled`.
    pub status: String,
    /// Deliveries in a row that failed for good.
    pub consecutive_failures: i32,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// When it was disabled.
    pub disabled_at: Option<OffsetDateTime>,
}

/// A subscription, its columns read once into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Whose.
    pub owner: TaxCode,
    /// Where deliveries go.
    pub url: String,
    /// The event types it receives.
    pub event_types: Vec<EventType>,
    /// Whether deliveries are queued and sent (`false`: disabled).
    pub active: bool,
    /// Deliveries in a row that failed for good.
    pub consecutive_failures: i32,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// When it was disabled.
    pub disabled_at: Option<OffsetDateTime>,
}

impl TryFrom<SubscriptionRow> for Subscription {
    type Error = CorruptRow;

    fn try_from(row: SubscriptionRow) -> Result<Self, CorruptRow> {
        let (table, key) = ("webhook_subscriptions", row.id);
        let active = parse_column(table, &key, "status", &row.status, |s| match s {
            "active" => Ok(true),
            "disabled" => Ok(false),
            _ => Err("unknown status"),
        })?;
        Ok(Self {
            id: row.id,
            owner: parse_column(
                table,
                &key,
                "owner_tax_code",
                &row.owner_tax_code,
                TaxCode::parse,
            )?,
            url: row.url,
            event_types: row
                .event_types
                .iter()
                .map(|t| parse_column(table, &key, "event_types", t, EventType::from_str))
                .collect::<Result<_, _>>()?,
            active,
            consecutive_failures: row.consecutive_failures,
            created_at: row.created_at,
            updated_at: row.updated_at,
            disabled_at: row.disabled_at,
        })
    }
}

/// A subscription to store.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Whose.
    pub owner: &'a TaxCode,
    /// Where deliveries go (checked).
    pub url: &'a str,
    /// The event types it receives.
    pub event_types: &'a [EventType],
    /// The signing secret, sealed (never stored in clear).
    pub secret_sealed: &'a [u8],
    /// When.
    pub now: OffsetDateTime,
}

/// Stores `new`, active.
pub fn insert_subscription(
    conn: &mut PgConnection,
    new: &NewSubscription<'_>,
) -> QueryResult<SubscriptionRow> {
    let types: Vec<&str> = new.event_types.iter().map(|t| t.as_str()).collect();
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(new.id),
            webhook_subscriptions::owner_tax_code.eq(new.owner.as_str()),
            webhook_subscriptions::url.eq(new.url),
            webhook_subscriptions::event_types.eq(types),
            webhook_subscriptions::secret_sealed.eq(new.secret_sealed),
            webhook_subscriptions::status.eq("active"),
            webhook_subscriptions::created_at.eq(new.now),
            webhook_subscriptions::updated_at.eq(new.now),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)
}

/// The subscriptions of `owner`, newest first.
pub fn subscriptions_of(
    conn: &mut PgConnection,
    owner: &TaxCode,
) -> QueryResult<Vec<SubscriptionRow>> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::owner_tax_code.eq(owner.as_str()))
        .order((
            webhook_subscriptions::created_at.desc(),
            webhook_subscriptions::id.desc(),
        ))
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// Subscription `id` of `owner`; `None` when `owner` has no such subscription.
pub fn subscription_of(
    conn: &mut PgConnection,
    owner: &TaxCode,
    id: uuid::Uuid,
) -> QueryResult<Option<SubscriptionRow>> {
    of_owner(owner, id).first(conn).optional()
}

/// As [`subscription_of`], the row locked for the rest of the transaction (a retry or a replay
/// against a concurrent delete or disable).
pub fn lock_subscription_of(
    conn: &mut PgConnection,
    owner: &TaxCode,
    id: uuid::Uuid,
) -> QueryResult<Option<SubscriptionRow>> {
    of_owner(owner, id).for_update().first(conn).optional()
}

#[diesel::dsl::auto_type(no_type_alias)]
fn of_owner(owner: &TaxCode, id: uuid::Uuid) -> _ {
    let owner: String = owner.as_str().to_owned();
    let as_row: diesel::dsl::AsSelect<SubscriptionRow, diesel::pg::Pg> =
        SubscriptionRow::as_select();
    webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id))
        .filter(webhook_subscriptions::owner_tax_code.eq(owner))
        .select(as_row)
}

/// Deletes subscription `id` of `owner` with its deliveries; whether there was one.
pub fn delete_subscription(
    conn: &mut PgConnection,
    owner: &TaxCode,
    id: uuid::Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(webhook_subscriptions::owner_tax_code.eq(owner.as_str())),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Queues a delivery of event `event_id` to every active subscription of `owners` that
/// receives `event_type`, past `expires_at` not sent late; returns how many.
pub fn queue_for_recipients(
    conn: &mut PgConnection,
    owners: &[TaxCode],
    event_type: EventType,
    event_id: uuid::Uuid,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> QueryResult<usize> {
    let owners: Vec<&str> = owners.iter().map(TaxCode::as_str).collect();
    let subscriptions: Vec<uuid::Uuid> = webhook_subscriptions::table
        .filter(webhook_subscriptions::owner_tax_code.eq_any(owners))
        .filter(webhook_subscriptions::status.eq("active"))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("")
                .bind::<diesel::sql_types::Text, _>(event_type.as_str())
                .sql(" = ANY(event_types)"),
        )
        .select(webhook_subscriptions::id)
        .load(conn)?;
    let rows: Vec<_> = subscriptions
        .iter()
        .map(|s| new_delivery(*s, event_id, now, expires_at))
        .collect();
    insert_deliveries(conn, rows)
}

type NewDeliveryValues = (
    diesel::dsl::Eq<webhook_deliveries::id, uuid::Uuid>,
    diesel::dsl::Eq<webhook_deliveries::subscription_id, uuid::Uuid>,
    diesel::dsl::Eq<webhook_deliveries::event_id, uuid::Uuid>,
    diesel::dsl::Eq<webhook_deliveries::status, &'static str>,
    diesel::dsl::Eq<webhook_deliveries::expires_at, OffsetDateTime>,
    diesel::dsl::Eq<webhook_deliveries::created_at, OffsetDateTime>,
);

fn new_delivery(
    subscription: uuid::Uuid,
    event: uuid::Uuid,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> NewDeliveryValues {
    (
        webhook_deliveries::id.eq(uuid::Uuid::new_v4()),
        webhook_deliveries::subscription_id.eq(subscription),
        webhook_deliveries::event_id.eq(event),
        webhook_deliveries::status.eq("queued"),
        webhook_deliveries::expires_at.eq(expires_at),
        webhook_deliveries::created_at.eq(now),
    )
}

fn insert_deliveries(conn: &mut PgConnection, rows: Vec<NewDeliveryValues>) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    diesel::insert_into(webhook_deliveries::table)
        .values(rows)
        .execute(conn)
}

/// An event to replay: its id and type.
#[derive(Debug, Clone, Queryable)]
pub struct ReplayedEvent {
    /// The event.
    pub id: uuid::Uuid,
    /// Its type.
    pub event_type: String,
}

/// The events since `since` (inclusive), oldest first, at most `limit`, that `owner` received
/// and whose type is one of `event_types`.
pub fn events_since(
    conn: &mut PgConnection,
    owner: &TaxCode,
    event_types: &[EventType],
    since: OffsetDateTime,
    limit: i64,
) -> QueryResult<Vec<ReplayedEvent>> {
    let types: Vec<&str> = event_types.iter().map(|t| t.as_str()).collect();
    notification_events::table
        .filter(notification_events::created_at.ge(since))
        .filter(notification_events::event_type.eq_any(types))
        .filter(notification_events::recipients.contains(vec![owner.as_str()]))
        .order((
            notification_events::created_at.asc(),
            notification_events::id.asc(),
        ))
        .limit(limit)
        .select((notification_events::id, notification_events::event_type))
        .load(conn)
}

/// Queues a delivery of each of `events` (with its expiry) to `subscription`.
pub fn queue_replay(
    conn: &mut PgConnection,
    subscription: uuid::Uuid,
    events: &[(uuid::Uuid, OffsetDateTime)],
    now: OffsetDateTime,
) -> QueryResult<usize> {
    let rows = events
        .iter()
        .map(|(event, expires_at)| new_delivery(subscription, *event, now, *expires_at))
        .collect();
    insert_deliveries(conn, rows)
}

/// A delivery as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subscription.
    pub subscription_id: uuid::Uuid,
    /// The event delivered (also the `webhook-id`).
    pub event_id: uuid::Uuid,
    /// `queued`, `sent`, `failed` or `expired`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (`None`: at once).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The receiver's HTTP status on the last attempt.
    pub response_status: Option<i32>,
    /// Past this it is not sent late.
    pub expires_at: OffsetDateTime,
    /// When it was queued.
    pub created_at: OffsetDateTime,
    /// When it was sent.
    pub sent_at: Option<OffsetDateTime>,
    /// When its status last changed.
    pub updated_at: Option<OffsetDateTime>,
}

/// A position in a delivery log (newest first): the last item of a page.
pub type DeliveryCursor = (OffsetDateTime, uuid::Uuid);

/// A page of the deliveries of `subscription`, newest first, after `cursor`.
pub fn deliveries_of(
    conn: &mut PgConnection,
    subscription: uuid::Uuid,
    cursor: Option<DeliveryCursor>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription))
        .into_boxed();
    if let Some((at, id)) = cursor {
        query = query.filter(
            webhook_deliveries::created_at
                .lt(at)
                .or(webhook_deliveries::created_at
                    .eq(at)
                    .and(webhook_deliveries::id.lt(id))),
        );
    }
    query
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// Delivery `id` of `subscription`, locked for the rest of the transaction.
pub fn delivery_of(
    conn: &mut PgConnection,
    subscription: uuid::Uuid,
    id: uuid::Uuid,
) -> QueryResult<Option<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::subscription_id.eq(subscription))
        .select(DeliveryRow::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// Queues delivery `id` again, due now, with a fresh count of attempts and a new expiry.
pub fn requeue(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> QueryResult<DeliveryRow> {
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq(id)))
        .set((
            webhook_deliveries::status.eq("queued"),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(Some(now)),
            webhook_deliveries::expires_at.eq(expires_at),
            webhook_deliveries::updated_at.eq(Some(now)),
        ))
        .returning(DeliveryRow::as_returning())
        .get_result(conn)
}

/// A signing secret as stored: sealed, or in clear in a row written before secrets were sealed
/// (the `webhook_subscriptions_one_secret` constraint keeps exactly one of the two).
#[derive(Clone, PartialEq, Eq)]
pub enum StoredSecret {
    /// Sealed (nonce and ciphertext; the API knows the format and the key).
    Sealed(Vec<u8>),
    /// In clear, still to be sealed.
    Clear(String),
}

impl StoredSecret {
    /// The stored form from the two columns: the sealed one when set.
    fn of(clear: Option<String>, sealed: Option<Vec<u8>>) -> Self {
        match sealed {
            Some(sealed) => Self::Sealed(sealed),
            None => Self::Clear(clear.unwrap_or_default()),
        }
    }
}

impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sealed(_) => "Sealed(..)",
            Self::Clear(_) => "Clear(..)",
        })
    }
}

/// Up to `limit` subscriptions whose secret is still in clear, with it, locked (skipping those
/// another process is sealing).
pub fn clear_secrets(
    conn: &mut PgConnection,
    limit: i64,
) -> QueryResult<Vec<(uuid::Uuid, String)>> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::secret.is_not_null())
        .select((
            webhook_subscriptions::id,
            webhook_subscriptions::secret.assume_not_null(),
        ))
        .order(webhook_subscriptions::id)
        .limit(limit)
        .for_update()
        .skip_locked()
        .load(conn)
}

/// Replaces the clear secret of subscription `id` with `sealed`; `false` when it holds no clear
/// secret (sealed already, or gone).
pub fn seal_secret(conn: &mut PgConnection, id: uuid::Uuid, sealed: &[u8]) -> QueryResult<bool> {
    diesel::update(
        webhook_subscriptions::table
            .find(id)
            .filter(webhook_subscriptions::secret.is_not_null()),
    )
    .set((
        webhook_subscriptions::secret.eq(None::<String>),
        webhook_subscriptions::secret_sealed.eq(sealed),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// A due delivery claimed by the worker, with its subscription and its event.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub delivery: DeliveryRow,
    /// Its subscription.
    pub subscription: SubscriptionRow,
    /// The subscription's signing secret as stored.
    pub secret: StoredSecret,
    /// The event.
    pub event: EventRow,
}

/// An outbox event, as a delivery needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_events)]
pub struct EventRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Its type.
    pub event_type: String,
    /// Whom it is about.
    pub subject_tax_code: String,
    /// Who received it.
    pub recipients: Vec<String>,
    /// What happened.
    pub payload: serde_json::Value,
    /// The resource.
    pub link: String,
    /// When.
    pub created_at: OffsetDateTime,
}

/// Locks up to `limit` queued deliveries due at `now`, oldest first, skipping those another
/// worker holds (`FOR UPDATE SKIP LOCKED`): run it in a transaction and record each outcome
/// there, so every delivery is attempted by one worker at a time.
pub fn claim_due(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimedDelivery>> {
    let due: Vec<DeliveryRow> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("queued"))
        .filter(
            webhook_deliveries::next_attempt_at
                .is_null()
                .or(webhook_deliveries::next_attempt_at.le(now)),
        )
        .order(webhook_deliveries::created_at.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    let subscription_ids: Vec<uuid::Uuid> = due.iter().map(|d| d.subscription_id).collect();
    let subscriptions: Vec<(SubscriptionRow, StoredSecret)> = webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq_any(subscription_ids))
        .select((
            SubscriptionRow::as_select(),
            webhook_subscriptions::secret,
            webhook_subscriptions::secret_sealed,
        ))
        .load::<(SubscriptionRow, Option<String>, Option<Vec<u8>>)>(conn)?
        .into_iter()
        .map(|(row, clear, sealed)| (row, StoredSecret::of(clear, sealed)))
        .collect();
    let event_ids: Vec<uuid::Uuid> = due.iter().map(|d| d.event_id).collect();
    let events: Vec<EventRow> = notification_events::table
        .filter(notification_events::id.eq_any(event_ids))
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(due
        .into_iter()
        .filter_map(|delivery| {
            let (subscription, secret) = subscriptions
                .iter()
                .find(|(s, _)| s.id == delivery.subscription_id)?
                .clone();
            let event = events.iter().find(|e| e.id == delivery.event_id)?.clone();
            Some(ClaimedDelivery {
                delivery,
                subscription,
                secret,
                event,
            })
        })
        .collect())
}

/// Records `attempt` (with the receiver's HTTP status, if it answered) on delivery `id`.
pub fn record_attempt(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    attempt: &Attempt,
    response_status: Option<i32>,
    now: OffsetDateTime,
) -> QueryResult<()> {
    let target = webhook_deliveries::table.filter(webhook_deliveries::id.eq(id));
    let updated = webhook_deliveries::updated_at.eq(Some(now));
    match attempt {
        Attempt::Sent => diesel::update(target)
            .set((
                webhook_deliveries::status.eq("sent"),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::sent_at.eq(Some(now)),
                webhook_deliveries::next_attempt_at.eq(None::<OffsetDateTime>),
                webhook_deliveries::response_status.eq(response_status),
                updated,
            ))
            .execute(conn),
        Attempt::Failed { error, retry_at } => diesel::update(target)
            .set((
                webhook_deliveries::status.eq(if retry_at.is_some() {
                    "queued"
                } else {
                    "failed"
                }),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::last_error.eq(Some(error.as_str())),
                webhook_deliveries::next_attempt_at.eq(*retry_at),
                webhook_deliveries::response_status.eq(response_status),
                updated,
            ))
            .execute(conn),
        Attempt::Expired => diesel::update(target)
            .set((webhook_deliveries::status.eq("expired"), updated))
            .execute(conn),
    }
    .map(drop)
}

/// Counts a delivery of `subscription` that was sent (the failure streak ends) or failed for
/// good (it grows); returns the streak.
pub fn count_outcome(
    conn: &mut PgConnection,
    subscription: uuid::Uuid,
    sent: bool,
    now: OffsetDateTime,
) -> QueryResult<i32> {
    let target = webhook_subscriptions::table.filter(webhook_subscriptions::id.eq(subscription));
    let streak = if sent {
        diesel::update(target)
            .set(webhook_subscriptions::consecutive_failures.eq(0))
            .returning(webhook_subscriptions::consecutive_failures)
            .get_result(conn)
    } else {
        diesel::update(target)
            .set((
                webhook_subscriptions::consecutive_failures
                    .eq(webhook_subscriptions::consecutive_failures + 1),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .returning(webhook_subscriptions::consecutive_failures)
            .get_result(conn)
    };
    streak.optional().map(Option::unwrap_or_default)
}

/// Disables `subscription` (when still active); whether it changed.
pub fn disable(
    conn: &mut PgConnection,
    subscription: uuid::Uuid,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(subscription))
            .filter(webhook_subscriptions::status.eq("active")),
    )
    .set((
        webhook_subscriptions::status.eq("disabled"),
        webhook_subscriptions::disabled_at.eq(Some(now)),
        webhook_subscriptions::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// The type of event `id`.
pub fn event_type_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<String> {
    notification_events::table
        .filter(notification_events::id.eq(id))
        .select(notification_events::event_type)
        .first(conn)
}

/// Whether `subscription` is active now (a delivery claimed earlier in a batch may find it
/// disabled since).
pub fn is_active(conn: &mut PgConnection, subscription: uuid::Uuid) -> QueryResult<bool> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(subscription))
        .filter(webhook_subscriptions::status.eq("active"))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}
