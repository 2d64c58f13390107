//! The annual limits of art. 54-bis (c.1, c.8, c.14, c.20; DOMAIN.md 1.1, 1.8), per calendar
//! year, on the worker's **net** pay:
//!
//! | limit | amount | counts |
//! |---|---|---|
//! | [`LimitKind::Worker`] | 5,000 EUR | the worker's pay from every client |
//! | [`LimitKind::Client`] | 10,000 EUR, 15,000 in the listed sectors | the client's pay to every worker, **weighted at 75 %** for the special categories (c.8: this limit only) |
//! | [`LimitKind::Pair`] | 2,500 EUR | the same worker for the same client |
//! | [`LimitKind::PrestoPairHours`] | 280 hours | PrestO hours of the pair |
//! | [`LimitKind::FormerEmployer`] | 6 months | no work for a client who employed the worker within 6 months |
//!
//! Exactly reaching a limit is allowed, one cent (or one minute) more is refused, and a refusal
//! names every limit broken with what was still available. Totals reaching 80 % and 95 % of a
//! limit add warnings (thresholds chosen by this project so that both parties hear in time).
//! Totals are whole cents and whole minutes, so nothing is lost to rounding; the weighted amount
//! is rounded to the cent per service, halves away from zero, like every INPS amount.
//!
//! A service is held to the limits of the rule set in force on its own date, applied to the
//! whole calendar year's totals: a limit raised mid-year counts everything already used in the
//! year against the new value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Date;

use super::client::Client;
use super::rules::RuleSet;
use super::service::Channel;
use super::worker::Category;
use crate::delegation::add_months;
use crate::identity::{ParseError, parse_wire};
use crate::money::{Money, MoneyError};
use crate::notification::named_enum;

/// Percentages of a limit whose reaching adds a warning (and notifies both parties), lowest
/// first.
pub const WARNING_THRESHOLDS: [u8; 2] = [80, 95];

/// Minutes per hour, to hold the hour limit in exact minutes.
const MINUTES_PER_HOUR: u32 = 60;

named_enum! {
    /// The limits a service must stay within.
    LimitKind, "limit" {
        /// c.1 a): the worker's pay from every client.
        Worker = "worker",
        /// c.1 b): the client's pay to every worker, weighted (c.8).
        Client = "client",
        /// c.1 c): the pay of the same worker by the same client.
        Pair = "pair",
        /// c.20: the PrestO hours of the pair.
        PrestoPairHours = "presto_pair_hours",
        /// c.14: no work for a client who employed the worker within the last 6 months.
        FormerEmployer = "former_employer",
    }
}

impl LimitKind {
    /// Stable name of the rule, as refusals name it.
    pub fn rule(self) -> &'static str {
        match self {
            Self::Worker => "worker_limit",
            Self::Client => "client_limit",
            Self::Pair => "pair_limit",
            Self::PrestoPairHours => "presto_pair_hours_limit",
            Self::FormerEmployer => "former_employer_limit",
        }
    }
}

/// What a service adds to the year's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Net pay: counts against the worker and the pair limits.
    pub net: Money,
    /// Net pay as the client limit counts it: 75 % of it for the weighted categories.
    pub weighted: Money,
    /// PrestO minutes (zero for the Libretto Famiglia).
    pub presto_minutes: u32,
}

impl Usage {
    /// The usage of a service of `channel` paying `net` for `minutes` to a worker of `category`.
    pub fn of(
        channel: Channel,
        net: Money,
        minutes: u32,
        category: Category,
        rules: &RuleSet,
    ) -> Result<Self, MoneyError> {
        let weighted = if rules.is_weighted(category) {
            net.mul_rate(rules.weighting)?
        } else {
            net
        };
        let presto_minutes = match channel {
            Channel::Presto => minutes,
            Channel::LibrettoFamiglia => 0,
        };
        Ok(Self {
            net,
            weighted,
            presto_minutes,
        })
    }
}

