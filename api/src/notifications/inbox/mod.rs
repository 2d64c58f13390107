//! `/v1/notifications`: the caller's inbox (unread first, then newest; filters by type and
//! read state; keyset pages) and marking notifications read, one or in bulk.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (`inbox`, `mark_read`,
//! `mark_many_read`). A person sees only the notifications addressed to them; a delegate's
//! come from the outbox (`crate::notifications::outbox`), which addresses them at write time.

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
