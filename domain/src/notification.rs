//! Notifications: the event types, who receives an event besides the people it names (the
//! delegates whose scope covers it), and the preferences per event type: the channels a person
//! wants and how often. The rule: the in-app inbox is always on, and any other channel needs
//! the matching contact on file and verified (e-mail for `email`, PEC for `pec`, a mobile number
//! for `sms`); each event type is set once.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::identity::ParseError;
use time::{Date, Duration};

use crate::authorization::DelegationFact;
use crate::delegation::{Scope, Service, is_in_force};
use crate::identity::parse_wire;
use crate::person::Contacts;
use crate::tax_code::TaxCode;

pub mod digest;
pub use digest::{delivery_schedule, digest_due, digest_message};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// Stable wire and storage name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = ParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_wire(Self::ALL, Self::as_str, $kind, s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
/// Shared with the other modules of the crate that name their enums the same way (occasional
/// work, the agenda).
pub(crate) use named_enum;

named_enum! {
    /// Events a person can be notified of: one type per change that concerns a person (the
    /// contract lists them as an enum, so frontends and integrators subscribe by type).
    EventType, "event type" {
        /// An inquiry got its answer (to the employer, and the domestic-work delegate with the
        /// `inquiries` scope).
        InquiryAnswered = "inquiry_answered",
        /// A delegation was given (to the delegate).
        DelegationRequested = "delegation_requested",
        /// A delegation was accepted (to the delegator).
        DelegationAccepted = "delegation_accepted",
        /// A delegation was rejected (to the delegator).
        DelegationRejected = "delegation_rejected",
        /// A delegation was revoked or superseded (to the other party; both when an operator
        /// revoked it).
        DelegationRevoked = "delegation_revoked",
        /// A delegation ends in 7 days (to both parties).
        DelegationExpiring = "delegation_expiring",
        /// A role was granted (to the person).
        RoleGranted = "role_granted",
        /// A role was revoked (to the person).
        RoleRevoked = "role_revoked",
        /// The contacts on file changed (a security notice to the person, with the old and the
        /// new addresses).
        ContactsChanged = "contacts_changed",
        /// A webhook subscription kept failing and was disabled (to its owner).
        WebhookSubscriptionDisabled = "webhook_subscription_disabled",
        /// An operator took a support ticket in charge (to the requester).
        SupportTicketTaken = "support_ticket_taken",
        /// An operator answered in a support ticket's thread (to the requester).
        SupportTicketAnswered = "support_ticket_answered",
        /// An operator closed a support ticket (to the requester).
        SupportTicketClosed = "support_ticket_closed",
        /// An occasional worker's payment method changed (a security notice to the worker).
        PaymentMethodChanged = "payment_method_changed",
        /// The payment method of a worker with open services changed (to each such client).
        WorkerPaymentMethodChanged = "worker_payment_method_changed",
        /// An occasional-work total reached 80 % or 95 % of its annual limit (to the worker and
        /// the client of the service that reached it).
        OccasionalLimitWarning = "occasional_limit_warning",
        /// The office cancelled an appointment (to the employer and the managing intermediary).
        AppointmentCancelledByOffice = "appointment_cancelled_by_office",
        /// The office moved an appointment to another slot (to the employer and the managing
        /// intermediary).
        AppointmentRescheduled = "appointment_rescheduled",
        /// The office closed an appointment as resolved (to the employer and the managing
        /// intermediary).
        AppointmentClosed = "appointment_closed",
        /// An appointment starts in 24 hours (to the employer and the managing intermediary).
        AppointmentReminder = "appointment_reminder",
        /// The office wrote about an appointment (to the employer and the managing
        /// intermediary).
        AppointmentMessage = "appointment_message",
        /// A worker disputed an occasional-work service (to the worker and the client).
        ServiceDisputed = "service_disputed",
        /// The client answered or rectified a disputed service (to the worker and the client).
        DisputeAnswered = "dispute_answered",
        /// INPS scheduled a payment to an occasional worker, or the payment moved on (in payment,
        /// credited, failed) (to the worker).
        OccasionalPaymentUpdated = "occasional_payment_updated",
        /// A dispute was closed by the worker or an operator (to the worker and the client).
        DisputeClosed = "dispute_closed",
        /// The worker reopened a dispute the client had answered (to the worker and the client).
        DisputeReopened = "dispute_reopened",
        /// A weekly recurring rule could not generate an occurrence: it would break a rule or a
        /// limit (to the client).
        RecurringOccurrenceRefused = "recurring_occurrence_refused",
        /// A service generated by a recurring rule takes place tomorrow (to the worker and the
        /// client).
        OccasionalServiceReminder = "occasional_service_reminder",
        /// Libretto Famiglia services of last month must be reported by the 3rd (to the client).
        LibrettoReportDue = "libretto_report_due",
    }
}

