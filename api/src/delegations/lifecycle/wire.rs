//! The wire types of `/v1/delegations`: request bodies, filters and responses, with their
//! conversions from the use cases' results.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::use_cases::{CreatedDelegation, DelegationState};
use crate::wire::{DelegationStatus, Scope, Service};

/// A delegation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegator_tax_code": "RSSMRA85T10A562S", "delegate_tax_code": "BNCLRA80A41H501D",
    "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"],
    "valid_from": "2026-03-02", "valid_until": "2026-12-31", "status": "active",
    "created_at": "2026-03-02T09:00:00Z", "activated_at": "2026-03-02T10:15:00Z", "closed_at": null,
    "verification_code": null
}))]
pub struct Delegation {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subject who delegates (employer, worker, client).
    #[schema(max_length = 16)]
    pub delegator_tax_code: String,
    /// The qualified intermediary.
    #[schema(max_length = 16)]
    pub delegate_tax_code: String,
    /// Service covered.
    pub service: Service,
    /// What the delegate may do (`read` always included).
    pub scopes: Vec<Scope>,
    /// First day in force.
    #[serde(with = "crate::wire::iso_date")]
    pub valid_from: Date,
    /// Last day in force.
    #[serde(with = "crate::wire::iso_date")]
    pub valid_until: Date,
    /// State (expiry by date is applied when read).
    pub status: DelegationStatus,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it became active.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub activated_at: Option<OffsetDateTime>,
    /// When it was rejected or revoked.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// The code the delegator hands to the intermediary; shown only in the creation answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8, pattern = "^[0-9]{8}$")]
    pub verification_code: Option<String>,
}

impl From<DelegationState> for Delegation {
    fn from(state: DelegationState) -> Self {
        let d = state.delegation;
        Self {
            id: d.id,
            delegator_tax_code: d.delegator.as_str().to_owned(),
            delegate_tax_code: d.delegate.as_str().to_owned(),
            service: d.service.into(),
            scopes: d.scopes.into_iter().map(Scope::from).collect(),
            valid_from: d.valid_from,
            valid_until: d.valid_until,
            status: state.status.into(),
            created_at: d.created_at,
            activated_at: d.activated_at,
            closed_at: d.closed_at,
            verification_code: None,
        }
    }
}

impl From<CreatedDelegation> for Delegation {
    fn from(created: CreatedDelegation) -> Self {
        Self {
            verification_code: Some(created.verification_code),
            ..Self::from(created.delegation)
        }
    }
}

/// A page of delegations.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegator_tax_code": "RSSMRA85T10A562S", "delegate_tax_code": "BNCLRA80A41H501D",
    "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"],
    "valid_from": "2026-03-02", "valid_until": "2026-12-31", "status": "active",
    "created_at": "2026-03-02T09:00:00Z", "activated_at": "2026-03-02T10:15:00Z", "closed_at": null,
    "verification_code": null
}],
    "next_cursor": "MTc3MjQ0MjAwMDAwMDAwMDAwMC8zZjZjMmE5ZS04YjFkLTRlN2EtOWM1Mi0xZDBiN2U0YTZmMjE"
}))]
pub struct DelegationPage {
    /// Delegations, newest first.
    pub items: Vec<Delegation>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// A new delegation, given by the caller.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delegate_tax_code": "BNCLRA80A41H501D", "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"], "valid_from": "2030-01-07", "valid_until": "2030-12-31"}))]
pub struct NewDelegation {
    /// The intermediary's tax code.
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub delegate_tax_code: String,
    /// Service.
    pub service: Service,
    /// Scopes (must be allowed for the service).
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub scopes: Vec<Scope>,
    /// First day in force (today or later).
    #[serde(with = "crate::wire::iso_date")]
    pub valid_from: Date,
    /// Last day in force (occasional work: at most 12 months after `valid_from`).
    #[serde(with = "crate::wire::iso_date")]
    pub valid_until: Date,
}

/// Filters of the delegation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DelegationFilter {
    /// Only delegations given by this subject (operators; others see only their own).
    #[param(max_length = 22)]
    pub delegator_tax_code: Option<String>,
    /// Only delegations given to this intermediary.
    #[param(max_length = 22)]
    pub delegate_tax_code: Option<String>,
    /// Only this service.
    pub service: Option<Service>,
    /// Only this state.
    pub status: Option<DelegationStatus>,
}

fn eight_digits(code: &str) -> Result<(), validator::ValidationError> {
    if code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("eight_digits").with_message("must be 8 digits".into()))
    }
}

/// Accepting a delegation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"verification_code": "04718263"}))]
pub struct AcceptDelegation {
    /// The code the delegator received at creation.
    #[validate(custom(function = "eight_digits"))]
    #[schema(min_length = 8, max_length = 8, pattern = "^[0-9]{8}$")]
    pub verification_code: String,
}
