//! Delegations (deleghe): a subject authorizes a qualified intermediary to act on one service,
//! within scopes and a validity window. Lifecycle: pending → active (the intermediary accepts
//! with the verification code the delegator received) or rejected; active → revoked (either
//! side) or expired (by date). For domestic work, activating a delegation revokes the previous
//! one in the same transaction (INPS msg. 465/2017).

use std::str::FromStr as _;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::PgConnection;
use inps_domain::delegation::{
    self as rules, DelegationAction, DelegationStatus as DStatus, DelegationTerms, Party,
    Scope as DScope, Service as DService,
};
use inps_persistence::delegations::{self as repo, DelegationRow, ListFilter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use inps_domain::rome_time::rome_date;

use crate::auth::Caller;
use crate::db;
use crate::delegations::intermediaries::tax_code_field;
use crate::error::{ApiError, Problem, Text};
use crate::etag::{IfMatch, etag};
use crate::extract::{IdempotencyKey, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::wire::{DelegationStatus, Scope, Service};

/// A delegation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegator_tax_code": "RSSMRA85T10A562S", "delegate_tax_code": "BNCLRA80A41H501D",
    "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"],
    "valid_from": "2026-03-02", "valid_until": "2026-12-31", "status": "active",
    "created_at": "2026-03-02T09:00:00Z", "activated_at": "2026-03-02T10:15:00Z", "closed_at": null,
    "verification_code": null
}))]
pub struct Delegation {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subject who delegates (employer, worker, client).
    #[schema(max_length = 16)]
    pub delegator_tax_code: String,
    /// The qualified intermediary.
    #[schema(max_length = 16)]
    pub delegate_tax_code: String,
    /// Service covered.
    pub service: Service,
    /// What the delegate may do (`read` always included).
    pub scopes: Vec<Scope>,
    /// First day in force.
    #[serde(with = "crate::wire::iso_date")]
    pub valid_from: Date,
    /// Last day in force.
    #[serde(with = "crate::wire::iso_date")]
    pub valid_until: Date,
    /// State (expiry by date is applied when read).
    pub status: DelegationStatus,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it became active.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub activated_at: Option<OffsetDateTime>,
    /// When it was rejected or revoked.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// The code the delegator hands to the intermediary; shown only in the creation answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 8, pattern = "^[0-9]{8}$")]
    pub verification_code: Option<String>,
}

/// A page of delegations.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "delegator_tax_code": "RSSMRA85T10A562S", "delegate_tax_code": "BNCLRA80A41H501D",
    "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"],
    "valid_from": "2026-03-02", "valid_until": "2026-12-31", "status": "active",
    "created_at": "2026-03-02T09:00:00Z", "activated_at": "2026-03-02T10:15:00Z", "closed_at": null,
    "verification_code": null
}],
    "next_cursor": "MTc3MjQ0MjAwMDAwMDAwMDAwMC8zZjZjMmE5ZS04YjFkLTRlN2EtOWM1Mi0xZDBiN2U0YTZmMjE"
}))]
pub struct DelegationPage {
    /// Delegations, newest first.
    pub items: Vec<Delegation>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

fn status_of(row: &DelegationRow) -> Result<DStatus, ApiError> {
    DStatus::from_str(&row.status).map_err(ApiError::internal)
}

fn view(row: &DelegationRow, today: Date) -> Result<Delegation, ApiError> {
    let stored = status_of(row)?;
    Ok(Delegation {
        id: row.id,
        delegator_tax_code: row.delegator_tax_code.clone(),
        delegate_tax_code: row.delegate_tax_code.clone(),
        service: DService::from_str(&row.service)
            .map_err(ApiError::internal)?
            .into(),
        scopes: row
            .scopes
            .iter()
            .filter_map(|s| DScope::from_str(s).ok().map(Scope::from))
            .collect(),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        status: rules::effective_status(stored, row.valid_until, today).into(),
        created_at: row.created_at,
        activated_at: row.activated_at,
        closed_at: row.closed_at,
        verification_code: None,
    })
}

fn respond(row: &DelegationRow, today: Date) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(view(row, today)?))
}

