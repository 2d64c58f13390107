//! `/v1/clients`: occasional-work clients (utilizzatori), a person using the Libretto Famiglia
//! or a business using PrestO through its legal representative.
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: [`use_cases::record_client`], [`use_cases::show_client`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
