//! Quarterly contributions of household employers (lavoro domestico).
//!
//! A household employer pays INPS contributions per calendar quarter, after the quarter
//! (DOMAIN.md 2.4):
//!
//! - the amount is the hours paid in the quarter times an hourly contribution taken from the
//!   year's rate table, chosen by weekly hours, hourly pay, fixed term and CUAF;
//! - it is due from the 1st to the 10th of the month after the quarter, or within 10 days of the
//!   end of the employment for its last quarter, a deadline on a Sunday or a national holiday
//!   moving to the next working day;
//! - after 5 years it is prescribed and can no longer be paid.
//!
//! The rate tables change every year and arrive late, so they are data passed in by the caller,
//! never constants here. Dates, "today" included, are parameters: nothing here reads the clock.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Duration, Month};

use crate::calendar::next_working_day_on_or_after;
pub use crate::identity::ParseError;
use crate::identity::parse_wire;
use crate::money::{Money, MoneyError};

pub mod payment;
pub mod statement;

/// Years after the deadline at which an unpaid contribution is prescribed (art. 3 c.9
/// L. 335/1995).
pub const PRESCRIPTION_YEARS: i32 = 5;

/// Day of the month after the quarter by which the contribution is due, before moving it off
/// Sundays and holidays.
const ORDINARY_DUE_DAY: u8 = 10;

/// Days after the end of the employment within which the last quarter is due.
const END_OF_EMPLOYMENT_DAYS: i64 = 10;

/// Weekly hours up to which the band depends on the hourly pay; above them one band applies
/// whatever the pay.
const MAX_BANDED_WEEKLY_HOURS: Decimal = Decimal::from_parts(24, 0, 0, false, 0);

/// Days from Monday to Saturday, as counted by [`time::Weekday::number_days_from_monday`].
const SATURDAY_FROM_MONDAY: u8 = 5;

/// A calendar quarter of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Quarter {
    /// January to March.
    Q1,
    /// April to June.
    Q2,
    /// July to September.
    Q3,
    /// October to December.
    Q4,
}

impl Quarter {
    /// Every variant, in calendar order.
    pub const ALL: [Self; 4] = [Self::Q1, Self::Q2, Self::Q3, Self::Q4];

    /// Stable wire and storage name: `"Q1"` to `"Q4"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Q1 => "Q1",
            Self::Q2 => "Q2",
            Self::Q3 => "Q3",
            Self::Q4 => "Q4",
        }
    }

    /// 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            Self::Q1 => 1,
            Self::Q2 => 2,
            Self::Q3 => 3,
            Self::Q4 => 4,
        }
    }

    /// The quarter numbered `number` (1 to 4), `None` otherwise.
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            1 => Some(Self::Q1),
            2 => Some(Self::Q2),
            3 => Some(Self::Q3),
            4 => Some(Self::Q4),
            _ => None,
        }
    }

    /// The quarter `month` belongs to.
    pub fn of_month(month: Month) -> Self {
        match month {
            Month::January | Month::February | Month::March => Self::Q1,
            Month::April | Month::May | Month::June => Self::Q2,
            Month::July | Month::August | Month::September => Self::Q3,
            Month::October | Month::November | Month::December => Self::Q4,
        }
    }

    /// The first month of the quarter.
    pub fn first_month(self) -> Month {
        match self {
            Self::Q1 => Month::January,
            Self::Q2 => Month::April,
            Self::Q3 => Month::July,
            Self::Q4 => Month::October,
        }
    }

    /// The last month of the quarter.
    pub fn last_month(self) -> Month {
        match self {
            Self::Q1 => Month::March,
            Self::Q2 => Month::June,
            Self::Q3 => Month::September,
            Self::Q4 => Month::December,
        }
    }
}

impl FromStr for Quarter {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "quarter", s)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One quarter of one year, e.g. `2026-Q1`. Orders chronologically.
///
/// Written and parsed as `YYYY-Qn` (also on the wire); years outside 0..=9999 are displayed but
/// not parsed back, as no contribution is ever computed for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuarterId {
    /// Calendar year. Declared first so that the derived order is by year, then quarter.
    pub year: i32,
    /// Quarter of the year.
    pub quarter: Quarter,
}