impl EventType {
    /// The delegation that lets a delegate follow this event for its subject: the service and
    /// the scope a delegation must cover (`None`: the event is only for the named people).
    pub fn delegated_scope(self) -> Option<(Service, Scope)> {
        match self {
            Self::InquiryAnswered => Some((Service::DomesticWork, Scope::Inquiries)),
            Self::AppointmentCancelledByOffice
            | Self::AppointmentRescheduled
            | Self::AppointmentClosed
            | Self::AppointmentReminder
            | Self::AppointmentMessage => Some((Service::DomesticWork, Scope::Appointments)),
            _ => None,
        }
    }

    /// A security notice (`contacts_changed`) goes out at once whatever frequency the recipient
    /// chose, and also to the addresses it is about ([`security_notice_addresses`]).
    pub fn is_security_notice(self) -> bool {
        matches!(self, Self::ContactsChanged)
    }
}

/// Where the security notice of a change of contacts from `old` to `new` goes besides the
/// inbox, on each channel whose address changed: the previous address when it was verified (the
/// person who owned it learns it was replaced; an unverified one may be someone else's) and the
/// new one (whoever typed it learns it is now on file). Addresses that did not change get
/// nothing more than the recipient's preferences give.
pub fn security_notice_addresses(old: &Contacts, new: &Contacts) -> Vec<(Channel, String)> {
    let mut to = Vec::new();
    for (channel, (before, verified), after) in [
        (Channel::Email, (&old.email, old.email_verified), &new.email),
        (Channel::Pec, (&old.pec, old.pec_verified), &new.pec),
        (
            Channel::Sms,
            (&old.mobile, old.mobile_verified),
            &new.mobile,
        ),
    ] {
        if before == after {
            continue;
        }
        if let (Some(address), true) = (before, verified) {
            to.push((channel, address.clone()));
        }
        if let Some(address) = after {
            to.push((channel, address.clone()));
        }
    }
    to
}

/// The delegates who also receive an event of `event_type` about `subject`: those holding a
/// delegation from the subject in force on `today` whose service and scopes cover the event
/// ([`EventType::delegated_scope`]). Decided when the event is written, so a delegate keeps
/// what they received while the delegation was in force and gets nothing after it ends.
pub fn delegate_recipients(
    event_type: EventType,
    subject: &TaxCode,
    delegations: &[DelegationFact],
    today: Date,
) -> Vec<TaxCode> {
    let Some((service, scope)) = event_type.delegated_scope() else {
        return Vec::new();
    };
    let mut found: Vec<TaxCode> = Vec::new();
    for d in delegations {
        if d.delegator == *subject
            && d.service == service
            && d.scopes.contains(&scope)
            && is_in_force(d.status, d.valid_from, d.valid_until, today)
            && !found.contains(&d.delegate)
        {
            found.push(d.delegate.clone());
        }
    }
    found
}

/// The channels and frequency a recipient gets an event of `event_type` with, from their
/// stored `preferences` (none stored for the type: the inbox, at once) and the `contacts` they
/// have now: a channel whose contact was changed (so unverified) or removed since the
/// preference was set is left out; the inbox always stays. A security notice is immediate
/// whatever the frequency chosen.
pub fn delivery_for(
    event_type: EventType,
    preferences: &[Preference],
    contacts: &Contacts,
) -> (Vec<Channel>, Frequency) {
    let (wanted, frequency) = preferences
        .iter()
        .find(|p| p.event_type == event_type)
        .map_or((&[][..], Frequency::Immediate), |p| {
            (&p.channels[..], p.frequency)
        });
    let mut channels = vec![Channel::Inbox];
    for c in wanted {
        if c.reachable(contacts) && !channels.contains(c) {
            channels.push(*c);
        }
    }
    if event_type.is_security_notice() {
        return (channels, Frequency::Immediate);
    }
    (channels, frequency)
}