/// A new delegation, given by the caller.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delegate_tax_code": "BNCLRA80A41H501D", "service": "domestic_work", "scopes": ["read", "inquiries", "appointments"], "valid_from": "2030-01-07", "valid_until": "2030-12-31"}))]
pub struct NewDelegation {
    /// The intermediary's tax code.
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub delegate_tax_code: String,
    /// Service.
    pub service: Service,
    /// Scopes (must be allowed for the service).
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub scopes: Vec<Scope>,
    /// First day in force (today or later).
    #[serde(with = "crate::wire::iso_date")]
    pub valid_from: Date,
    /// Last day in force (occasional work: at most 12 months after `valid_from`).
    #[serde(with = "crate::wire::iso_date")]
    pub valid_until: Date,
}

fn terms_error(e: &rules::TermsError) -> ApiError {
    let (field, it, en) = match e {
        rules::TermsError::NoScopes => ("scopes", "almeno un ambito", "at least one scope"),
        rules::TermsError::ScopeNotAllowed { .. } => (
            "scopes",
            "ambito non previsto per il servizio",
            "scope not allowed for the service",
        ),
        rules::TermsError::StartsInThePast => (
            "valid_from",
            "non può essere nel passato",
            "cannot be in the past",
        ),
        rules::TermsError::EndsBeforeStart => (
            "valid_until",
            "deve seguire valid_from",
            "must not precede valid_from",
        ),
        rules::TermsError::TooLong { .. } => (
            "valid_until",
            "durata oltre il massimo consentito",
            "longer than the maximum allowed",
        ),
        rules::TermsError::SelfDelegation => (
            "delegate_tax_code",
            "non ci si può delegare da sé",
            "you cannot delegate yourself",
        ),
    };
    ApiError::invalid_field(field, Text::new(it, format!("{en} ({e})")))
}

fn new_code() -> Result<String, ApiError> {
    use rand_core::RngCore as _;
    let mut bytes = [0u8; 8];
    rand_core::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(ApiError::internal)?;
    Ok(format!("{:08}", u64::from_le_bytes(bytes) % 100_000_000))
}

fn code_hash(id: uuid::Uuid, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{id}:{code}").as_bytes()).to_vec()
}

/// Give a delegation
///
/// The caller delegates a registered, active qualified intermediary. The answer carries the
/// `verification_code` (shown only here) that the intermediary needs to accept. Accepts
/// `Idempotency-Key`.
#[utoipa::path(tag = "delegations", operation_id = "create_delegation",
    request_body = NewDelegation,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body replay the first answer.", max_length = 128)),
    responses((status = 201, description = "Created, pending acceptance.", body = Delegation),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Invalid terms, or the delegate is not a registered intermediary.")),
    security(("bearer" = [])))]
#[post("/delegations")]
pub async fn create_delegation(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewDelegation>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let today = rome_date(now);
    let input = body.value;
    let delegate = tax_code_field("delegate_tax_code", &input.delegate_tax_code)?;
    let terms = rules::validate_terms(
        &caller.tax_code,
        &delegate,
        DelegationTerms {
            service: input.service.into(),
            scopes: input.scopes.iter().map(|s| DScope::from(*s)).collect(),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        },
        today,
    )
    .map_err(|e| terms_error(&e))?;
    let code = new_code()?;
    idempotency::create(
        &state,
        caller.tax_code.as_str().to_owned(),
        key.0,
        body.fingerprint,
        move |conn| {
            let registered = inps_persistence::intermediaries::find(conn, delegate.as_str())?
                .is_some_and(|i| i.active);
            if !registered {
                return Err(ApiError::new(Problem::DelegateNotQualified).with_field(
                    "delegate_tax_code",
                    Text::new(
                        "non è un intermediario abilitato (circ. INPS 49/2011)",
                        "not a registered qualified intermediary (circ. INPS 49/2011)",
                    ),
                ));
            }
            let id = uuid::Uuid::new_v4();
            let row = DelegationRow {
                id,
                delegator_tax_code: caller.tax_code.as_str().to_owned(),
                delegate_tax_code: delegate.as_str().to_owned(),
                service: terms.service().as_str().to_owned(),
                scopes: terms
                    .scopes()
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                valid_from: terms.valid_from(),
                valid_until: terms.valid_until(),
                status: DStatus::Pending.as_str().to_owned(),
                verification_code_hash: code_hash(id, &code),
                failed_attempts: 0,
                version: 1,
                created_at: now,
                created_by: caller.tax_code.as_str().to_owned(),
                activated_at: None,
                closed_at: None,
                closed_by: None,
            };
            repo::insert(conn, &row)?;
            let location = format!("/v1/delegations/{id}");
            inps_persistence::audit::append(
                conn,
                caller.audit(
                    "delegation.create",
                    &location,
                    Some(caller.tax_code.as_str()),
                ),
                now,
            )?;
            let mut body = view(&row, today)?;
            body.verification_code = Some(code);
            Ok(Created { body, location })
        },
    )
    .await
}

