//! Verification of the signed identity assertion (a JWT) that the authentication front end hands
//! us after completing the SPID/CIE OIDC flow.
//!
//! The signature is checked with `jsonwebtoken`, but every time-based and semantic claim is
//! checked here against the `now` the caller passes in: the library would read the system clock,
//! and tests (and the whole API) read time only through an injectable clock. Each refusal maps to
//! one [`AssertionError`] variant with a stable problem slug. Replay protection (`jti` already
//! seen) needs the database and is left to the caller.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::DecodePublicKey as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

/// Name of the tax code claim in the SPID/CIE OIDC attribute registry.
const EID_FISCAL_NUMBER_CLAIM: &str = "https://attributes.eid.gov.it/fiscal_number";
/// Smallest RSA modulus accepted; the SPID/CIE OIDC federation rules require at least 2048 bits.
const MIN_RSA_BITS: usize = 2048;
/// Longest token looked at. Real assertions are ~1 KiB; the cap keeps a hostile client from
/// making us base64-decode and parse megabytes before the signature check.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Longest `jti` accepted: it is stored for replay detection, so it must fit its column.
const MAX_JTI_CHARS: usize = 128;
/// Longest given or family name accepted (it ends up in records and letters).
const MAX_NAME_CHARS: usize = 100;

/// The SPID/CIE level of assurance and the identity scheme are the domain's types.
pub use inps_domain::identity::{AssuranceLevel as Level, IdentityProvider as Idp};

/// An identity scheme name as providers spell it (`SPID`, `eIDAS`, ...).
fn parse_idp(text: &str) -> Option<Idp> {
    text.trim().to_ascii_lowercase().parse().ok()
}

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

/// What a verified assertion must satisfy beyond its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionPolicy {
    audience: String,
    leeway: Duration,
    max_age: Duration,
}

impl AssertionPolicy {
    /// Default clock skew tolerated between the front end and us.
    pub const DEFAULT_LEEWAY: Duration = Duration::seconds(60);
    /// Default longest life of an assertion: it is exchanged for a session at once, so a long
    /// lived one is either a misconfigured issuer or a token being replayed from a log.
    pub const DEFAULT_MAX_AGE: Duration = Duration::minutes(10);

    /// A policy for tokens addressed to `audience`, with the default leeway and maximum age.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            leeway: Self::DEFAULT_LEEWAY,
            max_age: Self::DEFAULT_MAX_AGE,
        }
    }

    /// Replaces the clock skew tolerance (a negative value counts as zero).
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway.max(Duration::ZERO);
        self
    }

    /// Replaces the maximum age: `iat` may be at most this old and `exp - iat` at most this long.
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age.max(Duration::ZERO);
        self
    }

    /// The audience tokens must name in `aud`.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The clock skew tolerance.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// The maximum age.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }
}

/// The identity an assertion proved, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    tax_code: TaxCode,
    given_name: String,
    family_name: String,
    level: Level,
    idp: Idp,
    jti: String,
    expires_at: OffsetDateTime,
    issuer: String,
}

impl VerifiedAssertion {
    /// The citizen's personal tax code.
    pub fn tax_code(&self) -> &TaxCode {
        &self.tax_code
    }

    /// Given name, trimmed.
    pub fn given_name(&self) -> &str {
        &self.given_name
    }

    /// Family name, trimmed.
    pub fn family_name(&self) -> &str {
        &self.family_name
    }

    /// Level of assurance (L2 or L3: L1 is refused).
    pub fn level(&self) -> Level {
        self.level
    }

    /// The identity system used.
    pub fn idp(&self) -> Idp {
        self.idp
    }

    /// The token id, for the caller's replay check.
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// The token's `exp`: the caller must remember the `jti` at least until then.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }

    /// The issuer that signed the token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

/// Why an assertion was refused. Missing or mistyped claims are [`Malformed`](Self::Malformed);
/// the other variants mean the claim was readable but not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    /// Not a JWT, or a required claim is missing or of the wrong type or shape.
    #[error("the identity assertion is malformed")]
    Malformed,
    /// The header names an algorithm other than RS256 or ES256 (including `none` and HMAC).
    #[error("the identity assertion uses an algorithm that is not accepted")]
    UnsupportedAlgorithm,
    /// The header names no key, or one we do not trust for its algorithm.
    #[error("the identity assertion is signed with an unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the signature of the identity assertion is not valid")]
    BadSignature,
    /// `iss` is not the issuer the key belongs to.
    #[error("the identity assertion comes from an unexpected issuer")]
    WrongIssuer,
    /// `aud` does not name this service.
    #[error("the identity assertion is not addressed to this service")]
    WrongAudience,
    /// `exp` has passed.
    #[error("the identity assertion has expired")]
    Expired,
    /// `nbf` is still in the future.
    #[error("the identity assertion is not valid yet")]
    NotYetValid,
    /// `iat` is in the future, too old, or the token lives longer than allowed.
    #[error("the identity assertion was issued too long ago or lives too long")]
    Stale,
    /// The level of assurance is below SPID L2.
    #[error("the authentication level is not sufficient (SPID level 2 or higher is required)")]
    InsufficientLevel,
    /// The assertion's `jti` was already used (checked by the caller against the database).
    #[error("the identity assertion was already used")]
    Replayed,
    /// The tax code is missing, invalid, or not a natural person's.
    #[error("the identity assertion does not carry a valid personal tax code")]
    InvalidSubject,
}

