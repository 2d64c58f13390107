//! The slots a consultation point offers over a range of Italian dates, and the free slots
//! nearest to a requested start (offered when a confirmation finds its slot taken or gone).
//!
//! A date's openings are its weekday's in the weekly plan, unless the date is a national holiday
//! ([`crate::calendar::is_national_holiday`]: 25 April, 2 June, Easter Monday, ...), plus its
//! exception if any; a slot that shares any time with a closure of the date is dropped.
//!
//! An opening covers the instants at which the clock in Rome shows a time within it, cut into
//! slots of elapsed time. On an ordinary day that is the same as cutting the wall-clock hours.
//! On the last Sunday of March an opening spanning 02:00-03:00 lasts an hour less, and the hour
//! that never happens gets no slot; on the last Sunday of October it lasts an hour more, and the
//! repeated hour gets its slots twice, at different instants. Where the change leaves a partial
//! slot (a slot length that does not divide what remains), the partial slot is dropped: no slot
//! runs past closing time or over a time the clock does not show inside the opening.

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::plan::{DayPlan, Opening, Schedule};
use crate::calendar::is_national_holiday;
use crate::rome_time::{clock_change_on, from_rome, rome_date};

/// The most days one listing of slots may cover (two months): bounds the work of one request.
pub const MAX_LISTING_DAYS: i64 = 62;

/// How many alternative slots a refused confirmation offers.
pub const NEAREST_SLOTS: usize = 3;

/// One slot of a consultation point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
            Some(hours) => closed.extend(covered(date, hours)),
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
            for (start, end) in covered(date, opening) {
                out.extend(cut(start, end, date, plan).filter(|slot| {
                    !closed
                        .iter()
                        .any(|&(from, to)| slot.start < to && from < slot.end)
                }));
            }
        }
    }
}

/// The spans of instants (UTC) at which the clock in Rome shows a time of `hours` on `date`:
/// one span, or two on the day the clock goes back and repeats some of the hours.
fn covered(date: Date, hours: Opening) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    // `None` only at the ends of the representable range, where nothing is offered.
    let at = |time, offset| {
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .checked_to_offset(UtcOffset::UTC)
    };
    let span = |start: Option<OffsetDateTime>, end: Option<OffsetDateTime>| {
        start.zip(end).filter(|(start, end)| start < end)
    };
    let Some(change) = clock_change_on(date) else {
        let offset = from_rome(date, hours.start).earliest().offset();
        return span(at(hours.start, offset), at(hours.end, offset))
            .into_iter()
            .collect();
    };
    // Before the change the clock runs on the old offset, from it on the new one.
    let before = span(
        at(hours.start, change.before),
        at(hours.end, change.before).map(|end| end.min(change.at)),
    );
    let after = span(
        at(hours.start, change.after).map(|start| start.max(change.at)),
        at(hours.end, change.after),
    );
    match (before, after) {
        (Some(before), Some(after)) if before.1 == after.0 => vec![(before.0, after.1)],
        (before, after) => before.into_iter().chain(after).collect(),
    }
}

/// The whole slots of `plan`'s length from `start` to `end`, on `date`.
fn cut(
    start: OffsetDateTime,
    end: OffsetDateTime,
    date: Date,
    plan: &DayPlan,
) -> impl Iterator<Item = Slot> {
    let length = Duration::minutes(i64::from(plan.slot_minutes));
    let seats = plan.seats;
    std::iter::successors(Some(start), move |&s| s.checked_add(length))
        .map_while(move |s| Some((s, s.checked_add(length)?)))
        .take_while(move |&(_, e)| e <= end)
        .map(move |(start, end)| Slot {
            start,
            end,
            date,
            seats,
        })
}

/// The slot of `schedule` starting at `start`, if there is one: how a booking names its slot, and
/// how a confirmation finds that its slot has vanished (the plan changed, or a closure was added).
pub fn slot_at(schedule: &Schedule, start: OffsetDateTime) -> Option<Slot> {
    let mut found = Vec::new();
    day_slots(schedule, rome_date(start), &mut found);
    found.into_iter().find(|slot| slot.start == start)
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
