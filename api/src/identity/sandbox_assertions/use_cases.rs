//! Signing a sandbox assertion: the use case behind the endpoint and the command line.

use diesel::PgConnection;
use time::OffsetDateTime;

use crate::identity::sandbox::SandboxAssertionRequest;
use crate::refusal::Refusal;
use crate::trust::IdentityTrust;

/// Signs `cmd` with the sandbox identity provider for `audience`; not found outside sandbox
/// mode, where the provider does not exist.
pub fn sign_sandbox_assertion(
    conn: &mut PgConnection,
    trust: &IdentityTrust,
    audience: &str,
    cmd: &SandboxAssertionRequest,
    now: OffsetDateTime,
) -> Result<String, Refusal> {
    let idp = trust
        .sandbox(conn, now)
        .map_err(|e| e.refusal)?
        .ok_or_else(Refusal::not_found)?;
    let jti = uuid::Uuid::new_v4().to_string();
    idp.sign(cmd, audience, now, &jti)
        .map_err(Refusal::internal)
}
