//! The slots a consultation point offers over a range of Italian dates, and the free slots
//! nearest to a requested start (offered when a confirmation finds its slot taken or gone).
//!
//! A date's openings are its weekday's in the weekly plan, unless the date is a national holiday
//! ([`crate::calendar::is_national_holiday`]: 25 April, 2 June, Easter Monday, ...), plus its
//! exception if any; a slot that shares any time with a closure of the date is dropped.
//!
//! Each opening runs from the first instant the clock in Rome shows its start to the last instant
//! it shows its end ([`RomeLocal::earliest`], [`RomeLocal::latest`]), and is cut into slots of
//! elapsed time. On an ordinary day that is the same as cutting the wall-clock hours. On the last
//! Sunday of March, an opening spanning 02:00-03:00 lasts an hour less and the hour that never
//! happens gets no slot; on the last Sunday of October it lasts an hour more and the repeated
//! hour gets its slots twice, at different instants. Where that leaves a partial slot at the end
//! (a slot length that does not divide the hour), the partial slot is dropped: no slot ends after
//! closing time.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use super::plan::{DayPlan, Opening, Schedule};
use crate::calendar::is_national_holiday;
use crate::rome_time::{RomeLocal, from_rome};

/// The most days one listing of slots may cover (two months): bounds the work of one request.
pub const MAX_LISTING_DAYS: i64 = 62;

/// How many alternative slots a refused confirmation offers.
pub const NEAREST_SLOTS: usize = 3;

/// One slot of a consultation point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    /// When it starts (UTC).
    pub start: OffsetDateTime,
    /// When it ends (UTC).
    pub end: OffsetDateTime,
    /// The Italian date whose plan it belongs to.
    pub date: Date,
    /// How many people it receives.
    pub seats: u16,
}

/// A slot and how many of its seats are still free (its seats less the confirmed appointments
/// in it), as the store counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FreeSlot {
    /// The slot.
    pub slot: Slot,
    /// Seats not taken yet.
    pub remaining: u16,
}

/// Why a range of dates cannot be listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The range ends before it starts.
    #[error("the range ends ({to}) before it starts ({from})")]
    Reversed {
        /// The first date.
        from: Date,
        /// The last date.
        to: Date,
    },
    /// The range covers more than [`MAX_LISTING_DAYS`] days.
    #[error("at most {MAX_LISTING_DAYS} days may be listed at once, found {days}")]
    TooLong {
        /// The days the range covers.
        days: i64,
    },
}

/// Checks that `from..=to` covers 1 to [`MAX_LISTING_DAYS`] days.
pub fn check_range(from: Date, to: Date) -> Result<(), RangeError> {
    if to < from {
        return Err(RangeError::Reversed { from, to });
    }
    let days = (to - from).whole_days() + 1;
    if days > MAX_LISTING_DAYS {
        return Err(RangeError::TooLong { days });
    }
    Ok(())
}

/// The slots of `schedule` on the Italian dates `from..=to` (at most [`MAX_LISTING_DAYS`]),
/// sorted by start, with their instants in UTC.
pub fn list_slots(schedule: &Schedule, from: Date, to: Date) -> Result<Vec<Slot>, RangeError> {
    check_range(from, to)?;
    let mut found = Vec::new();
    let mut date = Some(from);
    while let Some(day) = date.filter(|d| *d <= to) {
        day_slots(schedule, day, &mut found);
        date = day.next_day();
    }
    found.sort();
    Ok(found)
}

/// Appends the slots of `date` to `out`.
fn day_slots(schedule: &Schedule, date: Date, out: &mut Vec<Slot>) {
    let mut closed = Vec::new();
    for closure in schedule.closures(date) {
        match closure.during {
            Some(hours) => closed.push(opening_instants(date, hours)),
            None => return,
        }
    }
    let weekly = schedule
        .weekly()
        .day(date.weekday())
        .filter(|_| !is_national_holiday(date));
    let extra = schedule.exception(date).map(|e| &e.plan);
    for plan in weekly.into_iter().chain(extra) {
        for &opening in &plan.openings {
            out.extend(cut(date, opening, plan).filter(|slot| {
                !closed
                    .iter()
                    .any(|&(start, end)| slot.start < end && start < slot.end)
            }));
        }
    }
}

/// The instants an opening of `date` runs between: from the first time the clock shows its
/// start to the last time it shows its end.
fn opening_instants(date: Date, opening: Opening) -> (OffsetDateTime, OffsetDateTime) {
    let utc = |local: RomeLocal, pick: fn(RomeLocal) -> OffsetDateTime| {
        pick(local).to_offset(UtcOffset::UTC)
    };
    (
        utc(from_rome(date, opening.start), RomeLocal::earliest),
        utc(from_rome(date, opening.end), RomeLocal::latest),
    )
}

/// The whole slots of `plan`'s length that fit in `opening` on `date`.
fn cut(date: Date, opening: Opening, plan: &DayPlan) -> impl Iterator<Item = Slot> {
    let (start, end) = opening_instants(date, opening);
    let length = Duration::minutes(i64::from(plan.slot_minutes));
    let seats = plan.seats;
    std::iter::successors(Some(start), move |&s| Some(s + length))
        .take_while(move |&s| s + length <= end)
        .map(move |s| Slot {
            start: s,
            end: s + length,
            date,
            seats,
        })
}

/// Up to `count` free slots nearest in time to `requested`: those with a seat left that start
/// after `now`, closest start first (an earlier one first when two are as close).
pub fn nearest_free(
    requested: OffsetDateTime,
    candidates: &[FreeSlot],
    now: OffsetDateTime,
    count: usize,
) -> Vec<FreeSlot> {
    let mut free: Vec<FreeSlot> = candidates
        .iter()
        .filter(|c| c.remaining > 0 && c.slot.start > now)
        .copied()
        .collect();
    // `false` sorts first: on a tie, the slot before the requested start wins.
    free.sort_by_key(|c| ((c.slot.start - requested).abs(), c.slot.start > requested));
    free.truncate(count);
    free
}

#[cfg(test)]
mod tests;
