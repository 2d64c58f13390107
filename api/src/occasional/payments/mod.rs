//! INPS payouts to occasional workers (art. 54-bis c.19): the operators' monthly run (`POST
//! /v1/payment-runs`, `GET /v1/payment-runs/{id}`), the back-office outcomes (`POST
//! /v1/payments/{id}/outcome`), and the reads (`GET /v1/payments/{id}`, its PDF `receipt`,
//! `GET /v1/workers/{tax_code}/payments`). The rules are
//! [`inps_domain::occasional::payment`].
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: the run, the outcomes, the reads;
//! - [`receipt`]: the PDF receipt.

pub mod handlers;
pub mod receipt;
pub mod use_cases;
pub mod wire;
