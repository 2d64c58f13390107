//! Notification preferences: show them, replace them. Domain preferences in and out, or a
//! typed [`Refusal`]; no HTTP.

use diesel::PgConnection;
use inps_domain::notification::{Preference, PreferenceError, preferences};
use inps_domain::person::Contacts;
use inps_domain::tax_code::TaxCode;
use inps_persistence::profile::{self, PreferenceRow};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::problems::Text;
use crate::refusal::Refusal;

fn me(actor: &Actor) -> Result<&TaxCode, Refusal> {
    actor.person().ok_or_else(Refusal::not_found)
}

fn stored(conn: &mut PgConnection, tax_code: &TaxCode) -> Result<Vec<Preference>, Refusal> {
    profile::preferences_of(conn, tax_code.as_str())?
        .into_iter()
        .map(|row| Preference::try_from(row).map_err(Refusal::internal))
        .collect()
}

/// The actor's stored preferences (event types not listed use the default: inbox, immediate).
pub fn show_preferences(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Vec<Preference>, Refusal> {
    stored(conn, me(actor)?)
}

fn refusal(e: &PreferenceError) -> Refusal {
    match e {
        PreferenceError::RepeatedEventType { index, .. } => Refusal::invalid_field(
            format!("items[{index}].event_type"),
            Text::new("tipo di evento ripetuto", "repeated event type"),
        ),
        PreferenceError::NoContact { index, channel } => Refusal::invalid_field(
            format!("items[{index}].channels"),
            Text::new(
                format!("nessun recapito {channel} registrato e verificato"),
                format!("no verified {channel} contact on file"),
            ),
        ),
    }
}

/// Replaces the actor's preferences with `wanted`, as the rule
/// ([`preferences`]) keeps them given the contacts on file.
pub fn replace_preferences(
    conn: &mut PgConnection,
    actor: &Actor,
    wanted: Vec<Preference>,
    now: OffsetDateTime,
) -> Result<Vec<Preference>, Refusal> {
    let tax_code = me(actor)?;
    let contacts = Contacts::from(profile::contacts_of(conn, tax_code.as_str())?);
    let kept = preferences(wanted, &contacts).map_err(|e| refusal(&e))?;
    let rows: Vec<PreferenceRow> = kept.iter().map(PreferenceRow::from).collect();
    profile::put_preferences(conn, tax_code.as_str(), &rows, now)?;
    let event = actor.audit(
        "notification_preferences.replace",
        "/v1/me/notification-preferences",
        Some(tax_code.as_str()),
    );
    inps_persistence::audit::append(conn, event, now)?;
    stored(conn, tax_code)
}
