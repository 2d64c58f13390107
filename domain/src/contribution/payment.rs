//! Recording a pagoPA payment against a quarter: the notice number and the checks a payment must
//! pass (the quarter belongs to the employment, the amount is in range, the day of payment falls
//! between the start of the quarter and today, and the quarter was not prescribed that day).

use std::fmt;

use rust_decimal::Decimal;
use time::Date;

use super::{
    EmploymentTerms, QuarterId, can_still_be_paid, due_window, prescription_date, quarters_of,
};
use crate::money::Money;

/// Digits of a pagoPA notice number (numero avviso).
pub const NOTICE_NUMBER_LEN: usize = 18;

/// The largest single payment accepted, 999 999.99 EUR: far above any quarter of domestic work,
/// and within the column's range, so an amount typed in cents is caught.
pub const MAX_PAYMENT: Decimal = Decimal::from_parts(99_999_999, 0, 0, false, 2);

/// A pagoPA notice number (numero avviso): 18 digits. One notice stands for one payment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoticeNumber(String);

/// Why a string is not a notice number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a pagoPA notice number has {NOTICE_NUMBER_LEN} digits")]
pub struct NoticeNumberError;

impl NoticeNumber {
    /// Parses exactly 18 ASCII digits.
    pub fn parse(text: &str) -> Result<Self, NoticeNumberError> {
        if text.len() == NOTICE_NUMBER_LEN && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(NoticeNumberError)
        }
    }

    /// The 18 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoticeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A payment recorded against a quarter; `Id` is how the store names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionPayment<Id> {
    /// The store's identifier.
    pub id: Id,
    /// The quarter paid.
    pub quarter: QuarterId,
    /// The pagoPA notice.
    pub notice_number: NoticeNumber,
    /// Day of payment.
    pub paid_on: Date,
    /// Amount paid.
    pub amount: Money,
}

/// A payment to record: the command of the "record a payment" use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPayment {
    /// The quarter paid.
    pub quarter: QuarterId,
    /// The pagoPA notice.
    pub notice_number: NoticeNumber,
    /// Day of payment.
    pub paid_on: Date,
    /// Amount paid.
    pub amount: Money,
}

/// Why a payment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefused {
    /// The employment does not cover the quarter (or not yet: it lies in the future).
    #[error("quarter {quarter} is outside the employment")]
    QuarterOutsideEmployment {
        /// The quarter named.
        quarter: QuarterId,
    },
    /// Zero, or above [`MAX_PAYMENT`].
    #[error("the amount must be positive and at most {max}")]
    AmountOutOfRange {
        /// The largest accepted amount.
        max: Decimal,
    },
    /// Before the quarter began, or after today.
    #[error("the day of payment must fall between {earliest} and {latest}")]
    PaidOnOutOfRange {
        /// The first day of the quarter.
        earliest: Date,
        /// Today.
        latest: Date,
    },
    /// The quarter was prescribed on the day of payment: it can no longer be paid.
    #[error("quarter {quarter} was prescribed after {payable_until}: it can no longer be paid")]
    Prescribed {
        /// The quarter named.
        quarter: QuarterId,
        /// Its last payable day.
        payable_until: Date,
    },
}

impl PaymentRefused {
    /// The field of the command at fault, or `None` for a prescription (a rule of the quarter).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::QuarterOutsideEmployment { .. } => Some("quarter"),
            Self::AmountOutOfRange { .. } => Some("amount"),
            Self::PaidOnOutOfRange { .. } => Some("paid_on"),
            Self::Prescribed { .. } => None,
        }
    }
}

/// Checks `payment` against the employment's `terms` on `today`.
///
/// The quarter must be one of the employment's up to today; the amount more than zero and at
/// most [`MAX_PAYMENT`]; the day of payment not before the quarter began (early payments of a
/// running quarter exist) nor after today (a typo); and the quarter still payable that day
/// (5 years after its deadline it is prescribed, art. 3 c.9 L. 335/1995).
pub fn check_payment(
    terms: &EmploymentTerms,
    payment: &RecordPayment,
    today: Date,
) -> Result<(), PaymentRefused> {
    let quarter = payment.quarter;
    if !quarters_of(terms, today).contains(&quarter) {
        return Err(PaymentRefused::QuarterOutsideEmployment { quarter });
    }
    if payment.amount.is_zero() || payment.amount.amount() > MAX_PAYMENT {
        return Err(PaymentRefused::AmountOutOfRange { max: MAX_PAYMENT });
    }
    if payment.paid_on > today || payment.paid_on < quarter.first_day() {
        return Err(PaymentRefused::PaidOnOutOfRange {
            earliest: quarter.first_day(),
            latest: today,
        });
    }
    let (_, due_by) = due_window(quarter, terms);
    if !can_still_be_paid(due_by, payment.paid_on) {
        return Err(PaymentRefused::Prescribed {
            quarter,
            payable_until: prescription_date(due_by),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