named_enum! {
    /// Delivery channels.
    Channel, "channel" {
        /// The in-app inbox (always on).
        Inbox = "inbox",
        /// E-mail.
        Email = "email",
        /// PEC (certified e-mail).
        Pec = "pec",
        /// SMS.
        Sms = "sms",
    }
}

named_enum! {
    /// How often to deliver.
    Frequency, "frequency" {
        /// At once.
        Immediate = "immediate",
        /// One daily digest.
        Daily = "daily",
        /// One weekly digest.
        Weekly = "weekly",
    }
}

impl Channel {
    /// Whether `contacts` has what this channel delivers to: the inbox needs nothing, any other
    /// channel its contact on file and verified (a message to an unverified address could reach
    /// someone else).
    pub fn reachable(self, contacts: &Contacts) -> bool {
        match self {
            Self::Inbox => true,
            Self::Email => contacts.email.is_some() && contacts.email_verified,
            Self::Pec => contacts.pec.is_some() && contacts.pec_verified,
            Self::Sms => contacts.mobile.is_some() && contacts.mobile_verified,
        }
    }

    /// The address on file in `contacts` this channel delivers to, verified or not (`None`
    /// for the inbox).
    pub fn address(self, contacts: &Contacts) -> Option<&str> {
        match self {
            Self::Inbox => None,
            Self::Email => contacts.email.as_deref(),
            Self::Pec => contacts.pec.as_deref(),
            Self::Sms => contacts.mobile.as_deref(),
        }
    }
}

/// The preference for one event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// The event type.
    pub event_type: EventType,
    /// The channels, the inbox first.
    pub channels: Vec<Channel>,
    /// How often.
    pub frequency: Frequency,
}

/// Why preferences cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreferenceError {
    /// The event type of entry `index` was already set by an earlier entry.
    #[error("entry {index}: event type {event_type} repeated")]
    RepeatedEventType {
        /// Position in the list.
        index: usize,
        /// The event type.
        event_type: EventType,
    },
    /// Entry `index` asks for a channel whose contact is not on file, or not verified.
    #[error("entry {index}: no verified {channel} contact on file")]
    NoContact {
        /// Position in the list.
        index: usize,
        /// The channel.
        channel: Channel,
    },
}

/// The preferences to keep for a person with `contacts` who asked for `wanted`: each event
/// type once, every channel reachable ([`Channel::reachable`]), the inbox added first and
/// repeated channels dropped.
pub fn preferences(
    wanted: Vec<Preference>,
    contacts: &Contacts,
) -> Result<Vec<Preference>, PreferenceError> {
    let mut seen = HashSet::new();
    for (index, p) in wanted.iter().enumerate() {
        if !seen.insert(p.event_type) {
            return Err(PreferenceError::RepeatedEventType {
                index,
                event_type: p.event_type,
            });
        }
    }
    wanted
        .into_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut channels = vec![Channel::Inbox];
            for channel in p.channels {
                if !channel.reachable(contacts) {
                    return Err(PreferenceError::NoContact { index, channel });
                }
                if !channels.contains(&channel) {
                    channels.push(channel);
                }
            }
            Ok(Preference { channels, ..p })
        })
        .collect()
}

/// Most attempts the delivery worker makes on one channel before giving up (`failed` for good).
pub const MAX_DELIVERY_ATTEMPTS: u32 = 5;

/// The first retry waits this long; each later one twice the previous.
pub const FIRST_RETRY_DELAY: Duration = Duration::minutes(1);

/// No retry waits longer than this (before jitter).
pub const MAX_RETRY_DELAY: Duration = Duration::hours(6);

