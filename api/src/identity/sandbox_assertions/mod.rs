//! `POST /v1/sandbox/assertions`: the sandbox identity provider signs an assertion, as an
//! authentication front end would after a SPID/CIE login (never in production).
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases`
//! (`sign_sandbox_assertion`, also run by `inps-api sandbox-assertion`).

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
