//! The wire types of `/v1/notifications`.

use inps_persistence::notifications::Notification as Stored;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use crate::identity::preferences::wire::{Channel, EventType, Frequency};

/// A notification in the caller's inbox.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5d1f7c3a-2b4e-4f8a-9c61-0e3b7a2d9f14", "event_type": "inquiry_answered",
    "subject_tax_code": "RSSMRA85T10A562S",
    "payload": {"inquiry_id": "9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35", "employment_code": "1000000016", "outcome": "negative"},
    "link": "/v1/inquiries/9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35",
    "created_at": "2026-03-16T11:20:00Z", "read": false, "read_at": null,
    "channels": ["inbox", "email"], "frequency": "immediate"
}))]
pub struct Notification {
    /// Identifier (of this recipient's notification).
    pub id: uuid::Uuid,
    /// What happened.
    pub event_type: EventType,
    /// Whom it is about (the caller, or the subject a delegate acts for).
    #[schema(max_length = 16)]
    pub subject_tax_code: String,
    /// The facts of the event (fields depend on `event_type`).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// The resource it is about (a path under `/v1`).
    #[schema(max_length = 200)]
    pub link: String,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether the caller read it.
    pub read: bool,
    /// When the caller read it.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
    /// The channels it is delivered on (chosen when it was written).
    #[schema(max_items = 4)]
    pub channels: Vec<Channel>,
    /// How often it is delivered (chosen when it was written).
    pub frequency: Frequency,
}

impl From<Stored> for Notification {
    fn from(n: Stored) -> Self {
        Self {
            id: n.id,
            event_type: n.event_type.into(),
            subject_tax_code: n.subject.as_str().to_owned(),
            payload: n.payload,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
            read_at: n.read_at,
            channels: n.channels.into_iter().map(Channel::from).collect(),
            frequency: n.frequency.into(),
        }
    }
}

/// A page of notifications.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "5d1f7c3a-2b4e-4f8a-9c61-0e3b7a2d9f14", "event_type": "delegation_accepted",
        "subject_tax_code": "RSSMRA85T10A562S",
        "payload": {"delegation_id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegator_tax_code": "RSSMRA85T10A562S", "delegate_tax_code": "BNCLRA80A41H501D", "service": "domestic_work"},
        "link": "/v1/delegations/3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21",
        "created_at": "2026-03-02T10:15:00Z", "read": false, "read_at": null,
        "channels": ["inbox"], "frequency": "immediate"
    }],
    "next_cursor": null
}))]
pub struct NotificationPage {
    /// Notifications, unread first, then newest.
    pub items: Vec<Notification>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// Filters of the inbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only this event type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub event_type: Option<EventType>,
    /// Only read (true) or unread (false) notifications.
    pub read: Option<bool>,
}

/// Which notifications to mark read: `ids`, or everything `up_to` a time (exactly one).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": ["5d1f7c3a-2b4e-4f8a-9c61-0e3b7a2d9f14"]}))]
pub struct MarkRead {
    /// These notifications (ids not the caller's are ignored).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub ids: Option<Vec<uuid::Uuid>>,
    /// Every notification that happened up to this time (inclusive).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub up_to: Option<OffsetDateTime>,
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"marked": 3}))]
pub struct MarkedRead {
    /// Notifications that were unread and are now read.
    #[schema(format = Int64, minimum = 0)]
    pub marked: i64,
}

/// The state of a delivery: waiting for the worker (also between retries), sent, failed for
/// good (no attempt left), or expired (past the event type's time-to-live: not sent late).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for the worker (also between retries, and while its channel is not configured).
    Queued,
    /// Sent.
    Sent,
    /// Failed for good.
    Failed,
    /// Not sent: too late.
    Expired,
}

impl DeliveryStatus {
    /// The status stored as `text` (`None`: a corrupt row).
    pub fn from_stored(text: &str) -> Option<Self> {
        Some(match text {
            "queued" => Self::Queued,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            "expired" => Self::Expired,
            _ => return None,
        })
    }
}

/// The delivery of a notification on one channel.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "channel": "email", "status": "sent", "attempts": 1, "last_error": null,
    "queued_at": "2026-03-16T11:20:00Z", "next_attempt_at": null,
    "sent_at": "2026-03-16T11:20:02Z", "expires_at": "2026-03-19T11:20:00Z",
    "updated_at": "2026-03-16T11:20:02Z"
}))]
pub struct Delivery {
    /// The channel.
    pub channel: Channel,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    #[schema(format = Int32, minimum = 0, maximum = 100)]
    pub attempts: i32,
    /// The error of the last failed attempt.
    #[schema(max_length = 500)]
    pub last_error: Option<String>,
    /// When it was queued.
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
    /// When the next attempt is due (queued only; null: at once; a digest's: when the digest
    /// is due).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When it was sent.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Past this it is not sent.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// When its status last changed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

/// The deliveries of a notification, one per channel other than the inbox.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "channel": "email", "status": "queued", "attempts": 1,
    "last_error": "SMTP 451: try again later",
    "queued_at": "2026-03-16T11:20:00Z", "next_attempt_at": "2026-03-16T11:21:10Z",
    "sent_at": null, "expires_at": "2026-03-19T11:20:00Z", "updated_at": "2026-03-16T11:20:01Z"
}]}))]
pub struct DeliveryList {
    /// By channel.
    #[schema(max_items = 3)]
    pub items: Vec<Delivery>,
}
