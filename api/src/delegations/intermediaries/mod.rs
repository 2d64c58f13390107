//! The register of qualified intermediaries (circ. INPS 49/2011: only they can be delegates)
//! and role grants, both by operators.
//!
//! `handlers` (HTTP), `wire` (request and response types), `use_cases` (register an
//! intermediary, set a role: called by the handlers, the command line and the demo seeder).

mod handlers;
pub mod use_cases;
pub mod wire;

pub use handlers::*;
pub use wire::{NewIntermediary, tax_code_field};