impl AssertionError {
    /// Stable kebab-case problem slug, used in the problem type URI and by clients.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Malformed => "assertion-malformed",
            Self::UnsupportedAlgorithm => "assertion-unsupported-algorithm",
            Self::UnknownKey => "assertion-unknown-key",
            Self::BadSignature => "assertion-bad-signature",
            Self::WrongIssuer => "assertion-wrong-issuer",
            Self::WrongAudience => "assertion-wrong-audience",
            Self::Expired => "assertion-expired",
            Self::NotYetValid => "assertion-not-yet-valid",
            Self::Stale => "assertion-stale",
            Self::InsufficientLevel => "assertion-insufficient-level",
            Self::Replayed => "assertion-replayed",
            Self::InvalidSubject => "assertion-invalid-subject",
        }
    }
}

/// A [`AssertionError::Malformed`], with the reason logged at debug level: the client only ever
/// sees the slug, but whoever integrates a new front end needs to know which claim was wrong.
fn malformed(reason: &'static str) -> AssertionError {
    tracing::debug!(reason, "identity assertion refused as malformed");
    AssertionError::Malformed
}

/// Verifies an identity assertion against the trusted keys and the policy, at instant `now`.
///
/// Order of checks: structure, algorithm, key, signature, then issuer, audience, expiry,
/// not-before, issue time, `jti`, level, tax code, identity provider, names. The `jti` is not
/// checked for replay here: the caller does that against the database.
pub fn verify(
    token: &str,
    keys: &TrustedKeys,
    policy: &AssertionPolicy,
    now: OffsetDateTime,
) -> Result<VerifiedAssertion, AssertionError> {
    let header = parse_header(token)?;
    let algorithm = match header.get("alg").and_then(Value::as_str) {
        Some("RS256") => Algorithm::RS256,
        Some("ES256") => Algorithm::ES256,
        Some(_) => return Err(AssertionError::UnsupportedAlgorithm),
        None => return Err(malformed("the header has no \"alg\"")),
    };
    // RFC 7515 §4.1.11: a token with critical extensions we do not understand must be refused.
    if header.contains_key("crit") {
        return Err(malformed("the header has a \"crit\" parameter"));
    }
    let key = header
        .get("kid")
        .and_then(Value::as_str)
        .and_then(|kid| keys.get(kid))
        // The algorithm is bound to the key, never taken from the token alone: this is what stops
        // an attacker from re-signing with a weaker algorithm under a known kid.
        .filter(|key| key.algorithm == algorithm)
        .ok_or(AssertionError::UnknownKey)?;

    let claims = verified_claims(token, key)?;

    let issuer = string_claim(&claims, "iss")?.ok_or_else(|| malformed("no \"iss\""))?;
    if issuer != key.issuer {
        return Err(AssertionError::WrongIssuer);
    }
    let audiences = strings_claim(&claims, "aud")?.ok_or_else(|| malformed("no \"aud\""))?;
    if !audiences.contains(&policy.audience.as_str()) {
        return Err(AssertionError::WrongAudience);
    }

    // Times are compared as whole seconds (the unit of JWT NumericDate) with saturating
    // arithmetic, so extreme claim values cannot overflow.
    let now_s = now.unix_timestamp();
    let leeway_s = policy.leeway.whole_seconds();
    let max_age_s = policy.max_age.whole_seconds();
    let exp = time_claim(&claims, "exp")?.ok_or_else(|| malformed("no \"exp\""))?;
    if now_s > exp.saturating_add(leeway_s) {
        return Err(AssertionError::Expired);
    }
    if let Some(nbf) = time_claim(&claims, "nbf")?
        && now_s.saturating_add(leeway_s) < nbf
    {
        return Err(AssertionError::NotYetValid);
    }
    let iat = time_claim(&claims, "iat")?.ok_or_else(|| malformed("no \"iat\""))?;
    let issued_in_future = iat > now_s.saturating_add(leeway_s);
    let too_old = now_s.saturating_sub(iat) > max_age_s.saturating_add(leeway_s);
    let lives_too_long = exp.saturating_sub(iat) > max_age_s;
    if issued_in_future || too_old || lives_too_long {
        return Err(AssertionError::Stale);
    }
    let expires_at = OffsetDateTime::from_unix_timestamp(exp)
        .map_err(|_| malformed("\"exp\" is out of range"))?;

    let jti = string_claim(&claims, "jti")?.ok_or_else(|| malformed("no \"jti\""))?;
    if jti.is_empty() || jti.chars().count() > MAX_JTI_CHARS || jti.chars().any(char::is_control) {
        return Err(malformed(
            "\"jti\" is empty, too long or has control characters",
        ));
    }

    let acr = string_claim(&claims, "acr")?.ok_or_else(|| malformed("no \"acr\""))?;
    let level = Level::from_acr(acr).ok_or_else(|| malformed("unknown \"acr\""))?;
    if !level.is_sufficient() {
        return Err(AssertionError::InsufficientLevel);
    }

    let tax_code = subject_tax_code(&claims)?;
    let idp = identity_provider(&claims)?;
    let given_name = person_name(&claims, "given_name")?;
    let family_name = person_name(&claims, "family_name")?;

    Ok(VerifiedAssertion {
        tax_code,
        given_name,
        family_name,
        level,
        idp,
        jti: jti.to_owned(),
        expires_at,
        issuer: issuer.to_owned(),
    })
}

