//! `/v1/me`: who I am, my roles and onboarding state, my contacts and consents.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`show_me`,
//! `replace_contacts`, `give_consents`). The rules (onboarding, contact verification, the
//! current version of a consent) are in `inps_domain::person`.

pub(crate) mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
pub use wire::Contacts;