/// Filters of the delegation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DelegationFilter {
    /// Only delegations given by this subject (operators; others see only their own).
    #[param(max_length = 22)]
    pub delegator_tax_code: Option<String>,
    /// Only delegations given to this intermediary.
    #[param(max_length = 22)]
    pub delegate_tax_code: Option<String>,
    /// Only this service.
    pub service: Option<Service>,
    /// Only this state.
    pub status: Option<DelegationStatus>,
}

fn parse_cursor(text: &str) -> Result<(OffsetDateTime, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (nanos, id) = text.split_once('/').ok_or_else(bad)?;
    let nanos: i128 = nanos.parse().map_err(|_| bad())?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?;
    Ok((at, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// List delegations
///
/// The delegations where the caller is the delegator or the delegate (operators: all), newest
/// first, with their scopes and expiry.
#[utoipa::path(tag = "delegations", operation_id = "list_delegations",
    params(DelegationFilter, PageQuery),
    responses((status = 200, description = "A page of delegations.", body = DelegationPage),
              (status = 400, description = "Malformed query."),
              (status = 401, description = "No valid session."),
              (status = 422, description = "Invalid filter, limit or cursor.")),
    security(("bearer" = [])))]
#[get("/delegations")]
pub async fn list_delegations(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<DelegationFilter>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| parse_cursor(&c)).transpose()?;
    let filter = filter.into_inner();
    let delegator = filter
        .delegator_tax_code
        .as_deref()
        .map(|t| tax_code_field("delegator_tax_code", t))
        .transpose()?;
    let delegate = filter
        .delegate_tax_code
        .as_deref()
        .map(|t| tax_code_field("delegate_tax_code", t))
        .transpose()?;
    let today = rome_date(state.clock.now());
    let rows = db::with_conn(&state, move |conn| {
        let me = caller.tax_code.as_str();
        let operator = caller.has(inps_domain::identity::Role::Operator);
        let service = filter.service.map(|s| DService::from(s).as_str());
        let status = filter.status.map(|s| DStatus::from(s).as_str());
        let list_filter = ListFilter {
            delegator: delegator.as_ref().map(|t| t.as_str()),
            delegate: delegate.as_ref().map(|t| t.as_str()),
            party: (!operator).then_some(me),
            service,
            status,
            today: Some(today),
        };
        Ok(repo::list(conn, &list_filter, cursor, limit + 1)?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |r| {
        format!("{}/{}", r.created_at.unix_timestamp_nanos(), r.id)
    });
    let items = rows
        .iter()
        .map(|r| view(r, today))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(DelegationPage { items, next_cursor }))
}

fn party_of(caller: &Caller, row: &DelegationRow) -> Option<Party> {
    let me = caller.tax_code.as_str();
    if row.delegate_tax_code == me {
        Some(Party::Delegate)
    } else if row.delegator_tax_code == me {
        Some(Party::Delegator)
    } else if caller.has(inps_domain::identity::Role::Operator) {
        Some(Party::Operator)
    } else {
        None
    }
}

/// Show a delegation
///
/// Visible to its delegator, its delegate and operators (404 to anyone else). Carries `ETag`.
#[utoipa::path(tag = "delegations", operation_id = "show_delegation",
    params(("id" = uuid::Uuid, Path, description = "Delegation id.")),
    responses((status = 200, description = "The delegation.", body = Delegation,
                headers(("ETag" = String, description = "Version, for `If-Match`."))),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/delegations/{id}")]
pub async fn show_delegation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = rome_date(state.clock.now());
    let row = db::with_conn(&state, move |conn| {
        repo::find(conn, id)?
            .filter(|row| party_of(&caller, row).is_some())
            .ok_or_else(ApiError::not_found)
    })
    .await?;
    respond(&row, today)
}

fn eight_digits(code: &str) -> Result<(), validator::ValidationError> {
    if code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("eight_digits").with_message("must be 8 digits".into()))
    }
}

