//! The numbers of art. 54-bis as dated data.
//!
//! A [`RuleSet`] holds every value the rules read: the annual limits, the Libretto Famiglia title,
//! the PrestO minimum pay and charges, the employee thresholds, the sector lists and the 75 %
//! weighting. Each set has an `effective_from` date; a [`RuleBook`] keeps them by date and a
//! service is judged by [`RuleBook::in_force_on`] its own date, so a new law is a new row, not a
//! code change. [`RuleSet::law_2023`] is the set in force since 1 January 2023 and still in force
//! in 2026 (DOMAIN.md 1.1, 1.7: INPS msg. 3932 of 24/12/2025); the database seed and the tests
//! both use it.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use super::worker::Category;
use crate::money::{Money, MoneyError};

/// An ATECO 2007 economic-activity code (or one of its prefixes, for the sector lists): 2 to 6
/// digits, written with dots after the 2nd and the 4th digit, e.g. `82.30.00`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtecoCode(String);

/// Why a text is not an ATECO code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AtecoError {
    /// Not 2 to 6 digits with optional dots after the 2nd and 4th digit.
    #[error("an ATECO code is 2 to 6 digits written like 82.30.00")]
    Invalid,
}

impl AtecoCode {
    /// The shortest code: a division (e.g. `01`, agriculture).
    const MIN_DIGITS: usize = 2;
    /// The longest code: a sub-category (e.g. `82.30.00`).
    const MAX_DIGITS: usize = 6;

    /// Parses `82.30.00`, `82.30`, `823000` or `01`; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, AtecoError> {
        let mut digits = String::with_capacity(Self::MAX_DIGITS);
        let mut after_dot = false;
        for c in input.trim().chars() {
            match c {
                '0'..='9' => {
                    digits.push(c);
                    after_dot = false;
                }
                '.' if !after_dot && matches!(digits.len(), 2 | 4) => after_dot = true,
                _ => return Err(AtecoError::Invalid),
            }
        }
        if after_dot || !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len()) {
            return Err(AtecoError::Invalid);
        }
        Ok(Self(digits))
    }

    /// The digits without dots.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Whether `self`, read as a sector prefix, covers `code` (`41` covers `41.20.00`).
    pub fn covers(&self, code: &AtecoCode) -> bool {
        code.0.starts_with(&self.0)
    }
}

