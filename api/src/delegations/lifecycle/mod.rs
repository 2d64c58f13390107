//! Delegations (deleghe): a subject authorizes a qualified intermediary to act on one service,
//! within scopes and a validity window. Lifecycle: pending → active (the intermediary accepts
//! with the verification code the delegator received) or rejected; active → revoked (either
//! side) or expired (by date). For domestic work, activating a delegation ends the previous
//! one in the same transaction (INPS msg. 465/2017).
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (one function per use
//! case, called by the handlers and the demo seeder), `code` (verification codes and their
//! keyed hash), `refusals` (the rules' errors as problems). The rules are in
//! `inps_domain::delegation`.

pub(crate) mod code;
mod handlers;
mod refusals;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
