//! `/v1/me`: who I am, my roles and onboarding state, contacts, consents and notification
//! preferences.

use actix_web::{HttpResponse, get, put, web};
use inps_persistence::{persons, profile};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::ValidatedJson;
use crate::identity::sessions::PersonView;
use crate::state::AppState;
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

impl From<profile::ContactsRow> for Contacts {
    fn from(r: profile::ContactsRow) -> Self {
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

/// Documents to accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// Informativa privacy.
    PrivacyNotice,
    /// Condizioni d'uso.
    TermsOfUse,
}

impl Document {
    fn as_str(self) -> &'static str {
        match self {
            Self::PrivacyNotice => "privacy_notice",
            Self::TermsOfUse => "terms_of_use",
        }
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

fn current_version<'a>(state: &'a AppState, doc: &str) -> &'a str {
    if doc == "privacy_notice" {
        &state.settings.privacy_notice_version
    } else {
        &state.settings.terms_of_use_version
    }
}

/// My profile
///
/// The caller, the roles held, the onboarding state and the pending actions (consents to give,
/// contacts to add; for operators, name mismatches to review).
#[utoipa::path(tag = "me", operation_id = "show_me",
    responses((status = 200, description = "The caller's profile.", body = Me),
              (status = 401, description = "No valid session.")),
    security(("bearer" = [])))]
#[get("/me")]
pub async fn show_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let me = db::with_conn(&state, move |conn| {
        let tax_code = caller.tax_code.as_str();
        let person = persons::find(conn, tax_code)?.ok_or_else(ApiError::not_found)?;
        let consents = profile::consents_of(conn, tax_code)?;
        let consents_given = ["privacy_notice", "terms_of_use"].iter().all(|doc| {
            consents
                .iter()
                .any(|c| c.document == *doc && c.version == current_version(&st, doc))
        });
        let contacts = profile::contacts_of(conn, tax_code)?;
        let contacts_given =
            contacts.email.is_some() || contacts.pec.is_some() || contacts.mobile.is_some();
        let mut pending = Vec::new();
        if !consents_given {
            pending.push(PendingAction {
                kind: "give_consents".into(),
                description: "Accettare l'informativa privacy e le condizioni d'uso correnti.".into(),
                tax_code: None,
            });
        }
        if !contacts_given {
            pending.push(PendingAction {
                kind: "add_contact".into(),
                description: "Indicare almeno un recapito (e-mail, PEC o cellulare).".into(),
                tax_code: None,
            });
        }
        if caller.has(inps_domain::identity::Role::Operator) {
            for action in persons::open_pending_actions(conn, 50)? {
                pending.push(PendingAction {
                    kind: format!("review_{}", action.kind),
                    description: "Verificare i dati anagrafici: il nome dichiarato dal gestore dell'identità differisce dall'archivio.".into(),
                    tax_code: Some(action.tax_code),
                });
            }
        }
        Ok(Me {
            person: PersonView {
                tax_code: person.tax_code,
                given_name: person.given_name,
                family_name: person.family_name,
            },
            roles: caller.roles.iter().map(|r| Role::from(*r)).collect(),
            contacts: Contacts::from(contacts),
            onboarding: Onboarding {
                consents_given,
                contacts_given,
            },
            pending_actions: pending,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Replace my contacts
///
/// A changed address or number becomes unverified until verified again; an unchanged one keeps
/// its verified flag.
#[utoipa::path(tag = "me", operation_id = "replace_my_contacts", request_body = ContactsInput,
    responses((status = 200, description = "The contacts on file.", body = Contacts),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "An invalid address or number.")),
    security(("bearer" = [])))]
#[put("/me/contacts")]
pub async fn replace_my_contacts(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<ContactsInput>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let input = body.value;
    let contacts = db::transaction(&state, move |conn| {
        let tax_code = caller.tax_code.as_str().to_owned();
        let old = profile::contacts_of(conn, &tax_code)?;
        let norm = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let (email, pec, mobile) = (
            norm(input.email).map(|e| e.to_ascii_lowercase()),
            norm(input.pec).map(|e| e.to_ascii_lowercase()),
            norm(input.mobile),
        );
        let row = profile::ContactsRow {
            email_verified: old.email_verified && email == old.email,
            pec_verified: old.pec_verified && pec == old.pec,
            mobile_verified: old.mobile_verified && mobile == old.mobile,
            email,
            pec,
            mobile,
        };
        profile::put_contacts(conn, &tax_code, &row, now)?;
        inps_persistence::audit::append(
            conn,
            caller.audit("contacts.replace", "/v1/me/contacts", Some(&tax_code)),
            now,
        )?;
        Ok(Contacts::from(row))
    })
    .await?;
    Ok(HttpResponse::Ok().json(contacts))
}

/// Give consents
///
/// Records acceptance of the current privacy notice and/or terms of use, timestamped. A version
/// other than the current one is refused (422).
#[utoipa::path(tag = "me", operation_id = "give_my_consents", request_body = ConsentsInput,
    responses((status = 200, description = "Every consent given.", body = Consents),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Not the current version.")),
    security(("bearer" = [])))]
#[put("/me/consents")]
pub async fn give_my_consents(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<ConsentsInput>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    for (i, c) in body.value.consents.iter().enumerate() {
        let current = current_version(&state, c.document.as_str());
        if c.version != current {
            return Err(ApiError::invalid_field(
                format!("consents[{i}].version"),
                Text::new(
                    format!("la versione corrente è {current}"),
                    format!("the current version is {current}"),
                ),
            ));
        }
    }
    let st = state.clone();
    let consents = db::transaction(&state, move |conn| {
        let tax_code = caller.tax_code.as_str().to_owned();
        for c in &body.value.consents {
            profile::give_consent(conn, &tax_code, c.document.as_str(), &c.version, now)?;
        }
        inps_persistence::audit::append(
            conn,
            caller.audit("consents.give", "/v1/me/consents", Some(&tax_code)),
            now,
        )?;
        let items = profile::consents_of(conn, &tax_code)?
            .into_iter()
            .map(|c| Consent {
                current: c.version == current_version(&st, &c.document),
                document: if c.document == "privacy_notice" {
                    Document::PrivacyNotice
                } else {
                    Document::TermsOfUse
                },
                version: c.version,
                given_at: c.given_at,
            })
            .collect();
        Ok(Consents { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(consents))
}
