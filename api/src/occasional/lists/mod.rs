//! Lists and exports of occasional-work services beyond `GET /v1/services`: a worker's
//! services (`GET /v1/workers/{tax_code}/services`), the CSV/JSON exports of a worker's, a
//! client's and a portfolio's services, and an intermediary's portfolio
//! (`GET /v1/portfolio/services`): the services of every subject whose occasional-work
//! delegation to the caller is in force and grants the `services` scope.
//!
//! An export covers at most 366 days and 10,000 services, read by keyset pages of 500: the
//! server never holds more than one page of services, and the file it answers is bounded.
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the filters and the CSV/JSON rendering;
//! - [`use_cases`]: [`use_cases::worker_services`], [`use_cases::export`],
//!   [`use_cases::portfolio_services`], [`use_cases::export_portfolio`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
