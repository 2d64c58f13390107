//! Verification of the signed identity assertion (a JWT) that the authentication front end hands
//! us after completing the SPID/CIE OIDC flow.
//!
//! The signature is checked with `jsonwebtoken`, but every time-based and semantic claim is
//! checked here against the `now` the caller passes in: the library would read the system clock,
//! and tests (and the whole API) read time only through an injectable clock. Each refusal maps to
//! one [`AssertionError`] variant with a stable problem slug. Replay protection (`jti` already
//! seen) needs the database and is left to the caller.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

/// Name of the tax code claim in the SPID/CIE OIDC attribute registry.
const EID_FISCAL_NUMBER_CLAIM: &str = "https://attributes.eid.gov.it/fiscal_number";
/// Longest token looked at. Real assertions are ~1 KiB; the cap keeps a hostile client from
/// making us base64-decode and parse megabytes before the signature check.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Longest `jti` accepted: it is stored for replay detection, so it must fit its column.
const MAX_JTI_CHARS: usize = 128;
/// Longest given or family name accepted (it ends up in records and letters).
const MAX_NAME_CHARS: usize = 100;

pub use super::keys::{KeyConfigError, TrustedKey, TrustedKeys};

/// The SPID/CIE level of assurance and the identity scheme are the domain's types.
pub use inps_domain::identity::{AssuranceLevel as Level, IdentityProvider as Idp};

/// An identity scheme name as providers spell it (`SPID`, `eIDAS`, ...).
fn parse_idp(text: &str) -> Option<Idp> {
    text.trim().to_ascii_lowercase().parse().ok()
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
    /// The registry row of this refusal (its slug is the problem type clients see).
    pub fn problem(&self) -> crate::problems::Problem {
        use crate::problems::Problem as P;
        match self {
            Self::Malformed => P::AssertionMalformed,
            Self::UnsupportedAlgorithm => P::AssertionUnsupportedAlgorithm,
            Self::UnknownKey => P::AssertionUnknownKey,
            Self::BadSignature => P::AssertionBadSignature,
            Self::WrongIssuer => P::AssertionWrongIssuer,
            Self::WrongAudience => P::AssertionWrongAudience,
            Self::Expired => P::AssertionExpired,
            Self::NotYetValid => P::AssertionNotYetValid,
            Self::Stale => P::AssertionStale,
            Self::InsufficientLevel => P::AssertionInsufficientLevel,
            Self::Replayed => P::AssertionReplayed,
            Self::InvalidSubject => P::AssertionInvalidSubject,
        }
    }

    /// Stable kebab-case problem slug, used in the problem type URI and by clients.
    pub fn slug(&self) -> &'static str {
        self.problem().spec().slug
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
        .filter(|key| key.algorithm() == algorithm)
        .ok_or(AssertionError::UnknownKey)?;

    let claims = verified_claims(token, key)?;

    let issuer = string_claim(&claims, "iss")?.ok_or_else(|| malformed("no \"iss\""))?;
    if issuer != key.issuer() {
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
    let mut validation = Validation::new(key.algorithm());
    // Every claim check is ours, against the injected `now`; the library would use the system
    // clock and apply its own idea of required claims.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(token, key.decoding_key(), &validation) {
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
mod tests;
