//! How a recorded service changes: rectification (a new version), duplication, and weekly
//! recurring rules that generate services ahead of time. Revocation is
//! [`super::deadlines::check_revocation`].
//!
//! Each change is judged like a new service by [`admit_with`]: a rectification with its old
//! version released from the totals, a duplicate and each recurring occurrence as they are.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Duration, Time, Weekday};

use super::admission::{Admission, Facts, Notice, Refusal, admit, admit_with};
use super::limits::{Usage, YearTotals};
use super::rules::RuleBook;
use super::service::{Activity, ServiceDraft, ServiceStatus, Terms};

/// The most days ahead a recurring rule generates services in one run: a year, so a run is
/// bounded whatever the input.
pub const MAX_HORIZON_DAYS: i64 = 366;

/// A field a rectification changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The day of work.
    Date,
    /// The start time.
    Start,
    /// The duration.
    Minutes,
    /// The activity.
    Activity,
    /// The PrestO pay.
    Pay,
}

/// The fields in which `new` differs from `old`, in [`Field`] order.
pub fn changed_fields(old: &ServiceDraft, new: &ServiceDraft) -> Vec<Field> {
    [
        (Field::Date, old.date != new.date),
        (Field::Start, old.start != new.start),
        (Field::Minutes, old.minutes != new.minutes),
        (Field::Activity, old.activity != new.activity),
        (Field::Pay, old.terms != new.terms),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect()
}

/// The current version of a stored service, as a rectification starts from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentVersion<'a> {
    /// Its number, from 1.
    pub number: u32,
    /// What it says.
    pub draft: &'a ServiceDraft,
    /// What it added to the totals of its year.
    pub usage: &'a Usage,
    /// The service's status.
    pub status: ServiceStatus,
}

/// An admitted rectification: the new version to store beside the old ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectification {
    /// The new version's number.
    pub version: u32,
    /// What changed.
    pub changes: Vec<Field>,
    /// The judgement of the new version, with the old one released.
    pub admission: Admission,
}

/// Why a rectification is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RectificationError {
    /// The service is revoked or paid.
    #[error("a {0} service cannot be rectified")]
    NotOpen(ServiceStatus),
    /// The channel is the pair's contract: a service of the other channel is a new service.
    #[error("a rectification cannot change the channel")]
    ChannelChanged,
    /// The new version says the same as the current one.
    #[error("the rectification changes nothing")]
    NothingChanged,
    /// The new version breaks a rule.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

impl RectificationError {
    /// Stable name of the broken rule.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::NotOpen(_) => "service_not_open",
            Self::ChannelChanged => "channel_changed",
            Self::NothingChanged => "nothing_changed",
            Self::Refused(refusal) => refusal.rule(),
        }
    }
}

/// Judges the rectification of `current` into `new`.
///
/// `facts.totals` are the totals of the year of `new.date`, including `current` when it falls in
/// the same year: its usage is released before `new` is checked, so a service that used its pair
/// limit to the cent may still be corrected downwards or sideways. The PrestO notice applies
/// only when the start moves: correcting the hours or the pay of past work needs none, while
/// moving the work needs the same hour of notice as declaring it.
pub fn rectify(
    current: &CurrentVersion<'_>,
    new: &ServiceDraft,
    facts: &Facts<'_>,
    book: &RuleBook,
) -> Result<Rectification, RectificationError> {
    if !current.status.is_open() {
        return Err(RectificationError::NotOpen(current.status));
    }
    if current.draft.channel() != new.channel() {
        return Err(RectificationError::ChannelChanged);
    }
    let changes = changed_fields(current.draft, new);
    if changes.is_empty() {
        return Err(RectificationError::NothingChanged);
    }
    let totals = if current.draft.date.year() == new.date.year() {
        facts.totals.release(current.usage)
    } else {
        facts.totals
    };
    let notice = if current.draft.starts_at() == new.starts_at() {
        Notice::Waived
    } else {
        Notice::Required
    };
    let admission = admit_with(new, &Facts { totals, ..*facts }, book, notice)?;
    Ok(Rectification {
        version: current.number.saturating_add(1),
        changes,
        admission,
    })
}

/// The service `source` again on `date`, at `start` or the same time: judged by [`admit`] like
/// any new service.
pub fn duplicate(source: &ServiceDraft, date: Date, start: Option<Time>) -> ServiceDraft {
    ServiceDraft {
        date,
        start: start.unwrap_or(source.start),
        ..*source
    }
}

