//! Webhook signing secrets at rest: sealed with AES-256-GCM, so a copy of the database (a dump,
//! a backup, a read-only leak) does not let anyone sign deliveries as this service. The clear
//! secret exists only in memory: when it is generated (and shown once) and when a delivery is
//! signed.
//!
//! The key is derived from `WEBHOOK_SECRET_KEY` (SHA-256 of a fixed label and the variable, so
//! the variable may be any string of 32 or more characters, and this key is never the one
//! another use of the same string would take). A sealed secret is `VERSION` (1 byte),
//! a random 96-bit nonce, then the ciphertext and its tag; the subscription id is authenticated
//! with it, so a sealed secret copied onto another row does not open. Changing
//! `WEBHOOK_SECRET_KEY` makes the sealed secrets unusable: the deliveries fail and the
//! subscriptions have to be created again.
//!
//! Subscriptions created before secrets were sealed keep a clear `secret` until
//! [`seal_clear_secrets`] runs (at each start, right after the migrations) or their first
//! delivery seals it.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use diesel::PgConnection;
use inps_persistence::webhooks as repo;
use sha2::{Digest as _, Sha256};

use crate::settings::Settings;

/// The format of a sealed secret this code writes.
const VERSION: u8 = 1;

const NONCE_BYTES: usize = 12;

/// What the key is derived for (a new label would make a new key).
const KEY_LABEL: &[u8] = b"inps webhook signing secrets v1";

/// A sealed secret that does not open: another key, another row, or altered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed webhook secret does not open (another key, another row, or altered)")]
pub struct Unsealable;

/// Seals and opens webhook signing secrets under the deployment's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// The box of `settings` (`WEBHOOK_SECRET_KEY`).
    pub fn from_settings(settings: &Settings) -> Self {
        Self::new(settings.webhook_secret_key.bytes())
    }

    /// A box whose key is derived from `key_material`.
    pub fn new(key_material: &[u8]) -> Self {
        let derived: [u8; 32] = Sha256::new()
            .chain_update(KEY_LABEL)
            .chain_update([0])
            .chain_update(key_material)
            .finalize()
            .into();
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(derived)),
        }
    }

    fn aad(subscription: uuid::Uuid) -> [u8; 17] {
        let mut aad = [0_u8; 17];
        aad[0] = VERSION;
        aad[1..].copy_from_slice(subscription.as_bytes());
        aad
    }

    /// `secret` sealed for subscription `subscription`.
    pub fn seal(&self, subscription: uuid::Uuid, secret: &str) -> Vec<u8> {
        let mut nonce = [0_u8; NONCE_BYTES];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        let aad = Self::aad(subscription);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: &aad,
        };
        // Encryption fails only past GCM's length limits (gigabytes), never for a secret.
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The secret `sealed` holds for subscription `subscription`.
    pub fn open(&self, subscription: uuid::Uuid, sealed: &[u8]) -> Result<String, Unsealable> {
        let (&version, rest) = sealed.split_first().ok_or(Unsealable)?;
        if version != VERSION || rest.len() < NONCE_BYTES {
            return Err(Unsealable);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| Unsealable)?;
        let aad = Self::aad(subscription);
        let payload = Payload {
            msg: ciphertext,
            aad: &aad,
        };
        let clear = self
            .cipher
            .decrypt(&Nonce::from(nonce), payload)
            .map_err(|_| Unsealable)?;
        String::from_utf8(clear).map_err(|_| Unsealable)
    }
}

/// Seals every secret still stored in clear, `batch` rows per statement (each locked while it
/// is sealed, so replicas starting together share the work); returns how many.
pub fn seal_clear_secrets(
    conn: &mut PgConnection,
    secrets: &SecretBox,
    batch: i64,
) -> diesel::QueryResult<usize> {
    let mut sealed = 0;
    loop {
        let found = diesel::Connection::transaction(conn, |conn| {
            let rows = repo::clear_secrets(conn, batch)?;
            for (id, clear) in &rows {
                repo::seal_secret(conn, *id, &secrets.seal(*id, clear))?;
            }
            diesel::QueryResult::Ok(rows.len())
        })?;
        sealed += found;
        if i64::try_from(found).unwrap_or(i64::MAX) < batch {
            return Ok(sealed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_row() {
        let secrets = SecretBox::new(b"a-test-key-of-at-least-32-characters");
        let (id, other) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAw";
        let sealed = secrets.seal(id, secret);
        assert!(
            !sealed.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "not in clear"
        );
        assert_ne!(sealed, secrets.seal(id, secret), "a fresh nonce each time");
        assert_eq!(secrets.open(id, &sealed).as_deref(), Ok(secret));
        assert_eq!(secrets.open(other, &sealed), Err(Unsealable), "another row");
        let another_key = SecretBox::new(b"another-key-of-at-least-32-characters");
        assert_eq!(another_key.open(id, &sealed), Err(Unsealable));
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(secrets.open(id, &altered), Err(Unsealable));
        assert_eq!(secrets.open(id, &[]), Err(Unsealable));
        assert_eq!(secrets.open(id, &sealed[..5]), Err(Unsealable));
    }
}