impl FromStr for AtecoCode {
    type Err = AtecoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for AtecoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, digit) in self.0.chars().enumerate() {
            if index == 2 || index == 4 {
                f.write_str(".")?;
            }
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

impl Serialize for AtecoCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AtecoCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A named sector of a list: every ATECO code starting with `prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    /// The ATECO prefix (a division, group, class or a single sub-category).
    pub prefix: AtecoCode,
    /// What the sector is, as the law names it.
    pub name: String,
}

impl Sector {
    fn new(prefix: &str, name: &str) -> Result<Self, AtecoError> {
        Ok(Self {
            prefix: AtecoCode::parse(prefix)?,
            name: name.to_owned(),
        })
    }
}

/// The first sector of `sectors` covering `code`, if any.
pub fn sector_of<'a>(sectors: &'a [Sector], code: &AtecoCode) -> Option<&'a Sector> {
    sectors.iter().find(|sector| sector.prefix.covers(code))
}

/// The annual limits (art. 54-bis c.1 and c.20), per calendar year, on the worker's **net** pay
/// (INPS circ. 107 of 5/7/2017: "compensi percepiti dal prestatore, ossia al netto di
/// contributi, premi assicurativi e costi di gestione"; DOMAIN.md 1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// c.1 a): per worker, across all clients. 5,000 EUR since 2017.
    pub worker: Money,
    /// c.1 b): per client, across all workers. 10,000 EUR since 1/1/2023 (L. 197/2022 art. 1
    /// c.342; INPS circ. 6 of 19/01/2023).
    pub client: Money,
    /// c.1 b) for clients in the [`RuleSet::listed_sectors`]: 15,000 EUR (D.L. 48/2023 art. 37,
    /// applying from 1/1/2023 per INPS circ. 75 of 3/8/2023).
    pub client_listed_sector: Money,
    /// c.1 c): per pair (the same worker for the same client). 2,500 EUR since 2017.
    pub pair: Money,
    /// c.20: PrestO hours per pair and calendar year, 280 (INPS circ. 107/2017 reads it per pair).
    pub presto_pair_hours: u32,
    /// No work for a client who employed the worker (employment or co.co.co.) within this many
    /// months before the work: 6 (c.14; assonidi.it, spiaosta.it).
    pub former_employer_months: u32,
}

/// The Libretto Famiglia title (c.11; DOMAIN.md 1.3): each title pays at most one hour of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleValue {
    /// Face value paid by the client: 10 EUR.
    pub gross: Money,
    /// Net to the worker: 8 EUR.
    pub net: Money,
    /// IVS contribution to the Gestione separata: 1.65 EUR.
    pub pension: Money,
    /// INAIL premium: 0.25 EUR.
    pub inail: Money,
    /// INPS management costs: 0.10 EUR.
    pub management: Money,
}

/// PrestO pay floors and the charges on top of the pay (c.15-17; DOMAIN.md 1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrestoTerms {
    /// Minimum hourly pay, net to the worker: 9 EUR (c.16).
    pub min_hourly_pay: Money,
    /// Minimum pay of a working day, equal to 4 hours even when the work lasts less: 36 EUR
    /// (c.17 e).
    pub min_daily_pay: Money,
    /// IVS contribution to the Gestione separata on the pay, paid by the client: 33 % (c.16).
    pub pension_rate: Decimal,
    /// INAIL premium on the pay, paid by the client: 3.5 % (c.16).
    pub inail_rate: Decimal,
    /// Management costs on the pay, paid by the client: 1 % (c.15).
    pub management_rate: Decimal,
    /// The declaration must reach INPS at least this many minutes before the work starts: 60
    /// (c.17).
    pub notice_minutes: u32,
    /// An undone service may be revoked until the end of this many days after its day: 3 (c.18).
    pub revocation_days: u32,
    /// PrestO is banned for clients with more than this many open-ended employees: 10 since
    /// 1/1/2023 (c.14 a, L. 197/2022; 5 before).
    pub max_employees: Decimal,
    /// The same threshold for clients in the [`RuleSet::listed_sectors`]: 25 (D.L. 48/2023
    /// art. 37, from 5/5/2023; INPS circ. 75/2023).
    pub max_employees_listed_sector: Decimal,
}

/// Fees INPS deducts from a payout, by payment method (INPS msg. 410 of 27/1/2023; DOMAIN.md
/// 1.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutFees {
    /// Bonifico bancario domiciliato, cashed at Poste Italiane: 3.84 EUR.
    pub bonifico_domiciliato: Money,
    /// Every other method (IBAN credit, post-office mandate): 1.75 EUR.
    pub other: Money,
}

/// Every number the occasional-work rules read, in force from `effective_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// The first day of work judged by this set.
    pub effective_from: Date,
    /// The annual limits.
    pub limits: Limits,
    /// The Libretto Famiglia title.
    pub title: TitleValue,
    /// Day of the month after the work by which a Libretto Famiglia service is reported: 3
    /// (c.12). Later reports are accepted and flagged.
    pub libretto_report_day: u8,
    /// PrestO floors, charges, deadlines and employee thresholds.
    pub presto: PrestoTerms,
    /// Share at which pay to the [`Self::weighted_categories`] counts against the client limit
    /// (and only that limit): 75 % (c.8; DOMAIN.md 1.1).
    pub weighting: Decimal,
    /// The self-declared categories whose pay is weighted (c.8 a-d).
    pub weighted_categories: Vec<Category>,
    /// Congressi, fiere, eventi, stabilimenti termali, parchi divertimento: the 15,000 EUR client
    /// limit and the 25-employee PrestO threshold (D.L. 48/2023 art. 37; ATECO codes from
    /// ebinter.it of 28/8/2023 on INPS circ. 75/2023).
    pub listed_sectors: Vec<Sector>,
    /// Sectors where PrestO is banned (c.14 as amended; DOMAIN.md 1.2).
    pub banned_sectors: Vec<Sector>,
    /// Payout fees by method.
    pub payout_fees: PayoutFees,
}

