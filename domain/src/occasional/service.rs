//! Services (prestazioni): one day of work of one worker for one client, through the Libretto
//! Famiglia or PrestO; what they cost and pay, and their deadlines.
//!
//! - **Libretto Famiglia** (c.10-12; DOMAIN.md 1.2, 1.3): a natural-person client, allowed
//!   activities only; one title of 10 EUR gross (8 EUR net) per hour or part of an hour; reported
//!   by the 3rd of the month after the work, later reports accepted and flagged.
//! - **PrestO** (c.15-18; DOMAIN.md 1.4): declared at least 1 hour before the start; at least
//!   9 EUR an hour and 36 EUR a day net; 33 % + 3.5 % + 1 % of the pay on top, paid by the
//!   client; revocable until the end of the 3rd day after the work (midnight, Europe/Rome).
//!
//! Amounts are exact: whole cents, `Decimal` rates, each charge rounded to the cent with halves
//! away from zero ([`Money::mul_rate`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Time};

use super::rules::RuleSet;
use crate::identity::{ParseError, parse_wire};
use crate::money::{Money, MoneyError};
use crate::notification::named_enum;
use crate::rome_time::rome_instant;

/// Minutes in an hour: a Libretto Famiglia title pays at most this much work.
const MINUTES_PER_HOUR: u32 = 60;
/// Minutes in a day: a service never crosses midnight.
const MINUTES_PER_DAY: u32 = 24 * 60;

named_enum! {
    /// The two instruments of art. 54-bis.
    Channel, "channel" {
        /// Libretto Famiglia, for natural persons (c.10).
        LibrettoFamiglia = "libretto_famiglia",
        /// Contratto di prestazione occasionale, for businesses (c.13-14).
        Presto = "presto",
    }
}

named_enum! {
    /// What the work is.
    Activity, "activity" {
        /// Small domestic jobs, gardening, cleaning and maintenance included (c.10 a).
        SmallDomesticJobs = "small_domestic_jobs",
        /// Home care of children and of elderly, sick or disabled people (c.10 b).
        HomeCare = "home_care",
        /// Extra private tuition, insegnamento privato supplementare (c.10 c).
        PrivateTuition = "private_tuition",
        /// Anything else: PrestO only.
        Other = "other",
    }
}

impl Activity {
    /// Whether the Libretto Famiglia may pay for it (c.10 a-c).
    pub fn allowed_for_libretto(self) -> bool {
        !matches!(self, Self::Other)
    }
}

named_enum! {
    /// The status of a service.
    ServiceStatus, "service status" {
        /// Recorded (Libretto Famiglia) or declared (PrestO), not changed since.
        Recorded = "recorded",
        /// The worker opened a dispute that is not closed.
        Disputed = "disputed",
        /// Changed by a rectification: the current version is not the first.
        Rectified = "rectified",
        /// Revoked within the window: nothing is paid and the funds are released.
        Revoked = "revoked",
        /// Paid by INPS: final.
        Paid = "paid",
    }
}

impl ServiceStatus {
    /// Whether the service may still be rectified, revoked or disputed: neither revoked nor paid.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Revoked | Self::Paid)
    }
}

/// The terms that differ by channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Terms {
    /// Libretto Famiglia: the pay follows from the hours (titles).
    LibrettoFamiglia,
    /// PrestO: the agreed pay, net to the worker, for the whole day.
    Presto {
        /// Net pay.
        pay: Money,
    },
}

impl Terms {
    /// The channel of these terms.
    pub fn channel(self) -> Channel {
        match self {
            Self::LibrettoFamiglia => Channel::LibrettoFamiglia,
            Self::Presto { .. } => Channel::Presto,
        }
    }
}

/// A service as the client states it: when, how long, what, and the channel's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDraft {
    /// The day of work (Italian calendar).
    pub date: Date,
    /// Start time, Italian civil time.
    pub start: Time,
    /// Duration in minutes, at least 1, ending by midnight.
    pub minutes: u32,
    /// What the work is.
    pub activity: Activity,
    /// Channel and pay.
    pub terms: Terms,
}

/// What a service costs the client and pays the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Amounts {
    /// Libretto Famiglia titles (hours rounded up); `None` for PrestO.
    pub titles: Option<u32>,
    /// Everything the client pays: the face value of the titles, or the PrestO pay plus the three
    /// charges. Always `net + pension + inail + management`.
    pub gross: Money,
    /// Net to the worker: what counts against the limits.
    pub net: Money,
    /// IVS contribution to the Gestione separata.
    pub pension: Money,
    /// INAIL premium.
    pub inail: Money,
    /// INPS management costs.
    pub management: Money,
}

/// Why a service breaks a rule of its channel; each names its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Zero minutes, or the work would run past midnight.
    #[error("the work must last at least one minute and end by midnight")]
    InvalidDuration,
    /// A Libretto Famiglia service for an activity outside c.10.
    #[error(
        "the Libretto Famiglia pays only for small domestic jobs, home care and private tuition"
    )]
    ActivityNotAllowed {
        /// The refused activity.
        activity: Activity,
    },
    /// PrestO pay below 9 EUR an hour.
    #[error("PrestO pays at least {min_per_hour} an hour: at least {min_pay} for this duration")]
    BelowHourlyMinimum {
        /// The hourly floor.
        min_per_hour: Money,
        /// The least pay for the service's duration.
        min_pay: Money,
    },
    /// PrestO pay below 36 EUR for the day.
    #[error("PrestO pays at least {min_pay} a day, even for shorter work")]
    BelowDailyMinimum {
        /// The daily floor.
        min_pay: Money,
    },
    /// A PrestO declaration less than 1 hour before the start.
    #[error("a PrestO service must be declared by {deadline}, at least one hour before it starts")]
    LateDeclaration {
        /// The last instant to declare it.
        deadline: OffsetDateTime,
    },
    /// An amount too large to represent.
    #[error("the amount is too large")]
    Overflow,
}

