//! Clients (utilizzatori): a natural person using the Libretto Famiglia, or a business acting
//! through its legal representative using PrestO, and whether PrestO is open to that business.

use rust_decimal::Decimal;
use serde::Serialize;

use super::rules::{AtecoCode, RuleSet, Sector};
use super::service::Channel;
use crate::money::Money;
use crate::tax_code::TaxCode;

/// A business client (PrestO): professionals, self-employed people, companies, associations,
/// foundations and other private bodies (DOMAIN.md 1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Business {
    /// The business's tax code (partita IVA or codice fiscale).
    pub tax_code: TaxCode,
    /// The natural person acting for it (rappresentante legale).
    pub legal_representative: TaxCode,
    /// Its main economic activity.
    pub ateco: AtecoCode,
    /// Open-ended employees: the average of the semester from the 8th to the 3rd month before the
    /// work, apprentices excluded, part-timers pro rata (c.14 a; INPS msg. 2887/2017), hence a
    /// decimal.
    employees: Decimal,
}

/// Why a business cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BusinessError {
    /// The employee count is negative.
    #[error("the employee count must not be negative")]
    NegativeEmployees,
}

impl Business {
    /// A business; the employee count must not be negative.
    pub fn new(
        tax_code: TaxCode,
        legal_representative: TaxCode,
        ateco: AtecoCode,
        employees: Decimal,
    ) -> Result<Self, BusinessError> {
        if employees < Decimal::ZERO {
            return Err(BusinessError::NegativeEmployees);
        }
        Ok(Self {
            tax_code,
            legal_representative,
            ateco,
            employees,
        })
    }

    /// The open-ended employee count.
    pub fn employees(&self) -> Decimal {
        self.employees
    }

    /// Whether `person` acts for the business.
    pub fn is_represented_by(&self, person: &TaxCode) -> bool {
        &self.legal_representative == person
    }
}

/// A client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Client {
    /// A natural person acting outside any business or profession: Libretto Famiglia only (c.10).
    Person {
        /// The person's tax code.
        tax_code: TaxCode,
    },
    /// A business: PrestO only.
    Business(Business),
}

impl Client {
    /// The only channel this client may use.
    pub fn channel(&self) -> Channel {
        match self {
            Self::Person { .. } => Channel::LibrettoFamiglia,
            Self::Business(_) => Channel::Presto,
        }
    }

    /// The client limit (c.1 b): 15,000 EUR for a business in a listed sector, 10,000 otherwise.
    pub fn annual_limit(&self, rules: &RuleSet) -> Money {
        match self {
            Self::Business(business) if rules.listed_sector(&business.ateco).is_some() => {
                rules.limits.client_listed_sector
            }
            _ => rules.limits.client,
        }
    }
}

/// Why PrestO is closed to a business (c.14 as amended); each names its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrestoRefusal {
    /// The business works in a banned sector (building, quarries and mines, agriculture).
    #[error("PrestO is banned in the sector '{}' ({})", sector.name, sector.prefix)]
    BannedSector {
        /// The banned sector covering the business's ATECO code.
        sector: Sector,
    },
    /// More open-ended employees than the threshold (10).
    #[error("PrestO is closed to clients with more than {max} open-ended employees ({employees})")]
    TooManyEmployees {
        /// The business's count.
        employees: Decimal,
        /// The threshold.
        max: Decimal,
    },
    /// More open-ended employees than the threshold of the listed sectors (25).
    #[error(
        "PrestO is closed to clients of the sector '{}' with more than {max} open-ended employees ({employees})",
        sector.name
    )]
    TooManyEmployeesInListedSector {
        /// The listed sector.
        sector: Sector,
        /// The business's count.
        employees: Decimal,
        /// The threshold.
        max: Decimal,
    },
}

impl PrestoRefusal {
    /// Stable name of the broken rule.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::BannedSector { .. } => "presto_banned_sector",
            Self::TooManyEmployees { .. } => "presto_employee_threshold",
            Self::TooManyEmployeesInListedSector { .. } => {
                "presto_listed_sector_employee_threshold"
            }
        }
    }
}

/// Whether `business` may use PrestO under `rules`: not in a banned sector, and at most 25
/// open-ended employees in a listed sector, at most 10 elsewhere.
pub fn presto_eligibility(business: &Business, rules: &RuleSet) -> Result<(), PrestoRefusal> {
    if let Some(sector) = rules.banned_sector(&business.ateco) {
        return Err(PrestoRefusal::BannedSector {
            sector: sector.clone(),
        });
    }
    let employees = business.employees;
    match rules.listed_sector(&business.ateco) {
        Some(sector) if employees > rules.presto.max_employees_listed_sector => {
            Err(PrestoRefusal::TooManyEmployeesInListedSector {
                sector: sector.clone(),
                employees,
                max: rules.presto.max_employees_listed_sector,
            })
        }
        None if employees > rules.presto.max_employees => Err(PrestoRefusal::TooManyEmployees {
            employees,
            max: rules.presto.max_employees,
        }),
        _ => Ok(()),
    }
}
