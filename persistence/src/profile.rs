//! A person's contacts, consents and notification preferences.

use diesel::prelude::*;
use time::OffsetDateTime;

use crate::schema::{consents, contacts, notification_preferences};

/// Contacts on file, each with its verified flag.
#[derive(Debug, Clone, Default, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = contacts)]
pub struct ContactsRow {
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the e-mail address was verified.
    pub email_verified: bool,
    /// PEC address.
    pub pec: Option<String>,
    /// Whether the PEC address was verified.
    pub pec_verified: bool,
    /// Mobile number (E.164).
    pub mobile: Option<String>,
    /// Whether the mobile number was verified.
    pub mobile_verified: bool,
}

/// The contacts of `tax_code` (all empty when none were given).
pub fn contacts_of(conn: &mut PgConnection, tax_code: &str) -> QueryResult<ContactsRow> {
    contacts::table
        .find(tax_code)
        .select(ContactsRow::as_select())
        .first(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

/// Replaces the contacts of `tax_code`.
pub fn put_contacts(
    conn: &mut PgConnection,
    tax_code: &str,
    row: &ContactsRow,
    now: OffsetDateTime,
) -> QueryResult<()> {
    let values = (
        contacts::email.eq(&row.email),
        contacts::email_verified.eq(row.email_verified),
        contacts::pec.eq(&row.pec),
        contacts::pec_verified.eq(row.pec_verified),
        contacts::mobile.eq(&row.mobile),
        contacts::mobile_verified.eq(row.mobile_verified),
        contacts::updated_at.eq(now),
    );
    diesel::insert_into(contacts::table)
        .values((contacts::tax_code.eq(tax_code), values))
        .on_conflict(contacts::tax_code)
        .do_update()
        .set(values)
        .execute(conn)
        .map(drop)
}

/// A consent given.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    /// `privacy_notice` or `terms_of_use`.
    pub document: String,
    /// Version of the document.
    pub version: String,
    /// When it was given.
    pub given_at: OffsetDateTime,
}

/// Records a consent (a repeated one keeps its first time).
pub fn give_consent(
    conn: &mut PgConnection,
    tax_code: &str,
    document: &str,
    version: &str,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::insert_into(consents::table)
        .values((
            consents::tax_code.eq(tax_code),
            consents::document.eq(document),
            consents::version.eq(version),
            consents::given_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(drop)
}

/// Every consent of `tax_code`, newest first.
pub fn consents_of(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Vec<ConsentRow>> {
    consents::table
        .filter(consents::tax_code.eq(tax_code))
        .order(consents::given_at.desc())
        .select(ConsentRow::as_select())
        .load(conn)
}

/// A notification preference.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = notification_preferences)]
pub struct PreferenceRow {
    /// Event type.
    pub event_type: String,
    /// Channels.
    pub channels: Vec<String>,
    /// `immediate`, `daily` or `weekly`.
    pub frequency: String,
}

/// The stored preferences of `tax_code`.
pub fn preferences_of(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Vec<PreferenceRow>> {
    notification_preferences::table
        .filter(notification_preferences::tax_code.eq(tax_code))
        .order(notification_preferences::event_type)
        .select(PreferenceRow::as_select())
        .load(conn)
}

/// Replaces the preferences of `tax_code` with `rows`.
pub fn put_preferences(
    conn: &mut PgConnection,
    tax_code: &str,
    rows: &[PreferenceRow],
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::delete(
        notification_preferences::table.filter(notification_preferences::tax_code.eq(tax_code)),
    )
    .execute(conn)?;
    for row in rows {
        diesel::insert_into(notification_preferences::table)
            .values((
                notification_preferences::tax_code.eq(tax_code),
                notification_preferences::event_type.eq(&row.event_type),
                notification_preferences::channels.eq(&row.channels),
                notification_preferences::frequency.eq(&row.frequency),
                notification_preferences::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
