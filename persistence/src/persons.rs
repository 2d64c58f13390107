//! People, their roles, registry records from INPS archives and pending actions for operators.

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::identity::Role;
use inps_domain::person::Person;
use inps_domain::tax_code::TaxCode;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
use crate::schema::{pending_actions, person_roles, persons, registry_records};

/// A person known to the service (created at first login).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = persons)]
pub struct PersonRow {
    /// Codice fiscale.
    pub tax_code: String,
    /// Given name as last asserted by the identity provider.
    pub given_name: String,
    /// Family name as last asserted by the identity provider.
    pub family_name: String,
    /// First login.
    pub created_at: OffsetDateTime,
    /// Latest login.
    pub last_login_at: Option<OffsetDateTime>,
}

impl TryFrom<PersonRow> for Person {
    type Error = CorruptRow;

    fn try_from(row: PersonRow) -> Result<Self, CorruptRow> {
        Ok(Self {
            tax_code: parse_column(
                "persons",
                &row.tax_code,
                "tax_code",
                &row.tax_code,
                TaxCode::parse,
            )?,
            given_name: row.given_name,
            family_name: row.family_name,
        })
    }
}

/// Creates the person at first login, or records the login and the asserted names.
pub fn upsert_at_login(
    conn: &mut PgConnection,
    tax_code: &str,
    given_name: &str,
    family_name: &str,
    now: OffsetDateTime,
) -> QueryResult<PersonRow> {
    diesel::insert_into(persons::table)
        .values((
            persons::tax_code.eq(tax_code),
            persons::given_name.eq(given_name),
            persons::family_name.eq(family_name),
            persons::created_at.eq(now),
            persons::last_login_at.eq(Some(now)),
        ))
        .on_conflict(persons::tax_code)
        .do_update()
        .set((
            persons::given_name.eq(given_name),
            persons::family_name.eq(family_name),
            persons::last_login_at.eq(Some(now)),
        ))
        .returning(PersonRow::as_returning())
        .get_result(conn)
}

/// Makes sure a person row exists (for people referenced before their first login).
pub fn ensure_exists(
    conn: &mut PgConnection,
    tax_code: &str,
    given_name: &str,
    family_name: &str,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::insert_into(persons::table)
        .values((
            persons::tax_code.eq(tax_code),
            persons::given_name.eq(given_name),
            persons::family_name.eq(family_name),
            persons::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(drop)
}

/// The person with `tax_code`.
pub fn find(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Option<PersonRow>> {
    persons::table
        .find(tax_code)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// The roles held by `tax_code`, sorted.
pub fn roles_of(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Vec<String>> {
    person_roles::table
        .filter(person_roles::tax_code.eq(tax_code))
        .select(person_roles::role)
        .order(person_roles::role)
        .load(conn)
}

/// The role names of `tax_code` (as [`roles_of`] loads them) read into domain roles; a name
/// the domain does not know is a corrupt row, never a silently lost role.
pub fn parse_roles(tax_code: &str, names: &[String]) -> Result<Vec<Role>, CorruptRow> {
    names
        .iter()
        .map(|name| parse_column("person_roles", &tax_code, "role", name, Role::from_str))
        .collect()
}

/// Grants `role`; returns false when it was already held.
pub fn grant_role(
    conn: &mut PgConnection,
    tax_code: &str,
    role: &str,
    granted_by: Option<&str>,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::insert_into(person_roles::table)
        .values((
            person_roles::tax_code.eq(tax_code),
            person_roles::role.eq(role),
            person_roles::granted_at.eq(now),
            person_roles::granted_by.eq(granted_by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// Revokes `role`; returns false when it was not held.
pub fn revoke_role(conn: &mut PgConnection, tax_code: &str, role: &str) -> QueryResult<bool> {
    diesel::delete(
        person_roles::table
            .filter(person_roles::tax_code.eq(tax_code))
            .filter(person_roles::role.eq(role)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

/// A record imported from INPS archives.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registry_records)]
pub struct RegistryRecordRow {
    /// Codice fiscale.
    pub tax_code: String,
    /// Given name on file.
    pub given_name: String,
    /// Family name on file.
    pub family_name: String,
    /// Which archive it came from.
    pub source: String,
}

/// The registry record of `tax_code`, if any.
pub fn registry_record(
    conn: &mut PgConnection,
    tax_code: &str,
) -> QueryResult<Option<RegistryRecordRow>> {
    registry_records::table
        .find(tax_code)
        .select(RegistryRecordRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts or replaces a registry record (imports).
pub fn upsert_registry_record(conn: &mut PgConnection, row: &RegistryRecordRow) -> QueryResult<()> {
    diesel::insert_into(registry_records::table)
        .values((
            registry_records::tax_code.eq(&row.tax_code),
            registry_records::given_name.eq(&row.given_name),
            registry_records::family_name.eq(&row.family_name),
            registry_records::source.eq(&row.source),
        ))
        .on_conflict(registry_records::tax_code)
        .do_update()
        .set((
            registry_records::given_name.eq(&row.given_name),
            registry_records::family_name.eq(&row.family_name),
            registry_records::source.eq(&row.source),
        ))
        .execute(conn)
        .map(drop)
}

/// Something an operator (or the person) has to do.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_actions)]
pub struct PendingActionRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// What kind of action (`name_mismatch`, ...).
    pub kind: String,
    /// Whom it concerns.
    pub tax_code: String,
    /// Facts for whoever resolves it.
    pub details: serde_json::Value,
    /// When it was opened.
    pub created_at: OffsetDateTime,
    /// When it was resolved.
    pub resolved_at: Option<OffsetDateTime>,
}

/// Opens a pending action unless one of the same kind is already open for `tax_code`.
pub fn open_pending_action(
    conn: &mut PgConnection,
    kind: &str,
    tax_code: &str,
    details: &serde_json::Value,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::insert_into(pending_actions::table)
        .values((
            pending_actions::id.eq(uuid::Uuid::new_v4()),
            pending_actions::kind.eq(kind),
            pending_actions::tax_code.eq(tax_code),
            pending_actions::details.eq(details),
            pending_actions::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(drop)
}

/// Resolves the open pending action of `kind` for `tax_code`, if any.
pub fn resolve_pending_action(
    conn: &mut PgConnection,
    kind: &str,
    tax_code: &str,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::update(
        pending_actions::table
            .filter(pending_actions::kind.eq(kind))
            .filter(pending_actions::tax_code.eq(tax_code))
            .filter(pending_actions::resolved_at.is_null()),
    )
    .set(pending_actions::resolved_at.eq(now))
    .execute(conn)
    .map(drop)
}

/// Open pending actions, oldest first (at most `limit`).
pub fn open_pending_actions(
    conn: &mut PgConnection,
    limit: i64,
) -> QueryResult<Vec<PendingActionRow>> {
    pending_actions::table
        .filter(pending_actions::resolved_at.is_null())
        .order(pending_actions::created_at)
        .limit(limit)
        .select(PendingActionRow::as_select())
        .load(conn)
}