/// How long after `failed_attempts` failed attempts the next one is due: exponential backoff
/// ([`FIRST_RETRY_DELAY`] doubled per earlier failure, capped at [`MAX_RETRY_DELAY`]) plus a
/// jitter of up to a quarter of it, drawn from `jitter_seed` (any value: the same seed gives the
/// same delay, so replicas retrying many deliveries spread out without a random source). `None`
/// when no attempt is left ([`MAX_DELIVERY_ATTEMPTS`]): the delivery has failed for good.
pub fn retry_delay(failed_attempts: u32, jitter_seed: u64) -> Option<Duration> {
    if failed_attempts == 0 || failed_attempts >= MAX_DELIVERY_ATTEMPTS {
        return None;
    }
    let doublings = (failed_attempts - 1).min(20);
    let base = (FIRST_RETRY_DELAY * (1_i32 << doublings)).min(MAX_RETRY_DELAY);
    let quarter_ms = (base.whole_milliseconds() / 4).max(1);
    let quarter_ms = u64::try_from(quarter_ms).unwrap_or(1);
    // A cheap mix of the seed (splitmix64's finaliser), so neighbouring seeds differ.
    let mut z = jitter_seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let jitter = i64::try_from(z % (quarter_ms + 1)).unwrap_or(0);
    Some(base + Duration::milliseconds(jitter))
}

/// The longest [`retry_delay`] can be after `failed_attempts` failures, whatever the seed.
pub fn max_retry_delay(failed_attempts: u32) -> Duration {
    let doublings = failed_attempts.saturating_sub(1).min(20);
    let base = (FIRST_RETRY_DELAY * (1_i32 << doublings)).min(MAX_RETRY_DELAY);
    base + Duration::milliseconds(i64::try_from(base.whole_milliseconds() / 4).unwrap_or(0) + 1)
}

impl EventType {
    /// How long after the event a message about it is still worth sending: past it the
    /// delivery is `expired` and nothing is sent late (a reminder that a delegation ends in 7
    /// days is stale after a day; the other events keep for 3 days).
    pub fn delivery_ttl(self) -> Duration {
        match self {
            Self::DelegationExpiring => Duration::days(1),
            Self::ContactsChanged | Self::PaymentMethodChanged => Duration::days(1),
            _ => Duration::days(3),
        }
    }

