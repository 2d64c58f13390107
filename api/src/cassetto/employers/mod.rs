//! `GET /v1/employers/{tax_code}`: the household employer's own data in the cassetto, for the
//! employer, an intermediary with an active domestic-work delegation, and operators.
//!
//! - [`handlers`]: the HTTP operation (extract, call the use case, map);
//! - [`wire`]: the response body of the contract, with its example;
//! - [`use_cases`]: the use case, [`use_cases::show_employer`].

pub mod handlers;
pub mod use_cases;
pub mod wire;
