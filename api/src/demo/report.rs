//! What `seed-demo` prints: each persona with its roles, what there is to see and a sandbox
//! assertion ready for `POST /v1/sessions`.

use diesel::PgConnection;
use inps_domain::delegation::{DelegationStatus, stored_status_matches};
use inps_persistence::delegations::{self, DelegationQuery};
use inps_persistence::{employers, persons};
use time::{Date, OffsetDateTime};

use super::data::{self, EMPLOYERS, Person};
use crate::cli::{self, SandboxAssertionArgs};
use crate::error::ApiError;
use crate::settings::Settings;

/// A persona to log in as.
#[derive(Debug, Clone)]
pub struct DemoPersona {
    /// `operator`, `employer`, `intermediary, labour_consultant`, `intermediary, patronato`.
    pub kind: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Codice fiscale.
    pub tax_code: String,
    /// Roles held.
    pub roles: Vec<String>,
    /// Subjects this persona holds an active delegation from.
    pub acts_for: Vec<String>,
    /// What there is to see (employments, delegations).
    pub notes: Vec<String>,
    /// A sandbox identity assertion (SPID level 2) for `POST /v1/sessions`.
    pub assertion: String,
}

/// What `seed-demo` did and who to log in as.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// False when the dataset was already there (nothing was written).
    pub created: bool,
    /// The operator, the employers, the intermediaries.
    pub personas: Vec<DemoPersona>,
}

impl DemoReport {
    /// The text the command prints.
    pub fn render(&self) -> String {
        let mut out = String::from(if self.created {
            "Demo data created."
        } else {
            "Demo data already present: nothing changed."
        });
        out.push_str(
            "\nLog in as any persona: in Swagger UI (/swagger-ui/) send its body to \
             POST /v1/sessions, then Authorize with the token. Assertions expire 10 minutes \
             after signing: run seed-demo again for fresh ones.\n",
        );
        for p in &self.personas {
            out.push_str(&format!(
                "\n[{}] {} {}  {}  roles: {}\n",
                p.kind,
                p.given_name,
                p.family_name,
                p.tax_code,
                p.roles.join(", ")
            ));
            for note in &p.notes {
                out.push_str(&format!("  {note}\n"));
            }
            out.push_str(&format!("  {{\"assertion\": \"{}\"}}\n", p.assertion));
        }
        out
    }
}

/// A persona as the dataset now stands: roles, employments, delegations (`idle` when none).
fn describe(
    conn: &mut PgConnection,
    kind: String,
    person: Person,
    idle: &str,
    today: Date,
) -> Result<DemoPersona, ApiError> {
    let filter = |delegator, delegate| DelegationQuery {
        delegator,
        delegate,
        status: Some(stored_status_matches(DelegationStatus::Active, today)),
        ..DelegationQuery::default()
    };
    let mut notes = Vec::new();
    for e in employers::employments_of(conn, person.tax_code, None, 50)? {
        let ended = e
            .end_date
            .map(|d| format!(", ended {d}"))
            .unwrap_or_default();
        notes.push(format!(
            "employment {}: {} {} {}, since {}{ended}",
            e.code, e.employment_type, e.worker_given_name, e.worker_family_name, e.start_date
        ));
    }
    for d in delegations::query(conn, &filter(Some(person.tax_code), None), None, 10)? {
        notes.push(format!(
            "delegates {} ({}: {})",
            d.delegate_tax_code,
            d.service.replace('_', " "),
            d.scopes.join(", ")
        ));
    }
    let mut acts_for = Vec::new();
    for d in delegations::query(conn, &filter(None, Some(person.tax_code)), None, 10)? {
        notes.push(format!(
            "acts for {} ({}: {})",
            d.delegator_tax_code,
            d.service.replace('_', " "),
            d.scopes.join(", ")
        ));
        acts_for.push(d.delegator_tax_code);
    }
    if notes.is_empty() {
        notes.push(idle.to_owned());
    }
    Ok(DemoPersona {
        kind,
        given_name: person.given_name.to_owned(),
        family_name: person.family_name.to_owned(),
        tax_code: person.tax_code.to_owned(),
        roles: persons::roles_of(conn, person.tax_code)?,
        acts_for,
        notes,
        assertion: String::new(),
    })
}

/// Every persona as the dataset stands, with assertions signed at `now`.
pub(super) fn personas(
    conn: &mut PgConnection,
    settings: &Settings,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<DemoPersona>> {
    let today = inps_domain::rome_time::rome_date(now);
    let mut people = vec![(
        "operator".to_owned(),
        data::OPERATOR,
        "INPS office: sees every employer, records employments and payments, answers inquiries",
    )];
    people.extend(
        EMPLOYERS
            .iter()
            .map(|e| ("employer".to_owned(), e.person, "no employments")),
    );
    people.push((
        "occasional worker".to_owned(),
        super::occasional::WORKER,
        "student worker: services for a family (Libretto Famiglia) and a trattoria (PrestO), see GET /v1/services",
    ));
    for i in [data::LABOUR_CONSULTANT, data::PATRONATO] {
        people.push((
            format!("intermediary, {}", i.qualification.as_str()),
            i.person,
            "no delegation yet: an employer can delegate them with POST /v1/delegations",
        ));
    }
    let mut personas = Vec::with_capacity(people.len());
    for (kind, person, idle) in people {
        let mut persona = describe(conn, kind, person, idle, today).map_err(cli::api_error)?;
        persona.assertion = cli::sandbox_assertion(
            settings,
            &SandboxAssertionArgs {
                tax_code: person.tax_code.to_owned(),
                level: "L2".to_owned(),
                idp: "spid".to_owned(),
                given_name: person.given_name.to_owned(),
                family_name: person.family_name.to_owned(),
            },
            now,
        )?;
        personas.push(persona);
    }
    Ok(personas)
}
