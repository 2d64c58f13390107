//! The HTTP operations of `/v1/me/contacts/verifications`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, post, web};

use super::use_cases::{self, CodeRequest, Confirmation};
use super::wire::{VerificationConfirmation, VerificationRequest, VerificationSent};
use crate::auth::Caller;
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::identity::me::Contacts;
use crate::notifications::worker::Senders;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;
use crate::state::AppState;

/// Send a verification code
///
/// Sends a one-time code (8 digits, valid 15 minutes) to the caller's contact on `channel`: the
/// e-mail or PEC address by e-mail or PEC, the mobile number by SMS. The contact must be on file
/// and not yet verified (422 when absent, 409 when verified already), on a channel this service
/// sends on (422 otherwise). A new request replaces the previous code, but only once the resend
/// interval (`CONTACT_CODE_RESEND_SECONDS`, 60 by default) has passed since the last code sent to
/// that contact: an earlier one is 429 `contact-code-too-soon` with `Retry-After`, and sends
/// nothing. The code is sent at once and never stored in clear, logged or answered; 503 when the
/// channel fails to send now (nothing is kept).
#[utoipa::path(tag = "me", operation_id = "request_contact_verification",
    request_body = VerificationRequest,
    responses((status = 202, description = "The code was sent.", body = VerificationSent),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 409, description = "The contact is verified already."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "No such contact on file, or a channel not available."),
              (status = 429, description = "A code was sent to this contact less than the resend interval ago (`contact-code-too-soon`), or too many requests: retry after `Retry-After` seconds."),
              (status = 503, description = "The channel cannot send now.")),
    security(("bearer" = [])))]
#[post("/me/contacts/verifications")]
pub async fn request_contact_verification(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<VerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (channel, now, settings) = (
        body.value.channel.into(),
        state.clock.now(),
        state.settings.clone(),
    );
    let interval = settings.contact_code_resend_interval;
    let sent = db::transaction(&state, move |conn| {
        let senders = Senders::from_settings(&settings).map_err(Refusal::internal)?;
        let secret = &settings.delegation_code_secret;
        Ok(use_cases::request_code(
            conn,
            &caller.actor(),
            (secret, &senders),
            (channel, interval),
            now,
        )?)
    })
    .await?;
    match sent {
        CodeRequest::Sent(sent) => Ok(HttpResponse::Accepted().json(VerificationSent {
            channel: sent.channel.into(),
            expires_at: sent.expires_at,
        })),
        CodeRequest::TooSoon { retry_after } => Err(ApiError::new(Problem::ContactCodeTooSoon)
            .with_detail(
                format!(
                    "Un codice è già stato inviato a questo recapito: chiederne un altro tra {retry_after} secondi."
                ),
                format!(
                    "A code was sent to this contact already: ask for another in {retry_after} seconds."
                ),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after))),
    }
}

/// Confirm a contact
///
/// Marks the caller's contact on `channel` verified with the code sent to it, so that it can be
/// chosen in the notification preferences. 422 `contact-code-wrong` for a wrong code (counted),
/// 422 `contact-code-expired` when no valid code is pending (none sent, past 15 minutes, or the
/// contact changed since), 409 `contact-code-exhausted` after 5 wrong codes (ask for a new one).
#[utoipa::path(tag = "me", operation_id = "confirm_contact_verification",
    request_body = VerificationConfirmation,
    responses((status = 200, description = "The contacts on file, that one verified.", body = Contacts),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 409, description = "Too many wrong codes."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A wrong or expired code.")),
    security(("bearer" = [])))]
#[post("/me/contacts/verifications/confirm")]
pub async fn confirm_contact_verification(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<VerificationConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let VerificationConfirmation { channel, code } = body.value;
    let (now, settings) = (state.clock.now(), state.settings.clone());
    let confirmation = db::transaction(&state, move |conn| {
        let secret = &settings.delegation_code_secret;
        let cmd = (channel.into(), code.as_str());
        Ok(use_cases::confirm_code(
            conn,
            &caller.actor(),
            secret,
            cmd,
            now,
        )?)
    })
    .await?;
    match confirmation {
        Confirmation::Verified(contacts) => Ok(HttpResponse::Ok().json(Contacts::from(contacts))),
        Confirmation::WrongCode => Err(ApiError::new(Problem::ContactCodeWrong)
            .with_field("code", Text::new("codice errato", "wrong code"))),
    }
}