impl QuarterId {
    /// The quarter `quarter` of `year`.
    pub const fn new(year: i32, quarter: Quarter) -> Self {
        Self { year, quarter }
    }

    /// The quarter containing `date`.
    pub fn containing(date: Date) -> Self {
        Self::new(date.year(), Quarter::of_month(date.month()))
    }

    /// The first day of the quarter.
    ///
    /// Saturates at [`Date::MIN`] / [`Date::MAX`] for years `time` cannot represent (beyond
    /// ±9999), so that date arithmetic never panics on a hand-built value.
    pub fn first_day(self) -> Date {
        saturating_date(self.year, self.quarter.first_month(), 1)
    }

    /// The last day of the quarter (saturating like [`Self::first_day`]).
    pub fn last_day(self) -> Date {
        let month = self.quarter.last_month();
        saturating_date(self.year, month, month.length(self.year))
    }

    /// The quarter after this one (Q4 is followed by Q1 of the next year).
    pub fn next(self) -> Self {
        match self.quarter {
            Quarter::Q1 => Self::new(self.year, Quarter::Q2),
            Quarter::Q2 => Self::new(self.year, Quarter::Q3),
            Quarter::Q3 => Self::new(self.year, Quarter::Q4),
            Quarter::Q4 => Self::new(self.year.saturating_add(1), Quarter::Q1),
        }
    }
}

/// `year-month-day`, or the nearest representable date when the year is out of `time`'s range.
fn saturating_date(year: i32, month: Month, day: u8) -> Date {
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => date,
        Err(_) if year < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

impl fmt::Display for QuarterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{}", self.year, self.quarter)
    }
}

impl FromStr for QuarterId {
    type Err = ParseError;

    /// Parses exactly `YYYY-Qn`, e.g. `2026-Q1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ParseError {
            kind: "quarter",
            value: s.to_owned(),
        };
        let (year, quarter) = s.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let year = year.parse().map_err(|_| invalid())?;
        let quarter = quarter.parse().map_err(|_| invalid())?;
        Ok(Self::new(year, quarter))
    }
}

impl Serialize for QuarterId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for QuarterId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Which of the four rates of a band applies to an employment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateVariant {
    /// Open-ended, with the CUAF (family allowance) contribution: the ordinary case.
    OpenEndedCuaf,
    /// Open-ended, without CUAF: spouses and relatives or in-laws up to the 3rd degree living
    /// with the employer.
    OpenEndedNoCuaf,
    /// Fixed-term (+1.40%, L. 92/2012), with CUAF.
    FixedTermCuaf,
    /// Fixed-term, without CUAF.
    FixedTermNoCuaf,
}

impl RateVariant {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 4] = [
        Self::OpenEndedCuaf,
        Self::OpenEndedNoCuaf,
        Self::FixedTermCuaf,
        Self::FixedTermNoCuaf,
    ];

    /// The variant for a fixed-term or open-ended employment, with or without CUAF.
    pub fn of(fixed_term: bool, cuaf: bool) -> Self {
        match (fixed_term, cuaf) {
            (false, true) => Self::OpenEndedCuaf,
            (false, false) => Self::OpenEndedNoCuaf,
            (true, true) => Self::FixedTermCuaf,
            (true, false) => Self::FixedTermNoCuaf,
        }
    }

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenEndedCuaf => "open_ended_cuaf",
            Self::OpenEndedNoCuaf => "open_ended_no_cuaf",
            Self::FixedTermCuaf => "fixed_term_cuaf",
            Self::FixedTermNoCuaf => "fixed_term_no_cuaf",
        }
    }

    /// The overall contribution rate of the variant, in percent of the conventional pay:
    /// 19.9675 with CUAF, 20.0875 without, plus 1.40 for fixed-term contracts (circ. INPS
    /// 9/2026).
    pub fn total_rate_percent(self) -> Decimal {
        match self {
            Self::OpenEndedCuaf => Decimal::new(199_675, 4),
            Self::OpenEndedNoCuaf => Decimal::new(200_875, 4),
            Self::FixedTermCuaf => Decimal::new(213_675, 4),
            Self::FixedTermNoCuaf => Decimal::new(214_875, 4),
        }
    }
}