/// A weekly recurring service: the same work on some weekdays from `first_day`, until
/// `last_day` if given.
///
/// Built only by [`WeeklyRule::new`], so it always has a weekday and ends after it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeeklyRule {
    first_day: Date,
    last_day: Option<Date>,
    weekdays: Vec<Weekday>,
    start: Time,
    minutes: u32,
    activity: Activity,
    terms: Terms,
}

/// Why a weekly rule cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    /// No weekday.
    #[error("a weekly rule needs at least one weekday")]
    NoWeekday,
    /// The last day is before the first.
    #[error("the last day must not be before the first day")]
    EndsBeforeStart,
    /// The horizon is longer than [`MAX_HORIZON_DAYS`] or ends before it starts.
    #[error("services are generated at most {MAX_HORIZON_DAYS} days ahead")]
    HorizonTooLong,
}

/// The service of every occurrence, with its weekday's date filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyWork {
    /// Start time.
    pub start: Time,
    /// Duration in minutes.
    pub minutes: u32,
    /// What the work is.
    pub activity: Activity,
    /// Channel and pay.
    pub terms: Terms,
}

impl WeeklyRule {
    /// A rule; `weekdays` are deduplicated and sorted from Monday.
    pub fn new(
        first_day: Date,
        last_day: Option<Date>,
        mut weekdays: Vec<Weekday>,
        work: WeeklyWork,
    ) -> Result<Self, RecurrenceError> {
        weekdays.sort_by_key(|day| day.number_days_from_monday());
        weekdays.dedup();
        if weekdays.is_empty() {
            return Err(RecurrenceError::NoWeekday);
        }
        if last_day.is_some_and(|last| last < first_day) {
            return Err(RecurrenceError::EndsBeforeStart);
        }
        Ok(Self {
            first_day,
            last_day,
            weekdays,
            start: work.start,
            minutes: work.minutes,
            activity: work.activity,
            terms: work.terms,
        })
    }

    /// The weekdays, from Monday.
    pub fn weekdays(&self) -> &[Weekday] {
        &self.weekdays
    }

    /// The dates of the occurrences from `from` to `to`, both included, in order.
    pub fn occurrences(&self, from: Date, to: Date) -> Result<Vec<Date>, RecurrenceError> {
        let days = (to - from).whole_days();
        if !(0..=MAX_HORIZON_DAYS).contains(&days) {
            return Err(RecurrenceError::HorizonTooLong);
        }
        let first = from.max(self.first_day);
        let last = self.last_day.map_or(to, |last_day| to.min(last_day));
        Ok((0..=days)
            .filter_map(|offset| from.checked_add(Duration::days(offset)))
            .filter(|date| (first..=last).contains(date) && self.weekdays.contains(&date.weekday()))
            .collect())
    }

    /// The service of the occurrence on `date`.
    pub fn draft_on(&self, date: Date) -> ServiceDraft {
        ServiceDraft {
            date,
            start: self.start,
            minutes: self.minutes,
            activity: self.activity,
            terms: self.terms,
        }
    }
}

/// The outcome of generating a rule's services over a horizon.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The occurrences to create, each with its judgement.
    pub admitted: Vec<(ServiceDraft, Admission)>,
    /// The occurrences not created, with the rule each would break (reported to the client).
    pub refused: Vec<(Date, Refusal)>,
}

/// Judges every occurrence of `rule` from `from` to `to` as a new service recorded at
/// `facts.recorded_at`, in date order, each seeing the totals of the ones admitted before it.
///
/// `totals_by_year` are the totals already used in each year (missing years count from zero);
/// `facts.totals` is ignored.
pub fn plan(
    rule: &WeeklyRule,
    from: Date,
    to: Date,
    facts: &Facts<'_>,
    totals_by_year: &BTreeMap<i32, YearTotals>,
    book: &RuleBook,
) -> Result<Plan, RecurrenceError> {
    let mut totals = totals_by_year.clone();
    let mut plan = Plan::default();
    for date in rule.occurrences(from, to)? {
        let draft = rule.draft_on(date);
        let year = totals.entry(date.year()).or_insert(YearTotals::ZERO);
        match admit(
            &draft,
            &Facts {
                totals: *year,
                ..*facts
            },
            book,
        ) {
            Ok(admission) => {
                *year = admission.limits.totals;
                plan.admitted.push((draft, admission));
            }
            Err(refusal) => plan.refused.push((date, refusal)),
        }
    }
    Ok(plan)
}
