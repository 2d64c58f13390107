//! The wire types of `/v1/intermediaries` and `/v1/persons/{tax_code}/roles`.

use inps_domain::identity::Role as DRole;
use inps_domain::tax_code::TaxCode;
use inps_persistence::intermediaries::Intermediary as Registered;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::RegisterIntermediary;
use crate::error::{ApiError, Text};
use crate::wire::{Qualification, Role};

/// Parses a tax code from a path or body field (422 naming `field` when invalid).
pub fn tax_code_field(field: &str, raw: &str) -> Result<TaxCode, ApiError> {
    TaxCode::parse(raw).map_err(|_| {
        ApiError::invalid_field(
            field,
            Text::new("codice fiscale non valido", "invalid tax code"),
        )
    })
}

/// A qualified intermediary.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "given_name": "Laura", "family_name": "Bianchi", "qualification": "labour_consultant", "registration_number": "RM-1234", "active": true, "registered_at": "2026-02-16T10:30:00Z"}))]
pub struct Intermediary {
    /// Codice fiscale.
    #[schema(max_length = 16, example = "BNCLRA80A41H501D")]
    pub tax_code: String,
    /// Given name (or name of the body).
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Family name (or legal form).
    #[schema(max_length = 100)]
    pub family_name: String,
    /// Qualification under circ. INPS 49/2011.
    pub qualification: Qualification,
    /// Number in the professional register.
    #[schema(max_length = 64)]
    pub registration_number: Option<String>,
    /// Whether it may act as a delegate.
    pub active: bool,
    /// When it was registered.
    #[serde(with = "time::serde::rfc3339")]
    pub registered_at: OffsetDateTime,
}

impl From<Registered> for Intermediary {
    fn from(i: Registered) -> Self {
        Self {
            tax_code: i.tax_code.as_str().to_owned(),
            given_name: i.given_name,
            family_name: i.family_name,
            qualification: i.qualification.into(),
            registration_number: i.registration_number,
            active: i.active,
            registered_at: i.registered_at,
        }
    }
}

/// A new intermediary.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "given_name": "Laura", "family_name": "Bianchi", "qualification": "labour_consultant", "registration_number": "RM-1234"}))]
pub struct NewIntermediary {
    /// Codice fiscale (16-character personal or 11-digit numeric).
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub tax_code: String,
    /// Given name (or name of the body).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    /// Family name (or legal form).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
    /// Qualification.
    pub qualification: Qualification,
    /// Number in the professional register.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub registration_number: Option<String>,
}

impl NewIntermediary {
    /// The command, the tax code already parsed.
    pub fn command(&self, tax_code: TaxCode) -> RegisterIntermediary {
        RegisterIntermediary {
            tax_code,
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            qualification: self.qualification.into(),
            registration_number: self.registration_number.clone(),
        }
    }
}

/// Roles held by a person.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"tax_code": "BNCLRA80A41H501D", "roles": ["intermediary"]}))]
pub struct PersonRoles {
    /// Codice fiscale.
    #[schema(max_length = 16)]
    pub tax_code: String,
    /// Roles.
    pub roles: Vec<Role>,
}

impl PersonRoles {
    /// The roles `tax_code` holds.
    pub fn of(tax_code: &TaxCode, roles: Vec<DRole>) -> Self {
        Self {
            tax_code: tax_code.as_str().to_owned(),
            roles: roles.into_iter().map(Role::from).collect(),
        }
    }
}

/// The path of a role operation.
#[derive(Debug, Deserialize)]
pub struct RolePath {
    /// Codice fiscale.
    pub tax_code: String,
    /// The role.
    pub role: Role,
}
