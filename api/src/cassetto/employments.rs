//! Employments (rapporti di lavoro domestico): the employer's list, the detail, and the back
//! office's recording (operators, and `inps-api import employments`).

use actix_web::{HttpResponse, get, post, web};
use diesel::PgConnection;
use inps_domain::delegation::{Scope as DScope, Service as DService};
use inps_domain::employment::{self as rules, EmploymentCode, EmploymentType as DEmploymentType};
use inps_domain::identity::Role as DRole;
use inps_domain::money::Money;
use inps_domain::tax_code::TaxCode;
use inps_persistence::employers::{self as repo, EmployerRow, EmploymentRow};
use inps_persistence::persons::{self, RegistryRecordRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use crate::access::{AccessRequest, Audited};
use crate::auth::{Actor, Caller, Operator};
use crate::db;
use crate::delegations::intermediaries::tax_code_field;
use crate::error::{ApiError, Text};
use crate::extract::{IdempotencyKey, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::wire::{EmploymentType, MoneySchema};

/// An employment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "employment_code": "1000000016",
    "employer_tax_code": "RSSMRA85T10A562S",
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "end_date": null, "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}))]
pub struct Employment {
    /// Codice rapporto: 10 digits, the last a Luhn check digit.
    #[schema(max_length = 10, pattern = "^[0-9]{10}$", example = "1000000016")]
    pub employment_code: String,
    /// The employer.
    #[schema(max_length = 16)]
    pub employer_tax_code: String,
    /// The worker.
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day.
    #[serde(with = "crate::wire::iso_date")]
    pub start_date: Date,
    /// Last day, when ended.
    #[serde(with = "crate::wire::iso_date::option")]
    pub end_date: Option<Date>,
    /// Contractual weekly hours (decimal string).
    #[schema(value_type = String, pattern = "^[0-9]{1,2}(\\.[0-9]{1,2})?$", max_length = 5, example = "25.00")]
    #[serde(with = "rust_decimal::serde::str")]
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    #[schema(value_type = MoneySchema)]
    pub hourly_pay: Money,
    /// Convivente (the worker lives with the family).
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due (false for spouses and relatives up to the 3rd degree living together).
    pub cuaf: bool,
}

/// A person's tax code and names.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    /// Codice fiscale.
    #[validate(length(min = 11, max = 22))]
    #[schema(min_length = 11, max_length = 22)]
    pub tax_code: String,
    /// Given name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub given_name: String,
    /// Family name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub family_name: String,
}

fn view(row: EmploymentRow) -> Result<Employment, ApiError> {
    Ok(Employment {
        employment_type: row
            .employment_type
            .parse::<DEmploymentType>()
            .map_err(ApiError::internal)?
            .into(),
        hourly_pay: Money::eur(row.hourly_pay).map_err(ApiError::internal)?,
        worker: PersonName {
            tax_code: row.worker_tax_code,
            given_name: row.worker_given_name,
            family_name: row.worker_family_name,
        },
        employment_code: row.code,
        employer_tax_code: row.employer_tax_code,
        start_date: row.start_date,
        end_date: row.end_date,
        weekly_hours: row.weekly_hours,
        live_in: row.live_in,
        fixed_term: row.fixed_term,
        cuaf: row.cuaf,
    })
}

/// The employer's address, when known.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// Street and number.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub street: Option<String>,
    /// CAP (5 digits).
    #[validate(custom(function = "postal_code_rule"))]
    #[schema(pattern = "^[0-9]{5}$", max_length = 5)]
    pub postal_code: Option<String>,
    /// Comune.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub municipality: Option<String>,
    /// Province (two capital letters).
    #[validate(custom(function = "province_rule"))]
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub province: Option<String>,
}

fn postal_code_rule(v: &str) -> Result<(), validator::ValidationError> {
    if v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("postal_code").with_message("must be 5 digits".into()))
    }
}

fn province_rule(v: &str) -> Result<(), validator::ValidationError> {
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("province")
            .with_message("must be two capital letters".into()))
    }
}

