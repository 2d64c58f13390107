//! The profile's use cases: show it, replace the contacts, give consents. Domain commands in,
//! domain results or a typed [`Refusal`] out; no HTTP.

use diesel::PgConnection;
use inps_domain::identity::Role;
use inps_domain::notification::{EventType, security_notice_addresses};
use inps_domain::person::{
    Consent, Contacts, CurrentVersions, Document, Onboarding, Person, check_consent, onboarding,
};
use inps_domain::tax_code::TaxCode;
use inps_persistence::{persons, profile};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify_security_notice};
use crate::problems::Text;
use crate::refusal::Refusal;

/// An operator's review item: a person whose record needs checking.
#[derive(Debug, Clone)]
pub struct Review {
    /// What to review (`name_mismatch`, ...).
    pub kind: String,
    /// Whom it concerns.
    pub tax_code: String,
}

/// A person's profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Who.
    pub person: Person,
    /// The roles held.
    pub roles: Vec<Role>,
    /// Contacts on file.
    pub contacts: Contacts,
    /// Onboarding state ([`onboarding`]).
    pub onboarding: Onboarding,
    /// For operators: records to review.
    pub reviews: Vec<Review>,
}

fn me(actor: &Actor) -> Result<&TaxCode, Refusal> {
    actor.person().ok_or_else(Refusal::not_found)
}

fn consents_of(conn: &mut PgConnection, tax_code: &TaxCode) -> Result<Vec<Consent>, Refusal> {
    profile::consents_of(conn, tax_code.as_str())?
        .into_iter()
        .map(|row| Consent::try_from(row).map_err(Refusal::internal))
        .collect()
}

/// Whether `tax_code` has given every consent to the documents in force `current` (the
/// onboarding step services such as occasional work require first).
pub fn consents_given(
    conn: &mut PgConnection,
    tax_code: &TaxCode,
    current: &CurrentVersions<'_>,
) -> Result<bool, Refusal> {
    let consents = consents_of(conn, tax_code)?;
    Ok(onboarding(&consents, current, &Contacts::default()).consents_given)
}

/// The actor's profile, with the documents in force `current`.
pub fn show_me(
    conn: &mut PgConnection,
    actor: &Actor,
    current: &CurrentVersions<'_>,
) -> Result<Profile, Refusal> {
    let tax_code = me(actor)?;
    let row = persons::find(conn, tax_code.as_str())?.ok_or_else(Refusal::not_found)?;
    let person = Person::try_from(row).map_err(Refusal::internal)?;
    let consents = consents_of(conn, tax_code)?;
    let contacts = Contacts::from(profile::contacts_of(conn, tax_code.as_str())?);
    let reviews = if actor.roles().contains(&Role::Operator) {
        persons::open_pending_actions(conn, 50)?
            .into_iter()
            .map(|a| Review {
                kind: a.kind,
                tax_code: a.tax_code,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Profile {
        onboarding: onboarding(&consents, current, &contacts),
        person,
        roles: actor.roles().to_vec(),
        contacts,
        reviews,
    })
}

/// New contacts (absent = removed).
#[derive(Debug, Clone, Default)]
pub struct ReplaceContacts {
    /// E-mail address.
    pub email: Option<String>,
    /// PEC address.
    pub pec: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
}

/// Replaces the actor's contacts ([`Contacts::replaced`]: a changed one is unverified).
pub fn replace_contacts(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: ReplaceContacts,
    now: OffsetDateTime,
) -> Result<Contacts, Refusal> {
    let tax_code = me(actor)?.as_str();
    let old = Contacts::from(profile::contacts_of(conn, tax_code)?);
    let new = old.replaced(
        cmd.email.as_deref(),
        cmd.pec.as_deref(),
        cmd.mobile.as_deref(),
    );
    profile::put_contacts(conn, tax_code, &(&new).into(), now)?;
    let event = actor.audit("contacts.replace", "/v1/me/contacts", Some(tax_code));
    inps_persistence::audit::append(conn, event, now)?;
    if old != new {
        notify_contacts_changed(conn, me(actor)?, &old, &new, now)?;
    }
    Ok(new)
}

/// The security notice of a change of contacts: recorded with the old and the new addresses,
/// and delivered at once to the previous address of each changed contact (when it was
/// verified: it learns it was replaced) and to the new one
/// (`inps_domain::notification::security_notice_addresses`). The message names neither.
fn notify_contacts_changed(
    conn: &mut PgConnection,
    person: &TaxCode,
    old: &Contacts,
    new: &Contacts,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let addresses =
        |c: &Contacts| serde_json::json!({"email": c.email, "pec": c.pec, "mobile": c.mobile});
    let event = Event {
        event_type: EventType::ContactsChanged,
        subject: person.clone(),
        recipients: vec![person.clone()],
        payload: serde_json::json!({"old": addresses(old), "new": addresses(new)}),
        link: "/v1/me".to_owned(),
    };
    notify_security_notice(conn, event, &security_notice_addresses(old, new), now)
}

/// A consent the actor gives: a document and the version read.
#[derive(Debug, Clone)]
pub struct GiveConsent {
    /// Which document.
    pub document: Document,
    /// The version read.
    pub version: String,
}

/// A consent given, and whether it is of the version in force.
#[derive(Debug, Clone)]
pub struct ConsentState {
    /// The consent.
    pub consent: Consent,
    /// Whether it accepts the version in force.
    pub current: bool,
}

/// Records the actor's consents, each of the version in force ([`check_consent`]); returns
/// every consent given, newest first.
pub fn give_consents(
    conn: &mut PgConnection,
    actor: &Actor,
    current: &CurrentVersions<'_>,
    cmd: Vec<GiveConsent>,
    now: OffsetDateTime,
) -> Result<Vec<ConsentState>, Refusal> {
    for (i, c) in cmd.iter().enumerate() {
        check_consent(c.document, &c.version, current).map_err(|e| {
            Refusal::invalid_field(
                format!("consents[{i}].version"),
                Text::new(
                    format!("la versione corrente è {}", e.current),
                    format!("the current version is {}", e.current),
                ),
            )
        })?;
    }
    let tax_code = me(actor)?;
    for c in &cmd {
        let document = c.document.as_str();
        profile::give_consent(conn, tax_code.as_str(), document, &c.version, now)?;
    }
    let event = actor.audit("consents.give", "/v1/me/consents", Some(tax_code.as_str()));
    inps_persistence::audit::append(conn, event, now)?;
    Ok(consents_of(conn, tax_code)?
        .into_iter()
        .map(|consent| ConsentState {
            current: consent.is_current(current),
            consent,
        })
        .collect())
}
