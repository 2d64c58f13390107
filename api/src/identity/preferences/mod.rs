//! `GET|PUT /v1/me/notification-preferences`: per event type, the channels and frequency.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`show_preferences`,
//! `replace_preferences`). The rule is `inps_domain::notification::preferences`.

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
