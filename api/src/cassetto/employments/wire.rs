//! The wire shapes of employments: [`Employment`] (the response), [`NewEmployment`] (the
//! request, converted into the domain's `RecordEmployment`), [`EmploymentPage`].

use inps_domain::employment::{
    self as domain, Address, EmploymentType as DEmploymentType, RecordEmployment,
};
use inps_domain::money::Money;
use inps_domain::tax_code::TaxCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::Text;
use crate::refusal::Refusal;
use crate::wire::{EmploymentType, MoneySchema};

/// An employment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "employment_code": "1000000016",
    "employer_tax_code": "RSSMRA85T10A562S",
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "end_date": null, "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}))]
pub struct Employment {
    /// Codice rapporto: 10 digits, the last a Luhn check digit.
    #[schema(max_length = 10, pattern = "^[0-9]{10}$", example = "1000000016")]
    pub employment_code: String,
    /// The employer.
    #[schema(max_length = 16)]
    pub employer_tax_code: String,
    /// The worker.
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day.
    #[serde(with = "crate::wire::iso_date")]
    pub start_date: Date,
    /// Last day, when ended.
    #[serde(with = "crate::wire::iso_date::option")]
    pub end_date: Option<Date>,
    /// Contractual weekly hours (decimal string).
    #[schema(value_type = String, pattern = "^[0-9]{1,2}(\\.[0-9]{1,2})?$", max_length = 5, example = "25.00")]
    #[serde(with = "crate::wire::decimal::hours")]
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    #[schema(value_type = MoneySchema)]
    pub hourly_pay: Money,
    /// Convivente (the worker lives with the family).
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due (false for spouses and relatives up to the 3rd degree living together).
    pub cuaf: bool,
}

impl From<domain::Employment> for Employment {
    fn from(e: domain::Employment) -> Self {
        Self {
            employment_code: e.code.as_str().to_owned(),
            employer_tax_code: e.employer.as_str().to_owned(),
            worker: PersonName::from(e.worker),
            employment_type: e.employment_type.into(),
            start_date: e.start,
            end_date: e.end,
            weekly_hours: e.weekly_hours,
            hourly_pay: e.hourly_pay,
            live_in: e.live_in,
            fixed_term: e.fixed_term,
            cuaf: e.cuaf,
        }
    }
}

/// A person's tax code and names.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    /// Codice fiscale.
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub tax_code: String,
    /// Given name (trimmed; not blank).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    /// Family name (trimmed; not blank).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
}

impl From<domain::PersonName> for PersonName {
    fn from(p: domain::PersonName) -> Self {
        Self {
            tax_code: p.tax_code.as_str().to_owned(),
            given_name: p.given_name,
            family_name: p.family_name,
        }
    }
}

/// The employer's address, when known.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// Street and number (trimmed; not blank).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub street: Option<String>,
    /// CAP (5 digits).
    #[schema(pattern = "^[0-9]{5}$", max_length = 5)]
    pub postal_code: Option<String>,
    /// Comune (trimmed; not blank).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub municipality: Option<String>,
    /// Province (two capital letters).
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub province: Option<String>,
}

impl From<AddressInput> for Address {
    fn from(a: AddressInput) -> Self {
        Self {
            street: a.street,
            postal_code: a.postal_code,
            municipality: a.municipality,
            province: a.province,
        }
    }
}

/// A new employment, recorded by the back office.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "employer": {"tax_code": "RSSMRA85T10A562S", "given_name": "Mario", "family_name": "Rossi"},
    "employer_address": {"street": "Via Roma 1", "postal_code": "00184", "municipality": "Roma", "province": "RM"},
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}))]
pub struct NewEmployment {
    /// The employer (created or updated).
    #[validate(nested)]
    pub employer: PersonName,
    /// The employer's residence.
    #[validate(nested)]
    pub employer_address: Option<AddressInput>,
    /// The worker.
    #[validate(nested)]
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day: from 1900-01-01 to one year after today.
    #[serde(with = "crate::wire::iso_date")]
    pub start_date: Date,
    /// Last day, when already ended: on or after the first day, at most one year after today.
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub end_date: Option<Date>,
    /// Weekly hours (more than 0, at most 54, two decimals).
    #[schema(value_type = String, pattern = "^[0-9]{1,2}(\\.[0-9]{1,2})?$", max_length = 5)]
    #[serde(with = "crate::wire::decimal::hours")]
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    #[schema(value_type = MoneySchema)]
    pub hourly_pay: Money,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due.
    pub cuaf: bool,
}

/// The tax code of `field`, or a 422 naming it.
pub fn tax_code(field: &str, raw: &str) -> Result<TaxCode, Refusal> {
    TaxCode::parse(raw).map_err(|_| {
        Refusal::invalid_field(
            field,
            Text::new("codice fiscale non valido", "invalid tax code"),
        )
    })
}

fn person(field: &str, p: PersonName) -> Result<domain::PersonName, Refusal> {
    Ok(domain::PersonName {
        tax_code: tax_code(&format!("{field}.tax_code"), &p.tax_code)?,
        given_name: p.given_name,
        family_name: p.family_name,
    })
}

impl TryFrom<NewEmployment> for RecordEmployment {
    type Error = Refusal;

    fn try_from(body: NewEmployment) -> Result<Self, Refusal> {
        Ok(Self {
            employer: person("employer", body.employer)?,
            employer_address: body.employer_address.map(Address::from).unwrap_or_default(),
            worker: person("worker", body.worker)?,
            employment_type: DEmploymentType::from(body.employment_type),
            start: body.start_date,
            end: body.end_date,
            weekly_hours: body.weekly_hours,
            hourly_pay: body.hourly_pay,
            live_in: body.live_in,
            fixed_term: body.fixed_term,
            cuaf: body.cuaf,
        })
    }
}

/// A page of employments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "employment_code": "1000000016",
    "employer_tax_code": "RSSMRA85T10A562S",
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "end_date": null, "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}],
    "next_cursor": null
}))]
pub struct EmploymentPage {
    /// Employments, latest start first.
    pub items: Vec<Employment>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}
