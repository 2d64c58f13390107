//! The opening plan of a consultation point (punto di consulenza): which Italian wall-clock hours
//! it opens on each weekday, how long a slot lasts and how many people one slot seats, plus the
//! dated closures and exceptions an operator adds on top.
//!
//! A plan is checked once, when the operator saves it ([`WeeklyPlan::new`], [`Schedule::new`]);
//! slot generation ([`super::slots`]) then trusts it.

use std::fmt;

use time::{Date, Time, Weekday};

/// The shortest slot, in minutes.
pub const MIN_SLOT_MINUTES: u16 = 5;
/// The longest slot, in minutes: half a working day.
pub const MAX_SLOT_MINUTES: u16 = 240;
/// The most seats (people received at the same time) one slot may have.
pub const MAX_SEATS: u16 = 100;
/// The most openings one day may have (a morning and an afternoon are two).
pub const MAX_OPENINGS_PER_DAY: usize = 6;
/// The most closures or exceptions one schedule may hold.
pub const MAX_DATED_ENTRIES: usize = 1000;

/// An opening on one day, from `start` (included) to `end` (excluded), Italian wall-clock times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Opening {
    /// When the first slot starts.
    pub start: Time,
    /// When the office closes: no slot ends after it.
    pub end: Time,
}

impl Opening {
    /// Its length in minutes on a day without a clock change.
    fn minutes(self) -> i64 {
        (self.end - self.start).whole_minutes()
    }

    /// Whether it shares any time with `other`.
    fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

/// How a consultation point opens on one day: its openings, the slot length and the seats of
/// each slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    /// The openings, in any order (they are kept sorted once checked).
    pub openings: Vec<Opening>,
    /// How long one slot lasts, in minutes.
    pub slot_minutes: u16,
    /// How many people one slot receives at the same time.
    pub seats: u16,
}

/// Why an opening plan, a closure or an exception is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The slot length is outside [`MIN_SLOT_MINUTES`]..=[`MAX_SLOT_MINUTES`].
    #[error("a slot lasts {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes, found {found}")]
    SlotLength {
        /// The length given.
        found: u16,
    },
    /// The seats are 0 or more than [`MAX_SEATS`].
    #[error("a slot has 1 to {MAX_SEATS} seats, found {found}")]
    Seats {
        /// The seats given.
        found: u16,
    },
    /// A day has no opening, or more than [`MAX_OPENINGS_PER_DAY`].
    #[error("a day has 1 to {MAX_OPENINGS_PER_DAY} openings, found {found}")]
    OpeningCount {
        /// The openings given.
        found: usize,
    },
    /// An opening does not end after it starts.
    #[error("the opening {opening} does not end after it starts")]
    EmptyOpening {
        /// The opening.
        opening: Opening,
    },
    /// The slot length does not divide the opening: the last slot would run past closing time.
    #[error("{slot_minutes}-minute slots do not fill the opening {opening} exactly")]
    SlotLengthDoesNotDivide {
        /// The opening.
        opening: Opening,
        /// The slot length.
        slot_minutes: u16,
    },
    /// Two openings of the same day share some time.
    #[error("the openings {first} and {second} overlap")]
    OverlappingOpenings {
        /// The earlier one.
        first: Opening,
        /// The later one.
        second: Opening,
    },
    /// The same weekday is planned twice.
    #[error("{weekday} is planned twice")]
    DuplicateWeekday {
        /// The weekday.
        weekday: Weekday,
    },
    /// An exception opens when the weekly plan already opens that day.
    #[error("the exception of {date} overlaps the weekly opening {opening}")]
    ExceptionOverlapsWeeklyPlan {
        /// The date of the exception.
        date: Date,
        /// The weekly opening it overlaps.
        opening: Opening,
    },
    /// Two exceptions are given for the same date.
    #[error("{date} has two exceptions")]
    DuplicateException {
        /// The date.
        date: Date,
    },
    /// More than [`MAX_DATED_ENTRIES`] closures or exceptions.
    #[error("at most {MAX_DATED_ENTRIES} closures and exceptions each, found {found}")]
    TooManyDatedEntries {
        /// How many were given.
        found: usize,
    },
}