/// Splits the compact JWS, checks all three parts are base64url, and returns the header object.
/// Done by hand (not with `jsonwebtoken::decode_header`) so that an `alg` the library does not
/// know, such as `none`, is reported as an unsupported algorithm rather than as garbage.
fn parse_header(token: &str) -> Result<Map<String, Value>, AssertionError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed("the token is too long"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("not three dot-separated parts"));
    };
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| malformed("the header is not base64url"))?;
    if URL_SAFE_NO_PAD.decode(payload).is_err() || URL_SAFE_NO_PAD.decode(signature).is_err() {
        return Err(malformed("the payload or signature is not base64url"));
    }
    match serde_json::from_slice(&header) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(malformed("the header is not a JSON object")),
    }
}

/// Checks the signature with `jsonwebtoken` and returns the claims object.
fn verified_claims(token: &str, key: &TrustedKey) -> Result<Map<String, Value>, AssertionError> {
    let mut validation = Validation::new(key.algorithm);
    // Every claim check is ours, against the injected `now`; the library would use the system
    // clock and apply its own idea of required claims.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(token, &key.key, &validation) {
        Ok(data) => match data.claims {
            Value::Object(map) => Ok(map),
            _ => Err(malformed("the claims are not a JSON object")),
        },
        Err(error) => match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature
            | jsonwebtoken::errors::ErrorKind::InvalidEcdsaKey
            | jsonwebtoken::errors::ErrorKind::InvalidRsaKey(_) => {
                Err(AssertionError::BadSignature)
            }
            _ => {
                tracing::debug!(%error, "identity assertion could not be decoded");
                Err(AssertionError::Malformed)
            }
        },
    }
}

/// A string claim: `None` when absent, `Malformed` when present with another type.
fn string_claim<'a>(
    claims: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, AssertionError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(malformed("a string claim has another type")),
    }
}

