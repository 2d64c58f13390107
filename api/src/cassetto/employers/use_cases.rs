//! The use case of the employer's data.

use diesel::PgConnection;
use inps_domain::authorization::DelegationFact;
use inps_domain::delegation::{DelegationStatus, Scope, Service};
use inps_domain::employment::Employer;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::delegations::{self as delegation_repo, ListFilter};
use inps_persistence::employers;
use inps_persistence::profile::{self, ContactsRow};
use time::{Date, OffsetDateTime};

use crate::access::{AccessRequest, Audited};
use crate::auth::Actor;
use crate::refusal::Refusal;

/// What the cassetto shows about an employer.
#[derive(Debug)]
pub struct EmployerData {
    /// Names and address.
    pub employer: Employer,
    /// Birth date, derived from a personal tax code.
    pub birth_date: Option<Date>,
    /// Belfiore code of the birth place, derived from the tax code.
    pub birth_place_code: Option<String>,
    /// Contacts on file.
    pub contacts: ContactsRow,
    /// The active domestic-work delegation, with its id.
    pub active_delegation: Option<(uuid::Uuid, DelegationFact)>,
}

/// The data of `subject` for an actor who may read it (404 otherwise, and when unknown).
pub fn show_employer(
    conn: &mut PgConnection,
    actor: &Actor,
    subject: &TaxCode,
    now: OffsetDateTime,
) -> Result<EmployerData, Refusal> {
    let today = rome_date(now);
    let resource = format!("/v1/employers/{}", subject.as_str());
    let audited = Audited {
        action: "employer.read",
        resource: &resource,
    };
    let request = AccessRequest::act(subject, Service::DomesticWork, Scope::Read, audited);
    actor.authorize(conn, &request, now)?;
    let row = employers::find(conn, subject.as_str())?.ok_or_else(Refusal::not_found)?;
    let employer = Employer::try_from(row).map_err(Refusal::internal)?;
    let contacts = profile::contacts_of(conn, subject.as_str())?;
    let filter = ListFilter {
        delegator: Some(subject.as_str()),
        service: Some(Service::DomesticWork.as_str()),
        status: Some(DelegationStatus::Active.as_str()),
        today: Some(today),
        ..ListFilter::default()
    };
    let active_delegation = delegation_repo::list(conn, &filter, None, 1)?
        .into_iter()
        .next()
        .map(|row| {
            let id = row.id;
            DelegationFact::try_from(row)
                .map(|fact| (id, fact))
                .map_err(Refusal::internal)
        })
        .transpose()?;
    Ok(EmployerData {
        birth_date: subject.birth_date(today),
        birth_place_code: subject.birth_place_code(),
        employer,
        contacts,
        active_delegation,
    })
}
