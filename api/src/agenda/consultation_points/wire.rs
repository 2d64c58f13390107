//! The wire shapes of consultation points: the point, its opening hours (the body stored as
//! is), a closure, a free slot.

use inps_domain::agenda::{
    DayPlan, Exception as DException, FreeSlot as DFreeSlot, NewClosure as DNewClosure,
    NewConsultationPoint as DNewConsultationPoint, Opening, OpeningHours as DOpeningHours,
};
use inps_persistence::agenda::ClosureRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Time};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

time::serde::format_description!(hour_minute, Time, "[hour]:[minute]");

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Lunedì.
    Monday,
    /// Martedì.
    Tuesday,
    /// Mercoledì.
    Wednesday,
    /// Giovedì.
    Thursday,
    /// Venerdì.
    Friday,
    /// Sabato.
    Saturday,
    /// Domenica.
    Sunday,
}

impl From<Weekday> for time::Weekday {
    fn from(w: Weekday) -> Self {
        match w {
            Weekday::Monday => Self::Monday,
            Weekday::Tuesday => Self::Tuesday,
            Weekday::Wednesday => Self::Wednesday,
            Weekday::Thursday => Self::Thursday,
            Weekday::Friday => Self::Friday,
            Weekday::Saturday => Self::Saturday,
            Weekday::Sunday => Self::Sunday,
        }
    }
}

/// Hours of a day, Italian wall-clock time (`HH:MM`), from `start` (included) to `end`
/// (excluded).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// From.
    #[serde(with = "hour_minute")]
    #[schema(value_type = String, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:30")]
    pub start: Time,
    /// To.
    #[serde(with = "hour_minute")]
    #[schema(value_type = String, pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "12:30")]
    pub end: Time,
}

impl From<time::Weekday> for Weekday {
    fn from(w: time::Weekday) -> Self {
        match w {
            time::Weekday::Monday => Self::Monday,
            time::Weekday::Tuesday => Self::Tuesday,
            time::Weekday::Wednesday => Self::Wednesday,
            time::Weekday::Thursday => Self::Thursday,
            time::Weekday::Friday => Self::Friday,
            time::Weekday::Saturday => Self::Saturday,
            time::Weekday::Sunday => Self::Sunday,
        }
    }
}

impl From<Opening> for Hours {
    fn from(o: Opening) -> Self {
        Self {
            start: o.start,
            end: o.end,
        }
    }
}

impl From<Hours> for Opening {
    fn from(h: Hours) -> Self {
        Self {
            start: h.start,
            end: h.end,
        }
    }
}

/// How a point opens on one day: 1-6 non-overlapping openings, each filled exactly by slots of
/// `slot_minutes` (5-240), each slot receiving `seats` people (1-100).
fn day_plan(openings: &[Hours], slot_minutes: u16, seats: u16) -> DayPlan {
    DayPlan {
        openings: openings.iter().copied().map(Opening::from).collect(),
        slot_minutes,
        seats,
    }
}

/// A weekday's opening in the weekly plan: 1-6 non-overlapping openings, each filled exactly by
/// slots of `slot_minutes` (5-240), each slot receiving `seats` people (1-100).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyDay {
    /// The weekday.
    pub weekday: Weekday,
    /// The openings.
    #[schema(min_items = 1, max_items = 6)]
    pub openings: Vec<Hours>,
    /// Length of a slot, in minutes.
    #[schema(minimum = 5, maximum = 240)]
    pub slot_minutes: u16,
    /// People received in one slot.
    #[schema(minimum = 1, maximum = 100)]
    pub seats: u16,
}

/// Extra openings on one date, on top of the weekly plan (even on a national holiday), by the
/// same rules as a weekday's.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionDay {
    /// The date.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-03-07")]
    pub date: Date,
    /// The openings.
    #[schema(min_items = 1, max_items = 6)]
    pub openings: Vec<Hours>,
    /// Length of a slot, in minutes.
    #[schema(minimum = 5, maximum = 240)]
    pub slot_minutes: u16,
    /// People received in one slot.
    #[schema(minimum = 1, maximum = 100)]
    pub seats: u16,
}

/// The opening hours of a point (orario di apertura): the weekly plan and the dated exceptions.
/// Weekdays not listed are closed; national holidays are closed unless an exception opens them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"days": [{"weekday": "monday", "openings": [{"start": "08:30", "end": "12:30"}], "slot_minutes": 30, "seats": 2}], "exceptions": []}))]
pub struct OpeningHours {
    /// The weekly plan, at most one entry per weekday.
    #[schema(max_items = 7)]
    #[validate(length(max = 7))]
    pub days: Vec<WeeklyDay>,
    /// Dated exceptions, at most one per date, at most 100 (they fit the JSON body limit).
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100))]
    pub exceptions: Vec<ExceptionDay>,
}