/// Why a rule set cannot be built or added to a book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleSetError {
    /// A built-in amount or code did not parse (a bug in this file, caught by the tests).
    #[error("a built-in value of the rule set is invalid")]
    InvalidBuiltIn,
    /// Two sets start on the same day.
    #[error("two rule sets start on {0}")]
    DuplicateStart(Date),
    /// A value no law could mean, e.g. a weighting above 100 % (a typo in a new row).
    #[error("the rule set from {effective_from} has an impossible {field}")]
    Impossible {
        /// The set's first day.
        effective_from: Date,
        /// The offending field.
        field: &'static str,
    },
}

impl From<MoneyError> for RuleSetError {
    fn from(_: MoneyError) -> Self {
        Self::InvalidBuiltIn
    }
}

impl From<AtecoError> for RuleSetError {
    fn from(_: AtecoError) -> Self {
        Self::InvalidBuiltIn
    }
}

impl From<time::error::ComponentRange> for RuleSetError {
    fn from(_: time::error::ComponentRange) -> Self {
        Self::InvalidBuiltIn
    }
}

fn eur(cents: i64) -> Result<Money, RuleSetError> {
    Ok(Money::from_cents(cents)?)
}

impl RuleSet {
    /// The rules in force since 1 January 2023 and still in 2026, exactly as DOMAIN.md section 1
    /// lists them (the values are in the field documentation, with their sources).
    ///
    /// The 25-employee threshold of the listed sectors applies by law from 5 May 2023; earlier
    /// 2023 services are not recorded by this system, so one set covers the year.
    pub fn law_2023() -> Result<Self, RuleSetError> {
        Ok(Self {
            effective_from: Date::from_calendar_date(2023, Month::January, 1)?,
            limits: Limits {
                worker: eur(500_000)?,
                client: eur(1_000_000)?,
                client_listed_sector: eur(1_500_000)?,
                pair: eur(250_000)?,
                presto_pair_hours: 280,
                former_employer_months: 6,
            },
            title: TitleValue {
                gross: eur(1_000)?,
                net: eur(800)?,
                pension: eur(165)?,
                inail: eur(25)?,
                management: eur(10)?,
            },
            libretto_report_day: 3,
            presto: PrestoTerms {
                min_hourly_pay: eur(900)?,
                min_daily_pay: eur(3_600)?,
                pension_rate: Decimal::new(33, 2),
                inail_rate: Decimal::new(35, 3),
                management_rate: Decimal::new(1, 2),
                notice_minutes: 60,
                revocation_days: 3,
                max_employees: Decimal::from(10),
                max_employees_listed_sector: Decimal::from(25),
            },
            weighting: Decimal::new(75, 2),
            weighted_categories: vec![
                Category::Pensioner,
                Category::StudentUnder25,
                Category::Unemployed,
                Category::IncomeSupport,
            ],
            listed_sectors: vec![
                Sector::new("82.30.00", "organizzazione di convegni e fiere")?,
                Sector::new("96.04.20", "stabilimenti termali")?,
                Sector::new("93.21.01", "parchi di divertimento e parchi tematici")?,
                Sector::new("96.09.05", "organizzazione di feste e cerimonie")?,
            ],
            banned_sectors: vec![
                Sector::new("01", "agricoltura (L. 197/2022, from 1/1/2023)")?,
                Sector::new("05", "estrazione di carbone (miniere)")?,
                Sector::new("06", "estrazione di petrolio e gas (miniere)")?,
                Sector::new("07", "estrazione di minerali metalliferi (miniere)")?,
                Sector::new("08", "cave, estrazione di pietra, torbiere")?,
                Sector::new("09", "attività di supporto all'estrazione")?,
                Sector::new("23.70", "taglio, modellatura e finitura di pietre")?,
                Sector::new("41", "costruzione di edifici (edilizia)")?,
                Sector::new("42", "ingegneria civile (edilizia)")?,
                Sector::new("43", "lavori di costruzione specializzati (edilizia)")?,
            ],
            payout_fees: PayoutFees {
                bonifico_domiciliato: eur(384)?,
                other: eur(175)?,
            },
        })
    }