/// The totals already used in a calendar year by the worker, the client and the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTotals {
    /// The worker's net pay from every client.
    pub worker: Money,
    /// The client's weighted pay to every worker.
    pub client: Money,
    /// The pair's net pay.
    pub pair: Money,
    /// The pair's PrestO minutes.
    pub presto_pair_minutes: u32,
}

impl YearTotals {
    /// Nothing used yet: the first service of the year.
    pub const ZERO: Self = Self {
        worker: Money::zero(),
        client: Money::zero(),
        pair: Money::zero(),
        presto_pair_minutes: 0,
    };

    /// The totals with `usage` added.
    pub fn add(&self, usage: &Usage) -> Result<Self, MoneyError> {
        Ok(Self {
            worker: self.worker.checked_add(usage.net)?,
            client: self.client.checked_add(usage.weighted)?,
            pair: self.pair.checked_add(usage.net)?,
            presto_pair_minutes: self
                .presto_pair_minutes
                .checked_add(usage.presto_minutes)
                .ok_or(MoneyError::Overflow)?,
        })
    }

    /// The totals with `usage` taken out (a revocation, or the old version of a rectified
    /// service), never below zero.
    pub fn release(&self, usage: &Usage) -> Self {
        let minus = |total: Money, part: Money| total.checked_sub(part).unwrap_or(Money::zero());
        Self {
            worker: minus(self.worker, usage.net),
            client: minus(self.client, usage.weighted),
            pair: minus(self.pair, usage.net),
            presto_pair_minutes: self
                .presto_pair_minutes
                .saturating_sub(usage.presto_minutes),
        }
    }
}

/// The limits that apply to one pair in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ceilings {
    /// The worker limit.
    pub worker: Money,
    /// The client limit (10,000 or 15,000 EUR by sector).
    pub client: Money,
    /// The pair limit.
    pub pair: Money,
    /// The PrestO hours of the pair, in minutes.
    pub presto_pair_minutes: u32,
    /// Months since the end of an employment with the client before the worker may work for it.
    pub former_employer_months: u32,
}

impl Ceilings {
    /// The ceilings of `rules` for a pair with `client`.
    pub fn new(rules: &RuleSet, client: &Client) -> Self {
        Self {
            worker: rules.limits.worker,
            client: client.annual_limit(rules),
            pair: rules.limits.pair,
            presto_pair_minutes: rules
                .limits
                .presto_pair_hours
                .saturating_mul(MINUTES_PER_HOUR),
            former_employer_months: rules.limits.former_employer_months,
        }
    }

    /// What is left of each limit once `totals` are used; zero when a limit is already exceeded
    /// (a lowered limit, or totals from before a new law).
    pub fn residual(&self, totals: &YearTotals) -> Residuals {
        let left = |limit: Money, used: Money| limit.checked_sub(used).unwrap_or(Money::zero());
        Residuals {
            worker: left(self.worker, totals.worker),
            client: left(self.client, totals.client),
            pair: left(self.pair, totals.pair),
            presto_pair_minutes: self
                .presto_pair_minutes
                .saturating_sub(totals.presto_pair_minutes),
        }
    }
}

/// What is left of each limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Residuals {
    /// Of the worker limit.
    pub worker: Money,
    /// Of the client limit, in weighted euro.
    pub client: Money,
    /// Of the pair limit.
    pub pair: Money,
    /// Of the PrestO hours of the pair, in minutes.
    pub presto_pair_minutes: u32,
}

/// The facts about the pair that are not totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PairHistory {
    /// The last day of the latest employment (or co.co.co.) of the worker by the client; for an
    /// employment still running, the day of the work.
    pub last_employment_day: Option<Date>,
}

/// A total that reached a warning threshold of its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The limit.
    pub limit: LimitKind,
    /// The highest threshold reached, in percent (80 or 95).
    pub threshold: u8,
    /// Whether this service made the total reach it (then both parties are notified); false
    /// when it was already reached before.
    pub newly_reached: bool,
}

