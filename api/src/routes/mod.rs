//! The resources of the API, one module each. [`configure`] mounts them under `/v1`; each
//! handler's `#[utoipa::path]` documents it in the contract through the same registration.

pub mod status;

/// Mounts every resource of `/v1`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(status::show_status);
}
