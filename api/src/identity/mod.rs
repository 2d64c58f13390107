//! Identity and sessions: verification of the signed assertion the SPID/CIE front end hands us,
//! the sandbox identity provider that mints such assertions outside production, sessions
//! (login, logout), the person's own profile (`/me`: contacts, consents, notification
//! preferences).
//!
//! Each resource (`sessions`, `sandbox_assertions`, `me`, `preferences`) is a folder with its
//! `handlers`, `wire` types and `use_cases`; the rules are in `inps_domain::person` and
//! `inps_domain::notification`.

pub mod assertion;
pub mod keys;
pub mod me;
pub mod preferences;
pub mod sandbox;
pub mod sandbox_assertions;
pub mod sessions;
pub mod verifications;

pub use assertion::{
    AssertionError, AssertionPolicy, Idp, KeyConfigError, Level, TrustedKey, TrustedKeys,
    VerifiedAssertion, verify,
};
pub use sandbox::{
    SANDBOX_ISSUER, SANDBOX_KID_PREFIX, SandboxAssertionRequest, SandboxError, SandboxIdp,
};

/// Mounts the identity context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(sessions::create_session)
        .service(sessions::delete_current_session)
        .service(sandbox_assertions::create_sandbox_assertion)
        .service(me::show_me)
        .service(me::replace_my_contacts)
        .service(me::give_my_consents)
        .service(preferences::show_my_notification_preferences)
        .service(preferences::replace_my_notification_preferences)
        .service(verifications::request_contact_verification)
        .service(verifications::confirm_contact_verification);
}
