//! `/v1/webhook-subscriptions`: webhooks for integrators. A person subscribes an HTTPS URL to
//! event types and gets a signing secret once; the outbox queues a delivery of each event they
//! receive to each active subscription taking its type, and the delivery worker sends it signed
//! as Standard Webhooks, with retries, a delivery log, manual retry and replay.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`create_subscription`,
//! `list_subscriptions`, `show_subscription`, `delete_subscription`, `deliveries`,
//! `retry_delivery`, `replay`), `delivery` (queueing for the outbox, signing, the address
//! checks at send time, the worker's `deliver_due`), `secrets` (signing secrets sealed at rest).
//! The rules are in `inps_domain::webhook`.

pub mod delivery;
mod handlers;
pub mod secrets;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