    /// Checks that the set is internally consistent, as a set read from the database must be:
    /// positive limits and title, a title whose split adds up to its face value, rates and the
    /// weighting between 0 and 1, a reporting day that every month has (1 to 28).
    pub fn validate(&self) -> Result<(), RuleSetError> {
        let unit = Decimal::ZERO..=Decimal::ONE;
        let split = [self.title.pension, self.title.inail, self.title.management]
            .into_iter()
            .try_fold(self.title.net, Money::checked_add);
        let checks = [
            (
                "limits",
                [self.limits.worker, self.limits.client, self.limits.pair]
                    .iter()
                    .all(|limit| !limit.is_zero())
                    && self.limits.client_listed_sector >= self.limits.client,
            ),
            (
                "title",
                !self.title.gross.is_zero() && split == Ok(self.title.gross),
            ),
            (
                "libretto_report_day",
                (1..=28).contains(&self.libretto_report_day),
            ),
            (
                "presto rates",
                [
                    self.presto.pension_rate,
                    self.presto.inail_rate,
                    self.presto.management_rate,
                ]
                .iter()
                .all(|rate| unit.contains(rate)),
            ),
            (
                "employee thresholds",
                self.presto.max_employees >= Decimal::ZERO
                    && self.presto.max_employees_listed_sector >= self.presto.max_employees,
            ),
            ("weighting", unit.contains(&self.weighting)),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((field, _)) => Err(RuleSetError::Impossible {
                effective_from: self.effective_from,
                field,
            }),
            None => Ok(()),
        }
    }

    /// Whether pay to a worker of `category` counts at [`Self::weighting`] against the client
    /// limit.
    pub fn is_weighted(&self, category: Category) -> bool {
        self.weighted_categories.contains(&category)
    }

    /// The listed sector covering `code`, if any.
    pub fn listed_sector(&self, code: &AtecoCode) -> Option<&Sector> {
        sector_of(&self.listed_sectors, code)
    }

    /// The banned sector covering `code`, if any.
    pub fn banned_sector(&self, code: &AtecoCode) -> Option<&Sector> {
        sector_of(&self.banned_sectors, code)
    }
}

/// The rule sets by date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleBook {
    /// Sorted by `effective_from`, no two on the same day.
    sets: Vec<RuleSet>,
}

impl RuleBook {
    /// A book of `sets` in any order; each must [validate](RuleSet::validate), and two sets
    /// starting on the same day are refused.
    pub fn new(mut sets: Vec<RuleSet>) -> Result<Self, RuleSetError> {
        sets.iter().try_for_each(RuleSet::validate)?;
        sets.sort_by_key(|set| set.effective_from);
        if let Some(pair) = sets
            .windows(2)
            .find(|pair| pair[0].effective_from == pair[1].effective_from)
        {
            return Err(RuleSetError::DuplicateStart(pair[0].effective_from));
        }
        Ok(Self { sets })
    }

    /// The book the database is seeded with: [`RuleSet::law_2023`].
    pub fn seed() -> Result<Self, RuleSetError> {
        Self::new(vec![RuleSet::law_2023()?])
    }

    /// The set in force on `date`: the latest starting on or before it; `None` before the first.
    pub fn in_force_on(&self, date: Date) -> Option<&RuleSet> {
        self.sets
            .iter()
            .rev()
            .find(|set| set.effective_from <= date)
    }

    /// Every set, oldest first.
    pub fn sets(&self) -> &[RuleSet] {
        &self.sets
    }
}
