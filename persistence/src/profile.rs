//! A person's contacts, consents and notification preferences.

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::notification::{Channel, EventType, Frequency, Preference};
use inps_domain::person::{Consent, Contacts, Document};
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
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

impl From<ContactsRow> for Contacts {
    fn from(r: ContactsRow) -> Self {
        Self {
            email: r.email,
            email_verified: r.email_verified,
            pec: r.pec,
            pec_verified: r.pec_verified,
            mobile: r.mobile,
            mobile_verified: r.mobile_verified,
        }
    }
}

impl From<&Contacts> for ContactsRow {
    fn from(c: &Contacts) -> Self {
        Self {
            email: c.email.clone(),
            email_verified: c.email_verified,
            pec: c.pec.clone(),
            pec_verified: c.pec_verified,
            mobile: c.mobile.clone(),
            mobile_verified: c.mobile_verified,
        }
    }
}

impl TryFrom<ConsentRow> for Consent {
    type Error = CorruptRow;

    fn try_from(row: ConsentRow) -> Result<Self, CorruptRow> {
        let key = format!("{} of {}", row.version, row.given_at);
        Ok(Self {
            document: parse_column(
                "consents",
                &key,
                "document",
                &row.document,
                Document::from_str,
            )?,
            version: row.version,
            given_at: row.given_at,
        })
    }
}

impl TryFrom<PreferenceRow> for Preference {
    type Error = CorruptRow;

    fn try_from(row: PreferenceRow) -> Result<Self, CorruptRow> {
        let key = row.event_type.clone();
        let parse = |column, value: &str| {
            parse_column("notification_preferences", &key, column, value, |v| {
                v.parse::<Channel>()
            })
        };
        Ok(Self {
            event_type: parse_column(
                "notification_preferences",
                &key,
                "event_type",
                &row.event_type,
                EventType::from_str,
            )?,
            channels: row
                .channels
                .iter()
                .map(|c| parse("channels", c))
                .collect::<Result<_, _>>()?,
            frequency: parse_column(
                "notification_preferences",
                &key,
                "frequency",
                &row.frequency,
                Frequency::from_str,
            )?,
        })
    }
}

impl From<&Preference> for PreferenceRow {
    fn from(p: &Preference) -> Self {
        Self {
            event_type: p.event_type.as_str().to_owned(),
            channels: p.channels.iter().map(|c| c.as_str().to_owned()).collect(),
            frequency: p.frequency.as_str().to_owned(),
        }
    }
}
