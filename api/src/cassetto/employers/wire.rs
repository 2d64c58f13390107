//! The wire shape of an employer's data: [`Employer`], with its address and active delegation.

use inps_domain::authorization::DelegationFact;
use inps_domain::employment::Address as DAddress;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::use_cases::EmployerData;
use crate::identity::me::Contacts;
use crate::wire::Scope;

/// A postal address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Address {
    /// Street and number.
    #[schema(max_length = 200)]
    pub street: Option<String>,
    /// CAP.
    #[schema(max_length = 5, pattern = "^[0-9]{5}$")]
    pub postal_code: Option<String>,
    /// Comune.
    #[schema(max_length = 100)]
    pub municipality: Option<String>,
    /// Province (two letters).
    #[schema(max_length = 2, pattern = "^[A-Z]{2}$")]
    pub province: Option<String>,
}

/// The active domestic-work delegation of an employer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActiveDelegation {
    /// Delegation id.
    pub id: uuid::Uuid,
    /// The intermediary.
    #[schema(max_length = 16)]
    pub delegate_tax_code: String,
    /// Scopes granted.
    pub scopes: Vec<Scope>,
    /// Last day in force.
    #[serde(with = "crate::wire::iso_date")]
    pub valid_until: Date,
}

/// An employer's data in the cassetto previdenziale.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tax_code": "RSSMRA85T10A562S", "given_name": "Mario", "family_name": "Rossi",
    "birth_date": "1985-12-10", "birth_place_code": "A562",
    "address": {"street": "Via Roma 1", "postal_code": "00184", "municipality": "Roma", "province": "RM"},
    "contacts": {"email": "mario.rossi@example.it", "email_verified": true, "pec": "mario.rossi@pec.example.it", "pec_verified": false, "mobile": "+393331234567", "mobile_verified": true},
    "active_delegation": {
        "id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegate_tax_code": "BNCLRA80A41H501D",
        "scopes": ["read", "inquiries", "appointments"], "valid_until": "2026-12-31"
    }
}))]
pub struct Employer {
    /// Codice fiscale.
    #[schema(max_length = 16, example = "RSSMRA85T10A562S")]
    pub tax_code: String,
    /// Given name.
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Family name.
    #[schema(max_length = 100)]
    pub family_name: String,
    /// Birth date, derived from a personal tax code.
    #[serde(with = "crate::wire::iso_date::option")]
    pub birth_date: Option<Date>,
    /// Belfiore code of the birth place (Z… for a foreign country), derived from the tax code.
    #[schema(max_length = 4)]
    pub birth_place_code: Option<String>,
    /// Residence.
    pub address: Address,
    /// Contacts on file (when the employer has logged in and given them).
    pub contacts: Contacts,
    /// The active domestic-work delegation, if any.
    pub active_delegation: Option<ActiveDelegation>,
}

impl From<DAddress> for Address {
    fn from(a: DAddress) -> Self {
        Self {
            street: a.street,
            postal_code: a.postal_code,
            municipality: a.municipality,
            province: a.province,
        }
    }
}

impl From<(uuid::Uuid, DelegationFact)> for ActiveDelegation {
    fn from((id, d): (uuid::Uuid, DelegationFact)) -> Self {
        Self {
            id,
            delegate_tax_code: d.delegate.as_str().to_owned(),
            scopes: d.scopes.into_iter().map(Scope::from).collect(),
            valid_until: d.valid_until,
        }
    }
}

impl From<EmployerData> for Employer {
    fn from(data: EmployerData) -> Self {
        let name = data.employer.name;
        Self {
            tax_code: name.tax_code.as_str().to_owned(),
            given_name: name.given_name,
            family_name: name.family_name,
            birth_date: data.birth_date,
            birth_place_code: data.birth_place_code,
            address: data.employer.address.into(),
            contacts: Contacts::from(data.contacts),
            active_delegation: data.active_delegation.map(ActiveDelegation::from),
        }
    }
}
