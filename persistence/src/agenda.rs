//! The appointment agenda: consultation points (their plan, closures and assigned office
//! operators), the seats taken in each slot, appointments with their quesiti and history.
//!
//! Seats are taken by [`take_seat`], one conditional upsert on `slot_seats (point_id, start)`:
//! the first confirmation of a slot inserts its row with one seat taken; every later one updates
//! it only `WHERE taken < seats`. PostgreSQL takes the row lock of the conflicting row and, under
//! READ COMMITTED, re-evaluates the condition on the newest committed version once the lock is
//! granted, so concurrent confirmations are serialised on the row and never take more seats than
//! the slot has. A quesito is on one confirmed appointment at most by the partial unique index
//! `appointment_inquiries_one_confirmed`.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Integer, Timestamptz, Uuid as SqlUuid};
use time::{Date, OffsetDateTime, Time};

use crate::schema::{
    appointment_history, appointment_inquiries, appointments, consultation_point_closures,
    consultation_point_operators, consultation_points, slot_seats,
};

/// A consultation point.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consultation_points)]
pub struct PointRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Name (e.g. the INPS office).
    pub name: String,
    /// Address.
    pub address: String,
    /// The weekly plan and exceptions, as the contract's body.
    pub opening_hours: serde_json::Value,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Last change of its plan.
    pub updated_at: OffsetDateTime,
}

