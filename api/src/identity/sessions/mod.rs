//! Sessions: `POST /v1/sessions` (login with an identity assertion) and
//! `DELETE /v1/sessions/current` (logout).
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`login`, `logout`).
//! The name-mismatch rule is `inps_domain::person::name_mismatch`.

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
pub use wire::PersonView;
