//! Agenda Appuntamenti (issue 10): consultation points with their opening hours and free slots,
//! and appointments booked at them to discuss quesiti answered negatively or not in time.
//!
//! One folder per resource, split as the other contexts (`handlers.rs`, `wire.rs`,
//! `use_cases.rs`). The rules are in `inps_domain::agenda`; the seats are taken atomically by
//! `inps_persistence::agenda::take_seat`.
//!
//! Operators: an operator assigned to no consultation point is a **central operator** (sees and
//! acts on every point and appointment); one assigned to some points is an **office operator**
//! (sees and acts on those points' appointments only).

pub mod appointments;
pub mod consultation_points;

/// Mounts the agenda's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    use self::{appointments::handlers as a, consultation_points::handlers as c};
    cfg.service(c::list_consultation_points)
        .service(c::create_consultation_point)
        .service(c::set_consultation_point_opening_hours)
        .service(c::add_consultation_point_closure)
        .service(c::assign_consultation_point_operator)
        .service(c::remove_consultation_point_operator)
        .service(c::list_consultation_point_slots);
    a::configure(cfg);
}