/// Stores a new point.
pub fn insert_point(conn: &mut PgConnection, row: &PointRow) -> QueryResult<()> {
    diesel::insert_into(consultation_points::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every point, or only those of `only` when given, by name.
pub fn points(conn: &mut PgConnection, only: Option<&[uuid::Uuid]>) -> QueryResult<Vec<PointRow>> {
    let mut query = consultation_points::table.into_boxed();
    if let Some(ids) = only {
        query = query.filter(consultation_points::id.eq_any(ids));
    }
    query
        .order((consultation_points::name, consultation_points::id))
        .select(PointRow::as_select())
        .load(conn)
}

/// Point `id`, locked when `lock` (a change of its plan).
pub fn point(conn: &mut PgConnection, id: uuid::Uuid, lock: bool) -> QueryResult<Option<PointRow>> {
    let query = consultation_points::table
        .find(id)
        .select(PointRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// Replaces point `id`'s opening hours.
pub fn set_opening_hours(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    opening_hours: &serde_json::Value,
    now: OffsetDateTime,
) -> QueryResult<PointRow> {
    diesel::update(consultation_points::table.find(id))
        .set((
            consultation_points::opening_hours.eq(opening_hours),
            consultation_points::updated_at.eq(now),
        ))
        .returning(PointRow::as_returning())
        .get_result(conn)
}

/// A dated closure of a point.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consultation_point_closures)]
pub struct ClosureRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The point.
    pub point_id: uuid::Uuid,
    /// The closed date.
    pub date: Date,
    /// Start of the closed hours (none: the whole day).
    pub from_time: Option<Time>,
    /// End of the closed hours.
    pub to_time: Option<Time>,
    /// Why (a holiday of the patron saint, a strike...).
    pub reason: Option<String>,
    /// When it was added.
    pub created_at: OffsetDateTime,
}

impl From<&ClosureRow> for inps_domain::agenda::Closure {
    fn from(r: &ClosureRow) -> Self {
        Self {
            date: r.date,
            during: r
                .from_time
                .zip(r.to_time)
                .map(|(start, end)| inps_domain::agenda::Opening { start, end }),
        }
    }
}

/// Stores a closure.
pub fn insert_closure(conn: &mut PgConnection, row: &ClosureRow) -> QueryResult<()> {
    diesel::insert_into(consultation_point_closures::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The closures of point `id`, by date.
pub fn closures(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<ClosureRow>> {
    consultation_point_closures::table
        .filter(consultation_point_closures::point_id.eq(id))
        .order((
            consultation_point_closures::date,
            consultation_point_closures::created_at,
        ))
        .select(ClosureRow::as_select())
        .load(conn)
}

/// Assigns `operator` to point `id` (already assigned: nothing changes). Whether it was new.
pub fn assign_operator(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    operator: &str,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::insert_into(consultation_point_operators::table)
        .values((
            consultation_point_operators::point_id.eq(id),
            consultation_point_operators::operator_tax_code.eq(operator),
            consultation_point_operators::assigned_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

/// Removes `operator` from point `id`. Whether they were assigned.
pub fn unassign_operator(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    operator: &str,
) -> QueryResult<bool> {
    diesel::delete(
        consultation_point_operators::table
            .filter(consultation_point_operators::point_id.eq(id))
            .filter(consultation_point_operators::operator_tax_code.eq(operator)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// The operators assigned to point `id`, by tax code.
pub fn operators_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<String>> {
    consultation_point_operators::table
        .filter(consultation_point_operators::point_id.eq(id))
        .order(consultation_point_operators::operator_tax_code)
        .select(consultation_point_operators::operator_tax_code)
        .load(conn)
}

/// The points `operator` is assigned to (none: a central operator).
pub fn points_of_operator(conn: &mut PgConnection, operator: &str) -> QueryResult<Vec<uuid::Uuid>> {
    consultation_point_operators::table
        .filter(consultation_point_operators::operator_tax_code.eq(operator))
        .select(consultation_point_operators::point_id)
        .load(conn)
}

/// The seats taken in point `id`'s slots starting in `from..to`, by start.
pub fn taken_seats(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> QueryResult<HashMap<OffsetDateTime, i32>> {
    Ok(slot_seats::table
        .filter(slot_seats::point_id.eq(id))
        .filter(slot_seats::start.ge(from))
        .filter(slot_seats::start.lt(to))
        .select((slot_seats::start, slot_seats::taken))
        .load::<(OffsetDateTime, i32)>(conn)?
        .into_iter()
        .collect())
}

/// Takes one seat of the slot of point `id` starting at `start`, which has `seats` seats in the
/// current plan: whether one was left (see the module's documentation for why two concurrent
/// calls never take the same seat).
pub fn take_seat(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    start: OffsetDateTime,
    seats: i32,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = Integer)]
        taken: i32,
    }
    diesel::sql_query(
        "INSERT INTO slot_seats (point_id, start, taken) SELECT $1, $2, 1 WHERE $3 > 0
         ON CONFLICT (point_id, start) DO UPDATE SET taken = slot_seats.taken + 1
         WHERE slot_seats.taken < $3
         RETURNING taken",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Timestamptz, _>(start)
    .bind::<Integer, _>(seats)
    .get_results::<Taken>(conn)
    .map(|rows| rows.iter().any(|row| row.taken > 0))
}

/// Gives back one seat of the slot of point `id` starting at `start`.
pub fn release_seat(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    start: OffsetDateTime,
) -> QueryResult<()> {
    diesel::update(
        slot_seats::table
            .filter(slot_seats::point_id.eq(id))
            .filter(slot_seats::start.eq(start))
            .filter(slot_seats::taken.gt(0)),
    )
    .set(slot_seats::taken.eq(slot_seats::taken - 1))
    .execute(conn)
    .map(drop)
}

/// An appointment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = appointments)]
pub struct AppointmentRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The employer (whose data it is).
    pub employer_tax_code: String,
    /// The employment it is about.
    pub employment_code: String,
    /// The consultation point.
    pub point_id: uuid::Uuid,
    /// Start of its slot.
    pub slot_start: OffsetDateTime,
    /// End of its slot.
    pub slot_end: OffsetDateTime,
    /// `draft`, `confirmed`, `closed_resolved`, `cancelled`.
    pub state: String,
    /// The note.
    pub note: String,
    /// Notification channels chosen at booking.
    pub channels: Vec<String>,
    /// Who booked it.
    pub booked_by: String,
    /// The intermediary who booked it through a delegation, if any.
    pub managed_by: Option<String>,
    /// The delegation used, if any.
    pub delegation_id: Option<uuid::Uuid>,
    /// `user` or `office`, once cancelled.
    pub cancelled_by: Option<String>,
    /// The cancellation reason.
    pub cancel_reason: Option<String>,
    /// When the draft was created.
    pub created_at: OffsetDateTime,
    /// When the draft stops being confirmable.
    pub draft_expires_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// 1 at booking, one more with every change of state or slot (the ETag).
    pub version: i32,
}

/// Stores a new appointment with its quesiti, in order.
pub fn insert_appointment(
    conn: &mut PgConnection,
    row: &AppointmentRow,
    inquiries: &[uuid::Uuid],
) -> QueryResult<()> {
    diesel::insert_into(appointments::table)
        .values(row)
        .execute(conn)?;
    let links: Vec<_> = inquiries
        .iter()
        .zip(0..)
        .map(|(inquiry, position)| {
            (
                appointment_inquiries::appointment_id.eq(row.id),
                appointment_inquiries::inquiry_id.eq(*inquiry),
                appointment_inquiries::position.eq(position),
            )
        })
        .collect();
    diesel::insert_into(appointment_inquiries::table)
        .values(&links)
        .execute(conn)
        .map(drop)
}

/// Appointment `id`, locked when `lock` (a change of state).
pub fn appointment(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> QueryResult<Option<AppointmentRow>> {
    let query = appointments::table
        .find(id)
        .select(AppointmentRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// What a change of state writes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = appointments)]
pub struct AppointmentChange<'a> {
    /// The new state.
    pub state: &'a str,
    /// The slot's start afterwards.
    pub slot_start: OffsetDateTime,
    /// The slot's end afterwards.
    pub slot_end: OffsetDateTime,
    /// Who cancelled it.
    pub cancelled_by: Option<&'a str>,
    /// Why.
    pub cancel_reason: Option<&'a str>,
    /// When.
    pub updated_at: OffsetDateTime,
}

/// Applies `change` to appointment `id` (its version grows by one); marks its quesiti as on a confirmed appointment while
/// it is confirmed (the partial unique index refuses a quesito confirmed elsewhere).
pub fn change_appointment(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    change: &AppointmentChange<'_>,
) -> QueryResult<AppointmentRow> {
    let row = diesel::update(appointments::table.find(id))
        .set((change, appointments::version.eq(appointments::version + 1)))
        .returning(AppointmentRow::as_returning())
        .get_result(conn)?;
    diesel::update(
        appointment_inquiries::table.filter(appointment_inquiries::appointment_id.eq(id)),
    )
    .set(appointment_inquiries::confirmed.eq(change.state == "confirmed"))
    .execute(conn)?;
    Ok(row)
}

/// The quesiti of appointment `id`, in the order they were named.
pub fn inquiries_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<uuid::Uuid>> {
    appointment_inquiries::table
        .filter(appointment_inquiries::appointment_id.eq(id))
        .order(appointment_inquiries::position)
        .select(appointment_inquiries::inquiry_id)
        .load(conn)
}

/// Which of `inquiries` are on a confirmed appointment other than `except`.
pub fn on_confirmed_appointment(
    conn: &mut PgConnection,
    inquiries: &[uuid::Uuid],
    except: Option<uuid::Uuid>,
) -> QueryResult<HashSet<uuid::Uuid>> {
    let mut query = appointment_inquiries::table
        .filter(appointment_inquiries::confirmed)
        .filter(appointment_inquiries::inquiry_id.eq_any(inquiries))
        .into_boxed();
    if let Some(except) = except {
        query = query.filter(appointment_inquiries::appointment_id.ne(except));
    }
    Ok(query
        .select(appointment_inquiries::inquiry_id)
        .load(conn)?
        .into_iter()
        .collect())
}

/// An entry of an appointment's history.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = appointment_history)]
pub struct HistoryRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The appointment.
    pub appointment_id: uuid::Uuid,
    /// What happened.
    pub kind: String,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub by_tax_code: String,
    /// The slot's start after it.
    pub slot_start: OffsetDateTime,
    /// The reason given, if any.
    pub reason: Option<String>,
}

/// Appends an entry to an appointment's history.
pub fn insert_history(conn: &mut PgConnection, row: &HistoryRow) -> QueryResult<()> {
    diesel::insert_into(appointment_history::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The history of appointment `id`, oldest first.
pub fn history_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<HistoryRow>> {
    appointment_history::table
        .filter(appointment_history::appointment_id.eq(id))
        .order(appointment_history::seq)
        .select(HistoryRow::as_select())
        .load(conn)
}

/// The filters of an appointment search, applied in the query before paging.
#[derive(Debug, Clone, Default)]
pub struct AppointmentQuery<'a> {
    /// This employer's (with `include_intermediary_managed`: also those an intermediary
    /// manages) ...
    pub employer: Option<&'a str>,
    /// ... or those this intermediary manages. Neither: every appointment (operators).
    pub managed_by: Option<&'a str>,
    /// With `employer`, whether also those an intermediary manages are listed.
    pub include_intermediary_managed: bool,
    /// Only at these points (an office operator's).
    pub points: Option<&'a [uuid::Uuid]>,
    /// Only about this employment.
    pub employment_code: Option<&'a str>,
    /// Only in this state.
    pub state: Option<&'a str>,
    /// Drafts of others are hidden: only this author's drafts are listed.
    pub drafts_of: Option<&'a str>,
    /// Starting at or after.
    pub from: Option<OffsetDateTime>,
    /// Starting before.
    pub to: Option<OffsetDateTime>,
    /// Keyset: after (slot_start, id), latest first.
    pub after: Option<(OffsetDateTime, uuid::Uuid)>,
    /// Page size.
    pub limit: i64,
}

/// A page of appointments, latest slot first.
///
/// The statement holds only the conditions of the filters given (one SQL text per shape of
/// search, each a cached prepared statement whose generic plan walks the index of its access
/// path: the employer's, the manager's or the point's), never a catch-all `$n IS NULL OR ...`.
pub fn search(
    conn: &mut PgConnection,
    q: &AppointmentQuery<'_>,
) -> QueryResult<Vec<AppointmentRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    let mut query = appointments::table
        .select(AppointmentRow::as_select())
        .into_boxed();
    // Whose: the employer's (and, when listed, those an intermediary manages), the manager's.
    query = match (q.employer, q.managed_by, q.include_intermediary_managed) {
        (Some(employer), Some(manager), true) => query.filter(
            appointments::employer_tax_code
                .eq(employer)
                .or(appointments::managed_by.eq(manager)),
        ),
        (Some(employer), Some(manager), false) => query.filter(
            appointments::employer_tax_code
                .eq(employer)
                .and(appointments::managed_by.is_null())
                .or(appointments::managed_by.eq(manager)),
        ),
        (Some(employer), None, include) => {
            let query = query.filter(appointments::employer_tax_code.eq(employer));
            if include {
                query
            } else {
                query.filter(appointments::managed_by.is_null())
            }
        }
        (None, Some(manager), _) => query.filter(appointments::managed_by.eq(manager)),
        (None, None, _) => query,
    };
    if let Some(points) = q.points {
        query = query.filter(appointments::point_id.eq_any(points));
    }
    if let Some(code) = q.employment_code {
        query = query.filter(appointments::employment_code.eq(code));
    }
    if let Some(state) = q.state {
        query = query.filter(appointments::state.eq(state));
    }
    if q.state.is_none_or(|state| state == "draft") {
        // Drafts are their author's only (any other state excludes them already).
        query = query.filter(
            appointments::state
                .ne("draft")
                .or(appointments::booked_by.eq(q.drafts_of.unwrap_or(""))),
        );
    }
    if let Some(from) = q.from {
        query = query.filter(appointments::slot_start.ge(from));
    }
    if let Some(to) = q.to {
        query = query.filter(appointments::slot_start.lt(to));
    }
    if let Some((at, id)) = q.after {
        // A row comparison, which the index scan takes as its bound.
        query = query.filter(
            sql::<Bool>("(appointments.slot_start, appointments.id) < (")
                .bind::<Timestamptz, _>(at)
                .sql(", ")
                .bind::<SqlUuid, _>(id)
                .sql(")"),
        );
    }
    query
        .order((appointments::slot_start.desc(), appointments::id.desc()))
        .limit(q.limit)
        .load(conn)
}

/// The quesiti `ids` that exist, by id; locked when `lock` (a confirmation locks the quesiti it
/// puts on a confirmed appointment, in id order, so that two confirmations sharing some are
/// serialised without deadlock and the second sees the first's outcome).
pub fn inquiries_by_ids(
    conn: &mut PgConnection,
    ids: &[uuid::Uuid],
    lock: bool,
) -> QueryResult<Vec<crate::inquiries::InquiryRow>> {
    use crate::schema::inquiries;
    let query = inquiries::table
        .filter(inquiries::id.eq_any(ids))
        .order(inquiries::id)
        .select(crate::inquiries::InquiryRow::as_select());
    if lock {
        query.for_update().load(conn)
    } else {
        query.load(conn)
    }
}

/// Sets `on_active_appointment` on each of `inquiries` that a confirmed appointment lists, in one
/// query.
pub fn mark_on_confirmed(
    conn: &mut PgConnection,
    inquiries: &mut [inps_domain::inquiry::Inquiry<uuid::Uuid>],
) -> QueryResult<()> {
    let ids: Vec<uuid::Uuid> = inquiries.iter().map(|i| i.id).collect();
    let on = on_confirmed_appointment(conn, &ids, None)?;
    for inquiry in inquiries {
        inquiry.on_active_appointment = on.contains(&inquiry.id);
    }
    Ok(())
}

/// Deletes file `id` of the `owner_kind` resource `owner_id`; whether it was there.
pub fn delete_attachment(
    conn: &mut PgConnection,
    owner_kind: &str,
    owner_id: uuid::Uuid,
    id: uuid::Uuid,
) -> QueryResult<bool> {
    use crate::schema::attachments;
    diesel::delete(
        attachments::table
            .filter(attachments::owner_kind.eq(owner_kind))
            .filter(attachments::owner_id.eq(owner_id))
            .filter(attachments::id.eq(id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// A message between the user and the office about an appointment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::appointment_messages)]
pub struct MessageRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The appointment.
    pub appointment_id: uuid::Uuid,
    /// Who wrote it.
    pub author: String,
    /// Whether the office (an operator) wrote it.
    pub by_office: bool,
    /// The text.
    pub text: String,
    /// When.
    pub sent_at: OffsetDateTime,
}

/// Stores a message.
pub fn insert_message(conn: &mut PgConnection, row: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(crate::schema::appointment_messages::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The messages of appointment `id`, oldest first.
pub fn messages_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<MessageRow>> {
    use crate::schema::appointment_messages as m;
    m::table
        .filter(m::appointment_id.eq(id))
        .order(m::seq)
        .select(MessageRow::as_select())
        .load(conn)
}

/// Opening hours as `consultation_points.opening_hours` stores them: JSON, `{"days": [{"weekday":
/// "monday", "openings": [{"start": "08:30", "end": "12:30"}], "slot_minutes": 30, "seats": 2}],
/// "exceptions": [{"date": "2026-03-07", ...}]}`, in the order given.
mod stored_hours {
    use inps_domain::agenda::{DayPlan, Exception, Opening, OpeningHours};
    use serde::{Deserialize, Serialize};
    use time::{Date, Time, Weekday};

    time::serde::format_description!(hour_minute, Time, "[hour]:[minute]");
    time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum StoredWeekday {
        Monday,
        Tuesday,
        Wednesday,
        Thursday,
        Friday,
        Saturday,
        Sunday,
    }

    impl From<StoredWeekday> for Weekday {
        fn from(w: StoredWeekday) -> Self {
            match w {
                StoredWeekday::Monday => Self::Monday,
                StoredWeekday::Tuesday => Self::Tuesday,
                StoredWeekday::Wednesday => Self::Wednesday,
                StoredWeekday::Thursday => Self::Thursday,
                StoredWeekday::Friday => Self::Friday,
                StoredWeekday::Saturday => Self::Saturday,
                StoredWeekday::Sunday => Self::Sunday,
            }
        }
    }

    impl From<Weekday> for StoredWeekday {
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

    #[derive(Serialize, Deserialize)]
    struct StoredOpening {
        #[serde(with = "hour_minute")]
        start: Time,
        #[serde(with = "hour_minute")]
        end: Time,
    }

    #[derive(Serialize, Deserialize)]
    struct StoredDay {
        weekday: StoredWeekday,
        openings: Vec<StoredOpening>,
        slot_minutes: u16,
        seats: u16,
    }

    #[derive(Serialize, Deserialize)]
    struct StoredException {
        #[serde(with = "iso_date")]
        date: Date,
        openings: Vec<StoredOpening>,
        slot_minutes: u16,
        seats: u16,
    }

    #[derive(Serialize, Deserialize)]
    pub(super) struct StoredHours {
        days: Vec<StoredDay>,
        #[serde(default)]
        exceptions: Vec<StoredException>,
    }

    fn openings(stored: Vec<StoredOpening>) -> Vec<Opening> {
        stored
            .into_iter()
            .map(|o| Opening {
                start: o.start,
                end: o.end,
            })
            .collect()
    }

    fn stored_openings(openings: &[Opening]) -> Vec<StoredOpening> {
        openings
            .iter()
            .map(|o| StoredOpening {
                start: o.start,
                end: o.end,
            })
            .collect()
    }

    impl From<StoredHours> for OpeningHours {
        fn from(s: StoredHours) -> Self {
            Self {
                days: s
                    .days
                    .into_iter()
                    .map(|d| {
                        let plan = DayPlan {
                            openings: openings(d.openings),
                            slot_minutes: d.slot_minutes,
                            seats: d.seats,
                        };
                        (d.weekday.into(), plan)
                    })
                    .collect(),
                exceptions: s
                    .exceptions
                    .into_iter()
                    .map(|e| Exception {
                        date: e.date,
                        plan: DayPlan {
                            openings: openings(e.openings),
                            slot_minutes: e.slot_minutes,
                            seats: e.seats,
                        },
                    })
                    .collect(),
            }
        }
    }

    impl From<&OpeningHours> for StoredHours {
        fn from(h: &OpeningHours) -> Self {
            Self {
                days: h
                    .days
                    .iter()
                    .map(|(weekday, d)| StoredDay {
                        weekday: (*weekday).into(),
                        openings: stored_openings(&d.openings),
                        slot_minutes: d.slot_minutes,
                        seats: d.seats,
                    })
                    .collect(),
                exceptions: h
                    .exceptions
                    .iter()
                    .map(|e| StoredException {
                        date: e.date,
                        openings: stored_openings(&e.plan.openings),
                        slot_minutes: e.plan.slot_minutes,
                        seats: e.plan.seats,
                    })
                    .collect(),
            }
        }
    }
}

/// The opening hours of point `row` as stored.
pub fn opening_hours_of(
    row: &PointRow,
) -> Result<inps_domain::agenda::OpeningHours, serde_json::Error> {
    serde_json::from_value::<stored_hours::StoredHours>(row.opening_hours.clone()).map(Into::into)
}

/// `hours` as `consultation_points.opening_hours` stores them.
pub fn opening_hours_json(
    hours: &inps_domain::agenda::OpeningHours,
) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(stored_hours::StoredHours::from(hours))
}
