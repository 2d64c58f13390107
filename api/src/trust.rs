//! Which identity assertions the API trusts: the configured keys (`IDENTITY_JWKS_FILE`) and, in
//! sandbox mode only, the sandbox identity provider's key, stored in the database so that every
//! replica and the CLI share it.

use std::sync::{Arc, OnceLock};

use diesel::PgConnection;

use crate::error::ApiError;
use crate::identity::assertion::TrustedKeys;
use crate::identity::sandbox::SandboxIdp;
use crate::settings::{AppEnv, Settings};

/// The trust configuration.
#[derive(Debug)]
pub struct IdentityTrust {
    configured: TrustedKeys,
    sandbox_enabled: bool,
    sandbox: OnceLock<Arc<SandboxIdp>>,
}

/// Why the trusted keys could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: IDENTITY_JWKS_FILE: {0}")]
pub struct TrustError(String);

impl IdentityTrust {
    /// Loads the configured keys; the sandbox key is loaded on first use.
    pub fn from_settings(settings: &Settings) -> Result<Self, TrustError> {
        let configured = match &settings.identity_jwks_file {
            None => TrustedKeys::new(),
            Some(path) => {
                let json = std::fs::read_to_string(path)
                    .map_err(|e| TrustError(format!("cannot read {}: {e}", path.display())))?;
                TrustedKeys::from_jwks_json(&json, &settings.identity_issuer)
                    .map_err(|e| TrustError(e.to_string()))?
            }
        };
        Ok(Self {
            configured,
            sandbox_enabled: settings.app_env == AppEnv::Sandbox,
            sandbox: OnceLock::new(),
        })
    }

    /// Whether the sandbox identity provider is on.
    pub fn sandbox_enabled(&self) -> bool {
        self.sandbox_enabled
    }

    /// The sandbox identity provider (loading or creating its key), or `None` in production.
    pub fn sandbox(
        &self,
        conn: &mut PgConnection,
        now: time::OffsetDateTime,
    ) -> Result<Option<Arc<SandboxIdp>>, ApiError> {
        if !self.sandbox_enabled {
            return Ok(None);
        }
        if let Some(idp) = self.sandbox.get() {
            return Ok(Some(idp.clone()));
        }
        let pem = inps_persistence::sessions::sandbox_key_or_insert(
            conn,
            || {
                let idp = SandboxIdp::generate().ok()?;
                Some((idp.kid().to_owned(), idp.private_pem().to_owned()))
            },
            now,
        )?
        .ok_or_else(|| ApiError::internal("cannot create the sandbox key"))?;
        let idp = Arc::new(SandboxIdp::from_pkcs8_pem(&pem).map_err(ApiError::internal)?);
        Ok(Some(self.sandbox.get_or_init(|| idp).clone()))
    }

    /// Every key an assertion may be signed with right now.
    pub fn keys(
        &self,
        conn: &mut PgConnection,
        now: time::OffsetDateTime,
    ) -> Result<TrustedKeys, ApiError> {
        let mut keys = self.configured.clone();
        if let Some(idp) = self.sandbox(conn, now)? {
            keys.add(idp.trusted_key().map_err(ApiError::internal)?);
        }
        Ok(keys)
    }
}
