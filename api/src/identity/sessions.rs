//! `POST /v1/sessions` (login with an identity assertion) and `DELETE /v1/sessions/current`.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, post, web};
use inps_domain::identity::Role as DRole;
use inps_persistence::audit::NewAuditEvent;
use inps_persistence::{persons, sessions};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, token_hash};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::identity::assertion::{AssertionError, AssertionPolicy, verify};
use crate::middleware::request_id::RequestId;
use crate::state::AppState;
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

fn refusal(e: &AssertionError) -> ApiError {
    ApiError::new(e.problem()).with_detail(
        "L'asserzione di identità non è accettabile: ripetere l'autenticazione.",
        "The identity assertion is not acceptable: authenticate again.",
    )
}

fn new_token() -> Result<String, ApiError> {
    use base64::Engine as _;
    use rand_core::RngCore as _;
    let mut bytes = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(ApiError::internal)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

enum Login {
    Refused(AssertionError),
    Done(Box<SessionCreated>),
}

/// Log in
///
/// Exchanges a signed identity assertion (SPID level 2 or 3, CIE, CNS, eIDAS) for a session.
/// The assertion is refused (401, with a `type` per reason) when its signature, key, issuer,
/// audience, validity window, assurance level or tax code is not acceptable, or when its `jti`
/// was already used. The person is created at first login.
#[utoipa::path(
    tag = "sessions",
    operation_id = "create_session",
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "Session created.", body = SessionCreated,
            headers(("Location" = String, description = "`/v1/sessions/current`"))),
        (status = 400, description = "The body is not JSON."),
        (status = 401, description = "The assertion was refused."),
        (status = 413, description = "The body is too large."),
        (status = 415, description = "The body is not `application/json`."),
        (status = 422, description = "The body does not fit the schema."),
    ),
    security(()),
)]
#[post("/sessions")]
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidatedJson<CreateSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let token = new_token()?;
    let hash = token_hash(&token);
    let st = state.clone();
    let outcome = db::transaction(&state, move |conn| {
        let keys = st.identity.keys(conn, now)?;
        let policy = AssertionPolicy::new(&st.settings.identity_audience);
        let refuse = |conn: &mut diesel::PgConnection, e: AssertionError| {
            inps_persistence::audit::append(
                conn,
                NewAuditEvent {
                    action: "session.create".into(),
                    resource: "/v1/sessions".into(),
                    outcome: format!("refused:{}", e.slug()),
                    request_id: request_id.clone(),
                    ..NewAuditEvent::default()
                },
                now,
            )?;
            Ok::<_, ApiError>(Login::Refused(e))
        };
        let verified = match verify(&body.value.assertion, &keys, &policy, now) {
            Ok(v) => v,
            Err(e) => return refuse(conn, e),
        };
        if !sessions::record_assertion_id(conn, verified.jti(), verified.expires_at(), now)? {
            return refuse(conn, AssertionError::Replayed);
        }
        let tax_code = verified.tax_code().as_str();
        let person = persons::upsert_at_login(
            conn,
            tax_code,
            verified.given_name(),
            verified.family_name(),
            now,
        )?;
        if st.settings.bootstrap_operator.as_deref() == Some(tax_code) {
            persons::grant_role(conn, tax_code, DRole::Operator.as_str(), None, now)?;
        }
        if let Some(record) = persons::registry_record(conn, tax_code)? {
            let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
            if !same(&record.given_name, verified.given_name())
                || !same(&record.family_name, verified.family_name())
            {
                persons::open_pending_action(
                    conn,
                    "name_mismatch",
                    tax_code,
                    &serde_json::json!({
                        "registry": {"given_name": record.given_name, "family_name": record.family_name, "source": record.source},
                        "asserted": {"given_name": verified.given_name(), "family_name": verified.family_name()},
                    }),
                    now,
                )?;
            }
        }
        let absolute = now + st.settings.session_absolute_timeout;
        sessions::insert(
            conn,
            &sessions::NewSession {
                id: uuid::Uuid::new_v4(),
                token_hash: &hash,
                tax_code,
                level: verified.level().as_str(),
                idp: verified.idp().as_str(),
                now,
                absolute_expires_at: absolute,
            },
        )?;
        let roles = persons::roles_of(conn, tax_code)?;
        inps_persistence::audit::append(
            conn,
            NewAuditEvent {
                actor_tax_code: Some(tax_code.to_owned()),
                subject_tax_code: Some(tax_code.to_owned()),
                action: "session.create".into(),
                resource: "/v1/sessions".into(),
                outcome: "success".into(),
                request_id: request_id.clone(),
                ..NewAuditEvent::default()
            },
            now,
        )?;
        let idle = st.settings.session_idle_timeout;
        Ok(Login::Done(Box::new(SessionCreated {
            token: String::new(),
            expires_at: (now + idle).min(absolute),
            absolute_expires_at: absolute,
            idle_timeout_seconds: idle.whole_seconds(),
            person: PersonView {
                tax_code: person.tax_code,
                given_name: person.given_name,
                family_name: person.family_name,
            },
            roles: roles
                .iter()
                .filter_map(|r| r.parse::<DRole>().ok().map(Role::from))
                .collect(),
        })))
    })
    .await?;
    match outcome {
        Login::Refused(e) => Err(refusal(&e)),
        Login::Done(mut created) => {
            created.token = token;
            Ok(HttpResponse::Created()
                .insert_header((header::LOCATION, "/v1/sessions/current"))
                .json(created))
        }
    }
}

/// Log out
///
/// Revokes the session whose token is sent: it answers 401 from now on.
#[utoipa::path(
    tag = "sessions",
    operation_id = "end_current_session",
    responses(
        (status = 204, description = "Logged out."),
        (status = 401, description = "No valid session."),
    ),
    security(("bearer" = [])),
)]
#[delete("/sessions/current")]
pub async fn delete_current_session(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    db::transaction(&state, move |conn| {
        sessions::revoke(conn, caller.session_id, now)?;
        let subject = caller.tax_code.as_str().to_owned();
        inps_persistence::audit::append(
            conn,
            caller.audit("session.delete", "/v1/sessions/current", Some(&subject)),
            now,
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
