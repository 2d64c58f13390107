//! The use cases of consultation points.

use diesel::PgConnection;
use inps_domain::agenda::{
    FreeSlot, NewClosure, NewConsultationPoint, OpeningHours, PlanError, Schedule, Slot, list_slots,
};
use inps_domain::tax_code::TaxCode;
use inps_persistence::agenda::{self as repo, ClosureRow, PointRow};
use time::{Date, OffsetDateTime, Time};

use crate::auth::Actor;
use crate::error::Text;
use crate::problems::Problem;
use crate::refusal::Refusal;

/// A point as shown: its row, opening hours, closures and assigned operators.
#[derive(Debug)]
pub struct PointView {
    /// The row.
    pub row: PointRow,
    /// Its opening hours.
    pub hours: OpeningHours,
    /// Its closures.
    pub closures: Vec<ClosureRow>,
    /// Its operators (empty unless an operator asks).
    pub operators: Vec<String>,
}

/// Which points an operator acts on: all of them for a central operator (one assigned to no
/// point, or the command line), their own for an office operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeReach {
    /// A central operator: every point.
    Central,
    /// An office operator: these points only.
    Points(Vec<uuid::Uuid>),
}

impl OfficeReach {
    /// Whether point `id` is within reach.
    pub fn covers(&self, id: uuid::Uuid) -> bool {
        match self {
            Self::Central => true,
            Self::Points(ids) => ids.contains(&id),
        }
    }

    /// The points within reach, or `None` for every point.
    pub fn points(&self) -> Option<&[uuid::Uuid]> {
        match self {
            Self::Central => None,
            Self::Points(ids) => Some(ids),
        }
    }
}

/// The reach of operator `actor` (callers check first that it is an operator).
pub fn reach(conn: &mut PgConnection, actor: &Actor) -> Result<OfficeReach, Refusal> {
    let Some(me) = actor.person() else {
        return Ok(OfficeReach::Central);
    };
    let points = repo::points_of_operator(conn, me.as_str())?;
    Ok(if points.is_empty() {
        OfficeReach::Central
    } else {
        OfficeReach::Points(points)
    })
}

/// A plan broken, as a 422 on `opening_hours`.
fn plan_refusal(e: &PlanError) -> Refusal {
    Refusal::invalid_field(
        "opening_hours",
        Text::new(
            format!("piano non valido: {e}"),
            format!("invalid plan: {e}"),
        ),
    )
}

/// The point's stored opening hours (a row the use cases wrote; unreadable: internal error).
fn stored_hours(row: &PointRow) -> Result<OpeningHours, Refusal> {
    repo::opening_hours_of(row).map_err(|e| {
        Refusal::internal(format!("consultation point {}: opening hours: {e}", row.id))
    })
}

/// Refuses an actor who is not an operator (403).
fn operators_only(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_operator() {
        Ok(())
    } else {
        Err(Refusal::operators_only())
    }
}

/// Refuses an office operator (403): the action is a central operator's.
fn central_only(conn: &mut PgConnection, actor: &Actor) -> Result<(), Refusal> {
    operators_only(actor)?;
    if reach(conn, actor)? == OfficeReach::Central {
        return Ok(());
    }
    Err(Refusal::new(Problem::Forbidden).with_detail(
        "Solo un operatore centrale crea punti di consulenza e vi assegna operatori.",
        "Only a central operator creates consultation points and assigns operators to them.",
    ))
}

