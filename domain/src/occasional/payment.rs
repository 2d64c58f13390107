//! INPS payouts to workers (c.19; DOMAIN.md 1.5): the monthly payment run, the states of a
//! payment, and the worker's and the client's year at a glance.
//!
//! - **Payable service.** A service of the run's month is paid when it is `recorded` or
//!   `rectified` (a `disputed` one waits for the dispute to close; `revoked` ones are never paid;
//!   `paid` ones already were), its revocation window is over (PrestO: the end of the 3rd day
//!   after the work; Libretto Famiglia: the end of the 3rd of the month after, see
//!   [`super::deadlines::revocation_deadline`]) and it is not held by another payment that is
//!   still `scheduled`, `in_payment` or `credited`. A run is for a month that is over.
//! - **One payment per worker per run**, by the payment method on file when the run is made:
//!   the amount is the sum of the services' net pay; INPS deducts the method's fee
//!   ([`super::rules::PayoutFees`]), so the worker is credited `amount - fee`.
//! - **States** `scheduled -> in_payment -> credited`, and `failed` from either of the first two
//!   ([`advance`]). A failed payment releases its services: a later run of the same month pays
//!   them again. The services of a credited payment become `paid`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month as CalendarMonth, OffsetDateTime};

use super::service::ServiceStatus;
use crate::delegation::add_months;
use crate::identity::{ParseError, parse_wire};
use crate::money::{Money, MoneyError};
use crate::notification::named_enum;

/// Longest failure reason.
pub const MAX_REASON_CHARS: usize = 500;

named_enum! {
    /// The state of a payment (programmato, in erogazione, accreditato, non riuscito).
    PaymentStatus, "payment status" {
        /// Prepared by a run, not yet sent to the bank or the post office.
        Scheduled = "scheduled",
        /// Sent: the money is on its way.
        InPayment = "in_payment",
        /// Credited to the worker: final; its services are `paid`.
        Credited = "credited",
        /// Not delivered (e.g. a closed account): final; its services are paid by a later run.
        Failed = "failed",
    }
}

impl PaymentStatus {
    /// Whether the payment still holds its services (every state but `failed`).
    pub fn holds_services(self) -> bool {
        !matches!(self, Self::Failed)
    }
}

/// A calendar month of work, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PayMonth {
    first: Date,
}

/// Why a text is not a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a month is written YYYY-MM, between 2017-01 and 2100-12")]
pub struct MonthError;

impl PayMonth {
    /// The month of `date`.
    pub fn of(date: Date) -> Self {
        Self {
            first: date.replace_day(1).unwrap_or(date),
        }
    }

    /// The first day.
    pub fn first_day(self) -> Date {
        self.first
    }

    /// The first day of the next month (the end, exclusive).
    pub fn end(self) -> Option<Date> {
        add_months(self.first, 1)
    }

    /// Whether `date` lies in this month.
    pub fn contains(self, date: Date) -> bool {
        date.year() == self.first.year() && date.month() == self.first.month()
    }

    /// Whether the month is over on `today` (Italian calendar): a run pays only past months.
    pub fn is_over(self, today: Date) -> bool {
        self.end().is_some_and(|end| today >= end)
    }
}

impl FromStr for PayMonth {
    type Err = MonthError;

    fn from_str(s: &str) -> Result<Self, MonthError> {
        let (year, month) = s.split_once('-').ok_or(MonthError)?;
        if year.len() != 4 || month.len() != 2 || !s.is_ascii() {
            return Err(MonthError);
        }
        let year: i32 = year.parse().map_err(|_| MonthError)?;
        let month: u8 = month.parse().map_err(|_| MonthError)?;
        if !(2017..=2100).contains(&year) {
            return Err(MonthError);
        }
        let month = CalendarMonth::try_from(month).map_err(|_| MonthError)?;
        let first = Date::from_calendar_date(year, month, 1).map_err(|_| MonthError)?;
        Ok(Self { first })
    }
}

impl fmt::Display for PayMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}",
            self.first.year(),
            u8::from(self.first.month())
        )
    }
}

/// What a run needs to know of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<W, S> {
    /// The worker.
    pub worker: W,
    /// The service.
    pub service: S,
    /// The day of work.
    pub date: Date,
    /// Its status.
    pub status: ServiceStatus,
    /// The end of its revocation window.
    pub revocable_until: Option<OffsetDateTime>,
    /// Whether a payment that is not `failed` already holds it.
    pub held: bool,
    /// Net pay to the worker.
    pub net: Money,
}

/// Why a service is not paid by a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotPayable {
    /// Worked in another month.
    #[error("the service is of another month")]
    OtherMonth,
    /// Revoked, paid, or waiting for a dispute.
    #[error("a {0} service is not paid")]
    Status(ServiceStatus),
    /// Still revocable.
    #[error("the service may still be revoked")]
    Revocable,
    /// Already in a payment.
    #[error("the service is already in a payment")]
    Held,
}

/// Whether `candidate` is paid by a run for `month` made at `now` (see the module
/// documentation).
pub fn payable<W, S>(
    candidate: &Candidate<W, S>,
    month: PayMonth,
    now: OffsetDateTime,
) -> Result<(), NotPayable> {
    if !month.contains(candidate.date) {
        return Err(NotPayable::OtherMonth);
    }
    if !matches!(
        candidate.status,
        ServiceStatus::Recorded | ServiceStatus::Rectified
    ) {
        return Err(NotPayable::Status(candidate.status));
    }
    if candidate.revocable_until.is_some_and(|until| now < until) {
        return Err(NotPayable::Revocable);
    }
    if candidate.held {
        return Err(NotPayable::Held);
    }
    Ok(())
}

