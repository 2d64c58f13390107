//! The wire types of `/v1/me/notification-preferences`.

use inps_domain::notification::{
    Channel as DChannel, EventType as DEventType, Frequency as DFrequency,
    Preference as DPreference,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

crate::wire::wire_enum! {
    /// Events a person can be notified of (one type per change; later services add theirs).
    EventType <=> DEventType {
        /// An inquiry got its answer (the employer, and the domestic-work delegate with the
        /// `inquiries` scope).
        InquiryAnswered,
        /// A delegation was given to the recipient (the delegate).
        DelegationRequested,
        /// The delegate accepted the recipient's delegation.
        DelegationAccepted,
        /// The delegate rejected the recipient's delegation.
        DelegationRejected,
        /// The other party (or an operator) revoked the delegation, or a newer one replaced it.
        DelegationRevoked,
        /// A delegation ends in 7 days.
        DelegationExpiring,
        /// A role was granted to the recipient.
        RoleGranted,
        /// A role of the recipient was revoked.
        RoleRevoked,
        /// The recipient's contacts changed (a security notice: at once whatever the frequency,
        /// also to the previous and the new addresses).
        ContactsChanged,
        /// A webhook subscription of the recipient kept failing and was disabled.
        WebhookSubscriptionDisabled,
        /// An operator took the recipient's support ticket in charge.
        SupportTicketTaken,
        /// An operator answered in the recipient's support ticket.
        SupportTicketAnswered,
        /// An operator closed the recipient's support ticket.
        SupportTicketClosed,
        /// The recipient's occasional-work payment method changed (a security notice).
        PaymentMethodChanged,
        /// A worker with open services for the recipient (a client) changed payment method.
        WorkerPaymentMethodChanged,
        /// An occasional-work total of the recipient reached 80 % or 95 % of its annual limit.
        OccasionalLimitWarning,
        /// The office cancelled an appointment of the recipient.
        AppointmentCancelledByOffice,
        /// The office moved an appointment of the recipient to another slot.
        AppointmentRescheduled,
        /// The office closed an appointment of the recipient as resolved (Chiuso e Definito).
        AppointmentClosed,
        /// An appointment of the recipient starts in 24 hours.
        AppointmentReminder,
        /// The office wrote about an appointment of the recipient.
        AppointmentMessage,
        /// A worker disputed an occasional-work service of the recipient.
        ServiceDisputed,
        /// The client answered or rectified a disputed service of the recipient.
        DisputeAnswered,
        /// INPS scheduled a payment to the recipient (a worker), or the payment moved on.
        OccasionalPaymentUpdated,
        /// A dispute about a service of the recipient was closed.
        DisputeClosed,
        /// The worker reopened a dispute about a service of the recipient.
        DisputeReopened,
        /// A recurring rule of the recipient could not generate an occurrence.
        RecurringOccurrenceRefused,
        /// A generated service of the recipient takes place tomorrow.
        OccasionalServiceReminder,
        /// The recipient's Libretto Famiglia services of last month are due by the 3rd.
        LibrettoReportDue,
    }
}

crate::wire::wire_enum! {
    /// Delivery channels. The in-app inbox is always on.
    Channel <=> DChannel {
        /// The in-app inbox.
        Inbox,
        /// E-mail (needs a verified e-mail address on file).
        Email,
        /// PEC (needs a verified PEC address on file).
        Pec,
        /// SMS (needs a verified mobile number on file).
        Sms,
    }
}

crate::wire::wire_enum! {
    /// How often to deliver.
    Frequency <=> DFrequency {
        /// At once.
        Immediate,
        /// One daily digest: the events of an Italian calendar day (Europe/Rome) in one message
        /// per channel, at 08:00 Rome time the next day.
        Daily,
        /// One weekly digest: the events of a Monday-to-Sunday week in one message per channel,
        /// at 08:00 Rome time on the Monday after.
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
#[schema(example = json!({"items": [{"event_type": "inquiry_answered", "channels": ["inbox", "email"], "frequency": "immediate"}]}))]
pub struct Preferences {
    /// One entry per event type.
    #[validate(length(max = 9), nested)]
    #[schema(max_items = 9)]
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
