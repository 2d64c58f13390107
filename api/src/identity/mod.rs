//! Citizen identity: verification of the signed assertion the SPID/CIE front end hands us, and the
//! sandbox identity provider that mints such assertions outside production.

pub mod assertion;
pub mod keys;
pub mod sandbox;

pub use assertion::{
    AssertionError, AssertionPolicy, Idp, KeyConfigError, Level, TrustedKey, TrustedKeys,
    VerifiedAssertion, verify,
};
pub use sandbox::{
    SANDBOX_ISSUER, SANDBOX_KID_PREFIX, SandboxAssertionRequest, SandboxError, SandboxIdp,
};