/// An accepted service: the totals after it, what is left and the warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitReport {
    /// The year's totals including the service.
    pub totals: YearTotals,
    /// What is left after the service.
    pub residual: Residuals,
    /// Limits at or past 80 % or 95 %.
    pub warnings: Vec<Warning>,
}

/// A refused service: every limit it breaks, and what was left before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("the service would break these limits: {}", broken.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", "))]
pub struct LimitBreach {
    /// The broken limits, in [`LimitKind`] order, never empty.
    pub broken: Vec<LimitKind>,
    /// What was left before the service.
    pub residual: Residuals,
    /// The last day of the former employment, when [`LimitKind::FormerEmployer`] is broken: the
    /// worker may work for the client once [`Ceilings::former_employer_months`] have passed
    /// since.
    pub former_employment_until: Option<Date>,
}

/// One amount limit in the units it is counted in (cents or minutes).
struct Gauge {
    kind: LimitKind,
    used: i64,
    added: i64,
    limit: i64,
}

impl Gauge {
    fn exceeded(&self) -> bool {
        self.used + self.added > self.limit
    }

    /// The highest threshold reached after the service, and whether the service reached it.
    fn warning(&self) -> Option<Warning> {
        let reached = |total: i64, percent: u8| total * 100 >= self.limit * i64::from(percent);
        let after = self.used + self.added;
        WARNING_THRESHOLDS
            .iter()
            .rev()
            .find(|&&percent| self.limit > 0 && reached(after, percent))
            .map(|&threshold| Warning {
                limit: self.kind,
                threshold,
                newly_reached: !reached(self.used, threshold),
            })
    }
}

fn gauges(totals: &YearTotals, usage: &Usage, ceilings: &Ceilings) -> [Gauge; 4] {
    let money = |kind, used: Money, added: Money, limit: Money| Gauge {
        kind,
        used: used.cents(),
        added: added.cents(),
        limit: limit.cents(),
    };
    [
        money(LimitKind::Worker, totals.worker, usage.net, ceilings.worker),
        money(
            LimitKind::Client,
            totals.client,
            usage.weighted,
            ceilings.client,
        ),
        money(LimitKind::Pair, totals.pair, usage.net, ceilings.pair),
        Gauge {
            kind: LimitKind::PrestoPairHours,
            used: i64::from(totals.presto_pair_minutes),
            added: i64::from(usage.presto_minutes),
            limit: i64::from(ceilings.presto_pair_minutes),
        },
    ]
}

/// The last day of a former employment of the pair that bars work on `date`, if any (c.14): the
/// worker may work for the client from the day after the date `months` after that last day.
pub fn former_employer_bars(history: &PairHistory, date: Date, months: u32) -> Option<Date> {
    let last = history.last_employment_day?;
    match add_months(last, months) {
        Some(free_from) if date > free_from => None,
        _ => Some(last),
    }
}

/// Whether a service of `date` using `usage` fits in the year whose `totals` are already used,
/// under `ceilings`.
///
/// `totals` are those of the calendar year of `date`. Totals so large that adding overflows
/// are past every limit, so they are refused like any other breach.
pub fn check_limits(
    totals: &YearTotals,
    usage: &Usage,
    history: &PairHistory,
    date: Date,
    ceilings: &Ceilings,
) -> Result<LimitReport, LimitBreach> {
    let gauges = gauges(totals, usage, ceilings);
    let mut broken: Vec<LimitKind> = gauges
        .iter()
        .filter(|gauge| gauge.exceeded())
        .map(|gauge| gauge.kind)
        .collect();
    let former = former_employer_bars(history, date, ceilings.former_employer_months);
    if former.is_some() {
        broken.push(LimitKind::FormerEmployer);
    }
    let after = totals.add(usage);
    match after {
        Ok(after) if broken.is_empty() => Ok(LimitReport {
            totals: after,
            residual: ceilings.residual(&after),
            warnings: gauges.iter().filter_map(Gauge::warning).collect(),
        }),
        _ => Err(LimitBreach {
            broken,
            residual: ceilings.residual(totals),
            former_employment_until: former,
        }),
    }
}
