//! `GET /v1/employers/{tax_code}`: the household employer's own data in the cassetto, for the
//! employer, an intermediary with an active domestic-work delegation, and operators.

use actix_web::{HttpResponse, get, web};
use inps_domain::delegation::{DelegationStatus as DStatus, Scope as DScope, Service as DService};
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::delegations::{self as delegation_repo, ListFilter};
use inps_persistence::{employers, profile};
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use crate::access::{AccessRequest, Audited};
use crate::auth::Caller;
use crate::db;
use crate::error::ApiError;
use crate::identity::me::Contacts;
use crate::state::AppState;
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

/// Show an employer
///
/// Personal data (names, birth date and place derived from the tax code, address), contacts and
/// the active domestic-work delegation. Visible to the employer, to an intermediary with an
/// active domestic-work delegation (the read is recorded in the accountability log) and to
/// operators; 404 to anyone else.
#[utoipa::path(tag = "employers", operation_id = "show_employer",
    params(("tax_code" = String, Path, description = "Codice fiscale of the employer.", max_length = 22)),
    responses((status = 200, description = "The employer.", body = Employer),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employers/{tax_code}")]
pub async fn show_employer(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let subject = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let now = state.clock.now();
    let today = rome_date(now);
    let employer = db::transaction(&state, move |conn| {
        let resource = format!("/v1/employers/{}", subject.as_str());
        caller.actor().authorize(
            conn,
            &AccessRequest::act(
                &subject,
                DService::DomesticWork,
                DScope::Read,
                Audited {
                    action: "employer.read",
                    resource: &resource,
                },
            ),
            now,
        )?;
        let row = employers::find(conn, subject.as_str())?.ok_or_else(ApiError::not_found)?;
        let contacts = profile::contacts_of(conn, subject.as_str())?;
        let active = delegation_repo::list(
            conn,
            &ListFilter {
                delegator: Some(subject.as_str()),
                service: Some(DService::DomesticWork.as_str()),
                status: Some(DStatus::Active.as_str()),
                today: Some(today),
                ..ListFilter::default()
            },
            None,
            1,
        )?
        .into_iter()
        .next()
        .map(|d| ActiveDelegation {
            id: d.id,
            delegate_tax_code: d.delegate_tax_code,
            scopes: d
                .scopes
                .iter()
                .filter_map(|s| s.parse::<DScope>().ok().map(Scope::from))
                .collect(),
            valid_until: d.valid_until,
        });
        Ok(Employer {
            birth_date: subject.birth_date(today),
            birth_place_code: subject.birth_place_code(),
            tax_code: row.tax_code,
            given_name: row.given_name,
            family_name: row.family_name,
            address: Address {
                street: row.address_street,
                postal_code: row.address_postal_code,
                municipality: row.address_municipality,
                province: row.address_province,
            },
            contacts: Contacts::from(contacts),
            active_delegation: active,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(employer))
}
