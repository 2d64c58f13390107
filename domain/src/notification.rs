//! Notification preferences: per event type, the channels a person wants and how often. The
//! rule: the in-app inbox is always on, and any other channel needs the matching contact on
//! file (e-mail for `email`, PEC for `pec`, a mobile number for `sms`); each event type is set
//! once.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::identity::ParseError;
use crate::identity::parse_wire;
use crate::person::Contacts;

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

named_enum! {
    /// Events a person can be notified of.
    EventType, "event type" {
        /// An appointment was confirmed, rescheduled, cancelled or closed.
        AppointmentChanged = "appointment_changed",
        /// An inquiry got its answer.
        InquiryAnswered = "inquiry_answered",
        /// A delegation was created, accepted, rejected, revoked or expired.
        DelegationChanged = "delegation_changed",
        /// A contribution is due soon.
        ContributionDue = "contribution_due",
        /// A service (prestazione) was recorded, rectified or revoked.
        ServiceRecorded = "service_recorded",
        /// A worker's payment method changed.
        PaymentMethodChanged = "payment_method_changed",
        /// A payment changed status.
        PaymentStatusChanged = "payment_status_changed",
    }
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
    /// Whether `contacts` has what this channel delivers to. The inbox needs nothing; a
    /// contact on file suffices (verification is not required yet: there is no way to verify).
    pub fn reachable(self, contacts: &Contacts) -> bool {
        match self {
            Self::Inbox => true,
            Self::Email => contacts.email.is_some(),
            Self::Pec => contacts.pec.is_some(),
            Self::Sms => contacts.mobile.is_some(),
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
    /// Entry `index` asks for a channel whose contact is not on file.
    #[error("entry {index}: no {channel} contact on file")]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_names_round_trip;

    fn wants(event_type: EventType, channels: &[Channel]) -> Preference {
        Preference {
            event_type,
            channels: channels.to_vec(),
            frequency: Frequency::Daily,
        }
    }

    #[test]
    fn names_round_trip() {
        assert_names_round_trip(EventType::ALL, EventType::as_str);
        assert_names_round_trip(Channel::ALL, Channel::as_str);
        assert_names_round_trip(Frequency::ALL, Frequency::as_str);
    }

    #[test]
    fn the_inbox_is_always_on_and_each_channel_needs_its_contact() {
        let mail_only = Contacts {
            email: Some("a@b.it".into()),
            ..Contacts::default()
        };
        let kept = preferences(
            vec![wants(
                EventType::InquiryAnswered,
                &[Channel::Email, Channel::Email],
            )],
            &mail_only,
        )
        .unwrap();
        assert_eq!(kept[0].channels, vec![Channel::Inbox, Channel::Email]);
        for channel in [Channel::Pec, Channel::Sms] {
            assert_eq!(
                preferences(
                    vec![
                        wants(EventType::InquiryAnswered, &[]),
                        wants(EventType::ContributionDue, &[channel]),
                    ],
                    &mail_only
                ),
                Err(PreferenceError::NoContact { index: 1, channel })
            );
        }
        assert!(Channel::Inbox.reachable(&Contacts::default()));
    }

    #[test]
    fn an_event_type_is_set_once() {
        let twice = vec![
            wants(EventType::DelegationChanged, &[]),
            wants(EventType::DelegationChanged, &[]),
        ];
        assert_eq!(
            preferences(twice, &Contacts::default()),
            Err(PreferenceError::RepeatedEventType {
                index: 1,
                event_type: EventType::DelegationChanged
            })
        );
    }
}
