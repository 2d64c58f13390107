//! The wire shapes of contributions: the statement ([`ContributionList`]), its filters
//! ([`ContributionQuery`]) and a payment ([`NewPayment`] in, [`Payment`] out).

use inps_domain::contribution::QuarterId;
use inps_domain::contribution::payment::{ContributionPayment, NoticeNumber, RecordPayment};
use inps_domain::contribution::statement::{QuarterLine, Statement, StatementTotals};
use inps_domain::money::Money;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::Text;
use crate::refusal::Refusal;
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

impl From<ContributionPayment<uuid::Uuid>> for Payment {
    fn from(p: ContributionPayment<uuid::Uuid>) -> Self {
        Self {
            id: p.id,
            pagopa_notice_number: p.notice_number.as_str().to_owned(),
            paid_on: p.paid_on,
            amount: p.amount,
        }
    }
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

impl From<QuarterLine<uuid::Uuid>> for Contribution {
    fn from(line: QuarterLine<uuid::Uuid>) -> Self {
        Self {
            quarter: line.quarter.to_string(),
            weeks: i32::try_from(line.weeks).unwrap_or(i32::MAX),
            hours: line.hours.round_dp(2).to_string(),
            hourly_rate: line.hourly_rate,
            amount_due: line.amount_due,
            amount_paid: line.amount_paid,
            due_from: line.due_from,
            due_by: line.due_by,
            payable_until: line.payable_until,
            status: line.status.into(),
            rate_missing: line.rate_missing(),
            payments: line.payments.into_iter().map(Payment::from).collect(),
        }
    }
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

impl From<StatementTotals> for ContributionTotals {
    fn from(t: StatementTotals) -> Self {
        Self {
            paid: t.paid,
            outstanding: t.outstanding,
            prescribed: t.prescribed,
        }
    }
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

impl From<Statement<uuid::Uuid>> for ContributionList {
    fn from(s: Statement<uuid::Uuid>) -> Self {
        Self {
            items: s.quarters.into_iter().map(Contribution::from).collect(),
            next_cursor: None,
            totals: s.totals.into(),
        }
    }
}

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionQuery {
    /// Only this state.
    pub status: Option<ContributionStatus>,
    /// From this quarter (`YYYY-Qn`, beginning from 1900 to one year after today); default: the
    /// quarter five years and one quarter ago.
    #[param(pattern = "^[0-9]{4}-Q[1-4]$", max_length = 7)]
    pub from: Option<String>,
    /// Up to this quarter (`YYYY-Qn`, beginning from 1900 to one year after today); default:
    /// the current quarter.
    #[param(pattern = "^[0-9]{4}-Q[1-4]$", max_length = 7)]
    pub to: Option<String>,
}

/// The quarter `YYYY-Qn` of `field`, or a 422 naming it.
pub fn quarter(field: &str, value: &str) -> Result<QuarterId, Refusal> {
    value.parse().map_err(|_| {
        Refusal::invalid_field(
            field,
            Text::new("trimestre AAAA-Qn non valido", "invalid YYYY-Qn quarter"),
        )
    })
}

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
    #[schema(pattern = "^[0-9]{18}$", min_length = 18, max_length = 18)]
    pub pagopa_notice_number: String,
    /// Day of payment: from the first day of the quarter to today.
    #[serde(with = "crate::wire::iso_date")]
    pub paid_on: Date,
    /// Amount paid (more than zero, at most 999999.99).
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
}

impl TryFrom<NewPayment> for RecordPayment {
    type Error = Refusal;

    fn try_from(body: NewPayment) -> Result<Self, Refusal> {
        Ok(Self {
            quarter: quarter("quarter", &body.quarter)?,
            notice_number: NoticeNumber::parse(&body.pagopa_notice_number).map_err(|_| {
                Refusal::invalid_field(
                    "pagopa_notice_number",
                    Text::new("deve essere di 18 cifre", "must be 18 digits"),
                )
            })?,
            paid_on: body.paid_on,
            amount: body.amount,
        })
    }
}