impl DayPlan {
    /// Checks the rules of a day: slot length and seats within bounds, 1 to
    /// [`MAX_OPENINGS_PER_DAY`] openings, each ending after it starts and filled exactly by
    /// whole slots, none overlapping another. Returns the plan with its openings sorted.
    ///
    /// The slot length must divide every opening rather than the remainder being dropped
    /// silently: an opening of 08:30-12:30 with 50-minute slots would otherwise close, in
    /// effect, at 12:10, which the operator did not write. (On the two days a year when the
    /// clock changes, an opening spanning 02:00-03:00 lasts an hour less or more; there the
    /// slots follow elapsed time and a partial last slot is dropped, see [`super::slots`].)
    pub fn checked(mut self) -> Result<Self, PlanError> {
        if !(MIN_SLOT_MINUTES..=MAX_SLOT_MINUTES).contains(&self.slot_minutes) {
            return Err(PlanError::SlotLength {
                found: self.slot_minutes,
            });
        }
        if !(1..=MAX_SEATS).contains(&self.seats) {
            return Err(PlanError::Seats { found: self.seats });
        }
        if !(1..=MAX_OPENINGS_PER_DAY).contains(&self.openings.len()) {
            return Err(PlanError::OpeningCount {
                found: self.openings.len(),
            });
        }
        for &opening in &self.openings {
            if opening.end <= opening.start {
                return Err(PlanError::EmptyOpening { opening });
            }
            if opening.minutes() % i64::from(self.slot_minutes) != 0 {
                return Err(PlanError::SlotLengthDoesNotDivide {
                    opening,
                    slot_minutes: self.slot_minutes,
                });
            }
        }
        self.openings.sort_by_key(|o| (o.start, o.end));
        if let Some(pair) = self.openings.windows(2).find(|w| w[0].overlaps(w[1])) {
            return Err(PlanError::OverlappingOpenings {
                first: pair[0],
                second: pair[1],
            });
        }
        Ok(self)
    }
}

/// The weekly opening plan of a consultation point: a [`DayPlan`] for each weekday it opens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyPlan {
    /// Indexed by `Weekday::number_days_from_monday`.
    days: [Option<DayPlan>; 7],
}

impl WeeklyPlan {
    /// A plan from the days it opens, each checked by [`DayPlan::checked`]; a weekday given
    /// twice is refused. Weekdays not given are closed.
    pub fn new(days: impl IntoIterator<Item = (Weekday, DayPlan)>) -> Result<Self, PlanError> {
        let mut plan = Self::default();
        for (weekday, day) in days {
            let entry = &mut plan.days[usize::from(weekday.number_days_from_monday())];
            if entry.is_some() {
                return Err(PlanError::DuplicateWeekday { weekday });
            }
            *entry = Some(day.checked()?);
        }
        Ok(plan)
    }

    /// How the point opens on `weekday`, if it does.
    pub fn day(&self, weekday: Weekday) -> Option<&DayPlan> {
        self.days[usize::from(weekday.number_days_from_monday())].as_ref()
    }
}

/// A dated closure: the whole day, or only some hours of it (Italian wall-clock times).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Closure {
    /// The closed date.
    pub date: Date,
    /// The closed hours, or `None` for the whole day. A slot that shares any time with them is
    /// not offered.
    pub during: Option<Opening>,
}

/// An extra opening on one date, on top of the weekly plan (a Saturday morning, a day the
/// weekly plan leaves closed, or even a national holiday: it is an explicit decision for that
/// date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The date.
    pub date: Date,
    /// How the point opens that date, besides its weekly openings.
    pub plan: DayPlan,
}

/// Everything that decides the slots of a consultation point: the weekly plan, the dated
/// exceptions and the dated closures. National holidays need no entry: they are closed unless
/// an exception opens them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    weekly: WeeklyPlan,
    exceptions: Vec<Exception>,
    closures: Vec<Closure>,
}

impl Schedule {
    /// A schedule, checked: each exception's plan by [`DayPlan::checked`], at most one exception
    /// per date and none overlapping the weekly openings of its weekday, partial closures ending
    /// after they start, at most [`MAX_DATED_ENTRIES`] of each.
    pub fn new(
        weekly: WeeklyPlan,
        exceptions: Vec<Exception>,
        closures: Vec<Closure>,
    ) -> Result<Self, PlanError> {
        for found in [exceptions.len(), closures.len()] {
            if found > MAX_DATED_ENTRIES {
                return Err(PlanError::TooManyDatedEntries { found });
            }
        }
        for closure in &closures {
            if let Some(opening) = closure.during.filter(|o| o.end <= o.start) {
                return Err(PlanError::EmptyOpening { opening });
            }
        }
        let mut checked: Vec<Exception> = Vec::with_capacity(exceptions.len());
        for exception in exceptions {
            let date = exception.date;
            if checked.iter().any(|e| e.date == date) {
                return Err(PlanError::DuplicateException { date });
            }
            let plan = exception.plan.checked()?;
            if let Some(weekly) = weekly.day(date.weekday()) {
                for &opening in &weekly.openings {
                    if plan.openings.iter().any(|o| o.overlaps(opening)) {
                        return Err(PlanError::ExceptionOverlapsWeeklyPlan { date, opening });
                    }
                }
            }
            checked.push(Exception { date, plan });
        }
        Ok(Self {
            weekly,
            exceptions: checked,
            closures,
        })
    }

    /// The weekly plan.
    pub fn weekly(&self) -> &WeeklyPlan {
        &self.weekly
    }

    /// The exception of `date`, if any.
    pub fn exception(&self, date: Date) -> Option<&Exception> {
        self.exceptions.iter().find(|e| e.date == date)
    }

    /// The closures of `date`.
    pub fn closures(&self, date: Date) -> impl Iterator<Item = &Closure> {
        self.closures.iter().filter(move |c| c.date == date)
    }
}

#[cfg(test)]
mod tests;
