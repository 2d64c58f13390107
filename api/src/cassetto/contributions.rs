//! Quarterly contributions of an employment: what was paid in the last five years and what is
//! due, with deadlines and status; and the recording of payments (operators, imports).

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use diesel::PgConnection;
use inps_domain::contribution::{
    self as rules, ContributionError, EmploymentTerms, QuarterId, RateBand, YearRates,
};
use inps_domain::delegation::Scope as DScope;
use inps_domain::money::Money;
use inps_domain::rome_time::rome_date;
use inps_persistence::contributions::{self as repo, PaymentRow, RateRow};
use inps_persistence::employers::EmploymentRow;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Caller, Operator};
use crate::cassetto::employments::visible_employment;
use crate::db;
use crate::error::{ApiError, Problem, Text};
use crate::extract::{IdempotencyKey, ValidatedJson};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::wire::{ContributionStatus, MoneySchema};

/// A payment recorded against a quarter.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "5a8f3c1e-2b7d-4e09-8c64-9f1e0d3b7a52", "pagopa_notice_number": "301000000000012345", "paid_on": "2026-04-09", "amount": {"amount": "403.00", "currency": "EUR"}}))]
pub struct Payment {
    /// Identifier.
    pub id: uuid::Uuid,
    /// pagoPA notice number (numero avviso, 18 digits).
    #[schema(max_length = 18, pattern = "^[0-9]{18}$")]
    pub pagopa_notice_number: String,
    /// Day of payment.
    #[serde(with = "crate::wire::iso_date")]
    pub paid_on: Date,
    /// Amount paid.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
}

/// One quarter's contribution.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contribution {
    /// The quarter, `YYYY-Qn`.
    #[schema(max_length = 7, pattern = "^[0-9]{4}-Q[1-4]$", example = "2026-Q1")]
    pub quarter: String,
    /// Paid weeks counted (each week ends on a Saturday in the quarter).
    #[schema(format = Int32, minimum = 0, maximum = 14)]
    pub weeks: i32,
    /// Hours: weekly hours × weeks (decimal string).
    #[schema(max_length = 8)]
    pub hours: String,
    /// Hourly contribution of the year's table; null when the year has no table.
    #[schema(value_type = Option<MoneySchema>)]
    pub hourly_rate: Option<Money>,
    /// Amount due; null when the year has no rate table (never a guessed zero).
    #[schema(value_type = Option<MoneySchema>)]
    pub amount_due: Option<Money>,
    /// Amount paid so far.
    #[schema(value_type = MoneySchema)]
    pub amount_paid: Money,
    /// First day of the payment window.
    #[serde(with = "crate::wire::iso_date")]
    pub due_from: Date,
    /// Deadline (the 10th of the month after the quarter, or 10 days after the end of the
    /// employment, moved to the next working day).
    #[serde(with = "crate::wire::iso_date")]
    pub due_by: Date,
    /// Last day it can still be paid (5 years after the deadline).
    #[serde(with = "crate::wire::iso_date")]
    pub payable_until: Date,
    /// State.
    pub status: ContributionStatus,
    /// True when the year's rate table is missing, so the amount is unknown.
    pub rate_missing: bool,
    /// Payments recorded.
    pub payments: Vec<Payment>,
}

/// Totals of the quarters listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionTotals {
    /// Paid in the quarters listed.
    #[schema(value_type = MoneySchema)]
    pub paid: Money,
    /// Still to pay and still payable (due, overdue, partial).
    #[schema(value_type = MoneySchema)]
    pub outstanding: Money,
    /// Unpaid and prescribed: can no longer be paid.
    #[schema(value_type = MoneySchema)]
    pub prescribed: Money,
}

