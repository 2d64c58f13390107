//! An employment as the cassetto records it, and the command that records one with its checks:
//! names and address fields trimmed and not blank, plausible dates, weekly hours, hourly pay and
//! period ([`RecordEmployment::checked`]).

use rust_decimal::Decimal;
use time::Date;

use super::{
    EmploymentCode, EmploymentError, EmploymentType, validate_hourly_pay, validate_period,
    validate_weekly_hours,
};
use crate::contribution::EmploymentTerms;
use crate::dates::{DateError, check_plausible};
use crate::money::Money;
use crate::tax_code::TaxCode;
use crate::text::{TextError, clean_optional, clean_text};

/// Longest given or family name.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest street.
pub const MAX_STREET_CHARS: usize = 200;
/// Longest municipality.
pub const MAX_MUNICIPALITY_CHARS: usize = 100;

/// A person by tax code and names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Codice fiscale.
    pub tax_code: TaxCode,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
}

/// A postal address; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// Street and number.
    pub street: Option<String>,
    /// CAP (5 digits).
    pub postal_code: Option<String>,
    /// Comune.
    pub municipality: Option<String>,
    /// Province (two capital letters).
    pub province: Option<String>,
}

/// A household employer as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employer {
    /// Tax code and names.
    pub name: PersonName,
    /// Residence.
    pub address: Address,
}

/// An employment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employment {
    /// Codice rapporto.
    pub code: EmploymentCode,
    /// The employer.
    pub employer: TaxCode,
    /// The worker.
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day.
    pub start: Date,
    /// Last day, when ended.
    pub end: Option<Date>,
    /// Contractual weekly hours.
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    pub hourly_pay: Money,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due.
    pub cuaf: bool,
}

impl Employment {
    /// The terms the contribution rules depend on.
    pub fn terms(&self) -> EmploymentTerms {
        EmploymentTerms {
            start: self.start,
            end: self.end,
            weekly_hours: self.weekly_hours,
            hourly_pay: self.hourly_pay.amount(),
            fixed_term: self.fixed_term,
            cuaf: self.cuaf,
        }
    }
}

/// The command that records an employment (back office, imports, demo data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEmployment {
    /// The employer (created, or its names and address updated).
    pub employer: PersonName,
    /// The employer's residence.
    pub employer_address: Address,
    /// The worker.
    pub worker: PersonName,
    /// Kind of work.
    pub employment_type: EmploymentType,
    /// First day.
    pub start: Date,
    /// Last day, when already ended.
    pub end: Option<Date>,
    /// Weekly hours.
    pub weekly_hours: Decimal,
    /// Effective hourly pay.
    pub hourly_pay: Money,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due.
    pub cuaf: bool,
}

/// Why one field of a [`RecordEmployment`] is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A name or address text.
    #[error(transparent)]
    Text(#[from] TextError),
    /// A date outside the plausible range.
    #[error(transparent)]
    Date(#[from] DateError),
    /// Hours, pay or period.
    #[error(transparent)]
    Terms(#[from] EmploymentError),
    /// A postal code that is not 5 digits.
    #[error("must be 5 digits")]
    PostalCode,
    /// A province that is not two capital letters.
    #[error("must be two capital letters")]
    Province,
}

/// One refused field, named by its path in the request (`employer.given_name`,
/// `employer_address.street`, `start_date`, `hourly_pay.amount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's path.
    pub field: &'static str,
    /// Why.
    pub error: RecordError,
}

/// Collects the problems of one command.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn check<T, E: Into<RecordError>>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result
            .map_err(|e| {
                self.0.push(FieldProblem {
                    field,
                    error: e.into(),
                });
            })
            .ok()
    }
}

fn postal_code(v: &str) -> Result<(), RecordError> {
    (v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()))
        .then_some(())
        .ok_or(RecordError::PostalCode)
}

fn province(v: &str) -> Result<(), RecordError> {
    (v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()))
        .then_some(())
        .ok_or(RecordError::Province)
}

impl RecordEmployment {
    /// The command with its texts trimmed, when every rule holds on `today`; otherwise every
    /// problem found, in field order.
    ///
    /// Names and address texts are trimmed before their length is checked and may not be blank;
    /// start and end lie between 1900-01-01 and one year after today ([`crate::dates`]); weekly
    /// hours, hourly pay and period follow [`validate_weekly_hours`], [`validate_hourly_pay`],
    /// [`validate_period`].
    pub fn checked(self, today: Date) -> Result<Self, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let employer_given = p.check(
            "employer.given_name",
            clean_text(&self.employer.given_name, MAX_NAME_CHARS),
        );
        let employer_family = p.check(
            "employer.family_name",
            clean_text(&self.employer.family_name, MAX_NAME_CHARS),
        );
        let a = &self.employer_address;
        let street = p.check(
            "employer_address.street",
            clean_optional(a.street.as_deref(), MAX_STREET_CHARS),
        );
        if let Some(code) = &a.postal_code {
            p.check("employer_address.postal_code", postal_code(code));
        }
        let municipality = p.check(
            "employer_address.municipality",
            clean_optional(a.municipality.as_deref(), MAX_MUNICIPALITY_CHARS),
        );
        if let Some(code) = &a.province {
            p.check("employer_address.province", province(code));
        }
        let worker_given = p.check(
            "worker.given_name",
            clean_text(&self.worker.given_name, MAX_NAME_CHARS),
        );
        let worker_family = p.check(
            "worker.family_name",
            clean_text(&self.worker.family_name, MAX_NAME_CHARS),
        );
        let start = p.check("start_date", check_plausible(self.start, today));
        let end = self
            .end
            .map(|end| p.check("end_date", check_plausible(end, today)));
        if start.is_some() && end.is_none_or(|e| e.is_some()) {
            p.check("end_date", validate_period(self.start, self.end));
        }
        p.check("weekly_hours", validate_weekly_hours(self.weekly_hours));
        p.check(
            "hourly_pay.amount",
            validate_hourly_pay(self.hourly_pay.amount()),
        );
        let (
            Some(employer_given),
            Some(employer_family),
            Some(street),
            Some(municipality),
            Some(worker_given),
            Some(worker_family),
            true,
        ) = (
            employer_given,
            employer_family,
            street,
            municipality,
            worker_given,
            worker_family,
            p.0.is_empty(),
        )
        else {
            return Err(p.0);
        };
        Ok(Self {
            employer: PersonName {
                given_name: employer_given,
                family_name: employer_family,
                ..self.employer
            },
            employer_address: Address {
                street,
                municipality,
                ..self.employer_address
            },
            worker: PersonName {
                given_name: worker_given,
                family_name: worker_family,
                ..self.worker
            },
            ..self
        })
    }
}

#[cfg(test)]
mod tests;
