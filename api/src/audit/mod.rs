//! The accountability log as a resource: operators list events and verify the hash chain.

pub mod events;

/// Mounts the audit context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(events::list_audit_events)
        .service(events::verify_audit_chain);
}
