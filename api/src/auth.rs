//! Who is calling: the [`Caller`] extractor resolves the bearer session (extending its
//! inactivity window) and the caller's roles; [`Operator`] is the extractor of operator-only
//! operations; [`Actor`] is who a use case acts for. Access to a subject's data is decided by
//! [`crate::access`].

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use diesel::PgConnection;
use futures_util::future::LocalBoxFuture;
use inps_domain::identity::Role;
use inps_domain::tax_code::TaxCode;
use inps_persistence::audit::NewAuditEvent;
use sha2::{Digest, Sha256};

use crate::db;
use crate::error::{ApiError, Problem};
use crate::middleware::request_id::RequestId;
use crate::refusal::Refusal;
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

    /// Who this caller is for use cases and the accountability log.
    pub fn actor(&self) -> Actor {
        Actor {
            person: Some(self.tax_code.clone()),
            roles: self.roles.clone(),
            tax_code: Some(self.tax_code.as_str().to_owned()),
            request_id: self.request_id.clone(),
        }
    }

    /// An audit event by this caller.
    pub fn audit(&self, action: &str, resource: &str, subject: Option<&str>) -> NewAuditEvent {
        self.actor().audit(action, resource, subject)
    }
}

/// Who performs a use case: a person (over HTTP, or a persona of the demo seeder) with the
/// roles they hold, or an administrator at the command line (no person, request id `cli`).
/// Use cases take an `Actor`, never an HTTP type.
#[derive(Debug, Clone)]
pub struct Actor {
    person: Option<TaxCode>,
    roles: Vec<Role>,
    /// The acting person's tax code as stored (`None` for the command line).
    pub tax_code: Option<String>,
    /// The request id (`cli` for the command line).
    pub request_id: Option<String>,
}

impl Actor {
    /// The command line.
    pub fn cli() -> Self {
        Self {
            person: None,
            roles: Vec::new(),
            tax_code: None,
            request_id: Some("cli".to_owned()),
        }
    }

    /// A person holding `roles`, acting under `request_id`.
    pub fn person_with(person: TaxCode, roles: Vec<Role>, request_id: &str) -> Self {
        Self {
            tax_code: Some(person.as_str().to_owned()),
            person: Some(person),
            roles,
            request_id: Some(request_id.to_owned()),
        }
    }

    /// The acting person (`None` for the command line).
    pub fn person(&self) -> Option<&TaxCode> {
        self.person.as_ref()
    }

    /// The roles the acting person holds.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Whether the actor may do what only INPS operators may: an operator, or the command line.
    pub fn is_operator(&self) -> bool {
        self.person.is_none() || self.roles.contains(&Role::Operator)
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

/// An authenticated INPS operator: the extractor of operator-only operations. Anyone else gets
/// 403, and the refused attempt is written to the accountability log.
#[derive(Debug, Clone)]
pub struct Operator(pub Caller);

impl FromRequest for Operator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let caller = resolve(req.clone()).await?;
            if caller.has(Role::Operator) {
                return Ok(Self(caller));
            }
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::internal("AppState missing"))?;
            let resource = req.path().to_owned();
            let mut event = caller.audit(
                &format!(
                    "{}.operator_only",
                    req.method().as_str().to_ascii_lowercase()
                ),
                &resource,
                None,
            );
            event.outcome = "denied".to_owned();
            let now = state.clock.now();
            db::with_conn(&state, move |conn| {
                inps_persistence::audit::append(conn, event, now)?;
                Ok(())
            })
            .await?;
            Err(Refusal::operators_only().into())
        })
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
    ApiError::new(Problem::Unauthenticated)
        .with_detail(
            "Sessione assente, scaduta o revocata: autenticarsi di nuovo.",
            "No session, or an expired or revoked one: authenticate again.",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        )
}

/// A request's bearer credentials, not yet checked: the extractor of reads, which resolve the
/// session in the same blocking call and on the same connection as their use case
/// ([`crate::db::read_as`]). No token is 401 at once.
#[derive(Debug, Clone)]
pub struct Bearer {
    token: String,
    request_id: Option<String>,
}

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            bearer(req)
                .map(|token| Self {
                    token,
                    request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
                })
                .ok_or_else(unauthenticated),
        )
    }
}

impl Bearer {
    /// The live session of this token at `now` and its person's roles, on `conn` (a blocking
    /// call): 401 when there is none.
    pub fn authenticate(
        &self,
        conn: &mut PgConnection,
        state: &AppState,
        now: time::OffsetDateTime,
    ) -> Result<Caller, ApiError> {
        let hash = token_hash(&self.token);
        let idle = state.settings.session_idle_timeout;
        let (session, roles) = inps_persistence::sessions::authenticate(conn, &hash, now, idle)?
            .ok_or_else(unauthenticated)?;
        let tax_code = TaxCode::parse(&session.tax_code).map_err(ApiError::internal)?;
        // A role name the domain does not know is a corrupt row: an error, never a lost role.
        let roles = inps_persistence::persons::parse_roles(tax_code.as_str(), &roles)
            .map_err(ApiError::internal)?;
        state
            .rate_limiter
            .remember_identity(&self.token, tax_code.as_str());
        Ok(Caller {
            session_id: session.id,
            tax_code,
            roles,
            request_id: self.request_id.clone(),
        })
    }
}

async fn resolve(req: HttpRequest) -> Result<Caller, ApiError> {
    let bearer = Bearer::from_request(&req, &mut Payload::None).await?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing"))?;
    let now = state.clock.now();
    // The request's one connection: kept for its use case (see `db`).
    let shared = state.clone();
    db::with_conn(&state, move |conn| bearer.authenticate(conn, &shared, now)).await
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(resolve(req.clone()))
    }
}