    fn titles(self) -> (&'static str, &'static str) {
        match self {
            Self::InquiryAnswered => (
                "La tua richiesta ha ricevuto risposta",
                "Your inquiry was answered",
            ),
            Self::DelegationRequested => ("Hai ricevuto una delega", "You were given a delegation"),
            Self::DelegationAccepted => (
                "La tua delega è stata accettata",
                "Your delegation was accepted",
            ),
            Self::DelegationRejected => (
                "La tua delega è stata rifiutata",
                "Your delegation was rejected",
            ),
            Self::DelegationRevoked => ("Una delega è stata revocata", "A delegation was revoked"),
            Self::DelegationExpiring => (
                "Una delega scade tra 7 giorni",
                "A delegation ends in 7 days",
            ),
            Self::RoleGranted => ("Ti è stato assegnato un ruolo", "You were granted a role"),
            Self::RoleRevoked => (
                "Ti è stato revocato un ruolo",
                "A role of yours was revoked",
            ),
            Self::ContactsChanged => ("I tuoi recapiti sono cambiati", "Your contacts changed"),
            Self::WebhookSubscriptionDisabled => (
                "Una sottoscrizione webhook è stata disattivata",
                "A webhook subscription was disabled",
            ),
            Self::SupportTicketTaken => (
                "La tua richiesta di assistenza è stata presa in carico",
                "Your support ticket was taken in charge",
            ),
            Self::SupportTicketAnswered => (
                "Hai una risposta alla tua richiesta di assistenza",
                "Your support ticket has an answer",
            ),
            Self::SupportTicketClosed => (
                "La tua richiesta di assistenza è stata chiusa",
                "Your support ticket was closed",
            ),
            Self::PaymentMethodChanged => (
                "La tua modalità di pagamento è cambiata",
                "Your payment method changed",
            ),
            Self::WorkerPaymentMethodChanged => (
                "Un prestatore ha cambiato modalità di pagamento",
                "A worker changed their payment method",
            ),
            Self::OccasionalLimitWarning => (
                "Un limite annuo delle prestazioni occasionali è quasi raggiunto",
                "An annual limit of occasional work is nearly reached",
            ),
            Self::ServiceDisputed => (
                "Una prestazione occasionale è stata contestata",
                "An occasional-work service was disputed",
            ),
            Self::DisputeAnswered => (
                "Il committente ha risposto a una contestazione",
                "The client answered a dispute",
            ),
            Self::OccasionalPaymentUpdated => (
                "Aggiornamento su un pagamento INPS delle prestazioni occasionali",
                "An update on an INPS payment for occasional work",
            ),
            Self::DisputeClosed => ("Una contestazione è stata chiusa", "A dispute was closed"),
            Self::DisputeReopened => (
                "Il prestatore ha riaperto una contestazione",
                "The worker reopened a dispute",
            ),
            Self::RecurringOccurrenceRefused => (
                "Una prestazione ricorrente non è stata generata",
                "A recurring service was not generated",
            ),
            Self::OccasionalServiceReminder => (
                "Promemoria: prestazione occasionale domani",
                "Reminder: occasional-work service tomorrow",
            ),
            Self::LibrettoReportDue => (
                "Libretto Famiglia: comunica le prestazioni del mese scorso entro il 3",
                "Libretto Famiglia: report last month's services by the 3rd",
            ),
            Self::AppointmentCancelledByOffice => (
                "Un appuntamento è stato cancellato dalla sede",
                "An appointment was cancelled by the office",
            ),
            Self::AppointmentRescheduled => (
                "Un appuntamento è stato spostato",
                "An appointment was rescheduled",
            ),
            Self::AppointmentClosed => (
                "Un appuntamento è stato chiuso e definito",
                "An appointment was closed as resolved",
            ),
            Self::AppointmentReminder => (
                "Promemoria: appuntamento tra 24 ore",
                "Reminder: appointment in 24 hours",
            ),
            Self::AppointmentMessage => (
                "Un messaggio della sede su un appuntamento",
                "A message from the office about an appointment",
            ),
        }
    }
}

/// The text of a delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Subject line (e-mail, PEC).
    pub subject: String,
    /// Body, Italian then English, with the link.
    pub body: String,
    /// A short text for SMS.
    pub short: String,
}

