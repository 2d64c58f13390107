//! Tests of assertion verification: every refusal, with keys generated in the test.

use super::*;
use crate::identity::sandbox::{SANDBOX_ISSUER, SandboxAssertionRequest, SandboxIdp};
use jsonwebtoken::{EncodingKey, Header};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::traits::PublicKeyParts as _;
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
    let hmac = jsonwebtoken::encode(&header, &base_claims(), &EncodingKey::from_secret(&secret))
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
            sandbox_key.decoding_key().clone(),
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

    let okp =
        json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "AAAA"}]}).to_string();
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

    let rs512 = json!({"keys": [{"kty": "RSA", "kid": "r", "alg": "RS512", "n": n, "e": "AQAB"}]})
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