/// A claim that may be one string or an array of strings (`aud`, `amr`).
fn strings_claim<'a>(
    claims: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<Vec<&'a str>>, AssertionError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(vec![value.as_str()])),
        Some(Value::Array(values)) => values
            .iter()
            .map(|value| {
                value
                    .as_str()
                    .ok_or_else(|| malformed("an array claim holds a non-string"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(malformed("a string-or-array claim has another type")),
    }
}

/// A NumericDate claim as whole seconds since the epoch. RFC 7519 allows fractions; they are
/// dropped, which can only make a token look up to a second older.
fn time_claim(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<i64>, AssertionError> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let Value::Number(number) = value else {
        return Err(malformed("a time claim is not a number"));
    };
    if let Some(seconds) = number.as_i64() {
        return Ok(Some(seconds));
    }
    match number.as_f64() {
        // The bounds keep the cast exact-or-saturating; they are far beyond any real date.
        Some(seconds) if seconds.is_finite() && seconds.abs() < 1e15 => {
            Ok(Some(seconds.floor() as i64))
        }
        _ => Err(malformed("a time claim is out of range")),
    }
}

/// The tax code from `fiscal_number` (or its eID attribute URI name), which wins over `sub`:
/// in OIDC `sub` may be an opaque pairwise id, while `fiscal_number` is always the tax code.
fn subject_tax_code(claims: &Map<String, Value>) -> Result<TaxCode, AssertionError> {
    let raw = match string_claim(claims, "fiscal_number")? {
        Some(value) => value,
        None => match string_claim(claims, EID_FISCAL_NUMBER_CLAIM)? {
            Some(value) => value,
            None => string_claim(claims, "sub")?.ok_or_else(|| malformed("no \"sub\""))?,
        },
    };
    let tax_code = TaxCode::parse(raw).map_err(|_| AssertionError::InvalidSubject)?;
    // Numeric codes belong to companies and provisional registrations, never to a person who
    // logged in with SPID or CIE.
    if tax_code.kind() != TaxCodeKind::Personal {
        return Err(AssertionError::InvalidSubject);
    }
    Ok(tax_code)
}

/// The identity provider from `idp`, or else the first recognised `amr` entry.
fn identity_provider(claims: &Map<String, Value>) -> Result<Idp, AssertionError> {
    if let Some(idp) = string_claim(claims, "idp")? {
        return parse_idp(idp).ok_or_else(|| malformed("unknown \"idp\""));
    }
    strings_claim(claims, "amr")?
        .unwrap_or_default()
        .into_iter()
        .find_map(parse_idp)
        .ok_or_else(|| malformed("no recognised \"idp\" or \"amr\""))
}

/// A given or family name: trimmed, non-empty, at most 100 characters, no control characters.
fn person_name(claims: &Map<String, Value>, name: &'static str) -> Result<String, AssertionError> {
    let value = string_claim(claims, name)?
        .ok_or_else(|| malformed("a name claim is missing"))?
        .trim();
    if value.is_empty()
        || value.chars().count() > MAX_NAME_CHARS
        || value.chars().any(char::is_control)
    {
        return Err(malformed(
            "a name is empty, too long or has control characters",
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::sandbox::{SANDBOX_ISSUER, SandboxAssertionRequest, SandboxIdp};
    use jsonwebtoken::{EncodingKey, Header};
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    use serde_json::json;
    use time::macros::datetime;

    const AUDIENCE: &str = "https://api.inps.example";
    const TAX_CODE: &str = "RSSMRA85T10A562S";
    const NOW: OffsetDateTime = datetime!(2025-03-10 09:30:00 UTC);

    /// A throwaway 2048-bit RSA key made with `openssl genrsa 2048` for these tests only.
    const RSA_TEST_KEY: &str = "\
-----BEGIN RSA PRIVATE KEY-----
MIIEogIBAAKCAQEAqVs3v8YzT1s4Jt2nN/AGO4LSaTxmDwYutGR3Y3nmV9hdazwv
hssa+c4WxIvtm54tCkpIXj/jBDxRVOPt4fxcHCsKg5LfYbPGTkf68Sm3sbyCMzUO
+5zWA00YtBnq7x8Fyy1wSNOdvBnj1cV3abTLXAOPLTr+wYBaWWq+Nu14um5tLoFw
0O7/36WjRLfCju35eOrYbE3A1Vtfz0TY2ltEuj09ahyVq+h+agZIbHt9aa7X/u7Q
9afctLxH4QosASluVK4R8/ihDAA8etXzVW9zFpdIEUymZeXC+zPVOCvlwTjV256/
653GVDR5LkNWKoc4bXXvUIXl1bUVhUFxyO9j2wIDAQABAoIBAAzipizkLUvmD9v9
KgI6iUQxNvB6KksNrbNcoCzPEzSEf3nE5tolopQhFwsLQ8p++sROqeTp4sw+s/LL
3hyUm9l/eNmml3Jn6uL9Ml2eTp3/pBRgqWwsHv25+Z2HtJ/5nJznLyTgsklOhaQ3
1axoQhS/0elKFM9aLwWgoSpYCm3SEKeiLXdlH7zchWctk8ssu3Y3VWaIF3KZd6sV
lHa4VzP00xVTtYKUCUZ25vhgdpRQlMcATCpW3uthX6VcDV9aoreL9hgFdzSlW3tX
jw2MF4TodFV5pokH3978rQoTYBBDsd20EZE4u1SKetUO+BddyWsitABPfb5Am5qc
C6cOtgkCgYEA26fVmN6bF5Giuqwzn2ZMt7lzJrd0KKFiGLLaUXlBIXsazkWg4+lF
sH2IV0hkrSDaGrQr1Fjmof8WHw8HR/2FbKL/EAF2Vy+CLeVQr2NT+jXFMiDlyY4w
fBUQuooUmbFe6EfSpGwl605FTYXzruJSBci3w7SD8pCyeknt8jDXo1cCgYEAxWDO
zRn7yJPAoboySQJfGQml0UVDHfpBI/dEZ/pULF61GCWoVah5xhyJkurJxWloIf3r
IFjC4ETsxKbmog4l3BqFHYA2uJRdVFqYzkkNpB+2wp4JHVwK3cc4IqIopJu2+cag
qNtwBgPoUreJApCnv8g2eIicI799fP+Mvx0qVR0CgYBIU/+Vktdm72GyLjnhZwIk
DUDJoubw6hMvJtWUtmSn7a1p9qt/4LQ95VgbxY7BI2wuFt3H0m4/MYvLNlujbOue
Vh2+23xoQRCQpE3pMr/YSBRi6UpBED0O3rDfe9BEu48Q1XWbBrGFxgQz/sO69nMj
zHAWVT6NhPAALI/ZjBO1iQKBgFJG243l0e43oSoJiuKiSXAPdH66x5KcekD61xoc
4K+qPwU01Wn3k+OAi9yhYMCZAt6AkV3ngjyonqYPCL7u9Ns+dtToWGcy+YCrT11W
WIhc6/tOk3AYqTLv07ekLxsHCgwuv1QEPTtUr6ijd0qJcFPiqsot8CB6t12+zTXx
e28FAoGAN3ADjGxca59z0cxOoeLE/giVb3RSUdptcnNl61SAFRcoXkcEuXgviPhs
6epXdzkM702YIfwB6rhVPTY/5kfKkPeDRfatlW3bD8DIoEVW01f9r96SfK7qnOnZ
EXPqAl+cU99by7uYWU2J7HKsYwan3vdnfeFI7Oz0ceTxU13U+YM=
-----END RSA PRIVATE KEY-----
";

    fn policy() -> AssertionPolicy {
        AssertionPolicy::new(AUDIENCE)
    }

    fn request(tax_code: &str, level: Level) -> SandboxAssertionRequest {
        SandboxAssertionRequest {
            tax_code: TaxCode::parse(tax_code).expect("test tax code"),
            level,
            idp: Idp::Spid,
            given_name: "Mario".into(),
            family_name: "Rossi".into(),
        }
    }

    fn sandbox() -> (SandboxIdp, TrustedKeys) {
        let idp = SandboxIdp::generate().expect("key generation");
        let mut keys = TrustedKeys::new();
        keys.add(idp.trusted_key().expect("trusted key"));
        (idp, keys)
    }

    /// The claims the sandbox would sign, as JSON, so a test can change one of them.
    fn base_claims() -> Map<String, Value> {
        let now = NOW.unix_timestamp();
        let claims = json!({
            "iss": SANDBOX_ISSUER,
            "sub": format!("TINIT-{TAX_CODE}"),
            "acr": Level::L2.acr_uri(),
            "idp": "spid",
            "amr": ["spid"],
            "given_name": "Mario",
            "family_name": "Rossi",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "aud": AUDIENCE,
            "jti": "jti-1",
        });
        claims.as_object().cloned().expect("an object")
    }

    fn sign_claims(idp: &SandboxIdp, claims: Map<String, Value>) -> String {
        idp.sign_claims(&Value::Object(claims)).expect("signing")
    }

    fn verify_claims(
        change: impl FnOnce(&mut Map<String, Value>),
    ) -> Result<VerifiedAssertion, AssertionError> {
        let (idp, keys) = sandbox();
        let mut claims = base_claims();
        change(&mut claims);
        verify(&sign_claims(&idp, claims), &keys, &policy(), NOW)
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn a_valid_sandbox_assertion_verifies() {
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request(TAX_CODE, Level::L2), AUDIENCE, NOW, "abc-123")
            .expect("signing");
        let verified = verify(&token, &keys, &policy(), NOW).expect("valid assertion");
        assert_eq!(verified.tax_code().as_str(), TAX_CODE);
        assert_eq!(verified.given_name(), "Mario");
        assert_eq!(verified.family_name(), "Rossi");
        assert_eq!(verified.level(), Level::L2);
        assert_eq!(verified.idp(), Idp::Spid);
        assert_eq!(verified.jti(), "abc-123");
        assert_eq!(verified.issuer(), SANDBOX_ISSUER);
        assert_eq!(verified.expires_at(), NOW + Duration::minutes(5));
    }

    #[test]
    fn the_sub_may_carry_the_bare_tax_code() {
        let verified = verify_claims(|claims| {
            claims.remove("fiscal_number");
            claims.insert("sub".into(), json!(TAX_CODE.to_lowercase()));
        })
        .expect("valid assertion");
        assert_eq!(verified.tax_code().as_str(), TAX_CODE);
    }

    #[test]
    fn fiscal_number_wins_over_an_opaque_sub() {
        let verified = verify_claims(|claims| {
            claims.insert("sub".into(), json!("4a7c0f0e-opaque-pairwise-id"));
            claims.insert(
                EID_FISCAL_NUMBER_CLAIM.into(),
                json!(format!("TINIT-{TAX_CODE}")),
            );
        })
        .expect("valid assertion");
        assert_eq!(verified.tax_code().as_str(), TAX_CODE);

        let verified = verify_claims(|claims| {
            claims.insert("sub".into(), json!("RSSMRA45D25F205N"));
            claims.insert("fiscal_number".into(), json!(TAX_CODE));
        })
        .expect("valid assertion");
        assert_eq!(verified.tax_code().as_str(), TAX_CODE);
    }

    #[test]
    fn the_idp_falls_back_to_amr_and_aud_may_be_an_array() {
        let verified = verify_claims(|claims| {
            claims.remove("idp");
            claims.insert("amr".into(), json!(["pwd", "CIE"]));
            claims.insert("aud".into(), json!(["other", AUDIENCE]));
            claims.insert("acr".into(), json!("SpidL3"));
        })
        .expect("valid assertion");
        assert_eq!(verified.idp(), Idp::Cie);
        assert_eq!(verified.level(), Level::L3);
    }

    #[test]
    fn a_flipped_signature_character_is_a_bad_signature() {
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request(TAX_CODE, Level::L2), AUDIENCE, NOW, "jti")
            .expect("signing");
        let signature_start = token.rfind('.').expect("three parts") + 1;
        let position = signature_start + 10;
        let mut bytes = token.into_bytes();
        bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).expect("ascii");
        assert_eq!(
            verify(&tampered, &keys, &policy(), NOW),
            Err(AssertionError::BadSignature)
        );
    }

    #[test]
    fn a_changed_payload_is_a_bad_signature() {
        let (idp, keys) = sandbox();
        let token = sign_claims(&idp, base_claims());
        let parts: Vec<&str> = token.split('.').collect();
        let mut claims = base_claims();
        claims.insert("sub".into(), json!("RSSMRA45D25F205N"));
        let forged_payload = b64(&serde_json::to_vec(&claims).expect("json"));
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(
            verify(&forged, &keys, &policy(), NOW),
            Err(AssertionError::BadSignature)
        );
    }

    #[test]
    fn an_unknown_kid_is_refused() {
        let (idp, _) = sandbox();
        let (_, other_keys) = sandbox();
        let token = sign_claims(&idp, base_claims());
        assert_eq!(
            verify(&token, &other_keys, &policy(), NOW),
            Err(AssertionError::UnknownKey)
        );
    }

    #[test]
    fn alg_none_and_hmac_are_unsupported() {
        let (idp, keys) = sandbox();
        let payload = b64(&serde_json::to_vec(&base_claims()).expect("json"));
        let none_header = b64(br#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = format!("{none_header}.{payload}.");
        assert_eq!(
            verify(&unsigned, &keys, &policy(), NOW),
            Err(AssertionError::UnsupportedAlgorithm)
        );

        // The classic key-confusion attack: HMAC keyed with the public key bytes, under our kid.
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(idp.kid().to_owned());
        let secret = serde_json::to_vec(idp.public_jwk()).expect("json");
        let hmac =
            jsonwebtoken::encode(&header, &base_claims(), &EncodingKey::from_secret(&secret))
                .expect("hmac signing");
        assert_eq!(
            verify(&hmac, &keys, &policy(), NOW),
            Err(AssertionError::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn a_known_kid_with_another_algorithm_is_an_unknown_key() {
        let (idp, keys) = sandbox();
        let token = sign_claims(&idp, base_claims());
        let parts: Vec<&str> = token.split('.').collect();
        let header = b64(format!(r#"{{"alg":"RS256","kid":"{}"}}"#, idp.kid()).as_bytes());
        let relabelled = format!("{header}.{}.{}", parts[1], parts[2]);
        assert_eq!(
            verify(&relabelled, &keys, &policy(), NOW),
            Err(AssertionError::UnknownKey)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let (_, keys) = sandbox();
        // `e30` is `{}`: a header without `alg`.
        for token in ["", "abc", "a.b", "a.b.c.d", "!!!.e30.e30", "e30.e30.e30"] {
            assert_eq!(
                verify(token, &keys, &policy(), NOW),
                Err(AssertionError::Malformed),
                "{token}"
            );
        }
    }

    #[test]
    fn a_wrong_audience_is_refused() {
        assert_eq!(
            verify_claims(|claims| {
                claims.insert("aud".into(), json!(["https://someone-else.example"]));
            }),
            Err(AssertionError::WrongAudience)
        );
    }

    #[test]
    fn a_key_registered_for_another_issuer_is_a_wrong_issuer() {
        let idp = SandboxIdp::generate().expect("key generation");
        let sandbox_key = idp.trusted_key().expect("trusted key");
        let mut keys = TrustedKeys::new();
        keys.add(
            TrustedKey::new(
                idp.kid(),
                "https://login.other-front-end.example",
                Algorithm::ES256,
                sandbox_key.key.clone(),
            )
            .expect("key"),
        );
        let token = sign_claims(&idp, base_claims());
        assert_eq!(
            verify(&token, &keys, &policy(), NOW),
            Err(AssertionError::WrongIssuer)
        );
    }

    #[test]
    fn expiry_is_checked_against_now_with_leeway() {
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request(TAX_CODE, Level::L2), AUDIENCE, NOW, "jti")
            .expect("signing");
        let exp = NOW + Duration::minutes(5);
        assert!(verify(&token, &keys, &policy(), exp + Duration::seconds(60)).is_ok());
        assert_eq!(
            verify(&token, &keys, &policy(), exp + Duration::seconds(61)),
            Err(AssertionError::Expired)
        );
    }

    #[test]
    fn not_before_is_checked_against_now_with_leeway() {
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request(TAX_CODE, Level::L2), AUDIENCE, NOW, "jti")
            .expect("signing");
        assert!(verify(&token, &keys, &policy(), NOW - Duration::seconds(60)).is_ok());
        assert_eq!(
            verify(&token, &keys, &policy(), NOW - Duration::seconds(61)),
            Err(AssertionError::NotYetValid)
        );
    }

    #[test]
    fn stale_or_future_iat_and_long_lives_are_refused() {
        let now = NOW.unix_timestamp();
        // Issued an hour ago, still formally valid for another minute.
        assert_eq!(
            verify_claims(|claims| {
                claims.insert("iat".into(), json!(now - 3600));
                claims.insert("nbf".into(), json!(now - 3600));
                claims.insert("exp".into(), json!(now + 60));
            }),
            Err(AssertionError::Stale)
        );
        // Issued in the future beyond the leeway.
        assert_eq!(
            verify_claims(|claims| {
                claims.remove("nbf");
                claims.insert("iat".into(), json!(now + 120));
                claims.insert("exp".into(), json!(now + 420));
            }),
            Err(AssertionError::Stale)
        );
        // Fresh, but valid for a day.
        assert_eq!(
            verify_claims(|claims| {
                claims.insert("exp".into(), json!(now + 86_400));
            }),
            Err(AssertionError::Stale)
        );
        // Too old for a stricter policy even though `exp` is fine.
        let (idp, keys) = sandbox();
        let token = sign_claims(&idp, base_claims());
        let strict = policy().with_max_age(Duration::minutes(1));
        assert_eq!(
            verify(&token, &keys, &strict, NOW + Duration::minutes(3)),
            Err(AssertionError::Stale)
        );
    }

    #[test]
    fn spid_level_one_is_insufficient() {
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request(TAX_CODE, Level::L1), AUDIENCE, NOW, "jti")
            .expect("signing");
        assert_eq!(
            verify(&token, &keys, &policy(), NOW),
            Err(AssertionError::InsufficientLevel)
        );
    }

    #[test]
    fn invalid_or_numeric_tax_codes_are_invalid_subjects() {
        assert_eq!(
            verify_claims(|claims| {
                claims.insert("sub".into(), json!("TINIT-RSSMRA85T10A562T"));
            }),
            Err(AssertionError::InvalidSubject)
        );
        let (idp, keys) = sandbox();
        let token = idp
            .sign(&request("12345678903", Level::L2), AUDIENCE, NOW, "jti")
            .expect("signing");
        assert_eq!(
            verify(&token, &keys, &policy(), NOW),
            Err(AssertionError::InvalidSubject)
        );
    }

    #[test]
    fn missing_or_bad_claims_are_malformed() {
        type Change = Box<dyn FnOnce(&mut Map<String, Value>)>;
        let cases: Vec<Change> = vec![
            Box::new(|c| {
                c.remove("given_name");
            }),
            Box::new(|c| {
                c.insert("family_name".into(), json!("  "));
            }),
            Box::new(|c| {
                c.insert("family_name".into(), json!("Rossi\u{0}"));
            }),
            Box::new(|c| {
                c.insert("given_name".into(), json!("M".repeat(101)));
            }),
            Box::new(|c| {
                c.insert("jti".into(), json!(""));
            }),
            Box::new(|c| {
                c.insert("jti".into(), json!("j".repeat(129)));
            }),
            Box::new(|c| {
                c.remove("exp");
            }),
            Box::new(|c| {
                c.insert("iat".into(), json!("yesterday"));
            }),
            Box::new(|c| {
                c.insert("acr".into(), json!("https://example.com/loa/high"));
            }),
            Box::new(|c| {
                c.insert("idp".into(), json!("facebook"));
            }),
            Box::new(|c| {
                c.remove("idp");
                c.insert("amr".into(), json!(["pwd"]));
            }),
        ];
        for (index, change) in cases.into_iter().enumerate() {
            assert_eq!(
                verify_claims(change),
                Err(AssertionError::Malformed),
                "case {index}"
            );
        }
    }

    #[test]
    fn names_are_trimmed() {
        let verified = verify_claims(|claims| {
            claims.insert("given_name".into(), json!("  Maria Chiara "));
        })
        .expect("valid assertion");
        assert_eq!(verified.given_name(), "Maria Chiara");
    }

    fn rsa_private() -> rsa::RsaPrivateKey {
        rsa::RsaPrivateKey::from_pkcs1_pem(RSA_TEST_KEY).expect("test RSA key")
    }

    fn rsa_jwks(kid: &str) -> String {
        let private = rsa_private();
        json!({"keys": [{
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "use": "sig",
            "n": b64(&private.n().to_bytes_be()),
            "e": b64(&private.e().to_bytes_be()),
        }]})
        .to_string()
    }

    fn rsa_token(kid: &str, issuer: &str) -> String {
        let mut claims = base_claims();
        claims.insert("iss".into(), json!(issuer));
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        let key = EncodingKey::from_rsa_pem(RSA_TEST_KEY.as_bytes()).expect("test RSA key");
        jsonwebtoken::encode(&header, &claims, &key).expect("RS256 signing")
    }

    #[test]
    fn an_rs256_assertion_verifies_against_a_jwks() {
        let issuer = "https://login.front-end.example";
        let keys = TrustedKeys::from_jwks_json(&rsa_jwks("rsa-2025"), issuer).expect("jwks");
        assert_eq!(keys.len(), 1);
        let verified =
            verify(&rsa_token("rsa-2025", issuer), &keys, &policy(), NOW).expect("valid assertion");
        assert_eq!(verified.tax_code().as_str(), TAX_CODE);
        assert_eq!(verified.issuer(), issuer);
    }

    #[test]
    fn keys_load_from_pem() {
        use p256::pkcs8::EncodePublicKey as _;

        let issuer = "https://login.front-end.example";
        let mut keys = TrustedKeys::new();
        let rsa_pem = rsa_private()
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .expect("pem");
        keys.add_pem("rsa-pem", issuer, Algorithm::RS256, rsa_pem.as_bytes())
            .expect("RSA PEM");
        assert!(verify(&rsa_token("rsa-pem", issuer), &keys, &policy(), NOW).is_ok());

        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        let ec_pem = secret
            .public_key()
            .to_public_key_pem(p256::pkcs8::LineEnding::LF)
            .expect("pem");
        keys.add_pem("ec-pem", issuer, Algorithm::ES256, ec_pem.as_bytes())
            .expect("EC PEM");
        assert_eq!(keys.len(), 2);

        // A private key, or a key for the other algorithm, is refused.
        assert!(matches!(
            keys.add_pem("x", issuer, Algorithm::RS256, RSA_TEST_KEY.as_bytes()),
            Err(KeyConfigError::InvalidKey { .. })
        ));
        assert!(matches!(
            keys.add_pem("x", issuer, Algorithm::ES256, rsa_pem.as_bytes()),
            Err(KeyConfigError::InvalidKey { .. })
        ));
        assert!(matches!(
            keys.add_pem("x", issuer, Algorithm::HS256, rsa_pem.as_bytes()),
            Err(KeyConfigError::UnsupportedAlgorithm { .. })
        ));
        assert_eq!(keys.len(), 2);
    }

    #[test]
    fn the_sandbox_jwks_round_trips() {
        let idp = SandboxIdp::generate().expect("key generation");
        let jwks = json!({"keys": [idp.public_jwk()]}).to_string();
        let keys = TrustedKeys::from_jwks_json(&jwks, SANDBOX_ISSUER).expect("jwks");
        let token = sign_claims(&idp, base_claims());
        assert!(verify(&token, &keys, &policy(), NOW).is_ok());
    }

    #[test]
    fn jwks_problems_are_reported_not_skipped() {
        let issuer = "https://login.front-end.example";
        let rsa = rsa_private();
        let n = b64(&rsa.n().to_bytes_be());

        let no_kid = json!({"keys": [{"kty": "RSA", "n": n, "e": "AQAB"}]}).to_string();
        assert_eq!(
            TrustedKeys::from_jwks_json(&no_kid, issuer).map(|k| k.len()),
            Err(KeyConfigError::MissingKid { index: 0 })
        );

        let okp = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "AAAA"}]})
            .to_string();
        match TrustedKeys::from_jwks_json(&okp, issuer) {
            Err(KeyConfigError::UnsupportedKey { kid, .. }) => assert_eq!(kid, "ed"),
            other => panic!("expected UnsupportedKey, got {other:?}"),
        }

        let p384 =
            json!({"keys": [{"kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"}]})
                .to_string();
        assert!(matches!(
            TrustedKeys::from_jwks_json(&p384, issuer),
            Err(KeyConfigError::UnsupportedKey { .. })
        ));

        let rs512 =
            json!({"keys": [{"kty": "RSA", "kid": "r", "alg": "RS512", "n": n, "e": "AQAB"}]})
                .to_string();
        assert!(matches!(
            TrustedKeys::from_jwks_json(&rs512, issuer),
            Err(KeyConfigError::UnsupportedAlgorithm { .. })
        ));

        let short =
            json!({"keys": [{"kty": "RSA", "kid": "short", "n": b64(&[0xC5; 128]), "e": "AQAB"}]})
                .to_string();
        assert!(matches!(
            TrustedKeys::from_jwks_json(&short, issuer),
            Err(KeyConfigError::InvalidKey { .. })
        ));

        let off_curve = json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "bad", "x": b64(&[1; 32]), "y": b64(&[2; 32])}]})
            .to_string();
        assert!(matches!(
            TrustedKeys::from_jwks_json(&off_curve, issuer),
            Err(KeyConfigError::InvalidKey { .. })
        ));

        let jwk = json!({"kty": "RSA", "kid": "same", "n": n, "e": "AQAB"});
        let duplicate = json!({"keys": [jwk, jwk]}).to_string();
        assert_eq!(
            TrustedKeys::from_jwks_json(&duplicate, issuer).map(|k| k.len()),
            Err(KeyConfigError::DuplicateKid { kid: "same".into() })
        );

        assert_eq!(
            TrustedKeys::from_jwks_json(r#"{"keys": []}"#, issuer).map(|k| k.len()),
            Err(KeyConfigError::NoKeys)
        );
        assert_eq!(
            TrustedKeys::from_jwks_json("[]", issuer).map(|k| k.len()),
            Err(KeyConfigError::MissingKeys)
        );
    }

    #[test]
    fn levels_and_providers_parse() {
        assert_eq!(
            Level::from_acr("https://www.spid.gov.it/SpidL2"),
            Some(Level::L2)
        );
        assert_eq!(Level::from_acr("SpidL3"), Some(Level::L3));
        assert_eq!(Level::from_acr("https://www.spid.gov.it/SpidL4"), None);
        assert!(!Level::L1.is_sufficient() && Level::L2.is_sufficient());
        assert_eq!(Level::L2.as_str(), "l2");
        assert_eq!(parse_idp("eIDAS"), Some(Idp::Eidas));
        assert_eq!(Idp::Cns.as_str(), "cns");
    }

    #[test]
    fn slugs_are_stable() {
        assert_eq!(
            AssertionError::NotYetValid.slug(),
            "assertion-not-yet-valid"
        );
        assert_eq!(
            AssertionError::InvalidSubject.slug(),
            "assertion-invalid-subject"
        );
        assert_eq!(
            AssertionError::UnsupportedAlgorithm.slug(),
            "assertion-unsupported-algorithm"
        );
    }

    #[test]
    fn debug_omits_key_material() {
        let (_, keys) = sandbox();
        let debug = format!("{keys:?}");
        assert!(
            debug.contains("kid") && !debug.contains("SecretOrDer"),
            "{debug}"
        );
    }
}
