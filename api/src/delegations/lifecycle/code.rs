//! Verification codes: the 8 digits the delegator hands to the intermediary. Only a keyed hash
//! is stored, HMAC-SHA-256 under the server's `DELEGATION_CODE_SECRET` over `id:code`: with a
//! plain hash a database dump would give every code away in at most 10^8 tries each; without
//! the key it gives nothing. The contact verification codes (`crate::identity::verifications`)
//! are kept the same way, over what they verify instead of a delegation id.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::refusal::Refusal;
use crate::settings::SecretKey;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &SecretKey, id: impl std::fmt::Display, code: &str) -> Result<HmacSha256, Refusal> {
    let mut mac = HmacSha256::new_from_slice(secret.bytes()).map_err(Refusal::internal)?;
    mac.update(format!("{id}:{code}").as_bytes());
    Ok(mac)
}

/// A fresh random 8-digit code.
pub fn new_code() -> Result<String, Refusal> {
    use rand_core::RngCore as _;
    let mut bytes = [0u8; 8];
    rand_core::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(Refusal::internal)?;
    Ok(format!("{:08}", u64::from_le_bytes(bytes) % 100_000_000))
}

/// What is stored for `code` of delegation (or verified contact) `id`.
pub fn code_hash(
    secret: &SecretKey,
    id: impl std::fmt::Display,
    code: &str,
) -> Result<Vec<u8>, Refusal> {
    Ok(mac(secret, id, code)?.finalize().into_bytes().to_vec())
}

/// Whether `code` is the one whose hash is `stored` (compared in constant time).
pub fn code_matches(
    secret: &SecretKey,
    id: impl std::fmt::Display,
    code: &str,
    stored: &[u8],
) -> Result<bool, Refusal> {
    Ok(mac(secret, id, code)?.verify_slice(stored).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{SANDBOX_DELEGATION_CODE_SECRET, Settings};

    fn key(text: &str) -> SecretKey {
        let text = text.to_owned();
        let settings = Settings::from_lookup(move |name| {
            (name == "DELEGATION_CODE_SECRET").then(|| text.clone())
        })
        .unwrap();
        settings.delegation_code_secret
    }

    #[test]
    fn a_code_verifies_only_under_its_key_and_for_its_delegation() {
        let (id, other_id) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        let sandbox = key(SANDBOX_DELEGATION_CODE_SECRET);
        let other = key(&"x".repeat(40));
        let stored = code_hash(&sandbox, id, "04718263").unwrap();
        assert_eq!(stored.len(), 32);
        assert!(code_matches(&sandbox, id, "04718263", &stored).unwrap());
        assert!(!code_matches(&sandbox, id, "04718264", &stored).unwrap());
        assert!(!code_matches(&sandbox, other_id, "04718263", &stored).unwrap());
        assert!(!code_matches(&other, id, "04718263", &stored).unwrap());
        assert_ne!(stored, code_hash(&other, id, "04718263").unwrap());
    }

    #[test]
    fn codes_are_eight_digits() {
        for _ in 0..50 {
            let code = new_code().unwrap();
            assert!(
                code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
        }
    }
}
