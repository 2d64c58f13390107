//! Digests: the deliveries of `daily` and `weekly` notifications, queued due at the end of
//! their period (`inps_domain::notification::digest_due`: 08:00 Rome time the next day, or
//! the Monday after the week), are sent as one message per recipient and channel listing every
//! event due (`inps_domain::notification::digest_message`).
//!
//! One worker sends a digest: each (recipient, channel) pair is claimed in its own transaction
//! under a transaction-scoped advisory lock, its due deliveries locked, the message sent once and
//! every grouped delivery's outcome recorded there before the commit. The deliveries past their
//! time-to-live are `expired` and left out; the rest share the outcome: `sent`, retried together
//! after the backoff (the attempts of the most tried one count), or `failed` for good.

use diesel::{Connection as _, PgConnection};
use inps_domain::notification::{Channel, EventType, Frequency, digest_message};
use inps_persistence::digests as repo;
use inps_persistence::notifications::{Attempt, ClaimedDelivery, record_attempt};
use time::OffsetDateTime;

use super::worker::{DeliveryRun, Senders, corrupt, failed_attempt};
use crate::clock::Clock;

/// Sends the digests due now on the configured channels, up to `batch` per pass, each in its
/// own transaction; a digest another worker is sending is skipped (it is theirs).
pub fn deliver_digests(
    conn: &mut PgConnection,
    senders: &Senders,
    clock: &dyn Clock,
    batch: i64,
) -> diesel::QueryResult<DeliveryRun> {
    let channels = senders.configured();
    let mut run = DeliveryRun::default();
    if channels.is_empty() {
        return Ok(run);
    }
    loop {
        let now = clock.now();
        let due = repo::due_digests(conn, &channels, now, batch)?;
        let mut mine = 0;
        for digest in &due {
            let outcomes = conn.transaction(|conn| {
                let Some(claimed) =
                    repo::claim_digest(conn, &digest.recipient, &digest.channel, now)?
                else {
                    return Ok(Vec::new());
                };
                let outcomes = attempt_digest(conn, senders, &claimed, now)?;
                for (d, attempt) in claimed.iter().zip(&outcomes) {
                    record_attempt(conn, d.delivery.id, attempt, now)?;
                }
                diesel::QueryResult::Ok(outcomes)
            })?;
            if !outcomes.is_empty() {
                mine += 1;
            }
            outcomes.iter().for_each(|a| run.count(a));
        }
        if mine == 0 || i64::try_from(due.len()).unwrap_or(i64::MAX) < batch {
            return Ok(run);
        }
    }
}

/// The outcome of each of the `claimed` deliveries of one digest (in order): the expired ones
/// are left out, the others sent in one message and sharing its outcome.
fn attempt_digest(
    conn: &mut PgConnection,
    senders: &Senders,
    claimed: &[ClaimedDelivery],
    now: OffsetDateTime,
) -> diesel::QueryResult<Vec<Attempt>> {
    let parsed: Vec<_> = claimed
        .iter()
        .map(|c| {
            let d = &c.delivery;
            if d.expires_at.is_some_and(|at| now >= at) {
                return Err(Attempt::Expired);
            }
            match (
                d.channel.parse::<Channel>(),
                c.event_type.parse::<EventType>(),
                c.frequency.parse::<Frequency>(),
            ) {
                (Ok(channel), Ok(event_type), Ok(frequency)) => {
                    Ok((channel, event_type, frequency, c))
                }
                _ => Err(corrupt()),
            }
        })
        .collect();
    let live: Vec<_> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
    let Some(&&(channel, _, _, first)) = live.first() else {
        return Ok(parsed
            .into_iter()
            .map(|p| p.err().unwrap_or_else(corrupt))
            .collect());
    };
    let frequency = live.iter().map(|l| l.2).max().unwrap_or(Frequency::Daily);
    let events: Vec<(EventType, &str)> = live.iter().map(|l| (l.1, l.3.link.as_str())).collect();
    let text = digest_message(frequency, senders.link_base(), &events);
    let to = (first.recipient_tax_code.as_str(), None);
    let shared = match senders.send(conn, channel, to, &text, now)? {
        Ok(()) => Attempt::Sent,
        Err(error) => {
            let attempts = live
                .iter()
                .map(|l| l.3.delivery.attempts)
                .max()
                .unwrap_or(0);
            failed_attempt(first.delivery.id, attempts, &error.0, error.1, now)
        }
    };
    Ok(parsed
        .into_iter()
        .map(|p| match p {
            Ok(_) => shared.clone(),
            Err(own) => own,
        })
        .collect())
}
