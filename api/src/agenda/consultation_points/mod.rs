//! Consultation points (punti di consulenza): their opening hours, closures and assigned office
//! operators, managed by operators; their free slots, listed for anyone booking.
//!
//! - [`handlers`]: list, create, set the opening hours, add a closure, assign or remove an
//!   operator, list the free slots;
//! - [`wire`]: the point, its opening hours (stored as sent), a closure, a free slot;
//! - [`use_cases`]: `points`, `create_point`, `set_opening_hours`, `add_closure`,
//!   `set_operator`, `free_slots`, and the operators' reach ([`use_cases::reach`]).

pub mod handlers;
pub mod use_cases;
pub mod wire;
