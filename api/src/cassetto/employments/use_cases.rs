//! The use cases of employments: recording one, listing an employer's, showing one, and the
//! access check every employment resource shares. Domain commands in, domain results or a
//! typed [`Refusal`] out; each runs in the caller's transaction.

use diesel::PgConnection;
use inps_domain::authorization::Access;
use inps_domain::delegation::{Scope, Service};
use inps_domain::employment::{
    Employer, Employment, EmploymentCode, FieldProblem, RecordEmployment,
};
use inps_domain::identity::Role;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::employers::{self as repo, EmployerRow, EmploymentRow};
use inps_persistence::persons::{self, RegistryRecordRow};
use time::{Date, OffsetDateTime};

use crate::access::{AccessRequest, Audited};
use crate::auth::Actor;
use crate::error::Text;
use crate::refusal::Refusal;

/// The 422 of a command's field problems, each named by its field.
pub fn field_refusal(problems: Vec<FieldProblem>) -> Refusal {
    problems.into_iter().fold(
        Refusal::new(crate::problems::Problem::ValidationFailed),
        |r, p| {
            r.with_field(
                p.field,
                Text::new(format!("non valido: {}", p.error), p.error.to_string()),
            )
        },
    )
}

/// Records an employment (`POST /v1/employments`, the CSV import, the demo seeder): upserts the
/// employer, keeps both names in the registry (for the login name check), gives the employer
/// role, allocates the code from the sequence and audits the write. Operators and the command
/// line only.
pub fn record_employment(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: RecordEmployment,
    now: OffsetDateTime,
) -> Result<Employment, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let cmd = cmd.checked(rome_date(now)).map_err(field_refusal)?;
    let employer = Employer {
        name: cmd.employer.clone(),
        address: cmd.employer_address.clone(),
    };
    repo::upsert(conn, &EmployerRow::of(&employer, now))?;
    for (person, source) in [
        (&cmd.employer, "domestic_work_employers"),
        (&cmd.worker, "domestic_work_workers"),
    ] {
        persons::upsert_registry_record(
            conn,
            &RegistryRecordRow {
                tax_code: person.tax_code.as_str().to_owned(),
                given_name: person.given_name.clone(),
                family_name: person.family_name.clone(),
                source: source.to_owned(),
            },
        )?;
    }
    let boss = &cmd.employer;
    persons::ensure_exists(
        conn,
        boss.tax_code.as_str(),
        &boss.given_name,
        &boss.family_name,
        now,
    )?;
    persons::grant_role(
        conn,
        boss.tax_code.as_str(),
        Role::Employer.as_str(),
        actor.tax_code.as_deref(),
        now,
    )?;
    let sequence = repo::next_code_sequence(conn)?;
    let code = u64::try_from(sequence)
        .ok()
        .and_then(EmploymentCode::from_sequence)
        .ok_or_else(|| Refusal::internal("employment code sequence exhausted"))?;
    let employment = Employment {
        code,
        employer: cmd.employer.tax_code,
        worker: cmd.worker,
        employment_type: cmd.employment_type,
        start: cmd.start,
        end: cmd.end,
        weekly_hours: cmd.weekly_hours,
        hourly_pay: cmd.hourly_pay,
        live_in: cmd.live_in,
        fixed_term: cmd.fixed_term,
        cuaf: cmd.cuaf,
    };
    repo::insert_employment(
        conn,
        &EmploymentRow::of(&employment, now, actor.tax_code.clone()),
    )?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "employment.create",
            &format!("/v1/employments/{}", employment.code),
            Some(employment.employer.as_str()),
        ),
        now,
    )?;
    Ok(employment)
}

/// Up to `limit` of `employer`'s employments after `cursor` (start, code), latest start first,
/// for an actor who may read the employer's data (404 otherwise, and for an unknown employer).
pub fn employer_employments(
    conn: &mut PgConnection,
    actor: &Actor,
    employer: &TaxCode,
    cursor: Option<(Date, EmploymentCode)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<Employment>, Refusal> {
    let resource = format!("/v1/employers/{}/employments", employer.as_str());
    actor.authorize(
        conn,
        &AccessRequest::act(
            employer,
            Service::DomesticWork,
            Scope::Read,
            Audited {
                action: "employments.read",
                resource: &resource,
            },
        ),
        now,
    )?;
    if repo::find(conn, employer.as_str())?.is_none() {
        return Err(Refusal::not_found());
    }
    let cursor = cursor.map(|(date, code)| (date, code.as_str().to_owned()));
    repo::employments_of(conn, employer.as_str(), cursor, limit)?
        .into_iter()
        .map(|row| Employment::try_from(row).map_err(Refusal::internal))
        .collect()
}

/// The employment `code`, for an actor who may read it.
pub fn show_employment(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    now: OffsetDateTime,
) -> Result<Employment, Refusal> {
    let resource = format!("/v1/employments/{code}");
    let audited = Audited {
        action: "employment.read",
        resource: &resource,
    };
    Ok(visible_employment(conn, actor, code, Scope::Read, audited, now)?.0)
}

/// The employment `code` if `actor` may act on it within `scope` (404 otherwise), with the
/// access granted; `audited` names the attempt in the accountability log.
pub fn visible_employment(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    scope: Scope,
    audited: Audited<'_>,
    now: OffsetDateTime,
) -> Result<(Employment, Access), Refusal> {
    let row = repo::find_employment(conn, code.as_str())?.ok_or_else(Refusal::not_found)?;
    let employment = Employment::try_from(row).map_err(Refusal::internal)?;
    let access = actor.authorize(
        conn,
        &AccessRequest::act(&employment.employer, Service::DomesticWork, scope, audited),
        now,
    )?;
    Ok((employment, access))
}