impl FromStr for RateVariant {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "rate variant", s)
    }
}

impl fmt::Display for RateVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Estimates the hourly contribution of `variant` from the published open-ended-with-CUAF rate,
/// for the years whose circular (or the sources read) gives only that one.
///
/// Derivation: every rate of a band is the same conventional hourly pay times the variant's
/// overall rate ([`RateVariant::total_rate_percent`]), so
/// `rate(variant) = base_cuaf × total(variant) / 19.9675`, rounded half-up to the cent:
/// × 20.0875/19.9675 without CUAF, × 21.3675/19.9675 fixed-term, × 21.4875/19.9675 fixed-term
/// without CUAF; [`RateVariant::OpenEndedCuaf`] returns `base_cuaf` rounded.
///
/// It is an estimate: the published rates are rounded from the conventional pay, not from the
/// already rounded CUAF rate, so a result may differ by a cent from the official figure: against
/// the 9 other rates published for 2026, 3 come out one cent high (band 2 fixed-term without
/// CUAF, band 3 without CUAF, over 24 hours fixed-term). Published rates always win.
pub fn derived_rate(base_cuaf: Decimal, variant: RateVariant) -> Decimal {
    let base_total = RateVariant::OpenEndedCuaf.total_rate_percent();
    // Divide the two constants first: the ratio is about 1.08, so multiplying by it cannot
    // overflow for any realistic rate, and saturating keeps absurd inputs from panicking.
    let ratio = variant.total_rate_percent() / base_total;
    round_cents(base_cuaf.saturating_mul(ratio))
}

/// `value` rounded to the cent, halves away from zero, as INPS rounds contributions.
fn round_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The four hourly contributions of one band of a year's table, in EUR per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBand {
    /// Open-ended, with CUAF.
    pub rate_open_ended_cuaf: Decimal,
    /// Open-ended, without CUAF.
    pub rate_open_ended_no_cuaf: Decimal,
    /// Fixed-term, with CUAF.
    pub rate_fixed_term_cuaf: Decimal,
    /// Fixed-term, without CUAF.
    pub rate_fixed_term_no_cuaf: Decimal,
}

impl RateBand {
    /// The rate of `variant`.
    pub fn rate(&self, variant: RateVariant) -> Decimal {
        match variant {
            RateVariant::OpenEndedCuaf => self.rate_open_ended_cuaf,
            RateVariant::OpenEndedNoCuaf => self.rate_open_ended_no_cuaf,
            RateVariant::FixedTermCuaf => self.rate_fixed_term_cuaf,
            RateVariant::FixedTermNoCuaf => self.rate_fixed_term_no_cuaf,
        }
    }
}

/// The hourly contribution table of one year (published each January or February by an INPS
/// circular), as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRates {
    /// The year the table applies to.
    pub year: i32,
    /// Highest effective hourly pay (inclusive) of band 1, in EUR.
    pub band1_max_pay: Decimal,
    /// Highest effective hourly pay (inclusive) of band 2, in EUR.
    pub band2_max_pay: Decimal,
    /// Up to 24 hours a week, pay up to `band1_max_pay`.
    pub band1: RateBand,
    /// Up to 24 hours a week, pay above `band1_max_pay` and up to `band2_max_pay`.
    pub band2: RateBand,
    /// Up to 24 hours a week, pay above `band2_max_pay`.
    pub band3: RateBand,
    /// More than 24 hours a week, whatever the pay.
    pub over_24_hours: RateBand,
}

impl YearRates {
    /// The band of the table for `kind`.
    pub fn band(&self, kind: BandKind) -> &RateBand {
        match kind {
            BandKind::UpToFirst => &self.band1,
            BandKind::UpToSecond => &self.band2,
            BandKind::AboveSecond => &self.band3,
            BandKind::Over24Hours => &self.over_24_hours,
        }
    }
}

