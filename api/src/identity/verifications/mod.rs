//! `/v1/me/contacts/verifications`: proving a contact on file (e-mail, PEC, mobile number) is
//! the caller's, with a one-time code sent to it, so that it can carry notifications.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`request_code`,
//! `confirm_code`). The rules are in `inps_domain::person::verification`; the code is kept only
//! as a keyed hash (`crate::delegations::lifecycle::code`) and sent at once through the
//! notification channels (`crate::notifications::worker::Senders`), never stored in clear,
//! logged, audited or answered.

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