/// The contributions of an employment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "quarter": "2026-Q1", "weeks": 13, "hours": "325.00",
            "hourly_rate": {"amount": "1.24", "currency": "EUR"}, "amount_due": {"amount": "403.00", "currency": "EUR"},
            "amount_paid": {"amount": "403.00", "currency": "EUR"},
            "due_from": "2026-04-01", "due_by": "2026-04-10", "payable_until": "2031-04-10",
            "status": "paid", "rate_missing": false,
            "payments": [{"id": "5a8f3c1e-2b7d-4e09-8c64-9f1e0d3b7a52", "pagopa_notice_number": "301000000000012345", "paid_on": "2026-04-09", "amount": {"amount": "403.00", "currency": "EUR"}}]
        },
        {
            "quarter": "2025-Q4", "weeks": 13, "hours": "325.00",
            "hourly_rate": {"amount": "1.22", "currency": "EUR"}, "amount_due": {"amount": "396.50", "currency": "EUR"},
            "amount_paid": {"amount": "200.00", "currency": "EUR"},
            "due_from": "2026-01-01", "due_by": "2026-01-10", "payable_until": "2031-01-10",
            "status": "partial", "rate_missing": false,
            "payments": [{"id": "e7c2b9d4-1a5f-4c38-9e07-6b3d8f2a1c94", "pagopa_notice_number": "301000000000009876", "paid_on": "2026-01-09", "amount": {"amount": "200.00", "currency": "EUR"}}]
        }
    ],
    "next_cursor": null,
    "totals": {
        "paid": {"amount": "603.00", "currency": "EUR"},
        "outstanding": {"amount": "196.50", "currency": "EUR"},
        "prescribed": {"amount": "0.00", "currency": "EUR"}
    }
}))]
pub struct ContributionList {
    /// Quarters, most recent first.
    pub items: Vec<Contribution>,
    /// Always null: at most about 24 quarters in the default window; narrow with `from`/`to`.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
    /// Totals.
    pub totals: ContributionTotals,
}

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionQuery {
    /// Only this state.
    pub status: Option<ContributionStatus>,
    /// From this quarter (`YYYY-Qn`); default: the quarter five years and one quarter ago.
    #[param(pattern = "^[0-9]{4}-Q[1-4]$", max_length = 7)]
    pub from: Option<String>,
    /// Up to this quarter (`YYYY-Qn`); default: the current quarter.
    #[param(pattern = "^[0-9]{4}-Q[1-4]$", max_length = 7)]
    pub to: Option<String>,
}

fn quarter_param(field: &str, value: Option<&str>) -> Result<Option<QuarterId>, ApiError> {
    value
        .map(|v| {
            v.parse::<QuarterId>().map_err(|_| {
                ApiError::invalid_field(
                    field,
                    Text::new("trimestre AAAA-Qn non valido", "invalid YYYY-Qn quarter"),
                )
            })
        })
        .transpose()
}

fn band(row: &RateRow) -> RateBand {
    RateBand {
        rate_open_ended_cuaf: row.open_ended_cuaf,
        rate_open_ended_no_cuaf: row.open_ended_no_cuaf,
        rate_fixed_term_cuaf: row.fixed_term_cuaf,
        rate_fixed_term_no_cuaf: row.fixed_term_no_cuaf,
    }
}

/// The rate tables by year, from the database rows (a year needs all four bands).
pub fn year_rates(rows: &[RateRow]) -> HashMap<i32, YearRates> {
    let mut by_year: HashMap<i32, HashMap<&str, &RateRow>> = HashMap::new();
    for row in rows {
        by_year
            .entry(row.year)
            .or_default()
            .insert(row.band.as_str(), row);
    }
    by_year
        .into_iter()
        .filter_map(|(year, bands)| {
            let (b1, b2, b3, over) = (
                bands.get("band1")?,
                bands.get("band2")?,
                bands.get("band3")?,
                bands.get("over_24_hours")?,
            );
            Some((
                year,
                YearRates {
                    year,
                    band1_max_pay: b1.max_hourly_pay?,
                    band2_max_pay: b2.max_hourly_pay?,
                    band1: band(b1),
                    band2: band(b2),
                    band3: band(b3),
                    over_24_hours: band(over),
                },
            ))
        })
        .collect()
}

/// The terms of an employment as the contribution rules see them.
pub fn terms_of(row: &EmploymentRow) -> EmploymentTerms {
    EmploymentTerms {
        start: row.start_date,
        end: row.end_date,
        weekly_hours: row.weekly_hours,
        hourly_pay: row.hourly_pay,
        fixed_term: row.fixed_term,
        cuaf: row.cuaf,
    }
}

fn money(d: Decimal) -> Result<Money, ApiError> {
    Money::eur(d).map_err(ApiError::internal)
}