/// The terms of one employment that the contribution depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentTerms {
    /// First day of the employment.
    pub start: Date,
    /// Last day of the employment, if it has ended (or its end is known).
    pub end: Option<Date>,
    /// Contractual hours per week.
    pub weekly_hours: Decimal,
    /// Effective hourly pay in EUR, which picks the band up to 24 hours a week.
    pub hourly_pay: Decimal,
    /// Fixed-term contract (+1.40%).
    pub fixed_term: bool,
    /// Whether the CUAF contribution is due (false for spouses and relatives living together).
    pub cuaf: bool,
}

impl EmploymentTerms {
    /// The variant of the band's rates that applies.
    pub fn rate_variant(&self) -> RateVariant {
        RateVariant::of(self.fixed_term, self.cuaf)
    }

    /// Whether the employment covers at least one day of `quarter`.
    fn overlaps(&self, quarter: QuarterId) -> bool {
        self.start <= quarter.last_day() && self.end.is_none_or(|end| end >= quarter.first_day())
    }

    /// Whether `quarter` is the one in which the employment ends.
    fn ends_in(&self, quarter: QuarterId) -> bool {
        self.end
            .is_some_and(|end| QuarterId::containing(end) == quarter)
    }
}

/// The band of a year's table an employment falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandKind {
    /// Up to 24 hours a week, pay up to and including the first threshold.
    UpToFirst,
    /// Up to 24 hours a week, pay above the first threshold, up to and including the second.
    UpToSecond,
    /// Up to 24 hours a week, pay above the second threshold.
    AboveSecond,
    /// More than 24 hours a week.
    #[serde(rename = "over_24_hours")]
    Over24Hours,
}

impl BandKind {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 4] = [
        Self::UpToFirst,
        Self::UpToSecond,
        Self::AboveSecond,
        Self::Over24Hours,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UpToFirst => "up_to_first",
            Self::UpToSecond => "up_to_second",
            Self::AboveSecond => "above_second",
            Self::Over24Hours => "over_24_hours",
        }
    }
}

impl FromStr for BandKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "rate band", s)
    }
}

impl fmt::Display for BandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The band and the hourly contribution (EUR per hour) of `terms` in the table `rates`.
///
/// Up to 24 hours a week the band follows the effective hourly pay, each threshold belonging to
/// the lower band; above 24 hours one band applies whatever the pay.
pub fn hourly_rate(rates: &YearRates, terms: &EmploymentTerms) -> (BandKind, Decimal) {
    let band = if terms.weekly_hours > MAX_BANDED_WEEKLY_HOURS {
        BandKind::Over24Hours
    } else if terms.hourly_pay <= rates.band1_max_pay {
        BandKind::UpToFirst
    } else if terms.hourly_pay <= rates.band2_max_pay {
        BandKind::UpToSecond
    } else {
        BandKind::AboveSecond
    };
    (band, rates.band(band).rate(terms.rate_variant()))
}

/// Every quarter from the one of the start to the one containing the earlier of the end and
/// `until`, ascending; empty when `until` (or the end) is before the start.
pub fn quarters_of(terms: &EmploymentTerms, until: Date) -> Vec<QuarterId> {
    let last_day = terms.end.map_or(until, |end| end.min(until));
    if last_day < terms.start {
        return Vec::new();
    }
    let last = QuarterId::containing(last_day);
    let mut quarter = QuarterId::containing(terms.start);
    let mut quarters = vec![quarter];
    while quarter < last {
        quarter = quarter.next();
        quarters.push(quarter);
    }
    quarters
}

/// The weeks of `quarter` paid by the employer.
///
/// A week (Sunday to Saturday) belongs to the quarter its Saturday falls in, as INPS counts the
/// hours "up to the last Saturday of the quarter", and counts when its Saturday is on or after
/// the start. When the employment ends, the week of the end date counts in full (its Saturday
/// is the end rounded up) and always in the quarter of the end, even when that Saturday falls
/// in the next quarter: the whole employment is settled in its last quarter, and no quarter
/// after the end owes anything.
pub fn paid_weeks(terms: &EmploymentTerms, quarter: QuarterId) -> u32 {
    if !terms.overlaps(quarter) {
        return 0;
    }
    let from = terms.start.max(quarter.first_day());
    let until = match terms.end {
        // The quarter contains the end (it overlaps and does not end before it).
        Some(end) if terms.ends_in(quarter) => saturday_on_or_after(end).unwrap_or(Date::MAX),
        _ => quarter.last_day(),
    };
    saturdays_between(from, until)
}