/// The message about an event of `event_type` whose resource is at `link` (a path under `/v1`,
/// joined to `base_url`, which may be empty): a short Italian and English text.
pub fn message(event_type: EventType, base_url: &str, link: &str) -> Message {
    let (it, en) = event_type.titles();
    let url = format!("{}{link}", base_url.trim_end_matches('/'));
    Message {
        subject: format!("INPS: {it} / {en}"),
        body: format!(
            "{it}.\r\nDettagli: {url}\r\n\r\n{en}.\r\nDetails: {url}\r\n\r\n\
             Messaggio automatico, non rispondere. / Automatic message, do not reply.\r\n"
        ),
        short: format!("INPS: {it}. {url}"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::delegation::DelegationStatus;
    use crate::test_support::assert_names_round_trip;

    fn wants(event_type: EventType, channels: &[Channel]) -> Preference {
        Preference {
            event_type,
            channels: channels.to_vec(),
            frequency: Frequency::Daily,
        }
    }

    fn verified_mail() -> Contacts {
        Contacts {
            email: Some("a@b.it".into()),
            email_verified: true,
            ..Contacts::default()
        }
    }

    #[test]
    fn names_round_trip() {
        assert_names_round_trip(EventType::ALL, EventType::as_str);
        assert_names_round_trip(Channel::ALL, Channel::as_str);
        assert_names_round_trip(Frequency::ALL, Frequency::as_str);
    }

    #[test]
    fn the_inbox_is_always_on_and_each_channel_needs_its_verified_contact() {
        let kept = preferences(
            vec![wants(
                EventType::InquiryAnswered,
                &[Channel::Email, Channel::Email],
            )],
            &verified_mail(),
        )
        .unwrap();
        assert_eq!(kept[0].channels, vec![Channel::Inbox, Channel::Email]);
        for channel in [Channel::Pec, Channel::Sms] {
            assert_eq!(
                preferences(
                    vec![
                        wants(EventType::InquiryAnswered, &[]),
                        wants(EventType::RoleGranted, &[channel]),
                    ],
                    &verified_mail()
                ),
                Err(PreferenceError::NoContact { index: 1, channel })
            );
        }
        assert!(Channel::Inbox.reachable(&Contacts::default()));
    }

    #[test]
    fn a_contact_on_file_but_not_verified_is_not_reachable() {
        let unverified = Contacts {
            email: Some("a@b.it".into()),
            pec: Some("a@pec.it".into()),
            mobile: Some("+393331234567".into()),
            ..Contacts::default()
        };
        for channel in [Channel::Email, Channel::Pec, Channel::Sms] {
            assert!(!channel.reachable(&unverified), "{channel}");
        }
        let verified = Contacts {
            email_verified: true,
            pec_verified: true,
            mobile_verified: true,
            ..unverified
        };
        for channel in Channel::ALL {
            assert!(channel.reachable(&verified), "{channel}");
        }
    }

    #[test]
    fn an_event_type_is_set_once() {
        let twice = vec![
            wants(EventType::DelegationAccepted, &[]),
            wants(EventType::DelegationAccepted, &[]),
        ];
        assert_eq!(
            preferences(twice, &Contacts::default()),
            Err(PreferenceError::RepeatedEventType {
                index: 1,
                event_type: EventType::DelegationAccepted
            })
        );
    }

    fn fact(delegate: &str, scopes: &[Scope], status: DelegationStatus) -> DelegationFact {
        DelegationFact {
            id: "d".into(),
            delegator: TaxCode::parse("RSSMRA85T10A562S").unwrap(),
            delegate: TaxCode::parse(delegate).unwrap(),
            service: Service::DomesticWork,
            scopes: scopes.to_vec(),
            status,
            valid_from: date!(2026 - 03 - 02),
            valid_until: date!(2027 - 03 - 01),
        }
    }

    #[test]
    fn a_delegate_receives_an_event_its_scope_covers_while_in_force() {
        let subject = TaxCode::parse("RSSMRA85T10A562S").unwrap();
        let with_scope = fact(
            "RSSMRA45D25F205N",
            &[Scope::Read, Scope::Inquiries],
            DelegationStatus::Active,
        );
        let facts = vec![with_scope.clone()];
        let today = date!(2026 - 06 - 01);
        assert_eq!(
            delegate_recipients(EventType::InquiryAnswered, &subject, &facts, today),
            vec![with_scope.delegate.clone()]
        );
        // Without the scope, ended, not yet started or past its last day: nobody.
        let read_only = fact("RSSMRA45D25F205N", &[Scope::Read], DelegationStatus::Active);
        let revoked = DelegationFact {
            status: DelegationStatus::Revoked,
            ..with_scope.clone()
        };
        for f in [read_only, revoked] {
            assert!(
                delegate_recipients(EventType::InquiryAnswered, &subject, &[f], today).is_empty()
            );
        }
        for day in [date!(2026 - 03 - 01), date!(2027 - 03 - 02)] {
            assert!(
                delegate_recipients(EventType::InquiryAnswered, &subject, &facts, day).is_empty()
            );
        }
        // An event no scope covers goes to the people it names only.
        assert!(delegate_recipients(EventType::RoleGranted, &subject, &facts, today).is_empty());
    }

    #[test]
    fn the_delivery_follows_the_preference_of_the_event_type() {
        let mail = verified_mail();
        assert_eq!(
            delivery_for(EventType::InquiryAnswered, &[], &mail),
            (vec![Channel::Inbox], Frequency::Immediate)
        );
        let prefs = vec![wants(
            EventType::InquiryAnswered,
            &[Channel::Inbox, Channel::Email],
        )];
        assert_eq!(
            delivery_for(EventType::InquiryAnswered, &prefs, &mail),
            (vec![Channel::Inbox, Channel::Email], Frequency::Daily)
        );
        assert_eq!(
            delivery_for(EventType::RoleGranted, &prefs, &mail),
            (vec![Channel::Inbox], Frequency::Immediate)
        );
        // The e-mail changed since (so unverified): the inbox only.
        assert_eq!(
            delivery_for(EventType::InquiryAnswered, &prefs, &Contacts::default()),
            (vec![Channel::Inbox], Frequency::Daily)
        );
    }

    #[test]
    fn a_security_notice_is_immediate_and_reaches_the_old_and_new_addresses() {
        let prefs = vec![wants(EventType::ContactsChanged, &[Channel::Email])];
        assert_eq!(
            delivery_for(EventType::ContactsChanged, &prefs, &verified_mail()),
            (vec![Channel::Inbox, Channel::Email], Frequency::Immediate)
        );
        let old = Contacts {
            mobile: Some("+393331234567".into()),
            mobile_verified: true,
            pec: Some("old@pec.it".into()),
            ..verified_mail()
        };
        let new = old.replaced(Some("new@b.it"), Some("old@pec.it"), Some("+393339999999"));
        assert_eq!(
            security_notice_addresses(&old, &new),
            vec![
                (Channel::Email, "a@b.it".to_owned()),
                (Channel::Email, "new@b.it".to_owned()),
                (Channel::Sms, "+393331234567".to_owned()),
                (Channel::Sms, "+393339999999".to_owned()),
            ],
            "the unchanged PEC gets nothing; the unverified one would not either"
        );
        // A removed address hears of it; an unverified previous one does not.
        let removed = old.replaced(None, Some("other@pec.it"), Some("+393331234567"));
        assert_eq!(
            security_notice_addresses(&old, &removed),
            vec![
                (Channel::Email, "a@b.it".to_owned()),
                (Channel::Pec, "other@pec.it".to_owned()),
            ]
        );
        assert!(security_notice_addresses(&old, &old).is_empty());
    }

    #[test]
    fn retries_back_off_exponentially_with_bounded_jitter_then_stop() {
        assert_eq!(retry_delay(0, 7), None);
        let mut previous = Duration::ZERO;
        for failed in 1..MAX_DELIVERY_ATTEMPTS {
            let base = (FIRST_RETRY_DELAY * (1_i32 << (failed - 1))).min(MAX_RETRY_DELAY);
            for seed in [0_u64, 1, 2, 42, u64::MAX] {
                let d = retry_delay(failed, seed).expect("an attempt is left");
                assert!(
                    d >= base && d < max_retry_delay(failed),
                    "{failed}/{seed}: {d}"
                );
                assert_eq!(
                    retry_delay(failed, seed),
                    Some(d),
                    "the same seed, the same delay"
                );
            }
            assert!(base > previous, "each retry waits longer");
            previous = base;
        }
        assert_eq!(
            retry_delay(MAX_DELIVERY_ATTEMPTS, 1),
            None,
            "failed for good"
        );
        let spread: HashSet<_> = (0..50).map(|s| retry_delay(3, s)).collect();
        assert!(spread.len() > 10, "the jitter spreads retries: {spread:?}");
        assert_eq!(
            retry_delay(1, 3).map(|d| d >= FIRST_RETRY_DELAY),
            Some(true)
        );
    }

    #[test]
    fn a_message_has_both_languages_and_the_link() {
        let m = message(
            EventType::InquiryAnswered,
            "https://inps.example/",
            "/v1/inquiries/x",
        );
        assert!(m.subject.contains("risposta") && m.subject.contains("answered"));
        assert!(m.body.contains("https://inps.example/v1/inquiries/x"));
        assert!(m.short.contains("https://inps.example/v1/inquiries/x"));
        for t in EventType::ALL {
            assert!(t.delivery_ttl() >= Duration::days(1), "{t}");
            assert!(!message(*t, "", "/v1/x").subject.is_empty());
        }
        assert!(
            EventType::DelegationExpiring.delivery_ttl()
                < EventType::InquiryAnswered.delivery_ttl()
        );
    }
}
