//! The wire types of `/v1/me`.

use inps_domain::person::{Contacts as DContacts, Document as DDocument, OnboardingStep};
use inps_persistence::profile;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::{ConsentState, GiveConsent, Profile, ReplaceContacts};
use crate::identity::sessions::PersonView;
use crate::wire::Role;

/// Something the person (or, for operators, the office) still has to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingAction {
    /// `give_consents`, `add_contact`, `review_name_mismatch`, ...
    #[schema(max_length = 64)]
    pub kind: String,
    /// What to do, in Italian.
    #[schema(max_length = 512)]
    pub description: String,
    /// The person concerned (for operators' review items).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 16)]
    pub tax_code: Option<String>,
}

impl From<OnboardingStep> for PendingAction {
    fn from(step: OnboardingStep) -> Self {
        let description = match step {
            OnboardingStep::GiveConsents => {
                "Accettare l'informativa privacy e le condizioni d'uso correnti."
            }
            OnboardingStep::AddContact => "Indicare almeno un recapito (e-mail, PEC o cellulare).",
        };
        Self {
            kind: step.as_str().to_owned(),
            description: description.to_owned(),
            tax_code: None,
        }
    }
}

/// Onboarding state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Onboarding {
    /// The current privacy notice and terms of use are accepted.
    pub consents_given: bool,
    /// At least one contact is on file.
    pub contacts_given: bool,
}

/// The caller's profile.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "person": {"tax_code": "RSSMRA85T10A562S", "given_name": "Mario", "family_name": "Rossi"},
    "roles": ["employer"],
    "contacts": {"email": "mario.rossi@example.it", "email_verified": true, "pec": "mario.rossi@pec.example.it", "pec_verified": false, "mobile": "+393331234567", "mobile_verified": true},
    "onboarding": {"consents_given": false, "contacts_given": true},
    "pending_actions": [{"kind": "give_consents", "description": "Accettare l'informativa privacy e le condizioni d'uso correnti."}]
}))]
pub struct Me {
    /// The person.
    pub person: PersonView,
    /// Roles held.
    pub roles: Vec<Role>,
    /// Contacts on file.
    pub contacts: Contacts,
    /// Onboarding state.
    pub onboarding: Onboarding,
    /// What is still to do.
    pub pending_actions: Vec<PendingAction>,
}

impl From<Profile> for Me {
    fn from(p: Profile) -> Self {
        let mut pending: Vec<PendingAction> = p
            .onboarding
            .steps()
            .into_iter()
            .map(PendingAction::from)
            .collect();
        pending.extend(p.reviews.into_iter().map(|r| PendingAction {
            kind: format!("review_{}", r.kind),
            description: "Verificare i dati anagrafici: il nome dichiarato dal gestore dell'identità differisce dall'archivio.".into(),
            tax_code: Some(r.tax_code),
        }));
        Self {
            person: p.person.into(),
            roles: p.roles.into_iter().map(Role::from).collect(),
            contacts: p.contacts.into(),
            onboarding: Onboarding {
                consents_given: p.onboarding.consents_given,
                contacts_given: p.onboarding.contacts_given,
            },
            pending_actions: pending,
        }
    }
}

/// Contacts on file.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"email": "mario.rossi@example.it", "email_verified": true, "pec": "mario.rossi@pec.example.it", "pec_verified": false, "mobile": "+393331234567", "mobile_verified": true}))]
pub struct Contacts {
    /// E-mail address.
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Whether the e-mail address is verified.
    pub email_verified: bool,
    /// PEC (certified e-mail) address.
    #[schema(max_length = 254)]
    pub pec: Option<String>,
    /// Whether the PEC address is verified.
    pub pec_verified: bool,
    /// Mobile number, E.164.
    #[schema(max_length = 16)]
    pub mobile: Option<String>,
    /// Whether the mobile number is verified.
    pub mobile_verified: bool,
}

impl From<DContacts> for Contacts {
    fn from(c: DContacts) -> Self {
        Self {
            email: c.email,
            email_verified: c.email_verified,
            pec: c.pec,
            pec_verified: c.pec_verified,
            mobile: c.mobile,
            mobile_verified: c.mobile_verified,
        }
    }
}

impl From<profile::ContactsRow> for Contacts {
    fn from(r: profile::ContactsRow) -> Self {
        DContacts::from(r).into()
    }
}

fn mobile_rule(value: &str) -> Result<(), validator::ValidationError> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("mobile")
            .with_message("must be an E.164 number such as +393331234567".into()))
    }
}

/// New contacts (absent or null fields are removed).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "mario.rossi@example.it", "pec": "mario.rossi@pec.example.it", "mobile": "+393331234567"}))]
pub struct ContactsInput {
    /// E-mail address.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// PEC address (syntactically an e-mail address).
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub pec: Option<String>,
    /// Mobile number, E.164.
    #[validate(custom(function = "mobile_rule"))]
    #[schema(pattern = "^\\+?[0-9]{8,15}$", max_length = 16)]
    pub mobile: Option<String>,
}

impl From<ContactsInput> for ReplaceContacts {
    fn from(c: ContactsInput) -> Self {
        Self {
            email: c.email,
            pec: c.pec,
            mobile: c.mobile,
        }
    }
}

crate::wire::wire_enum! {
    /// Documents to accept.
    Document <=> DDocument {
        /// Informativa privacy.
        PrivacyNotice,
        /// Condizioni d'uso.
        TermsOfUse,
    }
}

/// One consent to give.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Which document.
    pub document: Document,
    /// The version read (must be the current one).
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32, example = "2026-01")]
    pub version: String,
}

/// Consents to give.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"consents": [{"document": "privacy_notice", "version": "2026-01"}, {"document": "terms_of_use", "version": "2026-01"}]}))]
pub struct ConsentsInput {
    /// Consents.
    #[validate(length(min = 1, max = 2), nested)]
    #[schema(min_items = 1, max_items = 2)]
    pub consents: Vec<ConsentInput>,
}

impl From<ConsentsInput> for Vec<GiveConsent> {
    fn from(input: ConsentsInput) -> Self {
        input
            .consents
            .into_iter()
            .map(|c| GiveConsent {
                document: c.document.into(),
                version: c.version,
            })
            .collect()
    }
}

/// A consent given.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consent {
    /// Which document.
    pub document: Document,
    /// Version accepted.
    #[schema(max_length = 32)]
    pub version: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub given_at: OffsetDateTime,
    /// Whether it is the current version.
    pub current: bool,
}

impl From<ConsentState> for Consent {
    fn from(s: ConsentState) -> Self {
        Self {
            document: s.consent.document.into(),
            version: s.consent.version,
            given_at: s.consent.given_at,
            current: s.current,
        }
    }
}

/// Consents given.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {"document": "privacy_notice", "version": "2026-01", "given_at": "2026-03-02T09:05:12Z", "current": true},
        {"document": "terms_of_use", "version": "2026-01", "given_at": "2026-03-02T09:05:12Z", "current": true}
    ]
}))]
pub struct Consents {
    /// Every consent, newest first.
    pub items: Vec<Consent>,
}
