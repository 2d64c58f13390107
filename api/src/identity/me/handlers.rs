//! The HTTP operations of `/v1/me`: extract, run one use case in one transaction, map to the
//! wire type.

use actix_web::{HttpResponse, get, put, web};
use inps_domain::person::CurrentVersions;

use super::use_cases;
use super::wire::{Consent, Consents, ConsentsInput, Contacts, ContactsInput, Me};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::settings::Settings;
use crate::state::AppState;

/// The versions of the documents in force, from the settings.
pub fn current_versions(settings: &Settings) -> CurrentVersions<'_> {
    CurrentVersions {
        privacy_notice: &settings.privacy_notice_version,
        terms_of_use: &settings.terms_of_use_version,
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
pub async fn show_me(state: web::Data<AppState>, caller: Bearer) -> Result<HttpResponse, ApiError> {
    let settings = state.settings.clone();
    let profile = db::read_as(&state, caller, move |conn, caller| {
        let current = current_versions(&settings);
        Ok(use_cases::show_me(conn, &caller.actor(), &current)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Me::from(profile)))
}

/// Replace my contacts
///
/// A changed address or number becomes unverified until verified again
/// (`POST /v1/me/contacts/verifications`); an unchanged one keeps its verified flag. A change is a security notice (`contacts_changed`), sent at once whatever
/// the preferences: to the inbox, and for each changed contact to the previous address (when it
/// was verified) and to the new one, by e-mail, PEC or SMS; the message names no address.
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
    let (cmd, now) = (body.value.into(), state.clock.now());
    let contacts = db::transaction(&state, move |conn| {
        Ok(use_cases::replace_contacts(
            conn,
            &caller.actor(),
            cmd,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Contacts::from(contacts)))
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
    let (cmd, now, settings) = (body.value.into(), state.clock.now(), state.settings.clone());
    let given = db::transaction(&state, move |conn| {
        let current = current_versions(&settings);
        Ok(use_cases::give_consents(
            conn,
            &caller.actor(),
            &current,
            cmd,
            now,
        )?)
    })
    .await?;
    let items = given.into_iter().map(Consent::from).collect();
    Ok(HttpResponse::Ok().json(Consents { items }))
}