/// Point `id` for an operator who may change it: a central operator, or an office operator
/// assigned to it (403 for another office operator), locked.
fn managed_point(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<PointRow, Refusal> {
    operators_only(actor)?;
    let row = repo::point(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    if !reach(conn, actor)?.covers(id) {
        return Err(Refusal::new(Problem::Forbidden).with_detail(
            "L'operatore non è assegnato a questo punto di consulenza.",
            "The operator is not assigned to this consultation point.",
        ));
    }
    Ok(row)
}

/// The view of `row`, with its operators when `actor` is an operator.
fn view(conn: &mut PgConnection, actor: &Actor, row: PointRow) -> Result<PointView, Refusal> {
    Ok(PointView {
        hours: stored_hours(&row)?,
        closures: repo::closures(conn, row.id)?,
        operators: if actor.is_operator() {
            repo::operators_of(conn, row.id)?
        } else {
            Vec::new()
        },
        row,
    })
}

/// Writes `action` on point `id` to the accountability log.
fn audit(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    resource: &str,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let event = actor.audit(action, resource, None);
    inps_persistence::audit::append(conn, event, now)?;
    Ok(())
}

/// Every consultation point (any session: citizens choose where to book).
pub fn points(conn: &mut PgConnection, actor: &Actor) -> Result<Vec<PointView>, Refusal> {
    repo::points(conn, None)?
        .into_iter()
        .map(|row| view(conn, actor, row))
        .collect()
}

/// Creates a point with no opening hours (central operators).
pub fn create_point(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: NewConsultationPoint,
    now: OffsetDateTime,
) -> Result<PointView, Refusal> {
    central_only(conn, actor)?;
    let text = |field: &'static str, value: &str| {
        inps_domain::text::clean_text(value, 300).map_err(|e| {
            Refusal::invalid_field(
                field,
                Text::new(
                    format!("testo non valido ({e})"),
                    format!("invalid text ({e})"),
                ),
            )
        })
    };
    let row = PointRow {
        id: uuid::Uuid::new_v4(),
        name: text("name", &cmd.name)?,
        address: text("address", &cmd.address)?,
        opening_hours: repo::opening_hours_json(&OpeningHours::default())
            .map_err(Refusal::internal)?,
        created_at: now,
        updated_at: now,
    };
    repo::insert_point(conn, &row)?;
    audit(
        conn,
        actor,
        "consultation_point.create",
        &format!("/v1/consultation-points/{}", row.id),
        now,
    )?;
    view(conn, actor, row)
}

/// The schedule of `row`: its opening hours and closures, checked.
pub fn schedule_of(conn: &mut PgConnection, row: &PointRow) -> Result<Schedule, Refusal> {
    let (weekly, exceptions) = stored_hours(row)?
        .checked()
        .map_err(|e| Refusal::internal(format!("consultation point {}: {e}", row.id)))?;
    let closures = repo::closures(conn, row.id)?
        .iter()
        .map(Into::into)
        .collect();
    Schedule::new(weekly, exceptions, closures)
        .map_err(|e| Refusal::internal(format!("consultation point {}: {e}", row.id)))
}

/// Replaces point `id`'s opening hours, checked with its closures (422 naming the rule).
pub fn set_opening_hours(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    hours: OpeningHours,
    now: OffsetDateTime,
) -> Result<PointView, Refusal> {
    managed_point(conn, actor, id)?;
    let (weekly, exceptions) = hours.checked().map_err(|e| plan_refusal(&e))?;
    let closures = repo::closures(conn, id)?.iter().map(Into::into).collect();
    Schedule::new(weekly, exceptions, closures).map_err(|e| plan_refusal(&e))?;
    let json = repo::opening_hours_json(&hours).map_err(Refusal::internal)?;
    let row = repo::set_opening_hours(conn, id, &json, now)?;
    audit(
        conn,
        actor,
        "consultation_point.opening_hours",
        &format!("/v1/consultation-points/{id}/opening-hours"),
        now,
    )?;
    view(conn, actor, row)
}

/// Adds a closure to point `id` (checked with its plan).
pub fn add_closure(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    cmd: NewClosure,
    now: OffsetDateTime,
) -> Result<PointView, Refusal> {
    let row = managed_point(conn, actor, id)?;
    let (from_time, to_time): (Option<Time>, Option<Time>) =
        cmd.hours.map(|h| (h.start, h.end)).unzip();
    let closure = ClosureRow {
        id: uuid::Uuid::new_v4(),
        point_id: id,
        date: cmd.date,
        from_time,
        to_time,
        reason: cmd
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
        created_at: now,
    };
    let (weekly, exceptions) = stored_hours(&row)?
        .checked()
        .map_err(|e| plan_refusal(&e))?;
    let mut closures: Vec<_> = repo::closures(conn, id)?.iter().map(Into::into).collect();
    closures.push((&closure).into());
    Schedule::new(weekly, exceptions, closures).map_err(|e| {
        Refusal::invalid_field(
            "hours",
            Text::new(
                format!("chiusura non valida: {e}"),
                format!("invalid closure: {e}"),
            ),
        )
    })?;
    repo::insert_closure(conn, &closure)?;
    audit(
        conn,
        actor,
        "consultation_point.closure",
        &format!("/v1/consultation-points/{id}/closures/{}", closure.id),
        now,
    )?;
    view(conn, actor, row)
}

/// Assigns (`assign`) or removes office operator `operator` at point `id` (central operators).
/// The person must hold the operator role (422 otherwise).
pub fn set_operator(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    operator: &TaxCode,
    assign: bool,
    now: OffsetDateTime,
) -> Result<PointView, Refusal> {
    central_only(conn, actor)?;
    let row = repo::point(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    let resource = format!(
        "/v1/consultation-points/{id}/operators/{}",
        operator.as_str()
    );
    if assign {
        let roles = inps_persistence::persons::roles_of(conn, operator.as_str())?;
        if !roles.iter().any(|r| r == "operator") {
            return Err(Refusal::invalid_field(
                "tax_code",
                Text::new(
                    "la persona non è un operatore",
                    "the person is not an operator",
                ),
            ));
        }
        repo::assign_operator(conn, id, operator.as_str(), now)?;
        audit(
            conn,
            actor,
            "consultation_point.operator_assign",
            &resource,
            now,
        )?;
    } else {
        if !repo::unassign_operator(conn, id, operator.as_str())? {
            return Err(Refusal::not_found());
        }
        audit(
            conn,
            actor,
            "consultation_point.operator_unassign",
            &resource,
            now,
        )?;
    }
    view(conn, actor, row)
}

/// The slots of `schedule` at point `id` on `from..=to` with the seats left in each (full ones
/// included, with 0 left), by start (422 for a reversed or too long range).
pub fn slots_with_seats(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    schedule: &Schedule,
    from: Date,
    to: Date,
) -> Result<Vec<FreeSlot>, Refusal> {
    let slots: Vec<Slot> = list_slots(schedule, from, to).map_err(|e| {
        Refusal::invalid_field(
            "to",
            Text::new(
                format!("intervallo non valido: {e}"),
                format!("invalid range: {e}"),
            ),
        )
    })?;
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
        return Ok(Vec::new());
    };
    let taken = repo::taken_seats(conn, id, first.start, last.end)?;
    Ok(slots
        .into_iter()
        .map(|slot| {
            let used = taken.get(&slot.start).copied().unwrap_or(0);
            let remaining = i32::from(slot.seats).saturating_sub(used).max(0);
            FreeSlot {
                slot,
                remaining: u16::try_from(remaining).unwrap_or(0),
            }
        })
        .collect())
}

/// The free slots of point `id` on `from..=to`: a seat left, starting after `now`.
pub fn free_slots(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    from: Date,
    to: Date,
    now: OffsetDateTime,
) -> Result<Vec<FreeSlot>, Refusal> {
    let row = repo::point(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let schedule = schedule_of(conn, &row)?;
    let mut slots = slots_with_seats(conn, id, &schedule, from, to)?;
    slots.retain(|s| s.remaining > 0 && s.slot.start > now);
    Ok(slots)
}
