//! Verifying a contact: send a one-time code to it, confirm the code. Domain commands in,
//! domain results or a typed [`Refusal`] out; no HTTP.

use diesel::PgConnection;
use inps_domain::person::Contacts;
use inps_domain::person::verification::{
    CODE_TTL, CodeRequestRefusal, ConfirmRefusal, ContactChannel, code_message, code_target,
    may_confirm, resend_wait, verified,
};
use inps_persistence::contact_verifications::{self as repo, NewCode};
use inps_persistence::profile;
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::delegations::lifecycle::code::{code_hash, code_matches, new_code};
use crate::notifications::worker::Senders;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;
use crate::settings::SecretKey;

const RESOURCE: &str = "/v1/me/contacts/verifications";

/// What a code's keyed hash is taken over besides the code: whose, which channel, which
/// address (a code for another person, channel or address never matches).
fn code_id(tax_code: &str, channel: ContactChannel, address: &str) -> String {
    format!("{tax_code}:{}:{address}", channel.as_str())
}

/// A code sent: for which contact, valid until when.
#[derive(Debug, Clone, Copy)]
pub struct CodeSent {
    /// The contact.
    pub channel: ContactChannel,
    /// Until when it can be confirmed.
    pub expires_at: OffsetDateTime,
}

/// What a code request did.
#[derive(Debug, Clone, Copy)]
pub enum CodeRequest {
    /// A code was sent.
    Sent(CodeSent),
    /// A code was sent to this contact less than the resend interval ago: nothing was sent or
    /// changed (the attempt is audited); a new one may be asked for in this many seconds.
    TooSoon {
        /// Seconds to wait (at least 1).
        retry_after: i64,
    },
}

/// Sends a fresh code to the actor's contact on `channel` (on file, not yet verified, and a
/// channel this deployment sends on), replacing any pending one; only its keyed hash is kept.
/// Once per `resend_interval` per person and contact: an earlier request sends nothing
/// ([`CodeRequest::TooSoon`]); the interval is per channel whatever the address, so switching
/// the address back and forth does not resend either. The message goes out last, so a failed
/// send keeps nothing (503) and does not start the interval.
pub fn request_code(
    conn: &mut PgConnection,
    actor: &Actor,
    (secret, senders): (&SecretKey, &Senders),
    (channel, resend_interval): (ContactChannel, time::Duration),
    now: OffsetDateTime,
) -> Result<CodeRequest, Refusal> {
    let tax_code = actor.person().ok_or_else(Refusal::not_found)?.as_str();
    let contacts = Contacts::from(profile::contacts_of(conn, tax_code)?);
    let address = code_target(&contacts, channel).map_err(|e| match e {
        CodeRequestRefusal::NoContact(_) => Refusal::invalid_field(
            "channel",
            Text::new("nessun recapito di questo tipo", "no such contact on file"),
        ),
        CodeRequestRefusal::AlreadyVerified(_) => Refusal::new(Problem::StateConflict).with_detail(
            "Il recapito è già verificato.",
            "The contact is verified already.",
        ),
    })?;
    if !senders.configured().contains(&channel.as_str()) {
        return Err(Refusal::invalid_field(
            "channel",
            Text::new(
                "questo canale non è disponibile",
                "this channel is not available",
            ),
        ));
    }
    let code = new_code()?;
    let expires_at = now + CODE_TTL;
    let kept = repo::replace_if_sent_by(
        conn,
        &NewCode {
            tax_code,
            channel,
            address,
            code_hash: &code_hash(secret, code_id(tax_code, channel, address), &code)?,
            now,
            expires_at,
        },
        now - resend_interval,
    )?;
    let mut event = actor.audit("contacts.verification.request", RESOURCE, Some(tax_code));
    if let Err(sent_at) = kept {
        event.outcome = "refused:too_soon".into();
        inps_persistence::audit::append(conn, event, now)?;
        let retry_after = resend_wait(Some(sent_at), resend_interval, now).unwrap_or(1);
        return Ok(CodeRequest::TooSoon { retry_after });
    }
    inps_persistence::audit::append(conn, event, now)?;
    senders
        .send_to(channel.channel(), address, &code_message(&code), now)
        .map_err(|(error, _)| Refusal::unavailable(error))?;
    Ok(CodeRequest::Sent(CodeSent {
        channel,
        expires_at,
    }))
}

/// What a confirmation did.
#[derive(Debug, Clone)]
pub enum Confirmation {
    /// The contact is verified: the contacts now.
    Verified(Contacts),
    /// A wrong code, counted (its try is kept even though the request is refused).
    WrongCode,
}

/// Confirms the actor's contact on `channel` with `code`: verified when it is the code sent to
/// the contact on file, still valid and not spent by wrong tries.
pub fn confirm_code(
    conn: &mut PgConnection,
    actor: &Actor,
    secret: &SecretKey,
    (channel, code): (ContactChannel, &str),
    now: OffsetDateTime,
) -> Result<Confirmation, Refusal> {
    let tax_code = actor.person().ok_or_else(Refusal::not_found)?.as_str();
    let contacts = Contacts::from(profile::contacts_of(conn, tax_code)?);
    let pending = repo::pending(conn, tax_code, channel)?;
    let on_file = channel.channel().address(&contacts);
    may_confirm(pending.as_ref().map(|p| &p.0), on_file, now).map_err(|e| match e {
        ConfirmRefusal::NoValidCode => Refusal::new(Problem::ContactCodeExpired)
            .with_field("code", Text::new("nessun codice valido", "no valid code")),
        ConfirmRefusal::Exhausted => Refusal::new(Problem::ContactCodeExhausted),
    })?;
    let Some((pending, hash)) = pending else {
        return Err(Refusal::internal("a confirmable code that is not pending"));
    };
    let mut event = actor.audit("contacts.verification.confirm", RESOURCE, Some(tax_code));
    if !code_matches(
        secret,
        code_id(tax_code, channel, &pending.address),
        code,
        &hash,
    )? {
        repo::count_failed_attempt(conn, tax_code, channel)?;
        event.outcome = "refused:wrong_code".into();
        inps_persistence::audit::append(conn, event, now)?;
        return Ok(Confirmation::WrongCode);
    }
    let now_verified = verified(&contacts, channel);
    profile::put_contacts(conn, tax_code, &(&now_verified).into(), now)?;
    repo::remove(conn, tax_code, channel)?;
    inps_persistence::audit::append(conn, event, now)?;
    Ok(Confirmation::Verified(now_verified))
}
