//! Scheduled jobs (reminders): one row per kind, subject and due day, claimed with
//! `FOR UPDATE SKIP LOCKED` so any number of workers can run them, each job once.

use diesel::prelude::*;
use time::{Date, OffsetDateTime};

use crate::schema::scheduled_jobs;

/// A job waiting for its day.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scheduled_jobs)]
pub struct JobRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// What to do (`delegation_expiring`, `appointment_reminder`).
    pub kind: String,
    /// What it is about (the delegation).
    pub subject_id: uuid::Uuid,
    /// The Italian civil date it is due on.
    pub due_on: Date,
}

/// Schedules `kind` for `subject_id` on `due_on` (once: the same job again is ignored).
pub fn schedule(
    conn: &mut PgConnection,
    kind: &str,
    subject_id: uuid::Uuid,
    due_on: Date,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::insert_into(scheduled_jobs::table)
        .values((
            scheduled_jobs::id.eq(uuid::Uuid::new_v4()),
            scheduled_jobs::kind.eq(kind),
            scheduled_jobs::subject_id.eq(subject_id),
            scheduled_jobs::due_on.eq(due_on),
            scheduled_jobs::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(drop)
}

/// Schedules `kind` for `subject_id` at the instant `due_at`, within the Italian civil date
/// `due_on`; the same job on the same date again moves it to the new instant, to be run again.
pub fn schedule_at(
    conn: &mut PgConnection,
    kind: &str,
    subject_id: uuid::Uuid,
    due_on: Date,
    due_at: OffsetDateTime,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::insert_into(scheduled_jobs::table)
        .values((
            scheduled_jobs::id.eq(uuid::Uuid::new_v4()),
            scheduled_jobs::kind.eq(kind),
            scheduled_jobs::subject_id.eq(subject_id),
            scheduled_jobs::due_on.eq(due_on),
            scheduled_jobs::due_at.eq(Some(due_at)),
            scheduled_jobs::created_at.eq(now),
        ))
        .on_conflict((
            scheduled_jobs::kind,
            scheduled_jobs::subject_id,
            scheduled_jobs::due_on,
        ))
        .do_update()
        .set((
            scheduled_jobs::due_at.eq(Some(due_at)),
            scheduled_jobs::done_at.eq(None::<OffsetDateTime>),
            scheduled_jobs::outcome.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Up to `limit` jobs due on or before `today` (and, for a job due at an instant, at or before
/// `now`) and not done, locked for this transaction; jobs another worker holds are skipped.
pub fn claim_due(
    conn: &mut PgConnection,
    today: Date,
    now: OffsetDateTime,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    scheduled_jobs::table
        .filter(scheduled_jobs::done_at.is_null())
        .filter(scheduled_jobs::due_on.le(today))
        .filter(
            scheduled_jobs::due_at
                .is_null()
                .or(scheduled_jobs::due_at.le(now)),
        )
        .order(scheduled_jobs::due_on)
        .limit(limit)
        .for_update()
        .skip_locked()
        .select(JobRow::as_select())
        .load(conn)
}

/// Marks a job done with its `outcome` (`sent` or `obsolete`).
pub fn finish(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    outcome: &str,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::update(scheduled_jobs::table.find(id))
        .set((
            scheduled_jobs::done_at.eq(Some(now)),
            scheduled_jobs::outcome.eq(Some(outcome)),
        ))
        .execute(conn)
        .map(drop)
}
