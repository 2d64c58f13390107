//! The digests' claims (`daily` and `weekly` notifications): which (recipient, channel) pairs
//! have deliveries due, and claiming one pair's due deliveries under an advisory lock, so that
//! one worker sends each digest.

use diesel::prelude::*;
use inps_domain::notification::Frequency;
use time::OffsetDateTime;

use crate::notifications::{ClaimedDelivery, DeliveryRow, about_notifications};
use crate::schema::{notification_deliveries, notifications};

/// The recipients and channels with a digest due at `now` on `channels` (queued deliveries of
/// `daily` or `weekly` notifications whose time has come), up to `limit`, longest waiting first.
pub fn due_digests(
    conn: &mut PgConnection,
    channels: &[&str],
    now: OffsetDateTime,
    limit: i64,
) -> QueryResult<Vec<DueDigest>> {
    diesel::sql_query(
        "SELECT n.recipient_tax_code AS recipient, d.channel \
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id \
         WHERE d.status = 'queued' AND d.channel = ANY($1) AND d.address IS NULL \
           AND n.frequency <> 'immediate' AND d.next_attempt_at <= $2 \
         GROUP BY n.recipient_tax_code, d.channel \
         ORDER BY min(d.next_attempt_at), n.recipient_tax_code, d.channel \
         LIMIT $3",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(channels)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
}

/// A digest due: whose, on which channel.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DueDigest {
    /// The recipient's tax code.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub recipient: String,
    /// The channel.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub channel: String,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Claims the digest of `recipient` on `channel` due at `now`: every queued delivery of their
/// `daily` and `weekly` notifications on that channel whose time has come, oldest first, under
/// a transaction-scoped advisory lock on the pair, so that exactly one worker sends it (another
/// worker gets `None` at once; one that comes after the commit finds nothing left). Run it in a
/// transaction and record every outcome there.
pub fn claim_digest(
    conn: &mut PgConnection,
    recipient: &str,
    channel: &str,
    now: OffsetDateTime,
) -> QueryResult<Option<Vec<ClaimedDelivery>>> {
    let Locked { locked } =
        diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 13)) AS locked")
            .bind::<diesel::sql_types::Text, _>(format!("digest {recipient} {channel}"))
            .get_result(conn)?;
    if !locked {
        return Ok(None);
    }
    let due: Vec<DeliveryRow> = notification_deliveries::table
        .filter(notification_deliveries::status.eq("queued"))
        .filter(notification_deliveries::channel.eq(channel))
        .filter(notification_deliveries::address.is_null())
        .filter(notification_deliveries::next_attempt_at.le(now))
        .filter(
            notification_deliveries::notification_id.eq_any(
                notifications::table
                    .filter(notifications::recipient_tax_code.eq(recipient))
                    .filter(notifications::frequency.ne(Frequency::Immediate.as_str()))
                    .select(notifications::id),
            ),
        )
        .order((
            notification_deliveries::created_at.asc(),
            notification_deliveries::id.asc(),
        ))
        .select(DeliveryRow::as_select())
        .for_update()
        .load(conn)?;
    about_notifications(conn, due).map(Some)
}
