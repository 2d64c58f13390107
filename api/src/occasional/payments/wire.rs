//! The wire shapes of payments: [`NewPaymentRun`], [`PaymentRunBody`], [`PaymentBody`],
//! [`PaymentSummary`], [`PaymentPage`], [`OutcomeBody`].

use inps_domain::money::Money;
use inps_domain::occasional::payment::{Outcome, PayMonth, masked_iban};
use inps_persistence::occasional_payments::{PaidServiceRow, PaymentRow};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::{Payment, Run};
use crate::problems::Text;
use crate::refusal::Refusal;
use crate::wire::MoneySchema;

/// A payment run to make.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"month": "2026-10"}))]
pub struct NewPaymentRun {
    /// The month of work to pay, `YYYY-MM`: a month that is over.
    #[schema(max_length = 7, pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
}

impl NewPaymentRun {
    /// The month, or 422 on `month`.
    pub fn month(&self) -> Result<PayMonth, Refusal> {
        self.month.parse().map_err(|e| {
            Refusal::invalid_field(
                "month",
                Text::new(
                    format!("mese non valido: {e}"),
                    format!("invalid month: {e}"),
                ),
            )
        })
    }
}

/// What the back office records of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Sent to the bank or the post office (in erogazione).
    InPayment,
    /// Credited to the worker (accreditato).
    Credited,
    /// Not delivered (non riuscito): needs a `reason`.
    Failed,
}

/// A back-office outcome.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "failed", "reason": "conto corrente estinto"}))]
pub struct OutcomeBody {
    /// The new state: `scheduled -> in_payment -> credited`, or `failed` before credit.
    pub outcome: OutcomeKind,
    /// Why it failed (required for `failed`, 1 to 500 characters; ignored otherwise).
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

impl OutcomeBody {
    /// The domain outcome (the reason is checked by the state machine).
    pub fn outcome(self) -> Outcome {
        match self.outcome {
            OutcomeKind::InPayment => Outcome::InPayment,
            OutcomeKind::Credited => Outcome::Credited,
            OutcomeKind::Failed => Outcome::Failed {
                reason: self.reason.unwrap_or_default(),
            },
        }
    }
}

/// How INPS pays the worker, as on file when the run was made.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaidBy {
    /// `iban_transfer`, `bonifico_domiciliato` or `post_office_mandate`.
    #[schema(
        max_length = 20,
        pattern = "^(iban_transfer|bonifico_domiciliato|post_office_mandate)$"
    )]
    pub kind: String,
    /// The IBAN with every character but the last 4 hidden (IBAN transfers only).
    #[schema(max_length = 34)]
    pub iban_masked: Option<String>,
}

/// One service a payment pays.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaidService {
    /// The service.
    pub service_id: uuid::Uuid,
    /// Its client.
    pub client_id: uuid::Uuid,
    /// The day of work.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Net pay.
    #[schema(value_type = MoneySchema)]
    pub net: Money,
}

/// A payment to a worker, without its services (lists).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "3c1d0b8a-0f3e-4c55-9a7e-2f4d5e6a7b8c", "worker_tax_code": "RSSMRA85M01H501Q",
    "month": "2026-10", "status": "scheduled",
    "payment_method": {"kind": "iban_transfer", "iban_masked": "***********************3456"},
    "amount": {"amount": "24.00", "currency": "EUR"}, "fee": {"amount": "1.75", "currency": "EUR"},
    "credited_amount": {"amount": "22.25", "currency": "EUR"}, "failure_reason": null,
    "created_at": "2026-11-10T09:00:00Z", "in_payment_at": null, "credited_at": null, "failed_at": null
}))]
pub struct PaymentSummary {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The worker.
    #[schema(max_length = 16)]
    pub worker_tax_code: String,
    /// The month of work paid, `YYYY-MM`.
    #[schema(max_length = 7, pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
    /// `scheduled` (programmato), `in_payment` (in erogazione), `credited` (accreditato) or
    /// `failed`.
    #[schema(max_length = 10, pattern = "^(scheduled|in_payment|credited|failed)$")]
    pub status: String,
    /// The payment method.
    pub payment_method: PaidBy,
    /// The sum of the services' net pay.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
    /// The fee INPS deducts by the payment method (3.84 EUR bonifico domiciliato, 1.75 EUR
    /// otherwise).
    #[schema(value_type = MoneySchema)]
    pub fee: Money,
    /// What reaches the worker: amount minus fee.
    #[schema(value_type = MoneySchema)]
    pub credited_amount: Money,
    /// Why it failed.
    #[schema(max_length = 500)]
    pub failure_reason: Option<String>,
    /// When the run scheduled it.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339::option")]
    pub in_payment_at: Option<OffsetDateTime>,
    /// When it was credited.
    #[serde(with = "time::serde::rfc3339::option")]
    pub credited_at: Option<OffsetDateTime>,
    /// When it failed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub failed_at: Option<OffsetDateTime>,
}

