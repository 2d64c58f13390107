//! `/v1/services`: occasional-work services (prestazioni), each checked against every rule and
//! limit in one transaction; revocation within the legal window; lists; and the year's limits
//! of workers and clients (`GET /v1/workers/{tax_code}/limits`, `GET /v1/clients/{id}/limits`).
//!
//! **Concurrency.** A service is judged on the year's totals of its worker, its client and
//! their pair, which are sums over the stored services. Recording or revoking one locks the
//! client row and then the worker row (`SELECT ... FOR UPDATE`, always in that order, so two
//! such transactions never wait on each other crosswise and cannot deadlock). Every transaction
//! that changes a total of a worker, a client or a pair holds both rows, so while one holds them
//! no other can add to the totals it read: concurrent services are judged one after the other
//! and the accepted total never passes a limit. The client lock also guards the wallet.
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: [`use_cases::record_service`], [`use_cases::show_service`],
//!   [`use_cases::revoke_service`], [`use_cases::list_services`], [`use_cases::worker_limits`],
//!   [`use_cases::client_limits`].

pub mod handlers;
pub mod refusals;
pub mod use_cases;
pub mod wire;
