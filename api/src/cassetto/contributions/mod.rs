//! Quarterly contributions of an employment: the statement (what was paid in the last five years
//! and what is due, with deadlines, status and totals) and the recording of pagoPA payments
//! (operators, `inps-api import contribution-payments`, the demo seeder).
//!
//! - [`handlers`]: the HTTP operations (extract, call one use case, map);
//! - [`wire`]: the request and response bodies of the contract, with their examples;
//! - [`use_cases`]: [`use_cases::contribution_statement`] and [`use_cases::record_payment`].
//!
//! The rules are in `inps_domain::contribution`: `statement::contribution_statement` (which
//! quarters, status, totals, the five-year window, the filters) and `payment::check_payment`
//! (quarter, amount, day of payment, prescription).

pub mod handlers;
pub mod use_cases;
pub mod wire;
