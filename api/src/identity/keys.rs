//! The keys identity assertions may be signed with: a JWKS file or PEM public keys, RS256
//! (at least 2048 bits) and ES256 only, each bound to one issuer and looked up by `kid`. Keys are
//! configuration: a key that cannot be used is an error at startup, never skipped.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::DecodePublicKey as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::Value;

/// Smallest RSA modulus accepted; the SPID/CIE OIDC federation rules require at least 2048 bits.
const MIN_RSA_BITS: usize = 2048;

/// Why a verification key could not be configured. Keys are configuration: a key we cannot use
/// is reported, never skipped, so a bad JWKS fails at startup rather than at the first login.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyConfigError {
    /// The JWKS document is not JSON.
    #[error("the JWKS document is not valid JSON: {reason}")]
    InvalidJson {
        /// The parser's message.
        reason: String,
    },
    /// The document has no `keys` array.
    #[error("the JWKS document has no \"keys\" array")]
    MissingKeys,
    /// The `keys` array is empty: no assertion could ever be verified.
    #[error("the JWKS document contains no keys")]
    NoKeys,
    /// A JWKS entry has no (or an empty) `kid`, so tokens could not name it.
    #[error("key number {index} of the JWKS has no \"kid\"")]
    MissingKid {
        /// 0-based position in the `keys` array.
        index: usize,
    },
    /// A key id was given as the empty string.
    #[error("the key id is empty")]
    EmptyKid,
    /// An issuer was given as the empty string.
    #[error("the issuer of key {kid} is empty")]
    EmptyIssuer {
        /// The key id.
        kid: String,
    },
    /// Two keys of one JWKS share a `kid`, so a token's `kid` would be ambiguous.
    #[error("the key id {kid} appears more than once in the JWKS")]
    DuplicateKid {
        /// The repeated key id.
        kid: String,
    },
    /// The key is for an algorithm other than RS256 or ES256.
    #[error("key {kid}: algorithm {algorithm} is not accepted (only RS256 and ES256)")]
    UnsupportedAlgorithm {
        /// The key id.
        kid: String,
        /// The algorithm named.
        algorithm: String,
    },
    /// The key's type, curve or use is not one we verify assertions with.
    #[error("key {kid} is not supported: {reason}")]
    UnsupportedKey {
        /// The key id.
        kid: String,
        /// What is unsupported.
        reason: String,
    },
    /// The key material is unusable (bad encoding, not on the curve, too short, private).
    #[error("key {kid} is invalid: {reason}")]
    InvalidKey {
        /// The key id.
        kid: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A public key trusted to sign identity assertions for one issuer.
#[derive(Clone)]
pub struct TrustedKey {
    kid: String,
    issuer: String,
    algorithm: Algorithm,
    key: DecodingKey,
}

impl TrustedKey {
    /// The key material, for signature checks.
    pub(crate) fn decoding_key(&self) -> &DecodingKey {
        &self.key
    }

    /// Wraps an already decoded key. Only RS256 and ES256 are accepted, and the key must belong to
    /// the algorithm's family (an RSA key for RS256, an EC key for ES256).
    pub fn new(
        kid: impl Into<String>,
        issuer: impl Into<String>,
        algorithm: Algorithm,
        key: DecodingKey,
    ) -> Result<Self, KeyConfigError> {
        let kid = kid.into();
        let issuer = issuer.into();
        if kid.is_empty() {
            return Err(KeyConfigError::EmptyKid);
        }
        if issuer.is_empty() {
            return Err(KeyConfigError::EmptyIssuer { kid });
        }
        let family = match algorithm {
            Algorithm::RS256 => AlgorithmFamily::Rsa,
            Algorithm::ES256 => AlgorithmFamily::Ec,
            other => {
                return Err(KeyConfigError::UnsupportedAlgorithm {
                    kid,
                    algorithm: format!("{other:?}"),
                });
            }
        };
        if key.family() != family {
            return Err(KeyConfigError::UnsupportedKey {
                kid,
                reason: format!("the key does not fit algorithm {algorithm:?}"),
            });
        }
        Ok(Self {
            kid,
            issuer,
            algorithm,
            key,
        })
    }

    /// The key id tokens name in their header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The only issuer whose tokens this key may sign.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// RS256 or ES256.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

impl fmt::Debug for TrustedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key bytes are public, but dumping them into logs is noise and invites confusion.
        f.debug_struct("TrustedKey")
            .field("kid", &self.kid)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// The set of keys assertions may be signed with, looked up by `kid`.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<TrustedKey>,
}

impl TrustedKeys {
    /// An empty set (verifies nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key. A key with the same `kid` is replaced: a `kid` names exactly one key, and
    /// replacing is how a rotated key is reloaded.
    pub fn add(&mut self, key: TrustedKey) {
        self.keys.retain(|existing| existing.kid != key.kid);
        self.keys.push(key);
    }

    /// Reads a JWKS document (`{"keys": [...]}`) whose keys all sign for `issuer`.
    ///
    /// Accepts RSA keys (`kty` RSA, `n`, `e`, at least 2048 bits) for RS256 and P-256 keys
    /// (`kty` EC, `crv` P-256, `x`, `y`) for ES256. Every key needs a `kid`; `alg`, if present,
    /// must be RS256 or ES256 and match the key type; `use`, if present, must be `sig`. Any other
    /// key is an error naming it rather than being skipped.
    pub fn from_jwks_json(json: &str, issuer: &str) -> Result<Self, KeyConfigError> {
        let document: Value =
            serde_json::from_str(json).map_err(|error| KeyConfigError::InvalidJson {
                reason: error.to_string(),
            })?;
        let entries = document
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(KeyConfigError::MissingKeys)?;
        if entries.is_empty() {
            return Err(KeyConfigError::NoKeys);
        }
        let mut set = Self::new();
        for (index, jwk) in entries.iter().enumerate() {
            let kid = jwk
                .get("kid")
                .and_then(Value::as_str)
                .filter(|kid| !kid.is_empty())
                .ok_or(KeyConfigError::MissingKid { index })?;
            if set.get(kid).is_some() {
                return Err(KeyConfigError::DuplicateKid {
                    kid: kid.to_owned(),
                });
            }
            let key = key_from_jwk(jwk, kid, issuer)?;
            set.keys.push(key);
        }
        Ok(set)
    }

    /// Adds a public key in PEM form (`PUBLIC KEY`, or `RSA PUBLIC KEY` for RS256), replacing any
    /// key with the same `kid`.
    pub fn add_pem(
        &mut self,
        kid: &str,
        issuer: &str,
        algorithm: Algorithm,
        pem: &[u8],
    ) -> Result<(), KeyConfigError> {
        let invalid = |reason: String| KeyConfigError::InvalidKey {
            kid: kid.to_owned(),
            reason,
        };
        let text = std::str::from_utf8(pem).map_err(|_| invalid("the PEM is not UTF-8".into()))?;
        let key = match algorithm {
            Algorithm::RS256 => {
                // SPKI (`PUBLIC KEY`) is what openssl writes today; PKCS#1 is still common.
                let public = rsa::RsaPublicKey::from_public_key_pem(text)
                    .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(text))
                    .map_err(|_| invalid("not an RSA public key PEM".into()))?;
                rsa_decoding_key(&public, kid)?
            }
            Algorithm::ES256 => {
                let public = p256::PublicKey::from_public_key_pem(text)
                    .map_err(|_| invalid("not a P-256 public key PEM".into()))?;
                DecodingKey::from_ec_der(public.to_encoded_point(false).as_bytes())
            }
            other => {
                return Err(KeyConfigError::UnsupportedAlgorithm {
                    kid: kid.to_owned(),
                    algorithm: format!("{other:?}"),
                });
            }
        };
        self.add(TrustedKey::new(kid, issuer, algorithm, key)?);
        Ok(())
    }

    /// The key with this `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    /// Whether the set has no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// Builds a [`TrustedKey`] from one JWKS entry whose `kid` is already known.
fn key_from_jwk(jwk: &Value, kid: &str, issuer: &str) -> Result<TrustedKey, KeyConfigError> {
    let unsupported = |reason: String| KeyConfigError::UnsupportedKey {
        kid: kid.to_owned(),
        reason,
    };
    let invalid = |reason: String| KeyConfigError::InvalidKey {
        kid: kid.to_owned(),
        reason,
    };
    if let Some(key_use) = jwk.get("use")
        && key_use.as_str() != Some("sig")
    {
        return Err(unsupported(format!("\"use\" is {key_use}, not \"sig\"")));
    }
    // A JWKS is public; a private exponent in it means the issuer's key has leaked.
    if jwk.get("d").is_some() {
        return Err(invalid(
            "the JWK contains private key material (\"d\")".into(),
        ));
    }
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
    let algorithm = match kty {
        "RSA" => Algorithm::RS256,
        "EC" => Algorithm::ES256,
        "" => return Err(unsupported("the JWK has no \"kty\"".into())),
        other => return Err(unsupported(format!("key type {other:?}"))),
    };
    if let Some(alg) = jwk.get("alg") {
        let expected = if algorithm == Algorithm::RS256 {
            "RS256"
        } else {
            "ES256"
        };
        match alg.as_str() {
            Some(name) if name == expected => {}
            Some("RS256" | "ES256") => {
                return Err(unsupported(format!("a {kty} key cannot be used for {alg}")));
            }
            _ => {
                return Err(KeyConfigError::UnsupportedAlgorithm {
                    kid: kid.to_owned(),
                    algorithm: alg.to_string(),
                });
            }
        }
    }
    let member = |name: &str| -> Result<Vec<u8>, KeyConfigError> {
        let text = jwk
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("missing \"{name}\"")))?;
        // JWKs use unpadded base64url, but some publishers pad it; both decode the same.
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| invalid(format!("\"{name}\" is not base64url")))
    };
    let key = if algorithm == Algorithm::RS256 {
        let modulus = rsa::BigUint::from_bytes_be(&member("n")?);
        let exponent = rsa::BigUint::from_bytes_be(&member("e")?);
        let public = rsa::RsaPublicKey::new(modulus, exponent)
            .map_err(|error| invalid(format!("not a usable RSA key: {error}")))?;
        rsa_decoding_key(&public, kid)?
    } else {
        let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or_default();
        if crv != "P-256" {
            return Err(unsupported(format!("curve {crv:?} (only P-256)")));
        }
        let (x, y) = (member("x")?, member("y")?);
        if x.len() != 32 || y.len() != 32 {
            return Err(invalid("P-256 coordinates must be 32 bytes".into()));
        }
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        // Checks the point is on the curve now, rather than failing every verification later.
        let public = p256::PublicKey::from_sec1_bytes(&point)
            .map_err(|_| invalid("the point is not on the P-256 curve".into()))?;
        DecodingKey::from_ec_der(public.to_encoded_point(false).as_bytes())
    };
    TrustedKey::new(kid, issuer, algorithm, key)
}

/// Checks an RSA key's size and turns it into a decoding key.
fn rsa_decoding_key(public: &rsa::RsaPublicKey, kid: &str) -> Result<DecodingKey, KeyConfigError> {
    let bits = public.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(KeyConfigError::InvalidKey {
            kid: kid.to_owned(),
            reason: format!("the RSA modulus has {bits} bits, fewer than {MIN_RSA_BITS}"),
        });
    }
    Ok(DecodingKey::from_rsa_raw_components(
        &public.n().to_bytes_be(),
        &public.e().to_bytes_be(),
    ))
}