/// The first Saturday on or after `date`; `None` past the last representable date.
fn saturday_on_or_after(date: Date) -> Option<Date> {
    let weekday = date.weekday().number_days_from_monday();
    let days = (SATURDAY_FROM_MONDAY + 7 - weekday) % 7;
    date.checked_add(Duration::days(i64::from(days)))
}

/// How many Saturdays fall between `from` and `until`, both included.
fn saturdays_between(from: Date, until: Date) -> u32 {
    match saturday_on_or_after(from) {
        Some(first) if first <= until => {
            let weeks = (until - first).whole_days() / 7 + 1;
            u32::try_from(weeks).unwrap_or(u32::MAX)
        }
        _ => 0,
    }
}

/// The contribution of one quarter of one employment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterContribution {
    /// The quarter.
    pub quarter: QuarterId,
    /// Paid weeks counted in the quarter ([`paid_weeks`]).
    pub weeks: u32,
    /// Weekly hours × weeks.
    pub hours: Decimal,
    /// Band of the quarter's year table.
    pub band: BandKind,
    /// Hourly contribution, EUR per hour.
    pub hourly_rate: Decimal,
    /// Hours × hourly rate, rounded half-up to the cent.
    pub amount: Money,
    /// First day of the payment window.
    pub due_from: Date,
    /// Deadline: the last day the payment is on time.
    pub due_by: Date,
    /// Whether the employment ends in this quarter (the 10-day deadline applies).
    pub final_quarter: bool,
}

/// Why a quarter's contribution cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContributionError {
    /// No rate table for the quarter's year: rates are never guessed or taken as zero.
    #[error("no contribution rates for year {year}")]
    NoRatesForYear {
        /// The year without a table.
        year: i32,
    },
    /// The employment covers no day of the quarter.
    #[error("quarter {quarter} is outside the employment")]
    OutsideEmployment {
        /// The requested quarter.
        quarter: QuarterId,
    },
    /// Hours or amount out of the range of money (negative hours, or absurdly large figures).
    #[error("invalid contribution amount: {0}")]
    Amount(#[from] MoneyError),
}

/// The contribution of `terms` for `quarter`, with the rates of the quarter's year.
///
/// `rates_for_year` is asked for the quarter's year only. A missing table, or one labelled with
/// another year, is [`ContributionError::NoRatesForYear`]: a wrong or zero rate would produce a
/// payment notice for a wrong amount.
pub fn quarter_contribution(
    terms: &EmploymentTerms,
    quarter: QuarterId,
    rates_for_year: impl Fn(i32) -> Option<YearRates>,
) -> Result<QuarterContribution, ContributionError> {
    if !terms.overlaps(quarter) {
        return Err(ContributionError::OutsideEmployment { quarter });
    }
    let year = quarter.year;
    let rates = rates_for_year(year)
        .filter(|rates| rates.year == year)
        .ok_or(ContributionError::NoRatesForYear { year })?;
    let (band, hourly_rate) = hourly_rate(&rates, terms);
    let weeks = paid_weeks(terms, quarter);
    let hours = terms
        .weekly_hours
        .checked_mul(Decimal::from(weeks))
        .ok_or(MoneyError::Overflow)?;
    let amount = hours.checked_mul(hourly_rate).ok_or(MoneyError::Overflow)?;
    let amount = Money::eur(round_cents(amount))?;
    let (due_from, due_by) = due_window(quarter, terms);
    Ok(QuarterContribution {
        quarter,
        weeks,
        hours,
        band,
        hourly_rate,
        amount,
        due_from,
        due_by,
        final_quarter: terms.ends_in(quarter),
    })
}

