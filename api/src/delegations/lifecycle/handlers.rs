//! The HTTP operations of `/v1/delegations`: extract, run one use case in one transaction, map
//! to the wire type.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use inps_domain::delegation::{DelegationStatus as DStatus, DelegationTerms, Scope as DScope};
use time::OffsetDateTime;

use super::use_cases::{
    self, DelegationState, EndDelegation, ExpectedVersion, ListDelegations, Transition,
};
use super::wire::{AcceptDelegation, Delegation, DelegationFilter, DelegationPage, NewDelegation};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::delegations::intermediaries::tax_code_field;
use crate::error::{ApiError, Problem, Text};
use crate::etag::{IfMatch, etag};
use crate::extract::{
    IdempotencyKey, IdempotencyKeyHeader, PageQuery, ValidatedJson, page_of, parse_time_cursor,
    time_cursor,
};
use crate::idempotency::{self, Created};
use crate::state::AppState;

fn respond(state: DelegationState) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(state.delegation.version)))
        .json(Delegation::from(state))
}

fn outcome(transition: Transition) -> Result<HttpResponse, ApiError> {
    match transition {
        Transition::Done(state) => Ok(respond(*state)),
        Transition::WrongCode => Err(ApiError::new(Problem::WrongVerificationCode).with_field(
            "verification_code",
            Text::new("codice errato", "wrong code"),
        )),
    }
}

/// The versions an `If-Match` names (a tag not of this API names none).
/// A use case that ends a delegation (rejection, revocation).
type EndUseCase = fn(
    &mut diesel::PgConnection,
    &crate::auth::Actor,
    EndDelegation,
    OffsetDateTime,
) -> Result<Transition, crate::refusal::Refusal>;

/// Runs `use_case` on delegation `id` for `caller`, honouring `If-Match`.
async fn end(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    use_case: EndUseCase,
) -> Result<HttpResponse, ApiError> {
    let cmd = EndDelegation {
        id: id.into_inner(),
        expected: expected(&req)?,
    };
    let now = state.clock.now();
    let transition = db::transaction(&state, move |conn| {
        Ok(use_case(conn, &caller.actor(), cmd, now)?)
    })
    .await?;
    outcome(transition)
}

fn expected(req: &HttpRequest) -> Result<Option<ExpectedVersion>, ApiError> {
    Ok(IfMatch::from_request(req)?.map(|m| match m {
        IfMatch::Any => ExpectedVersion::Any,
        IfMatch::Tags(tags) => ExpectedVersion::OneOf(
            tags.iter()
                .filter_map(|t| t.strip_prefix("\"v")?.strip_suffix('"')?.parse().ok())
                .collect(),
        ),
    }))
}

/// Give a delegation
///
/// The caller delegates a registered, active qualified intermediary. Only a person whose
/// position can delegate the service may do it: an `employer` for domestic work, a `worker` or
/// `client` for occasional work (403 otherwise). The answer carries the `verification_code`
/// (shown only here) that the intermediary needs to accept. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "delegations", operation_id = "create_delegation",
    request_body = NewDelegation,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Created, pending acceptance.", body = Delegation),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 403, description = "The caller holds no role that can delegate the service."),
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
    let input = body.value;
    let cmd = use_cases::CreateDelegation {
        delegate: tax_code_field("delegate_tax_code", &input.delegate_tax_code)?,
        terms: DelegationTerms {
            service: input.service.into(),
            scopes: input.scopes.iter().map(|s| DScope::from(*s)).collect(),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        },
    };
    let (now, settings) = (state.clock.now(), state.settings.clone());
    let person = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, person, key.0, body.fingerprint, move |conn| {
        let secret = &settings.delegation_code_secret;
        let created = use_cases::create_delegation(conn, &caller.actor(), secret, cmd, now)?;
        let location = format!("/v1/delegations/{}", created.delegation.delegation.id);
        let body = Delegation::from(created);
        Ok(Created { body, location })
    })
    .await
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
    caller: Bearer,
    filter: web::Query<DelegationFilter>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let tax_code =
        |field, value: Option<String>| value.map(|t| tax_code_field(field, &t)).transpose();
    let cmd = ListDelegations {
        delegator: tax_code("delegator_tax_code", filter.delegator_tax_code)?,
        delegate: tax_code("delegate_tax_code", filter.delegate_tax_code)?,
        service: filter.service.map(Into::into),
        status: filter.status.map(DStatus::from),
        after: page.cursor()?.map(|c| parse_time_cursor(&c)).transpose()?,
        limit: limit + 1,
    };
    let now = state.clock.now();
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::list_delegations(
            conn,
            &caller.actor(),
            cmd,
            now,
        )?)
    })
    .await?;
    let (found, next_cursor) = page_of(found, limit, |s| {
        time_cursor(s.delegation.created_at, s.delegation.id)
    });
    let items = found.into_iter().map(Delegation::from).collect();
    Ok(HttpResponse::Ok().json(DelegationPage { items, next_cursor }))
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
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_delegation(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(respond(found))
}

/// Accept a delegation
///
/// The delegated intermediary accepts with the verification code. For domestic work, the
/// delegator's previous active delegation ends in the same transaction: revoked when still in
/// force, left expired when its last day has passed. Optional `If-Match`.
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
    let cmd = use_cases::AcceptDelegation {
        id: id.into_inner(),
        verification_code: body.value.verification_code,
        expected: expected(&req)?,
    };
    let (now, settings) = (state.clock.now(), state.settings.clone());
    let transition = db::transaction(&state, move |conn| {
        let secret = &settings.delegation_code_secret;
        Ok(use_cases::accept_delegation(
            conn,
            &caller.actor(),
            secret,
            cmd,
            now,
        )?)
    })
    .await?;
    outcome(transition)
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
    end(state, req, caller, id, use_cases::reject_delegation).await
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
    end(state, req, caller, id, use_cases::revoke_delegation).await
}
