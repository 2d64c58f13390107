//! The accountability log as a resource: who did what on whose data. A subject sees who acted
//! on its data, an intermediary its own actions, an operator everything; operators can verify
//! the hash chain.
//!
//! `handlers` (HTTP), `wire` (response and filter types), `use_cases` (`list_events`,
//! `verify_chain`). The hash-chain rule is `inps_domain::audit`.

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
