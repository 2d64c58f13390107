//! The wire types of `/v1/sandbox/assertions`.

use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, Text};
use crate::identity::sandbox::SandboxAssertionRequest;
use crate::wire::{AssuranceLevel, IdentityProvider};

/// What the sandbox identity provider should assert.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tax_code": "RSSMRA85T10A562S", "level": "L2", "idp": "spid", "given_name": "Mario", "family_name": "Rossi"}))]
pub struct SandboxAssertionInput {
    /// Codice fiscale of the person (16 characters).
    #[validate(length(min = 16, max = 22))]
    #[schema(
        min_length = 16,
        max_length = 22,
        pattern = "^(TINIT-)?[A-Za-z0-9]{16}$"
    )]
    pub tax_code: String,
    /// Assurance level; `L1` is signed on purpose, to test its refusal.
    pub level: AssuranceLevel,
    /// Identity scheme.
    pub idp: IdentityProvider,
    /// Given name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[^\\x00-\\x1f]+$")]
    pub given_name: String,
    /// Family name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[^\\x00-\\x1f]+$")]
    pub family_name: String,
}

fn clean_name(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            Text::new("nome non valido", "invalid name"),
        ));
    }
    Ok(v.to_owned())
}

impl SandboxAssertionInput {
    /// The request, parsed: a personal tax code and clean names (422 naming the field).
    pub fn request(self) -> Result<SandboxAssertionRequest, ApiError> {
        let tax_code = TaxCode::parse(&self.tax_code)
            .ok()
            .filter(|t| t.kind() == TaxCodeKind::Personal)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "tax_code",
                    Text::new("codice fiscale non valido", "invalid tax code"),
                )
            })?;
        Ok(SandboxAssertionRequest {
            tax_code,
            level: self.level.into(),
            idp: self.idp.into(),
            given_name: clean_name("given_name", &self.given_name)?,
            family_name: clean_name("family_name", &self.family_name)?,
        })
    }
}

/// A signed assertion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"assertion": "eyJhbGciOiJFUzI1NiIsImtpZCI6InNhbmRib3gtLi4uIn0.eyJzdWIiOiJUSU5JVC0uLi4ifQ.c2lnbmF0dXJl"}))]
pub struct SandboxAssertion {
    /// The JWT to send to `POST /v1/sessions`.
    #[schema(max_length = 16384)]
    pub assertion: String,
}
