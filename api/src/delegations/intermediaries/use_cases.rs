//! The register's use cases: register an intermediary, show one, grant or revoke a role.
//! Domain commands in, domain results or a typed [`Refusal`] out; the HTTP handlers, the
//! command line (`register-intermediary`, `grant-role`) and the demo seeder call them.

use diesel::PgConnection;
use inps_domain::identity::{IntermediaryQualification, Role};
use inps_domain::notification::EventType;
use inps_domain::tax_code::{TaxCode, TaxCodeKind};
use inps_persistence::intermediaries::{self, Intermediary, IntermediaryRow};
use inps_persistence::persons;
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::problems::Problem;
use crate::refusal::Refusal;

/// Add a qualified intermediary to the register.
#[derive(Debug, Clone)]
pub struct RegisterIntermediary {
    /// Codice fiscale (a person's, or a body's 11 digits).
    pub tax_code: TaxCode,
    /// Given name (or the body's name).
    pub given_name: String,
    /// Family name (or the body's legal form).
    pub family_name: String,
    /// Qualification under circ. INPS 49/2011.
    pub qualification: IntermediaryQualification,
    /// Number in the professional register.
    pub registration_number: Option<String>,
}

/// Registers a qualified intermediary (operators, the command line) and gives a person the
/// `intermediary` role.
pub fn register_intermediary(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: RegisterIntermediary,
    now: OffsetDateTime,
) -> Result<Intermediary, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let row = IntermediaryRow {
        tax_code: cmd.tax_code.as_str().to_owned(),
        given_name: cmd.given_name.trim().to_owned(),
        family_name: cmd.family_name.trim().to_owned(),
        qualification: cmd.qualification.as_str().to_owned(),
        registration_number: cmd.registration_number,
        active: true,
        registered_at: now,
        registered_by: actor.tax_code.clone(),
    };
    if !intermediaries::insert(conn, &row)? {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Intermediario già registrato.",
            "Intermediary already registered.",
        ));
    }
    if cmd.tax_code.kind() == TaxCodeKind::Personal {
        persons::ensure_exists(conn, &row.tax_code, &row.given_name, &row.family_name, now)?;
        let by = actor.tax_code.as_deref();
        persons::grant_role(conn, &row.tax_code, Role::Intermediary.as_str(), by, now)?;
    }
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "intermediary.register",
            &format!("/v1/intermediaries/{}", row.tax_code),
            Some(&row.tax_code),
        ),
        now,
    )?;
    Intermediary::try_from(row).map_err(Refusal::internal)
}

/// The registered intermediary `tax_code` (not found otherwise).
pub fn show_intermediary(
    conn: &mut PgConnection,
    tax_code: &TaxCode,
) -> Result<Intermediary, Refusal> {
    let row = intermediaries::find(conn, tax_code.as_str())?.ok_or_else(Refusal::not_found)?;
    Intermediary::try_from(row).map_err(Refusal::internal)
}

/// Grant or revoke a role.
#[derive(Debug, Clone)]
pub struct SetRole {
    /// Whose.
    pub person: TaxCode,
    /// Which.
    pub role: Role,
    /// Grant (true) or revoke (false).
    pub grant: bool,
}

/// Grants or revokes a role of a person who logged in at least once (operators, the command
/// line); idempotent. Returns the roles now held.
pub fn set_role(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: SetRole,
    now: OffsetDateTime,
) -> Result<Vec<Role>, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let code = cmd.person.as_str();
    if persons::find(conn, code)?.is_none() {
        return Err(Refusal::not_found().with_detail(
            "Persona mai autenticata: i ruoli si assegnano dopo il primo accesso.",
            "This person never logged in: roles are granted after the first login.",
        ));
    }
    let role = cmd.role.as_str();
    let changed = if cmd.grant {
        persons::grant_role(conn, code, role, actor.tax_code.as_deref(), now)?
    } else {
        persons::revoke_role(conn, code, role)?
    };
    let (action, event_type) = if cmd.grant {
        ("role.grant", EventType::RoleGranted)
    } else {
        ("role.revoke", EventType::RoleRevoked)
    };
    let resource = format!("/v1/persons/{code}/roles/{role}");
    inps_persistence::audit::append(conn, actor.audit(action, &resource, Some(code)), now)?;
    if changed {
        let event = Event {
            event_type,
            subject: cmd.person.clone(),
            recipients: vec![cmd.person.clone()],
            payload: serde_json::json!({ "role": role }),
            link: "/v1/me".to_owned(),
        };
        notify(conn, event, now)?;
    }
    persons::parse_roles(code, &persons::roles_of(conn, code)?).map_err(Refusal::internal)
}
