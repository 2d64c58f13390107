//! Disputes (contestazioni) of occasional-work services: the worker asks the client for a
//! clarification with a reason code and a text (`POST /v1/services/{id}/disputes`), the client
//! answers or rectifies (`POST /v1/disputes/{id}/reply`), and both read it
//! (`GET /v1/disputes/{id}`, and a service's, `GET /v1/services/{id}/disputes`). The rules are
//! [`inps_domain::occasional::dispute`]; every step is stamped, audited and notified to both
//! parties.
//!
//! **Concurrency.** Every step locks the service row first (a rectification through
//! [`super::services::use_cases::rectify_service`], which locks the client, the worker and then
//! the service), and re-reads the dispute under that lock, so the steps of one service's
//! disputes never interleave; the unique index `occasional_disputes_one_open` keeps at most one
//! dispute of a service waiting (`opened` or `answered`).
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: [`use_cases::open_dispute`], [`use_cases::reply_to_dispute`],
//!   [`use_cases::show_dispute`], [`use_cases::service_disputes`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