/// One worker's payment of a run: the services it pays and their net sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<W, S> {
    /// The worker.
    pub worker: W,
    /// The services paid, in the order given.
    pub services: Vec<S>,
    /// The sum of their net pay.
    pub amount: Money,
}

/// The payments of a run for `month` at `now`: the payable candidates grouped by worker, one
/// batch per worker, workers in the order of their first payable service.
pub fn batches<W: Clone + PartialEq, S: Clone>(
    candidates: &[Candidate<W, S>],
    month: PayMonth,
    now: OffsetDateTime,
) -> Result<Vec<Batch<W, S>>, MoneyError> {
    let mut out: Vec<Batch<W, S>> = Vec::new();
    for candidate in candidates.iter().filter(|c| payable(c, month, now).is_ok()) {
        match out.iter_mut().find(|b| b.worker == candidate.worker) {
            Some(batch) => {
                batch.amount = batch.amount.checked_add(candidate.net)?;
                batch.services.push(candidate.service.clone());
            }
            None => out.push(Batch {
                worker: candidate.worker.clone(),
                services: vec![candidate.service.clone()],
                amount: candidate.net,
            }),
        }
    }
    Ok(out)
}

/// What the worker is credited of `amount` once INPS deducts `fee`: never negative.
pub fn credited_amount(amount: Money, fee: Money) -> Money {
    amount.checked_sub(fee).unwrap_or(Money::zero())
}

/// A back-office outcome of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Sent to the bank or the post office.
    InPayment,
    /// Credited to the worker.
    Credited,
    /// Not delivered, with the reason.
    Failed {
        /// Why (e.g. the account is closed).
        reason: String,
    },
}

impl Outcome {
    /// The state the outcome leads to.
    pub fn status(&self) -> PaymentStatus {
        match self {
            Self::InPayment => PaymentStatus::InPayment,
            Self::Credited => PaymentStatus::Credited,
            Self::Failed { .. } => PaymentStatus::Failed,
        }
    }
}

/// Why an outcome is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// The state machine does not allow it.
    #[error("a {from} payment cannot become {to}")]
    Transition {
        /// The current state.
        from: PaymentStatus,
        /// The state asked for.
        to: PaymentStatus,
    },
    /// A failure without a reason, or one too long.
    #[error("a failure needs a reason of 1 to 500 characters")]
    Reason,
}

/// The state after `outcome` on a payment in `from`: `scheduled -> in_payment -> credited`, and
/// `failed` from `scheduled` or `in_payment`; `credited` and `failed` are final.
pub fn advance(from: PaymentStatus, outcome: &Outcome) -> Result<PaymentStatus, OutcomeError> {
    use PaymentStatus as P;
    let to = outcome.status();
    if let Outcome::Failed { reason } = outcome {
        let chars = reason.trim().chars().count();
        if chars == 0 || chars > MAX_REASON_CHARS {
            return Err(OutcomeError::Reason);
        }
    }
    match (from, to) {
        (P::Scheduled, P::InPayment | P::Failed) | (P::InPayment, P::Credited | P::Failed) => {
            Ok(to)
        }
        _ => Err(OutcomeError::Transition { from, to }),
    }
}

/// An IBAN as a receipt shows it: every character but the last 4 hidden.
pub fn masked_iban(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    let keep = chars.len().saturating_sub(4);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

/// One service as a dashboard counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// Its status.
    pub status: ServiceStatus,
    /// Whether a payment that is `scheduled` or `in_payment` holds it.
    pub in_payment: bool,
    /// Net pay to the worker.
    pub net: Money,
    /// What the client pays.
    pub gross: Money,
}

/// A year of services in money, for the dashboards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    /// Net pay of every service not revoked.
    pub earned: Money,
    /// Net pay of the `paid` services (credited by INPS).
    pub paid: Money,
    /// Net pay of `recorded` and `rectified` services not yet paid: being verified or in a
    /// payment run.
    pub not_yet_paid: Money,
    /// Of `not_yet_paid`, what a `scheduled` or `in_payment` payment holds.
    pub in_payment: Money,
    /// Net pay of the `disputed` services.
    pub disputed: Money,
    /// What the client pays for every service not revoked (gross).
    pub spent: Money,
}

impl Default for YearSummary {
    fn default() -> Self {
        let zero = Money::zero();
        Self {
            earned: zero,
            paid: zero,
            not_yet_paid: zero,
            in_payment: zero,
            disputed: zero,
            spent: zero,
        }
    }
}

impl YearSummary {
    /// The summary of `services` (all of one year, of one worker or one client).
    pub fn of(services: &[Counted]) -> Result<Self, MoneyError> {
        let mut s = Self::default();
        for c in services {
            if c.status == ServiceStatus::Revoked {
                continue;
            }
            s.earned = s.earned.checked_add(c.net)?;
            s.spent = s.spent.checked_add(c.gross)?;
            match c.status {
                ServiceStatus::Paid => s.paid = s.paid.checked_add(c.net)?,
                ServiceStatus::Disputed => s.disputed = s.disputed.checked_add(c.net)?,
                _ => {
                    s.not_yet_paid = s.not_yet_paid.checked_add(c.net)?;
                    if c.in_payment {
                        s.in_payment = s.in_payment.checked_add(c.net)?;
                    }
                }
            }
        }
        Ok(s)
    }
}
