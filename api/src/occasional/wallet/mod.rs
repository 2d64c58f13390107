//! The client's wallet (portafoglio): fundings by payment notice (`POST
//! /v1/clients/{id}/fundings`), their back-office settlement (`POST
//! /v1/fundings/{id}/settlement`) and the balance (`GET /v1/clients/{id}/wallet`). Services
//! commit funds and revocations release them (`super::services`).
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: [`use_cases::request_funding`], [`use_cases::settle_funding`],
//!   [`use_cases::show_wallet`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
