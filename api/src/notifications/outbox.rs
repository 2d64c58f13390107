//! The one way to notify: [`notify`] writes an event to the outbox and one notification per
//! recipient, in the caller's transaction, so a change that rolls back leaves no event and a
//! change that commits always has its event.
//!
//! Recipients are decided at write time: the people the use case names, plus every delegate
//! holding a delegation from the subject, in force that day, whose service and scope cover the
//! event type (`inps_domain::notification::delegate_recipients`). A delegate thus sees what
//! happened while they acted for the subject, and nothing after the delegation ends. Each
//! notification also records the channels and frequency the recipient's preferences and
//! verified contacts gave at that moment, and queues one delivery per channel besides the inbox,
//! and one webhook delivery per active subscription of a recipient that takes the event type.

use diesel::PgConnection;
use inps_domain::authorization::DelegationFact;
use inps_domain::notification::{
    Channel, EventType, Preference, delegate_recipients, delivery_for,
};
use inps_domain::person::Contacts;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::notifications::{self as repo, NewEvent};
use inps_persistence::{delegations, profile};
use time::OffsetDateTime;

use crate::refusal::Refusal;

/// A domain event that concerns a person.
#[derive(Debug, Clone)]
pub struct Event {
    /// What happened.
    pub event_type: EventType,
    /// Whom it is about (the employer, the delegator, the person).
    pub subject: TaxCode,
    /// The people it goes to (the covered delegates are added by [`notify`]).
    pub recipients: Vec<TaxCode>,
    /// The facts a reader needs (a JSON object).
    pub payload: serde_json::Value,
    /// The resource it is about, a path under `/v1`.
    pub link: String,
}

/// Writes `event` to the outbox with one notification per recipient (named or covered
/// delegate, each once), in the caller's transaction.
pub fn notify(conn: &mut PgConnection, event: Event, now: OffsetDateTime) -> Result<(), Refusal> {
    write(conn, event, &[], None, now)
}

/// As [`notify`], except that `chooser` gets the event at once on the `channels` they chose
/// for this matter (an appointment's channels chosen at booking) instead of their preferences;
/// a channel whose contact is no longer on file and verified is left out.
pub fn notify_on_chosen_channels(
    conn: &mut PgConnection,
    event: Event,
    chooser: &TaxCode,
    channels: &[Channel],
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let chosen = Preference {
        event_type: event.event_type,
        channels: channels.to_vec(),
        frequency: inps_domain::notification::Frequency::Immediate,
    };
    write(conn, event, &[], Some((chooser, chosen)), now)
}

/// Writes the security notice `event` (an [`EventType::is_security_notice`] type, so
/// delivered at once) like [`notify`], and queues its subject's notification also to the
/// explicit `addresses` (`inps_domain::notification::security_notice_addresses`: an address
/// no longer on file, or not yet verified), in the caller's transaction.
pub fn notify_security_notice(
    conn: &mut PgConnection,
    event: Event,
    addresses: &[(Channel, String)],
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    write(conn, event, addresses, None, now)
}

fn write(
    conn: &mut PgConnection,
    event: Event,
    addresses: &[(Channel, String)],
    chosen: Option<(&TaxCode, Preference)>,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let mut recipients: Vec<TaxCode> = Vec::new();
    let mut add = |who: TaxCode| {
        if !recipients.contains(&who) {
            recipients.push(who);
        }
    };
    event.recipients.into_iter().for_each(&mut add);
    if let Some((service, _)) = event.event_type.delegated_scope() {
        let facts = delegations::stored_active_from(conn, event.subject.as_str(), service)?
            .into_iter()
            .map(DelegationFact::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Refusal::internal)?;
        delegate_recipients(event.event_type, &event.subject, &facts, rome_date(now))
            .into_iter()
            .for_each(&mut add);
    }
    if recipients.is_empty() {
        return Ok(());
    }
    let new = NewEvent {
        id: uuid::Uuid::new_v4(),
        event_type: event.event_type,
        subject: &event.subject,
        recipients: &recipients,
        payload: &event.payload,
        link: &event.link,
        now,
    };
    repo::insert_event(conn, &new)?;
    for recipient in &recipients {
        let preferences = match &chosen {
            Some((chooser, choice)) if *chooser == recipient => vec![choice.clone()],
            _ => profile::preferences_of(conn, recipient.as_str())?
                .into_iter()
                .map(Preference::try_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Refusal::internal)?,
        };
        let contacts = Contacts::from(profile::contacts_of(conn, recipient.as_str())?);
        let (channels, frequency) = delivery_for(event.event_type, &preferences, &contacts);
        let id = repo::insert_notification(conn, &new, recipient, &channels, frequency)?;
        if recipient == new.subject && !addresses.is_empty() {
            repo::queue_to_addresses(conn, id, &new, addresses)?;
        }
    }
    super::webhooks::delivery::queue(conn, new.id, new.event_type, &recipients, now)?;
    Ok(())
}