/// Accepting a delegation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"verification_code": "04718263"}))]
pub struct AcceptDelegation {
    /// The code the delegator received at creation.
    #[validate(custom(function = "eight_digits"))]
    #[schema(min_length = 8, max_length = 8, pattern = "^[0-9]{8}$")]
    pub verification_code: String,
}

/// An optional reason.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Why (kept in the accountability log's resource trail).
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

enum Step {
    Done(Box<DelegationRow>),
    WrongCode,
}

fn transition_error(e: &rules::TransitionError) -> ApiError {
    match e {
        rules::TransitionError::NotAllowed { .. } => ApiError::new(Problem::Forbidden).with_detail(
            "Solo l'intermediario delegato può accettare o rifiutare la delega.",
            "Only the delegated intermediary can accept or reject the delegation.",
        ),
        rules::TransitionError::WrongState { .. } => ApiError::new(Problem::StateConflict)
            .with_detail(
                format!("La delega non consente questa operazione: {e}."),
                format!("The delegation does not allow this action: {e}."),
            ),
    }
}

fn apply(
    conn: &mut PgConnection,
    caller: &Caller,
    if_match: Option<IfMatch>,
    id: uuid::Uuid,
    action: DelegationAction,
    code: Option<&str>,
    now: OffsetDateTime,
) -> Result<Step, ApiError> {
    let today = rome_date(now);
    let probe = repo::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    repo::lock_delegator(conn, &probe.delegator_tax_code)?;
    let row = repo::find_for_update(conn, id)?
        .filter(|row| party_of(caller, row).is_some())
        .ok_or_else(ApiError::not_found)?;
    let party = party_of(caller, &row).ok_or_else(ApiError::not_found)?;
    if let Some(if_match) = if_match {
        if_match.check(row.version)?;
    }
    let effective = rules::effective_status(status_of(&row)?, row.valid_until, today);
    let next = rules::transition(effective, action, party).map_err(|e| transition_error(&e))?;
    let resource = format!("/v1/delegations/{id}");
    if action == DelegationAction::Accept {
        if row.failed_attempts >= i32::try_from(rules::MAX_VERIFICATION_ATTEMPTS).unwrap_or(5) {
            return Err(ApiError::new(Problem::StateConflict).with_detail(
                "Troppi codici errati: la delega va ricreata.",
                "Too many wrong codes: the delegation must be created again.",
            ));
        }
        if code.map(|c| code_hash(id, c)) != Some(row.verification_code_hash.clone()) {
            repo::count_failed_attempt(conn, id)?;
            let mut event = caller.audit(
                "delegation.accept",
                &resource,
                Some(&row.delegator_tax_code),
            );
            event.outcome = "refused:wrong_code".into();
            inps_persistence::audit::append(conn, event, now)?;
            return Ok(Step::WrongCode);
        }
        let service = DService::from_str(&row.service).map_err(ApiError::internal)?;
        if service.single_active_delegation()
            && let Some(previous) = repo::active_domestic_of(conn, &row.delegator_tax_code)?
        {
            repo::set_status(
                conn,
                previous.id,
                DStatus::Revoked.as_str(),
                "superseded",
                now,
            )?;
            let mut event = caller.audit(
                "delegation.revoke",
                &format!("/v1/delegations/{}", previous.id),
                Some(&row.delegator_tax_code),
            );
            event.outcome = "success:superseded".into();
            inps_persistence::audit::append(conn, event, now)?;
        }
    }
    let updated = repo::set_status(conn, id, next.as_str(), caller.tax_code.as_str(), now)?;
    let verb = match action {
        DelegationAction::Accept => "delegation.accept",
        DelegationAction::Reject => "delegation.reject",
        DelegationAction::Revoke => "delegation.revoke",
    };
    let mut event = caller.audit(verb, &resource, Some(&row.delegator_tax_code));
    event.delegation_id = Some(id);
    inps_persistence::audit::append(conn, event, now)?;
    Ok(Step::Done(Box::new(updated)))
}

