//! Delegations (deleghe) and the register of qualified intermediaries: who may act for whom,
//! on which service, within which scopes, until when; roles granted by operators.

pub mod intermediaries;
pub mod lifecycle;

/// Mounts the delegations context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(intermediaries::register_intermediary)
        .service(intermediaries::show_intermediary)
        .service(intermediaries::grant_role)
        .service(intermediaries::revoke_role)
        .service(lifecycle::list_delegations)
        .service(lifecycle::create_delegation)
        .service(lifecycle::show_delegation)
        .service(lifecycle::accept_delegation)
        .service(lifecycle::reject_delegation)
        .service(lifecycle::revoke_delegation);
}
