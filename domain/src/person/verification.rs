//! Verifying a contact: a person proves an e-mail address, PEC address or mobile number on file
//! is theirs by returning the one-time code sent to it. The rules: a code is for a contact on
//! file and not yet verified; it expires after [`CODE_TTL`], or as soon as the contact changes;
//! after [`MAX_CODE_ATTEMPTS`] wrong codes it is spent and a new one must be asked for; a new
//! code for a contact is sent only once the resend interval since the last one has passed
//! ([`resend_wait`]), so nobody can make the service send codes to an address in a loop.

use time::{Duration, OffsetDateTime};

use super::Contacts;
use crate::notification::{Channel, Message};

/// How long a code is valid.
pub const CODE_TTL: Duration = Duration::minutes(15);

/// Wrong codes accepted before the code is spent.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

/// The contacts that can be verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactChannel {
    /// The e-mail address.
    Email,
    /// The PEC address.
    Pec,
    /// The mobile number (by SMS).
    Sms,
}

impl ContactChannel {
    /// The delivery channel a code goes by.
    pub fn channel(self) -> Channel {
        match self {
            Self::Email => Channel::Email,
            Self::Pec => Channel::Pec,
            Self::Sms => Channel::Sms,
        }
    }

    /// Stable storage name (the delivery channel's).
    pub fn as_str(self) -> &'static str {
        self.channel().as_str()
    }
}

/// Why a code cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeRequestRefusal {
    /// No such contact on file.
    #[error("no {0:?} contact on file")]
    NoContact(ContactChannel),
    /// The contact is verified already.
    #[error("the {0:?} contact is verified already")]
    AlreadyVerified(ContactChannel),
}

/// The address a code for `channel` goes to: the contact on file, which must not be verified yet.
pub fn code_target(
    contacts: &Contacts,
    channel: ContactChannel,
) -> Result<&str, CodeRequestRefusal> {
    let address = channel
        .channel()
        .address(contacts)
        .ok_or(CodeRequestRefusal::NoContact(channel))?;
    if channel.channel().reachable(contacts) {
        return Err(CodeRequestRefusal::AlreadyVerified(channel));
    }
    Ok(address)
}

/// A code sent and not yet confirmed, as stored (its keyed hash aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCode {
    /// The address it was sent to.
    pub address: String,
    /// When it stops being valid.
    pub expires_at: OffsetDateTime,
    /// Wrong codes given so far.
    pub failed_attempts: i32,
}

/// Why a code cannot be confirmed, whatever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmRefusal {
    /// None was sent, it expired, or the contact changed since.
    #[error("no valid code: none sent, expired, or the contact changed")]
    NoValidCode,
    /// Too many wrong codes: ask for a new one.
    #[error("too many wrong codes")]
    Exhausted,
}

/// Whether a code may be tried now for `pending`, sent to the contact that is `on_file` now.
pub fn may_confirm(
    pending: Option<&PendingCode>,
    on_file: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), ConfirmRefusal> {
    let pending = pending.ok_or(ConfirmRefusal::NoValidCode)?;
    if now >= pending.expires_at || on_file != Some(pending.address.as_str()) {
        return Err(ConfirmRefusal::NoValidCode);
    }
    if pending.failed_attempts >= MAX_CODE_ATTEMPTS {
        return Err(ConfirmRefusal::Exhausted);
    }
    Ok(())
}

/// How long to wait before a new code may be sent to a contact whose last one was sent at
/// `last_sent`, with `interval` between two codes: `None` when one may be sent now, else the
/// wait in whole seconds, rounded up (at least 1).
pub fn resend_wait(
    last_sent: Option<OffsetDateTime>,
    interval: Duration,
    now: OffsetDateTime,
) -> Option<i64> {
    let left = last_sent? + interval - now;
    if !left.is_positive() {
        return None;
    }
    let whole = left.whole_seconds();
    Some(
        if left > Duration::seconds(whole) {
            whole + 1
        } else {
            whole
        }
        .max(1),
    )
}