async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: uuid::Uuid,
    action: DelegationAction,
    code: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let if_match = IfMatch::from_request(&req)?;
    let step = db::transaction(&state, move |conn| {
        apply(conn, &caller, if_match, id, action, code.as_deref(), now)
    })
    .await?;
    match step {
        Step::Done(row) => respond(&row, rome_date(now)),
        Step::WrongCode => Err(ApiError::new(Problem::WrongVerificationCode).with_field(
            "verification_code",
            Text::new("codice errato", "wrong code"),
        )),
    }
}

/// Accept a delegation
///
/// The delegated intermediary accepts with the verification code. For domestic work, the
/// delegator's previous active delegation is revoked in the same transaction. Optional
/// `If-Match`.
#[utoipa::path(tag = "delegations", operation_id = "accept_delegation",
    request_body = AcceptDelegation,
    params(("id" = uuid::Uuid, Path, description = "Delegation id."),
           ("If-Match" = Option<String>, Header, description = "ETag read before (`*` or quoted tags).", max_length = 256)),
    responses((status = 200, description = "Now active.", body = Delegation),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Only the delegate can accept."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not pending, expired, or too many wrong codes."),
              (status = 412, description = "Stale `If-Match`."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Wrong verification code.")),
    security(("bearer" = [])))]
#[post("/delegations/{id}/accept")]
pub async fn accept_delegation(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<AcceptDelegation>,
) -> Result<HttpResponse, ApiError> {
    let code = body.value.verification_code;
    act(
        state,
        req,
        caller,
        id.into_inner(),
        DelegationAction::Accept,
        Some(code),
    )
    .await
}

/// Reject a delegation
///
/// The delegated intermediary refuses a pending delegation. Optional `If-Match`.
#[utoipa::path(tag = "delegations", operation_id = "reject_delegation",
    params(("id" = uuid::Uuid, Path, description = "Delegation id."),
           ("If-Match" = Option<String>, Header, description = "ETag read before (`*` or quoted tags).", max_length = 256)),
    responses((status = 200, description = "Rejected.", body = Delegation),
              (status = 401, description = "No valid session."),
              (status = 403, description = "Only the delegate can reject."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Not pending."),
              (status = 412, description = "Stale `If-Match`.")),
    security(("bearer" = [])))]
#[post("/delegations/{id}/reject")]
pub async fn reject_delegation(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        req,
        caller,
        id.into_inner(),
        DelegationAction::Reject,
        None,
    )
    .await
}

/// Revoke a delegation
///
/// Either side (or an operator) ends a pending or active delegation. Optional `If-Match`.
#[utoipa::path(tag = "delegations", operation_id = "revoke_delegation",
    params(("id" = uuid::Uuid, Path, description = "Delegation id."),
           ("If-Match" = Option<String>, Header, description = "ETag read before (`*` or quoted tags).", max_length = 256)),
    responses((status = 200, description = "Revoked.", body = Delegation),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown or not visible."),
              (status = 409, description = "Already rejected, revoked or expired."),
              (status = 412, description = "Stale `If-Match`.")),
    security(("bearer" = [])))]
#[post("/delegations/{id}/revoke")]
pub async fn revoke_delegation(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        req,
        caller,
        id.into_inner(),
        DelegationAction::Revoke,
        None,
    )
    .await
}
