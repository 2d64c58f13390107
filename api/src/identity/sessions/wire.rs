//! The wire types of `/v1/sessions`.

use inps_domain::person::Person;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::Session;
use crate::wire::Role;

/// Login request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"assertion": "eyJhbGciOiJFUzI1NiIsImtpZCI6InNhbmRib3gtLi4uIn0.eyJzdWIiOiJUSU5JVC0uLi4ifQ.c2lnbmF0dXJl"}))]
pub struct CreateSessionRequest {
    /// The signed identity assertion (JWT) from the authentication front end.
    #[validate(length(min = 1, max = 16384))]
    #[schema(min_length = 1, max_length = 16384)]
    pub assertion: String,
}

/// A person, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    /// Codice fiscale.
    #[schema(example = "RSSMRA85T10A562S", max_length = 16)]
    pub tax_code: String,
    /// Given name.
    #[schema(example = "Mario", max_length = 100)]
    pub given_name: String,
    /// Family name.
    #[schema(example = "Rossi", max_length = 100)]
    pub family_name: String,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        Self {
            tax_code: p.tax_code.as_str().to_owned(),
            given_name: p.given_name,
            family_name: p.family_name,
        }
    }
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "token": "GnZ0607njffhrEOak8P6jjyUV4TU3sn9jjARc4svHWI",
    "expires_at": "2026-03-02T09:30:00Z", "absolute_expires_at": "2026-03-02T17:00:00Z",
    "idle_timeout_seconds": 1800,
    "person": {"tax_code": "RSSMRA85T10A562S", "given_name": "Mario", "family_name": "Rossi"},
    "roles": ["employer"]
}))]
pub struct SessionCreated {
    /// Bearer token for `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    #[schema(max_length = 64)]
    pub token: String,
    /// When the session expires if unused (each request moves it forward).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// When the session ends regardless of use.
    #[serde(with = "time::serde::rfc3339")]
    pub absolute_expires_at: OffsetDateTime,
    /// Inactivity timeout in seconds.
    #[schema(format = Int64, minimum = 1)]
    pub idle_timeout_seconds: i64,
    /// Who logged in.
    pub person: PersonView,
    /// Roles held.
    pub roles: Vec<Role>,
}

impl From<Session> for SessionCreated {
    fn from(s: Session) -> Self {
        Self {
            token: s.token,
            expires_at: s.expires_at,
            absolute_expires_at: s.absolute_expires_at,
            idle_timeout_seconds: s.idle_timeout.whole_seconds(),
            person: s.person.into(),
            roles: s.roles.into_iter().map(Role::from).collect(),
        }
    }
}