/// A payment with the services it pays.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentBody {
    /// The payment.
    pub payment: PaymentSummary,
    /// The services it pays, by day.
    pub services: Vec<PaidService>,
}

/// A page of payments.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPage {
    /// The payments, latest month first.
    pub items: Vec<PaymentSummary>,
    /// The cursor of the next page, `null` on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// A payment run.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRunBody {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The month of work paid, `YYYY-MM`.
    #[schema(max_length = 7, pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
    /// When it ran.
    #[serde(with = "time::serde::rfc3339")]
    pub run_at: OffsetDateTime,
    /// How many services it pays.
    pub services_count: i32,
    /// The sum of its payments.
    #[schema(value_type = MoneySchema)]
    pub total: Money,
    /// One payment per worker (empty when everything payable was already in a payment).
    pub payments: Vec<PaymentSummary>,
}

fn money(cents: i64) -> Result<Money, Refusal> {
    Money::from_cents(cents).map_err(Refusal::internal)
}

impl TryFrom<&PaymentRow> for PaymentSummary {
    type Error = Refusal;

    fn try_from(row: &PaymentRow) -> Result<Self, Refusal> {
        Ok(Self {
            id: row.id,
            worker_tax_code: row.worker_tax_code.clone(),
            month: PayMonth::of(row.month).to_string(),
            status: row.status.clone(),
            payment_method: PaidBy {
                kind: row.payment_method.clone(),
                iban_masked: row.iban.as_deref().map(masked_iban),
            },
            amount: money(row.amount_cents)?,
            fee: money(row.fee_cents)?,
            credited_amount: money(row.credited_cents)?,
            failure_reason: row.failure_reason.clone(),
            created_at: row.created_at,
            in_payment_at: row.in_payment_at,
            credited_at: row.credited_at,
            failed_at: row.failed_at,
        })
    }
}

impl TryFrom<&PaidServiceRow> for PaidService {
    type Error = Refusal;

    fn try_from(row: &PaidServiceRow) -> Result<Self, Refusal> {
        Ok(Self {
            service_id: row.service_id,
            client_id: row.client_id,
            date: row.work_date,
            net: money(row.net_cents)?,
        })
    }
}

impl TryFrom<&Payment> for PaymentBody {
    type Error = Refusal;

    fn try_from(p: &Payment) -> Result<Self, Refusal> {
        Ok(Self {
            payment: PaymentSummary::try_from(&p.payment)?,
            services: p
                .services
                .iter()
                .map(PaidService::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl TryFrom<&Run> for PaymentRunBody {
    type Error = Refusal;

    fn try_from(r: &Run) -> Result<Self, Refusal> {
        Ok(Self {
            id: r.run.id,
            month: PayMonth::of(r.run.month).to_string(),
            run_at: r.run.run_at,
            services_count: r.run.services,
            total: money(r.run.amount_cents)?,
            payments: r
                .payments
                .iter()
                .map(PaymentSummary::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}
