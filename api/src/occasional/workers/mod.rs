//! `/v1/workers`: the occasional worker (prestatore) registers after the onboarding consents
//! with a self-declaration and a payment method, and keeps them current.
//!
//! - [`handlers`]: the HTTP operations;
//! - [`wire`]: the request and response bodies;
//! - [`use_cases`]: [`use_cases::register_worker`], [`use_cases::show_worker`],
//!   [`use_cases::replace_declaration`], [`use_cases::replace_payment_method`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
