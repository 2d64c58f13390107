//! The sandbox identity provider: stands in for the SPID/CIE front end when `APP_ENV=sandbox`, so
//! integrators can obtain assertions for test citizens without a real identity.
//!
//! It signs ES256 assertions with its own P-256 key, shaped exactly like the front end's, and those
//! go through the same [`verify`](super::assertion::verify) as real ones. It signs whatever it is
//! asked (an L1 level, a numeric tax code, empty names) on purpose: the refusals must come from
//! verification, and tests need a way to produce each defect.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use inps_domain::tax_code::TaxCode;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::elliptic_curve::zeroize::Zeroizing;
use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use super::assertion::{Idp, KeyConfigError, Level, TrustedKey};

/// The `iss` of sandbox assertions. Keys are bound to it, so a sandbox key can never vouch for a
/// token claiming to come from the real front end.
pub const SANDBOX_ISSUER: &str = "https://sandbox-idp.inps.example";
/// Prefix of every sandbox key id, so logs and JWKS make sandbox keys obvious.
pub const SANDBOX_KID_PREFIX: &str = "sandbox-";
/// Life of a sandbox assertion: like the real front end's, long enough to be exchanged at once.
const ASSERTION_LIFETIME_SECONDS: i64 = 5 * 60;
/// Hex characters of the public key hash used in the key id.
const KID_HASH_CHARS: usize = 16;

/// Why the sandbox identity provider could not load its key or sign.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The stored key is not a PKCS#8 PEM of a P-256 private key.
    #[error("the sandbox key is not a PKCS#8 PEM P-256 private key")]
    InvalidPem,
    /// The key could not be encoded (PKCS#8 or PEM).
    #[error("the sandbox key could not be encoded")]
    KeyEncoding,
    /// Signing the assertion failed.
    #[error("the sandbox assertion could not be signed: {0}")]
    Signing(#[source] jsonwebtoken::errors::Error),
    /// The public key could not be turned into a trusted key.
    #[error(transparent)]
    TrustedKey(#[from] KeyConfigError),
}

/// Who the sandbox assertion is for and how they "authenticated".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAssertionRequest {
    /// Tax code put in `sub` and `fiscal_number`.
    pub tax_code: TaxCode,
    /// Level put in `acr` (L1 is allowed, to exercise its refusal).
    pub level: Level,
    /// Identity system put in `idp` and `amr`.
    pub idp: Idp,
    /// Given name, as is.
    pub given_name: String,
    /// Family name, as is.
    pub family_name: String,
}

/// The sandbox identity provider's signing key.
pub struct SandboxIdp {
    kid: String,
    encoding: EncodingKey,
    public_jwk: Value,
    /// Uncompressed SEC1 public point, to build the trusted key without re-deriving it.
    public_point: Vec<u8>,
    /// PKCS#8 PEM, kept so the key can be persisted and survive restarts; wiped on drop.
    private_pem: Zeroizing<String>,
}

impl SandboxIdp {
    /// Generates a new random P-256 key from the operating system's RNG.
    pub fn generate() -> Result<Self, SandboxError> {
        Self::from_secret(&p256::SecretKey::random(&mut rand_core::OsRng))
    }

    /// Loads a key previously saved from [`private_pem`](Self::private_pem).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, SandboxError> {
        let secret = p256::SecretKey::from_pkcs8_pem(pem).map_err(|_| SandboxError::InvalidPem)?;
        Self::from_secret(&secret)
    }

    fn from_secret(secret: &p256::SecretKey) -> Result<Self, SandboxError> {
        let der = secret
            .to_pkcs8_der()
            .map_err(|_| SandboxError::KeyEncoding)?;
        let private_pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| SandboxError::KeyEncoding)?;
        let point = secret.public_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            // Only the identity point lacks coordinates, and no secret key maps to it.
            return Err(SandboxError::KeyEncoding);
        };
        // The kid is derived from the public key, so it changes exactly when the key does and
        // verifiers holding an old JWKS fail with "unknown key" rather than "bad signature".
        let digest = hex::encode(Sha256::digest(point.as_bytes()));
        let kid = format!(
            "{SANDBOX_KID_PREFIX}{}",
            digest.get(..KID_HASH_CHARS).unwrap_or(&digest)
        );
        let public_jwk = json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(x),
            "y": URL_SAFE_NO_PAD.encode(y),
            "kid": kid,
            "alg": "ES256",
            "use": "sig",
        });
        Ok(Self {
            kid,
            encoding: EncodingKey::from_ec_der(der.as_bytes()),
            public_jwk,
            public_point: point.as_bytes().to_vec(),
            private_pem: Zeroizing::new(private_pem.as_str().to_owned()),
        })
    }

    /// The private key as PKCS#8 PEM, to persist it. Secret: never log it.
    pub fn private_pem(&self) -> &str {
        &self.private_pem
    }

    /// The key id put in the header of every assertion.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (`kty` EC, `crv` P-256, `x`, `y`, `kid`, `alg` ES256, `use` sig),
    /// for publishing a JWKS.
    pub fn public_jwk(&self) -> &Value {
        &self.public_jwk
    }

    /// The key as trusted by the verifier: issuer [`SANDBOX_ISSUER`], ES256.
    pub fn trusted_key(&self) -> Result<TrustedKey, SandboxError> {
        let key = DecodingKey::from_ec_der(&self.public_point);
        Ok(TrustedKey::new(
            self.kid.clone(),
            SANDBOX_ISSUER,
            Algorithm::ES256,
            key,
        )?)
    }

    /// Signs an ES256 assertion for `request`, addressed to `audience`, issued at `now` and valid
    /// for five minutes, with token id `jti`.
    pub fn sign(
        &self,
        request: &SandboxAssertionRequest,
        audience: &str,
        now: OffsetDateTime,
        jti: &str,
    ) -> Result<String, SandboxError> {
        let issued_at = now.unix_timestamp();
        let subject = format!("TINIT-{}", request.tax_code.as_str());
        let claims = json!({
            "iss": SANDBOX_ISSUER,
            "sub": subject,
            "fiscal_number": subject,
            "acr": request.level.acr_uri(),
            "idp": request.idp.as_str(),
            "amr": [request.idp.as_str()],
            "given_name": request.given_name,
            "family_name": request.family_name,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at.saturating_add(ASSERTION_LIFETIME_SECONDS),
            "aud": audience,
            "jti": jti,
        });
        self.sign_claims(&claims)
    }

    /// Signs arbitrary claims with the sandbox key; tests use it to craft each defect.
    pub(crate) fn sign_claims(&self, claims: &Value) -> Result<String, SandboxError> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(SandboxError::Signing)
    }
}