impl From<MoneyError> for ServiceError {
    fn from(_: MoneyError) -> Self {
        Self::Overflow
    }
}

impl ServiceError {
    /// Stable name of the broken rule.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::InvalidDuration => "service_duration",
            Self::ActivityNotAllowed { .. } => "libretto_activity",
            Self::BelowHourlyMinimum { .. } => "presto_hourly_minimum",
            Self::BelowDailyMinimum { .. } => "presto_daily_minimum",
            Self::LateDeclaration { .. } => "presto_notice",
            Self::Overflow => "amount_overflow",
        }
    }
}

impl ServiceDraft {
    /// The instant the work starts.
    pub fn starts_at(&self) -> OffsetDateTime {
        rome_instant(self.date, self.start)
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.terms.channel()
    }

    /// The duration, when it is at least a minute and ends by midnight.
    fn checked_minutes(&self) -> Result<u32, ServiceError> {
        let start =
            u32::from(self.start.hour()) * MINUTES_PER_HOUR + u32::from(self.start.minute());
        if self.minutes == 0 || self.minutes > MINUTES_PER_DAY - start {
            return Err(ServiceError::InvalidDuration);
        }
        Ok(self.minutes)
    }

    /// Checks the channel's rules on the service alone and computes its amounts; the notice and
    /// the limits are checked elsewhere ([`super::deadlines::presto_notice`],
    /// [`super::limits`]).
    pub fn amounts(&self, rules: &RuleSet) -> Result<Amounts, ServiceError> {
        let minutes = self.checked_minutes()?;
        match self.terms {
            Terms::LibrettoFamiglia => {
                if !self.activity.allowed_for_libretto() {
                    return Err(ServiceError::ActivityNotAllowed {
                        activity: self.activity,
                    });
                }
                libretto_amounts(titles_for(minutes), rules)
            }
            Terms::Presto { pay } => presto_amounts(pay, minutes, rules),
        }
    }
}

/// Libretto Famiglia titles for `minutes` of work: hours rounded up, since a title pays at most
/// one hour (c.11).
pub fn titles_for(minutes: u32) -> u32 {
    minutes.div_ceil(MINUTES_PER_HOUR)
}

fn times(value: Money, count: u32) -> Result<Money, ServiceError> {
    let cents = value
        .cents()
        .checked_mul(i64::from(count))
        .ok_or(ServiceError::Overflow)?;
    Ok(Money::from_cents(cents)?)
}

/// The amounts of `titles` Libretto Famiglia titles: each 10 EUR gross, 8 net, 1.65 IVS,
/// 0.25 INAIL and 0.10 management costs (c.11; DOMAIN.md 1.3).
pub fn libretto_amounts(titles: u32, rules: &RuleSet) -> Result<Amounts, ServiceError> {
    let title = &rules.title;
    Ok(Amounts {
        titles: Some(titles),
        gross: times(title.gross, titles)?,
        net: times(title.net, titles)?,
        pension: times(title.pension, titles)?,
        inail: times(title.inail, titles)?,
        management: times(title.management, titles)?,
    })
}

/// The amounts of a PrestO service paying `pay` net for `minutes` of work: at least 9 EUR an
/// hour (c.16) and 36 EUR for the day (c.17 e); 33 % IVS, 3.5 % INAIL and 1 % management costs
/// on top, paid by the client (c.15-16).
///
/// A service is one working day, so the daily floor applies to each service.
pub fn presto_amounts(pay: Money, minutes: u32, rules: &RuleSet) -> Result<Amounts, ServiceError> {
    let terms = &rules.presto;
    // pay / (minutes / 60) >= hourly, in whole cents: pay * 60 >= hourly * minutes.
    let hourly_floor = i64::from(minutes) * terms.min_hourly_pay.cents();
    if pay.cents() * i64::from(MINUTES_PER_HOUR) < hourly_floor {
        let per_hour = i64::from(MINUTES_PER_HOUR);
        let min_pay = Money::from_cents((hourly_floor + per_hour - 1) / per_hour)?;
        return Err(ServiceError::BelowHourlyMinimum {
            min_per_hour: terms.min_hourly_pay,
            min_pay,
        });
    }
    if pay < terms.min_daily_pay {
        return Err(ServiceError::BelowDailyMinimum {
            min_pay: terms.min_daily_pay,
        });
    }
    let pension = pay.mul_rate(terms.pension_rate)?;
    let inail = pay.mul_rate(terms.inail_rate)?;
    let management = pay.mul_rate(terms.management_rate)?;
    let gross = pay
        .checked_add(pension)?
        .checked_add(inail)?
        .checked_add(management)?;
    Ok(Amounts {
        titles: None,
        gross,
        net: pay,
        pension,
        inail,
        management,
    })
}
