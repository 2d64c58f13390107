//! The resources of the API, one module each. [`configure`] mounts them under `/v1`; each
//! handler's `#[utoipa::path]` documents it in the contract through the same registration.

pub mod audit_events;
pub mod contributions;
pub mod delegations;
pub mod employers;
pub mod employments;
pub mod inquiries;
pub mod intermediaries;
pub mod me;
pub mod preferences;
pub mod sandbox;
pub mod sessions;
pub mod status;

/// Mounts every resource of `/v1`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(status::show_status)
        .service(sessions::create_session)
        .service(sessions::delete_current_session)
        .service(sandbox::create_sandbox_assertion)
        .service(me::show_me)
        .service(me::replace_my_contacts)
        .service(me::give_my_consents)
        .service(preferences::show_my_notification_preferences)
        .service(preferences::replace_my_notification_preferences)
        .service(intermediaries::register_intermediary)
        .service(intermediaries::show_intermediary)
        .service(intermediaries::grant_role)
        .service(intermediaries::revoke_role)
        .service(delegations::list_delegations)
        .service(delegations::create_delegation)
        .service(delegations::show_delegation)
        .service(delegations::accept_delegation)
        .service(delegations::reject_delegation)
        .service(delegations::revoke_delegation)
        .service(audit_events::list_audit_events)
        .service(audit_events::verify_audit_chain)
        .service(employers::show_employer)
        .service(employments::create_employment)
        .service(employments::list_employer_employments)
        .service(employments::show_employment)
        .service(contributions::list_contributions)
        .service(contributions::record_contribution_payment)
        .service(inquiries::list_inquiry_topics)
        .service(inquiries::change_inquiry_topic)
        .service(inquiries::send_inquiry_endpoint)
        .service(inquiries::list_inquiries)
        .service(inquiries::show_inquiry)
        .service(inquiries::download_inquiry_attachment)
        .service(inquiries::answer_inquiry_endpoint);
}
