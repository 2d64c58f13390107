//! Who is calling: the [`Caller`] extractor resolves the bearer session (extending its
//! inactivity window) and the caller's roles; [`authorize_subject`] is the one call through
//! which every handler applies `inps_domain::authorization::authorize` to a subject's resource.

use std::str::FromStr as _;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::PgConnection;
use futures_util::future::LocalBoxFuture;
use inps_domain::authorization::{Access, CallerFacts, DelegationFact, authorize};
use inps_domain::delegation::{DelegationStatus, Scope, Service};
use inps_domain::identity::Role;
use inps_domain::tax_code::TaxCode;
use inps_persistence::audit::NewAuditEvent;
use sha2::{Digest, Sha256};

use crate::db;
use crate::error::{ApiError, ErrorCode};
use crate::middleware::request_id::RequestId;
use crate::state::AppState;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The session in use.
    pub session_id: uuid::Uuid,
    /// Who is calling.
    pub tax_code: TaxCode,
    /// Roles held.
    pub roles: Vec<Role>,
    /// The request id (for the accountability log).
    pub request_id: Option<String>,
}

impl Caller {
    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 403 unless the caller is an operator.
    pub fn require_operator(&self) -> Result<(), ApiError> {
        if self.has(Role::Operator) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden).with_detail(
                "Operazione riservata agli operatori INPS.",
                "Reserved to INPS operators.",
            ))
        }
    }

    /// Who this caller is for the accountability log.
    pub fn actor(&self) -> Actor {
        Actor {
            tax_code: Some(self.tax_code.as_str().to_owned()),
            request_id: self.request_id.clone(),
        }
    }

    /// An audit event by this caller.
    pub fn audit(&self, action: &str, resource: &str, subject: Option<&str>) -> NewAuditEvent {
        self.actor().audit(action, resource, subject)
    }
}

/// Who performs a use case, as the accountability log records it: a caller over HTTP, or an
/// administrator at the command line (no tax code, request id `cli`).
#[derive(Debug, Clone)]
pub struct Actor {
    /// The acting person, when known.
    pub tax_code: Option<String>,
    /// The request id (`cli` for the command line).
    pub request_id: Option<String>,
}

impl Actor {
    /// The command line.
    pub fn cli() -> Self {
        Self {
            tax_code: None,
            request_id: Some("cli".to_owned()),
        }
    }

    /// A successful event by this actor.
    pub fn audit(&self, action: &str, resource: &str, subject: Option<&str>) -> NewAuditEvent {
        NewAuditEvent {
            actor_tax_code: self.tax_code.clone(),
            subject_tax_code: subject.map(str::to_owned),
            delegation_id: None,
            action: action.to_owned(),
            resource: resource.to_owned(),
            outcome: "success".to_owned(),
            request_id: self.request_id.clone(),
        }
    }
}

/// SHA-256 of a bearer token: only this is stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The bearer token of a request, if any.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        })
        .filter(|t| !t.is_empty() && t.len() <= 512)
}

fn unauthenticated() -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated)
        .with_detail(
            "Sessione assente, scaduta o revocata: autenticarsi di nuovo.",
            "No session, or an expired or revoked one: authenticate again.",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        )
}

async fn resolve(req: HttpRequest) -> Result<Caller, ApiError> {
    let token = bearer(&req).ok_or_else(unauthenticated)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let now = state.clock.now();
    let idle = state.settings.session_idle_timeout;
    let hash = token_hash(&token);
    let (session, roles) = db::with_conn(&state, move |conn| {
        let session = inps_persistence::sessions::touch(conn, &hash, now, idle)?;
        let Some(session) = session else {
            return Ok(None);
        };
        let roles = inps_persistence::persons::roles_of(conn, &session.tax_code)?;
        Ok(Some((session, roles)))
    })
    .await?
    .ok_or_else(unauthenticated)?;
    let tax_code = TaxCode::parse(&session.tax_code).map_err(ApiError::internal)?;
    state
        .rate_limiter
        .remember_identity(&token, tax_code.as_str());
    Ok(Caller {
        session_id: session.id,
        tax_code,
        roles: roles
            .iter()
            .filter_map(|r| Role::from_str(r).ok())
            .collect(),
        request_id,
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(resolve(req.clone()))
    }
}

/// Loads the facts and applies the authorization rule for `caller` acting on `subject`'s
/// resource. Denied is 404: a foreign resource's existence is never revealed. A read through a
/// delegation is recorded in the accountability log (`action`, `resource`); a write through one
/// is recorded by the use case that performs it, with the delegation id.
#[expect(
    clippy::too_many_arguments,
    reason = "the rule's facts, named at every call site"
)]
pub fn authorize_subject(
    conn: &mut PgConnection,
    caller: &Caller,
    subject: &TaxCode,
    service: Service,
    scope: Scope,
    now: time::OffsetDateTime,
    action: &str,
    resource: &str,
) -> Result<Access, ApiError> {
    let rows = inps_persistence::delegations::active_between(
        conn,
        subject.as_str(),
        caller.tax_code.as_str(),
    )?;
    let facts: Vec<DelegationFact> = rows
        .iter()
        .filter_map(|row| {
            Some(DelegationFact {
                id: row.id.to_string(),
                delegator: TaxCode::parse(&row.delegator_tax_code).ok()?,
                delegate: TaxCode::parse(&row.delegate_tax_code).ok()?,
                service: Service::from_str(&row.service).ok()?,
                scopes: row
                    .scopes
                    .iter()
                    .filter_map(|s| Scope::from_str(s).ok())
                    .collect(),
                status: DelegationStatus::from_str(&row.status).ok()?,
                valid_from: row.valid_from,
                valid_until: row.valid_until,
            })
        })
        .collect();
    let facts_of_caller = CallerFacts {
        tax_code: &caller.tax_code,
        roles: &caller.roles,
        represents: &[],
    };
    let access = authorize(
        &facts_of_caller,
        subject,
        service,
        scope,
        &facts,
        inps_domain::rome_time::rome_date(now),
    )
    .map_err(|_| ApiError::not_found())?;
    // Delegated reads are logged here; a delegated write is logged once, by its use case.
    if let Some(id) = access.delegation_id().filter(|_| scope == Scope::Read) {
        let mut event = caller.audit(action, resource, Some(subject.as_str()));
        event.delegation_id = uuid::Uuid::parse_str(id).ok();
        inps_persistence::audit::append(conn, event, now)?;
    }
    Ok(access)
}