/// A new employment, recorded by the back office.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "employer": {"tax_code": "RSSMRA85T10A562S", "given_name": "Mario", "family_name": "Rossi"},
    "employer_address": {"street": "Via Roma 1", "postal_code": "00184", "municipality": "Roma", "province": "RM"},
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}))]
pub struct NewEmployment {
    /// The employer (created or updated).
    #[validate(nested)]
    pub employer: PersonName,
    /// The employer's residence.
    #[validate(nested)]
    pub employer_address: Option<AddressInput>,
    /// The worker.
    #[validate(nested)]
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day.
    #[serde(with = "crate::wire::iso_date")]
    pub start_date: Date,
    /// Last day, when already ended.
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub end_date: Option<Date>,
    /// Weekly hours (more than 0, at most 54, two decimals).
    #[schema(value_type = String, pattern = "^[0-9]{1,2}(\\.[0-9]{1,2})?$", max_length = 5)]
    #[serde(with = "rust_decimal::serde::str")]
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    #[schema(value_type = MoneySchema)]
    pub hourly_pay: Money,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due.
    pub cuaf: bool,
}

fn rule_error(field: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_field(field, Text::new(format!("non valido: {e}"), e.to_string()))
}

/// Records an employment (the use case behind `POST /v1/employments` and the CSV import):
/// upserts the employer, keeps both names in the registry (for the login name check), gives the
/// employer role, allocates the code from the sequence and audits the write.
pub fn record_employment(
    conn: &mut PgConnection,
    actor: &Actor,
    input: &NewEmployment,
    now: OffsetDateTime,
) -> Result<EmploymentRow, ApiError> {
    let employer = tax_code_field("employer.tax_code", &input.employer.tax_code)?;
    let worker = tax_code_field("worker.tax_code", &input.worker.tax_code)?;
    rules::validate_weekly_hours(input.weekly_hours).map_err(|e| rule_error("weekly_hours", e))?;
    rules::validate_hourly_pay(input.hourly_pay.amount())
        .map_err(|e| rule_error("hourly_pay.amount", e))?;
    rules::validate_period(input.start_date, input.end_date)
        .map_err(|e| rule_error("end_date", e))?;
    let address = input.employer_address.clone().unwrap_or_default();
    let names = |p: &PersonName| {
        (
            p.given_name.trim().to_owned(),
            p.family_name.trim().to_owned(),
        )
    };
    let (employer_given, employer_family) = names(&input.employer);
    let (worker_given, worker_family) = names(&input.worker);
    repo::upsert(
        conn,
        &EmployerRow {
            tax_code: employer.as_str().to_owned(),
            given_name: employer_given.clone(),
            family_name: employer_family.clone(),
            address_street: address.street,
            address_postal_code: address.postal_code,
            address_municipality: address.municipality,
            address_province: address.province,
            created_at: now,
        },
    )?;
    for (code, given, family, source) in [
        (
            &employer,
            &employer_given,
            &employer_family,
            "domestic_work_employers",
        ),
        (
            &worker,
            &worker_given,
            &worker_family,
            "domestic_work_workers",
        ),
    ] {
        persons::upsert_registry_record(
            conn,
            &RegistryRecordRow {
                tax_code: code.as_str().to_owned(),
                given_name: given.clone(),
                family_name: family.clone(),
                source: source.to_owned(),
            },
        )?;
    }
    persons::ensure_exists(
        conn,
        employer.as_str(),
        &employer_given,
        &employer_family,
        now,
    )?;
    persons::grant_role(
        conn,
        employer.as_str(),
        DRole::Employer.as_str(),
        actor.tax_code.as_deref(),
        now,
    )?;
    let sequence = repo::next_code_sequence(conn)?;
    let code = u64::try_from(sequence)
        .ok()
        .and_then(EmploymentCode::from_sequence)
        .ok_or_else(|| ApiError::internal("employment code sequence exhausted"))?;
    let row = EmploymentRow {
        code: code.as_str().to_owned(),
        employer_tax_code: employer.as_str().to_owned(),
        worker_tax_code: worker.as_str().to_owned(),
        worker_given_name: worker_given,
        worker_family_name: worker_family,
        employment_type: DEmploymentType::from(input.employment_type)
            .as_str()
            .to_owned(),
        start_date: input.start_date,
        end_date: input.end_date,
        weekly_hours: input.weekly_hours,
        hourly_pay: input.hourly_pay.amount(),
        live_in: input.live_in,
        fixed_term: input.fixed_term,
        cuaf: input.cuaf,
        created_at: now,
        created_by: actor.tax_code.clone(),
    };
    repo::insert_employment(conn, &row)?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "employment.create",
            &format!("/v1/employments/{}", row.code),
            Some(employer.as_str()),
        ),
        now,
    )?;
    Ok(row)
}