/// `contacts` with the contact of `channel` verified.
pub fn verified(contacts: &Contacts, channel: ContactChannel) -> Contacts {
    let mut c = contacts.clone();
    match channel {
        ContactChannel::Email => c.email_verified = true,
        ContactChannel::Pec => c.pec_verified = true,
        ContactChannel::Sms => c.mobile_verified = true,
    }
    c
}

/// The message carrying `code`: Italian and English, the code, how long it lasts, and a warning
/// for whoever did not ask for it.
pub fn code_message(code: &str) -> Message {
    let minutes = CODE_TTL.whole_minutes();
    Message {
        subject: "INPS: codice di verifica / verification code".to_owned(),
        body: format!(
            "Il tuo codice di verifica INPS è {code}. Vale {minutes} minuti.\r\n\
             Se non l'hai chiesto tu, ignora questo messaggio.\r\n\r\n\
             Your INPS verification code is {code}. It is valid for {minutes} minutes.\r\n\
             If you did not ask for it, ignore this message.\r\n"
        ),
        short: format!("INPS: codice di verifica {code} (vale {minutes} minuti)."),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_new_code_waits_for_the_resend_interval() {
        let sent = datetime!(2026-03-02 09:00 UTC);
        let minute = Duration::seconds(60);
        assert_eq!(resend_wait(None, minute, sent), None, "none sent yet");
        assert_eq!(resend_wait(Some(sent), minute, sent), Some(60));
        assert_eq!(
            resend_wait(Some(sent), minute, sent + Duration::milliseconds(59_500)),
            Some(1),
            "rounded up"
        );
        assert_eq!(
            resend_wait(Some(sent), minute, sent + Duration::seconds(20)),
            Some(40)
        );
        assert_eq!(resend_wait(Some(sent), minute, sent + minute), None);
        assert_eq!(
            resend_wait(Some(sent), minute, sent + Duration::hours(1)),
            None
        );
    }

    fn mail(verified: bool) -> Contacts {
        Contacts {
            email: Some("a@b.it".into()),
            email_verified: verified,
            ..Contacts::default()
        }
    }

    #[test]
    fn a_code_goes_to_a_contact_on_file_not_yet_verified() {
        assert_eq!(
            code_target(&mail(false), ContactChannel::Email),
            Ok("a@b.it")
        );
        assert_eq!(
            code_target(&mail(true), ContactChannel::Email),
            Err(CodeRequestRefusal::AlreadyVerified(ContactChannel::Email))
        );
        assert_eq!(
            code_target(&mail(false), ContactChannel::Sms),
            Err(CodeRequestRefusal::NoContact(ContactChannel::Sms))
        );
        assert!(verified(&mail(false), ContactChannel::Email).email_verified);
    }

    #[test]
    fn a_code_expires_with_time_or_a_changed_contact_and_is_spent_by_wrong_tries() {
        let now = datetime!(2026-03-02 09:00 UTC);
        let pending = PendingCode {
            address: "a@b.it".into(),
            expires_at: now + CODE_TTL,
            failed_attempts: 0,
        };
        assert_eq!(may_confirm(Some(&pending), Some("a@b.it"), now), Ok(()));
        assert_eq!(
            may_confirm(Some(&pending), Some("a@b.it"), now + CODE_TTL),
            Err(ConfirmRefusal::NoValidCode)
        );
        assert_eq!(
            may_confirm(Some(&pending), Some("c@d.it"), now),
            Err(ConfirmRefusal::NoValidCode)
        );
        assert_eq!(
            may_confirm(None, Some("a@b.it"), now),
            Err(ConfirmRefusal::NoValidCode)
        );
        let spent = PendingCode {
            failed_attempts: MAX_CODE_ATTEMPTS,
            ..pending
        };
        assert_eq!(
            may_confirm(Some(&spent), Some("a@b.it"), now),
            Err(ConfirmRefusal::Exhausted)
        );
    }

    #[test]
    fn the_message_carries_the_code() {
        let m = code_message("123456");
        assert!(m.body.contains("123456") && m.short.contains("123456"));
        assert!(!m.subject.contains("123456"));
    }
}