/// The payment window `(due_from, due_by)` of `quarter`, both days included.
///
/// Ordinarily the 1st to the 10th of the month after the quarter (Q4: January of the next year).
/// In the quarter in which the employment ends, from the day after the end to 10 days after it.
/// The deadline moves off Sundays and national holidays to the next working day; Saturdays do
/// not move it ([`crate::calendar`]).
pub fn due_window(quarter: QuarterId, terms: &EmploymentTerms) -> (Date, Date) {
    match terms.end {
        Some(end) if terms.ends_in(quarter) => {
            let from = end.next_day().unwrap_or(end);
            let by = end
                .checked_add(Duration::days(END_OF_EMPLOYMENT_DAYS))
                .unwrap_or(Date::MAX);
            (from, next_working_day_on_or_after(by))
        }
        _ => {
            let following = quarter.next();
            let from = following.first_day();
            let by = saturating_date(following.year, from.month(), ORDINARY_DUE_DAY);
            (from, next_working_day_on_or_after(by))
        }
    }
}

/// Where a quarter's payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionStatus {
    /// Paid in full, on time or late. Final.
    Paid,
    /// Nothing paid and the deadline not yet passed.
    Due,
    /// Nothing paid and the deadline passed; still payable.
    Overdue,
    /// Partly paid; the rest still payable.
    Partial,
    /// Not paid in full within the prescription term: it can no longer be paid. Final.
    Prescribed,
}

impl ContributionStatus {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Paid,
        Self::Due,
        Self::Overdue,
        Self::Partial,
        Self::Prescribed,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Due => "due",
            Self::Overdue => "overdue",
            Self::Partial => "partial",
            Self::Prescribed => "prescribed",
        }
    }
}

impl FromStr for ContributionStatus {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "contribution status", s)
    }
}

impl fmt::Display for ContributionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The last day a contribution due by `due_by` can still be paid: `due_by` plus
/// [`PRESCRIPTION_YEARS`] years (29 February becomes 28 February).
///
/// The prescription runs from the day after the deadline (art. 3 c.9 L. 335/1995), so it is
/// complete at the end of the same calendar day five years later; from the next day the
/// contribution "si prescrive e non può essere versata". Saturates at [`Date::MAX`].
pub fn prescription_date(due_by: Date) -> Date {
    let year = due_by.year().saturating_add(PRESCRIPTION_YEARS);
    let month = due_by.month();
    saturating_date(year, month, due_by.day().min(month.length(year)))
}

/// Whether a contribution due by `due_by` may still be paid on `today` (not yet prescribed).
pub fn can_still_be_paid(due_by: Date, today: Date) -> bool {
    today <= prescription_date(due_by)
}

/// The status on `today` of a quarter of `amount` of which `paid` has been paid so far.
///
/// Paid in full wins over everything, so a quarter paid late stays paid forever. Otherwise
/// prescription wins over partial and overdue, since a prescribed quarter cannot be paid.
pub fn status(amount: Money, paid: Money, due_by: Date, today: Date) -> ContributionStatus {
    if paid >= amount {
        ContributionStatus::Paid
    } else {
        not_fully_paid(!paid.is_zero(), due_by, today)
    }
}

/// The status of a quarter whose amount is unknown because its year has no rate table. The
/// amount is never guessed: payments recorded for the quarter (imported from INPS's records)
/// make it paid; without any it is due, overdue or prescribed by date alone.
pub fn status_of_unknown_amount(paid: Money, due_by: Date, today: Date) -> ContributionStatus {
    if paid.is_zero() {
        not_fully_paid(false, due_by, today)
    } else {
        ContributionStatus::Paid
    }
}

/// Prescription wins over partial and overdue, since a prescribed quarter cannot be paid.
fn not_fully_paid(paid_something: bool, due_by: Date, today: Date) -> ContributionStatus {
    if !can_still_be_paid(due_by, today) {
        ContributionStatus::Prescribed
    } else if paid_something {
        ContributionStatus::Partial
    } else if today > due_by {
        ContributionStatus::Overdue
    } else {
        ContributionStatus::Due
    }
}

#[cfg(test)]
mod tests;