impl From<OpeningHours> for DOpeningHours {
    fn from(h: OpeningHours) -> Self {
        Self {
            days: h
                .days
                .iter()
                .map(|d| {
                    (
                        d.weekday.into(),
                        day_plan(&d.openings, d.slot_minutes, d.seats),
                    )
                })
                .collect(),
            exceptions: h
                .exceptions
                .iter()
                .map(|e| DException {
                    date: e.date,
                    plan: day_plan(&e.openings, e.slot_minutes, e.seats),
                })
                .collect(),
        }
    }
}

impl From<DOpeningHours> for OpeningHours {
    fn from(h: DOpeningHours) -> Self {
        let hours = |openings: Vec<Opening>| openings.into_iter().map(Hours::from).collect();
        Self {
            days: h
                .days
                .into_iter()
                .map(|(weekday, d)| WeeklyDay {
                    weekday: weekday.into(),
                    openings: hours(d.openings),
                    slot_minutes: d.slot_minutes,
                    seats: d.seats,
                })
                .collect(),
            exceptions: h
                .exceptions
                .into_iter()
                .map(|e| ExceptionDay {
                    date: e.date,
                    openings: hours(e.plan.openings),
                    slot_minutes: e.plan.slot_minutes,
                    seats: e.plan.seats,
                })
                .collect(),
        }
    }
}

/// A new consultation point, with no opening hours yet.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "INPS Roma Eur", "address": "Viale Aldo Ballarin 42, 00142 Roma"}))]
pub struct NewConsultationPoint {
    /// Name (the office).
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    /// Address.
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub address: String,
}

impl From<NewConsultationPoint> for DNewConsultationPoint {
    fn from(p: NewConsultationPoint) -> Self {
        Self {
            name: p.name,
            address: p.address,
        }
    }
}

/// A closure: a whole date, or only some hours of it (`from` and `to` together).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-06-29", "reason": "Santi Pietro e Paolo, patroni di Roma"}))]
pub struct NewClosure {
    /// The closed date.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// The closed hours, if not the whole day.
    pub hours: Option<Hours>,
    /// Why.
    #[schema(max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub reason: Option<String>,
}

impl From<NewClosure> for DNewClosure {
    fn from(c: NewClosure) -> Self {
        Self {
            date: c.date,
            hours: c.hours.map(Into::into),
            reason: c.reason,
        }
    }
}

/// A closure of a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct Closure {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The closed date.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// The closed hours, or null for the whole day.
    pub hours: Option<Hours>,
    /// Why.
    pub reason: Option<String>,
}

impl From<ClosureRow> for Closure {
    fn from(r: ClosureRow) -> Self {
        Self {
            id: r.id,
            date: r.date,
            hours: r
                .from_time
                .zip(r.to_time)
                .map(|(start, end)| Hours { start, end }),
            reason: r.reason,
        }
    }
}

/// A consultation point (punto di consulenza / Struttura territoriale).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationPoint {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// The opening hours.
    pub opening_hours: OpeningHours,
    /// Its closures.
    pub closures: Vec<Closure>,
    /// The office operators assigned to it (shown to operators only).
    pub operators: Vec<String>,
}

/// The consultation points.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationPointList {
    /// Every point, by name.
    pub items: Vec<ConsultationPoint>,
}

/// The range of slots asked for: Italian dates, both included, at most 62 days.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// First date (default: today in Italy).
    #[serde(default, with = "crate::wire::iso_date::option")]
    #[param(value_type = Option<String>, format = Date, example = "2026-03-09")]
    pub from: Option<Date>,
    /// Last date, at most 61 days after `from` (default: 13 days after `from`, two weeks).
    #[serde(default, with = "crate::wire::iso_date::option")]
    #[param(value_type = Option<String>, format = Date, example = "2026-03-13")]
    pub to: Option<Date>,
}

impl SlotQuery {
    /// The dates asked for, defaults filled in at `now`.
    pub fn range(&self, now: OffsetDateTime) -> (Date, Date) {
        let from = self
            .from
            .unwrap_or_else(|| inps_domain::rome_time::rome_date(now));
        let to = self
            .to
            .unwrap_or_else(|| from.checked_add(time::Duration::days(13)).unwrap_or(from));
        (from, to)
    }
}

/// A free slot: when, and how many of its seats are left.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FreeSlot {
    /// Start.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// End.
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    /// The Italian date it belongs to.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Its seats.
    pub seats: u16,
    /// Seats not taken yet.
    pub remaining: u16,
}

impl From<DFreeSlot> for FreeSlot {
    fn from(f: DFreeSlot) -> Self {
        Self {
            start: f.slot.start,
            end: f.slot.end,
            date: f.slot.date,
            seats: f.slot.seats,
            remaining: f.remaining,
        }
    }
}

/// `slots` in their wire form, as a JSON array (the `nearest_free_slots` of a 409).
pub fn free_slots_json(slots: &[DFreeSlot]) -> serde_json::Value {
    slots
        .iter()
        .map(|&slot| serde_json::to_value(FreeSlot::from(slot)).unwrap_or_default())
        .collect()
}

/// Free slots of a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreeSlotList {
    /// Slots with a seat left, starting after now, by start.
    pub items: Vec<FreeSlot>,
}