/// Every quarter of `row` from `from` to `to` with its amount, payments and status at `today`.
pub fn contributions_of(
    row: &EmploymentRow,
    rates: &HashMap<i32, YearRates>,
    payments: &[PaymentRow],
    from: QuarterId,
    to: QuarterId,
    today: Date,
) -> Result<Vec<Contribution>, ApiError> {
    let terms = terms_of(row);
    let mut out = Vec::new();
    for quarter in rules::quarters_of(&terms, today) {
        if quarter < from || quarter > to {
            continue;
        }
        let paid_rows: Vec<&PaymentRow> = payments
            .iter()
            .filter(|p| p.year == quarter.year && p.quarter == i32::from(quarter.quarter.number()))
            .collect();
        let paid_sum: Decimal = paid_rows.iter().map(|p| p.amount).sum();
        let paid = money(paid_sum)?;
        let (due_from, due_by) = rules::due_window(quarter, &terms);
        let weeks = rules::paid_weeks(&terms, quarter);
        let hours = terms.weekly_hours * Decimal::from(weeks);
        let computed = rules::quarter_contribution(&terms, quarter, |y| rates.get(&y).cloned());
        let (hourly_rate, amount_due, rate_missing) = match computed {
            Ok(c) => (Some(money(c.hourly_rate)?), Some(c.amount), false),
            Err(ContributionError::NoRatesForYear { .. }) => (None, None, true),
            Err(e) => return Err(ApiError::internal(e)),
        };
        let status = match amount_due {
            Some(amount) => rules::status(amount, paid, due_by, today),
            None => rules::status_of_unknown_amount(paid, due_by, today),
        };
        out.push(Contribution {
            quarter: quarter.to_string(),
            weeks: i32::try_from(weeks).unwrap_or(i32::MAX),
            hours: hours.round_dp(2).to_string(),
            hourly_rate,
            amount_due,
            amount_paid: paid,
            due_from,
            due_by,
            payable_until: rules::prescription_date(due_by),
            status: status.into(),
            rate_missing,
            payments: paid_rows
                .into_iter()
                .map(|p| {
                    Ok(Payment {
                        id: p.id,
                        pagopa_notice_number: p.pagopa_notice_number.clone(),
                        paid_on: p.paid_on,
                        amount: money(p.amount)?,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        });
    }
    out.reverse();
    Ok(out)
}

fn totals(items: &[Contribution]) -> Result<ContributionTotals, ApiError> {
    let (mut paid, mut outstanding, mut prescribed) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for c in items {
        paid += c.amount_paid.amount();
        let rest = c.amount_due.as_ref().map_or(Decimal::ZERO, |d| {
            (d.amount() - c.amount_paid.amount()).max(Decimal::ZERO)
        });
        match c.status {
            ContributionStatus::Prescribed => prescribed += rest,
            ContributionStatus::Paid => {}
            _ => outstanding += rest,
        }
    }
    Ok(ContributionTotals {
        paid: money(paid)?,
        outstanding: money(outstanding)?,
        prescribed: money(prescribed)?,
    })
}

fn default_from(today: Date) -> QuarterId {
    let five_years_ago =
        rules::QuarterId::containing(today.replace_year(today.year() - 5).unwrap_or(today));
    // One quarter earlier, so the most recently prescribed quarter is still shown.
    let (year, q) = match five_years_ago.quarter.number() {
        1 => (five_years_ago.year - 1, 4),
        n => (five_years_ago.year, n - 1),
    };
    rules::Quarter::from_number(q).map_or(five_years_ago, |quarter| QuarterId::new(year, quarter))
}

/// List contributions
///
/// Per quarter: weeks, hours, the hourly rate of the year's table (by pay band, over 24 hours a
/// week, fixed term, CUAF), the amount, the deadline, what was paid and the state; with totals.
/// By default the quarters of the last five years (payable or paid) and everything due.
#[utoipa::path(tag = "contributions", operation_id = "list_contributions",
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10), ContributionQuery),
    responses((status = 200, description = "The quarters.", body = ContributionList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employments/{employment_code}/contributions")]
pub async fn list_contributions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<ContributionQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let now = state.clock.now();
    let today = rome_date(now);
    let from = quarter_param("from", query.from.as_deref())?.unwrap_or_else(|| default_from(today));
    let to =
        quarter_param("to", query.to.as_deref())?.unwrap_or_else(|| QuarterId::containing(today));
    let status = query.status;
    let list = db::transaction(&state, move |conn| {
        let resource = format!("/v1/employments/{code}/contributions");
        let (row, _) = visible_employment(
            conn,
            &caller,
            &code,
            DScope::Read,
            now,
            "contributions.read",
            &resource,
        )?;
        let rates = year_rates(&repo::all_rates(conn)?);
        let payments = repo::payments_of(conn, &row.code)?;
        let mut items = contributions_of(&row, &rates, &payments, from, to, today)?;
        if let Some(status) = status {
            items.retain(|c| c.status == status);
        }
        Ok(ContributionList {
            totals: totals(&items)?,
            items,
            next_cursor: None,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The largest single payment accepted: far above any quarter of domestic work, and within the
/// column's range.
pub const MAX_PAYMENT: Decimal = Decimal::from_parts(99_999_999, 0, 0, false, 2);

/// A payment to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"quarter": "2026-Q1", "pagopa_notice_number": "301000000000012345", "paid_on": "2026-04-09", "amount": {"amount": "403.00", "currency": "EUR"}}))]
pub struct NewPayment {
    /// The quarter paid, `YYYY-Qn`.
    #[validate(length(equal = 7))]
    #[schema(pattern = "^[0-9]{4}-Q[1-4]$", min_length = 7, max_length = 7)]
    pub quarter: String,
    /// pagoPA notice number (18 digits).
    #[validate(custom(function = "notice_number"))]
    #[schema(pattern = "^[0-9]{18}$", min_length = 18, max_length = 18)]
    pub pagopa_notice_number: String,
    /// Day of payment.
    #[serde(with = "crate::wire::iso_date")]
    pub paid_on: Date,
    /// Amount paid (more than zero, at most 999999.99).
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
}

fn notice_number(v: &str) -> Result<(), validator::ValidationError> {
    if v.len() == 18 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("notice_number")
            .with_message("must be 18 digits".into()))
    }
}

/// Records a payment (the use case behind the endpoint and the imports): the quarter must belong
/// to the employment, be due already and not be prescribed on the day of payment.
pub fn record_payment(
    conn: &mut PgConnection,
    actor: &crate::auth::Actor,
    row: &EmploymentRow,
    input: &NewPayment,
    now: time::OffsetDateTime,
) -> Result<PaymentRow, ApiError> {
    let quarter = quarter_param("quarter", Some(&input.quarter))?
        .ok_or_else(|| ApiError::invalid_field("quarter", Text::new("obbligatorio", "required")))?;
    let terms = terms_of(row);
    if !rules::quarters_of(&terms, rome_date(now)).contains(&quarter) {
        return Err(ApiError::invalid_field(
            "quarter",
            Text::new(
                "trimestre fuori dal rapporto di lavoro",
                "quarter outside the employment",
            ),
        ));
    }
    if input.amount.is_zero() || input.amount.amount() > MAX_PAYMENT {
        return Err(ApiError::invalid_field(
            "amount",
            Text::new(
                "deve essere positivo e al massimo 999999.99",
                "must be positive and at most 999999.99",
            ),
        ));
    }
    // A quarter is paid once it has begun (early payments of a running quarter exist); a date
    // before that, or in the future, is a typo.
    if input.paid_on > rome_date(now) || input.paid_on < quarter.first_day() {
        return Err(ApiError::invalid_field(
            "paid_on",
            Text::new(
                "deve cadere tra l'inizio del trimestre e oggi",
                "must fall between the start of the quarter and today",
            ),
        ));
    }
    let (_, due_by) = rules::due_window(quarter, &terms);
    if !rules::can_still_be_paid(due_by, input.paid_on) {
        return Err(ApiError::new(Problem::ContributionPrescribed)
            .with_detail(
                format!("Il trimestre {quarter} è prescritto: non può più essere versato (L. 335/1995 art. 3 c.9)."),
                format!("Quarter {quarter} is prescribed: it can no longer be paid (L. 335/1995 art. 3 c.9)."),
            ));
    }
    let payment = PaymentRow {
        id: uuid::Uuid::new_v4(),
        employment_code: row.code.clone(),
        year: quarter.year,
        quarter: i32::from(quarter.quarter.number()),
        pagopa_notice_number: input.pagopa_notice_number.clone(),
        paid_on: input.paid_on,
        amount: input.amount.amount(),
        recorded_at: now,
        recorded_by: actor.tax_code.clone(),
    };
    repo::insert_payment(conn, &payment).map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::new(Problem::StateConflict).with_detail(
            "Avviso pagoPA già registrato.",
            "pagoPA notice already recorded.",
        ),
        other => other.into(),
    })?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "contribution_payment.record",
            &format!(
                "/v1/employments/{}/contribution-payments/{}",
                row.code, payment.id
            ),
            Some(&row.employer_tax_code),
        ),
        now,
    )?;
    Ok(payment)
}

/// Record a contribution payment
///
/// Operators only (or imports): a pagoPA payment against a quarter. A quarter prescribed on the
/// day of payment is refused (422 `contribution-prescribed`); a notice number recorded before is
/// 409. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "contributions", operation_id = "record_contribution_payment",
    request_body = NewPayment,
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body replay the first answer.", max_length = 128)),
    responses((status = 201, description = "Recorded.", body = Payment),
              (status = 409, description = "Notice number already recorded."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/employments/{employment_code}/contribution-payments")]
pub async fn record_contribution_payment(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<String>,
    key: IdempotencyKey,
    body: ValidatedJson<NewPayment>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let now = state.clock.now();
    let input = body.value;
    idempotency::create(
        &state,
        caller.tax_code.as_str().to_owned(),
        key.0,
        body.fingerprint,
        move |conn| {
            let resource = format!("/v1/employments/{code}/contribution-payments");
            let (row, _) = visible_employment(
                conn,
                &caller,
                &code,
                DScope::Payments,
                now,
                "contribution_payment.record",
                &resource,
            )?;
            let payment = record_payment(conn, &caller.actor(), &row, &input, now)?;
            Ok(Created {
                location: format!("/v1/employments/{}/contributions", row.code),
                body: Payment {
                    id: payment.id,
                    pagopa_notice_number: payment.pagopa_notice_number,
                    paid_on: payment.paid_on,
                    amount: money(payment.amount)?,
                },
            })
        },
    )
    .await
}
