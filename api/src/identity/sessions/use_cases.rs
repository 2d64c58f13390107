//! Login and logout. Domain commands in, the session or a typed [`Refusal`] out; no HTTP.

use diesel::PgConnection;
use inps_domain::identity::Role;
use inps_domain::person::{Names, Person, name_mismatch};
use inps_persistence::audit::NewAuditEvent;
use inps_persistence::{persons, sessions};
use time::{Duration, OffsetDateTime};

use crate::auth::{Actor, token_hash};
use crate::identity::assertion::{AssertionError, AssertionPolicy, VerifiedAssertion, verify};
use crate::refusal::Refusal;
use crate::trust::IdentityTrust;

/// Log in with a signed identity assertion.
#[derive(Debug, Clone)]
pub struct Login {
    /// The assertion (a JWT) from the authentication front end.
    pub assertion: String,
}

/// What login depends on besides the assertion: the trusted keys and the session settings.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy<'a> {
    /// Which assertions are trusted.
    pub trust: &'a IdentityTrust,
    /// The `aud` assertions must carry.
    pub audience: &'a str,
    /// This person gets the operator role at login (the first operator).
    pub bootstrap_operator: Option<&'a str>,
    /// A session unused this long expires.
    pub idle_timeout: Duration,
    /// A session ends this long after login.
    pub absolute_timeout: Duration,
    /// The request id, for the accountability log.
    pub request_id: Option<&'a str>,
}

/// A new session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token (only its hash is stored).
    pub token: String,
    /// When it expires if unused.
    pub expires_at: OffsetDateTime,
    /// When it ends regardless of use.
    pub absolute_expires_at: OffsetDateTime,
    /// The inactivity timeout.
    pub idle_timeout: Duration,
    /// Who logged in.
    pub person: Person,
    /// The roles they hold.
    pub roles: Vec<Role>,
}

fn new_token() -> Result<String, Refusal> {
    use base64::Engine as _;
    use rand_core::RngCore as _;
    let mut bytes = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(Refusal::internal)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A refused login: 401 with the reason's problem type, on record without an actor (written
/// after the transaction rolls back).
fn refused(e: &AssertionError, request_id: Option<&str>) -> Refusal {
    Refusal::new(e.problem())
        .with_detail(
            "L'asserzione di identità non è accettabile: ripetere l'autenticazione.",
            "The identity assertion is not acceptable: authenticate again.",
        )
        .with_audit(NewAuditEvent {
            action: "session.create".into(),
            resource: "/v1/sessions".into(),
            outcome: format!("refused:{}", e.slug()),
            request_id: request_id.map(str::to_owned),
            ..NewAuditEvent::default()
        })
}

/// When the names asserted differ from an INPS archive's ([`name_mismatch`]), opens a
/// pending action for an operator to review.
fn review_names(
    conn: &mut PgConnection,
    verified: &VerifiedAssertion,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let tax_code = verified.tax_code().as_str();
    let Some(record) = persons::registry_record(conn, tax_code)? else {
        return Ok(());
    };
    let registry = Names {
        given_name: &record.given_name,
        family_name: &record.family_name,
    };
    let asserted = Names {
        given_name: verified.given_name(),
        family_name: verified.family_name(),
    };
    if name_mismatch(registry, asserted) {
        let details = serde_json::json!({
            "registry": {"given_name": record.given_name, "family_name": record.family_name, "source": record.source},
            "asserted": {"given_name": asserted.given_name, "family_name": asserted.family_name},
        });
        persons::open_pending_action(conn, "name_mismatch", tax_code, &details, now)?;
    }
    Ok(())
}

/// Exchanges a verified, never used assertion for a session; the person is created at first
/// login and their asserted names recorded.
pub fn login(
    conn: &mut PgConnection,
    policy: &LoginPolicy<'_>,
    cmd: Login,
    now: OffsetDateTime,
) -> Result<Session, Refusal> {
    let keys = policy.trust.keys(conn, now).map_err(|e| e.refusal)?;
    let verified = verify(
        &cmd.assertion,
        &keys,
        &AssertionPolicy::new(policy.audience),
        now,
    )
    .map_err(|e| refused(&e, policy.request_id))?;
    if !sessions::record_assertion_id(conn, verified.jti(), verified.expires_at(), now)? {
        return Err(refused(&AssertionError::Replayed, policy.request_id));
    }
    let tax_code = verified.tax_code().as_str();
    let (given, family) = (verified.given_name(), verified.family_name());
    let person = persons::upsert_at_login(conn, tax_code, given, family, now)?;
    if policy.bootstrap_operator == Some(tax_code) {
        persons::grant_role(conn, tax_code, Role::Operator.as_str(), None, now)?;
    }
    review_names(conn, &verified, now)?;
    let token = new_token()?;
    let absolute = now + policy.absolute_timeout;
    sessions::insert(
        conn,
        &sessions::NewSession {
            id: uuid::Uuid::new_v4(),
            token_hash: &token_hash(&token),
            tax_code,
            level: verified.level().as_str(),
            idp: verified.idp().as_str(),
            now,
            absolute_expires_at: absolute,
        },
    )?;
    let roles = persons::parse_roles(tax_code, &persons::roles_of(conn, tax_code)?)
        .map_err(Refusal::internal)?;
    let event = NewAuditEvent {
        actor_tax_code: Some(tax_code.to_owned()),
        subject_tax_code: Some(tax_code.to_owned()),
        action: "session.create".into(),
        resource: "/v1/sessions".into(),
        outcome: "success".into(),
        request_id: policy.request_id.map(str::to_owned),
        ..NewAuditEvent::default()
    };
    inps_persistence::audit::append(conn, event, now)?;
    Ok(Session {
        token,
        expires_at: (now + policy.idle_timeout).min(absolute),
        absolute_expires_at: absolute,
        idle_timeout: policy.idle_timeout,
        person: Person::try_from(person).map_err(Refusal::internal)?,
        roles,
    })
}

/// Ends the actor's session `session_id`: its token answers 401 from now on.
pub fn logout(
    conn: &mut PgConnection,
    actor: &Actor,
    session_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    sessions::revoke(conn, session_id, now)?;
    let subject = actor.tax_code.clone();
    let event = actor.audit("session.delete", "/v1/sessions/current", subject.as_deref());
    inps_persistence::audit::append(conn, event, now)?;
    Ok(())
}