/// Record an employment
///
/// Operators only (the back office). Creates or updates the employer, allocates the employment
/// code and gives the employer the `employer` role. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "employments", operation_id = "record_employment",
    request_body = NewEmployment,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body replay the first answer.", max_length = 128)),
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
    let input = body.value;
    idempotency::create(
        &state,
        caller.tax_code.as_str().to_owned(),
        key.0,
        body.fingerprint,
        move |conn| {
            let row = record_employment(conn, &caller.actor(), &input, now)?;
            Ok(Created {
                location: format!("/v1/employments/{}", row.code),
                body: view(row)?,
            })
        },
    )
    .await
}

/// A page of employments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "employment_code": "1000000016",
    "employer_tax_code": "RSSMRA85T10A562S",
    "worker": {"tax_code": "RSSMRA45D25F205N", "given_name": "Mauro", "family_name": "Rossi"},
    "employment_type": "badante", "start_date": "2025-01-07", "end_date": null, "weekly_hours": "25.00",
    "hourly_pay": {"amount": "10.00", "currency": "EUR"}, "live_in": false, "fixed_term": false, "cuaf": true
}],
    "next_cursor": null
}))]
pub struct EmploymentPage {
    /// Employments, latest start first.
    pub items: Vec<Employment>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
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
    caller: Caller,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let subject = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let limit = page.limit()?;
    let cursor = match page.cursor()? {
        None => None,
        Some(text) => {
            let bad = || {
                ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"))
            };
            let (date, code) = text.split_once('/').ok_or_else(bad)?;
            let date = Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
                .map_err(|_| bad())?;
            Some((date, code.to_owned()))
        }
    };
    let now = state.clock.now();
    let rows = db::transaction(&state, move |conn| {
        let resource = format!("/v1/employers/{}/employments", subject.as_str());
        caller.actor().authorize(
            conn,
            &AccessRequest::act(
                &subject,
                DService::DomesticWork,
                DScope::Read,
                Audited {
                    action: "employments.read",
                    resource: &resource,
                },
            ),
            now,
        )?;
        if repo::find(conn, subject.as_str())?.is_none() {
            return Err(ApiError::not_found());
        }
        Ok(repo::employments_of(
            conn,
            subject.as_str(),
            cursor,
            limit + 1,
        )?)
    })
    .await?;
    let (rows, next_cursor) = page_of(rows, limit, |r| format!("{}/{}", r.start_date, r.code));
    let items = rows.into_iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(EmploymentPage { items, next_cursor }))
}

/// Loads an employment the caller may act on with `scope` (404 otherwise).
pub fn visible_employment(
    conn: &mut PgConnection,
    caller: &Caller,
    code: &str,
    scope: DScope,
    now: OffsetDateTime,
    action: &str,
    resource: &str,
) -> Result<(EmploymentRow, inps_domain::authorization::Access), ApiError> {
    let code = EmploymentCode::parse(code).map_err(|_| ApiError::not_found())?;
    let row = repo::find_employment(conn, code.as_str())?.ok_or_else(ApiError::not_found)?;
    let employer = TaxCode::parse(&row.employer_tax_code).map_err(ApiError::internal)?;
    let access = caller.actor().authorize(
        conn,
        &AccessRequest::act(
            &employer,
            DService::DomesticWork,
            scope,
            Audited { action, resource },
        ),
        now,
    )?;
    Ok((row, access))
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
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let now = state.clock.now();
    let row = db::transaction(&state, move |conn| {
        let resource = format!("/v1/employments/{code}");
        let (row, _) = visible_employment(
            conn,
            &caller,
            &code,
            DScope::Read,
            now,
            "employment.read",
            &resource,
        )?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}