impl fmt::Debug for SandboxIdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only public parts: a Debug print must never leak the key into logs.
        f.debug_struct("SandboxIdp")
            .field("kid", &self.kid)
            .field("public_jwk", &self.public_jwk)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::assertion::{AssertionPolicy, TrustedKeys, verify};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2025-03-10 09:30:00 UTC);

    fn request() -> SandboxAssertionRequest {
        SandboxAssertionRequest {
            tax_code: TaxCode::parse("RSSMRA85T10A562S").expect("test tax code"),
            level: Level::L3,
            idp: Idp::Cie,
            given_name: "Maria".into(),
            family_name: "Bianchi".into(),
        }
    }

    #[test]
    fn the_kid_is_prefixed_and_hash_derived() {
        let idp = SandboxIdp::generate().expect("key generation");
        let hash = idp.kid().strip_prefix(SANDBOX_KID_PREFIX).expect("prefix");
        assert_eq!(hash.len(), KID_HASH_CHARS);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(
            idp.kid(),
            SandboxIdp::generate().expect("key generation").kid()
        );
    }

    #[test]
    fn the_pem_round_trips_to_the_same_key() {
        let idp = SandboxIdp::generate().expect("key generation");
        let reloaded = SandboxIdp::from_pkcs8_pem(idp.private_pem()).expect("reload");
        assert_eq!(reloaded.kid(), idp.kid());
        assert_eq!(reloaded.public_jwk(), idp.public_jwk());

        // A token signed by the reloaded key verifies with the original's trusted key.
        let mut keys = TrustedKeys::new();
        keys.add(idp.trusted_key().expect("trusted key"));
        let token = reloaded
            .sign(&request(), "aud", NOW, "jti")
            .expect("signing");
        assert!(verify(&token, &keys, &AssertionPolicy::new("aud"), NOW).is_ok());
    }

    #[test]
    fn a_bad_pem_is_refused() {
        assert!(matches!(
            SandboxIdp::from_pkcs8_pem(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            ),
            Err(SandboxError::InvalidPem)
        ));
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let idp = SandboxIdp::generate().expect("key generation");
        let debug = format!("{idp:?}");
        assert!(debug.contains(idp.kid()));
        assert!(!debug.contains(idp.private_pem()));
        assert!(!debug.contains("PRIVATE KEY"));
        let body_line = idp.private_pem().lines().nth(1).expect("PEM body");
        assert!(!debug.contains(body_line));
    }

    #[test]
    fn signed_claims_follow_the_request() {
        let idp = SandboxIdp::generate().expect("key generation");
        let token = idp
            .sign(&request(), "https://api.inps.example", NOW, "jti-42")
            .expect("signing");
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some(idp.kid()));

        let payload = token.split('.').nth(1).expect("payload");
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64"))
                .expect("json");
        let now = NOW.unix_timestamp();
        assert_eq!(claims["iss"], SANDBOX_ISSUER);
        assert_eq!(claims["sub"], "TINIT-RSSMRA85T10A562S");
        assert_eq!(claims["fiscal_number"], "TINIT-RSSMRA85T10A562S");
        assert_eq!(claims["acr"], "https://www.spid.gov.it/SpidL3");
        assert_eq!(claims["idp"], "cie");
        assert_eq!(claims["amr"], json!(["cie"]));
        assert_eq!(claims["iat"], now);
        assert_eq!(claims["nbf"], now);
        assert_eq!(claims["exp"], now + 300);
        assert_eq!(claims["aud"], "https://api.inps.example");
        assert_eq!(claims["jti"], "jti-42");

        let mut keys = TrustedKeys::new();
        keys.add(idp.trusted_key().expect("trusted key"));
        let verified = verify(
            &token,
            &keys,
            &AssertionPolicy::new("https://api.inps.example"),
            NOW,
        )
        .expect("valid assertion");
        assert_eq!(verified.idp(), Idp::Cie);
        assert_eq!(verified.level(), Level::L3);
        assert_eq!(verified.given_name(), "Maria");
    }
}
