//! The HTTP operations of employments.

use actix_web::{HttpResponse, get, post, web};
use inps_domain::employment::{EmploymentCode, RecordEmployment};
use inps_domain::tax_code::TaxCode;
use time::Date;

use super::use_cases;
use super::wire::{Employment, EmploymentPage, NewEmployment};
use crate::auth::{Bearer, Operator};
use crate::db;
use crate::error::{ApiError, Text};
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::state::AppState;

/// The employment code of a path (404 when it is not one: nothing has that code).
pub fn code_in_path(raw: &str) -> Result<EmploymentCode, ApiError> {
    EmploymentCode::parse(raw).map_err(|_| ApiError::not_found())
}

/// Record an employment
///
/// Operators only (the back office). Creates or updates the employer, allocates the employment
/// code and gives the employer the `employer` role. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "employments", operation_id = "record_employment",
    request_body = NewEmployment,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Recorded.", body = Employment),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/employments")]
pub async fn create_employment(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    body: ValidatedJson<NewEmployment>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let cmd = RecordEmployment::try_from(body.value)?;
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let employment = use_cases::record_employment(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/employments/{}", employment.code),
            body: Employment::from(employment),
        })
    })
    .await
}

fn employment_cursor(text: &str) -> Result<(Date, EmploymentCode), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (date, code) = text.split_once('/').ok_or_else(bad)?;
    let date = Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| bad())?;
    Ok((date, EmploymentCode::parse(code).map_err(|_| bad())?))
}

/// List an employer's employments
///
/// The rapporti di lavoro of the employer, latest start first. Same visibility as the employer.
#[utoipa::path(tag = "employments", operation_id = "list_employer_employments",
    params(("tax_code" = String, Path, description = "Codice fiscale of the employer.", max_length = 22), PageQuery),
    responses((status = 200, description = "A page of employments.", body = EmploymentPage),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employers/{tax_code}/employments")]
pub async fn list_employer_employments(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let employer = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| employment_cursor(&c)).transpose()?;
    let now = state.clock.now();
    let rows = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        Ok(use_cases::employer_employments(
            conn,
            &actor,
            &employer,
            cursor,
            limit + 1,
            now,
        )?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |e| format!("{}/{}", e.start, e.code));
    let items = rows.into_iter().map(Employment::from).collect();
    Ok(HttpResponse::Ok().json(EmploymentPage { items, next_cursor }))
}

/// Show an employment
///
/// Worker, type, period, weekly hours, hourly pay, live-in, fixed term, CUAF. Same visibility as
/// the employer.
#[utoipa::path(tag = "employments", operation_id = "show_employment",
    params(("employment_code" = String, Path, description = "Codice rapporto (10 digits).", max_length = 10)),
    responses((status = 200, description = "The employment.", body = Employment),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employments/{employment_code}")]
pub async fn show_employment(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code_in_path(&path.into_inner())?;
    let now = state.clock.now();
    let employment = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_employment(
            conn,
            &caller.actor(),
            &code,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Employment::from(employment)))
}
