//! Mounts every bounded context under `/v1`. Each context (`identity`, `delegations`,
//! `cassetto`, `audit`, `notifications`, `assistance`) registers its own operations; each handler's `#[utoipa::path]` documents
//! it in the contract through the same registration.

/// Mounts every resource of `/v1`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(crate::status::show_status);
    crate::identity::configure(cfg);
    crate::delegations::configure(cfg);
    crate::audit::configure(cfg);
    crate::cassetto::configure(cfg);
    crate::notifications::configure(cfg);
    crate::assistance::configure(cfg);
    crate::occasional::configure(cfg);
    crate::agenda::configure(cfg);
}
