//! The wire types of `/v1/me/contacts/verifications`.

use inps_domain::person::verification::ContactChannel;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

/// A contact that can be verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerifiableChannel {
    /// The e-mail address (the code goes by e-mail).
    Email,
    /// The PEC address (the code goes by PEC).
    Pec,
    /// The mobile number (the code goes by SMS).
    Sms,
}

impl From<VerifiableChannel> for ContactChannel {
    fn from(c: VerifiableChannel) -> Self {
        match c {
            VerifiableChannel::Email => Self::Email,
            VerifiableChannel::Pec => Self::Pec,
            VerifiableChannel::Sms => Self::Sms,
        }
    }
}

impl From<ContactChannel> for VerifiableChannel {
    fn from(c: ContactChannel) -> Self {
        match c {
            ContactChannel::Email => Self::Email,
            ContactChannel::Pec => Self::Pec,
            ContactChannel::Sms => Self::Sms,
        }
    }
}

/// Which contact to send a code to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"channel": "email"}))]
pub struct VerificationRequest {
    /// The contact on file to verify.
    pub channel: VerifiableChannel,
}

/// A code was sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"channel": "email", "expires_at": "2026-03-02T09:15:00Z"}))]
pub struct VerificationSent {
    /// The contact it was sent to.
    pub channel: VerifiableChannel,
    /// Until when it can be confirmed.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The code received on a contact.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"channel": "email", "code": "04718263"}))]
pub struct VerificationConfirmation {
    /// The contact the code was sent to.
    pub channel: VerifiableChannel,
    /// The code received (8 digits).
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16, pattern = "^[0-9]+$")]
    pub code: String,
}
