//! The wire types of `/v1/me/notification-preferences`.

use inps_domain::notification::{
    Channel as DChannel, EventType as DEventType, Frequency as DFrequency,
    Preference as DPreference,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

mirror_enum! {
    /// Events a person can be notified of.
    EventType <=> DEventType {
        /// An appointment was confirmed, rescheduled, cancelled or closed.
        AppointmentChanged,
        /// An inquiry got its answer.
        InquiryAnswered,
        /// A delegation was created, accepted, rejected, revoked or expired.
        DelegationChanged,
        /// A contribution is due soon.
        ContributionDue,
        /// A service (prestazione) was recorded, rectified or revoked.
        ServiceRecorded,
        /// A worker's payment method changed.
        PaymentMethodChanged,
        /// A payment changed status.
        PaymentStatusChanged,
    }
}

mirror_enum! {
    /// Delivery channels. The in-app inbox is always on.
    Channel <=> DChannel {
        /// The in-app inbox.
        Inbox,
        /// E-mail (needs an e-mail address on file).
        Email,
        /// PEC (needs a PEC address on file).
        Pec,
        /// SMS (needs a mobile number on file).
        Sms,
    }
}

mirror_enum! {
    /// How often to deliver.
    Frequency <=> DFrequency {
        /// At once.
        Immediate,
        /// One daily digest.
        Daily,
        /// One weekly digest.
        Weekly,
    }
}

/// The preference for one event type.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preference {
    /// Event type.
    pub event_type: EventType,
    /// Channels (the inbox is always added).
    #[validate(length(max = 4))]
    #[schema(max_items = 4)]
    pub channels: Vec<Channel>,
    /// Frequency.
    pub frequency: Frequency,
}

/// All preferences (event types not listed use the default: inbox, immediate).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"items": [{"event_type": "appointment_changed", "channels": ["inbox", "email"], "frequency": "immediate"}]}))]
pub struct Preferences {
    /// One entry per event type.
    #[validate(length(max = 7), nested)]
    #[schema(max_items = 7)]
    pub items: Vec<Preference>,
}

impl From<Vec<DPreference>> for Preferences {
    fn from(prefs: Vec<DPreference>) -> Self {
        Self {
            items: prefs
                .into_iter()
                .map(|p| Preference {
                    event_type: p.event_type.into(),
                    channels: p.channels.into_iter().map(Channel::from).collect(),
                    frequency: p.frequency.into(),
                })
                .collect(),
        }
    }
}

impl From<Preferences> for Vec<DPreference> {
    fn from(prefs: Preferences) -> Self {
        prefs
            .items
            .into_iter()
            .map(|p| DPreference {
                event_type: p.event_type.into(),
                channels: p.channels.into_iter().map(DChannel::from).collect(),
                frequency: p.frequency.into(),
            })
            .collect()
    }
}
