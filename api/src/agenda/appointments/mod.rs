//! Appointments (appuntamenti): booked as a draft by the employer or their delegate, confirmed
//! by taking a seat atomically, then cancelled, closed or rescheduled; read by the employer,
//! their delegates and the operators whose reach covers the point.
//!
//! - [`handlers`]: book, confirm, show;
//! - [`wire`]: the appointment with its quesiti and history; the draft; the changes;
//! - [`use_cases`]: `create_appointment`, `confirm_appointment`, `show_appointment`.

pub mod handlers;
pub mod use_cases;
pub mod wire;
