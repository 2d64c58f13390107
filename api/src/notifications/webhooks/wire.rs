//! The wire types of `/v1/webhook-subscriptions`.

use inps_persistence::webhooks::{DeliveryRow, Subscription as Stored};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

pub use crate::identity::preferences::wire::EventType;
pub use crate::notifications::inbox::wire::DeliveryStatus;
use crate::refusal::Refusal;

/// A subscription to create.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://gestionale.studio-romano.example/inps/webhooks",
    "event_types": ["inquiry_answered", "delegation_revoked"]
}))]
pub struct NewSubscription {
    /// Where deliveries are POSTed: `https://` (in the sandbox also `http://`), a public
    /// address (loopback, private, link-local and reserved addresses are refused, also after
    /// DNS resolution), no credentials, no fragment.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: String,
    /// The event types to receive.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub event_types: Vec<EventType>,
}

/// Whether a subscription receives deliveries.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Deliveries are queued and sent.
    Active,
    /// It kept failing and was disabled: nothing is queued or sent (create a new one).
    Disabled,
}

/// A webhook subscription (its secret is shown only when it is created).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b5e8c1d-7f3a-4e2b-9d6c-5a4f3e2d1c0b",
    "url": "https://gestionale.studio-romano.example/inps/webhooks",
    "event_types": ["delegation_revoked", "inquiry_answered"], "status": "active",
    "consecutive_failures": 0, "created_at": "2026-03-02T10:00:00Z",
    "updated_at": "2026-03-02T10:00:00Z", "disabled_at": null
}))]
pub struct Subscription {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Where deliveries are POSTed.
    #[schema(max_length = 2000)]
    pub url: String,
    /// The event types it receives.
    #[schema(max_items = 50)]
    pub event_types: Vec<EventType>,
    /// Active, or disabled after failing too often.
    pub status: SubscriptionStatus,
    /// Deliveries in a row that failed for good (a sent one resets it; 5 disable it).
    #[schema(format = Int32, minimum = 0)]
    pub consecutive_failures: i32,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When it was disabled.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
}

impl From<Stored> for Subscription {
    fn from(s: Stored) -> Self {
        Self {
            id: s.id,
            url: s.url,
            event_types: s.event_types.into_iter().map(EventType::from).collect(),
            status: if s.active {
                SubscriptionStatus::Active
            } else {
                SubscriptionStatus::Disabled
            },
            consecutive_failures: s.consecutive_failures,
            created_at: s.created_at,
            updated_at: s.updated_at,
            disabled_at: s.disabled_at,
        }
    }
}

/// A subscription just created, with its signing secret: shown this once, never again.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b5e8c1d-7f3a-4e2b-9d6c-5a4f3e2d1c0b",
    "url": "https://gestionale.studio-romano.example/inps/webhooks",
    "event_types": ["delegation_revoked", "inquiry_answered"], "status": "active",
    "consecutive_failures": 0, "created_at": "2026-03-02T10:00:00Z",
    "updated_at": "2026-03-02T10:00:00Z", "disabled_at": null,
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9J3fA1Fq8Ac="
}))]
pub struct CreatedSubscription {
    /// The subscription.
    #[serde(flatten)]
    pub subscription: Subscription,
    /// The signing secret (Standard Webhooks: `whsec_` + base64 key; the HMAC key is the
    /// decoded bytes). Keep it: it is not shown again.
    #[schema(max_length = 100)]
    pub secret: String,
}

/// The caller's subscriptions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct SubscriptionList {
    /// Newest first.
    pub items: Vec<Subscription>,
}

/// One delivery of an event to a subscription.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "event_id": "5d1f7c3a-2b4e-4f8a-9c61-0e3b7a2d9f14",
    "status": "queued", "attempts": 1, "last_error": "HTTP 500", "response_status": 500,
    "queued_at": "2026-03-16T11:20:00Z", "next_attempt_at": "2026-03-16T11:21:10Z",
    "sent_at": null, "expires_at": "2026-03-19T11:20:00Z", "updated_at": "2026-03-16T11:20:01Z"
}))]
pub struct WebhookDelivery {
    /// Identifier (of this delivery).
    pub id: uuid::Uuid,
    /// The event delivered: the `webhook-id` header, the same on every retry and replay.
    pub event_id: uuid::Uuid,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    #[schema(format = Int32, minimum = 0, maximum = 100)]
    pub attempts: i32,
    /// Why the last attempt failed (`withheld: ...` when the owner may no longer see the
    /// subject or the subscription is disabled: nothing was sent).
    #[schema(max_length = 500)]
    pub last_error: Option<String>,
    /// The receiver's HTTP status on the last attempt.
    #[schema(format = Int32, minimum = 100, maximum = 599)]
    pub response_status: Option<i32>,
    /// When it was queued.
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
    /// When the next attempt is due (queued only).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When it was sent.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Past this it is not sent.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// When its status last changed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = Refusal;

    fn try_from(row: DeliveryRow) -> Result<Self, Refusal> {
        let status = DeliveryStatus::from_stored(&row.status).ok_or_else(|| {
            Refusal::internal(format!("webhook_deliveries {}: bad status", row.id))
        })?;
        Ok(Self {
            id: row.id,
            event_id: row.event_id,
            status,
            attempts: row.attempts,
            last_error: row.last_error,
            response_status: row.response_status,
            queued_at: row.created_at,
            next_attempt_at: row.next_attempt_at,
            sent_at: row.sent_at,
            expires_at: row.expires_at,
            updated_at: row.updated_at,
        })
    }
}

/// A page of a subscription's delivery log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct DeliveryPage {
    /// Newest first.
    pub items: Vec<WebhookDelivery>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// Which events to deliver again.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"since": "2026-03-01T00:00:00Z"}))]
pub struct Replay {
    /// Every event from this time on (inclusive; not in the future).
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// How many deliveries a replay queued.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"queued": 12}))]
pub struct Replayed {
    /// Deliveries queued (at most 1000).
    #[schema(format = Int64, minimum = 0, maximum = 1000)]
    pub queued: i64,
}
