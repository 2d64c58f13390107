//! Scheduled reminders through the outbox: a job per subject and due day
//! (`inps_persistence::scheduled_jobs`), claimed with `FOR UPDATE SKIP LOCKED` by the
//! notification worker, which writes the reminder with [`notify`] when it is still worth
//! sending. A delegation's parties hear a week before its last day that it ends
//! ([`DELEGATION_EXPIRING`]); the people an appointment concerns hear 24 hours before it starts
//! (`appointment_reminder`, `crate::agenda::appointments::use_cases::remind`). Occasional work
//! (`crate::occasional::recurring::use_cases`): a recurring rule's window is extended daily
//! (`recurring_services_generation`), both parties of a generated service hear the day before
//! (`occasional_service_reminder`), and a Libretto Famiglia client hears on the 1st that last
//! month's services are reported by the 3rd (`libretto_report_due`).

use diesel::{Connection as _, PgConnection};
use inps_domain::delegation::{self as rules, EXPIRY_REMINDER_DAYS};
use inps_domain::notification::EventType;
use inps_domain::rome_time::rome_date;
use inps_persistence::delegations::StoredDelegation;
use inps_persistence::scheduled_jobs;
use time::{Date, Duration, OffsetDateTime};

use super::outbox::{Event, notify};
use crate::agenda::appointments::use_cases::{APPOINTMENT_REMINDER, remind as remind_appointment};
use crate::clock::Clock;
use crate::occasional::recurring::use_cases::{
    self as recurring, LIBRETTO_REPORT_DUE, RECURRING_GENERATION, SERVICE_REMINDER,
};
use crate::refusal::Refusal;

/// The job kind of the delegation expiry reminder.
pub const DELEGATION_EXPIRING: &str = "delegation_expiring";

/// Schedules the expiry reminder of delegation `id`, active from `now` until `valid_until`
/// (none for a delegation of a week or less), in the caller's transaction.
pub fn schedule_expiry_reminder(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    valid_until: Date,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    if let Some(day) = rules::expiry_reminder_on(valid_until, rome_date(now)) {
        scheduled_jobs::schedule(conn, DELEGATION_EXPIRING, id, day, now)?;
    }
    Ok(())
}

/// Runs the reminders due by the clock's Italian civil day, `batch` per transaction; returns
/// how many were written to the outbox (jobs about a delegation that ended or changed in the
/// meantime are closed as obsolete).
pub fn run_due(conn: &mut PgConnection, clock: &dyn Clock, batch: i64) -> Result<usize, Refusal> {
    let mut sent = 0;
    loop {
        let now = clock.now();
        let (claimed, written) = conn.transaction(|conn| {
            let jobs = scheduled_jobs::claim_due(conn, rome_date(now), now, batch)?;
            let mut written = 0;
            for job in &jobs {
                let due = match job.kind.as_str() {
                    APPOINTMENT_REMINDER => remind_appointment(conn, job.subject_id, now)?,
                    RECURRING_GENERATION => recurring::extend(conn, job.subject_id, now)?,
                    SERVICE_REMINDER => recurring::remind_service(conn, job.subject_id, now)?,
                    LIBRETTO_REPORT_DUE => {
                        recurring::remind_libretto_report(conn, job.subject_id, job.due_on, now)?
                    }
                    _ => remind(conn, job.subject_id, job.due_on, now)?,
                };
                let outcome = if due {
                    written += 1;
                    "sent"
                } else {
                    "obsolete"
                };
                scheduled_jobs::finish(conn, job.id, outcome, now)?;
            }
            Ok::<_, Refusal>((jobs.len(), written))
        })?;
        sent += written;
        if i64::try_from(claimed).unwrap_or(i64::MAX) < batch {
            return Ok(sent);
        }
    }
}

/// Writes the expiry reminder of delegation `id` (scheduled for `due_on`) when it is still in
/// force and still ends a week after `due_on`.
fn remind(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    due_on: Date,
    now: OffsetDateTime,
) -> Result<bool, Refusal> {
    let Some(row) = inps_persistence::delegations::find(conn, id)? else {
        return Ok(false);
    };
    let delegation = StoredDelegation::try_from(row).map_err(Refusal::internal)?;
    let scheduled_until = due_on + Duration::days(EXPIRY_REMINDER_DAYS);
    if !rules::expiry_reminder_still_due(
        delegation.status,
        delegation.valid_until,
        scheduled_until,
        rome_date(now),
    ) {
        return Ok(false);
    }
    notify(
        conn,
        Event {
            event_type: EventType::DelegationExpiring,
            subject: delegation.delegator.clone(),
            recipients: vec![delegation.delegator.clone(), delegation.delegate.clone()],
            payload: serde_json::json!({
                "delegation_id": id,
                "valid_until": delegation.valid_until.to_string(),
            }),
            link: format!("/v1/delegations/{id}"),
        },
        now,
    )?;
    Ok(true)
}
