//! The year at a glance: `GET /v1/workers/{tax_code}/dashboard` (earned, paid by INPS, not yet
//! paid, disputed, limits) and `GET /v1/clients/{id}/dashboard` (spent, services by status,
//! wallet, limits). The sums are [`inps_domain::occasional::payment::YearSummary`]; the limits
//! are the same computation as `.../limits`.
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the response bodies;
//! - [`use_cases`]: [`use_cases::worker_dashboard`], [`use_cases::client_dashboard`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
